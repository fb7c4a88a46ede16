/*
 * tlsa check: a target's TLSA records, from DNS, from --tlsa texts or
 * from a --tlsa-file.  Whether they may be used is the policy's
 * (check_records_trust).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "check-records.h"
#include "check-share.h"
#include "cli.h"

static int add_rec(struct check_target *t, tlsa_record *rec, size_t rdlen)
{
	struct check_rec *nv = realloc(t->recs, (t->nrecs + 1) * sizeof(*nv));
	struct check_rec *r;

	if (nv == NULL)
		return -1;
	t->recs = nv;
	r = &t->recs[t->nrecs];
	r->rec = rec;
	r->rdlen = rdlen;
	r->slot = -1;
	r->cand_match = 0;
	if (rec != NULL) {
		size_t i;

		r->slot = 0;
		for (i = 0; i < t->nrecs; i++)
			r->slot += t->recs[i].rec != NULL;
	}
	if (rec != NULL) {
		r->text = tlsa_record_to_text(rec);
	} else {
		r->text = malloc(48);
		if (r->text != NULL)
			snprintf(r->text, 48, "(malformed: %zu bytes of rdata)", rdlen);
	}
	if (r->text == NULL)
		return -1;
	t->nrecs++;
	return 0;
}

/*
 * --tlsa-file: records for the owner checked, from lines as `tlsa create`
 * prints them (rfc, generic) or bare rdata.
 *
 * A zone-file line names its owner: only records whose owner is the one
 * checked (_PORT._PROTO.HOST.) are used, so that a file for a whole site
 * cannot make one host's check pass on another's records; a bare
 * "U S M HEX" line carries no owner and is always used.  $ORIGIN
 * completes relative owners and "@", a line that starts with a blank
 * has the previous line's owner (as in a zone file), $TTL is ignored.
 */
struct file_owner {
	char expect[300]; /* _PORT._PROTO.HOST, lowercase, no final dot */
	char origin[300]; /* $ORIGIN, no final dot; "" when none */
	char last[300];	  /* the previous record's owner, completed; "" when none */
	int have_last;
};

/* name into buf: completed from the origin, lowercase, without a final dot. */
static void owner_complete(const struct file_owner *fo, const char *name, size_t n, char *buf,
			   size_t size)
{
	char tmp[600];
	size_t i;
	int k;

	if (n == 1 && name[0] == '@')
		k = snprintf(tmp, sizeof(tmp), "%s", fo->origin);
	else if (n > 0 && name[n - 1] == '.')
		k = snprintf(tmp, sizeof(tmp), "%.*s", (int)(n - 1), name);
	else if (fo->origin[0] != '\0')
		k = snprintf(tmp, sizeof(tmp), "%.*s.%s", (int)n, name, fo->origin);
	else
		k = snprintf(tmp, sizeof(tmp), "%.*s", (int)n, name);
	if (k < 0 || (size_t)k >= size)
		k = 0; /* longer than any name: matches no owner */
	for (i = 0; i < (size_t)k; i++)
		buf[i] = (char)tolower((unsigned char)tmp[i]);
	buf[k] = '\0';
}

static int is_class_or_ttl(const char *p, size_t n)
{
	return (n == 2 && (strncasecmp(p, "IN", 2) == 0 || strncasecmp(p, "CH", 2) == 0 ||
			   strncasecmp(p, "HS", 2) == 0 || strncasecmp(p, "CS", 2) == 0)) ||
	       (n > 0 && p[0] >= '0' && p[0] <= '9');
}

/*
 * One line (comments removed, not empty): its rdata into *rdata, and
 * whether it is for the owner checked.  0 used, 1 skipped (owner into
 * skipped_owner), 2 a directive.
 */
static int line_owner(struct file_owner *fo, char *line, const char **rdata, char *skipped_owner,
		      size_t size)
{
	const char *p = line + strspn(line, " \t"), *first = p, *tok = NULL;
	size_t n, first_n = strcspn(p, " \t");
	char owner[300];

	if (line[0] == '$') {
		if (strncasecmp(line, "$ORIGIN", 7) == 0 && (line[7] == ' ' || line[7] == '\t')) {
			p = line + 7 + strspn(line + 7, " \t");
			n = strcspn(p, " \t");
			fo->origin[0] = '\0';
			owner_complete(fo, p, n, fo->origin, sizeof(fo->origin));
			return 2;
		}
		if (strncasecmp(line, "$TTL", 4) == 0)
			return 2;
	}
	*rdata = p;
	while (*p != '\0') {
		p += strspn(p, " \t");
		n = strcspn(p, " \t");
		if ((n == 4 && strncasecmp(p, "TLSA", 4) == 0) ||
		    (n == 6 && strncasecmp(p, "TYPE52", 6) == 0)) {
			tok = p;
			*rdata = p + n;
			break;
		}
		p += n;
	}
	if (tok == NULL)
		return 0; /* bare rdata: no owner */
	if (line[0] == ' ' || line[0] == '\t') {
		if (!fo->have_last)
			return 0;
		snprintf(owner, sizeof(owner), "%s", fo->last);
	} else if (first == tok || is_class_or_ttl(first, first_n)) {
		fo->have_last = 0;
		return 0; /* "IN TLSA ...": no owner */
	} else {
		owner_complete(fo, first, first_n, owner, sizeof(owner));
		snprintf(fo->last, sizeof(fo->last), "%s", owner);
		fo->have_last = 1;
	}
	if (strcmp(owner, fo->expect) == 0)
		return 0;
	if (snprintf(skipped_owner, size, "%s.", owner) >= (int)size)
		skipped_owner[0] = '\0';
	return 1;
}

/* Records from --tlsa-file; errors name the line.  0, or -1 after an error message. */
static int read_tlsa_file(struct check_target *t, struct check_opts *o, const char *path)
{
	FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	char *line = NULL, *p, *c, first_skipped[300] = "", other[300];
	const char *rdata;
	size_t cap = 0, skipped = 0, used = 0;
	ssize_t len;
	unsigned long lineno = 0, first_line = 0;
	struct file_owner fo;
	tlsa_record *rec;
	tlsa_status st;
	int rc = 0, k;

	if (fp == NULL) {
		check_problem(o, "%s: %s", path, strerror(errno));
		return -1;
	}
	memset(&fo, 0, sizeof(fo));
	snprintf(fo.expect, sizeof(fo.expect), "_%u._%s.%s", t->port, t->proto, t->host);
	owner_complete(&fo, fo.expect, strlen(fo.expect), fo.expect, sizeof(fo.expect));
	while (rc == 0 && (len = getline(&line, &cap, fp)) >= 0) {
		lineno++;
		/* Zone-file comments start with ';', ours with '#' (but "\#" is RFC 3597's). */
		line[strcspn(line, ";\r\n")] = '\0';
		for (c = line; (c = strchr(c, '#')) != NULL; c++)
			if (c == line || c[-1] != '\\') {
				*c = '\0';
				break;
			}
		p = line + strspn(line, " \t");
		if (*p == '\0')
			continue;
		k = line_owner(&fo, line, &rdata, other, sizeof(other));
		if (k == 2)
			continue;
		st = tlsa_record_parse(rdata, &rec);
		if (st != TLSA_OK) {
			check_problem(o, "%s: line %lu: %s", path, lineno, tlsa_strerror(st));
			rc = -1;
		} else if (k == 1) {
			tlsa_record_free(rec);
			if (skipped++ == 0) {
				first_line = lineno;
				snprintf(first_skipped, sizeof(first_skipped), "%s", other);
			}
		} else if (add_rec(t, rec, 0) != 0) {
			tlsa_record_free(rec);
			check_problem(o, "out of memory");
			rc = -1;
		} else {
			used++;
		}
	}
	if (rc == 0 && ferror(fp)) {
		check_problem(o, "%s: %s", path, strerror(errno));
		rc = -1;
	}
	if (rc == 0 && used + skipped == 0) {
		check_problem(o, "%s: no TLSA records in the file", path);
		rc = -1;
	}
	t->skipped = skipped;
	/* The count is in the output too; a fleet's threads say nothing on stderr. */
	if (rc == 0 && skipped > 0 && !o->fleet)
		cli_warn("%s: %zu record%s for other owners skipped (line %lu: %s); checking "
			 "%s.",
			 path, skipped, skipped == 1 ? "" : "s", first_line, first_skipped,
			 fo.expect);
	free(line);
	if (fp != stdin)
		fclose(fp);
	return rc;
}

int check_records_gather(struct check_target *t, struct check_opts *o, const tlsa_resolver *res)
{
	tlsa_record *rec;
	tlsa_status st;
	size_t i;

	if (t->source == SRC_GIVEN) {
		for (i = 0; i < o->ntlsa; i++) {
			st = tlsa_record_parse(o->tlsa[i], &rec);
			if (st != TLSA_OK || add_rec(t, rec, 0) != 0) {
				check_problem(o, "--tlsa '%s': %s", o->tlsa[i],
					      st != TLSA_OK ? tlsa_strerror(st) : "out of memory");
				if (st == TLSA_OK)
					tlsa_record_free(rec);
				return -1;
			}
		}
		if (o->tlsa_file != NULL && read_tlsa_file(t, o, o->tlsa_file) != 0)
			return -1;
		t->base_domain = strdup(t->host);
		return t->base_domain == NULL ? -1 : 0;
	}
	check_lookup_begin();
	st = tlsa_lookup_tlsa(res, t->host, t->port, t->proto, &t->tlsa);
	check_lookup_end();
	if (st != TLSA_OK) {
		check_problem(o, "%s: TLSA lookup: %s", t->host, tlsa_strerror(st));
		return -1;
	}
	for (i = 0; i < t->tlsa->nrecords; i++) {
		const tlsa_dns_record *rr = &t->tlsa->records[i];

		rec = rr->record != NULL ? tlsa_record_dup(rr->record) : NULL;
		if ((rr->record != NULL && rec == NULL) || add_rec(t, rec, rr->rdlen) != 0) {
			tlsa_record_free(rec);
			check_problem(o, "out of memory");
			return -1;
		}
	}
	t->base_domain = strdup(t->tlsa->base_domain != NULL ? t->tlsa->base_domain : t->host);
	if (t->base_domain == NULL) {
		check_problem(o, "out of memory");
		return -1;
	}
	return 0;
}
