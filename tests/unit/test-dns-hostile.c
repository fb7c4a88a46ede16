/*
 * Unit tests of the DNS floor of libtlsa (dns-transport.c, dns-lookup.c)
 * against a hostile or broken DNS server run by this test on 127.0.0.1
 * (no root needed): answers with a wrong ID, from a wrong address, to a
 * different question, or that are not DNS at all, before the real one
 * (all ignored); only a forged answer (a timeout); a
 * TLSA RRset of a thousand records (truncated over UDP, whole over TCP);
 * malformed TLSA rdata (kept and flagged).  The answers are raw wire
 * bytes built here, so that they can be as wrong as needed.  The command
 * level (tlsa check's verdicts and times) is tests/cli/hostile.sh.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <tlsa.h>

#include "dnsfake.h"
#include "tap.h"

struct server {
	int udp, tcp, decoy; /* decoy: a UDP socket on 127.0.0.2, or -1 */
	unsigned port;
	volatile int stop;
	pthread_t thread;
};

/* The TLSA data the real answer carries (0x11...), and a decoy's (0xcd...). */
#define REAL 0x11
#define FAKE 0xcd

/* ---- wire ------------------------------------------------------------------ */

/* The third label of the question (_443._tcp.LABEL...) into label. */
static void third_label(const uint8_t *msg, size_t qlen, char *label, size_t size)
{
	size_t i = 12, k;
	int l;

	label[0] = '\0';
	for (l = 0; l < 2 && i < 12 + qlen && msg[i]; l++)
		i += 1u + msg[i];
	if (i >= 12 + qlen || msg[i] == 0)
		return;
	for (k = 0; k < msg[i] && k + 1 < size; k++)
		label[k] = (char)msg[i + 1 + k];
	label[k] = '\0';
}

/* An answer to query (id, question) with n TLSA records of rdlen bytes,
 * the first byte of each record's data after U S M being fill, or rdata
 * as given when rdlen < 3.  Returns the length written into out. */
static size_t answer(uint8_t *out, size_t size, uint16_t id, const uint8_t *query, size_t qlen,
		     int tc, unsigned n, size_t rdlen, uint8_t fill)
{
	size_t o = 0, r;
	unsigned i;

	if (12 + qlen + (size_t)n * (12 + rdlen) > size)
		return 0;
	out[o++] = (uint8_t)(id >> 8);
	out[o++] = (uint8_t)id;
	out[o++] = (uint8_t)(0x81 | (tc ? 0x02 : 0)); /* QR, RD (, TC) */
	out[o++] = 0xa0;			      /* RA, AD */
	out[o++] = 0;
	out[o++] = 1;
	out[o++] = (uint8_t)(n >> 8);
	out[o++] = (uint8_t)n;
	memset(out + o, 0, 4);
	o += 4;
	memcpy(out + o, query + 12, qlen);
	o += qlen;
	for (i = 0; i < n; i++) {
		const uint8_t rr[10] = {0xc0, 0x0c, 0, 52, 0, 1, 0, 0, 1, 44};

		memcpy(out + o, rr, 10);
		o += 10;
		out[o++] = (uint8_t)(rdlen >> 8);
		out[o++] = (uint8_t)rdlen;
		for (r = 0; r < rdlen; r++)
			out[o + r] = r == 0 ? 3 : r < 3 ? 1 : fill;
		/* distinct records: the last two data bytes count them */
		if (rdlen >= 35) {
			out[o + rdlen - 2] = (uint8_t)(i >> 8);
			out[o + rdlen - 1] = (uint8_t)i;
		}
		o += rdlen;
	}
	return o;
}

/* ---- the server ------------------------------------------------------------ */

/* A datagram of n bytes (any too short for a question is ignored). */
static void udp_query(void *arg, const uint8_t *q, size_t n, const struct sockaddr_storage *from,
		      socklen_t fl)
{
	struct server *s = arg;
	uint8_t out[65536];
	char label[64];
	size_t qlen = question_len(q, n), len;
	uint16_t id;
	const struct sockaddr *to = (const struct sockaddr *)from;

	if (qlen == 0)
		return;
	id = (uint16_t)(q[0] << 8 | q[1]);
	third_label(q, qlen, label, sizeof(label));
	if (qtype_of(q, qlen) != 52) { /* the host's own lookups: NODATA */
		len = answer(out, sizeof(out), id, q, qlen, 0, 0, 0, 0);
		sendto(s->udp, out, len, 0, to, fl);
		return;
	}
	if (strcmp(label, "thousand") == 0) {
		len = answer(out, sizeof(out), id, q, qlen, 1, 0, 0, 0);
		sendto(s->udp, out, len, 0, to, fl);
		return;
	}
	if (strcmp(label, "malformed") == 0) {
		len = answer(out, sizeof(out), id, q, qlen, 0, 1, 2, 0);
		sendto(s->udp, out, len, 0, to, fl);
		return;
	}
	/* The decoy first... */
	if (strcmp(label, "wrongid") == 0 || strcmp(label, "wrongonly") == 0) {
		len = answer(out, sizeof(out), (uint16_t)(id ^ 0x5a5a), q, qlen, 0, 1, 35, FAKE);
		sendto(s->udp, out, len, 0, to, fl);
	} else if (strcmp(label, "wrongsrc") == 0 && s->decoy >= 0) {
		len = answer(out, sizeof(out), id, q, qlen, 0, 1, 35, FAKE);
		sendto(s->decoy, out, len, 0, to, fl);
	} else if (strcmp(label, "wrongq") == 0) {
		uint8_t other[512];

		memcpy(other, q, 12 + qlen);
		other[12 + 5 + 4] = 'x'; /* _443._tcx...: another name */
		len = answer(out, sizeof(out), id, other, qlen, 0, 1, 35, FAKE);
		sendto(s->udp, out, len, 0, to, fl);
	} else if (strcmp(label, "garbage") == 0) {
		sendto(s->udp, "\x01\x02\x03", 3, 0, to, fl);
	}
	if (strcmp(label, "wrongonly") == 0)
		return;
	/* ...then, a little later, the real answer. */
	usleep(100 * 1000);
	len = answer(out, sizeof(out), id, q, qlen, 0, 1, 35, REAL);
	sendto(s->udp, out, len, 0, to, fl);
}

static void tcp_query(int c)
{
	uint8_t q[65536 + 2], out[65536];
	size_t need = dnsfake_tcp_read(c, q, sizeof(q)), qlen, len;
	char label[64];
	uint16_t id;

	if (need <= 14 || (qlen = question_len(q + 2, need - 2)) == 0)
		return;
	id = (uint16_t)(q[2] << 8 | q[3]);
	third_label(q + 2, qlen, label, sizeof(label));
	if (strcmp(label, "thousand") == 0)
		len = answer(out + 2, sizeof(out) - 2, id, q + 2, qlen, 0, 1000, 35, REAL);
	else if (strcmp(label, "wrongonly") == 0) /* forged over TCP too */
		len = answer(out + 2, sizeof(out) - 2, (uint16_t)(id ^ 0x5a5a), q + 2, qlen, 0, 1,
			     35, FAKE);
	else
		len = answer(out + 2, sizeof(out) - 2, id, q + 2, qlen, 0, 1, 35, REAL);
	dnsfake_tcp_write(c, out, len);
}

static void *serve(void *arg)
{
	struct server *s = arg;

	while (!s->stop) {
		int c = dnsfake_wait(s->udp, s->tcp, 50, udp_query, s);

		if (c >= 0) {
			tcp_query(c);
			close(c);
		}
	}
	return NULL;
}

static int server_start(struct server *s)
{
	struct sockaddr_in sa;

	memset(s, 0, sizeof(*s));
	s->decoy = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(0x7f000002); /* 127.0.0.2: loopback on Linux */
	if (s->decoy >= 0 && bind(s->decoy, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		close(s->decoy);
		s->decoy = -1;
	}
	if (dnsfake_listen(&s->udp, &s->tcp, &s->port, 8) != 0)
		return -1;
	return pthread_create(&s->thread, NULL, serve, s) == 0 ? 0 : -1;
}

static void server_stop(struct server *s)
{
	s->stop = 1;
	pthread_join(s->thread, NULL);
	close(s->udp);
	close(s->tcp);
	if (s->decoy >= 0)
		close(s->decoy);
}

/* ---- the tests --------------------------------------------------------------- */

static int real_answer(const tlsa_tlsa_result *t)
{
	return t && t->answer.answered && t->answer.state == TLSA_DNSSEC_SECURE &&
	       t->nrecords == 1 && t->records[0].record && t->records[0].rdlen == 35 &&
	       t->records[0].rdata[3] == REAL;
}

static void test_decoys(const tlsa_resolver *r, int have_decoy)
{
	static const struct {
		const char *label, *what;
	} decoys[] = {
	    {"wrongid", "an answer with the wrong ID"},
	    {"wrongsrc", "an answer from the wrong address (127.0.0.2)"},
	    {"wrongq", "an answer with our ID to another question"},
	    {"garbage", "a datagram that is not DNS"},
	};
	size_t i;
	double secs;

	for (i = 0; i < sizeof(decoys) / sizeof(decoys[0]); i++) {
		tlsa_tlsa_result *t;

		if (strcmp(decoys[i].label, "wrongsrc") == 0 && !have_decoy) {
			ok(1, "# SKIP 127.0.0.2 cannot be bound here");
			continue;
		}
		t = lookup(r, decoys[i].label, &secs);
		ok(real_answer(t), "%s before the real one is ignored: the real one is used",
		   decoys[i].what);
		if (t && !real_answer(t))
			printf("#   %zu records, first data byte 0x%02x\n", t->nrecords,
			       t->nrecords && t->records[0].rdlen > 3 ? t->records[0].rdata[3] : 0);
		ok(secs < 1.5, "%s costs no timeout (%.2f s)", decoys[i].what, secs);
		tlsa_tlsa_result_free(t);
	}
}

static void test_forged_only(const tlsa_resolver *r, unsigned timeout_ms)
{
	double secs;
	tlsa_tlsa_result *t = lookup(r, "wrongonly", &secs);

	ok(t && !t->answer.answered && t->nrecords == 0,
	   "only an answer with the wrong ID is no answer at all");
	ok(t && t->answer.state == TLSA_DNSSEC_INDETERMINATE && !t->answer.denial_secure,
	   "and it is indeterminate, never \"no records\"");
	ok(t && t->answer.reason && strstr(t->answer.reason, "no answer from 127.0.0.1@"),
	   "the reason names the resolver that did not answer");
	ok(secs < timeout_ms / 1000.0 + 1.0, "it ends within the timeout (%.2f s)", secs);
	tlsa_tlsa_result_free(t);
}

static void test_thousand(const tlsa_resolver *r)
{
	double secs;
	tlsa_tlsa_result *t = lookup(r, "thousand", &secs);
	size_t i, distinct = 0;

	ok(t && t->nrecords == 1000, "a TLSA RRset of a thousand records (over TCP) is read whole");
	for (i = 0; t && i < t->nrecords; i++)
		if (t->records[i].record && t->records[i].rdlen == 35 &&
		    (size_t)(t->records[i].rdata[33] << 8 | t->records[i].rdata[34]) == i)
			distinct++;
	is_int(distinct, 1000, "every one of the thousand is kept, in order");
	ok(secs < 2.0, "a thousand records take bounded time (%.2f s)", secs);
	tlsa_tlsa_result_free(t);
}

static void test_malformed(const tlsa_resolver *r)
{
	double secs;
	tlsa_tlsa_result *t = lookup(r, "malformed", &secs);

	ok(t && t->nrecords == 1, "a TLSA record of two bytes is returned, not dropped");
	ok(t && t->nrecords == 1 && t->records[0].malformed && t->records[0].record == NULL &&
	       t->records[0].rdlen == 2,
	   "and flagged malformed, with its raw rdata");
	tlsa_tlsa_result_free(t);
}

int main(void)
{
	struct server s;
	tlsa_resolver *r;
	const unsigned timeout_ms = 1000;

	if (server_start(&s) != 0) {
		printf("1..0 # SKIP cannot run a DNS server on 127.0.0.1\n");
		return 0;
	}
	if ((r = dnsfake_resolver(s.port, timeout_ms, NULL)) == NULL) {
		printf("Bail out! no resolver\n");
		return 1;
	}
	test_decoys(r, s.decoy >= 0);
	test_forged_only(r, timeout_ms);
	test_thousand(r);
	test_malformed(r);
	tlsa_resolver_free(r);
	server_stop(&s);
	return done_testing();
}
