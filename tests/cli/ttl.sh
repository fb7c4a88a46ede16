#!/bin/bash
# One TTL grammar and limit (libtlsa's tlsa_ttl_parse) for `tlsa create
# --ttl` and `tlsa zone`: RFC 2181 section 8's 2^31-1.  A zone that
# already holds a larger TTL is read as BIND loads it (as 0), records
# tlsa writes are held to the limit.
#
#   TLSA=build/cmd/tlsa bash tests/cli/ttl.sh

if [ -z "${TLSA:-}" ] && [ -n "${top_builddir:-}" ]; then
	TLSA=$top_builddir/cmd/tlsa
fi
. "$(cd "$(dirname "$0")/.." && pwd)/lib.sh"

P=$top_srcdir/tests/data/example
H=11507a0e2f5e69d5dfa40a62a1bd7b6ee57e6bcd85c67c9b8431b36fff21c437

run "$TLSA" create -c "$P/mail.pem" --ttl 2147483647 -o rfc mail.example.org
ok $(( rc != 0 )) "create --ttl 2147483647 (2^31-1) is accepted"
like "$out" " 2147483647 IN TLSA " "create prints the TTL 2147483647 as given"

run "$TLSA" create -c "$P/mail.pem" --ttl 2147483648 -o rfc mail.example.org
is "$rc" 2 "create --ttl 2147483648 (2^31) is a usage error"
is "$(head -1 "$T/err")" "tlsa create: --ttl '2147483648': want seconds, or units such as 1h" \
	"the usage error names the TTL"

run "$TLSA" create -c "$P/mail.pem" --ttl 1h30 -o rfc mail.example.org
is "$rc" 2 "create --ttl 1h30 is a usage error (a bare number only on its own)"

zone() {
	cat >"$T/z.zone" <<ZONE
\$ORIGIN example.org.
\$TTL $1
@ 3600 IN SOA ns1 hostmaster 2024010101 2h 1h 1w 1d
@ IN NS ns1
ns1 IN A 192.0.2.1
ZONE
}

zone 3000000000
printf '_443._tcp.www.example.org. 300 IN TLSA 3 1 1 %s\n' "$H" >"$T/rr"
run "$TLSA" zone update -r "$T/rr" --serial increment "$T/z.zone"
is "$rc" 0 "a zone whose \$TTL is above 2^31-1 is edited (read as 0, as BIND loads it)"
grep -q '^\$TTL 3000000000$' "$T/z.zone"
ok $? "the zone's own \$TTL line is kept byte for byte"
grep -q "^_443._tcp.www.example.org. 300 IN TLSA 3 1 1 $H" "$T/z.zone" ||
	grep -q "^_443._tcp.www 300 IN TLSA 3 1 1 $H" "$T/z.zone"
ok $? "the new record is in the zone"

zone 3600
printf '_443._tcp.www.example.org. 2147483648 IN TLSA 3 1 1 %s\n' "$H" >"$T/rr"
cp "$T/z.zone" "$T/z.orig"
run "$TLSA" zone update -r "$T/rr" "$T/z.zone"
is "$rc" 1 "a record to write with a TTL above 2^31-1 is refused"
has "TTL above 2147483647 (RFC 2181 section 8)" "the error says why"
cmp -s "$T/z.zone" "$T/z.orig"
ok $? "nothing is written when a record's TTL is refused"

zone 1h30
cp "$T/z.zone" "$T/z.orig"
printf '_443._tcp.www.example.org. IN TLSA 3 1 1 %s\n' "$H" >"$T/rr"
run "$TLSA" zone update -r "$T/rr" "$T/z.zone"
is "$rc" 1 "a zone whose \$TTL is 1h30 is refused, as BIND and Knot refuse it"
has 'bad $TTL' "the error names the \$TTL"

done_testing
