#!/bin/bash
# shellcheck disable=SC2154 # rc, out and err are set by lib.sh's run
# tlsa create as a newcomer and a provisioning pipeline use it (issue 11,
# items 1, 3, 12 and 14): nsupdate output that loses no record, owners
# nsupdate reads as meant, only record parameters RFC 6698 defines,
# conflicting options refused, and --passin mistakes as usage errors.
#
#   TLSA=build/cmd/tlsa bash tests/cli/create-usage.sh

# shellcheck source=tests/lib.sh
. "$(cd "$(dirname "$0")/.." && pwd)/lib.sh"
need_our_tlsa
EX=$top_srcdir/tests/data/example

# usage_error DESCRIPTION REGEX ARGS...: exit 2, one 'tlsa create:' line
# matching REGEX, nothing on stdout.
usage_error() {
	local what=$1 re=$2
	shift 2
	run "$TLSA" create "$@"
	is "$rc" 2 "$what: exits 2"
	like "$(head -1 "$T/err")" "^tlsa create: .*$re" "$what: says so"
	is "$out" "" "$what: prints no record"
}

# apply_nsupdate: the TLSA RRsets an nsupdate script on stdin leaves,
# applying each line in order as RFC 2136 section 3.4.2 says, starting
# from an empty zone: "OWNER U S M HEX" lines, sorted.
apply_nsupdate() {
	awk '
		$1 == "update" && $2 == "delete" && $4 == "TLSA" {
			o = tolower($3)
			for (k in rr) if (index(k, o SUBSEP) == 1) delete rr[k]
			next
		}
		$1 == "update" && $2 == "add" && $6 == "TLSA" {
			rr[tolower($3) SUBSEP $7 " " $8 " " $9 " " $10] = 1
		}
		END { for (k in rr) { split(k, p, SUBSEP); print p[1], p[2] } }' | sort
}

# rdata FILE ARGS...: "U S M HEX" of FILE.
rdata() {
	f=$1
	shift
	"$TLSA" create -q -c "$f" -o rdata "$@"
}

# ---- item 1: one delete per owner, before all of its adds ----------------------

cat >"$T/fleet.txt" <<EOF
a.example.org 25 $EX/mail.pem
b.example.org 25 $EX/mail.pem
a.example.org 25 $EX/ca.pem
EOF
run "$TLSA" create -q --manifest "$T/fleet.txt" -o nsupdate
is "$rc" 0 "a manifest naming an owner twice makes nsupdate commands"
is "$(grep -c '^update delete _25._tcp.a.example.org. TLSA$' "$T/out")" 1 \
	"an owner named on two manifest lines is deleted once"
first_add=$(grep -n '^update add _25._tcp.a.example.org. ' "$T/out" | head -1 | cut -d: -f1)
del=$(grep -n '^update delete _25._tcp.a.example.org. ' "$T/out" | cut -d: -f1)
[ -n "$del" ] && [ -n "$first_add" ] && [ "$del" -lt "$first_add" ]
ok $? "the owner's delete comes before all of its adds"
{
	echo "_25._tcp.a.example.org. $(rdata "$EX/mail.pem")"
	echo "_25._tcp.a.example.org. $(rdata "$EX/ca.pem")"
	echo "_25._tcp.b.example.org. $(rdata "$EX/mail.pem")"
} | sort >"$T/want"
is "$(apply_nsupdate <"$T/out")" "$(cat "$T/want")" \
	"applied in order, the updates leave every record of every manifest line"
is "$(tail -1 "$T/out")" "send" "the updates end with one send"

# Owner names differ only in case and a final dot: the same owner.
cat >"$T/case.txt" <<EOF
mail.example.org 25 $EX/mail.pem
MAIL.Example.ORG. 25 $EX/ca.pem
EOF
run "$TLSA" create -q --manifest "$T/case.txt" -o nsupdate
is "$(grep -ci '^update delete _25._tcp.mail.example.org. TLSA$' "$T/out")" 1 \
	"owners that differ only in case are one owner: one delete"
is "$(apply_nsupdate <"$T/out" | wc -l)" 2 "and both of its records survive"

# Identical records are printed once; --params and lines mix.
cat >"$T/dup.txt" <<EOF
www.example.org 443 $EX/fullchain.pem 3,1,1 2,1,1
www.example.org 443 $EX/mail.pem
EOF
run "$TLSA" create -q --manifest "$T/dup.txt" -o nsupdate
is "$(grep -c '^update add ' "$T/out")" 2 \
	"a record asked for twice (per-line params and the default) is added once"
run "$TLSA" create -q -c "$EX/fullchain.pem" --params 3,1,1 --params 3,1,1 \
	--params 2,1,1 -o nsupdate www.example.org
is "$(grep -c '^update add ' "$T/out")" 2 "a repeated --params record is added once"
is "$(sed -n 2p "$T/out" | awk '{ print $7, $8, $9 }')" "3 1 1" \
	"records keep the order they were asked for"

# Thousands of lines: one delete per owner, nothing lost, quickly.
awk -v ex="$EX" 'BEGIN {
	for (i = 0; i < 3000; i++) {
		printf "h%d.example.org 25 %s/mail.pem\n", i % 1000, ex
		if (i % 3 == 0) printf "h%d.example.org 25 %s/ca.pem\n", i % 1000, ex
	}
}' >"$T/big.txt"
run "$TLSA" create -q --manifest "$T/big.txt" -o nsupdate
is "$rc" 0 "a manifest of 4,000 lines makes nsupdate commands"
is "$(grep -c '^update delete ' "$T/out")" 1000 "4,000 lines over 1,000 owners: 1,000 deletes"
is "$(grep -c '^update add ' "$T/out")" 2000 "and each distinct record once (2,000)"
is "$(apply_nsupdate <"$T/out" | wc -l)" 2000 "applied in order, all 2,000 records stay"

# ---- item 3: owners nsupdate reads as meant ------------------------------------

usage_error "nsupdate with a relative --owner" "relative.*--origin" \
	-c "$EX/mail.pem" --owner _25._tcp.mail -o nsupdate
usage_error "nsupdate with --owner @" "'@'.*--origin" -c "$EX/mail.pem" --owner @ -o nsupdate
run "$TLSA" create -q -c "$EX/mail.pem" --owner _25._tcp.mail --origin example.org -o nsupdate
is "$(head -1 "$T/out")" "update delete _25._tcp.mail.example.org. TLSA" \
	"--origin makes a relative owner absolute for nsupdate"
run "$TLSA" create -q -c "$EX/mail.pem" --owner @ --origin example.org. -o nsupdate
is "$(head -1 "$T/out")" "update delete example.org. TLSA" "--owner @ with --origin is the origin"
run "$TLSA" create -q -c "$EX/mail.pem" --owner _25._tcp.mail --origin example.org
like "$out" "^_25\._tcp\.mail\.example\.org\. IN TLSA 3 1 1 " \
	"--origin completes a relative owner in the rfc format too"
run "$TLSA" create -q -c "$EX/mail.pem" --owner _25._tcp.mail
like "$out" "^_25\._tcp\.mail IN TLSA " "without --origin a relative owner stays verbatim in rfc"
run "$TLSA" create -q -c "$EX/mail.pem" --owner 'a\.' -o nsupdate
is "$rc" 2 "an owner ending in an escaped dot is relative"
usage_error "--origin without --owner" "--origin.*--owner" \
	-c "$EX/mail.pem" --origin example.org mail.example.org

# ---- item 12: record parameters RFC 6698 defines -------------------------------

usage_error "-u 4" "--usage '4': .*want 0 PKIX-TA" -c "$EX/mail.pem" -u 4 mail.example.org
usage_error "-u 255" "--usage '255': .*private use.*--allow-private" \
	-c "$EX/mail.pem" -u 255 mail.example.org
usage_error "-u privcert" "--usage 'privcert': .*--allow-private" \
	-c "$EX/mail.pem" -u privcert mail.example.org
usage_error "-s 2" "--selector '2': .*want 0 Cert or 1 SPKI" -c "$EX/mail.pem" -s 2 x.example.org
usage_error "-s privsel" "--selector 'privsel': .*--allow-private" \
	-c "$EX/mail.pem" -s privsel x.example.org
usage_error "-m 3" "--mtype '3': .*want 0 Full, 1 SHA2-256 or 2 SHA2-512" \
	-c "$EX/mail.pem" -m 3 x.example.org
usage_error "-m 256" "--mtype '256': " -c "$EX/mail.pem" -m 256 x.example.org
usage_error "--params 3,1,3" "--params '3,1,3': matching type '3'" \
	-c "$EX/mail.pem" --params 3,1,3 x.example.org
usage_error "--params 255,1,1" "--params '255,1,1': usage '255'.*--allow-private" \
	-c "$EX/mail.pem" --params 255,1,1 x.example.org
run "$TLSA" create -q -c "$EX/mail.pem" -u privcert --allow-private -o rdata
like "$out" "^255 1 1 [0-9a-f]{64}$" "--allow-private publishes usage 255 (PrivCert)"
usage_error "--allow-private -s 255" "255 \(PrivSel\).*cannot compute" \
	-c "$EX/mail.pem" -s 255 --allow-private x.example.org
run "$TLSA" create -q -c "$EX/mail.pem" -u dane-ee -s spki -m sha2-512 -o rdata
like "$out" "^3 1 2 [0-9a-f]{128}$" "mnemonics in any case still work"
printf 'x.example.org 25 %s 3,1,3\n' "$EX/mail.pem" >"$T/badp.txt"
run "$TLSA" create --manifest "$T/badp.txt"
like "$err" "badp.txt: line 1: .*'3,1,3': matching type '3'" \
	"a manifest line with an undefined matching type names the line and the field"

# Conflicting inputs are usage errors, not a silent last-wins.
usage_error "-c twice" "--cert given twice" -c "$EX/mail.pem" -c "$EX/ca.pem" x.example.org
usage_error "-u twice" "--usage given twice" -c "$EX/mail.pem" -u 3 -u 2 x.example.org
usage_error "-p twice" "--port given twice" -c "$EX/mail.pem" -p 25 -p 443 x.example.org
usage_error "-o twice" "--format given twice" -c "$EX/mail.pem" -o rfc -o json x.example.org
usage_error "--owner twice" "--owner given twice" -c "$EX/mail.pem" --owner a. --owner b.
usage_error "-u with --params" "--usage and --params" \
	-c "$EX/mail.pem" -u 2 --params 3,1,1 x.example.org
usage_error "-m with --params" "--mtype and --params" \
	-c "$EX/mail.pem" --params 3,1,1 -m 2 x.example.org
usage_error "--cert with --key" "--cert and --key" -c "$EX/mail.pem" -k "$EX/mail.pem" x.example.org
run "$TLSA" create -q -c "$EX/mail.pem" -p 25 --port 25 -o rdata
is "$rc" 0 "the same value given twice is no conflict"

# ---- item 14: --passin mistakes are usage errors -------------------------------

unset TLSA_TEST_UNSET
usage_error "--passin env:UNSET" "--passin 'env:TLSA_TEST_UNSET': TLSA_TEST_UNSET is not set" \
	-k "$EX/mail.pem" --passin env:TLSA_TEST_UNSET -o rdata
usage_error "--passin file: of a missing file" "--passin 'file:$T/none': No such file" \
	-k "$EX/mail.pem" --passin "file:$T/none" -o rdata
usage_error "--passin with no scheme" "--passin 'secret': want env:VAR, file:PATH or fd:N" \
	-k "$EX/mail.pem" --passin secret -o rdata
usage_error "--passin fd: not open" "--passin 'fd:77': " -k "$EX/mail.pem" --passin fd:77 -o rdata

done_testing
