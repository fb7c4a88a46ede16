/*
 * verify.c and key types: a server with several certificates (RSA and
 * ECDSA side by side, as Postfix, nginx and Dovecot serve them) is
 * checked on each, one session restricted to each family's signature
 * algorithms; a family the server does not have is "not offered", not a
 * failure.  Sessions run against in-process TLS servers: a socketpair for
 * tlsa_verify_fd(), a listener on 127.0.0.1 for tlsa_verify_each() (which
 * connects once per family).
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
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

static EVP_PKEY *ca_key, *rsa_key, *ec_key;
static X509 *ca, *rsa_leaf, *ec_leaf;

/* A server context holding each (cert, key) pair given, each with the CA. */
static SSL_CTX *server_ctx(int max_version, X509 *c1, EVP_PKEY *k1, X509 *c2, EVP_PKEY *k2)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());

	if (max_version != 0)
		SSL_CTX_set_max_proto_version(ctx, max_version);
	SSL_CTX_use_certificate(ctx, c1);
	SSL_CTX_use_PrivateKey(ctx, k1);
	SSL_CTX_add1_chain_cert(ctx, ca);
	if (c2 != NULL) {
		SSL_CTX_use_certificate(ctx, c2);
		SSL_CTX_use_PrivateKey(ctx, k2);
		SSL_CTX_add1_chain_cert(ctx, ca);
	}
	return ctx;
}

static void serve_one(SSL_CTX *ctx, int fd)
{
	struct timeval tv = {5, 0};
	char buf[256];
	SSL *ssl;

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	ssl = SSL_new(ctx);
	SSL_set_fd(ssl, fd);
	if (SSL_accept(ssl) == 1)
		while (SSL_read(ssl, buf, sizeof(buf)) > 0)
			;
	SSL_free(ssl);
	close(fd);
}

struct server {
	int fd; /* a socketpair's end, or a listener */
	SSL_CTX *ctx;
	int accepted;
};

static void *serve_pair(void *arg)
{
	struct server *s = arg;
	char hello[512];

	if (s->ctx != NULL) {
		serve_one(s->ctx, s->fd);
		return NULL;
	}
	/* As Dovecot and slapd do when no certificate fits: hang up without an alert. */
	if (read(s->fd, hello, sizeof(hello)) < 0)
		perror("read");
	close(s->fd);
	return NULL;
}

/* Every connection to the listener, one after the other, until it is shut down. */
static void *serve_listener(void *arg)
{
	struct server *s = arg;
	int c;

	while ((c = accept(s->fd, NULL, NULL)) >= 0) {
		s->accepted++;
		serve_one(s->ctx, c);
	}
	return NULL;
}

static tlsa_record *spki_record(EVP_PKEY *key)
{
	unsigned char *der = NULL, md[SHA256_DIGEST_LENGTH];
	int n = i2d_PUBKEY(key, &der);
	tlsa_record *rec = NULL;

	SHA256(der, (size_t)n, md);
	OPENSSL_free(der);
	tlsa_record_new(3, 1, 1, md, sizeof(md), &rec);
	return rec;
}

static void opts_init(tlsa_verify_opts *o, const tlsa_record *const *recs, size_t n)
{
	*o = (tlsa_verify_opts)TLSA_VERIFY_OPTS_INIT;
	o->base_domain = "host.test";
	o->records = recs;
	o->nrecords = n;
	o->timeout_ms = 5000;
}

/* One session over a socketpair, restricted to type (0: none). */
static tlsa_verify_result *pair_session(SSL_CTX *ctx, tlsa_key_type type,
					const tlsa_record *const *recs, size_t n)
{
	struct server s;
	tlsa_verify_opts o;
	tlsa_verify_result *r = NULL;
	pthread_t t;
	int sv[2];

	opts_init(&o, recs, n);
	o.key_type = type;
	socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
	s.fd = sv[1];
	s.ctx = ctx;
	pthread_create(&t, NULL, serve_pair, &s);
	(void)tlsa_verify_fd(sv[0], &o, &r);
	shutdown(sv[0], SHUT_RDWR);
	pthread_join(t, NULL);
	close(sv[0]);
	return r;
}

/* A listener on 127.0.0.1 serving ctx; its port in *port, or -1. */
static int listener(unsigned *port)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 || listen(fd, 8) != 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) != 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	*port = ntohs(sa.sin_port);
	return fd;
}

struct each {
	tlsa_status st;
	tlsa_verify_result **v;
	size_t n;
	int accepted;	  /* connections the server saw */
	char detail[600]; /* tlsa_error_detail() right after */
};

static struct each each_session(SSL_CTX *ctx, unsigned types, const tlsa_record *const *recs,
				size_t n)
{
	struct server s;
	struct each e;
	tlsa_verify_opts o;
	pthread_t t;
	unsigned port = 0;

	memset(&e, 0, sizeof(e));
	opts_init(&o, recs, n);
	s.fd = listener(&port);
	s.ctx = ctx;
	s.accepted = 0;
	pthread_create(&t, NULL, serve_listener, &s);
	e.st = tlsa_verify_each("127.0.0.1", port, &o, types, &e.v, &e.n);
	snprintf(e.detail, sizeof(e.detail), "%s", tlsa_error_detail());
	shutdown(s.fd, SHUT_RDWR);
	pthread_join(t, NULL);
	close(s.fd);
	e.accepted = s.accepted;
	return e;
}

static void each_free(struct each *e)
{
	size_t i;

	for (i = 0; i < e->n; i++)
		tlsa_verify_result_free(e->v[i]);
	free(e->v);
}

int main(void)
{
	const struct keytype rsa2048 = {"RSA 2048", "RSA", NULL, 2048};
	const struct keytype p256 = {"EC P-256", "EC", "P-256", 0};
	tlsa_record *rsa_ee, *ec_ee;
	const tlsa_record *both[2], *ec_only[1];
	SSL_CTX *dual, *rsa_only, *rsa_tls12, *rsa_kx;
	tlsa_verify_result *r;
	struct each e;
	unsigned mask = 0, port = 0;
	int fd;

	signal(SIGPIPE, SIG_IGN);
	fd = listener(&port);
	if (fd < 0) {
		printf("1..0 # SKIP cannot listen on 127.0.0.1\n");
		return 0;
	}
	close(fd);
	ca_key = make_key(&p256);
	rsa_key = make_key(&rsa2048);
	ec_key = make_key(&p256);
	ca = make_cert(ca_key, "Test CA", NULL, NULL, 1, -1, 3650);
	rsa_leaf = make_cert(rsa_key, "host.test", ca, ca_key, 0, -1, 300);
	ec_leaf = make_cert(ec_key, "host.test", ca, ca_key, 0, -1, 300);
	dual = server_ctx(0, rsa_leaf, rsa_key, ec_leaf, ec_key);
	rsa_only = server_ctx(0, rsa_leaf, rsa_key, NULL, NULL);
	rsa_tls12 = server_ctx(TLS1_2_VERSION, rsa_leaf, rsa_key, NULL, NULL);
	/* TLS 1.2 with RSA key exchange: no signature, yet still no ECDSA certificate. */
	rsa_kx = server_ctx(TLS1_2_VERSION, rsa_leaf, rsa_key, NULL, NULL);
	SSL_CTX_set_cipher_list(rsa_kx, "AES128-GCM-SHA256:AES256-GCM-SHA384");
	rsa_ee = spki_record(rsa_key);
	ec_ee = spki_record(ec_key);
	both[0] = rsa_ee;
	both[1] = ec_ee;
	ec_only[0] = ec_ee;

	/* ---- names and masks ---- */
	is_str(tlsa_key_type_name(TLSA_KEY_RSA), "RSA", "TLSA_KEY_RSA is called RSA");
	is_str(tlsa_key_type_name(TLSA_KEY_ED25519), "Ed25519",
	       "TLSA_KEY_ED25519 is called Ed25519");
	is_str(tlsa_key_type_name(TLSA_KEY_UNKNOWN), "unknown", "an unknown key type is 'unknown'");
	ok(tlsa_key_types_parse("rsa,ECDSA", &mask) == TLSA_OK &&
	       mask == (TLSA_KEY_RSA | TLSA_KEY_ECDSA),
	   "'rsa,ECDSA' parses to RSA and ECDSA, in any case");
	ok(tlsa_key_types_parse("all", &mask) == TLSA_OK && mask == (TLSA_KEY_FIRST | TLSA_KEY_ALL),
	   "'all' is an unrestricted session, then every family");
	ok(tlsa_key_types_parse("first", &mask) == TLSA_OK && mask == TLSA_KEY_FIRST,
	   "'first' is the unrestricted session alone");
	is_int(tlsa_key_types_parse("rsa,dsa", &mask), TLSA_ERR_INVALID, "'dsa' is not a family");
	is_int(tlsa_key_types_parse("rsa,", &mask), TLSA_ERR_INVALID,
	       "an empty list item is refused");
	is_int(tlsa_key_types_parse("", &mask), TLSA_ERR_INVALID, "an empty list is refused");

	/* ---- one session, restricted ---- */
	r = pair_session(dual, TLSA_KEY_RSA, both, 2);
	is_int(r->status, TLSA_OK, "restricted to RSA, a dual server is authenticated by 3 1 1");
	is_int(r->key_type, TLSA_KEY_RSA, "restricted to RSA, the server presents its RSA key");
	is_int(r->match_index, 0, "restricted to RSA, the RSA key's record matches");
	tlsa_verify_result_free(r);

	r = pair_session(dual, TLSA_KEY_ECDSA, both, 2);
	is_int(r->key_type, TLSA_KEY_ECDSA,
	       "restricted to ECDSA, the server presents its ECDSA key");
	is_int(r->match_index, 1, "restricted to ECDSA, the ECDSA key's record matches");
	tlsa_verify_result_free(r);

	r = pair_session(dual, TLSA_KEY_RSA, ec_only, 1);
	is_int(r->status, TLSA_ERR_NO_MATCH,
	       "restricted to RSA, a set with only the ECDSA key's record does not match");
	tlsa_verify_result_free(r);

	r = pair_session(dual, TLSA_KEY_UNKNOWN, both, 2);
	ok(r->status == TLSA_OK && (r->key_type == TLSA_KEY_RSA || r->key_type == TLSA_KEY_ECDSA),
	   "unrestricted, the key type the server picked is reported (%s)",
	   tlsa_key_type_name(r->key_type));
	tlsa_verify_result_free(r);

	r = pair_session(dual, TLSA_KEY_ED25519, both, 2);
	is_int(r->status, TLSA_ERR_NOT_OFFERED, "restricted to Ed25519, a dual server has none");
	ok(strstr(r->why, "no Ed25519 certificate") == r->why, "not offered is said in words (%s)",
	   r->why);
	tlsa_verify_result_free(r);

	r = pair_session(rsa_only, TLSA_KEY_ECDSA, both, 2);
	is_int(r->status, TLSA_ERR_NOT_OFFERED, "TLS 1.3: an RSA-only server offers no ECDSA key");
	tlsa_verify_result_free(r);

	r = pair_session(rsa_tls12, TLSA_KEY_ECDSA, both, 2);
	is_int(r->status, TLSA_ERR_NOT_OFFERED, "TLS 1.2: an RSA-only server offers no ECDSA key");
	tlsa_verify_result_free(r);

	r = pair_session(rsa_tls12, TLSA_KEY_RSA, both, 2);
	ok(r->status == TLSA_OK && strcmp(r->version, "TLSv1.2") == 0,
	   "TLS 1.2: restricted to RSA, the RSA key is authenticated (%s)", r->version);
	tlsa_verify_result_free(r);

	r = pair_session(rsa_kx, TLSA_KEY_ECDSA, both, 2);
	is_int(r->status, TLSA_ERR_NOT_OFFERED,
	       "TLS 1.2 with RSA key exchange: an ECDSA-only offer finds no ECDSA key either");
	tlsa_verify_result_free(r);

	r = pair_session(NULL, TLSA_KEY_RSA, both, 2);
	is_int(r->status, TLSA_ERR_NOT_OFFERED,
	       "a server that hangs up on an RSA-only hello, without an alert, has no RSA key");
	tlsa_verify_result_free(r);
	r = pair_session(NULL, TLSA_KEY_UNKNOWN, both, 2);
	is_int(r->status, TLSA_ERR_HANDSHAKE,
	       "a server that hangs up on an ordinary hello fails the handshake");
	tlsa_verify_result_free(r);

	/* ---- every family of a server ---- */
	e = each_session(dual, TLSA_KEY_FIRST | TLSA_KEY_ALL, ec_only, 1);
	is_int((int)e.n, 2, "a dual server is reported on two key types");
	ok(e.n == 2 && e.v[0]->key_type == TLSA_KEY_RSA && e.v[1]->key_type == TLSA_KEY_ECDSA,
	   "RSA is reported before ECDSA");
	ok(e.n == 2 && e.v[0]->status == TLSA_ERR_NO_MATCH && e.v[1]->status == TLSA_OK,
	   "only the ECDSA key's record: RSA does not match, ECDSA does");
	is_int(e.st, TLSA_ERR_NO_MATCH, "the series fails when one key type fails");
	is_int(e.accepted, 4, "one handshake per family: the first, then the three others");
	each_free(&e);

	e = each_session(dual, TLSA_KEY_FIRST | TLSA_KEY_ALL, both, 2);
	ok(e.st == TLSA_OK && e.n == 2, "records for both keys: both key types verified");
	each_free(&e);

	e = each_session(rsa_only, TLSA_KEY_FIRST | TLSA_KEY_ALL, both, 2);
	ok(e.st == TLSA_OK && e.n == 1 && e.v[0]->key_type == TLSA_KEY_RSA,
	   "an RSA-only server is reported on RSA alone: the families it lacks are left out");
	each_free(&e);

	e = each_session(dual, TLSA_KEY_FIRST, ec_only, 1);
	is_int((int)e.n, 1, "TLSA_KEY_FIRST alone: one session");
	is_int(e.accepted, 1, "TLSA_KEY_FIRST alone: one handshake");
	each_free(&e);

	e = each_session(dual, TLSA_KEY_ECDSA | TLSA_KEY_ED448, both, 2);
	ok(e.n == 1 && e.v[0]->key_type == TLSA_KEY_ECDSA && e.st == TLSA_OK,
	   "asked for ECDSA and Ed448: the ECDSA key alone is reported");
	is_int(e.accepted, 2, "asked for two families: two handshakes");
	each_free(&e);

	e = each_session(dual, TLSA_KEY_ED448, both, 2);
	ok(e.n == 1 && e.st == TLSA_ERR_NOT_OFFERED,
	   "asked for Ed448 only, of a server without: one result, not offered");
	ok(e.n == 1 && strstr(e.v[0]->why, "(Ed448)") != NULL,
	   "the result names the key type asked for (%s)", e.n == 1 ? e.v[0]->why : "");
	ok(e.n == 1 && strcmp(e.detail, e.v[0]->why) == 0,
	   "and the failure's detail in the error record is those words");
	each_free(&e);

	{
		tlsa_verify_opts o;
		tlsa_verify_result **v = NULL;
		size_t n = 0;

		opts_init(&o, both, 2);
		fd = listener(&port);
		close(fd); /* nothing listens there now */
		is_int(
		    tlsa_verify_each("127.0.0.1", port, &o, TLSA_KEY_FIRST | TLSA_KEY_ALL, &v, &n),
		    TLSA_ERR_CONNECT, "a refused connection fails the series");
		is_int((int)n, 1, "a refused connection is tried once, not once per family");
		while (n > 0)
			tlsa_verify_result_free(v[--n]);
		free(v);
		is_int(tlsa_verify_each("127.0.0.1", port, &o, 0x40, &v, &n), TLSA_ERR_INVALID,
		       "a mask with unknown bits is refused");
	}

	tlsa_record_free(rsa_ee);
	tlsa_record_free(ec_ee);
	SSL_CTX_free(dual);
	SSL_CTX_free(rsa_only);
	SSL_CTX_free(rsa_tls12);
	SSL_CTX_free(rsa_kx);
	X509_free(ca);
	X509_free(rsa_leaf);
	X509_free(ec_leaf);
	EVP_PKEY_free(ca_key);
	EVP_PKEY_free(rsa_key);
	EVP_PKEY_free(ec_key);
	return done_testing();
}
