#!/bin/bash
# The live lab's own test: it starts tests/live/lab.sh and checks every case
# against tools that are not ours, so that a failing `tlsa check` live test
# points at tlsa and not at the lab:
#   drill     through Unbound: AD on secure answers, none on insecure ones,
#             SERVFAIL on bogus ones, authenticated NODATA and NXDOMAIN,
#             the MX, CNAME and SRV records of the mail domains and SRV
#             services, a sample of the fleet;
#   openssl s_client with the case's records (-dane_tlsa_rrdata): which
#             address matches, which fails and why, for every STARTTLS
#             protocol of the lab (smtp imap pop3 lmtp sieve xmpp
#             xmpp-server ldap postgres ftp nntp) and for direct TLS;
#   posttls-finger -l dane: Postfix's own DANE verdict for port 25 and 587,
#             and for every mail domain of lab_mx_table;
#   ldns-dane -S -k ANCHOR: DANE with its own DNSSEC chase from the
#             exported trust anchor, for the direct-TLS ports and for the
#             --candidate certificates (-c FILE).
# It starts the lab with --with all (the optional PostgreSQL too).  It owns
# nothing in the lab; what it expects per case is stated below.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/live/lab.sh"
lab_enter "$@"
. "$top_srcdir/tests/lib.sh"

if ! lab_start --with all; then
	lab_logs
	echo "Bail out! the live lab did not start"
	exit 1
fi
echo "# lab up in ${LAB_START_SECONDS} s in $LAB_DIR"
[ "${LAB_START_SECONDS%.*}" -lt 20 ]
ok $? "the lab comes up within 20 seconds"

# ---- DNS, with drill as the oracle ----------------------------------------
# dq TYPE NAME [drill options]: query Unbound; sets dns_rcode, dns_ad (ad
# or -), and dns_rr (the TYPE records' data in the answer, sorted, one per
# line).
dq() {
	local o
	o=$(timeout 10 drill -D "${@:3}" @"$LAB_RESOLVER" "$1" "$2" 2>&1)
	dns_rcode=$(printf '%s\n' "$o" | sed -n 's/.*rcode: \([A-Z]*\),.*/\1/p')
	dns_ad=-
	printf '%s\n' "$o" | grep -q '^;; flags:.* ad ' && dns_ad=ad
	dns_rr=$(printf '%s\n' "$o" | awk -v t="$1" '
		/^;; ANSWER SECTION:/ { a = 1; next }
		/^;; / { a = 0 }
		a && $4 == t { $1 = $2 = $3 = $4 = ""; sub(/^ +/, ""); print }' | sort)
}

# case_field ID FIELD: the exported LAB_<ID>_<FIELD>.
case_field() {
	local v="LAB_${1^^}_$2"
	printf '%s' "${!v}"
}

zone_of() {
	case $1 in
	*.insecure.test) echo insecure ;;
	*.bogus.test) echo bogus ;;
	*) echo secure ;;
	esac
}

seen_hosts=" "
for id in $LAB_CASES; do
	host=$(case_field "$id" HOST)
	owner=$(case_field "$id" OWNER)
	want=$(printf '%s\n' "$(case_field "$id" TLSA)" | sed '/^$/d' | sort)
	kind=$(zone_of "$host")
	if [ -n "$want" ]; then
		dq TLSA "$owner"
		case $kind in
		secure)
			is "$dns_rcode $dns_ad" "NOERROR ad" "$id: $owner TLSA is authenticated (AD)"
			is "$dns_rr" "$want" "$id: $owner TLSA holds the records the lab computed" ;;
		insecure)
			is "$dns_rcode $dns_ad" "NOERROR -" "$id: $owner TLSA answers without AD (insecure delegation)"
			is "$dns_rr" "$want" "$id: $owner TLSA holds the records the lab computed" ;;
		bogus)
			is "$dns_rcode" SERVFAIL "$id: $owner TLSA is bogus: Unbound answers SERVFAIL"
			dq TLSA "$owner" -o CD
			is "$dns_rr" "$want" "$id: with checking disabled, $owner TLSA holds the right data (only the signature is wrong)" ;;
		esac
	fi
	case $seen_hosts in *" $host "*) continue ;; esac
	seen_hosts="$seen_hosts$host "
	dq A "$host"
	case $kind in
	insecure) is "$dns_rcode $dns_ad" "NOERROR -" "$id: $host A is insecure (no AD)" ;;
	bogus) is "$dns_rcode $dns_ad" "NOERROR ad" "$id: $host A is authenticated (bogus.test is bogus only in its TLSA)" ;;
	*) is "$dns_rcode $dns_ad" "NOERROR ad" "$id: $host A is authenticated" ;;
	esac
	want=$(case_field "$id" ADDRS | tr ' ' '\n' | grep -v : | sort)
	is "$dns_rr" "$want" "$id: $host A lists the case's IPv4 addresses"
done

dq TLSA "$LAB_NOTLSA_SMTP_OWNER"
is "$dns_rcode $dns_ad ${dns_rr:-none}" "NOERROR ad none" \
	"notlsa_smtp: no TLSA at $LAB_NOTLSA_SMTP_OWNER is an authenticated NODATA"
dq TLSA "$LAB_NOTLSA_NX_OWNER"
is "$dns_rcode $dns_ad" "NXDOMAIN ad" \
	"notlsa_nx: no TLSA at $LAB_NOTLSA_NX_OWNER is an authenticated NXDOMAIN (NSEC3)"
dq CNAME "$LAB_CNAME_EXPANDED_HOST"
is "$dns_rcode $dns_ad $dns_rr" "NOERROR ad $LAB_MAIL_SMTP_HOST." \
	"cname_expanded: $LAB_CNAME_EXPANDED_HOST is a secure CNAME to $LAB_MAIL_SMTP_HOST"
dq CNAME "$LAB_CNAME_INITIAL_HOST"
is "$dns_rcode $dns_ad" "NOERROR ad" "cname_initial: $LAB_CNAME_INITIAL_HOST is a secure CNAME"
dq TLSA "_443._tcp.${dns_rr%.}"
is "$dns_rcode $dns_ad ${dns_rr:-none}" "NXDOMAIN ad none" \
	"cname_initial: the CNAME target has no TLSA, so the base domain is the initial name"
dq TLSA "$LAB_TLSA_CNAME_OWNER"
is "$dns_rcode $dns_ad $dns_rr" "NOERROR ad $LAB_MAIL_SMTP_TLSA" \
	"tlsa_cname: $LAB_TLSA_CNAME_OWNER leads by CNAME to the mail host's TLSA"
dq AAAA "$LAB_DUAL_HTTPS_HOST"
is "$dns_rcode $dns_ad $dns_rr" "NOERROR ad ::1" "dual_https: $LAB_DUAL_HTTPS_HOST has a secure AAAA ::1"

# ---- mail domains (RFC 7672) and SRV services (RFC 7673) ---------------------
# mx_field DOMAIN FIELD: the exported LAB_MX_<FIRST LABEL>_<FIELD>.
mx_field() {
	local v="LAB_MX_${1%%.*}_$2"
	v=${v^^}
	printf '%s' "${!v}"
}
mx_domains=$(lab_mx_table | awk '{ print $1 }')
for domain in $mx_domains; do
	hosts=$(mx_field "$domain" HOSTS)
	dq MX "$domain"
	got="$dns_rcode $dns_ad $(printf '%s\n' "$dns_rr" | sed '/^$/d' | paste -sd' ')"
	case $domain in
	insecure.test) want="NOERROR -" what="answers without AD (an insecure MX RRset)" ;;
	*) want="NOERROR ad" what="is authenticated" ;;
	esac
	case $hosts in
	'') want="$want 0 ." what="$what: a null MX, 0 . (RFC 7505)" ;;
	0:*) what="$what: NODATA, the domain has no MX" ;;
	*) want="$want $(printf '%s\n' "$hosts" | tr ',' '\n' | sed 's/^\([0-9]*\):\(.*\)/\1 \2./' | paste -sd' ')"
		what="$what: ${want#NOERROR * }" ;;
	esac
	is "${got% }" "$want" "$domain MX $what"
done
dq A "$LAB_MX_NOMX_DOMAIN"
is "$dns_rcode $dns_ad $dns_rr" "NOERROR ad $LAB_NOMX_SMTP_ADDR" \
	"nomx.dane.test: without MX, the domain's own secure A record is the host a sender uses"
dq CNAME "$LAB_CNAMEMX_SMTP_HOST"
is "$dns_rcode $dns_ad $dns_rr" "NOERROR ad $LAB_OTHERMX_SMTP_HOST." \
	"cnamemx.dane.test: its MX host $LAB_CNAMEMX_SMTP_HOST is a secure CNAME into other.test"
dq DNSKEY other.test
is "$dns_rcode $dns_ad" "NOERROR ad" "other.test is a second secure zone (DS in test.)"
for srv in XMPP_CLIENT XMPP_SERVER; do
	v=LAB_SRV_${srv}_OWNER
	owner=${!v}
	v=LAB_SRV_${srv}_TARGETS
	dq SRV "$owner"
	want=$(printf '%s\n' ${!v//,/ } | awk -F: '{ print $1, 5, $2, $3 "." }' | sort)
	is "$dns_rcode $dns_ad $dns_rr" "NOERROR ad $want" "$owner SRV: $want, authenticated"
done
dq DNSKEY test
is "$dns_rcode $dns_ad" "NOERROR ad" "the test. DNSKEY validates against the lab trust anchor"
grep -q '^test\.[[:space:]].*IN[[:space:]]*DS[[:space:]]' "$LAB_TRUST_ANCHOR"
ok $? "LAB_TRUST_ANCHOR holds the DS of test."
grep -q '^test\.[[:space:]].*IN[[:space:]]*DNSKEY[[:space:]]*257 ' "$LAB_TRUST_ANCHOR_DNSKEY"
ok $? "LAB_TRUST_ANCHOR_DNSKEY holds the key-signing DNSKEY of test."
grep -q '^options trust-ad' /etc/resolv.conf && grep -q "^nameserver $LAB_RESOLVER\$" /etc/resolv.conf
ok $? "inside the lab, /etc/resolv.conf names the lab resolver with trust-ad"

# ---- TLS, with openssl s_client as the oracle -------------------------------
# What s_client must say for the case (and address), with the records the
# DNS publishes for it: OK, or the verify error it must report.
declare -A tls_want=(
	[nomatch_smtp]="no matching DANE TLSA records"
	[expired_ta]="certificate has expired"
	[multi_https@127.0.0.21]="no matching DANE TLSA records"
)
# Records in effect where the case's own owner is not the TLSA base domain.
declare -A tls_records=(
	[cname_expanded]=$LAB_MAIL_SMTP_TLSA
	[tlsa_cname]=$LAB_MAIL_SMTP_TLSA
	[cnamemx_smtp]=$LAB_OTHERMX_SMTP_TLSA
)
# The name to check where it is not the case's host: the secure CNAME's
# expansion (RFC 7672 2.2.2), as the certificate names only that.
declare -A tls_name=(
	[cnamemx_smtp]=$LAB_OTHERMX_SMTP_HOST
)

# sclient ADDR PORT STARTTLS NAME RECORDS [openssl options]: prints the
# verification result ("OK" or the verify error) of one handshake.
sclient() {
	local addr=$1 port=$2 starttls=$3 name=$4 records=$5 rec o
	local -a args=(-connect "$addr:$port" -servername "$name" -verify_return_error)
	case $addr in *:*) args=(-connect "[$addr]:$port" -servername "$name" -verify_return_error) ;; esac
	[ -z "$starttls" ] || args+=(-starttls "$starttls")
	# The XMPP stream goes to the XMPP domain, not to the target host.
	case $starttls in xmpp*) args+=(-xmpphost "$LAB_XMPP_DOMAIN") ;; esac
	if [ -n "$records" ]; then
		args+=(-dane_tlsa_domain "$name")
		while read -r rec; do args+=(-dane_tlsa_rrdata "$rec"); done <<<"$records"
	fi
	shift 5
	o=$(timeout 15 openssl s_client -brief "${args[@]}" "$@" </dev/null 2>&1 | tr -d '\000')
	if printf '%s\n' "$o" | grep -q '^Verification: OK'; then
		echo OK
	else
		printf '%s\n' "$o" | sed -n 's/^verify error:num=[0-9]*://p' | head -1
		printf '%s\n' "$o" | grep -q . || echo "no output"
	fi
}

for id in $LAB_CASES; do
	host=$(case_field "$id" HOST)
	port=$(case_field "$id" PORT)
	starttls=$(case_field "$id" STARTTLS)
	records=${tls_records[$id]:-$(case_field "$id" TLSA)}
	[ -n "$records" ] || continue
	case $id in nostarttls_smtp | refused_https | silent_smtp) continue ;; esac
	for addr in $(case_field "$id" ADDRS); do
		want=${tls_want[$id@$addr]:-${tls_want[$id]:-OK}}
		got=$(sclient "$addr" "$port" "$starttls" "${tls_name[$id]:-$host}" "$records")
		is "$got" "$want" "$id: s_client${starttls:+ -starttls $starttls} to [$addr]:$port with the DANE records: $want"
	done
done

got=$(sclient "$LAB_XMPP_CLIENT_ADDR" 5222 xmpp "$LAB_XMPP_DOMAIN" "$(lab_tlsa_rdata 211:root)")
is "$got" OK "xmpp_client: with 2 1 1 alone, the certificate also matches the XMPP service domain $LAB_XMPP_DOMAIN (RFC 7673 reference identifier)"
got=$(sclient "$LAB_OTHERMX_SMTP_ADDR" 25 smtp "$LAB_CNAMEMX_SMTP_HOST" "$LAB_OTHERMX_SMTP_TLSA")
is "$got" "hostname mismatch" "cnamemx_smtp: the 2 1 1 record fails on the CNAME's own name: only the expanded name is in the certificate"

got=$(sclient "$LAB_TA_HTTPS_ADDR" 443 "" "$LAB_TA_HTTPS_HOST" "" -CAfile "$LAB_CA_FILE" -verify_hostname "$LAB_TA_HTTPS_HOST")
is "$got" OK "ta_https: the served chain verifies by PKIX against LAB_CA_FILE (the 2 1 1 anchor)"
got=$(sclient "$LAB_NOTLSA_SMTP_ADDR" 25 smtp "$LAB_NOTLSA_SMTP_HOST" "" -CAfile "$LAB_CA_FILE" -verify_hostname "$LAB_NOTLSA_SMTP_HOST")
is "$got" OK "notlsa_smtp: the server itself is sound (PKIX with LAB_CA_FILE)"
got=$(sclient "$LAB_EXPIRED_TA_ADDR" 25 smtp "$LAB_EXPIRED_TA_HOST" "" -CAfile "$LAB_CA_FILE")
is "$got" "certificate has expired" "expired_ta: the leaf is expired for PKIX too"
got=$(sclient "$LAB_MULTI_HTTPS_ADDR" 443 "" "$LAB_MULTI_HTTPS_HOST" "" -CAfile "$LAB_CA_FILE" -verify_hostname "$LAB_MULTI_HTTPS_HOST")
is "$got" OK "multi_https: the wrong address serves a certificate that is wrong only for DANE"

o=$(timeout 15 openssl s_client -connect "$LAB_NOSTARTTLS_SMTP_ADDR:25" -starttls smtp </dev/null 2>&1)
printf '%s\n' "$o" | grep -q "Didn't find STARTTLS"
ok $? "nostarttls_smtp: the server does not offer STARTTLS"
(exec 3<>"/dev/tcp/$LAB_REFUSED_HTTPS_ADDR/443") 2>/dev/null
ok $((!$?)) "refused_https: nothing listens on [$LAB_REFUSED_HTTPS_ADDR]:443"
got=$(timeout 5 bash -c "exec 3<>/dev/tcp/$LAB_SILENT_SMTP_ADDR/25 || exit 1
	read -r -t 1 line <&3; echo \$?" 2>/dev/null)
[ "${got:-0}" -gt 128 ]
ok $? "silent_smtp: [$LAB_SILENT_SMTP_ADDR]:25 accepts but sends no greeting"

# ---- Postfix's own DANE client --------------------------------------------------
# pf_want ID: the line posttls-finger -l dane must print for the case.
declare -A pf_want=(
	[nomatch_smtp]="server certificate verification failed for HOST[ADDR]:PORT: num=65:no matching DANE TLSA records"
	[expired_ta]="server certificate verification failed for HOST[ADDR]:PORT: certificate has expired"
	[notlsa_smtp]="Untrusted TLS connection established to HOST[ADDR]:PORT"
	[notlsa_nx]="Untrusted TLS connection established to HOST[ADDR]:PORT"
	[silent_smtp]="timeout while reading server greeting"
)
for id in $LAB_CASES; do
	port=$(case_field "$id" PORT)
	[ "$(case_field "$id" STARTTLS)" = smtp ] || [ "$id" = silent_smtp ] || continue
	host=$(case_field "$id" HOST)
	addr=$(case_field "$id" ADDR)
	want=${pf_want[$id]:-"Verified TLS connection established to HOST[ADDR]:PORT"}
	want=${want//HOST/$host}
	want=${want//ADDR/$addr}
	want=${want//PORT/$port}
	o=$(timeout 20 posttls-finger -c -t 3 -T 3 -l dane "[$host]:$port" 2>&1)
	printf '%s\n' "$o" | grep -qF "posttls-finger: $want"
	st=$?
	ok $st "$id: posttls-finger -l dane [$host]:$port says: $want"
	[ $st -eq 0 ] || printf '%s\n' "$o" | sed 's/^/#   /' | head -5
done
o=$(timeout 20 posttls-finger -t 3 -T 3 -l dane "[$LAB_NOSTARTTLS_SMTP_HOST]" 2>&1)
printf '%s\n' "$o" | grep -q '< 250 ' && ! printf '%s\n' "$o" | grep -q 'STARTTLS\|TLS connection'
ok $? "nostarttls_smtp: posttls-finger sees an EHLO reply without STARTTLS and makes no TLS connection"

# The verdict lines posttls-finger -l dane DOMAIN must print for each mail
# domain, |-separated; a line after ! must not appear.  posttls-finger
# stops at the first MX host it has a session with, so later MX hosts
# (mx2.dane.test, nomatch.dane.test) are proved by their own cases above.
verified="Verified TLS connection established to"
declare -A mx_pf_want=(
	[$LAB_MX_DANE_DOMAIN]="$verified ${LAB_MAIL_SMTP_HOST}[$LAB_MAIL_SMTP_ADDR]:25"
	[$LAB_MX_MIXED_DOMAIN]="$verified ${LAB_MAIL_SMTP_HOST}[$LAB_MAIL_SMTP_ADDR]:25"
	[$LAB_MX_INSECURE_DOMAIN]="MX RRset insecure: log verified as trusted|Trusted TLS connection established to ${LAB_MX2_SMTP_HOST}[$LAB_MX2_SMTP_ADDR]:25|!Verified TLS connection"
	[$LAB_MX_NOMX_DOMAIN]="$verified ${LAB_NOMX_SMTP_HOST}[$LAB_NOMX_SMTP_ADDR]:25"
	[$LAB_MX_CNAMEMX_DOMAIN]="${LAB_CNAMEMX_SMTP_HOST}[$LAB_CNAMEMX_SMTP_ADDR]:25: matched peername: $LAB_OTHERMX_SMTP_HOST|Matched DANE TA certificate at depth 2|$verified ${LAB_CNAMEMX_SMTP_HOST}[$LAB_CNAMEMX_SMTP_ADDR]:25"
	[$LAB_MX_NULLMX_DOMAIN]="Domain $LAB_MX_NULLMX_DOMAIN does not accept mail (nullMX)|!TLS connection"
)
for domain in $mx_domains; do
	want=${mx_pf_want[$domain]:-"(no expectation written for $domain)"}
	o=$(timeout 30 posttls-finger -c -t 3 -T 3 -l dane "$domain" 2>&1)
	st=0
	IFS='|' read -r -a lines <<<"$want"
	for line in "${lines[@]}"; do
		case $line in
		!*) ! printf '%s\n' "$o" | grep -qF "posttls-finger: ${line#!}" || st=1 ;;
		*) printf '%s\n' "$o" | grep -qF "posttls-finger: " &&
			printf '%s\n' "$o" | grep -F "posttls-finger: " | grep -qF "$line" || st=1 ;;
		esac
	done
	ok $st "$domain ($(mx_field "$domain" VERDICT)): posttls-finger -l dane says: ${want//|/; }"
	[ $st -eq 0 ] || printf '%s\n' "$o" | grep 'posttls-finger:' | sed 's/^/#   /' | head -6
done

# ---- ldns-dane: DNSSEC chased from the exported trust anchor --------------------
# ldns_dane ANCHOR ARGS...: one line per address, "ADDR dane-validated" or
# "ADDR failed: REASON".
ldns_dane() {
	local anchor=$1
	shift
	timeout 20 ldns-dane -S -k "$anchor" "$@" 2>&1 |
		sed -n -e 's/ dane-validated successfully$/ dane-validated/p' \
			-e 's/ did not dane-validate, because: / failed: /p' \
			-e 's/^\(.*\) could not be validated\.*$/chase: \1/p' | sort
}
for anchor in "$LAB_TRUST_ANCHOR" "$LAB_TRUST_ANCHOR_DNSKEY"; do
	is "$(ldns_dane "$anchor" verify "$LAB_TA_HTTPS_HOST" 443)" "$LAB_TA_HTTPS_ADDR dane-validated" \
		"ta_https: ldns-dane validates 2 1 1 from the trust anchor $(basename "$anchor")"
done
is "$(ldns_dane "$LAB_TRUST_ANCHOR" -4 verify "$LAB_DUAL_HTTPS_HOST" 443)" "$LAB_DUAL_HTTPS_ADDR dane-validated" \
	"dual_https: ldns-dane validates the IPv4 address"
is "$(ldns_dane "$LAB_TRUST_ANCHOR" -6 verify "$LAB_DUAL_HTTPS_HOST" 443)" "::1 dane-validated" \
	"dual_https: ldns-dane validates the IPv6 address"
is "$(ldns_dane "$LAB_TRUST_ANCHOR" verify "$LAB_CNAME_INITIAL_HOST" 443)" "$LAB_CNAME_INITIAL_ADDR dane-validated" \
	"cname_initial: ldns-dane validates with the TLSA at the initial name"
is "$(ldns_dane "$LAB_TRUST_ANCHOR" verify "$LAB_MULTI_HTTPS_HOST" 443 | tr '\n' ';')" \
	"127.0.0.20 dane-validated;127.0.0.21 failed: no matching DANE TLSA records;" \
	"multi_https: ldns-dane validates one address and rejects the other"
o=$(timeout 20 ldns-dane -S -k "$LAB_TRUST_ANCHOR" -a "$LAB_BOGUS_HTTPS_ADDR" verify "$LAB_BOGUS_HTTPS_HOST" 443 2>&1)
printf '%s\n' "$o" | grep -q 'Bogus DNSSEC signature' && ! printf '%s\n' "$o" | grep -q 'dane-validated successfully'
ok $? "bogus_https: ldns-dane finds the altered TLSA record's signature bogus"
o=$(timeout 20 ldns-dane -S -k "$LAB_TRUST_ANCHOR" verify "$LAB_INSECURE_HTTPS_HOST" 443 2>&1)
printf '%s\n' "$o" | grep -q 'were found, but were insecure' && ! printf '%s\n' "$o" | grep -q 'dane-validated successfully'
ok $? "insecure_https: ldns-dane finds the TLSA records insecure and does not use them"

# ---- --candidate certificates -------------------------------------------------
cand_fp() { openssl x509 -in "$1" -noout -fingerprint -sha256 | sed 's/.*=//'; }
cand_spki() { openssl x509 -in "$1" -noout -pubkey | openssl pkey -pubin -outform DER | sha256sum | cut -d' ' -f1; }
cand_host=$(case_field "$LAB_CANDIDATE_CASE" HOST)
cand_port=$(case_field "$LAB_CANDIDATE_CASE" PORT)
[ "$(cand_fp "$LAB_CANDIDATE_MATCH")" != "$(cand_fp "$(case_field "$LAB_CANDIDATE_CASE" CERT)")" ] &&
	[ "$(cand_spki "$LAB_CANDIDATE_MATCH")" = "$(cand_spki "$(case_field "$LAB_CANDIDATE_CASE" CERT)")" ]
ok $? "LAB_CANDIDATE_MATCH is another certificate for the key $cand_host serves (a renewal that keeps its key)"
is "$(ldns_dane "$LAB_TRUST_ANCHOR" -c "$LAB_CANDIDATE_MATCH" verify "$cand_host" "$cand_port")" \
	"O=tlsa lab, CN=$cand_host dane-validated" \
	"LAB_CANDIDATE_MATCH: ldns-dane -c finds it matches the records published for $cand_host:$cand_port"
is "$(ldns_dane "$LAB_TRUST_ANCHOR" -c "$LAB_CANDIDATE_NOMATCH" verify "$cand_host" "$cand_port")" \
	"O=tlsa lab, CN=$cand_host failed: no matching DANE TLSA records" \
	"LAB_CANDIDATE_NOMATCH: ldns-dane -c finds no record published for $cand_host:$cand_port matches its new key"

# ---- the fleet -------------------------------------------------------------------
targets=$(grep -v '^#' "$LAB_FLEET_FILE")
is "$(printf '%s\n' "$targets" | wc -l)" "$LAB_FLEET_COUNT" "the fleet file lists LAB_FLEET_COUNT ($LAB_FLEET_COUNT) targets"
[ "$LAB_FLEET_COUNT" -ge 200 ] && [ "$(wc -l <"$LAB_FLEET_VERDICTS")" = "$LAB_FLEET_COUNT" ]
ok $? "the fleet has a few hundred targets, and a verdict for each"
is "$(grep -vc '^#' "$LAB_FLEET_MIXED_FILE")" "$(wc -l <"$LAB_FLEET_MIXED_VERDICTS")" \
	"the mixed fleet file has a verdict for each of its targets"
is "$(printf '%s\n' "$targets" | awk '{ print $1 }' | sort -u | wc -l)" "$LAB_FLEET_COUNT" \
	"every fleet target has a name of its own"
# Every target resolves (glibc through the lab resolver) and accepts a
# connection; with --jobs they are checked at once, so try them at once.
bad=$(printf '%s\n' "$targets" | timeout 60 python3 -c '
import socket, sys, concurrent.futures as cf
def probe(line):
    host, port = line.split()[:2]
    try:
        socket.create_connection((host, int(port)), timeout=5).close()
        return None
    except OSError as e:
        return "%s:%s %s" % (host, port, e)
lines = [l for l in sys.stdin.read().splitlines() if l.strip()]
with cf.ThreadPoolExecutor(32) as ex:
    for r in ex.map(probe, lines):
        if r:
            print(r)
')
is "${bad:-none}" none "every fleet target resolves and accepts a connection, 32 at a time"
# A sample (the first, a middle and the last name of each kind): secure A
# and TLSA, and s_client verifies with those records.
sample=$(printf '%s\n' "$targets" | awk '{ k = $2 " " $3; n[k]++; l[k] = $0; if (n[k] == 1 || n[k] == 37) print } END { for (k in l) print l[k] }')
while read -r host port starttls; do
	dq TLSA "_$port._tcp.$host"
	records=$dns_rr
	is "$dns_rcode $dns_ad $(printf '%s\n' "$records" | wc -l)" "NOERROR ad 2" "fleet $host: two authenticated TLSA records at _$port._tcp.$host"
	dq A "$host"
	addr=$dns_rr
	is "$dns_rcode $dns_ad" "NOERROR ad" "fleet $host: A $addr, authenticated"
	is "$(sclient "$addr" "$port" "$starttls" "$host" "$records" -dane_ee_no_namechecks)" OK \
		"fleet $host: s_client${starttls:+ -starttls $starttls} to [$addr]:$port verifies with those records (DANE-EE: no name checks, RFC 7671 5.1)"
done <<<"$sample"

# ---- teardown ---------------------------------------------------------------------
lab_dir=$LAB_DIR
pids=$(lab_pids)
lab_stop
left=
for p in $pids; do kill -0 "$p" 2>/dev/null && left="$left $p"; done
is "${left:-none}" none "lab_stop ends every daemon it started"
if [ "$$" = 1 ]; then
	left=$(ps -e -o pid=,comm= | awk '$1 != 1 && $2 != "ps" && $2 != "awk" && $2 != "bash"')
	is "${left:-none}" none "nothing else is left running in the lab's process namespace"
fi
[ ! -e "$lab_dir" ]
ok $? "lab_stop removes the lab directory"

# A lab killed by SIGKILL leaves its directory, unlocked: the next lab_start
# sweeps it, but not a kept one (no .lock) nor one whose lab still runs.
dead=$(mktemp -d "${TMPDIR:-/tmp}/tlsa-lab.XXXXXX") && : >"$dead/.lock"
kept=$(mktemp -d "${TMPDIR:-/tmp}/tlsa-lab.XXXXXX")
live=$(mktemp -d "${TMPDIR:-/tmp}/tlsa-lab.XXXXXX") && : >"$live/.lock"
flock "$live/.lock" sleep 30 &
holder=$!
for _ in 1 2 3 4 5 6 7 8 9 10; do flock -n "$live/.lock" true || break; sleep 0.1; done
_lab_sweep
[ ! -e "$dead" ] && [ -d "$kept" ] && [ -d "$live" ]
ok $? "the sweep removes a dead lab's directory and keeps a kept one and a running one's"
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
rm -rf "$dead" "$kept" "$live"

done_testing
