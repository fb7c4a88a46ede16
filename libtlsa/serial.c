/*
 * SOA serials: RFC 1982 arithmetic and the serial policies.
 *
 * Owns: tlsa_serial_*.  Everything is uint32_t modulo 2^32, as RFC 1982
 * defines it; nothing here converts through int or double, so 4000000000
 * stays 4000000000.  The clock is a parameter: no function reads time().
 * Does not own finding or rewriting the serial in a file (zonerecord.c,
 * zoneplan.c).
 */
#include "config.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include <tlsa.h>

#include "opts-internal.h"

#define HALF 0x80000000u /* 2^31 */

/* Seconds since 1970 for 2000-01-01T00:00:00Z: the oldest Unix-time serial. */
#define UNIXTIME_MIN 946684800u

static tlsa_status spec_parse(const char *text, tlsa_serial_spec *out)
{
	static const struct {
		const char *name;
		tlsa_serial_policy policy;
	} names[] = {
	    {"auto", TLSA_SERIAL_AUTO}, {"increment", TLSA_SERIAL_INCREMENT},
	    {"date", TLSA_SERIAL_DATE}, {"unixtime", TLSA_SERIAL_UNIXTIME},
	    {"keep", TLSA_SERIAL_KEEP},
	};
	uint64_t n = 0;
	size_t i;

	if (text == NULL)
		return TLSA_ERR_INVALID;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcasecmp(text, names[i].name) == 0) {
			out->policy = names[i].policy;
			out->number = 0;
			return TLSA_OK;
		}
	}
	if (*text == '\0')
		return TLSA_ERR_SERIAL_SYNTAX;
	for (i = 0; text[i] != '\0'; i++) {
		if (!isdigit((unsigned char)text[i]))
			return TLSA_ERR_SERIAL_SYNTAX;
		n = n * 10 + (uint64_t)(text[i] - '0');
		if (n > UINT32_MAX)
			return TLSA_ERR_SERIAL_SYNTAX;
	}
	out->policy = TLSA_SERIAL_NUMBER;
	out->number = (uint32_t)n;
	return TLSA_OK;
}

tlsa_status tlsa_serial_spec_parse(const char *text, tlsa_serial_spec *out)
{
	tlsa_serial_spec whole = TLSA_SERIAL_SPEC_INIT;
	tlsa_status st;

	if (out == NULL || out->size < sizeof(size_t))
		return TLSA_ERR_INVALID;
	st = spec_parse(text, &whole);
	if (st == TLSA_OK) /* only what the caller's size covers; it keeps its size */
		memcpy((char *)out + sizeof(size_t), (char *)&whole + sizeof(size_t),
		       (out->size < sizeof(whole) ? out->size : sizeof(whole)) - sizeof(size_t));
	return st;
}

int tlsa_serial_compare(uint32_t a, uint32_t b)
{
	uint32_t d = a - b; /* modulo 2^32 by the C rules for unsigned */

	if (d == 0)
		return 0;
	if (d == HALF)
		return 2;
	return d < HALF ? 1 : -1;
}

int tlsa_serial_greater(uint32_t next, uint32_t old)
{
	return tlsa_serial_compare(next, old) == 1;
}

/* Year, month (1-12) and day of now in UTC, without gmtime's static buffer. */
static int utc_date(time_t now, unsigned *y, unsigned *m, unsigned *d)
{
	struct tm tm;

	if (gmtime_r(&now, &tm) == NULL)
		return -1;
	*y = (unsigned)tm.tm_year + 1900;
	*m = (unsigned)tm.tm_mon + 1;
	*d = (unsigned)tm.tm_mday;
	return 0;
}

static unsigned days_in_month(unsigned y, unsigned m)
{
	static const unsigned char days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return days[m - 1];
}

uint32_t tlsa_serial_date_base(time_t now)
{
	unsigned y, m, d;

	if (utc_date(now, &y, &m, &d) != 0)
		return 0;
	return ((uint32_t)y * 10000u + m * 100u + d) * 100u;
}

/* True when serial reads as YYYYMMDDnn with a real date in [1990, year+10]. */
static int is_date_serial(uint32_t serial, time_t now)
{
	uint32_t ymd = serial / 100;
	unsigned y = ymd / 10000, m = (ymd / 100) % 100, d = ymd % 100;
	unsigned ny, nm, nd;

	if (utc_date(now, &ny, &nm, &nd) != 0)
		return 0;
	if (y < 1990 || y > ny + 10 || m < 1 || m > 12 || d < 1)
		return 0;
	return d <= days_in_month(y, m);
}

tlsa_serial_style tlsa_serial_style_of(uint32_t serial, time_t now)
{
	uint64_t upper = (uint64_t)(now < 0 ? 0 : now) + 366u * 86400u;

	if (is_date_serial(serial, now))
		return TLSA_SERIAL_STYLE_DATE;
	if (serial >= UNIXTIME_MIN && serial <= upper)
		return TLSA_SERIAL_STYLE_UNIXTIME;
	return TLSA_SERIAL_STYLE_COUNTER;
}

/* old + 1, stepping over 0: some software treats serial 0 as "none". */
static uint32_t plus_one(uint32_t old)
{
	uint32_t n = old + 1;

	return n == 0 ? 1 : n;
}

/* The date policy's candidate: today's first serial, or the next one today. */
static uint32_t date_candidate(uint32_t old, time_t now, int *exhausted)
{
	uint32_t base = tlsa_serial_date_base(now);

	*exhausted = 0;
	if (old / 100 == base / 100) {
		if (old % 100 == 99) {
			*exhausted = 1;
			return old;
		}
		return old + 1;
	}
	return base;
}

tlsa_status tlsa_serial_next(uint32_t old, const tlsa_serial_spec *spec_in, time_t now, int force,
			     uint32_t *next, unsigned *warnings)
{
	tlsa_serial_spec whole;
	const tlsa_serial_spec *spec;
	tlsa_serial_policy policy;
	uint32_t cand;
	unsigned warn = 0;
	int exhausted = 0, date_style = 0;

	if (TLSA_OPTS_COPY(&whole, spec_in) != 0 || next == NULL)
		return TLSA_ERR_INVALID;
	spec = &whole;
	policy = spec->policy;
	if (policy == TLSA_SERIAL_AUTO) {
		switch (tlsa_serial_style_of(old, now)) {
		case TLSA_SERIAL_STYLE_DATE: policy = TLSA_SERIAL_DATE; break;
		case TLSA_SERIAL_STYLE_UNIXTIME: policy = TLSA_SERIAL_UNIXTIME; break;
		case TLSA_SERIAL_STYLE_COUNTER: policy = TLSA_SERIAL_INCREMENT; break;
		}
	}

	switch (policy) {
	case TLSA_SERIAL_KEEP:
		*next = old;
		if (warnings != NULL)
			*warnings = 0;
		return TLSA_OK;
	case TLSA_SERIAL_NUMBER:
		cand = spec->number;
		if (cand == 0 || !tlsa_serial_greater(cand, old)) {
			if (!force) {
				if (cand == 0)
					return TLSA_ERR_SERIAL_ZERO;
				/* Numerically forward yet not greater: 2^31 or more. */
				return cand > old ? TLSA_ERR_SERIAL_JUMP
						  : TLSA_ERR_SERIAL_BACKWARDS;
			}
			warn |= TLSA_SERIAL_WARN_FORCED;
		}
		break;
	case TLSA_SERIAL_DATE:
		date_style = 1;
		if (tlsa_serial_style_of(old, now) == TLSA_SERIAL_STYLE_DATE &&
		    old / 100 > tlsa_serial_date_base(now) / 100)
			warn |= TLSA_SERIAL_WARN_AHEAD;
		cand = date_candidate(old, now, &exhausted);
		break;
	case TLSA_SERIAL_UNIXTIME: cand = now <= 0 ? 0 : (uint32_t)(uint64_t)now; break;
	case TLSA_SERIAL_INCREMENT:
	case TLSA_SERIAL_AUTO:
	default: cand = plus_one(old); break;
	}

	if (policy != TLSA_SERIAL_NUMBER &&
	    (exhausted || cand == 0 || !tlsa_serial_greater(cand, old))) {
		cand = plus_one(old);
		warn |= TLSA_SERIAL_WARN_FALLBACK;
	}
	if (date_style && tlsa_serial_style_of(cand, now) == TLSA_SERIAL_STYLE_DATE &&
	    cand % 100 >= 90)
		warn |= TLSA_SERIAL_WARN_COUNTER_HIGH;
	if (cand < old && tlsa_serial_greater(cand, old))
		warn |= TLSA_SERIAL_WARN_WRAPPED;
	*next = cand;
	if (warnings != NULL)
		*warnings = warn;
	return TLSA_OK;
}
