/*
 * What update.c needs of a TSIG key (tsig.c): the name, the algorithm as
 * ldns names it and the base64 secret ldns signs with.  Not installed.
 */
#ifndef TLSA_TSIG_INTERNAL_H
#define TLSA_TSIG_INTERNAL_H

#include <tlsa/update.h>

struct tlsa_tsig_key {
	char *name;	   /* absolute: "tlsa-key." */
	char *algorithm;   /* "hmac-sha256" */
	char *ldns_alg;	   /* "hmac-sha256." */
	char *secret;	   /* base64, as ldns_pkt_tsig_sign() takes it */
	size_t secret_len; /* of the text, for wiping */
};

#endif
