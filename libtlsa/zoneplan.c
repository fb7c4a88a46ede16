/*
 * The plan: which TLSA RRsets change, and the short list of patches
 * (replace bytes [start, end) of the zone file by a text) that does it,
 * the serial's among them; or, with --include, the snippet's new text.
 *
 * Owns: the comparison of RRsets in wire form (tlsa_record_equal), the
 * texts of new records in the layout of the ones they replace or in the
 * file's style, tlsa_zone_edit_snippet(), and the plans for the zone file
 * and for a snippet.  Does not own what is asked (zonetarget.c), scanning
 * (zonescan.c), serial arithmetic (serial.c) or writing files
 * (zonewrite.c).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error-internal.h"
#include "zonebuf.h"
#include "zoneedit.h"
#include "zonefail.h"
#include "zonelex.h"
#include "zoneplan.h"
#include "zonerecord.h"
#include "zonescan.h"
#include "zonetarget.h"
#include "zonewrite.h"

/* ---- texts of records ------------------------------------------------ */

/* A record in the layout of found entry f. */
static int record_like(struct buf *b, const struct found *f, const struct want *w)
{
	char *rd = f->generic ? tlsa_record_to_generic(w->rec) : tlsa_record_to_text(w->rec);
	int r = -1;

	if (rd == NULL)
		return -1;
	if (w->has_ttl && w->ttl != f->ttl) {
		if (f->ttl_off >= 0) {
			if (buf_add(b, f->head, (size_t)f->ttl_off) ||
			    buf_num(b, (unsigned long)w->ttl) ||
			    buf_add(b, f->head + f->ttl_off + f->ttl_len,
				    f->head_len - (size_t)f->ttl_off - f->ttl_len))
				goto out;
		} else if (buf_add(b, f->head, f->ttl_ins) || buf_num(b, (unsigned long)w->ttl) ||
			   buf_add(b, " ", 1) ||
			   buf_add(b, f->head + f->ttl_ins, f->head_len - f->ttl_ins)) {
			goto out;
		}
	} else if (buf_add(b, f->head, f->head_len)) {
		goto out;
	}
	if (buf_str(b, f->generic ? "TYPE52" : "TLSA") || buf_str(b, f->type_sep) ||
	    buf_str(b, rd) || buf_str(b, f->eol[0] ? f->eol : "\n"))
		goto out;
	r = 0;
out:
	free(rd);
	return r;
}

/* A record on a line of its own: OWNER [TTL] IN TLSA RDATA. */
static int record_line(struct buf *b, const char *owner, const struct want *w, int generic,
		       const char *sep, const char *eol)
{
	char *rd = generic ? tlsa_record_to_generic(w->rec) : tlsa_record_to_text(w->rec);
	int r = -1;

	if (rd == NULL)
		return -1;
	if (buf_str(b, owner) || buf_str(b, sep))
		goto out;
	if (w->has_ttl && (buf_num(b, (unsigned long)w->ttl) || buf_str(b, sep)))
		goto out;
	if (buf_str(b, "IN") || buf_str(b, sep) || buf_str(b, generic ? "TYPE52" : "TLSA") ||
	    buf_str(b, sep) || buf_str(b, rd) || buf_str(b, eol))
		goto out;
	r = 0;
out:
	free(rd);
	return r;
}

/* The records asked for tg, a line each (generic < 0: each in its form). */
static int want_lines(struct buf *b, const char *owner, const struct target *tg, int generic,
		      const char *sep, const char *eol)
{
	size_t j;

	for (j = 0; j < tg->nwants; j++)
		if (record_line(b, owner, &tg->wants[j],
				generic < 0 ? tg->wants[j].generic : generic, sep, eol))
			return -1;
	return 0;
}

/* name relative to origin when under it, else absolute (malloc'd). */
static char *owner_under(const char *name, const char *origin)
{
	char *rel = tlsa_zone_relative(name, origin);

	return rel ? rel : strdup(name);
}

/* The owner as the zone file would write it at its end. */
static char *owner_for_file(const tlsa_zone_edit *ed, const char *display)
{
	return owner_under(display, ed->uses_relative ? ed->eof_origin : NULL);
}

/* Every record asked, a line each, owners under the origin given. */
static int targets_text(const tlsa_zone_edit *ed, struct buf *b)
{
	size_t i;
	char *owner;

	for (i = 0; i < ed->ntargets; i++) {
		owner = owner_under(ed->targets[i].display, ed->origin);
		if (owner == NULL || want_lines(b, owner, &ed->targets[i], -1, " ", "\n")) {
			free(owner);
			return -1;
		}
		free(owner);
	}
	return 0;
}

tlsa_status tlsa_zone_edit_snippet(tlsa_zone_edit *ed, char **text)
{
	struct buf b = {0};
	tlsa_status st;

	tlsa_err_clear();
	if (ed == NULL || text == NULL)
		return TLSA_ERR_INVALID;
	if (ed->npend > 0) {
		if (tlsa_zone_pending_relative(ed) && ed->origin == NULL)
			return tlsa_zone_fail(ed, TLSA_ERR_ZONE_ORIGIN, NULL, 0, NULL);
		if ((st = tlsa_zone_resolve_targets(ed, ed->origin)) != TLSA_OK)
			return st;
	}
	if (buf_reserve(&b, 0) != 0)
		return TLSA_ERR_NOMEM;
	b.p[0] = '\0';
	if (targets_text(ed, &b) != 0) {
		free(b.p);
		return TLSA_ERR_NOMEM;
	}
	*text = b.p;
	return TLSA_OK;
}

/* ---- planning -------------------------------------------------------- */

/* Take text (even empty) as the patch for [start, end); text is emptied. */
static tlsa_status add_patch(tlsa_zone_edit *ed, off_t start, off_t end, struct buf *text,
			     int records, size_t target)
{
	struct patch *p = realloc(ed->patches, (ed->npatches + 1) * sizeof(*p));

	if (p == NULL)
		return TLSA_ERR_NOMEM;
	ed->patches = p;
	p = &ed->patches[ed->npatches++];
	p->start = start;
	p->end = end;
	p->text = text->p;
	p->len = text->len;
	p->out_off = 0;
	p->records = records;
	p->target = target;
	text->p = NULL;
	text->len = text->cap = 0;
	return TLSA_OK;
}

/* Does the found set of target ti equal what is asked, in wire form? */
static int set_unchanged(const tlsa_zone_edit *ed, size_t ti)
{
	const struct target *tg = &ed->targets[ti];
	size_t i, j, nf = 0;
	int hit;

	for (i = 0; i < ed->nfound; i++) {
		const struct found *f = &ed->found[i];
		if (f->target != ti)
			continue;
		nf++;
		if (!tlsa_zone_rec_in(f->rec, tg->wants, tg->nwants, 1, f->ttl))
			return 0;
	}
	for (j = 0; j < tg->nwants; j++) {
		hit = 0;
		for (i = 0; i < ed->nfound && !hit; i++)
			if (ed->found[i].target == ti &&
			    tlsa_record_equal(ed->found[i].rec, tg->wants[j].rec))
				hit = 1;
		if (!hit)
			return 0;
	}
	return nf > 0 || tg->nwants == 0;
}

/* The new records of target ti where its found records were. */
static tlsa_status replace_set(tlsa_zone_edit *ed, size_t ti, size_t first)
{
	struct target *tg = &ed->targets[ti];
	struct buf b = {0};
	tlsa_status st;
	char *owner;
	size_t i, j;

	for (i = first; i < ed->nfound; i++) {
		struct found *f = &ed->found[i];
		if (f->target != ti)
			continue;
		b.len = 0;
		if (i == first && tg->nwants > 0) {
			if (f->head != NULL) {
				for (j = 0; j < tg->nwants; j++)
					if (record_like(&b, f, &tg->wants[j]))
						goto nomem;
			} else {
				owner = owner_for_file(ed, tg->display);
				if (owner == NULL || want_lines(&b, owner, tg, f->generic, " ",
								f->eol[0] ? f->eol : ed->eol)) {
					free(owner);
					goto nomem;
				}
				free(owner);
			}
			if (b.p == NULL && buf_reserve(&b, 0))
				goto nomem;
			if ((st = add_patch(ed, f->start, f->end, &b, 1, ti)) != TLSA_OK)
				goto fail;
		} else {
			f->removed = 1;
			if (buf_reserve(&b, 0))
				goto nomem;
			b.p[0] = '\0';
			b.len = 0;
			if ((st = add_patch(ed, f->start, f->end, &b, 0, ti)) != TLSA_OK)
				goto fail;
		}
	}
	free(b.p);
	return TLSA_OK;
nomem:
	st = TLSA_ERR_NOMEM;
fail:
	free(b.p);
	return st;
}

/*
 * A removed entry may have given its owner to blank-owner lines after
 * it: give those lines the owner text they inherited.
 */
static tlsa_status fix_blank_owners(tlsa_zone_edit *ed)
{
	struct buf b = {0};
	size_t i;

	for (i = 0; i < ed->nfound; i++) {
		struct found *f = &ed->found[i], *r1 = f;
		const char *before;
		if (!f->removed)
			continue;
		while (r1->prev_found != NONE && ed->found[r1->prev_found].removed)
			r1 = &ed->found[r1->prev_found];
		before = r1->prev_owner;
		if (before != NULL && names_equal(before, ed->targets[f->target].owner))
			continue;
		if (f->incl_blank_file != NULL) {
			/* An included file's first line inherits the owner: it
			 * cannot be given one here, and this removal changes it. */
			free(b.p);
			return tlsa_zone_fail(
			    ed, TLSA_ERR_ZONE_IN_INCLUDE, f->incl_blank_file, f->incl_blank_line,
			    "this line's blank owner is %s, from the record on "
			    "line %lu of %s that the update removes; give "
			    "this line its owner",
			    ed->targets[f->target].display, f->line, ed->zone_path);
		}
		if (!f->next_blank || f->next_found != NONE || f->fix_text == NULL)
			continue;
		b.len = 0;
		if (buf_str(&b, f->fix_text) ||
		    add_patch(ed, f->next_start, f->next_start, &b, 0, NONE) != TLSA_OK) {
			free(b.p);
			return TLSA_ERR_NOMEM;
		}
	}
	free(b.p);
	return TLSA_OK;
}

tlsa_status tlsa_zone_plan_sets(tlsa_zone_edit *ed, tlsa_zone_report *rep, int *changed)
{
	struct buf app = {0}, t = {0};
	size_t ti, i, first;
	tlsa_status st;
	char *owner;

	for (ti = 0; ti < ed->ntargets; ti++) {
		struct target *tg = &ed->targets[ti];
		tg->old_count = 0;
		for (i = 0; i < ed->nfound; i++) {
			if (ed->found[i].target != ti)
				continue;
			if (tg->old_count++ == 0)
				tg->line = ed->found[i].in_main ? ed->found[i].line : 0;
		}
		if (set_unchanged(ed, ti)) {
			rep->sets_unchanged++;
			tg->kind = TLSA_ZONE_SET_UNCHANGED;
			continue;
		}
		first = NONE;
		for (i = 0; i < ed->nfound; i++) {
			if (ed->found[i].target != ti)
				continue;
			if (!ed->found[i].in_main) {
				free(app.p);
				return tlsa_zone_fail(ed, TLSA_ERR_ZONE_IN_INCLUDE,
						      ed->found[i].file, ed->found[i].line,
						      "the TLSA records of %s are here; keep them "
						      "in a snippet",
						      tg->display);
			}
			if (first == NONE)
				first = i;
		}
		*changed = 1;
		if (first == NONE) {
			/* No records yet: append in the file's style. */
			rep->sets_added++;
			tg->kind = TLSA_ZONE_SET_ADDED;
			owner = owner_for_file(ed, tg->display);
			if (owner == NULL ||
			    want_lines(&app, owner, tg, -1, ed->sep_tab ? "\t" : " ", ed->eol)) {
				free(owner);
				goto nomem;
			}
			free(owner);
			continue;
		}
		if (tg->nwants == 0)
			rep->sets_removed++;
		else
			rep->sets_replaced++;
		tg->kind = tg->nwants == 0 ? TLSA_ZONE_SET_REMOVED : TLSA_ZONE_SET_REPLACED;
		if ((st = replace_set(ed, ti, first)) != TLSA_OK)
			goto fail;
	}
	if ((st = fix_blank_owners(ed)) != TLSA_OK)
		goto fail;
	if (app.len > 0) {
		if ((!ed->ends_with_eol && buf_str(&t, ed->eol)) || buf_add(&t, app.p, app.len))
			goto nomem;
		if ((st = add_patch(ed, ed->size, ed->size, &t, 1, NONE)) != TLSA_OK)
			goto fail;
	}
	free(app.p);
	return TLSA_OK;
nomem:
	st = TLSA_ERR_NOMEM;
fail:
	free(app.p);
	free(t.p);
	return st;
}

tlsa_status tlsa_zone_plan_snippet(tlsa_zone_edit *ed, tlsa_zone_report *rep, int *changed)
{
	struct snip sn = {0};
	struct buf b = {0};
	struct scan sc;
	tlsa_status st = TLSA_OK;
	size_t i, j, ti;
	int fd;

	*changed = 0;
	fd = open(ed->snippet, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno != ENOENT)
		return tlsa_zone_fail(ed, TLSA_ERR_IO, ed->snippet, 0, "%s", strerror(errno));
	if (fd >= 0) {
		tlsa_zone_scan_init(&sc, ed, SCAN_SNIPPET, ed->snippet,
				    ed->origin ? ed->origin : ed->zone_origin);
		sc.snip = &sn;
		st = tlsa_zone_scan(&sc, fd);
		close(fd);
		if (st != TLSA_OK)
			goto out;
	}
	/* Compare owner by owner. */
	for (ti = 0; ti < ed->ntargets; ti++) {
		struct target *tg = &ed->targets[ti];
		size_t nf = 0;
		int same = 1;
		for (i = 0; i < sn.n; i++) {
			if (!names_equal(sn.rr[i].owner, tg->owner))
				continue;
			nf++;
			if (!tlsa_zone_rec_in(sn.rr[i].rec, tg->wants, tg->nwants, 1, sn.rr[i].ttl))
				same = 0;
		}
		for (j = 0; j < tg->nwants && same; j++) {
			int hit = 0;
			for (i = 0; i < sn.n && !hit; i++)
				hit = names_equal(sn.rr[i].owner, tg->owner) &&
				      tlsa_record_equal(sn.rr[i].rec, tg->wants[j].rec);
			same = hit;
		}
		tg->in_snippet = 1;
		tg->old_count = nf;
		tg->line = 0;
		if (same) {
			rep->sets_unchanged++;
			tg->kind = TLSA_ZONE_SET_UNCHANGED;
			continue;
		}
		*changed = 1;
		if (nf == 0) {
			rep->sets_added++;
			tg->kind = TLSA_ZONE_SET_ADDED;
		} else if (tg->nwants == 0) {
			rep->sets_removed++;
			tg->kind = TLSA_ZONE_SET_REMOVED;
		} else {
			rep->sets_replaced++;
			tg->kind = TLSA_ZONE_SET_REPLACED;
		}
	}
	if (!*changed)
		goto out;
	/* Rewrite in full: owners kept in their order, then the new ones. */
	if (buf_str(
		&b,
		"; TLSA records kept by tlsa zone --include: rewritten in full on each update\n"))
		goto nomem;
	for (i = 0; i < sn.n; i++) {
		struct want w = {sn.rr[i].rec, sn.rr[i].ttl, sn.rr[i].has_ttl, 0};
		char *owner;
		if (tlsa_zone_find_target(ed, sn.rr[i].owner) != NONE)
			continue; /* written with its target below */
		owner = owner_under(sn.rr[i].owner, ed->origin);
		if (owner == NULL || record_line(&b, owner, &w, 0, " ", "\n")) {
			free(owner);
			goto nomem;
		}
		free(owner);
	}
	if (targets_text(ed, &b) != 0)
		goto nomem;
	st = tlsa_zone_write_snippet(ed, b.p, b.len);
	goto out;
nomem:
	st = TLSA_ERR_NOMEM;
out:
	free(b.p);
	tlsa_zone_snip_free(&sn);
	return st;
}

/* The patches that write serial into copy c of the SOA, in its form. */
static tlsa_status serial_patches(tlsa_zone_edit *ed, const struct soa_copy *c, uint32_t serial)
{
	struct buf b = {0};
	char hex[9];
	size_t i, used = 0;

	if (!c->hex) {
		if (buf_num(&b, (unsigned long)serial) ||
		    add_patch(ed, c->run[0].off, c->run[0].off + (off_t)c->run[0].len, &b, 0,
			      NONE) != TLSA_OK)
			goto nomem;
		return TLSA_OK;
	}
	/* Eight hex digits into the runs they were found in: only those
	 * digits change, each chunk keeps its length. */
	snprintf(hex, sizeof(hex), c->upper ? "%08lX" : "%08lx", (unsigned long)serial);
	for (i = 0; i < c->nrun; i++) {
		if (buf_reserve(&b, c->run[i].len) || buf_add(&b, hex + used, c->run[i].len) ||
		    add_patch(ed, c->run[i].off, c->run[i].off + (off_t)c->run[i].len, &b, 0,
			      NONE) != TLSA_OK)
			goto nomem;
		used += c->run[i].len;
	}
	return TLSA_OK;
nomem:
	free(b.p);
	return TLSA_ERR_NOMEM;
}

tlsa_status tlsa_zone_plan_serial(tlsa_zone_edit *ed, tlsa_zone_report *rep, int changed)
{
	uint32_t next;
	unsigned warn = 0;
	tlsa_status st;
	size_t i;

	if (!changed && !(ed->flags & TLSA_ZONE_SERIAL_ONLY))
		return TLSA_OK;
	st = tlsa_serial_next(ed->soa_serial, &ed->serial, ed->now,
			      (ed->flags & TLSA_ZONE_FORCE) != 0, &next, &warn);
	if (st != TLSA_OK)
		return tlsa_zone_fail(ed, st, ed->zone_path, ed->serial_line, "serial %lu",
				      (unsigned long)ed->soa_serial);
	rep->new_serial = next;
	rep->serial_warnings = warn;
	if (next == ed->soa_serial)
		return TLSA_OK;
	rep->serial_changed = 1;
	/* Every copy of the SOA (a saved transfer has two) gets the new serial. */
	for (i = 0; i < ed->nsoa; i++)
		if ((st = serial_patches(ed, &ed->soa[i], next)) != TLSA_OK)
			return st;
	return TLSA_OK;
}
