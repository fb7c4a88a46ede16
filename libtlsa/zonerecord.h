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

#include "zoneedit.h"
#include "zonelex.h"
#include "zonescan.h"

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
