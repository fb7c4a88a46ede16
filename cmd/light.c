/*
 * The light tlsa: the program users run.
 *
 * Owns: handing over to tlsa-full.  Creating records from files needs only
 * libcrypto, and process start is most of what a `tlsa create` costs:
 * libssl and ldns are linked with BIND_NOW, so merely loading them would
 * add a third to every create.  This program links neither.  Whatever
 * needs them (check, zone, create HOST) runs in tlsa-full, which is the
 * same command table with everything in it; it is exec'd with the
 * original arguments, so it sees exactly what the user typed.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "create-fetch.h"

#ifndef PKGLIBEXECDIR
#define PKGLIBEXECDIR "/usr/local/libexec/tlsa"
#endif

/*
 * tlsa-full beside this program (the build tree, or an install that put
 * both in one directory), else in the package's libexec directory.
 */
static int exec_full(void)
{
	char self[PATH_MAX], path[PATH_MAX + 16], *slash;
	ssize_t n;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		if (slash != NULL) {
			slash[1] = '\0';
			snprintf(path, sizeof(path), "%stlsa-full", self);
			if (access(path, X_OK) == 0)
				execv(path, cli.argv);
		}
	}
	snprintf(path, sizeof(path), "%s/tlsa-full", PKGLIBEXECDIR);
	execv(path, cli.argv);
	fprintf(stderr, "tlsa %s: cannot run %s: %s\n", cli.cmd, path, strerror(errno));
	return -1;
}

int cmd_check(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	exec_full();
	return 3;
}

int cmd_zone(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	exec_full();
	return 1;
}

size_t create_fetch_chains(const struct fetch_opts *o, const char *host, tlsa_input ***chains,
			   char *err, size_t errsize)
{
	(void)o;
	*chains = NULL;
	exec_full();
	snprintf(err, errsize, "%s: cannot fetch a live chain: tlsa-full is not installed", host);
	return 0;
}
