/*
 * The input object: certificates (leaf first) or one key's
 * SubjectPublicKeyInfo, with the accessors callers read it through.
 *
 * Owns: tlsa_input's memory, adding a walked certificate, ordering a
 * chain by subject/issuer links, and the cheap facts of a certificate
 * (validity, cA) read from the walk.  Does not own: telling what a file
 * holds (load.c), the DER rules (der.c), decoding keys (key.c).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "input-internal.h"

const char *tlsa_kind_name(tlsa_kind kind)
{
	switch (kind) {
	case TLSA_KIND_CERT: return "a certificate";
	case TLSA_KIND_PUBKEY: return "a public key";
	case TLSA_KIND_PRIVKEY: return "a private key";
	case TLSA_KIND_CSR: return "a certificate signing request";
	case TLSA_KIND_NONE:
	case TLSA_KIND_ANY: break;
	}
	return "nothing usable";
}

tlsa_input *tlsa_input_new(tlsa_kind kind)
{
	/* malloc, not calloc: glibc's calloc skips the per-thread cache. */
	tlsa_input *in = malloc(sizeof(*in));

	if (in == NULL)
		return NULL;
	memset(in, 0, sizeof(*in));
	in->kind = kind;
	return in;
}

void tlsa_input_free(tlsa_input *in)
{
	size_t i;

	if (in == NULL)
		return;
	if (in->kind == TLSA_KIND_CERT)
		for (i = 0; i < in->count; i++)
			free(in->certs[i].der);
	free(in->certs);
	free(in->spki);
	free(in);
}

tlsa_status tlsa_input_add_cert(tlsa_input *in, unsigned char *der, size_t len, int exact, int own)
{
	struct cert *nc, *c;
	size_t used;

	nc = realloc(in->certs, (in->count + 1) * sizeof(*nc));
	if (nc == NULL) {
		if (own)
			free(der);
		return TLSA_ERR_NOMEM;
	}
	in->certs = nc;
	c = &in->certs[in->count];
	memset(c, 0, sizeof(*c));
	if (own) {
		c->der = der;
	} else {
		c->der = malloc(len > 0 ? len : 1);
		if (c->der == NULL)
			return TLSA_ERR_NOMEM;
		memcpy(c->der, der, len);
	}
	c->len = len;
	if (tlsa_der_cert_walk(c->der, len, &c->parts, &used) != 0 || (exact && used != len)) {
		free(c->der);
		return TLSA_ERR_DER;
	}
	/* A TRUSTED CERTIFICATE carries OpenSSL's trust settings after it. */
	c->len = used;
	in->count++;
	return TLSA_OK;
}

static int span_eq(const struct span *a, const struct span *b)
{
	return a->len == b->len && a->len > 0 && memcmp(a->p, b->p, a->len) == 0;
}

/*
 * The leaf is the first certificate (in file order) that issued none of
 * the others; then each issuer in turn.  Certificates left over are
 * appended in file order and the chain is marked broken.
 */
tlsa_status tlsa_input_order_chain(tlsa_input *in)
{
	size_t n = in->count, i, j, k, leaf = 0, got = 0;
	struct cert *sorted;
	unsigned char *used;
	int found;

	if (n < 2)
		return TLSA_OK;
	sorted = calloc(n, sizeof(*sorted));
	used = calloc(n, 1);
	if (sorted == NULL || used == NULL) {
		free(sorted);
		free(used);
		return TLSA_ERR_NOMEM;
	}
	for (i = 0; i < n; i++) {
		found = 0;
		for (j = 0; j < n && !found; j++)
			if (j != i &&
			    !span_eq(&in->certs[j].parts.issuer, &in->certs[j].parts.subject) &&
			    span_eq(&in->certs[j].parts.issuer, &in->certs[i].parts.subject))
				found = 1;
		if (!found) {
			leaf = i;
			break;
		}
	}
	k = leaf;
	for (;;) {
		sorted[got++] = in->certs[k];
		used[k] = 1;
		if (span_eq(&in->certs[k].parts.issuer, &in->certs[k].parts.subject))
			break; /* self-issued: the top */
		for (j = 0; j < n; j++)
			if (!used[j] &&
			    span_eq(&in->certs[j].parts.subject, &in->certs[k].parts.issuer))
				break;
		if (j == n)
			break;
		k = j;
	}
	if (got < n)
		in->chain_flags |= TLSA_CHAIN_BROKEN;
	for (i = 0; i < n; i++)
		if (!used[i])
			sorted[got++] = in->certs[i];
	for (i = 0; i < n; i++)
		if (sorted[i].der != in->certs[i].der)
			in->chain_flags |= TLSA_CHAIN_REORDERED;
	free(in->certs);
	in->certs = sorted;
	free(used);
	return TLSA_OK;
}

tlsa_status tlsa_input_from_chain(const unsigned char *const *der, const size_t *len, size_t count,
				  tlsa_input **out)
{
	tlsa_input *in;
	tlsa_status st = TLSA_OK;
	size_t i;

	if (out == NULL || count == 0)
		return TLSA_ERR_INVALID;
	in = tlsa_input_new(TLSA_KIND_CERT);
	if (in == NULL)
		return TLSA_ERR_NOMEM;
	for (i = 0; i < count && st == TLSA_OK; i++)
		st = tlsa_input_add_cert(in, (unsigned char *)der[i], len[i], 1, 0);
	if (st == TLSA_OK)
		st = tlsa_input_order_chain(in);
	if (st != TLSA_OK) {
		tlsa_input_free(in);
		return st;
	}
	*out = in;
	return TLSA_OK;
}

/* ---- accessors ---------------------------------------------------------- */

tlsa_kind tlsa_input_kind(const tlsa_input *in)
{
	return in->kind;
}

unsigned tlsa_input_chain_flags(const tlsa_input *in)
{
	return in->chain_flags;
}

size_t tlsa_input_count(const tlsa_input *in)
{
	return in->count;
}

const unsigned char *tlsa_input_cert(const tlsa_input *in, size_t i, size_t *len)
{
	if (in->kind != TLSA_KIND_CERT || i >= in->count)
		return NULL;
	*len = in->certs[i].len;
	return in->certs[i].der;
}

const unsigned char *tlsa_input_spki(const tlsa_input *in, size_t i, size_t *len)
{
	if (i >= in->count)
		return NULL;
	if (in->kind != TLSA_KIND_CERT) {
		*len = in->spki_len;
		return in->spki;
	}
	*len = in->certs[i].parts.spki.len;
	return in->certs[i].parts.spki.p;
}

tlsa_status tlsa_input_validity(const tlsa_input *in, size_t i, time_t *not_before,
				time_t *not_after)
{
	if (in->kind != TLSA_KIND_CERT || i >= in->count)
		return TLSA_ERR_INVALID;
	if (tlsa_der_validity(&in->certs[i].parts.validity, not_before, not_after) != 0)
		return TLSA_ERR_DER;
	return TLSA_OK;
}

int tlsa_input_is_ca(const tlsa_input *in, size_t i)
{
	if (in->kind != TLSA_KIND_CERT || i >= in->count)
		return 0;
	return tlsa_der_is_ca(&in->certs[i].parts.exts);
}
