#!/bin/bash
# tlsa check --all-ns, --no-all-ns, --sig-warn-days, --state and
# --resolver-cache on the command line: the usage errors (exit 3, one
# "tlsa check: " line naming the option) and the help.  What they find
# in DNS is tests/live/check-allns.sh's.  No server is contacted.
#
#   TLSA=build/cmd/tlsa bash tests/cli/check-allns.sh

. "$(cd "$(dirname "$0")/.." && pwd)/lib.sh"
need_our_tlsa

usage() { # DESCRIPTION WORDS ARGS...
	local what=$1 words=$2
	shift 2
	run "$TLSA" check "$@"
	is "$rc" 3 "$what is a usage error (exit 3)"
	echo "$err" | grep -q "^tlsa check: .*$words"
	ok $? "$what says so on one line ($err)"
}

usage "--state without --candidate" "--state times a --candidate" --state "$T/st" example.org
usage "--all-ns with --tlsa" "--all-ns compares the nameservers' records" --all-ns \
	--tlsa "3 1 1 $(printf '%064d' 0)" -a 127.0.0.1 example.org
usage "--state with --tlsa-file" "--state times the records published in DNS" \
	--state "$T/st" --candidate "$top_srcdir/tests/data/example/mail.pem" \
	--tlsa-file /dev/null example.org
usage "--sig-warn-days abc" "bad --sig-warn-days 'abc'" --sig-warn-days abc example.org
usage "--sig-warn-days 9999" "bad --sig-warn-days '9999'" --sig-warn-days 9999 example.org
usage "--resolver-cache -1" "bad --resolver-cache '-1'" --resolver-cache -1 example.org

run "$TLSA" check --help
for o in --all-ns --no-all-ns --sig-warn-days --state --resolver-cache; do
	echo "$out" | grep -q -- "$o"
	ok $? "check --help documents $o"
done
for o in all-ns no-all-ns sig-warn-days state resolver-cache; do
	grep -qE "^\.BI? \\\\-\\\\-$o( |\$)" "$top_srcdir/man/tlsa-check.1"
	ok $? "tlsa-check(1) documents --$o"
done

done_testing
