/*
 * A target's TLSA records (check-records.c): from DNS, from --tlsa texts,
 * or from a --tlsa-file.
 */
#ifndef TLSA_CHECK_RECORDS_H
#define TLSA_CHECK_RECORDS_H

#include <tlsa.h>

#include "check-opts.h"
#include "check-result.h"

/*
 * Fill t->recs and t->base_domain: the --tlsa and --tlsa-file records
 * when t->source is SRC_GIVEN, else the TLSA lookup through res (kept in
 * t->tlsa).  0, or -1 with o->problem saying why.
 */
int check_records_gather(struct check_target *t, struct check_opts *o, const tlsa_resolver *res);

#endif
