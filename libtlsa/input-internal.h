/*
 * Private to libtlsa: the input object (input.c) and the decoders that
 * fill it (key.c), for the loader (load.c).  Not installed.
 */
#ifndef TLSA_INPUT_INTERNAL_H
#define TLSA_INPUT_INTERNAL_H

#include <stddef.h>

#include <tlsa/load.h>
#include "der-internal.h"

/* Files larger than this are not certificates or keys. */
#define INPUT_MAX (16u << 20)

struct cert {
	unsigned char *der; /* owned */
	size_t len;
	struct cert_parts parts;
};

struct tlsa_input {
	tlsa_kind kind;
	unsigned chain_flags;
	size_t count;
	struct cert *certs;  /* kind CERT: count certificates, leaf first */
	unsigned char *spki; /* other kinds: the SubjectPublicKeyInfo DER */
	size_t spki_len;
};

/* ---- input.c ---- */

tlsa_input *tlsa_input_new(tlsa_kind kind);

/*
 * Add a certificate's DER to a CERT input, walking it; exact: the DER
 * must end where the certificate does.  With own, der is malloc'd and
 * the input takes it (also on failure); else it is copied.
 */
tlsa_status tlsa_input_add_cert(tlsa_input *in, unsigned char *der, size_t len, int exact, int own);

/* Order certificates leaf first by their subject/issuer links. */
tlsa_status tlsa_input_order_chain(tlsa_input *in);

/* ---- key.c: keys and CSRs into in->spki ---- */

tlsa_status tlsa_key_public_der(tlsa_input *in, const unsigned char *der, size_t len);
tlsa_status tlsa_key_rsa_public_der(tlsa_input *in, const unsigned char *der, size_t len);
tlsa_status tlsa_key_private_pem(tlsa_input *in, const unsigned char *text, size_t len,
				 const char *pass);
tlsa_status tlsa_key_private_der(tlsa_input *in, const unsigned char *der, size_t len,
				 const char *pass, int encrypted);
tlsa_status tlsa_key_csr_der(tlsa_input *in, const unsigned char *der, size_t len);

#endif
