/*
 * tlsa create HOST: the chain a live server presents (see fetch.h).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <tlsa.h>

#include "cli.h"
#include "fetch.h"

/*
 * The chain HOST presents, for records made from a live server.  The
 * addresses are tried in turn until one completes a handshake.  Nothing
 * here authenticates the server: the records describe whatever answered,
 * which is why -v says which address that was.
 */
tlsa_input *create_fetch_chain(const struct fetch_opts *o, const char *host, char *err,
			       size_t errsize)
{
	tlsa_verify_opts vo;
	tlsa_resolver *res = NULL;
	tlsa_addr_result *ar = NULL;
	tlsa_input *in = NULL;
	const tlsa_starttls *proto = o->starttls;
	char why[600];
	tlsa_status st;
	size_t i;

	memset(&vo, 0, sizeof(vo));
	if (proto == NULL)
		proto = tlsa_starttls_by_port((unsigned)o->port);
	vo.base_domain = host;
	vo.sni = o->sni != NULL ? o->sni : host;
	vo.starttls = proto;
	vo.timeout_ms = (int)o->timeout * 1000;
	if (o->address != NULL) {
		st = tlsa_fetch_chain(o->address, (unsigned)o->port, &vo, &in, why, sizeof(why));
		if (st != TLSA_OK)
			snprintf(err, errsize, "%s (%s port %lu): %s", host, o->address, o->port, why);
		return in;
	}
	st = tlsa_resolver_new(&res, NULL, 0, (unsigned)o->timeout * 1000, NULL);
	if (st == TLSA_OK)
		st = tlsa_lookup_addresses(res, host, AF_UNSPEC, &ar);
	if (st != TLSA_OK) {
		snprintf(err, errsize, "%s: %s", host, tlsa_strerror(st));
		goto out;
	}
	if (ar->naddrs == 0) {
		snprintf(err, errsize, "%s: no addresses found%s%s", host,
			 ar->a.reason != NULL ? ": " : "", ar->a.reason != NULL ? ar->a.reason : "");
		goto out;
	}
	for (i = 0; i < ar->naddrs && in == NULL; i++) {
		st = tlsa_fetch_chain(ar->addrs[i].text, (unsigned)o->port, &vo, &in, why,
				      sizeof(why));
		if (st == TLSA_OK)
			cli_info(1, "%s: chain fetched from %s port %lu", host, ar->addrs[i].text,
				 o->port);
		else
			snprintf(err, errsize, "%s (%s port %lu): %s", host, ar->addrs[i].text,
				 o->port, why);
	}
out:
	tlsa_addr_result_free(ar);
	tlsa_resolver_free(res);
	return in;
}

