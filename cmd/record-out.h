/*
 * The record formats (rfc, generic, rdata, json, nsupdate): a table of
 * small printers, for `tlsa create` and check --candidate.
 *
 * Each format prints records as they come (nsupdate holds them, to group
 * them by owner); begin and end frame the whole output (JSON's brackets,
 * nsupdate's deletes, adds and send).
 */
#ifndef TLSA_RECORD_OUT_H
#define TLSA_RECORD_OUT_H

#include <stdio.h>
#include <time.h>

#include <tlsa.h>

/* One record to print, with what it was made from. */
struct out_rec {
	const char *owner; /* NULL when none (rdata format only) */
	long ttl;	   /* -1 when none */
	const tlsa_record *rec;
	const unsigned char *cert; /* certificate it was computed from, or NULL */
	size_t cert_len;
	const char *file; /* input file, or NULL */
	size_t depth;
};

struct out_state {
	FILE *fp;
	unsigned long count; /* records printed so far */
	void *collect;	     /* nsupdate: records held until the end (owned) */
};

struct out_format {
	const char *name;
	int needs_owner;
	int needs_absolute; /* owners must end in '.': read without a zone's origin */
	void (*begin)(struct out_state *st);
	int (*record)(struct out_state *st, const struct out_rec *r);
	void (*end)(struct out_state *st);
};

/*
 * The format called name, or NULL.  out_end() calls end and frees the
 * state; out_free() only frees it, for a run abandoned on an error.
 */
const struct out_format *out_format_find(const char *name);
void out_end(const struct out_format *fmt, struct out_state *st);
void out_free(struct out_state *st);

#endif
