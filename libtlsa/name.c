/*
 * Domain names as text: one walk over the labels of a name, under the
 * rules of where the name is written.
 *
 *   host names   (tlsa_host_name_check(): what a user gives as a host)
 *                letters, digits, '-' and '_'; 63 characters a label,
 *                253 in all, the final dot aside
 *   zone owners  (tlsa_owner_name_check(): a zone file's owner field)
 *                the escapes \X and \DDD, no space, control character,
 *                ';', '(', ')' or '"'; 63 bytes a label, 255 on the wire
 *   DNS text     (tlsa_name_walk() for dns-query.c, before ldns parses it)
 *                the escapes, any other byte; 63 bytes a label, 255 on
 *                the wire
 *
 * Owns the rules and their words only; no parsing into wire form (ldns
 * does that where one is needed), so it needs no DNS library.
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "tlsa/status.h"
#include "tlsa/zonefile.h"

#include "error-internal.h"
#include "name-internal.h"

/* What a rule set allows, and the words that say what it does not. */
struct tlsa_name_rules {
	enum { CHARS_HOST, CHARS_ZONE, CHARS_ANY } chars;
	const char *kind; /* "a host name": "is not a host name (it is empty)" */
	size_t max;	  /* the longest name, in unit */
	const char *unit; /* "characters" of text (host) or "bytes" on the wire */
};

const struct tlsa_name_rules tlsa_name_host = {CHARS_HOST, "a host name", 253, "characters"};
const struct tlsa_name_rules tlsa_name_owner = {CHARS_ZONE, "a name", 255, "bytes"};
const struct tlsa_name_rules tlsa_name_dns = {CHARS_ANY, "a name", 255, "bytes"};

/* Set why (when given) and return TLSA_ERR_DNS_NAME. */
static tlsa_status bad(char *why, size_t whysize, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static tlsa_status bad(char *why, size_t whysize, const char *fmt, ...)
{
	va_list ap;

	if (why != NULL && whysize > 0) {
		va_start(ap, fmt);
		vsnprintf(why, whysize, fmt, ap);
		va_end(ap);
	}
	return TLSA_ERR_DNS_NAME;
}

/* The character at *p (an escape may span more): 0 when r allows it, else
 * the words of why it does not; *p moves to its last byte. */
static const char *bad_char(const struct tlsa_name_rules *r, const unsigned char **p, char *what,
			    size_t size)
{
	const unsigned char *c = *p;

	if (r->chars != CHARS_HOST && *c == '\\') {
		/* \DDD (a byte, in decimal) or \X (X itself). */
		if (isdigit(c[1]) && isdigit(c[2]) && isdigit(c[3]) &&
		    (c[1] - '0') * 100 + (c[2] - '0') * 10 + (c[3] - '0') <= 255)
			*p += 3;
		else if (c[1] >= 0x20 && c[1] != 0x7f)
			*p += 1;
		else
			return "has a '\\' that escapes nothing";
		return NULL;
	}
	switch (r->chars) {
	case CHARS_HOST:
		if (*c >= 0x80)
			return "is not ASCII: give an internationalized name in its xn-- form";
		if (*c < 0x20 || *c == 0x7f)
			return "has a control character in it";
		if (!isalnum(*c) && *c != '-' && *c != '_') {
			snprintf(what, size, "has '%c' in it, which a host name cannot have", *c);
			return what;
		}
		return NULL;
	case CHARS_ZONE:
		if (*c < 0x20 || *c == 0x7f || *c == ' ')
			return "has a space or control character in it (escape it as \\032)";
		if (strchr(";()\"", *c) != NULL) {
			snprintf(what, size, "has '%c' in it, which a zone file reads as syntax",
				 *c);
			return what;
		}
		return NULL;
	case CHARS_ANY: return NULL;
	}
	return NULL;
}

tlsa_status tlsa_name_walk(const char *name, const struct tlsa_name_rules *r, char *why,
			   size_t whysize)
{
	const unsigned char *p = (const unsigned char *)name;
	size_t n, label = 0, wire = 1;
	const char *no;
	char what[64];

	if (name == NULL || *p == '\0' || (r->chars == CHARS_HOST && strcmp(name, ".") == 0))
		return bad(why, whysize, "is not %s (it is empty)", r->kind);
	if (strcmp(name, ".") == 0)
		return TLSA_OK; /* the root, a name in zone and DNS text */
	/* Host names are measured as text: it has no escapes. */
	n = strlen(name);
	if (r->chars == CHARS_HOST && n - (name[n - 1] == '.') > r->max)
		return bad(why, whysize, "is longer than a domain name can be (%zu %s)", r->max,
			   r->unit);
	for (; *p != '\0'; p++) {
		if (*p == '.') {
			if (label == 0)
				return bad(why, whysize,
					   "has an empty label ('..' or a leading dot)");
			wire += label + 1;
			label = 0;
			continue;
		}
		if ((no = bad_char(r, &p, what, sizeof(what))) != NULL)
			return bad(why, whysize, "%s", no);
		if (++label > 63)
			return bad(why, whysize, "has a label longer than 63 %s", r->unit);
	}
	if (label > 0)
		wire += label + 1;
	if (r->chars != CHARS_HOST && wire > r->max)
		return bad(why, whysize, "is longer than a domain name can be (%zu %s)", r->max,
			   r->unit);
	return TLSA_OK;
}

tlsa_status tlsa_owner_name_why(const char *name, char *why, size_t whysize)
{
	if (name != NULL && strcmp(name, "@") == 0)
		return TLSA_OK;
	return tlsa_name_walk(name, &tlsa_name_owner, why, whysize);
}

tlsa_status tlsa_owner_name_check(const char *name)
{
	char why[256];
	tlsa_status st;

	tlsa_err_clear();
	st = tlsa_owner_name_why(name, why, sizeof(why));
	if (st != TLSA_OK)
		tlsa_err_detail("%s", why);
	return st;
}

tlsa_status tlsa_host_name_check(const char *name)
{
	char why[256];
	tlsa_status st;

	tlsa_err_clear();
	st = tlsa_name_walk(name, &tlsa_name_host, why, sizeof(why));
	if (st != TLSA_OK)
		tlsa_err_detail("%s", why);
	return st;
}
