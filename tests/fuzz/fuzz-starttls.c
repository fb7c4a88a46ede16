/*
 * Fuzz target: the STARTTLS dialogues and their bounded reply reader,
 * one protocol per input, without a network: the server's side of a
 * socketpair is filled with the input and then shut, so the reader meets
 * every byte and then end of file, never a wait.
 *
 * The first byte picks the protocol (modulo the number of protocols), the
 * second is unused (it once sized a message buffer; kept so the corpus
 * stays valid); the rest is everything the server says.  Input the
 * socket cannot hold at once is cut (the reader bounds lines at 4 KB).
 */
#include "config.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <tlsa.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const protos[] = {"smtp",	    "lmtp", "imap",  "pop3", "ftp",	"xmpp",
				     "xmpp-server", "ldap", "sieve", "nntp", "postgres"};
#define NPROTOS (sizeof(protos) / sizeof(protos[0]))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const tlsa_starttls *proto;
	tlsa_starttls_opts o = TLSA_STARTTLS_OPTS_INIT;
	int sv[2];
	ssize_t n;

	o.client_name = "client.example";
	o.server_name = "example.org";
	o.timeout_ms = 1000;
	if (size < 2)
		return 0;
	proto = tlsa_starttls_find(protos[data[0] % NPROTOS]);
	if (proto == NULL)
		abort(); /* the table lost a protocol */
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) {
		perror("socketpair");
		abort();
	}
	data += 2;
	size -= 2;
	while (size > 0) {
		n = send(sv[1], data, size, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n <= 0)
			break;
		data += n;
		size -= (size_t)n;
	}
	shutdown(sv[1], SHUT_WR);
	(void)tlsa_starttls_run(proto, sv[0], &o);
	close(sv[0]);
	close(sv[1]);
	return 0;
}
