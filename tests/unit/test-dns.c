/*
 * Unit tests of the DNS floor of libtlsa (dns-resolver.c, dns-anchor.c,
 * dns-answer.c, dns-ad.c, dns-lookup.c): pure helpers (resolver
 * addresses, loopback, state combination), and the AD-mode logic against
 * a tiny DNS server run by this test on 127.0.0.1 (a canned table; AD set
 * per record; SERVFAIL, truncation and silence on request).  Local
 * validation needs signed zones: tests/live/dns.sh.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <ldns/ldns.h>

#include <tlsa.h>

#include "dnsfake.h"
#include "tap.h"

/* ---- the fake server ------------------------------------------------------ */

/* Owner, record, and whether a validating resolver would call it secure. */
static const struct {
	const char *rr;
	int secure;
} table[] = {
    {"www.example. 300 IN A 192.0.2.1", 1},
    {"www.example. 300 IN AAAA 2001:db8::1", 1},
    {"two.example. 300 IN A 192.0.2.7", 1},
    {"two.example. 300 IN A 192.0.2.8", 1},
    {"host.insec.example. 300 IN A 192.0.2.2", 0},
    {"alias.example. 300 IN CNAME www.example.", 1},
    {"_443._tcp.www.example. 300 IN TLSA 3 1 1 "
     "1111111111111111111111111111111111111111111111111111111111111111",
     1},
    {"_443._tcp.alias.example. 300 IN TLSA 3 1 1 "
     "2222222222222222222222222222222222222222222222222222222222222222",
     1},
    /* A secure link to a target in an unsigned zone. */
    {"alias2.example. 300 IN CNAME host.insec.example.", 1},
    {"_443._tcp.alias2.example. 300 IN TLSA 3 1 1 "
     "3333333333333333333333333333333333333333333333333333333333333333",
     1},
    /* An insecure link (the alias lives in an unsigned zone). */
    {"ialias.insec.example. 300 IN CNAME www.example.", 0},
    /* A secure expansion with no TLSA at the target. */
    {"nt.example. 300 IN CNAME notlsa.example.", 1},
    {"notlsa.example. 300 IN A 192.0.2.3", 1},
    {"_443._tcp.nt.example. 300 IN TLSA 3 1 1 "
     "4444444444444444444444444444444444444444444444444444444444444444",
     1},
    /* A secure expansion whose target's TLSA is bogus. */
    {"bt.example. 300 IN CNAME bogus.example.", 1},
    {"bogus.example. 300 IN A 192.0.2.4", 1},
    {"_443._tcp.bogus.example. 300 IN TLSA 3 1 1 "
     "5555555555555555555555555555555555555555555555555555555555555555",
     1},
    {"_443._tcp.bt.example. 300 IN TLSA 3 1 1 "
     "6666666666666666666666666666666666666666666666666666666666666666",
     1},
    {"_443._tcp.servfail.example. 300 IN TLSA 3 1 1 "
     "7777777777777777777777777777777777777777777777777777777777777777",
     1},
    /* The resolver fails once (a cold cache), then answers securely. */
    {"_443._tcp.flaky.example. 300 IN TLSA 3 1 1 "
     "7878787878787878787878787878787878787878787878787878787878787878",
     1},
    {"_443._tcp.badlen.example. 300 IN TLSA 3 1 1 abcd", 1},
    {"_443._tcp.rollover.example. 300 IN TLSA 3 1 1 "
     "8888888888888888888888888888888888888888888888888888888888888888",
     1},
    {"_443._tcp.rollover.example. 300 IN TLSA 3 1 1 "
     "9999999999999999999999999999999999999999999999999999999999999999",
     1},
    {"loop1.example. 300 IN CNAME loop2.example.", 1},
    {"loop2.example. 300 IN CNAME loop1.example.", 1},
    {"mx.example. 300 IN MX 20 b.example.", 1},
    {"mx.example. 300 IN MX 10 c.example.", 1},
    {"mx.example. 300 IN MX 10 a.example.", 1},
    {"nullmx.example. 300 IN MX 0 .", 1},
    {"_xmpp-client._tcp.example. 300 IN SRV 10 5 5222 b.example.", 1},
    {"_xmpp-client._tcp.example. 300 IN SRV 10 50 5223 a.example.", 1},
    {"_xmpp-client._tcp.example. 300 IN SRV 0 1 5224 c.example.", 1},
    {"big.example. 300 IN MX 10 tcp-only.example.", 1},
};

#define NTABLE (sizeof(table) / sizeof(table[0]))

struct signed_world; /* below: zones signed by this test, for local validation */

struct fake {
	int udp, tcp;
	unsigned port;
	volatile int stop;
	int flaky_failed; /* flaky.example has had its one SERVFAIL */
	ldns_rr *rrs[NTABLE];
	struct signed_world *world; /* when set, answer from it instead of the table */
	pthread_t thread;
};

static ldns_pkt *respond_signed(const struct signed_world *w, const ldns_pkt *q);

/* Names whose zone is unsigned: denials there are not secure either. */
static int insecure_name(const ldns_rdf *name)
{
	char *s = ldns_rdf2str(name);
	int r = s && strstr(s, "insec.") != NULL;

	free(s);
	return r;
}

static int name_has(const ldns_rdf *name, const char *what)
{
	char *s = ldns_rdf2str(name);
	int r = s && strstr(s, what) != NULL;

	free(s);
	return r;
}

/* A response to q, or NULL to stay silent. */
static ldns_pkt *respond(struct fake *f, const ldns_pkt *q, int tcp)
{
	ldns_rr *qrr = ldns_rr_list_rr(ldns_pkt_question(q), 0);
	ldns_rdf *cur;
	ldns_rr_type type;
	ldns_pkt *r;
	int secure = 1, found = 0, hops = 0;
	size_t i;

	if (qrr == NULL)
		return NULL;
	type = ldns_rr_get_type(qrr);
	if (f->world)
		return respond_signed(f->world, q);
	if (name_has(ldns_rr_owner(qrr), "silent."))
		return NULL;
	r = ldns_pkt_new();
	ldns_pkt_set_id(r, ldns_pkt_id(q));
	ldns_pkt_set_qr(r, true);
	ldns_pkt_set_rd(r, ldns_pkt_rd(q));
	ldns_pkt_set_ra(r, true);
	ldns_pkt_set_cd(r, ldns_pkt_cd(q));
	ldns_pkt_push_rr(r, LDNS_SECTION_QUESTION, ldns_rr_clone(qrr));
	/* A validating resolver fails bogus data unless CD is set. */
	if ((name_has(ldns_rr_owner(qrr), "bogus.") && !ldns_pkt_cd(q)) ||
	    name_has(ldns_rr_owner(qrr), "servfail.") ||
	    (name_has(ldns_rr_owner(qrr), "flaky.") && type == LDNS_RR_TYPE_TLSA &&
	     !f->flaky_failed++)) {
		ldns_pkt_set_rcode(r, LDNS_RCODE_SERVFAIL);
		return r;
	}
	if (name_has(ldns_rr_owner(qrr), "big.") && !tcp) {
		ldns_pkt_set_tc(r, true);
		return r;
	}
	cur = ldns_rdf_clone(ldns_rr_owner(qrr));
	while (!found && hops++ < 20) {
		ldns_rdf *next = NULL;

		for (i = 0; i < NTABLE; i++) {
			if (ldns_dname_compare(ldns_rr_owner(f->rrs[i]), cur) != 0)
				continue;
			if (ldns_rr_get_type(f->rrs[i]) == type) {
				ldns_pkt_push_rr(r, LDNS_SECTION_ANSWER, ldns_rr_clone(f->rrs[i]));
				secure &= table[i].secure;
				found = 1;
			} else if (ldns_rr_get_type(f->rrs[i]) == LDNS_RR_TYPE_CNAME && !next) {
				ldns_pkt_push_rr(r, LDNS_SECTION_ANSWER, ldns_rr_clone(f->rrs[i]));
				secure &= table[i].secure;
				next = ldns_rdf_clone(ldns_rr_rdf(f->rrs[i], 0));
			}
		}
		if (found || next == NULL)
			break;
		ldns_rdf_deep_free(cur);
		cur = next;
	}
	if (!found) {
		int exists = 0;

		for (i = 0; i < NTABLE; i++)
			if (ldns_dname_compare(ldns_rr_owner(f->rrs[i]), cur) == 0)
				exists = 1;
		if (!exists)
			ldns_pkt_set_rcode(r, LDNS_RCODE_NXDOMAIN);
		if (insecure_name(cur))
			secure = 0;
	}
	ldns_rdf_deep_free(cur);
	ldns_pkt_set_ad(r, secure && ldns_pkt_edns_do(q));
	return r;
}

static void udp_query(void *arg, const uint8_t *buf, size_t n, const struct sockaddr_storage *from,
		      socklen_t fl)
{
	struct fake *f = arg;
	uint8_t *wire;
	size_t wlen;
	ldns_pkt *q = NULL, *r;

	if (ldns_wire2pkt(&q, buf, n) == LDNS_STATUS_OK) {
		r = respond(f, q, 0);
		if (r && ldns_pkt2wire(&wire, r, &wlen) == LDNS_STATUS_OK) {
			sendto(f->udp, wire, wlen, 0, (const struct sockaddr *)from, fl);
			free(wire);
		}
		ldns_pkt_free(r);
		ldns_pkt_free(q);
	}
}

static void *serve(void *arg)
{
	struct fake *f = arg;

	while (!f->stop) {
		uint8_t buf[65536 + 2];
		uint8_t *wire;
		size_t need, wlen;
		ldns_pkt *q = NULL, *r;
		int c = dnsfake_wait(f->udp, f->tcp, 50, udp_query, f);

		if (c < 0)
			continue;
		need = dnsfake_tcp_read(c, buf, sizeof(buf));
		if (need > 2 && ldns_wire2pkt(&q, buf + 2, need - 2) == LDNS_STATUS_OK) {
			r = respond(f, q, 1);
			if (r && ldns_pkt2wire(&wire, r, &wlen) == LDNS_STATUS_OK) {
				uint8_t len[2] = {(uint8_t)(wlen >> 8), (uint8_t)wlen};

				if (write(c, len, 2) == 2 && write(c, wire, wlen) == (ssize_t)wlen)
					(void)0;
				free(wire);
			}
			ldns_pkt_free(r);
			ldns_pkt_free(q);
		}
		close(c);
	}
	return NULL;
}

static int fake_start(struct fake *f, struct signed_world *w)
{
	size_t i;

	memset(f, 0, sizeof(*f));
	f->world = w;
	for (i = 0; i < NTABLE; i++)
		if (ldns_rr_new_frm_str(&f->rrs[i], table[i].rr, 300, NULL, NULL) != LDNS_STATUS_OK)
			return -1;
	if (dnsfake_listen(&f->udp, &f->tcp, &f->port, 8) != 0)
		return -1;
	return pthread_create(&f->thread, NULL, serve, f) == 0 ? 0 : -1;
}

static void fake_stop(struct fake *f)
{
	size_t i;

	f->stop = 1;
	pthread_join(f->thread, NULL);
	close(f->udp);
	close(f->tcp);
	for (i = 0; i < NTABLE; i++)
		ldns_rr_free(f->rrs[i]);
}

/* ---- signed zones, for local validation ---------------------------------
 * sig.example. is the anchor zone (its DS is the trust anchor).  It holds:
 * www (A, TLSA at _443._tcp.www), cn (CNAME to www), nosig (an A without
 * signature), expired (an A whose signature expired), nonsec (names
 * under it are denied without NSEC), child (a signed delegation with DS),
 * badds (a delegation whose DS matches no key of the child), unsig (a
 * delegation without DS), unkalg (a delegation whose only DS names a key
 * algorithm no validator knows: served unsigned), n3 and n3o (children
 * signed with NSEC3, n3o
 * with opt-out, each delegating ins without DS), *.wild and *.nowild
 * (wildcards; answers from
 * *.nowild come without the NSEC proof they need).  Denials and wildcard
 * answers carry the zone's whole NSEC chain.
 * Every answer has AD set, to show that local validation ignores it.
 */
enum { Z_SIG, Z_CHILD, Z_BADDS, Z_UNSIG, Z_UNKALG, Z_N3, Z_N3_INS, Z_N3O, Z_N3O_INS, NZONES };

static const char *const zone_names[NZONES] = {
    "sig.example.",	   "child.sig.example.",  "badds.sig.example.",
    "unsig.sig.example.",  "unkalg.sig.example.", "n3.sig.example.",
    "ins.n3.sig.example.", "n3o.sig.example.",	  "ins.n3o.sig.example."};

/* Zones without keys: served unsigned. */
static int unsigned_zone(int z)
{
	return z == Z_UNSIG || z == Z_UNKALG || z == Z_N3_INS || z == Z_N3O_INS;
}

struct signed_world {
	ldns_rdf *apex[NZONES];
	ldns_key *key[NZONES];	   /* NULL for the unsigned zone */
	ldns_rr_list *rrs[NZONES]; /* every record of the zone, RRSIG and NSEC included */
	ldns_rr *ds_anchor;
};

static ldns_key *zone_key(const ldns_rdf *apex, uint32_t inception, uint32_t expiration)
{
	ldns_key *k = ldns_key_new_frm_algorithm(LDNS_SIGN_ECDSAP256SHA256, 256);
	ldns_rr *dnskey;

	if (k == NULL)
		return NULL;
	ldns_key_set_flags(k, 257);
	ldns_key_set_pubkey_owner(k, ldns_rdf_clone(apex));
	ldns_key_set_inception(k, inception);
	ldns_key_set_expiration(k, expiration);
	dnskey = ldns_key2rr(k);
	ldns_key_set_keytag(k, ldns_calc_keytag(dnskey));
	ldns_rr_free(dnskey);
	return k;
}

static void add(ldns_rr_list *l, const char *text)
{
	ldns_rr *rr = NULL;

	if (ldns_rr_new_frm_str(&rr, text, 300, NULL, NULL) == LDNS_STATUS_OK)
		ldns_rr_list_push_rr(l, rr);
	else
		fprintf(stderr, "# bad test record: %s\n", text);
}

/* Sign every RRset of l with k, except the A RRset of skip_owner; the A
 * RRset of expired_owner gets a signature whose validity ended an hour
 * ago. */
static void sign_all(ldns_rr_list *l, ldns_key *k, const char *skip_owner,
		     const char *expired_owner)
{
	uint32_t now = (uint32_t)time(NULL);

	ldns_rr_list *sigs = ldns_rr_list_new();
	size_t i, j, n = ldns_rr_list_rr_count(l);

	for (i = 0; i < n; i++) {
		ldns_rr *rr = ldns_rr_list_rr(l, i);
		ldns_rr_list *set = ldns_rr_list_new(), *one;
		ldns_key_list *kl = ldns_key_list_new();
		char *owner = ldns_rdf2str(ldns_rr_owner(rr));
		int first = 1;

		for (j = 0; j < i; j++)
			if (ldns_rr_get_type(ldns_rr_list_rr(l, j)) == ldns_rr_get_type(rr) &&
			    ldns_dname_compare(ldns_rr_owner(ldns_rr_list_rr(l, j)),
					       ldns_rr_owner(rr)) == 0)
				first = 0;
		/* NS of a delegation and unsigned names are not signed. */
		int is_a = ldns_rr_get_type(rr) == LDNS_RR_TYPE_A;

		if (first && !(is_a && skip_owner && owner && strcmp(owner, skip_owner) == 0)) {
			for (j = i; j < n; j++)
				if (ldns_rr_get_type(ldns_rr_list_rr(l, j)) ==
					ldns_rr_get_type(rr) &&
				    ldns_dname_compare(ldns_rr_owner(ldns_rr_list_rr(l, j)),
						       ldns_rr_owner(rr)) == 0)
					ldns_rr_list_push_rr(set, ldns_rr_list_rr(l, j));
			ldns_key_list_push_key(kl, k);
			if (is_a && expired_owner && owner && strcmp(owner, expired_owner) == 0) {
				ldns_key_set_inception(k, now - 86400);
				ldns_key_set_expiration(k, now - 3600);
			}
			one = ldns_sign_public(set, kl);
			ldns_key_set_inception(k, now - 3600);
			ldns_key_set_expiration(k, now + 86400);
			if (one) {
				ldns_rr_list_push_rr_list(sigs, one);
				ldns_rr_list_free(one);
			}
		}
		free(owner);
		/* ldns_key_list_free frees the keys in it: hide ours first. */
		ldns_key_list_set_key_count(kl, 0);
		ldns_key_list_free(kl);
		ldns_rr_list_free(set);
	}
	ldns_rr_list_push_rr_list(l, sigs);
	ldns_rr_list_free(sigs);
}

/* The NSEC chain of the zone's names (l holds no RRSIG yet). */
static void add_nsecs(ldns_rr_list *l)
{
	ldns_rdf *names[64];
	size_t i, j, n = 0;

	for (i = 0; i < ldns_rr_list_rr_count(l) && n < 64; i++) {
		ldns_rdf *o = ldns_rr_owner(ldns_rr_list_rr(l, i));
		int seen = 0;

		for (j = 0; j < n; j++)
			seen |= ldns_dname_compare(names[j], o) == 0;
		if (!seen)
			names[n++] = o;
	}
	for (i = 0; i < n; i++) /* canonical order: a small insertion sort */
		for (j = i; j > 0 && ldns_dname_compare(names[j - 1], names[j]) > 0; j--) {
			ldns_rdf *t = names[j];

			names[j] = names[j - 1];
			names[j - 1] = t;
		}
	{
		ldns_rr_list *nsecs = ldns_rr_list_new();

		for (i = 0; i < n; i++) {
			ldns_rr *nsec = ldns_create_nsec(names[i], names[(i + 1) % n], l);

			ldns_rr_set_ttl(nsec, 300);
			ldns_rr_list_push_rr(nsecs, nsec);
		}
		ldns_rr_list_push_rr_list(l, nsecs);
		ldns_rr_list_free(nsecs);
	}
}

/*
 * The zone in l (SOA first) signed by ldns with NSEC3 (SHA-1, no salt,
 * no extra iterations; opt-out when asked), as a new list of all its
 * records: ldns's zone signer builds the hashed chain, then the zone is
 * printed and read back to get plain records.
 */
static ldns_rr_list *sign_nsec3(const ldns_rr_list *l, ldns_key *k, int optout)
{
	ldns_dnssec_zone *dz = ldns_dnssec_zone_new();
	ldns_rr_list *new_rrs = ldns_rr_list_new(), *out = ldns_rr_list_new();
	ldns_key_list *kl = ldns_key_list_new();
	ldns_zone *z = NULL;
	char *buf = NULL;
	size_t i, len = 0;
	FILE *m;

	for (i = 0; i < ldns_rr_list_rr_count(l); i++)
		ldns_dnssec_zone_add_rr(dz, ldns_rr_clone(ldns_rr_list_rr(l, i)));
	ldns_key_list_push_key(kl, k);
	if (ldns_dnssec_zone_sign_nsec3_flg(dz, new_rrs, kl, ldns_dnssec_default_replace_signatures,
					    NULL, LDNS_SHA1, optout ? 1 : 0, 0, 0, NULL,
					    0) != LDNS_STATUS_OK)
		fprintf(stderr, "# NSEC3 signing failed\n");
	m = open_memstream(&buf, &len);
	if (m) {
		ldns_dnssec_zone_print(m, dz);
		fclose(m);
	}
	m = buf ? fmemopen(buf, len, "r") : NULL;
	if (m && ldns_zone_new_frm_fp(&z, m, NULL, 300, LDNS_RR_CLASS_IN) == LDNS_STATUS_OK) {
		ldns_rr_list_push_rr(out, ldns_rr_clone(ldns_zone_soa(z)));
		for (i = 0; i < ldns_rr_list_rr_count(ldns_zone_rrs(z)); i++)
			ldns_rr_list_push_rr(out,
					     ldns_rr_clone(ldns_rr_list_rr(ldns_zone_rrs(z), i)));
		ldns_zone_deep_free(z);
	}
	if (m)
		fclose(m);
	free(buf);
	ldns_key_list_set_key_count(kl, 0);
	ldns_key_list_free(kl);
	ldns_rr_list_free(new_rrs);
	ldns_dnssec_zone_deep_free(dz);
	return out;
}

/*
 * What an opt-out signer does and ldns does not: leave the NSEC3 record
 * of the unsigned delegation out of the chain (its predecessor then
 * points past it and is signed again).
 */
static void optout_drop_delegation(ldns_rr_list *l, ldns_key *k)
{
	ldns_rr *gone = NULL, *prev = NULL;
	ldns_rr_list *keep = ldns_rr_list_new(), *one = ldns_rr_list_new(), *sig;
	ldns_key_list *kl = ldns_key_list_new();
	char *label = NULL;
	size_t i;

	for (i = 0; i < ldns_rr_list_rr_count(l); i++) {
		ldns_rr *rr = ldns_rr_list_rr(l, i);

		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_NSEC3 &&
		    ldns_nsec_bitmap_covers_type(ldns_nsec3_bitmap(rr), LDNS_RR_TYPE_NS) &&
		    !ldns_nsec_bitmap_covers_type(ldns_nsec3_bitmap(rr), LDNS_RR_TYPE_SOA))
			gone = rr;
	}
	if (gone) {
		ldns_rdf *first = ldns_dname_label(ldns_rr_owner(gone), 0);

		label = first ? ldns_rdf2str(first) : NULL;
		ldns_rdf_deep_free(first);
	}
	for (i = 0; label && i < ldns_rr_list_rr_count(l); i++) {
		ldns_rr *rr = ldns_rr_list_rr(l, i);
		char *next;

		if (ldns_rr_get_type(rr) != LDNS_RR_TYPE_NSEC3 || rr == gone)
			continue;
		next = ldns_rdf2str(ldns_nsec3_next_owner(rr));
		if (next && strncasecmp(next, label, strlen(next)) == 0)
			prev = rr;
		free(next);
	}
	if (gone == NULL || prev == NULL) {
		fprintf(stderr, "# opt-out fixture: no delegation NSEC3 found\n");
		goto out;
	}
	ldns_rdf_deep_free(ldns_rr_set_rdf(prev, ldns_rdf_clone(ldns_rr_rdf(gone, 4)), 4));
	for (i = 0; i < ldns_rr_list_rr_count(l); i++) {
		ldns_rr *rr = ldns_rr_list_rr(l, i);
		int drop = rr == gone;

		if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_RRSIG &&
		    ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr)) == LDNS_RR_TYPE_NSEC3 &&
		    (ldns_dname_compare(ldns_rr_owner(rr), ldns_rr_owner(gone)) == 0 ||
		     ldns_dname_compare(ldns_rr_owner(rr), ldns_rr_owner(prev)) == 0))
			drop = 1;
		if (!drop)
			ldns_rr_list_push_rr(keep, rr);
	}
	for (i = 0; i < ldns_rr_list_rr_count(l); i++) {
		ldns_rr *rr = ldns_rr_list_rr(l, i);
		size_t j;
		int kept = 0;

		for (j = 0; j < ldns_rr_list_rr_count(keep); j++)
			kept |= ldns_rr_list_rr(keep, j) == rr;
		if (!kept && rr != gone)
			ldns_rr_free(rr);
	}
	ldns_rr_free(gone);
	ldns_rr_list_set_rr_count(l, 0);
	ldns_rr_list_push_rr_list(l, keep);
	ldns_rr_list_push_rr(one, prev);
	ldns_key_list_push_key(kl, k);
	sig = ldns_sign_public(one, kl);
	if (sig) {
		ldns_rr_list_push_rr_list(l, sig);
		ldns_rr_list_free(sig);
	}
out:
	free(label);
	ldns_key_list_set_key_count(kl, 0);
	ldns_key_list_free(kl);
	ldns_rr_list_free(one);
	ldns_rr_list_free(keep);
}

/* A child of sig.example. signed with NSEC3 that delegates ins without
 * DS to the unsigned zone zins. */
static void nsec3_child(struct signed_world *w, int z, int zins, ldns_rr *dnskey, int optout)
{
	char *apex = ldns_rdf2str(w->apex[z]);
	char rr[512];
	ldns_rr_list *l = ldns_rr_list_new(), *signed_rrs;
	ldns_rr *ds;

	snprintf(rr, sizeof(rr),
		 "%s 300 IN SOA ns.sig.example. h.sig.example. 1 3600 600 86400 300", apex);
	add(l, rr);
	snprintf(rr, sizeof(rr), "%s 300 IN NS ns.sig.example.", apex);
	add(l, rr);
	ldns_rr_list_push_rr(l, ldns_rr_clone(dnskey));
	snprintf(rr, sizeof(rr), "host.%s 300 IN A 192.0.2.40", apex);
	add(l, rr);
	snprintf(rr, sizeof(rr), "ins.%s 300 IN NS ns.sig.example.", apex);
	add(l, rr);
	signed_rrs = sign_nsec3(l, w->key[z], optout);
	if (optout)
		optout_drop_delegation(signed_rrs, w->key[z]);
	ldns_rr_list_deep_free(l);
	ldns_rr_list_deep_free(w->rrs[z]);
	w->rrs[z] = signed_rrs;

	l = w->rrs[zins];
	snprintf(rr, sizeof(rr),
		 "ins.%s 300 IN SOA ns.sig.example. h.sig.example. 1 3600 600 86400 300", apex);
	add(l, rr);
	snprintf(rr, sizeof(rr), "www.ins.%s 300 IN A 192.0.2.41", apex);
	add(l, rr);

	/* The parent's side: NS and DS. */
	snprintf(rr, sizeof(rr), "%s 300 IN NS ns.sig.example.", apex);
	add(w->rrs[Z_SIG], rr);
	ds = ldns_key_rr2ds(dnskey, LDNS_SHA256);
	ldns_rr_set_ttl(ds, 300);
	ldns_rr_list_push_rr(w->rrs[Z_SIG], ds);
	free(apex);
}

static struct signed_world *world_new(void)
{
	struct signed_world *w = calloc(1, sizeof(*w));
	uint32_t now = (uint32_t)time(NULL);
	ldns_key *stranger;
	ldns_rr *dnskey[NZONES] = {0}, *ds;
	ldns_rr_list *l;
	int z;

	for (z = 0; z < NZONES; z++) {
		w->apex[z] = ldns_dname_new_frm_str(zone_names[z]);
		w->rrs[z] = ldns_rr_list_new();
		if (!unsigned_zone(z)) {
			w->key[z] = zone_key(w->apex[z], now - 3600, now + 86400);
			dnskey[z] = ldns_key2rr(w->key[z]);
			ldns_rr_set_ttl(dnskey[z], 300);
		}
	}
	/* The children first: their DS records go into the parent. */
	l = w->rrs[Z_CHILD];
	add(l, "child.sig.example. 300 IN SOA ns.sig.example. h.sig.example. 1 3600 600 86400 300");
	add(l, "child.sig.example. 300 IN NS ns.sig.example.");
	ldns_rr_list_push_rr(l, ldns_rr_clone(dnskey[Z_CHILD]));
	add(l, "host.child.sig.example. 300 IN A 192.0.2.21");
	add(l, "_443._tcp.host.child.sig.example. 300 IN TLSA 3 1 1 "
	       "2121212121212121212121212121212121212121212121212121212121212121");
	add_nsecs(l);
	sign_all(l, w->key[Z_CHILD], NULL, NULL);

	l = w->rrs[Z_BADDS];
	add(l, "badds.sig.example. 300 IN SOA ns.sig.example. h.sig.example. 1 3600 600 86400 300");
	add(l, "badds.sig.example. 300 IN NS ns.sig.example.");
	ldns_rr_list_push_rr(l, ldns_rr_clone(dnskey[Z_BADDS]));
	add(l, "host.badds.sig.example. 300 IN A 192.0.2.22");
	add_nsecs(l);
	sign_all(l, w->key[Z_BADDS], NULL, NULL);

	l = w->rrs[Z_UNSIG];
	add(l, "unsig.sig.example. 300 IN SOA ns.sig.example. h.sig.example. 1 3600 600 86400 300");
	add(l, "unsig.sig.example. 300 IN NS ns.sig.example.");
	add(l, "host.unsig.sig.example. 300 IN A 192.0.2.23");

	l = w->rrs[Z_UNKALG];
	add(l,
	    "unkalg.sig.example. 300 IN SOA ns.sig.example. h.sig.example. 1 3600 600 86400 300");
	add(l, "unkalg.sig.example. 300 IN NS ns.sig.example.");
	add(l, "host.unkalg.sig.example. 300 IN A 192.0.2.27");

	l = w->rrs[Z_SIG];
	add(l, "sig.example. 300 IN SOA ns.sig.example. h.sig.example. 1 3600 600 86400 300");
	add(l, "sig.example. 300 IN NS ns.sig.example.");
	ldns_rr_list_push_rr(l, ldns_rr_clone(dnskey[Z_SIG]));
	add(l, "www.sig.example. 300 IN A 192.0.2.20");
	add(l, "_443._tcp.www.sig.example. 300 IN TLSA 3 1 1 "
	       "2020202020202020202020202020202020202020202020202020202020202020");
	add(l, "cn.sig.example. 300 IN CNAME www.sig.example.");
	add(l, "nosig.sig.example. 300 IN A 192.0.2.24");
	add(l, "expired.sig.example. 300 IN A 192.0.2.25");
	add(l, "nonsec.sig.example. 300 IN A 192.0.2.26");
	add(l, "*.wild.sig.example. 300 IN A 192.0.2.30");
	add(l, "*.nowild.sig.example. 300 IN A 192.0.2.31");
	add(l, "child.sig.example. 300 IN NS ns.sig.example.");
	ds = ldns_key_rr2ds(dnskey[Z_CHILD], LDNS_SHA256);
	ldns_rr_set_ttl(ds, 300);
	ldns_rr_list_push_rr(l, ds);
	add(l, "badds.sig.example. 300 IN NS ns.sig.example.");
	/* badds's DS is that of a key the child does not publish. */
	stranger = zone_key(w->apex[Z_BADDS], now - 3600, now + 86400);
	{
		ldns_rr *sk = ldns_key2rr(stranger);

		ds = ldns_key_rr2ds(sk, LDNS_SHA256);
		ldns_rr_set_ttl(ds, 300);
		ldns_rr_list_push_rr(l, ds);
		ldns_rr_free(sk);
	}
	ldns_key_deep_free(stranger);
	add(l, "unsig.sig.example. 300 IN NS ns.sig.example.");
	/* Algorithm 253 is PRIVATEDNS: no validator can check it. */
	add(l, "unkalg.sig.example. 300 IN NS ns.sig.example.");
	add(l, "unkalg.sig.example. 300 IN DS 4242 253 2 "
	       "4242424242424242424242424242424242424242424242424242424242424242");
	nsec3_child(w, Z_N3, Z_N3_INS, dnskey[Z_N3], 0);
	nsec3_child(w, Z_N3O, Z_N3O_INS, dnskey[Z_N3O], 1);
	add_nsecs(l);
	sign_all(l, w->key[Z_SIG], "nosig.sig.example.", "expired.sig.example.");

	w->ds_anchor = ldns_key_rr2ds(dnskey[Z_SIG], LDNS_SHA256);
	for (z = 0; z < NZONES; z++)
		if (dnskey[z])
			ldns_rr_free(dnskey[z]);
	return w;
}

static void world_free(struct signed_world *w)
{
	int z;

	for (z = 0; z < NZONES; z++) {
		ldns_rdf_deep_free(w->apex[z]);
		if (w->key[z])
			ldns_key_deep_free(w->key[z]);
		ldns_rr_list_deep_free(w->rrs[z]);
	}
	ldns_rr_free(w->ds_anchor);
	free(w);
}

static int at_or_below(const ldns_rdf *name, const ldns_rdf *apex)
{
	return ldns_dname_compare(name, apex) == 0 || ldns_dname_is_subdomain(name, apex);
}

/* The zone that answers for name/type: DS at an apex comes from the parent. */
static int zone_of(const struct signed_world *w, const ldns_rdf *name, ldns_rr_type type)
{
	int z, best = Z_SIG;

	for (z = 1; z < NZONES; z++)
		if (at_or_below(name, w->apex[z]) &&
		    !(type == LDNS_RR_TYPE_DS && ldns_dname_compare(name, w->apex[z]) == 0))
			best = z;
	return best;
}

/* The zone's NSEC records and their signatures, into the authority. */
static void push_nsecs(ldns_pkt *r, const ldns_rr_list *l)
{
	size_t i;

	for (i = 0; i < ldns_rr_list_rr_count(l); i++) {
		ldns_rr *rr = ldns_rr_list_rr(l, i);
		ldns_rr_type t = ldns_rr_get_type(rr);

		if (t == LDNS_RR_TYPE_RRSIG)
			t = ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr));
		if (t == LDNS_RR_TYPE_NSEC || t == LDNS_RR_TYPE_NSEC3)
			ldns_pkt_push_rr(r, LDNS_SECTION_AUTHORITY, ldns_rr_clone(rr));
	}
}

/* Answer name/type from "*.parent" when there is one, as a server does:
 * the records and their signatures get name as owner. */
static int wildcard(ldns_pkt *r, const ldns_rr_list *l, const ldns_rdf *name, ldns_rr_type type)
{
	ldns_rdf *star = ldns_dname_new_frm_str("*");
	ldns_rdf *parent = ldns_dname_left_chop(name);
	ldns_rdf *wild = star && parent ? ldns_dname_cat_clone(star, parent) : NULL;
	int found = 0;
	size_t i;

	for (i = 0; wild && i < ldns_rr_list_rr_count(l); i++) {
		ldns_rr *rr = ldns_rr_list_rr(l, i), *c;
		ldns_rr_type t = ldns_rr_get_type(rr);

		if (ldns_dname_compare(ldns_rr_owner(rr), wild) != 0)
			continue;
		if (t == LDNS_RR_TYPE_RRSIG)
			t = ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr));
		if (t != type)
			continue;
		c = ldns_rr_clone(rr);
		ldns_rdf_deep_free(ldns_rr_owner(c));
		ldns_rr_set_owner(c, ldns_rdf_clone(name));
		ldns_pkt_push_rr(r, LDNS_SECTION_ANSWER, c);
		found = 1;
	}
	ldns_rdf_deep_free(star);
	ldns_rdf_deep_free(parent);
	ldns_rdf_deep_free(wild);
	return found;
}

static ldns_pkt *respond_signed(const struct signed_world *w, const ldns_pkt *q)
{
	ldns_rr *qrr = ldns_rr_list_rr(ldns_pkt_question(q), 0);
	ldns_rr_type type = ldns_rr_get_type(qrr);
	ldns_pkt *r = ldns_pkt_new();
	ldns_rdf *cur = ldns_rdf_clone(ldns_rr_owner(qrr));
	int found = 0, hops = 0, z = Z_SIG, exists = 0;
	size_t i;

	ldns_pkt_set_id(r, ldns_pkt_id(q));
	ldns_pkt_set_qr(r, true);
	ldns_pkt_set_rd(r, ldns_pkt_rd(q));
	ldns_pkt_set_ra(r, true);
	ldns_pkt_set_cd(r, ldns_pkt_cd(q));
	ldns_pkt_set_ad(r, true);
	ldns_pkt_push_rr(r, LDNS_SECTION_QUESTION, ldns_rr_clone(qrr));
	while (hops++ < 8) {
		const ldns_rr_list *l;
		ldns_rdf *next = NULL;

		z = zone_of(w, cur, type);
		l = w->rrs[z];
		for (i = 0; i < ldns_rr_list_rr_count(l); i++) {
			ldns_rr *rr = ldns_rr_list_rr(l, i);
			ldns_rr_type t = ldns_rr_get_type(rr);

			if (ldns_dname_compare(ldns_rr_owner(rr), cur) != 0)
				continue;
			if (t == LDNS_RR_TYPE_RRSIG)
				t = ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr));
			if (t == type) {
				ldns_pkt_push_rr(r, LDNS_SECTION_ANSWER, ldns_rr_clone(rr));
				found = 1;
			} else if (t == LDNS_RR_TYPE_CNAME) {
				ldns_pkt_push_rr(r, LDNS_SECTION_ANSWER, ldns_rr_clone(rr));
				if (ldns_rr_get_type(rr) == LDNS_RR_TYPE_CNAME)
					next = ldns_rdf_clone(ldns_rr_rdf(rr, 0));
			}
		}
		if (found || next == NULL) {
			ldns_rdf_deep_free(next);
			break;
		}
		ldns_rdf_deep_free(cur);
		cur = next;
	}
	if (!found) {
		const ldns_rr_list *l = w->rrs[z];

		for (i = 0; i < ldns_rr_list_rr_count(l); i++)
			if (at_or_below(ldns_rr_owner(ldns_rr_list_rr(l, i)), cur))
				exists = 1;
		if (!exists)
			found = wildcard(r, l, cur, type);
		if (found) {
			if (!name_has(cur, "nowild."))
				push_nsecs(r, l);
			ldns_rdf_deep_free(cur);
			return r;
		}
		if (!exists)
			ldns_pkt_set_rcode(r, LDNS_RCODE_NXDOMAIN);
		for (i = 0; i < ldns_rr_list_rr_count(l); i++) {
			ldns_rr *rr = ldns_rr_list_rr(l, i);
			ldns_rr_type t = ldns_rr_get_type(rr);

			if (t == LDNS_RR_TYPE_RRSIG)
				t = ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(rr));
			if (t == LDNS_RR_TYPE_SOA ||
			    ((t == LDNS_RR_TYPE_NSEC || t == LDNS_RR_TYPE_NSEC3) &&
			     !name_has(cur, "nonsec.")))
				ldns_pkt_push_rr(r, LDNS_SECTION_AUTHORITY, ldns_rr_clone(rr));
		}
	}
	ldns_rdf_deep_free(cur);
	return r;
}

/* ---- pure helpers ------------------------------------------------------- */

static void test_addr_parse(void)
{
	int fam = 0;
	unsigned char a[16];
	unsigned port = 0;

	is_int(tlsa_resolver_addr_parse("127.0.0.1", &fam, a, &port), TLSA_OK,
	       "a bare IPv4 resolver address is accepted");
	ok(fam == AF_INET && port == 53 && a[0] == 127 && a[3] == 1,
	   "a bare IPv4 address means port 53");
	is_int(tlsa_resolver_addr_parse("192.0.2.1@5353", &fam, a, &port), TLSA_OK,
	       "ADDR@PORT is accepted for IPv4");
	is_int(port, 5353, "the port after @ is used");
	is_int(tlsa_resolver_addr_parse("::1@5353", &fam, a, &port), TLSA_OK,
	       "an unbracketed IPv6 address takes @PORT (the @ is never part of an address)");
	ok(fam == AF_INET6 && port == 5353 && a[15] == 1, "::1@5353 is ::1 port 5353");
	is_int(tlsa_resolver_addr_parse("[::1]@53", &fam, a, &port), TLSA_OK,
	       "a bracketed IPv6 address is accepted too");
	ok(fam == AF_INET6 && port == 53, "[::1]@53 is ::1 port 53");
	is_int(tlsa_resolver_addr_parse("[2001:db8::53]", &fam, a, &port), TLSA_OK,
	       "a bracketed IPv6 address without a port means port 53");
	is_int(tlsa_resolver_addr_parse("::1", &fam, a, &port), TLSA_OK,
	       "a bare IPv6 address is accepted");
	is_int(tlsa_resolver_addr_parse("[127.0.0.1]", &fam, a, &port), TLSA_ERR_RESOLVER_ADDR,
	       "brackets around an IPv4 address are refused");
	is_int(tlsa_resolver_addr_parse("127.0.0.1@", &fam, a, &port), TLSA_ERR_RESOLVER_ADDR,
	       "an empty port is refused");
	is_int(tlsa_resolver_addr_parse("127.0.0.1@0", &fam, a, &port), TLSA_ERR_RESOLVER_ADDR,
	       "port 0 is refused");
	is_int(tlsa_resolver_addr_parse("127.0.0.1@65536", &fam, a, &port), TLSA_ERR_RESOLVER_ADDR,
	       "a port above 65535 is refused");
	is_int(tlsa_resolver_addr_parse("127.0.0.1@53x", &fam, a, &port), TLSA_ERR_RESOLVER_ADDR,
	       "trailing junk after the port is refused");
	is_int(tlsa_resolver_addr_parse("ns.example.org", &fam, a, &port), TLSA_ERR_RESOLVER_ADDR,
	       "a host name is refused (a resolver must be an address)");
	is_int(tlsa_resolver_addr_parse("127.0.0.1:53", &fam, a, &port), TLSA_ERR_RESOLVER_ADDR,
	       "ADDR:PORT is refused rather than misread");
	is_int(tlsa_resolver_addr_parse("", &fam, a, &port), TLSA_ERR_RESOLVER_ADDR,
	       "an empty resolver address is refused");
}

static void test_loopback(void)
{
	int fam;
	unsigned char a[16];
	unsigned port;

	tlsa_resolver_addr_parse("127.3.2.1", &fam, a, &port);
	ok(tlsa_addr_is_loopback(fam, a), "all of 127.0.0.0/8 is loopback");
	tlsa_resolver_addr_parse("::1", &fam, a, &port);
	ok(tlsa_addr_is_loopback(fam, a), "::1 is loopback");
	tlsa_resolver_addr_parse("::ffff:127.0.0.1", &fam, a, &port);
	ok(tlsa_addr_is_loopback(fam, a), "an IPv4-mapped 127.0.0.1 is loopback");
	tlsa_resolver_addr_parse("192.0.2.53", &fam, a, &port);
	ok(!tlsa_addr_is_loopback(fam, a), "192.0.2.53 is not loopback");
	tlsa_resolver_addr_parse("::2", &fam, a, &port);
	ok(!tlsa_addr_is_loopback(fam, a), "::2 is not loopback");
}

static void test_states(void)
{
	is_str(tlsa_dnssec_name(TLSA_DNSSEC_SECURE), "secure", "secure is named secure");
	is_str(tlsa_dnssec_name(TLSA_DNSSEC_INSECURE), "insecure", "insecure is named insecure");
	is_str(tlsa_dnssec_name(TLSA_DNSSEC_BOGUS), "bogus", "bogus is named bogus");
	is_str(tlsa_dnssec_name(TLSA_DNSSEC_INDETERMINATE), "indeterminate",
	       "indeterminate is named indeterminate");
	is_int(tlsa_dnssec_combine(TLSA_DNSSEC_SECURE, TLSA_DNSSEC_SECURE), TLSA_DNSSEC_SECURE,
	       "secure and secure are secure");
	is_int(tlsa_dnssec_combine(TLSA_DNSSEC_SECURE, TLSA_DNSSEC_INSECURE), TLSA_DNSSEC_INSECURE,
	       "one insecure link makes a chain insecure");
	is_int(tlsa_dnssec_combine(TLSA_DNSSEC_INSECURE, TLSA_DNSSEC_INDETERMINATE),
	       TLSA_DNSSEC_INDETERMINATE, "indeterminate outweighs insecure");
	is_int(tlsa_dnssec_combine(TLSA_DNSSEC_INDETERMINATE, TLSA_DNSSEC_BOGUS), TLSA_DNSSEC_BOGUS,
	       "bogus outweighs indeterminate, so an attack is never reported as unknown");
	is_int(tlsa_dnssec_combine(TLSA_DNSSEC_BOGUS, TLSA_DNSSEC_SECURE), TLSA_DNSSEC_BOGUS,
	       "combining is symmetric");
}

static void test_resolver_config(void)
{
	const char *two[] = {"127.0.0.1@5353", "192.0.2.53"};
	const char *bad[] = {"127.0.0.1", "nonsense"};
	const char *first = NULL;
	tlsa_resolver *r = NULL;
	char path[] = "/tmp/tlsa-test-anchor.XXXXXX";
	int fd;
	FILE *f;

	is_int(tlsa_resolver_new(two, 2, 0, NULL, &r), TLSA_OK, "a resolver from two addresses");
	is_int(tlsa_resolver_count(r), 2, "both servers are kept");
	is_str(tlsa_resolver_server(r, 0), "127.0.0.1@5353", "servers are named ADDR@PORT");
	is_str(tlsa_resolver_server(r, 1), "192.0.2.53@53", "the default port is spelled out");
	is_int(tlsa_resolver_remote(r, &first), 1,
	       "a resolver off loopback is counted, so the command can warn about AD");
	is_str(first, "192.0.2.53@53", "the first remote resolver is named");
	is_int(tlsa_resolver_timeout(r), TLSA_DNS_TIMEOUT_MS, "timeout 0 means the default");
	ok(!tlsa_resolver_local(r), "no trust anchor means AD mode");
	tlsa_resolver_free(r);

	r = (tlsa_resolver *)&first;
	is_int(tlsa_resolver_new(bad, 2, 0, NULL, &r), TLSA_ERR_RESOLVER_ADDR,
	       "one bad address fails the whole configuration");
	ok(r == NULL, "a failed configuration leaves no object behind");

	is_int(tlsa_resolver_new(two, 1, 100, "/nonexistent/anchor", &r), TLSA_ERR_ANCHOR_READ,
	       "a missing trust anchor file is an error, not AD mode");

	fd = mkstemp(path);
	f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (f) {
		fputs("; the lab anchor\n$TTL 3600\n"
		      "test. IN DS 12345 13 2 "
		      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n",
		      f);
		fclose(f);
	}
	is_int(tlsa_resolver_new(two, 1, 100, path, &r), TLSA_OK,
	       "a DS trust anchor with comments and $TTL is read");
	ok(r && tlsa_resolver_local(r), "a trust anchor means local validation");
	tlsa_resolver_free(r);

	f = fopen(path, "w");
	if (f) {
		fputs("test. IN A 192.0.2.1\n", f);
		fclose(f);
	}
	is_int(tlsa_resolver_new(two, 1, 100, path, &r), TLSA_ERR_ANCHOR_EMPTY,
	       "an anchor file without DS or DNSKEY is refused");
	f = fopen(path, "w");
	if (f) {
		fputs("test. IN DS this is not a DS record\n", f);
		fclose(f);
	}
	is_int(tlsa_resolver_new(two, 1, 100, path, &r), TLSA_ERR_ANCHOR_SYNTAX,
	       "a malformed anchor record is refused");
	f = fopen(path, "w");
	if (f) {
		fputs("; comment\n\n"
		      "test. IN DS 12345 13 2 "
		      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
		      "test. IN DS 12345 13 2 not-hex\n",
		      f);
		fclose(f);
	}
	{
		size_t count = 9;
		tlsa_resolver *ar = NULL;

		is_int(tlsa_trust_anchor_check(path, &count), TLSA_ERR_ANCHOR_SYNTAX,
		       "checking an anchor file finds the bad record");
		is_int(tlsa_error_line(), 4, "the bad record's line number is reported");
		is_str(tlsa_error_file(), path, "and the file it is in");
		is_int(count, 0, "a file with an error yields no anchors");
		is_int(tlsa_resolver_new(NULL, 0, 0, path, &ar), TLSA_ERR_ANCHOR_SYNTAX,
		       "a resolver from that file is refused");
		ok(ar == NULL && tlsa_error_line() == 4 && strcmp(tlsa_error_file(), path) == 0,
		   "and it names the file and line of the bad record too");
	}
	unlink(path);
}

/* ---- lookups against the fake server ------------------------------------- */

static tlsa_resolver *fake_resolver(const struct fake *f, unsigned timeout_ms)
{
	return dnsfake_resolver(f->port, timeout_ms, NULL);
}

static void test_tlsa_lookups(tlsa_resolver *r)
{
	tlsa_tlsa_result *t = NULL;

	is_int(tlsa_lookup_tlsa(r, "www.example", 443, "tcp", &t), TLSA_OK, "a TLSA lookup runs");
	if (t) {
		is_int(t->answer.state, TLSA_DNSSEC_SECURE, "an answer with AD is secure");
		is_int(t->nrecords, 1, "the TLSA record is returned");
		is_str(t->owner, "_443._tcp.www.example.", "the owner is _PORT._PROTO.HOST.");
		is_str(t->base_domain, "www.example.",
		       "without CNAMEs the base domain is the host");
		ok(t->records[0].record && t->records[0].record->usage == 3 &&
		       t->records[0].record->len == 32 && t->records[0].check == 0,
		   "the record is parsed from its wire form");
		ok(t->answer.server && strncmp(t->answer.server, "127.0.0.1@", 10) == 0,
		   "the answering server is recorded");
		tlsa_tlsa_result_free(t);
	}

	tlsa_lookup_tlsa(r, "alias.example", 443, "tcp", &t);
	if (t) {
		ok(t->expansion_secure, "a CNAME with AD is a secure expansion");
		is_str(t->expanded, "www.example.", "the host's CNAME is expanded");
		is_str(t->base_domain, "www.example.",
		       "a secure expansion with TLSA records there makes the expanded name the "
		       "base domain");
		ok(t->base_is_expanded, "the result says the base domain is the expanded name");
		ok(t->nrecords == 1 && t->records[0].record->data[0] == 0x11,
		   "the records of the expanded name are used, not the alias's");
		is_int(t->host_answer.ncnames, 1, "the CNAME chain is reported");
		is_int(t->host_answer.cnames[0].state, TLSA_DNSSEC_SECURE,
		       "each link has its state");
		tlsa_tlsa_result_free(t);
	}

	tlsa_lookup_tlsa(r, "alias2.example", 443, "tcp", &t);
	if (t) {
		ok(t->expansion_secure, "a secure CNAME to an unsigned zone is still a secure "
					"expansion (each link is asked)");
		is_int(t->host_answer.state, TLSA_DNSSEC_INSECURE,
		       "the address behind it is insecure");
		is_str(t->base_domain, "alias2.example.",
		       "with no secure TLSA at the expanded name the original name is the base "
		       "domain");
		ok(t->nrecords == 1 && t->records[0].record->data[0] == 0x33,
		   "the original name's records are used");
		tlsa_tlsa_result_free(t);
	}

	tlsa_lookup_tlsa(r, "ialias.insec.example", 443, "tcp", &t);
	if (t) {
		ok(!t->expansion_secure, "an insecure CNAME link makes the expansion insecure");
		is_str(t->base_domain, "ialias.insec.example.",
		       "an insecure expansion keeps the original name as base domain");
		is_int(t->answer.state, TLSA_DNSSEC_INSECURE,
		       "no AD on a denial in an unsigned zone: insecure");
		ok(t->nrecords == 0 && !t->answer.denial_secure,
		   "an insecure empty answer is not a proven absence");
		tlsa_tlsa_result_free(t);
	}

	tlsa_lookup_tlsa(r, "nt.example", 443, "tcp", &t);
	if (t) {
		is_str(t->base_domain, "nt.example.",
		       "a secure denial at the expanded name falls back to the original name");
		ok(!t->base_is_expanded && t->nrecords == 1, "and finds the records there");
		tlsa_tlsa_result_free(t);
	}

	tlsa_lookup_tlsa(r, "bt.example", 443, "tcp", &t);
	if (t) {
		is_str(t->base_domain, "bogus.example.",
		       "a bogus answer at the expanded name is not skipped for the original name");
		is_int(t->answer.state, TLSA_DNSSEC_BOGUS,
		       "SERVFAIL that turns into data with CD is bogus");
		ok(t->answer.reason && strstr(t->answer.reason, "bogus"),
		   "the reason says the resolver reported it bogus");
		is_int(t->nrecords, 1, "the bogus records are still shown");
		tlsa_tlsa_result_free(t);
	}

	tlsa_lookup_tlsa(r, "flaky.example", 443, "tcp", &t);
	if (t) {
		is_int(t->answer.state, TLSA_DNSSEC_SECURE,
		       "a SERVFAIL without an extended error that a retry answers is not bogus");
		is_int(t->nrecords, 1, "and the retry's records are used");
		tlsa_tlsa_result_free(t);
	}

	tlsa_lookup_tlsa(r, "servfail.example", 443, "tcp", &t);
	if (t) {
		is_int(t->answer.state, TLSA_DNSSEC_INDETERMINATE,
		       "SERVFAIL even with CD is indeterminate");
		ok(t->nrecords == 0 && !t->answer.denial_secure,
		   "a SERVFAIL is never \"no records\"");
		ok(t->answer.reason && strstr(t->answer.reason, "SERVFAIL"),
		   "the reason names SERVFAIL");
		is_int(t->answer.rcode, 2, "the rcode is kept");
		tlsa_tlsa_result_free(t);
	}

	tlsa_lookup_tlsa(r, "notlsa.example", 443, "tcp", &t);
	if (t) {
		ok(t->nrecords == 0 && t->answer.nodata && t->answer.denial_secure,
		   "NXDOMAIN with AD is a proven absence");
		is_int(t->answer.rcode, 3, "NXDOMAIN is reported as rcode 3");
		tlsa_tlsa_result_free(t);
	}

	tlsa_lookup_tlsa(r, "badlen.example", 443, "tcp", &t);
	if (t) {
		ok(t->nrecords == 1 && t->records[0].record &&
		       (t->records[0].check & TLSA_CHECK_LENGTH),
		   "a record with the wrong data length is kept and flagged");
		ok(t->records[0].rdlen == 5, "its raw rdata is kept");
		tlsa_tlsa_result_free(t);
	}

	tlsa_lookup_tlsa(r, "rollover.example", 443, "tcp", &t);
	if (t) {
		is_int(t->nrecords, 2, "every record of the RRset is returned");
		tlsa_tlsa_result_free(t);
	}

	tlsa_lookup_tlsa(r, "loop1.example", 443, "tcp", &t);
	if (t) {
		ok(!t->expansion_secure && t->host_answer.state == TLSA_DNSSEC_INDETERMINATE,
		   "a CNAME loop does not hang and is not a secure expansion");
		ok(t->host_answer.reason && strstr(t->host_answer.reason, "loop"),
		   "the reason says the CNAME chain may loop");
		tlsa_tlsa_result_free(t);
	}

	is_int(tlsa_lookup_tlsa(r, "bad..name", 443, "tcp", &t), TLSA_ERR_DNS_NAME,
	       "an invalid host name is refused before any query");
	is_int(tlsa_lookup_tlsa(r, "www.example", 0, "tcp", &t), TLSA_ERR_INVALID,
	       "port 0 is refused");
}

static void test_other_lookups(tlsa_resolver *r)
{
	tlsa_addr_result *a = NULL;
	tlsa_mx_result *m = NULL;
	tlsa_srv_result *s = NULL;
	tlsa_dns_answer *big;

	is_int(tlsa_lookup_addresses(r, "www.example", AF_UNSPEC, &a), TLSA_OK,
	       "an address lookup runs");
	if (a) {
		is_int(a->naddrs, 2, "A and AAAA are both returned");
		is_str(a->addrs[0].text, "192.0.2.1", "A first");
		is_str(a->addrs[1].text, "2001:db8::1", "then AAAA");
		is_int(a->state, TLSA_DNSSEC_SECURE, "the addresses are secure");
		tlsa_addr_result_free(a);
	}
	tlsa_lookup_addresses(r, "www.example", AF_INET6, &a);
	if (a) {
		ok(a->naddrs == 1 && a->addrs[0].family == AF_INET6 && a->a.qtype == 0,
		   "AF_INET6 asks for AAAA only");
		tlsa_addr_result_free(a);
	}
	tlsa_lookup_addresses(r, "alias2.example", AF_INET, &a);
	if (a) {
		is_str(a->expanded, "host.insec.example.",
		       "the CNAME-expanded name comes with the addresses");
		ok(a->naddrs == 1 && a->addrs[0].state == TLSA_DNSSEC_INSECURE,
		   "each address carries its RRset's state");
		tlsa_addr_result_free(a);
	}
	tlsa_lookup_addresses(r, "two.example", AF_INET, &a);
	if (a) {
		is_int(a->naddrs, 2, "every address of a host is returned");
		tlsa_addr_result_free(a);
	}

	is_int(tlsa_lookup_mx(r, "mx.example", &m), TLSA_OK, "an MX lookup runs");
	if (m) {
		ok(m->nmx == 3 && m->mx[0].preference == 10 &&
		       strcmp(m->mx[0].host, "a.example.") == 0 &&
		       strcmp(m->mx[1].host, "c.example.") == 0 && m->mx[2].preference == 20,
		   "MX hosts are sorted by preference, then name");
		ok(!m->null_mx, "ordinary MX records are not a null MX");
		tlsa_mx_result_free(m);
	}
	tlsa_lookup_mx(r, "nullmx.example", &m);
	if (m) {
		ok(m->null_mx, "\"MX 0 .\" is recognised as a null MX (RFC 7505)");
		tlsa_mx_result_free(m);
	}

	is_int(tlsa_lookup_srv(r, "_xmpp-client._tcp.example", &s), TLSA_OK, "an SRV lookup runs");
	if (s) {
		ok(s->nsrv == 3 && s->srv[0].priority == 0 && s->srv[0].port == 5224 &&
		       s->srv[1].weight == 50 && strcmp(s->srv[1].target, "a.example.") == 0 &&
		       s->srv[2].weight == 5,
		   "SRV targets are sorted by priority, then by weight, highest first");
		tlsa_srv_result_free(s);
	}

	/* The server sets TC on every UDP answer for big.example. */
	tlsa_lookup_mx(r, "big.example", &m);
	if (m) {
		big = &m->answer;
		ok(big->answered && m->nmx == 1 && strcmp(m->mx[0].host, "tcp-only.example.") == 0,
		   "a truncated UDP answer is asked again over TCP");
		tlsa_mx_result_free(m);
	}
}

static void test_timeouts(const struct fake *f)
{
	char live[64];
	const char *servers[2] = {"127.0.0.1@9", live};
	tlsa_resolver *r = fake_resolver(f, 300);
	tlsa_tlsa_result *t = NULL;
	time_t t0;

	t0 = time(NULL);
	tlsa_lookup_tlsa(r, "silent.example", 443, "tcp", &t);
	if (t) {
		is_int(t->answer.state, TLSA_DNSSEC_INDETERMINATE, "a timeout is indeterminate");
		ok(!t->answer.answered && t->answer.rcode == -1,
		   "a timeout says no server answered");
		ok(t->nrecords == 0 && !t->answer.denial_secure,
		   "a timeout is never \"no records\"");
		ok(t->answer.reason && strstr(t->answer.reason, "no answer from 127.0.0.1@") &&
		       strstr(t->answer.reason, " within 0.3 s") &&
		       !strstr(t->answer.reason, "network error"),
		   "the reason names the silent resolver and the time waited");
		printf("#   the reason: %s\n", t->answer.reason ? t->answer.reason : "(none)");
		tlsa_tlsa_result_free(t);
	}
	ok(time(NULL) - t0 < 5, "the timeout bounds each query");
	tlsa_resolver_free(r);

	/* Nothing listens on port 9 of loopback: the kernel refuses at once. */
	tlsa_resolver_new(servers, 1, 2000, NULL, &r);
	t0 = time(NULL);
	tlsa_lookup_tlsa(r, "www.example", 443, "tcp", &t);
	if (t) {
		ok(t->answer.reason &&
		       strstr(t->answer.reason, "no answer from 127.0.0.1@9: port unreachable"),
		   "a resolver address where nothing listens is called unreachable, not a timeout");
		tlsa_tlsa_result_free(t);
	}
	ok(time(NULL) - t0 < 2, "a refusal does not wait for the timeout");
	tlsa_resolver_free(r);

	snprintf(live, sizeof(live), "127.0.0.1@%u", f->port);
	tlsa_resolver_new(servers, 2, 300, NULL, &r);
	tlsa_lookup_tlsa(r, "www.example", 443, "tcp", &t);
	if (t) {
		ok(t->answer.state == TLSA_DNSSEC_SECURE && t->nrecords == 1,
		   "when the first resolver does not answer the next one is asked");
		is_str(t->answer.server, live, "the answering resolver is named");
		tlsa_tlsa_result_free(t);
	}
	tlsa_resolver_free(r);
}

struct thread_arg {
	tlsa_resolver *r;
	int good;
};

static void *lookup_thread(void *p)
{
	struct thread_arg *a = p;
	int i;

	for (i = 0; i < 20; i++) {
		tlsa_tlsa_result *t = NULL;

		if (tlsa_lookup_tlsa(a->r, "alias.example", 443, "tcp", &t) == TLSA_OK && t &&
		    t->nrecords == 1 && t->answer.state == TLSA_DNSSEC_SECURE)
			a->good++;
		tlsa_tlsa_result_free(t);
	}
	return NULL;
}

static void test_threads(tlsa_resolver *r)
{
	pthread_t th[4];
	struct thread_arg args[4];
	int i, good = 0;

	for (i = 0; i < 4; i++) {
		args[i].r = r;
		args[i].good = 0;
		pthread_create(&th[i], NULL, lookup_thread, &args[i]);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		good += args[i].good;
	}
	is_int(good, 80, "one resolver serves four threads at once");
}

/* ---- local validation against the signed zones ----------------------------- */

/* On a failed check, what the answer was. */
static void diag(int passed, const tlsa_dns_answer *a)
{
	if (!passed)
		printf("#   state %s, rcode %d, nodata %d, denial %d, reason %s\n",
		       tlsa_dnssec_name(a->state), a->rcode, a->nodata, a->denial_secure,
		       a->reason ? a->reason : "(none)");
}

static tlsa_resolver *local_resolver(const struct fake *f, const char *anchor_text, char *path)
{
	tlsa_resolver *r;
	int fd = mkstemp(path);
	FILE *fp = fd >= 0 ? fdopen(fd, "w") : NULL;

	if (fp) {
		fputs(anchor_text, fp);
		fclose(fp);
	}
	r = dnsfake_resolver(f->port, 2000, path);
	unlink(path);
	return r;
}

static void test_local(const struct fake *f, const struct signed_world *w)
{
	char path[] = "/tmp/tlsa-test-anchor.XXXXXX";
	char *ds = ldns_rr2str(w->ds_anchor);
	tlsa_resolver *r = local_resolver(f, ds, path);
	tlsa_tlsa_result *t = NULL;
	tlsa_addr_result *a = NULL;

	ok(r != NULL && tlsa_resolver_local(r),
	   "a resolver with the test zone's DS as trust anchor");
	if (r == NULL)
		return;

	tlsa_lookup_tlsa(r, "www.sig.example", 443, "tcp", &t);
	if (t) {
		is_int(t->answer.state, TLSA_DNSSEC_SECURE,
		       "local: a TLSA RRset signed by the anchor zone's key is secure");
		is_int(t->nrecords, 1, "local: the signed record is returned");
		is_int(t->host_answer.state, TLSA_DNSSEC_SECURE, "local: the host's A is secure");
		tlsa_tlsa_result_free(t);
	}

	tlsa_lookup_tlsa(r, "host.child.sig.example", 443, "tcp", &t);
	if (t) {
		is_int(t->answer.state, TLSA_DNSSEC_SECURE,
		       "local: the chain of trust is followed through a DS to a child zone");
		tlsa_tlsa_result_free(t);
	}

	tlsa_lookup_tlsa(r, "cn.sig.example", 443, "tcp", &t);
	if (t) {
		ok(t->expansion_secure && t->base_is_expanded &&
		       strcmp(t->base_domain, "www.sig.example.") == 0,
		   "local: a validated CNAME makes the expanded name the base domain");
		is_int(t->answer.state, TLSA_DNSSEC_SECURE, "local: the records there are secure");
		tlsa_tlsa_result_free(t);
	}

	tlsa_lookup_tlsa(r, "nothere.sig.example", 443, "tcp", &t);
	if (t) {
		diag(ok(t->nrecords == 0 && t->answer.rcode == 3 && t->answer.denial_secure,
			"local: NXDOMAIN proven by validated NSEC records is a secure denial"),
		     &t->answer);
		tlsa_tlsa_result_free(t);
	}

	tlsa_lookup_addresses(r, "www.sig.example", AF_UNSPEC, &a);
	if (a) {
		diag(ok(a->aaaa.nodata && a->aaaa.denial_secure && a->aaaa.rcode == 0,
			"local: NODATA proven by the NSEC record at the name is a secure denial"),
		     &a->aaaa);
		is_int(a->a.state, TLSA_DNSSEC_SECURE, "local: the A record next to it is secure");
		tlsa_addr_result_free(a);
	}

	tlsa_lookup_addresses(r, "nosig.sig.example", AF_INET, &a);
	if (a) {
		is_int(a->state, TLSA_DNSSEC_BOGUS,
		       "local: an unsigned answer from a signed zone is bogus, though AD is set");
		diag(ok(a->a.reason && strstr(a->a.reason, "not signed"),
			"local: the reason says the record is not signed"),
		     &a->a);
		tlsa_addr_result_free(a);
	}

	tlsa_lookup_addresses(r, "expired.sig.example", AF_INET, &a);
	if (a) {
		is_int(a->state, TLSA_DNSSEC_BOGUS, "local: an expired signature is bogus");
		ok(a->a.reason && strstr(a->a.reason, "expired"),
		   "local: the reason says the signature expired");
		tlsa_addr_result_free(a);
	}

	tlsa_lookup_addresses(r, "host.unsig.sig.example", AF_INET, &a);
	if (a) {
		is_int(
		    a->state, TLSA_DNSSEC_INSECURE,
		    "local: below a delegation that NSEC proves has no DS, answers are insecure");
		diag(ok(a->a.reason == NULL, "local: insecure needs no reason"), &a->a);
		tlsa_addr_result_free(a);
	}

	tlsa_lookup_addresses(r, "host.unkalg.sig.example", AF_INET, &a);
	if (a) {
		is_int(a->state, TLSA_DNSSEC_INSECURE,
		       "local: below a signed DS of only unknown algorithms, answers are insecure "
		       "(RFC 4035 5.2), not bogus");
		tlsa_addr_result_free(a);
	}

	tlsa_lookup_addresses(r, "host.badds.sig.example", AF_INET, &a);
	if (a) {
		is_int(a->state, TLSA_DNSSEC_BOGUS,
		       "local: a child whose keys match no DS of the parent is bogus");
		ok(a->a.reason &&
		       strstr(a->a.reason, "no DNSKEY of badds.sig.example. matches its DS"),
		   "local: the reason says no DNSKEY matches the DS");
		tlsa_addr_result_free(a);
	}

	tlsa_lookup_addresses(r, "host.wild.sig.example", AF_INET, &a);
	if (a) {
		diag(ok(a->state == TLSA_DNSSEC_SECURE && a->naddrs == 1,
			"local: a wildcard answer with NSEC proof that the name does not exist "
			"is secure"),
		     &a->a);
		tlsa_addr_result_free(a);
	}

	tlsa_lookup_addresses(r, "host.nowild.sig.example", AF_INET, &a);
	if (a) {
		is_int(
		    a->state, TLSA_DNSSEC_BOGUS,
		    "local: a wildcard answer without proof that the name does not exist is bogus");
		diag(ok(a->a.reason && strstr(a->a.reason, "wildcard"),
			"local: the reason says the answer came from a wildcard"),
		     &a->a);
		tlsa_addr_result_free(a);
	}

	tlsa_lookup_tlsa(r, "host.n3.sig.example", 443, "tcp", &t);
	if (t) {
		is_int(t->host_answer.state, TLSA_DNSSEC_SECURE,
		       "local: an answer from a child signed with NSEC3 is secure");
		diag(ok(t->nrecords == 0 && t->answer.denial_secure,
			"local: a denial proven by NSEC3 records is a secure denial"),
		     &t->answer);
		tlsa_tlsa_result_free(t);
	}

	tlsa_lookup_addresses(r, "www.ins.n3.sig.example", AF_INET, &a);
	if (a) {
		diag(ok(a->state == TLSA_DNSSEC_INSECURE,
			"local: below a delegation whose NSEC3 shows NS without DS, answers are "
			"insecure"),
		     &a->a);
		tlsa_addr_result_free(a);
	}

	{
		size_t i, n3 = 0, n3o = 0;

		for (i = 0; i < ldns_rr_list_rr_count(w->rrs[Z_N3]); i++)
			n3 += ldns_rr_get_type(ldns_rr_list_rr(w->rrs[Z_N3], i)) ==
			      LDNS_RR_TYPE_NSEC3;
		for (i = 0; i < ldns_rr_list_rr_count(w->rrs[Z_N3O]); i++)
			n3o += ldns_rr_get_type(ldns_rr_list_rr(w->rrs[Z_N3O], i)) ==
			       LDNS_RR_TYPE_NSEC3;
		if (!ok(n3 > 0 && n3o + 1 == n3,
			"(fixture) the opt-out zone leaves the unsigned delegation out of its "
			"NSEC3 chain"))
			printf("#   %zu NSEC3 records without opt-out, %zu with\n", n3, n3o);
	}

	tlsa_lookup_addresses(r, "www.ins.n3o.sig.example", AF_INET, &a);
	if (a) {
		diag(ok(a->state == TLSA_DNSSEC_INSECURE,
			"local: below a delegation in an NSEC3 opt-out span, answers are insecure"),
		     &a->a);
		tlsa_addr_result_free(a);
	}

	tlsa_lookup_tlsa(r, "x.nonsec.sig.example", 443, "tcp", &t);
	if (t) {
		is_int(t->answer.state, TLSA_DNSSEC_BOGUS,
		       "local: a denial from a signed zone without NSEC proof is bogus");
		ok(t->nrecords == 0 && !t->answer.denial_secure,
		   "local: an unproven denial is never \"no records\"");
		tlsa_tlsa_result_free(t);
	}

	tlsa_lookup_addresses(r, "www.other.example", AF_INET, &a);
	if (a) {
		is_int(a->state, TLSA_DNSSEC_INSECURE,
		       "local: names no trust anchor covers are insecure, as a validating resolver "
		       "says");
		tlsa_addr_result_free(a);
	}
	tlsa_resolver_free(r);

	/* The anchor as a DNSKEY record. */
	{
		ldns_rr *key = ldns_key2rr(w->key[Z_SIG]);
		char *text = ldns_rr2str(key);
		char p2[] = "/tmp/tlsa-test-anchor.XXXXXX";

		r = local_resolver(f, text, p2);
		tlsa_lookup_tlsa(r, "www.sig.example", 443, "tcp", &t);
		ok(t && t->answer.state == TLSA_DNSSEC_SECURE,
		   "local: a DNSKEY trust anchor validates as the DS does");
		tlsa_tlsa_result_free(t);
		tlsa_resolver_free(r);
		free(text);
		ldns_rr_free(key);
	}

	/* An anchor that matches no key. */
	{
		char p3[] = "/tmp/tlsa-test-anchor.XXXXXX";
		char *wrong = strdup(ds);
		size_t n = strlen(wrong);

		while (n > 0 && (wrong[n - 1] == '\n' || wrong[n - 1] == ' '))
			n--;
		wrong[n - 1] = wrong[n - 1] == '0' ? '1' : '0';
		r = local_resolver(f, wrong, p3);
		tlsa_lookup_tlsa(r, "www.sig.example", 443, "tcp", &t);
		ok(t && t->answer.state == TLSA_DNSSEC_BOGUS,
		   "local: a trust anchor that matches no DNSKEY makes answers bogus, never "
		   "secure");
		ok(t && t->answer.reason && strstr(t->answer.reason, "trust anchor"),
		   "local: the reason names the trust anchor");
		tlsa_tlsa_result_free(t);
		tlsa_resolver_free(r);
		free(wrong);
	}
	free(ds);
}

int main(void)
{
	struct fake f;
	struct signed_world *w;
	tlsa_resolver *r;

	test_addr_parse();
	test_loopback();
	test_states();
	test_resolver_config();
	if (fake_start(&f, NULL) != 0) {
		ok(0, "the test's DNS server starts on 127.0.0.1");
		return done_testing();
	}
	r = fake_resolver(&f, 2000);
	test_tlsa_lookups(r);
	test_other_lookups(r);
	test_threads(r);
	tlsa_resolver_free(r);
	test_timeouts(&f);
	fake_stop(&f);

	w = world_new();
	if (w == NULL || fake_start(&f, w) != 0) {
		ok(0, "the test's signed DNS server starts on 127.0.0.1");
		return done_testing();
	}
	test_local(&f, w);
	fake_stop(&f);
	world_free(w);
	return done_testing();
}
