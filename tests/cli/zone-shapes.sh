#!/bin/bash
# tlsa zone on zone files of shapes that BIND and Knot load:
# an SOA that appears more than once (a saved zone transfer), an SOA in
# the RFC 3597 generic form, a blank owner on the first line of an
# $INCLUDEd file, $GENERATE lines; and what is refused, saying why:
# SOAs that differ, CR-only line ends, owners too long for the wire in
# records given with -r.
#
# For each shape: the whole file after the edit is compared with the
# bytes it must hold (the original with the one intended edit applied by
# sed), --dry-run's diff is the diff of the real write, a second run
# changes nothing, and the result loads in the zone checkers installed
# (those that load the original: nsd-checkzone refuses a second SOA, Knot
# 3.2 refuses $GENERATE and a blank owner at the top of an included file).
#
#   TLSA=build/cmd/tlsa bash tests/cli/zone-shapes.sh

. "$(cd "$(dirname "$0")/.." && pwd)/lib.sh"
need_our_tlsa
S=$top_srcdir/tests/data/zones/shapes

K1=cba06b5736faf67e54b07b561eae94395e774c517a7d910a54369e1263ccfbd4
K2=11507a0e2f5e69d5dfa40a62a1bd7b6ee57e6bcd85c67c9b8431b36fff21c437

# fresh NAME: a copy of the shapes directory as $T/w, and $Z the zone
# NAME in it (its original kept as $Z.orig, outside the directory's
# $INCLUDE names).
fresh() {
	rm -rf "$T/w"
	cp -R "$S" "$T/w"
	Z=$T/w/$1
	cp "$Z" "$Z.orig"
}

# shape NAME ORIGIN WANT WHAT ARGS...: tlsa zone ARGS on the zone NAME
# changes it into the bytes of the file WANT; --dry-run prints the diff
# of that write and writes nothing; the result loads in the checkers; a
# second run changes nothing.
shape() {
	local name=$1 origin=$2 want=$3 what=$4
	shift 4
	fresh "$name"
	run "$TLSA" zone "$@" --dry-run "$Z"
	check $(( rc != 0 )) "--dry-run on $what succeeds"
	cp "$T/out" "$T/dry.diff"
	same "$Z" "$Z.orig" "--dry-run on $what writes nothing"
	run "$TLSA" zone "$@" "$Z"
	check $(( rc != 0 )) "tlsa zone $1 on $what succeeds"
	same "$Z" "$want" "$what: exactly the intended bytes change"
	diff -u "$Z.orig" "$Z" | tail -n +3 >"$T/real.diff"
	tail -n +3 "$T/dry.diff" >"$T/dry.body"
	same "$T/dry.body" "$T/real.diff" "--dry-run's diff of $what is the diff of the real write"
	checkers "$Z" "$origin" "$what" "$(basename "$Z.orig")"
	# A serial-only run bumps each time it is asked; an update is idempotent.
	if [ "$1" = update ]; then
		cp "$Z" "$T/after1"
		run "$TLSA" zone "$@" "$Z"
		has unchanged "a second run on $what reports unchanged"
		same "$Z" "$T/after1" "a second run on $what changes no byte"
	fi
}

# ---- an SOA that appears more than once --------------------------------------

printf '_25._tcp.mail.example.org. IN TLSA 3 1 1 %s\n' "$K2" >"$T/mail.rr"
printf '_443._tcp.www.example.org. IN TLSA 3 1 1 %s\n' "$K2" >"$T/www.rr"

sed -e 's/ 2024010101 / 2024010102 /' -e "s/$K1/$K2/" "$S/axfr.zone" >"$T/want"
shape axfr.zone example.org "$T/want" "a saved zone transfer (SOA first and last)" \
	update -r "$T/mail.rr" --serial 2024010102

fresh axfr.zone
run "$TLSA" zone serial --serial 2024010105 "$Z"
check $(( rc != 0 )) "zone serial on a saved transfer succeeds"
sed 's/ 2024010101 / 2024010105 /' "$S/axfr.zone" >"$T/want"
same "$Z" "$T/want" "both copies of the SOA get the same new serial, and nothing else changes"
grep -c ' 2024010105 ' "$Z" | grep -qx 2
ok $? "the new serial is in both copies"

{ cat "$S/soa-thrice.zone"; printf '_443._tcp.www\tIN\tTLSA\t3 1 1 %s\n' "$K2"; } |
	sed -e 's/hostmaster 42 7200/hostmaster 43 7200/' -e 's/^\t\t42\t; serial/\t\t43\t; serial/' >"$T/want"
shape soa-thrice.zone example.org "$T/want" \
	"a zone with the same SOA three times, written three ways" update -r "$T/www.rr"
grep -c '\b43\b' "$Z" | grep -qx 3
ok $? "each of the three copies has the new serial 43"

# SOAs that differ stay an error that says how.
differ() { # SED WHAT FIELD-TEXT
	fresh axfr.zone
	sed -i "\$s/$1/" "$Z"
	cp "$Z" "$Z.orig"
	run "$TLSA" zone update -r "$T/mail.rr" "$Z"
	check $(( rc != 1 )) "a second SOA that differs in $2 is refused (exit 1)"
	has "axfr.zone: line 8: bad SOA record: a second SOA record that differs from the one on line 2 in $3" \
		"the refusal names the line and says it differs in $2"
	same "$Z" "$Z.orig" "the zone with SOAs differing in $2 is untouched"
}
differ ' 3600$/ 300' "its minimum" "its minimum (300, not 3600)"
differ ' 2024010101 / 2024010100 ' "its serial" "its serial (2024010100, not 2024010101)"
differ 'ns1.example.org. host/ns2.example.org. host' "its primary server" \
	"its MNAME (primary server) (ns2.example.org., not ns1.example.org.)"
differ '3600\tIN\tSOA/7200\tIN\tSOA' "its TTL" "its TTL (7200, not 3600)"
fresh axfr.zone
sed -i '$s/^example.org./sub.example.org./' "$Z"
run "$TLSA" zone serial "$Z"
check $(( rc != 1 )) "an SOA at another owner is refused"
has "line 8: bad SOA record: a second SOA record, at sub.example.org.; the zone's SOA (line 2) is at example.org." \
	"the refusal names both owners"

# ---- an SOA in the RFC 3597 generic form ---------------------------------------

# 2024010101 is 78a3f175; 3000000000 is b2d05e00.
sed 's/0078a3f17500001c20/00b2d05e0000001c20/' "$S/generic-soa.zone" >"$T/want"
shape generic-soa.zone example.org "$T/want" "an SOA in the generic form" \
	serial --serial 3000000000
has "serial 2024010101 -> 3000000000" "the serial is read from the SOA's binary rdata"

{ sed -e 's/^\t\t78$/\t\tB2/' -e 's/^\t\tA3F1 75 /\t\tD05E 00 /' "$S/generic-soa-split.zone"
  printf '_443._tcp.www\tIN\tTLSA\t3 1 1 %s\n' "$K2"; } >"$T/want"
shape generic-soa-split.zone example.org "$T/want" \
	"a generic SOA whose serial is split over chunks and lines" \
	update -r "$T/www.rr" --serial 3000000000

# Serial digits with no letter among them take the case of the other hex.
fresh generic-soa.zone
sed -i -e 's/\(\\# 61 \)\(.*\)$/\1\U\2/' -e 's/0078A3F17500/001234567800/' "$Z"
sed 's/001234567800/00713FB30000/' "$Z" >"$T/want"
run "$TLSA" zone serial --serial 1900000000 "$Z"
has "serial 305419896 -> 1900000000" "a generic SOA in upper-case hex is bumped"
same "$Z" "$T/want" "its new serial digits are upper case too"
fresh generic-soa.zone
run "$TLSA" zone serial --serial keep "$Z"
has "unchanged (serial 2024010101)" "--serial keep on a generic SOA reports its serial and changes nothing"
fresh generic-soa.zone
sed -i 's/\\# 61 \(.*\)$/\\# 62 \100/' "$Z"
cp "$Z" "$Z.orig"
run "$TLSA" zone serial "$Z"
check $(( rc != 1 )) "a generic SOA with a byte after its seven fields is refused"
has "line 3: bad SOA record: SOA rdata in \\# form has 62 bytes, its fields 61" \
	"the refusal says how many bytes the SOA's fields take"
same "$Z" "$Z.orig" "and the zone is untouched"

# ---- a blank owner on the first line of an included file -----------------------

sed -e 's/ 2024010101 / 2024010102 /' -e "s/$K1/$K2/" "$S/inc/inherit.zone" >"$T/want"
shape inc/inherit.zone example.org "$T/want" "a zone whose included files start with a blank owner" \
	update -r "$T/mail.rr" --serial 2024010102
cmp -s "$T/w/inc/mail.db" "$S/inc/mail.db" && cmp -s "$T/w/inc/tlsa.db" "$S/inc/tlsa.db"
ok $? "the included files are not touched"

fresh inc/inherit.zone
run "$TLSA" zone update -r "$T/www.rr" "$Z"
check $(( rc != 0 )) "a record at the owner an included file's first line inherits is found there"
has "unchanged" "so the set is already as asked (the owner was inherited across the \$INCLUDE)"
printf '_443._tcp.www.example.org. IN TLSA 3 1 1 %s\n' "$K1" >"$T/www1.rr"
run "$TLSA" zone update -r "$T/www1.rr" "$Z"
check $(( rc != 1 )) "changing that set is refused: it is in the included file"
has "tlsa.db: line 1: records to change are in an included file" "the refusal names the included file and line"
run "$TLSA" zone update --remove _25._tcp.mail "$Z"
check $(( rc != 1 )) "removing the record whose owner an included file's first line inherits is refused"
has "mail.db: line 1: records to change are in an included file: this line's blank owner is _25._tcp.mail.example.org., from the record on line 12 of" \
	"the refusal names the included line and the record"
same "$Z" "$Z.orig" "and the zone is untouched"

# ---- $GENERATE -------------------------------------------------------------------

sed -e 's/ 2024010101 / 2024010102 /' -e "s/$K1/$K2/" "$S/generate.zone" >"$T/want"
shape generate.zone example.org "$T/want" "a zone with a \$GENERATE line" \
	update -r "$T/www.rr" --serial 2024010102
sed 's/\\-/-/g' "$top_srcdir/man/tlsa-zone.1" | tr '\n' ' ' | grep -qF '$GENERATE lines are passed over'
ok $? "tlsa-zone(1) says that \$GENERATE lines are passed over"

# ---- CR-only line ends -------------------------------------------------------------

tr '\n' '\r' <"$S/soa-thrice.zone" >"$T/cr.zone"
cp "$T/cr.zone" "$T/cr.zone.orig"
run "$TLSA" zone update -r "$T/www.rr" "$T/cr.zone"
check $(( rc != 1 )) "a zone with CR-only line ends is refused (exit 1)"
has "tlsa zone: $T/cr.zone: zone file syntax error: line ends of a lone CR (old Mac OS) are not supported" \
	"the refusal names the file and says CR-only line ends are not supported"
same "$T/cr.zone" "$T/cr.zone.orig" "and the zone is untouched"
fresh inc/inherit.zone
tr '\n' '\r' <"$S/inc/inherit.db" >"$T/w/inc/inherit.db"
run "$TLSA" zone serial "$Z"
has "inherit.db: zone file syntax error: line ends of a lone CR" "an included file with CR-only line ends is named"

# ---- owners too long for the wire in records given with -r -----------------------

l63=$(printf 'a%.0s' $(seq 63))
l50=$(printf 'c%.0s' $(seq 50))
printf '; a label of 64 bytes\n_443._tcp.%s.example.org. IN TLSA 3 1 1 %s\n' "${l63}b" "$K2" >"$T/label.rr"
printf '_443._tcp.%s.%s.%s.%s.example.org. IN TLSA 3 1 1 %s\n' "$l63" "$l63" "$l63" "$l63" "$K2" >"$T/long.rr"
printf '_443._tcp.%s.%s.%s.%s IN TLSA 3 1 1 %s\n' "$l63" "$l63" "$l63" "$l50" "$K2" >"$T/rel.rr"

run "$TLSA" zone snippet -r "$T/label.rr"
check $(( rc != 1 )) "snippet refuses a record whose owner has a 64-byte label (exit 1)"
has "tlsa zone: $T/label.rr: line 2: not a valid domain name: '_443._tcp.${l63}b.example.org.' has a label longer than 63 bytes" \
	"the refusal names the file and line of the record and says why"
[ ! -s "$T/out" ]
ok $? "and prints no snippet"
run "$TLSA" zone snippet -r "$T/long.rr"
check $(( rc != 1 )) "snippet refuses a record whose owner is over 255 bytes"
has "$T/long.rr: line 1: not a valid domain name:" "that refusal names the record too"
has "is longer than a domain name can be (255 bytes)" "and says the name is too long"
run "$TLSA" zone snippet --origin example.org -r "$T/rel.rr"
check $(( rc != 1 )) "snippet refuses a relative owner that grows over 255 bytes under --origin"
has "$T/rel.rr: line 1: not a valid domain name:" "that refusal names the record"
has "under example.org. is longer than a domain name can be" "and says it is too long under the origin"

printf '_443._tcp.a\033[31mred.example.org. IN TLSA 3 1 1 %s\n' "$K2" >"$T/esc.rr"
run "$TLSA" zone snippet -r "$T/esc.rr"
check $(( rc != 1 )) "snippet refuses a record whose owner holds a control character"
has "$T/esc.rr: line 1: not a valid domain name: '_443._tcp.a\\027[31mred.example.org.' has a space or control character in it" \
	"the refusal shows it as \\027, never the raw byte"

fresh generate.zone
for rr in label long rel; do
	run "$TLSA" zone update -r "$T/$rr.rr" "$Z"
	check $(( rc != 1 )) "update refuses the $rr.rr record (exit 1)"
	case $err in *.tlsa-*) ok 1 "the refusal of $rr.rr names no temp file"; comment "$err" ;;
	*) ok 0 "the refusal of $rr.rr names no temp file" ;; esac
done
has "the owner of a record given '_443._tcp." "an owner too long under the SOA's owner is named as a record's owner"
same "$Z" "$Z.orig" "and the zone is untouched"

done_testing
