/*
 * libtlsa status codes.
 *
 * Owns: the tlsa_status enumeration, tlsa_strerror() and the accessors of
 * a failure's detail.  Every fallible library call returns one of these;
 * the library never prints.  Each area of the library has its own block
 * of numbers so that areas can grow without renumbering each other.
 */
#ifndef TLSA_STATUS_H
#define TLSA_STATUS_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum tlsa_status {
	TLSA_OK = 0,

	/* 1-99: general */
	TLSA_ERR_NOMEM = 1,	/* out of memory */
	TLSA_ERR_IO = 2,	/* read or write failed; see errno */
	TLSA_ERR_INVALID = 3,	/* bad argument to a library call */
	TLSA_ERR_INTERNAL = 4,	/* an OpenSSL or ldns call failed unexpectedly */
	TLSA_ERR_TOO_LARGE = 5, /* input larger than the library accepts */

	/* 100-199: records (record.c) */
	TLSA_ERR_SYNTAX = 100,	       /* not of the form "U S M HEX" or "\# LEN HEX" */
	TLSA_ERR_USAGE = 101,	       /* certificate usage not a number 0-255 or mnemonic */
	TLSA_ERR_SELECTOR = 102,       /* selector not a number 0-255 or mnemonic */
	TLSA_ERR_MTYPE = 103,	       /* matching type not a number 0-255 or mnemonic */
	TLSA_ERR_HEX = 104,	       /* bad hexadecimal digit or odd digit count */
	TLSA_ERR_NO_DATA = 105,	       /* certificate association data missing */
	TLSA_ERR_DATA_LENGTH = 106,    /* data length wrong for the matching type */
	TLSA_ERR_GENERIC_LENGTH = 107, /* RFC 3597 length differs from the data */
	TLSA_ERR_TTL = 108,	       /* TTL not seconds or NUMBER UNIT..., or past 32 bits */
	TLSA_ERR_TTL_RANGE = 109,      /* TTL above 2^31-1, which RFC 2181 reads as 0 */

	/* 200-299: inputs (load.c) and computing records (compute.c) */
	TLSA_ERR_EMPTY = 200,		    /* the input is empty */
	TLSA_ERR_PEM_BASE64 = 201,	    /* bad base64 inside a PEM block */
	TLSA_ERR_PEM_TRUNCATED = 202,	    /* BEGIN without a matching END */
	TLSA_ERR_DER = 203,		    /* DER is truncated or malformed */
	TLSA_ERR_UNRECOGNISED = 204,	    /* neither PEM nor DER of a known object */
	TLSA_ERR_WRONG_KIND = 205,	    /* holds another kind of object than asked */
	TLSA_ERR_PASSPHRASE = 206,	    /* encrypted key: passphrase missing or wrong */
	TLSA_ERR_KEY = 208,		    /* key cannot be decoded or has no public part */
	TLSA_ERR_SELECTOR_NEEDS_CERT = 209, /* selector 0 asked of a key or CSR */
	TLSA_ERR_DEPTH = 210,		    /* no certificate at that depth */
	TLSA_ERR_PEM_NONE = 211,	    /* PEM text with no object we read */

	/* 300-399: zone files and serials (zoneedit.c and its steps, serial.c) */
	TLSA_ERR_SERIAL_SYNTAX = 300,	  /* --serial not a policy name or 0-4294967295 */
	TLSA_ERR_SERIAL_BACKWARDS = 301,  /* new serial not greater than the old (RFC 1982) */
	TLSA_ERR_SERIAL_JUMP = 302,	  /* serial jump of 2^31 or more */
	TLSA_ERR_SERIAL_ZERO = 303,	  /* serial 0 asked for */
	TLSA_ERR_ZONE_SYNTAX = 310,	  /* zone file syntax the scanner cannot follow */
	TLSA_ERR_ZONE_NO_SOA = 311,	  /* no SOA record in the zone file */
	TLSA_ERR_ZONE_SOA = 312,	  /* SOA malformed, repeated or not where we can edit it */
	TLSA_ERR_ZONE_SIGNED = 313,	  /* zone holds RRSIG records */
	TLSA_ERR_ZONE_INCLUDE = 314,	  /* $INCLUDE file unreadable or nested too deep */
	TLSA_ERR_ZONE_IN_INCLUDE = 315,	  /* records to change live in an included file */
	TLSA_ERR_ZONE_RECORD = 316,	  /* a resource record does not parse */
	TLSA_ERR_ZONE_NOT_TLSA = 317,	  /* a given record is not a TLSA record */
	TLSA_ERR_ZONE_ORIGIN = 318,	  /* relative name and no origin to complete it */
	TLSA_ERR_ZONE_CHECK = 319,	  /* the new zone does not parse */
	TLSA_ERR_ZONE_READBACK = 320,	  /* written records did not read back as meant */
	TLSA_ERR_ZONE_CHANGED = 321,	  /* the file changed while we worked on it */
	TLSA_ERR_ZONE_OWNER = 322,	  /* cannot give the new file the old owner and group */
	TLSA_ERR_ZONE_CONFLICT = 323,	  /* an owner both removed and given records */
	TLSA_ERR_ZONE_OUT_OF_ZONE = 324,  /* an owner outside the zone's origin */
	TLSA_ERR_ZONE_CNAME = 325,	  /* a CNAME and other data at one name */
	TLSA_ERR_ZONE_NOT_INCLUDED = 326, /* the zone does not $INCLUDE the snippet */

	/* 400-499: DNS and DNSSEC (dns-*.c, dnssec.c) */
	TLSA_ERR_RESOLVER_ADDR = 400, /* resolver not of the form ADDR[@PORT] */
	TLSA_ERR_RESOLV_CONF = 401,   /* no usable nameserver in /etc/resolv.conf */
	TLSA_ERR_ANCHOR_READ = 402,   /* trust anchor file cannot be read */
	TLSA_ERR_ANCHOR_SYNTAX = 403, /* trust anchor file: not a resource record */
	TLSA_ERR_ANCHOR_EMPTY = 404,  /* trust anchor file: no DS or DNSKEY record */
	TLSA_ERR_DNS_NAME = 405,      /* not a valid domain name */

	/* 500-599: TLS, STARTTLS and verification (starttls.c, verify.c) */
	TLSA_ERR_ADDRESS = 500,		     /* not a numeric IPv4 or IPv6 address */
	TLSA_ERR_CONNECT = 501,		     /* TCP connection failed (refused, unreachable) */
	TLSA_ERR_TIMEOUT = 502,		     /* a network step took longer than the timeout */
	TLSA_ERR_CLOSED = 503,		     /* the server closed the connection mid-dialogue */
	TLSA_ERR_LINE_TOO_LONG = 504,	     /* a reply line longer than the reader accepts */
	TLSA_ERR_REPLY_TOO_LONG = 505,	     /* a reply of more lines than the reader accepts */
	TLSA_ERR_PROTOCOL = 506,	     /* the server's reply breaks its protocol */
	TLSA_ERR_STARTTLS_REFUSED = 507,     /* the server answered STARTTLS with an error */
	TLSA_ERR_STARTTLS_NOT_OFFERED = 508, /* the server does not offer STARTTLS */
	TLSA_ERR_STARTTLS_UNSUPPORTED = 509, /* no dialogue for this protocol yet */
	TLSA_ERR_HANDSHAKE = 510,	     /* the TLS handshake failed */
	TLSA_ERR_NO_MATCH = 511,	     /* the chain matches no usable TLSA record */
	TLSA_ERR_NO_USABLE = 512,	     /* none of the TLSA records given is usable */
	TLSA_ERR_VERIFY = 513,		     /* a record matched but the chain failed checks */
	TLSA_ERR_NOT_OFFERED = 514,	     /* the server has no certificate of the key type
						the session was restricted to */

	/* 600-699: dynamic updates and TSIG (update.c, tsig.c) */
	TLSA_ERR_TSIG_KEY = 600,	  /* a TSIG key file or text that does not parse */
	TLSA_ERR_TSIG_ALGORITHM = 601,	  /* a TSIG algorithm this library does not sign with */
	TLSA_ERR_TSIG_MODE = 602,	  /* a key file other users can read or write */
	TLSA_ERR_TSIG_READ = 603,	  /* a key file that cannot be read */
	TLSA_ERR_UPDATE_RCODE = 604,	  /* the server answered the UPDATE with an error */
	TLSA_ERR_UPDATE_RACE = 605,	  /* the prerequisite kept failing: others update too */
	TLSA_ERR_UPDATE_ZONE = 606,	  /* the zone of an owner could not be found */
	TLSA_ERR_UPDATE_ANSWER = 607,	  /* the server's answer is unsigned, forged or malformed */
	TLSA_ERR_UPDATE_NOT_SERVED = 608, /* what was pushed is not served within the wait */
	TLSA_ERR_UPDATE_TOO_BIG = 609,	  /* the UPDATE does not fit in one DNS message */
} tlsa_status;

/* A short phrase for the status, never NULL, e.g. "bad base64 in PEM block". */
const char *tlsa_strerror(tlsa_status status);

/*
 * The detail of a failure: one way for every call.  A call that can say
 * more than its status (which line of a file, which name, what the server
 * answered) records it for the calling thread before it returns a status
 * other than TLSA_OK; read it right after that call:
 *   tlsa_error_detail()  the failure in words, "" when there are none
 *   tlsa_error_file()    the file it was found in, "" when none
 *   tlsa_error_line()    the 1-based line in that file, 0 when none
 * The strings are the library's, valid until the next libtlsa call on the
 * same thread.  The calls that record a detail clear it on entry, so a
 * failure without one reads as "", "" and 0; they are listed under ERRORS
 * in libtlsa(3).  Never NULL.
 */
const char *tlsa_error_detail(void);
const char *tlsa_error_file(void);
unsigned long tlsa_error_line(void);

#ifdef __cplusplus
}
#endif
#endif
