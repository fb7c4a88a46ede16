/*
 * What `tlsa zone update` does around an edit of a zone file that a
 * server may also write (cmd/zone-hooks.c): finding the server's journal
 * beside the file, and running the commands that freeze, thaw and reload
 * the zone.
 */
#ifndef TLSA_ZONE_HOOKS_H
#define TLSA_ZONE_HOOKS_H

#include <stddef.h>

/*
 * Whether a server journal lies beside zonefile: BIND's ZONEFILE.jnl, or
 * Knot's journal database (journal/data.mdb in the file's directory, its
 * default storage).  1 with its path in path, else 0.
 */
int zone_journal_find(const char *zonefile, char *path, size_t size);

/* Run cmd with /bin/sh -c; 0 when it exits 0, else an error is printed
 * naming what (the option) and -1 is returned. */
int zone_run_hook(const char *what, const char *cmd);

#endif
