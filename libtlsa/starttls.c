/*
 * STARTTLS protocols as a table: one row per protocol.
 *
 * Owns: names and well-known ports; the dialogues themselves are added
 * to the rows by the check work.
 */
#include "config.h"

#include <string.h>

#include <tlsa/starttls.h>

struct tlsa_starttls {
	const char *name;
	unsigned port;
};

static const struct tlsa_starttls protocols[] = {
	{ "smtp", 25 },
	{ "lmtp", 24 },
	{ "imap", 143 },
	{ "pop3", 110 },
	{ "ftp", 21 },
	{ "xmpp", 5222 },
	{ "xmpp-server", 5269 },
	{ "ldap", 389 },
	{ "sieve", 4190 },
	{ "nntp", 119 },
	{ "postgres", 5432 },
};

#define NPROTO (sizeof(protocols) / sizeof(protocols[0]))

const tlsa_starttls *tlsa_starttls_find(const char *name)
{
	size_t i;

	for (i = 0; i < NPROTO; i++)
		if (strcmp(protocols[i].name, name) == 0)
			return &protocols[i];
	return NULL;
}

const tlsa_starttls *tlsa_starttls_by_port(unsigned port)
{
	size_t i;

	/* Submission (587) speaks SMTP too. */
	if (port == 587)
		return &protocols[0];
	for (i = 0; i < NPROTO; i++)
		if (protocols[i].port == port)
			return &protocols[i];
	return NULL;
}

const char *tlsa_starttls_name(const tlsa_starttls *proto)
{
	return proto->name;
}

unsigned tlsa_starttls_port(const tlsa_starttls *proto)
{
	return proto->port;
}

const char *tlsa_starttls_names(void)
{
	return "smtp lmtp imap pop3 ftp xmpp xmpp-server ldap sieve nntp postgres";
}
