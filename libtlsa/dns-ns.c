/*
 * Every authoritative server of a zone, asked directly (tlsa check
 * --all-ns): the zone that holds a TLSA owner, its NS names and their
 * addresses (all through the resolver, validated as it validates), then
 * each address asked for the TLSA RRset and the SOA, without recursion
 * and with DO, and its RRSIGs verified against the zone's DNSKEY RRset
 * the resolver validated.  A secondary that did not get the new records,
 * or one that drops TLSA queries, shows up here and nowhere else: the
 * resolver answers from whichever server it picked.
 *
 * Owns: the walk to the zone, the direct queries, the per-server result.
 * Does not own: what a difference between servers means (the command's
 * policy), sending and retransmission (dns-transport.c), the proofs
 * (dnssec-proof.c).  The top DNS floor: it uses the lookups below it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ldns/ldns.h>

#include <tlsa/dns.h>
#include "dns-answer.h"
#include "dns-query.h"
#include "dns-resolver.h"
#include "dns-transport.h"
#include "dnssec-proof.h"

const char *tlsa_ns_sigs_name(tlsa_ns_sigs sigs)
{
	switch (sigs) {
	case TLSA_NS_SIGS_UNCHECKED: return "unchecked";
	case TLSA_NS_SIGS_VALID: return "valid";
	case TLSA_NS_SIGS_NONE: return "none";
	case TLSA_NS_SIGS_BAD: return "bad";
	}
	return "unchecked";
}

static void server_clear(tlsa_ns_server *s)
{
	size_t i;

	free(s->name);
	free(s->address);
	free(s->reason);
	free(s->sig_reason);
	for (i = 0; i < s->nrecords; i++) {
		tlsa_record_free(s->records[i].record);
		free(s->records[i].rdata);
	}
	free(s->records);
}

void tlsa_ns_result_free(tlsa_ns_result *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nservers; i++)
		server_clear(&r->servers[i]);
	free(r->servers);
	free(r->owner);
	free(r->zone);
	free(r->reason);
	free(r);
}

/* ---- one question to one server, no recursion ------------------------------ */

/*
 * Ask the server at address (port 53) for name/type with RD clear and DO
 * set, within timeout_ms.  *reply is NULL when none came; why says so.
 */
static tlsa_status ask_direct(const char *address, unsigned timeout_ms, const ldns_rdf *name,
			      ldns_rr_type type, ldns_pkt **reply, char *why, size_t whylen)
{
	char text[64];
	const char *one = text;
	tlsa_resolver *r = NULL;
	ldns_resolver *lr;
	ldns_pkt *query = NULL;
	ldns_status ls;
	tlsa_status st;
	size_t from = 0;

	*reply = NULL;
	snprintf(text, sizeof(text), "%s@53", address);
	st = tlsa_resolver_new(&one, 1, timeout_ms, NULL, &r);
	if (st != TLSA_OK)
		return st;
	lr = ldns_resolver_new();
	if (lr == NULL) {
		tlsa_resolver_free(r);
		return TLSA_ERR_NOMEM;
	}
	ldns_resolver_set_recursive(lr, false);
	ldns_resolver_set_dnssec(lr, true);
	ldns_resolver_set_edns_udp_size(lr, 1232);
	ls = ldns_resolver_prepare_query_pkt(&query, lr, name, type, LDNS_RR_CLASS_IN, 0);
	ldns_resolver_deep_free(lr);
	if (ls == LDNS_STATUS_OK) {
		ldns_pkt_set_rd(query, false);
		ls = tlsa_dns_exchange(r, query, reply, &from, why, whylen);
	}
	ldns_pkt_free(query);
	tlsa_resolver_free(r);
	if (ls == LDNS_STATUS_MEM_ERR)
		return TLSA_ERR_NOMEM;
	return TLSA_OK;
}

/* ---- the zone and its servers ------------------------------------------------ */

/*
 * The owner of an SOA in the answer or authority section of pkt that is
 * name or one of its ancestors (no other zone can hold name), or NULL.
 */
static ldns_rdf *soa_owner(const ldns_pkt *pkt, const ldns_rdf *name)
{
	const ldns_rr_list *sec[2] = {ldns_pkt_answer(pkt), ldns_pkt_authority(pkt)};
	const ldns_rdf *o;
	size_t s, i;

	for (s = 0; s < 2; s++)
		for (i = 0; sec[s] != NULL && i < ldns_rr_list_rr_count(sec[s]); i++) {
			if (ldns_rr_get_type(ldns_rr_list_rr(sec[s], i)) != LDNS_RR_TYPE_SOA)
				continue;
			o = ldns_rr_owner(ldns_rr_list_rr(sec[s], i));
			if (ldns_dname_compare(o, name) == 0 || ldns_dname_is_subdomain(name, o))
				return ldns_rdf_clone(o);
		}
	return NULL;
}

/*
 * The zone that holds owner: the SOA a query for owner/SOA returns (in
 * the answer at the apex, else in the authority section), or, from a
 * resolver that sends none, the first ancestor that has one.
 */
static tlsa_status find_zone(const tlsa_resolver *res, const ldns_rdf *owner, ldns_rdf **zone,
			     char **reason)
{
	ldns_rdf *name = ldns_rdf_clone(owner), *up;
	const char *server;
	ldns_pkt *pkt;
	tlsa_status st = TLSA_OK;
	char why[256];

	*zone = NULL;
	while (name != NULL && *zone == NULL) {
		st =
		    tlsa_dns_query(res, name, LDNS_RR_TYPE_SOA, 1, &pkt, &server, why, sizeof(why));
		if (st != TLSA_OK)
			break;
		if (pkt == NULL) {
			*reason = tlsa_dns_fmt("SOA query for the zone of the TLSA owner: %s", why);
			break;
		}
		*zone = soa_owner(pkt, name);
		ldns_pkt_free(pkt);
		if (*zone != NULL || ldns_dname_label_count(name) == 0)
			break;
		up = ldns_dname_left_chop(name);
		ldns_rdf_deep_free(name);
		name = up;
	}
	ldns_rdf_deep_free(name);
	if (st == TLSA_OK && *zone == NULL && *reason == NULL)
		*reason = tlsa_dns_fmt("no zone found for the TLSA owner (no SOA on the way up)");
	return st;
}

static int server_cmp(const void *pa, const void *pb)
{
	const tlsa_ns_server *a = pa, *b = pb;
	int c = strcmp(a->name, b->name);

	return c != 0 ? c : strcmp(a->address, b->address);
}

static tlsa_status add_server(tlsa_ns_result *r, const char *name, const char *address)
{
	tlsa_ns_server *nv = realloc(r->servers, (r->nservers + 1) * sizeof(*nv));

	if (nv == NULL)
		return TLSA_ERR_NOMEM;
	r->servers = nv;
	nv = &r->servers[r->nservers];
	memset(nv, 0, sizeof(*nv));
	nv->name = strdup(name);
	nv->address = strdup(address);
	if (nv->name == NULL || nv->address == NULL) {
		free(nv->name);
		free(nv->address);
		return TLSA_ERR_NOMEM;
	}
	nv->rcode = -1;
	r->nservers++;
	return TLSA_OK;
}

/* Every NS name of zone and each of its addresses (a name without one is kept). */
static tlsa_status list_servers(const tlsa_resolver *res, const ldns_rdf *zone, int family,
				tlsa_ns_result *r)
{
	ldns_rr_list *ns = NULL;
	const char *server;
	ldns_pkt *pkt;
	tlsa_status st;
	char why[256];
	size_t i, k;

	st = tlsa_dns_query(res, zone, LDNS_RR_TYPE_NS, 1, &pkt, &server, why, sizeof(why));
	if (st != TLSA_OK)
		return st;
	if (pkt == NULL) {
		r->reason = tlsa_dns_fmt("NS query for %s: %s", r->zone, why);
		return TLSA_OK;
	}
	ns = tlsa_dns_select(ldns_pkt_answer(pkt), zone, LDNS_RR_TYPE_NS);
	if (ns == NULL) {
		ldns_pkt_free(pkt);
		return TLSA_ERR_NOMEM;
	}
	for (i = 0; st == TLSA_OK && i < ldns_rr_list_rr_count(ns); i++) {
		char *name = tlsa_dname_str(ldns_rr_rdf(ldns_rr_list_rr(ns, i), 0));
		tlsa_addr_result *ar = NULL;

		if (name == NULL) {
			st = TLSA_ERR_NOMEM;
			break;
		}
		st = tlsa_lookup_addresses(res, name, family, &ar);
		for (k = 0; st == TLSA_OK && k < ar->naddrs; k++)
			/* A forged address would lead to a forged server. */
			if (ar->addrs[k].state != TLSA_DNSSEC_BOGUS)
				st = add_server(r, name, ar->addrs[k].text);
		if (st == TLSA_OK && (ar == NULL || ar->naddrs == 0)) {
			st = add_server(r, name, "");
			if (st == TLSA_OK)
				r->servers[r->nservers - 1].reason =
				    tlsa_dns_fmt("the nameserver %s has no address", name);
		}
		tlsa_addr_result_free(ar);
		free(name);
	}
	if (st == TLSA_OK && r->nservers == 0)
		r->reason = tlsa_dns_fmt("no NS records for %s (%s)", r->zone,
					 tlsa_dns_rcode_name(ldns_pkt_get_rcode(pkt)));
	ldns_rr_list_free(ns);
	ldns_pkt_free(pkt);
	if (st == TLSA_OK && r->nservers > 1)
		qsort(r->servers, r->nservers, sizeof(*r->servers), server_cmp);
	return st;
}

/* ---- one server's answers ------------------------------------------------------ */

static int rec_cmp(const void *pa, const void *pb)
{
	const tlsa_dns_record *a = pa, *b = pb;
	size_t n = a->rdlen < b->rdlen ? a->rdlen : b->rdlen;
	int c = memcmp(a->rdata, b->rdata, n);

	if (c != 0)
		return c;
	return a->rdlen < b->rdlen ? -1 : a->rdlen > b->rdlen;
}

/* The TLSA RRs of rrset into s->records, sorted. */
static tlsa_status take_records(tlsa_ns_server *s, const ldns_rr_list *rrset)
{
	size_t n = ldns_rr_list_rr_count(rrset), i, k;

	if (n == 0)
		return TLSA_OK;
	s->records = calloc(n, sizeof(*s->records));
	if (s->records == NULL)
		return TLSA_ERR_NOMEM;
	for (i = 0; i < n; i++) {
		ldns_rr *rr = ldns_rr_list_rr(rrset, i);
		tlsa_dns_record *t = &s->records[s->nrecords];
		ldns_buffer *b = ldns_buffer_new(512);
		uint32_t ttl = ldns_rr_ttl(rr);

		if (b == NULL)
			return TLSA_ERR_NOMEM;
		for (k = 0; k < ldns_rr_rd_count(rr); k++)
			ldns_rdf2buffer_wire(b, ldns_rr_rdf(rr, k));
		t->rdlen = ldns_buffer_position(b);
		t->rdata = malloc(t->rdlen ? t->rdlen : 1);
		if (t->rdata == NULL) {
			ldns_buffer_free(b);
			return TLSA_ERR_NOMEM;
		}
		memcpy(t->rdata, ldns_buffer_begin(b), t->rdlen);
		ldns_buffer_free(b);
		if (tlsa_record_from_wire(t->rdata, t->rdlen, &t->record) == TLSA_OK)
			t->check = tlsa_record_check(t->record);
		else
			t->malformed = 1;
		s->nrecords++;
		if (i == 0 || ttl < s->ttl)
			s->ttl = ttl;
	}
	qsort(s->records, s->nrecords, sizeof(*s->records), rec_cmp);
	return TLSA_OK;
}

/* The TLSA question to one server: records, signatures, their expiry. */
static tlsa_status ask_tlsa(tlsa_ns_server *s, unsigned timeout_ms, const ldns_rdf *owner,
			    const ldns_rr_list *keys)
{
	ldns_rr_list *rrset = NULL, *sigs = NULL;
	ldns_pkt *pkt = NULL;
	const char *bad;
	tlsa_status st;
	char why[256];

	st = ask_direct(s->address, timeout_ms, owner, LDNS_RR_TYPE_TLSA, &pkt, why, sizeof(why));
	if (st != TLSA_OK || pkt == NULL) {
		if (st == TLSA_OK)
			s->reason = tlsa_dns_fmt("no answer to the TLSA query (%s)", why);
		return st;
	}
	s->reachable = 1;
	s->rcode = (int)ldns_pkt_get_rcode(pkt);
	if (s->rcode != LDNS_RCODE_NOERROR && s->rcode != LDNS_RCODE_NXDOMAIN)
		s->reason = tlsa_dns_fmt("%s to the TLSA query", tlsa_dns_rcode_name(s->rcode));
	else if (!ldns_pkt_aa(pkt))
		s->reason = tlsa_dns_fmt("answered the TLSA query without authority (a lame "
					 "delegation)");
	else
		s->answered = 1;
	if (s->answered) {
		rrset = tlsa_dns_select(ldns_pkt_answer(pkt), owner, LDNS_RR_TYPE_TLSA);
		sigs = tlsa_dns_sigs(ldns_pkt_answer(pkt), owner, LDNS_RR_TYPE_TLSA);
		if (rrset == NULL || sigs == NULL)
			st = TLSA_ERR_NOMEM;
	}
	if (st == TLSA_OK && rrset != NULL)
		st = take_records(s, rrset);
	if (st == TLSA_OK && rrset != NULL && ldns_rr_list_rr_count(rrset) > 0) {
		s->sig_expire =
		    tlsa_dns_sig_expire(ldns_pkt_answer(pkt), owner, LDNS_RR_TYPE_TLSA, time(NULL));
		if (ldns_rr_list_rr_count(sigs) == 0)
			s->sigs = TLSA_NS_SIGS_NONE;
		else if (keys == NULL)
			s->sigs = TLSA_NS_SIGS_UNCHECKED;
		else if ((bad = tlsa_proof_verify(rrset, sigs, keys)) != NULL) {
			s->sigs = TLSA_NS_SIGS_BAD;
			s->sig_reason = strdup(bad);
		} else
			s->sigs = TLSA_NS_SIGS_VALID;
	}
	ldns_rr_list_free(rrset);
	ldns_rr_list_free(sigs);
	ldns_pkt_free(pkt);
	return st;
}

/* The SOA question to one server: its serial, when it has the zone. */
static tlsa_status ask_soa(tlsa_ns_server *s, unsigned timeout_ms, const ldns_rdf *zone)
{
	ldns_rr_list *soa;
	ldns_pkt *pkt = NULL;
	tlsa_status st;
	char why[256];

	st = ask_direct(s->address, timeout_ms, zone, LDNS_RR_TYPE_SOA, &pkt, why, sizeof(why));
	if (st != TLSA_OK || pkt == NULL)
		return st;
	s->reachable = 1;
	soa = tlsa_dns_select(ldns_pkt_answer(pkt), zone, LDNS_RR_TYPE_SOA);
	if (soa != NULL && ldns_rr_list_rr_count(soa) > 0 && ldns_pkt_aa(pkt)) {
		ldns_rdf *serial = ldns_rr_rdf(ldns_rr_list_rr(soa, 0), 2);

		if (serial != NULL && ldns_rdf_size(serial) == 4) {
			s->serial = ldns_rdf2native_int32(serial);
			s->have_serial = 1;
		}
	}
	ldns_rr_list_free(soa);
	ldns_pkt_free(pkt);
	return TLSA_OK;
}

/* The zone's DNSKEY RRset as res validates it: the keys when secure. */
static tlsa_status zone_keys(const tlsa_resolver *res, const ldns_rdf *zone, tlsa_ns_result *r,
			     ldns_pkt **pkt, ldns_rr_list **keys)
{
	tlsa_dns_answer ans;
	ldns_rr_list *rrset = NULL;
	tlsa_status st;

	*keys = NULL;
	st = tlsa_dns_lookup(res, zone, LDNS_RR_TYPE_DNSKEY, &ans, pkt, &rrset);
	r->keys_state = ans.state;
	r->keys_sig_expire = ans.sig_expire;
	if (st == TLSA_OK && ans.state == TLSA_DNSSEC_SECURE && rrset != NULL &&
	    ldns_rr_list_rr_count(rrset) > 0)
		*keys = rrset;
	else
		ldns_rr_list_free(rrset);
	tlsa_dns_answer_clear(&ans);
	return st;
}

tlsa_status tlsa_lookup_ns(const tlsa_resolver *res, const char *owner, int family,
			   tlsa_ns_result **out)
{
	tlsa_ns_result *r;
	ldns_rdf *o = NULL, *zone = NULL;
	ldns_rr_list *keys = NULL;
	ldns_pkt *kpkt = NULL;
	tlsa_status st;
	size_t i;

	*out = NULL;
	r = calloc(1, sizeof(*r));
	if (r == NULL)
		return TLSA_ERR_NOMEM;
	r->keys_state = TLSA_DNSSEC_INDETERMINATE;
	o = tlsa_dns_name(owner);
	if (o == NULL) {
		tlsa_ns_result_free(r);
		return TLSA_ERR_DNS_NAME;
	}
	r->owner = tlsa_dname_str(o);
	st = r->owner == NULL ? TLSA_ERR_NOMEM : find_zone(res, o, &zone, &r->reason);
	if (st == TLSA_OK && zone != NULL) {
		r->zone = tlsa_dname_str(zone);
		st = r->zone == NULL ? TLSA_ERR_NOMEM : list_servers(res, zone, family, r);
	}
	if (st == TLSA_OK && r->nservers > 0)
		st = zone_keys(res, zone, r, &kpkt, &keys);
	for (i = 0; st == TLSA_OK && i < r->nservers; i++) {
		tlsa_ns_server *s = &r->servers[i];

		if (s->address[0] == '\0')
			continue;
		st = ask_tlsa(s, tlsa_resolver_timeout(res), o, keys);
		if (st == TLSA_OK)
			st = ask_soa(s, tlsa_resolver_timeout(res), zone);
	}
	ldns_rr_list_free(keys);
	if (kpkt != NULL)
		ldns_pkt_free(kpkt);
	ldns_rdf_deep_free(zone);
	ldns_rdf_deep_free(o);
	if (st != TLSA_OK) {
		tlsa_ns_result_free(r);
		return st;
	}
	*out = r;
	return TLSA_OK;
}

/* ---- the chain of trust's signatures ------------------------------------------ */

/* Is zone the owner of one of the trust anchors of res? */
static int is_anchor(const tlsa_resolver *res, const ldns_rdf *zone)
{
	size_t i;

	for (i = 0; res->anchors != NULL && i < ldns_rr_list_rr_count(res->anchors); i++)
		if (ldns_dname_compare(ldns_rr_owner(ldns_rr_list_rr(res->anchors, i)), zone) == 0)
			return 1;
	return 0;
}

/* The RRSIG expiry of zone/type through res, into *expire and *where when earlier. */
static tlsa_status sig_of(const tlsa_resolver *res, const ldns_rdf *zone, ldns_rr_type type,
			  int64_t *expire, char **where)
{
	tlsa_dns_answer ans;
	ldns_pkt *pkt = NULL;
	tlsa_status st;

	st = tlsa_dns_lookup(res, zone, type, &ans, &pkt, NULL);
	if (st == TLSA_OK && ans.sig_expire != 0 && (*expire == 0 || ans.sig_expire < *expire)) {
		*expire = ans.sig_expire;
		if (where != NULL) {
			free(*where);
			*where = tlsa_dns_fmt("%s %s", ans.qname != NULL ? ans.qname : "?",
					      type == LDNS_RR_TYPE_DS ? "DS" : "DNSKEY");
		}
	}
	if (pkt != NULL)
		ldns_pkt_free(pkt);
	tlsa_dns_answer_clear(&ans);
	return st;
}

tlsa_status tlsa_lookup_chain_expiry(const tlsa_resolver *res, const char *owner, int64_t *expire,
				     char **where)
{
	ldns_rdf *o, *zone = NULL, *up;
	tlsa_status st;
	char *reason = NULL;
	int depth = 0;

	*expire = 0;
	if (where != NULL)
		*where = NULL;
	o = tlsa_dns_name(owner);
	if (o == NULL)
		return TLSA_ERR_DNS_NAME;
	st = find_zone(res, o, &zone, &reason);
	ldns_rdf_deep_free(o);
	/* A zone cut per round; a chain deeper than DNS names can be is a loop. */
	while (st == TLSA_OK && zone != NULL && depth++ < 128) {
		st = sig_of(res, zone, LDNS_RR_TYPE_DNSKEY, expire, where);
		if (st != TLSA_OK || is_anchor(res, zone) || ldns_dname_label_count(zone) == 0)
			break;
		st = sig_of(res, zone, LDNS_RR_TYPE_DS, expire, where);
		up = ldns_dname_left_chop(zone);
		ldns_rdf_deep_free(zone);
		zone = NULL;
		free(reason);
		reason = NULL;
		if (st == TLSA_OK && up != NULL)
			st = find_zone(res, up, &zone, &reason);
		ldns_rdf_deep_free(up);
	}
	ldns_rdf_deep_free(zone);
	free(reason);
	return st;
}
