/*
 * What the scan keeps of the entries that matter: each is parsed with
 * ldns from a normalised one-line form, and its TLSA rdata taken in wire
 * form, so that records compare the same however they were written.
 *
 * Owns: the SOA serial's place in every copy of the SOA, in text or RFC
 * 3597 form, and the check that the copies are one record
 * (tlsa_zone_soa), the TLSA records found at targets with the layout of
 * their first line (tlsa_zone_found_add), and the records of an
 * --include snippet (tlsa_zone_snip_add).  Does not own finding entries
 * (zonescan.c) or deciding what changes (zoneplan.c).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "zonebuf.h"
#include "zoneedit.h"
#include "zonefail.h"
#include "zonelex.h"
#include "zonerecord.h"
#include "zonescan.h"

/* An entry's text in one line for ldns: "OWNER TTL CLASS TYPE RDATA...". */
static int normalise(struct buf *b, const struct entry *e, const char *owner, uint32_t ttl)
{
	const struct toks *t = e->t;
	size_t i;

	b->len = 0;
	if (buf_str(b, owner) || buf_add(b, " ", 1) || buf_num(b, (unsigned long)ttl) ||
	    buf_add(b, " ", 1))
		return -1;
	if (e->class_i >= 0) {
		if (buf_add(b, e->text + t->t[e->class_i].off, t->t[e->class_i].len))
			return -1;
	} else if (buf_str(b, "IN")) {
		return -1;
	}
	for (i = e->type_i; i < t->n; i++)
		if (buf_add(b, " ", 1) || buf_add(b, e->text + t->t[i].off, t->t[i].len))
			return -1;
	return 0;
}

static ldns_rdf *origin_rdf(struct scan *sc)
{
	if (sc->origin_rdf == NULL && sc->has_origin)
		sc->origin_rdf = ldns_dname_new_frm_str(sc->origin);
	return sc->origin_rdf;
}

tlsa_status tlsa_zone_parse_rr(struct scan *sc, const struct entry *e, const char *owner,
			       ldns_rr **rr)
{
	const struct toks *t = e->t;
	struct buf norm = {0};
	uint32_t ttl;
	ldns_status ls;

	*rr = NULL;
	if (e->ttl_i >= 0) {
		if (tlsa_zone_parse_ttl(e->text + t->t[e->ttl_i].off, t->t[e->ttl_i].len, &ttl) !=
		    0)
			return tlsa_zone_fail(sc->ed, TLSA_ERR_ZONE_SYNTAX, sc->path, e->line,
					      "bad TTL");
	} else {
		ttl = sc->has_default_ttl ? sc->default_ttl : sc->has_last_ttl ? sc->last_ttl : 0;
	}
	if (normalise(&norm, e, owner, ttl) != 0) {
		free(norm.p);
		return TLSA_ERR_NOMEM;
	}
	ls = ldns_rr_new_frm_str(rr, norm.p, ttl, origin_rdf(sc), NULL);
	free(norm.p);
	if (ls != LDNS_STATUS_OK) {
		*rr = NULL;
		return tlsa_zone_fail(sc->ed, TLSA_ERR_ZONE_RECORD, sc->path, e->line, "%s",
				      ldns_get_errorstr_by_id(ls));
	}
	return TLSA_OK;
}

tlsa_status tlsa_zone_rr_tlsa(const ldns_rr *rr, tlsa_record **out)
{
	ldns_buffer *b = ldns_buffer_new(512);
	tlsa_status st;

	if (b == NULL)
		return TLSA_ERR_NOMEM;
	if (ldns_rr_rdata2buffer_wire(b, rr) != LDNS_STATUS_OK) {
		ldns_buffer_free(b);
		return TLSA_ERR_INTERNAL;
	}
	st = tlsa_record_from_wire(ldns_buffer_begin(b), ldns_buffer_position(b), out);
	ldns_buffer_free(b);
	return st;
}

void tlsa_zone_found_free(struct found *f)
{
	tlsa_record_free(f->rec);
	free(f->file);
	free(f->head);
	free(f->prev_owner);
	free(f->fix_text);
	free(f->incl_blank_file);
}

/* The layout of the entry's first line, for records that take its place. */
static void keep_layout(struct found *f, const struct entry *e, int explicit_owner)
{
	const struct toks *t = e->t;
	const char *text = e->text;
	size_t i, end;

	if (e->ttl_i >= 0) {
		f->ttl_off = (long)t->t[e->ttl_i].off;
		f->ttl_len = t->t[e->ttl_i].len;
	}
	f->ttl_ins = explicit_owner ? (t->n > 1 ? t->t[1].off : f->head_len) : t->t[0].off;
	end = t->t[e->type_i].off + t->t[e->type_i].len;
	for (i = 0; end + i < e->first_len && i + 1 < sizeof(f->type_sep) &&
		    (text[end + i] == ' ' || text[end + i] == '\t');
	     i++)
		f->type_sep[i] = text[end + i];
}

tlsa_status tlsa_zone_found_add(struct scan *sc, const struct entry *e, size_t target,
				const char *owner, const char *prev_owner, int explicit_owner)
{
	tlsa_zone_edit *ed = sc->ed;
	const struct toks *t = e->t;
	const char *text = e->text;
	struct found *f, *nf;
	ldns_rr *rr = NULL;
	tlsa_status st;

	st = tlsa_zone_parse_rr(sc, e, owner, &rr);
	if (st != TLSA_OK)
		return st;
	if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_TLSA) {
		ldns_rr_free(rr);
		return tlsa_zone_fail(ed, TLSA_ERR_ZONE_RECORD, sc->path, e->line,
				      "not a TLSA record");
	}
	nf = realloc(ed->found, (ed->nfound + 1) * sizeof(*nf));
	if (nf == NULL) {
		ldns_rr_free(rr);
		return TLSA_ERR_NOMEM;
	}
	ed->found = nf;
	f = &ed->found[ed->nfound];
	memset(f, 0, sizeof(*f));
	f->target = target;
	f->in_main = sc->is_main;
	f->file = strdup(sc->path);
	f->line = e->line;
	f->start = e->start;
	f->end = e->start + (off_t)e->len;
	f->ttl = ldns_rr_ttl(rr);
	f->generic = token_is(text + t->t[e->type_i].off, t->t[e->type_i].len, "TYPE52") ||
		     (e->type_i + 1 < t->n && t->t[e->type_i + 1].len == 2 &&
		      memcmp(text + t->t[e->type_i + 1].off, "\\#", 2) == 0);
	f->ttl_off = -1;
	f->prev_found = sc->last_found;
	f->next_found = NONE;
	st = tlsa_zone_rr_tlsa(rr, &f->rec);
	ldns_rr_free(rr);
	if (f->file == NULL || st != TLSA_OK) {
		tlsa_zone_found_free(f);
		return st != TLSA_OK ? tlsa_zone_fail(ed, st, sc->path, e->line, NULL)
				     : TLSA_ERR_NOMEM;
	}
	if (prev_owner != NULL && (f->prev_owner = strdup(prev_owner)) == NULL) {
		tlsa_zone_found_free(f);
		return TLSA_ERR_NOMEM;
	}
	if (t->t[e->type_i].off < e->first_len) {
		f->head_len = t->t[e->type_i].off;
		f->head = strndup(text, f->head_len);
		if (f->head == NULL) {
			tlsa_zone_found_free(f);
			return TLSA_ERR_NOMEM;
		}
		keep_layout(f, e, explicit_owner);
	}
	if (f->type_sep[0] == '\0')
		f->type_sep[0] = ' ';
	if (e->first_len >= 2 && text[e->first_len - 2] == '\r' && text[e->first_len - 1] == '\n')
		memcpy(f->eol, "\r\n", 3);
	else if (e->first_len >= 1 && text[e->first_len - 1] == '\n')
		memcpy(f->eol, "\n", 2);
	ed->nfound++;
	return TLSA_OK;
}

/* ---- the SOA --------------------------------------------------------- */

/* The serial of an SOA in text form: its one run of digits. */
static tlsa_status soa_text_serial(struct scan *sc, const struct entry *e, struct soa_copy *c,
				   uint32_t *serial)
{
	const struct tok *s;
	const char *text = e->text;
	uint64_t v = 0;
	size_t i;

	if (e->type_i + 3 >= e->t->n)
		return tlsa_zone_fail(sc->ed, TLSA_ERR_ZONE_SOA, sc->path, e->line,
				      "SOA without a serial");
	s = &e->t->t[e->type_i + 3];
	for (i = 0; i < s->len; i++) {
		if (!isdigit((unsigned char)text[s->off + i]))
			return tlsa_zone_fail(sc->ed, TLSA_ERR_ZONE_SOA, sc->path, e->line,
					      "SOA serial '%.*s' is not a number", (int)s->len,
					      text + s->off);
		v = v * 10 + (uint64_t)(text[s->off + i] - '0');
		if (v > UINT32_MAX)
			return tlsa_zone_fail(sc->ed, TLSA_ERR_ZONE_SOA, sc->path, e->line,
					      "SOA serial above 4294967295");
	}
	c->run[0].off = (off_t)s->off;
	c->run[0].len = s->len;
	c->nrun = 1;
	*serial = (uint32_t)v;
	return TLSA_OK;
}

static int hex_value(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = (char)(ch | 0x20);
	return ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
}

/*
 * The serial of an SOA in RFC 3597 form ("\# LEN HEX..."), parsed by
 * ldns into rr: its four bytes follow MNAME and RNAME in wire form (RFC
 * 3597 rdata has no compression), so its hex digits are the 8 from digit
 * 2 * (|MNAME| + |RNAME|) on, in however many chunks they were written.
 */
static tlsa_status soa_hex_serial(struct scan *sc, const struct entry *e, const ldns_rr *rr,
				  struct soa_copy *c, uint32_t *serial)
{
	const struct toks *t = e->t;
	const char *text = e->text;
	size_t i, j, k = 0, first, wire = 0, digits = 0;
	int v, case_here[2] = {0, 0}, case_all[2] = {0, 0};

	for (i = 0; i < ldns_rr_rd_count(rr); i++)
		wire += ldns_rdf_size(ldns_rr_rdf(rr, i));
	first = 2 * (ldns_rdf_size(ldns_rr_rdf(rr, 0)) + ldns_rdf_size(ldns_rr_rdf(rr, 1)));
	*serial = 0;
	for (i = e->type_i + 3; i < t->n; i++) {
		const struct tok *h = &t->t[i];
		for (j = 0; j < h->len; j++, digits++) {
			const char ch = text[h->off + j];
			if ((v = hex_value(ch)) < 0)
				return tlsa_zone_fail(sc->ed, TLSA_ERR_ZONE_SOA, sc->path, e->line,
						      "bad hex in SOA rdata");
			if (v > 9)
				case_all[isupper((unsigned char)ch) ? 1 : 0] = 1;
			if (digits < first || digits >= first + 8)
				continue;
			if (v > 9)
				case_here[isupper((unsigned char)ch) ? 1 : 0] = 1;
			*serial = (*serial << 4) | (uint32_t)v;
			if (k > 0 &&
			    c->run[k - 1].off + (off_t)c->run[k - 1].len == (off_t)(h->off + j)) {
				c->run[k - 1].len++;
			} else {
				c->run[k].off = (off_t)(h->off + j);
				c->run[k].len = 1;
				k++;
			}
		}
	}
	/* ldns takes bytes past the seventh field without a word. */
	if (digits != 2 * wire)
		return tlsa_zone_fail(sc->ed, TLSA_ERR_ZONE_SOA, sc->path, e->line,
				      "SOA rdata in \\# form has %zu bytes, its fields %zu",
				      digits / 2, wire);
	/* New digits in the case of the old ones, or of the rest of the hex. */
	if (case_here[0] || case_here[1])
		c->upper = case_here[1] && !case_here[0];
	else
		c->upper = case_all[1] && !case_all[0];
	c->nrun = k;
	c->hex = 1;
	return TLSA_OK;
}

/* The field in which SOA b differs from SOA a, in words, or NULL. */
static const char *soa_differs(const ldns_rr *a, const ldns_rr *b, int ttls, char *why, size_t size)
{
	static const char *const field[] = {"MNAME (primary server)",
					    "RNAME (mailbox)",
					    "serial",
					    "refresh",
					    "retry",
					    "expire",
					    "minimum"};
	char *x, *y;
	size_t i;

	if (ldns_rr_get_class(a) != ldns_rr_get_class(b)) {
		snprintf(why, size, "its class");
		return why;
	}
	if (ttls && ldns_rr_ttl(a) != ldns_rr_ttl(b)) {
		snprintf(why, size, "its TTL (%lu, not %lu)", (unsigned long)ldns_rr_ttl(b),
			 (unsigned long)ldns_rr_ttl(a));
		return why;
	}
	for (i = 0; i < 7; i++) {
		const ldns_rdf *ra = ldns_rr_rdf(a, i), *rb = ldns_rr_rdf(b, i);
		int same = i < 2 ? ldns_dname_compare(ra, rb) == 0
				 : ldns_rdf2native_int32(ra) == ldns_rdf2native_int32(rb);
		if (same)
			continue;
		x = ldns_rdf2str(ra);
		y = ldns_rdf2str(rb);
		snprintf(why, size, "its %s (%s, not %s)", field[i], y ? y : "?", x ? x : "?");
		free(x);
		free(y);
		return why;
	}
	return NULL;
}

/* A copy of the SOA after the first: the same record, or an error. */
static tlsa_status soa_again(struct scan *sc, const struct entry *e, const ldns_rr *rr,
			     const char *owner)
{
	tlsa_zone_edit *ed = sc->ed;
	char why[200];
	int ttls;

	if (ldns_dname_compare(ldns_rr_owner(rr), ldns_rr_owner(ed->soa_rr)) != 0)
		return tlsa_zone_fail(ed, TLSA_ERR_ZONE_SOA, sc->path, e->line,
				      "a second SOA record, at %s; the zone's SOA (line %lu) is at "
				      "%s",
				      owner, ed->soa[0].line, ed->zone_origin);
	/* A TTL neither given nor set by $TTL is whatever came last (RFC
	 * 1035): not the record's own, so not compared. */
	ttls = ed->soa_ttl_known && (e->ttl_i >= 0 || sc->has_default_ttl);
	if (soa_differs(ed->soa_rr, rr, ttls, why, sizeof(why)) != NULL)
		return tlsa_zone_fail(ed, TLSA_ERR_ZONE_SOA, sc->path, e->line,
				      "a second SOA record that differs from the one on line %lu "
				      "in %s",
				      ed->soa[0].line, why);
	return TLSA_OK;
}

/*
 * An SOA record.  The zone's first: where its serial is, and its owner as
 * the zone's origin.  A copy of it (a saved zone transfer begins and ends
 * with the SOA; BIND and Knot load such zones) is kept too, so that every
 * copy gets the new serial; an SOA that is not the same record is an
 * error saying where they differ.
 */
tlsa_status tlsa_zone_soa(struct scan *sc, const struct entry *e, const char *owner)
{
	tlsa_zone_edit *ed = sc->ed;
	const struct toks *t = e->t;
	struct soa_copy c, *nc;
	uint32_t serial = 0;
	ldns_rr *rr = NULL;
	tlsa_status st;
	size_t i;
	int generic;

	if (sc->mode == SCAN_SOA) {
		free(ed->zone_origin);
		ed->zone_origin = strdup(owner);
		sc->done = 1;
		return ed->zone_origin ? TLSA_OK : TLSA_ERR_NOMEM;
	}
	if (!sc->is_main)
		return tlsa_zone_fail(ed, TLSA_ERR_ZONE_SOA, sc->path, e->line,
				      "the SOA is in an included file; run tlsa zone on that file");
	memset(&c, 0, sizeof(c));
	generic = e->type_i + 1 < t->n && t->t[e->type_i + 1].len == 2 &&
		  memcmp(e->text + t->t[e->type_i + 1].off, "\\#", 2) == 0;
	if (!generic && (st = soa_text_serial(sc, e, &c, &serial)) != TLSA_OK)
		return st;
	st = tlsa_zone_parse_rr(sc, e, owner, &rr);
	if (st != TLSA_OK)
		return st;
	if (ldns_rr_rd_count(rr) != 7)
		st = tlsa_zone_fail(ed, TLSA_ERR_ZONE_SOA, sc->path, e->line,
				    "an SOA has 7 fields, this one %zu", ldns_rr_rd_count(rr));
	else if (generic)
		st = soa_hex_serial(sc, e, rr, &c, &serial);
	if (st == TLSA_OK && ldns_rdf2native_int32(ldns_rr_rdf(rr, 2)) != serial)
		st = tlsa_zone_fail(ed, TLSA_ERR_INTERNAL, sc->path, e->line,
				    "the SOA serial is not where it was looked for");
	if (st == TLSA_OK && ed->nsoa > 0)
		st = soa_again(sc, e, rr, owner);
	if (st != TLSA_OK) {
		ldns_rr_free(rr);
		return st;
	}
	c.line = e->line;
	for (i = 0; i < (size_t)c.run[0].off; i++)
		if (e->text[i] == '\n')
			c.line++;
	for (i = 0; i < c.nrun; i++)
		c.run[i].off += e->start;
	nc = realloc(ed->soa, (ed->nsoa + 1) * sizeof(*nc));
	if (nc == NULL) {
		ldns_rr_free(rr);
		return TLSA_ERR_NOMEM;
	}
	ed->soa = nc;
	ed->soa[ed->nsoa++] = c;
	if (ed->nsoa > 1) {
		ldns_rr_free(rr);
		return TLSA_OK;
	}
	ed->soa_rr = rr;
	ed->soa_ttl_known = e->ttl_i >= 0 || sc->has_default_ttl;
	ed->have_soa = 1;
	ed->soa_serial = serial;
	ed->serial_line = c.line;
	free(ed->zone_origin);
	ed->zone_origin = strdup(owner);
	return ed->zone_origin ? TLSA_OK : TLSA_ERR_NOMEM;
}

tlsa_status tlsa_zone_snip_add(struct scan *sc, const struct entry *e, const char *owner)
{
	struct snip_rr *n;
	ldns_rr *rr = NULL;
	tlsa_record *rec = NULL;
	tlsa_status st;

	st = tlsa_zone_parse_rr(sc, e, owner, &rr);
	if (st != TLSA_OK)
		return st;
	st = tlsa_zone_rr_tlsa(rr, &rec);
	if (st == TLSA_OK) {
		n = realloc(sc->snip->rr, (sc->snip->n + 1) * sizeof(*n));
		if (n == NULL) {
			st = TLSA_ERR_NOMEM;
		} else {
			sc->snip->rr = n;
			n[sc->snip->n].owner = strdup(owner);
			n[sc->snip->n].rec = rec;
			n[sc->snip->n].ttl = ldns_rr_ttl(rr);
			n[sc->snip->n].has_ttl = e->ttl_i >= 0;
			if (n[sc->snip->n].owner == NULL) {
				st = TLSA_ERR_NOMEM;
			} else {
				sc->snip->n++;
				rec = NULL;
			}
		}
	}
	tlsa_record_free(rec);
	ldns_rr_free(rr);
	return st == TLSA_OK ? st : tlsa_zone_fail(sc->ed, st, sc->path, e->line, NULL);
}

void tlsa_zone_snip_free(struct snip *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->rr[i].owner);
		tlsa_record_free(s->rr[i].rec);
	}
	free(s->rr);
}
