#!/bin/sh
# Build the libFuzzer targets with clang, ASan and UBSan, into OUTDIR.
#
#   tests/fuzz/build.sh SRCDIR BUILDDIR OUTDIR
#
# The library is normally built with gcc, and libFuzzer needs every
# object compiled with clang's coverage instrumentation, so this compiles
# the library's sources itself (into OUTDIR/obj) rather than linking the
# libtool library.  BUILDDIR is a configured tree (for config.h).  Used
# by `make fuzz` and by tests/fuzz/run.sh.  Exits 77 when clang or its
# libFuzzer runtime is missing.
set -eu
srcdir=$1
builddir=$2
out=$3
CC=${FUZZ_CC:-clang}
TARGETS="record load starttls zone tsig"

command -v "$CC" >/dev/null 2>&1 || { echo "fuzz: $CC not found" >&2; exit 77; }
mkdir -p "$out/obj"
# libFuzzer's runtime ships in libclang-rt-NN-dev, apart from clang.
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n)\n{ (void)d; (void)n; return 0; }\n' >"$out/obj/probe.c"
"$CC" -fsanitize=fuzzer "$out/obj/probe.c" -o "$out/obj/probe" 2>/dev/null ||
	{ echo "fuzz: $CC cannot link -fsanitize=fuzzer (install libclang-rt-14-dev)" >&2; exit 77; }

deps=$(pkg-config --cflags libssl libcrypto ldns 2>/dev/null || true)
libs=$(pkg-config --libs libssl libcrypto ldns 2>/dev/null || echo "-lssl -lcrypto -lldns")
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
cflags="-g -O1 $san -I$builddir -I$builddir/libtlsa -I$srcdir/libtlsa $deps"

# Every library source: the fuzzers reach the parsers through their public
# entry points, which may call into any part of the library.
for src in "$srcdir"/libtlsa/*.c; do
	printf '%s %s\n' "$src" "$out/obj/$(basename "$src" .c).o"
done | xargs -P "$(nproc 2>/dev/null || echo 2)" -n 2 sh -c \
	"$CC $cflags -fsanitize=fuzzer-no-link -c \"\$0\" -o \"\$1\""
objs=$(for src in "$srcdir"/libtlsa/*.c; do printf '%s ' "$out/obj/$(basename "$src" .c).o"; done)

for t in $TARGETS; do
	# shellcheck disable=SC2086
	"$CC" $cflags -Wall -Wextra -Werror -fsanitize=fuzzer "$srcdir/tests/fuzz/fuzz-$t.c" $objs $libs -lpthread \
		-o "$out/fuzz-$t"
done
