#!/bin/bash
# tlsa check with records given in a file (--tlsa-file), against a real
# TLS server on loopback inside a network namespace of our own: only the
# records of the owner checked are used (a file of a whole site cannot
# make one host pass on another's records), the forms `tlsa create`
# prints (rfc, generic) are read, and the nagios days_left thresholds are
# ranges.  Certificates come from the openssl CLI; expected record data
# from `openssl pkey | sha256sum`, never from libtlsa.
#
#   TLSA=build/cmd/tlsa bash tests/cli/check-records.sh

. "$(cd "$(dirname "$0")/.." && pwd)/lib.sh"
own_namespace -n TLSA_IN_NETNS "$@"
# shellcheck source=tests/cli/servers.sh
. "$top_srcdir/tests/cli/servers.sh"
need_our_tlsa
need_tls_servers
servers_in_T

# A CA and a leaf for host.test it issued; a stranger's self-signed certificate.
test_ca
key leaf.key
openssl req -new -key leaf.key -out leaf.csr -subj /CN=host.test 2>/dev/null
openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 300 \
	-extfile leaf.ext -out leaf.pem 2>/dev/null
key other.key
openssl req -x509 -new -key other.key -out other.pem -days 300 -subj /CN=other.test 2>/dev/null
[ -s leaf.pem ] && [ -s other.pem ]
ok $? "the test certificates were made"
spki() { openssl x509 -in "$1" -noout -pubkey | openssl pkey -pubin -outform DER | sha256sum | cut -c1-64; }
leaf=$(spki leaf.pem)
other=$(spki other.pem)

openssl s_server -quiet -accept 127.0.0.1:4431 -cert leaf.pem -key leaf.key -cert_chain ca.pem \
	</dev/null >/dev/null 2>&1 &
pids="$pids $!"
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/4431) 2>/dev/null && break; sleep 0.1; done

check() { run "$TLSA" check --sni host.test -a 127.0.0.1 -p 4431 "$@" host.test; }

# ---- --tlsa-file: the owner checked only ---------------------------------------

printf '_443._tcp.www.test. IN TLSA 3 1 1 %s\n_443._tcp.www.test. IN TLSA 3 1 1 %s\n' \
	"$leaf" "$other" >site.txt
check --tlsa-file site.txt
is "$rc" 2 "a --tlsa-file with records for another owner only is CRITICAL: no records for this one"
echo "$out" | grep -qF "no TLSA records for _4431._tcp.host.test. in site.txt (2 for other owners skipped)"
ok $? "the verdict says there are no records for the owner checked, and how many were skipped"
echo "$err" | grep -qF "tlsa check: warning: site.txt: 2 records for other owners skipped (line 1: _443._tcp.www.test.); checking _4431._tcp.host.test."
ok $? "stderr says how many records were skipped, the first one's owner, and the owner checked"
check --tlsa-file site.txt -o json
echo "$out" | python3 -c '
import json, sys
t = json.load(sys.stdin)["targets"][0]["tlsa"]
assert t["skipped"] == 2 and t["records"] == [] and t["file"] == "site.txt", t
'
ok $? "json says how many records of the file were skipped"

printf '_4431._tcp.host.test. 300 IN TLSA 3 1 1 %s\n_443._tcp.www.test. IN TLSA 3 1 1 %s\n_4431._TCP.Host.Test. IN TLSA 3 1 1 %s\n' \
	"$leaf" "$leaf" "$other" >mixed.txt
check --tlsa-file mixed.txt -o json
is "$rc" 0 "the records of the owner checked are used, whatever the case of its name"
echo "$out" | python3 -c '
import json, sys
t = json.load(sys.stdin)["targets"][0]["tlsa"]
assert t["skipped"] == 1 and len(t["records"]) == 2, t
'
ok $? "json lists the two records used and the one skipped"
check --tlsa-file mixed.txt
echo "$out" | grep -qF "TLSA from mixed.txt (2 records; 1 for other owners skipped)"
ok $? "the text header says how many records were used and skipped"

printf '$ORIGIN test.\n$TTL 300\n_4431._tcp.host IN TLSA 3 1 1 %s\n  IN TLSA 3 1 1 %s\n_25._tcp.host IN TLSA 3 1 1 %s\n' \
	"$leaf" "$other" "$leaf" >zone.txt
check --tlsa-file zone.txt -o json
is "$rc" 0 "\$ORIGIN completes relative owners, and a line starting with a blank keeps the owner"
echo "$out" | python3 -c '
import json, sys
t = json.load(sys.stdin)["targets"][0]["tlsa"]
assert t["skipped"] == 1 and len(t["records"]) == 2, t
'
ok $? "the zone-style file's records for another port are skipped"

printf '3 1 1 %s\n# a comment\n3 1 1 %s\n' "$leaf" "$other" >bare.txt
check --tlsa-file bare.txt
is "$rc" 0 "bare 'U S M HEX' lines carry no owner and are always used"

"$TLSA" create -o generic -p 4431 -c leaf.pem host.test >generic.txt 2>/dev/null
"$TLSA" create -o generic -p 4431 -c other.pem host.test >>generic.txt 2>/dev/null
grep -q 'TYPE52 \\# 35 ' generic.txt
ok $? "tlsa create -o generic prints the RFC 3597 form"
check --tlsa-file generic.txt -v
is "$rc" 0 "--tlsa-file reads the RFC 3597 form (TYPE52 \\# LEN HEX) that create -o generic prints"
echo "$out" | grep -qF "record 3 1 1 $leaf: matched at depth 0"
ok $? "the generic record is read as the 3 1 1 record it is"

"$TLSA" create -p 4431 -c leaf.pem host.test >rfc.txt 2>/dev/null
check --tlsa-file rfc.txt --tlsa "3 1 1 $other"
is "$rc" 0 "--tlsa-file reads the rfc lines create prints for the same owner"

# ---- nagios: days_left thresholds are ranges (alert below) ---------------------

check --tlsa "3 1 1 $leaf" --tlsa "3 1 1 $other" -o nagios --warn-days 30
echo "$out" | grep -Eq ' days_left=(29[0-9]|300);30:;0: '
ok $? "nagios days_left thresholds read 'alert below': days_left=N;30:;0: ($out)"

done_testing
