/*
 * Unit tests of libtlsa/compute.c: every selector and matching type, for
 * every key type, against digests of OpenSSL's own full decode.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include <tlsa.h>

#include "certgen.h"
#include "tap.h"

static int data_is(const tlsa_record *r, const unsigned char *bytes, size_t len, int mtype)
{
	unsigned char d[64];
	size_t n = len;

	if (r == NULL)
		return 0;
	if (mtype == 1) {
		SHA256(bytes, len, d);
		n = 32;
		bytes = d;
	} else if (mtype == 2) {
		SHA512(bytes, len, d);
		n = 64;
		bytes = d;
	}
	return r->len == n && memcmp(r->data, bytes, n) == 0;
}

static void test_all_pairs(void)
{
	size_t i;
	int sel, mt;

	for (i = 0; i < NKEYTYPES; i++) {
		EVP_PKEY *k = make_key(&keytypes[i]);
		X509 *x = make_cert(k, "leaf.example", NULL, NULL, 0, 0, 365);
		unsigned char *der, *spki = NULL;
		size_t len;
		int slen;
		tlsa_input *in = NULL;

		der = cert_der(x, &len);
		slen = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x), &spki);
		tlsa_input_load(der, len, TLSA_KIND_CERT, NULL, &in);
		for (sel = 0; sel <= 1; sel++)
			for (mt = 0; mt <= 2; mt++) {
				tlsa_record *r = NULL;

				ok(in &&
				       tlsa_record_compute(in, 0, 3, (uint8_t)sel, (uint8_t)mt,
							   &r) == TLSA_OK &&
				       (sel == 0 ? data_is(r, der, len, mt)
						 : data_is(r, spki, (size_t)slen, mt)) &&
				       r->usage == 3 && r->selector == sel && r->mtype == mt,
				   "%s: 3 %d %d data is the %s of the %s", keytypes[i].name, sel,
				   mt,
				   mt == 0   ? "bytes"
				   : mt == 1 ? "SHA-256"
					     : "SHA-512",
				   sel == 0 ? "certificate" : "SubjectPublicKeyInfo");
				tlsa_record_free(r);
			}
		tlsa_input_free(in);
		OPENSSL_free(der);
		OPENSSL_free(spki);
		X509_free(x);
		EVP_PKEY_free(k);
	}
}

static void test_errors(void)
{
	struct keytype ec = {"EC P-256", "EC", "P-256", 0};
	EVP_PKEY *k = make_key(&ec);
	unsigned char *der = NULL;
	int len = i2d_PUBKEY(k, &der);
	tlsa_input *in = NULL;
	tlsa_record *r = NULL;

	tlsa_input_load(der, (size_t)len, TLSA_KIND_PUBKEY, NULL, &in);
	is_int(tlsa_record_compute(in, 0, 3, 0, 1, &r), TLSA_ERR_SELECTOR_NEEDS_CERT,
	       "selector 0 of a bare key is refused: there is no certificate");
	is_int(tlsa_record_compute(in, 1, 3, 1, 1, &r), TLSA_ERR_DEPTH,
	       "a key has nothing at depth 1");
	is_int(tlsa_record_compute(in, 0, 3, 1, 7, &r), TLSA_ERR_MTYPE,
	       "an unknown matching type cannot be computed");
	is_int(tlsa_record_compute(in, 0, 3, 5, 1, &r), TLSA_ERR_SELECTOR,
	       "an unknown selector cannot be computed");
	ok(tlsa_record_compute(in, 0, 3, 1, 1, &r) == TLSA_OK && r->len == 32,
	   "a bare key gives a 3 1 1 record");
	tlsa_record_free(r);
	is_int(tlsa_default_depth(2), 1, "DANE-TA refers to the issuer by default");
	is_int(tlsa_default_depth(0), 1, "PKIX-TA refers to the issuer by default");
	is_int(tlsa_default_depth(3), 0, "DANE-EE refers to the leaf by default");
	tlsa_input_free(in);
	OPENSSL_free(der);
	EVP_PKEY_free(k);
}

int main(void)
{
	test_all_pairs();
	test_errors();
	return done_testing();
}
