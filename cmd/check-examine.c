/*
 * tlsa check: examining a target, everything but printing.  Records
 * (check-records.c), addresses (DNS or --address), the sessions
 * (check-sessions.c), candidates (check-candidate.c) and the verdict
 * (check-policy.c), in that order; and a --mx or --srv group as the
 * targets its expansion (check-mx.c) yields.
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "check-chain.h"
#include "check-examine.h"
#include "check-mx.h"
#include "check-ns.h"
#include "check-policy.h"
#include "check-records.h"
#include "check-sessions.h"
#include "check-share.h"
#include "cli.h"

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

/* Address order for the report: IPv4 before IPv6, then numerically. */
static int addr_cmp(const void *pa, const void *pb)
{
	const struct check_addr *a = pa, *b = pb;
	unsigned char x[16] = {0}, y[16] = {0};
	int fa = strchr(a->address, ':') != NULL, fb = strchr(b->address, ':') != NULL;

	if (fa != fb)
		return fa - fb;
	inet_pton(fa ? AF_INET6 : AF_INET, a->address, x);
	inet_pton(fb ? AF_INET6 : AF_INET, b->address, y);
	return memcmp(x, y, sizeof(x));
}

static int gather_addresses(struct check_target *t, struct check_opts *o, const tlsa_resolver *res)
{
	tlsa_status st;
	size_t i;

	if (o->naddresses > 0) {
		for (i = 0; i < o->naddresses; i++)
			if (add_addr(t, o->addresses[i], -1) != 0)
				return -1;
		return 0;
	}
	check_lookup_begin();
	st = tlsa_lookup_addresses(res, t->host, o->family, &t->addrs);
	check_lookup_end();
	if (st != TLSA_OK) {
		check_problem(o, "%s: address lookup: %s", t->host, tlsa_strerror(st));
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
		if (t->addr[i].share != NULL)
			check_share_release(t->addr[i].share);
		else
			tlsa_verify_result_free(t->addr[i].res);
		free(t->addr[i].message);
		notes_free(&t->addr[i].notes);
	}
	free(t->addr);
	t->addr = NULL;
	t->naddr = 0;
}

void check_target_release(struct check_target *t)
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
	tlsa_ns_result_free(t->ns);
	free(t->sig_where);
	free(t->base_domain);
}

double check_seconds_since(const struct timespec *start)
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
		if (tlsa_resolver_new(&o->resolvers[i], 1, 1000, NULL, &r) ==
		    TLSA_ERR_RESOLVER_ADDR) {
			cli_quote(o->resolvers[i], q, sizeof(q));
			break;
		}
		tlsa_resolver_free(r);
	}
	return q;
}

/* The resolver every lookup of the run shares; NULL with o->problem set on failure. */
tlsa_resolver *check_resolver_new(struct check_opts *o, int warn_remote)
{
	tlsa_resolver *res = NULL;
	const char *first;
	tlsa_status st;

	st = tlsa_resolver_new(o->resolvers, o->nresolvers, (unsigned)o->target.timeout * 1000,
			       o->trust_anchor, &res);
	if (st != TLSA_OK) {
		if (o->trust_anchor != NULL && st != TLSA_ERR_RESOLVER_ADDR &&
		    st != TLSA_ERR_RESOLV_CONF)
			check_problem(o, "--trust-anchor %s: %s", o->trust_anchor,
				      tlsa_strerror(st));
		else if (st == TLSA_ERR_RESOLVER_ADDR)
			check_problem(o, "--resolver %s: %s", bad_resolver(o), tlsa_strerror(st));
		else if (st == TLSA_ERR_RESOLV_CONF)
			check_problem(o, "%s (give --resolver)", tlsa_strerror(st));
		else
			check_problem(o, "resolver: %s", tlsa_strerror(st));
		return NULL;
	}
	if (warn_remote && !tlsa_resolver_local(res) && tlsa_resolver_remote(res, &first) > 0)
		cli_warn("resolver %s is not on loopback: its AD bit crosses the network "
			 "unauthenticated (use a local validating resolver or --trust-anchor)",
			 first);
	return res;
}

void check_target_conf(const struct check_opts *o, const struct check_target *t,
		       struct check_conf *conf)
{
	memset(conf, 0, sizeof(*conf));
	conf->insecure = o->insecure;
	conf->warn_days = (int)o->warn_days;
	/* RFC 7672 is the SMTP-to-MX protocol: port 25 (submission is not). */
	conf->smtp = t->port == 25 && t->starttls != NULL &&
		     strcmp(tlsa_starttls_name(t->starttls), "smtp") == 0;
	conf->now = o->at != 0 ? o->at : time(NULL);
	conf->single_key_ok = o->single_key_ok;
	conf->candidate_only = o->candidate_only;
	conf->sig_warn_days = (int)o->sig_warn_days;
}

void check_session_opts(const struct check_opts *o, const struct check_target *t,
			const struct check_conf *conf, tlsa_verify_opts *vo, const char **names)
{
	*vo = (tlsa_verify_opts)TLSA_VERIFY_OPTS_INIT;
	vo->base_domain = t->base_domain;
	/*
	 * Reference identifiers besides the base domain: a CNAME's original
	 * name (RFC 7671 section 7, RFC 7672 section 3.2.2), the service
	 * domain (RFC 7673).
	 */
	if (t->tlsa != NULL && strcasecmp(t->tlsa->host, t->base_domain) != 0)
		names[vo->nnames++] = t->tlsa->host;
	if (t->service_domain != NULL)
		names[vo->nnames++] = t->service_domain;
	vo->names = names;
	vo->service_domain = t->service_domain;
	vo->sni = o->sni;
	vo->starttls = t->starttls;
	vo->client_name = o->helo;
	vo->timeout_ms = (int)o->target.timeout * 1000;
	vo->smtp = conf->smtp;
	vo->ca_file = o->ca_file;
	vo->ca_path = o->ca_path;
	vo->ctx = o->vctx;
	vo->at = o->at;
}

/* Records in the order of their text (the same set, the same order). */
static int rec_cmp(const void *a, const void *b)
{
	const struct check_rec *x = *(const struct check_rec *const *)a;
	const struct check_rec *y = *(const struct check_rec *const *)b;

	return strcmp(x->text, y->text);
}

/*
 * All that t's sessions depend on but the address: targets of the run
 * with the same key share a session per address (check-share.c).  Its
 * port, STARTTLS protocol, TLSA owner and set, the names checked and sent,
 * the key types.  NULL (no sharing) when out of memory.
 */
static char *session_key(const struct check_target *t, const tlsa_verify_opts *vo,
			 unsigned key_types, const struct check_rec *const *recs, size_t nrecs)
{
	char *key = NULL;
	size_t len = 0, i;
	FILE *fp = open_memstream(&key, &len);

	if (fp == NULL)
		return NULL;
	fprintf(fp, "%u|%s|%s|%s|%s|%s|%s|%s|%d|%d|%u", t->port, t->proto,
		t->starttls != NULL ? tlsa_starttls_name(t->starttls) : "",
		t->tlsa != NULL && t->tlsa->owner != NULL ? t->tlsa->owner : "",
		vo->base_domain != NULL ? vo->base_domain : "", vo->sni != NULL ? vo->sni : "",
		vo->service_domain != NULL ? vo->service_domain : "",
		vo->client_name != NULL ? vo->client_name : "", vo->smtp, vo->timeout_ms,
		key_types);
	for (i = 0; i < vo->nnames; i++)
		fprintf(fp, "|n:%s", vo->names[i]);
	for (i = 0; i < nrecs; i++)
		fprintf(fp, "|r:%s", recs[i]->text);
	if (fclose(fp) != 0) {
		free(key);
		return NULL;
	}
	return key;
}

/*
 * The sessions, given the records when they may be used (without records
 * to check there is nothing to tell the key types apart for).  -1 when
 * out of memory.
 */
static int verify_addresses(const struct check_opts *o, struct check_target *t,
			    const struct check_conf *conf)
{
	tlsa_verify_opts vo;
	const tlsa_record **recs = NULL;
	struct check_rec **sorted = NULL;
	const char *names[3];
	char *key;
	size_t i, n = 0;
	int rc;

	check_session_opts(o, t, conf, &vo, names);
	if (t->use_records) {
		recs = calloc(t->nrecs + 1, sizeof(*recs));
		sorted = calloc(t->nrecs + 1, sizeof(*sorted));
		if (recs == NULL || sorted == NULL) {
			free(recs);
			free(sorted);
			return -1;
		}
		for (i = 0; i < t->nrecs; i++)
			if (t->recs[i].rec != NULL)
				sorted[n++] = &t->recs[i];
		/*
		 * The set in one order, whatever order the answer had: targets
		 * with the same set then share a session, whose results are
		 * per record in that order (slot).
		 */
		qsort(sorted, n, sizeof(*sorted), rec_cmp);
		for (i = 0; i < n; i++) {
			sorted[i]->slot = (int)i;
			recs[i] = sorted[i]->rec;
		}
		vo.records = recs;
		vo.nrecords = n;
		for (i = 0; i < t->naddr; i++)
			t->addr[i].verified_with_records = n > 0;
	}
	key = session_key(t, &vo, n > 0 ? o->key_types : TLSA_KEY_FIRST,
			  (const struct check_rec *const *)sorted, n);
	rc = check_sessions_run(t, &vo, n > 0 ? o->key_types : TLSA_KEY_FIRST, key);
	free(key);
	free(sorted);
	free(recs);
	return rc;
}

int check_examine(struct check_opts *o, const tlsa_resolver *res, struct check_target *t,
		  const struct check_conf *conf, const struct timespec *start)
{
	int live;

	t->verdict = V_UNKNOWN;
	if (check_records_gather(t, o, res) != 0 || check_ns_gather(t, o, res) != 0)
		return -1;
	/*
	 * --candidate-only asks about the records, not the service: a server
	 * is contacted only for the issuer of a lone certificate.
	 */
	live = !o->candidate_only || check_cands_need_chain(t, o->cands, o->ncands, conf->smtp);
	if (o->chain != NULL)
		live = 0; /* --chain: the file is the one "address" */
	if (live && gather_addresses(t, o, res) != 0)
		return -1;
	if (check_records_trust(t, conf) != 0 || (live && verify_addresses(o, t, conf) != 0) ||
	    (o->chain != NULL && check_chain_verify(o, t, conf) != 0)) {
		check_problem(o, "out of memory");
		return -1;
	}
	t->seconds = check_seconds_since(start);
	if (check_candidates(t, o->cands, o->ncands, conf->smtp) != 0 ||
	    check_cands_validate(o, t, conf) != 0) {
		check_problem(o, "out of memory");
		t->verdict = V_UNKNOWN;
		return -1;
	}
	if (check_ns_readiness(t, o, conf->now) != 0)
		return -1;
	/* The sessions only lent their chains: the live service is not the question. */
	if (o->candidate_only)
		drop_addresses(t);
	if (check_policy(t, conf) != 0) {
		check_problem(o, "out of memory");
		t->verdict = V_UNKNOWN;
		return -1;
	}
	return 0;
}

/*
 * --mx DOMAIN and --srv OWNER: expand into hosts (check-mx.c), check each
 * as a target of its own, judge and print the whole.  A fleet line
 * "--mx DOMAIN" can call this as it is.  Returns the exit status.
 */
int check_examine_group(struct check_opts *o, const tlsa_resolver *res, const char *name,
			struct check_group *g, struct check_conf *conf)
{
	struct check_target *t;
	struct timespec start, tstart;
	char why[1024];
	size_t i;
	int ok;

	clock_gettime(CLOCK_MONOTONIC, &start);
	ok = o->mx ? check_expand_mx(res, name, g, why, sizeof(why))
		   : check_expand_srv(res, name, o->target.starttls, o->target.starttls_set, g, why,
				      sizeof(why));
	if (ok != 0) {
		check_problem(o, "%s", why);
		return -1;
	}
	g->t = calloc(g->nep + 1, sizeof(*g->t));
	if (g->t == NULL) {
		check_problem(o, "out of memory");
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
		t->service_domain =
		    o->service_domain != NULL ? o->service_domain : g->service_domain;
		check_target_conf(o, t, conf);
		/* One host that cannot be checked does not stop the others. */
		if (check_examine(o, res, t, conf, &tstart) != 0) {
			t->verdict = V_UNKNOWN;
			if (notes_add_class(&t->notes, V_UNKNOWN, CLASS_INTERNAL, "%s",
					    o->problem) != 0) {
				check_problem(o, "out of memory");
				return -1;
			}
			o->problem[0] = '\0';
		}
	}
	memset(conf, 0, sizeof(*conf));
	check_target_conf(o, &g->t[0], conf);
	conf->smtp = o->mx;
	g->seconds = check_seconds_since(&start);
	if (check_policy_group(g, conf) != 0) {
		check_problem(o, "out of memory");
		return -1;
	}
	return 0;
}

/* Frees a group and the targets check_examine_group() made. */
void check_group_release(struct check_group *g)
{
	size_t i;

	for (i = 0; i < g->nt; i++)
		check_target_release(&g->t[i]);
	free(g->t);
	check_group_free(g);
}
