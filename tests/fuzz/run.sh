#!/bin/sh
# The fuzz targets (tests/fuzz/fuzz-*.c), built with clang, libFuzzer, ASan
# and UBSan, each run for a bounded time on its seed corpus: any crash,
# sanitizer report, leak or hang fails the case.  Skipped when clang or
# libFuzzer's runtime (libclang-rt-14-dev) is missing.
#
#   FUZZ_TIME=SECONDS  how long each target runs (default 10)
. "${top_srcdir:-.}/tests/lib.sh"
: "${top_builddir:=$(pwd)}"
out="$top_builddir/fuzz"
secs=${FUZZ_TIME:-10}

sh "$top_srcdir/tests/fuzz/build.sh" "$top_srcdir" "$top_builddir" "$out" >"$T/build" 2>&1
rc=$?
if [ "$rc" -eq 77 ]; then
	echo "1..0 # SKIP $(tail -1 "$T/build")"
	exit 0
fi
ok "$rc" "the fuzz targets build with clang, libFuzzer, ASan and UBSan"
[ "$rc" -eq 0 ] || { sed 's/^/# /' "$T/build" | tail -30; done_testing; exit 1; }

for t in record load starttls zone tsig; do
	# New inputs go to a scratch copy: the seed corpus in the tree stays as it is.
	mkdir -p "$T/corpus-$t" "$T/art-$t"
	cp "$top_srcdir/tests/fuzz/corpus-$t"/* "$T/corpus-$t/"
	TMPDIR=$T "$out/fuzz-$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$T/art-$t/" "$T/corpus-$t" >"$T/log-$t" 2>&1
	rc=$?
	ok "$rc" "fuzz-$t runs $secs s on its seed corpus without a crash, leak or hang"
	if [ "$rc" -ne 0 ]; then
		grep -E 'ERROR|SUMMARY|^ *#[0-9]+ 0x' "$T/log-$t" | head -30 | sed 's/^/# /'
		for a in "$T/art-$t"/*; do
			[ -f "$a" ] && echo "# input: $(od -An -c "$a" | head -5 | tr -s ' ')"
		done
	else
		sed -n 's/^stat::number_of_executed_units: */# executions: /p' "$T/log-$t"
	fi
done
done_testing
