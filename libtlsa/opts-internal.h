/*
 * Reading a struct a caller fills (tlsa_verify_opts, tlsa_starttls_opts,
 * tlsa_serial_spec), and filling one in a caller's memory: each begins
 * with its size, so that a program built
 * against older headers passes a shorter struct.  The library copies
 * what the caller's size covers into a whole struct of its own, zeroed
 * first, and reads only that copy.  Not installed.
 */
#ifndef TLSA_OPTS_INTERNAL_H
#define TLSA_OPTS_INTERNAL_H

#include <stddef.h>
#include <string.h>

/*
 * Copy *src (its first member the size_t size its caller set) into *dst
 * of dstsize bytes: 0, or -1 when src is NULL or its size does not even
 * hold the size itself (a struct never initialised).
 */
static inline int tlsa_opts_copy(void *dst, size_t dstsize, const void *src)
{
	size_t size;

	memset(dst, 0, dstsize);
	if (src == NULL)
		return -1;
	memcpy(&size, src, sizeof(size));
	if (size < sizeof(size_t))
		return -1;
	memcpy(dst, src, size < dstsize ? size : dstsize);
	memcpy(dst, &dstsize, sizeof(size_t)); /* the copy is whole */
	return 0;
}

#define TLSA_OPTS_COPY(dst, src) tlsa_opts_copy((dst), sizeof(*(dst)), (src))

/*
 * The other way, for a struct the library fills in the caller's memory
 * (tlsa_zone_report, tlsa_zone_change, tlsa_cert_info): 0 when *dst's
 * size is set, else -1 and nothing written.
 */
static inline int tlsa_opts_size_ok(const void *dst)
{
	size_t size;

	if (dst == NULL)
		return 0;
	memcpy(&size, dst, sizeof(size));
	return size >= sizeof(size_t) ? 0 : -1;
}

/* Copy a whole struct src of srcsize bytes into *dst up to dst's size,
 * which stays as the caller set it. */
static inline void tlsa_opts_give(void *dst, const void *src, size_t srcsize)
{
	size_t size;

	memcpy(&size, dst, sizeof(size));
	if (size > srcsize)
		size = srcsize;
	if (size > sizeof(size_t))
		memcpy((char *)dst + sizeof(size_t), (const char *)src + sizeof(size_t),
		       size - sizeof(size_t));
}

#define TLSA_OPTS_GIVE(dst, src) tlsa_opts_give((dst), (src), sizeof(*(src)))

#endif
