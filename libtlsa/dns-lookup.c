/*
 * The lookups a DANE check makes, as typed results: TLSA (with the base
 * domain rule of RFC 7671 section 7 and RFC 7672 section 2.2.2), A and
 * AAAA, MX (RFC 7672) and SRV (RFC 7673).
 *
 * Does not own: queries (dns-query.c), CNAME chains and DNSSEC states
 * (dns-answer.c, dns-ad.c, dnssec.c).
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <ldns/ldns.h>

#include <tlsa/dns.h>
#include "dns-answer.h"
#include "dns-query.h"

/* ---- TLSA -------------------------------------------------------------------- */

void tlsa_tlsa_result_free(tlsa_tlsa_result *r)
{
	size_t i;

	if (r == NULL)
		return;
	free(r->host);
	free(r->expanded);
	free(r->base_domain);
	free(r->owner);
	tlsa_dns_answer_clear(&r->host_answer);
	tlsa_dns_answer_clear(&r->answer);
	for (i = 0; i < r->nrecords; i++) {
		tlsa_record_free(r->records[i].record);
		free(r->records[i].rdata);
	}
	free(r->records);
	free(r);
}

static tlsa_status tlsa_at(const tlsa_resolver *res, const char *base, unsigned port,
			   const char *proto, tlsa_tlsa_result *r)
{
	ldns_rdf *owner;
	ldns_pkt *pkt = NULL;
	ldns_rr_list *rrset = NULL;
	tlsa_status st;
	size_t i;

	tlsa_dns_answer_clear(&r->answer);
	for (i = 0; i < r->nrecords; i++) {
		tlsa_record_free(r->records[i].record);
		free(r->records[i].rdata);
	}
	free(r->records);
	r->records = NULL;
	r->nrecords = 0;
	free(r->owner);
	free(r->base_domain);
	r->base_domain = strdup(base);
	r->owner = tlsa_dns_fmt("_%u._%s.%s", port, proto, base);
	if (r->owner == NULL || r->base_domain == NULL)
		return TLSA_ERR_NOMEM;
	owner = tlsa_dns_name(r->owner);
	if (owner == NULL)
		return TLSA_ERR_DNS_NAME;
	st = tlsa_dns_lookup(res, owner, LDNS_RR_TYPE_TLSA, &r->answer, &pkt, &rrset);
	ldns_rdf_deep_free(owner);
	if (st == TLSA_OK && rrset && ldns_rr_list_rr_count(rrset)) {
		r->records = calloc(ldns_rr_list_rr_count(rrset), sizeof(*r->records));
		if (r->records == NULL)
			st = TLSA_ERR_NOMEM;
		for (i = 0; st == TLSA_OK && i < ldns_rr_list_rr_count(rrset); i++) {
			ldns_rr *rr = ldns_rr_list_rr(rrset, i);
			tlsa_dns_record *t = &r->records[r->nrecords];
			uint8_t *wire = NULL;
			size_t len = 0, k;
			ldns_buffer *b = ldns_buffer_new(512);

			/* The rdata as it came on the wire, whatever ldns made
			 * of its fields. */
			if (b == NULL) {
				st = TLSA_ERR_NOMEM;
				break;
			}
			for (k = 0; k < ldns_rr_rd_count(rr); k++)
				ldns_rdf2buffer_wire(b, ldns_rr_rdf(rr, k));
			len = ldns_buffer_position(b);
			wire = malloc(len ? len : 1);
			if (wire == NULL) {
				ldns_buffer_free(b);
				st = TLSA_ERR_NOMEM;
				break;
			}
			memcpy(wire, ldns_buffer_begin(b), len);
			ldns_buffer_free(b);
			t->rdata = wire;
			t->rdlen = len;
			if (tlsa_record_from_wire(wire, len, &t->record) == TLSA_OK)
				t->check = tlsa_record_check(t->record);
			else
				t->malformed = 1;
			r->nrecords++;
		}
	}
	ldns_rr_list_free(rrset);
	if (pkt)
		ldns_pkt_free(pkt);
	return st;
}

tlsa_status tlsa_lookup_tlsa(const tlsa_resolver *res, const char *host, unsigned port,
			     const char *proto, tlsa_tlsa_result **out)
{
	tlsa_tlsa_result *r;
	ldns_rdf *h;
	ldns_pkt *pkt = NULL;
	tlsa_status st;
	size_t i;

	if (out == NULL || res == NULL || host == NULL || port == 0 || port > 65535)
		return TLSA_ERR_INVALID;
	*out = NULL;
	if (proto == NULL)
		proto = "tcp";
	h = tlsa_dns_name(host);
	if (h == NULL)
		return TLSA_ERR_DNS_NAME;
	r = calloc(1, sizeof(*r));
	if (r == NULL) {
		ldns_rdf_deep_free(h);
		return TLSA_ERR_NOMEM;
	}
	/* The expansion: an A query returns the whole chain whether or not
	 * the final name has addresses. */
	st = tlsa_dns_lookup(res, h, LDNS_RR_TYPE_A, &r->host_answer, &pkt, NULL);
	ldns_rdf_deep_free(h);
	if (pkt)
		ldns_pkt_free(pkt);
	if (st == TLSA_OK) {
		r->host = strdup(r->host_answer.qname);
		r->expanded = strdup(r->host_answer.name);
		if (r->host == NULL || r->expanded == NULL)
			st = TLSA_ERR_NOMEM;
	}
	if (st == TLSA_OK) {
		r->expansion_secure = r->host_answer.ncnames > 0;
		for (i = 0; i < r->host_answer.ncnames; i++)
			if (r->host_answer.cnames[i].state != TLSA_DNSSEC_SECURE)
				r->expansion_secure = 0;
	}
	/* RFC 7671 section 7, RFC 7672 section 2.2.2: with a secure
	 * expansion, TLSA at the expanded name first.  Only when there are
	 * no usable records there (a proven absence, or an insecure answer,
	 * which DANE treats as no records) fall back to the original name;
	 * a failed lookup (bogus, indeterminate) is the result as it is. */
	if (st == TLSA_OK && r->expansion_secure) {
		st = tlsa_at(res, r->expanded, port, proto, r);
		r->base_is_expanded = 1;
		if (st == TLSA_OK && ((r->nrecords == 0 && r->answer.state == TLSA_DNSSEC_SECURE) ||
				      r->answer.state == TLSA_DNSSEC_INSECURE)) {
			st = tlsa_at(res, r->host, port, proto, r);
			r->base_is_expanded = 0;
		}
	} else if (st == TLSA_OK) {
		st = tlsa_at(res, r->host, port, proto, r);
	}
	if (st != TLSA_OK) {
		tlsa_tlsa_result_free(r);
		return st;
	}
	*out = r;
	return TLSA_OK;
}

/* ---- addresses --------------------------------------------------------------- */

void tlsa_addr_result_free(tlsa_addr_result *r)
{
	size_t i;

	if (r == NULL)
		return;
	free(r->host);
	free(r->expanded);
	tlsa_dns_answer_clear(&r->a);
	tlsa_dns_answer_clear(&r->aaaa);
	for (i = 0; i < r->naddrs; i++)
		free((char *)r->addrs[i].text);
	free(r->addrs);
	free(r);
}

static tlsa_status addr_lookup(const tlsa_resolver *res, const ldns_rdf *h, ldns_rr_type type,
			       tlsa_dns_answer *ans, tlsa_addr_result *r)
{
	ldns_pkt *pkt = NULL;
	ldns_rr_list *rrset = NULL;
	tlsa_status st = tlsa_dns_lookup(res, h, type, ans, &pkt, &rrset);
	size_t i, n;

	n = rrset ? ldns_rr_list_rr_count(rrset) : 0;
	if (st == TLSA_OK && n) {
		tlsa_address *a = realloc(r->addrs, (r->naddrs + n) * sizeof(*a));

		if (a == NULL)
			st = TLSA_ERR_NOMEM;
		else
			r->addrs = a;
	}
	for (i = 0; st == TLSA_OK && i < n; i++) {
		ldns_rdf *d = ldns_rr_rdf(ldns_rr_list_rr(rrset, i), 0);
		tlsa_address *a = &r->addrs[r->naddrs];
		size_t want = type == LDNS_RR_TYPE_A ? 4 : 16;
		char text[INET6_ADDRSTRLEN];

		if (d == NULL || ldns_rdf_size(d) != want)
			continue;
		memset(a, 0, sizeof(*a));
		a->family = type == LDNS_RR_TYPE_A ? AF_INET : AF_INET6;
		memcpy(a->addr, ldns_rdf_data(d), want);
		inet_ntop(a->family, a->addr, text, sizeof(text));
		if ((a->text = strdup(text)) == NULL) {
			st = TLSA_ERR_NOMEM;
			break;
		}
		a->state = ans->state;
		r->naddrs++;
	}
	ldns_rr_list_free(rrset);
	if (pkt)
		ldns_pkt_free(pkt);
	return st;
}

tlsa_status tlsa_lookup_addresses(const tlsa_resolver *res, const char *host, int family,
				  tlsa_addr_result **out)
{
	tlsa_addr_result *r;
	ldns_rdf *h;
	tlsa_status st = TLSA_OK;
	int asked = 0;

	if (out == NULL || res == NULL || host == NULL ||
	    (family != AF_UNSPEC && family != AF_INET && family != AF_INET6))
		return TLSA_ERR_INVALID;
	*out = NULL;
	h = tlsa_dns_name(host);
	if (h == NULL)
		return TLSA_ERR_DNS_NAME;
	r = calloc(1, sizeof(*r));
	if (r == NULL) {
		ldns_rdf_deep_free(h);
		return TLSA_ERR_NOMEM;
	}
	if (family != AF_INET6) {
		st = addr_lookup(res, h, LDNS_RR_TYPE_A, &r->a, r);
		r->state = r->a.state;
		asked = 1;
	}
	if (st == TLSA_OK && family != AF_INET) {
		st = addr_lookup(res, h, LDNS_RR_TYPE_AAAA, &r->aaaa, r);
		r->state = asked ? tlsa_dnssec_combine(r->state, r->aaaa.state) : r->aaaa.state;
	}
	ldns_rdf_deep_free(h);
	if (st == TLSA_OK) {
		const tlsa_dns_answer *first = r->a.qname ? &r->a : &r->aaaa;

		r->host = strdup(first->qname);
		r->expanded = strdup(first->name);
		if (r->host == NULL || r->expanded == NULL)
			st = TLSA_ERR_NOMEM;
	}
	if (st != TLSA_OK) {
		tlsa_addr_result_free(r);
		return st;
	}
	*out = r;
	return TLSA_OK;
}

/* ---- MX and SRV ------------------------------------------------------------ */

void tlsa_mx_result_free(tlsa_mx_result *r)
{
	size_t i;

	if (r == NULL)
		return;
	tlsa_dns_answer_clear(&r->answer);
	for (i = 0; i < r->nmx; i++)
		free(r->mx[i].host);
	free(r->mx);
	free(r);
}

static int mx_cmp(const void *a, const void *b)
{
	const tlsa_mx *x = a, *y = b;

	if (x->preference != y->preference)
		return x->preference < y->preference ? -1 : 1;
	return strcasecmp(x->host, y->host);
}

static uint16_t rdf16(const ldns_rdf *d)
{
	return d && ldns_rdf_size(d) == 2 ? ldns_rdf2native_int16(d) : 0;
}

void tlsa_srv_result_free(tlsa_srv_result *r)
{
	size_t i;

	if (r == NULL)
		return;
	tlsa_dns_answer_clear(&r->answer);
	for (i = 0; i < r->nsrv; i++)
		free(r->srv[i].target);
	free(r->srv);
	free(r);
}

static int srv_cmp(const void *a, const void *b)
{
	const tlsa_srv *x = a, *y = b;

	if (x->priority != y->priority)
		return x->priority < y->priority ? -1 : 1;
	if (x->weight != y->weight)
		return x->weight > y->weight ? -1 : 1;
	return strcasecmp(x->target, y->target);
}

/* MX and SRV records name a target host; what differs is described here. */
struct target_kind {
	ldns_rr_type type;
	size_t target; /* which rdata field is the target name */
	size_t size;   /* of one entry */
	void (*fill)(void *entry, const ldns_rr *rr, char *target);
	int (*cmp)(const void *, const void *);
};

static void mx_fill(void *entry, const ldns_rr *rr, char *target)
{
	tlsa_mx *m = entry;

	m->preference = rdf16(ldns_rr_rdf(rr, 0));
	m->host = target;
}

static void srv_fill(void *entry, const ldns_rr *rr, char *target)
{
	tlsa_srv *s = entry;

	s->priority = rdf16(ldns_rr_rdf(rr, 0));
	s->weight = rdf16(ldns_rr_rdf(rr, 1));
	s->port = rdf16(ldns_rr_rdf(rr, 2));
	s->target = target;
}

static const struct target_kind mx_kind = {LDNS_RR_TYPE_MX, 1, sizeof(tlsa_mx), mx_fill, mx_cmp};
static const struct target_kind srv_kind = {LDNS_RR_TYPE_SRV, 3, sizeof(tlsa_srv), srv_fill,
					    srv_cmp};

/* The entries of one MX or SRV lookup, sorted. */
struct targets {
	void *entries;
	size_t n;
	int root_only; /* a single "." target: RFC 7505 null MX, RFC 2782 no service */
};

/*
 * Look up the records of kind at the name text, keep the answer's state
 * in ans, and turn every record with a target into an entry of t.  On an
 * error t may hold entries already: the caller frees them with its result.
 */
static tlsa_status lookup_targets(const tlsa_resolver *res, const char *text,
				  const struct target_kind *kind, tlsa_dns_answer *ans,
				  struct targets *t)
{
	ldns_rdf *d = tlsa_dns_name(text);
	ldns_pkt *pkt = NULL;
	ldns_rr_list *rrset = NULL;
	const char *first = NULL;
	tlsa_status st;
	size_t i, n;

	if (d == NULL)
		return TLSA_ERR_DNS_NAME;
	st = tlsa_dns_lookup(res, d, kind->type, ans, &pkt, &rrset);
	ldns_rdf_deep_free(d);
	n = rrset ? ldns_rr_list_rr_count(rrset) : 0;
	if (st == TLSA_OK && n && (t->entries = calloc(n, kind->size)) == NULL)
		st = TLSA_ERR_NOMEM;
	for (i = 0; st == TLSA_OK && i < n; i++) {
		ldns_rr *rr = ldns_rr_list_rr(rrset, i);
		ldns_rdf *target = ldns_rr_rdf(rr, kind->target);
		char *name;

		if (target == NULL)
			continue;
		if ((name = tlsa_dname_str(target)) == NULL) {
			st = TLSA_ERR_NOMEM;
			break;
		}
		kind->fill((char *)t->entries + t->n * kind->size, rr, name);
		if (t->n++ == 0)
			first = name;
	}
	if (st == TLSA_OK && t->n == 1 && strcmp(first, ".") == 0)
		t->root_only = 1;
	if (st == TLSA_OK && t->n > 1)
		qsort(t->entries, t->n, kind->size, kind->cmp);
	ldns_rr_list_free(rrset);
	if (pkt)
		ldns_pkt_free(pkt);
	return st;
}

tlsa_status tlsa_lookup_mx(const tlsa_resolver *res, const char *domain, tlsa_mx_result **out)
{
	struct targets t = {NULL, 0, 0};
	tlsa_mx_result *r;
	tlsa_status st;

	if (out == NULL || res == NULL || domain == NULL)
		return TLSA_ERR_INVALID;
	*out = NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return TLSA_ERR_NOMEM;
	st = lookup_targets(res, domain, &mx_kind, &r->answer, &t);
	r->mx = t.entries;
	r->nmx = t.n;
	r->null_mx = t.root_only;
	if (st != TLSA_OK) {
		tlsa_mx_result_free(r);
		return st;
	}
	*out = r;
	return TLSA_OK;
}

tlsa_status tlsa_lookup_srv(const tlsa_resolver *res, const char *owner, tlsa_srv_result **out)
{
	struct targets t = {NULL, 0, 0};
	tlsa_srv_result *r;
	tlsa_status st;

	if (out == NULL || res == NULL || owner == NULL)
		return TLSA_ERR_INVALID;
	*out = NULL;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return TLSA_ERR_NOMEM;
	st = lookup_targets(res, owner, &srv_kind, &r->answer, &t);
	r->srv = t.entries;
	r->nsrv = t.n;
	r->no_service = t.root_only;
	if (st != TLSA_OK) {
		tlsa_srv_result_free(r);
		return st;
	}
	*out = r;
	return TLSA_OK;
}
