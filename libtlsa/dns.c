/*
 * DNS queries for DANE checks: resolver configuration, queries (DO, CD;
 * the sending, retransmission and TCP are dns-transport.c's), CNAME
 * chains, and the DNSSEC
 * state of one answer in AD mode (SERVFAIL turned bogus by a CD retry,
 * RFC 8914 extended errors for the reason).
 *
 * Does not own: validation from a trust anchor (dnssec.c), the TLSA base
 * domain rule and the typed TLSA/address/MX/SRV results (dns-lookup.c),
 * TLS, or what a state means for a verdict (the check command).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <ldns/ldns.h>

#include <tlsa/dns.h>
#include "dns-internal.h"

/* CNAME chains longer than this are treated as a loop. */
#define CNAME_MAX 16

const char *tlsa_dnssec_name(tlsa_dnssec state)
{
	switch (state) {
	case TLSA_DNSSEC_SECURE:
		return "secure";
	case TLSA_DNSSEC_INSECURE:
		return "insecure";
	case TLSA_DNSSEC_BOGUS:
		return "bogus";
	case TLSA_DNSSEC_INDETERMINATE:
		return "indeterminate";
	}
	return "indeterminate";
}

/* Rank for combining: bogus is worst because it means an attack or a
 * broken signer, which must never be hidden behind "unknown". */
static int rank(tlsa_dnssec s)
{
	switch (s) {
	case TLSA_DNSSEC_SECURE:
		return 0;
	case TLSA_DNSSEC_INSECURE:
		return 1;
	case TLSA_DNSSEC_INDETERMINATE:
		return 2;
	case TLSA_DNSSEC_BOGUS:
		return 3;
	}
	return 2;
}

tlsa_dnssec tlsa_dnssec_combine(tlsa_dnssec a, tlsa_dnssec b)
{
	return rank(a) >= rank(b) ? a : b;
}

char *tlsa_dns_fmt(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

char *tlsa_dname_str(const ldns_rdf *name)
{
	return name ? ldns_rdf2str(name) : NULL;
}

/* ---- resolver addresses ---------------------------------------------------- */

tlsa_status tlsa_resolver_addr_parse(const char *text, int *family, unsigned char addr[16],
				     unsigned *port)
{
	char buf[INET6_ADDRSTRLEN + 2];
	const char *at, *a = text;
	size_t alen;

	if (text == NULL || family == NULL || addr == NULL || port == NULL)
		return TLSA_ERR_INVALID;
	at = strchr(text, '@');
	alen = at ? (size_t)(at - text) : strlen(text);
	*port = 53;
	if (at) {
		char *end;
		unsigned long p;

		if (at[1] < '0' || at[1] > '9')
			return TLSA_ERR_RESOLVER_ADDR;
		errno = 0;
		p = strtoul(at + 1, &end, 10);
		if (errno || *end != '\0' || p == 0 || p > 65535)
			return TLSA_ERR_RESOLVER_ADDR;
		*port = (unsigned)p;
	}
	/* "[::1]" is accepted as well as "::1": brackets are what users type
	 * for IPv6 with a port elsewhere. */
	if (alen >= 2 && a[0] == '[' && a[alen - 1] == ']') {
		a++;
		alen -= 2;
		if (memchr(a, ':', alen) == NULL)
			return TLSA_ERR_RESOLVER_ADDR;
	}
	if (alen == 0 || alen >= sizeof(buf))
		return TLSA_ERR_RESOLVER_ADDR;
	memcpy(buf, a, alen);
	buf[alen] = '\0';
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, buf, addr) == 1) {
		*family = AF_INET;
		return TLSA_OK;
	}
	if (inet_pton(AF_INET6, buf, addr) == 1) {
		*family = AF_INET6;
		return TLSA_OK;
	}
	return TLSA_ERR_RESOLVER_ADDR;
}

int tlsa_addr_is_loopback(int family, const unsigned char addr[16])
{
	static const unsigned char v6lo[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
	static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	if (family == AF_INET)
		return addr[0] == 127;
	if (family == AF_INET6)
		return memcmp(addr, v6lo, 16) == 0 ||
		       (memcmp(addr, mapped, 12) == 0 && addr[12] == 127);
	return 0;
}

static tlsa_status server_set(struct tlsa_server *s, const char *text)
{
	char a[INET6_ADDRSTRLEN];
	tlsa_status st = tlsa_resolver_addr_parse(text, &s->family, s->addr, &s->port);

	if (st != TLSA_OK)
		return st;
	inet_ntop(s->family, s->addr, a, sizeof(a));
	snprintf(s->text, sizeof(s->text), "%s@%u", a, s->port);
	return TLSA_OK;
}

/* The nameserver lines of resolv.conf; other lines are for the stub
 * resolver and mean nothing here. */
static tlsa_status read_resolv_conf(tlsa_resolver *r)
{
	FILE *f = fopen("/etc/resolv.conf", "r");
	char line[512];

	if (f == NULL)
		return TLSA_ERR_RESOLV_CONF;
	while (fgets(line, sizeof(line), f)) {
		char word[64], addr[128];
		struct tlsa_server *n;

		if (sscanf(line, " %63s %127s", word, addr) != 2 || strcmp(word, "nameserver") != 0)
			continue;
		/* A scope suffix (fe80::1%eth0) is not for us. */
		if (strchr(addr, '%'))
			continue;
		n = realloc(r->servers, (r->n + 1) * sizeof(*n));
		if (n == NULL) {
			fclose(f);
			return TLSA_ERR_NOMEM;
		}
		r->servers = n;
		if (server_set(&r->servers[r->n], addr) == TLSA_OK)
			r->n++;
	}
	fclose(f);
	return r->n ? TLSA_OK : TLSA_ERR_RESOLV_CONF;
}

tlsa_status tlsa_resolver_new(tlsa_resolver **out, const char *const *servers, size_t nservers,
			      unsigned timeout_ms, const char *trust_anchor_file)
{
	tlsa_resolver *r;
	tlsa_status st = TLSA_OK;
	size_t i;

	if (out == NULL || (nservers && servers == NULL))
		return TLSA_ERR_INVALID;
	*out = NULL;
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return TLSA_ERR_NOMEM;
	r->timeout_ms = timeout_ms ? timeout_ms : TLSA_DNS_TIMEOUT_MS;
	r->mu = malloc(sizeof(*r->mu));
	if (r->mu == NULL || pthread_mutex_init(r->mu, NULL) != 0) {
		free(r->mu);
		free(r);
		return TLSA_ERR_NOMEM;
	}
	if (nservers) {
		r->servers = calloc(nservers, sizeof(*r->servers));
		if (r->servers == NULL)
			st = TLSA_ERR_NOMEM;
		for (i = 0; st == TLSA_OK && i < nservers; i++)
			st = server_set(&r->servers[i], servers[i]);
		if (st == TLSA_OK)
			r->n = nservers;
	} else {
		st = read_resolv_conf(r);
	}
	if (st == TLSA_OK && trust_anchor_file)
		st = tlsa_anchors_read(trust_anchor_file, &r->anchors, NULL);
	if (st != TLSA_OK) {
		tlsa_resolver_free(r);
		return st;
	}
	*out = r;
	return TLSA_OK;
}

void tlsa_resolver_free(tlsa_resolver *res)
{
	if (res == NULL)
		return;
	free(res->servers);
	pthread_mutex_destroy(res->mu);
	free(res->mu);
	if (res->anchors)
		ldns_rr_list_deep_free(res->anchors);
	free(res);
}

size_t tlsa_resolver_count(const tlsa_resolver *res)
{
	return res ? res->n : 0;
}

const char *tlsa_resolver_server(const tlsa_resolver *res, size_t i)
{
	return res && i < res->n ? res->servers[i].text : NULL;
}

size_t tlsa_resolver_remote(const tlsa_resolver *res, const char **first)
{
	size_t i, n = 0;

	if (first)
		*first = NULL;
	for (i = 0; res && i < res->n; i++) {
		if (tlsa_addr_is_loopback(res->servers[i].family, res->servers[i].addr))
			continue;
		if (n++ == 0 && first)
			*first = res->servers[i].text;
	}
	return n;
}

int tlsa_resolver_local(const tlsa_resolver *res)
{
	return res && res->anchors != NULL;
}

unsigned tlsa_resolver_timeout(const tlsa_resolver *res)
{
	return res ? res->timeout_ms : 0;
}

/* ---- queries ------------------------------------------------------------- */

/* An ldns resolver only to build the query packet (RD, DO, CD, EDNS
 * size): the sending is dns-transport.c's. */
static ldns_resolver *ldns_for(int cd)
{
	ldns_resolver *lr = ldns_resolver_new();

	if (lr == NULL)
		return NULL;
	ldns_resolver_set_recursive(lr, true);
	ldns_resolver_set_dnssec(lr, true);
	ldns_resolver_set_dnssec_cd(lr, cd ? true : false);
	ldns_resolver_set_edns_udp_size(lr, 1232);
	return lr;
}

tlsa_status tlsa_dns_query(const tlsa_resolver *res, const ldns_rdf *name, ldns_rr_type type,
			   int cd, ldns_pkt **pkt, const char **server, char *why, size_t whylen)
{
	ldns_resolver *lr = ldns_for(cd);
	ldns_pkt *query = NULL;
	ldns_status ls;
	size_t from = 0;

	*pkt = NULL;
	*server = NULL;
	if (whylen)
		why[0] = '\0';
	if (lr == NULL)
		return TLSA_ERR_NOMEM;
	ls = ldns_resolver_prepare_query_pkt(&query, lr, name, type, LDNS_RR_CLASS_IN,
					     LDNS_RD | (cd ? LDNS_CD : 0));
	ldns_resolver_deep_free(lr);
	if (ls != LDNS_STATUS_OK)
		return ls == LDNS_STATUS_MEM_ERR ? TLSA_ERR_NOMEM : TLSA_ERR_INTERNAL;
	ls = tlsa_dns_exchange(res, query, pkt, &from, why, whylen);
	ldns_pkt_free(query);
	if (ls == LDNS_STATUS_MEM_ERR)
		return TLSA_ERR_NOMEM;
	if (ls == LDNS_STATUS_OK)
		*server = res->servers[from].text;
	return TLSA_OK;
}

ldns_rr_list *tlsa_dns_select(const ldns_rr_list *section, const ldns_rdf *owner, ldns_rr_type type)
{
	ldns_rr_list *l = ldns_rr_list_new();
	size_t i;

	for (i = 0; l && section && i < ldns_rr_list_rr_count(section); i++) {
		ldns_rr *rr = ldns_rr_list_rr(section, i);

		if (ldns_rr_get_type(rr) == type && ldns_rr_get_class(rr) == LDNS_RR_CLASS_IN &&
		    ldns_dname_compare(ldns_rr_owner(rr), owner) == 0)
			ldns_rr_list_push_rr(l, rr);
	}
	return l;
}

ldns_rr_list *tlsa_dns_sigs(const ldns_rr_list *section, const ldns_rdf *owner, ldns_rr_type type)
{
	ldns_rr_list *l = ldns_rr_list_new();
	size_t i;

	for (i = 0; l && section && i < ldns_rr_list_rr_count(section); i++) {
		ldns_rr *rr = ldns_rr_list_rr(section, i);
		ldns_rdf *covered;

		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_RRSIG ||
		    ldns_dname_compare(ldns_rr_owner(rr), owner) != 0)
			continue;
		covered = ldns_rr_rrsig_typecovered(rr);
		if (covered && ldns_rdf2rr_type(covered) == type)
			ldns_rr_list_push_rr(l, rr);
	}
	return l;
}

/* ---- extended DNS errors (RFC 8914) -------------------------------------- */

static const char *ede_words(unsigned code)
{
	switch (code) {
	case 1:
		return "unsupported DNSKEY algorithm";
	case 2:
		return "unsupported DS digest type";
	case 5:
		return "DNSSEC indeterminate";
	case 6:
		return "DNSSEC bogus";
	case 7:
		return "signature expired";
	case 8:
		return "signature not yet valid";
	case 9:
		return "DNSKEY missing";
	case 10:
		return "RRSIGs missing";
	case 11:
		return "no zone key bit set";
	case 12:
		return "NSEC missing";
	case 22:
		return "no reachable authority";
	case 23:
		return "network error";
	case 25:
		return "signature expired before valid";
	default:
		return NULL;
	}
}

/* Words from the first EDE option of pkt, or NULL. */
static char *ede_reason(ldns_pkt *pkt)
{
	ldns_edns_option_list *opts = ldns_pkt_edns_get_option_list(pkt);
	size_t i;

	for (i = 0; opts && i < ldns_edns_option_list_get_count(opts); i++) {
		ldns_edns_option *o = ldns_edns_option_list_get_option(opts, i);
		const uint8_t *d = ldns_edns_get_data(o);
		size_t len = ldns_edns_get_size(o);
		unsigned code;
		const char *w;
		int tlen;

		if (ldns_edns_get_code(o) != LDNS_EDNS_EDE || len < 2 || d == NULL)
			continue;
		code = (unsigned)d[0] << 8 | d[1];
		w = ede_words(code);
		/* The extra text is the resolver's own words; keep it short
		 * and printable. */
		tlen = (int)(len - 2 > 200 ? 200 : len - 2);
		for (int k = 0; k < tlen; k++)
			if (d[2 + k] < 0x20 || d[2 + k] > 0x7e)
				tlen = k;
		if (tlen > 0)
			return tlsa_dns_fmt("%s (EDE %u: %.*s)", w ? w : "error", code, tlen,
					    (const char *)d + 2);
		return tlsa_dns_fmt("%s (EDE %u)", w ? w : "error", code);
	}
	return NULL;
}

static const char *rcode_name(int rcode)
{
	switch (rcode) {
	case 0:
		return "NOERROR";
	case 1:
		return "FORMERR";
	case 2:
		return "SERVFAIL";
	case 3:
		return "NXDOMAIN";
	case 4:
		return "NOTIMP";
	case 5:
		return "REFUSED";
	default:
		return "an unexpected rcode";
	}
}

/* ---- one lookup ------------------------------------------------------------ */

void tlsa_dns_answer_clear(tlsa_dns_answer *a)
{
	size_t i;

	free(a->qname);
	free(a->name);
	free(a->reason);
	free(a->server);
	for (i = 0; i < a->ncnames; i++) {
		free(a->cnames[i].owner);
		free(a->cnames[i].target);
	}
	free(a->cnames);
	memset(a, 0, sizeof(*a));
}

static void set_reason(tlsa_dns_answer *a, char *reason)
{
	if (reason == NULL)
		return;
	if (a->reason == NULL)
		a->reason = reason;
	else
		free(reason);
}

/* The first RRSIG of the answer or authority section, or NULL. */
static const ldns_rr *first_sig(const ldns_pkt *pkt)
{
	const ldns_rr_list *sec[2] = {ldns_pkt_answer(pkt), ldns_pkt_authority(pkt)};
	size_t i, k;

	for (k = 0; k < 2; k++)
		for (i = 0; sec[k] && i < ldns_rr_list_rr_count(sec[k]); i++)
			if (ldns_rr_get_type(ldns_rr_list_rr(sec[k], i)) == LDNS_RR_TYPE_RRSIG)
				return ldns_rr_list_rr(sec[k], i);
	return NULL;
}

/*
 * A signed answer without AD: insecure only when the resolver shows that it
 * validates, by setting AD on the signer zone's DS RRset or its denial (a
 * signed zone that its secure parent does not delegate securely, or whose
 * algorithm the resolver does not support, is provably insecure).  An
 * authoritative server or a forwarder that strips AD never does: then
 * nobody checked the signatures, and the answer is not "insecure" but
 * unvalidated.  1 when the resolver validates; *lost when the probe got
 * no answer.
 */
static int resolver_validates(const tlsa_resolver *res, const ldns_rr *sig, int *lost)
{
	ldns_rdf *signer = ldns_rr_rrsig_signame(sig);
	ldns_pkt *p = NULL;
	const char *sv = NULL;
	char why[256];
	int ad;

	if (signer == NULL || ldns_rdf_get_type(signer) != LDNS_RDF_TYPE_DNAME)
		return 0;
	/* The root has no DS: its DNSKEY RRset gets AD from a validator. */
	if (tlsa_dns_query(res, signer,
			   ldns_dname_label_count(signer) == 0 ? LDNS_RR_TYPE_DNSKEY
							       : LDNS_RR_TYPE_DS,
			   0, &p, &sv, why, sizeof(why)) != TLSA_OK ||
	    p == NULL) {
		*lost = 1;
		return 0;
	}
	ad = ldns_pkt_ad(p) && (ldns_pkt_get_rcode(p) == LDNS_RCODE_NOERROR ||
				ldns_pkt_get_rcode(p) == LDNS_RCODE_NXDOMAIN);
	ldns_pkt_free(p);
	return ad;
}

/*
 * The AD-mode state of an answer: AD means secure; no AD means insecure,
 * unless the answer carries signatures the resolver did not show it
 * checked (then indeterminate and *unvalidated); SERVFAIL that turns into
 * data with CD means bogus; SERVFAIL with CD too, or another error rcode,
 * means indeterminate.  On bogus *pkt is replaced by the CD answer so that
 * the caller can still show the data.  *lost is set when a further query
 * this needed got no answer.
 */
static tlsa_status ad_state(const tlsa_resolver *res, const ldns_rdf *name, ldns_rr_type type,
			    ldns_pkt **pkt, const char **server, tlsa_dnssec *state, char **reason,
			    int *lost, int *unvalidated)
{
	int rc = ldns_pkt_get_rcode(*pkt);

	*reason = NULL;
	if (rc == LDNS_RCODE_NOERROR || rc == LDNS_RCODE_NXDOMAIN) {
		const ldns_rr *sig = first_sig(*pkt);
		int gone = 0;

		*state = ldns_pkt_ad(*pkt) ? TLSA_DNSSEC_SECURE : TLSA_DNSSEC_INSECURE;
		if (*state == TLSA_DNSSEC_SECURE || sig == NULL ||
		    resolver_validates(res, sig, &gone))
			return TLSA_OK;
		*state = TLSA_DNSSEC_INDETERMINATE;
		if (gone) {
			*lost = 1;
			*reason = tlsa_dns_fmt("the answer from %s is signed but has no AD bit, "
					       "and asking whether the resolver validates got no "
					       "answer",
					       *server);
			return TLSA_OK;
		}
		*unvalidated = 1;
		*reason =
		    tlsa_dns_fmt("the resolver %s does not validate: the answer carries "
				 "DNSSEC signatures (RRSIG) but no AD bit, so nobody checked "
				 "them (an authoritative server, or a forwarder that strips AD)",
				 *server);
		return TLSA_OK;
	}
	*state = TLSA_DNSSEC_INDETERMINATE;
	if (rc == LDNS_RCODE_SERVFAIL) {
		ldns_pkt *cdp = NULL;
		const char *cds = NULL;
		char why[256];
		char *said = ede_reason(*pkt);
		tlsa_status st;

		/*
		 * A SERVFAIL that says nothing (no extended error) may be the
		 * resolver's own trouble reaching the zone's servers, as on a
		 * cold cache under load: ask once more before reading it as
		 * bogus, so a passing failure is never reported as an attack.
		 */
		if (said == NULL &&
		    tlsa_dns_query(res, name, type, 0, &cdp, &cds, why, sizeof(why)) == TLSA_OK &&
		    cdp != NULL && ldns_pkt_get_rcode(cdp) != LDNS_RCODE_SERVFAIL) {
			ldns_pkt_free(*pkt);
			*pkt = cdp;
			*server = cds;
			return ad_state(res, name, type, pkt, server, state, reason, lost,
					unvalidated);
		}
		free(said);
		if (cdp != NULL)
			ldns_pkt_free(cdp);
		cdp = NULL;
		cds = NULL;
		st = tlsa_dns_query(res, name, type, 1, &cdp, &cds, why, sizeof(why));

		if (st != TLSA_OK)
			return st;
		if (cdp && (ldns_pkt_get_rcode(cdp) == LDNS_RCODE_NOERROR ||
			    ldns_pkt_get_rcode(cdp) == LDNS_RCODE_NXDOMAIN)) {
			char *ede = ede_reason(*pkt);

			*state = TLSA_DNSSEC_BOGUS;
			*reason =
			    ede ? tlsa_dns_fmt("the resolver %s reported the answer as bogus: %s",
					       *server, ede)
				: tlsa_dns_fmt("the resolver %s reported the answer as bogus "
					       "(SERVFAIL; data present with CD)",
					       *server);
			free(ede);
			ldns_pkt_free(*pkt);
			*pkt = cdp;
			*server = cds;
			return TLSA_OK;
		}
		if (cdp == NULL) {
			*lost = 1;
			*reason = tlsa_dns_fmt("resolver %s returned SERVFAIL, and asked again "
					       "with CD set: %s",
					       *server, why);
			return TLSA_OK;
		}
		ldns_pkt_free(cdp);
		*reason = tlsa_dns_fmt("resolver %s returned SERVFAIL (also with CD set: "
				       "the zone's servers may be unreachable or broken)",
				       *server);
		return TLSA_OK;
	}
	*reason = tlsa_dns_fmt("resolver %s returned %s", *server, rcode_name(rc));
	return TLSA_OK;
}

/* One query: a recursive resolver returns the whole CNAME chain, so the
 * chain is read from the answer section rather than chased link by link. */
tlsa_status tlsa_dns_lookup(const tlsa_resolver *res, const ldns_rdf *qname, ldns_rr_type type,
			    tlsa_dns_answer *ans, ldns_pkt **pkt_out, ldns_rr_list **rrset_out)
{
	tlsa_status st;
	ldns_pkt *pkt = NULL;
	const char *server = NULL;
	char why[256];
	ldns_rdf *cur;
	ldns_rr_list *rrset = NULL;
	tlsa_dnssec hop = TLSA_DNSSEC_SECURE;
	char *reason = NULL;
	tlsa_validator *v = NULL;
	int local = tlsa_resolver_local(res);
	int looped = 0;
	size_t i;

	memset(ans, 0, sizeof(*ans));
	*pkt_out = NULL;
	if (rrset_out)
		*rrset_out = NULL;
	ans->qname = tlsa_dname_str(qname);
	ans->qtype = (uint16_t)type;
	ans->rcode = -1;
	if (ans->qname == NULL)
		return TLSA_ERR_NOMEM;

	st = tlsa_dns_query(res, qname, type, local, &pkt, &server, why, sizeof(why));
	if (st != TLSA_OK)
		return st;
	if (pkt == NULL) {
		ans->state = TLSA_DNSSEC_INDETERMINATE;
		ans->reason = strdup(why);
		ans->name = strdup(ans->qname);
		return ans->reason && ans->name ? TLSA_OK : TLSA_ERR_NOMEM;
	}
	ans->answered = 1;
	if (!local) {
		st = ad_state(res, qname, type, &pkt, &server, &hop, &reason, &ans->unanswered,
			      &ans->unvalidated);
		if (st != TLSA_OK) {
			ldns_pkt_free(pkt);
			return st;
		}
	} else if (ldns_pkt_get_rcode(pkt) != LDNS_RCODE_NOERROR &&
		   ldns_pkt_get_rcode(pkt) != LDNS_RCODE_NXDOMAIN) {
		hop = TLSA_DNSSEC_INDETERMINATE;
		reason = tlsa_dns_fmt("resolver %s returned %s even with CD set", server,
				      rcode_name(ldns_pkt_get_rcode(pkt)));
	}
	ans->server = strdup(server);
	ans->rcode = ldns_pkt_get_rcode(pkt);
	set_reason(ans, reason);
	*pkt_out = pkt;

	if (local && (st = tlsa_validator_new(&v, res)) != TLSA_OK)
		return st;

	/* Follow the chain in the answer section. */
	cur = ldns_rdf_clone(qname);
	while (cur && type != LDNS_RR_TYPE_CNAME && ans->ncnames < CNAME_MAX) {
		ldns_rr_list *c = tlsa_dns_select(ldns_pkt_answer(pkt), cur, LDNS_RR_TYPE_CNAME);
		tlsa_cname_step *steps;
		ldns_rdf *target;

		if (c == NULL || ldns_rr_list_rr_count(c) == 0) {
			ldns_rr_list_free(c);
			break;
		}
		target = ldns_rr_rdf(ldns_rr_list_rr(c, 0), 0);
		steps = realloc(ans->cnames, (ans->ncnames + 1) * sizeof(*steps));
		if (steps)
			ans->cnames = steps;
		if (steps == NULL || target == NULL) {
			ldns_rr_list_free(c);
			st = TLSA_ERR_NOMEM;
			break;
		}
		steps[ans->ncnames].owner = tlsa_dname_str(cur);
		steps[ans->ncnames].target = tlsa_dname_str(target);
		if (local) {
			char *r = NULL;

			steps[ans->ncnames].state =
			    tlsa_validate_rrset(v, pkt, cur, LDNS_RR_TYPE_CNAME, c, &r);
			set_reason(ans, r);
		} else {
			steps[ans->ncnames].state = hop;
		}
		ans->ncnames++;
		ldns_rr_list_free(c);
		ldns_rdf_deep_free(cur);
		cur = ldns_rdf_clone(target);
	}
	if (st == TLSA_OK && cur == NULL)
		st = TLSA_ERR_NOMEM;
	if (st == TLSA_OK && ans->ncnames == CNAME_MAX) {
		/* The last link leads nowhere we reached: not a secure
		 * expansion, whatever the links' signatures say. */
		hop = TLSA_DNSSEC_INDETERMINATE;
		looped = 1;
		set_reason(ans,
			   tlsa_dns_fmt("CNAME chain longer than %d links (a loop?)", CNAME_MAX));
	}
	if (st == TLSA_OK) {
		ans->name = tlsa_dname_str(cur);
		rrset = tlsa_dns_select(ldns_pkt_answer(pkt), cur, type);
		if (ans->name == NULL || rrset == NULL)
			st = TLSA_ERR_NOMEM;
	}
	if (st == TLSA_OK) {
		tlsa_dnssec final = hop;

		ans->nodata = ldns_rr_list_rr_count(rrset) == 0;
		for (i = 0; i < ldns_rr_list_rr_count(rrset); i++) {
			uint32_t ttl = ldns_rr_ttl(ldns_rr_list_rr(rrset, i));

			if (i == 0 || ttl < ans->ttl)
				ans->ttl = ttl;
		}
		if (local && hop == TLSA_DNSSEC_SECURE) {
			char *r = NULL;

			final = ans->nodata ? tlsa_validate_denial(v, pkt, cur, type, &r)
					    : tlsa_validate_rrset(v, pkt, cur, type, rrset, &r);
			set_reason(ans, r);
		}
		/* AD mode: an unsigned answer gives no AD, but that says nothing
		 * about each CNAME; ask for each link on its own so that the
		 * expansion rule of RFC 7671 can see which links are secure. */
		if (!local && hop != TLSA_DNSSEC_SECURE && !looped) {
			for (i = 0; st == TLSA_OK && i < ans->ncnames; i++) {
				ldns_rdf *o = ldns_dname_new_frm_str(ans->cnames[i].owner);
				ldns_pkt *p = NULL;
				const char *sv = NULL;
				char *r = NULL;
				char w[256];

				if (o == NULL) {
					st = TLSA_ERR_NOMEM;
					break;
				}
				st = tlsa_dns_query(res, o, LDNS_RR_TYPE_CNAME, 0, &p, &sv, w,
						    sizeof(w));
				if (st == TLSA_OK && p)
					st = ad_state(res, o, LDNS_RR_TYPE_CNAME, &p, &sv,
						      &ans->cnames[i].state, &r, &ans->unanswered,
						      &ans->unvalidated);
				else if (st == TLSA_OK) {
					ans->cnames[i].state = TLSA_DNSSEC_INDETERMINATE;
					ans->unanswered = 1;
					r = tlsa_dns_fmt("CNAME %s: %s", ans->cnames[i].owner, w);
				}
				set_reason(ans, r);
				if (p)
					ldns_pkt_free(p);
				ldns_rdf_deep_free(o);
			}
		}
		if (looped)
			ans->cnames[CNAME_MAX - 1].state = TLSA_DNSSEC_INDETERMINATE;
		ans->state = final;
		for (i = 0; i < ans->ncnames; i++)
			ans->state = tlsa_dnssec_combine(ans->state, ans->cnames[i].state);
		if (ans->state == TLSA_DNSSEC_SECURE || ans->state == TLSA_DNSSEC_INSECURE) {
			free(ans->reason);
			ans->reason = NULL;
		} else if (ans->reason == NULL) {
			ans->reason =
			    strdup(ans->state == TLSA_DNSSEC_BOGUS ? "DNSSEC validation failed"
								   : "DNSSEC state unknown");
		}
		ans->denial_secure = ans->nodata && ans->state == TLSA_DNSSEC_SECURE;
	}
	ldns_rdf_deep_free(cur);
	if (tlsa_validator_lost(v) && ans->state == TLSA_DNSSEC_INDETERMINATE)
		ans->unanswered = 1;
	tlsa_validator_free(v);
	if (st != TLSA_OK || rrset_out == NULL)
		ldns_rr_list_free(rrset);
	else
		*rrset_out = rrset;
	return st;
}

/* Longer than 253 characters (254 with the final dot) is no name. */
ldns_rdf *tlsa_dns_name(const char *text)
{
	ldns_rdf *d;

	if (text == NULL || *text == '\0' || strlen(text) > 253 + 1)
		return NULL;
	d = ldns_dname_new_frm_str(text);
	if (d && ldns_rdf_get_type(d) != LDNS_RDF_TYPE_DNAME) {
		ldns_rdf_deep_free(d);
		return NULL;
	}
	return d;
}
