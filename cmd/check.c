/*
 * tlsa check: verify the TLS service at HOST against its TLSA records.
 *
 * Owns: the options, their usage errors, and the steps of the command
 * (parse, check the arguments, load the candidates, run).  A run is
 * check-run.c's: examining a target (check-examine.c, with its records,
 * sessions and candidates), the policy (check-policy.c) and a format
 * (check-out.h).  DNS, STARTTLS and verification are libtlsa's.
 */
#include "config.h"

#include <arpa/inet.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <openssl/crypto.h>

#include <tlsa.h>

#include "check-chain.h"
#include "check-opts.h"
#include "check-run.h"
#include "cli.h"

enum {
	OPT_PROTO = 256,
	OPT_SNI,
	OPT_RESOLVER,
	OPT_TRUST_ANCHOR,
	OPT_INSECURE,
	OPT_TLSA,
	OPT_TLSA_FILE,
	OPT_TIMEOUT,
	OPT_WARN_DAYS,
	OPT_CA_FILE,
	OPT_CA_PATH,
	OPT_HELO,
	OPT_SERVICE_DOMAIN,
	OPT_MX,
	OPT_SRV,
	OPT_CANDIDATE,
	OPT_TARGETS,
	OPT_ALL_NS,
	OPT_NO_ALL_NS,
	OPT_SIG_WARN_DAYS,
	OPT_STATE,
	OPT_RESOLVER_CACHE,
	OPT_CANDIDATE_ONLY,
	OPT_SINGLE_KEY_OK,
	OPT_PASSIN,
	OPT_KEY_TYPES,
	OPT_SHARD,
	OPT_CHAIN,
	OPT_AT,
	OPT_PER_ADDRESS,
	OPT_DNS_JOBS
};

static const struct option long_options[] = {
    {"port", required_argument, NULL, 'p'},
    {"proto", required_argument, NULL, OPT_PROTO},
    {"starttls", required_argument, NULL, 't'},
    {"address", required_argument, NULL, 'a'},
    {"ipv4", no_argument, NULL, '4'},
    {"ipv6", no_argument, NULL, '6'},
    {"sni", required_argument, NULL, OPT_SNI},
    {"helo", required_argument, NULL, OPT_HELO},
    {"service-domain", required_argument, NULL, OPT_SERVICE_DOMAIN},
    {"mx", no_argument, NULL, OPT_MX},
    {"srv", no_argument, NULL, OPT_SRV},
    {"candidate", required_argument, NULL, OPT_CANDIDATE},
    {"candidate-only", no_argument, NULL, OPT_CANDIDATE_ONLY},
    {"chain", required_argument, NULL, OPT_CHAIN},
    {"at", required_argument, NULL, OPT_AT},
    {"passin", required_argument, NULL, OPT_PASSIN},
    {"single-key-ok", no_argument, NULL, OPT_SINGLE_KEY_OK},
    {"all-ns", no_argument, NULL, OPT_ALL_NS},
    {"no-all-ns", no_argument, NULL, OPT_NO_ALL_NS},
    {"sig-warn-days", required_argument, NULL, OPT_SIG_WARN_DAYS},
    {"state", required_argument, NULL, OPT_STATE},
    {"resolver-cache", required_argument, NULL, OPT_RESOLVER_CACHE},
    {"resolver", required_argument, NULL, OPT_RESOLVER},
    {"trust-anchor", required_argument, NULL, OPT_TRUST_ANCHOR},
    {"insecure", no_argument, NULL, OPT_INSECURE},
    {"tlsa", required_argument, NULL, OPT_TLSA},
    {"tlsa-file", required_argument, NULL, OPT_TLSA_FILE},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"warn-days", required_argument, NULL, OPT_WARN_DAYS},
    {"ca-file", required_argument, NULL, OPT_CA_FILE},
    {"ca-path", required_argument, NULL, OPT_CA_PATH},
    {"key-types", required_argument, NULL, OPT_KEY_TYPES},
    {"targets", required_argument, NULL, OPT_TARGETS},
    {"jobs", required_argument, NULL, 'j'},
    {"shard", required_argument, NULL, OPT_SHARD},
    {"per-address", required_argument, NULL, OPT_PER_ADDRESS},
    {"dns-jobs", required_argument, NULL, OPT_DNS_JOBS},
    {"format", required_argument, NULL, 'o'},
    {"quiet", no_argument, NULL, 'q'},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};

static void help(void)
{
	printf("Usage: tlsa check [OPTIONS] HOST\n\n"
	       "Verify the TLS service at HOST against its DNSSEC-validated TLSA records,\n"
	       "on every address of HOST, with OpenSSL's DANE verifier.\n\n"
	       "Target:\n"
	       "  -p, --port PORT        port (default 443, or the STARTTLS protocol's port)\n"
	       "      --proto PROTO      tcp (the only one checked), for the TLSA owner\n"
	       "  -t, --starttls PROTO   speak PROTO before TLS: %s,\n"
	       "                         or none (default: from the port: 25 and 587 smtp,\n"
	       "                         143 imap, 110 pop3...; else TLS from the start)\n"
	       "  -a, --address ADDR     check ADDR instead of resolving HOST (repeatable)\n"
	       "  -4, --ipv4             IPv4 addresses only\n"
	       "  -6, --ipv6             IPv6 addresses only\n"
	       "      --sni NAME         server name to send (default: the TLSA base domain)\n"
	       "      --helo NAME        name for SMTP EHLO and LMTP LHLO (default localhost)\n"
	       "      --service-domain NAME  the service's domain when it is not HOST: the\n"
	       "                         XMPP stream's 'to' (RFC 7673), also accepted in\n"
	       "                         certificates under DANE-TA\n"
	       "      --mx               HOST is a mail domain: check every MX host on port 25\n"
	       "                         as a DANE sender does (RFC 7672)\n"
	       "      --srv              HOST is an SRV owner (_xmpp-client._tcp.example.org):\n"
	       "                         check every target (RFC 7673)\n\n"
	       "DNS:\n"
	       "      --resolver ADDR[@PORT]  ask this server (repeatable; default resolv.conf)\n"
	       "      --trust-anchor FILE     validate DNSSEC locally from these DS/DNSKEY\n"
	       "                              records instead of trusting the AD bit\n"
	       "      --insecure         accept TLSA records that are provably insecure or\n"
	       "                         unsigned (at best WARNING); never signed ones that\n"
	       "                         a non-validating resolver passed on (UNKNOWN)\n"
	       "      --tlsa \"U S M HEX\" check against this record instead of DNS (repeatable)\n"
	       "      --tlsa-file FILE   check against the records in FILE ('U S M HEX' or zone\n"
	       "                         lines, as tlsa create prints them); lines for other\n"
	       "                         owners than _PORT._PROTO.HOST are skipped\n\n"
	       "Checks:\n"
	       "      --timeout SEC      bound on each network step (default 10); a DNS query\n"
	       "                         is retried within it, and no answer is UNKNOWN\n"
	       "      --warn-days N      warn when a certificate in use expires within N days\n"
	       "                         (default 21), or one a 3 0 x record pins\n"
	       "      --ca-file FILE     CA certificates for PKIX usages 0 and 1\n"
	       "      --ca-path DIR      CA directory for PKIX usages 0 and 1 (default: system)\n"
	       "      --key-types LIST   certificate types to check on each address: all\n"
	       "                         (default: the one a client gets, then one handshake\n"
	       "                         each for RSA, ECDSA, Ed25519, Ed448), first (one\n"
	       "                         handshake), or some of rsa,ecdsa,ed25519,ed448\n"
	       "      --candidate FILE   also say whether the published records match this\n"
	       "                         certificate, chain, key or CSR before it is deployed\n"
	       "                         (repeatable; no match is CRITICAL)\n"
	       "      --candidate-only   answer only that: no live check (exit 0 every\n"
	       "                         candidate matches, 2 one does not or no records)\n"
	       "                         A candidate chain that matches is also verified as\n"
	       "                         --chain does (not validating is CRITICAL)\n"
	       "      --chain FILE       connect nowhere: verify the chain in FILE (leaf\n"
	       "                         first, as a server sends it) with the live check's\n"
	       "                         DANE verifier\n"
	       "      --at TIME          judge expiry at TIME, not now: YYYY-MM-DD,\n"
	       "                         YYYY-MM-DDTHH:MM:SSZ (UTC) or @SECONDS\n"
	       "      --passin SOURCE    passphrase of an encrypted --candidate key:\n"
	       "                         env:VAR, file:PATH or fd:N\n"
	       "      --single-key-ok    one key published (no rollover record) is not a\n"
	       "                         WARNING: for a site that means it\n"
	       "      --all-ns           ask every authoritative nameserver of the TLSA\n"
	       "                         owner's zone directly and compare their records\n"
	       "                         (default with --candidate; --no-all-ns: not)\n"
	       "      --sig-warn-days N  warn when an RRSIG over the TLSA records (or the\n"
	       "                         zone's keys, or with --trust-anchor the chain's\n"
	       "                         DNSKEY and DS) expires within N days (default 3)\n"
	       "      --state FILE       remember when a --candidate's record was first seen\n"
	       "                         on every nameserver: safe to deploy (exit 0) once\n"
	       "                         2 x TTL passed, else WARNING with the time left\n"
	       "      --resolver-cache SEC  add SEC to that wait: how much longer than the\n"
	       "                         TTL a resolver may keep records (default 0)\n\n"
	       "Fleets:\n"
	       "      --targets FILE     check every target in FILE ('-': stdin), one\n"
	       "                         'HOST [PORT [STARTTLS]]' or '--mx DOMAIN' per line;\n"
	       "                         results in input order, exit status the worst\n"
	       "  -j, --jobs N           run N checks at a time (default 1, up to 16384)\n"
	       "      --per-address N    at most N TLS sessions at once to one IP address\n"
	       "                         (default 4); targets that share an address, port,\n"
	       "                         protocol and TLSA records share one session\n"
	       "      --dns-jobs N       at most N DNS lookups at once (default 256)\n"
	       "      --shard K/N        check only the lines of FILE whose line number\n"
	       "                         modulo N is K-1: N runs (machines) split one file\n\n"
	       "Output:\n"
	       "  -o, --format FORMAT    %s\n"
	       "  -q, --quiet            print only problems (nothing when all is OK)\n"
	       "  -v, --verbose          say more: every record's result, CNAMEs (repeatable)\n"
	       "  -h, --help             this help\n\n"
	       "Exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN (also usage errors).\n"
	       "See tlsa-check(1).\n",
	       cli_fold(tlsa_starttls_names(), 47, 25), check_format_names(1));
}

/* Options that name one host's details make no sense for a fleet. */
static int fleet_usage(const struct check_opts *o, int nargs, char **args)
{
	if (nargs > 0)
		return cli_usage_error("unexpected argument '%s' (--targets names the hosts)",
				       args[0]);
	if (o->mx || o->srv)
		return cli_usage_error("%s is for one HOST; a targets file takes '--mx DOMAIN' "
				       "lines",
				       o->mx ? "--mx" : "--srv");
	if (o->naddresses > 0)
		return cli_usage_error("--address is for one HOST, not --targets");
	if (o->sni != NULL)
		return cli_usage_error("--sni is for one HOST, not --targets");
	if (o->tlsa_file != NULL && strcmp(o->tlsa_file, "-") == 0)
		return cli_usage_error("--tlsa-file - would be read once per target: give a file");
	return -1;
}

/*
 * --mx and --srv find the hosts, ports and protocols themselves: options
 * naming one host's are refused.  -1 when all is well, else the status.
 */
static int group_usage(const struct check_opts *o)
{
	const char *opt = o->mx ? "--mx" : "--srv";

	if (o->mx && o->srv)
		return cli_usage_error("--mx and --srv exclude each other");
	if (o->target.port_set)
		return cli_usage_error("%s finds the ports itself: -p is not allowed", opt);
	if (o->mx && o->target.starttls_set)
		return cli_usage_error("--mx speaks SMTP on port 25: -t is not allowed");
	if (o->naddresses > 0)
		return cli_usage_error("%s finds the hosts and their addresses: --address is not "
				       "allowed",
				       opt);
	if (o->ntlsa > 0 || o->tlsa_file != NULL)
		return cli_usage_error("%s checks every host against its own TLSA records: "
				       "--tlsa and --tlsa-file are not allowed",
				       opt);
	if (o->sni != NULL)
		return cli_usage_error("%s sends each host's own name: --sni is not allowed", opt);
	if (o->mx && o->service_domain != NULL)
		return cli_usage_error("--service-domain is for --srv, not --mx");
	return -1;
}

static int parse_address(const char *text)
{
	unsigned char buf[16];

	if (inet_pton(AF_INET, text, buf) == 1)
		return AF_INET;
	if (inet_pton(AF_INET6, text, buf) == 1)
		return AF_INET6;
	return -1;
}

/*
 * The format asked for, looked up before the options are parsed, so that
 * a usage error in an option before -o (a Nagios command line with a bad
 * $ARG1$) still gets its status line in that format.  getopt_long decides
 * for real afterwards.
 */
static const struct check_format *early_format(int argc, char **argv,
					       const struct check_format *dflt)
{
	const struct check_format *f = dflt, *k;
	const char *v;
	int i;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		v = NULL;
		if ((strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--format") == 0) &&
		    i + 1 < argc)
			v = argv[++i];
		else if (strncmp(argv[i], "--format=", 9) == 0)
			v = argv[i] + 9;
		else if (strncmp(argv[i], "-o", 2) == 0)
			v = argv[i] + 2;
		if (v != NULL && (k = check_format_find(v)) != NULL)
			f = k;
	}
	return f;
}

/*
 * --shard K/N into o: shard K of N, 1 <= K <= N.  -1 to go on, else the
 * exit status.
 */
static int parse_shard(struct check_opts *o, const char *arg)
{
	const char *slash = strchr(arg, '/');
	char k[24];

	if (slash == NULL || (size_t)(slash - arg) >= sizeof(k))
		return cli_usage_error("bad --shard '%s' (want K/N: shard K of N, such as 1/4)",
				       arg);
	memcpy(k, arg, (size_t)(slash - arg));
	k[slash - arg] = '\0';
	if (cli_parse_ulong(k, 1, 4294967295UL, &o->shard_k) != 0 ||
	    cli_parse_ulong(slash + 1, 1, 4294967295UL, &o->shard_n) != 0)
		return cli_usage_error("bad --shard '%s' (want K/N: shard K of N, such as 1/4)",
				       arg);
	if (o->shard_k > o->shard_n)
		return cli_usage_error("bad --shard '%s' (K is greater than N: want 1 <= K <= N)",
				       arg);
	return -1;
}

/* A parser's 0 (the value is good) as parse_options' -1 (go on). */
static int go_on(int status)
{
	return status != 0 ? status : -1;
}

/* The options into o.  -1 to go on, else the exit status (--help: 0). */
static int parse_options(struct check_opts *o, int argc, char **argv)
{
	int c, rc = -1, fam;

	opterr = 0;
	while (rc < 0 &&
	       (c = getopt_long(argc, argv, ":p:t:a:46j:o:qvh", long_options, NULL)) != -1) {
		switch (c) {
		case 'p': rc = go_on(cli_target_port(&o->target, CLI_STYLE_CHECK, optarg)); break;
		case OPT_PROTO:
			rc = go_on(cli_target_proto(&o->target, CLI_STYLE_CHECK, optarg));
			break;
		case 't':
			rc = go_on(cli_target_starttls(&o->target, CLI_STYLE_CHECK, optarg));
			break;
		case 'a':
			fam = parse_address(optarg);
			if (fam < 0)
				rc = cli_usage_error(
				    "bad --address '%s' (want a numeric IPv4 or IPv6 "
				    "address)",
				    optarg);
			else if (cli_push(&o->addresses, &o->naddresses, optarg) != 0)
				rc = cli_usage_error("out of memory");
			break;
		case '4': o->family = o->family == AF_INET6 ? -1 : AF_INET; break;
		case '6': o->family = o->family == AF_INET ? -1 : AF_INET6; break;
		case OPT_SNI: o->sni = optarg; break;
		case OPT_HELO: o->helo = optarg; break;
		case OPT_SERVICE_DOMAIN: o->service_domain = optarg; break;
		case OPT_MX: o->mx = 1; break;
		case OPT_SRV: o->srv = 1; break;
		case OPT_CANDIDATE:
			if (cli_push(&o->cand_files, &o->ncand_files, optarg) != 0)
				rc = cli_usage_error("out of memory");
			break;
		case OPT_CANDIDATE_ONLY: o->candidate_only = 1; break;
		case OPT_CHAIN: o->chain_file = optarg; break;
		case OPT_AT:
			if (check_parse_at(optarg, &o->at) != 0)
				rc = cli_usage_error("bad --at '%s' (want YYYY-MM-DD, "
						     "YYYY-MM-DDTHH:MM:SSZ or @SECONDS)",
						     optarg);
			break;
		case OPT_SINGLE_KEY_OK: o->single_key_ok = 1; break;
		case OPT_ALL_NS: o->all_ns = 1; break;
		case OPT_NO_ALL_NS: o->all_ns = 0; break;
		case OPT_SIG_WARN_DAYS:
			if (cli_parse_ulong(optarg, 0, 3650, &o->sig_warn_days) != 0)
				rc = cli_usage_error("bad --sig-warn-days '%s' (want 0-3650)",
						     optarg);
			break;
		case OPT_STATE: o->state = optarg; break;
		case OPT_RESOLVER_CACHE:
			if (cli_parse_ulong(optarg, 0, 604800, &o->resolver_cache) != 0)
				rc = cli_usage_error("bad --resolver-cache '%s' (want 0-604800 "
						     "seconds)",
						     optarg);
			break;
		case OPT_PASSIN: o->passin = optarg; break;
		case OPT_RESOLVER:
			if (cli_push(&o->resolvers, &o->nresolvers, optarg) != 0)
				rc = cli_usage_error("out of memory");
			break;
		case OPT_TRUST_ANCHOR: o->trust_anchor = optarg; break;
		case OPT_INSECURE: o->insecure = 1; break;
		case OPT_TLSA:
			if (cli_push(&o->tlsa, &o->ntlsa, optarg) != 0)
				rc = cli_usage_error("out of memory");
			break;
		case OPT_TLSA_FILE: o->tlsa_file = optarg; break;
		case OPT_TIMEOUT:
			rc = go_on(cli_target_timeout(&o->target, CLI_STYLE_CHECK, optarg));
			break;
		case OPT_WARN_DAYS:
			if (cli_parse_ulong(optarg, 0, 3650, &o->warn_days) != 0)
				rc = cli_usage_error("bad --warn-days '%s' (want 0-3650)", optarg);
			break;
		case OPT_CA_FILE: o->ca_file = optarg; break;
		case OPT_CA_PATH: o->ca_path = optarg; break;
		case OPT_KEY_TYPES:
			if (tlsa_key_types_parse(optarg, &o->key_types) != TLSA_OK)
				rc = cli_usage_error("bad --key-types '%s' (want all, first, or "
						     "a list of rsa, ecdsa, ed25519, ed448)",
						     optarg);
			break;
		case OPT_TARGETS: o->targets = optarg; break;
		case 'j':
			if (cli_parse_ulong(optarg, 1, CHECK_JOBS_MAX, &o->jobs) != 0)
				rc = cli_usage_error("bad --jobs '%s' (want 1-%d)", optarg,
						     CHECK_JOBS_MAX);
			break;
		case OPT_PER_ADDRESS:
			if (cli_parse_ulong(optarg, 1, 1024, &o->per_address) != 0)
				rc =
				    cli_usage_error("bad --per-address '%s' (want 1-1024)", optarg);
			break;
		case OPT_DNS_JOBS:
			if (cli_parse_ulong(optarg, 1, 4096, &o->dns_jobs) != 0)
				rc = cli_usage_error("bad --dns-jobs '%s' (want 1-4096)", optarg);
			break;
		case OPT_SHARD: rc = parse_shard(o, optarg); break;
		case 'o':
			o->fmt = check_format_find(optarg);
			if (o->fmt == NULL)
				rc = cli_usage_error("unknown format '%s' (want %s)", optarg,
						     check_format_names(0));
			break;
		case 'q': cli.quiet = 1; break;
		case 'v': cli.verbose++; break;
		case 'h':
			help();
			rc = 0;
			break;
		default: rc = cli_option_error(argv, c); break;
		}
	}
	return rc;
}

/*
 * The arguments, and how the options combine: *host is the HOST to
 * check once it is known to be a name (NULL for a fleet).  -1 when all
 * is well, else the exit status.
 */
static int check_arguments(struct check_opts *o, int argc, char **argv, const char **host)
{
	const char *arg;
	char hostwhy[256];
	size_t i;
	int hk, rc;

	if (o->family < 0)
		return cli_usage_error("-4 and -6 exclude each other");
	if (o->targets != NULL && (rc = fleet_usage(o, argc - optind, argv + optind)) >= 0)
		return rc;
	if (o->targets == NULL && o->shard_n > 0)
		return cli_usage_error("--shard splits a targets file: give --targets FILE");
	if (o->targets == NULL && optind >= argc)
		return cli_usage_error("no HOST to check");
	arg = o->targets != NULL ? NULL : argv[optind++];
	if (optind < argc)
		return cli_usage_error("unexpected argument '%s' (one HOST at a time)",
				       argv[optind]);
	if (arg != NULL && (hk = cli_host_check(arg, hostwhy, sizeof(hostwhy))) != 0)
		return cli_usage_error("%s%s", hostwhy,
				       hk == CLI_HOST_PORT	? " (give the port with -p)"
				       : hk == CLI_HOST_ADDRESS ? " (give the host name, and the "
								  "address with --address)"
								: "");
	*host = arg;
	for (i = 0; i < o->naddresses; i++)
		if (o->family != AF_UNSPEC && parse_address(o->addresses[i]) != o->family)
			return cli_usage_error("--address %s is not %s", o->addresses[i],
					       o->family == AF_INET ? "IPv4 (-4)" : "IPv6 (-6)");
	if (o->insecure && (o->ntlsa > 0 || o->tlsa_file != NULL))
		cli_warn("--insecure has no effect with --tlsa or --tlsa-file");
	if (o->trust_anchor != NULL && o->ntlsa > 0 && o->naddresses > 0)
		cli_warn("--trust-anchor has no effect: records and addresses are given");
	if ((o->mx || o->srv) && (rc = group_usage(o)) >= 0)
		return rc;
	if (o->chain_file != NULL && (o->targets != NULL || o->mx || o->srv))
		return cli_usage_error("--chain is for one HOST, not %s", o->targets != NULL
									      ? "--targets"
									  : o->mx ? "--mx"
										  : "--srv");
	if (o->chain_file != NULL && o->naddresses > 0)
		return cli_usage_error("--chain connects nowhere: --address is not allowed");
	if (o->chain_file != NULL && o->candidate_only)
		return cli_usage_error("--chain and --candidate-only exclude each other");
	if (o->candidate_only && o->ncand_files == 0)
		return cli_usage_error("--candidate-only needs a --candidate FILE to ask about");
	if (o->all_ns > 0 && (o->ntlsa > 0 || o->tlsa_file != NULL))
		return cli_usage_error("--all-ns compares the nameservers' records: not with "
				       "--tlsa or --tlsa-file");
	if (o->state != NULL && o->ncand_files == 0)
		return cli_usage_error("--state times a --candidate's records: give --candidate");
	if (o->state != NULL && o->ntlsa + (o->tlsa_file != NULL) > 0)
		return cli_usage_error("--state times the records published in DNS: not with "
				       "--tlsa or --tlsa-file");
	if (o->passin != NULL && o->ncand_files == 0)
		return cli_usage_error("--passin is for an encrypted --candidate key: give "
				       "--candidate");
	return -1;
}

/* --candidate files, with the --passin passphrase.  -1 to go on, else the exit status. */
static int load_candidates(struct check_opts *o)
{
	char *pass = NULL, why[1024];
	size_t i;
	int rc = -1;

	if (o->passin != NULL && (rc = cli_passin_read(o->passin, &pass)) != 0)
		return rc;
	rc = -1;
	if (o->chain_file != NULL) {
		struct check_cand c;

		if (check_cand_load(&c, o->chain_file, NULL, why, sizeof(why)) != 0) {
			/* "--candidate FILE: ..." names the option that gave the file */
			cli_error("--chain%s", strchr(why, ' '));
			rc = V_UNKNOWN;
		} else if (tlsa_input_kind(c.in) != TLSA_KIND_CERT) {
			cli_error("--chain %s: %s, not certificates", o->chain_file,
				  tlsa_kind_name(tlsa_input_kind(c.in)));
			tlsa_input_free(c.in);
			rc = V_UNKNOWN;
		} else {
			o->chain = c.in;
		}
	}
	if (o->ncand_files > 0) {
		o->cands = calloc(o->ncand_files, sizeof(*o->cands));
		if (o->cands == NULL)
			rc = cli_usage_error("out of memory");
		for (i = 0; o->cands != NULL && i < o->ncand_files; i++, o->ncands++)
			if (check_cand_load(&o->cands[i], o->cand_files[i], pass, why,
					    sizeof(why)) != 0) {
				cli_error("%s", why);
				rc = V_UNKNOWN;
				break;
			}
	}
	if (pass != NULL) {
		OPENSSL_cleanse(pass, strlen(pass));
		free(pass);
	}
	return rc;
}

/* One target, one group or a fleet: the exit status. */
static int run(struct check_opts *o, const char *host)
{
	if (o->mx || o->srv)
		return check_run_group(o, host);
	/* The port picks the protocol, or the protocol picks the port. */
	cli_target_complete(&o->target, 1);
	return o->targets != NULL ? check_run_fleet(o) : check_run_target(o, host);
}

int cmd_check(int argc, char **argv)
{
	struct check_opts o;
	const char *host = NULL;
	int rc;

	check_opts_init(&o);
	cli.cmd = "check";
	cli.usage_status = 3;
	o.fmt = early_format(argc, argv, o.fmt);
	rc = parse_options(&o, argc, argv);
	if (rc < 0)
		rc = check_arguments(&o, argc, argv, &host);
	if (rc < 0)
		rc = load_candidates(&o);
	if (rc < 0)
		rc = run(&o, host);
	/*
	 * Every UNKNOWN says why on stdout too, in the format asked for
	 * (text: stderr says enough), however early it came: a monitoring
	 * system shows stdout.
	 */
	if (rc == V_UNKNOWN && !o.said && o.fmt != NULL) {
		const char *why = cli_first_error();

		check_out_unknown(o.fmt, stdout, host, o.mx ? 25 : (unsigned)o.target.port,
				  why[0] != '\0' ? why : "the check could not run");
	}
	check_opts_free(&o);
	return rc;
}
