/*
 * tlsa create: print TLSA records for certificates, keys, CSRs, a
 * manifest of many of them, or (with the check work) a live server.
 *
 * Owns: options, owner names, the admin-facing warnings, and the rule
 * that nothing reaches stdout unless every record was made.  Records
 * themselves come from libtlsa; printing from output.c.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

#include <openssl/crypto.h>

#include <tlsa.h>

#include "cli.h"
#include "create-fetch.h"
#include "record-out.h"

#define EXPIRY_WARN_DAYS 30

struct params {
	uint8_t usage, selector, mtype;
};

struct create_opts {
	const char *cert, *key, *csr, *passin, *owner, *manifest, *origin;
	/* --new-key FILE, --key-type TYPE */
	const char *new_key, *key_type;
	struct cli_target target;  /* -p, --proto, -t, --timeout */
	const char *address, *sni; /* fetching from a live server */
	struct params *params;
	size_t nparams;
	int depth_all;
	long depth; /* -1: the usage's default */
	long ttl;   /* -1: none */
	const struct out_format *fmt;
	char *pass;
	char *owner_abs; /* --owner completed by --origin (owned) */
	int allow_private;
	time_t now;
	struct rec_seen *seen; /* records printed so far, to print each once; NULL: all */
};

/* Records already printed for one owner (the chains of a server's key types). */
struct rec_seen {
	tlsa_record **v;
	size_t n;
};

/* 1 when rec was printed before; else 0, and rec is kept (-1: out of memory). */
static int seen_before(struct rec_seen *s, tlsa_record *rec)
{
	tlsa_record **nv;
	size_t i;

	for (i = 0; i < s->n; i++)
		if (tlsa_record_equal(s->v[i], rec))
			return 1;
	nv = realloc(s->v, (s->n + 1) * sizeof(*nv));
	if (nv == NULL)
		return -1;
	s->v = nv;
	s->v[s->n++] = rec;
	return 0;
}

enum {
	OPT_CSR = 256,
	OPT_PASSIN,
	OPT_PARAMS,
	OPT_DEPTH,
	OPT_PROTO,
	OPT_OWNER,
	OPT_TTL,
	OPT_MANIFEST,
	OPT_TIMEOUT,
	OPT_SNI,
	OPT_ORIGIN,
	OPT_ALLOW_PRIVATE,
	OPT_NEW_KEY,
	OPT_KEY_TYPE
};

static const struct option long_options[] = {
    {"cert", required_argument, NULL, 'c'},
    {"certificate", required_argument, NULL, 'c'}, /* hash-slinger's name */
    {"key", required_argument, NULL, 'k'},
    {"csr", required_argument, NULL, OPT_CSR},
    {"new-key", required_argument, NULL, OPT_NEW_KEY},
    {"key-type", required_argument, NULL, OPT_KEY_TYPE},
    {"passin", required_argument, NULL, OPT_PASSIN},
    {"usage", required_argument, NULL, 'u'},
    {"selector", required_argument, NULL, 's'},
    {"mtype", required_argument, NULL, 'm'},
    {"params", required_argument, NULL, OPT_PARAMS},
    {"allow-private", no_argument, NULL, OPT_ALLOW_PRIVATE},
    {"depth", required_argument, NULL, OPT_DEPTH},
    {"port", required_argument, NULL, 'p'},
    {"proto", required_argument, NULL, OPT_PROTO},
    {"starttls", required_argument, NULL, 't'},
    {"address", required_argument, NULL, 'a'},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"sni", required_argument, NULL, OPT_SNI},
    {"owner", required_argument, NULL, OPT_OWNER},
    {"origin", required_argument, NULL, OPT_ORIGIN},
    {"ttl", required_argument, NULL, OPT_TTL},
    {"format", required_argument, NULL, 'o'},
    {"output", required_argument, NULL, 'o'}, /* hash-slinger's name */
    {"manifest", required_argument, NULL, OPT_MANIFEST},
    {"quiet", no_argument, NULL, 'q'},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}};

static void help(void)
{
	printf("Usage: tlsa create [OPTIONS] [HOST]\n"
	       "       tlsa create --manifest FILE [OPTIONS]\n\n"
	       "Print TLSA records for a certificate, chain, key or CSR.\n\n"
	       "Input (one of):\n"
	       "  -c, --cert FILE       certificate or chain, PEM or DER ('-' is stdin);\n"
	       "                        --certificate is hash-slinger's name for it\n"
	       "  -k, --key FILE        public or private key, PEM or DER\n"
	       "      --csr FILE        certificate signing request (PKCS#10), PEM or DER\n"
	       "      --manifest FILE   many inputs, one a line:\n"
	       "                        HOST PORT[/PROTO] FILE [U,S,M ...]\n"
	       "      --passin SOURCE   passphrase of an encrypted key: env:VAR, file:PATH,\n"
	       "                        fd:N\n"
	       "      --new-key FILE    make a new private key, write it to FILE (mode 0600;\n"
	       "                        never over an existing file) and print its records:\n"
	       "                        publish the next key's record before it is used\n"
	       "      --key-type TYPE   of the new key: ec:p256 (default), ec:p384,\n"
	       "                        rsa:2048, rsa:3072, rsa:4096, ed25519\n"
	       "  Give each option once: a second, different value is a usage error.\n\n"
	       "Record parameters (numbers or RFC 7218 names, any case; only those RFC 6698\n"
	       "defines):\n"
	       "  -u, --usage U         0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA, 3 DANE-EE (default 3)\n"
	       "  -s, --selector S      0 Cert, 1 SPKI (default 1)\n"
	       "  -m, --mtype M         0 Full, 1 SHA2-256, 2 SHA2-512 (default 1)\n"
	       "      --params U,S,M    a record with these parameters, instead of -u -s -m;\n"
	       "                        repeat for several\n"
	       "      --allow-private   allow the private-use value 255 (PrivCert)\n"
	       "      --depth N|all     certificate of the chain: 0 is the leaf (default 0 for\n"
	       "                        usages 1 and 3, 1 for usages 0 and 2); all: every one\n\n"
	       "Owner name _PORT._PROTO.HOST.:\n"
	       "  -p, --port PORT       port (default 443, or the STARTTLS protocol's port)\n"
	       "      --proto PROTO     tcp, udp or sctp (default tcp)\n"
	       "  -t, --starttls PROTO  the service speaks PROTO: %s\n"
	       "      --owner NAME      use NAME as the owner, verbatim\n"
	       "      --origin ZONE     complete a relative --owner (or @) with ZONE: needed\n"
	       "                        for such an owner with -o nsupdate\n"
	       "      --ttl TTL         add a TTL (seconds, or units: 1h, 2d, 1w)\n\n"
	       "Fetching from HOST (no input file; records for each certificate type the\n"
	       "server offers, RSA, ECDSA, Ed25519, Ed448: up to four handshakes):\n"
	       "  -a, --address ADDR    connect to ADDR instead of resolving HOST\n"
	       "      --timeout SEC     bound on each network step (default 10)\n"
	       "      --sni NAME        server name to send (default HOST)\n"
	       "  (--starttls defaults from the port: 25 and 587 smtp, 143 imap, 110 pop3...)\n\n"
	       "Output:\n"
	       "  -o, --format FORMAT   rfc (default), generic (RFC 3597), rdata, json,\n"
	       "                        nsupdate (one delete per owner, before its adds);\n"
	       "                        --output is hash-slinger's name for it\n"
	       "  -q, --quiet           print errors only, no warnings\n"
	       "  -v, --verbose         say more\n"
	       "  -h, --help            this help\n\n"
	       "Exit status: 0 records printed, 1 error (nothing printed), 2 usage error.\n"
	       "See tlsa-create(1).\n",
	       cli_fold(tlsa_starttls_names(), 48, 24));
}

/* What RFC 6698 defines for each field, for messages. */
static const struct field_info {
	const char *name, *option, *want, *private_name;
	uint8_t max; /* the highest value defined */
} fields[] = {
    [TLSA_FIELD_USAGE] = {"usage", "--usage", "0 PKIX-TA, 1 PKIX-EE, 2 DANE-TA or 3 DANE-EE",
			  "PrivCert", 3},
    [TLSA_FIELD_SELECTOR] = {"selector", "--selector", "0 Cert or 1 SPKI", "PrivSel", 1},
    [TLSA_FIELD_MTYPE] = {"matching type", "--mtype", "0 Full, 1 SHA2-256 or 2 SHA2-512",
			  "PrivMatch", 2},
};

/*
 * One field of a record to publish: a number or an RFC 7218 name that
 * RFC 6698 defines.  255 is for private use: only usage 255 (PrivCert),
 * and only with --allow-private, since a private selector or matching
 * type has no data tlsa could compute.  0, or -1 with why set.
 */
static int field_value(tlsa_field f, const char *text, int allow_private, uint8_t *v, char *why,
		       size_t whysize)
{
	const struct field_info *fi = &fields[f];

	if (tlsa_field_parse(f, text, v) != TLSA_OK || (*v > fi->max && *v != 255)) {
		snprintf(why, whysize, "not a %s RFC 6698 defines (want %s)", fi->name, fi->want);
		return -1;
	}
	if (*v == 255 && !allow_private) {
		snprintf(why, whysize,
			 "255 (%s) is for private use (give --allow-private to publish it)",
			 fi->private_name);
		return -1;
	}
	if (*v == 255 && f != TLSA_FIELD_USAGE) {
		snprintf(why, whysize,
			 "255 (%s) is private: tlsa cannot compute its data (want %s)",
			 fi->private_name, fi->want);
		return -1;
	}
	return 0;
}

/* "U,S,M" with numbers or mnemonics; 0, or -1 with why set. */
static int parse_params(const char *text, int allow_private, struct params *p, char *why,
			size_t whysize)
{
	char buf[64], *w[3], *comma, sub[160];
	size_t i;
	uint8_t *v[3] = {&p->usage, &p->selector, &p->mtype};

	if (strlen(text) >= sizeof(buf))
		goto syntax;
	strcpy(buf, text);
	w[0] = buf;
	for (i = 1; i < 3; i++) {
		comma = strchr(w[i - 1], ',');
		if (comma == NULL)
			goto syntax;
		*comma = '\0';
		w[i] = comma + 1;
	}
	if (strchr(w[2], ',') != NULL)
		goto syntax;
	for (i = 0; i < 3; i++) {
		if (field_value((tlsa_field)i, w[i], allow_private, v[i], sub, sizeof(sub)) != 0) {
			snprintf(why, whysize, "%s '%s': %s", fields[i].name, w[i], sub);
			return -1;
		}
	}
	return 0;
syntax:
	snprintf(why, whysize, "want U,S,M such as 3,1,1 or DANE-EE,SPKI,SHA2-256");
	return -1;
}

static int add_params(struct create_opts *o, const struct params *p)
{
	struct params *np = realloc(o->params, (o->nparams + 1) * sizeof(*np));

	if (np == NULL)
		return -1;
	o->params = np;
	o->params[o->nparams++] = *p;
	return 0;
}

/* A TTL in libtlsa's grammar, within RFC 2181's limit. */
static int parse_ttl(const char *text, long *ttl)
{
	uint32_t v;

	if (tlsa_ttl_parse(text, strlen(text), &v) != TLSA_OK)
		return -1;
	*ttl = (long)v;
	return 0;
}

/* The sentence for a failure to load path, into buf. */
static void load_error(char *buf, size_t size, const char *path, tlsa_status st, unsigned want,
		       int saved_errno)
{
	const char *hint = "";
	unsigned long line = tlsa_error_line();

	if (st == TLSA_ERR_IO) {
		snprintf(buf, size, "%s: %s", path, strerror(saved_errno));
		return;
	}
	if (st == TLSA_ERR_WRONG_KIND) {
		/* The detail names what the file holds, as tlsa_kind_name() does. */
		const char *found = tlsa_error_detail();

		if (strcmp(found, tlsa_kind_name(TLSA_KIND_CERT)) == 0)
			hint = " (use --cert)";
		else if (strcmp(found, tlsa_kind_name(TLSA_KIND_PUBKEY)) == 0 ||
			 strcmp(found, tlsa_kind_name(TLSA_KIND_PRIVKEY)) == 0)
			hint = " (use --key)";
		else if (strcmp(found, tlsa_kind_name(TLSA_KIND_CSR)) == 0)
			hint = " (use --csr)";
		snprintf(buf, size, "%s: holds %s, not %s%s", path, found,
			 want == TLSA_KIND_CERT	 ? "a certificate"
			 : want == TLSA_KIND_CSR ? "a certificate signing request"
						 : "a key",
			 hint);
		return;
	}
	/* The library knows no option names: the hint is ours. */
	if (st == TLSA_ERR_PASSPHRASE)
		hint = " (give it with --passin)";
	if (line > 0)
		snprintf(buf, size, "%s: line %lu: %s%s", path, line, tlsa_strerror(st), hint);
	else
		snprintf(buf, size, "%s: %s%s", path, tlsa_strerror(st), hint);
}

/* Read and load one input file; on failure the sentence is in err. */
static tlsa_input *load_file(const char *path, unsigned want, const char *pass, char *err,
			     size_t errsize)
{
	unsigned char *buf = NULL;
	size_t len = 0;
	tlsa_input *in = NULL;
	tlsa_status st;
	int e;

	st = tlsa_file_read(path, &buf, &len);
	e = errno;
	if (st == TLSA_OK)
		st = tlsa_input_load(buf, len, want, pass, &in);
	if (buf != NULL) {
#ifdef HAVE_EXPLICIT_BZERO
		explicit_bzero(buf, len); /* a --manifest line's cost, not OPENSSL_cleanse's */
#else
		OPENSSL_cleanse(buf, len);
#endif
		free(buf);
	}
	if (st != TLSA_OK) {
		load_error(err, errsize, path, st, want, e);
		return NULL;
	}
	return in;
}

static void warn_key_mode(const char *path, const tlsa_input *in)
{
	struct stat sb;

	if (tlsa_input_kind(in) != TLSA_KIND_PRIVKEY || strcmp(path, "-") == 0)
		return;
	if (stat(path, &sb) == 0 && (sb.st_mode & S_IROTH))
		cli_warn("%s: private key is readable by everyone (chmod o-r)", path);
}

static void date_string(time_t t, char buf[11])
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, 11, "%Y-%m-%d", &tm);
}

/*
 * Warnings an experienced admin would want, for one record made from
 * the object at depth of in.  where prefixes each ("FILE" or
 * "MANIFEST: line N").
 */
static void lint(const char *where, const tlsa_input *in, size_t depth, const struct params *p,
		 unsigned long port, time_t now, int first_of_depth)
{
	time_t nb, na;
	char day[11];
	int is_cert = tlsa_input_kind(in) == TLSA_KIND_CERT;

	if (port == 25 && (p->usage == TLSA_USAGE_PKIX_TA || p->usage == TLSA_USAGE_PKIX_EE))
		cli_warn(
		    "%s: usage %u is ignored by SMTP clients on port 25 (RFC 7672 section 3.1.3); "
		    "publish 3 1 1 or 2 1 1",
		    where, p->usage);
	if (p->selector == TLSA_SELECTOR_CERT && p->usage == TLSA_USAGE_DANE_EE)
		cli_warn(
		    "%s: 3 0 x changes at every renewal; 3 1 1 survives renewals that keep the key",
		    where);
	if (p->mtype == TLSA_MTYPE_FULL)
		cli_warn(
		    "%s: matching type 0 (Full) makes large records; SHA2-256 is the usual choice",
		    where);
	if (!is_cert)
		return;
	if (p->usage == TLSA_USAGE_DANE_TA && !tlsa_input_is_ca(in, depth))
		cli_warn("%s: usage 2 (DANE-TA) on the certificate at depth %zu, which is not a CA",
			 where, depth);
	if (p->usage == TLSA_USAGE_DANE_EE && tlsa_input_is_ca(in, depth))
		cli_warn("%s: usage 3 (DANE-EE) on the certificate at depth %zu, which is a CA",
			 where, depth);
	if (first_of_depth && tlsa_input_validity(in, depth, &nb, &na) == TLSA_OK) {
		if (na < now || na - now < (time_t)EXPIRY_WARN_DAYS * 86400)
			date_string(na, day);
		if (na < now)
			cli_warn("%s: certificate at depth %zu expired on %s", where, depth, day);
		else if (na - now < (time_t)EXPIRY_WARN_DAYS * 86400)
			cli_warn("%s: certificate at depth %zu expires on %s, in %ld days", where,
				 depth, day, (long)((na - now) / 86400));
	}
}

/* The decimal digits of v at the end of buf[24]; returns where they start. */
static char *ulong_digits(unsigned long v, char buf[24])
{
	char *p = buf + 24;

	do
		*--p = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	return p;
}

/*
 * _PORT._PROTO.HOST. into buf when it fits in size bytes, else into a
 * malloc'd string (NULL when out of memory): free it when it is not buf.
 */
static char *make_owner_in(char *buf, size_t size, unsigned long port, const char *proto,
			   const char *host)
{
	size_t hlen = strlen(host), plen = strlen(proto), dlen;
	char digits[24], *d = ulong_digits(port, digits), *s, *p;

	dlen = (size_t)(digits + sizeof(digits) - d);
	s = hlen + plen + dlen + 6 <= size ? buf : malloc(hlen + plen + dlen + 6);
	if (s == NULL)
		return NULL;
	p = s;
	*p++ = '_';
	memcpy(p, d, dlen);
	p += dlen;
	*p++ = '.';
	*p++ = '_';
	memcpy(p, proto, plen);
	p += plen;
	*p++ = '.';
	memcpy(p, host, hlen);
	p += hlen;
	if (hlen == 0 || host[hlen - 1] != '.')
		*p++ = '.';
	*p = '\0';
	return s;
}

/* _PORT._PROTO.HOST. into a malloc'd string. */
static char *make_owner(unsigned long port, const char *proto, const char *host)
{
	return make_owner_in(NULL, 0, port, proto, host);
}

/*
 * Make every record asked for from one input and print it through fmt.
 * Returns 0, or -1 with the sentence in err.
 */
static int emit_records(const struct create_opts *o, const tlsa_input *in, const char *file,
			const char *where, const char *owner, unsigned long port,
			const struct params *params, size_t nparams, struct out_state *st,
			char *err, size_t errsize)
{
	size_t i, d, first, last, count = tlsa_input_count(in);
	unsigned char linted[64] = {0};
	tlsa_record *rec;
	tlsa_status s;

	for (i = 0; i < nparams; i++) {
		const struct params *p = &params[i];

		if (o->depth_all) {
			first = 0;
			last = count - 1;
		} else if (o->depth >= 0) {
			first = last = (size_t)o->depth;
		} else {
			first = last = tlsa_default_depth(p->usage);
			/* A CA certificate on its own is its own trust anchor. */
			if (first == 1 && count == 1 && tlsa_input_is_ca(in, 0))
				first = last = 0;
		}
		for (d = first; d <= last; d++) {
			struct out_rec r;

			s = tlsa_record_compute(in, d, p->usage, p->selector, p->mtype, &rec);
			if (s == TLSA_ERR_DEPTH && tlsa_input_kind(in) == TLSA_KIND_CERT) {
				snprintf(err, errsize,
					 "%s: no certificate at depth %zu: the file holds %zu%s",
					 file, d, count,
					 o->depth < 0
					     ? " (usage 0 and 2 records are for the issuer: "
					       "give the full chain, or --depth 0)"
					     : "");
				return -1;
			}
			if (s != TLSA_OK) {
				snprintf(err, errsize, "%s: %s", file, tlsa_strerror(s));
				return -1;
			}
			if (o->seen != NULL) {
				int k = seen_before(o->seen, rec);

				if (k != 0) {
					tlsa_record_free(rec);
					if (k > 0)
						continue;
					snprintf(err, errsize, "out of memory");
					return -1;
				}
				rec = tlsa_record_dup(rec); /* the list keeps the first */
				if (rec == NULL) {
					snprintf(err, errsize, "out of memory");
					return -1;
				}
			}
			lint(where, in, d, p, port, o->now, d < sizeof(linted) && !linted[d]++);
			r.owner = owner;
			r.ttl = o->ttl;
			r.rec = rec;
			r.cert = tlsa_input_cert(in, d, &r.cert_len);
			r.file = file;
			r.depth = d;
			if (o->fmt->record(st, &r) != 0) {
				tlsa_record_free(rec);
				snprintf(err, errsize, "out of memory");
				return -1;
			}
			st->count++;
			tlsa_record_free(rec);
		}
	}
	return 0;
}

static void chain_warnings(const char *where, const tlsa_input *in)
{
	unsigned f = tlsa_input_chain_flags(in);

	if (f & TLSA_CHAIN_BROKEN)
		cli_warn("%s: the certificates in this file do not form one chain; "
			 "depth 0 is the first that issued none of the others",
			 where);
	else if (f & TLSA_CHAIN_REORDERED)
		cli_info(1, "%s: chain was not in leaf-first order; ordered by issuer", where);
}

/*
 * A HOST that is surely a file the user meant as input, as in
 * `tlsa create cert.pem`: host names hold no '/', and none ends in the
 * usual certificate and key file suffixes.
 */
static int host_is_a_file(const char *host)
{
	static const char *const suffixes[] = {".pem", ".crt", ".cer", ".der", ".key", ".csr"};
	size_t len = strlen(host), n, i;
	struct stat st;

	if (strchr(host, '/') != NULL)
		return 1;
	if (stat(host, &st) != 0 || !S_ISREG(st.st_mode))
		return 0;
	for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
		n = strlen(suffixes[i]);
		if (len > n && strcasecmp(host + len - n, suffixes[i]) == 0)
			return 1;
	}
	return 0;
}

/*
 * The output of one run, framed once for a single input and a manifest:
 * records go to memory first, so stdout sees all of them or none.
 */
struct framed {
	struct out_state st;
	char *buf;
	size_t len;
};

/* Open the frame and print the format's beginning; 0, or -1 (said why). */
static int frame_open(struct framed *f, const struct out_format *fmt)
{
	memset(f, 0, sizeof(*f));
	f->st.fp = open_memstream(&f->buf, &f->len);
	if (f->st.fp == NULL) {
		cli_error("out of memory");
		return -1;
	}
	if (fmt->begin != NULL)
		fmt->begin(&f->st);
	return 0;
}

/* Print the format's end and close the frame; 0, or -1 (said why). */
static int frame_close(struct framed *f, const struct out_format *fmt)
{
	int rc = 0;

	out_end(fmt, &f->st);
	if (fclose(f->st.fp) != 0) {
		cli_error("out of memory");
		rc = -1;
	}
	f->st.fp = NULL;
	return rc;
}

/* Everything a closed frame holds, to stdout. */
static void frame_print(const struct framed *f)
{
	fwrite(f->buf, 1, f->len, stdout);
}

/* Free the frame, closed or abandoned on an error. */
static void frame_free(struct framed *f)
{
	if (f->st.fp != NULL)
		fclose(f->st.fp);
	f->st.fp = NULL;
	out_free(&f->st);
	free(f->buf);
	f->buf = NULL;
}

/* The file create_one reads, and what it may hold; NULL: fetch from HOST. */
static const char *single_input(const struct create_opts *o, unsigned *want)
{
	if (o->cert != NULL) {
		*want = TLSA_KIND_CERT;
		return o->cert;
	}
	if (o->key != NULL) {
		*want = TLSA_KIND_PUBKEY | TLSA_KIND_PRIVKEY;
		return o->key;
	}
	*want = o->csr != NULL ? TLSA_KIND_CSR : TLSA_KIND_CERT;
	return o->csr;
}

/* One input file, stdin, or (with no file) the live server HOST. */
static int create_one(struct create_opts *o, const char *host)
{
	const char *path;
	unsigned want;
	char err[1024];
	char *owner = NULL;
	struct framed f;
	struct rec_seen seen = {NULL, 0};
	tlsa_input *in = NULL, **ins = &in;
	size_t nin, i;
	int rc = 1;

	memset(&f, 0, sizeof(f));
	path = single_input(o, &want);
	/* A live server may hold several certificates (RSA, ECDSA...): records for each. */
	if (path == NULL) {
		path = host;
		nin =
		    create_fetch_chains(&(struct fetch_opts){o->address, o->sni, o->target.starttls,
							     o->target.port, o->target.timeout},
					host, &ins, err, sizeof(err));
	} else {
		in = load_file(path, want, o->pass, err, sizeof(err));
		nin = in != NULL;
	}
	if (nin == 0) {
		cli_error("%s", err);
		return 1;
	}
	for (i = 0; i < nin; i++) {
		warn_key_mode(path, ins[i]);
		chain_warnings(path, ins[i]);
	}
	if (o->owner != NULL)
		owner = strdup(o->owner);
	else if (host != NULL)
		owner = make_owner(o->target.port, o->target.proto, host);
	if ((o->owner != NULL || host != NULL) && owner == NULL) {
		cli_error("out of memory");
		goto out;
	}
	if (frame_open(&f, o->fmt) != 0)
		goto out;
	o->seen = nin > 1 ? &seen : NULL; /* two key types may share an issuer's record */
	for (i = 0; i < nin; i++)
		if (emit_records(o, ins[i], path, path, owner, o->target.port, o->params,
				 o->nparams, &f.st, err, sizeof(err)) != 0) {
			cli_error("%s", err);
			goto out;
		}
	if (frame_close(&f, o->fmt) != 0)
		goto out;
	frame_print(&f);
	rc = 0;
out:
	frame_free(&f);
	free(owner);
	for (i = 0; i < nin; i++)
		tlsa_input_free(ins[i]);
	if (ins != &in)
		free(ins);
	for (i = 0; i < seen.n; i++)
		tlsa_record_free(seen.v[i]);
	free(seen.v);
	o->seen = NULL;
	return rc;
}

/* Split a manifest line into at most max words (modifies line). */
static size_t split_words(char *line, char **words, size_t max)
{
	size_t n = 0;
	char *p = line;

	while (*p != '\0') {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' || *p == '#')
			break;
		if (n == max)
			return max + 1;
		words[n++] = p;
		p += strcspn(p, " \t"); /* the C library's vector scan, not a byte loop */
		if (*p != '\0')
			*p++ = '\0';
	}
	return n;
}

#define MANIFEST_MAX_WORDS 34

/* Whether s holds a control character other than tab, LF and CR. */
static int has_control(const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++)
		if ((*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r') || *p == 0x7f)
			return 1;
	return 0;
}

/* A manifest being read: where its lines are, and the output so far. */
struct manifest {
	const char *name;
	size_t dirlen;	     /* relative paths are relative to the manifest's directory */
	char where[1200];    /* "MANIFEST: line N" */
	size_t where_prefix; /* length of "MANIFEST: line ", 0 when it does not fit */
	struct framed out;
};

/* m->where for line lineno: "MANIFEST: line N". */
static void manifest_where(struct manifest *m, unsigned long lineno)
{
	char digits[24], *d = ulong_digits(lineno, digits);
	size_t dlen = (size_t)(digits + sizeof(digits) - d);

	if (m->where_prefix == 0) {
		snprintf(m->where, sizeof(m->where), "%s: line %lu", m->name, lineno);
		return;
	}
	memcpy(m->where + m->where_prefix, d, dlen);
	m->where[m->where_prefix + dlen] = '\0';
}

/* PORT[/PROTO] of a manifest line; 0, or -1 when bad (said why). */
static int manifest_port(const struct manifest *m, char *word, unsigned long *port,
			 const char **proto)
{
	char quoted[128], *slash = strchr(word, '/');

	*proto = "tcp";
	if (slash != NULL) {
		*proto = slash + 1;
		*slash = '\0';
	}
	if (cli_parse_ulong(word, 1, 65535, port) == 0 &&
	    (strcmp(*proto, "tcp") == 0 || strcmp(*proto, "udp") == 0 ||
	     strcmp(*proto, "sctp") == 0))
		return 0;
	if (slash != NULL)
		*slash = '/';
	cli_quote(word, quoted, sizeof(quoted));
	cli_error("%s: bad port %s (want PORT or PORT/tcp|udp|sctp)", m->where, quoted);
	return -1;
}

/*
 * One line of a manifest, split into its n words: its records into the
 * frame.  0, or -1 when the line is bad (said why).
 */
static int manifest_line(const struct create_opts *o, struct manifest *m, char **words, size_t n)
{
	char err[1536], path[4096], why[256], quoted[128], owner_buf[320], *owner;
	struct params lp[MANIFEST_MAX_WORDS];
	size_t nlp = 0, i, dirlen, flen;
	unsigned long port;
	const char *proto;
	tlsa_input *in;
	int rc = 0;

	if (n < 3 || n > MANIFEST_MAX_WORDS) {
		cli_error("%s: want 'HOST PORT[/PROTO] FILE [U,S,M ...]'", m->where);
		return -1;
	}
	if (cli_host_check(words[0], why, sizeof(why)) != 0) {
		cli_error("%s: %s", m->where, why);
		return -1;
	}
	if (manifest_port(m, words[1], &port, &proto) != 0)
		return -1;
	for (i = 3; i < n; i++) {
		if (parse_params(words[i], o->allow_private, &lp[nlp], why, sizeof(why)) != 0) {
			cli_quote(words[i], quoted, sizeof(quoted));
			cli_error("%s: bad record parameters %s: %s", m->where, quoted, why);
			return -1;
		}
		nlp++;
	}
	if (has_control(words[2])) {
		cli_quote(words[2], quoted, sizeof(quoted));
		cli_error("%s: file name %s has a control character in it", m->where, quoted);
		return -1;
	}
	dirlen = words[2][0] == '/' ? 0 : m->dirlen;
	flen = strlen(words[2]);
	if (dirlen + flen < sizeof(path)) {
		memcpy(path, m->name, dirlen);
		memcpy(path + dirlen, words[2], flen + 1);
	} else {
		snprintf(path, sizeof(path), "%.*s%s", (int)dirlen, m->name, words[2]);
	}
	in = load_file(path, TLSA_KIND_ANY, o->pass, err, sizeof(err));
	if (in == NULL) {
		cli_error("%s: %s", m->where, err);
		return -1;
	}
	chain_warnings(m->where, in);
	/* No malloc per line for a name of usual length. */
	owner = make_owner_in(owner_buf, sizeof(owner_buf), port, proto, words[0]);
	if (owner == NULL ||
	    emit_records(o, in, path, m->where, owner, port, nlp > 0 ? lp : o->params,
			 nlp > 0 ? nlp : o->nparams, &m->out.st, err, sizeof(err)) != 0) {
		cli_error("%s: %s", m->where, owner == NULL ? "out of memory" : err);
		rc = -1;
	}
	if (owner != owner_buf)
		free(owner);
	tlsa_input_free(in);
	return rc;
}

/*
 * A manifest: every line is checked and every record made before any is
 * printed; bad lines are all reported, and then nothing is printed.
 */
static int create_manifest(struct create_opts *o)
{
	struct manifest m;
	FILE *mf;
	char *line = NULL, *words[MANIFEST_MAX_WORDS + 1];
	const char *slash;
	size_t cap = 0, n;
	ssize_t len;
	unsigned long lineno = 0, bad = 0;
	int plen;

	mf = strcmp(o->manifest, "-") == 0 ? stdin : fopen(o->manifest, "r");
	if (mf == NULL) {
		cli_error("%s: %s", o->manifest, strerror(errno));
		return 1;
	}
	memset(&m, 0, sizeof(m));
	m.name = o->manifest;
	slash = strrchr(o->manifest, '/');
	m.dirlen = slash != NULL ? (size_t)(slash - o->manifest) + 1 : 0;
	plen = snprintf(m.where, sizeof(m.where), "%s: line ", o->manifest);
	if (plen > 0 && (size_t)plen + 24 < sizeof(m.where))
		m.where_prefix = (size_t)plen;
	if (frame_open(&m.out, o->fmt) != 0) {
		bad++;
		goto done;
	}
	while ((len = getline(&line, &cap, mf)) >= 0) {
		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		n = split_words(line, words, MANIFEST_MAX_WORDS);
		if (n == 0)
			continue;
		manifest_where(&m, lineno);
		if (manifest_line(o, &m, words, n) != 0)
			bad++;
	}
	if (ferror(mf)) {
		cli_error("%s: %s", o->manifest, strerror(errno));
		bad++;
	}
	if (frame_close(&m.out, o->fmt) != 0)
		bad++;
	if (bad > 0)
		cli_error("%s: %lu bad line%s; nothing printed", o->manifest, bad,
			  bad == 1 ? "" : "s");
	else
		frame_print(&m.out);
done:
	if (mf != stdin)
		fclose(mf);
	free(line);
	frame_free(&m.out);
	return bad > 0 ? 1 : 0;
}

/*
 * An option that takes one value, given again: the same value is
 * harmless, another is a conflict (never a silent last-wins).  Returns 0,
 * or the usage error's exit status.
 */
static int once(const char **slot, const char *option, const char *value)
{
	if (*slot != NULL && strcmp(*slot, value) != 0)
		return cli_usage_error("%s given twice ('%s', then '%s'): give it once", option,
				       *slot, value);
	*slot = value;
	return 0;
}

/* Whether a zone-file name ends in an unescaped dot. */
static int name_is_absolute(const char *name)
{
	size_t n = strlen(name), bs = 0;

	if (n == 0 || name[n - 1] != '.')
		return 0;
	while (bs + 1 < n && name[n - 2 - bs] == '\\')
		bs++;
	return bs % 2 == 0;
}

/*
 * --owner completed by --origin ('@' is the origin itself; a relative
 * name gets it appended), or refused for nsupdate, which reads names
 * without a zone's origin.  Returns 0, or the usage error's status.
 */
static int owner_complete(struct create_opts *o)
{
	char why[256];
	size_t len;

	if (o->origin != NULL) {
		if (o->owner == NULL)
			return cli_usage_error(
			    "--origin completes a relative --owner: give --owner "
			    "too (owners made from HOST are absolute)");
		if (strcmp(o->origin, "@") == 0 ||
		    cli_owner_check(o->origin, why, sizeof(why)) != 0)
			return cli_usage_error(
			    "--origin %s", strcmp(o->origin, "@") == 0 ? "'@' names no zone" : why);
	}
	if (o->owner == NULL || name_is_absolute(o->owner))
		return 0;
	if (o->origin == NULL) {
		if (!o->fmt->needs_absolute)
			return 0;
		if (strcmp(o->owner, "@") == 0)
			return cli_usage_error(
			    "--owner '@' stands for a zone's origin, which the %s "
			    "format cannot know: give --origin ZONE",
			    o->fmt->name);
		return cli_usage_error("--owner '%s' is relative, and the %s format needs absolute "
				       "names: end it with '.', or give --origin ZONE",
				       o->owner, o->fmt->name);
	}
	len = strlen(o->owner) + strlen(o->origin) + 3;
	o->owner_abs = malloc(len);
	if (o->owner_abs == NULL) {
		cli_error("out of memory");
		return 1;
	}
	if (strcmp(o->owner, "@") == 0)
		snprintf(o->owner_abs, len, "%s", o->origin);
	else
		snprintf(o->owner_abs, len, "%s.%s", o->owner, o->origin);
	if (!name_is_absolute(o->owner_abs))
		strcat(o->owner_abs, ".");
	if (cli_owner_check(o->owner_abs, why, sizeof(why)) != 0)
		return cli_usage_error("--owner with --origin: %s", why);
	o->owner = o->owner_abs;
	return 0;
}

/* Each single-valued option as given, to refuse a conflicting repeat. */
struct raw_opts {
	const char *u, *s, *m, *depth, *port, *proto, *starttls, *timeout, *ttl, *format;
	const char **ptexts; /* every --params, in order (the array is owned) */
	size_t nptexts;
};

#define HELP_SHOWN (-1)

/* One option of getopt_long's into o (or raw); 0, or the usage error's status. */
static int take_option(int c, struct create_opts *o, struct raw_opts *raw, char **argv)
{
	unsigned long v;
	int rc = 0;

	switch (c) {
	case 'c': return once(&o->cert, "--cert", optarg);
	case 'k': return once(&o->key, "--key", optarg);
	case OPT_CSR: return once(&o->csr, "--csr", optarg);
	case OPT_NEW_KEY: return once(&o->new_key, "--new-key", optarg);
	case OPT_KEY_TYPE: return once(&o->key_type, "--key-type", optarg);
	case OPT_PASSIN: return once(&o->passin, "--passin", optarg);
	/* Record parameters are read once --allow-private is known. */
	case 'u': return once(&raw->u, "--usage", optarg);
	case 's': return once(&raw->s, "--selector", optarg);
	case 'm': return once(&raw->m, "--mtype", optarg);
	case OPT_PARAMS:
		if (cli_push(&raw->ptexts, &raw->nptexts, optarg) == 0)
			return 0;
		cli_error("out of memory");
		return 1;
	case OPT_ALLOW_PRIVATE: o->allow_private = 1; return 0;
	case OPT_DEPTH:
		if ((rc = once(&raw->depth, "--depth", optarg)) != 0)
			return rc;
		if (strcmp(optarg, "all") == 0)
			o->depth_all = 1;
		else if (cli_parse_ulong(optarg, 0, 63, &v) == 0)
			o->depth = (long)v;
		else
			rc = cli_usage_error("--depth '%s': want 0-63 or all", optarg);
		return rc;
	case 'p':
		if ((rc = once(&raw->port, "--port", optarg)) != 0)
			return rc;
		return cli_target_port(&o->target, CLI_STYLE_CREATE, optarg);
	case OPT_PROTO:
		if ((rc = once(&raw->proto, "--proto", optarg)) != 0)
			return rc;
		return cli_target_proto(&o->target, CLI_STYLE_CREATE, optarg);
	case 't':
		if ((rc = once(&raw->starttls, "--starttls", optarg)) != 0)
			return rc;
		return cli_target_starttls(&o->target, CLI_STYLE_CREATE, optarg);
	case OPT_OWNER: return once(&o->owner, "--owner", optarg);
	case OPT_ORIGIN: return once(&o->origin, "--origin", optarg);
	case 'a': return once(&o->address, "--address", optarg);
	case OPT_SNI: return once(&o->sni, "--sni", optarg);
	case OPT_TIMEOUT:
		if ((rc = once(&raw->timeout, "--timeout", optarg)) != 0)
			return rc;
		return cli_target_timeout(&o->target, CLI_STYLE_CREATE, optarg);
	case OPT_TTL:
		if ((rc = once(&raw->ttl, "--ttl", optarg)) != 0)
			return rc;
		if (parse_ttl(optarg, &o->ttl) != 0)
			rc = cli_usage_error("--ttl '%s': want seconds, or units such as 1h",
					     optarg);
		return rc;
	case 'o':
		if ((rc = once(&raw->format, "--format", optarg)) != 0)
			return rc;
		o->fmt = out_format_find(optarg);
		if (o->fmt == NULL && strcmp(optarg, "both") == 0)
			rc = cli_usage_error("--format 'both' is hash-slinger's: run tlsa create "
					     "twice, with -o rfc and -o generic");
		else if (o->fmt == NULL)
			rc = cli_usage_error("--format '%s': unknown (want rfc, generic, rdata, "
					     "json or nsupdate)",
					     optarg);
		return rc;
	case OPT_MANIFEST: return once(&o->manifest, "--manifest", optarg);
	case 'q': cli.quiet = 1; return 0;
	case 'v': cli.verbose++; return 0;
	case 'h': help(); return HELP_SHOWN;
	default: return cli_option_error(argv, c);
	}
}

/* Every option into o and raw; 0, HELP_SHOWN, or the usage error's status. */
static int parse_options(int argc, char **argv, struct create_opts *o, struct raw_opts *raw)
{
	int c, rc;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":c:k:u:s:m:p:t:a:o:qvh", long_options, NULL)) != -1)
		if ((rc = take_option(c, o, raw, argv)) != 0)
			return rc;
	return 0;
}

/*
 * The records asked for: every --params, or -u -s -m (defaults 3 1 1),
 * never both.  0, or the usage error's status.
 */
static int record_params(struct create_opts *o, const struct raw_opts *raw)
{
	const char *text[3] = {raw->u, raw->s, raw->m}, *other;
	struct params p = {3, 1, 1}, q;
	uint8_t *val[3] = {&p.usage, &p.selector, &p.mtype};
	char why[256];
	size_t i;

	other = raw->u != NULL	 ? "--usage"
		: raw->s != NULL ? "--selector"
		: raw->m != NULL ? "--mtype"
				 : NULL;
	if (other != NULL && raw->nptexts > 0)
		return cli_usage_error("%s and --params both give record parameters: put every "
				       "record in --params",
				       other);
	for (i = 0; i < raw->nptexts; i++) {
		if (parse_params(raw->ptexts[i], o->allow_private, &q, why, sizeof(why)) != 0)
			return cli_usage_error("--params '%s': %s", raw->ptexts[i], why);
		if (add_params(o, &q) != 0) {
			cli_error("out of memory");
			return 1;
		}
	}
	for (i = 0; i < 3; i++)
		if (text[i] != NULL && field_value((tlsa_field)i, text[i], o->allow_private, val[i],
						   why, sizeof(why)) != 0)
			return cli_usage_error("%s '%s': %s", fields[i].option, text[i], why);
	if (o->nparams == 0 && add_params(o, &p) != 0) {
		cli_error("out of memory");
		return 1;
	}
	return 0;
}

/* --new-key: a key of its own, records it can give.  0, or the usage error's status. */
static int new_key_usage(const struct create_opts *o)
{
	size_t i;

	if (o->cert != NULL || o->key != NULL || o->csr != NULL || o->manifest != NULL)
		return cli_usage_error("--new-key makes the input: no --cert, --key, --csr or "
				       "--manifest with it");
	if (o->passin != NULL)
		return cli_usage_error("--new-key writes the key unencrypted (mode 0600): "
				       "--passin is not for it");
	if (o->new_key[0] == '\0' || strcmp(o->new_key, "-") == 0)
		return cli_usage_error("--new-key wants a file name to write the key to");
	if (o->address != NULL || o->sni != NULL)
		return cli_usage_error("--address and --sni are for fetching from HOST, "
				       "not with --new-key");
	for (i = 0; i < o->nparams; i++)
		if (o->params[i].selector != TLSA_SELECTOR_SPKI)
			return cli_usage_error("a new key has no certificate: selector %u is "
					       "not possible with --new-key (use 1, SPKI)",
					       (unsigned)o->params[i].selector);
	return 0;
}

/*
 * --new-key: make the key and write it to o->new_key, mode 0600, never
 * over an existing file: a temporary file beside it (mkstemp makes it
 * 0600), written and synced, then linked to the name (link() fails if
 * the name exists, so a race cannot overwrite either).  0, or 1 with the
 * error said.
 */
static int write_new_key(const struct create_opts *o)
{
	const char *type = o->key_type != NULL ? o->key_type : "ec:p256";
	char *pem = NULL, *tmp = NULL, *dir = NULL, *slash;
	size_t len = 0, off = 0;
	ssize_t n;
	tlsa_status st;
	int fd = -1, rc = 1, e, dfd;

	st = tlsa_key_generate(type, &pem, &len);
	if (st == TLSA_ERR_INVALID)
		return cli_usage_error("--key-type '%s': unknown (want %s)", type,
				       tlsa_key_gen_names());
	if (st != TLSA_OK) {
		cli_error("--new-key %s: cannot make a %s key: %s", o->new_key, type,
			  tlsa_strerror(st));
		return 1;
	}
	if (access(o->new_key, F_OK) == 0) {
		cli_error("--new-key %s: the file exists; it is never overwritten", o->new_key);
		goto out;
	}
	if (asprintf(&tmp, "%s.XXXXXX", o->new_key) < 0) {
		tmp = NULL;
		cli_error("out of memory");
		goto out;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		cli_error("--new-key %s: cannot create a file beside it: %s", o->new_key,
			  strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	while (off < len) {
		n = write(fd, pem + off, len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	if (off < len || fchmod(fd, 0600) != 0 || fsync(fd) != 0) {
		cli_error("--new-key %s: cannot write %s: %s", o->new_key, tmp, strerror(errno));
		goto out;
	}
	if (link(tmp, o->new_key) != 0) {
		e = errno;
		cli_error("--new-key %s: %s", o->new_key,
			  e == EEXIST ? "the file exists; it is never overwritten" : strerror(e));
		goto out;
	}
	/* The new name lasts only once its directory is on disk too. */
	dir = strdup(o->new_key);
	if (dir != NULL) {
		slash = strrchr(dir, '/');
		if (slash == NULL)
			strcpy(dir, ".");
		else
			slash[slash == dir] = '\0';
		dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dfd >= 0) {
			(void)fsync(dfd);
			close(dfd);
		}
	}
	cli_info(1, "wrote a new %s key to %s", type, o->new_key);
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (tmp != NULL)
		unlink(tmp);
	free(tmp);
	free(dir);
	if (pem != NULL) {
		OPENSSL_cleanse(pem, len);
		free(pem);
	}
	return rc;
}

/*
 * What was given makes one run: one input (or a HOST to fetch from), an
 * owner where the format needs one, a HOST that is a host name.  0, or
 * the usage error's status.
 */
static int check_inputs(struct create_opts *o, const char *host)
{
	char why[256];
	int inputs, hk;

	if (o->key_type != NULL && o->new_key == NULL)
		return cli_usage_error(
		    "--key-type is the type of a --new-key: give --new-key FILE");
	if (o->new_key != NULL && (hk = new_key_usage(o)) != 0)
		return hk;
	inputs = (o->cert != NULL) + (o->key != NULL) + (o->csr != NULL) + (o->manifest != NULL) +
		 (o->new_key != NULL);
	if (inputs > 1)
		return cli_usage_error("%s and %s are two inputs: give one of --cert, --key, --csr "
				       "and --manifest",
				       o->cert != NULL	? "--cert"
				       : o->key != NULL ? "--key"
							: "--csr",
				       o->manifest != NULL ? "--manifest"
				       : o->csr != NULL	   ? "--csr"
							   : "--key");
	if (o->manifest != NULL && (host != NULL || o->owner != NULL))
		return cli_usage_error("--manifest names its hosts: no HOST or --owner with it");
	if (inputs == 0 && host == NULL)
		return cli_usage_error("nothing to do: give --cert, --key, --csr, "
				       "--manifest, or a HOST to fetch from");
	if (o->manifest == NULL && o->fmt->needs_owner && host == NULL && o->owner == NULL)
		return cli_usage_error("the %s format needs an owner: give HOST or --owner "
				       "(or use -o rdata)",
				       o->fmt->name);
	if (inputs == 0 && host != NULL && strstr(host, "://") == NULL && host_is_a_file(host))
		return cli_usage_error("'%s' is a file, not a host: give it with --cert, --key "
				       "or --csr",
				       host);
	if (o->owner != NULL && cli_owner_check(o->owner, why, sizeof(why)) != 0)
		return cli_usage_error("--owner %s", why);
	if ((hk = owner_complete(o)) != 0)
		return hk;
	if (host != NULL && (hk = cli_host_check(host, why, sizeof(why))) != 0)
		return cli_usage_error("%s%s", why,
				       hk == CLI_HOST_PORT ? " (give the port with -p)"
				       : hk == CLI_HOST_ADDRESS && inputs == 0
					   ? " (give the host name, and the address to fetch from "
					     "with --address)"
					   : "");
	if (inputs > 0 && (o->address != NULL || o->sni != NULL))
		return cli_usage_error("--address and --sni are for fetching from HOST, "
				       "not with an input file");
	return 0;
}

static void opts_init(struct create_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->depth = -1;
	o->ttl = -1;
	cli_target_init(&o->target);
	o->fmt = out_format_find("rfc");
}

static void opts_free(struct create_opts *o)
{
	if (o->pass != NULL) {
		OPENSSL_cleanse(o->pass, strlen(o->pass));
		free(o->pass);
	}
	free(o->params);
	free(o->owner_abs);
}

/* Options, record parameters, HOST, the checks, the passphrase; then the run. */
int cmd_create(int argc, char **argv)
{
	struct create_opts o;
	struct raw_opts raw;
	const char *host = NULL;
	int rc;

	opts_init(&o);
	memset(&raw, 0, sizeof(raw));
	cli.cmd = "create";
	rc = parse_options(argc, argv, &o, &raw);
	if (rc == 0)
		rc = record_params(&o, &raw);
	free(raw.ptexts);
	if (rc != 0)
		goto done;
	if (optind < argc)
		host = argv[optind++];
	if (optind < argc) {
		rc = cli_usage_error("unexpected argument '%s'", argv[optind]);
		goto done;
	}
	cli_target_complete(&o.target, 0);
	if ((rc = check_inputs(&o, host)) != 0)
		goto done;
	if (o.passin != NULL && (rc = cli_passin_read(o.passin, &o.pass)) != 0)
		goto done;
	o.now = time(NULL);
	if (o.new_key != NULL) {
		/* Written first, then read back as --key: the records are the file's. */
		if ((rc = write_new_key(&o)) != 0)
			goto done;
		o.key = o.new_key;
	}
	rc = o.manifest != NULL ? create_manifest(&o) : create_one(&o, host);
done:
	opts_free(&o);
	return rc == HELP_SHOWN ? 0 : rc;
}
