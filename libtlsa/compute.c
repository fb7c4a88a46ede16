/*
 * Certificate association data: a selector applied to the object at some
 * depth of an input, then a matching type (RFC 6698 section 2.1).
 *
 * The one-shot SHA256()/SHA512() functions are used on purpose: they need
 * no provider and no configuration, so a short-lived `tlsa create` does
 * not pay for OpenSSL's initialisation.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include <tlsa/compute.h>

tlsa_status tlsa_match_data(uint8_t mtype, const unsigned char *in, size_t len,
			    unsigned char **out, size_t *outlen)
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
		SHA256(in, len, buf);
	else
		SHA512(in, len, buf);
	*out = buf;
	*outlen = n;
	return TLSA_OK;
}

tlsa_status tlsa_record_compute(const tlsa_input *in, size_t depth, uint8_t usage,
				uint8_t selector, uint8_t mtype, tlsa_record **out)
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
	case TLSA_SELECTOR_SPKI:
		bytes = tlsa_input_spki(in, depth, &len);
		break;
	default:
		return TLSA_ERR_SELECTOR;
	}
	if (bytes == NULL)
		return TLSA_ERR_DEPTH;
	st = tlsa_match_data(mtype, bytes, len, &data, &dlen);
	if (st != TLSA_OK)
		return st;
	st = tlsa_record_new(out, usage, selector, mtype, data, dlen);
	free(data);
	return st;
}

size_t tlsa_default_depth(uint8_t usage)
{
	return (usage == TLSA_USAGE_PKIX_TA || usage == TLSA_USAGE_DANE_TA) ? 1 : 0;
}
