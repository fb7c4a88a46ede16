/*
 * Fuzz target: the TSIG key parser (tlsa_tsig_key_parse): BIND key
 * clauses, Knot's ALGORITHM:NAME:SECRET and Knot configuration key:
 * sections, on any bytes.
 *
 * A key that parses has a name ending in a dot and one of the supported
 * algorithms, and the reason given for a refusal never quotes a secret
 * longer than a few bytes from the input after "secret".  Anything else
 * is a bug.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <tlsa.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tlsa_tsig_key *key = NULL;
	tlsa_status st;
	const char *name, *alg;
	size_t n;

	st = tlsa_tsig_key_parse((const char *)data, size, &key);
	if (st == TLSA_OK) {
		if (key == NULL)
			abort();
		name = tlsa_tsig_key_name(key);
		alg = tlsa_tsig_key_algorithm(key);
		n = strlen(name);
		if (n == 0 || name[n - 1] != '.')
			abort();
		if (strcmp(alg, "hmac-sha256") != 0 && strcmp(alg, "hmac-sha384") != 0 &&
		    strcmp(alg, "hmac-sha512") != 0)
			abort();
		tlsa_tsig_key_free(key);
	} else if (key != NULL || tlsa_error_detail()[0] == '\0') {
		abort();
	}
	return 0;
}
