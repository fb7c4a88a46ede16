#!/bin/sh
# Every long option a subcommand accepts (its long_options table) is
# documented in that subcommand's manual page, so a new option cannot land
# with --help alone.  An option is written as the pages write them all,
# \-\- then the name with plain hyphens (\-\-per-address), so that a
# search of the source for the name finds it.
. "${top_srcdir:-.}/tests/lib.sh"

for pair in check:tlsa-check create:tlsa-create zone:tlsa-zone zone-push:tlsa-zone; do
	src=$top_srcdir/cmd/${pair%%:*}.c
	man=$top_srcdir/man/${pair##*:}.1
	opts=$(sed -n '/long_options\[\] = {/,/{NULL, 0, NULL, 0}/p' "$src" | grep -o '{"[a-z0-9-]*"' | tr -d '{"')
	[ -n "$opts" ]
	ok $? "${src#"$top_srcdir"/} has a long_options table to read"
	missing=
	for o in $opts; do
		sed 's/\\-\\-/--/g' "$man" | grep -q -e "--$o\([^a-z0-9-]\|\$\)" || missing="$missing --$o"
	done
	is "$missing" "" "man/${man##*/} documents every option ${src#"$top_srcdir"/} accepts"
done

done_testing
