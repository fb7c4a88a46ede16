/*
 * STARTTLS protocols as a table: one row per protocol.
 *
 * Owns: names, well-known ports, each protocol's dialogue, and the
 * bounded reply reader every dialogue reads through.  A text protocol's
 * dialogue is data (a list of steps: send this, read a reply framed like
 * that, expect this prefix, require that capability); a binary one
 * (postgres, ldap, xmpp) is one small function.  A row with neither is a
 * name only: tlsa_starttls_run() says its dialogue is not built.
 * Does not own: connecting, TLS, verification (verify.c).
 *
 * Every read waits with poll() for at most the timeout, so a silent or
 * slow server costs a bounded time; every reply is read into a fixed
 * buffer with a bounded line length and line count, so a hostile server
 * cannot make us grow.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <tlsa/starttls.h>

#include "error-internal.h"
#include "net-internal.h"
#include "opts-internal.h"

#define DEFAULT_TIMEOUT_MS 10000

/* How the lines of one reply are framed, i.e. how its last line looks. */
enum framing {
	FRAME_LINE,   /* one line (POP3 "+OK", greetings) */
	FRAME_CODE,   /* "250-..." lines then "250 ..." (SMTP, LMTP, FTP) */
	FRAME_TAGGED, /* "* ..." lines then "TAG ..." (IMAP) */
	FRAME_SIEVE   /* capability lines then "OK"/"NO"/"BYE" (ManageSieve) */
};

/* One exchange: send a command (or nothing, for the greeting), read the reply. */
struct step {
	const char *send; /* command, or NULL: read the greeting */
	const char *what; /* the command's name in messages ("EHLO") */
	int with_name;	  /* append " " and the client name to send */
	enum framing framing;
	const char *ok;	  /* the last line must start with this (after a tag) */
	const char *need; /* a word the reply must hold ("STARTTLS"), or NULL */
};

struct conv;

struct tlsa_starttls {
	const char *name;
	unsigned port;
	const struct step *steps;	     /* text dialogue, ended by a step with ok NULL */
	tlsa_status (*talk)(struct conv *c); /* or a small function */
};

/* A dialogue in progress: the socket, the read buffer and where we are. */
struct conv {
	int fd;
	int timeout_ms;
	const tlsa_starttls_opts *opts;
	char buf[TLSA_STARTTLS_LINE_MAX + 2]; /* a line and its CRLF */
	size_t len;			      /* bytes in buf */
	char line[TLSA_STARTTLS_LINE_MAX + 1];
	const char *after; /* the last command sent, NULL before the greeting */
};

static tlsa_status say(struct conv *c, tlsa_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static tlsa_status say(struct conv *c, tlsa_status st, const char *fmt, ...)
{
	va_list ap;

	(void)c;
	va_start(ap, fmt);
	tlsa_err_vdetail(fmt, ap);
	va_end(ap);
	return st;
}

/* "the greeting" or "the reply to EHLO". */
static void waiting_for(const struct conv *c, char buf[64])
{
	if (c->after == NULL)
		snprintf(buf, 64, "the greeting");
	else
		snprintf(buf, 64, "the reply to %s", c->after);
}

static tlsa_status timed_out(struct conv *c)
{
	char d[32], w[64];

	tlsa_duration(c->timeout_ms, d);
	waiting_for(c, w);
	return say(c, TLSA_ERR_TIMEOUT, "timed out after %s waiting for %s", d, w);
}

static tlsa_status closed(struct conv *c)
{
	if (c->after == NULL)
		return say(c, TLSA_ERR_CLOSED, "server closed the connection before its greeting");
	return say(c, TLSA_ERR_CLOSED, "server closed the connection after %s", c->after);
}

/* Wait until fd is ready for events or the deadline passes; 1 ready, 0 timeout, -1 error. */
int tlsa_wait_fd(int fd, short events, long long deadline)
{
	struct pollfd p;
	long long left;
	int n;

	for (;;) {
		left = deadline - tlsa_now_ms();
		if (left <= 0)
			return 0;
		p.fd = fd;
		p.events = events;
		p.revents = 0;
		n = poll(&p, 1, left > 0x7fffffff ? 0x7fffffff : (int)left);
		if (n > 0)
			return 1;
		if (n == 0)
			return 0;
		if (errno != EINTR)
			return -1;
	}
}

/* Read more bytes into the buffer; at least one, or an error. */
static tlsa_status fill(struct conv *c, long long deadline)
{
	ssize_t n;
	char w[64];
	int r;

	for (;;) {
		r = tlsa_wait_fd(c->fd, POLLIN, deadline);
		if (r == 0)
			return timed_out(c);
		if (r < 0)
			break;
		n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - c->len, MSG_DONTWAIT);
		if (n > 0) {
			c->len += (size_t)n;
			return TLSA_OK;
		}
		if (n == 0)
			return closed(c);
		if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
			break;
	}
	if (errno == ECONNRESET)
		return closed(c);
	waiting_for(c, w);
	return say(c, TLSA_ERR_IO, "reading %s: %s", w, strerror(errno));
}

/* The next line into c->line, CR and LF removed. */
static tlsa_status read_line(struct conv *c, long long deadline)
{
	char *nl;
	size_t n;
	tlsa_status st;

	for (;;) {
		nl = memchr(c->buf, '\n', c->len);
		if (nl != NULL)
			break;
		if (c->len == sizeof(c->buf))
			return say(c, TLSA_ERR_LINE_TOO_LONG, "reply line longer than %d bytes",
				   TLSA_STARTTLS_LINE_MAX);
		st = fill(c, deadline);
		if (st != TLSA_OK)
			return st;
	}
	n = (size_t)(nl - c->buf);
	if (n > 0 && c->buf[n - 1] == '\r')
		n--;
	if (n > TLSA_STARTTLS_LINE_MAX)
		return say(c, TLSA_ERR_LINE_TOO_LONG, "reply line longer than %d bytes",
			   TLSA_STARTTLS_LINE_MAX);
	memcpy(c->line, c->buf, n);
	c->line[n] = '\0';
	n = (size_t)(nl - c->buf) + 1;
	memmove(c->buf, c->buf + n, c->len - n);
	c->len -= n;
	return TLSA_OK;
}

/* Exactly n bytes (binary protocols). */
static tlsa_status read_bytes(struct conv *c, unsigned char *out, size_t n, long long deadline)
{
	tlsa_status st;

	while (c->len < n) {
		st = fill(c, deadline);
		if (st != TLSA_OK)
			return st;
	}
	memcpy(out, c->buf, n);
	memmove(c->buf, c->buf + n, c->len - n);
	c->len -= n;
	return TLSA_OK;
}

static tlsa_status send_bytes(struct conv *c, const void *data, size_t len, const char *what)
{
	const char *p = data;
	long long deadline = tlsa_now_ms() + c->timeout_ms;
	ssize_t n;
	char d[32];
	int r;

	while (len > 0) {
		r = tlsa_wait_fd(c->fd, POLLOUT, deadline);
		if (r == 0) {
			tlsa_duration(c->timeout_ms, d);
			return say(c, TLSA_ERR_TIMEOUT, "timed out after %s sending %s", d, what);
		}
		if (r < 0)
			return say(c, TLSA_ERR_IO, "sending %s: %s", what, strerror(errno));
		n = send(c->fd, p, len, MSG_DONTWAIT | MSG_NOSIGNAL);
		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
				continue;
			if (errno == EPIPE || errno == ECONNRESET)
				return closed(c);
			return say(c, TLSA_ERR_IO, "sending %s: %s", what, strerror(errno));
		}
		p += n;
		len -= (size_t)n;
	}
	c->after = what;
	return TLSA_OK;
}

/* The server's line, safe to quote in a message: printable, at most 200 bytes. */
static void quote(const char *line, char out[204])
{
	size_t i;

	for (i = 0; line[i] != '\0' && i < 200; i++)
		out[i] = isprint((unsigned char)line[i]) ? line[i] : '?';
	if (line[i] != '\0')
		out[i++] = '.', out[i++] = '.', out[i++] = '.';
	out[i] = '\0';
}

static int prefix_ci(const char *s, const char *prefix)
{
	return strncasecmp(s, prefix, strlen(prefix)) == 0;
}

/* Does text hold word as a whole word (space, brackets and parentheses split words)? */
static int has_word(const char *text, const char *word)
{
	static const char seps[] = " \t[]()";
	size_t wl = strlen(word), n;
	const char *p = text;

	while (*p != '\0') {
		p += strspn(p, seps);
		n = strcspn(p, seps);
		if (n == wl && strncasecmp(p, word, wl) == 0)
			return 1;
		p += n;
	}
	return 0;
}

/* Is c->line the last line of a reply?  1 yes, 0 no, -1 malformed. */
static int is_last(const struct conv *c, const struct step *s, const char *tag, size_t taglen)
{
	const char *l = c->line;

	switch (s->framing) {
	case FRAME_LINE: return 1;
	case FRAME_CODE:
		if (!isdigit((unsigned char)l[0]) || !isdigit((unsigned char)l[1]) ||
		    !isdigit((unsigned char)l[2]))
			return -1;
		if (l[3] == '-')
			return 0;
		return l[3] == ' ' || l[3] == '\0' ? 1 : -1;
	case FRAME_TAGGED: return strncmp(l, tag, taglen) == 0 && l[taglen] == ' ';
	case FRAME_SIEVE:
		return (prefix_ci(l, "OK") && (l[2] == ' ' || l[2] == '\0')) ||
		       (prefix_ci(l, "NO") && (l[2] == ' ' || l[2] == '\0')) ||
		       (prefix_ci(l, "BYE") && (l[3] == ' ' || l[3] == '\0'));
	}
	return -1;
}

/* The part of a line that holds capabilities: after an SMTP code. */
static const char *line_text(const struct conv *c, const struct step *s)
{
	if (s->framing == FRAME_CODE)
		return c->line[3] == '\0' ? c->line + 3 : c->line + 4;
	return c->line;
}

/* One step: send its command if any, read its whole reply, check it. */
static tlsa_status run_step(struct conv *c, const struct step *s, int last)
{
	char cmd[512], q[204], w[64];
	const char *tag = "";
	size_t taglen = 0, nlines;
	long long deadline;
	int found = 0, end = 0;
	tlsa_status st;

	if (s->send != NULL) {
		const char *name =
		    c->opts->client_name != NULL ? c->opts->client_name : "localhost";

		if (s->with_name)
			snprintf(cmd, sizeof(cmd), "%s %s\r\n", s->send, name);
		else
			snprintf(cmd, sizeof(cmd), "%s\r\n", s->send);
		st = send_bytes(c, cmd, strlen(cmd), s->what);
		if (st != TLSA_OK)
			return st;
		tag = s->send;
		taglen = strcspn(s->send, " ");
	}
	deadline = tlsa_now_ms() + c->timeout_ms;
	for (nlines = 0; !end; nlines++) {
		if (nlines == TLSA_STARTTLS_LINES_MAX) {
			waiting_for(c, w);
			return say(c, TLSA_ERR_REPLY_TOO_LONG, "%s is longer than %d lines", w,
				   TLSA_STARTTLS_LINES_MAX);
		}
		st = read_line(c, deadline);
		if (st != TLSA_OK)
			return st;
		end = is_last(c, s, tag, taglen);
		if (end < 0) {
			waiting_for(c, w);
			quote(c->line, q);
			return say(c, TLSA_ERR_PROTOCOL, "malformed line in %s: \"%s\"", w, q);
		}
		if (s->need != NULL && has_word(line_text(c, s), s->need))
			found = 1;
	}
	/* The last line says whether the command worked. */
	if (!prefix_ci(c->line + (taglen > 0 && s->framing == FRAME_TAGGED ? taglen + 1 : 0),
		       s->ok)) {
		quote(c->line, q);
		if (s->send == NULL)
			return say(c, TLSA_ERR_PROTOCOL, "unexpected greeting: \"%s\"", q);
		if (last)
			return say(c, TLSA_ERR_STARTTLS_REFUSED, "server refused %s: \"%s\"",
				   s->what, q);
		return say(c, TLSA_ERR_PROTOCOL, "unexpected reply to %s: \"%s\"", s->what, q);
	}
	if (s->need != NULL && !found) {
		if (s->send == NULL)
			return say(c, TLSA_ERR_STARTTLS_NOT_OFFERED,
				   "%s not offered in the greeting", s->need);
		return say(c, TLSA_ERR_STARTTLS_NOT_OFFERED, "%s not offered in %s reply", s->need,
			   s->what);
	}
	return TLSA_OK;
}

static tlsa_status run_steps(struct conv *c, const struct step *steps)
{
	tlsa_status st;
	size_t i;

	for (i = 0; steps[i].ok != NULL; i++) {
		st = run_step(c, &steps[i], steps[i + 1].ok == NULL);
		if (st != TLSA_OK)
			return st;
	}
	return TLSA_OK;
}

/* ---- binary dialogues ---------------------------------------------------- */

/* PostgreSQL: an SSLRequest packet; the server answers 'S' (go ahead) or 'N'. */
static tlsa_status talk_postgres(struct conv *c)
{
	static const unsigned char ssl_request[8] = {0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f};
	unsigned char answer;
	tlsa_status st;

	st = send_bytes(c, ssl_request, sizeof(ssl_request), "SSLRequest");
	if (st != TLSA_OK)
		return st;
	st = read_bytes(c, &answer, 1, tlsa_now_ms() + c->timeout_ms);
	if (st != TLSA_OK)
		return st;
	if (answer == 'N')
		return say(c, TLSA_ERR_STARTTLS_NOT_OFFERED, "server refused SSLRequest (no TLS)");
	if (answer != 'S')
		return say(c, TLSA_ERR_PROTOCOL, "unexpected answer to SSLRequest: byte 0x%02x",
			   answer);
	return TLSA_OK;
}

/*
 * LDAP (RFC 4511 section 4.14): an ExtendedRequest with the StartTLS OID
 * as messageID 1, then the ExtendedResponse's resultCode (0 is success).
 * The response is small; we read it whole into the buffer and walk it.
 */
#define LDAP_STARTTLS_OID "1.3.6.1.4.1.1466.20037"

/* A BER length at p (n bytes left): value into *len, returns header bytes used or 0. */
static size_t ber_length(const unsigned char *p, size_t n, size_t *len)
{
	size_t i, k;

	if (n < 1)
		return 0;
	if (p[0] < 0x80) {
		*len = p[0];
		return 1;
	}
	k = p[0] & 0x7f;
	if (k == 0 || k > 3 || n < 1 + k)
		return 0;
	*len = 0;
	for (i = 1; i <= k; i++)
		*len = (*len << 8) | p[i];
	return 1 + k;
}

static tlsa_status talk_ldap(struct conv *c)
{
	unsigned char req[2 + 3 + 2 + 2 + sizeof(LDAP_STARTTLS_OID) - 1];
	unsigned char msg[sizeof(c->buf)], hdr[5];
	const size_t oidlen = sizeof(LDAP_STARTTLS_OID) - 1;
	long long deadline;
	size_t len, h, i, n;
	tlsa_status st;

	/* SEQUENCE { INTEGER 1, [APPLICATION 23] { [0] OID } } */
	req[0] = 0x30;
	req[1] = (unsigned char)(3 + 2 + 2 + oidlen);
	req[2] = 0x02, req[3] = 0x01, req[4] = 0x01;
	req[5] = 0x77, req[6] = (unsigned char)(2 + oidlen);
	req[7] = 0x80, req[8] = (unsigned char)oidlen;
	memcpy(req + 9, LDAP_STARTTLS_OID, oidlen);
	st = send_bytes(c, req, sizeof(req), "the StartTLS request");
	if (st != TLSA_OK)
		return st;
	deadline = tlsa_now_ms() + c->timeout_ms;
	st = read_bytes(c, hdr, 2, deadline);
	if (st != TLSA_OK)
		return st;
	if (hdr[0] != 0x30)
		return say(c, TLSA_ERR_PROTOCOL, "StartTLS answer is not an LDAP message");
	n = 2;
	if (hdr[1] & 0x80) {
		n += hdr[1] & 0x7f;
		if (n > sizeof(hdr))
			return say(c, TLSA_ERR_PROTOCOL, "StartTLS answer has a bad length");
		st = read_bytes(c, hdr + 2, n - 2, deadline);
		if (st != TLSA_OK)
			return st;
	}
	if (ber_length(hdr + 1, n - 1, &len) == 0 || len > sizeof(msg))
		return say(c, TLSA_ERR_PROTOCOL, "StartTLS answer has a bad length");
	st = read_bytes(c, msg, len, deadline);
	if (st != TLSA_OK)
		return st;
	/* messageID, then [APPLICATION 24] ExtendedResponse, whose first field is resultCode. */
	if (len < 3 || msg[0] != 0x02 || msg[1] > len - 2)
		return say(c, TLSA_ERR_PROTOCOL, "StartTLS answer has no messageID");
	i = 2 + msg[1];
	if (i >= len || msg[i] != 0x78)
		return say(c, TLSA_ERR_PROTOCOL, "StartTLS answer is not an ExtendedResponse");
	h = ber_length(msg + i + 1, len - i - 1, &n);
	if (h == 0)
		return say(c, TLSA_ERR_PROTOCOL, "StartTLS answer has a bad length");
	i += 1 + h;
	if (i + 3 > len || msg[i] != 0x0a || msg[i + 1] != 0x01)
		return say(c, TLSA_ERR_PROTOCOL, "StartTLS answer has no resultCode");
	if (msg[i + 2] == 2) /* protocolError: the server does not know StartTLS */
		return say(c, TLSA_ERR_STARTTLS_NOT_OFFERED,
			   "server does not support StartTLS (resultCode 2, protocolError)");
	if (msg[i + 2] != 0)
		return say(c, TLSA_ERR_STARTTLS_REFUSED, "server refused StartTLS: resultCode %u",
			   msg[i + 2]);
	return TLSA_OK;
}

/*
 * XMPP (RFC 6120 section 5): open a stream, find <starttls/> among the
 * stream features, ask for it, and wait for <proceed/>.  XML has no
 * lines, so we read until one of the markers and the '>' that ends its
 * tag, in the same bounded buffer, and consume through that '>'.  *seen
 * (when look is given) says whether look occurred in what was consumed.
 */
static tlsa_status read_xml(struct conv *c, const char *const *marks, size_t nmarks, size_t *which,
			    const char *look, int *seen, const char *what)
{
	long long deadline = tlsa_now_ms() + c->timeout_ms;
	const char *best, *p, *end;
	size_t i, used;
	tlsa_status st;

	for (;;) {
		best = NULL;
		for (i = 0; i < nmarks; i++) {
			p = memmem(c->buf, c->len, marks[i], strlen(marks[i]));
			if (p != NULL && (best == NULL || p < best)) {
				best = p;
				*which = i;
			}
		}
		end = best != NULL ? memchr(best, '>', c->len - (size_t)(best - c->buf)) : NULL;
		if (end != NULL) {
			used = (size_t)(end - c->buf) + 1;
			if (look != NULL)
				*seen = memmem(c->buf, used, look, strlen(look)) != NULL;
			memmove(c->buf, c->buf + used, c->len - used);
			c->len -= used;
			return TLSA_OK;
		}
		if (c->len == sizeof(c->buf))
			return say(c, TLSA_ERR_REPLY_TOO_LONG, "%s longer than %zu bytes", what,
				   sizeof(c->buf));
		st = fill(c, deadline);
		if (st != TLSA_OK)
			return st;
	}
}

static tlsa_status talk_xmpp(struct conv *c, const char *ns)
{
	static const char *const features[] = {"</stream:features>", "<stream:features/>",
					       "<stream:error"};
	static const char *const answer[] = {"<proceed", "<failure", "<stream:error"};
	static const char starttls[] = "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>";
	const char *domain = c->opts->server_name != NULL ? c->opts->server_name : "localhost";
	char open[512];
	size_t which = 0;
	int offered = 0;
	tlsa_status st;

	snprintf(open, sizeof(open),
		 "<?xml version='1.0'?><stream:stream to='%s' version='1.0' xmlns='%s' "
		 "xmlns:stream='http://etherx.jabber.org/streams'>",
		 domain, ns);
	st = send_bytes(c, open, strlen(open), "the stream header");
	if (st != TLSA_OK)
		return st;
	st = read_xml(c, features, 3, &which, "<starttls", &offered, "the stream features");
	if (st != TLSA_OK)
		return st;
	if (which == 2 && memmem(c->buf, c->len, "host-unknown", 12) != NULL)
		return say(c, TLSA_ERR_PROTOCOL,
			   "the XMPP server does not serve the domain '%s' (host-unknown)", domain);
	if (which == 2)
		return say(c, TLSA_ERR_PROTOCOL, "server answered the stream header with an error");
	if (!offered)
		return say(c, TLSA_ERR_STARTTLS_NOT_OFFERED,
			   "STARTTLS not offered in stream features");
	st = send_bytes(c, starttls, sizeof(starttls) - 1, "<starttls/>");
	if (st != TLSA_OK)
		return st;
	st = read_xml(c, answer, 3, &which, NULL, NULL, "the answer to <starttls/>");
	if (st != TLSA_OK)
		return st;
	if (which != 0)
		return say(c, TLSA_ERR_STARTTLS_REFUSED, "server refused STARTTLS (%s)",
			   which == 1 ? "<failure/>" : "stream error");
	return TLSA_OK;
}

static tlsa_status talk_xmpp_client(struct conv *c)
{
	return talk_xmpp(c, "jabber:client");
}

static tlsa_status talk_xmpp_server(struct conv *c)
{
	return talk_xmpp(c, "jabber:server");
}

/* ---- the table ----------------------------------------------------------- */

static const struct step smtp[] = {{NULL, NULL, 0, FRAME_CODE, "220", NULL},
				   {"EHLO", "EHLO", 1, FRAME_CODE, "250", "STARTTLS"},
				   {"STARTTLS", "STARTTLS", 0, FRAME_CODE, "220", NULL},
				   {NULL, NULL, 0, FRAME_LINE, NULL, NULL}};

static const struct step lmtp[] = {{NULL, NULL, 0, FRAME_CODE, "220", NULL},
				   {"LHLO", "LHLO", 1, FRAME_CODE, "250", "STARTTLS"},
				   {"STARTTLS", "STARTTLS", 0, FRAME_CODE, "220", NULL},
				   {NULL, NULL, 0, FRAME_LINE, NULL, NULL}};

static const struct step imap[] = {
    {NULL, NULL, 0, FRAME_LINE, "* OK", NULL},
    {"a1 CAPABILITY", "CAPABILITY", 0, FRAME_TAGGED, "OK", "STARTTLS"},
    {"a2 STARTTLS", "STARTTLS", 0, FRAME_TAGGED, "OK", NULL},
    {NULL, NULL, 0, FRAME_LINE, NULL, NULL}};

static const struct step pop3[] = {{NULL, NULL, 0, FRAME_LINE, "+OK", NULL},
				   {"STLS", "STLS", 0, FRAME_LINE, "+OK", NULL},
				   {NULL, NULL, 0, FRAME_LINE, NULL, NULL}};

/* RFC 4217: AUTH TLS, answered by 234. */
static const struct step ftp[] = {{NULL, NULL, 0, FRAME_CODE, "220", NULL},
				  {"AUTH TLS", "AUTH TLS", 0, FRAME_CODE, "234", NULL},
				  {NULL, NULL, 0, FRAME_LINE, NULL, NULL}};

/* RFC 4642: STARTTLS, answered by 382. */
static const struct step nntp[] = {{NULL, NULL, 0, FRAME_LINE, "20", NULL},
				   {"STARTTLS", "STARTTLS", 0, FRAME_LINE, "382", NULL},
				   {NULL, NULL, 0, FRAME_LINE, NULL, NULL}};

/* RFC 5804: the greeting lists capabilities, "STARTTLS" quoted among them. */
static const struct step sieve[] = {{NULL, NULL, 0, FRAME_SIEVE, "OK", "\"STARTTLS\""},
				    {"STARTTLS", "STARTTLS", 0, FRAME_SIEVE, "OK", NULL},
				    {NULL, NULL, 0, FRAME_LINE, NULL, NULL}};

static const struct tlsa_starttls protocols[] = {
    {"smtp", 25, smtp, NULL},
    {"lmtp", 24, lmtp, NULL},
    {"imap", 143, imap, NULL},
    {"pop3", 110, pop3, NULL},
    {"ftp", 21, ftp, NULL},
    {"xmpp", 5222, NULL, talk_xmpp_client},
    {"xmpp-server", 5269, NULL, talk_xmpp_server},
    {"ldap", 389, NULL, talk_ldap},
    {"sieve", 4190, sieve, NULL},
    {"nntp", 119, nntp, NULL},
    {"postgres", 5432, NULL, talk_postgres},
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

int tlsa_starttls_has_dialogue(const tlsa_starttls *proto)
{
	return proto->steps != NULL || proto->talk != NULL;
}

tlsa_status tlsa_starttls_run(const tlsa_starttls *proto, int fd, const tlsa_starttls_opts *opts)
{
	tlsa_starttls_opts whole = TLSA_STARTTLS_OPTS_INIT;
	struct conv c;
	tlsa_status st;

	tlsa_err_clear();
	if (proto == NULL || fd < 0 || (opts != NULL && TLSA_OPTS_COPY(&whole, opts) != 0))
		return TLSA_ERR_INVALID;
	memset(&c, 0, sizeof(c));
	c.fd = fd;
	c.opts = &whole;
	c.timeout_ms = c.opts->timeout_ms > 0 ? c.opts->timeout_ms : DEFAULT_TIMEOUT_MS;
	if (proto->talk != NULL)
		st = proto->talk(&c);
	else if (proto->steps != NULL)
		st = run_steps(&c, proto->steps);
	else
		return say(&c, TLSA_ERR_STARTTLS_UNSUPPORTED, "STARTTLS for %s is not built yet",
			   proto->name);
	/*
	 * Bytes after the go-ahead would be read by TLS as if they came
	 * through it: a server (or a man in the middle) injecting them is
	 * the STARTTLS injection flaw, so refuse rather than ignore them.
	 */
	if (st == TLSA_OK && c.len > 0)
		return say(&c, TLSA_ERR_PROTOCOL,
			   "server sent data after its go-ahead for TLS, before the handshake");
	return st;
}
