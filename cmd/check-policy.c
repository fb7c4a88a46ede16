/*
 * tlsa check: the policy.  The one place that decides what is OK,
 * WARNING, CRITICAL or UNKNOWN (the contract's rules), and words each
 * finding for an admin.  Nothing here talks to the network or prints.
 *
 * - OK: secure TLSA records exist and every address presented a chain
 *   that OpenSSL matched against a usable record.
 * - WARNING: all matched, but: a certificate in use expires within
 *   --warn-days (or has expired under DANE-EE, which ignores expiry),
 *   unusable or ignored records in the set, only one key published so no
 *   rollover is possible (an end-entity match and no other usable record
 *   describing another key or an issuer), or records accepted with
 *   --insecure.
 * - CRITICAL: any address failed (no match, handshake, STARTTLS, refused,
 *   timed out), a bogus lookup, or no secure TLSA records.
 * - UNKNOWN: the check could not run (a DNS lookup produced no answer, or
 *   one whose signatures nobody validated; internal error).  Usage errors
 *   never get here.
 * With --single-key-ok one key published is no WARNING.  With
 * --candidate-only there are no addresses: the DNS findings and the
 * candidates (no match is CRITICAL) are the verdict.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-ns.h"
#include "check-policy.h"
#include "cli.h"

const char *verdict_name(enum verdict v)
{
	switch (v) {
	case V_OK: return "OK";
	case V_WARNING: return "WARNING";
	case V_CRITICAL: return "CRITICAL";
	case V_UNKNOWN: return "UNKNOWN";
	}
	return "UNKNOWN";
}

/* A failure we saw beats a check we could not make. */
static int rank(enum verdict v)
{
	switch (v) {
	case V_OK: return 0;
	case V_WARNING: return 1;
	case V_UNKNOWN: return 2;
	case V_CRITICAL: return 3;
	}
	return 2;
}

enum verdict verdict_worse(enum verdict a, enum verdict b)
{
	return rank(a) >= rank(b) ? a : b;
}

/* One note of level and class, its text as printf formats it. */
static int notes_vadd(struct notes *ns, enum verdict level, enum fail_class cls, const char *fmt,
		      va_list ap) __attribute__((format(printf, 4, 0)));
static int notes_vadd(struct notes *ns, enum verdict level, enum fail_class cls, const char *fmt,
		      va_list ap)
{
	struct note *nv;
	char *text;

	if (vasprintf(&text, fmt, ap) < 0)
		return -1;
	nv = realloc(ns->v, (ns->n + 1) * sizeof(*nv));
	if (nv == NULL) {
		free(text);
		return -1;
	}
	ns->v = nv;
	ns->v[ns->n].level = level;
	ns->v[ns->n].cls = cls;
	ns->v[ns->n].text = text;
	ns->n++;
	return 0;
}

int notes_add(struct notes *ns, enum verdict level, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = notes_vadd(ns, level, CLASS_NONE, fmt, ap);
	va_end(ap);
	return rc;
}

int notes_add_class(struct notes *ns, enum verdict level, enum fail_class cls, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = notes_vadd(ns, level, cls, fmt, ap);
	va_end(ap);
	return rc;
}

void notes_free(struct notes *ns)
{
	size_t i;

	for (i = 0; i < ns->n; i++)
		free(ns->v[i].text);
	free(ns->v);
	ns->v = NULL;
	ns->n = 0;
}

void addr_port(const char *address, unsigned port, char buf[64])
{
	if (strncmp(address, "file:", 5) == 0) /* --chain FILE: no address, no port */
		snprintf(buf, 64, "%s", address + 5);
	else if (strchr(address, ':') != NULL)
		snprintf(buf, 64, "[%s]:%u", address, port);
	else
		snprintf(buf, 64, "%s:%u", address, port);
}

void addr_where(const struct check_addr *a, unsigned port, char buf[80])
{
	char ap[64];

	addr_port(a->address, port, ap);
	if (a->several)
		snprintf(buf, 80, "%s %s", ap, tlsa_key_type_name((tlsa_key_type)a->key_type));
	else
		snprintf(buf, 80, "%s", ap);
}

static enum verdict worst_note(const struct notes *ns)
{
	enum verdict v = V_OK;
	size_t i;

	for (i = 0; i < ns->n; i++)
		v = verdict_worse(v, ns->v[i].level);
	return v;
}

/*
 * A lookup that produced no answer (no server answered it, or a query it
 * needed), or one that carries signatures the resolver did not validate:
 * DNS said nothing wrong, the check could not be made (UNKNOWN).
 */
static int dns_unknown(const tlsa_dns_answer *a)
{
	return a->qtype != 0 && a->state == TLSA_DNSSEC_INDETERMINATE &&
	       (!a->answered || a->unanswered || a->unvalidated);
}

/* What to do about it, after the reason. */
static const char *dns_hint(const tlsa_dns_answer *a)
{
	return a->unvalidated ? "; use a validating resolver (--resolver), or validate here "
				"with --trust-anchor FILE"
			      : "";
}

/*
 * Before any session: may the records be used?  Sets t->use_records and
 * notes what DNS said.  Called by check-examine.c so that untrusted records are
 * never handed to a session.
 */
int check_records_trust(struct check_target *t, const struct check_conf *c)
{
	const tlsa_dns_answer *a;
	const char *owner;
	size_t i;
	int rc = 0;

	t->use_records = 0;
	for (i = 0; i < t->nrecs; i++)
		if (t->recs[i].rec == NULL)
			rc |= notes_add_class(&t->notes, V_WARNING, CLASS_DANE,
					      "TLSA record %zu is malformed: %zu bytes of rdata",
					      i + 1, t->recs[i].rdlen);
	if (t->source == SRC_GIVEN) {
		/* A --tlsa-file whose every record is for another owner: none for this one. */
		if (t->nrecs == 0)
			return rc |
			       notes_add_class(&t->notes, V_CRITICAL, CLASS_DANE,
					       "no TLSA records for _%u._%s.%s%s in %s (%zu for "
					       "other owners skipped)",
					       t->port, t->proto, t->host,
					       t->host[strlen(t->host) - 1] == '.' ? "" : ".",
					       t->source_file != NULL ? t->source_file : "--tlsa",
					       t->skipped);
		t->use_records = 1;
		return rc;
	}
	a = &t->tlsa->answer;
	owner = t->tlsa->owner;
	if (t->tlsa->host_answer.ncnames > 0)
		rc |=
		    notes_add(&t->notes, V_OK, "%s is an alias of %s (%s); TLSA base domain %s",
			      t->tlsa->host, t->tlsa->expanded,
			      t->tlsa->expansion_secure ? "secure" : "not secure", t->base_domain);
	if (a->ncnames > 0 && a->name != NULL)
		rc |= notes_add(&t->notes, V_OK, "TLSA owner %s is an alias of %s", owner, a->name);
	/* Without the host's expansion the TLSA base domain is unknown. */
	if (dns_unknown(&t->tlsa->host_answer))
		return rc |
		       notes_add(&t->notes, V_UNKNOWN,
				 "lookup of %s (for its CNAME expansion): %s%s", t->tlsa->host,
				 t->tlsa->host_answer.reason != NULL ? t->tlsa->host_answer.reason
								     : "no answer",
				 dns_hint(&t->tlsa->host_answer));
	switch (a->state) {
	case TLSA_DNSSEC_BOGUS:
		return rc | notes_add(&t->notes, V_CRITICAL, "TLSA lookup bogus (%s) at %s",
				      a->reason != NULL ? a->reason : "validation failed", owner);
	case TLSA_DNSSEC_INDETERMINATE:
		if (dns_unknown(a))
			return rc |
			       notes_add(&t->notes, V_UNKNOWN, "TLSA lookup at %s: %s%s", owner,
					 a->reason != NULL ? a->reason : "no DNS server answered",
					 dns_hint(a));
		return rc | notes_add(&t->notes, V_CRITICAL, "TLSA lookup failed at %s (%s)", owner,
				      a->reason != NULL ? a->reason : "no usable answer");
	case TLSA_DNSSEC_INSECURE:
		if (t->nrecs == 0)
			return rc | notes_add(&t->notes, V_CRITICAL,
					      "no TLSA records at %s, and the zone is not signed "
					      "(insecure)",
					      owner);
		if (!c->insecure)
			return rc |
			       notes_add(&t->notes, V_CRITICAL,
					 "TLSA records at %s are insecure (not DNSSEC-signed); "
					 "DANE needs signed records (--insecure accepts them)",
					 owner);
		t->use_records = 1;
		return rc | notes_add(&t->notes, V_WARNING,
				      "TLSA records at %s are insecure (not DNSSEC-signed), "
				      "accepted because of --insecure",
				      owner);
	case TLSA_DNSSEC_SECURE:
		if (t->nrecs == 0)
			return rc |
			       notes_add(&t->notes, V_CRITICAL, "no TLSA records at %s (%s)", owner,
					 a->denial_secure ? "securely denied" : "empty answer");
		t->use_records = 1;
		return rc;
	}
	return rc;
}

/* "3 1 1 ab..., 2 1 1 cd..." of the records a session could use, into a malloc'd string. */
static char *published(const struct check_target *t, const tlsa_verify_result *r)
{
	char *s = NULL;
	size_t len = 0, i;
	FILE *fp = open_memstream(&s, &len);

	if (fp == NULL)
		return NULL;
	for (i = 0; i < t->nrecs; i++)
		if (t->recs[i].slot >= 0 && r->records[t->recs[i].slot].state == TLSA_REC_UNMATCHED)
			fprintf(fp, "%s%s", ftell(fp) > 0 ? ", " : "", t->recs[i].text);
	if (fclose(fp) != 0) {
		free(s);
		return NULL;
	}
	return s;
}

/* Expiry of the certificates the match relied on: depth 0 up to the matched depth. */
static int expiry(struct check_addr *a, const struct check_conf *c, uint8_t usage)
{
	const tlsa_verify_result *r = a->res;
	time_t nb, na;
	char day[11];
	long days;
	int d, rc = 0;

	for (d = 0; d <= r->match_depth; d++) {
		if (tlsa_input_validity(r->chain, (size_t)d, &nb, &na) != TLSA_OK)
			continue;
		days = (long)((na - c->now) / 86400);
		if (na < c->now)
			days = -1 - (long)((c->now - na) / 86400);
		if (!a->have_days || days < a->days_left) {
			a->days_left = (int)days;
			a->have_days = 1;
		}
		cli_day(na, day);
		if (na < c->now)
			rc |= notes_add(&a->notes, V_WARNING,
					"certificate at depth %d expired on %s%s", d, day,
					usage == TLSA_USAGE_DANE_EE && d == 0
					    ? " (DANE-EE ignores expiry, other clients do not)"
					    : "");
		else if (days < c->warn_days)
			rc |= notes_add(&a->notes, V_WARNING,
					"certificate at depth %d expires on %s, in %ld day%s", d,
					day, days, days == 1 ? "" : "s");
	}
	return rc;
}

/*
 * Does any other usable record describe something else than the one that
 * matched (another key, not presented, or a certificate at another depth)?
 */
static int rollover_possible(const tlsa_verify_result *r)
{
	size_t i;

	for (i = 0; i < r->nrecords; i++)
		if (r->records[i].state == TLSA_REC_UNMATCHED &&
		    r->records[i].presented != r->match_depth)
			return 1;
	return 0;
}

static int judge_addr(struct check_target *t, struct check_addr *a, const struct check_conf *c,
		      int *no_rollover)
{
	const tlsa_verify_result *r = a->res;
	const struct check_rec *m = NULL;
	char *pub;
	int rc = 0;
	size_t i;

	if (r == NULL) {
		a->verdict = V_UNKNOWN;
		return asprintf(&a->message, "out of memory") < 0 ? -1 : 0;
	}
	if (!a->verified_with_records) {
		/*
		 * The target's DNS findings say why; the address adds what it
		 * saw.  Unverified is never better than CRITICAL, unless DNS
		 * could not be asked at all.
		 */
		a->verdict =
		    r->handshake && worst_note(&t->notes) == V_UNKNOWN ? V_UNKNOWN : V_CRITICAL;
		if (!r->handshake)
			return asprintf(&a->message, "%s", r->why) < 0 ? -1 : 0;
		return asprintf(&a->message, "not verified: no TLSA records to trust") < 0 ? -1 : 0;
	}
	switch (r->status) {
	case TLSA_OK:
		a->verdict = V_OK;
		for (i = 0; i < t->nrecs && m == NULL; i++)
			if (t->recs[i].slot == r->match_index)
				m = &t->recs[i];
		if (m == NULL) { /* cannot happen: OpenSSL matched a record we did not give */
			a->verdict = V_UNKNOWN;
			return asprintf(&a->message,
					"internal error: the matched record is unknown") < 0
				   ? -1
				   : 0;
		}
		rc |= asprintf(&a->message, "%s matched at depth %d", m->text, r->match_depth) < 0;
		rc |= expiry(a, c, m->rec->usage);
		/*
		 * A trust-anchor match (usage 0 or 2) survives a change of the
		 * server's key; an end-entity match needs the next key published.
		 */
		if ((m->rec->usage == TLSA_USAGE_DANE_EE || m->rec->usage == TLSA_USAGE_PKIX_EE) &&
		    !rollover_possible(r))
			*no_rollover = 1;
		break;
	case TLSA_ERR_NO_MATCH:
		a->verdict = V_CRITICAL;
		pub = published(t, r);
		rc |= asprintf(&a->message, "%s vs published %s", r->why, pub != NULL ? pub : "?") <
		      0;
		free(pub);
		break;
	case TLSA_ERR_NO_USABLE:
		a->verdict = V_CRITICAL;
		rc |= asprintf(&a->message, "none of the %zu TLSA records is usable%s", t->nrecs,
			       c->smtp ? " for SMTP" : "") < 0;
		break;
	case TLSA_ERR_NOMEM:
	case TLSA_ERR_INTERNAL:
	case TLSA_ERR_INVALID:
		a->verdict = V_UNKNOWN;
		rc |= asprintf(&a->message, "%s", r->why) < 0;
		break;
	default:
		a->verdict = V_CRITICAL;
		rc |= asprintf(&a->message, "%s", r->why) < 0;
		break;
	}
	a->verdict = verdict_worse(a->verdict, worst_note(&a->notes));
	return rc ? -1 : 0;
}

/* Ignored and unusable records, once per target (OpenSSL decides the same for every address). */
static int record_notes(struct check_target *t)
{
	const tlsa_verify_result *r = NULL;
	const tlsa_rec_result *rr;
	size_t i;
	int rc = 0;

	for (i = 0; i < t->naddr && r == NULL; i++)
		if (t->addr[i].verified_with_records && t->addr[i].res != NULL &&
		    t->addr[i].res->records != NULL)
			r = t->addr[i].res;
	if (r == NULL)
		return 0;
	for (i = 0; i < t->nrecs; i++) {
		if (t->recs[i].slot < 0)
			continue;
		rr = &r->records[t->recs[i].slot];
		if (rr->state == TLSA_REC_IGNORED || rr->state == TLSA_REC_UNUSABLE)
			rc |= notes_add_class(&t->notes, V_WARNING, CLASS_DANE,
					      "TLSA record %s %s: %s", t->recs[i].text,
					      tlsa_rec_state_name(rr->state), rr->why);
	}
	return rc;
}

/*
 * What the address lookup said, when it leaves nothing (or something forged)
 * to check, or when one of A and AAAA produced no answer: then addresses
 * may exist that were not checked (UNKNOWN), never "no addresses".
 */
static int address_notes(struct check_target *t)
{
	const tlsa_addr_result *ar = t->addrs;
	const tlsa_dns_answer *lost = NULL;
	const char *reason = NULL;

	if (ar != NULL) {
		reason = ar->a.qtype != 0 && ar->a.reason != NULL ? ar->a.reason : ar->aaaa.reason;
		if (ar->state == TLSA_DNSSEC_BOGUS)
			return notes_add(&t->notes, V_CRITICAL, "address lookup for %s bogus (%s)",
					 t->host, reason != NULL ? reason : "validation failed");
		lost = dns_unknown(&ar->a) ? &ar->a : dns_unknown(&ar->aaaa) ? &ar->aaaa : NULL;
	}
	if (lost != NULL && (!lost->answered || lost->unanswered))
		return notes_add(&t->notes, V_UNKNOWN, "%s lookup for %s: %s%s",
				 lost->qtype == 1 ? "A" : "AAAA", t->host,
				 lost->reason != NULL ? lost->reason : "no DNS server answered",
				 t->naddr > 0 ? " (its addresses, if any, were not checked)" : "");
	if (t->naddr > 0)
		return 0;
	if (ar == NULL)
		return notes_add(&t->notes, V_CRITICAL, "%s has no addresses to check", t->host);
	if (lost != NULL)
		return notes_add(&t->notes, V_UNKNOWN, "address lookup for %s: %s%s", t->host,
				 lost->reason != NULL ? lost->reason : "no usable answer",
				 dns_hint(lost));
	return notes_add(&t->notes, V_CRITICAL, "%s has no addresses%s%s%s", t->host,
			 reason != NULL ? " (" : "", reason != NULL ? reason : "",
			 reason != NULL ? ")" : "");
}

int check_policy(struct check_target *t, const struct check_conf *c)
{
	size_t i, failed = 0;
	int rc = 0, no_rollover = 0;

	rc |= record_notes(t);
	rc |= check_policy_ns(t, c);
	/* --candidate-only: the records and the candidates are the whole question. */
	if (!c->candidate_only)
		rc |= address_notes(t);
	rc |= check_policy_candidates(t);
	rc |= check_policy_readiness(t, c);
	for (i = 0; i < t->naddr; i++) {
		rc |= judge_addr(t, &t->addr[i], c, &no_rollover);
		if (t->addr[i].verdict != V_OK && t->addr[i].verdict != V_WARNING)
			failed++;
	}
	if (no_rollover && failed == 0 && c->single_key_ok)
		rc |= notes_add(&t->notes, V_OK,
				"only one key published (accepted with "
				"--single-key-ok)");
	else if (no_rollover && failed == 0)
		rc |= notes_add_class(
		    &t->notes, V_WARNING, CLASS_DANE,
		    "only one key published so no rollover is possible: publish the "
		    "next key's record (or a 2 1 1 for the issuer) before changing keys");
	t->verdict = worst_note(&t->notes);
	for (i = 0; i < t->naddr; i++)
		t->verdict = verdict_worse(t->verdict, t->addr[i].verdict);
	return rc ? -1 : 0;
}

/* ---- --candidate ------------------------------------------------------------ */

/*
 * A candidate that no published record matches would break DANE the
 * moment it is deployed: CRITICAL, naming what to publish first.  A match
 * says nothing more than the live check already does.
 */
int check_policy_candidates(struct check_target *t)
{
	const struct cand_result *cr;
	char *list = NULL;
	size_t len = 0, k, i;
	FILE *fp;
	int rc = 0;

	for (k = 0; k < t->ncands; k++) {
		cr = &t->cands[k];
		/* A match is not enough: the chain must validate as a server would send it. */
		if (cr->rec >= 0 && cr->valid != NULL && cr->valid->status != TLSA_OK)
			rc |= notes_add(&t->notes, V_CRITICAL,
					"candidate %s matches %s but would not validate: %s; "
					"deploying it now breaks DANE",
					cr->file, t->recs[cr->rec].text, cr->valid->why);
		if (cr->rec >= 0)
			continue;
		fp = open_memstream(&list, &len);
		if (fp == NULL)
			return -1;
		for (i = 0; i < cr->npublish; i++)
			fprintf(fp, "%s%s", i > 0 ? "; " : "", cr->publish[i]);
		if (fclose(fp) != 0) {
			free(list);
			return -1;
		}
		if (cr->npublish > 0)
			rc |= notes_add_class(
			    &t->notes, V_CRITICAL, CLASS_DANE,
			    "candidate %s matches none of the published TLSA records: "
			    "deploying it now breaks DANE; publish first: %s",
			    cr->file, list);
		else
			rc |= notes_add_class(
			    &t->notes, V_CRITICAL, CLASS_DANE,
			    "candidate %s matches none of the published TLSA records: "
			    "deploying it now breaks DANE",
			    cr->file);
		free(list);
		list = NULL;
	}
	return rc;
}

/* ---- --mx and --srv ------------------------------------------------------------ */

/* What the MX lookup says about DANE for the whole mail domain (RFC 7672 section 2.2). */
static int mx_notes(struct check_group *g)
{
	const tlsa_mx_result *mx = g->mx;
	const tlsa_dns_answer *a = &mx->answer;
	const char *reason = a->reason != NULL ? a->reason : "no usable answer";

	if (a->state == TLSA_DNSSEC_BOGUS)
		return notes_add(&g->notes, V_CRITICAL,
				 "MX lookup for %s is bogus (%s): a DANE "
				 "sender defers all mail to the domain",
				 g->name, reason);
	if (a->state == TLSA_DNSSEC_INDETERMINATE)
		return notes_add(&g->notes, dns_unknown(a) ? V_UNKNOWN : V_CRITICAL,
				 !dns_unknown(a) ? "MX lookup for %s failed (%s)%s"
						 : "MX lookup for %s: %s%s",
				 g->name, reason, dns_hint(a));
	if (a->rcode == 3)
		return notes_add(&g->notes, V_CRITICAL,
				 "mail domain %s does not exist (NXDOMAIN%s)", g->name,
				 a->state == TLSA_DNSSEC_SECURE ? ", securely denied" : "");
	/*
	 * RFC 7505 says a null MX domain accepts no mail; RFC 7672 has no
	 * DANE state for it.  Nothing there is DANE-protected, and a check
	 * asked to find protected mail service finds none: CRITICAL.
	 */
	if (mx->null_mx)
		return notes_add(&g->notes, V_CRITICAL,
				 "%s has a null MX (\"0 .\", RFC 7505): the "
				 "domain accepts no mail, so there is no MX host to check and "
				 "nothing is DANE-protected",
				 g->name);
	if (a->state == TLSA_DNSSEC_INSECURE) {
		if (mx->nmx == 0)
			return notes_add(
			    &g->notes, V_CRITICAL,
			    "%s has no MX records, but their "
			    "absence is not DNSSEC-signed (insecure): the domain has no "
			    "DANE protection (RFC 7672 section 2.2.1)",
			    g->name);
		return notes_add(
		    &g->notes, V_CRITICAL,
		    "the MX RRset of %s is insecure (not "
		    "DNSSEC-signed): an attacker could choose its MX hosts, so the "
		    "domain has no DANE protection (RFC 7672 section 2.2.1); its hosts "
		    "are checked for information only",
		    g->name);
	}
	if (mx->nmx == 0 && g->nep > 0)
		return notes_add(
		    &g->notes, V_OK,
		    "%s has no MX records (securely denied): the "
		    "domain itself is its mail host, preference 0 (RFC 5321 section 5.1)",
		    g->name);
	if (g->nep == 0)
		return notes_add(&g->notes, V_CRITICAL, "%s has no MX host to check", g->name);
	return 0;
}

/* What the SRV lookup says about DANE for the service (RFC 7673 section 3). */
static int srv_notes(struct check_group *g)
{
	const tlsa_srv_result *srv = g->srv;
	const tlsa_dns_answer *a = &srv->answer;
	const char *reason = a->reason != NULL ? a->reason : "no usable answer";

	if (a->state == TLSA_DNSSEC_BOGUS)
		return notes_add(&g->notes, V_CRITICAL, "SRV lookup for %s is bogus (%s)", g->name,
				 reason);
	if (a->state == TLSA_DNSSEC_INDETERMINATE)
		return notes_add(&g->notes, dns_unknown(a) ? V_UNKNOWN : V_CRITICAL,
				 !dns_unknown(a) ? "SRV lookup for %s failed (%s)%s"
						 : "SRV lookup for %s: %s%s",
				 g->name, reason, dns_hint(a));
	if (srv->no_service)
		return notes_add(&g->notes, V_CRITICAL,
				 "%s says the service is not available "
				 "(a single SRV target \".\", RFC 2782)",
				 g->name);
	if (srv->nsrv == 0)
		return notes_add(&g->notes, V_CRITICAL, "no SRV records at %s (%s)", g->name,
				 a->rcode == 3 ? "NXDOMAIN" : "NODATA");
	if (a->state == TLSA_DNSSEC_INSECURE)
		return notes_add(&g->notes, V_CRITICAL,
				 "the SRV RRset of %s is insecure (not "
				 "DNSSEC-signed): an attacker could choose its targets, so the "
				 "service has no DANE protection (RFC 7673 section 3); its targets "
				 "are checked for information only",
				 g->name);
	return 0;
}

int check_policy_group(struct check_group *g, const struct check_conf *c)
{
	size_t i;
	int rc;

	(void)c;
	rc = g->kind == GROUP_MX ? mx_notes(g) : srv_notes(g);
	g->verdict = worst_note(&g->notes);
	for (i = 0; i < g->nt; i++)
		g->verdict = verdict_worse(g->verdict, g->t[i].verdict);
	return rc ? -1 : 0;
}

/* ---- --all-ns, --sig-warn-days, --state ------------------------------------------ */

/*
 * Would the live service fail for a client whose resolver asked this
 * server?  Some address matched a record the server does not serve.
 */
static int fails_live(const struct check_target *t, const tlsa_ns_server *s)
{
	size_t i, k;

	for (i = 0; i < t->naddr; i++) {
		const tlsa_verify_result *r = t->addr[i].res;

		if (r == NULL || r->match_index < 0)
			continue;
		for (k = 0; k < t->nrecs; k++)
			if (t->recs[k].slot == r->match_index &&
			    !check_ns_serves(s, t->recs[k].rec))
				return 1;
	}
	return 0;
}

/* The time as "2026-12-09 20:00:00 UTC" into buf. */
static void utc(int64_t when, char buf[32])
{
	time_t tt = (time_t)when;
	struct tm tm;

	if (gmtime_r(&tt, &tm) == NULL || strftime(buf, 32, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(buf, 32, "%lld", (long long)when);
}

/* A duration as "2 d 3 h", "5 min 20 s", "7 s". */
static void span(int64_t s, char buf[32])
{
	if (s >= 86400)
		snprintf(buf, 32, "%lld d %lld h", (long long)(s / 86400),
			 (long long)(s % 86400 / 3600));
	else if (s >= 3600)
		snprintf(buf, 32, "%lld h %lld min", (long long)(s / 3600),
			 (long long)(s % 3600 / 60));
	else if (s >= 60)
		snprintf(buf, 32, "%lld min %lld s", (long long)(s / 60), (long long)(s % 60));
	else
		snprintf(buf, 32, "%lld s", (long long)s);
}

/*
 * Every authoritative server: one that does not answer, or serves another
 * set than the resolver gave, is WARNING (a resolver that asks it gets
 * something else); CRITICAL when that set would not match the live
 * service, or its signatures do not validate against the zone's keys.
 */
static int ns_notes(struct check_target *t)
{
	const tlsa_ns_result *ns = t->ns;
	size_t i;
	int rc = 0;

	if (ns->reason != NULL)
		return notes_add(&t->notes, V_WARNING, "--all-ns: %s", ns->reason);
	for (i = 0; i < ns->nservers; i++) {
		const tlsa_ns_server *s = &ns->servers[i];
		char who[128], serial[48] = "";

		snprintf(who, sizeof(who), "%s (%s)", s->name,
			 s->address[0] != '\0' ? s->address : "no address");
		if (s->have_serial)
			snprintf(serial, sizeof(serial), ", SOA serial %u", s->serial);
		if (!s->answered) {
			rc |= notes_add(&t->notes, V_WARNING, "nameserver %s: %s%s", who,
					s->reason != NULL ? s->reason : "no answer", serial);
			continue;
		}
		if (!check_ns_same_set(t, s))
			rc |= notes_add(&t->notes, fails_live(t, s) ? V_CRITICAL : V_WARNING,
					"nameserver %s serves another TLSA set (%zu record%s%s) "
					"than the resolver gave (%zu)%s",
					who, s->nrecords, s->nrecords == 1 ? "" : "s", serial,
					t->nrecs,
					fails_live(t, s) ? ": the live service would not match it"
							 : ": a resolver that asks it sees other "
							   "records");
		if (s->sigs == TLSA_NS_SIGS_BAD)
			rc |= notes_add(&t->notes, V_CRITICAL,
					"nameserver %s: the RRSIGs over the TLSA records do not "
					"validate against the zone's DNSKEY set (%s)",
					who, s->sig_reason != NULL ? s->sig_reason : "bad");
		else if (s->sigs == TLSA_NS_SIGS_NONE && ns->keys_state == TLSA_DNSSEC_SECURE)
			rc |= notes_add(&t->notes, V_CRITICAL,
					"nameserver %s serves the TLSA records without RRSIGs in "
					"a signed zone",
					who);
	}
	return rc;
}

/* RRSIGs that expire within --sig-warn-days: WARNING; already expired: CRITICAL. */
static int sig_notes(struct check_target *t, const struct check_conf *c)
{
	int64_t left = t->sig_expire - (int64_t)c->now;
	char at[32], in[32], over[300];

	if (t->sig_expire == 0)
		return 0;
	if (t->sig_where != NULL)
		snprintf(over, sizeof(over),
			 "the %s records (on the chain of trust to the TLSA "
			 "records)",
			 t->sig_where);
	else
		snprintf(over, sizeof(over), "the TLSA records%s",
			 t->ns != NULL ? " or the zone's keys" : "");
	utc(t->sig_expire, at);
	if (left <= 0)
		return notes_add(&t->notes, V_CRITICAL,
				 "an RRSIG over %s expired at %s: re-sign the zone", over, at);
	if (left < (int64_t)c->sig_warn_days * 86400) {
		span(left, in);
		return notes_add(&t->notes, V_WARNING,
				 "an RRSIG over %s expires in %s (%s), within --sig-warn-days %d: "
				 "re-sign the zone before then",
				 over, in, at, c->sig_warn_days);
	}
	return 0;
}

/*
 * A candidate that matches: deploy it only once every nameserver serves
 * its record (WARNING until then) and, with --state, 2 x TTL after that
 * was first seen (WARNING with the time left, then "safe to deploy").
 */
static int readiness_notes(struct check_target *t, const struct check_conf *c)
{
	char at[32], in[32], since[32];
	size_t k;
	int rc = 0;

	for (k = 0; k < t->ncands; k++) {
		struct cand_result *cr = &t->cands[k];

		cr->ready = -1;
		if (cr->rec < 0)
			continue;
		cr->ready = 0;
		if (cr->ns_known && cr->ns_missing > 0) {
			rc |=
			    notes_add(&t->notes, V_WARNING,
				      "candidate %s: waiting: its record %s is not served by "
				      "every nameserver yet (%zu lack it, %s first): do not "
				      "deploy it yet",
				      cr->file, t->recs[cr->rec].text, cr->ns_missing, cr->missing);
			continue;
		}
		if (cr->first_seen == 0) {
			cr->ready = -1;
			rc |= notes_add(&t->notes, V_OK,
					"candidate %s: its record is served %s (TTL %u s): deploy "
					"no sooner than 2 x TTL after it was published (--state "
					"FILE times it)",
					cr->file,
					cr->ns_known ? "by every nameserver" : "by the resolver",
					cr->ttl);
			continue;
		}
		utc(cr->first_seen, since);
		utc(cr->safe_at, at);
		if ((int64_t)c->now < cr->safe_at) {
			span(cr->safe_at - (int64_t)c->now, in);
			rc |= notes_add(
			    &t->notes, V_WARNING,
			    "candidate %s: waiting: safe to deploy in %s (at %s; 2 x "
			    "TTL %u s after its record was first seen %s at %s)",
			    cr->file, in, at, cr->ttl,
			    cr->ns_known ? "on every nameserver" : "through the resolver", since);
		} else {
			cr->ready = 1;
			rc |= notes_add(&t->notes, V_OK,
					"candidate %s: safe to deploy: its record has been served "
					"%s since %s, more than 2 x TTL %u s",
					cr->file,
					cr->ns_known ? "by every nameserver" : "by the resolver",
					since, cr->ttl);
		}
	}
	return rc;
}

int check_policy_ns(struct check_target *t, const struct check_conf *c)
{
	int rc = 0;

	if (t->ns != NULL)
		rc |= ns_notes(t);
	rc |= sig_notes(t, c);
	rc |= readiness_notes(t, c);
	return rc;
}
