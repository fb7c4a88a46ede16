#!/bin/bash
# Live tests of `tlsa zone push` against real primaries that sign their
# zones themselves: Knot DNS (automatic DNSSEC signing, an ACL allowing
# TSIG-signed updates) and BIND (update-policy, inline signing), each with
# its own configuration and directories in $T, inside a network namespace
# of this test's own (loopback only; the system's named and knot services
# are never used).  For each: push adds, replaces and removes RRsets and
# the signed answers show it; a wrong or missing key is refused with the
# RCODE named and nothing changes; a second identical push sends nothing
# (the serial stays); two concurrent pushes end in one whole set; a
# server that does not answer ends within the timeout with exit 1; the
# server's journal beside the zone file makes `zone update` refuse.
# Skips unless TLSA_LIVE=1, root, knotd and named.
#
#   TLSA_LIVE=1 make check TESTS=tests/live/zone-push.sh

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
if [ "${TLSA_PUSH_INSIDE:-}" != 1 ]; then
	[ "${TLSA_LIVE:-}" = 1 ] || { echo "1..0 # SKIP live tests run only with TLSA_LIVE=1"; exit 0; }
	[ "$(id -u)" -eq 0 ] || { echo "1..0 # SKIP live tests need root (network namespaces)"; exit 0; }
	if [ -f "$top_srcdir/scripts/deps.sh" ]; then
		# shellcheck disable=SC1091,SC2086
		(. "$top_srcdir/scripts/deps.sh" && need_packages $PUSH_PACKAGES ldnsutils) >&2 ||
			{ echo "1..0 # SKIP cannot install knot bind9"; exit 0; }
	fi
	for p in knotd named tsig-keygen drill unshare ip python3; do
		PATH=$PATH:/usr/sbin:/sbin command -v "$p" >/dev/null 2>&1 ||
			{ echo "1..0 # SKIP missing $p"; exit 0; }
	done
	flags="-n -m -p -f --kill-child=SIGTERM --mount-proc"
	# shellcheck disable=SC2086
	unshare $flags true >/dev/null 2>&1 || flags="-n"
	# shellcheck disable=SC2086
	unshare $flags true >/dev/null 2>&1 || { echo "1..0 # SKIP unshare -n does not work"; exit 0; }
	export TLSA_PUSH_INSIDE=1 top_srcdir TLSA
	# shellcheck disable=SC2086
	exec unshare $flags -- bash "$0" "$@"
fi
export PATH="$PATH:/usr/sbin:/sbin"
. "$top_srcdir/tests/lib.sh"
need_our_tlsa
ip link set lo up || { echo "Bail out! cannot bring up lo"; exit 1; }
# named listens only on addresses an interface has.
for a in 11 12 13; do ip addr add "127.0.0.$a/32" dev lo 2>/dev/null; done

KNOT_ADDR=127.0.0.11
BIND_ADDR=127.0.0.12
pids=
stop_all() {
	local p
	for p in $pids; do kill "$p" 2>/dev/null; done
	for p in $pids; do wait "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap stop_all EXIT

hex() { printf '%064x' "$1"; }

# ---- keys ---------------------------------------------------------------------------

tsig-keygen -a hmac-sha256 tlsa-key >"$T/bind.key"
secret=$(sed -n 's/.*secret "\(.*\)";.*/\1/p' "$T/bind.key")
printf 'hmac-sha256:tlsa-key:%s\n' "$secret" >"$T/knot.key"
tsig-keygen -a hmac-sha256 tlsa-key >"$T/wrong.key"
chmod 600 "$T/bind.key" "$T/knot.key" "$T/wrong.key"
[ -n "$secret" ] || { echo "Bail out! tsig-keygen wrote no secret"; exit 1; }

zone_text() { # ZONE ADDR [ADDR2: a second nameserver]
	cat <<ZONE
\$ORIGIN $1.
\$TTL 300
@	IN SOA ns.$1. hostmaster.$1. 1 3600 600 86400 60
	IN NS ns
ns	IN A $2
www	IN A 192.0.2.1
ZONE
	[ -z "${3:-}" ] || printf '@\tIN NS ns2\nns2\tIN A %s\n' "$3"
}

# ---- Knot ---------------------------------------------------------------------------

K=$T/knot
mkdir -p "$K"
# A second nameserver for knot.test at BIND's address, which does not
# serve it: what --all-ns must catch.
zone_text knot.test "$KNOT_ADDR" "$BIND_ADDR" >"$K/knot.test.zone"
cat >"$K/knot.conf" <<CONF
server:
    rundir: "$K"
    listen: $KNOT_ADDR@53
log:
  - target: "$K/knot.log"
    any: info
database:
    storage: "$K"
key:
  - id: tlsa-key
    algorithm: hmac-sha256
    secret: $secret
acl:
  - id: tlsa-update
    key: tlsa-key
    action: update
template:
  - id: default
    storage: "$K"
    file: "%s.zone"
zone:
  - domain: knot.test.
    dnssec-signing: on
    acl: tlsa-update
CONF
knotd -c "$K/knot.conf" >"$K/stdout.log" 2>&1 &
pids="$pids $!"

# ---- BIND ---------------------------------------------------------------------------

B=$T/bind
mkdir -p "$B/keys"
zone_text bind.test "$BIND_ADDR" >"$B/bind.test.zone"
cat >"$B/named.conf" <<CONF
options {
	directory "$B";
	pid-file "$B/named.pid";
	session-keyfile "$B/session.key";
	managed-keys-directory "$B";
	listen-on port 53 { $BIND_ADDR; };
	listen-on-v6 { none; };
	recursion no;
	dnssec-validation no;
	notify no;
};
controls { };
$(cat "$T/bind.key")
zone "bind.test" {
	type primary;
	file "$B/bind.test.zone";
	key-directory "$B/keys";
	update-policy { grant tlsa-key zonesub TLSA; };
	dnssec-policy default;
	inline-signing yes;
};
CONF
named -g -4 -c "$B/named.conf" >"$B/named.log" 2>&1 &
pids="$pids $!"

# serves ADDR ZONE: the zone is up and signed (an RRSIG over its SOA).
serves() {
	drill -D -t -p 53 @"$1" "$2" SOA 2>/dev/null | grep -q "RRSIG"
}
for _ in $(seq 1 100); do
	serves "$KNOT_ADDR" knot.test && serves "$BIND_ADDR" bind.test && break
	sleep 0.2
done
serves "$KNOT_ADDR" knot.test || { tail -20 "$K/knot.log" "$K/stdout.log" >&2; echo "Bail out! knotd did not serve a signed knot.test"; exit 1; }
serves "$BIND_ADDR" bind.test || { tail -20 "$B/named.log" >&2; echo "Bail out! named did not serve a signed bind.test"; exit 1; }

# ---- the cases, for each server ---------------------------------------------------------

# tlsa_at ADDR OWNER: the TLSA rdata served, one a line, sorted (drill).
tlsa_at() {
	drill -t -p 53 @"$1" "$2" TLSA 2>/dev/null |
		awk '$4 == "TLSA" && $1 !~ /^;/ { print $5, $6, $7, $8 }' | sort
}
rrsig_at() {
	drill -D -t -p 53 @"$1" "$2" TLSA 2>/dev/null | awk '$4 == "RRSIG" && $5 == "TLSA"' | wc -l
}
serial_at() {
	drill -t -p 53 @"$1" "$2" SOA 2>/dev/null | awk '$4 == "SOA" && $1 !~ /^;/ { print $7; exit }'
}
# rec OWNER N...: records with data 1..N in a file, printed to stdout.
rec() {
	local owner=$1 n
	shift
	for n in "$@"; do printf '%s 300 IN TLSA 3 1 1 %s\n' "$owner" "$(hex "$n")"; done
}
want() { # N...: the sorted rdata lines for those data
	local n
	for n in "$@"; do printf '3 1 1 %s\n' "$(hex "$n")"; done | sort
}

cases() { # NAME ADDR ZONE KEYFILE ZONEFILE
	local name=$1 addr=$2 zone=$3 key=$4 zonefile=$5
	local owner=_443._tcp.www.$zone. owner2=_25._tcp.mail.$zone.
	local push=("$TLSA" zone push --server "$addr" --tsig-key "$key" --wait 20 --timeout 5)
	local s1 s2

	rec "$owner" 1 2 >"$T/a.rr"
	rec "$owner2" 7 >>"$T/a.rr"
	run "${push[@]}" -r "$T/a.rr"
	check $rc "$name: push adds two RRsets (exit 0)"
	has "changed: TLSA sets: 0 replaced, 2 added" "$name: the report says both were added"
	has "$owner TLSA: served as pushed: 2 records, signed (RRSIG valid)" \
		"$name: the primary serves the new set, validly signed"
	is "$(tlsa_at "$addr" "$owner")" "$(want 1 2)" "$name: drill sees the set as pushed"
	check $(($(rrsig_at "$addr" "$owner") < 1)) "$name: and an RRSIG over it"

	if [ "$name" = knot ]; then
		run "${push[@]}" --all-ns --wait 2 -r "$T/a.rr"
		check $((rc != 1)) "$name: --all-ns fails when a nameserver does not serve the set"
		has "$BIND_ADDR@53: $owner TLSA: NOT as pushed" "$name: and names that server"
	else
		run "${push[@]}" --all-ns -r "$T/a.rr"
		check $rc "$name: --all-ns succeeds when every nameserver serves the set"
	fi

	s1=$(serial_at "$addr" "$zone")
	run "${push[@]}" -r "$T/a.rr"
	check $rc "$name: a second identical push exits 0"
	has "unchanged (no UPDATE sent" "$name: and says unchanged, no UPDATE sent"
	s2=$(serial_at "$addr" "$zone")
	is "$s2" "$s1" "$name: the serial did not move: nothing was sent"

	rec "$owner" 3 >"$T/b.rr"
	run "${push[@]}" -v -r "$T/b.rr"
	check $rc "$name: push replaces a set"
	has "1 replaced, 0 added, 0 removed" "$name: the report says replaced"
	has "$owner TLSA: replaced (2 records before)" "$name: -v says so per owner"
	is "$(tlsa_at "$addr" "$owner")" "$(want 3)" "$name: only the new record is served"
	is "$(tlsa_at "$addr" "$owner2")" "$(want 7)" "$name: the other owner's set is untouched"

	rec "$owner" 4 >"$T/c.rr"
	run "$TLSA" zone push --server "$addr" --tsig-key "$T/wrong.key" --wait 5 -r "$T/c.rr"
	check $((rc != 1)) "$name: a wrong key is exit 1"
	like "$err" 'NOTAUTH \(BADSIG\)|NOTAUTH \(BADKEY\)' "$name: the RCODE and TSIG error are named"
	is "$(tlsa_at "$addr" "$owner")" "$(want 3)" "$name: and nothing changed"
	run "$TLSA" zone push --server "$addr" --wait 5 -r "$T/c.rr"
	check $((rc != 1)) "$name: no key is exit 1"
	like "$err" 'REFUSED|NOTAUTH' "$name: the server's REFUSED (BIND) or NOTAUTH (Knot) is named"
	is "$(tlsa_at "$addr" "$owner")" "$(want 3)" "$name: and nothing changed either"

	# Two pushes at once, of different sets: one whole set wins.
	rec "$owner" 10 11 12 >"$T/p.rr"
	rec "$owner" 20 21 >"$T/q.rr"
	# --wait 0: the earlier one's set is rightly no longer served afterwards.
	"${push[@]}" --wait 0 -q -r "$T/p.rr" >"$T/p.out" 2>&1 &
	local pp=$!
	"${push[@]}" --wait 0 -q -r "$T/q.rr" >"$T/q.out" 2>&1
	local qrc=$?
	wait "$pp"
	local prc=$?
	ok $((prc + qrc)) "$name: two concurrent pushes both succeed"
	[ $((prc + qrc)) -eq 0 ] || comment "$(cat "$T/p.out" "$T/q.out")"
	local got
	got=$(tlsa_at "$addr" "$owner")
	if [ "$got" = "$(want 10 11 12)" ] || [ "$got" = "$(want 20 21)" ]; then
		ok 0 "$name: and the set served is one of them, whole"
	else
		ok 1 "$name: and the set served is one of them, whole"
		comment "$got"
	fi
	# The later one: pushing p again must now change nothing or make p whole.
	run "${push[@]}" -r "$T/p.rr"
	is "$(tlsa_at "$addr" "$owner")" "$(want 10 11 12)" "$name: a push after them wins"

	run "${push[@]}" --remove "$owner" --remove "$owner2"
	check $rc "$name: push removes RRsets"
	has "0 added, 2 removed" "$name: the report says removed"
	has "$owner TLSA: served as pushed: 0 records, denial signed" \
		"$name: the removal is served with a signed denial"
	is "$(tlsa_at "$addr" "$owner")" "" "$name: drill sees no TLSA records"

	# The server keeps the zone itself: editing its file is refused.
	run "$TLSA" zone update -r "$T/a.rr" "$zonefile"
	check $((rc != 1)) "$name: zone update refuses the zone file of a dynamic zone"
	has "a server journal is beside it" "$name: because of the journal beside it"
	has "tlsa zone push" "$name: pointing at zone push"
}

cases knot "$KNOT_ADDR" knot.test "$T/knot.key" "$K/knot.test.zone"
cases bind "$BIND_ADDR" bind.test "$T/bind.key" "$B/bind.test.zone"

# ---- the primary from the SOA MNAME -------------------------------------------------------

# Knot as the resolver too: it answers for its own zone, which is all the
# MNAME lookup needs here.
rec _443._tcp.mname.knot.test. 5 >"$T/m.rr"
run "$TLSA" zone push -v --resolver "$KNOT_ADDR" --tsig-key "$T/knot.key" --wait 20 -r "$T/m.rr"
check $rc "without --server, push finds the primary by the zone's SOA MNAME"
has "the primary is $KNOT_ADDR@53 (SOA MNAME)" "and says which it took"
is "$(tlsa_at "$KNOT_ADDR" _443._tcp.mname.knot.test.)" "$(want 5)" "and the set is published there"

# ---- a server that does not answer -------------------------------------------------------

python3 -c '
import socket
s = socket.socket(); s.bind(("127.0.0.13", 53)); s.listen(4)
conns = []
while True:
    c, _ = s.accept(); conns.append(c)
' 2>"$T/silent.log" &
pids="$pids $!"
for _ in $(seq 1 50); do
	ss -ltn 2>/dev/null | grep -q '127\.0\.0\.13:53 ' && break
	sleep 0.1
done
rec _443._tcp.www.knot.test. 1 >"$T/d.rr"
start=$(date +%s)
run "$TLSA" zone push --server 127.0.0.13 --tsig-key "$T/knot.key" --timeout 2 -r "$T/d.rr"
took=$(($(date +%s) - start))
check $((rc != 1)) "a primary that accepts and never answers is exit 1"
check $((took > 5)) "within the timeout (took ${took}s)"
has "no answer within 2000 ms" "because no answer came"
run "$TLSA" zone push --server 127.0.0.14 --tsig-key "$T/knot.key" --timeout 2 -r "$T/d.rr"
check $((rc != 1)) "a primary where nothing listens is exit 1"

done_testing
