#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# score.sh: how well a secret-scan --json output finds the planted secrets
# of a labelled corpus (tests/secrets/gen.c, README beside this file).
#
#   score.sh [-r MIN_RECALL] [-p MIN_PRECISION] [-l MAX_LISTED] CORPUS OUTPUT
#
# CORPUS is the generator's directory: labels.tsv (required), and
# negatives.tsv, neutral.tsv and summary.txt when present; or a labels file
# of its own (such as a sample's EXPECTED).  In labels files, blank lines
# and lines starting with # are comments.  OUTPUT holds secret-scan's
# occurrences, one JSON object a line.
#
# A plant is found when an occurrence has its event_id, pointer and type.
# Occurrences at a neutral place (the key id beside an AWS secret, the id
# half of a bootstrap token...) count neither way and are left out.
#   occurrence precision    matched occurrences / occurrences
#   unique-secret precision occurrences grouped by fingerprint; a fingerprint
#                           is right when any of its occurrences matched
# Prints recall by type, position and encoding, overall recall, both
# precisions, false alarms per million records (when summary.txt tells the
# number of records), the false alarms (marked when they hit a hard
# negative) and the misses, at most MAX_LISTED of each (default 100, 0 for
# all).  Exit status: 0 when overall recall >= MIN_RECALL (default 97) and
# both precisions >= MIN_PRECISION (default 95), in percent; 1 when not;
# 2 on bad input.  With no labels (a benign corpus) recall is not judged.
#
# Needs jq and awk.
set -u
LC_ALL=C
export LC_ALL

min_recall=97
min_precision=95
max_listed=100
usage() {
	echo "usage: score.sh [-r MIN_RECALL] [-p MIN_PRECISION] [-l MAX_LISTED] CORPUS OUTPUT" >&2
	exit 2
}
number() {
	case $1 in
	'' | *[!0-9.]* | *.*.*) usage ;;
	esac
}
while getopts r:p:l: opt; do
	case $opt in
	r) number "$OPTARG"; min_recall=$OPTARG ;;
	p) number "$OPTARG"; min_precision=$OPTARG ;;
	l) number "$OPTARG"; max_listed=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -eq 2 ] || usage
corpus=$1 output=$2
die() {
	echo "score.sh: $*" >&2
	exit 2
}
if [ -d "$corpus" ]; then
	labels=$corpus/labels.tsv
else
	labels=$corpus
	corpus=/nonexistent
fi
[ -r "$labels" ] || die "$labels: cannot read"
[ -r "$output" ] || die "$output: cannot read"
command -v jq >/dev/null 2>&1 || die "jq is needed"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/score.XXXXXX") || die "cannot make a scratch directory"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 2' HUP INT TERM

# The occurrences, one TSV line each; every one must have what the
# matching needs.
if ! jq -r 'if type != "object" then error("not an object")
	    else [.event_id, .pointer, .type, .fingerprint] as $k
	    | if ($k | map(type == "string" and length > 0) | all) then $k | @tsv
	      else error("an occurrence without event_id, pointer, type or fingerprint: \(tojson)") end end' \
	"$output" >"$tmp/occ" 2>"$tmp/jq.err"; then
	die "$output: $(head -c 300 "$tmp/jq.err")"
fi
touch "$tmp/neg" "$tmp/neu"
[ -r "$corpus/negatives.tsv" ] && cp "$corpus/negatives.tsv" "$tmp/neg"
[ -r "$corpus/neutral.tsv" ] && cp "$corpus/neutral.tsv" "$tmp/neu"
records=
[ -r "$corpus/summary.txt" ] && records=$(sed -n 's/^records \([0-9][0-9]*\).*/\1/p' "$corpus/summary.txt")

awk -F '\t' -v tmp="$tmp" -v records="$records" '
function pct(a, b) { return b ? sprintf("%5.1f%%", 100 * a / b) : "   n/a" }
FILENAME == ARGV[1] && ($0 == "" || $0 ~ /^#/) { next }
FILENAME == ARGV[1] {
	if (NF != 5 || $1 == "" || $2 == "" || $3 == "") {
		printf "score.sh: %s:%d: not event_id, pointer, type, position, encoding\n", FILENAME, FNR > "/dev/stderr"
		bad = 1; exit 2
	}
	k = $1 SUBSEP $2 SUBSEP $3
	if (k in lab) {
		printf "score.sh: %s:%d: the same plant twice\n", FILENAME, FNR > "/dev/stderr"
		bad = 1; exit 2
	}
	lab[k] = $4 "\t" $5
	labelled[$1 SUBSEP $2] = $3
	nl++; tt[$3]++; tp[$4]++; te[$5]++
	next
}
FILENAME == ARGV[2] { neg[$1 SUBSEP $2] = $3; next }
FILENAME == ARGV[3] { neu[$1 SUBSEP $2] = $3; next }
{
	if (($1 SUBSEP $2) in neu && !(($1 SUBSEP $2 SUBSEP $3) in lab)) { nneutral++; next }
	nocc++
	fp[$4] = 1
	k = $1 SUBSEP $2 SUBSEP $3
	if (k in lab) {
		matched++
		good[$4] = 1
		if (!(k in found)) {
			found[k] = 1
			split(lab[k], pe, "\t")
			ft[$3]++; fpos[pe[1]]++; fe[pe[2]]++; nf++
		}
	} else {
		why = ""
		if (($1 SUBSEP $2) in neg)
			why = "hard negative: " neg[$1 SUBSEP $2]
		else if (($1 SUBSEP $2) in labelled)
			why = "the plant there is " labelled[$1 SUBSEP $2]
		printf "%s\t%s\t%s\t%s\n", $3, $1, $2, why > (tmp "/fa")
		nfa++
		if (why ~ /^hard negative/) nfaneg++
	}
}
END {
	if (bad) exit 2
	for (k in lab)
		if (!(k in found)) {
			split(k, f, SUBSEP)
			split(lab[k], pe, "\t")
			printf "%s\t%s\t%s\t%s\t%s\n", f[3], pe[1], pe[2], f[1], f[2] > (tmp "/miss")
		}
	for (t in tt) printf "%s\t%d\t%d\n", t, ft[t], tt[t] > (tmp "/by_type")
	for (t in tp) printf "%s\t%d\t%d\n", t, fpos[t], tp[t] > (tmp "/by_pos")
	for (t in te) printf "%s\t%d\t%d\n", t, fe[t], te[t] > (tmp "/by_enc")
	nfp = 0; ngood = 0
	for (g in fp) { nfp++; if (g in good) ngood++ }
	printf "%d %d %d %d %d %d %d %d %d\n", nl, nf, nocc, matched, nfp, ngood, nfa, nfaneg, nneutral > (tmp "/totals")
}' "$labels" "$tmp/neg" "$tmp/neu" "$tmp/occ" || exit 2
touch "$tmp/fa" "$tmp/miss" "$tmp/by_type" "$tmp/by_pos" "$tmp/by_enc"
read -r nl nf nocc matched nfp ngood nfa nfaneg nneutral <"$tmp/totals" || die "internal error"

# table TITLE FILE: name, found, planted, recall; sorted by name
table() {
	[ -s "$2" ] || return 0
	echo "recall by $1:"
	sort "$2" | awk -F '\t' '{ printf "  %-28s %5d / %-5d %s\n", $1, $2, $3, $3 ? sprintf("%5.1f%%", 100 * $2 / $3) : "n/a" }'
}
# listed FILE TITLE: at most max_listed lines, sorted
listed() {
	n=$(wc -l <"$1")
	echo "$2 ($n):"
	if [ "$max_listed" -gt 0 ] && [ "$n" -gt "$max_listed" ]; then
		sort "$1" | head -n "$max_listed" | sed 's/^/  /'
		echo "  ... and $((n - max_listed)) more"
	else
		sort "$1" | sed 's/^/  /'
	fi
}
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f%% (%d/%d)", 100 * a / b, a, b; else printf "n/a (0/0)" }'
}
# at_least A B MIN: A/B >= MIN percent (true when B is 0)
at_least() {
	awk -v a="$1" -v b="$2" -v m="$3" 'BEGIN { exit !(b == 0 || 100 * a >= m * b) }'
}

table type "$tmp/by_type"
table position "$tmp/by_pos"
table encoding "$tmp/by_enc"
echo "overall recall:           $(ratio "$nf" "$nl")"
echo "occurrence precision:     $(ratio "$matched" "$nocc")"
echo "unique-secret precision:  $(ratio "$ngood" "$nfp")"
if [ -n "$records" ] && [ "$records" -gt 0 ]; then
	awk -v a="$nfa" -v r="$records" 'BEGIN { printf "false alarms per million records: %.1f (%d in %d records)\n", 1e6 * a / r, a, r }'
fi
[ "$nneutral" -gt 0 ] && echo "occurrences at neutral places, not counted: $nneutral"
echo "false alarms on hard negatives: $nfaneg"
listed "$tmp/fa" "false alarms (type, event_id, pointer, why)"
listed "$tmp/miss" "misses (type, position, encoding, event_id, pointer)"

verdict=0
if [ "$nl" -gt 0 ] && ! at_least "$nf" "$nl" "$min_recall"; then
	echo "FAIL: overall recall below $min_recall%"
	verdict=1
fi
if ! at_least "$matched" "$nocc" "$min_precision"; then
	echo "FAIL: occurrence precision below $min_precision%"
	verdict=1
fi
if ! at_least "$ngood" "$nfp" "$min_precision"; then
	echo "FAIL: unique-secret precision below $min_precision%"
	verdict=1
fi
[ $verdict = 0 ] && echo "PASS: recall >= $min_recall%, precision >= $min_precision%"
exit $verdict
