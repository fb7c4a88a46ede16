#!/bin/bash
# tlsa check: every UNKNOWN (exit 3) says why on stdout in the format
# asked for, as well as on stderr, however early it comes: a monitoring
# system shows a plugin's stdout, and an empty status tells nobody
# anything.  nagios prints "DANE UNKNOWN - reason", json a document with
# status, exit and error; prometheus a status sample once there is a
# target to name (nothing before, so a textfile collector keeps its last
# exposition); text leaves it to stderr.  No server is contacted: the
# only resolver is a port on loopback, or none can be made.
#
#   TLSA=build/cmd/tlsa bash tests/cli/check-unknown.sh

. "$(cd "$(dirname "$0")/.." && pwd)/lib.sh"
own_namespace -n TLSA_IN_NETNS "$@"
[ -z "${TLSA_IN_NETNS:-}" ] || ip link set lo up
need_our_tlsa

# nagios_unknown DESCRIPTION WORDS ARGS...: exit 3, the reason on stderr,
# and one "DANE UNKNOWN - ...WORDS..." line on stdout.
nagios_unknown() {
	local what=$1 words=$2
	shift 2
	run "$TLSA" check -o nagios "$@"
	is "$rc" 3 "$what exits 3 (UNKNOWN) in nagios format"
	echo "$err" | grep -qF "tlsa check: " && echo "$err" | grep -qF -- "$words"
	ok $? "$what says why on stderr"
	[ "$(printf '%s\n' "$out" | wc -l)" -eq 1 ] && printf '%s\n' "$out" | grep -q '^DANE UNKNOWN - ' &&
		printf '%s\n' "$out" | grep -qF -- "$words"
	ok $? "$what prints its DANE UNKNOWN status line on stdout ($out)"
}

# json_unknown DESCRIPTION WORDS ARGS...: one JSON document, status UNKNOWN, exit 3, error.
json_unknown() {
	local what=$1 words=$2
	shift 2
	run "$TLSA" check -o json "$@"
	is "$rc" 3 "$what exits 3 (UNKNOWN) in json format"
	printf '%s\n' "$out" | WORDS=$words python3 -c '
import json, os, sys
d = json.load(sys.stdin)
assert d["status"] == "UNKNOWN" and d["exit"] == 3, d
assert os.environ["WORDS"] in d["error"], d
'
	ok $? "$what prints one JSON document with status UNKNOWN and the error on stdout"
}

printf 'x.test 443\n' >"$T/one.targets"
printf 'x.test 443\nbad_host! 443\n' >"$T/bad.targets"
printf 'not a certificate\n' >"$T/notcert.pem"

# Usage errors once the format is known.
nagios_unknown "a port out of range after -o" "bad port '70000'" -p 70000 host.test
# A usage error before -o (a Nagios command line with a bad $ARG1$): the format is still known.
run "$TLSA" check -p 70000 -o nagios host.test
is "$rc:$out" "3:DANE UNKNOWN - bad port '70000' (want 1-65535)" \
	"a usage error before -o nagios still prints the DANE UNKNOWN line"
run "$TLSA" check --frobnicate --format=json host.test
printf '%s\n' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["status"] == "UNKNOWN" and "--frobnicate" in d["error"], d
'
ok $? "a usage error before --format=json still prints the JSON document"
nagios_unknown "a second HOST" "unexpected argument 'extra'" host.test extra
nagios_unknown "an unknown option after -o" "unknown option '--frobnicate'" --frobnicate host.test
nagios_unknown "-4 with -6" "-4 and -6 exclude each other" -4 -6 host.test
json_unknown "a port out of range after -o" "bad port '70000'" -p 70000 host.test
json_unknown "no HOST" "no HOST to check"
# Inputs that cannot be read.
nagios_unknown "a --candidate that cannot be read" "--candidate $T/missing.pem" \
	--candidate "$T/missing.pem" -a 127.0.0.1 host.test
nagios_unknown "a --candidate that is not a certificate" "--candidate $T/notcert.pem" \
	--candidate "$T/notcert.pem" -a 127.0.0.1 host.test
json_unknown "a --candidate that cannot be read" "--candidate $T/missing.pem" \
	--candidate "$T/missing.pem" -a 127.0.0.1 host.test
nagios_unknown "a --tlsa-file that is a directory" "$T" --tlsa-file "$T" -a 127.0.0.1 host.test
# No resolver can be made.
nagios_unknown "a resolver address that cannot be parsed" "resolver" --resolver 'bad@@x' host.test
json_unknown "a resolver address that cannot be parsed" "resolver" --resolver 'bad@@x' host.test
nagios_unknown "--mx with no resolver" "resolver" --mx --resolver 'bad@@x' example.test
# Fleets that stop before their first target.
nagios_unknown "a missing targets file" "missing.targets" --targets "$T/missing.targets"
json_unknown "a missing targets file" "missing.targets" --targets "$T/missing.targets"
nagios_unknown "a targets file with a bad line" "line 2" --targets "$T/bad.targets"
json_unknown "a targets file with a bad line" "line 2" --targets "$T/bad.targets"
nagios_unknown "a fleet with no resolver" "resolver" --resolver 'bad@@x' --targets "$T/one.targets"
json_unknown "a fleet with no resolver" "resolver" --resolver 'bad@@x' --targets "$T/one.targets"
nagios_unknown "a fleet usage error" "--address is for one HOST" -a 127.0.0.1 --targets "$T/one.targets"

# prometheus: a sample once a target is named, nothing before one is.
run "$TLSA" check -o prometheus --resolver 'bad@@x' host.test
is "$rc" 3 "prometheus: no resolver exits 3"
echo "$out" | grep -qx 'tlsa_check_status{target="host.test",port="443",class="internal"} 3'
ok $? "prometheus: no resolver still writes the target's status sample 3, class internal"
run "$TLSA" check -o prometheus --mx --resolver 'bad@@x' example.test
is "$rc" 3 "prometheus: --mx with no resolver exits 3"
echo "$out" | grep -qx 'tlsa_mail_domain_status{domain="example.test",class="internal"} 3'
ok $? "prometheus: --mx with no resolver writes the mail domain's status sample 3, class internal"
run "$TLSA" check -o prometheus -p 70000 host.test
is "$rc:$out" "3:" "prometheus: a usage error before any target prints nothing on stdout"

# text: stderr says enough for one target, as documented.
run "$TLSA" check -p 70000 host.test
is "$rc:$out" "3:" "text: a usage error prints nothing on stdout"

done_testing
