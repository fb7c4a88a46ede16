# The live test lab: real DNSSEC-signed zones, a validating resolver and
# real TLS servers, all inside a private network namespace, for the live
# tests of `tlsa check`.  It owns the case table (below), the namespace,
# the lab directory and every daemon it starts; it does not own the tests.
#
# Use it from a bash test script, before anything is printed:
#
#   . "$top_srcdir/tests/live/lab.sh"
#   lab_enter "$@"          # skips (TAP 1..0 # SKIP) or re-execs in a namespace
#   . "$top_srcdir/tests/lib.sh"
#   lab_start || { echo "Bail out! the live lab did not start"; exit 1; }
#
# or, for a test of tlsa with the default servers, lab_test_begin "$@",
# which does those three steps and sets TLSA from top_builddir; then
#
#   ... "$TLSA" check --resolver "$LAB_RESOLVER" -p "$LAB_MAIL_SMTP_PORT" "$LAB_MAIL_SMTP_HOST"
#
# (lab_start --with postgres, or --with all, also starts the optional
# servers of LAB_OPTIONAL_KINDS; without it their cases are left out.)
#
# lab_enter re-executes the script under `unshare -n -m -p -f` (own network,
# mount and process namespaces; nothing can reach another machine, and every
# process dies with the script), brings lo up and bind-mounts a resolv.conf
# that names the lab resolver over /etc/resolv.conf.  lab_start creates the
# CA and certificates, signs the zones, starts NSD (authoritative, on
# 127.0.0.2), Unbound (validating, on 127.0.0.1), Postfix, Dovecot
# (IMAP, POP3, LMTP, ManageSieve), Prosody (XMPP), slapd (LDAP), vsftpd
# (FTP), PostgreSQL (when asked) and tests/live/tlsd.py (direct TLS, NNTP,
# silent), waits until each answers and exports the LAB_* variables
# described in tests/live/README.  A trap stops it all on exit.
#
# TLSA_LIVE=1 must be set or the test skips; TLSA_LAB_KEEP=1 keeps the lab
# directory (logs, zones, certificates) after exit for debugging.

# ---- the cases --------------------------------------------------------------
# Every fact about a case is here and only here; tests/live/README explains
# each line.  Columns:
#   id      names the case: LAB_<ID>_* variables (upper case)
#   host    the name a client checks
#   port    the TCP port; TLSA owner _PORT._tcp.HOST
#   tls     a STARTTLS protocol, named as `tlsa check -t` and openssl
#           s_client -starttls name it: smtp (Postfix), imap, pop3, lmtp,
#           sieve (Dovecot), xmpp, xmpp-server (Prosody), ldap (slapd),
#           postgres (PostgreSQL), ftp (vsftpd), nntp (tlsd.py);
#           tls = TLS from the first byte (465: Postfix, 993/995: Dovecot,
#           others: tlsd.py);
#           plain = SMTP without STARTTLS; silent = accepts, never speaks;
#           closed = nothing listens
#   addrs   addresses of HOST (A/AAAA records, unless HOST is a CNAME in
#           the extra records, then they are where the CNAME leads)
#   certs   certificate served on each address (one per address, or one
#           for all); - = none
#   tlsa    records at _PORT._tcp.HOST: USM:CERT, comma separated, where
#           USM are the usage, selector and matching type digits and CERT
#           names the certificate whose key (selector 1) or certificate
#           (selector 0) the record holds; - = no TLSA RRset there
#   verdict what `tlsa check` must conclude (see README for why)
lab_case_table() {
	cat <<'EOF'
#id             host                  port tls    addrs                  certs        tlsa                    verdict
mail_smtp       mail.dane.test        25   smtp   127.0.0.10             mail         311:mail                WARNING
mail_submission mail.dane.test        587  smtp   127.0.0.10             mail         311:mail                WARNING
mail_smtps      mail.dane.test        465  tls    127.0.0.10             mail         311:mail,311:mailnext   OK
ta_https        ta.dane.test          443  tls    127.0.0.11             ta           211:root                WARNING
ta_smtp         ta.dane.test          25   smtp   127.0.0.11             ta           211:root                WARNING
rollover_smtp   rollover.dane.test    25   smtp   127.0.0.12             rollover     311:rollover,311:next   OK
nomatch_smtp    nomatch.dane.test     25   smtp   127.0.0.13             nomatch      311:other               CRITICAL
expired_ee      expired-ee.dane.test  25   smtp   127.0.0.14             expired      311:expired             WARNING
expired_ta      expired-ta.dane.test  25   smtp   127.0.0.15             expired      211:root                CRITICAL
dual_https      dual.dane.test        443  tls    127.0.0.16,::1         dual         311:dual,211:root       OK
notlsa_smtp     notlsa.dane.test      25   smtp   127.0.0.17             notlsa       -                       CRITICAL
notlsa_nx       notlsa.dane.test      587  smtp   127.0.0.17             notlsa       -                       CRITICAL
nostarttls_smtp nostarttls.dane.test  25   plain  127.0.0.18             -            311:mail                CRITICAL
cname_expanded  alias.dane.test       25   smtp   127.0.0.10             mail         311:other               WARNING
cname_initial   web.dane.test         443  tls    127.0.0.19             web          311:web,211:root        OK
tlsa_cname      tlsacname.dane.test   25   smtp   127.0.0.10             mail         -                       WARNING
multi_https     multi.dane.test       443  tls    127.0.0.20,127.0.0.21  multi,wrong  311:multi               CRITICAL
imap_starttls   imap.dane.test        143  imap   127.0.0.30             imap         311:imap,211:root       OK
pop3_starttls   imap.dane.test        110  pop3   127.0.0.30             imap         311:imap,211:root       OK
imaps           imap.dane.test        993  tls    127.0.0.30             imap         311:imap,211:root       OK
pop3s           imap.dane.test        995  tls    127.0.0.30             imap         311:imap,211:root       OK
insecure_https  www.insecure.test     443  tls    127.0.0.22             insecure     311:insecure            CRITICAL
bogus_https     www.bogus.test        443  tls    127.0.0.23             bogus        311:bogus               CRITICAL
refused_https   refused.dane.test     443  closed 127.0.0.24             -            311:mail                CRITICAL
silent_smtp     silent.dane.test      25   silent 127.0.0.25             -            311:mail                CRITICAL
mx2_smtp        mx2.dane.test         25   smtp   127.0.0.31             mx2          311:mx2,211:root        OK
nomx_smtp       nomx.dane.test        25   smtp   127.0.0.32             nomx         311:nomx,211:root       OK
othermx_smtp    mx.other.test         25   smtp   127.0.0.33             othermx      211:root                WARNING
cnamemx_smtp    mx.cname.dane.test    25   smtp   127.0.0.33             othermx      311:other               WARNING
lmtp_starttls   lmtp.dane.test        24   lmtp   127.0.0.34             lmtp         311:lmtp,211:root       OK
sieve_starttls  sieve.dane.test       4190 sieve  127.0.0.35             sieve        311:sieve,211:root      OK
xmpp_client     xmpp.dane.test        5222 xmpp   127.0.0.36             xmpp         311:xmpp,211:root       OK
xmpp_server     xmpp.dane.test        5269 xmpp-server 127.0.0.36        xmpp         311:xmpp,211:root       OK
ldap_starttls   ldap.dane.test        389  ldap   127.0.0.37             ldap         311:ldap,211:root       OK
postgres_tls    pg.dane.test          5432 postgres 127.0.0.38           pg           311:pg,211:root         OK
ftp_authtls     ftp.dane.test         21   ftp    127.0.0.39             ftp          311:ftp,211:root        OK
nntp_starttls   news.dane.test        119  nntp   127.0.0.40             news         311:news,211:root       OK
EOF
}

# Records the case table cannot express, per zone, relative to the origin.
lab_extra_records() {
	case $1 in
	dane.test)
		cat <<'EOF'
@                   MX    10 mail.dane.test.
mixed               MX    10 mail.dane.test.
mixed               MX    20 nomatch.dane.test.
alias               CNAME mail.dane.test.
web                 CNAME cdn.dane.test.
cdn                 A     127.0.0.19
_25._tcp.tlsacname  CNAME _25._tcp.mail.dane.test.
_25._tcp.notlsa     TXT   "no TLSA here: NODATA, not NXDOMAIN"
@                   MX    20 mx2.dane.test.
cnamemx             MX    10 mx.cname.dane.test.
mx.cname            CNAME mx.other.test.
nullmx              MX    0 .
_xmpp-client._tcp   SRV   0 5 5222 xmpp.dane.test.
_xmpp-server._tcp   SRV   0 5 5269 xmpp.dane.test.
EOF
		;;
	insecure.test)
		cat <<'EOF'
@                   MX    10 mx2.dane.test.
EOF
		;;
	esac
}

# Mail domains for `tlsa check --mx` (RFC 7672): domain, verdict, and the
# hosts a DANE sender tries, in order (PREF:HOST; 0:DOMAIN for a domain
# without MX, - for a null MX); README says why.  Exported as
# LAB_MX_<FIRST LABEL>_DOMAIN, _VERDICT and _HOSTS.
lab_mx_table() {
	cat <<'EOF'
dane.test           WARNING  10:mail.dane.test,20:mx2.dane.test
mixed.dane.test     CRITICAL 10:mail.dane.test,20:nomatch.dane.test
insecure.test       CRITICAL 10:mx2.dane.test
nomx.dane.test      OK       0:nomx.dane.test
cnamemx.dane.test   WARNING  10:mx.cname.dane.test
nullmx.dane.test    CRITICAL -
EOF
}

# SRV services for `tlsa check --srv` (RFC 7673): owner, verdict, targets
# (PRIORITY:PORT:HOST).  Exported as LAB_SRV_XMPP_CLIENT_OWNER, _VERDICT,
# _TARGETS and LAB_SRV_XMPP_SERVER_*; LAB_XMPP_DOMAIN is the XMPP domain
# (the stream's to=, and the service domain of RFC 7673).
lab_srv_table() {
	cat <<'EOF'
_xmpp-client._tcp.dane.test  OK  0:5222:xmpp.dane.test
_xmpp-server._tcp.dane.test  OK  0:5269:xmpp.dane.test
EOF
}
LAB_XMPP_DOMAIN=dane.test

# The fleet, for `tlsa check --targets` and `--jobs`: COUNT names made
# from PATTERN (printf; %d is the index, from 1), the address (the same
# rule), port, kind, certificate served, TLSA (as in the case table) and
# verdict.  A tls row gets one wildcard tlsd.py listener on 0.0.0.0:PORT,
# so that each name has an address of its own; an smtp row must point at
# a Postfix listener of the case table.
lab_fleet_table() {
	cat <<'EOF'
#count pattern               addr        port tls  cert  tlsa                   verdict
240    f%03d.fleet.dane.test 127.0.1.%d  4443 tls  fleet 311:fleet,311:next     OK
60     m%03d.fleet.dane.test 127.0.0.10  25   smtp mail  311:mail,311:mailnext  OK
EOF
}

# Certificates: name, validity (valid|expired|renew:NAME), subjectAltNames.
# All are EC P-256 leaves issued by the lab intermediate, which the lab root
# issued.  Some are never served: their keys stand for a "next" key or a
# stranger's.  renew:NAME is a new certificate (another serial, two years)
# for the key of NAME, as a renewal that keeps its key; mailrenew and fresh
# are the `--candidate` certificates (LAB_CANDIDATE_MATCH, _NOMATCH).
lab_cert_table() {
	cat <<'EOF'
mail      valid    mail.dane.test alias.dane.test tlsacname.dane.test
mailnext  valid    mail.dane.test
ta        valid    ta.dane.test
rollover  valid    rollover.dane.test
next      valid    rollover.dane.test
nomatch   valid    nomatch.dane.test
other     valid    nomatch.dane.test
expired   expired  expired-ee.dane.test expired-ta.dane.test
dual      valid    dual.dane.test
notlsa    valid    notlsa.dane.test
web       valid    web.dane.test cdn.dane.test
multi     valid    multi.dane.test
wrong     valid    multi.dane.test
imap      valid    imap.dane.test
insecure  valid    www.insecure.test
bogus     valid    www.bogus.test
mx2       valid    mx2.dane.test
nomx      valid    nomx.dane.test
othermx   valid    mx.other.test
lmtp      valid    lmtp.dane.test
sieve     valid    sieve.dane.test
xmpp      valid    xmpp.dane.test dane.test
ldap      valid    ldap.dane.test
pg        valid    pg.dane.test
ftp       valid    ftp.dane.test
news      valid    news.dane.test
fleet     valid    fleet.dane.test
mailrenew renew:mail mail.dane.test alias.dane.test tlsacname.dane.test
fresh     valid    mail.dane.test alias.dane.test tlsacname.dane.test
EOF
}

# Zones: name, how it is signed.  dane.test uses NSEC3, the others NSEC;
# insecure.test is delegated without DS; bogus.test has a DS but its TLSA
# records are changed after signing, so their signatures fail; other.test
# is a second secure zone (NSEC), for an MX host reached by a CNAME.
LAB_ZONES="dane.test insecure.test bogus.test other.test"

LAB_PACKAGES="iproute2 util-linux openssl python3 nsd unbound ldnsutils postfix dovecot-imapd dovecot-pop3d dovecot-lmtpd dovecot-managesieved prosody slapd postgresql vsftpd"
LAB_RESOLVER=127.0.0.1
LAB_NSD_ADDR=127.0.0.2

# Kinds of the case table whose servers start only when a test asks for
# them (lab_start --with KIND,... or TLSA_LAB_WITH): PostgreSQL's initdb
# alone costs about a second of CPU.
LAB_OPTIONAL_KINDS="postgres"

# ---- entering the namespace -------------------------------------------------
_lab_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
_lab_top=$(cd "$_lab_here/../.." && pwd)

# lab_skip REASON: the whole test is skipped, as TAP says it.
lab_skip() {
	echo "1..0 # SKIP $1"
	exit 0
}

# Run (and clear) the EXIT trap the caller set, e.g. tests/lib.sh's.
_lab_exit_trap_command() {
	local t
	t=$(trap -p EXIT)
	[ -n "$t" ] || return 0
	t=${t#trap -- \'}
	t=${t%\' EXIT}
	printf '%s' "${t//\'\\\'\'/\'}"
}

# lab_enter "$@": skip, or re-exec this script inside the namespaces; once
# inside, set up lo and resolv.conf and create the lab directory.
lab_enter() {
	if [ "${TLSA_LAB_INSIDE:-}" != 1 ]; then
		[ "${TLSA_LIVE:-}" = 1 ] || lab_skip "live tests run only with TLSA_LIVE=1"
		[ "$(id -u)" -eq 0 ] || lab_skip "live tests need root (network namespaces)"
		if [ -f "$_lab_top/scripts/deps.sh" ]; then
			# shellcheck disable=SC1091,SC2086
			(. "$_lab_top/scripts/deps.sh" && need_packages $LAB_PACKAGES) >&2 ||
				lab_skip "cannot install: $LAB_PACKAGES"
		fi
		local p
		for p in unshare ip openssl python3 nsd unbound ldns-keygen ldns-signzone \
			drill postfix dovecot prosody slapd vsftpd setpriv; do
			PATH=$PATH:/usr/sbin:/sbin command -v "$p" >/dev/null 2>&1 ||
				lab_skip "missing $p"
		done
		local flags="-n -m -p -f --kill-child=SIGTERM --mount-proc"
		# Without a process namespace (where it is refused, or for a try
		# with TLSA_LAB_NO_PIDNS=1) lab_stop alone ends the daemons.
		# shellcheck disable=SC2086
		if [ "${TLSA_LAB_NO_PIDNS:-}" = 1 ] || ! unshare $flags true >/dev/null 2>&1; then
			flags="-n -m"
			unshare $flags true >/dev/null 2>&1 ||
				lab_skip "unshare -n -m does not work here"
		fi
		local cleanup
		cleanup=$(_lab_exit_trap_command)
		trap - EXIT
		[ -z "$cleanup" ] || eval "$cleanup"
		export TLSA_LAB_INSIDE=1
		# shellcheck disable=SC2086
		exec unshare $flags -- bash "$0" "$@"
	fi
	# As the namespace's init, bash ignores signals it has no trap for.
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 143' TERM
	export PATH="$PATH:/usr/sbin:/sbin"
	mount --make-rprivate / 2>/dev/null
	ip link set lo up || lab_skip "cannot bring up lo in the namespace"
	# The file can go once it is mounted: the mount holds it, and the mount
	# namespace (with it) ends with this process.
	local conf rc=/etc/resolv.conf
	conf=$(mktemp "${TMPDIR:-/tmp}/tlsa-lab-resolv.XXXXXX") || lab_skip "mktemp failed"
	printf 'nameserver %s\noptions trust-ad\n' "$LAB_RESOLVER" >"$conf"
	chmod 644 "$conf"
	[ -e "$rc" ] || rc=$(readlink -f /etc/resolv.conf 2>/dev/null)
	if ! mount --bind "$conf" "$rc" 2>/dev/null; then
		rm -f "$conf"
		lab_skip "cannot bind-mount a lab resolv.conf over /etc/resolv.conf"
	fi
	rm -f "$conf"
}

# lab_test_begin "$@": how each test of tlsa against the lab begins: TLSA
# from top_builddir unless given, lab_enter, tests/lib.sh, lab_start (a
# "Bail out!", with the daemons' logs, when the lab does not come up).
lab_test_begin() {
	if [ -z "${TLSA:-}" ] && [ -n "${top_builddir:-}" ]; then
		TLSA=$top_builddir/cmd/tlsa
	fi
	export TLSA
	lab_enter "$@"
	# shellcheck disable=SC1091
	. "$_lab_top/tests/lib.sh"
	lab_start || { lab_logs; echo "Bail out! the live lab did not start"; exit 1; }
}

# ---- helpers ------------------------------------------------------------------
_lab_die() {
	echo "lab: $*" >&2
	return 1
}

# The case table without comments, one case per line.
# Cases of a kind in _lab_off (optional servers not asked for, see
# lab_start --with) are left out: no records, no listener, no variables.
_lab_cases() {
	lab_case_table | awk -v off=" ${_lab_off:-} " '
		/^#/ || NF == 0 { next }
		index(off, " " $4 " ") == 0'
}

# lab_lossy PORT ARGS...: tests/live/lossy.py on 127.0.0.1:PORT in front of
# the lab's resolver, with ARGS (--loss-in, --delay-ms ...); its stats go to
# $T/stats.PORT, its messages to $T/lossy.err.  Non-zero when it did not
# start listening within 10 s.  lab_lossy_stop ends it (the stats file is
# written then).
lab_lossy() {
	local port=$1
	shift
	rm -f "$T/lossy.ready"
	python3 "$top_srcdir/tests/live/lossy.py" --listen "127.0.0.1:$port" \
		--upstream "$LAB_RESOLVER:53" --ready "$T/lossy.ready" --stats "$T/stats.$port" \
		"$@" 2>>"$T/lossy.err" &
	_lab_lossy_pid=$!
	for _ in $(seq 100); do
		[ -e "$T/lossy.ready" ] && return 0
		sleep 0.1
	done
	return 1
}
lab_lossy_stop() {
	kill "$_lab_lossy_pid" 2>/dev/null
	wait "$_lab_lossy_pid" 2>/dev/null
	_lab_lossy_pid=
}

# lab_tlsa_data SELECTOR MTYPE CERTNAME: the association data, in hex,
# computed with the openssl CLI from the lab's certificate CERTNAME
# (root, int or a name from lab_cert_table).  Results are kept beside the
# certificate, so asking again costs no process.
lab_tlsa_data() {
	local crt=$LAB_DIR/certs/$3.crt der hex
	if [ -f "$LAB_DIR/certs/$3.$1$2.hex" ]; then
		read -r hex <"$LAB_DIR/certs/$3.$1$2.hex" && echo "$hex" && return 0
	fi
	[ -f "$crt" ] || { _lab_die "no certificate named $3"; return 1; }
	case $1 in
	0) der=$LAB_DIR/certs/$3.der
	   [ -f "$der" ] || openssl x509 -in "$crt" -outform DER -out "$der" || return 1 ;;
	1) der=$LAB_DIR/certs/$3.spki.der
	   [ -f "$der" ] || openssl x509 -in "$crt" -pubkey -noout |
		openssl pkey -pubin -outform DER -out "$der" || return 1 ;;
	*) _lab_die "bad selector $1"; return 1 ;;
	esac
	case $2 in
	0) hex=$(od -An -v -tx1 "$der" | tr -d ' \n') ;;
	1) hex=$(sha256sum "$der") ;;
	2) hex=$(sha512sum "$der") ;;
	*) _lab_die "bad matching type $2"; return 1 ;;
	esac
	hex=${hex%% *}
	[ -n "$hex" ] || return 1
	echo "$hex" >"$LAB_DIR/certs/$3.$1$2.hex"
	echo "$hex"
}

# lab_tlsa_rdata SPEC: "311:mail,211:root" -> one "3 1 1 HEX" line each.
lab_tlsa_rdata() {
	local item usm
	[ "$1" = - ] && return 0
	for item in ${1//,/ }; do
		usm=${item%%:*}
		printf '%s %s %s ' "${usm:0:1}" "${usm:1:1}" "${usm:2:1}"
		lab_tlsa_data "${usm:1:1}" "${usm:2:1}" "${item#*:}" || return 1
	done
}

# ---- certificates -------------------------------------------------------------
_lab_openssl_cnf() {
	cat <<EOF
[ ca ]
default_ca = lab_ca
[ lab_ca ]
dir = $LAB_DIR/certs
database = \$dir/index.txt
new_certs_dir = \$dir/issued
serial = \$dir/serial
default_md = sha256
policy = lab_policy
unique_subject = no
email_in_dn = no
[ lab_policy ]
commonName = supplied
organizationName = optional
[ req ]
distinguished_name = lab_dn
prompt = no
[ lab_dn ]
CN = unused
[ v3_root ]
basicConstraints = critical, CA:true
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ v3_int ]
basicConstraints = critical, CA:true, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ v3_leaf ]
basicConstraints = critical, CA:false
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = \${ENV::LAB_SAN}
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
}

# _lab_issue_ca NAME CN START END EXTENSIONS [SIGNER]: key and certificate
# through `openssl ca`, the one way OpenSSL 3.0 sets a start date in the
# past (the CAs, and the expired leaf).
_lab_issue_ca() {
	local d=$LAB_DIR/certs name=$1 cn=$2 start=$3 end=$4 ext=$5 signer=${6:-}
	openssl req -new -config "$d/openssl.cnf" -newkey ec \
		-pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$d/$name.key" \
		-subj "/O=tlsa lab/CN=$cn" -out "$d/$name.csr" 2>>"$d/$name.log" || return 1
	if [ -z "$signer" ]; then
		set -- -selfsign -keyfile "$d/$name.key"
	else
		set -- -cert "$d/$signer.crt" -keyfile "$d/$signer.key"
	fi
	openssl ca -batch -notext -config "$d/openssl.cnf" "$@" -extensions "$ext" \
		-startdate "$start" -enddate "$end" -in "$d/$name.csr" \
		-out "$d/$name.crt" >>"$d/$name.log" 2>&1
}

# _lab_issue_leaf NAME VALIDITY SAN...: a leaf from the intermediate, its
# chain file (leaf, intermediate, root: DANE-TA(2) with a digest of the
# root needs the root in the chain, RFC 7671 5.2.2) and, for Postfix's
# smtpd_tls_chain_files, key and chain in one file.
_lab_issue_leaf() {
	local d=$LAB_DIR/certs name=$1 validity=$2 san
	shift 2
	LAB_SAN=
	for san in "$@"; do LAB_SAN="${LAB_SAN:+$LAB_SAN,}DNS:$san"; done
	export LAB_SAN
	if [ "$validity" = expired ]; then
		_lab_issue_ca "$name" "$1" "$(_lab_date '90 days ago')" \
			"$(_lab_date '30 days ago')" v3_leaf int || return 1
	elif [ "${validity%%:*}" = renew ]; then
		cp "$d/${validity#renew:}.key" "$d/$name.key" &&
			openssl req -new -config "$d/openssl.cnf" -key "$d/$name.key" \
				-subj "/O=tlsa lab/CN=$1" -x509 -CA "$d/int.crt" -CAkey "$d/int.key" \
				-days 730 -extensions v3_leaf -out "$d/$name.crt" 2>>"$d/$name.log" || return 1
	else
		openssl req -new -config "$d/openssl.cnf" -newkey ec \
			-pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$d/$name.key" \
			-subj "/O=tlsa lab/CN=$1" -x509 -CA "$d/int.crt" -CAkey "$d/int.key" \
			-days 365 -extensions v3_leaf -out "$d/$name.crt" 2>>"$d/$name.log" || return 1
	fi
	# The SPKI straight from the key: one OpenSSL process (a good part of
	# lab_start's time) instead of two from the certificate.
	cat "$d/$name.crt" "$d/int.crt" "$d/root.crt" >"$d/$name.chain.pem" &&
		cat "$d/$name.key" "$d/$name.chain.pem" >"$d/$name.combo.pem" &&
		chmod 600 "$d/$name.combo.pem" "$d/$name.key" &&
		openssl pkey -in "$d/$name.key" -pubout -outform DER -out "$d/$name.spki.der" &&
		lab_tlsa_data 1 1 "$name" >/dev/null
}

_lab_date() { date -u -d "$1" +%Y%m%d%H%M%SZ; }

_lab_make_certs() {
	local d=$LAB_DIR/certs name validity sans pids="" pid bad=""
	mkdir -p "$d/issued" || return 1
	: >"$d/index.txt"
	echo 1000 >"$d/serial"
	_lab_openssl_cnf >"$d/openssl.cnf"
	export LAB_SAN=DNS:unused
	_lab_issue_ca root "tlsa lab root CA" "$(_lab_date '10 years ago')" \
		"$(_lab_date '20 years')" v3_root &&
		_lab_issue_ca int "tlsa lab intermediate CA" "$(_lab_date '5 years ago')" \
			"$(_lab_date '10 years')" v3_int root ||
		{ _lab_die "cannot create the lab CA (see $d/*.log)"; return 1; }
	lab_tlsa_data 1 1 root >/dev/null &
	pids=$!
	# Leaves in parallel; only one (the expired one) goes through `openssl
	# ca` and its index, so they do not race.
	while read -r name validity sans; do
		case $name in '' | '#'*) continue ;; esac
		case $validity in renew:*) continue ;; esac
		# shellcheck disable=SC2086
		_lab_issue_leaf "$name" "$validity" $sans &
		pids="$pids $!"
	done < <(lab_cert_table)
	for pid in $pids; do wait "$pid" || bad=1; done
	# Renewals reuse a key made above.
	while read -r name validity sans; do
		case $validity in renew:*) ;; *) continue ;; esac
		# shellcheck disable=SC2086
		_lab_issue_leaf "$name" "$validity" $sans || bad=1
	done < <(lab_cert_table)
	[ -z "$bad" ] || { _lab_die "cannot issue the leaf certificates (see $d/*.log)"; return 1; }
	cat "$d/int.crt" "$d/root.crt" >"$d/ca-chain.pem"
	rm -f "$d"/*.csr
}

# ---- DNS ----------------------------------------------------------------------
_lab_zone_header() {
	cat <<EOF
\$ORIGIN $1.
\$TTL 300
@   IN SOA ns.test. hostmaster.test. 1 3600 600 86400 300
@   IN NS  ns.test.
EOF
}

# _lab_write_zones: the unsigned zones from the case table; the TLSA
# records of each case also go to $LAB_DIR/tlsa/ID.  For bogus.test the
# zone holds a made-up datum per TLSA record and a sed script swaps in the
# real one after signing, so every TLSA signature there fails.
_lab_write_zones() {
	local d=$LAB_DIR/dns id host port tls addrs certs tlsa verdict
	local z zone seen=" " cnames=" " a owner line data fake
	mkdir -p "$LAB_DIR/tlsa"
	for z in $LAB_ZONES; do
		_lab_zone_header "$z" >"$d/$z.zone"
		lab_extra_records "$z" >>"$d/$z.zone"
		cnames="$cnames$(lab_extra_records "$z" |
			awk -v z="$z" '$2 == "CNAME" { printf "%s.%s ", $1, z }')"
		: >"$d/$z.tamper.sed"
	done
	while read -r id host port tls addrs certs tlsa verdict; do
		zone=
		for z in $LAB_ZONES; do
			case $host in *."$z") zone=$z ;; esac
		done
		[ -n "$zone" ] || { _lab_die "$id: $host is in no lab zone"; return 1; }
		if [ "${cnames#* "$host" }" = "$cnames" ] && [ "${seen#* "$host" }" = "$seen" ]; then
			seen="$seen$host "
			for a in ${addrs//,/ }; do
				case $a in
				*:*) echo "$host. IN AAAA $a" ;;
				*) echo "$host. IN A $a" ;;
				esac
			done >>"$d/$zone.zone"
		fi
		owner=_$port._tcp.$host.
		lab_tlsa_rdata "$tlsa" >"$LAB_DIR/tlsa/$id" || return 1
		while read -r line; do
			if [ "$zone" = bogus.test ]; then
				data=${line##* }
				fake=$(printf '%s' "$data" | sha256sum | cut -d' ' -f1)
				echo "s/ $fake\$/ $data/" >>"$d/$zone.tamper.sed"
				line="${line% *} $fake"
			fi
			echo "$owner IN TLSA $line"
		done <"$LAB_DIR/tlsa/$id" >>"$d/$zone.zone"
	done < <(_lab_cases)
	_lab_write_fleet
}

# _lab_fleet: the fleet table expanded, one "HOST PORT KIND ADDR CERT TLSA
# VERDICT" line per name.
_lab_fleet() {
	lab_fleet_table | awk '!/^#/ && NF == 8 {
		for (i = 1; i <= $1; i++) {
			a = index($3, "%") ? sprintf($3, i) : $3
			print sprintf($2, i), $4, $5, a, $6, $7, $8
		}
	}'
}

# _lab_write_fleet: the fleet's A and TLSA records (in dane.test) and the
# target files for --targets: LAB_FLEET_FILE (the fleet alone) and
# LAB_FLEET_MIXED_FILE (the fleet, every case, then every mail domain as
# an --mx line), each with a verdict file, one verdict per target line.
_lab_write_fleet() {
	local host port tls a cert tlsa verdict line id addrs domain
	local -A rd
	_lab_fleet >"$LAB_DIR/fleet.list"
	while read -r host port tls a cert tlsa verdict; do
		case $host in *.dane.test) ;; *) _lab_die "fleet: $host is not in dane.test"; return 1 ;; esac
		[ -n "${rd[$tlsa]:-}" ] || rd[$tlsa]=$(lab_tlsa_rdata "$tlsa") || return 1
		echo "$host. IN A $a"
		while read -r line; do echo "_$port._tcp.$host. IN TLSA $line"; done <<<"${rd[$tlsa]}"
	done <"$LAB_DIR/fleet.list" >>"$LAB_DIR/dns/dane.test.zone"
	{
		echo "# the tlsa lab fleet: $(wc -l <"$LAB_DIR/fleet.list") targets"
		awk '{ print $1, $2 ($3 == "tls" ? "" : " " $3) }' "$LAB_DIR/fleet.list"
	} >"$LAB_DIR/fleet.targets"
	awk '{ print $7 }' "$LAB_DIR/fleet.list" >"$LAB_DIR/fleet.verdicts"
	cp "$LAB_DIR/fleet.targets" "$LAB_DIR/fleet-mixed.targets"
	cp "$LAB_DIR/fleet.verdicts" "$LAB_DIR/fleet-mixed.verdicts"
	while read -r id host port tls addrs _ _ verdict; do
		case $tls in tls | closed | silent | plain) tls= ;; esac
		echo "$host $port${tls:+ $tls}" >>"$LAB_DIR/fleet-mixed.targets"
		echo "$verdict" >>"$LAB_DIR/fleet-mixed.verdicts"
	done < <(_lab_cases)
	while read -r domain verdict _; do
		echo "--mx $domain" >>"$LAB_DIR/fleet-mixed.targets"
		echo "$verdict" >>"$LAB_DIR/fleet-mixed.verdicts"
	done < <(lab_mx_table)
	[ -z "${TLSA_LAB_BULK:-}" ] || _lab_write_bulk $TLSA_LAB_BULK
}

# _lab_write_bulk DOMAINS HOSTS (TLSA_LAB_BULK="DOMAINS HOSTS", for the
# scale tests and benchmarks): in dane.test, HOSTS MX hosts
# mxN.bulk.dane.test at 127.0.2.N (N = 1..HOSTS, at most 250), each with
# "3 1 1 fleet; 3 1 1 next" at _25._tcp, and DOMAINS mail domains
# dN.bulk.dane.test whose MX is mx((N-1) % HOSTS + 1); also 64 names
# sN.bulk.dane.test (N = 1..64) all at 127.0.2.1 with the same records.
# Nothing listens there: the test starts tests/live/smtpcount.py on those
# addresses (LAB_BULK_ADDRS) with LAB_BULK_CERT and LAB_BULK_KEY.
# LAB_BULK_MX_FILE lists "--mx dN.bulk.dane.test" lines, LAB_BULK_SAME_FILE
# "sN.bulk.dane.test 25 smtp" lines: every one OK.
_lab_write_bulk() {
	local domains=$1 hosts=$2 rd
	[ "$hosts" -ge 1 ] && [ "$hosts" -le 250 ] ||
		{ _lab_die "TLSA_LAB_BULK: 1-250 MX hosts"; return 1; }
	rd=$(lab_tlsa_rdata 311:fleet,311:next) || return 1
	awk -v d="$domains" -v h="$hosts" -v rd="$rd" '
		function tlsa(name,   n, i, r) {
			n = split(rd, r, "\n")
			for (i = 1; i <= n; i++) print "_25._tcp." name ". IN TLSA " r[i]
		}
		BEGIN {
			for (i = 1; i <= h; i++) {
				print "mx" i ".bulk.dane.test. IN A 127.0.2." i
				tlsa("mx" i ".bulk.dane.test")
			}
			for (i = 1; i <= 64; i++) {
				print "s" i ".bulk.dane.test. IN A 127.0.2.1"
				tlsa("s" i ".bulk.dane.test")
			}
			for (i = 1; i <= d; i++)
				print "d" i ".bulk.dane.test. IN MX 10 mx" ((i - 1) % h + 1) ".bulk.dane.test."
		}' >>"$LAB_DIR/dns/dane.test.zone"
	awk -v d="$domains" 'BEGIN { for (i = 1; i <= d; i++) print "--mx d" i ".bulk.dane.test" }' \
		>"$LAB_DIR/bulk-mx.targets"
	awk 'BEGIN { for (i = 1; i <= 64; i++) print "s" i ".bulk.dane.test 25 smtp" }' \
		>"$LAB_DIR/bulk-same.targets"
	awk -v h="$hosts" 'BEGIN { for (i = 1; i <= h; i++) printf "%s127.0.2.%d", (i > 1 ? " " : ""), i
		print "" }' >"$LAB_DIR/bulk.addrs"
}

_lab_keygen() {
	(cd "$LAB_DIR/dns" && ldns-keygen -a ECDSAP256SHA256 -k "$1.") 2>>"$LAB_DIR/dns/sign.log"
}

# _lab_sign ZONE KEY [ldns-signzone options]
_lab_sign() {
	local zone=$1 key=$2
	shift 2
	(cd "$LAB_DIR/dns" && ldns-signzone "$@" -i "$(date -u -d '1 hour ago' +%Y%m%d%H%M%S)" \
		-e "$(date -u -d '30 days' +%Y%m%d%H%M%S)" -o "$zone." \
		-f "$zone.signed" "$zone.zone" "$key") >>"$LAB_DIR/dns/sign.log" 2>&1 ||
		_lab_die "ldns-signzone failed for $zone (see $LAB_DIR/dns/sign.log)"
}

_lab_make_zones() {
	local d=$LAB_DIR/dns z ktest kdane kbogus kother
	mkdir -p "$d" || return 1
	_lab_write_zones || return 1
	ktest=$(_lab_keygen test) && kdane=$(_lab_keygen dane.test) &&
		kbogus=$(_lab_keygen bogus.test) && kother=$(_lab_keygen other.test) ||
		{ _lab_die "ldns-keygen failed"; return 1; }
	# Children first: their DS records go into the parent before it is signed.
	_lab_sign dane.test "$kdane" -n -t 0 || return 1
	_lab_sign bogus.test "$kbogus" || return 1
	_lab_sign other.test "$kother" || return 1
	sed -i -f "$d/bogus.test.tamper.sed" "$d/bogus.test.signed"
	cp "$d/insecure.test.zone" "$d/insecure.test.signed"
	{
		_lab_zone_header test
		echo "ns  IN A $LAB_NSD_ADDR"
		for z in $LAB_ZONES; do echo "$z. IN NS ns.test."; done
		cat "$d/$kdane.ds" "$d/$kbogus.ds" "$d/$kother.ds"
	} >"$d/test.zone"
	_lab_sign test "$ktest" || return 1
	cp "$d/$ktest.ds" "$d/anchor.ds"
	cp "$d/$ktest.key" "$d/anchor.dnskey"
}

_lab_start_nsd() {
	local d=$LAB_DIR/nsd z
	mkdir -p "$d"
	{
		cat <<EOF
server:
	ip-address: $LAB_NSD_ADDR
	port: 53
	do-ip6: no
	username: ""
	chroot: ""
	zonesdir: "$LAB_DIR/dns"
	pidfile: "$d/nsd.pid"
	logfile: "$d/nsd.log"
	database: ""
	zonelistfile: "$d/zone.list"
	xfrdfile: "$d/xfrd.state"
	xfrdir: "$d"
	server-count: 1
	reuseport: no
	verbosity: 1
	hide-version: yes
	# Response rate limiting (on by default: 200 queries a second from one
	# source) would drop some of what Unbound, the only source, asks when
	# a fleet of hundreds starts cold, and a SERVFAIL would fail the test.
	rrl-ratelimit: 0
	rrl-whitelist-ratelimit: 0
remote-control:
	control-enable: no
EOF
		for z in test $LAB_ZONES; do
			printf 'zone:\n\tname: "%s."\n\tzonefile: "%s.signed"\n' "$z" "$z"
		done
	} >"$d/nsd.conf"
	nsd -d -c "$d/nsd.conf" </dev/null >>"$d/nsd.log" 2>&1 &
	_lab_pids="$_lab_pids nsd:$!"
}

_lab_start_unbound() {
	local d=$LAB_DIR/unbound
	mkdir -p "$d"
	cat >"$d/unbound.conf" <<EOF
server:
	interface: $LAB_RESOLVER
	port: 53
	do-ip6: no
	do-not-query-localhost: no
	access-control: 127.0.0.0/8 allow
	username: ""
	chroot: ""
	directory: "$d"
	pidfile: "$d/unbound.pid"
	logfile: "$d/unbound.log"
	use-syslog: no
	verbosity: 1
	val-log-level: 2
	num-threads: 1
	so-reuseport: no
	module-config: "validator iterator"
	trust-anchor-file: "$LAB_DIR/dns/anchor.ds"
	# Only the lab's names exist: refuse the rest rather than try the
	# root servers; test. (blocked by default, RFC 6761) goes to NSD.
	local-zone: "." refuse
	local-zone: "test." transparent
	ede: yes
stub-zone:
	name: "test."
	stub-addr: $LAB_NSD_ADDR
remote-control:
	control-enable: no
EOF
	unbound -d -c "$d/unbound.conf" </dev/null >>"$d/unbound.log" 2>&1 &
	_lab_pids="$_lab_pids unbound:$!"
}

# ---- servers --------------------------------------------------------------------
# _lab_listeners: one "ADDR PORT KIND CERT" line per distinct listener.
_lab_listeners() {
	[ -f "$LAB_DIR/listeners" ] || _lab_find_listeners >"$LAB_DIR/listeners"
	cat "$LAB_DIR/listeners"
}

_lab_find_listeners() {
	local id host port tls addrs certs tlsa verdict a cert i
	local -a clist
	{
	while read -r id host port tls addrs certs tlsa verdict; do
		[ "$tls" = closed ] && continue
		IFS=, read -r -a clist <<<"$certs"
		i=0
		for a in ${addrs//,/ }; do
			cert=${clist[$i]:-${clist[${#clist[@]}-1]}}
			echo "$a $port $tls $cert"
			i=$((i + 1))
		done
	done < <(_lab_cases)
	# The fleet: a wildcard listener per tls row; smtp rows reuse a case's.
	lab_fleet_table | awk '!/^#/ && NF == 8 { print ($5 == "tls" ? "0.0.0.0" : $3), $4, $5, $6 }'
	} | awk '!seen[$1 " " $2]++'
}

# lab_postfix_main DIR HOSTNAME: the main.cf lines of a Postfix in DIR (its
# queue, data and log there) that only greets as HOSTNAME, offers STARTTLS
# and shows its certificates: mail is never accepted for delivery.
lab_postfix_main() {
	cat <<EOF
compatibility_level = 3.6
myhostname = $2
mydestination =
relayhost =
inet_interfaces = all
inet_protocols = ipv4
queue_directory = $1/queue
data_directory = $1/data
maillog_file = $1/postfix.log
maillog_file_prefixes = $1
mail_owner = postfix
setgid_group = postdrop
biff = no
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = reject
smtpd_tls_security_level = may
smtpd_tls_loglevel = 1
EOF
}

# lab_postfix_services: the master.cf lines of the services such a Postfix
# needs besides its smtpd listeners.
lab_postfix_services() {
	cat <<'EOF'
# service type  private unpriv  chroot  wakeup  maxproc command + args
postlog   unix-dgram n  -       n       -       1       postlogd
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
anvil     unix  -       -       n       -       1       anvil
rewrite   unix  -       -       n       -       -       trivial-rewrite
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
proxymap  unix  -       -       n       -       -       proxymap
scache    unix  -       -       n       -       1       scache
error     unix  -       -       n       -       -       error
EOF
}

_lab_start_postfix() {
	local d=$LAB_DIR/postfix a port tls cert where
	mkdir -p "$d/conf" "$d/queue" "$d/data"
	chown postfix "$d/data"
	# The lab's Postfix, and what posttls-finger (and smtp) need for DANE.
	{
		lab_postfix_main "$d" lab.dane.test
		cat <<EOF
mydomain = dane.test
myorigin = \$myhostname
smtpd_banner = \$myhostname ESMTP tlsa lab
smtpd_tls_received_header = no
# For posttls-finger (and smtp) with DANE: probe a name that exists.
dnssec_probe = ns:dane.test
smtp_dns_support_level = dnssec
smtp_tls_security_level = dane
smtp_tls_loglevel = 1
EOF
	} >"$d/conf/main.cf"
	{
		lab_postfix_services
		while read -r a port tls cert; do
			case $a in *:*) where="[$a]:$port" ;; *) where="$a:$port" ;; esac
			case $tls:$port in
			smtp:*)
				echo "$where inet n - n - - smtpd -o smtpd_tls_chain_files=$LAB_DIR/certs/$cert.combo.pem" ;;
			tls:465)
				echo "$where inet n - n - - smtpd -o smtpd_tls_wrappermode=yes -o smtpd_tls_chain_files=$LAB_DIR/certs/$cert.combo.pem" ;;
			plain:*)
				echo "$where inet n - n - - smtpd -o smtpd_tls_security_level=none" ;;
			esac
		done < <(_lab_listeners)
	} >"$d/conf/master.cf"
	# The master needs no certificate (smtpd reads it when a client
	# connects), so it starts while the rest is being made: `postfix
	# start` spends most of its second or two checking the installation.
	postfix -c "$d/conf" start </dev/null >>"$d/start.log" 2>&1 &
	_lab_postfix_starter=$!
}

# _lab_port_if ADDRESSES PORT: PORT, or 0 (Dovecot: no listener) if none.
_lab_port_if() { if [ -n "$1" ]; then echo "$2"; else echo 0; fi; }

_lab_start_dovecot() {
	local d=$LAB_DIR/dovecot a port tls cert first="" imap="" imaps="" pop3="" pop3s="" locals=""
	local lmtp="" lmtpcert="" sieve=""
	mkdir -p "$d/run" "$d/state"
	while read -r a port tls cert; do
		case $tls:$port in
		imap:*) imap="$imap $a" ;;
		pop3:*) pop3="$pop3 $a" ;;
		lmtp:*) lmtp="$lmtp $a" lmtpcert=${lmtpcert:-$cert} ;;
		sieve:*) sieve="$sieve $a" ;;
		tls:993) imaps="$imaps $a" ;;
		tls:995) pop3s="$pop3s $a" ;;
		*) continue ;;
		esac
		[ -n "$first" ] || first=$cert
		case $locals in *"local $a "*) ;; *)
			locals="${locals}local $a {
  ssl_cert = <$LAB_DIR/certs/$cert.chain.pem
  ssl_key = <$LAB_DIR/certs/$cert.key
}
" ;;
		esac
	done < <(_lab_listeners)
	[ -n "$first" ] || return 0
	# An address list must not be empty; 0 ports are not opened.
	cat >"$d/dovecot.conf" <<EOF
# The lab's Dovecot: IMAP, POP3, LMTP and ManageSieve greetings and TLS
# only; no mailboxes.
base_dir = $d/run
state_dir = $d/state
instance_name = tlsa-lab
protocols = imap pop3 lmtp sieve
listen = 127.0.0.1
log_path = $d/dovecot.log
ssl = yes
# LMTP does not apply local {} blocks to its TLS settings: it gets the
# default certificate (so all LMTP listeners share one).
ssl_cert = <$LAB_DIR/certs/${lmtpcert:-$first}.chain.pem
ssl_key = <$LAB_DIR/certs/${lmtpcert:-$first}.key
$locals
auth_mechanisms = plain
passdb {
  driver = static
  args = nopassword=y
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=/nonexistent
}
service imap-login {
  inet_listener imap {
    address = ${imap:-127.0.0.1}
    port = $(_lab_port_if "$imap" 143)
  }
  inet_listener imaps {
    address = ${imaps:-127.0.0.1}
    port = $(_lab_port_if "$imaps" 993)
    ssl = yes
  }
}
service pop3-login {
  inet_listener pop3 {
    address = ${pop3:-127.0.0.1}
    port = $(_lab_port_if "$pop3" 110)
  }
  inet_listener pop3s {
    address = ${pop3s:-127.0.0.1}
    port = $(_lab_port_if "$pop3s" 995)
    ssl = yes
  }
}
service lmtp {
  unix_listener lmtp {
    mode = 0600
  }
  inet_listener lmtp {
    address = ${lmtp:-127.0.0.1}
    port = $(_lab_port_if "$lmtp" 24)
  }
}
service managesieve-login {
  inet_listener sieve {
    address = ${sieve:-127.0.0.1}
    port = $(_lab_port_if "$sieve" 4190)
  }
}
EOF
	dovecot -F -c "$d/dovecot.conf" </dev/null >>"$d/dovecot.log" 2>&1 &
	_lab_pids="$_lab_pids dovecot:$!"
}

# Prosody: XMPP client (xmpp) and server (xmpp-server) listeners, one
# virtual host, LAB_XMPP_DOMAIN, whose certificate is that of the first
# XMPP listener.  It runs as root (run_as_root), which a lab may do.
_lab_start_prosody() {
	local d=$LAB_DIR/prosody a port tls cert c2s="" s2s="" c2sports="" s2sports="" first=""
	while read -r a port tls cert; do
		case $tls in
		xmpp) c2s="$c2s\"$a\"; " c2sports="$c2sports$port; " ;;
		xmpp-server) s2s="$s2s\"$a\"; " s2sports="$s2sports$port; " ;;
		*) continue ;;
		esac
		[ -n "$first" ] || first=$cert
	done < <(_lab_listeners)
	[ -n "$first" ] || return 0
	mkdir -p "$d/data" "$d/certs"
	cat >"$d/prosody.cfg.lua" <<EOF
-- The lab's Prosody: stream features with <starttls/>, and TLS; no users.
pidfile = "$d/prosody.pid"
data_path = "$d/data"
certificates = "$d/certs"
run_as_root = true
daemonize = false
log = { info = "$d/prosody.log" }
interfaces = { }
c2s_interfaces = { $c2s}
s2s_interfaces = { $s2s}
c2s_ports = { $c2sports}
s2s_ports = { $s2sports}
c2s_direct_tls_ports = { }
s2s_direct_tls_ports = { }
http_ports = { }
https_ports = { }
modules_enabled = { "tls", "disco", "dialback" }
c2s_require_encryption = true
s2s_require_encryption = true
ssl = { certificate = "$LAB_DIR/certs/$first.chain.pem", key = "$LAB_DIR/certs/$first.key" }
VirtualHost "$LAB_XMPP_DOMAIN"
  ssl = { certificate = "$LAB_DIR/certs/$first.chain.pem", key = "$LAB_DIR/certs/$first.key" }
EOF
	prosody -F --config "$d/prosody.cfg.lua" </dev/null >>"$d/prosody.log" 2>&1 &
	_lab_pids="$_lab_pids prosody:$!"
}

# slapd: StartTLS (the extended operation) on every ldap listener, with
# the certificate of the first; an empty null database, no entries.
_lab_start_slapd() {
	local d=$LAB_DIR/slapd a port tls cert urls="" first=""
	while read -r a port tls cert; do
		[ "$tls" = ldap ] || continue
		urls="${urls:+$urls }ldap://$a:$port/"
		[ -n "$first" ] || first=$cert
	done < <(_lab_listeners)
	[ -n "$first" ] || return 0
	mkdir -p "$d"
	cat >"$d/slapd.conf" <<EOF
# The lab's slapd: StartTLS and nothing behind it.
include /etc/ldap/schema/core.schema
pidfile $d/slapd.pid
argsfile $d/slapd.args
modulepath /usr/lib/ldap
moduleload back_null
TLSCertificateFile $LAB_DIR/certs/$first.chain.pem
TLSCertificateKeyFile $LAB_DIR/certs/$first.key
database null
suffix "dc=dane,dc=test"
EOF
	# -d keeps it in the foreground (and its process id ours).
	slapd -f "$d/slapd.conf" -h "$urls" -d 0 </dev/null >>"$d/slapd.log" 2>&1 &
	_lab_pids="$_lab_pids slapd:$!"
}

# PostgreSQL, as the postgres user (setpriv execs, so the process id we
# keep is the postmaster's).  initdb takes a second or so, so it starts
# first (_lab_prepare_postgres, before the certificates) and the server
# when the certificates are there.
_lab_pg_bin() {
	local b
	for b in /usr/lib/postgresql/*/bin; do [ -x "$b/initdb" ] && echo "$b"; done | sort -V | tail -n 1
}

# exec: started with &, the process id is then the program's, not a
# subshell's that lab_stop would end alone.
_lab_as_postgres() { exec setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"; }

_lab_pg_listeners() { _lab_listeners | awk '$3 == "postgres"'; }

_lab_prepare_postgres() {
	local d=$LAB_DIR/postgres bin
	_lab_pg_starter=
	[ -n "$(_lab_pg_listeners)" ] || return 0
	bin=$(_lab_pg_bin)
	[ -n "$bin" ] || { _lab_die "no PostgreSQL initdb"; return 1; }
	mkdir -p "$d" && chown postgres "$d" || return 1
	_lab_as_postgres "$bin/initdb" -D "$d/data" -A trust -U postgres --no-sync \
		--no-instructions </dev/null >"$d/initdb.log" 2>&1 &
	_lab_pg_starter=$!
}

_lab_start_postgres() {
	local d=$LAB_DIR/postgres a port tls cert addrs="" pgport="" first=""
	while read -r a port tls cert; do
		addrs="${addrs:+$addrs,}$a" pgport=$port
		[ -n "$first" ] || first=$cert
	done < <(_lab_pg_listeners)
	[ -n "$first" ] || return 0
	wait "$_lab_pg_starter" || { _lab_die "initdb failed (see $d/initdb.log)"; return 1; }
	# The server wants its key private and its own.
	install -o postgres -m 600 "$LAB_DIR/certs/$first.key" "$d/server.key" || return 1
	_lab_as_postgres "$(_lab_pg_bin)/postgres" -D "$d/data" -c listen_addresses="$addrs" \
		-c port="$pgport" -c unix_socket_directories="$d" -c fsync=off -c ssl=on \
		-c ssl_cert_file="$LAB_DIR/certs/$first.chain.pem" -c ssl_key_file="$d/server.key" \
		-c logging_collector=off </dev/null >>"$d/postgres.log" 2>&1 &
	_lab_pids="$_lab_pids postgres:$!"
}

# vsftpd: one process per ftp listener (it listens on one address), AUTH
# TLS with the listener's certificate; nobody can log in.
_lab_start_vsftpd() {
	local d=$LAB_DIR/vsftpd a port tls cert n=0
	while read -r a port tls cert; do
		[ "$tls" = ftp ] || continue
		n=$((n + 1))
		mkdir -p "$d/empty"
		cat >"$d/vsftpd$n.conf" <<EOF
# The lab's vsftpd: a banner, AUTH TLS, and no logins.
listen=YES
listen_ipv6=NO
listen_address=$a
listen_port=$port
background=NO
anonymous_enable=NO
local_enable=YES
ssl_enable=YES
force_local_logins_ssl=NO
force_local_data_ssl=NO
rsa_cert_file=$LAB_DIR/certs/$cert.chain.pem
rsa_private_key_file=$LAB_DIR/certs/$cert.key
secure_chroot_dir=$d/empty
vsftpd_log_file=$d/vsftpd.log
dual_log_enable=NO
seccomp_sandbox=NO
ftpd_banner=tlsa lab FTP
EOF
		vsftpd "$d/vsftpd$n.conf" </dev/null >>"$d/vsftpd.log" 2>&1 &
		_lab_pids="$_lab_pids vsftpd:$!"
	done < <(_lab_listeners)
}

_lab_start_tlsd() {
	local d=$LAB_DIR/tlsd a port tls cert
	local -a args=()
	mkdir -p "$d"
	while read -r a port tls cert; do
		case $tls:$port in
		tls:465 | tls:993 | tls:995) ;;
		tls:*) args+=(tls "$a" "$port" "$LAB_DIR/certs/$cert.chain.pem" "$LAB_DIR/certs/$cert.key") ;;
		nntp:*) args+=(starttls nntp "$a" "$port" "$LAB_DIR/certs/$cert.chain.pem" "$LAB_DIR/certs/$cert.key") ;;
		silent:*) args+=(silent "$a" "$port") ;;
		esac
	done < <(_lab_listeners)
	[ ${#args[@]} -gt 0 ] || return 0
	python3 "$_lab_here/tlsd.py" "${args[@]}" </dev/null >>"$d/tlsd.log" 2>&1 &
	_lab_pids="$_lab_pids tlsd:$!"
}

# ---- readiness, exports, stop -------------------------------------------------
_lab_port_open() {
	(exec 3<>"/dev/tcp/$1/$2") 2>/dev/null
}

_lab_wait_ready() {
	local deadline=$((SECONDS + 20)) a port tls cert pending
	while :; do
		pending=
		drill -Q @"$LAB_RESOLVER" SOA dane.test >/dev/null 2>&1 || pending="dns"
		while read -r a port tls cert; do
			_lab_port_open "$a" "$port" || pending="$pending $a:$port"
		done < <(_lab_listeners)
		[ -z "$pending" ] && return 0
		[ $SECONDS -lt $deadline ] || { _lab_die "not answering: $pending"; return 1; }
		sleep 0.1
	done
}

_lab_export() {
	local id host port tls addrs certs tlsa verdict V first domain
	LAB_CASES=
	: >"$LAB_DIR/cases.tsv"
	while read -r id host port tls addrs certs tlsa verdict; do
		V=LAB_${id^^}
		LAB_CASES="${LAB_CASES:+$LAB_CASES }$id"
		case $tls in tls | plain | silent | closed) tls= ;; esac
		first=${certs%%,*}
		IFS= read -r -d '' tlsa <"$LAB_DIR/tlsa/$id" || :
		tlsa=${tlsa%$'\n'}
		export "${V}_HOST=$host" "${V}_PORT=$port" "${V}_STARTTLS=$tls" \
			"${V}_ADDRS=${addrs//,/ }" "${V}_ADDR=${addrs%%,*}" \
			"${V}_OWNER=_$port._tcp.$host" "${V}_VERDICT=$verdict" \
			"${V}_CERT=${first/#-/}" \
			"${V}_TLSA=$tlsa"
		[ "$first" = - ] || export "${V}_CERT=$LAB_DIR/certs/$first.chain.pem"
		printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$id" "$host" "$port" "${tls:--}" \
			"${addrs//,/ }" "$verdict" >>"$LAB_DIR/cases.tsv"
	done < <(_lab_cases)
	export LAB_CASES
	while read -r domain verdict hosts; do
		V=LAB_MX_${domain%%.*}
		V=${V^^}
		export "${V}_DOMAIN=$domain" "${V}_VERDICT=$verdict" "${V}_HOSTS=${hosts/#-/}"
	done < <(lab_mx_table)
	while read -r domain verdict hosts; do
		V=${domain#_}
		V=LAB_SRV_${V%%.*}
		V=${V^^}
		V=${V//-/_}
		export "${V}_OWNER=$domain" "${V}_VERDICT=$verdict" "${V}_TARGETS=$hosts"
	done < <(lab_srv_table)
	export LAB_XMPP_DOMAIN
	LAB_FLEET_COUNT=$(wc -l <"$LAB_DIR/fleet.list")
	if [ -n "${TLSA_LAB_BULK:-}" ]; then
		LAB_BULK_ADDRS=$(cat "$LAB_DIR/bulk.addrs")
		export LAB_BULK_MX_FILE=$LAB_DIR/bulk-mx.targets LAB_BULK_ADDRS \
			LAB_BULK_SAME_FILE=$LAB_DIR/bulk-same.targets \
			LAB_BULK_CERT=$LAB_DIR/certs/fleet.chain.pem LAB_BULK_KEY=$LAB_DIR/certs/fleet.key
	fi
	export LAB_FLEET_FILE=$LAB_DIR/fleet.targets LAB_FLEET_VERDICTS=$LAB_DIR/fleet.verdicts \
		LAB_FLEET_MIXED_FILE=$LAB_DIR/fleet-mixed.targets \
		LAB_FLEET_MIXED_VERDICTS=$LAB_DIR/fleet-mixed.verdicts LAB_FLEET_COUNT
	export LAB_CANDIDATE_CASE=mail_smtp \
		LAB_CANDIDATE_MATCH=$LAB_DIR/certs/mailrenew.chain.pem \
		LAB_CANDIDATE_NOMATCH=$LAB_DIR/certs/fresh.chain.pem
	while read -r first _; do
		V=${first^^}
		export "LAB_CERT_$V=$LAB_DIR/certs/$first.crt" \
			"LAB_CHAIN_$V=$LAB_DIR/certs/$first.chain.pem" \
			"LAB_KEY_$V=$LAB_DIR/certs/$first.key"
	done < <(lab_cert_table)
	export LAB_DIR LAB_RESOLVER LAB_NSD_ADDR
	export LAB_TRUST_ANCHOR=$LAB_DIR/dns/anchor.ds
	export LAB_TRUST_ANCHOR_DNSKEY=$LAB_DIR/dns/anchor.dnskey
	export LAB_CA_FILE=$LAB_DIR/certs/root.crt
	export LAB_CA_CHAIN=$LAB_DIR/certs/ca-chain.pem
	export LAB_CERT_ROOT=$LAB_DIR/certs/root.crt LAB_CERT_INT=$LAB_DIR/certs/int.crt
	export LAB_CASES_FILE=$LAB_DIR/cases.tsv
	export MAIL_CONFIG=$LAB_DIR/postfix/conf
}

# lab_start [--with KIND[,KIND...]|all]: bring everything up; 0 when every
# server answers.  --with (or TLSA_LAB_WITH) adds the optional servers of
# LAB_OPTIONAL_KINDS; without it their cases are left out.
lab_start() {
	[ "${TLSA_LAB_INSIDE:-}" = 1 ] ||
		{ _lab_die "call lab_enter first"; return 1; }
	local t0ns with=${TLSA_LAB_WITH:-} k
	t0ns=$(date +%s%N)
	while [ $# -gt 0 ]; do
		case $1 in
		--with) [ $# -ge 2 ] || { _lab_die "--with needs a list"; return 1; }
			with="$with,$2"; shift 2 ;;
		--with=*) with="$with,${1#--with=}"; shift ;;
		*) _lab_die "lab_start: unknown option $1"; return 1 ;;
		esac
	done
	_lab_off=
	for k in $LAB_OPTIONAL_KINDS; do
		case ",$with," in *,all,* | *,"$k",*) ;; *) _lab_off="$_lab_off $k" ;; esac
	done
	for k in ${with//,/ }; do
		case " all $LAB_OPTIONAL_KINDS " in *" $k "*) ;; *)
			_lab_die "lab_start --with: $k is not one of: all $LAB_OPTIONAL_KINDS"; return 1 ;;
		esac
	done
	_lab_pids=
	_lab_sweep
	LAB_DIR=$(mktemp -d "${TMPDIR:-/tmp}/tlsa-lab.XXXXXX") || return 1
	# Held (by this shell and what it starts) for the lab's life: a lab
	# killed with SIGKILL leaves its directory unlocked, and the next
	# lab_start sweeps it away.
	exec {_lab_lock_fd}>"$LAB_DIR/.lock" && flock -n "$_lab_lock_fd"
	chmod 755 "$LAB_DIR"
	export LAB_DIR
	_lab_prev_exit=$(_lab_exit_trap_command)
	trap 'lab_stop; eval "$_lab_prev_exit"' EXIT
	trap 'exit 129' HUP
	trap 'exit 130' INT
	trap 'exit 143' TERM
	_lab_start_postfix
	_lab_prepare_postgres || return 1
	_lab_make_certs || return 1
	_lab_make_zones || return 1
	_lab_start_nsd
	_lab_start_unbound
	_lab_start_dovecot
	_lab_start_tlsd
	_lab_start_prosody
	_lab_start_slapd
	_lab_start_vsftpd
	_lab_start_postgres || return 1
	wait "$_lab_postfix_starter" || {
		_lab_die "postfix did not start (see $LAB_DIR/postfix/start.log, postfix.log)"
		return 1
	}
	_lab_wait_ready || return 1
	_lab_export
	LAB_START_SECONDS=$(( ($(date +%s%N) - t0ns) / 1000000 ))
	LAB_START_SECONDS=$((LAB_START_SECONDS / 1000)).$(printf '%03d' $((LAB_START_SECONDS % 1000)))
	export LAB_START_SECONDS
}

# lab_logs: every daemon log, for a failing test to show (on stderr).
lab_logs() {
	local f
	for f in "$LAB_DIR"/*/*.log; do
		[ -s "$f" ] || continue
		echo "==> $f <=="
		tail -n 40 "$f"
	done >&2
}

# lab_pids: the process ids of the daemons lab_start started (Postfix:
# its master), one per line.
lab_pids() {
	local entry pf=$LAB_DIR/postfix/queue/pid/master.pid pid
	for entry in ${_lab_pids:-}; do echo "${entry#*:}"; done
	if [ -f "$pf" ]; then
		pid=$(tr -dc 0-9 <"$pf")
		[ -z "$pid" ] || echo "$pid"
	fi
}

_lab_alive() { kill -0 "$1" 2>/dev/null; }

# lab_stop: stop every daemon we started, by its process id; idempotent.
lab_stop() {
	local entry pid i pids=""
	[ -n "${LAB_DIR:-}" ] || return 0
	for pid in $(lab_pids); do
		_lab_alive "$pid" && kill -TERM "$pid" 2>/dev/null && pids="$pids $pid"
	done
	for i in $(seq 50); do
		entry=
		for pid in $pids; do _lab_alive "$pid" && entry=1; done
		[ -z "$entry" ] && break
		sleep 0.1
	done
	for pid in $pids; do
		_lab_alive "$pid" && kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null # reap those that are our children
	done
	_lab_pids=
	if [ "${TLSA_LAB_KEEP:-}" = 1 ]; then
		rm -f "$LAB_DIR/.lock" # kept: not for the sweep
		echo "lab: kept $LAB_DIR" >&2
	else
		rm -rf "$LAB_DIR"
	fi
	[ -z "${_lab_lock_fd:-}" ] || exec {_lab_lock_fd}>&-
	_lab_lock_fd=
	LAB_DIR=
}

# Remove the directories of labs that died without lab_stop (SIGKILL): those
# whose .lock nobody holds.  A directory without .lock is a kept one, or one
# being made this instant: left alone.
_lab_sweep() {
	local d
	for d in "${TMPDIR:-/tmp}"/tlsa-lab.*/; do
		[ -f "$d.lock" ] || continue
		flock -n "$d.lock" true 2>/dev/null && rm -rf "$d"
	done
}
