#!/bin/sh
# The same events in every framing and compression the reader knows give
# the same answers.  From one set of audit events (tests/framings/events.jsonl:
# 21 lines, 18 requests, 2 of them creates) and one set of CloudTrail records
# (tests/framings/cloudtrail.ndjson: 14 records, 1 AssumeRole), this script
# builds with sed, awk, printf and the usual compressors every way they reach
# a responder, then checks for each that
#   k8saudit-grep -c                    = the count of the plain file,
#   k8saudit-grep -c -w verb=create     (eventName=AssumeRole for CloudTrail) likewise,
#   k8saudit-grep --json | sort         = that of the plain file, record for record,
# and that no diagnostic is printed.
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

FIX=$top_srcdir/tests/framings
EV=$FIX/events.jsonl
CT=$FIX/cloudtrail.ndjson
IN=$TMP/in
mkdir -p "$IN" "$TMP/work"
cd "$TMP/work" || exit 99

# ---- helpers ----

# JSON string bodies: each input line escaped for use inside "...".
json_escape() { sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' "$1"; }

# Join lines with commas.
join_lines() { awk 'NR > 1 { printf "," } { printf "%s", $0 } END { if (NR) printf "\n" }' "$1"; }

# Pretty-print JSON text (one document per input line) the way jq and the
# aws CLI do: one member per line, INDENT spaces per level.
pretty() {
	awk -v indent="${2:-2}" '
	function pad(n,   s) { s = ""; while (n-- > 0) s = s sp; return s }
	BEGIN { sp = sprintf("%" indent "s", "") }
	{
		n = length($0); lvl = 0; instr = 0; esc = 0; o = ""
		for (i = 1; i <= n; i++) {
			c = substr($0, i, 1)
			if (instr) {
				o = o c
				if (esc) esc = 0
				else if (c == "\\") esc = 1
				else if (c == "\"") instr = 0
				continue
			}
			if (c == "\"") { instr = 1; o = o c; continue }
			if (c == "{" || c == "[") {
				nx = substr($0, i + 1, 1)
				if ((c == "{" && nx == "}") || (c == "[" && nx == "]")) { o = o c nx; i++; continue }
				lvl++; o = o c "\n" pad(lvl); continue
			}
			if (c == "}" || c == "]") { lvl--; o = o "\n" pad(lvl) c; continue }
			if (c == ",") { o = o ",\n" pad(lvl); continue }
			if (c == ":") { o = o ": "; continue }
			o = o c
			if (length(o) > 4096) { printf "%s", o; o = "" }
		}
		printf "%s\n", o
	}' "$1"
}

# The stageTimestamp / eventTime of each line, as epoch milliseconds (ms)
# or as a CloudWatch export prefix (prefix).
ts_of() {
	sed -n 's/.*"'"$2"'":"\([0-9-]*\)T\([0-9:]*\)\.*\([0-9]*\)Z".*/\1 \2 \3/p' "$1" | awk -v mode="$3" '
	function days(y, m, d) {
		if (m <= 2) { y--; m += 12 }
		return 365 * y + int(y / 4) - int(y / 100) + int(y / 400) + int((153 * (m - 3) + 2) / 5) + d - 719469
	}
	{
		split($1, D, "-"); split($2, T, ":")
		frac = substr($3 "000", 1, 3)
		if (mode == "prefix") { printf "%sT%s.%sZ\n", $1, $2, frac; next }
		printf "%.0f\n", ((days(D[1] + 0, D[2] + 0, D[3] + 0) * 24 + T[1]) * 60 + T[2]) * 60000 + T[3] * 1000 + frac
	}'
}

# Side by side: FILE1 FILE2 -> "line1 line2" (paste(1) with a space).
side() { paste -d ' ' "$1" "$2"; }

# CloudWatch subscription envelopes for lines of FILE (escaped bodies in
# ESC, times in MS), PER log events each, one JSON object per line.
envelopes() { # esc ms per group stream
	paste -d ' ' "$2" "$1" | awk -v per="$3" -v group="$4" -v stream="$5" '
	function flush() {
		if (k == 0) return
		printf "{\"messageType\":\"DATA_MESSAGE\",\"owner\":\"491326785603\",\"logGroup\":\"%s\",\"logStream\":\"%s\",\"subscriptionFilters\":[\"audit-to-firehose\"],\"logEvents\":[%s]}\n", group, stream, body
		k = 0; body = ""
	}
	{
		ms = $1; msg = substr($0, length($1) + 2)
		id = sprintf("3%s%021d%021d", ms, 0, NR)
		ev = sprintf("{\"id\":\"%s\",\"timestamp\":%s,\"message\":\"%s\"}", id, ms, msg)
		body = k ? body "," ev : ev
		if (++k == per) flush()
	}
	END { flush() }'
}
CONTROL='{"messageType":"CONTROL_MESSAGE","owner":"CloudwatchLogs","logGroup":"","logStream":"","subscriptionFilters":[],"logEvents":[{"id":"","timestamp":1795169700000,"message":"CWL CONTROL MESSAGE: Checking health of destination Firehose."}]}'
# gzip every line of FILE as its own member, back to back, no newline
# between the objects (what Firehose writes to S3).
gzip_members() {
	n=$(wc -l <"$1")
	i=1
	while [ "$i" -le "$n" ]; do
		sed -n "${i}p" "$1" | tr -d '\n' | gzip -9n
		i=$((i + 1))
	done
}

GROUP=/aws/eks/prod-payments/cluster
STREAM=kube-apiserver-audit-c40e8f2b9a1d5e6f7081a2b3c4d5e6f7

# need TOOL NAME: TOOL is installed, or the framing NAME is reported skipped.
need() {
	t_have "$1" && return 0
	t_skip "$2" "$1 not installed"
	return 1
}

# ---- Kubernetes audit events ----
json_escape "$EV" >esc
ts_of "$EV" stageTimestamp ms >ms
ts_of "$EV" stageTimestamp prefix >prefix

build_k8s() {
	cp "$EV" "$IN/k8s.jsonl"
	# CloudWatch Logs S3 export: "<time> <event>" lines, gzip
	side prefix "$EV" | gzip -9n >"$IN/k8s-cwl-export.gz"
	# the same, xz (recompressed by whoever archived it)
	need xz k8s-cwl-export.xz && side prefix "$EV" | xz -c >"$IN/k8s-cwl-export.xz"
	# Firehose: a control message, then envelopes of 4 events, each its own gzip member
	{ echo "$CONTROL"; envelopes esc ms 4 "$GROUP" "$STREAM"; } >envelopes.txt
	gzip_members envelopes.txt >"$IN/k8s-firehose"
	# ... and with the delivery stream's own compression on top: gzip of gzip
	gzip -9n <"$IN/k8s-firehose" >"$IN/k8s-firehose-double.gz"
	# Firehose without compression: the objects back to back, uncompressed
	tr -d '\n' <envelopes.txt >"$IN/k8s-firehose-plain"
	# ... and as some pipelines re-serialise them, "owner" first
	sed 's/^{"messageType":"\([A-Z_]*\)","owner":"\([^"]*\)",/{"owner":"\2","messageType":"\1",/' envelopes.txt >owner-first.txt
	gzip_members owner-first.txt >"$IN/k8s-firehose-owner-first"
	# aws logs filter-log-events (pretty, 4 spaces, as the CLI prints it)
	paste -d ' ' ms esc | awk -v s="$STREAM" '
		{ ms = $1; msg = substr($0, length($1) + 2)
		  printf "%s{\"logStreamName\":\"%s\",\"timestamp\":%s,\"message\":\"%s\",\"ingestionTime\":%s,\"eventId\":\"3%s%021d%021d\"}", (NR > 1 ? "," : "{\"events\":["), s, ms, msg, ms + 1207, ms, 0, NR }
		END { printf "],\"searchedLogStreams\":[{\"logStreamName\":\"%s\",\"searchedCompletely\":true}]}\n", s }' >fle.json
	pretty fle.json 4 >"$IN/k8s-filter-log-events.json"
	# aws logs get-log-events, compact
	paste -d ' ' ms esc | awk '
		{ ms = $1; msg = substr($0, length($1) + 2)
		  printf "%s{\"timestamp\":%s,\"message\":\"%s\",\"ingestionTime\":%s}", (NR > 1 ? "," : "{\"events\":["), ms, msg, ms + 988 }
		END { printf "],\"nextForwardToken\":\"f/39262386381744469146574418163296424387025826425393561600/s\",\"nextBackwardToken\":\"b/39262386320000000000000000000000000000000000000000000000/s\"}\n" }' >"$IN/k8s-get-log-events.json"
	# webhook EventList, zstd
	need zstd k8s-eventlist.json.zst &&
		{ printf '{"kind":"EventList","apiVersion":"audit.k8s.io/v1","metadata":{},"items":['; join_lines "$EV" | tr -d '\n'; printf ']}\n'; } | zstd -q -19 >"$IN/k8s-eventlist.json.zst"
	# a pretty-printed JSON array (gcloud/jq style), plain
	{ printf '['; join_lines "$EV" | tr -d '\n'; printf ']\n'; } >array.json
	pretty array.json 2 >"$IN/k8s-array-pretty.json"
	# bzip2 of the JSON lines
	need bzip2 k8s.jsonl.bz2 && bzip2 -9 <"$EV" >"$IN/k8s.jsonl.bz2"
	# concatenated gzip members (three chunks of the log appended)
	{ sed -n 1,7p "$EV" | gzip -9n; sed -n 8,14p "$EV" | gzip -9n; sed -n '15,$p' "$EV" | gzip -9n; } >"$IN/k8s-members.jsonl.gz"
	# AKS diagnostic settings: storage-account PT1H.json lines, and an Event Hubs batch
	awk '{ printf "{\"category\":\"kube-audit\",\"ccpNamespace\":\"65a7f1e2c3b4d5e6f7a8b9c0\",\"operationName\":\"Microsoft.ContainerService/managedClusters/diagnosticLogs/Read\",\"properties\":{\"log\":\"%s\",\"pod\":\"kube-apiserver-7d9c8b6f5-x2k4q\",\"stream\":\"stdout\"},\"resourceId\":\"/SUBSCRIPTIONS/0B1C2D3E-4F5A-6B7C-8D9E-0F1A2B3C4D5E/RESOURCEGROUPS/PAYMENTS/PROVIDERS/MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/PROD-PAYMENTS\",\"time\":\"2026-11-20T10:20:00.0000000Z\"}\n", $0 }' esc >"$IN/k8s-aks-PT1H.json"
	{ printf '{"records":['; join_lines "$IN/k8s-aks-PT1H.json" | tr -d '\n'; printf ']}\n'; } >"$IN/k8s-aks-eventhubs.json"
	# tar.gz of a rotated audit log: the older file gzip, the live one plain;
	# the rotation fell between the two stages of the ClusterRoleBinding create
	mkdir -p tar1/var/log/kubernetes
	sed -n 1,8p "$EV" | gzip -9n >tar1/var/log/kubernetes/audit-2026-11-20T10-16-00.000.log.gz
	sed -n '9,$p' "$EV" >tar1/var/log/kubernetes/audit.log
	(cd tar1 && tar -cf - var) | gzip -9n >"$IN/k8s-rotated.tar.gz"
	# a tar inside a tar.gz: an evidence bundle holding the S3 export as a tar
	mkdir -p tar2/exportedlogs/3f6c9a1e-52d4-4b8e-9c07-d1e2a5b8f460/$STREAM tar3/incident-con318
	side prefix "$EV" | gzip -9n >tar2/exportedlogs/3f6c9a1e-52d4-4b8e-9c07-d1e2a5b8f460/$STREAM/000000.gz
	printf 'Permission Check Successful' >tar2/exportedlogs/aws-logs-write-test
	(cd tar2 && tar -cf ../tar3/incident-con318/eks-audit.tar exportedlogs)
	(cd tar3 && tar -cf - incident-con318) | gzip -9n >"$IN/k8s-nested.tar.gz"
	# zip of two export streams (each half of the events)
	mkdir -p zip1/a zip1/b
	side prefix "$EV" | sed -n 1,11p | gzip -9n >zip1/a/000000.gz
	side prefix "$EV" | sed -n '12,$p' | gzip -9n >zip1/b/000000.gz
	need zip k8s-export.zip && (cd zip1 && zip -q -X -r ../k8s.zip a b) && mv k8s.zip "$IN/k8s-export.zip"
	# a .tar.gz inside a .zip (an evidence bundle handed over by another team)
	mkdir -p zip2/evidence
	cp "$IN/k8s-rotated.tar.gz" zip2/evidence/node-ip-10-0-1-23-kubernetes-logs.tar.gz
	need zip k8s-bundle.zip && (cd zip2 && zip -q -X -r ../bundle.zip evidence) && mv bundle.zip "$IN/k8s-bundle.zip"
}

# ---- CloudTrail ----
json_escape "$CT" >ct-esc
ts_of "$CT" eventTime ms >ct-ms

build_ct() {
	cp "$CT" "$IN/ct.ndjson"
	# an S3 delivery: {"Records":[...]} on one line, gzip
	{ printf '{"Records":['; join_lines "$CT" | tr -d '\n'; printf ']}'; } | gzip -9n >"$IN/ct-records.json.gz"
	# a bare array, pretty-printed (a console or script download)
	{ printf '['; join_lines "$CT" | tr -d '\n'; printf ']\n'; } >ct-array.json
	pretty ct-array.json 4 >"$IN/ct-array-pretty.json"
	# aws cloudtrail lookup-events (CLI v2: EventTime with offset, CloudTrailEvent a string)
	sed 's/.*"eventID":"\([^"]*\)".*/\1/' "$CT" >ct-id
	sed 's/.*"eventName":"\([^"]*\)".*/\1/' "$CT" >ct-name
	sed 's/.*"eventSource":"\([^"]*\)".*/\1/' "$CT" >ct-src
	sed 's/.*"eventTime":"\([^"]*\)Z".*/\1+00:00/' "$CT" >ct-time
	paste -d '\t' ct-id ct-name ct-src ct-time ct-esc | awk -F '\t' '
		{ printf "%s{\"EventId\":\"%s\",\"EventName\":\"%s\",\"ReadOnly\":\"true\",\"EventTime\":\"%s\",\"EventSource\":\"%s\",\"Resources\":[],\"CloudTrailEvent\":\"%s\"}", (NR > 1 ? "," : "{\"Events\":["), $1, $2, $4, $3, $5 }
		END { printf "]}\n" }' >lookup.json
	pretty lookup.json 4 >"$IN/ct-lookup-events.json"
	# the trail's S3 prefix as a tarball: two deliveries and a digest (no events)
	d=awslogs/AWSLogs/491326785603/CloudTrail/eu-west-1/2026/11/20
	g=awslogs/AWSLogs/491326785603/CloudTrail-Digest/eu-west-1/2026/11/20
	mkdir -p $d $g
	{ printf '{"Records":['; sed -n 1,7p "$CT" | join_lines - | tr -d '\n'; printf ']}'; } | gzip -9n >$d/491326785603_CloudTrail_eu-west-1_20261120T1015Z_u3Kq9XbWm2TzL0aP.json.gz
	{ printf '{"Records":['; sed -n '8,$p' "$CT" | join_lines - | tr -d '\n'; printf ']}'; } | gzip -9n >$d/491326785603_CloudTrail_eu-west-1_20261120T1020Z_Hf7cR1nYd8sVe4Jw.json.gz
	printf '%s' '{"awsAccountId":"491326785603","digestStartTime":"2026-11-20T10:00:00Z","digestEndTime":"2026-11-20T11:00:00Z","digestS3Bucket":"acme-org-cloudtrail-491326785603","digestS3Object":"AWSLogs/491326785603/CloudTrail-Digest/eu-west-1/2026/11/20/491326785603_CloudTrail-Digest_eu-west-1_management-trail_eu-west-1_20261120T110000Z.json.gz","digestPublicKeyFingerprint":"4f2a9c1e7b3d5a6f8e0c2b4d6a8f0e1c","digestSignatureAlgorithm":"SHA256withRSA","newestEventTime":"2026-11-20T10:54:41Z","oldestEventTime":"2026-11-20T10:00:05Z","previousDigestS3Bucket":null,"previousDigestS3Object":null,"previousDigestHashValue":null,"previousDigestHashAlgorithm":null,"previousDigestSignature":null,"logFiles":[]}' |
		gzip -9n >$g/491326785603_CloudTrail-Digest_eu-west-1_management-trail_eu-west-1_20261120T110000Z.json.gz
	(cd awslogs && tar -cf - AWSLogs) | gzip -9n >"$IN/ct-awslogs.tar.gz"
	# CloudTrail sent to CloudWatch Logs, then to Firehose
	envelopes ct-esc ct-ms 5 aws-cloudtrail-logs-491326785603-8f3c2e1a 491326785603_CloudTrail_eu-west-1 >ct-envelopes.txt
	gzip_members ct-envelopes.txt >"$IN/ct-firehose"
}

# ---- checks ----
# json_norm: the escapes Go's encoder adds and jansson's does not.
json_norm() { sed -e 's/\\u0026/\&/g' -e 's/\\u003c/</g' -e 's/\\u003e/>/g' | sort; }

# result NAME GOT WANT [DIAG-FILE]
result() {
	if [ "$2" = "$3" ] && [ ! -s "${4:-/dev/null}" ]; then
		t_ok "$1"
	else
		t_fail "$1" "got $2, want $3"
		[ -s "${4:-/dev/null}" ] && sed 's/^/    /' "$4"
	fi
}

# check KIND FILE|- REF-FILE SELECT [STDIN]
check() {
	kind=$1 f=$2 ref=$3 sel=$4 stdin=${5:-/dev/null}
	name=$kind/$(basename "$f")
	[ "$f" = - ] && name=$kind/stdin-$(basename "$stdin")
	want_c=$("$GREP" -c "$ref" 2>/dev/null)
	want_s=$("$GREP" -c -w "$sel" "$ref" 2>/dev/null)
	got=$("$GREP" -c "$f" <"$stdin" 2>"$TMP/err")
	result "$name -c" "$got" "$want_c" "$TMP/err"
	got=$("$GREP" -c -w "$sel" "$f" <"$stdin" 2>"$TMP/err")
	result "$name -c -w '$sel'" "$got" "$want_s" "$TMP/err"
	"$GREP" --json "$ref" | json_norm >"$TMP/want.json"
	"$GREP" --json "$f" <"$stdin" 2>"$TMP/err" | json_norm >"$TMP/got.json"
	if cmp -s "$TMP/want.json" "$TMP/got.json" && [ ! -s "$TMP/err" ]; then
		t_ok "$name --json"
	else
		t_fail "$name --json" "differs from $(basename "$ref")"
		sed 's/^/    /' "$TMP/err"
		t_diff "$TMP/want.json" "$TMP/got.json" | cut -c1-200
	fi
}

missing=
for t in gzip tar paste; do
	t_have "$t" || missing="$missing $t"
done
if [ -n "$missing" ]; then
	t_skip "framings" "not installed:$missing"
	t_done
fi
build_k8s
build_ct

# The reference counts are themselves checked against the fixture.
n=$("$GREP" -c "$EV")
result "fixture k8s.jsonl has 18 requests" "$n" 18
n=$("$GREP" -c -w verb=create "$EV")
result "fixture k8s.jsonl has 2 creates" "$n" 2
n=$("$GREP" -c "$CT")
result "fixture ct.ndjson has 14 records" "$n" 14

for f in "$IN"/k8s*; do
	[ "$f" = "$IN/k8s.jsonl" ] && continue
	check k8s "$f" "$EV" verb=create
done
check k8s - "$EV" verb=create "$IN/k8s.jsonl"
check k8s - "$EV" verb=create "$IN/k8s-firehose-double.gz"
check k8s - "$EV" verb=create "$IN/k8s-nested.tar.gz"
for f in k8s-export.zip k8s-cwl-export.xz; do
	[ -f "$IN/$f" ] && check k8s - "$EV" verb=create "$IN/$f"
done
for f in "$IN"/ct*; do
	[ "$f" = "$IN/ct.ndjson" ] && continue
	check cloudtrail "$f" "$CT" eventName=AssumeRole
done
check cloudtrail - "$CT" eventName=AssumeRole "$IN/ct-records.json.gz"

# ---- read-ahead ----
# Streams whose decoded size passes a mebibyte are decoded on a second
# thread (K8SAUDIT_READAHEAD); the answers, the diagnostics and where they
# point must be the same with and without it, for whole, truncated and
# damaged streams and for archive members.
mkdir -p ra
for i in 1 2 3; do
	for f in "$top_srcdir"/samples/con318/eks-audit/exportedlogs/*/kube-apiserver-audit-*/000000.gz; do
		gzip -dc "$f" | sed -e 's/^[^ ]* //' -e "s/\"auditID\":\"[0-9a-f]/\"auditID\":\"$i/"
	done
done >ra/big.jsonl
gzip -1n <ra/big.jsonl >ra/big.jsonl.gz
n=$(wc -c <ra/big.jsonl.gz)
head -c $((n * 3 / 5)) ra/big.jsonl.gz >ra/big-cut.jsonl.gz
{ head -c $((n - 8)) ra/big.jsonl.gz; printf '\377\377\377\377'; tail -c 4 ra/big.jsonl.gz; } >ra/big-crc.jsonl.gz
(cd ra && tar -cf - big.jsonl.gz big-cut.jsonl.gz big.jsonl) | gzip -1n >ra/big.tar.gz
if t_have zstd; then
	zstd -q -3 <ra/big.jsonl >ra/big.jsonl.zst
	n=$(wc -c <ra/big.jsonl.zst)
	head -c $((n / 2)) ra/big.jsonl.zst >ra/big-cut.jsonl.zst
fi
want=$("$GREP" -c ra/big.jsonl)
for f in ra/big.jsonl.gz ra/big.jsonl.zst; do
	[ -f "$f" ] || continue
	got=$("$GREP" -c "$f" 2>"$TMP/err")
	result "read-ahead/$(basename "$f") -c" "$got" "$want" "$TMP/err"
done
for f in ra/big*.gz ra/big*.zst; do
	[ -f "$f" ] || continue
	for args in "-c" "--json" "-w user=system:anonymous --fields time,verb,location" "--keep-stages -c -w verb=watch"; do
		# shellcheck disable=SC2086
		"$GREP" $args "$f" >"$TMP/ra1" 2>&1
		echo "exit $?" >>"$TMP/ra1"
		# shellcheck disable=SC2086
		K8SAUDIT_READAHEAD=0 "$GREP" $args "$f" >"$TMP/ra0" 2>&1
		echo "exit $?" >>"$TMP/ra0"
		if cmp -s "$TMP/ra0" "$TMP/ra1"; then
			t_ok "read-ahead/$(basename "$f") $args: same as K8SAUDIT_READAHEAD=0"
		else
			t_fail "read-ahead/$(basename "$f") $args" "differs from K8SAUDIT_READAHEAD=0"
			t_diff "$TMP/ra0" "$TMP/ra1" | cut -c1-200
		fi
	done
done
rm -rf ra

# All framings at once, as a directory: every file is counted once.
got=$("$GREP" -c -h "$IN")
result "directory of every framing -c -h" "$got" $(( (18 * ($(ls "$IN" | grep -c '^k8s'))) + 14 * $(ls "$IN" | grep -c '^ct') ))
t_done
