/*
 * STARTTLS protocols: the table of dialogues that upgrade a plain
 * connection to TLS, and their well-known ports.
 *
 * Owns: protocol names, default ports, the dialogue of each protocol and
 * the bounded reply reader they share.  Adding a protocol is adding a row
 * (and at most one small function) to the table in starttls.c.
 * Does not own: connecting, TLS itself or verification (verify.c).
 */
#ifndef TLSA_STARTTLS_H
#define TLSA_STARTTLS_H

#include <stddef.h>

#include <tlsa/status.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Limits of the reply reader: a longer line or reply is an error. */
#define TLSA_STARTTLS_LINE_MAX	4096 /* bytes in one line, CRLF excluded */
#define TLSA_STARTTLS_LINES_MAX 100  /* lines in one (multi-line) reply */

typedef struct tlsa_starttls tlsa_starttls;

/* The protocol called name ("smtp", "imap"...), or NULL when unknown. */
const tlsa_starttls *tlsa_starttls_find(const char *name);

/* The protocol whose well-known port this is (25 -> smtp), or NULL. */
const tlsa_starttls *tlsa_starttls_by_port(unsigned port);

const char *tlsa_starttls_name(const tlsa_starttls *proto);
unsigned tlsa_starttls_port(const tlsa_starttls *proto);

/* The names of all protocols, space separated, for help texts. */
const char *tlsa_starttls_names(void);

/* True when the table has a dialogue for proto (some rows are names only). */
int tlsa_starttls_has_dialogue(const tlsa_starttls *proto);

/* How a dialogue is run.  Start from TLSA_STARTTLS_OPTS_INIT, which sets
 * size (see libtlsa(3): structs a caller fills carry their size). */
typedef struct tlsa_starttls_opts {
	size_t size;		 /* sizeof(tlsa_starttls_opts) */
	const char *client_name; /* EHLO/LHLO name; NULL: "localhost" */
	const char *server_name; /* the service's name (XMPP's "to"); may be NULL */
	int timeout_ms;		 /* bound on each reply and each write; <= 0: 10 s */
} tlsa_starttls_opts;
/* clang-format off */
#define TLSA_STARTTLS_OPTS_INIT {.size = sizeof(tlsa_starttls_opts)}
/* clang-format on */

/*
 * Run proto's dialogue on the connected socket fd, up to the point where
 * the client sends its TLS ClientHello.  fd may be blocking or not; every
 * read and write waits at most opts->timeout_ms (opts may be NULL: the
 * defaults; one whose size is not set is TLSA_ERR_INVALID).  On failure
 * tlsa_error_detail() is a sentence for an admin, such as "STARTTLS not
 * offered in EHLO reply" or "timed out after 10 s waiting for the
 * greeting".
 */
tlsa_status tlsa_starttls_run(const tlsa_starttls *proto, int fd, const tlsa_starttls_opts *opts);

#ifdef __cplusplus
}
#endif
#endif
