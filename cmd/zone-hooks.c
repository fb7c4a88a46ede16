/*
 * Zone files that a server also writes.  BIND keeps the changes of a
 * dynamic zone (updates, inline signing) in FILE.jnl and Knot in its
 * journal database; an edit of the file under them is lost or breaks the
 * zone ("journal out of sync", "reload failed: dynamic zone").  So `zone
 * update` looks for a journal first and runs the user's freeze, thaw and
 * reload commands around the edit.
 *
 * Owns: finding journals, running hook commands.  Does not own the edit
 * (cmd/zone.c, libtlsa/zoneedit.c).
 */
#include "config.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "zone-hooks.h"

int zone_journal_find(const char *zonefile, char *path, size_t size)
{
	struct stat st;
	char *copy, *dir;

	snprintf(path, size, "%s.jnl", zonefile);
	if (stat(path, &st) == 0)
		return 1;
	copy = strdup(zonefile);
	if (copy == NULL)
		return 0;
	dir = dirname(copy);
	snprintf(path, size, "%s/journal/data.mdb", dir);
	free(copy);
	return stat(path, &st) == 0;
}

int zone_run_hook(const char *what, const char *cmd)
{
	pid_t pid;
	int status;

	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		cli_error("%s: fork: %s", what, strerror(errno));
		return -1;
	}
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			cli_error("%s: wait: %s", what, strerror(errno));
			return -1;
		}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		cli_error("%s command failed (exit %d): %s", what, WEXITSTATUS(status), cmd);
	else
		cli_error("%s command failed (signal %d): %s", what, WTERMSIG(status), cmd);
	return -1;
}
