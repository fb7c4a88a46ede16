/*
 * libtlsa: TLSA records (RFC 6698, 7671, 7672, 7218) for tools that
 * create, check and publish them.  This is the one header users include.
 *
 * Conventions: every public name starts with tlsa_; fallible calls return
 * a tlsa_status (tlsa_strerror() turns it into words); objects come with
 * _new/_free pairs; what a call gives back through pointers comes after
 * all its inputs: the object (or a buffer, then its length) first, then
 * any error detail (tlsa_where, or why and whysize); the library never
 * prints, never exits and keeps no global state.
 */
#ifndef TLSA_H
#define TLSA_H

#include <tlsa/version.h>
#include <tlsa/status.h>
#include <tlsa/record.h>
#include <tlsa/load.h>
#include <tlsa/compute.h>
#include <tlsa/starttls.h>
#include <tlsa/verify.h>
#include <tlsa/serial.h>
#include <tlsa/zonefile.h>
#include <tlsa/dns.h>
#include <tlsa/update.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The loaded library's version, e.g. "0.1.0" (TLSA_VERSION_STRING is the
 * headers'). */
const char *tlsa_version(void);

#ifdef __cplusplus
}
#endif

#endif
