/*
 * Trust-anchor files for local validation (--trust-anchor): DS and
 * DNSKEY records in zone-file syntax, read with ldns, and the public
 * check of such a file.
 *
 * Does not own: what the anchors are used for (dnssec.c), or the
 * resolver that holds them (dns-resolver.c).
 */
#include "config.h"

#include <stdio.h>

#include <ldns/ldns.h>

#include <tlsa/dns.h>
#include "dns-anchor.h"
#include "error-internal.h"

tlsa_status tlsa_trust_anchor_check(const char *file, size_t *count)
{
	ldns_rr_list *l = NULL;
	unsigned line = 0;
	tlsa_status st;

	tlsa_err_clear();
	if (count)
		*count = 0;
	if (file == NULL)
		return TLSA_ERR_INVALID;
	st = tlsa_anchors_read(file, &l, &line);
	if (st != TLSA_OK)
		tlsa_err_where(file, line);
	if (count)
		*count = l ? ldns_rr_list_rr_count(l) : 0;
	if (l)
		ldns_rr_list_deep_free(l);
	return st;
}

tlsa_status tlsa_anchors_read(const char *file, ldns_rr_list **out, unsigned *err_line)
{
	FILE *f = fopen(file, "r");
	ldns_rr_list *l;
	ldns_rdf *origin = NULL, *prev = NULL;
	uint32_t ttl = 3600;
	int line = 1;
	tlsa_status st = TLSA_OK;

	*out = NULL;
	if (err_line)
		*err_line = 0;
	if (f == NULL)
		return TLSA_ERR_ANCHOR_READ;
	l = ldns_rr_list_new();
	if (l == NULL) {
		fclose(f);
		return TLSA_ERR_NOMEM;
	}
	while (!feof(f)) {
		ldns_rr *rr = NULL;
		ldns_status s = ldns_rr_new_frm_fp_l(&rr, f, &ttl, &origin, &prev, &line);

		if (s == LDNS_STATUS_SYNTAX_EMPTY || s == LDNS_STATUS_SYNTAX_TTL ||
		    s == LDNS_STATUS_SYNTAX_ORIGIN || s == LDNS_STATUS_SYNTAX_INCLUDE)
			continue;
		if (s != LDNS_STATUS_OK) {
			if (feof(f) && rr == NULL && s == LDNS_STATUS_SYNTAX_ERR)
				break;
			st = TLSA_ERR_ANCHOR_SYNTAX;
			/* ldns has counted the lines it read, the bad one
			 * included. */
			if (err_line)
				*err_line = (unsigned)(line > 1 ? line - 1 : 1);
			break;
		}
		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_DS ||
		    ldns_rr_get_type(rr) == LDNS_RR_TYPE_DNSKEY)
			ldns_rr_list_push_rr(l, rr);
		else
			ldns_rr_free(rr);
	}
	if (ferror(f))
		st = TLSA_ERR_ANCHOR_READ;
	fclose(f);
	ldns_rdf_deep_free(origin);
	ldns_rdf_deep_free(prev);
	if (st == TLSA_OK && ldns_rr_list_rr_count(l) == 0)
		st = TLSA_ERR_ANCHOR_EMPTY;
	if (st != TLSA_OK) {
		ldns_rr_list_deep_free(l);
		return st;
	}
	*out = l;
	return TLSA_OK;
}
