/*
 * The proofs of local DNSSEC validation, as pure functions of an answer
 * packet and the keys of the zone that signed it: an RRset verified with
 * its RRSIGs, a name/type proven absent by NSEC (RFC 4035) or NSEC3
 * (RFC 5155) records whose own signatures validate, and the proof a
 * wildcard expansion needs (RFC 4035 section 5.4).
 *
 * Does not own: which keys are trusted, the walk from the trust anchor
 * down to the signer zone, or the state that comes of a proof (dnssec.c).
 */
#include "config.h"

#include <string.h>

#include <ldns/ldns.h>

#include "dns-query.h"
#include "dnssec-proof.h"

/* Verify rrset with sigs against keys; the ldns words on failure. */
const char *tlsa_proof_verify(ldns_rr_list *rrset, ldns_rr_list *sigs, const ldns_rr_list *keys)
{
	ldns_rr_list *good = ldns_rr_list_new();
	ldns_status s;

	if (good == NULL)
		return "out of memory";
	s = ldns_verify(rrset, sigs, keys, good);
	ldns_rr_list_free(good);
	return s == LDNS_STATUS_OK ? NULL : ldns_get_errorstr_by_id(s);
}

/*
 * The NSEC and NSEC3 records of the authority section whose signatures
 * validate with keys, and those signatures.  Records that fail are left
 * out rather than failing the answer: a forged extra record must not
 * spoil a valid proof, and cannot make an invalid one pass.  Returns the
 * words for the first failure (NULL when none), for when the proof
 * turns out incomplete.
 */
static const char *denial_records(const ldns_pkt *pkt, const ldns_rr_list *keys,
				  ldns_rr_list *nsecs, ldns_rr_list *nsec3s, ldns_rr_list *sigs)
{
	const ldns_rr_list *auth = ldns_pkt_authority(pkt);
	const char *first = NULL;
	size_t i;

	for (i = 0; i < ldns_rr_list_rr_count(auth); i++) {
		ldns_rr *rr = ldns_rr_list_rr(auth, i);
		ldns_rr_type t = ldns_rr_get_type(rr);
		ldns_rr_list *one, *s;
		const char *err;

		if (t != LDNS_RR_TYPE_NSEC && t != LDNS_RR_TYPE_NSEC3)
			continue;
		one = ldns_rr_list_new();
		s = tlsa_dns_sigs(auth, ldns_rr_owner(rr), t);
		if (one == NULL || s == NULL) {
			ldns_rr_list_free(one);
			ldns_rr_list_free(s);
			return "out of memory";
		}
		ldns_rr_list_push_rr(one, rr);
		err = ldns_rr_list_rr_count(s) ? tlsa_proof_verify(one, s, keys)
					       : "an NSEC or NSEC3 record is not signed";
		if (err == NULL) {
			ldns_rr_list_push_rr(t == LDNS_RR_TYPE_NSEC ? nsecs : nsec3s, rr);
			ldns_rr_list_push_rr_list(sigs, s);
		}
		ldns_rr_list_free(one);
		ldns_rr_list_free(s);
		if (err && first == NULL)
			first = err;
	}
	return first;
}

/* A bare RR standing for the question (owner, type), for ldns's denial
 * checks. */
static ldns_rr *question(const ldns_rdf *name, ldns_rr_type type)
{
	ldns_rr *q = ldns_rr_new();

	if (q == NULL)
		return NULL;
	ldns_rr_set_owner(q, ldns_rdf_clone(name));
	ldns_rr_set_type(q, type);
	ldns_rr_set_class(q, LDNS_RR_CLASS_IN);
	ldns_rr_set_question(q, true);
	return q;
}

/* The hashed name of name with the parameters and zone of the NSEC3
 * record n ("<hash>.zone.", canonical), or NULL. */
static ldns_rdf *nsec3_hashed(const ldns_rr *n, const ldns_rdf *name)
{
	ldns_rdf *h = ldns_nsec3_hash_name_frm_nsec3(n, name);
	ldns_rdf *zone = ldns_dname_left_chop(ldns_rr_owner(n));
	ldns_rdf *full = h && zone ? ldns_dname_cat_clone(h, zone) : NULL;

	if (full)
		ldns_dname2canonical(full);
	ldns_rdf_deep_free(h);
	ldns_rdf_deep_free(zone);
	return full;
}

/*
 * The NSEC3 record of the list that matches name (its owner is name's
 * hash) when cover is 0, or whose span covers name's hash (so name does
 * not exist) when cover is 1; NULL when there is none.
 */
static ldns_rr *nsec3_find(const ldns_rr_list *nsec3s, const ldns_rdf *name, int cover)
{
	size_t i;

	for (i = 0; i < ldns_rr_list_rr_count(nsec3s); i++) {
		ldns_rr *n = ldns_rr_list_rr(nsec3s, i);
		ldns_rdf *full = nsec3_hashed(n, name);
		int hit = 0;

		if (full)
			hit = cover ? ldns_nsec_covers_name(n, full)
				    : ldns_dname_compare(ldns_rr_owner(n), full) == 0;
		ldns_rdf_deep_free(full);
		if (hit)
			return n;
	}
	return NULL;
}

/*
 * Prove with the NSEC/NSEC3 records of pkt (signed with keys) that
 * name/type does not exist.  Returns NULL when proven, else words.  When
 * bitmap is given it receives the types at name when a record matches
 * name exactly (NULL when the proof covers the name), and *optout is set
 * when name has no NSEC3 of its own and the NSEC3 covering it has the
 * opt-out flag: unsigned delegations there are not listed (RFC 5155
 * section 6), so a DS cannot be proven absent, only insecure.
 */
const char *tlsa_proof_denial(const ldns_pkt *pkt, const ldns_rdf *name, ldns_rr_type type,
			      const ldns_rr_list *keys, const ldns_rdf **bitmap, int *optout)
{
	ldns_rr_list *nsecs = ldns_rr_list_new(), *nsec3s = ldns_rr_list_new();
	ldns_rr_list *sigs = ldns_rr_list_new();
	ldns_rr *q = question(name, type);
	const char *err = NULL, *bad = NULL;
	size_t i;

	if (bitmap)
		*bitmap = NULL;
	if (optout)
		*optout = 0;
	if (nsecs == NULL || nsec3s == NULL || sigs == NULL || q == NULL)
		err = "out of memory";
	else
		bad = denial_records(pkt, keys, nsecs, nsec3s, sigs);
	if (err == NULL && ldns_rr_list_rr_count(nsecs)) {
		if (ldns_dnssec_verify_denial(q, nsecs, sigs) != LDNS_STATUS_OK)
			err = "the NSEC records do not prove it";
		for (i = 0; err == NULL && bitmap && i < ldns_rr_list_rr_count(nsecs); i++) {
			ldns_rr *n = ldns_rr_list_rr(nsecs, i);

			if (ldns_dname_compare(ldns_rr_owner(n), name) == 0)
				*bitmap = ldns_nsec_get_bitmap(n);
		}
	} else if (err == NULL && ldns_rr_list_rr_count(nsec3s)) {
		ldns_rr *match = NULL;
		ldns_pkt_rcode rc = ldns_pkt_get_rcode(pkt);

		/* ldns's match may be the closest encloser's record rather
		 * than name's own, so look for name's own here. */
		if (ldns_dnssec_verify_denial_nsec3_match(q, nsec3s, sigs, rc, type, true,
							  &match) != LDNS_STATUS_OK) {
			err = "the NSEC3 records do not prove it";
		} else if ((match = nsec3_find(nsec3s, name, 0)) != NULL) {
			if (bitmap)
				*bitmap = ldns_nsec3_bitmap(match);
		} else if (optout) {
			ldns_rr *cover = nsec3_find(nsec3s, name, 1);

			*optout = cover != NULL && ldns_nsec3_optout(cover);
		}
	} else if (err == NULL) {
		err = "no NSEC or NSEC3 record proves it";
	}
	/* The reason an incomplete proof is incomplete may be a record
	 * that failed validation: say so. */
	if (err && bad && strcmp(err, "out of memory") != 0)
		err = bad;
	ldns_rr_list_free(nsecs);
	ldns_rr_list_free(nsec3s);
	ldns_rr_list_free(sigs);
	if (q)
		ldns_rr_free(q);
	return err;
}

/*
 * An answer synthesized from a wildcard (RRSIG labels below the owner's
 * label count, RFC 4035 section 5.3.4) is only valid with proof that the
 * name itself does not exist (RFC 4035 section 5.4, RFC 5155 section 8.8):
 * a validated NSEC covering the owner, or a validated NSEC3 covering the
 * next closer name.  NULL when no proof is needed or it is there.
 */
const char *tlsa_proof_wildcard(const ldns_pkt *pkt, const ldns_rdf *owner,
				const ldns_rr_list *sigs, const ldns_rr_list *keys)
{
	size_t i, labels = ldns_dname_label_count(owner), min = labels;
	ldns_rr_list *nsecs, *nsec3s, *nsigs;
	const char *err = NULL;

	if (ldns_dname_is_wildcard(owner))
		return NULL;
	for (i = 0; i < ldns_rr_list_rr_count(sigs); i++) {
		ldns_rdf *l = ldns_rr_rrsig_labels(ldns_rr_list_rr(sigs, i));

		if (l && ldns_rdf2native_int8(l) < min)
			min = ldns_rdf2native_int8(l);
	}
	if (min >= labels)
		return NULL;
	nsecs = ldns_rr_list_new();
	nsec3s = ldns_rr_list_new();
	nsigs = ldns_rr_list_new();
	if (nsecs == NULL || nsec3s == NULL || nsigs == NULL) {
		err = "out of memory";
	} else {
		int proven = 0;

		(void)denial_records(pkt, keys, nsecs, nsec3s, nsigs);
		for (i = 0; i < ldns_rr_list_rr_count(nsecs); i++)
			if (ldns_nsec_covers_name(ldns_rr_list_rr(nsecs, i), owner))
				proven = 1;
		if (!proven && ldns_rr_list_rr_count(nsec3s)) {
			/* The next closer name: one label more than the
			 * closest encloser the signature names. */
			ldns_rdf *next = ldns_dname_clone_from(owner, (uint16_t)(labels - min - 1));

			proven = next && nsec3_find(nsec3s, next, 1) != NULL;
			ldns_rdf_deep_free(next);
		}
		if (!proven)
			err = "it was expanded from a wildcard without proof that the name "
			      "itself does not exist";
	}
	ldns_rr_list_free(nsecs);
	ldns_rr_list_free(nsec3s);
	ldns_rr_list_free(nsigs);
	return err;
}
