/*
 * Editing master zone files (RFC 1035 section 5) in place: replace or
 * remove TLSA RRsets and bump the SOA serial, changing no other byte.
 *
 * Owns: the streaming scanner ($ORIGIN, $TTL, $INCLUDE, blank owners,
 * parentheses, comments, quotes, CRLF), the edit plan (which byte ranges
 * change and into what), and the safe replacement of files (lock, temp
 * file in the same directory, fsync, rename, directory fsync, mode,
 * owner and extended attributes kept, symlinks kept).  Does not own serial arithmetic (serial.c)
 * or TLSA rdata (record.c), and never prints or installs signal handlers:
 * a caller that wants temp files gone on a signal calls
 * tlsa_zone_edit_unlink_temps() from its own handler.
 *
 * Memory does not grow with the zone: the scanner holds one entry (one
 * record, however many lines it spans) at a time, plus the records of the
 * owners being changed.
 *
 * Relative $INCLUDE paths are resolved against the directory of the file
 * that holds the $INCLUDE (as Knot does); when no file is there, against
 * the working directory (as BIND and NSD do).  Included files are read,
 * never written: records to change that live in one are an error naming
 * the file and line (keep such records in a snippet with --include).
 *
 * A failing call gives the file, line and words of the error through
 * tlsa_error_file(), tlsa_error_line() and tlsa_error_detail().
 *
 * Typical use:
 *   tlsa_zone_edit_new(&ed);
 *   tlsa_zone_edit_add_record(ed, "_25._tcp.mail.example.org. IN TLSA 3 1 1 ab..");
 *   tlsa_zone_edit_prepare(ed, "example.org.zone", &report);  (locks, writes temps)
 *   tlsa_zone_edit_commit(ed, NULL);                           (renames)
 *   tlsa_zone_edit_free(ed);              (removes temps left, unlocks)
 */
#ifndef TLSA_ZONEFILE_H
#define TLSA_ZONEFILE_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <tlsa/serial.h>
#include <tlsa/status.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tlsa_zone_edit tlsa_zone_edit;

/* What became of one owner's TLSA RRset (tlsa_zone_edit_change()). */
typedef enum tlsa_zone_set_change {
	TLSA_ZONE_SET_UNCHANGED,
	TLSA_ZONE_SET_REPLACED,
	TLSA_ZONE_SET_ADDED,
	TLSA_ZONE_SET_REMOVED
} tlsa_zone_set_change;

/* Filled by tlsa_zone_edit_change() in the caller's memory: start from
 * TLSA_ZONE_CHANGE_INIT, which sets size (see libtlsa(3)). */
typedef struct tlsa_zone_change {
	size_t size;	    /* sizeof(tlsa_zone_change) */
	const char *owner;  /* absolute, as given */
	const char *file;   /* the file holding the set: the zone or the snippet */
	unsigned long line; /* line of its first record before the edit; 0: none */
	tlsa_zone_set_change kind;
	size_t old_count, new_count; /* records before and after */
} tlsa_zone_change;
/* clang-format off */
#define TLSA_ZONE_CHANGE_INIT {.size = sizeof(tlsa_zone_change)}
/* clang-format on */

/* Flags for tlsa_zone_edit_set_flags(). */
enum {
	TLSA_ZONE_ALLOW_SIGNED = 1 << 0, /* edit zones holding RRSIG records */
	TLSA_ZONE_CHECK = 1 << 1,	 /* parse the whole result with ldns first, and
					    refuse CNAME and other data at one name */
	TLSA_ZONE_FORCE = 1 << 2,	 /* allow serial moves RFC 1982 refuses */
	TLSA_ZONE_SERIAL_ONLY = 1 << 3	 /* bump the serial even with nothing to change */
};

/* What tlsa_zone_edit_prepare() found and plans to do, filled in the
 * caller's memory: start from TLSA_ZONE_REPORT_INIT, which sets size. */
typedef struct tlsa_zone_report {
	size_t size;	    /* sizeof(tlsa_zone_report) */
	int changed;	    /* some file is to be written */
	int serial_changed; /* the SOA serial moves */
	uint32_t old_serial, new_serial;
	unsigned serial_warnings; /* TLSA_SERIAL_WARN_* */
	unsigned long soa_line;	  /* line of the SOA serial in the zone file */
	int signed_zone;	  /* RRSIG records seen (and allowed) */
	int snippet_not_included; /* never set: a snippet the zone does not $INCLUDE
				     is TLSA_ERR_ZONE_NOT_INCLUDED */
	size_t sets_replaced;	  /* existing RRsets given new records */
	size_t sets_added;	  /* owners that had no TLSA records */
	size_t sets_removed;	  /* RRsets deleted */
	size_t sets_unchanged;	  /* RRsets already as asked */
	size_t xattrs_lost;	  /* extended attributes (ACL, SELinux label...) of a
				     replaced file its new version could not take */
	unsigned long zone_links; /* the zone file's hard links: above 1, the other
				     names keep the old text when it is replaced */
} tlsa_zone_report;
/* clang-format off */
#define TLSA_ZONE_REPORT_INIT {.size = sizeof(tlsa_zone_report)}
/* clang-format on */

/*
 * Whether name can stand as the owner of a zone-file line: "@", ".", or a
 * name, absolute or relative, with the zone-file escapes \X and \DDD; no
 * unescaped space, control character, ';', '(', ')' or '"', no empty
 * label, labels of at most 63 bytes and 255 in all.  TLSA_OK, or
 * TLSA_ERR_DNS_NAME with tlsa_error_detail() a phrase that follows the
 * name ("has an empty label ...").  Needs no DNS library.
 */
tlsa_status tlsa_owner_name_check(const char *name);

/*
 * Whether name can be a host name as a user gives one: letters, digits,
 * '-' and '_', no empty label, labels of at most 63 characters and 253 in
 * all (a final dot aside).  TLSA_OK, or TLSA_ERR_DNS_NAME with
 * tlsa_error_detail() a phrase that follows the name, as for
 * tlsa_owner_name_check().  Needs no DNS library.
 */
tlsa_status tlsa_host_name_check(const char *name);

tlsa_status tlsa_zone_edit_new(tlsa_zone_edit **out);
/* Removes temp files not committed and releases the lock. */
void tlsa_zone_edit_free(tlsa_zone_edit *ed);

/* Origin for relative names in records and --remove owners ("example.org.");
 * TLSA_ERR_DNS_NAME for "@" or a name tlsa_owner_name_check() refuses. */
tlsa_status tlsa_zone_edit_set_origin(tlsa_zone_edit *ed, const char *origin);
/* The serial policy (default auto) and the clock it reads. */
void tlsa_zone_edit_set_serial(tlsa_zone_edit *ed, const tlsa_serial_spec *spec, time_t now);
void tlsa_zone_edit_set_flags(tlsa_zone_edit *ed, unsigned flags);
/* Write the result to path instead of replacing the zone file. */
tlsa_status tlsa_zone_edit_set_output(tlsa_zone_edit *ed, const char *path);
/*
 * Keep the TLSA records in this snippet file (rewritten in full), and
 * bump the zone's serial only when the snippet changes.  The zone must
 * $INCLUDE it (else TLSA_ERR_ZONE_NOT_INCLUDED from _prepare()).
 */
tlsa_status tlsa_zone_edit_set_snippet(tlsa_zone_edit *ed, const char *path);
/* Put temp files in dir instead of beside the files (for dry runs). */
tlsa_status tlsa_zone_edit_set_scratch_dir(tlsa_zone_edit *ed, const char *dir);

/*
 * One resource record in presentation form, as `tlsa create` prints it:
 * "OWNER [TTL] [IN] TLSA U S M HEX" or "... TYPE52 \# LEN HEX".  TTL and
 * class may come in either order.  The owner's whole TLSA RRset becomes
 * the records given for it.  TLSA_ERR_ZONE_RECORD or _NOT_TLSA, or
 * TLSA_ERR_DNS_NAME for an owner tlsa_owner_name_check() refuses (or, when
 * an origin is set, one too long once completed by it), with the detail
 * in tlsa_error_detail().
 */
tlsa_status tlsa_zone_edit_add_record(tlsa_zone_edit *ed, const char *text);
/* Delete the TLSA RRset of owner (TLSA_ERR_DNS_NAME for a name
 * tlsa_owner_name_check() refuses, the reason in tlsa_error_detail()). */
tlsa_status tlsa_zone_edit_remove(tlsa_zone_edit *ed, const char *owner);

/*
 * Lock the zone file, scan it, plan the edit and, when something changes,
 * write the new files to temp files (fsynced and read back).  Nothing is
 * replaced yet.  On error no temp file is left.  Records asked for an
 * owner that has a CNAME are TLSA_ERR_ZONE_CNAME (RFC 7671 section 7:
 * the records belong at the CNAME's target); so, with TLSA_ZONE_CHECK,
 * is a new zone with a CNAME and other data at one name.
 */
tlsa_status tlsa_zone_edit_prepare(tlsa_zone_edit *ed, const char *zonefile,
				   tlsa_zone_report *report);
/* Files prepared: 0 when nothing changes.  For file i, the path it will
 * replace (which may not exist yet) and the temp file holding its text. */
size_t tlsa_zone_edit_file_count(const tlsa_zone_edit *ed);
/* After tlsa_zone_edit_prepare(): one entry per owner given, saying what
 * the edit does to its set and where; strings live until _free(). */
size_t tlsa_zone_edit_change_count(const tlsa_zone_edit *ed);
tlsa_status tlsa_zone_edit_change(const tlsa_zone_edit *ed, size_t i, tlsa_zone_change *out);
tlsa_status tlsa_zone_edit_file(const tlsa_zone_edit *ed, size_t i, const char **target,
				const char **temp);
/*
 * Replace the files by their temp files (rename, then fsync of the
 * directory).  With backup_suffix, first keep each old file as
 * FILE+suffix.  The lock is released by tlsa_zone_edit_free().
 */
tlsa_status tlsa_zone_edit_commit(tlsa_zone_edit *ed, const char *backup_suffix);
/* Remove the temp files: nothing is replaced. */
void tlsa_zone_edit_abort(tlsa_zone_edit *ed);

/*
 * Async-signal-safe: unlink the temp files that exist now.  Only unlink()
 * on paths fixed before the files were created; for a signal handler.
 */
void tlsa_zone_edit_unlink_temps(const tlsa_zone_edit *ed);

/*
 * The records given so far as a zone-file snippet for $INCLUDE: one line
 * each, owners relative to the origin when one is set and they are under
 * it, else absolute.  Malloc'd into *text.
 */
tlsa_status tlsa_zone_edit_snippet(tlsa_zone_edit *ed, char **text);

#ifdef __cplusplus
}
#endif
#endif
