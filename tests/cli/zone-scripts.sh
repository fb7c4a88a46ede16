#!/bin/bash
# The pipeline scripts: scripts/certbot-deploy-hook (run as
# certbot would, with a fake live/archive lineage) and
# scripts/provision-example (a manifest of hosts and certificates into two
# zones).  Expected records come from `tlsa create` (tested on its own in
# create.sh); what is checked here is where they land, that a second run
# changes nothing, and when the reload command runs.
#
#   TLSA=build/cmd/tlsa bash tests/cli/zone-scripts.sh

if [ -z "${TLSA:-}" ] && [ -n "${top_builddir:-}" ]; then
	TLSA=$top_builddir/cmd/tlsa
fi
. "$(cd "$(dirname "$0")/.." && pwd)/lib.sh"

if ! "$TLSA" --version 2>/dev/null | grep -Eq '^tlsa [0-9]+\.[0-9]+\.[0-9]+$'; then
	echo "Bail out! $TLSA is not our tlsa (set TLSA=path/to/cmd/tlsa)"
	exit 1
fi
export TLSA
HOOK=$top_srcdir/scripts/certbot-deploy-hook
PROV=$top_srcdir/scripts/provision-example
EX=$top_srcdir/tests/data/example
OLD=cba06b5736faf67e54b07b561eae94395e774c517a7d910a54369e1263ccfbd4

comment() { printf '%s\n' "$1" | head -20 | sed 's/^/#   /'; }
check() {
	ok "$1" "$2"
	[ "$1" -eq 0 ] && return
	comment "exit $rc"
	comment "stdout: $out"
	comment "stderr: $err"
}
# tlsa_set ZONE OWNER: the TLSA records at OWNER, canonical and sorted.
tlsa_set() {
	ldns-read-zone "$1" 2>/dev/null | awk -v o="$2" '$1 == o && $4 == "TLSA" { print $5, $6, $7, $8 }' | sort
}
command -v ldns-read-zone >/dev/null || { echo "1..0 # SKIP ldns-read-zone (ldnsutils) not installed"; exit 0; }

# ---- certbot deploy hook ------------------------------------------------------

mkdir -p "$T/le/archive/mail" "$T/le/live/mail"
cp "$EX/ca.pem" "$T/le/archive/mail/cert1.pem"   # the certificate in use before
cp "$EX/mail.pem" "$T/le/archive/mail/cert2.pem" # the renewed one
cp "$EX/ca.pem" "$T/le/archive/mail/fullchain1.pem"
cp "$EX/fullchain.pem" "$T/le/archive/mail/fullchain2.pem"
ln -s ../../archive/mail/cert2.pem "$T/le/live/mail/cert.pem"
ln -s ../../archive/mail/fullchain2.pem "$T/le/live/mail/fullchain.pem"
cat >"$T/example.org.zone" <<EOF
; hand-kept; the hook changes only the TLSA set and the serial
\$TTL 3600
\$ORIGIN example.org.
@	IN	SOA	ns1 hostmaster 2024010101 7200 3600 604800 86400
	IN	NS	ns1
ns1	IN	A	192.0.2.1
mail	IN	A	192.0.2.25
_25._tcp.mail	IN	TLSA	3 1 1 $OLD
EOF
cp "$T/example.org.zone" "$T/zone.orig"
{
	"$TLSA" create -c "$EX/mail.pem" -p 25 mail.example.org
	"$TLSA" create -c "$EX/ca.pem" -p 25 mail.example.org 2>/dev/null
} | awk '{ print $4, $5, $6, $7 }' | sort >"$T/want"

hook() {
	run env RENEWED_LINEAGE="$T/le/live/mail" RENEWED_DOMAINS="mail.example.org *.example.org" \
		TLSA_HOOK_CONF="$T/none.conf" TLSA_ZONEFILE="$T/example.org.zone" \
		TLSA_SERVICES="25/tcp" TLSA_RELOAD="echo reload >>'$T/reloads'" "$@" sh "$HOOK"
}
hook
check $(( rc != 0 )) "the deploy hook succeeds on a renewal"
tlsa_set "$T/example.org.zone" _25._tcp.mail.example.org. >"$T/got"
cmp -s "$T/got" "$T/want"
check $? "the set holds the new certificate's record and the previous one's, and nothing else"
diff "$T/zone.orig" "$T/example.org.zone" | grep '^[<>]' | grep -v -e TLSA -e SOA
check $(( $? == 0 )) "only the TLSA set and the SOA line changed"
is "$(cat "$T/reloads" 2>/dev/null)" "reload" "the reload command ran once, after the change"
cp "$T/example.org.zone" "$T/after"
hook
check $(( rc != 0 )) "a second run of the hook succeeds"
cmp -s "$T/after" "$T/example.org.zone"
check $? "a second run changes nothing (the serial stays)"
is "$(cat "$T/reloads")" "reload" "a run that changed nothing does not reload"

printf 'TLSA_ZONEFILE=%s\nTLSA_SERVICES="25/tcp 465/tcp"\n' "$T/example.org.zone" >"$T/hook.conf"
run env RENEWED_LINEAGE="$T/le/live/mail" RENEWED_DOMAINS="mail.example.org" \
	TLSA_HOOK_CONF="$T/hook.conf" sh "$HOOK"
check $(( rc != 0 )) "the hook reads its settings from a config file"
[ -n "$(tlsa_set "$T/example.org.zone" _465._tcp.mail.example.org.)" ]
check $? "a service named in the config file gets its records"
run env RENEWED_LINEAGE="$T/le/live/mail" RENEWED_DOMAINS="mail.example.org" \
	TLSA_HOOK_CONF="$T/none.conf" sh "$HOOK"
check $(( rc != 1 )) "the hook without TLSA_ZONEFILE fails (exit 1)"
case $err in *TLSA_ZONEFILE*) r=0 ;; *) r=1 ;; esac
check $r "and says what to set"
cp "$T/example.org.zone" "$T/before"
run env RENEWED_LINEAGE="$T/le/live/mail" RENEWED_DOMAINS="mail.example.net" \
	TLSA_HOOK_CONF="$T/none.conf" TLSA_ZONEFILE="$T/example.org.zone" sh "$HOOK"
check $(( rc != 1 )) "a domain outside the zone makes the hook fail"
cmp -s "$T/before" "$T/example.org.zone"
check $? "and the zone is left as it was"

# ---- the hook with whole chains, -q, and a next key -----------------------------

# A lineage as certbot leaves it: fullchain1.pem (leaf and CA before) and
# fullchain2.pem (the renewed leaf and its CA).
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
mkdir -p "$T/le2/archive/mx" "$T/le2/live/mx" "$T/pki"
key "$T/pki/ca.key" && key "$T/pki/leaf.key" && key "$T/pki/next.key" &&
	openssl req -x509 -new -key "$T/pki/ca.key" -subj /CN=Old-CA -days 3650 \
		-addext basicConstraints=critical,CA:TRUE -out "$T/pki/ca.pem" 2>/dev/null &&
	openssl req -new -key "$T/pki/leaf.key" -subj /CN=mail.example.org -out "$T/pki/leaf.csr" \
		2>/dev/null &&
	openssl x509 -req -in "$T/pki/leaf.csr" -CA "$T/pki/ca.pem" -CAkey "$T/pki/ca.key" \
		-CAcreateserial -days 3650 -out "$T/pki/leaf.pem" 2>/dev/null &&
	openssl req -new -key "$T/pki/next.key" -subj /CN=mail.example.org -out "$T/pki/next.csr" \
		2>/dev/null
ok $? "openssl makes an old chain and a next key for the hook's lineage"
cat "$T/pki/leaf.pem" "$T/pki/ca.pem" >"$T/le2/archive/mx/fullchain1.pem"
cp "$EX/fullchain.pem" "$T/le2/archive/mx/fullchain2.pem"
cp "$EX/mail.pem" "$T/le2/archive/mx/cert2.pem"
ln -s ../../archive/mx/fullchain2.pem "$T/le2/live/mx/fullchain.pem"
ln -s ../../archive/mx/cert2.pem "$T/le2/live/mx/cert.pem"
cp "$T/zone.orig" "$T/chain.zone"
hook2() {
	run env RENEWED_LINEAGE="$T/le2/live/mx" RENEWED_DOMAINS="mail.example.org" \
		TLSA_HOOK_CONF="$T/none.conf" TLSA_ZONEFILE="$T/chain.zone" TLSA_SERVICES="25/tcp" \
		TLSA_PARAMS="3,1,1 2,1,1" TLSA_RELOAD="echo reload >>'$T/reloads2'" "$@" sh "$HOOK"
}
hook2
check $(( rc != 0 )) "the hook's own example TLSA_PARAMS=\"3,1,1 2,1,1\" works on a certbot lineage"
{
	"$TLSA" create -c "$EX/fullchain.pem" --params 3,1,1 --params 2,1,1 -p 25 mail.example.org
	"$TLSA" create -c "$T/le2/archive/mx/fullchain1.pem" --params 3,1,1 --params 2,1,1 \
		-p 25 mail.example.org
} | awk '{ print $4, $5, $6, $7 }' | sort >"$T/want2"
tlsa_set "$T/chain.zone" _25._tcp.mail.example.org. >"$T/got2"
cmp -s "$T/got2" "$T/want2"
check $? "the set holds 3 1 1 and 2 1 1 of the new chain and of the previous lineage's chain"
[ "$(wc -l <"$T/got2")" -eq 4 ] && grep -q '^2 1 1 ' "$T/got2"
check $? "four records, the issuers' 2 1 1 among them"
is "$(cat "$T/reloads2" 2>/dev/null)" "reload" "and the reload ran"

# -q in TLSA_ZONE_OPTS silences the report, not the reload.
cp "$T/zone.orig" "$T/quiet.zone"
quiet() {
	hook TLSA_ZONEFILE="$T/quiet.zone" TLSA_RELOAD="echo reload >>'$T/reloads3'" \
		TLSA_ZONE_OPTS="-q --check" "$@"
}
quiet
check $(( rc != 0 || ${#err} != 0 )) "the hook with -q in TLSA_ZONE_OPTS succeeds quietly"
is "$(cat "$T/reloads3" 2>/dev/null)" "reload" "with -q in TLSA_ZONE_OPTS a change still reloads"
quiet
check $(( rc != 0 )) "a second run with -q succeeds"
is "$(cat "$T/reloads3" 2>/dev/null)" "reload" "with -q in TLSA_ZONE_OPTS no change does not reload"
quiet TLSA_ZONEFILE="$T/missing.zone"
check $(( rc != 1 )) "a failed update with -q fails the hook"
is "$(cat "$T/reloads3" 2>/dev/null)" "reload" "and does not reload"

# A next key, published before it is used.
cp "$T/chain.zone" "$T/chain.before"
hook2 TLSA_NEXT_KEYS="$T/pki/next.csr"
check $(( rc != 0 )) "the hook publishes a next key's records (TLSA_NEXT_KEYS, a CSR)"
"$TLSA" create --csr "$T/pki/next.csr" -p 25 mail.example.org | awk '{ print $4, $5, $6, $7 }' >"$T/next"
tlsa_set "$T/chain.zone" _25._tcp.mail.example.org. | grep -qxF -f "$T/next"
check $? "the set holds the next key's 3 1 1 record"
[ "$(tlsa_set "$T/chain.zone" _25._tcp.mail.example.org. | wc -l)" -eq 5 ]
check $? "beside the four of the chains, with no 2 1 1 for the key"
hook2 TLSA_NEXT_KEYS="$T/pki/next.key" TLSA_PARAMS="2,1,1"
check $(( rc != 1 )) "a next key without a 3,1,M or 1,1,M entry in TLSA_PARAMS is an error"

# ---- provisioning from a manifest ---------------------------------------------

mkdir -p "$T/prov/certs"
cp "$EX/mail.pem" "$EX/fullchain.pem" "$T/prov/certs/"
cat >"$T/prov/org.zone" <<EOF
\$TTL 3600
\$ORIGIN example.org.
@	IN	SOA	ns1 hostmaster 1 7200 3600 604800 86400
	IN	NS	ns1
ns1	IN	A	192.0.2.1
_443._tcp.old	IN	TLSA	3 1 1 $OLD
EOF
cat >"$T/prov/net.zone" <<EOF
\$TTL 3600
\$ORIGIN example.net.
@	IN	SOA	ns1 hostmaster 2024010101 7200 3600 604800 86400
	IN	NS	ns1
ns1	IN	A	192.0.2.1
EOF
cat >"$T/prov/hosts.manifest" <<EOF
# host          port      certificate (relative to this file)   params
mail.example.org 25        certs/mail.pem
www.example.net  443       certs/fullchain.pem                   3,1,1 2,0,1
old.example.org  443       -
EOF
run sh "$PROV" "$T/prov/hosts.manifest" example.org="$T/prov/org.zone" example.net="$T/prov/net.zone"
check $(( rc != 0 )) "provision-example updates two zones from a manifest"
[ "$(tlsa_set "$T/prov/org.zone" _25._tcp.mail.example.org.)" = "$("$TLSA" create -c "$EX/mail.pem" -p 25 mail.example.org | awk '{ print $4, $5, $6, $7 }')" ]
check $? "each record lands in the zone its owner is under"
[ "$(tlsa_set "$T/prov/net.zone" _443._tcp.www.example.net. | wc -l)" -eq 2 ]
check $? "a service with two parameter sets gets both records"
[ -z "$(tlsa_set "$T/prov/org.zone" _443._tcp.old.example.org.)" ]
check $? "a '-' line removes that service's set"
cp "$T/prov/org.zone" "$T/prov/org.after"
cp "$T/prov/net.zone" "$T/prov/net.after"
run sh "$PROV" "$T/prov/hosts.manifest" example.org="$T/prov/org.zone" example.net="$T/prov/net.zone"
cmp -s "$T/prov/org.zone" "$T/prov/org.after" && cmp -s "$T/prov/net.zone" "$T/prov/net.after"
check $(( rc != 0 || $? )) "a second provisioning run changes nothing"
echo "mail.example.com 25 certs/mail.pem" >>"$T/prov/hosts.manifest"
run sh "$PROV" "$T/prov/hosts.manifest" example.org="$T/prov/org.zone" example.net="$T/prov/net.zone"
check $(( rc != 1 )) "an owner in none of the zones is an error"
cmp -s "$T/prov/org.zone" "$T/prov/org.after" && cmp -s "$T/prov/net.zone" "$T/prov/net.after"
check $? "and no zone is touched"

done_testing
