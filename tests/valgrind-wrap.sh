#!/bin/sh
# Run tlsa under valgrind, for the command-line tests:
#   TLSA_REAL=build/cmd/tlsa VALGRIND_LOGS=DIR TLSA=tests/valgrind-wrap.sh tests/cli/x.sh
# (./scripts/test --valgrind does this.)  Valgrind's report goes to a file
# in VALGRIND_LOGS, not to stderr, because the tests compare tlsa's stderr;
# any memory error or leak makes tlsa exit 99, an exit status no test
# expects, so the case that ran it fails, and the log names the cause.
: "${TLSA_REAL:?TLSA_REAL must name the tlsa binary}"
: "${VALGRIND_LOGS:=${TMPDIR:-/tmp}}"
exec valgrind -q --leak-check=full --show-leak-kinds=definite,indirect \
	--errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
	--log-file="$VALGRIND_LOGS/valgrind.%p.log" "$TLSA_REAL" "$@"
