#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
#
# ocsf.sh - k8saudit-findings --format ocsf writes OCSF 1.1.0 exactly.
#
# Every finding the catalog makes on the rule fixtures (tests/findings) is
# checked by tests/ocsf/check.jq against the attribute lists of OCSF 1.1.0
# class Detection Finding (2004) and its objects in
# tests/ocsf/detection_finding-1.1.0.json (sources noted there; nothing is
# fetched): every attribute known to its object, of its type, required
# ones present, enum values with their captions, ATT&CK ids of their form.
# Then the checker must reject what 1.1.0 does not have (so it can fail),
# and --aws-account/--region must fill cloud for Kubernetes findings.
# Needs jq (CI installs it); skipped without.
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
. "$top_srcdir/tests/lib.sh"

FINDINGS=$top_builddir/k8saudit-findings
SCHEMA=$top_srcdir/tests/ocsf/detection_finding-1.1.0.json
CHECK=$top_srcdir/tests/ocsf/check.jq
FX=$top_srcdir/tests/findings

if ! t_have jq; then
	t_skip "ocsf" "jq not installed"
	t_done
fi

check() { # FILE: the checker's complaints on stdout
	jq -r --slurpfile S "$SCHEMA" -f "$CHECK" "$1"
}

# ---- 1. everything the catalog reports on its fixtures ----
"$FINDINGS" -s --format ocsf --ip-list "$FX/k8s/threat-list.txt" --tor-exits "$FX/k8s/tor-exits.txt" \
	"$FX"/k8s/*.pos.jsonl "$FX"/cloudtrail/*.pos.jsonl >"$TMP/all" 2>"$TMP/all.err"
rc=$?
n=$(wc -l <"$TMP/all")
if [ "$rc" != 1 ] || [ "$n" -lt 500 ]; then
	t_fail "catalog on the fixtures" "exit $rc, $n findings (want 1, at least 500)"
	sed 's/^/    /' "$TMP/all.err" | head -5
elif ! check "$TMP/all" >"$TMP/bad" 2>&1; then
	t_fail "catalog on the fixtures" "the checker failed"
	sed 's/^/    /' "$TMP/bad" | head -5
elif [ -s "$TMP/bad" ]; then
	t_fail "catalog on the fixtures: $(wc -l <"$TMP/bad") problems"
	sort "$TMP/bad" | sed 's/^/    /' | head -20
else
	t_ok "catalog on the fixtures: $n findings, all OCSF 1.1.0"
fi

# what the check above must have seen, so it is not vacuous
seen() { # NAME JQ-FILTER: some finding satisfies the filter
	if jq -e -s "any(.[]; $2)" "$TMP/all" >/dev/null; then
		t_ok "fixtures cover $1"
	else
		t_fail "fixtures cover $1" "no finding with $2"
	fi
}
seen "a sub-technique" '.finding_info.attacks[]?.sub_technique.uid == "T1098.006"'
seen "a technique alone" 'any(.finding_info.attacks[]?; has("sub_technique") | not)'
seen "a tactic id" '.finding_info.attacks[]?.tactic.uid == "TA0003"'
seen "the address as evidence" '.evidences[0].src_endpoint.ip != null'
seen "the proxies' addresses" '(.unmapped.source_ips | length) > 1'
seen "a role session" '.actor.session.uid != null'
seen "a CloudTrail region and account" '.cloud.region != null and .cloud.account.uid != null'
sev=$(jq -s -c '[.[].severity_id] | unique' "$TMP/all")
if [ "$sev" = "[1,2,3,4,5]" ]; then t_ok "fixtures cover severity_id 1 to 5"; else t_fail "severities seen: $sev"; fi

# ---- 2. the checker rejects what OCSF 1.1.0 does not have ----
good=$(sed -n 1p "$TMP/all")
reject() { # NAME JQ-EDIT EXPECTED-COMPLAINT
	printf '%s\n' "$good" | jq -c "$2" >"$TMP/one"
	check "$TMP/one" >"$TMP/why"
	if grep -F -q -- "$3" "$TMP/why"; then
		t_ok "checker rejects $1"
	else
		t_fail "checker rejects $1" "want '$3', got: $(head -3 "$TMP/why")"
	fi
}
reject "is_alert (OCSF 1.4)" '.is_alert = true' 'finding 1.is_alert: not an attribute of detection_finding'
reject "a top-level src_endpoint" '.src_endpoint = {ip: "192.0.2.1"}' 'finding 1.src_endpoint: not an attribute'
reject "evidences[].uid" '.evidences[0].uid = "x"' 'finding 1.evidences[0].uid: not an attribute of evidences'
reject "a sub-technique as technique" '.finding_info.attacks = [{technique: {uid: "T1098.006"}}]' \
	"technique.uid: 'T1098.006' is not of the form"
reject "a missing title" 'del(.finding_info.title)' 'finding 1.finding_info: finding_info requires title'
reject "a wrong caption" '.severity_id = 4 | .severity = "Critical"' "'Critical' is not the caption of severity_id 4"
reject "a wrong type_uid" '.type_uid = 200402' 'not class_uid * 100 + activity_id'
reject "an empty evidence" '.evidences = [{}]' 'evidences needs one of'
reject "a string for a number" '.time = "2024-05-01"' 'finding 1.time: not an integer'
reject "vendor_name missing" 'del(.metadata.product.vendor_name)' 'product requires vendor_name'

# ---- 3. the account and region of Kubernetes findings ----
"$FINDINGS" --no-builtin --rules "$top_srcdir/rules/k8s" --rule K8S-ANON-002 --format ocsf \
	--aws-account 123456789012 --region eu-west-1 "$FX/k8s/K8S-ANON-002.pos.jsonl" >"$TMP/k8s" 2>"$TMP/k8s.err"
if [ -s "$TMP/k8s" ] && [ ! -s "$TMP/k8s.err" ] &&
   jq -e -s 'all(.[]; .cloud == {provider: "AWS", region: "eu-west-1", account: {uid: "123456789012"}})' "$TMP/k8s" >/dev/null &&
   [ -z "$(check "$TMP/k8s")" ]; then
	t_ok "--aws-account and --region fill cloud for Kubernetes findings"
else
	t_fail "--aws-account and --region fill cloud for Kubernetes findings" "$(head -c 300 "$TMP/k8s" "$TMP/k8s.err")"
fi
t_done
