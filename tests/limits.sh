#!/bin/sh
# --limit NAME=VALUE (cmd/common/limit.c, k8saudit-input(5) Limits): every
# tool that reads logs takes it the same way; at the default cap the input
# is refused with a message naming the option that raises it (exit 2),
# with the cap raised it is read.  Archive depth, zstd window and record
# size; the state size on partial results (--partial, --merge), and in
# tests/unit/test_state.c.
# Last line: "N passed, N failed, N skipped".
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

TOOLS="k8saudit-grep k8saudit-findings rbac-diff secret-scan k8saudit-report"
# k8saudit-report runs the other three, which it finds here
K8SAUDIT_BINDIR=$top_builddir
export K8SAUDIT_BINDIR
EV='{"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"a1","stage":"ResponseComplete","verb":"get","user":{"username":"u"},"objectRef":{"resource":"pods"},"stageTimestamp":"2026-11-20T10:00:00Z"}'

# check NAME TOOL 'ARGS' RC COUNT MESSAGE: TOOL ARGS exits RC; with COUNT
# (k8saudit-grep -c) that count; its messages hold MESSAGE (or none when "").
check() {
	c_name=$1 c_tool=$2 c_args=$3 c_rc=$4 c_count=$5 c_msg=$6
	# shellcheck disable=SC2086
	"$top_builddir/$c_tool" $c_args >"$TMP/out" 2>"$TMP/err"
	c_got=$?
	if [ $c_got = "$c_rc" ] && { [ -z "$c_count" ] || [ "$(cat "$TMP/out")" = "$c_count" ]; } &&
		{ { [ -z "$c_msg" ] && [ ! -s "$TMP/err" ]; } || { [ -n "$c_msg" ] && grep -qF -- "$c_msg" "$TMP/err"; }; }; then
		t_ok "$c_name"
	else
		t_fail "$c_name" "exit $c_got (want $c_rc), out '$(head -c 80 "$TMP/out")': $(head -n 1 "$TMP/err")"
	fi
}

# ---- archive depth: a record in 10 nested tars ----
mkdir -p "$TMP/n" && echo "$EV" >"$TMP/n/r.jsonl" || exit 99
(cd "$TMP/n" && tar -cf l1.tar r.jsonl && i=1 && while [ $i -lt 10 ]; do
	tar -cf "l$((i + 1)).tar" "l$i.tar" || exit 1
	i=$((i + 1))
done) || exit 99
D=$TMP/n/l10.tar
check "archive-depth: 10 nested archives are over the default 8" k8saudit-grep "-c $D" 2 0 \
	"archives nested more than 8 deep, skipped (--limit archive-depth=N raises it)"
check "archive-depth: --limit archive-depth=10 reads them" k8saudit-grep "-c --limit archive-depth=10 $D" 0 1 ""
check "archive-depth: 9 is still too few" k8saudit-grep "-c --limit archive-depth=9 $D" 2 0 "archives nested more than 9 deep"
for t in $TOOLS; do
	"$top_builddir/$t" "$D" >/dev/null 2>"$TMP/err"
	rc=$?
	"$top_builddir/$t" --limit archive-depth=10 "$D" >/dev/null 2>"$TMP/err2"
	rc2=$?
	if [ $rc = 2 ] && grep -qF "(--limit archive-depth=N raises it)" "$TMP/err" && [ $rc2 -le 1 ] && [ ! -s "$TMP/err2" ]; then
		t_ok "archive-depth: $t refuses at the default, reads with --limit"
	else
		t_fail "archive-depth: $t refuses at the default, reads with --limit" "exit $rc, then $rc2: $(head -n 1 "$TMP/err2")"
	fi
done

# ---- zstd window: a frame with a 1 GiB window (tests/bad) ----
W=$top_srcdir/tests/bad/window-1g.log.zst
check "zstd-window: a 1 GiB window is over the default 128 MiB" k8saudit-grep "-c $W" 2 0 \
	"frame window larger than the 128 MiB limit, not decoded (--limit zstd-window=SIZE raises it)"
check "zstd-window: --limit zstd-window=1G decodes it" k8saudit-grep "-c --limit zstd-window=1G $W" 0 3 ""
check "zstd-window: 512M is too small, said with it" k8saudit-grep "-c --limit zstd-window=512MiB $W" 2 0 \
	"larger than the 512 MiB limit"

# ---- record size: one record of 65 MiB ----
R=$TMP/big.jsonl
{ printf '{"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"big","verb":"get","x":"'
	head -c 68157440 /dev/zero | tr '\0' a
	printf '"}\n%s\n' "$EV"; } >"$R" || exit 99
check "record: a 65 MiB record is over the default 64 MiB" k8saudit-grep "-c $R" 2 1 "longer than the limit of 67108864 bytes, skipped (--limit record=SIZE raises it)"
check "record: --limit record=128M reads it" k8saudit-grep "-c --limit record=128M $R" 0 2 ""

# ---- state size: a partial result (scale-out) is a state file too ----
# 3000 records that each tool keeps whole (an RBAC change by anonymous,
# holding an access key id): every partial is over 1 MiB.  --limit
# state=1M refuses to write it, or to merge it, naming the option; the
# default cap takes it.
P=$TMP/keep.jsonl
awk 'BEGIN { for (i = 0; i < 3000; i++)
	printf "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"id-%06d\",\"stage\":\"ResponseComplete\",\"verb\":\"create\",\"user\":{\"username\":\"system:anonymous\",\"groups\":[\"system:unauthenticated\"]},\"sourceIPs\":[\"185.220.101.%d\"],\"userAgent\":\"curl/8.0\",\"objectRef\":{\"resource\":\"clusterrolebindings\",\"name\":\"crb-%d\",\"apiGroup\":\"rbac.authorization.k8s.io\"},\"responseStatus\":{\"code\":201},\"requestObject\":{\"kind\":\"ClusterRoleBinding\",\"metadata\":{\"name\":\"crb-%d\",\"annotations\":{\"note\":\"AKIAUQ4ZP7LKD2MWX6RB\"}},\"roleRef\":{\"kind\":\"ClusterRole\",\"name\":\"cluster-admin\"},\"subjects\":[{\"kind\":\"User\",\"name\":\"u%d\"}]},\"stageTimestamp\":\"2026-11-20T10:%02d:%02d.%06dZ\"}\n",
		i, i % 250, i, i, i, (i / 60) % 60, i % 60, i }' >"$P" || exit 99
for t in k8saudit-findings rbac-diff secret-scan; do
	check "state: $t --limit state=1M does not write a 2 MiB partial" "$t" "--limit state=1M --partial $TMP/$t.p1 $P" 2 "" \
		"cannot save: the state would be"
	check "state: $t writes it at the default cap" "$t" "--partial $TMP/$t.p $P" 0 "" ""
	check "state: $t --merge --limit state=1M does not read it" "$t" "--limit state=1M --merge $TMP/$t.p" 2 "" \
		"over the 1 MiB a state may be (--limit state=SIZE raises it)"
	"$top_builddir/$t" --merge "$TMP/$t.p" >"$TMP/merged" 2>"$TMP/err"
	rc=$?
	"$top_builddir/$t" --limit state=64M --merge "$TMP/$t.p" >"$TMP/merged3" 2>>"$TMP/err"
	if [ $rc -le 1 ] && [ $? -le 1 ] && [ -s "$TMP/merged" ] && cmp -s "$TMP/merged" "$TMP/merged3" && [ ! -s "$TMP/err" ]; then
		t_ok "state: $t merges it at the default cap and at --limit state=64M"
	else
		t_fail "state: $t merges it at the default cap and at --limit state=64M" "exit $rc: $(head -n 1 "$TMP/err")"
	fi
done
# k8saudit-report merges a findings partial given with --results
check "state: k8saudit-report --limit state=1M does not merge it" k8saudit-report \
	"--limit state=1M --json --results $TMP/k8saudit-findings.p" 2 "" "over the 1 MiB a state may be"
check "state: k8saudit-report merges it at the default cap" k8saudit-report \
	"--json --results $TMP/k8saudit-findings.p" 0 "" ""

# ---- usage ----
for c in "foo=1:--limit: not NAME=VALUE with NAME record, archive-depth, zstd-window or state: 'foo=1'" \
	"record:--limit: not NAME=VALUE" \
	"record=1M:--limit record: not a size from 64M to 1T: '1M'" \
	"record=64X:--limit record: not a size from 64M to 1T" \
	"archive-depth=0:--limit archive-depth: not a number from 1 to 64: '0'" \
	"archive-depth=65:--limit archive-depth: not a number from 1 to 64" \
	"archive-depth=8K:--limit archive-depth: not a number from 1 to 64" \
	"zstd-window=3G:--limit zstd-window: not a size from 1M to 2G: '3G'" \
	"state=1K:--limit state: not a size from 1M to 1T: '1K'"; do
	for t in $TOOLS; do
		check "usage: $t --limit ${c%%:*}" "$t" "--limit ${c%%:*} $W" 2 "" "${c#*:}"
	done
done

t_done
