#!/bin/bash
# tlsa check --candidate, --candidate-only and --single-key-ok against a
# real TLS server on loopback inside a network namespace of our own, with
# records given by --tlsa (no DNS):
#   - the certbot question ("would the published records match the new
#     certificate?") has an answer of its own (--candidate-only), which
#     the live check's single-key WARNING does not spoil;
#   - --single-key-ok lets a site that means it publish one key;
#   - a candidate may be an encrypted key (--passin) or a CSR;
#   - a lone leaf is matched against DANE-TA with the issuer the server
#     presents when the leaf's issuer is that certificate;
#   - Prometheus tells a record that matches something the server has
#     (or a candidate) from one that matches nothing.
#
#   TLSA=build/cmd/tlsa bash tests/cli/check-candidate.sh

. "$(cd "$(dirname "$0")/.." && pwd)/lib.sh"
case $TLSA in /*) ;; */*) TLSA=$PWD/$TLSA ;; esac
own_namespace -n TLSA_IN_NETNS "$@"
# shellcheck source=tests/cli/servers.sh
. "$top_srcdir/tests/cli/servers.sh"
promcheck=$top_srcdir/tests/cli/promcheck.py
need_our_tlsa

# ---- usage (no server needed) -----------------------------------------------------
run "$TLSA" check --candidate-only -a 127.0.0.1 host.test
is "$rc" 3 "--candidate-only without --candidate is a usage error (exit 3)"
echo "$err" | grep -qF "tlsa check: --candidate-only needs a --candidate FILE"
ok $? "and says --candidate-only needs a --candidate"
run "$TLSA" check --passin env:NOPE_NOT_SET --tlsa "3 1 1 $(printf '%064d' 0)" -a 127.0.0.1 host.test
is "$rc" 3 "--passin without --candidate is a usage error (exit 3)"
run "$TLSA" check --help
for o in candidate-only passin single-key-ok; do
	echo "$out" | grep -q -- "--$o"; ok $? "tlsa check --help lists --$o"
done

need_tls_servers
servers_in_T

# A CA; the leaf the server presents and the next one (same CA, new key);
# a stranger's self-signed certificate.
test_ca
for n in leaf next; do
	key $n.key
	openssl req -new -key $n.key -out $n.csr -subj /CN=host.test 2>/dev/null
	openssl x509 -req -in $n.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 300 \
		-extfile leaf.ext -out $n.pem 2>/dev/null
done
key other.key
openssl req -x509 -new -key other.key -out other.pem -days 300 -subj /CN=other.test 2>/dev/null
# An encrypted copy of the next key.
openssl pkey -in next.key -aes256 -passout pass:s3cret -out next-enc.key 2>/dev/null
printf "s3cret\n" >pass.txt
[ -s leaf.pem ] && [ -s next.pem ] && [ -s other.pem ] && grep -q ENCRYPTED next-enc.key
ok $? "the test certificates and keys were made"
spki() { openssl x509 -in "$1" -noout -pubkey | openssl pkey -pubin -outform DER | sha256sum | cut -c1-64; }
leaf311="3 1 1 $(spki leaf.pem)"
next311="3 1 1 $(spki next.pem)"
other311="3 1 1 $(spki other.pem)"
ca211="2 1 1 $(spki ca.pem)"

openssl s_server -quiet -accept 127.0.0.1:4431 -cert leaf.pem -key leaf.key -cert_chain ca.pem \
	</dev/null >/dev/null 2>&1 &
pids="$pids $!"
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/4431) 2>/dev/null && break; sleep 0.1; done

check() { run "$TLSA" check --sni host.test -a 127.0.0.1 -p 4431 "$@" host.test; }

# ---- the certbot question: one record, matching the candidate -------------------
check -q --tlsa "$leaf311" --candidate leaf.pem
is "$rc" 1 "--candidate with the live check keeps the live check's single-key WARNING (exit 1)"
check -q --tlsa "$leaf311" --candidate leaf.pem --candidate-only
is "$rc:$out" "0:" "--candidate-only: a single 3 1 1 record that matches the candidate is OK (exit 0), silent with -q"
check --tlsa "$leaf311" --candidate leaf.pem --candidate-only
echo "$out" | grep -qxF "host.test:4431: OK: 1 of 1 candidate matches the published records"
ok $? "--candidate-only's summary counts the candidates that match"
! echo "$out" | grep -q "127.0.0.1:4431"
ok $? "--candidate-only reports no address: the live service is not the question"
check -q --tlsa "$leaf311" --candidate next.pem --candidate-only
is "$rc" 2 "--candidate-only: a candidate that matches no record is CRITICAL (exit 2)"
echo "$out" | grep -qF "_4431._tcp.host.test. IN TLSA $next311"
ok $? "and names the record to publish first"
run "$TLSA" check --sni host.test -a 127.0.0.9 -p 4431 --timeout 2 --tlsa "$leaf311" --candidate leaf.pem \
	--candidate-only host.test
is "$rc" 0 "--candidate-only does not contact the server (nothing listens on 127.0.0.9)"
check --tlsa "$leaf311" --candidate leaf.pem --candidate-only -o nagios
echo "$out" | grep -q '^DANE OK - host.test:4431: 1 of 1 candidate matches the published records | candidates=1;;;0 matched=1;;;0 failed=0;;;0'
ok $? "--candidate-only in nagios format counts candidates ($out)"
check --tlsa "$leaf311" --candidate leaf.pem --candidate-only -o json
echo "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["status"] == "OK" and d["candidate_only"] is True, d
c = d["targets"][0]["candidates"][0]
assert c["matched"] is True and c["depth"] == 0, c
'
ok $? "--candidate-only in json says so, with the candidate matched"

# ---- --single-key-ok ---------------------------------------------------------------
check --tlsa "$leaf311"
is "$rc" 1 "one key published is still a WARNING by default"
check --tlsa "$leaf311" --single-key-ok
is "$rc" 0 "--single-key-ok: one key published is OK (exit 0)"
! echo "$out" | grep -q "WARNING"
ok $? "--single-key-ok prints no single-key WARNING"
check --tlsa "$other311" --single-key-ok
is "$rc" 2 "--single-key-ok does not hide a mismatch (exit 2)"

# ---- candidates: encrypted keys and CSRs -------------------------------------------
check --tlsa "$leaf311" --tlsa "$next311" --candidate next-enc.key --passin file:pass.txt --candidate-only
is "$rc" 0 "an encrypted candidate key is read with --passin"
echo "$out" | grep -qxF "candidate next-enc.key: matches $next311 at depth 0"
ok $? "the encrypted key matches its 3 1 1 record"
PASS=s3cret check --tlsa "$leaf311" --tlsa "$next311" --candidate next-enc.key --passin env:PASS --candidate-only
is "$rc" 0 "--passin env:VAR works for a candidate too"
check --tlsa "$leaf311" --candidate next-enc.key --candidate-only
is "$rc" 3 "an encrypted candidate key without --passin cannot be read (exit 3)"
echo "$err" | grep -qF "tlsa check: --candidate next-enc.key: "
ok $? "and the error names the candidate"
check --tlsa "$leaf311" --tlsa "$next311" --candidate next.csr --candidate-only
is "$rc" 0 "a CSR candidate is matched by its key"
echo "$out" | grep -qxF "candidate next.csr: matches $next311 at depth 0"
ok $? "the CSR's key matches its 3 1 1 record"

# ---- a lone leaf against DANE-TA: the issuer from the live chain ----------------------
check --tlsa "$ca211" --tlsa "$leaf311" --candidate next.pem
is "$rc" 0 "a lone leaf whose issuer the server presents matches the 2 1 1 of that issuer"
echo "$out" | grep -qxF "candidate next.pem: matches $ca211 at depth 1 (its issuer, from the live chain)"
ok $? "the match says the issuer came from the live chain"
check --tlsa "$ca211" --candidate next.pem --candidate-only
is "$rc" 0 "--candidate-only fetches the live chain for a lone leaf's issuer"
check --tlsa "$ca211" --candidate other.pem --candidate-only
is "$rc" 2 "a lone leaf of another issuer does not match the 2 1 1 (exit 2)"

# ---- prometheus: a record the server or a candidate has, and one nobody has -----------
check --tlsa "$leaf311" --tlsa "$next311" --tlsa "$other311" --candidate next.pem -o prometheus
printf '%s\n' "$out" | python3 "$promcheck" >/dev/null
ok $? "prometheus output with candidates is well formed"
echo "$out" | grep -qF "tlsa_record_matched{target=\"host.test\",port=\"4431\",address=\"127.0.0.1\",key_type=\"ECDSA\",record=\"$leaf311\"} 1"
ok $? "tlsa_record_matched keeps its series: 1 for the record that matched"
echo "$out" | grep -qF "tlsa_record_known{target=\"host.test\",port=\"4431\",record=\"$next311\"} 1"
ok $? "tlsa_record_known is 1 for a record that matches a candidate (the next key)"
echo "$out" | grep -qF "tlsa_record_known{target=\"host.test\",port=\"4431\",record=\"$other311\"} 0"
ok $? "tlsa_record_known is 0 for a record that matches nothing the server or a candidate has"
echo "$out" | grep -qF "tlsa_record_known{target=\"host.test\",port=\"4431\",record=\"$leaf311\"} 1"
ok $? "tlsa_record_known is 1 for the record the server's chain matched"

done_testing
