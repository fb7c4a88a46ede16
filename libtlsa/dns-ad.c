/*
 * The DNSSEC state of one answer in AD mode, where a validating resolver
 * vouches for the data: the AD bit, a signed answer without AD from a
 * resolver that does not validate, SERVFAIL turned bogus by a retry with
 * CD, and the words of RFC 8914 extended errors for the reason.
 *
 * Does not own: validation from a trust anchor (dnssec.c), CNAME chains
 * and combining the states of a lookup (dns-answer.c), the sending
 * (dns-query.c, dns-transport.c).
 */
#include "config.h"

#include <stdlib.h>

#include <ldns/ldns.h>

#include <tlsa/dns.h>
#include "dns-ad.h"
#include "dns-query.h"

/* ---- extended DNS errors (RFC 8914) -------------------------------------- */

static const char *ede_words(unsigned code)
{
	switch (code) {
	case 1: return "unsupported DNSKEY algorithm";
	case 2: return "unsupported DS digest type";
	case 5: return "DNSSEC indeterminate";
	case 6: return "DNSSEC bogus";
	case 7: return "signature expired";
	case 8: return "signature not yet valid";
	case 9: return "DNSKEY missing";
	case 10: return "RRSIGs missing";
	case 11: return "no zone key bit set";
	case 12: return "NSEC missing";
	case 22: return "no reachable authority";
	case 23: return "network error";
	case 25: return "signature expired before valid";
	default: return NULL;
	}
}

/* Words from the first EDE option of pkt, or NULL. */
static char *ede_reason(ldns_pkt *pkt)
{
	ldns_edns_option_list *opts = ldns_pkt_edns_get_option_list(pkt);
	size_t i;

	for (i = 0; opts && i < ldns_edns_option_list_get_count(opts); i++) {
		ldns_edns_option *o = ldns_edns_option_list_get_option(opts, i);
		const uint8_t *d = ldns_edns_get_data(o);
		size_t len = ldns_edns_get_size(o);
		unsigned code;
		const char *w;
		int tlen;

		if (ldns_edns_get_code(o) != LDNS_EDNS_EDE || len < 2 || d == NULL)
			continue;
		code = (unsigned)d[0] << 8 | d[1];
		w = ede_words(code);
		/* The extra text is the resolver's own words; keep it short
		 * and printable. */
		tlen = (int)(len - 2 > 200 ? 200 : len - 2);
		for (int k = 0; k < tlen; k++)
			if (d[2 + k] < 0x20 || d[2 + k] > 0x7e)
				tlen = k;
		if (tlen > 0)
			return tlsa_dns_fmt("%s (EDE %u: %.*s)", w ? w : "error", code, tlen,
					    (const char *)d + 2);
		return tlsa_dns_fmt("%s (EDE %u)", w ? w : "error", code);
	}
	return NULL;
}

/* ---- the AD bit ---------------------------------------------------------- */

/* The first RRSIG of the answer or authority section, or NULL. */
static const ldns_rr *first_sig(const ldns_pkt *pkt)
{
	const ldns_rr_list *sec[2] = {ldns_pkt_answer(pkt), ldns_pkt_authority(pkt)};
	size_t i, k;

	for (k = 0; k < 2; k++)
		for (i = 0; sec[k] && i < ldns_rr_list_rr_count(sec[k]); i++)
			if (ldns_rr_get_type(ldns_rr_list_rr(sec[k], i)) == LDNS_RR_TYPE_RRSIG)
				return ldns_rr_list_rr(sec[k], i);
	return NULL;
}

/*
 * A signed answer without AD: insecure only when the resolver shows that it
 * validates, by setting AD on the signer zone's DS RRset or its denial (a
 * signed zone that its secure parent does not delegate securely, or whose
 * algorithm the resolver does not support, is provably insecure).  An
 * authoritative server or a forwarder that strips AD never does: then
 * nobody checked the signatures, and the answer is not "insecure" but
 * unvalidated.  1 when the resolver validates; *lost when the probe got
 * no answer.
 */
static int resolver_validates(const tlsa_resolver *res, const ldns_rr *sig, int *lost)
{
	ldns_rdf *signer = ldns_rr_rrsig_signame(sig);
	ldns_pkt *p = NULL;
	const char *sv = NULL;
	char why[256];
	int ad;

	if (signer == NULL || ldns_rdf_get_type(signer) != LDNS_RDF_TYPE_DNAME)
		return 0;
	/* The root has no DS: its DNSKEY RRset gets AD from a validator. */
	if (tlsa_dns_query(res, signer,
			   ldns_dname_label_count(signer) == 0 ? LDNS_RR_TYPE_DNSKEY
							       : LDNS_RR_TYPE_DS,
			   0, &p, &sv, why, sizeof(why)) != TLSA_OK ||
	    p == NULL) {
		*lost = 1;
		return 0;
	}
	ad = ldns_pkt_ad(p) && (ldns_pkt_get_rcode(p) == LDNS_RCODE_NOERROR ||
				ldns_pkt_get_rcode(p) == LDNS_RCODE_NXDOMAIN);
	ldns_pkt_free(p);
	return ad;
}

/* See dns-ad.h. */
tlsa_status tlsa_dns_ad_state(const tlsa_resolver *res, const ldns_rdf *name, ldns_rr_type type,
			      ldns_pkt **pkt, const char **server, tlsa_dnssec *state,
			      char **reason, int *lost, int *unvalidated)
{
	int rc = ldns_pkt_get_rcode(*pkt);

	*reason = NULL;
	if (rc == LDNS_RCODE_NOERROR || rc == LDNS_RCODE_NXDOMAIN) {
		const ldns_rr *sig = first_sig(*pkt);
		int gone = 0;

		*state = ldns_pkt_ad(*pkt) ? TLSA_DNSSEC_SECURE : TLSA_DNSSEC_INSECURE;
		if (*state == TLSA_DNSSEC_SECURE || sig == NULL ||
		    resolver_validates(res, sig, &gone))
			return TLSA_OK;
		*state = TLSA_DNSSEC_INDETERMINATE;
		if (gone) {
			*lost = 1;
			*reason = tlsa_dns_fmt("the answer from %s is signed but has no AD bit, "
					       "and asking whether the resolver validates got no "
					       "answer",
					       *server);
			return TLSA_OK;
		}
		*unvalidated = 1;
		*reason =
		    tlsa_dns_fmt("the resolver %s does not validate: the answer carries "
				 "DNSSEC signatures (RRSIG) but no AD bit, so nobody checked "
				 "them (an authoritative server, or a forwarder that strips AD)",
				 *server);
		return TLSA_OK;
	}
	*state = TLSA_DNSSEC_INDETERMINATE;
	if (rc == LDNS_RCODE_SERVFAIL) {
		ldns_pkt *cdp = NULL;
		const char *cds = NULL;
		char why[256];
		char *said = ede_reason(*pkt);
		tlsa_status st;

		/*
		 * A SERVFAIL that says nothing (no extended error) may be the
		 * resolver's own trouble reaching the zone's servers, as on a
		 * cold cache under load: ask once more before reading it as
		 * bogus, so a passing failure is never reported as an attack.
		 */
		if (said == NULL &&
		    tlsa_dns_query(res, name, type, 0, &cdp, &cds, why, sizeof(why)) == TLSA_OK &&
		    cdp != NULL && ldns_pkt_get_rcode(cdp) != LDNS_RCODE_SERVFAIL) {
			ldns_pkt_free(*pkt);
			*pkt = cdp;
			*server = cds;
			return tlsa_dns_ad_state(res, name, type, pkt, server, state, reason, lost,
						 unvalidated);
		}
		free(said);
		if (cdp != NULL)
			ldns_pkt_free(cdp);
		cdp = NULL;
		cds = NULL;
		st = tlsa_dns_query(res, name, type, 1, &cdp, &cds, why, sizeof(why));

		if (st != TLSA_OK)
			return st;
		if (cdp && (ldns_pkt_get_rcode(cdp) == LDNS_RCODE_NOERROR ||
			    ldns_pkt_get_rcode(cdp) == LDNS_RCODE_NXDOMAIN)) {
			char *ede = ede_reason(*pkt);

			*state = TLSA_DNSSEC_BOGUS;
			*reason =
			    ede ? tlsa_dns_fmt("the resolver %s reported the answer as bogus: %s",
					       *server, ede)
				: tlsa_dns_fmt("the resolver %s reported the answer as bogus "
					       "(SERVFAIL; data present with CD)",
					       *server);
			free(ede);
			ldns_pkt_free(*pkt);
			*pkt = cdp;
			*server = cds;
			return TLSA_OK;
		}
		if (cdp == NULL) {
			*lost = 1;
			*reason = tlsa_dns_fmt("resolver %s returned SERVFAIL, and asked again "
					       "with CD set: %s",
					       *server, why);
			return TLSA_OK;
		}
		ldns_pkt_free(cdp);
		*reason = tlsa_dns_fmt("resolver %s returned SERVFAIL (also with CD set: "
				       "the zone's servers may be unreachable or broken)",
				       *server);
		return TLSA_OK;
	}
	*reason = tlsa_dns_fmt("resolver %s returned %s", *server, tlsa_dns_rcode_name(rc));
	return TLSA_OK;
}
