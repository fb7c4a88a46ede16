/*
 * --candidate (check-candidate.c): would the records published now match
 * a certificate, chain, key or CSR that is not deployed yet?  Loading and
 * matching; the verdict is check-policy.c's, the printing each format's.
 */
#ifndef TLSA_CHECK_CANDIDATE_H
#define TLSA_CHECK_CANDIDATE_H

#include <stddef.h>

#include "check-result.h"

/* A certificate, chain or key loaded from a --candidate FILE. */
struct check_cand {
	const char *file;
	tlsa_input *in;
};

/*
 * Load a --candidate file (a certificate, chain, key or CSR; pass: the
 * --passin passphrase of an encrypted key, or NULL); on failure why holds
 * the sentence.
 */
int check_cand_load(struct check_cand *c, const char *file, const char *pass, char *why,
		    size_t whysize);
/*
 * Whether matching needs the live chain: a candidate that is a lone
 * certificate, and a trust-anchor record (usage 0 or 2) to match its
 * issuer against.
 */
int check_cands_need_chain(const struct check_target *t, const struct check_cand *c, size_t n,
			   int smtp);
/*
 * Match every candidate against t's records (usages 2 and 3 only when
 * smtp, RFC 7672): fills t->cands.  A lone certificate is matched against
 * trust-anchor records with the issuers of a chain an address presented
 * (t->addr[].res->chain) when its issuer's name is the name of one of
 * them.  -1 when out of memory.
 */
int check_candidates(struct check_target *t, const struct check_cand *c, size_t n, int smtp);
void check_cands_free(struct check_target *t);

#endif
