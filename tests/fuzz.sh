#!/bin/sh
# Replay the fuzz corpora (seeds and past crashes) through the fuzz targets
# built as plain programs; under --enable-sanitizers this is where a parser
# bug shows up as a failure.
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
pass=0 fail=0
for t in reader expr skim secret sigma \
	frame rules awsauth patch iplist lists types archive state partial; do
	set -- "$top_srcdir"/tests/fuzz/corpus/$t/*
	if "$top_builddir/tests/fuzz/fuzz_$t" "$@" >/dev/null; then
		echo "ok fuzz_$t ($# inputs)"
		pass=$((pass + 1))
	else
		echo "FAIL fuzz_$t"
		fail=$((fail + 1))
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
