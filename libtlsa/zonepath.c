/*
 * The file a path names, resolved through symlinks even when the file
 * does not exist yet: the scanner asks it whether an $INCLUDE names the
 * snippet this run creates, and the writer which file a temp file
 * replaces.
 *
 * Owns: tlsa_zone_resolve_path().  A leaf: it calls no other zone file.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zonepath.h"

int tlsa_zone_resolve_path(const char *path, char *out)
{
	char dir[PATH_MAX], rdir[PATH_MAX], *slash;
	const char *base;

	if (realpath(path, out) != NULL)
		return 0;
	if (errno != ENOENT)
		return -1;
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash == NULL) {
		snprintf(dir, sizeof(dir), ".");
		base = path;
	} else {
		/* base points into path: dir is rewritten below for a file in / */
		base = path + (slash - dir) + 1;
		*slash = '\0';
		if (dir[0] == '\0')
			snprintf(dir, sizeof(dir), "/");
	}
	if (realpath(dir, rdir) == NULL)
		return -1;
	if ((size_t)snprintf(out, PATH_MAX, "%s%s%s", rdir, strcmp(rdir, "/") == 0 ? "" : "/",
			     base) >= PATH_MAX)
		return -1;
	return 0;
}
