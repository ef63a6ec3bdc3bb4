#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# Exactly-once output under SIGKILL (k8saudit-state(5)): 100 runs of
# k8saudit-findings --state -o over a tree that grows in three steps, each
# killed at a random moment (or finishing, when the kill comes late), then
# a run to the end: the output holds exactly the findings of one clean
# run over the whole tree.  Then runs killed at the rename of the state,
# after the output was synced, the moment a naive order would duplicate.
# The same, a quarter as many times, for k8saudit-grep and rbac-diff (the
# mechanism is shared: cmd/common/state.c).
#   KILL_RUNS=N sh tests/state-kill.sh   (default 100)
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/state-tree.sh"

prog() { if [ -x "$top_builddir/.libs/$1" ]; then echo "$top_builddir/.libs/$1"; else echo "$top_builddir/$1"; fi; }
export LD_LIBRARY_PATH=$top_builddir/lib/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
SHIM=$top_builddir/tests/fault/.libs/libfailsys.so
: "${KILL_RUNS:=100}"
SRC=$TMP/src TREE=$TMP/tree S=$TMP/s.k8a OUT=$TMP/out.jsonl
state_tree_src "$SRC" || { t_fail "making the tree"; t_done; }
mkdir -p "$TREE"
same() { sort "$1" >"$TMP/a" && sort "$2" >"$TMP/b" && cmp -s "$TMP/a" "$TMP/b"; }

# killing NAME RUNS TOOL ARGS...: the kills over TOOL ARGS
killing() {
	name=$1 runs=$2
	shift 2
	# how long a whole run takes, to spread the kills over it
	for n in 1 2 3; do state_tree_step $n "$SRC" "$TREE"; done
	"$@" "$TREE" >"$TMP/full.jsonl" 2>/dev/null
	start=$(date +%s%N)
	"$@" --state "$TMP/t.k8a" --output "$TMP/t.jsonl" "$TREE" 2>/dev/null
	span=$((($(date +%s%N) - start) / 1000000 + 20)) # ms
	rm -rf "$TREE" "$S" "$OUT" && mkdir -p "$TREE"

	i=0 killed=0 done_=0 step=0 trouble=0
	while [ $i -lt "$runs" ]; do
		# the tree grows at the start, a third and two thirds of the way
		if [ $((i * 3 / runs)) -ge $step ]; then
			step=$((step + 1))
			state_tree_step $step "$SRC" "$TREE"
		fi
		"$@" --state "$S" --output "$OUT" "$TREE" 2>"$TMP/err" &
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
	"$@" --state "$S" --output "$OUT" "$TREE" 2>"$TMP/err"
	rc=$?
	if [ $rc -le 1 ] && [ $trouble = 0 ] && same "$TMP/full.jsonl" "$OUT"; then
		t_ok "$name: $runs runs killed at random ($killed killed, $done_ ran to the end): each line once ($(wc -l <"$OUT"))"
	else
		t_fail "$name: $runs runs killed at random" "exit $rc, $trouble in trouble; $(diff "$TMP/a" "$TMP/b" | head -3)"
	fi

	# killed after the output was synced, before the state replaced the old
	if [ -f "$SHIM" ]; then
		rm -rf "$TREE" "$S" "$OUT" && mkdir -p "$TREE"
		for n in 1 2 3; do
			state_tree_step $n "$SRC" "$TREE"
			(LD_PRELOAD=$SHIM K8SAUDIT_KILL_CALL=rename:1 exec "$@" --state "$S" --output "$OUT" "$TREE") 2>/dev/null
			rc1=$?
			"$@" --state "$S" --output "$OUT" "$TREE" 2>/dev/null
		done
		if [ $rc1 = 137 ] && same "$TMP/full.jsonl" "$OUT"; then
			t_ok "$name: killed at the rename of the state, each step: each line once"
		else
			t_fail "$name: killed at the rename of the state" "exit $rc1; $(diff "$TMP/a" "$TMP/b" | head -3)"
		fi
	else
		t_skip "$name: killed at the rename of the state" "no tests/fault/libfailsys.so (sanitizer build)"
	fi
}

killing findings "$KILL_RUNS" "$(prog k8saudit-findings)" --json
killing grep $((KILL_RUNS / 4 + 1)) "$(prog k8saudit-grep)" --json -w 'verb in (create, delete, patch, update)'
killing rbac-diff $((KILL_RUNS / 4 + 1)) "$(prog rbac-diff)" --json --all
t_done
