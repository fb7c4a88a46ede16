/*
 * Getting one answer to one query packet from the resolver's servers
 * (dns-transport.c).  Not installed.
 */
#ifndef TLSA_DNS_TRANSPORT_H
#define TLSA_DNS_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

#include <ldns/ldns.h>

#include "dns-resolver.h"

/*
 * Send query to the servers of res until one answers it (retransmission,
 * rotation, TCP), within res->timeout_ms in all.  On LDNS_STATUS_OK
 * *reply is the answer and *from the server's index; else why says in
 * words why none came.
 */
ldns_status tlsa_dns_exchange(const tlsa_resolver *res, const ldns_pkt *query, ldns_pkt **reply,
			      size_t *from, char *why, size_t whylen);

/* Whether reply answers query as sent with this ID (ID, QR, question). */
int tlsa_dns_answers(const ldns_pkt *query, uint16_t id, const ldns_pkt *reply);

#endif
