#!/bin/bash
# tlsa check at scale (issue 13, items 1, 2 and 6), in the live lab with its
# bulk mail domains (TLSA_LAB_BULK: 2000 --mx domains on 5 MX hosts, and
# 64 names at one address) served by tests/live/smtpcount.py, an SMTP
# server that counts its sessions and the most it had open at once:
#   - --per-address N: the server never sees more than N sessions at once
#     on one address (64 names there, 64 jobs, each session held 0.2 s);
#   - shared MX hosts are checked once: 200 mail domains on 5 MX hosts make
#     5 TLS sessions, not 200; json marks the lent ones "shared"; the text
#     and exit status of each domain are those it gets alone;
#   - --jobs 2048 against a resolver 200 ms away (tests/live/lossy.py):
#     every one of 2000 verdicts right, in input order.
#
#   TLSA_LIVE=1 TLSA=build/cmd/tlsa top_srcdir=. bash tests/live/check-scale.sh
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
export TLSA_LAB_BULK="2000 5"
. "$top_srcdir/tests/live/lab.sh"
lab_test_begin "$@"
LOSSY=$top_srcdir/tests/live/lossy.py
COUNT=$top_srcdir/tests/live/smtpcount.py

count_pid=
# counter [smtpcount options]: (re)start smtpcount.py on the bulk addresses,
# with fresh counts in $T/count.json.
counter() {
	[ -z "$count_pid" ] || { kill "$count_pid"; wait "$count_pid" 2>/dev/null; }
	rm -f "$T/count.ready" "$T/count.json"
	# shellcheck disable=SC2086
	python3 "$COUNT" --cert "$LAB_BULK_CERT" --key "$LAB_BULK_KEY" --stats "$T/count.json" \
		--ready "$T/count.ready" "$@" $LAB_BULK_ADDRS 2>>"$T/count.err" &
	count_pid=$!
	for _ in $(seq 100); do
		[ -e "$T/count.ready" ] && return 0
		sleep 0.1
	done
	return 1
}
# stat PATH: a number from count.json ("total.sessions", "addresses.127.0.2.1.max_concurrent").
stat() {
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
if sys.argv[2].startswith("total."):
    print(d["total"][sys.argv[2][6:]])
else:
    a, _, k = sys.argv[2][10:].rpartition(".")
    print(d["addresses"].get(a, {}).get(k, 0))
' "$T/count.json" "$1"
}

# ---- --per-address ---------------------------------------------------------------
counter --hold 0.2
ok $? "smtpcount.py listens on the bulk MX addresses"
run "$TLSA" check --timeout 5 --key-types first -j 64 --per-address 3 --targets "$LAB_BULK_SAME_FILE"
is "$rc" 0 "64 names at one address, -j 64 --per-address 3: every one OK"
is "$(stat addresses.127.0.2.1.sessions)" 64 "each name (its own TLSA owner) had its own session"
max=$(stat addresses.127.0.2.1.max_concurrent)
ok "$([ "$max" -le 3 ] && [ "$max" -ge 2 ]; echo $?)" \
	"the server never saw more than 3 sessions at once (most: $max)"

counter --hold 0.2
run "$TLSA" check --timeout 5 --key-types first -j 64 --targets "$LAB_BULK_SAME_FILE"
is "$rc" 0 "again with the default --per-address: every one OK"
max=$(stat addresses.127.0.2.1.max_concurrent)
ok "$([ "$max" -le 4 ] && [ "$max" -ge 2 ]; echo $?)" \
	"by default no more than 4 sessions at once to one address (most: $max)"

run "$TLSA" check -j 4 --per-address 0 --targets "$LAB_BULK_SAME_FILE"
is "$rc" 3 "--per-address 0 is a usage error (UNKNOWN)"
like "$err" "bad --per-address '0'" "...which names the option and the value"

# ---- shared MX hosts: one session per (address, port, protocol, TLSA owner, set) --
head -200 "$LAB_BULK_MX_FILE" >"$T/mx200"
counter
run "$TLSA" check --timeout 5 --key-types first -j 64 -o json --targets "$T/mx200"
is "$rc" 0 "200 mail domains on 5 MX hosts, -j 64: exit 0 (every domain OK)"
is "$(stat total.handshakes)" 5 "5 TLS sessions in all, one per MX host (not 200)"
is "$(stat total.sessions)" 5 "...and 5 connections"
printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
shared = own = 0
for t in d["targets"]:
    for h in t["hosts"]:
        for a in h["check"]["hosts"][0]["addresses"]:
            if a.get("shared"):
                shared += 1
            else:
                own += 1
print(len(d["targets"]), sum(t["status"] == "OK" for t in d["targets"]), own, shared)
' >"$T/shared" 2>&1
is "$(cat "$T/shared")" "200 200 5 195" \
	"json: 200 domains OK; 5 addresses checked in their own session, 195 marked shared"

# Text and exit status per target are as if each were checked alone, and
# with every certificate type tried (the default) the connections are
# those of 5 domains checked alone.
"$TLSA" check --timeout 5 --mx d17.bulk.dane.test >"$T/alone.out" 2>&1
alone_rc=$?
counter
"$TLSA" check --timeout 5 --mx d17.bulk.dane.test >/dev/null 2>&1
per_host=$(stat total.sessions)
counter
run "$TLSA" check --timeout 5 -j 16 --targets "$T/mx200"
is "$rc" 0 "the same 200 domains in text, every certificate type: exit 0"
is "$(stat total.sessions)" $((5 * per_host)) \
	"...$((5 * per_host)) connections: the $per_host of one domain checked alone, per MX host"
printf '%s\n' "$out" | awk '/^d17\.bulk\.dane\.test: MX lookup/ { on = 1 } on { print }
	on && /^d17\.bulk\.dane\.test: (OK|WARNING|CRITICAL|UNKNOWN): / { exit }' |
	sed -E 's/[0-9]+(\.[0-9]+)? ?(s|ms)\b/N s/g' >"$T/in-fleet"
sed -E 's/[0-9]+(\.[0-9]+)? ?(s|ms)\b/N s/g' "$T/alone.out" >"$T/alone"
is "$alone_rc" 0 "d17.bulk.dane.test checked alone: exit 0"
diff "$T/alone" "$T/in-fleet" >"$T/diff"
ok $? "its text in the fleet, where its MX host's session was shared, is the text it gets alone"
sed 's/^/#   /' "$T/diff" | head -8

# ---- thousands of jobs, a slow resolver ------------------------------------------
# Warm Unbound's cache without delay (a monitoring host's resolver is warm).
"$TLSA" check --timeout 5 -j 64 --targets "$LAB_BULK_MX_FILE" >/dev/null 2>&1
rm -f "$T/ready"
python3 "$LOSSY" --listen 127.0.0.1:5354 --upstream "$LAB_RESOLVER:53" --delay-ms 200 \
	--ready "$T/ready" --stats "$T/slow.stats" 2>>"$T/lossy.err" &
slow_pid=$!
for _ in $(seq 100); do [ -e "$T/ready" ] && break; sleep 0.1; done
counter
start=$(date +%s)
run "$TLSA" check --resolver 127.0.0.1@5354 --timeout 10 --key-types first -j 2048 --targets "$LAB_BULK_MX_FILE"
secs=$(($(date +%s) - start))
kill "$slow_pid"
wait "$slow_pid" 2>/dev/null
is "$rc" 0 "2000 mail domains, -j 2048, every DNS answer 200 ms late: exit 0 (${secs} s)"
echo "$out" | tail -1 | grep -q '^2000 targets: 2000 OK, 0 WARNING, 0 CRITICAL, 0 UNKNOWN$'
ok $? "...every one of the 2000 verdicts OK"
got=$(echo "$out" | grep -E '^d[0-9]+\.bulk\.dane\.test: (OK|WARNING|CRITICAL|UNKNOWN): ' |
	sed 's/:.*//' | tr '\n' ' ')
want=$(awk '{ printf "%s ", $2 }' "$LAB_BULK_MX_FILE")
ok "$([ "$got" = "$want" ]; echo $?)" "...printed in the order of the targets file"
ok "$([ "$secs" -lt 90 ]; echo $?)" \
	"...in ${secs} s: thousands at once, where 16 at a time would take minutes"
is "$(stat total.handshakes)" 5 "...with one TLS session per MX host"

kill "$count_pid"
wait "$count_pid" 2>/dev/null
done_testing
