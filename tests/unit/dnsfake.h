/*
 * The pieces the scripted DNS servers of the unit tests share (test-dns.c,
 * test-dns-hostile.c, test-dns-loss.c): a monotonic clock, reading the
 * question of a query, writing a name in wire form, the UDP and TCP
 * sockets on 127.0.0.1, waiting for queries on both, a query read
 * from a TCP connection, a resolver that asks the server, and a timed TLSA lookup.  What each
 * server answers stays in its own test.  Header-only (static functions), like tap.h.
 */
#ifndef TLSA_DNSFAKE_H
#define TLSA_DNSFAKE_H

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <tlsa.h>

#define DNSFAKE_UNUSED __attribute__((unused))

/* Seconds on a monotonic clock. */
static DNSFAKE_UNUSED double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Length of the question section of msg (name, type, class), or 0. */
static DNSFAKE_UNUSED size_t question_len(const uint8_t *msg, size_t n)
{
	size_t i = 12;

	while (i < n && msg[i] != 0) {
		if (msg[i] & 0xc0)
			return 0;
		i += 1u + msg[i];
	}
	return i + 5 <= n ? i + 5 - 12 : 0;
}

/* The QTYPE of a question of qlen bytes. */
static DNSFAKE_UNUSED uint16_t qtype_of(const uint8_t *msg, size_t qlen)
{
	return (uint16_t)(msg[12 + qlen - 4] << 8 | msg[12 + qlen - 3]);
}

/* name ("a.b." or "a.b") in wire form into out; returns its length. */
static DNSFAKE_UNUSED size_t put_name(uint8_t *out, const char *name)
{
	size_t o = 0;

	while (*name) {
		const char *dot = strchr(name, '.');
		size_t n = dot ? (size_t)(dot - name) : strlen(name);

		out[o++] = (uint8_t)n;
		memcpy(out + o, name, n);
		o += n;
		name += n + (dot ? 1 : 0);
	}
	out[o++] = 0;
	return o;
}

/*
 * Opens *udp and *tcp on one free port of 127.0.0.1, into *port; tcp
 * listens with the backlog given.  Returns 0, or -1.
 */
static DNSFAKE_UNUSED int dnsfake_listen(int *udp, int *tcp, unsigned *port, int backlog)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int one = 1;

	*udp = socket(AF_INET, SOCK_DGRAM, 0);
	*tcp = socket(AF_INET, SOCK_STREAM, 0);
	if (*udp < 0 || *tcp < 0)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(*udp, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    getsockname(*udp, (struct sockaddr *)&sa, &sl) != 0)
		return -1;
	*port = ntohs(sa.sin_port);
	setsockopt(*tcp, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(*tcp, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(*tcp, backlog) != 0)
		return -1;
	return 0;
}

/*
 * Reads one query from TCP connection c into buf: its two length bytes,
 * then the message.  Returns the bytes read (2 + the message's length),
 * or 0 when the connection ends first or the query does not fit.
 */
static DNSFAKE_UNUSED size_t dnsfake_tcp_read(int c, uint8_t *buf, size_t size)
{
	size_t got = 0, need = 2;
	ssize_t n;

	while (got < need && (n = read(c, buf + got, need - got)) > 0) {
		got += (size_t)n;
		if (got == 2)
			need = 2 + ((size_t)buf[0] << 8 | buf[1]);
		if (need > size)
			return 0;
	}
	return got == need ? need : 0;
}

/* Writes the answer of len bytes at out + 2 to TCP connection c, after
 * its two length bytes (out[0] and out[1], written here). */
static DNSFAKE_UNUSED void dnsfake_tcp_write(int c, uint8_t *out, size_t len)
{
	out[0] = (uint8_t)(len >> 8);
	out[1] = (uint8_t)len;
	if (write(c, out, len + 2) != (ssize_t)(len + 2))
		(void)0;
}

/* What a server does with a UDP query of n bytes from from; ctx is its
 * own. */
typedef void dnsfake_udp_fn(void *ctx, const uint8_t *q, size_t n,
			    const struct sockaddr_storage *from, socklen_t fl);

/*
 * Waits up to ms milliseconds for queries on udp and tcp.  A datagram
 * is passed to udp_query (with ctx); a TCP connection is accepted and
 * returned, for the caller to answer and close.  Returns -1 when no
 * connection came.
 */
static DNSFAKE_UNUSED int dnsfake_wait(int udp, int tcp, int ms, dnsfake_udp_fn *udp_query,
				       void *ctx)
{
	struct pollfd p[2] = {{udp, POLLIN, 0}, {tcp, POLLIN, 0}};

	if (poll(p, 2, ms) <= 0)
		return -1;
	if (p[0].revents & POLLIN) {
		uint8_t buf[65536];
		struct sockaddr_storage from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(udp, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);

		if (n > 0)
			udp_query(ctx, buf, (size_t)n, &from, fl);
	}
	if (p[1].revents & POLLIN)
		return accept(tcp, NULL, NULL);
	return -1;
}

/* A resolver that asks 127.0.0.1@port, or NULL. */
static DNSFAKE_UNUSED tlsa_resolver *dnsfake_resolver(unsigned port, unsigned timeout_ms,
						      const char *anchor)
{
	char addr[64];
	const char *servers[1] = {addr};
	tlsa_resolver *r = NULL;

	snprintf(addr, sizeof(addr), "127.0.0.1@%u", port);
	if (tlsa_resolver_new(servers, 1, timeout_ms, anchor, &r) != TLSA_OK)
		return NULL;
	return r;
}

/* Look up _443._tcp.LABEL.test; *secs is how long it took. */
static DNSFAKE_UNUSED tlsa_tlsa_result *lookup(const tlsa_resolver *r, const char *label,
					       double *secs)
{
	char host[64];
	tlsa_tlsa_result *t = NULL;
	double t0 = now();

	snprintf(host, sizeof(host), "%s.test", label);
	tlsa_lookup_tlsa(r, host, 443, "tcp", &t);
	*secs = now() - t0;
	return t;
}

#endif
