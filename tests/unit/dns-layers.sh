#!/bin/sh
# The DNS files of libtlsa are floors, each using only the floors below
# it, so that no two of them call each other:
#
#   dns-ns         every authoritative server of a zone, asked directly
#   dns-lookup     typed results (TLSA, addresses, MX, SRV)
#   dns-answer     one lookup: CNAME chain, one state for the whole
#   dns-ad         the state of one answer by the AD bit
#   dnssec         local validation: the walk from the trust anchor
#   dnssec-proof   RRSIG, NSEC, NSEC3 and wildcard proofs
#   dns-query      one question, the sections of its answer
#   dns-transport  one answer to one packet (retransmission, TCP)
#   dns-resolver   the servers, the timeout, the anchors
#   dns-anchor     the trust-anchor file
#
# Checked twice: in the sources (which internal headers each file
# includes) and in the built objects (which functions each one calls).

# shellcheck source=tests/lib.sh
. "$(cd "$(dirname "$0")/.." && pwd)/lib.sh"
# shellcheck source=tests/unit/layers.sh
. "$(cd "$(dirname "$0")" && pwd)/layers.sh"

floors="dns-anchor dns-resolver dns-transport dns-query dnssec-proof dnssec dns-ad dns-answer dns-lookup dns-ns"
src=$top_srcdir/libtlsa

rank() {
	i=0
	for f in $floors; do
		[ "$f" = "$1" ] && { echo $i; return; }
		i=$((i + 1))
	done
	echo -1
}

# The DNS headers a file includes that belong to its own floor or one
# above it (its own header excepted).
up_includes() {
	r=$(rank "$1")
	sed -n 's/^#include "\(.*\)\.h"$/\1/p' "$2" | while read -r h; do
		hr=$(rank "$h")
		[ "$h" = "$1" ] && continue
		[ "$hr" -ge "$r" ] && echo "$h.h"
	done
}

for f in $floors; do
	is "$(up_includes "$f" "$src/$f.c")" "" "$f.c includes no header of a DNS file above it"
	if [ -f "$src/$f.h" ]; then
		is "$(up_includes "$f" "$src/$f.h")" "" "$f.h includes no header of a DNS file above it"
	fi
done
[ ! -e "$src/dns-internal.h" ]
ok $? "no grab-bag header is shared by every DNS file"

need_objects
for f in $floors; do
	o=$(object "$f")
	if [ -z "$o" ]; then
		skip "no object of $f.c in $top_builddir/libtlsa"
		continue
	fi
	defined_symbols "$o" >"$T/def.$f"
	undefined_symbols "$o" >"$T/use.$f"
done
for f in $floors; do
	[ -f "$T/use.$f" ] || continue
	r=$(rank "$f")
	up=""
	for g in $floors; do
		if [ "$(rank "$g")" -le "$r" ] || [ ! -f "$T/def.$g" ]; then
			continue
		fi
		for s in $(grep -Fxf "$T/def.$g" "$T/use.$f"); do
			up="$up $s ($g.c)"
		done
	done
	is "$up" "" "$f.c calls no function of a DNS file above it"
done
done_testing
