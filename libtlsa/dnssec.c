/*
 * Local DNSSEC validation from a trust anchor (--trust-anchor), with ldns.
 *
 * Owns: judging one answer (an RRset or a denial) that was fetched with
 * CD set, walking from the anchors down to the zone that signed it.
 * What is validated, and how:
 * - the anchor zone's DNSKEY RRset must be signed by a key that is an
 *   anchor DNSKEY or matches an anchor DS (ldns_rr_compare_ds), checked
 *   with ldns_verify (signature, validity period, key tag, algorithm);
 * - from the anchor down to the zone that signed the answer, every name is
 *   asked for DS: a DS RRset must be signed by the parent's keys, and then
 *   the child's DNSKEY RRset must be signed by a key matching that DS; a
 *   missing DS must be proven by NSEC (ldns_dnssec_verify_denial) or NSEC3
 *   (ldns_dnssec_verify_denial_nsec3_match) records signed by the parent:
 *   NS without DS in the bitmap, or an NSEC3 opt-out span, makes everything
 *   below insecure; otherwise the name is no zone cut and the walk goes on;
 * - the answer's RRset must be signed by its zone's keys (ldns_verify); an
 *   unsigned answer is insecure only when the walk proves an insecure
 *   delegation above it, otherwise bogus;
 * - NODATA and NXDOMAIN must be proven by NSEC/NSEC3 records whose own
 *   signatures validate with the zone's keys.
 * - an answer expanded from a wildcard also needs a validated NSEC or
 *   NSEC3 record proving that the name itself does not exist.
 * - a validated DS RRset none of whose records has a key algorithm and
 *   digest type ldns can check makes the child insecure, as a missing
 *   DS would (RFC 4035 section 5.2, RFC 6840 section 5.2).
 * Not done: key revocation (RFC 5011).
 *
 * Does not own: the NSEC, NSEC3, wildcard and signature proofs themselves
 * (dnssec-proof.c), reading the anchor file (dns-anchor.c), sending
 * queries (dns-query.c), following CNAMEs or combining states
 * (dns-answer.c).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include <tlsa/dns.h>
#include "dns-query.h"
#include "dns-resolver.h"
#include "dnssec-proof.h"
#include "dnssec.h"

/* What asking DS at one name taught us. */
typedef enum cut_kind {
	CUT_SECURE,   /* a signed zone starts here: keys are its DNSKEYs */
	CUT_NONE,     /* no zone cut here */
	CUT_INSECURE, /* a delegation without DS: everything below is unsigned */
	CUT_FAIL      /* bogus or indeterminate: state and reason say which */
} cut_kind;

struct cut {
	ldns_rdf *name;
	cut_kind kind;
	ldns_rr_list *keys; /* CUT_SECURE: the zone's DNSKEY RRset (owned) */
	tlsa_dnssec state;  /* CUT_FAIL */
	char *reason;	    /* CUT_FAIL */
};

struct tlsa_validator {
	const tlsa_resolver *res;
	size_t ncuts;
	struct cut *cuts; /* cache for one lookup: the same walk serves every link */
	int lost;	  /* some query got no answer from any server */
};

int tlsa_validator_lost(const tlsa_validator *v)
{
	return v != NULL && v->lost;
}

tlsa_status tlsa_validator_new(tlsa_validator **out, const tlsa_resolver *res)
{
	*out = calloc(1, sizeof(**out));
	if (*out == NULL)
		return TLSA_ERR_NOMEM;
	(*out)->res = res;
	return TLSA_OK;
}

void tlsa_validator_free(tlsa_validator *v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < v->ncuts; i++) {
		ldns_rdf_deep_free(v->cuts[i].name);
		if (v->cuts[i].keys)
			ldns_rr_list_deep_free(v->cuts[i].keys);
		free(v->cuts[i].reason);
	}
	free(v->cuts);
	free(v);
}

/* ---- helpers ---------------------------------------------------------------- */

static const char *typename(ldns_rr_type t, char *buf, size_t len)
{
	char *s = ldns_rr_type2str(t);

	snprintf(buf, len, "%s", s ? s : "?");
	free(s);
	return buf;
}

/* "www.example. TLSA" for reasons. */
static char *what(const ldns_rdf *name, ldns_rr_type type)
{
	char t[32];
	char *n = tlsa_dname_str(name);
	char *s = tlsa_dns_fmt("%s %s", n ? n : "?", typename(type, t, sizeof(t)));

	free(n);
	return s;
}

static int names_equal(const ldns_rdf *a, const ldns_rdf *b)
{
	return ldns_dname_compare(a, b) == 0;
}

static int at_or_below(const ldns_rdf *sub, const ldns_rdf *parent)
{
	return names_equal(sub, parent) || ldns_dname_is_subdomain(sub, parent);
}

/* ---- the walk from the trust anchor to a zone's keys --------------------- */

static struct cut *cache_find(tlsa_validator *v, const ldns_rdf *name)
{
	size_t i;

	for (i = 0; i < v->ncuts; i++)
		if (names_equal(v->cuts[i].name, name))
			return &v->cuts[i];
	return NULL;
}

static struct cut *cache_add(tlsa_validator *v, const ldns_rdf *name, cut_kind kind,
			     ldns_rr_list *keys, tlsa_dnssec state, char *reason)
{
	struct cut *c = realloc(v->cuts, (v->ncuts + 1) * sizeof(*c));

	if (c == NULL) {
		if (keys)
			ldns_rr_list_deep_free(keys);
		free(reason);
		return NULL;
	}
	v->cuts = c;
	c = &v->cuts[v->ncuts++];
	c->name = ldns_rdf_clone(name);
	c->kind = kind;
	c->keys = keys;
	c->state = state;
	c->reason = reason;
	return c;
}

static struct cut *fail(tlsa_validator *v, const ldns_rdf *name, tlsa_dnssec state, char *reason)
{
	return cache_add(v, name, CUT_FAIL, NULL, state, reason);
}

/* Query with CD; on no answer or an error rcode, a CUT_FAIL entry. */
static ldns_pkt *ask(tlsa_validator *v, const ldns_rdf *name, ldns_rr_type type,
		     const ldns_rdf *cache_name, struct cut **failed)
{
	ldns_pkt *pkt = NULL;
	const char *server = NULL;
	char why[256];
	char *w;

	*failed = NULL;
	if (tlsa_dns_query(v->res, name, type, 1, &pkt, &server, why, sizeof(why)) != TLSA_OK)
		return NULL;
	if (pkt == NULL) {
		v->lost = 1;
		w = what(name, type);
		*failed =
		    fail(v, cache_name, TLSA_DNSSEC_INDETERMINATE, tlsa_dns_fmt("%s: %s", w, why));
		free(w);
		return NULL;
	}
	if (ldns_pkt_get_rcode(pkt) != LDNS_RCODE_NOERROR &&
	    ldns_pkt_get_rcode(pkt) != LDNS_RCODE_NXDOMAIN) {
		w = what(name, type);
		*failed = fail(v, cache_name, TLSA_DNSSEC_INDETERMINATE,
			       tlsa_dns_fmt("%s: resolver %s failed (rcode %d) even with CD set", w,
					    server, ldns_pkt_get_rcode(pkt)));
		free(w);
		ldns_pkt_free(pkt);
		return NULL;
	}
	return pkt;
}

/*
 * The zone's DNSKEY RRset, checked against trusted (DS records of the
 * parent, or anchor DS/DNSKEY records): some key must match one of them
 * and sign the set.  A CUT_SECURE or CUT_FAIL entry for zone.
 */
static struct cut *zone_keys(tlsa_validator *v, const ldns_rdf *zone, const ldns_rr_list *trusted)
{
	struct cut *failed;
	ldns_pkt *pkt = ask(v, zone, LDNS_RR_TYPE_DNSKEY, zone, &failed);
	ldns_rr_list *keys, *sigs, *matching;
	char *zn = tlsa_dname_str(zone);
	const char *err;
	struct cut *c;
	size_t i, j;

	if (pkt == NULL) {
		free(zn);
		return failed;
	}
	keys = tlsa_dns_select(ldns_pkt_answer(pkt), zone, LDNS_RR_TYPE_DNSKEY);
	sigs = tlsa_dns_sigs(ldns_pkt_answer(pkt), zone, LDNS_RR_TYPE_DNSKEY);
	matching = ldns_rr_list_new();
	for (i = 0; keys && matching && i < ldns_rr_list_rr_count(keys); i++) {
		ldns_rr *k = ldns_rr_list_rr(keys, i);

		for (j = 0; j < ldns_rr_list_rr_count(trusted); j++) {
			ldns_rr *t = ldns_rr_list_rr(trusted, j);

			if (!names_equal(ldns_rr_owner(t), zone))
				continue;
			if (ldns_rr_compare_ds(t, k) || ldns_rr_compare(t, k) == 0) {
				ldns_rr_list_push_rr(matching, k);
				break;
			}
		}
	}
	if (keys == NULL || sigs == NULL || matching == NULL)
		c = NULL;
	else if (ldns_rr_list_rr_count(keys) == 0)
		c = fail(v, zone, TLSA_DNSSEC_BOGUS,
			 tlsa_dns_fmt("%s has a DS record but no DNSKEY", zn));
	else if (ldns_rr_list_rr_count(matching) == 0)
		c = fail(v, zone, TLSA_DNSSEC_BOGUS,
			 tlsa_dns_fmt("no DNSKEY of %s matches its DS (or the trust anchor)", zn));
	else if (ldns_rr_list_rr_count(sigs) == 0)
		c = fail(v, zone, TLSA_DNSSEC_BOGUS,
			 tlsa_dns_fmt("the DNSKEY set of %s is not signed", zn));
	else if ((err = tlsa_proof_verify(keys, sigs, matching)) != NULL)
		c = fail(v, zone, TLSA_DNSSEC_BOGUS, tlsa_dns_fmt("DNSKEY set of %s: %s", zn, err));
	else
		c = cache_add(v, zone, CUT_SECURE, ldns_rr_list_clone(keys), TLSA_DNSSEC_SECURE,
			      NULL);
	ldns_rr_list_free(keys);
	ldns_rr_list_free(sigs);
	ldns_rr_list_free(matching);
	ldns_pkt_free(pkt);
	free(zn);
	return c;
}

/*
 * Whether any DS record of the set names a key algorithm and a digest
 * type we can check (SHA-1, SHA-256, SHA-384; GOST is deprecated).
 */
static int ds_any_usable(const ldns_rr_list *ds)
{
	size_t i;

	for (i = 0; i < ldns_rr_list_rr_count(ds); i++) {
		const ldns_rr *rr = ldns_rr_list_rr(ds, i);
		int alg, digest;

		if (ldns_rr_rd_count(rr) < 4)
			continue;
		alg = ldns_rdf2native_int8(ldns_rr_rdf(rr, 1));
		digest = ldns_rdf2native_int8(ldns_rr_rdf(rr, 2));
		if (ldns_key_algo_supported(alg) &&
		    (digest == LDNS_SHA1 || digest == LDNS_SHA256 || digest == LDNS_SHA384))
			return 1;
	}
	return 0;
}

/*
 * What is at name, one label below the zone parent whose keys are given:
 * a secure cut, an insecure cut, no cut, or a failure.  Cached.
 */
static struct cut *step(tlsa_validator *v, const ldns_rdf *name, const ldns_rr_list *parent_keys)
{
	struct cut *c = cache_find(v, name), *failed;
	ldns_pkt *pkt;
	ldns_rr_list *ds, *sigs;
	char *n;

	if (c)
		return c;
	pkt = ask(v, name, LDNS_RR_TYPE_DS, name, &failed);
	if (pkt == NULL)
		return failed;
	n = tlsa_dname_str(name);
	ds = tlsa_dns_select(ldns_pkt_answer(pkt), name, LDNS_RR_TYPE_DS);
	sigs = tlsa_dns_sigs(ldns_pkt_answer(pkt), name, LDNS_RR_TYPE_DS);
	if (ds == NULL || sigs == NULL || n == NULL) {
		c = NULL;
	} else if (ldns_rr_list_rr_count(ds)) {
		const char *err = ldns_rr_list_rr_count(sigs)
				      ? tlsa_proof_verify(ds, sigs, parent_keys)
				      : "not signed";

		if (err)
			c = fail(v, name, TLSA_DNSSEC_BOGUS, tlsa_dns_fmt("DS of %s: %s", n, err));
		else if (!ds_any_usable(ds))
			c = cache_add(v, name, CUT_INSECURE, NULL, TLSA_DNSSEC_INSECURE, NULL);
		else
			c = zone_keys(v, name, ds);
	} else {
		const ldns_rdf *bitmap = NULL;
		int optout = 0;
		const char *err =
		    tlsa_proof_denial(pkt, name, LDNS_RR_TYPE_DS, parent_keys, &bitmap, &optout);

		if (err)
			c = fail(v, name, TLSA_DNSSEC_BOGUS,
				 tlsa_dns_fmt("no DS at %s, and %s", n, err));
		else if (optout ||
			 (bitmap && ldns_nsec_bitmap_covers_type(bitmap, LDNS_RR_TYPE_NS) &&
			  !ldns_nsec_bitmap_covers_type(bitmap, LDNS_RR_TYPE_SOA)))
			c = cache_add(v, name, CUT_INSECURE, NULL, TLSA_DNSSEC_INSECURE, NULL);
		else
			c = cache_add(v, name, CUT_NONE, NULL, TLSA_DNSSEC_SECURE, NULL);
	}
	ldns_rr_list_free(ds);
	ldns_rr_list_free(sigs);
	ldns_pkt_free(pkt);
	free(n);
	return c;
}

/*
 * Walk from the trust anchor down to target.  Returns the state of the
 * deepest zone at or above target: SECURE with *zone and *keys set (owned
 * by v), INSECURE (an insecure delegation, or no anchor covers target),
 * or BOGUS/INDETERMINATE with *reason.
 */
static tlsa_dnssec walk(tlsa_validator *v, const ldns_rdf *target, const ldns_rdf **zone,
			const ldns_rr_list **keys, char **reason)
{
	const ldns_rr_list *anchors = v->res->anchors;
	const ldns_rdf *anchor = NULL;
	struct cut *c;
	size_t i, tl, al;

	*zone = NULL;
	*keys = NULL;
	*reason = NULL;
	/* The closest anchor at or above target. */
	for (i = 0; i < ldns_rr_list_rr_count(anchors); i++) {
		const ldns_rdf *o = ldns_rr_owner(ldns_rr_list_rr(anchors, i));

		if (at_or_below(target, o) &&
		    (anchor == NULL || ldns_dname_label_count(o) > ldns_dname_label_count(anchor)))
			anchor = o;
	}
	/* As a validating resolver does: no anchor, no claim of security. */
	if (anchor == NULL)
		return TLSA_DNSSEC_INSECURE;
	c = cache_find(v, anchor);
	if (c == NULL)
		c = zone_keys(v, anchor, anchors);
	if (c == NULL)
		return TLSA_DNSSEC_INDETERMINATE;
	if (c->kind == CUT_FAIL) {
		*reason = strdup(c->reason ? c->reason : "trust anchor failed");
		return c->state;
	}
	*zone = c->name;
	*keys = c->keys;
	tl = ldns_dname_label_count(target);
	al = ldns_dname_label_count(anchor);
	for (i = al + 1; i <= tl; i++) {
		ldns_rdf *name = i == tl ? ldns_rdf_clone(target)
					 : ldns_dname_clone_from(target, (uint16_t)(tl - i));

		if (name == NULL)
			return TLSA_DNSSEC_INDETERMINATE;
		c = step(v, name, *keys);
		ldns_rdf_deep_free(name);
		if (c == NULL)
			return TLSA_DNSSEC_INDETERMINATE;
		switch (c->kind) {
		case CUT_SECURE:
			*zone = c->name;
			*keys = c->keys;
			break;
		case CUT_NONE: break;
		case CUT_INSECURE:
			*zone = NULL;
			*keys = NULL;
			return TLSA_DNSSEC_INSECURE;
		case CUT_FAIL:
			*reason = strdup(c->reason ? c->reason : "validation failed");
			return c->state;
		}
	}
	return TLSA_DNSSEC_SECURE;
}

/* ---- judging one answer -------------------------------------------------- */

/* The signer named by the signatures (all must agree, at or above owner). */
static const ldns_rdf *signer(const ldns_rr_list *sigs, const ldns_rdf *owner)
{
	const ldns_rdf *s = NULL;
	size_t i;

	for (i = 0; i < ldns_rr_list_rr_count(sigs); i++) {
		const ldns_rdf *n = ldns_rr_rrsig_signame(ldns_rr_list_rr(sigs, i));

		if (n == NULL || !at_or_below(owner, n))
			continue;
		if (s == NULL || ldns_dname_label_count(n) > ldns_dname_label_count(s))
			s = n;
	}
	return s;
}

/* The keys of the zone sig_zone, which must be a secure zone apex. */
static tlsa_dnssec keys_of(tlsa_validator *v, const ldns_rdf *sig_zone, const ldns_rr_list **keys,
			   char **reason)
{
	const ldns_rdf *zone;
	tlsa_dnssec s = walk(v, sig_zone, &zone, keys, reason);

	if (s == TLSA_DNSSEC_SECURE && !names_equal(zone, sig_zone)) {
		char *z = tlsa_dname_str(sig_zone);

		*reason = tlsa_dns_fmt("signed by %s, which is not a signed zone reachable "
				       "from the trust anchor",
				       z ? z : "?");
		free(z);
		return TLSA_DNSSEC_BOGUS;
	}
	return s;
}

/* What an answer claims: an RRset, or (rrset NULL) that name/type does
 * not exist. */
struct claim {
	const ldns_pkt *pkt;
	const ldns_rdf *name;
	ldns_rr_type type;
	ldns_rr_list *rrset;
};

/* Why the signatures of a claim signed by a zone with these keys fail to
 * prove it, or NULL when they prove it. */
static const char *disproof(const struct claim *c, ldns_rr_list *sigs, const ldns_rr_list *keys)
{
	const char *err;

	if (c->rrset == NULL)
		return tlsa_proof_denial(c->pkt, c->name, c->type, keys, NULL, NULL);
	err = tlsa_proof_verify(c->rrset, sigs, keys);
	if (err == NULL)
		err = tlsa_proof_wildcard(c->pkt, c->name, sigs, keys);
	return err;
}

/*
 * The state of a claim and the RRSIGs that came with it (sigs, freed
 * here): signed, it must verify with its signer zone's keys; unsigned, it
 * is fine only below an insecure delegation.
 */
static tlsa_dnssec judge(tlsa_validator *v, const struct claim *c, ldns_rr_list *sigs,
			 char **reason)
{
	const ldns_rr_list *keys = NULL;
	const ldns_rdf *zone, *by;
	const char *err;
	tlsa_dnssec s;
	char *w = what(c->name, c->type);

	*reason = NULL;
	if (sigs == NULL || w == NULL) {
		ldns_rr_list_free(sigs);
		free(w);
		*reason = strdup("out of memory");
		return TLSA_DNSSEC_INDETERMINATE;
	}
	by = signer(sigs, c->name);
	if (by == NULL) {
		s = walk(v, c->name, &zone, &keys, reason);
		if (s == TLSA_DNSSEC_SECURE) {
			s = TLSA_DNSSEC_BOGUS;
			*reason = c->rrset ? tlsa_dns_fmt("%s is not signed (RRSIG missing) "
							  "in a signed zone",
							  w)
					   : tlsa_dns_fmt("%s: the answer says it does not exist, "
							  "with no signed NSEC or NSEC3 proof",
							  w);
		}
	} else {
		s = keys_of(v, by, &keys, reason);
		if (s == TLSA_DNSSEC_SECURE && (err = disproof(c, sigs, keys)) != NULL) {
			s = TLSA_DNSSEC_BOGUS;
			*reason = c->rrset ? tlsa_dns_fmt("%s: %s", w, err)
					   : tlsa_dns_fmt("%s: the answer says it does not exist, "
							  "but %s",
							  w, err);
		}
	}
	ldns_rr_list_free(sigs);
	free(w);
	return s;
}

tlsa_dnssec tlsa_validate_rrset(tlsa_validator *v, const ldns_pkt *pkt, const ldns_rdf *owner,
				ldns_rr_type type, ldns_rr_list *rrset, char **reason)
{
	const struct claim c = {pkt, owner, type, rrset};

	return judge(v, &c, tlsa_dns_sigs(ldns_pkt_answer(pkt), owner, type), reason);
}

tlsa_dnssec tlsa_validate_denial(tlsa_validator *v, const ldns_pkt *pkt, const ldns_rdf *qname,
				 ldns_rr_type qtype, char **reason)
{
	const struct claim c = {pkt, qname, qtype, NULL};
	const ldns_rr_list *auth = ldns_pkt_authority(pkt);
	ldns_rr_list *sigs = ldns_rr_list_new();
	size_t i;

	for (i = 0; sigs && i < ldns_rr_list_rr_count(auth); i++)
		if (ldns_rr_get_type(ldns_rr_list_rr(auth, i)) == LDNS_RR_TYPE_RRSIG)
			ldns_rr_list_push_rr(sigs, ldns_rr_list_rr(auth, i));
	return judge(v, &c, sigs, reason);
}
