/*
 * The TLSA record (RFC 6698 section 2): parse, format, mnemonics, checks.
 *
 * Owns: the rdata of one TLSA record and its two text forms, the
 * presentation form "3 1 1 ab12..." and the RFC 3597 generic form
 * "\# 35 030101ab12...".  Owner names, TTLs and classes belong to the
 * callers (cmd/ and the zone*.c files), which use ldns for whole resource records.
 */
#ifndef TLSA_RECORD_H
#define TLSA_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include <tlsa/status.h>

#ifdef __cplusplus
extern "C" {
#endif

/* RFC 6698 and RFC 7218 values. */
enum {
	TLSA_USAGE_PKIX_TA = 0,
	TLSA_USAGE_PKIX_EE = 1,
	TLSA_USAGE_DANE_TA = 2,
	TLSA_USAGE_DANE_EE = 3,
	TLSA_USAGE_PRIVCERT = 255,
	TLSA_SELECTOR_CERT = 0,
	TLSA_SELECTOR_SPKI = 1,
	TLSA_SELECTOR_PRIVSEL = 255,
	TLSA_MTYPE_FULL = 0,
	TLSA_MTYPE_SHA256 = 1,
	TLSA_MTYPE_SHA512 = 2,
	TLSA_MTYPE_PRIVMATCH = 255
};

/* Longest TLSA rdata: 16-bit RDLENGTH.  The association data can be three
 * bytes less (usage, selector and matching type come first). */
#define TLSA_DATA_MAX 65535

typedef struct tlsa_record {
	uint8_t usage;
	uint8_t selector;
	uint8_t mtype;
	size_t len;	     /* length of data in bytes */
	unsigned char *data; /* certificate association data, owned */
} tlsa_record;

/* Which field a mnemonic belongs to. */
typedef enum tlsa_field { TLSA_FIELD_USAGE, TLSA_FIELD_SELECTOR, TLSA_FIELD_MTYPE } tlsa_field;

/* A new record with a copy of data (len may be 0 only for data == NULL). */
tlsa_status tlsa_record_new(uint8_t usage, uint8_t selector, uint8_t mtype,
			    const unsigned char *data, size_t len, tlsa_record **out);
tlsa_record *tlsa_record_dup(const tlsa_record *rec);
void tlsa_record_free(tlsa_record *rec);

/*
 * Parse a number 0-255 or an RFC 7218 mnemonic (any case) for a field.
 * Returns TLSA_ERR_USAGE, _SELECTOR or _MTYPE when it is neither.
 */
tlsa_status tlsa_field_parse(tlsa_field field, const char *text, uint8_t *value);

/* The RFC 7218 mnemonic of a value ("DANE-EE"), or NULL when it has none. */
const char *tlsa_field_name(tlsa_field field, uint8_t value);

/*
 * Parse the rdata text of a TLSA record: "U S M HEX..." where U, S and M
 * are numbers or mnemonics and the hex may be split by white space, or
 * the generic form "\# LEN HEX...".  Leading and trailing white space is
 * ignored.  The record is not checked against the matching type's length
 * here: that is tlsa_record_check()'s job, so that callers decide whether
 * a malformed record is an error (create) or an unusable record (check).
 */
tlsa_status tlsa_record_parse(const char *text, tlsa_record **out);

/* Parse a string of hex digits, white space allowed between pairs. */
tlsa_status tlsa_hex_parse(const char *text, unsigned char **data, size_t *len);

/* The record from wire rdata (usage, selector, mtype, data). */
tlsa_status tlsa_record_from_wire(const unsigned char *rdata, size_t len, tlsa_record **out);

/*
 * Text forms, allocated with malloc; NULL only when out of memory.
 * tlsa_record_to_text: "3 1 1 abcd..." (lowercase, one line).
 * tlsa_record_to_generic: "\# 35 030101abcd..." (RFC 3597).
 */
char *tlsa_record_to_text(const tlsa_record *rec);
char *tlsa_record_to_generic(const tlsa_record *rec);

/* Lowercase hex of len bytes into a malloc'd string. */
char *tlsa_hex_string(const unsigned char *data, size_t len);

/* True when two records have the same wire form. */
int tlsa_record_equal(const tlsa_record *a, const tlsa_record *b);

/*
 * Checks of a parsed record, as flags.  Errors make a record unusable for
 * every client; notices are legal but usually not what an admin wants.
 */
enum {
	TLSA_CHECK_USAGE_UNKNOWN = 1 << 0,    /* usage 4-254: unassigned */
	TLSA_CHECK_SELECTOR_UNKNOWN = 1 << 1, /* selector 2-254 */
	TLSA_CHECK_MTYPE_UNKNOWN = 1 << 2,    /* matching type 3-254 */
	TLSA_CHECK_PRIVATE = 1 << 3,	      /* a field is 255 (private use) */
	TLSA_CHECK_LENGTH = 1 << 4,	      /* data length wrong for mtype */
	TLSA_CHECK_EMPTY = 1 << 5	      /* no data */
};
unsigned tlsa_record_check(const tlsa_record *rec);

/* The length a matching type requires (32, 64), or 0 when any is allowed. */
size_t tlsa_mtype_length(uint8_t mtype);

/*
 * A TTL of len bytes of text: seconds, or a sum of NUMBER UNIT with units
 * s m h d w in any case ("1h", "1d12h"; a bare number only alone).  At
 * most 2147483647 (RFC 2181 section 8); a larger value that fits 32 bits
 * gives TLSA_ERR_TTL_RANGE with *ttl set to 0, as receivers read it.
 * Anything else is TLSA_ERR_TTL.
 */
tlsa_status tlsa_ttl_parse(const char *text, size_t len, uint32_t *ttl);

#ifdef __cplusplus
}
#endif
#endif
