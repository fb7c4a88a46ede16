/*
 * The record formats: rfc, generic, rdata, json and nsupdate, each a row
 * in the table at the end.  `tlsa create` prints with them, and check
 * --candidate's "publish first" lines are rfc.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "record-out.h"

static void owner_ttl(struct out_state *st, const struct out_rec *r)
{
	fputs(r->owner, st->fp);
	if (r->ttl >= 0)
		fprintf(st->fp, " %ld", r->ttl);
}

static int print_rfc(struct out_state *st, const struct out_rec *r)
{
	char *text = tlsa_record_to_text(r->rec);

	if (text == NULL)
		return -1;
	owner_ttl(st, r);
	fprintf(st->fp, " IN TLSA %s\n", text);
	free(text);
	return 0;
}

static int print_generic(struct out_state *st, const struct out_rec *r)
{
	char *text = tlsa_record_to_generic(r->rec);

	if (text == NULL)
		return -1;
	owner_ttl(st, r);
	fprintf(st->fp, " IN TYPE52 %s\n", text);
	free(text);
	return 0;
}

static int print_rdata(struct out_state *st, const struct out_rec *r)
{
	char *text = tlsa_record_to_text(r->rec);

	if (text == NULL)
		return -1;
	fputs(text, st->fp);
	putc('\n', st->fp);
	free(text);
	return 0;
}

static void json_begin(struct out_state *st)
{
	fputs("[", st->fp);
}

static int print_json(struct out_state *st, const struct out_rec *r)
{
	tlsa_cert_info info = TLSA_CERT_INFO_INIT;
	char *hex, when[21];

	hex = tlsa_hex_string(r->rec->data, r->rec->len);
	if (hex == NULL)
		return -1;
	fputs(st->count > 0 ? ",\n  {" : "\n  {", st->fp);
	fputs("\"owner\": ", st->fp);
	if (r->owner != NULL)
		json_string(st->fp, r->owner);
	else
		fputs("null", st->fp);
	if (r->ttl >= 0)
		fprintf(st->fp, ", \"ttl\": %ld", r->ttl);
	else
		fputs(", \"ttl\": null", st->fp);
	fprintf(st->fp, ", \"usage\": %u, \"selector\": %u, \"mtype\": %u, \"data\": \"%s\"",
		r->rec->usage, r->rec->selector, r->rec->mtype, hex);
	free(hex);
	if (r->file != NULL) {
		fputs(", \"file\": ", st->fp);
		json_string(st->fp, r->file);
		fprintf(st->fp, ", \"depth\": %zu", r->depth);
	}
	if (r->cert != NULL && tlsa_cert_info_get(r->cert, r->cert_len, &info) == TLSA_OK) {
		fputs(", \"subject\": ", st->fp);
		json_string(st->fp, info.subject);
		fputs(", \"issuer\": ", st->fp);
		json_string(st->fp, info.issuer);
		iso_time(info.not_after, when);
		fprintf(st->fp, ", \"notAfter\": \"%s\"", when);
		tlsa_cert_info_clear(&info);
	}
	fputs("}", st->fp);
	return 0;
}

static void json_end(struct out_state *st)
{
	fputs(st->count > 0 ? "\n]\n" : "]\n", st->fp);
}

/*
 * nsupdate: RFC 2136 section 3.4.2 applies updates in order, so a delete
 * after an owner's first adds would throw them away.  Records are held
 * until the end and printed grouped by owner: one delete per owner (in
 * the order owners first appear), then that owner's adds in the order
 * they came, each distinct record once.  A few dozen bytes a record, so
 * a manifest of thousands of lines stays small.
 */
struct ns_rec {
	char *owner; /* owned */
	char *text;  /* "U S M HEX", owned */
	long ttl;
	size_t seq;   /* arrival order */
	size_t group; /* seq of the first record of its owner */
	int dup;
};

struct ns_collect {
	struct ns_rec *v;
	size_t n, cap;
};

/* Owners compare as DNS names do: ASCII case does not matter. */
static int ns_by_owner_text(const void *a, const void *b)
{
	const struct ns_rec *x = a, *y = b;
	int c = strcasecmp(x->owner, y->owner);

	if (c == 0)
		c = strcmp(x->text, y->text);
	if (c == 0)
		c = x->seq < y->seq ? -1 : x->seq > y->seq;
	return c;
}

static int ns_by_group_seq(const void *a, const void *b)
{
	const struct ns_rec *x = a, *y = b;

	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void ns_free(struct ns_collect *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->n; i++) {
		free(c->v[i].owner);
		free(c->v[i].text);
	}
	free(c->v);
	free(c);
}

/* nsupdate needs a TTL for additions; 3600 when none was given. */
static int print_nsupdate(struct out_state *st, const struct out_rec *r)
{
	struct ns_collect *c = st->collect;
	struct ns_rec *e;

	if (c == NULL) {
		c = calloc(1, sizeof(*c));
		if (c == NULL)
			return -1;
		st->collect = c;
	}
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		struct ns_rec *nv = realloc(c->v, cap * sizeof(*nv));

		if (nv == NULL)
			return -1;
		c->v = nv;
		c->cap = cap;
	}
	e = &c->v[c->n];
	memset(e, 0, sizeof(*e));
	e->owner = strdup(r->owner);
	e->text = tlsa_record_to_text(r->rec);
	if (e->owner == NULL || e->text == NULL) {
		free(e->owner);
		free(e->text);
		return -1;
	}
	e->ttl = r->ttl >= 0 ? r->ttl : 3600L;
	e->seq = c->n++;
	return 0;
}

static void nsupdate_end(struct out_state *st)
{
	struct ns_collect *c = st->collect;
	size_t i, j, first;

	if (c == NULL || c->n == 0)
		return;
	/* Each owner's records together, identical ones side by side. */
	qsort(c->v, c->n, sizeof(c->v[0]), ns_by_owner_text);
	for (i = 0; i < c->n; i = j) {
		first = c->v[i].seq;
		for (j = i; j < c->n && strcasecmp(c->v[j].owner, c->v[i].owner) == 0; j++) {
			if (c->v[j].seq < first)
				first = c->v[j].seq;
			c->v[j].dup = j > i && strcmp(c->v[j].text, c->v[j - 1].text) == 0;
		}
		while (i < j)
			c->v[i++].group = first;
	}
	qsort(c->v, c->n, sizeof(c->v[0]), ns_by_group_seq);
	for (i = 0; i < c->n; i++) {
		const struct ns_rec *e = &c->v[i];

		if (e->dup)
			continue;
		if (i == 0 || e->group != c->v[i - 1].group)
			fprintf(st->fp, "update delete %s TLSA\n", e->owner);
		fprintf(st->fp, "update add %s %ld IN TLSA %s\n", e->owner, e->ttl, e->text);
	}
	fputs("send\n", st->fp);
}

static const struct out_format formats[] = {
    {"rfc", 1, 0, NULL, print_rfc, NULL},
    {"generic", 1, 0, NULL, print_generic, NULL},
    {"rdata", 0, 0, NULL, print_rdata, NULL},
    {"json", 0, 0, json_begin, print_json, json_end},
    {"nsupdate", 1, 1, NULL, print_nsupdate, nsupdate_end},
};

const struct out_format *out_format_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(formats[i].name, name) == 0)
			return &formats[i];
	return NULL;
}

void out_end(const struct out_format *fmt, struct out_state *st)
{
	if (fmt->end != NULL)
		fmt->end(st);
	out_free(st);
}

void out_free(struct out_state *st)
{
	ns_free(st->collect);
	st->collect = NULL;
}
