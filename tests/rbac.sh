#!/bin/sh
# rbac-diff tests.
#
# 1. tests/rbac/test_patch (built by make check): patch application, one
#    "ok"/"FAIL" line per case.
# 2. Golden cases, driven by files:
#      tests/rbac/cases/<case>.cmd  one line: rbac-diff's arguments in sh syntax;
#                                   $C is the CON318 sample (samples/con318), $S
#                                   the smaller CON318 fixture (tests/rbac/con318),
#                                   $P the patch fixture, $D the shared datasets
#      tests/rbac/cases/<case>.out  expected standard output (default: empty)
#      tests/rbac/cases/<case>.err  expected standard error (default: empty)
#      tests/rbac/cases/<case>.rc   expected exit status (default: 0)
#      tests/rbac/cases/<case>.stdin  one line: a file (from the top of the tree)
#                                   to give as standard input (default: none)
#    Cases whose command uses $D are skipped when ../shared/datasets is absent.
#    Commands run in $top_srcdir, so paths in outputs are relative.
#
#   sh tests/rbac.sh [CASE...]           run everything, or the cases named
#   REGEN=1 sh tests/rbac.sh [CASE...]   rewrite the expected files
#
# The last line is "N passed, N failed"; the exit status is 1 on failure.
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
top_srcdir=$(cd "$top_srcdir" && pwd)
top_builddir=$(cd "$top_builddir" && pwd)
LC_ALL=C TZ=UTC
export LC_ALL TZ

RD=$top_builddir/rbac-diff
UNIT=$top_builddir/tests/rbac/test_patch
CASES=$top_srcdir/tests/rbac/cases
TMP=$top_builddir/tests/tmp/rbac
rm -rf "$TMP"
mkdir -p "$TMP" || exit 99
trap 'rm -rf "$TMP"; rmdir "$top_builddir/tests/tmp" 2>/dev/null; :' EXIT
trap 'exit 99' HUP INT TERM

pass=0 fail=0 skip=0
ok() { echo "ok $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1${2:+: $2}"; fail=$((fail + 1)); }

if [ ! -x "$RD" ]; then
	echo "$RD is not built"
	echo "0 passed, 1 failed"
	exit 1
fi

# ---- unit tests ----
if [ $# -eq 0 ]; then
	if [ -x "$UNIT" ]; then
		"$UNIT" >"$TMP/unit.out" 2>&1
		urc=$?
		n_ok=$(grep -c '^ok ' "$TMP/unit.out")
		n_bad=$(grep -c '^FAIL ' "$TMP/unit.out")
		grep '^FAIL ' "$TMP/unit.out"
		if [ "$urc" -eq 0 ] && [ "$n_bad" -eq 0 ] && [ "$n_ok" -gt 0 ]; then
			ok "unit: $n_ok patch cases"
		else
			bad "unit" "$n_bad of $((n_ok + n_bad)) cases failed (exit $urc)"
		fi
	else
		bad "unit" "$UNIT is not built (make check builds it)"
	fi
fi

# ---- golden cases ----
C=samples/con318
S=tests/rbac/con318
P=tests/rbac/patches.jsonl
D=../shared/datasets
export C S P D
cd "$top_srcdir" || exit 99
if [ $# -gt 0 ]; then
	list=$*
else
	list=$(cd "$CASES" && ls -- *.cmd | sed 's/\.cmd$//')
fi
for c in $list; do
	cmd=$(cat "$CASES/$c.cmd") || { bad "$c" "no such case"; continue; }
	case $cmd in
	*'$D'*)
		if [ ! -d "$D" ]; then
			echo "skip $c: $D is absent"
			skip=$((skip + 1))
			continue
		fi
		;;
	esac
	eval "set -- $cmd"
	in=/dev/null
	[ -f "$CASES/$c.stdin" ] && in=$(sed -n 1p "$CASES/$c.stdin")
	"$RD" "$@" >"$TMP/out" 2>"$TMP/err" <"$in"
	rc=$?
	want_rc=0
	[ -f "$CASES/$c.rc" ] && want_rc=$(cat "$CASES/$c.rc")
	if [ -n "$REGEN" ]; then
		for f in out err; do
			if [ -s "$TMP/$f" ]; then
				cp "$TMP/$f" "$CASES/$c.$f"
			else
				rm -f "$CASES/$c.$f"
			fi
		done
		if [ "$rc" -ne 0 ]; then echo "$rc" >"$CASES/$c.rc"; else rm -f "$CASES/$c.rc"; fi
		ok "$c (regenerated)"
		continue
	fi
	why=
	for f in out err; do
		if [ -f "$CASES/$c.$f" ]; then
			cmp -s "$CASES/$c.$f" "$TMP/$f" || why="$why std$f differs;"
		elif [ -s "$TMP/$f" ]; then
			why="$why unexpected std$f;"
		fi
	done
	[ "$rc" = "$want_rc" ] || why="$why exit $rc, want $want_rc;"
	case $rc in
	0 | 1 | 2) ;;
	*) why="$why crashed (exit $rc);" ;;
	esac
	if [ -z "$why" ]; then
		ok "$c"
	else
		bad "$c" "$why"
		for f in out err; do
			if [ -f "$CASES/$c.$f" ]; then
				diff -u "$CASES/$c.$f" "$TMP/$f" | sed -n '3,30p' | sed 's/^/    /'
			elif [ -s "$TMP/$f" ]; then
				sed -n '1,10p' "$TMP/$f" | sed 's/^/    /'
			fi
		done
	fi
done
[ "$skip" -gt 0 ] && echo "($skip skipped: shared datasets absent)"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
