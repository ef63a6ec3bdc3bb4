#!/bin/sh
# The real public datasets in ../shared/datasets are read completely and
# without diagnostics, except for the one record that is malformed on
# purpose.  Skips (exit 77) when ../shared is absent.
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${K8SAUDIT_RULES_DIR:=$top_srcdir/rules}"; export K8SAUDIT_RULES_DIR
: "${top_builddir:=$top_srcdir}"
D=${K8SAUDIT_DATASETS:-$top_srcdir/../shared/datasets}
GREP=$top_builddir/k8saudit-grep
pass=0 fail=0 skip=0
if [ ! -d "$D" ]; then
	echo "skip: $D absent"
	echo "0 passed, 0 failed, 1 skipped"
	exit 77
fi
tmp=${TMPDIR:-/tmp}/k8a-datasets.$$
mkdir -p "$tmp"
trap 'rm -rf "$tmp"' EXIT

# check NAME EXPECTED-OUT EXPECTED-ERR EXPECTED-RC -- ARGS...
check() {
	name=$1 want_out=$2 want_err=$3 want_rc=$4
	shift 5
	"$GREP" "$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	printf '%s\n' "$want_out" >"$tmp/want_out"
	printf '%s' "$want_err" >"$tmp/want_err"
	[ -n "$want_err" ] && printf '\n' >>"$tmp/want_err"
	if cmp -s "$tmp/out" "$tmp/want_out" && cmp -s "$tmp/err" "$tmp/want_err" && [ "$rc" = "$want_rc" ]; then
		echo "ok $name"
		pass=$((pass + 1))
	else
		echo "FAIL $name (rc $rc, want $want_rc)"
		diff "$tmp/want_out" "$tmp/out" | head -20
		diff "$tmp/want_err" "$tmp/err" | head -20
		fail=$((fail + 1))
	fi
}

cd "$D/.." || exit 2
d=datasets
# Stratus: 35 pretty-printed JSON arrays, 310 CloudTrail events.
check stratus-count 310 "" 0 -- -ch --validate $d/stratus-cloudtrail
check stratus-stoplogging 1 "" 0 -- -ch -w 'eventName=StopLogging' $d/stratus-cloudtrail
check stratus-cidr-slash0 1 "" 0 -- -ch -w 'requestParameters.cidrIp ~ "/0$"' $d/stratus-cloudtrail
# OTRF: NDJSON re-shipped through Logstash (@timestamp instead of eventTime).
check otrf-count 103 "" 0 -- -ch --validate $d/otrf-ec2-proxy-s3-exfiltration
check otrf-assumerole-key 5 "" 0 -- -ch -w 'eventName=AssumeRole and responseElements.credentials.accessKeyId exists' $d/otrf-ec2-proxy-s3-exfiltration
check otrf-since 103 "" 0 -- -ch --since 2020-09-14T00:00:00Z --until 2020-09-15T00:00:00Z $d/otrf-ec2-proxy-s3-exfiltration
# audit2rbac demo: 37 events, 11 forbidden, impersonation.
check audit2rbac-count 37 "" 0 -- -c --validate $d/audit2rbac-demo/demo.log
check audit2rbac-forbidden 11 "" 0 -- -c -w 'code=403' $d/audit2rbac-demo/demo.log
check audit2rbac-impersonated-bob 29 "" 0 -- -c -w 'as=bob' $d/audit2rbac-demo/demo.log
# Falco traces: 51 events in 47 files; fal_01_003.json is malformed on purpose.
check falco-count 51 "k8saudit-grep: $d/falco-k8s-audit/fal_01_003.json:1: not a Kubernetes audit event or CloudTrail record" 2 -- -ch --validate $d/falco-k8s-audit
check falco-exec 1 "" 0 -- -c --exec $d/falco-k8s-audit/exec_pod.json
check falco-cluster-admin 1 "" 0 -- -c -w 'resource=clusterrolebindings and requestObject.roleRef.name=cluster-admin' $d/falco-k8s-audit/attach_cluster_admin_role.json

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
