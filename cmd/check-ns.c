/*
 * tlsa check --all-ns, --sig-warn-days and --state: every authoritative
 * nameserver of the TLSA owner's zone (libtlsa's tlsa_lookup_ns), the
 * earliest RRSIG expiration seen, and the readiness of a candidate: is
 * the record that matches it served by every nameserver, and (with
 * --state) since when, so that "safe to deploy" can wait for 2 x TTL.
 *
 * Owns: gathering those facts and the state file (read, then rewritten
 * atomically: a temp file in the same directory, fsync, rename, directory
 * fsync).  Does not own: the verdicts (check-policy.c) or the printing
 * (the check-out-*.c formats).
 *
 * The state file holds one line per record seen on every nameserver:
 * "OWNER U S M HEX FIRST-SEEN" (seconds since the epoch); a record that
 * some nameserver stops serving loses its line, and its clock restarts.
 * Lines of other owners are kept as they are.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check-ns.h"

int check_ns_wanted(const struct check_opts *o)
{
	/* Given records (--tlsa, --tlsa-file) have no nameservers to compare. */
	if (o->ntlsa > 0 || o->tlsa_file != NULL)
		return 0;
	return o->all_ns > 0 || (o->all_ns < 0 && o->ncand_files > 0);
}

/* The owner the records came from (after a CNAME at the owner, its target). */
static const char *records_owner(const struct check_target *t)
{
	if (t->tlsa == NULL)
		return NULL;
	if (t->tlsa->answer.name != NULL)
		return t->tlsa->answer.name;
	return t->tlsa->owner;
}

static void earliest(int64_t *acc, int64_t when)
{
	if (when != 0 && (*acc == 0 || when < *acc))
		*acc = when;
}

int check_ns_gather(struct check_target *t, struct check_opts *o, const tlsa_resolver *res)
{
	char owner[600], *where = NULL;
	int64_t chain = 0;
	tlsa_status st;
	size_t n, i;

	if (t->tlsa != NULL)
		earliest(&t->sig_expire, t->tlsa->answer.sig_expire);
	if (res == NULL || t->source != SRC_DNS)
		return 0;
	if (records_owner(t) != NULL)
		snprintf(owner, sizeof(owner), "%s", records_owner(t));
	else {
		n = strlen(t->host);
		snprintf(owner, sizeof(owner), "_%u._%s.%s%s", t->port, t->proto, t->host,
			 n > 0 && t->host[n - 1] == '.' ? "" : ".");
	}
	/*
	 * Validating locally, the signatures of the chain of trust are ours to
	 * watch: when they protect records (a failed lookup has a finding of
	 * its own, and would only wait for more timeouts here).
	 */
	if (tlsa_resolver_local(res) && t->tlsa != NULL &&
	    t->tlsa->answer.state == TLSA_DNSSEC_SECURE && t->tlsa->nrecords > 0) {
		st = tlsa_lookup_chain_expiry(res, owner, &chain, &where);
		if (st != TLSA_OK) {
			check_problem(o, "%s: the chain of trust to %s: %s", t->host, owner,
				      tlsa_strerror(st));
			return -1;
		}
		if (chain != 0 && (t->sig_expire == 0 || chain < t->sig_expire)) {
			t->sig_expire = chain;
			t->sig_where = where;
			where = NULL;
		}
		free(where);
	}
	if (!check_ns_wanted(o))
		return 0;
	st = tlsa_lookup_ns(res, owner, o->family, &t->ns);
	if (st != TLSA_OK) {
		check_problem(o, "%s: nameservers of %s: %s", t->host, owner, tlsa_strerror(st));
		return -1;
	}
	for (i = 0; i < t->ns->nservers; i++)
		earliest(&t->sig_expire, t->ns->servers[i].sig_expire);
	earliest(&t->sig_expire, t->ns->keys_sig_expire);
	if (t->sig_where != NULL && t->sig_expire < chain) {
		free(t->sig_where);
		t->sig_where = NULL;
	}
	return 0;
}

int check_ns_serves(const tlsa_ns_server *s, const tlsa_record *r)
{
	size_t i;

	for (i = 0; r != NULL && i < s->nrecords; i++) {
		const tlsa_record *m = s->records[i].record;

		if (m != NULL && m->usage == r->usage && m->selector == r->selector &&
		    m->mtype == r->mtype && m->len == r->len &&
		    memcmp(m->data, r->data, r->len) == 0)
			return 1;
	}
	return 0;
}

int check_ns_same_set(const struct check_target *t, const tlsa_ns_server *s)
{
	size_t i, n = 0;

	for (i = 0; i < t->nrecs; i++) {
		if (t->recs[i].rec == NULL)
			continue;
		if (!check_ns_serves(s, t->recs[i].rec))
			return 0;
		n++;
	}
	/* Every record checked is there; the server has no others. */
	for (i = 0; i < s->nrecords; i++)
		if (s->records[i].record == NULL)
			return 0;
	return n == s->nrecords;
}

/* ---- the state file ------------------------------------------------------------ */

struct state_line {
	char *owner, *rec; /* "_25._tcp.mx.example.", "3 1 1 ab12..." */
	long long first;
};

struct state {
	struct state_line *v;
	size_t n;
};

/* Threads of a fleet share the file: one read-modify-write at a time. */
static pthread_mutex_t state_mu = PTHREAD_MUTEX_INITIALIZER;

static void state_free(struct state *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->v[i].owner);
		free(s->v[i].rec);
	}
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

static int state_add(struct state *s, const char *owner, const char *rec, long long first)
{
	struct state_line *nv = realloc(s->v, (s->n + 1) * sizeof(*nv));

	if (nv == NULL)
		return -1;
	s->v = nv;
	nv[s->n].owner = strdup(owner);
	nv[s->n].rec = strdup(rec);
	nv[s->n].first = first;
	if (nv[s->n].owner == NULL || nv[s->n].rec == NULL) {
		free(nv[s->n].owner);
		free(nv[s->n].rec);
		return -1;
	}
	s->n++;
	return 0;
}

/* The file into s (none yet: empty).  -1 with why set. */
static int state_read(const char *file, struct state *s, char *why, size_t whysize)
{
	char line[8192], owner[600], hex[8000];
	unsigned u, sel, m;
	long long first;
	unsigned long no = 0;
	FILE *fp = fopen(file, "r");

	if (fp == NULL) {
		if (errno == ENOENT)
			return 0;
		snprintf(why, whysize, "--state %s: %s", file, strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), fp) != NULL) {
		char rec[8100];

		no++;
		if (line[0] == '#' || line[strspn(line, " \t\r\n")] == '\0')
			continue;
		if (sscanf(line, "%599s %u %u %u %7999s %lld", owner, &u, &sel, &m, hex, &first) !=
		    6) {
			snprintf(why, whysize,
				 "--state %s: line %lu: not 'OWNER U S M HEX FIRST-SEEN' (remove "
				 "the file to start over)",
				 file, no);
			fclose(fp);
			return -1;
		}
		snprintf(rec, sizeof(rec), "%u %u %u %s", u, sel, m, hex);
		if (state_add(s, owner, rec, first) != 0) {
			snprintf(why, whysize, "out of memory");
			fclose(fp);
			return -1;
		}
	}
	fclose(fp);
	return 0;
}

static int fsync_dir_of(const char *file)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(file, '/');
	int fd, r;

	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == file)
		snprintf(dir, sizeof(dir), "/");
	else
		snprintf(dir, sizeof(dir), "%.*s", (int)(slash - file), file);
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0)
		return -1;
	r = fsync(fd);
	close(fd);
	return r;
}

/* The file from s: temp file beside it, fsync, rename, directory fsync. */
static int state_write(const char *file, const struct state *s, char *why, size_t whysize)
{
	char tmp[PATH_MAX];
	size_t i;
	FILE *fp;
	int fd, e;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", file) >= (int)sizeof(tmp)) {
		snprintf(why, whysize, "--state %s: name too long", file);
		return -1;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		snprintf(why, whysize, "--state %s: cannot create a temp file beside it: %s", file,
			 strerror(errno));
		return -1;
	}
	fp = fdopen(fd, "w");
	if (fp == NULL) {
		e = errno;
		close(fd);
		unlink(tmp);
		snprintf(why, whysize, "--state %s: %s", file, strerror(e));
		return -1;
	}
	fprintf(fp, "# tlsa check --state: when each TLSA record was first seen on every\n"
		    "# authoritative nameserver (OWNER U S M HEX FIRST-SEEN, Unix time)\n");
	for (i = 0; i < s->n; i++)
		fprintf(fp, "%s %s %lld\n", s->v[i].owner, s->v[i].rec, s->v[i].first);
	if (fflush(fp) != 0 || fsync(fileno(fp)) != 0) {
		e = errno;
		fclose(fp);
		unlink(tmp);
		snprintf(why, whysize, "--state %s: writing: %s", file, strerror(e));
		return -1;
	}
	if (fclose(fp) != 0 || rename(tmp, file) != 0) {
		e = errno;
		unlink(tmp);
		snprintf(why, whysize, "--state %s: replacing: %s", file, strerror(e));
		return -1;
	}
	if (fsync_dir_of(file) != 0) {
		snprintf(why, whysize, "--state %s: fsync of its directory: %s", file,
			 strerror(errno));
		return -1;
	}
	return 0;
}

/* ---- readiness -------------------------------------------------------------------- */

/* Which nameservers lack r; the TTL of those that serve it. */
static void servers_of(const struct check_target *t, const tlsa_record *r, struct cand_result *cr)
{
	size_t i;

	cr->ns_known = 1;
	if (t->ns->nservers == 0) {
		cr->ns_missing = 1;
		snprintf(cr->missing, sizeof(cr->missing), "%s",
			 "the nameservers (none could be found)");
	}
	for (i = 0; i < t->ns->nservers; i++) {
		const tlsa_ns_server *s = &t->ns->servers[i];

		if (s->answered && check_ns_serves(s, r)) {
			if (s->ttl > cr->ttl)
				cr->ttl = s->ttl;
			continue;
		}
		if (cr->ns_missing++ == 0)
			snprintf(cr->missing, sizeof(cr->missing), "%s (%s)", s->name,
				 s->address[0] != '\0' ? s->address : "no address");
	}
}

static long long *state_find(struct state *s, const char *owner, const char *rec, size_t *at)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcasecmp(s->v[i].owner, owner) == 0 && strcmp(s->v[i].rec, rec) == 0) {
			*at = i;
			return &s->v[i].first;
		}
	return NULL;
}

/* Record cr's record in s: seen everywhere now (keep or start its clock), or not. */
static int remember(struct state *s, const char *owner, const char *rec, struct cand_result *cr,
		    time_t now, unsigned long extra)
{
	long long *first;
	size_t at = 0;

	first = state_find(s, owner, rec, &at);
	if (cr->ns_missing > 0) {
		if (first != NULL) {
			free(s->v[at].owner);
			free(s->v[at].rec);
			s->v[at] = s->v[--s->n];
		}
		return 0;
	}
	if (first == NULL) {
		if (state_add(s, owner, rec, (long long)now) != 0)
			return -1;
		first = &s->v[s->n - 1].first;
	}
	cr->first_seen = *first;
	cr->safe_at = *first + 2 * (int64_t)cr->ttl + (int64_t)extra;
	return 0;
}

int check_ns_readiness(struct check_target *t, struct check_opts *o, time_t now)
{
	struct state st = {NULL, 0};
	char why[1024];
	const char *owner = t->ns != NULL ? t->ns->owner : records_owner(t);
	size_t k;
	int rc = 0, any = 0;

	for (k = 0; k < t->ncands; k++) {
		struct cand_result *cr = &t->cands[k];

		if (cr->rec < 0 || t->recs[cr->rec].rec == NULL)
			continue;
		if (t->ns != NULL)
			servers_of(t, t->recs[cr->rec].rec, cr);
		if (cr->ttl == 0 && t->tlsa != NULL)
			cr->ttl = t->tlsa->answer.ttl;
		any = 1;
	}
	if (o->state == NULL || !any || owner == NULL)
		return 0;
	pthread_mutex_lock(&state_mu);
	if (state_read(o->state, &st, why, sizeof(why)) != 0)
		rc = -1;
	for (k = 0; rc == 0 && k < t->ncands; k++) {
		struct cand_result *cr = &t->cands[k];

		if (cr->rec < 0 || t->recs[cr->rec].rec == NULL)
			continue;
		if (remember(&st, owner, t->recs[cr->rec].text, cr, now, o->resolver_cache) != 0) {
			snprintf(why, sizeof(why), "out of memory");
			rc = -1;
		}
	}
	if (rc == 0 && state_write(o->state, &st, why, sizeof(why)) != 0)
		rc = -1;
	pthread_mutex_unlock(&state_mu);
	state_free(&st);
	if (rc != 0)
		check_problem(o, "%s", why);
	return rc;
}
