/*
 * TLS sessions shared across one run of tlsa check (check-share.c): no
 * more than --per-address sessions at once to one IP address, and one
 * session per (address, port, STARTTLS protocol, TLSA owner, TLSA set,
 * key types) for every target of the run that asks the same.
 */
#ifndef TLSA_CHECK_SHARE_H
#define TLSA_CHECK_SHARE_H

#include <pthread.h>
#include <stddef.h>

#include <tlsa.h>

/* Thread stacks for a fleet's thousands of threads (check_thread_attr). */
#define CHECK_STACK_SIZE (256 * 1024)

/* --per-address N (default 4): sessions at once to one address. */
#define CHECK_PER_ADDRESS_DEFAULT 4
void check_share_per_address(unsigned long n);

/* Attributes for a check thread: a small stack (0, or -1 when they cannot be made). */
int check_thread_attr(pthread_attr_t *a);

struct share_entry;

/*
 * The sessions of address (tlsa_verify_each), at most --per-address at
 * once to it, into *v, an array of *nv results that the caller frees.
 * With key NULL the results are the caller's too (*entry NULL).  With a
 * key (all the sessions depend on, check-examine.c), a session another
 * target of the run made, or is making, with the same key is waited for
 * and lent: the results belong to *entry (give it back with
 * check_share_release, once per check_share_hold plus once), and *shared
 * says whether another target made the session (0 for the one that did).
 * Entries no target holds are kept for later targets, the least recently
 * used dropped beyond a bound, so memory stays bounded.
 */
void check_share_verify(const char *key, const char *address, unsigned port,
			const tlsa_verify_opts *o, unsigned key_types, tlsa_verify_result ***v,
			size_t *nv, struct share_entry **entry, int *shared);
void check_share_hold(struct share_entry *e);
void check_share_release(struct share_entry *e);

/*
 * DNS lookups at once in the run (each a few queries in a row; --dns-jobs),
 * whatever --jobs is: thousands of queries in one burst overflow a resolver's
 * socket buffer, and the retransmissions that follow make it worse.
 * Wrap every lookup in check_lookup_begin() and check_lookup_end().
 */
#define CHECK_LOOKUPS_DEFAULT 256 /* --dns-jobs */
void check_lookup_max(unsigned long n);
void check_lookup_begin(void);
void check_lookup_end(void);

/* Sessions begun in this run (tlsa_verify_each calls). */
unsigned long check_share_sessions(void);

#endif
