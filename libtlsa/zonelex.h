/*
 * The words of a zone file (zonelex.c): names, TTLs, type and class
 * mnemonics, and the tokens of an entry.  Not installed.
 *
 * The small helpers are inline: the scanner calls them for every record
 * of a zone of millions.
 */
#ifndef TLSA_ZONELEX_H
#define TLSA_ZONELEX_H

#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>

#define NAME_MAX_TEXT 1100 /* presentation names: 255 octets, escapes */

/* ---- names and TTLs -------------------------------------------------- */

static inline int names_equal(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}

/* True when the name text ends in an unescaped dot. */
int tlsa_zone_is_absolute(const char *s, size_t n);
/* The absolute name of text (n bytes) under origin, into out: 0 or -1. */
int tlsa_zone_absolute(const char *text, size_t n, const char *origin, char *out, size_t size);
/* name relative to origin ("@" for the origin) when under it, else NULL. */
char *tlsa_zone_relative(const char *name, const char *origin);
/* name is origin or below it ("." holds every name). */
int tlsa_zone_name_in(const char *name, const char *origin);
/* A hash of the name, the same for any case. */
uint32_t tlsa_zone_hash(const char *s);
/* A TTL: seconds, or NUMBER UNIT... with units s m h d w (any case). */
int tlsa_zone_parse_ttl(const char *s, size_t n, uint32_t *out);

/* ---- mnemonics ------------------------------------------------------- */

static inline int token_is(const char *s, size_t n, const char *word)
{
	return n == strlen(word) && (s[0] | 0x20) == (word[0] | 0x20) &&
	       strncasecmp(s, word, n) == 0;
}

/* A class mnemonic; called for every record, so no loop over a table. */
static inline int is_class(const char *s, size_t n)
{
	size_t i;
	int a, b;

	if (n == 2) {
		a = s[0] | 0x20;
		b = s[1] | 0x20;
		return (a == 'i' && b == 'n') || (a == 'c' && b == 'h') || (a == 'h' && b == 's') ||
		       (a == 'c' && b == 's');
	}
	if (n == 3)
		return strncasecmp(s, "ANY", 3) == 0;
	if (n == 4)
		return strncasecmp(s, "NONE", 4) == 0;
	if (n > 5 && strncasecmp(s, "CLASS", 5) == 0) {
		for (i = 5; i < n; i++)
			if (!isdigit((unsigned char)s[i]))
				return 0;
		return 1;
	}
	return 0;
}

static inline int is_tlsa_type(const char *s, size_t n)
{
	return token_is(s, n, "TLSA") || token_is(s, n, "TYPE52");
}

static inline int is_soa_type(const char *s, size_t n)
{
	return token_is(s, n, "SOA") || token_is(s, n, "TYPE6");
}

static inline int is_cname_type(const char *s, size_t n)
{
	return token_is(s, n, "CNAME") || token_is(s, n, "TYPE5");
}

/* ---- tokens ---------------------------------------------------------- */

struct tok {
	size_t off, len;
};

struct toks {
	struct tok *t;
	size_t n, cap;
};

enum { TOK_OK = 0, TOK_NOMEM = -1, TOK_PAREN = -2, TOK_QUOTE = -3 };

/* The first tokens of an entry: owner, TTL and class in either order, type. */
#define HEAD_TOKENS 4

/*
 * Split s[0..len) into tokens (offsets from base), following parentheses
 * into *depth.  A ';' outside quotes starts a comment to the end of the
 * line; a backslash escapes the next character; newlines are blanks.
 * After max tokens the rest is only scanned for parentheses, quotes and
 * comments.  TOK_OK or another TOK_*.
 */
int tlsa_zone_tokenize(struct toks *t, const char *s, size_t len, size_t base, int *depth,
		       size_t max);

/*
 * After the owner (tokens from i on): TTL and class in either order, then
 * the type.  Returns the type's index (t->n when there is none); *ttl_i
 * and *class_i get their indexes, -1 when absent.  Inlined: it runs once
 * or twice for every entry of the zone.
 */
static inline __attribute__((always_inline)) size_t
head_fields(const char *text, const struct toks *t, size_t i, int *ttl_i, int *class_i)
{
	int k;

	*ttl_i = *class_i = -1;
	for (k = 0; k < 2 && i < t->n; k++) {
		const char *s = text + t->t[i].off;
		if (*ttl_i < 0 && isdigit((unsigned char)s[0]))
			*ttl_i = (int)i++;
		else if (*class_i < 0 && is_class(s, t->t[i].len))
			*class_i = (int)i++;
		else
			break;
	}
	return i;
}

/* One entry (a record, however many lines it spans), tokenised. */
struct entry {
	const char *text; /* its lines */
	size_t len;
	size_t first_len; /* its first line, EOL included */
	const struct toks *t;
	size_t type_i;
	int ttl_i, class_i; /* -1: none */
	off_t start;	    /* of its first byte in the file */
	unsigned long line;
};

#endif
