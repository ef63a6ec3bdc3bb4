#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# score.sh [-H] DIR [FINDINGS]
#
# Scores k8saudit-findings on an incident written by tests/incident/gen:
# the attack events of DIR/labels.tsv, how many are raised at all and at
# high or critical, and the routine events (neither in labels.tsv nor in
# context.tsv) raised at high or critical, by rule.  FINDINGS is the
# output of `k8saudit-findings --json DIR/input`; without it the
# findings are run here ($FINDINGS_BIN, else $top_builddir/k8saudit-findings,
# else k8saudit-findings on PATH; the catalog from K8SAUDIT_RULES_DIR;
# options from $FINDINGS_ARGS, e.g. "--aws-ip-ranges ip-ranges.json").
#
# The target (issue 13): no more routine events at high or critical than
# there are attack events, and every attack event raised.  "Raised" means
# a finding at any severity on the event: the issue asks that tuning
# keep every attack visible, not that each stays high; a responder who
# reads down from critical meets the downgraded ones after the highs, and
# this prints them.  With -H an attack event counts as raised only at high
# or critical.
#
# Exit status: 0 the target holds, 1 it does not, 2 bad input or a failed run.
set -u

usage() {
	echo "usage: score.sh [-H] DIR [FINDINGS]" >&2
	exit 2
}

strict=0
while getopts H opt; do
	case $opt in
	H) strict=1 ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] && [ $# -le 2 ] || usage
dir=$1
for f in labels.tsv context.tsv summary.txt; do
	[ -f "$dir/$f" ] || { echo "score.sh: $dir/$f: no such file" >&2; exit 2; }
done
command -v jq >/dev/null || { echo "score.sh: jq is needed" >&2; exit 2; }

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT INT TERM

if [ $# -eq 2 ]; then
	findings=$2
else
	bin=${FINDINGS_BIN:-}
	if [ -z "$bin" ]; then
		if [ -n "${top_builddir:-}" ] && [ -x "$top_builddir/k8saudit-findings" ]; then
			bin=$top_builddir/k8saudit-findings
		else
			bin=k8saudit-findings
		fi
	fi
	findings=$tmp/findings.jsonl
	# shellcheck disable=SC2086
	"$bin" --json ${FINDINGS_ARGS:-} "$dir/input" >"$findings" 2>"$tmp/stderr"
	rc=$?
	# 0: no finding, 1: findings; anything else is a failed run
	if [ $rc -gt 1 ]; then
		echo "score.sh: $bin failed ($rc):" >&2
		cat "$tmp/stderr" >&2
		exit 2
	fi
fi
[ -r "$findings" ] || { echo "score.sh: $findings: cannot read" >&2; exit 2; }

# one line per (event, rule): event_id, rank (info 0 .. critical 4),
# rule, whether the finding shows an exec's command line, actor
if ! jq -r '
	def rank: {"info":0,"low":1,"medium":2,"high":3,"critical":4}[.] // error("unknown severity \(.)");
	[(.event_id | strings // error("a finding without event_id")), (.severity | rank), .rule,
	 (if (.evidence.command // "") != "" then 1 else 0 end),
	 ((.actor.name // .actor.arn // "-") | gsub("[\t\n]"; " "))] | @tsv' "$findings" >"$tmp/hits" 2>"$tmp/jqerr"; then
	echo "score.sh: $findings: not k8saudit-findings --json output:" >&2
	cat "$tmp/jqerr" >&2
	exit 2
fi

records=$(sed -n 's/^records \([0-9]*\):.*/\1/p' "$dir/summary.txt")
[ -n "$records" ] || { echo "score.sh: $dir/summary.txt: no record count" >&2; exit 2; }

awk -F '\t' -v strict="$strict" -v records="$records" '
function sev(r) { return r == 4 ? "critical" : r == 3 ? "high" : r == 2 ? "medium" : r == 1 ? "low" : "info" }
FILENAME == ARGV[1] { attack[$1] = $2 "\t" $3; order[++na] = $1; next }
FILENAME == ARGV[2] { context[$1] = 1; next }
{
	id = $1
	if (!(id in best) || $2 > best[id])
		best[id] = $2
	rules[id] = rules[id] (rules[id] == "" ? "" : ",") $3 ":" sev($2)
	if ($4)
		cmd[id] = 1
	if ($2 >= 3 && !(id in attack) && !(id in context)) {
		key = id SUBSEP $3
		if (!(key in seen)) {
			seen[key] = 1
			byrule[$3]++
			actor[$3, $5]++
		}
	}
}
END {
	raised = hc = 0
	for (i = 1; i <= na; i++) {
		id = order[i]
		if (id in best) {
			raised++
			if (best[id] >= 3)
				hc++
		}
	}
	routine = records - na - length(context)
	rhc = rany = 0
	for (id in best)
		if (!(id in attack) && !(id in context)) {
			rany++
			if (best[id] >= 3)
				rhc++
		}
	printf "attack events                %d\n", na
	printf "  raised at any severity     %d\n", raised
	printf "  raised at high/critical    %d\n", hc
	printf "routine events               %d\n", routine
	printf "  raised at any severity     %d\n", rany
	printf "  raised at high/critical    %d\n", rhc
	printf "ratio routine high/critical per attack event   %.2f\n", na ? rhc / na : 0
	print ""
	print "routine events at high/critical, by rule (an event counts once per rule):"
	n = 0
	for (r in byrule)
		rl[++n] = r
	# most events first, then by rule id
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && (byrule[rl[j - 1]] < byrule[rl[j]] ||
		    (byrule[rl[j - 1]] == byrule[rl[j]] && rl[j - 1] > rl[j])); j--) {
			t = rl[j]; rl[j] = rl[j - 1]; rl[j - 1] = t
		}
	for (i = 1; i <= n; i++) {
		top = ""; tn = 0
		for (k in actor) {
			split(k, p, SUBSEP)
			if (p[1] == rl[i] && (actor[k] > tn || (actor[k] == tn && p[2] < top))) {
				tn = actor[k]; top = p[2]
			}
		}
		printf "%7d  %-15s most from %s (%d)\n", byrule[rl[i]], rl[i], top, tn
	}
	if (n == 0)
		print "  none"
	print ""
	print "attack events not raised:"
	m = 0
	for (i = 1; i <= na; i++)
		if (!(order[i] in best)) {
			printf "  %s\t%s\n", order[i], attack[order[i]]
			m++
		}
	if (m == 0)
		print "  none"
	print "attack events raised below high:"
	m = 0
	for (i = 1; i <= na; i++)
		if ((order[i] in best) && best[order[i]] < 3) {
			printf "  %s\t%s\t%s\n", order[i], attack[order[i]], rules[order[i]]
			m++
		}
	if (m == 0)
		print "  none"
	print "exec attack events whose findings do not show the command line:"
	m = 0
	for (i = 1; i <= na; i++) {
		split(attack[order[i]], a, "\t")
		if (a[2] ~ /^exec/ && (order[i] in best) && !(order[i] in cmd)) {
			printf "  %s\t%s\n", order[i], attack[order[i]]
			m++
		}
	}
	if (m == 0)
		print "  none"
	print ""
	ok = rhc <= na && (strict ? hc : raised) == na
	printf "target (routine high/critical <= attack events, every attack event raised%s): %s\n",
		strict ? " at high/critical" : "", ok ? "holds" : "does not hold"
	exit ok ? 0 : 1
}' "$dir/labels.tsv" "$dir/context.tsv" "$tmp/hits"
