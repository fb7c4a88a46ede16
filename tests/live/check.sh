#!/bin/bash
# tlsa check against the live lab (tests/live/lab.sh): real DNSSEC-signed
# zones behind a validating Unbound, Postfix, Dovecot and plain TLS
# servers, in namespaces of the test's own.  Every case of the lab's table
# must get the verdict RFC 7671/7672 require (the table's verdict column),
# in AD mode and with --trust-anchor alike, and must agree with two
# oracles that share no code with us:
#   - openssl s_client -dane_tlsa_rrdata, given the records and base domain
#     our check used (from its JSON): verified exactly where we matched;
#   - Postfix's posttls-finger -l dane on the SMTP cases, with its own DNS:
#     "Verified TLS connection" exactly where we exit OK or WARNING.
# (Their verdicts, not their exit codes: posttls-finger always exits 0.)
#
#   TLSA_LIVE=1 TLSA=build/cmd/tlsa top_srcdir=. bash tests/live/check.sh
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/live/lab.sh"
lab_test_begin "$@"

exit_of() { case $1 in OK) echo 0 ;; WARNING) echo 1 ;; CRITICAL) echo 2 ;; *) echo 3 ;; esac; }

# field ID NAME: a LAB_<ID>_<NAME> variable.
field() {
	local v="LAB_${1^^}_$2"
	printf '%s' "${!v}"
}

# check ID [options]: tlsa check on the case, output in $out, status in $rc.
check() {
	local id=$1 starttls
	shift
	starttls=$(field "$id" STARTTLS)
	# An XMPP server serves a domain other than its host name (RFC 7673).
	case $starttls in xmpp*) set -- --service-domain "$LAB_XMPP_DOMAIN" "$@" ;; esac
	run "$TLSA" check --timeout 3 -p "$(field "$id" PORT)" ${starttls:+-t "$starttls"} "$@" \
		"$(field "$id" HOST)"
}

# ---- every case, AD mode and local validation -----------------------------------
for id in $LAB_CASES; do
	want=$(field "$id" VERDICT)
	check "$id"
	ad_rc=$rc
	is "$rc" "$(exit_of "$want")" "$id: $want (exit $(exit_of "$want")) in AD mode"
	[ "$rc" = "$(exit_of "$want")" ] || printf '%s\n' "$out" "$err" | sed 's/^/#   /' | head -12
	check "$id" --trust-anchor "$LAB_TRUST_ANCHOR"
	is "$rc" "$ad_rc" "$id: --trust-anchor (DS) reaches the same verdict as AD mode"
	[ "$rc" = "$ad_rc" ] || printf '%s\n' "$out" "$err" | sed 's/^/#   /' | head -12
done
check mail_smtp --trust-anchor "$LAB_TRUST_ANCHOR_DNSKEY"
is "$rc" 1 "mail_smtp: a DNSKEY trust anchor works as well as a DS"

# ---- what the verdicts say --------------------------------------------------------
check mail_smtp
echo "$out" | grep -q "^$LAB_MAIL_SMTP_ADDR:25: OK: 3 1 1 .* matched at depth 0"
ok $? "mail_smtp: the address line says the 3 1 1 record matched at depth 0"
echo "$out" | grep -q "only one key published so no rollover is possible"
ok $? "mail_smtp: the single key is the WARNING"
echo "$out" | grep -q "TLSA from $LAB_MAIL_SMTP_OWNER. (secure, 1 record)"
ok $? "mail_smtp: the TLSA lookup is reported secure"
check ta_smtp
echo "$out" | grep -q "2 1 1 .* matched at depth 2"
ok $? "ta_smtp: 2 1 1 of the root matches at depth 2 (leaf, intermediate, root)"
check nomatch_smtp
echo "$out" | grep -q "^$LAB_NOMATCH_SMTP_ADDR:25: CRITICAL: no TLSA record matches: server SPKI sha256 $(lab_tlsa_data 1 1 nomatch) vs published 3 1 1 $(lab_tlsa_data 1 1 other)"
ok $? "nomatch_smtp: the mismatch names the server's SPKI and the published record"
check expired_ee
echo "$out" | grep -q "certificate at depth 0 expired on"
ok $? "expired_ee: DANE-EE matches the expired certificate, and its expiry is warned"
check expired_ta
echo "$out" | grep -q "certificate has expired"
ok $? "expired_ta: under 2 1 1 the expired certificate fails verification"
check notlsa_smtp
echo "$out" | grep -q "no TLSA records at .* (securely denied)"
ok $? "notlsa_smtp: an authenticated NODATA is 'no TLSA records', securely denied"
check notlsa_nx
echo "$out" | grep -q "no TLSA records at .* (securely denied)"
ok $? "notlsa_nx: an authenticated NXDOMAIN (NSEC3) is 'no TLSA records', securely denied"
check nostarttls_smtp
echo "$out" | grep -q "^$LAB_NOSTARTTLS_SMTP_ADDR:25: CRITICAL: STARTTLS not offered in EHLO reply"
ok $? "nostarttls_smtp: says STARTTLS is not offered in the EHLO reply"
check multi_https
echo "$out" | grep -q "^127.0.0.21:443: CRITICAL: no TLSA record matches" &&
	echo "$out" | grep -q "^127.0.0.20:443: OK"
ok $? "multi_https: the address serving the wrong certificate is named, the other is OK"
[ "$(echo "$out" | grep -Eo '^127\.0\.0\.2[01]' | tr '\n' ' ')" = "127.0.0.20 127.0.0.21 " ]
ok $? "multi_https: addresses are reported in address order, whatever order DNS gave"
check insecure_https
echo "$out" | grep -q "insecure (not DNSSEC-signed)"
ok $? "insecure_https: the records are called insecure"
check insecure_https --insecure
is "$rc" 1 "insecure_https: with --insecure the matching records give WARNING"
check bogus_https
echo "$out" | grep -q "TLSA lookup bogus"
ok $? "bogus_https: the verdict says bogus"
check bogus_https --trust-anchor "$LAB_TRUST_ANCHOR"
echo "$out" | grep -q "TLSA lookup bogus"
ok $? "bogus_https: local validation says bogus too"
check bogus_https --insecure
is "$rc" 2 "bogus_https: --insecure never accepts bogus records"
check cname_expanded -o json
echo "$out" | python3 -c 'import json,sys; t=json.load(sys.stdin)["targets"][0]; assert t["tlsa"]["base_domain"].rstrip(".")=="mail.dane.test", t["tlsa"]["base_domain"]'
ok $? "cname_expanded: the TLSA base domain is the secure expansion, mail.dane.test"
check cname_initial -o json
echo "$out" | python3 -c 'import json,sys; t=json.load(sys.stdin)["targets"][0]; assert t["tlsa"]["base_domain"].rstrip(".")=="web.dane.test", t["tlsa"]["base_domain"]'
ok $? "cname_initial: with no TLSA at the expansion, the base domain is the initial name"
check silent_smtp --timeout 1
echo "$out" | grep -q "timed out after 1 s waiting for the greeting"
ok $? "silent_smtp: the timeout says what it waited for"
check refused_https
echo "$out" | grep -q "cannot connect: Connection refused"
ok $? "refused_https: the refusal is said in words"
check dual_https
echo "$out" | grep -q "^127.0.0.16:443: OK" && echo "$out" | grep -q '^\[::1\]:443: OK'
ok $? "dual_https: both the IPv4 and the IPv6 address are checked"
check dual_https -4
is "$(echo "$out" | grep -Ec '^(127\.|\[).*:443: ')" 1 "dual_https: -4 checks the IPv4 address only"
echo "$out" | grep -q "^127.0.0.16:443: OK"; ok $? "dual_https: -4 keeps 127.0.0.16"
check dual_https -6
echo "$out" | grep -q '^\[::1\]:443: OK' && ! echo "$out" | grep -q '^127\.'
ok $? "dual_https: -6 checks the IPv6 address only"
run "$TLSA" check --timeout 3 -p 5222 -t xmpp "$LAB_XMPP_CLIENT_HOST"
is "$rc" 2 "xmpp_client: a stream to the host name, which the server does not serve, is CRITICAL"
echo "$out" | grep -q "does not serve the domain 'xmpp.dane.test' (host-unknown)"
ok $? "xmpp_client: the host-unknown stream error is said in words"
check mail_smtp -o nagios
echo "$out" | grep -q "^DANE WARNING - " && echo "$out" | grep -q "| addresses=1;;;0"
ok $? "mail_smtp: nagios output is a plugin status line with performance data"
run "$TLSA" create -p 25 "$LAB_MAIL_SMTP_HOST"
is "$out" "_25._tcp.$LAB_MAIL_SMTP_HOST. IN TLSA 3 1 1 $(lab_tlsa_data 1 1 mail)" \
	"tlsa create HOST resolves, speaks STARTTLS on port 25 and prints the live key's record"
run "$TLSA" create -p 143 -t imap -o rdata "$LAB_IMAP_STARTTLS_HOST"
is "$out" "3 1 1 $(lab_tlsa_data 1 1 imap)" "tlsa create -t imap fetches Dovecot's chain after STARTTLS"

# ---- oracle: openssl s_client with the records and base domain we used ----------
# sclient ADDR PORT STARTTLS BASE RECORDS...: "OK" or s_client's verify error.
sclient() {
	local addr=$1 port=$2 starttls=$3 base=$4 o
	local -a args=(-brief -verify_return_error -servername "$base" -dane_tlsa_domain "$base")
	shift 4
	case $addr in *:*) args+=(-connect "[$addr]:$port") ;; *) args+=(-connect "$addr:$port") ;; esac
	[ -z "$starttls" ] || args+=(-starttls "$starttls")
	case $starttls in xmpp*) args+=(-xmpphost "$LAB_XMPP_DOMAIN") ;; esac
	for r in "$@"; do args+=(-dane_tlsa_rrdata "$r"); done
	o=$(timeout 15 openssl s_client "${args[@]}" </dev/null 2>&1 | tr -d '\000')
	if printf '%s\n' "$o" | grep -q '^Verification: OK'; then echo OK; else echo FAILED; fi
}
for id in $LAB_CASES; do
	check "$id" -o json
	# One line per address: ADDR STATUS, then the base domain and the records used.
	printf '%s' "$out" | python3 -c '
import json, sys
t = json.load(sys.stdin)["targets"][0]
print(t["tlsa"]["base_domain"].rstrip("."))
print("\t".join(t["tlsa"]["records"]))
for a in t["hosts"][0]["addresses"]:
    print(a["address"], a["status"], "handshake" if a.get("handshake") else "none",
          "records" if a["records"] and a["records"][0]["result"] != "not tried" else "norecords")
' >"$T/addrs" 2>/dev/null || { ok 1 "$id: JSON output parses"; continue; }
	base=$(sed -n 1p "$T/addrs")
	IFS=$'\t' read -r -a recs <<<"$(sed -n 2p "$T/addrs")"
	while read -r addr status hs used; do
		# Only sessions that were given records and completed a handshake are comparable.
		[ "$hs" = handshake ] && [ "$used" = records ] || continue
		got=$(sclient "$addr" "$(field "$id" PORT)" "$(field "$id" STARTTLS)" "$base" "${recs[@]}")
		case $status in OK | WARNING) ours=OK ;; *) ours=FAILED ;; esac
		is "$ours" "$got" "$id: [$addr] verified by tlsa check exactly when s_client -dane_tlsa_rrdata verifies ($got)"
	done < <(tail -n +3 "$T/addrs")
done

# ---- oracle: Postfix's posttls-finger, with its own DNS, on the SMTP cases --------
for id in $LAB_CASES; do
	port=$(field "$id" PORT)
	[ "$port" = 25 ] || [ "$port" = 587 ] || continue
	host=$(field "$id" HOST)
	o=$(timeout 20 posttls-finger -c -t 3 -T 3 -l dane "[$host]:$port" 2>&1)
	if printf '%s\n' "$o" | grep -q "Verified TLS connection established"; then pf=verified; else pf=unverified; fi
	check "$id"
	if [ "$rc" -le 1 ]; then ours=verified; else ours=unverified; fi
	is "$ours" "$pf" "$id: tlsa check and posttls-finger -l dane agree: $pf"
	[ "$ours" = "$pf" ] || printf '%s\n' "$o" | grep 'posttls-finger:' | sed 's/^/#   /' | head -4
done

done_testing
