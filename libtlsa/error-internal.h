/*
 * Recording a failure's detail for tlsa_error_detail(), tlsa_error_file()
 * and tlsa_error_line() (error.c).  A public call that gives a detail
 * clears the record on entry and fills it before it returns a failure.
 */
#ifndef TLSA_ERROR_INTERNAL_H
#define TLSA_ERROR_INTERNAL_H

#include <stdarg.h>

/* Empty detail and file, line 0. */
void tlsa_err_clear(void);

/* The file (NULL: leave it) and line (0: none) of the failure. */
void tlsa_err_where(const char *file, unsigned long line);

/* The failure in words, as printf() formats them. */
void tlsa_err_detail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void tlsa_err_vdetail(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

#endif
