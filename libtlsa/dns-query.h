/*
 * One question asked and the pieces of its answer (dns-query.c): the
 * query with DO and CD, the RRs of a section, names and words.  What
 * every DNS file above the transport uses.  Not installed.
 */
#ifndef TLSA_DNS_QUERY_H
#define TLSA_DNS_QUERY_H

#include <stddef.h>

#include <ldns/ldns.h>

#include <tlsa/dns.h>

/*
 * Ask the servers in turn for name/type (RD and DO set, CD when cd) until
 * one answers.  *pkt is NULL when none did; then why says so in words.
 * *server points into res.
 */
tlsa_status tlsa_dns_query(const tlsa_resolver *res, const ldns_rdf *name, ldns_rr_type type,
			   int cd, ldns_pkt **pkt, const char **server, char *why, size_t whylen);

/* The RRs of a section with this owner and type (a new list, RRs shared). */
ldns_rr_list *tlsa_dns_select(const ldns_rr_list *section, const ldns_rdf *owner,
			      ldns_rr_type type);

/* The RRSIGs of a section over owner/type (a new list, RRs shared). */
ldns_rr_list *tlsa_dns_sigs(const ldns_rr_list *section, const ldns_rdf *owner, ldns_rr_type type);

/* "SERVFAIL" and the like, for reasons. */
const char *tlsa_dns_rcode_name(int rcode);

/* The text as an absolute ldns dname, or NULL when it is not a name. */
ldns_rdf *tlsa_dns_name(const char *text);

/* An owned string of a dname, "www.example.org.". */
char *tlsa_dname_str(const ldns_rdf *name);

/* malloc'd printf. */
char *tlsa_dns_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
