#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# k8saudit-grep --state and --output over a tree that grows
# (k8saudit-state(5)): incremental runs print exactly the records one run
# over the whole tree prints, each once, in every output mode; an object
# that grows (a CloudWatch export appended to) prints only its new
# records; a rerun prints nothing; a bad state, or --state-reset without
# --state, is exit 2.  Last line: "N passed, N failed, N skipped".
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

G=$top_builddir/k8saudit-grep
TREE=$TMP/tree S=$TMP/s.k8a OUT=$TMP/out
gzip -dc "$top_srcdir"/samples/con318/eks-audit/exportedlogs/*/*/*.gz >"$TMP/eks.txt" || exit 99
n=$(wc -l <"$TMP/eks.txt")
third=$((n / 3))

# step N: what a sync brings; step 3 also appends to step 1's object
step() {
	mkdir -p "$TREE/$1"
	case $1 in
	1) sed -n "1,${third}p" "$TMP/eks.txt" >"$TREE/1/a.jsonl" ;;
	2) sed -n "$((third + 1)),$((2 * third))p" "$TMP/eks.txt" | gzip >"$TREE/2/b.jsonl.gz" ;;
	3) sed -n "$((2 * third + 1)),\$p" "$TMP/eks.txt" >"$TREE/3/c.jsonl" &&
		sed -n "$((2 * third + 1)),$((2 * third + 40))p" "$TMP/eks.txt" |
		sed 's/"auditID":"/"auditID":"grown-/' >>"$TREE/1/a.jsonl" ;;
	esac
}

# incremental MODE ARGS: three steps with --state into $OUT, against one
# run over the grown tree
incremental() {
	i_name=$1
	shift
	rm -rf "$TREE" "$S" "$OUT"
	for k in 1 2 3; do
		step $k
		"$G" --state "$S" --output "$OUT" "$@" "$TREE" 2>"$TMP/err"
		rc=$?
		[ $rc -le 1 ] || { t_fail "$i_name: step $k" "exit $rc: $(head -n 1 "$TMP/err")"; return; }
	done
	"$G" "$@" "$TREE" >"$TMP/full" 2>"$TMP/err.full"
	# the grown object's new records come in step 3's output, after
	# the first ones: compare as sets of lines
	sort "$TMP/full" >"$TMP/full.s"
	sort "$OUT" >"$TMP/out.s"
	if [ -s "$TMP/full" ] && cmp -s "$TMP/full.s" "$TMP/out.s" && [ "$(wc -l <"$OUT")" = "$(wc -l <"$TMP/full")" ]; then
		t_ok "$i_name: three incremental runs print what one run prints, each once ($(wc -l <"$OUT") lines)"
	else
		t_fail "$i_name: three incremental runs print what one run prints, each once"
		t_diff "$TMP/full.s" "$TMP/out.s"
	fi
}
incremental "records" -w 'verb in (create, patch, delete)'
incremental "json" --json -w 'user.username ^= system:serviceaccount'
incremental "fields" --fields time,verb,user,uri -w 'resource=secrets'
incremental "grown object" -w 'auditID ^= grown-'

# a rerun: nothing new, nothing printed
cp "$OUT" "$TMP/before"
"$G" --state "$S" --output "$OUT" -w 'auditID ^= grown-' "$TREE" 2>"$TMP/err"
rc=$?
if [ $rc = 1 ] && cmp -s "$OUT" "$TMP/before" && [ ! -s "$TMP/err" ]; then
	t_ok "a rerun with nothing new prints nothing (exit 1: no record selected)"
else
	t_fail "a rerun with nothing new prints nothing" "exit $rc: $(head -n 1 "$TMP/err")"
fi

# an object rewritten with the same records (touched, re-synced): nothing
sleep 1
cp "$TREE/1/a.jsonl" "$TMP/a" && cat "$TMP/a" >"$TREE/1/a.jsonl" && touch "$TREE/1/a.jsonl"
"$G" --state "$S" -c -h -w 'auditID ^= grown-' "$TREE" >"$TMP/c" 2>"$TMP/err"
rc=$?
if [ $rc = 1 ] && [ "$(awk '{ s += $1 } END { print s }' "$TMP/c")" = 0 ] && [ ! -s "$TMP/err" ]; then
	t_ok "an object rewritten with the same records selects none of them again"
else
	t_fail "an object rewritten with the same records selects none of them again" "exit $rc, $(cat "$TMP/c")"
fi

# --state-reset: all again
"$G" -c -h -w 'auditID ^= grown-' "$TREE" >"$TMP/want"
"$G" --state "$S" --state-reset -c -h -w 'auditID ^= grown-' "$TREE" >"$TMP/c" 2>"$TMP/err"
if [ "$(awk '{ s += $1 } END { print s }' "$TMP/c")" -gt 0 ] && cmp -s "$TMP/c" "$TMP/want"; then
	t_ok "--state-reset forgets what earlier runs printed"
else
	t_fail "--state-reset forgets what earlier runs printed" "$(cat "$TMP/c"): $(head -n 1 "$TMP/err")"
fi

# bad states and usage: exit 2, a message
echo garbage >"$TMP/garbage"
"$top_builddir/secret-scan" --fingerprint-key "$top_srcdir/tests/secrets/case.key" --state "$TMP/ss.k8a" "$TREE" >/dev/null 2>&1
for c in "--state $TMP/garbage $TREE:garbage: truncated" \
	"--state $TMP/ss.k8a $TREE:a state of secret-scan, not of grep" \
	"--state-reset $TREE:--state-reset: only with --state" \
	"--state $S -q $TREE:--state and -q cannot be combined"; do
	# shellcheck disable=SC2086
	"$G" ${c%%:*} >"$TMP/o" 2>"$TMP/err"
	rc=$?
	if [ $rc = 2 ] && [ ! -s "$TMP/o" ] && grep -qF -- "${c#*:}" "$TMP/err"; then
		t_ok "error: ${c#*:}"
	else
		t_fail "error: ${c#*:}" "exit $rc: $(head -n 1 "$TMP/err")"
	fi
done

t_done
