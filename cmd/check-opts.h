/*
 * The options of one run of tlsa check, as check.c parsed them, and the
 * sentence that says why a check could not run.  Read by every step of a
 * check (check-records.c, check-examine.c, check-run.c).
 */
#ifndef TLSA_CHECK_OPTS_H
#define TLSA_CHECK_OPTS_H

#include <stddef.h>

#include <tlsa.h>

#include "check-candidate.h"
#include "check-out.h"
#include "cli.h"

/* --jobs: at most this many checks at a time. */
#define CHECK_JOBS_MAX 16384

struct check_opts {
	struct cli_target target; /* -p, --proto, -t, --timeout */
	const char **addresses;
	size_t naddresses;
	int family; /* AF_UNSPEC, AF_INET (-4) or AF_INET6 (-6) */
	const char *sni, *helo, *service_domain, *trust_anchor, *tlsa_file, *ca_file, *ca_path;
	const char **resolvers;
	size_t nresolvers;
	const char **tlsa; /* --tlsa texts */
	size_t ntlsa;
	unsigned long warn_days;
	int insecure;
	int mx, srv;		  /* --mx, --srv: HOST is a mail domain, an SRV owner */
	struct check_cand *cands; /* --candidate, loaded */
	size_t ncands;
	const char **cand_files;
	size_t ncand_files;
	int candidate_only;		/* --candidate-only: that question alone */
	int single_key_ok;		/* --single-key-ok */
	const char *passin;		/* --passin SOURCE, for encrypted --candidate keys */
	const char *targets;		/* --targets FILE */
	unsigned long jobs;		/* --jobs */
	unsigned long per_address;	/* --per-address */
	unsigned long dns_jobs;		/* --dns-jobs */
	unsigned long shard_k, shard_n; /* --shard K/N; 0/0 without */
	int fleet;			/* a fleet's check: problems are said in input order */
	tlsa_verify_ctx *vctx;		/* a fleet's shared TLS context, or NULL */
	unsigned key_types;		/* --key-types: a TLSA_KEY_* mask */

	/* --chain FILE (loaded): verify this chain, no connection; --at TIME (0: now) */
	const char *chain_file;
	tlsa_input *chain;
	time_t at;

	const struct check_format *fmt;
	char problem[1024]; /* why the check could not run, for the output format too */
	int said;	    /* a result or status line is on stdout */

	/* --all-ns, --sig-warn-days, --state, --resolver-cache (check-ns.c) */
	int all_ns;		      /* --all-ns 1, --no-all-ns 0, -1: on with --candidate */
	unsigned long sig_warn_days;  /* --sig-warn-days */
	const char *state;	      /* --state FILE */
	unsigned long resolver_cache; /* --resolver-cache SEC */
};

/* The defaults, before any option. */
void check_opts_init(struct check_opts *o);
/* Frees what the options own (not the strings: they are argv's). */
void check_opts_free(struct check_opts *o);

/*
 * The check cannot run: say why on stderr (a fleet's checks leave that
 * to the pool, in input order), and keep it in o->problem for the
 * output format too.
 */
void check_problem(struct check_opts *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
