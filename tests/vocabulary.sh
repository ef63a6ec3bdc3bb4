#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# One vocabulary: the tools describe a record the same way.  The actor
# and the time of CON318's key record (the ClusterRoleBinding that binds
# system:anonymous to cluster-admin) as k8saudit-grep --json --fields,
# k8saudit-findings --json and rbac-diff --json print them are the same
# JSON, and equal the expected one in tests/vocabulary/; so are a
# CloudTrail record's, from grep and findings.  (The --fields/-w round trip
# of every alias is the unit test field_round_trip.)
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$top_srcdir/tests/lib.sh"
FIND=$top_builddir/k8saudit-findings
RBAC=$top_builddir/rbac-diff
V=$top_srcdir/tests/vocabulary
cd "$top_srcdir" || exit 2
if ! t_have jq; then
	t_skip "vocabulary" "jq is not installed"
	t_done
fi

# same NAME WANT FILE...: every FILE holds the JSON of WANT (jq -S)
same() {
	name=$1 want=$2
	shift 2
	jq -S . "$want" >"$TMP/want"
	for f in "$@"; do
		if ! jq -S . "$f" >"$TMP/got" 2>/dev/null || ! cmp -s "$TMP/want" "$TMP/got"; then
			t_fail "$name" "$(basename "$f") differs"
			t_diff "$TMP/want" "$TMP/got"
			return
		fi
	done
	t_ok "$name ($# tools)"
}

key='name=cluster-system-anonymous and verb=create and stage=ResponseComplete'
"$GREP" --json --fields time,actor -w "$key" samples/con318 >"$TMP/grep.k8s"
"$FIND" --json --rule K8S-RBAC-003 samples/con318 >"$TMP/find.k8s"
"$RBAC" --json samples/con318 | head -n 1 >"$TMP/rbac.k8s"
# findings' view of the record with its rules (--group-by event)
"$FIND" --json --group-by event --rule K8S-RBAC-003 samples/con318 >"$TMP/event.k8s"
for k in actor time; do
	for t in grep find rbac event; do
		jq ".$k" "$TMP/$t.k8s" >"$TMP/$t.k8s.$k"
	done
	same "Kubernetes record: $k" "$V/con318-rbac-003.$k.json" "$TMP/grep.k8s.$k" "$TMP/find.k8s.$k" \
		"$TMP/rbac.k8s.$k" "$TMP/event.k8s.$k"
done

ct='eventName=DescribeCluster and eventID=466d4fcc-aeeb-4f2d-bc21-76737acb4cd2'
"$GREP" --json --fields time,actor -w "$ct" samples/con318 >"$TMP/grep.ct"
"$FIND" --json --rule CT-EKS-006 samples/con318 | jq -c 'select(.event_id == "466d4fcc-aeeb-4f2d-bc21-76737acb4cd2")' >"$TMP/find.ct"
for k in actor time; do
	for t in grep find; do
		jq ".$k" "$TMP/$t.ct" >"$TMP/$t.ct.$k"
	done
	same "CloudTrail record: $k" "$V/con318-describecluster.$k.json" "$TMP/grep.ct.$k" "$TMP/find.ct.$k"
done
t_done
