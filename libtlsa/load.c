/*
 * Inputs: certificates, chains, public and private keys, CSRs; PEM or DER.
 *
 * Owns: telling what a file holds (its PEM blocks come from pem.c),
 * ordering a chain by subject/issuer links, and locating the parts of a
 * certificate that records need by walking its DER with OpenSSL's
 * ASN1_get_object().  Certificates are never fully decoded on
 * this path: a full decode costs some forty times more than the walk and
 * is needed only for reports (tlsa_cert_info_get).  Keys and CSRs are
 * decoded by OpenSSL, since their SubjectPublicKeyInfo must be derived.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <tlsa/load.h>
#include "pem-internal.h"

/* Files larger than this are not certificates or keys. */
#define INPUT_MAX (16u << 20)

/* A span of bytes inside a certificate's DER. */
struct span {
	const unsigned char *p;
	size_t len;
};

struct cert {
	unsigned char *der; /* owned */
	size_t len;
	struct span issuer, subject, validity, spki, exts;
};

struct tlsa_input {
	tlsa_kind kind;
	unsigned chain_flags;
	size_t count;
	struct cert *certs;  /* kind CERT: count certificates, leaf first */
	unsigned char *spki; /* other kinds: the SubjectPublicKeyInfo DER */
	size_t spki_len;
};

const char *tlsa_kind_name(tlsa_kind kind)
{
	switch (kind) {
	case TLSA_KIND_CERT: return "a certificate";
	case TLSA_KIND_PUBKEY: return "a public key";
	case TLSA_KIND_PRIVKEY: return "a private key";
	case TLSA_KIND_CSR: return "a certificate signing request";
	case TLSA_KIND_NONE:
	case TLSA_KIND_ANY: break;
	}
	return "nothing usable";
}

/* ---- reading files ------------------------------------------------------ */

tlsa_status tlsa_file_read(const char *path, unsigned char **buf, size_t *len)
{
	int fd, close_fd = 1;
	size_t cap = 8192, n = 0;
	unsigned char *b, *nb;
	ssize_t r;
	struct stat st;

	if (strcmp(path, "-") == 0) {
		fd = STDIN_FILENO;
		close_fd = 0;
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return TLSA_ERR_IO;
	}
	if (fstat(fd, &st) != 0) {
		st.st_mode = 0;
	} else if (S_ISREG(st.st_mode)) {
		if ((unsigned long long)st.st_size > INPUT_MAX) {
			if (close_fd)
				close(fd);
			return TLSA_ERR_TOO_LARGE;
		}
		cap = (size_t)st.st_size + 1;
	} else if (S_ISDIR(st.st_mode)) {
		if (close_fd)
			close(fd);
		errno = EISDIR;
		return TLSA_ERR_IO;
	}
	b = malloc(cap);
	if (b == NULL) {
		if (close_fd)
			close(fd);
		return TLSA_ERR_NOMEM;
	}
	for (;;) {
		if (n == cap) {
			if (cap >= INPUT_MAX) {
				free(b);
				if (close_fd)
					close(fd);
				return TLSA_ERR_TOO_LARGE;
			}
			cap *= 2;
			nb = realloc(b, cap);
			if (nb == NULL) {
				free(b);
				if (close_fd)
					close(fd);
				return TLSA_ERR_NOMEM;
			}
			b = nb;
		}
		r = read(fd, b + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;

			free(b);
			if (close_fd)
				close(fd);
			errno = e;
			return TLSA_ERR_IO;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		/*
		 * A regular file that filled less than the buffer sized from
		 * its length is at its end: no second read to hear so (one
		 * syscall of five per file in a --manifest run).
		 */
		if (S_ISREG(st.st_mode) && n < cap)
			break;
	}
	if (close_fd)
		close(fd);
	*buf = b;
	*len = n;
	return TLSA_OK;
}

/* ---- walking DER -------------------------------------------------------- */

/*
 * One TLV at *p (before end): its tag, whether it is constructed, and its
 * contents.  Advances *p past it.  Indefinite lengths are not DER.
 */
static int tlv(const unsigned char **p, const unsigned char *end, int *tag,
	       int *cls, int *cons, struct span *whole, struct span *content)
{
	const unsigned char *start = *p, *q = *p;
	long clen;
	int ret;

	if (q >= end)
		return -1;
	ret = ASN1_get_object(&q, &clen, tag, cls, (long)(end - q));
	if (ret & 0x80)
		return -1;
	if (ret == 0x21) /* indefinite length */
		return -1;
	if (clen < 0 || clen > end - q)
		return -1;
	*cons = (ret & V_ASN1_CONSTRUCTED) != 0;
	if (content != NULL) {
		content->p = q;
		content->len = (size_t)clen;
	}
	if (whole != NULL) {
		whole->p = start;
		whole->len = (size_t)(q + clen - start);
	}
	*p = q + clen;
	return 0;
}

/* Expect a universal constructed SEQUENCE. */
static int seq(const unsigned char **p, const unsigned char *end,
	       struct span *whole, struct span *content)
{
	int tag, cls, cons;

	if (tlv(p, end, &tag, &cls, &cons, whole, content) != 0)
		return -1;
	return (cls == V_ASN1_UNIVERSAL && tag == V_ASN1_SEQUENCE && cons) ? 0 : -1;
}

/*
 * Locate the parts of a Certificate (RFC 5280 section 4.1):
 * SEQUENCE { tbsCertificate, signatureAlgorithm, signatureValue }, where
 * tbsCertificate is SEQUENCE { [0] version OPTIONAL, serialNumber,
 * signature, issuer, validity, subject, subjectPublicKeyInfo,
 * [1] issuerUID OPTIONAL, [2] subjectUID OPTIONAL, [3] extensions OPTIONAL }.
 * On success *used is the length of the outer TLV.
 */
static int walk_cert(struct cert *c, size_t *used)
{
	const unsigned char *p = c->der, *end = c->der + c->len, *q, *tend;
	struct span whole, outer, tbs, skip;
	int tag, cls, cons;

	memset(&c->issuer, 0, sizeof(c->issuer) * 5);
	if (seq(&p, end, &whole, &outer) != 0)
		return -1;
	*used = whole.len;
	q = outer.p;
	end = outer.p + outer.len;
	if (seq(&q, end, NULL, &tbs) != 0)
		return -1;
	/* signatureAlgorithm and signatureValue must follow. */
	{
		const unsigned char *r = q;

		if (seq(&r, end, NULL, NULL) != 0)
			return -1;
		if (tlv(&r, end, &tag, &cls, &cons, NULL, NULL) != 0 ||
		    tag != V_ASN1_BIT_STRING || cls != V_ASN1_UNIVERSAL || r != end)
			return -1;
	}
	q = tbs.p;
	tend = tbs.p + tbs.len;
	if (tlv(&q, tend, &tag, &cls, &cons, NULL, &skip) != 0)
		return -1;
	if (cls == V_ASN1_CONTEXT_SPECIFIC && tag == 0) {
		/* version; the serial follows */
		if (tlv(&q, tend, &tag, &cls, &cons, NULL, NULL) != 0)
			return -1;
	}
	if (cls != V_ASN1_UNIVERSAL || tag != V_ASN1_INTEGER)
		return -1;
	if (seq(&q, tend, NULL, NULL) != 0 || /* signature algorithm */
	    seq(&q, tend, &c->issuer, NULL) != 0 ||
	    seq(&q, tend, &c->validity, NULL) != 0 ||
	    seq(&q, tend, &c->subject, NULL) != 0 ||
	    seq(&q, tend, &c->spki, NULL) != 0)
		return -1;
	while (q < tend) {
		struct span content;

		if (tlv(&q, tend, &tag, &cls, &cons, NULL, &content) != 0 ||
		    cls != V_ASN1_CONTEXT_SPECIFIC)
			return -1;
		if (tag == 3)
			c->exts = content;
	}
	return 0;
}

/* ---- building inputs ---------------------------------------------------- */

static tlsa_input *input_new(tlsa_kind kind)
{
	tlsa_input *in = calloc(1, sizeof(*in));

	if (in != NULL)
		in->kind = kind;
	return in;
}

void tlsa_input_free(tlsa_input *in)
{
	size_t i;

	if (in == NULL)
		return;
	if (in->kind == TLSA_KIND_CERT)
		for (i = 0; i < in->count; i++)
			free(in->certs[i].der);
	free(in->certs);
	free(in->spki);
	free(in);
}

static int span_eq(const struct span *a, const struct span *b)
{
	return a->len == b->len && a->len > 0 && memcmp(a->p, b->p, a->len) == 0;
}

/*
 * Order certificates leaf first by their links: the leaf is the first
 * certificate (in file order) that issued none of the others; then each
 * issuer in turn.  Certificates left over are appended in file order and
 * the chain is marked broken.
 */
static tlsa_status order_chain(tlsa_input *in)
{
	size_t n = in->count, i, j, k, leaf = 0, got = 0;
	struct cert *sorted;
	unsigned char *used;
	int found;

	if (n < 2)
		return TLSA_OK;
	sorted = calloc(n, sizeof(*sorted));
	used = calloc(n, 1);
	if (sorted == NULL || used == NULL) {
		free(sorted);
		free(used);
		return TLSA_ERR_NOMEM;
	}
	for (i = 0; i < n; i++) {
		found = 0;
		for (j = 0; j < n && !found; j++)
			if (j != i && !span_eq(&in->certs[j].issuer, &in->certs[j].subject) &&
			    span_eq(&in->certs[j].issuer, &in->certs[i].subject))
				found = 1;
		if (!found) {
			leaf = i;
			break;
		}
	}
	k = leaf;
	for (;;) {
		sorted[got++] = in->certs[k];
		used[k] = 1;
		if (span_eq(&in->certs[k].issuer, &in->certs[k].subject))
			break; /* self-issued: the top */
		for (j = 0; j < n; j++)
			if (!used[j] && span_eq(&in->certs[j].subject, &in->certs[k].issuer))
				break;
		if (j == n)
			break;
		k = j;
	}
	if (got < n)
		in->chain_flags |= TLSA_CHAIN_BROKEN;
	for (i = 0; i < n; i++)
		if (!used[i])
			sorted[got++] = in->certs[i];
	for (i = 0; i < n; i++)
		if (sorted[i].der != in->certs[i].der)
			in->chain_flags |= TLSA_CHAIN_REORDERED;
	free(in->certs);
	in->certs = sorted;
	free(used);
	return TLSA_OK;
}

/* Add a certificate's DER (copied) to a CERT input; checks its structure. */
static tlsa_status add_cert(tlsa_input *in, const unsigned char *der, size_t len,
			    int exact)
{
	struct cert *nc, *c;
	size_t used;

	nc = realloc(in->certs, (in->count + 1) * sizeof(*nc));
	if (nc == NULL)
		return TLSA_ERR_NOMEM;
	in->certs = nc;
	c = &in->certs[in->count];
	memset(c, 0, sizeof(*c));
	c->der = malloc(len > 0 ? len : 1);
	if (c->der == NULL)
		return TLSA_ERR_NOMEM;
	memcpy(c->der, der, len);
	c->len = len;
	if (walk_cert(c, &used) != 0 || (exact && used != len)) {
		free(c->der);
		return TLSA_ERR_DER;
	}
	/* A TRUSTED CERTIFICATE carries OpenSSL's trust settings after it. */
	c->len = used;
	in->count++;
	return TLSA_OK;
}

/* The DER SubjectPublicKeyInfo of a key, into in->spki. */
/* The input's SPKI: the len bytes i2d wrote at p (OpenSSL's, freed here). */
static tlsa_status set_spki(tlsa_input *in, unsigned char *p, int len)
{
	if (len <= 0)
		return TLSA_ERR_KEY;
	in->spki = malloc((size_t)len);
	if (in->spki == NULL) {
		OPENSSL_free(p);
		return TLSA_ERR_NOMEM;
	}
	memcpy(in->spki, p, (size_t)len);
	in->spki_len = (size_t)len;
	in->count = 1;
	OPENSSL_free(p);
	return TLSA_OK;
}

static tlsa_status set_spki_from_pkey(tlsa_input *in, EVP_PKEY *pkey)
{
	unsigned char *p = NULL;
	int len = i2d_PUBKEY(pkey, &p);

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
static tlsa_status privkey_pem(tlsa_input *in, const unsigned char *text, size_t len,
			       const char *pass)
{
	struct pass_arg arg = { pass, 0 };
	EVP_PKEY *pkey;
	BIO *bio;
	tlsa_status st;

	bio = BIO_new_mem_buf(text, (int)len);
	if (bio == NULL)
		return TLSA_ERR_NOMEM;
	pkey = PEM_read_bio_PrivateKey(bio, NULL, pass_cb, &arg);
	BIO_free(bio);
	if (pkey == NULL)
		return arg.asked ? TLSA_ERR_PASSPHRASE : TLSA_ERR_KEY;
	st = set_spki_from_pkey(in, pkey);
	EVP_PKEY_free(pkey);
	return st;
}

/*
 * Private key from DER: PKCS#8 or traditional, or (when encrypted, as
 * der_shape() found) encrypted PKCS#8.
 */
static tlsa_status privkey_der(tlsa_input *in, const unsigned char *der, size_t len,
			       const char *pass, int encrypted)
{
	const unsigned char *p = der;
	EVP_PKEY *pkey = NULL;
	X509_SIG *sig;
	PKCS8_PRIV_KEY_INFO *p8;
	tlsa_status st;

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
	st = set_spki_from_pkey(in, pkey);
	EVP_PKEY_free(pkey);
	return st;
}

static tlsa_status pubkey_der(tlsa_input *in, const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	X509_PUBKEY *pk;
	tlsa_status st;

	pk = d2i_X509_PUBKEY(NULL, &p, (long)len);
	if (pk == NULL || p != der + len || X509_PUBKEY_get0(pk) == NULL) {
		X509_PUBKEY_free(pk);
		return TLSA_ERR_KEY;
	}
	st = set_spki_from_x509_pubkey(in, pk);
	X509_PUBKEY_free(pk);
	return st;
}

static tlsa_status rsa_pubkey_der(tlsa_input *in, const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	EVP_PKEY *pkey;
	tlsa_status st;

	pkey = d2i_PublicKey(EVP_PKEY_RSA, NULL, &p, (long)len);
	if (pkey == NULL)
		return TLSA_ERR_KEY;
	st = set_spki_from_pkey(in, pkey);
	EVP_PKEY_free(pkey);
	return st;
}

static tlsa_status csr_der(tlsa_input *in, const unsigned char *der, size_t len)
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

static tlsa_kind pem_kind(enum pem_type t)
{
	switch (t) {
	case PEM_CERT: return TLSA_KIND_CERT;
	case PEM_PUBKEY:
	case PEM_RSA_PUBKEY: return TLSA_KIND_PUBKEY;
	case PEM_PRIVKEY: return TLSA_KIND_PRIVKEY;
	case PEM_CSR: return TLSA_KIND_CSR;
	case PEM_OTHER: break;
	}
	return TLSA_KIND_NONE;
}

/*
 * A PEM file: certificates make a chain; otherwise the first key or CSR
 * block of a wanted kind is used.  A file holding both a chain and its
 * key (as some servers want) serves as either.
 */
static tlsa_status load_pem(tlsa_input **out, const unsigned char *buf, size_t len,
			    unsigned want, const char *pass, tlsa_where *where)
{
	struct pem_block *blocks = NULL;
	size_t n = 0, i;
	unsigned present = 0;
	tlsa_kind kind = TLSA_KIND_NONE, k;
	tlsa_input *in = NULL;
	tlsa_status st;
	int trailing;

	st = tlsa_pem_split(buf, len, &blocks, &n, &where->line, &trailing);
	if (st != TLSA_OK)
		return st;
	for (i = 0; i < n; i++)
		present |= pem_kind(blocks[i].type);
	if (present == 0) {
		tlsa_pem_blocks_free(blocks, n);
		return TLSA_ERR_PEM_NONE;
	}
	/* Prefer, in order: a chain, a public key, a private key, a CSR. */
	for (k = TLSA_KIND_CERT; k <= TLSA_KIND_CSR; k <<= 1)
		if ((present & want & k) != 0) {
			kind = k;
			break;
		}
	if (kind == TLSA_KIND_NONE) {
		for (k = TLSA_KIND_CERT; k <= TLSA_KIND_CSR; k <<= 1)
			if (present & k) {
				where->found = k;
				break;
			}
		tlsa_pem_blocks_free(blocks, n);
		return TLSA_ERR_WRONG_KIND;
	}
	in = input_new(kind);
	if (in == NULL) {
		tlsa_pem_blocks_free(blocks, n);
		return TLSA_ERR_NOMEM;
	}
	if (trailing)
		in->chain_flags |= TLSA_CHAIN_TRAILING;
	for (i = 0; i < n && st == TLSA_OK; i++) {
		struct pem_block *b = &blocks[i];

		if (pem_kind(b->type) != kind)
			continue;
		where->line = b->line;
		switch (b->type) {
		case PEM_CERT:
			/* Not exact: TRUSTED CERTIFICATE has trust data after it. */
			st = add_cert(in, b->der, b->der_len, 0);
			break;
		case PEM_PUBKEY: st = pubkey_der(in, b->der, b->der_len); break;
		case PEM_RSA_PUBKEY: st = rsa_pubkey_der(in, b->der, b->der_len); break;
		case PEM_PRIVKEY: st = privkey_pem(in, b->text, b->text_len, pass); break;
		case PEM_CSR: st = csr_der(in, b->der, b->der_len); break;
		case PEM_OTHER: break;
		}
		if (kind != TLSA_KIND_CERT)
			break; /* one key or CSR */
	}
	if (st == TLSA_OK)
		where->line = 0;
	if (st == TLSA_OK && kind == TLSA_KIND_CERT)
		st = order_chain(in);
	tlsa_pem_blocks_free(blocks, n);
	if (st != TLSA_OK) {
		tlsa_input_free(in);
		return st;
	}
	*out = in;
	return TLSA_OK;
}

/*
 * Which DER structure, other than a certificate, buf can be, from the
 * types of the first two elements of its outer SEQUENCE:
 *   SubjectPublicKeyInfo      SEQUENCE { SEQUENCE, BIT STRING }
 *   EncryptedPrivateKeyInfo   SEQUENCE { SEQUENCE, OCTET STRING }
 *   CertificationRequest      SEQUENCE { SEQUENCE, SEQUENCE, BIT STRING }
 *   PKCS#8 and the traditional RSA, EC and DSA private keys
 *                             SEQUENCE { INTEGER, ... }
 * Only the one matching decoder is then tried: each OpenSSL decoder
 * builds a context of every provider's decoders, and trying all of them
 * made a key file cost four of those.
 */
enum der_shape { DER_OTHER, DER_SPKI, DER_ENCRYPTED_KEY, DER_CSR, DER_PRIVATE_KEY };

static enum der_shape der_shape(const unsigned char *buf, size_t len)
{
	const unsigned char *p = buf, *end = buf + len, *q;
	struct span content;
	int tag, cls, cons;

	if (seq(&p, end, NULL, &content) != 0 || p != end)
		return DER_OTHER;
	q = content.p;
	end = content.p + content.len;
	if (tlv(&q, end, &tag, &cls, &cons, NULL, NULL) != 0 || cls != V_ASN1_UNIVERSAL)
		return DER_OTHER;
	if (tag == V_ASN1_INTEGER && !cons)
		return DER_PRIVATE_KEY;
	if (tag != V_ASN1_SEQUENCE || !cons || tlv(&q, end, &tag, &cls, &cons, NULL, NULL) != 0 ||
	    cls != V_ASN1_UNIVERSAL)
		return DER_OTHER;
	if (tag == V_ASN1_BIT_STRING)
		return DER_SPKI;
	if (tag == V_ASN1_OCTET_STRING && !cons)
		return DER_ENCRYPTED_KEY;
	if (tag == V_ASN1_SEQUENCE && cons)
		return DER_CSR;
	return DER_OTHER;
}

/* A DER file: a certificate (walked, not decoded), or else by its shape. */

static tlsa_status load_der(tlsa_input **out, const unsigned char *buf, size_t len,
			    unsigned want, const char *pass, tlsa_where *where)
{
	tlsa_input *in;
	tlsa_kind found = TLSA_KIND_NONE;
	tlsa_status st = TLSA_ERR_DER;
	enum der_shape shape;
	int encrypted;

	in = input_new(TLSA_KIND_CERT);
	if (in == NULL)
		return TLSA_ERR_NOMEM;
	if (add_cert(in, buf, len, 1) == TLSA_OK) {
		found = TLSA_KIND_CERT;
		st = TLSA_OK;
	} else {
		/* Not a certificate: drop the slot the failed walk allocated. */
		free(in->certs);
		in->certs = NULL;
		shape = der_shape(buf, len);
		switch (shape) {
		case DER_CSR:
			if (csr_der(in, buf, len) == TLSA_OK) {
				found = TLSA_KIND_CSR;
				st = TLSA_OK;
			}
			break;
		case DER_SPKI:
			if (pubkey_der(in, buf, len) == TLSA_OK) {
				found = TLSA_KIND_PUBKEY;
				st = TLSA_OK;
			}
			break;
		case DER_PRIVATE_KEY:
		case DER_ENCRYPTED_KEY:
			encrypted = shape == DER_ENCRYPTED_KEY;
			/* Not wanted: recognise it as a key without decrypting it. */
			st = privkey_der(in, buf, len, (want & TLSA_KIND_PRIVKEY) ? pass : NULL,
					 encrypted);
			if (st == TLSA_OK || (encrypted && st == TLSA_ERR_PASSPHRASE))
				found = TLSA_KIND_PRIVKEY;
			if ((want & TLSA_KIND_PRIVKEY) == 0)
				st = found ? TLSA_OK : TLSA_ERR_DER;
			else if (st != TLSA_OK && st != TLSA_ERR_PASSPHRASE)
				st = TLSA_ERR_DER;
			break;
		case DER_OTHER:
			break;
		}
	}
	in->kind = found;
	if (st == TLSA_OK && (found & want) == 0) {
		where->found = found;
		st = TLSA_ERR_WRONG_KIND;
	}
	if (st != TLSA_OK) {
		tlsa_input_free(in);
		return st;
	}
	*out = in;
	return TLSA_OK;
}

tlsa_status tlsa_input_load(tlsa_input **out, const unsigned char *buf, size_t len,
			    unsigned want, const char *pass, tlsa_where *where)
{
	tlsa_where dummy;
	size_t i;

	if (where == NULL)
		where = &dummy;
	memset(where, 0, sizeof(*where));
	if (out == NULL || (buf == NULL && len > 0))
		return TLSA_ERR_INVALID;
	for (i = 0; i < len; i++)
		if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\r' && buf[i] != '\n')
			break;
	if (i == len)
		return TLSA_ERR_EMPTY;
	if (len > INPUT_MAX)
		return TLSA_ERR_TOO_LARGE;
	if (buf[0] == 0x30 && !tlsa_pem_looks_like(buf, len))
		return load_der(out, buf, len, want, pass, where);
	if (tlsa_pem_looks_like(buf, len))
		return load_pem(out, buf, len, want, pass, where);
	return TLSA_ERR_UNRECOGNISED;
}

tlsa_status tlsa_input_from_chain(tlsa_input **out, const unsigned char *const *der,
				  const size_t *len, size_t count)
{
	tlsa_input *in;
	tlsa_status st = TLSA_OK;
	size_t i;

	if (out == NULL || count == 0)
		return TLSA_ERR_INVALID;
	in = input_new(TLSA_KIND_CERT);
	if (in == NULL)
		return TLSA_ERR_NOMEM;
	for (i = 0; i < count && st == TLSA_OK; i++)
		st = add_cert(in, der[i], len[i], 1);
	if (st == TLSA_OK)
		st = order_chain(in);
	if (st != TLSA_OK) {
		tlsa_input_free(in);
		return st;
	}
	*out = in;
	return TLSA_OK;
}

/* ---- accessors ---------------------------------------------------------- */

tlsa_kind tlsa_input_kind(const tlsa_input *in)
{
	return in->kind;
}

unsigned tlsa_input_chain_flags(const tlsa_input *in)
{
	return in->chain_flags;
}

size_t tlsa_input_count(const tlsa_input *in)
{
	return in->count;
}

const unsigned char *tlsa_input_cert(const tlsa_input *in, size_t i, size_t *len)
{
	if (in->kind != TLSA_KIND_CERT || i >= in->count)
		return NULL;
	*len = in->certs[i].len;
	return in->certs[i].der;
}

const unsigned char *tlsa_input_spki(const tlsa_input *in, size_t i, size_t *len)
{
	if (i >= in->count)
		return NULL;
	if (in->kind != TLSA_KIND_CERT) {
		*len = in->spki_len;
		return in->spki;
	}
	*len = in->certs[i].spki.len;
	return in->certs[i].spki.p;
}

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

/*
 * An ASN.1 Time TLV (UTCTime or GeneralizedTime) to time_t.  OpenSSL
 * checks and converts it; the ASN1_STRING lives on the stack, so no
 * allocation, and the arithmetic avoids timegm()'s time-zone machinery.
 */
static int time_of(const unsigned char *p, const unsigned char *end, time_t *t)
{
	struct span content;
	ASN1_STRING at;
	struct tm tm;
	int tag, cls, cons;

	if (tlv(&p, end, &tag, &cls, &cons, NULL, &content) != 0 || cls != V_ASN1_UNIVERSAL ||
	    (tag != V_ASN1_UTCTIME && tag != V_ASN1_GENERALIZEDTIME) || content.len > 64)
		return -1;
	memset(&at, 0, sizeof(at));
	at.type = tag;
	at.length = (int)content.len;
	at.data = (unsigned char *)content.p;
	if (!ASN1_TIME_to_tm(&at, &tm))
		return -1;
	*t = (time_t)days_from_civil(tm.tm_year + 1900L, (unsigned)tm.tm_mon + 1,
				     (unsigned)tm.tm_mday) * 86400 +
	     tm.tm_hour * 3600 + tm.tm_min * 60 + tm.tm_sec;
	return 0;
}

tlsa_status tlsa_input_validity(const tlsa_input *in, size_t i, time_t *not_before,
				time_t *not_after)
{
	const unsigned char *p, *end;
	struct span content, first;
	int tag, cls, cons;

	if (in->kind != TLSA_KIND_CERT || i >= in->count)
		return TLSA_ERR_INVALID;
	p = in->certs[i].validity.p;
	end = p + in->certs[i].validity.len;
	if (tlv(&p, end, &tag, &cls, &cons, NULL, &content) != 0)
		return TLSA_ERR_DER;
	p = content.p;
	end = content.p + content.len;
	first.p = p;
	if (tlv(&p, end, &tag, &cls, &cons, NULL, NULL) != 0 ||
	    time_of(first.p, p, not_before) != 0 || time_of(p, end, not_after) != 0)
		return TLSA_ERR_DER;
	return TLSA_OK;
}

/* basicConstraints (2.5.29.19) says cA TRUE. */
int tlsa_input_is_ca(const tlsa_input *in, size_t i)
{
	static const unsigned char bc_oid[] = { 0x55, 0x1d, 0x13 };
	const unsigned char *p, *end, *q, *qend, *v;
	struct span exts, ext, part, val;
	int tag, cls, cons;

	if (in->kind != TLSA_KIND_CERT || i >= in->count || in->certs[i].exts.len == 0)
		return 0;
	p = in->certs[i].exts.p;
	end = p + in->certs[i].exts.len;
	if (seq(&p, end, NULL, &exts) != 0)
		return 0;
	p = exts.p;
	end = exts.p + exts.len;
	while (p < end) {
		if (seq(&p, end, NULL, &ext) != 0)
			return 0;
		q = ext.p;
		qend = ext.p + ext.len;
		if (tlv(&q, qend, &tag, &cls, &cons, NULL, &part) != 0 || tag != V_ASN1_OBJECT)
			return 0;
		if (part.len != sizeof(bc_oid) || memcmp(part.p, bc_oid, sizeof(bc_oid)) != 0)
			continue;
		/* Optional critical BOOLEAN, then the OCTET STRING value. */
		if (tlv(&q, qend, &tag, &cls, &cons, NULL, &val) != 0)
			return 0;
		if (tag == V_ASN1_BOOLEAN && tlv(&q, qend, &tag, &cls, &cons, NULL, &val) != 0)
			return 0;
		if (tag != V_ASN1_OCTET_STRING)
			return 0;
		v = val.p;
		if (seq(&v, val.p + val.len, NULL, &part) != 0 || part.len == 0)
			return 0;
		v = part.p;
		if (tlv(&v, part.p + part.len, &tag, &cls, &cons, NULL, &val) != 0)
			return 0;
		return tag == V_ASN1_BOOLEAN && val.len == 1 && val.p[0] != 0;
	}
	return 0;
}

/* ---- full decode, for reports ------------------------------------------- */

static char *name_string(const X509_NAME *name)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data, *s = NULL;
	long len;

	if (bio == NULL)
		return NULL;
	if (X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253) >= 0) {
		len = BIO_get_mem_data(bio, &data);
		s = malloc((size_t)len + 1);
		if (s != NULL) {
			memcpy(s, data, (size_t)len);
			s[len] = '\0';
		}
	}
	BIO_free(bio);
	return s;
}

/* A Name from its DER (a span of a certificate), in RFC 2253 form; NULL on error. */
static char *span_name_string(const struct span *sp)
{
	const unsigned char *p = sp->p;
	X509_NAME *name = d2i_X509_NAME(NULL, &p, (long)sp->len);
	char *s;

	if (name == NULL)
		return NULL;
	s = name_string(name);
	X509_NAME_free(name);
	return s;
}

/*
 * The certificate is walked, not decoded whole: d2i_X509 also decodes the
 * public key, and OpenSSL 3.0 builds a chain of key decoders to do so, at
 * about half a millisecond a certificate.  A report of a chain per
 * checked address (tlsa check's text and json) paid that for every
 * certificate; the names alone are cheap.
 */
tlsa_status tlsa_cert_info_get(const unsigned char *der, size_t len, tlsa_cert_info *info)
{
	struct cert c;
	tlsa_input one;
	size_t used;

	memset(info, 0, sizeof(*info));
	memset(&c, 0, sizeof(c));
	c.der = (unsigned char *)der;
	c.len = len;
	if (der == NULL || walk_cert(&c, &used) != 0 || used != len)
		return TLSA_ERR_DER;
	memset(&one, 0, sizeof(one));
	one.kind = TLSA_KIND_CERT;
	one.count = 1;
	one.certs = &c;
	if (tlsa_input_validity(&one, 0, &info->not_before, &info->not_after) != TLSA_OK)
		return TLSA_ERR_DER;
	info->is_ca = tlsa_input_is_ca(&one, 0);
	info->subject = span_name_string(&c.subject);
	info->issuer = span_name_string(&c.issuer);
	if (info->subject == NULL || info->issuer == NULL) {
		tlsa_cert_info_clear(info);
		return TLSA_ERR_DER;
	}
	return TLSA_OK;
}

void tlsa_cert_info_clear(tlsa_cert_info *info)
{
	free(info->subject);
	free(info->issuer);
	memset(info, 0, sizeof(*info));
}

/* ---- passphrases -------------------------------------------------------- */

static tlsa_status first_line_fd(int fd, char **pass)
{
	char buf[1024];
	size_t n = 0;
	ssize_t r;

	while (n < sizeof(buf) - 1) {
		r = read(fd, buf + n, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return TLSA_ERR_IO;
		if (r == 0 || buf[n] == '\n')
			break;
		n++;
	}
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	*pass = strdup(buf);
	OPENSSL_cleanse(buf, sizeof(buf));
	return *pass == NULL ? TLSA_ERR_NOMEM : TLSA_OK;
}

tlsa_status tlsa_passin_read(const char *source, char **pass)
{
	const char *v;
	char *end;
	long fd;
	int f;
	tlsa_status st;

	if (strncmp(source, "env:", 4) == 0) {
		v = getenv(source + 4);
		if (v == NULL)
			return TLSA_ERR_PASSIN;
		*pass = strdup(v);
		return *pass == NULL ? TLSA_ERR_NOMEM : TLSA_OK;
	}
	if (strncmp(source, "file:", 5) == 0) {
		f = open(source + 5, O_RDONLY | O_CLOEXEC);
		if (f < 0)
			return TLSA_ERR_IO;
		st = first_line_fd(f, pass);
		close(f);
		return st;
	}
	if (strncmp(source, "fd:", 3) == 0) {
		errno = 0;
		fd = strtol(source + 3, &end, 10);
		if (errno != 0 || *end != '\0' || end == source + 3 || fd < 0 || fd > 65535)
			return TLSA_ERR_PASSIN;
		return first_line_fd((int)fd, pass);
	}
	return TLSA_ERR_PASSIN;
}
