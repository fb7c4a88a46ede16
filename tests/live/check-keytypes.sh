#!/bin/bash
# Servers with several certificates (RSA and ECDSA side by side, as
# Postfix, nginx and Dovecot serve them): tlsa check verifies each key
# type the server offers, one handshake per signature-algorithm family,
# and takes the worst; tlsa create HOST prints records for each key.
# The servers run in the lab's namespace (lab_enter) without the rest of
# the lab: records come from --tlsa and addresses from --address.
#   - tlsd.py (Python's ssl, that is OpenSSL) with one context holding an
#     RSA and an ECDSA chain, an ECDSA chain alone, RSA and Ed25519;
#   - Postfix with smtpd_tls_chain_files naming an RSA and an ECDSA chain,
#     behind STARTTLS on port 25;
#   - gnutls-serv with RSA and ECDSA, when installed: a TLS stack that is
#     not OpenSSL must refuse a family it lacks in a way we recognise.
# The expected record data comes from the openssl CLI, not from tlsa.
#
#   TLSA_LIVE=1 TLSA=build/cmd/tlsa top_srcdir=. bash tests/live/check-keytypes.sh
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
if [ -z "${TLSA:-}" ] && [ -n "${top_builddir:-}" ]; then
	TLSA=$top_builddir/cmd/tlsa
fi
export TLSA
. "$top_srcdir/tests/live/lab.sh"
lab_enter "$@"
. "$top_srcdir/tests/lib.sh"

HOST=keys.dane.test
DUAL=127.0.0.50   # RSA and ECDSA
EC=127.0.0.51     # ECDSA alone
RSAED=127.0.0.52  # RSA and Ed25519
GNUTLS_PORT=8443  # gnutls-serv, RSA and ECDSA, on 127.0.0.1
POSTFIX=127.0.0.53 # Postfix on port 25, RSA and ECDSA

# ---- certificates: one CA, a leaf per key type -----------------------------------
(
	cd "$T" || exit 1
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key \
		-out ca.crt -subj /CN=keys-test-ca -days 30
	for t in rsa ec ed25519; do
		case $t in
		rsa) k=(-newkey rsa:2048) ;;
		ec) k=(-newkey ec -pkeyopt ec_paramgen_curve:P-256) ;;
		ed25519) k=(-newkey ed25519) ;;
		esac
		openssl req -new "${k[@]}" -nodes -keyout $t.key -out $t.csr -subj "/CN=$HOST"
		printf 'subjectAltName=DNS:%s\n' "$HOST" >san.ext
		openssl x509 -req -in $t.csr -CA ca.crt -CAkey ca.key -set_serial "$RANDOM" \
			-days 30 -extfile san.ext -out $t.crt
		cat $t.crt ca.crt >$t.chain.pem
		cat $t.key $t.chain.pem >$t.combo.pem
	done
) >"$T/certs.log" 2>&1 || { cat "$T/certs.log"; echo "Bail out! cannot make the certificates"; exit 1; }

# spki NAME: the 3 1 1 data of a certificate's key, by the openssl CLI.
spki() {
	openssl x509 -in "$T/$1.crt" -noout -pubkey | openssl pkey -pubin -outform DER |
		openssl dgst -sha256 -r | cut -d' ' -f1
}
RSA_DATA=$(spki rsa)
EC_DATA=$(spki ec)
ED_DATA=$(spki ed25519)
CA_DATA=$(openssl x509 -in "$T/ca.crt" -noout -pubkey | openssl pkey -pubin -outform DER |
	openssl dgst -sha256 -r | cut -d' ' -f1)

# ---- servers ------------------------------------------------------------------------
python3 "$top_srcdir/tests/live/tlsd.py" \
	tls "$DUAL" 443 "$T/rsa.chain.pem,$T/ec.chain.pem" "$T/rsa.key,$T/ec.key" \
	tls "$EC" 443 "$T/ec.chain.pem" "$T/ec.key" \
	tls "$RSAED" 443 "$T/rsa.chain.pem,$T/ed25519.chain.pem" "$T/rsa.key,$T/ed25519.key" \
	</dev/null >"$T/tlsd.log" 2>&1 &
have_gnutls=0
if command -v gnutls-serv >/dev/null 2>&1; then
	gnutls-serv --port "$GNUTLS_PORT" --x509certfile "$T/rsa.chain.pem" --x509keyfile "$T/rsa.key" \
		--x509certfile "$T/ec.chain.pem" --x509keyfile "$T/ec.key" </dev/null >"$T/gnutls.log" 2>&1 &
	have_gnutls=1
fi
# A Postfix that only greets, offers STARTTLS and shows its certificates.
start_postfix() {
	local d=$T/postfix
	mkdir -p "$d/conf" "$d/queue" "$d/data" && chmod 755 "$T" && chown postfix "$d/data" || return 1
	lab_postfix_main "$d" "$HOST" >"$d/conf/main.cf"
	{
		lab_postfix_services
		echo "$POSTFIX:25 inet n - n - - smtpd -o smtpd_tls_chain_files=$T/rsa.combo.pem,$T/ec.combo.pem"
	} >"$d/conf/master.cf"
	postfix -c "$d/conf" start </dev/null >"$d/start.log" 2>&1
}
have_postfix=0
start_postfix && have_postfix=1
port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
for _ in $(seq 50); do
	port_open "$DUAL" 443 && port_open "$EC" 443 && port_open "$RSAED" 443 &&
		{ [ $have_gnutls = 0 ] || port_open 127.0.0.1 "$GNUTLS_PORT"; } &&
		{ [ $have_postfix = 0 ] || port_open "$POSTFIX" 25; } && break
	sleep 0.1
done

check() { run "$TLSA" check --timeout 3 "$@" "$HOST"; }

# ---- a set that matches only the ECDSA key ------------------------------------------
check -a "$DUAL" --tlsa "3 1 1 $EC_DATA"
is "$rc" 2 "RSA and ECDSA served, only the ECDSA key published: CRITICAL"
echo "$out" | grep -q "^$DUAL:443 RSA: CRITICAL: no TLSA record matches: server SPKI sha256 $RSA_DATA"
ok $? "the CRITICAL line names the RSA key type and the RSA key's digest"
echo "$out" | grep -q "^$DUAL:443 ECDSA: OK: 3 1 1 $EC_DATA matched at depth 0"
ok $? "the ECDSA key is reported matched on a line of its own"
echo "$out" | grep -q "^$HOST:443: CRITICAL: 1 of 1 address failed"
ok $? "the summary counts addresses, not key types"
! echo "$out" | grep -q "Ed25519\|Ed448"
ok $? "key types the server does not have are not reported"

check -a "$DUAL" --tlsa "3 1 1 $EC_DATA" -o nagios
echo "$out" | grep -q "^DANE CRITICAL - $DUAL:443 RSA: no TLSA record matches" &&
	echo "$out" | grep -q "| addresses=1;;;0 matched=0;;;0 failed=1;;;0"
ok $? "nagios: the status line names RSA, the perfdata counts one failed address"

check -a "$DUAL" --tlsa "3 1 1 $EC_DATA" -o json
is "$(printf '%s' "$out" | python3 -c '
import json, sys
for a in json.load(sys.stdin)["targets"][0]["hosts"][0]["addresses"]:
    print(a["address"], a["key_type"], a["status"], a["records"][0]["result"])' | tr '\n' ';')" \
	"$DUAL RSA CRITICAL not matched;$DUAL ECDSA OK matched;" \
	"json: one object per key type, each with its key_type, status and record result"

check -a "$DUAL" --tlsa "3 1 1 $EC_DATA" -o prometheus
echo "$out" | grep -q "^tlsa_check_address_status{target=\"$HOST\",port=\"443\",address=\"$DUAL\",key_type=\"RSA\",class=\"dane\"} 2$" &&
	echo "$out" | grep -q "^tlsa_check_address_status{target=\"$HOST\",port=\"443\",address=\"$DUAL\",key_type=\"ECDSA\"} 0$"
ok $? "prometheus: a series per key type, RSA 2 and ECDSA 0"
echo "$out" | grep -q "^tlsa_record_matched{target=\"$HOST\",port=\"443\",address=\"$DUAL\",key_type=\"ECDSA\",record=\"3 1 1 $EC_DATA\"} 1$"
ok $? "prometheus: tlsa_record_matched is per key type too"
if command -v promtool >/dev/null 2>&1; then
	printf '%s\n' "$out" | promtool check metrics >/dev/null 2>&1
	ok $? "prometheus: promtool accepts the exposition"
fi

# ---- both keys published --------------------------------------------------------------
check -a "$DUAL" --tlsa "3 1 1 $EC_DATA" --tlsa "3 1 1 $RSA_DATA"
is "$rc" 0 "RSA and ECDSA served, both keys published: OK"
echo "$out" | grep -q "^$DUAL:443 RSA: OK: 3 1 1 $RSA_DATA matched" &&
	echo "$out" | grep -q "^$DUAL:443 ECDSA: OK: 3 1 1 $EC_DATA matched"
ok $? "each key type is matched by its own record"

check -a "$RSAED" --tlsa "3 1 1 $ED_DATA" --tlsa "3 1 1 $RSA_DATA"
is "$rc" 0 "RSA and Ed25519 served, both published: OK"
echo "$out" | grep -q "^$RSAED:443 Ed25519: OK: 3 1 1 $ED_DATA matched"
ok $? "an Ed25519 certificate is found and checked"
check -a "$RSAED" --tlsa "3 1 1 $RSA_DATA" --tlsa "2 1 1 $CA_DATA"
echo "$out" | grep -q "^$RSAED:443 Ed25519: OK: 2 1 1 $CA_DATA matched at depth 1"
ok $? "a 2 1 1 for the common issuer covers the Ed25519 key"

# ---- one certificate: reported as before ------------------------------------------
check -a "$EC" --tlsa "3 1 1 $EC_DATA" --tlsa "3 1 1 $RSA_DATA"
is "$rc" 0 "one ECDSA certificate, its key published: OK"
echo "$out" | grep -q "^$EC:443: OK: 3 1 1 $EC_DATA matched"
ok $? "a server with one key type keeps the plain address line"
check -a "$EC" --tlsa "3 1 1 $EC_DATA" -o json
is "$(printf '%s' "$out" | python3 -c '
import json, sys
print(" ".join(a["key_type"] for a in json.load(sys.stdin)["targets"][0]["hosts"][0]["addresses"]))')" \
	"ECDSA" "json: the single certificate's key type is still reported"

# ---- --key-types ----------------------------------------------------------------------
check -a "$DUAL" --tlsa "3 1 1 $EC_DATA" --tlsa "3 1 1 $CA_DATA" --key-types first
is "$rc" 0 "--key-types first checks only what an ordinary client gets (ECDSA here): OK"
check -a "$DUAL" --tlsa "3 1 1 $EC_DATA" --key-types rsa
is "$rc" 2 "--key-types rsa checks the RSA key alone: CRITICAL"
check -a "$DUAL" --tlsa "3 1 1 $EC_DATA" --tlsa "3 1 1 $CA_DATA" --key-types ecdsa,ed448
is "$rc" 0 "--key-types ecdsa,ed448 on an RSA and ECDSA server: the ECDSA key, OK"
check -a "$EC" --tlsa "3 1 1 $EC_DATA" --key-types rsa
is "$rc" 2 "--key-types rsa of a server without an RSA key: CRITICAL"
echo "$out" | grep -q "^$EC:443: CRITICAL: no certificate of the key types asked for (RSA)"
ok $? "and the line says the key type asked for is not offered"
check -a "$DUAL" --tlsa "3 1 1 $EC_DATA" --key-types dsa
is "$rc" 3 "--key-types dsa is a usage error (exit 3)"
echo "$err" | grep -q "^tlsa check: bad --key-types 'dsa'"
ok $? "the usage error names the value"

# ---- Postfix, behind STARTTLS ---------------------------------------------------------
if [ $have_postfix = 1 ]; then
	run "$TLSA" check --timeout 3 -p 25 -a "$POSTFIX" --tlsa "3 1 1 $EC_DATA" "$HOST"
	is "$rc" 2 "Postfix with RSA and ECDSA chains, only ECDSA published: CRITICAL"
	echo "$out" | grep -q "^$POSTFIX:25 RSA: CRITICAL: no TLSA record matches" &&
		echo "$out" | grep -q "^$POSTFIX:25 ECDSA: OK"
	ok $? "Postfix: the RSA key fails and the ECDSA key matches, each after its own STARTTLS"
	run "$TLSA" check --timeout 3 -p 25 -a "$POSTFIX" --tlsa "3 1 1 $EC_DATA" --tlsa "3 1 1 $RSA_DATA" "$HOST"
	is "$rc" 0 "Postfix with both keys published: OK"
	run "$TLSA" create -q -p 25 -a "$POSTFIX" -o rdata "$HOST"
	is "$(echo "$out" | sort | tr '\n' ';')" "$(printf '3 1 1 %s\n' "$RSA_DATA" "$EC_DATA" | sort | tr '\n' ';')" \
		"create from Postfix prints both keys' records"
	postfix -c "$T/postfix/conf" stop >/dev/null 2>&1
else
	sed 's/^/# /' "$T/postfix/start.log" 2>/dev/null
	skip "Postfix did not start"
	skip "Postfix did not start"
	skip "Postfix did not start"
	skip "Postfix did not start"
fi

# ---- a TLS stack other than OpenSSL ----------------------------------------------
if [ $have_gnutls = 1 ]; then
	run "$TLSA" check --timeout 3 -p "$GNUTLS_PORT" -a 127.0.0.1 --tlsa "3 1 1 $EC_DATA" -o json "$HOST"
	is "$rc" 2 "gnutls-serv with RSA and ECDSA, only ECDSA published: CRITICAL"
	is "$(printf '%s' "$out" | python3 -c '
import json, sys
for a in json.load(sys.stdin)["targets"][0]["hosts"][0]["addresses"]:
    print(a["key_type"], a["status"])' | tr '\n' ';')" "RSA CRITICAL;ECDSA OK;" \
		"gnutls-serv: RSA fails, ECDSA matches, and the families it lacks are 'not offered'"
else
	skip "gnutls-serv is not installed"
	skip "gnutls-serv is not installed"
fi

# ---- create HOST --------------------------------------------------------------------
run "$TLSA" create -q -a "$DUAL" "$HOST"
is "$rc" 0 "create from a server with RSA and ECDSA succeeds"
is "$(echo "$out" | sort | tr '\n' ';')" \
	"$(printf '_443._tcp.%s. IN TLSA 3 1 1 %s\n' "$HOST" "$RSA_DATA" "$HOST" "$EC_DATA" | sort | tr '\n' ';')" \
	"create HOST prints a record for each key the server offers"
run "$TLSA" create -q -a "$DUAL" --params 3,1,1 --params 2,1,1 -o rdata "$HOST"
is "$(echo "$out" | sort | tr '\n' ';')" \
	"$(printf '3 1 1 %s\n' "$RSA_DATA" "$EC_DATA" | { cat; echo "2 1 1 $CA_DATA"; } | sort | tr '\n' ';')" \
	"the issuer both keys share gets one 2 1 1 record, not two"
run "$TLSA" create -q -a "$EC" -o rdata "$HOST"
is "$out" "3 1 1 $EC_DATA" "create from a server with one key prints that key's record alone"

done_testing
