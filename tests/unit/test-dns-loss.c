/*
 * Unit tests of libtlsa/dns-transport.c and the AD-mode reading of signed
 * answers in dns-ad.c, against a DNS server scripted here on 127.0.0.1 (no
 * root needed): it drops the first datagrams of a question, answers only
 * late, only over TCP, only after forged replies, or never; it is the
 * second of two resolvers behind a black hole; it signs answers without
 * setting AD, as an authoritative server or an AD-stripping forwarder
 * does; and it loses a third of all datagrams while threads share one
 * resolver.  The command level (verdicts) is tests/cli/dns-verdicts.sh.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <tlsa.h>

#include "dnsfake.h"
#include "tap.h"

#define REAL	0x11
#define MAXSEEN 64

struct server {
	int udp, tcp;
	unsigned port;
	volatile int stop;
	pthread_t thread;
	pthread_mutex_t mu;
	/* what the UDP side saw, for the label being watched */
	unsigned count[2][16]; /* [TLSA or not][behaviour] */
	unsigned odd;
	uint16_t ids[MAXSEEN];
	uint16_t ports[MAXSEEN];
	size_t nseen;
	/* one delayed answer ("late") */
	uint8_t late[512];
	size_t latelen;
	struct sockaddr_storage lateto;
	socklen_t latetolen;
	double lateat;
	unsigned rnd;
};

/* ---- wire ------------------------------------------------------------------ */

static const char *const labels[] = {"good",   "drop3", "dropodd", "late",  "tcponly", "forged2",
				     "silent", "rrsig", "island",  "lossy", "alias"};
enum { GOOD, DROP3, DROPODD, LATE, TCPONLY, FORGED2, SILENT, RRSIG, ISLAND, LOSSY, ALIAS, NLABELS };

/* alias.test: an A query is answered with "alias.test. CNAME good.test."
 * and no AD (so each link is asked on its own); the CNAME query for the
 * link is never answered. */
static size_t cname_answer(uint8_t *out, uint16_t id, const uint8_t *query, size_t qlen)
{
	const uint8_t rr[10] = {0xc0, 0x0c, 0, 5, 0, 1, 0, 0, 1, 44};
	size_t o = 0, n;
	uint8_t target[64];

	out[o++] = (uint8_t)(id >> 8);
	out[o++] = (uint8_t)id;
	out[o++] = 0x81;
	out[o++] = 0x80; /* RA, no AD */
	memcpy(out + o, "\0\1\0\1\0\0\0\0", 8);
	o += 8;
	memcpy(out + o, query + 12, qlen);
	o += qlen;
	memcpy(out + o, rr, 10);
	o += 10;
	n = put_name(target, "good.test.");
	out[o++] = 0;
	out[o++] = (uint8_t)n;
	memcpy(out + o, target, n);
	return o + n;
}

/* The label that names the behaviour: the third of a TLSA owner
 * (_443._tcp.LABEL.test), else the first. */
static int behaviour(const uint8_t *msg, size_t qlen, uint16_t qtype)
{
	size_t i = 12;
	char label[64];
	int l, k;

	for (l = 0; qtype == 52 && l < 2 && msg[i]; l++)
		i += 1u + msg[i];
	if (i >= 12 + qlen || msg[i] == 0 || msg[i] >= sizeof(label))
		return -1;
	memcpy(label, msg + i + 1, msg[i]);
	label[msg[i]] = '\0';
	for (k = 0; k < NLABELS; k++)
		if (strcmp(label, labels[k]) == 0)
			return k;
	return -1;
}

/*
 * An answer to the query: a TLSA record when tlsa (with an RRSIG by
 * signer when signer is not NULL), else NODATA; AD as given.
 */
static size_t answer(uint8_t *out, uint16_t id, const uint8_t *query, size_t qlen, int tlsa, int ad,
		     const char *signer)
{
	size_t o = 0, r;
	unsigned n = tlsa ? (signer ? 2 : 1) : 0;

	out[o++] = (uint8_t)(id >> 8);
	out[o++] = (uint8_t)id;
	out[o++] = 0x81;	     /* QR, RD */
	out[o++] = ad ? 0xa0 : 0x80; /* RA (, AD) */
	out[o++] = 0;
	out[o++] = 1;
	out[o++] = 0;
	out[o++] = (uint8_t)n;
	memset(out + o, 0, 4);
	o += 4;
	memcpy(out + o, query + 12, qlen);
	o += qlen;
	if (tlsa) {
		const uint8_t rr[10] = {0xc0, 0x0c, 0, 52, 0, 1, 0, 0, 1, 44};

		memcpy(out + o, rr, 10);
		o += 10;
		out[o++] = 0;
		out[o++] = 35;
		for (r = 0; r < 35; r++)
			out[o + r] = r == 0 ? 3 : r < 3 ? 1 : REAL;
		o += 35;
	}
	if (tlsa && signer) {
		const uint8_t rr[10] = {0xc0, 0x0c, 0, 46, 0, 1, 0, 0, 1, 44};
		uint8_t rd[256];
		size_t k = 0;

		rd[k++] = 0;
		rd[k++] = 52; /* covers TLSA */
		rd[k++] = 13; /* ECDSAP256SHA256 */
		rd[k++] = 4;
		memcpy(rd + k, "\0\0\1\x2c\x7f\0\0\0\x60\0\0\0\x12\x34", 14);
		k += 14;
		k += put_name(rd + k, signer);
		memset(rd + k, 0x5a, 64); /* a signature nobody checks here */
		k += 64;
		memcpy(out + o, rr, 10);
		o += 10;
		out[o++] = (uint8_t)(k >> 8);
		out[o++] = (uint8_t)k;
		memcpy(out + o, rd, k);
		o += k;
	}
	return o;
}

/* ---- the server ------------------------------------------------------------ */

/* A datagram of n bytes (any too short for a question is ignored). */
static void udp_query(void *arg, const uint8_t *q, size_t n, const struct sockaddr_storage *from,
		      socklen_t fl)
{
	struct server *s = arg;
	uint8_t out[1024];
	size_t qlen = question_len(q, n), len;
	uint16_t id, qtype;
	int b;
	unsigned c;
	const struct sockaddr *to = (const struct sockaddr *)from;

	if (qlen == 0)
		return;
	id = (uint16_t)(q[0] << 8 | q[1]);
	qtype = qtype_of(q, qlen);
	b = behaviour(q, qlen, qtype);
	if (qtype == 43) { /* the probe: does the resolver validate? */
		len = answer(out, id, q, qlen, 0, b == ISLAND, NULL);
		sendto(s->udp, out, len, 0, to, fl);
		return;
	}
	if (b < 0)
		return;
	pthread_mutex_lock(&s->mu);
	c = b == DROPODD ? s->odd++ : s->count[qtype == 52][b]++;
	if (b == DROP3 && qtype == 52 && s->nseen < MAXSEEN) {
		s->ids[s->nseen] = id;
		s->ports[s->nseen++] =
		    ntohs(((const struct sockaddr_in *)(const void *)from)->sin_port);
	}
	s->rnd = s->rnd * 1103515245u + 12345u;
	pthread_mutex_unlock(&s->mu);
	switch (b) {
	case DROP3:
		if (qtype == 52 && c < 3)
			return;
		break;
	case DROPODD:
		if (c % 2 == 0)
			return;
		break;
	case LOSSY:
		if ((s->rnd >> 16) % 3 == 0)
			return;
		break;
	case LATE:
		if (qtype != 52)
			break;
		if (c == 0) { /* this one is answered, but only in 600 ms */
			s->latelen = answer(s->late, id, q, qlen, 1, 1, NULL);
			memcpy(&s->lateto, from, fl);
			s->latetolen = fl;
			s->lateat = now() + 0.6;
		}
		return;
	case ALIAS:
		if (qtype == 1) {
			len = cname_answer(out, id, q, qlen);
			sendto(s->udp, out, len, 0, to, fl);
		}
		if (qtype == 1 || qtype == 5)
			return;
		break;
	case TCPONLY:
	case SILENT:
		if (qtype == 52)
			return;
		break;
	case FORGED2:
		if (qtype == 52 && c < 2) {
			len = answer(out, (uint16_t)(id ^ 0x1234), q, qlen, 1, 1, NULL);
			out[12 + qlen + 12 + 3] = 0xcd; /* forged data */
			sendto(s->udp, out, len, 0, to, fl);
			return;
		}
		break;
	default: break;
	}
	len = answer(out, id, q, qlen, qtype == 52, b != RRSIG && b != ISLAND,
		     qtype != 52   ? NULL
		     : b == RRSIG  ? "test."
		     : b == ISLAND ? "island.test."
				   : NULL);
	sendto(s->udp, out, len, 0, to, fl);
}

/* TCP: only "tcponly", "lossy" and the ordinary ones are answered; the
 * others keep the connection silent (so that UDP's retransmission is what
 * is tested).  "lossy" loses UDP datagrams at random, and a query whose
 * every UDP try was lost must still have its TCP fallback, or the threads
 * test would fail by chance on a loaded machine. */
static void tcp_query(int c)
{
	uint8_t q[1024], out[1024];
	size_t need = dnsfake_tcp_read(c, q, sizeof(q)), qlen, len;
	uint16_t id, qtype;
	int b;

	if (need <= 14 || (qlen = question_len(q + 2, need - 2)) == 0)
		return;
	id = (uint16_t)(q[2] << 8 | q[3]);
	qtype = qtype_of(q + 2, qlen);
	b = behaviour(q + 2, qlen, qtype);
	if (b != TCPONLY && b != GOOD && b != LOSSY)
		return;
	len = answer(out + 2, id, q + 2, qlen, qtype == 52, 1, NULL);
	dnsfake_tcp_write(c, out, len);
}

static void *serve(void *arg)
{
	struct server *s = arg;
	int held[64];
	size_t nheld = 0, i;

	while (!s->stop) {
		int c;

		if (s->latelen && now() >= s->lateat) {
			sendto(s->udp, s->late, s->latelen, 0, (struct sockaddr *)&s->lateto,
			       s->latetolen);
			s->latelen = 0;
		}
		c = dnsfake_wait(s->udp, s->tcp, 10, udp_query, s);
		if (c >= 0) {
			tcp_query(c);
			/* held open, silent, until the end */
			if (nheld < 64)
				held[nheld++] = c;
			else
				close(c);
		}
	}
	for (i = 0; i < nheld; i++)
		close(held[i]);
	return NULL;
}

static int server_start(struct server *s)
{
	memset(s, 0, sizeof(*s));
	pthread_mutex_init(&s->mu, NULL);
	s->rnd = 42;
	if (dnsfake_listen(&s->udp, &s->tcp, &s->port, 64) != 0)
		return -1;
	return pthread_create(&s->thread, NULL, serve, s) == 0 ? 0 : -1;
}

static void server_stop(struct server *s)
{
	s->stop = 1;
	pthread_join(s->thread, NULL);
	close(s->udp);
	close(s->tcp);
}

/* ---- the tests --------------------------------------------------------------- */

static int real_answer(const tlsa_tlsa_result *t)
{
	return t && t->answer.answered && t->answer.state == TLSA_DNSSEC_SECURE &&
	       t->nrecords == 1 && t->records[0].rdlen == 35 && t->records[0].rdata[3] == REAL;
}

static void test_drop3(struct server *s, const tlsa_resolver *r)
{
	double secs;
	tlsa_tlsa_result *t = lookup(r, "drop3", &secs);
	size_t i, j, same_id = 0, same_port = 0;

	ok(real_answer(t), "three lost datagrams, then an answer: the answer is used");
	ok(secs < 2.0, "and it comes well within the 3 s timeout (%.2f s)", secs);
	pthread_mutex_lock(&s->mu);
	is_int(s->nseen, 4, "the query was sent four times");
	for (i = 0; i < s->nseen; i++)
		for (j = i + 1; j < s->nseen; j++) {
			same_id += s->ids[i] == s->ids[j];
			same_port += s->ports[i] == s->ports[j];
		}
	pthread_mutex_unlock(&s->mu);
	ok(same_id == 0, "every try has a fresh ID");
	ok(same_port == 0, "every try has a fresh source port");
	tlsa_tlsa_result_free(t);
}

static void test_rto_adapts(struct server *s)
{
	tlsa_resolver *r = dnsfake_resolver(s->port, 3000, NULL);
	double first, later = 0, secs;
	tlsa_tlsa_result *t;
	int i, good = 1;

	/* Every first try is lost: the A query, then the TLSA query. */
	t = lookup(r, "dropodd", &first);
	good &= real_answer(t);
	tlsa_tlsa_result_free(t);
	for (i = 0; i < 4; i++) {
		t = lookup(r, "dropodd", &secs);
		good &= real_answer(t);
		if (secs > later)
			later = secs;
		tlsa_tlsa_result_free(t);
	}
	ok(good, "when every first try is lost, every lookup still gets its answer");
	ok(first >= 0.4, "before any round trip was measured, a retry waits 400 ms (%.2f s)",
	   first);
	ok(later < 0.6,
	   "once the round trip is measured, a retry comes after about 150 ms, well under a "
	   "second (two retries in %.2f s)",
	   later);
	tlsa_resolver_free(r);
}

static void test_late(const tlsa_resolver *r)
{
	double secs;
	tlsa_tlsa_result *t = lookup(r, "late", &secs);

	ok(real_answer(t), "a late answer to the first try is taken after later tries went out");
	ok(secs >= 0.55 && secs < 1.5, "it is taken when it comes (%.2f s)", secs);
	tlsa_tlsa_result_free(t);
}

static void test_tcponly(const struct server *s)
{
	tlsa_resolver *r = dnsfake_resolver(s->port, 3000, NULL);
	double secs;
	tlsa_tlsa_result *t;

	t = lookup(r, "tcponly", &secs);
	ok(real_answer(t), "a resolver that answers only over TCP is asked over TCP after silence");
	ok(secs < 1.5, "after two silent tries, well within the timeout (%.2f s)", secs);
	tlsa_tlsa_result_free(t);
	tlsa_resolver_free(r);
}

static void test_forged(const tlsa_resolver *r)
{
	double secs;
	tlsa_tlsa_result *t = lookup(r, "forged2", &secs);

	ok(real_answer(t), "forged answers to the first two tries are ignored, the real one taken");
	tlsa_tlsa_result_free(t);
}

static void test_silent(const tlsa_resolver *r)
{
	double secs;
	tlsa_tlsa_result *t = lookup(r, "silent", &secs);

	ok(t && !t->answer.answered && t->answer.state == TLSA_DNSSEC_INDETERMINATE,
	   "a resolver silent over UDP and TCP gives no answer (indeterminate)");
	ok(t && t->answer.reason && strstr(t->answer.reason, "within 3.0 s") &&
	       strstr(t->answer.reason, "then TCP"),
	   "the reason says how long, how often and over what it was asked");
	if (t && t->answer.reason)
		printf("#   the reason: %s\n", t->answer.reason);
	ok(secs >= 2.9 && secs < 3.5, "and the whole query took the timeout (%.2f s)", secs);
	tlsa_tlsa_result_free(t);
}

static void test_rotation(struct server *s)
{
	char live[64], hole[64];
	const char *servers[2] = {hole, live};
	tlsa_resolver *r = NULL;
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int bh = socket(AF_INET, SOCK_DGRAM, 0);
	double secs;
	tlsa_tlsa_result *t;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bh < 0 || bind(bh, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    getsockname(bh, (struct sockaddr *)&sa, &sl) != 0) {
		ok(1, "# SKIP no black hole socket");
		return;
	}
	snprintf(hole, sizeof(hole), "127.0.0.1@%u", ntohs(sa.sin_port));
	snprintf(live, sizeof(live), "127.0.0.1@%u", s->port);
	tlsa_resolver_new(servers, 2, 3000, NULL, &r);
	t = lookup(r, "good", &secs);
	ok(real_answer(t) && t->answer.server && strcmp(t->answer.server, live) == 0,
	   "behind a black hole, the second resolver is asked and answers");
	ok(secs < 1.2,
	   "after the first resolver's retransmission timeout, not the whole "
	   "timeout (%.2f s)",
	   secs);
	tlsa_tlsa_result_free(t);
	t = lookup(r, "good", &secs);
	ok(real_answer(t) && secs < 0.5,
	   "the next lookup asks the resolver that answered first (%.3f s)", secs);
	tlsa_tlsa_result_free(t);
	tlsa_resolver_free(r);
	close(bh);
}

static void test_unvalidated(const tlsa_resolver *r)
{
	double secs;
	tlsa_tlsa_result *t = lookup(r, "rrsig", &secs);

	ok(t && t->answer.answered && t->answer.unvalidated &&
	       t->answer.state == TLSA_DNSSEC_INDETERMINATE,
	   "RRSIGs without AD from a resolver that does not validate: unvalidated, never "
	   "insecure");
	ok(t && t->answer.reason && strstr(t->answer.reason, "does not validate"),
	   "the reason says the resolver does not validate");
	tlsa_tlsa_result_free(t);
	t = lookup(r, "island", &secs);
	ok(t && t->answer.state == TLSA_DNSSEC_INSECURE && !t->answer.unvalidated,
	   "RRSIGs without AD, where the resolver validates the signer's missing DS: insecure");
	tlsa_tlsa_result_free(t);
	t = lookup(r, "good", &secs);
	ok(t && t->answer.state == TLSA_DNSSEC_SECURE && !t->answer.unvalidated,
	   "an answer with AD stays secure");
	tlsa_tlsa_result_free(t);
}

static void test_cname_link(const struct server *s)
{
	tlsa_resolver *r = dnsfake_resolver(s->port, 1000, NULL);
	double secs;
	tlsa_tlsa_result *t;

	t = lookup(r, "alias", &secs);
	ok(t && t->host_answer.ncnames == 1 && t->host_answer.answered &&
	       t->host_answer.unanswered && t->host_answer.state == TLSA_DNSSEC_INDETERMINATE &&
	       !t->expansion_secure,
	   "a CNAME link whose own query goes unanswered: indeterminate for want of an answer");
	if (t && t->host_answer.reason)
		printf("#   the reason: %s\n", t->host_answer.reason);
	tlsa_tlsa_result_free(t);
	tlsa_resolver_free(r);
}

struct worker {
	const tlsa_resolver *r;
	int good;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	double secs;
	int i;

	for (i = 0; i < 10; i++) {
		tlsa_tlsa_result *t = lookup(w->r, "lossy", &secs);

		w->good += real_answer(t);
		tlsa_tlsa_result_free(t);
	}
	return NULL;
}

static void test_threads(const tlsa_resolver *r)
{
	struct worker w[8];
	pthread_t th[8];
	int i, good = 0;

	for (i = 0; i < 8; i++) {
		w[i].r = r;
		w[i].good = 0;
		pthread_create(&th[i], NULL, work, &w[i]);
	}
	for (i = 0; i < 8; i++) {
		pthread_join(th[i], NULL);
		good += w[i].good;
	}
	is_int(good, 80,
	       "8 threads sharing one resolver, a third of datagrams lost: all 80 "
	       "lookups answered");
}

int main(void)
{
	struct server s;
	tlsa_resolver *r;

	if (server_start(&s) != 0) {
		printf("1..0 # SKIP cannot run a DNS server on 127.0.0.1\n");
		return 0;
	}
	if ((r = dnsfake_resolver(s.port, 3000, NULL)) == NULL) {
		printf("Bail out! no resolver\n");
		return 1;
	}
	test_drop3(&s, r);
	test_rto_adapts(&s);
	test_late(r);
	test_tcponly(&s);
	test_forged(r);
	test_silent(r);
	test_rotation(&s);
	test_unvalidated(r);
	test_cname_link(&s);
	test_threads(r);
	tlsa_resolver_free(r);
	server_stop(&s);
	return done_testing();
}
