/*
 * tlsa check's policy (check-policy.c): what counts as OK, WARNING,
 * CRITICAL and UNKNOWN, for a target, its addresses, its candidates and
 * a --mx or --srv group.  Nothing else decides a verdict.
 */
#ifndef TLSA_CHECK_POLICY_H
#define TLSA_CHECK_POLICY_H

#include "check-result.h"

/*
 * Before any session: may the records be used (secure, or --insecure)?
 * Sets t->use_records and notes what DNS said.
 */
int check_records_trust(struct check_target *t, const struct check_conf *conf);

/* Judge a target: every address's verdict and message, notes, the verdict. */
int check_policy(struct check_target *t, const struct check_conf *conf);

/* Judge the group: its DNS findings and the worst of its hosts. */
int check_policy_group(struct check_group *g, const struct check_conf *conf);
/*
 * Readiness for the next renewal (check-readiness.c), as WARNING notes:
 * a DANE-TA match with only one issuer pinned and no leaf key, a set of
 * more than 12 records, 3 0 x records whose certificate expires within
 * --warn-days.
 */
int check_policy_readiness(struct check_target *t, const struct check_conf *conf);
/* Candidate findings as notes: no match is CRITICAL. */
int check_policy_candidates(struct check_target *t);

/*
 * --all-ns, --sig-warn-days and --state findings as notes: nameservers
 * that disagree or do not answer, RRSIGs near expiry, a candidate's
 * readiness.
 */
int check_policy_ns(struct check_target *t, const struct check_conf *conf);

#endif
