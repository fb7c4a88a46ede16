/*
 * Inputs: certificates, chains, public keys, private keys and CSRs, in PEM
 * or DER, from memory or a file.
 *
 * Owns: detecting what a file holds, decoding PEM, ordering a chain by its
 * subject/issuer links, and locating the parts of a certificate that
 * records are made of (SubjectPublicKeyInfo, names, validity) by walking
 * the DER, without a full decode.
 * Does not own: computing record data (compute.c) or fetching chains from
 * live servers (verify.c).
 */
#ifndef TLSA_LOAD_H
#define TLSA_LOAD_H

#include <stddef.h>
#include <time.h>

#include <tlsa/status.h>

#ifdef __cplusplus
extern "C" {
#endif

/* What an input holds; also used as a mask of what a caller accepts. */
typedef enum tlsa_kind {
	TLSA_KIND_NONE = 0,
	TLSA_KIND_CERT = 1 << 0,    /* one certificate or a chain */
	TLSA_KIND_PUBKEY = 1 << 1,  /* a SubjectPublicKeyInfo */
	TLSA_KIND_PRIVKEY = 1 << 2, /* a private key (its public half is used) */
	TLSA_KIND_CSR = 1 << 3,	    /* a PKCS#10 request */
	TLSA_KIND_ANY = 0xf
} tlsa_kind;

/* A phrase naming a kind: "a certificate", "a private key"... */
const char *tlsa_kind_name(tlsa_kind kind);

/* Facts about the chain in an input, as flags. */
enum {
	TLSA_CHAIN_REORDERED = 1 << 0, /* file order was not leaf first */
	TLSA_CHAIN_BROKEN = 1 << 1,    /* some certificates do not chain */
	TLSA_CHAIN_TRAILING = 1 << 2   /* text after the last PEM block */
};

typedef struct tlsa_input tlsa_input;

/*
 * Load an input from memory.  want is a mask of acceptable kinds; pass is
 * the passphrase for an encrypted private key, or NULL.  A file with
 * several PEM blocks must hold certificates only.  On failure
 * tlsa_error_line() is the line of a PEM file the failure was found on
 * (0: none), and with TLSA_ERR_WRONG_KIND tlsa_error_detail() is the
 * tlsa_kind_name() of what the input holds ("a private key").
 */
tlsa_status tlsa_input_load(const unsigned char *buf, size_t len, unsigned want, const char *pass,
			    tlsa_input **out);

/* Read a whole file ("-" is standard input) into a malloc'd buffer. */
tlsa_status tlsa_file_read(const char *path, unsigned char **buf, size_t *len);

void tlsa_input_free(tlsa_input *in);

tlsa_kind tlsa_input_kind(const tlsa_input *in);

/* TLSA_CHAIN_* flags. */
unsigned tlsa_input_chain_flags(const tlsa_input *in);

/*
 * Number of certificates, in chain order: 0 is the leaf, then its issuer,
 * and so on.  Keys and CSRs count as one (depth 0).
 */
size_t tlsa_input_count(const tlsa_input *in);

/* The DER of the certificate at depth i, or NULL for keys and CSRs. */
const unsigned char *tlsa_input_cert(const tlsa_input *in, size_t i, size_t *len);

/* The DER SubjectPublicKeyInfo at depth i, exactly as encoded. */
const unsigned char *tlsa_input_spki(const tlsa_input *in, size_t i, size_t *len);

/*
 * Cheap facts of the certificate at depth i, from the DER walk:
 * validity times and whether basicConstraints says CA.
 */
tlsa_status tlsa_input_validity(const tlsa_input *in, size_t i, time_t *not_before,
				time_t *not_after);
int tlsa_input_is_ca(const tlsa_input *in, size_t i);

/*
 * Details that need a full decode, for JSON output and reports: subject
 * and issuer as one-line RFC 2253 strings (malloc'd; free with
 * tlsa_cert_info_clear).  Filled in the caller's memory: start from
 * TLSA_CERT_INFO_INIT, which sets size (see libtlsa(3)).
 */
typedef struct tlsa_cert_info {
	size_t size; /* sizeof(tlsa_cert_info) */
	char *subject;
	char *issuer;
	time_t not_before;
	time_t not_after;
	int is_ca;
} tlsa_cert_info;
/* clang-format off */
#define TLSA_CERT_INFO_INIT {.size = sizeof(tlsa_cert_info)}
/* clang-format on */

tlsa_status tlsa_cert_info_get(const unsigned char *der, size_t len, tlsa_cert_info *info);
void tlsa_cert_info_clear(tlsa_cert_info *info);

/*
 * A new private key of type ("ec:p256", "ec:p384", "rsa:2048", "rsa:3072",
 * "rsa:4096", "ed25519"; any case), as unencrypted PKCS#8 PEM in *pem
 * (malloc'd and NUL-terminated, *len bytes without the NUL; wipe it with
 * OPENSSL_cleanse() before free()).  TLSA_ERR_INVALID for an unknown
 * type.  Writing it to a file is the caller's.
 */
tlsa_status tlsa_key_generate(const char *type, char **pem, size_t *len);
/* The types tlsa_key_generate() makes, for messages: "ec:p256, ec:p384, ...". */
const char *tlsa_key_gen_names(void);

/*
 * An input made from DER certificates already in memory, leaf first, as a
 * TLS peer presents them (used by verify.c and `tlsa create HOST`).
 * The DER is copied.
 */
tlsa_status tlsa_input_from_chain(const unsigned char *const *der, const size_t *len, size_t count,
				  tlsa_input **out);

#ifdef __cplusplus
}
#endif
#endif
