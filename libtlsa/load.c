/*
 * Loading an input from memory: telling whether it is PEM or DER and what
 * it holds, and handing each part to the one decoder that fits.
 *
 * Owns: tlsa_input_load() and its rules (which kinds a caller wants, a
 * file holding a chain and its key serving as either, the first key or
 * CSR block of a wanted kind).  PEM blocks come from pem.c, certificates
 * are walked by der.c, never decoded whole (a full decode costs some
 * forty times more than the walk), keys and CSRs go to key.c, and the
 * input object is input.c's.  Reading files is file.c's.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <tlsa/load.h>
#include "error-internal.h"
#include "input-internal.h"
#include "pem-internal.h"

/* Where a failure was found: the PEM line, and with TLSA_ERR_WRONG_KIND
 * the kind the input holds. */
struct load_where {
	unsigned long line;
	tlsa_kind found;
};

static tlsa_kind pem_kind(enum pem_type t)
{
	switch (t) {
	case PEM_CERT: return TLSA_KIND_CERT;
	case PEM_PUBKEY:
	case PEM_RSA_PUBKEY: return TLSA_KIND_PUBKEY;
	case PEM_PRIVKEY: return TLSA_KIND_PRIVKEY;
	case PEM_CSR: return TLSA_KIND_CSR;
	case PEM_OTHER: break;
	}
	return TLSA_KIND_NONE;
}

/* A certificate block's DER, handed to the input (no copy). */
static tlsa_status pem_cert(tlsa_input *in, struct pem_block *b)
{
	unsigned char *der = b->der, *shrunk;

	b->der = NULL;
	/*
	 * The block's buffer was sized for the rest of the file: give back
	 * what the later blocks of a chain took, not the few bytes of one
	 * certificate's padding (the shrunk buffer missed malloc's cache for
	 * the next file's block).
	 */
	if (b->der_alloc - b->der_len > 1024) {
		shrunk = realloc(der, b->der_len > 0 ? b->der_len : 1);
		if (shrunk != NULL)
			der = shrunk;
	}
	/* Not exact: TRUSTED CERTIFICATE has trust data after it. */
	return tlsa_input_add_cert(in, der, b->der_len, 0, 1);
}

/* Of the kinds present, the first wanted one: a chain, a public key, a private key, a CSR. */
static tlsa_kind pick_kind(unsigned present, unsigned want)
{
	tlsa_kind k;

	for (k = TLSA_KIND_CERT; k <= TLSA_KIND_CSR; k <<= 1)
		if ((present & want & k) != 0)
			return k;
	return TLSA_KIND_NONE;
}

/*
 * A PEM file: certificates make a chain; otherwise the first key or CSR
 * block of a wanted kind is used.  A file holding both a chain and its
 * key (as some servers want) serves as either.
 */
static tlsa_status load_pem(tlsa_input **out, const unsigned char *buf, size_t len, unsigned want,
			    const char *pass, struct load_where *where)
{
	struct pem_block *blocks = NULL;
	size_t n = 0, i;
	unsigned present = 0;
	tlsa_kind kind;
	tlsa_input *in = NULL;
	tlsa_status st;
	int trailing;

	st = tlsa_pem_split(buf, len, &blocks, &n, &where->line, &trailing);
	if (st != TLSA_OK)
		return st;
	for (i = 0; i < n; i++)
		present |= pem_kind(blocks[i].type);
	if (present == 0) {
		tlsa_pem_blocks_free(blocks, n);
		return TLSA_ERR_PEM_NONE;
	}
	kind = pick_kind(present, want);
	if (kind == TLSA_KIND_NONE) {
		where->found = pick_kind(present, TLSA_KIND_ANY);
		tlsa_pem_blocks_free(blocks, n);
		return TLSA_ERR_WRONG_KIND;
	}
	in = tlsa_input_new(kind);
	if (in == NULL) {
		tlsa_pem_blocks_free(blocks, n);
		return TLSA_ERR_NOMEM;
	}
	if (trailing)
		in->chain_flags |= TLSA_CHAIN_TRAILING;
	for (i = 0; i < n && st == TLSA_OK; i++) {
		struct pem_block *b = &blocks[i];

		if (pem_kind(b->type) != kind)
			continue;
		where->line = b->line;
		switch (b->type) {
		case PEM_CERT: st = pem_cert(in, b); break;
		case PEM_PUBKEY: st = tlsa_key_public_der(in, b->der, b->der_len); break;
		case PEM_RSA_PUBKEY: st = tlsa_key_rsa_public_der(in, b->der, b->der_len); break;
		case PEM_PRIVKEY: st = tlsa_key_private_pem(in, b->text, b->text_len, pass); break;
		case PEM_CSR: st = tlsa_key_csr_der(in, b->der, b->der_len); break;
		case PEM_OTHER: break;
		}
		if (kind != TLSA_KIND_CERT)
			break; /* one key or CSR */
	}
	if (st == TLSA_OK)
		where->line = 0;
	if (st == TLSA_OK && kind == TLSA_KIND_CERT)
		st = tlsa_input_order_chain(in);
	tlsa_pem_blocks_free(blocks, n);
	if (st != TLSA_OK) {
		tlsa_input_free(in);
		return st;
	}
	*out = in;
	return TLSA_OK;
}

/*
 * A DER file that is not a certificate, by its shape: into in, with
 * *found the kind it holds.
 */
static tlsa_status load_der_other(tlsa_input *in, const unsigned char *buf, size_t len,
				  unsigned want, const char *pass, tlsa_kind *found)
{
	enum der_shape shape = tlsa_der_shape(buf, len);
	tlsa_status st = TLSA_ERR_DER;
	int encrypted;

	switch (shape) {
	case DER_CSR:
		if (tlsa_key_csr_der(in, buf, len) == TLSA_OK) {
			*found = TLSA_KIND_CSR;
			st = TLSA_OK;
		}
		break;
	case DER_SPKI:
		if (tlsa_key_public_der(in, buf, len) == TLSA_OK) {
			*found = TLSA_KIND_PUBKEY;
			st = TLSA_OK;
		}
		break;
	case DER_PRIVATE_KEY:
	case DER_ENCRYPTED_KEY:
		encrypted = shape == DER_ENCRYPTED_KEY;
		/* Not wanted: recognise it as a key without decrypting it. */
		st = tlsa_key_private_der(in, buf, len, (want & TLSA_KIND_PRIVKEY) ? pass : NULL,
					  encrypted);
		if (st == TLSA_OK || (encrypted && st == TLSA_ERR_PASSPHRASE))
			*found = TLSA_KIND_PRIVKEY;
		if ((want & TLSA_KIND_PRIVKEY) == 0)
			st = *found ? TLSA_OK : TLSA_ERR_DER;
		else if (st != TLSA_OK && st != TLSA_ERR_PASSPHRASE)
			st = TLSA_ERR_DER;
		break;
	case DER_OTHER: break;
	}
	return st;
}

/* A DER file: a certificate (walked, not decoded), or else by its shape. */
static tlsa_status load_der(tlsa_input **out, const unsigned char *buf, size_t len, unsigned want,
			    const char *pass, struct load_where *where)
{
	tlsa_input *in;
	tlsa_kind found = TLSA_KIND_NONE;
	tlsa_status st;

	in = tlsa_input_new(TLSA_KIND_CERT);
	if (in == NULL)
		return TLSA_ERR_NOMEM;
	if (tlsa_input_add_cert(in, (unsigned char *)buf, len, 1, 0) == TLSA_OK) {
		found = TLSA_KIND_CERT;
		st = TLSA_OK;
	} else {
		/* Not a certificate: drop the slot the failed walk allocated. */
		free(in->certs);
		in->certs = NULL;
		st = load_der_other(in, buf, len, want, pass, &found);
	}
	in->kind = found;
	if (st == TLSA_OK && (found & want) == 0) {
		where->found = found;
		st = TLSA_ERR_WRONG_KIND;
	}
	if (st != TLSA_OK) {
		tlsa_input_free(in);
		return st;
	}
	*out = in;
	return TLSA_OK;
}

static tlsa_status input_load(const unsigned char *buf, size_t len, unsigned want, const char *pass,
			      tlsa_input **out, struct load_where *where)
{
	size_t i;

	if (out == NULL || (buf == NULL && len > 0))
		return TLSA_ERR_INVALID;
	for (i = 0; i < len; i++)
		if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\r' && buf[i] != '\n')
			break;
	if (i == len)
		return TLSA_ERR_EMPTY;
	if (len > INPUT_MAX)
		return TLSA_ERR_TOO_LARGE;
	if (buf[0] == 0x30 && !tlsa_pem_looks_like(buf, len))
		return load_der(out, buf, len, want, pass, where);
	if (tlsa_pem_looks_like(buf, len))
		return load_pem(out, buf, len, want, pass, where);
	return TLSA_ERR_UNRECOGNISED;
}

tlsa_status tlsa_input_load(const unsigned char *buf, size_t len, unsigned want, const char *pass,
			    tlsa_input **out)
{
	struct load_where where = {0, TLSA_KIND_NONE};
	tlsa_status st;

	tlsa_err_clear();
	st = input_load(buf, len, want, pass, out, &where);
	if (st != TLSA_OK) {
		tlsa_err_where(NULL, where.line);
		if (st == TLSA_ERR_WRONG_KIND)
			tlsa_err_detail("%s", tlsa_kind_name(where.found));
	}
	return st;
}
