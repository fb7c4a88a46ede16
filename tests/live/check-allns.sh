#!/bin/bash
# tlsa check --all-ns, --sig-warn-days and --candidate --state (issue 14,
# items 1-3 and their part of 7) against zones of their own, beside the
# live lab (tests/live/lab.sh, for its Postfix on 127.0.0.10:25, which
# presents the "mail" certificate):
#   - good.example: two nameservers serving the same signed zone (OK);
#   - lag.example: a second NSD on 127.0.1.2 lags (serial 1, the old TLSA
#     set): at mail.lag.example its set still matches the live server
#     (WARNING), at crit.lag.example it does not (CRITICAL);
#   - forged.example: the second nameserver signs with another key: its
#     RRSIGs do not validate against the DNSKEY set (CRITICAL);
#   - v6.example: its nameserver has an IPv6 address nobody serves (a
#     WARNING, unless -4);
#   - lossy.example: its second nameserver is tests/live/lossy.py on
#     127.0.1.3, dropping every TLSA query (WARNING, "no answer");
#   - sigexp.example: signed with RRSIGs that expire in two days (WARNING
#     within the default --sig-warn-days 3, OK with --sig-warn-days 1);
#   - kid.par.example, signed for 30 days, under par.example (the trust
#     anchor), signed for two: the DS on the chain of trust expires first;
#   - fresh.example: records with a TTL of 2 s, published moments ago: a
#     candidate is "waiting" (exit 1) with --state, then "safe to deploy"
#     (exit 0) once 2 x TTL passed; a candidate nothing matches is exit 2.
# tlsa validates locally (--trust-anchor) and asks the first NSD as its
# resolver, so no recursive server is involved.  Traffic stays on the
# namespace's loopback.
#
#   TLSA_LIVE=1 TLSA=build/cmd/tlsa top_srcdir=. bash tests/live/check-allns.sh
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/live/lab.sh"
lab_test_begin "$@"
LOSSY=$(cd "$top_srcdir" && pwd)/tests/live/lossy.py
W=$T/ns
mkdir -p "$W"
NS1=127.0.1.1 NS2=127.0.1.2 NS3=127.0.1.3

show() { printf '%s\n' "$out" "$err" | sed 's/^/#   /' | head -"${1:-30}"; }

tlsa_lines() { # OWNER TTL CASE-SPEC: TLSA lines for lab_tlsa_rdata's spec
	lab_tlsa_rdata "$3" | while read -r l; do echo "$1 $2 IN TLSA $l"; done
}

# zone NAME SERIAL NSLIST BODY: an unsigned zone file on stdout
zone() {
	local name=$1 serial=$2 n i=0
	echo "\$ORIGIN $name."
	echo "\$TTL 300"
	echo "@ IN SOA ns1.$name. hostmaster.$name. $serial 3600 600 86400 300"
	for n in $3; do
		i=$((i + 1))
		echo "@ IN NS ns$n.$name."
		echo "ns$n IN A 127.0.1.$n"
	done
	echo "mail IN A 127.0.0.10"
	printf '%s\n' "$4"
}

sign() { # NAME FILE KEY EXPIRY -> FILE.signed
	ldns-signzone -i "$(date -u -d '1 hour ago' +%Y%m%d%H%M%S)" \
		-e "$(date -u -d "$4" +%Y%m%d%H%M%S)" -o "$1." -f "$2.signed" "$2" "$3" \
		>>"$W/sign.log" 2>&1
}

setup() {
	local z k mail2 crit_new crit_old
	cd "$W" || return 1
	for z in good lag lossy sigexp fresh par v6; do
		k=$(ldns-keygen -a ECDSAP256SHA256 -k "$z.example." 2>>"$W/sign.log") || return 1
		eval "key_$z=$k"
		cat "$k.ds" >>"$W/anchor.ds"
	done
	key_kid=$(ldns-keygen -a ECDSAP256SHA256 -k kid.par.example. 2>>"$W/sign.log") || return 1
	k=$(ldns-keygen -a ECDSAP256SHA256 -k forged.example. 2>>"$W/sign.log") || return 1
	cat "$k.ds" >>"$W/anchor.ds"
	key_forged=$k
	key_forger=$(ldns-keygen -a ECDSAP256SHA256 -k forged.example. 2>>"$W/sign.log") || return 1
	mail2=$(tlsa_lines _25._tcp.mail 300 311:mail,311:mailnext) &&
		crit_new=$(tlsa_lines _25._tcp.crit 300 311:mail,311:mailnext) &&
		crit_old=$(tlsa_lines _25._tcp.crit 300 311:other) || return 1
	zone good.example 7 "1 2" "$mail2" >good.zone
	zone lag.example 2 "1 2" "$mail2
crit IN A 127.0.0.10
$crit_new" >lag.zone
	zone lag.example 1 "1 2" "$(tlsa_lines _25._tcp.mail 300 311:mail)
crit IN A 127.0.0.10
$crit_old" >lag-old.zone
	zone lossy.example 1 "1 3" "$mail2" >lossy.zone
	zone sigexp.example 1 "1" "$mail2" >sigexp.zone
	zone fresh.example 1 "1" "$(tlsa_lines _25._tcp.mail 2 311:mail,311:mailnext)" >fresh.zone
	zone kid.par.example 1 "1" "$mail2" >kid.zone
	zone forged.example 1 "1 2" "$mail2" >forged.zone
	zone v6.example 1 "1" "ns1 IN AAAA ::1
$mail2" >v6.zone
	cp forged.zone forger.zone
	zone par.example 1 "1" "kid IN NS ns1.kid.par.example.
ns1.kid IN A 127.0.1.1
$(cat "$key_kid.ds")" >par.zone
	# shellcheck disable=SC2154
	sign good.example good.zone "$key_good" '30 days' &&
		sign lag.example lag.zone "$key_lag" '30 days' &&
		sign lag.example lag-old.zone "$key_lag" '30 days' &&
		sign lossy.example lossy.zone "$key_lossy" '30 days' &&
		sign sigexp.example sigexp.zone "$key_sigexp" '2 days' &&
		sign fresh.example fresh.zone "$key_fresh" '30 days' &&
		sign kid.par.example kid.zone "$key_kid" '30 days' &&
		sign par.example par.zone "$key_par" '2 days' &&
		sign forged.example forged.zone "$key_forged" '30 days' &&
		sign forged.example forger.zone "$key_forger" '30 days' &&
		sign v6.example v6.zone "$key_v6" '30 days'
}

nsd_start() { # ADDR NAME ZONE=FILE...
	local addr=$1 name=$2 d=$W/$2 zf
	shift 2
	mkdir -p "$d"
	{
		cat <<EOF
server:
	ip-address: $addr
	port: 53
	do-ip6: no
	username: ""
	chroot: ""
	zonesdir: "$W"
	pidfile: "$d/nsd.pid"
	logfile: "$d/nsd.log"
	database: ""
	zonelistfile: "$d/zone.list"
	xfrdfile: "$d/xfrd.state"
	xfrdir: "$d"
	server-count: 1
	reuseport: no
	rrl-ratelimit: 0
	rrl-whitelist-ratelimit: 0
remote-control:
	control-enable: no
EOF
		for zf in "$@"; do
			printf 'zone:\n\tname: "%s."\n\tzonefile: "%s"\n' "${zf%%=*}" "${zf#*=}"
		done
	} >"$d/nsd.conf"
	nsd -d -c "$d/nsd.conf" </dev/null >>"$d/nsd.log" 2>&1 &
	pids="${pids:-} $!"
}

cleanup() {
	local p
	for p in ${pids:-}; do kill "$p" 2>/dev/null; done
	for p in ${pids:-}; do wait "$p" 2>/dev/null; done
}
(setup)
ok $? "signed zones for the test, two with RRSIGs that expire in two days" ||
	{ sed 's/^/#   /' "$W/sign.log"; done_testing; exit 1; }
nsd_start $NS1 nsd1 good.example=good.zone.signed lag.example=lag.zone.signed \
	lossy.example=lossy.zone.signed sigexp.example=sigexp.zone.signed \
	fresh.example=fresh.zone.signed par.example=par.zone.signed \
	kid.par.example=kid.zone.signed forged.example=forged.zone.signed \
	v6.example=v6.zone.signed
nsd_start $NS2 nsd2 good.example=good.zone.signed lag.example=lag-old.zone.signed \
	forged.example=forger.zone.signed
python3 "$LOSSY" --listen "$NS3:53" --upstream "$NS1:53" --drop-qtype 52 \
	--ready "$W/lossy.ready" 2>>"$W/lossy.log" &
pids="$pids $!"
up=1
answers() { drill "@$1" "$2" SOA 2>/dev/null | grep -q 'rcode: NOERROR'; }
for _ in $(seq 300); do
	if answers $NS1 good.example && answers $NS2 lag.example && [ -e "$W/lossy.ready" ]; then
		up=0
		break
	fi
	sleep 0.1
done
[ "$up" = 0 ] || sed 's/^/#   /' "$W/lossy.log"
ok $up "two NSD instances and a proxy that drops TLSA queries answer" ||
	{ tail "$W"/nsd*/nsd.log "$W/lossy.log" | sed 's/^/#   /'; done_testing; exit 1; }

chk() { run "$TLSA" check --resolver $NS1 --trust-anchor "$W/anchor.ds" --timeout 2 -p 25 "$@"; }

# ---- item 1: every authoritative nameserver -----------------------------------
chk --all-ns mail.good.example
is "$rc" 0 "--all-ns: two nameservers serving the same signed set, and a live match: OK"
echo "$out" | grep -q "^nameserver ns2.good.example. ($NS2): serial 7, 2 records, TTL 300, RRSIGs valid"
ok $? "--all-ns lists each nameserver address with its serial, set, TTL and RRSIG state"
[ "$rc" = 0 ] || show

# Through the lab's validating resolver (AD mode), the keys come validated too.
run "$TLSA" check --timeout 3 --all-ns -p "$LAB_MAIL_SMTP_PORT" "$LAB_MAIL_SMTP_HOST"
echo "$out" | grep -q "^nameserver ns.test. ($LAB_NSD_ADDR): serial [0-9]*, 1 record, TTL 300, RRSIGs valid"
ok $? "--all-ns through a validating resolver (AD bit): the lab's nameserver's RRSIGs verify against the validated keys" ||
	show

chk --all-ns mail.lag.example
is "$rc" 1 "--all-ns: a lagging secondary whose old set still matches the live server is a WARNING"
echo "$out" | grep -q "WARNING: nameserver ns2.lag.example. ($NS2) serves another TLSA set (1 record, SOA serial 1) than the resolver gave (2)"
ok $? "the WARNING names the lagging nameserver, its serial and its set's size"
[ "$rc" = 1 ] || show
chk mail.lag.example
is "$rc" 0 "without --all-ns only the resolver is asked: the lagging secondary goes unseen (OK)"

chk --all-ns crit.lag.example
is "$rc" 2 "--all-ns: a secondary whose set would not match the live server is CRITICAL"
echo "$out" | grep -q "CRITICAL: nameserver ns2.lag.example. ($NS2) serves another TLSA set .*: the live service would not match it"
ok $? "the CRITICAL says the live service would not match that nameserver's set"
[ "$rc" = 2 ] || show

chk --all-ns mail.lossy.example
is "$rc" 1 "--all-ns: a nameserver that drops TLSA queries is a WARNING"
echo "$out" | grep -q "WARNING: nameserver ns3.lossy.example. ($NS3): no answer to the TLSA query (.*), SOA serial 1$"
ok $? "the WARNING says which nameserver did not answer the TLSA query (though it answers for its SOA)"
[ "$rc" = 1 ] || show

chk --all-ns mail.v6.example
is "$rc" 1 "--all-ns: a nameserver's IPv6 address where nothing answers is a WARNING"
echo "$out" | grep -q "WARNING: nameserver ns1.v6.example. (::1): no answer to the TLSA query"
ok $? "the WARNING names the address" || show
chk -4 --all-ns mail.v6.example
is "$rc" 0 "-4 --all-ns: only the nameservers' IPv4 addresses are asked"

chk --all-ns mail.forged.example
is "$rc" 2 "--all-ns: a nameserver whose RRSIGs do not validate against the zone's keys is CRITICAL"
echo "$out" | grep -q "CRITICAL: nameserver ns2.forged.example. ($NS2): the RRSIGs over the TLSA records do not validate against the zone's DNSKEY set"
ok $? "the CRITICAL names that nameserver" || show

chk --all-ns -o json mail.lag.example
printf '%s' "$out" | python3 -c '
import json, sys
t = json.load(sys.stdin)
t = t["targets"][0] if "targets" in t else t
ns = t["nameservers"]
assert ns["zone"] == "lag.example.", ns
s = {x["address"]: x for x in ns["servers"]}
assert s["127.0.1.1"]["serial"] == 2 and s["127.0.1.2"]["serial"] == 1, s
assert s["127.0.1.2"]["same_set"] is False and s["127.0.1.1"]["same_set"] is True, s
assert s["127.0.1.2"]["rrsigs"] == "valid" and len(s["127.0.1.2"]["records"]) == 1, s
assert s["127.0.1.1"]["reachable"] and s["127.0.1.1"]["rrsig_expiry_seconds"] > 0, s
assert t["rrsig_expiry_seconds"] > 0
'
ok $? "-o json: per nameserver address its serial, records, same_set, rrsigs and expiry" || show

chk --all-ns -o prometheus mail.lossy.example
echo "$out" | grep -q "^tlsa_ns_up{.*address=\"$NS3\".*} 0$" &&
	echo "$out" | grep -q "^tlsa_ns_up{.*address=\"$NS1\".*} 1$" &&
	echo "$out" | grep -q "^tlsa_ns_serial{.*address=\"$NS1\".*} 1$" &&
	echo "$out" | grep -q '^tlsa_rrsig_expiry_seconds{.*} [0-9]'
ok $? "-o prometheus: tlsa_ns_up per nameserver address (0 for the one that drops TLSA), tlsa_ns_serial, tlsa_rrsig_expiry_seconds" ||
	show 80
printf '%s\n' "$out" | python3 "$top_srcdir/tests/cli/promcheck.py" >/dev/null
ok $? "-o prometheus with --all-ns is a valid exposition"
chk --candidate-only --state "$W/prom-state" --candidate "$LAB_CHAIN_MAILNEXT" -o prometheus \
	mail.fresh.example
echo "$out" | grep -q "^tlsa_candidate_ready{.*candidate=\"$LAB_CHAIN_MAILNEXT\"} 0$"
ok $? "-o prometheus: tlsa_candidate_ready 0 while a --state candidate waits" || show 80

chk --all-ns -o nagios crit.lag.example
echo "$out" | grep -Eq '^DANE CRITICAL - .* ns_total=2;;;0 ns_agree=1;;;0 ns_answered=2;;;0 rrsig_expiry_days=[0-9.]+;3:;0: '
ok $? "-o nagios: ns_total, ns_agree and rrsig_expiry_days in the performance data ($out)"

# ---- item 2: signature expiry look-ahead ------------------------------------------
chk mail.sigexp.example
is "$rc" 1 "RRSIGs over the TLSA set that expire in two days: WARNING (default --sig-warn-days 3)"
echo "$out" | grep -q "WARNING: an RRSIG over the TLSA records expires in 1 d 2[0-3] h (.*), within --sig-warn-days 3"
ok $? "the WARNING says when the RRSIG expires" || show
chk --sig-warn-days 1 mail.sigexp.example
is "$rc" 0 "--sig-warn-days 1: the same RRSIGs, two days ahead, are OK"
chk mail.good.example
is "$rc" 0 "RRSIGs that expire in 30 days are OK"
chk mail.kid.par.example
is "$rc" 1 "validating locally: the DS of the TLSA zone, signed by its parent for two days, is a WARNING"
echo "$out" | grep -q "WARNING: an RRSIG over the kid.par.example. DS records (on the chain of trust to the TLSA records) expires in 1 d 2[0-3] h"
ok $? "the WARNING names the DS RRset of the chain whose RRSIG expires" || show
chk --sig-warn-days 1 mail.kid.par.example
is "$rc" 0 "--sig-warn-days 1: the chain's RRSIGs two days ahead are OK"

# ---- item 3: TTL-timed readiness for a candidate -------------------------------------
state=$W/state
cand() { chk --candidate-only --state "$state" "$@" mail.fresh.example; }
cand --candidate "$LAB_CHAIN_MAILNEXT"
is "$rc" 1 "--state: a candidate whose record was published moments ago is waiting (exit 1)"
echo "$out" | grep -q "WARNING: candidate $LAB_CHAIN_MAILNEXT: waiting: safe to deploy in [0-4] s"
ok $? "the WARNING says how long is left" || show
grep -q "^_25._tcp.mail.fresh.example. 3 1 1 $(lab_tlsa_data 1 1 mailnext) [0-9]\{10\}$" "$state"
ok $? "--state keeps when the record was first seen on every nameserver" ||
	sed 's/^/#   /' "$state"
ls "$W" | grep -q '^state\.' && r=1 || r=0
is "$r" 0 "--state leaves no temp file beside the state file"
sleep 5
cand --candidate "$LAB_CHAIN_MAILNEXT"
is "$rc" 0 "--state: safe to deploy (exit 0) once 2 x TTL passed"
echo "$out" | grep -qxF "candidate $LAB_CHAIN_MAILNEXT: safe to deploy"
ok $? "the text says safe to deploy" || show
cand --candidate "$LAB_CANDIDATE_NOMATCH"
is "$rc" 2 "--state: a candidate no published record matches is exit 2"
printf 'garbage\n' >"$W/bad-state"
chk --candidate-only --state "$W/bad-state" --candidate "$LAB_CHAIN_MAILNEXT" mail.fresh.example
is "$rc" 3 "--state: a state file that is not one can not be used (UNKNOWN)"
echo "$err" | grep -q "^tlsa check: --state $W/bad-state: line 1: not 'OWNER U S M HEX FIRST-SEEN'"
ok $? "the error names the state file and its line ($err)"
is "$(cat "$W/bad-state")" garbage "--state leaves a state file it cannot read as it was"

# A test clock (--at): the same run, 2 x TTL 300 s later, is safe.
t0=$(date +%s)
chk --candidate-only --state "$W/clock-state" --at "@$t0" --candidate "$LAB_CHAIN_MAILNEXT" mail.good.example
is "$rc" 1 "--state --at: a record first seen at the test clock's time is waiting"
echo "$out" | grep -q "waiting: safe to deploy in 10 min 0 s"
ok $? "the wait is 2 x TTL 300 s from the test clock's time" || show
chk --candidate-only --state "$W/clock-state" --at "@$((t0 + 601))" --candidate "$LAB_CHAIN_MAILNEXT" mail.good.example
is "$rc" 0 "--state --at: 601 s later by the test clock it is safe to deploy"
chk --at "@$((t0 + 28 * 86400))" mail.good.example
is "$rc" 1 "--at: RRSIGs that expire in 30 days warn when judged 28 days ahead"

# A candidate whose record a lagging nameserver lacks waits, whatever the clock.
chk --candidate-only --state "$state" --candidate "$LAB_CHAIN_MAILNEXT" mail.lag.example
is "$rc" 1 "--candidate (all nameservers by default): a record one nameserver lacks is waiting"
echo "$out" | grep -q "candidate $LAB_CHAIN_MAILNEXT: waiting: its record 3 1 1 .* is not served by every nameserver yet (1 lack it, ns2.lag.example. ($NS2) first)"
ok $? "the WARNING names the nameserver that lacks the record" || show
chk --candidate-only --candidate "$LAB_CHAIN_MAILNEXT" mail.good.example
is "$rc" 0 "--candidate without --state: a record every nameserver serves is OK"
echo "$out" | grep -qxF "candidate $LAB_CHAIN_MAILNEXT: its record is served by every nameserver (TTL 300 s)"
ok $? "the text says every nameserver serves it, with the TLSA TTL" || show
chk --candidate-only --no-all-ns --candidate "$LAB_CHAIN_MAILNEXT" mail.lag.example
is "$rc" 0 "--no-all-ns: only the resolver is asked, and its set matches"

cleanup
done_testing
