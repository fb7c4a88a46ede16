#!/bin/bash
# tlsa check against hostile and broken peers (issue 6, sections 3 and 4):
# servers that stall, trickle, flood, refuse, send garbage or alerts, close
# or stall mid-handshake, or present a chain of 100 certificates, over IPv4
# and IPv6 and in several protocols' dialogues; and DNS
# servers that never answer, truncate, send decoys with a wrong ID or from
# a wrong address, a thousand TLSA records, or malformed TLSA rdata.
# For each: the check ends within --timeout plus one second, gives the
# right verdict with a message naming what happened, and its memory stays
# bounded.  The peers are tests/cli/hostile.py, on loopback inside a network
# namespace of our own (`unshare -n`, so root only; skipped otherwise).
#
#   TLSA=build/cmd/tlsa bash tests/cli/hostile.sh

. "$(cd "$(dirname "$0")/.." && pwd)/lib.sh"
own_namespace -n TLSA_IN_NETNS "$@"
[ -n "${TLSA_IN_NETNS:-}" ] || skip_all "hostile peers run in a network namespace of our own (needs root)"
need_tools python3 openssl ss
ip link set lo up
HOSTILE=$top_srcdir/tests/cli/hostile.py
TIME=/usr/bin/time
need_our_tlsa
if [ ! -x "$TIME" ]; then
	echo "Bail out! $TIME is missing (Debian package time; scripts/deps.sh installs it)"
	exit 1
fi

pids=
trap 'for p in $pids; do kill "$p" 2>/dev/null; done; rm -rf "$T"' EXIT
cd "$T" || exit 1

# serve MODE PORT [ARGS]: start a hostile peer on 127.0.0.1:PORT.
serve() {
	python3 "$HOSTILE" "$1" 127.0.0.1 "$2" "${@:3}" &
	pids="$pids $!"
}
# wait_ports N: until N sockets listen (python starts slowly on a busy box).
wait_ports() {
	local i
	for i in $(seq 150); do
		[ "$(ss -ltnH | wc -l)" -ge "$1" ] && return 0
		sleep 0.2
	done
	return 1
}

# timed CMD...: run, capturing out/err/rc, the wall time in ms ($ms) and
# the peak resident size in kB ($rss).
timed() {
	local s e
	s=$(date +%s%N)
	"$TIME" -o "$T/rss" -f %M "$@" >"$T/out" 2>"$T/err"
	rc=$?
	e=$(date +%s%N)
	ms=$(((e - s) / 1000000))
	rss=$(tail -n 1 "$T/rss")
	out=$(cat "$T/out")
	err=$(cat "$T/err")
}

# Under valgrind (scripts/test --valgrind) neither time nor memory is
# tlsa's own; under ASan the memory is not (shadow memory): those bounds
# are then skipped, the verdicts still count.
bounds="time+memory"
if [ -n "${TLSA_REAL:-}" ]; then
	bounds=
elif grep -qa __asan_init "$TLSA"; then
	bounds="time"
fi
# --timeout for the servers and for DNS: longer under valgrind, where a
# handshake over a chain of 100 alone can take seconds.
to=3 dto=2
[ -n "$bounds" ] || to=10 dto=10

# verdict WHAT TIMEOUT WANT_RC PATTERN: the last timed run ended within
# TIMEOUT + 1 s with WANT_RC, said PATTERN (an extended regexp) and stayed
# under 64 MB.
LIMIT_KB=65536
verdict() {
	local what=$1 limit=$((($2 + 1) * 1000))
	echo "# $what: ${ms} ms, max RSS ${rss} kB, exit $rc"
	case $bounds in
	time*)
		[ "$ms" -le "$limit" ]
		ok $? "$what: the check ends within --timeout + 1 s (${ms} ms)"
		;;
	*) skip "$what: no time bound under valgrind" ;;
	esac
	is "$rc" "$3" "$what: exit $3"
	printf '%s\n%s\n' "$out" "$err" | grep -Eq "$4"
	ok $? "$what: the message says what happened (/$4/)"
	printf '%s\n%s\n' "$out" "$err" | grep -E "CRITICAL|WARNING|UNKNOWN|OK" | head -n 3 |
		cut -c1-200 | sed 's/^/#   /'
	case $bounds in
	*memory)
		[ "${rss:-999999}" -lt "$LIMIT_KB" ]
		ok $? "$what: memory stays bounded (${rss} kB)"
		;;
	*) skip "$what: no memory bound under valgrind or ASan" ;;
	esac
}

# ---- certificates --------------------------------------------------------

key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
spki() { openssl x509 -in "$1" -noout -pubkey | openssl pkey -pubin -outform DER | sha256sum | cut -c1-64; }
key leaf.key
openssl req -x509 -new -key leaf.key -out leaf.pem -days 30 -subj /CN=host.test \
	-addext subjectAltName=DNS:host.test 2>/dev/null
good=$(spki leaf.pem)
echo "$good" >good.hex
nomatch="3 1 1 $(printf '%064d' 0)"

# A chain of 100: a root, 98 intermediates each issued by the one before,
# and a leaf; one key for all (the size of the chain is the point, and key
# generation is the slow part).
key ca.key
openssl req -x509 -new -key ca.key -out c0.pem -days 30 -subj /CN=c0 \
	-addext basicConstraints=critical,CA:true 2>/dev/null
printf 'basicConstraints=critical,CA:true\n' >ca.ext
for i in $(seq 1 98); do
	openssl req -new -key ca.key -subj "/CN=c$i" 2>/dev/null |
		openssl x509 -req -CA "c$((i - 1)).pem" -CAkey ca.key -set_serial "$i" -days 30 \
			-extfile ca.ext -out "c$i.pem" 2>/dev/null
done
openssl req -new -key leaf.key -subj /CN=host.test 2>/dev/null |
	openssl x509 -req -CA c98.pem -CAkey ca.key -set_serial 99 -days 30 -out long-leaf.pem 2>/dev/null
{
	cat long-leaf.pem
	for i in $(seq 98 -1 0); do cat "c$i.pem"; done
} >chain100.pem
[ "$(grep -c 'BEGIN CERTIFICATE' chain100.pem)" = 100 ]
ok $? "a chain of 100 certificates was made"

# ---- hostile servers -------------------------------------------------------

serve silent 2500
serve slow 2501
serve endless 2502
serve bigline 2503
serve refuse454 2504
serve refuse502 2505
serve garbage 2506
serve alert 2507
serve midclose 2508
serve stall 2509
serve tls 2510 chain100.pem leaf.key
serve tls 2511 leaf.pem leaf.key
serve dns 5300 good.hex
# The same over IPv6, and a peer that never answers for the protocols in
# which the client speaks first.
serve6() {
	python3 "$HOSTILE" "$1" ::1 "$2" "${@:3}" &
	pids="$pids $!"
}
serve6 mute 2520
serve6 stall 2521
serve6 garbage 2522
serve6 dns 5301 good.hex
wait_ports 17
ok $? "the hostile servers are listening"

# hostile PORT [-t smtp] -- WHAT PATTERN: a server that must give CRITICAL.
hostile() {
	local port=$1 what=$2 pattern=$3
	shift 3
	timed "$TLSA" check --tlsa "$nomatch" -a 127.0.0.1 -p "$port" "$@" --timeout $to host.test
	verdict "$what" $to 2 "$pattern"
}
hostile 2500 "a server that accepts and says nothing" \
	"CRITICAL: timed out after $to s waiting for the greeting" -t smtp
hostile 2501 "a server that sends its greeting one byte per second" \
	"CRITICAL: timed out after $to s waiting for the greeting" -t smtp
hostile 2502 "a server that sends a line that never ends" \
	"CRITICAL: .*line longer than [0-9]+ bytes" -t smtp
hostile 2503 "a server that sends a 1 MB line" \
	"CRITICAL: .*line longer than [0-9]+ bytes" -t smtp
hostile 2504 "a server that answers STARTTLS with 454" \
	"CRITICAL: server refused STARTTLS: \"454" -t smtp
hostile 2505 "a server that answers STARTTLS with 502" \
	"CRITICAL: server refused STARTTLS: \"502" -t smtp
hostile 2506 "a server that sends garbage instead of a TLS handshake" \
	"CRITICAL: TLS handshake failed: wrong version number" -t smtp
hostile 2507 "a server that sends a TLS alert" \
	"CRITICAL: TLS handshake failed: .*alert handshake failure"
hostile 2508 "a server that closes in the middle of the handshake" \
	"CRITICAL: TLS handshake failed: unexpected eof"
hostile 2509 "a server that stalls halfway through the handshake" \
	"CRITICAL: timed out after $to s in the TLS handshake"
hostile 2510 "a server that presents a chain of 100 certificates (no record matches)" \
	"CRITICAL: .*(match|chain)"
# The same chain with the leaf's own key published: DANE-EE looks at the
# leaf only, so the 99 certificates behind it must not get in the way.
timed "$TLSA" check --tlsa "3 1 1 $good" --tlsa "$nomatch" -a 127.0.0.1 -p 2510 --timeout $to host.test
verdict "a chain of 100 whose leaf matches" $to 0 "OK"

# Over IPv6, and in the dialogues of other protocols: a peer that never
# answers must time out in each, naming the step it waited at.
hostile6() {
	local port=$1 what=$2 pattern=$3
	shift 3
	timed "$TLSA" check --tlsa "$nomatch" -a ::1 -p "$port" "$@" --timeout $to host.test
	verdict "$what" $to 2 "$pattern"
}
hostile6 2520 "IPv6, IMAP: a server that never says anything" \
	"\[::1\]:2520: CRITICAL: timed out after $to s waiting for the greeting" -t imap
hostile6 2520 "IPv6, POP3: a server that never says anything" \
	"\[::1\]:2520: CRITICAL: timed out after $to s waiting for the greeting" -t pop3
hostile6 2520 "IPv6, XMPP: a server that never answers the stream header" \
	"CRITICAL: timed out after $to s waiting for the reply to the stream header" -t xmpp
hostile6 2520 "IPv6, LDAP: a server that never answers the StartTLS request" \
	"CRITICAL: timed out after $to s waiting for the reply to the StartTLS request" -t ldap
hostile6 2520 "IPv6, PostgreSQL: a server that never answers the SSLRequest" \
	"CRITICAL: timed out after $to s waiting for the reply to SSLRequest" -t postgres
hostile6 2521 "IPv6: a server that stalls halfway through the handshake" \
	"\[::1\]:2521: CRITICAL: timed out after $to s in the TLS handshake"
hostile6 2522 "IPv6: a server that sends garbage instead of a TLS handshake" \
	"\[::1\]:2522: CRITICAL: TLS handshake failed: wrong version number" -t smtp

# ---- hostile or broken DNS ---------------------------------------------------
# The records come from the DNS server on 127.0.0.1@5300 (AD set on every
# answer); the TLS server on 2511 presents leaf.pem, whose 3 1 1 record is
# the "good" one.

dns() { # LABEL [ARGS]: check LABEL.test through the scripted resolver
	local label=$1
	shift
	timed "$TLSA" check --resolver "${resolver:-127.0.0.1@5300}" --timeout $dto -a 127.0.0.1 \
		-p 2511 --sni host.test "$@" "$label.test"
}
dns good
verdict "a well-behaved DNS server (the baseline)" $dto 0 "OK"
dns silent
verdict "a resolver that never answers" $dto 3 "no answer from 127.0.0.1@5300"
dns tc
verdict "a truncated UDP answer (TC=1): the records come over TCP" $dto 0 "OK"
dns wrongid
verdict "an answer with the wrong ID before the real one: ignored" $dto 0 "OK"
dns wrongsrc
verdict "an answer from the wrong address before the real one: ignored" $dto 0 "OK"
dns wrongonly
verdict "only an answer with the wrong ID: a timeout" $dto 3 "no answer from 127.0.0.1@5300"
dns thousand
verdict "a TLSA RRset of a thousand records" $dto 1 "has 1000 records: some large receivers give up"
dns malformed
verdict "a TLSA record with malformed rdata alone" $dto 2 "TLSA record 1 is malformed: 2 bytes of rdata"
dns malformedplus
verdict "a malformed TLSA record next to a good one" $dto 1 "WARNING: TLSA record 1 is malformed"

# The resolver over IPv6 (::1@5301), UDP and the TCP fallback.
resolver=::1@5301
dns good
verdict "IPv6 resolver: a well-behaved DNS server" $dto 0 "OK"
dns silent
verdict "IPv6 resolver: one that never answers" $dto 3 "no answer from ::1@5301"
dns tc
verdict "IPv6 resolver: a truncated UDP answer, then TCP" $dto 0 "OK"
dns wrongid
verdict "IPv6 resolver: an answer with the wrong ID is ignored" $dto 0 "OK"
resolver=

done_testing
