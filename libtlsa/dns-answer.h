/*
 * One lookup with its CNAME chain and DNSSEC state (dns-answer.c), what
 * the typed lookups of dns-lookup.c are made of.  Not installed.
 */
#ifndef TLSA_DNS_ANSWER_H
#define TLSA_DNS_ANSWER_H

#include <stdint.h>
#include <time.h>

#include <ldns/ldns.h>

#include <tlsa/dns.h>

/*
 * Look up name/type, following CNAMEs as the resolver returned them, and
 * fill ans with the DNSSEC state (AD mode or local validation).
 * *rrset_out (may be NULL) gets the final RRset, whose RRs belong to
 * *pkt_out; the caller frees both (ldns_rr_list_free, ldns_pkt_free).
 */
tlsa_status tlsa_dns_lookup(const tlsa_resolver *res, const ldns_rdf *qname, ldns_rr_type type,
			    tlsa_dns_answer *ans, ldns_pkt **pkt_out, ldns_rr_list **rrset_out);

/*
 * The earliest expiration, in seconds since the epoch, of the RRSIGs in
 * section over owner/type (their 32-bit times read around now, RFC 4034
 * section 3.1.5); 0 when there are none.
 */
int64_t tlsa_dns_sig_expire(const ldns_rr_list *section, const ldns_rdf *owner, ldns_rr_type type,
			    time_t now);

/* Free what an answer holds and zero it. */
void tlsa_dns_answer_clear(tlsa_dns_answer *a);

#endif
