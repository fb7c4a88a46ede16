/*
 * Editing zone files in place: the edit object, its settings, and the
 * order of the steps that tlsa_zone_edit_prepare() takes.
 *
 * Owns: tlsa_zone_edit_new(), _free(), the setters, _prepare(), and the
 * accessors of what it found (_change(), _file()).  The steps live in
 * files of their own, each with its header, each using only the ones
 * listed after it:
 *
 *   zoneplan.c   the plan: wire-form comparison, the patches, the serial,
 *                the snippet's text (tlsa_zone_edit_snippet())
 *   zoneverify.c the new zone read back, and --check over it
 *   zonescan.c   the streaming scanner: lines, entries, $ORIGIN, $TTL,
 *                $INCLUDE, blank owners
 *   zonecname.c  the CNAME rule: no TLSA records at a CNAME owner, and
 *                CNAME and other data found by --check
 *   zonerecord.c what the scan keeps of an entry: records parsed with
 *                ldns, the SOA serial's place, TLSA records found
 *   zonetarget.c what is asked: records and removals given, owners
 *                resolved and looked up by hash
 *   zonewrite.c  lock, temp files, commit, abort, cleanup
 *   zonelex.c    names, TTLs and the tokeniser (the words of a zone file)
 *   zonepath.c   paths resolved through symlinks, the file may not exist
 *   zonefail.c   where an error was found (into the error record, error.c)
 *
 * The scanner reads the file once, an entry at a time, and remembers
 * only the SOA serial's position and the TLSA records at the owners being
 * changed; the plan is a short sorted list of patches, so every byte
 * outside them is the old byte; the new file is the old one copied around
 * the patches into a temp file, read back, and renamed over the old one
 * on commit.  The state all of them share is the object's (zoneedit.h).
 *
 * Does not own: serial arithmetic (serial.c), TLSA rdata (record.c),
 * printing, diffs or signal handlers (cmd/zone.c).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "name-internal.h"
#include "opts-internal.h"
#include "error-internal.h"
#include "zoneedit.h"
#include "zonefail.h"
#include "zonelex.h"
#include "zoneplan.h"
#include "zonerecord.h"
#include "zonescan.h"
#include "zonetarget.h"
#include "zoneverify.h"
#include "zonewrite.h"

/* ---- the object ------------------------------------------------------ */

tlsa_status tlsa_zone_edit_new(tlsa_zone_edit **out)
{
	tlsa_zone_edit *ed;

	tlsa_err_clear();
	if (out == NULL)
		return TLSA_ERR_INVALID;
	ed = calloc(1, sizeof(*ed));
	if (ed == NULL)
		return TLSA_ERR_NOMEM;
	ed->serial = (tlsa_serial_spec)TLSA_SERIAL_SPEC_INIT;
	ed->now = time(NULL); /* a default only; callers set their clock */
	ed->zone_fd = -1;
	*out = ed;
	return TLSA_OK;
}

void tlsa_zone_edit_free(tlsa_zone_edit *ed)
{
	size_t i, j;

	if (ed == NULL)
		return;
	tlsa_zone_edit_abort(ed);
	if (ed->zone_fd >= 0)
		close(ed->zone_fd); /* releases the lock */
	for (i = 0; i < ed->npend; i++) {
		free(ed->pend[i].owner_text);
		tlsa_record_free(ed->pend[i].want.rec);
	}
	free(ed->pend);
	for (i = 0; i < ed->ntargets; i++) {
		free(ed->targets[i].owner);
		free(ed->targets[i].display);
		for (j = 0; j < ed->targets[i].nwants; j++)
			tlsa_record_free(ed->targets[i].wants[j].rec);
		free(ed->targets[i].wants);
	}
	free(ed->targets);
	free(ed->hash);
	for (i = 0; i < ed->nfound; i++)
		tlsa_zone_found_free(&ed->found[i]);
	free(ed->found);
	for (i = 0; i < ed->npatches; i++)
		free(ed->patches[i].text);
	free(ed->patches);
	free(ed->origin);
	free(ed->output);
	free(ed->snippet);
	free(ed->scratch);
	free(ed->zone_origin);
	free(ed->eof_origin);
	free(ed->soa);
	ldns_rr_free(ed->soa_rr);
	free(ed);
}

/* ---- settings -------------------------------------------------------- */

static tlsa_status set_string(char **dst, const char *s)
{
	char *c = s ? strdup(s) : NULL;

	if (s != NULL && c == NULL)
		return TLSA_ERR_NOMEM;
	free(*dst);
	*dst = c;
	return TLSA_OK;
}

tlsa_status tlsa_zone_edit_set_origin(tlsa_zone_edit *ed, const char *origin)
{
	char abs[NAME_MAX_TEXT], why[128];
	size_t n;

	tlsa_err_clear();
	if (ed == NULL || origin == NULL)
		return TLSA_ERR_INVALID;
	if (strcmp(origin, "@") == 0)
		return tlsa_zone_fail(ed, TLSA_ERR_DNS_NAME, NULL, 0,
				      "'@' names the origin; give the name itself");
	if (tlsa_owner_name_why(origin, why, sizeof(why)) != TLSA_OK)
		return tlsa_zone_fail(ed, TLSA_ERR_DNS_NAME, NULL, 0, "'%.100s' %s", origin, why);
	n = strlen(origin);
	if (snprintf(abs, sizeof(abs), "%s%s", origin,
		     tlsa_zone_is_absolute(origin, n) ? "" : ".") >= (int)sizeof(abs))
		return TLSA_ERR_INVALID;
	return set_string(&ed->origin, abs);
}

void tlsa_zone_edit_set_serial(tlsa_zone_edit *ed, const tlsa_serial_spec *spec, time_t now)
{
	tlsa_serial_spec whole;

	if (TLSA_OPTS_COPY(&whole, spec) == 0)
		ed->serial = whole;
	ed->now = now;
}

void tlsa_zone_edit_set_flags(tlsa_zone_edit *ed, unsigned flags)
{
	ed->flags = flags;
}

tlsa_status tlsa_zone_edit_set_output(tlsa_zone_edit *ed, const char *path)
{
	tlsa_err_clear();
	return set_string(&ed->output, path);
}

tlsa_status tlsa_zone_edit_set_snippet(tlsa_zone_edit *ed, const char *path)
{
	tlsa_err_clear();
	return set_string(&ed->snippet, path);
}

tlsa_status tlsa_zone_edit_set_scratch_dir(tlsa_zone_edit *ed, const char *dir)
{
	tlsa_err_clear();
	return set_string(&ed->scratch, dir);
}

/* ---- prepare --------------------------------------------------------- */

/* The new zone into its temp file, read back, and checked when asked. */
static tlsa_status write_zone(tlsa_zone_edit *ed)
{
	const char *shown = ed->output ? ed->output : ed->zone_path;
	tlsa_status st;
	int fd;

	if ((st = tlsa_zone_write_zone(ed, &fd)) != TLSA_OK)
		return st;
	st = tlsa_zone_read_back(ed, fd, ed->out[ed->nout - 1].temp);
	if (st == TLSA_OK && (ed->flags & TLSA_ZONE_CHECK))
		st = tlsa_zone_check(ed, fd, shown);
	return tlsa_zone_close_zone(ed, fd, st);
}

/* Scan the zone file (locked on ed->zone_fd) in mode. */
static tlsa_status scan_zone(tlsa_zone_edit *ed, enum scan_mode mode, const char *origin)
{
	struct scan sc;

	tlsa_zone_scan_init(&sc, ed, mode, ed->zone_path, origin);
	sc.is_main = 1;
	return tlsa_zone_scan(&sc, ed->zone_fd);
}

static tlsa_status prepare(tlsa_zone_edit *ed, const char *zonefile, tlsa_zone_report *rep)
{
	tlsa_zone_report dummy;
	tlsa_status st;
	int changed = 0, exclusive;

	if (ed == NULL || zonefile == NULL || ed->zone_fd >= 0)
		return TLSA_ERR_INVALID;
	if (rep == NULL)
		rep = &dummy;
	memset(rep, 0, sizeof(*rep));
	snprintf(ed->zone_path, sizeof(ed->zone_path), "%s", zonefile);
	exclusive = ed->scratch == NULL && ed->output == NULL;
	if (ed->snippet != NULL)
		exclusive = ed->scratch == NULL;
	st = tlsa_zone_open_locked(ed, zonefile, exclusive);
	if (st != TLSA_OK)
		return st;
	if (ed->snippet != NULL) {
		struct stat s;
		if (stat(ed->snippet, &s) == 0) {
			ed->snippet_st = s;
			ed->snippet_exists = 1;
		}
	}

	/* Names given relative need an origin: --origin, or the SOA's owner. */
	if (tlsa_zone_pending_relative(ed) && ed->origin == NULL) {
		if ((st = scan_zone(ed, SCAN_SOA, NULL)) != TLSA_OK)
			return st;
		if (ed->zone_origin == NULL)
			return tlsa_zone_fail(ed, TLSA_ERR_ZONE_NO_SOA, zonefile, 0, NULL);
	}
	st = tlsa_zone_resolve_targets(ed, ed->origin ? ed->origin : ed->zone_origin);
	if (st != TLSA_OK)
		return st;

	if (ed->snippet != NULL) {
		/* The snippet holds the records: scan the zone for its SOA (and
		 * the CNAMEs at the owners given) only. */
		ed->tlsa_in_snippet = 1;
		st = scan_zone(ed, SCAN_EDIT, ed->origin);
		ed->tlsa_in_snippet = 0;
	} else {
		st = scan_zone(ed, SCAN_EDIT, ed->origin);
	}
	if (st != TLSA_OK)
		return st;
	if (!ed->have_soa)
		return tlsa_zone_fail(ed, TLSA_ERR_ZONE_NO_SOA, zonefile, 0, NULL);
	rep->old_serial = rep->new_serial = ed->soa_serial;
	rep->soa_line = ed->serial_line;
	if ((st = tlsa_zone_targets_in_zone(ed)) != TLSA_OK)
		return st;
	if (ed->signed_zone) {
		if (!(ed->flags & TLSA_ZONE_ALLOW_SIGNED))
			return tlsa_zone_fail(ed, TLSA_ERR_ZONE_SIGNED, ed->signed_file,
					      ed->signed_line, NULL);
		rep->signed_zone = 1;
	}

	/* Records in a snippet nobody includes would never be served. */
	if (ed->snippet != NULL && !ed->snippet_included)
		return tlsa_zone_fail(ed, TLSA_ERR_ZONE_NOT_INCLUDED, zonefile, 0,
				      "add \"$INCLUDE %s\" to it first: records in a snippet "
				      "it does not include are not served",
				      ed->snippet);

	if (ed->snippet != NULL) {
		st = tlsa_zone_plan_snippet(ed, rep, &changed);
	} else {
		st = tlsa_zone_plan_sets(ed, rep, &changed);
	}
	if (st == TLSA_OK)
		st = tlsa_zone_plan_serial(ed, rep, changed);
	if (st == TLSA_OK && (ed->npatches > 0 || ed->output != NULL))
		st = write_zone(ed);
	rep->xattrs_lost = ed->xattrs_lost;
	if (ed->output == NULL)
		rep->zone_links = (unsigned long)ed->zone_st.st_nlink;
	if (st != TLSA_OK) {
		tlsa_zone_edit_abort(ed); /* no temp file is left */
		return st;
	}
	rep->changed = changed || rep->serial_changed;
	return TLSA_OK;
}

/* ---- what was prepared ----------------------------------------------- */

tlsa_status tlsa_zone_edit_prepare(tlsa_zone_edit *ed, const char *zonefile, tlsa_zone_report *rep)
{
	tlsa_zone_report whole = TLSA_ZONE_REPORT_INIT;
	tlsa_status st;

	tlsa_err_clear();
	if (tlsa_opts_size_ok(rep) != 0)
		return TLSA_ERR_INVALID;
	st = prepare(ed, zonefile, &whole);
	if (rep != NULL)
		TLSA_OPTS_GIVE(rep, &whole);
	return st;
}

size_t tlsa_zone_edit_change_count(const tlsa_zone_edit *ed)
{
	return ed ? ed->ntargets : 0;
}

tlsa_status tlsa_zone_edit_change(const tlsa_zone_edit *ed, size_t i, tlsa_zone_change *out)
{
	const struct target *tg;
	tlsa_zone_change whole = TLSA_ZONE_CHANGE_INIT;

	tlsa_err_clear();
	if (ed == NULL || out == NULL || tlsa_opts_size_ok(out) != 0 || i >= ed->ntargets)
		return TLSA_ERR_INVALID;
	tg = &ed->targets[i];
	whole.owner = tg->display;
	whole.file = tg->in_snippet ? ed->snippet : ed->zone_path;
	whole.line = tg->line;
	whole.kind = tg->kind;
	whole.old_count = tg->old_count;
	whole.new_count = tg->nwants;
	TLSA_OPTS_GIVE(out, &whole);
	return TLSA_OK;
}

size_t tlsa_zone_edit_file_count(const tlsa_zone_edit *ed)
{
	return ed ? ed->nout : 0;
}

tlsa_status tlsa_zone_edit_file(const tlsa_zone_edit *ed, size_t i, const char **target,
				const char **temp)
{
	tlsa_err_clear();
	if (ed == NULL || i >= ed->nout)
		return TLSA_ERR_INVALID;
	if (target)
		*target = ed->out[i].target;
	if (temp)
		*temp = ed->out[i].temp;
	return TLSA_OK;
}
