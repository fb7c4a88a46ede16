/*
 * The DNSSEC state of an answer as a validating resolver reports it, by
 * the AD bit (dns-ad.c).  Not installed.
 */
#ifndef TLSA_DNS_AD_H
#define TLSA_DNS_AD_H

#include <ldns/ldns.h>

#include <tlsa/dns.h>

/*
 * The AD-mode state of *pkt, the answer from *server to name/type: AD
 * means secure; no AD means insecure, unless the answer carries signatures
 * the resolver did not show it checked (then indeterminate and
 * *unvalidated); SERVFAIL that turns into data with CD means bogus;
 * SERVFAIL with CD too, or another error rcode, means indeterminate.  On
 * bogus *pkt and *server are replaced by the CD answer's so that the
 * caller can still show the data.  *reason gets malloc'd words (or NULL);
 * *lost is set when a further query this needed got no answer.
 */
tlsa_status tlsa_dns_ad_state(const tlsa_resolver *res, const ldns_rdf *name, ldns_rr_type type,
			      ldns_pkt **pkt, const char **server, tlsa_dnssec *state,
			      char **reason, int *lost, int *unvalidated);

#endif
