#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# Sigma rules (k8saudit-findings --sigma, k8saudit-grep --sigma): each of
# the project's own rules under tests/sigma/ exercises one modifier or
# condition form (or one correlation type) and comes with records that
# must fire it (NAME.hit.jsonl) and near misses that must not
# (NAME.miss.jsonl).  A detection rule fires once per hit record, the
# same with and without the prefilter, and k8saudit-grep --sigma selects
# exactly the hit records; a correlation fires on the hits and never on
# the misses.
#
# Last line: "N passed, N failed, N skipped"; exit 1 when something failed.

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
FINDINGS=$top_builddir/k8saudit-findings
S=$top_srcdir/tests/sigma

for y in "$S"/*.yml; do
	n=$(basename "$y" .yml)
	hit=$S/$n.hit.jsonl miss=$S/$n.miss.jsonl
	if grep -q '^correlation:' "$y"; then
		id=$(sed -n '/^---$/h; /^id: /{s/^id: //;h}; ${x;p}' "$y" | tail -1)
		id=$(grep '^id: ' "$y" | tail -1 | sed 's/^id: //')
		"$FINDINGS" --no-builtin --sigma "$y" --json "$hit" >"$TMP/out" 2>"$TMP/err"
		rc=$?
		got=$(grep -c "\"rule\":\"$id\"" "$TMP/out")
		if [ "$rc" -eq 1 ] && [ "$got" -ge 1 ] && [ ! -s "$TMP/err" ]; then
			t_ok "$n hit"
		else
			t_fail "$n hit" "exit $rc, $got findings of $id; $(head -c 300 "$TMP/err")"
		fi
		"$FINDINGS" --no-builtin --sigma "$y" --json "$miss" >"$TMP/out" 2>"$TMP/err"
		rc=$?
		got=$(grep -c "\"rule\":\"$id\"" "$TMP/out")
		if [ "$rc" -le 1 ] && [ "$got" -eq 0 ] && [ ! -s "$TMP/err" ]; then
			t_ok "$n near miss"
		else
			t_fail "$n near miss" "exit $rc, $got findings of $id; $(head -c 300 "$TMP/err")"
		fi
		continue
	fi
	id=$(grep '^id: ' "$y" | sed 's/^id: //')
	want=$(wc -l <"$hit" | tr -d ' ')
	for pf in "" --no-prefilter; do
		"$FINDINGS" --no-builtin $pf --sigma "$y" --json "$hit" >"$TMP/out" 2>"$TMP/err"
		rc=$?
		got=$(grep -c "\"rule\":\"$id\"" "$TMP/out")
		all=$(wc -l <"$TMP/out" | tr -d ' ')
		if [ "$rc" -eq 1 ] && [ "$got" -eq "$want" ] && [ "$all" -eq "$want" ] && [ ! -s "$TMP/err" ]; then
			t_ok "$n hit $pf"
		else
			t_fail "$n hit $pf" "exit $rc, $got of $want findings; $(head -c 300 "$TMP/err")"
		fi
		"$FINDINGS" --no-builtin $pf --sigma "$y" --json "$miss" >"$TMP/out" 2>"$TMP/err"
		rc=$?
		if [ "$rc" -eq 0 ] && [ ! -s "$TMP/out" ] && [ ! -s "$TMP/err" ]; then
			t_ok "$n near miss $pf"
		else
			t_fail "$n near miss $pf" "exit $rc: $(head -c 300 "$TMP/out") $(head -c 300 "$TMP/err")"
		fi
	done
	got=$("$GREP" -h -c --sigma "$y" "$hit" 2>"$TMP/err")
	if [ "$got" = "$want" ] && [ ! -s "$TMP/err" ]; then
		t_ok "$n grep hit"
	else
		t_fail "$n grep hit" "$got of $want records; $(head -c 300 "$TMP/err")"
	fi
	got=$("$GREP" -h -c --sigma "$y" "$miss" 2>"$TMP/err")
	if [ "$got" = 0 ] && [ ! -s "$TMP/err" ]; then
		t_ok "$n grep near miss"
	else
		t_fail "$n grep near miss" "$got records; $(head -c 300 "$TMP/err")"
	fi
done
t_done
