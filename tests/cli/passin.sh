#!/bin/sh
# shellcheck disable=SC2154 # rc, out and err are set by lib.sh's run
# --passin SOURCE, the passphrase of an encrypted key, as create and check
# read it: env:VAR, file:PATH and fd:N (their first line, without CR LF),
# and every mistake in SOURCE as one usage line, word for word, exit 2
# from create and 3 (UNKNOWN) from check.
#
#   TLSA=build/cmd/tlsa sh tests/cli/passin.sh
# shellcheck source=tests/lib.sh
. "$(cd "$(dirname "$0")/.." && pwd)/lib.sh"
need_our_tlsa
EX=$top_srcdir/tests/data/example
command -v openssl >/dev/null || { echo "1..0 # SKIP no openssl"; exit 0; }

openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$T/key.pem" 2>/dev/null &&
	openssl pkey -in "$T/key.pem" -aes256 -passout pass:s3cret -out "$T/enc.pem" 2>/dev/null
ok $? "an encrypted key to open"
run "$TLSA" create -k "$T/key.pem" -o rdata
want=$out

printf 's3cret\r\nsecond line\n' >"$T/pass.txt"
run "$TLSA" create -k "$T/enc.pem" --passin "file:$T/pass.txt" -o rdata
is "$rc:$out" "0:$want" "file:PATH gives the first line without its CR LF"
run "$TLSA" create -k "$T/enc.pem" --passin fd:4 -o rdata 4<"$T/pass.txt"
is "$rc:$out" "0:$want" "fd:N gives the first line of the descriptor"
PW=s3cret run "$TLSA" create -k "$T/enc.pem" --passin env:PW -o rdata
is "$rc:$out" "0:$want" "env:VAR gives the variable"
printf 's3cret' >"$T/bare.txt"
run "$TLSA" create -k "$T/enc.pem" --passin "file:$T/bare.txt" -o rdata
is "$rc:$out" "0:$want" "a file without a newline is one line"

# mistake SOURCE MESSAGE: create exits 2 and check 3, each with
# "tlsa COMMAND: --passin 'SOURCE': MESSAGE" and the --help pointer.
mistake() {
	run "$TLSA" create -k "$EX/mail.pem" --passin "$1" -o rdata
	is "$rc|$err" "2|tlsa create: --passin '$1': $2
Try 'tlsa create --help' for more information." "create --passin $1: $2"
	run "$TLSA" check --candidate "$EX/mail.pem" --passin "$1" mail.example.org
	is "$rc|$err" "3|tlsa check: --passin '$1': $2
Try 'tlsa check --help' for more information." "check --passin $1: $2"
}
unset TLSA_TEST_UNSET
mistake env: "names no variable (want env:VAR)"
mistake env:TLSA_TEST_UNSET "TLSA_TEST_UNSET is not set"
mistake "file:$T/none" "No such file or directory"
mistake "file:$T" "Is a directory"
mistake fd: "want fd:N, a file descriptor number"
mistake fd:x "want fd:N, a file descriptor number"
mistake fd:-1 "want fd:N, a file descriptor number"
mistake fd:70000 "want fd:N, a file descriptor number"
mistake fd:77 "cannot read file descriptor 77: Bad file descriptor"
mistake secret "want env:VAR, file:PATH or fd:N"
mistake pass:literal "want env:VAR, file:PATH or fd:N"

done_testing
