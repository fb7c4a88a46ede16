/*
 * Replacing files safely: the zone file is locked, each new file is
 * written to a temp file in the same directory (or the scratch directory
 * of a dry run), given the old file's mode, owner and extended attributes
 * (POSIX ACLs, SELinux label...), fsynced and read back, then renamed over
 * the old one and the directory fsynced.
 *
 * Owns: the lock, the temp files (tlsa_zone_write_zone(), _snippet()),
 * and tlsa_zone_edit_commit(), _abort() and _unlink_temps().  Does not
 * own what the new text is (zoneplan.c) or reading it back and checking
 * it (zoneverify.c), and installs no signal handler: a caller's handler
 * calls tlsa_zone_edit_unlink_temps().
 *
 * Locking: flock(LOCK_EX) on the zone file itself (LOCK_SH for dry runs
 * and -o), re-checked after it is granted: a waiter that locked a file
 * another run has just replaced opens the new file and locks again.
 * Symlinks are resolved first, so the file replaced is the one they name.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "error-internal.h"
#include "zoneedit.h"
#include "zonefail.h"
#include "zonepath.h"
#include "zonewrite.h"

#define COPY_CHUNK (1u << 20) /* the copier's buffer, when the kernel cannot */

/* ---- the zone file, locked ------------------------------------------- */

tlsa_status tlsa_zone_open_locked(tlsa_zone_edit *ed, const char *path, int exclusive)
{
	struct stat a, b;
	int fd, tries;

	for (tries = 0; tries < 100; tries++) {
		/* O_NONBLOCK: opening a FIFO must not hang; S_ISREG is checked below. */
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		if (fd < 0)
			return tlsa_zone_fail(ed, TLSA_ERR_IO, path, 0, "%s", strerror(errno));
		while (flock(fd, exclusive ? LOCK_EX : LOCK_SH) != 0) {
			if (errno != EINTR) {
				close(fd);
				return tlsa_zone_fail(ed, TLSA_ERR_IO, path, 0, "lock: %s",
						      strerror(errno));
			}
		}
		if (fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev &&
		    a.st_ino == b.st_ino) {
			if (!S_ISREG(a.st_mode)) {
				close(fd);
				return tlsa_zone_fail(ed, TLSA_ERR_IO, path, 0,
						      "not a regular file");
			}
			ed->zone_fd = fd;
			ed->zone_st = a; /* what commit checks the file against */
			return TLSA_OK;
		}
		close(fd); /* replaced while we waited: lock the new one */
	}
	return tlsa_zone_fail(ed, TLSA_ERR_ZONE_CHANGED, path, 0, NULL);
}

/* ---- temp files ------------------------------------------------------ */

/* Create the temp file for out: beside the target, or in the scratch dir. */
static int make_temp(tlsa_zone_edit *ed, struct outfile *o)
{
	const char *base = strrchr(o->target, '/');
	char dir[PATH_MAX];
	int fd;

	base = base ? base + 1 : o->target;
	if (ed->scratch != NULL) {
		snprintf(dir, sizeof(dir), "%s", ed->scratch);
	} else {
		snprintf(dir, sizeof(dir), "%s", o->target);
		*strrchr(dir, '/') = '\0';
	}
	if ((size_t)snprintf(o->temp, sizeof(o->temp), "%s/.%s.tlsa-XXXXXX", dir, base) >=
	    sizeof(o->temp))
		return -1;
	fd = mkostemp(o->temp, O_CLOEXEC);
	if (fd >= 0)
		o->temp_live = 1;
	return fd;
}

/*
 * The next output file, to replace path, and its temp file open on *fd.
 * A new file takes the zone file's mode and owner; so does the zone file
 * itself (as locked, before the scan), which must not have changed size.
 */
static tlsa_status open_out(tlsa_zone_edit *ed, const char *path, int zone, int *fd)
{
	struct outfile *o = &ed->out[ed->nout];

	memset(o, 0, sizeof(*o));
	if (tlsa_zone_resolve_path(path, o->target) != 0)
		return tlsa_zone_fail(ed, TLSA_ERR_IO, path, 0, "%s", strerror(errno));
	o->existed = stat(o->target, &o->st) == 0;
	if (!o->existed || (zone && ed->output == NULL))
		o->st = ed->zone_st;
	if (zone && ed->output == NULL && ed->zone_st.st_size != ed->size)
		return tlsa_zone_fail(ed, TLSA_ERR_ZONE_CHANGED, ed->zone_path, 0, NULL);
	o->zone = zone;
	*fd = make_temp(ed, o);
	if (*fd < 0)
		return tlsa_zone_fail(ed, TLSA_ERR_IO, o->target, 0,
				      "cannot create a temp file beside it: %s", strerror(errno));
	ed->nout++;
	return TLSA_OK;
}

/*
 * Give the temp file fd the extended attributes of the file it replaces
 * (by path: o->target is the file locked or stat'ed before): POSIX ACLs
 * and security labels live there, and a rename would otherwise drop them.
 * One that cannot be set (no permission, a file system without them) is
 * counted in ed->xattrs_lost, not an error: the records must still be
 * published.
 */
static void copy_xattrs(tlsa_zone_edit *ed, const struct outfile *o, int fd)
{
	char *names = NULL, *val = NULL, *cur = NULL, *name;
	ssize_t len, vlen;

	if (ed->scratch != NULL || !o->existed)
		return;
	len = listxattr(o->target, NULL, 0);
	if (len <= 0)
		return;
	names = malloc((size_t)len);
	if (names == NULL || (len = listxattr(o->target, names, (size_t)len)) <= 0) {
		free(names);
		ed->xattrs_lost++;
		return;
	}
	for (name = names; name < names + len; name += strlen(name) + 1) {
		vlen = getxattr(o->target, name, NULL, 0);
		free(val);
		val = vlen >= 0 ? malloc((size_t)vlen + 1) : NULL;
		if (val == NULL || (vlen = getxattr(o->target, name, val, (size_t)vlen)) < 0) {
			ed->xattrs_lost++;
			continue;
		}
		/* Already so (a label the directory gives every new file): keep it. */
		if (fgetxattr(fd, name, NULL, 0) == vlen) {
			free(cur);
			cur = malloc((size_t)vlen + 1);
			if (cur != NULL && fgetxattr(fd, name, cur, (size_t)vlen) == vlen &&
			    memcmp(cur, val, (size_t)vlen) == 0)
				continue;
		}
		if (fsetxattr(fd, name, val, (size_t)vlen, 0) != 0)
			ed->xattrs_lost++;
	}
	free(cur);
	free(val);
	free(names);
}

/* Keep mode, owner, group and extended attributes of the file replaced; then flush to disk. */
static tlsa_status finish_temp(tlsa_zone_edit *ed, struct outfile *o, int fd,
			       const struct stat *like)
{
	struct stat now;

	if (like != NULL) {
		if (fchmod(fd, like->st_mode & 07777) != 0)
			return tlsa_zone_fail(ed, TLSA_ERR_IO, o->target, 0,
					      "writing the new version: chmod: %s",
					      strerror(errno));
		if (fstat(fd, &now) != 0)
			return tlsa_zone_fail(ed, TLSA_ERR_IO, o->target, 0,
					      "writing the new version: %s", strerror(errno));
		if ((now.st_uid != like->st_uid || now.st_gid != like->st_gid) &&
		    fchown(fd, like->st_uid, like->st_gid) != 0 && ed->scratch == NULL)
			return tlsa_zone_fail(ed, TLSA_ERR_ZONE_OWNER, o->target, 0, "%s",
					      strerror(errno));
		copy_xattrs(ed, o, fd);
	}
	if (fsync(fd) != 0)
		return tlsa_zone_fail(ed, TLSA_ERR_IO, o->target, 0,
				      "writing the new version: fsync: %s", strerror(errno));
	return TLSA_OK;
}

static tlsa_status write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n > 0) {
		w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return TLSA_ERR_IO;
		p += w;
		n -= (size_t)w;
	}
	return TLSA_OK;
}

/* Copy len bytes at off: in the kernel when it can, else through *buf. */
static tlsa_status copy_range(int src, off_t off, off_t len, int dst, char **buf)
{
	ssize_t n;

	while (len > 0) {
		n = copy_file_range(src, &off, dst, NULL, (size_t)len, 0);
		if (n > 0) {
			len -= n;
			continue;
		}
		if (n == 0)
			return TLSA_ERR_IO; /* the file shrank under us */
		if (errno == EINTR)
			continue;
		if (errno != EXDEV && errno != ENOSYS && errno != EINVAL && errno != EOPNOTSUPP)
			return TLSA_ERR_IO;
		break;
	}
	if (len > 0 && *buf == NULL && (*buf = malloc(COPY_CHUNK)) == NULL)
		return TLSA_ERR_NOMEM;
	while (len > 0) {
		size_t want = len > COPY_CHUNK ? COPY_CHUNK : (size_t)len;
		n = pread(src, *buf, want, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || write_all(dst, *buf, (size_t)n) != TLSA_OK)
			return TLSA_ERR_IO;
		off += n;
		len -= n;
	}
	return TLSA_OK;
}

/* ---- the new files --------------------------------------------------- */

static int patch_cmp(const void *a, const void *b)
{
	const struct patch *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	return 0;
}

tlsa_status tlsa_zone_write_zone(tlsa_zone_edit *ed, int *fdp)
{
	const char *path = ed->output ? ed->output : ed->zone_path;
	struct outfile *o;
	char *cbuf = NULL;
	off_t pos = 0, opos = 0;
	tlsa_status st;
	size_t i;
	int fd;

	if ((st = open_out(ed, path, 1, &fd)) != TLSA_OK)
		return st;
	o = &ed->out[ed->nout - 1];
	qsort(ed->patches, ed->npatches, sizeof(*ed->patches), patch_cmp);
	for (i = 0; i < ed->npatches && st == TLSA_OK; i++) {
		struct patch *p = &ed->patches[i];
		st = copy_range(ed->zone_fd, pos, p->start - pos, fd, &cbuf);
		opos += p->start - pos;
		p->out_off = opos;
		if (st == TLSA_OK)
			st = write_all(fd, p->text, p->len);
		opos += (off_t)p->len;
		pos = p->end;
	}
	if (st == TLSA_OK)
		st = copy_range(ed->zone_fd, pos, ed->size - pos, fd, &cbuf);
	free(cbuf);
	if (st != TLSA_OK)
		st = tlsa_zone_fail(ed, st, o->target, 0, "writing the new version: %s",
				    strerror(errno));
	if (st == TLSA_OK)
		st = finish_temp(ed, o, fd, &o->st);
	if (st != TLSA_OK) {
		close(fd);
		return st;
	}
	*fdp = fd;
	return TLSA_OK;
}

tlsa_status tlsa_zone_close_zone(tlsa_zone_edit *ed, int fd, tlsa_status st)
{
	const struct outfile *o = &ed->out[ed->nout - 1];

	if (close(fd) != 0 && st == TLSA_OK)
		st = tlsa_zone_fail(ed, TLSA_ERR_IO, o->target, 0, "writing the new version: %s",
				    strerror(errno));
	return st;
}

tlsa_status tlsa_zone_write_snippet(tlsa_zone_edit *ed, const char *text, size_t len)
{
	struct outfile *o;
	tlsa_status st;
	int fd;

	if ((st = open_out(ed, ed->snippet, 0, &fd)) != TLSA_OK)
		return st;
	o = &ed->out[ed->nout - 1];
	st = write_all(fd, text, len);
	if (st != TLSA_OK)
		st = tlsa_zone_fail(ed, st, o->target, 0, "writing the new version: %s",
				    strerror(errno));
	if (st == TLSA_OK)
		st = finish_temp(ed, o, fd, &o->st);
	close(fd);
	return st;
}

/* ---- commit, abort --------------------------------------------------- */

static int fsync_dir(const char *file)
{
	char dir[PATH_MAX], *slash;
	int fd, r;

	snprintf(dir, sizeof(dir), "%s", file);
	slash = strrchr(dir, '/');
	if (slash == NULL)
		snprintf(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	r = fsync(fd);
	close(fd);
	return r;
}

/* Keep the old file as target+suffix: a hard link, renamed into place. */
static tlsa_status backup(tlsa_zone_edit *ed, const struct outfile *o, const char *suffix)
{
	char bak[PATH_MAX], tmp[PATH_MAX];
	int fd;

	if ((size_t)snprintf(bak, sizeof(bak), "%s%s", o->target, suffix) >= sizeof(bak) ||
	    (size_t)snprintf(tmp, sizeof(tmp), "%s.tlsa-XXXXXX", bak) >= sizeof(tmp))
		return tlsa_zone_fail(ed, TLSA_ERR_IO, o->target, 0, "backup name too long");
	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return tlsa_zone_fail(ed, TLSA_ERR_IO, bak, 0, "%s", strerror(errno));
	close(fd);
	unlink(tmp);
	if (link(o->target, tmp) != 0)
		return tlsa_zone_fail(ed, TLSA_ERR_IO, bak, 0, "%s", strerror(errno));
	if (rename(tmp, bak) != 0) {
		int e = errno;
		unlink(tmp);
		return tlsa_zone_fail(ed, TLSA_ERR_IO, bak, 0, "%s", strerror(e));
	}
	return TLSA_OK;
}

/* The file is still the one read: same inode, size and modification time. */
static int unchanged(const struct outfile *o)
{
	struct stat now;

	return stat(o->target, &now) == 0 && now.st_ino == o->st.st_ino &&
	       now.st_dev == o->st.st_dev && now.st_size == o->st.st_size &&
	       now.st_mtim.tv_sec == o->st.st_mtim.tv_sec &&
	       now.st_mtim.tv_nsec == o->st.st_mtim.tv_nsec;
}

tlsa_status tlsa_zone_edit_commit(tlsa_zone_edit *ed, const char *backup_suffix)
{
	size_t i;
	tlsa_status st;

	tlsa_err_clear();
	if (ed == NULL || ed->scratch != NULL)
		return TLSA_ERR_INVALID;
	/*
	 * The zone (with its serial) goes before the snippet: a run stopped in
	 * between leaves a bumped serial and the old snippet, and the next run
	 * sees the snippet differ and bumps again.  The other order could
	 * leave new records under an old serial that no run would bump.
	 */
	for (i = 0; i < 2 * ed->nout; i++) {
		struct outfile *o = &ed->out[i % ed->nout];
		if (!o->temp_live || (i < ed->nout) != (o->zone != 0))
			continue;
		if (o->existed && !unchanged(o))
			return tlsa_zone_fail(ed, TLSA_ERR_ZONE_CHANGED, o->target, 0, NULL);
		if (backup_suffix != NULL && o->existed &&
		    (st = backup(ed, o, backup_suffix)) != TLSA_OK)
			return st;
		if (rename(o->temp, o->target) != 0)
			return tlsa_zone_fail(ed, TLSA_ERR_IO, o->target, 0, "rename: %s",
					      strerror(errno));
		o->temp_live = 0;
		if (fsync_dir(o->target) != 0)
			return tlsa_zone_fail(ed, TLSA_ERR_IO, o->target, 0,
					      "fsync of the directory: %s", strerror(errno));
	}
	return TLSA_OK;
}

void tlsa_zone_edit_abort(tlsa_zone_edit *ed)
{
	size_t i;

	if (ed == NULL)
		return;
	for (i = 0; i < ed->nout && i < 2; i++) {
		if (ed->out[i].temp_live) {
			unlink(ed->out[i].temp);
			ed->out[i].temp_live = 0;
		}
	}
}

void tlsa_zone_edit_unlink_temps(const tlsa_zone_edit *ed)
{
	size_t i;

	if (ed == NULL)
		return;
	for (i = 0; i < 2; i++)
		if (ed->out[i].temp_live)
			unlink(ed->out[i].temp);
}
