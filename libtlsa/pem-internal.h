/*
 * Private to libtlsa: PEM splitting (pem.c) for the input loader
 * (load.c).  Not installed.
 */
#ifndef TLSA_PEM_INTERNAL_H
#define TLSA_PEM_INTERNAL_H

#include <stddef.h>

#include <tlsa/status.h>

enum pem_type { PEM_OTHER, PEM_CERT, PEM_PUBKEY, PEM_RSA_PUBKEY, PEM_PRIVKEY, PEM_CSR };

struct pem_block {
	enum pem_type type;
	const unsigned char *text; /* from the BEGIN line to after the END line */
	size_t text_len;
	unsigned char *der; /* decoded body (owned) */
	size_t der_len;
	size_t der_alloc;   /* what der was allocated with */
	unsigned long line; /* line of the BEGIN */
	int has_headers;    /* RFC 1421 headers: encrypted traditional key */
};

/*
 * Split PEM text into blocks, decoding each body; on bad base64 or a
 * broken block, *errline is the line.  *trailing: text after a block.
 */
tlsa_status tlsa_pem_split(const unsigned char *buf, size_t len, struct pem_block **out,
			   size_t *count, unsigned long *errline, int *trailing);
void tlsa_pem_blocks_free(struct pem_block *b, size_t n);

/* Whether buf holds a "-----BEGIN " at the start of a line. */
int tlsa_pem_looks_like(const unsigned char *buf, size_t len);

#endif
