/*
 * der.c against OpenSSL, on many generated inputs: the TLV reader takes
 * what ASN1_get_object() takes, times read as ASN1_TIME_to_tm() reads
 * them, and a public key taken as it is holds the bytes OpenSSL would
 * encode after decoding it.  Internal functions: linked from
 * libtlsa-all.la.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "der-internal.h"
#include "tap.h"

/* A small generator of our own: the same inputs on every system. */
static unsigned long seed = 12345;
static unsigned rnd(void)
{
	seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
	return (unsigned)(seed >> 33);
}

/* What the loader did with ASN1_get_object before der.c. */
static int openssl_tlv(const unsigned char **p, const unsigned char *end, int *tag, int *cls,
		       int *cons, struct span *content)
{
	const unsigned char *q = *p;
	long clen;
	int ret;

	ret = ASN1_get_object(&q, &clen, tag, cls, (long)(end - q));
	ERR_clear_error();
	if ((ret & 0x80) || ret == 0x21 || clen < 0 || clen > end - q)
		return -1;
	*cons = (ret & V_ASN1_CONSTRUCTED) != 0;
	content->p = q;
	content->len = (size_t)clen;
	*p = q + clen;
	return 0;
}

static void test_tlv(void)
{
	unsigned char buf[16];
	unsigned long i, diffs = 0, accepted = 0;

	for (i = 0; i < 300000; i++) {
		size_t n = 1 + rnd() % 12, k;
		const unsigned char *p1 = buf, *p2 = buf;
		int t1 = 0, c1 = 0, k1 = 0, t2 = 0, c2 = 0, k2 = 0, r1, r2;
		struct span s1, s2;

		/* Bytes that matter to a TLV header come often. */
		for (k = 0; k < n; k++) {
			unsigned r = rnd() % 8;

			buf[k] = r == 0	  ? 0x80
				 : r == 1 ? (unsigned char)(0x1f | (rnd() & 0xe0))
				 : r == 2 ? 0x00
				 : r == 3 ? (unsigned char)(0x81 + rnd() % 9)
				 : r == 4 ? 0xff
					  : (unsigned char)rnd();
		}
		r1 = openssl_tlv(&p1, buf + n, &t1, &c1, &k1, &s1);
		r2 = tlsa_der_tlv(&p2, buf + n, &t2, &c2, &k2, NULL, &s2);
		if (r1 != r2 || (r1 == 0 && (p1 != p2 || t1 != t2 || c1 != c2 || k1 != k2 ||
					     s1.p != s2.p || s1.len != s2.len)))
			diffs++;
		accepted += r2 == 0;
	}
	ok(diffs == 0 && accepted > 10000,
	   "the TLV reader takes exactly what ASN1_get_object takes, with the same tag, class "
	   "and length (300,000 headers, %lu read)",
	   accepted);
}

static void test_times(void)
{
	unsigned char der[64];
	unsigned long i, diffs = 0, read = 0;

	for (i = 0; i < 200000; i++) {
		int gen = rnd() & 1, off = gen ? 2 : 0, ok1, ok2;
		size_t n = gen ? 15 : 13, k;
		char s[20];
		struct span v;
		time_t nb, na, want = 0;
		struct tm tm;
		ASN1_STRING at;

		for (k = 0; k < n - 1; k++)
			s[k] = (char)('0' + rnd() % 10);
		if (rnd() % 4) { /* plausible dates, most of the time */
			s[off + 2] = (char)('0' + rnd() % 2);
			s[off + 4] = (char)('0' + rnd() % 4);
			s[off + 6] = (char)('0' + rnd() % 3);
			s[off + 8] = (char)('0' + rnd() % 6);
			s[off + 10] = (char)('0' + rnd() % 7);
		}
		s[n - 1] = rnd() % 50 ? 'Z' : '+';
		s[n] = '\0';
		der[0] = 0x30;
		der[1] = (unsigned char)(2 * (n + 2));
		der[2] = der[4 + n] = gen ? V_ASN1_GENERALIZEDTIME : V_ASN1_UTCTIME;
		der[3] = der[5 + n] = (unsigned char)n;
		memcpy(der + 4, s, n);
		memcpy(der + 6 + n, s, n);
		v.p = der;
		v.len = 2 * (n + 2) + 2;
		ok1 = tlsa_der_validity(&v, &nb, &na) == 0;
		memset(&at, 0, sizeof(at));
		at.type = gen ? V_ASN1_GENERALIZEDTIME : V_ASN1_UTCTIME;
		at.length = (int)n;
		at.data = (unsigned char *)s;
		ok2 = ASN1_TIME_to_tm(&at, &tm) == 1;
		ERR_clear_error();
		if (ok2)
			want = timegm(&tm);
		if (ok1 != ok2 || (ok1 && (na != want || nb != want)))
			diffs++;
		read += ok1;
	}
	ok(diffs == 0 && read > 10000,
	   "certificate times read as ASN1_TIME_to_tm reads them, and fail where it fails "
	   "(200,000 times, %lu read)",
	   read);
}

static void test_keys(void)
{
	static const char *const algs[] = {"RSA", "EC", "ED25519", "X25519", "ED448"};
	unsigned long i, both = 0, mismatch = 0;
	size_t a;

	for (a = 0; a < sizeof(algs) / sizeof(algs[0]); a++) {
		EVP_PKEY *k = a == 0   ? EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024)
			      : a == 1 ? EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256")
				       : EVP_PKEY_Q_keygen(NULL, NULL, algs[a]);
		unsigned char *der = NULL, buf[1024];
		int len = i2d_PUBKEY(k, &der);

		for (i = 0; i < 10000; i++) {
			size_t n = (size_t)len, m = 1 + rnd() % 3, j;
			const unsigned char *p = buf;
			X509_PUBKEY *pk;
			int decoded;

			memcpy(buf, der, n);
			for (j = 0; j < m; j++) {
				size_t pos =
				    rnd() % 24 < 20 ? rnd() % (n < 30 ? n : 30) : rnd() % n;

				buf[pos] = rnd() % 3
					       ? (unsigned char)rnd()
					       : (unsigned char)(buf[pos] ^ (1u << (rnd() % 8)));
			}
			if (rnd() % 10 == 0)
				n -= rnd() % 3;
			if (!tlsa_der_spki_known(buf, n))
				continue;
			pk = d2i_X509_PUBKEY(NULL, &p, (long)n);
			decoded = pk != NULL && p == buf + n && X509_PUBKEY_get0(pk) != NULL;
			if (decoded) {
				unsigned char *out = NULL;
				int olen = i2d_X509_PUBKEY(pk, &out);

				both++;
				if (olen != (int)n || memcmp(out, buf, n) != 0)
					mismatch++;
				OPENSSL_free(out);
			} else if (a != 1) {
				mismatch++; /* only an EC point may be off its curve */
			}
			X509_PUBKEY_free(pk);
			ERR_clear_error();
		}
		OPENSSL_free(der);
		EVP_PKEY_free(k);
	}
	ok(mismatch == 0 && both > 1000,
	   "a public key taken as it is holds the bytes OpenSSL encodes after decoding it, and "
	   "only an EC point off its curve is taken where OpenSSL refuses (%lu keys)",
	   both);
}

int main(void)
{
	test_tlv();
	test_times();
	test_keys();
	return done_testing();
}
