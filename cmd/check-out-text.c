/*
 * tlsa check -o text (the default): lines for a person, one finding a
 * line, "WHERE: LEVEL: what"; -q keeps only problems, -v adds every
 * record's result.  The reason an UNKNOWN check could not run is on
 * stderr alone.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "check-out.h"
#include "check-targets.h"
#include "cli.h"

/* "_25._tcp.mx.example.org." or "--tlsa" or the file the records came from. */
static const char *records_from(const struct check_target *t)
{
	if (t->source == SRC_DNS)
		return t->tlsa->owner;
	return t->source_file != NULL ? t->source_file : "--tlsa";
}

static void text_notes(FILE *fp, const char *where, const struct notes *ns)
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
			fprintf(fp, "%s: %s: %s\n", where, verdict_name(ns->v[i].level),
				ns->v[i].text);
	}
}

static void text_chain(FILE *fp, const tlsa_verify_result *r)
{
	size_t d, n = tlsa_input_count(r->chain);
	const unsigned char *der;
	tlsa_cert_info info = TLSA_CERT_INFO_INIT;
	size_t len;
	char day[11];

	for (d = 0; d < n; d++) {
		der = tlsa_input_cert(r->chain, d, &len);
		if (der == NULL || tlsa_cert_info_get(der, len, &info) != TLSA_OK)
			continue;
		cli_day(info.not_after, day);
		fprintf(fp, "  depth %zu: %s, issuer %s, notAfter %s\n", d, info.subject,
			info.issuer, day);
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

/* --candidate: whether each matches, or what to publish first. */
static void text_candidates(FILE *fp, const struct check_target *t)
{
	const struct cand_result *cr;
	size_t k, i;

	for (k = 0; k < t->ncands; k++) {
		cr = &t->cands[k];
		if (cr->rec >= 0) {
			if (!cli.quiet)
				fprintf(fp, "candidate %s: matches %s at depth %d%s\n", cr->file,
					t->recs[cr->rec].text, cr->depth,
					cr->live_issuer ? " (its issuer, from the live chain)"
							: "");
			if (!cli.quiet && cr->ready == 1)
				fprintf(fp, "candidate %s: safe to deploy\n", cr->file);
			else if (!cli.quiet && cr->ready < 0 && cr->ns_known)
				fprintf(fp,
					"candidate %s: its record is served by every nameserver "
					"(TTL %u s)\n",
					cr->file, cr->ttl);
			continue;
		}
		fprintf(fp, "candidate %s: matches none of the published records; publish first:\n",
			cr->file);
		for (i = 0; i < cr->npublish; i++)
			fprintf(fp, "%s\n", cr->publish[i]);
	}
}

/* --all-ns: a line per nameserver address, what it serves. */
static void text_ns(FILE *fp, const struct check_target *t, const struct check_conf *c)
{
	const tlsa_ns_result *ns = t->ns;
	size_t i, k;

	if (ns->zone != NULL)
		fprintf(fp, "zone %s: %zu nameserver address%s, DNSKEY %s\n", ns->zone,
			ns->nservers, ns->nservers == 1 ? "" : "es",
			tlsa_dnssec_name(ns->keys_state));
	for (i = 0; i < ns->nservers; i++) {
		const tlsa_ns_server *s = &ns->servers[i];

		fprintf(fp, "nameserver %s (%s): ", s->name,
			s->address[0] != '\0' ? s->address : "no address");
		if (!s->answered) {
			fprintf(fp, "%s\n", s->reason != NULL ? s->reason : "no answer");
			continue;
		}
		if (s->have_serial)
			fprintf(fp, "serial %u, ", s->serial);
		fprintf(fp, "%zu record%s, TTL %u, RRSIGs %s", s->nrecords,
			s->nrecords == 1 ? "" : "s", s->ttl, tlsa_ns_sigs_name(s->sigs));
		if (s->sig_expire != 0)
			fprintf(fp, " (expire in %.1f days)",
				(double)(s->sig_expire - (int64_t)c->now) / 86400.0);
		fputc('\n', fp);
		for (k = 0; cli.verbose > 0 && k < s->nrecords; k++)
			if (s->records[k].record != NULL) {
				char *txt = tlsa_record_to_text(s->records[k].record);

				fprintf(fp, "  %s\n", txt != NULL ? txt : "?");
				free(txt);
			}
	}
}

static void text_target(FILE *fp, const struct check_target *t, const struct check_conf *c)
{
	char where[80], target[300];
	size_t i, naddrs = check_out_addresses(t);

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

		addr_where(a, t->port, where);
		if (!cli.quiet || a->verdict != V_OK)
			fprintf(fp, "%s: %s: %s\n", where, verdict_name(a->verdict),
				a->message != NULL ? a->message : "");
		text_notes(fp, where, &a->notes);
		if (cli.quiet || a->res == NULL || !a->res->handshake)
			continue;
		if (a->res->version[0] != '\0') /* none for --chain */
			fprintf(fp, "  %s, %s\n", a->res->version, a->res->cipher);
		if (a->res->chain != NULL)
			text_chain(fp, a->res);
		if (cli.verbose > 0 && a->verified_with_records)
			text_records(fp, t, a->res);
	}
	if (t->ns != NULL && !cli.quiet)
		text_ns(fp, t, c);
	text_notes(fp, target, &t->notes);
	if (t->ncands > 0)
		text_candidates(fp, t);
	if (c->candidate_only && (!cli.quiet || t->verdict != V_OK))
		fprintf(fp, "%s: %s: %zu of %zu candidate%s match%s the published records\n",
			target, verdict_name(t->verdict), check_out_candidates_matched(t),
			t->ncands, t->ncands == 1 ? "" : "s",
			check_out_candidates_matched(t) == 1 ? "es" : "");
	else if (!cli.quiet || t->verdict != V_OK) {
		if (t->naddr == 0)
			fprintf(fp, "%s: %s\n", target, verdict_name(t->verdict));
		else if (check_out_addresses_ok(t) == naddrs)
			fprintf(fp, "%s: %s: %zu of %zu address%s verified\n", target,
				verdict_name(t->verdict), naddrs, naddrs, naddrs == 1 ? "" : "es");
		else
			fprintf(fp, "%s: %s: %zu of %zu address%s failed\n", target,
				verdict_name(t->verdict), naddrs - check_out_addresses_ok(t),
				naddrs, naddrs == 1 ? "" : "es");
	}
}

/* ---- --mx and --srv ------------------------------------------------------- */

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

/* Does a finding of the MX or SRV lookup set the group's verdict? */
static int lookup_decides(const struct check_group *g)
{
	size_t i;

	for (i = 0; i < g->notes.n; i++)
		if (g->notes.v[i].level == g->verdict && g->verdict != V_OK)
			return 1;
	return 0;
}

static void text_group(FILE *fp, const struct check_group *g, const struct check_conf *c)
{
	const tlsa_dns_answer *a = g->kind == GROUP_MX ? &g->mx->answer : &g->srv->answer;
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
		if (check_out_examined(t))
			text_target(fp, t, c);
		else
			fprintf(fp, "%s:%u: %s: %s\n", t->host, t->port, verdict_name(t->verdict),
				check_out_host_reason(t));
	}
	if (cli.quiet && g->verdict == V_OK)
		return;
	fprintf(fp, "%s%s: %s: ", g->nt > 0 ? "\n" : "", g->name, verdict_name(g->verdict));
	if (g->nt == 0)
		fprintf(fp, "no %s checked\n", g->kind == GROUP_MX ? "MX host" : "SRV target");
	else
		fprintf(fp, "%zu of %zu %s %s%s%s%s\n", g->nt - bad, g->nt,
			g->kind == GROUP_MX ? (g->nt == 1 ? "mail host" : "mail hosts")
					    : (g->nt == 1 ? "SRV target" : "SRV targets"),
			/* --candidate-only verifies no live service */
			c->candidate_only ? "with records that match the candidates" : "verified",
			lookup_decides(g) ? (g->kind == GROUP_MX ? "; the MX lookup makes it "
								 : "; the SRV lookup makes it ")
					  : "",
			lookup_decides(g) ? verdict_name(g->verdict) : "",
			lookup_decides(g) ? " (above)" : "");
}

/* ---- --targets -------------------------------------------------------------- */

static void text_fleet_each(struct fleet_out *out, const struct fleet_result *r)
{
	if (r->problem[0] != '\0')
		fprintf(out->fp, "%s:%u: UNKNOWN: %s\n", r->line.host, r->line.port, r->problem);
	else if (r->is_group)
		text_group(out->fp, &r->g, &r->conf);
	else
		text_target(out->fp, &r->t, &r->conf);
}

static int text_fleet_end(struct fleet_out *out, enum verdict worst)
{
	if (!cli.quiet || worst != V_OK)
		fprintf(out->fp, "%zu target%s: %zu OK, %zu WARNING, %zu CRITICAL, %zu UNKNOWN\n",
			out->total, out->total == 1 ? "" : "s", out->count[V_OK],
			out->count[V_WARNING], out->count[V_CRITICAL], out->count[V_UNKNOWN]);
	return ferror(out->fp) ? -1 : 0;
}

/* The fleet stopped: what was checked so far, and why the rest was not. */
static void text_fleet_discard(struct fleet_out *out, const char *why)
{
	fprintf(out->fp, "%zu of %zu target%s checked: UNKNOWN: %s\n", out->printed, out->total,
		out->total == 1 ? "" : "s", why);
}

const struct check_format check_out_text = {
    .name = "text",
    .target = text_target,
    .group = text_group,
    .fleet_each = text_fleet_each,
    .fleet_end = text_fleet_end,
    .fleet_discard = text_fleet_discard,
};
