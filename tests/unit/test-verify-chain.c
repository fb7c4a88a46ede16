/*
 * tlsa_verify_chain (verify.c): OpenSSL's DANE verifier on a chain held
 * in memory, no connection.  Certificates are made in memory
 * (certgen.h); the verdicts are those the live check reaches for the
 * same chain (tests/cli/check-chain.sh compares the two on a server).
 */
#include "config.h"

#include <string.h>
#include <time.h>

#include <openssl/x509.h>

#include <tlsa.h>

#include "certgen.h"
#include "tap.h"

/* An input of the certificates given, leaf first. */
static tlsa_input *chain_of(X509 *a, X509 *b)
{
	const unsigned char *der[2];
	unsigned char *owned[2] = {NULL, NULL};
	size_t len[2], n = 0, i;
	tlsa_input *in = NULL;

	owned[n] = cert_der(a, &len[n]);
	der[n] = owned[n];
	n++;
	if (b != NULL) {
		owned[n] = cert_der(b, &len[n]);
		der[n] = owned[n];
		n++;
	}
	if (tlsa_input_from_chain(der, len, n, &in) != TLSA_OK)
		in = NULL;
	for (i = 0; i < n; i++)
		OPENSSL_free(owned[i]);
	return in;
}

/* The record U S M for the certificate at depth d of chain. */
static tlsa_record *rec_of(const tlsa_input *chain, size_t d, int usage, int selector)
{
	tlsa_record *r = NULL;

	if (tlsa_record_compute(chain, d, (uint8_t)usage, (uint8_t)selector, 1, &r) != TLSA_OK)
		return NULL;
	return r;
}

static tlsa_status verify(const tlsa_input *chain, const tlsa_record *rec, const char *base,
			  const char *name, time_t at, tlsa_verify_result **r)
{
	tlsa_verify_opts o;
	const tlsa_record *set[1];
	const char *names[1];

	memset(&o, 0, sizeof(o));
	set[0] = rec;
	names[0] = name;
	o.base_domain = base;
	o.names = names;
	o.nnames = name != NULL;
	o.records = set;
	o.nrecords = rec != NULL;
	o.at = at;
	return tlsa_verify_chain(chain, &o, r);
}

int main(void)
{
	EVP_PKEY *ca_key = make_key(&keytypes[1]), *leaf_key = make_key(&keytypes[1]);
	X509 *ca = make_cert(ca_key, "Test CA", NULL, NULL, 1, -100, 3650);
	X509 *leaf = make_cert(leaf_key, "host.test", ca, ca_key, 0, -1, 30);
	X509 *old = make_cert(leaf_key, "host.test", ca, ca_key, 0, -60, -30);
	tlsa_input *chain = chain_of(leaf, ca), *expired = chain_of(old, ca),
		   *alone = chain_of(leaf, NULL);
	tlsa_record *ee = rec_of(chain, 0, 3, 1), *ta = rec_of(chain, 1, 2, 1);
	tlsa_verify_result *r = NULL;
	tlsa_verify_opts o;
	tlsa_status st;
	time_t now = time(NULL);

	ok(chain != NULL && expired != NULL && alone != NULL && ee != NULL && ta != NULL,
	   "the test chains and records were made");

	st = verify(chain, ee, "host.test", NULL, 0, &r);
	is_int(st, TLSA_OK, "3 1 1 of the leaf's key verifies the chain offline");
	ok(r != NULL && r->match_depth == 0 && r->match_index == 0 &&
	       r->records[0].state == TLSA_REC_MATCHED,
	   "it matched at depth 0, record 0");
	ok(r != NULL && !r->connected && r->handshake && r->version[0] == '\0' &&
	       r->cipher[0] == '\0',
	   "nothing was connected; the chain counts as presented, with no version or cipher");
	ok(r != NULL && r->chain != NULL && tlsa_input_count(r->chain) == 2 && r->have_spki &&
	       memcmp(r->spki_sha256, ee->data, 32) == 0,
	   "the result keeps its own copy of the chain and the leaf's SPKI digest");
	is_int(r != NULL ? (long long)r->key_type : -1, TLSA_KEY_ECDSA,
	       "the leaf's key type is reported");
	tlsa_verify_result_free(r);

	st = verify(chain, ta, "host.test", NULL, 0, &r);
	is_int(st, TLSA_OK, "2 1 1 of the CA verifies the chain");
	is_int(r != NULL ? r->match_depth : -2, 1, "and matches at depth 1");
	tlsa_verify_result_free(r);

	st = verify(chain, ta, "other.test", NULL, 0, &r);
	is_int(st, TLSA_ERR_VERIFY, "DANE-TA: a base domain the leaf does not carry fails");
	ok(r != NULL && strstr(r->why, "hostname mismatch") != NULL, "with OpenSSL's reason (%s)",
	   r != NULL ? r->why : "");
	tlsa_verify_result_free(r);
	st = verify(chain, ta, "other.test", "host.test", 0, &r);
	is_int(st, TLSA_OK, "DANE-TA: a name in opts->names the leaf carries passes");
	tlsa_verify_result_free(r);
	st = verify(chain, ee, "other.test", NULL, 0, &r);
	is_int(st, TLSA_OK, "DANE-EE: the leaf's names do not matter");
	tlsa_verify_result_free(r);

	st = verify(expired, ee, "host.test", NULL, 0, &r);
	is_int(st, TLSA_OK, "DANE-EE: an expired leaf still verifies (RFC 7671 5.1)");
	tlsa_verify_result_free(r);
	st = verify(expired, ta, "host.test", NULL, 0, &r);
	is_int(st, TLSA_ERR_VERIFY, "DANE-TA: an expired leaf fails");
	ok(r != NULL && strstr(r->why, "depth 0: certificate has expired") != NULL,
	   "and says the certificate at depth 0 has expired (%s)", r != NULL ? r->why : "");
	tlsa_verify_result_free(r);

	st = verify(chain, ta, "host.test", NULL, now + 90 * 86400, &r);
	is_int(st, TLSA_ERR_VERIFY, "opts->at after the leaf's expiry: DANE-TA fails");
	ok(r != NULL && strstr(r->why, "expired") != NULL, "as expired (%s)",
	   r != NULL ? r->why : "");
	tlsa_verify_result_free(r);
	st = verify(expired, ta, "host.test", NULL, now - 40 * 86400, &r);
	is_int(st, TLSA_OK, "opts->at within an old leaf's validity: DANE-TA verifies it");
	tlsa_verify_result_free(r);
	st = verify(chain, ta, "host.test", NULL, now - 10 * 86400, &r);
	ok(st == TLSA_ERR_VERIFY && r != NULL && strstr(r->why, "not yet valid") != NULL,
	   "opts->at before the leaf's notBefore: not yet valid (%s)", r != NULL ? r->why : "");
	tlsa_verify_result_free(r);

	st = verify(alone, ta, "host.test", NULL, 0, &r);
	is_int(st, TLSA_ERR_NO_MATCH, "DANE-TA: a chain without the pinned issuer does not match");
	tlsa_verify_result_free(r);

	st = verify(chain, NULL, "host.test", NULL, 0, &r);
	is_int(st, TLSA_ERR_NO_USABLE, "no records: never a success (no PKIX fallback)");
	tlsa_verify_result_free(r);

	memset(&o, 0, sizeof(o));
	r = (tlsa_verify_result *)&o;
	is_int(tlsa_verify_chain(NULL, &o, &r), TLSA_ERR_INVALID, "no chain is TLSA_ERR_INVALID");
	ok(r == NULL, "with no result");

	tlsa_record_free(ee);
	tlsa_record_free(ta);
	tlsa_input_free(chain);
	tlsa_input_free(expired);
	tlsa_input_free(alone);
	X509_free(ca);
	X509_free(leaf);
	X509_free(old);
	EVP_PKEY_free(ca_key);
	EVP_PKEY_free(leaf_key);
	return done_testing();
}
