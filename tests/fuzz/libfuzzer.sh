#!/bin/sh
# make fuzz: build every tests/fuzz/fuzz_*.c target with clang's libFuzzer,
# AddressSanitizer and UndefinedBehaviorSanitizer, then run each in turn for
# FUZZ_SECONDS, seeded with its committed corpus tests/fuzz/corpus/<t>/.
#
#   FUZZ_SECONDS  time per target (default 60; 0: build only)
#   FUZZ_TARGETS  the targets to run (default: all, e.g. "frame rules")
#   FUZZ_FLAGS    more libFuzzer flags (e.g. -runs=10000000)
#   FUZZ_DIR      where objects, programs, new inputs, crashers and logs
#                 go (default <builddir>/fuzz)
#   CLANG         the compiler (default clang)
#
# The corpus a run grows is FUZZ_DIR/corpus/<t>/ (the committed corpus is
# only read); crashers, leaks and timeouts are FUZZ_DIR/crashes/<t>/*.
# Nothing of the normal build is touched.  Exit 1 when a target crashed.
: "${top_srcdir:?}" "${top_builddir:?}"
: "${FUZZ_SECONDS:=60}" "${CLANG:=clang}" "${FUZZ_DIR:=$top_builddir/fuzz}"
all=$(cd "$top_srcdir/tests/fuzz" && ls fuzz_*.c | sed 's/^fuzz_//; s/\.c$//')
: "${FUZZ_TARGETS:=$all}"
set -e

if ! echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }' |
	"$CLANG" -x c -fsanitize=fuzzer -o /dev/null - 2>/dev/null; then
	echo "make fuzz: $CLANG cannot link -fsanitize=fuzzer (is libFuzzer, Debian's clang package, installed?)" >&2
	exit 2
fi

san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
cflags="-g -O1 -fno-omit-frame-pointer $san -include $top_builddir/config.h \
 -I$top_srcdir/lib -I$top_srcdir/cmd/common -I$top_srcdir/cmd/k8saudit-findings \
 -I$top_srcdir/cmd/rbac-diff -I$top_srcdir/cmd/secret-scan -I$top_srcdir/tests/fuzz \
 -DK8A_DATADIR=\"$top_srcdir\" -DK8A_SRCDIR=\"$top_srcdir\" $FUZZ_CFLAGS"
# The framer's 1 MiB blocks made anew for every input cost ASan a mapping
# each: 64 KiB blocks (more than any input here) are five times faster.
cflags="$cflags -DK8A_BLOCK=65536"
mkdir -p "$FUZZ_DIR/obj" "$FUZZ_DIR/bin" "$FUZZ_DIR/log"

# Newest header: an object older than it is compiled again.
stamp="$FUZZ_DIR/obj/.headers"
newest=$(ls -t "$top_srcdir"/lib/*.h "$top_srcdir"/cmd/*/*.h "$top_srcdir/tests/fuzz/fuzz.h" \
	"$top_builddir/config.h" | head -1)
[ -f "$stamp" ] && [ ! "$newest" -nt "$stamp" ] || { rm -f "$FUZZ_DIR"/obj/*.o; touch "$stamp"; }

# compile SRC: its object, compiled when older than SRC (for the targets
# themselves, with the fuzzer's instrumentation of comparisons).
compile() {
	o="$FUZZ_DIR/obj/$(echo "$1" | tr / _ | sed 's/\.c$/.o/')"
	if [ ! -f "$o" ] || [ "$top_srcdir/$1" -nt "$o" ]; then
		echo "  CC $1" >&2
		# shellcheck disable=SC2086
		"$CLANG" $cflags -fsanitize=fuzzer-no-link -c "$top_srcdir/$1" -o "$o"
	fi
	echo "$o"
}

# archive NAME SRC...: a static library, so that a target links only the
# objects it needs (tool sources without their main.c).
archive() {
	a="$FUZZ_DIR/obj/lib$1.a"
	shift
	objs=
	for s in "$@"; do
		objs="$objs $(compile "$s")"
	done
	rm -f "$a"
	# shellcheck disable=SC2086
	ar rcs "$a" $objs
	echo "$a"
}

cd "$top_srcdir"
libs=
for tool in k8saudit-findings rbac-diff secret-scan; do
	libs="$libs $(archive "$tool" $(ls cmd/$tool/*.c | grep -v '/main\.c$'))"
done
libs="$libs $(archive fe cmd/common/*.c) $(archive k8saudit lib/*.c)"
support=$(compile tests/fuzz/support.c)
cd - >/dev/null

for t in $FUZZ_TARGETS; do
	echo "  CCLD fuzz_$t" >&2
	o=$(cd "$top_srcdir" && compile "tests/fuzz/fuzz_$t.c")
	# shellcheck disable=SC2086
	"$CLANG" $cflags -fsanitize=fuzzer "$o" "$support" $libs $FUZZ_LIBS -o "$FUZZ_DIR/bin/fuzz_$t"
done

[ "$FUZZ_SECONDS" != 0 ] || exit 0
crashed=
printf '%-10s %12s %8s %8s  %s\n' target execs exec/s seconds result
for t in $FUZZ_TARGETS; do
	mkdir -p "$FUZZ_DIR/corpus/$t" "$FUZZ_DIR/crashes/$t"
	log="$FUZZ_DIR/log/$t.log"
	start=$(date +%s)
	# shellcheck disable=SC2086
	if (cd "$FUZZ_DIR" && "$FUZZ_DIR/bin/fuzz_$t" -max_total_time="$FUZZ_SECONDS" -timeout=30 \
		-print_final_stats=1 -artifact_prefix="$FUZZ_DIR/crashes/$t/" $FUZZ_FLAGS \
		"$FUZZ_DIR/corpus/$t" "$top_srcdir/tests/fuzz/corpus/$t") >"$log" 2>&1; then
		result=ok
	else
		result="CRASH (see $log)"
		crashed="$crashed $t"
	fi
	secs=$(($(date +%s) - start))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	printf '%-10s %12s %8s %8s  %s\n' "$t" "${execs:-?}" "${rate:-?}" "$secs" "$result"
done
echo "new inputs: $FUZZ_DIR/corpus/<target>/, crashers: $FUZZ_DIR/crashes/<target>/"
if [ -n "$crashed" ]; then
	echo "crashed:$crashed" >&2
	exit 1
fi
