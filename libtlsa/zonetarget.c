/*
 * What is asked: the records and removals given (each owner's whole TLSA
 * RRset becomes the records given for it), their owners made absolute
 * once the origin is known, and looked up by hash while the zone is
 * scanned.
 *
 * Owns: tlsa_zone_edit_add_record(), _remove(), the targets and their
 * hash, and the check that every owner lies in the zone.  Does not own
 * comparing or writing records (zoneplan.c) or TLSA rdata (record.c).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "name-internal.h"
#include "error-internal.h"
#include "zonebuf.h"
#include "zoneedit.h"
#include "zonefail.h"
#include "zonelex.h"
#include "zonetarget.h"

/* ---- what is asked --------------------------------------------------- */

static tlsa_status add_pending(tlsa_zone_edit *ed, const char *owner, size_t olen, struct want *w,
			       int remove)
{
	struct pending *p = realloc(ed->pend, (ed->npend + 1) * sizeof(*p));

	if (p == NULL)
		return TLSA_ERR_NOMEM;
	ed->pend = p;
	p = &ed->pend[ed->npend];
	memset(p, 0, sizeof(*p));
	p->owner_text = strndup(owner, olen);
	if (p->owner_text == NULL)
		return TLSA_ERR_NOMEM;
	if (w != NULL) {
		p->want = *w;
		p->has_want = 1;
	}
	p->remove = remove;
	ed->npend++;
	return TLSA_OK;
}

/* The want of a record line OWNER [TTL] [IN] TLSA|TYPE52 RDATA, tokenised. */
static tlsa_status parse_want(tlsa_zone_edit *ed, const char *text, const struct toks *t,
			      struct want *w)
{
	struct buf rd = {0};
	int ttl_i, class_i;
	size_t i, type_i;
	tlsa_status st;

	type_i = head_fields(text, t, 1, &ttl_i, &class_i);
	if (type_i >= t->n || !is_tlsa_type(text + t->t[type_i].off, t->t[type_i].len))
		return tlsa_zone_fail(ed, TLSA_ERR_ZONE_NOT_TLSA, NULL, 0, NULL);
	if (class_i >= 0 && !token_is(text + t->t[class_i].off, t->t[class_i].len, "IN"))
		return tlsa_zone_fail(ed, TLSA_ERR_ZONE_RECORD, NULL, 0, "class is not IN");
	if (ttl_i >= 0) {
		/* What tlsa writes stays within RFC 2181's limit. */
		st = tlsa_ttl_parse(text + t->t[ttl_i].off, t->t[ttl_i].len, &w->ttl);
		if (st == TLSA_ERR_TTL_RANGE)
			return tlsa_zone_fail(ed, TLSA_ERR_ZONE_RECORD, NULL, 0,
					      "TTL above 2147483647 (RFC 2181 section 8)");
		if (st != TLSA_OK)
			return tlsa_zone_fail(ed, TLSA_ERR_ZONE_RECORD, NULL, 0, "bad TTL");
		w->has_ttl = 1;
	}
	w->generic = token_is(text + t->t[type_i].off, t->t[type_i].len, "TYPE52");
	for (i = type_i + 1; i < t->n; i++)
		if (buf_add(&rd, " ", 1) || buf_add(&rd, text + t->t[i].off, t->t[i].len)) {
			free(rd.p);
			return TLSA_ERR_NOMEM;
		}
	st = tlsa_record_parse(rd.p ? rd.p : "", &w->rec);
	free(rd.p);
	return st != TLSA_OK ? tlsa_zone_fail(ed, st, NULL, 0, NULL) : TLSA_OK;
}

/*
 * Name text (n bytes) for a message: at most max bytes of it, control
 * characters as \DDD (a record file's bytes reach the user's terminal).
 */
static void show_name(const char *s, size_t n, size_t max, char *out, size_t size)
{
	size_t i, o = 0;

	for (i = 0; i < n && i < max && o + 8 < size; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f)
			o += (size_t)snprintf(out + o, size - o, "\\%03u", c);
		else
			out[o++] = (char)c;
	}
	if (i < n && o + 4 < size)
		o += (size_t)snprintf(out + o, size - o, "...");
	out[o] = '\0';
}

/*
 * The owner of a record given (n bytes) as --remove owners are checked,
 * and, when an origin completes it, its absolute form too: a name BIND
 * would refuse must not reach the file.
 */
static tlsa_status owner_check(tlsa_zone_edit *ed, const char *owner, size_t n, const char *origin,
			       const char *what)
{
	char text[NAME_MAX_TEXT], abs[NAME_MAX_TEXT], why[128], shown[128];

	show_name(owner, n, 100, shown, sizeof(shown));
	if (n >= sizeof(text))
		return tlsa_zone_fail(ed, TLSA_ERR_DNS_NAME, NULL, 0,
				      "%s'%s' is longer than a domain name can be (255 bytes)",
				      what, shown);
	memcpy(text, owner, n);
	text[n] = '\0';
	if (tlsa_owner_name_why(text, why, sizeof(why)) != TLSA_OK)
		return tlsa_zone_fail(ed, TLSA_ERR_DNS_NAME, NULL, 0, "%s'%s' %s", what, shown,
				      why);
	if (origin == NULL || tlsa_zone_is_absolute(text, n))
		return TLSA_OK;
	if (tlsa_zone_absolute(text, n, origin, abs, sizeof(abs)) != 0 ||
	    tlsa_owner_name_why(abs, why, sizeof(why)) != TLSA_OK)
		return tlsa_zone_fail(ed, TLSA_ERR_DNS_NAME, NULL, 0,
				      "%s'%s' under %.60s is longer than a domain name can be "
				      "(255 bytes)",
				      what, shown, origin);
	return TLSA_OK;
}

tlsa_status tlsa_zone_edit_add_record(tlsa_zone_edit *ed, const char *text)
{
	struct toks t = {0};
	struct want w = {0};
	int depth = 0;
	tlsa_status st;

	tlsa_err_clear();
	if (ed == NULL || text == NULL)
		return TLSA_ERR_INVALID;
	if (tlsa_zone_tokenize(&t, text, strlen(text), 0, &depth, (size_t)-1) != TOK_OK ||
	    depth != 0 || t.n == 0 || text[0] == ' ' || text[0] == '\t') {
		free(t.t);
		return tlsa_zone_fail(ed, TLSA_ERR_ZONE_RECORD, NULL, 0,
				      "want OWNER [TTL] [IN] TLSA U S M HEX");
	}
	st = owner_check(ed, text + t.t[0].off, t.t[0].len, ed->origin, "");
	if (st == TLSA_OK)
		st = parse_want(ed, text, &t, &w);
	if (st == TLSA_OK) {
		st = add_pending(ed, text + t.t[0].off, t.t[0].len, &w, 0);
		if (st != TLSA_OK)
			tlsa_record_free(w.rec);
	}
	free(t.t);
	return st;
}

tlsa_status tlsa_zone_edit_remove(tlsa_zone_edit *ed, const char *owner)
{
	char why[128];

	tlsa_err_clear();
	if (ed == NULL || owner == NULL)
		return TLSA_ERR_INVALID;
	if (tlsa_owner_name_why(owner, why, sizeof(why)) != TLSA_OK)
		return tlsa_zone_fail(ed, TLSA_ERR_DNS_NAME, NULL, 0, "'%.100s' %s", owner, why);
	return add_pending(ed, owner, strlen(owner), NULL, 1);
}

/* ---- targets --------------------------------------------------------- */

static void lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

int tlsa_zone_rec_in(const tlsa_record *r, const struct want *w, size_t n, int check_ttl,
		     uint32_t ttl)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (tlsa_record_equal(r, w[i].rec) &&
		    (!check_ttl || !w[i].has_ttl || w[i].ttl == ttl))
			return 1;
	return 0;
}

size_t tlsa_zone_find_target(const tlsa_zone_edit *ed, const char *owner)
{
	size_t i;

	if (ed->hcap == 0)
		return NONE;
	for (i = tlsa_zone_hash(owner) & (ed->hcap - 1); ed->hash[i] != NONE;
	     i = (i + 1) & (ed->hcap - 1))
		if (names_equal(ed->targets[ed->hash[i]].owner, owner))
			return ed->hash[i];
	return NONE;
}

int tlsa_zone_pending_relative(const tlsa_zone_edit *ed)
{
	size_t i;

	for (i = 0; i < ed->npend; i++)
		if (!tlsa_zone_is_absolute(ed->pend[i].owner_text, strlen(ed->pend[i].owner_text)))
			return 1;
	return 0;
}

/* The target keyed by key (absolute, lowercase), added when new. */
static struct target *target_for(tlsa_zone_edit *ed, const char *key, const char *abs)
{
	struct target *tg;
	size_t j;

	for (j = 0; j < ed->ntargets; j++)
		if (strcmp(ed->targets[j].owner, key) == 0)
			return &ed->targets[j];
	tg = realloc(ed->targets, (ed->ntargets + 1) * sizeof(*tg));
	if (tg == NULL)
		return NULL;
	ed->targets = tg;
	tg = &ed->targets[ed->ntargets++];
	memset(tg, 0, sizeof(*tg));
	tg->owner = strdup(key);
	tg->display = strdup(abs);
	if (tg->owner == NULL || tg->display == NULL)
		return NULL;
	return tg;
}

tlsa_status tlsa_zone_resolve_targets(tlsa_zone_edit *ed, const char *origin)
{
	char abs[NAME_MAX_TEXT], key[NAME_MAX_TEXT];
	size_t i, h;
	struct target *tg;

	for (i = 0; i < ed->npend; i++) {
		struct pending *p = &ed->pend[i];
		tlsa_status st;
		if (origin == NULL && !tlsa_zone_is_absolute(p->owner_text, strlen(p->owner_text)))
			return tlsa_zone_fail(ed, TLSA_ERR_ZONE_ORIGIN, NULL, 0, "%s",
					      p->owner_text);
		/* Completed by the SOA's owner, a name may grow too long. */
		st = owner_check(ed, p->owner_text, strlen(p->owner_text), origin,
				 p->remove ? "the owner to remove "
					   : "the owner of a record given ");
		if (st != TLSA_OK)
			return st;
		if (tlsa_zone_absolute(p->owner_text, strlen(p->owner_text), origin, abs,
				       sizeof(abs)) != 0)
			return tlsa_zone_fail(ed, TLSA_ERR_ZONE_ORIGIN, NULL, 0, "%s",
					      p->owner_text);
		memcpy(key, abs, sizeof(key));
		lower(key);
		if ((tg = target_for(ed, key, abs)) == NULL)
			return TLSA_ERR_NOMEM;
		if ((p->remove && tg->nwants > 0) || (!p->remove && tg->remove))
			return tlsa_zone_fail(ed, TLSA_ERR_ZONE_CONFLICT, NULL, 0, "%s", abs);
		if (p->remove) {
			tg->remove = 1;
		} else if (tlsa_zone_rec_in(p->want.rec, tg->wants, tg->nwants, 0, 0)) {
			/* The same record twice (a key kept across a renewal): once. */
			continue;
		} else {
			struct want *w = realloc(tg->wants, (tg->nwants + 1) * sizeof(*w));
			if (w == NULL)
				return TLSA_ERR_NOMEM;
			tg->wants = w;
			w[tg->nwants++] = p->want;
			p->want.rec = NULL; /* the target owns it now */
			p->has_want = 0;
			if (p->want.generic)
				tg->generic = 1;
		}
	}
	for (i = 0; i < ed->npend; i++)
		free(ed->pend[i].owner_text);
	free(ed->pend);
	ed->pend = NULL;
	ed->npend = 0;
	for (ed->hcap = 16; ed->hcap < ed->ntargets * 2; ed->hcap *= 2)
		;
	free(ed->hash);
	ed->hash = malloc(ed->hcap * sizeof(*ed->hash));
	if (ed->hash == NULL)
		return TLSA_ERR_NOMEM;
	for (i = 0; i < ed->hcap; i++)
		ed->hash[i] = NONE;
	for (i = 0; i < ed->ntargets; i++) {
		for (h = tlsa_zone_hash(ed->targets[i].owner) & (ed->hcap - 1); ed->hash[h] != NONE;
		     h = (h + 1) & (ed->hcap - 1))
			;
		ed->hash[h] = i;
	}
	return TLSA_OK;
}

tlsa_status tlsa_zone_targets_in_zone(tlsa_zone_edit *ed)
{
	size_t i;

	for (i = 0; i < ed->ntargets; i++)
		if (!tlsa_zone_name_in(ed->targets[i].owner, ed->zone_origin))
			return tlsa_zone_fail(ed, TLSA_ERR_ZONE_OUT_OF_ZONE, ed->zone_path, 0,
					      "%s is not in %s", ed->targets[i].display,
					      ed->zone_origin);
	return TLSA_OK;
}
