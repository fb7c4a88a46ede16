#!/bin/sh
# shellcheck disable=SC2154 # rc, out and err are set by lib.sh's run
# The target options create and check share (-p, --proto, -t, --timeout):
# one set of limits and defaults, each command's own wording for a bad
# value (create: "--port 'X': want ...", check: "bad port 'X' (want
# ...)"), each command's own exit status for a usage error (create 2,
# check 3).  Nothing is contacted: every value here is refused before.
#
#   TLSA=build/cmd/tlsa sh tests/cli/target-options.sh

# shellcheck source=tests/lib.sh
. "$(cd "$(dirname "$0")/.." && pwd)/lib.sh"
need_our_tlsa

cert=$T/cert.pem
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/key.pem" \
	-subj /CN=host.example -days 30 -out "$cert" 2>/dev/null || {
	echo "Bail out! openssl cannot make a test certificate"
	exit 1
}

# refused CMD WANT-STATUS WANT-STDERR DESCRIPTION ARGS...
refused() {
	cmd=$1 want_rc=$2 want_err=$3 what=$4
	shift 4
	if [ "$cmd" = create ]; then
		run "$TLSA" create -c "$cert" "$@" host.example
	else
		run "$TLSA" check "$@" host.example
	fi
	is "$rc:$(printf '%s\n' "$err" | head -1)" "$want_rc:tlsa $cmd: $want_err" "$what"
}

refused create 2 "--port '0': want 1-65535" "create refuses port 0 in its own words" -p 0
refused create 2 "--port '65536': want 1-65535" "create refuses port 65536" -p 65536
refused check 3 "bad port '0' (want 1-65535)" "check refuses port 0 in its own words" -p 0
refused check 3 "bad port '65536' (want 1-65535)" "check refuses port 65536" -p 65536
refused create 2 "--proto 'quic': want tcp, udp or sctp" "create refuses an unknown --proto" \
	--proto quic
refused check 3 "bad --proto 'quic' (want tcp)" "check refuses an unknown --proto" --proto quic
refused check 3 "--proto udp: only TCP services can be checked (DTLS and SCTP are not supported)" \
	"check refuses udp, which create accepts for the owner name" --proto udp
refused create 2 "--timeout '0': want 1-3600 seconds" "create refuses --timeout 0" --timeout 0
refused check 3 "bad --timeout '3601' (want 1-3600 seconds)" "check refuses --timeout 3601" \
	--timeout 3601
refused check 3 "unknown STARTTLS protocol 'gopher' (want one of: smtp lmtp imap pop3 ftp xmpp \
xmpp-server ldap sieve nntp postgres, or none)" "check names the STARTTLS protocols, and none" \
	-t gopher
refused create 2 "--starttls 'gopher': unknown protocol (want one of: smtp lmtp imap pop3 ftp \
xmpp xmpp-server ldap sieve nntp postgres)" "create names the STARTTLS protocols in its words" \
	-t gopher
run "$TLSA" create -c "$cert" -t none host.example
is "$rc" 2 "create has no -t none: its records are for a port, not a way of speaking"

# Defaults: 443 and tcp; -t without -p takes the protocol's port.
run "$TLSA" create -c "$cert" host.example
case $out in _443._tcp.host.example.\ *) r=0 ;; *) r=1 ;; esac
ok $r "create's owner defaults to port 443 over tcp"
run "$TLSA" create -c "$cert" -t smtp host.example
case $out in _25._tcp.host.example.\ *) r=0 ;; *) r=1 ;; esac
ok $r "create -t smtp without -p names port 25"
run "$TLSA" create -c "$cert" -t smtp -p 587 host.example
case $out in _587._tcp.host.example.\ *) r=0 ;; *) r=1 ;; esac
ok $r "create -t smtp -p 587 keeps the port given"
run "$TLSA" create -c "$cert" --proto udp -p 853 host.example
case $out in _853._udp.host.example.\ *) r=0 ;; *) r=1 ;; esac
ok $r "create --proto udp names a udp owner"

done_testing
