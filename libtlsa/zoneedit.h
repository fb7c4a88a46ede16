/*
 * The state of a zone edit (zoneedit.c owns the object): what is asked,
 * what the scan found, the plan's patches and the files being written.
 * Each step's file reads and fills its part.  Not installed.
 */
#ifndef TLSA_ZONEEDIT_H
#define TLSA_ZONEEDIT_H

#include <limits.h>
#include <signal.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#include <ldns/ldns.h>

#include <tlsa.h>

#define NONE ((size_t)-1) /* no index: no target, no found entry */

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

struct cnames; /* zonecname.h */

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

#endif
