/*
 * A small growable text buffer, for the texts of records and patches the
 * zone files build.  Header only: the scanner and planner call these for
 * every record of a zone of millions.  Not installed.
 */
#ifndef TLSA_ZONEBUF_H
#define TLSA_ZONEBUF_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct buf {
	char *p;
	size_t len, cap;
};

/* Room for more bytes and a NUL: 0, or -1 when out of memory. */
static inline int buf_reserve(struct buf *b, size_t more)
{
	size_t cap;
	char *p;

	if (b->len + more + 1 <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < b->len + more + 1)
		cap *= 2;
	p = realloc(b->p, cap);
	if (p == NULL)
		return -1;
	b->p = p;
	b->cap = cap;
	return 0;
}

static inline int buf_add(struct buf *b, const char *s, size_t n)
{
	if (buf_reserve(b, n) != 0)
		return -1;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

static inline int buf_str(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

/* A number in decimal (TTLs). */
static inline int buf_num(struct buf *b, unsigned long v)
{
	char tmp[24];
	int n = snprintf(tmp, sizeof(tmp), "%lu", v);

	return n < 0 ? -1 : buf_add(b, tmp, (size_t)n);
}

#endif
