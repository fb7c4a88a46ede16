/*
 * tlsa check --chain FILE and the validation of --candidate chains:
 * OpenSSL's DANE verifier run offline (libtlsa's tlsa_verify_chain), on
 * a chain from a file instead of one a server presents.
 */
#ifndef TLSA_CHECK_CHAIN_H
#define TLSA_CHECK_CHAIN_H

#include <time.h>

#include "check-opts.h"
#include "check-result.h"

/*
 * Parse --at TIME: YYYY-MM-DD, YYYY-MM-DDTHH:MM[:SS][Z] (UTC) or @SECONDS
 * since the epoch.  0, or -1 when it is none of these.
 */
int check_parse_at(const char *text, time_t *out);

/*
 * --chain: t gets one entry, named after o->chain_file instead of an
 * address, whose result is the offline verification of o->chain against
 * t's records.  -1 when out of memory.
 */
int check_chain_verify(const struct check_opts *o, struct check_target *t,
		       const struct check_conf *conf);

/*
 * --candidate: every candidate with certificates whose records match is
 * verified as a server would present it (a lone leaf with the issuers of
 * the live chain it borrowed), into t->cands[].valid.  -1 when out of
 * memory.
 */
int check_cands_validate(const struct check_opts *o, struct check_target *t,
			 const struct check_conf *conf);

#endif
