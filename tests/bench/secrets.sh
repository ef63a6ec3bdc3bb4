#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# The false-alarm figure for secret-scan (research/secret-scan.md 8.2):
# a large benign corpus from tests/secrets/gen -p 0 (routine EKS audit and
# CloudTrail traffic with every kind of hard negative; the only secrets are
# the session tokens STS returns, which are labelled), scanned once, scored
# with tests/secrets/score.sh: false alarms per million records, and the
# throughput of the scan.  Also the recall and precision on the labelled
# corpus.  Run by `make bench-secrets`, or from bench.sh.
#
# tests/bench/gen.c's corpus is not used for this: its key ids are
# realistic, but it has no CA bundles, managedFields, image digests,
# last-applied annotations or AWS redaction markers, and its AssumeRole
# session tokens are unlabelled secrets.
#
# Environment (all optional):
#   BENCH_OUT               corpus and scratch directory (default $top_builddir/bench-out)
#   BENCH_SECRETS_RECORDS   routine records in the benign corpus (default 1000000)
#   BENCH_SEED              generator seed (default 7)
#   SECRET_SCAN             the program (default $top_builddir/secret-scan)
set -u
LC_ALL=C
export LC_ALL

here=$(cd "$(dirname "$0")" && pwd)
top_srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
top_builddir=${top_builddir:-$(pwd)}
out=${BENCH_OUT:-$top_builddir/bench-out}
records=${BENCH_SECRETS_RECORDS:-1000000}
seed=${BENCH_SEED:-7}
scan=${SECRET_SCAN:-$top_builddir/secret-scan}
gen=$top_builddir/tests/secrets/gen

die() { echo "bench-secrets: $*" >&2; exit 2; }
note() { echo "bench-secrets: $*" >&2; }

[ -x "$scan" ] || die "$scan not built"
command -v jq >/dev/null 2>&1 || die "jq is needed (apt-get install jq)"
if [ ! -x "$gen" ]; then
	note "building tests/secrets/gen"
	(cd "$top_builddir" && make -s tests/secrets/gen) || die "cannot build tests/secrets/gen"
fi
mkdir -p "$out" || die "cannot create $out"
# a fixed case key (--fingerprint-key names a key file)
key=$out/secrets-case.key
printf 'k8saudit-secret-corpus-2026\n' >"$key" || die "cannot write $key"

# ---- the corpora (reused when the parameters and the generator are the same) ----
sum=$(cat "$gen" | cksum)
benign=$out/secrets-benign
params="benign $records $seed $sum"
if [ ! -s "$benign/labels.tsv" ] || [ "$(cat "$out/secrets-benign.params" 2>/dev/null)" != "$params" ]; then
	note "generating a benign corpus of $records records"
	rm -rf "$benign" "$out/secrets-benign.params"
	"$gen" -s "$seed" -p 0 -n "$records" "$benign" || die "generator failed"
	echo "$params" >"$out/secrets-benign.params"
fi
labelled=$out/secrets-labelled
params="labelled $seed $sum"
if [ ! -s "$labelled/labels.tsv" ] || [ "$(cat "$out/secrets-labelled.params" 2>/dev/null)" != "$params" ]; then
	note "generating the labelled corpus"
	rm -rf "$labelled" "$out/secrets-labelled.params"
	"$gen" -s "$seed" "$labelled" || die "generator failed"
	echo "$params" >"$out/secrets-labelled.params"
fi

# bytes of JSON text the scanner decodes
bytes() {
	find "$1/input" -type f -name '*.gz' -exec cat {} + | gzip -dc | wc -c | tr -d ' ' >"$1.bytes.tmp"
	find "$1/input" -type f ! -name '*.gz' -exec cat {} + | wc -c | tr -d ' ' >>"$1.bytes.tmp"
	awk '{ s += $1 } END { print s }' "$1.bytes.tmp"
	rm -f "$1.bytes.tmp"
}

# ---- scanning ----
run() {
	name=$1
	find "$out/$name/input" -type f -exec cat {} + >/dev/null
	t0=$(date +%s%N)
	"$scan" --json --fingerprint-key "$key" "$out/$name/input" >"$out/$name.jsonl" 2>"$out/$name.err"
	rc=$?
	t1=$(date +%s%N)
	[ "$rc" -le 1 ] || note "$name: secret-scan exit $rc: $(head -c 300 "$out/$name.err")"
	[ -s "$out/$name.err" ] && note "$name: messages from secret-scan: $(head -c 300 "$out/$name.err")"
	b=$(bytes "$out/$name")
	awk -v ns=$((t1 - t0)) -v b="$b" -v n="$name" 'BEGIN {
		printf "%s: %.1f MB scanned in %.2f s, %.1f MB/s\n", n, b / 1e6, ns / 1e9, b / 1e6 / (ns / 1e9) }'
}

echo "== secret-scan on the benign corpus ($records routine records, seed $seed)"
run secrets-benign
sh "$top_srcdir/tests/secrets/score.sh" -l 30 "$benign" "$out/secrets-benign.jsonl" |
	grep -E '^(overall|occurrence|unique|false alarms|occurrences at|  )' | grep -v '^  [a-z0-9-]* *[0-9]* / ' 
echo "== secret-scan on the labelled corpus (seed $seed)"
run secrets-labelled
sh "$top_srcdir/tests/secrets/score.sh" -l 30 "$labelled" "$out/secrets-labelled.jsonl" |
	grep -E '^(overall|occurrence|unique|false alarms|PASS|FAIL)'
exit 0
