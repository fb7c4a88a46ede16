/*
 * Fetching the chain a live server presents, for `tlsa create HOST`.
 *
 * Kept apart from create.c because it is the only part of create that
 * goes to the network (resolving HOST, STARTTLS, the handshake).
 */
#ifndef TLSA_CREATE_FETCH_H
#define TLSA_CREATE_FETCH_H

#include <stddef.h>

#include <tlsa.h>

struct fetch_opts {
	const char *address;	       /* connect here instead of resolving HOST */
	const char *sni;	       /* server name to send; NULL: HOST */
	const tlsa_starttls *starttls; /* NULL: from the port */
	unsigned long port;
	unsigned long timeout; /* seconds, each network step */
};

/*
 * The chains HOST presents, one per certificate type it offers (RSA,
 * ECDSA, Ed25519, Ed448): how many are in *chains (free each with
 * tlsa_input_free(), then the array), or 0 with the sentence in err.
 */
size_t create_fetch_chains(const struct fetch_opts *o, const char *host, tlsa_input ***chains,
			   char *err, size_t errsize);

#endif
