/*
 * Private to libtlsa: reading DER (der.c) for the input loader.  Not
 * installed.
 *
 * Owns: one TLV at a time, the walk that locates the parts of a
 * certificate, the shape of other DER structures, and ASN.1 times.
 */
#ifndef TLSA_DER_INTERNAL_H
#define TLSA_DER_INTERNAL_H

#include <stddef.h>
#include <time.h>

/* A span of bytes inside a DER buffer. */
struct span {
	const unsigned char *p;
	size_t len;
};

/* The parts of a certificate that records and reports need. */
struct cert_parts {
	struct span issuer, subject, validity, spki, exts; /* exts: [3]'s content */
};

/*
 * One TLV at *p (before end): its tag, class (V_ASN1_UNIVERSAL...),
 * whether it is constructed, the whole TLV and its contents (either may
 * be NULL).  Advances *p past it.  0, or -1 when it is not DER we read
 * (truncated, indefinite length, a length beyond end).
 */
int tlsa_der_tlv(const unsigned char **p, const unsigned char *end, int *tag, int *cls, int *cons,
		 struct span *whole, struct span *content);

/* A universal constructed SEQUENCE at *p: 0 or -1, as tlsa_der_tlv. */
int tlsa_der_seq(const unsigned char **p, const unsigned char *end, struct span *whole,
		 struct span *content);

/*
 * Locate the parts of the Certificate that starts at der (RFC 5280
 * section 4.1).  On success *used is the length of its outer TLV, which
 * may be less than len.
 */
int tlsa_der_cert_walk(const unsigned char *der, size_t len, struct cert_parts *c, size_t *used);

/*
 * Which DER structure, other than a certificate, buf can be, from the
 * types of the first two elements of its outer SEQUENCE.
 */
enum der_shape { DER_OTHER, DER_SPKI, DER_ENCRYPTED_KEY, DER_CSR, DER_PRIVATE_KEY };
enum der_shape tlsa_der_shape(const unsigned char *buf, size_t len);

/*
 * Whether der is exactly one SubjectPublicKeyInfo (RFC 5280 section
 * 4.1.2.7) in canonical DER, of an algorithm read here (RSA; EC on P-256,
 * P-384, P-521; Ed25519, Ed448, X25519, X448) with a key of the form and
 * size that algorithm gives: the bytes OpenSSL would encode again after
 * decoding them.  0 for anything else, which is left to OpenSSL.
 */
int tlsa_der_spki_known(const unsigned char *der, size_t len);

/* The Validity span of a certificate (SEQUENCE { notBefore, notAfter }). */
int tlsa_der_validity(const struct span *validity, time_t *not_before, time_t *not_after);

/* Whether an extensions span ([3]'s content) has basicConstraints cA TRUE. */
int tlsa_der_is_ca(const struct span *exts);

#endif
