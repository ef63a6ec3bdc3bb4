#!/bin/sh
# Golden tests of the command-line tools, driven by files:
#
#   tests/cli/<tool>/<case>.cmd    one line: the arguments, in sh syntax; $S is
#                                  the samples directory, $T the tests directory,
#                                  $W a scratch directory with generated inputs
#   tests/cli/<tool>/<case>.stdin  standard input (default: empty)
#   tests/cli/<tool>/<case>.out    expected standard output (default: empty)
#   tests/cli/<tool>/<case>.err    expected standard error (default: empty)
#   tests/cli/<tool>/<case>.rc     expected exit status (default: 0)
#   tests/cli/<tool>/<case>.req    what the case needs: "nonroot", program names
#   tests/cli/<tool>/<case>.env    environment: NAME=value lines, in sh syntax
#   tests/cli/<tool>/<case>.stdout where standard output goes instead of being
#                                  compared: "full" (/dev/full) or "closed"
#
# <tool> is the program's name without "k8saudit-" (grep -> k8saudit-grep).
# Commands run in $top_srcdir, so paths in outputs are relative and stable;
# the scratch directory is shown as $W.  A case listed in tests/cli/XFAIL
# ("<tool>/<case> reason") is a known bug: its failure is reported as xfail
# and counted as skipped, and it fails when it starts passing.
#
#   sh tests/cli.sh [CASE...]          run all cases, or those named (grep/exec-post)
#   REGEN=1 sh tests/cli.sh [CASE...]  rewrite the expected files from the
#                                      current output, showing what changed
#                                      (cases in XFAIL only when named)
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

CLI=$top_srcdir/tests/cli
W=$TMP/w
mkdir -p "$W"

# ---- generated inputs (too big, or impossible to keep in git) ----
E=$top_srcdir/tests/framings/events.jsonl
# One event line of 5 MiB: alice applies a ConfigMap holding a large value
# (RequestResponse level, so the object is logged twice), between two
# ordinary lines.
big() { head -c 2621440 /dev/zero | tr '\0' 'Q'; }
{
	sed -n 1p "$E"
	printf '%s' '{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse","auditID":"5b0e7a52-3f0c-4d61-a0f8-96c1d3e2b7a4","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/payments/configmaps?fieldManager=kubectl-client-side-apply\u0026fieldValidation=Strict","verb":"create","user":{"username":"arn:aws:sts::491326785603:assumed-role/AWSReservedSSO_PlatformEngineer_0a9b8c7d6e5f4a3b/alice","uid":"aws-iam-authenticator:491326785603:AROAXG3N7K2MP3SSOPLAT","groups":["system:authenticated"]},"sourceIPs":["52.48.9.211"],"userAgent":"kubectl/v1.30.2 (linux/amd64) kubernetes/3968350","objectRef":{"resource":"configmaps","namespace":"payments","name":"fraud-model","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":201},"requestObject":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"fraud-model","namespace":"payments"},"data":{"model.b64":"'
	big
	printf '%s' '"}},"responseObject":{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"fraud-model","namespace":"payments","uid":"9d3c1f7e-2a4b-4c8d-b1e6-0f5a7c9e3d21","resourceVersion":"48213514","creationTimestamp":"2026-11-20T10:31:07Z"},"data":{"model.b64":"'
	big
	printf '%s\n' '"}},"requestReceivedTimestamp":"2026-11-20T10:31:07.080455Z","stageTimestamp":"2026-11-20T10:31:07.301229Z","annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":""}}'
	sed -n 5p "$E"
} >"$W/big-line.jsonl"
# A log whose first event is large (1.5 MiB), with a line cut short
# (the API server killed mid-write, then restarted appending) later on.
{
	printf '%s' '{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse","auditID":"7f3e2d1c-0b9a-4c8d-9e7f-6a5b4c3d2e1f","stage":"ResponseComplete","requestURI":"/api/v1/namespaces/payments/configmaps/fraud-model?fieldManager=kubectl-client-side-apply","verb":"patch","user":{"username":"arn:aws:sts::491326785603:assumed-role/AWSReservedSSO_PlatformEngineer_0a9b8c7d6e5f4a3b/alice","groups":["system:authenticated"]},"sourceIPs":["52.48.9.211"],"userAgent":"kubectl/v1.30.2 (linux/amd64) kubernetes/3968350","objectRef":{"resource":"configmaps","namespace":"payments","name":"fraud-model","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":200},"requestObject":{"data":{"model.b64":"'
	head -c 1572864 /dev/zero | tr '\0' 'Q'
	printf '%s\n' '"}},"requestReceivedTimestamp":"2026-11-20T10:14:58.080455Z","stageTimestamp":"2026-11-20T10:14:58.301229Z","annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":""}}'
	sed -n 1,2p "$E"
	sed -n 7p "$E" | cut -c1-300
	sed -n 5,6p "$E"
} >"$W/big-first-cut.jsonl"
# An unreadable file next to a readable one.
mkdir -p "$W/perm"
sed -n 1,2p "$E" >"$W/perm/a-readable.jsonl"
sed -n 5,6p "$E" >"$W/perm/b-unreadable.jsonl"
chmod 000 "$W/perm/b-unreadable.jsonl"
# A directory tree with symbolic link loops.
mkdir -p "$W/loop/audit/2026-11-20"
sed -n 1,2p "$E" >"$W/loop/audit/2026-11-20/audit.log"
sed -n 5,6p "$E" >"$W/loop/audit/audit.log"
ln -s .. "$W/loop/audit/2026-11-20/up"
ln -s ../audit "$W/loop/audit/again"

# A synced tree with zero-byte objects beside a log (and one in an archive).
mkdir -p "$W/synced/2026/11/20"
sed -n 1,2p "$E" >"$W/synced/2026/11/20/a.json"
: >"$W/synced/2026/11/20/b.json"
printf '  \n\n' >"$W/synced/2026/11/20/c.json"
(cd "$W/synced/2026/11/20" && tar cf ../../../../synced.tar a.json b.json c.json)

# What an uninstall leaves: an empty rule directory.
mkdir -p "$W/empty-rules"

# A file whose name holds a newline and an escape sequence.
mkdir -p "$W/names"
sed -n 1,3p "$E" >"$W/names/$(printf 'audit\nlog\033[31m.jsonl')"

# One more actor than k8saudit-findings groups (GROUP_MAX), each with a
# get request.
awk 'BEGIN { for (i = 0; i <= 10000; i++) printf "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"a-%d\",\"stage\":\"ResponseComplete\",\"requestURI\":\"/api/v1/pods\",\"verb\":\"get\",\"user\":{\"username\":\"user-%d\"},\"sourceIPs\":[\"10.0.0.1\"],\"objectRef\":{\"resource\":\"pods\"},\"stageTimestamp\":\"2026-11-20T10:00:00.000000Z\"}\n", i, i }' >"$W/many-actors.jsonl"

# ---- the runner ----
regex_quote() { printf '%s' "$1" | sed 's/[][\.*^$|/]/\\&/g'; }
Wq=$(regex_quote "$W")
XFAIL=$CLI/XFAIL
uid=$(id -u)

# needs FILE: 0 when every requirement listed in FILE is met
needs() {
	[ -f "$1" ] || return 0
	for r in $(cat "$1"); do
		case $r in
		nonroot) [ "$uid" != 0 ] || { why="running as root"; return 1; } ;;
		*) t_have "$r" || { why="$r not installed"; return 1; } ;;
		esac
	done
}

run_case() { # tool-dir case-base
	dir=$1 base=$2
	tool=$(basename "$dir")
	name=$tool/$(basename "$base")
	prog=$top_builddir/k8saudit-$tool
	[ -x "$prog" ] || prog=$top_builddir/$tool
	if [ ! -x "$prog" ]; then
		t_skip "$name" "$tool not built"
		return
	fi
	why=
	if ! needs "$base.req"; then
		t_skip "$name" "$why"
		return
	fi
	line=$(sed -n 1p "$base.cmd")
	stdin=/dev/null
	[ -f "$base.stdin" ] && stdin=$base.stdin
	got=$TMP/got
	mkdir -p "$got"
	(
		S=samples T=tests
		cd "$top_srcdir" || exit 99
		if [ -f "$base.env" ]; then
			while IFS= read -r e; do
				[ -n "$e" ] && eval "export $e"
			done <"$base.env"
		fi
		eval "set -- $line"
		case $(cat "$base.stdout" 2>/dev/null) in
		full) : >"$got/out"; exec "$prog" "$@" <"$stdin" >/dev/full 2>"$got/err" ;;
		closed) : >"$got/out"; exec "$prog" "$@" <"$stdin" >&- 2>"$got/err" ;;
		*) exec "$prog" "$@" <"$stdin" >"$got/out" 2>"$got/err" ;;
		esac
	)
	echo $? >"$got/rc"
	case $line$(cat "$base.env" 2>/dev/null) in
	*'$W'*)
		for f in out err; do
			sed "s/$Wq/\$W/g" "$got/$f" >"$got/$f.n" && mv "$got/$f.n" "$got/$f"
		done
		;;
	esac
	: >"$TMP/empty"
	want_out=$base.out want_err=$base.err
	[ -f "$want_out" ] || want_out=$TMP/empty
	[ -f "$want_err" ] || want_err=$TMP/empty
	want_rc=0
	[ -f "$base.rc" ] && want_rc=$(cat "$base.rc")
	got_rc=$(cat "$got/rc")

	xf=$(grep "^$name[ 	]" "$XFAIL" 2>/dev/null | sed 's/^[^ 	]*[ 	]*//')
	if [ -n "$REGEN" ] && [ -n "$xf" ] && [ -z "$named" ]; then
		# its expected files say what should happen, not what does
		t_skip "$name" "listed in tests/cli/XFAIL; name it to regenerate it"
		return
	fi
	if [ -n "$REGEN" ]; then
		changed=
		for f in out err; do
			old=$base.$f
			[ -f "$old" ] || old=$TMP/empty
			if ! cmp -s "$old" "$got/$f"; then
				changed=1
				echo "--- $name.$f"
				diff -u "$old" "$got/$f" | sed -n '3,$p' | head -40
			fi
			if [ -s "$got/$f" ]; then cp "$got/$f" "$base.$f"; else rm -f "$base.$f"; fi
		done
		if [ "$got_rc" != "$want_rc" ]; then
			changed=1
			echo "--- $name.rc: $want_rc -> $got_rc"
		fi
		if [ "$got_rc" = 0 ]; then rm -f "$base.rc"; else echo "$got_rc" >"$base.rc"; fi
		if [ -n "$changed" ]; then t_ok "$name (regenerated)"; else t_ok "$name"; fi
		return
	fi

	bad=
	cmp -s "$want_out" "$got/out" || bad="$bad stdout"
	cmp -s "$want_err" "$got/err" || bad="$bad stderr"
	[ "$got_rc" = "$want_rc" ] || bad="$bad exit-status($got_rc, want $want_rc)"
	if [ -z "$bad" ]; then
		if [ -n "$xf" ]; then
			t_fail "$name" "passes but is listed in tests/cli/XFAIL; remove it there"
		else
			t_ok "$name"
		fi
		return
	fi
	if [ -n "$xf" ]; then
		printf 'xfail %s: %s\n' "$name" "$xf"
		t_skipped=$((t_skipped + 1))
		return
	fi
	t_fail "$name" "differs in$bad"
	echo "    \$ $(basename "$prog") $line"
	cmp -s "$want_out" "$got/out" || t_diff "$want_out" "$got/out"
	cmp -s "$want_err" "$got/err" || t_diff "$want_err" "$got/err"
}

named=
if [ $# -gt 0 ]; then
	named=1
	for c in "$@"; do
		c=${c%.cmd}
		if [ -f "$CLI/$c.cmd" ]; then
			run_case "$CLI/$(dirname "$c")" "$CLI/$c"
		else
			t_fail "$c" "no such case"
		fi
	done
else
	for dir in "$CLI"/*/; do
		dir=${dir%/}
		for cmd in "$dir"/*.cmd; do
			[ -f "$cmd" ] || continue
			run_case "$dir" "${cmd%.cmd}"
		done
	done
fi
t_done
