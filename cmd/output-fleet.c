/*
 * How each output format frames a fleet (--targets): a table of small
 * functions, one row per format.  A result comes here once every earlier
 * one has, so a row may print it at once; only prometheus, whose families
 * must each be contiguous, keeps its samples (in temporary files) until
 * the end.  The targets themselves are printed by output-check.c's and
 * output-check-group.c's printers; nothing here judges.
 *
 *   text        each target as alone, then a count by verdict
 *   json        one document: {"targets": [...], "status", "exit", "counts"}
 *   nagios      a summary plugin line, then a line per target (no perfdata)
 *   prometheus  every target's samples, family by family
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cli.h"
#include "output.h"

static const char *const names[4] = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};

/* ---- text ------------------------------------------------------------------ */

static void text_result(struct fleet_out *out, const struct fleet_result *r)
{
	if (r->problem[0] != '\0')
		fprintf(out->fp, "%s:%u: UNKNOWN: %s\n", r->line.host, r->line.port, r->problem);
	else if (r->is_group)
		check_print_group(out->fp, &r->g, &r->conf, out->fmt);
	else
		out->fmt->print(out->fp, &r->t, &r->conf);
}

static int text_end(struct fleet_out *out, enum verdict worst)
{
	if (!cli.quiet || worst != V_OK)
		fprintf(out->fp, "%zu target%s: %zu OK, %zu WARNING, %zu CRITICAL, %zu UNKNOWN\n",
			out->total, out->total == 1 ? "" : "s", out->count[V_OK],
			out->count[V_WARNING], out->count[V_CRITICAL], out->count[V_UNKNOWN]);
	return ferror(out->fp) ? -1 : 0;
}

/* The fleet stopped: what was checked so far, and why the rest was not. */
static void text_discard(struct fleet_out *out, const char *why)
{
	fprintf(out->fp, "%zu of %zu target%s checked: UNKNOWN: %s\n", out->printed, out->total,
		out->total == 1 ? "" : "s", why);
}

/* ---- json ------------------------------------------------------------------ */

static int json_begin(struct fleet_out *out)
{
	fputs("{\"targets\": [", out->fp);
	return 0;
}

static void json_result(struct fleet_out *out, const struct fleet_result *r)
{
	fputs(out->printed > 0 ? ",\n" : "\n", out->fp);
	if (r->problem[0] != '\0') {
		fputs("{\"target\": ", out->fp);
		json_string(out->fp, r->line.host);
		if (r->line.mx)
			fputs(", \"kind\": \"mx\"", out->fp);
		fprintf(out->fp,
			", \"port\": %u, \"status\": \"UNKNOWN\", \"error\": ", r->line.port);
		json_string(out->fp, r->problem);
		fputs("}", out->fp);
	} else if (r->is_group) {
		check_json_group(out->fp, &r->g);
	} else {
		check_json_target(out->fp, &r->t);
	}
}

static int json_close(struct fleet_out *out, enum verdict worst, const char *why)
{
	size_t i;

	fprintf(out->fp, "\n], \"status\": \"%s\", \"exit\": %d, ", verdict_name(worst),
		(int)worst);
	if (why != NULL) {
		fputs("\"error\": ", out->fp);
		json_string(out->fp, why);
		fputs(", ", out->fp);
	}
	fputs("\"counts\": {", out->fp);
	for (i = 0; i < 4; i++)
		fprintf(out->fp, "%s\"%s\": %zu", i > 0 ? ", " : "", names[i], out->count[i]);
	fputs("}}\n", out->fp);
	return ferror(out->fp) ? -1 : 0;
}

static int json_end(struct fleet_out *out, enum verdict worst)
{
	return json_close(out, worst, NULL);
}

/* The targets printed so far, and why the rest are not: still one JSON document. */
static void json_discard(struct fleet_out *out, const char *why)
{
	json_close(out, V_UNKNOWN, why);
}

/* ---- nagios ------------------------------------------------------------------ */

/*
 * A monitoring system shows a plugin's first line as the status and the
 * rest as long output, and reads performance data after a '|'.  So a
 * fleet prints a summary line first (with the first finding at the worst
 * level, and counts as performance data), then each target's line as
 * long output without its own performance data, whose labels would
 * collide from one target to the next.  The target lines wait in memory
 * (about 100 bytes a target) until the summary can be written: a plugin
 * must not fail because /tmp is full or read-only.
 */
struct nagios_fleet {
	FILE *lines; /* an open_memstream() on text */
	char *text;
	size_t len;
	char *first[4]; /* the first target line at each verdict, without "DANE X - " */
};

static int nagios_begin(struct fleet_out *out)
{
	struct nagios_fleet *nf = calloc(1, sizeof(*nf));

	if (nf == NULL || (nf->lines = open_memstream(&nf->text, &nf->len)) == NULL) {
		free(nf);
		return -1;
	}
	out->state = nf;
	return 0;
}

static void nagios_result(struct fleet_out *out, const struct fleet_result *r)
{
	struct nagios_fleet *nf = out->state;
	char *line = NULL, *text, *cut;
	size_t len = 0;
	FILE *mem = open_memstream(&line, &len);

	if (mem == NULL)
		return;
	if (r->problem[0] != '\0') {
		struct check_target u;

		memset(&u, 0, sizeof(u));
		u.host = r->line.host;
		u.port = r->line.port;
		out->fmt->unknown(mem, &u, r->problem);
	} else if (r->is_group) {
		check_print_group(mem, &r->g, &r->conf, out->fmt);
	} else {
		out->fmt->print(mem, &r->t, &r->conf);
	}
	if (fclose(mem) != 0 || line == NULL) {
		free(line);
		return;
	}
	/* The printers keep '|' out of the text: the first one starts the perfdata. */
	cut = strpbrk(line, "|\n");
	if (cut != NULL) {
		while (cut > line && cut[-1] == ' ')
			cut--;
		*cut = '\0';
	}
	fprintf(nf->lines, "%s\n", line);
	text = strstr(line, " - ");
	if (nf->first[r->verdict] == NULL && text != NULL)
		nf->first[r->verdict] = strdup(text + 3);
	free(line);
}

static void nagios_free(struct fleet_out *out)
{
	struct nagios_fleet *nf = out->state;
	size_t i;

	if (nf == NULL)
		return;
	if (nf->lines != NULL)
		fclose(nf->lines);
	free(nf->text);
	for (i = 0; i < 4; i++)
		free(nf->first[i]);
	free(nf);
	out->state = NULL;
}

/* A monitoring system shows the first line: it says why there is no result. */
static void nagios_discard(struct fleet_out *out, const char *why)
{
	fprintf(out->fp, "DANE UNKNOWN - %s\n", why);
	nagios_free(out);
}

static int nagios_end(struct fleet_out *out, enum verdict worst)
{
	struct nagios_fleet *nf = out->state;
	int rc;

	fprintf(out->fp, "DANE %s - %zu target%s: %zu OK, %zu WARNING, %zu CRITICAL, %zu UNKNOWN",
		names[worst], out->total, out->total == 1 ? "" : "s", out->count[V_OK],
		out->count[V_WARNING], out->count[V_CRITICAL], out->count[V_UNKNOWN]);
	if (worst != V_OK && nf->first[worst] != NULL)
		fprintf(out->fp, "; first %s: %s", names[worst], nf->first[worst]);
	fprintf(out->fp,
		" | targets=%zu;;;0 ok=%zu;;;0 warning=%zu;;;0 critical=%zu;;;0 unknown=%zu;;;0\n",
		out->total, out->count[V_OK], out->count[V_WARNING], out->count[V_CRITICAL],
		out->count[V_UNKNOWN]);
	rc = fclose(nf->lines);
	nf->lines = NULL;
	if (rc == 0 && nf->len > 0 && fwrite(nf->text, 1, nf->len, out->fp) != nf->len)
		rc = -1;
	nagios_free(out);
	return rc == 0 && !ferror(out->fp) ? 0 : -1;
}

/* ---- prometheus ---------------------------------------------------------------- */

static int prom_begin(struct fleet_out *out)
{
	out->state = prom_new(1);
	return out->state != NULL ? 0 : -1;
}

static void prom_result(struct fleet_out *out, const struct fleet_result *r)
{
	struct prom *pm = out->state;

	/* The reason went to stderr; the sample says the check could not run. */
	if (r->problem[0] != '\0' && r->line.mx)
		prom_group_unknown(pm, 1, r->line.host);
	else if (r->problem[0] != '\0')
		prom_unknown(pm, r->line.host, r->line.port);
	else if (r->is_group)
		prom_group(pm, &r->g, &r->conf);
	else
		prom_target(pm, &r->t, &r->conf);
}

/* No partial exposition: a textfile collector keeps the last whole one. */
static void prom_discard(struct fleet_out *out, const char *why)
{
	(void)why;
	prom_free(out->state);
	out->state = NULL;
}

static int prom_end(struct fleet_out *out, enum verdict worst)
{
	int rc;

	(void)worst;
	rc = prom_write(out->state, out->fp);
	prom_discard(out, NULL);
	return rc;
}

static const struct fleet_format formats[] = {
    {"text", NULL, text_result, text_end, text_discard},
    {"json", json_begin, json_result, json_end, json_discard},
    {"nagios", nagios_begin, nagios_result, nagios_end, nagios_discard},
    {"prometheus", prom_begin, prom_result, prom_end, prom_discard},
};

const struct fleet_format *fleet_format_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(formats[i].name, name) == 0)
			return &formats[i];
	return NULL;
}
