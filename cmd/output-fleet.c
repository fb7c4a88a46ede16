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
 *   nagios      one plugin line per target
 *   prometheus  every target's samples, family by family
 */
#include "config.h"

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

static int json_end(struct fleet_out *out, enum verdict worst)
{
	size_t i;

	fprintf(out->fp, "\n], \"status\": \"%s\", \"exit\": %d, \"counts\": {",
		verdict_name(worst), (int)worst);
	for (i = 0; i < 4; i++)
		fprintf(out->fp, "%s\"%s\": %zu", i > 0 ? ", " : "", names[i], out->count[i]);
	fputs("}}\n", out->fp);
	return ferror(out->fp) ? -1 : 0;
}

/* ---- nagios ------------------------------------------------------------------ */

static void nagios_result(struct fleet_out *out, const struct fleet_result *r)
{
	if (r->problem[0] != '\0') {
		struct check_target u;

		memset(&u, 0, sizeof(u));
		u.host = r->line.host;
		u.port = r->line.port;
		out->fmt->unknown(out->fp, &u, r->problem);
	} else if (r->is_group) {
		check_print_group(out->fp, &r->g, &r->conf, out->fmt);
	} else {
		out->fmt->print(out->fp, &r->t, &r->conf);
	}
}

static int nagios_end(struct fleet_out *out, enum verdict worst)
{
	(void)worst;
	return ferror(out->fp) ? -1 : 0;
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

static int prom_end(struct fleet_out *out, enum verdict worst)
{
	struct prom *pm = out->state;
	int rc;

	(void)worst;
	rc = prom_write(pm, out->fp);
	prom_free(pm);
	out->state = NULL;
	return rc;
}

static const struct fleet_format formats[] = {
    {"text", NULL, text_result, text_end},
    {"json", json_begin, json_result, json_end},
    {"nagios", NULL, nagios_result, nagios_end},
    {"prometheus", prom_begin, prom_result, prom_end},
};

const struct fleet_format *fleet_format_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(formats[i].name, name) == 0)
			return &formats[i];
	return NULL;
}
