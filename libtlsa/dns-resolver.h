/*
 * The resolver object inside the DNS floor: the servers a lookup asks, the
 * time it may take, the trust anchors of local validation, and the
 * round-trip estimates the transport keeps per server.  Configured by
 * dns-resolver.c, read by dns-transport.c and dns-query.c.  Not installed.
 */
#ifndef TLSA_DNS_RESOLVER_H
#define TLSA_DNS_RESOLVER_H

#include <pthread.h>

#include <ldns/ldns.h>

#include <tlsa/dns.h>

struct tlsa_server {
	int family;
	unsigned char addr[16];
	unsigned port;
	char text[64]; /* "127.0.0.1@53" */
	/* Round-trip estimate (RFC 6298), under the resolver's mu. */
	int measured;
	long long srtt_us, rttvar_us;
	unsigned rto_ms; /* 0: nothing measured yet */
};

struct tlsa_resolver {
	size_t n;
	struct tlsa_server *servers;
	unsigned timeout_ms;
	ldns_rr_list *anchors; /* DS and DNSKEY records; NULL in AD mode */
	pthread_mutex_t *mu;   /* guards the servers' round-trip estimates */
};

#endif
