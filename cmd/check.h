/*
 * tlsa check, shared by its files: what one target's check found.
 *
 * check.c fills it (options, DNS, TLS sessions), check-policy.c judges
 * it (the only place that knows what OK, WARNING, CRITICAL and UNKNOWN
 * mean) and output-check.c prints it (text, json, nagios).  Part 2 adds
 * more targets and hosts per target; the shapes here leave room for it.
 */
#ifndef TLSA_CHECK_H
#define TLSA_CHECK_H

#include <stdio.h>
#include <time.h>

#include <tlsa.h>

/* Monitoring-plugin states; the numbers are the exit statuses. */
enum verdict { V_OK = 0, V_WARNING = 1, V_CRITICAL = 2, V_UNKNOWN = 3 };

/* "OK", "WARNING", "CRITICAL", "UNKNOWN". */
const char *verdict_name(enum verdict v);
/* The worse of two (CRITICAL is worst, then UNKNOWN, WARNING, OK). */
enum verdict verdict_worse(enum verdict a, enum verdict b);

/* A finding worth telling, at a level. */
struct note {
	enum verdict level;
	char *text;
};

struct notes {
	struct note *v;
	size_t n;
};

/* One record of the set checked. */
struct check_rec {
	tlsa_record *rec; /* NULL when the rdata is too short to be a record */
	char *text;       /* "3 1 1 ab12..." or "(malformed: N bytes)" */
	int slot;         /* its index among a session's records, -1 when malformed */
};

/* One address of a host and its session. */
struct check_addr {
	char address[46];
	int dnssec;                /* tlsa_dnssec of its A/AAAA RRset, -1 when given */
	int verified_with_records; /* the session was given the records */
	tlsa_verify_result *res;   /* NULL only when out of memory */
	enum verdict verdict;      /* set by the policy */
	char *message;             /* the policy's one-line summary (owned) */
	struct notes notes;        /* further findings for this address */
	int days_left;             /* of the certificate in use that expires first */
	int have_days;
};

/* Where the records came from and how far they can be trusted. */
enum rec_source { SRC_DNS, SRC_GIVEN };

/* The options the policy and the printers need. */
struct check_conf {
	int insecure;       /* --insecure */
	int warn_days;      /* --warn-days */
	int smtp;           /* RFC 7672 rules: usages 0 and 1 ignored */
	time_t now;
};

struct check_target {
	const char *host;
	unsigned port;
	const char *proto;            /* "tcp" */
	const tlsa_starttls *starttls; /* NULL: direct TLS */
	enum rec_source source;
	const char *source_file;      /* --tlsa-file, or NULL */
	tlsa_tlsa_result *tlsa;       /* the DNS lookup (SRC_DNS), or NULL */
	tlsa_addr_result *addrs;      /* the address lookup, NULL with --address */
	char *base_domain;
	struct check_rec *recs;
	size_t nrecs;
	struct check_addr *addr;
	size_t naddr;
	int use_records;              /* the records may be used (secure, or --insecure) */
	enum verdict verdict;         /* set by the policy */
	struct notes notes;           /* findings about the target as a whole */
	double seconds;               /* wall time of the check */
};

/*
 * Before any session: may the records be used (secure, or --insecure)?
 * Sets t->use_records and notes what DNS said.
 */
int check_records_trust(struct check_target *t, const struct check_conf *conf);

/* Judge a target: every address's verdict and message, notes, the verdict. */
int check_policy(struct check_target *t, const struct check_conf *conf);

/* Add a note (printf-style); -1 when out of memory. */
int notes_add(struct notes *ns, enum verdict level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void notes_free(struct notes *ns);

/* "127.0.0.1:25" or "[::1]:25" into buf. */
void addr_port(const char *address, unsigned port, char buf[64]);

/* Output formats: a table of small printers. */
struct check_format {
	const char *name;
	void (*print)(FILE *fp, const struct check_target *t, const struct check_conf *conf);
	/*
	 * The check could not run (UNKNOWN): why, for formats read by
	 * machines; NULL when stderr says enough (text).
	 */
	void (*unknown)(FILE *fp, const struct check_target *t, const char *why);
};
const struct check_format *check_format_find(const char *name);

#endif
