# Shared by the shell tests: TAP output and a scratch directory.
# Source it; then call ok/check/... and finish with done_testing.
# Each check names, in a sentence, the behaviour it protects.

: "${TLSA:=tlsa}"
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
tap_n=0
tap_failed=0
T=$(mktemp -d "${TMPDIR:-/tmp}/tlsa-test.XXXXXX")
trap 'rm -rf "$T"' EXIT

# ok CONDITION-STATUS DESCRIPTION: record the result of the last command.
# Usage: some_command; ok $? "what it shows"
ok() {
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2"
	else
		tap_failed=$((tap_failed + 1))
		echo "not ok $tap_n - $2"
	fi
}

# is GOT WANT DESCRIPTION: string equality, showing both on failure.
is() {
	if [ "$1" = "$2" ]; then
		ok 0 "$3"
	else
		ok 1 "$3"
		printf '#   got: %s\n#  want: %s\n' "$1" "$2"
	fi
}

# run CMD...: run a command capturing stdout to $T/out, stderr to $T/err
# and the exit status to $rc.
run() {
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	out=$(cat "$T/out")
	err=$(cat "$T/err")
}

skip() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n # SKIP $1"
}

done_testing() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
}
