/*
 * tlsa_strerror(): the words for each status code, and the library version.
 */
#include "config.h"

#include <tlsa.h>

const char *tlsa_strerror(tlsa_status status)
{
	/* One line a status, so that a message is found with grep.  No
	 * default: -Wswitch names a status left without words, and a number
	 * outside the enum falls through to "unknown error". */
	/* clang-format off */
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
	case TLSA_ERR_TTL: return "bad TTL (want seconds, or units such as 1h or 1d12h)";
	case TLSA_ERR_TTL_RANGE: return "TTL above 2147483647, which RFC 2181 section 8 reads as 0";

	case TLSA_ERR_EMPTY: return "empty file";
	case TLSA_ERR_PEM_BASE64: return "bad base64 in PEM block";
	case TLSA_ERR_PEM_TRUNCATED: return "truncated PEM: BEGIN line without a matching END line";
	case TLSA_ERR_DER: return "truncated or malformed DER";
	case TLSA_ERR_UNRECOGNISED: return "not a certificate, key or CSR in PEM or DER";
	case TLSA_ERR_WRONG_KIND: return "holds another kind of object than was asked for";
	case TLSA_ERR_PASSPHRASE: return "encrypted private key: passphrase missing or wrong";
	case TLSA_ERR_KEY: return "key cannot be decoded";
	case TLSA_ERR_SELECTOR_NEEDS_CERT: return "selector 0 (Cert) needs a certificate; a key or CSR has only selector 1 (SPKI)";
	case TLSA_ERR_DEPTH: return "no certificate at that depth of the chain";
	case TLSA_ERR_PEM_NONE: return "PEM file holds no certificate, key or CSR";

	case TLSA_ERR_ADDRESS: return "not a numeric IPv4 or IPv6 address";
	case TLSA_ERR_CONNECT: return "connection failed";
	case TLSA_ERR_TIMEOUT: return "timed out";
	case TLSA_ERR_CLOSED: return "server closed the connection";
	case TLSA_ERR_LINE_TOO_LONG: return "reply line too long";
	case TLSA_ERR_REPLY_TOO_LONG: return "reply has too many lines";
	case TLSA_ERR_PROTOCOL: return "server reply breaks the protocol";
	case TLSA_ERR_STARTTLS_REFUSED: return "server refused STARTTLS";
	case TLSA_ERR_STARTTLS_NOT_OFFERED: return "STARTTLS not offered";
	case TLSA_ERR_STARTTLS_UNSUPPORTED: return "STARTTLS for this protocol is not built yet";
	case TLSA_ERR_HANDSHAKE: return "TLS handshake failed";
	case TLSA_ERR_NO_MATCH: return "no TLSA record matches";
	case TLSA_ERR_NO_USABLE: return "no usable TLSA records";
	case TLSA_ERR_VERIFY: return "certificate verification failed";
	case TLSA_ERR_NOT_OFFERED: return "the server has no certificate of that key type";

	case TLSA_ERR_RESOLVER_ADDR: return "bad resolver address (want ADDR[@PORT], e.g. 127.0.0.1, ::1@5353 or [::1]@5353)";
	case TLSA_ERR_RESOLV_CONF: return "no usable nameserver in /etc/resolv.conf";
	case TLSA_ERR_ANCHOR_READ: return "cannot read the trust anchor file";
	case TLSA_ERR_ANCHOR_SYNTAX: return "trust anchor file: not a DS or DNSKEY record in zone-file format";
	case TLSA_ERR_ANCHOR_EMPTY: return "trust anchor file holds no DS or DNSKEY record";
	case TLSA_ERR_DNS_NAME: return "not a valid domain name";

	case TLSA_ERR_SERIAL_SYNTAX: return "bad serial (want auto, increment, date, unixtime, keep or a number 0-4294967295)";
	case TLSA_ERR_SERIAL_BACKWARDS: return "new serial is not greater than the old one in serial arithmetic (RFC 1982)";
	case TLSA_ERR_SERIAL_JUMP: return "serial jump of 2^31 or more, which secondaries read as going backwards (RFC 1982)";
	case TLSA_ERR_SERIAL_ZERO: return "serial 0 is refused (some software reads it as no serial)";
	case TLSA_ERR_ZONE_SYNTAX: return "zone file syntax error";
	case TLSA_ERR_ZONE_NO_SOA: return "no SOA record in the zone file";
	case TLSA_ERR_ZONE_SOA: return "bad SOA record";
	case TLSA_ERR_ZONE_SIGNED: return "zone is signed (holds RRSIG records)";
	case TLSA_ERR_ZONE_INCLUDE: return "cannot read $INCLUDE file";
	case TLSA_ERR_ZONE_IN_INCLUDE: return "records to change are in an included file";
	case TLSA_ERR_ZONE_RECORD: return "bad resource record";
	case TLSA_ERR_ZONE_NOT_TLSA: return "not a TLSA record";
	case TLSA_ERR_ZONE_ORIGIN: return "relative name and no origin";
	case TLSA_ERR_ZONE_CHECK: return "the new zone does not parse";
	case TLSA_ERR_ZONE_READBACK: return "records written did not read back as intended";
	case TLSA_ERR_ZONE_CHANGED: return "the file changed while it was being updated; nothing written, try again";
	case TLSA_ERR_ZONE_OWNER: return "cannot give the new file the owner and group of the old one";
	case TLSA_ERR_ZONE_CONFLICT: return "an owner is both removed and given records";
	case TLSA_ERR_ZONE_OUT_OF_ZONE: return "owner name outside the zone";
	case TLSA_ERR_ZONE_CNAME: return "CNAME and other data at the same name";
	case TLSA_ERR_ZONE_NOT_INCLUDED: return "the zone does not $INCLUDE the snippet";
	case TLSA_ERR_TSIG_KEY: return "not a TSIG key (a BIND key clause or ALGORITHM:NAME:SECRET)";
	case TLSA_ERR_TSIG_ALGORITHM: return "TSIG algorithm not supported (hmac-sha256, hmac-sha384, hmac-sha512)";
	case TLSA_ERR_TSIG_MODE: return "key file is accessible to other users (chmod 600 it)";
	case TLSA_ERR_TSIG_READ: return "cannot read the key file";
	case TLSA_ERR_UPDATE_RCODE: return "the server refused the update";
	case TLSA_ERR_UPDATE_RACE: return "the records kept changing under the update (concurrent updates); nothing sent took effect";
	case TLSA_ERR_UPDATE_ZONE: return "cannot find the zone of the owner";
	case TLSA_ERR_UPDATE_ANSWER: return "the server's answer cannot be trusted";
	case TLSA_ERR_UPDATE_NOT_SERVED: return "the update is not served yet";
	case TLSA_ERR_UPDATE_TOO_BIG: return "the update does not fit in one DNS message (65535 bytes); push fewer records at a time";
	}
	/* clang-format on */
	return "unknown error";
}

const char *tlsa_version(void)
{
	return PACKAGE_VERSION;
}
