/*
 * tlsa check's failure classes (check-class.c): where a result's failure
 * lies (dns, tcp, starttls, tls, dane, pkix, internal), so that a
 * monitoring system can route it.  The classes say where, the verdicts
 * (check-policy.c) say how bad; a result that is OK has none.
 */
#ifndef TLSA_CHECK_CLASS_H
#define TLSA_CHECK_CLASS_H

#include "check-result.h"

/* "dns", "tcp", ... "internal"; NULL for CLASS_NONE. */
const char *check_class_name(enum fail_class c);

/* A lookup: CLASS_DNS when it failed (no answer, bogus, SERVFAIL...), else none. */
enum fail_class check_class_answer(const tlsa_dns_answer *a);
/* One session's failure, from its status and the step it stopped at. */
enum fail_class check_class_session(const tlsa_verify_result *r);
/* An address of t, from its verdict, session and notes. */
enum fail_class check_class_addr(const struct check_target *t, const struct check_addr *a);
/* A target: the class of the first finding at its verdict. */
enum fail_class check_class_target(const struct check_target *t);
/* A --mx or --srv group: its own findings', else its first host's at its verdict. */
enum fail_class check_class_group(const struct check_group *g);

#endif
