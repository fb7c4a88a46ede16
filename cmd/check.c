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
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

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
	const struct check_format *fmt;
	char problem[1024]; /* why the check could not run, for the output format too */
};

enum {
	OPT_PROTO = 256, OPT_SNI, OPT_RESOLVER, OPT_TRUST_ANCHOR, OPT_INSECURE, OPT_TLSA,
	OPT_TLSA_FILE, OPT_TIMEOUT, OPT_WARN_DAYS, OPT_CA_FILE, OPT_CA_PATH, OPT_HELO,
	OPT_SERVICE_DOMAIN
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
	{ "resolver", required_argument, NULL, OPT_RESOLVER },
	{ "trust-anchor", required_argument, NULL, OPT_TRUST_ANCHOR },
	{ "insecure", no_argument, NULL, OPT_INSECURE },
	{ "tlsa", required_argument, NULL, OPT_TLSA },
	{ "tlsa-file", required_argument, NULL, OPT_TLSA_FILE },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "warn-days", required_argument, NULL, OPT_WARN_DAYS },
	{ "ca-file", required_argument, NULL, OPT_CA_FILE },
	{ "ca-path", required_argument, NULL, OPT_CA_PATH },
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
	       "  -a, --address ADDR     check this address instead of resolving HOST (repeatable)\n"
	       "  -4, --ipv4             IPv4 addresses only\n"
	       "  -6, --ipv6             IPv6 addresses only\n"
	       "      --sni NAME         server name to send (default: the TLSA base domain)\n"
	       "      --helo NAME        name for SMTP EHLO and LMTP LHLO (default localhost)\n"
	       "      --service-domain NAME  the service's domain when it is not HOST: the\n"
	       "                         XMPP stream's 'to' (RFC 7673), also accepted in\n"
	       "                         certificates under DANE-TA\n\n"
	       "DNS:\n"
	       "      --resolver ADDR[@PORT]  ask this server (repeatable; default resolv.conf)\n"
	       "      --trust-anchor FILE     validate DNSSEC locally from these DS/DNSKEY\n"
	       "                              records instead of trusting the AD bit\n"
	       "      --insecure         accept TLSA records that are not DNSSEC-secure (at best\n"
	       "                         WARNING)\n"
	       "      --tlsa \"U S M HEX\" check against this record instead of DNS (repeatable)\n"
	       "      --tlsa-file FILE   check against the records in FILE ('U S M HEX' or zone\n"
	       "                         lines, as tlsa create prints them)\n\n"
	       "Checks:\n"
	       "      --timeout SEC      bound on each network step (default 10)\n"
	       "      --warn-days N      warn when a certificate in use expires within N days\n"
	       "                         (default 21)\n"
	       "      --ca-file FILE     CA certificates for PKIX usages 0 and 1\n"
	       "      --ca-path DIR      CA directory for PKIX usages 0 and 1 (default: system)\n\n"
	       "Output:\n"
	       "  -o, --format FORMAT    text (default), json or nagios\n"
	       "  -q, --quiet            print only problems (nothing when all is OK)\n"
	       "  -v, --verbose          say more: every record's result, CNAMEs (repeatable)\n"
	       "  -h, --help             this help\n\n"
	       "Exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also usage errors).\n"
	       "See tlsa-check(1).\n",
	       tlsa_starttls_names());
}

/* The check cannot run: say why on stderr, and keep it for the output format. */
static void problem(struct check_opts *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(struct check_opts *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(o->problem, sizeof(o->problem), fmt, ap);
	va_end(ap);
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

static int add_rec(struct check_target *t, tlsa_record *rec, const char *malformed)
{
	struct check_rec *nv = realloc(t->recs, (t->nrecs + 1) * sizeof(*nv));
	struct check_rec *r;

	if (nv == NULL)
		return -1;
	t->recs = nv;
	r = &t->recs[t->nrecs];
	r->rec = rec;
	r->slot = -1;
	if (rec != NULL) {
		size_t i;

		r->slot = 0;
		for (i = 0; i < t->nrecs; i++)
			r->slot += t->recs[i].rec != NULL;
	}
	r->text = rec != NULL ? tlsa_record_to_text(rec) : strdup(malformed);
	if (r->text == NULL)
		return -1;
	t->nrecs++;
	return 0;
}

/* The rdata part of a --tlsa-file line: after "TLSA" or "TYPE52" when present. */
static const char *rdata_part(const char *line)
{
	const char *p = line;
	size_t n;

	while (*p != '\0') {
		p += strspn(p, " \t");
		n = strcspn(p, " \t");
		if ((n == 4 && strncasecmp(p, "TLSA", 4) == 0) ||
		    (n == 6 && strncasecmp(p, "TYPE52", 6) == 0))
			return p + n;
		p += n;
	}
	return line;
}

/* Records from --tlsa-file; errors name the line.  0, or -1 after an error message. */
static int read_tlsa_file(struct check_target *t, struct check_opts *o, const char *path)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	char *line = NULL, *p;
	size_t cap = 0;
	ssize_t len;
	unsigned long lineno = 0;
	tlsa_record *rec;
	tlsa_status st;
	int rc = 0;

	if (fp == NULL) {
		problem(o, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (rc == 0 && (len = getline(&line, &cap, fp)) >= 0) {
		lineno++;
		/* Zone-file comments start with ';', ours with '#'. */
		line[strcspn(line, ";#\r\n")] = '\0';
		p = line + strspn(line, " \t");
		if (*p == '\0')
			continue;
		st = tlsa_record_parse(rdata_part(p), &rec);
		if (st != TLSA_OK) {
			problem(o, "%s: line %lu: %s", path, lineno, tlsa_strerror(st));
			rc = -1;
		} else if (add_rec(t, rec, NULL) != 0) {
			tlsa_record_free(rec);
			problem(o, "out of memory");
			rc = -1;
		}
	}
	if (rc == 0 && ferror(fp)) {
		problem(o, "%s: %s", path, strerror(errno));
		rc = -1;
	}
	if (rc == 0 && t->nrecs == 0) {
		problem(o, "%s: no TLSA records in the file", path);
		rc = -1;
	}
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
		/* The outcome is in res (NULL only when out of memory). */
		(void)tlsa_verify(p->t->addr[i].address, p->t->port, p->o, &p->t->addr[i].res);
	}
}

static void run_sessions(struct check_target *t, const tlsa_verify_opts *o)
{
	pthread_t th[MAX_THREADS];
	size_t n = t->naddr < MAX_THREADS ? t->naddr : MAX_THREADS, started = 0, i;
	struct pool p;

	p.t = t;
	p.o = o;
	p.next = 0;
	pthread_mutex_init(&p.mu, NULL);
	for (i = 0; i < n; i++)
		if (pthread_create(&th[i], NULL, worker, &p) == 0)
			started++;
		else
			break;
	if (started == 0)
		worker(&p); /* no threads to be had: one at a time */
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&p.mu);
}

/* ---- gathering ------------------------------------------------------------- */

static int gather_records(struct check_target *t, struct check_opts *o,
			  const tlsa_resolver *res)
{
	tlsa_record *rec;
	tlsa_status st;
	char what[64];
	size_t i;

	if (t->source == SRC_GIVEN) {
		for (i = 0; i < o->ntlsa; i++) {
			st = tlsa_record_parse(o->tlsa[i], &rec);
			if (st != TLSA_OK || add_rec(t, rec, NULL) != 0) {
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
		const tlsa_tlsa_rr *rr = &t->tlsa->records[i];

		rec = rr->record != NULL ? tlsa_record_dup(rr->record) : NULL;
		snprintf(what, sizeof(what), "(malformed: %zu bytes of rdata)", rr->rdlen);
		if ((rr->record != NULL && rec == NULL) || add_rec(t, rec, what) != 0) {
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

static void target_free(struct check_target *t)
{
	size_t i;

	for (i = 0; i < t->nrecs; i++) {
		tlsa_record_free(t->recs[i].rec);
		free(t->recs[i].text);
	}
	free(t->recs);
	for (i = 0; i < t->naddr; i++) {
		tlsa_verify_result_free(t->addr[i].res);
		free(t->addr[i].message);
		notes_free(&t->addr[i].notes);
	}
	free(t->addr);
	notes_free(&t->notes);
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

/* Everything after the options: the check of one target. */
static int check_target(struct check_opts *o, const char *host)
{
	struct check_target t;
	struct check_conf conf;
	tlsa_resolver *res = NULL;
	tlsa_verify_opts vo;
	const tlsa_record **recs = NULL;
	const char *first, *names[2];
	struct timespec start;
	tlsa_status st;
	size_t i, n = 0;
	int rc = V_UNKNOWN;

	clock_gettime(CLOCK_MONOTONIC, &start);
	memset(&t, 0, sizeof(t));
	memset(&conf, 0, sizeof(conf));
	t.host = host;
	t.port = (unsigned)o->port;
	t.proto = o->proto;
	t.starttls = o->starttls;
	t.source = (o->ntlsa > 0 || o->tlsa_file != NULL) ? SRC_GIVEN : SRC_DNS;
	t.source_file = o->tlsa_file;
	conf.insecure = o->insecure;
	conf.warn_days = (int)o->warn_days;
	/* RFC 7672 is the SMTP-to-MX protocol: port 25 (submission is not). */
	conf.smtp = t.port == 25 && o->starttls != NULL &&
		    strcmp(tlsa_starttls_name(o->starttls), "smtp") == 0;
	conf.now = time(NULL);

	if (t.source == SRC_DNS || o->naddresses == 0) {
		st = tlsa_resolver_new(&res, o->resolvers, o->nresolvers,
				       (unsigned)o->timeout * 1000, o->trust_anchor);
		if (st != TLSA_OK) {
			if (o->trust_anchor != NULL && st != TLSA_ERR_RESOLVER_ADDR &&
			    st != TLSA_ERR_RESOLV_CONF)
				problem(o, "--trust-anchor %s: %s", o->trust_anchor, tlsa_strerror(st));
			else
				problem(o, "resolver: %s", tlsa_strerror(st));
			goto out;
		}
		if (t.source == SRC_DNS && !tlsa_resolver_local(res) &&
		    tlsa_resolver_remote(res, &first) > 0)
			cli_warn("resolver %s is not on loopback: its AD bit crosses the network "
				 "unauthenticated (use a local validating resolver or --trust-anchor)",
				 first);
	}
	if (gather_records(&t, o, res) != 0 || gather_addresses(&t, o, res) != 0)
		goto out;
	if (check_records_trust(&t, &conf) != 0) {
		problem(o, "out of memory");
		goto out;
	}

	memset(&vo, 0, sizeof(vo));
	vo.base_domain = t.base_domain;
	/*
	 * Reference identifiers besides the base domain: a CNAME's original
	 * name (RFC 7671 section 7), the service domain (RFC 7673).
	 */
	if (t.tlsa != NULL && strcasecmp(t.tlsa->host, t.base_domain) != 0)
		names[vo.nnames++] = t.tlsa->host;
	if (o->service_domain != NULL)
		names[vo.nnames++] = o->service_domain;
	vo.names = names;
	vo.service_domain = o->service_domain;
	vo.sni = o->sni;
	vo.starttls = o->starttls;
	vo.client_name = o->helo;
	vo.timeout_ms = (int)o->timeout * 1000;
	vo.smtp = conf.smtp;
	vo.ca_file = o->ca_file;
	vo.ca_path = o->ca_path;
	if (t.use_records) {
		recs = calloc(t.nrecs + 1, sizeof(*recs));
		if (recs == NULL) {
			problem(o, "out of memory");
			goto out;
		}
		for (i = 0; i < t.nrecs; i++)
			if (t.recs[i].rec != NULL)
				recs[n++] = t.recs[i].rec;
		vo.records = recs;
		vo.nrecords = n;
		for (i = 0; i < t.naddr; i++)
			t.addr[i].verified_with_records = n > 0;
	}
	run_sessions(&t, &vo);
	t.seconds = seconds_since(&start);
	if (check_policy(&t, &conf) != 0) {
		problem(o, "out of memory");
		goto out;
	}
	o->fmt->print(stdout, &t, &conf);
	rc = (int)t.verdict;
	o->problem[0] = '\0';
out:
	if (o->problem[0] != '\0' && o->fmt->unknown != NULL)
		o->fmt->unknown(stdout, &t, o->problem);
	free(recs);
	target_free(&t);
	tlsa_resolver_free(res);
	return rc;
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

int cmd_check(int argc, char **argv)
{
	struct check_opts o;
	const char *host;
	size_t i;
	int c, rc, fam;

	memset(&o, 0, sizeof(o));
	o.port = 443;
	o.proto = "tcp";
	o.timeout = 10;
	o.warn_days = 21;
	o.family = AF_UNSPEC;
	o.fmt = check_format_find("text");
	cli.cmd = "check";
	cli.usage_status = 3;
	rc = -1;
	opterr = 0;
	while (rc < 0 && (c = getopt_long(argc, argv, ":p:t:a:46o:qvh", long_options, NULL)) != -1) {
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
		case 'o':
			o.fmt = check_format_find(optarg);
			if (o.fmt == NULL)
				rc = cli_usage_error("unknown format '%s' (want text, json or nagios)",
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
	if (optind >= argc) {
		rc = cli_usage_error("no HOST to check");
		goto done;
	}
	host = argv[optind++];
	if (optind < argc) {
		rc = cli_usage_error("unexpected argument '%s' (one HOST at a time)", argv[optind]);
		goto done;
	}
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
	/* The port picks the protocol, or the protocol picks the port. */
	if (!o.starttls_set)
		o.starttls = tlsa_starttls_by_port((unsigned)o.port);
	else if (!o.port_set && o.starttls != NULL)
		o.port = tlsa_starttls_port(o.starttls);
	rc = check_target(&o, host);
done:
	free(o.addresses);
	free(o.resolvers);
	free(o.tlsa);
	return rc;
}
