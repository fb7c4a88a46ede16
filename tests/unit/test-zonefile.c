/*
 * tlsa/zonefile.h: the scanner, the edit plan and the safe replacement, on
 * small zone files written to a scratch directory.  Each case compares
 * the whole file after the edit with the bytes it must hold.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <tlsa.h>

#include "../../libtlsa/zonepath.h"

#include "tap.h"
#include "zonetest.h"

#define NOW  ((time_t)1795435200) /* 2026-11-23T12:00:00Z */
#define K1   "cba06b5736faf67e54b07b561eae94395e774c517a7d910a54369e1263ccfbd4"
#define K2   "11507a0e2f5e69d5dfa40a62a1bd7b6ee57e6bcd85c67c9b8431b36fff21c437"
#define K2UP "11507A0E2F5E69D5 DFA40A62A1BD7B6E E57E6BCD85C67C9B 8431B36FFF21C437"

/* Edit zone with records (NULL-terminated) and removals; policy INCREMENT
 * unless given.  Returns the status; the report goes to *rep. */
static tlsa_status edit(const char *const *recs, const char *const *removes, unsigned flags,
			tlsa_zone_report *rep)
{
	tlsa_serial_spec spec = {.size = sizeof(spec), .policy = TLSA_SERIAL_INCREMENT};
	tlsa_zone_edit *ed;
	tlsa_status st;

	if (tlsa_zone_edit_new(&ed) != TLSA_OK)
		return TLSA_ERR_NOMEM;
	tlsa_zone_edit_set_serial(ed, &spec, NOW);
	tlsa_zone_edit_set_flags(ed, flags);
	for (; recs && *recs; recs++)
		if ((st = tlsa_zone_edit_add_record(ed, *recs)) != TLSA_OK)
			goto out;
	for (; removes && *removes; removes++)
		if ((st = tlsa_zone_edit_remove(ed, *removes)) != TLSA_OK)
			goto out;
	st = tlsa_zone_edit_prepare(ed, zone, rep);
	if (st == TLSA_OK)
		st = tlsa_zone_edit_commit(ed, NULL);
out:
	tlsa_zone_edit_free(ed);
	return st;
}

/* No file in the directory but those named. */
static int only_files(const char *a, const char *b)
{
	char cmd[PATH_MAX + 128];
	FILE *p;
	char line[512];
	int others = 0;

	snprintf(cmd, sizeof(cmd), "ls -A '%s'", dir);
	p = popen(cmd, "r");
	if (p == NULL)
		return 0;
	while (fgets(line, sizeof(line), p) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (strcmp(line, a) != 0 && (b == NULL || strcmp(line, b) != 0))
			others++;
	}
	pclose(p);
	return others == 0;
}

#define SOA "@ IN SOA ns1 hostmaster ( 41 ; serial\n\t2h 1h 1w 1d )\n"

int main(void)
{
	tlsa_zone_report rep = TLSA_ZONE_REPORT_INIT;
	const char *recs1[] = {"_25._tcp.mail.example.org. IN TLSA 3 1 1 " K2, NULL};
	const char *rel[] = {"_25._tcp.mail 300 IN TLSA 3 1 1 " K2, NULL};
	const char *rm[] = {"_25._tcp.mail.example.org.", NULL};
	tlsa_zone_edit *ed;
	tlsa_status st;
	char *text, path[PATH_MAX + 64];
	char saved[sizeof(zone)];
	struct stat st1, st2;

	zonetest_dir("zonefile");

	/* An output file that does not exist yet, directly under /. */
	{
		char out[PATH_MAX];

		ok(tlsa_zone_resolve_path("/tlsa-test-no-such.zone", out) == 0 &&
		       strcmp(out, "/tlsa-test-no-such.zone") == 0,
		   "a new file directly under / keeps its name when its path is resolved");
	}

	/* Replacing a set in place, keeping its layout. */
	put(zone, "$ORIGIN example.org.\n$TTL 1h\n" SOA "_25._tcp.mail\t3600 IN TLSA 3 1 1 " K1
		  " ; old key\n"
		  "\tIN 3600 TLSA ( 3 1 1\n\t\t" K1 " )\n"
		  "\tIN TXT \"a ; b\"\n"
		  "www IN A 192.0.2.1\n");
	st = edit(recs1, NULL, 0, &rep);
	is_int(st, TLSA_OK, "a set is replaced");
	is_str(
	    get(zone),
	    "$ORIGIN example.org.\n$TTL 1h\n@ IN SOA ns1 hostmaster ( 42 ; serial\n\t2h 1h 1w 1d "
	    ")\n"
	    "_25._tcp.mail\t3600 IN TLSA 3 1 1 " K2 "\n"
	    "\tIN TXT \"a ; b\"\n"
	    "www IN A 192.0.2.1\n",
	    "new records take the first old record's place and layout; the rest of the set goes");
	ok(rep.changed && rep.serial_changed && rep.old_serial == 41 && rep.new_serial == 42 &&
	       rep.sets_replaced == 1,
	   "the report says changed, serial 41 -> 42, one set replaced");
	st = edit(recs1, NULL, 0, &rep);
	ok(st == TLSA_OK && !rep.changed && !rep.serial_changed && rep.sets_unchanged == 1,
	   "a second run changes nothing and keeps the serial");
	ok(only_files("example.org.zone", NULL), "no temp file is left behind");

	/* What happened to each set, and where. */
	put(zone, "$ORIGIN example.org.\n" SOA "mail IN A 192.0.2.25\n"
		  "_25._tcp.mail IN TLSA 3 1 1 " K1 "\n\tIN TLSA 3 1 1 " K2 "\n");
	tlsa_zone_edit_new(&ed);
	tlsa_zone_edit_add_record(ed, recs1[0]);
	tlsa_zone_edit_add_record(ed, "_443._tcp.www.example.org. IN TLSA 3 1 1 " K2);
	st = tlsa_zone_edit_prepare(ed, zone, &rep);
	{
		tlsa_zone_change c0 = TLSA_ZONE_CHANGE_INIT, c1 = TLSA_ZONE_CHANGE_INIT;
		ok(st == TLSA_OK && tlsa_zone_edit_change_count(ed) == 2 &&
		       tlsa_zone_edit_change(ed, 0, &c0) == TLSA_OK &&
		       tlsa_zone_edit_change(ed, 1, &c1) == TLSA_OK &&
		       c0.kind == TLSA_ZONE_SET_REPLACED && c0.line == 5 && c0.old_count == 2 &&
		       c0.new_count == 1 && strcmp(c0.file, zone) == 0 &&
		       c1.kind == TLSA_ZONE_SET_ADDED && c1.line == 0 && c1.old_count == 0,
		   "each owner's change is reported with the file and line of its set");
	}
	tlsa_zone_edit_free(ed);

	/* Wire-form comparison. */
	put(zone, "$ORIGIN example.org.\n" SOA "_25._tcp.mail 3600 IN TLSA 3 1 1 " K2UP "\n");
	st = edit(recs1, NULL, 0, &rep);
	ok(st == TLSA_OK && !rep.changed,
	   "chunked uppercase hex equals the same record in lowercase");
	put(zone,
	    "$ORIGIN example.org.\n" SOA "_25._tcp.mail 3600 IN TYPE52 \\# 35 030101" K2 "\n");
	st = edit(recs1, NULL, 0, &rep);
	ok(st == TLSA_OK && !rep.changed, "a TYPE52 generic record equals the same TLSA record");
	st = edit(rel, NULL, 0, &rep);
	ok(st == TLSA_OK && rep.changed, "a different TTL asked for is a change");
	is_str(get(zone),
	       "$ORIGIN example.org.\n@ IN SOA ns1 hostmaster ( 42 ; serial\n\t2h 1h 1w 1d )\n"
	       "_25._tcp.mail 300 IN TYPE52 \\# 35 030101" K2 "\n",
	       "the TTL is rewritten in place and the generic form is kept");

	/* Removal and blank owners. */
	put(zone, "$ORIGIN example.org.\n" SOA "mail IN A 192.0.2.25\n"
		  "_25._tcp.mail IN TLSA 3 1 1 " K1 "\n\t\tIN TXT \"kept\"\n");
	st = edit(NULL, rm, 0, &rep);
	ok(st == TLSA_OK && rep.sets_removed == 1, "--remove deletes a set");
	is_str(get(zone),
	       "$ORIGIN example.org.\n@ IN SOA ns1 hostmaster ( 42 ; serial\n\t2h 1h 1w 1d )\n"
	       "mail IN A 192.0.2.25\n_25._tcp.mail\t\tIN TXT \"kept\"\n",
	       "a blank-owner line after a removed set gets the owner it inherited");
	st = edit(NULL, rm, 0, &rep);
	ok(st == TLSA_OK && !rep.changed, "removing a set that is not there changes nothing");

	/* Appending in the file's style. */
	put(zone, "$ORIGIN example.org.\n" SOA "mail\tIN\tA\t192.0.2.25");
	st = edit(recs1, NULL, 0, &rep);
	is_str(get(zone),
	       "$ORIGIN example.org.\n@ IN SOA ns1 hostmaster ( 42 ; serial\n\t2h 1h 1w 1d )\n"
	       "mail\tIN\tA\t192.0.2.25\n_25._tcp.mail\tIN\tTLSA\t3 1 1 " K2 "\n",
	       "a new owner is appended relative to the origin, tab-separated like the file, "
	       "after a newline the file lacked");
	put(zone, "example.org. 3600 IN SOA ns1.example.org. h.example.org. 41 1 1 1 1\r\n"
		  "mail.example.org. 3600 IN A 192.0.2.25\r\n");
	st = edit(recs1, NULL, 0, &rep);
	is_str(get(zone),
	       "example.org. 3600 IN SOA ns1.example.org. h.example.org. 42 1 1 1 1\r\n"
	       "mail.example.org. 3600 IN A 192.0.2.25\r\n"
	       "_25._tcp.mail.example.org. IN TLSA 3 1 1 " K2 "\r\n",
	       "a file of absolute names with CRLF gets an absolute name and CRLF");

	/* Serial bytes only. */
	put(zone,
	    "$ORIGIN example.org.\n@ 1h IN SOA ns1 hostmaster 4294967295 2h 1h 1w 1d ; end\n");
	tlsa_zone_edit_new(&ed);
	tlsa_zone_edit_set_flags(ed, TLSA_ZONE_SERIAL_ONLY);
	st = tlsa_zone_edit_prepare(ed, zone, &rep);
	if (st == TLSA_OK)
		st = tlsa_zone_edit_commit(ed, NULL);
	tlsa_zone_edit_free(ed);
	is_str(get(zone), "$ORIGIN example.org.\n@ 1h IN SOA ns1 hostmaster 1 2h 1h 1w 1d ; end\n",
	       "a serial-only bump from 4294967295 touches only the serial's bytes and gives 1");

	/* Errors leave the file alone. */
	put(zone, "$ORIGIN example.org.\nmail IN A 192.0.2.25\n");
	st = edit(recs1, NULL, 0, &rep);
	is_int(st, TLSA_ERR_ZONE_NO_SOA, "a zone without an SOA is refused");
	put(zone, "$ORIGIN example.org.\n" SOA "mail IN TXT ( \"a\"\n");
	tlsa_zone_edit_new(&ed);
	tlsa_zone_edit_add_record(ed, recs1[0]);
	st = tlsa_zone_edit_prepare(ed, zone, &rep);
	ok(st == TLSA_ERR_ZONE_SYNTAX && tlsa_error_line() == 4,
	   "an unclosed parenthesis is a syntax error naming the line it opened on");
	tlsa_zone_edit_free(ed);
	put(zone,
	    "$ORIGIN example.org.\n" SOA "mail IN TLSA 3 1 1 " K1 "\n"
	    "mail IN RRSIG TLSA 13 3 3600 20301231000000 20240101000000 1 example.org. AAAA\n");
	text = strdup(get(zone));
	st = edit(recs1, NULL, 0, &rep);
	is_int(st, TLSA_ERR_ZONE_SIGNED, "a signed zone is refused");
	is_str(get(zone), text, "a refused zone is left as it was");
	st = edit(recs1, NULL, TLSA_ZONE_ALLOW_SIGNED, &rep);
	ok(st == TLSA_OK && rep.signed_zone,
	   "TLSA_ZONE_ALLOW_SIGNED edits it and says it was signed");
	free(text);
	put(zone, "$ORIGIN example.org.\n" SOA "@ IN SOA ns1 hostmaster 1 1 1 1 1\n");
	st = edit(recs1, NULL, 0, &rep);
	is_int(st, TLSA_ERR_ZONE_SOA, "a second SOA is refused");

	/* $INCLUDE: read, never written. */
	snprintf(path, sizeof(path), "%s/hosts.inc", dir);
	put(path, "_25._tcp.mail IN TLSA 3 1 1 " K1 "\n");
	put(zone, "$ORIGIN example.org.\n" SOA "$INCLUDE hosts.inc\n");
	tlsa_zone_edit_new(&ed);
	tlsa_zone_edit_add_record(ed, recs1[0]);
	st = tlsa_zone_edit_prepare(ed, zone, &rep);
	ok(st == TLSA_ERR_ZONE_IN_INCLUDE && tlsa_error_line() == 1 &&
	       strstr(tlsa_error_file(), "hosts.inc") != NULL,
	   "records to change in an included file (beside the zone) are an error naming it");
	tlsa_zone_edit_free(ed);
	put(path, "_25._tcp.mail IN TLSA 3 1 1 " K2 "\n");
	st = edit(recs1, NULL, 0, &rep);
	ok(st == TLSA_OK && !rep.changed, "records already in an included file count as there");
	unlink(path);

	/* Dry runs, aborts and signals. */
	put(zone, "$ORIGIN example.org.\n" SOA);
	tlsa_zone_edit_new(&ed);
	tlsa_zone_edit_add_record(ed, recs1[0]);
	st = tlsa_zone_edit_prepare(ed, zone, &rep);
	ok(st == TLSA_OK && tlsa_zone_edit_file_count(ed) == 1, "prepare writes one temp file");
	{
		const char *target = NULL, *temp = NULL;
		tlsa_zone_edit_file(ed, 0, &target, &temp);
		ok(temp != NULL && access(temp, F_OK) == 0 &&
		       strstr(temp, "/.example.org.zone.tlsa-"),
		   "the temp file is a hidden file beside the zone");
		tlsa_zone_edit_unlink_temps(ed);
		ok(access(temp, F_OK) != 0,
		   "tlsa_zone_edit_unlink_temps removes it (for signal handlers)");
	}
	tlsa_zone_edit_free(ed);
	is_str(get(zone), "$ORIGIN example.org.\n" SOA,
	       "a prepared edit never committed changes nothing");
	ok(only_files("example.org.zone", NULL), "and leaves no file behind");

	/* Mode, symlinks, backups. */
	chmod(zone, 0640);
	snprintf(path, sizeof(path), "%s/link.zone", dir);
	symlink("example.org.zone", path);
	memcpy(saved, zone, sizeof(zone));
	memcpy(zone, path, strlen(path) + 1);
	st = edit(recs1, NULL, 0, &rep);
	memcpy(zone, saved, sizeof(zone));
	ok(st == TLSA_OK && lstat(path, &st1) == 0 && S_ISLNK(st1.st_mode),
	   "a symlinked zone keeps its link");
	ok(stat(zone, &st2) == 0 && (st2.st_mode & 07777) == 0640 && strstr(get(zone), K2) != NULL,
	   "the link's target is updated and keeps its mode");
	unlink(path);

	tlsa_zone_edit_new(&ed);
	tlsa_zone_edit_add_record(ed, "_25._tcp.mail.example.org. IN TLSA 3 1 1 " K1);
	st = tlsa_zone_edit_prepare(ed, zone, &rep);
	if (st == TLSA_OK)
		st = tlsa_zone_edit_commit(ed, ".bak");
	tlsa_zone_edit_free(ed);
	snprintf(path, sizeof(path), "%s.bak", zone);
	ok(st == TLSA_OK && get(path) && strstr(get(path), K2) && strstr(get(zone), K1),
	   "a backup keeps the old file under FILE.bak");
	unlink(path);

	/* Snippets. */
	tlsa_zone_edit_new(&ed);
	tlsa_zone_edit_set_origin(ed, "example.org");
	tlsa_zone_edit_add_record(ed, "_25._tcp.mail.example.org. 3600 IN TLSA 3 1 1 " K2UP);
	tlsa_zone_edit_add_record(ed,
				  "_443._tcp.www.example.net. IN TLSA DANE-EE SPKI SHA2-256 " K1);
	st = tlsa_zone_edit_snippet(ed, &text);
	is_str(st == TLSA_OK ? text : NULL,
	       "_25._tcp.mail 3600 IN TLSA 3 1 1 " K2
	       "\n_443._tcp.www.example.net. IN TLSA 3 1 1 " K1 "\n",
	       "a snippet names owners relative to the origin when under it");
	free(text);
	tlsa_zone_edit_free(ed);

	tlsa_zone_edit_new(&ed);
	is_int(tlsa_zone_edit_add_record(ed, "mail.example.org. IN A 192.0.2.1"),
	       TLSA_ERR_ZONE_NOT_TLSA, "a record that is not TLSA is refused");
	is_int(tlsa_zone_edit_add_record(ed, "x. IN TLSA 3 1 1 zz"), TLSA_ERR_HEX,
	       "bad hex in a record is refused");
	tlsa_zone_edit_add_record(ed, recs1[0]);
	tlsa_zone_edit_remove(ed, "_25._tcp.mail.example.org.");
	st = tlsa_zone_edit_prepare(ed, zone, &rep);
	is_int(st, TLSA_ERR_ZONE_CONFLICT, "an owner both given records and removed is refused");
	tlsa_zone_edit_free(ed);

	/* Owner names a zone file can carry, and ones it cannot. */
	{
		static const char *good[] = {"@",
					     ".",
					     "example.org.",
					     "_25._tcp.mail",
					     "a\\.b\\032c.example.",
					     "*._tcp.example.org.",
					     NULL};
		static const struct {
			const char *name, *why;
		} badn[] = {
		    {"", "is not a name (it is empty)"},
		    {"a b.example.", "has a space or control character in it (escape it as \\032)"},
		    {"a\tb", "has a space or control character in it (escape it as \\032)"},
		    {"a..example.", "has an empty label ('..' or a leading dot)"},
		    {".a", "has an empty label ('..' or a leading dot)"},
		    {"x;y", "has ';' in it, which a zone file reads as syntax"},
		    {"x(y", "has '(' in it, which a zone file reads as syntax"},
		    {"a\\", "has a '\\' that escapes nothing"},
		    {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.x",
		     "has a label longer than 63 bytes"},
		};
		char big[300];
		size_t i;

		for (i = 0; good[i] != NULL; i++) {
			is_int(tlsa_owner_name_check(good[i]), TLSA_OK, "owner %s is taken",
			       good[i]);
		}
		for (i = 0; i < sizeof(badn) / sizeof(badn[0]); i++) {
			ok(tlsa_owner_name_check(badn[i].name) == TLSA_ERR_DNS_NAME &&
			       strcmp(tlsa_error_detail(), badn[i].why) == 0,
			   "owner %zu is refused and says why", i);
			if (strcmp(tlsa_error_detail(), badn[i].why) != 0)
				printf("#   got: %s\n#  want: %s\n", tlsa_error_detail(),
				       badn[i].why);
		}
		/* 4 labels of 63 bytes: 4 * 64 + 1 = 257 bytes on the wire. */
		memset(big, 'a', sizeof(big));
		big[63] = big[127] = big[191] = big[255] = '.';
		big[256] = '\0';
		is_int(tlsa_owner_name_check(big), TLSA_ERR_DNS_NAME,
		       "an owner of 257 bytes on the wire is refused");
		big[253] = '.'; /* labels of 63, 63, 63 and 61: 255 bytes */
		big[254] = '\0';
		is_int(tlsa_owner_name_check(big), TLSA_OK, "one of 255 bytes is taken");
		is_str(tlsa_error_detail(), "", "and a check that passes leaves no detail");

		tlsa_zone_edit_new(&ed);
		is_int(tlsa_zone_edit_remove(ed, "mail example.org."), TLSA_ERR_DNS_NAME,
		       "tlsa_zone_edit_remove refuses an owner no zone file can carry");
		ok(strstr(tlsa_error_detail(), "'mail example.org.' has a space") != NULL,
		   "and the reason names it");
		is_int(tlsa_zone_edit_set_origin(ed, "@"), TLSA_ERR_DNS_NAME,
		       "tlsa_zone_edit_set_origin refuses '@'");
		is_int(tlsa_zone_edit_set_origin(ed, "example..org"), TLSA_ERR_DNS_NAME,
		       "and a name with an empty label");
		is_int(tlsa_zone_edit_set_origin(ed, "example.org"), TLSA_OK,
		       "and takes a good one");
		tlsa_zone_edit_free(ed);
	}

	zonetest_cleanup();
	return done_testing();
}
