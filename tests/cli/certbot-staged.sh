#!/bin/bash
# shellcheck disable=SC2154 # rc, out and err are set by lib.sh's run
# scripts/certbot-deploy-hook's staged mode, end to end: a certbot lineage
# (a fake certbot that renews as `certbot renew --reuse-key` does: a new
# certificate for the key live/NAME/privkey.pem holds, saved as the next
# version in archive/, then the deploy hooks run), a zone, and the hook:
#   - a deploy run makes the next key (0600) and publishes it beside the
#     current chain's record: current + next;
#   - --rotate refuses while the next key's record is not published (the
#     tlsa check --candidate-only it runs fails), and changes nothing;
#   - once published, --rotate renews with the next key, and the deploy
#     run that follows makes it current and publishes a new next key;
#   - a failed renewal gives the lineage its own key back.
#
#   TLSA=build/cmd/tlsa bash tests/cli/certbot-staged.sh

if [ -z "${TLSA:-}" ] && [ -n "${top_builddir:-}" ]; then
	TLSA=$top_builddir/cmd/tlsa
fi
# shellcheck source=tests/lib.sh
. "$(cd "$(dirname "$0")/.." && pwd)/lib.sh"
case $TLSA in /*) ;; */*) TLSA=$PWD/$TLSA ;; esac
need_our_tlsa
need_tools openssl ldns-read-zone
export TLSA
HOOK=$top_srcdir/scripts/certbot-deploy-hook
cd "$T" || exit 1
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
spki() { openssl pkey -in "$1" -pubout -outform DER 2>/dev/null | sha256sum | cut -c1-64; }
# tlsa_set: the TLSA records at the mail host's owner, canonical and sorted.
tlsa_set() {
	ldns-read-zone zone 2>/dev/null |
		awk '$1 == "_25._tcp.mail.example.org." && $4 == "TLSA" { print $5, $6, $7, $8 }' | sort
}
sorted() { printf '%s\n' "$@" | sort; }

# A CA, and the lineage certbot made first (version 1, key1).
key ca.key
openssl req -x509 -new -key ca.key -out ca.pem -days 3650 -subj "/CN=Test CA" \
	-addext basicConstraints=critical,CA:true 2>/dev/null
mkdir -p le/archive/mail le/live/mail le/renewal-hooks/deploy
# issue VERSION: a certificate for the key live/mail/privkey.pem holds now,
# saved as certbot saves version VERSION of a lineage (shared with the fake
# certbot below, which the hook runs with sh: no exported functions).
cat >issue.sh <<'EOS'
issue() {
	local v=$1 k
	k=$(readlink -f le/live/mail/privkey.pem)
	[ "$v" = 1 ] && k=le/archive/mail/privkey1.pem
	openssl req -new -key "$k" -subj /CN=mail.example.org -out "le/v$v.csr" 2>/dev/null &&
		printf 'subjectAltName=DNS:mail.example.org\n' >le/san.ext &&
		openssl x509 -req -in "le/v$v.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 90 \
			-extfile le/san.ext -out "le/archive/mail/cert$v.pem" 2>/dev/null || return 1
	[ "$v" = 1 ] || cp "$k" "le/archive/mail/privkey$v.pem"
	cp ca.pem "le/archive/mail/chain$v.pem"
	cat "le/archive/mail/cert$v.pem" ca.pem >"le/archive/mail/fullchain$v.pem"
	for f in cert chain fullchain privkey; do
		ln -sfn "../../archive/mail/$f$v.pem" "le/live/mail/$f.pem"
	done
}
EOS
. ./issue.sh
key le/archive/mail/privkey1.pem
issue 1
ok $? "a certbot lineage at version 1 was made"
key1=$(spki le/archive/mail/privkey1.pem)

# The fake certbot: only `renew --cert-name mail --force-renewal --reuse-key`.
cat >certbot <<'EOS'
#!/bin/bash
[ "$*" = "renew --cert-name mail --force-renewal --reuse-key" ] || { echo "fake certbot: $*" >&2; exit 2; }
[ -e fail-renewal ] && { echo "fake certbot: the CA said no" >&2; exit 1; }
. ./issue.sh
n=$(ls le/archive/mail/cert*.pem | wc -l)
issue $((n + 1)) || exit 1
echo "$*" >>certbot.log
RENEWED_LINEAGE=$PWD/le/live/mail RENEWED_DOMAINS=mail.example.org sh "$HOOK"
EOS
chmod +x certbot
export HOOK
cat >zone <<EOF
\$TTL 3600
\$ORIGIN example.org.
@	IN	SOA	ns1 hostmaster 2024010101 7200 3600 604800 86400
	IN	NS	ns1
ns1	IN	A	192.0.2.1
mail	IN	A	192.0.2.25
_25._tcp.mail	IN	TLSA	3 1 1 $key1
EOF
export TLSA_HOOK_CONF=$T/none.conf TLSA_ZONEFILE=$T/zone TLSA_SERVICES=25/tcp \
	TLSA_STAGE_DIR=$T/stage TLSA_CERTBOT=$T/certbot TLSA_RELOAD="echo reload >>'$T/reloads'"
# The readiness check reads the records published in the zone file.
export TLSA_CHECK_OPTS="--tlsa-file $T/published"
publish() { ldns-read-zone zone 2>/dev/null | awk '$4 == "TLSA"' >published; }
deploy() { run env RENEWED_LINEAGE="$T/le/live/mail" RENEWED_DOMAINS=mail.example.org sh "$HOOK"; }

# ---- a deploy run: the next key is made and published ---------------------------
deploy
is "$rc" 0 "staged mode: a deploy run succeeds"
[ -f stage/next.key ] && [ "$(stat -c %a stage/next.key)" = 600 ]
ok $? "it made the next key, mode 0600"
next1=$(spki stage/next.key)
is "$(tlsa_set)" "$(sorted "3 1 1 $key1" "3 1 1 $next1")" \
	"the zone publishes the current key and the next one"
is "$(cat reloads 2>/dev/null)" "reload" "and the zone was reloaded"
deploy
is "$rc:$(spki stage/next.key)" "0:$next1" "a second deploy run keeps the same next key"
is "$(cat reloads)" "reload" "and changes nothing (no second reload)"

# ---- --rotate: not before the next key is published -------------------------------
cp zone zone.keep
sed -i "/$next1/d" zone # as if the name servers did not serve it yet
publish
cp -a le le.before
run sh "$HOOK" --rotate "$T/le/live/mail"
is "$rc" 1 "--rotate refuses while the next key's record is not published (exit 1)"
echo "$err" | grep -qF "certbot-deploy-hook: not safe yet: the next key's record is not ready for mail.example.org 25/tcp"
ok $? "and says it is not safe yet, for which host and service"
echo "$out" | grep -qF "matches none of the published TLSA records"
ok $? "because tlsa check found the next key's record missing"
[ ! -e certbot.log ] && diff -r le le.before >/dev/null
ok $? "and neither certbot ran nor the lineage changed"
cp zone.keep zone
publish

# ---- a renewal that fails keeps the lineage's key ------------------------------------
touch fail-renewal
run sh "$HOOK" --rotate "$T/le/live/mail"
is "$rc" 1 "--rotate fails when certbot fails"
is "$(spki le/live/mail/privkey.pem)" "$key1" "and the lineage's own key is put back"
rm fail-renewal

# ---- --rotate once it is published: renewed with the next key --------------------------
run sh "$HOOK" --rotate "$T/le/live/mail"
is "$rc" 0 "--rotate renews once the next key's record is published"
is "$(cat certbot.log 2>/dev/null)" "renew --cert-name mail --force-renewal --reuse-key" \
	"it ran certbot renew --reuse-key for the lineage"
is "$(openssl x509 -in le/live/mail/cert.pem -noout -pubkey | openssl pkey -pubin -outform DER | sha256sum | cut -c1-64)" \
	"$next1" "the renewed certificate is for the key published in advance"
is "$(spki le/live/mail/privkey.pem)" "$next1" "and the lineage's key is that key"
is "$(spki stage/current.key)" "$next1" "the next key became the current one"
next2=$(spki stage/next.key)
[ "$next2" != "$next1" ] && [ "$(stat -c %a stage/next.key)" = 600 ]
ok $? "and a new next key was made, mode 0600"
is "$(tlsa_set)" "$(sorted "3 1 1 $next1" "3 1 1 $key1" "3 1 1 $next2")" \
	"the zone publishes the new current key, the previous one (still served until reload) and the new next key"
is "$(wc -l <reloads)" 2 "and the zone was reloaded"
[ ! -e "$(readlink -f le/archive/mail/privkey1.pem).tlsa-rotate" ]
ok $? "no copy of the old key is left behind"

# ---- usage ----------------------------------------------------------------------------
run env -u TLSA_STAGE_DIR sh "$HOOK" --rotate "$T/le/live/mail"
echo "$rc:$err" | grep -qF "1:certbot-deploy-hook: --rotate is for staged mode: set TLSA_STAGE_DIR"
ok $? "--rotate without TLSA_STAGE_DIR is an error that says so"

done_testing
