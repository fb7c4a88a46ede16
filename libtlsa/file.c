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
#include <sys/stat.h>
#include <unistd.h>

#include <tlsa/load.h>
#include "input-internal.h"

tlsa_status tlsa_file_read(const char *path, unsigned char **buf, size_t *len)
{
	int fd, close_fd = 1;
	size_t cap = 8192, n = 0;
	unsigned char *b, *nb;
	ssize_t r;
	struct stat st;

	if (strcmp(path, "-") == 0) {
		fd = STDIN_FILENO;
		close_fd = 0;
	} else {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return TLSA_ERR_IO;
	}
	if (fstat(fd, &st) != 0) {
		st.st_mode = 0;
	} else if (S_ISREG(st.st_mode)) {
		if ((unsigned long long)st.st_size > INPUT_MAX) {
			if (close_fd)
				close(fd);
			return TLSA_ERR_TOO_LARGE;
		}
		cap = (size_t)st.st_size + 1;
	} else if (S_ISDIR(st.st_mode)) {
		if (close_fd)
			close(fd);
		errno = EISDIR;
		return TLSA_ERR_IO;
	}
	b = malloc(cap);
	if (b == NULL) {
		if (close_fd)
			close(fd);
		return TLSA_ERR_NOMEM;
	}
	for (;;) {
		if (n == cap) {
			if (cap >= INPUT_MAX) {
				free(b);
				if (close_fd)
					close(fd);
				return TLSA_ERR_TOO_LARGE;
			}
			cap *= 2;
			nb = realloc(b, cap);
			if (nb == NULL) {
				free(b);
				if (close_fd)
					close(fd);
				return TLSA_ERR_NOMEM;
			}
			b = nb;
		}
		r = read(fd, b + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;

			free(b);
			if (close_fd)
				close(fd);
			errno = e;
			return TLSA_ERR_IO;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		/*
		 * A regular file that filled less than the buffer sized from
		 * its length is at its end: no second read to hear so (one
		 * syscall of five per file in a --manifest run).
		 */
		if (S_ISREG(st.st_mode) && n < cap)
			break;
	}
	if (close_fd)
		close(fd);
	*buf = b;
	*len = n;
	return TLSA_OK;
}
