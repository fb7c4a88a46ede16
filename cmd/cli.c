/*
 * Diagnostics and option helpers shared by the subcommands.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tlsa.h>

#include "cli.h"

struct cli cli = { "tlsa", 0, 0, 2 };

static void vsay(const char *kind, const char *fmt, va_list ap)
{
	fprintf(stderr, "tlsa %s: %s", cli.cmd, kind);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
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
	vsay("", fmt, ap);
	va_end(ap);
	fprintf(stderr, "Try 'tlsa %s --help' for more information.\n", cli.cmd);
	return cli.usage_status;
}

int cli_option_error(char **argv, int c)
{
	const char *opt = argv[optind - 1];

	if (c == ':')
		return cli_usage_error("option '%s' needs a value", opt);
	if (optopt != 0 && opt[0] == '-' && opt[1] != '-')
		return cli_usage_error("unknown option '-%c'", optopt);
	return cli_usage_error("unknown option '%s'", opt);
}

int cli_parse_ulong(const char *text, unsigned long min, unsigned long max,
		    unsigned long *out)
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

/* name into out, quoted, with control characters as \xNN. */
static void quote_name(const char *name, char *out, size_t size)
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

int cli_host_check(const char *host, char *why, size_t whysize)
{
	unsigned char addr[16];
	const char *colon = strrchr(host, ':'), *what = NULL;
	char q[128];
	size_t n = strlen(host), label = 0, i;
	int kind = CLI_HOST_BAD;

	quote_name(host, q, sizeof(q));
	if (strstr(host, "://") != NULL) {
		what = "is a URL, not a host name";
	} else if (inet_pton(AF_INET, host, addr) == 1 || inet_pton(AF_INET6, host, addr) == 1) {
		what = "is an IP address: TLSA records are published under host names";
		kind = CLI_HOST_ADDRESS;
	} else if (colon != NULL && colon > host && colon[1] != '\0' &&
		   strspn(colon + 1, "0123456789") == strlen(colon + 1)) {
		what = "has a port in it";
		kind = CLI_HOST_PORT;
	}
	if (what != NULL) {
		snprintf(why, whysize, "%s %s", q, what);
		return kind;
	}
	if (n > 0 && host[n - 1] == '.')
		n--;
	if (n == 0) {
		snprintf(why, whysize, "%s is not a host name (it is empty)", q);
		return kind;
	}
	if (n > 253) {
		snprintf(why, whysize, "%s is longer than a domain name can be (253 characters)", q);
		return kind;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)host[i];

		if (c == '.') {
			if (label == 0)
				break;
			label = 0;
			continue;
		}
		if (c >= 0x80) {
			snprintf(why, whysize,
				 "%s is not ASCII: give an internationalized name in its "
				 "xn-- form",
				 q);
			return kind;
		}
		if (c < 0x20 || c == 0x7f) {
			snprintf(why, whysize, "%s has a control character in it", q);
			return kind;
		}
		if (!isalnum(c) && c != '-' && c != '_') {
			snprintf(why, whysize, "%s has '%c' in it, which a host name cannot have", q,
				 c);
			return kind;
		}
		if (++label > 63) {
			snprintf(why, whysize, "%s has a label longer than 63 characters", q);
			return kind;
		}
	}
	if (i < n || (host[n] == '.' && n > 0 && host[n - 1] == '.')) {
		snprintf(why, whysize, "%s has an empty label ('..' or a leading dot)", q);
		return kind;
	}
	return 0;
}

int cli_owner_check(const char *owner, char *why, size_t whysize)
{
	char q[128], what[128];

	if (tlsa_owner_name_check(owner, what, sizeof(what)) == TLSA_OK)
		return 0;
	quote_name(owner, q, sizeof(q));
	snprintf(why, whysize, "%s %s", q, what);
	return -1;
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
