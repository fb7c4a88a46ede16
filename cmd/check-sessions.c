/*
 * tlsa check: a target's TLS sessions, up to MAX_THREADS addresses at a
 * time, each through the run's table of shared sessions and its
 * per-address limit (check-share.c).  What a session found is libtlsa's
 * (tlsa_verify_each); what it means is the policy's.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "check-sessions.h"
#include "check-share.h"

#define MAX_THREADS 8

struct pool {
	struct check_target *t;
	const tlsa_verify_opts *o;
	unsigned key_types;
	const char *key;	 /* what the sessions depend on but the address, or NULL */
	tlsa_verify_result ***v; /* per address: a result per key type offered */
	size_t *nv;
	struct share_entry **entry; /* per address: the shared session lent, or NULL */
	int *shared;
	size_t next;
	pthread_mutex_t mu;
};

static void *worker(void *arg)
{
	struct pool *p = arg;
	char *key = NULL;
	const char *address;
	size_t i;

	for (;;) {
		pthread_mutex_lock(&p->mu);
		i = p->next++;
		pthread_mutex_unlock(&p->mu);
		if (i >= p->t->naddr)
			return NULL;
		address = p->t->addr[i].address;
		/* Out of memory for the key: a session of its own. */
		if (p->key != NULL && asprintf(&key, "%s|%s", address, p->key) < 0)
			key = NULL;
		check_share_verify(key, address, p->t->port, p->o, p->key_types, &p->v[i],
				   &p->nv[i], &p->entry[i], &p->shared[i]);
		free(key);
		key = NULL;
	}
}

/*
 * An address whose server holds several certificates becomes one entry
 * per key type, side by side, each judged and printed on its own.
 * -1 when out of memory.
 */
static int spread_key_types(struct check_target *t, tlsa_verify_result ***v, const size_t *nv,
			    struct share_entry **entry, const int *shared)
{
	struct check_addr *na;
	size_t i, j, n = 0, k = 0;

	for (i = 0; i < t->naddr; i++)
		n += nv[i] > 0 ? nv[i] : 1;
	na = calloc(n + 1, sizeof(*na));
	if (na == NULL)
		return -1;
	for (i = 0; i < t->naddr; i++) {
		for (j = 0; j < nv[i] || (j == 0 && nv[i] == 0); j++, k++) {
			na[k] = t->addr[i];
			na[k].res = nv[i] > 0 ? v[i][j] : NULL;
			na[k].key_type = na[k].res != NULL ? (int)na[k].res->key_type : 0;
			na[k].several = nv[i] > 1;
			/* Each entry of a lent session holds it once. */
			na[k].share = entry[i];
			na[k].shared = shared[i];
			if (entry[i] != NULL && j > 0)
				check_share_hold(entry[i]);
		}
		free(v[i]);
		v[i] = NULL;
	}
	free(t->addr);
	t->addr = na;
	t->naddr = n;
	return 0;
}

int check_sessions_run(struct check_target *t, const tlsa_verify_opts *o, unsigned key_types,
		       const char *key)
{
	pthread_t th[MAX_THREADS];
	pthread_attr_t attr;
	size_t n = t->naddr < MAX_THREADS ? t->naddr : MAX_THREADS, started = 0, i;
	struct pool p;
	int rc;

	p.t = t;
	p.o = o;
	p.key_types = key_types;
	p.key = key;
	p.v = calloc(t->naddr + 1, sizeof(*p.v));
	p.nv = calloc(t->naddr + 1, sizeof(*p.nv));
	p.entry = calloc(t->naddr + 1, sizeof(*p.entry));
	p.shared = calloc(t->naddr + 1, sizeof(*p.shared));
	if (p.v == NULL || p.nv == NULL || p.entry == NULL || p.shared == NULL) {
		free(p.v);
		free(p.nv);
		free(p.entry);
		free(p.shared);
		return -1;
	}
	p.next = 0;
	pthread_mutex_init(&p.mu, NULL);
	/* One address needs no thread of its own (a fleet has thousands). */
	if (n > 1 && check_thread_attr(&attr) == 0) {
		for (i = 0; i < n; i++)
			if (pthread_create(&th[i], &attr, worker, &p) == 0)
				started++;
			else
				break;
		pthread_attr_destroy(&attr);
	}
	if (started == 0)
		worker(&p); /* no threads to be had: one at a time */
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&p.mu);
	rc = spread_key_types(t, p.v, p.nv, p.entry, p.shared);
	for (i = 0; i < t->naddr && rc != 0; i++) {
		if (p.entry[i] != NULL)
			check_share_release(p.entry[i]);
		else
			while (p.nv[i] > 0)
				tlsa_verify_result_free(p.v[i][--p.nv[i]]);
		free(p.v[i]);
	}
	free(p.v);
	free(p.nv);
	free(p.entry);
	free(p.shared);
	return rc;
}
