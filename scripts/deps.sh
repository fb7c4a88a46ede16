# Sourced by scripts/quickstart and scripts/test: install Debian packages
# that are missing, with sudo when not root.  Daemons are installed under a
# policy-rc.d that keeps them from starting: the tests start their own, in
# a network namespace, and a machine's running services are not ours.

BUILD_PACKAGES="gcc make autoconf automake libtool pkgconf libssl-dev libldns-dev openssl"
# The primaries tests/live/zone-push.sh pushes to (scripts/test's
# LIVE_PACKAGES holds them too).
PUSH_PACKAGES="knot bind9"

as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1; then
		sudo "$@"
	else
		echo "scripts: need root (or sudo) to run: $*" >&2
		return 1
	fi
}

# need_packages PKG...: install those not installed yet.
need_packages() {
	missing=
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
			missing="$missing $p"
	done
	[ -n "$missing" ] || return 0
	echo "scripts: installing:$missing" >&2
	policy=/usr/sbin/policy-rc.d
	added_policy=
	if [ ! -e "$policy" ]; then
		printf '#!/bin/sh\nexit 101\n' | as_root tee "$policy" >/dev/null &&
			as_root chmod 755 "$policy" && added_policy=1
	fi
	echo "postfix postfix/main_mailer_type select No configuration" |
		as_root debconf-set-selections 2>/dev/null
	if [ -z "${apt_updated:-}" ]; then
		as_root apt-get update -q >&2 || true
		apt_updated=1
	fi
	# shellcheck disable=SC2086
	as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
		--no-install-recommends $missing >&2
	status=$?
	[ -n "$added_policy" ] && as_root rm -f "$policy"
	return $status
}
