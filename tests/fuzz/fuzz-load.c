/*
 * Fuzz target: the input loader (tlsa_input_load): PEM and DER
 * certificates, chains, public keys, private keys (plain and encrypted)
 * and CSRs, then every accessor on what it loaded.
 *
 * The first byte chooses how the loader is called: its low four bits are
 * the mask of kinds wanted (0 means any), bit 4 gives the passphrase
 * "fuzz" (the one the encrypted seeds use).  The rest is the file.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include <tlsa.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tlsa_input *in = NULL;
	tlsa_cert_info info = TLSA_CERT_INFO_INIT;
	unsigned want;
	const char *pass;
	const unsigned char *der;
	size_t i, n, len;
	time_t nb, na;

	if (size < 1)
		return 0;
	want = data[0] & 0xf;
	if (want == 0)
		want = TLSA_KIND_ANY;
	pass = (data[0] & 0x10) ? "fuzz" : NULL;
	if (tlsa_input_load(data + 1, size - 1, want, pass, &in) != TLSA_OK)
		return 0;
	(void)tlsa_kind_name(tlsa_input_kind(in));
	(void)tlsa_input_chain_flags(in);
	n = tlsa_input_count(in);
	for (i = 0; i < n; i++) {
		(void)tlsa_input_spki(in, i, &len);
		der = tlsa_input_cert(in, i, &len);
		if (der == NULL)
			continue;
		(void)tlsa_input_validity(in, i, &nb, &na);
		(void)tlsa_input_is_ca(in, i);
		if (tlsa_cert_info_get(der, len, &info) == TLSA_OK)
			tlsa_cert_info_clear(&info);
	}
	tlsa_input_free(in);
	return 0;
}
