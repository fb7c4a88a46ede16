/*
 * tlsa zone push: publish TLSA records through the zone's primary server
 * with RFC 2136 dynamic updates signed with TSIG, then show that the
 * server (and, with --all-ns, every nameserver of the zone) serves them.
 *
 * Owns: the options of `tlsa zone push`, reading record files, the
 * report (on stderr, as zone update's; stdout carries only the nsupdate
 * text of --dry-run) and the exit status.  Building, signing, sending and
 * checking the updates are libtlsa's (libtlsa/update.c, libtlsa/tsig.c).
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <tlsa.h>

#include "cli.h"

struct push_opts {
	const char **records, **removes, **resolvers;
	size_t nrecords, nremoves, nresolvers;
	const char *server, *key_file;
	unsigned long wait_s, timeout_s, retries;
	int all_ns, dry_run;
};

enum {
	OPT_REMOVE = 256,
	OPT_SERVER,
	OPT_TSIG_KEY,
	OPT_ALL_NS,
	OPT_WAIT,
	OPT_TIMEOUT,
	OPT_RETRIES,
	OPT_RESOLVER
};

static const struct option long_options[] = {{"records", required_argument, NULL, 'r'},
					     {"remove", required_argument, NULL, OPT_REMOVE},
					     {"server", required_argument, NULL, OPT_SERVER},
					     {"tsig-key", required_argument, NULL, OPT_TSIG_KEY},
					     {"all-ns", no_argument, NULL, OPT_ALL_NS},
					     {"wait", required_argument, NULL, OPT_WAIT},
					     {"timeout", required_argument, NULL, OPT_TIMEOUT},
					     {"retries", required_argument, NULL, OPT_RETRIES},
					     {"resolver", required_argument, NULL, OPT_RESOLVER},
					     {"dry-run", no_argument, NULL, 'n'},
					     {"quiet", no_argument, NULL, 'q'},
					     {"verbose", no_argument, NULL, 'v'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};

static void help(void)
{
	printf("Usage: tlsa zone push [OPTIONS] --tsig-key FILE -r FILE... [--remove OWNER]...\n\n"
	       "Replace the TLSA RRsets of the owners in the records given through the\n"
	       "zone's primary server: one RFC 2136 UPDATE per zone, signed with TSIG, each\n"
	       "set replaced atomically under a prerequisite on its old content; nothing is\n"
	       "sent when the server already serves the sets as given.  Then wait until the\n"
	       "server serves them (signed, in a signed zone).\n\n"
	       "Options:\n"
	       "  -r, --records FILE    records as `tlsa create` prints them (rfc or generic,\n"
	       "                        absolute owners); repeatable; '-' is stdin\n"
	       "      --remove OWNER    delete the TLSA RRset of OWNER (repeatable)\n"
	       "      --server ADDR[@PORT]\n"
	       "                        the primary (default: the address of the zone's SOA\n"
	       "                        MNAME, found through --resolver)\n"
	       "      --tsig-key FILE   TSIG key: a BIND key clause (tsig-keygen) or Knot's\n"
	       "                        [ALGORITHM:]NAME:SECRET; mode 0600, else refused\n"
	       "      --all-ns          verify at every nameserver of the zone, not only the\n"
	       "                        primary\n"
	       "      --wait SEC        how long to wait until the new sets are served\n"
	       "                        (default 30; 0: do not verify)\n"
	       "      --timeout SEC     bound for each exchange with a server (default 10)\n"
	       "      --retries N       UPDATEs sent again when another writer changed a set\n"
	       "                        in between (default 4)\n"
	       "      --resolver ADDR[@PORT]\n"
	       "                        resolver for finding the primary (repeatable;\n"
	       "                        default /etc/resolv.conf)\n"
	       "  -n, --dry-run         print the update as nsupdate input; send nothing (a\n"
	       "                        --tsig-key is still checked)\n"
	       "  -q, --quiet           print errors only\n"
	       "  -v, --verbose         say more\n"
	       "  -h, --help            this help\n\n"
	       "The report goes to stderr; stdout carries only the --dry-run text.\n"
	       "Exit status: 0 published (or unchanged) and served, 1 error (the server's\n"
	       "RCODE in words: REFUSED, NOTAUTH, BADSIG, BADKEY, BADTIME...), 2 usage error.\n"
	       "See tlsa-zone(1).\n");
}

static int out_of_memory(void)
{
	cli_error("out of memory");
	return 1;
}

/* cli_read_records() adds each record to the update. */
static tlsa_status add_to_update(void *up, const char *line)
{
	return tlsa_update_add_record(up, line);
}

#define GO_ON (-1)

static int parse_options(int argc, char **argv, struct push_opts *o)
{
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":r:nqvh", long_options, NULL)) != -1) {
		switch (c) {
		case 'r':
			if (cli_push(&o->records, &o->nrecords, optarg) != 0)
				return out_of_memory();
			break;
		case OPT_REMOVE:
			if (cli_push(&o->removes, &o->nremoves, optarg) != 0)
				return out_of_memory();
			break;
		case OPT_RESOLVER:
			if (cli_push(&o->resolvers, &o->nresolvers, optarg) != 0)
				return out_of_memory();
			break;
		case OPT_SERVER: o->server = optarg; break;
		case OPT_TSIG_KEY: o->key_file = optarg; break;
		case OPT_ALL_NS: o->all_ns = 1; break;
		case OPT_WAIT:
			if (cli_parse_ulong(optarg, 0, 86400, &o->wait_s) != 0)
				return cli_usage_error("bad --wait '%s': want seconds, 0-86400",
						       optarg);
			break;
		case OPT_TIMEOUT:
			if (cli_parse_ulong(optarg, 1, 3600, &o->timeout_s) != 0)
				return cli_usage_error("bad --timeout '%s': want seconds, 1-3600",
						       optarg);
			break;
		case OPT_RETRIES:
			if (cli_parse_ulong(optarg, 0, 100, &o->retries) != 0)
				return cli_usage_error("bad --retries '%s': want 0-100", optarg);
			break;
		case 'n': o->dry_run = 1; break;
		case 'q': cli.quiet = 1; break;
		case 'v': cli.verbose++; break;
		case 'h': help(); return 0;
		default: return cli_option_error(argv, c);
		}
	}
	if (optind < argc)
		return cli_usage_error("unexpected argument '%s'", argv[optind]);
	if (o->nrecords == 0 && o->nremoves == 0)
		return cli_usage_error("push needs --records or --remove");
	return GO_ON;
}

/* The update with its records, removals, server and key. */
static int build(const struct push_opts *o, tlsa_update *up, tlsa_tsig_key **key)
{
	char why[256];
	tlsa_status st;
	size_t i;

	for (i = 0; i < o->nrecords; i++)
		if (cli_read_records(o->records[i], o->nremoves > 0, add_to_update, up, NULL) != 0)
			return 1;
	for (i = 0; i < o->nremoves; i++) {
		st = tlsa_update_remove(up, o->removes[i]);
		snprintf(why, sizeof(why), "%s", tlsa_error_detail());
		if (st != TLSA_OK)
			return cli_usage_error("--remove '%s': %s", o->removes[i], why);
	}
	/* Even a dry run checks the key: a pipeline tried with -n first
	 * should fail there, not on the day it runs for real. */
	if (o->key_file != NULL) {
		st = tlsa_tsig_key_load(o->key_file, key);
		snprintf(why, sizeof(why), "%s", tlsa_error_detail());
		if (st != TLSA_OK) {
			cli_error("%s: %s%s%s", o->key_file, tlsa_strerror(st), why[0] ? ": " : "",
				  why);
			return 1;
		}
		tlsa_update_set_key(up, *key);
	}
	if (o->dry_run)
		return GO_ON;
	tlsa_update_set_timeout(up, (unsigned)(o->timeout_s * 1000));
	tlsa_update_set_retries(up, (unsigned)o->retries);
	if (o->server != NULL) {
		if (tlsa_update_set_server(up, o->server) != TLSA_OK)
			return cli_usage_error("bad --server '%s': want ADDR[@PORT]", o->server);
	} else {
		tlsa_resolver *res = NULL;

		st = tlsa_resolver_new(o->resolvers, o->nresolvers, (unsigned)(o->timeout_s * 1000),
				       NULL, &res);
		if (st != TLSA_OK) {
			cli_error("resolver: %s", tlsa_strerror(st));
			return 1;
		}
		st = tlsa_update_find_primary(up, res);
		snprintf(why, sizeof(why), "%s", tlsa_error_detail());
		tlsa_resolver_free(res);
		if (st != TLSA_OK) {
			cli_error("%s%s%s (give --server)", tlsa_strerror(st), why[0] ? ": " : "",
				  why);
			return 1;
		}
		cli_info(1, "the primary is %s (SOA MNAME)", tlsa_update_server(up));
	}
	return GO_ON;
}

static int dry_run(const tlsa_update *up)
{
	char *text = NULL;

	if (tlsa_update_nsupdate(up, &text) != TLSA_OK)
		return out_of_memory();
	fputs(text, stdout);
	free(text);
	return 0;
}

static void report(const tlsa_update *up, const tlsa_update_report *r)
{
	static const char *const done[] = {"unchanged", "replaced", "added", "removed"};
	size_t i, before;

	for (i = 0; i < tlsa_update_owner_count(up); i++) {
		const char *owner = tlsa_update_owner(up, i, NULL);
		tlsa_zone_set_change c = tlsa_update_owner_change(up, i, &before);

		cli_info(1, "%s: %s TLSA: %s (%zu record%s before)", tlsa_update_server(up), owner,
			 done[c], before, before == 1 ? "" : "s");
	}
	if (cli.quiet)
		return;
	if (r->sent == 0)
		fprintf(stderr, "tlsa zone: %s: %s: unchanged (no UPDATE sent; %zu TLSA set%s)\n",
			tlsa_update_server(up), r->zone, r->sets_unchanged,
			r->sets_unchanged == 1 ? "" : "s");
	else
		fprintf(stderr,
			"tlsa zone: %s: %s: changed: TLSA sets: %zu replaced, %zu added, %zu "
			"removed, %zu unchanged (%d UPDATE%s, %u sent)\n",
			tlsa_update_server(up), r->zone, r->sets_replaced, r->sets_added,
			r->sets_removed, r->sets_unchanged, r->sent, r->sent == 1 ? "" : "s",
			r->attempts);
}

/* Verify at one server: 0 when every set is served as pushed. */
static int verify_at(tlsa_update *up, const char *server, unsigned wait_ms)
{
	size_t n = tlsa_update_owner_count(up), i;
	char why[256];
	tlsa_status st;

	st = tlsa_update_verify(up, server, wait_ms);
	snprintf(why, sizeof(why), "%s", tlsa_error_detail());
	if (st != TLSA_OK && st != TLSA_ERR_UPDATE_NOT_SERVED) {
		cli_error("%s%s%s", tlsa_strerror(st), why[0] ? ": " : "", why);
		return 1;
	}
	for (i = 0; i < n && !cli.quiet; i++) {
		const tlsa_update_seen *seen = tlsa_update_seen_at(up, i);

		if (seen == NULL)
			continue;
		fprintf(stderr, "tlsa zone: %s: %s TLSA: %s%zu record%s, %s\n",
			server ? server : tlsa_update_server(up), seen->owner,
			seen->served ? "served as pushed: " : "NOT as pushed: ", seen->count,
			seen->count == 1 ? "" : "s",
			!seen->zone_signed ? "zone not signed"
			: seen->signed_ok ? (seen->count ? "signed (RRSIG valid)" : "denial signed")
					  : "NOT validly signed");
	}
	if (st != TLSA_OK)
		cli_error("%s: %s", tlsa_strerror(st), why);
	return st == TLSA_OK ? 0 : 1;
}

static int verify(const struct push_opts *o, tlsa_update *up)
{
	unsigned wait_ms = (unsigned)(o->wait_s * 1000);
	char **ns = NULL, why[256];
	size_t n = 0, i;
	int rc;

	if (o->wait_s == 0)
		return 0;
	rc = verify_at(up, NULL, wait_ms);
	if (rc != 0 || !o->all_ns)
		return rc;
	if (tlsa_update_nameservers(up, &ns, &n) != TLSA_OK) {
		snprintf(why, sizeof(why), "%s", tlsa_error_detail());
		cli_error("the zone's nameservers: %s", why);
		return 1;
	}
	for (i = 0; i < n; i++) {
		if (strcmp(ns[i], tlsa_update_server(up)) != 0 && verify_at(up, ns[i], wait_ms))
			rc = 1;
		free(ns[i]);
	}
	free(ns);
	return rc;
}

static int push(const struct push_opts *o, tlsa_update *up)
{
	const tlsa_update_report *r = NULL;
	char why[512];
	tlsa_status st;

	st = tlsa_update_push(up, &r);
	snprintf(why, sizeof(why), "%s", tlsa_error_detail());
	if (st != TLSA_OK) {
		cli_error("%s%s%s", tlsa_strerror(st), why[0] ? ": " : "", why);
		return 1;
	}
	report(up, r);
	return verify(o, up);
}

int cmd_zone_push(int argc, char **argv)
{
	struct push_opts o;
	tlsa_update *up = NULL;
	tlsa_tsig_key *key = NULL;
	int rc;

	memset(&o, 0, sizeof(o));
	o.wait_s = 30;
	o.timeout_s = 10;
	o.retries = 4;
	cli.cmd = "zone";
	rc = parse_options(argc, argv, &o);
	if (rc == GO_ON && tlsa_update_new(&up) != TLSA_OK)
		rc = out_of_memory();
	if (rc == GO_ON)
		rc = build(&o, up, &key);
	if (rc == GO_ON)
		rc = o.dry_run ? dry_run(up) : push(&o, up);
	tlsa_update_free(up);
	tlsa_tsig_key_free(key);
	free(o.records);
	free(o.removes);
	free(o.resolvers);
	return rc;
}
