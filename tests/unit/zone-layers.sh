#!/bin/sh
# The zone files of libtlsa call each other in layers, never in a circle:
# each calls only functions defined in files of a lower layer (found with
# nm in the objects just built).  The leaves call no zone file, so that
# all of them can call the leaves; the scanner and the writer do not call
# each other.  A new zone file gets a layer here.
# shellcheck source=tests/lib.sh
. "$(cd "$(dirname "$0")/.." && pwd)/lib.sh"
# shellcheck source=tests/unit/layers.sh
. "$(cd "$(dirname "$0")" && pwd)/layers.sh"

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

need_objects
for fl in $layers; do
	f=${fl%%:*}
	o=$(object "$f")
	[ -n "$o" ] || continue
	defined_symbols "$o" | sed "s/\$/ $f/"
done | sort >"$T/defs"

for fl in $layers; do
	f=${fl%%:*}
	mine=${fl#*:}
	o=$(object "$f")
	if [ -z "$o" ]; then
		skip "no object of $f.c in $top_builddir/libtlsa"
		continue
	fi
	undefined_symbols "$o" | sort >"$T/undef"
	callees=$(join "$T/undef" "$T/defs" | awk '{ print $2 }' | sort -u | tr '\n' ' ')
	bad=""
	for c in $callees; do
		[ "$c" = "$f" ] && continue
		[ "$(layer "$c")" -lt "$mine" ] || bad="$bad $c"
	done
	is "$bad" "" "$f.c (layer $mine) calls only zone files below it (${callees% })"
done
done_testing
