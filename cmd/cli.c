/*
 * Diagnostics and option helpers shared by the subcommands.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <tlsa.h>

#include "cli.h"

struct cli cli = {"tlsa", 0, 0, 2};

/* The run's first error, for a format that must say it on stdout too. */
static char first_error[1024];

static void keep_first(const char *fmt, va_list ap)
{
	va_list copy;

	if (first_error[0] != '\0')
		return;
	va_copy(copy, ap);
	vsnprintf(first_error, sizeof(first_error), fmt, copy);
	va_end(copy);
}

static void vsay(const char *kind, const char *fmt, va_list ap)
{
	fprintf(stderr, "tlsa %s: %s", cli.cmd, kind);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

const char *cli_first_error(void)
{
	return first_error;
}

void cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	keep_first(fmt, ap);
	vsay("", fmt, ap);
	va_end(ap);
}

void cli_warn(const char *fmt, ...)
{
	va_list ap;

	if (cli.quiet)
		return;
	va_start(ap, fmt);
	vsay("warning: ", fmt, ap);
	va_end(ap);
}

void cli_info(int level, const char *fmt, ...)
{
	va_list ap;

	if (cli.quiet || cli.verbose < level)
		return;
	va_start(ap, fmt);
	vsay("", fmt, ap);
	va_end(ap);
}

int cli_usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	keep_first(fmt, ap);
	vsay("", fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try 'tlsa %s --help' for more information.\n", cli.cmd);
	return cli.usage_status;
}

/*
 * hash-slinger's spellings after one of our commands, and what to give
 * instead.  cmd NULL: any command.
 */
static const struct {
	const char *cmd, *option, *hint;
} hs_hints[] = {
    {"create", "--create", "'tlsa create' creates: drop --create"},
    {"create", "--verify", "servers are checked with 'tlsa check'"},
    {"check", "--verify", "'tlsa check' verifies: drop --verify"},
    {"check", "--create", "records are made with 'tlsa create'"},
    {"check", "--certificate",
     "check reads the server's chain; to test a file before deploying it, give "
     "--candidate FILE"},
    {"check", "--usage", "check takes the parameters from the published records"},
    {"check", "--selector", "check takes the parameters from the published records"},
    {"check", "--mtype", "check takes the parameters from the published records"},
    {"check", "--output", "the report's format is -o/--format"},
    {"check", "--rootkey", "give --trust-anchor FILE"},
    {"check", "--ca-cert", "give --ca-file FILE or --ca-path DIR"},
    {"check", "--ipv4", "give -4"},
    {"check", "--ipv6", "give -6"},
    {NULL, "--protocol", "give --proto"},
    {NULL, "--resolvconf", "give each resolver with 'tlsa check --resolver ADDR'"},
    {NULL, "--only-rr",
     "'tlsa check' checks the records against the server; 'dig TLSA' shows them alone"},
    {NULL, "--debug", "give -v (twice for more)"},
};

int cli_option_error(char **argv, int c)
{
	const char *opt = argv[optind - 1];
	char q[128];
	size_t i, n;

	cli_quote(opt, q, sizeof(q));
	if (c == ':')
		return cli_usage_error("option %s needs a value", q);
	if (optopt != 0 && opt[0] == '-' && opt[1] != '-')
		return cli_usage_error("unknown option '-%c'", optopt);
	n = strcspn(opt, "=");
	for (i = 0; i < sizeof(hs_hints) / sizeof(hs_hints[0]); i++)
		if ((hs_hints[i].cmd == NULL || strcmp(hs_hints[i].cmd, cli.cmd) == 0) &&
		    strlen(hs_hints[i].option) == n && strncmp(hs_hints[i].option, opt, n) == 0)
			return cli_usage_error("unknown option %s (hash-slinger's; here, %s)", q,
					       hs_hints[i].hint);
	return cli_usage_error("unknown option %s", q);
}

int cli_parse_ulong(const char *text, unsigned long min, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (text == NULL || *text < '0' || *text > '9')
		return -1;
	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return -1;
	*out = v;
	return 0;
}

void cli_target_init(struct cli_target *t)
{
	memset(t, 0, sizeof(*t));
	t->port = 443;
	t->proto = "tcp";
	t->timeout = 10;
}

int cli_target_port(struct cli_target *t, enum cli_style style, const char *arg)
{
	t->port_set = 1;
	if (cli_parse_ulong(arg, 1, 65535, &t->port) == 0)
		return 0;
	return cli_usage_error(style == CLI_STYLE_CHECK ? "bad port '%s' (want 1-65535)"
							: "--port '%s': want 1-65535",
			       arg);
}

int cli_target_proto(struct cli_target *t, enum cli_style style, const char *arg)
{
	int tcp = strcmp(arg, "tcp") == 0;
	int other = strcmp(arg, "udp") == 0 || strcmp(arg, "sctp") == 0;

	t->proto = arg;
	if (style == CLI_STYLE_CREATE)
		return tcp || other ? 0
				    : cli_usage_error("--proto '%s': want tcp, udp or sctp", arg);
	/* The owner could name udp or sctp, but check speaks TLS over TCP only. */
	if (other)
		return cli_usage_error("--proto %s: only TCP services can be checked "
				       "(DTLS and SCTP are not supported)",
				       arg);
	return tcp ? 0 : cli_usage_error("bad --proto '%s' (want tcp)", arg);
}

int cli_target_starttls(struct cli_target *t, enum cli_style style, const char *arg)
{
	t->starttls_set = 1;
	/* check can be told to speak TLS from the start on a STARTTLS port. */
	if (style == CLI_STYLE_CHECK && strcmp(arg, "none") == 0) {
		t->starttls = NULL;
		return 0;
	}
	t->starttls = tlsa_starttls_find(arg);
	if (t->starttls != NULL)
		return 0;
	if (style == CLI_STYLE_CHECK)
		return cli_usage_error("unknown STARTTLS protocol '%s' (want one of: %s, or none)",
				       arg, tlsa_starttls_names());
	return cli_usage_error("--starttls '%s': unknown protocol (want one of: %s)", arg,
			       tlsa_starttls_names());
}

int cli_target_timeout(struct cli_target *t, enum cli_style style, const char *arg)
{
	if (cli_parse_ulong(arg, 1, 3600, &t->timeout) == 0)
		return 0;
	return cli_usage_error(style == CLI_STYLE_CHECK ? "bad --timeout '%s' (want 1-3600 seconds)"
							: "--timeout '%s': want 1-3600 seconds",
			       arg);
}

void cli_target_complete(struct cli_target *t, int pick_protocol)
{
	if (!t->starttls_set && pick_protocol)
		t->starttls = tlsa_starttls_by_port((unsigned)t->port);
	else if (!t->port_set && t->starttls != NULL)
		t->port = tlsa_starttls_port(t->starttls);
}

int cli_push(const char ***v, size_t *n, const char *s)
{
	const char **nv = realloc(*v, (*n + 1) * sizeof(*nv));

	if (nv == NULL)
		return -1;
	nv[(*n)++] = s;
	*v = nv;
	return 0;
}

void cli_quote(const char *name, char *out, size_t size)
{
	size_t o = 0;

	if (size < 8)
		return;
	out[o++] = '\'';
	for (; *name != '\0' && o + 6 < size; name++) {
		unsigned char c = (unsigned char)*name;

		if (c < 0x20 || c == 0x7f)
			o += (size_t)sprintf(out + o, "\\x%02x", c);
		else
			out[o++] = (char)c;
	}
	if (*name != '\0')
		o += (size_t)sprintf(out + o, "...");
	out[o++] = '\'';
	out[o] = '\0';
}

/*
 * The host of a TLSA owner name (_PORT._PROTO.HOST), or NULL when host
 * is not one.  SRV owners (_xmpp-client._tcp...) have no number first.
 */
static const char *owner_host(const char *host)
{
	size_t n;

	if (host[0] != '_')
		return NULL;
	n = strspn(host + 1, "0123456789");
	if (n == 0 || host[1 + n] != '.')
		return NULL;
	host += n + 2;
	if (strncmp(host, "_tcp.", 5) == 0 || strncmp(host, "_udp.", 5) == 0)
		return host[5] != '\0' ? host + 5 : NULL;
	if (strncmp(host, "_sctp.", 6) == 0)
		return host[6] != '\0' ? host + 6 : NULL;
	return NULL;
}

/* why for a URL: the host in it, and its port, as what to give instead. */
static void url_host(const char *url, char *why, size_t whysize, const char *q)
{
	const char *h = strstr(url, "://") + 3, *end, *at, *port = NULL;
	char hq[128], buf[256];
	size_t n, pn = 0;

	end = h + strcspn(h, "/?#");
	at = memchr(h, '@', (size_t)(end - h));
	if (at != NULL)
		h = at + 1;
	if (*h == '[') {
		snprintf(why, whysize,
			 "%s is a URL, not a host name: give the host's name (not "
			 "its address), and the port with -p",
			 q);
		return;
	}
	n = strcspn(h, ":/?#");
	if (h[n] == ':') {
		port = h + n + 1;
		pn = strspn(port, "0123456789");
	}
	if (n == 0 || n >= sizeof(buf)) {
		snprintf(why, whysize, "%s is a URL, not a host name: give the host's name", q);
		return;
	}
	memcpy(buf, h, n);
	buf[n] = '\0';
	cli_quote(buf, hq, sizeof(hq));
	if (pn > 0)
		snprintf(why, whysize, "%s is a URL, not a host name: give %s and port %.*s", q, hq,
			 (int)pn, port);
	else
		snprintf(why, whysize, "%s is a URL, not a host name: give %s", q, hq);
}

int cli_host_check(const char *host, char *why, size_t whysize)
{
	unsigned char addr[16];
	const char *colon = strrchr(host, ':'), *what = NULL, *oh;
	char q[128], hq[128];
	int kind = CLI_HOST_BAD;

	/* Quoted only for a message: most names a manifest gives are good. */
	if (strstr(host, "://") != NULL) {
		cli_quote(host, q, sizeof(q));
		url_host(host, why, whysize, q);
		return kind;
	} else if (host[0] == '-') {
		cli_quote(host, q, sizeof(q));
		snprintf(why, whysize, "%s looks like an option, not a host name", q);
		return kind;
	} else if ((unsigned char)host[0] == 0xe2 && (unsigned char)host[1] == 0x80 &&
		   (unsigned char)host[2] >= 0x90 && (unsigned char)host[2] <= 0x95) {
		/* An option whose '--' a word processor turned into a dash. */
		cli_quote(host, q, sizeof(q));
		snprintf(why, whysize,
			 "%s starts with a typographic dash: type an option with '-' or "
			 "'--'",
			 q);
		return kind;
	} else if ((oh = owner_host(host)) != NULL) {
		cli_quote(host, q, sizeof(q));
		cli_quote(oh, hq, sizeof(hq));
		snprintf(why, whysize,
			 "%s is a TLSA owner name, not a host name: give the host %s and "
			 "port %.*s",
			 q, hq, (int)strcspn(host + 1, "."), host + 1);
		return kind;
	} else if (inet_pton(AF_INET, host, addr) == 1 || inet_pton(AF_INET6, host, addr) == 1) {
		what = "is an IP address: TLSA records are published under host names";
		kind = CLI_HOST_ADDRESS;
	} else if (colon != NULL && colon > host && colon[1] != '\0' &&
		   strspn(colon + 1, "0123456789") == strlen(colon + 1)) {
		what = "has a port in it";
		kind = CLI_HOST_PORT;
	}
	if (what != NULL) {
		cli_quote(host, q, sizeof(q));
		snprintf(why, whysize, "%s %s", q, what);
		return kind;
	}
	if (tlsa_host_name_check(host) != TLSA_OK) {
		cli_quote(host, q, sizeof(q));
		snprintf(why, whysize, "%s %s", q, tlsa_error_detail());
		return kind;
	}
	return 0;
}

int cli_owner_check(const char *owner, char *why, size_t whysize)
{
	char q[128];

	if (tlsa_owner_name_check(owner) == TLSA_OK)
		return 0;
	cli_quote(owner, q, sizeof(q));
	snprintf(why, whysize, "%s %s", q, tlsa_error_detail());
	return -1;
}

enum { PASSIN_OK, PASSIN_IO, PASSIN_NOMEM };

/* The first line of fd, without its CR LF, into *pass (at most 1023 bytes). */
static int passin_line(int fd, char **pass)
{
	char buf[1024];
	size_t n = 0;
	ssize_t r;
	int e;

	while (n < sizeof(buf) - 1) {
		r = read(fd, buf + n, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			e = errno;
			OPENSSL_cleanse(buf, sizeof(buf));
			errno = e;
			return PASSIN_IO;
		}
		if (r == 0 || buf[n] == '\n')
			break;
		n++;
	}
	if (n > 0 && buf[n - 1] == '\r')
		n--;
	buf[n] = '\0';
	*pass = strdup(buf);
	OPENSSL_cleanse(buf, sizeof(buf));
	return *pass == NULL ? PASSIN_NOMEM : PASSIN_OK;
}

int cli_passin_read(const char *source, char **pass)
{
	char q[128], *end;
	const char *v;
	long fd;
	int f, r, e;

	cli_quote(source, q, sizeof(q));
	if (strncmp(source, "env:", 4) == 0) {
		if (source[4] == '\0')
			return cli_usage_error("--passin %s: names no variable (want env:VAR)", q);
		v = getenv(source + 4);
		if (v == NULL)
			return cli_usage_error("--passin %s: %s is not set", q, source + 4);
		*pass = strdup(v);
		r = *pass == NULL ? PASSIN_NOMEM : PASSIN_OK;
	} else if (strncmp(source, "file:", 5) == 0) {
		f = open(source + 5, O_RDONLY | O_CLOEXEC);
		if (f < 0)
			return cli_usage_error("--passin %s: %s", q, strerror(errno));
		r = passin_line(f, pass);
		e = errno;
		close(f);
		if (r == PASSIN_IO)
			return cli_usage_error("--passin %s: %s", q, strerror(e));
	} else if (strncmp(source, "fd:", 3) == 0) {
		errno = 0;
		fd = strtol(source + 3, &end, 10);
		if (errno != 0 || *end != '\0' || end == source + 3 || fd < 0 || fd > 65535)
			return cli_usage_error("--passin %s: want fd:N, a file descriptor number",
					       q);
		r = passin_line((int)fd, pass);
		if (r == PASSIN_IO)
			return cli_usage_error("--passin %s: cannot read file descriptor %s: %s", q,
					       source + 3, strerror(errno));
	} else {
		return cli_usage_error("--passin %s: want env:VAR, file:PATH or fd:N", q);
	}
	if (r == PASSIN_NOMEM) {
		cli_error("out of memory");
		/* A check that cannot start is UNKNOWN; create's error is 1. */
		return cli.usage_status == 3 ? 3 : 1;
	}
	return 0;
}

int cli_flush_stdout(void)
{
	if (fflush(stdout) != 0 || ferror(stdout))
		return -1;
	return 0;
}

const char *cli_fold(const char *words, size_t col, size_t indent)
{
	static char out[1024];
	size_t o = 0, n;
	const char *p = words, *e;

	while (*p != '\0') {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		e = strchr(p, ' ');
		n = e != NULL ? (size_t)(e - p) : strlen(p);
		if (o > 0 && col + 1 + n > 79) {
			if (o + 1 + indent >= sizeof(out))
				break;
			out[o++] = '\n';
			memset(out + o, ' ', indent);
			o += indent;
			col = indent;
		} else if (o > 0) {
			if (o + 1 >= sizeof(out))
				break;
			out[o++] = ' ';
			col++;
		}
		if (o + n >= sizeof(out))
			break;
		memcpy(out + o, p, n);
		o += n;
		col += n;
		p += n;
	}
	out[o] = '\0';
	return out;
}

void json_string(FILE *fp, const char *s)
{
	const unsigned char *p;

	fputc('"', fp);
	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		switch (*p) {
		case '"': fputs("\\\"", fp); break;
		case '\\': fputs("\\\\", fp); break;
		case '\n': fputs("\\n", fp); break;
		case '\r': fputs("\\r", fp); break;
		case '\t': fputs("\\t", fp); break;
		default:
			if (*p < 0x20)
				fprintf(fp, "\\u%04x", *p);
			else
				fputc(*p, fp);
		}
	}
	fputc('"', fp);
}

void iso_time(time_t t, char buf[21])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void cli_day(time_t t, char buf[11])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, 11, "%Y-%m-%d", &tm);
}

int cli_read_records(const char *path, int removals_too, cli_record_add add, void *ctx,
		     const char *(*hint)(tlsa_status st))
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	const char *shown = strcmp(path, "-") == 0 ? "(stdin)" : path;
	char *line = NULL, *p;
	size_t cap = 0, n;
	ssize_t len;
	unsigned long lineno = 0, count = 0;
	tlsa_status st;
	int rc = 0;

	if (f == NULL) {
		cli_error("%s: %s", path, strerror(errno));
		return -1;
	}
	while ((len = getline(&line, &cap, f)) >= 0) {
		lineno++;
		n = (size_t)len;
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		for (p = line; *p == ' ' || *p == '\t'; p++)
			;
		if (*p == '\0' || *p == ';' || *p == '#')
			continue;
		st = add(ctx, p);
		if (st != TLSA_OK) {
			const char *detail = tlsa_error_detail();

			cli_error("%s: line %lu: %s%s%s%s", shown, lineno, tlsa_strerror(st),
				  detail[0] ? ": " : "", detail, hint != NULL ? hint(st) : "");
			rc = -1;
			break;
		}
		count++;
	}
	if (rc == 0 && ferror(f)) {
		cli_error("%s: %s", shown, strerror(errno));
		rc = -1;
	}
	if (rc == 0 && count == 0) {
		const char *what =
		    f == stdin ? " (standard input): did the command feeding it fail?" : "";

		if (removals_too) {
			cli_warn("no records in %s%s", path, what);
		} else {
			cli_error("no records in %s%s", path, what);
			rc = -1;
		}
	}
	free(line);
	if (f != stdin)
		fclose(f);
	return rc;
}
