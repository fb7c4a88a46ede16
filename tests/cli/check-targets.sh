#!/bin/bash
# tlsa check --targets and --jobs, and -o prometheus, from the outside,
# without a lab: the targets file's syntax (a bad line is named with its
# file and number, the run exits 3 and nothing is contacted), option
# clashes, and fleets whose every check is UNKNOWN because the only
# resolver (a port on loopback where nobody answers) never replies: that
# is enough to see input order, the exit status, one JSON document, the
# text summary and well-formed Prometheus output.  Verdicts against real
# servers are tests/live/check-fleet.sh's.
#
#   TLSA=build/cmd/tlsa bash tests/cli/check-targets.sh

. "$(cd "$(dirname "$0")/.." && pwd)/lib.sh"
# In a network namespace of our own when we can: only loopback exists there.
own_namespace -n TLSA_IN_NETNS "$@"
[ -z "${TLSA_IN_NETNS:-}" ] || ip link set lo up
need_our_tlsa
promcheck=$top_srcdir/tests/cli/promcheck.py

# A resolver nobody answers: a UDP port we hold without reading, so every
# query times out (after --timeout 1) and every check is UNKNOWN.
python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True)
time.sleep(600)
' >"$T/port" &
sink=$!
trap 'kill $sink 2>/dev/null; rm -rf "$T"' EXIT
for _ in 1 2 3 4 5 6 7 8 9 10; do [ -s "$T/port" ] && break; sleep 0.2; done
deaf=127.0.0.1@$(cat "$T/port")

# ---- the targets file: a bad line stops the run before anything is contacted --

bad_line() { # DESCRIPTION LINE EXPECTED-WORDS
	printf '# a fleet\nok.test 443\n%s\nlater.test\n' "$2" >"$T/bad.targets"
	run "$TLSA" check --resolver "$deaf" --timeout 1 --targets "$T/bad.targets"
	is "$rc" 3 "$1: exit 3"
	[ -z "$out" ] && echo "$err" | grep -qF "tlsa check: $T/bad.targets: line 3: $3"
	ok $? "$1: stderr names the file and line 3 ($3), stdout is empty"
}
bad_line "a host name with a bad character" "bad_host! 443" "'bad_host!' has '!' in it, which a host name cannot have"
bad_line "an address for a host" "192.0.2.7 443" "'192.0.2.7' is an IP address"
bad_line "a port stuck to the host" "host.test:25" "'host.test:25' has a port in it (give the port as the second field)"
bad_line "--mx with an empty label" "--mx a..test" "mail domain 'a..test' has an empty label"
bad_line "a port out of range" "host.test 70000" "bad port '70000' (want 1-65535)"
bad_line "a port that is not a number" "host.test https" "bad port 'https'"
bad_line "an unknown STARTTLS protocol" "host.test 25 gopher" "unknown STARTTLS protocol 'gopher'"
bad_line "a fourth field" "host.test 25 smtp extra" "unexpected 'extra'"
bad_line "an option other than --mx" "--srv _xmpp._tcp.host.test" "unknown option '--srv'"
bad_line "--mx without a domain" "--mx" "--mx takes one mail domain"
bad_line "--mx with two domains" "--mx a.test b.test" "--mx takes one mail domain"
long=$(printf 'a%.0s' $(seq 64)).test
bad_line "a label longer than 63 bytes" "$long" "'$long' has a label longer than 63 characters"

printf 'a.test 0\nb.test\nc.test 1 nope\nd.test 99999\n' >"$T/bads.targets"
run "$TLSA" check --resolver "$deaf" --targets "$T/bads.targets"
is "$(echo "$err" | grep -c ': line [0-9]*: ')" 3 "every bad line is reported, not only the first"
echo "$err" | grep -q "line 1: " && echo "$err" | grep -q "line 3: " && echo "$err" | grep -q "line 4: "
ok $? "the bad lines are named by their own numbers (1, 3 and 4)"

# Nothing is contacted: a resolver that counts what it receives gets nothing.
python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
s.settimeout(4)
print(s.getsockname()[1], flush=True)
n = 0
try:
    while True:
        s.recv(4096); n += 1
except OSError:
    pass
print(n, flush=True)
' >"$T/count" &
counter=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do [ -s "$T/count" ] && break; sleep 0.2; done
printf 'first.test 443\nsecond.test 443 gopher\n' >"$T/late.targets"
run "$TLSA" check --resolver "127.0.0.1@$(head -1 "$T/count")" --timeout 1 --targets "$T/late.targets"
wait "$counter"
is "$rc:$(sed -n 2p "$T/count")" "3:0" \
	"a bad last line stops the run before the first line's lookup is sent (exit 3, 0 queries)"

printf '# only comments\n\n   # and blanks\n' >"$T/empty.targets"
run "$TLSA" check --resolver "$deaf" --targets "$T/empty.targets"
is "$rc" 3 "a targets file without targets exits 3"
echo "$err" | grep -q "no targets in the file"; ok $? "and says there are no targets"
run "$TLSA" check --resolver "$deaf" --targets "$T/missing.targets"
is "$rc" 3 "a missing targets file exits 3"
echo "$err" | grep -q "missing.targets: No such file or directory"; ok $? "and names the file"

# ---- option clashes --------------------------------------------------------------

usage_error() { # DESCRIPTION ARGS...
	local what=$1
	shift
	run "$TLSA" check "$@"
	is "$rc" 3 "$what exits 3"
	[ -z "$out" ] && echo "$err" | grep -q "^tlsa check: "
	ok $? "$what prints nothing on stdout and says why on stderr"
}
printf 'a.test\n' >"$T/one.targets"
usage_error "a HOST besides --targets" --targets "$T/one.targets" host.test
usage_error "--mx with --targets" --mx --targets "$T/one.targets"
usage_error "--address with --targets" -a 127.0.0.1 --targets "$T/one.targets"
usage_error "--sni with --targets" --sni x.test --targets "$T/one.targets"
usage_error "--tlsa-file - with --targets" --tlsa-file - --targets "$T/one.targets"
usage_error "--jobs 0" -j 0 --targets "$T/one.targets"
usage_error "--jobs 16385" --jobs 16385 --targets "$T/one.targets"
usage_error "--jobs that is not a number" --jobs many --targets "$T/one.targets"
usage_error "--targets without its file" --targets

# ---- a fleet where nothing answers: order, exit status, formats -------------------

: >"$T/fleet.targets"
for i in $(seq 1 24); do
	echo "host$i.test $((1000 + i))" >>"$T/fleet.targets"
done
run "$TLSA" check --resolver "$deaf" --timeout 1 -j 16 --targets "$T/fleet.targets"
is "$rc" 3 "a fleet where no DNS server answers exits 3 (UNKNOWN)"
got=$(echo "$out" | grep '^host[0-9]*\.test:[0-9]*: UNKNOWN$' | sed 's/: UNKNOWN//' | tr '\n' ' ')
want=$(awk '{ printf "%s:%s ", $1, $2 }' "$T/fleet.targets")
is "$got" "$want" "with --jobs 16, the 24 results come out in input order"
echo "$out" | tail -1 | grep -q "^24 targets: 0 OK, 0 WARNING, 0 CRITICAL, 24 UNKNOWN$"
ok $? "the text output ends with a count of targets by verdict"

# A check that cannot run at all (here: its --tlsa-file is missing) is said
# on stderr, in input order, and is an UNKNOWN line of the results.
for i in $(seq 1 30); do echo "late$i.test"; done >"$T/late30.targets"
run "$TLSA" check --tlsa-file "$T/no-such-records" -a 127.0.0.1 --targets "$T/late30.targets"
is "$rc" 3 "--address is refused with --targets even when the records are given"
run "$TLSA" check --resolver "$deaf" --timeout 1 --tlsa-file "$T/no-such-records" -j 8 \
	--targets "$T/late30.targets"
is "$rc" 3 "a fleet of checks that cannot run exits 3"
is "$(echo "$err" | grep -c 'no-such-records: No such file or directory')" 30 \
	"each target's reason is said once on stderr"
got=$(echo "$out" | grep -o '^late[0-9]*\.test:443: UNKNOWN: ' | sed 's/:443.*//' | tr '\n' ' ')
is "$got" "$(tr '\n' ' ' <"$T/late30.targets")" "each is an UNKNOWN result line, in input order"
run "$TLSA" check --resolver "$deaf" --tlsa-file "$T/no-such-records" -j 8 -o json \
	--targets "$T/late30.targets"
printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert len(d["targets"]) == 30 and d["exit"] == 3, d
assert all("no-such-records" in x["error"] and x["status"] == "UNKNOWN" for x in d["targets"])
'
ok $? "in JSON such a target is an object with its error"

printf 'a.test 443\n# between\nb.test 25\nc.test 993 none\n' >"$T/three.targets"
run "$TLSA" check --resolver "$deaf" --timeout 1 -j 2 -o json --targets "$T/three.targets"
printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
t = d["targets"]
assert [x["target"] for x in t] == ["a.test", "b.test", "c.test"], t
assert [x["port"] for x in t] == [443, 25, 993], t
assert [x["starttls"] for x in t] == [None, "smtp", None], t
assert all(x["status"] == "UNKNOWN" for x in t), t
assert d["status"] == "UNKNOWN" and d["exit"] == 3, d
assert d["counts"] == {"OK": 0, "WARNING": 0, "CRITICAL": 0, "UNKNOWN": 3}, d["counts"]
'
ok $? "-o json prints one document with a result per target, in order, and the worst status"
is "$rc" 3 "-o json exits with the worst verdict too"

printf 'a.test 443\nb.test 25\n' | "$TLSA" check --resolver "$deaf" --timeout 1 --targets - \
	>"$T/out" 2>"$T/err"
rc=$?
is "$rc:$(grep -c ': UNKNOWN$' "$T/out")" "3:2" "--targets - reads the targets from stdin"

run "$TLSA" check --resolver "$deaf" --timeout 1 -j 4 -o nagios --targets "$T/three.targets"
echo "$out" | head -1 | grep -q '^DANE UNKNOWN - 3 targets: 0 OK, 0 WARNING, 0 CRITICAL, 3 UNKNOWN; first UNKNOWN: a\.test:443: .* | targets=3;;;0 ok=0;;;0 warning=0;;;0 critical=0;;;0 unknown=3;;;0$'
ok $? "-o nagios with --targets starts with a status line for the whole fleet, with counts as perfdata"
is "$(echo "$out" | sed 1d | grep -c '^DANE UNKNOWN - [abc]\.test:')" 3 \
	"-o nagios then prints one line per target, as long output"
is "$(echo "$out" | sed 1d | grep -c '|')" 0 "the target lines carry no perfdata of their own"
is "$rc" 3 "-o nagios exits with the worst verdict"

# ---- prometheus ------------------------------------------------------------------

run "$TLSA" check --resolver "$deaf" --timeout 1 -j 4 -o prometheus --targets "$T/three.targets"
printf '%s\n' "$out" >"$T/fleet.prom"
python3 "$promcheck" <"$T/fleet.prom" >"$T/promcheck" 2>&1
ok $? "-o prometheus with --targets is a well-formed exposition ($(head -3 "$T/promcheck" | tr '\n' ' '))"
grep -q '^tlsa_check_status{target="b.test",port="25",class="dns"} 3$' "$T/fleet.prom"
ok $? "each target that could not be checked has tlsa_check_status 3, class dns"
grep -q '^# TYPE tlsa_check_status gauge$' "$T/fleet.prom" &&
	grep -q '^# HELP tlsa_check_status ' "$T/fleet.prom"
ok $? "the status gauge has HELP and TYPE lines"
grep -q '^tlsa_check_last_run_timestamp_seconds [0-9]*$' "$T/fleet.prom"
ok $? "the run's completion time is a gauge of its own"
if command -v promtool >/dev/null; then
	promtool check metrics <"$T/fleet.prom" >"$T/promtool" 2>&1
	ok $? "promtool check metrics accepts the fleet's output"
else
	skip "promtool is not installed (Debian package prometheus)"
fi

printf 'a.test 443\nb.test 25\na.test 443\na.test. 443\n--mx m.test\n--mx m.test.\n' >"$T/dup.targets"
run "$TLSA" check --resolver "$deaf" --timeout 1 -j 2 -o prometheus --targets "$T/dup.targets"
printf '%s\n' "$out" >"$T/dup.prom"
is "$(grep -c '^tlsa_check_status{target="a.test",port="443",class="dns"} 3$' "$T/dup.prom"):$(grep -c '^tlsa_mail_domain_status{domain="m.test",class="dns"} 3$' "$T/dup.prom")" \
	"1:1" "a target or mail domain listed twice has its samples written once"
is "$(printf '%s\n' "$err" | grep -c 'is listed more than once: its samples are written once')" 3 \
	"each repetition gets a warning"
python3 "$promcheck" <"$T/dup.prom" >"$T/promcheck" 2>&1
ok $? "the fleet with repeated targets is a well-formed exposition ($(head -3 "$T/promcheck" | tr '\n' ' '))"

run "$TLSA" check --resolver "$deaf" --timeout 1 -o prometheus -p 8443 'weird.test'
printf '%s\n' "$out" | python3 "$promcheck" >/dev/null
ok $? "-o prometheus for one target that could not run is well formed too"
is "$rc" 3 "and exits 3"

# A HOST no host name could be is refused before anything is asked.
run "$TLSA" check --resolver "$deaf" --timeout 1 -o prometheus 'a"b\c.test'
is "$rc" 3 "a HOST with a quote in it is a usage error (exit 3)"
[ -z "$out" ] && echo "$err" | grep -qF "tlsa check: 'a\"b\\c.test' has '\"' in it"
ok $? "which names the host and the character, and prints nothing on stdout"

# A targets file that can be read only once (a pipe: process substitution,
# /dev/stdin) is copied on the first pass, as stdin is.
run "$TLSA" check --resolver "$deaf" --timeout 1 --targets <(printf 'one.test\ntwo.test 25\n')
is "$rc" 3 "--targets from a process substitution runs (exit 3: all UNKNOWN)"
echo "$out" | tail -1 | grep -qx "2 targets: 0 OK, 0 WARNING, 0 CRITICAL, 2 UNKNOWN"
ok $? "and checks both of its targets, which it read twice ($(echo "$out" | tail -1))"

# With /tmp read-only (a monitoring host's broken /tmp), in a mount namespace
# of our own: nagios keeps its lines in memory, and prometheus, whose
# samples wait in temporary files, keeps them in memory when it cannot make
# any; both still report.  The program (and the libtlsa.so it loads, if
# any, which it finds beside itself) is copied out of /tmp first, since the
# build tree may be there.
bin=$(cd "$(dirname "$TLSA")" && pwd)
if [ "$(id -u)" = 0 ] && unshare -m true 2>/dev/null &&
	vt=$(mktemp -d /var/tmp/tlsa-ro.XXXXXX); then
	cp "$bin/tlsa" "$vt/"
	lib=$(ldd "$bin/tlsa" 2>/dev/null | awk '$1 ~ /^libtlsa\.so/ { print $3 }')
	[ -z "$lib" ] || cp "$lib" "$vt/"
	trap 'kill $sink 2>/dev/null; rm -rf "$T" "$vt"' EXIT
	printf 'one.test 443\ntwo.test 25\n' >"$T/ro.targets"
	ro_check() {
		unshare -m sh -c 'mount -t tmpfs -o ro tmpfs /tmp && exec "$@"' sh \
			"$vt/tlsa" check --resolver "$deaf" --timeout 1 --targets /dev/fd/3 "$@" \
			3<"$T/ro.targets"
	}
	run ro_check -o nagios
	is "$rc" 3 "-o nagios with /tmp read-only still runs the fleet (exit 3: all UNKNOWN)"
	echo "$out" | head -1 | grep -q "^DANE UNKNOWN - 2 targets: 0 OK, 0 WARNING, 0 CRITICAL, 2 UNKNOWN"
	ok $? "and prints its summary line, then the targets ($(echo "$out" | wc -l) lines)"
	run unshare -m sh -c 'mount -t tmpfs -o ro tmpfs /tmp && exec "$@"' sh \
		"$vt/tlsa" check --resolver "$deaf" --timeout 1 --targets - <"$T/ro.targets"
	is "$rc" 3 "--targets - with /tmp read-only keeps its copy of stdin in memory and runs"
	echo "$out" | tail -1 | grep -qx "2 targets: 0 OK, 0 WARNING, 0 CRITICAL, 2 UNKNOWN"
	ok $? "and checks both targets ($(echo "$out" | tail -1))"
	run ro_check -o prometheus
	is "$rc" 3 "-o prometheus with /tmp read-only still runs the fleet (exit 3: all UNKNOWN)"
	printf '%s\n' "$out" | python3 "$promcheck" >/dev/null &&
		[ "$(printf '%s\n' "$out" | grep -c '^tlsa_check_status{')" = 2 ]
	ok $? "and writes a well-formed exposition with both targets, kept in memory"
else
	skip "read-only /tmp: needs root and unshare -m"
	skip "read-only /tmp"
	skip "read-only /tmp"
	skip "read-only /tmp"
	skip "read-only /tmp"
	skip "read-only /tmp"
fi

done_testing
