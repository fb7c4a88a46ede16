#!/bin/sh
# The shape of libtlsa's public interface, read from its preprocessed
# public headers: what a caller of the library sees carries no sentinel
# that would change with each new status, and nothing of the tlsa
# command's own syntax.
#
#   top_builddir=build top_srcdir=. sh tests/api/shape.sh
# shellcheck source=tests/lib.sh
. "$(cd "$(dirname "$0")/.." && pwd)/lib.sh"
: "${top_builddir:?top_builddir must name the build tree}"
: "${CC:=cc}"

# The public headers' text without comments, one top-level statement a line.
# shellcheck disable=SC2086
echo '#include <tlsa.h>' | $CC -E -I"$top_builddir/libtlsa" -I"$top_srcdir/libtlsa" - |
	awk '
	/^#/ { ours = ($0 ~ /libtlsa\/tlsa\.h"/ || $0 ~ /libtlsa\/tlsa\/[^"\/]*\.h"/); next }
	ours { text = text " " $0 }
	END {
		depth = 0; stmt = ""; n = length(text)
		for (i = 1; i <= n; i++) {
			c = substr(text, i, 1)
			if (c == "{") depth++
			else if (c == "}") depth--
			else if (c == ";" && depth == 0) {
				gsub(/[ \t]+/, " ", stmt); print stmt; stmt = ""; continue
			}
			stmt = stmt c
		}
	}' >"$T/decls"
[ -s "$T/decls" ]
ok $? "the public headers preprocess"

grep -Eo 'TLSA_[A-Z0-9_]*_(MAX|COUNT|LAST)\b' "$T/decls" >"$T/sentinel"
[ ! -s "$T/sentinel" ]
ok $? "no public enum ends in a count or maximum that each new value would move"
sed "s/^/#   /" "$T/sentinel"

# One out-parameter position: what a call gives back through a pointer to
# a pointer comes after all its inputs; only more outputs (non-const
# pointers) and the size of a why buffer may follow it.
awk '
	!/^ ?typedef/ && match($0, /tlsa_[a-z0-9_]+ ?\(/) {
		name = substr($0, RSTART, RLENGTH); sub(/ ?\($/, "", name)
		params = substr($0, RSTART + RLENGTH); sub(/\)[^)]*$/, "", params)
		n = split(params, p, ",")
		out = ""
		for (i = 1; i <= n; i++) {
			if (p[i] ~ /\*\*/) { if (out == "") out = p[i]; continue }
			if (out == "") continue
			if (p[i] ~ /^ ?const / || p[i] !~ /\*/)
				print name ":" p[i] " after " out
		}
	}' "$T/decls" >"$T/outfirst"
[ ! -s "$T/outfirst" ]
ok $? "every public call takes its out-parameters after its inputs"
sed "s/^/#   /" "$T/outfirst"

# A failure's detail comes one way, the thread's error record: no public
# call takes a buffer for words of its own.
grep -nE '[(,] ?char \*why|whysize|whylen' "$T/decls" >"$T/whybuf"
[ ! -s "$T/whybuf" ]
ok $? "no public call takes a why buffer: details come through tlsa_error_detail()"
sed "s/^/#   /" "$T/whybuf"

# Nothing in the ABI is sized by the headers a caller was built with:
# text in a public struct is a pointer the object owns, never a char
# array (byte arrays of a size the protocol fixes, such as an IPv6
# address or a SHA-256 digest, are unsigned char).
sed -E 's/unsigned char [a-z_0-9]+ ?\[[^]]*\]//g' "$T/decls" |
	grep -Eo '(^|[^a-z_])char [a-z_0-9]+ ?\[[^]]*\]' >"$T/chararrays"
[ ! -s "$T/chararrays" ]
ok $? "no public struct holds text in a fixed char array"
sed "s/^/#   /" "$T/chararrays"

# The structs a caller fills, or has the library fill in its memory,
# carry their size first, set by an initialiser.
for s in tlsa_verify_opts tlsa_starttls_opts tlsa_serial_spec tlsa_zone_report tlsa_zone_change \
	tlsa_cert_info; do
	grep -Eq "typedef struct $s \{ ?size_t size;" "$T/decls"
	ok $? "$s begins with its size"
	init=$(echo "$s" | sed 's/^tlsa_//' | tr a-z A-Z)
	echo "#include <tlsa.h>
TLSA_${init}_INIT" | ${CC} -E -I"$top_builddir/libtlsa" -I"$top_srcdir/libtlsa" - | tail -1 |
		grep -q "size = sizeof($s)"
	ok $? "TLSA_${init}_INIT sets the size of $s"
done

# The command's own syntax stays in the command: the library takes a
# passphrase, not a --passin SOURCE such as env:VAR or fd:N.
grep -Eio 'tlsa_[a-z0-9_]*passin[a-z0-9_]*|TLSA_[A-Z0-9_]*PASSIN[A-Z0-9_]*' "$T/decls" >"$T/cli"
[ ! -s "$T/cli" ]
ok $? "no public name reads or reports a command-line passphrase source"
sed "s/^/#   /" "$T/cli"

done_testing
