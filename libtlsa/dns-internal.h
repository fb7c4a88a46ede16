/*
 * Inside the DNS floor: what dns.c (queries, CNAMEs, AD mode),
 * dns-lookup.c (typed results) and dnssec.c (local validation from a trust
 * anchor) share.  Not installed.
 */
#ifndef TLSA_DNS_INTERNAL_H
#define TLSA_DNS_INTERNAL_H

#include <pthread.h>

#include <ldns/ldns.h>

#include <tlsa/dns.h>

struct tlsa_server {
	int family;
	unsigned char addr[16];
	unsigned port;
	char text[64]; /* "127.0.0.1@53" */
	/* Round-trip estimate (RFC 6298), under the resolver's mu. */
	int measured;
	long long srtt_us, rttvar_us;
	unsigned rto_ms; /* 0: nothing measured yet */
};

struct tlsa_resolver {
	size_t n;
	struct tlsa_server *servers;
	unsigned timeout_ms;
	ldns_rr_list *anchors; /* DS and DNSKEY records; NULL in AD mode */
	pthread_mutex_t *mu;   /* guards the servers' round-trip estimates */
};

/*
 * Send query to the servers of res until one answers it (dns-transport.c:
 * retransmission, rotation, TCP), within res->timeout_ms in all.  On
 * LDNS_STATUS_OK *reply is the answer and *from the server's index; else
 * why says in words why none came.
 */
ldns_status tlsa_dns_exchange(const tlsa_resolver *res, const ldns_pkt *query, ldns_pkt **reply,
			      size_t *from, char *why, size_t whylen);

/* Whether reply answers query as sent with this ID (ID, QR, question). */
int tlsa_dns_answers(const ldns_pkt *query, uint16_t id, const ldns_pkt *reply);

/*
 * Ask the servers in turn for name/type (RD and DO set, CD when cd) until
 * one answers.  *pkt is NULL when none did; then why says so in words.
 * *server points into res.
 */
tlsa_status tlsa_dns_query(const tlsa_resolver *res, const ldns_rdf *name, ldns_rr_type type,
			   int cd, ldns_pkt **pkt, const char **server, char *why, size_t whylen);

/*
 * Look up name/type, following CNAMEs as the resolver returned them, and
 * fill ans with the DNSSEC state (AD mode or local validation).
 * *rrset_out (may be NULL) gets the final RRset, whose RRs belong to
 * *pkt_out; the caller frees both (ldns_rr_list_free, ldns_pkt_free).
 */
tlsa_status tlsa_dns_lookup(const tlsa_resolver *res, const ldns_rdf *qname, ldns_rr_type type,
			    tlsa_dns_answer *ans, ldns_pkt **pkt_out, ldns_rr_list **rrset_out);

/* Free what an answer holds and zero it. */
void tlsa_dns_answer_clear(tlsa_dns_answer *a);

/* The text as an absolute ldns dname, or NULL when it is not a name. */
ldns_rdf *tlsa_dns_name(const char *text);

/* The RRs of a section with this owner and type (a new list, RRs shared). */
ldns_rr_list *tlsa_dns_select(const ldns_rr_list *section, const ldns_rdf *owner,
			      ldns_rr_type type);

/* The RRSIGs of a section over owner/type (a new list, RRs shared). */
ldns_rr_list *tlsa_dns_sigs(const ldns_rr_list *section, const ldns_rdf *owner, ldns_rr_type type);

/* Local validation: one validator per lookup (it caches zone keys). */
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

/* Read DS and DNSKEY records from a zone-format file; on a syntax error
 * *err_line (may be NULL) gets its line number. */
tlsa_status tlsa_anchors_read(const char *file, ldns_rr_list **out, unsigned *err_line);

/* malloc'd printf. */
char *tlsa_dns_fmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* An owned string of a dname, "www.example.org.". */
char *tlsa_dname_str(const ldns_rdf *name);

#endif
