#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# rbac-diff --state and -o over a tree that grows (k8saudit-state(5)):
# incremental runs print exactly the change log one run over the whole
# tree prints, each change once, with the prior state of each object and
# the key chains replayed from the records earlier runs kept; a rerun
# prints nothing; records that only minted a key are forgotten two days
# of record time later, the records of changes never; bad states and
# options are exit 2.  Last line: "N passed, N failed, N skipped".
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

RD=$top_builddir/rbac-diff
TREE=$TMP/tree S=$TMP/s.k8a OUT=$TMP/out
SAMPLES=$top_srcdir/samples

# every sample's audit log in time order, cut in three; each CloudTrail
# object of the samples arrives with the third its time falls in: objects
# that arrive in time order (see "What a late object can change" in
# k8saudit-state(5))
for f in "$SAMPLES"/*/eks-audit/exportedlogs/*/*/*.gz; do gzip -dc "$f"; done |
	awk '{ t = $0; sub(/.*"stageTimestamp":"/, "", t); print substr(t, 1, 30) "\t" $0 }' | sort -s -k1,1 |
	cut -f 2- >"$TMP/eks.txt" || exit 99
n=$(wc -l <"$TMP/eks.txt")
third=$((n / 3))
# YYYYMMDDHHMM of line N of the sorted log
minute() { sed -n "$1p" "$TMP/eks.txt" | sed 's/.*"stageTimestamp":"//' | tr -d -- '-T:' | cut -c1-12; }
t1=$(minute $third) t2=$(minute $((2 * third)))
step() {
	mkdir -p "$TREE/$1"
	case $1 in
	1) sed -n "1,${third}p" "$TMP/eks.txt" >"$TREE/1/audit.jsonl" ;;
	2) sed -n "$((third + 1)),$((2 * third))p" "$TMP/eks.txt" | gzip >"$TREE/2/audit.jsonl.gz" ;;
	3) sed -n "$((2 * third + 1)),\$p" "$TMP/eks.txt" >"$TREE/3/audit.jsonl" ;;
	esac
	for f in "$SAMPLES"/*/cloudtrail/AWSLogs/*/CloudTrail/*/*/*/*/*.json.gz; do
		m=$(basename "$f" | sed 's/.*_\([0-9]\{8\}\)T\([0-9]\{4\}\)Z_.*/\1\2/')
		k=3
		[ "$m" -le "$t2" ] && k=2
		[ "$m" -le "$t1" ] && k=1
		[ $k = "$1" ] && cp "$f" "$TREE/$1/"
	done
	return 0
}

incremental() {
	i_name=$1
	shift
	rm -rf "$TREE" "$S" "$OUT"
	for k in 1 2 3; do
		step $k
		"$RD" --state "$S" -o "$OUT" "$@" "$TREE" 2>"$TMP/err"
		rc=$?
		[ $rc -le 1 ] || { t_fail "$i_name: step $k" "exit $rc: $(head -n 1 "$TMP/err")"; return 1; }
	done
	"$RD" "$@" "$TREE" >"$TMP/full" 2>"$TMP/err.full"
	if [ -s "$TMP/full" ] && cmp -s "$TMP/full" "$OUT"; then
		t_ok "$i_name: three incremental runs print the change log of one run, each change once ($(wc -l <"$OUT") lines)"
	else
		t_fail "$i_name: three incremental runs print the change log of one run, each change once"
		t_diff "$TMP/full" "$OUT"
	fi
}
incremental "tsv"
incremental "json" --json --all

# a rerun: nothing new, nothing printed, exit 1 (no change)
cp "$OUT" "$TMP/before"
"$RD" --state "$S" -o "$OUT" --json --all "$TREE" 2>"$TMP/err"
rc=$?
if [ $rc = 1 ] && cmp -s "$OUT" "$TMP/before" && [ ! -s "$TMP/err" ]; then
	t_ok "a rerun with nothing new prints nothing, exit 1"
else
	t_fail "a rerun with nothing new prints nothing, exit 1" "exit $rc: $(head -n 1 "$TMP/err")"
fi

# what the state keeps: every change's record; of the minted keys, those
# within two days of the newest record (the samples' CloudTrail: con318 on
# 2026-11-20, leaked-credentials on 2026-11-24)
if t_have python3 zstd; then
	python3 - "$S" >"$TMP/kept" <<'EOF'
import json, struct, subprocess, sys
raw = open(sys.argv[1], "rb").read()
payload = subprocess.run(["zstd", "-q", "-d", "-c"], input=raw[72:], stdout=subprocess.PIPE, check=True).stdout
secs, at = {}, 0
while at < len(payload):
    end = payload.index(b"\0", at)
    n = struct.unpack("<Q", payload[end + 1:end + 9])[0]
    secs[payload[at:end].decode()] = payload[end + 9:end + 9 + n]
    at = end + 9 + n
sec = json.loads(secs["rbac-diff"])
texts = secs["texts"]
mint = {"2026-11-20": 0, "2026-11-24": 0}
changes = 0
for k in sec["kept"]["kept"]:
    s, n = k[6]
    r = json.loads(texts[s:s + n])
    if r.get("eventSource") == "sts.amazonaws.com":
        mint[r["eventTime"][:10]] = mint.get(r["eventTime"][:10], 0) + 1
    else:
        changes += 1
print(changes, mint["2026-11-20"], mint["2026-11-24"])
EOF
	set -- $(cat "$TMP/kept")
	want=$(grep -c . "$TMP/full")
	if [ "${1:-0}" -ge "$want" ] && [ "${2:-x}" = 0 ] && [ "${3:-0}" -gt 0 ]; then
		t_ok "the state keeps the changes ($1) and the keys minted within two days ($3), not older ones"
	else
		t_fail "the state keeps the changes and the keys minted within two days" "kept: $(cat "$TMP/kept")"
	fi
else
	t_skip "what the state keeps" "python3 or zstd missing"
fi

# names that are not UTF-8: the state keeps them as bytes
rm -rf "$TMP/u8" "$TMP/u8.k8a" "$TMP/u8.out" && mkdir -p "$TMP/u8" || exit 99
cp "$top_srcdir/tests/findings/k8s/K8S-ANOM-002.pos.jsonl" "$TMP/u8/$(printf 'r\351.jsonl')" || exit 99
"$RD" --state "$TMP/u8.k8a" -o "$TMP/u8.out" "$TMP/u8" 2>"$TMP/err"
rc1=$?
cp "$top_srcdir/tests/findings/k8s/K8S-ANOM-001.pos.jsonl" "$TMP/u8/$(printf 'q\351.jsonl')" || exit 99
"$RD" --state "$TMP/u8.k8a" -o "$TMP/u8.out" "$TMP/u8" 2>>"$TMP/err"
rc2=$?
"$RD" "$TMP/u8" >"$TMP/u8.one"
if [ $rc1 = 0 ] && [ $rc2 = 1 ] && [ -s "$TMP/u8.one" ] && cmp -s "$TMP/u8.one" "$TMP/u8.out" && [ ! -s "$TMP/err" ]; then
	t_ok "objects whose names are not UTF-8: kept and replayed"
else
	t_fail "objects whose names are not UTF-8: kept and replayed" "exit $rc1, $rc2: $(head -n 1 "$TMP/err")"
fi

# errors: exit 2, a message
echo garbage >"$TMP/garbage"
"$top_builddir/k8saudit-grep" --state "$TMP/g.k8a" -c "$TREE" >/dev/null 2>&1
for c in "--state $TMP/garbage $TREE:garbage: truncated" \
	"--state $TMP/g.k8a $TREE:a state of grep, not of rbac-diff" \
	"--state-reset $TREE:--state-reset: only with --state" \
	"--state $S --exposure $TREE:--state and -o go with the change log only" \
	"-o $TMP/x --at 2026-11-21 $TREE:--state and -o go with the change log only" \
	"--state $S --partial $TMP/p $TREE:--state and -o go with the change log only"; do
	# shellcheck disable=SC2086
	"$RD" ${c%%:*} >"$TMP/o" 2>"$TMP/err"
	rc=$?
	if [ $rc = 2 ] && [ ! -s "$TMP/o" ] && grep -qF -- "${c#*:}" "$TMP/err"; then
		t_ok "error: ${c#*:}"
	else
		t_fail "error: ${c#*:}" "exit $rc: $(head -n 1 "$TMP/err")"
	fi
done

t_done
