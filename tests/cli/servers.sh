# Shared by the tests/cli scripts that run TLS servers on loopback in a
# network namespace of their own (check.sh, check-records.sh,
# check-candidate.sh): where they work, how their servers end, and the
# test CA their certificates come from.  Source it after tests/lib.sh.

# need_tls_servers: skip the rest (one case) unless we are in a network
# namespace of our own with openssl and python3; bring its loopback up.
need_tls_servers() {
	if [ -z "${TLSA_IN_NETNS:-}" ] || ! command -v openssl >/dev/null || ! command -v python3 >/dev/null; then
		skip "a TLS server in a network namespace needs root (unshare -n), openssl and python3"
		done_testing
		exit $?
	fi
	ip link set lo up
}

# servers_in_T: work in $T; every process in $pids (add each server's
# there) is killed, and $T removed, when the script ends.
servers_in_T() {
	pids=
	trap 'for p in $pids; do kill "$p" 2>/dev/null; done; rm -rf "$T"' EXIT
	cd "$T" || exit 1
}

# key FILE: a new P-256 key in FILE.
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }

# test_ca: in the current directory, ca.key and ca.pem, a CA ("Test CA"),
# and leaf.ext, the extensions of a leaf for host.test it issues.
test_ca() {
	key ca.key
	openssl req -x509 -new -key ca.key -out ca.pem -days 3650 -subj "/CN=Test CA" \
		-addext basicConstraints=critical,CA:true -addext keyUsage=critical,keyCertSign 2>/dev/null
	printf 'subjectAltName=DNS:host.test\nbasicConstraints=CA:false\n' >leaf.ext
}
