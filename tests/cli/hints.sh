#!/bin/bash
# shellcheck disable=SC2154 # rc, out and err are set by lib.sh's run
# What a newcomer types (issue 11, items 13 and 14): hash-slinger's
# command line runs as ours or gets a hint naming our equivalent; a HOST
# that is a URL, an owner name or an option says what to give instead;
# every diagnostic starts 'tlsa COMMAND: ' and names the value.
# No network: every check here fails before any lookup.
#
#   TLSA=build/cmd/tlsa bash tests/cli/hints.sh

# shellcheck source=tests/lib.sh
. "$(cd "$(dirname "$0")/.." && pwd)/lib.sh"
need_our_tlsa
EX=$top_srcdir/tests/data/example

# hint STATUS DESCRIPTION REGEX ARGS...: tlsa ARGS exits STATUS, prints
# nothing on stdout, and its first stderr line matches REGEX.
hint() {
	local status=$1 what=$2 re=$3
	shift 3
	run "$TLSA" "$@"
	is "$rc" "$status" "$what: exits $status"
	like "$(head -1 "$T/err")" "$re" "$what: says what to give instead"
	is "$out" "" "$what: prints nothing on stdout"
}

W311=$("$TLSA" create -q -c "$EX/mail.pem" -o rdata)

# ---- item 13: hash-slinger's spellings ------------------------------------------

run "$TLSA" --usage 3 --selector 1 --mtype 1 --certificate "$EX/mail.pem" mail.example.org
is "$rc" 0 "hash-slinger's seed workflow (--usage --selector --mtype --certificate) works"
is "$out" "_443._tcp.mail.example.org. IN TLSA $W311" "and prints the record tlsa create prints"
run "$TLSA" --create --certificate "$EX/mail.pem" --port 25 mail.example.org
is "$out" "_25._tcp.mail.example.org. IN TLSA $W311" "--create with --certificate and --port runs tlsa create"
run "$TLSA" --create --starttls=auto --port=25 --output=generic --certificate="$EX/mail.pem" \
	mail.example.org
like "$out" '^_25\._tcp\.mail\.example\.org\. IN TYPE52 \\# 35 030101' \
	"--opt=value forms, --starttls auto and --output generic work"
run "$TLSA" create --certificate "$EX/mail.pem" --output rfc -p 25 mail.example.org
is "$out" "_25._tcp.mail.example.org. IN TLSA $W311" \
	"tlsa create takes --certificate and --output as hash-slinger's names"
hint 2 "--output both" "^tlsa create: --output both is hash-slinger's: .*-o rfc and -o generic" \
	--create --output both --certificate "$EX/mail.pem" mail.example.org
hint 3 "--verify --certificate" "^tlsa check: --certificate: .*--candidate FILE" \
	--verify --certificate "$EX/mail.pem" mail.example.org
hint 3 "--verify --resolvconf" "^tlsa check: --resolvconf is hash-slinger's: .*--resolver ADDR" \
	--verify --resolvconf /etc/resolv.conf mail.example.org
hint 2 "hash-slinger options without --create or --verify" \
	"^tlsa: unknown command '--port': give a command, 'tlsa create .*--create.*'tlsa check .*--verify" \
	--port 25 mail.example.org
hint 2 "--create with --verify" "^tlsa: --create and --verify are two commands" \
	--create --verify mail.example.org
# --verify runs check: a bad resolver shows it got there, with no lookup.
hint 3 "--verify runs tlsa check" "^tlsa check: --resolver 'x y': " \
	--verify --usage 3 --resolver "x y" mail.example.org
hint 3 "check --verify" "^tlsa check: unknown option '--verify' \(hash-slinger's; here, 'tlsa check' verifies" \
	check --verify mail.example.org
hint 2 "create --create" "^tlsa create: unknown option '--create' \(hash-slinger's; .*drop --create" \
	create --create -c "$EX/mail.pem" mail.example.org
hint 3 "check --rootkey" "^tlsa check: unknown option '--rootkey' .*--trust-anchor FILE" \
	check --rootkey /x mail.example.org
hint 3 "check --usage" "^tlsa check: unknown option '--usage' .*published records" \
	check --usage 3 mail.example.org
hint 2 "a host name as the command" "^tlsa: unknown command 'mail.example.org': .*'tlsa check HOST'" \
	mail.example.org

# ---- item 13: HOST that is not a host name ----------------------------------------

hint 2 "create with a URL" "^tlsa create: 'https://www.example.org:8443/x' is a URL, not a host name: give 'www.example.org' and port 8443" \
	create -c "$EX/mail.pem" https://www.example.org:8443/x
hint 3 "check with a URL" "^tlsa check: 'https://user@www.example.org/' is a URL, .*give 'www.example.org'$" \
	check https://user@www.example.org/
hint 3 "check with an owner name" "^tlsa check: '_25._tcp.mail.example.org' is a TLSA owner name, not a host name: give the host 'mail.example.org' and port 25" \
	check _25._tcp.mail.example.org
hint 2 "create with an owner name" "^tlsa create: '_25._tcp.mail.example.org' is a TLSA owner name" \
	create -c "$EX/mail.pem" _25._tcp.mail.example.org
hint 2 "an option-looking HOST" "^tlsa create: '-x' looks like an option, not a host name" \
	create -c "$EX/mail.pem" -- -x
hint 2 "a HOST with a typographic dash" "^tlsa create: '.*port' starts with a typographic dash" \
	create -c "$EX/mail.pem" "$(printf '\342\200\224port')"
run "$TLSA" check --srv --timeout 1 --resolver 127.0.0.1@1 _xmpp-client._tcp.example.org
like "$out" "SRV lookup" "an SRV owner for --srv is not taken for a TLSA owner name"

printf 'a.example.org 7\0338\nb\033[31m.example.org\n-p 25\n_25._tcp.x.example.org\nc.example.org 25 \033x\n' >"$T/targets"
run "$TLSA" check --targets "$T/targets"
is "$rc" 3 "a targets file with bad lines is a usage error"
if LC_ALL=C grep -q "$(printf '\033')" "$T/err"; then
	ok 1 "no control byte of a targets file reaches the terminal"
else
	ok 0 "no control byte of a targets file reaches the terminal"
fi
like "$err" "line 1: bad port '7\\\\x1b8'" "a control byte in a port is shown as \\x1b"
like "$err" "line 3: unknown option '-p' \(a line is HOST" "an option-looking word in a targets line says what a line is"
like "$err" "line 4: '_25._tcp.x.example.org' is a TLSA owner name.*'x.example.org' and port 25" \
	"an owner name in a targets line names the host and port to give"
like "$err" "line 5: unknown STARTTLS protocol '\\\\x1bx'" "a control byte in a protocol is shown as \\x1b"

printf 'a.example.org 2\0335/tcp x.pem\nb.example.org 25 a\033b.pem\n' >"$T/manifest"
run "$TLSA" create --manifest "$T/manifest"
is "$rc" 1 "a manifest with control bytes in its lines is refused"
if LC_ALL=C grep -q "$(printf '\033')" "$T/err"; then
	ok 1 "no control byte of a manifest reaches the terminal"
else
	ok 0 "no control byte of a manifest reaches the terminal"
fi
like "$err" "line 1: bad port '2\\\\x1b5/tcp'" "a control byte in a manifest port is shown as \\x1b"
like "$err" "line 2: file name 'a\\\\x1bb.pem' has a control character" \
	"a control byte in a manifest file name is shown as \\x1b"

# ---- item 14: every diagnostic starts 'tlsa COMMAND: ' --------------------------

hint 2 "create with nothing to do" "^tlsa create: nothing to do: give --cert" create

for cmd in create check zone; do
	status=2
	[ "$cmd" = check ] && status=3
	hint $status "$cmd with an unknown option" "^tlsa $cmd: unknown option '--no-such'" \
		$cmd --no-such x.example.org
	hint $status "$cmd with a missing option value" "^tlsa $cmd: option '(-o|--format|--output)' needs a value" \
		$cmd x.example.org -o
	hint $status "$cmd with an unknown short option" "^tlsa $cmd: unknown option '-Z'" $cmd -Z x.example.org
done
if [ -w /dev/full ]; then
	"$TLSA" create -c "$EX/mail.pem" x.example.org >/dev/full 2>"$T/err"
	like "$(cat "$T/err")" "^tlsa create: write failure on standard output" \
		"a write failure names the command"
else
	skip "/dev/full is not there"
fi
hint 3 "a bad --resolver" "^tlsa check: --resolver 'x y': bad resolver address" \
	check --resolver 127.0.0.1 --resolver "x y" mail.example.org

unset TLSA_TEST_UNSET
hint 3 "check --passin env:UNSET" "^tlsa check: --passin 'env:TLSA_TEST_UNSET': TLSA_TEST_UNSET is not set" \
	check --candidate "$EX/mail.pem" --passin env:TLSA_TEST_UNSET mail.example.org

# The library knows no option: zone names the one that answers its status.
cp "$top_srcdir/tests/data/zones/signed.example.org.zone" "$T/signed.zone"
"$TLSA" create -q -c "$EX/mail.pem" -p 25 mail.example.org >"$T/mail.rr"
hint 1 "a signed zone" "^tlsa zone: .*zone is signed.*; --allow-signed edits it anyway" \
	zone update -r "$T/mail.rr" "$T/signed.zone"

done_testing
