#!/bin/sh
# --shard K/N (every tool that reads logs): N runs, one for each K, read
# every object exactly once, and the union of what they print is what one
# run prints, for the per-record tools (k8saudit-grep, secret-scan); over
# the samples and over a generated tree of thousands of objects.  K/N is
# validated the same way by every tool.  Last line: "N passed, N failed,
# N skipped".
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

SCAN=$top_builddir/secret-scan
FINDINGS=$top_builddir/k8saudit-findings
RBAC=$top_builddir/rbac-diff
SAMPLES=$top_srcdir/samples

# A tree of 3000 small objects in 30 directories: the con318 EKS audit
# log, a record an object (over again when it has fewer).
TREE=$TMP/tree
gzip -dc "$SAMPLES"/con318/eks-audit/exportedlogs/*/*/000000.gz >"$TMP/eks.txt" || exit 99
i=0
while [ $i -lt 30 ]; do
	mkdir -p "$TREE/$(printf d%02d $i)" || exit 99
	i=$((i + 1))
done
awk -v root="$TREE" '{ l[n++] = $0 } END {
	for (i = 0; i < 3000; i++) {
		f = sprintf("%s/d%02d/o%04d.jsonl", root, int(i / 100), i)
		print l[i % n] >f
		close(f)
	} }' "$TMP/eks.txt" || exit 99
[ "$(find "$TREE" -type f | wc -l)" -eq 3000 ] || exit 99

# files N ROOT: each shard's files with records (grep -c -H), one file a
# line; every file once over the shards, none in two, and all of them.
files() {
	f_n=$1 f_root=$2 f_k=0
	: >"$TMP/files.union"
	while [ $f_k -lt "$f_n" ]; do
		"$GREP" -c -H --shard "$f_k/$f_n" "$f_root" | sed 's/:[0-9]*$//' >>"$TMP/files.union" || return 1
		f_k=$((f_k + 1))
	done
	"$GREP" -c -H "$f_root" | sed 's/:[0-9]*$//' | sort >"$TMP/files.all"
	sort "$TMP/files.union" >"$TMP/files.sorted"
	[ -s "$TMP/files.all" ] && cmp -s "$TMP/files.all" "$TMP/files.sorted"
}

for root in "$SAMPLES" "$TREE"; do
	for n in 2 3 7; do
		name="objects: $n shards of $(basename "$root") read every object once"
		if files $n "$root"; then
			t_ok "$name"
		else
			t_fail "$name"
			t_diff "$TMP/files.all" "$TMP/files.sorted"
		fi
	done
done

# union TOOL ARGS...: 4 shards' output, sorted, equals one run's, sorted
union() {
	u_k=0
	: >"$TMP/union"
	while [ $u_k -lt 4 ]; do
		"$@" --shard $u_k/4 >>"$TMP/union"
		[ $? -le 1 ] || return 1 # 1: nothing found in that shard
		u_k=$((u_k + 1))
	done
	"$@" | sort >"$TMP/one" && sort "$TMP/union" >"$TMP/union.sorted" && [ -s "$TMP/one" ] &&
		cmp -s "$TMP/one" "$TMP/union.sorted"
}

for c in "grep:$GREP --json $SAMPLES" "grep-tree:$GREP --json $TREE" \
	"grep-fields:$GREP --fields time,user,verb,uri $SAMPLES $TREE" "secret-scan:$SCAN $SAMPLES"; do
	# shellcheck disable=SC2086
	if union ${c#*:}; then
		t_ok "union: ${c%%:*}: 4 shards print what one run prints"
	else
		t_fail "union: ${c%%:*}: 4 shards print what one run prints"
		t_diff "$TMP/one" "$TMP/union.sorted"
	fi
done

# A shard's identity is the path below the argument, not where the tree
# is: the same shard of a copy elsewhere reads the same objects.
mkdir -p "$TMP/elsewhere" && cp -R "$TREE" "$TMP/elsewhere/" || exit 99
"$GREP" -c -H --shard 1/5 "$TREE" | sed "s|^$TREE/||" >"$TMP/here"
(cd "$TMP/elsewhere" && "$GREP" -c -H --shard 1/5 tree/) | sed "s|^tree/||" >"$TMP/there"
if [ -s "$TMP/here" ] && cmp -s "$TMP/here" "$TMP/there"; then
	t_ok "identity: the same shard of a tree copied elsewhere reads the same objects"
else
	t_fail "identity: the same shard of a tree copied elsewhere reads the same objects"
	t_diff "$TMP/here" "$TMP/there"
fi

# Standard input has no path: shard 0 reads it, the others do not.
a=$(head -n 3 "$TMP/eks.txt" | "$GREP" -c --shard 0/3)
b=$(head -n 3 "$TMP/eks.txt" | "$GREP" -c --shard 2/3)
if [ "$a" = 3 ] && [ "$b" = 0 ]; then
	t_ok "stdin: read by shard 0 only"
else
	t_fail "stdin: read by shard 0 only" "shard 0: $a, shard 2: $b"
fi

# --shard 0/1 is every object
if [ "$("$GREP" -c --shard 0/1 "$TREE")" = "$("$GREP" -c "$TREE")" ]; then
	t_ok "0/1: every object"
else
	t_fail "0/1: every object"
fi

# K/N validated alike by every tool that reads logs: usage error, exit 2
for tool in "$GREP" "$FINDINGS" "$SCAN" "$RBAC"; do
	for bad in "4/4:K must be from 0 to N-1 (3): '4/4'" "1/0:N must be from 1 to 1000000: '1/0'" \
		"x:not K/N (shard K of N, K from 0 to N-1): 'x'" "-1/2:not K/N" "1/2x:not K/N" "1/:not K/N" \
		"1/2000000:N must be from 1 to 1000000"; do
		"$tool" --shard "${bad%%:*}" "$TREE" >"$TMP/out" 2>"$TMP/err"
		rc=$?
		name="usage: $(basename "$tool") --shard ${bad%%:*}"
		if [ $rc = 2 ] && [ ! -s "$TMP/out" ] && grep -qF -- "--shard: ${bad#*:}" "$TMP/err"; then
			t_ok "$name"
		else
			t_fail "$name" "exit $rc: $(head -n 1 "$TMP/err")"
		fi
	done
done

t_done
