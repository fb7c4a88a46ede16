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

#include <tlsa/load.h>
#include "input-internal.h"

/* The first buffer: room for a certificate chain and its key. */
#define FIRST_READ 16384

/*
 * Whether a read that filled less than the buffer was at the end of the
 * file: on a file that can seek (a regular file, a block device) reads
 * come back short only there; on a pipe, a socket or a terminal the
 * writer may just not have written the rest yet.  lseek() tells them
 * apart for less than fstat() costs.
 */
static int short_read_is_end(int fd)
{
	return lseek(fd, 0, SEEK_CUR) >= 0;
}

tlsa_status tlsa_file_read(const char *path, unsigned char **buf, size_t *len)
{
	int fd, close_fd = 1, seekable = -1, e;
	size_t cap = FIRST_READ, n = 0;
	unsigned char *b, *nb;
	tlsa_status st = TLSA_OK;
	ssize_t r;

	if (strcmp(path, "-") == 0) {
		fd = STDIN_FILENO;
		close_fd = 0;
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return TLSA_ERR_IO;
	}
	b = malloc(cap);
	if (b == NULL) {
		st = TLSA_ERR_NOMEM;
		goto out;
	}
	for (;;) {
		if (n == cap) {
			/* One byte past the limit tells a file too large from one just at it. */
			if (cap > INPUT_MAX) {
				st = TLSA_ERR_TOO_LARGE;
				break;
			}
			cap = cap * 2 > INPUT_MAX ? INPUT_MAX + 1 : cap * 2;
			nb = realloc(b, cap);
			if (nb == NULL) {
				st = TLSA_ERR_NOMEM;
				break;
			}
			b = nb;
		}
		r = read(fd, b + n, cap - n);
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
				seekable = short_read_is_end(fd);
			if (seekable)
				break;
		}
	}
out:
	e = errno;
	if (close_fd)
		close(fd);
	if (st != TLSA_OK) {
		free(b);
		errno = e;
		return st;
	}
	*buf = b;
	*len = n;
	return TLSA_OK;
}
