/*
 * The loader's own DER reading (der.c): public keys taken as they are
 * when canonical and decoded by OpenSSL otherwise, certificates walked
 * with the tags and lengths OpenSSL's reader accepts, and certificate
 * times read as ASN1_TIME_to_tm reads them.  Through the public API.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/pem.h>

#include <tlsa.h>

#include "certgen.h"
#include "tap.h"

/* Base64 PEM of der under label, malloc'd. */
static char *pem_of(const char *label, const unsigned char *der, size_t len)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *data, *s;
	long n;

	PEM_write_bio(b, label, "", der, (long)len);
	n = BIO_get_mem_data(b, &data);
	s = malloc((size_t)n + 1);
	memcpy(s, data, (size_t)n);
	s[n] = '\0';
	BIO_free(b);
	return s;
}

static int spki_is(const tlsa_input *in, const unsigned char *want, size_t wlen)
{
	const unsigned char *got;
	size_t glen = 0;

	got = in != NULL ? tlsa_input_spki(in, 0, &glen) : NULL;
	return got != NULL && glen == wlen && memcmp(got, want, wlen) == 0;
}

static tlsa_status load_text(const char *s, unsigned want, tlsa_input **in)
{
	return tlsa_input_load((const unsigned char *)s, strlen(s), want, NULL, in);
}

static void test_public_keys(void)
{
	unsigned char *der = NULL, *ber;
	tlsa_input *in;
	char *pem;
	size_t i;
	int len;

	for (i = 0; i < NKEYTYPES; i++) {
		EVP_PKEY *k = make_key(&keytypes[i]);

		der = NULL;
		len = i2d_PUBKEY(k, &der);
		pem = pem_of("PUBLIC KEY", der, (size_t)len);
		in = NULL;
		ok(load_text(pem, TLSA_KIND_PUBKEY, &in) == TLSA_OK &&
		       spki_is(in, der, (size_t)len),
		   "%s: a PEM public key's SPKI is its bytes, as OpenSSL encodes them",
		   keytypes[i].name);
		tlsa_input_free(in);
		free(pem);
		in = NULL;
		ok(tlsa_input_load(der, (size_t)len, TLSA_KIND_ANY, NULL, &in) == TLSA_OK &&
		       tlsa_input_kind(in) == TLSA_KIND_PUBKEY && spki_is(in, der, (size_t)len),
		   "%s: a DER public key's SPKI is its bytes", keytypes[i].name);
		tlsa_input_free(in);
		OPENSSL_free(der);
		EVP_PKEY_free(k);
	}

	{
		EVP_PKEY *k = make_key(&keytypes[1]);

		der = NULL;
		len = i2d_PUBKEY(k, &der);

		/* One byte short: the BIT STRING runs past the end. */
		pem = pem_of("PUBLIC KEY", der, (size_t)len - 1);
		in = NULL;
		ok(load_text(pem, TLSA_KIND_PUBKEY, &in) == TLSA_ERR_KEY &&
		       tlsa_error_line() == 1 &&
		       strcmp(tlsa_strerror(TLSA_ERR_KEY), "key cannot be decoded") == 0,
		   "a truncated SPKI in a PEM public key is refused: key cannot be decoded, at its "
		   "line");
		tlsa_input_free(in);
		free(pem);

		/* A byte after the SPKI. */
		ber = malloc((size_t)len + 1);
		memcpy(ber, der, (size_t)len);
		ber[len] = 0;
		pem = pem_of("PUBLIC KEY", ber, (size_t)len + 1);
		in = NULL;
		is_int(load_text(pem, TLSA_KIND_PUBKEY, &in), TLSA_ERR_KEY,
		       "an SPKI with a byte after it is refused");
		tlsa_input_free(in);
		free(pem);
		free(ber);

		/* A wrong inner tag: the algorithm is not a SEQUENCE. */
		ber = malloc((size_t)len);
		memcpy(ber, der, (size_t)len);
		ber[2] = 0x31;
		pem = pem_of("PUBLIC KEY", ber, (size_t)len);
		in = NULL;
		is_int(load_text(pem, TLSA_KIND_PUBKEY, &in), TLSA_ERR_KEY,
		       "an SPKI whose algorithm is a SET is refused");
		tlsa_input_free(in);
		free(pem);

		/* 30 59 30 13 06 07 2a8648ce3d0201: id-ecPublicKey's last byte to 0x7f. */
		memcpy(ber, der, (size_t)len);
		ber[12] = 0x7f;
		pem = pem_of("PUBLIC KEY", ber, (size_t)len);
		in = NULL;
		is_int(load_text(pem, TLSA_KIND_PUBKEY, &in), TLSA_ERR_KEY,
		       "an SPKI of an algorithm OpenSSL does not know is refused, as before");
		tlsa_input_free(in);
		free(pem);

		/* A point one byte short for P-256: OpenSSL decides, and refuses it. */
		memcpy(ber, der, (size_t)len);
		ber[1] = (unsigned char)(ber[1] - 1);
		ber[24] = (unsigned char)(ber[24] - 1);
		pem = pem_of("PUBLIC KEY", ber, (size_t)len - 1);
		in = NULL;
		is_int(load_text(pem, TLSA_KIND_PUBKEY, &in), TLSA_ERR_KEY,
		       "a P-256 key whose point is a byte short is refused, as before");
		tlsa_input_free(in);
		free(pem);
		free(ber);

		/* BER: the outer length in long form (30 81 59 for 30 59). */
		ber = malloc((size_t)len + 1);
		ber[0] = 0x30;
		ber[1] = 0x81;
		memcpy(ber + 2, der + 1, (size_t)len - 1);
		pem = pem_of("PUBLIC KEY", ber, (size_t)len + 1);
		in = NULL;
		ok(load_text(pem, TLSA_KIND_PUBKEY, &in) == TLSA_OK &&
		       spki_is(in, der, (size_t)len),
		   "an SPKI with a non-minimal length gives OpenSSL's DER encoding of it");
		tlsa_input_free(in);
		free(pem);
		free(ber);
		OPENSSL_free(der);
		EVP_PKEY_free(k);
	}
}

static void test_walk(void)
{
	EVP_PKEY *k = make_key(&keytypes[1]);
	X509 *x = make_cert(k, "walk.example", NULL, NULL, 0, 0, 30);
	unsigned char *der, *buf;
	size_t len;
	tlsa_input *in;

	der = cert_der(x, &len);
	/* 30 82 LL LL: the same length with a leading zero byte, 30 83 00 LL LL. */
	buf = malloc(len + 1);
	buf[0] = 0x30;
	buf[1] = 0x83;
	buf[2] = 0x00;
	memcpy(buf + 3, der + 2, len - 2);
	in = NULL;
	ok(der[1] == 0x82 && tlsa_input_load(buf, len + 1, TLSA_KIND_CERT, NULL, &in) == TLSA_OK &&
	       tlsa_input_count(in) == 1,
	   "a certificate whose length has a leading zero byte loads, as OpenSSL reads it");
	tlsa_input_free(in);

	buf[1] = 0x80; /* indefinite length */
	in = NULL;
	is_int(tlsa_input_load(buf, len + 1, TLSA_KIND_CERT, NULL, &in), TLSA_ERR_DER,
	       "a certificate with an indefinite length is not DER");
	tlsa_input_free(in);
	free(buf);

	in = NULL;
	is_int(tlsa_input_load(der, len - 1, TLSA_KIND_CERT, NULL, &in), TLSA_ERR_DER,
	       "a certificate one byte short is truncated DER");
	tlsa_input_free(in);

	OPENSSL_free(der);
	X509_free(x);
	EVP_PKEY_free(k);
}

/* The time ASN1_TIME_to_tm gives for text (UTCTime or GeneralizedTime by length). */
static time_t openssl_time(const char *text)
{
	ASN1_TIME *t = ASN1_TIME_new();
	struct tm tm;

	ASN1_TIME_set_string(t, text);
	ASN1_TIME_to_tm(t, &tm);
	ASN1_TIME_free(t);
	return timegm(&tm);
}

static void test_times(void)
{
	static const char *const times[] = {
	    "491231235959Z",   /* UTCTime: 2049 */
	    "500101000000Z",   /* UTCTime: 1950 */
	    "240229120000Z",   /* a leap day, read by OpenSSL */
	    "20500101000000Z", /* GeneralizedTime from 2050 */
	    "20600229235959Z", /* a leap day in GeneralizedTime */
	    "21001231000000Z", "19991231235959Z",
	};
	EVP_PKEY *k = make_key(&keytypes[1]);
	size_t i, len;

	for (i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		X509 *x = make_cert(k, "time.example", NULL, NULL, 0, 0, 30);
		unsigned char *der;
		tlsa_input *in = NULL;
		tlsa_cert_info info = TLSA_CERT_INFO_INIT;
		time_t nb = 0, na = 0;

		ASN1_TIME_set_string(X509_getm_notAfter(x), times[i]);
		ASN1_TIME_set_string(X509_getm_notBefore(x), times[i]);
		X509_sign(x, k, EVP_sha256());
		der = cert_der(x, &len);
		ok(tlsa_input_load(der, len, TLSA_KIND_CERT, NULL, &in) == TLSA_OK &&
		       tlsa_input_validity(in, 0, &nb, &na) == TLSA_OK &&
		       na == openssl_time(times[i]) && nb == na,
		   "a certificate's time %s reads as OpenSSL reads it", times[i]);
		ok(tlsa_cert_info_get(der, len, &info) == TLSA_OK &&
		       info.not_after == openssl_time(times[i]),
		   "tlsa_cert_info_get reads %s the same", times[i]);
		tlsa_cert_info_clear(&info);
		tlsa_input_free(in);
		OPENSSL_free(der);
		X509_free(x);
	}
	EVP_PKEY_free(k);
}

int main(void)
{
	test_public_keys();
	test_walk();
	test_times();
	return done_testing();
}
