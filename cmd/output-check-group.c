/*
 * The printers of a --mx or --srv group: the MX or SRV lookup, then each
 * host as output-check.c prints a target, then the group's verdict.
 * They print what check.c found and check-policy.c judged; they decide
 * nothing.  A format without a group printer here (one added later to
 * output-check.c's table) prints its per-target output for each host.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cli.h"
#include "output.h"

static const tlsa_dns_answer *group_answer(const struct check_group *g)
{
	return g->kind == GROUP_MX ? &g->mx->answer : &g->srv->answer;
}

/* "MX 10 mail.example." or "SRV 0 xmpp.example.:5222" into buf. */
static void host_label(const struct check_group *g, size_t i, char *buf, size_t size)
{
	const struct check_endpoint *e = &g->ep[i];

	if (g->kind == GROUP_MX && e->implicit)
		snprintf(buf, size, "no MX: %s itself, preference 0", e->host);
	else if (g->kind == GROUP_MX)
		snprintf(buf, size, "MX %d %s", e->preference, e->host);
	else
		snprintf(buf, size, "SRV %d %s:%u", e->preference, e->host, e->port);
}

/* A host whose check could not run has no lookups to print, only its notes. */
static int examined(const struct check_target *t)
{
	return t->tlsa != NULL;
}

/* The first finding at the host's verdict: what an operator needs to read. */
static const char *host_reason(const struct check_target *t)
{
	size_t i, k;

	for (i = 0; i < t->notes.n; i++)
		if (t->notes.v[i].level == t->verdict)
			return t->notes.v[i].text;
	for (i = 0; i < t->naddr; i++) {
		const struct check_addr *a = &t->addr[i];

		if (a->verdict != t->verdict)
			continue;
		for (k = 0; a->verdict == V_WARNING && k < a->notes.n; k++)
			if (a->notes.v[k].level == V_WARNING)
				return a->notes.v[k].text;
		return a->message != NULL ? a->message : "";
	}
	return "";
}

/* ---- text ---------------------------------------------------------------- */

/* Does a finding of the MX or SRV lookup set the group's verdict? */
static int lookup_decides(const struct check_group *g)
{
	size_t i;

	for (i = 0; i < g->notes.n; i++)
		if (g->notes.v[i].level == g->verdict && g->verdict != V_OK)
			return 1;
	return 0;
}

static void text_group(FILE *fp, const struct check_group *g, const struct check_conf *c,
		       const struct check_format *fmt)
{
	const tlsa_dns_answer *a = group_answer(g);
	char label[600];
	size_t i, bad = 0;

	if (!cli.quiet) {
		fprintf(fp, "%s: %s lookup %s", g->name, g->kind == GROUP_MX ? "MX" : "SRV",
			tlsa_dnssec_name(a->state));
		if (g->kind == GROUP_SRV && g->service_domain != NULL)
			fprintf(fp, ", service domain %s", g->service_domain);
		for (i = 0; i < g->nep; i++) {
			host_label(g, i, label, sizeof(label));
			fprintf(fp, "%s%s", i == 0 ? ": " : ", ", label);
		}
		fputc('\n', fp);
	}
	text_notes(fp, g->name, &g->notes);
	for (i = 0; i < g->nt; i++) {
		const struct check_target *t = &g->t[i];

		bad += t->verdict != V_OK && t->verdict != V_WARNING;
		if (cli.quiet && t->verdict == V_OK)
			continue;
		host_label(g, i, label, sizeof(label));
		fprintf(fp, "\n%s\n", label);
		if (examined(t))
			fmt->print(fp, t, c);
		else
			fprintf(fp, "%s:%u: %s: %s\n", t->host, t->port, verdict_name(t->verdict),
				host_reason(t));
	}
	if (cli.quiet && g->verdict == V_OK)
		return;
	fprintf(fp, "%s%s: %s: ", g->nt > 0 ? "\n" : "", g->name, verdict_name(g->verdict));
	if (g->nt == 0)
		fprintf(fp, "no %s checked\n", g->kind == GROUP_MX ? "MX host" : "SRV target");
	else
		fprintf(fp, "%zu of %zu %s verified%s%s%s\n", g->nt - bad, g->nt,
			g->kind == GROUP_MX ? (g->nt == 1 ? "mail host" : "mail hosts")
					    : (g->nt == 1 ? "SRV target" : "SRV targets"),
			lookup_decides(g) ? (g->kind == GROUP_MX ? "; the MX lookup makes it "
								 : "; the SRV lookup makes it ")
					  : "",
			lookup_decides(g) ? verdict_name(g->verdict) : "",
			lookup_decides(g) ? " (above)" : "");
}

/* ---- json ---------------------------------------------------------------- */

static void json_lookup(FILE *fp, const struct check_group *g)
{
	size_t i;

	if (g->kind == GROUP_MX) {
		fputs(", \"mx\": {\"lookup\": ", fp);
		json_answer(fp, &g->mx->answer);
		fprintf(fp, ", \"null_mx\": %s, \"records\": [", g->mx->null_mx ? "true" : "false");
		for (i = 0; i < g->mx->nmx; i++) {
			fprintf(fp, "%s{\"preference\": %u, \"host\": ", i > 0 ? ", " : "",
				(unsigned)g->mx->mx[i].preference);
			json_string(fp, g->mx->mx[i].host);
			fputs("}", fp);
		}
		fputs("]}", fp);
		return;
	}
	fputs(", \"srv\": {\"lookup\": ", fp);
	json_answer(fp, &g->srv->answer);
	fputs(", \"service_domain\": ", fp);
	json_string(fp, g->service_domain);
	fprintf(fp, ", \"no_service\": %s, \"records\": [", g->srv->no_service ? "true" : "false");
	for (i = 0; i < g->srv->nsrv; i++) {
		const tlsa_srv *r = &g->srv->srv[i];

		fprintf(fp, "%s{\"priority\": %u, \"weight\": %u, \"port\": %u, \"target\": ",
			i > 0 ? ", " : "", (unsigned)r->priority, (unsigned)r->weight,
			(unsigned)r->port);
		json_string(fp, r->target);
		fputs("}", fp);
	}
	fputs("]}", fp);
}

/* A group's object in "targets": the domain or owner, its lookup, its hosts. */
void check_json_group(FILE *fp, const struct check_group *g)
{
	size_t i;

	fputs("{\"target\": ", fp);
	json_string(fp, g->name);
	fprintf(fp, ", \"kind\": \"%s\", \"status\": \"%s\", \"seconds\": %.3f, \"notes\": ",
		g->kind == GROUP_MX ? "mx" : "srv", verdict_name(g->verdict), g->seconds);
	json_notes(fp, &g->notes);
	json_lookup(fp, g);
	fputs(", \"hosts\": [", fp);
	for (i = 0; i < g->nt; i++) {
		const struct check_target *t = &g->t[i];

		fputs(i > 0 ? ",\n  {\"host\": " : "\n  {\"host\": ", fp);
		json_string(fp, t->host);
		fprintf(fp, ", \"%s\": %d, \"implicit\": %s, \"port\": %u, \"status\": \"%s\", "
			"\"check\": ",
			g->kind == GROUP_MX ? "preference" : "priority", t->preference,
			g->ep[i].implicit ? "true" : "false", t->port, verdict_name(t->verdict));
		if (examined(t)) {
			check_json_target(fp, t);
		} else {
			fputs("null, \"notes\": ", fp);
			json_notes(fp, &t->notes);
		}
		fputs("}", fp);
	}
	fputs("]}", fp);
}

static void json_group(FILE *fp, const struct check_group *g, const struct check_conf *c)
{
	(void)c;
	fprintf(fp, "{\"status\": \"%s\", \"exit\": %d, \"targets\": [",
		verdict_name(g->verdict), (int)g->verdict);
	check_json_group(fp, g);
	fputs("]}\n", fp);
}

/* ---- nagios -------------------------------------------------------------- */

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
				 g->t[i].port, host_reason(&g->t[i]));
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
		snprintf(buf, sizeof(buf), "%s: %zu of %zu %s verified", g->name, g->nt - bad, g->nt,
			 g->kind == GROUP_MX ? "mail hosts" : "SRV targets");
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

static const struct {
	const char *name;
	void (*print)(FILE *fp, const struct check_group *g, const struct check_conf *c);
} group_formats[] = {
	{ "json", json_group },
	{ "nagios", nagios_group },
	{ "prometheus", check_prometheus_group },
};

void check_print_group(FILE *fp, const struct check_group *g, const struct check_conf *c,
		       const struct check_format *fmt)
{
	size_t i;

	for (i = 0; i < sizeof(group_formats) / sizeof(group_formats[0]); i++)
		if (strcmp(group_formats[i].name, fmt->name) == 0) {
			group_formats[i].print(fp, g, c);
			return;
		}
	if (strcmp(fmt->name, "text") == 0) {
		text_group(fp, g, c, fmt);
		return;
	}
	for (i = 0; i < g->nt; i++)
		if (examined(&g->t[i]))
			fmt->print(fp, &g->t[i], c);
}
