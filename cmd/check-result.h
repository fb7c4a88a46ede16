/*
 * What one check found, shared by every part of tlsa check: a target
 * (its records, addresses and sessions), a --mx or --srv group of them,
 * their verdicts and notes.  check-examine.c fills them, check-policy.c
 * judges them (the only place that knows what OK, WARNING, CRITICAL and
 * UNKNOWN mean; the small helpers below are its too), the check-out-*.c
 * formats print them.
 */
#ifndef TLSA_CHECK_RESULT_H
#define TLSA_CHECK_RESULT_H

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include <tlsa.h>

/* Monitoring-plugin states; the numbers are the exit statuses. */
enum verdict { V_OK = 0, V_WARNING = 1, V_CRITICAL = 2, V_UNKNOWN = 3 };

/* "OK", "WARNING", "CRITICAL", "UNKNOWN". */
const char *verdict_name(enum verdict v);
/* The worse of two (CRITICAL is worst, then UNKNOWN, WARNING, OK). */
enum verdict verdict_worse(enum verdict a, enum verdict b);

/*
 * Where a failure lies, so that monitoring can send a DNS outage and a
 * certificate mismatch to different people: check-class.c's table maps
 * every finding to one.  CLASS_NONE: nothing failed (or, on a note, the
 * class of where the note is).
 */
enum fail_class {
	CLASS_NONE,
	CLASS_DNS,	/* a lookup failed, or the records are missing, insecure or bogus */
	CLASS_TCP,	/* no connection */
	CLASS_STARTTLS, /* the dialogue before TLS */
	CLASS_TLS,	/* the TLS handshake */
	CLASS_DANE,	/* the records do not fit the certificates (or are unusable) */
	CLASS_PKIX,	/* the chain's own checks: names, dates, issuers */
	CLASS_INTERNAL	/* the check itself could not run: memory, a local file, OpenSSL */
};

/* A finding worth telling, at a level. */
struct note {
	enum verdict level;
	enum fail_class cls; /* CLASS_NONE: the class of where the note is (check-class.c) */
	char *text;
};

struct notes {
	struct note *v;
	size_t n;
};

/* One record of the set checked. */
struct check_rec {
	tlsa_record *rec; /* NULL when the rdata is too short to be a record */
	char *text;	  /* "3 1 1 ab12..." or "(malformed: N bytes of rdata)" */
	size_t rdlen;	  /* the rdata's length, for the note on a malformed one */
	int slot;	  /* its index among a session's records, -1 when malformed */
	int cand_match;	  /* some --candidate gives its data (check-candidate.c) */
};

/*
 * One address of a host and its session; an address that offered several
 * certificate types (RSA and ECDSA...) has one entry per key type, side by
 * side, each with its own session and verdict.
 */
struct check_addr {
	char address[46];
	int dnssec;		   /* tlsa_dnssec of its A/AAAA RRset, -1 when given */
	int verified_with_records; /* the session was given the records */
	tlsa_verify_result *res;   /* NULL only when out of memory */
	enum verdict verdict;	   /* set by the policy */
	char *message;		   /* the policy's one-line summary (owned) */
	struct notes notes;	   /* further findings for this address */
	int days_left;		   /* of the certificate in use that expires first */
	int have_days;
	int key_type;		   /* tlsa_key_type of the certificate it saw, 0 unknown */
	int several;		   /* its address offered several key types: this is one */
	struct share_entry *share; /* res is lent by this shared session (check-share.c) */
	int shared;		   /* ...which another target of the run made */
};

/* Where the records came from and how far they can be trusted. */
enum rec_source { SRC_DNS, SRC_GIVEN };

/* The options the policy and the printers need. */
struct check_conf {
	int insecure;  /* --insecure */
	int warn_days; /* --warn-days */
	int smtp;      /* RFC 7672 rules: usages 0 and 1 ignored */
	time_t now;
	int single_key_ok;  /* --single-key-ok: one key published is not a WARNING */
	int candidate_only; /* --candidate-only: judge the candidates, not the live service */
	int sig_warn_days;  /* --sig-warn-days: RRSIGs expiring within it are a WARNING */
};

struct check_target {
	const char *host;
	unsigned port;
	const char *proto;	       /* "tcp" */
	const tlsa_starttls *starttls; /* NULL: direct TLS */
	enum rec_source source;
	const char *source_file; /* --tlsa-file, or NULL */
	size_t skipped;		 /* --tlsa-file records for other owners, not used */
	tlsa_tlsa_result *tlsa;	 /* the DNS lookup (SRC_DNS), or NULL */
	tlsa_addr_result *addrs; /* the address lookup, NULL with --address */
	char *base_domain;
	struct check_rec *recs;
	size_t nrecs;
	struct check_addr *addr;
	size_t naddr;
	int use_records;      /* the records may be used (secure, or --insecure) */
	enum verdict verdict; /* set by the policy */
	struct notes notes;   /* findings about the target as a whole */
	double seconds;	      /* wall time of the check */
	/* --mx and --srv (check-mx.c): where this host came from */
	int preference;		    /* MX preference or SRV priority; -1: none */
	const char *service_domain; /* SRV: the service domain (XMPP to=), or NULL */
	/* --candidate (check-candidate.c): one result per candidate */
	struct cand_result *cands;
	size_t ncands;
	/* --all-ns and --sig-warn-days (check-ns.c) */
	tlsa_ns_result *ns; /* every authoritative server asked directly, or NULL */
	int64_t sig_expire; /* earliest RRSIG expiration seen over the TLSA RRset
			       (with --all-ns: on any server, and over the zone's
			       DNSKEY RRset; with --trust-anchor, over the DNSKEY
			       and DS RRsets of the chain to it), seconds since the
			       epoch; 0 none */
	char *sig_where;    /* the chain's RRset that expires at sig_expire, or NULL */
};

/* Add a note (printf-style); -1 when out of memory. */
int notes_add(struct notes *ns, enum verdict level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* As notes_add, for a note of another class than where it is. */
int notes_add_class(struct notes *ns, enum verdict level, enum fail_class cls, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void notes_free(struct notes *ns);

/* "127.0.0.1:25" or "[::1]:25" into buf. */
void addr_port(const char *address, unsigned port, char buf[64]);
/* As addr_port, then the key type when the address offered several: "127.0.0.1:25 RSA". */
void addr_where(const struct check_addr *a, unsigned port, char buf[80]);

/* ---- --mx and --srv: a name that expands into hosts -------------------------
 *
 * A group is a mail domain (--mx, RFC 7672) or an SRV owner (--srv, RFC
 * 7673), one endpoint per host in preference order (check-mx.c), each
 * checked as a target of its own (g->t, same order).
 */
struct check_endpoint {
	char *host;		       /* absolute */
	unsigned port;		       /* 25 for MX; the SRV target's port */
	int preference;		       /* MX preference, SRV priority */
	int implicit;		       /* no MX: the domain itself (RFC 5321 5.1) */
	const tlsa_starttls *starttls; /* NULL: direct TLS */
};

enum group_kind { GROUP_MX, GROUP_SRV };

struct check_group {
	enum group_kind kind;
	char *name;	      /* the mail domain or SRV owner as given */
	char *service_domain; /* SRV: the owner without its two labels */
	tlsa_mx_result *mx;   /* GROUP_MX: the MX lookup */
	tlsa_srv_result *srv; /* GROUP_SRV: the SRV lookup */
	struct check_endpoint *ep;
	size_t nep;
	struct check_target *t; /* one per endpoint, filled by the caller */
	size_t nt;
	enum verdict verdict; /* set by check_policy_group() */
	struct notes notes;   /* findings about the group as a whole */
	double seconds;
};

/* ---- --candidate ------------------------------------------------------------- */

/* Whether the records published now match one candidate. */
struct cand_result {
	const char *file;
	int rec;	 /* index in t->recs of the first record that matches, -1 none */
	int depth;	 /* the depth in the candidate it matched at */
	int usable;	 /* the published records could be used (t->use_records) */
	int live_issuer; /* matched with the issuer from the live chain (a lone leaf) */
	char **publish;	 /* no match: the records to publish first, rfc lines */
	/* a match: the candidate chain verified offline (check-chain.c), NULL: no chain */
	tlsa_verify_result *valid;
	size_t npublish;
	/* --all-ns readiness (check-ns.c), when it matched and the servers were asked */
	int ns_known;	    /* the nameservers were asked */
	size_t ns_missing;  /* nameserver addresses that do not serve the record */
	char missing[128];  /* the first of them, "ns2.example. (192.0.2.2)" */
	uint32_t ttl;	    /* the TLSA TTL the wait is counted in */
	int64_t first_seen; /* --state: first seen on every nameserver; 0 unknown */
	int64_t safe_at;    /* --state: first_seen + 2 x ttl + --resolver-cache */
	int ready;	    /* set by the policy: 1 safe to deploy, 0 waiting, -1 not timed */
};

#endif
