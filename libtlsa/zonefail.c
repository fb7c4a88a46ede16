/*
 * Where a zone edit failed.  Every step of an edit (scan, targets, plan,
 * write) reports an error through tlsa_zone_fail(), which records it in
 * the thread's error record (error.c) for tlsa_error_file(),
 * tlsa_error_line() and tlsa_error_detail().
 *
 * A leaf: it calls no other zone file, so that they can all call it.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "error-internal.h"
#include "zonefail.h"

tlsa_status tlsa_zone_fail(tlsa_zone_edit *ed, tlsa_status st, const char *file, unsigned long line,
			   const char *fmt, ...)
{
	va_list ap;

	(void)ed;
	tlsa_err_clear();
	tlsa_err_where(file, line);
	if (fmt != NULL) {
		va_start(ap, fmt);
		tlsa_err_vdetail(fmt, ap);
		va_end(ap);
	}
	return st;
}
