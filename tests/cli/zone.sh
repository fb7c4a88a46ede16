#!/bin/bash
# tlsa zone, from the outside: the contract's `tlsa zone` section and
# the fixture cases.  For each fixture the whole file after the edit
# is compared with the bytes it must hold (expected fixtures, or the
# original with the one intended edit applied by sed), a second run must
# change nothing, and the result must load in the real zone checkers
# (named-checkzone, nsd-checkzone, kzonecheck) where they are installed.
#
#   TLSA=build/cmd/tlsa bash tests/cli/zone.sh

. "$(cd "$(dirname "$0")/.." && pwd)/lib.sh"
need_our_tlsa
D=$top_srcdir/tests/data/zones

OLD=cba06b5736faf67e54b07b561eae94395e774c517a7d910a54369e1263ccfbd4
NEW=11507a0e2f5e69d5dfa40a62a1bd7b6ee57e6bcd85c67c9b8431b36fff21c437
today=$(date -u +%Y%m%d)

# fresh NAME SERIAL [CRLF]: $T/NAME from the template NAME.in with SERIAL.
fresh() {
	sed "s/@SERIAL@/$2/" "$D/$1.in" >"$T/$1"
	if [ -n "${3:-}" ]; then sed -i 's/$/\r/' "$T/$1"; fi
	cp "$T/$1" "$T/$1.orig"
}

# ---- usage ------------------------------------------------------------------

run "$TLSA" zone --help
check $(( rc != 0 )) "zone --help exits 0"
for opt in --records --remove --origin --serial --include --dry-run --backup \
	--allow-signed --check --output --force --quiet --verbose --help; do
	case $out in *"$opt"*) ;; *) ok 1 "--help lists $opt"; continue ;; esac
	# The page may write the option's hyphens as \- or plainly.
	if [ -f "$top_srcdir/man/tlsa-zone.1" ] &&
		! sed 's/\\-/-/g' "$top_srcdir/man/tlsa-zone.1" | grep -q -e "$opt"; then
		ok 1 "the man page documents $opt"
		continue
	fi
	ok 0 "--help and the man page list $opt"
done
run "$TLSA" zone
check $(( rc != 2 )) "zone without an action is a usage error (exit 2)"
run "$TLSA" zone frobnicate x.zone
check $(( rc != 2 )) "an unknown action is a usage error"
run "$TLSA" zone update "$D/small.zone.in"
check $(( rc != 2 )) "update without --records or --remove is a usage error"
run "$TLSA" zone serial --serial yesterday "$D/small.zone.in"
check $(( rc != 2 )) "a bad --serial is a usage error"
run "$TLSA" zone serial --records "$D/update.rr" "$D/small.zone.in"
check $(( rc != 2 )) "serial with --records is a usage error"
cp "$D/small.zone.in" "$T/names.zone"
for bad in 'a b' 'a..example.org.' 'x;y' ''; do
	run "$TLSA" zone update --remove "$bad" "$T/names.zone"
	check $(( rc != 2 )) "--remove '$bad' (no owner a zone can hold) is a usage error"
done
echo "$err" | grep -qF "tlsa zone: --remove" ; check $? "the error names --remove"
run "$TLSA" zone update --remove "mail example" "$T/names.zone"
echo "$err" | head -1 | grep -qxF "tlsa zone: --remove 'mail example' has a space or control character in it (escape it as \\032)"
check $? "--remove 'mail example' says what is wrong with it"
for bad in 'a b' '@' 'example..org'; do
	run "$TLSA" zone update --origin "$bad" --remove _443._tcp.www "$T/names.zone"
	check $(( rc != 2 )) "--origin '$bad' is a usage error"
done
cmp -s "$D/small.zone.in" "$T/names.zone"; check $? "and none of them touched the zone"

# ---- the hand-kept zone: every layout ----------------------------------------

fresh example.org.zone 2024010101
Z=$T/example.org.zone
run "$TLSA" zone update -r "$D/update.rr" "$Z"
check $(( rc != 0 )) "update replaces, adds and bumps (exit 0)"
case $err in *"changed: serial 2024010101 -> ${today}00"*) r=0 ;; *) r=1 ;; esac
check $r "the report says changed, with the old and new serial"
sed "s/@SERIAL@/${today}00/" "$D/example.org.update.expected" >"$T/want"
same "$Z" "$T/want" "exactly the intended bytes change: sets replaced in place (layout, TTL/class order, generic form kept), new owners appended relative to the last \$ORIGIN or absolute, date serial bumped"
cp "$Z" "$T/after1"
run "$TLSA" zone update -v -r "$D/update.rr" "$Z"
check $(( rc != 0 )) "a second run succeeds"
case $err in *unchanged*) r=0 ;; *) r=1 ;; esac
check $r "a second run reports unchanged"
same "$Z" "$T/after1" "a second run changes no byte (serial not bumped)"
case $err in *"example.org.zone: line 17: _25._tcp.mail.example.org. TLSA: unchanged"*) r=0 ;; *) r=1 ;; esac
check $r "-v names the file and line of each set"

# Memory does not grow with the zone: peak RSS for 10,000 and 200,000 hosts.
if [ -x /usr/bin/time ]; then
	for n in 10000 200000; do
		{ printf '$ORIGIN example.com.\n@ IN SOA ns1 hm 1 1 1 1 1\n'
		  awk -v n=$n 'BEGIN { for (i = 0; i < n; i++) printf "h%d IN A 192.0.2.1\n_443._tcp.h%d IN TLSA 3 1 1 ( %064x )\n", i, i, i }'
		} >"$T/mem$n.zone"
		printf '_443._tcp.h5.example.com. IN TLSA 3 1 1 %s\n' "$NEW" >"$T/mem.rr"
		/usr/bin/time -f %M -o "$T/mem$n.kib" "$TLSA" zone update -q -r "$T/mem.rr" "$T/mem$n.zone"
	done
	small=$(cat "$T/mem10000.kib") large=$(cat "$T/mem200000.kib")
	echo "# peak RSS: $small KiB for 10,000 hosts, $large KiB for 200,000 ($(stat -c %s "$T/mem200000.zone") bytes)"
	[ $((large - small)) -lt 1024 ]
	ok $? "memory does not grow with the zone (20 times the records, under 1 MiB more)"
	rm -f "$T"/mem*.zone
else
	skip "/usr/bin/time not installed (package time)"
fi
checkers "$Z" example.org "the updated hand-kept zone"

fresh example.org.zone 2024010101
run "$TLSA" zone update --remove _25._tcp.mail --remove _443._tcp.host.lab.example.org. "$Z"
check $(( rc != 0 )) "--remove deletes sets (relative and absolute owners)"
sed "s/@SERIAL@/${today}00/" "$D/example.org.remove.expected" >"$T/want"
same "$Z" "$T/want" "removal deletes every line of the sets (multi-line ones too) and gives the blank-owner line after them its owner"
checkers "$Z" example.org "the zone after removals"

fresh example.org.zone 2024010101
run "$TLSA" zone update -n -r "$D/update.rr" "$Z"
check $(( rc != 0 )) "--dry-run succeeds"
same "$Z" "$Z.orig" "--dry-run writes nothing"
diff -u "$Z.orig" <(sed "s/@SERIAL@/${today}00/" "$D/example.org.update.expected") | tail -n +3 >"$T/wantdiff"
tail -n +3 "$T/out" >"$T/gotdiff"
same "$T/gotdiff" "$T/wantdiff" "--dry-run prints the unified diff of the change"
[ -z "$(find "$T" "${TMPDIR:-/tmp}" -maxdepth 1 -name '.example.org.zone.tlsa-*' 2>/dev/null)" ]
ok $? "--dry-run leaves no temp file"

run "$TLSA" zone update --check -r "$D/update.rr" -o "$T/out.zone" "$Z"
check $(( rc != 0 )) "--check and -o write the result elsewhere"
same "$Z" "$Z.orig" "-o leaves ZONEFILE alone"
sed "s/@SERIAL@/${today}00/" "$D/example.org.update.expected" >"$T/want"
same "$T/out.zone" "$T/want" "-o FILE holds the updated zone"

chmod 0640 "$Z"
ln -s example.org.zone "$T/link.zone"
run "$TLSA" zone update --backup -r "$D/update.rr" "$T/link.zone"
check $(( rc != 0 )) "a symlinked zone is updated"
[ -L "$T/link.zone" ] && [ "$(stat -c %a "$Z")" = 640 ]
ok $? "the symlink stays a symlink and the target keeps its mode"
same "$Z" "$T/want" "the symlink's target holds the new zone"
same "$Z.bak" "$Z.orig" "--backup keeps the old zone as FILE.bak"
rm -f "$T/link.zone" "$Z.bak"
if [ "$(id -u)" -eq 0 ] && getent passwd nobody >/dev/null; then
	fresh example.org.zone 2024010101
	chown nobody:"$(id -gn nobody)" "$Z"
	chmod 0604 "$Z"
	run "$TLSA" zone update -r "$D/update.rr" "$Z"
	[ "$rc" -eq 0 ] && [ "$(stat -c '%U %a' "$Z")" = "nobody 604" ]
	check $? "the new zone keeps the old one's owner, group and mode"
else
	skip "keeping another user's ownership needs root"
fi

# ---- CRLF -------------------------------------------------------------------------

fresh small.zone 2024010101 crlf
Z=$T/small.zone
printf '_25._tcp.mx.example.net. IN TLSA 3 1 1 %s\n_443._tcp.www.example.net. IN TLSA 3 1 1 %s\n' "$NEW" "$NEW" >"$T/small.rr"
run "$TLSA" zone update -r "$T/small.rr" "$Z"
check $(( rc != 0 )) "a CRLF zone is updated"
{ sed "s/2024010101/${today}00/; s/$OLD/$NEW/" "$Z.orig"
  printf '_443._tcp.www.example.net.\tIN\tTLSA\t3 1 1 %s\r\n' "$NEW"; } >"$T/want"
same "$Z" "$T/want" "CRLF line ends are kept, and new lines get CRLF too"
run "$TLSA" zone update -r "$T/small.rr" "$Z"
same "$Z" "$T/want" "a second run on the CRLF zone changes nothing"
checkers "$Z" example.net "the CRLF zone" "$Z.orig"

# ---- serials -------------------------------------------------------------------------

serial_case() { # SERIAL POLICY WANT SENTENCE [WARNING-PATTERN]
	fresh small.zone "$1"
	run "$TLSA" zone serial --serial "$2" "$T/small.zone"
	sed "s/ $1 / $3 /" "$T/small.zone.orig" >"$T/want"
	if [ "$rc" -eq 0 ] && cmp -s "$T/small.zone" "$T/want"; then r=0; else r=1; fi
	check $r "$4"
	if [ -n "${5:-}" ]; then
		case $err in *$5*) r=0 ;; *) r=1 ;; esac
		check $r "$4: it warns ($5)"
	fi
}
serial_case 4294967295 auto 1 "serial 4294967295 moves to 1 (never 0)" "wrapped"
serial_case 4294967295 increment 1 "--serial increment from 4294967295 gives 1"
serial_case 42 auto 43 "a counter serial is incremented"
serial_case 2024010101 auto "${today}00" "a date serial stays a date serial (today, 00)"
serial_case "${today}07" auto "${today}08" "a second change on the same day counts up"
serial_case "${today}89" auto "${today}90" "a date counter reaching 90" "few changes left"
serial_case "${today}99" auto "$((${today}99 + 1))" "a date serial at today's 99 takes old + 1" "not greater"
ahead=$(date -u -d '+3 days' +%Y%m%d)05
serial_case "$ahead" auto "$((ahead + 1))" "a date serial ahead of today takes old + 1" "ahead of today"
serial_case 2024010101 keep 2024010101 "--serial keep keeps the serial"
serial_case 42 4000000 4000000 "an explicit greater serial is taken"

fresh small.zone 1700000000
before=$(date -u +%s)
run "$TLSA" zone serial "$T/small.zone"
after=$(date -u +%s)
got=$(sed -n 's/.*SOA.* \([0-9][0-9]*\) 7200 .*/\1/p' "$T/small.zone")
[ "$rc" -eq 0 ] && [ "$got" -ge "$before" ] && [ "$got" -le "$after" ]
check $? "a Unix-time serial stays Unix time (now)"

fresh small.zone 4000000000
run "$TLSA" zone serial --serial 5 "$T/small.zone"
check $(( rc != 0 )) "an explicit serial past the wrap but greater in RFC 1982 terms is taken (no awk %d truncation)"
fresh small.zone 100
run "$TLSA" zone serial --serial 50 "$T/small.zone"
check $(( rc != 1 )) "a backwards serial is refused (exit 1)"
same "$T/small.zone" "$T/small.zone.orig" "a refused serial leaves the zone untouched"
case $err in *"small.zone: line 3:"*RFC\ 1982*) r=0 ;; *) r=1 ;; esac
check $r "the refusal names file, line and RFC 1982"
run "$TLSA" zone serial --serial 3000000000 "$T/small.zone"
check $(( rc != 1 )) "a jump of 2^31 or more is refused"
run "$TLSA" zone serial --force --serial 50 "$T/small.zone"
check $(( rc != 0 )) "--force lets a backwards serial through"
grep -q ' 50 7200 ' "$T/small.zone"
check $? "--force wrote the serial asked for"

# ---- $INCLUDE ---------------------------------------------------------------------

mkdir -p "$T/inc"
cp "$D/inc.example.org.zone" "$D/inc-hosts.inc" "$T/inc/"
Z=$T/inc/inc.example.org.zone
cp "$Z" "$Z.orig"
printf '_25._tcp.mail.example.org. IN TLSA 3 1 1 %s\n' "$NEW" >"$T/mail.rr"
printf '_443._tcp.www.example.org. IN TLSA 3 1 1 %s\n' "$NEW" >"$T/www.rr"
(cd / && "$TLSA" zone update -r "$T/mail.rr" "$Z") >"$T/out" 2>"$T/err"
rc=$? err=$(cat "$T/err")
check $(( rc != 0 )) "a zone with \$INCLUDE is updated from another directory (include found beside the zone)"
sed "s/2024010101/${today}00/; s/$OLD/$NEW/" "$Z.orig" >"$T/want"
same "$Z" "$T/want" "only the main file's set and serial change"
same "$T/inc/inc-hosts.inc" "$D/inc-hosts.inc" "the included file is not touched"
checkers "$Z" example.org "the zone with \$INCLUDE"
cp "$Z" "$T/before"
run "$TLSA" zone update -r "$T/www.rr" "$Z"
check $(( rc != 1 )) "records to change that live in an included file are refused"
case $err in *"inc-hosts.inc: line 3:"*) r=0 ;; *) r=1 ;; esac
check $r "the error names the included file and line"
same "$Z" "$T/before" "and the zone is untouched"

# --include: a snippet rewritten in full, the serial bumped when it changes.
cp "$D/snip.example.org.zone" "$T/inc/"
Z=$T/inc/snip.example.org.zone
cp "$Z" "$Z.orig"
run "$TLSA" zone update -r "$T/mail.rr" --include "$T/inc/tlsa.inc" "$Z"
check $(( rc != 0 )) "--include creates the snippet"
grep -q "^_25._tcp.mail.example.org. IN TLSA 3 1 1 $NEW\$" "$T/inc/tlsa.inc"
ok $? "the snippet holds the records"
sed 's/ 42 / 43 /' "$Z.orig" >"$T/want"
same "$Z" "$T/want" "the zone's serial is bumped and nothing else changes"
cp "$T/inc/tlsa.inc" "$T/snip1"
run "$TLSA" zone update -r "$T/mail.rr" --include "$T/inc/tlsa.inc" "$Z"
same "$Z" "$T/want" "an unchanged snippet does not bump the serial"
same "$T/inc/tlsa.inc" "$T/snip1" "an unchanged snippet is not rewritten"
run "$TLSA" zone update -r "$T/www.rr" --include "$T/inc/tlsa.inc" "$Z"
grep -q "_25._tcp.mail" "$T/inc/tlsa.inc" && grep -q "_443._tcp.www" "$T/inc/tlsa.inc" &&
	grep -q ' 44 ' "$Z"
ok $? "a new owner in the snippet keeps the others and bumps again"
checkers "$Z" example.org "the zone including its snippet"

run "$TLSA" zone snippet --origin example.org -r "$T/mail.rr" -r "$T/www.rr"
check $(( rc != 0 )) "snippet prints records"
is "$out" "_25._tcp.mail IN TLSA 3 1 1 $NEW
_443._tcp.www IN TLSA 3 1 1 $NEW" "snippet names owners relative to --origin"

# ---- signed zones ------------------------------------------------------------------

cp "$D/signed.example.org.zone" "$T/signed.zone"
run "$TLSA" zone update -r "$T/mail.rr" "$T/signed.zone"
check $(( rc != 1 )) "a signed zone is refused"
same "$T/signed.zone" "$D/signed.example.org.zone" "the refused signed zone is untouched"
run "$TLSA" zone update --allow-signed -r "$T/mail.rr" "$T/signed.zone"
check $(( rc != 0 )) "--allow-signed edits a signed zone"
case $err in *re-sign*) r=0 ;; *) r=1 ;; esac
check $r "--allow-signed warns that the zone must be re-signed"

# ---- errors ------------------------------------------------------------------------

printf '$ORIGIN example.org.\n@ IN SOA ns hm 1 1 1 1 1\nmail IN TXT ( "open\n' >"$T/bad.zone"
run "$TLSA" zone update -r "$T/mail.rr" "$T/bad.zone"
case $err in "tlsa zone: $T/bad.zone: line 3: "*) r=0 ;; *) r=1 ;; esac
check $(( rc != 1 || r )) "a syntax error names the file and line (exit 1)"
printf '_25._tcp.mail.example.org. IN TLSA 3 1 1 abc\n' >"$T/badrec.rr"
run "$TLSA" zone update -r "$T/badrec.rr" "$T/small.zone"
case $err in *"badrec.rr: line 1: "*) r=0 ;; *) r=1 ;; esac
check $(( rc != 1 || r )) "a bad record names the records file and line"
run "$TLSA" zone update -r "$T/mail.rr" "$T/small.zone"
case $err in *"outside the zone"*) r=0 ;; *) r=1 ;; esac
check $(( rc != 1 || r )) "an owner outside the zone is refused"
printf '_25._tcp.mx.example.net. IN TLSA 3 1 1 %s\n' "$OLD" | "$TLSA" zone update -q -r - "$T/small.zone" >"$T/out" 2>"$T/err"
rc=$? err=$(cat "$T/err")
check $(( rc != 0 )) "records are read from stdin with -r -"
is "$err" "" "-q prints nothing when all is well"
run "$TLSA" zone update -r "$T/mail.rr" "$T/missing.zone"
check $(( rc != 1 )) "a missing zone file is an error"

# ---- concurrent runs ------------------------------------------------------------------

fresh small.zone 42
for i in 1 2 3 4 5 6; do
	printf '_%s._tcp.mx.example.net. IN TLSA 3 1 1 %s\n' "$((1000 + i))" "$NEW" >"$T/c$i.rr"
	"$TLSA" zone update -q -r "$T/c$i.rr" "$T/small.zone" 2>"$T/c$i.err" &
done
wait
r=0
for i in 1 2 3 4 5 6; do
	grep -q "^_$((1000 + i))._tcp.mx.example.net.	" "$T/small.zone" || r=1
	[ -s "$T/c$i.err" ] && r=1
done
grep -q ' 48 7200 ' "$T/small.zone" || r=1
ok $r "six updates run at once all land, one after the other (the lock), serial 42 -> 48"

# ---- signals and crashes -------------------------------------------------------------

# A zone big enough that an update takes a few milliseconds.
big=$T/crash/big.zone
mkdir -p "$T/crash"
{
	printf '$TTL 3600\n$ORIGIN example.com.\n@ IN SOA ns1 hostmaster 1000 7200 3600 604800 86400\n  IN NS ns1\nns1 IN A 192.0.2.1\n'
	awk 'BEGIN { for (i = 0; i < 60000; i++) printf "h%d IN A 192.0.2.%d\n_443._tcp.h%d IN TLSA 3 1 1 %064x\n", i, i % 250, i, i }'
} >"$big"
cp "$big" "$T/crash/old"
printf '_443._tcp.h30000.example.com. IN TLSA 3 1 1 %s\n' "$NEW" >"$T/crash/rr"
t0=$(date +%s%N)
"$TLSA" zone update -q -r "$T/crash/rr" "$big" && cp "$big" "$T/crash/new"
ok $? "the crash-test zone updates"
# Kill within the time one update takes (fsync included), so that both
# outcomes happen.
ms=$(( ($(date +%s%N) - t0) / 1000000 + 5 ))
[ $ms -lt 999 ] || ms=999

cp "$T/crash/old" "$big"
"$TLSA" zone update -q -r "$T/crash/rr" --check "$big" &
pid=$!
sleep 0.02
kill -TERM $pid 2>/dev/null
wait $pid
if cmp -s "$big" "$T/crash/old" || cmp -s "$big" "$T/crash/new"; then r=0; else r=1; fi
[ -z "$(find "$T/crash" -name '.big*')" ] || r=1
ok $r "SIGTERM mid-update leaves the old or the new zone, and no temp file"

bad=0 n=0 olds=0 news=0
deadline=$(( $(date +%s) + 60 ))
while [ $n -lt 200 ] && [ "$(date +%s)" -lt $deadline ]; do
	cp "$T/crash/old" "$big"
	"$TLSA" zone update -q -r "$T/crash/rr" "$big" &
	pid=$!
	sleep "$(printf '0.%03d' $(( RANDOM % ms )))"
	kill -KILL $pid 2>/dev/null
	wait $pid 2>/dev/null
	if cmp -s "$big" "$T/crash/old"; then
		olds=$((olds + 1))
	elif cmp -s "$big" "$T/crash/new"; then
		news=$((news + 1))
	else
		bad=$((bad + 1))
	fi
	rm -f "$T/crash"/.big.zone.tlsa-*
	n=$((n + 1))
done
echo "# kill -9 at random moments: $n runs, $olds old, $news new, $bad damaged"
[ $bad -eq 0 ] && [ $n -ge 50 ]
ok $? "kill -9 at random moments ($n times): the zone is always the complete old or the complete new one"

# ---- inputs that are not zone files ----------------------------------------

fresh small.zone 2024010101
printf '$INCLUDE /dev/zero\n' >>"$T/small.zone"
cp "$T/small.zone" "$T/small.zone.orig"
run timeout 20 "$TLSA" zone update -r "$D/update.rr" "$T/small.zone"
check $(( rc != 1 )) "an \$INCLUDE of /dev/zero is refused (exit 1), not read until memory runs out"
echo "$err" | grep -q "not a regular file"; check $? "the refusal says the included file is not a regular file"
same "$T/small.zone" "$T/small.zone.orig" "the zone is untouched after a refused \$INCLUDE"
if command -v mkfifo >/dev/null && mkfifo "$T/fifo"; then
	fresh small.zone 2024010101
	printf '$INCLUDE %s\n' "$T/fifo" >>"$T/small.zone"
	run timeout 20 "$TLSA" zone update -r "$D/update.rr" "$T/small.zone"
	check $(( rc != 1 )) "an \$INCLUDE of a FIFO is refused at once, never waited on"
	run timeout 20 "$TLSA" zone update -r "$D/update.rr" "$T/fifo"
	check $(( rc != 1 )) "a FIFO given as the zone file is refused at once"
else
	skip "mkfifo not available"
	skip "mkfifo not available"
fi
head -c 5000000 /dev/zero >"$T/zeros"
run timeout 20 "$TLSA" zone update -r "$D/update.rr" "$T/zeros"
check $(( rc != 1 )) "a file with a 5 MB line is refused as not a zone file"

done_testing
