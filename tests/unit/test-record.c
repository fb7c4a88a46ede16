/*
 * Unit tests of libtlsa/record.c: the TLSA rdata in its two text forms,
 * RFC 7218 mnemonics, and the checks that flag unusable records.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <tlsa.h>

#include "tap.h"

#define H32 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static char *text_of(const char *in)
{
	tlsa_record *r = NULL;
	char *s;

	if (tlsa_record_parse(in, &r) != TLSA_OK)
		return NULL;
	s = tlsa_record_to_text(r);
	tlsa_record_free(r);
	return s;
}

static tlsa_status status_of(const char *in)
{
	tlsa_record *r = NULL;
	tlsa_status st = tlsa_record_parse(in, &r);

	tlsa_record_free(r);
	return st;
}

static void check_text(const char *in, const char *want, const char *what)
{
	char *got = text_of(in);

	is_str(got, want, "%s", what);
	free(got);
}

/*
 * Found by fuzz-record: rdata is at most 65535 octets (RDLENGTH), so the
 * data after usage, selector and type is at most 65532.  A longer record
 * was accepted and then printed in a generic form that did not parse back.
 */
static void test_rdata_limit(void)
{
	size_t n = 65536;
	unsigned char *wire = calloc(1, n);
	char *text = malloc(6 + 2 * 65533 + 1);
	tlsa_record *r = NULL;
	char *generic;

	if (wire == NULL || text == NULL)
		exit(1);
	is_int(tlsa_record_from_wire(wire, n, &r), TLSA_ERR_INVALID,
	       "wire rdata longer than 65535 octets is refused");
	tlsa_record_free(r);
	r = NULL;
	ok(tlsa_record_from_wire(wire, 65535, &r) == TLSA_OK && r != NULL && r->len == 65532,
	   "wire rdata of exactly 65535 octets is accepted");
	generic = r != NULL ? tlsa_record_to_generic(r) : NULL;
	tlsa_record_free(r);
	r = NULL;
	ok(generic != NULL && tlsa_record_parse(generic, &r) == TLSA_OK && r->len == 65532,
	   "the longest record's generic form parses back");
	tlsa_record_free(r);
	free(generic);
	memcpy(text, "3 1 1 ", 6);
	memset(text + 6, '0', 2 * 65533);
	text[6 + 2 * 65533] = '\0';
	is_int(status_of(text), TLSA_ERR_TOO_LARGE,
	       "presentation data of more than 65532 octets is too large for rdata");
	free(text);
	free(wire);
}

static void test_parse(void)
{
	check_text("3 1 1 " H32, "3 1 1 " H32, "a plain 3 1 1 record parses and prints unchanged");
	check_text("  3 1 1 " H32 "  \n", "3 1 1 " H32, "white space around a record is ignored");
	check_text("3 1 1 0123456789ABCDEF 0123456789abcdef\t0123456789ABCDEF\n0123456789abcdef",
		   "3 1 1 " H32, "hex in any case, split into chunks, becomes one lowercase run");
	check_text("DANE-EE SPKI SHA2-256 " H32, "3 1 1 " H32, "RFC 7218 mnemonics are accepted");
	check_text("dane-ta cert sha2-512 " H32 H32, "2 0 2 " H32 H32,
		   "mnemonics are case-insensitive");
	check_text("pkix-ta Cert Full 3082", "0 0 0 3082", "PKIX-TA and Full parse");
	check_text("PrivCert PrivSel PrivMatch 00", "255 255 255 00",
		   "private-use mnemonics parse");
	check_text("\\# 35 030101" H32, "3 1 1 " H32, "the RFC 3597 generic form parses");
	check_text("\\# 35 0301 01" H32, "3 1 1 " H32, "generic hex may be split too");
	check_text("4 1 1 " H32, "4 1 1 " H32, "an unassigned usage parses (checks flag it)");
	is_int(status_of(""), TLSA_ERR_SYNTAX, "an empty string is a syntax error");
	is_int(status_of("3 1"), TLSA_ERR_SYNTAX,
	       "a record without a matching type is a syntax error");
	is_int(status_of("3 1 1"), TLSA_ERR_NO_DATA,
	       "a record without data says the data is missing");
	is_int(status_of("256 1 1 00"), TLSA_ERR_USAGE, "usage 256 is out of range");
	is_int(status_of("DANE-XX 1 1 00"), TLSA_ERR_USAGE, "an unknown usage mnemonic is refused");
	is_int(status_of("3 x 1 00"), TLSA_ERR_SELECTOR, "a bad selector is named as such");
	is_int(status_of("3 1 SHA1 00"), TLSA_ERR_MTYPE, "a bad matching type is named as such");
	is_int(status_of("3 1 1 abc"), TLSA_ERR_HEX, "an odd number of hex digits is refused");
	is_int(status_of("3 1 1 a bc0"), TLSA_ERR_HEX, "white space inside a byte is refused");
	is_int(status_of("3 1 1 zz"), TLSA_ERR_HEX, "non-hex characters are refused");
	is_int(status_of("\\# 36 030101" H32), TLSA_ERR_GENERIC_LENGTH,
	       "a generic length that disagrees with the data is refused");
	is_int(status_of("\\# 2 0301"), TLSA_ERR_NO_DATA,
	       "generic rdata shorter than usage, selector and type is refused");
	is_int(status_of("\\# x 00"), TLSA_ERR_SYNTAX, "a generic length must be a number");
	test_rdata_limit();
}

static void test_format(void)
{
	tlsa_record *r = NULL;
	unsigned char data[32];
	char *s;

	memset(data, 0xab, sizeof(data));
	ok(tlsa_record_new(3, 1, 1, data, sizeof(data), &r) == TLSA_OK,
	   "a record can be made from data");
	s = tlsa_record_to_generic(r);
	ok(s != NULL && strncmp(s, "\\# 35 030101abab", 16) == 0 && strlen(s) == 6 + 70,
	   "the generic form is \\# LEN then usage, selector, type and data in hex");
	free(s);
	s = tlsa_record_to_text(r);
	ok(s != NULL && strncmp(s, "3 1 1 abab", 10) == 0, "the text form is lowercase hex");
	free(s);
	{
		tlsa_record *copy = tlsa_record_dup(r), *w = NULL;
		unsigned char wire[35] = {3, 1, 1};

		memset(wire + 3, 0xab, 32);
		ok(copy != NULL && tlsa_record_equal(r, copy), "a copy equals its original");
		ok(tlsa_record_from_wire(wire, sizeof(wire), &w) == TLSA_OK &&
		       tlsa_record_equal(r, w),
		   "wire rdata gives the same record");
		copy->data[0] ^= 1;
		ok(!tlsa_record_equal(r, copy), "records that differ in one bit are not equal");
		tlsa_record_free(copy);
		tlsa_record_free(w);
	}
	tlsa_record_free(r);
}

static unsigned checks_of(const char *in)
{
	tlsa_record *r = NULL;
	unsigned f;

	if (tlsa_record_parse(in, &r) != TLSA_OK)
		return 0xffff;
	f = tlsa_record_check(r);
	tlsa_record_free(r);
	return f;
}

static void test_checks(void)
{
	is_int(checks_of("3 1 1 " H32), 0, "a well-formed 3 1 1 record has no findings");
	is_int(checks_of("3 1 2 " H32 H32), 0, "a 64-byte SHA2-512 record has no findings");
	is_int(checks_of("3 1 1 " H32 "00"), TLSA_CHECK_LENGTH,
	       "SHA2-256 data that is not 32 bytes is flagged");
	is_int(checks_of("3 1 2 " H32), TLSA_CHECK_LENGTH,
	       "SHA2-512 data that is not 64 bytes is flagged");
	is_int(checks_of("3 0 0 3082"), 0, "Full data of any length is allowed");
	is_int(checks_of("7 1 1 " H32), TLSA_CHECK_USAGE_UNKNOWN,
	       "usage 7 is flagged as unassigned");
	is_int(checks_of("3 2 1 " H32), TLSA_CHECK_SELECTOR_UNKNOWN, "selector 2 is flagged");
	is_int(checks_of("3 1 9 00"), TLSA_CHECK_MTYPE_UNKNOWN, "matching type 9 is flagged");
	is_int(checks_of("255 1 1 " H32), TLSA_CHECK_PRIVATE, "private use (255) is flagged");
	is_int(tlsa_mtype_length(1), 32, "SHA2-256 is 32 bytes");
	is_int(tlsa_mtype_length(2), 64, "SHA2-512 is 64 bytes");
}

static void test_mnemonics(void)
{
	uint8_t v = 0;

	is_str(tlsa_field_name(TLSA_FIELD_USAGE, 2), "DANE-TA", "usage 2 is named DANE-TA");
	is_str(tlsa_field_name(TLSA_FIELD_SELECTOR, 1), "SPKI", "selector 1 is named SPKI");
	is_str(tlsa_field_name(TLSA_FIELD_MTYPE, 2), "SHA2-512",
	       "matching type 2 is named SHA2-512");
	ok(tlsa_field_name(TLSA_FIELD_USAGE, 9) == NULL, "usage 9 has no name");
	ok(tlsa_field_parse(TLSA_FIELD_USAGE, "255", &v) == TLSA_OK && v == 255, "255 is a usage");
	ok(tlsa_field_parse(TLSA_FIELD_USAGE, "03", &v) == TLSA_OK && v == 3,
	   "leading zeros are accepted in numbers");
	ok(tlsa_field_parse(TLSA_FIELD_USAGE, "-1", &v) != TLSA_OK, "negative numbers are refused");
	ok(tlsa_field_parse(TLSA_FIELD_SELECTOR, "spki", &v) == TLSA_OK && v == 1,
	   "spki is selector 1");
	ok(strstr(tlsa_strerror(TLSA_ERR_PEM_BASE64), "base64") != NULL,
	   "status codes have words that name the problem");
	{
		/* The library knows no command's options: cmd/ adds those hints. */
		int st, named = 0;

		for (st = 0; st < 1000; st++)
			if (strstr(tlsa_strerror((tlsa_status)st), "--") != NULL ||
			    strstr(tlsa_strerror((tlsa_status)st), "env:") != NULL) {
				printf("# status %d names an option: %s\n", st,
				       tlsa_strerror((tlsa_status)st));
				named++;
			}
		ok(named == 0, "no status's words name a command-line option or its syntax");
	}
}

int main(void)
{
	test_parse();
	test_format();
	test_checks();
	test_mnemonics();
	return done_testing();
}
