/*
 * RFC 2136 dynamic updates of TLSA RRsets, signed with TSIG (RFC 8945),
 * to one primary server over TCP, and the queries that show what it
 * serves afterwards.
 *
 * Each owner's set is replaced atomically: one UPDATE per zone holds, for
 * every set that differs from what the server serves, a prerequisite that
 * the set is still as read (RFC 2136 section 2.4.2, or 2.4.3 "does not
 * exist" when there was none), a delete of the set and the adds of the
 * new records.  When another writer changed a set in between, the server
 * answers NXRRSET or YXRRSET and nothing of the message took effect: the
 * sets are read again and the UPDATE rebuilt, a bounded number of times.
 * Every exchange is one TCP connection (RFC 7766), so no answer is lost
 * to a truncated or dropped datagram and no UPDATE is sent twice.
 *
 * Owns: the sets asked for, the exchange with the primary, TSIG signing
 * and the check of the answer's TSIG (through ldns), the words for update
 * rcodes.  Does not own: parsing keys (tsig.c), the resolver's lookups
 * (dns-*.c), printing (the command's).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
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
#include <tlsa/update.h>
#include "dns-query.h"
#include "error-internal.h"
#include "tsig-internal.h"

#define DEFAULT_TIMEOUT_MS 10000
#define DEFAULT_RETRIES	   4
#define TSIG_FUDGE	   300
#define DEFAULT_TTL	   3600

enum {
	RCODE_YXRRSET = 7,
	RCODE_NXRRSET = 8,
};

struct set {
	char *owner;	   /* absolute, as ldns prints it */
	ldns_rdf *dname;   /* the owner */
	ldns_rr_list *rrs; /* the records asked for, distinct (none when removed) */
	uint32_t ttl;	   /* the smallest TTL given */
	int removed;
	ldns_rdf *zone;	   /* found by push */
	ldns_rr_list *old; /* what the server served at the last read */
	int change;	   /* TLSA_ZONE_SET_*: what the push did */
	size_t old_count;  /* records served before it */
};

struct addr {
	struct sockaddr_storage ss;
	socklen_t len;
	char text[80];
	unsigned port;
};

struct tlsa_update {
	struct set *sets;
	size_t n, cap;
	struct addr server;
	int have_server;
	const tlsa_tsig_key *key;
	unsigned timeout_ms, retries;
	ldns_rdf *last_zone;
	tlsa_update_report report; /* the last push's */
	char *report_zone;	   /* its zone, the report's zone when set */
	tlsa_update_seen *seen;	   /* the last verify's, one per owner */
	size_t nseen;
};

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

const char *tlsa_update_rcode_name(int rcode)
{
	static const char *const names[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
					    "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
					    "NXRRSET", "NOTAUTH", "NOTZONE",  "DSOTYPENI"};

	if (rcode >= 0 && rcode < (int)(sizeof(names) / sizeof(names[0])))
		return names[rcode];
	switch (rcode) {
	case 16: return "BADSIG";
	case 17: return "BADKEY";
	case 18: return "BADTIME";
	case 19: return "BADMODE";
	case 20: return "BADNAME";
	case 21: return "BADALG";
	case 22: return "BADTRUNC";
	case 23: return "BADCOOKIE";
	default: return "an unknown rcode";
	}
}

/* ---- the object -------------------------------------------------------------- */

tlsa_status tlsa_update_new(tlsa_update **out)
{
	tlsa_update *up = calloc(1, sizeof(*up));

	*out = NULL;
	if (up == NULL)
		return TLSA_ERR_NOMEM;
	up->timeout_ms = DEFAULT_TIMEOUT_MS;
	up->retries = DEFAULT_RETRIES;
	*out = up;
	return TLSA_OK;
}

void tlsa_update_free(tlsa_update *up)
{
	size_t i;

	if (up == NULL)
		return;
	for (i = 0; i < up->n; i++) {
		free(up->sets[i].owner);
		ldns_rdf_deep_free(up->sets[i].dname);
		ldns_rr_list_deep_free(up->sets[i].rrs);
		ldns_rdf_deep_free(up->sets[i].zone);
		ldns_rr_list_deep_free(up->sets[i].old);
	}
	free(up->sets);
	ldns_rdf_deep_free(up->last_zone);
	free(up->report_zone);
	free(up->seen);
	free(up);
}

void tlsa_update_set_key(tlsa_update *up, const tlsa_tsig_key *key)
{
	up->key = key;
}

void tlsa_update_set_timeout(tlsa_update *up, unsigned timeout_ms)
{
	up->timeout_ms = timeout_ms ? timeout_ms : DEFAULT_TIMEOUT_MS;
}

void tlsa_update_set_retries(tlsa_update *up, unsigned retries)
{
	up->retries = retries;
}

size_t tlsa_update_owner_count(const tlsa_update *up)
{
	return up->n;
}

const char *tlsa_update_owner(const tlsa_update *up, size_t i, int *removed)
{
	if (i >= up->n)
		return NULL;
	if (removed != NULL)
		*removed = up->sets[i].removed;
	return up->sets[i].owner;
}

/* "ADDR[@PORT]", the address bracketed or not. */
static tlsa_status parse_addr(const char *text, struct addr *a)
{
	char host[64];
	const char *at = strrchr(text, '@');
	size_t hl = at ? (size_t)(at - text) : strlen(text);
	unsigned long port = 53;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&a->ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&a->ss;

	memset(a, 0, sizeof(*a));
	if (hl >= 2 && text[0] == '[' && text[hl - 1] == ']') {
		text++;
		hl -= 2;
	}
	if (hl == 0 || hl >= sizeof(host))
		return TLSA_ERR_RESOLVER_ADDR;
	memcpy(host, text, hl);
	host[hl] = '\0';
	if (at != NULL) {
		char *end;

		errno = 0;
		port = strtoul(at + 1, &end, 10);
		if (at[1] < '0' || at[1] > '9' || *end != '\0' || errno || port == 0 ||
		    port > 65535)
			return TLSA_ERR_RESOLVER_ADDR;
	}
	if (inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		a->len = sizeof(*s4);
	} else if (inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		a->len = sizeof(*s6);
	} else {
		return TLSA_ERR_RESOLVER_ADDR;
	}
	a->port = (unsigned)port;
	snprintf(a->text, sizeof(a->text), "%s@%lu", host, port);
	return TLSA_OK;
}

tlsa_status tlsa_update_set_server(tlsa_update *up, const char *server)
{
	struct addr a;
	tlsa_status st = parse_addr(server, &a);

	if (st != TLSA_OK)
		return st;
	up->server = a;
	up->have_server = 1;
	return TLSA_OK;
}

/* The set of owner, made when make is set; NULL when out of memory or
 * absent. */
static struct set *set_of(tlsa_update *up, const ldns_rdf *owner, int make)
{
	struct set *s;
	size_t i;

	for (i = 0; i < up->n; i++)
		if (ldns_dname_compare(up->sets[i].dname, owner) == 0)
			return &up->sets[i];
	if (!make)
		return NULL;
	if (up->n == up->cap) {
		size_t cap = up->cap ? up->cap * 2 : 8;
		struct set *nv = realloc(up->sets, cap * sizeof(*nv));

		if (nv == NULL)
			return NULL;
		up->sets = nv;
		up->cap = cap;
	}
	s = &up->sets[up->n];
	memset(s, 0, sizeof(*s));
	s->dname = ldns_rdf_clone(owner);
	s->rrs = ldns_rr_list_new();
	s->owner = s->dname ? ldns_rdf2str(s->dname) : NULL;
	s->ttl = UINT32_MAX;
	if (s->dname == NULL || s->rrs == NULL || s->owner == NULL) {
		free(s->owner);
		ldns_rdf_deep_free(s->dname);
		ldns_rr_list_free(s->rrs);
		return NULL;
	}
	up->n++;
	return s;
}

/* Whether two TLSA records have the same rdata. */
static int same_rdata(const ldns_rr *a, const ldns_rr *b)
{
	size_t i;

	if (ldns_rr_rd_count(a) != ldns_rr_rd_count(b))
		return 0;
	for (i = 0; i < ldns_rr_rd_count(a); i++)
		if (ldns_rdf_compare(ldns_rr_rdf(a, i), ldns_rr_rdf(b, i)) != 0)
			return 0;
	return 1;
}

static int list_has(const ldns_rr_list *l, const ldns_rr *rr)
{
	size_t i;

	for (i = 0; l != NULL && i < ldns_rr_list_rr_count(l); i++)
		if (same_rdata(ldns_rr_list_rr(l, i), rr))
			return 1;
	return 0;
}

/* The owner token ends with an unescaped dot. */
static int owner_absolute(const char *text)
{
	const char *p = text;
	size_t n;

	while (*p == ' ' || *p == '\t')
		p++;
	n = strcspn(p, " \t");
	if (n == 0 || p[n - 1] != '.')
		return 0;
	return n < 2 || p[n - 2] != '\\' || (n >= 3 && p[n - 3] == '\\');
}

tlsa_status tlsa_update_add_record(tlsa_update *up, const char *text)
{
	ldns_rr *rr = NULL;
	ldns_status ls;
	struct set *s;

	tlsa_err_clear();
	if (!owner_absolute(text)) {
		tlsa_err_detail("the owner must be absolute (end in '.')");
		return TLSA_ERR_ZONE_ORIGIN;
	}
	ls = ldns_rr_new_frm_str(&rr, text, DEFAULT_TTL, NULL, NULL);
	if (ls != LDNS_STATUS_OK) {
		tlsa_err_detail("%s", ldns_get_errorstr_by_id(ls));
		return ls == LDNS_STATUS_MEM_ERR ? TLSA_ERR_NOMEM : TLSA_ERR_ZONE_RECORD;
	}
	if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_TLSA ||
	    ldns_rr_get_class(rr) != LDNS_RR_CLASS_IN) {
		tlsa_err_detail("not an IN TLSA record");
		ldns_rr_free(rr);
		return TLSA_ERR_ZONE_NOT_TLSA;
	}
	if (ldns_rr_rd_count(rr) != 4 || ldns_rdf_size(ldns_rr_rdf(rr, 3)) == 0) {
		tlsa_err_detail("TLSA rdata must be U S M HEX");
		ldns_rr_free(rr);
		return TLSA_ERR_ZONE_RECORD;
	}
	s = set_of(up, ldns_rr_owner(rr), 1);
	if (s == NULL) {
		ldns_rr_free(rr);
		return TLSA_ERR_NOMEM;
	}
	if (s->removed) {
		tlsa_err_detail("%s is also to be removed", s->owner);
		ldns_rr_free(rr);
		return TLSA_ERR_ZONE_CONFLICT;
	}
	if (ldns_rr_ttl(rr) < s->ttl)
		s->ttl = ldns_rr_ttl(rr);
	if (list_has(s->rrs, rr)) {
		ldns_rr_free(rr);
		return TLSA_OK;
	}
	if (!ldns_rr_list_push_rr(s->rrs, rr)) {
		ldns_rr_free(rr);
		return TLSA_ERR_NOMEM;
	}
	return TLSA_OK;
}

tlsa_status tlsa_update_remove(tlsa_update *up, const char *owner)
{
	ldns_rdf *d = NULL;
	struct set *s;

	tlsa_err_clear();
	if (!owner_absolute(owner) || strpbrk(owner, " \t") != NULL ||
	    ldns_str2rdf_dname(&d, owner) != LDNS_STATUS_OK) {
		tlsa_err_detail("not an absolute domain name");
		return TLSA_ERR_DNS_NAME;
	}
	s = set_of(up, d, 1);
	ldns_rdf_deep_free(d);
	if (s == NULL)
		return TLSA_ERR_NOMEM;
	if (ldns_rr_list_rr_count(s->rrs) > 0) {
		tlsa_err_detail("%s is also given records", s->owner);
		return TLSA_ERR_ZONE_CONFLICT;
	}
	s->removed = 1;
	return TLSA_OK;
}

/* ---- nsupdate text ------------------------------------------------------------ */

tlsa_status tlsa_update_nsupdate(const tlsa_update *up, char **text)
{
	char *buf = NULL;
	size_t len = 0, i, j;
	FILE *f = open_memstream(&buf, &len);
	int bad = 0;

	*text = NULL;
	if (f == NULL)
		return TLSA_ERR_NOMEM;
	for (i = 0; i < up->n; i++) {
		const struct set *s = &up->sets[i];

		fprintf(f, "update delete %s TLSA\n", s->owner);
		for (j = 0; j < ldns_rr_list_rr_count(s->rrs); j++) {
			const ldns_rr *rr = ldns_rr_list_rr(s->rrs, j);
			char *hex = ldns_rdf2str(ldns_rr_rdf(rr, 3));
			size_t k;

			if (hex == NULL) {
				bad = 1;
				break;
			}
			for (k = 0; hex[k]; k++)
				if (hex[k] >= 'A' && hex[k] <= 'F')
					hex[k] = (char)(hex[k] - 'A' + 'a');
			fprintf(f, "update add %s %lu IN TLSA %u %u %u %s\n", s->owner,
				(unsigned long)s->ttl, ldns_rdf2native_int8(ldns_rr_rdf(rr, 0)),
				ldns_rdf2native_int8(ldns_rr_rdf(rr, 1)),
				ldns_rdf2native_int8(ldns_rr_rdf(rr, 2)), hex);
			free(hex);
		}
	}
	fputs("send\n", f);
	if (fclose(f) != 0 || bad) {
		free(buf);
		return TLSA_ERR_NOMEM;
	}
	*text = buf;
	return TLSA_OK;
}

/* ---- one exchange over TCP ----------------------------------------------------- */

static int wait_fd(int fd, short events, long long deadline)
{
	struct pollfd pf = {fd, events, 0};
	long long left;
	int r;

	for (;;) {
		left = deadline - now_ms();
		if (left <= 0)
			return 0;
		r = poll(&pf, 1, (int)(left > 60000 ? 60000 : left));
		if (r > 0)
			return 1;
		if (r < 0 && errno != EINTR)
			return -1;
	}
}

static tlsa_status send_all(int fd, const uint8_t *p, size_t n, long long deadline)
{
	while (n > 0) {
		ssize_t w;

		if (wait_fd(fd, POLLOUT, deadline) <= 0)
			return TLSA_ERR_TIMEOUT;
		w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return TLSA_ERR_CLOSED;
		}
		p += w;
		n -= (size_t)w;
	}
	return TLSA_OK;
}

static tlsa_status recv_all(int fd, uint8_t *p, size_t n, long long deadline)
{
	while (n > 0) {
		ssize_t r;

		if (wait_fd(fd, POLLIN, deadline) <= 0)
			return TLSA_ERR_TIMEOUT;
		r = recv(fd, p, n, 0);
		if (r == 0)
			return TLSA_ERR_CLOSED;
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return TLSA_ERR_CLOSED;
		}
		p += r;
		n -= (size_t)r;
	}
	return TLSA_OK;
}

/* Send wire to a, read one message back (malloc'd). */
static tlsa_status tcp_exchange(const struct addr *a, unsigned timeout_ms, const uint8_t *wire,
				size_t len, uint8_t **reply, size_t *rlen)
{
	long long deadline = now_ms() + timeout_ms;
	uint8_t hdr[2];
	uint8_t *out;
	tlsa_status st;
	int fd, err = 0;
	socklen_t el = sizeof(err);

	*reply = NULL;
	fd = socket(a->ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		tlsa_err_detail("%s: socket: %s", a->text, strerror(errno));
		return TLSA_ERR_CONNECT;
	}
	if (connect(fd, (const struct sockaddr *)&a->ss, a->len) != 0 && errno != EINPROGRESS) {
		tlsa_err_detail("%s: %s", a->text, strerror(errno));
		close(fd);
		return TLSA_ERR_CONNECT;
	}
	if (wait_fd(fd, POLLOUT, deadline) <= 0) {
		tlsa_err_detail("%s: no connection within %u ms", a->text, timeout_ms);
		close(fd);
		return TLSA_ERR_TIMEOUT;
	}
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) != 0 || err != 0) {
		tlsa_err_detail("%s: %s", a->text, strerror(err ? err : errno));
		close(fd);
		return TLSA_ERR_CONNECT;
	}
	out = malloc(len + 2);
	if (out == NULL) {
		close(fd);
		return TLSA_ERR_NOMEM;
	}
	out[0] = (uint8_t)(len >> 8);
	out[1] = (uint8_t)len;
	memcpy(out + 2, wire, len);
	st = send_all(fd, out, len + 2, deadline);
	free(out);
	if (st == TLSA_OK)
		st = recv_all(fd, hdr, 2, deadline);
	if (st == TLSA_OK) {
		*rlen = (size_t)hdr[0] << 8 | hdr[1];
		*reply = malloc(*rlen ? *rlen : 1);
		if (*reply == NULL)
			st = TLSA_ERR_NOMEM;
		else
			st = recv_all(fd, *reply, *rlen, deadline);
	}
	close(fd);
	if (st != TLSA_OK) {
		free(*reply);
		*reply = NULL;
		if (st == TLSA_ERR_TIMEOUT)
			tlsa_err_detail("%s: no answer within %u ms", a->text, timeout_ms);
		else if (st == TLSA_ERR_CLOSED)
			tlsa_err_detail("%s: the server closed the connection", a->text);
	}
	return st;
}

/* Send pkt (given an ID here) and parse the answer, which must answer it. */
static tlsa_status exchange(const struct addr *a, unsigned timeout_ms, ldns_pkt *pkt,
			    ldns_pkt **reply, uint8_t **rwire, size_t *rlen)
{
	uint8_t *wire = NULL, *back = NULL;
	size_t len = 0, blen = 0;
	tlsa_status st;

	*reply = NULL;
	if (ldns_pkt2wire(&wire, pkt, &len) != LDNS_STATUS_OK)
		return TLSA_ERR_NOMEM;
	if (len > 65535) {
		LDNS_FREE(wire);
		tlsa_err_detail("%s: %zu bytes", a->text, len);
		return TLSA_ERR_UPDATE_TOO_BIG;
	}
	st = tcp_exchange(a, timeout_ms, wire, len, &back, &blen);
	LDNS_FREE(wire);
	if (st != TLSA_OK)
		return st;
	if (ldns_wire2pkt(reply, back, blen) != LDNS_STATUS_OK ||
	    ldns_pkt_id(*reply) != ldns_pkt_id(pkt) || !ldns_pkt_qr(*reply) ||
	    ldns_pkt_get_opcode(*reply) != ldns_pkt_get_opcode(pkt)) {
		tlsa_err_detail("%s: an answer that does not answer what was sent", a->text);
		ldns_pkt_free(*reply);
		*reply = NULL;
		free(back);
		return TLSA_ERR_UPDATE_ANSWER;
	}
	if (rwire != NULL) {
		*rwire = back;
		*rlen = blen;
	} else {
		free(back);
	}
	return TLSA_OK;
}

/* Ask a for name/type (no RD; DO when dnssec). */
static tlsa_status ask(const struct addr *a, unsigned timeout_ms, const ldns_rdf *name,
		       ldns_rr_type type, int dnssec, ldns_pkt **reply)
{
	ldns_pkt *q = ldns_pkt_query_new(ldns_rdf_clone(name), type, LDNS_RR_CLASS_IN, 0);
	tlsa_status st;

	*reply = NULL;
	if (q == NULL)
		return TLSA_ERR_NOMEM;
	ldns_pkt_set_random_id(q);
	if (dnssec) {
		ldns_pkt_set_edns_udp_size(q, 1232);
		ldns_pkt_set_edns_do(q, true);
	}
	st = exchange(a, timeout_ms, q, reply, NULL, NULL);
	ldns_pkt_free(q);
	return st;
}

/* The RRs of section at owner of type (a new list of clones). */
static ldns_rr_list *select_rrs(const ldns_rr_list *section, const ldns_rdf *owner,
				ldns_rr_type type)
{
	ldns_rr_list *l = ldns_rr_list_new();
	size_t i;

	for (i = 0; l != NULL && section != NULL && i < ldns_rr_list_rr_count(section); i++) {
		ldns_rr *rr = ldns_rr_list_rr(section, i);

		if (ldns_rr_get_type(rr) == type &&
		    ldns_dname_compare(ldns_rr_owner(rr), owner) == 0)
			ldns_rr_list_push_rr(l, ldns_rr_clone(rr));
	}
	return l;
}

/* ---- push --------------------------------------------------------------------- */

/* The zone of s: the owner of the SOA the server gives for it. */
static tlsa_status find_zone(tlsa_update *up, struct set *s)
{
	ldns_pkt *r = NULL;
	ldns_rr_list *l;
	const ldns_rr *soa = NULL;
	tlsa_status st;
	size_t i;

	st = ask(&up->server, up->timeout_ms, s->dname, LDNS_RR_TYPE_SOA, 0, &r);
	if (st != TLSA_OK)
		return st;
	if (ldns_pkt_get_rcode(r) == LDNS_RCODE_NOERROR ||
	    ldns_pkt_get_rcode(r) == LDNS_RCODE_NXDOMAIN) {
		for (l = ldns_pkt_answer(r), i = 0; soa == NULL && i < ldns_rr_list_rr_count(l);
		     i++)
			if (ldns_rr_get_type(ldns_rr_list_rr(l, i)) == LDNS_RR_TYPE_SOA)
				soa = ldns_rr_list_rr(l, i);
		for (l = ldns_pkt_authority(r), i = 0; soa == NULL && i < ldns_rr_list_rr_count(l);
		     i++)
			if (ldns_rr_get_type(ldns_rr_list_rr(l, i)) == LDNS_RR_TYPE_SOA)
				soa = ldns_rr_list_rr(l, i);
	}
	if (soa == NULL || !ldns_dname_is_subdomain(s->dname, ldns_rr_owner(soa))) {
		if (soa == NULL || ldns_dname_compare(s->dname, ldns_rr_owner(soa)) != 0) {
			tlsa_err_detail("%s: %s: the server answers %s and no SOA: not a primary "
					"for its zone",
					up->server.text, s->owner,
					tlsa_update_rcode_name(ldns_pkt_get_rcode(r)));
			ldns_pkt_free(r);
			return TLSA_ERR_UPDATE_ZONE;
		}
	}
	ldns_rdf_deep_free(s->zone);
	s->zone = ldns_rdf_clone(ldns_rr_owner(soa));
	ldns_pkt_free(r);
	return s->zone ? TLSA_OK : TLSA_ERR_NOMEM;
}

/* What the server serves at s now, into s->old. */
static tlsa_status read_set(tlsa_update *up, struct set *s)
{
	ldns_pkt *r = NULL;
	tlsa_status st;
	int rc;

	st = ask(&up->server, up->timeout_ms, s->dname, LDNS_RR_TYPE_TLSA, 0, &r);
	if (st != TLSA_OK)
		return st;
	rc = ldns_pkt_get_rcode(r);
	if (rc != LDNS_RCODE_NOERROR && rc != LDNS_RCODE_NXDOMAIN) {
		tlsa_err_detail("%s: %s TLSA: the server answers %s", up->server.text, s->owner,
				tlsa_update_rcode_name(rc));
		ldns_pkt_free(r);
		return TLSA_ERR_UPDATE_ZONE;
	}
	ldns_rr_list_deep_free(s->old);
	s->old = select_rrs(ldns_pkt_answer(r), s->dname, LDNS_RR_TYPE_TLSA);
	ldns_pkt_free(r);
	return s->old ? TLSA_OK : TLSA_ERR_NOMEM;
}

/* Whether the server's set is the set asked for, as sets of rdata. */
static int set_done(const struct set *s)
{
	size_t i, n = ldns_rr_list_rr_count(s->old);

	if (s->removed)
		return n == 0;
	for (i = 0; i < n; i++)
		if (!list_has(s->rrs, ldns_rr_list_rr(s->old, i)))
			return 0;
	for (i = 0; i < ldns_rr_list_rr_count(s->rrs); i++)
		if (!list_has(s->old, ldns_rr_list_rr(s->rrs, i)))
			return 0;
	/* The same records: a new TTL still changes the set. */
	return n == 0 || ldns_rr_ttl(ldns_rr_list_rr(s->old, 0)) == s->ttl;
}

/* An RR of owner/type/class with TTL 0 and no rdata (RFC 2136's
 * "RRset does not exist" prerequisite, "delete an RRset" update). */
static ldns_rr *empty_rr(const ldns_rdf *owner, ldns_rr_class cls)
{
	ldns_rr *rr = ldns_rr_new();

	if (rr == NULL)
		return NULL;
	ldns_rr_set_owner(rr, ldns_rdf_clone(owner));
	ldns_rr_set_type(rr, LDNS_RR_TYPE_TLSA);
	ldns_rr_set_class(rr, cls);
	ldns_rr_set_ttl(rr, 0);
	ldns_rr_set_question(rr, false);
	return rr;
}

/* Add the prerequisite, delete and adds of s to the lists. */
static int add_set(const struct set *s, ldns_rr_list *pre, ldns_rr_list *upd)
{
	size_t i, n = ldns_rr_list_rr_count(s->old);
	ldns_rr *rr;

	if (n == 0) {
		if ((rr = empty_rr(s->dname, LDNS_RR_CLASS_NONE)) == NULL ||
		    !ldns_rr_list_push_rr(pre, rr))
			return -1;
	}
	for (i = 0; i < n; i++) {
		rr = ldns_rr_clone(ldns_rr_list_rr(s->old, i));
		if (rr == NULL)
			return -1;
		ldns_rr_set_ttl(rr, 0);
		ldns_rr_set_class(rr, LDNS_RR_CLASS_IN);
		if (!ldns_rr_list_push_rr(pre, rr))
			return -1;
	}
	if ((rr = empty_rr(s->dname, LDNS_RR_CLASS_ANY)) == NULL || !ldns_rr_list_push_rr(upd, rr))
		return -1;
	for (i = 0; i < ldns_rr_list_rr_count(s->rrs); i++) {
		rr = ldns_rr_clone(ldns_rr_list_rr(s->rrs, i));
		if (rr == NULL)
			return -1;
		ldns_rr_set_ttl(rr, s->ttl);
		if (!ldns_rr_list_push_rr(upd, rr))
			return -1;
	}
	return 0;
}

/* The TSIG error field of a message's TSIG, 0 when none. */
static int tsig_error(const ldns_pkt *p)
{
	const ldns_rr *t = ldns_pkt_tsig(p);
	const ldns_rdf *e;

	if (t == NULL || ldns_rr_rd_count(t) < 6)
		return 0;
	e = ldns_rr_rdf(t, 5);
	return ldns_rdf_size(e) == 2 ? ldns_rdf2native_int16(e) : 0;
}

/* The size of the UPDATE in wire form without name compression, and room
 * for a TSIG: more than it will take.  ldns must not be asked to build a
 * message larger than 65535 bytes. */
static size_t wire_estimate(const ldns_rdf *zone, const ldns_rr_list *pre, const ldns_rr_list *upd)
{
	const ldns_rr_list *lists[] = {pre, upd};
	size_t n = 12 + ldns_rdf_size(zone) + 4 + 512, i, j, k;

	for (k = 0; k < 2; k++)
		for (i = 0; i < ldns_rr_list_rr_count(lists[k]); i++) {
			const ldns_rr *rr = ldns_rr_list_rr(lists[k], i);

			n += ldns_rdf_size(ldns_rr_owner(rr)) + 10;
			for (j = 0; j < ldns_rr_rd_count(rr); j++)
				n += ldns_rdf_size(ldns_rr_rdf(rr, j));
		}
	return n;
}

/* The report's zone becomes zs (a copy the update keeps). */
static void report_zone(tlsa_update *up, const char *zs)
{
	char *copy = strdup(zs);

	if (copy == NULL)
		return;
	free(up->report_zone);
	up->report_zone = copy;
	up->report.zone = copy;
}

/* One UPDATE of the changed sets of zone; the server's rcode in *rcode. */
static tlsa_status send_update(tlsa_update *up, const ldns_rdf *zone, tlsa_update_report *rep,
			       int *rcode)
{
	ldns_rr_list *pre = ldns_rr_list_new(), *upd = ldns_rr_list_new();
	ldns_pkt *pkt = NULL, *reply = NULL;
	uint8_t *rwire = NULL;
	size_t rlen = 0, i;
	tlsa_status st = TLSA_ERR_NOMEM;
	char *zs = ldns_rdf2str(zone);

	*rcode = -1;
	if (pre == NULL || upd == NULL || zs == NULL)
		goto out;
	for (i = 0; i < up->n; i++) {
		struct set *s = &up->sets[i];

		if (ldns_dname_compare(s->zone, zone) == 0 && !set_done(s) &&
		    add_set(s, pre, upd) != 0)
			goto out;
	}
	if (wire_estimate(zone, pre, upd) > 65535) {
		tlsa_err_detail("zone %s: %zu records", zs,
				ldns_rr_list_rr_count(pre) + ldns_rr_list_rr_count(upd));
		st = TLSA_ERR_UPDATE_TOO_BIG;
		goto out;
	}
	pkt = ldns_update_pkt_new(ldns_rdf_clone(zone), LDNS_RR_CLASS_IN, pre, upd, NULL);
	if (pkt == NULL)
		goto out;
	ldns_pkt_set_rd(pkt, false);
	ldns_pkt_set_random_id(pkt);
	if (up->key != NULL && ldns_pkt_tsig_sign(pkt, up->key->name, up->key->secret, TSIG_FUDGE,
						  up->key->ldns_alg, NULL) != LDNS_STATUS_OK) {
		tlsa_err_detail("cannot sign the update with key %s", up->key->name);
		st = TLSA_ERR_INTERNAL;
		goto out;
	}
	rep->attempts++;
	st = exchange(&up->server, up->timeout_ms, pkt, &reply, &rwire, &rlen);
	if (st != TLSA_OK)
		goto out;
	*rcode = (int)ldns_pkt_get_rcode(reply);
	rep->rcode = *rcode;
	rep->tsig_error = tsig_error(reply);
	report_zone(up, zs);
	if (rep->tsig_error != 0) {
		tlsa_err_detail("%s: zone %s: %s (%s)", up->server.text, zs,
				tlsa_update_rcode_name(*rcode),
				tlsa_update_rcode_name(rep->tsig_error));
		st = TLSA_ERR_UPDATE_RCODE;
		goto out;
	}
	if (up->key != NULL && *rcode == LDNS_RCODE_NOERROR) {
		const ldns_rr *qt = ldns_pkt_tsig(pkt);

		if (ldns_pkt_tsig(reply) == NULL ||
		    !ldns_pkt_tsig_verify(reply, rwire, rlen, up->key->name, up->key->secret,
					  ldns_rr_rdf(qt, 3))) {
			tlsa_err_detail("%s: zone %s: the answer %s", up->server.text, zs,
					ldns_pkt_tsig(reply) == NULL
					    ? "is not signed"
					    : "carries a TSIG that does not verify");
			st = TLSA_ERR_UPDATE_ANSWER;
			goto out;
		}
	}
	if (*rcode != LDNS_RCODE_NOERROR && *rcode != RCODE_NXRRSET && *rcode != RCODE_YXRRSET) {
		tlsa_err_detail("%s: zone %s: %s", up->server.text, zs,
				tlsa_update_rcode_name(*rcode));
		st = TLSA_ERR_UPDATE_RCODE;
		goto out;
	}
	st = TLSA_OK;
out:
	free(zs);
	free(rwire);
	ldns_pkt_free(pkt);
	ldns_pkt_free(reply);
	ldns_rr_list_deep_free(pre);
	ldns_rr_list_deep_free(upd);
	return st;
}

/* Count what the UPDATE did (or would do) to each set of zone. */
static void tally(tlsa_update *up, const ldns_rdf *zone, tlsa_update_report *rep)
{
	size_t i;

	for (i = 0; i < up->n; i++) {
		struct set *s = &up->sets[i];

		if (ldns_dname_compare(s->zone, zone) != 0)
			continue;
		s->old_count = ldns_rr_list_rr_count(s->old);
		if (set_done(s)) {
			s->change = TLSA_ZONE_SET_UNCHANGED;
			rep->sets_unchanged++;
		} else if (s->removed) {
			s->change = TLSA_ZONE_SET_REMOVED;
			rep->sets_removed++;
		} else if (s->old_count == 0) {
			s->change = TLSA_ZONE_SET_ADDED;
			rep->sets_added++;
		} else {
			s->change = TLSA_ZONE_SET_REPLACED;
			rep->sets_replaced++;
		}
	}
}

tlsa_zone_set_change tlsa_update_owner_change(const tlsa_update *up, size_t i, size_t *old_count)
{
	if (old_count != NULL)
		*old_count = i < up->n ? up->sets[i].old_count : 0;
	return i < up->n ? (tlsa_zone_set_change)up->sets[i].change : TLSA_ZONE_SET_UNCHANGED;
}

/* Read the sets of zone, and send until they are as asked. */
static tlsa_status push_zone(tlsa_update *up, const ldns_rdf *zone, tlsa_update_report *rep)
{
	tlsa_update_report scratch;
	unsigned attempt;
	tlsa_status st;
	size_t i, left;
	int rcode;

	for (attempt = 0;; attempt++) {
		left = 0;
		for (i = 0; i < up->n; i++) {
			struct set *s = &up->sets[i];

			if (ldns_dname_compare(s->zone, zone) != 0)
				continue;
			if ((st = read_set(up, s)) != TLSA_OK)
				return st;
			left += !set_done(s);
		}
		memset(&scratch, 0, sizeof(scratch));
		tally(up, zone, &scratch);
		if (left == 0) {
			rep->sets_unchanged += scratch.sets_unchanged;
			return TLSA_OK;
		}
		if (attempt > up->retries) {
			char *zs = ldns_rdf2str(zone);

			tlsa_err_detail("%s: zone %s: the prerequisite failed %u times",
					up->server.text, zs ? zs : "?", attempt);
			free(zs);
			return TLSA_ERR_UPDATE_RACE;
		}
		st = send_update(up, zone, rep, &rcode);
		if (st != TLSA_OK)
			return st;
		if (rcode == LDNS_RCODE_NOERROR) {
			rep->sent++;
			rep->sets_replaced += scratch.sets_replaced;
			rep->sets_added += scratch.sets_added;
			rep->sets_removed += scratch.sets_removed;
			rep->sets_unchanged += scratch.sets_unchanged;
			return TLSA_OK;
		}
		/* Another writer came first, or the server answers queries from a
		 * version of the zone that lags its updates (BIND's inline
		 * signing): wait, twice as long each time, at random within that
		 * (100 ms, 200 ms, ... up to 3.2 s), and read again. */
		usleep((useconds_t)((50 + ldns_get_random() % 50) *
				    (1000u << (attempt < 5 ? attempt : 5))));
	}
}

tlsa_status tlsa_update_push(tlsa_update *up, const tlsa_update_report **out)
{
	tlsa_update_report *report = &up->report;
	tlsa_status st;
	size_t i, j;

	memset(report, 0, sizeof(*report));
	report->rcode = -1;
	report->zone = "";
	free(up->report_zone);
	up->report_zone = NULL;
	if (out != NULL)
		*out = report;
	tlsa_err_clear();
	if (!up->have_server) {
		tlsa_err_detail("no server to send the update to");
		return TLSA_ERR_RESOLVER_ADDR;
	}
	for (i = 0; i < up->n; i++)
		if ((st = find_zone(up, &up->sets[i])) != TLSA_OK)
			return st;
	/* One UPDATE per zone, zones in the order their first owner came. */
	for (i = 0; i < up->n; i++) {
		for (j = 0; j < i; j++)
			if (ldns_dname_compare(up->sets[j].zone, up->sets[i].zone) == 0)
				break;
		if (j < i)
			continue;
		if ((st = push_zone(up, up->sets[i].zone, report)) != TLSA_OK)
			return st;
	}
	if (up->n > 0) {
		char *zs = ldns_rdf2str(up->sets[up->n - 1].zone);

		if (zs != NULL && report->zone[0] == '\0')
			report_zone(up, zs);
		free(zs);
		ldns_rdf_deep_free(up->last_zone);
		up->last_zone = ldns_rdf_clone(up->sets[up->n - 1].zone);
	}
	return TLSA_OK;
}

/* ---- verification ------------------------------------------------------------- */

/* What a serves at s now, into seen. */
static tlsa_status look(const tlsa_update *up, const struct addr *a, const struct set *s,
			tlsa_update_seen *seen)
{
	ldns_pkt *r = NULL, *k = NULL;
	ldns_rr_list *got = NULL, *sigs = NULL, *keys = NULL;
	ldns_rdf *zone = s->zone;
	tlsa_status st;
	size_t i, n;
	int match;

	memset(seen, 0, sizeof(*seen));
	seen->owner = s->owner;
	st = ask(a, up->timeout_ms, s->dname, LDNS_RR_TYPE_TLSA, 1, &r);
	if (st != TLSA_OK)
		return st;
	got = select_rrs(ldns_pkt_answer(r), s->dname, LDNS_RR_TYPE_TLSA);
	sigs = ldns_rr_list_new();
	if (got == NULL || sigs == NULL) {
		st = TLSA_ERR_NOMEM;
		goto out;
	}
	n = ldns_rr_list_rr_count(got);
	seen->count = n;
	match = s->removed ? n == 0 : n == ldns_rr_list_rr_count(s->rrs);
	for (i = 0; match && i < n; i++)
		match = list_has(s->rrs, ldns_rr_list_rr(got, i));
	seen->served = (ldns_pkt_get_rcode(r) == LDNS_RCODE_NOERROR ||
			ldns_pkt_get_rcode(r) == LDNS_RCODE_NXDOMAIN) &&
		       match;
	/* The zone's keys as this server serves them. */
	if (zone == NULL)
		zone = up->last_zone;
	if (zone != NULL && ask(a, up->timeout_ms, zone, LDNS_RR_TYPE_DNSKEY, 1, &k) == TLSA_OK)
		keys = select_rrs(ldns_pkt_answer(k), zone, LDNS_RR_TYPE_DNSKEY);
	seen->zone_signed = keys != NULL && ldns_rr_list_rr_count(keys) > 0;
	if (seen->zone_signed) {
		const ldns_rr_list *sect = n > 0 ? ldns_pkt_answer(r) : ldns_pkt_authority(r);

		for (i = 0; i < ldns_rr_list_rr_count(sect); i++) {
			ldns_rr *rr = ldns_rr_list_rr(sect, i);

			if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_RRSIG &&
			    (n == 0 || ldns_dname_compare(ldns_rr_owner(rr), s->dname) == 0))
				ldns_rr_list_push_rr(sigs, ldns_rr_clone(rr));
		}
		if (n > 0) {
			/* Only the signatures over TLSA. */
			ldns_rr_list *tl = ldns_rr_list_new();

			for (i = 0; tl != NULL && i < ldns_rr_list_rr_count(sigs); i++) {
				ldns_rr *rr = ldns_rr_list_rr(sigs, i);

				if (ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr)) ==
				    LDNS_RR_TYPE_TLSA)
					ldns_rr_list_push_rr(tl, ldns_rr_clone(rr));
			}
			seen->signed_ok = tl != NULL && ldns_rr_list_rr_count(tl) > 0 &&
					  ldns_verify(got, tl, keys, NULL) == LDNS_STATUS_OK;
			ldns_rr_list_deep_free(tl);
		} else {
			/* A removal: the denial is signed. */
			seen->signed_ok = ldns_rr_list_rr_count(sigs) > 0;
		}
	}
	st = TLSA_OK;
out:
	ldns_rr_list_deep_free(got);
	ldns_rr_list_deep_free(sigs);
	ldns_rr_list_deep_free(keys);
	ldns_pkt_free(r);
	ldns_pkt_free(k);
	return st;
}

const tlsa_update_seen *tlsa_update_seen_at(const tlsa_update *up, size_t i)
{
	return up != NULL && i < up->nseen ? &up->seen[i] : NULL;
}

tlsa_status tlsa_update_verify(tlsa_update *up, const char *server, unsigned wait_ms)
{
	tlsa_update_seen *seen;
	long long deadline = now_ms() + wait_ms;
	struct addr a;
	tlsa_status st;
	size_t i;
	int all;

	tlsa_err_clear();
	if (server != NULL) {
		if (parse_addr(server, &a) != TLSA_OK)
			return TLSA_ERR_RESOLVER_ADDR;
	} else if (up->have_server) {
		a = up->server;
	} else {
		return TLSA_ERR_RESOLVER_ADDR;
	}
	free(up->seen);
	up->nseen = 0;
	if ((up->seen = seen = calloc(up->n ? up->n : 1, sizeof(*seen))) == NULL)
		return TLSA_ERR_NOMEM;
	up->nseen = up->n;
	for (;;) {
		all = 1;
		for (i = 0; i < up->n; i++) {
			st = look(up, &a, &up->sets[i], &seen[i]);
			if (st != TLSA_OK)
				return st;
			if (!seen[i].served || (seen[i].zone_signed && !seen[i].signed_ok))
				all = 0;
		}
		if (all)
			return TLSA_OK;
		if (now_ms() + 250 > deadline)
			break;
		usleep(250000);
	}
	for (i = 0; i < up->n; i++)
		if (!seen[i].served || (seen[i].zone_signed && !seen[i].signed_ok)) {
			tlsa_err_detail("%s: %s: %s after %u ms", a.text, seen[i].owner,
					!seen[i].served ? "not served as pushed"
							: "not signed validly",
					wait_ms);
			break;
		}
	return TLSA_ERR_UPDATE_NOT_SERVED;
}

/* ---- the zone's nameservers ------------------------------------------------------ */

static int push_str(char ***v, size_t *n, const char *s)
{
	char **nv = realloc(*v, (*n + 1) * sizeof(**v));

	if (nv == NULL)
		return -1;
	*v = nv;
	if ((nv[*n] = strdup(s)) == NULL)
		return -1;
	(*n)++;
	return 0;
}

tlsa_status tlsa_update_nameservers(const tlsa_update *up, char ***out, size_t *n)
{
	static const ldns_rr_type types[] = {LDNS_RR_TYPE_A, LDNS_RR_TYPE_AAAA};
	ldns_pkt *r = NULL;
	ldns_rr_list *ns;
	tlsa_status st;
	size_t i, t, j;

	tlsa_err_clear();
	*out = NULL;
	*n = 0;
	if (up->last_zone == NULL || !up->have_server) {
		tlsa_err_detail("no zone pushed yet");
		return TLSA_ERR_UPDATE_ZONE;
	}
	st = ask(&up->server, up->timeout_ms, up->last_zone, LDNS_RR_TYPE_NS, 0, &r);
	if (st != TLSA_OK)
		return st;
	ns = select_rrs(ldns_pkt_answer(r), up->last_zone, LDNS_RR_TYPE_NS);
	ldns_pkt_free(r);
	if (ns == NULL)
		return TLSA_ERR_NOMEM;
	for (i = 0; i < ldns_rr_list_rr_count(ns); i++) {
		const ldns_rdf *target = ldns_rr_rdf(ldns_rr_list_rr(ns, i), 0);

		for (t = 0; t < 2; t++) {
			ldns_rr_list *addrs;

			if (ask(&up->server, up->timeout_ms, target, types[t], 0, &r) != TLSA_OK)
				continue;
			addrs = select_rrs(ldns_pkt_answer(r), target, types[t]);
			ldns_pkt_free(r);
			for (j = 0; addrs != NULL && j < ldns_rr_list_rr_count(addrs); j++) {
				char *a = ldns_rdf2str(ldns_rr_rdf(ldns_rr_list_rr(addrs, j), 0));
				char buf[128];

				if (a == NULL)
					continue;
				snprintf(buf, sizeof(buf), t ? "[%s]@%u" : "%s@%u", a,
					 up->server.port);
				free(a);
				if (push_str(out, n, buf) != 0) {
					ldns_rr_list_deep_free(addrs);
					ldns_rr_list_deep_free(ns);
					return TLSA_ERR_NOMEM;
				}
			}
			ldns_rr_list_deep_free(addrs);
		}
	}
	ldns_rr_list_deep_free(ns);
	return TLSA_OK;
}

/* ---- the primary ------------------------------------------------------------------ */

tlsa_status tlsa_update_find_primary(tlsa_update *up, const tlsa_resolver *res)
{
	ldns_pkt *r = NULL;
	const char *from = NULL;
	const ldns_rr *soa = NULL;
	const ldns_rr_list *l;
	tlsa_addr_result *ar = NULL;
	char *mname, buf[128], none[256] = "";
	tlsa_status st;
	size_t i;
	int pass;

	tlsa_err_clear();
	if (up->n == 0)
		return TLSA_ERR_UPDATE_ZONE;
	st = tlsa_dns_query(res, up->sets[0].dname, LDNS_RR_TYPE_SOA, 0, &r, &from, none,
			    sizeof(none));
	if (st != TLSA_OK) {
		tlsa_err_detail("%s", none);
		return st;
	}
	if (r == NULL) {
		tlsa_err_detail("%s SOA: no resolver answered", up->sets[0].owner);
		return TLSA_ERR_UPDATE_ZONE;
	}
	for (pass = 0; pass < 2 && soa == NULL; pass++) {
		l = pass == 0 ? ldns_pkt_answer(r) : ldns_pkt_authority(r);
		for (i = 0; soa == NULL && i < ldns_rr_list_rr_count(l); i++)
			if (ldns_rr_get_type(ldns_rr_list_rr(l, i)) == LDNS_RR_TYPE_SOA)
				soa = ldns_rr_list_rr(l, i);
	}
	if (soa == NULL || ldns_rr_rd_count(soa) < 1) {
		tlsa_err_detail("%s SOA: the resolver's answer (%s) holds no SOA",
				up->sets[0].owner, tlsa_update_rcode_name(ldns_pkt_get_rcode(r)));
		ldns_pkt_free(r);
		return TLSA_ERR_UPDATE_ZONE;
	}
	mname = ldns_rdf2str(ldns_rr_rdf(soa, 0));
	ldns_pkt_free(r);
	if (mname == NULL)
		return TLSA_ERR_NOMEM;
	st = tlsa_lookup_addresses(res, mname, AF_UNSPEC, &ar);
	if (st != TLSA_OK || ar->naddrs == 0) {
		tlsa_err_detail("the primary %s (SOA MNAME) has no address", mname);
		free(mname);
		tlsa_addr_result_free(ar);
		return st != TLSA_OK ? st : TLSA_ERR_UPDATE_ZONE;
	}
	snprintf(buf, sizeof(buf), ar->addrs[0].family == AF_INET6 ? "[%s]@53" : "%s@53",
		 ar->addrs[0].text);
	free(mname);
	tlsa_addr_result_free(ar);
	return tlsa_update_set_server(up, buf);
}

const char *tlsa_update_server(const tlsa_update *up)
{
	return up->have_server ? up->server.text : NULL;
}
