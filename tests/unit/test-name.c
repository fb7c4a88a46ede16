/*
 * name.c: one walk over a name's labels, under the rules of a host name
 * (tlsa_host_name_check), of a zone file's owner (tlsa_owner_name_check)
 * and of DNS text (what dns-query.c hands ldns).  Each rule set keeps its own
 * words: host names count characters, owners and DNS text bytes.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <tlsa.h>

#include "../../libtlsa/name-internal.h"

#include "tap.h"

static char why[256];

/* The phrase a check gives for name (or "" when it takes it). */
static const char *host(const char *name)
{
	if (tlsa_host_name_check(name) == TLSA_OK)
		return "";
	return tlsa_error_detail();
}

static const char *owner(const char *name)
{
	if (tlsa_owner_name_check(name) == TLSA_OK)
		return "";
	return tlsa_error_detail();
}

static const char *dns(const char *name)
{
	why[0] = '\0';
	if (tlsa_name_walk(name, &tlsa_name_dns, why, sizeof(why)) == TLSA_OK)
		return "";
	return why;
}

/* n copies of c, then tail. */
static const char *rep(char *buf, size_t n, char c, const char *tail)
{
	memset(buf, c, n);
	strcpy(buf + n, tail);
	return buf;
}

int main(void)
{
	char b[1200], l63[70], l64[70];
	size_t i;

	rep(l63, 63, 'a', "");
	rep(l64, 64, 'a', "");

	/* ---- host names ---- */
	is_str(host("mail.example.org"), "", "a host name is taken");
	is_str(host("mail.example.org."), "", "so is it with its final dot");
	is_str(host("_25._tcp-x.example"), "", "'_' and '-' are host name characters");
	is_str(host(""), "is not a host name (it is empty)", "an empty host name is refused");
	is_str(host("."), "is not a host name (it is empty)", "so is the root alone");
	is_str(host("a..b"), "has an empty label ('..' or a leading dot)", "an empty label too");
	is_str(host(".a"), "has an empty label ('..' or a leading dot)", "a leading dot too");
	is_str(host("a.."), "has an empty label ('..' or a leading dot)", "and two final dots");
	is_str(host("bad_host!"), "has '!' in it, which a host name cannot have",
	       "a host name with a bad character says which");
	is_str(host("a b"), "has ' ' in it, which a host name cannot have",
	       "a space is a bad character in a host name");
	is_str(host("mx\nexample"), "has a control character in it", "a control character");
	is_str(host("b\xc3\xbc"
		    "cher.example"),
	       "is not ASCII: give an internationalized name in its xn-- form",
	       "a name that is not ASCII says to use its xn-- form");
	snprintf(b, sizeof(b), "%s.example", l63);
	is_str(host(b), "", "a label of 63 characters is taken");
	snprintf(b, sizeof(b), "%s.example", l64);
	is_str(host(b), "has a label longer than 63 characters",
	       "one of 64 is refused, counted in characters");
	for (b[0] = '\0', i = 0; i < 3; i++)
		strcat(strcat(b, l63), ".");
	strcat(b, "a234567890123456789012345678901234567890123456789012345678901");
	is_int((int)strlen(b), 253, "(a host name of 253 characters)");
	is_str(host(b), "", "a host name of 253 characters is taken");
	strcat(b, ".");
	is_str(host(b), "", "and with its final dot, 254");
	b[strlen(b) - 1] = 'x';
	is_str(host(b), "is longer than a domain name can be (253 characters)",
	       "one of 254 characters is refused");

	/* ---- zone-file owners ---- */
	is_str(owner("@"), "", "'@' is an owner");
	is_str(owner("."), "", "so is the root");
	is_str(owner("a\\.b\\032c.example."), "", "escapes stand for one byte each");
	is_str(owner(""), "is not a name (it is empty)", "an empty owner is refused");
	is_str(owner("a b"), "has a space or control character in it (escape it as \\032)",
	       "an unescaped space in an owner says to escape it");
	is_str(owner("x;y"), "has ';' in it, which a zone file reads as syntax",
	       "a syntax character in an owner says so");
	is_str(owner("a\\"), "has a '\\' that escapes nothing", "a lone backslash is refused");
	snprintf(b, sizeof(b), "%s.example.", l64);
	is_str(owner(b), "has a label longer than 63 bytes", "owner labels count bytes");
	for (b[0] = '\0', i = 0; i < 64; i++)
		strcat(b, "\\000");
	strcat(b, ".example.");
	is_str(owner(b), "has a label longer than 63 bytes",
	       "64 escaped bytes are a label longer than 63 bytes");
	for (b[0] = '\0', i = 0; i < 4; i++)
		strcat(strcat(b, l63), ".");
	is_str(owner(b), "is longer than a domain name can be (255 bytes)",
	       "an owner of 257 bytes on the wire is refused");

	/* ---- DNS text (what dns-query.c gives ldns) ---- */
	is_str(dns("."), "", "the root is a name in DNS text");
	is_str(dns("a\"b.example."), "", "DNS text may hold any byte ldns escapes or not");
	is_str(dns(""), "is not a name (it is empty)", "an empty name is not");
	is_str(dns("a..b."), "has an empty label ('..' or a leading dot)",
	       "nor is one with an empty label");
	/* 63 escaped bytes a label, four labels: 1000 characters of text,
	 * 253 bytes on the wire. */
	for (b[0] = '\0', i = 0; i < 4 * 63 - 2; i++) {
		strcat(b, "\\000");
		if (i % 63 == 62)
			strcat(b, ".");
	}
	strcat(b, ".");
	ok(strlen(b) > 254, "(a name of %zu characters of text)", strlen(b));
	is_str(dns(b), "", "a name is measured on the wire, not by the length of its escapes");
	for (b[0] = '\0', i = 0; i < 4; i++)
		strcat(strcat(b, l63), ".");
	is_str(dns(b), "is longer than a domain name can be (255 bytes)",
	       "257 bytes on the wire are too long");
	return done_testing();
}
