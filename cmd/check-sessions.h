/*
 * A target's TLS sessions (check-sessions.c): one per address and key
 * type, several addresses at once.
 */
#ifndef TLSA_CHECK_SESSIONS_H
#define TLSA_CHECK_SESSIONS_H

#include <tlsa.h>

#include "check-result.h"

/*
 * Verify every address of t with o, on each key type of key_types the
 * server offers (tlsa_verify_each): an address that offered several
 * becomes one entry per key type, side by side.  key: all the sessions
 * depend on but the address, so that targets of the run with the same key
 * share one session per address (check-share.c), or NULL for sessions of
 * t's own.  -1 when out of memory.
 */
int check_sessions_run(struct check_target *t, const tlsa_verify_opts *o, unsigned key_types,
		       const char *key);

#endif
