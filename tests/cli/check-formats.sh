#!/bin/sh
# shellcheck disable=SC2154 # rc, out and err are set by lib.sh's run
# tlsa check's output formats come from one table (cmd/check-out.c):
# --help and the usage error for an unknown -o list its rows, and every
# format listed is accepted.  Nothing is contacted: each run stops at a
# usage error.
#
#   TLSA=build/cmd/tlsa sh tests/cli/check-formats.sh

# shellcheck source=tests/lib.sh
. "$(cd "$(dirname "$0")/.." && pwd)/lib.sh"
need_our_tlsa

run "$TLSA" check --help
line=$(printf '%s\n' "$out" | grep -- '-o, --format FORMAT')
is "$line" "  -o, --format FORMAT    text (default), json, jsonl, nagios or prometheus" \
	"--help names every format, the default first"

run "$TLSA" check -o yaml host.example
is "$rc:$(printf '%s\n' "$err" | head -1)" \
	"3:tlsa check: unknown format 'yaml' (want text, json, jsonl, nagios or prometheus)" \
	"an unknown format is a usage error that names the formats there are"

for f in text json jsonl nagios prometheus; do
	run "$TLSA" check -o "$f" -4 -6 host.example
	case $err in *"unknown format"*) r=1 ;; *) r=0 ;; esac
	[ "$rc" = 3 ] || r=1
	ok $r "-o $f is a format (the run stops at -4 with -6, not at -o)"
done

# A usage error before -o still gets its status line in that format.
run "$TLSA" check -p 0 -o nagios host.example
is "$rc:$out" "3:DANE UNKNOWN - bad port '0' (want 1-65535)" \
	"a usage error before -o nagios is said as a nagios status line"

done_testing
