/*
 * tlsa_key_generate (keygen.c): new private keys for staging the next
 * key.  Each type gives a PEM private key that the loader reads back as
 * a private key of that algorithm and size, and a 3 1 1 record can be
 * made from; a second key differs from the first.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <tlsa.h>

#include "tap.h"

/* The key's algorithm and bits, read back with OpenSSL; 0 on failure. */
static int key_shape(const char *pem, size_t len, int *id, int *bits)
{
	BIO *b = BIO_new_mem_buf(pem, (int)len);
	EVP_PKEY *k = b != NULL ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) : NULL;

	BIO_free(b);
	if (k == NULL)
		return 0;
	*id = EVP_PKEY_get_base_id(k);
	*bits = EVP_PKEY_get_bits(k);
	EVP_PKEY_free(k);
	return 1;
}

static void makes(const char *type, int want_id, int want_bits)
{
	char *pem = NULL;
	size_t len = 0;
	int id = 0, bits = 0;
	tlsa_input *in = NULL;
	tlsa_record *rec = NULL;

	ok(tlsa_key_generate(type, &pem, &len) == TLSA_OK && pem != NULL && len == strlen(pem),
	   "%s: a key is made, as PEM text", type);
	ok(pem != NULL && strstr(pem, "-----BEGIN PRIVATE KEY-----") == pem,
	   "%s: the PEM is an unencrypted PKCS#8 private key", type);
	ok(pem != NULL && key_shape(pem, len, &id, &bits) && id == want_id && bits == want_bits,
	   "%s: the key has the algorithm and size asked for (%d bits)", type, want_bits);
	ok(pem != NULL &&
	       tlsa_input_load((const unsigned char *)pem, len, TLSA_KIND_PRIVKEY, NULL, &in) ==
		   TLSA_OK &&
	       tlsa_record_compute(in, 0, 3, 1, 1, &rec) == TLSA_OK,
	   "%s: the loader reads it back and a 3 1 1 record is made from it", type);
	tlsa_record_free(rec);
	tlsa_input_free(in);
	free(pem);
}

int main(void)
{
	char *a = NULL, *b = NULL;
	size_t la, lb;

	makes("ec:p256", EVP_PKEY_EC, 256);
	makes("EC:P384", EVP_PKEY_EC, 384);
	makes("rsa:2048", EVP_PKEY_RSA, 2048);
	makes("ed25519", EVP_PKEY_ED25519, 256);
	ok(tlsa_key_generate("ec:p256", &a, &la) == TLSA_OK &&
	       tlsa_key_generate("ec:p256", &b, &lb) == TLSA_OK &&
	       (la != lb || memcmp(a, b, la) != 0),
	   "two keys of one type differ");
	free(a);
	free(b);
	a = (char *)"x";
	ok(tlsa_key_generate("dsa", &a, &la) == TLSA_ERR_INVALID && a == NULL,
	   "an unknown type is TLSA_ERR_INVALID, with no key");
	ok(tlsa_key_generate(NULL, &a, &la) == TLSA_ERR_INVALID, "no type is TLSA_ERR_INVALID");
	ok(strstr(tlsa_key_gen_names(), "rsa:3072") != NULL, "the names list the types made");
	return done_testing();
}
