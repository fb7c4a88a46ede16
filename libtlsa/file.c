/*
 * Whole files into memory.
 *
 * Owns: the size limit of an input file and the reads that fetch it.
 * Does not own: what the bytes hold (load.c).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include <tlsa/load.h>
#include "input-internal.h"

/* The first buffer: room for a certificate chain and its key. */
#define FIRST_READ 16384

/*
 * Whether a read that filled less than the buffer was at the end of the
 * file: on a file that can seek (a regular file, a block device) reads
 * come back short only there; on a pipe, a socket or a terminal the
 * writer may just not have written the rest yet.
 */
static int short_read_is_end(int fd)
{
	return lseek(fd, 0, SEEK_CUR) >= 0;
}

/*
 * The next bytes of fd into p: a file opened here is read with pread()
 * from offset off, which fails with ESPIPE on a pipe or a terminal, so
 * that a short read needs no other call to be known as the end; standard
 * input, which may have been read before, with read().  *positional says
 * which, and drops to read() on ESPIPE.
 */
static ssize_t read_some(int fd, unsigned char *p, size_t n, size_t off, int *positional)
{
	ssize_t r;

	if (*positional) {
		r = pread(fd, p, n, (off_t)off);
		if (r >= 0 || errno != ESPIPE)
			return r;
		*positional = 0;
	}
	return read(fd, p, n);
}

/* Forget n bytes that may have been a private key. */
static void wipe(void *p, size_t n)
{
#ifdef HAVE_EXPLICIT_BZERO
	explicit_bzero(p, n); /* memset's speed, not a byte loop's */
#else
	OPENSSL_cleanse(p, n);
#endif
}

/* A malloc'd copy of the n bytes at p (at least one byte, for an empty file). */
static unsigned char *copy_out(const unsigned char *p, size_t n)
{
	unsigned char *c = malloc(n > 0 ? n : 1);

	if (c != NULL)
		memcpy(c, p, n);
	return c;
}

/*
 * The first read goes to the stack and the caller gets a buffer of the
 * file's size: a 16 KiB malloc per file made glibc consolidate its free
 * lists on every one of a manifest's files.
 */
tlsa_status tlsa_file_read(const char *path, unsigned char **buf, size_t *len)
{
	unsigned char first[FIRST_READ], *b = first, *nb;
	int fd, close_fd = 1, positional = 1, seekable = -1, e;
	size_t cap = sizeof(first), n = 0;
	tlsa_status st = TLSA_OK;
	ssize_t r;

	if (strcmp(path, "-") == 0) {
		fd = STDIN_FILENO;
		close_fd = 0;
		positional = 0;
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return TLSA_ERR_IO;
	}
	for (;;) {
		if (n == cap) {
			/* One byte past the limit tells a file too large from one just at it. */
			if (cap > INPUT_MAX) {
				st = TLSA_ERR_TOO_LARGE;
				break;
			}
			cap = cap * 2 > INPUT_MAX ? INPUT_MAX + 1 : cap * 2;
			nb = b == first ? malloc(cap) : realloc(b, cap);
			if (nb == NULL) {
				st = TLSA_ERR_NOMEM;
				break;
			}
			if (b == first)
				memcpy(nb, first, n);
			b = nb;
		}
		r = read_some(fd, b + n, cap - n, n, &positional);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			/* A directory fails here, with EISDIR. */
			st = TLSA_ERR_IO;
			break;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n < cap) {
			if (seekable < 0)
				seekable = positional || short_read_is_end(fd);
			if (seekable)
				break;
		}
	}
	e = errno;
	if (close_fd)
		close(fd);
	if (st == TLSA_OK && b == first && (b = copy_out(first, n)) == NULL)
		st = TLSA_ERR_NOMEM;
	/* The file may hold a private key. */
	wipe(first, n < sizeof(first) ? n : sizeof(first));
	if (st != TLSA_OK) {
		if (b != first)
			free(b);
		errno = e;
		return st;
	}
	*buf = b;
	*len = n;
	return TLSA_OK;
}
