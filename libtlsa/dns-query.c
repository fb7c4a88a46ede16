/*
 * One DNS question and the pieces of its answer: the query packet (RD,
 * DO, CD, the EDNS size) handed to the transport, the RRs and RRSIGs of
 * one owner and type in a section, text to names and names to text, and
 * the words for an rcode.  Every DNS file above the transport uses these.
 *
 * Does not own: the sending, retransmission and TCP (dns-transport.c),
 * the servers (dns-resolver.c), or what an answer means (dns-ad.c,
 * dns-answer.c, dnssec.c).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>

#include <tlsa/dns.h>
#include "dns-query.h"
#include "dns-resolver.h"
#include "dns-transport.h"
#include "name-internal.h"

/* ---- the query ------------------------------------------------------------- */

/* An ldns resolver only to build the query packet (RD, DO, CD, EDNS
 * size): the sending is dns-transport.c's. */
static ldns_resolver *ldns_for(int cd)
{
	ldns_resolver *lr = ldns_resolver_new();

	if (lr == NULL)
		return NULL;
	ldns_resolver_set_recursive(lr, true);
	ldns_resolver_set_dnssec(lr, true);
	ldns_resolver_set_dnssec_cd(lr, cd ? true : false);
	ldns_resolver_set_edns_udp_size(lr, 1232);
	return lr;
}

tlsa_status tlsa_dns_query(const tlsa_resolver *res, const ldns_rdf *name, ldns_rr_type type,
			   int cd, ldns_pkt **pkt, const char **server, char *why, size_t whylen)
{
	ldns_resolver *lr = ldns_for(cd);
	ldns_pkt *query = NULL;
	ldns_status ls;
	size_t from = 0;

	*pkt = NULL;
	*server = NULL;
	if (whylen)
		why[0] = '\0';
	if (lr == NULL)
		return TLSA_ERR_NOMEM;
	ls = ldns_resolver_prepare_query_pkt(&query, lr, name, type, LDNS_RR_CLASS_IN,
					     LDNS_RD | (cd ? LDNS_CD : 0));
	ldns_resolver_deep_free(lr);
	if (ls != LDNS_STATUS_OK)
		return ls == LDNS_STATUS_MEM_ERR ? TLSA_ERR_NOMEM : TLSA_ERR_INTERNAL;
	ls = tlsa_dns_exchange(res, query, pkt, &from, why, whylen);
	ldns_pkt_free(query);
	if (ls == LDNS_STATUS_MEM_ERR)
		return TLSA_ERR_NOMEM;
	if (ls == LDNS_STATUS_OK)
		*server = res->servers[from].text;
	return TLSA_OK;
}

/* ---- the sections of an answer --------------------------------------------- */

static int of_type(const ldns_rr *rr, ldns_rr_type type)
{
	return ldns_rr_get_type(rr) == type && ldns_rr_get_class(rr) == LDNS_RR_CLASS_IN;
}

static int signs_type(const ldns_rr *rr, ldns_rr_type type)
{
	ldns_rdf *covered;

	if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_RRSIG)
		return 0;
	covered = ldns_rr_rrsig_typecovered(rr);
	return covered && ldns_rdf2rr_type(covered) == type;
}

/* The RRs of section at owner that match type (a new list, RRs shared). */
static ldns_rr_list *pick(const ldns_rr_list *section, const ldns_rdf *owner, ldns_rr_type type,
			  int (*match)(const ldns_rr *, ldns_rr_type))
{
	ldns_rr_list *l = ldns_rr_list_new();
	size_t i;

	for (i = 0; l && section && i < ldns_rr_list_rr_count(section); i++) {
		ldns_rr *rr = ldns_rr_list_rr(section, i);

		if (match(rr, type) && ldns_dname_compare(ldns_rr_owner(rr), owner) == 0)
			ldns_rr_list_push_rr(l, rr);
	}
	return l;
}

ldns_rr_list *tlsa_dns_select(const ldns_rr_list *section, const ldns_rdf *owner, ldns_rr_type type)
{
	return pick(section, owner, type, of_type);
}

ldns_rr_list *tlsa_dns_sigs(const ldns_rr_list *section, const ldns_rdf *owner, ldns_rr_type type)
{
	return pick(section, owner, type, signs_type);
}

/* ---- names and words -------------------------------------------------------- */

const char *tlsa_dns_rcode_name(int rcode)
{
	switch (rcode) {
	case 0: return "NOERROR";
	case 1: return "FORMERR";
	case 2: return "SERVFAIL";
	case 3: return "NXDOMAIN";
	case 4: return "NOTIMP";
	case 5: return "REFUSED";
	default: return "an unexpected rcode";
	}
}

/* The name's labels are walked as name.c walks DNS text first. */
ldns_rdf *tlsa_dns_name(const char *text)
{
	ldns_rdf *d;

	if (tlsa_name_walk(text, &tlsa_name_dns, NULL, 0) != TLSA_OK)
		return NULL;
	d = ldns_dname_new_frm_str(text);
	if (d && ldns_rdf_get_type(d) != LDNS_RDF_TYPE_DNAME) {
		ldns_rdf_deep_free(d);
		return NULL;
	}
	return d;
}

char *tlsa_dns_fmt(const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

char *tlsa_dname_str(const ldns_rdf *name)
{
	return name ? ldns_rdf2str(name) : NULL;
}
