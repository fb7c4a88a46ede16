/*
 * serial.c: RFC 1982 arithmetic and the serial policies, with a fixed
 * clock (2026-11-23 12:00:00 UTC) so that date and Unix-time serials are
 * exact.
 */
#include "config.h"

#include <tlsa.h>

#include <string.h>

#include "tap.h"

#define NOW	((time_t)1795435200) /* 2026-11-23T12:00:00Z */
#define LEAPDAY ((time_t)1709251199) /* 2024-02-29T23:59:59Z */

static uint32_t next_of(uint32_t old, tlsa_serial_policy p, uint32_t number, int force,
			tlsa_status *st, unsigned *warn)
{
	tlsa_serial_spec spec = {.size = sizeof(spec), .policy = p, .number = number};
	uint32_t next = 0;

	*st = tlsa_serial_next(old, &spec, NOW, force, &next, warn);
	return next;
}

int main(void)
{
	tlsa_serial_spec spec = TLSA_SERIAL_SPEC_INIT;
	tlsa_status st;
	unsigned warn;
	uint32_t n;

	/* Parsing --serial. */
	ok(tlsa_serial_spec_parse("auto", &spec) == TLSA_OK && spec.policy == TLSA_SERIAL_AUTO,
	   "--serial auto is the auto policy");
	ok(tlsa_serial_spec_parse("DATE", &spec) == TLSA_OK && spec.policy == TLSA_SERIAL_DATE,
	   "policy names are case-insensitive");
	ok(tlsa_serial_spec_parse("4294967295", &spec) == TLSA_OK &&
	       spec.policy == TLSA_SERIAL_NUMBER && spec.number == 4294967295u,
	   "an explicit 4294967295 is kept whole (no int truncation)");
	is_int(tlsa_serial_spec_parse("4294967296", &spec), TLSA_ERR_SERIAL_SYNTAX,
	       "a number above 2^32-1 is refused");
	is_int(tlsa_serial_spec_parse("-1", &spec), TLSA_ERR_SERIAL_SYNTAX,
	       "a negative number is refused");
	is_int(tlsa_serial_spec_parse("", &spec), TLSA_ERR_SERIAL_SYNTAX,
	       "an empty serial is refused");
	is_int(tlsa_serial_spec_parse("daily", &spec), TLSA_ERR_SERIAL_SYNTAX,
	       "an unknown policy is refused");

	/* RFC 1982 comparison. */
	is_int(tlsa_serial_compare(2, 1), 1, "2 is greater than 1");
	is_int(tlsa_serial_compare(1, 2), -1, "1 is less than 2");
	is_int(tlsa_serial_compare(7, 7), 0, "a serial equals itself");
	is_int(tlsa_serial_compare(0, 4294967295u), 1, "0 is greater than 4294967295 (wrap)");
	is_int(tlsa_serial_compare(5, 4000000000u), 1, "5 is greater than 4000000000 (wrap)");
	is_int(tlsa_serial_compare(0x80000000u, 0), 2, "serials exactly 2^31 apart are undefined");
	is_int(tlsa_serial_compare(0x7fffffffu, 0), 1, "a step of 2^31-1 is still greater");
	is_int(tlsa_serial_compare(4000000000u, 1), -1,
	       "4000000000 is less than 1 (a forward step of 2^31 or more is backwards)");

	/* Styles. */
	is_int(tlsa_serial_style_of(2026112301u, NOW), TLSA_SERIAL_STYLE_DATE,
	       "2026112301 reads as a date serial");
	is_int(tlsa_serial_style_of(2024022999u, NOW), TLSA_SERIAL_STYLE_DATE,
	       "29 February of a leap year is a date");
	is_int(tlsa_serial_style_of(2023022901u, NOW), TLSA_SERIAL_STYLE_COUNTER,
	       "29 February of 2023 is no date (and, years ahead as Unix time, a counter)");
	is_int(tlsa_serial_style_of(2026133101u, NOW), TLSA_SERIAL_STYLE_COUNTER,
	       "month 13 is no date");
	is_int(tlsa_serial_style_of(2036123101u, NOW), TLSA_SERIAL_STYLE_DATE,
	       "a date up to ten years ahead is still a date serial");
	is_int(tlsa_serial_style_of(2046123101u, NOW), TLSA_SERIAL_STYLE_COUNTER,
	       "a date twenty years ahead is not taken for a date serial");
	is_int(tlsa_serial_style_of(1795000000u, NOW), TLSA_SERIAL_STYLE_UNIXTIME,
	       "a time in 2026 reads as Unix time");
	is_int(tlsa_serial_style_of(42, NOW), TLSA_SERIAL_STYLE_COUNTER, "42 is a counter");
	is_int(tlsa_serial_style_of(4294967295u, NOW), TLSA_SERIAL_STYLE_COUNTER,
	       "4294967295 is a counter");
	is_int(tlsa_serial_date_base(NOW), 2026112300u, "the date base of the clock is YYYYMMDD00");
	is_int(tlsa_serial_date_base(LEAPDAY), 2024022900u, "the date base is taken in UTC");

	/* Policies. */
	n = next_of(41, TLSA_SERIAL_AUTO, 0, 0, &st, &warn);
	ok(st == TLSA_OK && n == 42 && warn == 0, "auto increments a counter");
	n = next_of(2024010101u, TLSA_SERIAL_AUTO, 0, 0, &st, &warn);
	ok(st == TLSA_OK && n == 2026112300u && warn == 0,
	   "auto keeps a date serial a date serial: today's first");
	n = next_of(2026112305u, TLSA_SERIAL_AUTO, 0, 0, &st, &warn);
	ok(st == TLSA_OK && n == 2026112306u, "a second change today counts up");
	n = next_of(2026112389u, TLSA_SERIAL_DATE, 0, 0, &st, &warn);
	ok(st == TLSA_OK && n == 2026112390u && (warn & TLSA_SERIAL_WARN_COUNTER_HIGH),
	   "a date counter reaching 90 warns");
	n = next_of(2026112399u, TLSA_SERIAL_AUTO, 0, 0, &st, &warn);
	ok(st == TLSA_OK && n == 2026112400u && (warn & TLSA_SERIAL_WARN_FALLBACK),
	   "today's 99 is followed by old + 1, with a warning");
	n = next_of(2026120105u, TLSA_SERIAL_AUTO, 0, 0, &st, &warn);
	ok(st == TLSA_OK && n == 2026120106u && (warn & TLSA_SERIAL_WARN_AHEAD) &&
	       (warn & TLSA_SERIAL_WARN_FALLBACK),
	   "a date serial ahead of today takes old + 1 and warns that it is ahead");
	n = next_of(1795000000u, TLSA_SERIAL_AUTO, 0, 0, &st, &warn);
	ok(st == TLSA_OK && n == (uint32_t)NOW && warn == 0, "auto keeps Unix time Unix time");
	n = next_of(1795435300u, TLSA_SERIAL_UNIXTIME, 0, 0, &st, &warn);
	ok(st == TLSA_OK && n == 1795435301u && (warn & TLSA_SERIAL_WARN_FALLBACK),
	   "a Unix-time serial ahead of the clock takes old + 1");
	n = next_of(4294967295u, TLSA_SERIAL_AUTO, 0, 0, &st, &warn);
	ok(st == TLSA_OK && n == 1 && (warn & TLSA_SERIAL_WARN_WRAPPED),
	   "4294967295 + 1 wraps to 1, never 0");
	n = next_of(4294967295u, TLSA_SERIAL_DATE, 0, 0, &st, &warn);
	ok(st == TLSA_OK && n == 2026112300u && tlsa_serial_greater(n, 4294967295u),
	   "--serial date from 4294967295 is today's date serial (greater after the wrap)");
	n = next_of(100, TLSA_SERIAL_INCREMENT, 0, 0, &st, &warn);
	ok(st == TLSA_OK && n == 101, "increment adds one");
	n = next_of(100, TLSA_SERIAL_KEEP, 0, 0, &st, &warn);
	ok(st == TLSA_OK && n == 100, "keep keeps the serial");
	n = next_of(100, TLSA_SERIAL_DATE, 0, 0, &st, &warn);
	ok(st == TLSA_OK && n == 2026112300u, "--serial date turns a counter into a date serial");
	n = next_of(2026112300u, TLSA_SERIAL_UNIXTIME, 0, 0, &st, &warn);
	ok(st == TLSA_OK && n == 2026112301u && (warn & TLSA_SERIAL_WARN_FALLBACK),
	   "Unix time below a date serial is not greater: old + 1");

	/* Explicit numbers. */
	n = next_of(100, TLSA_SERIAL_NUMBER, 200, 0, &st, &warn);
	ok(st == TLSA_OK && n == 200, "an explicit greater number is taken");
	next_of(100, TLSA_SERIAL_NUMBER, 50, 0, &st, &warn);
	is_int(st, TLSA_ERR_SERIAL_BACKWARDS, "an explicit smaller number is refused");
	next_of(100, TLSA_SERIAL_NUMBER, 100, 0, &st, &warn);
	is_int(st, TLSA_ERR_SERIAL_BACKWARDS, "the same number is refused (not greater)");
	next_of(5, TLSA_SERIAL_NUMBER, 3000000000u, 0, &st, &warn);
	is_int(st, TLSA_ERR_SERIAL_JUMP, "a jump of 2^31 or more is refused");
	next_of(0, TLSA_SERIAL_NUMBER, 0x80000000u, 0, &st, &warn);
	is_int(st, TLSA_ERR_SERIAL_JUMP, "a jump of exactly 2^31 is refused");
	next_of(4294967295u, TLSA_SERIAL_NUMBER, 0, 0, &st, &warn);
	is_int(st, TLSA_ERR_SERIAL_ZERO, "an explicit 0 is refused");
	n = next_of(3000000000u, TLSA_SERIAL_NUMBER, 5, 0, &st, &warn);
	ok(st == TLSA_OK && n == 5 && (warn & TLSA_SERIAL_WARN_WRAPPED),
	   "an explicit number past the wrap that is greater in RFC 1982 terms is taken");
	n = next_of(100, TLSA_SERIAL_NUMBER, 50, 1, &st, &warn);
	ok(st == TLSA_OK && n == 50 && (warn & TLSA_SERIAL_WARN_FORCED),
	   "--force lets a backwards move through, with a warning");
	ok(tlsa_serial_next(1, NULL, NOW, 0, &n, &warn) == TLSA_ERR_INVALID,
	   "a missing spec is an invalid argument");

	/* The struct carries its size: the library reads only what it covers. */
	{
		tlsa_serial_spec unset, shorter;

		memset(&unset, 0, sizeof(unset));
		unset.policy = TLSA_SERIAL_KEEP;
		is_int(tlsa_serial_next(7, &unset, NOW, 0, &n, &warn), TLSA_ERR_INVALID,
		       "a spec whose size is not set is an invalid argument");
		is_int(tlsa_serial_spec_parse("keep", &unset), TLSA_ERR_INVALID,
		       "and parse will not write into one");
		shorter.size = sizeof(size_t); /* from headers that knew no policy */
		shorter.policy = TLSA_SERIAL_KEEP;
		ok(tlsa_serial_next(7, &shorter, NOW, 0, &n, &warn) == TLSA_OK && n == 8,
		   "a spec shorter than the policy reads as auto, past its size unread");
	}
	return done_testing();
}
