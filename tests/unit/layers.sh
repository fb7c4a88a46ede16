# shellcheck shell=sh
# Sourced by dns-layers.sh and zone-layers.sh (after tests/lib.sh): what
# both need to read which functions a built object of libtlsa defines
# and which it calls.

# The object of a library file, as libtool built it.
object() {
	for o in "$top_builddir/libtlsa/$1.o" "$top_builddir/libtlsa/"*"-$1.o" \
		"$top_builddir/libtlsa/.libs/$1.o" "$top_builddir/libtlsa/.libs/"*"-$1.o"; do
		[ -f "$o" ] && { echo "$o"; return; }
	done
}

# Without nm or a build tree there are no objects to read: the rest of
# the test is skipped and it ends here.
need_objects() {
	if ! command -v nm >/dev/null || [ -z "${top_builddir:-}" ]; then
		skip "nm and a build tree are needed to read the objects"
		done_testing
		exit
	fi
}

# The functions and data an object defines, one a line.
defined_symbols() {
	nm --defined-only "$1" | awk '$2 ~ /^[TDRB]$/ { print $3 }'
}

# The symbols an object uses but does not define, one a line.
undefined_symbols() {
	nm -u "$1" | awk '{ print $NF }'
}
