#!/bin/bash
# tlsa check --mx, --srv and --candidate against the live lab
# (tests/live/lab.sh; its README has the tables this test walks):
#   - every mail domain of lab_mx_table gets the table's verdict, in AD
#     mode and with --trust-anchor, lists every MX host with its
#     preference, and agrees with Postfix's posttls-finger -l dane, host
#     by host ("[host]": Verified exactly where we verify the host) and
#     for the domain (its verdict lines: Verified, Trusted, nullMX);
#   - every SRV service of lab_srv_table gets its verdict, checking each
#     target at _PORT._tcp.TARGET with the protocol of the service label;
#   - LAB_CANDIDATE_MATCH matches the records published for mail_smtp,
#     LAB_CANDIDATE_NOMATCH does not: CRITICAL, and the record to publish
#     first, as tlsa create prints it.
# (posttls-finger's verdict lines are compared, not its exit code.)
#
#   TLSA_LIVE=1 TLSA=build/cmd/tlsa top_srcdir=. bash tests/live/check-mx.sh
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/live/lab.sh"
lab_test_begin "$@"

exit_of() { case $1 in OK) echo 0 ;; WARNING) echo 1 ;; CRITICAL) echo 2 ;; *) echo 3 ;; esac; }
show() { printf '%s\n' "$out" "$err" | sed 's/^/#   /' | head -${1:-12}; }

# Per host of a group's JSON: "HOST PREFERENCE STATUS BASE_DOMAIN NRECORDS", and
# first a line "GROUPSTATUS NULL_MX DNSSEC".
hosts_of() {
	printf '%s' "$1" | python3 -c '
import json, sys
t = json.load(sys.stdin)["targets"][0]
look = t.get("mx") or t.get("srv")
print(t["status"], str(t.get("mx", {}).get("null_mx", False)).lower(), look["lookup"]["dnssec"])
for h in t["hosts"]:
    c = h["check"] or {}
    tl = c.get("tlsa", {})
    print(h["host"].rstrip("."), h.get("preference", h.get("priority")), h["status"],
          (tl.get("base_domain") or "-").rstrip("."), len(tl.get("records", [])),
          c.get("starttls") or "-", h["port"],
          " ".join(a["address"] + "=" + a["status"] for hh in c.get("hosts", []) for a in hh["addresses"]))
'
}

# ---- every mail domain ----------------------------------------------------------
while read -r domain want hosts; do
	run "$TLSA" check --timeout 3 --mx "$domain"
	ad_rc=$rc
	is "$rc" "$(exit_of "$want")" "--mx $domain: $want (exit $(exit_of "$want")) in AD mode"
	[ "$rc" = "$(exit_of "$want")" ] || show
	run "$TLSA" check --timeout 3 --mx --trust-anchor "$LAB_TRUST_ANCHOR" "$domain"
	is "$rc" "$ad_rc" "--mx $domain: --trust-anchor reaches the same verdict as AD mode"

	run "$TLSA" check --timeout 3 --mx -o json "$domain"
	if ! hosts_of "$out" >"$T/hosts" 2>"$T/py"; then
		ok 1 "--mx $domain: the JSON output parses"
		show
		continue
	fi
	ok 0 "--mx $domain: the JSON output parses"
	is "$(head -1 "$T/hosts" | cut -d' ' -f1)" "$want" "--mx $domain: the JSON status is $want"
	got=$(tail -n +2 "$T/hosts" | awk '{ printf "%s%s:%s", (NR > 1 ? "," : ""), $2, $1 }')
	[ "$hosts" = - ] && hosts=""
	is "$got" "$hosts" "--mx $domain: every MX host is listed with its preference (${hosts:-none})"
	# Each host: its TLSA records at _25._tcp, every address with a verdict.
	while read -r host pref status base nrec starttls port addrs; do
		[ "$port" = 25 ] && [ "$starttls" = smtp ] && [ -n "$addrs" ]
		ok $? "--mx $domain: $host is checked on port 25 with STARTTLS, every address with a verdict ($addrs)"
	done < <(tail -n +2 "$T/hosts")

	# The oracle, host by host: posttls-finger -l dane "[host]" verifies exactly
	# the hosts we verify (OK or WARNING).
	while read -r host pref status base nrec starttls port addrs; do
		o=$(timeout 20 posttls-finger -c -t 3 -T 3 -l dane "[$host]" 2>&1)
		if printf '%s\n' "$o" | grep -q "posttls-finger: Verified TLS connection established"; then
			pf=verified
		else
			pf=unverified
		fi
		case $status in OK | WARNING) ours=verified ;; *) ours=unverified ;; esac
		is "$ours" "$pf" "--mx $domain: host $host ($status): posttls-finger -l dane [$host] agrees: $pf"
		[ "$ours" = "$pf" ] || printf '%s\n' "$o" | grep 'posttls-finger:' | sed 's/^/#   /' | head -4
	done < <(tail -n +2 "$T/hosts")

	# The oracle for the domain: posttls-finger stops at the first MX host it
	# reaches; its verdict line says what we say of that host and of the MX RRset.
	o=$(timeout 30 posttls-finger -c -t 3 -T 3 -l dane "$domain" 2>&1 | grep 'posttls-finger: ')
	read -r gstatus nullmx mxsec <"$T/hosts"
	if printf '%s\n' "$o" | grep -q "(nullMX)"; then
		pf="nullMX"
	elif h=$(printf '%s\n' "$o" | sed -n 's/.*Verified TLS connection established to \([^[]*\)\[.*/\1/p' | head -1) && [ -n "$h" ]; then
		pf="verified $h"
	elif h=$(printf '%s\n' "$o" | sed -n 's/.*Trusted TLS connection established to \([^[]*\)\[.*/\1/p' | head -1) && [ -n "$h" ]; then
		pf="trusted $h"
	elif h=$(printf '%s\n' "$o" | sed -n 's/.*Untrusted TLS connection established to \([^[]*\)\[.*/\1/p' | head -1) && [ -n "$h" ]; then
		pf="untrusted $h"
	else
		pf="no TLS connection"
	fi
	case $pf in
	nullMX) ours=$([ "$nullmx" = true ] && [ "$gstatus" = CRITICAL ] && echo nullMX || echo "not nullMX") ;;
	*" "*)
		h=${pf#* }
		hstatus=$(awk -v h="$h" '$1 == h { print $3 }' "$T/hosts")
		case $hstatus in
		OK | WARNING)
			# A verified host behind an insecure MX RRset is only "trusted".
			if [ "$mxsec" = secure ]; then ours="verified $h"; else ours="trusted $h"; fi ;;
		"") ours="(host $h not in our report)" ;;
		*) ours="untrusted $h" ;;
		esac ;;
	*) ours=$([ "$gstatus" = OK ] || [ "$gstatus" = WARNING ] && echo verified || echo "no TLS connection") ;;
	esac
	is "$ours" "$pf" "--mx $domain: posttls-finger -l dane $domain agrees: $pf"
	[ "$ours" = "$pf" ] || printf '%s\n' "$o" | sed 's/^/#   /' | head -4
done < <(lab_mx_table)

# ---- what the mail-domain reports say -----------------------------------------
run "$TLSA" check --timeout 3 --mx "$LAB_MX_DANE_DOMAIN"
echo "$out" | grep -q "^$LAB_MX_DANE_DOMAIN: MX lookup secure: MX 10 $LAB_MAIL_SMTP_HOST., MX 20 $LAB_MX2_SMTP_HOST."
ok $? "--mx dane.test: the first line gives the MX RRset's DNSSEC state and every host with its preference"
echo "$out" | grep -q "^$LAB_MAIL_SMTP_ADDR:25: OK: 3 1 1 .* matched at depth 0" &&
	echo "$out" | grep -q "^$LAB_MX2_SMTP_ADDR:25: OK: 3 1 1 .* matched at depth 0"
ok $? "--mx dane.test: each address of each MX host has its verdict line"
echo "$out" | grep -q "^$LAB_MX_DANE_DOMAIN: WARNING: 2 of 2 mail hosts verified"
ok $? "--mx dane.test: the summary is the worst of the hosts (WARNING)"
run "$TLSA" check --timeout 3 --mx "$LAB_MX_INSECURE_DOMAIN"
echo "$out" | grep -q "^$LAB_MX_INSECURE_DOMAIN: CRITICAL: the MX RRset of $LAB_MX_INSECURE_DOMAIN is insecure"
ok $? "--mx insecure.test: the insecure MX RRset is the CRITICAL finding, said so"
echo "$out" | grep -q "^$LAB_MX2_SMTP_ADDR:25: OK"
ok $? "--mx insecure.test: its MX host is still checked (and matches its own secure records)"
run "$TLSA" check --timeout 3 --mx "$LAB_MX_NULLMX_DOMAIN"
echo "$out" | grep -q "null MX .*RFC 7505.*accepts no mail"
ok $? "--mx nullmx.dane.test: the null MX is said so"
run "$TLSA" check --timeout 3 --mx -v "$LAB_MX_NOMX_DOMAIN"
echo "$out" | grep -q "has no MX records (securely denied): the domain itself is its mail host"
ok $? "--mx nomx.dane.test -v: the domain's own address is used, and said so"
run "$TLSA" check --timeout 3 --mx -o json "$LAB_MX_CNAMEMX_DOMAIN"
is "$(hosts_of "$out" | sed -n 2p | cut -d' ' -f4)" "$LAB_OTHERMX_SMTP_HOST" \
	"--mx cnamemx.dane.test: the MX host's secure CNAME makes the expanded name the TLSA base domain"
run "$TLSA" check --timeout 3 --mx -o nagios "$LAB_MX_MIXED_DOMAIN"
echo "$out" | grep -q "^DANE CRITICAL - $LAB_MX_MIXED_DOMAIN $LAB_NOMATCH_SMTP_HOST.:25: no TLSA record matches.* | hosts=2;;;0 verified=1;;;0 failed=1;;;0"
ok $? "--mx mixed.dane.test -o nagios: one line naming the failing host, with perfdata"
[ $? -eq 0 ] || show 3
run "$TLSA" check --timeout 3 --mx -q "$LAB_MX_NOMX_DOMAIN"
is "$out" "" "--mx -q prints nothing when every host is OK"

# ---- SRV services ---------------------------------------------------------------
for svc in XMPP_CLIENT XMPP_SERVER; do
	v=LAB_SRV_${svc}_OWNER; owner=${!v}
	v=LAB_SRV_${svc}_VERDICT; want=${!v}
	v=LAB_SRV_${svc}_TARGETS; targets=${!v}
	run "$TLSA" check --timeout 3 --srv "$owner"
	is "$rc" "$(exit_of "$want")" "--srv $owner: $want"
	[ "$rc" = "$(exit_of "$want")" ] || show
	run "$TLSA" check --timeout 3 --srv --trust-anchor "$LAB_TRUST_ANCHOR" "$owner"
	is "$rc" "$(exit_of "$want")" "--srv $owner: --trust-anchor reaches the same verdict"
	run "$TLSA" check --timeout 3 --srv -o json "$owner"
	hosts_of "$out" >"$T/hosts" 2>/dev/null
	got=$(tail -n +2 "$T/hosts" | awk '{ printf "%s%s:%s:%s", (NR > 1 ? "," : ""), $2, $7, $1 }')
	is "$got" "$targets" "--srv $owner: every target is checked at its SRV port ($targets)"
	case $owner in _xmpp-client.*) proto=xmpp ;; *) proto=xmpp-server ;; esac
	is "$(tail -n +2 "$T/hosts" | cut -d' ' -f6 | sort -u)" "$proto" \
		"--srv $owner: the service label picks STARTTLS $proto"
	printf '%s' "$out" | python3 -c 'import json,sys; sys.exit(json.load(sys.stdin)["targets"][0]["srv"]["service_domain"] != sys.argv[1])' "$LAB_XMPP_DOMAIN"
	ok $? "--srv $owner: the service domain (stream to=, reference identifier) is $LAB_XMPP_DOMAIN"
done
run "$TLSA" check --timeout 3 --srv -o nagios "$LAB_SRV_XMPP_CLIENT_OWNER"
echo "$out" | grep -q "^DANE OK - $LAB_SRV_XMPP_CLIENT_OWNER: 1 of 1 SRV targets verified | hosts=1;;;0"
ok $? "--srv -o nagios: one status line with perfdata"
# The XMPP server serves dane.test only: without the service domain as to= the
# stream would be refused, so this also proves the to= came from the owner.
run "$TLSA" check --timeout 3 --srv --service-domain nosuch.test "$LAB_SRV_XMPP_CLIENT_OWNER"
[ "$rc" -ge 2 ]
ok $? "--srv with a --service-domain Prosody does not serve fails (the to= is what we say)"

# ---- --candidate ----------------------------------------------------------------
cand_check() { run "$TLSA" check --timeout 3 -p "$LAB_MAIL_SMTP_PORT" "$@" "$LAB_MAIL_SMTP_HOST"; }
mail_rec=$(lab_tlsa_data 1 1 mail)
cand_check --candidate "$LAB_CANDIDATE_MATCH"
is "$rc" "$(exit_of "$LAB_MAIL_SMTP_VERDICT")" "--candidate MATCH: the verdict stays mail_smtp's ($LAB_MAIL_SMTP_VERDICT)"
echo "$out" | grep -qF "candidate $LAB_CANDIDATE_MATCH: matches 3 1 1 $mail_rec at depth 0"
ok $? "--candidate MATCH: the renewed certificate matches the published 3 1 1 at depth 0"
cand_check --candidate "$LAB_KEY_MAIL"
echo "$out" | grep -qF "candidate $LAB_KEY_MAIL: matches 3 1 1 $mail_rec at depth 0"
ok $? "--candidate with a private key: its public key matches the published 3 1 1"
cand_check --candidate "$LAB_CANDIDATE_NOMATCH"
is "$rc" 2 "--candidate NOMATCH: a candidate that matches nothing is CRITICAL"
want_line="$LAB_MAIL_SMTP_OWNER. IN TLSA 3 1 1 $(lab_tlsa_data 1 1 fresh)"
echo "$out" | grep -qxF "$want_line"
ok $? "--candidate NOMATCH: prints the record to publish first ($want_line)"
[ $? -eq 0 ] || show
create_line=$("$TLSA" create -c "$LAB_CANDIDATE_NOMATCH" -p 25 -t smtp "$LAB_MAIL_SMTP_HOST" 2>/dev/null)
is "$create_line" "$want_line" "--candidate NOMATCH: the line is exactly what tlsa create prints for the candidate"
cand_check --candidate "$LAB_CANDIDATE_MATCH" --candidate "$LAB_CANDIDATE_NOMATCH" -o json
printf '%s' "$out" | python3 -c '
import json, sys
c = json.load(sys.stdin)["targets"][0]["candidates"]
ok = (len(c) == 2 and c[0]["matched"] and c[0]["depth"] == 0 and c[0]["record"].startswith("3 1 1 ")
      and not c[1]["matched"] and c[1]["status"] == "CRITICAL" and c[1]["publish"] == [sys.argv[1]])
sys.exit(0 if ok else 1)' "$want_line"
ok $? "--candidate twice -o json: each candidate's match, record and depth, or what to publish"
is "$rc" 2 "--candidate twice: the worst candidate decides (CRITICAL)"
cand_check --candidate "$LAB_CANDIDATE_NOMATCH" -o nagios
echo "$out" | grep -q "^DANE CRITICAL - .*candidate .* matches none of the published TLSA records.*publish first: $LAB_MAIL_SMTP_OWNER. IN TLSA 3 1 1 "
ok $? "--candidate NOMATCH -o nagios: the status line says what to publish"
# DANE-TA: the candidate's chain carries the root that ta.dane.test publishes.
run "$TLSA" check --timeout 3 -p 25 --candidate "$LAB_CHAIN_MAIL" "$LAB_TA_SMTP_HOST"
echo "$out" | grep -q "candidate $LAB_CHAIN_MAIL: matches 2 1 1 .* at depth 2"
ok $? "--candidate against a 2 1 1 record matches the issuer at depth 2 of the candidate chain"
# A leaf without its issuers borrows them from the chain the server presents
# when its issuer is there (issue 11): tests/live/check-candidate.sh.
run "$TLSA" check --timeout 3 -p 25 --candidate "$LAB_CERT_MAIL" "$LAB_TA_SMTP_HOST"
echo "$out" | grep -q "matches 2 1 1 .* (its issuer, from the live chain)"
ok $? "--candidate: a leaf without its issuers matches a 2 1 1 record with the live chain's issuers"
run "$TLSA" check --timeout 3 --mx --candidate "$LAB_CANDIDATE_NOMATCH" "$LAB_MX_DANE_DOMAIN"
[ "$rc" = 2 ] && echo "$out" | grep -qxF "$want_line"
ok $? "--mx with --candidate: each MX host's records are checked against the candidate"

done_testing
