/*
 * Live verification: one TLS session with one address of a server,
 * checked against TLSA records with OpenSSL's DANE verifier.
 *
 * Owns: connecting with a timeout, the STARTTLS dialogue (through
 * starttls.c), the handshake with SNI, handing every record to OpenSSL
 * (SSL_dane_tlsa_add) and reading back which one matched at which depth,
 * and what the session presented (version, cipher, chain).  Matching is
 * OpenSSL's, never ours; with records given, success never falls back to
 * ordinary CA checking.
 * Does not own: DNS (dns-*.c), or the policy that turns results into
 * OK/WARNING/CRITICAL (the check command's).
 *
 * Threads: every call builds its own SSL_CTX (or uses a shared
 * tlsa_verify_ctx, which is immutable once made) and keeps no state, so
 * checks of different addresses may run at the same time.
 */
#ifndef TLSA_VERIFY_H
#define TLSA_VERIFY_H

#include <stddef.h>
#include <time.h>

#include <tlsa/load.h>
#include <tlsa/record.h>
#include <tlsa/starttls.h>
#include <tlsa/status.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * A TLS client context that sessions may share, from any number of threads
 * at once.  Building one costs about half a millisecond with OpenSSL 3.0;
 * a fleet of checks would otherwise pay that for every address.
 * ca_file and ca_path are those the sessions would use (NULL: system).
 * A CA location that cannot be loaded is not an error here: sessions that
 * need it (PKIX usages) then build their own context and report it.
 */
typedef struct tlsa_verify_ctx tlsa_verify_ctx;
tlsa_status tlsa_verify_ctx_new(const char *ca_file, const char *ca_path, tlsa_verify_ctx **out);
void tlsa_verify_ctx_free(tlsa_verify_ctx *ctx);

/*
 * Certificate key types, by the signature algorithms a client offers.
 * A server may hold several certificates (Postfix, nginx and Dovecot
 * commonly serve an RSA and an ECDSA one) and picks one per handshake
 * from the signature algorithms the client offers; a client that offers
 * only one family's algorithms sees only that family's certificate:
 *   RSA      rsa_pss_rsae_*, rsa_pss_pss_*, rsa_pkcs1_*
 *   ECDSA    ecdsa_*
 *   Ed25519  ed25519
 *   Ed448    ed448
 * The values are bits, for masks of several.
 */
typedef enum tlsa_key_type {
	TLSA_KEY_UNKNOWN = 0, /* not known (no certificate, another algorithm);
				 in opts: no restriction */
	TLSA_KEY_RSA = 1,
	TLSA_KEY_ECDSA = 2,
	TLSA_KEY_ED25519 = 4,
	TLSA_KEY_ED448 = 8
} tlsa_key_type;
#define TLSA_KEY_ALL   0x0fu  /* every family above */
#define TLSA_KEY_FIRST 0x100u /* in a mask: begin with an unrestricted session */

/* "RSA", "ECDSA", "Ed25519", "Ed448"; "unknown" for anything else. */
const char *tlsa_key_type_name(tlsa_key_type type);

/*
 * A mask from text: "all" (TLSA_KEY_FIRST | TLSA_KEY_ALL), "first"
 * (TLSA_KEY_FIRST alone) or a comma-separated list of rsa, ecdsa,
 * ed25519, ed448 (any case).  TLSA_ERR_INVALID for anything else.
 */
tlsa_status tlsa_key_types_parse(const char *text, unsigned *mask);

/* What to connect to and how to verify.  Start from TLSA_VERIFY_OPTS_INIT,
 * which sets size (see libtlsa(3): structs a caller fills carry their
 * size); one whose size is not set is TLSA_ERR_INVALID. */
typedef struct tlsa_verify_opts {
	size_t size;		  /* sizeof(tlsa_verify_opts) */
	const char *base_domain;  /* TLSA base domain: DANE-TA name checks */
	const char *const *names; /* more names a DANE-TA chain may carry */
	size_t nnames;
	const char *sni;		   /* server name sent; NULL: base_domain */
	const char *service_domain;	   /* the service's own domain where it differs
					      from the host (XMPP's stream "to", RFC 7673);
					      NULL: base_domain */
	const tlsa_starttls *starttls;	   /* NULL: TLS from the first byte */
	const char *client_name;	   /* EHLO name; NULL: "localhost" */
	int timeout_ms;			   /* bound on each step; <= 0: 10 s */
	int smtp;			   /* RFC 7672: ignore usages 0 and 1 */
	const char *ca_file, *ca_path;	   /* PKIX trust for usages 0 and 1; NULL: system */
	const tlsa_record *const *records; /* the TLSA RRset */
	size_t nrecords;
	const tlsa_verify_ctx *ctx; /* shared context (same ca_file, ca_path), or
				       NULL: each session builds its own */
	tlsa_key_type key_type;	    /* offer only this family's signature
				       algorithms; TLSA_KEY_UNKNOWN (0): all */
	/* judge validity (expiry) at this time; 0: now */
	time_t at;
} tlsa_verify_opts;
/* clang-format off */
#define TLSA_VERIFY_OPTS_INIT {.size = sizeof(tlsa_verify_opts)}
/* clang-format on */

/* What became of one record. */
typedef enum tlsa_rec_state {
	TLSA_REC_MATCHED,   /* OpenSSL authenticated the peer with it */
	TLSA_REC_UNMATCHED, /* usable, but not the one that matched */
	TLSA_REC_UNUSABLE,  /* OpenSSL cannot use it (unknown usage, bad length...) */
	TLSA_REC_IGNORED    /* usage 0 or 1 on SMTP (RFC 7672 section 3.1.3) */
} tlsa_rec_state;

/* "matched", "not matched", "unusable", "ignored". */
const char *tlsa_rec_state_name(tlsa_rec_state state);

typedef struct tlsa_rec_result {
	tlsa_rec_state state;
	const char *why; /* why unusable or ignored (static text), else NULL */
	int depth;	 /* MATCHED: depth of the certificate it matched */
	int presented;	 /* a certificate presented at this depth has this
			    record's data (-1 none); informative only, for
			    records that OpenSSL did not need to try */
} tlsa_rec_result;

/*
 * The outcome of one session.  Library-allocated: read it, never build
 * one; fields are only ever appended.  Its strings are the result's own,
 * never NULL, and live until tlsa_verify_result_free().
 */
typedef struct tlsa_verify_result {
	tlsa_status status;	  /* TLSA_OK: verified; else the step that failed */
	const char *why;	  /* the failure in words, "" when verified */
	int connected;		  /* the TCP connection was made */
	int tls_begun;		  /* connected and past the STARTTLS dialogue, if any: a
				     failure from here on is not TCP's or STARTTLS's */
	int handshake;		  /* the TLS handshake completed */
	const char *version;	  /* "TLSv1.3"; "" before a handshake */
	const char *cipher;	  /* "TLS_AES_256_GCM_SHA384"; "" before a handshake */
	long verify_error;	  /* X509_V_OK (0) or OpenSSL's X509_V_ERR_* */
	int match_depth;	  /* depth OpenSSL matched at, -1 when none */
	int match_index;	  /* index of the record that matched, -1 when none */
	size_t usable;		  /* records OpenSSL accepted */
	tlsa_rec_result *records; /* one per record given, same order */
	size_t nrecords;
	tlsa_input *chain;	       /* the chain presented, leaf first, or NULL */
	unsigned char spki_sha256[32]; /* the leaf's SPKI digest (3 1 1 data) */
	int have_spki;
	tlsa_key_type key_type; /* the leaf's key type; without a leaf, the
				   family the session was restricted to */
} tlsa_verify_result;

/*
 * Connect to address (numeric IPv4 or IPv6) port, run the STARTTLS
 * dialogue if any, handshake and verify against opts->records.  *out is
 * set unless out of memory; free it with tlsa_verify_result_free().
 * Returns TLSA_OK when the peer was authenticated by a TLSA record, else
 * the failure also kept in (*out)->status with words in (*out)->why (and
 * in tlsa_error_detail(): the words are the session's, kept in the result
 * as data, and the call's failure detail too).
 * With no records at all, the handshake is made without verification
 * (to fetch a chain) and TLSA_ERR_NO_USABLE is returned after it.
 */
tlsa_status tlsa_verify(const char *address, unsigned port, const tlsa_verify_opts *opts,
			tlsa_verify_result **out);
void tlsa_verify_result_free(tlsa_verify_result *res);

/*
 * Every certificate type the server at address offers, one session each
 * (so one handshake per family tried).  types is a mask: with
 * TLSA_KEY_FIRST, an unrestricted session comes first (what an ordinary
 * client gets); then one session restricted to each family of types
 * (TLSA_KEY_RSA...) that no earlier session saw.  A restricted handshake
 * the server refuses (a handshake_failure or insufficient_security alert,
 * or a close before its ServerHello) or answers with a certificate of
 * another type means the family is not offered: such sessions are left
 * out, so only the families the server has are reported.  A session that fails before TLS (connect,
 * STARTTLS, a timeout) ends the series: the others would fare the same.
 *
 * *out is an array of *nout results (free each with
 * tlsa_verify_result_free(), then the array with free()), in family order
 * RSA, ECDSA, Ed25519, Ed448, unknown; never empty unless out of memory:
 * when no family asked for is offered, the one result says so
 * (TLSA_ERR_NOT_OFFERED).  Returns TLSA_OK when every result verified,
 * else the first failure's status, whose words are also in
 * tlsa_error_detail() (TLSA_ERR_NOMEM, TLSA_ERR_INVALID: no results).
 */
tlsa_status tlsa_verify_each(const char *address, unsigned port, const tlsa_verify_opts *opts,
			     unsigned types, tlsa_verify_result ***out, size_t *nout);

/*
 * As tlsa_verify(), over a socket the caller has connected (a proxy, a
 * socketpair in a test).  fd is made non-blocking and left open.
 */
tlsa_status tlsa_verify_fd(int fd, const tlsa_verify_opts *opts, tlsa_verify_result **out);

/*
 * Offline: verify chain (certificates leaf first, as a server sends them,
 * e.g. from a file) against opts->records without connecting anywhere,
 * with the same OpenSSL DANE verifier and the same setup as tlsa_verify()
 * (base domain and names for DANE-TA name checks, opts->at, chain building
 * from the certificates given for DANE-TA, the depth of the match), so the
 * two cannot disagree.  Connection options (sni, starttls, timeout_ms,
 * key_type) are not used.  The result is tlsa_verify()'s with connected 0,
 * handshake 1 (the chain was had) and an empty version and cipher.
 * TLSA_ERR_INVALID (no result) unless chain holds certificates.
 */
tlsa_status tlsa_verify_chain(const tlsa_input *chain, const tlsa_verify_opts *opts,
			      tlsa_verify_result **out);

/*
 * The chain a server presents, for `tlsa create HOST`: connect, dialogue
 * and handshake as tlsa_verify() does, without verifying.  On failure
 * tlsa_error_detail() is the sentence.
 */
tlsa_status tlsa_fetch_chain(const char *address, unsigned port, const tlsa_verify_opts *opts,
			     tlsa_input **chain);

#ifdef __cplusplus
}
#endif
#endif
