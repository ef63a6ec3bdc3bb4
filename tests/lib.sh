# Shared helpers for the shell test scripts (sourced, not run).
#
# Sets top_srcdir and top_builddir (absolute; defaults: the tree this file
# is in), GREP (the k8saudit-grep under test) and TMP, a fresh scratch
# directory $top_builddir/tests/tmp/<script>/<pid>/ removed on exit (kept
# when KEEP is set, for looking at).  Counts results with t_ok, t_fail and
# t_skip; t_done prints the closing "N passed, N failed, N skipped" line
# and exits 0, 1, or 77 when everything was skipped.

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
top_srcdir=$(cd "$top_srcdir" && pwd)
top_builddir=$(cd "$top_builddir" && pwd)
LC_ALL=C TZ=UTC
export top_srcdir top_builddir LC_ALL TZ
GREP=$top_builddir/k8saudit-grep
# the tools under test read the rules of this tree, not installed ones
: "${K8SAUDIT_RULES_DIR:=$top_srcdir/rules}"
export K8SAUDIT_RULES_DIR

# One directory per run, so that two runs of a script (make check while a
# developer runs it by hand) do not remove each other's files.
t_name=$(basename "$0" .sh)
TMP=$top_builddir/tests/tmp/$t_name/$$
rm -rf "$TMP"
mkdir -p "$TMP" || exit 99
t_cleanup() {
	[ -n "$KEEP" ] && return 0
	chmod -R u+rwx "$TMP" 2>/dev/null
	rm -rf "$TMP"
	rmdir "$top_builddir/tests/tmp/$t_name" "$top_builddir/tests/tmp" 2>/dev/null
	:
}
trap t_cleanup EXIT
trap 'exit 99' HUP INT TERM

t_pass=0 t_failed=0 t_skipped=0
t_ok() { printf 'ok %s\n' "$1"; t_pass=$((t_pass + 1)); }
t_fail() { printf 'FAIL %s\n' "$1${2:+: $2}"; t_failed=$((t_failed + 1)); }
t_skip() { printf 'skip %s\n' "$1${2:+: $2}"; t_skipped=$((t_skipped + 1)); }
t_done() {
	echo "$t_pass passed, $t_failed failed, $t_skipped skipped"
	[ "$t_failed" -gt 0 ] && exit 1
	[ "$t_pass" -eq 0 ] && [ "$t_skipped" -gt 0 ] && exit 77
	exit 0
}

# t_have TOOL...: all the programs are installed.
t_have() {
	for t_h in "$@"; do
		command -v "$t_h" >/dev/null 2>&1 || return 1
	done
}

# t_diff WANT GOT: a short unified diff for a failure report.
t_diff() {
	diff -u "$1" "$2" | sed -n '3,42p' | sed 's/^/    /'
}

if [ ! -x "$GREP" ]; then
	echo "$GREP is not built"
	echo "0 passed, 1 failed, 0 skipped"
	exit 99
fi
