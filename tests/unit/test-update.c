/*
 * libtlsa's dynamic updates (update.c) and TSIG keys (tsig.c): keys in
 * BIND's and Knot's forms, key files others may read refused, the
 * nsupdate text, and pushes to a scripted primary on 127.0.0.1 that
 * checks each UPDATE's TSIG and prerequisites as RFC 2136 and RFC 8945
 * say, and signs its answers.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <ldns/ldns.h>

#include <tlsa.h>

#include "dnsfake.h"
#include "tap.h"

#define SECRET "kVn0gkJmYsXZ0d3sVSn+dqkPM7yTFBfz4Vfu5eHB7a0="
#define OTHER  "AAAAgkJmYsXZ0d3sVSn+dqkPM7yTFBfz4Vfu5eHB7a0="
#define OWNER  "_443._tcp.www.example.test."
#define REC1                                                                                       \
	OWNER " 300 IN TLSA 3 1 1 "                                                                \
	      "0000000000000000000000000000000000000000000000000000000000000001"
#define REC2                                                                                       \
	OWNER " 300 IN TLSA 3 1 1 "                                                                \
	      "0000000000000000000000000000000000000000000000000000000000000002"

/* ---- the scripted primary -------------------------------------------------- */

struct primary {
	int udp, tcp;
	unsigned port;
	ldns_rr_list *set;   /* the TLSA RRset at OWNER */
	int updates;	     /* UPDATEs received */
	int bad_tsig;	     /* UPDATEs whose TSIG did not verify */
	int meddle;	     /* change the set before the next UPDATE is applied */
	int unsigned_answer; /* answer UPDATEs without TSIG */
	int servfail;	     /* answer queries with SERVFAIL */
	int last_pre_class;  /* class of the last UPDATE's first prerequisite */
	char last_alg[64];   /* the TSIG algorithm of the last UPDATE */
	volatile int stop;
};

static ldns_rr *rr_of(const char *text)
{
	ldns_rr *rr = NULL;

	ldns_rr_new_frm_str(&rr, text, 3600, NULL, NULL);
	return rr;
}

static int same_set(const ldns_rr_list *a, const ldns_rr_list *b)
{
	size_t i, j;

	if (ldns_rr_list_rr_count(a) != ldns_rr_list_rr_count(b))
		return 0;
	for (i = 0; i < ldns_rr_list_rr_count(a); i++) {
		for (j = 0; j < ldns_rr_list_rr_count(b); j++)
			if (ldns_rdf_compare(ldns_rr_rdf(ldns_rr_list_rr(a, i), 3),
					     ldns_rr_rdf(ldns_rr_list_rr(b, j), 3)) == 0)
				break;
		if (j == ldns_rr_list_rr_count(b))
			return 0;
	}
	return 1;
}

/* Push clones of the RRs of l into a section of p. */
static void push_clones(ldns_pkt *p, ldns_pkt_section sec, const ldns_rr_list *l)
{
	ldns_rr_list *c = ldns_rr_list_clone(l);

	ldns_pkt_push_rr_list(p, sec, c);
	ldns_rr_list_free(c); /* the RRs are the packet's now, the list is not */
}

/* The answer to one message (q, of n bytes). */
static ldns_pkt *answer(struct primary *p, const uint8_t *q, size_t n)
{
	ldns_pkt *in = NULL, *out;
	ldns_rdf *mac = NULL;
	size_t i;

	if (ldns_wire2pkt(&in, q, n) != LDNS_STATUS_OK)
		return NULL;
	out = ldns_pkt_new();
	ldns_pkt_set_id(out, ldns_pkt_id(in));
	ldns_pkt_set_qr(out, true);
	ldns_pkt_set_opcode(out, ldns_pkt_get_opcode(in));
	push_clones(out, LDNS_SECTION_QUESTION, ldns_pkt_question(in));
	if (ldns_pkt_get_opcode(in) == LDNS_PACKET_QUERY) {
		ldns_rr *qr = ldns_rr_list_rr(ldns_pkt_question(in), 0);

		if (p->servfail) {
			ldns_pkt_set_rcode(out, LDNS_RCODE_SERVFAIL);
			ldns_pkt_free(in);
			return out;
		}
		if (ldns_rr_get_type(qr) == LDNS_RR_TYPE_TLSA)
			push_clones(out, LDNS_SECTION_ANSWER, p->set);
		if (ldns_rr_list_rr_count(p->set) == 0 || ldns_rr_get_type(qr) != LDNS_RR_TYPE_TLSA)
			ldns_pkt_push_rr(out, LDNS_SECTION_AUTHORITY,
					 rr_of("example.test. 300 IN SOA ns.example.test. "
					       "h.example.test. 1 2 3 4 5"));
		ldns_pkt_free(in);
		return out;
	}
	/* An UPDATE: TSIG first. */
	p->updates++;
	if (ldns_pkt_tsig(in) != NULL) {
		char *alg = ldns_rdf2str(ldns_rr_rdf(ldns_pkt_tsig(in), 0));

		snprintf(p->last_alg, sizeof(p->last_alg), "%s", alg ? alg : "");
		free(alg);
	}
	if (ldns_pkt_tsig(in) == NULL ||
	    !ldns_pkt_tsig_verify(in, q, n, "tlsa-key.", SECRET, NULL)) {
		ldns_rr *t = ldns_rr_clone(ldns_pkt_tsig(in));

		p->bad_tsig++;
		ldns_pkt_set_rcode(out, 9); /* NOTAUTH */
		if (t != NULL) {
			ldns_rdf *e = ldns_native2rdf_int16(LDNS_RDF_TYPE_INT16, 16); /* BADSIG */

			ldns_rdf_deep_free(ldns_rr_set_rdf(t, e, 5));
			ldns_pkt_set_tsig(out, t);
		}
		ldns_pkt_free(in);
		return out;
	}
	mac = ldns_rdf_clone(ldns_rr_rdf(ldns_pkt_tsig(in), 3));
	if (p->meddle) {
		p->meddle = 0;
		ldns_rr_list_deep_free(p->set);
		p->set = ldns_rr_list_new();
		ldns_rr_list_push_rr(p->set, rr_of(REC2));
	}
	/* Prerequisites (the answer section). */
	{
		const ldns_rr_list *pre = ldns_pkt_answer(in);
		ldns_rr_list *want = ldns_rr_list_new();
		int fail = 0;

		p->last_pre_class = ldns_rr_list_rr_count(pre)
					? (int)ldns_rr_get_class(ldns_rr_list_rr(pre, 0))
					: -1;
		for (i = 0; i < ldns_rr_list_rr_count(pre); i++) {
			ldns_rr *rr = ldns_rr_list_rr(pre, i);

			if (ldns_rr_get_class(rr) == LDNS_RR_CLASS_NONE)
				fail = ldns_rr_list_rr_count(p->set) ? 7 : 0; /* YXRRSET */
			else
				ldns_rr_list_push_rr(want, ldns_rr_clone(rr));
		}
		if (!fail && ldns_rr_list_rr_count(want) && !same_set(want, p->set))
			fail = 8; /* NXRRSET */
		ldns_rr_list_deep_free(want);
		if (fail) {
			ldns_pkt_set_rcode(out, (uint8_t)fail);
			goto sign;
		}
	}
	/* Updates (the authority section). */
	for (i = 0; i < ldns_rr_list_rr_count(ldns_pkt_authority(in)); i++) {
		ldns_rr *rr = ldns_rr_list_rr(ldns_pkt_authority(in), i);

		if (ldns_rr_get_class(rr) == LDNS_RR_CLASS_ANY) {
			ldns_rr_list_deep_free(p->set);
			p->set = ldns_rr_list_new();
		} else {
			ldns_rr_list_push_rr(p->set, ldns_rr_clone(rr));
		}
	}
sign:
	if (!p->unsigned_answer)
		ldns_pkt_tsig_sign(out, "tlsa-key.", SECRET, 300, "hmac-sha256.", mac);
	ldns_rdf_deep_free(mac);
	ldns_pkt_free(in);
	return out;
}

static void *serve(void *arg)
{
	struct primary *p = arg;
	uint8_t buf[65538], *wire;
	size_t n, len;

	while (!p->stop) {
		struct pollfd pf = {p->tcp, POLLIN, 0};
		ldns_pkt *out;
		int c;

		if (poll(&pf, 1, 50) <= 0)
			continue;
		c = accept(p->tcp, NULL, NULL);
		if (c < 0)
			continue;
		n = dnsfake_tcp_read(c, buf, sizeof(buf));
		out = n ? answer(p, buf + 2, n - 2) : NULL;
		if (out != NULL && ldns_pkt2wire(&wire, out, &len) == LDNS_STATUS_OK) {
			memcpy(buf + 2, wire, len);
			dnsfake_tcp_write(c, buf, len);
			free(wire);
		}
		ldns_pkt_free(out);
		close(c);
	}
	return NULL;
}

/* ---- helpers ------------------------------------------------------------------ */

static tlsa_tsig_key *key_of(const char *text)
{
	tlsa_tsig_key *k = NULL;

	tlsa_tsig_key_parse(text, strlen(text), &k);
	return k;
}

static tlsa_update *update_of(const struct primary *p, const tlsa_tsig_key *key, const char *r1,
			      const char *r2)
{
	tlsa_update *up = NULL;
	char server[64];

	tlsa_update_new(&up);
	if (r1)
		tlsa_update_add_record(up, r1);
	if (r2)
		tlsa_update_add_record(up, r2);
	snprintf(server, sizeof(server), "127.0.0.1@%u", p->port);
	tlsa_update_set_server(up, server);
	tlsa_update_set_key(up, key);
	tlsa_update_set_timeout(up, 3000);
	return up;
}

static void test_keys(void)
{
	static const char bind_clause[] = "key \"tlsa-key\" {\n\talgorithm hmac-sha256;\n"
					  "\tsecret \"" SECRET "\";\n};\n";
	static const char knot_conf[] = "key:\n  - id: tlsa-key\n    algorithm: hmac-sha384\n"
					"    secret: " SECRET "\n";
	tlsa_tsig_key *k = NULL;
	char path[] = "/tmp/test-update-XXXXXX";
	tlsa_status st;
	int fd;

	k = key_of(bind_clause);
	ok(k && strcmp(tlsa_tsig_key_name(k), "tlsa-key.") == 0 &&
	       strcmp(tlsa_tsig_key_algorithm(k), "hmac-sha256") == 0,
	   "a BIND key clause as tsig-keygen writes it gives its name and algorithm");
	tlsa_tsig_key_free(k);
	k = key_of("hmac-sha512:tlsa-key:" SECRET);
	ok(k && strcmp(tlsa_tsig_key_algorithm(k), "hmac-sha512") == 0,
	   "Knot's ALGORITHM:NAME:SECRET form is read");
	tlsa_tsig_key_free(k);
	k = key_of("tlsa-key:" SECRET "\n");
	ok(k && strcmp(tlsa_tsig_key_algorithm(k), "hmac-sha256") == 0,
	   "NAME:SECRET defaults to hmac-sha256");
	tlsa_tsig_key_free(k);
	k = key_of(knot_conf);
	ok(k && strcmp(tlsa_tsig_key_algorithm(k), "hmac-sha384") == 0 &&
	       strcmp(tlsa_tsig_key_name(k), "tlsa-key.") == 0,
	   "a Knot configuration's key: section is read");
	tlsa_tsig_key_free(k);
	k = NULL;
	st = tlsa_tsig_key_parse("hmac-md5:tlsa-key:" SECRET, 18 + strlen(SECRET), &k);
	is_int(st, TLSA_ERR_TSIG_ALGORITHM, "hmac-md5 is refused as an algorithm");
	st = tlsa_tsig_key_parse("tlsa-key:" SECRET "!", strlen(SECRET) + 10, &k);
	is_int(st, TLSA_ERR_TSIG_KEY, "a secret that is not base64 is refused");
	ok(strstr(tlsa_error_detail(), "kVn0") == NULL, "the reason does not quote the secret (%s)",
	   tlsa_error_detail());
	st = tlsa_tsig_key_parse("key \"x\" { algorithm hmac-sha256; };", 35, &k);
	is_int(st, TLSA_ERR_TSIG_KEY, "a key clause without a secret is refused");

	fd = mkstemp(path);
	if (write(fd, bind_clause, sizeof(bind_clause) - 1) < 0)
		(void)0;
	close(fd);
	chmod(path, 0644);
	st = tlsa_tsig_key_load(path, &k);
	is_int(st, TLSA_ERR_TSIG_MODE, "a key file others can read is refused (%s)",
	       tlsa_error_detail());
	chmod(path, 0620);
	st = tlsa_tsig_key_load(path, &k);
	is_int(st, TLSA_ERR_TSIG_MODE, "a key file its group can write is refused");
	chmod(path, 0600);
	st = tlsa_tsig_key_load(path, &k);
	is_int(st, TLSA_OK, "a key file only its owner can read is loaded");
	tlsa_tsig_key_free(k);
	unlink(path);
	st = tlsa_tsig_key_load(path, &k);
	is_int(st, TLSA_ERR_TSIG_READ, "a missing key file is a read error");
}

static void test_nsupdate(void)
{
	tlsa_update *up = NULL;
	char *text = NULL;

	tlsa_update_new(&up);
	tlsa_update_add_record(up, REC1);
	tlsa_update_add_record(up, "_25._tcp.mx.example.test. IN TLSA 3 1 1 ABCD");
	tlsa_update_add_record(up, REC2);
	tlsa_update_add_record(up, REC1);
	tlsa_update_remove(up, "_993._tcp.imap.example.test.");
	tlsa_update_nsupdate(up, &text);
	ok(text != NULL &&
	       strcmp(text, "update delete " OWNER " TLSA\n"
			    "update add " OWNER " 300 IN TLSA 3 1 1 "
			    "0000000000000000000000000000000000000000000000000000000000000001\n"
			    "update add " OWNER " 300 IN TLSA 3 1 1 "
			    "0000000000000000000000000000000000000000000000000000000000000002\n"
			    "update delete _25._tcp.mx.example.test. TLSA\n"
			    "update add _25._tcp.mx.example.test. 3600 IN TLSA 3 1 1 abcd\n"
			    "update delete _993._tcp.imap.example.test. TLSA\n"
			    "send\n") == 0,
	   "the nsupdate text groups each owner's distinct records after its delete");
	free(text);
	is_int(tlsa_update_remove(up, OWNER), TLSA_ERR_ZONE_CONFLICT,
	       "an owner given records cannot be removed too");
	is_int(tlsa_update_add_record(up, "_443._tcp.www IN TLSA 3 1 1 ab"), TLSA_ERR_ZONE_ORIGIN,
	       "a relative owner is refused");
	is_int(tlsa_update_add_record(up, "www.example.test. IN A 192.0.2.1"),
	       TLSA_ERR_ZONE_NOT_TLSA, "a record of another type is refused");
	tlsa_update_free(up);
}

static void test_push(void)
{
	struct primary p;
	pthread_t th;
	tlsa_tsig_key *key = key_of("tlsa-key:" SECRET), *wrong = key_of("tlsa-key:" OTHER);
	tlsa_update *up;
	const tlsa_update_report *rep = NULL;
	tlsa_status st;
	int sent_before;

	memset(&p, 0, sizeof(p));
	p.set = ldns_rr_list_new();
	if (dnsfake_listen(&p.udp, &p.tcp, &p.port, 8) != 0) {
		ok(0, "a scripted primary listens on 127.0.0.1");
		return;
	}
	pthread_create(&th, NULL, serve, &p);

	up = update_of(&p, key, REC1, NULL);
	st = tlsa_update_push(up, &rep);
	is_int(st, TLSA_OK, "a push to a primary adds the set (%s)", tlsa_error_detail());
	ok(rep->sent == 1 && rep->sets_added == 1 && p.bad_tsig == 0 && p.updates == 1,
	   "one signed UPDATE was sent and its TSIG verified at the primary");
	ok(strcmp(p.last_alg, "hmac-sha256.") == 0, "it is signed with hmac-sha256 (%s)",
	   p.last_alg);
	is_int(p.last_pre_class, LDNS_RR_CLASS_NONE,
	       "a new set's prerequisite is that no TLSA RRset exists");
	ok(strcmp(rep->zone, "example.test.") == 0, "the zone is the SOA owner the primary gave");
	{
		size_t before = 9;

		ok(tlsa_update_owner_change(up, 0, &before) == TLSA_ZONE_SET_ADDED && before == 0,
		   "the owner's set is reported added, with no records before");
	}
	st = tlsa_update_verify(up, NULL, 2000);
	ok(st == TLSA_OK && tlsa_update_seen_at(up, 0)->served &&
	       !tlsa_update_seen_at(up, 0)->zone_signed,
	   "the set is then served as pushed");
	tlsa_update_free(up);

	up = update_of(&p, key, REC1, NULL);
	st = tlsa_update_push(up, &rep);
	ok(st == TLSA_OK && rep->sent == 0 && rep->sets_unchanged == 1 && p.updates == 1,
	   "a second identical push sends nothing");
	is_int(tlsa_update_owner_change(up, 0, NULL), TLSA_ZONE_SET_UNCHANGED,
	       "and reports the set unchanged");
	tlsa_update_free(up);

	up = update_of(&p, key, REC2, NULL);
	p.meddle = 1;
	st = tlsa_update_push(up, &rep);
	ok(st == TLSA_OK && rep->attempts == 1 && p.updates == 2 && rep->sent == 0,
	   "when another writer set the same records first, the failed prerequisite is "
	   "followed by a read that finds nothing to do (%s)",
	   tlsa_error_detail());
	is_int(p.last_pre_class, LDNS_RR_CLASS_IN,
	       "a replaced set's prerequisite is its old content");
	tlsa_update_free(up);

	up = update_of(&p, key, REC1, NULL);
	p.meddle = 1; /* sets REC2 again before applying: the prerequisite (REC2) holds */
	st = tlsa_update_push(up, &rep);
	ok(st == TLSA_OK && rep->sent == 1 && rep->sets_replaced == 1,
	   "a replacement is sent under the old set's prerequisite");
	{
		size_t before = 9;

		ok(tlsa_update_owner_change(up, 0, &before) == TLSA_ZONE_SET_REPLACED &&
		       before == 1,
		   "and reported replaced, with the one record before");
	}
	tlsa_update_free(up);

	up = update_of(&p, wrong, REC2, NULL);
	st = tlsa_update_push(up, &rep);
	ok(st == TLSA_ERR_UPDATE_RCODE && rep->rcode == 9 && rep->tsig_error == 16,
	   "a wrong key is NOTAUTH with BADSIG (%s)", tlsa_error_detail());
	ok(strstr(tlsa_error_detail(), "NOTAUTH") && strstr(tlsa_error_detail(), "BADSIG"),
	   "the reason names both");
	tlsa_update_free(up);

	up = update_of(&p, key, NULL, NULL);
	tlsa_update_remove(up, OWNER);
	p.unsigned_answer = 1;
	st = tlsa_update_push(up, &rep);
	is_int(st, TLSA_ERR_UPDATE_ANSWER, "an unsigned answer to a signed UPDATE is not trusted");
	p.unsigned_answer = 0;
	tlsa_update_free(up);

	up = update_of(&p, key, NULL, NULL);
	tlsa_update_remove(up, OWNER);
	st = tlsa_update_push(up, &rep);
	ok(st == TLSA_OK && ldns_rr_list_rr_count(p.set) == 0, "a removal deletes the set (%s)",
	   tlsa_error_detail());
	p.servfail = 1;
	st = tlsa_update_verify(up, NULL, 300);
	ok(st == TLSA_ERR_UPDATE_NOT_SERVED && !tlsa_update_seen_at(up, 0)->served,
	   "a SERVFAIL is not taken for a removal served");
	p.servfail = 0;
	tlsa_update_free(up);

	up = update_of(&p, key, NULL, NULL);
	sent_before = p.updates;
	{
		char line[256];
		int i;

		for (i = 0; i < 2000; i++) {
			snprintf(line, sizeof(line), OWNER " 300 IN TLSA 3 1 1 %064x", i + 100);
			tlsa_update_add_record(up, line);
		}
	}
	st = tlsa_update_push(up, &rep);
	ok(st == TLSA_ERR_UPDATE_TOO_BIG && p.updates == sent_before,
	   "an update larger than a DNS message is refused before it is sent (%s)",
	   tlsa_error_detail());
	tlsa_update_free(up);

	p.stop = 1;
	pthread_join(th, NULL);
	close(p.tcp);
	close(p.udp);
	/* Nobody listens now. */
	up = update_of(&p, key, REC1, NULL);
	st = tlsa_update_push(up, &rep);
	ok(st == TLSA_ERR_CONNECT || st == TLSA_ERR_TIMEOUT,
	   "a server that is gone is a connection error (%s)", tlsa_error_detail());
	tlsa_update_free(up);
	ldns_rr_list_deep_free(p.set);
	tlsa_tsig_key_free(key);
	tlsa_tsig_key_free(wrong);
}

int main(void)
{
	test_keys();
	test_nsupdate();
	test_push();
	is_int(strcmp(tlsa_update_rcode_name(18), "BADTIME"), 0, "TSIG error 18 is BADTIME");
	return done_testing();
}
