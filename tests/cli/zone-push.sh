#!/bin/bash
# tlsa zone push from the outside, with no DNS server: --dry-run's
# nsupdate text agrees with `tlsa create -o nsupdate`, TSIG key files are
# refused when others may read them and their secrets never printed,
# usage errors, a server that never answers; and zone update beside a
# server journal (refused, --frozen, --freeze/--thaw, --reload only after
# a change).  The live pushes to Knot and BIND are tests/live/zone-push.sh.
#
#   TLSA=build/cmd/tlsa bash tests/cli/zone-push.sh

. "$(cd "$(dirname "$0")/.." && pwd)/lib.sh"
need_our_tlsa
EX=$top_srcdir/tests/data/example
SECRET=kVn0gkJmYsXZ0d3sVSn+dqkPM7yTFBfz4Vfu5eHB7a0=

# ---- --dry-run ------------------------------------------------------------------

"$TLSA" create -q -c "$EX/fullchain.pem" --params 3,1,1 --params 2,1,1 \
	-p 25 mail.example.org >"$T/recs"
"$TLSA" create -q -c "$EX/mail.pem" -p 443 www.example.org >>"$T/recs"
"$TLSA" create -q -c "$EX/fullchain.pem" --params 3,1,1 --params 2,1,1 -o nsupdate \
	-p 25 mail.example.org >"$T/create.ns.1"
run "$TLSA" zone push -n -r "$T/recs"
check $rc "push --dry-run exits 0 without a server or key"
# One create -o nsupdate over both owners: a manifest says the same.
printf 'mail.example.org 25 %s 3,1,1 2,1,1\nwww.example.org 443 %s\n' \
	"$EX/fullchain.pem" "$EX/mail.pem" >"$T/manifest"
"$TLSA" create -q --manifest "$T/manifest" -o nsupdate >"$T/create.ns"
same "$T/out" "$T/create.ns" "push --dry-run prints what tlsa create -o nsupdate prints"
"$TLSA" create -q --manifest "$T/manifest" --ttl 300 >"$T/recs300"
"$TLSA" create -q --manifest "$T/manifest" --ttl 300 -o nsupdate >"$T/create300.ns"
run "$TLSA" zone push --dry-run -r "$T/recs300"
same "$T/out" "$T/create300.ns" "and so with a TTL given"
run "$TLSA" zone push -n -r "$T/recs" --remove _443._tcp.old.example.org.
like "$out" 'update delete _443\._tcp\.old\.example\.org\. TLSA$' \
	"a removal is a delete with no adds"
run "$TLSA" zone push -n --remove _443._tcp.old.example.org.
is "$out" "$(printf 'update delete _443._tcp.old.example.org. TLSA\nsend')" \
	"removals alone make an update too"

run "$TLSA" zone -q -r "$T/recs" push --dry-run
same "$T/out" "$T/create.ns" "zone's options may come before the push action"

# ---- usage --------------------------------------------------------------------------

run "$TLSA" zone push --server 127.0.0.1
check $((rc != 2)) "push without --records or --remove is a usage error (2)"
run "$TLSA" zone push -r "$T/recs" --server 'not an address'
check $((rc != 2)) "a --server that is not ADDR[@PORT] is a usage error"
has "bad --server" "and says which option"
run "$TLSA" zone push -r "$T/recs" --wait soon
check $((rc != 2)) "a bad --wait is a usage error"
run "$TLSA" zone push -n -r "$T/recs" --remove _25._tcp.mail.example.org.
check $((rc != 2)) "an owner both given records and removed is a usage error"
printf '_443._tcp.www IN TLSA 3 1 1 abcd\n' >"$T/relative"
run "$TLSA" zone push -n -r "$T/relative"
check $((rc != 1)) "a relative owner is an error"
has "$T/relative: line 1:" "naming the file and line"
run "$TLSA" zone push --help
check $rc "push --help exits 0"
for opt in --records --remove --server --tsig-key --all-ns --wait --timeout --retries \
	--resolver --dry-run; do
	case $out in *"$opt"*) ;; *) ok 1 "push --help lists $opt"; continue ;; esac
	if ! sed 's/\\-/-/g' "$top_srcdir/man/tlsa-zone.1" | grep -q -e "$opt"; then
		ok 1 "the man page documents $opt"
		continue
	fi
	ok 0 "push --help and the man page list $opt"
done
lines=$(awk 'length > 79' "$T/out")
is "$lines" "" "push --help lines fit in 79 columns"

# ---- keys -----------------------------------------------------------------------------

printf 'key "tlsa-key" {\n\talgorithm hmac-sha256;\n\tsecret "%s";\n};\n' "$SECRET" >"$T/key"
chmod 644 "$T/key"
run "$TLSA" zone push -r "$T/recs" --server 127.0.0.1@9 --tsig-key "$T/key"
check $((rc != 1)) "a key file others can read is refused (exit 1)"
has "$T/key: key file is accessible to other users" "the message names the file"
case "$out$err" in *"$SECRET"*|*kVn0gk*) ok 1 "the secret is not printed" ;; *) ok 0 "the secret is not printed" ;; esac
run "$TLSA" zone push -n -r "$T/recs" --tsig-key "$T/key"
check $((rc != 1)) "even a dry run refuses such a key file"
chmod 660 "$T/key"
run "$TLSA" zone push -r "$T/recs" --server 127.0.0.1@9 --tsig-key "$T/key"
check $((rc != 1)) "a key file its group can write is refused"
printf 'hmac-sha256:tlsa-key:%s!!\n' "${SECRET%=}" >"$T/badkey"
chmod 600 "$T/badkey"
run "$TLSA" zone push -r "$T/recs" --server 127.0.0.1@9 --tsig-key "$T/badkey"
check $((rc != 1)) "a key whose secret is not base64 is an error"
case "$out$err" in *kVn0gk*) ok 1 "whose secret is not printed either" ;; *) ok 0 "whose secret is not printed either" ;; esac
printf 'hmac-md5:tlsa-key:%s\n' "$SECRET" >"$T/md5key"
chmod 600 "$T/md5key"
run "$TLSA" zone push -r "$T/recs" --server 127.0.0.1@9 --tsig-key "$T/md5key"
has "TSIG algorithm not supported" "an hmac-md5 key is refused as such"

# ---- a server that never answers ------------------------------------------------------

if command -v python3 >/dev/null; then
	python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(4)
print(s.getsockname()[1], flush=True)
conns = []
while True:
    c, _ = s.accept(); conns.append(c)
' >"$T/port" &
	silent=$!
	for _ in 1 2 3 4 5 6 7 8 9 10; do [ -s "$T/port" ] && break; sleep 0.1; done
	chmod 600 "$T/key"
	start=$(date +%s)
	run "$TLSA" zone push -r "$T/recs" --server "127.0.0.1@$(cat "$T/port")" --tsig-key "$T/key" \
		--timeout 1
	took=$(($(date +%s) - start))
	check $((rc != 1)) "a server that accepts and never answers is exit 1"
	check $((took > 3)) "within the timeout (took ${took}s)"
	has "no answer within 1000 ms" "the message says no answer came"
	kill "$silent" 2>/dev/null
	wait "$silent" 2>/dev/null
else
	skip "python3 is needed for a silent server"
fi

# ---- zone update beside a server journal -------------------------------------------

cat >"$T/z.zone" <<'ZONE'
$ORIGIN example.org.
$TTL 3600
@	IN SOA ns.example.org. hostmaster.example.org. 2026010101 7200 3600 1209600 300
	IN NS ns
ns	IN A 192.0.2.53
ZONE
cp "$T/z.zone" "$T/z.orig"
origin=example.org.
printf '_443._tcp.www.%s IN TLSA 3 1 1 %s\n' "$origin" \
	0000000000000000000000000000000000000000000000000000000000000001 >"$T/z.rr"
: >"$T/z.zone.jnl"
run "$TLSA" zone update -r "$T/z.rr" "$T/z.zone"
check $((rc != 1)) "zone update refuses a zone file with a BIND journal beside it"
has "z.zone.jnl" "naming the journal"
has "tlsa zone push" "pointing at zone push"
has "rndc freeze" "and at freezing the zone"
same "$T/z.zone" "$T/z.orig" "and leaves the file as it was"
run "$TLSA" zone update -n -r "$T/z.rr" "$T/z.zone"
check $rc "a dry run beside a journal still shows the diff"
run "$TLSA" zone update --freeze "echo froze >>$T/hooks" --thaw "echo thawed >>$T/hooks" \
	--reload "echo reloaded >>$T/hooks" -r "$T/z.rr" "$T/z.zone"
check $rc "with --freeze and --thaw the edit goes ahead"
is "$(tr '\n' ' ' <"$T/hooks")" "froze thawed reloaded " \
	"freeze runs before, thaw after, reload after a change"
rm -f "$T/hooks"
run "$TLSA" zone update --frozen --reload "echo reloaded >>$T/hooks" -r "$T/z.rr" "$T/z.zone"
check $rc "--frozen edits beside a journal"
[ ! -e "$T/hooks" ]; ok $? "--reload does not run when nothing changed"
run "$TLSA" zone update --thaw true -r "$T/z.rr" "$T/z.zone"
check $((rc != 2)) "--thaw without --freeze is a usage error"
run "$TLSA" zone update --frozen --reload false --remove "_443._tcp.www.$origin" "$T/z.zone"
check $((rc != 1)) "a failing --reload command is exit 1"
has "--reload command failed" "and says so"
rm -f "$T/z.zone.jnl"
mkdir -p "$T/journal" && : >"$T/journal/data.mdb"
run "$TLSA" zone update -r "$T/z.rr" "$T/z.zone"
check $((rc != 1)) "a Knot journal in the zone file's directory is refused too"
has "journal/data.mdb" "naming it"

# ---- the certbot hook and provision-example in push mode --------------------------------

mkdir -p "$T/le/archive/mail" "$T/le/live/mail"
cp "$EX/fullchain.pem" "$T/le/archive/mail/fullchain1.pem"
ln -s ../../archive/mail/fullchain1.pem "$T/le/live/mail/fullchain.pem"
run env RENEWED_LINEAGE="$T/le/live/mail" RENEWED_DOMAINS="mail.example.org" \
	TLSA_HOOK_CONF="$T/none.conf" TLSA_MODE=push TLSA_PUSH_OPTS=--dry-run \
	TLSA_SERVICES="25/tcp" TLSA="$TLSA" sh "$top_srcdir/scripts/certbot-deploy-hook"
check $rc "the certbot hook in push mode needs no TLSA_ZONEFILE"
"$TLSA" create -q -c "$EX/fullchain.pem" -p 25 -o nsupdate mail.example.org >"$T/hook.want"
same "$T/out" "$T/hook.want" "and hands the renewed chain's records to zone push"
run env RENEWED_LINEAGE="$T/le/live/mail" RENEWED_DOMAINS="mail.example.org" \
	TLSA_HOOK_CONF="$T/none.conf" TLSA_MODE=push TLSA_SERVER=127.0.0.1@9 \
	TLSA_TSIG_KEY="$T/key" TLSA="$TLSA" sh "$top_srcdir/scripts/certbot-deploy-hook"
check $((rc != 1)) "the hook in push mode fails (exit 1) when the push fails"
has "tlsa zone: " "and tlsa zone says why"
run env RENEWED_LINEAGE="$T/le/live/mail" RENEWED_DOMAINS="mail.example.org" \
	TLSA_HOOK_CONF="$T/none.conf" TLSA_MODE=ftp TLSA="$TLSA" \
	sh "$top_srcdir/scripts/certbot-deploy-hook"
check $((rc != 1)) "an unknown TLSA_MODE is an error"

printf 'mail.example.org 25 %s\nwww.example.net 443 %s\nold.example.org 443 -\n' \
	"$EX/fullchain.pem" "$EX/mail.pem" >"$T/prov.manifest"
run env TLSA="$TLSA" sh "$top_srcdir/scripts/provision-example" -n "$T/prov.manifest" \
	example.org=@127.0.0.1 example.net=@
check $rc "provision-example -n with ORIGIN=@SERVER prints updates"
like "$out" '^update delete _443\._tcp\.old\.example\.org\. TLSA$' \
	"a service marked - is a delete in its zone's update"
is "$(grep -c '^send$' "$T/out")" 2 "one update per zone"
like "$(grep -A1 '_25._tcp.mail' "$T/out" | head -1)" '^update delete _25\._tcp\.mail\.example\.org\. TLSA$' \
	"each owner's delete comes before its adds"

done_testing
