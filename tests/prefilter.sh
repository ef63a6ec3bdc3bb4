#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# The byte prefilter never changes results: every query gives the same
# standard output, standard error and exit status with and without
# --no-prefilter, over the samples, the test fixtures, the public datasets
# in ../shared/datasets (when present), a slice of the benchmark generator's
# output, and records whose values are written with JSON escapes (\/ and
# \u00XX) that the raw bytes do not show as the literal.  And the read-ahead
# thread never changes results either.
#
# Last line: "N passed, N failed"; exit 1 when something failed.

: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${K8SAUDIT_RULES_DIR:=$top_srcdir/rules}"; export K8SAUDIT_RULES_DIR
: "${top_builddir:=$top_srcdir}"
top_srcdir=$(cd "$top_srcdir" && pwd)
top_builddir=$(cd "$top_builddir" && pwd)
LC_ALL=C TZ=UTC
export LC_ALL TZ
GREP=$top_builddir/k8saudit-grep
D=${K8SAUDIT_DATASETS:-$top_srcdir/../shared/datasets}
pass=0 fail=0

if [ ! -x "$GREP" ]; then
	echo "FAIL $GREP is not built"
	echo "0 passed, 1 failed"
	exit 1
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/k8a-prefilter.XXXXXX") || exit 99
mkdir -p "$tmp/corpus" || exit 99
trap 'rm -rf "$tmp"' EXIT
trap 'exit 99' HUP INT TERM

# ---- the corpus ----
# Paths are given one by one, so that the file names in the output are
# the same in every run.
# (Inputs only: tests/cli holds expected outputs, tests/bad inputs broken
# on purpose, whose diagnostics depend on what gets parsed.)
set --
for p in "$top_srcdir/samples" "$top_srcdir/tests/framings" "$top_srcdir/tests/skim"; do
	[ -e "$p" ] && set -- "$@" "$p"
done
if [ -d "$top_srcdir/tests/findings" ]; then
	find "$top_srcdir/tests/findings" -type f -name '*.jsonl' | sort > "$tmp/fixtures"
	while read -r f; do
		set -- "$@" "$f"
	done < "$tmp/fixtures"
fi
if [ -d "$D" ]; then
	# Every file but the one malformed on purpose: a record that cannot
	# match is skipped unparsed, so whether its defects are reported
	# depends on the prefilter; --validate (below) is the way to have
	# them all.
	for f in "$D"/*/*; do
		case $f in
		*/LICENSE|*/README*|*/fal_01_003.json) ;;
		*) [ -f "$f" ] && set -- "$@" "$f" ;;
		esac
	done
else
	echo "note: $D absent, public datasets not used"
fi

# A slice of realistic EKS and CloudTrail noise from the benchmark's
# generator, when a compiler and zlib are at hand.
if ${CC:-cc} -O2 -o "$tmp/gen" "$top_srcdir/tests/bench/gen.c" -lz 2>/dev/null; then
	"$tmp/gen" eks -s 3 -n 4000 > "$tmp/corpus/eks.jsonl" &&
	gzip -c "$tmp/corpus/eks.jsonl" > "$tmp/corpus/eks.jsonl.gz" &&
	"$tmp/gen" cloudtrail -s 3 -d "$tmp/corpus/ct" -f 6 -r 40 &&
	set -- "$@" "$tmp/corpus/eks.jsonl" "$tmp/corpus/eks.jsonl.gz" "$tmp/corpus/ct"
else
	echo "note: cannot build tests/bench/gen.c, generated corpus not used"
fi

# Values in the raw bytes written with escapes that real encoders use:
# "\/" (PHP, some Java libraries) and Go's \u0026 \u003c \u003e.
esc=$tmp/corpus/escapes.jsonl
cat > "$esc" <<'EOF'
{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a0000000-0000-4000-8000-000000000001","stage":"ResponseComplete","requestURI":"\/api\/v1\/namespaces\/default\/pods?fieldManager=kubectl-create\u0026fieldValidation=Strict","verb":"create","user":{"username":"system:serviceaccount:kube-system:aws-node","groups":["system:serviceaccounts","system:authenticated"]},"sourceIPs":["10.0.0.1"],"userAgent":"kubectl\/v1.29.2 (linux\/amd64) kubernetes\/4b8e819","objectRef":{"resource":"pods","namespace":"default","name":"web-1","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":201},"requestReceivedTimestamp":"2026-11-01T00:00:00.000000Z","stageTimestamp":"2026-11-01T00:00:00.010000Z","annotations":{"authorization.k8s.io/decision":"allow","authorization.k8s.io/reason":"RBAC: allowed by ClusterRoleBinding \"aws-node\" of ClusterRole \"aws-node\" to ServiceAccount \"aws-node\/kube-system\""}}
{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse","auditID":"a0000000-0000-4000-8000-000000000002","stage":"ResponseComplete","requestURI":"\/apis\/rbac.authorization.k8s.io\/v1\/clusterrolebindings","verb":"create","user":{"username":"arn:aws:sts::123456789012:assumed-role\/Admin\/alice","groups":["system:masters","system:authenticated"],"extra":{"accessKeyId":["ASIAQWERTYUIOPASDFGH"],"arn":["arn:aws:sts::123456789012:assumed-role\/Admin\/alice"]}},"sourceIPs":["203.0.113.9"],"userAgent":"kubectl\/v1.29.2","objectRef":{"resource":"clusterrolebindings","name":"pwn","apiGroup":"rbac.authorization.k8s.io","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":201},"requestObject":{"kind":"ClusterRoleBinding","metadata":{"name":"pwn"},"roleRef":{"kind":"ClusterRole","name":"cluster-admin"},"note":"\u003cscript\u003e"},"requestReceivedTimestamp":"2026-11-01T00:00:01.000000Z","stageTimestamp":"2026-11-01T00:00:01.010000Z"}
{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"a0000000-0000-4000-8000-000000000003","stage":"ResponseComplete","requestURI":"\/api\/v1\/namespaces\/kube-system\/pods\/aws-node-x\/exec?command=sh\u0026command=-c\u0026command=id%3Bls\u0026container=aws-node\u0026stdin=true","verb":"create","user":{"username":"bob","groups":["developers","system:authenticated"]},"sourceIPs":["198.51.100.7"],"objectRef":{"resource":"pods","namespace":"kube-system","name":"aws-node-x","apiVersion":"v1","subresource":"exec"},"responseStatus":{"metadata":{},"code":101},"requestReceivedTimestamp":"2026-11-01T00:00:02.000000Z","stageTimestamp":"2026-11-01T00:00:02.010000Z"}
{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","principalId":"AIDAQWERTYUIOPASDFGHJ","arn":"arn:aws:iam::123456789012:user\/bob","accountId":"123456789012","accessKeyId":"AKIAQWERTYUIOPASDFGH","userName":"bob"},"eventTime":"2026-11-01T00:00:03Z","eventSource":"sts.amazonaws.com","eventName":"AssumeRole","awsRegion":"eu-west-1","sourceIPAddress":"198.51.100.7","userAgent":"aws-cli\/2.15.0","requestParameters":{"roleArn":"arn:aws:iam::123456789012:role\/Admin","roleSessionName":"alice"},"responseElements":null,"eventID":"c0000000-0000-4000-8000-000000000004","eventType":"AwsApiCall","recipientAccountId":"123456789012"}
EOF
set -- "$@" "$esc"

# ---- the queries ----
# one per line: a label, a tab, then the arguments (sh syntax)
queries=$tmp/queries
cat > "$queries" <<'EOF'
selective	-w 'verb=create and resource=clusterrolebindings'
selective -c	-c -w 'verb=create and resource=clusterrolebindings'
or	-w 'verb=delete or resource=secrets'
in	-w 'resource in (secrets, configmaps, serviceaccounts)'
not	-w 'verb=create and not resource=pods'
prefix uri	-w 'uri^=/api/v1/namespaces/kube-system/'
suffix user	-w 'user$=:aws-node'
substring	-w 'user*=serviceaccount:kube-sys'
uri with /	-w 'uri=/apis/rbac.authorization.k8s.io/v1/clusterrolebindings'
user with :	-w 'user=system:serviceaccount:kube-system:aws-node'
user node	-w 'user=system:node:ip-10-0-1-23.eu-west-1.compute.internal'
anonymous	-w 'user=system:anonymous'
arn with / and :	-w 'arn=arn:aws:sts::123456789012:assumed-role/Admin/alice'
json path	-w 'objectRef.namespace=kube-system and code>=200'
exec	--exec
exec command	-w 'command*=sh'
cloudtrail event	-w 'eventName=AssumeRole'
cloudtrail or	-w 'eventName in (ConsoleLogin, CreateAccessKey, PutBucketPolicy) or service=iam.amazonaws.com'
cloudtrail arn	-w 'arn=arn:aws:iam::123456789012:user/bob'
cloudtrail -c	-c -w 'eventName=AssumeRole and region=eu-west-1'
key	-w 'key in (AKIAQWERTYUIOPASDFGH, ASIAQWERTYUIOPASDFGH)'
json output	--json -w 'verb=create and resource=clusterrolebindings'
fields	--fields time,user,verb,uri -w 'verb=patch and subresource=status'
regex and field	-e 'cluster-admin' -w 'verb=create'
-l	-l -w 'verb=create and resource=clusterrolebindings'
-c whole	-c
EOF

# run LABEL ARGS: compare with and without the prefilter
hits=0
while IFS='	' read -r label args; do
	eval "\"\$GREP\" $args \"\$@\"" > "$tmp/out1" 2> "$tmp/err1"
	rc1=$?
	eval "\"\$GREP\" --no-prefilter $args \"\$@\"" > "$tmp/out2" 2> "$tmp/err2"
	rc2=$?
	if cmp -s "$tmp/out1" "$tmp/out2" && cmp -s "$tmp/err1" "$tmp/err2" && [ "$rc1" = "$rc2" ]; then
		echo "ok $label ($(wc -l < "$tmp/out1") lines, exit $rc1)"
		pass=$((pass + 1))
		[ -s "$tmp/out1" ] && hits=$((hits + 1))
	else
		echo "FAIL $label: exit $rc1 with the prefilter, $rc2 without"
		diff "$tmp/out2" "$tmp/out1" | head -10 | sed 's/^/    out /'
		diff "$tmp/err2" "$tmp/err1" | head -10 | sed 's/^/    err /'
		fail=$((fail + 1))
	fi
done < "$queries"

# The corpus must give the queries something to find.
if [ "$hits" -ge 15 ]; then
	echo "ok queries select records ($hits of them)"
	pass=$((pass + 1))
else
	echo "FAIL only $hits queries selected anything: the corpus is too thin to test the prefilter"
	fail=$((fail + 1))
fi

# The record malformed on purpose: with --validate everything is parsed,
# so it is reported either way.
if [ -f "$D/falco-k8s-audit/fal_01_003.json" ]; then
	"$GREP" --validate -w 'verb=create' "$D/falco-k8s-audit" > "$tmp/out1" 2> "$tmp/err1"
	rc1=$?
	"$GREP" --validate --no-prefilter -w 'verb=create' "$D/falco-k8s-audit" > "$tmp/out2" 2> "$tmp/err2"
	rc2=$?
	if cmp -s "$tmp/out1" "$tmp/out2" && cmp -s "$tmp/err1" "$tmp/err2" && [ "$rc1" = "$rc2" ] && [ -s "$tmp/err1" ]; then
		echo "ok --validate reports the malformed record with and without the prefilter"
		pass=$((pass + 1))
	else
		echo "FAIL --validate: exit $rc1 / $rc2, diagnostics differ or missing"
		fail=$((fail + 1))
	fi
fi

# The read-ahead thread (lib/readahead.c) changes nothing either: the same
# output, diagnostics and status with it and without (K8SAUDIT_READAHEAD=0),
# also when the stream breaks off (the error comes after the same records).
if [ -s "$tmp/corpus/eks.jsonl.gz" ]; then
	gzip -dc "$tmp/corpus/eks.jsonl.gz" | zstd -q -c > "$tmp/ra.jsonl.zst" 2>/dev/null || rm -f "$tmp/ra.jsonl.zst"
	n=$(wc -c < "$tmp/corpus/eks.jsonl.gz")
	head -c $((n * 2 / 3)) "$tmp/corpus/eks.jsonl.gz" > "$tmp/ra-cut.jsonl.gz"
	for q in "-w 'verb=create and resource=clusterrolebindings'" "-c" "--json -w 'user*=system:node'" "--exec"; do
		for f in "$tmp/corpus/eks.jsonl.gz" "$tmp/ra.jsonl.zst" "$tmp/ra-cut.jsonl.gz" "$tmp/corpus/ct"; do
			[ -e "$f" ] || continue
			eval "\"\$GREP\" $q \"\$f\"" > "$tmp/out1" 2> "$tmp/err1"
			rc1=$?
			eval "K8SAUDIT_READAHEAD=0 \"\$GREP\" $q \"\$f\"" > "$tmp/out2" 2> "$tmp/err2"
			rc2=$?
			if cmp -s "$tmp/out1" "$tmp/out2" && cmp -s "$tmp/err1" "$tmp/err2" && [ "$rc1" = "$rc2" ]; then
				echo "ok read-ahead on = off: $q $(basename "$f") ($(wc -l < "$tmp/out1") lines, exit $rc1)"
				pass=$((pass + 1))
			else
				echo "FAIL read-ahead on != off: $q $(basename "$f"): exit $rc1 / $rc2"
				diff "$tmp/out2" "$tmp/out1" | head -6 | sed 's/^/    out /'
				diff "$tmp/err2" "$tmp/err1" | head -6 | sed 's/^/    err /'
				fail=$((fail + 1))
			fi
		done
	done
fi

# Letters and ':' written as \u00XX: valid JSON that no encoder we know
# writes for these bytes, but the prefilter must not skip them either.
hand=$tmp/hand.jsonl
cat > "$hand" <<'EOF'
{"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"b0000000-0000-4000-8000-000000000001","stage":"ResponseComplete","requestURI":"/healthz","verb":"get","user":{"username":"system\u003aanonymous","groups":["system:unauthenticated"]},"sourceIPs":["10.0.0.2"],"responseStatus":{"metadata":{},"code":200},"stageTimestamp":"2026-11-01T00:00:01.000000Z"}
{"eventVersion":"1.08","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::123456789012:user/bob","accountId":"123456789012","userName":"bob"},"eventTime":"2026-11-01T00:00:02Z","eventSource":"sts.amazonaws.com","eventName":"\u0041ssumeRole","awsRegion":"eu-west-1","sourceIPAddress":"198.51.100.7","eventID":"c0000000-0000-4000-8000-000000000009"}
EOF
for q in 'user=system:anonymous' 'eventName=AssumeRole'; do
	a=$("$GREP" -c -w "$q" "$hand" 2>&1)
	b=$("$GREP" --no-prefilter -c -w "$q" "$hand" 2>&1)
	if [ "$a" = "$b" ]; then
		echo "ok \\u00XX-escaped literal: $q"
		pass=$((pass + 1))
	else
		echo "FAIL \\u00XX-escaped literal: $q: $a with the prefilter, $b without"
		fail=$((fail + 1))
	fi
done

# The quick scan (lib/skim.c) reads members without parsing; records built
# to trip it (members given twice, escaped keys and values, arrays and
# strings where objects are expected, numbers where strings are) must get
# the answers a parse gives.  The expected counts are the parser's.
traps=$top_srcdir/tests/skim/traps.jsonl
while IFS='	' read -r want q; do
	case $want in '#'*|'') continue ;; esac
	a=$("$GREP" -c -w "$q" "$traps" 2>&1)
	b=$("$GREP" --no-prefilter -c -w "$q" "$traps" 2>&1)
	if [ "$a" = "$want" ] && [ "$b" = "$want" ]; then
		echo "ok skim trap: $q ($want)"
		pass=$((pass + 1))
	else
		echo "FAIL skim trap: $q: $a with the prefilter, $b without, $want expected"
		fail=$((fail + 1))
	fi
done < "$top_srcdir/tests/skim/queries"

# k8saudit-findings: its rule dispatch (by resource and eventName, the
# quick scan, each rule's literals) gives what trying every rule on every
# parsed record gives, over the whole corpus.
FIND=$top_builddir/k8saudit-findings
for fmt in tsv json; do
	"$FIND" --format $fmt "$@" > "$tmp/out1" 2> "$tmp/err1"
	rc1=$?
	"$FIND" --no-prefilter --format $fmt "$@" > "$tmp/out2" 2> "$tmp/err2"
	rc2=$?
	if cmp -s "$tmp/out1" "$tmp/out2" && cmp -s "$tmp/err1" "$tmp/err2" && [ "$rc1" = "$rc2" ] && [ -s "$tmp/out1" ]; then
		echo "ok findings --format $fmt: dispatch = every rule on every record ($(wc -l < "$tmp/out1") lines, exit $rc1)"
		pass=$((pass + 1))
	else
		echo "FAIL findings --format $fmt: exit $rc1 with the dispatch, $rc2 without"
		diff "$tmp/out2" "$tmp/out1" | head -10 | sed 's/^/    out /'
		diff "$tmp/err2" "$tmp/err1" | head -10 | sed 's/^/    err /'
		fail=$((fail + 1))
	fi
done

# Records cut down to what each rule's expression needs (tests/findings/
# minimize.c: members, elements and string values removed while the rule
# still matches): a literal the prefilter asks for that the expression does
# not require (a word of a status message, a hand-picked literal) shows as
# a difference here, for findings and for grep with the rule's expression.
MIN=$top_builddir/tests/findings/minimize
if [ -x "$MIN" ]; then
	"$FIND" --list-rules --json | "$MIN" "$top_srcdir/tests/findings" > "$tmp/minimal.jsonl" 2> "$tmp/min.err"
	if [ $? = 0 ]; then
		echo "ok grep's prefilter and quick scan, and the rules' literals, on minimal records ($(tail -n 1 "$tmp/min.err"))"
		pass=$((pass + 1))
	else
		echo "FAIL minimal records:"
		head -n 10 "$tmp/min.err" | sed 's/^/    /'
		fail=$((fail + 1))
	fi
	"$FIND" "$tmp/minimal.jsonl" > "$tmp/out1" 2> "$tmp/err1"
	rc1=$?
	"$FIND" --no-prefilter "$tmp/minimal.jsonl" > "$tmp/out2" 2> "$tmp/err2"
	rc2=$?
	if cmp -s "$tmp/out1" "$tmp/out2" && cmp -s "$tmp/err1" "$tmp/err2" && [ "$rc1" = "$rc2" ] && [ -s "$tmp/out1" ]; then
		echo "ok findings on minimal records: dispatch = every rule ($(wc -l < "$tmp/out1") findings)"
		pass=$((pass + 1))
	else
		echo "FAIL findings on minimal records: exit $rc1 with the dispatch, $rc2 without"
		diff "$tmp/out2" "$tmp/out1" | head -10 | sed 's/^/    out /'
		fail=$((fail + 1))
	fi
else
	echo "FAIL $MIN is not built"
	fail=$((fail + 1))
fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
