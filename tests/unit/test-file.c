/*
 * Reading an input file whole (tlsa_file_read): files of every size up
 * to the 16 MiB limit and not a byte more, whether they come from disk or
 * from a pipe that delivers them in pieces, and directories refused.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <tlsa.h>

#include "tap.h"

#define LIMIT (16u << 20)

static char dir[] = "/tmp/tlsa-test-file.XXXXXX";

/* dir/name holding len bytes, byte i being i % 251; the path is static. */
static const char *make_file(const char *name, size_t len)
{
	static char path[256];
	unsigned char *b = malloc(len > 0 ? len : 1);
	size_t i;
	int fd;

	for (i = 0; i < len; i++)
		b[i] = (unsigned char)(i % 251);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write(fd, b, len) != (ssize_t)len || close(fd) != 0)
		abort();
	free(b);
	return path;
}

static int pattern(const unsigned char *b, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (b[i] != (unsigned char)(i % 251))
			return 0;
	return 1;
}

/* Read path and check it holds want bytes of the pattern. */
static void reads_whole(const char *path, size_t want, const char *what)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	tlsa_status st = tlsa_file_read(path, &buf, &len);

	is_int(st, TLSA_OK, "%s is read", what);
	is_int(len, want, "%s: all %zu bytes of it", what, want);
	ok(st == TLSA_OK && pattern(buf, len), "%s: the bytes as written", what);
	free(buf);
}

/*
 * A FIFO whose writer sends len bytes of the pattern in pieces of chunk
 * bytes, pausing between them so that the reader sees short reads.
 */
static pid_t fifo_writer(const char *path, size_t len, size_t chunk, int pause_us)
{
	pid_t pid;

	unlink(path);
	if (mkfifo(path, 0600) != 0)
		abort();
	pid = fork();
	if (pid == 0) {
		unsigned char *b = malloc(len > 0 ? len : 1);
		size_t i, off;
		int fd = open(path, O_WRONLY);

		for (i = 0; i < len; i++)
			b[i] = (unsigned char)(i % 251);
		for (off = 0; fd >= 0 && off < len; off += chunk) {
			size_t n = len - off < chunk ? len - off : chunk, done = 0;

			while (done < n) {
				ssize_t w = write(fd, b + off + done, n - done);

				if (w <= 0)
					_exit(1);
				done += (size_t)w;
			}
			if (pause_us > 0)
				usleep((useconds_t)pause_us);
		}
		_exit(0);
	}
	return pid;
}

static void test_regular_files(void)
{
	reads_whole(make_file("empty", 0), 0, "an empty file");
	reads_whole(make_file("small", 444), 444, "a file of one certificate's size");
	reads_whole(make_file("16k", 16384), 16384, "a file just the size of the first read");
	reads_whole(make_file("16k1", 16385), 16385, "a file one byte larger than the first read");
	reads_whole(make_file("big", 1000000), 1000000, "a file of a million bytes");
	reads_whole(make_file("limit", LIMIT), LIMIT, "a file of exactly 16 MiB");
}

static void test_too_large(void)
{
	unsigned char *buf = NULL;
	size_t len = 0;

	is_int(tlsa_file_read(make_file("over", LIMIT + 1), &buf, &len), TLSA_ERR_TOO_LARGE,
	       "a file one byte over 16 MiB is too large");
}

static void test_not_files(void)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	char path[256];

	errno = 0;
	is_int(tlsa_file_read(dir, &buf, &len), TLSA_ERR_IO, "a directory cannot be read");
	is_int(errno, EISDIR, "and errno says it is a directory");
	snprintf(path, sizeof(path), "%s/missing", dir);
	errno = 0;
	is_int(tlsa_file_read(path, &buf, &len), TLSA_ERR_IO, "a missing file cannot be read");
	is_int(errno, ENOENT, "and errno says it does not exist");
}

static void test_pipes(void)
{
	char path[256];
	unsigned char *buf = NULL;
	size_t len = 0;
	pid_t pid;
	int status;

	snprintf(path, sizeof(path), "%s/fifo", dir);
	pid = fifo_writer(path, 3000, 1000, 50000);
	reads_whole(path, 3000, "a pipe written in three pieces with pauses");
	waitpid(pid, &status, 0);

	pid = fifo_writer(path, LIMIT, 65536, 0);
	reads_whole(path, LIMIT, "a pipe of exactly 16 MiB");
	waitpid(pid, &status, 0);

	pid = fifo_writer(path, LIMIT + 1, 65536, 0);
	is_int(tlsa_file_read(path, &buf, &len), TLSA_ERR_TOO_LARGE,
	       "a pipe one byte over 16 MiB is too large");
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	unlink(path);
}

/* Standard input, a file read part-way already: the rest of it. */
static void test_stdin(void)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	int fd = open(make_file("stdin", 5000), O_RDONLY), saved = dup(STDIN_FILENO);

	if (fd < 0 || saved < 0 || lseek(fd, 1000, SEEK_SET) != 1000 || dup2(fd, STDIN_FILENO) < 0)
		abort();
	is_int(tlsa_file_read("-", &buf, &len), TLSA_OK, "standard input is read");
	is_int(len, 4000, "from where it stands, not from its start");
	ok(len == 4000 && buf[0] == (unsigned char)(1000 % 251),
	   "its first byte is the one after those read before");
	free(buf);
	dup2(saved, STDIN_FILENO);
	close(saved);
	close(fd);
}

int main(void)
{
	char cmd[300];

	if (mkdtemp(dir) == NULL)
		return 99;
	test_regular_files();
	test_too_large();
	test_not_files();
	test_pipes();
	test_stdin();
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	if (system(cmd) != 0)
		return 99;
	return done_testing();
}
