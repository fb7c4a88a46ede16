#!/bin/bash
# tlsa check -o jsonl, --shard K/N and failure classes against the live
# lab (tests/live/lab.sh): the mixed fleet (every case and every mail
# domain) as JSON lines, one per target, in order, with the verdicts the
# lab lists; the same fleet split in two shards run by GNU parallel with
# two local workers (--sshlogin 2/:, the way it would reach other
# machines), whose lines together are the whole run's, no target twice;
# and the class of each kind of failure the lab has: dns, tcp, starttls,
# tls, dane and pkix.
#
#   TLSA_LIVE=1 TLSA=build/cmd/tlsa top_srcdir=. bash tests/live/check-stream.sh
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/live/lab.sh"
lab_test_begin "$@"
mixed=$LAB_FLEET_MIXED_FILE
# XMPP servers serve the XMPP domain (RFC 7673); silent_smtp never greets.
opts=(--timeout 2 -j 16 --service-domain "$LAB_XMPP_DOMAIN")

# Warm the resolver's cache, as check-fleet.sh does: the lab's Unbound,
# asked for hundreds of new names at once, now and then answers SERVFAIL
# on a cold cache, and two runs compared line by line must see one DNS.
"$TLSA" check "${opts[@]}" -o jsonl --targets "$mixed" >/dev/null 2>&1

# ---- -o jsonl ---------------------------------------------------------------------

run "$TLSA" check "${opts[@]}" -o jsonl --targets "$mixed"
cp "$T/out" "$T/whole.jsonl"
python3 - "$T/whole.jsonl" "$mixed" "$LAB_FLEET_MIXED_VERDICTS" >"$T/py.out" 2>&1 <<'EOF'
import json, sys
text = open(sys.argv[1], encoding="utf-8").read()
assert text.endswith("\n"), "the output ends with a newline"
objs = [json.loads(l) for l in text.split("\n")[:-1]]
want = []
for n, l in enumerate(open(sys.argv[2]), 1):
    f = l.split("#")[0].split()
    if f:
        want.append((f[1] if f[0] == "--mx" else f[0], n))
verdicts = [l.split()[0] for l in open(sys.argv[3])]
got = [(o["target"], o["line"]) for o in objs]
assert got == want, "order: got %r..., want %r..." % (got[:5], want[:5])
bad = [(o["target"], o["status"], v) for o, v in zip(objs, verdicts) if o["status"] != v]
assert not bad, "verdicts differ: %r" % bad[:5]
print(len(objs))
EOF
r=$?
ok $r "-o jsonl for the mixed fleet: every line parses, one per target, in file order, each with the lab's verdict"
[ $r = 0 ] || comment "$(cat "$T/py.out")"

# ---- --shard K/N through GNU parallel, two local workers ---------------------------

if command -v parallel >/dev/null; then
	parallel --will-cite --tmpdir "$T" -S 2/: --line-buffer \
		"$TLSA" check "${opts[@]}" -o jsonl --shard '{}/2' --targets "$mixed" \
		::: 1 2 >"$T/parallel.jsonl" 2>"$T/parallel.err"
	# Two runs differ in the time each check took and in the order of a
	# TLSA RRset (the resolver rotates it), so each line is compared by
	# what it found: target, line, verdict, class, and every address's.
	python3 - "$T/whole.jsonl" "$T/parallel.jsonl" >"$T/py.out" 2>&1 <<'EOF'
import json, sys
def found(l):
    o = json.loads(l)
    def addrs(t):
        return sorted((a["address"], a["key_type"], a["status"], a["class"])
                      for h in t.get("hosts", []) for a in h.get("addresses", []))
    if o.get("kind") == "mx":
        hosts = [(h["host"], h["status"], h["class"], addrs(h["check"] or {}))
                 for h in o["hosts"]]
    else:
        hosts = addrs(o)
    return (o["line"], o["target"], o["status"], o["class"], hosts)
whole = [found(l) for l in open(sys.argv[1])]
parts = [found(l) for l in open(sys.argv[2])]
lines = [p[0] for p in parts]
assert len(lines) == len(set(lines)), "a target in both shards"
assert sorted(lines) == [w[0] for w in whole], "the shards' lines are not the whole file's"
diff = [(a, b) for a, b in zip(sorted(parts), whole) if a != b]
assert not diff, "%d lines differ from the whole run's: %r" % (len(diff), diff[:3])
EOF
	r=$?
	ok $r "two shards run by GNU parallel (-S 2/:) together give the whole run's jsonl, no target twice"
	[ $r = 0 ] || comment "$(cat "$T/py.out" "$T/parallel.err")"
	python3 -c '
import json, sys
for l in open(sys.argv[1]):
    json.loads(l)
' "$T/parallel.jsonl"
	ok $? "the two workers' lines, interleaved by parallel --line-buffer, are each whole"
else
	skip "GNU parallel is not installed (Debian package parallel)"
	skip "GNU parallel is not installed (Debian package parallel)"
fi

# ---- failure classes --------------------------------------------------------------

# One target per kind of failure; the class of the target and of its first
# address (the lookups' for DNS).  "-" is null: nothing failed.
cat >"$T/classes.targets" <<EOF
$LAB_TA_HTTPS_HOST $LAB_TA_HTTPS_PORT
$LAB_BOGUS_HTTPS_HOST $LAB_BOGUS_HTTPS_PORT
$LAB_NOTLSA_SMTP_HOST $LAB_NOTLSA_SMTP_PORT
$LAB_REFUSED_HTTPS_HOST $LAB_REFUSED_HTTPS_PORT
$LAB_SILENT_SMTP_HOST $LAB_SILENT_SMTP_PORT smtp
$LAB_NOSTARTTLS_SMTP_HOST $LAB_NOSTARTTLS_SMTP_PORT smtp
$LAB_MAIL_SMTP_HOST $LAB_MAIL_SMTP_PORT none
$LAB_NOMATCH_SMTP_HOST $LAB_NOMATCH_SMTP_PORT
$LAB_EXPIRED_TA_HOST $LAB_EXPIRED_TA_PORT
$LAB_EXPIRED_EE_HOST $LAB_EXPIRED_EE_PORT
$LAB_MAIL_SMTP_HOST $LAB_MAIL_SMTP_PORT
EOF
run "$TLSA" check --timeout 2 -j 4 -o jsonl --targets "$T/classes.targets"
printf '%s\n' "$out" | python3 -c '
import json, sys
for l in sys.stdin:
    o = json.loads(l)
    a = o["hosts"][0]["addresses"]
    print(o["target"], o["status"], o["class"] or "-", (a[0]["class"] or "-") if a else "none",
          o["tlsa"]["lookup"]["class"] or "-")
' >"$T/classes.got" 2>&1
class_is() { # LINE "TARGET STATUS CLASS ADDRESS-CLASS LOOKUP-CLASS" SENTENCE
	is "$(sed -n "$1p" "$T/classes.got")" "$2" "$3"
}
class_is 1 "$LAB_TA_HTTPS_HOST OK - - -" \
	"an OK target, its address and its lookup have no class (null)"
class_is 2 "$LAB_BOGUS_HTTPS_HOST CRITICAL dns dns dns" \
	"a bogus TLSA lookup is class dns: the target, the lookup, the address it left unverified"
class_is 3 "$LAB_NOTLSA_SMTP_HOST CRITICAL dns dns -" \
	"no TLSA records (authenticated NODATA) is class dns, the lookup itself fine"
class_is 4 "$LAB_REFUSED_HTTPS_HOST CRITICAL tcp tcp -" \
	"a refused connection is class tcp"
class_is 5 "$LAB_SILENT_SMTP_HOST CRITICAL starttls starttls -" \
	"a server that never greets (a timeout in the dialogue) is class starttls"
class_is 6 "$LAB_NOSTARTTLS_SMTP_HOST CRITICAL starttls starttls -" \
	"STARTTLS not offered is class starttls"
class_is 7 "$LAB_MAIL_SMTP_HOST CRITICAL tls tls -" \
	"TLS spoken to a plaintext SMTP greeting (a failed handshake) is class tls"
class_is 8 "$LAB_NOMATCH_SMTP_HOST CRITICAL dane dane -" \
	"a chain that matches no record is class dane"
class_is 9 "$LAB_EXPIRED_TA_HOST CRITICAL pkix pkix -" \
	"DANE-TA with an expired certificate (the chain's own checks) is class pkix"
is "$(sed -n 10p "$T/classes.got" | cut -d ' ' -f 2,4)" "WARNING pkix" \
	"an expired certificate under DANE-EE (a WARNING) is class pkix at its address"
class_is 11 "$LAB_MAIL_SMTP_HOST WARNING dane - -" \
	"a single key published (no rollover, a WARNING of the records) is class dane"
[ "$(wc -l <"$T/classes.got")" = 11 ] || comment "$(cat "$T/classes.got")"

# The same in prometheus, as a label on the status samples.
run "$TLSA" check --timeout 2 -o prometheus -p "$LAB_NOMATCH_SMTP_PORT" "$LAB_NOMATCH_SMTP_HOST"
printf '%s\n' "$out" | grep -q "^tlsa_check_status{target=\"$LAB_NOMATCH_SMTP_HOST\",port=\"25\",class=\"dane\"} 2$" &&
	printf '%s\n' "$out" | grep -q "^tlsa_check_address_status{.*address=\"$LAB_NOMATCH_SMTP_ADDR\".*,class=\"dane\"} 2$"
check $? "prometheus: the status samples of a mismatch carry class=\"dane\""
run "$TLSA" check --timeout 2 -o prometheus -p "$LAB_TA_HTTPS_PORT" "$LAB_TA_HTTPS_HOST"
printf '%s\n' "$out" | grep -q "^tlsa_check_status{target=\"$LAB_TA_HTTPS_HOST\",port=\"443\"} 0$"
check $? "prometheus: an OK target's status sample has no class label"

# A mail domain: its class is that of the host that decided its verdict.
run "$TLSA" check --timeout 2 -o jsonl --mx "$LAB_MX_MIXED_DOMAIN"
printf '%s\n' "$out" | python3 -c '
import json, sys
o = json.loads(sys.stdin.read())
assert o["status"] == "CRITICAL" and o["class"] == "dane", (o["status"], o["class"])
assert o["mx"]["lookup"]["class"] is None
assert [h["class"] for h in o["hosts"]] == ["dane", "dane"], [h["class"] for h in o["hosts"]]
'
check $? "--mx $LAB_MX_MIXED_DOMAIN: the domain and its hosts carry their classes (dane), the MX lookup none"

done_testing
