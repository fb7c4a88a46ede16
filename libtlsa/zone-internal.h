/*
 * Inside zone-file editing: what its pieces share.  Not installed.
 *
 *   zonefile.c   the edit object, its settings and the order of the steps
 *   zonelex.c    names, TTLs and the tokeniser (the words of a zone file)
 *   zonescan.c   the streaming scanner: lines, entries, $ORIGIN, $TTL,
 *                $INCLUDE, blank owners
 *   zonerecord.c what the scan keeps of an entry: records parsed with
 *                ldns, the SOA serial's place, TLSA records found
 *   zonetarget.c what is asked: records and removals given, owners
 *                resolved and looked up by hash
 *   zoneedit.c   the plan: wire-form comparison, patches, the serial,
 *                the snippet's text
 *   zonewrite.c  lock, temp files, read-back, commit, abort, cleanup
 *   zonecname.c  the CNAME rule: no TLSA records at a CNAME owner, and
 *                CNAME and other data found by --check
 *
 * The small lexical helpers below are inline: the scanner calls them for
 * every record of a zone of millions.
 */
#ifndef TLSA_ZONE_INTERNAL_H
#define TLSA_ZONE_INTERNAL_H

#include <ctype.h>
#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <ldns/ldns.h>

#include <tlsa.h>

#define NAME_MAX_TEXT 1100	 /* presentation names: 255 octets, escapes */
#define READ_CHUNK    (1u << 20) /* the reader's and the copier's buffer */
#define NONE	      ((size_t)-1)

/* ---- small growable buffers ------------------------------------------ */

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
	char *incl_blank_file;	       /* an included file's first line inherits */
	unsigned long incl_blank_line; /* this owner (blank), at that line */
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

/*
 * Where one copy of the SOA holds its serial: a decimal number, or (in
 * the RFC 3597 form "TYPE6 \# LEN HEX") eight hex digits, which may be
 * split over several chunks of hex, so up to eight runs of digits.
 */
struct serial_run {
	off_t off;
	size_t len;
};
struct soa_copy {
	struct serial_run run[8];
	size_t nrun;
	int hex, upper; /* hex digits; in upper case */
	unsigned long line;
};

/* A raw name given before the origin is known. */
struct pending {
	char *owner_text; /* as given */
	struct want want;
	int remove;
	int has_want;
};

/* Replace bytes [start, end) of the zone file by text. */
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
	struct soa_copy *soa; /* every copy of the SOA, in file order */
	size_t nsoa;
	ldns_rr *soa_rr;   /* the first copy, which the others must equal */
	int soa_ttl_known; /* its TTL was given or set by $TTL */
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
	int tlsa_in_snippet;   /* the zone's own TLSA records are not the sets edited */
	struct cnames *cnames; /* CNAME owners, during --check (zonecname.c) */

	int zone_fd;
	struct stat zone_st;	  /* the zone file when locked */
	size_t xattrs_lost;	  /* extended attributes a new file could not take */
	char zone_path[PATH_MAX]; /* as named */
	struct outfile out[2];
	size_t nout;
	tlsa_zone_where where;
};

/* Record where an error was found (fmt may be NULL); returns st. */
tlsa_status tlsa_zone_fail(tlsa_zone_edit *ed, tlsa_status st, const char *file, unsigned long line,
			   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* ---- zonelex.c: names, TTLs, tokens ------------------------------------ */

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

/* ---- zonescan.c: the scanner ------------------------------------------ */

enum scan_mode {
	SCAN_EDIT,    /* collect the SOA and TLSA records at targets */
	SCAN_SOA,     /* stop at the SOA: only its owner is wanted */
	SCAN_CHECK,   /* parse every record with ldns (--check) */
	SCAN_SNIPPET, /* collect every TLSA record (an --include snippet) */
	SCAN_CNAMES   /* after SCAN_CHECK: other data at the CNAME owners noted */
};

struct snip;

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
	int seen_record;   /* an entry that is not a directive */
	size_t inherit_found; /* found entry whose owner this file starts with */
	int done;	   /* SCAN_SOA: found it */
	/* Records of a snippet (SCAN_SNIPPET). */
	struct snip *snip;
	ldns_rdf *origin_rdf;
};

/* A scan of path in mode, names completed with origin (may be NULL). */
void tlsa_zone_scan_init(struct scan *sc, tlsa_zone_edit *ed, enum scan_mode mode, const char *path,
			 const char *origin);
/* Scan the file open on fd from its start, then free what sc holds. */
tlsa_status tlsa_zone_scan(struct scan *sc, int fd);

/* ---- zonerecord.c: what the scan keeps -------------------------------- */

/* One entry (a record, however many lines it spans) as scanned. */
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

/* Parse the entry as one RR at owner with ldns; errors name its line. */
tlsa_status tlsa_zone_parse_rr(struct scan *sc, const struct entry *e, const char *owner,
			       ldns_rr **rr);
/* The TLSA rdata of an ldns record. */
tlsa_status tlsa_zone_rr_tlsa(const ldns_rr *rr, tlsa_record **out);
/* Keep a TLSA record at a target, with the layout of its first line. */
tlsa_status tlsa_zone_found_add(struct scan *sc, const struct entry *e, size_t target,
				const char *owner, const char *prev_owner, int explicit_owner);
void tlsa_zone_found_free(struct found *f);
/* The SOA: where its serial is, and its owner as the zone's origin. */
tlsa_status tlsa_zone_soa(struct scan *sc, const struct entry *e, const char *owner);
tlsa_status tlsa_zone_snip_add(struct scan *sc, const struct entry *e, const char *owner);
void tlsa_zone_snip_free(struct snip *s);

/* ---- zonetarget.c: what is asked -------------------------------------- */

/* The target whose owner is owner (absolute), or NONE. */
size_t tlsa_zone_find_target(const tlsa_zone_edit *ed, const char *owner);
/* Some name given is relative (and needs an origin). */
int tlsa_zone_pending_relative(const tlsa_zone_edit *ed);
/* Turn the names given into targets, completing them with origin. */
tlsa_status tlsa_zone_resolve_targets(tlsa_zone_edit *ed, const char *origin);
/* Every target lies in the zone of the SOA. */
tlsa_status tlsa_zone_targets_in_zone(tlsa_zone_edit *ed);
/* r is among the n records asked (with the TTL asked, when check_ttl). */
int tlsa_zone_rec_in(const tlsa_record *r, const struct want *w, size_t n, int check_ttl,
		     uint32_t ttl);

/* ---- zoneedit.c: the plan --------------------------------------------- */

/* Patches for the TLSA sets of the zone file itself. */
tlsa_status tlsa_zone_plan_sets(tlsa_zone_edit *ed, tlsa_zone_report *rep, int *changed);
/* The snippet: *changed when its records differ; then its temp file. */
tlsa_status tlsa_zone_plan_snippet(tlsa_zone_edit *ed, tlsa_zone_report *rep, int *changed);
/* The serial's patch when something changed (or the serial alone is asked). */
tlsa_status tlsa_zone_plan_serial(tlsa_zone_edit *ed, tlsa_zone_report *rep, int changed);

/* ---- zonecname.c: the CNAME rule -------------------------------------- */

struct cnames;

/* A CNAME at target's owner: an error when records are asked for it. */
tlsa_status tlsa_zone_cname_at_target(struct scan *sc, const struct entry *e, size_t target,
				      const char *owner);
/* A record parsed by --check: note it when it is a CNAME. */
tlsa_status tlsa_zone_cname_parsed(struct scan *sc, const struct entry *e, const char *owner,
				   const ldns_rr *rr);
/* An entry of type ty at owner: an error when owner has a CNAME and ty is
 * not allowed beside it. */
tlsa_status tlsa_zone_cname_other(struct scan *sc, const struct entry *e, const char *owner,
				  const char *ty, size_t tyl);
/* --check of the file open on fd: every record parses, and no CNAME owner
 * holds other data. */
tlsa_status tlsa_zone_check_scan(tlsa_zone_edit *ed, int fd, const char *shown);

/* ---- zonewrite.c: files ----------------------------------------------- */

/* Resolve symlinks of a path that may not exist yet (its directory must). */
int tlsa_zone_resolve_path(const char *path, char *out);
/* Open and lock the zone file, making sure the lock is on the live file. */
tlsa_status tlsa_zone_open_locked(tlsa_zone_edit *ed, const char *path, int exclusive);
/* The zone file with its patches into a temp file, flushed and read back. */
tlsa_status tlsa_zone_write_zone(tlsa_zone_edit *ed);
/* The snippet's new text into a temp file, flushed. */
tlsa_status tlsa_zone_write_snippet(tlsa_zone_edit *ed, const char *text, size_t len);

#endif
