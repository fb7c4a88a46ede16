/*
 * verify.c: OpenSSL's DANE verdicts as tlsa_verify_fd() reports them,
 * against an in-process TLS server on a socketpair (no network at all).
 *
 * Certificates are made in memory (certgen.h); the expected record data
 * comes from OpenSSL directly (i2d_PUBKEY and SHA-256), not from libtlsa.
 */
#include "config.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/sha.h>
#include <openssl/ssl.h>

#include <tlsa.h>

#include "certgen.h"
#include "tap.h"

enum mode { SRV_TLS, SRV_SMTP, SRV_CLOSE, SRV_PLAIN, SRV_SMTP_QUIT };

struct server {
	int fd;
	SSL_CTX *ctx;
	enum mode mode;
};

static void line(int fd)
{
	char c;

	while (read(fd, &c, 1) == 1 && c != '\n')
		;
}

static void say(int fd, const char *s)
{
	if (write(fd, s, strlen(s)) < 0)
		perror("write");
}

static void *serve(void *arg)
{
	struct server *s = arg;
	struct timeval tv = {5, 0};
	char buf[256];
	SSL *ssl;

	setsockopt(s->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	switch (s->mode) {
	case SRV_CLOSE: close(s->fd); return NULL;
	case SRV_PLAIN:
		say(s->fd, "220 mx.test ESMTP\r\n");
		line(s->fd);
		close(s->fd);
		return NULL;
	case SRV_SMTP_QUIT: /* hangs up after its greeting: the STARTTLS dialogue fails */
		say(s->fd, "220 mx.test ESMTP\r\n");
		line(s->fd);
		close(s->fd);
		return NULL;
	case SRV_SMTP:
		say(s->fd, "220 mx.test ESMTP\r\n");
		line(s->fd);
		say(s->fd, "250-mx.test\r\n250 STARTTLS\r\n");
		line(s->fd);
		say(s->fd, "220 go ahead\r\n");
		break;
	case SRV_TLS: break;
	}
	ssl = SSL_new(s->ctx);
	SSL_set_fd(ssl, s->fd);
	if (SSL_accept(ssl) == 1)
		while (SSL_read(ssl, buf, sizeof(buf)) > 0)
			;
	SSL_free(ssl);
	close(s->fd);
	return NULL;
}

static EVP_PKEY *ca_key, *leaf_key, *old_key, *other_key;
static X509 *ca, *leaf, *old;
static SSL_CTX *good_ctx, *old_ctx;

static SSL_CTX *server_ctx(X509 *cert, EVP_PKEY *key)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

	SSL_CTX_use_certificate(ctx, cert);
	SSL_CTX_use_PrivateKey(ctx, key);
	SSL_CTX_add1_chain_cert(ctx, ca);
	return ctx;
}

/* "U S M HEX" of the SPKI digest of key. */
static tlsa_record *spki_record(uint8_t usage, EVP_PKEY *key, size_t len)
{
	unsigned char *der = NULL, md[SHA256_DIGEST_LENGTH];
	int n = i2d_PUBKEY(key, &der);
	tlsa_record *rec = NULL;

	SHA256(der, (size_t)n, md);
	OPENSSL_free(der);
	tlsa_record_new(usage, 1, 1, md, len, &rec);
	return rec;
}

struct outcome {
	tlsa_status st;
	tlsa_verify_result *r;
};

/* The context sessions share (tlsa_verify_ctx), or NULL: each builds its own. */
static const tlsa_verify_ctx *shared;

/* One session against a server in mode, with records and options. */
static struct outcome session(SSL_CTX *ctx, enum mode mode, const tlsa_record *const *recs,
			      size_t n, const char *base, int smtp)
{
	struct server s;
	struct outcome o;
	pthread_t t;
	int sv[2];
	tlsa_verify_opts opts;

	opts = (tlsa_verify_opts)TLSA_VERIFY_OPTS_INIT;
	opts.base_domain = base;
	opts.records = recs;
	opts.nrecords = n;
	opts.smtp = smtp;
	opts.timeout_ms = 5000;
	opts.ctx = shared;
	opts.starttls = mode == SRV_SMTP || mode == SRV_PLAIN || mode == SRV_SMTP_QUIT
			    ? tlsa_starttls_find("smtp")
			    : NULL;
	if (mode == SRV_PLAIN)
		opts.starttls = NULL; /* speaking TLS to a plaintext greeting */
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	s.fd = sv[1];
	s.ctx = ctx;
	s.mode = mode;
	pthread_create(&t, NULL, serve, &s);
	o.st = tlsa_verify_fd(sv[0], &opts, &o.r);
	shutdown(sv[0], SHUT_RDWR);
	pthread_join(t, NULL);
	close(sv[0]);
	return o;
}

static void setup(void)
{
	const struct keytype p256 = {"EC P-256", "EC", "P-256", 0};

	ca_key = make_key(&p256);
	leaf_key = make_key(&p256);
	old_key = make_key(&p256);
	other_key = make_key(&p256);
	ca = make_cert(ca_key, "Test CA", NULL, NULL, 1, -1, 3650);
	leaf = make_cert(leaf_key, "host.test", ca, ca_key, 0, -1, 300);
	old = make_cert(old_key, "host.test", ca, ca_key, 0, -60, -30);
	good_ctx = server_ctx(leaf, leaf_key);
	old_ctx = server_ctx(old, old_key);
}

int main(void)
{
	tlsa_record *ee = NULL, *ta = NULL, *stranger = NULL, *short_rec = NULL, *pkix = NULL,
		    *old_ee = NULL;
	const tlsa_record *set[3];
	tlsa_verify_result *r = NULL;
	tlsa_verify_opts opts;
	struct outcome o;
	char *hex;

	/* The test's server writes with plain write(2); the library's client does not need this. */
	signal(SIGPIPE, SIG_IGN);
	setup();
	ee = spki_record(3, leaf_key, 32);
	ta = spki_record(2, ca_key, 32);
	stranger = spki_record(3, other_key, 32);
	short_rec = spki_record(3, leaf_key, 31);
	pkix = spki_record(1, leaf_key, 32);
	old_ee = spki_record(3, old_key, 32);

	set[0] = ee;
	o = session(good_ctx, SRV_TLS, set, 1, "host.test", 0);
	is_int(o.st, TLSA_OK, "3 1 1 of the server's key authenticates it");
	is_int(o.r->match_depth, 0, "3 1 1 matches at depth 0");
	is_int(o.r->match_index, 0, "the matching record is named by its index");
	is_int(o.r->records[0].state, TLSA_REC_MATCHED, "the record is reported matched");
	ok(o.r->handshake && o.r->version[0] != '\0' && o.r->cipher[0] != '\0',
	   "the TLS version and cipher are reported");
	is_int(tlsa_input_count(o.r->chain), 2, "the chain presented (leaf and CA) is kept");
	ok(o.r->have_spki && memcmp(o.r->spki_sha256, ee->data, 32) == 0,
	   "the leaf's SPKI digest is reported");
	tlsa_verify_result_free(o.r);

	set[0] = stranger;
	o = session(good_ctx, SRV_TLS, set, 1, "host.test", 0);
	is_int(o.st, TLSA_ERR_NO_MATCH, "a record of another key does not match");
	hex = tlsa_hex_string(ee->data, 32);
	ok(strstr(o.r->why, "no TLSA record matches: server SPKI sha256 ") == o.r->why &&
	       strstr(o.r->why, hex) != NULL,
	   "the mismatch names the server's SPKI digest");
	free(hex);
	is_int(o.r->records[0].state, TLSA_REC_UNMATCHED, "the record is reported not matched");
	is_int(o.r->records[0].presented, -1, "the record describes no certificate presented");
	tlsa_verify_result_free(o.r);

	set[0] = ta;
	o = session(good_ctx, SRV_TLS, set, 1, "host.test", 0);
	is_int(o.st, TLSA_OK, "2 1 1 of the issuing CA authenticates the server");
	is_int(o.r->match_depth, 1, "2 1 1 matches at depth 1");
	tlsa_verify_result_free(o.r);

	o = session(good_ctx, SRV_TLS, set, 1, "wrong.test", 0);
	is_int(o.st, TLSA_ERR_VERIFY, "2 1 1 checks the name: a wrong base domain fails");
	ok(strstr(o.r->why, "mismatch") != NULL, "the name failure is said in words (%s)",
	   o.r->why);
	tlsa_verify_result_free(o.r);

	set[0] = spki_record(2, other_key, 32);
	o = session(good_ctx, SRV_TLS, set, 1, "host.test", 0);
	is_int(o.st, TLSA_ERR_NO_MATCH,
	       "2 1 1 of a CA that issued nothing presented does not match");
	ok(strstr(o.r->why, "no TLSA record matches") == o.r->why,
	   "a failed trust-anchor search is 'no TLSA record matches' (%s)", o.r->why);
	tlsa_record_free((tlsa_record *)set[0]);
	tlsa_verify_result_free(o.r);

	set[0] = ee;
	o = session(good_ctx, SRV_TLS, set, 1, "wrong.test", 0);
	is_int(o.st, TLSA_OK, "3 1 1 binds the key, not names (RFC 7671 section 5.1)");
	tlsa_verify_result_free(o.r);

	set[0] = old_ee;
	o = session(old_ctx, SRV_TLS, set, 1, "host.test", 0);
	is_int(o.st, TLSA_OK, "3 1 1 matches an expired certificate (DANE-EE ignores dates)");
	tlsa_verify_result_free(o.r);

	set[0] = ta;
	o = session(old_ctx, SRV_TLS, set, 1, "host.test", 0);
	is_int(o.st, TLSA_ERR_VERIFY, "2 1 1 fails on an expired leaf");
	ok(strstr(o.r->why, "certificate has expired") != NULL, "the expiry is said in words");
	tlsa_verify_result_free(o.r);

	set[0] = short_rec;
	set[1] = ee;
	o = session(good_ctx, SRV_TLS, set, 2, "host.test", 0);
	is_int(o.st, TLSA_OK, "a usable record matches beside an unusable one");
	is_int(o.r->records[0].state, TLSA_REC_UNUSABLE, "a 31-byte SHA2-256 record is unusable");
	is_str(o.r->records[0].why, "data length does not fit the matching type",
	       "the unusable record says why");
	is_int(o.r->usable, 1, "one record of two is usable");
	tlsa_verify_result_free(o.r);

	o = session(good_ctx, SRV_TLS, set, 1, "host.test", 0);
	is_int(o.st, TLSA_ERR_NO_USABLE, "only unusable records never pass (no PKIX fallback)");
	tlsa_verify_result_free(o.r);

	set[0] = pkix;
	set[1] = ee;
	o = session(good_ctx, SRV_TLS, set, 2, "host.test", 1);
	is_int(o.st, TLSA_OK, "SMTP: 3 1 1 matches beside a PKIX-EE record");
	is_int(o.r->records[0].state, TLSA_REC_IGNORED, "SMTP: usage 1 is ignored (RFC 7672)");
	tlsa_verify_result_free(o.r);

	o = session(good_ctx, SRV_TLS, set, 1, "host.test", 1);
	is_int(o.st, TLSA_ERR_NO_USABLE, "SMTP: a set of only PKIX records has nothing usable");
	tlsa_verify_result_free(o.r);

	set[0] = ee;
	o = session(good_ctx, SRV_SMTP, set, 1, "host.test", 1);
	is_int(o.st, TLSA_OK, "SMTP STARTTLS then DANE-EE authenticates the server");
	ok(o.r->connected && o.r->tls_begun, "after the STARTTLS dialogue TLS has begun");
	tlsa_verify_result_free(o.r);

	/* tls_begun tells a failure in the STARTTLS dialogue from one in TLS. */
	o = session(good_ctx, SRV_SMTP_QUIT, set, 1, "host.test", 1);
	is_int(o.st, TLSA_ERR_CLOSED, "a server that hangs up after its greeting fails STARTTLS");
	ok(o.r->connected && !o.r->tls_begun,
	   "a failure in the STARTTLS dialogue is connected, TLS not begun");
	tlsa_verify_result_free(o.r);

	o = session(good_ctx, SRV_TLS, NULL, 0, "host.test", 0);
	is_int(o.st, TLSA_ERR_NO_USABLE, "with no records the session is never a success");
	ok(o.r->handshake && o.r->chain != NULL, "with no records the chain is still fetched");
	tlsa_verify_result_free(o.r);

	set[0] = ee;
	o = session(good_ctx, SRV_CLOSE, set, 1, "host.test", 0);
	is_int(o.st, TLSA_ERR_HANDSHAKE, "a server that closes at once fails the handshake");
	is_str(o.r->why, "server closed the connection during the TLS handshake",
	       "the early close is said in words");
	ok(o.r->connected && o.r->tls_begun && !o.r->handshake,
	   "a failed handshake of direct TLS has begun TLS, without a handshake");
	tlsa_verify_result_free(o.r);

	o = session(good_ctx, SRV_PLAIN, set, 1, "host.test", 0);
	is_int(o.st, TLSA_ERR_HANDSHAKE, "TLS to a plaintext greeting fails the handshake");
	ok(strstr(o.r->why, "STARTTLS first?") != NULL, "the failure hints at STARTTLS (%s)",
	   o.r->why);
	tlsa_verify_result_free(o.r);

	/* A shared context (a fleet's) reaches the same verdicts, session after session. */
	{
		tlsa_verify_ctx *vctx = NULL;
		int i, same = 1;

		is_int(tlsa_verify_ctx_new(NULL, NULL, &vctx), TLSA_OK,
		       "a shared TLS context is made");
		shared = vctx;
		for (i = 0; i < 3; i++) {
			set[0] = ee;
			o = session(good_ctx, SRV_TLS, set, 1, "host.test", 0);
			same &= o.st == TLSA_OK && o.r->match_depth == 0;
			tlsa_verify_result_free(o.r);
			set[0] = stranger;
			o = session(good_ctx, SRV_TLS, set, 1, "host.test", 0);
			same &= o.st == TLSA_ERR_NO_MATCH;
			tlsa_verify_result_free(o.r);
		}
		ok(same,
		   "with a shared context, 3 1 1 of the key matches and a stranger's does not, "
		   "three times over");
		set[0] = ta;
		o = session(good_ctx, SRV_TLS, set, 1, "host.test", 0);
		is_int(o.st, TLSA_OK,
		       "with a shared context, 2 1 1 of the CA authenticates the chain");
		tlsa_verify_result_free(o.r);
		set[0] = ta;
		o = session(good_ctx, SRV_TLS, set, 1, "other.test", 0);
		is_int(o.st, TLSA_ERR_VERIFY,
		       "with a shared context, DANE-TA still checks the name (no state is carried "
		       "over)");
		tlsa_verify_result_free(o.r);
		set[0] = pkix;
		o = session(good_ctx, SRV_TLS, set, 1, "host.test", 0);
		ok(o.st != TLSA_OK, "with a shared context, PKIX-EE still needs a trusted chain");
		tlsa_verify_result_free(o.r);
		shared = NULL;
		tlsa_verify_ctx_free(vctx);
	}

	opts = (tlsa_verify_opts)TLSA_VERIFY_OPTS_INIT;
	is_int(tlsa_verify("mx.example", 25, &opts, &r), TLSA_ERR_ADDRESS,
	       "a host name is not an address: tlsa_verify wants numbers");
	ok(r != NULL && strstr(r->why, "not a numeric") != NULL, "the address error is in words");
	ok(r != NULL && strcmp(tlsa_error_detail(), r->why) == 0,
	   "and the same words are the failure's detail in the error record");
	tlsa_verify_result_free(r);
	is_str(tlsa_rec_state_name(TLSA_REC_IGNORED), "ignored", "record states have names");

	tlsa_record_free(ee);
	tlsa_record_free(ta);
	tlsa_record_free(stranger);
	tlsa_record_free(short_rec);
	tlsa_record_free(pkix);
	tlsa_record_free(old_ee);
	SSL_CTX_free(good_ctx);
	SSL_CTX_free(old_ctx);
	X509_free(ca);
	X509_free(leaf);
	X509_free(old);
	EVP_PKEY_free(ca_key);
	EVP_PKEY_free(leaf_key);
	EVP_PKEY_free(old_key);
	EVP_PKEY_free(other_key);
	return done_testing();
}
