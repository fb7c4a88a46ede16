/*
 * tlsa check: a target's TLS sessions, up to MAX_THREADS addresses at a
 * time.  What a session found is libtlsa's (tlsa_verify_each); what it
 * means is the policy's.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "check-sessions.h"

#define MAX_THREADS 8

struct pool {
	struct check_target *t;
	const tlsa_verify_opts *o;
	unsigned key_types;
	tlsa_verify_result ***v; /* per address: a result per key type offered */
	size_t *nv;
	size_t next;
	pthread_mutex_t mu;
};

static void *worker(void *arg)
{
	struct pool *p = arg;
	size_t i;

	for (;;) {
		pthread_mutex_lock(&p->mu);
		i = p->next++;
		pthread_mutex_unlock(&p->mu);
		if (i >= p->t->naddr)
			return NULL;
		/* The outcome is in v (empty only when out of memory). */
		(void)tlsa_verify_each(p->t->addr[i].address, p->t->port, p->o, p->key_types,
				       &p->v[i], &p->nv[i]);
	}
}

/*
 * An address whose server holds several certificates becomes one entry
 * per key type, side by side, each judged and printed on its own.
 * -1 when out of memory.
 */
static int spread_key_types(struct check_target *t, tlsa_verify_result ***v, const size_t *nv)
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
		}
		free(v[i]);
		v[i] = NULL;
	}
	free(t->addr);
	t->addr = na;
	t->naddr = n;
	return 0;
}

int check_sessions_run(struct check_target *t, const tlsa_verify_opts *o, unsigned key_types)
{
	pthread_t th[MAX_THREADS];
	size_t n = t->naddr < MAX_THREADS ? t->naddr : MAX_THREADS, started = 0, i;
	struct pool p;
	int rc;

	p.t = t;
	p.o = o;
	p.key_types = key_types;
	p.v = calloc(t->naddr + 1, sizeof(*p.v));
	p.nv = calloc(t->naddr + 1, sizeof(*p.nv));
	if (p.v == NULL || p.nv == NULL) {
		free(p.v);
		free(p.nv);
		return -1;
	}
	p.next = 0;
	pthread_mutex_init(&p.mu, NULL);
	/* One address needs no thread of its own (a fleet has thousands). */
	for (i = 0; i < n && n > 1; i++)
		if (pthread_create(&th[i], NULL, worker, &p) == 0)
			started++;
		else
			break;
	if (started == 0)
		worker(&p); /* no threads to be had: one at a time */
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	pthread_mutex_destroy(&p.mu);
	rc = spread_key_types(t, p.v, p.nv);
	for (i = 0; i < t->naddr && rc != 0; i++) {
		while (p.nv[i] > 0)
			tlsa_verify_result_free(p.v[i][--p.nv[i]]);
		free(p.v[i]);
	}
	free(p.v);
	free(p.nv);
	return rc;
}
