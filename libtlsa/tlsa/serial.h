/*
 * SOA serials: RFC 1982 serial number arithmetic and the policies that
 * pick the next serial (auto, increment, date, unixtime, keep, a number).
 *
 * Owns: the arithmetic on uint32 serials, recognising the style a serial
 * is written in, and the rule that a new serial is always greater than the
 * old one.  Does not own reading or writing zone files (zoneedit.c).  The
 * clock is always passed in, so every function here is pure and testable.
 */
#ifndef TLSA_SERIAL_H
#define TLSA_SERIAL_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <tlsa/status.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum tlsa_serial_policy {
	TLSA_SERIAL_AUTO,      /* keep the style the zone uses (the default) */
	TLSA_SERIAL_INCREMENT, /* old + 1 */
	TLSA_SERIAL_DATE,      /* YYYYMMDDnn in UTC */
	TLSA_SERIAL_UNIXTIME,  /* seconds since 1970 */
	TLSA_SERIAL_KEEP,      /* leave the serial alone */
	TLSA_SERIAL_NUMBER     /* exactly the number given */
} tlsa_serial_policy;

/* A serial policy.  Start from TLSA_SERIAL_SPEC_INIT (the auto policy),
 * which sets size (see libtlsa(3): structs a caller fills carry their
 * size); one whose size is not set is TLSA_ERR_INVALID. */
typedef struct tlsa_serial_spec {
	size_t size; /* sizeof(tlsa_serial_spec) */
	tlsa_serial_policy policy;
	uint32_t number; /* for TLSA_SERIAL_NUMBER */
} tlsa_serial_spec;
/* clang-format off */
#define TLSA_SERIAL_SPEC_INIT {.size = sizeof(tlsa_serial_spec)}
/* clang-format on */

/* The style a serial is written in, as --serial auto reads it. */
typedef enum tlsa_serial_style {
	TLSA_SERIAL_STYLE_COUNTER,
	TLSA_SERIAL_STYLE_DATE,
	TLSA_SERIAL_STYLE_UNIXTIME
} tlsa_serial_style;

/* Warnings from tlsa_serial_next(), as flags. */
enum {
	/* The policy's candidate was not greater than the old serial (a date
	 * serial at today's 99, a serial ahead of the clock): took old + 1. */
	TLSA_SERIAL_WARN_FALLBACK = 1 << 0,
	/* The new date serial's counter is 90 or more: few bumps left today. */
	TLSA_SERIAL_WARN_COUNTER_HIGH = 1 << 1,
	/* The old serial is a date serial ahead of today. */
	TLSA_SERIAL_WARN_AHEAD = 1 << 2,
	/* The serial wrapped past 4294967295 (legal, but worth a look). */
	TLSA_SERIAL_WARN_WRAPPED = 1 << 3,
	/* --force let through a move the rules refuse. */
	TLSA_SERIAL_WARN_FORCED = 1 << 4
};

/*
 * Parse "auto", "increment", "date", "unixtime", "keep" (any case) or a
 * decimal number 0-4294967295 into *out, whose size the caller has set
 * (TLSA_SERIAL_SPEC_INIT).  TLSA_ERR_SERIAL_SYNTAX otherwise.
 */
tlsa_status tlsa_serial_spec_parse(const char *text, tlsa_serial_spec *out);

/*
 * RFC 1982 section 3.2 comparison: -1 when a < b, 0 when equal, 1 when
 * a > b, and 2 when the two are exactly 2^31 apart (undefined).
 */
int tlsa_serial_compare(uint32_t a, uint32_t b);

/* True when next is greater than old in serial arithmetic. */
int tlsa_serial_greater(uint32_t next, uint32_t old);

/*
 * The style of a serial at time now: DATE when it reads as YYYYMMDDnn
 * with a real calendar date from 1990 to ten years ahead of now; UNIXTIME
 * when it is a time from 2000-01-01 to one year ahead of now; COUNTER
 * otherwise.  A date reading wins, as it is the more common style.
 */
tlsa_serial_style tlsa_serial_style_of(uint32_t serial, time_t now);

/* The date serial of the first change on the UTC day of now: YYYYMMDD00. */
uint32_t tlsa_serial_date_base(time_t now);

/*
 * The serial that follows old under spec at time now, into *next, with
 * warnings (TLSA_SERIAL_WARN_*) into *warnings.  KEEP gives old itself.
 * Policies never give 0 and never a serial that is not greater than old:
 * when their candidate is not greater, they take old + 1 (skipping 0) and
 * set TLSA_SERIAL_WARN_FALLBACK.  An explicit NUMBER that is not greater
 * (a move backwards, a jump of 2^31 or more, the same serial, or 0) is
 * refused with TLSA_ERR_SERIAL_BACKWARDS or TLSA_ERR_SERIAL_JUMP unless
 * force is set.
 */
tlsa_status tlsa_serial_next(uint32_t old, const tlsa_serial_spec *spec, time_t now, int force,
			     uint32_t *next, unsigned *warnings);

#ifdef __cplusplus
}
#endif
#endif
