/*
 * The state of a zone edit (zoneedit.c owns the object): what is asked,
 * what the scan found, the plan's patches and the files being written.
 * Each part's type is in the header of the step that makes it; each
 * step's file reads and fills its part.  Not installed.
 */
#ifndef TLSA_ZONEEDIT_H
#define TLSA_ZONEEDIT_H

#include <limits.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <time.h>

#include <ldns/ldns.h>

#include <tlsa.h>

#include "zonerecord.h" /* struct found, struct soa_copy */
#include "zonetarget.h" /* struct want, struct target, struct pending */
#include "zoneplan.h"	/* struct patch */
#include "zonewrite.h"	/* struct outfile */

struct cnames; /* zonecname.h */

struct tlsa_zone_edit {
	char *origin; /* --origin, absolute */
	tlsa_serial_spec serial;
	time_t now;
	unsigned flags;
	char *output, *snippet, *scratch;

	struct pending *pend;
	size_t npend;
	struct target *targets;
	size_t ntargets;
	size_t *hash; /* open addressing over targets, size hcap */
	size_t hcap;

	struct found *found;
	size_t nfound;
	struct patch *patches;
	size_t npatches;

	/* What the scan of the main file learnt. */
	int have_soa;
	struct soa_copy *soa; /* every copy of the SOA, in file order */
	size_t nsoa;
	ldns_rr *soa_rr;   /* the first copy, which the others must equal */
	int soa_ttl_known; /* its TTL was given or set by $TTL */
	uint32_t soa_serial;
	unsigned long serial_line;
	char *zone_origin; /* SOA owner, absolute */
	int signed_zone;
	char signed_file[1024];
	unsigned long signed_line;
	int uses_relative;
	int sep_tab;
	char eol[3];
	int ends_with_eol;
	off_t size;
	char *eof_origin;
	int snippet_included;
	struct stat snippet_st;
	int snippet_exists;
	int tlsa_in_snippet;   /* the zone's own TLSA records are not the sets edited */
	struct cnames *cnames; /* CNAME owners, during --check (zonecname.c) */

	int zone_fd;
	struct stat zone_st;	  /* the zone file when locked */
	size_t xattrs_lost;	  /* extended attributes a new file could not take */
	char zone_path[PATH_MAX]; /* as named */
	struct outfile out[2];
	size_t nout;
};

#endif
