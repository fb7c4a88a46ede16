/*
 * Live verification: one TLS session per address, judged by OpenSSL's
 * DANE verifier.
 *
 * Owns: the TCP connection (non-blocking connect under a deadline), the
 * handshake under a deadline, feeding the TLSA RRset to OpenSSL, and
 * reading back what it decided.  The STARTTLS dialogue is starttls.c's.
 * Matching is never done here: OpenSSL decides.  We only compute, for
 * the report, which presented certificate each record describes (so an
 * admin sees "published for the old key" without a second tool) and the
 * leaf's SPKI digest for the mismatch message.
 *
 * Two rules keep a failure from passing as success:
 * - the handshake runs with SSL_VERIFY_NONE so that a failed check still
 *   shows the chain; success is decided afterwards, from the verify result
 *   AND a DANE match (SSL_get0_dane_authority), never from the handshake;
 * - when no record is usable, OpenSSL would fall back to PKIX; we report
 *   TLSA_ERR_NO_USABLE instead, whatever PKIX said.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <tlsa/compute.h>
#include <tlsa/verify.h>

#include "error-internal.h"
#include "net-internal.h"
#include "opts-internal.h"

#define DEFAULT_TIMEOUT_MS 10000
#define CHAIN_MAX	   32

const char *tlsa_rec_state_name(tlsa_rec_state state)
{
	switch (state) {
	case TLSA_REC_MATCHED: return "matched";
	case TLSA_REC_UNMATCHED: return "not matched";
	case TLSA_REC_UNUSABLE: return "unusable";
	case TLSA_REC_IGNORED: return "ignored";
	}
	return "unknown";
}

/* ---- key types --------------------------------------------------------------- */

/*
 * The signature algorithms that make a server pick one family's
 * certificate (RFC 8446 section 4.2.3; TLS 1.2 uses the same code
 * points).  RSA-PSS keys (rsa_pss_pss_*) count as RSA.
 */
static const struct family {
	tlsa_key_type type;
	const char *name, *word, *sigalgs;
} families[] = {
    {TLSA_KEY_RSA, "RSA", "rsa",
     "rsa_pss_rsae_sha256:rsa_pss_rsae_sha384:rsa_pss_rsae_sha512:"
     "rsa_pss_pss_sha256:rsa_pss_pss_sha384:rsa_pss_pss_sha512:"
     "rsa_pkcs1_sha256:rsa_pkcs1_sha384:rsa_pkcs1_sha512"},
    {TLSA_KEY_ECDSA, "ECDSA", "ecdsa",
     "ecdsa_secp256r1_sha256:ecdsa_secp384r1_sha384:ecdsa_secp521r1_sha512"},
    {TLSA_KEY_ED25519, "Ed25519", "ed25519", "ed25519"},
    {TLSA_KEY_ED448, "Ed448", "ed448", "ed448"},
};
#define NFAMILIES (sizeof(families) / sizeof(families[0]))

static const struct family *family_of(tlsa_key_type type)
{
	size_t i;

	for (i = 0; i < NFAMILIES; i++)
		if (families[i].type == type)
			return &families[i];
	return NULL;
}

const char *tlsa_key_type_name(tlsa_key_type type)
{
	const struct family *f = family_of(type);

	return f != NULL ? f->name : "unknown";
}

tlsa_status tlsa_key_types_parse(const char *text, unsigned *mask)
{
	const char *p = text, *end;
	unsigned m = 0;
	size_t i, n;

	if (text == NULL || mask == NULL)
		return TLSA_ERR_INVALID;
	if (strcasecmp(text, "all") == 0) {
		*mask = TLSA_KEY_FIRST | TLSA_KEY_ALL;
		return TLSA_OK;
	}
	if (strcasecmp(text, "first") == 0) {
		*mask = TLSA_KEY_FIRST;
		return TLSA_OK;
	}
	for (;;) {
		end = strchr(p, ',');
		n = end != NULL ? (size_t)(end - p) : strlen(p);
		for (i = 0; i < NFAMILIES; i++)
			if (strlen(families[i].word) == n &&
			    strncasecmp(p, families[i].word, n) == 0)
				break;
		if (i == NFAMILIES)
			return TLSA_ERR_INVALID;
		m |= (unsigned)families[i].type;
		if (end == NULL)
			break;
		p = end + 1;
	}
	*mask = m;
	return TLSA_OK;
}

/* The family of a leaf certificate, or TLSA_KEY_UNKNOWN. */
static tlsa_key_type cert_key_type(X509 *x)
{
	EVP_PKEY *k = x != NULL ? X509_get0_pubkey(x) : NULL;

	switch (k != NULL ? EVP_PKEY_get_base_id(k) : EVP_PKEY_NONE) {
	case EVP_PKEY_RSA:
	case EVP_PKEY_RSA_PSS: return TLSA_KEY_RSA;
	case EVP_PKEY_EC: return TLSA_KEY_ECDSA;
	case EVP_PKEY_ED25519: return TLSA_KEY_ED25519;
	case EVP_PKEY_ED448: return TLSA_KEY_ED448;
	}
	return TLSA_KEY_UNKNOWN;
}

/*
 * Did the handshake fail because the server has no certificate for the
 * signature algorithms offered?  OpenSSL servers (Postfix, nginx, Python's
 * ssl) and GnuTLS answer with a handshake_failure alert, others with
 * insufficient_security; a server that sends a certificate of another
 * type anyway fails on our side for its signature.
 */
static int refused_family(void)
{
	unsigned long e = ERR_peek_last_error();
	int reason = ERR_GET_REASON(e);

	if (e == 0 || ERR_GET_LIB(e) != ERR_LIB_SSL)
		return 0;
	return reason == SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE ||
	       reason == SSL_R_TLSV1_ALERT_INSUFFICIENT_SECURITY ||
	       reason == SSL_R_NO_SHARED_CIPHER || reason == SSL_R_WRONG_SIGNATURE_TYPE ||
	       reason == SSL_R_NO_SUITABLE_SIGNATURE_ALGORITHM;
}

/* The first verification error OpenSSL met, and at which depth. */
struct first_error {
	int error;
	int depth;
};

static int note_error(int ok, X509_STORE_CTX *store)
{
	SSL *ssl = X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx());
	struct first_error *fe = ssl != NULL ? SSL_get_app_data(ssl) : NULL;

	if (!ok && fe != NULL && fe->error == X509_V_OK) {
		fe->error = X509_STORE_CTX_get_error(store);
		fe->depth = X509_STORE_CTX_get_error_depth(store);
	}
	return ok;
}

/* A result and the text it owns; the result's strings point here. */
struct result_store {
	tlsa_verify_result pub; /* first: a result is its store */
	char why[600];
	char version[16];
	char cipher[64];
};
#define STORE(r) ((struct result_store *)(r))

static tlsa_status fail(tlsa_verify_result *r, tlsa_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static tlsa_status fail(tlsa_verify_result *r, tlsa_status st, const char *fmt, ...)
{
	char why[sizeof(STORE(r)->why)];
	va_list ap;

	/* Through a copy: the words may quote the result's earlier ones. */
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	memcpy(STORE(r)->why, why, sizeof(why));
	r->status = st;
	return st;
}

/* A connected non-blocking socket, or -1 with r->why set. */
static int connect_to(const char *address, unsigned port, int timeout_ms, tlsa_verify_result *r)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t slen;
	int fd, err = 0, w;
	socklen_t elen = sizeof(err);
	char d[32];

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, address, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)port);
		slen = sizeof(*sin);
	} else if (inet_pton(AF_INET6, address, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)port);
		slen = sizeof(*sin6);
	} else {
		fail(r, TLSA_ERR_ADDRESS, "'%s' is not a numeric IPv4 or IPv6 address", address);
		return -1;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		fail(r, TLSA_ERR_CONNECT, "cannot make a socket: %s", strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&ss, slen) != 0) {
		if (errno != EINPROGRESS) {
			err = errno;
		} else {
			w = tlsa_wait_fd(fd, POLLOUT, tlsa_now_ms() + timeout_ms);
			if (w == 0) {
				close(fd);
				tlsa_duration(timeout_ms, d);
				fail(r, TLSA_ERR_TIMEOUT, "timed out after %s connecting", d);
				return -1;
			}
			if (w < 0)
				err = errno;
			else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &elen) != 0)
				err = errno;
		}
	}
	if (err != 0) {
		close(fd);
		fail(r, TLSA_ERR_CONNECT, "cannot connect: %s", strerror(err));
		return -1;
	}
	r->connected = 1;
	return fd;
}

/* OpenSSL's reason for the last failure, in a sentence, into buf. */
static void ssl_reason(char *buf, size_t size)
{
	unsigned long e = ERR_peek_last_error();
	const char *reason = e != 0 ? ERR_reason_error_string(e) : NULL;

	if (reason != NULL)
		snprintf(buf, size, "%s", reason);
	else if (e != 0)
		ERR_error_string_n(e, buf, size);
	else
		snprintf(buf, size, "unknown error");
}

static tlsa_status handshake(SSL *ssl, int fd, int timeout_ms, int starttls, tlsa_verify_result *r)
{
	long long deadline = tlsa_now_ms() + timeout_ms;
	char reason[256], d[32];
	int n, e, w;

	for (;;) {
		ERR_clear_error();
		errno = 0;
		n = SSL_connect(ssl);
		if (n == 1)
			return TLSA_OK;
		e = SSL_get_error(ssl, n);
		if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) {
			w = tlsa_wait_fd(fd, e == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline);
			if (w > 0)
				continue;
			tlsa_duration(timeout_ms, d);
			if (w == 0)
				return fail(r, TLSA_ERR_TIMEOUT,
					    "timed out after %s in the TLS handshake", d);
			return fail(r, TLSA_ERR_HANDSHAKE, "TLS handshake failed: %s",
				    strerror(errno));
		}
		if (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0) {
			if (errno == 0 || errno == ECONNRESET || errno == EPIPE)
				return fail(
				    r, TLSA_ERR_HANDSHAKE,
				    "server closed the connection during the TLS handshake");
			return fail(r, TLSA_ERR_HANDSHAKE, "TLS handshake failed: %s",
				    strerror(errno));
		}
		ssl_reason(reason, sizeof(reason));
		/* A plaintext greeting read as a TLS record: the port speaks STARTTLS. */
		if (!starttls && (strstr(reason, "wrong version number") != NULL ||
				  strstr(reason, "packet length too long") != NULL))
			return fail(
			    r, TLSA_ERR_HANDSHAKE,
			    "TLS handshake failed: %s (does the server want STARTTLS first?)",
			    reason);
		return fail(r, TLSA_ERR_HANDSHAKE, "TLS handshake failed: %s", reason);
	}
}

/*
 * The socket BIO, writing with MSG_NOSIGNAL: a server that closes
 * mid-handshake must give an error, not a SIGPIPE that kills the caller
 * (a library may not change the process's signal dispositions).
 */
static int write_nosignal(BIO *b, const char *buf, int len)
{
	int fd = -1;
	ssize_t n;

	BIO_get_fd(b, &fd);
	errno = 0;
	n = send(fd, buf, (size_t)len, MSG_NOSIGNAL);
	BIO_clear_retry_flags(b);
	if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		BIO_set_retry_write(b);
	return (int)n;
}

static BIO_METHOD *socket_method_new(void)
{
	const BIO_METHOD *sock = BIO_s_socket();
	BIO_METHOD *m = BIO_meth_new(BIO_TYPE_SOCKET, "tlsa socket");

	if (m == NULL)
		return NULL;
	if (BIO_meth_set_write(m, write_nosignal) != 1 ||
	    BIO_meth_set_read(m, BIO_meth_get_read(sock)) != 1 ||
	    BIO_meth_set_ctrl(m, BIO_meth_get_ctrl(sock)) != 1 ||
	    BIO_meth_set_create(m, BIO_meth_get_create(sock)) != 1 ||
	    BIO_meth_set_destroy(m, BIO_meth_get_destroy(sock)) != 1) {
		BIO_meth_free(m);
		return NULL;
	}
	return m;
}

/* The SPKI digest of r->chain's leaf, for the mismatch message. */
static void keep_spki(tlsa_verify_result *r)
{
	tlsa_record *spki = NULL;

	if (tlsa_record_compute(r->chain, 0, 3, 1, 1, &spki) == TLSA_OK) {
		memcpy(r->spki_sha256, spki->data, sizeof(r->spki_sha256));
		r->have_spki = 1;
		tlsa_record_free(spki);
	}
}

/* Keep the chain the server presented (leaf first) and the leaf's SPKI digest. */
static tlsa_status keep_chain(SSL *ssl, tlsa_verify_result *r)
{
	STACK_OF(X509) *sk = SSL_get_peer_cert_chain(ssl);
	unsigned char *der[CHAIN_MAX];
	const unsigned char *cder[CHAIN_MAX];
	size_t len[CHAIN_MAX], n = 0, i;
	tlsa_status st = TLSA_OK;
	int k;

	if (sk == NULL || sk_X509_num(sk) == 0)
		return TLSA_OK;
	for (i = 0; i < (size_t)sk_X509_num(sk) && n < CHAIN_MAX; i++) {
		der[n] = NULL;
		k = i2d_X509(sk_X509_value(sk, (int)i), &der[n]);
		if (k <= 0) {
			st = TLSA_ERR_INTERNAL;
			break;
		}
		cder[n] = der[n];
		len[n++] = (size_t)k;
	}
	if (st == TLSA_OK)
		st = tlsa_input_from_chain(cder, len, n, &r->chain);
	for (i = 0; i < n; i++)
		OPENSSL_free(der[i]);
	if (st == TLSA_OK)
		keep_spki(r);
	return st;
}

/* Why OpenSSL may refuse a record, from the record's own checks. */
static const char *unusable_why(const tlsa_record *rec)
{
	unsigned f = tlsa_record_check(rec);

	if (f & TLSA_CHECK_USAGE_UNKNOWN)
		return "unknown certificate usage";
	if (f & TLSA_CHECK_SELECTOR_UNKNOWN)
		return "unknown selector";
	if (f & TLSA_CHECK_MTYPE_UNKNOWN)
		return "unknown matching type";
	if (f & TLSA_CHECK_PRIVATE)
		return "private-use value (255)";
	if (f & TLSA_CHECK_EMPTY)
		return "no certificate association data";
	if (f & TLSA_CHECK_LENGTH)
		return "data length does not fit the matching type";
	if (rec->mtype == TLSA_MTYPE_FULL)
		return rec->selector == TLSA_SELECTOR_CERT ? "data is not a DER certificate"
							   : "data is not a DER public key";
	return "OpenSSL cannot use it";
}

/* Which presented certificate (depth) has rec's data, or -1: for the report only. */
static int presented_depth(const tlsa_input *chain, const tlsa_record *rec)
{
	size_t d, n = chain != NULL ? tlsa_input_count(chain) : 0;
	tlsa_record *mine;
	int equal;

	for (d = 0; d < n; d++) {
		if (tlsa_record_compute(chain, d, rec->usage, rec->selector, rec->mtype, &mine) !=
		    TLSA_OK)
			return -1;
		equal = tlsa_record_equal(mine, rec);
		tlsa_record_free(mine);
		if (equal)
			return (int)d;
	}
	return -1;
}

static int need_pkix(const tlsa_verify_opts *o)
{
	size_t i;

	if (o->smtp)
		return 0;
	for (i = 0; i < o->nrecords; i++)
		if (o->records[i]->usage == TLSA_USAGE_PKIX_TA ||
		    o->records[i]->usage == TLSA_USAGE_PKIX_EE)
			return 1;
	return 0;
}

/* A host name without its trailing dot, into buf ("" when it does not fit). */
static const char *undot(const char *name, char *buf, size_t size)
{
	size_t n = strlen(name);

	if (n > 0 && name[n - 1] == '.')
		n--;
	if (n >= size)
		n = 0;
	memcpy(buf, name, n);
	buf[n] = '\0';
	return buf;
}

/* Hand every record to OpenSSL; note which it took. */
static void add_records(SSL *ssl, const tlsa_verify_opts *o, tlsa_verify_result *r)
{
	size_t i;
	int n;

	for (i = 0; i < o->nrecords; i++) {
		const tlsa_record *rec = o->records[i];
		tlsa_rec_result *rr = &r->records[i];

		rr->depth = -1;
		rr->presented = -1;
		if (o->smtp &&
		    (rec->usage == TLSA_USAGE_PKIX_TA || rec->usage == TLSA_USAGE_PKIX_EE)) {
			rr->state = TLSA_REC_IGNORED;
			rr->why = "usages 0 and 1 are ignored for SMTP (RFC 7672 section 3.1.3)";
			continue;
		}
		ERR_clear_error();
		n = SSL_dane_tlsa_add(ssl, rec->usage, rec->selector, rec->mtype, rec->data,
				      rec->len);
		ERR_clear_error();
		if (n > 0) {
			rr->state = TLSA_REC_UNMATCHED;
			r->usable++;
		} else {
			rr->state = TLSA_REC_UNUSABLE;
			rr->why = unusable_why(rec);
		}
	}
}

/* After the handshake: what OpenSSL decided, in the result. */
static tlsa_status judge(SSL *ssl, const tlsa_verify_opts *o, const struct first_error *fe,
			 tlsa_verify_result *r)
{
	uint8_t u, s, m;
	const unsigned char *data;
	size_t dlen, i;
	int depth;
	char *hex;

	for (i = 0; i < o->nrecords; i++)
		if (r->records[i].state != TLSA_REC_IGNORED)
			r->records[i].presented = presented_depth(r->chain, o->records[i]);
	r->verify_error = SSL_get_verify_result(ssl);
	depth = SSL_get0_dane_authority(ssl, NULL, NULL);
	if (depth >= 0 && SSL_get0_dane_tlsa(ssl, &u, &s, &m, &data, &dlen) >= 0) {
		for (i = 0; i < o->nrecords; i++) {
			const tlsa_record *rec = o->records[i];

			if (r->records[i].state == TLSA_REC_UNMATCHED && rec->usage == u &&
			    rec->selector == s && rec->mtype == m && rec->len == dlen &&
			    memcmp(rec->data, data, dlen) == 0) {
				r->records[i].state = TLSA_REC_MATCHED;
				r->records[i].depth = depth;
				r->match_index = (int)i;
				r->match_depth = depth;
				break;
			}
		}
	}
	if (o->nrecords == 0 || r->usable == 0)
		return fail(r, TLSA_ERR_NO_USABLE, "no usable TLSA records");
	if (r->verify_error == X509_V_OK && r->match_index >= 0) {
		r->status = TLSA_OK;
		return TLSA_OK;
	}
	if (r->match_index < 0 &&
	    (r->verify_error == X509_V_ERR_DANE_NO_MATCH || r->verify_error == X509_V_OK)) {
		hex = r->have_spki ? tlsa_hex_string(r->spki_sha256, sizeof(r->spki_sha256)) : NULL;
		fail(r, TLSA_ERR_NO_MATCH, "no TLSA record matches: server SPKI sha256 %s",
		     hex != NULL ? hex : "unknown");
		free(hex);
		return r->status;
	}
	/*
	 * Another error: OpenSSL stops at the first one (an expired leaf, a
	 * name mismatch under DANE-TA) and keeps no match, so say that error.
	 */
	if (fe->error != X509_V_OK)
		return fail(r, TLSA_ERR_VERIFY, "certificate verification failed at depth %d: %s",
			    fe->depth, X509_verify_cert_error_string(fe->error));
	return fail(r, TLSA_ERR_VERIFY, "certificate verification failed: %s",
		    X509_verify_cert_error_string(r->verify_error));
}

/* ---- a shared context ------------------------------------------------------ */

struct tlsa_verify_ctx {
	SSL_CTX *plain; /* DANE only */
	SSL_CTX *pkix;	/* DANE and a CA store, for usages 0 and 1; NULL when it could
			   not be loaded (sessions then build their own and say why) */
};

static SSL_CTX *client_ctx_new(void)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());

	if (ctx == NULL || SSL_CTX_dane_enable(ctx) <= 0) {
		SSL_CTX_free(ctx);
		return NULL;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, note_error);
	return ctx;
}

tlsa_status tlsa_verify_ctx_new(const char *ca_file, const char *ca_path, tlsa_verify_ctx **out)
{
	tlsa_verify_ctx *c = calloc(1, sizeof(*c));
	int ok;

	*out = NULL;
	if (c == NULL)
		return TLSA_ERR_NOMEM;
	c->plain = client_ctx_new();
	c->pkix = client_ctx_new();
	if (c->plain == NULL || c->pkix == NULL) {
		tlsa_verify_ctx_free(c);
		ERR_clear_error();
		return TLSA_ERR_INTERNAL;
	}
	if (ca_file != NULL || ca_path != NULL)
		ok = SSL_CTX_load_verify_locations(c->pkix, ca_file, ca_path) == 1;
	else
		ok = SSL_CTX_set_default_verify_paths(c->pkix) == 1;
	if (!ok) {
		SSL_CTX_free(c->pkix);
		c->pkix = NULL;
	}
	ERR_clear_error();
	*out = c;
	return TLSA_OK;
}

void tlsa_verify_ctx_free(tlsa_verify_ctx *c)
{
	if (c == NULL)
		return;
	SSL_CTX_free(c->plain);
	SSL_CTX_free(c->pkix);
	free(c);
}

/* The shared context fit for o, with a reference of the caller's; NULL: build one. */
static SSL_CTX *shared_ctx(const tlsa_verify_opts *o)
{
	SSL_CTX *ctx;

	if (o->ctx == NULL)
		return NULL;
	ctx = o->nrecords > 0 && need_pkix(o) ? o->ctx->pkix : o->ctx->plain;
	if (ctx == NULL || SSL_CTX_up_ref(ctx) != 1)
		return NULL;
	return ctx;
}

/*
 * The context a session of o uses: the shared one, or its own (with the
 * CA store when a PKIX usage needs it).  NULL with r set on failure.
 */
static SSL_CTX *session_ctx(const tlsa_verify_opts *o, tlsa_verify_result *r)
{
	SSL_CTX *ctx = shared_ctx(o);
	char reason[256];

	if (ctx != NULL)
		return ctx;
	ctx = client_ctx_new();
	if (ctx == NULL)
		goto internal;
	if (o->nrecords > 0 && need_pkix(o)) {
		if (o->ca_file != NULL || o->ca_path != NULL) {
			if (SSL_CTX_load_verify_locations(ctx, o->ca_file, o->ca_path) != 1) {
				ssl_reason(reason, sizeof(reason));
				fail(r, TLSA_ERR_IO, "cannot load CA certificates from %s: %s",
				     o->ca_file != NULL ? o->ca_file : o->ca_path, reason);
				SSL_CTX_free(ctx);
				return NULL;
			}
		} else if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
			goto internal;
		}
	}
	return ctx;
internal:
	ssl_reason(reason, sizeof(reason));
	fail(r, TLSA_ERR_INTERNAL, "OpenSSL failed: %s", reason);
	SSL_CTX_free(ctx);
	return NULL;
}

/*
 * OpenSSL's DANE verifier on ssl, as every check uses it, live or
 * offline: the base domain and the other reference identifiers (names a
 * DANE-TA chain may carry), no name checks under DANE-EE, the time of
 * the check, and the records.  -1 when OpenSSL fails.
 */
static int dane_setup(SSL *ssl, const tlsa_verify_opts *o, const char *base, tlsa_verify_result *r)
{
	char name[256];
	size_t i;

	if (SSL_dane_enable(ssl, base[0] != '\0' ? base : NULL) <= 0)
		return -1;
	/* RFC 7671 section 5.1: DANE-EE(3) binds the key, not names. */
	SSL_dane_set_flags(ssl, DANE_FLAG_NO_DANE_EE_NAMECHECKS);
	for (i = 0; i < o->nnames; i++)
		if (SSL_add1_host(ssl, undot(o->names[i], name, sizeof(name))) != 1)
			return -1;
	if (o->at != 0)
		X509_VERIFY_PARAM_set_time(SSL_get0_param(ssl), o->at);
	add_records(ssl, o, r);
	return 0;
}

/* One session on a connected non-blocking socket, which stays open. */
static tlsa_status session_fd(int fd, const tlsa_verify_opts *o, tlsa_verify_result *r)
{
	SSL_CTX *ctx = NULL;
	SSL *ssl = NULL;
	BIO_METHOD *method = NULL;
	BIO *bio;
	struct first_error fe = {X509_V_OK, -1};
	tlsa_starttls_opts so = TLSA_STARTTLS_OPTS_INIT;
	char base[256], sni[256], name[256], reason[256];
	int timeout = o->timeout_ms > 0 ? o->timeout_ms : DEFAULT_TIMEOUT_MS;
	const struct family *fam = family_of(o->key_type);
	tlsa_status st;
	unsigned char ip[16];

	if (o->key_type != TLSA_KEY_UNKNOWN && fam == NULL)
		return fail(r, TLSA_ERR_INVALID, "key type %d is not one family", (int)o->key_type);

	undot(o->base_domain != NULL ? o->base_domain : "", base, sizeof(base));
	undot(o->sni != NULL ? o->sni : base, sni, sizeof(sni));
	if (o->starttls != NULL) {
		so.client_name = o->client_name;
		if (o->service_domain != NULL)
			so.server_name = undot(o->service_domain, name, sizeof(name));
		else
			so.server_name = base[0] != '\0' ? base : NULL;
		so.timeout_ms = timeout;
		st = tlsa_starttls_run(o->starttls, fd, &so);
		if (st != TLSA_OK) {
			snprintf(STORE(r)->why, sizeof(STORE(r)->why), "%s", tlsa_error_detail());
			r->status = st;
			goto out;
		}
	}
	r->tls_begun = 1;
	st = TLSA_ERR_INTERNAL;
	ctx = session_ctx(o, r);
	if (ctx == NULL)
		goto out;
	ssl = SSL_new(ctx);
	method = socket_method_new();
	if (ssl == NULL || method == NULL)
		goto internal;
	bio = BIO_new(method);
	if (bio == NULL)
		goto internal;
	BIO_set_fd(bio, fd, BIO_NOCLOSE);
	SSL_set_bio(ssl, bio, bio);
	SSL_set_app_data(ssl, &fe);
	/* SNI carries a host name, never an address literal (RFC 6066 section 3). */
	if (sni[0] != '\0' && inet_pton(AF_INET, sni, ip) != 1 &&
	    inet_pton(AF_INET6, sni, ip) != 1 && SSL_set_tlsext_host_name(ssl, sni) != 1)
		goto internal;
	if (o->key_type != TLSA_KEY_UNKNOWN && SSL_set1_sigalgs_list(ssl, fam->sigalgs) != 1)
		goto internal;
	if (o->nrecords > 0 && dane_setup(ssl, o, base, r) != 0)
		goto internal;
	st = handshake(ssl, fd, timeout, o->starttls != NULL, r);
	/*
	 * Dovecot and slapd hang up without an alert: a server that closes
	 * before it says hello to an offer of one family has none of it.
	 */
	if (st == TLSA_ERR_HANDSHAKE && fam != NULL &&
	    (refused_family() || SSL_get_state(ssl) == TLS_ST_CW_CLNT_HELLO))
		fail(r, TLSA_ERR_NOT_OFFERED,
		     "no %s certificate: the server refused a handshake offering only %s "
		     "signature algorithms (%s)",
		     fam->name, fam->name,
		     strncmp(r->why, "TLS handshake failed: ", 22) == 0 ? r->why + 22 : r->why);
	if (st != TLSA_OK)
		goto out;
	r->handshake = 1;
	snprintf(STORE(r)->version, sizeof(STORE(r)->version), "%s", SSL_get_version(ssl));
	snprintf(STORE(r)->cipher, sizeof(STORE(r)->cipher), "%s", SSL_get_cipher_name(ssl));
	st = keep_chain(ssl, r);
	if (st != TLSA_OK) {
		fail(r, st, "cannot keep the certificate chain: %s", tlsa_strerror(st));
		goto out;
	}
	r->key_type = cert_key_type(SSL_get0_peer_certificate(ssl));
	if (fam != NULL && r->key_type != fam->type) {
		/* No signature needed (RSA key exchange in TLS 1.2): it fell back. */
		fail(r, TLSA_ERR_NOT_OFFERED,
		     "no %s certificate: offered only %s signature algorithms, the server "
		     "presented its %s certificate",
		     fam->name, fam->name, tlsa_key_type_name(r->key_type));
		r->key_type = fam->type;
		ERR_clear_error();
		(void)SSL_shutdown(ssl);
		goto out;
	}
	st = judge(ssl, o, &fe, r);
	/* Say goodbye without waiting for the server's close_notify. */
	ERR_clear_error();
	(void)SSL_shutdown(ssl);
	goto out;
internal:
	ssl_reason(reason, sizeof(reason));
	fail(r, TLSA_ERR_INTERNAL, "OpenSSL failed: %s", reason);
out:
	ERR_clear_error();
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	BIO_meth_free(method); /* after SSL_free: the BIO used it until then */
	return r->status;
}

static tlsa_status session(const char *address, unsigned port, const tlsa_verify_opts *o,
			   tlsa_verify_result *r)
{
	int fd;

	fd = connect_to(address, port, o->timeout_ms > 0 ? o->timeout_ms : DEFAULT_TIMEOUT_MS, r);
	if (fd < 0)
		return r->status;
	session_fd(fd, o, r);
	close(fd);
	return r->status;
}

/* A result with one slot per record, or NULL when out of memory. */
static tlsa_verify_result *result_new(const tlsa_verify_opts *opts)
{
	struct result_store *store = calloc(1, sizeof(*store));
	tlsa_verify_result *r;

	if (store == NULL)
		return NULL;
	r = &store->pub;
	r->why = store->why;
	r->version = store->version;
	r->cipher = store->cipher;
	r->match_depth = -1;
	r->match_index = -1;
	r->key_type = opts->key_type;
	r->nrecords = opts->nrecords;
	if (opts->nrecords > 0) {
		r->records = calloc(opts->nrecords, sizeof(*r->records));
		if (r->records == NULL) {
			free(store);
			return NULL;
		}
	}
	r->status = TLSA_ERR_INTERNAL;
	return r;
}

/* The status of a session, its words also in the error record. */
static tlsa_status said(const tlsa_verify_result *r, tlsa_status st)
{
	tlsa_err_clear();
	if (st != TLSA_OK)
		tlsa_err_detail("%s", r->why);
	return st;
}

tlsa_status tlsa_verify_fd(int fd, const tlsa_verify_opts *opts_in, tlsa_verify_result **out)
{
	tlsa_verify_opts whole, *opts = &whole;
	tlsa_verify_result *r;
	int flags;

	tlsa_err_clear();
	*out = NULL;
	if (fd < 0 || TLSA_OPTS_COPY(&whole, opts_in) != 0 ||
	    (opts->nrecords > 0 && opts->records == NULL))
		return TLSA_ERR_INVALID;
	r = result_new(opts);
	if (r == NULL)
		return TLSA_ERR_NOMEM;
	*out = r;
	/* Every step waits with poll(): the socket must not block. */
	flags = fcntl(fd, F_GETFL);
	if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) != 0)
		return said(r, fail(r, TLSA_ERR_IO, "cannot make the socket non-blocking: %s",
				    strerror(errno)));
	r->connected = 1;
	return said(r, session_fd(fd, opts, r));
}

tlsa_status tlsa_verify(const char *address, unsigned port, const tlsa_verify_opts *opts_in,
			tlsa_verify_result **out)
{
	tlsa_verify_opts whole, *opts = &whole;
	tlsa_verify_result *r;

	tlsa_err_clear();
	*out = NULL;
	if (address == NULL || TLSA_OPTS_COPY(&whole, opts_in) != 0 || port == 0 || port > 65535 ||
	    (opts->nrecords > 0 && opts->records == NULL))
		return TLSA_ERR_INVALID;
	r = result_new(opts);
	if (r == NULL)
		return TLSA_ERR_NOMEM;
	*out = r;
	return said(r, session(address, port, opts, r));
}

/* ---- offline: a chain from a file ------------------------------------------ */

/* The chain's certificates as OpenSSL objects, leaf first; NULL on failure. */
static STACK_OF(X509) * chain_stack(const tlsa_input *chain)
{
	STACK_OF(X509) *sk = sk_X509_new_null();
	const unsigned char *der, *p;
	size_t i, len;
	X509 *x;

	for (i = 0; sk != NULL && i < tlsa_input_count(chain); i++) {
		p = der = tlsa_input_cert(chain, i, &len);
		x = der != NULL && len <= (size_t)LONG_MAX ? d2i_X509(NULL, &p, (long)len) : NULL;
		if (x == NULL || sk_X509_push(sk, x) <= 0) {
			X509_free(x);
			sk_X509_pop_free(sk, X509_free);
			return NULL;
		}
	}
	return sk;
}

/* A copy of chain for the result, which owns its own. */
static tlsa_status chain_copy(const tlsa_input *chain, tlsa_input **out)
{
	size_t i, n = tlsa_input_count(chain);
	const unsigned char **der = calloc(n + 1, sizeof(*der));
	size_t *len = calloc(n + 1, sizeof(*len));
	tlsa_status st = TLSA_ERR_NOMEM;

	if (der != NULL && len != NULL) {
		for (i = 0; i < n; i++)
			der[i] = tlsa_input_cert(chain, i, &len[i]);
		st = tlsa_input_from_chain(der, len, n, out);
	}
	free(der);
	free(len);
	return st;
}

/*
 * What a TLS client does with the chain a server sends (OpenSSL's
 * ssl_verify_cert_chain()), without the server: the same context, the
 * same SSL object set up by dane_setup(), its verify parameters and DANE
 * state handed to an X509_STORE_CTX, the leaf first and the whole chain
 * as untrusted certificates to build from.  judge() then reads the
 * verdict back from the SSL object exactly as after a handshake.
 */
static tlsa_status chain_session(const tlsa_input *chain, const tlsa_verify_opts *o,
				 tlsa_verify_result *r)
{
	SSL_CTX *ctx;
	SSL *ssl = NULL;
	X509_STORE_CTX *sctx = NULL;
	STACK_OF(X509) *sk = NULL;
	struct first_error fe = {X509_V_OK, -1};
	char base[256], reason[256];

	undot(o->base_domain != NULL ? o->base_domain : "", base, sizeof(base));
	ctx = session_ctx(o, r);
	if (ctx == NULL)
		return r->status;
	ssl = SSL_new(ctx);
	sk = chain_stack(chain);
	sctx = X509_STORE_CTX_new();
	if (ssl == NULL || sk == NULL || sctx == NULL)
		goto internal;
	SSL_set_app_data(ssl, &fe);
	if (o->nrecords > 0 && dane_setup(ssl, o, base, r) != 0)
		goto internal;
	if (X509_STORE_CTX_init(sctx, SSL_CTX_get_cert_store(ctx), sk_X509_value(sk, 0), sk) != 1 ||
	    X509_STORE_CTX_set_ex_data(sctx, SSL_get_ex_data_X509_STORE_CTX_idx(), ssl) != 1 ||
	    X509_STORE_CTX_set_default(sctx, "ssl_server") != 1 ||
	    X509_VERIFY_PARAM_set1(X509_STORE_CTX_get0_param(sctx), SSL_get0_param(ssl)) != 1)
		goto internal;
	if (o->nrecords > 0)
		X509_STORE_CTX_set0_dane(sctx, SSL_get0_dane(ssl));
	X509_STORE_CTX_set_verify_cb(sctx, note_error);
	ERR_clear_error();
	/* Its verdict is the context's error, read back below as after a handshake. */
	(void)X509_verify_cert(sctx);
	SSL_set_verify_result(ssl, X509_STORE_CTX_get_error(sctx));
	r->handshake = 1; /* the chain is had, as if presented */
	r->key_type = cert_key_type(sk_X509_value(sk, 0));
	if (chain_copy(chain, &r->chain) != TLSA_OK) {
		fail(r, TLSA_ERR_NOMEM, "cannot keep the certificate chain: %s",
		     tlsa_strerror(TLSA_ERR_NOMEM));
		goto out;
	}
	keep_spki(r);
	judge(ssl, o, &fe, r);
	goto out;
internal:
	ssl_reason(reason, sizeof(reason));
	fail(r, TLSA_ERR_INTERNAL, "OpenSSL failed: %s", reason);
out:
	ERR_clear_error();
	X509_STORE_CTX_free(sctx);
	sk_X509_pop_free(sk, X509_free);
	SSL_free(ssl);
	SSL_CTX_free(ctx);
	return r->status;
}

tlsa_status tlsa_verify_chain(const tlsa_input *chain, const tlsa_verify_opts *opts,
			      tlsa_verify_result **out)
{
	tlsa_verify_result *r;

	*out = NULL;
	if (chain == NULL || opts == NULL || tlsa_input_kind(chain) != TLSA_KIND_CERT ||
	    tlsa_input_count(chain) == 0 || (opts->nrecords > 0 && opts->records == NULL))
		return TLSA_ERR_INVALID;
	r = result_new(opts);
	if (r == NULL)
		return TLSA_ERR_NOMEM;
	*out = r;
	return chain_session(chain, opts, r);
}

/* Report order: RSA, ECDSA, Ed25519, Ed448, then anything else. */
static size_t family_rank(tlsa_key_type type)
{
	size_t i;

	for (i = 0; i < NFAMILIES; i++)
		if (families[i].type == type)
			return i;
	return NFAMILIES;
}

static int result_cmp(const void *pa, const void *pb)
{
	const tlsa_verify_result *a = *(tlsa_verify_result *const *)pa;
	const tlsa_verify_result *b = *(tlsa_verify_result *const *)pb;
	size_t x = family_rank(a->key_type), y = family_rank(b->key_type);

	return x < y ? -1 : x > y;
}

/* A session that failed before TLS, or in it for a reason no other family changes. */
static int ends_series(const tlsa_verify_result *r)
{
	return !r->handshake && r->status != TLSA_ERR_HANDSHAKE &&
	       r->status != TLSA_ERR_NOT_OFFERED;
}

tlsa_status tlsa_verify_each(const char *address, unsigned port, const tlsa_verify_opts *opts,
			     unsigned types, tlsa_verify_result ***out, size_t *nout)
{
	tlsa_verify_opts o;
	tlsa_verify_result **v, *r, *refused = NULL;
	unsigned seen = 0;
	size_t n = 0, i, len;
	tlsa_status st;

	*out = NULL;
	*nout = 0;
	if (TLSA_OPTS_COPY(&o, opts) != 0 || (types & ~(TLSA_KEY_FIRST | TLSA_KEY_ALL)) != 0 ||
	    types == 0)
		return TLSA_ERR_INVALID;
	v = calloc(NFAMILIES + 1, sizeof(*v));
	if (v == NULL)
		return TLSA_ERR_NOMEM;
	if (types & TLSA_KEY_FIRST) {
		o.key_type = TLSA_KEY_UNKNOWN;
		(void)tlsa_verify(address, port, &o, &r);
		if (r == NULL)
			goto nomem;
		v[n++] = r;
		seen |= (unsigned)r->key_type;
		if (!r->handshake)
			goto done; /* a restricted session would not get further */
	}
	for (i = 0; i < NFAMILIES; i++) {
		if (!(types & (unsigned)families[i].type) || (seen & (unsigned)families[i].type))
			continue;
		o.key_type = families[i].type;
		(void)tlsa_verify(address, port, &o, &r);
		if (r == NULL)
			goto nomem;
		if (r->status == TLSA_ERR_NOT_OFFERED) {
			tlsa_verify_result_free(refused);
			refused = r;
			continue;
		}
		v[n++] = r;
		seen |= (unsigned)families[i].type;
		if (ends_series(r))
			break;
	}
	if (n == 0 && refused != NULL) {
		/* Nothing asked for is there: say so, once, naming what was asked. */
		char asked[64] = "";

		for (i = 0; i < NFAMILIES; i++)
			if (types & (unsigned)families[i].type) {
				len = strlen(asked);
				snprintf(asked + len, sizeof(asked) - len, "%s%s",
					 len > 0 ? ", " : "", families[i].name);
			}
		snprintf(STORE(refused)->why, sizeof(STORE(refused)->why),
			 "no certificate of the key types asked for (%s): the server refused "
			 "handshakes offering only their signature algorithms",
			 asked);
		refused->key_type = TLSA_KEY_UNKNOWN;
		v[n++] = refused;
		refused = NULL;
	}
done:
	tlsa_verify_result_free(refused);
	qsort(v, n, sizeof(*v), result_cmp);
	st = TLSA_OK;
	tlsa_err_clear();
	for (i = 0; i < n && st == TLSA_OK; i++)
		st = said(v[i], v[i]->status);
	*out = v;
	*nout = n;
	return st;
nomem:
	for (i = 0; i < n; i++)
		tlsa_verify_result_free(v[i]);
	tlsa_verify_result_free(refused);
	free(v);
	return TLSA_ERR_NOMEM;
}

void tlsa_verify_result_free(tlsa_verify_result *res)
{
	if (res == NULL)
		return;
	tlsa_input_free(res->chain);
	free(res->records);
	free(res);
}

tlsa_status tlsa_fetch_chain(const char *address, unsigned port, const tlsa_verify_opts *opts,
			     tlsa_input **chain)
{
	tlsa_verify_opts o;
	tlsa_verify_result *r = NULL;
	tlsa_status st;

	tlsa_err_clear();
	*chain = NULL;
	if (TLSA_OPTS_COPY(&o, opts) != 0)
		return TLSA_ERR_INVALID;
	o.records = NULL;
	o.nrecords = 0;
	st = tlsa_verify(address, port, &o, &r);
	if (r == NULL)
		return st;
	if (r->handshake && r->chain != NULL) {
		*chain = r->chain;
		r->chain = NULL;
		st = TLSA_OK;
	} else {
		if (r->handshake) {
			st = TLSA_ERR_HANDSHAKE;
			snprintf(STORE(r)->why, sizeof(STORE(r)->why),
				 "server presented no certificate");
		}
		tlsa_err_detail("%s", r->why);
	}
	tlsa_verify_result_free(r);
	return st;
}
