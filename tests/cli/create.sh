#!/bin/bash
# shellcheck disable=SC2154 # rc, out and err are set by lib.sh's run
# tlsa create, from the outside: the command-line contract's `tlsa create`
# section, checked against a corpus built here with the openssl CLI.
#
# The oracle never touches libtlsa: expected record data comes from
# `openssl x509` / `openssl pkey` and sha256sum/sha512sum/od alone, and the
# rfc and generic lines are parsed back with ldns-read-zone.  Peers
# (ldns-dane, danetool) are compared where they are installed.
#
#   TLSA=build/cmd/tlsa bash tests/cli/create.sh

# Before lib.sh picks a default: /usr/bin/tlsa is hash-slinger's, not ours.
if [ -z "${TLSA:-}" ] && [ -n "${top_builddir:-}" ]; then
	TLSA=$top_builddir/cmd/tlsa
fi
# shellcheck source=tests/lib.sh
. "$(cd "$(dirname "$0")/.." && pwd)/lib.sh"

if ! "$TLSA" --version 2>/dev/null | grep -Eq '^tlsa [0-9]+\.[0-9]+\.[0-9]+$'; then
	echo "Bail out! $TLSA is not our tlsa (set TLSA=path/to/cmd/tlsa)"
	exit 1
fi
command -v openssl >/dev/null || { echo "1..0 # SKIP openssl CLI not installed"; exit 0; }

# ---- helpers -------------------------------------------------------------

# tl ARGS...: our tlsa, never allowed to hang the suite (under valgrind,
# an Ed448 key alone takes seconds).
if command -v timeout >/dev/null; then
	tl_bound=10
	[ -n "${TLSA_VALGRIND:-}" ] && tl_bound=120
	tl() { timeout "$tl_bound" "$TLSA" "$@"; }
else
	tl() { "$TLSA" "$@"; }
fi

types="rsa p256 p384 p521 ed25519 ed448"
pass=correct-horse-battery

# hex: stdin as lowercase hex on one line.
hex() { od -An -tx1 -v | tr -d ' \n'; }

# want TYPE WHICH S M: the data openssl computes for selector S and
# matching type M of $T/TYPE/WHICH.pem (WHICH is leaf or ca).
want() {
	local f=$T/$1/$2.s$3.der
	case $4 in
	0) hex <"$f" ;;
	1) sha256sum <"$f" | cut -c1-64 ;;
	2) sha512sum <"$f" | cut -c1-128 ;;
	esac
}

# squeeze TEXT: runs of blanks as one space (zone files do not care).
squeeze() { printf '%s\n' "$1" | tr -s ' \t' ' ' | sed 's/ $//'; }

nlines() { if [ -z "$1" ]; then echo 0; else printf '%s\n' "$1" | wc -l; fi; }

# comment TEXT: TEXT as TAP comment lines.
comment() { printf '%s\n' "$1" | head -20 | sed 's/^/#   /'; }

# check STATUS SENTENCE [WANT]: a case about the last run; on failure show
# the run (and what was wanted).
check() {
	ok "$1" "$2"
	[ "$1" -eq 0 ] && return
	comment "exit $rc"
	comment "stdout: $(head -c 2000 "$T/out")"
	comment "stderr: $err"
	[ $# -lt 3 ] || comment "want: $3"
}

# like TEXT ERE SENTENCE: TEXT has a line that matches ERE.
like() {
	printf '%s\n' "$1" | grep -Eq -- "$2"
	check $? "$3" "a line matching /$2/"
}

# prefixed: every stderr line of the last run starts with "tlsa create: ".
prefixed() { [ -n "$err" ] && ! printf '%s\n' "$err" | grep -qv '^tlsa create: '; }

# cr WANT SENTENCE ARGS...: `tlsa create ARGS` exits 0 and prints WANT.
cr() {
	local want=$1 what=$2
	shift 2
	run tl create "$@"
	[ "$rc" -eq 0 ] && [ "$(squeeze "$out")" = "$want" ]
	check $? "$what" "$want"
}

# clean WANT SENTENCE ARGS...: as cr, and nothing at all on stderr.
clean() {
	local want=$1 what=$2
	shift 2
	run tl create "$@"
	[ "$rc" -eq 0 ] && [ "$(squeeze "$out")" = "$want" ] && [ -z "$err" ]
	check $? "$what" "$want (and an empty stderr)"
}

# warns WANT SENTENCE ARGS...: exits 0, still prints WANT, and warns on
# stderr in lines that start with "tlsa create: ".
warns() {
	local want=$1 what=$2
	shift 2
	run tl create "$@"
	[ "$rc" -eq 0 ] && [ "$(squeeze "$out")" = "$want" ] && prefixed
	check $? "$what" "$want (and a warning)"
}

# fails NAME SENTENCE ARGS...: exit 1, nothing on stdout, and exactly one
# line on stderr that starts with "tlsa create: " and contains NAME.
fails() {
	local name=$1 what=$2
	shift 2
	run tl create "$@"
	[ "$rc" -eq 1 ] && [ ! -s "$T/out" ] && [ "$(nlines "$err")" -eq 1 ] &&
		case $err in "tlsa create: "*"$name"*) true ;; *) false ;; esac
	check $? "$what" "exit 1, one line on stderr naming $name"
}

# usage_error SENTENCE ARGS...: exit 2, nothing on stdout, and stderr says
# why in a line that starts with "tlsa create: ".
usage_error() {
	local what=$1
	shift
	run tl create "$@"
	[ "$rc" -eq 2 ] && [ ! -s "$T/out" ] && case $err in "tlsa create: "*) true ;; *) false ;; esac
	check $? "$what" "exit 2 and a diagnostic"
}

# ---- the corpus ----------------------------------------------------------

# Private keys are kept private, as they would be: a world-readable key may
# earn a warning of its own, which is not what these cases are about.
umask 077

genkey() {
	case $1 in
	rsa) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 ;;
	p*) openssl genpkey -algorithm EC -pkeyopt "ec_paramgen_curve:P-${1#p}" \
		-pkeyopt ec_param_enc:named_curve ;;
	ed*) openssl genpkey -algorithm "$1" ;;
	esac >"$2" 2>/dev/null
}

printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nsubjectAltName=DNS:www.example.org\n' >"$T/leaf.ext"

# corpus TYPE: a CA, a leaf it issued (key type TYPE), and every file form
# of them, in $T/TYPE.
corpus() (
	set -e
	mkdir "$T/$1"
	cd "$T/$1"
	# One RSA key is the slow part of the corpus; the RSA leaf's CA is EC.
	if [ "$1" = rsa ]; then genkey p256 ca.key; else genkey "$1" ca.key; fi
	genkey "$1" leaf.key
	openssl req -x509 -new -key ca.key -subj "/CN=Test CA $1" -days 3650 \
		-addext basicConstraints=critical,CA:TRUE \
		-addext keyUsage=critical,keyCertSign,cRLSign -out ca.pem 2>/dev/null
	openssl req -new -key leaf.key -subj /CN=www.example.org -out csr.pem
	openssl req -in csr.pem -outform DER -out csr.der
	openssl x509 -req -in csr.pem -CA ca.pem -CAkey ca.key -set_serial 2 \
		-days 365 -extfile ../leaf.ext -out leaf.pem 2>/dev/null
	openssl x509 -in leaf.pem -outform DER -out leaf.der
	cat leaf.pem ca.pem >fullchain.pem
	cat ca.pem leaf.pem >reversed.pem
	{
		printf 'Certificate chain for www.example.org\n subject=CN = www.example.org\n\n'
		cat leaf.pem
		printf 'and its issuer:\n issuer=CN = Test CA %s\n' "$1"
		cat ca.pem
		printf '\nEnd of chain.\n'
	} >text.pem
	sed 's/$/\r/' fullchain.pem >crlf.pem
	openssl pkey -in leaf.key -pubout -out pub.pem
	openssl pkey -in leaf.key -pubout -outform DER -out pub.der
	cp leaf.key key.p8.pem
	openssl pkey -in leaf.key -outform DER -out key.p8.der
	case $1 in
	rsa) openssl rsa -in leaf.key -traditional -out key.trad.pem 2>/dev/null ;;
	p*) openssl ec -in leaf.key -out key.trad.pem 2>/dev/null ;;
	esac
	openssl pkcs8 -topk8 -in leaf.key -v2 aes-256-cbc -passout "pass:$pass" -out key.enc.pem
	# What each selector picks, by the openssl CLI alone.
	for w in leaf ca; do
		openssl x509 -in $w.pem -outform DER -out $w.s0.der
		openssl x509 -in $w.pem -pubkey -noout | openssl pkey -pubin -outform DER -out $w.s1.der
	done
)

for k in $types; do corpus "$k" & done
wait
for k in $types; do
	[ -s "$T/$k/key.enc.pem" ] && [ -s "$T/$k/leaf.s1.der" ] ||
		{ echo "Bail out! could not build the $k corpus with openssl"; exit 1; }
done

# Broken files.
P=$T/p256
: >"$T/empty.pem"
sed '$d' "$P/leaf.pem" >"$T/truncated.pem"
head -c 200 "$P/leaf.der" >"$T/truncated.der"
printf 'this is not a certificate\n\001\002\003\377\376 junk \000 bytes\n' >"$T/junk.bin"
# Bad base64 in the second (CA) block of a chain: a '*' on line $badline.
badline=$(($(grep -n 'BEGIN CERTIFICATE' "$P/text.pem" | sed -n '2s/:.*//p') + 2))
sed "${badline}s/^\(.........\)./\1*/" "$P/text.pem" >"$T/badbase64.pem"
cat "$P/leaf.pem" "$T/ed25519/leaf.pem" >"$T/unrelated.pem"

# An expired certificate and one that expires in 10 days, issued by the
# P-256 CA.  `openssl x509 -req` cannot backdate, so `openssl ca` does it.
mkdir -p "$T/ca/new"
: >"$T/ca/index.txt"
echo 10 >"$T/ca/serial"
cat >"$T/ca.cnf" <<EOF
[ca]
default_ca = d
[d]
database = $T/ca/index.txt
new_certs_dir = $T/ca/new
serial = $T/ca/serial
default_md = sha256
policy = p
unique_subject = no
x509_extensions = ext
[p]
commonName = supplied
[ext]
basicConstraints = critical,CA:FALSE
EOF
openssl ca -batch -notext -config "$T/ca.cnf" -cert "$P/ca.pem" -keyfile "$P/ca.key" \
	-in "$P/csr.pem" -startdate 20200101000000Z -enddate 20210101000000Z \
	-out "$T/expired.pem" >/dev/null 2>&1
openssl x509 -req -in "$P/csr.pem" -CA "$P/ca.pem" -CAkey "$P/ca.key" -set_serial 3 \
	-days 10 -extfile "$T/leaf.ext" -out "$T/soon.pem" 2>/dev/null
for w in expired soon; do
	mkdir -p "$T/$w"
	cp "$T/$w.pem" "$T/$w/leaf.pem"
	openssl x509 -in "$T/$w.pem" -pubkey -noout | openssl pkey -pubin -outform DER -out "$T/$w/leaf.s1.der"
done

# ---- every key type, every selector and matching type --------------------

for k in $types; do
	for f in pem der; do
		for s in 0 1; do
			for m in 0 1 2; do
				cr "3 $s $m $(want $k leaf $s $m)" \
					"a $k leaf in $f gives the data openssl computes for selector $s, matching type $m" \
					-c "$T/$k/leaf.$f" -o rdata -u 3 -s $s -m $m
			done
		done
	done
done

# ---- keys and CSRs -------------------------------------------------------

for k in $types; do
	d=$T/$k
	w="3 1 1 $(want $k leaf 1 1)"
	for f in pub.pem pub.der key.p8.pem key.p8.der key.trad.pem; do
		[ -f "$d/$f" ] || continue
		cr "$w" "a $k key as $f gives the SPKI digest of its certificate" -k "$d/$f" -o rdata
	done
	TLSA_TEST_PASS=$pass cr "$w" "an encrypted $k key opens with --passin env:VAR" \
		-k "$d/key.enc.pem" --passin env:TLSA_TEST_PASS -o rdata
	printf '%s\n' "$pass" >"$T/pass.txt"
	cr "$w" "an encrypted $k key opens with --passin file:PATH" \
		-k "$d/key.enc.pem" --passin "file:$T/pass.txt" -o rdata
	cr "$w" "an encrypted $k key opens with --passin fd:3" \
		-k "$d/key.enc.pem" --passin fd:3 -o rdata 3<"$T/pass.txt"
	cr "$w" "a $k CSR in PEM gives the SPKI digest of its key" --csr "$d/csr.pem" -o rdata
	cr "$w" "a $k CSR in DER gives the SPKI digest of its key" --csr "$d/csr.der" -o rdata
done
cr "3 1 2 $(want p256 leaf 1 2)" "a key honours the matching type" -k "$P/pub.pem" -o rdata -m 2
cr "3 1 0 $(want p256 leaf 1 0)" "a key with matching type 0 prints the SPKI itself" -k "$P/pub.der" -o rdata -m 0
printf 'wrong\n' >"$T/wrong.txt"
fails key.enc.pem "a wrong passphrase is an error that names the key file" \
	-k "$P/key.enc.pem" --passin "file:$T/wrong.txt" -o rdata
fails pub.pem "selector 0 (the certificate) with only a public key is an error" -k "$P/pub.pem" -s 0 -o rdata
fails key.p8.pem "selector 0 with only a private key is an error" -k "$P/key.p8.pem" -s 0 -o rdata
fails csr.pem "selector 0 with only a CSR is an error" --csr "$P/csr.pem" -s 0 -o rdata

# ---- standard input ------------------------------------------------------

W311=$(want p256 leaf 1 1)
C211=$(want p256 ca 1 1)
cr "3 1 1 $W311" "-c - reads a PEM certificate from stdin" -c - -o rdata <"$P/leaf.pem"
cr "3 1 1 $W311" "-c - reads a DER certificate from stdin" -c - -o rdata <"$P/leaf.der"
cr "3 1 1 $W311
3 1 1 $(want p256 ca 1 1)" "-c - reads a whole chain from stdin" -c - -o rdata --depth all <"$P/fullchain.pem"

# ---- chains --------------------------------------------------------------

for k in p256 rsa ed448; do
	d=$T/$k
	L=$(want $k leaf 1 1)
	C=$(want $k ca 1 1)
	clean "3 1 1 $L" "usage 3 on a $k fullchain picks the leaf (depth 0)" -c "$d/fullchain.pem" -o rdata
	clean "2 1 1 $C" "usage 2 on a $k fullchain picks the CA (depth 1)" -c "$d/fullchain.pem" -o rdata -u 2
	cr "3 1 1 $L" "usage 3 on a reversed $k chain still picks the leaf" -c "$d/reversed.pem" -o rdata
	cr "2 1 1 $C" "usage 2 on a reversed $k chain still picks the CA" -c "$d/reversed.pem" -o rdata -u 2
	cr "3 1 1 $L
3 1 1 $C" "--depth all prints one record per certificate of a $k chain, leaf first" \
		-c "$d/fullchain.pem" -o rdata --depth all
	cr "3 1 1 $L
3 1 1 $C" "--depth all on a reversed $k chain still starts with the leaf" \
		-c "$d/reversed.pem" -o rdata --depth all
	cr "3 1 1 $L
3 1 1 $C" "a $k chain with text before, between and after the blocks reads the same" \
		-c "$d/text.pem" -o rdata --depth all
	cr "3 1 1 $L
3 1 1 $C" "a $k chain with CRLF line endings reads the same" -c "$d/crlf.pem" -o rdata --depth all
done
cr "3 1 1 $C211" "--depth 1 picks the CA whatever the usage" -c "$P/fullchain.pem" -o rdata --depth 1
cr "2 1 1 $W311" "--depth 0 picks the leaf whatever the usage" -c "$P/fullchain.pem" -o rdata -u 2 --depth 0
clean "0 1 1 $C211" "usage 0 defaults to depth 1" -c "$P/fullchain.pem" -o rdata -u 0
clean "1 1 1 $W311" "usage 1 defaults to depth 0" -c "$P/fullchain.pem" -o rdata -u 1
cr "2 0 1 $(want p256 ca 0 1)" "usage 2 selector 0 digests the CA certificate itself" -c "$P/fullchain.pem" -o rdata -u 2 -s 0
fails fullchain.pem "--depth beyond the chain is an error that names the file" -c "$P/fullchain.pem" -o rdata --depth 2
warns "3 1 1 $W311" "two unrelated certificates in one file warn, and depth 0 is the first" -c "$T/unrelated.pem" -o rdata

# ---- mnemonics -----------------------------------------------------------

cr "3 1 1 $W311" "mnemonics dane-ee spki sha2-256 mean 3 1 1" -c "$P/leaf.pem" -o rdata -u dane-ee -s spki -m sha2-256
cr "3 1 1 $W311" "mnemonics are case-insensitive (DANE-EE SPKI SHA2-256)" -c "$P/leaf.pem" -o rdata -u DANE-EE -s SPKI -m SHA2-256
cr "3 1 1 $W311" "mnemonics are case-insensitive (Dane-Ee Spki Sha2-256)" -c "$P/leaf.pem" -o rdata -u Dane-Ee -s Spki -m Sha2-256
cr "2 0 0 $(want p256 ca 0 0)" "mnemonics DANE-TA Cert Full mean 2 0 0" -c "$P/fullchain.pem" -o rdata -u DANE-TA -s Cert -m Full
cr "1 1 2 $(want p256 leaf 1 2)" "mnemonics pkix-ee and sha2-512 mean 1 and 2" -c "$P/fullchain.pem" -o rdata -u pkix-ee -m sha2-512
cr "0 1 1 $C211" "mnemonic PKIX-TA means usage 0" -c "$P/fullchain.pem" -o rdata -u PKIX-TA
cr "3 1 1 $W311
2 1 1 $C211" "--params 3,1,1 --params 2,1,1 prints both records in that order" \
	-c "$P/fullchain.pem" -o rdata --params 3,1,1 --params 2,1,1
cr "2 1 1 $C211
3 1 1 $W311" "--params keeps the order given, not a sorted one" \
	-c "$P/fullchain.pem" -o rdata --params 2,1,1 --params 3,1,1
cr "3 1 2 $(want p256 leaf 1 2)" "--params DANE-EE,SPKI,SHA2-512 takes mnemonics" -c "$P/leaf.pem" -o rdata --params DANE-EE,SPKI,SHA2-512
cr "3 1 1 $W311" "the defaults are 3 1 1" -c "$P/leaf.pem" -o rdata

# ---- owner names and formats ---------------------------------------------

O=_443._tcp.www.example.org.
clean "$O IN TLSA 3 1 1 $W311" "rfc is the default format, owner _443._tcp.HOST." -c "$P/leaf.pem" www.example.org
cr "$O IN TLSA 3 1 1 $W311" "options may follow the host" www.example.org -c "$P/leaf.pem"
cr "$O IN TLSA 3 1 1 $W311" "a host with a trailing dot gets no second one" -c "$P/leaf.pem" www.example.org.
cr "$O 3600 IN TLSA 3 1 1 $W311" "--ttl puts the TTL after the owner" -c "$P/leaf.pem" --ttl 3600 www.example.org
cr "$O 3600 IN TLSA 3 1 1 $W311" "-o rfc is the default format spelled out" -c "$P/leaf.pem" --ttl 3600 -o rfc www.example.org
cr "_25._tcp.mail.example.org. IN TLSA 3 1 1 $W311" "-p 25 --proto tcp makes the owner _25._tcp.HOST." \
	-c "$P/leaf.pem" -p 25 --proto tcp mail.example.org
cr "_853._udp.dns.example.org. IN TLSA 3 1 1 $W311" "--proto udp makes the owner _PORT._udp.HOST." \
	-c "$P/leaf.pem" --port 853 --proto udp dns.example.org
cr "_5061._sctp.sip.example.org. IN TLSA 3 1 1 $W311" "--proto sctp makes the owner _PORT._sctp.HOST." \
	-c "$P/leaf.pem" -p 5061 --proto sctp sip.example.org
cr "_25._tcp.mail.example.org. IN TLSA 3 1 1 $W311" "--starttls smtp defaults the port to 25" \
	-c "$P/leaf.pem" --starttls smtp mail.example.org
cr "_587._tcp.mail.example.org. IN TLSA 3 1 1 $W311" "an explicit --port wins over the --starttls default" \
	-c "$P/leaf.pem" --starttls smtp -p 587 mail.example.org
cr "_x._tcp.foo. IN TLSA 3 1 1 $W311" "--owner is printed verbatim" -c "$P/leaf.pem" --owner _x._tcp.foo.
cr "_x._tcp.foo. IN TLSA 3 1 1 $W311" "--owner wins over the host" -c "$P/leaf.pem" --owner _x._tcp.foo. www.example.org
cr "@ IN TLSA 3 1 1 $W311" "--owner @ (the zone's origin) is printed as it is" -c "$P/leaf.pem" --owner @
cr "_25._tcp.a\.b\032c IN TLSA 3 1 1 $W311" "a relative --owner with zone-file escapes is printed as it is" \
	-c "$P/leaf.pem" --owner '_25._tcp.a\.b\032c'
# An owner no zone-file line could carry is refused, not printed.
for bad in '' 'a b' 'a..example.' '.a' 'x;y.example' 'x(y' 'a\' \
	"$(printf 'a%.0s' $(seq 64)).example." "$(printf "$(printf 'a%.0s' $(seq 63)).%.0s" 1 2 3 4)"; do
	usage_error "--owner '$bad' is a usage error" -c "$P/leaf.pem" --owner "$bad"
done
run tl create -c "$P/leaf.pem" --owner 'mail example.org.'
printf '%s\n' "$err" | head -1 | grep -qxF "tlsa create: --owner 'mail example.org.' has a space or control character in it (escape it as \\032)"
check $? "a space in --owner says to escape it"

# generic: RFC 3597, LEN = 3 + data bytes, HEX = usage, selector, mtype, data.
cr "$O IN TYPE52 \\# 35 030101$W311" "generic prints TYPE52 \\# 35 and the rdata in hex" \
	-c "$P/leaf.pem" -o generic www.example.org
cr "$O 3600 IN TYPE52 \\# 67 030102$(want p256 leaf 1 2)" "generic with --ttl and SHA2-512 counts 67 bytes" \
	-c "$P/leaf.pem" -o generic --ttl 3600 -m 2 www.example.org
len=$(($(wc -c <"$T/rsa/leaf.s0.der") + 3))
cr "$O IN TYPE52 \\# $len 030000$(want rsa leaf 0 0)" "generic of a whole certificate counts its length" \
	-c "$T/rsa/leaf.pem" -o generic -s 0 -m 0 www.example.org

# json
jsoncheck() { # jsoncheck SENTENCE PYTHON-EXPR ARGS...: EXPR holds for the parsed array r
	local what=$1 expr=$2
	shift 2
	run tl create "$@"
	[ "$rc" -eq 0 ] && python3 -c "import json,sys
r = json.load(open(sys.argv[1]))
sys.exit(0 if ($expr) else 1)" "$T/out" 2>/dev/null
	check $? "$what" "$expr"
}
if command -v python3 >/dev/null; then
	jsoncheck "json is an array of one object with owner, ttl, usage, selector, mtype and data" \
		"isinstance(r, list) and len(r) == 1 and r[0]['owner'] == '$O' and str(r[0]['ttl']) == '3600' and
		 str(r[0]['usage']) == '3' and str(r[0]['selector']) == '1' and str(r[0]['mtype']) == '1' and
		 r[0]['data'] == '$W311'" -c "$P/leaf.pem" -o json --ttl 3600 www.example.org
	jsoncheck "json names the source certificate's subject, issuer and notAfter" \
		"'www.example.org' in r[0]['subject'] and 'Test CA p256' in r[0]['issuer'] and len(str(r[0]['notAfter'])) > 0" \
		-c "$P/leaf.pem" -o json www.example.org
	jsoncheck "json holds one object per record, in order, each from its own certificate" \
		"len(r) == 2 and r[0]['data'] == '$W311' and r[1]['data'] == '$C211' and str(r[1]['usage']) == '2' and
		 'Test CA p256' in r[1]['subject']" -c "$P/fullchain.pem" -o json --params 3,1,1 --params 2,1,1 www.example.org
	jsoncheck "json from a key has the record fields" \
		"len(r) == 1 and r[0]['data'] == '$W311' and all(k in r[0] for k in ('owner','ttl','usage','selector','mtype','data'))" \
		-k "$P/pub.pem" -o json www.example.org
else
	skip "json: python3 not installed"
fi

# nsupdate
run tl create -c "$P/fullchain.pem" -o nsupdate --ttl 300 --params 3,1,1 --params 2,1,1 www.example.org
is "$(squeeze "$(printf '%s\n' "$out" | head -1)")" "update delete $O TLSA" "nsupdate starts by deleting the owner's TLSA RRset"
adds=$(squeeze "$(printf '%s\n' "$out" | grep '^update add')")
[ "$rc" -eq 0 ] && [ "$(nlines "$adds")" -eq 2 ]
check $? "nsupdate adds one line per record"
like "$(printf '%s\n' "$adds" | sed -n 1p)" "^update add $O .*TLSA 3 1 1 $W311\$" "nsupdate adds the 3 1 1 record first"
like "$(printf '%s\n' "$adds" | sed -n 2p)" "^update add $O .*TLSA 2 1 1 $C211\$" "nsupdate adds the 2 1 1 record second"
like "$adds" "^update add $O 300 " "nsupdate carries the --ttl into update add"

# ---- round trip through ldns ---------------------------------------------

# Every rfc line parses with ldns to the same record, and every generic
# line is what ldns itself prints for that record in RFC 3597 form.
if command -v ldns-read-zone >/dev/null; then
	# Lines without a TTL go in files of their own: in a zone file they
	# would inherit the TTL of the line before.
	: >"$T/rfc.zone" && : >"$T/rfc-ttl.zone" && : >"$T/generic.zone" && : >"$T/generic-ttl.zone"
	for k in p256 rsa ed25519; do
		for s in 0 1; do
			for m in 0 1 2; do
				for o in rfc generic; do
					tl create -c "$T/$k/fullchain.pem" -u 3 -s $s -m $m -o $o www.example.org \
						>>"$T/$o.zone" 2>/dev/null
					tl create -c "$T/$k/fullchain.pem" -u 2 -s $s -m $m -o $o --ttl 300 -p 25 \
						mail.example.org >>"$T/$o-ttl.zone" 2>/dev/null
				done
			done
		done
	done
	cat "$T/rfc.zone" "$T/rfc-ttl.zone" >"$T/rfc.all"
	cat "$T/generic.zone" "$T/generic-ttl.zone" >"$T/generic.all"
	is "$(wc -l <"$T/rfc.all" | tr -d ' ')" 36 "36 rfc lines were printed for the round trip"
	is "$(wc -l <"$T/generic.all" | tr -d ' ')" 36 "36 generic lines were printed for the round trip"
	# ldns FILES...: ldns-read-zone on each file; fails when one does.
	ldns() {
		local f st=0
		for f in "$@"; do ldns-read-zone $LDNS_FLAGS "$f" 2>/dev/null || st=1; done
		return $st
	}
	LDNS_FLAGS='' ldns "$T/rfc.zone" "$T/rfc-ttl.zone" >"$T/rfc.ldns"
	ok $? "ldns-read-zone parses every rfc line"
	# owner, type and rdata of each record, without TTL and class
	is "$(awk '{ print $1, $4, $5, $6, $7, $8 }' "$T/rfc.ldns")" \
		"$(awk '{ o = $1; for (i = 2; i <= NF; i++) if (!(i == 2 && $i ~ /^[0-9]+$/) && $i != "IN") o = o " " $i; print o }' "$T/rfc.all")" \
		"ldns reads back from each rfc line the owner, usage, selector, mtype and data tlsa printed"
	LDNS_FLAGS='' ldns "$T/generic.zone" "$T/generic-ttl.zone" >"$T/generic.ldns"
	ok $? "ldns-read-zone parses every generic line"
	is "$(cat "$T/generic.ldns")" "$(cat "$T/rfc.ldns")" "each generic line means the same record as its rfc line"
	LDNS_FLAGS="-u TLSA" ldns "$T/rfc.zone" "$T/rfc-ttl.zone" | tr -s ' \t' ' ' >"$T/ldns-generic"
	awk '{ if ($2 ~ /^[0-9]+$/) print; else { o = $1; $1 = ""; print o, 3600 $0 } }' "$T/generic.all" |
		tr -s ' \t' ' ' >"$T/our-generic"
	is "$(cat "$T/our-generic")" "$(cat "$T/ldns-generic")" "generic lines equal ldns's own RFC 3597 form of the records"
else
	skip "round trip: ldns-read-zone (ldnsutils) not installed"
fi

# ---- manifests -----------------------------------------------------------

cat >"$T/manifest.txt" <<EOF
# fleet of three hosts

www.example.org 443 $P/leaf.pem
mail.example.org 25/tcp $T/rsa/fullchain.pem 3,1,1 2,1,1
   # an indented comment
dns.example.org 853/udp $T/ed25519/fullchain.pem DANE-EE,SPKI,SHA2-512
EOF
cr "$O IN TLSA 3 1 1 $W311
_25._tcp.mail.example.org. IN TLSA 3 1 1 $(want rsa leaf 1 1)
_25._tcp.mail.example.org. IN TLSA 2 1 1 $(want rsa ca 1 1)
_853._udp.dns.example.org. IN TLSA 3 1 2 $(want ed25519 leaf 1 2)" \
	"--manifest prints every record of every line in order, skipping comments and blank lines" \
	--manifest "$T/manifest.txt"
cr "3 1 1 $W311
3 1 1 $(want rsa leaf 1 1)
2 1 1 $(want rsa ca 1 1)
3 1 2 $(want ed25519 leaf 1 2)" "--manifest honours -o rdata" --manifest "$T/manifest.txt" -o rdata

cat >"$T/bad-manifest.txt" <<EOF
# three bad lines: 3, 5 and 6
www.example.org 443 $P/leaf.pem
mail.example.org 25 $T/no-such-file.pem

x.example.org 443 $P/leaf.pem 3,1,bogus
mail.example.org:25 25 $P/leaf.pem
EOF
run tl create --manifest "$T/bad-manifest.txt"
is "$rc" 1 "a manifest with bad lines exits 1"
[ ! -s "$T/out" ]
check $? "a manifest with bad lines prints nothing on stdout, not even its good lines"
like "$err" 'bad-manifest\.txt.*line 3\b' "a manifest error names the manifest and line 3 (missing file)"
like "$err" 'bad-manifest\.txt.*line 5\b' "a manifest error names the manifest and line 5 (bad parameters)"
like "$err" "bad-manifest\\.txt: line 6: 'mail\\.example\\.org:25' has a port in it$" \
	"a manifest error names line 6 and its host with a port"
prefixed
check $? "every manifest diagnostic starts with 'tlsa create: '"

# ---- warnings ------------------------------------------------------------

# Each warning comes with a twin that must stay silent, so a warning is
# tied to its cause.
warns "1 1 1 $W311" "usage 1 with port 25 warns (RFC 7672: PKIX usages are unusable for SMTP)" \
	-c "$P/fullchain.pem" -o rdata -u 1 -p 25
warns "0 1 1 $C211" "usage 0 with --starttls smtp warns" -c "$P/fullchain.pem" -o rdata -u 0 --starttls smtp
clean "3 1 1 $W311" "usage 3 with port 25 does not warn" -c "$P/fullchain.pem" -o rdata -p 25
clean "1 1 1 $W311" "usage 1 with port 443 does not warn" -c "$P/fullchain.pem" -o rdata -u 1
warns "3 0 1 $(want p256 leaf 0 1)" "selector 0 with usage 3 warns (the record breaks at every renewal)" -c "$P/leaf.pem" -o rdata -s 0
clean "2 0 1 $(want p256 ca 0 1)" "selector 0 with usage 2 does not warn" -c "$P/fullchain.pem" -o rdata -u 2 -s 0
warns "3 1 0 $(want p256 leaf 1 0)" "matching type 0 warns" -c "$P/leaf.pem" -o rdata -m 0
clean "3 1 2 $(want p256 leaf 1 2)" "matching type 2 does not warn" -c "$P/leaf.pem" -o rdata -m 2
if [ -s "$T/expired.pem" ]; then
	warns "3 1 1 $(want expired leaf 1 1)" "an expired certificate warns" -c "$T/expired.pem" -o rdata
else
	skip "expired certificate: openssl ca could not backdate one"
fi
warns "3 1 1 $(want soon leaf 1 1)" "a certificate that expires within 30 days warns" -c "$T/soon.pem" -o rdata
clean "3 1 1 $W311" "a certificate valid for a year does not warn" -c "$P/leaf.pem" -o rdata
warns "2 1 1 $W311" "usage 2 on a certificate that is not a CA warns" -c "$P/fullchain.pem" -o rdata -u 2 --depth 0
warns "3 1 1 $C211" "usage 3 on a CA certificate warns" -c "$P/ca.pem" -o rdata
clean "3 1 0 $(want p256 leaf 1 0)" "--quiet silences warnings" -c "$P/leaf.pem" -o rdata -m 0 --quiet
clean "3 1 0 $(want p256 leaf 1 0)" "-q silences warnings" -c "$P/leaf.pem" -o rdata -m 0 -q

# ---- broken input --------------------------------------------------------

fails empty.pem "an empty certificate file is an error that names it" -c "$T/empty.pem" -o rdata
fails no-such.pem "a missing certificate file is an error that names it" -c "$T/no-such.pem" -o rdata
fails truncated.pem "a PEM block without its END line is an error that names the file" -c "$T/truncated.pem" -o rdata
fails truncated.der "a truncated DER certificate is an error that names the file" -c "$T/truncated.der" -o rdata
fails junk.bin "junk bytes as a certificate are an error that names the file" -c "$T/junk.bin" -o rdata
fails key.p8.pem "a private key given as --cert is an error that names the file" -c "$P/key.p8.pem" -o rdata
fails leaf.pem "a certificate given as --key is an error that names the file" -k "$P/leaf.pem" -o rdata
fails junk.bin "junk bytes as a key are an error that names the file" -k "$T/junk.bin" -o rdata
fails empty.pem "an empty key file is an error that names it" -k "$T/empty.pem" -o rdata
fails junk.bin "junk bytes as a CSR are an error that names the file" --csr "$T/junk.bin" -o rdata
fails badbase64.pem "bad base64 inside a certificate block is an error that names the file" -c "$T/badbase64.pem" -o rdata
like "$err" "line $badline\b" "bad base64 is reported at its line ($badline)"
fails badbase64.pem "bad base64 is an error even when a good certificate comes first" -c "$T/badbase64.pem" -o rdata --depth 0

if [ -w /dev/full ]; then
	tl create -c "$P/leaf.pem" -o rdata >/dev/full 2>"$T/err"
	is "$? $(head -c 4 "$T/err")" "1 tlsa" "a full disk on stdout is an error (exit 1, said on stderr), not a success"
else
	skip "no /dev/full to fill stdout"
fi

# ---- usage errors --------------------------------------------------------

usage_error "an unknown option is a usage error" -c "$P/leaf.pem" --no-such-option
usage_error "-u 7x is a usage error" -c "$P/leaf.pem" -u 7x
usage_error "an unknown usage mnemonic is a usage error" -c "$P/leaf.pem" -u DANE-XX
usage_error "--depth foo is a usage error" -c "$P/leaf.pem" --depth foo
usage_error "-o bogus is a usage error" -c "$P/leaf.pem" -o bogus
usage_error "--params with two fields is a usage error" -c "$P/leaf.pem" --params 3,1
usage_error "--proto other than tcp, udp, sctp is a usage error" -c "$P/leaf.pem" --proto icmp www.example.org
usage_error "a TTL that is not a number is a usage error" -c "$P/leaf.pem" --ttl soon www.example.org
usage_error "no input file and no host is a usage error" -o rdata
usage_error "a path given as HOST is a usage error" -o rdata "$P/leaf.pem"
run tl create -o rdata "$P/leaf.pem"
like "$err" "is a file, not a host: give it with --cert" \
	"a path given as HOST says to give it with --cert, --key or --csr"
# A HOST that cannot be a host name would give an owner no zone can hold.
for h in '' 'a..example' 'mx example' 'mx.example:25' '192.0.2.1' '2001:db8::25' \
	'https://mx.example/' 'bücher.example' "$(printf 'a%.0s' $(seq 64)).example"; do
	usage_error "HOST '$h' is a usage error" -o rfc --cert "$P/leaf.pem" "$h"
done
run tl create --cert "$P/leaf.pem" mx.example:25
like "$err" "^tlsa create: 'mx\.example:25' has a port in it \(give the port with -p\)$" \
	"HOST:PORT says to give the port with -p"
run tl create --cert "$P/leaf.pem" '192.0.2.1'
like "$err" "'192\.0\.2\.1' is an IP address: TLSA records are published under host names" \
	"an address as HOST says TLSA records are published under names"
run tl create -p 25 '192.0.2.1'
like "$err" "give the host name, and the address to fetch from with --address\)$" \
	"an address as HOST to fetch from says to give it with --address"
run tl create --cert "$P/leaf.pem" "$(printf 'mx\nexample')"
printf '%s\n' "$err" | head -1 | grep -qxF "tlsa create: 'mx\\x0aexample' has a control character in it"
check $? "a newline in HOST is shown escaped: the error stays one line"
run tl create -o rdata --cert "$P/leaf.pem" mail_relay.example.
is "$rc" 0 "a HOST with '_' and a final dot is accepted"
cp "$P/leaf.pem" "$T/cert.pem"
case $TLSA in /*) abs=$TLSA ;; *) abs=$PWD/$TLSA ;; esac
(cd "$T" && TLSA=$abs && tl create -o rdata cert.pem >/dev/null 2>&1)
is "$?" 2 "a certificate file in the working directory given as HOST is a usage error"

# ---- help and version ----------------------------------------------------

run tl create --help
is "$rc" 0 "tlsa create --help exits 0"
help=$out
for opt in --manifest --cert --key --csr --passin --usage --selector --mtype --params \
	--depth --port --proto --starttls --owner --ttl --format --address --timeout --quiet --verbose; do
	like "$help" "(^|[^-a-z])$opt([^-a-z]|\$)" "tlsa create --help mentions $opt"
done
for f in rfc generic rdata json nsupdate; do
	like "$help" "\b$f\b" "tlsa create --help names the $f format"
done
run tl help create
is "$out" "$help" "tlsa help create prints the same text as tlsa create --help"
run tl --version
like "$out" '^tlsa [0-9]+\.[0-9]+\.[0-9]+$' "tlsa --version prints tlsa X.Y.Z"

# ---- peers ---------------------------------------------------------------

# data PROGRAM-OUTPUT: the last hex word of the first record line, lowercase.
data() { printf '%s\n' "$1" | tr -d '()' | awk 'NF { print tolower($NF); exit }'; }

if command -v ldns-dane >/dev/null; then
	for k in $types; do
		for s in 0 1; do
			for m in 0 1 2; do
				for u in 3 2; do
					mine=$(tl create -c "$T/$k/fullchain.pem" -o rdata -u $u -s $s -m $m 2>/dev/null)
					if theirs=$(timeout 20 ldns-dane -n -c "$T/$k/fullchain.pem" create www.example.org 443 $u $s $m 2>/dev/null) && [ -n "$theirs" ]; then
						is "$(data "$mine")" "$(data "$theirs")" "ldns-dane agrees on $u $s $m for a $k chain"
					else
						skip "ldns-dane could not compute $u $s $m for $k"
					fi
				done
			done
		done
	done
else
	skip "ldns-dane (ldnsutils) not installed"
fi

if command -v danetool >/dev/null; then
	for k in $types; do
		for s in 0 1; do
			for m in 1 2; do
				flags=
				[ $s = 0 ] && flags=--x509
				[ $m = 2 ] && flags="$flags --hash sha512"
				mine=$(tl create -c "$T/$k/leaf.pem" -o rdata -u 3 -s $s -m $m 2>/dev/null)
				# shellcheck disable=SC2086
				if theirs=$(timeout 20 danetool --tlsa-rr --load-certificate "$T/$k/leaf.pem" \
					--host www.example.org --port 443 $flags 2>/dev/null) && [ -n "$theirs" ]; then
					is "$(data "$mine")" "$(data "$theirs")" "danetool agrees on 3 $s $m for a $k leaf"
				else
					skip "danetool could not compute 3 $s $m for $k"
				fi
			done
		done
		mine=$(tl create -c "$T/$k/ca.pem" -o rdata -u 2 --depth 0 2>/dev/null)
		if theirs=$(timeout 20 danetool --tlsa-rr --load-certificate "$T/$k/ca.pem" \
			--host www.example.org --port 443 --ca 2>/dev/null) && [ -n "$theirs" ]; then
			is "$(data "$mine")" "$(data "$theirs")" "danetool agrees on 2 1 1 for a $k CA"
		else
			skip "danetool could not compute 2 1 1 for $k"
		fi
	done
else
	skip "danetool (gnutls-bin) not installed"
fi

done_testing
