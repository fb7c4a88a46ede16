#!/bin/bash
# Live tests of libtlsa's DNS floor against the lab (tests/live/lab.sh):
# NSD serving a signed test. with dane.test (signed, NSEC3), insecure.test
# (unsigned, no DS) and bogus.test (broken signatures), and Unbound
# validating on 127.0.0.1.  Every lookup runs twice, in AD mode and with
# --trust-anchor style local validation, and both must reach the same
# verdict.  tests/live/dnsprobe prints what the library returned.
# Skips unless TLSA_LIVE=1 and the lab can start.

: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$(pwd)}"
. "$top_srcdir/tests/live/lab.sh"
lab_enter "$@"
. "$top_srcdir/tests/lib.sh"

PROBE=$top_builddir/tests/live/dnsprobe
[ -x "$PROBE" ] || { echo "Bail out! $PROBE is not built (make check builds it)"; exit 1; }
lab_start || { lab_logs; echo "Bail out! the live lab did not start"; exit 1; }

# field KEY LINE: the value of KEY=... in a probe line (quotes removed).
field() {
	local v
	v=$(printf '%s\n' "$2" | grep -o " $1=\"[^\"]*\"\| $1=[^ ]*\|^$1=[^ ]*" | head -n1)
	v=${v# }
	v=${v#"$1"=}
	v=${v#\"}
	printf '%s' "${v%\"}"
}

ad() { "$PROBE" -r "$LAB_RESOLVER" -w 3000 "$@" 2>&1; }
local_ds() { "$PROBE" -r "$LAB_RESOLVER" -w 3000 -t "$LAB_TRUST_ANCHOR" "$@" 2>&1; }
local_key() { "$PROBE" -r "$LAB_RESOLVER" -w 3000 -t "$LAB_TRUST_ANCHOR_DNSKEY" "$@" 2>&1; }

# both WHAT ARGS...: run in both modes; $A and $L hold the lines.
both() {
	A=$(ad "$@")
	L=$(local_ds "$@")
}

# same KEYS... -- DESCRIPTION: the fields agree between the modes.
same() {
	local k bad=
	while [ "$1" != -- ]; do
		k=$1
		shift
		[ "$(field "$k" "$A")" = "$(field "$k" "$L")" ] || bad="$bad $k"
	done
	shift
	if [ -z "$bad" ]; then
		ok 0 "$1"
	else
		ok 1 "$1"
		printf '#   differ:%s\n#   AD:    %s\n#   local: %s\n' "$bad" "$A" "$L"
	fi
}

# want KEY VALUE DESCRIPTION: in both lines.
want() {
	is "$(field "$1" "$A")" "$2" "AD mode: $3"
	is "$(field "$1" "$L")" "$2" "local validation: $3"
}

# ---- secure ------------------------------------------------------------------
both tlsa "$LAB_MAIL_SMTP_HOST" 25
want tlsa.state secure "TLSA records in a signed NSEC3 zone are secure"
want n 1 "the TLSA RRset of a signed zone is returned"
want rr0 "$LAB_MAIL_SMTP_TLSA" "the record is the one published"
same tlsa.state n rr0 base -- "both modes agree on a secure TLSA RRset"

A=$(ad tlsa "$LAB_MAIL_SMTP_HOST" 25)
L=$(local_key tlsa "$LAB_MAIL_SMTP_HOST" 25)
same tlsa.state n rr0 -- "a DNSKEY trust anchor validates as a DS anchor does"

both tlsa "$LAB_ROLLOVER_SMTP_HOST" 25
want n 2 "every record of a rollover set is returned"
same tlsa.state n -- "both modes agree on a rollover set"

# ---- proven absence ------------------------------------------------------------
both tlsa "$LAB_NOTLSA_SMTP_HOST" 25
want tlsa.state secure "no TLSA in a signed zone is a secure answer"
want tlsa.denial 1 "no TLSA records is proven by NSEC3 (secure NODATA/NXDOMAIN)"
want n 0 "a proven absence has no records"
same tlsa.state tlsa.denial tlsa.rcode -- "both modes agree on a secure denial (NSEC3)"

both tlsa nothing-here.dane.test 443
want tlsa.rcode 3 "a name that does not exist is NXDOMAIN"
want tlsa.denial 1 "NXDOMAIN is proven by NSEC3 in dane.test"
same tlsa.state tlsa.denial tlsa.rcode -- "both modes agree on a secure NXDOMAIN (NSEC3)"

both tlsa nothing-here.test 443
want tlsa.denial 1 "NXDOMAIN is proven by NSEC in the test. zone"
same tlsa.state tlsa.denial tlsa.rcode -- "both modes agree on a secure NXDOMAIN (NSEC)"

both addr ns.test
want aaaa.denial 1 "a name without AAAA in an NSEC zone is a secure NODATA"
want addr0 "$LAB_NSD_ADDR:secure" "its address is secure"
same state aaaa.state aaaa.denial -- "both modes agree on a secure NODATA (NSEC)"

# ---- insecure --------------------------------------------------------------------
both tlsa "$LAB_INSECURE_HTTPS_HOST" 443
want tlsa.state insecure "TLSA below a delegation without DS is insecure"
want n 1 "insecure records are still returned (for --insecure)"
same tlsa.state n -- "both modes agree on an insecure zone"

both addr "$LAB_INSECURE_HTTPS_HOST"
want state insecure "addresses in an unsigned zone are insecure"
want aaaa.denial 0 "an unsigned NODATA is not a proven absence"

both tlsa no-such-host.insecure.test 443
want tlsa.state insecure "a denial from an unsigned zone is insecure"
want tlsa.denial 0 "an unsigned denial is never \"no records\""

# ---- bogus ---------------------------------------------------------------------
both tlsa "$LAB_BOGUS_HTTPS_HOST" 443
want tlsa.state bogus "TLSA records with broken signatures are bogus"
want n 1 "the bogus records are still shown"
same tlsa.state n -- "both modes agree on bogus records"
r=$(field tlsa.reason "$A")
case $r in *bogus*) ok 0 "AD mode says the resolver reported the answer bogus: $r" ;;
*) ok 1 "AD mode says the resolver reported the answer bogus: $r" ;; esac
r=$(field tlsa.reason "$L")
case $r in *signature*) ok 0 "local validation says the signature failed: $r" ;;
*) ok 1 "local validation says the signature failed: $r" ;; esac

# A trust anchor that matches no key makes everything bogus, never secure.
sed 's/[0-9A-Fa-f]\{8\}$/00000000/' "$LAB_TRUST_ANCHOR" >"$T/wrong.ds"
W=$("$PROBE" -r "$LAB_RESOLVER" -w 3000 -t "$T/wrong.ds" tlsa "$LAB_MAIL_SMTP_HOST" 25 2>&1)
is "$(field tlsa.state "$W")" bogus "a trust anchor that matches no DNSKEY makes answers bogus"
case $(field tlsa.reason "$W") in
*"matches"*) ok 0 "the reason says no DNSKEY matches the trust anchor" ;;
*) ok 1 "the reason says no DNSKEY matches the trust anchor"; echo "#   $W" ;;
esac

# ---- CNAMEs (RFC 7671 section 7) ------------------------------------------------
both tlsa alias.dane.test 25
want base mail.dane.test. "a secure CNAME with TLSA at the target uses the expanded name as base domain"
want host.cname0 "alias.dane.test.>mail.dane.test.:secure" "the CNAME link and its state are reported"
same base n tlsa.state rr0 -- "both modes agree on a secure expansion"

both tlsa web.dane.test 443
want expansion_secure 1 "web.dane.test is a secure CNAME to cdn.dane.test"
want base web.dane.test. "no TLSA at the expanded name falls back to the original name"
want n 2 "the original name's records are used"
same base n tlsa.state -- "both modes agree on the fallback to the original name"

both tlsa tlsacname.dane.test 25
want tlsa.cname0 "_25._tcp.tlsacname.dane.test.>_25._tcp.mail.dane.test.:secure" \
	"a CNAME at the TLSA owner is followed and reported"
want n 1 "the records behind a TLSA CNAME are returned"
same tlsa.state n tlsa.name -- "both modes agree on a CNAME at the TLSA owner"

# ---- addresses, MX -----------------------------------------------------------------
both addr "$LAB_DUAL_HTTPS_HOST"
want n 2 "A and AAAA addresses are both returned"
want addr1 "::1:secure" "the AAAA address is secure"
same state n addr0 addr1 -- "both modes agree on addresses"

both addr web.dane.test
want expanded cdn.dane.test. "the CNAME-expanded name comes with the addresses"

both mx "$LAB_MX_MIXED_DOMAIN"
want mx0 10:mail.dane.test. "the MX of lowest preference comes first"
want mx1 20:nomatch.dane.test. "then the next"
same mx.state n -- "both modes agree on MX records"

# ---- resolvers that do not answer -------------------------------------------------
# A UDP and TCP port that accepts queries and never answers.
python3 -c '
import socket, time
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.99", 53))
t = socket.socket(); t.bind(("127.0.0.99", 53)); t.listen(5)
time.sleep(60)' </dev/null >/dev/null 2>&1 &
silent=$!
sleep 0.3
t0=$(date +%s%N)
S=$("$PROBE" -r 127.0.0.99 -w 700 tlsa "$LAB_MAIL_SMTP_HOST" 25 2>&1)
t1=$(date +%s%N)
kill "$silent" 2>/dev/null
is "$(field tlsa.state "$S")" indeterminate "a resolver that never answers gives indeterminate, not \"no records\""
is "$(field tlsa.answered "$S")" 0 "the result says no resolver answered"
case $(field tlsa.reason "$S") in
*"no answer from 127.0.0.99@53"*) ok 0 "the reason names the silent resolver" ;;
*) ok 1 "the reason names the silent resolver"; echo "#   $S" ;;
esac
[ $(((t1 - t0) / 1000000)) -lt 4000 ]
ok $? "--timeout bounds each query (two lookups of 0.7 s took $(((t1 - t0) / 1000000)) ms)"

S=$("$PROBE" -r 127.0.0.98 -r "$LAB_RESOLVER" -w 700 tlsa "$LAB_MAIL_SMTP_HOST" 25 2>&1)
is "$(field tlsa.state "$S")" secure "the next resolver is asked when the first does not answer"

done_testing
