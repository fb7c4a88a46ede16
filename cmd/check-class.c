/*
 * tlsa check's failure classes: the one table that maps what went wrong
 * (a session's tlsa_status and the step it stopped at, a lookup's state,
 * a policy finding) to where it lies.  tlsa-check(1), FAILURE CLASSES,
 * prints the same table; the formats (json, jsonl, prometheus) only
 * print the names.
 *
 * Findings of the policy (check-policy.c) carry their class when it is
 * not that of where they are: a target's or a group's notes are about
 * DNS unless marked (dane: records that do not fit; internal: a host
 * that could not be examined), an address's notes about its certificate
 * (pkix: expiry).
 */
#include "config.h"

#include <stddef.h>

#include "check-class.h"

const char *check_class_name(enum fail_class c)
{
	switch (c) {
	case CLASS_NONE: return NULL;
	case CLASS_DNS: return "dns";
	case CLASS_TCP: return "tcp";
	case CLASS_STARTTLS: return "starttls";
	case CLASS_TLS: return "tls";
	case CLASS_DANE: return "dane";
	case CLASS_PKIX: return "pkix";
	case CLASS_INTERNAL: return "internal";
	}
	return NULL;
}

/*
 * A session's status, by the step it stopped at: before the connection
 * was made, in the STARTTLS dialogue, or once TLS had begun (the
 * handshake and the verification).  A status not in the table is the
 * check's own failure (out of memory, OpenSSL, a bad argument).
 */
static const struct {
	tlsa_status status;
	enum fail_class before_connect, in_dialogue, in_tls;
} session_table[] = {
    {TLSA_ERR_ADDRESS, CLASS_TCP, CLASS_TCP, CLASS_TCP},
    {TLSA_ERR_CONNECT, CLASS_TCP, CLASS_TCP, CLASS_TCP},
    {TLSA_ERR_TIMEOUT, CLASS_TCP, CLASS_STARTTLS, CLASS_TLS},
    {TLSA_ERR_CLOSED, CLASS_TCP, CLASS_STARTTLS, CLASS_TLS},
    /* In TLS: the CA file (--ca-file) could not be read. */
    {TLSA_ERR_IO, CLASS_TCP, CLASS_STARTTLS, CLASS_INTERNAL},
    {TLSA_ERR_LINE_TOO_LONG, CLASS_STARTTLS, CLASS_STARTTLS, CLASS_STARTTLS},
    {TLSA_ERR_REPLY_TOO_LONG, CLASS_STARTTLS, CLASS_STARTTLS, CLASS_STARTTLS},
    {TLSA_ERR_PROTOCOL, CLASS_STARTTLS, CLASS_STARTTLS, CLASS_STARTTLS},
    {TLSA_ERR_STARTTLS_REFUSED, CLASS_STARTTLS, CLASS_STARTTLS, CLASS_STARTTLS},
    {TLSA_ERR_STARTTLS_NOT_OFFERED, CLASS_STARTTLS, CLASS_STARTTLS, CLASS_STARTTLS},
    {TLSA_ERR_STARTTLS_UNSUPPORTED, CLASS_STARTTLS, CLASS_STARTTLS, CLASS_STARTTLS},
    {TLSA_ERR_HANDSHAKE, CLASS_TLS, CLASS_TLS, CLASS_TLS},
    {TLSA_ERR_NOT_OFFERED, CLASS_TLS, CLASS_TLS, CLASS_TLS},
    {TLSA_ERR_NO_MATCH, CLASS_DANE, CLASS_DANE, CLASS_DANE},
    {TLSA_ERR_NO_USABLE, CLASS_DANE, CLASS_DANE, CLASS_DANE},
    {TLSA_ERR_VERIFY, CLASS_PKIX, CLASS_PKIX, CLASS_PKIX},
};

enum fail_class check_class_session(const tlsa_verify_result *r)
{
	size_t i;

	if (r == NULL)
		return CLASS_INTERNAL;
	if (r->status == TLSA_OK)
		return CLASS_NONE;
	for (i = 0; i < sizeof(session_table) / sizeof(session_table[0]); i++) {
		if (session_table[i].status != r->status)
			continue;
		if (!r->connected)
			return session_table[i].before_connect;
		return r->tls_begun ? session_table[i].in_tls : session_table[i].in_dialogue;
	}
	return CLASS_INTERNAL;
}

enum fail_class check_class_answer(const tlsa_dns_answer *a)
{
	if (a == NULL || a->qtype == 0)
		return CLASS_NONE;
	return a->state == TLSA_DNSSEC_BOGUS || a->state == TLSA_DNSSEC_INDETERMINATE ? CLASS_DNS
										      : CLASS_NONE;
}

/* The class of the first note at level, where unmarked notes are dflt's; NONE when none. */
static enum fail_class note_class(const struct notes *ns, enum verdict level, enum fail_class dflt)
{
	size_t i;

	for (i = 0; i < ns->n; i++)
		if (ns->v[i].level == level)
			return ns->v[i].cls != CLASS_NONE ? ns->v[i].cls : dflt;
	return CLASS_NONE;
}

/* The worst of a target's own findings (DNS, records, candidates): its class. */
static enum fail_class target_notes_class(const struct check_target *t)
{
	enum verdict worst = V_OK;
	size_t i;

	for (i = 0; i < t->notes.n; i++)
		worst = verdict_worse(worst, t->notes.v[i].level);
	return worst == V_OK ? CLASS_DNS : note_class(&t->notes, worst, CLASS_DNS);
}

enum fail_class check_class_addr(const struct check_target *t, const struct check_addr *a)
{
	enum fail_class c;

	if (a->verdict == V_OK)
		return CLASS_NONE;
	if (a->res == NULL)
		return CLASS_INTERNAL;
	/* Not verified: what stopped the session, else why there were no records to trust. */
	if (!a->verified_with_records)
		return a->res->handshake ? target_notes_class(t) : check_class_session(a->res);
	if (a->res->status != TLSA_OK)
		return check_class_session(a->res);
	/* Verified, and yet not OK: its certificate's dates, or an internal error. */
	c = note_class(&a->notes, a->verdict, CLASS_PKIX);
	return c != CLASS_NONE ? c : CLASS_INTERNAL;
}

enum fail_class check_class_target(const struct check_target *t)
{
	enum fail_class c;
	size_t i;

	if (t->verdict == V_OK)
		return CLASS_NONE;
	c = note_class(&t->notes, t->verdict, CLASS_DNS);
	if (c != CLASS_NONE)
		return c;
	for (i = 0; i < t->naddr; i++)
		if (t->addr[i].verdict == t->verdict)
			return check_class_addr(t, &t->addr[i]);
	return CLASS_INTERNAL;
}

enum fail_class check_class_group(const struct check_group *g)
{
	enum fail_class c;
	size_t i;

	if (g->verdict == V_OK)
		return CLASS_NONE;
	c = note_class(&g->notes, g->verdict, CLASS_DNS);
	if (c != CLASS_NONE)
		return c;
	for (i = 0; i < g->nt; i++)
		if (g->t[i].verdict == g->verdict)
			return check_class_target(&g->t[i]);
	return CLASS_INTERNAL;
}
