/*
 * tlsa check -o jsonl: JSON lines, one object per target (a host, or an
 * --mx or --srv group with its hosts), each the object -o json puts in
 * "targets" for it, on a line of its own.  A fleet's line is written and
 * flushed as soon as its target and every one before it are done, so a
 * run of millions can be tailed, piped, split with --shard and the
 * pieces concatenated.  No document around the lines and no trailer: a
 * line without a target ("target": null) says the run itself stopped,
 * and why.
 *
 * Owns: making each object one line, and writing it whole.  The objects
 * are check-out-json.c's.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "check-out.h"
#include "check-targets.h"
#include "cli.h"

/*
 * The object in buf (json's: it may break lines between addresses) as
 * one line, written with one call and flushed, so that a reader never
 * sees half of it.  Raw newlines only ever separate members: inside a
 * string json_string() escapes them.
 */
static void line_out(FILE *fp, char *buf, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		if (buf[i] != '\n')
			buf[n++] = buf[i];
	/* In bounds: open_memstream's buffer holds a NUL after its len bytes. */
	buf[n++] = '\n';
	fwrite(buf, 1, n, fp);
	fflush(fp);
}

/* The run, or a target, could not be checked: a line that says why. */
static void unknown_line(FILE *fp, const char *name, unsigned long line, int mx, unsigned port,
			 const char *why)
{
	check_json_unknown_object(fp, name, line, mx, port, why);
	fputc('\n', fp);
	fflush(fp);
}

/* One object (that of whichever of t, g and r is not NULL) as a line, through memory. */
static void object_line(FILE *fp, const struct check_target *t, const struct check_group *g,
			const struct fleet_result *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *ms = open_memstream(&buf, &len);
	int bad = ms == NULL;

	if (ms != NULL) {
		if (r != NULL)
			check_json_result_object(ms, r);
		else if (g != NULL)
			check_json_group_object(ms, g, 0);
		else
			check_json_target_object(ms, t, 0);
		bad = ferror(ms);
		bad |= fclose(ms) != 0;
	}
	if (!bad)
		line_out(fp, buf, len);
	else if (r != NULL)
		unknown_line(fp, r->line.host, r->line.lineno, r->line.mx, r->line.port,
			     "out of memory");
	else if (g != NULL)
		unknown_line(fp, g->name, 0, g->kind == GROUP_MX, g->kind == GROUP_MX ? 25 : 0,
			     "out of memory");
	else
		unknown_line(fp, t->host, 0, 0, t->port, "out of memory");
	free(buf);
}

static void jsonl_target(FILE *fp, const struct check_target *t, const struct check_conf *c)
{
	(void)c;
	object_line(fp, t, NULL, NULL);
}

static void jsonl_unknown(FILE *fp, const struct check_target *t, const char *why)
{
	unknown_line(fp, t->host, 0, 0, t->port, why);
}

static void jsonl_group(FILE *fp, const struct check_group *g, const struct check_conf *c)
{
	(void)c;
	object_line(fp, NULL, g, NULL);
}

static void jsonl_group_unknown(FILE *fp, int mx, const char *name, const char *why)
{
	unknown_line(fp, name, 0, mx, mx ? 25 : 0, why);
}

static void jsonl_fleet_each(struct fleet_out *out, const struct fleet_result *r)
{
	object_line(out->fp, NULL, NULL, r);
}

static int jsonl_fleet_end(struct fleet_out *out, enum verdict worst)
{
	(void)worst;
	return fflush(out->fp) != 0 || ferror(out->fp) ? -1 : 0;
}

/* The lines so far stand; one more says why the rest are missing. */
static void jsonl_fleet_discard(struct fleet_out *out, const char *why)
{
	unknown_line(out->fp, NULL, 0, 0, 0, why);
}

const struct check_format check_out_jsonl = {
    .name = "jsonl",
    .target = jsonl_target,
    .unknown = jsonl_unknown,
    .group = jsonl_group,
    .group_unknown = jsonl_group_unknown,
    .fleet_each = jsonl_fleet_each,
    .fleet_end = jsonl_fleet_end,
    .fleet_discard = jsonl_fleet_discard,
};
