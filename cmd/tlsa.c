/*
 * The tlsa command: global options and the table of subcommands.
 *
 * Owns: dispatch, `tlsa help COMMAND`, --version, and the final check that
 * everything written to stdout got there (a full disk never passes as
 * success).  Each subcommand lives in its own file as cmd_NAME().
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
	int error_status; /* exit status for an unwritable stdout */
};

static const struct command commands[] = {
    {"create", cmd_create, "print TLSA records for a certificate, key or server", 1},
    {"check", cmd_check, "verify live servers against their TLSA records", 3},
    {"zone", cmd_zone, "put TLSA records into zone files and bump the serial", 1},
};

static void usage(FILE *out)
{
	size_t i;

	fputs("Usage: tlsa COMMAND [OPTIONS] [ARGS]\n"
	      "       tlsa help COMMAND | tlsa COMMAND --help\n"
	      "       tlsa --version\n\n"
	      "Create, check and publish DANE TLSA records (RFC 6698, 7671, 7672).\n\n"
	      "Commands:\n",
	      out);
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fputs("\nhash-slinger's command line ('tlsa --create --certificate FILE HOST',\n"
	      "'tlsa --verify HOST') runs as tlsa create and tlsa check.\n"
	      "See tlsa(1) and tlsa-COMMAND(1) for details.\n",
	      out);
}

static const struct command *find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static int finish(int status, int error_status)
{
	if (cli_flush_stdout() != 0) {
		/* As every diagnostic of a command: "tlsa COMMAND: ". */
		if (strcmp(cli.cmd, "tlsa") == 0)
			fprintf(stderr, "tlsa: write failure on standard output\n");
		else
			fprintf(stderr, "tlsa %s: write failure on standard output\n", cli.cmd);
		return status == 0 ? error_status : status;
	}
	return status;
}

int main(int argc, char **argv)
{
	const struct command *c;
	char *help_argv[3], **hs_argv = NULL;
	int rc;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return finish(0, 1);
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("tlsa %s\n", PACKAGE_VERSION);
		return finish(0, 1);
	}
	if (strcmp(argv[1], "help") == 0) {
		if (argc < 3) {
			usage(stdout);
			return finish(0, 1);
		}
		c = find(argv[2]);
		if (c == NULL) {
			fprintf(stderr, "tlsa: unknown command '%s'\n", argv[2]);
			return 2;
		}
		help_argv[0] = argv[2];
		help_argv[1] = (char *)"--help";
		help_argv[2] = NULL;
		return finish(c->run(2, help_argv), c->error_status);
	}
	if (argv[1][0] == '-' && argv[1][1] != '\0') {
		/* hash-slinger's `tlsa --create ...`: ours is `tlsa create ...`. */
		argc = hashslinger_translate(argc, argv, &hs_argv);
		if (argc < 0)
			return cli.usage_status;
		argv = hs_argv;
	}
	c = find(argv[1]);
	if (c == NULL) {
		fprintf(stderr, "tlsa: unknown command '%s'%s\n", argv[1],
			strchr(argv[1], '.') != NULL
			    ? ": to check a host, 'tlsa check HOST'; to make its records, "
			      "'tlsa create HOST'"
			    : "");
		fprintf(stderr, "Try 'tlsa --help' for more information.\n");
		return 2;
	}
	cli.cmd = c->name;
	rc = finish(c->run(argc - 1, argv + 1), c->error_status);
	free(hs_argv);
	return rc;
}
