/*
 * What was written is what was meant (zoneverify.c): the patches read
 * back from the new zone, and --check over all of it.  Not installed.
 */
#ifndef TLSA_ZONEVERIFY_H
#define TLSA_ZONEVERIFY_H

#include <tlsa.h>

/* Read the patches back from the new zone open on fd (path names it)
 * and parse the records among them. */
tlsa_status tlsa_zone_read_back(tlsa_zone_edit *ed, int fd, const char *path);
/* --check of the zone open on fd: every record parses, and no CNAME
 * owner holds other data; shown names it in messages. */
tlsa_status tlsa_zone_check(tlsa_zone_edit *ed, int fd, const char *shown);

#endif
