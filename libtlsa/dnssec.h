/*
 * Local validation from a trust anchor (dnssec.c): one validator per
 * lookup, which caches the zone keys it walked to.  Not installed.
 */
#ifndef TLSA_DNSSEC_H
#define TLSA_DNSSEC_H

#include <ldns/ldns.h>

#include <tlsa/dns.h>

typedef struct tlsa_validator tlsa_validator;

tlsa_status tlsa_validator_new(tlsa_validator **out, const tlsa_resolver *res);
/* 1 when a query of the validator got no answer (the state is then
 * indeterminate for want of one, not because of what DNS said). */
int tlsa_validator_lost(const tlsa_validator *v);
void tlsa_validator_free(tlsa_validator *v);

/*
 * The state of rrset (owner/type, from pkt's answer section, queried with
 * CD).  *reason gets malloc'd words when bogus or indeterminate.
 */
tlsa_dnssec tlsa_validate_rrset(tlsa_validator *v, const ldns_pkt *pkt, const ldns_rdf *owner,
				ldns_rr_type type, ldns_rr_list *rrset, char **reason);

/*
 * The state of a negative answer (NODATA or NXDOMAIN for qname/qtype):
 * secure only when NSEC or NSEC3 records, validated, prove it.
 */
tlsa_dnssec tlsa_validate_denial(tlsa_validator *v, const ldns_pkt *pkt, const ldns_rdf *qname,
				 ldns_rr_type qtype, char **reason);

#endif
