# Shared by the shell tests: TAP output and a scratch directory.
# Source it; then call ok/check/... and finish with done_testing.
# Each check names, in a sentence, the behaviour it protects.

if [ -z "${TLSA:-}" ] && [ -n "${top_builddir:-}" ]; then
	TLSA=$top_builddir/cmd/tlsa
fi
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

# need_our_tlsa: bail out unless $TLSA is this project's program.
need_our_tlsa() {
	if ! "$TLSA" --version 2>/dev/null | grep -Eq '^tlsa [0-9]+\.[0-9]+\.[0-9]+$'; then
		echo "Bail out! $TLSA is not our tlsa (set TLSA=path/to/cmd/tlsa)"
		exit 1
	fi
}

# own_namespace FLAG VAR ARGS...: run this script again, with ARGS, in a
# namespace of its own (`unshare FLAG`: -n network, -m mount) with VAR=1
# in its environment, when we may (root); otherwise go on here.  Call it
# right after sourcing this file, before anything is made in $T.
own_namespace() {
	local flag=$1 var=$2
	shift 2
	if [ -z "${!var:-}" ] && [ "$(id -u)" = 0 ] && unshare "$flag" true 2>/dev/null; then
		rm -rf "$T"
		export "$var=1" TLSA
		exec unshare "$flag" bash "$0" "$@"
	fi
}

# skip_all WHY: skip the whole script, as TAP says it.
skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}

# need_tools TOOL...: skip the whole script unless every TOOL is installed.
need_tools() {
	local tool
	for tool in "$@"; do
		command -v "$tool" >/dev/null || skip_all "$tool is needed"
	done
}

# comment TEXT: TEXT as TAP diagnostics (its first 30 lines).
comment() { printf '%s\n' "$1" | head -30 | sed 's/^/#   /'; }

# check STATUS SENTENCE: a case about the last run; on failure show it.
check() {
	ok "$1" "$2"
	[ "$1" -eq 0 ] && return
	comment "exit $rc"
	comment "stdout: $(head -c 3000 "$T/out")"
	comment "stderr: $err"
}

# same FILE WANT SENTENCE: FILE holds exactly the bytes of WANT.
same() {
	if cmp -s "$1" "$2"; then
		ok 0 "$3"
	else
		ok 1 "$3"
		comment "$(diff -u "$2" "$1" | head -40)"
	fi
}

# has TEXT SENTENCE: stderr of the last run holds TEXT.
has() {
	case $err in *"$1"*) ok 0 "$2" ;; *) ok 1 "$2"; comment "stderr: $err" ;; esac
}

# like TEXT REGEX SENTENCE: TEXT matches the extended REGEX.
like() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then
		ok 0 "$3"
	else
		ok 1 "$3"
		printf '#   got: %s\n#  want: /%s/\n' "$(printf '%s' "$1" | head -5)" "$2"
	fi
}

# checkers FILE ORIGIN WHAT [ORIGINAL]: the zone FILE loads in every
# checker installed (that loads ORIGINAL, when given: Knot 3.2 rejects CRLF
# files whatever we do).  Run from the file's directory, so that relative
# $INCLUDEs resolve the same way in all of them.
checkers() {
	local dir base
	dir=$(dirname "$1")
	base=$(basename "$1")
	one_checker named-checkzone bind9-utils "$dir" "$4" "$3" named-checkzone -q "$2"
	one_checker nsd-checkzone nsd "$dir" "$4" "$3" nsd-checkzone "$2"
	one_checker kzonecheck knot-dnssecutils "$dir" "$4" "$3" kzonecheck -o "$2"
}
one_checker() { # NAME PACKAGE DIR ORIGINAL WHAT CMD...
	local name=$1 pkg=$2 dir=$3 orig=$4 what=$5
	shift 5
	if ! command -v "$name" >/dev/null; then
		skip "$name not installed ($pkg)"
	elif [ -n "$orig" ] && ! (cd "$dir" && "$@" "$orig") >/dev/null 2>&1; then
		skip "$name does not load the original of $what either"
	else
		(cd "$dir" && "$@" "$base") >"$T/checker.out" 2>&1
		local r=$?
		ok $r "$name loads $what"
		[ $r -eq 0 ] || comment "$(cat "$T/checker.out")"
	fi
}

done_testing() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
}
