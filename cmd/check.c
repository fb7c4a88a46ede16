/*
 * tlsa check: verify the TLS service at HOST against its TLSA records.
 *
 * Owns: options, gathering (records from DNS or the command line,
 * addresses from DNS or --address), running one session per address
 * concurrently, and handing the findings to the policy (check-policy.c)
 * and a printer (output-check.c).  DNS, STARTTLS and verification are
 * libtlsa's; what counts as OK or CRITICAL is the policy's alone.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include <openssl/crypto.h>

#include <tlsa.h>

#include "check.h"
#include "cli.h"

#define MAX_THREADS 8

struct check_opts {
	unsigned long port;
	int port_set;
	const char *proto;
	const tlsa_starttls *starttls;
	int starttls_set;
	const char **addresses;
	size_t naddresses;
	int family; /* AF_UNSPEC, AF_INET (-4) or AF_INET6 (-6) */
	const char *sni, *helo, *service_domain, *trust_anchor, *tlsa_file, *ca_file, *ca_path;
	const char **resolvers;
	size_t nresolvers;
	const char **tlsa; /* --tlsa texts */
	size_t ntlsa;
	unsigned long timeout, warn_days;
	int insecure;
	int mx, srv;                 /* --mx, --srv: HOST is a mail domain, an SRV owner */
	struct check_cand *cands;    /* --candidate, loaded (check-candidate.c) */
	size_t ncands;
	const char **cand_files;
	size_t ncand_files;
	int candidate_only;          /* --candidate-only: that question alone */
	int single_key_ok;           /* --single-key-ok */
	const char *passin;          /* --passin SOURCE, for encrypted --candidate keys */
	const char *targets;         /* --targets FILE (check-targets.c) */
	unsigned long jobs;          /* --jobs */
	int fleet;                   /* a fleet's check: problems are said in input order */
	tlsa_verify_ctx *vctx;       /* a fleet's shared TLS context, or NULL */
	unsigned key_types;          /* --key-types: a TLSA_KEY_* mask */
	const struct check_format *fmt;
	char problem[1024]; /* why the check could not run, for the output format too */
	int said;           /* a result or status line is on stdout */
};

enum {
	OPT_PROTO = 256, OPT_SNI, OPT_RESOLVER, OPT_TRUST_ANCHOR, OPT_INSECURE, OPT_TLSA,
	OPT_TLSA_FILE, OPT_TIMEOUT, OPT_WARN_DAYS, OPT_CA_FILE, OPT_CA_PATH, OPT_HELO,
	OPT_SERVICE_DOMAIN, OPT_MX, OPT_SRV, OPT_CANDIDATE, OPT_TARGETS, OPT_CANDIDATE_ONLY,
	OPT_SINGLE_KEY_OK, OPT_PASSIN, OPT_KEY_TYPES
};

static const struct option long_options[] = {
	{ "port", required_argument, NULL, 'p' },
	{ "proto", required_argument, NULL, OPT_PROTO },
	{ "starttls", required_argument, NULL, 't' },
	{ "address", required_argument, NULL, 'a' },
	{ "ipv4", no_argument, NULL, '4' },
	{ "ipv6", no_argument, NULL, '6' },
	{ "sni", required_argument, NULL, OPT_SNI },
	{ "helo", required_argument, NULL, OPT_HELO },
	{ "service-domain", required_argument, NULL, OPT_SERVICE_DOMAIN },
	{ "mx", no_argument, NULL, OPT_MX },
	{ "srv", no_argument, NULL, OPT_SRV },
	{ "candidate", required_argument, NULL, OPT_CANDIDATE },
	{ "candidate-only", no_argument, NULL, OPT_CANDIDATE_ONLY },
	{ "passin", required_argument, NULL, OPT_PASSIN },
	{ "single-key-ok", no_argument, NULL, OPT_SINGLE_KEY_OK },
	{ "resolver", required_argument, NULL, OPT_RESOLVER },
	{ "trust-anchor", required_argument, NULL, OPT_TRUST_ANCHOR },
	{ "insecure", no_argument, NULL, OPT_INSECURE },
	{ "tlsa", required_argument, NULL, OPT_TLSA },
	{ "tlsa-file", required_argument, NULL, OPT_TLSA_FILE },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "warn-days", required_argument, NULL, OPT_WARN_DAYS },
	{ "ca-file", required_argument, NULL, OPT_CA_FILE },
	{ "ca-path", required_argument, NULL, OPT_CA_PATH },
	{ "key-types", required_argument, NULL, OPT_KEY_TYPES },
	{ "targets", required_argument, NULL, OPT_TARGETS },
	{ "jobs", required_argument, NULL, 'j' },
	{ "format", required_argument, NULL, 'o' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 }
};

static void help(void)
{
	printf("Usage: tlsa check [OPTIONS] HOST\n\n"
	       "Verify the TLS service at HOST against its DNSSEC-validated TLSA records,\n"
	       "on every address of HOST, with OpenSSL's DANE verifier.\n\n"
	       "Target:\n"
	       "  -p, --port PORT        port (default 443, or the STARTTLS protocol's port)\n"
	       "      --proto PROTO      tcp (the only one checked), for the TLSA owner\n"
	       "  -t, --starttls PROTO   speak PROTO before TLS: %s,\n"
	       "                         or none (default: from the port: 25 and 587 smtp,\n"
	       "                         143 imap, 110 pop3...; else TLS from the start)\n"
	       "  -a, --address ADDR     check ADDR instead of resolving HOST (repeatable)\n"
	       "  -4, --ipv4             IPv4 addresses only\n"
	       "  -6, --ipv6             IPv6 addresses only\n"
	       "      --sni NAME         server name to send (default: the TLSA base domain)\n"
	       "      --helo NAME        name for SMTP EHLO and LMTP LHLO (default localhost)\n"
	       "      --service-domain NAME  the service's domain when it is not HOST: the\n"
	       "                         XMPP stream's 'to' (RFC 7673), also accepted in\n"
	       "                         certificates under DANE-TA\n"
	       "      --mx               HOST is a mail domain: check every MX host on port 25\n"
	       "                         as a DANE sender does (RFC 7672)\n"
	       "      --srv              HOST is an SRV owner (_xmpp-client._tcp.example.org):\n"
	       "                         check every target (RFC 7673)\n\n"
	       "DNS:\n"
	       "      --resolver ADDR[@PORT]  ask this server (repeatable; default resolv.conf)\n"
	       "      --trust-anchor FILE     validate DNSSEC locally from these DS/DNSKEY\n"
	       "                              records instead of trusting the AD bit\n"
	       "      --insecure         accept TLSA records that are provably insecure or\n"
	       "                         unsigned (at best WARNING); never signed ones that\n"
	       "                         a non-validating resolver passed on (UNKNOWN)\n"
	       "      --tlsa \"U S M HEX\" check against this record instead of DNS (repeatable)\n"
	       "      --tlsa-file FILE   check against the records in FILE ('U S M HEX' or zone\n"
	       "                         lines, as tlsa create prints them); lines for other\n"
	       "                         owners than _PORT._PROTO.HOST are skipped\n\n"
	       "Checks:\n"
	       "      --timeout SEC      bound on each network step (default 10); a DNS query\n"
	       "                         is retried within it, and no answer is UNKNOWN\n"
	       "      --warn-days N      warn when a certificate in use expires within N days\n"
	       "                         (default 21)\n"
	       "      --ca-file FILE     CA certificates for PKIX usages 0 and 1\n"
	       "      --ca-path DIR      CA directory for PKIX usages 0 and 1 (default: system)\n"
	       "      --key-types LIST   certificate types to check on each address: all\n"
	       "                         (default: the one a client gets, then one handshake\n"
	       "                         each for RSA, ECDSA, Ed25519, Ed448), first (one\n"
	       "                         handshake), or some of rsa,ecdsa,ed25519,ed448\n"
	       "      --candidate FILE   also say whether the published records match this\n"
	       "                         certificate, chain, key or CSR before it is deployed\n"
	       "                         (repeatable; no match is CRITICAL)\n"
	       "      --candidate-only   answer only that: no live check (exit 0 every\n"
	       "                         candidate matches, 2 one does not or no records)\n"
	       "      --passin SOURCE    passphrase of an encrypted --candidate key:\n"
	       "                         env:VAR, file:PATH or fd:N\n"
	       "      --single-key-ok    one key published (no rollover record) is not a\n"
	       "                         WARNING: for a site that means it\n\n"
	       "Fleets:\n"
	       "      --targets FILE     check every target in FILE ('-': stdin), one\n"
	       "                         'HOST [PORT [STARTTLS]]' or '--mx DOMAIN' per line;\n"
	       "                         results in input order, exit status the worst\n"
	       "  -j, --jobs N           run N checks at a time (default 1)\n\n"
	       "Output:\n"
	       "  -o, --format FORMAT    text (default), json, nagios or prometheus\n"
	       "  -q, --quiet            print only problems (nothing when all is OK)\n"
	       "  -v, --verbose          say more: every record's result, CNAMEs (repeatable)\n"
	       "  -h, --help             this help\n\n"
	       "Exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also usage errors).\n"
	       "See tlsa-check(1).\n",
	       cli_fold(tlsa_starttls_names(), 47, 25));
}

/* The check cannot run: say why on stderr, and keep it for the output format. */
static void problem(struct check_opts *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(struct check_opts *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(o->problem, sizeof(o->problem), fmt, ap);
	va_end(ap);
	if (!o->fleet)
		cli_error("%s", o->problem);
}

static int push(const char ***v, size_t *n, const char *s)
{
	const char **nv = realloc(*v, (*n + 1) * sizeof(*nv));

	if (nv == NULL)
		return -1;
	nv[(*n)++] = s;
	*v = nv;
	return 0;
}

static int add_rec(struct check_target *t, tlsa_record *rec, size_t rdlen)
{
	struct check_rec *nv = realloc(t->recs, (t->nrecs + 1) * sizeof(*nv));
	struct check_rec *r;

	if (nv == NULL)
		return -1;
	t->recs = nv;
	r = &t->recs[t->nrecs];
	r->rec = rec;
	r->rdlen = rdlen;
	r->slot = -1;
	r->cand_match = 0;
	if (rec != NULL) {
		size_t i;

		r->slot = 0;
		for (i = 0; i < t->nrecs; i++)
			r->slot += t->recs[i].rec != NULL;
	}
	if (rec != NULL) {
		r->text = tlsa_record_to_text(rec);
	} else {
		r->text = malloc(48);
		if (r->text != NULL)
			snprintf(r->text, 48, "(malformed: %zu bytes of rdata)", rdlen);
	}
	if (r->text == NULL)
		return -1;
	t->nrecs++;
	return 0;
}

/*
 * --tlsa-file: records for the owner checked, from lines as `tlsa create`
 * prints them (rfc, generic) or bare rdata.
 *
 * A zone-file line names its owner: only records whose owner is the one
 * checked (_PORT._PROTO.HOST.) are used, so that a file for a whole site
 * cannot make one host's check pass on another's records; a bare
 * "U S M HEX" line carries no owner and is always used.  $ORIGIN
 * completes relative owners and "@", a line that starts with a blank
 * has the previous line's owner (as in a zone file), $TTL is ignored.
 */
struct file_owner {
	char expect[300]; /* _PORT._PROTO.HOST, lowercase, no final dot */
	char origin[300]; /* $ORIGIN, no final dot; "" when none */
	char last[300];   /* the previous record's owner, completed; "" when none */
	int have_last;
};

/* name into buf: completed from the origin, lowercase, without a final dot. */
static void owner_complete(const struct file_owner *fo, const char *name, size_t n, char *buf,
			   size_t size)
{
	char tmp[600];
	size_t i;
	int k;

	if (n == 1 && name[0] == '@')
		k = snprintf(tmp, sizeof(tmp), "%s", fo->origin);
	else if (n > 0 && name[n - 1] == '.')
		k = snprintf(tmp, sizeof(tmp), "%.*s", (int)(n - 1), name);
	else if (fo->origin[0] != '\0')
		k = snprintf(tmp, sizeof(tmp), "%.*s.%s", (int)n, name, fo->origin);
	else
		k = snprintf(tmp, sizeof(tmp), "%.*s", (int)n, name);
	if (k < 0 || (size_t)k >= size)
		k = 0; /* longer than any name: matches no owner */
	for (i = 0; i < (size_t)k; i++)
		buf[i] = (char)tolower((unsigned char)tmp[i]);
	buf[k] = '\0';
}

static int is_class_or_ttl(const char *p, size_t n)
{
	return (n == 2 && (strncasecmp(p, "IN", 2) == 0 || strncasecmp(p, "CH", 2) == 0 ||
			   strncasecmp(p, "HS", 2) == 0 || strncasecmp(p, "CS", 2) == 0)) ||
	       (n > 0 && p[0] >= '0' && p[0] <= '9');
}

/*
 * One line (comments removed, not empty): its rdata into *rdata, and
 * whether it is for the owner checked.  0 used, 1 skipped (owner into
 * skipped_owner), 2 a directive.
 */
static int line_owner(struct file_owner *fo, char *line, const char **rdata, char *skipped_owner,
		      size_t size)
{
	const char *p = line + strspn(line, " \t"), *first = p, *tok = NULL;
	size_t n, first_n = strcspn(p, " \t");
	char owner[300];

	if (line[0] == '$') {
		if (strncasecmp(line, "$ORIGIN", 7) == 0 && (line[7] == ' ' || line[7] == '\t')) {
			p = line + 7 + strspn(line + 7, " \t");
			n = strcspn(p, " \t");
			fo->origin[0] = '\0';
			owner_complete(fo, p, n, fo->origin, sizeof(fo->origin));
			return 2;
		}
		if (strncasecmp(line, "$TTL", 4) == 0)
			return 2;
	}
	*rdata = p;
	while (*p != '\0') {
		p += strspn(p, " \t");
		n = strcspn(p, " \t");
		if ((n == 4 && strncasecmp(p, "TLSA", 4) == 0) ||
		    (n == 6 && strncasecmp(p, "TYPE52", 6) == 0)) {
			tok = p;
			*rdata = p + n;
			break;
		}
		p += n;
	}
	if (tok == NULL)
		return 0; /* bare rdata: no owner */
	if (line[0] == ' ' || line[0] == '\t') {
		if (!fo->have_last)
			return 0;
		snprintf(owner, sizeof(owner), "%s", fo->last);
	} else if (first == tok || is_class_or_ttl(first, first_n)) {
		fo->have_last = 0;
		return 0; /* "IN TLSA ...": no owner */
	} else {
		owner_complete(fo, first, first_n, owner, sizeof(owner));
		snprintf(fo->last, sizeof(fo->last), "%s", owner);
		fo->have_last = 1;
	}
	if (strcmp(owner, fo->expect) == 0)
		return 0;
	if (snprintf(skipped_owner, size, "%s.", owner) >= (int)size)
		skipped_owner[0] = '\0';
	return 1;
}

/* Records from --tlsa-file; errors name the line.  0, or -1 after an error message. */
static int read_tlsa_file(struct check_target *t, struct check_opts *o, const char *path)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	char *line = NULL, *p, *c, first_skipped[300] = "", other[300];
	const char *rdata;
	size_t cap = 0, skipped = 0, used = 0;
	ssize_t len;
	unsigned long lineno = 0, first_line = 0;
	struct file_owner fo;
	tlsa_record *rec;
	tlsa_status st;
	int rc = 0, k;

	if (fp == NULL) {
		problem(o, "%s: %s", path, strerror(errno));
		return -1;
	}
	memset(&fo, 0, sizeof(fo));
	snprintf(fo.expect, sizeof(fo.expect), "_%u._%s.%s", t->port, t->proto, t->host);
	owner_complete(&fo, fo.expect, strlen(fo.expect), fo.expect, sizeof(fo.expect));
	while (rc == 0 && (len = getline(&line, &cap, fp)) >= 0) {
		lineno++;
		/* Zone-file comments start with ';', ours with '#' (but "\#" is RFC 3597's). */
		line[strcspn(line, ";\r\n")] = '\0';
		for (c = line; (c = strchr(c, '#')) != NULL; c++)
			if (c == line || c[-1] != '\\') {
				*c = '\0';
				break;
			}
		p = line + strspn(line, " \t");
		if (*p == '\0')
			continue;
		k = line_owner(&fo, line, &rdata, other, sizeof(other));
		if (k == 2)
			continue;
		st = tlsa_record_parse(rdata, &rec);
		if (st != TLSA_OK) {
			problem(o, "%s: line %lu: %s", path, lineno, tlsa_strerror(st));
			rc = -1;
		} else if (k == 1) {
			tlsa_record_free(rec);
			if (skipped++ == 0) {
				first_line = lineno;
				snprintf(first_skipped, sizeof(first_skipped), "%s", other);
			}
		} else if (add_rec(t, rec, 0) != 0) {
			tlsa_record_free(rec);
			problem(o, "out of memory");
			rc = -1;
		} else {
			used++;
		}
	}
	if (rc == 0 && ferror(fp)) {
		problem(o, "%s: %s", path, strerror(errno));
		rc = -1;
	}
	if (rc == 0 && used + skipped == 0) {
		problem(o, "%s: no TLSA records in the file", path);
		rc = -1;
	}
	t->skipped = skipped;
	/* The count is in the output too; a fleet's threads say nothing on stderr. */
	if (rc == 0 && skipped > 0 && !o->fleet)
		cli_warn("%s: %zu record%s for other owners skipped (line %lu: %s); checking "
			 "%s.",
			 path, skipped, skipped == 1 ? "" : "s", first_line, first_skipped,
			 fo.expect);
	free(line);
	if (fp != stdin)
		fclose(fp);
	return rc;
}

static int add_addr(struct check_target *t, const char *text, int dnssec)
{
	struct check_addr *nv = realloc(t->addr, (t->naddr + 1) * sizeof(*nv));

	if (nv == NULL)
		return -1;
	t->addr = nv;
	memset(&t->addr[t->naddr], 0, sizeof(*nv));
	snprintf(t->addr[t->naddr].address, sizeof(nv->address), "%s", text);
	t->addr[t->naddr].dnssec = dnssec;
	t->naddr++;
	return 0;
}

/* ---- sessions, concurrently ------------------------------------------------ */

struct pool {
	struct check_target *t;
	const tlsa_verify_opts *o;
	unsigned key_types;
	tlsa_verify_result ***v; /* per address: a result per key type offered */
	size_t *nv;
	size_t next;
	pthread_mutex_t mu;
};

static void *worker(void *arg)
{
	struct pool *p = arg;
	size_t i;

	for (;;) {
		pthread_mutex_lock(&p->mu);
		i = p->next++;
		pthread_mutex_unlock(&p->mu);
		if (i >= p->t->naddr)
			return NULL;
		/* The outcome is in v (empty only when out of memory). */
		(void)tlsa_verify_each(p->t->addr[i].address, p->t->port, p->o, p->key_types,
				       &p->v[i], &p->nv[i]);
	}
}

/*
 * An address whose server holds several certificates becomes one entry
 * per key type, side by side, each judged and printed on its own.
 * -1 when out of memory.
 */
static int spread_key_types(struct check_target *t, tlsa_verify_result ***v, const size_t *nv)
{
	struct check_addr *na;
	size_t i, j, n = 0, k = 0;

	for (i = 0; i < t->naddr; i++)
		n += nv[i] > 0 ? nv[i] : 1;
	na = calloc(n + 1, sizeof(*na));
	if (na == NULL)
		return -1;
	for (i = 0; i < t->naddr; i++) {
		for (j = 0; j < nv[i] || (j == 0 && nv[i] == 0); j++, k++) {
			na[k] = t->addr[i];
			na[k].res = nv[i] > 0 ? v[i][j] : NULL;
			na[k].key_type = na[k].res != NULL ? (int)na[k].res->key_type : 0;
			na[k].several = nv[i] > 1;
		}
		free(v[i]);
		v[i] = NULL;
	}
	free(t->addr);
	t->addr = na;
	t->naddr = n;
	return 0;
}

static int run_sessions(struct check_target *t, const tlsa_verify_opts *o, unsigned key_types)
{
	pthread_t th[MAX_THREADS];
	size_t n = t->naddr < MAX_THREADS ? t->naddr : MAX_THREADS, started = 0, i;
	struct pool p;
	int rc;

	p.t = t;
	p.o = o;
	p.key_types = key_types;
	p.v = calloc(t->naddr + 1, sizeof(*p.v));
	p.nv = calloc(t->naddr + 1, sizeof(*p.nv));
	if (p.v == NULL || p.nv == NULL) {
		free(p.v);
		free(p.nv);
		return -1;
	}
	p.next = 0;
	pthread_mutex_init(&p.mu, NULL);
	/* One address needs no thread of its own (a fleet has thousands). */
	for (i = 0; i < n && n > 1; i++)
		if (pthread_create(&th[i], NULL, worker, &p) == 0)
			started++;
		else
			break;
	if (started == 0)
		worker(&p); /* no threads to be had: one at a time */
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&p.mu);
	rc = spread_key_types(t, p.v, p.nv);
	for (i = 0; i < t->naddr && rc != 0; i++) {
		while (p.nv[i] > 0)
			tlsa_verify_result_free(p.v[i][--p.nv[i]]);
		free(p.v[i]);
	}
	free(p.v);
	free(p.nv);
	return rc;
}

/* ---- gathering ------------------------------------------------------------- */

static int gather_records(struct check_target *t, struct check_opts *o,
			  const tlsa_resolver *res)
{
	tlsa_record *rec;
	tlsa_status st;
	size_t i;

	if (t->source == SRC_GIVEN) {
		for (i = 0; i < o->ntlsa; i++) {
			st = tlsa_record_parse(o->tlsa[i], &rec);
			if (st != TLSA_OK || add_rec(t, rec, 0) != 0) {
				problem(o, "--tlsa '%s': %s", o->tlsa[i],
					  st != TLSA_OK ? tlsa_strerror(st) : "out of memory");
				if (st == TLSA_OK)
					tlsa_record_free(rec);
				return -1;
			}
		}
		if (o->tlsa_file != NULL && read_tlsa_file(t, o, o->tlsa_file) != 0)
			return -1;
		t->base_domain = strdup(t->host);
		return t->base_domain == NULL ? -1 : 0;
	}
	st = tlsa_lookup_tlsa(res, t->host, t->port, t->proto, &t->tlsa);
	if (st != TLSA_OK) {
		problem(o, "%s: TLSA lookup: %s", t->host, tlsa_strerror(st));
		return -1;
	}
	for (i = 0; i < t->tlsa->nrecords; i++) {
		const tlsa_dns_record *rr = &t->tlsa->records[i];

		rec = rr->record != NULL ? tlsa_record_dup(rr->record) : NULL;
		if ((rr->record != NULL && rec == NULL) || add_rec(t, rec, rr->rdlen) != 0) {
			tlsa_record_free(rec);
			problem(o, "out of memory");
			return -1;
		}
	}
	t->base_domain = strdup(t->tlsa->base_domain != NULL ? t->tlsa->base_domain : t->host);
	if (t->base_domain == NULL) {
		problem(o, "out of memory");
		return -1;
	}
	return 0;
}

/* Address order for the report: IPv4 before IPv6, then numerically. */
static int addr_cmp(const void *pa, const void *pb)
{
	const struct check_addr *a = pa, *b = pb;
	unsigned char x[16] = { 0 }, y[16] = { 0 };
	int fa = strchr(a->address, ':') != NULL, fb = strchr(b->address, ':') != NULL;

	if (fa != fb)
		return fa - fb;
	inet_pton(fa ? AF_INET6 : AF_INET, a->address, x);
	inet_pton(fb ? AF_INET6 : AF_INET, b->address, y);
	return memcmp(x, y, sizeof(x));
}

static int gather_addresses(struct check_target *t, struct check_opts *o,
			    const tlsa_resolver *res)
{
	tlsa_status st;
	size_t i;

	if (o->naddresses > 0) {
		for (i = 0; i < o->naddresses; i++)
			if (add_addr(t, o->addresses[i], -1) != 0)
				return -1;
		return 0;
	}
	st = tlsa_lookup_addresses(res, t->host, o->family, &t->addrs);
	if (st != TLSA_OK) {
		problem(o, "%s: address lookup: %s", t->host, tlsa_strerror(st));
		return -1;
	}
	for (i = 0; i < t->addrs->naddrs; i++) {
		/* A forged address would lead us to a forged server: never connect to it. */
		if (t->addrs->addrs[i].state == TLSA_DNSSEC_BOGUS)
			continue;
		if (add_addr(t, t->addrs->addrs[i].text, (int)t->addrs->addrs[i].state) != 0)
			return -1;
	}
	if (t->naddr > 1)
		qsort(t->addr, t->naddr, sizeof(*t->addr), addr_cmp);
	return 0;
}

static void drop_addresses(struct check_target *t)
{
	size_t i;

	for (i = 0; i < t->naddr; i++) {
		tlsa_verify_result_free(t->addr[i].res);
		free(t->addr[i].message);
		notes_free(&t->addr[i].notes);
	}
	free(t->addr);
	t->addr = NULL;
	t->naddr = 0;
}

static void target_free(struct check_target *t)
{
	size_t i;

	for (i = 0; i < t->nrecs; i++) {
		tlsa_record_free(t->recs[i].rec);
		free(t->recs[i].text);
	}
	free(t->recs);
	drop_addresses(t);
	notes_free(&t->notes);
	check_cands_free(t);
	tlsa_tlsa_result_free(t->tlsa);
	tlsa_addr_result_free(t->addrs);
	free(t->base_domain);
}

static double seconds_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/* The first --resolver that is no ADDR[@PORT], quoted (a static buffer). */
static const char *bad_resolver(const struct check_opts *o)
{
	static char q[128];
	tlsa_resolver *r;
	size_t i;

	snprintf(q, sizeof(q), "(one of them)");
	for (i = 0; i < o->nresolvers; i++) {
		r = NULL;
		if (tlsa_resolver_new(&r, &o->resolvers[i], 1, 1000, NULL) == TLSA_ERR_RESOLVER_ADDR) {
			cli_quote(o->resolvers[i], q, sizeof(q));
			break;
		}
		tlsa_resolver_free(r);
	}
	return q;
}

/* The resolver every lookup of the run shares; NULL with o->problem set on failure. */
static tlsa_resolver *make_resolver(struct check_opts *o, int warn_remote)
{
	tlsa_resolver *res = NULL;
	const char *first;
	tlsa_status st;

	st = tlsa_resolver_new(&res, o->resolvers, o->nresolvers, (unsigned)o->timeout * 1000,
			       o->trust_anchor);
	if (st != TLSA_OK) {
		if (o->trust_anchor != NULL && st != TLSA_ERR_RESOLVER_ADDR &&
		    st != TLSA_ERR_RESOLV_CONF)
			problem(o, "--trust-anchor %s: %s", o->trust_anchor, tlsa_strerror(st));
		else if (st == TLSA_ERR_RESOLVER_ADDR)
			problem(o, "--resolver %s: %s", bad_resolver(o), tlsa_strerror(st));
		else if (st == TLSA_ERR_RESOLV_CONF)
			problem(o, "%s (give --resolver)", tlsa_strerror(st));
		else
			problem(o, "resolver: %s", tlsa_strerror(st));
		return NULL;
	}
	if (warn_remote && !tlsa_resolver_local(res) && tlsa_resolver_remote(res, &first) > 0)
		cli_warn("resolver %s is not on loopback: its AD bit crosses the network "
			 "unauthenticated (use a local validating resolver or --trust-anchor)",
			 first);
	return res;
}

static void target_conf(const struct check_opts *o, const struct check_target *t,
			struct check_conf *conf)
{
	memset(conf, 0, sizeof(*conf));
	conf->insecure = o->insecure;
	conf->warn_days = (int)o->warn_days;
	/* RFC 7672 is the SMTP-to-MX protocol: port 25 (submission is not). */
	conf->smtp = t->port == 25 && t->starttls != NULL &&
		     strcmp(tlsa_starttls_name(t->starttls), "smtp") == 0;
	conf->now = time(NULL);
	conf->single_key_ok = o->single_key_ok;
	conf->candidate_only = o->candidate_only;
}

/*
 * Gather, verify and judge one target whose host, port, proto, starttls,
 * source, preference and service_domain the caller set: everything but
 * printing.  0, or -1 when the check could not run (o->problem says why,
 * t->verdict is UNKNOWN).
 */
static int examine(struct check_opts *o, const tlsa_resolver *res, struct check_target *t,
		   const struct check_conf *conf, const struct timespec *start)
{
	tlsa_verify_opts vo;
	const tlsa_record **recs = NULL;
	const char *names[3];
	size_t i, n = 0;
	int live;

	t->verdict = V_UNKNOWN;
	if (gather_records(t, o, res) != 0)
		return -1;
	/*
	 * --candidate-only asks about the records, not the service: a server
	 * is contacted only for the issuer of a lone certificate.
	 */
	live = !o->candidate_only || check_cands_need_chain(t, o->cands, o->ncands, conf->smtp);
	if (live && gather_addresses(t, o, res) != 0)
		return -1;
	if (check_records_trust(t, conf) != 0) {
		problem(o, "out of memory");
		return -1;
	}

	memset(&vo, 0, sizeof(vo));
	vo.base_domain = t->base_domain;
	/*
	 * Reference identifiers besides the base domain: a CNAME's original
	 * name (RFC 7671 section 7, RFC 7672 section 3.2.2), the service
	 * domain (RFC 7673).
	 */
	if (t->tlsa != NULL && strcasecmp(t->tlsa->host, t->base_domain) != 0)
		names[vo.nnames++] = t->tlsa->host;
	if (t->service_domain != NULL)
		names[vo.nnames++] = t->service_domain;
	vo.names = names;
	vo.service_domain = t->service_domain;
	vo.sni = o->sni;
	vo.starttls = t->starttls;
	vo.client_name = o->helo;
	vo.timeout_ms = (int)o->timeout * 1000;
	vo.smtp = conf->smtp;
	vo.ca_file = o->ca_file;
	vo.ca_path = o->ca_path;
	vo.ctx = o->vctx;
	if (t->use_records) {
		recs = calloc(t->nrecs + 1, sizeof(*recs));
		if (recs == NULL) {
			problem(o, "out of memory");
			return -1;
		}
		for (i = 0; i < t->nrecs; i++)
			if (t->recs[i].rec != NULL)
				recs[n++] = t->recs[i].rec;
		vo.records = recs;
		vo.nrecords = n;
		for (i = 0; i < t->naddr; i++)
			t->addr[i].verified_with_records = n > 0;
	}
	/* Without records to check there is nothing to tell the key types apart for. */
	if (live && run_sessions(t, &vo, n > 0 ? o->key_types : TLSA_KEY_FIRST) != 0) {
		free(recs);
		problem(o, "out of memory");
		return -1;
	}
	free(recs);
	t->seconds = seconds_since(start);
	if (check_candidates(t, o->cands, o->ncands, conf->smtp) != 0) {
		problem(o, "out of memory");
		t->verdict = V_UNKNOWN;
		return -1;
	}
	/* The sessions only lent their chains: the live service is not the question. */
	if (o->candidate_only)
		drop_addresses(t);
	if (check_policy(t, conf) != 0) {
		problem(o, "out of memory");
		t->verdict = V_UNKNOWN;
		return -1;
	}
	return 0;
}

/* Everything after the options: the check of one target. */
static int check_target(struct check_opts *o, const char *host)
{
	struct check_target t;
	struct check_conf conf;
	tlsa_resolver *res = NULL;
	struct timespec start;
	int rc = V_UNKNOWN;

	clock_gettime(CLOCK_MONOTONIC, &start);
	memset(&t, 0, sizeof(t));
	t.host = host;
	t.port = (unsigned)o->port;
	t.proto = o->proto;
	t.starttls = o->starttls;
	t.source = (o->ntlsa > 0 || o->tlsa_file != NULL) ? SRC_GIVEN : SRC_DNS;
	t.source_file = o->tlsa_file;
	t.preference = -1;
	t.service_domain = o->service_domain;
	target_conf(o, &t, &conf);

	if (t.source == SRC_DNS || o->naddresses == 0) {
		res = make_resolver(o, t.source == SRC_DNS);
		if (res == NULL)
			goto out;
	}
	if (examine(o, res, &t, &conf, &start) != 0)
		goto out;
	o->fmt->print(stdout, &t, &conf);
	o->said = 1;
	rc = (int)t.verdict;
	o->problem[0] = '\0';
out:
	if (o->problem[0] != '\0' && o->fmt->unknown != NULL) {
		o->fmt->unknown(stdout, &t, o->problem);
		o->said = 1;
	}
	target_free(&t);
	tlsa_resolver_free(res);
	return rc;
}

/*
 * --mx DOMAIN and --srv OWNER: expand into hosts (check-mx.c), check each
 * as a target of its own, judge and print the whole.  A fleet line
 * "--mx DOMAIN" can call this as it is.  Returns the exit status.
 */
static int examine_group(struct check_opts *o, const tlsa_resolver *res, const char *name,
			 struct check_group *g, struct check_conf *conf)
{
	struct check_target *t;
	struct timespec start, tstart;
	char why[1024];
	size_t i;
	int ok;

	clock_gettime(CLOCK_MONOTONIC, &start);
	ok = o->mx ? check_expand_mx(res, name, g, why, sizeof(why))
		   : check_expand_srv(res, name, o->starttls, o->starttls_set, g, why, sizeof(why));
	if (ok != 0) {
		problem(o, "%s", why);
		return -1;
	}
	g->t = calloc(g->nep + 1, sizeof(*g->t));
	if (g->t == NULL) {
		problem(o, "out of memory");
		return -1;
	}
	for (i = 0; i < g->nep; i++) {
		clock_gettime(CLOCK_MONOTONIC, &tstart);
		t = &g->t[g->nt++];
		t->host = g->ep[i].host;
		t->port = g->ep[i].port;
		t->proto = "tcp";
		t->starttls = g->ep[i].starttls;
		t->source = SRC_DNS;
		t->preference = g->ep[i].preference;
		t->service_domain = o->service_domain != NULL ? o->service_domain
							       : g->service_domain;
		target_conf(o, t, conf);
		/* One host that cannot be checked does not stop the others. */
		if (examine(o, res, t, conf, &tstart) != 0) {
			t->verdict = V_UNKNOWN;
			if (notes_add(&t->notes, V_UNKNOWN, "%s", o->problem) != 0) {
				problem(o, "out of memory");
				return -1;
			}
			o->problem[0] = '\0';
		}
	}
	memset(conf, 0, sizeof(*conf));
	target_conf(o, &g->t[0], conf);
	conf->smtp = o->mx;
	g->seconds = seconds_since(&start);
	if (check_policy_group(g, conf) != 0) {
		problem(o, "out of memory");
		return -1;
	}
	return 0;
}

/* Frees a group and the targets examine_group() made. */
static void group_free(struct check_group *g)
{
	size_t i;

	for (i = 0; i < g->nt; i++)
		target_free(&g->t[i]);
	free(g->t);
	check_group_free(g);
}

/* A group alone (--mx or --srv on the command line): examined, then printed. */
static int check_group(struct check_opts *o, const char *name)
{
	struct check_group g;
	struct check_conf conf;
	tlsa_resolver *res;
	int rc = V_UNKNOWN;

	memset(&g, 0, sizeof(g));
	res = make_resolver(o, 1);
	if (res == NULL || examine_group(o, res, name, &g, &conf) != 0)
		goto out;
	check_print_group(stdout, &g, &conf, o->fmt);
	o->said = 1;
	rc = (int)g.verdict;
	o->problem[0] = '\0';
out:
	if (o->problem[0] != '\0' && o->fmt->unknown != NULL) {
		struct check_target u;

		memset(&u, 0, sizeof(u));
		u.host = name;
		u.port = o->mx ? 25 : 0;
		/* Prometheus has a series for the group itself: it says 3. */
		if (o->fmt->unknown == check_prometheus_unknown)
			check_prometheus_group_unknown(stdout, o->mx, name, o->problem);
		else
			o->fmt->unknown(stdout, &u, o->problem);
		o->said = 1;
	}
	group_free(&g);
	tlsa_resolver_free(res);
	return rc;
}

/* ---- --targets: a fleet (check-targets.c runs the pool, in input order) ---- */

struct fleet_ctx {
	struct check_opts *o;
	tlsa_resolver *res;
};

/* The file is good: make the resolver every check of the fleet shares. */
static int fleet_ready(void *ctx)
{
	struct fleet_ctx *fc = ctx;

	fc->res = make_resolver(fc->o, fc->o->ntlsa == 0 && fc->o->tlsa_file == NULL);
	return fc->res != NULL ? 0 : -1;
}

/*
 * One line of a fleet, on one of the pool's threads.  The options are
 * copied: each check keeps its own problem text, which the pool says on
 * stderr in input order (nothing is printed from here).
 */
static void fleet_check(void *ctx, struct fleet_result *r)
{
	const struct fleet_ctx *fc = ctx;
	struct check_opts *lo = malloc(sizeof(*lo));
	struct check_target *t = &r->t;
	struct timespec start;
	int rc;

	r->verdict = V_UNKNOWN;
	if (lo == NULL) {
		snprintf(r->problem, sizeof(r->problem), "%s: out of memory", r->line.host);
		return;
	}
	*lo = *fc->o;
	lo->fleet = 1;
	lo->problem[0] = '\0';
	if (r->line.mx) {
		lo->mx = 1;
		r->is_group = 1;
		rc = examine_group(lo, fc->res, r->line.host, &r->g, &r->conf);
		if (rc == 0)
			r->verdict = r->g.verdict;
	} else {
		clock_gettime(CLOCK_MONOTONIC, &start);
		t->host = r->line.host;
		t->port = r->line.port;
		t->proto = lo->proto;
		t->starttls = r->line.starttls;
		t->source = (lo->ntlsa > 0 || lo->tlsa_file != NULL) ? SRC_GIVEN : SRC_DNS;
		t->source_file = lo->tlsa_file;
		t->preference = -1;
		t->service_domain = lo->service_domain;
		target_conf(lo, t, &r->conf);
		rc = examine(lo, fc->res, t, &r->conf, &start);
		if (rc == 0)
			r->verdict = t->verdict;
	}
	if (rc != 0)
		snprintf(r->problem, sizeof(r->problem), "%s",
			 lo->problem[0] != '\0' ? lo->problem : "the check could not run");
	free(lo);
}

static void fleet_release(void *ctx, struct fleet_result *r)
{
	(void)ctx;
	if (r->is_group)
		group_free(&r->g);
	else
		target_free(&r->t);
}

static int run_fleet(struct check_opts *o)
{
	struct fleet_ctx fc;
	struct fleet_run f;
	int rc;

	fc.o = o;
	fc.res = NULL;
	/* One TLS context for every session: OpenSSL 3.0 builds one slowly. */
	if (tlsa_verify_ctx_new(o->ca_file, o->ca_path, &o->vctx) != TLSA_OK)
		o->vctx = NULL;
	memset(&f, 0, sizeof(f));
	f.file = o->targets;
	f.jobs = (unsigned)o->jobs;
	f.defaults.port = (unsigned)o->port;
	f.defaults.starttls = o->starttls;
	f.defaults.starttls_set = o->starttls_set;
	f.fmt = o->fmt;
	f.out = fleet_format_find(o->fmt->name);
	f.ready = fleet_ready;
	f.check = fleet_check;
	f.release = fleet_release;
	f.ctx = &fc;
	rc = f.out != NULL ? check_fleet(&f) : V_UNKNOWN;
	o->said = f.out != NULL; /* check_fleet says even why it stopped */
	tlsa_resolver_free(fc.res);
	tlsa_verify_ctx_free(o->vctx);
	o->vctx = NULL;
	return rc;
}

/* Options that name one host's details make no sense for a fleet. */
static int fleet_usage(const struct check_opts *o, int nargs, char **args)
{
	if (nargs > 0)
		return cli_usage_error("unexpected argument '%s' (--targets names the hosts)",
				       args[0]);
	if (o->mx || o->srv)
		return cli_usage_error("%s is for one HOST; a targets file takes '--mx DOMAIN' "
				       "lines", o->mx ? "--mx" : "--srv");
	if (o->naddresses > 0)
		return cli_usage_error("--address is for one HOST, not --targets");
	if (o->sni != NULL)
		return cli_usage_error("--sni is for one HOST, not --targets");
	if (o->tlsa_file != NULL && strcmp(o->tlsa_file, "-") == 0)
		return cli_usage_error("--tlsa-file - would be read once per target: give a file");
	return -1;
}

/*
 * --mx and --srv find the hosts, ports and protocols themselves: options
 * naming one host's are refused.  -1 when all is well, else the status.
 */
static int group_usage(const struct check_opts *o)
{
	const char *opt = o->mx ? "--mx" : "--srv";

	if (o->mx && o->srv)
		return cli_usage_error("--mx and --srv exclude each other");
	if (o->port_set)
		return cli_usage_error("%s finds the ports itself: -p is not allowed", opt);
	if (o->mx && o->starttls_set)
		return cli_usage_error("--mx speaks SMTP on port 25: -t is not allowed");
	if (o->naddresses > 0)
		return cli_usage_error("%s finds the hosts and their addresses: --address is not "
				       "allowed", opt);
	if (o->ntlsa > 0 || o->tlsa_file != NULL)
		return cli_usage_error("%s checks every host against its own TLSA records: "
				       "--tlsa and --tlsa-file are not allowed", opt);
	if (o->sni != NULL)
		return cli_usage_error("%s sends each host's own name: --sni is not allowed", opt);
	if (o->mx && o->service_domain != NULL)
		return cli_usage_error("--service-domain is for --srv, not --mx");
	return -1;
}

static int parse_address(const char *text)
{
	unsigned char buf[16];

	if (inet_pton(AF_INET, text, buf) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, text, buf) == 1)
		return AF_INET6;
	return -1;
}

/*
 * The format asked for, looked up before the options are parsed, so that
 * a usage error in an option before -o (a Nagios command line with a bad
 * $ARG1$) still gets its status line in that format.  getopt_long decides
 * for real afterwards.
 */
static const struct check_format *early_format(int argc, char **argv,
					       const struct check_format *dflt)
{
	const struct check_format *f = dflt, *k;
	const char *v;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		v = NULL;
		if ((strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--format") == 0) && i + 1 < argc)
			v = argv[++i];
		else if (strncmp(argv[i], "--format=", 9) == 0)
			v = argv[i] + 9;
		else if (strncmp(argv[i], "-o", 2) == 0)
			v = argv[i] + 2;
		if (v != NULL && (k = check_format_find(v)) != NULL)
			f = k;
	}
	return f;
}

int cmd_check(int argc, char **argv)
{
	struct check_opts o;
	const char *host = NULL, *named = NULL;
	char *pass = NULL;
	char hostwhy[256];
	int hk;
	size_t i;
	int c, rc, fam;

	memset(&o, 0, sizeof(o));
	o.port = 443;
	o.proto = "tcp";
	o.timeout = 10;
	o.warn_days = 21;
	o.family = AF_UNSPEC;
	o.key_types = TLSA_KEY_FIRST | TLSA_KEY_ALL;
	o.fmt = check_format_find("text");
	cli.cmd = "check";
	cli.usage_status = 3;
	rc = -1;
	opterr = 0;
	o.jobs = 1;
	o.fmt = early_format(argc, argv, o.fmt);
	while (rc < 0 && (c = getopt_long(argc, argv, ":p:t:a:46j:o:qvh", long_options, NULL)) != -1) {
		switch (c) {
		case 'p':
			if (cli_parse_ulong(optarg, 1, 65535, &o.port) != 0)
				rc = cli_usage_error("bad port '%s' (want 1-65535)", optarg);
			o.port_set = 1;
			break;
		case OPT_PROTO:
			/* The owner could name udp or sctp, but we speak TLS over TCP only. */
			if (strcmp(optarg, "udp") == 0 || strcmp(optarg, "sctp") == 0)
				rc = cli_usage_error("--proto %s: only TCP services can be checked "
						     "(DTLS and SCTP are not supported)",
						     optarg);
			else if (strcmp(optarg, "tcp") != 0)
				rc = cli_usage_error("bad --proto '%s' (want tcp)", optarg);
			o.proto = optarg;
			break;
		case 't':
			o.starttls_set = 1;
			o.starttls = strcmp(optarg, "none") == 0 ? NULL : tlsa_starttls_find(optarg);
			if (o.starttls == NULL && strcmp(optarg, "none") != 0)
				rc = cli_usage_error("unknown STARTTLS protocol '%s' (want one of: %s, "
						     "or none)",
						     optarg, tlsa_starttls_names());
			break;
		case 'a':
			fam = parse_address(optarg);
			if (fam < 0)
				rc = cli_usage_error("bad --address '%s' (want a numeric IPv4 or IPv6 "
						     "address)",
						     optarg);
			else if (push(&o.addresses, &o.naddresses, optarg) != 0)
				rc = cli_usage_error("out of memory");
			break;
		case '4': o.family = o.family == AF_INET6 ? -1 : AF_INET; break;
		case '6': o.family = o.family == AF_INET ? -1 : AF_INET6; break;
		case OPT_SNI: o.sni = optarg; break;
		case OPT_HELO: o.helo = optarg; break;
		case OPT_SERVICE_DOMAIN: o.service_domain = optarg; break;
		case OPT_MX: o.mx = 1; break;
		case OPT_SRV: o.srv = 1; break;
		case OPT_CANDIDATE:
			if (push(&o.cand_files, &o.ncand_files, optarg) != 0)
				rc = cli_usage_error("out of memory");
			break;
		case OPT_CANDIDATE_ONLY: o.candidate_only = 1; break;
		case OPT_SINGLE_KEY_OK: o.single_key_ok = 1; break;
		case OPT_PASSIN: o.passin = optarg; break;
		case OPT_RESOLVER:
			if (push(&o.resolvers, &o.nresolvers, optarg) != 0)
				rc = cli_usage_error("out of memory");
			break;
		case OPT_TRUST_ANCHOR: o.trust_anchor = optarg; break;
		case OPT_INSECURE: o.insecure = 1; break;
		case OPT_TLSA:
			if (push(&o.tlsa, &o.ntlsa, optarg) != 0)
				rc = cli_usage_error("out of memory");
			break;
		case OPT_TLSA_FILE: o.tlsa_file = optarg; break;
		case OPT_TIMEOUT:
			if (cli_parse_ulong(optarg, 1, 3600, &o.timeout) != 0)
				rc = cli_usage_error("bad --timeout '%s' (want 1-3600 seconds)", optarg);
			break;
		case OPT_WARN_DAYS:
			if (cli_parse_ulong(optarg, 0, 3650, &o.warn_days) != 0)
				rc = cli_usage_error("bad --warn-days '%s' (want 0-3650)", optarg);
			break;
		case OPT_CA_FILE: o.ca_file = optarg; break;
		case OPT_CA_PATH: o.ca_path = optarg; break;
		case OPT_KEY_TYPES:
			if (tlsa_key_types_parse(optarg, &o.key_types) != TLSA_OK)
				rc = cli_usage_error("bad --key-types '%s' (want all, first, or "
						     "a list of rsa, ecdsa, ed25519, ed448)",
						     optarg);
			break;
		case OPT_TARGETS: o.targets = optarg; break;
		case 'j':
			if (cli_parse_ulong(optarg, 1, 256, &o.jobs) != 0)
				rc = cli_usage_error("bad --jobs '%s' (want 1-256)", optarg);
			break;
		case 'o':
			o.fmt = check_format_find(optarg);
			if (o.fmt == NULL)
				rc = cli_usage_error("unknown format '%s' (want text, json, nagios or "
						     "prometheus)",
						     optarg);
			break;
		case 'q': cli.quiet = 1; break;
		case 'v': cli.verbose++; break;
		case 'h': help(); rc = 0; break;
		default: rc = cli_option_error(argv, c); break;
		}
	}
	if (rc >= 0)
		goto done;
	if (o.family < 0) {
		rc = cli_usage_error("-4 and -6 exclude each other");
		goto done;
	}
	if (o.targets != NULL && (rc = fleet_usage(&o, argc - optind, argv + optind)) >= 0)
		goto done;
	if (o.targets == NULL && optind >= argc) {
		rc = cli_usage_error("no HOST to check");
		goto done;
	}
	host = o.targets != NULL ? NULL : argv[optind++];
	if (optind < argc) {
		rc = cli_usage_error("unexpected argument '%s' (one HOST at a time)", argv[optind]);
		goto done;
	}
	if (host != NULL && (hk = cli_host_check(host, hostwhy, sizeof(hostwhy))) != 0) {
		rc = cli_usage_error("%s%s", hostwhy,
				     hk == CLI_HOST_PORT	? " (give the port with -p)"
				     : hk == CLI_HOST_ADDRESS ? " (give the host name, and the "
								"address with --address)"
							      : "");
		goto done;
	}
	named = host;
	for (i = 0; i < o.naddresses; i++) {
		fam = parse_address(o.addresses[i]);
		if (o.family != AF_UNSPEC && fam != o.family) {
			rc = cli_usage_error("--address %s is not %s", o.addresses[i],
					     o.family == AF_INET ? "IPv4 (-4)" : "IPv6 (-6)");
			goto done;
		}
	}
	if (o.insecure && (o.ntlsa > 0 || o.tlsa_file != NULL))
		cli_warn("--insecure has no effect with --tlsa or --tlsa-file");
	if (o.trust_anchor != NULL && o.ntlsa > 0 && o.naddresses > 0)
		cli_warn("--trust-anchor has no effect: records and addresses are given");
	if ((o.mx || o.srv) && (rc = group_usage(&o)) >= 0)
		goto done;
	if (o.candidate_only && o.ncand_files == 0) {
		rc = cli_usage_error("--candidate-only needs a --candidate FILE to ask about");
		goto done;
	}
	if (o.passin != NULL && o.ncand_files == 0) {
		rc = cli_usage_error("--passin is for an encrypted --candidate key: give --candidate");
		goto done;
	}
	if (o.passin != NULL && (rc = cli_passin_read(o.passin, &pass)) != 0)
		goto done;
	if (o.ncand_files > 0) {
		char why[1024];

		o.cands = calloc(o.ncand_files, sizeof(*o.cands));
		if (o.cands == NULL) {
			rc = cli_usage_error("out of memory");
			goto done;
		}
		for (i = 0; i < o.ncand_files; i++, o.ncands++)
			if (check_cand_load(&o.cands[i], o.cand_files[i], pass, why, sizeof(why)) != 0) {
				cli_error("%s", why);
				rc = V_UNKNOWN;
				goto done;
			}
	}
	if (o.mx || o.srv) {
		rc = check_group(&o, host);
		goto done;
	}
	/* The port picks the protocol, or the protocol picks the port. */
	if (!o.starttls_set)
		o.starttls = tlsa_starttls_by_port((unsigned)o.port);
	else if (!o.port_set && o.starttls != NULL)
		o.port = tlsa_starttls_port(o.starttls);
	rc = o.targets != NULL ? run_fleet(&o) : check_target(&o, host);
done:
	/*
	 * Every UNKNOWN says why on stdout too, in the format asked for
	 * (text: stderr says enough), however early it came: a monitoring
	 * system shows stdout.
	 */
	if (rc == V_UNKNOWN && !o.said && o.fmt != NULL && o.fmt->unknown != NULL) {
		struct check_target u;
		const char *why = cli_first_error();

		memset(&u, 0, sizeof(u));
		u.host = named;
		u.port = o.mx ? 25 : (unsigned)o.port;
		o.fmt->unknown(stdout, &u, why[0] != '\0' ? why : "the check could not run");
	}
	if (pass != NULL) {
		OPENSSL_cleanse(pass, strlen(pass));
		free(pass);
	}
	for (i = 0; i < o.ncands; i++)
		tlsa_input_free(o.cands[i].in);
	free(o.cands);
	free(o.cand_files);
	free(o.addresses);
	free(o.resolvers);
	free(o.tlsa);
	return rc;
}
