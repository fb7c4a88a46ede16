/*
 * What was written is what was meant.  After the new zone is in its temp
 * file, the patches are read back from it byte for byte and the records
 * among them parsed with ldns and compared, in wire form, with the
 * records asked; with --check the whole new zone is then parsed, and the
 * CNAME rule applied: the CNAME owners are noted while it is parsed, then
 * a light second scan looks for other data at them.
 *
 * Owns: tlsa_zone_read_back() and tlsa_zone_check().  Does not own
 * writing the temp file (zonewrite.c), scanning (zonescan.c), parsing a
 * record (zonerecord.c) or the CNAME rule itself (zonecname.c).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ldns/ldns.h>

#include "zonebuf.h"
#include "zonecname.h"
#include "zoneedit.h"
#include "zonefail.h"
#include "zonelex.h"
#include "zonerecord.h"
#include "zonescan.h"
#include "zoneverify.h"

/* One line of patch p as written: a record asked for, in wire form. */
static tlsa_status check_line(tlsa_zone_edit *ed, const struct patch *p, const char *line,
			      const struct toks *t, const char *path)
{
	int expl = line[0] != ' ' && line[0] != '\t';
	char owner[NAME_MAX_TEXT];
	struct entry e = {0};
	struct scan sc;
	ldns_rr *rr = NULL;
	tlsa_record *rec = NULL;
	tlsa_status st;
	size_t j, k;
	int hit = 0;

	if (p->target != NONE)
		snprintf(owner, sizeof(owner), "%s", ed->targets[p->target].display);
	else if (tlsa_zone_absolute(line, t->t[0].len, ed->eof_origin, owner, sizeof(owner)) != 0)
		return tlsa_zone_fail(ed, TLSA_ERR_ZONE_READBACK, path, 0, "owner");
	e.text = line;
	e.t = t;
	e.type_i = head_fields(line, t, expl ? 1 : 0, &e.ttl_i, &e.class_i);
	tlsa_zone_scan_init(&sc, ed, SCAN_EDIT, path, NULL);
	st = tlsa_zone_parse_rr(&sc, &e, owner, &rr);
	if (st == TLSA_OK)
		st = tlsa_zone_rr_tlsa(rr, &rec);
	if (st == TLSA_OK) {
		for (k = 0; k < ed->ntargets && !hit; k++) {
			if (p->target != NONE && k != p->target)
				continue;
			for (j = 0; j < ed->targets[k].nwants; j++)
				if (tlsa_record_equal(rec, ed->targets[k].wants[j].rec))
					hit = 1;
		}
		if (!hit)
			st = tlsa_zone_fail(ed, TLSA_ERR_ZONE_READBACK, path, 0,
					    "a record written is not one asked for");
	} else if (st != TLSA_ERR_NOMEM) {
		/* Keep what the parser said about it. */
		char why[256];

		snprintf(why, sizeof(why), "%s", tlsa_error_detail());
		st = tlsa_zone_fail(ed, TLSA_ERR_ZONE_READBACK, path, 0,
				    "a record written does not parse%s%s", why[0] ? ": " : "", why);
	}
	tlsa_record_free(rec);
	ldns_rr_free(rr);
	return st;
}

tlsa_status tlsa_zone_read_back(tlsa_zone_edit *ed, int fd, const char *path)
{
	struct buf b = {0};
	struct toks t = {0};
	size_t i, start, end;
	tlsa_status st = TLSA_OK;
	int depth;

	for (i = 0; i < ed->npatches && st == TLSA_OK; i++) {
		struct patch *p = &ed->patches[i];
		ssize_t n;

		b.len = 0;
		if (buf_reserve(&b, p->len) != 0) {
			st = TLSA_ERR_NOMEM;
			break;
		}
		n = pread(fd, b.p, p->len, p->out_off);
		if (n < 0 || (size_t)n != p->len || memcmp(b.p, p->text, p->len) != 0) {
			st = tlsa_zone_fail(ed, TLSA_ERR_ZONE_READBACK, path, 0, "bytes differ");
			break;
		}
		b.len = p->len;
		b.p[b.len] = '\0';
		if (!p->records)
			continue;
		/* Each line: the records written, parsed with ldns and compared
		 * with what was asked, in wire form. */
		for (start = 0; start < b.len && st == TLSA_OK; start = end) {
			const char *nl = memchr(b.p + start, '\n', b.len - start);
			end = nl ? (size_t)(nl - b.p) + 1 : b.len;
			t.n = 0;
			depth = 0;
			if (tlsa_zone_tokenize(&t, b.p + start, end - start, 0, &depth,
					       (size_t)-1) != TOK_OK ||
			    depth != 0)
				st =
				    tlsa_zone_fail(ed, TLSA_ERR_ZONE_READBACK, path, 0, "bad line");
			else if (t.n > 0)
				st = check_line(ed, p, b.p + start, &t, path);
		}
	}
	free(t.t);
	free(b.p);
	return st;
}

/* Parse the whole new zone with ldns and apply the CNAME rule. */
tlsa_status tlsa_zone_check(tlsa_zone_edit *ed, int fd, const char *shown)
{
	struct cnames cs = {0};
	struct scan sc;
	tlsa_status st;

	ed->cnames = &cs;
	tlsa_zone_scan_init(&sc, ed, SCAN_CHECK, shown, ed->origin);
	st = tlsa_zone_scan(&sc, fd);
	if (st == TLSA_OK && cs.n > 0) {
		tlsa_zone_scan_init(&sc, ed, SCAN_CNAMES, shown, ed->origin);
		st = tlsa_zone_scan(&sc, fd);
	}
	ed->cnames = NULL;
	tlsa_zone_cnames_clear(&cs);
	if (st == TLSA_ERR_ZONE_RECORD || st == TLSA_ERR_ZONE_SYNTAX)
		return TLSA_ERR_ZONE_CHECK; /* where names the line of the new file */
	return st;
}
