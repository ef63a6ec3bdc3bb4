#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# secret-scan --state and --output over a tree that grows
# (k8saudit-state(5)): incremental runs print exactly the occurrences one
# run over the whole tree prints, each once; a secret seen again in a
# later run is an occurrence, not a new secret (--summary leaves it out,
# JSON says "new":false); a rerun prints nothing; a state of another key,
# a bad state or a second run at once is exit 2, never a restart; a killed
# run leaves the output with each occurrence once after the next.
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

SS=$top_builddir/secret-scan
KEY=$top_srcdir/tests/secrets/case.key
SHIM=$top_builddir/tests/fault/.libs/libfailsys.so
SRC=$top_srcdir/tests/secrets/cli TREE=$TMP/tree S=$TMP/s.k8a OUT=$TMP/out
CT=$top_srcdir/samples/con318/cloudtrail/AWSLogs/491326785603/CloudTrail/eu-west-1/2026/11/20
mkdir -p "$TREE"

# step N: the objects an S3 sync adds, in time order; step 3 holds a
# secret steps 1 and 2 saw (line 2 again, another request)
step() {
	case $1 in
	1)
		mkdir -p "$TREE/1" && sed -n 1,4p "$SRC/incident.jsonl" >"$TREE/1/incident-a.jsonl" ;;
	2)
		mkdir -p "$TREE/2" && sed -n '5,$p' "$SRC/incident.jsonl" >"$TREE/2/incident-b.jsonl" &&
			cp "$SRC/lookup.json" "$TREE/2/lookup.json" ;;
	3)
		mkdir -p "$TREE/3" && cp "$CT"/*T1015Z* "$CT"/*T1050Z* "$TREE/3/" &&
			sed -n 2p "$SRC/incident.jsonl" | sed 's/"auditID":"[^"]*"/"auditID":"again-0001"/' \
				>"$TREE/3/incident-c.jsonl" ;;
	esac
}
inc() { "$SS" --fingerprint-key "$KEY" --state "$S" -o "$OUT" "$@" "$TREE" 2>"$TMP/err"; }

# ---- three steps, each committed: TSV ----
for n in 1 2 3; do
	step $n
	inc
	rc=$?
	[ $rc -le 1 ] || t_fail "step $n" "exit $rc: $(cat "$TMP/err")"
done
"$SS" --fingerprint-key "$KEY" "$TREE" >"$TMP/full" 2>"$TMP/err.full"
if [ "$(wc -l <"$TMP/full")" -gt 10 ] && cmp -s "$TMP/full" "$OUT"; then
	t_ok "three incremental runs = one run over the tree ($(wc -l <"$OUT") occurrences)"
else
	t_fail "three incremental runs = one run over the tree" "$(t_diff "$TMP/full" "$OUT")"
fi

# ---- nothing new: nothing appended, exit 0 ----
cp "$OUT" "$TMP/out.before"
inc
rc=$?
if [ $rc = 0 ] && cmp -s "$OUT" "$TMP/out.before"; then
	t_ok "a run with nothing new appends nothing, exit 0"
else
	t_fail "a run with nothing new appends nothing, exit 0" "exit $rc"
fi
touch -d '2030-01-01' "$TREE/2/lookup.json" # re-synced, the same: read again
inc
rc=$?
if [ $rc = 0 ] && cmp -s "$OUT" "$TMP/out.before"; then
	t_ok "an object re-synced unchanged prints nothing again"
else
	t_fail "an object re-synced unchanged prints nothing again" "exit $rc: $(t_diff "$TMP/out.before" "$OUT")"
fi
# an object rewritten with more records: only the new occurrences
late() { # line $1 of the incident as another request
	sed -n "$1p" "$SRC/incident.jsonl" | sed "s/\"auditID\":\"[^\"]*\"/\"auditID\":\"late-$1\"/"
}
{ late 1; late 2; } >"$TREE/2/late.jsonl"
inc
{ late 3; late 4; } >>"$TREE/2/late.jsonl"
inc
rc=$?
"$SS" --fingerprint-key "$KEY" "$TREE/2/late.jsonl" | sed "s|$TREE/2/late.jsonl|late|" >"$TMP/late.want"
tail -n +$(($(wc -l <"$TMP/out.before") + 1)) "$OUT" | sed "s|$TREE/2/late.jsonl|late|" >"$TMP/late.got"
if [ $rc = 1 ] && [ -s "$TMP/late.want" ] && cmp -s "$TMP/late.want" "$TMP/late.got"; then
	t_ok "an object rewritten with more records prints each occurrence once"
else
	t_fail "an object rewritten with more records prints each occurrence once" "exit $rc: $(t_diff "$TMP/late.want" "$TMP/late.got")"
fi

# ---- JSON: "new" tells a new secret from one seen before ----
rm -rf "$TREE" "$S" "$OUT"
mkdir -p "$TREE"
for n in 1 2 3; do
	step $n
	inc --json
done
rm -f "$TMP/one.k8a"
"$SS" --fingerprint-key "$KEY" --json --state "$TMP/one.k8a" "$TREE" >"$TMP/full.json" 2>"$TMP/err"
if [ -s "$TMP/full.json" ] && cmp -s "$TMP/full.json" "$OUT"; then
	t_ok "JSON: three incremental runs = one run with a fresh state"
else
	t_fail "JSON: three incremental runs = one run with a fresh state" "$(t_diff "$TMP/full.json" "$OUT")"
fi
# one "new":true per distinct fingerprint, and the repeat in step 3 is not new
fps=$(sed 's/.*"fingerprint":"\([0-9a-f]*\)".*/\1/' "$OUT" | sort -u | wc -l)
news=$(grep -c '"new":true' "$OUT")
again=$(grep '"event_id":"again-0001"' "$OUT" | grep -c '"new":false')
if [ "$fps" -gt 5 ] && [ "$fps" = "$news" ] && [ "$again" -ge 1 ] && ! grep '"event_id":"again-0001"' "$OUT" | grep -q '"new":true'; then
	t_ok "JSON: one new occurrence per secret ($fps); a secret seen again by a later run is not new"
else
	t_fail "JSON: one new occurrence per secret" "$fps secrets, $news new, $again repeats"
fi

# ---- --summary: the secrets no earlier run saw ----
rm -rf "$TREE" "$S" "$OUT"
mkdir -p "$TREE"
for n in 1 2 3; do
	step $n
	inc --summary --json
done
"$SS" --fingerprint-key "$KEY" --summary --json "$TREE" >"$TMP/full.sum" 2>"$TMP/err"
fp() { sed 's/.*"fingerprint":"\([0-9a-f]*\)".*/\1/' "$1" | sort; }
fp "$TMP/full.sum" >"$TMP/want"
fp "$OUT" >"$TMP/got"
if [ -s "$TMP/want" ] && cmp -s "$TMP/want" "$TMP/got"; then
	t_ok "--summary: each secret once over the runs, as in one run ($(wc -l <"$TMP/got"))"
else
	t_fail "--summary: each secret once over the runs" "$(t_diff "$TMP/want" "$TMP/got")"
fi

# ---- a state of another key, a bad state, a second run: exit 2 ----
cp "$S" "$TMP/good.k8a"
cp "$OUT" "$TMP/out.before"
printf '0123456789abcdef0123456789abcdef\n' >"$TMP/other.key"
"$SS" --fingerprint-key "$TMP/other.key" --state "$S" -o "$OUT" "$TREE" 2>"$TMP/err"
rc=$?
if [ $rc = 2 ] && grep -q "^secret-scan: $S: made with another fingerprint key" "$TMP/err" &&
	cmp -s "$OUT" "$TMP/out.before" && cmp -s "$S" "$TMP/good.k8a"; then
	t_ok "a state made with another key is refused"
else
	t_fail "a state made with another key is refused" "exit $rc: $(cat "$TMP/err")"
fi
printf '\377' | dd of="$S" bs=1 seek=100 conv=notrunc 2>/dev/null
inc
rc=$?
if [ $rc = 2 ] && grep -q "$S: .*corrupt\|$S: .*truncated" "$TMP/err" && cmp -s "$OUT" "$TMP/out.before"; then
	t_ok "a corrupt state is exit 2, nothing read"
else
	t_fail "a corrupt state is exit 2, nothing read" "exit $rc: $(cat "$TMP/err")"
fi
"$top_builddir/k8saudit-findings" --state "$TMP/f.k8a" /dev/null >/dev/null 2>&1
"$SS" --fingerprint-key "$KEY" --state "$TMP/f.k8a" "$TREE" >/dev/null 2>"$TMP/err"
rc=$?
if [ $rc = 2 ] && grep -q "a state of findings, not of secret-scan" "$TMP/err"; then
	t_ok "a state of another tool is refused"
else
	t_fail "a state of another tool is refused" "exit $rc: $(cat "$TMP/err")"
fi
cp "$TMP/good.k8a" "$S"
# held once the marker exists (a fixed sleep raced a loaded machine)
rm -f "$TMP/locked"
flock "$S.lock" sh -c ': >"$1"; sleep 2' sh "$TMP/locked" &
lockpid=$!
w=0
while [ ! -e "$TMP/locked" ] && [ $w -lt 200 ]; do sleep 0.05; w=$((w + 1)); done
inc
rc=$?
wait $lockpid
if [ $rc = 2 ] && grep -q "$S: locked by another run" "$TMP/err" && cmp -s "$OUT" "$TMP/out.before"; then
	t_ok "a second run on the state is refused"
else
	t_fail "a second run on the state is refused" "exit $rc: $(cat "$TMP/err")"
fi
"$SS" --state-reset "$TREE" >/dev/null 2>"$TMP/err"
[ $? = 2 ] && grep -q "only with --state" "$TMP/err" && t_ok "--state-reset alone is a usage error" ||
	t_fail "--state-reset alone is a usage error" "$(cat "$TMP/err")"
"$SS" --format sarif -o "$OUT" "$TREE" >/dev/null 2>"$TMP/err"
[ $? = 2 ] && grep -q "sarif" "$TMP/err" && cmp -s "$OUT" "$TMP/out.before" &&
	t_ok "-o with SARIF is a usage error" || t_fail "-o with SARIF is a usage error" "$(cat "$TMP/err")"
"$SS" --fingerprint-key "$KEY" --state "$S" --state-reset "$TREE" >"$TMP/reset" 2>"$TMP/err"
cmp -s "$TMP/reset" "$TMP/full" && t_ok "--state-reset reads everything" ||
	t_fail "--state-reset reads everything" "$(cat "$TMP/err")"

# ---- killed at the commit, or with the fsync or rename failing: the
# next run leaves each occurrence once ----
if [ -f "$SHIM" ]; then
	for fault in fsync:1 fsync:2 rename:1; do
		rm -rf "$TREE" "$S" "$OUT"
		mkdir -p "$TREE"
		step 1
		step 2
		inc
		cp "$S" "$TMP/good.k8a"
		step 3
		LD_PRELOAD=$SHIM K8SAUDIT_FAIL_CALL=$fault "$SS" --fingerprint-key "$KEY" --state "$S" -o "$OUT" \
			"$TREE" 2>"$TMP/err"
		rc=$?
		if [ $rc = 2 ] && grep -q "$S: cannot" "$TMP/err" && cmp -s "$S" "$TMP/good.k8a"; then
			t_ok "$fault failing: exit 2, the old state whole"
		else
			t_fail "$fault failing: exit 2, the old state whole" "exit $rc: $(cat "$TMP/err")"
		fi
		inc
		cmp -s "$TMP/full" "$OUT" && t_ok "$fault failing: the next run leaves each occurrence once" ||
			t_fail "$fault failing: the next run leaves each occurrence once" "$(t_diff "$TMP/full" "$OUT")"
	done
else
	t_skip "the commit path failing" "no tests/fault/libfailsys.so (sanitizer build)"
fi
# ---- killed at random moments over the growing tree (SIGKILL): the
# output ends with each occurrence once ----
: "${KILL_RUNS:=30}"
rm -rf "$TREE" "$S" "$OUT" "$TMP/t.k8a"
mkdir -p "$TREE"
for n in 1 2 3; do step $n; done
start=$(date +%s%N)
"$SS" --fingerprint-key "$KEY" --state "$TMP/t.k8a" -o "$TMP/t.out" "$TREE" 2>/dev/null
span=$((($(date +%s%N) - start) / 1000000 + 20)) # ms
rm -rf "$TREE" && mkdir -p "$TREE"
i=0 killed=0 done_=0 n=0 trouble=0
while [ $i -lt "$KILL_RUNS" ]; do
	if [ $((i * 3 / KILL_RUNS)) -ge $n ]; then
		n=$((n + 1))
		step $n
	fi
	"$SS" --fingerprint-key "$KEY" --state "$S" -o "$OUT" "$TREE" 2>"$TMP/err" &
	pid=$!
	ms=$(awk -v s="$(od -An -N2 -tu2 /dev/urandom)" -v span=$span 'BEGIN { printf "%.3f", (s % span) / 1000 }')
	sleep "$ms"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
	rc=$?
	case $rc in
	0 | 1) done_=$((done_ + 1)) ;;
	137) killed=$((killed + 1)) ;;
	*) trouble=$((trouble + 1)); echo "run $i: exit $rc: $(cat "$TMP/err")" ;;
	esac
	i=$((i + 1))
done
inc
rc=$?
if [ $rc -le 1 ] && [ $trouble = 0 ] && cmp -s "$TMP/full" "$OUT"; then
	t_ok "$KILL_RUNS runs killed at random ($killed killed, $done_ ran to the end): each occurrence once"
else
	t_fail "$KILL_RUNS runs killed at random" "exit $rc, $trouble in trouble; $(t_diff "$TMP/full" "$OUT")"
fi
t_done
