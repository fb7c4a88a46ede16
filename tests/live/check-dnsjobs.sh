#!/bin/bash
# tlsa check --dns-jobs N: never more than N DNS lookups under way at once,
# whatever --jobs is.  tests/live/lossy.py between tlsa and the lab's
# Unbound delays every answer by 100 ms and counts the most UDP queries it
# has passed on and not yet answered (max_in_flight).  With --dns-jobs 1
# and 32 checks at a time that stays at one query (two, should a query be
# sent again); with --dns-jobs 8 it goes past two, so the limit, not the
# check's pace, is what holds it.  Every verdict stays the lab's.
#
#   TLSA_LIVE=1 TLSA=build/cmd/tlsa top_srcdir=. bash tests/live/check-dnsjobs.sh
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/live/lab.sh"
lab_test_begin "$@"
mixed=$LAB_FLEET_MIXED_FILE

# The first 40 targets of the lab's mixed fleet and their verdicts.
grep -v '^#' "$mixed" | head -40 >"$T/targets"
awk '{ print ($1 == "--mx") ? $2 : $1 }' "$T/targets" >"$T/names"
head -40 "$LAB_FLEET_MIXED_VERDICTS" | paste -d ' ' "$T/names" - >"$T/want"

stat_of() { # FIELD FILE
	tr ' ' '\n' <"$2" | awk -F= -v f="$1" '$1 == f { print $2 }'
}
verdicts() {
	python3 -c '
import json, sys
for t in json.load(sys.stdin)["targets"]:
    print(t["target"], t["status"])
'
}

# A warm cache, as a monitoring host's resolver has (see check-lossy.sh).
"$TLSA" check --timeout 5 -j 8 --service-domain "$LAB_XMPP_DOMAIN" --targets "$T/targets" \
	>/dev/null 2>&1

for n in 1 8; do
	port=$((5400 + n))
	lab_lossy "$port" --delay-ms 100
	ok $? "lossy.py listens on 127.0.0.1:$port, every answer 100 ms late"
	run "$TLSA" check --resolver "127.0.0.1@$port" --timeout 10 -j 32 --dns-jobs "$n" \
		--service-domain "$LAB_XMPP_DOMAIN" -o json --targets "$T/targets"
	lab_lossy_stop
	printf '%s' "$out" | verdicts >"$T/got.$n" 2>/dev/null
	diff "$T/want" "$T/got.$n" >"$T/diff.$n"
	ok $? "--dns-jobs $n -j 32: every verdict is the lab's"
	sed 's/^/#   /' "$T/diff.$n" | head -6
	sed 's/^/# lossy.py: /' "$T/stats.$port"
	eval "most_$n=\$(stat_of max_in_flight \"\$T/stats.\$port\")"
done
# shellcheck disable=SC2154 # set by the eval above
{
	[ -n "$most_1" ] && [ "$most_1" -ge 1 ] && [ "$most_1" -le 2 ]
	ok $? "--dns-jobs 1: at most one query under way at the resolver at once (saw $most_1)"
	[ -n "$most_8" ] && [ "$most_8" -gt 2 ]
	ok $? "--dns-jobs 8: more than that (saw $most_8), so the limit is what held it"
}

run "$TLSA" check --dns-jobs 4097 --targets "$T/targets"
is "$rc" 3 "--dns-jobs past 4096 is a usage error (exit 3)"
has "bad --dns-jobs '4097' (want 1-4096)" "and says which value and the range"

done_testing
