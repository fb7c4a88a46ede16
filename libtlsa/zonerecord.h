/*
 * What the scan keeps of an entry (zonerecord.c): records parsed with
 * ldns, the SOA serial's place, the TLSA records found at targets and the
 * records of a snippet.  Not installed.
 */
#ifndef TLSA_ZONERECORD_H
#define TLSA_ZONERECORD_H

#include <stddef.h>
#include <stdint.h>

#include <ldns/ldns.h>

#include <tlsa.h>

#include "zonelex.h"
#include "zonescan.h"

/* A TLSA record found in a file at an owner being changed. */
struct found {
	size_t target;
	int in_main;
	char *file; /* for messages, when not in the main file */
	unsigned long line;
	off_t start, end; /* the entry's bytes, EOL included */
	tlsa_record *rec;
	uint32_t ttl;
	int generic;
	char *head; /* first-line bytes before the type token, or NULL */
	size_t head_len;
	long ttl_off; /* TTL token within head, -1 when none */
	size_t ttl_len;
	size_t ttl_ins;	   /* where a TTL goes when there is none */
	char type_sep[16]; /* white space after the type token */
	char eol[3];
	char *prev_owner;	       /* absolute owner in effect before it, or NULL */
	char *fix_text;		       /* owner text a following blank-owner line needs */
	size_t prev_found, next_found; /* neighbouring entries when found */
	int next_blank;		       /* the next entry has a blank owner */
	char *incl_blank_file;	       /* an included file's first line inherits */
	unsigned long incl_blank_line; /* this owner (blank), at that line */
	off_t next_start;
	int removed;
};

/*
 * Where one copy of the SOA holds its serial: a decimal number, or (in
 * the RFC 3597 form "TYPE6 \# LEN HEX") eight hex digits, which may be
 * split over several chunks of hex, so up to eight runs of digits.
 */
struct serial_run {
	off_t off;
	size_t len;
};
struct soa_copy {
	struct serial_run run[8];
	size_t nrun;
	int hex, upper; /* hex digits; in upper case */
	unsigned long line;
};

/* A snippet's records, for SCAN_SNIPPET. */
struct snip_rr {
	char *owner; /* absolute */
	tlsa_record *rec;
	uint32_t ttl;
	int has_ttl;
};
struct snip {
	struct snip_rr *rr;
	size_t n;
};

/* Parse the entry as one RR at owner with ldns; errors name its line. */
tlsa_status tlsa_zone_parse_rr(struct scan *sc, const struct entry *e, const char *owner,
			       ldns_rr **rr);
/* The TLSA rdata of an ldns record. */
tlsa_status tlsa_zone_rr_tlsa(const ldns_rr *rr, tlsa_record **out);
/* Keep a TLSA record at a target, with the layout of its first line. */
tlsa_status tlsa_zone_found_add(struct scan *sc, const struct entry *e, size_t target,
				const char *owner, const char *prev_owner, int explicit_owner);
void tlsa_zone_found_free(struct found *f);
/* The SOA: where its serial is, and its owner as the zone's origin. */
tlsa_status tlsa_zone_soa(struct scan *sc, const struct entry *e, const char *owner);
tlsa_status tlsa_zone_snip_add(struct scan *sc, const struct entry *e, const char *owner);
void tlsa_zone_snip_free(struct snip *s);

#endif
