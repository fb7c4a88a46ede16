#!/bin/sh
# The zone files of libtlsa call each other in layers, never in a circle:
# each calls only functions defined in files of a lower layer (found with
# nm in the objects just built).  The leaves call no zone file, so that
# all of them can call the leaves; the scanner and the writer do not call
# each other.  A new zone file gets a layer here.
. "$(cd "$(dirname "$0")/.." && pwd)/lib.sh"

# file:layer, lowest first (zoneedit.c's first comment is the same map)
layers="zonefail:0 zonelex:0 zonepath:0
zonerecord:1 zonetarget:1 zonewrite:1
zonecname:2
zonescan:3
zoneverify:4 zoneplan:4
zoneedit:5"

layer() {
	for fl in $layers; do
		[ "${fl%%:*}" = "$1" ] && { echo "${fl#*:}"; return; }
	done
	echo none
}

for c in "$top_srcdir"/libtlsa/zone*.c; do
	f=$(basename "$c" .c)
	[ "$(layer "$f")" != none ]
	ok $? "$f.c has a layer in this test"
done

# The object of a library file, as libtool built it.
object() {
	for o in "$top_builddir/libtlsa/$1.o" "$top_builddir/libtlsa/"*"-$1.o" \
		"$top_builddir/libtlsa/.libs/$1.o" "$top_builddir/libtlsa/.libs/"*"-$1.o"; do
		[ -f "$o" ] && { echo "$o"; return; }
	done
}

if ! command -v nm >/dev/null || [ -z "${top_builddir:-}" ]; then
	skip "nm and a build tree are needed to read the objects"
	done_testing
	exit
fi
for fl in $layers; do
	f=${fl%%:*}
	o=$(object "$f")
	[ -n "$o" ] || continue
	nm --defined-only "$o" | awk -v f="$f" '$2 ~ /^[TDRB]$/ { print $3, f }'
done | sort >"$T/defs"

for fl in $layers; do
	f=${fl%%:*}
	mine=${fl#*:}
	o=$(object "$f")
	if [ -z "$o" ]; then
		skip "no object of $f.c in $top_builddir/libtlsa"
		continue
	fi
	nm -u "$o" | awk '{ print $NF }' | sort >"$T/undef"
	callees=$(join "$T/undef" "$T/defs" | awk '{ print $2 }' | sort -u | tr '\n' ' ')
	bad=""
	for c in $callees; do
		[ "$c" = "$f" ] && continue
		[ "$(layer "$c")" -lt "$mine" ] || bad="$bad $c"
	done
	is "$bad" "" "$f.c (layer $mine) calls only zone files below it (${callees% })"
done
done_testing
