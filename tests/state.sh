#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# k8saudit-findings --state and --output over a tree that grows
# (k8saudit-state(5)): incremental runs report exactly what one run over
# the whole tree reports, each finding once; a rewritten object is read
# again without repeats; a bad state file is exit 2, never a restart; a
# second run on a state is refused; a failed fsync or rename commits
# nothing and the next run repairs the output.
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/state-tree.sh"

F=$top_builddir/k8saudit-findings
SHIM=$top_builddir/tests/fault/.libs/libfailsys.so
SRC=$TMP/src TREE=$TMP/tree S=$TMP/s.k8a OUT=$TMP/out.jsonl
state_tree_src "$SRC" || { t_fail "making the tree"; t_done; }
mkdir -p "$TREE"

inc() { "$F" --json --state "$S" -o "$OUT" "$@" "$TREE" 2>"$TMP/err"; }
same() { # same findings, in any order
	sort "$1" >"$TMP/a" && sort "$2" >"$TMP/b" && cmp -s "$TMP/a" "$TMP/b"
}

# ---- three steps, each committed ----
for n in 1 2 3; do
	state_tree_step $n "$SRC" "$TREE"
	inc
	rc=$?
	[ $rc -le 1 ] || t_fail "step $n" "exit $rc: $(cat "$TMP/err")"
done
"$F" --json "$TREE" >"$TMP/full.jsonl"
if [ -s "$TMP/full.jsonl" ] && same "$TMP/full.jsonl" "$OUT"; then
	t_ok "three incremental runs = one run over the tree ($(wc -l <"$OUT") findings)"
else
	t_fail "three incremental runs = one run over the tree" "$(diff "$TMP/a" "$TMP/b" | head -5)"
fi
# the correlations carried across runs did fire
for r in K8S-BURST-001 K8S-BURST-002 K8S-BURST-006 K8S-SEQ-001 K8S-ANOM-009 K8S-AUTH-011; do
	if grep -q "\"rule\":\"$r\"" "$TMP/full.jsonl"; then
		grep -q "\"rule\":\"$r\"" "$OUT" && t_ok "$r across runs" || t_fail "$r across runs" "missing"
	fi
done
# what the input taught was carried: the tree has findings graded by
# the principals and addresses an earlier run saw, and first-seen findings
# that need the history an earlier run read
for what in '"second_signal":"principal first seen' '"history":'; do
	n=$(grep -c "$what" "$TMP/full.jsonl")
	[ "$n" -gt 0 ] && t_ok "the tree exercises $what ($n)" || t_fail "the tree exercises $what"
done
# every finding has an id, each once
if [ "$(grep -c '"id":"[0-9a-f]\{16\}"' "$OUT")" = "$(wc -l <"$OUT")" ] &&
   [ -z "$(sed 's/.*"id":"\([0-9a-f]*\)".*/\1/' "$OUT" | sort | uniq -d)" ]; then
	t_ok "each finding has a stable id, each id once"
else
	t_fail "each finding has a stable id, each id once"
fi

# ---- nothing new: nothing appended, exit 0 ----
cp "$OUT" "$TMP/out.before"
inc
rc=$?
if [ $rc = 0 ] && cmp -s "$OUT" "$TMP/out.before"; then
	t_ok "a run with nothing new appends nothing"
else
	t_fail "a run with nothing new appends nothing" "exit $rc"
fi

# ---- a rewritten object: read again, only what is new is reported ----
obj=$TREE/eks/part-4.gz
touch -d '2030-01-01' "$obj" # the same content re-synced: read again
inc
rc=$?
if [ $rc -le 1 ] && cmp -s "$OUT" "$TMP/out.before"; then
	t_ok "an object re-synced unchanged reports nothing again"
else
	t_fail "an object re-synced unchanged reports nothing again" "exit $rc, $(($(wc -l <"$OUT") - $(wc -l <"$TMP/out.before"))) more"
fi
# the half-written last object, exported again whole
state_tree_step 4 "$SRC" "$TREE"
inc
"$F" --json "$TREE" >"$TMP/full.jsonl"
new=$(($(wc -l <"$OUT") - $(wc -l <"$TMP/out.before")))
if [ "$new" -gt 0 ] && same "$TMP/full.jsonl" "$OUT"; then
	t_ok "an object rewritten with more records reports only the new ($new)"
else
	t_fail "an object rewritten with more records reports only the new" "$new new; $(diff "$TMP/a" "$TMP/b" | head -3)"
fi

# ---- bad state files: exit 2, named, nothing read or written ----
cp "$S" "$TMP/good.k8a"
cp "$OUT" "$TMP/out.before"
bad() { # name, how to spoil the state, the message expected
	cp "$TMP/good.k8a" "$S"
	eval "$2"
	inc
	rc=$?
	if [ $rc = 2 ] && grep -q "$S: .*$3" "$TMP/err" && cmp -s "$OUT" "$TMP/out.before"; then
		t_ok "bad state: $1"
	else
		t_fail "bad state: $1" "exit $rc: $(cat "$TMP/err")"
	fi
}
size=$(wc -c <"$TMP/good.k8a")
bad "a flipped byte" 'printf "\377" | dd of="$S" bs=1 seek=$((size - 20)) conv=notrunc 2>/dev/null' "corrupt\|truncated"
bad "truncated" 'head -c $((size / 2)) "$TMP/good.k8a" >"$S"' "truncated"
bad "empty" ': >"$S"' "truncated"
bad "foreign" 'cp "$top_srcdir/tests/framings/events.jsonl" "$S"' "foreign"
bad "another version" 'printf "\002" | dd of="$S" bs=1 seek=8 conv=notrunc 2>/dev/null' "version 2"
cp "$TMP/good.k8a" "$S"

# ---- a second run at once is refused ----
# held once the marker exists (a fixed sleep raced a loaded machine)
rm -f "$TMP/locked"
flock "$S.lock" sh -c ': >"$1"; sleep 2' sh "$TMP/locked" &
lockpid=$!
w=0
while [ ! -e "$TMP/locked" ] && [ $w -lt 200 ]; do sleep 0.05; w=$((w + 1)); done
inc
rc=$?
wait $lockpid # the lock is free again
if [ $rc = 2 ] && grep -q "$S: locked by another run" "$TMP/err" && cmp -s "$OUT" "$TMP/out.before"; then
	t_ok "a second run on the state is refused"
else
	t_fail "a second run on the state is refused" "exit $rc: $(cat "$TMP/err")"
fi

# ---- --state-reset: starts afresh, on purpose ----
"$F" --json --state "$TMP/r.k8a" --state-reset "$TREE" >"$TMP/reset.jsonl" 2>"$TMP/err"
same "$TMP/reset.jsonl" "$TMP/full.jsonl" && t_ok "--state-reset reads everything" ||
	t_fail "--state-reset reads everything"
cp "$TMP/good.k8a" "$TMP/r.k8a"
printf 'x' | dd of="$TMP/r.k8a" bs=1 seek=0 conv=notrunc 2>/dev/null
"$F" --json --state "$TMP/r.k8a" --state-reset "$TREE" >"$TMP/reset.jsonl" 2>"$TMP/err"
same "$TMP/reset.jsonl" "$TMP/full.jsonl" && t_ok "--state-reset over a corrupt state" ||
	t_fail "--state-reset over a corrupt state" "$(cat "$TMP/err")"

# ---- the commit path failing: nothing committed, the next run repairs ----
if [ -f "$SHIM" ]; then
	# a fresh state over the first two steps; then the third step with
	# the Nth fsync or the rename of the state failing
	for fault in fsync:1 fsync:2 rename:1; do
		rm -rf "$TREE" "$S" "$OUT"
		mkdir -p "$TREE"
		state_tree_step 1 "$SRC" "$TREE"
		state_tree_step 2 "$SRC" "$TREE"
		inc
		cp "$S" "$TMP/good.k8a"
		state_tree_step 3 "$SRC" "$TREE"
		LD_PRELOAD=$SHIM K8SAUDIT_FAIL_CALL=$fault "$F" --json --state "$S" -o "$OUT" "$TREE" 2>"$TMP/err"
		rc=$?
		left=$(ls "$TMP" | grep -c 's.k8a.tmp')
		if [ $rc = 2 ] && grep -q "$S: cannot" "$TMP/err" && cmp -s "$S" "$TMP/good.k8a" && [ "$left" = 0 ]; then
			t_ok "$fault failing: exit 2, the old state whole, no temporary file"
		else
			t_fail "$fault failing: exit 2, the old state whole, no temporary file" "exit $rc, $left left: $(cat "$TMP/err")"
		fi
		inc
		"$F" --json "$TREE" >"$TMP/full.jsonl"
		same "$TMP/full.jsonl" "$OUT" && t_ok "$fault failing: the next run leaves each finding once" ||
			t_fail "$fault failing: the next run leaves each finding once" "$(diff "$TMP/a" "$TMP/b" | head -3)"
	done
else
	t_skip "the commit path failing" "no tests/fault/libfailsys.so (sanitizer build)"
fi
t_done
