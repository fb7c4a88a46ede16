#!/bin/bash
# tlsa check --candidate-only and --single-key-ok against the live lab
# (tests/live/lab.sh), with the TLSA records from DNSSEC-signed zones:
#   - mail_smtp publishes a single 3 1 1 record, so its live check is a
#     WARNING (no rollover key); the certbot deploy hook of tlsa-check(1)
#     asks whether the renewed certificate (LAB_CANDIDATE_MATCH) matches
#     the published records, and must get "yes" (exit 0), not the WARNING;
#   - a certificate that matches nothing (LAB_CANDIDATE_NOMATCH) is still
#     refused (exit 2), with the record to publish first;
#   - --candidate-only asks DNS only: it answers although no address of
#     the host is reachable;
#   - a lone leaf (no issuer in its file) is matched against ta.dane.test's
#     2 1 1 with the issuers the server presents;
#   - a mail domain's nagios days_left thresholds are ranges (21: and 0:).
#
#   TLSA_LIVE=1 TLSA=build/cmd/tlsa top_srcdir=. bash tests/live/check-candidate.sh
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
. "$top_srcdir/tests/live/lab.sh"
lab_test_begin "$@"

show() { printf '%s\n' "$out" "$err" | sed 's/^/#   /' | head -${1:-12}; }
mail() { run "$TLSA" check --timeout 3 -p "$LAB_MAIL_SMTP_PORT" "$@" "$LAB_MAIL_SMTP_HOST"; }
mail_rec="3 1 1 $(lab_tlsa_data 1 1 mail)"

# The documented hook, as it was: the live check's WARNING refused a good certificate.
mail -q --candidate "$LAB_CANDIDATE_MATCH"
is "$rc" 1 "--candidate with the live check: mail_smtp's single key is still its WARNING"
mail -q --candidate-only --candidate "$LAB_CANDIDATE_MATCH"
is "$rc:$out" "0:" "--candidate-only: the renewed certificate matches the single published 3 1 1 (exit 0, silent)"
[ "$rc" = 0 ] || show
mail --candidate-only --candidate "$LAB_CANDIDATE_MATCH"
echo "$out" | grep -qxF "candidate $LAB_CANDIDATE_MATCH: matches $mail_rec at depth 0"
ok $? "--candidate-only names the published record the candidate matches"
echo "$out" | grep -q "TLSA from $LAB_MAIL_SMTP_OWNER. (secure, 1 record)"
ok $? "--candidate-only still reports the TLSA lookup and its DNSSEC state"
mail -q --candidate-only --candidate "$LAB_CANDIDATE_NOMATCH"
is "$rc" 2 "--candidate-only: a certificate that matches no published record is refused (exit 2)"
echo "$out" | grep -qxF "$LAB_MAIL_SMTP_OWNER. IN TLSA 3 1 1 $(lab_tlsa_data 1 1 fresh)"
ok $? "--candidate-only: the refusal prints the record to publish first"
# Addresses nobody serves: DNS alone answers the question.
mail -q --candidate-only --candidate "$LAB_CANDIDATE_MATCH" -a 127.0.0.254
is "$rc" 0 "--candidate-only contacts no server: it answers with an address nobody serves"

# --single-key-ok: a site that knowingly publishes one key.
mail -q --single-key-ok
is "$rc" 0 "--single-key-ok: mail_smtp's single matching 3 1 1 is OK (exit 0)"
mail -q --single-key-ok --candidate "$LAB_CANDIDATE_MATCH"
is "$rc" 0 "--single-key-ok with --candidate: the hook of a single-key site passes with the live check too"

# A lone leaf against DANE-TA: its issuer from the chain ta.dane.test presents.
run "$TLSA" check --timeout 3 -p 25 --candidate-only --candidate "$LAB_CERT_TA" "$LAB_TA_SMTP_HOST"
is "$rc" 0 "--candidate-only: a lone leaf of the lab CA matches ta.dane.test's 2 1 1 through the live issuers"
echo "$out" | grep -q "candidate $LAB_CERT_TA: matches 2 1 1 .* at depth 2 (its issuer, from the live chain)"
ok $? "the lone leaf's match is at depth 2 of its chain, with the issuer from the live chain"
[ "$rc" = 0 ] || show
# The same match for a leaf of another name would not validate under DANE-TA (issue 14).
run "$TLSA" check --timeout 3 -p 25 --candidate-only --candidate "$LAB_CERT_MAIL" "$LAB_TA_SMTP_HOST"
is "$rc" 2 "--candidate-only: a lone leaf for another name matches ta.dane.test's 2 1 1 but is CRITICAL"
echo "$out" | grep -q "candidate $LAB_CERT_MAIL matches 2 1 1 .* but would not validate: certificate verification failed at depth 0: hostname mismatch"
ok $? "it says the candidate would not validate: hostname mismatch"

# --candidate-only for a mail domain: its summary claims no live verification.
run "$TLSA" check --timeout 3 --mx --candidate-only --candidate "$LAB_CANDIDATE_NOMATCH" "$LAB_MX_DANE_DOMAIN"
is "$rc" 2 "--mx --candidate-only: a candidate that one MX host's records do not match is refused (exit 2)"
echo "$out" | grep -Eq "^$LAB_MX_DANE_DOMAIN: CRITICAL: [0-9]+ of [0-9]+ mail hosts? with records that match the candidates$"
r=$?
ok $r "--mx --candidate-only: the summary counts mail hosts whose records match, not hosts verified"
[ "$rc:$r" = 2:0 ] || show 40

# A mail domain's nagios line: days_left thresholds are ranges ("alert below").
run "$TLSA" check --timeout 3 --mx -o nagios "$LAB_MX_DANE_DOMAIN"
echo "$out" | grep -Eq ' days_left=-?[0-9]+;21:;0: '
ok $? "--mx -o nagios writes days_left thresholds as 21: and 0: ($out)"

done_testing
