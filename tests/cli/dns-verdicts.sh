#!/bin/bash
# tlsa check's verdicts when DNS is lossy, TCP-only, silent or does not
# validate (issue 11, items 5 to 7): a lookup that produced no answer is
# UNKNOWN, never CRITICAL; one that came after lost datagrams, or only
# over TCP, gives the verdict an undisturbed one does; signatures without
# AD are "the resolver does not validate" (UNKNOWN), and --insecure never
# accepts them.  The peers are tests/cli/hostile.py (dns_special() and the
# blackhole mode), on loopback inside a network namespace of our own
# (`unshare -n`, so root only; skipped otherwise).
#
#   TLSA=build/cmd/tlsa bash tests/cli/dns-verdicts.sh

. "$(cd "$(dirname "$0")/.." && pwd)/lib.sh"
own_namespace -n TLSA_IN_NETNS "$@"
[ -n "${TLSA_IN_NETNS:-}" ] || skip_all "the scripted resolvers run in a network namespace of our own (needs root)"
need_tools python3 openssl ss
ip link set lo up
HOSTILE=$top_srcdir/tests/cli/hostile.py

pids=
trap 'for p in $pids; do kill "$p" 2>/dev/null; done; wait 2>/dev/null; rm -rf "$T"' EXIT
cd "$T" || exit 1

serve() { # MODE PORT [ARGS]
	python3 "$HOSTILE" "$1" 127.0.0.1 "$2" "${@:3}" &
	pids="$pids $!"
}
# timed CMD...: run, capturing out/err/rc and the wall time in ms ($ms).
timed() {
	local s e
	s=$(date +%s%N)
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	e=$(date +%s%N)
	ms=$(((e - s) / 1000000))
	out=$(cat "$T/out")
	err=$(cat "$T/err")
}
# verdict WHAT LIMIT_S WANT_RC PATTERN [NOT_PATTERN]
verdict() {
	echo "# $1: ${ms} ms, exit $rc"
	printf '%s\n%s\n' "$out" "$err" | grep -E "CRITICAL|WARNING|UNKNOWN|OK" | head -n 3 |
		cut -c1-200 | sed 's/^/#   /'
	if [ -n "${TLSA_VALGRIND:-}" ] || grep -qa __asan_init "$TLSA"; then
		skip "$1: no time bound under valgrind or ASan"
	else
		[ "$ms" -le "$(($2 * 1000))" ]
		ok $? "$1: ends within $2 s (${ms} ms)"
	fi
	is "$rc" "$3" "$1: exit $3"
	printf '%s\n%s\n' "$out" "$err" | grep -Eq "$4"
	ok $? "$1: the message says what happened (/$4/)"
	if [ -n "${5:-}" ]; then
		! printf '%s\n%s\n' "$out" "$err" | grep -Eq "$5"
		ok $? "$1: and never /$5/"
	fi
}

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out leaf.key 2>/dev/null
openssl req -x509 -new -key leaf.key -out leaf.pem -days 30 -subj /CN=host.test \
	-addext subjectAltName=DNS:host.test 2>/dev/null
openssl x509 -in leaf.pem -noout -pubkey | openssl pkey -pubin -outform DER | sha256sum |
	cut -c1-64 >good.hex
serve tls 2511 leaf.pem leaf.key
serve dns 5300 good.hex
serve blackhole 5302
for i in $(seq 150); do
	[ "$(ss -ltnH | wc -l)" -ge 3 ] && break
	sleep 0.2
done

dns() { # LABEL [ARGS]: check LABEL.test at 127.0.0.1:2511 through the scripted resolver
	local label=$1
	shift
	timed "$TLSA" check --resolver 127.0.0.1@5300 --timeout 3 -a 127.0.0.1 -p 2511 \
		--sni host.test "$@" "$label.test"
}

# ---- item 5: loss and TCP ---------------------------------------------------
dns good
verdict "the baseline" 4 0 "OK"
dns drop3
verdict "the first three datagrams of the TLSA query lost: retransmission gets it" 3 0 "OK"
dns tcponly
verdict "a resolver that answers only over TCP" 3 0 "OK"
timed "$TLSA" check --resolver 127.0.0.1@5302 --resolver 127.0.0.1@5300 --timeout 3 \
	-a 127.0.0.1 -p 2511 --sni host.test good.test
verdict "a black hole first, then a good resolver: rotation finds the good one" 3 0 "OK"

# Through tests/live/lossy.py, 30% of the datagrams lost each way: twenty
# checks in a row, each OK.
python3 "$top_srcdir/tests/live/lossy.py" --listen 127.0.0.1:5310 --upstream 127.0.0.1:5300 \
	--loss-in 0.3 --loss-out 0.3 --seed 3 --ready "$T/ready" --stats "$T/stats" 2>/dev/null &
pids="$pids $!"
for i in $(seq 100); do
	[ -e "$T/ready" ] && break
	sleep 0.1
done
good=0
s=$(date +%s)
for i in $(seq 10); do
	"$TLSA" check -q --resolver 127.0.0.1@5310 --timeout 5 -a 127.0.0.1 -p 2511 \
		--sni host.test good.test && good=$((good + 1))
done
is "$good" 10 "30% loss each way (lossy.py): 10 checks of 10 OK ($(($(date +%s) - s)) s)"
sleep 1.2 # lossy.py writes its stats every second
echo "# lossy.py: $(cat "$T/stats")"
dropped=$(sed 's/.*dropped_in=\([0-9]*\).*/\1/' "$T/stats")
[ "${dropped:-0}" -gt 0 ]
ok $? "and lossy.py did drop queries ($dropped)"

# ---- item 6: no answer is UNKNOWN ----------------------------------------------
timed "$TLSA" check --resolver 127.0.0.1@5302 --timeout 1 -p 2511 host.test
verdict "a black-hole resolver: UNKNOWN within --timeout per lookup (4 lookups)" 5 3 \
	"UNKNOWN.*no answer from 127.0.0.1@5302 within 1.0 s" "CRITICAL"
timed "$TLSA" check --resolver 127.0.0.1@5302 --timeout 1 -p 2511 -a 127.0.0.1 host.test
verdict "a black-hole resolver with --address: UNKNOWN (2 lookups)" 3 3 \
	"UNKNOWN.*no answer from 127.0.0.1@5302 within 1.0 s" "CRITICAL"
timed "$TLSA" check --resolver 127.0.0.1@5302 --timeout 1 --mx example.test
verdict "a black-hole resolver, --mx: UNKNOWN" 3 3 "UNKNOWN.*MX lookup for example.test" \
	"CRITICAL"
timed "$TLSA" check --resolver 127.0.0.1@5302 --timeout 1 --srv _xmpp-client._tcp.example.test
verdict "a black-hole resolver, --srv: UNKNOWN" 3 3 \
	"UNKNOWN.*SRV lookup for _xmpp-client._tcp.example.test" "CRITICAL"
timed "$TLSA" check --resolver 127.0.0.1@5300 --timeout 1 -p 2511 aaaasilent.test
verdict "A answered with no address, AAAA never answered: UNKNOWN, not \"no addresses\"" 4 3 \
	"UNKNOWN.*AAAA lookup for aaaasilent.test.*no answer from 127.0.0.1@5300" \
	"has no addresses|CRITICAL"

# ---- item 7: a resolver that does not validate ---------------------------------
dns rrsig
verdict "RRSIGs without AD: the resolver does not validate (UNKNOWN)" 4 3 \
	"UNKNOWN.*does not validate.*--trust-anchor" "insecure \(not DNSSEC-signed\)"
dns rrsig --insecure
verdict "RRSIGs without AD and --insecure: still UNKNOWN, never accepted" 4 3 \
	"UNKNOWN.*does not validate" "accepted because of --insecure|WARNING"

done_testing
