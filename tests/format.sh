#!/bin/sh
# The tree keeps one C style: every C source and header under cmd/,
# libtlsa/ and tests/ is as clang-format leaves it with the tree's
# .clang-format.  Formatters of other major versions lay some constructs
# out differently, so the check runs with the version the style was set
# with (Debian 12's clang-format 14) and is skipped otherwise.
#
#   sh tests/format.sh        (from make check; top_srcdir may be set)

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

want=14
if ! command -v clang-format >/dev/null 2>&1; then
	skip "clang-format is not installed (Debian package clang-format)"
	done_testing
	exit
fi
major=$(clang-format --version | sed -n 's/.*version \([0-9][0-9]*\)\..*/\1/p')
if [ "$major" != "$want" ]; then
	skip "clang-format $major is not $want, the version the style was set with"
	done_testing
	exit
fi

cd "$top_srcdir" || exit 1
# version.h is made by configure (from version.h.in), in-tree builds too.
for f in $(find cmd libtlsa tests -name '*.[ch]' ! -path libtlsa/tlsa/version.h | sort); do
	if clang-format --style=file "$f" | cmp -s "$f" -; then
		ok 0 "$f is laid out as .clang-format says"
	else
		ok 1 "$f is laid out as .clang-format says"
		clang-format --style=file "$f" | diff -u "$f" - | head -20 | sed 's/^/#   /'
	fi
done
done_testing
