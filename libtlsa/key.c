/*
 * Keys and CSRs: their SubjectPublicKeyInfo, into an input.
 *
 * Owns: the public half of a public key, private key (PEM in every form
 * OpenSSL reads, DER PKCS#8, traditional or encrypted) or PKCS#10
 * request, and passphrases for encrypted keys.  A public key in
 * canonical DER, of an algorithm der.c knows and with a key of its size,
 * is its own SubjectPublicKeyInfo and is taken as it is; anything else is
 * decoded by OpenSSL and encoded again.  Does not own: telling what a
 * file holds (load.c), reading passphrase sources (file.c).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include "input-internal.h"

/* The input's SPKI: len bytes copied from p. */
static tlsa_status set_spki_copy(tlsa_input *in, const unsigned char *p, size_t len)
{
	in->spki = malloc(len);
	if (in->spki == NULL)
		return TLSA_ERR_NOMEM;
	memcpy(in->spki, p, len);
	in->spki_len = len;
	in->count = 1;
	return TLSA_OK;
}

/* The input's SPKI: the len bytes i2d wrote at p (OpenSSL's, freed here). */
static tlsa_status set_spki(tlsa_input *in, unsigned char *p, int len)
{
	tlsa_status st;

	if (len <= 0)
		return TLSA_ERR_KEY;
	st = set_spki_copy(in, p, (size_t)len);
	OPENSSL_free(p);
	return st;
}

/* The input's SPKI: the public half of pkey, which is freed here. */
static tlsa_status set_spki_from_pkey(tlsa_input *in, EVP_PKEY *pkey)
{
	unsigned char *p = NULL;
	int len = i2d_PUBKEY(pkey, &p);

	EVP_PKEY_free(pkey);
	return set_spki(in, p, len);
}

static tlsa_status set_spki_from_x509_pubkey(tlsa_input *in, X509_PUBKEY *pk)
{
	unsigned char *p = NULL;
	int len = i2d_X509_PUBKEY(pk, &p);

	return set_spki(in, p, len);
}

struct pass_arg {
	const char *pass;
	int asked;
};

static int pass_cb(char *buf, int size, int rwflag, void *u)
{
	struct pass_arg *a = u;
	size_t len;

	(void)rwflag;
	a->asked = 1;
	if (a->pass == NULL)
		return -1;
	len = strlen(a->pass);
	if (len > (size_t)size)
		return -1;
	memcpy(buf, a->pass, len);
	return (int)len;
}

/* Private key from PEM text (handles every PEM key form OpenSSL knows). */
tlsa_status tlsa_key_private_pem(tlsa_input *in, const unsigned char *text, size_t len,
				 const char *pass)
{
	struct pass_arg arg = {pass, 0};
	EVP_PKEY *pkey;
	BIO *bio;

	bio = BIO_new_mem_buf(text, (int)len);
	if (bio == NULL)
		return TLSA_ERR_NOMEM;
	pkey = PEM_read_bio_PrivateKey(bio, NULL, pass_cb, &arg);
	BIO_free(bio);
	if (pkey == NULL)
		return arg.asked ? TLSA_ERR_PASSPHRASE : TLSA_ERR_KEY;
	return set_spki_from_pkey(in, pkey);
}

/*
 * Private key from DER: PKCS#8 or traditional, or (when encrypted, as
 * tlsa_der_shape() found) encrypted PKCS#8.
 */
tlsa_status tlsa_key_private_der(tlsa_input *in, const unsigned char *der, size_t len,
				 const char *pass, int encrypted)
{
	const unsigned char *p = der;
	EVP_PKEY *pkey = NULL;
	X509_SIG *sig;
	PKCS8_PRIV_KEY_INFO *p8;

	if (encrypted) {
		sig = d2i_X509_SIG(NULL, &p, (long)len);
		if (sig == NULL || p != der + len) {
			X509_SIG_free(sig);
			return TLSA_ERR_KEY;
		}
		if (pass == NULL) {
			X509_SIG_free(sig);
			return TLSA_ERR_PASSPHRASE;
		}
		p8 = PKCS8_decrypt(sig, pass, (int)strlen(pass));
		X509_SIG_free(sig);
		if (p8 == NULL)
			return TLSA_ERR_PASSPHRASE;
		pkey = EVP_PKCS82PKEY(p8);
		PKCS8_PRIV_KEY_INFO_free(p8);
		if (pkey == NULL)
			return TLSA_ERR_KEY;
	} else {
		pkey = d2i_AutoPrivateKey(NULL, &p, (long)len);
		if (pkey == NULL || p != der + len) {
			EVP_PKEY_free(pkey);
			return TLSA_ERR_KEY;
		}
	}
	return set_spki_from_pkey(in, pkey);
}

/*
 * A SubjectPublicKeyInfo.  In canonical DER, of an algorithm der.c knows
 * (RSA, EC on the NIST curves, EdDSA, X25519/X448) and with a key of the
 * form and size it gives, it is taken as it is: OpenSSL's decoder would
 * encode these very bytes again, and its decode (a chain of provider
 * decoders, some 250 microseconds) would be all of its cost.  Whether an
 * EC point lies on its curve is not checked, as it is not for the key of
 * a certificate: tlsa hashes keys, it does not use them.  Anything else
 * is decoded, refused when OpenSSL cannot read the key, and encoded again.
 */
tlsa_status tlsa_key_public_der(tlsa_input *in, const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	X509_PUBKEY *pk;
	tlsa_status st;

	if (tlsa_der_spki_known(der, len))
		return set_spki_copy(in, der, len);
	pk = d2i_X509_PUBKEY(NULL, &p, (long)len);
	if (pk == NULL || p != der + len || X509_PUBKEY_get0(pk) == NULL) {
		X509_PUBKEY_free(pk);
		return TLSA_ERR_KEY;
	}
	st = set_spki_from_x509_pubkey(in, pk);
	X509_PUBKEY_free(pk);
	return st;
}

/* PKCS#1 RSAPublicKey ("RSA PUBLIC KEY"). */
tlsa_status tlsa_key_rsa_public_der(tlsa_input *in, const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	EVP_PKEY *pkey;

	pkey = d2i_PublicKey(EVP_PKEY_RSA, NULL, &p, (long)len);
	if (pkey == NULL || p != der + len) {
		EVP_PKEY_free(pkey);
		return TLSA_ERR_KEY;
	}
	return set_spki_from_pkey(in, pkey);
}

tlsa_status tlsa_key_csr_der(tlsa_input *in, const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	X509_REQ *req;
	X509_PUBKEY *pk;
	tlsa_status st;

	req = d2i_X509_REQ(NULL, &p, (long)len);
	if (req == NULL || p != der + len) {
		X509_REQ_free(req);
		return TLSA_ERR_DER;
	}
	pk = X509_REQ_get_X509_PUBKEY(req);
	st = pk == NULL ? TLSA_ERR_KEY : set_spki_from_x509_pubkey(in, pk);
	X509_REQ_free(req);
	return st;
}
