/*
 * Where a zone edit failed: the one way every zone file records the file,
 * line and detail of an error, in the thread's error record
 * (tlsa_error_file(), tlsa_error_line(), tlsa_error_detail()).  Not
 * installed.
 */
#ifndef TLSA_ZONEFAIL_H
#define TLSA_ZONEFAIL_H

#include <tlsa.h>

/* Record where an error was found (file and fmt may be NULL); returns st. */
tlsa_status tlsa_zone_fail(tlsa_zone_edit *ed, tlsa_status st, const char *file, unsigned long line,
			   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

#endif
