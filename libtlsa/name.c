/*
 * Owner names as a zone file writes them: whether a piece of text can
 * stand in a line's owner field (tlsa_owner_name_check()).
 *
 * Owns the rules only; no parsing into wire form (ldns does that where
 * one is needed).
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "tlsa/status.h"
#include "tlsa/zonefile.h"

/* Set why (when given) and return TLSA_ERR_DNS_NAME. */
static tlsa_status bad(char *why, size_t whysize, const char *what)
{
	if (why != NULL && whysize > 0)
		snprintf(why, whysize, "%s", what);
	return TLSA_ERR_DNS_NAME;
}

tlsa_status tlsa_owner_name_check(const char *name, char *why, size_t whysize)
{
	const unsigned char *p = (const unsigned char *)name;
	size_t label = 0, wire = 1;
	char what[64];

	if (name == NULL || *p == '\0')
		return bad(why, whysize, "is not a name (it is empty)");
	if (strcmp(name, "@") == 0 || strcmp(name, ".") == 0)
		return TLSA_OK;
	for (; *p != '\0'; p++) {
		if (*p == '.') {
			if (label == 0)
				return bad(why, whysize, "has an empty label ('..' or a leading dot)");
			wire += label + 1;
			label = 0;
			continue;
		}
		if (*p == '\\') {
			/* \DDD (a byte, in decimal) or \X (X itself). */
			if (isdigit(p[1]) && isdigit(p[2]) && isdigit(p[3]) &&
			    (p[1] - '0') * 100 + (p[2] - '0') * 10 + (p[3] - '0') <= 255)
				p += 3;
			else if (p[1] >= 0x20 && p[1] != 0x7f)
				p++;
			else
				return bad(why, whysize, "has a '\\' that escapes nothing");
		} else if (*p < 0x20 || *p == 0x7f || *p == ' ') {
			return bad(why, whysize,
				   "has a space or control character in it (escape it as \\032)");
		} else if (strchr(";()\"", *p) != NULL) {
			snprintf(what, sizeof(what), "has '%c' in it, which a zone file reads as syntax",
				 *p);
			return bad(why, whysize, what);
		}
		if (++label > 63)
			return bad(why, whysize, "has a label longer than 63 bytes");
	}
	if (label > 0)
		wire += label + 1;
	if (wire > 255)
		return bad(why, whysize, "is longer than a domain name can be (255 bytes)");
	return TLSA_OK;
}
