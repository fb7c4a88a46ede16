/*
 * hash-slinger's spellings: `tlsa --create --certificate FILE ...` and
 * `tlsa --verify ...`, as its tlsa script takes them, run as our create
 * and check; its options that have no counterpart here get a one-line
 * hint naming ours.
 *
 * Owns only the translation of a command line; what the options mean is
 * the subcommands'.  Hints for its spellings typed after one of our
 * commands (`tlsa check --verify`) are in cli.c's option errors.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

enum { CREATE = 1, CHECK = 2, BOTH = CREATE | CHECK };

/*
 * One of hash-slinger's long options: what it becomes in each command
 * (NULL: dropped, as meaningless there), or a hint when nothing here
 * does what it did.
 */
static const struct hs_option {
	const char *name;
	int value; /* takes a value */
	const char *create, *check;
	const char *hint;
} hs_options[] = {
    {"certificate", 1, "--cert", NULL, NULL},
    {"output", 1, "--format", NULL, NULL},
    {"port", 1, "--port", "--port", NULL},
    {"starttls", 1, "--starttls", "--starttls", NULL},
    {"protocol", 1, "--proto", "--proto", NULL},
    {"usage", 1, "--usage", NULL, NULL},
    {"selector", 1, "--selector", NULL, NULL},
    {"mtype", 1, "--mtype", NULL, NULL},
    {"sni", 1, "--sni", "--sni", NULL},
    {"rootkey", 1, NULL, "--trust-anchor", NULL},
    {"insecure", 0, NULL, "--insecure", NULL},
    {"ipv4", 0, NULL, "-4", NULL},
    {"ipv6", 0, NULL, "-6", NULL},
    {"quiet", 0, "--quiet", "--quiet", NULL},
    {"debug", 0, "--verbose", "--verbose", NULL},
    {"resolvconf", 1, NULL, NULL, "give each resolver with 'tlsa check --resolver ADDR'"},
    {"only-rr", 0, NULL, NULL,
     "'tlsa check' checks the records against the server; 'dig TLSA' shows them alone"},
    {"ca-cert", 1, NULL, NULL, "give 'tlsa check --ca-file FILE' or '--ca-path DIR'"},
};

static const struct hs_option *hs_find(const char *arg, const char **value)
{
	const char *eq;
	size_t i, n;

	*value = NULL;
	if (strncmp(arg, "--", 2) != 0)
		return NULL;
	arg += 2;
	eq = strchr(arg, '=');
	n = eq != NULL ? (size_t)(eq - arg) : strlen(arg);
	for (i = 0; i < sizeof(hs_options) / sizeof(hs_options[0]); i++)
		if (strlen(hs_options[i].name) == n && strncmp(hs_options[i].name, arg, n) == 0) {
			if (eq != NULL)
				*value = eq + 1;
			return &hs_options[i];
		}
	return NULL;
}

int hashslinger_translate(int argc, char **argv, char ***out)
{
	const struct hs_option *h;
	const char *value, *to;
	char **nv;
	int i, n = 0, mode = 0, cert = 0;

	for (i = 1; i < argc && strcmp(argv[i], "--") != 0; i++) {
		if (strcmp(argv[i], "--create") == 0)
			mode |= CREATE;
		else if (strcmp(argv[i], "--verify") == 0)
			mode |= CHECK;
		else if ((h = hs_find(argv[i], &value)) != NULL &&
			 strcmp(h->name, "certificate") == 0)
			cert = 1;
	}
	if (mode == BOTH) {
		fprintf(stderr, "tlsa: --create and --verify are two commands here: run "
				"'tlsa create ...', then 'tlsa check ...'\n");
		return -1;
	}
	/* hash-slinger's seed workflow: parameters and a certificate file. */
	if (mode == 0 && cert)
		mode = CREATE;
	if (mode == 0) {
		fprintf(stderr,
			"tlsa: unknown command '%s': give a command, 'tlsa create "
			"[OPTIONS] HOST' (hash-slinger's --create) or 'tlsa check [OPTIONS] "
			"HOST' (--verify)\n",
			argv[1]);
		fprintf(stderr, "Try 'tlsa --help' for more information.\n");
		return -1;
	}
	cli.cmd = mode == CREATE ? "create" : "check";
	cli.usage_status = mode == CREATE ? 2 : 3; /* as the command's own */
	/* At most two words for each one: '--name=value' becomes two. */
	nv = calloc((size_t)argc * 2 + 2, sizeof(*nv));
	if (nv == NULL) {
		fprintf(stderr, "tlsa: out of memory\n");
		return -1;
	}
	nv[n++] = argv[0];
	nv[n++] = (char *)cli.cmd;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			while (i < argc)
				nv[n++] = argv[i++];
			break;
		}
		if (strcmp(argv[i], "--create") == 0 || strcmp(argv[i], "--verify") == 0)
			continue;
		h = hs_find(argv[i], &value);
		if (h == NULL) {
			nv[n++] = argv[i];
			continue;
		}
		if (h->value && value == NULL && i + 1 < argc)
			value = argv[++i];
		if (h->hint != NULL) {
			cli_usage_error("--%s is hash-slinger's: %s", h->name, h->hint);
			goto fail;
		}
		if (h->value && value == NULL) {
			cli_usage_error("option '--%s' needs a value", h->name);
			goto fail;
		}
		if (mode == CHECK && strcmp(h->name, "certificate") == 0) {
			cli_usage_error("--certificate: 'tlsa check' reads the server's chain; to "
					"test a file before deploying it, give --candidate FILE");
			goto fail;
		}
		if (strcmp(h->name, "output") == 0 && strcmp(value, "both") == 0) {
			cli_usage_error("--output both is hash-slinger's: run tlsa create twice, "
					"with -o rfc and -o generic");
			goto fail;
		}
		if (strcmp(h->name, "starttls") == 0 && strcmp(value, "auto") == 0)
			continue; /* ours picks the protocol from the port too */
		to = mode == CREATE ? h->create : h->check;
		if (to == NULL)
			continue; /* meaningless for this command: the records say it */
		nv[n++] = (char *)to;
		if (h->value)
			nv[n++] = (char *)value;
	}
	nv[n] = NULL;
	*out = nv;
	return n;
fail:
	free(nv);
	return -1;
}
