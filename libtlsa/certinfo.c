/*
 * A certificate's details for reports: subject and issuer as RFC 2253
 * strings, validity and cA, from one DER certificate.
 *
 * Owns: tlsa_cert_info.  The certificate is walked, not decoded whole:
 * d2i_X509 also decodes the public key, and OpenSSL 3.0 builds a chain
 * of key decoders to do so, at about half a millisecond a certificate;
 * only the two names are decoded, by OpenSSL, to print them.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/x509.h>

#include <tlsa/load.h>
#include "der-internal.h"
#include "opts-internal.h"

static char *name_string(const X509_NAME *name)
{
	BIO *bio = BIO_new(BIO_s_mem());
	char *data, *s = NULL;
	long len;

	if (bio == NULL)
		return NULL;
	if (X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253) >= 0) {
		len = BIO_get_mem_data(bio, &data);
		s = malloc((size_t)len + 1);
		if (s != NULL) {
			memcpy(s, data, (size_t)len);
			s[len] = '\0';
		}
	}
	BIO_free(bio);
	return s;
}

/* A Name from its DER (a span of a certificate), in RFC 2253 form; NULL on error. */
static char *span_name_string(const struct span *sp)
{
	const unsigned char *p = sp->p;
	X509_NAME *name = d2i_X509_NAME(NULL, &p, (long)sp->len);
	char *s;

	if (name == NULL)
		return NULL;
	s = name_string(name);
	X509_NAME_free(name);
	return s;
}

static tlsa_status info_get(const unsigned char *der, size_t len, tlsa_cert_info *info)
{
	struct cert_parts c;
	size_t used;

	if (der == NULL || tlsa_der_cert_walk(der, len, &c, &used) != 0 || used != len)
		return TLSA_ERR_DER;
	if (tlsa_der_validity(&c.validity, &info->not_before, &info->not_after) != 0)
		return TLSA_ERR_DER;
	info->is_ca = tlsa_der_is_ca(&c.exts);
	info->subject = span_name_string(&c.subject);
	info->issuer = span_name_string(&c.issuer);
	if (info->subject == NULL || info->issuer == NULL) {
		tlsa_cert_info_clear(info);
		return TLSA_ERR_DER;
	}
	return TLSA_OK;
}

tlsa_status tlsa_cert_info_get(const unsigned char *der, size_t len, tlsa_cert_info *info)
{
	tlsa_cert_info whole = TLSA_CERT_INFO_INIT;
	tlsa_status st;

	if (info == NULL || tlsa_opts_size_ok(info) != 0)
		return TLSA_ERR_INVALID;
	st = info_get(der, len, &whole);
	TLSA_OPTS_GIVE(info, &whole); /* on failure: zeroes */
	return st;
}

void tlsa_cert_info_clear(tlsa_cert_info *info)
{
	tlsa_cert_info whole = TLSA_CERT_INFO_INIT;

	if (info == NULL || TLSA_OPTS_COPY(&whole, info) != 0)
		return;
	free(whole.subject);
	free(whole.issuer);
	whole = (tlsa_cert_info)TLSA_CERT_INFO_INIT;
	TLSA_OPTS_GIVE(info, &whole);
}
