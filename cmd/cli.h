/*
 * Shared by the subcommands: diagnostics, verbosity, small option
 * helpers and JSON text.  Owns nothing about DANE; the library does that.
 */
#ifndef TLSA_CLI_H
#define TLSA_CLI_H

#include <stdio.h>
#include <time.h>

#include <tlsa.h>

/* Set by each subcommand before it parses options. */
struct cli {
	const char *cmd;  /* "create", "check", "zone": prefixes diagnostics */
	int verbose;	  /* -v count */
	int quiet;	  /* -q */
	int usage_status; /* exit status of a usage error: 2, or 3 for check */
};
extern struct cli cli;

/* "tlsa CMD: " + message + newline on stderr. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* As cli_error, "warning: " after the prefix, silent under --quiet. */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* As cli_warn, shown only with -v (level 1) or -vv (level 2). */
void cli_info(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * The first message cli_error() or cli_usage_error() printed in this run
 * ("" when none): for an output format that says why on stdout too.
 */
const char *cli_first_error(void);

/* Parse a decimal number in [min, max]; 0 on success, -1 otherwise. */
int cli_parse_ulong(const char *text, unsigned long min, unsigned long max, unsigned long *out);

/* Append s to *v, a list of *n strings (a repeatable option); -1 when out of memory. */
int cli_push(const char ***v, size_t *n, const char *s);

/*
 * Where a service is, the options create and check share: -p/--port,
 * --proto, -t/--starttls and --timeout.  One set of defaults and limits;
 * each command words the errors in its own style, as its other errors.
 */
struct cli_target {
	unsigned long port; /* 443 unless given */
	int port_set;
	const char *proto;	       /* "tcp" unless given */
	const tlsa_starttls *starttls; /* NULL: direct TLS, or not given */
	int starttls_set;
	unsigned long timeout; /* seconds, each network step: 10 unless given */
};
enum cli_style {
	CLI_STYLE_CREATE, /* "--port 'X': want 1-65535"; --proto tcp, udp or sctp */
	CLI_STYLE_CHECK	  /* "bad port 'X' (want 1-65535)"; TCP only; -t none */
};
void cli_target_init(struct cli_target *t);
/* The value of -p, --proto, -t or --timeout: 0, or the usage error's status. */
int cli_target_port(struct cli_target *t, enum cli_style style, const char *arg);
int cli_target_proto(struct cli_target *t, enum cli_style style, const char *arg);
int cli_target_starttls(struct cli_target *t, enum cli_style style, const char *arg);
int cli_target_timeout(struct cli_target *t, enum cli_style style, const char *arg);
/*
 * After the options: the protocol's port when -t came without -p, and
 * with pick_protocol, the port's protocol when no -t came.
 */
void cli_target_complete(struct cli_target *t, int pick_protocol);

/* A usage error: message, then a hint to --help.  Returns cli.usage_status. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * getopt_long's '?' or ':' (optstring must start with ':'): report the
 * unknown option or the missing value as a usage error.  Returns
 * cli.usage_status.
 */
int cli_option_error(char **argv, int c);

/*
 * words folded for --help: the first line starts at column col, the others
 * at column indent, none past column 79.  A static buffer: one at a time.
 */
const char *cli_fold(const char *words, size_t col, size_t indent);

/*
 * Whether host is a name TLSA records can be published under: letters,
 * digits, '-' and '_' in dot-separated labels of 1-63 characters, 253 in
 * all, an optional final dot.  0 when it is; otherwise why holds the
 * sentence ("'10.0.0.1' is an IP address: ..."), with the name quoted and
 * its control characters escaped, and the return says what it was, for a
 * caller that can say what to give instead.
 */
enum { CLI_HOST_BAD = 1, CLI_HOST_ADDRESS, CLI_HOST_PORT };
int cli_host_check(const char *host, char *why, size_t whysize);

/*
 * Whether owner can stand as the owner field of a zone-file line: "@", or
 * a name, absolute or relative, with zone-file escapes (\X, \DDD), no
 * unescaped space, control character, ';', '(', ')' or '"', no empty
 * label, labels of at most 63 bytes and at most 255 in all.  0 when it
 * can; otherwise -1 with why set to the sentence, the name quoted.
 */
int cli_owner_check(const char *owner, char *why, size_t whysize);

/*
 * name into out, quoted with '', control characters as \xNN, cut with
 * "..." when it does not fit: a value from a file or the command line,
 * safe to print in a diagnostic.
 */
void cli_quote(const char *name, char *out, size_t size);

/*
 * Read the passphrase SOURCE of --passin into *pass (malloc'd): env:VAR
 * the variable, file:PATH and fd:N their first line without its CR LF.
 * The library takes only the passphrase: this syntax is the command's.
 * 0, or the exit status after saying what is wrong (a usage error: "VAR
 * is not set", "PATH: No such file or directory").
 */
int cli_passin_read(const char *source, char **pass);

/* Write s as a JSON string literal (quoted, escaped): create's and check's JSON. */
void json_string(FILE *fp, const char *s);

/* A UTC time as ISO 8601 ("2026-11-23T16:14:00Z") into buf[21]. */
void iso_time(time_t t, char buf[21]);

/* A UTC day as "2026-11-23" into buf[11]. */
void cli_day(time_t t, char buf[11]);

/* Flush and check stdout; 0 when everything written reached it. */
int cli_flush_stdout(void);

/*
 * argv is hash-slinger's command line (argv[1] is an option, as in
 * `tlsa --create --certificate FILE HOST`): *out becomes ours
 * (`tlsa create --cert FILE HOST`, malloc'd, argv[0] kept) and the
 * return is its argc, with cli.cmd set; or -1 after a usage error was
 * said.
 */
int hashslinger_translate(int argc, char **argv, char ***out);

/* Subcommands: return the process exit status. */
int cmd_create(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_zone(int argc, char **argv);
/* `tlsa zone push` (cmd/zone-push.c); argv[0] is "push". */
int cmd_zone_push(int argc, char **argv);

/*
 * Records as `tlsa create` prints them, from path ('-': stdin), one a
 * line; blank and ';' or '#' comment lines are skipped.  Each goes to
 * add(ctx, line); the first it refuses is an error naming the file and
 * line, with the library's detail and hint(status) (hint may be NULL).
 * A source with no records is an error (a pipeline whose first command
 * failed), or only a warning when removals_too.  0 or -1 (said).
 */
typedef tlsa_status (*cli_record_add)(void *ctx, const char *line);
int cli_read_records(const char *path, int removals_too, cli_record_add add, void *ctx,
		     const char *(*hint)(tlsa_status st));

#endif
