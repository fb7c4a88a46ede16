/*
 * What the scan keeps of the entries that matter: each is parsed with
 * ldns from a normalised one-line form, and its TLSA rdata taken in wire
 * form, so that records compare the same however they were written.
 *
 * Owns: the SOA serial's place (tlsa_zone_soa), the TLSA records found
 * at targets with the layout of their first line (tlsa_zone_found_add),
 * and the records of an --include snippet (tlsa_zone_snip_add).  Does
 * not own finding entries (zonescan.c) or deciding what changes
 * (zoneedit.c).
 */
#include "config.h"

#include "zone-internal.h"

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

tlsa_status tlsa_zone_soa(struct scan *sc, const struct entry *e, const char *owner)
{
	tlsa_zone_edit *ed = sc->ed;
	const char *text = e->text;
	const struct tok *s;
	unsigned long sline = e->line;
	uint64_t v = 0;
	ldns_rr *rr = NULL;
	tlsa_status st;
	size_t i;

	if (sc->mode == SCAN_SOA) {
		free(ed->zone_origin);
		ed->zone_origin = strdup(owner);
		sc->done = 1;
		return ed->zone_origin ? TLSA_OK : TLSA_ERR_NOMEM;
	}
	if (!sc->is_main)
		return tlsa_zone_fail(ed, TLSA_ERR_ZONE_SOA, sc->path, e->line,
				      "the SOA is in an included file; run tlsa zone on that file");
	if (ed->have_soa)
		return tlsa_zone_fail(ed, TLSA_ERR_ZONE_SOA, sc->path, e->line,
				      "a second SOA record");
	if (e->type_i + 3 >= e->t->n)
		return tlsa_zone_fail(ed, TLSA_ERR_ZONE_SOA, sc->path, e->line,
				      "SOA without a serial");
	s = &e->t->t[e->type_i + 3];
	for (i = 0; i < s->len; i++) {
		if (!isdigit((unsigned char)text[s->off + i]))
			return tlsa_zone_fail(ed, TLSA_ERR_ZONE_SOA, sc->path, e->line,
					      "SOA serial '%.*s' is not a number", (int)s->len,
					      text + s->off);
		v = v * 10 + (uint64_t)(text[s->off + i] - '0');
		if (v > UINT32_MAX)
			return tlsa_zone_fail(ed, TLSA_ERR_ZONE_SOA, sc->path, e->line,
					      "SOA serial above 4294967295");
	}
	for (i = 0; i < s->off; i++)
		if (text[i] == '\n')
			sline++;
	st = tlsa_zone_parse_rr(sc, e, owner, &rr);
	if (st != TLSA_OK)
		return st;
	ldns_rr_free(rr);
	ed->have_soa = 1;
	ed->soa_serial = (uint32_t)v;
	ed->serial_off = e->start + (off_t)s->off;
	ed->serial_len = s->len;
	ed->serial_line = sline;
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
