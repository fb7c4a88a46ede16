#!/bin/bash
# tlsa check (and tlsa create HOST), from the outside: option and usage
# errors (exit 3, UNKNOWN), then verdicts against real TLS servers on
# loopback inside a network namespace of our own (`unshare -n`), with
# records given by --tlsa / --tlsa-file so that no DNS is involved.
# DNSSEC verdicts are the live tests' (tests/live/check.sh).
#
# Servers: `openssl s_server` for direct TLS, and a small Python SMTP
# server (with and without STARTTLS, and a silent one) for the dialogue.
# Certificates come from the openssl CLI; expected record data from
# `openssl pkey | sha256sum`, never from libtlsa.
#
#   TLSA=build/cmd/tlsa bash tests/cli/check.sh

. "$(cd "$(dirname "$0")/.." && pwd)/lib.sh"
# Run the whole script in a network namespace of its own when we can: only
# loopback exists there, so nothing can leave the machine.
own_namespace -n TLSA_IN_NETNS "$@"
# shellcheck source=tests/cli/servers.sh
. "$top_srcdir/tests/cli/servers.sh"
netns=
if [ -n "${TLSA_IN_NETNS:-}" ]; then
	ip link set lo up
	netns=1
fi
need_our_tlsa

# ---- usage errors: exit 3, nothing on stdout --------------------------------

usage_error() { # DESCRIPTION ARGS...: exit 3, stdout empty, a hint on stderr
	local what=$1
	shift
	run "$TLSA" check "$@"
	is "$rc" 3 "$what exits 3 (UNKNOWN)"
	[ -z "$out" ] && echo "$err" | grep -q "^tlsa check: "
	ok $? "$what prints nothing on stdout and says why on stderr"
}

usage_error "no HOST" 
usage_error "an unknown option" --frobnicate host.test
usage_error "an option missing its value" host.test --port
usage_error "a port out of range" -p 70000 host.test
usage_error "an unknown STARTTLS protocol" -t gopher host.test
usage_error "an unknown output format" -o yaml host.test
usage_error "a malformed --tlsa record" --tlsa "3 1 1 zz" -a 127.0.0.1 host.test
usage_error "a --tlsa record with a bad usage" --tlsa "9x 1 1 00" -a 127.0.0.1 host.test
usage_error "a non-numeric --address" -a host.example -p 443 host.test
usage_error "-4 with -6" -4 -6 host.test
usage_error "-4 with an IPv6 --address" -4 -a ::1 host.test
usage_error "two hosts" host.test other.test
usage_error "a HOST with a port in it" host.test:25
usage_error "an address as HOST" 192.0.2.1
usage_error "an empty HOST" ''
usage_error "a HOST with an empty label" host..test
run "$TLSA" check 2001:db8::1
echo "$err" | grep -qF "tlsa check: '2001:db8::1' is an IP address: TLSA records are published under host names (give the host name, and the address with --address)"
ok $? "an address as HOST says to give the name, and the address with --address"
usage_error "--proto udp (DTLS is not checked)" --proto udp host.test
usage_error "a zero --timeout" --timeout 0 host.test
usage_error "a bad --warn-days" --warn-days many host.test
usage_error "a missing --tlsa-file" --tlsa-file /nonexistent/records -a 127.0.0.1 host.test
# --mx and --srv find hosts, ports and protocols themselves (check-mx.c).
usage_error "--mx with --srv" --mx --srv example.test
usage_error "--mx with -p (the port is 25)" --mx -p 587 example.test
usage_error "--mx with -t (SMTP is the protocol)" --mx -t imap example.test
usage_error "--mx with --address" --mx -a 127.0.0.1 example.test
usage_error "--mx with --tlsa (every host has its own)" --mx --tlsa "3 1 1 $(printf '%064d' 0)" example.test
usage_error "--srv with --sni" --srv --sni x.test _imap._tcp.example.test
usage_error "--mx with --service-domain" --mx --service-domain example.test example.test
usage_error "--srv with a name that is not an SRV owner" --srv --resolver 127.0.0.1@9 --timeout 1 example.test
usage_error "--srv with a _udp owner" --srv --resolver 127.0.0.1@9 --timeout 1 _sip._udp.example.test
usage_error "--srv with a service of unknown protocol and no -t" --srv --resolver 127.0.0.1@9 --timeout 1 _gopher._tcp.example.test
usage_error "a missing --candidate file" --candidate /nonexistent/cert.pem -a 127.0.0.1 host.test
printf 'not a certificate\n' >"$T/notcert.pem"
usage_error "a --candidate file that holds no certificate or key" --candidate "$T/notcert.pem" -a 127.0.0.1 host.test

printf '# comment\n3 1 1 %064d\nnot a record\n' 0 >"$T/bad.tlsa"
run "$TLSA" check --tlsa-file "$T/bad.tlsa" -a 127.0.0.1 host.test
is "$rc" 3 "a --tlsa-file with a bad line exits 3"
echo "$err" | grep -q "bad.tlsa: line 3: "; ok $? "a --tlsa-file error names the file and line"

run "$TLSA" check --help
is "$rc" 0 "tlsa check --help exits 0"
for o in port proto starttls address ipv4 ipv6 sni helo service-domain resolver trust-anchor insecure tlsa \
	tlsa-file timeout warn-days ca-file ca-path format quiet verbose help; do
	echo "$out" | grep -q -- "--$o"; ok $? "tlsa check --help lists --$o"
done
for o in mx srv candidate; do
	echo "$out" | grep -q -- "--$o"; ok $? "tlsa check --help lists --$o"
done

# No DNS server answers on a closed loopback port: the check cannot run.
run "$TLSA" check --resolver 127.0.0.1@9 --timeout 1 host.test
is "$rc" 3 "no DNS server answering is UNKNOWN (exit 3), not 'no records'"
run "$TLSA" check -o nagios --tlsa-file "$T/missing.tlsa" -a 127.0.0.1 host.test
is "$rc" 3 "a check that cannot run exits 3 in nagios format too"
echo "$out" | grep -q "^DANE UNKNOWN - host.test:443: .*missing.tlsa: No such file"
ok $? "nagios format says why a check could not run on stdout, where monitoring looks"
run "$TLSA" check -o json --tlsa-file "$T/missing.tlsa" -a 127.0.0.1 host.test
echo "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["status"]=="UNKNOWN" and d["exit"]==3 and "missing.tlsa" in d["error"]'
ok $? "json format reports UNKNOWN with the error"

# ---- live servers (inside the namespace only) --------------------------------

if [ -z "$netns" ]; then
	skip "servers in a network namespace need root (unshare -n)"
	done_testing
	exit $?
fi
if ! command -v openssl >/dev/null || ! command -v python3 >/dev/null; then
	skip "openssl and python3 are needed for the server tests"
	done_testing
	exit $?
fi

servers_in_T

# Certificates: a CA, a leaf it issued, an expired leaf it issued, and a
# self-signed certificate that belongs to nobody.
test_ca
for n in leaf old; do
	key $n.key
	openssl req -new -key $n.key -out $n.csr -subj /CN=host.test 2>/dev/null
done
openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 300 \
	-extfile leaf.ext -out leaf.pem 2>/dev/null
# OpenSSL 3.0's x509 -req cannot backdate: openssl ca can.
mkdir -p newcerts && : >index.txt && echo 01 >serial
cat >ca.cnf <<CNF
[ca]
default_ca = d
[d]
database = $T/index.txt
new_certs_dir = $T/newcerts
serial = $T/serial
default_md = sha256
policy = p
[p]
commonName = supplied
CNF
openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -in old.csr -out old.pem \
	-startdate 20200101000000Z -enddate 20200201000000Z -extfile leaf.ext -notext \
	>/dev/null 2>&1
key other.key
openssl req -x509 -new -key other.key -out other.pem -days 300 -subj /CN=other.test 2>/dev/null
[ -s leaf.pem ] && [ -s old.pem ] && [ -s other.pem ]
ok $? "the test certificates were made"

# The oracle: 3 1 1 and 2 1 1 data from the openssl CLI alone.
spki() { openssl x509 -in "$1" -noout -pubkey | openssl pkey -pubin -outform DER | sha256sum | cut -c1-64; }
leaf311="3 1 1 $(spki leaf.pem)"
old311="3 1 1 $(spki old.pem)"
other311="3 1 1 $(spki other.pem)"
ca211="2 1 1 $(spki ca.pem)"

# A direct-TLS server: tls PORT ADDR CERT KEY [CHAIN]
tls() {
	openssl s_server -quiet -accept "$2:$1" -cert "$3" -key "$4" ${5:+-cert_chain "$5"} \
		</dev/null >/dev/null 2>&1 &
	pids="$pids $!"
}
tls 4431 127.0.0.1 leaf.pem leaf.key ca.pem
tls 4431 127.0.0.2 other.pem other.key
tls 4432 127.0.0.1 old.pem old.key ca.pem

# A small SMTP server: MODE (starttls, plain, silent) PORT CERT KEY [ADDR]
cat >smtpd.py <<'PY'
import socket, ssl, sys, threading
mode, port, cert, key = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
addr = sys.argv[5] if len(sys.argv) > 5 else "127.0.0.1"
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(cert, key)
def line(c):
    b = b""
    while not b.endswith(b"\n"):
        d = c.recv(1)
        if not d:
            raise EOFError
        b += d
    return b.strip().upper()
def serve(c):
    try:
        c.settimeout(20)
        if mode == "silent":
            c.recv(1)
            return
        c.sendall(b"220 host.test ESMTP test\r\n")
        line(c)
        if mode == "starttls":
            c.sendall(b"250-host.test\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 8BITMIME\r\n")
        else:
            c.sendall(b"250-host.test\r\n250 PIPELINING\r\n")
        if line(c) != b"STARTTLS":
            c.sendall(b"502 no\r\n")
            return
        c.sendall(b"220 2.0.0 go ahead\r\n")
        t = ctx.wrap_socket(c, server_side=True)
        t.recv(100)
    except Exception:
        pass
    finally:
        c.close()
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((addr, port))
s.listen(16)
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
PY
python3 smtpd.py starttls 2525 leaf.pem leaf.key </dev/null >/dev/null 2>&1 & pids="$pids $!"
python3 smtpd.py plain 2526 leaf.pem leaf.key </dev/null >/dev/null 2>&1 & pids="$pids $!"
python3 smtpd.py silent 2527 leaf.pem leaf.key </dev/null >/dev/null 2>&1 & pids="$pids $!"
python3 smtpd.py silent 2527 leaf.pem leaf.key 127.0.0.2 </dev/null >/dev/null 2>&1 & pids="$pids $!"
python3 smtpd.py silent 2527 leaf.pem leaf.key 127.0.0.3 </dev/null >/dev/null 2>&1 & pids="$pids $!"

# Wait until every listener accepts.
for port in 127.0.0.1:4431 127.0.0.2:4431 127.0.0.1:4432 127.0.0.1:2525 127.0.0.1:2526 \
	127.0.0.1:2527 127.0.0.2:2527 127.0.0.3:2527; do
	for _ in $(seq 50); do
		(exec 3<>"/dev/tcp/${port%:*}/${port#*:}") 2>/dev/null && break
		sleep 0.1
	done
done

check() { run "$TLSA" check --sni host.test "$@" host.test; }

# Direct TLS.
check -a 127.0.0.1 -p 4431 --tlsa "$leaf311"
is "$rc" 1 "a single matching 3 1 1 key is WARNING (exit 1): no rollover key published"
echo "$out" | grep -q "127.0.0.1:4431: OK: $leaf311 matched at depth 0"
ok $? "the address line says which record matched at which depth"
echo "$out" | grep -q "only one key published so no rollover is possible"
ok $? "the rollover note says only one key is published"
echo "$out" | grep -Eq "^  TLSv1\.[23], "; ok $? "the TLS version and cipher are reported"
echo "$out" | grep -q "^  depth 0: CN=host.test, issuer CN=Test CA, notAfter "
ok $? "the chain presented is reported with subject, issuer and notAfter"

check -a 127.0.0.1 -p 4431 --tlsa "$leaf311" --tlsa "$other311"
is "$rc" 0 "a rollover set where one of two keys matches is OK (exit 0)"

check -a 127.0.0.1 -p 4431 --tlsa "$ca211"
is "$rc" 1 "2 1 1 for the issuing CA alone matches, but is a WARNING: one issuer pinned, no leaf key"
echo "$out" | grep -q "$ca211 matched at depth 1"; ok $? "2 1 1 is reported matched at depth 1"

check -a 127.0.0.1 -p 4431 --tlsa "$ca211" --tlsa "$leaf311"
is "$rc" 0 "3 1 1 plus 2 1 1 (leaf and issuer) is OK: either survives the other's change"

check -a 127.0.0.1 -p 4431 --tlsa "$other311"
is "$rc" 2 "a record that matches nothing is CRITICAL (exit 2)"
echo "$out" | grep -q "127.0.0.1:4431: CRITICAL: no TLSA record matches: server SPKI sha256 ${leaf311#3 1 1 } vs published $other311"
ok $? "the mismatch names the server's SPKI digest and the published record"

check -a 127.0.0.1 -p 4431 --tlsa "0 1 1 $(spki ca.pem)" --ca-file ca.pem
is "$rc" 0 "PKIX-TA (0 1 1) with --ca-file matches on a non-SMTP port"

check -a 127.0.0.1 -p 4431 --tlsa "1 1 1 $(spki leaf.pem)" --ca-file other.pem
is "$rc" 2 "PKIX-EE (1 1 1) fails when PKIX validation fails (no fallback either way)"

check -a 127.0.0.1 -p 4431 --tlsa "3 1 1 $(printf '%062d' 0)" --tlsa "$leaf311"
is "$rc" 1 "an unusable record (wrong length) in the set is WARNING"
echo "$out" | grep -q "unusable: data length does not fit the matching type"
ok $? "the unusable record is reported with the reason"

check -a 127.0.0.1 -p 4431 --tlsa "3 1 1 $(printf '%062d' 0)"
is "$rc" 2 "a set with no usable record is CRITICAL, never a PKIX fallback"

# Two addresses, one serving the wrong certificate.
check -a 127.0.0.1 -a 127.0.0.2 -p 4431 --tlsa "$leaf311" --tlsa "$ca211"
is "$rc" 2 "one of two addresses serving the wrong certificate is CRITICAL"
echo "$out" | grep -q "^127.0.0.2:4431: CRITICAL: no TLSA record matches"
ok $? "the failing address is named"
echo "$out" | grep -q "^127.0.0.1:4431: OK: "; ok $? "the good address is still reported OK"
first=$(echo "$out" | grep -n '^127.0.0.1:4431' | cut -d: -f1)
second=$(echo "$out" | grep -n '^127.0.0.2:4431' | cut -d: -f1)
[ "$first" -lt "$second" ]; ok $? "addresses are printed in order although checked concurrently"

# Expiry.
check -a 127.0.0.1 -p 4432 --tlsa "$old311" --tlsa "$leaf311"
is "$rc" 1 "an expired certificate under 3 1 1 matches, with a WARNING"
echo "$out" | grep -q "certificate at depth 0 expired on 2020-02-01"
ok $? "the expiry is warned with its date"
check -a 127.0.0.1 -p 4432 --tlsa "$ca211" --tlsa "$leaf311"
is "$rc" 2 "an expired certificate under 2 1 1 is CRITICAL"
echo "$out" | grep -q "certificate has expired"; ok $? "the expiry failure is said in words"
check -a 127.0.0.1 -p 4431 --tlsa "$leaf311" --tlsa "$other311" --warn-days 400
is "$rc" 1 "a certificate expiring within --warn-days is WARNING"

# Connection failures.
check -a 127.0.0.1 -p 4439 --tlsa "$leaf311"
is "$rc" 2 "a refused connection is CRITICAL"
echo "$out" | grep -q "cannot connect: Connection refused"; ok $? "the refusal is said in words"

# STARTTLS.
check -a 127.0.0.1 -p 2525 -t smtp --tlsa "$leaf311" --tlsa "$other311"
is "$rc" 0 "SMTP STARTTLS with a matching record is OK"
check -a 127.0.0.1 -p 2526 -t smtp --tlsa "$leaf311" --tlsa "$other311"
is "$rc" 2 "a server that does not offer STARTTLS is CRITICAL"
echo "$out" | grep -q "127.0.0.1:2526: CRITICAL: STARTTLS not offered in EHLO reply"
ok $? "the message says STARTTLS is not offered in the EHLO reply"
check -a 127.0.0.1 -p 2527 -t smtp --timeout 1 --tlsa "$leaf311"
is "$rc" 2 "a silent server is CRITICAL after the timeout"
echo "$out" | grep -q "timed out after 1 s waiting for the greeting"; ok $? "the timeout says what it waited for"
# Against the time one silent address takes, not a fixed bound, so that
# the case holds under valgrind too: in turn, three would take 4 s more.
start=$(date +%s%N)
check -a 127.0.0.1 -p 2527 -t smtp --timeout 2 --tlsa "$leaf311"
one=$(( ($(date +%s%N) - start) / 1000000 ))
start=$(date +%s%N)
check -a 127.0.0.1 -a 127.0.0.2 -a 127.0.0.3 -p 2527 -t smtp --timeout 2 --tlsa "$leaf311"
ms=$(( ($(date +%s%N) - start) / 1000000 ))
[ "$(echo "$out" | grep -c 'timed out after 2 s')" -eq 3 ] && [ "$ms" -lt $((one + 1500)) ]
ok $? "three silent addresses are checked concurrently: one timeout's time, not three ($ms ms, one alone $one ms)"
check -a 127.0.0.1 -p 2525 --tlsa "$leaf311"
is "$rc" 2 "a STARTTLS port spoken to as direct TLS fails the handshake"
echo "$out" | grep -q "want STARTTLS first?"; ok $? "the handshake failure hints at STARTTLS"

# Output formats.
check -a 127.0.0.1 -p 4431 --tlsa "$leaf311" --tlsa "$other311" -o json
is "$rc" 0 "json output keeps the exit status"
echo "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
a = d["targets"][0]["hosts"][0]["addresses"][0]
assert d["status"] == "OK" and d["exit"] == 0
assert a["address"] == "127.0.0.1" and a["match"]["depth"] == 0
assert [r["result"] for r in a["records"]] == ["matched", "not matched"]
assert a["chain"][0]["subject"] == "CN=host.test"
'
ok $? "json output is valid JSON with per-address and per-record results"
check -a 127.0.0.1 -p 4431 --tlsa "$other311" -o nagios
is "$rc" 2 "nagios output keeps the exit status"
echo "$out" | grep -Eq '^DANE CRITICAL - 127\.0\.0\.1:4431: no TLSA record matches.* \| addresses=1;;;0 matched=0;;;0 failed=1;;;0'
ok $? "nagios output is one status line with performance data"
[ "$(echo "$out" | wc -l)" -eq 1 ]; ok $? "nagios output is exactly one line"
check -q -a 127.0.0.1 -p 4431 --tlsa "$leaf311" --tlsa "$other311"
is "$rc:$out" "0:" "-q prints nothing when everything is OK"
check -q -a 127.0.0.1 -p 4431 --tlsa "$other311"
echo "$out" | grep -q "CRITICAL"; ok $? "-q still prints the problems"

# Records from a file, in the format tlsa create prints.
"$TLSA" create -p 4431 -c leaf.pem host.test >records.zone 2>/dev/null
echo "$other311" >>records.zone
check -a 127.0.0.1 -p 4431 --tlsa-file records.zone
is "$rc" 0 "--tlsa-file reads the zone lines tlsa create prints"

# SMTP on port 25: usages 0 and 1 are ignored (RFC 7672).
python3 smtpd.py starttls 25 leaf.pem leaf.key </dev/null >/dev/null 2>&1 & pids="$pids $!"
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/25) 2>/dev/null && break; sleep 0.1; done
check -a 127.0.0.1 -p 25 --tlsa "1 1 1 $(spki leaf.pem)" --tlsa "$leaf311" --tlsa "$other311"
is "$rc" 1 "a PKIX-EE record on port 25 is ignored, with a WARNING"
echo "$out" | grep -q "ignored: usages 0 and 1 are ignored for SMTP (RFC 7672"
ok $? "the ignored record is reported as ignored, with the RFC"
check -a 127.0.0.1 -p 25 --tlsa "1 1 1 $(spki leaf.pem)"
is "$rc" 2 "only PKIX records on port 25 is CRITICAL"

# --candidate: would the records given (or published) match a certificate not deployed yet?
check -a 127.0.0.1 -p 4431 --tlsa "$leaf311" --tlsa "$ca211" --candidate leaf.pem
is "$rc" 0 "--candidate that matches leaves the verdict to the live check"
echo "$out" | grep -qxF "candidate leaf.pem: matches $leaf311 at depth 0"
ok $? "--candidate names the record it matches and the depth"
check -a 127.0.0.1 -p 4431 --tlsa "$leaf311" --candidate leaf.key
echo "$out" | grep -qxF "candidate leaf.key: matches $leaf311 at depth 0"
ok $? "--candidate with a private key matches a 3 1 1 record of its public key"
cat leaf.pem ca.pem >chain.pem
check -a 127.0.0.1 -p 4431 --tlsa "$ca211" --candidate chain.pem
echo "$out" | grep -qxF "candidate chain.pem: matches $ca211 at depth 1"
ok $? "--candidate with a chain matches a 2 1 1 record at the issuer's depth"
check -a 127.0.0.1 -p 4431 --tlsa "$leaf311" --tlsa "$ca211" --candidate other.pem
is "$rc" 2 "--candidate that matches no record is CRITICAL"
echo "$out" | grep -qxF "_4431._tcp.host.test. IN TLSA $other311"
ok $? "--candidate that matches nothing prints the record to publish, as tlsa create does"
is "$(echo "$out" | grep -c "^_4431._tcp.host.test. IN TLSA ")" 1 "no 2 1 1 is offered when the candidate file holds no issuer"
check -a 127.0.0.1 -p 4431 --tlsa "$leaf311" --candidate other.pem -o nagios
echo "$out" | grep -q "^DANE CRITICAL - .*candidate other.pem matches none of the published TLSA records"
ok $? "--candidate -o nagios: the status line names the candidate"
check -a 127.0.0.1 -p 4431 --tlsa "$leaf311" --candidate leaf.pem --candidate other.pem -o json
echo "$out" | python3 -c '
import json, sys
c = json.load(sys.stdin)["targets"][0]["candidates"]
assert [x["matched"] for x in c] == [True, False] and c[0]["depth"] == 0 and len(c[1]["publish"]) == 1'
ok $? "--candidate -o json: a result per candidate, with depth or what to publish"
check -a 127.0.0.1 -p 25 --tlsa "1 1 1 $(spki leaf.pem)" --candidate leaf.pem
echo "$out" | grep -q "candidate leaf.pem: matches none"
ok $? "--candidate on SMTP port 25 ignores PKIX usages, as RFC 7672 says"

# tlsa create HOST fetches the chain from the live server.
run "$TLSA" create -a 127.0.0.1 -p 4431 host.test
is "$out" "_4431._tcp.host.test. IN TLSA $leaf311" "tlsa create HOST prints the record of the live server's key"
run "$TLSA" create -a 127.0.0.1 -p 2525 -t smtp -o rdata host.test
is "$out" "$leaf311" "tlsa create --starttls smtp fetches the chain after STARTTLS"
run "$TLSA" create -a 127.0.0.1 -p 4431 --params 2,1,1 -o rdata host.test
is "$out" "$ca211" "tlsa create HOST makes 2 1 1 from the issuer the server presents"
run "$TLSA" create -a 127.0.0.1 -p 4439 host.test
is "$rc" 1 "tlsa create HOST exits 1 when the server cannot be reached"
[ -z "$out" ] && echo "$err" | grep -q "127.0.0.1 port 4439): cannot connect"
ok $? "tlsa create HOST names the address and says why, printing nothing"

done_testing
