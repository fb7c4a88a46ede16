#!/bin/bash
# tlsa check --targets --jobs against the live lab's fleet (tests/live/lab.sh,
# README "The fleet"): 300 targets, each with its own name, address (or
# SMTP server) and secure TLSA records, checked 16 at a time; then the
# mixed fleet (every case of the lab and every mail domain as an --mx
# line), whose verdicts the lab lists line by line; then -o prometheus on
# both, parsed (by promtool when installed, and by tests/cli/promcheck.py);
# and a long targets file, to show memory does not grow with its length.
#
#   TLSA_LIVE=1 TLSA=build/cmd/tlsa top_srcdir=. bash tests/live/check-fleet.sh
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/live/lab.sh"
lab_test_begin "$@"
promcheck=$top_srcdir/tests/cli/promcheck.py
fleet=$LAB_FLEET_FILE
mixed=$LAB_FLEET_MIXED_FILE

exit_of() { case $1 in OK) echo 0 ;; WARNING) echo 1 ;; CRITICAL) echo 2 ;; *) echo 3 ;; esac; }

# The worst of a verdicts file, as an exit status (CRITICAL beats UNKNOWN).
worst_of() {
	awk '{ r = ($1 == "CRITICAL") ? 3 : ($1 == "UNKNOWN") ? 2 : ($1 == "WARNING") ? 1 : 0
	       if (r > w) w = r } END { print (w == 3) ? 2 : (w == 2) ? 3 : w }' "$1"
}

# json_verdicts: "TARGET STATUS" per result of a JSON fleet document on stdin.
json_verdicts() {
	python3 -c '
import json, sys
d = json.load(sys.stdin)
for t in d["targets"]:
    print(t["target"], t["status"])
print("exit", d["exit"])
'
}

# The first pass over a cold resolver cache is not asserted: the lab's
# Unbound, asked for hundreds of new names at once, now and then answers
# SERVFAIL where a second query with CD set gets the data, which libtlsa
# reads as bogus (a CRITICAL).  Warm the cache, as a monitoring host's
# resolver would be, and say how the cold pass went.
"$TLSA" check --timeout 5 -j 4 --targets "$fleet" >"$T/cold.out" 2>"$T/cold.err"
echo "# cold pass over the fleet: exit $?, $(tail -1 "$T/cold.out")"

# ---- the fleet: 300 targets, 16 at a time -----------------------------------------
run "$TLSA" check --timeout 5 -j 16 --targets "$fleet"
is "$rc" 0 "the $LAB_FLEET_COUNT-target fleet with --jobs 16: every target OK, exit 0"
[ "$rc" = 0 ] || echo "$out" | grep -E ': (CRITICAL|UNKNOWN|WARNING)' | head -5 | sed 's/^/#   /'
got=$(echo "$out" | grep -E '^[a-z0-9.]+:[0-9]+: (OK|WARNING|CRITICAL|UNKNOWN): [0-9]+ of ' |
	sed 's/: .*//' | tr '\n' ' ')
want=$(grep -v '^#' "$fleet" | awk '{ printf "%s:%s ", $1, $2 }')
is "$got" "$want" "the text results come out in the order of the targets file"
echo "$out" | tail -1 | grep -q "^$LAB_FLEET_COUNT targets: $LAB_FLEET_COUNT OK, 0 WARNING, 0 CRITICAL, 0 UNKNOWN$"
ok $? "the text output ends with the count: $LAB_FLEET_COUNT OK"

run "$TLSA" check --timeout 5 -j 16 -o json --targets "$fleet"
printf '%s' "$out" | json_verdicts >"$T/fleet.got" 2>"$T/fleet.jerr"
ok $? "-o json for the fleet is one JSON document"
paste -d ' ' <(grep -v '^#' "$fleet" | awk '{ print $1 }') "$LAB_FLEET_VERDICTS" >"$T/fleet.want"
echo "exit 0" >>"$T/fleet.want"
diff "$T/fleet.want" "$T/fleet.got" >"$T/fleet.diff"
ok $? "-o json: a result per target, in input order, each with the verdict the lab lists"
head -6 "$T/fleet.diff" | sed 's/^/#   /'

run "$TLSA" check --timeout 5 -j 16 -o nagios --targets "$fleet"
echo "$out" | head -1 | grep -q "^DANE OK - $LAB_FLEET_COUNT targets: $LAB_FLEET_COUNT OK, 0 WARNING, 0 CRITICAL, 0 UNKNOWN | targets=$LAB_FLEET_COUNT;;;0 "
ok $? "-o nagios: a status line for the whole fleet first"
is "$(echo "$out" | sed 1d | grep -c '^DANE OK - ')" "$LAB_FLEET_COUNT" "-o nagios: then one OK line per target"

# ---- the mixed fleet: every case and every mail domain --------------------------
# XMPP servers serve the XMPP domain, not their host name (RFC 7673): the
# lab's one domain is given for the whole run.  silent_smtp waits for a
# greeting that never comes: a short --timeout.
run "$TLSA" check --timeout 2 -j 16 --service-domain "$LAB_XMPP_DOMAIN" -o json \
	--targets "$mixed"
want_rc=$(worst_of "$LAB_FLEET_MIXED_VERDICTS")
is "$rc" "$want_rc" "the mixed fleet exits with the worst of its verdicts ($want_rc)"
printf '%s' "$out" | json_verdicts >"$T/mixed.got" 2>/dev/null
ok $? "-o json for the mixed fleet is one JSON document"
grep -v '^#' "$mixed" | awk '{ print ($1 == "--mx") ? $2 : $1 }' >"$T/mixed.names"
lines=$(wc -l <"$T/mixed.names")
i=0
while read -r name want; do
	i=$((i + 1))
	got=$(sed -n "${i}p" "$T/mixed.got")
	line=$(grep -v '^#' "$mixed" | sed -n "${i}p")
	[ "$i" -le "$LAB_FLEET_COUNT" ] && [ "$got" = "$name $want" ] && continue
	is "$got" "$name $want" "mixed fleet line $i ($line): $want"
done < <(paste -d ' ' "$T/mixed.names" "$LAB_FLEET_MIXED_VERDICTS")
is "$(sed -n "$((lines + 1))p" "$T/mixed.got")" "exit $want_rc" "the JSON document's exit is the worst verdict"

run "$TLSA" check --timeout 2 -j 16 --service-domain "$LAB_XMPP_DOMAIN" --targets "$mixed"
is "$rc" "$want_rc" "the text output of the mixed fleet exits the same"
echo "$out" | grep -q "^$LAB_NOMATCH_SMTP_ADDR:25: CRITICAL: no TLSA record matches"
ok $? "the mixed fleet's text names the failing address of nomatch_smtp"

run "$TLSA" check --timeout 2 -j 16 --service-domain "$LAB_XMPP_DOMAIN" -o nagios --targets "$mixed"
worst_name=$(echo OK WARNING CRITICAL UNKNOWN | cut -d ' ' -f $((want_rc + 1)))
is "$rc" "$want_rc" "-o nagios for the mixed fleet exits the same"
echo "$out" | head -1 | grep -q "^DANE $worst_name - $lines targets: .*; first $worst_name: [^|]* | targets=$lines;;;0 "
ok $? "-o nagios for the mixed fleet: the status line is the worst verdict and names its first finding"
is "$(echo "$out" | sed 1d | grep -c '^DANE [A-Z]* - [^|]*$')" "$lines" \
	"-o nagios for the mixed fleet: a line per target, without perfdata"

# ---- prometheus -----------------------------------------------------------------
prom_ok() { # FILE DESCRIPTION
	python3 "$promcheck" <"$1" >"$T/pc" 2>&1
	ok $? "$2: tests/cli/promcheck.py accepts it ($(head -2 "$T/pc" | tr '\n' ' '))"
	if command -v promtool >/dev/null; then
		promtool check metrics <"$1" >"$T/pt" 2>&1
		ok $? "$2: promtool check metrics accepts it"
		head -3 "$T/pt" | sed 's/^/#   /'
	else
		skip "$2: promtool is not installed (Debian package prometheus)"
	fi
}
run "$TLSA" check --timeout 5 -j 16 -o prometheus --targets "$fleet"
is "$rc" 0 "-o prometheus for the fleet exits 0"
printf '%s\n' "$out" >"$T/fleet.prom"
prom_ok "$T/fleet.prom" "the fleet's exposition"
f1=$(grep -v '^#' "$fleet" | head -1 | awk '{ print $1 }')
grep -q "^tlsa_check_status{target=\"$f1\",port=\"4443\"} 0$" "$T/fleet.prom"
ok $? "tlsa_check_status of $f1 is 0 (OK)"
is "$(grep -c '^tlsa_check_status{' "$T/fleet.prom")" "$LAB_FLEET_COUNT" "one tlsa_check_status per target"
grep -q "^tlsa_check_address_status{target=\"$f1\",port=\"4443\",address=\"127.0.1.1\",key_type=\"ECDSA\"} 0$" "$T/fleet.prom"
ok $? "tlsa_check_address_status of $f1 at 127.0.1.1 is 0"
is "$(grep -c "^tlsa_record_matched{target=\"$f1\",port=\"4443\",address=\"127.0.1.1\",key_type=\"ECDSA\",record=\"3 1 1 [0-9a-f]*\"} [01]$" "$T/fleet.prom")" 2 \
	"tlsa_record_matched has a sample for each of $f1's two records"
grep -q "^tlsa_record_matched{target=\"$f1\",port=\"4443\",address=\"127.0.1.1\",key_type=\"ECDSA\",record=\"3 1 1 $(lab_tlsa_data 1 1 fleet)\"} 1$" "$T/fleet.prom" &&
	grep -q "record=\"3 1 1 $(lab_tlsa_data 1 1 next)\"} 0$" "$T/fleet.prom"
ok $? "the current key's record matched (1), the next key's did not (0)"
grep -q "^tlsa_dnssec_state{target=\"$f1\",port=\"4443\",state=\"secure\"} 1$" "$T/fleet.prom" &&
	grep -q "^tlsa_dnssec_state{target=\"$f1\",port=\"4443\",state=\"bogus\"} 0$" "$T/fleet.prom"
ok $? "tlsa_dnssec_state says the TLSA lookup was secure"
exp=$(sed -n "s/^tlsa_certificate_expiry_seconds{target=\"$f1\",port=\"4443\",address=\"127.0.1.1\",key_type=\"ECDSA\"} //p" "$T/fleet.prom")
na=$(date -d "$(openssl x509 -noout -enddate -in "$LAB_CERT_FLEET" | cut -d= -f2)" +%s)
now=$(date +%s)
[ -n "$exp" ] && [ $((na - now - exp)) -ge -5 ] && [ $((na - now - exp)) -le 60 ]
ok $? "tlsa_certificate_expiry_seconds is the seconds until the leaf's notAfter ($exp)"
grep -Eq "^tlsa_check_duration_seconds\\{target=\"$f1\",port=\"4443\"\\} [0-9]+\\.[0-9]{3}$" "$T/fleet.prom"
ok $? "tlsa_check_duration_seconds gives the check's wall time"

run "$TLSA" check --timeout 2 -j 16 --service-domain "$LAB_XMPP_DOMAIN" -o prometheus \
	--targets "$mixed"
printf '%s\n' "$out" >"$T/mixed.prom"
is "$rc" "$want_rc" "-o prometheus for the mixed fleet exits with the worst verdict"
prom_ok "$T/mixed.prom" "the mixed fleet's exposition"
grep -q "^tlsa_check_address_status{target=\"$LAB_NOMATCH_SMTP_HOST\",port=\"25\",address=\"$LAB_NOMATCH_SMTP_ADDR\",key_type=\"ECDSA\",class=\"dane\"} 2$" "$T/mixed.prom"
ok $? "nomatch_smtp's address status is 2 (CRITICAL), class dane"
grep -q "^tlsa_dnssec_state{target=\"$LAB_BOGUS_HTTPS_HOST\",port=\"443\",state=\"bogus\"} 1$" "$T/mixed.prom"
ok $? "bogus_https's TLSA lookup is bogus in tlsa_dnssec_state"
grep -q "^tlsa_mail_domain_status{domain=\"$LAB_MX_MIXED_DOMAIN\",class=\"dane\"} 2$" "$T/mixed.prom"
ok $? "the mail domain $LAB_MX_MIXED_DOMAIN has tlsa_mail_domain_status 2 (CRITICAL)"
grep -q "^tlsa_check_status{target=\"mx2.dane.test\",port=\"25\",domain=\"$LAB_MX_DANE_DOMAIN\"} 0$" "$T/mixed.prom"
ok $? "an MX host's samples carry its mail domain as a label"

run "$TLSA" check --timeout 5 --mx -o prometheus "$LAB_MX_DANE_DOMAIN"
printf '%s\n' "$out" >"$T/mx.prom"
is "$rc" 1 "--mx $LAB_MX_DANE_DOMAIN -o prometheus exits with the domain's verdict (WARNING)"
prom_ok "$T/mx.prom" "a mail domain's exposition (two MX hosts)"
grep -q "^tlsa_mail_domain_status{domain=\"$LAB_MX_DANE_DOMAIN\",class=\"dane\"} 1$" "$T/mx.prom"
ok $? "tlsa_mail_domain_status of $LAB_MX_DANE_DOMAIN is 1 (WARNING)"
run "$TLSA" check --timeout 5 --srv -o prometheus "$LAB_SRV_XMPP_CLIENT_OWNER"
printf '%s\n' "$out" >"$T/srv.prom"
prom_ok "$T/srv.prom" "an SRV service's exposition"
grep -q "^tlsa_srv_status{service=\"$LAB_SRV_XMPP_CLIENT_OWNER\"} 0$" "$T/srv.prom" &&
	grep -q "^tlsa_check_status{target=\"$LAB_XMPP_CLIENT_HOST\",port=\"5222\",service=\"$LAB_SRV_XMPP_CLIENT_OWNER\"} 0$" "$T/srv.prom"
ok $? "tlsa_srv_status of $LAB_SRV_XMPP_CLIENT_OWNER is 0, and its target carries service=\"...\""

# ---- bounded memory: the length of the file does not matter --------------------
n=1500
grep -v '^#' "$fleet" >"$T/fleet.lines"
awk -v n="$n" 'NR == FNR { t[FNR] = $0; k = FNR; next } END {
	for (i = 0; i < n; i++) print t[i % k + 1] }' "$T/fleet.lines" /dev/null >"$T/long.targets"
/usr/bin/time -f '%M' -o "$T/rss.short" "$TLSA" check --timeout 5 -j 16 --targets "$fleet" \
	>/dev/null 2>&1
/usr/bin/time -f '%M' -o "$T/rss.long" "$TLSA" check --timeout 5 -j 16 --targets "$T/long.targets" \
	>"$T/long.out" 2>&1
rc=$?
short=$(tail -1 "$T/rss.short")
long=$(tail -1 "$T/rss.long")
echo "# peak RSS: $short KB for $LAB_FLEET_COUNT targets, $long KB for $n"
is "$rc" 0 "$n targets (the fleet five times over) all OK"
[ "$long" -le $((short * 5 / 4 + 2048)) ]
ok $? "$n targets need no more memory than $LAB_FLEET_COUNT (peak RSS $long KB vs $short KB)"
/usr/bin/time -f '%M' -o "$T/rss.prom" "$TLSA" check --timeout 5 -j 16 -o prometheus \
	--targets "$T/long.targets" >"$T/long.prom" 2>&1
prss=$(tail -1 "$T/rss.prom")
echo "# peak RSS with -o prometheus: $prss KB for $n targets"
[ "$prss" -le $((short * 5 / 4 + 2048)) ]
ok $? "-o prometheus keeps its samples out of memory too (peak RSS $prss KB)"

done_testing
