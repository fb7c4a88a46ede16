/*
 * DER: reading one TLV at a time, and the few structures the loader
 * needs to find its way: the parts of a Certificate, the shape of a key
 * or CSR, a public key OpenSSL need not decode, ASN.1 times, and the cA flag
 * of basicConstraints.
 *
 * Owns: the TLV reader (written here, not OpenSSL's ASN1_get_object: a
 * certificate takes some fifteen TLVs, and OpenSSL's call costs four times
 * the rest of the walk), and the rules above.  Does not own: what a file
 * holds (load.c), the input object (input.c), decoding keys (key.c).
 */
#include "config.h"

#include <limits.h>
#include <string.h>

#include <openssl/asn1.h>

#include "der-internal.h"

/*
 * Accepts exactly what ASN1_get_object() accepts, with the same tags and
 * lengths, so that swapping one for the other changes no input's fate:
 * high tag numbers, long-form lengths with leading zeros, but never an
 * indefinite length (not DER) or a length beyond end.  OpenSSL's quirks
 * are kept too: a tag must be followed by a length byte, and a long-form
 * length must be followed by at least one byte of the buffer.
 */
int tlsa_der_tlv(const unsigned char **pp, const unsigned char *end, int *tag, int *cls, int *cons,
		 struct span *whole, struct span *content)
{
	const unsigned char *p = *pp;
	size_t max, clen;
	unsigned long t;
	unsigned i;

	if (p >= end)
		return -1;
	max = (size_t)(end - p);
	*cons = (*p & V_ASN1_CONSTRUCTED) != 0;
	*cls = *p & V_ASN1_PRIVATE;
	if ((*p & V_ASN1_PRIMITIVE_TAG) == V_ASN1_PRIMITIVE_TAG) {
		p++;
		if (--max == 0)
			return -1;
		t = 0;
		while (*p & 0x80) {
			t = (t << 7) | (*p++ & 0x7f);
			if (--max == 0 || t > (0x7fffffffUL >> 7))
				return -1;
		}
		t = (t << 7) | (*p++ & 0x7f);
		if (--max == 0)
			return -1;
		*tag = (int)t;
	} else {
		*tag = *p++ & V_ASN1_PRIMITIVE_TAG;
		if (--max == 0)
			return -1;
	}
	/* The length: max bytes remain, at least one. */
	if (*p == 0x80)
		return -1; /* indefinite */
	i = *p & 0x7f;
	if (*p++ & 0x80) {
		max--;
		if (max < (size_t)i + 1)
			return -1;
		while (i > 0 && *p == 0) {
			p++;
			i--;
		}
		if (i > sizeof(long))
			return -1;
		clen = 0;
		while (i > 0) {
			clen = (clen << 8) | *p++;
			i--;
		}
		if (clen > (size_t)LONG_MAX)
			return -1;
	} else {
		clen = i;
	}
	if (clen > (size_t)(end - p))
		return -1;
	if (content != NULL) {
		content->p = p;
		content->len = clen;
	}
	if (whole != NULL) {
		whole->p = *pp;
		whole->len = (size_t)(p + clen - *pp);
	}
	*pp = p + clen;
	return 0;
}

int tlsa_der_seq(const unsigned char **p, const unsigned char *end, struct span *whole,
		 struct span *content)
{
	int tag, cls, cons;

	if (tlsa_der_tlv(p, end, &tag, &cls, &cons, whole, content) != 0)
		return -1;
	return (cls == V_ASN1_UNIVERSAL && tag == V_ASN1_SEQUENCE && cons) ? 0 : -1;
}

/*
 * SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }, where
 * tbsCertificate is SEQUENCE { [0] version OPTIONAL, serialNumber,
 * signature, issuer, validity, subject, subjectPublicKeyInfo,
 * [1] issuerUID OPTIONAL, [2] subjectUID OPTIONAL, [3] extensions OPTIONAL }.
 */
int tlsa_der_cert_walk(const unsigned char *der, size_t len, struct cert_parts *c, size_t *used)
{
	const unsigned char *p = der, *end = der + len, *q, *r, *tend;
	struct span whole, outer, tbs, skip;
	int tag, cls, cons;

	memset(c, 0, sizeof(*c));
	if (tlsa_der_seq(&p, end, &whole, &outer) != 0)
		return -1;
	*used = whole.len;
	q = outer.p;
	end = outer.p + outer.len;
	if (tlsa_der_seq(&q, end, NULL, &tbs) != 0)
		return -1;
	/* signatureAlgorithm and signatureValue must follow. */
	r = q;
	if (tlsa_der_seq(&r, end, NULL, NULL) != 0)
		return -1;
	if (tlsa_der_tlv(&r, end, &tag, &cls, &cons, NULL, NULL) != 0 || tag != V_ASN1_BIT_STRING ||
	    cls != V_ASN1_UNIVERSAL || r != end)
		return -1;
	q = tbs.p;
	tend = tbs.p + tbs.len;
	if (tlsa_der_tlv(&q, tend, &tag, &cls, &cons, NULL, &skip) != 0)
		return -1;
	if (cls == V_ASN1_CONTEXT_SPECIFIC && tag == 0) {
		/* version; the serial follows */
		if (tlsa_der_tlv(&q, tend, &tag, &cls, &cons, NULL, NULL) != 0)
			return -1;
	}
	if (cls != V_ASN1_UNIVERSAL || tag != V_ASN1_INTEGER)
		return -1;
	if (tlsa_der_seq(&q, tend, NULL, NULL) != 0 || /* signature algorithm */
	    tlsa_der_seq(&q, tend, &c->issuer, NULL) != 0 ||
	    tlsa_der_seq(&q, tend, &c->validity, NULL) != 0 ||
	    tlsa_der_seq(&q, tend, &c->subject, NULL) != 0 ||
	    tlsa_der_seq(&q, tend, &c->spki, NULL) != 0)
		return -1;
	while (q < tend) {
		struct span content;

		if (tlsa_der_tlv(&q, tend, &tag, &cls, &cons, NULL, &content) != 0 ||
		    cls != V_ASN1_CONTEXT_SPECIFIC)
			return -1;
		if (tag == 3)
			c->exts = content;
	}
	return 0;
}

/*
 *   SubjectPublicKeyInfo      SEQUENCE { SEQUENCE, BIT STRING }
 *   EncryptedPrivateKeyInfo   SEQUENCE { SEQUENCE, OCTET STRING }
 *   CertificationRequest      SEQUENCE { SEQUENCE, SEQUENCE, BIT STRING }
 *   PKCS#8 and the traditional RSA, EC and DSA private keys
 *                             SEQUENCE { INTEGER, ... }
 * Only the one matching decoder is then tried: each OpenSSL decoder
 * builds a context of every provider's decoders, and trying all of them
 * made a key file cost four of those.
 */
enum der_shape tlsa_der_shape(const unsigned char *buf, size_t len)
{
	const unsigned char *p = buf, *end = buf + len, *q;
	struct span content;
	int tag, cls, cons;

	if (tlsa_der_seq(&p, end, NULL, &content) != 0 || p != end)
		return DER_OTHER;
	q = content.p;
	end = content.p + content.len;
	if (tlsa_der_tlv(&q, end, &tag, &cls, &cons, NULL, NULL) != 0 || cls != V_ASN1_UNIVERSAL)
		return DER_OTHER;
	if (tag == V_ASN1_INTEGER && !cons)
		return DER_PRIVATE_KEY;
	if (tag != V_ASN1_SEQUENCE || !cons ||
	    tlsa_der_tlv(&q, end, &tag, &cls, &cons, NULL, NULL) != 0 || cls != V_ASN1_UNIVERSAL)
		return DER_OTHER;
	if (tag == V_ASN1_BIT_STRING)
		return DER_SPKI;
	if (tag == V_ASN1_OCTET_STRING && !cons)
		return DER_ENCRYPTED_KEY;
	if (tag == V_ASN1_SEQUENCE && cons)
		return DER_CSR;
	return DER_OTHER;
}

/*
 * One TLV with a one-byte tag and a minimal length of at most four bytes,
 * as DER writes it: its tag byte and contents.  0 or -1.
 */
static int tlv_canonical(const unsigned char **pp, const unsigned char *end, unsigned *tagbyte,
			 struct span *content)
{
	const unsigned char *p = *pp;
	size_t clen, i, n;

	if (end - p < 2 || (*p & 0x1f) == 0x1f)
		return -1;
	*tagbyte = *p++;
	if (*p < 0x80) {
		clen = *p++;
	} else {
		n = *p++ & 0x7f;
		if (n == 0 || n > 4 || (size_t)(end - p) < n || *p == 0)
			return -1;
		for (clen = 0, i = 0; i < n; i++)
			clen = (clen << 8) | *p++;
		if (clen < 0x80 || (n > 1 && clen < (1UL << (8 * (n - 1)))))
			return -1;
	}
	if (clen > (size_t)(end - p))
		return -1;
	content->p = p;
	content->len = clen;
	*pp = p + clen;
	return 0;
}

/* The key algorithms read without OpenSSL, by their OID's contents. */
enum spki_alg { ALG_OTHER, ALG_RSA, ALG_EC, ALG_ED25519, ALG_ED448, ALG_X25519, ALG_X448 };

static const struct spki_oid {
	unsigned char len, oid[9];
	enum spki_alg alg;
	size_t size; /* EC: the field's bytes; EdDSA and X: the key's */
} spki_oids[] = {
    {9, {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01}, ALG_RSA, 0},
    {7, {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01}, ALG_EC, 0},
    {3, {0x2b, 0x65, 0x70}, ALG_ED25519, 32},
    {3, {0x2b, 0x65, 0x71}, ALG_ED448, 57},
    {3, {0x2b, 0x65, 0x6e}, ALG_X25519, 32},
    {3, {0x2b, 0x65, 0x6f}, ALG_X448, 56},
};

/* Named curves: P-256, P-384, P-521, and their field sizes. */
static const struct spki_oid spki_curves[] = {
    {8, {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07}, ALG_EC, 32},
    {5, {0x2b, 0x81, 0x04, 0x00, 0x22}, ALG_EC, 48},
    {5, {0x2b, 0x81, 0x04, 0x00, 0x23}, ALG_EC, 66},
};

static const struct spki_oid *oid_find(const struct spki_oid *t, size_t n, const struct span *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s->len == t[i].len && memcmp(s->p, t[i].oid, s->len) == 0)
			return &t[i];
	return NULL;
}

/* An RSAPublicKey: SEQUENCE { modulus INTEGER, publicExponent INTEGER }. */
static int rsa_key_ok(const unsigned char *p, size_t len)
{
	const unsigned char *end = p + len, *q, *qend;
	struct span seq, n, e;
	unsigned t;

	if (tlv_canonical(&p, end, &t, &seq) != 0 || t != 0x30 || p != end)
		return 0;
	q = seq.p;
	qend = seq.p + seq.len;
	return tlv_canonical(&q, qend, &t, &n) == 0 && t == 0x02 && n.len > 0 &&
	       tlv_canonical(&q, qend, &t, &e) == 0 && t == 0x02 && e.len > 0 && q == qend;
}

/*
 * The key of a known algorithm, in the form its algorithm gives it: RSA
 * with NULL parameters and an RSAPublicKey; EC on P-256, P-384 or P-521
 * with a point of the curve's size; EdDSA and X25519/X448 with no
 * parameters and a key of their size.  Whether the key is a valid one
 * (an EC point on its curve) is not checked: tlsa hashes keys, it does
 * not use them, just as a certificate's key is never decoded.
 */
static int spki_key_ok(const struct span *oid, const struct span *params, int has_params,
		       unsigned ptag, const unsigned char *key, size_t klen)
{
	const struct spki_oid *a =
	    oid_find(spki_oids, sizeof(spki_oids) / sizeof(spki_oids[0]), oid);
	const struct spki_oid *c;

	if (a == NULL)
		return 0;
	switch (a->alg) {
	case ALG_RSA:
		return has_params && ptag == 0x05 && params->len == 0 && rsa_key_ok(key, klen);
	case ALG_EC:
		if (!has_params || ptag != 0x06)
			return 0;
		c = oid_find(spki_curves, sizeof(spki_curves) / sizeof(spki_curves[0]), params);
		if (c == NULL || klen == 0)
			return 0;
		if (key[0] == 0x04)
			return klen == 1 + 2 * c->size;
		return (key[0] == 0x02 || key[0] == 0x03) && klen == 1 + c->size;
	case ALG_ED25519:
	case ALG_ED448:
	case ALG_X25519:
	case ALG_X448: return !has_params && klen == a->size;
	case ALG_OTHER: break;
	}
	return 0;
}

int tlsa_der_spki_known(const unsigned char *der, size_t len)
{
	const unsigned char *p = der, *end = der + len, *q, *qend;
	struct span outer, alg, oid, params = {NULL, 0}, bits;
	unsigned t, ptag = 0;
	int has_params = 0;

	if (tlv_canonical(&p, end, &t, &outer) != 0 || t != 0x30 || p != end)
		return 0;
	p = outer.p;
	end = outer.p + outer.len;
	if (tlv_canonical(&p, end, &t, &alg) != 0 || t != 0x30)
		return 0;
	q = alg.p;
	qend = alg.p + alg.len;
	if (tlv_canonical(&q, qend, &t, &oid) != 0 || t != 0x06)
		return 0;
	if (q < qend) {
		if (tlv_canonical(&q, qend, &ptag, &params) != 0 || q != qend)
			return 0;
		has_params = 1;
	}
	/* The key: a BIT STRING of whole bytes, nothing after it. */
	if (tlv_canonical(&p, end, &t, &bits) != 0 || t != 0x03 || p != end || bits.len < 2 ||
	    bits.p[0] != 0)
		return 0;
	return spki_key_ok(&oid, &params, has_params, ptag, bits.p + 1, bits.len - 1);
}

/* ---- times -------------------------------------------------------------- */

/* Days from 1970-01-01 to a civil date (proleptic Gregorian). */
static long days_from_civil(long y, unsigned m, unsigned d)
{
	long era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (long)doe - 719468;
}

static int two_digits(const unsigned char *s, unsigned *v)
{
	if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
		return -1;
	*v = (unsigned)(s[0] - '0') * 10 + (unsigned)(s[1] - '0');
	return 0;
}

/*
 * The forms RFC 5280 section 4.1.2.5 prescribes, YYMMDDHHMMSSZ and
 * YYYYMMDDHHMMSSZ, read here; every other form (and a February 29th)
 * goes to OpenSSL's ASN1_TIME_to_tm, whose rules stay the rule: this
 * reads nothing OpenSSL would refuse, and reads it the same.
 */
static int time_simple(int tag, const struct span *s, struct tm *tm)
{
	static const unsigned char mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	const unsigned char *p = s->p;
	unsigned v[7], i, year;
	size_t n = tag == V_ASN1_UTCTIME ? 13 : 15;

	if (s->len != n || p[n - 1] != 'Z')
		return -1;
	for (i = 0; i < (n - 1) / 2; i++)
		if (two_digits(p + 2 * i, &v[i]) != 0)
			return -1;
	if (tag == V_ASN1_UTCTIME) {
		year = v[0] < 50 ? 2000 + v[0] : 1900 + v[0];
		memmove(v + 1, v, 6 * sizeof(v[0]));
	} else {
		year = v[0] * 100 + v[1];
	}
	/* v[2..6]: month, day, hour, minute, second */
	if (v[2] < 1 || v[2] > 12 || v[3] < 1 || v[3] > mdays[v[2] - 1] || v[4] > 23 || v[5] > 59 ||
	    v[6] > 59)
		return -1;
	memset(tm, 0, sizeof(*tm));
	tm->tm_year = (int)year - 1900;
	tm->tm_mon = (int)v[2] - 1;
	tm->tm_mday = (int)v[3];
	tm->tm_hour = (int)v[4];
	tm->tm_min = (int)v[5];
	tm->tm_sec = (int)v[6];
	return 0;
}

/* An ASN.1 Time TLV (UTCTime or GeneralizedTime) to time_t. */
static int time_of(const unsigned char *p, const unsigned char *end, time_t *t)
{
	struct span content;
	ASN1_STRING at;
	struct tm tm;
	int tag, cls, cons;

	if (tlsa_der_tlv(&p, end, &tag, &cls, &cons, NULL, &content) != 0 ||
	    cls != V_ASN1_UNIVERSAL || (tag != V_ASN1_UTCTIME && tag != V_ASN1_GENERALIZEDTIME) ||
	    content.len > 64)
		return -1;
	if (time_simple(tag, &content, &tm) != 0) {
		/* On the stack: no allocation. */
		memset(&at, 0, sizeof(at));
		at.type = tag;
		at.length = (int)content.len;
		at.data = (unsigned char *)content.p;
		if (!ASN1_TIME_to_tm(&at, &tm))
			return -1;
	}
	*t = (time_t)days_from_civil(tm.tm_year + 1900L, (unsigned)tm.tm_mon + 1,
				     (unsigned)tm.tm_mday) *
		 86400 +
	     tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
	return 0;
}

int tlsa_der_validity(const struct span *validity, time_t *not_before, time_t *not_after)
{
	const unsigned char *p = validity->p, *end = p + validity->len, *first;
	struct span content;
	int tag, cls, cons;

	if (tlsa_der_tlv(&p, end, &tag, &cls, &cons, NULL, &content) != 0)
		return -1;
	p = content.p;
	end = content.p + content.len;
	first = p;
	if (tlsa_der_tlv(&p, end, &tag, &cls, &cons, NULL, NULL) != 0 ||
	    time_of(first, p, not_before) != 0 || time_of(p, end, not_after) != 0)
		return -1;
	return 0;
}

/* basicConstraints (2.5.29.19) says cA TRUE. */
int tlsa_der_is_ca(const struct span *extensions)
{
	static const unsigned char bc_oid[] = {0x55, 0x1d, 0x13};
	const unsigned char *p, *end, *q, *qend, *v;
	struct span exts, ext, part, val;
	int tag, cls, cons;

	if (extensions->len == 0)
		return 0;
	p = extensions->p;
	end = p + extensions->len;
	if (tlsa_der_seq(&p, end, NULL, &exts) != 0)
		return 0;
	p = exts.p;
	end = exts.p + exts.len;
	while (p < end) {
		if (tlsa_der_seq(&p, end, NULL, &ext) != 0)
			return 0;
		q = ext.p;
		qend = ext.p + ext.len;
		if (tlsa_der_tlv(&q, qend, &tag, &cls, &cons, NULL, &part) != 0 ||
		    tag != V_ASN1_OBJECT)
			return 0;
		if (part.len != sizeof(bc_oid) || memcmp(part.p, bc_oid, sizeof(bc_oid)) != 0)
			continue;
		/* Optional critical BOOLEAN, then the OCTET STRING value. */
		if (tlsa_der_tlv(&q, qend, &tag, &cls, &cons, NULL, &val) != 0)
			return 0;
		if (tag == V_ASN1_BOOLEAN &&
		    tlsa_der_tlv(&q, qend, &tag, &cls, &cons, NULL, &val) != 0)
			return 0;
		if (tag != V_ASN1_OCTET_STRING)
			return 0;
		v = val.p;
		if (tlsa_der_seq(&v, val.p + val.len, NULL, &part) != 0 || part.len == 0)
			return 0;
		v = part.p;
		if (tlsa_der_tlv(&v, part.p + part.len, &tag, &cls, &cons, NULL, &val) != 0)
			return 0;
		return tag == V_ASN1_BOOLEAN && val.len == 1 && val.p[0] != 0;
	}
	return 0;
}
