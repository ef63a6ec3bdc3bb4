#!/bin/sh
# The measuring stick for secret-scan (tests/secrets/README): the scorer's
# arithmetic on hand-made output with known recall and precision, and the
# corpus generator: the same seed gives the same bytes, every type of the
# contract is planted at every position that suits it, the labels are in
# the contract's format, and the k8saudit tools read the corpus without a
# message.  Last line: "N passed, N failed, N skipped".
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

GEN=$top_builddir/tests/secrets/gen
SCORE=$top_srcdir/tests/secrets/score.sh
FIX=$top_srcdir/tests/secrets/fixture

# ---- the scorer ----
# score NAME WANT_RC [ARGS...]: runs the scorer, output in $TMP/NAME.{out,err}
score() {
	s_name=$1 s_want=$2
	shift 2
	sh "$SCORE" "$@" >"$TMP/$s_name.out" 2>"$TMP/$s_name.err"
	s_rc=$?
	[ "$s_rc" = "$s_want" ]
}

if ! t_have jq; then
	t_skip "scorer" "jq is not installed"
else
	if score fail 1 "$FIX" "$FIX/scan-fail.jsonl" && cmp -s "$TMP/fail.out" "$FIX/scan-fail.out" && [ ! -s "$TMP/fail.err" ]; then
		t_ok "scorer: 7 of 10 found, 8 of 11 occurrences and 6 of 9 fingerprints right, exit 1"
	else
		t_fail "scorer: failing fixture" "rc $s_rc"
		t_diff "$FIX/scan-fail.out" "$TMP/fail.out"
		sed 's/^/    /' "$TMP/fail.err"
	fi
	if score pass 0 "$FIX" "$FIX/scan-pass.jsonl" && cmp -s "$TMP/pass.out" "$FIX/scan-pass.out" && [ ! -s "$TMP/pass.err" ]; then
		t_ok "scorer: everything found, the neutral place left out, exit 0"
	else
		t_fail "scorer: passing fixture" "rc $s_rc"
		t_diff "$FIX/scan-pass.out" "$TMP/pass.out"
	fi
	# the thresholds at their edges: recall 70%, occurrence precision
	# 72.7%, unique-secret precision 66.67%
	if score edge 0 -r 70 -p 66.6 "$FIX" "$FIX/scan-fail.jsonl" &&
		tail -n 1 "$TMP/edge.out" | grep -qx 'PASS: recall >= 70%, precision >= 66.6%'; then
		t_ok "scorer: thresholds met exactly pass"
	else
		t_fail "scorer: thresholds met exactly" "rc $s_rc"
	fi
	if score recall 1 -r 70.1 -p 60 "$FIX" "$FIX/scan-fail.jsonl" &&
		[ "$(grep '^FAIL' "$TMP/recall.out")" = "FAIL: overall recall below 70.1%" ]; then
		t_ok "scorer: recall just below the threshold fails"
	else
		t_fail "scorer: recall just below the threshold" "rc $s_rc"
	fi
	if score unique 1 -r 70 -p 66.7 "$FIX" "$FIX/scan-fail.jsonl" &&
		[ "$(grep '^FAIL' "$TMP/unique.out")" = "FAIL: unique-secret precision below 66.7%" ]; then
		t_ok "scorer: unique-secret precision judged on its own"
	else
		t_fail "scorer: unique-secret precision" "rc $s_rc"
	fi
	if score listed 1 -l 1 "$FIX" "$FIX/scan-fail.jsonl" && grep -qx '  ... and 2 more' "$TMP/listed.out"; then
		t_ok "scorer: -l bounds the lists"
	else
		t_fail "scorer: -l"
	fi
	: >"$TMP/empty.jsonl"
	if score empty 1 "$FIX" "$TMP/empty.jsonl" && grep -qx 'overall recall:           0.0% (0/10)' "$TMP/empty.out" &&
		grep -qx 'occurrence precision:     n/a (0/0)' "$TMP/empty.out"; then
		t_ok "scorer: no output at all is 0% recall"
	else
		t_fail "scorer: empty output" "rc $s_rc"
	fi
	{ head -n 2 "$FIX/scan-fail.jsonl"; echo 'secret-scan: not JSON'; } >"$TMP/notjson.jsonl"
	if score notjson 2 "$FIX" "$TMP/notjson.jsonl" && grep -q '^score.sh: ' "$TMP/notjson.err"; then
		t_ok "scorer: a line that is not JSON is an error"
	else
		t_fail "scorer: a line that is not JSON" "rc $s_rc"
	fi
	head -n 1 "$FIX/scan-fail.jsonl" | jq -c 'del(.fingerprint)' >"$TMP/nofp.jsonl"
	if score nofp 2 "$FIX" "$TMP/nofp.jsonl" && grep -q 'without event_id, pointer, type or fingerprint' "$TMP/nofp.err"; then
		t_ok "scorer: an occurrence without a fingerprint is an error"
	else
		t_fail "scorer: an occurrence without a fingerprint" "rc $s_rc"
	fi
	{ echo '# a labels file of its own, with comments'; echo; cat "$FIX/labels.tsv"; } >"$TMP/labels-file"
	if score file 1 "$TMP/labels-file" "$FIX/scan-fail.jsonl" && grep -qx 'overall recall:           70.0% (7/10)' "$TMP/file.out" &&
		! grep -q 'neutral' "$TMP/file.out"; then
		t_ok "scorer: a labels file with comments instead of a corpus"
	else
		t_fail "scorer: a labels file" "rc $s_rc"
	fi
	mkdir -p "$TMP/badlabels"
	printf 'id\t/p\tjwt\ttoken-request\n' >"$TMP/badlabels/labels.tsv"
	if score badlabels 2 "$TMP/badlabels" "$TMP/empty.jsonl" && grep -q 'labels.tsv:1: not event_id' "$TMP/badlabels.err"; then
		t_ok "scorer: a label line of four fields is an error"
	else
		t_fail "scorer: a bad label line" "rc $s_rc"
	fi
fi

# ---- the generator ----
if [ ! -x "$GEN" ]; then
	t_fail "generator" "$GEN is not built"
	t_done
fi
"$GEN" -s 7 -p 1 -n 300 "$TMP/a" 2>"$TMP/a.err" && "$GEN" -s 7 -p 1 -n 300 "$TMP/b" 2>"$TMP/b.err" &&
	"$GEN" -s 8 -p 1 -n 300 "$TMP/c" 2>"$TMP/c.err"
rc=$?
if [ $rc = 0 ] && diff -r "$TMP/a" "$TMP/b" >/dev/null && ! cmp -s "$TMP/a/labels.tsv" "$TMP/c/labels.tsv"; then
	t_ok "generator: the same seed gives the same bytes, another seed other ones"
else
	t_fail "generator: determinism" "rc $rc"
	cat "$TMP/a.err" "$TMP/c.err" | head -5
fi

C=$TMP/corpus
if "$GEN" "$C" 2>"$TMP/gen.err" && [ ! -s "$TMP/gen.err" ]; then
	t_ok "generator: the default corpus, labels checked against the records"
else
	t_fail "generator: the default corpus"
	head -5 "$TMP/gen.err"
	t_done
fi

# the contract's type ids are the README's table
sed -n 's/^ *[0-9][0-9]* \([a-z0-9-]*\) .*/\1/p; s/^ *[0-9][0-9]* \([a-z0-9-]*\)$/\1/p' "$top_srcdir/tests/secrets/README" |
	sort -u >"$TMP/types.want"
cut -f 3 "$C/labels.tsv" | sort -u >"$TMP/types.got"
if [ "$(wc -l <"$TMP/types.want")" -eq 46 ] && cmp -s "$TMP/types.want" "$TMP/types.got"; then
	t_ok "labels: all 46 types of the contract, and no other"
else
	t_fail "labels: types" "$(wc -l <"$TMP/types.want") in the README"
	t_diff "$TMP/types.want" "$TMP/types.got"
fi

if awk -F '\t' 'NF != 5 || $1 !~ /^[0-9a-f-]+$/ || $2 !~ /^\// || $4 == "" || $5 !~ /^[a-z0-9+-]+$/ { print; bad = 1 } END { exit bad }' \
	"$C/labels.tsv" >"$TMP/badlines" &&
	awk -F '\t' 'NF != 3 || $2 !~ /^\// || $3 == "" { print; bad = 1 } END { exit bad }' "$C/negatives.tsv" "$C/neutral.tsv" >>"$TMP/badlines"; then
	t_ok "labels, negatives, neutral places: the documented columns"
else
	t_fail "label files: bad lines" "$(head -3 "$TMP/badlines")"
fi

# every planted pair at least five times
"$GEN" -l >"$TMP/pairs"
awk -F '\t' 'FILENAME == ARGV[1] { want[$1 "\t" $2] = 1; next }
	{ n[$3 "\t" $4]++ }
	END { for (k in want) if (n[k] < 5) { print k, n[k] + 0; bad = 1 } exit bad }' "$TMP/pairs" "$C/labels.tsv" >"$TMP/short"
if [ $? = 0 ] && [ "$(wc -l <"$TMP/pairs")" -gt 400 ]; then
	t_ok "labels: each of $(wc -l <"$TMP/pairs") (type, position) pairs planted at least 5 times"
else
	t_fail "labels: pairs planted fewer than 5 times" "$(head -3 "$TMP/short")"
fi

# the tools read every record, without a message; event ids are unique
records=$(sed -n 's/^records \([0-9]*\).*/\1/p' "$C/summary.txt")
"$GREP" -h --keep-stages --fields id "$C/input" >"$TMP/ids" 2>"$TMP/grep.err"
rc=$?
if [ $rc = 0 ] && [ ! -s "$TMP/grep.err" ] && [ "$(wc -l <"$TMP/ids")" -eq "$records" ] &&
	[ -z "$(sort "$TMP/ids" | uniq -d | head -1)" ]; then
	t_ok "k8saudit-grep reads all $records records without a message; event ids unique"
else
	t_fail "k8saudit-grep on the corpus" "rc $rc, $(wc -l <"$TMP/ids") of $records records: $(head -c 300 "$TMP/grep.err")"
fi
cut -f 1 "$C/labels.tsv" | sort -u >"$TMP/label_ids"
sort -u "$TMP/ids" >"$TMP/all_ids"
if [ -z "$(comm -23 "$TMP/label_ids" "$TMP/all_ids" | head -1)" ]; then
	t_ok "labels: every event id is a record's"
else
	t_fail "labels: event ids not in the corpus" "$(comm -23 "$TMP/label_ids" "$TMP/all_ids" | head -3)"
fi
"$top_builddir/k8saudit-findings" "$C/input" >/dev/null 2>"$TMP/findings.err"
rc=$?
if [ $rc -le 1 ] && [ ! -s "$TMP/findings.err" ]; then
	t_ok "k8saudit-findings reads the corpus without a message"
else
	t_fail "k8saudit-findings on the corpus" "rc $rc: $(head -c 300 "$TMP/findings.err")"
fi

# the labels as a perfect scanner would report them score 100%
if t_have jq; then
	jq -R -c 'split("\t") | {event_id: .[0], pointer: .[1], type: .[2], fingerprint: (.[0] + .[2])}' \
		"$C/labels.tsv" >"$TMP/perfect.jsonl"
	if score perfect 0 "$C" "$TMP/perfect.jsonl" &&
		grep -qx "overall recall:           100.0% ($(wc -l <"$C/labels.tsv" | tr -d ' ')/$(wc -l <"$C/labels.tsv" | tr -d ' '))" "$TMP/perfect.out"; then
		t_ok "scorer: the corpus's own labels, reported back, score 100%"
	else
		t_fail "scorer: a perfect report of the corpus" "rc $s_rc: $(grep -E '^(overall|FAIL|score)' "$TMP/perfect.out" "$TMP/perfect.err")"
	fi
fi

# the sample's EXPECTED: every pointer names a string of its record
if t_have jq; then
	L=$top_srcdir/samples/leaked-credentials
	"$GREP" --json --keep-stages "$L" >"$TMP/sample.jsonl" 2>"$TMP/sample.err"
	grep -v '^#' "$L/EXPECTED" | grep . >"$TMP/expected.tsv"
	jq -n -r --slurpfile recs "$TMP/sample.jsonl" --rawfile exp "$TMP/expected.tsv" '
		($recs | map({key: (.auditID // .eventID), value: .}) | from_entries) as $by
		| $exp | split("\n") | map(select(length > 0) | split("\t")) | .[]
		| . as $l | ($l[1] | split("/")[1:] | map(gsub("~1"; "/") | gsub("~0"; "~") | (tonumber? // .))) as $p
		| select(($by[$l[0]] // {} | getpath($p) | type) != "string") | "\($l[0]) \($l[1])"' >"$TMP/unresolved" 2>&1
	if [ -s "$TMP/sample.jsonl" ] && [ ! -s "$TMP/sample.err" ] && [ ! -s "$TMP/unresolved" ] &&
		[ "$(wc -l <"$TMP/expected.tsv")" -eq 62 ]; then
		t_ok "samples/leaked-credentials/EXPECTED: 62 occurrences, each a string of its record"
	else
		t_fail "samples/leaked-credentials/EXPECTED" "$(cat "$TMP/unresolved" "$TMP/sample.err" | head -3)"
	fi
fi

# a benign corpus: only routine traffic, the STS session tokens labelled
if "$GEN" -p 0 -n 500 "$TMP/benign" 2>"$TMP/benign.err" &&
	[ -z "$(cut -f 3 "$TMP/benign/labels.tsv" | sort -u | grep -vx aws-session-token)" ]; then
	t_ok "generator: -p 0 plants nothing but the session tokens STS returns"
else
	t_fail "generator: -p 0"
fi
t_done
