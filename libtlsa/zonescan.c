/*
 * The streaming scanner: reads a zone file once, line by line, gathers
 * each entry (one record, however many lines its parentheses span),
 * follows $ORIGIN, $TTL and $INCLUDE and the owner that blank-owner
 * lines inherit, and hands the entries that matter to zonerecord.c.
 *
 * Owns: tlsa_zone_scan_init(), tlsa_zone_scan() and the scan modes
 * (edit, SOA only, --check, snippet).  Does not own the tokeniser or
 * names (zonelex.c), what is kept of a record (zonerecord.c) or the
 * targets (zonetarget.c).
 *
 * Memory does not grow with the zone: only the entry being read is held.
 * Entries nobody needs (not a directive, SOA or TLSA record at a target)
 * are tokenised only as far as their owner, TTL, class and type.
 *
 * Relative $INCLUDE paths are resolved beside the including file first
 * (as Knot does), then against the working directory (as BIND and NSD do).
 * An included file starts with the owner in effect at its $INCLUDE (as in
 * BIND).  $GENERATE is passed over; lone-CR line ends are refused.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "zonebuf.h"
#include "zonecname.h"
#include "zoneedit.h"
#include "zonefail.h"
#include "zonelex.h"
#include "zonepath.h"
#include "zonerecord.h"
#include "zonescan.h"
#include "zonetarget.h"

#define INCLUDE_DEPTH_MAX 8
#define READ_CHUNK	  (1u << 20) /* the reader's buffer for a large file */

/* ---- reading lines --------------------------------------------------- */

struct reader {
	int fd;
	char *buf;
	size_t cap, start, end;
	int eof;
};

/* The longest line we read: far beyond any real zone's. */
#define ZONE_LINE_MAX (4u << 20)

/*
 * The first buffer: the whole file when it is small (a page at least),
 * READ_CHUNK otherwise.  A power of two, so that doubling for a long
 * line stops exactly at ZONE_LINE_MAX.  Most zones are a few kilobytes:
 * a 1 MiB buffer for each of them (and each $INCLUDE) would cost more in
 * page faults than the scan itself.
 */
static size_t reader_first_cap(int fd)
{
	struct stat st;
	size_t cap = 4096;

	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size >= (off_t)READ_CHUNK)
		return READ_CHUNK;
	while (cap <= (size_t)st.st_size)
		cap *= 2;
	return cap;
}

/* The next line with its EOL: 1, 0 at the end, -1 on a read error, -2
 * when out of memory, -3 when a line is longer than ZONE_LINE_MAX. */

static int reader_line(struct reader *r, const char **line, size_t *len)
{
	char *nl, *p;
	ssize_t n;

	for (;;) {
		nl = memchr(r->buf + r->start, '\n', r->end - r->start);
		if (nl != NULL) {
			*line = r->buf + r->start;
			*len = (size_t)(nl - *line) + 1;
			r->start += *len;
			return 1;
		}
		if (r->eof) {
			if (r->end == r->start)
				return 0;
			*line = r->buf + r->start;
			*len = r->end - r->start;
			r->start = r->end;
			return 1;
		}
		if (r->start > 0) {
			memmove(r->buf, r->buf + r->start, r->end - r->start);
			r->end -= r->start;
			r->start = 0;
		}
		if (r->end == r->cap) {
			/* No zone line is this long; /dev/zero or a binary file is. */
			if (r->cap >= ZONE_LINE_MAX)
				return -3;
			p = realloc(r->buf, r->cap * 2);
			if (p == NULL)
				return -2;
			r->buf = p;
			r->cap *= 2;
		}
		n = read(r->fd, r->buf + r->end, r->cap - r->end);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			r->eof = 1;
		r->end += (size_t)n;
	}
}

/* ---- the scan -------------------------------------------------------- */

static tlsa_status scan_file(struct scan *sc, int fd);

void tlsa_zone_scan_init(struct scan *sc, tlsa_zone_edit *ed, enum scan_mode mode, const char *path,
			 const char *origin)
{
	memset(sc, 0, sizeof(*sc));
	sc->ed = ed;
	sc->mode = mode;
	sc->path = path;
	sc->last_found = NONE;
	sc->inherit_found = NONE;
	if (origin != NULL) {
		snprintf(sc->origin, sizeof(sc->origin), "%s", origin);
		sc->has_origin = 1;
	}
}

tlsa_status tlsa_zone_scan(struct scan *sc, int fd)
{
	tlsa_status st = scan_file(sc, fd);

	if (sc->origin_rdf != NULL) {
		ldns_rdf_deep_free(sc->origin_rdf);
		sc->origin_rdf = NULL;
	}
	return st;
}

/* True when paths a and b (which need not exist) name the same file. */
static int same_new_file(const char *a, const char *b, const char *a_beside)
{
	char ra[PATH_MAX], rb[PATH_MAX];

	if (tlsa_zone_resolve_path(b, rb) != 0)
		return 0;
	if (tlsa_zone_resolve_path(a, ra) == 0 && strcmp(ra, rb) == 0)
		return 1;
	return a_beside[0] != '\0' && tlsa_zone_resolve_path(a_beside, ra) == 0 &&
	       strcmp(ra, rb) == 0;
}

static const char *cur_owner_abs(struct scan *sc)
{
	if (!sc->abs_valid) {
		if (tlsa_zone_absolute(sc->owner_text, strlen(sc->owner_text),
				       sc->has_origin ? sc->origin : NULL, sc->owner_abs,
				       sizeof(sc->owner_abs)) != 0)
			return NULL;
		sc->abs_valid = 1;
	}
	return sc->owner_abs;
}

/* $INCLUDE path [origin]: scan the file with the state of this point. */
static tlsa_status include(struct scan *sc, const char *text, const struct toks *t,
			   unsigned long line)
{
	tlsa_zone_edit *ed = sc->ed;
	const struct tok *a = t->n > 1 ? &t->t[1] : NULL;
	char path[PATH_MAX], dir[PATH_MAX], name[NAME_MAX_TEXT], *slash;
	struct scan sub;
	struct stat st;
	tlsa_status s;
	int fd, w;

	if (a == NULL || a->len >= sizeof(path))
		return tlsa_zone_fail(ed, TLSA_ERR_ZONE_SYNTAX, sc->path, line, "bad $INCLUDE");
	if (sc->depth_incl >= INCLUDE_DEPTH_MAX)
		return tlsa_zone_fail(ed, TLSA_ERR_ZONE_INCLUDE, sc->path, line,
				      "$INCLUDE nested more than %d deep", INCLUDE_DEPTH_MAX);
	memcpy(path, text + a->off, a->len);
	path[a->len] = '\0';
	if (path[0] == '"' && a->len >= 2) {
		memmove(path, path + 1, a->len - 2);
		path[a->len - 2] = '\0';
	}
	fd = -1;
	name[0] = '\0';
	if (path[0] != '/') {
		/* Knot's rule first: beside the including file. */
		snprintf(dir, sizeof(dir), "%s", sc->path);
		slash = strrchr(dir, '/');
		if (slash != NULL) {
			*slash = '\0';
			w = snprintf(name, sizeof(name), "%s/%s", dir, path);
			if (w > 0 && (size_t)w < sizeof(name)) {
				fd = open(name, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
				if (fd >= 0)
					snprintf(path, sizeof(path), "%s", name);
			}
		}
	}
	if (fd < 0)
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK); /* BIND's and NSD's rule */
	if (fd < 0 && errno == ENOENT && ed->snippet != NULL && !ed->snippet_exists &&
	    same_new_file(path, ed->snippet, name)) {
		ed->snippet_included = 1; /* the snippet this run creates */
		return TLSA_OK;
	}
	if (fd < 0)
		return tlsa_zone_fail(ed, TLSA_ERR_ZONE_INCLUDE, sc->path, line, "%s: %s", path,
				      strerror(errno));
	/* A FIFO or device would block or never end: zone files are files. */
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return tlsa_zone_fail(ed, TLSA_ERR_ZONE_INCLUDE, sc->path, line,
				      "%s: not a regular file", path);
	}
	if (ed->snippet_exists && st.st_dev == ed->snippet_st.st_dev &&
	    st.st_ino == ed->snippet_st.st_ino)
		ed->snippet_included = 1;
	memset(&sub, 0, sizeof(sub));
	sub.ed = ed;
	sub.mode = sc->mode;
	sub.path = path;
	sub.depth_incl = sc->depth_incl + 1;
	sub.has_origin = sc->has_origin;
	memcpy(sub.origin, sc->origin, sizeof(sub.origin));
	if (t->n > 2 &&
	    tlsa_zone_absolute(text + t->t[2].off, t->t[2].len, sc->has_origin ? sc->origin : NULL,
			       sub.origin, sizeof(sub.origin)) == 0)
		sub.has_origin = 1;
	sub.default_ttl = sc->default_ttl;
	sub.has_default_ttl = sc->has_default_ttl;
	sub.last_ttl = sc->last_ttl;
	sub.has_last_ttl = sc->has_last_ttl;
	sub.last_found = NONE;
	sub.snip = sc->snip;
	/* The owner in effect carries over too (BIND's rule): a blank owner
	 * on the first line of the included file is that owner. */
	if (sc->has_owner && cur_owner_abs(sc) != NULL) {
		memcpy(sub.owner_text, sc->owner_abs, sizeof(sub.owner_text));
		memcpy(sub.owner_abs, sc->owner_abs, sizeof(sub.owner_abs));
		sub.has_owner = sub.abs_valid = 1;
	}
	sub.inherit_found = sc->seen_record ? sc->last_found : sc->inherit_found;
	s = tlsa_zone_scan(&sub, fd);
	close(fd);
	if (sub.done)
		sc->done = 1;
	return s;
}

/* A directive line: $ORIGIN, $TTL, $INCLUDE; others are passed over. */
static tlsa_status directive(struct scan *sc, const char *text, const struct toks *t,
			     unsigned long line)
{
	tlsa_zone_edit *ed = sc->ed;
	const struct tok *a = t->n > 1 ? &t->t[1] : NULL;
	char name[NAME_MAX_TEXT];

	if (token_is(text + t->t[0].off, t->t[0].len, "$ORIGIN")) {
		if (a == NULL ||
		    tlsa_zone_absolute(text + a->off, a->len, sc->has_origin ? sc->origin : NULL,
				       name, sizeof(name)) != 0)
			return tlsa_zone_fail(ed, TLSA_ERR_ZONE_SYNTAX, sc->path, line,
					      "bad $ORIGIN");
		/* The owner in effect keeps the origin of its own time. */
		if (sc->has_owner && cur_owner_abs(sc) == NULL)
			return tlsa_zone_fail(ed, TLSA_ERR_ZONE_ORIGIN, sc->path, line, NULL);
		memcpy(sc->origin, name, sizeof(name));
		sc->has_origin = 1;
		sc->origin_gen++;
		if (sc->origin_rdf != NULL) {
			ldns_rdf_deep_free(sc->origin_rdf);
			sc->origin_rdf = NULL;
		}
	} else if (token_is(text + t->t[0].off, t->t[0].len, "$TTL")) {
		if (a == NULL || tlsa_zone_parse_ttl(text + a->off, a->len, &sc->default_ttl) != 0)
			return tlsa_zone_fail(ed, TLSA_ERR_ZONE_SYNTAX, sc->path, line, "bad $TTL");
		sc->has_default_ttl = 1;
	} else if (token_is(text + t->t[0].off, t->t[0].len, "$INCLUDE")) {
		return include(sc, text, t, line);
	}
	return TLSA_OK;
}

/* The type of an entry, and what the scan cares to know of it. */
struct kind {
	const char *ty; /* the type token ("" when there is none) */
	size_t tyl;
	int is_tlsa, is_soa, is_cname;
};

/*
 * The owner of entry e: a new one written at its start, or the one in
 * effect for a blank owner.  A found entry remembers the owner before it
 * (blank lines after it inherit that owner if it goes away): for a TLSA
 * record at a new owner that may be changed, that owner is copied into
 * prev_abs and *had_prev set.
 */
static tlsa_status take_owner(struct scan *sc, const struct entry *e, int explicit_owner,
			      int want_prev, char *prev_abs, int *had_prev)
{
	tlsa_zone_edit *ed = sc->ed;
	const char *text = e->text;
	const struct toks *t = e->t;

	if (explicit_owner) {
		const struct tok *o = &t->t[0];
		if (want_prev && sc->has_owner) {
			if (cur_owner_abs(sc) == NULL)
				return tlsa_zone_fail(ed, TLSA_ERR_ZONE_ORIGIN, sc->path, e->line,
						      NULL);
			memcpy(prev_abs, sc->owner_abs, NAME_MAX_TEXT);
			*had_prev = 1;
		}
		if (o->len >= sizeof(sc->owner_text))
			return tlsa_zone_fail(ed, TLSA_ERR_ZONE_SYNTAX, sc->path, e->line,
					      "owner name too long");
		memcpy(sc->owner_text, text + o->off, o->len);
		sc->owner_text[o->len] = '\0';
		sc->has_owner = 1;
		sc->abs_valid = 0;
		sc->owner_gen = sc->origin_gen;
		if (sc->is_main && sc->mode == SCAN_EDIT) {
			if (!(o->len == 1 && text[o->off] == '@') &&
			    !tlsa_zone_is_absolute(text + o->off, o->len))
				ed->uses_relative = 1;
			if (t->n > 1)
				ed->sep_tab =
				    memchr(text + o->len, '\t', t->t[1].off - o->len) != NULL;
		}
	} else if (!sc->has_owner) {
		return tlsa_zone_fail(ed, TLSA_ERR_ZONE_SYNTAX, sc->path, e->line,
				      "blank owner and no previous owner");
	} else if (!sc->seen_record && sc->inherit_found != NONE) {
		/* It inherits the owner of a record being changed in the file
		 * that includes this one, which we cannot edit. */
		struct found *pf = &ed->found[sc->inherit_found];
		free(pf->incl_blank_file);
		if ((pf->incl_blank_file = strdup(sc->path)) == NULL)
			return TLSA_ERR_NOMEM;
		pf->incl_blank_line = e->line;
	}
	return TLSA_OK;
}

/*
 * What the mode keeps of a record entry: the SOA, the TLSA records and
 * CNAMEs at targets, a snippet's records, every record parsed for
 * --check.  *this_found is the found entry it became, if any.
 */
static tlsa_status keep_entry(struct scan *sc, struct entry *e, int full, const struct kind *k,
			      int explicit_owner, const char *prev_abs, size_t *this_found)
{
	tlsa_zone_edit *ed = sc->ed;
	tlsa_status st = TLSA_OK;
	const char *owner;
	size_t target;

	switch (full ? sc->mode : SCAN_EDIT) {
	case SCAN_SOA:
		if (k->is_soa) {
			if ((owner = cur_owner_abs(sc)) == NULL)
				return tlsa_zone_fail(ed, TLSA_ERR_ZONE_ORIGIN, sc->path, e->line,
						      NULL);
			st = tlsa_zone_soa(sc, e, owner);
		}
		break;
	case SCAN_EDIT:
		if (full && (k->is_soa || (((k->is_tlsa && !ed->tlsa_in_snippet) || k->is_cname) &&
					   ed->ntargets > 0))) {
			if ((owner = cur_owner_abs(sc)) == NULL)
				return tlsa_zone_fail(ed, TLSA_ERR_ZONE_ORIGIN, sc->path, e->line,
						      NULL);
			if (k->is_soa) {
				st = tlsa_zone_soa(sc, e, owner);
			} else if (k->is_cname) {
				if ((target = tlsa_zone_find_target(ed, owner)) != NONE)
					st = tlsa_zone_cname_at_target(sc, e, target, owner);
			} else if ((target = tlsa_zone_find_target(ed, owner)) != NONE) {
				st = tlsa_zone_found_add(sc, e, target, owner,
							 explicit_owner ? prev_abs : owner,
							 explicit_owner);
				if (st == TLSA_OK)
					*this_found = ed->nfound - 1;
			}
		}
		break;
	case SCAN_SNIPPET:
		if ((owner = cur_owner_abs(sc)) == NULL)
			return tlsa_zone_fail(ed, TLSA_ERR_ZONE_ORIGIN, sc->path, e->line, NULL);
		if (!k->is_tlsa)
			return tlsa_zone_fail(ed, TLSA_ERR_ZONE_NOT_TLSA, sc->path, e->line,
					      "a snippet holds only TLSA records");
		st = tlsa_zone_snip_add(sc, e, owner);
		break;
	case SCAN_CHECK: {
		ldns_rr *rr = NULL;
		if ((owner = cur_owner_abs(sc)) == NULL)
			return tlsa_zone_fail(ed, TLSA_ERR_ZONE_ORIGIN, sc->path, e->line, NULL);
		st = tlsa_zone_parse_rr(sc, e, owner, &rr);
		if (st == TLSA_OK)
			st = tlsa_zone_cname_parsed(sc, e, owner, rr);
		ldns_rr_free(rr);
		break;
	}
	case SCAN_CNAMES: break; /* scan_entry() does it for every entry */
	}
	return st;
}

/* Tell the previous found entry what follows it: entry e, found as
 * this_found (or NONE). */
static tlsa_status link_found(struct scan *sc, const struct entry *e, int explicit_owner,
			      size_t this_found)
{
	struct found *pf = &sc->ed->found[sc->last_found];

	pf->next_found = this_found;
	pf->next_start = e->start;
	pf->next_blank = !explicit_owner;
	if (!explicit_owner && this_found == NONE) {
		/* The owner text that line would need, in its origin. */
		const char *abs =
		    sc->owner_gen == sc->origin_gen ? sc->owner_text : cur_owner_abs(sc);
		if (abs == NULL)
			return tlsa_zone_fail(sc->ed, TLSA_ERR_ZONE_ORIGIN, sc->path, e->line,
					      NULL);
		if ((pf->fix_text = strdup(abs)) == NULL)
			return TLSA_ERR_NOMEM;
	}
	return TLSA_OK;
}

/* One entry: a directive or a record, e->text holding its lines.  full:
 * all its tokens are there (else only its head: nobody needs it). */
static tlsa_status scan_entry(struct scan *sc, struct entry *e, int full)
{
	tlsa_zone_edit *ed = sc->ed;
	const char *text = e->text;
	const struct toks *t = e->t;
	int explicit_owner = text[0] != ' ' && text[0] != '\t';
	size_t i, this_found = NONE;
	char prev_abs[NAME_MAX_TEXT];
	int had_prev = 0;
	struct kind k = {"", 0, 0, 0, 0};
	const char *owner;
	tlsa_status st;

	if (explicit_owner && t->t[0].off == 0 && text[0] == '$')
		return directive(sc, text, t, e->line);

	i = head_fields(text, t, explicit_owner ? 1 : 0, &e->ttl_i, &e->class_i);
	if (i < t->n) {
		k.ty = text + t->t[i].off;
		k.tyl = t->t[i].len;
		k.is_tlsa = is_tlsa_type(k.ty, k.tyl);
	}
	st = take_owner(sc, e, explicit_owner,
			full && sc->mode == SCAN_EDIT && k.is_tlsa && ed->ntargets > 0, prev_abs,
			&had_prev);
	if (st != TLSA_OK)
		return st;
	sc->seen_record = 1;
	if (i >= t->n)
		return tlsa_zone_fail(ed, TLSA_ERR_ZONE_SYNTAX, sc->path, e->line,
				      "no record type");
	e->type_i = i;
	if (e->ttl_i >= 0 && !sc->has_default_ttl) {
		/* RFC 1035 zones without $TTL: the last TTL given carries on. */
		if (tlsa_zone_parse_ttl(text + t->t[e->ttl_i].off, t->t[e->ttl_i].len,
					&sc->last_ttl) == 0)
			sc->has_last_ttl = 1;
	}

	if (token_is(k.ty, k.tyl, "RRSIG") || token_is(k.ty, k.tyl, "TYPE46")) {
		if (!ed->signed_zone) {
			ed->signed_zone = 1;
			snprintf(ed->signed_file, sizeof(ed->signed_file), "%s", sc->path);
			ed->signed_line = e->line;
		}
	}
	k.is_soa = is_soa_type(k.ty, k.tyl);
	k.is_cname = is_cname_type(k.ty, k.tyl);
	if (sc->mode == SCAN_CNAMES) {
		/* Every entry, light or full: its owner and type are enough. */
		if ((owner = cur_owner_abs(sc)) == NULL)
			return tlsa_zone_fail(ed, TLSA_ERR_ZONE_ORIGIN, sc->path, e->line, NULL);
		return tlsa_zone_cname_other(sc, e, owner, k.ty, k.tyl);
	}
	st = keep_entry(sc, e, full, &k, explicit_owner, had_prev ? prev_abs : NULL, &this_found);
	if (st != TLSA_OK)
		return st;
	if (sc->last_found != NONE &&
	    (st = link_found(sc, e, explicit_owner, this_found)) != TLSA_OK)
		return st;
	sc->last_found = this_found;
	return TLSA_OK;
}

/*
 * Does the entry starting with this line need all its tokens (and its
 * text, when it spans lines)?  Directives, the SOA and TLSA records at
 * owners being changed do; so does every entry when checking or reading
 * a snippet.  The head tokens are enough for everything else.
 */
static int needs_full(struct scan *sc, const char *text, const struct toks *t)
{
	int explicit_owner = text[0] != ' ' && text[0] != '\t';
	int ttl_i, class_i;
	char abs[NAME_MAX_TEXT];
	const char *ty, *owner;
	size_t i, tyl;

	if (sc->mode == SCAN_CHECK || sc->mode == SCAN_SNIPPET || text[0] == '$')
		return 1;
	i = head_fields(text, t, explicit_owner ? 1 : 0, &ttl_i, &class_i);
	if (i >= t->n)
		return 1; /* the type is on a later line */
	ty = text + t->t[i].off;
	tyl = t->t[i].len;
	if (is_soa_type(ty, tyl))
		return 1;
	if (sc->mode != SCAN_EDIT || sc->ed->ntargets == 0)
		return 0;
	/* A CNAME at an owner given records stops the edit (zonecname.c). */
	if (!is_cname_type(ty, tyl) && (!is_tlsa_type(ty, tyl) || sc->ed->tlsa_in_snippet))
		return 0;
	if (explicit_owner) {
		if (tlsa_zone_absolute(text + t->t[0].off, t->t[0].len,
				       sc->has_origin ? sc->origin : NULL, abs, sizeof(abs)) != 0)
			return 1; /* let scan_entry() say what is wrong */
		owner = abs;
	} else if (!sc->has_owner || (owner = cur_owner_abs(sc)) == NULL) {
		return 1;
	}
	return tlsa_zone_find_target(sc->ed, owner) != NONE;
}

/*
 * Line ends of a lone CR (classic Mac OS) are not supported: the file
 * would read as one line.  A CR followed by more text on the first line
 * (up to the first LF) is taken for them.
 */
static int cr_line_ends(const char *line, size_t len)
{
	const char *cr = line, *end = line + len;

	while ((cr = memchr(cr, '\r', (size_t)(end - cr))) != NULL) {
		cr++;
		while (cr < end && *cr == '\r')
			cr++;
		if (cr < end && *cr != '\n')
			return 1;
	}
	return 0;
}

static tlsa_status cr_error(struct scan *sc)
{
	return tlsa_zone_fail(sc->ed, TLSA_ERR_ZONE_SYNTAX, sc->path, 0,
			      "line ends of a lone CR (old Mac OS) are not supported; convert "
			      "the file to LF or CRLF line ends");
}

static tlsa_status syntax_error(struct scan *sc, unsigned long line, int tr)
{
	return tlsa_zone_fail(sc->ed, TLSA_ERR_ZONE_SYNTAX, sc->path, line,
			      tr == TOK_PAREN ? "')' without '('" : "unterminated quoted string");
}

/* The main file's line ends, which new lines copy: CRLF when its first
 * line ends so, and whether its last line has one. */
static void note_line_end(tlsa_zone_edit *ed, const char *line, size_t len, unsigned long lineno)
{
	if (lineno == 1 && len >= 2 && line[len - 1] == '\n' && line[len - 2] == '\r')
		memcpy(ed->eol, "\r\n", 3);
	ed->ends_with_eol = line[len - 1] == '\n';
}

/*
 * How the reading stopped (rc of reader_line() after lineno lines): a
 * read error, no memory, a line too long, or the end of the file, where
 * the entry opened on line open_line (0: none) is still open.
 */
static tlsa_status end_of_file(struct scan *sc, const struct reader *r, int rc,
			       unsigned long lineno, unsigned long open_line)
{
	if (rc == -1)
		return tlsa_zone_fail(sc->ed, TLSA_ERR_IO, sc->path, lineno, "%s", strerror(errno));
	if (rc == -2)
		return TLSA_ERR_NOMEM;
	if (rc == -3 && lineno == 0 && cr_line_ends(r->buf + r->start, r->end - r->start))
		return cr_error(sc);
	if (rc == -3)
		return tlsa_zone_fail(sc->ed, TLSA_ERR_ZONE_SYNTAX, sc->path, lineno + 1,
				      "line longer than %u MiB: not a zone file",
				      ZONE_LINE_MAX >> 20);
	if (open_line != 0)
		return tlsa_zone_fail(sc->ed, TLSA_ERR_ZONE_SYNTAX, sc->path, open_line,
				      "'(' without ')' before the end of the file");
	return TLSA_OK;
}

static tlsa_status scan_file(struct scan *sc, int fd)
{
	tlsa_zone_edit *ed = sc->ed;
	struct reader r = {0};
	struct toks t = {0};
	struct buf ebuf = {0};
	struct entry e = {0};
	const char *line;
	size_t len;
	unsigned long lineno = 0;
	off_t off = 0;
	int depth = 0, rc, tr, in_entry = 0, light = 0;
	tlsa_status st = TLSA_OK;

	e.t = &t;
	r.fd = fd;
	r.cap = reader_first_cap(fd);
	r.buf = malloc(r.cap);
	if (r.buf == NULL)
		return TLSA_ERR_NOMEM;
	if (lseek(fd, 0, SEEK_SET) < 0) {
		free(r.buf);
		return tlsa_zone_fail(ed, TLSA_ERR_IO, sc->path, 0, "%s", strerror(errno));
	}
	if (sc->is_main) {
		ed->eol[0] = '\n';
		ed->eol[1] = '\0';
		ed->ends_with_eol = 1;
	}
	while (!sc->done && (rc = reader_line(&r, &line, &len)) > 0) {
		lineno++;
		if (lineno == 1 && cr_line_ends(line, len)) {
			st = cr_error(sc);
			break;
		}
		if (sc->is_main)
			note_line_end(ed, line, len, lineno);
		if (light) {
			/* The rest of an entry nobody needs: follow parentheses only. */
			tr = tlsa_zone_tokenize(&t, line, len, 0, &depth, 0);
			off += (off_t)len;
			if (tr != TOK_OK) {
				st = syntax_error(sc, lineno, tr);
				break;
			}
			light = depth > 0;
			continue;
		}
		if (!in_entry) {
			t.n = 0;
			tr = tlsa_zone_tokenize(&t, line, len, 0, &depth, HEAD_TOKENS);
			if (tr == TOK_OK && t.n == 0 && depth == 0) {
				off += (off_t)len;
				continue; /* blank or comment line */
			}
			e.text = line;
			e.len = len;
			e.first_len = len;
			e.start = off;
			e.line = lineno;
			if (tr == TOK_OK && t.n > 0 && !needs_full(sc, line, &t)) {
				/* Only its owner, TTL and type matter, all on this line. */
				st = scan_entry(sc, &e, 0);
				if (st != TLSA_OK)
					break;
				off += (off_t)len;
				light = depth > 0;
				continue;
			}
			if (tr == TOK_OK) {
				t.n = 0;
				depth = 0;
				tr = tlsa_zone_tokenize(&t, line, len, 0, &depth, (size_t)-1);
			}
			if (tr == TOK_OK && depth == 0) {
				st = scan_entry(sc, &e, 1);
				if (st != TLSA_OK)
					break;
				off += (off_t)len;
				continue;
			}
			ebuf.len = 0;
			in_entry = 1;
			if (tr == TOK_OK && buf_add(&ebuf, line, len) != 0)
				tr = TOK_NOMEM;
		} else {
			size_t base = ebuf.len;
			if (buf_add(&ebuf, line, len) != 0)
				tr = TOK_NOMEM;
			else
				tr = tlsa_zone_tokenize(&t, ebuf.p + base, len, base, &depth,
							(size_t)-1);
		}
		off += (off_t)len;
		if (tr == TOK_NOMEM) {
			st = TLSA_ERR_NOMEM;
			break;
		}
		if (tr != TOK_OK) {
			st = syntax_error(sc, lineno, tr);
			break;
		}
		if (depth == 0) {
			in_entry = 0;
			e.text = ebuf.p;
			e.len = ebuf.len;
			if (t.n > 0)
				st = scan_entry(sc, &e, 1);
			if (st != TLSA_OK)
				break;
		}
	}
	if (st == TLSA_OK && !sc->done)
		st = end_of_file(sc, &r, rc, lineno, in_entry || light ? e.line : 0);
	if (st == TLSA_OK && sc->is_main && sc->mode == SCAN_EDIT) {
		ed->size = off;
		free(ed->eof_origin);
		ed->eof_origin = sc->has_origin ? strdup(sc->origin) : NULL;
	}
	free(r.buf);
	free(t.t);
	free(ebuf.p);
	return st;
}
