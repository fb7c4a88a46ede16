/*
 * The resolver configuration: which servers a lookup asks (given, or the
 * nameserver lines of /etc/resolv.conf), how long it may take, and the
 * trust anchors when it validates locally; the public accessors of
 * tlsa_resolver and the resolver address syntax ("ADDR[@PORT]").
 *
 * Does not own: sending queries (dns-transport.c, dns-query.c), reading
 * the anchor file (dns-anchor.c), or what an answer means (dns-ad.c,
 * dns-answer.c, dnssec.c).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <tlsa/dns.h>
#include "dns-anchor.h"
#include "dns-resolver.h"
#include "error-internal.h"

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

tlsa_status tlsa_resolver_new(const char *const *servers, size_t nservers, unsigned timeout_ms,
			      const char *trust_anchor_file, tlsa_resolver **out)
{
	tlsa_resolver *r;
	tlsa_status st = TLSA_OK;
	size_t i;

	tlsa_err_clear();
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
	if (st == TLSA_OK && trust_anchor_file) {
		unsigned line = 0;

		st = tlsa_anchors_read(trust_anchor_file, &r->anchors, &line);
		if (st != TLSA_OK)
			tlsa_err_where(trust_anchor_file, line);
	}
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
