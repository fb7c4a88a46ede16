/*
 * The CNAME rule of zone files: a name that has a CNAME has no other data
 * (RFC 1034 section 3.6.2, RFC 2181 section 10.1), except the DNSSEC
 * records that sign and deny it: RRSIG, NSEC and NSEC3 (RFC 4035 section
 * 2.5).  Servers refuse a zone that breaks it (NSD: "CNAME and other
 * data"), so an edit that would break it is refused before anything is
 * written.
 *
 * Owns: refusing TLSA records for an owner that is a CNAME (RFC 7671
 * section 7 aliases one service's TLSA owner to another's: the records
 * belong at the target), and for --check the CNAME owners noted while a
 * new zone is parsed and the other data found at them.  Memory grows with
 * the number of CNAMEs, not with the zone.  Does not own scanning
 * (zonescan.c), the --check passes (zoneverify.c) or parsing records
 * (zonerecord.c).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "zonecname.h"
#include "zoneedit.h"
#include "zonefail.h"
#include "zonelex.h"
#include "zonerecord.h"
#include "zonescan.h"

struct cname {
	char *owner; /* absolute, as written */
	char *target;
	char *file;
	unsigned long line;
};

/* The target of a CNAME record, absolute ("." for a bad one). */
static char *cname_target(const ldns_rr *rr)
{
	const ldns_rdf *d = ldns_rr_rd_count(rr) > 0 ? ldns_rr_rdf(rr, 0) : NULL;

	return d != NULL ? ldns_rdf2str(d) : strdup(".");
}

tlsa_status tlsa_zone_cname_at_target(struct scan *sc, const struct entry *e, size_t target,
				      const char *owner)
{
	tlsa_zone_edit *ed = sc->ed;
	const struct target *tg = &ed->targets[target];
	ldns_rr *rr = NULL;
	tlsa_status st;
	char *to;

	/* Removing a set that should never have been there repairs the zone. */
	if (tg->nwants == 0)
		return TLSA_OK;
	if ((st = tlsa_zone_parse_rr(sc, e, owner, &rr)) != TLSA_OK)
		return st;
	to = cname_target(rr);
	ldns_rr_free(rr);
	if (to == NULL)
		return TLSA_ERR_NOMEM;
	st = tlsa_zone_fail(ed, TLSA_ERR_ZONE_CNAME, sc->path, e->line,
			    "%s is a CNAME for %s, so it can hold no TLSA records; update the "
			    "records of %s instead",
			    tg->display, to, to);
	free(to);
	return st;
}

/* ---- --check: CNAME and other data --------------------------------- */

static size_t cname_find(const struct cnames *cs, const char *owner)
{
	size_t i;

	if (cs->hcap == 0)
		return NONE;
	for (i = tlsa_zone_hash(owner) & (cs->hcap - 1); cs->hash[i] != NONE;
	     i = (i + 1) & (cs->hcap - 1))
		if (names_equal(cs->c[cs->hash[i]].owner, owner))
			return cs->hash[i];
	return NONE;
}

/* Room for one more CNAME in the hash, kept at most half full. */
static int cname_grow(struct cnames *cs)
{
	size_t cap = cs->hcap ? cs->hcap * 2 : 64, i, h, *hash;

	if ((cs->n + 1) * 2 <= cs->hcap)
		return 0;
	hash = malloc(cap * sizeof(*hash));
	if (hash == NULL)
		return -1;
	for (i = 0; i < cap; i++)
		hash[i] = NONE;
	for (i = 0; i < cs->n; i++) {
		for (h = tlsa_zone_hash(cs->c[i].owner) & (cap - 1); hash[h] != NONE;
		     h = (h + 1) & (cap - 1))
			;
		hash[h] = i;
	}
	free(cs->hash);
	cs->hash = hash;
	cs->hcap = cap;
	return 0;
}

static tlsa_status cname_note(struct scan *sc, const struct entry *e, const char *owner,
			      const ldns_rr *rr)
{
	struct cnames *cs = sc->ed->cnames;
	struct cname *c;
	size_t k, h;
	char *to = cname_target(rr);
	tlsa_status st;

	if (to == NULL)
		return TLSA_ERR_NOMEM;
	if ((k = cname_find(cs, owner)) != NONE) {
		c = &cs->c[k];
		if (names_equal(c->target, to)) {
			free(to); /* the same record twice: servers keep one */
			return TLSA_OK;
		}
		st = tlsa_zone_fail(sc->ed, TLSA_ERR_ZONE_CNAME, sc->path, e->line,
				    "%s has a second CNAME (for %s) beside the one of %s line %lu",
				    owner, to, c->file, c->line);
		free(to);
		return st;
	}
	if (cname_grow(cs) != 0 || (c = realloc(cs->c, (cs->n + 1) * sizeof(*c))) == NULL) {
		free(to);
		return TLSA_ERR_NOMEM;
	}
	cs->c = c;
	c = &cs->c[cs->n];
	c->owner = strdup(owner);
	c->file = strdup(sc->path);
	c->target = to;
	c->line = e->line;
	if (c->owner == NULL || c->file == NULL) {
		free(c->owner);
		free(c->file);
		free(to);
		return TLSA_ERR_NOMEM;
	}
	for (h = tlsa_zone_hash(owner) & (cs->hcap - 1); cs->hash[h] != NONE;
	     h = (h + 1) & (cs->hcap - 1))
		;
	cs->hash[h] = cs->n++;
	return TLSA_OK;
}

tlsa_status tlsa_zone_cname_parsed(struct scan *sc, const struct entry *e, const char *owner,
				   const ldns_rr *rr)
{
	if (sc->ed->cnames == NULL || ldns_rr_get_type(rr) != LDNS_RR_TYPE_CNAME)
		return TLSA_OK;
	return cname_note(sc, e, owner, rr);
}

/* Types that may sit beside a CNAME: the CNAME and DNSSEC's own. */
static int beside_cname(const char *ty, size_t n)
{
	return is_cname_type(ty, n) || token_is(ty, n, "RRSIG") || token_is(ty, n, "TYPE46") ||
	       token_is(ty, n, "NSEC") || token_is(ty, n, "TYPE47") || token_is(ty, n, "NSEC3") ||
	       token_is(ty, n, "TYPE50");
}

tlsa_status tlsa_zone_cname_other(struct scan *sc, const struct entry *e, const char *owner,
				  const char *ty, size_t tyl)
{
	const struct cnames *cs = sc->ed->cnames;
	const struct cname *c;
	size_t k;

	if (cs == NULL || beside_cname(ty, tyl) || (k = cname_find(cs, owner)) == NONE)
		return TLSA_OK;
	c = &cs->c[k];
	return tlsa_zone_fail(sc->ed, TLSA_ERR_ZONE_CNAME, sc->path, e->line,
			      "%s holds %.*s data beside its CNAME of %s%sline %lu", owner,
			      (int)tyl, ty, strcmp(c->file, sc->path) == 0 ? "" : c->file,
			      strcmp(c->file, sc->path) == 0 ? "" : " ", c->line);
}

void tlsa_zone_cnames_clear(struct cnames *cs)
{
	size_t i;

	for (i = 0; i < cs->n; i++) {
		free(cs->c[i].owner);
		free(cs->c[i].target);
		free(cs->c[i].file);
	}
	free(cs->c);
	free(cs->hash);
	memset(cs, 0, sizeof(*cs));
}
