/*
 * Zone-file shapes BIND and Knot load, through the library:
 * an SOA repeated (a saved zone transfer), an SOA in RFC 3597 form, a
 * blank owner at the top of an $INCLUDEd file, CR-only line ends, and
 * owners too long for the wire in records given.  Each case checks the
 * status, where the error is, and the whole file after the edit.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tlsa.h>

#include "tap.h"
#include "zonetest.h"

#define NOW ((time_t)1795435200) /* 2026-11-23T12:00:00Z */
#define K1  "cba06b5736faf67e54b07b561eae94395e774c517a7d910a54369e1263ccfbd4"
#define K2  "11507a0e2f5e69d5dfa40a62a1bd7b6ee57e6bcd85c67c9b8431b36fff21c437"

/* SOA rdata ns1.example.org. hostmaster.example.org. 2024010101 7200 3600
 * 1209600 3600 in wire form, split where the serial (78a3f175) starts. */
#define SOA_NAMES_HEX                                                                              \
	"036e7331076578616d706c65036f7267000a686f73746d6173746572076578616d706c65036f726700"
#define SOA_REST_HEX "00001c2000000e100012750000000e10"

/* The error record after the last edit(). */
static struct {
	char file[1024];
	unsigned long line;
	char detail[256];
} last_where;

/* Edit zone: one record (or none), serial policy spec, flags; commit. */
static tlsa_status edit(const char *rec, const char *remove, tlsa_serial_policy policy,
			uint32_t value, unsigned flags, tlsa_zone_report *rep)
{
	tlsa_serial_spec spec = {.size = sizeof(spec), .policy = policy, .number = value};
	tlsa_zone_edit *ed;
	tlsa_status st = TLSA_OK;

	if (tlsa_zone_edit_new(&ed) != TLSA_OK)
		return TLSA_ERR_NOMEM;
	tlsa_zone_edit_set_serial(ed, &spec, NOW);
	tlsa_zone_edit_set_flags(ed, flags);
	if (rec != NULL)
		st = tlsa_zone_edit_add_record(ed, rec);
	if (st == TLSA_OK && remove != NULL)
		st = tlsa_zone_edit_remove(ed, remove);
	if (st == TLSA_OK)
		st = tlsa_zone_edit_prepare(ed, zone, rep);
	if (st == TLSA_OK)
		st = tlsa_zone_edit_commit(ed, NULL);
	snprintf(last_where.file, sizeof(last_where.file), "%s", tlsa_error_file());
	last_where.line = tlsa_error_line();
	snprintf(last_where.detail, sizeof(last_where.detail), "%s", tlsa_error_detail());
	tlsa_zone_edit_free(ed);
	return st;
}

#define AXFR_SOA(serial, minimum)                                                                  \
	"example.org.\t3600\tIN\tSOA\tns1.example.org. hostmaster.example.org. " serial            \
	" 7200 3600 1209600 " minimum "\n"
#define AXFR_BODY                                                                                  \
	"example.org.\t3600\tIN\tNS\tns1.example.org.\n"                                           \
	"ns1.example.org.\t3600\tIN\tA\t192.0.2.1\n"                                               \
	"_25._tcp.mail.example.org.\t3600\tIN\tTLSA\t3 1 1 " K1 "\n"

int main(void)
{
	tlsa_zone_report rep = TLSA_ZONE_REPORT_INIT;
	tlsa_zone_edit *ed;
	tlsa_status st;
	char inc[PATH_MAX + 64], rec[600], label[80];

	zonetest_dir("zoneshapes");

	/* ---- the SOA twice ---- */
	put(zone, AXFR_SOA("2024010101", "3600") AXFR_BODY AXFR_SOA("2024010101", "3600"));
	st = edit("_25._tcp.mail.example.org. IN TLSA 3 1 1 " K2, NULL, TLSA_SERIAL_INCREMENT, 0, 0,
		  &rep);
	is_int(st, TLSA_OK, "a zone that begins and ends with the same SOA is edited");
	is_int(rep.old_serial, 2024010101, "its serial is read");
	is_int(rep.soa_line, 1, "the report's SOA line is the first copy's");
	is_str(
	    get(zone),
	    AXFR_SOA("2024010102", "3600") "example.org.\t3600\tIN\tNS\tns1.example.org.\n"
					   "ns1.example.org.\t3600\tIN\tA\t192.0.2.1\n"
					   "_25._tcp.mail.example.org.\t3600\tIN\tTLSA\t3 1 1 " K2
					   "\n" AXFR_SOA("2024010102", "3600"),
	    "both copies get the new serial; only the set and the serials change");

	put(zone, AXFR_SOA("2024010101", "3600") AXFR_BODY AXFR_SOA("2024010101", "300"));
	st = edit(NULL, NULL, TLSA_SERIAL_INCREMENT, 0, TLSA_ZONE_SERIAL_ONLY, &rep);
	is_int(st, TLSA_ERR_ZONE_SOA, "SOAs that differ are refused");
	is_int(last_where.line, 5, "the error is at the second SOA");
	is_str(last_where.detail,
	       "a second SOA record that differs from the one on line 1 in its minimum (300, not "
	       "3600)",
	       "and says in which field they differ, with both values");

	put(zone,
	    "$ORIGIN example.org.\n@ 60 IN SOA ns1 hm 7 1 1 1 1\n@ 60 IN SOA NS1 HM 7 1 1 1 1\n");
	st = edit(NULL, NULL, TLSA_SERIAL_INCREMENT, 0, TLSA_ZONE_SERIAL_ONLY, &rep);
	is_int(st, TLSA_OK, "names in SOA copies compare without case, as in wire form");
	is_str(get(zone),
	       "$ORIGIN example.org.\n@ 60 IN SOA ns1 hm 8 1 1 1 1\n@ 60 IN SOA NS1 HM 8 1 1 1 1\n",
	       "and each copy keeps its own text");

	/* Without $TTL, an SOA with no TTL takes the last one given (RFC 1035). */
	put(zone, "$ORIGIN example.org.\n@ IN SOA ns1 hm 7 1 1 1 1\nns1 300 IN A 192.0.2.1\n"
		  "@ IN SOA ns1 hm 7 1 1 1 1\n");
	st = edit(NULL, NULL, TLSA_SERIAL_INCREMENT, 0, TLSA_ZONE_SERIAL_ONLY, &rep);
	is_int(st, TLSA_OK,
	       "a TTL an SOA copy only inherits from the record before it is not compared");
	put(zone, "$ORIGIN example.org.\n$TTL 60\n@ IN SOA ns1 hm 7 1 1 1 1\n@ 61 IN SOA ns1 hm 7 "
		  "1 1 1 1\n");
	st = edit(NULL, NULL, TLSA_SERIAL_INCREMENT, 0, TLSA_ZONE_SERIAL_ONLY, &rep);
	is_int(st, TLSA_ERR_ZONE_SOA, "a TTL set by $TTL is compared: 60 and 61 differ");

	/* ---- an SOA in RFC 3597 form ---- */
	put(zone, "$TTL 60\nexample.org. IN TYPE6 \\# 61 ( " SOA_NAMES_HEX
		  "\n 78A3 F1\n75 " SOA_REST_HEX " )\n");
	st = edit(NULL, NULL, TLSA_SERIAL_NUMBER, 2024010200u, TLSA_ZONE_SERIAL_ONLY, &rep);
	is_int(st, TLSA_OK, "an SOA in RFC 3597 form is edited");
	is_int(rep.old_serial, 2024010101, "its serial is read from the binary rdata");
	is_int(rep.soa_line, 3, "the serial's line is where its first hex digit is");
	/* 2024010200 is 78a3f1d8. */
	is_str(get(zone),
	       "$TTL 60\nexample.org. IN TYPE6 \\# 61 ( " SOA_NAMES_HEX
	       "\n 78A3 F1\nD8 " SOA_REST_HEX " )\n",
	       "only the serial's hex digits change, chunks and lines kept");

	put(zone,
	    "$TTL 60\nexample.org. IN SOA \\# 61 " SOA_NAMES_HEX "78a3f175" SOA_REST_HEX "\n");
	st = edit(NULL, NULL, TLSA_SERIAL_INCREMENT, 0, TLSA_ZONE_SERIAL_ONLY, &rep);
	is_str(get(zone),
	       "$TTL 60\nexample.org. IN SOA \\# 61 " SOA_NAMES_HEX "78a3f176" SOA_REST_HEX "\n",
	       "the SOA mnemonic with \\# rdata is read as binary too");

	/* ---- a blank owner at the top of an included file ---- */
	snprintf(inc, sizeof(inc), "%s/tlsa.inc", dir);
	put(inc, "\tIN\tTLSA\t3 1 1 " K2 "\n");
	put(zone, "$ORIGIN example.org.\n@ IN SOA ns1 hm 7 1 1 1 1\n_443._tcp.www IN TXT "
		  "\"x\"\n$INCLUDE tlsa.inc\n");
	st = edit("_443._tcp.www.example.org. IN TLSA 3 1 1 " K2, NULL, TLSA_SERIAL_INCREMENT, 0, 0,
		  &rep);
	ok(st == TLSA_OK && !rep.changed && rep.sets_unchanged == 1,
	   "a blank owner at the top of an included file is the owner before the $INCLUDE");
	st = edit("_443._tcp.www.example.org. IN TLSA 3 1 1 " K1, NULL, TLSA_SERIAL_INCREMENT, 0, 0,
		  &rep);
	is_int(st, TLSA_ERR_ZONE_IN_INCLUDE, "so that set, to change, is in the included file");
	is_int(last_where.line, 1, "at its line 1");

	put(zone, "$ORIGIN example.org.\n@ IN SOA ns1 hm 7 1 1 1 1\nwww IN A 192.0.2.1\n"
		  "_443._tcp.www IN TLSA 3 1 1 " K1 "\n$INCLUDE tlsa.inc\n");
	put(inc, "\tIN\tTXT\t\"x\"\n");
	st = edit(NULL, "_443._tcp.www.example.org.", TLSA_SERIAL_INCREMENT, 0, 0, &rep);
	is_int(st, TLSA_ERR_ZONE_IN_INCLUDE,
	       "removing the record an included file's first line takes its owner from is refused");
	ok(strstr(last_where.file, "tlsa.inc") != NULL && last_where.line == 1,
	   "the error is at that included line");
	put(zone, "$ORIGIN example.org.\n@ IN SOA ns1 hm 7 1 1 1 1\n_443._tcp.www IN TXT \"y\"\n"
		  "_443._tcp.www IN TLSA 3 1 1 " K1 "\n$INCLUDE tlsa.inc\n");
	st = edit(NULL, "_443._tcp.www.example.org.", TLSA_SERIAL_INCREMENT, 0, 0, &rep);
	is_int(st, TLSA_OK, "it is not refused when the owner before the record is the same");

	/* ---- CR-only line ends ---- */
	put(zone, "$ORIGIN example.org.\r@ IN SOA ns1 hm 7 1 1 1 1\rwww IN A 192.0.2.1\r");
	st = edit(NULL, NULL, TLSA_SERIAL_INCREMENT, 0, TLSA_ZONE_SERIAL_ONLY, &rep);
	is_int(st, TLSA_ERR_ZONE_SYNTAX, "a file with CR-only line ends is a syntax error");
	ok(strstr(last_where.detail, "lone CR") != NULL && strcmp(last_where.file, zone) == 0,
	   "that names the file and says lone CR line ends are not supported");
	put(zone, "$ORIGIN example.org.\r\r\n@ IN SOA ns1 hm 7 1 1 1 1\r\n");
	st = edit(NULL, NULL, TLSA_SERIAL_INCREMENT, 0, TLSA_ZONE_SERIAL_ONLY, &rep);
	is_int(st, TLSA_OK, "CR CR LF is still a line end");

	/* ---- owners of records given ---- */
	memset(label, 'a', 64);
	label[64] = '\0';
	snprintf(rec, sizeof(rec), "_443._tcp.%s.example.org. IN TLSA 3 1 1 %s", label, K2);
	tlsa_zone_edit_new(&ed);
	is_int(tlsa_zone_edit_add_record(ed, rec), TLSA_ERR_DNS_NAME,
	       "a record whose owner has a 64-byte label is refused");
	ok(strstr(tlsa_error_detail(), "has a label longer than 63 bytes") != NULL, "saying why");
	tlsa_zone_edit_free(ed);

	memset(label, 'a', 63);
	label[63] = '\0';
	snprintf(rec, sizeof(rec), "%s.%s.%s.%s IN TLSA 3 1 1 %s", label, label, label,
		 "abcdefghij", K2);
	tlsa_zone_edit_new(&ed);
	is_int(tlsa_zone_edit_add_record(ed, rec), TLSA_OK,
	       "a relative owner of 203 bytes is taken before the origin is known");
	tlsa_zone_edit_set_origin(ed,
				  "a123456789b123456789c123456789d123456789e123456789.example.org");
	{
		char *text = NULL;
		is_int(tlsa_zone_edit_snippet(ed, &text), TLSA_ERR_DNS_NAME,
		       "and refused once the origin makes it longer than 255 bytes");
		free(text);
	}
	ok(strstr(tlsa_error_detail(), "the owner of a record given") != NULL,
	   "the error says it is the owner of a record given");
	tlsa_zone_edit_free(ed);
	tlsa_zone_edit_new(&ed);
	tlsa_zone_edit_set_origin(ed,
				  "a123456789b123456789c123456789d123456789e123456789.example.org");
	is_int(tlsa_zone_edit_add_record(ed, rec), TLSA_ERR_DNS_NAME,
	       "with the origin set first, the record itself is refused");
	tlsa_zone_edit_free(ed);

	zonetest_cleanup();
	return done_testing();
}
