#!/bin/bash
# shellcheck disable=SC2154 # rc, out and err are set by lib.sh's run
# tlsa check -o jsonl and --shard K/N from the outside, without a lab:
# --shard's usage errors; a fleet whose every check is UNKNOWN because
# its only resolver is a closed port (each check ends at once with "port
# unreachable") is enough to see that jsonl is one JSON object per target
# per line, in input order, the same object -o json gives, that the
# shards of a file are a partition of it, and that a line is written as
# soon as its target is done.  Verdicts and classes against real servers,
# and GNU parallel, are tests/live/check-stream.sh's.
#
#   TLSA=build/cmd/tlsa bash tests/cli/check-stream.sh

. "$(cd "$(dirname "$0")/.." && pwd)/lib.sh"
# In a network namespace of our own when we can: only loopback exists there.
own_namespace -n TLSA_IN_NETNS "$@"
[ -z "${TLSA_IN_NETNS:-}" ] || ip link set lo up
need_our_tlsa
need_tools python3

# A UDP port nobody holds: every query gets "port unreachable" at once.
closed=127.0.0.1@$(python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
')

# ---- --shard: usage errors ------------------------------------------------------

printf 'a.test\n' >"$T/one.targets"
bad_shard() { # VALUE EXPECTED-STDERR-LINE
	run "$TLSA" check --resolver "$closed" --shard "$1" --targets "$T/one.targets"
	is "$rc:$(printf '%s\n' "$err" | head -1)" "3:tlsa check: $2" \
		"--shard $1 is a usage error (exit 3) that says what is wrong in one line"
	is "$out" "" "--shard $1: nothing on stdout in text"
}
bad_shard 0/3 "bad --shard '0/3' (want K/N: shard K of N, such as 1/4)"
bad_shard 4/3 "bad --shard '4/3' (K is greater than N: want 1 <= K <= N)"
bad_shard 3 "bad --shard '3' (want K/N: shard K of N, such as 1/4)"
bad_shard 1/0 "bad --shard '1/0' (want K/N: shard K of N, such as 1/4)"
bad_shard a/b "bad --shard 'a/b' (want K/N: shard K of N, such as 1/4)"
bad_shard /2 "bad --shard '/2' (want K/N: shard K of N, such as 1/4)"
bad_shard 1/ "bad --shard '1/' (want K/N: shard K of N, such as 1/4)"
bad_shard -1/2 "bad --shard '-1/2' (want K/N: shard K of N, such as 1/4)"
bad_shard 1/2/3 "bad --shard '1/2/3' (want K/N: shard K of N, such as 1/4)"
bad_shard 99999999999999999999/3 \
	"bad --shard '99999999999999999999/3' (want K/N: shard K of N, such as 1/4)"

run "$TLSA" check --resolver "$closed" --shard 1/2 a.test
is "$rc:$(printf '%s\n' "$err" | head -1)" \
	"3:tlsa check: --shard splits a targets file: give --targets FILE" \
	"--shard without --targets is a usage error"

run "$TLSA" check --shard 0/2 -o jsonl --targets "$T/one.targets"
is "$rc:$out" \
	"3:{\"target\": null, \"status\": \"UNKNOWN\", \"error\": \"bad --shard '0/2' (want K/N: shard K of N, such as 1/4)\"}" \
	"-o jsonl says a usage error as one line without a target"

# ---- -o jsonl: one object per target per line, in order -------------------------

# Comments and blank lines among the targets; --mx lines; 20 targets.
{
	echo "# a fleet"
	for i in $(seq 1 20); do
		case $((i % 5)) in
		0) echo "--mx d$i.test" ;;
		1) echo "h$i.test 25" ;;
		2) echo "" ;&
		*) echo "h$i.test" ;;
		esac
		[ $((i % 7)) = 0 ] && echo "  # a comment"
	done
} >"$T/fleet.targets"
ntargets=$(grep -cvE '^\s*(#|$)' "$T/fleet.targets")

run "$TLSA" check --resolver "$closed" --timeout 2 -j 8 -o jsonl --targets "$T/fleet.targets"
cp "$T/out" "$T/whole.jsonl"
is "$rc" 3 "-o jsonl for a fleet whose checks cannot run exits 3"
python3 - "$T/whole.jsonl" "$T/fleet.targets" >"$T/py.out" 2>&1 <<'EOF'
import json, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
assert lines[-1] == "", "the output ends with a newline"
objs = [json.loads(l) for l in lines[:-1]]
want = []
for n, l in enumerate(open(sys.argv[2]), 1):
    f = l.split("#")[0].split()
    if f:
        want.append((f[1] if f[0] == "--mx" else f[0], n))
got = [(o["target"], o["line"]) for o in objs]
assert got == want, "got %r\nwant %r" % (got, want)
assert all(o["status"] == "UNKNOWN" for o in objs)
assert all(o.get("kind") == "mx" for o in objs if o["target"].startswith("d"))
print(len(objs))
EOF
r=$?
ok $r "every line of -o jsonl is a JSON object, one per target, in file order, with its line number"
[ $r = 0 ] || comment "$(cat "$T/py.out")"
is "$(wc -l <"$T/whole.jsonl" | tr -d ' ')" "$ntargets" "-o jsonl prints exactly one line per target"

# The same objects as -o json's "targets", but for the time each took.
run "$TLSA" check --resolver "$closed" --timeout 2 -j 8 -o json --targets "$T/fleet.targets"
python3 - "$T/whole.jsonl" "$T/out" >"$T/py.out" 2>&1 <<'EOF'
import json, sys
def bare(o):
    if isinstance(o, dict):
        return {k: bare(v) for k, v in o.items() if k != "seconds"}
    if isinstance(o, list):
        return [bare(v) for v in o]
    return o
jl = [bare(json.loads(l)) for l in open(sys.argv[1])]
js = [bare(t) for t in json.load(open(sys.argv[2]))["targets"]]
assert jl == js, "jsonl:\n%r\njson:\n%r" % (jl[:2], js[:2])
EOF
r=$?
ok $r "each jsonl line is the object -o json gives for that target"
[ $r = 0 ] || comment "$(cat "$T/py.out")"

# One target alone: one line, the object of -o json's "targets".
run "$TLSA" check --resolver "$closed" -o jsonl -p 25 alone.test
printf '%s\n' "$out" | python3 -c '
import json, sys
lines = sys.stdin.read().splitlines()
assert len(lines) == 1
o = json.loads(lines[0])
assert o["target"] == "alone.test" and o["port"] == 25 and o["status"] == "UNKNOWN"
assert "line" not in o
'
check $? "-o jsonl for one target is one line: the target's object"
run "$TLSA" check --resolver "$closed" -o jsonl --mx alone.test
printf '%s\n' "$out" | python3 -c '
import json, sys
lines = sys.stdin.read().splitlines()
assert len(lines) == 1
o = json.loads(lines[0])
assert o["target"] == "alone.test" and o["kind"] == "mx" and o["status"] == "UNKNOWN"
'
check $? "-o jsonl for one mail domain (--mx) is one line: the domain's object with its hosts"

# ---- failure classes: what a closed resolver and a missing file give ---------------

printf '# one target\n\nonly.test\n' >"$T/short.targets"
python3 -c '
import json, sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    assert o["class"] == "dns", (o["target"], o["class"])
    if o.get("kind") == "mx":
        assert o["mx"]["lookup"]["class"] == "dns"
    else:
        h = o["hosts"][0]
        assert o["tlsa"]["lookup"]["class"] == "dns" and h["a"]["class"] == "dns"
        assert o["tlsa"]["host_lookup"]["class"] == "dns" and h["aaaa"]["class"] == "dns"
' "$T/whole.jsonl"
ok $? "a target whose lookups got no answer is class dns, and so is each lookup"

run "$TLSA" check --resolver "$closed" --tlsa-file "$T/missing.tlsa" -o jsonl \
	--targets "$T/short.targets"
printf '%s\n' "$out" | python3 -c '
import json, sys
o = json.loads(sys.stdin.read())
assert o["target"] == "only.test" and o["status"] == "UNKNOWN" and o["class"] == "internal", o
assert "missing.tlsa" in o["error"]
'
check $? "a target that could not be checked at all (its --tlsa-file is missing) is class internal"

run "$TLSA" check --resolver "$closed" -o json -p 25 alone.test
printf '%s\n' "$out" | python3 -c '
import json, sys
t = json.load(sys.stdin)["targets"][0]
assert t["status"] == "UNKNOWN" and t["class"] == "dns", (t["status"], t["class"])
'
check $? "-o json carries the class as jsonl does"

run "$TLSA" check --resolver "$closed" -o prometheus -p 25 alone.test
printf '%s\n' "$out" | grep -qx 'tlsa_check_status{target="alone.test",port="25",class="dns"} 3'
check $? "-o prometheus puts the class on the status sample as a label"

# ---- --shard K/N: the shards of a file are a partition of it ---------------------

# union.py WHOLE SHARD...: the shards' lines, together, are the whole
# run's (but for the time each took), and no target comes twice.
cat >"$T/union.py" <<'EOF'
import json, sys
def bare(l):
    o = json.loads(l)
    o.pop("seconds", None)
    return json.dumps(o, sort_keys=True)
whole = sorted(bare(l) for l in open(sys.argv[1]))
parts = sorted(bare(l) for f in sys.argv[2:] for l in open(f))
lines = [json.loads(p)["line"] for p in parts]
assert len(lines) == len(set(lines)), "a target in two shards"
assert parts == whole, "%d lines in the shards, %d in the whole" % (len(parts), len(whole))
EOF
for n in 1 3 7; do
	files=
	for k in $(seq 1 $n); do
		"$TLSA" check --resolver "$closed" --timeout 2 -j 4 -o jsonl --shard "$k/$n" \
			--targets "$T/fleet.targets" >"$T/shard$k.jsonl" 2>/dev/null
		files="$files $T/shard$k.jsonl"
	done
	# shellcheck disable=SC2086
	python3 "$T/union.py" "$T/whole.jsonl" $files >"$T/py.out" 2>&1
	r=$?
	ok $r "the $n shards of --shard K/$n together are the whole run's jsonl, no target twice"
	[ $r = 0 ] || comment "$(cat "$T/py.out")"
done

# Line numbers count every line of the file, comments and blank ones too.
python3 -c '
import json, sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    assert o["line"] % 7 == 2, o["line"]
' "$T/shard3.jsonl"
ok $? "--shard 3/7 takes the lines whose number modulo 7 is 2"

run "$TLSA" check --resolver "$closed" -o jsonl --shard 2/3 --targets "$T/short.targets"
is "$rc:$out" "0:" "a shard with no line of the file exits 0 and prints no jsonl line"
run "$TLSA" check --resolver "$closed" -o json --shard 2/3 --targets "$T/short.targets"
printf '%s\n' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["targets"] == [] and d["status"] == "OK" and d["exit"] == 0
'
check $? "in json such a shard is a document with no targets, status OK"
printf 'ok.test\nbad_host!\n' >"$T/bad.targets"
run "$TLSA" check --resolver "$closed" -o text --shard 2/2 --targets "$T/bad.targets"
is "$rc:$(printf '%s\n' "$err" | head -1)" \
	"3:tlsa check: $T/bad.targets: line 2: 'bad_host!' has '!' in it, which a host name cannot have" \
	"a bad line is refused by every shard, not only the one it falls in"
run "$TLSA" check --resolver "$closed" -o text --shard 1/2 --targets "$T/bad.targets"
is "$rc" 3 "the other shard refuses the file too"

# ---- a line is written as soon as its target is done --------------------------------

# A resolver that never answers: each check takes its timeouts.  The first
# target's line must be in the file while the second is still being checked.
python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True)
time.sleep(120)
' >"$T/port" &
sink=$!
trap 'kill $sink 2>/dev/null; rm -rf "$T"' EXIT
for _ in 1 2 3 4 5 6 7 8 9 10; do [ -s "$T/port" ] && break; sleep 0.2; done
printf 'first.test\nsecond.test\n' >"$T/two.targets"
"$TLSA" check --resolver "127.0.0.1@$(cat "$T/port")" --timeout 1 -j 1 -o jsonl \
	--targets "$T/two.targets" >"$T/two.jsonl" 2>/dev/null &
pid=$!
while kill -0 "$pid" 2>/dev/null && [ ! -s "$T/two.jsonl" ]; do sleep 0.1; done
lines_while_running=$(wc -l <"$T/two.jsonl" | tr -d ' ')
kill -0 "$pid" 2>/dev/null
running=$?
wait "$pid"
is "$running:$lines_while_running" "0:1" \
	"the first target's line is written (flushed) while the second is still being checked"
is "$(wc -l <"$T/two.jsonl" | tr -d ' ')" 2 "and the second follows when it is done"

done_testing
