#!/bin/bash
# tlsa zone must never write a zone a server refuses, nor call a run that
# did nothing a success:
#  - records for an owner that is a CNAME are refused, naming the CNAME's
#    target (RFC 7671 section 7: update the target's records instead);
#  - --check refuses a new zone with CNAME and other data at one name;
#  - an empty record stream is an error, --remove of an owner with no
#    TLSA RRset says so, --include of a snippet the zone does not
#    $INCLUDE is an error;
#  - --unchanged-status N gives scripts "unchanged" as an exit status.
#
#   TLSA=build/cmd/tlsa bash tests/cli/zone-safety.sh

. "$(cd "$(dirname "$0")/.." && pwd)/lib.sh"
need_our_tlsa

OLD=cba06b5736faf67e54b07b561eae94395e774c517a7d910a54369e1263ccfbd4
NEW=11507a0e2f5e69d5dfa40a62a1bd7b6ee57e6bcd85c67c9b8431b36fff21c437

# nsd_loads FILE SENTENCE: nsd-checkzone accepts FILE (skipped without NSD).
nsd_loads() {
	if ! command -v nsd-checkzone >/dev/null; then
		skip "nsd-checkzone not installed (nsd)"
		return
	fi
	nsd-checkzone example.org "$1" >"$T/nsd.out" 2>&1
	local r=$?
	ok $r "$2"
	[ $r -eq 0 ] || comment "$(cat "$T/nsd.out")"
}

# ---- records at a CNAME owner --------------------------------------------------

# RFC 7671 section 7: the submission service's TLSA owner is an alias of
# the SMTP one, so both are kept by updating one set.
cat >"$T/cname.zone" <<EOF
\$TTL 3600
\$ORIGIN example.org.
@	IN	SOA	ns1 hostmaster 2024010101 7200 3600 604800 86400
	IN	NS	ns1
ns1	IN	A	192.0.2.1
mail	IN	A	192.0.2.25
_25._tcp.mail	IN	TLSA	3 1 1 $OLD
_587._tcp.mail	IN	CNAME	_25._tcp.mail
EOF
cp "$T/cname.zone" "$T/cname.orig"
nsd_loads "$T/cname.zone" "the zone with the RFC 7671 alias loads in NSD as it is"
printf '_587._tcp.mail.example.org. IN TLSA 3 1 1 %s\n' "$NEW" >"$T/587.rr"
run "$TLSA" zone update -r "$T/587.rr" "$T/cname.zone"
check $(( rc != 1 )) "records for an owner that is a CNAME are refused (exit 1)"
same "$T/cname.zone" "$T/cname.orig" "the refused zone is untouched (no record, no serial bump)"
has "_587._tcp.mail.example.org." "the refusal names the CNAME's owner"
has "CNAME for _25._tcp.mail.example.org." "the refusal names the CNAME's target"
has "update the records of _25._tcp.mail.example.org. instead" \
	"the refusal says to update the target's records instead"
has "line 8:" "the refusal names the line of the CNAME"

run "$TLSA" zone update --check -r "$T/587.rr" "$T/cname.zone"
check $(( rc != 1 )) "with --check too, records at a CNAME owner are refused"
same "$T/cname.zone" "$T/cname.orig" "and the zone is untouched"

run "$TLSA" zone update -n -r "$T/587.rr" "$T/cname.zone"
check $(( rc != 1 || ${#out} != 0 )) "a dry run of records at a CNAME owner fails and prints no diff"

# The CNAME before the records' place, a blank owner, an upper-case name,
# the generic form and a relative record owner: all the same owner.
cat >"$T/cname2.zone" <<EOF
\$TTL 3600
\$ORIGIN example.org.
@	IN	SOA	ns1 hostmaster 7 7200 3600 604800 86400
	IN	NS	ns1
_25._tcp.mail	IN	TLSA	3 1 1 $OLD
_465._TCP.Mail	3600	IN	TXT	"submissions"
	IN	TYPE5	\# 15 035f3235045f746370046d61696c00
EOF
cp "$T/cname2.zone" "$T/cname2.orig"
printf '_465._tcp.mail IN TLSA 3 1 1 %s\n' "$NEW" >"$T/465.rr"
run "$TLSA" zone update -r "$T/465.rr" "$T/cname2.zone"
check $(( rc != 1 )) "a CNAME in generic form under a blank owner, named in another case, is found"
same "$T/cname2.zone" "$T/cname2.orig" "and the zone is untouched"
has "CNAME for _25._tcp.mail." "the generic CNAME's target is shown as a name"

# A CNAME in an $INCLUDEd file counts too.
mkdir -p "$T/inc"
cat >"$T/inc/main.zone" <<EOF
\$ORIGIN example.org.
\$TTL 3600
@	IN	SOA	ns1 hostmaster 9 7200 3600 604800 86400
	IN	NS	ns1
\$INCLUDE aliases.inc
EOF
printf '_587._tcp.mail IN CNAME _25._tcp.mail\n' >"$T/inc/aliases.inc"
cp "$T/inc/main.zone" "$T/inc/main.orig"
run "$TLSA" zone update -r "$T/587.rr" "$T/inc/main.zone"
check $(( rc != 1 )) "a CNAME in an included file stops records at its owner"
has "aliases.inc: line 1:" "the refusal names the included file and line"
same "$T/inc/main.zone" "$T/inc/main.orig" "and the zone is untouched"

# Kept in a snippet: the snippet is served in the same zone.
cat >"$T/inc/snip.zone" <<EOF
\$ORIGIN example.org.
\$TTL 3600
@	IN	SOA	ns1 hostmaster 9 7200 3600 604800 86400
	IN	NS	ns1
_587._tcp.mail IN CNAME _25._tcp.mail
\$INCLUDE tlsa.inc
EOF
cp "$T/inc/snip.zone" "$T/inc/snip.orig"
run "$TLSA" zone update --include "$T/inc/tlsa.inc" -r "$T/587.rr" "$T/inc/snip.zone"
check $(( rc != 1 )) "records for a CNAME owner are refused in an --include snippet too"
[ ! -e "$T/inc/tlsa.inc" ]
check $? "and no snippet is written"
same "$T/inc/snip.zone" "$T/inc/snip.orig" "and the zone is untouched"

# The way RFC 7671 means: update the target; removing the alias's stray
# set (a zone broken by hand) is allowed.
printf '_25._tcp.mail.example.org. IN TLSA 3 1 1 %s\n' "$NEW" >"$T/25.rr"
run "$TLSA" zone update -r "$T/25.rr" "$T/cname.zone"
check $(( rc != 0 )) "records for the CNAME's target are updated"
nsd_loads "$T/cname.zone" "and NSD loads the result"
printf '_587._tcp.mail\tIN\tTLSA\t3 1 1 %s\n' "$OLD" >>"$T/cname.zone"
run "$TLSA" zone update --remove _587._tcp.mail.example.org. "$T/cname.zone"
check $(( rc != 0 )) "--remove of a TLSA set beside a CNAME is allowed (it repairs the zone)"
grep -q "^_587._tcp.mail	IN	TLSA" "$T/cname.zone"
check $(( $? == 0 )) "and the stray set is gone"

# ---- --check: CNAME and other data -------------------------------------------

cat >"$T/other.zone" <<EOF
\$TTL 3600
\$ORIGIN example.org.
@	IN	SOA	ns1 hostmaster 100 7200 3600 604800 86400
	IN	NS	ns1
ns1	IN	A	192.0.2.1
www	IN	A	192.0.2.80
ftp	IN	CNAME	www
mail	IN	A	192.0.2.25
ftp	IN	TXT	"files"
EOF
cp "$T/other.zone" "$T/other.orig"
run "$TLSA" zone update --check -r "$T/25.rr" "$T/other.zone"
check $(( rc != 1 )) "--check refuses a new zone with a CNAME and other data at one name"
same "$T/other.zone" "$T/other.orig" "and the zone is untouched"
has "line 9:" "the refusal names the line of the other data"
has "ftp.example.org." "the refusal names the owner"
has "CNAME of line 7" "the refusal names the CNAME's line"
run "$TLSA" zone serial --check "$T/other.zone"
check $(( rc != 1 )) "zone serial --check refuses it too"
same "$T/other.zone" "$T/other.orig" "and the zone is untouched"

# The other data first and the CNAME after it, in another file.
cat >"$T/inc/other.zone" <<EOF
\$ORIGIN example.org.
\$TTL 3600
@	IN	SOA	ns1 hostmaster 9 7200 3600 604800 86400
	IN	NS	ns1
_587._tcp.mail IN TLSA 3 1 1 $OLD
\$INCLUDE aliases.inc
EOF
cp "$T/inc/other.zone" "$T/inc/other.orig"
run "$TLSA" zone serial --check "$T/inc/other.zone"
check $(( rc != 1 )) "--check finds other data written before a CNAME in an included file"
same "$T/inc/other.zone" "$T/inc/other.orig" "and the zone is untouched"

# DNSSEC records may sit beside a CNAME (RFC 4035 section 2.5).
cat >"$T/signed.zone" <<EOF
\$TTL 3600
\$ORIGIN example.org.
@	IN	SOA	ns1 hostmaster 100 7200 3600 604800 86400
	IN	NS	ns1
ns1	IN	A	192.0.2.1
ftp	IN	CNAME	ns1
	IN	RRSIG	CNAME 13 3 3600 20300101000000 20200101000000 12345 example.org. YWJj
	IN	NSEC	ns1.example.org. CNAME RRSIG NSEC
EOF
run "$TLSA" zone serial --check --allow-signed "$T/signed.zone"
check $(( rc != 0 )) "--check lets RRSIG and NSEC records sit beside a CNAME"
run "$TLSA" zone serial --check "$T/cname.zone"
check $(( rc != 0 )) "--check passes a zone whose CNAME stands alone"

# ---- an empty record stream -----------------------------------------------------

cp "$T/cname.orig" "$T/e.zone"
cp "$T/e.zone" "$T/e.orig"
"$TLSA" create -c "$T/nonexistent.pem" -p 25 mail.example.org 2>/dev/null |
	"$TLSA" zone update -r - "$T/e.zone" >"$T/out" 2>"$T/err"
rc=$? err=$(cat "$T/err")
check $(( rc != 1 )) "the documented pipe from a create that failed is an error (exit 1)"
has "no records in -" "the error says there were no records on standard input"
same "$T/e.zone" "$T/e.orig" "and the zone is untouched"
: >"$T/empty.rr"
printf '; nothing yet\n\n# really\n' >"$T/comments.rr"
run "$TLSA" zone update -r "$T/comments.rr" "$T/e.zone"
check $(( rc != 1 )) "a record file of comments only is an error"
has "no records in $T/comments.rr" "the error names the record file"
run "$TLSA" zone update -r "$T/25.rr" -r "$T/empty.rr" "$T/e.zone"
check $(( rc != 1 )) "one empty record file among others is an error"
same "$T/e.zone" "$T/e.orig" "and the zone is untouched"
run "$TLSA" zone update -r "$T/empty.rr" --remove _443._tcp.www "$T/e.zone"
check $(( rc != 0 )) "an empty record file with --remove is not an error"
run "$TLSA" zone snippet -r - </dev/null
check $(( rc != 1 )) "a snippet of an empty record stream is an error"
has "no records in -" "and says so"

# --remove of a set that is not there: still exit 0, but said.
cp "$T/e.orig" "$T/e.zone"
run "$TLSA" zone update --remove _443._tcp.www "$T/e.zone"
check $(( rc != 0 )) "--remove of an owner with no TLSA set succeeds (exit 0)"
has "_443._tcp.www.example.org.: no TLSA records to remove" "and says there was nothing to remove"
same "$T/e.zone" "$T/e.orig" "and nothing is written"
run "$TLSA" zone update -q --remove _443._tcp.www "$T/e.zone"
check $(( rc != 0 || ${#err} != 0 )) "with -q the note is not printed"
run "$TLSA" zone update --remove _25._tcp.mail "$T/e.zone"
case $err in *"no TLSA records to remove"*) r=1 ;; *) r=0 ;; esac
check $(( rc != 0 || r )) "--remove of a set that is there says nothing of the kind"

# --include of a snippet the zone does not $INCLUDE.
cp "$T/e.orig" "$T/e.zone"
run "$TLSA" zone update --include "$T/stray.inc" -r "$T/25.rr" "$T/e.zone"
check $(( rc != 1 )) "--include of a snippet the zone does not \$INCLUDE is an error"
has "\$INCLUDE" "the error says the zone must \$INCLUDE it"
has "$T/stray.inc" "the error names the snippet"
[ ! -e "$T/stray.inc" ]
check $? "and no snippet is written"
same "$T/e.zone" "$T/e.orig" "and the zone is untouched"

# ---- --unchanged-status --------------------------------------------------------

cp "$T/e.orig" "$T/u.zone"
run "$TLSA" zone update --unchanged-status 3 -q -r "$T/25.rr" "$T/u.zone"
check $(( rc != 0 )) "--unchanged-status: a change still exits 0"
run "$TLSA" zone update --unchanged-status 3 -q -r "$T/25.rr" "$T/u.zone"
check $(( rc != 3 )) "--unchanged-status 3: nothing to change exits 3"
run "$TLSA" zone update -q -r "$T/25.rr" "$T/u.zone"
check $(( rc != 0 )) "without it nothing to change still exits 0"
run "$TLSA" zone update --unchanged-status 3 -n -r "$T/25.rr" "$T/u.zone"
check $(( rc != 3 )) "a dry run that would change nothing exits with it too"
run "$TLSA" zone update --unchanged-status 3 -n -r "$T/587.rr" "$T/u.zone"
check $(( rc != 1 )) "an error is still exit 1"
run "$TLSA" zone serial --unchanged-status 3 --serial keep "$T/u.zone"
check $(( rc != 3 )) "zone serial --serial keep is unchanged too"
for bad in 0 1 2 126 x ''; do
	run "$TLSA" zone update --unchanged-status "$bad" -r "$T/25.rr" "$T/u.zone"
	check $(( rc != 2 )) "--unchanged-status '$bad' is a usage error"
done
run "$TLSA" zone --help
case $out in *--unchanged-status*) r=0 ;; *) r=1 ;; esac
check $r "--help lists --unchanged-status"
sed 's/\\-/-/g' "$top_srcdir/man/tlsa-zone.1" | grep -q -e '--unchanged-status'
ok $? "the man page documents --unchanged-status"

done_testing
