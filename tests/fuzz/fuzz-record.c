/*
 * Fuzz target: the TLSA rdata parser (tlsa_record_parse), presentation
 * form "U S M HEX" and generic form "\# LEN HEX", plus tlsa_hex_parse,
 * tlsa_record_from_wire and tlsa_owner_name_check on the same bytes.
 *
 * A record that parses must survive a round trip: its text and generic
 * forms parse back to an equal record.  Anything else is a bug.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <tlsa.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void round_trip(const tlsa_record *rec, char *(*form)(const tlsa_record *))
{
	tlsa_record *back = NULL;
	char *text = form(rec);

	if (text == NULL)
		return;
	if (tlsa_record_parse(text, &back) != TLSA_OK || !tlsa_record_equal(rec, back))
		abort();
	tlsa_record_free(back);
	free(text);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tlsa_record *rec = NULL;
	unsigned char *bin = NULL;
	size_t binlen = 0;
	char *text;

	/* The parser takes a C string: the input up to its first NUL. */
	text = malloc(size + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';

	if (tlsa_record_parse(text, &rec) == TLSA_OK) {
		(void)tlsa_record_check(rec);
		/* The presentation form needs data; the generic one does not. */
		if (rec->len > 0)
			round_trip(rec, tlsa_record_to_text);
		round_trip(rec, tlsa_record_to_generic);
		tlsa_record_free(rec);
	}
	if (tlsa_hex_parse(text, &bin, &binlen) == TLSA_OK)
		free(bin);
	/* A refusal always says why. */
	if (tlsa_owner_name_check(text) != TLSA_OK && tlsa_error_detail()[0] == '\0')
		abort();
	rec = NULL;
	if (tlsa_record_from_wire(data, size, &rec) == TLSA_OK) {
		round_trip(rec, tlsa_record_to_generic);
		tlsa_record_free(rec);
	}
	free(text);
	return 0;
}
