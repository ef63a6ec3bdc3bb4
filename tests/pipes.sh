#!/bin/sh
# What k8saudit-grep --json prints is input for the other tools: piping
# it into them must give, for the selected records, what they give
# reading the files themselves (same findings, same RBAC history), on
# every sample incident.  Locations differ (the pipe is "<stdin>"), so
# columns that name them are left out of the comparison.
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
FIND=$top_builddir/k8saudit-findings
RBAC=$top_builddir/rbac-diff
cd "$top_srcdir" || exit 2

# same NAME CUT -- FILES-COMMAND -- PIPE-COMMAND: stdout equal after cut
same() {
	name=$1 fields=$2
	shift 3
	files_cmd= pipe_cmd=
	while [ "$1" != "--" ]; do files_cmd="$files_cmd '$1'"; shift; done
	shift
	eval "$files_cmd" 2>"$TMP/err1" | cut -f"$fields" >"$TMP/files"
	eval "$*" 2>"$TMP/err2" | cut -f"$fields" >"$TMP/pipe"
	if [ ! -s "$TMP/files" ]; then
		t_fail "$name" "no output reading the files"
	elif cmp -s "$TMP/files" "$TMP/pipe"; then
		t_ok "$name ($(wc -l <"$TMP/files") lines)"
	else
		t_fail "$name" "differs"
		t_diff "$TMP/files" "$TMP/pipe"
	fi
}

for s in samples/con318 samples/sysdig; do
	same "findings $s" 1-8 -- "$FIND" "$s" -- "'$GREP' --json '$s' | '$FIND' -"
done

# A selection: the single-record rules must give, on the selected
# requests, the findings they give on those requests reading the files.
# (Correlations look at other records too, so only rules of kind event.)
if t_have jq; then
	"$FIND" --list-rules --json | jq -r 'select(.kind == "event") | .rule' | sort >"$TMP/single"
	for s in samples/con318 samples/sysdig; do
		x='verb in (create, update, patch, delete) or user=system:anonymous or eventName exists'
		"$GREP" --json -w "$x" "$s" | jq -r '.auditID // .eventID' | sort -u >"$TMP/ids"
		"$FIND" --json "$s" | jq -r '[.event_id, .rule] | @tsv' | sort >"$TMP/all"
		"$GREP" --json -w "$x" "$s" | "$FIND" --json - | jq -r '[.event_id, .rule] | @tsv' | sort >"$TMP/sel"
		# keep the pairs of selected events and single-record rules
		awk -F'\t' 'FILENAME == ARGV[1] { id[$1] = 1; next }
			FILENAME == ARGV[2] { one[$1] = 1; next }
			($1 in id) && ($2 in one)' "$TMP/ids" "$TMP/single" "$TMP/all" >"$TMP/want"
		awk -F'\t' 'FILENAME == ARGV[1] { one[$1] = 1; next } ($2 in one)' "$TMP/single" "$TMP/sel" >"$TMP/got"
		if [ ! -s "$TMP/want" ]; then
			t_fail "findings $s, selected" "nothing selected"
		elif cmp -s "$TMP/want" "$TMP/got"; then
			t_ok "findings $s, selected ($(wc -l <"$TMP/want") findings)"
		else
			t_fail "findings $s, selected" "differs"
			t_diff "$TMP/want" "$TMP/got"
		fi
		# findings -w selects the records grep -w does
		"$FIND" --json -w "$x" "$s" | jq -r '[.event_id, .rule] | @tsv' | sort >"$TMP/where"
		awk -F'\t' 'FILENAME == ARGV[1] { one[$1] = 1; next } ($2 in one)' "$TMP/single" "$TMP/where" >"$TMP/got"
		if cmp -s "$TMP/want" "$TMP/got"; then
			t_ok "findings -w $s = grep -w | findings ($(wc -l <"$TMP/got") findings)"
		else
			t_fail "findings -w $s" "differs from grep -w | findings"
			t_diff "$TMP/want" "$TMP/got"
		fi
	done
else
	t_skip "findings, selected" "jq is not installed"
fi
same "rbac-diff con318" 1-9 -- "$RBAC" samples/con318 -- "'$GREP' --json samples/con318 | '$RBAC' -"
same "rbac-diff con318, selected" 1-9 -- "$RBAC" samples/con318 -- \
	"'$GREP' --json -w 'resource in (clusterrolebindings, rolebindings) or eventSource=sts.amazonaws.com' samples/con318 | '$RBAC' -"
# the key event of CON318, through a pipe that selects only its request
"$GREP" --json -w 'name=cluster-system-anonymous and verb=create' samples/con318 |
	"$FIND" --rule K8S-RBAC-003 - >"$TMP/out" 2>&1
if [ $? = 1 ] && grep -q 'critical	K8S-RBAC-003' "$TMP/out"; then
	t_ok "K8S-RBAC-003 through a selective pipe"
else
	t_fail "K8S-RBAC-003 through a selective pipe"
fi
t_done
