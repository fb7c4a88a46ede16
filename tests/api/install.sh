#!/bin/sh
# libtlsa as its users get it: `make install DESTDIR=` into a scratch tree,
# then tests/api/api.c built only against the installed headers and
# libtlsa.pc (pkg-config with its sysroot at the scratch tree) and run:
# it computes a record from a certificate, parses one, and bumps a serial.
# The installed tlsa runs from there too, with no run path into the build.
#
#   top_builddir=build top_srcdir=. sh tests/api/install.sh
. "$(cd "$(dirname "$0")/.." && pwd)/lib.sh"
: "${top_builddir:?top_builddir must name the build tree}"
: "${CC:=cc}"
ex=$top_srcdir/tests/data/example

if ! command -v pkg-config >/dev/null; then
	echo "1..0 # SKIP pkg-config is not installed"
	exit 0
fi

dest=$T/dest
# The make running this test may hand its jobserver down: not to this one.
(cd "$top_builddir" && MAKEFLAGS= MAKELEVEL= make install DESTDIR="$dest") >"$T/install.log" 2>&1
ok $? "make install DESTDIR= fills a scratch tree"
[ $? -eq 0 ] || sed 's/^/#   /' "$T/install.log" | tail -20

pc=$(find "$dest" -name libtlsa.pc | head -1)
[ -n "$pc" ]; ok $? "libtlsa.pc is installed"
bin=$(find "$dest" -path '*/bin/tlsa' | head -1)
libdir=$(dirname "$(dirname "$pc")")
PKG_CONFIG_PATH=$(dirname "$pc")
PKG_CONFIG_SYSROOT_DIR=$dest
export PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR

# With --disable-shared only libtlsa.a is installed: its users link its
# dependencies too (Requires.private).
static=
[ -n "$(find "$libdir" -name 'libtlsa.so*' | head -1)" ] || static=--static
cflags=$(pkg-config --cflags libtlsa) && libs=$(pkg-config $static --libs libtlsa)
ok $? "pkg-config knows libtlsa from the installed .pc file"
case " $cflags $libs " in
*"$top_srcdir"* | *"$top_builddir"*) ok 1 "pkg-config's flags point only into the installed tree ($cflags $libs)" ;;
*) ok 0 "pkg-config's flags point only into the installed tree" ;;
esac
echo "#   $cflags $libs"

# Only the installed headers: no -I into the source or build tree.
# shellcheck disable=SC2086
$CC ${SAN_CFLAGS:-} -Wall -Wextra -Werror $cflags -o "$T/api" "$top_srcdir/tests/api/api.c" \
	$libs ${SAN_CFLAGS:-} >"$T/cc.log" 2>&1
ok $? "a program builds with the installed headers and pkg-config --cflags --libs"
[ -s "$T/cc.log" ] && sed 's/^/#   /' "$T/cc.log" | head -20

want_rr="3 1 1 bc8d5ed632d386334a3f4cdc3313edc0b4e443c864b724ffbb01c13013ad69ae"
LD_LIBRARY_PATH=$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} run "$T/api" "$ex/mail.pem" \
	"3 SPKI SHA2-256 BC8D5ED632D386334A3F4CDC3313EDC0 B4E443C864B724FFBB01C13013AD69AE" 2024010199
is "$rc" 0 "it runs against the installed libtlsa"
[ -n "$err" ] && printf '%s\n' "$err" | sed 's/^/#   /'
is "$(sed -n 's/^computed: //p' "$T/out")" "$want_rr" "it computes the record of a certificate"
is "$(sed -n 's/^parsed: //p' "$T/out")" "$want_rr" "it parses a record written with mnemonics and chunks"
is "$(sed -n 's/^equal: //p' "$T/out")" yes "and the two are the same record"
is "$(sed -n 's/^serial: //p' "$T/out")" 2024010200 "it bumps a serial"
is "$(sed -n 's/^error: //p' "$T/out")" 'bad base64 in PEM block line 2 detail "" file ""' \
	"it reads a failure's line through the error channel"
version=$("$TLSA" --version 2>/dev/null | sed 's/^tlsa //')
[ -n "$version" ] || version=$(sed -n 's/^PACKAGE_VERSION = //p' "$top_builddir/Makefile")
is "$(sed -n 's/^version: //p' "$T/out")" "$version $version $version" \
	"TLSA_VERSION_MAJOR.MINOR.PATCH, TLSA_VERSION_STRING and tlsa_version() agree"

# The installed program: every subcommand, and no run path into the build.
if [ -n "$bin" ]; then
	printf '_443._tcp.a.example.net. IN TLSA 3 1 1 %064d\n' 1 >"$T/a.rr"
	LD_LIBRARY_PATH=$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} run "$bin" zone snippet \
		--origin example.net -r "$T/a.rr"
	is "$rc" 0 "the installed tlsa runs zone"
	if command -v readelf >/dev/null; then
		! readelf -d "$bin" | grep -E 'R(UN)?PATH' | grep -q -e "$(cd "$top_builddir" && pwd)" -e ORIGIN
		ok $? "the installed tlsa has no run path into the build tree or beside itself"
	else
		skip "readelf is not installed"
	fi
else
	ok 1 "make install put tlsa in a bin directory"
	skip "no installed tlsa"
fi

done_testing
