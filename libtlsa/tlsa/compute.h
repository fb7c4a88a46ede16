/*
 * Computing certificate association data (RFC 6698 section 2.1).
 *
 * Owns: selector and matching type applied to a loaded input.
 * Does not own: which certificate of a chain a usage calls for (the
 * caller picks the depth; tlsa_default_depth() gives the contract's
 * default).
 */
#ifndef TLSA_COMPUTE_H
#define TLSA_COMPUTE_H

#include <stddef.h>
#include <stdint.h>

#include <tlsa/load.h>
#include <tlsa/record.h>
#include <tlsa/status.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Digest or copy bytes per a matching type: 0 copies, 1 SHA-256, 2 SHA-512. */
tlsa_status tlsa_match_data(uint8_t mtype, const unsigned char *in, size_t len, unsigned char **out,
			    size_t *outlen);

/*
 * The record (usage, selector, mtype) for the object at depth in the
 * input.  Selector 0 needs a certificate: keys and CSRs give
 * TLSA_ERR_SELECTOR_NEEDS_CERT.  Depth beyond the chain gives
 * TLSA_ERR_DEPTH.
 */
tlsa_status tlsa_record_compute(const tlsa_input *in, size_t depth, uint8_t usage, uint8_t selector,
				uint8_t mtype, tlsa_record **out);

/* Depth a usage refers to by default: 1 for usages 0 and 2, else 0. */
size_t tlsa_default_depth(uint8_t usage);

#ifdef __cplusplus
}
#endif
#endif
