/*
 * tlsa check -o prometheus: the text exposition format (version 0.0.4),
 * for node_exporter's textfile collector.
 *
 * Owns: metric and label names, HELP and TYPE lines, label escaping, and
 * keeping each metric family's samples together.  The format wants every
 * sample of a family after its HELP and TYPE lines, while a fleet yields
 * its targets one at a time: each family collects its samples in a stream
 * of its own (a temporary file for a fleet, memory for one target), and
 * prom_write() prints the families one after the other at the end.
 * Decides nothing: the verdicts are check-policy.c's.
 *
 * Metrics (the man page's table says the same):
 *   tlsa_check_status{target,port}                   0 OK .. 3 UNKNOWN
 *   tlsa_check_address_status{target,port,address,key_type}   0 OK .. 3 UNKNOWN
 *   tlsa_certificate_expiry_seconds{...,address}     until notAfter of the
 *                                                    certificate in use
 *   tlsa_record_matched{...,address,record}          1 matched, else 0
 *   tlsa_record_known{target,port,record}            1 describes a certificate
 *                                                    presented or a candidate,
 *                                                    0 nothing known (stale)
 *   tlsa_dnssec_state{target,port,state}             1 for the TLSA lookup's
 *                                                    state, 0 for the others
 *   tlsa_check_duration_seconds{target,port}
 *   tlsa_mail_domain_status{domain}                  an --mx line's verdict
 *   tlsa_srv_status{service}                         an --srv owner's verdict
 *   tlsa_rrsig_expiry_seconds{target,port}          until the earliest RRSIG
 *                                                    over the TLSA records
 *   tlsa_ns_up{target,port,ns,address}               --all-ns: 1 answered
 *   tlsa_ns_serial, tlsa_ns_same_set, tlsa_ns_rrsig_valid,
 *   tlsa_ns_rrsig_expiry_seconds{...,ns,address}     --all-ns, per address
 *   tlsa_candidate_ready{target,port,candidate}      --state: 1 safe, 0 waiting
 *   tlsa_check_last_run_timestamp_seconds
 * A host of a mail domain (--mx) also carries domain="...", a target of an
 * SRV owner (--srv) service="...".  The status samples of what is not OK
 * carry class="dns" (tcp, starttls, tls, dane, pkix, internal): where the
 * failure lies (check-class.c).  Address samples carry key_type="RSA"
 * (ECDSA, Ed25519, Ed448) for the certificate checked, one series per
 * key type a server offers; none when no certificate was seen.
 */
#include "config.h"

#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check-class.h"
#include "check-ns.h"
#include "check-out.h"
#include "check-targets.h"
#include "cli.h"

enum family {
	F_STATUS,
	F_ADDR_STATUS,
	F_EXPIRY,
	F_MATCHED,
	F_KNOWN,
	F_DNSSEC,
	F_DURATION,
	F_GROUP,
	F_SRV,
	F_RRSIG_EXPIRY,
	F_NS_UP,
	F_NS_SERIAL,
	F_NS_SAME,
	F_NS_RRSIG_VALID,
	F_NS_RRSIG_EXPIRY,
	F_CAND_READY,
	F_COUNT
};

static const struct {
	const char *name, *help;
} families[F_COUNT] = {
    {"tlsa_check_status",
     "Verdict of the DANE check of a target: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN."},
    {"tlsa_check_address_status",
     "Verdict for one address of a target: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN."},
    {"tlsa_certificate_expiry_seconds",
     "Seconds until the certificate in use that expires first (leaf up to the "
     "matched depth) expires; negative once expired."},
    {"tlsa_record_matched",
     "1 when the published TLSA record authenticated the address's chain, else 0."},
    {"tlsa_record_known",
     "1 when the published TLSA record matches a certificate some address presented "
     "or a --candidate (a backup, the next or another key type), 0 when it matches "
     "nothing known."},
    {"tlsa_dnssec_state",
     "DNSSEC state of the TLSA lookup: 1 for the state it had, 0 for the others."},
    {"tlsa_check_duration_seconds", "Wall time of the check of a target, in seconds."},
    {"tlsa_mail_domain_status",
     "Verdict of a mail domain (--mx): its MX lookup and the worst of its hosts, 0 OK .. "
     "3 UNKNOWN."},
    {"tlsa_srv_status",
     "Verdict of an SRV service (--srv): its SRV lookup and the worst of its targets, 0 OK "
     ".. 3 UNKNOWN."},
    {"tlsa_rrsig_expiry_seconds",
     "Seconds until the earliest RRSIG over the TLSA records (with --all-ns: on any "
     "nameserver, and over the zone's DNSKEY records) expires."},
    {"tlsa_ns_up",
     "1 when the authoritative nameserver address answered the TLSA query (--all-ns), "
     "else 0."},
    {"tlsa_ns_serial", "SOA serial the authoritative nameserver address serves (--all-ns)."},
    {"tlsa_ns_same_set",
     "1 when the nameserver address serves the TLSA set the resolver gave (--all-ns), "
     "else 0."},
    {"tlsa_ns_rrsig_valid",
     "1 when the nameserver's RRSIGs over the TLSA records validate against the zone's "
     "DNSKEY set, 0 when they do not or are missing (--all-ns)."},
    {"tlsa_ns_rrsig_expiry_seconds",
     "Seconds until the earliest RRSIG over the TLSA records the nameserver serves "
     "expires (--all-ns)."},
    {"tlsa_candidate_ready",
     "1 when a --candidate's record has been served by every nameserver for 2 x TTL "
     "(--state: safe to deploy), 0 while waiting."},
};

struct prom {
	FILE *fam[F_COUNT];
	char *buf[F_COUNT]; /* in memory: open_memstream's buffers */
	size_t len[F_COUNT];
	int in_memory[F_COUNT]; /* 1: an open_memstream (buf, len), else a tmpfile */
	void *seen;		/* tsearch tree of the label sets written (series keys) */
};

static void prom_free(struct prom *pm);

static struct prom *prom_new(int on_disk)
{
	struct prom *pm = calloc(1, sizeof(*pm));
	int i;

	if (pm == NULL)
		return NULL;
	for (i = 0; i < F_COUNT; i++) {
		/* With /tmp full or read-only a fleet's samples wait in memory. */
		pm->fam[i] = on_disk ? tmpfile() : NULL;
		if (pm->fam[i] == NULL) {
			pm->fam[i] = open_memstream(&pm->buf[i], &pm->len[i]);
			pm->in_memory[i] = 1;
		}
		if (pm->fam[i] == NULL) {
			prom_free(pm);
			return NULL;
		}
	}
	return pm;
}

static void prom_free(struct prom *pm)
{
	int i;

	if (pm == NULL)
		return;
	for (i = 0; i < F_COUNT; i++) {
		if (pm->fam[i] != NULL)
			fclose(pm->fam[i]);
		free(pm->buf[i]);
	}
	tdestroy(pm->seen, free);
	free(pm);
}

/* A label value: backslash, double quote and newline escaped. */
static void label_value(FILE *fp, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\')
			fputs("\\\\", fp);
		else if (*s == '"')
			fputs("\\\"", fp);
		else if (*s == '\n')
			fputs("\\n", fp);
		else
			fputc(*s, fp);
	}
}

/* The sample's class label, when there is a failure to place, and its value. */
static void class_value(FILE *fp, enum fail_class c, int value)
{
	if (check_class_name(c) != NULL)
		fprintf(fp, ",class=\"%s\"", check_class_name(c));
	fprintf(fp, "} %d\n", value);
}

/* A sample of family f begins: its name, into that family's stream. */
static FILE *start(struct prom *pm, int f)
{
	fputs(families[f].name, pm->fam[f]);
	return pm->fam[f];
}

/* A name as a label value, without the trailing dot of an absolute name. */
static void name_value(FILE *fp, const char *name)
{
	size_t n = strlen(name);

	if (n > 1 && name[n - 1] == '.') {
		char buf[256];

		snprintf(buf, sizeof(buf), "%.*s", (int)(n - 1), name);
		if (n - 1 < sizeof(buf)) {
			label_value(fp, buf);
			return;
		}
	}
	label_value(fp, name);
}

/* The group a host belongs to, as a label: domain="..." or service="...". */
struct glabel {
	const char *name, *value;
};

static int key_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* A name as name_value() writes it: without the trailing dot. */
static int bare_len(const char *name)
{
	size_t n = strlen(name);

	return (int)(n > 1 && name[n - 1] == '.' ? n - 1 : n);
}

/*
 * Whether samples with these labels were written already, as they are
 * when a fleet lists a target (or a mail domain) twice: node_exporter
 * refuses a whole file with a repeated series, so the second is left out,
 * with a warning.  0 new (and now recorded), 1 seen before, -1 out of memory.
 */
static int seen_before(struct prom *pm, const char *host, unsigned port, const struct glabel *gl)
{
	char *key, **found;

	if (asprintf(&key, "%.*s|%u|%s|%.*s", bare_len(host), host, port, gl ? gl->name : "",
		     gl ? bare_len(gl->value) : 0, gl ? gl->value : "") < 0)
		return -1;
	found = tsearch(key, &pm->seen, key_cmp);
	if (found == NULL) {
		free(key);
		return -1;
	}
	if (*found != key) {
		free(key);
		if (gl != NULL && port == 0)
			cli_warn("%s %.*s is listed more than once: its samples are written once",
				 strcmp(gl->name, "domain") == 0 ? "mail domain" : "SRV service",
				 bare_len(gl->value), gl->value);
		else
			cli_warn("%.*s:%u%s%.*s is listed more than once: its samples are written "
				 "once",
				 bare_len(host), host, port, gl ? " of " : "",
				 gl ? bare_len(gl->value) : 0, gl ? gl->value : "");
		return 1;
	}
	return 0;
}

/*
 * The labels every sample of a target carries, without the closing brace.
 * Names are written without a trailing dot, whether they came from the
 * command line or from DNS (an MX host), so one host has one label value.
 */
static void target_labels(FILE *fp, const char *host, unsigned port, const struct glabel *gl)
{
	fputs("{target=\"", fp);
	name_value(fp, host);
	fprintf(fp, "\",port=\"%u\"", port);
	if (gl != NULL) {
		fprintf(fp, ",%s=\"", gl->name);
		name_value(fp, gl->value);
		fputc('"', fp);
	}
}

static void addr_labels(FILE *fp, const struct check_target *t, const struct glabel *gl,
			const struct check_addr *a)
{
	target_labels(fp, t->host, t->port, gl);
	fputs(",address=\"", fp);
	label_value(fp, a->address);
	fputc('"', fp);
	/* One series per certificate of a server that holds several. */
	if (a->key_type != 0)
		fprintf(fp, ",key_type=\"%s\"", tlsa_key_type_name((tlsa_key_type)a->key_type));
}

/*
 * A record as a label: "3 1 1 <hex>".  Full certificates (matching type 0)
 * would make labels kilobytes long: their data is shortened to its first
 * and last 24 hex digits, which still tells records apart (the end of a
 * certificate is its signature).
 */
static void record_label(FILE *fp, const char *text)
{
	const char *hex = strrchr(text, ' ');
	size_t n = hex != NULL ? strlen(hex + 1) : 0;

	fputs(",record=\"", fp);
	if (n <= 128) {
		label_value(fp, text);
	} else {
		fprintf(fp, "%.*s%.24s...%s", (int)(hex + 1 - text), text, hex + 1,
			hex + 1 + n - 24);
	}
	fputc('"', fp);
}

/* Seconds until the first notAfter among the certificates in use; 0 when none known. */
static int expiry_seconds(const tlsa_verify_result *r, time_t now, long long *out)
{
	size_t d, last, n;
	time_t nb, na;
	int have = 0;

	if (r == NULL || r->chain == NULL || (n = tlsa_input_count(r->chain)) == 0)
		return 0;
	/* The certificates the match relied on; the leaf alone when none matched. */
	last = r->match_depth > 0 ? (size_t)r->match_depth : 0;
	for (d = 0; d <= last && d < n; d++) {
		if (tlsa_input_validity(r->chain, d, &nb, &na) != TLSA_OK)
			continue;
		if (!have || (long long)(na - now) < *out)
			*out = (long long)(na - now);
		have = 1;
	}
	return have;
}

static void address_samples(struct prom *pm, const struct check_target *t,
			    const struct check_conf *c, const struct glabel *gl,
			    const struct check_addr *a)
{
	const tlsa_rec_result *rr;
	long long secs = 0;
	size_t i;
	int matched;

	addr_labels(start(pm, F_ADDR_STATUS), t, gl, a);
	class_value(pm->fam[F_ADDR_STATUS], check_class_addr(t, a), (int)a->verdict);
	if (expiry_seconds(a->res, c->now, &secs)) {
		addr_labels(start(pm, F_EXPIRY), t, gl, a);
		fprintf(pm->fam[F_EXPIRY], "} %lld\n", secs);
	}
	for (i = 0; i < t->nrecs; i++) {
		matched = 0;
		if (t->recs[i].slot >= 0 && a->verified_with_records && a->res != NULL &&
		    a->res->records != NULL) {
			rr = &a->res->records[t->recs[i].slot];
			matched = rr->state == TLSA_REC_MATCHED;
		}
		addr_labels(start(pm, F_MATCHED), t, gl, a);
		record_label(pm->fam[F_MATCHED], t->recs[i].text);
		fprintf(pm->fam[F_MATCHED], "} %d\n", matched);
	}
}

/*
 * Whether record i describes something the site has: a certificate some
 * address presented (matched or not: another address's, another key
 * type's), or a --candidate.  A valid record that no session used is then
 * told apart from a stale one that matches nothing.
 */
static int record_known(const struct check_target *t, size_t i)
{
	const tlsa_rec_result *rr;
	size_t k;

	if (t->recs[i].slot < 0)
		return 0;
	if (t->recs[i].cand_match)
		return 1;
	for (k = 0; k < t->naddr; k++) {
		if (!t->addr[k].verified_with_records || t->addr[k].res == NULL ||
		    t->addr[k].res->records == NULL)
			continue;
		rr = &t->addr[k].res->records[t->recs[i].slot];
		if (rr->state == TLSA_REC_MATCHED || rr->presented >= 0)
			return 1;
	}
	return 0;
}

/* --all-ns, --sig-warn-days, --state: the tlsa_ns_* series and their kin. */
static void ns_samples(struct prom *pm, const struct check_target *t, const struct check_conf *c,
		       const struct glabel *gl)
{
	const tlsa_ns_result *ns = t->ns;
	size_t i;
	FILE *fp;

	if (t->sig_expire != 0) {
		target_labels(start(pm, F_RRSIG_EXPIRY), t->host, t->port, gl);
		fprintf(pm->fam[F_RRSIG_EXPIRY], "} %lld\n",
			(long long)(t->sig_expire - (int64_t)c->now));
	}
	for (i = 0; ns != NULL && i < ns->nservers; i++) {
		const tlsa_ns_server *s = &ns->servers[i];
		int f;

		if (s->address[0] == '\0')
			continue;
		for (f = F_NS_UP; f <= F_NS_RRSIG_EXPIRY; f++) {
			if ((f == F_NS_SERIAL && !s->have_serial) ||
			    (f == F_NS_SAME && !s->answered) ||
			    (f == F_NS_RRSIG_VALID && (!s->answered || s->nrecords == 0 ||
						       s->sigs == TLSA_NS_SIGS_UNCHECKED)) ||
			    (f == F_NS_RRSIG_EXPIRY && s->sig_expire == 0))
				continue;
			fp = start(pm, f);
			target_labels(fp, t->host, t->port, gl);
			fputs(",ns=\"", fp);
			name_value(fp, s->name);
			fputs("\",address=\"", fp);
			label_value(fp, s->address);
			fputs("\"} ", fp);
			switch (f) {
			case F_NS_UP: fprintf(fp, "%d\n", s->answered != 0); break;
			case F_NS_SERIAL: fprintf(fp, "%u\n", s->serial); break;
			case F_NS_SAME: fprintf(fp, "%d\n", check_ns_same_set(t, s)); break;
			case F_NS_RRSIG_VALID:
				fprintf(fp, "%d\n", s->sigs == TLSA_NS_SIGS_VALID);
				break;
			default:
				fprintf(fp, "%lld\n", (long long)(s->sig_expire - (int64_t)c->now));
				break;
			}
		}
	}
	for (i = 0; i < t->ncands; i++) {
		if (t->cands[i].ready < 0)
			continue;
		fp = start(pm, F_CAND_READY);
		target_labels(fp, t->host, t->port, gl);
		fputs(",candidate=\"", fp);
		label_value(fp, t->cands[i].file);
		fprintf(fp, "\"} %d\n", t->cands[i].ready);
	}
}

static int target_samples(struct prom *pm, const struct check_target *t, const struct check_conf *c,
			  const struct glabel *gl)
{
	static const tlsa_dnssec states[] = {TLSA_DNSSEC_SECURE, TLSA_DNSSEC_INSECURE,
					     TLSA_DNSSEC_BOGUS, TLSA_DNSSEC_INDETERMINATE};
	size_t i;
	int k;

	k = seen_before(pm, t->host, t->port, gl);
	if (k != 0)
		return k < 0 ? -1 : 0;
	target_labels(start(pm, F_STATUS), t->host, t->port, gl);
	class_value(pm->fam[F_STATUS], check_class_target(t), (int)t->verdict);
	for (i = 0; i < t->naddr; i++)
		address_samples(pm, t, c, gl, &t->addr[i]);
	for (i = 0; i < t->nrecs; i++) {
		target_labels(start(pm, F_KNOWN), t->host, t->port, gl);
		record_label(pm->fam[F_KNOWN], t->recs[i].text);
		fprintf(pm->fam[F_KNOWN], "} %d\n", record_known(t, i));
	}
	if (t->source == SRC_DNS && t->tlsa != NULL)
		for (k = 0; k < 4; k++) {
			target_labels(start(pm, F_DNSSEC), t->host, t->port, gl);
			fprintf(pm->fam[F_DNSSEC], ",state=\"%s\"} %d\n",
				tlsa_dnssec_name(states[k]), t->tlsa->answer.state == states[k]);
		}
	ns_samples(pm, t, c, gl);
	target_labels(start(pm, F_DURATION), t->host, t->port, gl);
	fprintf(pm->fam[F_DURATION], "} %.3f\n", t->seconds);
	for (k = 0; k < F_COUNT; k++)
		if (ferror(pm->fam[k]))
			return -1;
	return 0;
}

static int prom_target(struct prom *pm, const struct check_target *t, const struct check_conf *c)
{
	return target_samples(pm, t, c, NULL);
}

static int prom_unknown(struct prom *pm, const char *host, unsigned port)
{
	int k = seen_before(pm, host, port, NULL);

	if (k != 0)
		return k < 0 ? -1 : 0;
	target_labels(start(pm, F_STATUS), host, port, NULL);
	class_value(pm->fam[F_STATUS], CLASS_INTERNAL, (int)V_UNKNOWN);
	return ferror(pm->fam[F_STATUS]) ? -1 : 0;
}

/* The group's own verdict, then each of its hosts labelled with the group. */
static int prom_group(struct prom *pm, const struct check_group *g, const struct check_conf *c)
{
	struct glabel gl;
	int f = g->kind == GROUP_MX ? F_GROUP : F_SRV;
	size_t i;
	int rc = 0;

	gl.name = g->kind == GROUP_MX ? "domain" : "service";
	gl.value = g->name;
	/* A group's own series: its name, with port 0, which no target has. */
	rc = seen_before(pm, "", 0, &gl);
	if (rc != 0)
		return rc < 0 ? -1 : 0;
	fprintf(start(pm, f), "{%s=\"", gl.name);
	name_value(pm->fam[f], g->name);
	fputc('"', pm->fam[f]);
	class_value(pm->fam[f], check_class_group(g), (int)g->verdict);
	for (i = 0; i < g->nt; i++)
		rc |= target_samples(pm, &g->t[i], c, &gl);
	return ferror(pm->fam[f]) || rc ? -1 : 0;
}

/* A group that could not be expanded: its status alone. */
static int prom_group_unknown(struct prom *pm, int mx, const char *name)
{
	int f = mx ? F_GROUP : F_SRV;
	struct glabel gl = {mx ? "domain" : "service", name};
	int k = seen_before(pm, "", 0, &gl);

	if (k != 0)
		return k < 0 ? -1 : 0;

	fprintf(start(pm, f), "{%s=\"", mx ? "domain" : "service");
	name_value(pm->fam[f], name);
	fputc('"', pm->fam[f]);
	class_value(pm->fam[f], CLASS_INTERNAL, (int)V_UNKNOWN);
	return ferror(pm->fam[f]) ? -1 : 0;
}

/* Every family, HELP and TYPE first; then the run's timestamp. */
static int prom_write(struct prom *pm, FILE *fp)
{
	char chunk[8192];
	size_t n;
	int i;

	for (i = 0; i < F_COUNT; i++) {
		if (fflush(pm->fam[i]) != 0 || ferror(pm->fam[i]))
			return -1;
		if (ftell(pm->fam[i]) == 0)
			continue; /* a family without samples is left out */
		fprintf(fp, "# HELP %s %s\n# TYPE %s gauge\n", families[i].name, families[i].help,
			families[i].name);
		if (pm->in_memory[i]) {
			fwrite(pm->buf[i], 1, pm->len[i], fp);
			continue;
		}
		rewind(pm->fam[i]);
		while ((n = fread(chunk, 1, sizeof(chunk), pm->fam[i])) > 0)
			fwrite(chunk, 1, n, fp);
		if (ferror(pm->fam[i]))
			return -1;
	}
	fputs("# HELP tlsa_check_last_run_timestamp_seconds Unix time at which the check run "
	      "finished.\n"
	      "# TYPE tlsa_check_last_run_timestamp_seconds gauge\n",
	      fp);
	fprintf(fp, "tlsa_check_last_run_timestamp_seconds %lld\n", (long long)time(NULL));
	return ferror(fp) ? -1 : 0;
}

/* ---- the hooks for one target and one group ---------------------------------- */

static void prom_print_target(FILE *fp, const struct check_target *t, const struct check_conf *c)
{
	struct prom *pm = prom_new(0);

	if (pm == NULL || prom_target(pm, t, c) != 0 || prom_write(pm, fp) != 0)
		fputs("# tlsa check: out of memory\n", fp);
	prom_free(pm);
}

/* The reason is on stderr; a comment keeps it next to the sample. */
static void why_comment(FILE *fp, const char *why)
{
	fputs("# tlsa check: ", fp);
	for (; *why != '\0'; why++)
		fputc(*why == '\n' ? ' ' : *why, fp);
	fputc('\n', fp);
}

static void prom_print_unknown(FILE *fp, const struct check_target *t, const char *why)
{
	struct prom *pm;

	/*
	 * A usage error before any target: nothing, as when a fleet stops,
	 * so that a textfile collector keeps the last whole exposition.
	 */
	if (t->host == NULL)
		return;
	pm = prom_new(0);
	why_comment(fp, why);
	if (pm == NULL || prom_unknown(pm, t->host, t->port) != 0 || prom_write(pm, fp) != 0)
		fputs("# tlsa check: out of memory\n", fp);
	prom_free(pm);
}

/* A --mx or --srv group that could not be checked: its own series says 3. */
static void prom_print_group_unknown(FILE *fp, int mx, const char *name, const char *why)
{
	struct prom *pm = prom_new(0);

	why_comment(fp, why);
	if (pm == NULL || prom_group_unknown(pm, mx, name) != 0 || prom_write(pm, fp) != 0)
		fputs("# tlsa check: out of memory\n", fp);
	prom_free(pm);
}

/* A whole --mx or --srv group. */
static void prom_print_group(FILE *fp, const struct check_group *g, const struct check_conf *c)
{
	struct prom *pm = prom_new(0);

	if (pm == NULL || prom_group(pm, g, c) != 0 || prom_write(pm, fp) != 0)
		fputs("# tlsa check: out of memory\n", fp);
	prom_free(pm);
}

/* ---- --targets -------------------------------------------------------------- */

static int prom_fleet_begin(struct fleet_out *out)
{
	out->state = prom_new(1);
	return out->state != NULL ? 0 : -1;
}

static void prom_fleet_each(struct fleet_out *out, const struct fleet_result *r)
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
static void prom_fleet_discard(struct fleet_out *out, const char *why)
{
	(void)why;
	prom_free(out->state);
	out->state = NULL;
}

static int prom_fleet_end(struct fleet_out *out, enum verdict worst)
{
	int rc;

	(void)worst;
	rc = prom_write(out->state, out->fp);
	prom_fleet_discard(out, NULL);
	return rc;
}

const struct check_format check_out_prometheus = {
    .name = "prometheus",
    .target = prom_print_target,
    .unknown = prom_print_unknown,
    .group = prom_print_group,
    .group_unknown = prom_print_group_unknown,
    .fleet_begin = prom_fleet_begin,
    .fleet_each = prom_fleet_each,
    .fleet_end = prom_fleet_end,
    .fleet_discard = prom_fleet_discard,
};
