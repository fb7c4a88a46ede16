#!/bin/bash
# shellcheck disable=SC2154 # rc, out and err are set by lib.sh's run
# scripts/provision-example as a provisioning pipeline meets it (issue 11,
# item 16): errors cite the user's manifest and its line (not a temporary
# copy that is gone by the time anyone reads the message), and a manifest,
# its certificates, the zone files and TMPDIR may all have spaces in their
# paths.  Where records land is tested in zone-scripts.sh.
#
#   TLSA=build/cmd/tlsa bash tests/cli/provision.sh

# shellcheck source=tests/lib.sh
. "$(cd "$(dirname "$0")/.." && pwd)/lib.sh"
need_our_tlsa
command -v ldns-read-zone >/dev/null || { echo "1..0 # SKIP ldns-read-zone (ldnsutils) not installed"; exit 0; }
export TLSA
PROV=$top_srcdir/scripts/provision-example
EX=$top_srcdir/tests/data/example
OLD=cba06b5736faf67e54b07b561eae94395e774c517a7d910a54369e1263ccfbd4

tlsa_set() {
	ldns-read-zone "$1" 2>/dev/null | awk -v o="$2" '$1 == o && $4 == "TLSA" { print $5, $6, $7, $8 }' | sort
}

D="$T/my provisioning"
mkdir -p "$D/certs" "$T/tmp dir"
cp "$EX/mail.pem" "$EX/fullchain.pem" "$D/certs/"
cat >"$D/org zone" <<EOF
\$TTL 3600
\$ORIGIN example.org.
@	IN	SOA	ns1 hostmaster 1 7200 3600 604800 86400
	IN	NS	ns1
ns1	IN	A	192.0.2.1
_443._tcp.old	IN	TLSA	3 1 1 $OLD
EOF
cp "$D/org zone" "$D/org.orig"
cat >"$D/hosts manifest" <<EOF
# host          port      certificate (relative to this file)
mail.example.org 25        certs/mail.pem

old.example.org  443       -
www.example.org  443       certs/fullchain.pem   3,1,1 2,1,1
EOF

# ---- paths with spaces -------------------------------------------------------

run env TMPDIR="$T/tmp dir" sh "$PROV" "$D/hosts manifest" example.org="$D/org zone"
is "$rc" 0 "a manifest, certificates, zone and TMPDIR with spaces in their paths work"
is "$(tlsa_set "$D/org zone" _25._tcp.mail.example.org.)" \
	"$("$TLSA" create -q -c "$EX/mail.pem" -o rdata)" \
	"a certificate relative to a manifest in a directory with a space is found"
is "$(tlsa_set "$D/org zone" _443._tcp.www.example.org. | wc -l)" 2 "both records of a line land"
is "$(tlsa_set "$D/org zone" _443._tcp.old.example.org.)" "" "a '-' line removes its set"
is "$(find "$T/tmp dir" -mindepth 1 | wc -l)" 0 "the temporary directory is gone afterwards"

# A relative TLSA still names the program although create runs elsewhere.
cp "$D/org.orig" "$D/org zone"
tdir=$(cd "$(dirname "$TLSA")" && pwd)
run sh -c 'cd "$1" && TLSA=./tlsa sh "$2" "$3" example.org="$4"' sh \
	"$tdir" "$PROV" "$D/hosts manifest" "$D/org zone"
is "$rc" 0 "a relative TLSA path works"

# ---- errors cite the user's manifest and line ----------------------------------

cp "$D/org.orig" "$D/org zone"
cat >"$D/bad manifest" <<EOF
# a comment, then a blank line, then a removal: line numbers must survive

old.example.org  443       -
mail.example.org 25        certs/nope.pem
EOF
run sh "$PROV" "$D/bad manifest" example.org="$D/org zone"
is "$rc" 1 "a manifest naming a missing certificate fails"
like "$err" "^tlsa create: $T/my provisioning/bad manifest: line 4: certs/nope.pem: " \
	"the error names the user's manifest and the line it is on"
if printf '%s' "$err" | grep -q "tlsa-provision\|: -: "; then
	ok 1 "no message names the temporary copy"
else
	ok 0 "no message names the temporary copy"
fi
cmp -s "$D/org.orig" "$D/org zone"
ok $? "and no zone is touched"

printf 'mail.example.org 25 certs/mail.pem 3,1,3\n' >"$D/params manifest"
run sh "$PROV" "$D/params manifest" example.org="$D/org zone"
like "$err" "^tlsa create: $T/my provisioning/params manifest: line 1: bad record parameters" \
	"a bad parameter names the manifest and line"

printf '# one comment\nmail.example.com 25 certs/mail.pem\n' >"$D/other manifest"
run sh "$PROV" "$D/other manifest" example.org="$D/org zone"
is "$rc" 1 "an owner under none of the zones fails"
like "$err" "^provision-example: $T/my provisioning/other manifest: line 2: _25._tcp.mail.example.com. is in none of the zones" \
	"and names the manifest line that gave it"

printf '\nold.example.com 443 -\n' >"$D/rm manifest"
run sh "$PROV" "$D/rm manifest" example.org="$D/org zone"
like "$err" "^provision-example: $T/my provisioning/rm manifest: line 2: _443._tcp.old.example.com. is in none" \
	"a removal under none of the zones names its line"

printf 'old.example.org https -\n' >"$D/port manifest"
run sh "$PROV" "$D/port manifest" example.org="$D/org zone"
is "$rc" 1 "a removal with a bad port fails"
like "$err" "^provision-example: $T/my provisioning/port manifest: line 1: want HOST PORT" \
	"and names the line"
cmp -s "$D/org.orig" "$D/org zone"
ok $? "and no zone is touched"

done_testing
