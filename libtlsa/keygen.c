/*
 * New private keys, for staging the next key: its TLSA record can be
 * published long before a certificate for it exists.
 *
 * Owns: the key types offered and making a key of one, as PKCS#8 PEM in
 * memory.  Does not own: writing the file (the caller's, with its mode
 * and no-overwrite rule) or the record (compute.c, from the key loaded).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <tlsa/load.h>

static const struct keytype {
	const char *name;  /* as the user writes it */
	const char *alg;   /* EVP_PKEY_Q_keygen's algorithm */
	const char *curve; /* EC: the curve; NULL otherwise */
	size_t bits;	   /* RSA: the modulus size */
} keytypes[] = {
    {"ec:p256", "EC", "P-256", 0},   {"ec:p384", "EC", "P-384", 0},
    {"rsa:2048", "RSA", NULL, 2048}, {"rsa:3072", "RSA", NULL, 3072},
    {"rsa:4096", "RSA", NULL, 4096}, {"ed25519", "ED25519", NULL, 0},
};
#define NKEYTYPES (sizeof(keytypes) / sizeof(keytypes[0]))

const char *tlsa_key_gen_names(void)
{
	return "ec:p256, ec:p384, rsa:2048, rsa:3072, rsa:4096, ed25519";
}

tlsa_status tlsa_key_generate(const char *type, char **pem, size_t *len)
{
	const struct keytype *kt = NULL;
	EVP_PKEY *key = NULL;
	BIO *bio = NULL;
	char *data;
	long n;
	size_t i;
	tlsa_status st = TLSA_ERR_INTERNAL;

	if (pem == NULL || len == NULL)
		return TLSA_ERR_INVALID;
	*pem = NULL;
	*len = 0;
	for (i = 0; i < NKEYTYPES && type != NULL; i++)
		if (strcasecmp(type, keytypes[i].name) == 0)
			kt = &keytypes[i];
	if (kt == NULL)
		return TLSA_ERR_INVALID;
	if (kt->curve != NULL)
		key = EVP_PKEY_Q_keygen(NULL, NULL, kt->alg, kt->curve);
	else if (kt->bits > 0)
		key = EVP_PKEY_Q_keygen(NULL, NULL, kt->alg, kt->bits);
	else
		key = EVP_PKEY_Q_keygen(NULL, NULL, kt->alg);
	bio = BIO_new(BIO_s_secmem());
	if (key == NULL || bio == NULL ||
	    PEM_write_bio_PrivateKey(bio, key, NULL, NULL, 0, NULL, NULL) != 1)
		goto out;
	n = BIO_get_mem_data(bio, &data);
	if (n <= 0)
		goto out;
	*pem = malloc((size_t)n + 1);
	if (*pem == NULL) {
		st = TLSA_ERR_NOMEM;
		goto out;
	}
	memcpy(*pem, data, (size_t)n);
	(*pem)[n] = '\0';
	*len = (size_t)n;
	st = TLSA_OK;
out:
	ERR_clear_error();
	BIO_free(bio); /* secure memory: wiped on free */
	EVP_PKEY_free(key);
	return st;
}
