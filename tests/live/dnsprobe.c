/*
 * dnsprobe: a small driver of libtlsa's DNS floor for tests/live/dns.sh.
 * Prints one line of key=value facts per lookup so the shell test can
 * compare AD mode and local validation on the same names.
 *
 *   dnsprobe [-r ADDR[@PORT]]... [-t TRUST_ANCHOR] [-w TIMEOUT_MS] KIND NAME [PORT]
 *   KIND: tlsa (NAME PORT), addr, mx, srv
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <tlsa.h>

static void answer(const char *tag, const tlsa_dns_answer *a)
{
	size_t i;

	printf("%s.state=%s %s.rcode=%d %s.nodata=%d %s.denial=%d %s.answered=%d %s.name=%s", tag,
	       tlsa_dnssec_name(a->state), tag, a->rcode, tag, a->nodata, tag, a->denial_secure,
	       tag, a->answered, tag, a->name ? a->name : "-");
	for (i = 0; i < a->ncnames; i++)
		printf(" %s.cname%zu=%s>%s:%s", tag, i, a->cnames[i].owner, a->cnames[i].target,
		       tlsa_dnssec_name(a->cnames[i].state));
	if (a->reason)
		printf(" %s.reason=\"%s\"", tag, a->reason);
}

int main(int argc, char **argv)
{
	const char *servers[8];
	size_t nservers = 0;
	const char *anchor = NULL;
	unsigned timeout = 0;
	tlsa_resolver *res;
	tlsa_status st;
	int c;

	while ((c = getopt(argc, argv, "r:t:w:")) != -1) {
		switch (c) {
		case 'r':
			if (nservers < 8)
				servers[nservers++] = optarg;
			break;
		case 't': anchor = optarg; break;
		case 'w': timeout = (unsigned)atoi(optarg); break;
		default: return 2;
		}
	}
	if (argc - optind < 2)
		return 2;
	st = tlsa_resolver_new(servers, nservers, timeout, anchor, &res);
	if (st != TLSA_OK) {
		fprintf(stderr, "dnsprobe: %s\n", tlsa_strerror(st));
		return 1;
	}
	if (strcmp(argv[optind], "tlsa") == 0) {
		tlsa_tlsa_result *r;
		size_t i;

		st = tlsa_lookup_tlsa(res, argv[optind + 1],
				      argc - optind > 2 ? (unsigned)atoi(argv[optind + 2]) : 443,
				      "tcp", &r);
		if (st == TLSA_OK) {
			printf("base=%s expanded=%s base_is_expanded=%d expansion_secure=%d "
			       "owner=%s n=%zu ",
			       r->base_domain, r->expanded, r->base_is_expanded,
			       r->expansion_secure, r->owner, r->nrecords);
			answer("tlsa", &r->answer);
			printf(" ");
			answer("host", &r->host_answer);
			for (i = 0; i < r->nrecords; i++) {
				char *t = r->records[i].record
					      ? tlsa_record_to_text(r->records[i].record)
					      : NULL;

				printf(" rr%zu=\"%s\"", i, t ? t : "malformed");
				free(t);
			}
			printf("\n");
			tlsa_tlsa_result_free(r);
		}
	} else if (strcmp(argv[optind], "addr") == 0) {
		tlsa_addr_result *r;
		size_t i;

		st = tlsa_lookup_addresses(res, argv[optind + 1], AF_UNSPEC, &r);
		if (st == TLSA_OK) {
			printf("state=%s expanded=%s n=%zu ", tlsa_dnssec_name(r->state),
			       r->expanded, r->naddrs);
			answer("a", &r->a);
			printf(" ");
			answer("aaaa", &r->aaaa);
			for (i = 0; i < r->naddrs; i++)
				printf(" addr%zu=%s:%s", i, r->addrs[i].text,
				       tlsa_dnssec_name(r->addrs[i].state));
			printf("\n");
			tlsa_addr_result_free(r);
		}
	} else if (strcmp(argv[optind], "mx") == 0) {
		tlsa_mx_result *r;
		size_t i;

		st = tlsa_lookup_mx(res, argv[optind + 1], &r);
		if (st == TLSA_OK) {
			printf("n=%zu null=%d ", r->nmx, r->null_mx);
			answer("mx", &r->answer);
			for (i = 0; i < r->nmx; i++)
				printf(" mx%zu=%u:%s", i, r->mx[i].preference, r->mx[i].host);
			printf("\n");
			tlsa_mx_result_free(r);
		}
	} else if (strcmp(argv[optind], "srv") == 0) {
		tlsa_srv_result *r;
		size_t i;

		st = tlsa_lookup_srv(res, argv[optind + 1], &r);
		if (st == TLSA_OK) {
			printf("n=%zu ", r->nsrv);
			answer("srv", &r->answer);
			for (i = 0; i < r->nsrv; i++)
				printf(" srv%zu=%u:%u:%u:%s", i, r->srv[i].priority,
				       r->srv[i].weight, r->srv[i].port, r->srv[i].target);
			printf("\n");
			tlsa_srv_result_free(r);
		}
	} else {
		tlsa_resolver_free(res);
		return 2;
	}
	tlsa_resolver_free(res);
	if (st != TLSA_OK) {
		fprintf(stderr, "dnsprobe: %s\n", tlsa_strerror(st));
		return 1;
	}
	return fflush(stdout) == 0 ? 0 : 1;
}
