/*
 * Paths of files that may not exist yet.  Not installed.
 */
#ifndef TLSA_ZONEPATH_H
#define TLSA_ZONEPATH_H

/* Resolve symlinks of a path that may not exist yet (its directory must):
 * 0 with out (PATH_MAX bytes) set, or -1 with errno. */
int tlsa_zone_resolve_path(const char *path, char *out);

#endif
