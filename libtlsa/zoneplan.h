/*
 * The plan (zoneplan.c): the patches that turn the old zone file into the
 * new one, or the snippet's new text.  Not installed.
 */
#ifndef TLSA_ZONEPLAN_H
#define TLSA_ZONEPLAN_H

#include <stddef.h>
#include <sys/types.h>

#include <tlsa.h>

/* Replace bytes [start, end) of the zone file by text. */
struct patch {
	off_t start, end;
	char *text;
	size_t len;
	off_t out_off;
	int records; /* text holds TLSA records to read back */
	size_t target;
};

/* Patches for the TLSA sets of the zone file itself. */
tlsa_status tlsa_zone_plan_sets(tlsa_zone_edit *ed, tlsa_zone_report *rep, int *changed);
/* The snippet: *changed when its records differ; then its temp file. */
tlsa_status tlsa_zone_plan_snippet(tlsa_zone_edit *ed, tlsa_zone_report *rep, int *changed);
/* The serial's patch when something changed (or the serial alone is asked). */
tlsa_status tlsa_zone_plan_serial(tlsa_zone_edit *ed, tlsa_zone_report *rep, int changed);

#endif
