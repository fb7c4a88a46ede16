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
