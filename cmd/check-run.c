/*
 * tlsa check: a parsed command line run: one target, one --mx or --srv
 * group, or a --targets fleet (check-targets.c runs its pool, in input
 * order), each examined (check-examine.c) and printed in the format
 * asked for (check-out.h).  An UNKNOWN says why in that format too.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "check-examine.h"
#include "check-run.h"
#include "check-share.h"
#include "check-targets.h"
#include "cli.h"

/* A target of the command line or of a fleet line, before its examination. */
static void target_init(struct check_target *t, const struct check_opts *o, const char *host,
			unsigned port, const tlsa_starttls *starttls)
{
	memset(t, 0, sizeof(*t));
	t->host = host;
	t->port = port;
	t->proto = o->target.proto;
	t->starttls = starttls;
	t->source = (o->ntlsa > 0 || o->tlsa_file != NULL) ? SRC_GIVEN : SRC_DNS;
	t->source_file = o->tlsa_file;
	t->preference = -1;
	t->service_domain = o->service_domain;
}

/* The check of one target. */
int check_run_target(struct check_opts *o, const char *host)
{
	struct check_target t;
	struct check_conf conf;
	tlsa_resolver *res = NULL;
	struct timespec start;
	int rc = V_UNKNOWN;

	check_share_per_address(o->per_address);
	check_lookup_max(o->dns_jobs);
	clock_gettime(CLOCK_MONOTONIC, &start);
	target_init(&t, o, host, (unsigned)o->target.port, o->target.starttls);
	check_target_conf(o, &t, &conf);

	/* --chain with given records asks no one: not even a resolver is made. */
	if (t.source == SRC_DNS || (o->naddresses == 0 && o->chain == NULL)) {
		res = check_resolver_new(o, t.source == SRC_DNS);
		if (res == NULL)
			goto out;
	}
	if (check_examine(o, res, &t, &conf, &start) != 0)
		goto out;
	o->fmt->target(stdout, &t, &conf);
	o->said = 1;
	rc = (int)t.verdict;
	o->problem[0] = '\0';
out:
	if (o->problem[0] != '\0' && o->fmt->unknown != NULL) {
		o->fmt->unknown(stdout, &t, o->problem);
		o->said = 1;
	}
	check_target_release(&t);
	tlsa_resolver_free(res);
	return rc;
}

/* A group alone (--mx or --srv on the command line): examined, then printed. */
int check_run_group(struct check_opts *o, const char *name)
{
	struct check_group g;
	struct check_conf conf;
	tlsa_resolver *res;
	int rc = V_UNKNOWN;

	memset(&g, 0, sizeof(g));
	check_share_per_address(o->per_address);
	check_lookup_max(o->dns_jobs);
	res = check_resolver_new(o, 1);
	if (res == NULL || check_examine_group(o, res, name, &g, &conf) != 0)
		goto out;
	check_out_group(o->fmt, stdout, &g, &conf);
	o->said = 1;
	rc = (int)g.verdict;
	o->problem[0] = '\0';
out:
	if (o->problem[0] != '\0' && o->fmt->unknown != NULL) {
		check_out_group_unknown(o->fmt, stdout, o->mx, name, o->problem);
		o->said = 1;
	}
	check_group_release(&g);
	tlsa_resolver_free(res);
	return rc;
}

/* ---- --targets ---------------------------------------------------------------- */

struct fleet_ctx {
	struct check_opts *o;
	tlsa_resolver *res;
};

/* The file is good: make the resolver every check of the fleet shares. */
static int fleet_ready(void *ctx)
{
	struct fleet_ctx *fc = ctx;

	fc->res = check_resolver_new(fc->o, fc->o->ntlsa == 0 && fc->o->tlsa_file == NULL);
	return fc->res != NULL ? 0 : -1;
}

/*
 * One line of a fleet, on one of the pool's threads.  The options are
 * copied: each check keeps its own problem text, which the pool says on
 * stderr in input order (nothing is printed from here).
 */
static void fleet_check(void *ctx, struct fleet_result *r)
{
	const struct fleet_ctx *fc = ctx;
	struct check_opts *lo = malloc(sizeof(*lo));
	struct check_target *t = &r->t;
	struct timespec start;
	int rc;

	r->verdict = V_UNKNOWN;
	if (lo == NULL) {
		snprintf(r->problem, sizeof(r->problem), "%s: out of memory", r->line.host);
		return;
	}
	*lo = *fc->o;
	lo->fleet = 1;
	lo->problem[0] = '\0';
	if (r->line.mx) {
		lo->mx = 1;
		r->is_group = 1;
		rc = check_examine_group(lo, fc->res, r->line.host, &r->g, &r->conf);
		if (rc == 0)
			r->verdict = r->g.verdict;
	} else {
		clock_gettime(CLOCK_MONOTONIC, &start);
		target_init(t, lo, r->line.host, r->line.port, r->line.starttls);
		check_target_conf(lo, t, &r->conf);
		rc = check_examine(lo, fc->res, t, &r->conf, &start);
		if (rc == 0)
			r->verdict = t->verdict;
	}
	if (rc != 0)
		snprintf(r->problem, sizeof(r->problem), "%s",
			 lo->problem[0] != '\0' ? lo->problem : "the check could not run");
	free(lo);
}

static void fleet_release(void *ctx, struct fleet_result *r)
{
	(void)ctx;
	if (r->is_group)
		check_group_release(&r->g);
	else
		check_target_release(&r->t);
}

/*
 * Open files for --jobs N: each check holds a DNS socket and a TLS
 * connection or two at once (a host's addresses run side by side), so
 * about FDS_PER_JOB each.  The soft limit is raised to the hard one; when
 * even that is too few, fewer checks run at a time, and stderr says so.
 */
#define FDS_PER_JOB 3
#define FDS_SPARE   64

static void fit_open_files(struct check_opts *o)
{
	struct rlimit rl;
	unsigned long want = o->jobs * FDS_PER_JOB + FDS_SPARE, fit;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY ||
	    rl.rlim_cur >= want)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
	(void)setrlimit(RLIMIT_NOFILE, &rl);
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= want)
		return;
	fit = rl.rlim_cur > FDS_SPARE + FDS_PER_JOB ? (rl.rlim_cur - FDS_SPARE) / FDS_PER_JOB : 1;
	cli_warn("--jobs %lu needs about %lu open files, but the limit is %lu (ulimit -n): "
		 "running %lu at a time",
		 o->jobs, want, (unsigned long)rl.rlim_cur, fit);
	o->jobs = fit;
}

int check_run_fleet(struct check_opts *o)
{
	struct fleet_ctx fc;
	struct fleet_run f;
	int rc;

	check_share_per_address(o->per_address);
	check_lookup_max(o->dns_jobs);
	fit_open_files(o);
	fc.o = o;
	fc.res = NULL;
	/* One TLS context for every session: OpenSSL 3.0 builds one slowly. */
	if (tlsa_verify_ctx_new(o->ca_file, o->ca_path, &o->vctx) != TLSA_OK)
		o->vctx = NULL;
	memset(&f, 0, sizeof(f));
	f.file = o->targets;
	f.jobs = (unsigned)o->jobs;
	f.shard_k = o->shard_k;
	f.shard_n = o->shard_n;
	f.defaults.port = (unsigned)o->target.port;
	f.defaults.starttls = o->target.starttls;
	f.defaults.starttls_set = o->target.starttls_set;
	f.fmt = o->fmt;
	f.ready = fleet_ready;
	f.check = fleet_check;
	f.release = fleet_release;
	f.ctx = &fc;
	rc = check_fleet(&f);
	o->said = 1; /* check_fleet says even why it stopped */
	tlsa_resolver_free(fc.res);
	tlsa_verify_ctx_free(o->vctx);
	o->vctx = NULL;
	return rc;
}
