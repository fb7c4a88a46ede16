#!/bin/sh
# libtlsa's boundary, seen from outside: libtlsa.so exports exactly the
# functions its public headers declare (nothing internal is ABI by
# accident), libtlsa(3) names every one of them, and every public header
# can be used from C++.  The list comes from the headers themselves
# (libtlsa/exports.sh), so a new public function needs only its
# declaration there, an entry in the manual, and a definition.
#
#   top_builddir=build top_srcdir=. sh tests/api/exports.sh
. "$(cd "$(dirname "$0")/.." && pwd)/lib.sh"
: "${top_builddir:?top_builddir must name the build tree}"
: "${CC:=cc}"
exports="$top_srcdir/libtlsa/exports.sh"

# ---- the reader of the headers, on a header with every awkward shape -----
mkdir -p "$T/fix/libtlsa/tlsa"
cat >"$T/fix/libtlsa/tlsa.h" <<'H'
#include <stddef.h>
#include <tlsa/one.h>
/* tlsa_in_a_comment(void); */
int tlsa_plain(void);
H
cat >"$T/fix/libtlsa/tlsa/one.h" <<'H'
#define TLSA_MACRO(x) tlsa_from_macro(x)
typedef int tlsa_fn_type(int);
typedef void (*tlsa_fn_ptr)(void);
typedef struct tlsa_thing {
	int (*tlsa_member)(int);
	char buf[16];
} tlsa_thing;
__attribute__((warn_unused_result)) tlsa_thing *
tlsa_thing_new(const char *name,
	       size_t len);
void tlsa_thing_free(tlsa_thing *t) __attribute__((nonnull(1)));
int tlsa_takes_fn(void (*cb)(int tlsa_param), int n);
extern const int tlsa_data_not_a_function;
int not_ours(void);
H
got=$(sh "$exports" "$CC -E" "$T/fix" "$T/fix" | tr '\n' ' ')
is "$got" "tlsa_plain tlsa_takes_fn tlsa_thing_free tlsa_thing_new " \
	"exports.sh finds declared functions across lines and attributes, not types, members or macros"

# ---- nm -D against the headers -------------------------------------------
sh "$exports" "$CC -E" "$top_srcdir" "$top_builddir" >"$T/declared" 2>"$T/err"
ok $? "exports.sh reads the public headers"
n=$(wc -l <"$T/declared")
[ "$n" -gt 50 ]; ok $? "the public headers declare the library's functions ($n of them)"

so=$top_builddir/libtlsa/.libs/libtlsa.so
if [ -f "$so" ] && command -v nm >/dev/null; then
	nm -D --defined-only "$so" | awk '{ print $NF }' | LC_ALL=C sort -u >"$T/exported"
	LC_ALL=C comm -13 "$T/declared" "$T/exported" >"$T/extra"
	LC_ALL=C comm -23 "$T/declared" "$T/exported" >"$T/missing"
	[ ! -s "$T/extra" ]
	ok $? "libtlsa.so exports nothing its public headers do not declare"
	sed 's/^/#   exported, not declared: /' "$T/extra" | head -20
	[ ! -s "$T/missing" ]
	ok $? "libtlsa.so exports every function its public headers declare"
	sed 's/^/#   declared, not exported: /' "$T/missing" | head -20
else
	skip "no libtlsa.so (a --disable-shared build) or no nm"
	skip "no libtlsa.so"
fi

# ---- the manual ---------------------------------------------------------
: >"$T/undocumented"
while read -r f; do
	grep -q "\\b$f\\b" "$top_srcdir/man/libtlsa.3" || echo "$f" >>"$T/undocumented"
done <"$T/declared"
[ ! -s "$T/undocumented" ]
ok $? "libtlsa(3) names every public function"
sed 's/^/#   not in libtlsa(3): /' "$T/undocumented" | head -40

# ---- C++ -------------------------------------------------------------------
missing=
for h in "$top_srcdir"/libtlsa/tlsa.h "$top_srcdir"/libtlsa/tlsa/*.h; do
	grep -q '^extern "C" {' "$h" || missing="$missing ${h#"$top_srcdir"/}"
done
# version.h declares no function: its macros need no guard.
missing=$(echo "$missing" | tr ' ' '\n' | grep -v '^$' | grep -vx 'libtlsa/tlsa/version.h')
is "$missing" "" 'every public header declaring functions has extern "C" guards'

cxx=
for c in c++ g++ clang++; do
	command -v "$c" >/dev/null && { cxx=$c; break; }
done
if [ -n "$cxx" ] && [ -f "$so" ]; then
	# Take the address of every public function from C++: a header without
	# extern "C" would ask the linker for mangled names.
	{
		echo '#include <tlsa.h>'
		echo 'typedef void (*any_fn)(void);'
		echo 'any_fn fns[] = {'
		sed 's/.*/	(any_fn)\&&,/' "$T/declared"
		echo '};'
		echo 'int main() { return fns[0] == 0; }'
	} >"$T/all.cc"
	# shellcheck disable=SC2086
	$cxx ${SAN_CFLAGS:-} -I"$top_builddir/libtlsa" -I"$top_srcdir/libtlsa" -o "$T/all" "$T/all.cc" \
		-L"$top_builddir/libtlsa/.libs" -ltlsa >"$T/cxx.log" 2>&1
	ok $? "a C++ program links every public function by its C name"
	sed 's/^/#   /' "$T/cxx.log" | head -20
else
	skip "no C++ compiler or no libtlsa.so"
fi

done_testing
