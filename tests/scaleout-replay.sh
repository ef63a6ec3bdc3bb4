#!/bin/sh
# Scale-out of rbac-diff and secret-scan (cmd/common/partial.c): N shards
# (--shard K/N --partial FILE) merged (--merge, the partials in any order)
# print byte for byte what one run over all the inputs prints, with the
# same exit status, for N = 1 to 4, in every report and format, over the
# samples and a generated tree of thousands of objects; a tree of merges
# does too; GNU parallel runs the shards when installed.  A bad partial,
# one of another tool, another question or other secret types, or one
# given twice is an error naming it (exit 2).
# Last line: "N passed, N failed, N skipped".
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

RBAC=$top_builddir/rbac-diff
SCAN=$top_builddir/secret-scan
FINDINGS=$top_builddir/k8saudit-findings
SAMPLES=$top_srcdir/samples
KEY=$top_srcdir/tests/secrets/case.key

# shards NAME N TOOL SHARDARGS -- ARGS...: N shards of TOOL into
# $TMP/NAME.K, listed last shard first in $TMP/NAME.list (the merge must
# not depend on the order).  A shard that exits 2 fails.
shards() {
	s_name=$1 s_n=$2 s_tool=$3 s_args=$4 s_k=0
	shift 4
	s_list=
	while [ $s_k -lt "$s_n" ]; do
		rm -f "$TMP/$s_name.$s_k"
		# shellcheck disable=SC2086
		"$s_tool" $s_args --shard "$s_k/$s_n" --partial "$TMP/$s_name.$s_k" "$@" 2>>"$TMP/$s_name.err" || return 1
		s_list="$TMP/$s_name.$s_k $s_list"
		s_k=$((s_k + 1))
	done
	echo "$s_list" >"$TMP/$s_name.list"
}

# same NAME TOOL 'SHARDARGS' 'OUTARGS' 'NS' ARGS...: one run's output and
# exit status against the merge of N shards' for each N of NS.  SHARDARGS
# go to the shards, the merge and the one run; OUTARGS to the merge and
# the one run.
same() {
	m_name=$1 m_tool=$2 m_sargs=$3 m_out=$4 m_ns=$5
	shift 5
	# shellcheck disable=SC2086
	"$m_tool" $m_sargs $m_out "$@" >"$TMP/one" 2>"$TMP/one.err"
	m_rc=$?
	if [ $m_rc -gt 1 ] || [ ! -s "$TMP/one" ]; then
		t_fail "$m_name: one run" "exit $m_rc: $(head -n 1 "$TMP/one.err")"
		return
	fi
	for m_n in $m_ns; do
		if ! shards "$m_name" "$m_n" "$m_tool" "$m_sargs" "$@"; then
			t_fail "$m_name: $m_n shards" "$(tail -n 1 "$TMP/$m_name.err")"
			continue
		fi
		# shellcheck disable=SC2086,SC2046
		"$m_tool" $m_sargs $m_out --merge $(cat "$TMP/$m_name.list") >"$TMP/merged" 2>"$TMP/merged.err"
		m_mrc=$?
		if [ $m_mrc = $m_rc ] && cmp -s "$TMP/one" "$TMP/merged" && [ ! -s "$TMP/merged.err" ]; then
			t_ok "$m_name: $m_n shards merged print what one run prints"
		else
			t_fail "$m_name: $m_n shards merged print what one run prints" \
				"exit $m_mrc, not $m_rc: $(head -n 1 "$TMP/merged.err")"
			t_diff "$TMP/one" "$TMP/merged"
		fi
	done
}

# A tree of 2000 objects in 40 directories: every EKS audit record of the
# samples, round-robin (the stages of a request in different objects, the
# binding made in one object and used in others), and the CloudTrail of
# the samples as a second argument (the keys behind the changes).
BIG=$TMP/big
for f in "$SAMPLES"/*/eks-audit/exportedlogs/*/*/*.gz; do gzip -dc "$f"; done >"$TMP/eks.txt" || exit 99
i=0
while [ $i -lt 40 ]; do
	mkdir -p "$BIG/$(printf d%02d $i)" || exit 99
	i=$((i + 1))
done
awk -v root="$BIG" '{ f = sprintf("%s/d%02d/o%04d.jsonl", root, int((NR - 1) % 2000 / 50), (NR - 1) % 2000)
	print >>f; close(f) }' "$TMP/eks.txt" || exit 99
[ "$(find "$BIG" -type f | wc -l)" -eq 2000 ] || exit 99
mkdir -p "$TMP/ct" && for d in "$SAMPLES"/*/cloudtrail; do cp -R "$d" "$TMP/ct/$(basename "$(dirname "$d")")"; done || exit 99

ALL="1 2 3 4"
# ---- rbac-diff: every report, from the kept records ----
same rbac "$RBAC" "" "" "$ALL" "$SAMPLES"
same rbac-json "$RBAC" "" "--json --all" "2 3" "$SAMPLES"
same rbac-header "$RBAC" "" "--header -w verb=create --since 2026-01-01T00:00:00Z" 3 "$SAMPLES"
same rbac-at "$RBAC" "" "--at 2026-11-20T10:30:00Z --json" 4 "$SAMPLES"
same rbac-fromto "$RBAC" "" "--from 2026-11-20T10:00:00Z --to 2026-11-21T00:00:00Z" 2 "$SAMPLES"
same rbac-who "$RBAC" "--who-can get secrets" "" "$ALL" "$SAMPLES"
same rbac-who-ns "$RBAC" "--who-can list pods -n default" "--json" 3 "$SAMPLES"
same rbac-gvu "$RBAC" "--granted-vs-used system:anonymous" "" "2 4" "$SAMPLES"
same rbac-suggest "$RBAC" "--granted-vs-used system:anonymous" "--suggest" 3 "$SAMPLES"
same rbac-exposure "$RBAC" "--exposure" "" "$ALL" "$SAMPLES"
same rbac-exposure-json "$RBAC" "--exposure" "--json" 2 "$SAMPLES"
same rbac-big "$RBAC" "" "--json" "2 4" "$BIG" "$TMP/ct"
same rbac-big-exposure "$RBAC" "--exposure" "" 3 "$BIG" "$TMP/ct"
same rbac-big-who "$RBAC" "--who-can create clusterrolebindings" "" 4 "$BIG" "$TMP/ct"

# ---- secret-scan: fingerprinted and folded by the merge ----
S="--fingerprint-key $KEY"
same secrets "$SCAN" "$S" "" "$ALL" "$SAMPLES"
same secrets-json "$SCAN" "$S" "--json" "2 3" "$SAMPLES"
same secrets-sarif "$SCAN" "$S" "--format sarif" 3 "$SAMPLES"
same secrets-summary "$SCAN" "$S" "--summary --header" 4 "$SAMPLES"
same secrets-stages "$SCAN" "$S" "--keep-stages --json" 2 "$SAMPLES"
same secrets-big "$SCAN" "$S" "" "2 4" "$BIG" "$TMP/ct"
same secrets-big-summary "$SCAN" "$S" "--summary --json" 3 "$BIG" "$TMP/ct"
printf 'value ^AKIA\npath */cloudtrail/*\n' >"$TMP/allow"
same secrets-allow "$SCAN" "$S --allow $TMP/allow" "" 3 "$SAMPLES"
# the merge's key fingerprints: shards without it merge to one run's
printf '%s\n' 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef >"$TMP/other.key"
: >"$TMP/merged"
shards nokey 3 "$SCAN" "--fingerprint-key $TMP/other.key" "$SAMPLES" &&
	# shellcheck disable=SC2046
	"$SCAN" $S --merge $(cat "$TMP/nokey.list") >"$TMP/merged" 2>"$TMP/merged.err"
"$SCAN" $S "$SAMPLES" >"$TMP/one"
if [ -s "$TMP/one" ] && cmp -s "$TMP/one" "$TMP/merged"; then
	t_ok "secrets: the merge fingerprints with its key, whatever the shards' was"
else
	t_fail "secrets: the merge fingerprints with its key, whatever the shards' was"
	t_diff "$TMP/one" "$TMP/merged"
fi

# ---- names that are not UTF-8 (any bytes are a file name) ----
mkdir -p "$TMP/u8/$(printf 'd\377')" || exit 99
cp "$top_srcdir/tests/secrets/cli/incident.jsonl" "$TMP/u8/$(printf 'd\377')/$(printf 's\376.jsonl')" &&
	cp "$top_srcdir/tests/findings/k8s/K8S-ANOM-002.pos.jsonl" "$TMP/u8/$(printf 'r\351.jsonl')" || exit 99
same u8-rbac "$RBAC" "" "--json" 2 "$TMP/u8"
same u8-secrets "$SCAN" "$S" "--json" 2 "$TMP/u8"

# ---- a tree of merges: partials of merged partials ----
for t in "rbac:$RBAC::--json" "secrets:$SCAN:$S:--json"; do
	name=${t%%:*} rest=${t#*:}
	tool=${rest%%:*} rest=${rest#*:}
	sargs=${rest%%:*} out=${rest#*:}
	# shellcheck disable=SC2086
	"$tool" $sargs $out "$BIG" "$TMP/ct" >"$TMP/one"
	# shellcheck disable=SC2086
	shards "tree-$name" 4 "$tool" "$sargs" "$BIG" "$TMP/ct" &&
		"$tool" $sargs --merge --partial "$TMP/m13" "$TMP/tree-$name.3" "$TMP/tree-$name.1" &&
		"$tool" $sargs --merge --partial "$TMP/m02" "$TMP/tree-$name.0" "$TMP/tree-$name.2" &&
		"$tool" $sargs --merge --partial "$TMP/m0123" "$TMP/m13" "$TMP/m02" &&
		"$tool" $sargs $out --merge "$TMP/m0123" >"$TMP/merged"
	if [ -s "$TMP/one" ] && cmp -s "$TMP/one" "$TMP/merged"; then
		t_ok "$name: a tree of merges prints what one run prints"
	else
		t_fail "$name: a tree of merges prints what one run prints"
		t_diff "$TMP/one" "$TMP/merged"
	fi
done

# ---- GNU parallel: 4 shards at once, the merge after ----
if t_have parallel; then
	for t in "$RBAC" "$SCAN"; do
		k=
		[ "$t" = "$SCAN" ] && k=$S
		# shellcheck disable=SC2086
		"$t" $k "$BIG" "$TMP/ct" >"$TMP/one"
		rm -f "$TMP"/par.p.*
		# shellcheck disable=SC2086
		parallel --will-cite --halt now,fail=1 "$t" $k --shard {}/4 --partial "$TMP/par.p.{}" "$BIG" "$TMP/ct" \
			::: 0 1 2 3 2>"$TMP/par.err"
		prc=$?
		# shellcheck disable=SC2086
		"$t" $k --merge "$TMP"/par.p.* >"$TMP/merged" 2>>"$TMP/par.err"
		if [ $prc = 0 ] && [ -s "$TMP/one" ] && cmp -s "$TMP/one" "$TMP/merged"; then
			t_ok "parallel: $(basename "$t"): 4 shards run by GNU parallel, merged, print what one run prints"
		else
			t_fail "parallel: $(basename "$t"): 4 shards run by GNU parallel, merged" "exit $prc: $(head -n 1 "$TMP/par.err")"
			t_diff "$TMP/one" "$TMP/merged"
		fi
	done
else
	t_skip "parallel" "GNU parallel is not installed"
fi

# ---- a shard's trouble: said by the merge, exit 2, the rest merged ----
mkdir -p "$TMP/bad" && cat "$SAMPLES"/*/eks-audit/exportedlogs/*/*/*.gz >"$TMP/bad/a.gz" &&
	echo '{"kind": "Event", broken' >"$TMP/bad/z.jsonl" || exit 99
for t in "$RBAC" "$SCAN"; do
	k=
	[ "$t" = "$SCAN" ] && k=$S
	rm -f "$TMP/bad.p"
	# shellcheck disable=SC2086
	"$t" $k --partial "$TMP/bad.p" "$TMP/bad" 2>"$TMP/bad.err"
	rc=$?
	# shellcheck disable=SC2086
	"$t" $k --merge "$TMP/bad.p" >"$TMP/out" 2>"$TMP/err"
	mrc=$?
	# shellcheck disable=SC2086
	"$t" $k "$TMP/bad" >"$TMP/one" 2>/dev/null
	if [ $rc = 2 ] && grep -q 'z.jsonl:1' "$TMP/bad.err" && [ $mrc = 2 ] && [ -s "$TMP/out" ] &&
		cmp -s "$TMP/one" "$TMP/out" && grep -qF "bad.p: the shard's run reported problems" "$TMP/err"; then
		t_ok "trouble: $(basename "$t"): a shard's problem makes the merge exit 2"
	else
		t_fail "trouble: $(basename "$t"): a shard's problem makes the merge exit 2" \
			"shard exit $rc, merge exit $mrc: $(head -n 1 "$TMP/err")"
	fi
done

# ---- bad partials: exit 2, nothing printed, a message naming the file ----
shards rp 1 "$RBAC" "" "$SAMPLES" && shards sp 1 "$SCAN" "$S" "$SAMPLES" &&
	shards fp 1 "$FINDINGS" "" "$SAMPLES" || exit 99
echo garbage >"$TMP/garbage"
head -c 300 "$TMP/rp.0" >"$TMP/truncated"
for c in "$RBAC:garbage:garbage: truncated: 8 bytes, shorter than the 72-byte header" \
	"$RBAC:truncated:truncated: truncated: the payload's zstd frame ends early" \
	"$RBAC:missing:missing: cannot open: No such file or directory" \
	"$RBAC:sp.0:sp.0: a state of secret-scan, not of rbac-diff" \
	"$SCAN:rp.0:rp.0: a state of rbac-diff, not of secret-scan" \
	"$SCAN:fp.0:fp.0: a state of findings, not of secret-scan" \
	"$RBAC:rp.0 $TMP/rp.0:rp.0: object $SAMPLES/" \
	"$SCAN:sp.0 $TMP/sp.0:sp.0: object $SAMPLES/"; do
	t=${c%%:*} rest=${c#*:}
	f=${rest%%:*} want=${rest#*:}
	k=
	[ "$t" = "$SCAN" ] && k=$S
	# shellcheck disable=SC2086
	(cd "$TMP" && "$t" $k --merge $f) >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ $rc = 2 ] && [ ! -s "$TMP/out" ] && grep -qF -- "$want" "$TMP/err"; then
		t_ok "bad partial: $(basename "$t") $f"
	else
		t_fail "bad partial: $(basename "$t") $f" "exit $rc: $(head -n 1 "$TMP/err")"
	fi
done
for c in "$RBAC --exposure --merge $TMP/rp.0:rp.0: made for another question than this merge's" \
	"$RBAC --who-can get pods --merge $TMP/rp.0:rp.0: made for another question" \
	"$SCAN $S --no-builtin --rules $top_srcdir/rules/secrets/aws.secrets --merge $TMP/sp.0:sp.0: made with other secret types or allow lists" \
	"$SCAN $S --allow $TMP/allow --merge $TMP/sp.0:sp.0: made with other secret types or allow lists"; do
	# shellcheck disable=SC2086
	${c%%:*} >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ $rc = 2 ] && [ ! -s "$TMP/out" ] && grep -qF -- "${c#*:}" "$TMP/err"; then
		t_ok "bad partial: ${c#*:}"
	else
		t_fail "bad partial: ${c#*:}" "exit $rc: $(head -n 1 "$TMP/err")"
	fi
done

# ---- usage errors ----
for c in "$RBAC --merge:--merge: no partial results given" \
	"$RBAC --merge --shard 0/2 $TMP/rp.0:--merge: --shard goes with the shards" \
	"$RBAC --partial x --json $SAMPLES:--partial: writes no report" \
	"$RBAC --partial x -w verb=get $SAMPLES:--partial: writes no report" \
	"$RBAC --partial x --snapshot y $SAMPLES:--partial: writes no report" \
	"$SCAN --merge:--merge: no partial results given" \
	"$SCAN --merge -w verb=get $TMP/sp.0:--merge: -w, --since" \
	"$SCAN --partial x --summary $SAMPLES:--partial: writes no output" \
	"$SCAN --partial x --state s $SAMPLES:--partial: not with --state" \
	"$SCAN --merge --state s $TMP/sp.0:--merge: not with --state"; do
	# shellcheck disable=SC2086
	${c%%:*} >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ $rc = 2 ] && [ ! -s "$TMP/out" ] && grep -qF -- "${c#*:}" "$TMP/err"; then
		t_ok "usage: ${c%%:*}"
	else
		t_fail "usage: ${c%%:*}" "exit $rc: $(head -n 1 "$TMP/err")"
	fi
done

t_done
