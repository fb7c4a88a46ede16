/*
 * tlsa check's output formats: one file each (check-out-FORMAT.c), each
 * filling a struct check_format with its hooks, and one table naming
 * them (check-out.c).  Adding a format is adding a file and a row.
 *
 * A format prints what check found and check-policy.c judged; it decides
 * nothing.  A target's --candidate results are part of its target
 * output: each format prints them its own way, in its own file.
 */
#ifndef TLSA_CHECK_OUT_H
#define TLSA_CHECK_OUT_H

#include <stdio.h>

#include "check-result.h"

struct fleet_result; /* check-targets.h */

/* A fleet's output while it runs: what a format's fleet hooks share. */
struct fleet_out {
	FILE *fp;
	size_t total; /* targets in the file */
	size_t printed;
	size_t count[4]; /* results so far by verdict */
	void *state;	 /* the format's own */
};

/*
 * Every format has target and fleet_each; the other hooks may be NULL
 * where the comment says what then happens.  A format of one line per
 * target (JSON lines, say) needs no more than those two.
 */
struct check_format {
	const char *name;
	/* One judged target. */
	void (*target)(FILE *fp, const struct check_target *t, const struct check_conf *conf);
	/*
	 * The check could not run (UNKNOWN): why, for formats read by
	 * machines; NULL when stderr says enough (text).  t->host is NULL
	 * for a usage error that came before any target.
	 */
	void (*unknown)(FILE *fp, const struct check_target *t, const char *why);
	/* A judged --mx or --srv group; NULL: each examined host as a target. */
	void (*group)(FILE *fp, const struct check_group *g, const struct check_conf *conf);
	/* A group that could not be checked; NULL: unknown, naming the group. */
	void (*group_unknown)(FILE *fp, int mx, const char *name, const char *why);
	/*
	 * A fleet (--targets): begin (NULL: nothing to open; -1 out of
	 * memory), each result in input order, then end (-1: write error),
	 * or discard instead of end after a failure (say why where the
	 * format can, free the state).
	 */
	int (*fleet_begin)(struct fleet_out *out);
	void (*fleet_each)(struct fleet_out *out, const struct fleet_result *r);
	int (*fleet_end)(struct fleet_out *out, enum verdict worst);
	void (*fleet_discard)(struct fleet_out *out, const char *why);
};

/* The formats, one file each; check-out.c's table names them. */
extern const struct check_format check_out_text;
extern const struct check_format check_out_json;
extern const struct check_format check_out_nagios;
extern const struct check_format check_out_prometheus;
extern const struct check_format check_out_jsonl;

/* The format called name, or NULL; the default (the table's first row). */
const struct check_format *check_format_find(const char *name);
const struct check_format *check_format_default(void);
/*
 * The formats' names for --help and a usage error, from the table:
 * "text, json, nagios or prometheus", with " (default)" after the first
 * when mark_default.  A static buffer.
 */
const char *check_format_names(int mark_default);

/* fmt's unknown for host:port (host NULL: no target yet); nothing without one. */
void check_out_unknown(const struct check_format *fmt, FILE *fp, const char *host, unsigned port,
		       const char *why);
/* A group through fmt's group hook, or each examined host as a target. */
void check_out_group(const struct check_format *fmt, FILE *fp, const struct check_group *g,
		     const struct check_conf *conf);
/* A group that could not be checked, through fmt's group_unknown or unknown. */
void check_out_group_unknown(const struct check_format *fmt, FILE *fp, int mx, const char *name,
			     const char *why);

/* ---- what several formats count and quote ---------------------------------- */

/* Addresses (an address with several certificates has one entry per key type). */
size_t check_out_addresses(const struct check_target *t);
/* Addresses verified (OK or WARNING) on every key type they offered. */
size_t check_out_addresses_ok(const struct check_target *t);
/* Candidates that match a published record. */
size_t check_out_candidates_matched(const struct check_target *t);
/* A group's host examined (its lookups ran): else it has only its notes. */
int check_out_examined(const struct check_target *t);
/* The first finding at a host's verdict: what an operator needs to read. */
const char *check_out_host_reason(const struct check_target *t);

/* ---- JSON objects: json's elements of "targets", jsonl's lines ------------- */

/*
 * A target's object (line: its line in the targets file, 0 none); json
 * breaks lines between addresses, jsonl joins them.
 */
void check_json_target_object(FILE *fp, const struct check_target *t, unsigned long line);
/* A --mx or --srv group, with its hosts. */
void check_json_group_object(FILE *fp, const struct check_group *g, unsigned long line);
/*
 * A target or group that could not be checked: why, as "error" (name
 * NULL: the run stopped before any target, or after the last).
 */
void check_json_unknown_object(FILE *fp, const char *name, unsigned long line, int mx,
			       unsigned port, const char *why);
/* A fleet's result: one of the three above. */
void check_json_result_object(FILE *fp, const struct fleet_result *r);

#endif
