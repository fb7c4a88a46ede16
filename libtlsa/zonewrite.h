/*
 * Files (zonewrite.c): the lock on the zone file and the temp files that
 * replace it and the snippet.  Not installed.
 */
#ifndef TLSA_ZONEWRITE_H
#define TLSA_ZONEWRITE_H

#include <limits.h>
#include <signal.h>
#include <stddef.h>
#include <sys/stat.h>

#include <tlsa.h>

struct outfile {
	char target[PATH_MAX]; /* the file to replace (symlinks resolved) */
	char temp[PATH_MAX];   /* mkstemp template, then the temp file */
	volatile sig_atomic_t temp_live;
	int existed;
	int zone;	/* the zone file (committed first) */
	struct stat st; /* of target when read */
};

/* Open and lock the zone file, making sure the lock is on the live file. */
tlsa_status tlsa_zone_open_locked(tlsa_zone_edit *ed, const char *path, int exclusive);
/*
 * The zone file with its patches into a temp file, flushed, left open on
 * *fd for reading back; tlsa_zone_close_zone() closes it.  On an error
 * nothing is left open.
 */
tlsa_status tlsa_zone_write_zone(tlsa_zone_edit *ed, int *fd);
/* Close the temp file of tlsa_zone_write_zone(): st, or the close's error. */
tlsa_status tlsa_zone_close_zone(tlsa_zone_edit *ed, int fd, tlsa_status st);
/* The snippet's new text into a temp file, flushed. */
tlsa_status tlsa_zone_write_snippet(tlsa_zone_edit *ed, const char *text, size_t len);

#endif
