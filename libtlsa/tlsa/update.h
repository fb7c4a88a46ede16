/*
 * Publishing TLSA records through the DNS server itself: RFC 2136 dynamic
 * updates signed with TSIG (RFC 8945), for zones a primary server keeps
 * and signs (BIND with update-policy or inline signing, Knot DNS with
 * automatic signing, PowerDNS).
 *
 * Owns: TSIG keys (tsig.c: the BIND `key` clause tsig-keygen writes,
 * Knot's `ALGORITHM:NAME:SECRET` and its `key:` configuration section;
 * key files other users can read or write are refused), and the update
 * (update.c): the RRsets asked for, what the primary serves now, one
 * UPDATE per zone that deletes and adds each changed RRset under a
 * prerequisite on its old content, retried when another writer got there
 * first, the TSIG check of the answer, and the queries that show the new
 * sets served (and signed).  Nothing is sent when every set is already as
 * asked.  Everything goes over TCP to one server.  Secrets are never put
 * into an error detail.
 *
 * Typical use:
 *   tlsa_tsig_key_load("tlsa.key", &key);
 *   tlsa_update_new(&up);
 *   tlsa_update_add_record(up, "_443._tcp.www.example.org. 300 IN TLSA 3 1 1 ab..");
 *   tlsa_update_set_server(up, "192.0.2.53@53");
 *   tlsa_update_set_key(up, key);
 *   tlsa_update_push(up, &report);
 *   tlsa_update_verify(up, "192.0.2.53", 30000);  then tlsa_update_seen_at(up, i)
 *   tlsa_update_free(up); tlsa_tsig_key_free(key);
 * A failure's detail is in tlsa_error_detail() (see tlsa/status.h).
 */
#ifndef TLSA_UPDATE_H
#define TLSA_UPDATE_H

#include <stddef.h>
#include <stdint.h>

#include <tlsa/dns.h>
#include <tlsa/status.h>
#include <tlsa/zonefile.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- TSIG keys ------------------------------------------------------------- */

typedef struct tlsa_tsig_key tlsa_tsig_key;

/*
 * A TSIG key from text: a BIND `key "NAME" { algorithm ALG; secret
 * "BASE64"; };` clause (as tsig-keygen and ddns-confgen write it; the
 * first clause counts), Knot's `[ALG:]NAME:BASE64` (as knsupdate -y
 * takes it), or a Knot configuration `key:` section with id, algorithm
 * and secret.  The algorithm defaults to hmac-sha256; hmac-sha384 and
 * hmac-sha512 are taken too.  Errors: TLSA_ERR_TSIG_KEY,
 * TLSA_ERR_TSIG_ALGORITHM, TLSA_ERR_NOMEM; the detail in
 * tlsa_error_detail() never quotes the secret.
 */
tlsa_status tlsa_tsig_key_parse(const char *text, size_t len, tlsa_tsig_key **out);

/*
 * A TSIG key from a file, as tlsa_tsig_key_parse() reads it.  A file that
 * is not a regular file, that belongs to another user than the caller
 * (root aside) or that its group or others may read or write is refused
 * with TLSA_ERR_TSIG_MODE, as ssh refuses private keys; a file that
 * cannot be opened or read is TLSA_ERR_TSIG_READ.
 */
tlsa_status tlsa_tsig_key_load(const char *path, tlsa_tsig_key **out);

/* The key's name ("tlsa-key.") and algorithm ("hmac-sha256"). */
const char *tlsa_tsig_key_name(const tlsa_tsig_key *key);
const char *tlsa_tsig_key_algorithm(const tlsa_tsig_key *key);

/* Wipes the secret. */
void tlsa_tsig_key_free(tlsa_tsig_key *key);

/* ---- updates --------------------------------------------------------------- */

typedef struct tlsa_update tlsa_update;

/* What tlsa_update_push() did: library-allocated, owned by the update
 * (valid until the next push or tlsa_update_free()); fields are only
 * ever appended. */
typedef struct tlsa_update_report {
	int sent;	   /* UPDATE messages the server accepted (0: nothing to change) */
	int rcode;	   /* rcode of the last answer (0 NOERROR, 5 REFUSED, 9 NOTAUTH), -1 none */
	int tsig_error;	   /* TSIG error of the last answer (16 BADSIG, 17 BADKEY, 18 BADTIME) */
	unsigned attempts; /* UPDATE messages sent, retries included */
	size_t sets_replaced, sets_added, sets_removed, sets_unchanged;
	const char *zone; /* the zone of the last UPDATE, "example.org."; "" when none */
} tlsa_update_report;

/* What one server serves at one owner (tlsa_update_verify(), then
 * tlsa_update_seen_at()): library-allocated, owned by the update (valid
 * until the next verify or tlsa_update_free()); fields only ever appended. */
typedef struct tlsa_update_seen {
	const char *owner;
	int served;	 /* 1: the set served is the set pushed (none, for a removal) */
	int signed_ok;	 /* 1: an RRSIG over it validates with the zone's DNSKEYs; 0 when
			    the zone is not signed or it does not (see zone_signed) */
	int zone_signed; /* the zone has DNSKEYs */
	size_t count;	 /* TLSA records served */
} tlsa_update_seen;

tlsa_status tlsa_update_new(tlsa_update **out);
void tlsa_update_free(tlsa_update *up);

/*
 * One TLSA record as `tlsa create` prints it, "OWNER [TTL] [IN] TLSA U S
 * M HEX" or the generic "TYPE52 \# LEN HEX", owner absolute; the owner's
 * whole RRset becomes the records given for it (TTL 3600 when none is
 * given; one TTL for the set: the smallest given).  TLSA_ERR_ZONE_RECORD,
 * TLSA_ERR_ZONE_NOT_TLSA, TLSA_ERR_ZONE_ORIGIN for a relative owner,
 * TLSA_ERR_ZONE_CONFLICT for an owner also removed.
 */
tlsa_status tlsa_update_add_record(tlsa_update *up, const char *text);
/* Delete the TLSA RRset of owner (absolute).  TLSA_ERR_DNS_NAME,
 * TLSA_ERR_ZONE_CONFLICT. */
tlsa_status tlsa_update_remove(tlsa_update *up, const char *owner);

/* The primary to send to, "ADDR[@PORT]" (TLSA_ERR_RESOLVER_ADDR). */
tlsa_status tlsa_update_set_server(tlsa_update *up, const char *server);
/*
 * The primary as the zone of the first owner names it: the address of its
 * SOA MNAME, as the resolvers of res find them (port 53).
 * TLSA_ERR_UPDATE_ZONE when no SOA or no address is found.
 */
tlsa_status tlsa_update_find_primary(tlsa_update *up, const tlsa_resolver *res);
/* The server set, "ADDR@PORT", or NULL. */
const char *tlsa_update_server(const tlsa_update *up);
/* The key that signs the UPDATE (borrowed; NULL: unsigned). */
void tlsa_update_set_key(tlsa_update *up, const tlsa_tsig_key *key);
/* Bound for each exchange with the server (default 10000 ms). */
void tlsa_update_set_timeout(tlsa_update *up, unsigned timeout_ms);
/* UPDATEs sent again after a failed prerequisite (default 4). */
void tlsa_update_set_retries(tlsa_update *up, unsigned retries);

/* The number of owners, and each (absolute) with 1 when it is removed. */
size_t tlsa_update_owner_count(const tlsa_update *up);
const char *tlsa_update_owner(const tlsa_update *up, size_t i, int *removed);

/*
 * After tlsa_update_push(): what it did to owner i's set, as
 * tlsa_zone_edit_change() says it for files (TLSA_ZONE_SET_UNCHANGED when
 * the server already served it so), and, in *old_count (may be NULL),
 * how many records the server served before.
 */
tlsa_zone_set_change tlsa_update_owner_change(const tlsa_update *up, size_t i, size_t *old_count);

/*
 * The whole update as nsupdate/knsupdate input, as `tlsa create -o
 * nsupdate` prints it: per owner in the order first given, "update delete
 * OWNER TLSA", then "update add OWNER TTL IN TLSA U S M HEX" for each
 * distinct record; "send" at the end.  No server is asked.  Malloc'd.
 */
tlsa_status tlsa_update_nsupdate(const tlsa_update *up, char **text);

/*
 * Ask the server for each owner's zone (its SOA) and TLSA RRset, and send
 * one UPDATE per zone for the sets that differ (compared in wire form):
 * the prerequisite that the old set is as read (or absent), delete the
 * set, add the new records.  A failed prerequisite (NXRRSET, YXRRSET)
 * means another writer came between: read again and retry, up to the
 * retries set.  The answer must carry a TSIG that verifies when the
 * UPDATE was signed.  *report (may be NULL) is what it did, kept by the
 * update, also when it fails.  Errors: TLSA_ERR_UPDATE_RCODE (the
 * report's rcode and tsig_error say which), TLSA_ERR_UPDATE_RACE, TLSA_ERR_UPDATE_ZONE,
 * TLSA_ERR_UPDATE_ANSWER, TLSA_ERR_UPDATE_TOO_BIG (more than a DNS message
 * holds: 65535 bytes), TLSA_ERR_CONNECT, TLSA_ERR_TIMEOUT, TLSA_ERR_CLOSED.
 */
tlsa_status tlsa_update_push(tlsa_update *up, const tlsa_update_report **report);

/*
 * Ask server ("ADDR[@PORT]"; NULL: the update's) for every owner's TLSA
 * set until each is as pushed (absent, for a removal) and, in a signed
 * zone, covered by an RRSIG that validates with the zone's DNSKEYs (as
 * that server serves them), or until wait_ms is over.  TLSA_OK when all
 * are served so, else TLSA_ERR_UPDATE_NOT_SERVED (or a transport error).
 * What it saw of owner i is then tlsa_update_seen_at(up, i), one per owner
 * (tlsa_update_owner_count() of them); NULL for i out of range or before
 * any verify.
 */
tlsa_status tlsa_update_verify(tlsa_update *up, const char *server, unsigned wait_ms);
const tlsa_update_seen *tlsa_update_seen_at(const tlsa_update *up, size_t i);

/*
 * The nameservers of the zone of the last push (its NS set as the
 * primary serves it), each as "ADDR@PORT" with the primary's port, at the
 * addresses the primary serves for their names (in-zone names and glue;
 * a nameserver whose address the primary does not know is left out).
 * *out is a malloc'd array of malloc'd strings.
 */
tlsa_status tlsa_update_nameservers(const tlsa_update *up, char ***out, size_t *n);

/* "REFUSED", "NOTAUTH", "BADSIG"...: the words for an rcode or TSIG error. */
const char *tlsa_update_rcode_name(int rcode);

#ifdef __cplusplus
}
#endif
#endif
