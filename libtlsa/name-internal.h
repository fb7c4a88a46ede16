/*
 * Private to libtlsa: the one walk over a name's labels (name.c), and
 * the rule sets it walks under.  Not installed.
 */
#ifndef TLSA_NAME_INTERNAL_H
#define TLSA_NAME_INTERNAL_H

#include <stddef.h>

#include "tlsa/status.h"

struct tlsa_name_rules;

extern const struct tlsa_name_rules tlsa_name_host;  /* 63 characters a label, 253 */
extern const struct tlsa_name_rules tlsa_name_owner; /* zone text: 63 bytes, 255 wire */
extern const struct tlsa_name_rules tlsa_name_dns;   /* any bytes: 63 bytes, 255 wire */

/*
 * Walk name's labels under rules r: TLSA_OK, or TLSA_ERR_DNS_NAME with
 * why (when not NULL) set to a phrase that follows the name ("has an
 * empty label ...").  "" is an empty name, and so is "." for a host.
 */
tlsa_status tlsa_name_walk(const char *name, const struct tlsa_name_rules *r, char *why,
			   size_t whysize);

/* tlsa_owner_name_check() with the phrase in why, for the zone files. */
tlsa_status tlsa_owner_name_why(const char *name, char *why, size_t whysize);

#endif
