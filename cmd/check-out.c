/*
 * tlsa check's output formats: the table naming them, the hooks' common
 * fallbacks, and what several formats count.  Each format is in its own
 * file, check-out-FORMAT.c.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "check-out.h"

static const struct check_format *const formats[] = {
    &check_out_text, &check_out_json, &check_out_jsonl, &check_out_nagios, &check_out_prometheus,
};

const struct check_format *check_format_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(formats[i]->name, name) == 0)
			return formats[i];
	return NULL;
}

const struct check_format *check_format_default(void)
{
	return formats[0];
}

const char *check_format_names(int mark_default)
{
	static char buf[256];
	size_t i, n = sizeof(formats) / sizeof(formats[0]), len = 0;

	buf[0] = '\0';
	for (i = 0; i < n && len < sizeof(buf); i++)
		len +=
		    (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s%s",
				     i == 0	  ? ""
				     : i + 1 == n ? " or "
						  : ", ",
				     formats[i]->name, i == 0 && mark_default ? " (default)" : "");
	return buf;
}

void check_out_unknown(const struct check_format *fmt, FILE *fp, const char *host, unsigned port,
		       const char *why)
{
	struct check_target u;

	if (fmt->unknown == NULL)
		return;
	memset(&u, 0, sizeof(u));
	u.host = host;
	u.port = port;
	fmt->unknown(fp, &u, why);
}

void check_out_group(const struct check_format *fmt, FILE *fp, const struct check_group *g,
		     const struct check_conf *conf)
{
	size_t i;

	if (fmt->group != NULL) {
		fmt->group(fp, g, conf);
		return;
	}
	for (i = 0; i < g->nt; i++)
		if (check_out_examined(&g->t[i]))
			fmt->target(fp, &g->t[i], conf);
}

void check_out_group_unknown(const struct check_format *fmt, FILE *fp, int mx, const char *name,
			     const char *why)
{
	if (fmt->group_unknown != NULL)
		fmt->group_unknown(fp, mx, name, why);
	else
		check_out_unknown(fmt, fp, name, mx ? 25 : 0, why);
}

size_t check_out_addresses(const struct check_target *t)
{
	size_t i, n = 0;

	for (i = 0; i < t->naddr; i++)
		n += i == 0 || strcmp(t->addr[i].address, t->addr[i - 1].address) != 0;
	return n;
}

size_t check_out_addresses_ok(const struct check_target *t)
{
	size_t i, n = 0;
	int good = 1;

	for (i = 0; i < t->naddr; i++) {
		good &= t->addr[i].verdict == V_OK || t->addr[i].verdict == V_WARNING;
		if (i + 1 == t->naddr || strcmp(t->addr[i].address, t->addr[i + 1].address) != 0) {
			n += good;
			good = 1;
		}
	}
	return n;
}

size_t check_out_candidates_matched(const struct check_target *t)
{
	size_t k, n = 0;

	for (k = 0; k < t->ncands; k++)
		n += t->cands[k].rec >= 0;
	return n;
}

int check_out_examined(const struct check_target *t)
{
	return t->tlsa != NULL;
}

const char *check_out_host_reason(const struct check_target *t)
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
