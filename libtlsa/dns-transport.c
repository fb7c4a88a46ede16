/*
 * Getting one DNS answer across a lossy path: retransmission with a
 * timeout that adapts to the round trip measured to each resolver (RFC
 * 6298's estimator, doubling per round up to a cap), rotation over every
 * configured resolver, TCP when UDP stays silent or comes back truncated,
 * and the forged-answer checks of RFC 5452 section 9.1 on every try.
 *
 * Every try has a fresh ID and its own connected UDP socket (so a fresh
 * source port): an answer is believed only when it arrives on that socket
 * (the kernel drops datagrams from other addresses), carries that try's ID,
 * is a response and repeats our question.  The last few tries' sockets stay
 * open, so that a late answer to an earlier try is still taken.
 *
 * The round-trip estimates live in the shared resolver and are read and
 * updated under its mutex: check --targets -j N queries from many threads.
 *
 * Does not own: the servers and their configuration (dns-resolver.c),
 * building the query (dns-query.c), what an answer means (dns-ad.c,
 * dns-answer.c, dnssec.c).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <ldns/ldns.h>

#include "dns-resolver.h"
#include "dns-transport.h"

#define RTO_FIRST_MS 400  /* before any round trip to the server was measured */
#define RTO_MIN_MS   150  /* a cache miss at the resolver costs more than its RTT */
#define RTO_CAP_MS   1500 /* the doubling stops here */
#define TCP_AFTER    2	  /* silent UDP tries to a server before TCP joins in */
#define OPEN_TRIES   4	  /* UDP sockets kept open for late answers */

static long long now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static uint16_t fresh_id(void)
{
	uint16_t id;

	if (getrandom(&id, sizeof(id), GRND_NONBLOCK) != (ssize_t)sizeof(id))
		id = (uint16_t)ldns_get_random();
	return id;
}

/* ---- round-trip estimates (RFC 6298) -------------------------------------- */

static unsigned rto_of(const struct tlsa_server *s)
{
	return s->rto_ms ? s->rto_ms : RTO_FIRST_MS;
}

static void rtt_sample(const tlsa_resolver *res, size_t i, long long us)
{
	struct tlsa_server *s = &res->servers[i];
	long long rto, var;

	if (us < 0)
		us = 0;
	pthread_mutex_lock(res->mu);
	if (!s->measured) {
		s->srtt_us = us;
		s->rttvar_us = us / 2;
		s->measured = 1;
	} else {
		long long d = s->srtt_us > us ? s->srtt_us - us : us - s->srtt_us;

		s->rttvar_us = (3 * s->rttvar_us + d) / 4;
		s->srtt_us = (7 * s->srtt_us + us) / 8;
	}
	var = 4 * s->rttvar_us;
	if (var < 1000)
		var = 1000; /* the clock granularity G */
	rto = (s->srtt_us + var + 999) / 1000;
	if (rto < RTO_MIN_MS)
		rto = RTO_MIN_MS;
	if (rto > RTO_CAP_MS)
		rto = RTO_CAP_MS;
	s->rto_ms = (unsigned)rto;
	pthread_mutex_unlock(res->mu);
}

/* A server that stayed silent goes to the back of the next query's order
 * (RFC 6298 section 5.5) until an answer measures it again. */
static void rtt_backoff(const tlsa_resolver *res, size_t i)
{
	struct tlsa_server *s = &res->servers[i];
	unsigned rto;

	pthread_mutex_lock(res->mu);
	rto = rto_of(s) * 2;
	s->rto_ms = rto > RTO_CAP_MS ? RTO_CAP_MS : rto;
	pthread_mutex_unlock(res->mu);
}

/* ---- one exchange ----------------------------------------------------------- */

enum tcp_state { TCP_NONE, TCP_CONNECTING, TCP_WRITING, TCP_READING, TCP_FAILED };

/* One server during one exchange. */
struct peer {
	unsigned rto_ms; /* snapshot at the start */
	unsigned udp_sent;
	long long first_sent_us;
	int udp_dead;  /* a socket error (ICMP unreachable) or a failed send */
	int truncated; /* it answered with TC: TCP only from now on */
	int fd;	       /* TCP, -1 when none */
	enum tcp_state tcp;
	uint16_t tcp_id;
	uint8_t *out; /* the length-prefixed query */
	size_t outlen, outoff;
	uint8_t *in; /* the length-prefixed reply */
	size_t inlen;
	const char *fail; /* words for why this server gave nothing */
};

struct udp_try {
	int fd;
	uint16_t id;
	size_t server;
	long long sent_us;
};

#define UDP_BUF 65535

struct exchange {
	const tlsa_resolver *res;
	const ldns_pkt *query;
	uint8_t *wire;
	size_t wlen;
	struct peer *p;
	struct udp_try tries[OPEN_TRIES];
	size_t ntries; /* open ones, oldest first */
	unsigned sent;
	int tcp_used;
	long long next_us; /* when the next UDP try goes out */
	uint8_t *buf; /* UDP_BUF bytes, not zeroed: only what arrives is touched,
			 so thousands of exchanges at once stay small */
	ldns_pkt *reply;
	size_t from;
};

/* Words for a socket error. */
static const char *net_words(int e)
{
	switch (e) {
	case ECONNREFUSED: return "port unreachable";
	case ENETUNREACH:
	case EHOSTUNREACH: return "unreachable";
	case EADDRNOTAVAIL:
	case EAFNOSUPPORT: return "no route for that address family";
	default: return "network error";
	}
}

static socklen_t server_sockaddr(const struct tlsa_server *s, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (s->family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;

		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)s->port);
		memcpy(&in->sin_addr, s->addr, 4);
		return sizeof(*in);
	} else {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)s->port);
		memcpy(&in6->sin6_addr, s->addr, 16);
		return sizeof(*in6);
	}
}

/*
 * Whether reply answers the query sent with this ID: same ID, a response,
 * same question (an error such as FORMERR may come without one).
 */
int tlsa_dns_answers(const ldns_pkt *query, uint16_t id, const ldns_pkt *reply)
{
	const ldns_rr_list *qq = ldns_pkt_question(query), *rq = ldns_pkt_question(reply);
	const ldns_rr *a, *b;

	if (ldns_pkt_id(reply) != id || !ldns_pkt_qr(reply))
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

static void try_close(struct exchange *x, size_t k)
{
	close(x->tries[k].fd);
	memmove(&x->tries[k], &x->tries[k + 1], (x->ntries - k - 1) * sizeof(x->tries[0]));
	x->ntries--;
}

/* A new try over UDP to server i: fresh socket, fresh ID. */
static void udp_send(struct exchange *x, size_t i)
{
	const struct tlsa_server *s = &x->res->servers[i];
	struct peer *p = &x->p[i];
	struct sockaddr_storage ss;
	socklen_t sl = server_sockaddr(s, &ss);
	struct udp_try t;
	int fd;

	if (x->ntries == OPEN_TRIES)
		try_close(x, 0);
	t.id = fresh_id();
	x->wire[0] = (uint8_t)(t.id >> 8);
	x->wire[1] = (uint8_t)t.id;
	fd = socket(s->family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	/* Out of descriptors (many checks at once): an older try's socket
	 * makes room; the server is not to blame. */
	if (fd < 0 && (errno == EMFILE || errno == ENFILE) && x->ntries > 0) {
		try_close(x, 0);
		fd = socket(s->family, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	}
	if (fd < 0 || connect(fd, (struct sockaddr *)&ss, sl) != 0 ||
	    send(fd, x->wire, x->wlen, 0) != (ssize_t)x->wlen) {
		p->fail = net_words(errno);
		p->udp_dead = 1;
		if (fd >= 0)
			close(fd);
		return;
	}
	t.fd = fd;
	t.server = i;
	t.sent_us = now_us();
	if (p->udp_sent++ == 0)
		p->first_sent_us = t.sent_us;
	x->sent++;
	x->tries[x->ntries++] = t;
}

static void tcp_fail(struct peer *p, const char *words)
{
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	p->tcp = TCP_FAILED;
	p->fail = words;
}

/* Start asking server i over TCP (its own fresh ID). */
static void tcp_start(struct exchange *x, size_t i)
{
	const struct tlsa_server *s = &x->res->servers[i];
	struct peer *p = &x->p[i];
	struct sockaddr_storage ss;
	socklen_t sl = server_sockaddr(s, &ss);

	if (p->tcp != TCP_NONE)
		return;
	x->tcp_used = 1;
	p->out = malloc(x->wlen + 2);
	p->in = malloc(65535 + 2);
	if (p->out == NULL || p->in == NULL) {
		tcp_fail(p, "out of memory");
		return;
	}
	p->tcp_id = fresh_id();
	p->out[0] = (uint8_t)(x->wlen >> 8);
	p->out[1] = (uint8_t)x->wlen;
	memcpy(p->out + 2, x->wire, x->wlen);
	p->out[2] = (uint8_t)(p->tcp_id >> 8);
	p->out[3] = (uint8_t)p->tcp_id;
	p->outlen = x->wlen + 2;
	p->fd = socket(s->family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (p->fd < 0) {
		tcp_fail(p, net_words(errno));
		return;
	}
	if (connect(p->fd, (struct sockaddr *)&ss, sl) == 0)
		p->tcp = TCP_WRITING;
	else if (errno == EINPROGRESS)
		p->tcp = TCP_CONNECTING;
	else
		tcp_fail(p, net_words(errno));
}

static void take(struct exchange *x, ldns_pkt *r, size_t i)
{
	x->reply = r;
	x->from = i;
}

static void udp_readable(struct exchange *x, size_t k)
{
	struct udp_try *t = &x->tries[k];
	size_t i = t->server;
	ldns_pkt *r = NULL;
	ssize_t n = recv(t->fd, x->buf, UDP_BUF, 0);

	if (n < 0) {
		if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
			return;
		/* An ICMP error (port unreachable): nothing listens there. */
		x->p[i].fail = net_words(errno);
		x->p[i].udp_dead = 1;
		try_close(x, k);
		x->next_us = now_us(); /* the next server at once */
		return;
	}
	if (ldns_wire2pkt(&r, x->buf, (size_t)n) != LDNS_STATUS_OK)
		return;
	if (!tlsa_dns_answers(x->query, t->id, r)) {
		ldns_pkt_free(r); /* forged or stray: keep listening */
		return;
	}
	rtt_sample(x->res, i, now_us() - t->sent_us);
	if (ldns_pkt_tc(r)) {
		ldns_pkt_free(r);
		x->p[i].truncated = 1;
		x->p[i].fail = "truncated over UDP, and TCP failed";
		tcp_start(x, i);
		return;
	}
	take(x, r, i);
}

static void tcp_ready(struct exchange *x, size_t i, short revents)
{
	struct peer *p = &x->p[i];
	ssize_t n;

	if (p->tcp == TCP_CONNECTING) {
		int err = 0;
		socklen_t el = sizeof(err);

		if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &el) != 0 || err != 0) {
			tcp_fail(p, net_words(err ? err : errno));
			return;
		}
		p->tcp = TCP_WRITING;
	}
	if (p->tcp == TCP_WRITING && (revents & (POLLOUT | POLLERR | POLLHUP))) {
		n = send(p->fd, p->out + p->outoff, p->outlen - p->outoff, MSG_NOSIGNAL);
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
			tcp_fail(p, net_words(errno));
			return;
		}
		if (n > 0 && (p->outoff += (size_t)n) == p->outlen)
			p->tcp = TCP_READING;
		return;
	}
	if (p->tcp == TCP_READING && (revents & (POLLIN | POLLERR | POLLHUP))) {
		size_t need = p->inlen < 2 ? 2 : 2 + ((size_t)p->in[0] << 8 | p->in[1]);
		ldns_pkt *r = NULL;

		n = recv(p->fd, p->in + p->inlen, need - p->inlen, 0);
		if (n == 0 ||
		    (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
			tcp_fail(p, n == 0 ? "TCP connection closed" : net_words(errno));
			return;
		}
		if (n < 0 || (p->inlen += (size_t)n) < 2)
			return;
		need = 2 + ((size_t)p->in[0] << 8 | p->in[1]);
		if (p->inlen < need)
			return;
		if (ldns_wire2pkt(&r, p->in + 2, need - 2) != LDNS_STATUS_OK ||
		    !tlsa_dns_answers(x->query, p->tcp_id, r)) {
			if (r)
				ldns_pkt_free(r);
			tcp_fail(p, "a TCP answer that does not answer the query");
			return;
		}
		take(x, r, i);
	}
}

static int udp_usable(const struct peer *p)
{
	return !p->udp_dead && !p->truncated;
}

static int tcp_busy(const struct peer *p)
{
	return p->tcp != TCP_NONE && p->tcp != TCP_FAILED;
}

static void order_by_rto(const struct exchange *x, size_t *order, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		size_t k = i;

		/* insertion sort, stable: equal estimates keep the configured order */
		for (j = i; j > 0 && x->p[order[j - 1]].rto_ms > x->p[i].rto_ms; j--)
			order[j] = order[j - 1];
		order[j] = k;
	}
}

static void say_why(const struct exchange *x, int timed_out, char *why, size_t whylen)
{
	const tlsa_resolver *res = x->res;
	const char *fail = NULL;
	char tries[64];
	size_t i;

	for (i = 0; i < res->n; i++)
		if (x->p[i].fail)
			fail = x->p[i].fail;
	snprintf(tries, sizeof(tries), "%u %s over UDP%s", x->sent,
		 x->sent == 1 ? "query" : "queries", x->tcp_used ? ", then TCP" : "");
	if (res->n == 1 && (timed_out || fail == NULL))
		snprintf(why, whylen, "no answer from %s within %u.%u s (%s)", res->servers[0].text,
			 res->timeout_ms / 1000, res->timeout_ms % 1000 / 100, tries);
	else if (res->n == 1)
		snprintf(why, whylen, "no answer from %s: %s", res->servers[0].text, fail);
	else if (timed_out || fail == NULL)
		snprintf(why, whylen, "none of %zu resolvers answered within %u.%u s (%s)", res->n,
			 res->timeout_ms / 1000, res->timeout_ms % 1000 / 100, tries);
	else
		snprintf(why, whylen, "none of %zu resolvers answered (the last: %s)", res->n,
			 fail);
}

ldns_status tlsa_dns_exchange(const tlsa_resolver *res, const ldns_pkt *query, ldns_pkt **reply,
			      size_t *from, char *why, size_t whylen)
{
	struct exchange *x;
	size_t *order, i, pos = 0, n = res->n;
	struct pollfd *pf;
	size_t *pfwho; /* pollfd index -> try index (< OPEN_TRIES) or OPEN_TRIES + server */
	long long start = now_us(), deadline = start + (long long)res->timeout_ms * 1000;
	unsigned round = 0;
	int timed_out = 0;
	ldns_status ls = LDNS_STATUS_OK;

	*reply = NULL;
	*from = 0;
	if (whylen)
		why[0] = '\0';
	x = calloc(1, sizeof(*x));
	order = calloc(n, sizeof(*order));
	pf = calloc(OPEN_TRIES + n, sizeof(*pf));
	pfwho = calloc(OPEN_TRIES + n, sizeof(*pfwho));
	if (x) {
		x->p = calloc(n, sizeof(*x->p));
		x->buf = malloc(UDP_BUF);
	}
	if (x == NULL || order == NULL || pf == NULL || pfwho == NULL || x->p == NULL ||
	    x->buf == NULL ||
	    ldns_pkt2wire(&x->wire, query, &x->wlen) != LDNS_STATUS_OK || x->wlen < 12) {
		ls = LDNS_STATUS_MEM_ERR;
		goto out;
	}
	x->res = res;
	x->query = query;
	x->next_us = start;
	pthread_mutex_lock(res->mu);
	for (i = 0; i < n; i++) {
		x->p[i].rto_ms = rto_of(&res->servers[i]);
		x->p[i].fd = -1;
	}
	pthread_mutex_unlock(res->mu);
	order_by_rto(x, order, n);

	while (x->reply == NULL) {
		long long now = now_us(), wake;
		size_t np = 0, alive = 0;
		int r;

		if (now >= deadline) {
			timed_out = 1;
			break;
		}
		if (now >= x->next_us) {
			/* The next server in the order that still takes UDP; each
			 * pass over the order doubles the wait (a round). */
			size_t k, s = n, at = 0;

			for (k = 0; k < n && s == n; k++)
				if (udp_usable(&x->p[order[(pos + k) % n]])) {
					at = pos + k;
					s = order[at % n];
				}
			if (s < n) {
				unsigned shift;
				long long wait;

				if (at >= n)
					round++;
				shift = round > 8 ? 8 : round;
				wait = (long long)x->p[s].rto_ms << shift;
				if (wait > RTO_CAP_MS)
					wait = RTO_CAP_MS;
				/* A timeout shorter than the estimates still gives
				 * every server a try in the first pass. */
				if (round == 0 && wait > (long long)(res->timeout_ms / (n + 1)))
					wait = res->timeout_ms / (n + 1);
				pos = at % n + 1;
				if (pos == n) {
					pos = 0;
					round++;
				}
				if (x->p[s].udp_sent >= TCP_AFTER)
					tcp_start(x, s);
				udp_send(x, s);
				x->next_us = x->p[s].udp_dead ? now : now + wait * 1000;
			} else {
				x->next_us = deadline;
			}
		}
		for (i = 0; i < n; i++)
			if (udp_usable(&x->p[i]) || tcp_busy(&x->p[i]))
				alive++;
		if (alive == 0)
			break;
		for (i = 0; i < x->ntries; i++) {
			pf[np].fd = x->tries[i].fd;
			pf[np].events = POLLIN;
			pfwho[np++] = i;
		}
		for (i = 0; i < n; i++) {
			if (!tcp_busy(&x->p[i]))
				continue;
			pf[np].fd = x->p[i].fd;
			pf[np].events = x->p[i].tcp == TCP_READING ? POLLIN : POLLOUT;
			pfwho[np++] = OPEN_TRIES + i;
		}
		wake = x->next_us < deadline ? x->next_us : deadline;
		now = now_us();
		r = poll(pf, np, wake > now ? (int)((wake - now + 999) / 1000) : 0);
		if (r < 0 && errno != EINTR) {
			ls = LDNS_STATUS_NETWORK_ERR;
			break;
		}
		/* Back to front, so that closing a try does not move the ones left. */
		for (i = np; r > 0 && i-- > 0 && x->reply == NULL;) {
			if (pf[i].revents == 0)
				continue;
			if (pfwho[i] < OPEN_TRIES)
				udp_readable(x, pfwho[i]);
			else
				tcp_ready(x, pfwho[i] - OPEN_TRIES, pf[i].revents);
		}
	}
	if (x->reply) {
		*reply = x->reply;
		*from = x->from;
	} else if (ls == LDNS_STATUS_OK) {
		ls = LDNS_STATUS_NETWORK_ERR;
		say_why(x, timed_out, why, whylen);
	}
	/* Servers that stayed silent longer than their estimate go back. */
	for (i = 0; i < n; i++)
		if ((x->reply == NULL || x->from != i) && x->p[i].udp_sent > 0 &&
		    now_us() - x->p[i].first_sent_us > (long long)x->p[i].rto_ms * 1000)
			rtt_backoff(res, i);
out:
	if (x) {
		while (x->ntries)
			try_close(x, x->ntries - 1);
		for (i = 0; x->p && i < n; i++) {
			if (x->p[i].fd >= 0)
				close(x->p[i].fd);
			free(x->p[i].out);
			free(x->p[i].in);
		}
		free(x->p);
		free(x->buf);
		LDNS_FREE(x->wire);
		free(x);
	}
	free(order);
	free(pf);
	free(pfwho);
	return ls;
}
