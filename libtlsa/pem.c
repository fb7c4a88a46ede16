/*
 * PEM text: splitting it into blocks by their BEGIN and END lines, telling
 * each block's kind from its label, and decoding the base64 bodies with
 * the line number of the first bad character, for error messages.
 *
 * Owns: the PEM labels tlsa knows, the base64 decoder.  Does not own what
 * a block's DER holds (load.c).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <tlsa/load.h>
#include "pem-internal.h"

struct pem_label {
	const char *label;
	enum pem_type type;
};

static const struct pem_label pem_labels[] = {{"CERTIFICATE", PEM_CERT},
					      {"X509 CERTIFICATE", PEM_CERT},
					      {"TRUSTED CERTIFICATE", PEM_CERT},
					      {"PUBLIC KEY", PEM_PUBKEY},
					      {"RSA PUBLIC KEY", PEM_RSA_PUBKEY},
					      {"PRIVATE KEY", PEM_PRIVKEY},
					      {"ENCRYPTED PRIVATE KEY", PEM_PRIVKEY},
					      {"RSA PRIVATE KEY", PEM_PRIVKEY},
					      {"EC PRIVATE KEY", PEM_PRIVKEY},
					      {"DSA PRIVATE KEY", PEM_PRIVKEY},
					      {"CERTIFICATE REQUEST", PEM_CSR},
					      {"NEW CERTIFICATE REQUEST", PEM_CSR},
					      {NULL, PEM_OTHER}};

/*
 * Base64 of a PEM body, decoded line by line so that an error names its
 * line.  A table lookup per character: OpenSSL's EVP_DecodeUpdate costs
 * ten times more per certificate and was half of --manifest's time.
 */
struct b64 {
	unsigned bits; /* pending bits, high first */
	int nbits;     /* how many */
	int pad;       /* '=' seen: only '=' may follow */
	size_t chars;  /* characters consumed, padding included */
};

/* Base64 digit values; -2 is '=', -3 white space, -1 anything else. */
static const signed char b64_values[256] = {
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -3, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -3, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, 62, -1, -1, -1, 63,
    52, 53, 54, 55, 56, 57, 58, 59, 60, 61, -1, -1, -1, -2, -1, -1, -1, 0,  1,	2,  3,	4,  5,	6,
    7,	8,  9,	10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, -1, -1, -1, -1, -1,
    -1, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48,
    49, 50, 51, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
};

/* Decode one line into out (room for 3/4 of len); -1 on bad base64. */
static int b64_line(struct b64 *st, const unsigned char *p, size_t len, unsigned char *out,
		    size_t *outlen)
{
	/* Locals, not st->...: out may alias nothing, but the compiler cannot know. */
	unsigned bits = st->bits;
	int nbits = st->nbits, pad = st->pad;
	size_t i, n = 0, chars = st->chars;
	signed char v;

	for (i = 0; i < len; i++) {
		/* Whole quanta of four digits, the body of every PEM line. */
		while (nbits == 0 && !pad && i + 4 <= len) {
			signed char a = b64_values[p[i]], b = b64_values[p[i + 1]],
				    c = b64_values[p[i + 2]], d = b64_values[p[i + 3]];
			unsigned w;

			if ((a | b | c | d) < 0)
				break;
			w = (unsigned)a << 18 | (unsigned)b << 12 | (unsigned)c << 6 | (unsigned)d;
			out[n++] = (unsigned char)(w >> 16);
			out[n++] = (unsigned char)(w >> 8);
			out[n++] = (unsigned char)w;
			i += 4;
			chars += 4;
		}
		if (i >= len)
			break;
		v = b64_values[p[i]];
		if (v < 0) {
			if (v == -3)
				continue;
			if (v == -1)
				return -1;
			pad = 1;
			chars++;
			continue;
		}
		if (pad)
			return -1;
		chars++;
		bits = (bits << 6) | (unsigned)v;
		nbits += 6;
		if (nbits >= 8) {
			nbits -= 8;
			out[n++] = (unsigned char)(bits >> nbits);
			bits &= (1u << nbits) - 1;
		}
	}
	st->bits = bits;
	st->nbits = nbits;
	st->pad = pad;
	st->chars = chars;
	*outlen = n;
	return 0;
}

/* The end of a body: whole quanta of four characters. */
static int b64_final(const struct b64 *st)
{
	return st->chars % 4 == 0 ? 0 : -1;
}

static const char BEGIN[] = "-----BEGIN ";
static const char END[] = "-----END ";
static const char DASHES[] = "-----";

/* The next line of [p, end): returns its length without CR/LF, sets *next. */
static size_t line_of(const unsigned char *p, const unsigned char *end, const unsigned char **next)
{
	const unsigned char *nl = memchr(p, '\n', (size_t)(end - p));
	size_t len;

	if (nl == NULL) {
		*next = end;
		len = (size_t)(end - p);
	} else {
		*next = nl + 1;
		len = (size_t)(nl - p);
	}
	if (len > 0 && p[len - 1] == '\r')
		len--;
	return len;
}

static int starts(const unsigned char *p, size_t len, const char *s)
{
	size_t n = strlen(s);

	return len >= n && memcmp(p, s, n) == 0;
}

/* Label of a "-----BEGIN X-----" line into type. */
static enum pem_type label_type(const unsigned char *label, size_t len)
{
	const struct pem_label *l;

	for (l = pem_labels; l->label != NULL; l++)
		if (strlen(l->label) == len && memcmp(l->label, label, len) == 0)
			return l->type;
	return PEM_OTHER;
}

void tlsa_pem_blocks_free(struct pem_block *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(b[i].der);
	free(b);
}

/*
 * Split PEM text into blocks, decoding each body and reporting the line of
 * the first bad base64.  Text outside blocks is allowed (openssl prints
 * subject and issuer lines before certificates).
 */
tlsa_status tlsa_pem_split(const unsigned char *buf, size_t len, struct pem_block **out,
			   size_t *count, unsigned long *errline, int *trailing)
{
	const unsigned char *p = buf, *end = buf + len, *next;
	struct pem_block *blocks = NULL, *nb, *b;
	size_t n = 0, cap = 0, l;
	unsigned long line = 0;
	struct b64 dec;
	tlsa_status st = TLSA_OK;

	*trailing = 0;
	while (p < end) {
		const unsigned char *label, *begin_at = p;
		size_t label_len, outl;
		int in_headers, seen_body = 0;

		l = line_of(p, end, &next);
		line++;
		if (!starts(p, l, BEGIN)) {
			/* Text outside a block; note it only after a block. */
			if (n > 0 && l > 0)
				*trailing = 1;
			p = next;
			continue;
		}
		label = p + strlen(BEGIN);
		label_len = l - strlen(BEGIN);
		if (label_len < 5 || memcmp(label + label_len - 5, DASHES, 5) != 0) {
			st = TLSA_ERR_PEM_TRUNCATED;
			*errline = line;
			goto fail;
		}
		label_len -= 5;
		if (n == cap) {
			cap = cap ? cap * 2 : 4;
			nb = realloc(blocks, cap * sizeof(*blocks));
			if (nb == NULL) {
				st = TLSA_ERR_NOMEM;
				goto fail;
			}
			blocks = nb;
		}
		b = &blocks[n];
		memset(b, 0, sizeof(*b));
		b->type = label_type(label, label_len);
		b->line = line;
		b->der_alloc = (size_t)(end - next) * 3 / 4 + 16;
		b->der = malloc(b->der_alloc);
		if (b->der == NULL) {
			st = TLSA_ERR_NOMEM;
			goto fail;
		}
		n++;
		memset(&dec, 0, sizeof(dec));
		in_headers = 1;
		p = next;
		for (;;) {
			if (p >= end) {
				st = TLSA_ERR_PEM_TRUNCATED;
				*errline = b->line;
				goto fail;
			}
			l = line_of(p, end, &next);
			line++;
			if (starts(p, l, END)) {
				/* The END label must match the BEGIN label. */
				if (l != strlen(END) + label_len + 5 ||
				    memcmp(p + strlen(END), label, label_len) != 0) {
					st = TLSA_ERR_PEM_TRUNCATED;
					*errline = b->line;
					goto fail;
				}
				break;
			}
			if (starts(p, l, BEGIN)) {
				st = TLSA_ERR_PEM_TRUNCATED;
				*errline = b->line;
				goto fail;
			}
			if (in_headers && !seen_body && memchr(p, ':', l) != NULL) {
				b->has_headers = 1;
			} else if (l > 0) {
				in_headers = 0;
				seen_body = 1;
				if (b64_line(&dec, p, l, b->der + b->der_len, &outl) != 0) {
					st = TLSA_ERR_PEM_BASE64;
					*errline = line;
					goto fail;
				}
				b->der_len += outl;
			} else if (seen_body) {
				in_headers = 0;
			}
			p = next;
		}
		if (b64_final(&dec) != 0) {
			st = TLSA_ERR_PEM_BASE64;
			*errline = line - 1;
			goto fail;
		}
		if (b->der_len == 0) {
			st = TLSA_ERR_PEM_BASE64;
			*errline = b->line;
			goto fail;
		}
		b->text = begin_at;
		b->text_len = (size_t)(next - begin_at);
		p = next;
	}
	*out = blocks;
	*count = n;
	return TLSA_OK;
fail:
	tlsa_pem_blocks_free(blocks, n);
	return st;
}

int tlsa_pem_looks_like(const unsigned char *buf, size_t len)
{
	size_t n = strlen(BEGIN), i;

	for (i = 0; i + n <= len; i++) {
		const unsigned char *q = memchr(buf + i, '-', len - i);

		if (q == NULL)
			return 0;
		i = (size_t)(q - buf);
		if (i + n <= len && memcmp(q, BEGIN, n) == 0 && (i == 0 || buf[i - 1] == '\n'))
			return 1;
	}
	return 0;
}
