/*
 * Certificate association data: a selector applied to the object at some
 * depth of an input, then a matching type (RFC 6698 section 2.1).
 *
 * Digests use OpenSSL's low-level SHA-2 functions on purpose.  In OpenSSL
 * 3.0 even the one-shot SHA256() fetches a provider, which loads
 * openssl.cnf and initialises the default provider: about a millisecond,
 * more than everything else a short-lived `tlsa create` does.  The
 * low-level functions are deprecated but compute the same digests with no
 * initialisation at all; they are confined to this file.
 */
#include "config.h"

#define OPENSSL_SUPPRESS_DEPRECATED 1

#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <tlsa/compute.h>

static void sha256(const unsigned char *in, size_t len, unsigned char *out)
{
	SHA256_CTX c;

	SHA256_Init(&c);
	SHA256_Update(&c, in, len);
	SHA256_Final(out, &c);
	OPENSSL_cleanse(&c, sizeof(c));
}

static void sha512(const unsigned char *in, size_t len, unsigned char *out)
{
	SHA512_CTX c;

	SHA512_Init(&c);
	SHA512_Update(&c, in, len);
	SHA512_Final(out, &c);
	OPENSSL_cleanse(&c, sizeof(c));
}

tlsa_status tlsa_match_data(uint8_t mtype, const unsigned char *in, size_t len, unsigned char **out,
			    size_t *outlen)
{
	size_t n;
	unsigned char *buf;

	switch (mtype) {
	case TLSA_MTYPE_FULL: n = len; break;
	case TLSA_MTYPE_SHA256: n = SHA256_DIGEST_LENGTH; break;
	case TLSA_MTYPE_SHA512: n = SHA512_DIGEST_LENGTH; break;
	default: return TLSA_ERR_MTYPE;
	}
	buf = malloc(n > 0 ? n : 1);
	if (buf == NULL)
		return TLSA_ERR_NOMEM;
	if (mtype == TLSA_MTYPE_FULL)
		memcpy(buf, in, len);
	else if (mtype == TLSA_MTYPE_SHA256)
		sha256(in, len, buf);
	else
		sha512(in, len, buf);
	*out = buf;
	*outlen = n;
	return TLSA_OK;
}

tlsa_status tlsa_record_compute(const tlsa_input *in, size_t depth, uint8_t usage, uint8_t selector,
				uint8_t mtype, tlsa_record **out)
{
	const unsigned char *bytes;
	unsigned char *data;
	size_t len, dlen;
	tlsa_status st;

	if (in == NULL || out == NULL)
		return TLSA_ERR_INVALID;
	if (depth >= tlsa_input_count(in))
		return TLSA_ERR_DEPTH;
	switch (selector) {
	case TLSA_SELECTOR_CERT:
		if (tlsa_input_kind(in) != TLSA_KIND_CERT)
			return TLSA_ERR_SELECTOR_NEEDS_CERT;
		bytes = tlsa_input_cert(in, depth, &len);
		break;
	case TLSA_SELECTOR_SPKI: bytes = tlsa_input_spki(in, depth, &len); break;
	default: return TLSA_ERR_SELECTOR;
	}
	if (bytes == NULL)
		return TLSA_ERR_DEPTH;
	st = tlsa_match_data(mtype, bytes, len, &data, &dlen);
	if (st != TLSA_OK)
		return st;
	st = tlsa_record_new(usage, selector, mtype, data, dlen, out);
	free(data);
	return st;
}

size_t tlsa_default_depth(uint8_t usage)
{
	return (usage == TLSA_USAGE_PKIX_TA || usage == TLSA_USAGE_DANE_TA) ? 1 : 0;
}
