/*
 * tlsa check --targets FILE --jobs N: a fleet of checks.
 *
 * Owns: the targets file (one "HOST [PORT [STARTTLS]]" or "--mx DOMAIN"
 * per line, '#' comments), read twice: once to refuse a bad line before
 * anything is contacted, once to feed the checks; and the pool of threads
 * that runs N checks at a time and hands results back in input order.
 * Only a window of 2N results is alive at any moment, so a file of any
 * length runs in bounded memory: a result is printed as soon as every
 * earlier one is, then freed.
 * Does not own: what a check does (check-run.c, through fleet_run.check),
 * the verdicts (check-policy.c) or how results are printed
 * (the format's fleet hooks, check-out-*.c).
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check-share.h"
#include "check-targets.h"
#include "cli.h"

/* Bad lines named on stderr before the rest are only counted. */
#define BAD_LINES_SHOWN 20

/* ---- the file ---------------------------------------------------------------- */

/*
 * Parse one line into l (l->host is a copy; free it with fleet_line_clear).
 * Returns 1 for a target, 0 for a blank or comment line, -1 for a bad line
 * with why set, -2 when out of memory.
 */
static int parse_line(char *line, const struct fleet_defaults *d, struct fleet_line *l, char *why,
		      size_t whysize)
{
	char *field[4], *save = NULL, *p, bad[256], q[128];
	int rc;
	unsigned long port;
	size_t n = 0;

	line[strcspn(line, "#\r\n")] = '\0';
	for (p = strtok_r(line, " \t", &save); p != NULL; p = strtok_r(NULL, " \t", &save)) {
		if (n == 4) {
			snprintf(why, whysize,
				 "too many fields (want HOST [PORT [STARTTLS]] or "
				 "--mx DOMAIN)");
			return -1;
		}
		field[n++] = p;
	}
	if (n == 0)
		return 0;
	memset(l, 0, sizeof(*l));
	if (field[0][0] == '-') {
		if (strcmp(field[0], "--mx") != 0) {
			cli_quote(field[0], q, sizeof(q));
			snprintf(why, whysize,
				 "unknown option %s (a line is HOST [PORT [STARTTLS]] "
				 "or --mx DOMAIN)",
				 q);
			return -1;
		}
		if (n != 2) {
			snprintf(why, whysize, "--mx takes one mail domain (--mx DOMAIN)");
			return -1;
		}
		if (cli_host_check(field[1], bad, sizeof(bad)) != 0) {
			snprintf(why, whysize, "mail domain %s", bad);
			return -1;
		}
		l->mx = 1;
		l->port = 25;
		l->starttls = tlsa_starttls_find("smtp");
		l->host = strdup(field[1]);
		return l->host == NULL ? -2 : 1;
	}
	if ((rc = cli_host_check(field[0], bad, sizeof(bad))) != 0) {
		snprintf(why, whysize, "%s%s", bad,
			 rc == CLI_HOST_PORT ? " (give the port as the second field)" : "");
		return -1;
	}
	if (n == 4) {
		cli_quote(field[3], q, sizeof(q));
		snprintf(why, whysize, "unexpected %s (want HOST [PORT [STARTTLS]])", q);
		return -1;
	}
	l->port = d->port;
	l->starttls = d->starttls;
	if (n >= 2) {
		if (cli_parse_ulong(field[1], 1, 65535, &port) != 0) {
			cli_quote(field[1], q, sizeof(q));
			snprintf(why, whysize, "bad port %s (want 1-65535)", q);
			return -1;
		}
		l->port = (unsigned)port;
		/* As on the command line: the port picks the protocol... */
		l->starttls = tlsa_starttls_by_port(l->port);
	}
	if (n == 3) {
		l->starttls = NULL;
		if (strcmp(field[2], "none") != 0 &&
		    (l->starttls = tlsa_starttls_find(field[2])) == NULL) {
			cli_quote(field[2], q, sizeof(q));
			snprintf(why, whysize,
				 "unknown STARTTLS protocol %s (want one of: %s, or "
				 "none)",
				 q, tlsa_starttls_names());
			return -1;
		}
	} else if (n == 1 && d->starttls_set) {
		/* ...unless -t was given, which a bare HOST line inherits. */
		l->starttls = d->starttls;
	}
	l->host = strdup(field[0]);
	return l->host == NULL ? -2 : 1;
}

/* Whether line number lineno is --shard K/N's (every line, without --shard). */
static int in_shard(const struct fleet_run *f, unsigned long lineno)
{
	return f->shard_n == 0 || lineno % f->shard_n == f->shard_k - 1;
}

void fleet_line_clear(struct fleet_line *l)
{
	free(l->host);
	l->host = NULL;
}

/*
 * First pass: every line must parse before anything is contacted.  A file
 * that cannot be read twice (stdin, a pipe, a process substitution) is
 * copied on the way: to a temporary file, or into memory (*mem, for the
 * caller to free after closing the stream) when none can be made.
 * Every line is checked, --shard or not, so that every shard refuses the
 * same file.  *count is the number of targets in the file, *mine those of
 * this shard.  Returns the stream to read the targets from, rewound, or
 * NULL after the errors were said.
 */
static FILE *validate(const struct fleet_run *f, size_t *count, size_t *mine, char **mem)
{
	const char *path = f->file;
	const struct fleet_defaults *d = &f->defaults;
	FILE *in, *out = NULL, *rd;
	char *line = NULL, why[400];
	size_t cap = 0, memlen = 0;
	ssize_t len;
	unsigned long lineno = 0, bad = 0;
	struct fleet_line l;
	struct stat sb;
	int k, in_memory = 0;

	*count = 0;
	*mine = 0;
	*mem = NULL;
	in = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	if (in == NULL) {
		cli_error("--targets %s: %s", path, strerror(errno));
		return NULL;
	}
	if (in == stdin || fstat(fileno(in), &sb) != 0 || !S_ISREG(sb.st_mode)) {
		out = tmpfile();
		if (out == NULL && (out = open_memstream(mem, &memlen)) != NULL)
			in_memory = 1;
		if (out == NULL) {
			cli_error("--targets %s: cannot keep a copy to read twice: %s", path,
				  strerror(errno));
			if (in != stdin)
				fclose(in);
			return NULL;
		}
	}
	while ((len = getline(&line, &cap, in)) >= 0) {
		lineno++;
		if (out != NULL && fwrite(line, 1, (size_t)len, out) != (size_t)len) {
			cli_error("--targets %s: cannot keep a copy to read twice: %s", path,
				  strerror(errno));
			bad++;
			break;
		}
		k = parse_line(line, d, &l, why, sizeof(why));
		if (k == 1) {
			fleet_line_clear(&l);
			(*count)++;
			*mine += in_shard(f, lineno);
		} else if (k == -2) {
			cli_error("out of memory");
			bad++;
			break;
		} else if (k < 0 && ++bad <= BAD_LINES_SHOWN) {
			cli_error("%s: line %lu: %s", path, lineno, why);
		}
	}
	if (ferror(in)) {
		cli_error("--targets %s: %s", path, strerror(errno));
		bad++;
	}
	if (bad > BAD_LINES_SHOWN)
		cli_error("%s: %lu more bad lines", path, bad - BAD_LINES_SHOWN);
	if (bad == 0 && *count == 0) {
		cli_error("%s: no targets in the file", path);
		bad++;
	}
	free(line);
	if (out != NULL && in != stdin)
		fclose(in);
	if (in_memory) {
		/* The copy is complete once its stream is closed. */
		if (fclose(out) != 0 && bad == 0) {
			cli_error("out of memory");
			bad++;
		}
		out = bad == 0 ? fmemopen(*mem, memlen, "r") : NULL;
		if (out == NULL) {
			if (bad == 0)
				cli_error("out of memory");
			free(*mem);
			*mem = NULL;
		}
		return out;
	}
	/* The file itself, or its copy in a temporary file: rewound. */
	rd = out != NULL ? out : in;
	if (bad == 0 && (fflush(rd) != 0 || fseek(rd, 0, SEEK_SET) != 0)) {
		cli_error("--targets %s: cannot read %s again: %s", path,
			  out != NULL ? "the copy" : "it", strerror(errno));
		bad++;
	}
	if (bad > 0) {
		fclose(rd);
		return NULL;
	}
	return rd;
}

/*
 * The next target of an already validated file (of this --shard) into l:
 * 1, 0 at the end, -1 on error.
 */
static int next_line(FILE *fp, const struct fleet_run *f, struct fleet_line *l,
		     unsigned long *lineno)
{
	char *line = NULL, why[400];
	size_t cap = 0;
	int k = 0;

	while (k == 0 && getline(&line, &cap, fp) >= 0) {
		(*lineno)++;
		k = parse_line(line, &f->defaults, l, why, sizeof(why));
		l->lineno = *lineno;
		if (k == 1 && !in_shard(f, *lineno)) {
			fleet_line_clear(l);
			k = 0;
		}
	}
	free(line);
	if (k < 0 || ferror(fp))
		return -1;
	return k;
}

/* ---- the pool ------------------------------------------------------------------ */

struct pool {
	const struct fleet_run *f;
	pthread_mutex_t mu;
	pthread_cond_t work;	   /* a result was queued, or the run is closing */
	pthread_cond_t done;	   /* a result was finished */
	struct fleet_result *slot; /* the window: result i lives in slot[i % w] */
	unsigned char *finished;
	size_t w;
	size_t submitted; /* results queued so far */
	size_t taken;	  /* results a worker has started */
	int closing;
};

static void *worker(void *arg)
{
	struct pool *p = arg;
	size_t i;

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (p->taken == p->submitted && !p->closing)
			pthread_cond_wait(&p->work, &p->mu);
		if (p->taken == p->submitted)
			break;
		i = p->taken++;
		pthread_mutex_unlock(&p->mu);
		p->f->check(p->f->ctx, &p->slot[i % p->w]);
		pthread_mutex_lock(&p->mu);
		p->finished[i % p->w] = 1;
		pthread_cond_broadcast(&p->done);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/*
 * The fleet stops before its first result (a bad targets file, no
 * resolver, no memory, no thread): say why on stdout in a machine-read
 * format's own way as well (the reason is on stderr already), so that a monitoring
 * system never shows an empty status.
 */
static void stop_early(const struct fleet_run *f, size_t total)
{
	struct fleet_out out;
	const char *why = cli_first_error();

	/* Text has no target to print: stderr says enough, as for one target. */
	if (f->fmt->unknown == NULL)
		return;
	memset(&out, 0, sizeof(out));
	out.fp = stdout;
	out.total = total;
	if (f->fmt->fleet_begin != NULL)
		(void)f->fmt->fleet_begin(&out); /* a discard without state still says why */
	if (f->fmt->fleet_discard != NULL)
		f->fmt->fleet_discard(&out, why[0] != '\0' ? why : "the check could not run");
}

/* A shard without targets: the format's empty fleet, OK. */
static int empty_shard(const struct fleet_run *f)
{
	struct fleet_out out;

	memset(&out, 0, sizeof(out));
	out.fp = stdout;
	if (f->fmt->fleet_begin != NULL && f->fmt->fleet_begin(&out) != 0) {
		cli_error("cannot start the %s output: %s", f->fmt->name, strerror(errno));
		return V_UNKNOWN;
	}
	if (f->fmt->fleet_end != NULL && f->fmt->fleet_end(&out, V_OK) != 0) {
		cli_error("cannot write the %s output: %s", f->fmt->name, strerror(errno));
		return V_UNKNOWN;
	}
	return V_OK;
}

int check_fleet(const struct fleet_run *f)
{
	struct pool p;
	struct fleet_out out;
	pthread_t *th = NULL;
	pthread_attr_t attr;
	int err = EAGAIN;
	size_t all, total, printed = 0, started = 0, i;
	unsigned long lineno = 0;
	int more = 1, k, failed = 0;
	char stopped[1200] = "", *mem;
	enum verdict worst = V_OK;
	FILE *fp;

	fp = validate(f, &all, &total, &mem);
	if (fp == NULL) {
		stop_early(f, 0);
		return V_UNKNOWN;
	}
	if (f->ready != NULL && f->ready(f->ctx) != 0) {
		stop_early(f, total);
		fclose(fp);
		free(mem);
		return V_UNKNOWN;
	}
	/* A --shard of a short file may have no line: nothing to check, all is well. */
	if (total == 0) {
		fclose(fp);
		free(mem);
		return empty_shard(f);
	}
	memset(&p, 0, sizeof(p));
	memset(&out, 0, sizeof(out));
	p.f = f;
	p.w = f->jobs < total ? (size_t)f->jobs * 2 : total;
	p.slot = calloc(p.w, sizeof(*p.slot));
	p.finished = calloc(p.w, 1);
	th = calloc(f->jobs, sizeof(*th));
	if (p.slot == NULL || p.finished == NULL || th == NULL) {
		cli_error("out of memory");
		stop_early(f, total);
		goto out;
	}
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.work, NULL);
	pthread_cond_init(&p.done, NULL);
	/* Small stacks: thousands of threads, each mostly waiting on the network. */
	if (check_thread_attr(&attr) == 0) {
		for (i = 0; i < f->jobs && i < total; i++) {
			if ((err = pthread_create(&th[i], &attr, worker, &p)) != 0)
				break;
			started++;
		}
		pthread_attr_destroy(&attr);
	}
	if (started == 0) {
		cli_error("cannot start a thread: %s", strerror(err));
		stop_early(f, total);
		goto destroy;
	}
	if (started < f->jobs && started < total)
		cli_warn("--jobs %u: only %zu threads could be started (%s); running %zu at a time",
			 f->jobs, started, strerror(err), started);
	out.fp = stdout;
	out.total = total;
	if (f->fmt->fleet_begin != NULL && f->fmt->fleet_begin(&out) != 0) {
		snprintf(stopped, sizeof(stopped), "cannot start the %s output: %s", f->fmt->name,
			 strerror(errno));
		cli_error("%s", stopped);
		failed = 1;
	}
	while (!failed && (more || printed < p.submitted)) {
		/* Fill the window; a slot is free once its result was printed. */
		while (more && p.submitted - printed < p.w) {
			struct fleet_result *r = &p.slot[p.submitted % p.w];

			memset(r, 0, sizeof(*r));
			k = next_line(fp, f, &r->line, &lineno);
			if (k <= 0) {
				more = 0;
				if (k < 0) {
					snprintf(stopped, sizeof(stopped),
						 "--targets %s: line %lu: read failed", f->file,
						 lineno);
					cli_error("%s", stopped);
					failed = 1;
				}
				break;
			}
			pthread_mutex_lock(&p.mu);
			p.submitted++;
			pthread_cond_signal(&p.work);
			pthread_mutex_unlock(&p.mu);
		}
		if (printed == p.submitted)
			break;
		pthread_mutex_lock(&p.mu);
		while (!p.finished[printed % p.w])
			pthread_cond_wait(&p.done, &p.mu);
		p.finished[printed % p.w] = 0;
		pthread_mutex_unlock(&p.mu);
		{
			struct fleet_result *r = &p.slot[printed % p.w];

			if (r->problem[0] != '\0')
				cli_error("%s", r->problem);
			f->fmt->fleet_each(&out, r);
			out.printed++;
			worst = verdict_worse(worst, r->verdict);
			out.count[r->verdict]++;
			f->release(f->ctx, r);
			fleet_line_clear(&r->line);
		}
		printed++;
	}
	if (!failed && f->fmt->fleet_end != NULL && f->fmt->fleet_end(&out, worst) != 0) {
		cli_error("cannot write the %s output: %s", f->fmt->name, strerror(errno));
		failed = 1;
	} else if (failed && f->fmt->fleet_discard != NULL) {
		f->fmt->fleet_discard(&out, stopped);
	}
	pthread_mutex_lock(&p.mu);
	p.closing = 1;
	pthread_cond_broadcast(&p.work);
	pthread_mutex_unlock(&p.mu);
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
	/* After a failure, results still in the window are dropped unprinted. */
	for (; printed < p.submitted; printed++) {
		f->release(f->ctx, &p.slot[printed % p.w]);
		fleet_line_clear(&p.slot[printed % p.w].line);
	}
destroy:
	pthread_cond_destroy(&p.done);
	pthread_cond_destroy(&p.work);
	pthread_mutex_destroy(&p.mu);
out:
	if (started == 0 || failed)
		worst = V_UNKNOWN;
	free(th);
	free(p.finished);
	free(p.slot);
	fclose(fp);
	free(mem);
	return (int)worst;
}
