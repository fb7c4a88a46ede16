/*
 * tlsa check -o nagios: the monitoring-plugin line, "DANE STATUS - text
 * | perfdata", for Nagios, Icinga and the like.  A monitoring system shows
 * stdout only: an UNKNOWN says why there too.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "check-ns.h"
#include "check-out.h"
#include "check-targets.h"
#include "cli.h"

/*
 * --all-ns: nameserver addresses, how many serve the resolver's set,
 * how many answered; the earliest RRSIG expiration in days.
 */
static void nagios_ns(FILE *fp, const struct check_target *t, const struct check_conf *c)
{
	size_t i, agree = 0, answered = 0;

	if (t->ns != NULL) {
		for (i = 0; i < t->ns->nservers; i++) {
			answered += t->ns->servers[i].answered != 0;
			agree +=
			    t->ns->servers[i].answered && check_ns_same_set(t, &t->ns->servers[i]);
		}
		fprintf(fp, " ns_total=%zu;;;0 ns_agree=%zu;;;0 ns_answered=%zu;;;0",
			t->ns->nservers, agree, answered);
	}
	if (t->sig_expire != 0)
		fprintf(fp, " rrsig_expiry_days=%.2f;%d:;0:",
			(double)(t->sig_expire - (int64_t)c->now) / 86400.0, c->sig_warn_days);
}

/* Perfdata labels are quoted when they hold spaces; ours never do. */
static void nagios_target(FILE *fp, const struct check_target *t, const struct check_conf *c)
{
	char where[80], buf[1200] = "";
	size_t i, k, naddrs = check_out_addresses(t);
	int days = 0, have_days = 0;

	/* The first finding at the verdict's level: it is what the operator sees. */
	for (i = 0; i < t->notes.n && buf[0] == '\0' && t->verdict != V_OK; i++)
		if (t->notes.v[i].level == t->verdict)
			snprintf(buf, sizeof(buf), "%s:%u: %s", t->host, t->port,
				 t->notes.v[i].text);
	for (i = 0; i < t->naddr && buf[0] == '\0' && t->verdict != V_OK; i++) {
		const struct check_addr *a = &t->addr[i];
		const char *text = a->message != NULL ? a->message : "";

		if (a->verdict != t->verdict)
			continue;
		for (k = 0; a->verdict == V_WARNING && k < a->notes.n; k++)
			if (a->notes.v[k].level == V_WARNING) {
				text = a->notes.v[k].text;
				break;
			}
		addr_where(a, t->port, where);
		snprintf(buf, sizeof(buf), "%s: %s", where, text);
	}
	if (buf[0] == '\0' && c->candidate_only)
		snprintf(buf, sizeof(buf),
			 "%s:%u: %zu of %zu candidate%s match%s the published "
			 "records",
			 t->host, t->port, check_out_candidates_matched(t), t->ncands,
			 t->ncands == 1 ? "" : "s",
			 check_out_candidates_matched(t) == 1 ? "es" : "");
	if (buf[0] == '\0')
		snprintf(buf, sizeof(buf), "%s:%u: %zu of %zu address%s matched", t->host, t->port,
			 check_out_addresses_ok(t), naddrs, naddrs == 1 ? "" : "es");
	for (i = 0; i < t->naddr; i++)
		if (t->addr[i].have_days && (!have_days || t->addr[i].days_left < days)) {
			days = t->addr[i].days_left;
			have_days = 1;
		}
	/* '|' separates perfdata: keep it out of the text. */
	for (i = 0; buf[i] != '\0'; i++)
		if (buf[i] == '|')
			buf[i] = '/';
	if (c->candidate_only)
		fprintf(fp, "DANE %s - %s | candidates=%zu;;;0 matched=%zu;;;0 failed=%zu;;;0",
			verdict_name(t->verdict), buf, t->ncands, check_out_candidates_matched(t),
			t->ncands - check_out_candidates_matched(t));
	else
		fprintf(fp, "DANE %s - %s | addresses=%zu;;;0 matched=%zu;;;0 failed=%zu;;;0",
			verdict_name(t->verdict), buf, naddrs, check_out_addresses_ok(t),
			naddrs - check_out_addresses_ok(t));
	if (have_days)
		fprintf(fp, " days_left=%d;%d:;0:", days, c->warn_days);
	nagios_ns(fp, t, c);
	fprintf(fp, " time=%.3fs;;;0\n", t->seconds);
}

/* A monitoring system shows stdout only: the reason must be there. */
static void nagios_unknown(FILE *fp, const struct check_target *t, const char *why)
{
	size_t i;

	fputs("DANE UNKNOWN - ", fp);
	if (t->host != NULL)
		fprintf(fp, "%s:%u: ", t->host, t->port);
	for (i = 0; why[i] != '\0'; i++)
		fputc(why[i] == '|' ? '/' : why[i], fp);
	fputc('\n', fp);
}

/* ---- --mx and --srv ------------------------------------------------------- */

static void nagios_group(FILE *fp, const struct check_group *g, const struct check_conf *c)
{
	char buf[1200] = "";
	size_t i, bad = 0;
	int days = 0, have_days = 0;

	for (i = 0; i < g->notes.n && buf[0] == '\0' && g->verdict != V_OK; i++)
		if (g->notes.v[i].level == g->verdict)
			snprintf(buf, sizeof(buf), "%s: %s", g->name, g->notes.v[i].text);
	for (i = 0; i < g->nt && buf[0] == '\0' && g->verdict != V_OK; i++)
		if (g->t[i].verdict == g->verdict)
			snprintf(buf, sizeof(buf), "%s %s:%u: %s", g->name, g->t[i].host,
				 g->t[i].port, check_out_host_reason(&g->t[i]));
	for (i = 0; i < g->nt; i++) {
		const struct check_target *t = &g->t[i];
		size_t k;

		bad += t->verdict != V_OK && t->verdict != V_WARNING;
		for (k = 0; k < t->naddr; k++)
			if (t->addr[k].have_days && (!have_days || t->addr[k].days_left < days)) {
				days = t->addr[k].days_left;
				have_days = 1;
			}
	}
	if (buf[0] == '\0')
		snprintf(buf, sizeof(buf), "%s: %zu of %zu %s verified", g->name, g->nt - bad,
			 g->nt, g->kind == GROUP_MX ? "mail hosts" : "SRV targets");
	/* '|' separates perfdata: keep it out of the text. */
	for (i = 0; buf[i] != '\0'; i++)
		if (buf[i] == '|')
			buf[i] = '/';
	fprintf(fp, "DANE %s - %s | hosts=%zu;;;0 verified=%zu;;;0 failed=%zu;;;0",
		verdict_name(g->verdict), buf, g->nt, g->nt - bad, bad);
	if (have_days)
		fprintf(fp, " days_left=%d;%d:;0:", days, c->warn_days);
	fprintf(fp, " time=%.3fs;;;0\n", g->seconds);
}

/* ---- --targets -------------------------------------------------------------- */

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

static int nagios_fleet_begin(struct fleet_out *out)
{
	struct nagios_fleet *nf = calloc(1, sizeof(*nf));

	if (nf == NULL || (nf->lines = open_memstream(&nf->text, &nf->len)) == NULL) {
		free(nf);
		return -1;
	}
	out->state = nf;
	return 0;
}

static void nagios_fleet_each(struct fleet_out *out, const struct fleet_result *r)
{
	struct nagios_fleet *nf = out->state;
	char *line = NULL, *text, *cut;
	size_t len = 0;
	FILE *mem = open_memstream(&line, &len);

	if (mem == NULL)
		return;
	if (r->problem[0] != '\0') {
		check_out_unknown(&check_out_nagios, mem, r->line.host, r->line.port, r->problem);
	} else if (r->is_group) {
		nagios_group(mem, &r->g, &r->conf);
	} else {
		nagios_target(mem, &r->t, &r->conf);
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
static void nagios_fleet_discard(struct fleet_out *out, const char *why)
{
	fprintf(out->fp, "DANE UNKNOWN - %s\n", why);
	nagios_free(out);
}

static int nagios_fleet_end(struct fleet_out *out, enum verdict worst)
{
	struct nagios_fleet *nf = out->state;
	int rc;

	fprintf(out->fp, "DANE %s - %zu target%s: %zu OK, %zu WARNING, %zu CRITICAL, %zu UNKNOWN",
		verdict_name(worst), out->total, out->total == 1 ? "" : "s", out->count[V_OK],
		out->count[V_WARNING], out->count[V_CRITICAL], out->count[V_UNKNOWN]);
	if (worst != V_OK && nf->first[worst] != NULL)
		fprintf(out->fp, "; first %s: %s", verdict_name(worst), nf->first[worst]);
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

const struct check_format check_out_nagios = {
    .name = "nagios",
    .target = nagios_target,
    .unknown = nagios_unknown,
    .group = nagios_group,
    .fleet_begin = nagios_fleet_begin,
    .fleet_each = nagios_fleet_each,
    .fleet_end = nagios_fleet_end,
    .fleet_discard = nagios_fleet_discard,
};
