/*
 * Where a zone edit failed.  Every step of an edit (scan, targets, plan,
 * write) reports an error through tlsa_zone_fail(), and the caller reads
 * it back with tlsa_zone_edit_where().
 *
 * Owns: ed->where.  A leaf: it calls no other zone file, so that they can
 * all call it.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "zonefail.h"
#include "zoneedit.h"

tlsa_status tlsa_zone_fail(tlsa_zone_edit *ed, tlsa_status st, const char *file, unsigned long line,
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

const tlsa_zone_where *tlsa_zone_edit_where(const tlsa_zone_edit *ed)
{
	return &ed->where;
}
