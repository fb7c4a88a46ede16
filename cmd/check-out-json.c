/*
 * tlsa check -o json: one document, {"status", "exit", "targets": [...]},
 * a target's object holding its lookups, records, addresses and
 * sessions; a fleet's document adds "counts".  An UNKNOWN says why in
 * "error".
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check-class.h"
#include "check-ns.h"
#include "check-out.h"
#include "check-targets.h"
#include "cli.h"

static void json_str_or_null(FILE *fp, const char *s)
{
	if (s != NULL)
		json_string(fp, s);
	else
		fputs("null", fp);
}

/* ", \"class\": ..." : where a failure lies (check-class.c), null when none. */
static void json_class(FILE *fp, enum fail_class c)
{
	fputs(", \"class\": ", fp);
	json_str_or_null(fp, check_class_name(c));
}

static void json_notes(FILE *fp, const struct notes *ns)
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

static void json_answer(FILE *fp, const tlsa_dns_answer *a)
{
	size_t i;

	fputs("{\"qname\": ", fp);
	json_str_or_null(fp, a->qname);
	fputs(", \"name\": ", fp);
	json_str_or_null(fp, a->name);
	fprintf(fp, ", \"dnssec\": \"%s\"", tlsa_dnssec_name(a->state));
	json_class(fp, check_class_answer(a));
	fputs(", \"reason\": ", fp);
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
	tlsa_cert_info info = TLSA_CERT_INFO_INIT;
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

/* --candidate: whether each matches, or what to publish first. */
static void json_candidates(FILE *fp, const struct check_target *t)
{
	const struct cand_result *cr;
	size_t k, i;

	fputs(", \"candidates\": [", fp);
	for (k = 0; k < t->ncands; k++) {
		cr = &t->cands[k];
		fputs(k > 0 ? ", {\"file\": " : "{\"file\": ", fp);
		json_string(fp, cr->file);
		/* A match that would not validate (check-chain.c) is no better than none. */
		fprintf(fp, ", \"status\": \"%s\", \"matched\": %s, \"validates\": %s",
			cr->rec >= 0 && (cr->valid == NULL || cr->valid->status == TLSA_OK)
			    ? "OK"
			    : "CRITICAL",
			cr->rec >= 0 ? "true" : "false",
			cr->valid == NULL	       ? "null"
			: cr->valid->status == TLSA_OK ? "true"
						       : "false");
		if (cr->valid != NULL && cr->valid->status != TLSA_OK) {
			fputs(", \"validation_error\": ", fp);
			json_string(fp, cr->valid->why);
		}
		fputs(", \"record\": ", fp);
		if (cr->rec >= 0) {
			json_string(fp, t->recs[cr->rec].text);
			fprintf(fp, ", \"depth\": %d, \"issuer_from_live_chain\": %s", cr->depth,
				cr->live_issuer ? "true" : "false");
		} else {
			fputs("null, \"depth\": null", fp);
		}
		fprintf(fp, ", \"records_usable\": %s, \"publish\": [",
			cr->usable ? "true" : "false");
		for (i = 0; i < cr->npublish; i++) {
			fputs(i > 0 ? ", " : "", fp);
			json_string(fp, cr->publish[i]);
		}
		fputs("]}", fp);
	}
	fputs("]", fp);
}

/* The earliest RRSIG expiration: Unix time and seconds left, or nulls. */
static void json_expiry(FILE *fp, const char *prefix, int64_t when, time_t now)
{
	if (when == 0)
		fprintf(fp, "\"%srrsig_expiry\": null, \"%srrsig_expiry_seconds\": null", prefix,
			prefix);
	else
		fprintf(fp, "\"%srrsig_expiry\": %lld, \"%srrsig_expiry_seconds\": %lld", prefix,
			(long long)when, prefix, (long long)(when - (int64_t)now));
}

/* --all-ns: every nameserver address; --candidate readiness. */
static void json_ns(FILE *fp, const struct check_target *t)
{
	const tlsa_ns_result *ns = t->ns;
	time_t now = time(NULL);
	size_t i, k;

	fputs(", ", fp);
	json_expiry(fp, "", t->sig_expire, now);
	if (ns != NULL) {
		fputs(", \"nameservers\": {\"owner\": ", fp);
		json_str_or_null(fp, ns->owner);
		fputs(", \"zone\": ", fp);
		json_str_or_null(fp, ns->zone);
		fputs(", \"reason\": ", fp);
		json_str_or_null(fp, ns->reason);
		fprintf(fp, ", \"dnskey_dnssec\": \"%s\", ", tlsa_dnssec_name(ns->keys_state));
		json_expiry(fp, "dnskey_", ns->keys_sig_expire, now);
		fputs(", \"servers\": [", fp);
		for (i = 0; i < ns->nservers; i++) {
			const tlsa_ns_server *s = &ns->servers[i];

			fputs(i > 0 ? ",\n    {\"name\": " : "\n    {\"name\": ", fp);
			json_string(fp, s->name);
			fputs(", \"address\": ", fp);
			json_str_or_null(fp, s->address[0] != '\0' ? s->address : NULL);
			fprintf(
			    fp,
			    ", \"reachable\": %s, \"answered\": %s, \"rcode\": %d, \"reason\": ",
			    s->reachable ? "true" : "false", s->answered ? "true" : "false",
			    s->rcode);
			json_str_or_null(fp, s->reason);
			fputs(", \"serial\": ", fp);
			if (s->have_serial)
				fprintf(fp, "%u", s->serial);
			else
				fputs("null", fp);
			fprintf(fp, ", \"ttl\": %u, \"same_set\": %s, \"records\": [", s->ttl,
				s->answered && check_ns_same_set(t, s) ? "true" : "false");
			for (k = 0; k < s->nrecords; k++) {
				char *txt = s->records[k].record != NULL
						? tlsa_record_to_text(s->records[k].record)
						: NULL;

				fputs(k > 0 ? ", " : "", fp);
				json_str_or_null(fp, txt);
				free(txt);
			}
			fprintf(fp, "], \"rrsigs\": \"%s\", \"rrsig_reason\": ",
				tlsa_ns_sigs_name(s->sigs));
			json_str_or_null(fp, s->sig_reason);
			fputs(", ", fp);
			json_expiry(fp, "", s->sig_expire, now);
			fputs("}", fp);
		}
		fputs("]}", fp);
	}
	if (t->ncands == 0)
		return;
	fputs(", \"readiness\": [", fp);
	for (k = 0; k < t->ncands; k++) {
		const struct cand_result *cr = &t->cands[k];

		fputs(k > 0 ? ", {\"file\": " : "{\"file\": ", fp);
		json_string(fp, cr->file);
		fprintf(fp, ", \"ready\": %s",
			cr->ready == 1	 ? "\"safe\""
			: cr->ready == 0 ? "\"waiting\""
					 : "null");
		if (cr->ns_known)
			fprintf(fp, ", \"all_nameservers\": %s, \"nameservers_missing\": %zu",
				cr->ns_missing == 0 ? "true" : "false", cr->ns_missing);
		else
			fputs(", \"all_nameservers\": null, \"nameservers_missing\": null", fp);
		fprintf(fp, ", \"ttl\": %u", cr->ttl);
		if (cr->first_seen != 0)
			fprintf(fp,
				", \"first_seen\": %lld, \"safe_at\": %lld, \"seconds_left\": %lld",
				(long long)cr->first_seen, (long long)cr->safe_at,
				(long long)(cr->safe_at > (int64_t)now ? cr->safe_at - (int64_t)now
								       : 0));
		else
			fputs(", \"first_seen\": null, \"safe_at\": null, \"seconds_left\": null",
			      fp);
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
	fputs(", \"key_type\": ", fp);
	json_str_or_null(fp,
			 a->key_type != 0 ? tlsa_key_type_name((tlsa_key_type)a->key_type) : NULL);
	fputs(", \"dnssec\": ", fp);
	if (a->dnssec >= 0)
		fprintf(fp, "\"%s\"", tlsa_dnssec_name((tlsa_dnssec)a->dnssec));
	else
		fputs("null", fp);
	fprintf(fp, ", \"status\": \"%s\"", verdict_name(a->verdict));
	json_class(fp, check_class_addr(t, a));
	fputs(", \"message\": ", fp);
	json_str_or_null(fp, a->message);
	fputs(", \"notes\": ", fp);
	json_notes(fp, &a->notes);
	if (r != NULL) {
		fprintf(fp, ", \"connected\": %s, \"handshake\": %s",
			r->connected ? "true" : "false", r->handshake ? "true" : "false");
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
	/* Another target of the run made this session (check-share.c). */
	if (a->shared)
		fputs(", \"shared\": true", fp);
	if (a->have_days)
		fprintf(fp, ", \"days_left\": %d", a->days_left);
	fputs(", \"records\": ", fp);
	json_records(fp, t, a);
	fputs("}", fp);
}

/* "line": N of a targets file (0: not from one), after the object's first member. */
static void json_line(FILE *fp, unsigned long line)
{
	if (line > 0)
		fprintf(fp, ", \"line\": %lu", line);
}

/*
 * One target's object in "targets" (also a host's of --mx and --srv, and
 * a line of jsonl); line: its line in the targets file, or 0.
 */
void check_json_target_object(FILE *fp, const struct check_target *t, unsigned long line)
{
	size_t i;

	fputs("{\"target\": ", fp);
	json_string(fp, t->host);
	json_line(fp, line);
	fprintf(fp, ", \"port\": %u, \"proto\": ", t->port);
	json_string(fp, t->proto);
	fputs(", \"starttls\": ", fp);
	json_str_or_null(fp, t->starttls != NULL ? tlsa_starttls_name(t->starttls) : NULL);
	fprintf(fp, ", \"status\": \"%s\"", verdict_name(t->verdict));
	json_class(fp, check_class_target(t));
	fprintf(fp, ", \"seconds\": %.3f, \"notes\": ", t->seconds);
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
		json_candidates(fp, t);
	json_ns(fp, t);
	fputs("}", fp);
}

static void json_target(FILE *fp, const struct check_target *t, const struct check_conf *c)
{
	fprintf(fp, "{\"status\": \"%s\", \"exit\": %d, ", verdict_name(t->verdict),
		(int)t->verdict);
	if (c->candidate_only)
		fputs("\"candidate_only\": true, ", fp);
	fputs("\"targets\": [", fp);
	check_json_target_object(fp, t, 0);
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
	fprintf(fp, ", \"port\": %u, \"status\": \"UNKNOWN\", \"class\": \"internal\"}]}\n",
		t->port);
}

/* ---- --mx and --srv ------------------------------------------------------- */

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

/* A group's object in "targets" (and a jsonl line): the domain or owner, its lookup, its hosts. */
void check_json_group_object(FILE *fp, const struct check_group *g, unsigned long line)
{
	size_t i;

	fputs("{\"target\": ", fp);
	json_string(fp, g->name);
	json_line(fp, line);
	fprintf(fp, ", \"kind\": \"%s\", \"status\": \"%s\"", g->kind == GROUP_MX ? "mx" : "srv",
		verdict_name(g->verdict));
	json_class(fp, check_class_group(g));
	fprintf(fp, ", \"seconds\": %.3f, \"notes\": ", g->seconds);
	json_notes(fp, &g->notes);
	json_lookup(fp, g);
	fputs(", \"hosts\": [", fp);
	for (i = 0; i < g->nt; i++) {
		const struct check_target *t = &g->t[i];

		fputs(i > 0 ? ",\n  {\"host\": " : "\n  {\"host\": ", fp);
		json_string(fp, t->host);
		fprintf(fp, ", \"%s\": %d, \"implicit\": %s, \"port\": %u, \"status\": \"%s\"",
			g->kind == GROUP_MX ? "preference" : "priority", t->preference,
			g->ep[i].implicit ? "true" : "false", t->port, verdict_name(t->verdict));
		json_class(fp, check_class_target(t));
		fputs(", \"check\": ", fp);
		if (check_out_examined(t)) {
			check_json_target_object(fp, t, 0);
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
	fprintf(fp, "{\"status\": \"%s\", \"exit\": %d, \"targets\": [", verdict_name(g->verdict),
		(int)g->verdict);
	check_json_group_object(fp, g, 0);
	fputs("]}\n", fp);
}

/* ---- --targets -------------------------------------------------------------- */

static int json_fleet_begin(struct fleet_out *out)
{
	fputs("{\"targets\": [", out->fp);
	return 0;
}

void check_json_unknown_object(FILE *fp, const char *name, unsigned long line, int mx,
			       unsigned port, const char *why)
{
	fputs("{\"target\": ", fp);
	json_str_or_null(fp, name);
	json_line(fp, line);
	if (mx)
		fputs(", \"kind\": \"mx\"", fp);
	if (name != NULL)
		fprintf(fp, ", \"port\": %u", port);
	fputs(", \"status\": \"UNKNOWN\"", fp);
	/* A target that could not be checked at all: the check's own failure. */
	if (name != NULL)
		json_class(fp, CLASS_INTERNAL);
	fputs(", \"error\": ", fp);
	json_string(fp, why);
	fputs("}", fp);
}

void check_json_result_object(FILE *fp, const struct fleet_result *r)
{
	if (r->problem[0] != '\0')
		check_json_unknown_object(fp, r->line.host, r->line.lineno, r->line.mx,
					  r->line.port, r->problem);
	else if (r->is_group)
		check_json_group_object(fp, &r->g, r->line.lineno);
	else
		check_json_target_object(fp, &r->t, r->line.lineno);
}

static void json_fleet_each(struct fleet_out *out, const struct fleet_result *r)
{
	fputs(out->printed > 0 ? ",\n" : "\n", out->fp);
	check_json_result_object(out->fp, r);
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
		fprintf(out->fp, "%s\"%s\": %zu", i > 0 ? ", " : "", verdict_name((enum verdict)i),
			out->count[i]);
	fputs("}}\n", out->fp);
	return ferror(out->fp) ? -1 : 0;
}

static int json_fleet_end(struct fleet_out *out, enum verdict worst)
{
	return json_close(out, worst, NULL);
}

/* The targets printed so far, and why the rest are not: still one JSON document. */
static void json_fleet_discard(struct fleet_out *out, const char *why)
{
	json_close(out, V_UNKNOWN, why);
}

const struct check_format check_out_json = {
    .name = "json",
    .target = json_target,
    .unknown = json_unknown,
    .group = json_group,
    .fleet_begin = json_fleet_begin,
    .fleet_each = json_fleet_each,
    .fleet_end = json_fleet_end,
    .fleet_discard = json_fleet_discard,
};
