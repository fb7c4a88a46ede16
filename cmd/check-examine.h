/*
 * Examining a target (check-examine.c): its records and addresses, its
 * sessions, the policy's verdict; everything but printing.  And a --mx
 * or --srv group: each host examined as a target, the whole judged.
 */
#ifndef TLSA_CHECK_EXAMINE_H
#define TLSA_CHECK_EXAMINE_H

#include <time.h>

#include <tlsa.h>

#include "check-opts.h"
#include "check-result.h"

/* The resolver every lookup of the run shares; NULL with o->problem set on failure. */
tlsa_resolver *check_resolver_new(struct check_opts *o, int warn_remote);

/* What the policy and the printers need to know of the options, for t. */
void check_target_conf(const struct check_opts *o, const struct check_target *t,
		       struct check_conf *conf);

/*
 * What the sessions of t are given (records aside): names (room for
 * three) holds the reference identifiers besides the base domain.
 */
void check_session_opts(const struct check_opts *o, const struct check_target *t,
			const struct check_conf *conf, tlsa_verify_opts *vo, const char **names);

/*
 * Gather, verify and judge one target whose host, port, proto, starttls,
 * source, preference and service_domain the caller set.  0, or -1 when
 * the check could not run (o->problem says why, t->verdict is UNKNOWN).
 */
int check_examine(struct check_opts *o, const tlsa_resolver *res, struct check_target *t,
		  const struct check_conf *conf, const struct timespec *start);

/*
 * --mx DOMAIN (o->mx) or --srv OWNER: expand into hosts, examine each as
 * a target (one that cannot be checked does not stop the others), judge
 * the whole.  0, or -1 with o->problem saying why.
 */
int check_examine_group(struct check_opts *o, const tlsa_resolver *res, const char *name,
			struct check_group *g, struct check_conf *conf);

/* Free what a target or a group (and its targets) hold. */
void check_target_release(struct check_target *t);
void check_group_release(struct check_group *g);

/* Seconds since start (CLOCK_MONOTONIC). */
double check_seconds_since(const struct timespec *start);

#endif
