#!/bin/bash
# shellcheck disable=SC2154 # rc, out and err are set by lib.sh's run
# tlsa create --new-key FILE [--key-type TYPE]: staging the next key.
# The key is written with mode 0600, never over an existing file, and the
# record printed is the key's own (checked with the openssl CLI alone).
#
#   TLSA=build/cmd/tlsa bash tests/cli/create-newkey.sh

if [ -z "${TLSA:-}" ] && [ -n "${top_builddir:-}" ]; then
	TLSA=$top_builddir/cmd/tlsa
fi
# shellcheck source=tests/lib.sh
. "$(cd "$(dirname "$0")/.." && pwd)/lib.sh"
case $TLSA in /*) ;; */*) TLSA=$PWD/$TLSA ;; esac
need_our_tlsa
command -v openssl >/dev/null || skip_all "openssl CLI not installed"
cd "$T" || exit 1
spki() { openssl pkey -in "$1" -pubout -outform DER | sha256sum | cut -c1-64; }

run "$TLSA" create --new-key next.key -p 25 mx.example.org
is "$rc" 0 "--new-key writes a key and exits 0"
is "$out" "_25._tcp.mx.example.org. IN TLSA 3 1 1 $(spki next.key)" \
	"--new-key prints the 3 1 1 record of the key it wrote"
is "$(stat -c %a next.key)" 600 "the new key's file has mode 0600"
openssl pkey -in next.key -noout -text 2>/dev/null | grep -q 'ASN1 OID: prime256v1'
ok $? "the default key type is EC P-256"
[ -z "$(find . -name 'next.key.*')" ]
ok $? "no temporary file is left beside the key"

cp next.key before.key
run "$TLSA" create --new-key next.key -p 25 mx.example.org
is "$rc" 1 "--new-key over an existing file is an error (exit 1)"
is "$out" "" "and prints no record"
echo "$err" | grep -qxF "tlsa create: --new-key next.key: the file exists; it is never overwritten"
ok $? "and says the file exists and is never overwritten"
cmp -s next.key before.key
ok $? "and the existing file is unchanged"

umask 000
run "$TLSA" create --new-key loose.key -o rdata
is "$(stat -c %a loose.key)" 600 "the key is 0600 whatever the umask"
umask 022

for kt in ec:p384 rsa:3072 ed25519 RSA:2048; do
	run "$TLSA" create --new-key "k-$kt.key" --key-type "$kt" -o rdata
	is "$rc:$out" "0:3 1 1 $(spki "k-$kt.key")" "--key-type $kt makes a key and prints its record"
done
openssl pkey -in k-rsa:3072.key -noout -text 2>/dev/null | grep -q 'Private-Key: (3072 bit'
ok $? "rsa:3072 is a 3072-bit RSA key"
openssl pkey -in k-ed25519.key -noout -text 2>/dev/null | grep -qi 'ED25519 Private-Key'
ok $? "ed25519 is an Ed25519 key"

run "$TLSA" create --new-key both.key --params 3,1,1 --params 3,1,2 -o rdata
is "$(echo "$out" | wc -l)" 2 "--new-key with two --params prints two records"

# ---- usage errors write nothing ------------------------------------------------------
run "$TLSA" create --new-key bad.key --key-type dsa -o rdata
is "$rc" 2 "an unknown --key-type is a usage error (exit 2)"
echo "$err" | grep -qF "tlsa create: --key-type 'dsa': unknown (want ec:p256, "
ok $? "and names the type and the types there are"
[ ! -e bad.key ]
ok $? "and writes no file"
run "$TLSA" create --key-type ec:p384 -o rdata
is "$rc" 2 "--key-type without --new-key is a usage error"
run "$TLSA" create --new-key sel0.key --params 3,0,1 -o rdata
is "$rc" 2 "selector 0 (a certificate) with --new-key is a usage error"
[ ! -e sel0.key ]
ok $? "and writes no file"
run "$TLSA" create --new-key two.key --cert next.key -o rdata
is "$rc" 2 "--new-key with --cert is a usage error"
run "$TLSA" create --new-key pass.key --passin env:X -o rdata
is "$rc" 2 "--new-key with --passin is a usage error (the key is written unencrypted)"
run "$TLSA" create --new-key noowner.key
is "$rc" 2 "--new-key with the rfc format and no HOST is a usage error"
[ ! -e noowner.key ]
ok $? "and writes no file"
run "$TLSA" create --new-key nodir/x.key -o rdata
is "$rc" 1 "--new-key into a missing directory is an error (exit 1)"
echo "$err" | grep -qF "tlsa create: --new-key nodir/x.key: "
ok $? "and names the file"
run "$TLSA" create --help
echo "$out" | grep -q -- "--new-key FILE" && echo "$out" | grep -q -- "--key-type TYPE"
ok $? "tlsa create --help lists --new-key and --key-type"

done_testing
