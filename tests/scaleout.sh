#!/bin/sh
# Scale-out of k8saudit-findings: N shards (--shard K/N --partial FILE)
# merged (--merge, the partials in any order) print byte for byte what one
# run over all the inputs prints, for N = 1 to 4, in every format, over
# the samples, the rule fixtures, the tree of tests/state-tree.sh (bursts
# cut across objects, grading taught by one object and used by another),
# the generated incident and a generated tree of thousands of objects; a
# tree of merges does too; GNU parallel runs the shards when installed.
# A partial that is corrupt, foreign, of other rules or given twice is an
# error naming it (exit 2).  Last line: "N passed, N failed, N skipped".
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/state-tree.sh"

FINDINGS=$top_builddir/k8saudit-findings
GEN=$top_builddir/tests/incident/gen
SAMPLES=$top_srcdir/samples

# shards NAME N ARGS...: run N shards of the findings over ARGS into
# $TMP/NAME.K, and list them in $TMP/NAME.list, last shard first (the
# merge must not depend on the order).  Shards that exit 2 fail.
shards() {
	s_name=$1 s_n=$2 s_k=0
	shift 2
	s_list=
	while [ $s_k -lt "$s_n" ]; do
		rm -f "$TMP/$s_name.$s_k"
		"$FINDINGS" --shard "$s_k/$s_n" --partial "$TMP/$s_name.$s_k" "$@" 2>>"$TMP/$s_name.err" || return 1
		s_list="$TMP/$s_name.$s_k $s_list"
		s_k=$((s_k + 1))
	done
	echo "$s_list" >"$TMP/$s_name.list"
}

# same NAME OUTARGS NS INARGS...: one run's output and exit status against
# the merge of N shards' for each N of NS, with the output options OUTARGS.
same() {
	m_name=$1 m_out=$2 m_ns=$3
	shift 3
	# shellcheck disable=SC2086
	"$FINDINGS" $m_out "$@" >"$TMP/one" 2>"$TMP/one.err"
	m_rc=$?
	if [ $m_rc -gt 1 ] || [ ! -s "$TMP/one" ]; then
		t_fail "$m_name: one run" "exit $m_rc: $(head -n 1 "$TMP/one.err")"
		return
	fi
	for m_n in $m_ns; do
		if ! shards "$m_name" $m_n "$@"; then
			t_fail "$m_name: $m_n shards" "$(tail -n 1 "$TMP/$m_name.err")"
			continue
		fi
		# shellcheck disable=SC2086,SC2046
		"$FINDINGS" $m_out --merge $(cat "$TMP/$m_name.list") >"$TMP/merged" 2>"$TMP/merged.err"
		m_mrc=$?
		if [ $m_mrc = $m_rc ] && cmp -s "$TMP/one" "$TMP/merged" && [ ! -s "$TMP/merged.err" ]; then
			t_ok "$m_name: $m_n shards merged print what one run prints"
		else
			t_fail "$m_name: $m_n shards merged print what one run prints" \
				"exit $m_mrc, not $m_rc: $(head -n 1 "$TMP/merged.err")"
			t_diff "$TMP/one" "$TMP/merged"
		fi
	done
}

ALL="1 2 3 4"
same samples --json "$ALL" "$SAMPLES"
same samples-tsv "--header" 3 "$SAMPLES"
same samples-ocsf "--format ocsf" 2 "$SAMPLES"
same samples-asff "--format asff --aws-account 123456789012 --region eu-west-1" 4 "$SAMPLES"
same samples-by-actor "--summary" 3 "$SAMPLES"
same fixtures --json "$ALL" "$top_srcdir/tests/findings"
same fixtures-csv "--format csv" 3 "$top_srcdir/tests/findings"
state_tree_src "$TMP/tree" || exit 99
same state-tree --json "$ALL" "$TMP/tree"
same state-tree-by-rule "--group-by rule" 2 "$TMP/tree"
same baseline --json "1 3" --baseline "$SAMPLES/sysdig" "$SAMPLES/con318" "$SAMPLES/leaked-credentials"

# A generated tree of 2000 objects of a record or two each, in 40
# directories: records of one request split across objects, principals and
# addresses first seen in one object and used in others.
BIG=$TMP/big
gzip -dc "$SAMPLES"/*/eks-audit/exportedlogs/*/*/000000.gz >"$TMP/eks.txt" || exit 99
i=0
while [ $i -lt 40 ]; do
	mkdir -p "$BIG/$(printf d%02d $i)" || exit 99
	i=$((i + 1))
done
awk -v root="$BIG" '{ f = sprintf("%s/d%02d/o%04d.jsonl", root, int((NR - 1) % 2000 / 50), (NR - 1) % 2000)
	print >>f; close(f) }' "$TMP/eks.txt" || exit 99
[ "$(find "$BIG" -type f | wc -l)" -eq 2000 ] || exit 99
same big --json "2 4" "$BIG"

# Names that are not UTF-8 (any bytes are a file name) travel in the
# partials as bytes.
mkdir -p "$TMP/u8/$(printf 'd\377')" || exit 99
cp "$top_srcdir/tests/findings/k8s/K8S-ANOM-001.pos.jsonl" "$TMP/u8/$(printf 'd\377')/$(printf 'a\376.jsonl')" &&
	cp "$top_srcdir/tests/findings/k8s/K8S-ANOM-002.pos.jsonl" "$TMP/u8/$(printf 'b\351.jsonl')" || exit 99
same u8 --json "1 2" "$TMP/u8"

# Walk order is not byte order of whole paths: a/ is read before a-b/ (a
# directory's names sorted, "a" before "a-b").  The same records at the
# same times in both: the order of their findings shows the merge's.
mkdir -p "$TMP/order/a" "$TMP/order/a-b" "$TMP/order/a.b" || exit 99
for d in a a-b a.b; do
	cp "$top_srcdir/tests/findings/k8s/K8S-ANOM-001.pos.jsonl" "$TMP/order/$d/x.jsonl" || exit 99
done
same walk-order --json "2 3 4" "$TMP/order"

if [ -x "$GEN" ] && "$GEN" -n 2000 -c 600 "$TMP/incident" >/dev/null 2>&1; then
	same incident --json "$ALL" --aws-ip-ranges "$top_srcdir/tests/incident/fixture/ip-ranges.json" "$TMP/incident/input"
else
	t_skip "incident" "tests/incident/gen is not built (make check builds it)"
fi

# A tree of merges: shards merged by pairs into partials, those merged.
"$FINDINGS" --json "$TMP/tree" >"$TMP/one"
shards tree4 4 "$TMP/tree" &&
	"$FINDINGS" --merge --partial "$TMP/m13" "$TMP/tree4.3" "$TMP/tree4.1" &&
	"$FINDINGS" --merge --partial "$TMP/m02" "$TMP/tree4.0" "$TMP/tree4.2" &&
	"$FINDINGS" --merge --partial "$TMP/m0123" "$TMP/m13" "$TMP/m02" &&
	"$FINDINGS" --json --merge "$TMP/m0123" >"$TMP/merged"
if [ -s "$TMP/one" ] && cmp -s "$TMP/one" "$TMP/merged"; then
	t_ok "tree of merges: partials of merged partials print what one run prints"
else
	t_fail "tree of merges: partials of merged partials print what one run prints"
	t_diff "$TMP/one" "$TMP/merged"
fi

# GNU parallel: 4 shards at once on this machine, the merge after.
if t_have parallel; then
	"$FINDINGS" --json "$BIG" "$TMP/tree" >"$TMP/one"
	parallel --will-cite --halt now,fail=1 "$FINDINGS" --shard {}/4 --partial "$TMP/par.p.{}" "$BIG" "$TMP/tree" \
		::: 0 1 2 3 2>"$TMP/par.err"
	prc=$?
	"$FINDINGS" --json --merge "$TMP"/par.p.* >"$TMP/merged" 2>>"$TMP/par.err"
	if [ $prc = 0 ] && [ -s "$TMP/one" ] && cmp -s "$TMP/one" "$TMP/merged"; then
		t_ok "parallel: 4 shards run by GNU parallel, merged, print what one run prints"
	else
		t_fail "parallel: 4 shards run by GNU parallel, merged, print what one run prints" \
			"parallel exit $prc: $(head -n 1 "$TMP/par.err")"
		t_diff "$TMP/one" "$TMP/merged"
	fi
else
	t_skip "parallel" "GNU parallel is not installed"
fi

# ---- the recipes of contrib/scale-out, run as written ----
# A stand-in for the aws command: s3://BUCKET/ is a local directory; cp
# and sync copy.  The shard and merge commands of each recipe then run
# here, with the logs where the recipe expects them.
RECIPES=$top_srcdir/contrib/scale-out
if t_have python3 jq && python3 -c 'import yaml' 2>/dev/null; then
	mkdir -p "$TMP/bin" "$TMP/s3/AWSLogs" "$TMP/logs" || exit 99
	cp -R "$SAMPLES/con318/cloudtrail/AWSLogs/." "$SAMPLES/leaked-credentials/cloudtrail/AWSLogs/." \
		"$TMP/s3/AWSLogs/" || exit 99
	cat >"$TMP/bin/aws" <<AWS
#!/bin/sh
# aws s3 cp|sync [--only-show-errors] SRC DST
[ "\$1" = s3 ] || exit 3
op=\$2
shift 2
[ "\$1" = --only-show-errors ] && shift
src=\$(printf %s "\$1" | sed 's|^s3://BUCKET|$TMP/s3|') dst=\$(printf %s "\$2" | sed 's|^s3://BUCKET|$TMP/s3|')
case \$op in
cp) case \$dst in */) mkdir -p "\$dst" ;; *) mkdir -p "\$(dirname "\$dst")" ;; esac; cp "\$src" "\$dst" ;;
sync) mkdir -p "\$dst" && cp -R "\$src/." "\$dst/" ;;
*) exit 3 ;;
esac
AWS
	chmod +x "$TMP/bin/aws"
	ln -s "$FINDINGS" "$TMP/bin/k8saudit-findings"
	"$FINDINGS" --json "$TMP/s3/AWSLogs" >"$TMP/one"
	# the YAML recipes: a Job's script, by its name
	yscript() {
		python3 - "$RECIPES/$1" "$2" <<'PY'
import sys, yaml
for d in yaml.safe_load_all(open(sys.argv[1])):
    if d and d.get("kind") == "Job" and d["metadata"]["name"] == sys.argv[2]:
        spec = d["spec"]
        c = spec["template"]["spec"]["containers"][0]
        env = {e["name"]: e["value"] for e in c.get("env", [])}
        if spec.get("completionMode") == "Indexed":
            assert str(spec["completions"]) == env["SHARDS"], "completions and SHARDS differ"
        for k, v in env.items():
            print("%s='%s'" % (k, v))
        print(c["args"][0])
PY
	}
	ok=1
	rm -rf "$TMP/s3/partials"
	mkdir -p "$TMP/tmp" || exit 99
	for k in 0 1 2 3 4 5 6 7; do
		yscript indexed-job.yaml k8saudit-shards | sed "s|/tmp/|$TMP/tmp/|g; s|/logs/AWSLogs|$TMP/s3/AWSLogs|" >"$TMP/shard.sh" &&
			(cd "$TMP" && JOB_COMPLETION_INDEX=$k PATH="$TMP/bin:$PATH" sh "$TMP/shard.sh") || ok=0
	done
	yscript merge-job.yaml k8saudit-merge | sed "s|/tmp/|$TMP/tmp/|g" >"$TMP/merge.sh" &&
		(cd "$TMP" && PATH="$TMP/bin:$PATH" sh "$TMP/merge.sh") || ok=0
	if [ $ok = 1 ] && [ "$(ls "$TMP/s3/partials/RUN" | wc -l)" = 8 ] && [ -s "$TMP/one" ] &&
		cmp -s "$TMP/one" "$TMP/s3/findings/RUN.jsonl"; then
		t_ok "recipe: the Indexed Job's 8 shards and its merge job print what one run prints"
	else
		t_fail "recipe: the Indexed Job's 8 shards and its merge job print what one run prints"
	fi
	# AWS Batch: the child's command with its environment, 8 times, then
	# the merge's overrides
	rm -rf "$TMP/s3/partials" "$TMP/s3/findings" "$TMP/tmp"
	ok=1
	bcmd() { jq -r "$2 | @sh" "$RECIPES/$1"; }
	benv() { jq -r '.. | .environment? // empty | .[] | "export \(.name)=\(.value | @sh)"' "$RECIPES/$1"; }
	for k in 0 1 2 3 4 5 6 7; do
		{ benv batch-job-definition.json; echo "set -- $(bcmd batch-job-definition.json '.containerProperties.command')"; echo '"$@"'; } |
			sed "s|/tmp/|$TMP/tmp/|g" >"$TMP/bshard.sh" &&
			AWS_BATCH_JOB_ARRAY_INDEX=$k PATH="$TMP/bin:$PATH" sh "$TMP/bshard.sh" || ok=0
	done
	{ benv batch-merge-overrides.json; echo "set -- $(bcmd batch-merge-overrides.json '.command')"; echo '"$@"'; } |
		sed "s|/tmp/|$TMP/tmp/|g" >"$TMP/bmerge.sh" && PATH="$TMP/bin:$PATH" sh "$TMP/bmerge.sh" || ok=0
	# against one run where the children read the logs (the paths are in
	# the findings, and in the ids of some)
	"$FINDINGS" --json "$TMP/tmp/logs/AWSLogs" >"$TMP/one.batch"
	if [ $ok = 1 ] && [ "$(ls "$TMP/s3/partials/RUN" | wc -l)" = 8 ] && [ -s "$TMP/one.batch" ] &&
		cmp -s "$TMP/one.batch" "$TMP/s3/findings/RUN.jsonl"; then
		t_ok "recipe: the AWS Batch array's 8 children and its merge print what one run prints"
	else
		t_fail "recipe: the AWS Batch array's 8 children and its merge print what one run prints" "ok=$ok partials=$(ls "$TMP/s3/partials/RUN" | wc -l)"
	fi
	# Slurm: the array script as sbatch would run task K of 4
	mkdir -p "$TMP/slurm" && rm -f "$TMP/slurm"/partials/*
	ok=1
	for k in 0 1 2 3; do
		sed "s|/shared/AWSLogs|$TMP/s3/AWSLogs|" "$RECIPES/slurm-array.sh" >"$TMP/slurm.sh" &&
			(cd "$TMP/slurm" && SLURM_ARRAY_TASK_ID=$k SLURM_ARRAY_TASK_COUNT=4 PATH="$TMP/bin:$PATH" sh "$TMP/slurm.sh") || ok=0
	done
	"$FINDINGS" --json --merge "$TMP"/slurm/partials/part.* >"$TMP/merged"
	if [ $ok = 1 ] && cmp -s "$TMP/one" "$TMP/merged"; then
		t_ok "recipe: the Slurm array's 4 tasks merged print what one run prints"
	else
		t_fail "recipe: the Slurm array's 4 tasks merged print what one run prints"
	fi
	if sh -n "$RECIPES/batch-submit.sh" && grep -q 'array-properties size=\$SHARDS' "$RECIPES/batch-submit.sh" &&
		grep -q 'depends-on jobId="\$array"' "$RECIPES/batch-submit.sh"; then
		t_ok "recipe: batch-submit.sh parses and makes the merge depend on the array"
	else
		t_fail "recipe: batch-submit.sh parses and makes the merge depend on the array"
	fi
else
	t_skip "recipes" "python3 with yaml, or jq, is missing"
fi

# A shard that reported a problem: the merge says so and exits 2, with the
# findings of what was read.
mkdir -p "$TMP/bad" && cp "$TMP/tree/fx/02-ANOM-002.jsonl" "$TMP/bad/" && echo '{"kind": "Event", broken' >"$TMP/bad/z.jsonl" &&
	"$FINDINGS" --partial "$TMP/bad.p" "$TMP/bad" 2>"$TMP/bad.err"
rc=$?
"$FINDINGS" --merge "$TMP/bad.p" >"$TMP/out" 2>"$TMP/err"
mrc=$?
if [ $rc = 2 ] && grep -q 'z.jsonl:1' "$TMP/bad.err" && [ $mrc = 2 ] && [ -s "$TMP/out" ] &&
	grep -qF "bad.p: the shard's run reported problems" "$TMP/err"; then
	t_ok "trouble: a shard's problem makes the merge exit 2"
else
	t_fail "trouble: a shard's problem makes the merge exit 2" "shard exit $rc, merge exit $mrc: $(head -n 1 "$TMP/err")"
fi

# Bad partials: exit 2, nothing printed, a message naming the file.
shards one 1 "$TMP/tree" || exit 99
P=$TMP/one.0
echo garbage >"$TMP/garbage"
head -c 300 "$P" >"$TMP/truncated"
"$FINDINGS" --state "$TMP/a.state" "$TMP/tree" >/dev/null 2>&1
# P's partial changed by a Python statement on its JSON (j) or its text
# (t), written back as a state file of the findings with a good checksum:
# the format's header (k8saudit-state(5)) over a payload made here
mutate() {
	python3 - "$P" "$1" "$2" <<'EOF'
import hashlib, json, struct, subprocess, sys
raw = open(sys.argv[1], "rb").read()
payload = subprocess.run(["zstd", "-q", "-d", "-c"], input=raw[72:], stdout=subprocess.PIPE, check=True).stdout
secs, at = [], 0
while at < len(payload):
    end = payload.index(b"\0", at)
    n = struct.unpack("<Q", payload[end + 1:end + 9])[0]
    secs.append([payload[at:end], payload[end + 9:end + 9 + n]])
    at = end + 9 + n
for s in secs:
    if s[0] == b"partial":
        t = s[1].decode()
        j = json.loads(t)
        exec(sys.argv[3])
        if j is not None:
            t = json.dumps(j, separators=(",", ":"))
        s[1] = t.encode()
payload = b"".join(s[0] + b"\0" + struct.pack("<Q", len(s[1])) + s[1] for s in secs)
head = b"K8ASTAT\n" + struct.pack("<II", 1, 0) + b"findings".ljust(16, b"\0") + struct.pack("<Q", len(payload))
digest = hashlib.sha256(head + payload).digest()
frame = subprocess.run(["zstd", "-q", "-c"], input=payload, stdout=subprocess.PIPE, check=True).stdout
open(sys.argv[2], "wb").write(head + digest + frame)
EOF
}
have_mk=0
t_have python3 zstd && mutate "$TMP/same" "pass" && mutate "$TMP/notjson" "t = t[:-5]; j = None" &&
	mutate "$TMP/v9" "j['v'] = 9" && mutate "$TMP/noplace" "j['snaps'][0]['o'] = 99999" &&
	mutate "$TMP/nocorr" "del j['corr']" && mutate "$TMP/norule" "j['findings'][0][1] = 'K8S-NOPE-1'" &&
	mutate "$TMP/objects" "j['objects'][0] = 7" && have_mk=1
# the helper itself: P rewritten as it is merges as P does
if [ $have_mk = 1 ]; then
	"$FINDINGS" --merge "$P" >"$TMP/a" 2>&1
	"$FINDINGS" --merge "$TMP/same" >"$TMP/b" 2>&1
	if [ -s "$TMP/a" ] && cmp -s "$TMP/a" "$TMP/b"; then
		t_ok "bad partial: the test's rewriting keeps a good partial good"
	else
		t_fail "bad partial: the test's rewriting keeps a good partial good" "$(head -n 1 "$TMP/b")"
	fi
fi
for c in "garbage:garbage: truncated: 8 bytes, shorter than the 72-byte header of a state file" \
	"truncated:truncated: truncated: the payload's zstd frame ends early" \
	"missing:missing: cannot open: No such file or directory" \
	"a.state:a.state: not a partial result" \
	"notjson:notjson: corrupt partial:" \
	"v9:v9: a partial of version 9, not 1" \
	"noplace:noplace: corrupt partial: record 0 has no place" \
	"nocorr:nocorr: corrupt partial: a part is missing" \
	"norule:norule: corrupt partial: finding of K8S-NOPE-1" \
	"objects:objects: corrupt partial: object 0"; do
	f=${c%%:*}
	case $f in notjson | v9 | noplace | nocorr | norule | objects) [ $have_mk = 1 ] || { t_skip "bad partial: $f" "python3 or zstd missing"; continue; } ;; esac
	"$FINDINGS" --merge "$TMP/$f" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ $rc = 2 ] && [ ! -s "$TMP/out" ] && grep -qF "k8saudit-findings: $TMP/${c#*:}" "$TMP/err"; then
		t_ok "bad partial: $f"
	else
		t_fail "bad partial: $f" "exit $rc: $(head -n 1 "$TMP/err")"
	fi
done
"$FINDINGS" --merge "$P" "$P" >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ $rc = 2 ] && [ ! -s "$TMP/out" ] && grep -q "is also in .*: read by two shards" "$TMP/err"; then
	t_ok "bad partial: the same objects twice"
else
	t_fail "bad partial: the same objects twice" "exit $rc: $(head -n 1 "$TMP/err")"
fi
"$FINDINGS" --merge --rule 'K8S-ANOM-*' "$P" >"$TMP/out" 2>"$TMP/err"
rc=$?
if [ $rc = 2 ] && [ ! -s "$TMP/out" ] && grep -qF "one.0: made with other rules than this merge runs" "$TMP/err"; then
	t_ok "bad partial: other rules than the merge's"
else
	t_fail "bad partial: other rules than the merge's" "exit $rc: $(head -n 1 "$TMP/err")"
fi

# Usage errors
for c in "--merge:--merge: no partial results given" \
	"--merge -w user=x $P:--merge: -w, --since" "--merge --shard 0/2 $P:--merge: -w, --since" \
	"--partial x --state s $P:--partial: not with --state" "--merge --state s $P:--merge: not with --state" \
	"--partial x -o y $TMP/tree:--partial: writes no findings: not with --output" \
	"--partial x --summary $TMP/tree:--partial: writes no findings: not with --summary"; do
	# shellcheck disable=SC2086
	"$FINDINGS" ${c%%:*} >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ $rc = 2 ] && [ ! -s "$TMP/out" ] && grep -qF -- "${c#*:}" "$TMP/err"; then
		t_ok "usage: ${c%%:*}"
	else
		t_fail "usage: ${c%%:*}" "exit $rc: $(head -n 1 "$TMP/err")"
	fi
done

t_done
