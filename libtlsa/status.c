/*
 * tlsa_strerror(): the words for each status code, and the library version.
 */
#include "config.h"

#include <tlsa.h>

const char *tlsa_strerror(tlsa_status status)
{
	switch (status) {
	case TLSA_OK: return "success";
	case TLSA_ERR_NOMEM: return "out of memory";
	case TLSA_ERR_IO: return "read or write failed";
	case TLSA_ERR_INVALID: return "invalid argument";
	case TLSA_ERR_INTERNAL: return "internal error in a cryptographic or DNS library call";
	case TLSA_ERR_TOO_LARGE: return "input too large";

	case TLSA_ERR_SYNTAX: return "not a TLSA record (want \"USAGE SELECTOR MTYPE HEX\" or \"\\# LENGTH HEX\")";
	case TLSA_ERR_USAGE: return "bad certificate usage (want 0-255 or PKIX-TA, PKIX-EE, DANE-TA, DANE-EE, PrivCert)";
	case TLSA_ERR_SELECTOR: return "bad selector (want 0-255 or Cert, SPKI, PrivSel)";
	case TLSA_ERR_MTYPE: return "bad matching type (want 0-255 or Full, SHA2-256, SHA2-512, PrivMatch)";
	case TLSA_ERR_HEX: return "bad hexadecimal data";
	case TLSA_ERR_NO_DATA: return "certificate association data missing";
	case TLSA_ERR_DATA_LENGTH: return "data length does not fit the matching type (SHA2-256 is 32 bytes, SHA2-512 64)";
	case TLSA_ERR_GENERIC_LENGTH: return "RFC 3597 length does not match the data";

	case TLSA_ERR_EMPTY: return "empty file";
	case TLSA_ERR_PEM_BASE64: return "bad base64 in PEM block";
	case TLSA_ERR_PEM_TRUNCATED: return "truncated PEM: BEGIN line without a matching END line";
	case TLSA_ERR_DER: return "truncated or malformed DER";
	case TLSA_ERR_UNRECOGNISED: return "not a certificate, key or CSR in PEM or DER";
	case TLSA_ERR_WRONG_KIND: return "holds another kind of object than was asked for";
	case TLSA_ERR_PASSPHRASE: return "encrypted private key: passphrase missing or wrong (see --passin)";
	case TLSA_ERR_PASSIN: return "bad passphrase source (want env:VAR, file:PATH or fd:N)";
	case TLSA_ERR_KEY: return "key cannot be decoded";
	case TLSA_ERR_SELECTOR_NEEDS_CERT: return "selector 0 (Cert) needs a certificate; a key or CSR has only selector 1 (SPKI)";
	case TLSA_ERR_DEPTH: return "no certificate at that depth of the chain";
	case TLSA_ERR_PEM_NONE: return "PEM file holds no certificate, key or CSR";

	case TLSA_ERR_RESOLVER_ADDR: return "bad resolver address (want ADDR[@PORT], e.g. 127.0.0.1, ::1@5353 or [::1]@5353)";
	case TLSA_ERR_RESOLV_CONF: return "no usable nameserver in /etc/resolv.conf (give --resolver)";
	case TLSA_ERR_ANCHOR_READ: return "cannot read the trust anchor file";
	case TLSA_ERR_ANCHOR_SYNTAX: return "trust anchor file: not a DS or DNSKEY record in zone-file format";
	case TLSA_ERR_ANCHOR_EMPTY: return "trust anchor file holds no DS or DNSKEY record";
	case TLSA_ERR_DNS_NAME: return "not a valid domain name";
	case TLSA_STATUS_MAX: break;
	}
	return "unknown error";
}

const char *tlsa_version(void)
{
	return PACKAGE_VERSION;
}
