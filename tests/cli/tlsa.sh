#!/bin/sh
# The tlsa command as a whole: dispatch, help, version, exit codes, and the
# promise that a failed write to stdout is never reported as success.
. "${top_srcdir:-.}/tests/lib.sh"
ex="$top_srcdir/tests/data/example"

run "$TLSA" --version
is "$rc" 0 "tlsa --version exits 0"
echo "$out" | grep -Eq '^tlsa [0-9]+\.[0-9]+\.[0-9]+$'; ok $? "tlsa --version prints 'tlsa X.Y.Z'"

run "$TLSA" --help
is "$rc" 0 "tlsa --help exits 0"
for c in create check zone; do
	echo "$out" | grep -q "^  $c "; ok $? "tlsa --help lists the $c command"
done

run "$TLSA"
is "$rc" 2 "tlsa with no command is a usage error (exit 2)"
[ -z "$out" ]; ok $? "tlsa with no command prints nothing on stdout"

run "$TLSA" frobnicate
is "$rc" 2 "an unknown command is a usage error (exit 2)"
echo "$err" | grep -q "unknown command 'frobnicate'"; ok $? "an unknown command is named in the error"

run "$TLSA" help create
is "$rc" 0 "tlsa help create exits 0"
help_create=$out
run "$TLSA" create --help
is "$out" "$help_create" "tlsa help create prints what tlsa create --help prints"

# Help fits an 80-column terminal: no line reaches column 80.
for c in "" create check zone; do
	# shellcheck disable=SC2086
	long=$("$TLSA" $c --help 2>&1 | awk 'length > 79' | head -1)
	is "$long" "" "tlsa ${c:+$c }--help has no line longer than 79 columns"
done

run "$TLSA" help nosuch
is "$rc" 2 "tlsa help of an unknown command is a usage error"

if [ -w /dev/full ]; then
	"$TLSA" create -c "$ex/mail.pem" mail.example.org >/dev/full 2>"$T/err"
	rc=$?
	is "$rc" 1 "a record that cannot be written to stdout makes create fail"
	grep -q "write failure on standard output" "$T/err"; ok $? "the write failure is reported"
	"$TLSA" --help >/dev/full 2>/dev/null
	is "$?" 1 "--help to a full stdout fails too"
else
	skip "/dev/full is not available"
	skip "/dev/full is not available"
	skip "/dev/full is not available"
fi

run "$TLSA" create --bogus-option
is "$rc" 2 "an unknown option of create is a usage error (exit 2)"
echo "$err" | head -1 | grep -q '^tlsa create: '; ok $? "create's diagnostics start with 'tlsa create: '"

run "$TLSA" create host1 host2 -c "$ex/mail.pem"
is "$rc" 2 "a second positional argument is refused"
run "$TLSA" create -o rdata mail.example.org -c "$ex/mail.pem"
is "$rc" 0 "options may follow the positional argument"

# One program does every subcommand: a copy of it, alone in a directory
# of its own, still runs zone and check (it finds libtlsa.so through its
# run path, or has it built in with --disable-shared).  Under valgrind
# $TLSA is a wrapper script: copy the program it runs.
mkdir "$T/alone"
cp "${TLSA_REAL:-$TLSA}" "$T/alone/tlsa"
printf '_443._tcp.a.example.net. IN TLSA 3 1 1 %064d\n' 1 >"$T/a.rr"
(cd "$T/alone" && ./tlsa zone snippet --origin example.net -r "$T/a.rr") >"$T/out" 2>"$T/err"
is "$?" 0 "a copy of tlsa in a directory of its own runs zone"
grep -q '^_443._tcp.a IN TLSA 3 1 1 0*1$' "$T/out"; ok $? "and prints the snippet"
(cd "$T/alone" && ./tlsa check --tlsa-file /nonexistent example.org) >"$T/out" 2>"$T/err"
is "$?" 3 "a copy of tlsa runs check (exit 3: the --tlsa-file is missing)"
grep -q '^tlsa check: .*/nonexistent' "$T/err"; ok $? "and check itself names the missing file"
(cd "$T/alone" && ./tlsa create -o rdata -c "$ex/mail.pem") >"$T/out" 2>"$T/err"
is "$?" 0 "a copy of tlsa runs create from a file"
! grep -rq 'tlsa-full' "$T/err"; ok $? "and nothing mentions a second program"
if command -v ldd >/dev/null; then
	libs=$(ldd "${TLSA_REAL:-$TLSA}" 2>/dev/null)
	case $libs in
	*libtlsa.so*) echo "$libs" | grep -q 'libtlsa.so.* => /'; ok $? "tlsa loads libtlsa.so, found through its run path" ;;
	*libcrypto*) ok 0 "tlsa has libtlsa built in (a --disable-shared build)" ;;
	*) skip "ldd cannot read $TLSA (a wrapper script?)" ;;
	esac
else
	skip "ldd not installed"
fi

done_testing
