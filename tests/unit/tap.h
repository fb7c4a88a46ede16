/*
 * A tiny TAP producer for the unit tests: each check prints one
 * "ok N - what" or "not ok N - what" line; done_testing() prints the plan
 * and returns the exit status.  Header-only so each test is one file.
 */
#ifndef TLSA_TAP_H
#define TLSA_TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static int tap_ok(int cond, const char *fmt, ...) __attribute__((format(printf, 2, 3), unused));
static int tap_ok(int cond, const char *fmt, ...)
{
	va_list ap;

	tap_n++;
	if (!cond)
		tap_failed++;
	printf("%sok %d - ", cond ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	return cond;
}

#define ok(cond, ...) tap_ok((cond) ? 1 : 0, __VA_ARGS__)

/* Integer equality, printing both sides when they differ. */
#define is_int(got, want, ...)                                                                     \
	do {                                                                                       \
		long long tap_g_ = (long long)(got), tap_w_ = (long long)(want);                   \
		if (!tap_ok(tap_g_ == tap_w_, __VA_ARGS__))                                        \
			printf("#   got %lld, want %lld\n", tap_g_, tap_w_);                       \
	} while (0)

/* String equality (NULL-safe), printing both sides when they differ. */
#define is_str(got, want, ...)                                                                     \
	do {                                                                                       \
		const char *tap_g_ = (got), *tap_w_ = (want);                                      \
		int tap_c_ = (tap_g_ == NULL || tap_w_ == NULL) ? tap_g_ == tap_w_                 \
								: strcmp(tap_g_, tap_w_) == 0;     \
		if (!tap_ok(tap_c_, __VA_ARGS__))                                                  \
			printf("#   got '%s'\n#  want '%s'\n", tap_g_ ? tap_g_ : "(null)",         \
			       tap_w_ ? tap_w_ : "(null)");                                        \
	} while (0)

static int done_testing(void) __attribute__((unused));
static int done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
