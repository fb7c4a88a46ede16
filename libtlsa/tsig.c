/*
 * TSIG keys (RFC 8945) in the forms people already have: the BIND `key`
 * clause that tsig-keygen and ddns-confgen write, Knot's
 * `[ALGORITHM:]NAME:SECRET` (knsupdate -y, keymgr), and the `key:`
 * section of a Knot configuration.  A key file others can read or write
 * is refused, as ssh refuses a private key.
 *
 * Owns: reading and checking keys.  Does not own signing or verifying
 * messages (update.c, through ldns).  A detail never quotes a secret.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ldns/ldns.h>
#include <openssl/evp.h>

#include <tlsa/update.h>
#include "error-internal.h"
#include "tsig-internal.h"

#define KEY_FILE_MAX 65536 /* a key file is a few lines */
#define B64	     "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="

static void wipe(void *p, size_t n)
{
	volatile unsigned char *v = p;

	while (n-- > 0)
		*v++ = 0;
}

void tlsa_tsig_key_free(tlsa_tsig_key *key)
{
	if (key == NULL)
		return;
	if (key->secret != NULL) {
		wipe(key->secret, key->secret_len);
		free(key->secret);
	}
	free(key->name);
	free(key->algorithm);
	free(key->ldns_alg);
	free(key);
}

const char *tlsa_tsig_key_name(const tlsa_tsig_key *key)
{
	return key->name;
}

const char *tlsa_tsig_key_algorithm(const tlsa_tsig_key *key)
{
	return key->algorithm;
}

/* ---- the pieces ------------------------------------------------------------ */

static const char *const algorithms[] = {"hmac-sha256", "hmac-sha384", "hmac-sha512"};

/* The algorithm's canonical name, or NULL: case does not matter, a final
 * dot neither. */
static const char *algorithm_of(const char *s, size_t n)
{
	size_t i;

	if (n > 0 && s[n - 1] == '.')
		n--;
	for (i = 0; i < sizeof(algorithms) / sizeof(algorithms[0]); i++)
		if (strlen(algorithms[i]) == n && strncasecmp(algorithms[i], s, n) == 0)
			return algorithms[i];
	return NULL;
}

/* The shown form of a token the user wrote (not a secret): printable
 * bytes, cut short. */
static void shown(const char *s, size_t n, char *out, size_t size)
{
	size_t i, j = 0;

	for (i = 0; i < n && j + 4 < size; i++)
		out[j++] = isprint((unsigned char)s[i]) ? s[i] : '?';
	if (i < n && j + 4 <= size) {
		memcpy(out + j, "...", 3);
		j += 3;
	}
	out[j] = '\0';
}

/* Build the key from its three parts; each is (pointer, length). */
static tlsa_status make_key(const char *alg, size_t alen, const char *name, size_t nlen,
			    const char *secret, size_t slen, tlsa_tsig_key **out)
{
	tlsa_tsig_key *key;
	const char *canon;
	char show[80], *ntext;
	ldns_rdf *dname;
	unsigned char *bin;
	size_t binmax;
	int binlen;

	canon = alen == 0 ? "hmac-sha256" : algorithm_of(alg, alen);
	if (canon == NULL) {
		shown(alg, alen, show, sizeof(show));
		tlsa_err_detail("algorithm %s", show);
		return TLSA_ERR_TSIG_ALGORITHM;
	}
	if (nlen == 0 || nlen > 253) {
		tlsa_err_detail(nlen == 0 ? "no key name" : "key name too long");
		return TLSA_ERR_TSIG_KEY;
	}
	ntext = malloc(nlen + 2);
	if (ntext == NULL)
		return TLSA_ERR_NOMEM;
	memcpy(ntext, name, nlen);
	ntext[nlen] = '\0';
	if (ntext[nlen - 1] != '.') {
		ntext[nlen] = '.';
		ntext[nlen + 1] = '\0';
	}
	dname = NULL;
	if (ldns_str2rdf_dname(&dname, ntext) != LDNS_STATUS_OK || dname == NULL ||
	    strpbrk(ntext, " \t\r\n\"\\;") != NULL) {
		ldns_rdf_deep_free(dname);
		shown(name, nlen, show, sizeof(show));
		tlsa_err_detail("key name %s is not a domain name", show);
		free(ntext);
		return TLSA_ERR_TSIG_KEY;
	}
	ldns_rdf_deep_free(dname);
	/* The secret: base64 of at least one byte (never shown). */
	binmax = slen / 4 * 3 + 4;
	bin = malloc(binmax);
	if (bin == NULL) {
		free(ntext);
		return TLSA_ERR_NOMEM;
	}
	key = calloc(1, sizeof(*key));
	if (key == NULL || (key->secret = malloc(slen + 1)) == NULL) {
		free(key);
		free(bin);
		free(ntext);
		return TLSA_ERR_NOMEM;
	}
	memcpy(key->secret, secret, slen);
	key->secret[slen] = '\0';
	key->secret_len = slen;
	key->name = ntext;
	binlen = slen == 0 || slen % 4 != 0 || strspn(key->secret, B64) != slen
		     ? -1
		     : EVP_DecodeBlock(bin, (const unsigned char *)key->secret, (int)slen);
	wipe(bin, binmax);
	free(bin);
	if (binlen <= 0) {
		tlsa_err_detail(slen == 0 ? "key %s has no secret" : "key %s: secret is not base64",
				key->name);
		tlsa_tsig_key_free(key);
		return TLSA_ERR_TSIG_KEY;
	}
	key->algorithm = strdup(canon);
	key->ldns_alg = malloc(strlen(canon) + 2);
	if (key->algorithm == NULL || key->ldns_alg == NULL) {
		tlsa_tsig_key_free(key);
		return TLSA_ERR_NOMEM;
	}
	sprintf(key->ldns_alg, "%s.", canon);
	*out = key;
	return TLSA_OK;
}

/* ---- BIND's key clause ------------------------------------------------------ */

struct lexer {
	const char *p, *end;
	unsigned long line;
};

/* The next token: a quoted string (without its quotes), one of { } ;, or
 * a run of other bytes.  Comments (#, //, C style) are skipped.  0 at the
 * end (or an unterminated string or comment). */
static int next_token(struct lexer *lx, const char **tok, size_t *len)
{
	for (;;) {
		while (lx->p < lx->end && isspace((unsigned char)*lx->p)) {
			if (*lx->p == '\n')
				lx->line++;
			lx->p++;
		}
		if (lx->p >= lx->end)
			return 0;
		if (*lx->p == '#' || (*lx->p == '/' && lx->p + 1 < lx->end && lx->p[1] == '/')) {
			while (lx->p < lx->end && *lx->p != '\n')
				lx->p++;
			continue;
		}
		if (*lx->p == '/' && lx->p + 1 < lx->end && lx->p[1] == '*') {
			lx->p += 2;
			while (lx->p + 1 < lx->end && !(lx->p[0] == '*' && lx->p[1] == '/')) {
				if (*lx->p == '\n')
					lx->line++;
				lx->p++;
			}
			if (lx->p + 1 >= lx->end)
				return 0;
			lx->p += 2;
			continue;
		}
		break;
	}
	if (*lx->p == '"') {
		const char *q = memchr(lx->p + 1, '"', (size_t)(lx->end - lx->p - 1));

		if (q == NULL || memchr(lx->p + 1, '\n', (size_t)(q - lx->p - 1)) != NULL)
			return 0;
		*tok = lx->p + 1;
		*len = (size_t)(q - lx->p - 1);
		lx->p = q + 1;
		return 1;
	}
	*tok = lx->p;
	if (*lx->p == '{' || *lx->p == '}' || *lx->p == ';') {
		lx->p++;
		*len = 1;
		return 1;
	}
	while (lx->p < lx->end && !isspace((unsigned char)*lx->p) && *lx->p != '{' &&
	       *lx->p != '}' && *lx->p != ';' && *lx->p != '"')
		lx->p++;
	*len = (size_t)(lx->p - *tok);
	return 1;
}

static int tok_is(const char *tok, size_t len, const char *word)
{
	return strlen(word) == len && strncasecmp(tok, word, len) == 0;
}

static tlsa_status parse_bind(const char *text, size_t len, tlsa_tsig_key **out)
{
	struct lexer lx = {text, text + len, 1};
	const char *tok, *name = NULL, *alg = NULL, *secret = NULL;
	size_t tlen, nlen = 0, alen = 0, slen = 0;

	/* key NAME { */
	while (next_token(&lx, &tok, &tlen))
		if (tok_is(tok, tlen, "key"))
			break;
	if (!next_token(&lx, &name, &nlen) || (nlen == 1 && strchr("{};", *name))) {
		tlsa_err_detail("line %lu: key clause without a name", lx.line);
		return TLSA_ERR_TSIG_KEY;
	}
	if (!next_token(&lx, &tok, &tlen) || !tok_is(tok, tlen, "{")) {
		tlsa_err_detail("line %lu: expected '{' after the key name", lx.line);
		return TLSA_ERR_TSIG_KEY;
	}
	/* algorithm ALG; secret "SECRET"; */
	for (;;) {
		const char *val, **slot;
		size_t vlen, *slotlen;

		if (!next_token(&lx, &tok, &tlen)) {
			tlsa_err_detail("line %lu: key clause not closed", lx.line);
			return TLSA_ERR_TSIG_KEY;
		}
		if (tok_is(tok, tlen, "}"))
			break;
		if (tok_is(tok, tlen, "algorithm")) {
			slot = &alg;
			slotlen = &alen;
		} else if (tok_is(tok, tlen, "secret")) {
			slot = &secret;
			slotlen = &slen;
		} else {
			char show[40];

			shown(tok, tlen, show, sizeof(show));
			tlsa_err_detail("line %lu: unknown statement %s in the key clause", lx.line,
					show);
			return TLSA_ERR_TSIG_KEY;
		}
		if (!next_token(&lx, &val, &vlen) || (vlen == 1 && strchr("{};", *val)) ||
		    !next_token(&lx, &tok, &tlen) || !tok_is(tok, tlen, ";")) {
			tlsa_err_detail("line %lu: expected a value and ';'", lx.line);
			return TLSA_ERR_TSIG_KEY;
		}
		*slot = val;
		*slotlen = vlen;
	}
	if (secret == NULL) {
		tlsa_err_detail("the key clause has no secret");
		return TLSA_ERR_TSIG_KEY;
	}
	if (alg == NULL) {
		tlsa_err_detail("the key clause has no algorithm");
		return TLSA_ERR_TSIG_KEY;
	}
	return make_key(alg, alen, name, nlen, secret, slen, out);
}

/* ---- Knot's forms ------------------------------------------------------------ */

static void trim(const char **s, size_t *n)
{
	while (*n > 0 && isspace((unsigned char)**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && isspace((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

/* [ALG:]NAME:SECRET on one line. */
static tlsa_status parse_colons(const char *s, size_t n, tlsa_tsig_key **out)
{
	const char *c1, *c2;

	trim(&s, &n);
	if (memchr(s, '\n', n) != NULL || (c1 = memchr(s, ':', n)) == NULL) {
		tlsa_err_detail("neither a BIND key clause nor [ALGORITHM:]NAME:SECRET");
		return TLSA_ERR_TSIG_KEY;
	}
	c2 = memchr(c1 + 1, ':', (size_t)(s + n - c1 - 1));
	if (c2 == NULL)
		return make_key(NULL, 0, s, (size_t)(c1 - s), c1 + 1, (size_t)(s + n - c1 - 1),
				out);
	if (memchr(c2 + 1, ':', (size_t)(s + n - c2 - 1)) != NULL) {
		tlsa_err_detail("more than ALGORITHM:NAME:SECRET");
		return TLSA_ERR_TSIG_KEY;
	}
	if (c1 == s) {
		tlsa_err_detail("empty algorithm before ':'");
		return TLSA_ERR_TSIG_KEY;
	}
	return make_key(s, (size_t)(c1 - s), c1 + 1, (size_t)(c2 - c1 - 1), c2 + 1,
			(size_t)(s + n - c2 - 1), out);
}

/* The value of "WORD: value" on a line (an optional "- " before it), or
 * NULL. */
static const char *yaml_value(const char *line, size_t n, const char *word, size_t *vlen)
{
	size_t w = strlen(word);

	trim(&line, &n);
	if (n >= 2 && line[0] == '-' && isspace((unsigned char)line[1])) {
		line += 2;
		n -= 2;
		trim(&line, &n);
	}
	if (n <= w || strncmp(line, word, w) != 0 || line[w] != ':')
		return NULL;
	line += w + 1;
	n -= w + 1;
	trim(&line, &n);
	if (n >= 2 && (line[0] == '"' || line[0] == '\'') && line[n - 1] == line[0]) {
		line++;
		n -= 2;
	}
	*vlen = n;
	return line;
}

/* A Knot configuration's "key:" section: the first entry with id,
 * algorithm and secret. */
static tlsa_status parse_knot_conf(const char *text, size_t len, tlsa_tsig_key **out)
{
	const char *p = text, *end = text + len, *nl, *v;
	const char *name = NULL, *alg = NULL, *secret = NULL;
	size_t nlen = 0, alen = 0, slen = 0, vlen, ll;
	int in_key = 0;

	for (; p < end; p = nl + 1) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		ll = (size_t)(nl - p);
		if (ll > 0 && !isspace((unsigned char)*p) && *p != '#') {
			if (name != NULL)
				break; /* the section ended */
			in_key = ll >= 4 && strncmp(p, "key:", 4) == 0;
			continue;
		}
		if (!in_key)
			continue;
		if ((v = yaml_value(p, ll, "id", &vlen)) != NULL) {
			if (name != NULL)
				break; /* the next entry */
			name = v;
			nlen = vlen;
		} else if ((v = yaml_value(p, ll, "algorithm", &vlen)) != NULL) {
			alg = v;
			alen = vlen;
		} else if ((v = yaml_value(p, ll, "secret", &vlen)) != NULL) {
			secret = v;
			slen = vlen;
		}
	}
	if (name == NULL || secret == NULL) {
		tlsa_err_detail("the key: section has no %s", name == NULL ? "id" : "secret");
		return TLSA_ERR_TSIG_KEY;
	}
	if (alg == NULL) {
		tlsa_err_detail("the key: section has no algorithm");
		return TLSA_ERR_TSIG_KEY;
	}
	return make_key(alg, alen, name, nlen, secret, slen, out);
}

/* Whether a line of text starts with word followed by white space, '"',
 * ':' or the end. */
static int has_line_starting(const char *text, size_t len, const char *word, int colon)
{
	const char *p = text, *end = text + len;
	size_t w = strlen(word);

	while (p < end) {
		const char *q = p;

		while (q < end && (*q == ' ' || *q == '\t'))
			q++;
		if ((size_t)(end - q) >= w + (colon ? 1 : 0) && strncmp(q, word, w) == 0 &&
		    (colon
			 ? q[w] == ':'
			 : ((size_t)(end - q) == w || isspace((unsigned char)q[w]) || q[w] == '"')))
			return 1;
		q = memchr(p, '\n', (size_t)(end - p));
		if (q == NULL)
			break;
		p = q + 1;
	}
	return 0;
}

tlsa_status tlsa_tsig_key_parse(const char *text, size_t len, tlsa_tsig_key **out)
{
	*out = NULL;
	tlsa_err_clear();
	if (memchr(text, '\0', len) != NULL) {
		tlsa_err_detail("a NUL byte in the key text");
		return TLSA_ERR_TSIG_KEY;
	}
	if (has_line_starting(text, len, "key", 0))
		return parse_bind(text, len, out);
	if (has_line_starting(text, len, "key", 1))
		return parse_knot_conf(text, len, out);
	return parse_colons(text, len, out);
}

tlsa_status tlsa_tsig_key_load(const char *path, tlsa_tsig_key **out)
{
	struct stat st;
	char *buf;
	ssize_t got;
	size_t n = 0;
	int fd;
	tlsa_status rc;

	tlsa_err_clear();
	*out = NULL;
	fd = open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC);
	if (fd < 0) {
		tlsa_err_detail("%s", strerror(errno));
		return TLSA_ERR_TSIG_READ;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		tlsa_err_detail("not a regular file");
		close(fd);
		return TLSA_ERR_TSIG_READ;
	}
	if ((st.st_mode & 077) != 0) {
		tlsa_err_detail("mode %04o lets %s %s it", (unsigned)(st.st_mode & 07777),
				(st.st_mode & 070) && (st.st_mode & 07) ? "its group and others"
				: (st.st_mode & 070)			? "its group"
									: "others",
				(st.st_mode & 022) ? "write" : "read");
		close(fd);
		return TLSA_ERR_TSIG_MODE;
	}
	if (st.st_uid != geteuid() && st.st_uid != 0) {
		tlsa_err_detail("owned by uid %lu, not by this user or root",
				(unsigned long)st.st_uid);
		close(fd);
		return TLSA_ERR_TSIG_MODE;
	}
	buf = malloc(KEY_FILE_MAX);
	if (buf == NULL) {
		close(fd);
		return TLSA_ERR_NOMEM;
	}
	while (n < KEY_FILE_MAX && (got = read(fd, buf + n, KEY_FILE_MAX - n)) != 0) {
		if (got < 0) {
			if (errno == EINTR)
				continue;
			tlsa_err_detail("%s", strerror(errno));
			wipe(buf, n);
			free(buf);
			close(fd);
			return TLSA_ERR_TSIG_READ;
		}
		n += (size_t)got;
	}
	close(fd);
	if (n == KEY_FILE_MAX) {
		tlsa_err_detail("larger than %d bytes", KEY_FILE_MAX);
		rc = TLSA_ERR_TSIG_KEY;
	} else {
		rc = tlsa_tsig_key_parse(buf, n, out);
	}
	wipe(buf, n);
	free(buf);
	return rc;
}
