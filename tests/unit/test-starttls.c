/*
 * starttls.c: the protocol table, the bounded reply reader and each
 * dialogue, against a socketpair whose other end plays a scripted server.
 *
 * Most scripts are written into the socket before the dialogue starts
 * (the reader must cope with several replies arriving at once); one
 * server thread dribbles its replies a byte at a time (the reader must
 * cope with replies split anywhere).  After each dialogue the test reads
 * what the client sent and compares it with what the protocol wants.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <tlsa.h>

#include "tap.h"

struct pair {
	int client, server;
};

static void pair_open(struct pair *p)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) {
		perror("socketpair");
		exit(1);
	}
	p->client = sv[0];
	p->server = sv[1];
}

static void pair_close(struct pair *p)
{
	if (p->client >= 0)
		close(p->client);
	if (p->server >= 0)
		close(p->server);
}

static void put(int fd, const void *data, size_t len)
{
	const char *p = data;
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n <= 0) {
			perror("write");
			exit(1);
		}
		p += n;
		len -= (size_t)n;
	}
}

/* What the client sent, read once the dialogue is over (non-blocking). */
static const char *sent(struct pair *p)
{
	static char buf[8192];
	ssize_t n = recv(p->server, buf, sizeof(buf) - 1, MSG_DONTWAIT);

	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

struct run {
	tlsa_status st;
	char why[512];
};

/* Run proto's dialogue with the server's whole script already in the socket. */
static struct run script(const char *proto, const char *server, struct pair *p, int timeout_ms)
{
	struct run r;
	tlsa_starttls_opts o = TLSA_STARTTLS_OPTS_INIT;

	o.client_name = "client.example";
	o.server_name = "example.org";
	o.timeout_ms = timeout_ms;
	pair_open(p);
	put(p->server, server, strlen(server));
	r.st = tlsa_starttls_run(tlsa_starttls_find(proto), p->client, &o);
	snprintf(r.why, sizeof(r.why), "%s", tlsa_error_detail());
	return r;
}

static void test_table(void)
{
	const tlsa_starttls *s;

	s = tlsa_starttls_find("smtp");
	ok(s != NULL && tlsa_starttls_port(s) == 25, "smtp is in the table with port 25");
	s = tlsa_starttls_by_port(587);
	ok(s != NULL && strcmp(tlsa_starttls_name(s), "smtp") == 0,
	   "port 587 (submission) defaults to smtp");
	s = tlsa_starttls_by_port(143);
	ok(s != NULL && strcmp(tlsa_starttls_name(s), "imap") == 0, "port 143 defaults to imap");
	s = tlsa_starttls_by_port(110);
	ok(s != NULL && strcmp(tlsa_starttls_name(s), "pop3") == 0, "port 110 defaults to pop3");
	ok(tlsa_starttls_by_port(443) == NULL, "port 443 has no STARTTLS protocol (direct TLS)");
	ok(tlsa_starttls_find("gopher") == NULL, "an unknown protocol name is not found");
	ok(tlsa_starttls_has_dialogue(tlsa_starttls_find("xmpp")) &&
	       tlsa_starttls_has_dialogue(tlsa_starttls_find("postgres")),
	   "every protocol of the table has a dialogue");
	ok(tlsa_starttls_has_dialogue(tlsa_starttls_find("smtp")) &&
	       tlsa_starttls_has_dialogue(tlsa_starttls_find("imap")) &&
	       tlsa_starttls_has_dialogue(tlsa_starttls_find("pop3")),
	   "smtp, imap and pop3 have dialogues");
}

static void test_smtp(void)
{
	struct pair p;
	struct run r;
	char big[8192];
	size_t i, n;

	r = script("smtp",
		   "220 mx.example.org ESMTP\r\n"
		   "250-mx.example.org\r\n250-PIPELINING\r\n250-SIZE 10240000\r\n"
		   "250-STARTTLS\r\n250 8BITMIME\r\n"
		   "220 2.0.0 Ready to start TLS\r\n",
		   &p, 2000);
	is_int(r.st, TLSA_OK, "smtp: a multi-line EHLO reply offering STARTTLS leads to TLS");
	is_str(sent(&p), "EHLO client.example\r\nSTARTTLS\r\n",
	       "smtp: the client says EHLO with its name, then STARTTLS");
	pair_close(&p);

	r = script("smtp",
		   "220-mx.example.org ESMTP\r\n220-second greeting line\r\n220 done\r\n"
		   "250-mx.example.org\r\n250 STARTTLS\r\n220 go ahead\r\n",
		   &p, 2000);
	is_int(r.st, TLSA_OK, "smtp: a multi-line greeting is read whole");
	pair_close(&p);

	r = script("smtp",
		   "220 mx ESMTP\r\n250-mx.example.org\r\n250-PIPELINING\r\n250 8BITMIME\r\n", &p,
		   2000);
	is_int(r.st, TLSA_ERR_STARTTLS_NOT_OFFERED,
	       "smtp: an EHLO reply without STARTTLS is 'not offered'");
	is_str(r.why, "STARTTLS not offered in EHLO reply",
	       "smtp: the message says STARTTLS is not offered in the EHLO reply");
	is_str(sent(&p), "EHLO client.example\r\n", "smtp: STARTTLS is not sent when not offered");
	pair_close(&p);

	r = script("smtp", "220 mx ESMTP\r\n250-mx\r\n250-X-STARTTLSISH\r\n250 STARTTLSX\r\n", &p,
		   2000);
	is_int(r.st, TLSA_ERR_STARTTLS_NOT_OFFERED,
	       "smtp: STARTTLS must be a whole keyword, not part of another");
	pair_close(&p);

	r = script("smtp", "220 mx ESMTP\r\n250-mx\r\n250 starttls\r\n220 ok\r\n", &p, 2000);
	is_int(r.st, TLSA_OK, "smtp: EHLO keywords are case-insensitive");
	pair_close(&p);

	r = script("smtp",
		   "220 mx ESMTP\r\n250-mx\r\n250 STARTTLS\r\n454 4.7.0 TLS not available\r\n", &p,
		   2000);
	is_int(r.st, TLSA_ERR_STARTTLS_REFUSED, "smtp: a 454 answer to STARTTLS is a refusal");
	is_str(r.why, "server refused STARTTLS: \"454 4.7.0 TLS not available\"",
	       "smtp: the refusal quotes the server's reply");
	pair_close(&p);

	r = script("smtp", "554 5.7.1 go away\r\n", &p, 2000);
	is_int(r.st, TLSA_ERR_PROTOCOL, "smtp: a 554 greeting is an unexpected greeting");
	is_str(r.why, "unexpected greeting: \"554 5.7.1 go away\"",
	       "smtp: the unexpected greeting is quoted");
	pair_close(&p);

	r = script("smtp", "220 mx\r\nhello there\r\n", &p, 2000);
	is_int(r.st, TLSA_ERR_PROTOCOL, "smtp: a reply line without a code is malformed");
	pair_close(&p);

	/* Early close: greeting, then nothing. */
	pair_open(&p);
	put(p.server, "220 mx ESMTP\r\n", 14);
	shutdown(p.server, SHUT_WR);
	{
		tlsa_starttls_opts o = TLSA_STARTTLS_OPTS_INIT;

		o.timeout_ms = 2000;
		r.st = tlsa_starttls_run(tlsa_starttls_find("smtp"), p.client, &o);
		snprintf(r.why, sizeof(r.why), "%s", tlsa_error_detail());
	}
	is_int(r.st, TLSA_ERR_CLOSED, "smtp: a server that closes after EHLO is reported closed");
	is_str(r.why, "server closed the connection after EHLO",
	       "smtp: the message names the command after which the server closed");
	is_str(sent(&p), "EHLO localhost\r\n", "smtp: the default EHLO name is localhost");
	pair_close(&p);

	pair_open(&p);
	shutdown(p.server, SHUT_WR);
	r.st = tlsa_starttls_run(tlsa_starttls_find("smtp"), p.client, NULL);
	snprintf(r.why, sizeof(r.why), "%s", tlsa_error_detail());
	is_str(r.why, "server closed the connection before its greeting",
	       "smtp: a close before the greeting says so");
	pair_close(&p);

	/* Overlong line: 5000 bytes and no newline. */
	memset(big, 'A', sizeof(big));
	memcpy(big, "220 ", 4);
	big[5000] = '\0';
	r = script("smtp", big, &p, 2000);
	is_int(r.st, TLSA_ERR_LINE_TOO_LONG, "smtp: a line longer than the limit is refused");
	is_str(r.why, "reply line longer than 4096 bytes", "smtp: the message gives the limit");
	pair_close(&p);

	/* A line of exactly the limit is fine. */
	memset(big, 'A', sizeof(big));
	memcpy(big, "220 ", 4);
	memcpy(big + TLSA_STARTTLS_LINE_MAX, "\r\n250 STARTTLS\r\n220 go\r\n", 25);
	r = script("smtp", big, &p, 2000);
	is_int(r.st, TLSA_OK, "smtp: a line of exactly 4096 bytes is accepted");
	pair_close(&p);

	/* Too many lines: 150 continuation lines. */
	n = 0;
	n += (size_t)sprintf(big + n, "220 mx\r\n");
	for (i = 0; i < 150; i++)
		n += (size_t)sprintf(big + n, "250-X%zu\r\n", i);
	r = script("smtp", big, &p, 2000);
	is_int(r.st, TLSA_ERR_REPLY_TOO_LONG, "smtp: a reply of more than 100 lines is refused");
	is_str(r.why, "the reply to EHLO is longer than 100 lines",
	       "smtp: the message names the reply and the limit");
	pair_close(&p);

	/* Injection: bytes after the 220 go-ahead. */
	r = script("smtp", "220 mx\r\n250 STARTTLS\r\n220 go\r\nXXXX", &p, 2000);
	is_int(r.st, TLSA_ERR_PROTOCOL,
	       "smtp: bytes after the go-ahead are refused (STARTTLS injection)");
	pair_close(&p);
}

static void test_timeout(void)
{
	struct pair p;
	struct run r;
	struct timespec a, b;
	long ms;

	clock_gettime(CLOCK_MONOTONIC, &a);
	r = script("smtp", "", &p, 300);
	clock_gettime(CLOCK_MONOTONIC, &b);
	ms = (b.tv_sec - a.tv_sec) * 1000 + (b.tv_nsec - a.tv_nsec) / 1000000;
	is_int(r.st, TLSA_ERR_TIMEOUT, "a silent server times out");
	is_str(r.why, "timed out after 300 ms waiting for the greeting",
	       "the timeout message says how long and what for");
	ok(ms >= 280 && ms < 2000, "the timeout is kept (%ld ms for 300 ms)", ms);
	pair_close(&p);

	r = script("smtp", "220 mx\r\n", &p, 1000);
	is_str(r.why, "timed out after 1 s waiting for the reply to EHLO",
	       "a timeout after a command names the command");
	pair_close(&p);
}

static void test_imap_pop3(void)
{
	struct pair p;
	struct run r;

	r = script("imap",
		   "* OK [CAPABILITY IMAP4rev1 STARTTLS] Dovecot ready.\r\n"
		   "* CAPABILITY IMAP4rev1 SASL-IR STARTTLS LOGINDISABLED\r\n"
		   "a1 OK Pre-login capabilities listed.\r\n"
		   "a2 OK Begin TLS negotiation now.\r\n",
		   &p, 2000);
	is_int(r.st, TLSA_OK, "imap: CAPABILITY with STARTTLS, then a tagged OK, leads to TLS");
	is_str(sent(&p), "a1 CAPABILITY\r\na2 STARTTLS\r\n",
	       "imap: the client sends tagged CAPABILITY and STARTTLS");
	pair_close(&p);

	r = script("imap", "* OK ready\r\n* CAPABILITY IMAP4rev1 AUTH=PLAIN\r\na1 OK done\r\n", &p,
		   2000);
	is_int(r.st, TLSA_ERR_STARTTLS_NOT_OFFERED,
	       "imap: CAPABILITY without STARTTLS is 'not offered'");
	is_str(r.why, "STARTTLS not offered in CAPABILITY reply",
	       "imap: the message names the CAPABILITY reply");
	pair_close(&p);

	r = script("imap",
		   "* OK ready\r\n* CAPABILITY IMAP4rev1 STARTTLS\r\na1 OK done\r\n"
		   "a2 BAD not now\r\n",
		   &p, 2000);
	is_int(r.st, TLSA_ERR_STARTTLS_REFUSED, "imap: a tagged BAD to STARTTLS is a refusal");
	pair_close(&p);

	r = script("imap", "* BYE too busy\r\n", &p, 2000);
	is_int(r.st, TLSA_ERR_PROTOCOL, "imap: a BYE greeting is unexpected");
	pair_close(&p);

	r = script("pop3", "+OK Dovecot ready.\r\n+OK Begin TLS negotiation now.\r\n", &p, 2000);
	is_int(r.st, TLSA_OK, "pop3: greeting, STLS and +OK lead to TLS");
	is_str(sent(&p), "STLS\r\n", "pop3: the client sends STLS");
	pair_close(&p);

	r = script("pop3", "+OK ready\r\n-ERR command not recognised\r\n", &p, 2000);
	is_int(r.st, TLSA_ERR_STARTTLS_REFUSED, "pop3: -ERR to STLS is a refusal");
	is_str(r.why, "server refused STLS: \"-ERR command not recognised\"",
	       "pop3: the refusal names STLS and quotes the server");
	pair_close(&p);
}

static void test_others(void)
{
	struct pair p;
	struct run r;
	static const unsigned char ldap_ok[] = {0x30, 0x0c, 0x02, 0x01, 0x01, 0x78, 0x07,
						0x0a, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00};
	unsigned char got[64];
	ssize_t n;
	tlsa_starttls_opts o = TLSA_STARTTLS_OPTS_INIT;

	o.timeout_ms = 2000;
	r = script("lmtp", "220 lmtp ready\r\n250-host\r\n250 STARTTLS\r\n220 go\r\n", &p, 2000);
	is_int(r.st, TLSA_OK, "lmtp: LHLO offering STARTTLS leads to TLS");
	is_str(sent(&p), "LHLO client.example\r\nSTARTTLS\r\n", "lmtp: the client says LHLO");
	pair_close(&p);

	r = script("ftp", "220 ftp ready\r\n234 AUTH TLS ok\r\n", &p, 2000);
	is_int(r.st, TLSA_OK, "ftp: AUTH TLS answered by 234 leads to TLS");
	pair_close(&p);

	r = script("nntp", "200 news ready\r\n382 continue\r\n", &p, 2000);
	is_int(r.st, TLSA_OK, "nntp: STARTTLS answered by 382 leads to TLS");
	pair_close(&p);

	r = script("sieve",
		   "\"IMPLEMENTATION\" \"Dovecot Pigeonhole\"\r\n\"SIEVE\" \"fileinto\"\r\n"
		   "\"STARTTLS\"\r\nOK \"ready\"\r\nOK \"Begin TLS negotiation now.\"\r\n",
		   &p, 2000);
	is_int(r.st, TLSA_OK, "sieve: a greeting listing \"STARTTLS\" leads to TLS");
	pair_close(&p);

	r = script("postgres", "S", &p, 2000);
	is_int(r.st, TLSA_OK, "postgres: an 'S' answer to SSLRequest leads to TLS");
	n = recv(p.server, got, sizeof(got), MSG_DONTWAIT);
	ok(n == 8 && memcmp(got, "\0\0\0\x08\x04\xd2\x16\x2f", 8) == 0,
	   "postgres: the client sends the 8-byte SSLRequest");
	pair_close(&p);

	r = script("postgres", "N", &p, 2000);
	is_int(r.st, TLSA_ERR_STARTTLS_NOT_OFFERED, "postgres: an 'N' answer means no TLS");
	pair_close(&p);

	pair_open(&p);
	put(p.server, ldap_ok, sizeof(ldap_ok));
	r.st = tlsa_starttls_run(tlsa_starttls_find("ldap"), p.client, &o);
	snprintf(r.why, sizeof(r.why), "%s", tlsa_error_detail());
	is_int(r.st, TLSA_OK, "ldap: an ExtendedResponse with resultCode 0 leads to TLS");
	n = recv(p.server, got, sizeof(got), MSG_DONTWAIT);
	ok(n == 31 && got[0] == 0x30 && got[5] == 0x77 &&
	       memcmp(got + 9, "1.3.6.1.4.1.1466.20037", 22) == 0,
	   "ldap: the client sends an ExtendedRequest with the StartTLS OID");
	pair_close(&p);

	pair_open(&p);
	{
		unsigned char refused[sizeof(ldap_ok)];

		memcpy(refused, ldap_ok, sizeof(refused));
		refused[9] = 2;
		put(p.server, refused, sizeof(refused));
	}
	r.st = tlsa_starttls_run(tlsa_starttls_find("ldap"), p.client, &o);
	snprintf(r.why, sizeof(r.why), "%s", tlsa_error_detail());
	is_int(r.st, TLSA_ERR_STARTTLS_NOT_OFFERED,
	       "ldap: resultCode protocolError means no StartTLS");
	pair_close(&p);

	r = script("xmpp",
		   "<?xml version='1.0'?><stream:stream from='example.org' id='x1' version='1.0' "
		   "xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"
		   "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/>"
		   "</starttls><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
		   "<mechanism>PLAIN</mechanism></mechanisms></stream:features>"
		   "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>",
		   &p, 2000);
	is_int(r.st, TLSA_OK,
	       "xmpp: <starttls/> among the features, then <proceed/>, leads to TLS");
	{
		const char *out = sent(&p);

		ok(strstr(out, "to='example.org'") != NULL &&
		       strstr(out, "jabber:client") != NULL &&
		       strstr(out, "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>") != NULL,
		   "xmpp: the stream is opened to the service's domain as a client, then "
		   "<starttls/>");
	}
	pair_close(&p);

	r = script(
	    "xmpp-server",
	    "<stream:stream xmlns:stream='http://etherx.jabber.org/streams'>"
	    "<stream:features><dialback xmlns='urn:xmpp:features:dialback'/></stream:features>",
	    &p, 2000);
	is_int(r.st, TLSA_ERR_STARTTLS_NOT_OFFERED,
	       "xmpp: features without <starttls/> are 'not offered'");
	is_str(r.why, "STARTTLS not offered in stream features",
	       "xmpp: the message names the features");
	pair_close(&p);

	r = script("xmpp",
		   "<stream:stream xmlns:stream='http://etherx.jabber.org/streams'><stream:error>"
		   "<host-unknown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>",
		   &p, 2000);
	is_str(r.why, "the XMPP server does not serve the domain 'example.org' (host-unknown)",
	       "xmpp: a host-unknown stream error names the domain asked for");
	pair_close(&p);

	r = script(
	    "xmpp",
	    "<stream:stream xmlns:stream='http://etherx.jabber.org/streams'><stream:features>"
	    "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:features>"
	    "<failure xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>",
	    &p, 2000);
	is_int(r.st, TLSA_ERR_STARTTLS_REFUSED, "xmpp: <failure/> is a refusal");
	pair_close(&p);
}

/* A server that dribbles its script one byte at a time. */
static void *dribble(void *arg)
{
	const struct pair *p = arg;
	const char *s = "220 mx\r\n250-mx\r\n250-STARTTLS\r\n250 SIZE\r\n220 go\r\n";
	struct timespec ts = {0, 1000000};

	for (; *s != '\0'; s++) {
		put(p->server, s, 1);
		nanosleep(&ts, NULL);
	}
	return NULL;
}

static void test_split(void)
{
	struct pair p;
	pthread_t t;
	tlsa_status st;

	pair_open(&p);
	pthread_create(&t, NULL, dribble, &p);
	st = tlsa_starttls_run(tlsa_starttls_find("smtp"), p.client, NULL);
	pthread_join(t, NULL);
	is_int(st, TLSA_OK, "smtp: replies split into single bytes are read correctly");
	pair_close(&p);
}

int main(void)
{
	test_table();
	test_smtp();
	test_timeout();
	test_imap_pop3();
	test_others();
	test_split();
	return done_testing();
}
