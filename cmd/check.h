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
	char *text;	  /* "3 1 1 ab12..." or "(malformed: N bytes of rdata)" */
	size_t rdlen;	  /* the rdata's length, for the note on a malformed one */
	int slot;         /* its index among a session's records, -1 when malformed */
	int cand_match;   /* some --candidate gives its data (check-candidate.c) */
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
	int single_key_ok;  /* --single-key-ok: one key published is not a WARNING */
	int candidate_only; /* --candidate-only: judge the candidates, not the live service */
};

struct check_target {
	const char *host;
	unsigned port;
	const char *proto;            /* "tcp" */
	const tlsa_starttls *starttls; /* NULL: direct TLS */
	enum rec_source source;
	const char *source_file;      /* --tlsa-file, or NULL */
	size_t skipped;               /* --tlsa-file records for other owners, not used */
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
	/* --mx and --srv (check-mx.c): where this host came from */
	int preference;               /* MX preference or SRV priority; -1: none */
	const char *service_domain;   /* SRV: the service domain (XMPP to=), or NULL */
	/* --candidate (check-candidate.c): one result per candidate */
	struct cand_result *cands;
	size_t ncands;
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
/* One target's JSON object, as in "targets" (output-check.c). */
void check_json_target(FILE *fp, const struct check_target *t);
/* Pieces of output-check.c's printers, for output-check-group.c. */
void json_answer(FILE *fp, const tlsa_dns_answer *a);      /* one DNS lookup */
void json_notes(FILE *fp, const struct notes *ns);          /* [{level, text}...] */
void text_notes(FILE *fp, const char *where, const struct notes *ns); /* "where: LEVEL: text" */

/* ---- --mx and --srv: a name that expands into hosts (check-mx.c) ----------
 *
 * A group is a mail domain (--mx, RFC 7672) or an SRV owner (--srv, RFC
 * 7673): check_expand_mx()/check_expand_srv() look up the MX or SRV RRset
 * and fill g->ep, one endpoint per host in preference order (for a domain
 * without MX, the domain itself, preference 0).  The caller then checks
 * each endpoint as a target of its own (g->t, same order: check.c's
 * examine_group() does, for the command line's check_group() and for a
 * fleet line "--mx DOMAIN" alike),
 * judges the whole with check_policy_group() and prints it with
 * check_print_group().  Expansion never aborts on DNS trouble: what DNS
 * said is in g->mx / g->srv for the policy to judge; -1 only when out of
 * memory or the name is not usable (then why holds the sentence).
 */
struct check_endpoint {
	char *host;                    /* absolute */
	unsigned port;                 /* 25 for MX; the SRV target's port */
	int preference;                /* MX preference, SRV priority */
	int implicit;                  /* no MX: the domain itself (RFC 5321 5.1) */
	const tlsa_starttls *starttls; /* NULL: direct TLS */
};

enum group_kind { GROUP_MX, GROUP_SRV };

struct check_group {
	enum group_kind kind;
	char *name;                  /* the mail domain or SRV owner as given */
	char *service_domain;        /* SRV: the owner without its two labels */
	tlsa_mx_result *mx;          /* GROUP_MX: the MX lookup */
	tlsa_srv_result *srv;        /* GROUP_SRV: the SRV lookup */
	struct check_endpoint *ep;
	size_t nep;
	struct check_target *t;      /* one per endpoint, filled by the caller */
	size_t nt;
	enum verdict verdict;        /* set by check_policy_group() */
	struct notes notes;          /* findings about the group as a whole */
	double seconds;
};

int check_expand_mx(const tlsa_resolver *res, const char *domain, struct check_group *g,
		    char *why, size_t whysize);
/*
 * starttls: the protocol to speak (-t), or NULL to take it from the
 * service label (_xmpp-client: xmpp, _submission: smtp, _imaps: direct
 * TLS...); *starttls_set says -t was given.  An unknown service without
 * -t is refused (why says so).
 */
int check_expand_srv(const tlsa_resolver *res, const char *owner, const tlsa_starttls *starttls,
		     int starttls_set, struct check_group *g, char *why, size_t whysize);
/* Frees what the group owns except g->t (the caller's targets). */
void check_group_free(struct check_group *g);
/* Judge the group: its DNS findings and the worst of its hosts (check-policy.c). */
int check_policy_group(struct check_group *g, const struct check_conf *conf);
/* Print a judged group in fmt (text, json, nagios; other formats per host). */
void check_print_group(FILE *fp, const struct check_group *g, const struct check_conf *conf,
		       const struct check_format *fmt);
/* A group's object in JSON "targets" (output-check-group.c; fleets use it too). */
void check_json_group(FILE *fp, const struct check_group *g);

/* ---- --candidate (check-candidate.c) -------------------------------------- */

/* A certificate, chain or key loaded from a --candidate FILE. */
struct check_cand {
	const char *file;
	tlsa_input *in;
};

/* Whether the records published now match one candidate. */
struct cand_result {
	const char *file;
	int rec;            /* index in t->recs of the first record that matches, -1 none */
	int depth;          /* the depth in the candidate it matched at */
	int usable;         /* the published records could be used (t->use_records) */
	int live_issuer;    /* matched with the issuer from the live chain (a lone leaf) */
	char **publish;     /* no match: the records to publish first, rfc lines */
	size_t npublish;
};

/*
 * Load a --candidate file (a certificate, chain, key or CSR; pass: the
 * --passin passphrase of an encrypted key, or NULL); on failure why holds
 * the sentence.
 */
int check_cand_load(struct check_cand *c, const char *file, const char *pass, char *why,
		    size_t whysize);
/*
 * Whether matching needs the live chain: a candidate that is a lone
 * certificate, and a trust-anchor record (usage 0 or 2) to match its
 * issuer against.
 */
int check_cands_need_chain(const struct check_target *t, const struct check_cand *c, size_t n,
			   int smtp);
/*
 * Match every candidate against t's records (usages 2 and 3 only when
 * smtp, RFC 7672): fills t->cands.  A lone certificate is matched against
 * trust-anchor records with the issuers of a chain an address presented
 * (t->addr[].res->chain) when its issuer's name is the name of one of
 * them.  -1 when out of memory.
 */
int check_candidates(struct check_target *t, const struct check_cand *c, size_t n, int smtp);
void check_cands_free(struct check_target *t);
/* Candidate findings as notes (check-policy.c): no match is CRITICAL. */
int check_policy_candidates(struct check_target *t);
/* The candidates' section of text and json output. */
void check_text_candidates(FILE *fp, const struct check_target *t);
void check_json_candidates(FILE *fp, const struct check_target *t);

/* ---- --targets and --jobs: fleets (check-targets.c, output-fleet.c) ------ */

/* What a targets line leaves out: -p and -t of the command line. */
struct fleet_defaults {
	unsigned port;
	const tlsa_starttls *starttls;
	int starttls_set;
};

/* One line of a targets file: "HOST [PORT [STARTTLS]]" or "--mx DOMAIN". */
struct fleet_line {
	unsigned long lineno;
	int mx;                         /* an --mx DOMAIN line */
	char *host;                     /* HOST, or the mail domain (owned) */
	unsigned port;
	const tlsa_starttls *starttls;  /* NULL: direct TLS */
};
void fleet_line_clear(struct fleet_line *l);

/* One line's check, filled on a worker thread, printed in input order. */
struct fleet_result {
	struct fleet_line line;
	int is_group;             /* g (an --mx line) rather than t */
	struct check_target t;
	struct check_group g;
	struct check_conf conf;
	enum verdict verdict;     /* of t or g; UNKNOWN when the check could not run */
	char problem[1024];       /* why it could not run, or "" */
};

/* A format's framing of a fleet (output-fleet.c). */
struct fleet_out {
	FILE *fp;
	const struct check_format *fmt;
	size_t total;             /* targets in the file */
	size_t printed;
	size_t count[4];          /* results so far by verdict */
	void *state;              /* the format's own */
};
struct fleet_format {
	const char *name;
	int (*begin)(struct fleet_out *out);  /* -1: out of memory */
	void (*result)(struct fleet_out *out, const struct fleet_result *r);
	int (*end)(struct fleet_out *out, enum verdict worst); /* -1: write error */
	/* After a failure, instead of end: say why where the format can, free state. */
	void (*discard)(struct fleet_out *out, const char *why);
};
const struct fleet_format *fleet_format_find(const char *name);

struct fleet_run {
	const char *file;            /* --targets FILE ("-": stdin) */
	unsigned jobs;               /* --jobs */
	struct fleet_defaults defaults;
	const struct check_format *fmt;
	const struct fleet_format *out;
	/* After the file is validated, before any check: 0, or -1 (said) to stop. */
	int (*ready)(void *ctx);
	/* Check one line (on any of the threads at once); release frees it. */
	void (*check)(void *ctx, struct fleet_result *r);
	void (*release)(void *ctx, struct fleet_result *r);
	void *ctx;
};
/*
 * Validate the whole file (a bad line: said with its number, nothing
 * contacted, V_UNKNOWN), then run every line, jobs at a time, printing
 * each result once every earlier one is printed.  Returns the worst verdict.
 */
int check_fleet(const struct fleet_run *f);

/* ---- -o prometheus (output-prometheus.c) ---------------------------------- */

/* Families collected over a run (on_disk: temporary files, for fleets, when
 * they can be made; memory otherwise). */
struct prom;
struct prom *prom_new(int on_disk);
void prom_free(struct prom *pm);
int prom_target(struct prom *pm, const struct check_target *t, const struct check_conf *c);
int prom_unknown(struct prom *pm, const char *host, unsigned port);
/* A group's verdict, then its hosts labelled domain="..." (--mx) or service="..." (--srv). */
int prom_group(struct prom *pm, const struct check_group *g, const struct check_conf *c);
int prom_group_unknown(struct prom *pm, int mx, const char *name);
/* HELP, TYPE and samples of every family, then the run's timestamp. */
int prom_write(struct prom *pm, FILE *fp);
/* The rows of output-check.c's table. */
void check_print_prometheus(FILE *fp, const struct check_target *t, const struct check_conf *c);
void check_prometheus_unknown(FILE *fp, const struct check_target *t, const char *why);
void check_prometheus_group(FILE *fp, const struct check_group *g, const struct check_conf *c);
void check_prometheus_group_unknown(FILE *fp, int mx, const char *name, const char *why);

#endif
