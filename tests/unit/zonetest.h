/*
 * What the zone-file unit tests share (test-zonefile.c, test-zoneshapes.c,
 * test-zonecname.c): a scratch directory with the path of the zone file
 * in it, writing and reading whole files, and removing the directory at
 * the end.  How each test edits the zone stays in the test.  Header-only
 * (static functions), like tap.h.
 */
#ifndef TLSA_ZONETEST_H
#define TLSA_ZONETEST_H

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ZONETEST_UNUSED __attribute__((unused))

/* The scratch directory, and the zone file in it (example.org.zone). */
static char dir[PATH_MAX];
static char zone[PATH_MAX + 256];

/* Makes the scratch directory $TMPDIR/tlsa-NAME.XXXXXX (or under /tmp)
 * and sets zone; bails out when it cannot. */
static ZONETEST_UNUSED void zonetest_dir(const char *name)
{
	snprintf(dir, sizeof(dir), "%s/tlsa-%s.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", name);
	if (mkdtemp(dir) == NULL) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		exit(1);
	}
	snprintf(zone, sizeof(zone), "%s/example.org.zone", dir);
}

/* Removes the scratch directory and all in it. */
static ZONETEST_UNUSED void zonetest_cleanup(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", dir);
}

/* Writes text as the whole of path; bails out when it cannot. */
static ZONETEST_UNUSED void put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL || fputs(text, f) == EOF || fclose(f) != 0) {
		printf("Bail out! cannot write %s\n", path);
		exit(1);
	}
}

/* Reads path, up to size - 1 bytes, into buf as a string; NULL when it
 * cannot be opened. */
static ZONETEST_UNUSED char *slurp(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (f == NULL)
		return NULL;
	n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* The text of path (up to 64 KiB, in a buffer the next call reuses), or
 * NULL. */
static ZONETEST_UNUSED char *get(const char *path)
{
	static char buf[65536];

	return slurp(path, buf, sizeof(buf));
}

#endif
