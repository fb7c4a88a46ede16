/*
 * Unit tests of libtlsa/load.c: what a file holds, PEM and DER, chains in
 * any order, keys and CSRs, and the exact error for each broken input.
 * The central promise: the SubjectPublicKeyInfo found by walking the DER
 * is byte for byte what a full OpenSSL decode re-encodes.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/pem.h>

#include <tlsa.h>

#include "certgen.h"
#include "tap.h"

static tlsa_status load_bio(BIO *b, unsigned want, const char *pass, tlsa_input **in)
{
	char *data;
	long len = BIO_get_mem_data(b, &data);

	return tlsa_input_load((const unsigned char *)data, (size_t)len, want, pass, in);
}

static tlsa_status load_str(const char *s, unsigned want, tlsa_input **in)
{
	return tlsa_input_load((const unsigned char *)s, strlen(s), want, NULL, in);
}

/* The walk's SPKI equals i2d_X509_PUBKEY of the decoded certificate. */
static void test_spki_every_key_type(void)
{
	size_t i;

	for (i = 0; i < NKEYTYPES; i++) {
		EVP_PKEY *k = make_key(&keytypes[i]);
		X509 *x = k ? make_cert(k, "leaf.example", NULL, NULL, 0, 0, 365) : NULL;
		unsigned char *der = NULL, *want = NULL;
		const unsigned char *spki, *p;
		size_t len = 0, slen = 0;
		int wlen;
		tlsa_input *in = NULL;
		X509 *decoded;

		if (x == NULL) {
			ok(0, "%s: a test certificate could be made", keytypes[i].name);
			EVP_PKEY_free(k);
			continue;
		}
		der = cert_der(x, &len);
		ok(tlsa_input_load(der, len, TLSA_KIND_CERT, NULL, &in) == TLSA_OK,
		   "%s: a DER certificate loads", keytypes[i].name);
		p = der;
		decoded = d2i_X509(NULL, &p, (long)len);
		wlen = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(decoded), &want);
		spki = in ? tlsa_input_spki(in, 0, &slen) : NULL;
		ok(spki != NULL && wlen > 0 && slen == (size_t)wlen &&
		       memcmp(spki, want, slen) == 0,
		   "%s: the walked SPKI equals i2d_X509_PUBKEY of the full decode",
		   keytypes[i].name);
		{
			const unsigned char *c;
			size_t clen = 0;

			c = in ? tlsa_input_cert(in, 0, &clen) : NULL;
			ok(c != NULL && clen == len && memcmp(c, der, len) == 0,
			   "%s: the certificate DER is kept exactly", keytypes[i].name);
		}
		tlsa_input_free(in);
		OPENSSL_free(want);
		OPENSSL_free(der);
		X509_free(decoded);
		X509_free(x);
		EVP_PKEY_free(k);
	}
}

/* Leaf, intermediate and root written in every order give the same chain. */
static void test_chain_order(void)
{
	struct keytype ec = {"EC P-256", "EC", "P-256", 0};
	EVP_PKEY *rk = make_key(&ec), *ik = make_key(&ec), *lk = make_key(&ec);
	X509 *root = make_cert(rk, "Root", NULL, NULL, 1, 0, 3650);
	X509 *inter = make_cert(ik, "Intermediate", root, rk, 1, 0, 3650);
	X509 *leaf = make_cert(lk, "leaf.example", inter, ik, 0, 0, 90);
	X509 *order[6][3] = {
	    {leaf, inter, root}, {root, inter, leaf}, {inter, leaf, root},
	    {root, leaf, inter}, {leaf, root, inter}, {inter, root, leaf},
	};
	unsigned char *lder, *ider;
	size_t llen, ilen, i;

	lder = cert_der(leaf, &llen);
	ider = cert_der(inter, &ilen);
	for (i = 0; i < 6; i++) {
		BIO *b = BIO_new(BIO_s_mem());
		tlsa_input *in = NULL;
		const unsigned char *c0, *c1;
		size_t l0 = 0, l1 = 0;

		BIO_puts(b, "subject=whatever openssl prints before a block\n");
		cert_pem(b, order[i][0]);
		BIO_puts(b, "\nsome text between blocks\n");
		cert_pem(b, order[i][1]);
		cert_pem(b, order[i][2]);
		ok(load_bio(b, TLSA_KIND_CERT, NULL, &in) == TLSA_OK && tlsa_input_count(in) == 3,
		   "order %zu: three certificates with text around them load", i);
		c0 = in ? tlsa_input_cert(in, 0, &l0) : NULL;
		c1 = in ? tlsa_input_cert(in, 1, &l1) : NULL;
		ok(c0 && l0 == llen && memcmp(c0, lder, llen) == 0 && c1 && l1 == ilen &&
		       memcmp(c1, ider, ilen) == 0,
		   "order %zu: depth 0 is the leaf and depth 1 its issuer, whatever the file order",
		   i);
		ok(in && !(tlsa_input_chain_flags(in) & TLSA_CHAIN_BROKEN),
		   "order %zu: a complete chain is not reported broken", i);
		ok(in && (i == 0) == !(tlsa_input_chain_flags(in) & TLSA_CHAIN_REORDERED),
		   "order %zu: reordering is reported only when the file was not leaf first", i);
		tlsa_input_free(in);
		BIO_free(b);
	}
	{
		/* Two unrelated self-signed certificates do not chain. */
		X509 *other = make_cert(lk, "other.example", NULL, NULL, 0, 0, 90);
		BIO *b = BIO_new(BIO_s_mem());
		tlsa_input *in = NULL;

		cert_pem(b, leaf);
		cert_pem(b, other);
		ok(load_bio(b, TLSA_KIND_CERT, NULL, &in) == TLSA_OK &&
		       (tlsa_input_chain_flags(in) & TLSA_CHAIN_BROKEN),
		   "certificates that do not chain are reported broken");
		tlsa_input_free(in);
		BIO_free(b);
		X509_free(other);
	}
	{
		tlsa_input *in = NULL;
		const unsigned char *ders[3];
		size_t lens[3];
		unsigned char *rder;
		size_t rlen;
		const unsigned char *c0;
		size_t l0 = 0;

		rder = cert_der(root, &rlen);
		ders[0] = rder, lens[0] = rlen;
		ders[1] = lder, lens[1] = llen;
		ders[2] = ider, lens[2] = ilen;
		ok(tlsa_input_from_chain(ders, lens, 3, &in) == TLSA_OK,
		   "a chain from memory loads");
		c0 = in ? tlsa_input_cert(in, 0, &l0) : NULL;
		ok(c0 && l0 == llen && memcmp(c0, lder, llen) == 0,
		   "a chain from memory is ordered by links too");
		tlsa_input_free(in);
		OPENSSL_free(rder);
	}
	{
		tlsa_input *in = NULL;
		time_t nb = 0, na = 0, now = time(NULL);
		BIO *b = BIO_new(BIO_s_mem());

		cert_pem(b, leaf);
		cert_pem(b, inter);
		ok(load_bio(b, TLSA_KIND_CERT, NULL, &in) == TLSA_OK, "leaf and issuer load");
		ok(in && tlsa_input_validity(in, 0, &nb, &na) == TLSA_OK && nb <= now + 5 &&
		       na > now + 89 * 86400 && na < now + 91 * 86400,
		   "validity is read from the walk (a 90-day leaf expires in 90 days)");
		ok(in && !tlsa_input_is_ca(in, 0) && tlsa_input_is_ca(in, 1),
		   "basicConstraints tells the leaf from the CA");
		tlsa_input_free(in);
		BIO_free(b);
	}
	OPENSSL_free(lder);
	OPENSSL_free(ider);
	X509_free(root);
	X509_free(inter);
	X509_free(leaf);
	EVP_PKEY_free(rk);
	EVP_PKEY_free(ik);
	EVP_PKEY_free(lk);
}

static int spki_equals_key(const tlsa_input *in, EVP_PKEY *k)
{
	unsigned char *want = NULL;
	const unsigned char *got;
	size_t glen = 0;
	int wlen = i2d_PUBKEY(k, &want), eq;

	got = in ? tlsa_input_spki(in, 0, &glen) : NULL;
	eq = got != NULL && wlen > 0 && glen == (size_t)wlen && memcmp(got, want, glen) == 0;
	OPENSSL_free(want);
	return eq;
}

static void test_keys(void)
{
	struct keytype ec = {"EC P-384", "EC", "P-384", 0};
	EVP_PKEY *k = make_key(&ec);
	BIO *b;
	tlsa_input *in = NULL;
	unsigned char *der = NULL;
	int len;

	b = BIO_new(BIO_s_mem());
	PEM_write_bio_PUBKEY(b, k);
	ok(load_bio(b, TLSA_KIND_PUBKEY, NULL, &in) == TLSA_OK &&
	       tlsa_input_kind(in) == TLSA_KIND_PUBKEY && spki_equals_key(in, k),
	   "a PEM public key gives its SubjectPublicKeyInfo");
	tlsa_input_free(in);
	BIO_free(b);

	len = i2d_PUBKEY(k, &der);
	in = NULL;
	ok(tlsa_input_load(der, (size_t)len, TLSA_KIND_PUBKEY, NULL, &in) == TLSA_OK &&
	       spki_equals_key(in, k),
	   "a DER public key gives its SubjectPublicKeyInfo");
	tlsa_input_free(in);
	OPENSSL_free(der);

	b = BIO_new(BIO_s_mem());
	PEM_write_bio_PrivateKey(b, k, NULL, NULL, 0, NULL, NULL);
	in = NULL;
	ok(load_bio(b, TLSA_KIND_PRIVKEY, NULL, &in) == TLSA_OK &&
	       tlsa_input_kind(in) == TLSA_KIND_PRIVKEY && spki_equals_key(in, k),
	   "a PKCS#8 PEM private key gives the SPKI of its public half");
	tlsa_input_free(in);
	in = NULL;
	ok(load_bio(b, TLSA_KIND_CERT, NULL, &in) == TLSA_ERR_WRONG_KIND &&
	       strcmp(tlsa_error_detail(), tlsa_kind_name(TLSA_KIND_PRIVKEY)) == 0,
	   "a private key where a certificate is wanted says it holds a private key");
	BIO_free(b);

	b = BIO_new(BIO_s_mem());
	PEM_write_bio_PKCS8PrivateKey(b, k, EVP_aes_256_cbc(), NULL, 0, NULL, (void *)"s3cret");
	in = NULL;
	ok(load_bio(b, TLSA_KIND_PRIVKEY, "s3cret", &in) == TLSA_OK && spki_equals_key(in, k),
	   "an encrypted PKCS#8 key opens with its passphrase");
	tlsa_input_free(in);
	in = NULL;
	ok(load_bio(b, TLSA_KIND_PRIVKEY, "wrong", &in) == TLSA_ERR_PASSPHRASE,
	   "a wrong passphrase is reported as such");
	in = NULL;
	ok(load_bio(b, TLSA_KIND_PRIVKEY, NULL, &in) == TLSA_ERR_PASSPHRASE,
	   "a missing passphrase is reported as such");
	BIO_free(b);

	{
		X509_REQ *req = X509_REQ_new();
		X509_NAME *n = X509_REQ_get_subject_name(req);

		X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
					   (const unsigned char *)"csr.example", -1, -1, 0);
		X509_REQ_set_pubkey(req, k);
		X509_REQ_sign(req, k, EVP_sha256());
		b = BIO_new(BIO_s_mem());
		PEM_write_bio_X509_REQ(b, req);
		in = NULL;
		ok(load_bio(b, TLSA_KIND_CSR, NULL, &in) == TLSA_OK &&
		       tlsa_input_kind(in) == TLSA_KIND_CSR && spki_equals_key(in, k),
		   "a PEM CSR gives the SPKI of the key it requests a certificate for");
		tlsa_input_free(in);
		BIO_free(b);
		der = NULL;
		len = i2d_X509_REQ(req, &der);
		in = NULL;
		ok(tlsa_input_load(der, (size_t)len, TLSA_KIND_CSR, NULL, &in) == TLSA_OK &&
		       spki_equals_key(in, k),
		   "a DER CSR is recognised and gives the same SPKI");
		tlsa_input_free(in);
		in = NULL;
		ok(tlsa_input_load(der, (size_t)len, TLSA_KIND_CERT, NULL, &in) ==
			   TLSA_ERR_WRONG_KIND &&
		       strcmp(tlsa_error_detail(), tlsa_kind_name(TLSA_KIND_CSR)) == 0,
		   "a DER CSR where a certificate is wanted says it holds a CSR");
		OPENSSL_free(der);
		X509_REQ_free(req);
	}
	EVP_PKEY_free(k);
}

/* A PKCS#1 "RSA PUBLIC KEY" PEM block of the key's DER with extra bytes after it. */
static tlsa_status load_rsa_public(EVP_PKEY *k, size_t extra, tlsa_input **in)
{
	unsigned char *der = NULL, *buf, b64[2048];
	char pem[2200];
	int len = i2d_PublicKey(k, &der);
	tlsa_status st;

	buf = malloc((size_t)len + extra);
	memcpy(buf, der, (size_t)len);
	memset(buf + len, 0, extra);
	EVP_EncodeBlock(b64, buf, len + (int)extra);
	snprintf(pem, sizeof(pem),
		 "-----BEGIN RSA PUBLIC KEY-----\n%s\n-----END RSA PUBLIC KEY-----\n",
		 (const char *)b64);
	st = load_str(pem, TLSA_KIND_PUBKEY, in);
	free(buf);
	OPENSSL_free(der);
	return st;
}

static void test_rsa_public(void)
{
	EVP_PKEY *k = make_key(&keytypes[0]);
	tlsa_input *in = NULL;

	ok(load_rsa_public(k, 0, &in) == TLSA_OK && spki_equals_key(in, k),
	   "a PKCS#1 RSA PUBLIC KEY gives the SPKI of that key");
	tlsa_input_free(in);
	in = NULL;
	ok(load_rsa_public(k, 1, &in) == TLSA_ERR_KEY && in == NULL,
	   "a PKCS#1 RSA PUBLIC KEY with bytes after its DER is refused, as other keys are");
	tlsa_input_free(in);
	EVP_PKEY_free(k);
}

/* Load der (as OpenSSL wrote it into b) and say what it was found to be. */
static tlsa_status load_der_bio(BIO *b, unsigned want, const char *pass, tlsa_input **in)
{
	*in = NULL;
	return load_bio(b, want, pass, in);
}

/*
 * DER keys of every form reach the one decoder their shape calls for:
 * PKCS#8, traditional and encrypted private keys, and structures that
 * only look like a key, CSR or SPKI from the outside.
 */
static void test_der_keys(void)
{
	/* SEQUENCE { SEQUENCE { OID 1.2.3 }, BIT STRING 00 01 }: an SPKI's
	 * shape, but no key; SEQUENCE { SEQUENCE {}, BOOLEAN }: nothing. */
	static const unsigned char fake_spki[] = {0x30, 0x0b, 0x30, 0x04, 0x06, 0x02,
						  0x2a, 0x03, 0x03, 0x02, 0x00, 0x01};
	static const unsigned char no_shape[] = {0x30, 0x05, 0x30, 0x00, 0x01, 0x01, 0xff};
	static const unsigned char int_only[] = {0x30, 0x03, 0x02, 0x01, 0x00};
	size_t i;
	tlsa_input *in = NULL;

	for (i = 0; i < NKEYTYPES; i++) {
		const char *name = keytypes[i].name;
		EVP_PKEY *k = make_key(&keytypes[i]);
		BIO *b;

		b = BIO_new(BIO_s_mem());
		i2d_PKCS8PrivateKey_bio(b, k, NULL, NULL, 0, NULL, NULL);
		ok(load_der_bio(b, TLSA_KIND_ANY, NULL, &in) == TLSA_OK &&
		       tlsa_input_kind(in) == TLSA_KIND_PRIVKEY && spki_equals_key(in, k),
		   "%s: a PKCS#8 DER private key gives the SPKI of its public half", name);
		tlsa_input_free(in);
		ok(load_der_bio(b, TLSA_KIND_PUBKEY, NULL, &in) == TLSA_ERR_WRONG_KIND &&
		       strcmp(tlsa_error_detail(), tlsa_kind_name(TLSA_KIND_PRIVKEY)) == 0,
		   "%s: a DER private key where a public key is wanted says what it holds", name);
		BIO_free(b);

		b = BIO_new(BIO_s_mem());
		i2d_PrivateKey_bio(b, k);
		ok(load_der_bio(b, TLSA_KIND_PRIVKEY, NULL, &in) == TLSA_OK &&
		       spki_equals_key(in, k),
		   "%s: a DER private key in OpenSSL's default form loads", name);
		tlsa_input_free(in);
		BIO_free(b);

		b = BIO_new(BIO_s_mem());
		i2d_PKCS8PrivateKey_bio(b, k, EVP_aes_128_cbc(), NULL, 0, NULL, (void *)"s3cret");
		ok(load_der_bio(b, TLSA_KIND_PRIVKEY, "s3cret", &in) == TLSA_OK &&
		       spki_equals_key(in, k),
		   "%s: an encrypted PKCS#8 DER key opens with its passphrase", name);
		tlsa_input_free(in);
		ok(load_der_bio(b, TLSA_KIND_PRIVKEY, NULL, &in) == TLSA_ERR_PASSPHRASE,
		   "%s: an encrypted DER key without a passphrase asks for one", name);
		ok(load_der_bio(b, TLSA_KIND_CERT, NULL, &in) == TLSA_ERR_WRONG_KIND &&
		       strcmp(tlsa_error_detail(), tlsa_kind_name(TLSA_KIND_PRIVKEY)) == 0,
		   "%s: an encrypted DER key where a certificate is wanted is named a private key",
		   name);
		BIO_free(b);
		EVP_PKEY_free(k);
	}
	ok(tlsa_input_load(fake_spki, sizeof(fake_spki), TLSA_KIND_ANY, NULL, &in) == TLSA_ERR_DER,
	   "an SPKI-shaped structure with no real key in it is not DER we know");
	ok(tlsa_input_load(no_shape, sizeof(no_shape), TLSA_KIND_ANY, NULL, &in) == TLSA_ERR_DER,
	   "a SEQUENCE of no known shape is not DER we know");
	ok(tlsa_input_load(int_only, sizeof(int_only), TLSA_KIND_ANY, NULL, &in) == TLSA_ERR_DER,
	   "a private-key-shaped SEQUENCE that is no key is not DER we know");
}

static void test_broken(void)
{
	static const char bad_b64[] = "-----BEGIN CERTIFICATE-----\n"
				      "MIIBszCCAVmgAwIBAgIUQ\n"
				      "!!!notbase64***\n"
				      "-----END CERTIFICATE-----\n";
	static const char truncated[] = "text\n-----BEGIN CERTIFICATE-----\n"
					"MIIBszCCAVmgAwIBAgIUQ\n";
	static const char nothing[] = "-----BEGIN X509 CRL-----\nMIIB\n-----END X509 CRL-----\n";
	unsigned char junk[64], der[] = {0x30, 0x82, 0x04, 0x00, 0x30, 0x01};
	tlsa_input *in = NULL;
	size_t i;

	is_int(load_str("", TLSA_KIND_ANY, &in), TLSA_ERR_EMPTY, "an empty file is called empty");
	is_int(load_str(" \n\r\n", TLSA_KIND_ANY, &in), TLSA_ERR_EMPTY,
	       "a file of white space is called empty");
	is_int(load_str(bad_b64, TLSA_KIND_CERT, &in), TLSA_ERR_PEM_BASE64,
	       "bad base64 is reported as such");
	is_int(tlsa_error_line(), 3, "bad base64 is reported at its line");
	is_int(load_str(truncated, TLSA_KIND_CERT, &in), TLSA_ERR_PEM_TRUNCATED,
	       "a BEGIN without an END is reported as truncated PEM");
	is_int(tlsa_error_line(), 2, "truncated PEM is reported at the BEGIN line");
	is_int(load_str(nothing, TLSA_KIND_CERT, &in), TLSA_ERR_PEM_NONE,
	       "PEM with no certificate, key or CSR says so");
	is_int(tlsa_input_load(der, sizeof(der), TLSA_KIND_CERT, NULL, &in), TLSA_ERR_DER,
	       "truncated DER is reported as such");
	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (unsigned char)(i * 37 + 11);
	is_int(tlsa_input_load(junk, sizeof(junk), TLSA_KIND_ANY, NULL, &in), TLSA_ERR_UNRECOGNISED,
	       "junk bytes are not recognised");
	{
		/* CRLF line ends and a truncated certificate body inside valid PEM. */
		struct keytype ec = {"EC P-256", "EC", "P-256", 0};
		EVP_PKEY *k = make_key(&ec);
		X509 *x = make_cert(k, "crlf.example", NULL, NULL, 0, 0, 30);
		BIO *b = BIO_new(BIO_s_mem());
		char *pem, *crlf, *p;
		long len;
		size_t j = 0;

		cert_pem(b, x);
		len = BIO_get_mem_data(b, &pem);
		crlf = malloc((size_t)len * 2 + 1);
		for (p = pem; p < pem + len; p++) {
			if (*p == '\n')
				crlf[j++] = '\r';
			crlf[j++] = *p;
		}
		crlf[j] = '\0';
		in = NULL;
		ok(load_str(crlf, TLSA_KIND_CERT, &in) == TLSA_OK && tlsa_input_count(in) == 1,
		   "a PEM file with CRLF line ends loads");
		tlsa_input_free(in);
		{
			unsigned char *d;
			size_t dlen;

			d = cert_der(x, &dlen);
			in = NULL;
			is_int(tlsa_input_load(d, dlen - 10, TLSA_KIND_CERT, NULL, &in),
			       TLSA_ERR_DER, "a DER certificate cut short is refused");
			OPENSSL_free(d);
		}
		free(crlf);
		BIO_free(b);
		X509_free(x);
		EVP_PKEY_free(k);
	}
}

/* The names and dates a report shows equal those of a full OpenSSL decode. */
static void test_cert_info(void)
{
	EVP_PKEY *rk = make_key(&keytypes[0]), *lk = make_key(&keytypes[1]);
	X509 *root = make_cert(rk, "Root", NULL, NULL, 1, 0, 3650);
	X509 *leaf = make_cert(lk, "leaf.example", root, rk, 0, -2, 90);
	X509 *certs[2];
	tlsa_cert_info info = TLSA_CERT_INFO_INIT;
	unsigned char *der;
	size_t len, i;
	char want[256];
	BIO *b;
	struct tm tm;

	certs[0] = leaf;
	certs[1] = root;
	for (i = 0; i < 2; i++) {
		der = cert_der(certs[i], &len);
		ok(tlsa_cert_info_get(der, len, &info) == TLSA_OK, "cert info: %s is read",
		   i == 0 ? "a leaf" : "a CA");
		b = BIO_new(BIO_s_mem());
		X509_NAME_print_ex(b, X509_get_subject_name(certs[i]), 0, XN_FLAG_RFC2253);
		BIO_write(b, "", 1);
		BIO_read(b, want, sizeof(want));
		BIO_free(b);
		is_str(info.subject != NULL ? info.subject : "", want,
		       "cert info: the subject is X509_NAME_print_ex's RFC 2253 form");
		b = BIO_new(BIO_s_mem());
		X509_NAME_print_ex(b, X509_get_issuer_name(certs[i]), 0, XN_FLAG_RFC2253);
		BIO_write(b, "", 1);
		BIO_read(b, want, sizeof(want));
		BIO_free(b);
		is_str(info.issuer != NULL ? info.issuer : "", want, "cert info: the issuer too");
		ASN1_TIME_to_tm(X509_get0_notAfter(certs[i]), &tm);
		ok(info.not_after == timegm(&tm), "cert info: notAfter is the certificate's");
		ASN1_TIME_to_tm(X509_get0_notBefore(certs[i]), &tm);
		ok(info.not_before == timegm(&tm), "cert info: notBefore is the certificate's");
		is_int(info.is_ca, i == 1, "cert info: is_ca says whether basicConstraints has cA");
		tlsa_cert_info_clear(&info);
		is_int(tlsa_cert_info_get(der, len - 1, &info), TLSA_ERR_DER,
		       "cert info: a truncated certificate is refused");
		OPENSSL_free(der);
	}
	X509_free(leaf);
	X509_free(root);
	EVP_PKEY_free(rk);
	EVP_PKEY_free(lk);
}

int main(void)
{
	test_spki_every_key_type();
	test_chain_order();
	test_keys();
	test_rsa_public();
	test_der_keys();
	test_broken();
	test_cert_info();
	return done_testing();
}
