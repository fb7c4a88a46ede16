/*
 * What is asked (zonetarget.c): the records and removals given, turned
 * into targets once the origin is known.  Not installed.
 */
#ifndef TLSA_ZONETARGET_H
#define TLSA_ZONETARGET_H

#include <stddef.h>
#include <stdint.h>

#include <tlsa.h>

#define NONE ((size_t)-1) /* no index: no target, no found entry */

/* A record asked for. */
struct want {
	tlsa_record *rec;
	uint32_t ttl;
	int has_ttl;
	int generic; /* given as TYPE52 \# ... */
};

struct target {
	char *owner;   /* absolute, lowercase: the key */
	char *display; /* absolute, as given */
	struct want *wants;
	size_t nwants;
	int remove;
	int generic; /* given records were in generic form */
	/* What the plan does with it, for tlsa_zone_edit_change(). */
	tlsa_zone_set_change kind;
	size_t old_count;
	unsigned long line;
	int in_snippet;
};

/* A raw name given before the origin is known. */
struct pending {
	char *owner_text; /* as given */
	struct want want;
	int remove;
	int has_want;
};

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
