/*
 * What the keys of a zone prove about an answer (dnssec-proof.c): each
 * returns NULL when the proof holds, else words saying why not.  Not
 * installed.
 */
#ifndef TLSA_DNSSEC_PROOF_H
#define TLSA_DNSSEC_PROOF_H

#include <ldns/ldns.h>

/* rrset verified with sigs against keys (ldns_verify). */
const char *tlsa_proof_verify(ldns_rr_list *rrset, ldns_rr_list *sigs, const ldns_rr_list *keys);

/*
 * name/type does not exist, by the NSEC or NSEC3 records of pkt signed
 * with keys.  bitmap (may be NULL) gets the types at name when a record
 * matches it exactly; *optout (may be NULL) is set when an opt-out NSEC3
 * covers name.
 */
const char *tlsa_proof_denial(const ldns_pkt *pkt, const ldns_rdf *name, ldns_rr_type type,
			      const ldns_rr_list *keys, const ldns_rdf **bitmap, int *optout);

/* An answer at owner signed with sigs that was expanded from a wildcard
 * comes with proof that owner itself does not exist. */
const char *tlsa_proof_wildcard(const ldns_pkt *pkt, const ldns_rdf *owner,
				const ldns_rr_list *sigs, const ldns_rr_list *keys);

#endif
