/*
 * Running a check whose options are parsed (check-run.c): one target,
 * one --mx or --srv group, or a --targets fleet, examined and printed in
 * o->fmt.  Each returns the exit status.
 */
#ifndef TLSA_CHECK_RUN_H
#define TLSA_CHECK_RUN_H

#include "check-opts.h"

int check_run_target(struct check_opts *o, const char *host);
int check_run_group(struct check_opts *o, const char *name);
int check_run_fleet(struct check_opts *o);

#endif
