#!/bin/sh
# Reading several files at once must not change anything: the same
# queries with one thread and with several give byte-identical stdout,
# stderr and exit status, over every multi-file corpus in the tree (and
# the public datasets when ../shared is there).
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${K8SAUDIT_RULES_DIR:=$top_srcdir/rules}"; export K8SAUDIT_RULES_DIR
: "${top_builddir:=$top_srcdir}"
GREP=$top_builddir/k8saudit-grep
FIND=$top_builddir/k8saudit-findings
tmp=$(mktemp -d "${TMPDIR:-/tmp}/k8a-threads.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
cd "$top_srcdir" || exit 2
corpus="samples tests/framings tests/findings tests/cli/grep/data tests/bad"
[ -d ../shared/datasets ] && corpus="$corpus ../shared/datasets"
pass=0 fail=0

same() {
	name=$1
	shift
	"$@" -j1 $corpus >"$tmp/out1" 2>"$tmp/err1"
	rc1=$?
	"$@" -j4 $corpus >"$tmp/out4" 2>"$tmp/err4"
	rc4=$?
	if [ "$rc1" = "$rc4" ] && cmp -s "$tmp/out1" "$tmp/out4" && cmp -s "$tmp/err1" "$tmp/err4"; then
		echo "ok $name ($(wc -l <"$tmp/out1") lines, exit $rc1)"
		pass=$((pass + 1))
	else
		echo "FAIL $name: exit $rc1 with one thread, $rc4 with four"
		diff "$tmp/out1" "$tmp/out4" | head -5
		diff "$tmp/err1" "$tmp/err4" | head -5
		fail=$((fail + 1))
	fi
}

same "every record" "$GREP"
same "-c per file" "$GREP" -c
same "--json selective" "$GREP" --json -w 'verb=create or eventName=AssumeRole'
same "--fields" "$GREP" --fields time,actor,code,location -w 'code>=400 or errorCode exists'
same "--exec" "$GREP" --exec
same "-l -Z" "$GREP" -l -Z -w 'user=system:anonymous'
same "--keep-stages --validate" "$GREP" --keep-stages --validate -c
[ -x "$FIND" ] && same "findings --json" "$FIND" --json
RBAC=$top_builddir/rbac-diff
[ -x "$RBAC" ] && same "rbac-diff --json" "$RBAC" --json
[ -x "$RBAC" ] && same "rbac-diff --exposure" "$RBAC" --exposure
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
