/*
 * Editing zone files in place: a streaming scanner, an edit plan made of
 * byte-range patches, and the safe replacement of files.
 *
 * Owns: tlsa_zone_edit_*.  The scanner reads the file once, an entry (one
 * record, however many lines it spans) at a time, and remembers only the
 * SOA serial's position and the TLSA records at the owners being changed.
 * Records that matter are parsed with ldns and compared in wire form.
 * The edit is then a short sorted list of patches (replace bytes
 * [start, end) by a text); the new file is the old one copied around the
 * patches, so every byte outside them is the old byte.
 *
 * Does not own: serial arithmetic (serial.c), TLSA rdata (record.c),
 * printing, diffs or signal handlers (cmd/zone.c).
 *
 * Locking: flock(LOCK_EX) on the zone file itself (LOCK_SH for dry runs
 * and -o), re-checked after it is granted: a waiter that locked a file
 * another run has just replaced opens the new file and locks again.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ldns/ldns.h>

#include <tlsa.h>

#define NAME_MAX_TEXT	  1100 /* presentation names: 255 octets, escapes */
#define INCLUDE_DEPTH_MAX 8
#define READ_CHUNK	  (1u << 20)
#define NONE		  ((size_t)-1)

/* ---- small growable buffers ------------------------------------------ */

struct buf {
	char *p;
	size_t len, cap;
};

static int buf_reserve(struct buf *b, size_t more)
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

static int buf_add(struct buf *b, const char *s, size_t n)
{
	if (buf_reserve(b, n) != 0)
		return -1;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

static int buf_str(struct buf *b, const char *s)
{
	return buf_add(b, s, strlen(s));
}

static int buf_fmt(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int buf_fmt(struct buf *b, const char *fmt, ...)
{
	char tmp[64];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return -1;
	return buf_add(b, tmp, (size_t)n);
}

/* ---- the edit -------------------------------------------------------- */

/* A record asked for. */
struct want {
	tlsa_record *rec;
	uint32_t ttl;
	int has_ttl;
	int generic; /* given as TYPE52 \# ... */
};

/* A TLSA record found in a file at an owner being changed. */
struct found {
	size_t target;
	int in_main;
	char *file; /* for messages, when not in the main file */
	unsigned long line;
	off_t start, end; /* the entry's bytes, EOL included */
	tlsa_record *rec;
	uint32_t ttl;
	int generic;
	char *head; /* first-line bytes before the type token, or NULL */
	size_t head_len;
	long ttl_off; /* TTL token within head, -1 when none */
	size_t ttl_len;
	size_t ttl_ins;	   /* where a TTL goes when there is none */
	char type_sep[16]; /* white space after the type token */
	char eol[3];
	char *prev_owner;	       /* absolute owner in effect before it, or NULL */
	char *fix_text;		       /* owner text a following blank-owner line needs */
	size_t prev_found, next_found; /* neighbouring entries when found */
	int next_blank;		       /* the next entry has a blank owner */
	off_t next_start;
	int removed;
};

struct target {
	char *owner;   /* absolute, lowercase: the key */
	char *display; /* absolute, as given */
	struct want *wants;
	size_t nwants;
	int remove;
	int generic; /* given records were in generic form */
	/* What the plan does with it, for tlsa_zone_edit_change(). */
	tlsa_zone_set_change kind;
	size_t old_count;
	unsigned long line;
	int in_snippet;
};

/* A raw name given before the origin is known. */
struct pending {
	char *owner_text; /* as given */
	struct want want;
	int remove;
	int has_want;
};

struct patch {
	off_t start, end;
	char *text;
	size_t len;
	off_t out_off;
	int records; /* text holds TLSA records to read back */
	size_t target;
};

struct outfile {
	char target[PATH_MAX]; /* the file to replace (symlinks resolved) */
	char temp[PATH_MAX];   /* mkstemp template, then the temp file */
	volatile sig_atomic_t temp_live;
	int existed;
	int zone;	/* the zone file (committed first) */
	struct stat st; /* of target when read */
};

struct tlsa_zone_edit {
	char *origin; /* --origin, absolute */
	tlsa_serial_spec serial;
	time_t now;
	unsigned flags;
	char *output, *snippet, *scratch;

	struct pending *pend;
	size_t npend;
	struct target *targets;
	size_t ntargets;
	size_t *hash; /* open addressing over targets, size hcap */
	size_t hcap;

	struct found *found;
	size_t nfound;
	struct patch *patches;
	size_t npatches;

	/* What the scan of the main file learnt. */
	int have_soa;
	off_t serial_off;
	size_t serial_len;
	uint32_t soa_serial;
	unsigned long serial_line;
	char *zone_origin; /* SOA owner, absolute */
	int signed_zone;
	char signed_file[1024];
	unsigned long signed_line;
	int uses_relative;
	int sep_tab;
	char eol[3];
	int ends_with_eol;
	off_t size;
	char *eof_origin;
	int snippet_included;
	struct stat snippet_st;
	int snippet_exists;

	int zone_fd;
	struct stat zone_st;	  /* the zone file when locked */
	char zone_path[PATH_MAX]; /* as named */
	struct outfile out[2];
	size_t nout;
	tlsa_zone_where where;
};

/* ---- errors ---------------------------------------------------------- */

static tlsa_status fail(tlsa_zone_edit *ed, tlsa_status st, const char *file, unsigned long line,
			const char *fmt, ...) __attribute__((format(printf, 5, 6)));
static tlsa_status fail(tlsa_zone_edit *ed, tlsa_status st, const char *file, unsigned long line,
			const char *fmt, ...)
{
	va_list ap;

	snprintf(ed->where.file, sizeof(ed->where.file), "%s", file ? file : "");
	ed->where.line = line;
	ed->where.detail[0] = '\0';
	if (fmt != NULL) {
		va_start(ap, fmt);
		vsnprintf(ed->where.detail, sizeof(ed->where.detail), fmt, ap);
		va_end(ap);
	}
	return st;
}

/* ---- names ----------------------------------------------------------- */

static void lower(char *s)
{
	for (; *s; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

/* True when the name text ends in an unescaped dot. */
static int is_absolute(const char *s, size_t n)
{
	size_t bs = 0;

	if (n == 0 || s[n - 1] != '.')
		return 0;
	while (bs + 1 < n && s[n - 2 - bs] == '\\')
		bs++;
	return bs % 2 == 0;
}

/* The absolute name of text (n bytes) under origin, into out. */
static int make_absolute(const char *text, size_t n, const char *origin, char *out, size_t size)
{
	size_t o;

	if (n == 1 && text[0] == '@') {
		if (origin == NULL || (o = strlen(origin)) >= size)
			return -1;
		memcpy(out, origin, o + 1);
	} else if (is_absolute(text, n)) {
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

static int names_equal(const char *a, const char *b)
{
	return strcasecmp(a, b) == 0;
}

/* name relative to origin ("@" for the origin) when under it, else NULL. */
static char *relative_to(const char *name, const char *origin)
{
	size_t n = strlen(name), o = origin ? strlen(origin) : 0;
	char *r;

	if (origin == NULL || strcmp(origin, ".") == 0)
		return NULL;
	if (names_equal(name, origin))
		return strdup("@");
	if (n <= o + 1 || name[n - o - 1] != '.' || strcasecmp(name + n - o, origin) != 0)
		return NULL;
	r = strndup(name, n - o - 1);
	return r;
}

static uint32_t hash_name(const char *s)
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

static size_t find_target(const tlsa_zone_edit *ed, const char *owner)
{
	size_t i;

	if (ed->hcap == 0)
		return NONE;
	for (i = hash_name(owner) & (ed->hcap - 1); ed->hash[i] != NONE;
	     i = (i + 1) & (ed->hcap - 1))
		if (names_equal(ed->targets[ed->hash[i]].owner, owner))
			return ed->hash[i];
	return NONE;
}

/* ---- TTLs ------------------------------------------------------------ */

/* A TTL: seconds, or NUMBER UNIT... with units s m h d w (any case). */
static int parse_ttl(const char *s, size_t n, uint32_t *out)
{
	uint64_t total = 0, v;
	size_t i = 0;

	if (n == 0 || !isdigit((unsigned char)s[0]))
		return -1;
	while (i < n) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = 0;
		while (i < n && isdigit((unsigned char)s[i])) {
			v = v * 10 + (uint64_t)(s[i++] - '0');
			if (v > UINT32_MAX)
				return -1;
		}
		if (i < n) {
			switch (s[i] | 0x20) {
			case 's':
				break;
			case 'm':
				v *= 60;
				break;
			case 'h':
				v *= 3600;
				break;
			case 'd':
				v *= 86400;
				break;
			case 'w':
				v *= 604800;
				break;
			default:
				return -1;
			}
			i++;
		}
		total += v;
		if (total > UINT32_MAX)
			return -1;
	}
	*out = (uint32_t)total;
	return 0;
}

/* A class mnemonic; called for every record, so no loop over a table. */
static int is_class(const char *s, size_t n)
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

static int token_is(const char *s, size_t n, const char *word)
{
	return n == strlen(word) && (s[0] | 0x20) == (word[0] | 0x20) &&
	       strncasecmp(s, word, n) == 0;
}

/* ---- tokens ---------------------------------------------------------- */

struct tok {
	size_t off, len;
};

struct toks {
	struct tok *t;
	size_t n, cap;
};

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

enum { TOK_OK = 0, TOK_NOMEM = -1, TOK_PAREN = -2, TOK_QUOTE = -3 };

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

/* The first tokens of an entry: owner, TTL and class in either order, type. */
#define HEAD_TOKENS 4

/*
 * Split s[0..len) into tokens (offsets from base), following parentheses
 * into *depth.  A ';' outside quotes starts a comment to the end of the
 * line; a backslash escapes the next character; newlines are blanks.
 * After max tokens the rest is only scanned for parentheses, quotes and
 * comments.
 */
static int tokenize(struct toks *t, const char *s, size_t len, size_t base, int *depth, size_t max)
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

/* ---- reading lines --------------------------------------------------- */

struct reader {
	int fd;
	char *buf;
	size_t cap, start, end;
	int eof;
};

/* The next line with its EOL: 1, 0 at the end, -1 on a read error. */
static int reader_line(struct reader *r, const char **line, size_t *len)
{
	char *nl, *p;
	ssize_t n;

	for (;;) {
		nl = memchr(r->buf + r->start, '\n', r->end - r->start);
		if (nl != NULL) {
			*line = r->buf + r->start;
			*len = (size_t)(nl - *line) + 1;
			r->start += *len;
			return 1;
		}
		if (r->eof) {
			if (r->end == r->start)
				return 0;
			*line = r->buf + r->start;
			*len = r->end - r->start;
			r->start = r->end;
			return 1;
		}
		if (r->start > 0) {
			memmove(r->buf, r->buf + r->start, r->end - r->start);
			r->end -= r->start;
			r->start = 0;
		}
		if (r->end == r->cap) {
			p = realloc(r->buf, r->cap * 2);
			if (p == NULL)
				return -2;
			r->buf = p;
			r->cap *= 2;
		}
		n = read(r->fd, r->buf + r->end, r->cap - r->end);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			r->eof = 1;
		r->end += (size_t)n;
	}
}

/* ---- the scanner ----------------------------------------------------- */

enum scan_mode {
	SCAN_EDIT,   /* collect the SOA and TLSA records at targets */
	SCAN_SOA,    /* stop at the SOA: only its owner is wanted */
	SCAN_CHECK,  /* parse every record with ldns (--check) */
	SCAN_SNIPPET /* collect every TLSA record (an --include snippet) */
};

struct scan {
	tlsa_zone_edit *ed;
	enum scan_mode mode;
	const char *path; /* as shown in messages */
	int is_main;
	int depth_incl;
	char origin[NAME_MAX_TEXT];
	int has_origin;
	uint32_t default_ttl, last_ttl;
	int has_default_ttl, has_last_ttl;
	/* The owner in effect: its text as written, and its absolute form,
	 * computed on demand (abs_valid) against the origin of its time. */
	char owner_text[NAME_MAX_TEXT];
	int has_owner;
	char owner_abs[NAME_MAX_TEXT];
	int abs_valid;
	unsigned origin_gen, owner_gen;
	size_t last_found; /* found index of the previous entry, or NONE */
	int done;	   /* SCAN_SOA: found it */
	/* Records of a snippet (SCAN_SNIPPET). */
	struct snip *snip;
	ldns_rdf *origin_rdf;
};

static tlsa_status scan_file(tlsa_zone_edit *ed, struct scan *sc, int fd);
static int resolve_target(const char *path, char *out);

/* True when paths a and b (which need not exist) name the same file. */
static int same_new_file(const char *a, const char *b, const char *a_beside)
{
	char ra[PATH_MAX], rb[PATH_MAX];

	if (resolve_target(b, rb) != 0)
		return 0;
	if (resolve_target(a, ra) == 0 && strcmp(ra, rb) == 0)
		return 1;
	return a_beside[0] != '\0' && resolve_target(a_beside, ra) == 0 && strcmp(ra, rb) == 0;
}

static const char *cur_owner_abs(struct scan *sc)
{
	if (!sc->abs_valid) {
		if (make_absolute(sc->owner_text, strlen(sc->owner_text),
				  sc->has_origin ? sc->origin : NULL, sc->owner_abs,
				  sizeof(sc->owner_abs)) != 0)
			return NULL;
		sc->abs_valid = 1;
	}
	return sc->owner_abs;
}

/* An entry's text in one line for ldns: "OWNER TTL CLASS TYPE RDATA...". */
static int normalise(struct buf *b, const char *text, const struct toks *t, size_t type_i,
		     const char *owner, uint32_t ttl, int class_i)
{
	size_t i;

	b->len = 0;
	if (buf_str(b, owner) || buf_fmt(b, " %lu ", (unsigned long)ttl))
		return -1;
	if (class_i >= 0) {
		if (buf_add(b, text + t->t[class_i].off, t->t[class_i].len))
			return -1;
	} else if (buf_str(b, "IN")) {
		return -1;
	}
	for (i = type_i; i < t->n; i++)
		if (buf_add(b, " ", 1) || buf_add(b, text + t->t[i].off, t->t[i].len))
			return -1;
	return 0;
}

static ldns_rdf *origin_rdf(struct scan *sc)
{
	if (sc->origin_rdf == NULL && sc->has_origin)
		sc->origin_rdf = ldns_dname_new_frm_str(sc->origin);
	return sc->origin_rdf;
}

/* The TLSA rdata of an ldns record. */
static tlsa_status rr_tlsa(const ldns_rr *rr, tlsa_record **out)
{
	ldns_buffer *b = ldns_buffer_new(512);
	tlsa_status st;

	if (b == NULL)
		return TLSA_ERR_NOMEM;
	if (ldns_rr_rdata2buffer_wire(b, rr) != LDNS_STATUS_OK) {
		ldns_buffer_free(b);
		return TLSA_ERR_INTERNAL;
	}
	st = tlsa_record_from_wire(ldns_buffer_begin(b), ldns_buffer_position(b), out);
	ldns_buffer_free(b);
	return st;
}

/* A snippet's records, for SCAN_SNIPPET. */
struct snip_rr {
	char *owner; /* absolute */
	tlsa_record *rec;
	uint32_t ttl;
	int has_ttl;
};
struct snip {
	struct snip_rr *rr;
	size_t n;
};

static void found_free(struct found *f)
{
	tlsa_record_free(f->rec);
	free(f->file);
	free(f->head);
	free(f->prev_owner);
	free(f->fix_text);
}

/* A directive line: $ORIGIN, $TTL, $INCLUDE; others are passed over. */
static tlsa_status directive(struct scan *sc, const char *text, const struct toks *t,
			     unsigned long line)
{
	tlsa_zone_edit *ed = sc->ed;
	const struct tok *a = t->n > 1 ? &t->t[1] : NULL;
	char name[NAME_MAX_TEXT];

	if (token_is(text + t->t[0].off, t->t[0].len, "$ORIGIN")) {
		if (a == NULL ||
		    make_absolute(text + a->off, a->len, sc->has_origin ? sc->origin : NULL, name,
				  sizeof(name)) != 0)
			return fail(ed, TLSA_ERR_ZONE_SYNTAX, sc->path, line, "bad $ORIGIN");
		/* The owner in effect keeps the origin of its own time. */
		if (sc->has_owner && cur_owner_abs(sc) == NULL)
			return fail(ed, TLSA_ERR_ZONE_ORIGIN, sc->path, line, NULL);
		memcpy(sc->origin, name, sizeof(name));
		sc->has_origin = 1;
		sc->origin_gen++;
		if (sc->origin_rdf != NULL) {
			ldns_rdf_deep_free(sc->origin_rdf);
			sc->origin_rdf = NULL;
		}
	} else if (token_is(text + t->t[0].off, t->t[0].len, "$TTL")) {
		if (a == NULL || parse_ttl(text + a->off, a->len, &sc->default_ttl) != 0)
			return fail(ed, TLSA_ERR_ZONE_SYNTAX, sc->path, line, "bad $TTL");
		sc->has_default_ttl = 1;
	} else if (token_is(text + t->t[0].off, t->t[0].len, "$INCLUDE")) {
		char path[PATH_MAX], dir[PATH_MAX], *slash;
		struct scan sub;
		struct stat st;
		tlsa_status s;
		int fd, w;

		if (a == NULL || a->len >= sizeof(path))
			return fail(ed, TLSA_ERR_ZONE_SYNTAX, sc->path, line, "bad $INCLUDE");
		if (sc->depth_incl >= INCLUDE_DEPTH_MAX)
			return fail(ed, TLSA_ERR_ZONE_INCLUDE, sc->path, line,
				    "$INCLUDE nested more than %d deep", INCLUDE_DEPTH_MAX);
		memcpy(path, text + a->off, a->len);
		path[a->len] = '\0';
		if (path[0] == '"' && a->len >= 2) {
			memmove(path, path + 1, a->len - 2);
			path[a->len - 2] = '\0';
		}
		fd = -1;
		name[0] = '\0';
		if (path[0] != '/') {
			/* Knot's rule first: beside the including file. */
			snprintf(dir, sizeof(dir), "%s", sc->path);
			slash = strrchr(dir, '/');
			if (slash != NULL) {
				*slash = '\0';
				w = snprintf(name, sizeof(name), "%s/%s", dir, path);
				if (w > 0 && (size_t)w < sizeof(name)) {
					fd = open(name, O_RDONLY | O_CLOEXEC);
					if (fd >= 0)
						snprintf(path, sizeof(path), "%s", name);
				}
			}
		}
		if (fd < 0)
			fd = open(path, O_RDONLY | O_CLOEXEC); /* BIND's and NSD's rule */
		if (fd < 0 && errno == ENOENT && ed->snippet != NULL && !ed->snippet_exists &&
		    same_new_file(path, ed->snippet, name)) {
			ed->snippet_included = 1; /* the snippet this run creates */
			return TLSA_OK;
		}
		if (fd < 0)
			return fail(ed, TLSA_ERR_ZONE_INCLUDE, sc->path, line, "%s: %s", path,
				    strerror(errno));
		if (fstat(fd, &st) == 0 && ed->snippet_exists &&
		    st.st_dev == ed->snippet_st.st_dev && st.st_ino == ed->snippet_st.st_ino)
			ed->snippet_included = 1;
		memset(&sub, 0, sizeof(sub));
		sub.ed = ed;
		sub.mode = sc->mode;
		sub.path = path;
		sub.depth_incl = sc->depth_incl + 1;
		sub.has_origin = sc->has_origin;
		memcpy(sub.origin, sc->origin, sizeof(sub.origin));
		if (t->n > 2 && make_absolute(text + t->t[2].off, t->t[2].len,
					      sc->has_origin ? sc->origin : NULL, sub.origin,
					      sizeof(sub.origin)) == 0)
			sub.has_origin = 1;
		sub.default_ttl = sc->default_ttl;
		sub.has_default_ttl = sc->has_default_ttl;
		sub.last_ttl = sc->last_ttl;
		sub.has_last_ttl = sc->has_last_ttl;
		sub.last_found = NONE;
		sub.snip = sc->snip;
		s = scan_file(ed, &sub, fd);
		close(fd);
		if (sub.origin_rdf != NULL)
			ldns_rdf_deep_free(sub.origin_rdf);
		if (sub.done)
			sc->done = 1;
		return s;
	}
	return TLSA_OK;
}

/* Parse one RR with ldns from the entry's normalised text. */
static tlsa_status parse_rr(struct scan *sc, struct buf *norm, const char *text,
			    const struct toks *t, size_t type_i, int class_i, int ttl_i,
			    const char *owner, unsigned long line, ldns_rr **rr)
{
	uint32_t ttl;
	ldns_status ls;

	if (ttl_i >= 0) {
		if (parse_ttl(text + t->t[ttl_i].off, t->t[ttl_i].len, &ttl) != 0)
			return fail(sc->ed, TLSA_ERR_ZONE_SYNTAX, sc->path, line, "bad TTL");
	} else {
		ttl = sc->has_default_ttl ? sc->default_ttl : sc->has_last_ttl ? sc->last_ttl : 0;
	}
	if (normalise(norm, text, t, type_i, owner, ttl, class_i) != 0)
		return TLSA_ERR_NOMEM;
	*rr = NULL;
	ls = ldns_rr_new_frm_str(rr, norm->p, ttl, origin_rdf(sc), NULL);
	if (ls != LDNS_STATUS_OK) {
		*rr = NULL;
		return fail(sc->ed, TLSA_ERR_ZONE_RECORD, sc->path, line, "%s",
			    ldns_get_errorstr_by_id(ls));
	}
	return TLSA_OK;
}

static tlsa_status add_found(struct scan *sc, const char *text, size_t first_len,
			     const struct toks *t, size_t type_i, int ttl_i, int class_i,
			     off_t start, size_t len, unsigned long line, size_t target,
			     const char *owner, const char *prev_owner, int explicit_owner)
{
	tlsa_zone_edit *ed = sc->ed;
	struct buf norm = {0};
	struct found *f, *nf;
	ldns_rr *rr = NULL;
	tlsa_status st;
	size_t i, e;

	st = parse_rr(sc, &norm, text, t, type_i, class_i, ttl_i, owner, line, &rr);
	free(norm.p);
	if (st != TLSA_OK)
		return st;
	if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_TLSA) {
		ldns_rr_free(rr);
		return fail(ed, TLSA_ERR_ZONE_RECORD, sc->path, line, "not a TLSA record");
	}
	nf = realloc(ed->found, (ed->nfound + 1) * sizeof(*nf));
	if (nf == NULL) {
		ldns_rr_free(rr);
		return TLSA_ERR_NOMEM;
	}
	ed->found = nf;
	f = &ed->found[ed->nfound];
	memset(f, 0, sizeof(*f));
	f->target = target;
	f->in_main = sc->is_main;
	f->file = strdup(sc->path);
	f->line = line;
	f->start = start;
	f->end = start + (off_t)len;
	f->ttl = ldns_rr_ttl(rr);
	f->generic = token_is(text + t->t[type_i].off, t->t[type_i].len, "TYPE52") ||
		     (type_i + 1 < t->n && t->t[type_i + 1].len == 2 &&
		      memcmp(text + t->t[type_i + 1].off, "\\#", 2) == 0);
	f->ttl_off = -1;
	f->prev_found = sc->last_found;
	f->next_found = NONE;
	st = rr_tlsa(rr, &f->rec);
	ldns_rr_free(rr);
	if (f->file == NULL || st != TLSA_OK) {
		found_free(f);
		return st != TLSA_OK ? fail(ed, st, sc->path, line, NULL) : TLSA_ERR_NOMEM;
	}
	if (prev_owner != NULL && (f->prev_owner = strdup(prev_owner)) == NULL) {
		found_free(f);
		return TLSA_ERR_NOMEM;
	}
	/* The layout of its first line, for records that take its place. */
	if (t->t[type_i].off < first_len) {
		f->head_len = t->t[type_i].off;
		f->head = strndup(text, f->head_len);
		if (f->head == NULL) {
			found_free(f);
			return TLSA_ERR_NOMEM;
		}
		if (ttl_i >= 0) {
			f->ttl_off = (long)t->t[ttl_i].off;
			f->ttl_len = t->t[ttl_i].len;
		}
		f->ttl_ins = explicit_owner ? (t->n > 1 ? t->t[1].off : f->head_len) : t->t[0].off;
		e = t->t[type_i].off + t->t[type_i].len;
		for (i = 0; e + i < first_len && i + 1 < sizeof(f->type_sep) &&
			    (text[e + i] == ' ' || text[e + i] == '\t');
		     i++)
			f->type_sep[i] = text[e + i];
	}
	if (f->type_sep[0] == '\0')
		f->type_sep[0] = ' ';
	if (first_len >= 2 && text[first_len - 2] == '\r' && text[first_len - 1] == '\n')
		memcpy(f->eol, "\r\n", 3);
	else if (first_len >= 1 && text[first_len - 1] == '\n')
		memcpy(f->eol, "\n", 2);
	ed->nfound++;
	return TLSA_OK;
}

static tlsa_status handle_soa(struct scan *sc, const char *text, const struct toks *t,
			      size_t type_i, int ttl_i, int class_i, off_t start,
			      unsigned long line, const char *owner)
{
	tlsa_zone_edit *ed = sc->ed;
	struct buf norm = {0};
	const struct tok *s;
	unsigned long sline = line;
	uint64_t v = 0;
	ldns_rr *rr = NULL;
	tlsa_status st;
	size_t i;

	if (sc->mode == SCAN_SOA) {
		free(ed->zone_origin);
		ed->zone_origin = strdup(owner);
		sc->done = 1;
		return ed->zone_origin ? TLSA_OK : TLSA_ERR_NOMEM;
	}
	if (!sc->is_main)
		return fail(ed, TLSA_ERR_ZONE_SOA, sc->path, line,
			    "the SOA is in an included file; run tlsa zone on that file");
	if (ed->have_soa)
		return fail(ed, TLSA_ERR_ZONE_SOA, sc->path, line, "a second SOA record");
	if (type_i + 3 >= t->n)
		return fail(ed, TLSA_ERR_ZONE_SOA, sc->path, line, "SOA without a serial");
	s = &t->t[type_i + 3];
	for (i = 0; i < s->len; i++) {
		if (!isdigit((unsigned char)text[s->off + i]))
			return fail(ed, TLSA_ERR_ZONE_SOA, sc->path, line,
				    "SOA serial '%.*s' is not a number", (int)s->len,
				    text + s->off);
		v = v * 10 + (uint64_t)(text[s->off + i] - '0');
		if (v > UINT32_MAX)
			return fail(ed, TLSA_ERR_ZONE_SOA, sc->path, line,
				    "SOA serial above 4294967295");
	}
	for (i = 0; i < s->off; i++)
		if (text[i] == '\n')
			sline++;
	st = parse_rr(sc, &norm, text, t, type_i, class_i, ttl_i, owner, line, &rr);
	free(norm.p);
	if (st != TLSA_OK)
		return st;
	ldns_rr_free(rr);
	ed->have_soa = 1;
	ed->soa_serial = (uint32_t)v;
	ed->serial_off = start + (off_t)s->off;
	ed->serial_len = s->len;
	ed->serial_line = sline;
	free(ed->zone_origin);
	ed->zone_origin = strdup(owner);
	return ed->zone_origin ? TLSA_OK : TLSA_ERR_NOMEM;
}

static tlsa_status snip_add(struct scan *sc, const char *text, const struct toks *t, size_t type_i,
			    int ttl_i, int class_i, unsigned long line, const char *owner)
{
	struct buf norm = {0};
	struct snip_rr *n;
	ldns_rr *rr = NULL;
	tlsa_record *rec = NULL;
	tlsa_status st;

	st = parse_rr(sc, &norm, text, t, type_i, class_i, ttl_i, owner, line, &rr);
	free(norm.p);
	if (st != TLSA_OK)
		return st;
	st = rr_tlsa(rr, &rec);
	if (st == TLSA_OK) {
		n = realloc(sc->snip->rr, (sc->snip->n + 1) * sizeof(*n));
		if (n == NULL) {
			st = TLSA_ERR_NOMEM;
		} else {
			sc->snip->rr = n;
			n[sc->snip->n].owner = strdup(owner);
			n[sc->snip->n].rec = rec;
			n[sc->snip->n].ttl = ldns_rr_ttl(rr);
			n[sc->snip->n].has_ttl = ttl_i >= 0;
			if (n[sc->snip->n].owner == NULL) {
				st = TLSA_ERR_NOMEM;
			} else {
				sc->snip->n++;
				rec = NULL;
			}
		}
	}
	tlsa_record_free(rec);
	ldns_rr_free(rr);
	return st == TLSA_OK ? st : fail(sc->ed, st, sc->path, line, NULL);
}

/* One entry: a directive or a record, text[0..len) holding its lines. */
static tlsa_status entry(struct scan *sc, const char *text, size_t len, size_t first_len,
			 const struct toks *t, off_t start, unsigned long line, int full)
{
	tlsa_zone_edit *ed = sc->ed;
	int explicit_owner = text[0] != ' ' && text[0] != '\t';
	int ttl_i = -1, class_i = -1, k, is_tlsa, is_soa;
	size_t i = 0, type_i, target = NONE, this_found = NONE;
	char prev_abs[NAME_MAX_TEXT];
	int had_prev = 0;
	const char *owner, *ty;
	size_t tyl;
	tlsa_status st = TLSA_OK;

	if (explicit_owner && t->t[0].off == 0 && text[0] == '$')
		return directive(sc, text, t, line);

	i = explicit_owner ? 1 : 0;
	for (k = 0; k < 2 && i < t->n; k++) {
		const char *s = text + t->t[i].off;
		size_t n = t->t[i].len;
		if (ttl_i < 0 && isdigit((unsigned char)s[0]))
			ttl_i = (int)i++;
		else if (class_i < 0 && is_class(s, n))
			class_i = (int)i++;
		else
			break;
	}
	if (i < t->n) {
		ty = text + t->t[i].off;
		tyl = t->t[i].len;
		is_tlsa = token_is(ty, tyl, "TLSA") || token_is(ty, tyl, "TYPE52");
	} else {
		ty = "";
		tyl = 0;
		is_tlsa = 0;
	}
	if (explicit_owner) {
		const struct tok *o = &t->t[0];
		/* A found entry remembers the owner before it (blank lines after
		 * it inherit that owner if it goes away). */
		if (full && sc->mode == SCAN_EDIT && is_tlsa && ed->ntargets > 0 && sc->has_owner) {
			if (cur_owner_abs(sc) == NULL)
				return fail(ed, TLSA_ERR_ZONE_ORIGIN, sc->path, line, NULL);
			memcpy(prev_abs, sc->owner_abs, sizeof(prev_abs));
			had_prev = 1;
		}
		if (o->len >= sizeof(sc->owner_text))
			return fail(ed, TLSA_ERR_ZONE_SYNTAX, sc->path, line,
				    "owner name too long");
		memcpy(sc->owner_text, text + o->off, o->len);
		sc->owner_text[o->len] = '\0';
		sc->has_owner = 1;
		sc->abs_valid = 0;
		sc->owner_gen = sc->origin_gen;
		if (sc->is_main && sc->mode == SCAN_EDIT) {
			if (!(o->len == 1 && text[o->off] == '@') &&
			    !is_absolute(text + o->off, o->len))
				ed->uses_relative = 1;
			if (t->n > 1)
				ed->sep_tab =
				    memchr(text + o->len, '\t', t->t[1].off - o->len) != NULL;
		}
	} else if (!sc->has_owner) {
		return fail(ed, TLSA_ERR_ZONE_SYNTAX, sc->path, line,
			    "blank owner and no previous owner");
	}
	if (i >= t->n)
		return fail(ed, TLSA_ERR_ZONE_SYNTAX, sc->path, line, "no record type");
	type_i = i;
	if (ttl_i >= 0 && !sc->has_default_ttl) {
		/* RFC 1035 zones without $TTL: the last TTL given carries on. */
		if (parse_ttl(text + t->t[ttl_i].off, t->t[ttl_i].len, &sc->last_ttl) == 0)
			sc->has_last_ttl = 1;
	}

	if (token_is(ty, tyl, "RRSIG") || token_is(ty, tyl, "TYPE46")) {
		if (!ed->signed_zone) {
			ed->signed_zone = 1;
			snprintf(ed->signed_file, sizeof(ed->signed_file), "%s", sc->path);
			ed->signed_line = line;
		}
	}
	is_soa = token_is(ty, tyl, "SOA") || token_is(ty, tyl, "TYPE6");

	switch (full ? sc->mode : SCAN_EDIT) {
	case SCAN_SOA:
		if (is_soa) {
			if ((owner = cur_owner_abs(sc)) == NULL)
				return fail(ed, TLSA_ERR_ZONE_ORIGIN, sc->path, line, NULL);
			st = handle_soa(sc, text, t, type_i, ttl_i, class_i, start, line, owner);
		}
		break;
	case SCAN_EDIT:
		if (full && (is_soa || (is_tlsa && ed->ntargets > 0))) {
			if ((owner = cur_owner_abs(sc)) == NULL)
				return fail(ed, TLSA_ERR_ZONE_ORIGIN, sc->path, line, NULL);
			if (is_soa) {
				st = handle_soa(sc, text, t, type_i, ttl_i, class_i, start, line,
						owner);
			} else if ((target = find_target(ed, owner)) != NONE) {
				st =
				    add_found(sc, text, first_len, t, type_i, ttl_i, class_i, start,
					      len, line, target, owner,
					      explicit_owner ? (had_prev ? prev_abs : NULL) : owner,
					      explicit_owner);
				if (st == TLSA_OK)
					this_found = ed->nfound - 1;
			}
		}
		break;
	case SCAN_SNIPPET:
		if ((owner = cur_owner_abs(sc)) == NULL)
			return fail(ed, TLSA_ERR_ZONE_ORIGIN, sc->path, line, NULL);
		if (!is_tlsa)
			return fail(ed, TLSA_ERR_ZONE_NOT_TLSA, sc->path, line,
				    "an --include snippet holds only TLSA records");
		st = snip_add(sc, text, t, type_i, ttl_i, class_i, line, owner);
		break;
	case SCAN_CHECK: {
		struct buf norm = {0};
		ldns_rr *rr = NULL;
		if ((owner = cur_owner_abs(sc)) == NULL)
			return fail(ed, TLSA_ERR_ZONE_ORIGIN, sc->path, line, NULL);
		st = parse_rr(sc, &norm, text, t, type_i, class_i, ttl_i, owner, line, &rr);
		free(norm.p);
		ldns_rr_free(rr);
		break;
	}
	}
	if (st != TLSA_OK)
		return st;

	/* Tell the previous found entry what follows it. */
	if (sc->last_found != NONE) {
		struct found *pf = &ed->found[sc->last_found];
		pf->next_found = this_found;
		pf->next_start = start;
		pf->next_blank = !explicit_owner;
		if (!explicit_owner && this_found == NONE) {
			/* The owner text that line would need, in its origin. */
			const char *abs =
			    sc->owner_gen == sc->origin_gen ? sc->owner_text : cur_owner_abs(sc);
			if (abs == NULL)
				return fail(ed, TLSA_ERR_ZONE_ORIGIN, sc->path, line, NULL);
			if ((pf->fix_text = strdup(abs)) == NULL)
				return TLSA_ERR_NOMEM;
		}
	}
	sc->last_found = this_found;
	(void)len;
	return TLSA_OK;
}

/*
 * Does the entry starting with this line need all its tokens (and its
 * text, when it spans lines)?  Directives, the SOA and TLSA records at
 * owners being changed do; so does every entry when checking or reading
 * a snippet.  The head tokens are enough for everything else.
 */
static int needs_full(struct scan *sc, const char *text, const struct toks *t)
{
	int explicit_owner = text[0] != ' ' && text[0] != '\t';
	size_t i = explicit_owner ? 1 : 0;
	int k, ttl = 0, cls = 0;
	char abs[NAME_MAX_TEXT];
	const char *ty, *owner;
	size_t tyl;

	if (sc->mode == SCAN_CHECK || sc->mode == SCAN_SNIPPET || text[0] == '$')
		return 1;
	for (k = 0; k < 2 && i < t->n; k++) {
		const char *s = text + t->t[i].off;
		if (!ttl && isdigit((unsigned char)s[0]))
			ttl = 1, i++;
		else if (!cls && is_class(s, t->t[i].len))
			cls = 1, i++;
		else
			break;
	}
	if (i >= t->n)
		return 1; /* the type is on a later line */
	ty = text + t->t[i].off;
	tyl = t->t[i].len;
	if (token_is(ty, tyl, "SOA") || token_is(ty, tyl, "TYPE6"))
		return 1;
	if (sc->mode != SCAN_EDIT || sc->ed->ntargets == 0 ||
	    !(token_is(ty, tyl, "TLSA") || token_is(ty, tyl, "TYPE52")))
		return 0;
	if (explicit_owner) {
		if (make_absolute(text + t->t[0].off, t->t[0].len,
				  sc->has_origin ? sc->origin : NULL, abs, sizeof(abs)) != 0)
			return 1; /* let entry() say what is wrong */
		owner = abs;
	} else if (!sc->has_owner || (owner = cur_owner_abs(sc)) == NULL) {
		return 1;
	}
	return find_target(sc->ed, owner) != NONE;
}

static tlsa_status scan_file(tlsa_zone_edit *ed, struct scan *sc, int fd)
{
	struct reader r = {0};
	struct toks t = {0};
	struct buf ebuf = {0};
	const char *line;
	size_t len, first_len = 0;
	unsigned long lineno = 0, eline = 0;
	off_t off = 0, estart = 0;
	int depth = 0, rc, tr, in_entry = 0, light = 0;
	tlsa_status st = TLSA_OK;
	const char *text;

	r.fd = fd;
	r.cap = READ_CHUNK;
	r.buf = malloc(r.cap);
	if (r.buf == NULL)
		return TLSA_ERR_NOMEM;
	if (lseek(fd, 0, SEEK_SET) < 0) {
		free(r.buf);
		return fail(ed, TLSA_ERR_IO, sc->path, 0, "%s", strerror(errno));
	}
	if (sc->is_main) {
		ed->eol[0] = '\n';
		ed->eol[1] = '\0';
		ed->ends_with_eol = 1;
	}
	while (!sc->done && (rc = reader_line(&r, &line, &len)) > 0) {
		lineno++;
		if (sc->is_main && lineno == 1 && len >= 2 && line[len - 1] == '\n' &&
		    line[len - 2] == '\r')
			memcpy(ed->eol, "\r\n", 3);
		if (sc->is_main)
			ed->ends_with_eol = line[len - 1] == '\n';
		if (light) {
			/* The rest of an entry nobody needs: follow parentheses only. */
			tr = tokenize(&t, line, len, 0, &depth, 0);
			off += (off_t)len;
			if (tr != TOK_OK) {
				st = fail(ed, TLSA_ERR_ZONE_SYNTAX, sc->path, lineno,
					  tr == TOK_PAREN ? "')' without '('"
							  : "unterminated quoted string");
				break;
			}
			light = depth > 0;
			continue;
		}
		if (!in_entry) {
			t.n = 0;
			tr = tokenize(&t, line, len, 0, &depth, HEAD_TOKENS);
			if (tr == TOK_OK && t.n == 0 && depth == 0) {
				off += (off_t)len;
				continue; /* blank or comment line */
			}
			estart = off;
			eline = lineno;
			first_len = len;
			if (tr == TOK_OK && t.n > 0 && !needs_full(sc, line, &t)) {
				/* Only its owner, TTL and type matter, all on this line. */
				st = entry(sc, line, len, first_len, &t, estart, eline, 0);
				if (st != TLSA_OK)
					break;
				off += (off_t)len;
				light = depth > 0;
				continue;
			}
			if (tr == TOK_OK) {
				t.n = 0;
				depth = 0;
				tr = tokenize(&t, line, len, 0, &depth, (size_t)-1);
			}
			if (tr == TOK_OK && depth == 0) {
				st = entry(sc, line, len, first_len, &t, estart, eline, 1);
				if (st != TLSA_OK)
					break;
				off += (off_t)len;
				continue;
			}
			ebuf.len = 0;
			in_entry = 1;
			if (tr == TOK_OK && buf_add(&ebuf, line, len) != 0)
				tr = TOK_NOMEM;
		} else {
			size_t base = ebuf.len;
			if (buf_add(&ebuf, line, len) != 0)
				tr = TOK_NOMEM;
			else
				tr = tokenize(&t, ebuf.p + base, len, base, &depth, (size_t)-1);
		}
		off += (off_t)len;
		if (tr == TOK_NOMEM) {
			st = TLSA_ERR_NOMEM;
			break;
		}
		if (tr != TOK_OK) {
			st = fail(ed, TLSA_ERR_ZONE_SYNTAX, sc->path, lineno,
				  tr == TOK_PAREN ? "')' without '('"
						  : "unterminated quoted string");
			break;
		}
		if (depth == 0) {
			in_entry = 0;
			text = ebuf.p;
			if (t.n > 0)
				st = entry(sc, text, ebuf.len, first_len, &t, estart, eline, 1);
			if (st != TLSA_OK)
				break;
		}
	}
	if (st == TLSA_OK && !sc->done) {
		if (rc == -1)
			st = fail(ed, TLSA_ERR_IO, sc->path, lineno, "%s", strerror(errno));
		else if (rc == -2)
			st = TLSA_ERR_NOMEM;
		else if (in_entry || light)
			st = fail(ed, TLSA_ERR_ZONE_SYNTAX, sc->path, eline,
				  "'(' without ')' before the end of the file");
	}
	if (st == TLSA_OK && sc->is_main && sc->mode == SCAN_EDIT) {
		ed->size = off;
		free(ed->eof_origin);
		ed->eof_origin = sc->has_origin ? strdup(sc->origin) : NULL;
	}
	free(r.buf);
	free(t.t);
	free(ebuf.p);
	return st;
}

/* ---- public: setup --------------------------------------------------- */

tlsa_status tlsa_zone_edit_new(tlsa_zone_edit **out)
{
	tlsa_zone_edit *ed;

	if (out == NULL)
		return TLSA_ERR_INVALID;
	ed = calloc(1, sizeof(*ed));
	if (ed == NULL)
		return TLSA_ERR_NOMEM;
	ed->serial.policy = TLSA_SERIAL_AUTO;
	ed->now = time(NULL); /* a default only; callers set their clock */
	ed->zone_fd = -1;
	*out = ed;
	return TLSA_OK;
}

static void want_free(struct want *w)
{
	tlsa_record_free(w->rec);
}

void tlsa_zone_edit_free(tlsa_zone_edit *ed)
{
	size_t i, j;

	if (ed == NULL)
		return;
	tlsa_zone_edit_abort(ed);
	if (ed->zone_fd >= 0)
		close(ed->zone_fd); /* releases the lock */
	for (i = 0; i < ed->npend; i++) {
		free(ed->pend[i].owner_text);
		want_free(&ed->pend[i].want);
	}
	free(ed->pend);
	for (i = 0; i < ed->ntargets; i++) {
		free(ed->targets[i].owner);
		free(ed->targets[i].display);
		for (j = 0; j < ed->targets[i].nwants; j++)
			want_free(&ed->targets[i].wants[j]);
		free(ed->targets[i].wants);
	}
	free(ed->targets);
	free(ed->hash);
	for (i = 0; i < ed->nfound; i++)
		found_free(&ed->found[i]);
	free(ed->found);
	for (i = 0; i < ed->npatches; i++)
		free(ed->patches[i].text);
	free(ed->patches);
	free(ed->origin);
	free(ed->output);
	free(ed->snippet);
	free(ed->scratch);
	free(ed->zone_origin);
	free(ed->eof_origin);
	free(ed);
}

static tlsa_status set_string(char **dst, const char *s)
{
	char *c = s ? strdup(s) : NULL;

	if (s != NULL && c == NULL)
		return TLSA_ERR_NOMEM;
	free(*dst);
	*dst = c;
	return TLSA_OK;
}

tlsa_status tlsa_zone_edit_set_origin(tlsa_zone_edit *ed, const char *origin)
{
	char abs[NAME_MAX_TEXT];
	size_t n;

	if (ed == NULL || origin == NULL || *origin == '\0')
		return TLSA_ERR_INVALID;
	n = strlen(origin);
	if (snprintf(abs, sizeof(abs), "%s%s", origin, is_absolute(origin, n) ? "" : ".") >=
	    (int)sizeof(abs))
		return TLSA_ERR_INVALID;
	return set_string(&ed->origin, abs);
}

void tlsa_zone_edit_set_serial(tlsa_zone_edit *ed, const tlsa_serial_spec *spec, time_t now)
{
	if (spec != NULL)
		ed->serial = *spec;
	ed->now = now;
}

void tlsa_zone_edit_set_flags(tlsa_zone_edit *ed, unsigned flags)
{
	ed->flags = flags;
}

tlsa_status tlsa_zone_edit_set_output(tlsa_zone_edit *ed, const char *path)
{
	return set_string(&ed->output, path);
}

tlsa_status tlsa_zone_edit_set_snippet(tlsa_zone_edit *ed, const char *path)
{
	return set_string(&ed->snippet, path);
}

tlsa_status tlsa_zone_edit_set_scratch_dir(tlsa_zone_edit *ed, const char *dir)
{
	return set_string(&ed->scratch, dir);
}

const tlsa_zone_where *tlsa_zone_edit_where(const tlsa_zone_edit *ed)
{
	return &ed->where;
}

static tlsa_status add_pending(tlsa_zone_edit *ed, const char *owner, size_t olen, struct want *w,
			       int remove)
{
	struct pending *p = realloc(ed->pend, (ed->npend + 1) * sizeof(*p));

	if (p == NULL)
		return TLSA_ERR_NOMEM;
	ed->pend = p;
	p = &ed->pend[ed->npend];
	memset(p, 0, sizeof(*p));
	p->owner_text = strndup(owner, olen);
	if (p->owner_text == NULL)
		return TLSA_ERR_NOMEM;
	if (w != NULL) {
		p->want = *w;
		p->has_want = 1;
	}
	p->remove = remove;
	ed->npend++;
	return TLSA_OK;
}

tlsa_status tlsa_zone_edit_add_record(tlsa_zone_edit *ed, const char *text)
{
	struct toks t = {0};
	struct buf rd = {0};
	struct want w = {0};
	int depth = 0, ttl_i = -1, class_i = -1, k;
	size_t i = 1, type_i, n;
	tlsa_status st;

	if (ed == NULL || text == NULL)
		return TLSA_ERR_INVALID;
	n = strlen(text);
	if (tokenize(&t, text, n, 0, &depth, (size_t)-1) != TOK_OK || depth != 0 || t.n == 0 ||
	    text[0] == ' ' || text[0] == '\t') {
		free(t.t);
		return fail(ed, TLSA_ERR_ZONE_RECORD, NULL, 0,
			    "want OWNER [TTL] [IN] TLSA U S M HEX");
	}
	for (k = 0; k < 2 && i < t.n; k++) {
		const char *s = text + t.t[i].off;
		if (ttl_i < 0 && isdigit((unsigned char)s[0]))
			ttl_i = (int)i++;
		else if (class_i < 0 && is_class(s, t.t[i].len))
			class_i = (int)i++;
		else
			break;
	}
	type_i = i;
	if (type_i >= t.n || !(token_is(text + t.t[type_i].off, t.t[type_i].len, "TLSA") ||
			       token_is(text + t.t[type_i].off, t.t[type_i].len, "TYPE52"))) {
		free(t.t);
		return fail(ed, TLSA_ERR_ZONE_NOT_TLSA, NULL, 0, NULL);
	}
	if (class_i >= 0 && !token_is(text + t.t[class_i].off, t.t[class_i].len, "IN")) {
		free(t.t);
		return fail(ed, TLSA_ERR_ZONE_RECORD, NULL, 0, "class is not IN");
	}
	if (ttl_i >= 0) {
		if (parse_ttl(text + t.t[ttl_i].off, t.t[ttl_i].len, &w.ttl) != 0) {
			free(t.t);
			return fail(ed, TLSA_ERR_ZONE_RECORD, NULL, 0, "bad TTL");
		}
		w.has_ttl = 1;
	}
	w.generic = token_is(text + t.t[type_i].off, t.t[type_i].len, "TYPE52");
	for (i = type_i + 1; i < t.n; i++)
		if (buf_add(&rd, " ", 1) || buf_add(&rd, text + t.t[i].off, t.t[i].len)) {
			free(t.t);
			free(rd.p);
			return TLSA_ERR_NOMEM;
		}
	st = tlsa_record_parse(rd.p ? rd.p : "", &w.rec);
	free(rd.p);
	if (st != TLSA_OK) {
		free(t.t);
		return fail(ed, st, NULL, 0, NULL);
	}
	st = add_pending(ed, text + t.t[0].off, t.t[0].len, &w, 0);
	if (st != TLSA_OK)
		tlsa_record_free(w.rec);
	free(t.t);
	return st;
}

tlsa_status tlsa_zone_edit_remove(tlsa_zone_edit *ed, const char *owner)
{
	if (ed == NULL || owner == NULL || *owner == '\0')
		return TLSA_ERR_INVALID;
	return add_pending(ed, owner, strlen(owner), NULL, 1);
}

static int rec_in(const tlsa_record *r, const struct want *w, size_t n, int check_ttl,
		  uint32_t ttl);

/* Turn the pending records into targets, completing names with origin. */
static tlsa_status resolve_targets(tlsa_zone_edit *ed, const char *origin)
{
	char abs[NAME_MAX_TEXT], key[NAME_MAX_TEXT];
	size_t i, j, h;
	struct target *tg;

	for (i = 0; i < ed->npend; i++) {
		struct pending *p = &ed->pend[i];
		if (make_absolute(p->owner_text, strlen(p->owner_text), origin, abs, sizeof(abs)) !=
		    0)
			return fail(ed, TLSA_ERR_ZONE_ORIGIN, NULL, 0, "%s", p->owner_text);
		memcpy(key, abs, sizeof(key));
		lower(key);
		for (j = 0; j < ed->ntargets; j++)
			if (strcmp(ed->targets[j].owner, key) == 0)
				break;
		if (j == ed->ntargets) {
			tg = realloc(ed->targets, (ed->ntargets + 1) * sizeof(*tg));
			if (tg == NULL)
				return TLSA_ERR_NOMEM;
			ed->targets = tg;
			tg = &ed->targets[ed->ntargets++];
			memset(tg, 0, sizeof(*tg));
			tg->owner = strdup(key);
			tg->display = strdup(abs);
			if (tg->owner == NULL || tg->display == NULL)
				return TLSA_ERR_NOMEM;
		}
		tg = &ed->targets[j];
		if ((p->remove && tg->nwants > 0) || (!p->remove && tg->remove))
			return fail(ed, TLSA_ERR_ZONE_CONFLICT, NULL, 0, "%s", abs);
		if (p->remove) {
			tg->remove = 1;
		} else if (rec_in(p->want.rec, tg->wants, tg->nwants, 0, 0)) {
			/* The same record twice (a key kept across a renewal): once. */
			continue;
		} else {
			struct want *w = realloc(tg->wants, (tg->nwants + 1) * sizeof(*w));
			if (w == NULL)
				return TLSA_ERR_NOMEM;
			tg->wants = w;
			w[tg->nwants++] = p->want;
			p->want.rec = NULL; /* the target owns it now */
			p->has_want = 0;
			if (p->want.generic)
				tg->generic = 1;
		}
	}
	for (i = 0; i < ed->npend; i++)
		free(ed->pend[i].owner_text);
	free(ed->pend);
	ed->pend = NULL;
	ed->npend = 0;
	for (ed->hcap = 16; ed->hcap < ed->ntargets * 2; ed->hcap *= 2)
		;
	free(ed->hash);
	ed->hash = malloc(ed->hcap * sizeof(*ed->hash));
	if (ed->hash == NULL)
		return TLSA_ERR_NOMEM;
	for (i = 0; i < ed->hcap; i++)
		ed->hash[i] = NONE;
	for (i = 0; i < ed->ntargets; i++) {
		for (h = hash_name(ed->targets[i].owner) & (ed->hcap - 1); ed->hash[h] != NONE;
		     h = (h + 1) & (ed->hcap - 1))
			;
		ed->hash[h] = i;
	}
	return TLSA_OK;
}

static int pending_relative(const tlsa_zone_edit *ed)
{
	size_t i;

	for (i = 0; i < ed->npend; i++)
		if (!is_absolute(ed->pend[i].owner_text, strlen(ed->pend[i].owner_text)))
			return 1;
	return 0;
}

/* ---- texts of records ------------------------------------------------ */

/* A record in the layout of found entry f. */
static int record_like(struct buf *b, const struct found *f, const struct want *w)
{
	char *rd = f->generic ? tlsa_record_to_generic(w->rec) : tlsa_record_to_text(w->rec);
	int r = -1;

	if (rd == NULL)
		return -1;
	if (w->has_ttl && w->ttl != f->ttl) {
		if (f->ttl_off >= 0) {
			if (buf_add(b, f->head, (size_t)f->ttl_off) ||
			    buf_fmt(b, "%lu", (unsigned long)w->ttl) ||
			    buf_add(b, f->head + f->ttl_off + f->ttl_len,
				    f->head_len - (size_t)f->ttl_off - f->ttl_len))
				goto out;
		} else if (buf_add(b, f->head, f->ttl_ins) ||
			   buf_fmt(b, "%lu ", (unsigned long)w->ttl) ||
			   buf_add(b, f->head + f->ttl_ins, f->head_len - f->ttl_ins)) {
			goto out;
		}
	} else if (buf_add(b, f->head, f->head_len)) {
		goto out;
	}
	if (buf_str(b, f->generic ? "TYPE52" : "TLSA") || buf_str(b, f->type_sep) ||
	    buf_str(b, rd) || buf_str(b, f->eol[0] ? f->eol : "\n"))
		goto out;
	r = 0;
out:
	free(rd);
	return r;
}

/* A record on a line of its own: OWNER [TTL] IN TLSA RDATA. */
static int record_line(struct buf *b, const char *owner, const struct want *w, int generic,
		       const char *sep, const char *eol)
{
	char *rd = generic ? tlsa_record_to_generic(w->rec) : tlsa_record_to_text(w->rec);
	int r = -1;

	if (rd == NULL)
		return -1;
	if (buf_str(b, owner) || buf_str(b, sep))
		goto out;
	if (w->has_ttl && (buf_fmt(b, "%lu", (unsigned long)w->ttl) || buf_str(b, sep)))
		goto out;
	if (buf_str(b, "IN") || buf_str(b, sep) || buf_str(b, generic ? "TYPE52" : "TLSA") ||
	    buf_str(b, sep) || buf_str(b, rd) || buf_str(b, eol))
		goto out;
	r = 0;
out:
	free(rd);
	return r;
}

/* The owner as the file would write it at its end. */
static char *owner_for_file(const tlsa_zone_edit *ed, const char *display, const char *origin)
{
	char *rel = ed->uses_relative ? relative_to(display, origin) : NULL;

	return rel ? rel : strdup(display);
}

tlsa_status tlsa_zone_edit_snippet(tlsa_zone_edit *ed, char **text)
{
	struct buf b = {0};
	size_t i, j;
	tlsa_status st;
	char *owner;

	if (ed == NULL || text == NULL)
		return TLSA_ERR_INVALID;
	if (ed->npend > 0) {
		if (pending_relative(ed) && ed->origin == NULL)
			return fail(ed, TLSA_ERR_ZONE_ORIGIN, NULL, 0, NULL);
		if ((st = resolve_targets(ed, ed->origin)) != TLSA_OK)
			return st;
	}
	if (buf_reserve(&b, 0) != 0)
		return TLSA_ERR_NOMEM;
	b.p[0] = '\0';
	for (i = 0; i < ed->ntargets; i++) {
		struct target *tg = &ed->targets[i];
		owner = relative_to(tg->display, ed->origin);
		if (owner == NULL)
			owner = strdup(tg->display);
		if (owner == NULL)
			goto nomem;
		for (j = 0; j < tg->nwants; j++) {
			if (record_line(&b, owner, &tg->wants[j], tg->wants[j].generic, " ",
					"\n")) {
				free(owner);
				goto nomem;
			}
		}
		free(owner);
	}
	*text = b.p;
	return TLSA_OK;
nomem:
	free(b.p);
	return TLSA_ERR_NOMEM;
}

/* ---- planning -------------------------------------------------------- */

static int rec_in(const tlsa_record *r, const struct want *w, size_t n, int check_ttl, uint32_t ttl)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (tlsa_record_equal(r, w[i].rec) &&
		    (!check_ttl || !w[i].has_ttl || w[i].ttl == ttl))
			return 1;
	return 0;
}

static tlsa_status add_patch(tlsa_zone_edit *ed, off_t start, off_t end, struct buf *text,
			     int records, size_t target)
{
	struct patch *p = realloc(ed->patches, (ed->npatches + 1) * sizeof(*p));

	if (p == NULL)
		return TLSA_ERR_NOMEM;
	ed->patches = p;
	p = &ed->patches[ed->npatches++];
	p->start = start;
	p->end = end;
	p->text = text->p;
	p->len = text->len;
	p->out_off = 0;
	p->records = records;
	p->target = target;
	text->p = NULL;
	text->len = text->cap = 0;
	return TLSA_OK;
}

/* Does the found set of target ti equal what is asked, in wire form? */
static int set_unchanged(const tlsa_zone_edit *ed, size_t ti)
{
	const struct target *tg = &ed->targets[ti];
	size_t i, j, nf = 0;
	int hit;

	for (i = 0; i < ed->nfound; i++) {
		const struct found *f = &ed->found[i];
		if (f->target != ti)
			continue;
		nf++;
		if (!rec_in(f->rec, tg->wants, tg->nwants, 1, f->ttl))
			return 0;
	}
	for (j = 0; j < tg->nwants; j++) {
		hit = 0;
		for (i = 0; i < ed->nfound && !hit; i++)
			if (ed->found[i].target == ti &&
			    tlsa_record_equal(ed->found[i].rec, tg->wants[j].rec))
				hit = 1;
		if (!hit)
			return 0;
	}
	return nf > 0 || tg->nwants == 0;
}

static int patch_cmp(const void *a, const void *b)
{
	const struct patch *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	return 0;
}

/* Patches for the TLSA sets of the zone file itself. */
static tlsa_status plan_sets(tlsa_zone_edit *ed, tlsa_zone_report *rep, int *changed)
{
	struct buf b = {0}, app = {0};
	size_t ti, i, j, first;
	tlsa_status st;
	char *owner;

	for (ti = 0; ti < ed->ntargets; ti++) {
		struct target *tg = &ed->targets[ti];
		tg->old_count = 0;
		for (i = 0; i < ed->nfound; i++) {
			if (ed->found[i].target != ti)
				continue;
			if (tg->old_count++ == 0)
				tg->line = ed->found[i].in_main ? ed->found[i].line : 0;
		}
		if (set_unchanged(ed, ti)) {
			rep->sets_unchanged++;
			tg->kind = TLSA_ZONE_SET_UNCHANGED;
			continue;
		}
		first = NONE;
		for (i = 0; i < ed->nfound; i++) {
			if (ed->found[i].target != ti)
				continue;
			if (!ed->found[i].in_main) {
				free(app.p);
				return fail(ed, TLSA_ERR_ZONE_IN_INCLUDE, ed->found[i].file,
					    ed->found[i].line,
					    "the TLSA records of %s are here; keep them in a "
					    "snippet (--include)",
					    tg->display);
			}
			if (first == NONE)
				first = i;
		}
		*changed = 1;
		if (first == NONE) {
			/* No records yet: append in the file's style. */
			rep->sets_added++;
			tg->kind = TLSA_ZONE_SET_ADDED;
			owner = owner_for_file(ed, tg->display, ed->eof_origin);
			if (owner == NULL)
				goto nomem;
			for (j = 0; j < tg->nwants; j++)
				if (record_line(&app, owner, &tg->wants[j], tg->wants[j].generic,
						ed->sep_tab ? "\t" : " ", ed->eol)) {
					free(owner);
					goto nomem;
				}
			free(owner);
			continue;
		}
		if (tg->nwants == 0)
			rep->sets_removed++;
		else
			rep->sets_replaced++;
		tg->kind = tg->nwants == 0 ? TLSA_ZONE_SET_REMOVED : TLSA_ZONE_SET_REPLACED;
		for (i = first; i < ed->nfound; i++) {
			struct found *f = &ed->found[i];
			if (f->target != ti)
				continue;
			b.len = 0;
			if (i == first && tg->nwants > 0) {
				for (j = 0; j < tg->nwants; j++) {
					if (f->head != NULL) {
						if (record_like(&b, f, &tg->wants[j]))
							goto nomem;
					} else {
						owner =
						    owner_for_file(ed, tg->display, ed->eof_origin);
						if (owner == NULL ||
						    record_line(&b, owner, &tg->wants[j],
								f->generic, " ",
								f->eol[0] ? f->eol : ed->eol)) {
							free(owner);
							goto nomem;
						}
						free(owner);
					}
				}
				if (b.p == NULL && buf_reserve(&b, 0))
					goto nomem;
				if ((st = add_patch(ed, f->start, f->end, &b, 1, ti)) != TLSA_OK)
					goto fail;
			} else {
				f->removed = 1;
				if (buf_reserve(&b, 0))
					goto nomem;
				b.p[0] = '\0';
				b.len = 0;
				if ((st = add_patch(ed, f->start, f->end, &b, 0, ti)) != TLSA_OK)
					goto fail;
			}
		}
	}
	/*
	 * A removed entry may have given its owner to blank-owner lines after
	 * it: give those lines the owner text they inherited.
	 */
	for (i = 0; i < ed->nfound; i++) {
		struct found *f = &ed->found[i], *r1 = f;
		const char *before;
		if (!f->removed || !f->next_blank || f->next_found != NONE || f->fix_text == NULL)
			continue;
		while (r1->prev_found != NONE && ed->found[r1->prev_found].removed)
			r1 = &ed->found[r1->prev_found];
		before = r1->prev_owner;
		if (before != NULL && names_equal(before, ed->targets[f->target].owner))
			continue;
		b.len = 0;
		if (buf_str(&b, f->fix_text) ||
		    (st = add_patch(ed, f->next_start, f->next_start, &b, 0, NONE)) != TLSA_OK)
			goto nomem;
	}
	if (app.len > 0) {
		struct buf t = {0};
		if ((!ed->ends_with_eol && buf_str(&t, ed->eol)) || buf_add(&t, app.p, app.len))
			goto nomem;
		free(app.p);
		app.p = NULL;
		if ((st = add_patch(ed, ed->size, ed->size, &t, 1, NONE)) != TLSA_OK)
			goto fail;
	}
	free(b.p);
	return TLSA_OK;
nomem:
	st = TLSA_ERR_NOMEM;
fail:
	free(b.p);
	free(app.p);
	return st;
}

/* ---- files ----------------------------------------------------------- */

static tlsa_status copy_range(int src, off_t off, off_t len, int dst, char **buf)
{
	ssize_t n;

	while (len > 0) {
		n = copy_file_range(src, &off, dst, NULL, (size_t)len, 0);
		if (n > 0) {
			len -= n;
			continue;
		}
		if (n == 0)
			return TLSA_ERR_IO; /* the file shrank under us */
		if (errno == EINTR)
			continue;
		if (errno != EXDEV && errno != ENOSYS && errno != EINVAL && errno != EOPNOTSUPP)
			return TLSA_ERR_IO;
		break;
	}
	if (len > 0 && *buf == NULL && (*buf = malloc(READ_CHUNK)) == NULL)
		return TLSA_ERR_NOMEM;
	while (len > 0) {
		size_t want = len > READ_CHUNK ? READ_CHUNK : (size_t)len;
		ssize_t w, done = 0;
		n = pread(src, *buf, want, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return TLSA_ERR_IO;
		while (done < n) {
			w = write(dst, *buf + done, (size_t)(n - done));
			if (w < 0 && errno == EINTR)
				continue;
			if (w < 0)
				return TLSA_ERR_IO;
			done += w;
		}
		off += n;
		len -= n;
	}
	return TLSA_OK;
}

static tlsa_status write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return TLSA_ERR_IO;
		p += w;
		n -= (size_t)w;
	}
	return TLSA_OK;
}

/* Resolve symlinks of a path that may not exist yet (its directory must). */
static int resolve_target(const char *path, char *out)
{
	char dir[PATH_MAX], rdir[PATH_MAX], *slash;
	const char *base;

	if (realpath(path, out) != NULL)
		return 0;
	if (errno != ENOENT)
		return -1;
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash == NULL) {
		snprintf(dir, sizeof(dir), ".");
		base = path;
	} else {
		*slash = '\0';
		base = slash + 1;
		if (dir[0] == '\0')
			snprintf(dir, sizeof(dir), "/");
	}
	if (realpath(dir, rdir) == NULL)
		return -1;
	if ((size_t)snprintf(out, PATH_MAX, "%s/%s", rdir, base) >= PATH_MAX)
		return -1;
	return 0;
}

/* Create the temp file for out: beside the target, or in the scratch dir. */
static int make_temp(tlsa_zone_edit *ed, struct outfile *o)
{
	const char *base = strrchr(o->target, '/');
	char dir[PATH_MAX];
	int fd;

	base = base ? base + 1 : o->target;
	if (ed->scratch != NULL) {
		snprintf(dir, sizeof(dir), "%s", ed->scratch);
	} else {
		snprintf(dir, sizeof(dir), "%s", o->target);
		*strrchr(dir, '/') = '\0';
	}
	if ((size_t)snprintf(o->temp, sizeof(o->temp), "%s/.%s.tlsa-XXXXXX", dir, base) >=
	    sizeof(o->temp))
		return -1;
	fd = mkostemp(o->temp, O_CLOEXEC);
	if (fd >= 0)
		o->temp_live = 1;
	return fd;
}

/* Keep mode, owner and group of the file replaced; then flush to disk. */
static tlsa_status finish_temp(tlsa_zone_edit *ed, struct outfile *o, int fd,
			       const struct stat *like)
{
	struct stat now;

	if (like != NULL) {
		if (fchmod(fd, like->st_mode & 07777) != 0)
			return fail(ed, TLSA_ERR_IO, o->temp, 0, "chmod: %s", strerror(errno));
		if (fstat(fd, &now) != 0)
			return fail(ed, TLSA_ERR_IO, o->temp, 0, "%s", strerror(errno));
		if ((now.st_uid != like->st_uid || now.st_gid != like->st_gid) &&
		    fchown(fd, like->st_uid, like->st_gid) != 0 && ed->scratch == NULL)
			return fail(ed, TLSA_ERR_ZONE_OWNER, o->target, 0, "%s", strerror(errno));
	}
	if (fsync(fd) != 0)
		return fail(ed, TLSA_ERR_IO, o->temp, 0, "fsync: %s", strerror(errno));
	return TLSA_OK;
}

/* Read the patches back from the temp file and parse their records. */
static tlsa_status read_back(tlsa_zone_edit *ed, int fd, const char *path)
{
	struct buf b = {0};
	size_t i, j, k;
	tlsa_status st = TLSA_OK;

	for (i = 0; i < ed->npatches && st == TLSA_OK; i++) {
		struct patch *p = &ed->patches[i];
		ssize_t n;

		b.len = 0;
		if (buf_reserve(&b, p->len) != 0)
			return TLSA_ERR_NOMEM;
		n = pread(fd, b.p, p->len, p->out_off);
		if (n < 0 || (size_t)n != p->len || memcmp(b.p, p->text, p->len) != 0) {
			st = fail(ed, TLSA_ERR_ZONE_READBACK, path, 0, "bytes differ");
			break;
		}
		b.len = p->len;
		b.p[b.len] = '\0';
		if (!p->records)
			continue;
		/* Each line: the records written, parsed with ldns and compared
		 * with what was asked, in wire form. */
		{
			struct scan sc;
			struct toks t = {0};
			size_t start = 0, end;
			int depth;

			for (start = 0; start < b.len; start = end) {
				const char *nl = memchr(b.p + start, '\n', b.len - start);
				end = nl ? (size_t)(nl - b.p) + 1 : b.len;
				t.n = 0;
				depth = 0;
				if (tokenize(&t, b.p + start, end - start, 0, &depth, (size_t)-1) !=
					TOK_OK ||
				    depth != 0) {
					st = fail(ed, TLSA_ERR_ZONE_READBACK, path, 0, "bad line");
					break;
				}
				if (t.n == 0)
					continue;
				memset(&sc, 0, sizeof(sc));
				sc.ed = ed;
				sc.path = path;
				{
					const char *line = b.p + start;
					int expl = line[0] != ' ' && line[0] != '\t';
					size_t ti = expl ? 1 : 0, type_i;
					int ttl_i = -1, class_i = -1, kk;
					char owner[NAME_MAX_TEXT];
					ldns_rr *rr = NULL;
					struct buf norm = {0};
					tlsa_record *rec = NULL;
					const char *org = p->target == NONE ? ed->eof_origin : NULL;

					if (p->target != NONE)
						snprintf(owner, sizeof(owner), "%s",
							 ed->targets[p->target].display);
					else if (make_absolute(line, t.t[0].len, org, owner,
							       sizeof(owner)) != 0) {
						st = fail(ed, TLSA_ERR_ZONE_READBACK, path, 0,
							  "owner");
						break;
					}
					for (kk = 0; kk < 2 && ti < t.n; kk++) {
						if (ttl_i < 0 &&
						    isdigit((unsigned char)line[t.t[ti].off]))
							ttl_i = (int)ti++;
						else if (class_i < 0 &&
							 is_class(line + t.t[ti].off, t.t[ti].len))
							class_i = (int)ti++;
						else
							break;
					}
					type_i = ti;
					st = parse_rr(&sc, &norm, line, &t, type_i, class_i, ttl_i,
						      owner, 0, &rr);
					free(norm.p);
					if (st == TLSA_OK)
						st = rr_tlsa(rr, &rec);
					if (st == TLSA_OK) {
						int hit = 0;
						for (k = 0; k < ed->ntargets && !hit; k++) {
							if (p->target != NONE && k != p->target)
								continue;
							for (j = 0; j < ed->targets[k].nwants; j++)
								if (tlsa_record_equal(rec,
										      ed->targets[k]
											  .wants[j]
											  .rec))
									hit = 1;
						}
						if (!hit)
							st = fail(ed, TLSA_ERR_ZONE_READBACK, path,
								  0,
								  "a record written is not one "
								  "asked for");
					} else {
						st = fail(ed, TLSA_ERR_ZONE_READBACK, path, 0, "%s",
							  ed->where.detail);
					}
					tlsa_record_free(rec);
					ldns_rr_free(rr);
				}
				if (st != TLSA_OK)
					break;
			}
			free(t.t);
		}
	}
	free(b.p);
	return st;
}

/* Parse the whole new zone with ldns (--check). */
static tlsa_status check_file(tlsa_zone_edit *ed, int fd, const char *path, const char *shown)
{
	struct scan sc;
	tlsa_status st;

	memset(&sc, 0, sizeof(sc));
	sc.ed = ed;
	sc.mode = SCAN_CHECK;
	sc.path = shown;
	sc.last_found = NONE;
	if (ed->origin != NULL) {
		snprintf(sc.origin, sizeof(sc.origin), "%s", ed->origin);
		sc.has_origin = 1;
	}
	st = scan_file(ed, &sc, fd);
	if (sc.origin_rdf != NULL)
		ldns_rdf_deep_free(sc.origin_rdf);
	(void)path;
	if (st == TLSA_ERR_ZONE_RECORD || st == TLSA_ERR_ZONE_SYNTAX)
		return TLSA_ERR_ZONE_CHECK; /* where names the line of the new file */
	return st;
}

/* Write the zone file with its patches into a temp file. */
static tlsa_status write_zone(tlsa_zone_edit *ed)
{
	struct outfile *o = &ed->out[ed->nout];
	char *cbuf = NULL;
	off_t pos = 0, opos = 0;
	tlsa_status st = TLSA_OK;
	size_t i;
	int fd;

	memset(o, 0, sizeof(*o));
	if (resolve_target(ed->output ? ed->output : ed->zone_path, o->target) != 0)
		return fail(ed, TLSA_ERR_IO, ed->output ? ed->output : ed->zone_path, 0, "%s",
			    strerror(errno));
	o->existed = stat(o->target, &o->st) == 0;
	if (ed->output == NULL || !o->existed)
		o->st = ed->zone_st; /* as locked, before the scan */
	if (ed->output == NULL && ed->zone_st.st_size != ed->size)
		return fail(ed, TLSA_ERR_ZONE_CHANGED, ed->zone_path, 0, NULL);
	o->zone = 1;
	fd = make_temp(ed, o);
	if (fd < 0)
		return fail(ed, TLSA_ERR_IO, o->temp, 0, "cannot create a temp file: %s",
			    strerror(errno));
	ed->nout++;
	qsort(ed->patches, ed->npatches, sizeof(*ed->patches), patch_cmp);
	for (i = 0; i < ed->npatches && st == TLSA_OK; i++) {
		struct patch *p = &ed->patches[i];
		st = copy_range(ed->zone_fd, pos, p->start - pos, fd, &cbuf);
		opos += p->start - pos;
		p->out_off = opos;
		if (st == TLSA_OK)
			st = write_all(fd, p->text, p->len);
		opos += (off_t)p->len;
		pos = p->end;
	}
	if (st == TLSA_OK)
		st = copy_range(ed->zone_fd, pos, ed->size - pos, fd, &cbuf);
	free(cbuf);
	if (st != TLSA_OK)
		st = fail(ed, st, o->temp, 0, "%s", strerror(errno));
	if (st == TLSA_OK)
		st = finish_temp(ed, o, fd, &o->st);
	if (st == TLSA_OK)
		st = read_back(ed, fd, o->temp);
	if (st == TLSA_OK && (ed->flags & TLSA_ZONE_CHECK))
		st = check_file(ed, fd, o->temp, ed->output ? ed->output : ed->zone_path);
	if (close(fd) != 0 && st == TLSA_OK)
		st = fail(ed, TLSA_ERR_IO, o->temp, 0, "%s", strerror(errno));
	return st;
}

/* Open and lock the zone file, making sure the lock is on the live file. */
static tlsa_status open_locked(tlsa_zone_edit *ed, const char *path, int exclusive)
{
	struct stat a, b;
	int fd, tries;

	for (tries = 0; tries < 100; tries++) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return fail(ed, TLSA_ERR_IO, path, 0, "%s", strerror(errno));
		while (flock(fd, exclusive ? LOCK_EX : LOCK_SH) != 0) {
			if (errno != EINTR) {
				close(fd);
				return fail(ed, TLSA_ERR_IO, path, 0, "lock: %s", strerror(errno));
			}
		}
		if (fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev &&
		    a.st_ino == b.st_ino) {
			if (!S_ISREG(a.st_mode)) {
				close(fd);
				return fail(ed, TLSA_ERR_IO, path, 0, "not a regular file");
			}
			ed->zone_fd = fd;
			ed->zone_st = a; /* what commit checks the file against */
			return TLSA_OK;
		}
		close(fd); /* replaced while we waited: lock the new one */
	}
	return fail(ed, TLSA_ERR_ZONE_CHANGED, path, 0, NULL);
}

/* ---- --include snippets ---------------------------------------------- */

static void snip_free(struct snip *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->rr[i].owner);
		tlsa_record_free(s->rr[i].rec);
	}
	free(s->rr);
}

/* Plan the snippet: *changed when its records differ from what is asked. */
static tlsa_status plan_snippet(tlsa_zone_edit *ed, tlsa_zone_report *rep, int *changed)
{
	struct snip sn = {0};
	struct buf b = {0};
	struct scan sc;
	struct outfile *o;
	tlsa_status st = TLSA_OK;
	size_t i, j, ti;
	int fd;
	const char *origin = ed->origin ? ed->origin : ed->zone_origin;

	*changed = 0;
	fd = open(ed->snippet, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno != ENOENT)
		return fail(ed, TLSA_ERR_IO, ed->snippet, 0, "%s", strerror(errno));
	if (fd >= 0) {
		memset(&sc, 0, sizeof(sc));
		sc.ed = ed;
		sc.mode = SCAN_SNIPPET;
		sc.path = ed->snippet;
		sc.last_found = NONE;
		sc.snip = &sn;
		if (origin != NULL) {
			snprintf(sc.origin, sizeof(sc.origin), "%s", origin);
			sc.has_origin = 1;
		}
		st = scan_file(ed, &sc, fd);
		close(fd);
		if (sc.origin_rdf != NULL)
			ldns_rdf_deep_free(sc.origin_rdf);
		if (st != TLSA_OK)
			goto out;
	}
	/* Compare owner by owner. */
	for (ti = 0; ti < ed->ntargets; ti++) {
		struct target *tg = &ed->targets[ti];
		size_t nf = 0;
		int same = 1;
		for (i = 0; i < sn.n; i++) {
			if (!names_equal(sn.rr[i].owner, tg->owner))
				continue;
			nf++;
			if (!rec_in(sn.rr[i].rec, tg->wants, tg->nwants, 1, sn.rr[i].ttl))
				same = 0;
		}
		for (j = 0; j < tg->nwants && same; j++) {
			int hit = 0;
			for (i = 0; i < sn.n && !hit; i++)
				hit = names_equal(sn.rr[i].owner, tg->owner) &&
				      tlsa_record_equal(sn.rr[i].rec, tg->wants[j].rec);
			same = hit;
		}
		tg->in_snippet = 1;
		tg->old_count = nf;
		tg->line = 0;
		if (same) {
			rep->sets_unchanged++;
			tg->kind = TLSA_ZONE_SET_UNCHANGED;
			continue;
		}
		*changed = 1;
		if (nf == 0) {
			rep->sets_added++;
			tg->kind = TLSA_ZONE_SET_ADDED;
		} else if (tg->nwants == 0) {
			rep->sets_removed++;
			tg->kind = TLSA_ZONE_SET_REMOVED;
		} else {
			rep->sets_replaced++;
			tg->kind = TLSA_ZONE_SET_REPLACED;
		}
	}
	if (!*changed)
		goto out;
	/* Rewrite in full: owners kept in their order, then the new ones. */
	if (buf_str(
		&b,
		"; TLSA records kept by tlsa zone --include: rewritten in full on each update\n"))
		goto nomem;
	for (i = 0; i < sn.n; i++) {
		char *owner;
		if (find_target(ed, sn.rr[i].owner) != NONE)
			continue; /* written with its target below */
		owner = relative_to(sn.rr[i].owner, ed->origin);
		if (owner == NULL && (owner = strdup(sn.rr[i].owner)) == NULL)
			goto nomem;
		{
			struct want w = {sn.rr[i].rec, sn.rr[i].ttl, sn.rr[i].has_ttl, 0};
			if (record_line(&b, owner, &w, 0, " ", "\n")) {
				free(owner);
				goto nomem;
			}
		}
		free(owner);
	}
	for (ti = 0; ti < ed->ntargets; ti++) {
		struct target *tg = &ed->targets[ti];
		char *owner = relative_to(tg->display, ed->origin);
		if (owner == NULL && (owner = strdup(tg->display)) == NULL)
			goto nomem;
		for (j = 0; j < tg->nwants; j++)
			if (record_line(&b, owner, &tg->wants[j], tg->wants[j].generic, " ",
					"\n")) {
				free(owner);
				goto nomem;
			}
		free(owner);
	}
	o = &ed->out[ed->nout];
	memset(o, 0, sizeof(*o));
	if (resolve_target(ed->snippet, o->target) != 0) {
		st = fail(ed, TLSA_ERR_IO, ed->snippet, 0, "%s", strerror(errno));
		goto out;
	}
	o->existed = stat(o->target, &o->st) == 0;
	fd = make_temp(ed, o);
	if (fd < 0) {
		st = fail(ed, TLSA_ERR_IO, o->temp, 0, "cannot create a temp file: %s",
			  strerror(errno));
		goto out;
	}
	ed->nout++;
	if (!o->existed)
		o->st = ed->zone_st; /* a new snippet takes the zone file's mode and owner */
	st = write_all(fd, b.p, b.len);
	if (st != TLSA_OK)
		st = fail(ed, st, o->temp, 0, "%s", strerror(errno));
	if (st == TLSA_OK)
		st = finish_temp(ed, o, fd, &o->st);
	close(fd);
	goto out;
nomem:
	st = TLSA_ERR_NOMEM;
out:
	free(b.p);
	snip_free(&sn);
	return st;
}

/* ---- prepare, commit, abort ------------------------------------------ */

tlsa_status tlsa_zone_edit_prepare(tlsa_zone_edit *ed, const char *zonefile, tlsa_zone_report *rep)
{
	tlsa_zone_report dummy;
	struct scan sc;
	tlsa_status st;
	int changed = 0, exclusive;
	struct buf sb = {0};
	char digits[16];

	if (ed == NULL || zonefile == NULL || ed->zone_fd >= 0)
		return TLSA_ERR_INVALID;
	if (rep == NULL)
		rep = &dummy;
	memset(rep, 0, sizeof(*rep));
	snprintf(ed->zone_path, sizeof(ed->zone_path), "%s", zonefile);
	exclusive = ed->scratch == NULL && ed->output == NULL;
	if (ed->snippet != NULL)
		exclusive = ed->scratch == NULL;
	st = open_locked(ed, zonefile, exclusive);
	if (st != TLSA_OK)
		return st;
	if (ed->snippet != NULL) {
		struct stat s;
		if (stat(ed->snippet, &s) == 0) {
			ed->snippet_st = s;
			ed->snippet_exists = 1;
		}
	}

	/* Names given relative need an origin: --origin, or the SOA's owner. */
	if (pending_relative(ed) && ed->origin == NULL) {
		memset(&sc, 0, sizeof(sc));
		sc.ed = ed;
		sc.mode = SCAN_SOA;
		sc.path = zonefile;
		sc.is_main = 1;
		sc.last_found = NONE;
		st = scan_file(ed, &sc, ed->zone_fd);
		if (sc.origin_rdf != NULL)
			ldns_rdf_deep_free(sc.origin_rdf);
		if (st != TLSA_OK)
			return st;
		if (ed->zone_origin == NULL)
			return fail(ed, TLSA_ERR_ZONE_NO_SOA, zonefile, 0, NULL);
	}
	if ((st = resolve_targets(ed, ed->origin ? ed->origin : ed->zone_origin)) != TLSA_OK)
		return st;

	memset(&sc, 0, sizeof(sc));
	sc.ed = ed;
	sc.mode = SCAN_EDIT;
	sc.path = zonefile;
	sc.is_main = 1;
	sc.last_found = NONE;
	if (ed->origin != NULL) {
		snprintf(sc.origin, sizeof(sc.origin), "%s", ed->origin);
		sc.has_origin = 1;
	}
	if (ed->snippet != NULL) {
		/* The snippet holds the records: scan the zone for its SOA only. */
		size_t nt = ed->ntargets;
		ed->ntargets = 0;
		st = scan_file(ed, &sc, ed->zone_fd);
		ed->ntargets = nt;
	} else {
		st = scan_file(ed, &sc, ed->zone_fd);
	}
	if (sc.origin_rdf != NULL)
		ldns_rdf_deep_free(sc.origin_rdf);
	if (st != TLSA_OK)
		return st;
	if (!ed->have_soa)
		return fail(ed, TLSA_ERR_ZONE_NO_SOA, zonefile, 0, NULL);
	rep->old_serial = rep->new_serial = ed->soa_serial;
	rep->soa_line = ed->serial_line;
	for (size_t i = 0; i < ed->ntargets; i++) {
		const char *o = ed->targets[i].owner, *z = ed->zone_origin;
		size_t on = strlen(o), zn = strlen(z);
		if (strcmp(z, ".") != 0 && !names_equal(o, z) &&
		    (on <= zn || o[on - zn - 1] != '.' || strcasecmp(o + on - zn, z) != 0))
			return fail(ed, TLSA_ERR_ZONE_OUT_OF_ZONE, zonefile, 0, "%s is not in %s",
				    ed->targets[i].display, z);
	}
	if (ed->signed_zone) {
		if (!(ed->flags & TLSA_ZONE_ALLOW_SIGNED))
			return fail(ed, TLSA_ERR_ZONE_SIGNED, ed->signed_file, ed->signed_line,
				    NULL);
		rep->signed_zone = 1;
	}

	if (ed->snippet != NULL) {
		st = plan_snippet(ed, rep, &changed);
		rep->snippet_not_included = !ed->snippet_included;
	} else {
		st = plan_sets(ed, rep, &changed);
	}
	if (st != TLSA_OK)
		goto fail;
	if (changed || (ed->flags & TLSA_ZONE_SERIAL_ONLY)) {
		uint32_t next;
		unsigned warn = 0;
		st = tlsa_serial_next(ed->soa_serial, &ed->serial, ed->now,
				      (ed->flags & TLSA_ZONE_FORCE) != 0, &next, &warn);
		if (st != TLSA_OK) {
			st = fail(ed, st, zonefile, ed->serial_line, "serial %lu",
				  (unsigned long)ed->soa_serial);
			goto fail;
		}
		rep->new_serial = next;
		rep->serial_warnings = warn;
		if (next != ed->soa_serial) {
			rep->serial_changed = 1;
			snprintf(digits, sizeof(digits), "%lu", (unsigned long)next);
			if (buf_str(&sb, digits) ||
			    (st = add_patch(ed, ed->serial_off,
					    ed->serial_off + (off_t)ed->serial_len, &sb, 0,
					    NONE)) != TLSA_OK) {
				free(sb.p);
				st = TLSA_ERR_NOMEM;
				goto fail;
			}
		}
	}
	if (ed->npatches > 0 || ed->output != NULL) {
		st = write_zone(ed);
		if (st != TLSA_OK)
			goto fail;
	}
	rep->changed = changed || rep->serial_changed;
	return TLSA_OK;
fail:
	tlsa_zone_edit_abort(ed);
	return st;
}

size_t tlsa_zone_edit_change_count(const tlsa_zone_edit *ed)
{
	return ed ? ed->ntargets : 0;
}

tlsa_status tlsa_zone_edit_change(const tlsa_zone_edit *ed, size_t i, tlsa_zone_change *out)
{
	const struct target *tg;

	if (ed == NULL || out == NULL || i >= ed->ntargets)
		return TLSA_ERR_INVALID;
	tg = &ed->targets[i];
	out->owner = tg->display;
	out->file = tg->in_snippet ? ed->snippet : ed->zone_path;
	out->line = tg->line;
	out->kind = tg->kind;
	out->old_count = tg->old_count;
	out->new_count = tg->nwants;
	return TLSA_OK;
}

size_t tlsa_zone_edit_file_count(const tlsa_zone_edit *ed)
{
	return ed ? ed->nout : 0;
}

tlsa_status tlsa_zone_edit_file(const tlsa_zone_edit *ed, size_t i, const char **target,
				const char **temp)
{
	if (ed == NULL || i >= ed->nout)
		return TLSA_ERR_INVALID;
	if (target)
		*target = ed->out[i].target;
	if (temp)
		*temp = ed->out[i].temp;
	return TLSA_OK;
}

static int fsync_dir(const char *file)
{
	char dir[PATH_MAX], *slash;
	int fd, r;

	snprintf(dir, sizeof(dir), "%s", file);
	slash = strrchr(dir, '/');
	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	r = fsync(fd);
	close(fd);
	return r;
}

/* Keep the old file as target+suffix: a hard link, renamed into place. */
static tlsa_status backup(tlsa_zone_edit *ed, const struct outfile *o, const char *suffix)
{
	char bak[PATH_MAX], tmp[PATH_MAX];
	int fd;

	if ((size_t)snprintf(bak, sizeof(bak), "%s%s", o->target, suffix) >= sizeof(bak) ||
	    (size_t)snprintf(tmp, sizeof(tmp), "%s.tlsa-XXXXXX", bak) >= sizeof(tmp))
		return fail(ed, TLSA_ERR_IO, o->target, 0, "backup name too long");
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return fail(ed, TLSA_ERR_IO, bak, 0, "%s", strerror(errno));
	close(fd);
	unlink(tmp);
	if (link(o->target, tmp) != 0)
		return fail(ed, TLSA_ERR_IO, bak, 0, "%s", strerror(errno));
	if (rename(tmp, bak) != 0) {
		int e = errno;
		unlink(tmp);
		return fail(ed, TLSA_ERR_IO, bak, 0, "%s", strerror(e));
	}
	return TLSA_OK;
}

tlsa_status tlsa_zone_edit_commit(tlsa_zone_edit *ed, const char *backup_suffix)
{
	struct stat now;
	size_t i;
	tlsa_status st;

	if (ed == NULL || ed->scratch != NULL)
		return TLSA_ERR_INVALID;
	/*
	 * The zone (with its serial) goes before the snippet: a run stopped in
	 * between leaves a bumped serial and the old snippet, and the next run
	 * sees the snippet differ and bumps again.  The other order could
	 * leave new records under an old serial that no run would bump.
	 */
	for (i = 0; i < 2 * ed->nout; i++) {
		struct outfile *o = &ed->out[i % ed->nout];
		if (!o->temp_live || (i < ed->nout) != (o->zone != 0))
			continue;
		if (o->existed && (stat(o->target, &now) != 0 || now.st_ino != o->st.st_ino ||
				   now.st_dev != o->st.st_dev || now.st_size != o->st.st_size ||
				   now.st_mtim.tv_sec != o->st.st_mtim.tv_sec ||
				   now.st_mtim.tv_nsec != o->st.st_mtim.tv_nsec))
			return fail(ed, TLSA_ERR_ZONE_CHANGED, o->target, 0, NULL);
		if (backup_suffix != NULL && o->existed &&
		    (st = backup(ed, o, backup_suffix)) != TLSA_OK)
			return st;
		if (rename(o->temp, o->target) != 0)
			return fail(ed, TLSA_ERR_IO, o->target, 0, "rename: %s", strerror(errno));
		o->temp_live = 0;
		if (fsync_dir(o->target) != 0)
			return fail(ed, TLSA_ERR_IO, o->target, 0, "fsync of the directory: %s",
				    strerror(errno));
	}
	return TLSA_OK;
}

void tlsa_zone_edit_abort(tlsa_zone_edit *ed)
{
	size_t i;

	if (ed == NULL)
		return;
	for (i = 0; i < ed->nout && i < 2; i++) {
		if (ed->out[i].temp_live) {
			unlink(ed->out[i].temp);
			ed->out[i].temp_live = 0;
		}
	}
}

void tlsa_zone_edit_unlink_temps(const tlsa_zone_edit *ed)
{
	size_t i;

	if (ed == NULL)
		return;
	for (i = 0; i < 2; i++)
		if (ed->out[i].temp_live)
			unlink(ed->out[i].temp);
}
