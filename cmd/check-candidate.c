/*
 * tlsa check --candidate: would the records published now match a
 * certificate, chain or key that is not deployed yet?
 *
 * Owns: loading candidates (libtlsa's loader), matching each against a
 * target's records by recomputing every record's data from the candidate
 * (libtlsa's tlsa_record_compute, at the depths the usage calls for), the
 * records to publish first when nothing matches (in `tlsa create`'s rfc
 * format), and the candidates' part of text and json output.  Does not
 * own: the verdict (check_policy_candidates in check-policy.c).
 *
 * This is a computation, not a TLS session: a DANE-TA(2) match here
 * means the candidate's chain carries the published issuer, not that the
 * chain would validate (the live check says that once it is deployed).
 * A lone leaf borrows its issuer from a chain the server presented, when
 * the leaf's issuer name is that certificate's subject.  Candidates may
 * be keys (encrypted ones with --passin) and CSRs (their key).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>

#include "check-candidate.h"
#include "cli.h"
#include "record-out.h"

int check_cand_load(struct check_cand *c, const char *file, const char *pass, char *why,
		    size_t whysize)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	tlsa_status st;
	int e;

	c->file = file;
	c->in = NULL;
	st = tlsa_file_read(file, &buf, &len);
	e = errno;
	if (st == TLSA_OK)
		st = tlsa_input_load(
		    buf, len, TLSA_KIND_CERT | TLSA_KIND_PUBKEY | TLSA_KIND_PRIVKEY | TLSA_KIND_CSR,
		    pass, &c->in);
	if (buf != NULL) {
		/* it may hold a private key */
		OPENSSL_cleanse(buf, len);
		free(buf);
	}
	if (st == TLSA_OK)
		return 0;
	if (st == TLSA_ERR_IO)
		snprintf(why, whysize, "--candidate %s: %s", file, strerror(e));
	else if (tlsa_error_line() > 0)
		snprintf(why, whysize, "--candidate %s: line %lu: %s%s", file, tlsa_error_line(),
			 tlsa_strerror(st),
			 st == TLSA_ERR_PASSPHRASE ? " (give it with --passin)" : "");
	else
		snprintf(why, whysize, "--candidate %s: %s%s", file, tlsa_strerror(st),
			 st == TLSA_ERR_PASSPHRASE ? " (give it with --passin)" : "");
	return -1;
}

/* May this record be matched at all (RFC 7672: usages 2 and 3 only for SMTP)? */
static int considered(const tlsa_record *r, int smtp)
{
	if (r == NULL || r->usage > 3 || r->selector > 1 || r->mtype > 2)
		return 0;
	return !smtp || r->usage >= 2;
}

/* Does the candidate at depth d give r's data? */
static int matches_at(const tlsa_input *in, size_t d, const tlsa_record *r)
{
	tlsa_record *mine = NULL;
	int eq;

	if (tlsa_record_compute(in, d, r->usage, r->selector, r->mtype, &mine) != TLSA_OK)
		return 0;
	eq = mine->len == r->len && memcmp(mine->data, r->data, r->len) == 0;
	tlsa_record_free(mine);
	return eq;
}

/* A lone certificate (no issuer in the file) whose issuer a live chain may supply. */
static int lone_cert(const tlsa_input *in)
{
	return tlsa_input_kind(in) == TLSA_KIND_CERT && tlsa_input_count(in) == 1;
}

int check_cands_need_chain(const struct check_target *t, const struct check_cand *c, size_t n,
			   int smtp)
{
	size_t k, i;

	for (k = 0; k < n; k++)
		for (i = 0; lone_cert(c[k].in) && i < t->nrecs; i++)
			if (considered(t->recs[i].rec, smtp) && t->recs[i].rec->usage % 2 == 0)
				return 1;
	return 0;
}

/*
 * A lone leaf against a trust-anchor record: find, in a chain an address
 * presented, the certificate whose subject is the leaf's issuer; the
 * leaf's chain would be the leaf and that certificate on up.  1 when r
 * matches one of them (its depth in the leaf's chain into *depth).
 */
static int matches_live_issuer(const struct check_target *t, const tlsa_input *in,
			       const tlsa_record *r, int *depth)
{
	const unsigned char *der;
	tlsa_cert_info leaf = TLSA_CERT_INFO_INIT, live = TLSA_CERT_INFO_INIT;
	size_t len, i, d, k, n;
	int found = 0;

	der = tlsa_input_cert(in, 0, &len);
	if (der == NULL || tlsa_cert_info_get(der, len, &leaf) != TLSA_OK)
		return 0;
	for (i = 0; i < t->naddr && !found; i++) {
		const tlsa_input *chain = t->addr[i].res != NULL ? t->addr[i].res->chain : NULL;

		n = chain != NULL ? tlsa_input_count(chain) : 0;
		for (k = 1; k < n && !found; k++) {
			der = tlsa_input_cert(chain, k, &len);
			if (der == NULL || tlsa_cert_info_get(der, len, &live) != TLSA_OK)
				continue;
			if (strcmp(live.subject, leaf.issuer) == 0) {
				for (d = k; d < n && !found; d++)
					if (matches_at(chain, d, r)) {
						*depth = (int)(d - k + 1);
						found = 1;
					}
				k = n; /* the issuer is found: higher certificates are its */
			}
			tlsa_cert_info_clear(&live);
		}
	}
	tlsa_cert_info_clear(&leaf);
	return found;
}

/* The TLSA owner of the target, absolute, into buf. */
static void owner_of(const struct check_target *t, char *buf, size_t size)
{
	size_t n;

	if (t->tlsa != NULL && t->tlsa->owner != NULL) {
		snprintf(buf, size, "%s", t->tlsa->owner);
		return;
	}
	n = strlen(t->host);
	snprintf(buf, size, "_%u._%s.%s%s", t->port, t->proto, t->host,
		 n > 0 && t->host[n - 1] == '.' ? "" : ".");
}

static int add_publish(struct cand_result *cr, const char *owner, const tlsa_record *rec,
		       const struct check_cand *c, size_t depth)
{
	const struct out_format *rfc = out_format_find("rfc");
	struct out_state st;
	struct out_rec r;
	char *s = NULL, **nv;
	size_t len = 0, i;
	int rc;

	memset(&st, 0, sizeof(st));
	memset(&r, 0, sizeof(r));
	if (rfc == NULL)
		return -1;
	st.fp = open_memstream(&s, &len);
	if (st.fp == NULL)
		return -1;
	r.owner = owner;
	r.ttl = -1;
	r.rec = rec;
	r.cert = tlsa_input_cert(c->in, depth, &r.cert_len);
	r.file = c->file;
	r.depth = depth;
	rc = rfc->record(&st, &r);
	out_end(rfc, &st);
	if (fclose(st.fp) != 0)
		rc = -1;
	if (rc != 0 || s == NULL) {
		free(s);
		return -1;
	}
	s[strcspn(s, "\n")] = '\0';
	for (i = 0; i < cr->npublish; i++)
		if (strcmp(cr->publish[i], s) == 0) {
			free(s);
			return 0;
		}
	nv = realloc(cr->publish, (cr->npublish + 1) * sizeof(*nv));
	if (nv == NULL) {
		free(s);
		return -1;
	}
	cr->publish = nv;
	cr->publish[cr->npublish++] = s;
	return 0;
}

/*
 * Nothing matched: the records that would, one per kind of record in the
 * published set (same usage, selector and matching type, at the depth
 * `tlsa create` uses for the usage), or 3 1 1 when none can be made.
 */
static int what_to_publish(struct cand_result *cr, const struct check_target *t,
			   const struct check_cand *c, int smtp)
{
	char owner[600];
	tlsa_record *rec;
	size_t i, d;
	int rc = 0;

	owner_of(t, owner, sizeof(owner));
	for (i = 0; i < t->nrecs && rc == 0; i++) {
		const tlsa_record *r = t->recs[i].rec;

		if (!considered(r, smtp))
			continue;
		/* tlsa create's depth: the leaf for EE usages, its issuer for TA usages. */
		d = tlsa_default_depth(r->usage);
		if (tlsa_record_compute(c->in, d, r->usage, r->selector, r->mtype, &rec) != TLSA_OK)
			continue;
		rc = add_publish(cr, owner, rec, c, d);
		tlsa_record_free(rec);
	}
	if (rc == 0 && cr->npublish == 0) {
		if (tlsa_record_compute(c->in, 0, TLSA_USAGE_DANE_EE, 1, 1, &rec) != TLSA_OK)
			return 0;
		rc = add_publish(cr, owner, rec, c, 0);
		tlsa_record_free(rec);
	}
	return rc;
}

/*
 * Every record some depth of the candidate (or a live issuer of a lone
 * leaf) gives: such a record describes a key the site has, not deployed
 * yet (Prometheus's tlsa_record_known).
 */
static void mark_records(struct check_target *t, const struct check_cand *c, int smtp)
{
	size_t i, d, lo, hi, count = tlsa_input_count(c->in);
	int depth;

	for (i = 0; i < t->nrecs; i++) {
		const tlsa_record *r = t->recs[i].rec;

		if (!considered(r, smtp) || t->recs[i].cand_match)
			continue;
		lo = r->usage % 2 == 1 ? 0 : 1;
		hi = r->usage % 2 == 1 ? 1 : count;
		for (d = lo; d < hi && !t->recs[i].cand_match; d++)
			t->recs[i].cand_match = matches_at(c->in, d, r);
		if (!t->recs[i].cand_match && r->usage % 2 == 0 && lone_cert(c->in))
			t->recs[i].cand_match = matches_live_issuer(t, c->in, r, &depth);
	}
}

int check_candidates(struct check_target *t, const struct check_cand *c, size_t n, int smtp)
{
	struct cand_result *cr;
	size_t k, i, d, count;

	if (n == 0)
		return 0;
	t->cands = calloc(n, sizeof(*t->cands));
	if (t->cands == NULL)
		return -1;
	t->ncands = n;
	for (k = 0; k < n; k++) {
		cr = &t->cands[k];
		cr->file = c[k].file;
		cr->rec = -1;
		cr->depth = -1;
		cr->usable = t->use_records;
		count = tlsa_input_count(c[k].in);
		for (i = 0; i < t->nrecs && cr->rec < 0; i++) {
			const tlsa_record *r = t->recs[i].rec;
			size_t lo, hi;

			if (!considered(r, smtp))
				continue;
			/* End-entity usages (1, 3) describe the leaf, trust-anchor usages (0, 2) an
			 * issuer. */
			lo = r->usage % 2 == 1 ? 0 : 1;
			hi = r->usage % 2 == 1 ? 1 : count;
			for (d = lo; d < hi; d++)
				if (matches_at(c[k].in, d, r)) {
					cr->rec = (int)i;
					cr->depth = (int)d;
					break;
				}
		}
		/* A lone leaf: its issuer may be the one the server presents now. */
		for (i = 0; i < t->nrecs && cr->rec < 0 && lone_cert(c[k].in); i++) {
			const tlsa_record *r = t->recs[i].rec;
			int depth;

			if (considered(r, smtp) && r->usage % 2 == 0 &&
			    matches_live_issuer(t, c[k].in, r, &depth)) {
				cr->rec = (int)i;
				cr->depth = depth;
				cr->live_issuer = 1;
			}
		}
		if (cr->rec < 0 && what_to_publish(cr, t, &c[k], smtp) != 0)
			return -1;
		mark_records(t, &c[k], smtp);
	}
	return 0;
}

void check_cands_free(struct check_target *t)
{
	size_t k, i;

	for (k = 0; k < t->ncands; k++) {
		for (i = 0; i < t->cands[k].npublish; i++)
			free(t->cands[k].publish[i]);
		free(t->cands[k].publish);
		tlsa_verify_result_free(t->cands[k].valid);
	}
	free(t->cands);
	t->cands = NULL;
	t->ncands = 0;
}
