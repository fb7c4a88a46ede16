/*
 * What is asked (zonetarget.c): the records and removals given, turned
 * into targets once the origin is known.  Not installed.
 */
#ifndef TLSA_ZONETARGET_H
#define TLSA_ZONETARGET_H

#include <stddef.h>
#include <stdint.h>

#include <tlsa.h>

#include "zoneedit.h"

/* The target whose owner is owner (absolute), or NONE. */
size_t tlsa_zone_find_target(const tlsa_zone_edit *ed, const char *owner);
/* Some name given is relative (and needs an origin). */
int tlsa_zone_pending_relative(const tlsa_zone_edit *ed);
/* Turn the names given into targets, completing them with origin. */
tlsa_status tlsa_zone_resolve_targets(tlsa_zone_edit *ed, const char *origin);
/* Every target lies in the zone of the SOA. */
tlsa_status tlsa_zone_targets_in_zone(tlsa_zone_edit *ed);
/* r is among the n records asked (with the TTL asked, when check_ttl). */
int tlsa_zone_rec_in(const tlsa_record *r, const struct want *w, size_t n, int check_ttl,
		     uint32_t ttl);

#endif
