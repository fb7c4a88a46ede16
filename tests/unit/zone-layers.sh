#!/bin/sh
# The zone files of libtlsa call each other in layers, never in a circle:
# each calls only functions defined in files of a lower layer (found with
# nm in the objects just built).  The leaves call no zone file, so that
# all of them can call the leaves; the scanner and the writer do not call
# each other.  A new zone file gets a layer here.
. "${top_srcdir:?}/tests/lib.sh"

# file:layer, lowest first (zoneedit.c's first comment is the same map)
layers="zonefail:0 zonelex:0 zonepath:0
zonerecord:1 zonetarget:1 zonewrite:1
zonecname:2
zonescan:3
zoneverify:4 zoneplan:4
zoneedit:5"

dir=${top_builddir:?}/libtlsa
[ -d "$dir/.libs" ] && ls "$dir"/.libs/zone*.o >/dev/null 2>&1 && dir=$dir/.libs
if ! command -v nm >/dev/null 2>&1 || ! ls "$dir"/zone*.o >/dev/null 2>&1; then
	skip "nm or the zone objects are missing"
	done_testing
	exit 0
fi

layer() {
	for fl in $layers; do
		[ "${fl%%:*}" = "$1" ] && { echo "${fl#*:}"; return; }
	done
	echo none
}

for o in "$dir"/zone*.o; do
	nm --defined-only "$o" | awk -v f="$(basename "$o" .o)" '$2 ~ /^[TDRB]$/ { print $3, f }'
done | sort >"$T/defs"

for o in "$dir"/zone*.o; do
	f=$(basename "$o" .o)
	mine=$(layer "$f")
	if [ "$mine" = none ]; then
		ok 1 "$f.c has a layer in this test"
		continue
	fi
	nm -u "$o" | awk '{ print $2 }' | sort >"$T/undef"
	callees=$(join "$T/undef" "$T/defs" | awk '{ print $2 }' | sort -u | tr '\n' ' ')
	bad=""
	for c in $callees; do
		[ "$c" = "$f" ] && continue
		[ "$(layer "$c")" != none ] && [ "$(layer "$c")" -lt "$mine" ] || bad="$bad $c"
	done
	is "$bad" "" "$f.c (layer $mine) calls only zone files below it (${callees% })"
done
done_testing
