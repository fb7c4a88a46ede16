/*
 * The streaming scanner (zonescan.c): one pass over a zone file in one of
 * its modes.  Not installed.
 */
#ifndef TLSA_ZONESCAN_H
#define TLSA_ZONESCAN_H

#include <stddef.h>
#include <stdint.h>

#include <ldns/ldns.h>

#include <tlsa.h>

#include "zonelex.h"

enum scan_mode {
	SCAN_EDIT,    /* collect the SOA and TLSA records at targets */
	SCAN_SOA,     /* stop at the SOA: only its owner is wanted */
	SCAN_CHECK,   /* parse every record with ldns (--check) */
	SCAN_SNIPPET, /* collect every TLSA record (an --include snippet) */
	SCAN_CNAMES   /* after SCAN_CHECK: other data at the CNAME owners noted */
};

struct snip; /* zonerecord.h */

struct scan {
	tlsa_zone_edit *ed;
	enum scan_mode mode;
	const char *path; /* as shown in messages */
	int is_main;
	int depth_incl;
	char origin[NAME_MAX_TEXT];
	int has_origin;
	uint32_t default_ttl, last_ttl;
	int has_default_ttl, has_last_ttl;
	/* The owner in effect: its text as written, and its absolute form,
	 * computed on demand (abs_valid) against the origin of its time. */
	char owner_text[NAME_MAX_TEXT];
	int has_owner;
	char owner_abs[NAME_MAX_TEXT];
	int abs_valid;
	unsigned origin_gen, owner_gen;
	size_t last_found;    /* found index of the previous entry, or NONE */
	int seen_record;      /* an entry that is not a directive */
	size_t inherit_found; /* found entry whose owner this file starts with */
	int done;	      /* SCAN_SOA: found it */
	/* Records of a snippet (SCAN_SNIPPET). */
	struct snip *snip;
	ldns_rdf *origin_rdf;
};

/* A scan of path in mode, names completed with origin (may be NULL). */
void tlsa_zone_scan_init(struct scan *sc, tlsa_zone_edit *ed, enum scan_mode mode, const char *path,
			 const char *origin);
/* Scan the file open on fd from its start, then free what sc holds. */
tlsa_status tlsa_zone_scan(struct scan *sc, int fd);

#endif
