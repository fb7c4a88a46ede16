#!/bin/bash
# shellcheck disable=SC2154 # rc, out and err are set by lib.sh's run
# tlsa check --chain against the live lab (tests/live/lab.sh): the TLSA
# records come from the lab's DNSSEC-signed zones, the chain from the file
# each case's server presents, and nothing is connected to.  For every
# case with one certificate on one address that speaks TLS, the offline
# verdict must be the live check's (same OpenSSL verifier, same names,
# same records): DANE-EE and DANE-TA matches, the expired certificate
# under 3 1 1 (WARNING) and 2 1 1 (CRITICAL), CNAMEs, insecure and bogus
# zones.  And a chain for another name under ta.dane.test's 2 1 1 fails
# offline as it would live.
#
#   TLSA_LIVE=1 TLSA=build/cmd/tlsa top_srcdir=. bash tests/live/check-chain.sh
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/live/lab.sh"
lab_test_begin "$@"

# The verdict word of a text report's summary line.
verdict() { printf '%s\n' "$out" | tail -1 | sed -n 's/^[^ ]*: \([A-Z]*\).*/\1/p'; }
compared=0
while read -r id host port tls addrs certs tlsa _; do
	case $tls in plain | silent | closed) continue ;; esac
	case $certs$addrs in - | *,*) continue ;; esac
	V=LAB_${id^^}
	chainf=${V}_CERT
	[ -n "${!chainf:-}" ] || continue
	extra=()
	case $tls in xmpp*) extra=(--service-domain "$LAB_XMPP_DOMAIN") ;; esac
	case $tls in tls) tls=none ;; esac
	run "$TLSA" check --timeout 3 -p "$port" -t "$tls" "${extra[@]}" --key-types first "$host"
	live=$rc livev=$(verdict) liveout=$out
	run "$TLSA" check --timeout 3 -p "$port" -t "$tls" "${extra[@]}" --chain "${!chainf}" "$host"
	is "$rc:$(verdict)" "$live:$livev" "$id: --chain $(basename "${!chainf}") gets the live check's verdict ($livev) with the records from DNS ($tlsa)"
	if [ "$rc" != "$live" ]; then
		printf '%s\n' "live:" "$liveout" "chain:" "$out" "$err" | sed 's/^/#   /' | head -20
	fi
	compared=$((compared + 1))
done < <(_lab_cases)
[ "$compared" -ge 10 ]
ok $? "at least ten lab cases were compared ($compared)"

run "$TLSA" check --timeout 3 -p 25 --chain "$LAB_CHAIN_MAIL" --tlsa "2 1 1 $(lab_tlsa_data 1 1 int)" "$LAB_TA_SMTP_HOST"
is "$rc" 2 "--chain: the mail chain under a 2 1 1 at ta.dane.test is CRITICAL"
echo "$out" | grep -qF "certificate verification failed at depth 0: hostname mismatch"
ok $? "with OpenSSL's hostname mismatch"

done_testing
