/*
 * tlsa zone: put TLSA records into zone files and bump the SOA serial.
 *
 * Owns: the options of `tlsa zone update|serial|snippet`, reading record
 * files, the report ("changed" or "unchanged", on stderr so that stdout
 * carries only data: diffs and snippets), the dry-run diff (diff -u of
 * the temp file against the original), and the signal handler that
 * removes temp files on SIGINT, SIGTERM and SIGHUP.  The edit itself,
 * locking and atomic replacement are libtlsa's (libtlsa/zoneedit.c).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <tlsa.h>

#include "cli.h"
#include "zone-hooks.h"

enum action { ACT_UPDATE, ACT_SERIAL, ACT_SNIPPET };

struct zone_opts {
	enum action action;
	const char **records;
	size_t nrecords;
	const char **removes;
	size_t nremoves;
	const char *origin, *include, *output, *backup, *zonefile;
	const char *freeze, *thaw, *reload; /* hook commands around the edit */
	int frozen;			    /* a journal beside the file is no obstacle */
	tlsa_serial_spec serial;
	int dry_run, allow_signed, check, force;
	int unchanged_status; /* exit status when nothing changes (0: none asked) */
	int changed;	      /* set by run_edit(): something was written */
};

enum {
	OPT_REMOVE = 256,
	OPT_ORIGIN,
	OPT_SERIAL,
	OPT_INCLUDE,
	OPT_BACKUP,
	OPT_ALLOW_SIGNED,
	OPT_CHECK,
	OPT_FORCE,
	OPT_UNCHANGED_STATUS,
	OPT_FREEZE,
	OPT_THAW,
	OPT_RELOAD,
	OPT_FROZEN
};

static const struct option long_options[] = {
    {"records", required_argument, NULL, 'r'},
    {"remove", required_argument, NULL, OPT_REMOVE},
    {"origin", required_argument, NULL, OPT_ORIGIN},
    {"serial", required_argument, NULL, OPT_SERIAL},
    {"include", required_argument, NULL, OPT_INCLUDE},
    {"dry-run", no_argument, NULL, 'n'},
    {"backup", optional_argument, NULL, OPT_BACKUP},
    {"allow-signed", no_argument, NULL, OPT_ALLOW_SIGNED},
    {"check", no_argument, NULL, OPT_CHECK},
    {"output", required_argument, NULL, 'o'},
    {"force", no_argument, NULL, OPT_FORCE},
    {"unchanged-status", required_argument, NULL, OPT_UNCHANGED_STATUS},
    {"freeze", required_argument, NULL, OPT_FREEZE},
    {"thaw", required_argument, NULL, OPT_THAW},
    {"reload", required_argument, NULL, OPT_RELOAD},
    {"frozen", no_argument, NULL, OPT_FROZEN},
    {"quiet", no_argument, NULL, 'q'},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};

static void help(void)
{
	printf("Usage: tlsa zone update [OPTIONS] ZONEFILE\n"
	       "       tlsa zone serial [OPTIONS] ZONEFILE\n"
	       "       tlsa zone snippet [OPTIONS]\n"
	       "       tlsa zone push [OPTIONS]  (RFC 2136 + TSIG; tlsa zone push --help)\n\n"
	       "update:  replace the TLSA RRsets of the owners in the records given and\n"
	       "         bump the SOA serial; every other byte of the file stays as it was\n"
	       "serial:  bump the SOA serial only\n"
	       "snippet: print the records given as a zone-file snippet for $INCLUDE\n\n"
	       "Options:\n"
	       "  -r, --records FILE    records as `tlsa create` prints them (rfc or generic);\n"
	       "                        repeatable; '-' is stdin; a FILE with no records is\n"
	       "                        an error (a warning beside --remove)\n"
	       "      --remove OWNER    delete the TLSA RRset of OWNER (repeatable)\n"
	       "      --origin NAME     origin for relative names (default: the SOA owner)\n"
	       "      --serial POLICY   auto (default: keep the zone's style), increment, date\n"
	       "                        (YYYYMMDDnn, UTC), unixtime, keep, or a NUMBER\n"
	       "      --include FILE    keep the TLSA records in snippet FILE (rewritten whole)\n"
	       "                        and bump ZONEFILE's serial when it changes;\n"
	       "                        ZONEFILE must $INCLUDE FILE\n"
	       "  -n, --dry-run         print a unified diff; write nothing\n"
	       "      --backup[=SUFFIX] keep the old file as FILE.SUFFIX (default .bak)\n"
	       "      --allow-signed    edit a zone holding RRSIG records (then re-sign it)\n"
	       "      --check           parse the whole new zone with ldns before replacing,\n"
	       "                        and refuse a CNAME with other data at its name\n"
	       "  -o, --output FILE     write the new zone to FILE; ZONEFILE stays as it is\n"
	       "      --force           allow serial moves RFC 1982 refuses (backwards, 2^31)\n"
	       "      --unchanged-status N\n"
	       "                        exit with status N (3-125), not 0, when nothing\n"
	       "                        changes, so that a script reloads only after a change\n"
	       "      --reload CMD      run CMD (sh -c) after the file changed, not otherwise\n"
	       "      --freeze CMD      run CMD before the edit (rndc freeze ZONE, knotc\n"
	       "                        zone-freeze ZONE) and --thaw CMD after it, changed\n"
	       "      --thaw CMD        or not: for a zone file a server also writes\n"
	       "      --frozen          edit even with a server journal beside the file\n"
	       "                        (FILE.jnl, Knot's journal): the zone is frozen\n"
	       "  -q, --quiet           print errors only\n"
	       "  -v, --verbose         say more\n"
	       "  -h, --help            this help\n\n"
	       "The report (\"changed\" or \"unchanged\") goes to stderr; stdout carries only\n"
	       "diffs and snippets.\n"
	       "Records for an owner that is a CNAME are refused: update its target's.\n"
	       "Exit status: 0 changed or unchanged, 1 error (nothing written), 2 usage error;\n"
	       "N instead of 0 when nothing changes, with --unchanged-status N.\n"
	       "See tlsa-zone(1).\n");
}

/* ---- signals ---------------------------------------------------------- */

/* The edit whose temp files a signal must remove.  Only the handler and
 * run_edit() touch it. */
static tlsa_zone_edit *volatile signal_edit;

static void on_signal(int sig)
{
	tlsa_zone_edit_unlink_temps(signal_edit); /* only unlink(): async-signal-safe */
	signal(sig, SIG_DFL);
	raise(sig);
}

static void catch_signals(int on)
{
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on ? on_signal : SIG_DFL;
	sigemptyset(&sa.sa_mask);
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

/* ---- inputs ----------------------------------------------------------- */

/* The option that answers a library status: the library knows none. */
static const char *zone_hint(tlsa_status st)
{
	switch (st) {
	case TLSA_ERR_SERIAL_BACKWARDS:
	case TLSA_ERR_SERIAL_JUMP:
	case TLSA_ERR_SERIAL_ZERO: return "; --force allows it";
	case TLSA_ERR_ZONE_SIGNED: return "; --allow-signed edits it anyway, then re-sign it";
	case TLSA_ERR_ZONE_ORIGIN: return " (give --origin)";
	case TLSA_ERR_ZONE_IN_INCLUDE: return " (name the snippet with --include)";
	default: return "";
	}
}

/* "FILE: line N: what: detail", or without the parts that are empty. */
static void edit_error(tlsa_zone_edit *ed, tlsa_status st, const char *file)
{
	const char *detail = tlsa_error_detail();
	char line[32] = "";

	(void)ed;
	if (tlsa_error_file()[0] != '\0')
		file = tlsa_error_file();
	if (tlsa_error_line() > 0)
		snprintf(line, sizeof(line), "line %lu: ", tlsa_error_line());
	cli_error("%s: %s%s%s%s%s", file, line, tlsa_strerror(st), detail[0] ? ": " : "", detail,
		  zone_hint(st));
}

/* cli_read_records() adds each record to the edit. */
static tlsa_status add_to_edit(void *ed, const char *line)
{
	return tlsa_zone_edit_add_record(ed, line);
}

/* ---- output ----------------------------------------------------------- */

/* diff -u of the original (or /dev/null) against the temp file, to stdout. */
static int show_diff(const char *target, const char *temp)
{
	const char *from = access(target, F_OK) == 0 ? target : "/dev/null";
	pid_t pid;
	int status;

	if (fflush(stdout) != 0)
		return -1;
	pid = fork();
	if (pid < 0) {
		cli_error("fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		execlp("diff", "diff", "-u", "--label", target, "--label", target, from, temp,
		       (char *)NULL);
		fprintf(stderr, "tlsa zone: diff: %s\n", strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) > 1) {
		cli_error("diff -u failed (is diffutils installed?)");
		return -1;
	}
	return 0;
}

static void serial_warnings(const tlsa_zone_report *r, const char *file)
{
	unsigned w = r->serial_warnings;

	if (w & TLSA_SERIAL_WARN_AHEAD)
		cli_warn("%s: line %lu: date serial %lu is ahead of today", file, r->soa_line,
			 (unsigned long)r->old_serial);
	if (w & TLSA_SERIAL_WARN_FALLBACK)
		cli_warn(
		    "%s: line %lu: the serial policy's value is not greater than %lu in serial "
		    "arithmetic; took %lu",
		    file, r->soa_line, (unsigned long)r->old_serial, (unsigned long)r->new_serial);
	if (w & TLSA_SERIAL_WARN_COUNTER_HIGH)
		cli_warn(
		    "%s: line %lu: date serial %lu: its counter is at %lu, few changes left today",
		    file, r->soa_line, (unsigned long)r->new_serial,
		    (unsigned long)(r->new_serial % 100));
	if (w & TLSA_SERIAL_WARN_WRAPPED)
		cli_warn(
		    "%s: line %lu: serial wrapped from %lu to %lu (legal in RFC 1982 arithmetic)",
		    file, r->soa_line, (unsigned long)r->old_serial, (unsigned long)r->new_serial);
	if (w & TLSA_SERIAL_WARN_FORCED)
		cli_warn("%s: line %lu: --force: serial %lu -> %lu is not an RFC 1982 increase; "
			 "secondaries may not transfer the zone",
			 file, r->soa_line, (unsigned long)r->old_serial,
			 (unsigned long)r->new_serial);
}

/* -v: one line per owner, naming the file and line that holds its set.
 * Always (but with -q): an owner to remove that had no set. */
static void report_sets(tlsa_zone_edit *ed, int dry_run)
{
	static const char *const done[] = {"unchanged", "replaced", "added", "removed"};
	static const char *const would[] = {"unchanged", "would be replaced", "would be added",
					    "would be removed"};
	tlsa_zone_change c = TLSA_ZONE_CHANGE_INIT;
	char line[32];
	size_t i;

	for (i = 0; i < tlsa_zone_edit_change_count(ed); i++) {
		if (tlsa_zone_edit_change(ed, i, &c) != TLSA_OK)
			continue;
		if (c.kind == TLSA_ZONE_SET_UNCHANGED && c.old_count == 0 && c.new_count == 0)
			cli_warn("%s: %s: no TLSA records to remove", c.file, c.owner);
		line[0] = '\0';
		if (c.line > 0)
			snprintf(line, sizeof(line), "line %lu: ", c.line);
		cli_info(1, "%s: %s%s TLSA: %s (%zu record%s before, %zu after)", c.file, line,
			 c.owner, (dry_run ? would : done)[c.kind], c.old_count,
			 c.old_count == 1 ? "" : "s", c.new_count);
	}
}

static void report(const struct zone_opts *o, const tlsa_zone_report *r)
{
	const char *file = o->output ? o->output : o->zonefile;
	char serial[80] = "", sets[160] = "";

	if (cli.quiet)
		return;
	if (!r->changed) {
		fprintf(stderr, "tlsa zone: %s: unchanged (serial %lu)\n", file,
			(unsigned long)r->old_serial);
		return;
	}
	if (r->serial_changed)
		snprintf(serial, sizeof(serial), "serial %lu -> %lu", (unsigned long)r->old_serial,
			 (unsigned long)r->new_serial);
	else
		snprintf(serial, sizeof(serial), "serial kept at %lu",
			 (unsigned long)r->old_serial);
	if (o->action == ACT_UPDATE)
		snprintf(sets, sizeof(sets),
			 "; TLSA sets: %zu replaced, %zu added, %zu removed, %zu unchanged",
			 r->sets_replaced, r->sets_added, r->sets_removed, r->sets_unchanged);
	fprintf(stderr, "tlsa zone: %s: %s: %s%s%s\n", file,
		o->dry_run ? "would change" : "changed", serial, sets,
		o->include ? (o->dry_run ? "; snippet would be rewritten" : "; snippet rewritten")
			   : "");
}

/* ---- the edit --------------------------------------------------------- */

static int out_of_memory(void)
{
	cli_error("out of memory");
	return 1;
}

/* The options that shape the edit, set on ed: 0, or 1 out of memory. */
static int configure_edit(const struct zone_opts *o, tlsa_zone_edit *ed)
{
	unsigned flags = 0;

	if (o->allow_signed)
		flags |= TLSA_ZONE_ALLOW_SIGNED;
	if (o->check)
		flags |= TLSA_ZONE_CHECK;
	if (o->force)
		flags |= TLSA_ZONE_FORCE;
	if (o->action == ACT_SERIAL)
		flags |= TLSA_ZONE_SERIAL_ONLY;
	tlsa_zone_edit_set_flags(ed, flags);
	tlsa_zone_edit_set_serial(ed, &o->serial, time(NULL));
	if ((o->output && tlsa_zone_edit_set_output(ed, o->output) != TLSA_OK) ||
	    (o->include && tlsa_zone_edit_set_snippet(ed, o->include) != TLSA_OK))
		return out_of_memory();
	if (o->dry_run) {
		const char *tmp = getenv("TMPDIR");
		if (tlsa_zone_edit_set_scratch_dir(ed, tmp && *tmp ? tmp : "/tmp") != TLSA_OK)
			return out_of_memory();
	}
	return 0;
}

/* What the user should know about a prepared edit before it is written. */
static void prepared_warnings(const struct zone_opts *o, const tlsa_zone_report *rep)
{
	if (rep->signed_zone)
		cli_warn("%s: the zone is signed: re-sign it before it is published", o->zonefile);
	serial_warnings(rep, o->zonefile);
	if (rep->xattrs_lost > 0)
		cli_warn("%s: %zu extended attribute%s of the old version (ACL, security label...) "
			 "could not be set on the new one",
			 o->include != NULL ? o->include : o->zonefile, rep->xattrs_lost,
			 rep->xattrs_lost == 1 ? "" : "s");
	if (rep->zone_links > 1 && rep->changed && o->output == NULL)
		cli_warn("%s: has %lu hard links: the update replaces this name only, the others "
			 "keep the old text",
			 o->zonefile, rep->zone_links);
}

/* A dry run: the diff of each new file against the old, nothing kept. */
static int show_diffs(tlsa_zone_edit *ed)
{
	const char *target, *temp;
	size_t i;
	int rc = 0;

	for (i = 0; i < tlsa_zone_edit_file_count(ed); i++) {
		tlsa_zone_edit_file(ed, i, &target, &temp);
		if (show_diff(target, temp) != 0) {
			rc = 1;
			break;
		}
	}
	tlsa_zone_edit_abort(ed);
	return rc;
}

/* The new files into place. */
static int commit(const struct zone_opts *o, tlsa_zone_edit *ed)
{
	const char *target;
	tlsa_status st;
	size_t i;

	st = tlsa_zone_edit_commit(ed, o->backup);
	if (st != TLSA_OK) {
		edit_error(ed, st, o->zonefile);
		return 1;
	}
	if (cli.verbose > 0) {
		for (i = 0; i < tlsa_zone_edit_file_count(ed); i++) {
			tlsa_zone_edit_file(ed, i, &target, NULL);
			cli_info(1, "wrote %s", target);
		}
	}
	return 0;
}

static int run_edit(struct zone_opts *o, tlsa_zone_edit *ed)
{
	tlsa_zone_report rep = TLSA_ZONE_REPORT_INIT;
	tlsa_status st;
	int rc;

	if ((rc = configure_edit(o, ed)) != 0) {
		tlsa_zone_edit_free(ed);
		return rc;
	}
	signal_edit = ed;
	catch_signals(1);
	st = tlsa_zone_edit_prepare(ed, o->zonefile, &rep);
	if (st != TLSA_OK) {
		edit_error(ed, st, o->zonefile);
		rc = 1;
	} else {
		prepared_warnings(o, &rep);
		report_sets(ed, o->dry_run);
		rc = o->dry_run ? show_diffs(ed) : commit(o, ed);
	}
	if (rc == 0) {
		o->changed = rep.changed;
		report(o, &rep);
		if (!rep.changed && o->unchanged_status != 0)
			rc = o->unchanged_status;
	}
	/* The handler must not see the edit once it is being freed; free()
	 * itself removes whatever temp file is left. */
	signal_edit = NULL;
	tlsa_zone_edit_free(ed); /* unlocks */
	catch_signals(0);
	return rc;
}

/*
 * The edit of a file a server may also write: refused when its journal
 * is beside it, unless the zone is frozen (--freeze runs now, --thaw
 * after the edit whatever came of it); --reload only after a change.
 */
static int run_guarded(struct zone_opts *o, tlsa_zone_edit *ed)
{
	char jnl[4096];
	int rc;

	if (!o->dry_run && o->output == NULL && o->freeze == NULL && !o->frozen &&
	    zone_journal_find(o->zonefile, jnl, sizeof(jnl))) {
		cli_error("%s: a server journal is beside it (%s): the server keeps this zone "
			  "itself and would undo or reject the edit; publish with `tlsa zone "
			  "push`, or freeze the zone around the edit (--freeze 'rndc freeze ZONE' "
			  "--thaw 'rndc thaw ZONE', or knotc zone-freeze/zone-thaw), or give "
			  "--frozen when it is frozen",
			  o->zonefile, jnl);
		tlsa_zone_edit_free(ed);
		return 1;
	}
	if (o->freeze != NULL && !o->dry_run && zone_run_hook("--freeze", o->freeze) != 0) {
		tlsa_zone_edit_free(ed);
		return 1;
	}
	rc = run_edit(o, ed);
	if (o->thaw != NULL && !o->dry_run && zone_run_hook("--thaw", o->thaw) != 0 && rc == 0)
		rc = 1;
	if (rc == 0 && o->changed && o->reload != NULL && !o->dry_run &&
	    zone_run_hook("--reload", o->reload) != 0)
		rc = 1;
	return rc;
}

static int run_snippet(tlsa_zone_edit *ed)
{
	char *text = NULL;
	tlsa_status st = tlsa_zone_edit_snippet(ed, &text);

	if (st != TLSA_OK) {
		const char *detail = tlsa_error_detail();
		cli_error("%s%s%s%s", tlsa_strerror(st), detail[0] ? ": " : "", detail,
			  zone_hint(st));
		tlsa_zone_edit_free(ed);
		return 1;
	}
	fputs(text, stdout);
	free(text);
	tlsa_zone_edit_free(ed);
	return 0;
}

/* ---- the command ------------------------------------------------------ */

#define GO_ON (-1) /* a step's "carry on"; any other value is the exit status */

/* The options, into o. */
static int parse_options(int argc, char **argv, struct zone_opts *o)
{
	unsigned long n;
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":r:no:qvh", long_options, NULL)) != -1) {
		switch (c) {
		case 'r':
			if (cli_push(&o->records, &o->nrecords, optarg) != 0)
				return out_of_memory();
			break;
		case OPT_REMOVE:
			if (cli_push(&o->removes, &o->nremoves, optarg) != 0)
				return out_of_memory();
			break;
		case OPT_ORIGIN: o->origin = optarg; break;
		case OPT_SERIAL:
			if (tlsa_serial_spec_parse(optarg, &o->serial) != TLSA_OK)
				return cli_usage_error("bad --serial '%s': %s", optarg,
						       tlsa_strerror(TLSA_ERR_SERIAL_SYNTAX));
			break;
		case OPT_INCLUDE: o->include = optarg; break;
		case 'n': o->dry_run = 1; break;
		case OPT_BACKUP:
			o->backup = optarg ? optarg : ".bak";
			if (*o->backup == '\0')
				return cli_usage_error("--backup= needs a suffix");
			break;
		case OPT_ALLOW_SIGNED: o->allow_signed = 1; break;
		case OPT_CHECK: o->check = 1; break;
		case 'o': o->output = optarg; break;
		case OPT_FORCE: o->force = 1; break;
		case OPT_UNCHANGED_STATUS:
			/* 1 and 2 are taken; above 125 the shell's own meanings. */
			if (cli_parse_ulong(optarg, 3, 125, &n) != 0)
				return cli_usage_error("--unchanged-status '%s': want 3-125 (0, 1 "
						       "and 2 already mean changed, error, usage "
						       "error)",
						       optarg);
			o->unchanged_status = (int)n;
			break;
		case OPT_FREEZE: o->freeze = optarg; break;
		case OPT_THAW: o->thaw = optarg; break;
		case OPT_RELOAD: o->reload = optarg; break;
		case OPT_FROZEN: o->frozen = 1; break;
		case 'q': cli.quiet = 1; break;
		case 'v': cli.verbose++; break;
		case 'h': help(); return 0;
		default: /* ':' or '?' */ return cli_option_error(argv, c);
		}
	}
	return GO_ON;
}

/* The action word and what follows it, and the options it takes. */
static int parse_action(int argc, char **argv, struct zone_opts *o)
{
	const char *action;

	if (optind >= argc)
		return cli_usage_error("missing action: update, serial, snippet or push");
	action = argv[optind++];
	if (strcmp(action, "update") == 0)
		o->action = ACT_UPDATE;
	else if (strcmp(action, "serial") == 0)
		o->action = ACT_SERIAL;
	else if (strcmp(action, "snippet") == 0)
		o->action = ACT_SNIPPET;
	else
		return cli_usage_error("unknown action '%s' (want update, serial, snippet or push)",
				       action);
	if (o->action == ACT_SNIPPET) {
		if (optind < argc)
			return cli_usage_error("snippet takes no ZONEFILE");
		if (o->nrecords == 0)
			return cli_usage_error("snippet needs --records");
		if (o->nremoves || o->include || o->output || o->dry_run || o->backup || o->check ||
		    o->allow_signed || o->force || o->unchanged_status || o->freeze || o->thaw ||
		    o->reload || o->frozen || o->serial.policy != TLSA_SERIAL_AUTO)
			return cli_usage_error("snippet takes only --records and --origin");
		return GO_ON;
	}
	if (optind >= argc)
		return cli_usage_error("missing ZONEFILE");
	o->zonefile = argv[optind++];
	if (optind < argc)
		return cli_usage_error("unexpected argument '%s'", argv[optind]);
	if (o->action == ACT_SERIAL && (o->nrecords || o->nremoves || o->include))
		return cli_usage_error("serial takes no --records, --remove or --include");
	if (o->action == ACT_UPDATE && o->nrecords == 0 && o->nremoves == 0)
		return cli_usage_error("update needs --records or --remove");
	if (o->thaw != NULL && o->freeze == NULL)
		return cli_usage_error("--thaw goes with --freeze");
	if (o->include && o->output)
		return cli_usage_error("--include and --output do not go together");
	if (o->dry_run && o->backup)
		return cli_usage_error("--dry-run writes nothing, so --backup has nothing to keep");
	return GO_ON;
}

/* The names given as options: checked here too, for a message with the
 * name shown safely. */
static int check_names(const struct zone_opts *o)
{
	char why[256];
	size_t i;

	for (i = 0; i < o->nremoves; i++)
		if (cli_owner_check(o->removes[i], why, sizeof(why)) != 0)
			return cli_usage_error("--remove %s", why);
	if (o->origin != NULL && cli_owner_check(o->origin, why, sizeof(why)) != 0)
		return cli_usage_error("--origin %s", why);
	return GO_ON;
}

/* The edit with its origin, the records of the record files and the
 * removals; *edp is NULL unless it returns GO_ON. */
static int new_edit(const struct zone_opts *o, tlsa_zone_edit **edp)
{
	tlsa_zone_edit *ed = NULL;
	int rc = GO_ON;
	size_t i;

	*edp = NULL;
	if (tlsa_zone_edit_new(&ed) != TLSA_OK)
		return out_of_memory();
	if (o->origin != NULL && tlsa_zone_edit_set_origin(ed, o->origin) != TLSA_OK) {
		/* '@', which cli_owner_check() takes for an owner (or no memory). */
		const char *d = tlsa_error_detail();

		rc = cli_usage_error("--origin %s",
				     d[0] != '\0' ? d : "cannot be set: out of memory");
	}
	for (i = 0; rc == GO_ON && i < o->nrecords; i++)
		if (cli_read_records(o->records[i], o->nremoves > 0, add_to_edit, ed, zone_hint) !=
		    0)
			rc = 1;
	for (i = 0; rc == GO_ON && i < o->nremoves; i++)
		if (tlsa_zone_edit_remove(ed, o->removes[i]) != TLSA_OK)
			rc = cli_usage_error("bad --remove '%s'", o->removes[i]);
	if (rc != GO_ON) {
		tlsa_zone_edit_free(ed);
		return rc;
	}
	*edp = ed;
	return GO_ON;
}

/* Whether option word w (as on the command line) takes the next word as
 * its value in zone's table. */
static int takes_value(const char *w)
{
	const struct option *o;
	size_t n;

	if (w[0] == '-' && w[1] != '-' && w[1] != '\0')
		return w[2] == '\0' && (w[1] == 'r' || w[1] == 'o');
	if (strncmp(w, "--", 2) != 0 || strchr(w, '=') != NULL)
		return 0;
	n = strlen(w + 2);
	for (o = long_options; o->name != NULL; o++)
		if (strlen(o->name) >= n && strncmp(o->name, w + 2, n) == 0)
			return o->has_arg == required_argument;
	return 0;
}

/* `tlsa zone [OPTIONS] push ...` goes to zone-push.c, with its options
 * wherever they stand; GO_ON for the other actions. */
static int push_action(int argc, char **argv)
{
	char **rest;
	int i, j, rc;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			return GO_ON;
		if (argv[i][0] == '-' && argv[i][1] != '\0') {
			i += takes_value(argv[i]);
			continue;
		}
		if (strcmp(argv[i], "push") != 0)
			return GO_ON;
		rest = malloc((size_t)argc * sizeof(*rest));
		if (rest == NULL)
			return out_of_memory();
		for (j = 0; j < i; j++)
			rest[j] = argv[j];
		for (j = i + 1; j < argc; j++)
			rest[j - 1] = argv[j];
		rest[argc - 1] = NULL;
		rc = cmd_zone_push(argc - 1, rest);
		free(rest);
		return rc;
	}
	return GO_ON;
}

int cmd_zone(int argc, char **argv)
{
	struct zone_opts o;
	tlsa_zone_edit *ed;
	int rc;

	memset(&o, 0, sizeof(o));
	o.serial = (tlsa_serial_spec)TLSA_SERIAL_SPEC_INIT;
	cli.cmd = "zone";
	if ((rc = push_action(argc, argv)) != GO_ON)
		return rc;
	rc = parse_options(argc, argv, &o);
	if (rc == GO_ON)
		rc = parse_action(argc, argv, &o);
	if (rc == GO_ON)
		rc = check_names(&o);
	if (rc == GO_ON)
		rc = new_edit(&o, &ed);
	if (rc == GO_ON)
		rc = o.action == ACT_SNIPPET ? run_snippet(ed) : run_guarded(&o, ed);
	free(o.records);
	free(o.removes);
	return rc;
}
