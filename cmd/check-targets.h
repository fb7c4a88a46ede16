/*
 * --targets FILE and --jobs N (check-targets.c): a fleet of checks, run
 * N at a time, printed in input order through the format's fleet hooks
 * (check-out.h).
 */
#ifndef TLSA_CHECK_TARGETS_H
#define TLSA_CHECK_TARGETS_H

#include "check-out.h"
#include "check-result.h"

/* What a targets line leaves out: -p and -t of the command line. */
struct fleet_defaults {
	unsigned port;
	const tlsa_starttls *starttls;
	int starttls_set;
};

/* One line of a targets file: "HOST [PORT [STARTTLS]]" or "--mx DOMAIN". */
struct fleet_line {
	unsigned long lineno;
	int mx;	    /* an --mx DOMAIN line */
	char *host; /* HOST, or the mail domain (owned) */
	unsigned port;
	const tlsa_starttls *starttls; /* NULL: direct TLS */
};
void fleet_line_clear(struct fleet_line *l);

/* One line's check, filled on a worker thread, printed in input order. */
struct fleet_result {
	struct fleet_line line;
	int is_group; /* g (an --mx line) rather than t */
	struct check_target t;
	struct check_group g;
	struct check_conf conf;
	enum verdict verdict; /* of t or g; UNKNOWN when the check could not run */
	char problem[1024];   /* why it could not run, or "" */
};

struct fleet_run {
	const char *file; /* --targets FILE ("-": stdin) */
	unsigned jobs;	  /* --jobs */
	/*
	 * --shard K/N: only the lines whose number (1-based, every line of
	 * the file counted, comments and blank ones too) modulo N is K-1;
	 * shard_n 0: every line.
	 */
	unsigned long shard_k, shard_n;
	struct fleet_defaults defaults;
	const struct check_format *fmt;
	/* After the file is validated, before any check: 0, or -1 (said) to stop. */
	int (*ready)(void *ctx);
	/* Check one line (on any of the threads at once); release frees it. */
	void (*check)(void *ctx, struct fleet_result *r);
	void (*release)(void *ctx, struct fleet_result *r);
	void *ctx;
};
/*
 * Validate the whole file (a bad line: said with its number, nothing
 * contacted, V_UNKNOWN), then run every line, jobs at a time, printing
 * each result once every earlier one is printed.  Returns the worst verdict.
 */
int check_fleet(const struct fleet_run *f);

#endif
