#!/bin/bash
# shellcheck disable=SC2154 # rc, out and err are set by lib.sh's run
# tlsa check --chain FILE (a chain verified offline, no connection), --at
# TIME, and --candidate's validation of a candidate chain, with records
# given by --tlsa (no DNS).  The verdicts are OpenSSL's DANE verifier's:
#   - an expired leaf passes under DANE-EE (3 1 1) and fails under
#     DANE-TA (2 1 1), as RFC 7671 section 5 says;
#   - under DANE-TA the leaf must carry the TLSA base domain (or
#     --service-domain); under DANE-EE names do not matter;
#   - DANE-TA needs the intermediate the record names in the chain;
#   - the depth of the match is where the record's certificate sits;
#   - and parity: the same chain served on loopback (in a network namespace
#     of our own) gets the same verdict from the live check and from
#     `openssl s_client -dane_tlsa_rrdata`.
#
#   TLSA=build/cmd/tlsa bash tests/cli/check-chain.sh

. "$(cd "$(dirname "$0")/.." && pwd)/lib.sh"
case $TLSA in /*) ;; */*) TLSA=$PWD/$TLSA ;; esac
own_namespace -n TLSA_IN_NETNS "$@"
# shellcheck source=tests/cli/servers.sh
. "$top_srcdir/tests/cli/servers.sh"
need_our_tlsa
need_tools openssl
pids=
trap 'for p in $pids; do kill "$p" 2>/dev/null; done; rm -rf "$T"' EXIT
cd "$T" || exit 1

# A root, an intermediate it issued, and leaves the intermediate issued:
# leaf (host.test, 30 days), stranger (other.test), next (host.test, new key).
key root.key
openssl req -x509 -new -key root.key -out root.pem -days 3650 -subj "/CN=Test Root" \
	-addext basicConstraints=critical,CA:true -addext keyUsage=critical,keyCertSign 2>/dev/null
printf 'basicConstraints=critical,CA:true\nkeyUsage=critical,keyCertSign\n' >ca.ext
key int.key
openssl req -new -key int.key -subj "/CN=Test Int" -out int.csr 2>/dev/null
openssl x509 -req -in int.csr -CA root.pem -CAkey root.key -CAcreateserial -days 3000 \
	-extfile ca.ext -out int.pem 2>/dev/null
leaf_for() { # NAME KEY OUT
	printf 'subjectAltName=DNS:%s\nbasicConstraints=CA:false\n' "$1" >"$3.ext"
	key "$2"
	openssl req -new -key "$2" -subj "/CN=$1" -out "$3.csr" 2>/dev/null
	openssl x509 -req -in "$3.csr" -CA int.pem -CAkey int.key -CAcreateserial -days 30 \
		-extfile "$3.ext" -out "$3" 2>/dev/null
}
leaf_for host.test leaf.key leaf.pem
leaf_for other.test other.key other.pem
leaf_for host.test next.key next.pem
cat leaf.pem int.pem >chain.pem
cat leaf.pem int.pem root.pem >full.pem
cat other.pem int.pem >other-chain.pem
cat next.pem int.pem >next-chain.pem
[ -s chain.pem ] && [ -s other-chain.pem ] && [ -s next-chain.pem ]
ok $? "the test chains were made"
spki() { openssl x509 -in "$1" -noout -pubkey | openssl pkey -pubin -outform DER | sha256sum | cut -c1-64; }
leaf311="3 1 1 $(spki leaf.pem)"
next311="3 1 1 $(spki next.pem)"
int211="2 1 1 $(spki int.pem)"
root211="2 1 1 $(spki root.pem)"
later=$(($(date +%s) + 100 * 86400)) # the leaves (30 days) have expired, the CAs not

chain() { run "$TLSA" check "$@"; }

# ---- usage ------------------------------------------------------------------------
chain --chain chain.pem --mx --tlsa "$leaf311" example.test
is "$rc" 3 "--chain with --mx is a usage error (exit 3)"
chain --chain chain.pem -a 127.0.0.1 --tlsa "$leaf311" host.test
is "$rc" 3 "--chain with --address is a usage error (exit 3)"
echo "$err" | grep -qF "tlsa check: --chain connects nowhere: --address is not allowed"
ok $? "and says --chain connects nowhere"
chain --chain leaf.key --tlsa "$leaf311" host.test
is "$rc" 3 "--chain with a key instead of certificates is UNKNOWN (exit 3)"
echo "$err" | grep -qF "tlsa check: --chain leaf.key: a private key, not certificates"
ok $? "and names the file and what it holds"
chain --chain missing.pem --tlsa "$leaf311" host.test
echo "$rc:$err" | grep -qE "^3:tlsa check: --chain missing.pem: No such file"
ok $? "a --chain file that does not exist is UNKNOWN (exit 3), naming the file"
chain --chain chain.pem --at yesterday --tlsa "$leaf311" host.test
echo "$rc:$err" | grep -qF "3:tlsa check: bad --at 'yesterday'"
ok $? "a bad --at is a usage error naming the value"
run "$TLSA" check --help
for o in chain at; do
	echo "$out" | grep -q -- "--$o "; ok $? "tlsa check --help lists --$o"
done

# ---- verdicts ---------------------------------------------------------------------
chain --chain chain.pem --tlsa "$leaf311" --tlsa "$next311" --resolver not-an-address host.test
is "$rc" 0 "--chain with --tlsa makes no resolver (a --resolver that is no address is not even read)"

chain --chain chain.pem --tlsa "$leaf311" --tlsa "$next311" host.test
[ "$rc" = 0 ] && echo "$out" | grep -qxF "chain.pem: OK: $leaf311 matched at depth 0"
ok $? "a chain whose leaf key is published verifies offline (exit 0), reported under the file's name"
chain --chain chain.pem --tlsa "$int211" --tlsa "$root211" host.test
is "$rc" 0 "DANE-TA: the intermediate's 2 1 1 verifies the chain (exit 0)"
echo "$out" | grep -qxF "chain.pem: OK: $int211 matched at depth 1"
ok $? "and the match is at depth 1, the intermediate's"
chain --chain full.pem --tlsa "$root211" host.test
echo "$rc:$out" | grep -qF "full.pem: OK: $root211 matched at depth 2"
ok $? "a 2 1 1 for the root matches at depth 2 when the chain carries the root"
chain --chain chain.pem --tlsa "$root211" host.test
is "$rc" 2 "a 2 1 1 digest of a root the chain does not carry cannot match (CRITICAL), as OpenSSL decides"

chain --chain chain.pem --at "@$later" --tlsa "$leaf311" --tlsa "$next311" host.test
is "$rc" 1 "DANE-EE: an expired leaf still verifies under 3 1 1 (the expiry is only a WARNING)"
echo "$out" | grep -qF "chain.pem: WARNING: $leaf311 matched at depth 0"
ok $? "and the record is said to match"
echo "$out" | grep -qF "expired on" && echo "$out" | grep -qF "DANE-EE ignores expiry"
ok $? "and the expiry is named"
chain --chain chain.pem --at "@$later" --tlsa "$int211" host.test
is "$rc" 2 "DANE-TA: an expired leaf does not verify under 2 1 1 (CRITICAL)"
echo "$out" | grep -qF "chain.pem: CRITICAL: certificate verification failed at depth 0: certificate has expired"
ok $? "and OpenSSL's reason says the certificate has expired, at depth 0"
chain --chain chain.pem --at "$(date -u -d tomorrow +%Y-%m-%d)" --tlsa "$int211" --tlsa "$root211" host.test
is "$rc" 0 "--at a day within the chain's validity verifies it (exit 0)"

chain --chain other-chain.pem --tlsa "$int211" host.test
is "$rc" 2 "DANE-TA: a leaf for another name is CRITICAL"
echo "$out" | grep -qF "certificate verification failed at depth 0: hostname mismatch"
ok $? "and OpenSSL says hostname mismatch"
chain --chain other-chain.pem --tlsa "$int211" --tlsa "$root211" --service-domain other.test host.test
is "$rc" 0 "DANE-TA: --service-domain names a name the leaf may carry (exit 0)"
chain --chain other-chain.pem --tlsa "3 1 1 $(spki other.pem)" --tlsa "$next311" host.test
is "$rc" 0 "DANE-EE: the leaf's names do not matter under 3 1 1 (exit 0)"

chain --chain chain.pem --tlsa "1 1 1 $(spki leaf.pem)" --tlsa "$next311" --ca-file root.pem host.test
is "$rc" 0 "PKIX-EE: the chain verifies offline against --ca-file"
chain --chain chain.pem --tlsa "1 1 1 $(spki leaf.pem)" --tlsa "$next311" --ca-file int.pem host.test
is "$rc" 2 "PKIX-EE: without its root in --ca-file the chain fails (no DANE shortcut for usage 1)"

chain --chain leaf.pem --tlsa "$int211" host.test
is "$rc" 2 "DANE-TA: a chain without the intermediate the record names is CRITICAL"
chain --chain leaf.pem --tlsa "$int211" host.test -o json
echo "$out" | grep -qF '"address": "file:leaf.pem"' && echo "$out" | grep -qF '"connected": false'
ok $? "json names the file as the address and says nothing was connected"

# ---- readiness for the next renewal: WARNINGs, offline too ---------------------------
chain --chain chain.pem --tlsa "$int211" host.test
is "$rc" 1 "a DANE-TA match with one issuer pinned and no leaf key is a WARNING"
echo "$out" | grep -qF "host.test:443: WARNING: the TLSA set pins only one issuer ($int211, CN=Test Int) and no leaf key"
ok $? "and the warning names the record and the issuer"
chain --chain chain.pem --tlsa "$int211" --tlsa "2 0 1 $(openssl x509 -in int.pem -outform DER | sha256sum | cut -c1-64)" host.test
is "$rc" 1 "two records for the same issuer (2 1 1 and 2 0 1) are still one issuer"
chain --chain chain.pem --tlsa "$int211" --tlsa "$root211" host.test
is "$rc:$(echo "$out" | grep -c 'one issuer')" "0:0" "a second issuer's record (the root) is no WARNING"
chain --chain chain.pem --tlsa "$int211" --tlsa "$leaf311" host.test
is "$rc:$(echo "$out" | grep -c 'one issuer')" "0:0" "a record for the leaf key beside the 2 1 1 is no WARNING"
chain --chain chain.pem --tlsa "$int211" --tlsa "$next311" host.test
is "$rc" 1 "a record for another leaf key (not the one in use) does not count as the leaf key"

many=(--tlsa "$leaf311")
for i in $(seq 11); do many+=(--tlsa "3 1 1 $(printf '%064x' "$i")"); done
chain --chain chain.pem "${many[@]}" host.test
is "$rc:$(echo "$out" | grep -c 'records: some large receivers')" "0:0" "a set of 12 records is no WARNING"
chain --chain chain.pem "${many[@]}" --tlsa "3 1 1 $(printf '%064x' 12)" host.test
is "$rc" 1 "a set of 13 records is a WARNING"
echo "$out" | grep -qF "host.test:443: WARNING: the TLSA set has 13 records: some large receivers give up on sets of more than 12"
ok $? "and says how many and why"

leaf301="3 0 1 $(openssl x509 -in leaf.pem -outform DER | sha256sum | cut -c1-64)"
chain --chain chain.pem --tlsa "$leaf301" --tlsa "$next311" --warn-days 40 host.test
is "$rc" 1 "a 3 0 1 record whose certificate expires within --warn-days is a WARNING"
echo "$out" | grep -qF "WARNING: TLSA record $leaf301 pins the whole certificate, which expires on"
ok $? "and says the renewal breaks it even if the key is kept"
chain --chain chain.pem --tlsa "$leaf301" --tlsa "$next311" --warn-days 10 host.test
is "$rc:$(echo "$out" | grep -c 'pins the whole')" "0:0" "a 3 0 1 record whose certificate expires after --warn-days is no WARNING"
chain --chain chain.pem --tlsa "$leaf311" --tlsa "3 0 0 $(openssl x509 -in next.pem -outform DER | od -An -v -tx1 | tr -d ' \n')" --warn-days 40 host.test
echo "$out" | grep -qF "pins the whole certificate, which expires on"
ok $? "a 3 0 0 record not presented is judged by the certificate it holds"

# ---- --candidate: a match must also validate ---------------------------------------
chain --candidate-only --candidate next-chain.pem --tlsa "$int211" --tlsa "$root211" host.test
is "$rc" 0 "--candidate-only: a candidate chain that matches and validates is OK (exit 0)"
chain --candidate-only --candidate other-chain.pem --tlsa "$int211" host.test
is "$rc" 2 "--candidate-only: a candidate that matches 2 1 1 but carries another name is CRITICAL"
echo "$out" | grep -qF "candidate other-chain.pem matches $int211 but would not validate: certificate verification failed at depth 0: hostname mismatch"
ok $? "and says it matches but would not validate, and why"
chain --candidate-only --candidate other-chain.pem --tlsa "$int211" -o json host.test
echo "$out" | grep -qF '"status": "CRITICAL", "matched": true, "validates": false, "validation_error": "certificate verification failed at depth 0: hostname mismatch"'
ok $? "json says the candidate matched but does not validate, and why"
chain --candidate-only --candidate next-chain.pem --tlsa "$int211" -o json host.test
echo "$out" | grep -qF '"status": "OK", "matched": true, "validates": true'
ok $? "json says a candidate that validates does"
chain --candidate-only --candidate next-chain.pem --at "@$later" --tlsa "$int211" host.test
is "$rc" 2 "--candidate-only: a candidate that matches but has expired at --at is CRITICAL"
echo "$out" | grep -qF "would not validate: certificate verification failed at depth 0: certificate has expired"
ok $? "and says it has expired"
chain --candidate-only --candidate next-chain.pem --at "@$later" --tlsa "$next311" host.test
is "$rc" 0 "--candidate-only: under 3 1 1 an expired candidate still validates (exit 0)"

# ---- parity with the live check and openssl s_client on the same chain -------------
if [ -z "${TLSA_IN_NETNS:-}" ] || ! command -v python3 >/dev/null; then
	skip "parity with a live server needs a network namespace of our own (root)"
	done_testing
	exit $?
fi
ip link set lo up
serve() { # PORT CERT KEY [CHAIN]
	openssl s_server -quiet -accept "127.0.0.1:$1" -cert "$2" -key "$3" ${4:+-cert_chain "$4"} \
		</dev/null >/dev/null 2>&1 &
	pids="$pids $!"
	for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && break; sleep 0.1; done
}
serve 4441 leaf.pem leaf.key int.pem
serve 4442 other.pem other.key int.pem
serve 4443 leaf.pem leaf.key
# s_client's verdict: 0 verified, else OpenSSL's error number.
sclient() { # PORT RECORD [ATTIME]
	echo | openssl s_client -connect "127.0.0.1:$1" -servername host.test \
		-dane_tlsa_domain host.test -dane_tlsa_rrdata "$2" -dane_ee_no_namechecks \
		${3:+-attime "$3"} 2>/dev/null | sed -n 's/^ *Verify return code: \([0-9]*\).*/\1/p' | head -1
}
# Each case: port, file, record, --at or "".
while IFS='|' read -r port file rec at what; do
	atopt=()
	[ -n "$at" ] && atopt=(--at "@$at")
	run "$TLSA" check --tlsa "$rec" --tlsa "$next311" "${atopt[@]}" --chain "$file" host.test
	offline=$rc
	run "$TLSA" check --tlsa "$rec" --tlsa "$next311" "${atopt[@]}" -a 127.0.0.1 -p "$port" \
		--sni host.test host.test
	is "$offline" "$rc" "parity: $what gets the same verdict offline as live ($rc)"
	sc=$(sclient "$port" "$rec" "$at")
	if [ "$offline" -le 1 ]; then is "$sc" 0 "parity: $what verifies with openssl s_client too"; else
		[ -n "$sc" ] && [ "$sc" != 0 ]; ok $? "parity: $what fails with openssl s_client too ($sc)"; fi
done <<EOF
4441|chain.pem|$leaf311||a good chain under 3 1 1
4441|chain.pem|$int211||a good chain under 2 1 1 (depth 1)
4441|chain.pem|$leaf311|$later|an expired leaf under 3 1 1
4441|chain.pem|$int211|$later|an expired leaf under 2 1 1
4442|other-chain.pem|$int211||another name under 2 1 1
4443|leaf.pem|$int211||a missing intermediate under 2 1 1
EOF
run "$TLSA" check --tlsa "$int211" -a 127.0.0.1 -p 4441 --sni host.test host.test
live=$(echo "$out" | grep -o 'matched at depth [0-9]*')
run "$TLSA" check --tlsa "$int211" --chain chain.pem host.test
is "$(echo "$out" | grep -o 'matched at depth [0-9]*')" "$live" "parity: the depth of the match is the live check's"

done_testing
