/*
 * STARTTLS protocols: the table of dialogues that upgrade a plain
 * connection to TLS, and their well-known ports.
 *
 * Owns: protocol names, default ports, and (with the check work) the
 * dialogue of each protocol and a bounded reply reader.  Adding a
 * protocol is adding a row to the table in starttls.c.
 */
#ifndef TLSA_STARTTLS_H
#define TLSA_STARTTLS_H

#include <tlsa/status.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct tlsa_starttls tlsa_starttls;

/* The protocol called name ("smtp", "imap"...), or NULL when unknown. */
const tlsa_starttls *tlsa_starttls_find(const char *name);

/* The protocol whose well-known port this is (25 -> smtp), or NULL. */
const tlsa_starttls *tlsa_starttls_by_port(unsigned port);

const char *tlsa_starttls_name(const tlsa_starttls *proto);
unsigned tlsa_starttls_port(const tlsa_starttls *proto);

/* The names of all protocols, space separated, for help texts. */
const char *tlsa_starttls_names(void);

#ifdef __cplusplus
}
#endif
#endif
