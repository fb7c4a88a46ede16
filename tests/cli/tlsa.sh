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

# The light tlsa: create from files loads only libcrypto; check and zone
# run in tlsa-full, found beside it or in the package's libexec directory.
if command -v ldd >/dev/null; then
	libs=$(ldd "$TLSA" 2>/dev/null)
	case $libs in
	*libcrypto*) ! echo "$libs" | grep -Eq 'libssl|libldns'; ok $? "tlsa itself loads neither libssl nor ldns" ;;
	*) skip "ldd cannot read $TLSA (a wrapper script?)" ;;
	esac
else
	skip "ldd not installed"
fi
# Under valgrind $TLSA is a wrapper script: copy the program it runs.
cp "${TLSA_REAL:-$TLSA}" "$T/tlsa-alone"
"$T/tlsa-alone" check example.org >"$T/out" 2>"$T/err"
is "$?" 3 "without tlsa-full, check exits UNKNOWN"
grep -q "cannot run .*tlsa-full" "$T/err"; ok $? "without tlsa-full, the missing program is named"
"$T/tlsa-alone" create -o rdata -c "$ex/mail.pem" >"$T/out" 2>"$T/err"
is "$?" 0 "without tlsa-full, create from a file still works"

done_testing
