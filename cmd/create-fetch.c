/*
 * tlsa create HOST: the chains a live server presents (see create-fetch.h).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <tlsa.h>

#include "cli.h"
#include "create-fetch.h"

/*
 * Every chain one address presents: one per key type it offers
 * (tlsa_verify_each()).  Returns how many were kept in *chains (0 with
 * the sentence in why).
 */
static size_t fetch_address(const char *address, const struct fetch_opts *o,
			    const tlsa_verify_opts *vo, tlsa_input ***chains, char *why,
			    size_t whysize)
{
	tlsa_verify_result **v = NULL;
	tlsa_input **in;
	size_t n = 0, i, k = 0;
	tlsa_status st;

	*chains = NULL;
	st =
	    tlsa_verify_each(address, (unsigned)o->port, vo, TLSA_KEY_FIRST | TLSA_KEY_ALL, &v, &n);
	in = calloc(n + 1, sizeof(*in));
	if (n == 0 || in == NULL)
		snprintf(why, whysize, "%s", tlsa_strerror(in == NULL ? TLSA_ERR_NOMEM : st));
	for (i = 0; i < n; i++) {
		if (in == NULL) {
			/* out of memory: said above */
		} else if (v[i]->handshake && v[i]->chain != NULL) {
			cli_info(1, "%s key: chain fetched from %s port %lu",
				 tlsa_key_type_name(v[i]->key_type), address, o->port);
			in[k++] = v[i]->chain;
			v[i]->chain = NULL;
		} else if (k == 0) {
			snprintf(why, whysize, "%s",
				 v[i]->handshake ? "server presented no certificate" : v[i]->why);
		}
		tlsa_verify_result_free(v[i]);
	}
	free(v);
	if (k == 0) {
		free(in);
		in = NULL;
	}
	*chains = in;
	return k;
}

/*
 * The chains HOST presents, for records made from a live server: one per
 * certificate type it offers (RSA and ECDSA side by side, say).  The
 * addresses are tried in turn until one completes a handshake.  Nothing
 * here authenticates the server: the records describe whatever answered,
 * which is why -v says which address that was.
 */
size_t create_fetch_chains(const struct fetch_opts *o, const char *host, tlsa_input ***chains,
			   char *err, size_t errsize)
{
	tlsa_verify_opts vo;
	tlsa_resolver *res = NULL;
	tlsa_addr_result *ar = NULL;
	const tlsa_starttls *proto = o->starttls;
	char why[600];
	tlsa_status st;
	size_t i, n = 0;

	*chains = NULL;
	vo = (tlsa_verify_opts)TLSA_VERIFY_OPTS_INIT;
	if (proto == NULL)
		proto = tlsa_starttls_by_port((unsigned)o->port);
	vo.base_domain = host;
	vo.sni = o->sni != NULL ? o->sni : host;
	vo.starttls = proto;
	vo.timeout_ms = (int)o->timeout * 1000;
	if (o->address != NULL) {
		n = fetch_address(o->address, o, &vo, chains, why, sizeof(why));
		if (n == 0)
			snprintf(err, errsize, "%s (%s port %lu): %s", host, o->address, o->port,
				 why);
		return n;
	}
	st = tlsa_resolver_new(NULL, 0, (unsigned)o->timeout * 1000, NULL, &res);
	if (st == TLSA_OK)
		st = tlsa_lookup_addresses(res, host, AF_UNSPEC, &ar);
	if (st != TLSA_OK) {
		snprintf(err, errsize, "%s: %s", host, tlsa_strerror(st));
		goto out;
	}
	if (ar->naddrs == 0) {
		snprintf(err, errsize, "%s: no addresses found%s%s", host,
			 ar->a.reason != NULL ? ": " : "",
			 ar->a.reason != NULL ? ar->a.reason : "");
		goto out;
	}
	for (i = 0; i < ar->naddrs && n == 0; i++) {
		n = fetch_address(ar->addrs[i].text, o, &vo, chains, why, sizeof(why));
		if (n == 0)
			snprintf(err, errsize, "%s (%s port %lu): %s", host, ar->addrs[i].text,
				 o->port, why);
	}
out:
	tlsa_addr_result_free(ar);
	tlsa_resolver_free(res);
	return n;
}
