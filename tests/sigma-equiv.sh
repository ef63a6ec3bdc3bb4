#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# The same logic as a catalog rule and as a Sigma rule gives the same
# findings: each tests/sigma/equiv/ID.yml restates catalog rule ID in
# Sigma, and both run over the samples, the rule fixtures
# (tests/findings) and the public datasets when present; the findings'
# time, actor, addresses, action and location must agree, and there must
# be some.
#
# Last line: "N passed, N failed, N skipped"; exit 1 when something failed.

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
FINDINGS=$top_builddir/k8saudit-findings
D=${K8SAUDIT_DATASETS:-$top_srcdir/../shared/datasets}
set -- "$top_srcdir/samples" "$top_srcdir/tests/findings"
[ -d "$D" ] && set -- "$@" "$D"

for y in "$top_srcdir"/tests/sigma/equiv/*.yml; do
	id=$(basename "$y" .yml)
	"$FINDINGS" -s --rule "$id" "$@" 2>"$TMP/err" | cut -f1,6-9 | sort >"$TMP/catalog"
	"$FINDINGS" -s --no-builtin --sigma "$y" "$@" 2>>"$TMP/err" | cut -f1,6-9 | sort >"$TMP/sigma"
	n=$(wc -l <"$TMP/catalog" | tr -d ' ')
	if [ -s "$TMP/err" ]; then
		t_fail "$id" "$(head -c 300 "$TMP/err")"
	elif [ "$n" -eq 0 ]; then
		t_fail "$id" "no finding to compare"
	elif cmp -s "$TMP/catalog" "$TMP/sigma"; then
		t_ok "$id ($n findings)"
	else
		t_fail "$id" "differs:"
		t_diff "$TMP/catalog" "$TMP/sigma"
	fi
done
t_done
