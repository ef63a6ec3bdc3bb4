#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# secret-scan over its fixtures.
#
#  1. Every type: each record of tests/secrets/types/TYPE.pos.jsonl gives an
#     occurrence of TYPE and of no other type; TYPE.neg.jsonl (look-alikes,
#     placeholders, redaction markers, references, identifiers) gives
#     nothing; every type loaded has both files.  (Written by
#     make-fixtures.py beside them.)
#  2. The prefilter changes nothing: the same output, diagnostics and exit
#     status with --no-prefilter, over every fixture, the CLI test inputs,
#     the samples, the findings and framing fixtures and a slice of the
#     benchmark's generator output.  And -j changes nothing.
#  3. The default fingerprint key: created once, mode 0600, outside the
#     evidence, announced once; the same key gives the same fingerprints,
#     another key others; a missing or short key file is trouble.
#
# Last line: "N passed, N failed, N skipped".
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

SS=$top_builddir/secret-scan
KEY=$top_srcdir/tests/secrets/case.key
TYPES=$top_srcdir/tests/secrets/types
if [ ! -x "$SS" ]; then
	t_fail "secret-scan" "$SS is not built"
	t_done
fi
cd "$top_srcdir" || exit 99

# ---- 1. the types ----
"$SS" --list-rules | cut -f1 > "$TMP/types"
n=$(wc -l < "$TMP/types")
if [ "$n" -ge 46 ]; then
	t_ok "$n types loaded"
else
	t_fail "types loaded" "$n, expected at least 46"
fi
while read -r t; do
	p=tests/secrets/types/$t.pos.jsonl
	q=tests/secrets/types/$t.neg.jsonl
	if [ ! -s "$p" ] || [ ! -s "$q" ]; then
		t_fail "$t" "no positive or no negative fixtures"
		continue
	fi
	"$SS" --fingerprint-key "$KEY" "$p" > "$TMP/out" 2> "$TMP/err"
	rc=$?
	records=$(wc -l < "$p")
	# lines of the input with an occurrence of the type
	hit=$(awk -F'\t' -v t="$t" '$2 == t { n = split($8, a, ":"); print a[n] }' "$TMP/out" | sort -un | wc -l)
	other=$(awk -F'\t' -v t="$t" '$2 != t' "$TMP/out")
	if [ "$rc" = 1 ] && [ "$hit" = "$records" ] && [ -z "$other" ] && [ ! -s "$TMP/err" ]; then
		t_ok "$t: all $records positive records"
	else
		t_fail "$t" "positive: exit $rc, $hit of $records records found"
		awk -F'\t' -v t="$t" '$2 != t { print "    other: " $2 " " $8 " " $9 }' "$TMP/out" | head -5
		head -3 "$TMP/err" | sed 's/^/    /'
	fi
	"$SS" --fingerprint-key "$KEY" "$q" > "$TMP/out" 2> "$TMP/err"
	rc=$?
	if [ "$rc" = 0 ] && [ ! -s "$TMP/out" ] && [ ! -s "$TMP/err" ]; then
		t_ok "$t: no false alarm in $(wc -l < "$q") negative records"
	else
		t_fail "$t" "negative: exit $rc"
		cut -f2,4,8,9 "$TMP/out" | head -5 | sed 's/^/    /'
		head -3 "$TMP/err" | sed 's/^/    /'
	fi
done < "$TMP/types"
for f in "$TYPES"/*.pos.jsonl "$TYPES"/*.neg.jsonl; do
	t=$(basename "$f" | sed 's/\.[a-z]*\.jsonl$//')
	grep -qx "$t" "$TMP/types" || t_fail "$(basename "$f")" "fixtures of a type that is not loaded"
done

# ---- 2. the prefilter and -j change nothing ----
set --
for f in tests/secrets/types/*.jsonl tests/secrets/cli/* samples tests/framings; do
	[ -e "$f" ] && set -- "$@" "$f"
done
find tests/findings -type f -name '*.jsonl' | sort > "$TMP/fixtures"
while read -r f; do
	set -- "$@" "$f"
done < "$TMP/fixtures"
if ${CC:-cc} -O2 -o "$TMP/gen" tests/bench/gen.c -lz 2>/dev/null; then
	"$TMP/gen" eks -s 5 -n 3000 > "$TMP/eks.jsonl" &&
	"$TMP/gen" cloudtrail -s 5 -d "$TMP/ct" -f 4 -r 50 &&
	set -- "$@" "$TMP/eks.jsonl" "$TMP/ct"
else
	t_skip "generated corpus" "cannot build tests/bench/gen.c"
fi
for q in "" "--json" "--summary" "--format sarif"; do
	"$SS" --fingerprint-key "$KEY" $q "$@" > "$TMP/out1" 2> "$TMP/err1"
	rc1=$?
	"$SS" --fingerprint-key "$KEY" --no-prefilter $q "$@" > "$TMP/out2" 2> "$TMP/err2"
	rc2=$?
	if cmp -s "$TMP/out1" "$TMP/out2" && cmp -s "$TMP/err1" "$TMP/err2" && [ "$rc1" = "$rc2" ] && [ -s "$TMP/out1" ]; then
		t_ok "prefilter on = off${q:+ ($q)}: $(wc -l < "$TMP/out1") lines, exit $rc1"
	else
		t_fail "prefilter on != off${q:+ ($q)}" "exit $rc1 with, $rc2 without"
		t_diff "$TMP/out2" "$TMP/out1"
		t_diff "$TMP/err2" "$TMP/err1"
	fi
done
"$SS" --fingerprint-key "$KEY" -j 1 "$@" > "$TMP/out1" 2> "$TMP/err1"
rc1=$?
"$SS" --fingerprint-key "$KEY" -j 4 "$@" > "$TMP/out2" 2> "$TMP/err2"
rc2=$?
if cmp -s "$TMP/out1" "$TMP/out2" && cmp -s "$TMP/err1" "$TMP/err2" && [ "$rc1" = "$rc2" ]; then
	t_ok "-j 1 = -j 4"
else
	t_fail "-j 1 != -j 4" "exit $rc1 / $rc2"
	t_diff "$TMP/out1" "$TMP/out2"
fi

# ---- 3. the default fingerprint key ----
in=$TMP/evidence
mkdir -p "$in" "$TMP/home"
cp tests/secrets/types/github-token.pos.jsonl "$in/audit.jsonl"
run() { # env assignments, then arguments
	env -u XDG_CONFIG_HOME -u K8SAUDIT_FINGERPRINT_KEY HOME="$TMP/home" "$@"
}
run "$SS" "$in/audit.jsonl" > "$TMP/k1" 2> "$TMP/k1.err"
rc=$?
kf=$TMP/home/.config/k8saudit/fingerprint.key
mode=$(stat -c %a "$kf" 2>/dev/null)
if [ "$rc" = 1 ] && [ "$mode" = 600 ] && grep -qE '^[0-9a-f]{64}$' "$kf" &&
	grep -q "created the fingerprint key $kf" "$TMP/k1.err" && [ "$(wc -l < "$TMP/k1.err")" = 1 ]; then
	t_ok "default key created, mode 0600, announced"
else
	t_fail "default key" "exit $rc, mode $mode: $(head -c 200 "$TMP/k1.err")"
fi
run "$SS" "$in/audit.jsonl" > "$TMP/k2" 2> "$TMP/k2.err"
if cmp -s "$TMP/k1" "$TMP/k2" && [ ! -s "$TMP/k2.err" ]; then
	t_ok "default key used again: same fingerprints, no message"
else
	t_fail "default key used again" "output or messages differ"
fi
if [ "$(ls "$in")" = "audit.jsonl" ]; then
	t_ok "nothing written beside the evidence"
else
	t_fail "evidence directory" "holds $(ls "$in" | tr '\n' ' ')"
fi
"$SS" --fingerprint-key "$kf" "$in/audit.jsonl" > "$TMP/k3" 2>&1
"$SS" --fingerprint-key "$KEY" "$in/audit.jsonl" > "$TMP/k4" 2>&1
if cmp -s "$TMP/k1" "$TMP/k3" && ! cmp -s "$TMP/k1" "$TMP/k4" &&
	[ "$(cut -f5 "$TMP/k1")" != "$(cut -f5 "$TMP/k4")" ]; then
	t_ok "--fingerprint-key: the same key, the same fingerprints; another key, others"
else
	t_fail "--fingerprint-key" "fingerprints do not follow the key"
fi
run env K8SAUDIT_FINGERPRINT_KEY="$TMP/case2/fp.key" "$SS" "$in/audit.jsonl" > /dev/null 2> "$TMP/k5.err"
if [ -f "$TMP/case2/fp.key" ] && grep -q "created the fingerprint key $TMP/case2/fp.key" "$TMP/k5.err"; then
	t_ok "\$K8SAUDIT_FINGERPRINT_KEY names the key file"
else
	t_fail "\$K8SAUDIT_FINGERPRINT_KEY" "$(head -c 200 "$TMP/k5.err")"
fi
printf 'short\n' > "$TMP/short.key"
for k in "$TMP/short.key" "$TMP/missing.key"; do
	"$SS" --fingerprint-key "$k" "$in/audit.jsonl" > "$TMP/k6" 2> "$TMP/k6.err"
	rc=$?
	if [ "$rc" = 2 ] && [ ! -s "$TMP/k6" ] && grep -q "secret-scan: $k: " "$TMP/k6.err"; then
		t_ok "bad key file $(basename "$k"): exit 2, nothing scanned"
	else
		t_fail "bad key file $(basename "$k")" "exit $rc: $(head -c 200 "$TMP/k6.err")"
	fi
done
t_done
