/*
 * A user of libtlsa, built only against the installed headers and
 * pkg-config file (tests/api/install.sh): it computes a record from a
 * certificate, parses one, and bumps a serial, and prints what it got.
 *
 *   api CERT RECORD SERIAL   prints the computed record, the parsed one,
 *                            the next serial, a load failure's detail,
 *                            and the versions
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tlsa.h>

#if !defined(TLSA_VERSION_MAJOR) || !defined(TLSA_VERSION_MINOR) || !defined(TLSA_VERSION_PATCH)
#error "tlsa.h does not define TLSA_VERSION_MAJOR, _MINOR and _PATCH"
#endif
#if TLSA_VERSION_NUMBER !=                                                                         \
    ((TLSA_VERSION_MAJOR << 16) | (TLSA_VERSION_MINOR << 8) | TLSA_VERSION_PATCH)
#error "TLSA_VERSION_NUMBER does not follow from _MAJOR, _MINOR and _PATCH"
#endif

static int fail(const char *what, tlsa_status st)
{
	fprintf(stderr, "api: %s: %s\n", what, tlsa_strerror(st));
	return 1;
}

int main(int argc, char **argv)
{
	unsigned char *buf;
	size_t len;
	tlsa_input *in;
	tlsa_record *rec, *parsed;
	tlsa_serial_spec spec = TLSA_SERIAL_SPEC_INIT;
	tlsa_status st;
	uint32_t next;
	unsigned warnings;
	char *text;

	if (argc != 4) {
		fprintf(stderr, "usage: api CERT RECORD SERIAL\n");
		return 2;
	}

	/* A record from a certificate. */
	if ((st = tlsa_file_read(argv[1], &buf, &len)) != TLSA_OK)
		return fail(argv[1], st);
	st = tlsa_input_load(buf, len, TLSA_KIND_CERT, NULL, &in);
	free(buf);
	if (st != TLSA_OK)
		return fail(argv[1], st);
	st = tlsa_record_compute(in, 0, 3, 1, 1, &rec);
	tlsa_input_free(in);
	if (st != TLSA_OK)
		return fail("compute", st);
	if ((text = tlsa_record_to_text(rec)) == NULL)
		return fail("to_text", TLSA_ERR_NOMEM);
	printf("computed: %s\n", text);
	free(text);

	/* A record from text, compared with the computed one. */
	if ((st = tlsa_record_parse(argv[2], &parsed)) != TLSA_OK)
		return fail(argv[2], st);
	if ((text = tlsa_record_to_text(parsed)) == NULL)
		return fail("to_text", TLSA_ERR_NOMEM);
	printf("parsed: %s\n", text);
	printf("equal: %s\n", tlsa_record_equal(rec, parsed) ? "yes" : "no");
	free(text);
	tlsa_record_free(parsed);
	tlsa_record_free(rec);

	/* A serial bumped as `--serial increment` does. */
	if ((st = tlsa_serial_spec_parse("increment", &spec)) != TLSA_OK)
		return fail("increment", st);
	st = tlsa_serial_next((uint32_t)strtoul(argv[3], NULL, 10), &spec, 0, 0, &next, &warnings);
	if (st != TLSA_OK)
		return fail(argv[3], st);
	printf("serial: %lu\n", (unsigned long)next);

	/* A failure's detail through the error channel: the line at fault. */
	{
		static const char bad[] = "-----BEGIN CERTIFICATE-----\n"
					  "not base64 !\n"
					  "-----END CERTIFICATE-----\n";

		st = tlsa_input_load((const unsigned char *)bad, sizeof(bad) - 1, TLSA_KIND_CERT,
				     NULL, &in);
		printf("error: %s line %lu detail \"%s\" file \"%s\"\n", tlsa_strerror(st),
		       tlsa_error_line(), tlsa_error_detail(), tlsa_error_file());
	}

	/* The headers' version is the library's. */
	printf("version: %d.%d.%d %s %s\n", TLSA_VERSION_MAJOR, TLSA_VERSION_MINOR,
	       TLSA_VERSION_PATCH, TLSA_VERSION_STRING, tlsa_version());
	return 0;
}
