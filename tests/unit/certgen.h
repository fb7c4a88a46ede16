/*
 * Test helper: make keys and certificates in memory with OpenSSL, so the
 * unit tests need no files and no openssl CLI.  Header-only.
 */
#ifndef TLSA_CERTGEN_H
#define TLSA_CERTGEN_H

#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

struct keytype {
	const char *name;
	const char *alg; /* for EVP_PKEY_Q_keygen */
	const char *arg; /* curve, or NULL */
	size_t bits;	 /* RSA */
};

static const struct keytype keytypes[] __attribute__((unused)) = {
    {"RSA 2048", "RSA", NULL, 2048}, {"EC P-256", "EC", "P-256", 0},
    {"EC P-384", "EC", "P-384", 0},  {"EC P-521", "EC", "P-521", 0},
    {"Ed25519", "ED25519", NULL, 0}, {"Ed448", "ED448", NULL, 0},
};
#define NKEYTYPES (sizeof(keytypes) / sizeof(keytypes[0]))

static EVP_PKEY *make_key(const struct keytype *t) __attribute__((unused));
static EVP_PKEY *make_key(const struct keytype *t)
{
	if (strcmp(t->alg, "RSA") == 0)
		return EVP_PKEY_Q_keygen(NULL, NULL, "RSA", t->bits);
	if (t->arg != NULL)
		return EVP_PKEY_Q_keygen(NULL, NULL, "EC", t->arg);
	return EVP_PKEY_Q_keygen(NULL, NULL, t->alg);
}

/*
 * A certificate for key, named cn, issued by issuer (NULL: self-signed)
 * whose key is ikey; ca sets basicConstraints CA:TRUE; validity from
 * now + from_days to now + to_days.
 */
static X509 *make_cert(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *ikey, int ca,
		       long from_days, long to_days) __attribute__((unused));
static X509 *make_cert(EVP_PKEY *key, const char *cn, X509 *issuer, EVP_PKEY *ikey, int ca,
		       long from_days, long to_days)
{
	static long serial = 1;
	X509 *x = X509_new();
	X509_NAME *name;
	X509_EXTENSION *ext;
	X509V3_CTX ctx;
	const EVP_MD *md;
	int id;

	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), serial++);
	X509_gmtime_adj(X509_getm_notBefore(x), from_days * 86400);
	X509_gmtime_adj(X509_getm_notAfter(x), to_days * 86400);
	X509_set_pubkey(x, key);
	name = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, issuer != NULL ? X509_get_subject_name(issuer) : name);
	X509V3_set_ctx(&ctx, issuer != NULL ? issuer : x, x, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &ctx, NID_basic_constraints,
				  ca ? "critical,CA:TRUE" : "CA:FALSE");
	X509_add_ext(x, ext, -1);
	X509_EXTENSION_free(ext);
	if (ikey == NULL)
		ikey = key;
	id = EVP_PKEY_get_id(ikey);
	md = (id == EVP_PKEY_ED25519 || id == EVP_PKEY_ED448) ? NULL : EVP_sha256();
	if (X509_sign(x, ikey, md) <= 0) {
		X509_free(x);
		return NULL;
	}
	return x;
}

/* The DER of a certificate into a malloc'd buffer (OPENSSL_free it). */
static unsigned char *cert_der(X509 *x, size_t *len) __attribute__((unused));
static unsigned char *cert_der(X509 *x, size_t *len)
{
	unsigned char *p = NULL;
	int n = i2d_X509(x, &p);

	*len = n > 0 ? (size_t)n : 0;
	return p;
}

/* PEM text of a certificate appended to a memory BIO. */
static void cert_pem(BIO *b, X509 *x) __attribute__((unused));
static void cert_pem(BIO *b, X509 *x)
{
	PEM_write_bio_X509(b, x);
}

#endif
