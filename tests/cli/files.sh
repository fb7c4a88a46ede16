#!/bin/bash
# Files under stress (issue 6, section 5): `tlsa zone update` on a full
# disk, in a read-only directory, in a directory it may not write, and two
# updates racing on one file; and private keys, whose material must never
# be printed, and which draw a warning when everyone may read them.
# After every failure the original zone is byte-for-byte intact, no
# temporary file is left behind, the exit status is 1 and the message says
# why.  The mount cases run in a mount namespace of our own (`unshare -m`,
# root only; skipped otherwise).
#
#   TLSA=build/cmd/tlsa bash tests/cli/files.sh

. "$(cd "$(dirname "$0")/.." && pwd)/lib.sh"
own_namespace -m TLSA_IN_MNTNS "$@"
need_our_tlsa
TLSA=$(cd "$(dirname "$TLSA")" && pwd)/$(basename "$TLSA")
cd "$T" || exit 1
mounts=
trap 'for m in $mounts; do umount "$m" 2>/dev/null; done; rm -rf "$T"' EXIT

comment() { printf '%s\n' "$1" | head -20 | sed 's/^/#   /'; }

sed 's/@SERIAL@/2024010101/' "$top_srcdir/tests/data/zones/small.zone.in" >zone.orig
printf '_443._tcp.a.example.net. IN TLSA 3 1 1 %064d\n' 1 >a.rr
printf '_443._tcp.b.example.net. IN TLSA 3 1 1 %064d\n' 2 >b.rr

# failed_update WHAT DIR PATTERN [RUNNER...]: `tlsa zone update` of
# DIR/small.zone (a copy of zone.orig) fails with exit 1 and a message
# matching PATTERN, leaves the zone intact and DIR as it was.
failed_update() {
	local what=$1 dir=$2 pattern=$3 before after
	shift 3
	before=$(ls -A "$dir")
	run "$@" "$TLSA" zone update -r "$T/a.rr" "$dir/small.zone"
	is "$rc" 1 "$what: exit 1"
	[ -z "$out" ] && echo "$err" | grep -Eq "^tlsa zone: .*small.zone.*($pattern)"
	ok $? "$what: the message names the file and says why"
	comment "$err"
	cmp -s "$dir/small.zone" zone.orig
	ok $? "$what: the original is intact"
	after=$(ls -A "$dir")
	is "$after" "$before" "$what: no temporary file is left behind"
}

# ---- a directory we may not write (an unprivileged user) -------------------
# chmod does not stop root: run tlsa as nobody, who owns (and may write) the
# zone file but not its directory, so the temp file cannot be made there.

mkdir -p ndir
cp zone.orig ndir/small.zone
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	chmod 755 "$T"
	chown 65534:65534 ndir/small.zone
	chmod 555 ndir
	chmod 644 a.rr
	# nobody may not reach the build tree (a checkout under a mode 0700
	# directory): run a copy of tlsa, with the libtlsa.so it loads beside
	# it.  (valgrind could not write its log as nobody: run tlsa itself.)
	mkdir bin
	cp "${TLSA_REAL:-$TLSA}" bin/tlsa
	lib=$(ldd bin/tlsa 2>/dev/null | awk '$1 ~ /^libtlsa\.so/ { print $3 }')
	[ -z "$lib" ] || cp "$lib" bin/
	chmod -R a+rX bin
	TLSA=$T/bin/tlsa failed_update "a zone whose directory is not writable" ndir \
		"ermission denied" setpriv --reuid 65534 --regid 65534 --clear-groups
	chmod 755 ndir
elif [ "$(id -u)" != 0 ]; then
	chmod 555 ndir
	failed_update "a zone whose directory is not writable" ndir "ermission denied"
	chmod 755 ndir
else
	skip "setpriv is needed to drop root for the unwritable-directory case"
fi

# ---- full disk, read-only directory (mounts: root only) --------------------

if [ -n "${TLSA_IN_MNTNS:-}" ] && mount --make-rprivate / 2>/dev/null; then
	mkdir -p full ro
	if mount -t tmpfs -o size=64k tmpfs full; then
		mounts="$mounts $T/full"
		cp zone.orig full/small.zone
		# Fill what is left; tmpfs counts whole pages, so the zone's page
		# is taken and nothing more fits.
		dd if=/dev/zero of=full/fill bs=4k 2>/dev/null
		failed_update "a full disk" full "No space left|space"
	else
		skip "mounting a tmpfs failed"
	fi
	if mount -t tmpfs -o size=64k tmpfs ro; then
		mounts="$mounts $T/ro"
		cp zone.orig ro/small.zone
		mount -o remount,ro ro
		failed_update "a read-only directory" ro "Read-only file system|read-only"
	else
		skip "mounting a tmpfs failed"
	fi
else
	skip "full-disk and read-only cases need root (unshare -m, mount)"
fi

# ---- two updates racing on one file -----------------------------------------
# Different owners: whatever the order, both sets land and nothing else
# changes.

mkdir -p race
lost=0
failed=0
for _ in $(seq 1 20); do
	cp zone.orig race/small.zone
	"$TLSA" zone update -q -r a.rr race/small.zone 2>>race.err &
	p1=$!
	"$TLSA" zone update -q -r b.rr race/small.zone 2>>race.err &
	p2=$!
	wait $p1 || failed=$((failed + 1))
	wait $p2 || failed=$((failed + 1))
	if ! grep -q '^_443._tcp.a.example.net.' race/small.zone ||
		! grep -q '^_443._tcp.b.example.net.' race/small.zone ||
		! grep -q '^mx.example.net.' race/small.zone; then
		lost=$((lost + 1))
		comment "$(cat race/small.zone)"
	fi
done
is "$failed" 0 "two racing updates both succeed (20 rounds)"
[ "$failed" -eq 0 ] || comment "$(cat race.err)"
is "$lost" 0 "two racing updates both land, in some order, and nothing is lost"
is "$(ls -A race)" "small.zone" "racing updates leave no temporary file behind"

# ---- what a rename would drop: extended attributes, hard links -------------
# The new version is a new inode: it is given the old one's extended
# attributes (ACLs and security labels live there; a user.* one stands in
# for them), and a file with other names gets a warning, since those names
# keep the old text.

mkdir -p attrs
cp zone.orig attrs/small.zone
if python3 -c 'import os, sys; os.setxattr(sys.argv[1], "user.tlsa-test", b"kept")' \
	attrs/small.zone 2>/dev/null; then
	"$TLSA" zone update -r a.rr attrs/small.zone >/dev/null 2>attrs.err
	is "$?" 0 "an update of a zone file with an extended attribute succeeds"
	is "$(python3 -c 'import os, sys; print(os.getxattr(sys.argv[1], "user.tlsa-test").decode())' \
		attrs/small.zone 2>&1)" kept "the new version keeps the extended attribute"
	grep -q '^_443._tcp.a.example.net.' attrs/small.zone
	ok $? "and holds the new records"
	is "$(grep -c warning attrs.err)" 0 "and nothing is said about attributes that were kept"
else
	skip "extended attributes: user.* attributes not supported on $T's file system"
	skip "extended attributes"
	skip "extended attributes"
	skip "extended attributes"
fi

cp zone.orig attrs/linked.zone
ln attrs/linked.zone attrs/other-name.zone
"$TLSA" zone update -r a.rr attrs/linked.zone >/dev/null 2>attrs.err
is "$?" 0 "an update of a zone file with two hard links succeeds"
grep -qF "attrs/linked.zone: has 2 hard links: the update replaces this name only" attrs.err
ok $? "with a warning that the other name keeps the old text"
cmp -s zone.orig attrs/other-name.zone
ok $? "the other name does keep the old text"
grep -q '^_443._tcp.a.example.net.' attrs/linked.zone
ok $? "the name given has the new records"
"$TLSA" zone update -r a.rr attrs/linked.zone >/dev/null 2>attrs.err
is "$(grep -c warning attrs.err)" 0 "an update that changes nothing does not warn about links"

# ---- private keys -----------------------------------------------------------
# The key's base64 lines must appear nowhere in what tlsa prints, whatever
# goes wrong.  Secrets are RSA (long, distinctive lines) and EC.

openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out rsa.key 2>/dev/null
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out ec.key 2>/dev/null
openssl pkey -in rsa.key -aes256 -passout pass:right -out enc.key 2>/dev/null
chmod 600 rsa.key ec.key enc.key
# Secret lines: every base64 line of the private keys (not the header).
grep -hv -- '-----' rsa.key ec.key enc.key | cut -c1-40 >secrets
[ "$(wc -l <secrets)" -gt 20 ]
ok $? "the test keys were made"

# no_secret WHAT CMD...: run CMD; nothing it prints holds a secret line.
no_secret() {
	local what=$1
	shift
	run "$@"
	if cat "$T/out" "$T/err" | grep -qFf secrets; then
		ok 1 "$what prints no private key material"
	else
		ok 0 "$what prints no private key material"
	fi
}
no_secret "create -k KEY -v -v (success)" "$TLSA" create -k rsa.key -v -v host.test
is "$rc" 0 "create -k KEY -v -v succeeds"
no_secret "create -k KEY -o json" "$TLSA" create -k ec.key -o json -v -v host.test
no_secret "create with --params several records" \
	"$TLSA" create -k rsa.key --params 3,1,1 --params 3,0,1 --params 3,1,0 -v -v host.test
export TLSA_TEST_PW=wrong
no_secret "a wrong passphrase" "$TLSA" create -k enc.key --passin env:TLSA_TEST_PW -v -v host.test
is "$rc" 1 "a wrong passphrase exits 1"
echo "$err" | grep -qi "passphrase\|decrypt"
ok $? "a wrong passphrase says so"
no_secret "an encrypted key without --passin" "$TLSA" create -k enc.key -v -v host.test </dev/null
is "$rc" 1 "an encrypted key without --passin exits 1"
no_secret "--passin fd:bad" "$TLSA" create -k enc.key --passin fd:bad -v -v host.test
[ "$rc" -ne 0 ]; ok $? "--passin fd:bad is refused"
no_secret "--passin fd:9 (not open)" "$TLSA" create -k enc.key --passin fd:9 -v -v host.test
[ "$rc" -ne 0 ]; ok $? "--passin on a closed descriptor is refused"
no_secret "--passin file: missing" "$TLSA" create -k enc.key --passin file:/nonexistent -v -v host.test
[ "$rc" -ne 0 ]; ok $? "--passin from a missing file is refused"
head -n 12 rsa.key >trunc.key
grep -hv -- '-----' trunc.key | cut -c1-40 >>secrets
chmod 600 trunc.key
no_secret "a truncated private key" "$TLSA" create -k trunc.key -v -v host.test
is "$rc" 1 "a truncated private key exits 1"
sed '5s/^./!/' rsa.key >bad.key
chmod 600 bad.key
no_secret "a private key with a corrupt line" "$TLSA" create -k bad.key -v -v host.test
is "$rc" 1 "a corrupt private key exits 1"
no_secret "a private key given as --cert" "$TLSA" create -c rsa.key -v -v host.test
no_secret "a private key given as --csr" "$TLSA" create --csr rsa.key -v -v host.test
no_secret "a private key as a --candidate of tlsa check" \
	"$TLSA" check --candidate rsa.key -v -v --tlsa "3 1 1 $(printf '%064d' 0)" \
	-a 127.0.0.1 -p 1 --timeout 1 host.test
printf 'host.test 443 %s\nbroken line\n' "$T/rsa.key" >manifest
no_secret "a manifest naming a private key, with a bad line" "$TLSA" create --manifest manifest -v -v

# World-readable keys draw a warning; private ones do not.
chmod 644 ec.key
run "$TLSA" create -k ec.key host.test
echo "$err" | grep -q "ec.key: private key is readable by everyone"
ok $? "a private key readable by everyone gets a warning naming it"
is "$rc" 0 "the warning does not stop the records"
chmod 600 ec.key
run "$TLSA" create -k ec.key host.test
! echo "$err" | grep -q "readable by everyone"
ok $? "a private key readable only by its owner gets no warning"
openssl pkey -in ec.key -pubout -out ec.pub 2>/dev/null
chmod 644 ec.pub
run "$TLSA" create -k ec.pub host.test
! echo "$err" | grep -q "readable by everyone"
ok $? "a public key readable by everyone gets no warning"

done_testing
