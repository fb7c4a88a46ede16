/*
 * One lookup as a DANE check needs it: the answer to name/type, the CNAME
 * chain the resolver returned with it, and one DNSSEC state for the whole,
 * from the AD bit (dns-ad.c) or from local validation (dnssec.c), with
 * words for whatever kept it from being secure or insecure; and the
 * states themselves (their names, and how two combine).
 *
 * Does not own: the typed results (dns-lookup.c), the query and its
 * sending (dns-query.c, dns-transport.c), how one answer's state is
 * judged (dns-ad.c, dnssec.c), or what a state means for a verdict (the
 * check command).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include <tlsa/dns.h>
#include "dns-ad.h"
#include "dns-answer.h"
#include "dns-query.h"
#include "dnssec.h"

/* CNAME chains longer than this are treated as a loop. */
#define CNAME_MAX 16

const char *tlsa_dnssec_name(tlsa_dnssec state)
{
	switch (state) {
	case TLSA_DNSSEC_SECURE: return "secure";
	case TLSA_DNSSEC_INSECURE: return "insecure";
	case TLSA_DNSSEC_BOGUS: return "bogus";
	case TLSA_DNSSEC_INDETERMINATE: return "indeterminate";
	}
	return "indeterminate";
}

/* Rank for combining: bogus is worst because it means an attack or a
 * broken signer, which must never be hidden behind "unknown". */
static int rank(tlsa_dnssec s)
{
	switch (s) {
	case TLSA_DNSSEC_SECURE: return 0;
	case TLSA_DNSSEC_INSECURE: return 1;
	case TLSA_DNSSEC_INDETERMINATE: return 2;
	case TLSA_DNSSEC_BOGUS: return 3;
	}
	return 2;
}

tlsa_dnssec tlsa_dnssec_combine(tlsa_dnssec a, tlsa_dnssec b)
{
	return rank(a) >= rank(b) ? a : b;
}

void tlsa_dns_answer_clear(tlsa_dns_answer *a)
{
	size_t i;

	free(a->qname);
	free(a->name);
	free(a->reason);
	free(a->server);
	for (i = 0; i < a->ncnames; i++) {
		free(a->cnames[i].owner);
		free(a->cnames[i].target);
	}
	free(a->cnames);
	memset(a, 0, sizeof(*a));
}

int64_t tlsa_dns_sig_expire(const ldns_rr_list *section, const ldns_rdf *owner, ldns_rr_type type,
			    time_t now)
{
	ldns_rr_list *sigs = tlsa_dns_sigs(section, owner, type);
	int64_t earliest = 0, when;
	ldns_rdf *exp;
	size_t i;

	for (i = 0; sigs != NULL && i < ldns_rr_list_rr_count(sigs); i++) {
		exp = ldns_rr_rrsig_expiration(ldns_rr_list_rr(sigs, i));
		if (exp == NULL || ldns_rdf_size(exp) != 4)
			continue;
		/* RFC 4034 section 3.1.5: serial arithmetic around now. */
		when =
		    (int64_t)now + (int32_t)(ldns_rdf2native_int32(exp) - (uint32_t)(int64_t)now);
		if (earliest == 0 || when < earliest)
			earliest = when;
	}
	ldns_rr_list_free(sigs);
	return earliest;
}

static void set_reason(tlsa_dns_answer *a, char *reason)
{
	if (reason == NULL)
		return;
	if (a->reason == NULL)
		a->reason = reason;
	else
		free(reason);
}

/* One lookup on its way through the steps below. */
struct lookup {
	const tlsa_resolver *res;
	tlsa_dns_answer *ans;
	ldns_rr_type type;
	int local;	   /* validating from a trust anchor, not by AD */
	ldns_pkt *pkt;	   /* the answer; the caller's once asked */
	tlsa_dnssec hop;   /* the answer's state as a whole: AD mode's, or an error rcode */
	tlsa_validator *v; /* local validation only */
	ldns_rdf *cur;	   /* the end of the chain so far */
	int looped;	   /* the chain was cut at CNAME_MAX */
};

/*
 * Ask for qname/type, with CD when validating locally, and take what the
 * answer says as a whole: who answered, the rcode, and (AD mode) its
 * state.  No answer at all leaves l->pkt NULL and ans indeterminate.
 */
static tlsa_status ask(struct lookup *l, const ldns_rdf *qname)
{
	tlsa_dns_answer *ans = l->ans;
	const char *server = NULL;
	char why[256];
	char *reason = NULL;
	tlsa_status st;

	st = tlsa_dns_query(l->res, qname, l->type, l->local, &l->pkt, &server, why, sizeof(why));
	if (st != TLSA_OK)
		return st;
	if (l->pkt == NULL) {
		ans->state = TLSA_DNSSEC_INDETERMINATE;
		ans->reason = strdup(why);
		ans->name = strdup(ans->qname);
		return ans->reason && ans->name ? TLSA_OK : TLSA_ERR_NOMEM;
	}
	ans->answered = 1;
	if (!l->local) {
		st = tlsa_dns_ad_state(l->res, qname, l->type, &l->pkt, &server, &l->hop, &reason,
				       &ans->unanswered, &ans->unvalidated);
		if (st != TLSA_OK) {
			ldns_pkt_free(l->pkt);
			l->pkt = NULL;
			return st;
		}
	} else if (ldns_pkt_get_rcode(l->pkt) != LDNS_RCODE_NOERROR &&
		   ldns_pkt_get_rcode(l->pkt) != LDNS_RCODE_NXDOMAIN) {
		l->hop = TLSA_DNSSEC_INDETERMINATE;
		reason = tlsa_dns_fmt("resolver %s returned %s even with CD set", server,
				      tlsa_dns_rcode_name(ldns_pkt_get_rcode(l->pkt)));
	}
	ans->server = strdup(server);
	ans->rcode = ldns_pkt_get_rcode(l->pkt);
	set_reason(ans, reason);
	return TLSA_OK;
}

/*
 * Follow the chain in the answer section from qname: a recursive resolver
 * returns the whole CNAME chain, so it is read from the answer rather
 * than chased link by link.  Each link gets its state (validated on its
 * own when local); l->cur is left at the end of the chain.
 */
static tlsa_status follow_cnames(struct lookup *l, const ldns_rdf *qname)
{
	tlsa_dns_answer *ans = l->ans;
	tlsa_status st = TLSA_OK;

	l->cur = ldns_rdf_clone(qname);
	while (l->cur && l->type != LDNS_RR_TYPE_CNAME && ans->ncnames < CNAME_MAX) {
		ldns_rr_list *c =
		    tlsa_dns_select(ldns_pkt_answer(l->pkt), l->cur, LDNS_RR_TYPE_CNAME);
		tlsa_cname_step *steps;
		ldns_rdf *target;

		if (c == NULL || ldns_rr_list_rr_count(c) == 0) {
			ldns_rr_list_free(c);
			break;
		}
		target = ldns_rr_rdf(ldns_rr_list_rr(c, 0), 0);
		steps = realloc(ans->cnames, (ans->ncnames + 1) * sizeof(*steps));
		if (steps)
			ans->cnames = steps;
		if (steps == NULL || target == NULL) {
			ldns_rr_list_free(c);
			st = TLSA_ERR_NOMEM;
			break;
		}
		steps[ans->ncnames].owner = tlsa_dname_str(l->cur);
		steps[ans->ncnames].target = tlsa_dname_str(target);
		if (l->local) {
			char *r = NULL;

			steps[ans->ncnames].state =
			    tlsa_validate_rrset(l->v, l->pkt, l->cur, LDNS_RR_TYPE_CNAME, c, &r);
			set_reason(ans, r);
		} else {
			steps[ans->ncnames].state = l->hop;
		}
		ans->ncnames++;
		ldns_rr_list_free(c);
		ldns_rdf_deep_free(l->cur);
		l->cur = ldns_rdf_clone(target);
	}
	if (st == TLSA_OK && l->cur == NULL)
		st = TLSA_ERR_NOMEM;
	if (st == TLSA_OK && ans->ncnames == CNAME_MAX) {
		/* The last link leads nowhere we reached: not a secure
		 * expansion, whatever the links' signatures say. */
		l->hop = TLSA_DNSSEC_INDETERMINATE;
		l->looped = 1;
		set_reason(ans,
			   tlsa_dns_fmt("CNAME chain longer than %d links (a loop?)", CNAME_MAX));
	}
	return st;
}

/* NODATA or not, and the smallest TTL of the final RRset. */
static void take_rrset(tlsa_dns_answer *ans, const ldns_rr_list *rrset)
{
	size_t i;

	ans->nodata = ldns_rr_list_rr_count(rrset) == 0;
	for (i = 0; i < ldns_rr_list_rr_count(rrset); i++) {
		uint32_t ttl = ldns_rr_ttl(ldns_rr_list_rr(rrset, i));

		if (i == 0 || ttl < ans->ttl)
			ans->ttl = ttl;
	}
}

/*
 * AD mode: an unsigned answer gives no AD, but that says nothing about
 * each CNAME; ask for each link on its own so that the expansion rule of
 * RFC 7671 can see which links are secure.
 */
static tlsa_status ad_link_states(struct lookup *l)
{
	tlsa_dns_answer *ans = l->ans;
	tlsa_status st = TLSA_OK;
	size_t i;

	for (i = 0; st == TLSA_OK && i < ans->ncnames; i++) {
		ldns_rdf *o = ldns_dname_new_frm_str(ans->cnames[i].owner);
		ldns_pkt *p = NULL;
		const char *sv = NULL;
		char *r = NULL;
		char w[256];

		if (o == NULL)
			return TLSA_ERR_NOMEM;
		st = tlsa_dns_query(l->res, o, LDNS_RR_TYPE_CNAME, 0, &p, &sv, w, sizeof(w));
		if (st == TLSA_OK && p)
			st = tlsa_dns_ad_state(l->res, o, LDNS_RR_TYPE_CNAME, &p, &sv,
					       &ans->cnames[i].state, &r, &ans->unanswered,
					       &ans->unvalidated);
		else if (st == TLSA_OK) {
			ans->cnames[i].state = TLSA_DNSSEC_INDETERMINATE;
			ans->unanswered = 1;
			r = tlsa_dns_fmt("CNAME %s: %s", ans->cnames[i].owner, w);
		}
		set_reason(ans, r);
		if (p)
			ldns_pkt_free(p);
		ldns_rdf_deep_free(o);
	}
	return st;
}

/*
 * The state of the whole: the final answer's combined with every link's,
 * words only when it is neither secure nor insecure.
 */
static void settle(tlsa_dns_answer *ans, tlsa_dnssec final, int looped)
{
	size_t i;

	if (looped)
		ans->cnames[CNAME_MAX - 1].state = TLSA_DNSSEC_INDETERMINATE;
	ans->state = final;
	for (i = 0; i < ans->ncnames; i++)
		ans->state = tlsa_dnssec_combine(ans->state, ans->cnames[i].state);
	if (ans->state == TLSA_DNSSEC_SECURE || ans->state == TLSA_DNSSEC_INSECURE) {
		free(ans->reason);
		ans->reason = NULL;
	} else if (ans->reason == NULL) {
		ans->reason = strdup(ans->state == TLSA_DNSSEC_BOGUS ? "DNSSEC validation failed"
								     : "DNSSEC state unknown");
	}
	ans->denial_secure = ans->nodata && ans->state == TLSA_DNSSEC_SECURE;
}

/* The state of the final RRset (or its absence) at l->cur, then of all. */
static tlsa_status judge(struct lookup *l, ldns_rr_list *rrset)
{
	tlsa_dns_answer *ans = l->ans;
	tlsa_dnssec final = l->hop;
	tlsa_status st = TLSA_OK;

	take_rrset(ans, rrset);
	if (l->local && l->hop == TLSA_DNSSEC_SECURE) {
		char *r = NULL;

		final = ans->nodata ? tlsa_validate_denial(l->v, l->pkt, l->cur, l->type, &r)
				    : tlsa_validate_rrset(l->v, l->pkt, l->cur, l->type, rrset, &r);
		set_reason(ans, r);
	}
	if (!l->local && l->hop != TLSA_DNSSEC_SECURE && !l->looped)
		st = ad_link_states(l);
	settle(ans, final, l->looped);
	return st;
}

tlsa_status tlsa_dns_lookup(const tlsa_resolver *res, const ldns_rdf *qname, ldns_rr_type type,
			    tlsa_dns_answer *ans, ldns_pkt **pkt_out, ldns_rr_list **rrset_out)
{
	struct lookup l = {.res = res,
			   .type = type,
			   .local = tlsa_resolver_local(res),
			   .ans = ans,
			   .hop = TLSA_DNSSEC_SECURE};
	ldns_rr_list *rrset = NULL;
	tlsa_status st;

	memset(ans, 0, sizeof(*ans));
	*pkt_out = NULL;
	if (rrset_out)
		*rrset_out = NULL;
	ans->qname = tlsa_dname_str(qname);
	ans->qtype = (uint16_t)type;
	ans->rcode = -1;
	if (ans->qname == NULL)
		return TLSA_ERR_NOMEM;

	st = ask(&l, qname);
	if (st != TLSA_OK || l.pkt == NULL)
		return st;
	*pkt_out = l.pkt;
	if (l.local && (st = tlsa_validator_new(&l.v, res)) != TLSA_OK)
		return st;
	st = follow_cnames(&l, qname);
	if (st == TLSA_OK) {
		ans->name = tlsa_dname_str(l.cur);
		rrset = tlsa_dns_select(ldns_pkt_answer(l.pkt), l.cur, type);
		if (ans->name == NULL || rrset == NULL)
			st = TLSA_ERR_NOMEM;
		else
			ans->sig_expire =
			    tlsa_dns_sig_expire(ldns_pkt_answer(l.pkt), l.cur, type, time(NULL));
	}
	if (st == TLSA_OK)
		st = judge(&l, rrset);
	ldns_rdf_deep_free(l.cur);
	if (tlsa_validator_lost(l.v) && ans->state == TLSA_DNSSEC_INDETERMINATE)
		ans->unanswered = 1;
	tlsa_validator_free(l.v);
	if (st != TLSA_OK || rrset_out == NULL)
		ldns_rr_list_free(rrset);
	else
		*rrset_out = rrset;
	return st;
}
