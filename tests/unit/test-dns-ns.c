/*
 * dns-ns.c and the RRSIG expiry of dns-answer.c, without a network: the
 * earliest expiration read from RRSIGs (32-bit times around now, RFC 4034
 * section 3.1.5, across the 2106 wrap too), the names of the signature
 * states, and tlsa_lookup_ns's results when nothing answers, when the
 * owner is no name, and from a scripted resolver (on a port of
 * 127.0.0.1) whose SOA records name a zone that cannot hold the owner.
 * tests/live/check-allns.sh asks real nameservers.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <ldns/ldns.h>

#include <tlsa.h>

#include <pthread.h>

#include "dns-answer.h"
#include "dnsfake.h"
#include "tap.h"

/* An answer section of the given RR lines. */
static ldns_rr_list *section(const char *const *lines, size_t n)
{
	ldns_rr_list *l = ldns_rr_list_new();
	ldns_rr *rr;
	size_t i;

	for (i = 0; i < n; i++) {
		if (ldns_rr_new_frm_str(&rr, lines[i], 300, NULL, NULL) != LDNS_STATUS_OK)
			return NULL;
		ldns_rr_list_push_rr(l, rr);
	}
	return l;
}

static const char *const sigs[] = {
    "_25._tcp.mx.example. 300 IN TLSA 3 1 1 "
    "0000000000000000000000000000000000000000000000000000000000000000",
    "_25._tcp.mx.example. 300 IN RRSIG TLSA 13 4 300 20270110000000 20261201000000 1234 "
    "example. AAAA",
    "_25._tcp.mx.example. 300 IN RRSIG TLSA 13 4 300 20261220000000 20261201000000 4321 "
    "example. AAAA",
    "_25._tcp.mx.example. 300 IN RRSIG A 13 4 300 20261208000000 20261201000000 4321 "
    "example. AAAA",
    "other.example. 300 IN RRSIG TLSA 13 4 300 20261209000000 20261201000000 4321 "
    "example. AAAA",
};

/* ---- a scripted resolver ------------------------------------------------------ */

struct server {
	int udp, tcp;
	unsigned port;
	volatile int stop;
	pthread_t thread;
};

/*
 * SOA below example. names evil.example. in its authority section (no
 * zone that could hold the name); SOA at example. is the apex; NS at
 * example. is ns.example., which has no addresses.
 */
static ldns_pkt *script(const ldns_pkt *q)
{
	ldns_rr *question = ldns_rr_list_rr(ldns_pkt_question(q), 0);
	ldns_pkt *a = ldns_pkt_new();
	ldns_rr *rr = NULL;
	char *name = ldns_rdf2str(ldns_rr_owner(question));
	ldns_rr_type type = ldns_rr_get_type(question);

	ldns_pkt_set_id(a, ldns_pkt_id(q));
	ldns_pkt_set_qr(a, true);
	ldns_pkt_set_rd(a, true);
	ldns_pkt_set_ra(a, true);
	ldns_pkt_push_rr(a, LDNS_SECTION_QUESTION, ldns_rr_clone(question));
	if (type == LDNS_RR_TYPE_SOA && strcmp(name, "example.") == 0) {
		ldns_rr_new_frm_str(&rr, "example. 300 IN SOA ns.example. h.example. 1 2 3 4 5", 0,
				    NULL, NULL);
		ldns_pkt_push_rr(a, LDNS_SECTION_ANSWER, rr);
	} else if (type == LDNS_RR_TYPE_SOA) {
		ldns_rr_new_frm_str(&rr, "evil.example. 300 IN SOA ns.evil. h.evil. 1 2 3 4 5", 0,
				    NULL, NULL);
		ldns_pkt_push_rr(a, LDNS_SECTION_AUTHORITY, rr);
	} else if (type == LDNS_RR_TYPE_NS && strcmp(name, "example.") == 0) {
		ldns_rr_new_frm_str(&rr, "example. 300 IN NS ns.example.", 0, NULL, NULL);
		ldns_pkt_push_rr(a, LDNS_SECTION_ANSWER, rr);
	}
	free(name);
	return a;
}

static void udp_query(void *ctx, const uint8_t *q, size_t n, const struct sockaddr_storage *from,
		      socklen_t fl)
{
	struct server *s = ctx;
	ldns_pkt *query = NULL, *answer;
	uint8_t *wire = NULL;
	size_t len = 0;

	if (ldns_wire2pkt(&query, q, n) != LDNS_STATUS_OK)
		return;
	answer = script(query);
	if (ldns_pkt2wire(&wire, answer, &len) == LDNS_STATUS_OK)
		sendto(s->udp, wire, len, 0, (const struct sockaddr *)from, fl);
	free(wire);
	ldns_pkt_free(answer);
	ldns_pkt_free(query);
}

static void *serve(void *arg)
{
	struct server *s = arg;

	while (!s->stop) {
		int c = dnsfake_wait(s->udp, s->tcp, 50, udp_query, s);

		if (c >= 0)
			close(c);
	}
	return NULL;
}

int main(void)
{
	ldns_rr_list *s = section(sigs, sizeof(sigs) / sizeof(sigs[0]));
	ldns_rdf *owner = ldns_dname_new_frm_str("_25._tcp.mx.example.");
	const char *none = "127.0.0.1@9";
	tlsa_resolver *res = NULL;
	tlsa_ns_result *r = NULL;
	int64_t want = 1797724800; /* 2026-12-20 00:00:00 UTC */
	time_t now = 1796601600;   /* 2026-12-07 00:00:00 UTC */

	ok(s != NULL && owner != NULL, "the test's RRs parse");
	is_int((long long)tlsa_dns_sig_expire(s, owner, LDNS_RR_TYPE_TLSA, now), (long long)want,
	       "the earliest expiry is that of the RRSIGs over the owner's TLSA RRset, not "
	       "over another type or owner");
	is_int((long long)tlsa_dns_sig_expire(s, owner, LDNS_RR_TYPE_MX, now), 0,
	       "an RRset without RRSIGs has no expiry (0)");
	/* Near 2106 the 32-bit time wraps: an expiry past it is still ahead. */
	{
		const char *const wrap[] = {"w.example. 300 IN RRSIG A 13 2 300 21060301000000 "
					    "21060101000000 1 example. AAAA"};
		ldns_rr_list *w = section(wrap, 1);
		ldns_rdf *wo = ldns_dname_new_frm_str("w.example.");
		int64_t t = tlsa_dns_sig_expire(w, wo, LDNS_RR_TYPE_A, (time_t)4294000000LL);

		ok(t > 4294967296LL && t < 4294967296LL + 60LL * 86400,
		   "an expiry past the 2106 wrap of 32-bit time is read as ahead of now (%lld)",
		   (long long)t);
		ldns_rr_list_deep_free(w);
		ldns_rdf_deep_free(wo);
	}
	is_str(tlsa_ns_sigs_name(TLSA_NS_SIGS_VALID), "valid", "TLSA_NS_SIGS_VALID is named valid");
	is_str(tlsa_ns_sigs_name(TLSA_NS_SIGS_BAD), "bad", "TLSA_NS_SIGS_BAD is named bad");

	ok(tlsa_resolver_new(&none, 1, 300, NULL, &res) == TLSA_OK, "a resolver nobody answers");
	is_int(tlsa_lookup_ns(res, "not a name..", AF_UNSPEC, &r), TLSA_ERR_DNS_NAME,
	       "tlsa_lookup_ns refuses an owner that is no DNS name");
	is_int(tlsa_lookup_ns(res, "_25._tcp.mx.example.", AF_UNSPEC, &r), TLSA_OK,
	       "tlsa_lookup_ns makes a result when no server answers");
	ok(r != NULL && r->zone == NULL && r->nservers == 0 && r->reason != NULL &&
	       strstr(r->reason, "SOA query") != NULL,
	   "the result says why no nameserver could be listed (%s)",
	   r != NULL && r->reason != NULL ? r->reason : "(none)");
	tlsa_ns_result_free(r);
	tlsa_resolver_free(res);

	{
		struct server sv;

		memset(&sv, 0, sizeof(sv));
		ok(dnsfake_listen(&sv.udp, &sv.tcp, &sv.port, 4) == 0 &&
		       pthread_create(&sv.thread, NULL, serve, &sv) == 0,
		   "a scripted resolver listens on 127.0.0.1");
		res = dnsfake_resolver(sv.port, 2000, NULL);
		r = NULL;
		is_int(tlsa_lookup_ns(res, "_25._tcp.mx.example.", AF_UNSPEC, &r), TLSA_OK,
		       "tlsa_lookup_ns asks the scripted resolver");
		is_str(r != NULL && r->zone != NULL ? r->zone : "(none)", "example.",
		       "an SOA that is no ancestor of the owner (evil.example.) is not its zone: "
		       "the walk goes up to example.");
		ok(r != NULL && r->nservers == 1 &&
		       strcmp(r->servers[0].name, "ns.example.") == 0 &&
		       r->servers[0].address[0] == '\0' && !r->servers[0].answered &&
		       r->servers[0].reason != NULL,
		   "a nameserver without addresses is listed, unasked, with the reason (%s)",
		   r != NULL && r->nservers > 0 && r->servers[0].reason != NULL
		       ? r->servers[0].reason
		       : "(none)");
		tlsa_ns_result_free(r);
		tlsa_resolver_free(res);
		sv.stop = 1;
		pthread_join(sv.thread, NULL);
		close(sv.udp);
		close(sv.tcp);
	}
	ldns_rr_list_deep_free(s);
	ldns_rdf_deep_free(owner);
	return done_testing();
}
