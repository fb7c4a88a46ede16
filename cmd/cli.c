/*
 * Diagnostics and option helpers shared by the subcommands.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct cli cli = { "tlsa", 0, 0, 2, NULL };

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
