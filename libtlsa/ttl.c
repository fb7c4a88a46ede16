/*
 * TTLs as zone files and `tlsa create --ttl` write them: seconds, or a
 * sum of NUMBER UNIT with units s, m, h, d, w in any case (1h, 1d12h);
 * a number without a unit only on its own, as BIND and Knot read them.
 *
 * Owns: the one TTL grammar and its one limit, 2^31-1: RFC 2181 section
 * 8 makes a TTL with the top bit set read as zero.  Such a value is told
 * apart (TLSA_ERR_TTL_RANGE, with *ttl 0 as receivers read it) so that a
 * reader of existing zones can follow BIND, which loads it as 0, while
 * whatever tlsa writes stays within the limit.
 */
#include "config.h"

#include <tlsa/record.h>

#define TTL_MAX 0x7fffffffUL

tlsa_status tlsa_ttl_parse(const char *text, size_t len, uint32_t *ttl)
{
	unsigned long long total = 0, n;
	size_t i = 0;
	int units = 0;

	if (text == NULL || ttl == NULL)
		return TLSA_ERR_INVALID;
	if (len == 0)
		return TLSA_ERR_TTL;
	while (i < len) {
		if (text[i] < '0' || text[i] > '9')
			return TLSA_ERR_TTL;
		n = 0;
		while (i < len && text[i] >= '0' && text[i] <= '9') {
			n = n * 10 + (unsigned)(text[i++] - '0');
			if (n > UINT32_MAX)
				return TLSA_ERR_TTL;
		}
		if (i == len) {
			if (units)
				return TLSA_ERR_TTL; /* "1h30": 30 what? */
		} else {
			switch (text[i] | 0x20) {
			case 's': break;
			case 'm': n *= 60; break;
			case 'h': n *= 3600; break;
			case 'd': n *= 86400; break;
			case 'w': n *= 604800; break;
			default: return TLSA_ERR_TTL;
			}
			i++;
			units = 1;
		}
		total += n;
		if (total > UINT32_MAX)
			return TLSA_ERR_TTL;
	}
	if (total > TTL_MAX) {
		*ttl = 0;
		return TLSA_ERR_TTL_RANGE;
	}
	*ttl = (uint32_t)total;
	return TLSA_OK;
}
