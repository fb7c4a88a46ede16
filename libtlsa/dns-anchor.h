/*
 * Reading a trust-anchor file (dns-anchor.c), for the resolver that
 * validates locally.  Not installed.
 */
#ifndef TLSA_DNS_ANCHOR_H
#define TLSA_DNS_ANCHOR_H

#include <ldns/ldns.h>

#include <tlsa/dns.h>

/* Read DS and DNSKEY records from a zone-format file; on a syntax error
 * *err_line (may be NULL) gets its line number. */
tlsa_status tlsa_anchors_read(const char *file, ldns_rr_list **out, unsigned *err_line);

#endif
