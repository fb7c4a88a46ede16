/*
 * DNS and DNSSEC lookups for checking TLSA records (RFC 6698, 7671, 7672).
 *
 * Owns: the resolver configuration (servers, timeout, validation mode),
 * the lookups a DANE check needs (TLSA, A/AAAA, MX, SRV), the DNSSEC state
 * of each answer, CNAME chains and the TLSA base domain rule of RFC 7671
 * section 7 and RFC 7672 section 2.2, every authoritative server of a
 * zone asked directly, and when signatures expire.  Does not own: TLS, matching records
 * against certificates, or the policy that turns states into OK/CRITICAL
 * (that is the check command's).
 *
 * Two validation modes reach the same verdicts:
 * - AD mode (trust_anchor_file NULL): an answer is secure only when the
 *   resolver sets AD.  A SERVFAIL that turns into data when asked again
 *   with CD set is bogus (that is how a validating resolver says so).  An
 *   answer without AD is insecure only when it carries no signatures, or
 *   when the resolver sets AD on the signer zone's DS RRset (or its
 *   denial), showing that it validates; otherwise signatures came that
 *   nobody checked, and the answer is indeterminate (unvalidated).
 * - Local mode (a trust anchor file of DS or DNSKEY records): every query
 *   is sent with CD set and the answer is validated here with ldns, from
 *   the anchor down through each zone cut (DS, then DNSKEY), denial of
 *   existence (NSEC and NSEC3) included.  AD is ignored.
 *
 * Threads: a tlsa_resolver may be shared by any number of threads at
 * once; its configuration is immutable after tlsa_resolver_new(), and the
 * round-trip estimates it learns are kept under a mutex held only for a
 * few instructions.  Lookups keep no cache.
 *
 * Every result here is library-allocated: read it and free it with its
 * _free function, never build or copy one; fields are only ever appended,
 * and its strings are its own.
 *
 * Lookups return TLSA_OK whenever they produced a result, including a
 * bogus or indeterminate one (timeout, SERVFAIL): the DNS outcome is in
 * the result's state and reason.  Other statuses mean the lookup could not
 * be attempted (bad name, out of memory).
 */
#ifndef TLSA_DNS_H
#define TLSA_DNS_H

#include <stddef.h>
#include <stdint.h>

#include <tlsa/status.h>
#include <tlsa/record.h>

#ifdef __cplusplus
extern "C" {
#endif

/* DNSSEC state of an answer.  The enum order is not the order of severity:
 * use tlsa_dnssec_combine() to take two states together. */
typedef enum tlsa_dnssec {
	TLSA_DNSSEC_SECURE,	  /* validated from a trust anchor */
	TLSA_DNSSEC_INSECURE,	  /* provably unsigned (no DS at a zone cut) */
	TLSA_DNSSEC_BOGUS,	  /* should be signed but fails validation */
	TLSA_DNSSEC_INDETERMINATE /* unknown: no answer, SERVFAIL, timeout */
} tlsa_dnssec;

/* "secure", "insecure", "bogus", "indeterminate". */
const char *tlsa_dnssec_name(tlsa_dnssec state);

/*
 * The state of two things taken together (a CNAME chain and its target,
 * A and AAAA): the worse of the two, where
 * secure < insecure < indeterminate < bogus.
 */
tlsa_dnssec tlsa_dnssec_combine(tlsa_dnssec a, tlsa_dnssec b);

/* ---- resolvers ---------------------------------------------------------- */

typedef struct tlsa_resolver tlsa_resolver;

/* Default per-query timeout in milliseconds when 0 is given. */
#define TLSA_DNS_TIMEOUT_MS 10000

/*
 * A resolver configuration.
 * servers: nservers texts of the form ADDR[@PORT], where ADDR is an IPv4
 *   or IPv6 address; an IPv6 address may be bracketed, so "::1@5353" and
 *   "[::1]@5353" are the same (the '@' is never part of an address, so no
 *   brackets are needed).  PORT defaults to 53.  nservers 0 reads the
 *   nameserver lines of /etc/resolv.conf.
 * timeout_ms: bound for each query, over all its tries and servers
 *   (0: TLSA_DNS_TIMEOUT_MS).
 * trust_anchor_file: NULL for AD mode, else a file of DS and/or DNSKEY
 *   records in zone-file format (comments, $ORIGIN and $TTL allowed) for
 *   local validation.
 * Every query sets DO; local mode also sets CD.  Over UDP a query is sent
 * again, with a fresh ID and source port, when no answer came within a
 * retransmission timeout that adapts to the round trip measured to each
 * server (RFC 6298; 400 ms before any was measured, at least 150 ms),
 * doubling after each pass over the servers up to 1.5 s; a late answer to
 * an earlier try is still taken.  Servers are tried fastest first, the
 * configured order breaking ties, and in turn.  After two silent tries to
 * a server, or a truncated answer, it is asked over TCP too.  Only an
 * answer with the ID of a try, the QR bit and the question asked, on the
 * try's connected socket, is believed.
 * Errors: TLSA_ERR_RESOLVER_ADDR, TLSA_ERR_RESOLV_CONF,
 * TLSA_ERR_ANCHOR_READ, TLSA_ERR_ANCHOR_SYNTAX, TLSA_ERR_ANCHOR_EMPTY (the
 * last three with tlsa_error_file() and tlsa_error_line() as
 * tlsa_trust_anchor_check() gives them).
 */
tlsa_status tlsa_resolver_new(const char *const *servers, size_t nservers, unsigned timeout_ms,
			      const char *trust_anchor_file, tlsa_resolver **out);
void tlsa_resolver_free(tlsa_resolver *res);

/* The number of servers, and each as "ADDR@PORT" ("::1@53"). */
size_t tlsa_resolver_count(const tlsa_resolver *res);
const char *tlsa_resolver_server(const tlsa_resolver *res, size_t i);

/*
 * How many configured servers are not on loopback (127.0.0.0/8, ::1);
 * *first (may be NULL) gets the first such server's text.  In AD mode the
 * command warns about them: an AD bit from a remote resolver crosses the
 * network unauthenticated.
 */
size_t tlsa_resolver_remote(const tlsa_resolver *res, const char **first);

/* 1 when validating locally from a trust anchor, 0 in AD mode. */
int tlsa_resolver_local(const tlsa_resolver *res);

/* The per-query timeout in milliseconds. */
unsigned tlsa_resolver_timeout(const tlsa_resolver *res);

/* ---- one answer ---------------------------------------------------------- */

/* One step of a CNAME chain. */
typedef struct tlsa_cname_step {
	char *owner;	   /* the alias, absolute: "www.example.org." */
	char *target;	   /* what it points to: "host.example.net." */
	tlsa_dnssec state; /* of this CNAME RRset */
} tlsa_cname_step;

/* The outcome of one query (one name, one type), CNAMEs followed. */
typedef struct tlsa_dns_answer {
	char *qname;	   /* the name asked, absolute ("_25._tcp.mx.example.") */
	uint16_t qtype;	   /* RR type number: 1 A, 28 AAAA, 15 MX, 33 SRV, 52 TLSA */
	char *name;	   /* the name after following CNAMEs (qname when none) */
	tlsa_dnssec state; /* the chain and the final answer taken together */
	char *reason;	   /* why bogus or indeterminate; NULL when secure or insecure */
	int rcode;	   /* rcode of the final answer (0 NOERROR, 2 SERVFAIL,
			      3 NXDOMAIN); -1 when no server answered */
	int answered;	   /* 0 when no server answered at all (timeout, unreachable) */
	int unanswered;	   /* 1 when a further query the lookup needed (a CNAME link, a
			      retry with CD, a key or proof for local validation) got no
			      answer: the state is indeterminate for want of an answer */
	int unvalidated;   /* 1 (AD mode) when the answer carries RRSIGs but no AD and the
			      resolver did not show it validates (an authoritative server,
			      a forwarder that strips AD): indeterminate, never insecure */
	int nodata;	   /* 1 when the final answer is NODATA or NXDOMAIN */
	int denial_secure; /* 1 when that denial is proven (state secure) */
	uint32_t ttl;	   /* smallest TTL of the answer RRset, 0 when none */
	char *server;	   /* "127.0.0.1@53" of the server that answered, or NULL */
	size_t ncnames;
	tlsa_cname_step *cnames; /* in the order followed */
	int64_t sig_expire;	 /* earliest expiration (seconds since the epoch) of
				    the RRSIGs over the final RRset; 0 when none */
} tlsa_dns_answer;

/* ---- TLSA ------------------------------------------------------------------ */

/* One TLSA record as found in DNS; a malformed one is kept and flagged. */
typedef struct tlsa_dns_record {
	tlsa_record *record;  /* NULL when the rdata is shorter than 3 bytes */
	unsigned char *rdata; /* the raw rdata, always present */
	size_t rdlen;
	unsigned check; /* tlsa_record_check() flags (0: well formed) */
	int malformed;	/* 1: too short to be a TLSA record at all */
} tlsa_dns_record;

typedef struct tlsa_tlsa_result {
	char *host;		     /* the host asked, absolute */
	char *expanded;		     /* the host's fully CNAME-expanded name */
	tlsa_dns_answer host_answer; /* the lookup that expanded the host (A) */
	int expansion_secure;	     /* 1 when every CNAME of the expansion is secure */
	char *base_domain;	     /* the TLSA base domain used (RFC 7671 section 7) */
	int base_is_expanded;	     /* 1: base_domain is the expanded name */
	char *owner;		     /* "_PORT._PROTO.BASE." that was used */
	tlsa_dns_answer answer;	     /* the TLSA lookup at owner */
	size_t nrecords;
	tlsa_dns_record *records;
} tlsa_tlsa_result;

/*
 * The TLSA RRset of _PORT._PROTO.HOST (proto "tcp", "udp" or "sctp").
 * When HOST is a CNAME whose whole expansion is secure, TLSA is looked up
 * at the expanded name first and, when that gives no usable records (a
 * secure denial, or an insecure answer), at the original name; a bogus or
 * indeterminate answer at the expanded name is the result as it is.
 * Otherwise TLSA is looked up at the original name.  A CNAME at the TLSA
 * owner itself is followed like any other (answer.cnames).
 * result->answer.state says whether the records can be trusted; nrecords
 * 0 means "no records" only when answer.denial_secure is set.
 */
tlsa_status tlsa_lookup_tlsa(const tlsa_resolver *res, const char *host, unsigned port,
			     const char *proto, tlsa_tlsa_result **out);
void tlsa_tlsa_result_free(tlsa_tlsa_result *result);

/* ---- addresses ---------------------------------------------------------- */

typedef struct tlsa_address {
	int family;		/* AF_INET or AF_INET6 */
	unsigned char addr[16]; /* network byte order; 4 bytes used for AF_INET */
	const char *text;	/* "192.0.2.1", "2001:db8::1"; the result's own */
	tlsa_dnssec state;	/* of the RRset it came from */
} tlsa_address;

typedef struct tlsa_addr_result {
	char *host;	      /* the host asked, absolute */
	char *expanded;	      /* its CNAME-expanded name (for SNI and names) */
	tlsa_dns_answer a;    /* the A lookup (qtype 0 when not asked) */
	tlsa_dns_answer aaaa; /* the AAAA lookup (qtype 0 when not asked) */
	tlsa_dnssec state;    /* the asked lookups taken together */
	size_t naddrs;
	tlsa_address *addrs; /* A first, then AAAA, in answer order */
} tlsa_addr_result;

/* family: AF_UNSPEC (both), AF_INET (A only) or AF_INET6 (AAAA only). */
tlsa_status tlsa_lookup_addresses(const tlsa_resolver *res, const char *host, int family,
				  tlsa_addr_result **out);
void tlsa_addr_result_free(tlsa_addr_result *result);

/* ---- MX and SRV (for --mx and --srv) --------------------------------------- */

typedef struct tlsa_mx {
	uint16_t preference;
	char *host; /* absolute */
} tlsa_mx;

typedef struct tlsa_mx_result {
	tlsa_dns_answer answer;
	int null_mx; /* 1: RFC 7505 "0 ." (the domain accepts no mail) */
	size_t nmx;
	tlsa_mx *mx; /* sorted by preference, then name */
} tlsa_mx_result;

tlsa_status tlsa_lookup_mx(const tlsa_resolver *res, const char *domain, tlsa_mx_result **out);
void tlsa_mx_result_free(tlsa_mx_result *result);

typedef struct tlsa_srv {
	uint16_t priority;
	uint16_t weight;
	uint16_t port;
	char *target; /* absolute */
} tlsa_srv;

typedef struct tlsa_srv_result {
	tlsa_dns_answer answer;
	int no_service; /* 1: a single "." target (RFC 2782: no service) */
	size_t nsrv;
	tlsa_srv *srv; /* sorted by priority, then weight (highest first) */
} tlsa_srv_result;

/* owner is the full SRV name, e.g. "_xmpp-client._tcp.example.org". */
tlsa_status tlsa_lookup_srv(const tlsa_resolver *res, const char *owner, tlsa_srv_result **out);
void tlsa_srv_result_free(tlsa_srv_result *result);

/* ---- every authoritative server of a zone (tlsa check --all-ns) ------------ */

/* What a server's RRSIGs over the TLSA RRset say against the zone's keys. */
typedef enum tlsa_ns_sigs {
	TLSA_NS_SIGS_UNCHECKED, /* no validated DNSKEY set to check them with */
	TLSA_NS_SIGS_VALID,	/* they verify against the validated DNSKEY set */
	TLSA_NS_SIGS_NONE,	/* the RRset came without RRSIGs */
	TLSA_NS_SIGS_BAD	/* they do not verify (expired, wrong key, altered) */
} tlsa_ns_sigs;

/* "unchecked", "valid", "none", "bad". */
const char *tlsa_ns_sigs_name(tlsa_ns_sigs sigs);

/* One address of one nameserver of the zone, asked directly. */
typedef struct tlsa_ns_server {
	char *name;	 /* the NS name, absolute */
	char *address;	 /* its address ("192.0.2.53"), "" when it has none */
	int reachable;	 /* it answered at least one of the queries */
	int answered;	 /* it answered the TLSA query authoritatively (NOERROR or
			    NXDOMAIN, AA set) */
	int rcode;	 /* of the TLSA answer, -1 when none came */
	char *reason;	 /* why answered is 0, else NULL */
	int have_serial; /* it answered the SOA query with the zone's SOA */
	uint32_t serial;
	uint32_t ttl; /* smallest TTL of its TLSA RRset, 0 when none */
	size_t nrecords;
	tlsa_dns_record *records; /* its TLSA RRset, sorted by rdata */
	tlsa_ns_sigs sigs;
	char *sig_reason;   /* why TLSA_NS_SIGS_BAD, else NULL */
	int64_t sig_expire; /* earliest RRSIG expiration over its TLSA RRset, 0 none */
} tlsa_ns_server;

typedef struct tlsa_ns_result {
	char *owner;		 /* the TLSA owner asked, absolute */
	char *zone;		 /* the zone holding it, NULL when not found */
	char *reason;		 /* why the servers could not be listed, else NULL */
	tlsa_dnssec keys_state;	 /* of the zone's DNSKEY RRset, through the resolver */
	int64_t keys_sig_expire; /* earliest RRSIG expiration over the DNSKEY RRset */
	size_t nservers;
	tlsa_ns_server *servers; /* by NS name, then address; one per address */
} tlsa_ns_result;

/*
 * Ask every authoritative server of the zone holding owner, directly, for
 * the TLSA RRset at owner.  The zone is found through res (the SOA in the
 * answer or the authority section of an SOA query, walking up the names),
 * its NS RRset and the NS names' addresses too (family: AF_UNSPEC both,
 * AF_INET A only, AF_INET6 AAAA only); then each address is asked
 * on port 53, without recursion and with DO, for TLSA and SOA.  The
 * RRSIGs each server sends are verified against the zone's DNSKEY RRset as
 * res validates it (secure only).  TLSA_OK whenever a result was made,
 * even when no server was found (reason says why) or none answered.
 */
tlsa_status tlsa_lookup_ns(const tlsa_resolver *res, const char *owner, int family,
			   tlsa_ns_result **out);
void tlsa_ns_result_free(tlsa_ns_result *result);

/*
 * The earliest expiration (seconds since the epoch, 0 when none was seen)
 * of the RRSIGs over the DNSKEY and DS RRsets of the chain of trust to
 * the zone holding owner: that zone's DNSKEY and DS, then its parent
 * zone's, up to a zone that is a trust anchor of res (its DNSKEY only) or
 * the root.  *where (may be NULL) gets the owner and type of that RRset,
 * malloc'd ("example.org. DS"), or NULL.
 */
tlsa_status tlsa_lookup_chain_expiry(const tlsa_resolver *res, const char *owner, int64_t *expire,
				     char **where);

/* ---- helpers, public for the command and the tests ----------------------- */

/*
 * Parse "ADDR[@PORT]" (see tlsa_resolver_new) into family (AF_INET or
 * AF_INET6), the address bytes (4 or 16, network order) and the port.
 */
tlsa_status tlsa_resolver_addr_parse(const char *text, int *family, unsigned char addr[16],
				     unsigned *port);

/*
 * Read a trust anchor file as tlsa_resolver_new() does, to tell the user
 * where it is wrong: on failure tlsa_error_file() is the file and, with
 * TLSA_ERR_ANCHOR_SYNTAX, tlsa_error_line() the line of the bad record;
 * *count (may be NULL) gets the number of DS and DNSKEY records read.
 */
tlsa_status tlsa_trust_anchor_check(const char *file, size_t *count);

/* 1 when the address is on loopback (127.0.0.0/8, ::1, ::ffff:127.x). */
int tlsa_addr_is_loopback(int family, const unsigned char addr[16]);

#ifdef __cplusplus
}
#endif
#endif
