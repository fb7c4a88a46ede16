/*
 * libtlsa/zonecname.c: no TLSA records at a CNAME owner, and --check's
 * CNAME-and-other-data rule; and a snippet the zone does not $INCLUDE.
 * Through the public zone-edit calls, on files in a temporary directory.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <tlsa.h>

#include "tap.h"
#include "zonetest.h"

#define NOW ((time_t)1795435200) /* 2026-11-23T12:00:00Z */
#define K1  "cba06b5736faf67e54b07b561eae94395e774c517a7d910a54369e1263ccfbd4"
#define K2  "11507a0e2f5e69d5dfa40a62a1bd7b6ee57e6bcd85c67c9b8431b36fff21c437"
#define HEAD                                                                                       \
	"$ORIGIN example.org.\n$TTL 1h\n@ IN SOA ns1 hostmaster 41 2h 1h 1w 1d\n\tIN NS ns1\n"     \
	"ns1 IN A 192.0.2.1\n"

static char where[2048];

/* The zone file's text is still text. */
static int holds(const char *text)
{
	static char buf[1 << 20];

	return slurp(zone, buf, sizeof(buf)) != NULL && strcmp(buf, text) == 0;
}

/* Edit zone: one record (or NULL), one removal (or NULL), flags, a
 * snippet (or NULL).  The error's place and detail go to where[]. */
static tlsa_status edit(const char *rec, const char *remove, unsigned flags, const char *snippet)
{
	tlsa_serial_spec spec = {.size = sizeof(spec), .policy = TLSA_SERIAL_INCREMENT};
	tlsa_zone_report rep = TLSA_ZONE_REPORT_INIT;
	tlsa_zone_edit *ed;
	tlsa_status st;

	if (tlsa_zone_edit_new(&ed) != TLSA_OK)
		return TLSA_ERR_NOMEM;
	tlsa_zone_edit_set_serial(ed, &spec, NOW);
	tlsa_zone_edit_set_flags(ed, flags);
	st = TLSA_OK;
	if (snippet != NULL)
		st = tlsa_zone_edit_set_snippet(ed, snippet);
	if (st == TLSA_OK && rec != NULL)
		st = tlsa_zone_edit_add_record(ed, rec);
	if (st == TLSA_OK && remove != NULL)
		st = tlsa_zone_edit_remove(ed, remove);
	if (st == TLSA_OK)
		st = tlsa_zone_edit_prepare(ed, zone, &rep);
	if (st == TLSA_OK)
		st = tlsa_zone_edit_commit(ed, NULL);
	snprintf(where, sizeof(where), "%s: line %lu: %s", tlsa_error_file(), tlsa_error_line(),
		 tlsa_error_detail());
	tlsa_zone_edit_free(ed);
	return st;
}

static int said(const char *text)
{
	if (strstr(where, text) != NULL)
		return 1;
	printf("#   got: %s\n", where);
	return 0;
}

int main(void)
{
	const char *at587 = "_587._tcp.mail.example.org. IN TLSA 3 1 1 " K2;
	const char *at25 = "_25._tcp.mail.example.org. IN TLSA 3 1 1 " K2;
	char text[PATH_MAX + 4096], snip[PATH_MAX + 64];
	char *big;
	size_t i, len;
	tlsa_status st;

	zonetest_dir("zonecname");

	ok(strcmp(tlsa_strerror(TLSA_ERR_ZONE_CNAME), "CNAME and other data at the same name") == 0,
	   "TLSA_ERR_ZONE_CNAME has words of its own");
	ok(strstr(tlsa_strerror(TLSA_ERR_ZONE_NOT_INCLUDED), "$INCLUDE") != NULL,
	   "TLSA_ERR_ZONE_NOT_INCLUDED says what is missing");

	/* RFC 7671 section 7: one service's owner an alias of another's. */
	snprintf(text, sizeof(text),
		 HEAD "_25._tcp.mail IN TLSA 3 1 1 " K1
		      "\n_587._tcp.mail IN CNAME _25._tcp.mail\n");
	put(zone, text);
	is_int(edit(at587, NULL, 0, NULL), TLSA_ERR_ZONE_CNAME,
	       "records for an owner that is a CNAME are refused");
	ok(said(": line 7: ") &&
	       said("_587._tcp.mail.example.org. is a CNAME for "
		    "_25._tcp.mail.example.org.") &&
	       said("update the records of _25._tcp.mail.example.org. instead"),
	   "the error names the CNAME's line, its target and what to do instead");
	ok(holds(text), "the refused zone is untouched");
	is_int(edit(at587, NULL, TLSA_ZONE_CHECK, NULL), TLSA_ERR_ZONE_CNAME,
	       "so they are with TLSA_ZONE_CHECK");
	is_int(edit(NULL, "_587._tcp.mail.example.org.", 0, NULL), TLSA_OK,
	       "removing the TLSA set of a CNAME owner is allowed");
	is_int(edit(at25, NULL, TLSA_ZONE_CHECK, NULL), TLSA_OK,
	       "records for the CNAME's target are taken, and the result passes the check");

	/* A CNAME after the records' owner appears, in another case. */
	snprintf(text, sizeof(text), HEAD "www IN A 192.0.2.80\n_443._TCP.WWW 60 CNAME www\n");
	put(zone, text);
	is_int(edit("_443._tcp.www IN TLSA 3 1 1 " K1, NULL, 0, NULL), TLSA_ERR_ZONE_CNAME,
	       "a relative owner meets a CNAME written in upper case");
	ok(said("CNAME for www.example.org."), "and the relative target is shown absolute");

	/* --include: the snippet is served in the same zone. */
	snprintf(snip, sizeof(snip), "%s/tlsa.inc", dir);
	snprintf(text, sizeof(text), HEAD "_587._tcp.mail IN CNAME _25._tcp.mail\n$INCLUDE %s\n",
		 snip);
	put(zone, text);
	is_int(edit(at587, NULL, 0, snip), TLSA_ERR_ZONE_CNAME,
	       "records for a CNAME owner are refused in a snippet too");
	ok(access(snip, F_OK) != 0, "and the snippet is not created");
	is_int(edit(at25, NULL, 0, snip), TLSA_OK, "a snippet the zone includes takes records");

	/* A snippet the zone does not include. */
	snprintf(text, sizeof(text), HEAD);
	put(zone, text);
	snprintf(snip, sizeof(snip), "%s/stray.inc", dir);
	st = edit(at25, NULL, 0, snip);
	is_int(st, TLSA_ERR_ZONE_NOT_INCLUDED, "a snippet the zone does not $INCLUDE is an error");
	ok(said("$INCLUDE") && said("stray.inc"), "the error names the snippet");
	ok(access(snip, F_OK) != 0 && holds(text), "and nothing is written");

	/* TLSA_ZONE_CHECK: CNAME and other data anywhere in the new zone. */
	snprintf(text, sizeof(text),
		 HEAD "ftp IN CNAME ns1\nmail IN A 192.0.2.25\nftp IN MX 10 mail\n");
	put(zone, text);
	is_int(edit(at25, NULL, 0, NULL), TLSA_OK,
	       "without TLSA_ZONE_CHECK a CNAME and other data elsewhere do not stop an edit");
	snprintf(text, sizeof(text),
		 HEAD "ftp IN CNAME ns1\nmail IN A 192.0.2.25\nftp IN MX 10 mail\n");
	put(zone, text);
	is_int(edit(at25, NULL, TLSA_ZONE_CHECK, NULL), TLSA_ERR_ZONE_CNAME,
	       "TLSA_ZONE_CHECK refuses a CNAME and other data at one name");
	ok(said(": line 8: ") && said("ftp.example.org. holds MX data beside its CNAME of line 6"),
	   "the error names both lines");
	ok(holds(text), "and the zone is untouched");

	snprintf(text, sizeof(text), HEAD "ftp IN CNAME ns1\nftp IN CNAME www\n");
	put(zone, text);
	is_int(edit(at25, NULL, TLSA_ZONE_CHECK, NULL), TLSA_ERR_ZONE_CNAME,
	       "two different CNAMEs at one name are refused");
	ok(said("a second CNAME (for www.example.org.)"), "and said to be two");

	snprintf(text, sizeof(text),
		 HEAD "ftp IN CNAME ns1\n\tIN RRSIG CNAME 13 3 3600 20300101000000 20200101000000 "
		      "12345 example.org. YWJj\n\tIN NSEC ns1.example.org. CNAME RRSIG NSEC\n");
	put(zone, text);
	is_int(edit(at25, NULL, TLSA_ZONE_CHECK | TLSA_ZONE_ALLOW_SIGNED, NULL), TLSA_OK,
	       "RRSIG and NSEC records may sit beside a CNAME");

	/* Many CNAMEs (the set grows) and, last, other data at the first. */
	len = 65536 + 4096;
	big = malloc(len);
	if (big == NULL) {
		printf("Bail out! out of memory\n");
		return 1;
	}
	snprintf(big, len, "%s", HEAD);
	for (i = 0; i < 1000; i++)
		snprintf(big + strlen(big), len - strlen(big), "alias%zu IN CNAME ns1\n", i);
	put(zone, big);
	is_int(edit(at25, NULL, TLSA_ZONE_CHECK, NULL), TLSA_OK,
	       "a thousand CNAMEs that stand alone pass the check");
	snprintf(big + strlen(big), len - strlen(big), "ALIAS0 IN TXT \"x\"\n");
	put(zone, big);
	is_int(edit(at25, NULL, TLSA_ZONE_CHECK, NULL), TLSA_ERR_ZONE_CNAME,
	       "other data at the first of a thousand CNAMEs is found");
	free(big);

	zonetest_cleanup();
	return done_testing();
}
