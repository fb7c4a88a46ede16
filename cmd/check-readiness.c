/*
 * tlsa check: the policy's readiness findings, about the next renewal
 * rather than today: sets that today's chain matches but that a change
 * the operator does not control (an issuer change, a renewal that keeps
 * the key) would break, and sets too large for some receivers.  All are
 * WARNINGs; the verdict of today's match stays check-policy.c's.
 */
#include "config.h"

#include <stdlib.h>

#include "check-policy.h"
#include "cli.h"

/* Some large mail receivers give up on TLSA sets larger than this (operators' reports). */
#define MAX_SET 12

/* A record OpenSSL could use in this session (matched or not). */
static int usable(const tlsa_verify_result *r, int slot)
{
	return slot >= 0 && (size_t)slot < r->nrecords &&
	       (r->records[slot].state == TLSA_REC_MATCHED ||
		r->records[slot].state == TLSA_REC_UNMATCHED);
}

/* The subject of the certificate at depth d of chain, malloc'd, or NULL. */
static char *subject_at(const tlsa_input *chain, int d)
{
	tlsa_cert_info info = TLSA_CERT_INFO_INIT;
	const unsigned char *der;
	size_t len;
	char *s;

	der = d >= 0 ? tlsa_input_cert(chain, (size_t)d, &len) : NULL;
	if (der == NULL || tlsa_cert_info_get(der, len, &info) != TLSA_OK)
		return NULL;
	s = info.subject;
	info.subject = NULL;
	tlsa_cert_info_clear(&info);
	return s;
}

/*
 * A DANE-TA match today, with no record for the leaf key and no record
 * for any other issuer: the CA's next intermediate (Let's Encrypt
 * rotates them) breaks DANE at a renewal nobody here decided.
 */
static int one_issuer(struct check_target *t)
{
	const struct check_addr *a = NULL;
	const struct check_rec *m = NULL;
	const tlsa_verify_result *r;
	const tlsa_record *rec;
	size_t i;
	char *subject;
	int rc;

	for (i = 0; i < t->naddr && a == NULL; i++)
		if (t->addr[i].res != NULL && t->addr[i].res->status == TLSA_OK &&
		    t->addr[i].res->match_index >= 0)
			a = &t->addr[i];
	if (a == NULL)
		return 0;
	r = a->res;
	for (i = 0; i < t->nrecs && m == NULL; i++)
		if (t->recs[i].slot == r->match_index)
			m = &t->recs[i];
	if (m == NULL || m->rec->usage != TLSA_USAGE_DANE_TA)
		return 0;
	for (i = 0; i < t->nrecs; i++) {
		rec = t->recs[i].rec;
		if (rec == NULL || !usable(r, t->recs[i].slot))
			continue;
		/* A record for the leaf's key (or certificate) survives an issuer change. */
		if ((rec->usage == TLSA_USAGE_DANE_EE || rec->usage == TLSA_USAGE_PKIX_EE) &&
		    r->records[t->recs[i].slot].presented == 0)
			return 0;
		/* A trust anchor other than the matched certificate: a second issuer. */
		if ((rec->usage == TLSA_USAGE_DANE_TA || rec->usage == TLSA_USAGE_PKIX_TA) &&
		    r->records[t->recs[i].slot].presented != r->match_depth)
			return 0;
	}
	subject = subject_at(r->chain, r->match_depth);
	rc =
	    notes_add_class(&t->notes, V_WARNING, CLASS_DANE,
			    "the TLSA set pins only one issuer (%s%s%s) and no leaf key: an issuer "
			    "change at a renewal breaks DANE; publish a 3 1 1 record for the leaf "
			    "key or a 2 x x record for a second issuer",
			    m->text, subject != NULL ? ", " : "", subject != NULL ? subject : "");
	free(subject);
	return rc;
}

/*
 * 3 0 x pins the whole certificate: a renewal breaks it even when the
 * key is kept.  Its expiry is known from a chain that presents it, or
 * from the record itself when it holds the certificate (3 0 0).
 */
static int pinned_certs(struct check_target *t, const struct check_conf *c)
{
	const tlsa_verify_result *r;
	const tlsa_record *rec;
	time_t nb, na = 0;
	tlsa_cert_info info = TLSA_CERT_INFO_INIT;
	char day[11];
	size_t i, k;
	long days;
	int rc = 0, d;

	for (i = 0; i < t->nrecs; i++) {
		rec = t->recs[i].rec;
		if (rec == NULL || rec->usage != TLSA_USAGE_DANE_EE ||
		    rec->selector != TLSA_SELECTOR_CERT)
			continue;
		na = 0;
		for (k = 0; k < t->naddr && na == 0; k++) {
			r = t->addr[k].res;
			if (r == NULL || r->chain == NULL || t->recs[i].slot < 0 ||
			    (size_t)t->recs[i].slot >= r->nrecords)
				continue;
			d = r->records[t->recs[i].slot].presented;
			if (d >= 0 && tlsa_input_validity(r->chain, (size_t)d, &nb, &na) != TLSA_OK)
				na = 0;
		}
		if (na == 0 && rec->mtype == TLSA_MTYPE_FULL &&
		    tlsa_cert_info_get(rec->data, rec->len, &info) == TLSA_OK) {
			na = info.not_after;
			tlsa_cert_info_clear(&info);
		}
		if (na == 0)
			continue;
		days = (long)((na - c->now) / 86400);
		if (na >= c->now && days >= c->warn_days)
			continue;
		cli_day(na, day);
		rc |= notes_add_class(
		    &t->notes, V_WARNING, CLASS_DANE,
		    "TLSA record %s pins the whole certificate, which %s on %s: the "
		    "renewal breaks it even if the key is kept; publish 3 1 1 for the "
		    "key instead",
		    t->recs[i].text, na < c->now ? "expired" : "expires", day);
	}
	return rc;
}

int check_policy_readiness(struct check_target *t, const struct check_conf *c)
{
	int rc = 0;

	if (t->nrecs > MAX_SET)
		rc |=
		    notes_add_class(&t->notes, V_WARNING, CLASS_DANE,
				    "the TLSA set has %zu records: some large receivers give up on "
				    "sets of more than %d",
				    t->nrecs, MAX_SET);
	rc |= one_issuer(t);
	rc |= pinned_certs(t, c);
	return rc ? -1 : 0;
}
