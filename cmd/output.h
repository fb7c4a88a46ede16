/*
 * Output formats of `tlsa create`: a table of small printers.
 *
 * Each format prints records as they come; begin and end frame the whole
 * output (JSON's brackets, nsupdate's send).
 */
#ifndef TLSA_OUTPUT_H
#define TLSA_OUTPUT_H

#include <stdio.h>
#include <time.h>

#include <tlsa.h>

/* One record to print, with what it was made from. */
struct out_rec {
	const char *owner;      /* NULL when none (rdata format only) */
	long ttl;               /* -1 when none */
	const tlsa_record *rec;
	const unsigned char *cert; /* certificate it was computed from, or NULL */
	size_t cert_len;
	const char *file;       /* input file, or NULL */
	size_t depth;
};

struct out_state {
	FILE *fp;
	unsigned long count;    /* records printed so far */
	char *last_owner;       /* nsupdate: the owner last deleted (owned) */
};

struct out_format {
	const char *name;
	int needs_owner;
	void (*begin)(struct out_state *st);
	int (*record)(struct out_state *st, const struct out_rec *r);
	void (*end)(struct out_state *st);
};

/* The format called name, or NULL.  out_end() calls end and frees state. */
const struct out_format *out_format_find(const char *name);
void out_end(const struct out_format *fmt, struct out_state *st);

/* Write s as a JSON string literal (quoted, escaped). */
void json_string(FILE *fp, const char *s);

/* A UTC time as ISO 8601 ("2026-11-23T16:14:00Z") into buf[21]. */
void iso_time(time_t t, char buf[21]);

#endif
