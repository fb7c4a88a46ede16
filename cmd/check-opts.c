/*
 * The options of tlsa check: their defaults, what they own, and the
 * sentence saying why a check could not run.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "check-opts.h"
#include "check-share.h"
#include "cli.h"

void check_opts_init(struct check_opts *o)
{
	memset(o, 0, sizeof(*o));
	cli_target_init(&o->target);
	o->warn_days = 21;
	o->sig_warn_days = 3;
	o->all_ns = -1; /* on with --candidate */
	o->family = AF_UNSPEC;
	o->key_types = TLSA_KEY_FIRST | TLSA_KEY_ALL;
	o->jobs = 1;
	o->per_address = CHECK_PER_ADDRESS_DEFAULT;
	o->dns_jobs = CHECK_LOOKUPS_DEFAULT;
	o->fmt = check_format_default();
}

void check_opts_free(struct check_opts *o)
{
	size_t i;

	for (i = 0; i < o->ncands; i++)
		tlsa_input_free(o->cands[i].in);
	free(o->cands);
	tlsa_input_free(o->chain);
	free(o->cand_files);
	free(o->addresses);
	free(o->resolvers);
	free(o->tlsa);
}

void check_problem(struct check_opts *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(o->problem, sizeof(o->problem), fmt, ap);
	va_end(ap);
	if (!o->fleet)
		cli_error("%s", o->problem);
}
