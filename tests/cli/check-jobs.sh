#!/bin/bash
# tlsa check --jobs in the thousands and --per-address, from the outside
# (issue 13, item 1): the limits of the options, the threads started with
# small stacks, and what happens when the open-files limit is too low for
# --jobs (stderr says so and fewer run at a time).  No network: the
# resolver is a closed port on loopback.
set -u
. "${top_srcdir:-$(dirname "$0")/../..}/tests/lib.sh"
TLSA=${TLSA:-${top_builddir:-.}/cmd/tlsa}

for i in $(seq 3000); do echo "h$i.test"; done >"$T/many.targets"
printf 'a.test\n' >"$T/one.targets"

run "$TLSA" check --jobs 16385 --targets "$T/one.targets"
is "$rc" 3 "--jobs 16385 is a usage error (UNKNOWN)"
like "$err" "^tlsa check: bad --jobs '16385' \(want 1-16384\)" "...which says the range"
run "$TLSA" check --per-address 0 --targets "$T/one.targets"
is "$rc" 3 "--per-address 0 is a usage error"
like "$err" "bad --per-address '0' \(want 1-1024\)" "...which says the range"
run "$TLSA" check --per-address x a.test
is "$rc" 3 "--per-address that is not a number is a usage error"
run "$TLSA" check --help
like "$out" "--per-address N" "--help documents --per-address"
like "$out" "up to 16384" "--help gives the --jobs limit"

# 3000 targets 3000 at a time, each failing at once (nothing on port 1):
# every one is reported, in order, as UNKNOWN (no resolver answered).
run "$TLSA" check --resolver 127.0.0.1@1 --timeout 2 -j 3000 -o json --targets "$T/many.targets"
is "$rc" 3 "3000 targets at --jobs 3000 without a resolver: UNKNOWN"
printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(len(d["targets"]), d["targets"][0]["target"], d["targets"][-1]["target"])
' >"$T/order" 2>&1
is "$(cat "$T/order")" "3000 h1.test h3000.test" "...all 3000 reported, in input order"
printf '%s\n' "$err" | grep -q "threads could be started"
ok $((1 - $?)) "...each on a thread of its own"

# Too few open files for --jobs: said, and fewer at a time.
run bash -c 'ulimit -n 400 && exec "$0" check --resolver 127.0.0.1@1 --timeout 2 -j 4096 \
	--targets "$1"' "$TLSA" "$T/many.targets"
is "$rc" 3 "with ulimit -n 400, -j 4096 still checks every target (UNKNOWN: no resolver)"
like "$err" "^tlsa check: warning: --jobs 4096 needs about [0-9]+ open files, but the limit is 400 \(ulimit -n\): running [0-9]+ at a time" \
	"...and stderr says the open-files limit allows fewer at a time"
run bash -c 'ulimit -Sn 400 && exec "$0" check --resolver 127.0.0.1@1 --timeout 2 -j 1000 \
	--targets "$1"' "$TLSA" "$T/many.targets"
printf '%s\n' "$err" | grep -q "open files"
ok $((1 - $?)) "a soft limit below what --jobs needs is raised to the hard limit, silently"

done_testing
