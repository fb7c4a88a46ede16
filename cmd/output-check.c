/*
 * The printers of `tlsa check`: text, json and nagios, each a row in the
 * table at the end.  They print what check.c found and check-policy.c
 * judged; they decide nothing.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cli.h"
#include "output.h"

static void day_string(time_t t, char buf[11])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, 11, "%Y-%m-%d", &tm);
}

/* "_25._tcp.mx.example.org." or "--tlsa" or the file the records came from. */
static const char *records_from(const struct check_target *t)
{
	if (t->source == SRC_DNS)
		return t->tlsa->owner;
	return t->source_file != NULL ? t->source_file : "--tlsa";
}

static size_t count_ok(const struct check_target *t)
{
	size_t i, n = 0;

	for (i = 0; i < t->naddr; i++)
		n += t->addr[i].verdict == V_OK || t->addr[i].verdict == V_WARNING;
	return n;
}

/* ---- text ---------------------------------------------------------------- */

void text_notes(FILE *fp, const char *where, const struct notes *ns)
{
	size_t i;

	for (i = 0; i < ns->n; i++) {
		if (ns->v[i].level == V_OK && cli.verbose == 0)
			continue;
		if (cli.quiet && ns->v[i].level == V_OK)
			continue;
		if (ns->v[i].level == V_OK)
			fprintf(fp, "%s: %s\n", where, ns->v[i].text);
		else
			fprintf(fp, "%s: %s: %s\n", where, verdict_name(ns->v[i].level), ns->v[i].text);
	}
}

static void text_chain(FILE *fp, const tlsa_verify_result *r)
{
	size_t d, n = tlsa_input_count(r->chain);
	const unsigned char *der;
	tlsa_cert_info info;
	size_t len;
	char day[11];

	for (d = 0; d < n; d++) {
		der = tlsa_input_cert(r->chain, d, &len);
		if (der == NULL || tlsa_cert_info_get(der, len, &info) != TLSA_OK)
			continue;
		day_string(info.not_after, day);
		fprintf(fp, "  depth %zu: %s, issuer %s, notAfter %s\n", d, info.subject, info.issuer,
			day);
		tlsa_cert_info_clear(&info);
	}
}

static void text_records(FILE *fp, const struct check_target *t, const tlsa_verify_result *r)
{
	const tlsa_rec_result *rr;
	size_t i;
	int k;

	for (i = 0; i < t->nrecs; i++) {
		k = t->recs[i].slot;
		if (k < 0 || r->records == NULL) {
			fprintf(fp, "  record %s\n", t->recs[i].text);
			continue;
		}
		rr = &r->records[k];
		fprintf(fp, "  record %s: %s", t->recs[i].text, tlsa_rec_state_name(rr->state));
		if (rr->state == TLSA_REC_MATCHED)
			fprintf(fp, " at depth %d", rr->depth);
		else if (rr->why != NULL)
			fprintf(fp, ": %s", rr->why);
		else if (rr->presented >= 0)
			fprintf(fp, " (describes the certificate at depth %d)", rr->presented);
		else
			fputs(" (describes no certificate presented)", fp);
		fputc('\n', fp);
	}
}

static size_t count_cands(const struct check_target *t)
{
	size_t k, n = 0;

	for (k = 0; k < t->ncands; k++)
		n += t->cands[k].rec >= 0;
	return n;
}

static void print_text(FILE *fp, const struct check_target *t, const struct check_conf *c)
{
	char where[64], target[300];
	size_t i;

	snprintf(target, sizeof(target), "%s:%u", t->host, t->port);
	if (!cli.quiet) {
		fprintf(fp, "%s: %s, TLSA from %s", target,
			t->starttls != NULL ? tlsa_starttls_name(t->starttls) : "direct TLS",
			records_from(t));
		if (t->source == SRC_DNS)
			fprintf(fp, " (%s, %zu record%s)", tlsa_dnssec_name(t->tlsa->answer.state),
				t->nrecs, t->nrecs == 1 ? "" : "s");
		else if (t->skipped > 0)
			fprintf(fp, " (%zu record%s; %zu for other owners skipped)", t->nrecs,
				t->nrecs == 1 ? "" : "s", t->skipped);
		else
			fprintf(fp, " (%zu record%s)", t->nrecs, t->nrecs == 1 ? "" : "s");
		fputc('\n', fp);
	}
	for (i = 0; i < t->naddr; i++) {
		const struct check_addr *a = &t->addr[i];

		addr_port(a->address, t->port, where);
		if (!cli.quiet || a->verdict != V_OK)
			fprintf(fp, "%s: %s: %s\n", where, verdict_name(a->verdict),
				a->message != NULL ? a->message : "");
		text_notes(fp, where, &a->notes);
		if (cli.quiet || a->res == NULL || !a->res->handshake)
			continue;
		fprintf(fp, "  %s, %s\n", a->res->version, a->res->cipher);
		if (a->res->chain != NULL)
			text_chain(fp, a->res);
		if (cli.verbose > 0 && a->verified_with_records)
			text_records(fp, t, a->res);
	}
	text_notes(fp, target, &t->notes);
	if (t->ncands > 0)
		check_text_candidates(fp, t);
	if (c->candidate_only && (!cli.quiet || t->verdict != V_OK))
		fprintf(fp, "%s: %s: %zu of %zu candidate%s match%s the published records\n",
			target, verdict_name(t->verdict), count_cands(t), t->ncands,
			t->ncands == 1 ? "" : "s", count_cands(t) == 1 ? "es" : "");
	else if (!cli.quiet || t->verdict != V_OK) {
		if (t->naddr == 0)
			fprintf(fp, "%s: %s\n", target, verdict_name(t->verdict));
		else if (count_ok(t) == t->naddr)
			fprintf(fp, "%s: %s: %zu of %zu address%s verified\n", target,
				verdict_name(t->verdict), t->naddr, t->naddr, t->naddr == 1 ? "" : "es");
		else
			fprintf(fp, "%s: %s: %zu of %zu address%s failed\n", target,
				verdict_name(t->verdict), t->naddr - count_ok(t), t->naddr,
				t->naddr == 1 ? "" : "es");
	}
}

/* ---- json ---------------------------------------------------------------- */

static void json_str_or_null(FILE *fp, const char *s)
{
	if (s != NULL)
		json_string(fp, s);
	else
		fputs("null", fp);
}

void json_notes(FILE *fp, const struct notes *ns)
{
	size_t i;

	fputs("[", fp);
	for (i = 0; i < ns->n; i++) {
		fprintf(fp, "%s{\"level\": \"%s\", \"text\": ", i > 0 ? ", " : "",
			verdict_name(ns->v[i].level));
		json_string(fp, ns->v[i].text);
		fputs("}", fp);
	}
	fputs("]", fp);
}

void json_answer(FILE *fp, const tlsa_dns_answer *a)
{
	size_t i;

	fputs("{\"qname\": ", fp);
	json_str_or_null(fp, a->qname);
	fputs(", \"name\": ", fp);
	json_str_or_null(fp, a->name);
	fprintf(fp, ", \"dnssec\": \"%s\", \"reason\": ", tlsa_dnssec_name(a->state));
	json_str_or_null(fp, a->reason);
	fprintf(fp, ", \"rcode\": %d, \"answered\": %s, \"server\": ", a->rcode,
		a->answered ? "true" : "false");
	json_str_or_null(fp, a->server);
	fputs(", \"cnames\": [", fp);
	for (i = 0; i < a->ncnames; i++) {
		fprintf(fp, "%s{\"owner\": ", i > 0 ? ", " : "");
		json_string(fp, a->cnames[i].owner);
		fputs(", \"target\": ", fp);
		json_string(fp, a->cnames[i].target);
		fprintf(fp, ", \"dnssec\": \"%s\"}", tlsa_dnssec_name(a->cnames[i].state));
	}
	fputs("]}", fp);
}

static void json_chain(FILE *fp, const tlsa_verify_result *r)
{
	size_t d, n = r->chain != NULL ? tlsa_input_count(r->chain) : 0, len;
	const unsigned char *der;
	tlsa_cert_info info;
	char when[21];

	fputs("[", fp);
	for (d = 0; d < n; d++) {
		der = tlsa_input_cert(r->chain, d, &len);
		if (der == NULL || tlsa_cert_info_get(der, len, &info) != TLSA_OK)
			continue;
		fprintf(fp, "%s{\"depth\": %zu, \"subject\": ", d > 0 ? ", " : "", d);
		json_string(fp, info.subject);
		fputs(", \"issuer\": ", fp);
		json_string(fp, info.issuer);
		iso_time(info.not_after, when);
		fprintf(fp, ", \"notAfter\": \"%s\"}", when);
		tlsa_cert_info_clear(&info);
	}
	fputs("]", fp);
}

static void json_records(FILE *fp, const struct check_target *t, const struct check_addr *a)
{
	const tlsa_rec_result *rr;
	size_t i;
	int k;

	fputs("[", fp);
	for (i = 0; i < t->nrecs; i++) {
		k = t->recs[i].slot;
		fprintf(fp, "%s{\"record\": ", i > 0 ? ", " : "");
		json_string(fp, t->recs[i].text);
		if (k < 0) {
			fputs(", \"result\": \"unusable\", \"why\": \"malformed\"}", fp);
			continue;
		}
		if (!a->verified_with_records || a->res == NULL || a->res->records == NULL ||
		    !a->res->handshake) {
			fputs(", \"result\": \"not tried\"}", fp);
			continue;
		}
		rr = &a->res->records[k];
		fprintf(fp, ", \"result\": \"%s\"", tlsa_rec_state_name(rr->state));
		if (rr->state == TLSA_REC_MATCHED)
			fprintf(fp, ", \"depth\": %d", rr->depth);
		fputs(", \"why\": ", fp);
		json_str_or_null(fp, rr->why);
		if (rr->presented >= 0)
			fprintf(fp, ", \"describes_depth\": %d", rr->presented);
		else
			fputs(", \"describes_depth\": null", fp);
		fputs("}", fp);
	}
	fputs("]", fp);
}

static void json_address(FILE *fp, const struct check_target *t, const struct check_addr *a)
{
	const tlsa_verify_result *r = a->res;
	char *hex;

	fputs("{\"address\": ", fp);
	json_string(fp, a->address);
	fputs(", \"dnssec\": ", fp);
	if (a->dnssec >= 0)
		fprintf(fp, "\"%s\"", tlsa_dnssec_name((tlsa_dnssec)a->dnssec));
	else
		fputs("null", fp);
	fprintf(fp, ", \"status\": \"%s\", \"message\": ", verdict_name(a->verdict));
	json_str_or_null(fp, a->message);
	fputs(", \"notes\": ", fp);
	json_notes(fp, &a->notes);
	if (r != NULL) {
		fprintf(fp, ", \"connected\": %s, \"handshake\": %s", r->connected ? "true" : "false",
			r->handshake ? "true" : "false");
		if (r->handshake) {
			fputs(", \"tls_version\": ", fp);
			json_string(fp, r->version);
			fputs(", \"cipher\": ", fp);
			json_string(fp, r->cipher);
		}
		if (r->match_index >= 0)
			fprintf(fp, ", \"match\": {\"depth\": %d}", r->match_depth);
		else
			fputs(", \"match\": null", fp);
		if (r->have_spki) {
			hex = tlsa_hex_string(r->spki_sha256, sizeof(r->spki_sha256));
			fputs(", \"spki_sha256\": ", fp);
			json_str_or_null(fp, hex);
			free(hex);
		}
		fputs(", \"chain\": ", fp);
		json_chain(fp, r);
	}
	if (a->have_days)
		fprintf(fp, ", \"days_left\": %d", a->days_left);
	fputs(", \"records\": ", fp);
	json_records(fp, t, a);
	fputs("}", fp);
}

/* One target's object in "targets" (also a host's of --mx and --srv, check-mx.c). */
void check_json_target(FILE *fp, const struct check_target *t)
{
	size_t i;

	fputs("{\"target\": ", fp);
	json_string(fp, t->host);
	fprintf(fp, ", \"port\": %u, \"proto\": ", t->port);
	json_string(fp, t->proto);
	fputs(", \"starttls\": ", fp);
	json_str_or_null(fp, t->starttls != NULL ? tlsa_starttls_name(t->starttls) : NULL);
	fprintf(fp, ", \"status\": \"%s\", \"seconds\": %.3f, \"notes\": ", verdict_name(t->verdict),
		t->seconds);
	json_notes(fp, &t->notes);
	fputs(", \"tlsa\": {\"source\": ", fp);
	json_string(fp, t->source == SRC_DNS ? "dns" : "given");
	fputs(", \"base_domain\": ", fp);
	json_str_or_null(fp, t->base_domain);
	if (t->source_file != NULL) {
		fputs(", \"file\": ", fp);
		json_string(fp, t->source_file);
		fprintf(fp, ", \"skipped\": %zu", t->skipped);
	}
	if (t->source == SRC_DNS) {
		fputs(", \"owner\": ", fp);
		json_str_or_null(fp, t->tlsa->owner);
		fputs(", \"lookup\": ", fp);
		json_answer(fp, &t->tlsa->answer);
		fputs(", \"host_lookup\": ", fp);
		json_answer(fp, &t->tlsa->host_answer);
	}
	fputs(", \"records\": [", fp);
	for (i = 0; i < t->nrecs; i++) {
		fputs(i > 0 ? ", " : "", fp);
		json_string(fp, t->recs[i].text);
	}
	fputs("]}, \"hosts\": [{\"host\": ", fp);
	json_string(fp, t->host);
	if (t->addrs != NULL) {
		fputs(", \"a\": ", fp);
		if (t->addrs->a.qtype != 0)
			json_answer(fp, &t->addrs->a);
		else
			fputs("null", fp);
		fputs(", \"aaaa\": ", fp);
		if (t->addrs->aaaa.qtype != 0)
			json_answer(fp, &t->addrs->aaaa);
		else
			fputs("null", fp);
	}
	fputs(", \"addresses\": [", fp);
	for (i = 0; i < t->naddr; i++) {
		fputs(i > 0 ? ",\n    " : "\n    ", fp);
		json_address(fp, t, &t->addr[i]);
	}
	fputs("]}]", fp);
	if (t->ncands > 0)
		check_json_candidates(fp, t);
	fputs("}", fp);
}

static void print_json(FILE *fp, const struct check_target *t, const struct check_conf *c)
{
	fprintf(fp, "{\"status\": \"%s\", \"exit\": %d, ", verdict_name(t->verdict),
		(int)t->verdict);
	if (c->candidate_only)
		fputs("\"candidate_only\": true, ", fp);
	fputs("\"targets\": [", fp);
	check_json_target(fp, t);
	fputs("]}\n", fp);
}

static void json_unknown(FILE *fp, const struct check_target *t, const char *why)
{
	fputs("{\"status\": \"UNKNOWN\", \"exit\": 3, \"error\": ", fp);
	json_string(fp, why);
	/* A usage error may come before there is a target to name. */
	if (t->host == NULL) {
		fputs(", \"targets\": []}\n", fp);
		return;
	}
	fputs(", \"targets\": [{\"target\": ", fp);
	json_string(fp, t->host);
	fprintf(fp, ", \"port\": %u, \"status\": \"UNKNOWN\"}]}\n", t->port);
}

/* ---- nagios -------------------------------------------------------------- */

/* Perfdata labels are quoted when they hold spaces; ours never do. */
static void print_nagios(FILE *fp, const struct check_target *t, const struct check_conf *c)
{
	char where[64], buf[1200] = "";
	size_t i, k;
	int days = 0, have_days = 0;

	/* The first finding at the verdict's level: it is what the operator sees. */
	for (i = 0; i < t->notes.n && buf[0] == '\0' && t->verdict != V_OK; i++)
		if (t->notes.v[i].level == t->verdict)
			snprintf(buf, sizeof(buf), "%s:%u: %s", t->host, t->port, t->notes.v[i].text);
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
		addr_port(a->address, t->port, where);
		snprintf(buf, sizeof(buf), "%s: %s", where, text);
	}
	if (buf[0] == '\0' && c->candidate_only)
		snprintf(buf, sizeof(buf), "%s:%u: %zu of %zu candidate%s match%s the published "
			 "records", t->host, t->port, count_cands(t), t->ncands,
			 t->ncands == 1 ? "" : "s", count_cands(t) == 1 ? "es" : "");
	if (buf[0] == '\0')
		snprintf(buf, sizeof(buf), "%s:%u: %zu of %zu address%s matched", t->host, t->port,
			 count_ok(t), t->naddr, t->naddr == 1 ? "" : "es");
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
			verdict_name(t->verdict), buf, t->ncands, count_cands(t),
			t->ncands - count_cands(t));
	else
		fprintf(fp, "DANE %s - %s | addresses=%zu;;;0 matched=%zu;;;0 failed=%zu;;;0",
			verdict_name(t->verdict), buf, t->naddr, count_ok(t),
			t->naddr - count_ok(t));
	if (have_days)
		fprintf(fp, " days_left=%d;%d:;0:", days, c->warn_days);
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

static const struct check_format formats[] = {
	{ "text", print_text, NULL },
	{ "json", print_json, json_unknown },
	{ "nagios", print_nagios, nagios_unknown },
	{ "prometheus", check_print_prometheus, check_prometheus_unknown },
};

const struct check_format *check_format_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(formats[i].name, name) == 0)
			return &formats[i];
	return NULL;
}
