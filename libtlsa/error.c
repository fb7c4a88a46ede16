/*
 * The error channel: the detail of the last failure, per thread.
 *
 * Owns: the thread's record of where and why the last call that gives a
 * detail failed (words, file, line), and the accessors of <tlsa/status.h>.
 * Every other file records a failure through error-internal.h; none keeps
 * error text of its own.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <tlsa.h>

#include "error-internal.h"

/* Internal sizes, not ABI: a longer text is cut. */
struct tlsa_error_state {
	char detail[1024];
	char file[4096];
	unsigned long line;
};

static _Thread_local struct tlsa_error_state last;

void tlsa_err_clear(void)
{
	last.detail[0] = '\0';
	last.file[0] = '\0';
	last.line = 0;
}

void tlsa_err_where(const char *file, unsigned long line)
{
	if (file != NULL && file != last.file)
		snprintf(last.file, sizeof(last.file), "%s", file);
	last.line = line;
}

void tlsa_err_vdetail(const char *fmt, va_list ap)
{
	vsnprintf(last.detail, sizeof(last.detail), fmt, ap);
}

void tlsa_err_detail(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tlsa_err_vdetail(fmt, ap);
	va_end(ap);
}

const char *tlsa_error_detail(void)
{
	return last.detail;
}

const char *tlsa_error_file(void)
{
	return last.file;
}

unsigned long tlsa_error_line(void)
{
	return last.line;
}
