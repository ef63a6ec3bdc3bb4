#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# The SigmaHQ rules for Kubernetes audit and CloudTrail in
# ../shared/datasets/sigma (never copied here): every one loads, and each
# fires on a record generated from it (tests/sigma-gen.py: values in the
# other case, wildcards and modifiers applied) and not on its near miss,
# with and without the prefilter.  All rules run together over all the
# generated records, as a hunt would: each rule's finding must come from
# its own hit record, and none from its own near miss.  Skipped when the
# dataset, or python3 with its yaml module, is absent.
#
# Last line: "N passed, N failed, N skipped"; exit 1 when something failed.

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
FINDINGS=$top_builddir/k8saudit-findings
D=${K8SAUDIT_DATASETS:-$top_srcdir/../shared/datasets}/sigma

if [ ! -d "$D" ]; then
	t_skip sigma-hq "no SigmaHQ rules in $D"
	t_done
fi
if ! python3 -c 'import yaml' 2>/dev/null; then
	t_skip sigma-hq "python3 with its yaml module is needed to generate records"
	t_done
fi

# every rule loads: none skipped, none unsupported
nrules=$(find "$D" -name '*.yml' | wc -l | tr -d ' ')
"$FINDINGS" --no-builtin --strict --sigma "$D" --list-rules >"$TMP/list" 2>"$TMP/err"
rc=$?
got=$(wc -l <"$TMP/list" | tr -d ' ')
if [ "$rc" -eq 0 ] && [ "$got" -eq "$nrules" ] && [ ! -s "$TMP/err" ]; then
	t_ok "all $nrules rules load"
else
	t_fail "all rules load" "exit $rc, $got of $nrules listed; $(head -c 400 "$TMP/err")"
fi

mkdir -p "$TMP/rec"
find "$D" -name '*.yml' | sort | xargs python3 "$top_srcdir/tests/sigma-gen.py" "$TMP/rec" >"$TMP/ids" 2>"$TMP/gerr" ||
	t_fail "records generated" "$(head -c 600 "$TMP/gerr")"
for pf in "" --no-prefilter; do
	"$FINDINGS" --no-builtin $pf --sigma "$D" --json "$TMP/rec"/*.hit.jsonl >"$TMP/hit$pf" 2>"$TMP/err"
	[ -s "$TMP/err" ] && t_fail "hits$pf" "$(head -c 400 "$TMP/err")"
	"$FINDINGS" --no-builtin $pf --sigma "$D" --json "$TMP/rec"/*.miss.jsonl >"$TMP/miss$pf" 2>"$TMP/err"
	[ -s "$TMP/err" ] && t_fail "near misses$pf" "$(head -c 400 "$TMP/err")"
done
while read -r id n; do
	bad=
	for pf in "" --no-prefilter; do
		grep -F "\"rule\":\"$id\"" "$TMP/hit$pf" | grep -qF "/$n.hit.jsonl\"" || bad="$bad; no finding on its record$pf"
		! grep -F "\"rule\":\"$id\"" "$TMP/miss$pf" | grep -qF "/$n.miss.jsonl\"" || bad="$bad; a finding on its near miss$pf"
	done
	# the hunt with one rule: k8saudit-grep --sigma
	[ "$("$GREP" -c --sigma "$D/"*/"$n.yml" "$TMP/rec/$n.hit.jsonl" 2>&1)" = 1 ] || bad="$bad; grep --sigma hit"
	[ "$("$GREP" -c --sigma "$D/"*/"$n.yml" "$TMP/rec/$n.miss.jsonl" 2>&1)" = 0 ] || bad="$bad; grep --sigma near miss"
	if [ -z "$bad" ]; then
		t_ok "$n"
	else
		t_fail "$n" "${bad#; }"
	fi
done <"$TMP/ids"
t_done
