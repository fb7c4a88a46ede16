/*
 * The words of a zone file (RFC 1035 section 5.1): names absolute and
 * relative, TTLs with units, and the tokeniser that splits an entry's
 * lines while following parentheses, quotes, escapes and comments.
 *
 * Owns: tlsa_zone_tokenize() and the name and TTL helpers.  Does not own
 * what an entry means ($ORIGIN, blank owners, record types: zonescan.c)
 * or reading the file (zonescan.c).  Holds no state.
 *
 * The tokeniser is the hot path of a million-record zone: most of its
 * time is spent skipping ordinary bytes, eight at a time.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <tlsa.h>

#include "zonelex.h"

/* ---- names ----------------------------------------------------------- */

int tlsa_zone_is_absolute(const char *s, size_t n)
{
	size_t bs = 0;

	if (n == 0 || s[n - 1] != '.')
		return 0;
	while (bs + 1 < n && s[n - 2 - bs] == '\\')
		bs++;
	return bs % 2 == 0;
}

int tlsa_zone_absolute(const char *text, size_t n, const char *origin, char *out, size_t size)
{
	size_t o;

	if (n == 1 && text[0] == '@') {
		if (origin == NULL || (o = strlen(origin)) >= size)
			return -1;
		memcpy(out, origin, o + 1);
	} else if (tlsa_zone_is_absolute(text, n)) {
		if (n >= size)
			return -1;
		memcpy(out, text, n);
		out[n] = '\0';
	} else {
		if (origin == NULL)
			return -1;
		o = strcmp(origin, ".") == 0 ? 0 : strlen(origin);
		if (n + 1 + o >= size)
			return -1;
		memcpy(out, text, n);
		out[n] = '.';
		memcpy(out + n + 1, origin, o);
		out[n + 1 + o] = '\0';
	}
	return 0;
}

/* name (n bytes) ends in ".origin" (o bytes), in any case. */
static int ends_in(const char *name, size_t n, const char *origin, size_t o)
{
	return n > o && name[n - o - 1] == '.' && strcasecmp(name + n - o, origin) == 0;
}

char *tlsa_zone_relative(const char *name, const char *origin)
{
	size_t n = strlen(name), o = origin ? strlen(origin) : 0;

	if (origin == NULL || strcmp(origin, ".") == 0)
		return NULL;
	if (names_equal(name, origin))
		return strdup("@");
	if (n <= o + 1 || !ends_in(name, n, origin, o))
		return NULL;
	return strndup(name, n - o - 1);
}

int tlsa_zone_name_in(const char *name, const char *origin)
{
	return strcmp(origin, ".") == 0 || names_equal(name, origin) ||
	       ends_in(name, strlen(name), origin, strlen(origin));
}

uint32_t tlsa_zone_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		h = (h ^ c) * 16777619u;
	}
	return h;
}

/* ---- TTLs ------------------------------------------------------------ */

/*
 * A TTL of the zone being read, in ttl.c's grammar.  One above 2^31-1
 * reads as 0, as RFC 2181 section 8 says and BIND loads it; the records
 * tlsa writes are held to the limit instead (zonetarget.c).
 */
int tlsa_zone_parse_ttl(const char *s, size_t n, uint32_t *out)
{
	tlsa_status st = tlsa_ttl_parse(s, n, out);

	return st == TLSA_OK || st == TLSA_ERR_TTL_RANGE ? 0 : -1;
}

/* ---- tokens ---------------------------------------------------------- */

static int tok_push(struct toks *t, size_t off, size_t len)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 32;
		struct tok *p = realloc(t->t, cap * sizeof(*p));
		if (p == NULL)
			return -1;
		t->t = p;
		t->cap = cap;
	}
	t->t[t->n].off = off;
	t->t[t->n].len = len;
	t->n++;
	return 0;
}

/* Character classes for the scanner's inner loops: the hot path of a
 * million-record zone is skipping ordinary bytes. */
enum { CH_WORD = 0, CH_BLANK = 1, CH_SPECIAL = 2 };
static const unsigned char chclass[256] = {
    [' '] = CH_BLANK,	['\t'] = CH_BLANK,  ['\r'] = CH_BLANK,
    ['\n'] = CH_BLANK,	['('] = CH_SPECIAL, [')'] = CH_SPECIAL,
    ['"'] = CH_SPECIAL, [';'] = CH_SPECIAL, ['\\'] = CH_SPECIAL,
};

/* Bytes of x equal to c, as high bits (the classic SWAR zero-byte test). */
#define ONES 0x0101010101010101ULL
static inline uint64_t bytes_equal(uint64_t x, unsigned char c)
{
	uint64_t y = x ^ (ONES * c);

	return (y - ONES) & ~y & (ONES * 0x80);
}

/* The first byte from i on that is a parenthesis, quote, ';' or '\\',
 * eight bytes at a time: most lines hold none after their head. */
static size_t skip_plain(const unsigned char *u, size_t i, size_t len)
{
	uint64_t x;

	while (i + 8 <= len) {
		memcpy(&x, u + i, 8);
		if (bytes_equal(x, '(') | bytes_equal(x, ')') | bytes_equal(x, '"') |
		    bytes_equal(x, ';') | bytes_equal(x, '\\'))
			break;
		i += 8;
	}
	while (i < len && chclass[u[i]] != CH_SPECIAL)
		i++;
	return i;
}

/*
 * The end of a word from i on: eight bytes at a time while none is below
 * '*' (blanks, quotes, parentheses and some punctuation), ';' or '\\';
 * then byte by byte, where the table decides.
 */
static size_t skip_word(const unsigned char *u, size_t i, size_t len)
{
	uint64_t x;

	while (i + 8 <= len) {
		memcpy(&x, u + i, 8);
		if (((x - ONES * 0x2a) & ~x & (ONES * 0x80)) | bytes_equal(x, ';') |
		    bytes_equal(x, '\\'))
			break;
		i += 8;
	}
	while (i < len && chclass[u[i]] == CH_WORD)
		i++;
	return i;
}

int tlsa_zone_tokenize(struct toks *t, const char *s, size_t len, size_t base, int *depth,
		       size_t max)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, st;
	unsigned char c;

	while (i < len) {
		c = u[i];
		if (chclass[c] == CH_BLANK) {
			i++;
			continue;
		}
		if (c == ';') {
			while (i < len && s[i] != '\n')
				i++;
			continue;
		}
		if (c == '(') {
			(*depth)++;
			i++;
			continue;
		}
		if (c == ')') {
			if (*depth == 0)
				return TOK_PAREN;
			(*depth)--;
			i++;
			continue;
		}
		st = i;
		if (c == '"') {
			const char *q = memchr(s + i + 1, '"', len - i - 1);
			i++;
			if (q != NULL && memchr(s + i, '\\', (size_t)(q - s) - i) == NULL &&
			    memchr(s + i, '\n', (size_t)(q - s) - i) == NULL) {
				i = (size_t)(q - s); /* the common case: no escapes inside */
			} else {
				while (i < len && s[i] != '"' && s[i] != '\n') {
					if (s[i] == '\\' && i + 1 < len)
						i++;
					i++;
				}
			}
			if (i >= len || s[i] != '"')
				return TOK_QUOTE;
			i++;
		} else {
			for (;;) {
				i = skip_word(u, i, len);
				if (i + 1 < len && u[i] == '\\') {
					i += 2;
					continue;
				}
				if (i < len && u[i] == '\\')
					i++;
				break;
			}
		}
		if (t->n >= max) {
			/* Past the head: only structure matters; skip words fast. */
			i = skip_plain(u, i, len);
			if (i < len && u[i] == '\\')
				i += 2;
			continue;
		}
		if (tok_push(t, base + st, i - st) != 0)
			return TOK_NOMEM;
	}
	return TOK_OK;
}
