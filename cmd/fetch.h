/*
 * Fetching the chain a live server presents, for `tlsa create HOST`.
 *
 * Kept apart from create.c because it is the only part of create that
 * goes to the network (resolving HOST, STARTTLS, the handshake).
 */
#ifndef TLSA_FETCH_H
#define TLSA_FETCH_H

#include <stddef.h>

#include <tlsa.h>

struct fetch_opts {
	const char *address; /* connect here instead of resolving HOST */
	const char *sni;     /* server name to send; NULL: HOST */
	const tlsa_starttls *starttls; /* NULL: from the port */
	unsigned long port;
	unsigned long timeout; /* seconds, each network step */
};

/* The chain HOST presents, or NULL with the sentence in err. */
tlsa_input *create_fetch_chain(const struct fetch_opts *o, const char *host, char *err,
			       size_t errsize);

#endif
