/*
 * tlsa check: TLS sessions shared across one run.
 *
 * Owns: the per-address limit (--per-address N: a fleet of thousands of
 * checks is polite to a shared MX host) and the run's table of sessions
 * by key, so that every target asking the same of the same address (a
 * hosting provider's thousands of mail domains on a few MX hosts) gets
 * the one session's results.  Both are process-wide, behind one mutex
 * each; a check blocks here, never holding anything another check needs
 * (a session waited for holds no address slot of its waiter).
 * Does not own: the sessions (libtlsa's tlsa_verify_each), what the key
 * holds (check-examine.c), what the results mean (check-policy.c).
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check-share.h"

/* Finished entries no target holds, kept for later targets (least recently used dropped). */
#define IDLE_KEPT 512
#define BUCKETS	  4096

static unsigned long per_address = CHECK_PER_ADDRESS_DEFAULT;

void check_share_per_address(unsigned long n)
{
	per_address = n > 0 ? n : 1;
}

int check_thread_attr(pthread_attr_t *a)
{
	if (pthread_attr_init(a) != 0)
		return -1;
	/* Defaults to 8 MiB: 4,096 of them would reserve 32 GiB. */
	(void)pthread_attr_setstacksize(a, CHECK_STACK_SIZE);
	return 0;
}

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* ---- at most N sessions at once to one address ----------------------------- */

struct addr_slot {
	char address[46];
	unsigned long busy;
	unsigned long waiting;
	pthread_cond_t free;
	struct addr_slot *next;
};

static pthread_mutex_t addr_mu = PTHREAD_MUTEX_INITIALIZER;
static struct addr_slot *addr_table[BUCKETS];
static unsigned long sessions;

/* Wait for a free slot at address; NULL when out of memory (then no limit). */
static struct addr_slot *addr_acquire(const char *address)
{
	struct addr_slot **pp, *s;

	pthread_mutex_lock(&addr_mu);
	pp = &addr_table[hash(address) % BUCKETS];
	for (s = *pp; s != NULL && strcmp(s->address, address) != 0; s = s->next)
		;
	if (s == NULL && (s = calloc(1, sizeof(*s))) != NULL) {
		snprintf(s->address, sizeof(s->address), "%s", address);
		pthread_cond_init(&s->free, NULL);
		s->next = *pp;
		*pp = s;
	}
	if (s != NULL) {
		s->waiting++;
		while (s->busy >= per_address)
			pthread_cond_wait(&s->free, &addr_mu);
		s->waiting--;
		s->busy++;
	}
	sessions++;
	pthread_mutex_unlock(&addr_mu);
	return s;
}

static void addr_release(struct addr_slot *s)
{
	struct addr_slot **pp;

	if (s == NULL)
		return;
	pthread_mutex_lock(&addr_mu);
	s->busy--;
	if (s->waiting > 0) {
		pthread_cond_signal(&s->free);
	} else if (s->busy == 0) {
		/* Nobody at this address: forget it (a fleet may have millions). */
		for (pp = &addr_table[hash(s->address) % BUCKETS]; *pp != s; pp = &(*pp)->next)
			;
		*pp = s->next;
		pthread_cond_destroy(&s->free);
		free(s);
	}
	pthread_mutex_unlock(&addr_mu);
}

unsigned long check_share_sessions(void)
{
	unsigned long n;

	pthread_mutex_lock(&addr_mu);
	n = sessions;
	pthread_mutex_unlock(&addr_mu);
	return n;
}

static void verify_limited(const char *address, unsigned port, const tlsa_verify_opts *o,
			   unsigned key_types, tlsa_verify_result ***v, size_t *nv)
{
	struct addr_slot *s = addr_acquire(address);

	/* The outcome is in v (empty only when out of memory). */
	(void)tlsa_verify_each(address, port, o, key_types, v, nv);
	addr_release(s);
}

/* ---- at most --dns-jobs lookups at once ------------------------------------ */

static pthread_mutex_t lookup_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t lookup_free = PTHREAD_COND_INITIALIZER;
static unsigned long lookups, lookups_max = CHECK_LOOKUPS_DEFAULT;

void check_lookup_max(unsigned long n)
{
	pthread_mutex_lock(&lookup_mu);
	lookups_max = n > 0 ? n : 1;
	pthread_mutex_unlock(&lookup_mu);
}

void check_lookup_begin(void)
{
	pthread_mutex_lock(&lookup_mu);
	while (lookups >= lookups_max)
		pthread_cond_wait(&lookup_free, &lookup_mu);
	lookups++;
	pthread_mutex_unlock(&lookup_mu);
}

void check_lookup_end(void)
{
	pthread_mutex_lock(&lookup_mu);
	lookups--;
	pthread_cond_signal(&lookup_free);
	pthread_mutex_unlock(&lookup_mu);
}

/* ---- one session per key --------------------------------------------------- */

struct share_entry {
	char *key;
	uint64_t h;
	tlsa_verify_result **v;
	size_t nv;
	int done;
	unsigned long refs;
	struct share_entry *next;	   /* in its bucket */
	struct share_entry *older, *newer; /* among the idle (refs 0) */
};

static pthread_mutex_t share_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t share_done = PTHREAD_COND_INITIALIZER;
static struct share_entry *share_table[BUCKETS];
static struct share_entry *idle_newest, *idle_oldest;
static size_t nidle;

static void idle_unlink(struct share_entry *e)
{
	if (e->newer != NULL)
		e->newer->older = e->older;
	else
		idle_newest = e->older;
	if (e->older != NULL)
		e->older->newer = e->newer;
	else
		idle_oldest = e->newer;
	e->older = e->newer = NULL;
	nidle--;
}

static void entry_free(struct share_entry *e)
{
	while (e->nv > 0)
		tlsa_verify_result_free(e->v[--e->nv]);
	free(e->v);
	free(e->key);
	free(e);
}

/* A copy of e's array of results (the results stay e's); NULL when out of memory. */
static tlsa_verify_result **lend(const struct share_entry *e)
{
	tlsa_verify_result **v = calloc(e->nv + 1, sizeof(*v));

	if (v != NULL && e->nv > 0)
		memcpy(v, e->v, e->nv * sizeof(*v));
	return v;
}

void check_share_verify(const char *key, const char *address, unsigned port,
			const tlsa_verify_opts *o, unsigned key_types, tlsa_verify_result ***v,
			size_t *nv, struct share_entry **entry, int *shared)
{
	struct share_entry *e, **pp;
	uint64_t h;

	*v = NULL;
	*nv = 0;
	*entry = NULL;
	*shared = 0;
	if (key == NULL) {
		verify_limited(address, port, o, key_types, v, nv);
		return;
	}
	h = hash(key);
	pthread_mutex_lock(&share_mu);
	pp = &share_table[h % BUCKETS];
	for (e = *pp; e != NULL && (e->h != h || strcmp(e->key, key) != 0); e = e->next)
		;
	if (e != NULL) {
		if (e->refs++ == 0 && e->done)
			idle_unlink(e);
		while (!e->done)
			pthread_cond_wait(&share_done, &share_mu);
		pthread_mutex_unlock(&share_mu);
		*v = lend(e);
		if (*v == NULL) {
			check_share_release(e);
			return;
		}
		*nv = e->nv;
		*entry = e;
		*shared = 1;
		return;
	}
	e = calloc(1, sizeof(*e));
	if (e != NULL && (e->key = strdup(key)) == NULL) {
		free(e);
		e = NULL;
	}
	if (e == NULL) {
		/* No memory to share: a session of its own. */
		pthread_mutex_unlock(&share_mu);
		verify_limited(address, port, o, key_types, v, nv);
		return;
	}
	e->h = h;
	e->refs = 1;
	e->next = *pp;
	*pp = e;
	pthread_mutex_unlock(&share_mu);

	verify_limited(address, port, o, key_types, &e->v, &e->nv);

	pthread_mutex_lock(&share_mu);
	e->done = 1;
	pthread_cond_broadcast(&share_done);
	pthread_mutex_unlock(&share_mu);
	*v = lend(e);
	if (*v == NULL) {
		check_share_release(e);
		return;
	}
	*nv = e->nv;
	*entry = e;
}

void check_share_hold(struct share_entry *e)
{
	pthread_mutex_lock(&share_mu);
	e->refs++;
	pthread_mutex_unlock(&share_mu);
}

void check_share_release(struct share_entry *e)
{
	struct share_entry *old, **pp;

	if (e == NULL)
		return;
	pthread_mutex_lock(&share_mu);
	if (--e->refs == 0) {
		/* Kept for the targets still to come: the newest idle entry. */
		e->older = idle_newest;
		e->newer = NULL;
		if (idle_newest != NULL)
			idle_newest->newer = e;
		else
			idle_oldest = e;
		idle_newest = e;
		nidle++;
		while (nidle > IDLE_KEPT) {
			old = idle_oldest;
			idle_unlink(old);
			for (pp = &share_table[old->h % BUCKETS]; *pp != old; pp = &(*pp)->next)
				;
			*pp = old->next;
			entry_free(old);
		}
	}
	pthread_mutex_unlock(&share_mu);
}
