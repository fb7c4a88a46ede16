/*
 * tlsa check --mx and --srv: expand a mail domain (RFC 7672) or an SRV
 * owner (RFC 7673) into the endpoints a DANE client would connect to.
 *
 * Owns: the MX/SRV lookup of a group, the endpoints in preference order
 * (the domain itself when it has no MX, RFC 5321 section 5.1), the
 * service domain of an SRV owner and the STARTTLS protocol its service
 * label implies.  Does not own: checking each endpoint
 * (check-examine.c), the verdicts (check-policy.c) or printing
 * (check-out-*.c).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "check-mx.h"
#include "check-share.h"

static int add_ep(struct check_group *g, const char *host, unsigned port, int preference,
		  int implicit, const tlsa_starttls *starttls)
{
	struct check_endpoint *nv = realloc(g->ep, (g->nep + 1) * sizeof(*nv));

	if (nv == NULL)
		return -1;
	g->ep = nv;
	nv = &g->ep[g->nep];
	nv->host = strdup(host);
	if (nv->host == NULL)
		return -1;
	nv->port = port;
	nv->preference = preference;
	nv->implicit = implicit;
	nv->starttls = starttls;
	g->nep++;
	return 0;
}

int check_expand_mx(const tlsa_resolver *res, const char *domain, struct check_group *g, char *why,
		    size_t whysize)
{
	const tlsa_starttls *smtp = tlsa_starttls_find("smtp");
	const tlsa_dns_answer *a;
	tlsa_status st;
	size_t i;

	g->kind = GROUP_MX;
	g->name = strdup(domain);
	if (g->name == NULL || smtp == NULL) {
		snprintf(why, whysize, "out of memory");
		return -1;
	}
	check_lookup_begin();
	st = tlsa_lookup_mx(res, domain, &g->mx);
	check_lookup_end();
	if (st != TLSA_OK) {
		snprintf(why, whysize, "%s: MX lookup: %s", domain, tlsa_strerror(st));
		return -1;
	}
	a = &g->mx->answer;
	if (g->mx->null_mx)
		return 0;
	for (i = 0; i < g->mx->nmx; i++)
		if (add_ep(g, g->mx->mx[i].host, 25, g->mx->mx[i].preference, 0, smtp) != 0)
			goto nomem;
	/*
	 * No MX RRset at an existing name: a sender delivers to the domain's
	 * own addresses, as if it were its MX host with preference 0.  The
	 * DNSSEC state of that denial is the MX state the policy judges.
	 */
	if (g->mx->nmx == 0 && a->answered && a->nodata && a->rcode == 0 &&
	    a->state != TLSA_DNSSEC_BOGUS && a->state != TLSA_DNSSEC_INDETERMINATE)
		if (add_ep(g, domain, 25, 0, 1, smtp) != 0)
			goto nomem;
	return 0;
nomem:
	snprintf(why, whysize, "out of memory");
	return -1;
}

/*
 * The protocol a service label implies: STARTTLS where the service
 * upgrades a plain connection, direct TLS (NULL) for the implicit-TLS
 * services (RFC 8314 and their kin).
 */
static const struct {
	const char *service;
	const char *starttls; /* NULL: direct TLS */
} services[] = {
    {"xmpp-client", "xmpp"},
    {"xmpp-server", "xmpp-server"},
    {"xmpps-client", NULL},
    {"xmpps-server", NULL},
    {"submission", "smtp"},
    {"submissions", NULL},
    {"smtp", "smtp"},
    {"lmtp", "lmtp"},
    {"imap", "imap"},
    {"imaps", NULL},
    {"pop3", "pop3"},
    {"pop3s", NULL},
    {"sieve", "sieve"},
    {"managesieve", "sieve"},
    {"ldap", "ldap"},
    {"ldaps", NULL},
    {"nntp", "nntp"},
    {"nntps", NULL},
    {"ftp", "ftp"},
    {"ftps", NULL},
    {"postgresql", "postgres"},
    {"https", NULL},
    {"caldavs", NULL},
    {"carddavs", NULL},
};

static int service_protocol(const char *label, size_t len, const tlsa_starttls **out)
{
	size_t i;

	for (i = 0; i < sizeof(services) / sizeof(services[0]); i++) {
		if (strlen(services[i].service) != len ||
		    strncasecmp(services[i].service, label, len) != 0)
			continue;
		*out =
		    services[i].starttls != NULL ? tlsa_starttls_find(services[i].starttls) : NULL;
		return services[i].starttls == NULL || *out != NULL ? 0 : -1;
	}
	return -1;
}

int check_expand_srv(const tlsa_resolver *res, const char *owner, const tlsa_starttls *starttls,
		     int starttls_set, struct check_group *g, char *why, size_t whysize)
{
	const char *svc = owner, *proto, *rest;
	size_t svclen, protolen, n;
	tlsa_status st;
	size_t i;

	g->kind = GROUP_SRV;
	g->name = strdup(owner);
	if (g->name == NULL) {
		snprintf(why, whysize, "out of memory");
		return -1;
	}
	/* _SERVICE._PROTO.DOMAIN (RFC 2782) */
	proto = strchr(svc, '.');
	rest = proto != NULL ? strchr(proto + 1, '.') : NULL;
	if (svc[0] != '_' || proto == NULL || proto[1] != '_' || rest == NULL || rest[1] == '\0' ||
	    strcmp(rest, ".") == 0) {
		snprintf(why, whysize,
			 "--srv %s: want an SRV owner such as "
			 "_xmpp-client._tcp.example.org",
			 owner);
		return -1;
	}
	svclen = (size_t)(proto - svc) - 1;
	protolen = (size_t)(rest - proto) - 2;
	if (protolen != 3 || strncasecmp(proto + 2, "tcp", 3) != 0) {
		snprintf(why, whysize, "--srv %s: only _tcp services can be checked", owner);
		return -1;
	}
	if (!starttls_set && service_protocol(svc + 1, svclen, &starttls) != 0) {
		snprintf(why, whysize,
			 "--srv %s: unknown service '%.*s': say how to speak to it "
			 "with -t PROTO, or -t none for TLS from the first byte",
			 owner, (int)svclen, svc + 1);
		return -1;
	}
	g->service_domain = strdup(rest + 1);
	if (g->service_domain == NULL) {
		snprintf(why, whysize, "out of memory");
		return -1;
	}
	n = strlen(g->service_domain);
	if (n > 1 && g->service_domain[n - 1] == '.')
		g->service_domain[n - 1] = '\0';
	check_lookup_begin();
	st = tlsa_lookup_srv(res, owner, &g->srv);
	check_lookup_end();
	if (st != TLSA_OK) {
		snprintf(why, whysize, "%s: SRV lookup: %s", owner, tlsa_strerror(st));
		return -1;
	}
	if (g->srv->no_service)
		return 0;
	for (i = 0; i < g->srv->nsrv; i++)
		if (add_ep(g, g->srv->srv[i].target, g->srv->srv[i].port, g->srv->srv[i].priority,
			   0, starttls) != 0) {
			snprintf(why, whysize, "out of memory");
			return -1;
		}
	return 0;
}

void check_group_free(struct check_group *g)
{
	size_t i;

	for (i = 0; i < g->nep; i++)
		free(g->ep[i].host);
	free(g->ep);
	free(g->name);
	free(g->service_domain);
	tlsa_mx_result_free(g->mx);
	tlsa_srv_result_free(g->srv);
	notes_free(&g->notes);
	memset(g, 0, sizeof(*g));
}
