/*
 * Fuzz target: the zone-file scanner and edit planner, through the public
 * API (libtlsa/tlsa/zonefile.h), as `tlsa zone` drives them.
 *
 * The input (after its first byte) becomes a zone file in a private temp
 * directory, beside a small file "hosts.inc" that $INCLUDE lines can name.
 * The edit replaces one TLSA RRset and removes another, writes to an
 * --output file with temp files in a scratch directory, and is aborted:
 * the zone file itself is never replaced.  The first byte picks the flags
 * (signed zones, --check, --force, serial only), whether an origin is
 * given, and whether the records go to a snippet instead.
 */
#include "config.h"

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <tlsa.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int fsync(int fd);
int fdatasync(int fd);

/*
 * The edit fsyncs every temp file and directory it writes, which makes
 * a run wait on the disk thousands of times a second; the fuzzer tests
 * the scanner and planner, not the disk, so these replace libc's.
 */
int fsync(int fd)
{
	(void)fd;
	return 0;
}

int fdatasync(int fd)
{
	(void)fd;
	return 0;
}

static char dir[64], zone[96], out[96], snippet[96], scratch[96];

static void setup(void)
{
	static const char inc[] =
	    "www IN A 192.0.2.1\n"
	    "_443._tcp.www IN TLSA 3 1 1 "
	    "0000000000000000000000000000000000000000000000000000000000000000\n";
	const char *tmp = getenv("TMPDIR");
	char path[96];
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/fuzz-zone.XXXXXX", tmp != NULL ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		abort();
	}
	snprintf(zone, sizeof(zone), "%s/zone", dir);
	snprintf(out, sizeof(out), "%s/out", dir);
	snprintf(snippet, sizeof(snippet), "%s/snippet", dir);
	snprintf(scratch, sizeof(scratch), "%s/scratch", dir);
	snprintf(path, sizeof(path), "%s/hosts.inc", dir);
	if (mkdir(scratch, 0700) != 0 || (f = fopen(path, "w")) == NULL) {
		perror(dir);
		abort();
	}
	fputs(inc, f);
	fclose(f);
}

/* Remove what the run left, so the process leaves no trace. */
static void cleanup(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "fuzz-zone: could not remove %s\n", dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	tlsa_zone_edit *ed = NULL;
	tlsa_zone_report rep = TLSA_ZONE_REPORT_INIT;
	tlsa_zone_change ch = TLSA_ZONE_CHANGE_INIT;
	unsigned flags = 0;
	int fd;
	size_t i;
	uint8_t how;

	if (dir[0] == '\0') {
		setup();
		atexit(cleanup);
	}
	if (size < 1)
		return 0;
	how = data[0];
	data++;
	size--;
	fd = open(zone, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || (size > 0 && write(fd, data, size) != (ssize_t)size) || close(fd) != 0) {
		perror(zone);
		abort();
	}
	unlink(snippet);
	unlink(out);

	if (how & 1)
		flags |= TLSA_ZONE_ALLOW_SIGNED;
	if (how & 2)
		flags |= TLSA_ZONE_CHECK;
	if (how & 4)
		flags |= TLSA_ZONE_FORCE;
	if (how & 8)
		flags |= TLSA_ZONE_SERIAL_ONLY;
	if (tlsa_zone_edit_new(&ed) != TLSA_OK)
		return 0;
	tlsa_zone_edit_set_flags(ed, flags);
	if ((how & 0x10) && tlsa_zone_edit_set_origin(ed, "example.org.") != TLSA_OK)
		abort();
	if (tlsa_zone_edit_set_output(ed, out) != TLSA_OK ||
	    tlsa_zone_edit_set_scratch_dir(ed, scratch) != TLSA_OK)
		abort();
	if ((how & 0x20) && tlsa_zone_edit_set_snippet(ed, snippet) != TLSA_OK)
		abort();
	if (tlsa_zone_edit_add_record(ed, "_25._tcp.mail.example.org. 3600 IN TLSA 3 1 1 "
					  "ab12ab12ab12ab12ab12ab12ab12ab12"
					  "ab12ab12ab12ab12ab12ab12ab12ab12") != TLSA_OK)
		abort();
	if ((how & 0x40) && tlsa_zone_edit_remove(ed, "_443._tcp.www.example.org.") != TLSA_OK)
		abort();
	rep = (tlsa_zone_report)TLSA_ZONE_REPORT_INIT;
	if (tlsa_zone_edit_prepare(ed, zone, &rep) == TLSA_OK) {
		for (i = 0; i < tlsa_zone_edit_change_count(ed); i++)
			(void)tlsa_zone_edit_change(ed, i, &ch);
		if (how & 0x80) {
			char *text = NULL;
			if (tlsa_zone_edit_snippet(ed, &text) == TLSA_OK)
				free(text);
		}
		tlsa_zone_edit_abort(ed);
	} else {
		(void)tlsa_error_detail();
	}
	tlsa_zone_edit_free(ed);
	return 0;
}
