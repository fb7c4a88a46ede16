/*
 * DNS queries for DANE checks: resolver configuration, queries (DO, CD,
 * UDP on a connected socket that ignores forged or stray answers, TCP via
 * ldns on truncation, timeouts), CNAME chains, and the DNSSEC
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
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <ldns/ldns.h>

#include <tlsa/dns.h>
#include "dns-internal.h"
#include "name-internal.h"

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

/* One ldns resolver per query and server: ldns resolvers are not
 * thread-safe, and building one is cheap next to a round trip. */
static ldns_resolver *ldns_for(const tlsa_resolver *res, const struct tlsa_server *s, int cd)
{
	ldns_resolver *lr = ldns_resolver_new();
	ldns_rdf *a;
	struct timeval tv;

	if (lr == NULL)
		return NULL;
	a = ldns_rdf_new_frm_data(s->family == AF_INET ? LDNS_RDF_TYPE_A : LDNS_RDF_TYPE_AAAA,
				  s->family == AF_INET ? 4 : 16, s->addr);
	if (a == NULL || ldns_resolver_push_nameserver(lr, a) != LDNS_STATUS_OK) {
		ldns_rdf_deep_free(a);
		ldns_resolver_deep_free(lr);
		return NULL;
	}
	ldns_rdf_deep_free(a);
	ldns_resolver_set_port(lr, (uint16_t)s->port);
	ldns_resolver_set_recursive(lr, true);
	ldns_resolver_set_dnssec(lr, true);
	ldns_resolver_set_dnssec_cd(lr, cd ? true : false);
	/* UDP is ours (exchange()); ldns asks again over TCP on truncation. */
	ldns_resolver_set_fallback(lr, true);
	ldns_resolver_set_edns_udp_size(lr, 1232);
	/* One try per server, so that --timeout bounds the query. */
	ldns_resolver_set_retry(lr, 1);
	tv.tv_sec = res->timeout_ms / 1000;
	tv.tv_usec = (res->timeout_ms % 1000) * 1000;
	ldns_resolver_set_timeout(lr, tv);
	return lr;
}

/* Whether reply answers query: same ID, a response, same question (an
 * error such as FORMERR may come without one). */
static int answers(const ldns_pkt *query, const ldns_pkt *reply)
{
	const ldns_rr_list *qq = ldns_pkt_question(query), *rq = ldns_pkt_question(reply);
	const ldns_rr *a, *b;

	if (ldns_pkt_id(reply) != ldns_pkt_id(query) || !ldns_pkt_qr(reply))
		return 0;
	if (ldns_rr_list_rr_count(rq) == 0 && ldns_pkt_get_rcode(reply) != LDNS_RCODE_NOERROR)
		return 1;
	if (ldns_rr_list_rr_count(rq) != 1 || ldns_rr_list_rr_count(qq) != 1)
		return 0;
	a = ldns_rr_list_rr(qq, 0);
	b = ldns_rr_list_rr(rq, 0);
	return ldns_rr_get_type(a) == ldns_rr_get_type(b) &&
	       ldns_rr_get_class(a) == ldns_rr_get_class(b) &&
	       ldns_dname_compare(ldns_rr_owner(a), ldns_rr_owner(b)) == 0;
}

/* Words for a socket error of a query, for the reason no server answered. */
static const char *net_words(int e)
{
	switch (e) {
	case ECONNREFUSED:
		return "port unreachable";
	case ENETUNREACH:
	case EHOSTUNREACH:
		return "unreachable";
	case EADDRNOTAVAIL:
	case EAFNOSUPPORT:
		return "no route for that address family";
	default:
		return "network error";
	}
}

/*
 * One query over UDP on a connected socket.  ldns's own UDP reader takes
 * the first datagram that arrives, from any address and with any ID, so an
 * off-path forgery or a stray answer would be believed.  Connected, the
 * kernel drops datagrams from other addresses; we drop those that do not
 * answer our question with our ID and keep listening until the deadline
 * (RFC 5452 section 9.1).  *fail says why no reply came when the status
 * is not OK: "timed out", or the socket error in words.
 */
static ldns_status udp_exchange(const struct tlsa_server *s, unsigned timeout_ms,
				const ldns_pkt *query, ldns_pkt **reply, const char **fail)
{
	struct sockaddr_storage ss;
	socklen_t sslen;
	struct timespec now, end;
	uint8_t *wire = NULL, *buf = NULL;
	size_t wlen = 0;
	ldns_status ls = LDNS_STATUS_NETWORK_ERR;
	int fd = -1;

	*reply = NULL;
	*fail = "timed out";
	memset(&ss, 0, sizeof(ss));
	if (s->family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;

		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)s->port);
		memcpy(&in->sin_addr, s->addr, 4);
		sslen = sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)s->port);
		memcpy(&in6->sin6_addr, s->addr, 16);
		sslen = sizeof(*in6);
	}
	if (ldns_pkt2wire(&wire, query, &wlen) != LDNS_STATUS_OK)
		return LDNS_STATUS_MEM_ERR;
	buf = malloc(65535);
	if (buf == NULL) {
		ls = LDNS_STATUS_MEM_ERR;
		goto out;
	}
	fd = socket(s->family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&ss, sslen) != 0 ||
	    send(fd, wire, wlen, 0) != (ssize_t)wlen) {
		*fail = net_words(errno);
		goto out;
	}
	clock_gettime(CLOCK_MONOTONIC, &end);
	end.tv_sec += timeout_ms / 1000;
	end.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (end.tv_nsec >= 1000000000L) {
		end.tv_sec++;
		end.tv_nsec -= 1000000000L;
	}
	for (;;) {
		struct pollfd p = {fd, POLLIN, 0};
		long left;
		ssize_t n;
		ldns_pkt *r = NULL;

		clock_gettime(CLOCK_MONOTONIC, &now);
		left =
		    (long)(end.tv_sec - now.tv_sec) * 1000 + (end.tv_nsec - now.tv_nsec) / 1000000;
		if (left <= 0)
			break;
		n = poll(&p, 1, (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		n = recv(fd, buf, 65535, 0);
		if (n < 0 && errno != EINTR && errno != EAGAIN) {
			*fail = net_words(errno); /* e.g. ICMP port unreachable */
			break;
		}
		if (n <= 0 || ldns_wire2pkt(&r, buf, (size_t)n) != LDNS_STATUS_OK)
			continue;
		if (answers(query, r)) {
			*reply = r;
			ls = LDNS_STATUS_OK;
			break;
		}
		ldns_pkt_free(r);
	}
out:
	if (fd >= 0)
		close(fd);
	free(buf);
	LDNS_FREE(wire);
	return ls;
}

/* One query to one server: UDP, then TCP when the answer is truncated. */
static ldns_status exchange(ldns_resolver *lr, const struct tlsa_server *s, unsigned timeout_ms,
			    const ldns_rdf *name, ldns_rr_type type, int cd, ldns_pkt **reply,
			    const char **fail)
{
	ldns_pkt *query = NULL;
	ldns_status ls;

	*reply = NULL;
	*fail = NULL;
	ls = ldns_resolver_prepare_query_pkt(&query, lr, name, type, LDNS_RR_CLASS_IN,
					     LDNS_RD | (cd ? LDNS_CD : 0));
	if (ls != LDNS_STATUS_OK)
		return ls;
	ls = udp_exchange(s, timeout_ms, query, reply, fail);
	if (ls == LDNS_STATUS_OK && ldns_pkt_tc(*reply)) {
		ldns_pkt_free(*reply);
		*reply = NULL;
		ldns_resolver_set_usevc(lr, true);
		ls = ldns_resolver_send_pkt(reply, lr, query);
		if (ls == LDNS_STATUS_OK && *reply && !answers(query, *reply))
			ls = LDNS_STATUS_ERR;
		if (ls != LDNS_STATUS_OK)
			*fail = "truncated over UDP, and TCP failed";
		if (ls != LDNS_STATUS_OK && *reply) {
			ldns_pkt_free(*reply);
			*reply = NULL;
		}
	}
	ldns_pkt_free(query);
	return ls;
}

tlsa_status tlsa_dns_query(const tlsa_resolver *res, const ldns_rdf *name, ldns_rr_type type,
			   int cd, ldns_pkt **pkt, const char **server, char *why, size_t whylen)
{
	size_t i;
	ldns_status ls = LDNS_STATUS_OK;
	const char *fail = NULL;

	*pkt = NULL;
	*server = NULL;
	if (whylen)
		why[0] = '\0';
	for (i = 0; i < res->n; i++) {
		ldns_resolver *lr = ldns_for(res, &res->servers[i], cd);

		if (lr == NULL)
			return TLSA_ERR_NOMEM;
		ls = exchange(lr, &res->servers[i], res->timeout_ms, name, type, cd, pkt, &fail);
		ldns_resolver_deep_free(lr);
		if (ls == LDNS_STATUS_OK && *pkt) {
			*server = res->servers[i].text;
			return TLSA_OK;
		}
		if (*pkt) {
			ldns_pkt_free(*pkt);
			*pkt = NULL;
		}
	}
	if (ls == LDNS_STATUS_MEM_ERR)
		return TLSA_ERR_NOMEM;
	if (fail == NULL)
		fail = ldns_get_errorstr_by_id(ls);
	if (fail == NULL)
		fail = "no answer";
	if (res->n == 1 && strcmp(fail, "timed out") == 0)
		snprintf(why, whylen, "no answer from %s within %u.%u s", res->servers[0].text,
			 res->timeout_ms / 1000, res->timeout_ms % 1000 / 100);
	else if (res->n == 1)
		snprintf(why, whylen, "no answer from %s: %s", res->servers[0].text, fail);
	else if (strcmp(fail, "timed out") == 0)
		snprintf(why, whylen, "none of %zu resolvers answered within %u.%u s each", res->n,
			 res->timeout_ms / 1000, res->timeout_ms % 1000 / 100);
	else
		snprintf(why, whylen, "none of %zu resolvers answered (the last: %s)", res->n,
			 fail);
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

/*
 * The AD-mode state of an answer: AD means secure; SERVFAIL that turns
 * into data with CD means bogus; SERVFAIL with CD too, or another error
 * rcode, means indeterminate.  On bogus *pkt is replaced by the CD answer
 * so that the caller can still show the data.
 */
static tlsa_status ad_state(const tlsa_resolver *res, const ldns_rdf *name, ldns_rr_type type,
			    ldns_pkt **pkt, const char **server, tlsa_dnssec *state, char **reason)
{
	int rc = ldns_pkt_get_rcode(*pkt);

	*reason = NULL;
	if (rc == LDNS_RCODE_NOERROR || rc == LDNS_RCODE_NXDOMAIN) {
		*state = ldns_pkt_ad(*pkt) ? TLSA_DNSSEC_SECURE : TLSA_DNSSEC_INSECURE;
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
			return ad_state(res, name, type, pkt, server, state, reason);
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
		if (cdp)
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
		st = ad_state(res, qname, type, &pkt, &server, &hop, &reason);
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
						      &ans->cnames[i].state, &r);
				else if (st == TLSA_OK)
					ans->cnames[i].state = TLSA_DNSSEC_INDETERMINATE;
				free(r);
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
	tlsa_validator_free(v);
	if (st != TLSA_OK || rrset_out == NULL)
		ldns_rr_list_free(rrset);
	else
		*rrset_out = rrset;
	return st;
}

/* The name's labels are walked as name.c walks DNS text first. */
ldns_rdf *tlsa_dns_name(const char *text)
{
	ldns_rdf *d;

	if (tlsa_name_walk(text, &tlsa_name_dns, NULL, 0) != TLSA_OK)
		return NULL;
	d = ldns_dname_new_frm_str(text);
	if (d && ldns_rdf_get_type(d) != LDNS_RDF_TYPE_DNAME) {
		ldns_rdf_deep_free(d);
		return NULL;
	}
	return d;
}
