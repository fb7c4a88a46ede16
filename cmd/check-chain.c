/*
 * tlsa check --chain FILE, and whether a --candidate chain would validate.
 *
 * Owns: turning a chain from a file (or a candidate) into a session
 * result with libtlsa's tlsa_verify_chain(), which runs the live check's
 * OpenSSL DANE verifier without connecting: the policy then judges it as
 * it judges an address.  --at TIME is parsed here too.  Does not own: the
 * verdict (check-policy.c) or the verifier (libtlsa/verify.c).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check-chain.h"
#include "check-examine.h"
#include "cli.h"

int check_parse_at(const char *text, time_t *out)
{
	static const char *const formats[] = {"%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%dT%H:%M:%S",
					      "%Y-%m-%dT%H:%MZ",    "%Y-%m-%dT%H:%M",
					      "%Y-%m-%d %H:%M:%S",  "%Y-%m-%d"};
	unsigned long secs;
	struct tm tm;
	const char *end;
	size_t i;

	if (text[0] == '@') {
		if (cli_parse_ulong(text + 1, 1, 253402300799UL, &secs) != 0)
			return -1;
		*out = (time_t)secs;
		return 0;
	}
	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		memset(&tm, 0, sizeof(tm));
		end = strptime(text, formats[i], &tm);
		if (end != NULL && *end == '\0') {
			*out = timegm(&tm);
			return *out > 0 ? 0 : -1;
		}
	}
	return -1;
}

/* The usable records of t, for a session; NULL when out of memory. */
static const tlsa_record **records_of(const struct check_target *t, size_t *n)
{
	const tlsa_record **recs = calloc(t->nrecs + 1, sizeof(*recs));
	size_t i;

	*n = 0;
	if (recs == NULL)
		return NULL;
	for (i = 0; t->use_records && i < t->nrecs; i++)
		if (t->recs[i].rec != NULL)
			recs[(*n)++] = t->recs[i].rec;
	return recs;
}

int check_chain_verify(const struct check_opts *o, struct check_target *t,
		       const struct check_conf *conf)
{
	tlsa_verify_opts vo;
	const tlsa_record **recs;
	const char *names[3];
	struct check_addr *a;
	size_t n;

	recs = records_of(t, &n);
	a = calloc(1, sizeof(*a));
	if (recs == NULL || a == NULL) {
		free(recs);
		free(a);
		return -1;
	}
	check_session_opts(o, t, conf, &vo, names);
	vo.records = recs;
	vo.nrecords = n;
	/* Named after the file: there is no address (see addr_port). */
	snprintf(a->address, sizeof(a->address), "file:%s", o->chain_file);
	a->dnssec = -1;
	a->verified_with_records = n > 0;
	(void)tlsa_verify_chain(o->chain, &vo, &a->res);
	a->key_type = a->res != NULL ? (int)a->res->key_type : 0;
	free(recs);
	t->addr = a;
	t->naddr = 1;
	return 0;
}

/* The candidate's leaf followed by the issuers of a live chain; NULL when none. */
static tlsa_input *with_live_issuers(const struct check_target *t, const tlsa_input *leaf)
{
	const unsigned char *der[32];
	size_t len[32], i, n = 0;
	const tlsa_input *live = NULL;
	tlsa_input *out = NULL;

	for (i = 0; i < t->naddr && live == NULL; i++)
		if (t->addr[i].res != NULL && t->addr[i].res->chain != NULL &&
		    tlsa_input_count(t->addr[i].res->chain) > 1)
			live = t->addr[i].res->chain;
	if (live == NULL)
		return NULL;
	der[n] = tlsa_input_cert(leaf, 0, &len[n]);
	n++;
	for (i = 1; i < tlsa_input_count(live) && n < 32; i++, n++)
		der[n] = tlsa_input_cert(live, i, &len[n]);
	if (tlsa_input_from_chain(der, len, n, &out) != TLSA_OK)
		return NULL;
	return out;
}

int check_cands_validate(const struct check_opts *o, struct check_target *t,
			 const struct check_conf *conf)
{
	tlsa_verify_opts vo;
	const tlsa_record **recs;
	const char *names[3];
	struct cand_result *cr;
	tlsa_input *joined;
	size_t k, n;

	recs = records_of(t, &n);
	if (recs == NULL)
		return -1;
	check_session_opts(o, t, conf, &vo, names);
	vo.records = recs;
	vo.nrecords = n;
	for (k = 0; k < t->ncands && k < o->ncands && n > 0; k++) {
		cr = &t->cands[k];
		if (cr->rec < 0 || tlsa_input_kind(o->cands[k].in) != TLSA_KIND_CERT)
			continue;
		joined = cr->live_issuer ? with_live_issuers(t, o->cands[k].in) : NULL;
		(void)tlsa_verify_chain(joined != NULL ? joined : o->cands[k].in, &vo, &cr->valid);
		tlsa_input_free(joined);
		if (cr->valid == NULL) {
			free(recs);
			return -1;
		}
	}
	free(recs);
	return 0;
}
