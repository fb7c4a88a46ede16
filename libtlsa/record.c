/*
 * The TLSA record: parse and format its rdata, RFC 7218 mnemonics, checks.
 *
 * Owns only the rdata.  Owner names, TTLs and whole resource records are
 * the callers' (with ldns).  Parsing is lenient in what a zone file allows
 * (hex in any case, split into chunks) and strict in everything else.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <tlsa/record.h>

struct mnemonic {
	uint8_t value;
	const char *name;
};

static const struct mnemonic usages[] = {{0, "PKIX-TA"}, {1, "PKIX-EE"},    {2, "DANE-TA"},
					 {3, "DANE-EE"}, {255, "PrivCert"}, {0, NULL}};
static const struct mnemonic selectors[] = {{0, "Cert"}, {1, "SPKI"}, {255, "PrivSel"}, {0, NULL}};
static const struct mnemonic mtypes[] = {
    {0, "Full"}, {1, "SHA2-256"}, {2, "SHA2-512"}, {255, "PrivMatch"}, {0, NULL}};

static const struct mnemonic *table(tlsa_field field)
{
	switch (field) {
	case TLSA_FIELD_USAGE: return usages;
	case TLSA_FIELD_SELECTOR: return selectors;
	case TLSA_FIELD_MTYPE: return mtypes;
	}
	return usages;
}

static tlsa_status field_error(tlsa_field field)
{
	switch (field) {
	case TLSA_FIELD_USAGE: return TLSA_ERR_USAGE;
	case TLSA_FIELD_SELECTOR: return TLSA_ERR_SELECTOR;
	case TLSA_FIELD_MTYPE: return TLSA_ERR_MTYPE;
	}
	return TLSA_ERR_SYNTAX;
}

tlsa_status tlsa_field_parse(tlsa_field field, const char *text, uint8_t *value)
{
	const struct mnemonic *m;
	unsigned v = 0;
	const char *p;

	if (text == NULL || *text == '\0')
		return field_error(field);
	if (isdigit((unsigned char)*text)) {
		for (p = text; *p != '\0'; p++) {
			if (!isdigit((unsigned char)*p))
				return field_error(field);
			v = v * 10 + (unsigned)(*p - '0');
			if (v > 255)
				return field_error(field);
		}
		*value = (uint8_t)v;
		return TLSA_OK;
	}
	for (m = table(field); m->name != NULL; m++) {
		if (strcasecmp(m->name, text) == 0) {
			*value = m->value;
			return TLSA_OK;
		}
	}
	return field_error(field);
}

const char *tlsa_field_name(tlsa_field field, uint8_t value)
{
	const struct mnemonic *m;

	for (m = table(field); m->name != NULL; m++)
		if (m->value == value)
			return m->name;
	return NULL;
}

tlsa_status tlsa_record_new(uint8_t usage, uint8_t selector, uint8_t mtype,
			    const unsigned char *data, size_t len, tlsa_record **out)
{
	tlsa_record *rec;

	/* The rdata (three octets, then the data) must fit RDLENGTH's 16 bits. */
	if (out == NULL || (len > 0 && data == NULL) || len > TLSA_DATA_MAX - 3)
		return TLSA_ERR_INVALID;
	rec = malloc(sizeof(*rec)); /* not calloc: glibc's skips the thread cache */
	if (rec == NULL)
		return TLSA_ERR_NOMEM;
	memset(rec, 0, sizeof(*rec));
	rec->usage = usage;
	rec->selector = selector;
	rec->mtype = mtype;
	rec->len = len;
	rec->data = malloc(len > 0 ? len : 1);
	if (rec->data == NULL) {
		free(rec);
		return TLSA_ERR_NOMEM;
	}
	if (len > 0)
		memcpy(rec->data, data, len);
	*out = rec;
	return TLSA_OK;
}

tlsa_record *tlsa_record_dup(const tlsa_record *rec)
{
	tlsa_record *copy = NULL;

	if (rec == NULL)
		return NULL;
	if (tlsa_record_new(rec->usage, rec->selector, rec->mtype, rec->data, rec->len, &copy) !=
	    TLSA_OK)
		return NULL;
	return copy;
}

void tlsa_record_free(tlsa_record *rec)
{
	if (rec == NULL)
		return;
	free(rec->data);
	free(rec);
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Hex digits with white space allowed between (not inside) byte pairs, as
 * zone files split long data into chunks.
 */
tlsa_status tlsa_hex_parse(const char *text, unsigned char **data, size_t *len)
{
	size_t n = 0, cap;
	unsigned char *buf;
	const char *p;
	int hi, lo;

	cap = strlen(text) / 2 + 1;
	buf = malloc(cap);
	if (buf == NULL)
		return TLSA_ERR_NOMEM;
	for (p = text; *p != '\0';) {
		if (isspace((unsigned char)*p)) {
			p++;
			continue;
		}
		hi = hexval((unsigned char)p[0]);
		lo = hi < 0 ? -1 : hexval((unsigned char)p[1]);
		if (hi < 0 || lo < 0) {
			free(buf);
			return TLSA_ERR_HEX;
		}
		buf[n++] = (unsigned char)(hi << 4 | lo);
		p += 2;
	}
	if (n > TLSA_DATA_MAX) {
		free(buf);
		return TLSA_ERR_TOO_LARGE;
	}
	*data = buf;
	*len = n;
	return TLSA_OK;
}

/* Copy the next white-space separated word of *p into word (size cap). */
static int next_word(const char **p, char *word, size_t cap)
{
	const char *s = *p;
	size_t n = 0;

	while (isspace((unsigned char)*s))
		s++;
	if (*s == '\0')
		return 0;
	while (*s != '\0' && !isspace((unsigned char)*s)) {
		if (n + 1 >= cap)
			return -1;
		word[n++] = *s++;
	}
	word[n] = '\0';
	*p = s;
	return 1;
}

static tlsa_status parse_generic(const char *p, tlsa_record **out)
{
	char word[16];
	unsigned long want;
	char *end;
	unsigned char *data;
	size_t len;
	tlsa_status st;

	if (next_word(&p, word, sizeof(word)) != 1)
		return TLSA_ERR_SYNTAX;
	want = strtoul(word, &end, 10);
	if (*end != '\0' || !isdigit((unsigned char)word[0]))
		return TLSA_ERR_SYNTAX;
	st = tlsa_hex_parse(p, &data, &len);
	if (st != TLSA_OK)
		return st;
	if (len != want) {
		free(data);
		return TLSA_ERR_GENERIC_LENGTH;
	}
	if (len < 3) {
		free(data);
		return want < 3 ? TLSA_ERR_NO_DATA : TLSA_ERR_GENERIC_LENGTH;
	}
	st = tlsa_record_new(data[0], data[1], data[2], data + 3, len - 3, out);
	free(data);
	return st;
}

tlsa_status tlsa_record_parse(const char *text, tlsa_record **out)
{
	char word[16];
	uint8_t u, s, m;
	unsigned char *data;
	size_t len;
	const char *p = text;
	tlsa_status st;
	int r;

	if (text == NULL || out == NULL)
		return TLSA_ERR_INVALID;
	r = next_word(&p, word, sizeof(word));
	if (r == 0)
		return TLSA_ERR_SYNTAX;
	if (r == 1 && strcmp(word, "\\#") == 0)
		return parse_generic(p, out);
	if (r < 0 || (st = tlsa_field_parse(TLSA_FIELD_USAGE, word, &u)) != TLSA_OK)
		return TLSA_ERR_USAGE;
	if (next_word(&p, word, sizeof(word)) != 1)
		return TLSA_ERR_SYNTAX;
	if ((st = tlsa_field_parse(TLSA_FIELD_SELECTOR, word, &s)) != TLSA_OK)
		return st;
	if (next_word(&p, word, sizeof(word)) != 1)
		return TLSA_ERR_SYNTAX;
	if ((st = tlsa_field_parse(TLSA_FIELD_MTYPE, word, &m)) != TLSA_OK)
		return st;
	st = tlsa_hex_parse(p, &data, &len);
	if (st != TLSA_OK)
		return st;
	if (len == 0) {
		free(data);
		return TLSA_ERR_NO_DATA;
	}
	if (len > TLSA_DATA_MAX - 3) {
		free(data);
		return TLSA_ERR_TOO_LARGE;
	}
	st = tlsa_record_new(u, s, m, data, len, out);
	free(data);
	return st;
}

tlsa_status tlsa_record_from_wire(const unsigned char *rdata, size_t len, tlsa_record **out)
{
	if (rdata == NULL || out == NULL)
		return TLSA_ERR_INVALID;
	if (len < 3)
		return TLSA_ERR_NO_DATA;
	return tlsa_record_new(rdata[0], rdata[1], rdata[2], rdata + 3, len - 3, out);
}

static const char hexdigits[] = "0123456789abcdef";

/* A field's decimal digits and a space. */
static char *put_field(char *p, uint8_t v)
{
	if (v >= 100)
		*p++ = (char)('0' + v / 100);
	if (v >= 10)
		*p++ = (char)('0' + v / 10 % 10);
	*p++ = (char)('0' + v % 10);
	*p++ = ' ';
	return p;
}

static char *put_hex(char *p, const unsigned char *data, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		*p++ = hexdigits[data[i] >> 4];
		*p++ = hexdigits[data[i] & 15];
	}
	*p = '\0';
	return p;
}

char *tlsa_hex_string(const unsigned char *data, size_t len)
{
	char *s = malloc(2 * len + 1);

	if (s != NULL)
		put_hex(s, data, len);
	return s;
}

char *tlsa_record_to_text(const tlsa_record *rec)
{
	char *s, *p;

	/* "255 255 255 " is 12 bytes at most. */
	s = malloc(12 + 2 * rec->len + 1);
	if (s == NULL)
		return NULL;
	p = put_field(s, rec->usage);
	p = put_field(p, rec->selector);
	p = put_field(p, rec->mtype);
	put_hex(p, rec->data, rec->len);
	return s;
}

char *tlsa_record_to_generic(const tlsa_record *rec)
{
	unsigned char head[3];
	char *s, *p;

	head[0] = rec->usage;
	head[1] = rec->selector;
	head[2] = rec->mtype;
	/* "\# 65538 " is 9 bytes at most. */
	s = malloc(9 + 2 * (rec->len + 3) + 1);
	if (s == NULL)
		return NULL;
	p = s + sprintf(s, "\\# %zu ", rec->len + 3);
	p = put_hex(p, head, 3);
	put_hex(p, rec->data, rec->len);
	return s;
}

int tlsa_record_equal(const tlsa_record *a, const tlsa_record *b)
{
	return a->usage == b->usage && a->selector == b->selector && a->mtype == b->mtype &&
	       a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

size_t tlsa_mtype_length(uint8_t mtype)
{
	switch (mtype) {
	case TLSA_MTYPE_SHA256: return 32;
	case TLSA_MTYPE_SHA512: return 64;
	default: return 0;
	}
}

unsigned tlsa_record_check(const tlsa_record *rec)
{
	unsigned flags = 0;
	size_t want;

	if (rec->usage > 3 && rec->usage < 255)
		flags |= TLSA_CHECK_USAGE_UNKNOWN;
	if (rec->selector > 1 && rec->selector < 255)
		flags |= TLSA_CHECK_SELECTOR_UNKNOWN;
	if (rec->mtype > 2 && rec->mtype < 255)
		flags |= TLSA_CHECK_MTYPE_UNKNOWN;
	if (rec->usage == 255 || rec->selector == 255 || rec->mtype == 255)
		flags |= TLSA_CHECK_PRIVATE;
	if (rec->len == 0)
		flags |= TLSA_CHECK_EMPTY;
	want = tlsa_mtype_length(rec->mtype);
	if (want != 0 && rec->len != want)
		flags |= TLSA_CHECK_LENGTH;
	return flags;
}
