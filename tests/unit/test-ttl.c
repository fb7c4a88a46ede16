/*
 * tlsa_ttl_parse (ttl.c): the one TTL grammar and limit that `tlsa
 * create --ttl` and the zone files share.
 */
#include "config.h"

#include <string.h>

#include <tlsa.h>

#include "tap.h"

static tlsa_status parse(const char *s, uint32_t *v)
{
	*v = 12345;
	return tlsa_ttl_parse(s, strlen(s), v);
}

static void good(const char *s, uint32_t want)
{
	uint32_t v;
	tlsa_status st = parse(s, &v);

	ok(st == TLSA_OK && v == want, "TTL '%s' is %lu seconds", s, (unsigned long)want);
}

static void bad(const char *s, const char *why)
{
	uint32_t v;

	is_int(parse(s, &v), TLSA_ERR_TTL, "TTL '%s' is refused: %s", s, why);
}

int main(void)
{
	uint32_t v;

	good("0", 0);
	good("3600", 3600);
	good("1h", 3600);
	good("1H", 3600);
	good("1d12h", 129600);
	good("1w2d3h4m5s", 788645);
	good("2147483647", 2147483647u);
	good("3550w", 2147040000u);
	bad("", "empty");
	bad("h", "a unit with no number");
	bad("-1", "negative");
	bad("1x", "x is no unit");
	bad("1h30", "a bare number only on its own, as BIND and Knot read it");
	bad("1 h", "no space inside");
	bad("4294967296", "more than 32 bits");
	bad("7102w", "more than 32 bits once multiplied");
	ok(parse("2147483648", &v) == TLSA_ERR_TTL_RANGE && v == 0,
	   "2^31 is past RFC 2181's limit, and reads as 0 as receivers read it");
	ok(parse("4294967295", &v) == TLSA_ERR_TTL_RANGE && v == 0,
	   "2^32-1 is past the limit too, and reads as 0");
	ok(parse("3551w", &v) == TLSA_ERR_TTL_RANGE && v == 0,
	   "3551w (2147644800 seconds) is past the limit");
	ok(tlsa_ttl_parse("3600x", 4, &v) == TLSA_OK && v == 3600,
	   "only len bytes are read (zone tokens are not NUL-terminated)");
	ok(strcmp(tlsa_strerror(TLSA_ERR_TTL),
		  "bad TTL (want seconds, or units such as 1h or 1d12h)") == 0,
	   "TLSA_ERR_TTL has its words");
	return done_testing();
}
