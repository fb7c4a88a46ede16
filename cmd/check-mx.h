/*
 * --mx and --srv (check-mx.c): a mail domain or an SRV owner expanded
 * into its hosts.  check_expand_mx()/check_expand_srv() look up the MX or
 * SRV RRset and fill g->ep, one endpoint per host in preference order
 * (for a domain without MX, the domain itself, preference 0); the caller
 * checks each endpoint as a target (check_examine_group(), check-examine.c),
 * check-policy.c judges the whole.  Expansion never aborts on DNS
 * trouble: what DNS said is in g->mx / g->srv for the policy to judge; -1
 * only when out of memory or the name is not usable (then why holds the
 * sentence).
 */
#ifndef TLSA_CHECK_MX_H
#define TLSA_CHECK_MX_H

#include <stddef.h>

#include "check-result.h"

int check_expand_mx(const tlsa_resolver *res, const char *domain, struct check_group *g, char *why,
		    size_t whysize);
/*
 * starttls: the protocol to speak (-t), or NULL to take it from the
 * service label (_xmpp-client: xmpp, _submission: smtp, _imaps: direct
 * TLS...); *starttls_set says -t was given.  An unknown service without
 * -t is refused (why says so).
 */
int check_expand_srv(const tlsa_resolver *res, const char *owner, const tlsa_starttls *starttls,
		     int starttls_set, struct check_group *g, char *why, size_t whysize);
/* Frees what the group owns except g->t (the caller's targets). */
void check_group_free(struct check_group *g);

#endif
