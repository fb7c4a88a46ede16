/*
 * The CNAME rule (zonecname.c): no TLSA records at a CNAME owner, and no
 * other data beside a CNAME in a zone --check reads.  Not installed.
 */
#ifndef TLSA_ZONECNAME_H
#define TLSA_ZONECNAME_H

#include <stddef.h>

#include <ldns/ldns.h>

#include <tlsa.h>

#include "zonelex.h"
#include "zonescan.h"

/* The CNAME owners a --check pass notes (ed->cnames while it runs). */
struct cnames {
	struct cname *c;
	size_t n;
	size_t *hash; /* open addressing over c, size hcap (a power of 2) */
	size_t hcap;
};

/* Free what cs holds (not cs itself). */
void tlsa_zone_cnames_clear(struct cnames *cs);

/* A CNAME at target's owner: an error when records are asked for it. */
tlsa_status tlsa_zone_cname_at_target(struct scan *sc, const struct entry *e, size_t target,
				      const char *owner);
/* A record parsed by --check: note it when it is a CNAME. */
tlsa_status tlsa_zone_cname_parsed(struct scan *sc, const struct entry *e, const char *owner,
				   const ldns_rr *rr);
/* An entry of type ty at owner: an error when owner has a CNAME and ty is
 * not allowed beside it. */
tlsa_status tlsa_zone_cname_other(struct scan *sc, const struct entry *e, const char *owner,
				  const char *ty, size_t tyl);

#endif
