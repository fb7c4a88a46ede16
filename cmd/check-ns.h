/*
 * --all-ns, --sig-warn-days and --state (check-ns.c): every authoritative
 * server of the TLSA owner's zone, the RRSIG expiry, and whether a
 * candidate's record has been served everywhere for long enough.  The
 * verdicts are check-policy.c's.
 */
#ifndef TLSA_CHECK_NS_H
#define TLSA_CHECK_NS_H

#include <tlsa.h>

#include "check-opts.h"
#include "check-result.h"

/* Whether this run asks every nameserver (--all-ns, or --candidate by default). */
int check_ns_wanted(const struct check_opts *o);

/*
 * After the records: t->sig_expire from the TLSA answer and, when
 * wanted, t->ns from every authoritative server (owner: the one the
 * records were looked up at).  0, or -1 with o->problem set.
 */
int check_ns_gather(struct check_target *t, struct check_opts *o, const tlsa_resolver *res);

/*
 * After the candidates: for each matching candidate, whether every
 * nameserver serves its record, the TTL, and with --state when it was
 * first seen everywhere (the file is read and rewritten atomically).
 * 0, or -1 with o->problem set.
 */
int check_ns_readiness(struct check_target *t, struct check_opts *o, time_t now);

/* 1 when the server serves the same set as the records checked (t->recs). */
int check_ns_same_set(const struct check_target *t, const tlsa_ns_server *s);
/* 1 when the server serves a record equal to r. */
int check_ns_serves(const tlsa_ns_server *s, const tlsa_record *r);

#endif
