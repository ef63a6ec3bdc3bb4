#!/bin/sh
# Rule fixtures: for every tests/findings/<source>/<RULE-ID>.pos.jsonl the
# rule must fire (an event rule on every record; a correlation at least
# once), and for every .neg.jsonl it must stay silent.  Every rule of the
# catalog must have both files.  <RULE-ID>.args holds extra options (paths
# relative to the fixture directory).  Last line: "N passed, N failed".
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
: "${K8SAUDIT_RULES_DIR:=$top_srcdir/rules}"; export K8SAUDIT_RULES_DIR
top_builddir=${top_builddir:-$top_srcdir}
tool=$top_builddir/k8saudit-findings
K8SAUDIT_RULES_DIR=$top_srcdir/rules
LC_ALL=C TZ=UTC
export K8SAUDIT_RULES_DIR LC_ALL TZ
tmp=${TMPDIR:-/tmp}/findings.$$
mkdir -p "$tmp" || exit 99
trap 'rm -rf "$tmp"' EXIT INT TERM
pass=0 fail=0 skip=0

bad() {
	echo "FAIL: $*"
	fail=$((fail + 1))
}

"$tool" --list-rules --json >"$tmp/rules" 2>"$tmp/rules.err"
if [ $? -ne 0 ] || [ -s "$tmp/rules.err" ]; then
	bad "the catalog does not load cleanly:"
	cat "$tmp/rules.err"
fi

# every rule has both fixtures
sed -n 's/^{"rule":"\([^"]*\)","severity":"[^"]*","source":"\([^"]*\)".*/\1 \2/p' "$tmp/rules" >"$tmp/ids"
if [ "$(wc -l <"$tmp/ids")" != "$(wc -l <"$tmp/rules")" ]; then
	bad "could not read the rule ids and sources of --list-rules --json"
fi
while read -r id src; do
	for k in pos neg; do
		if [ -f "$top_srcdir/tests/findings/$src/$id.$k.jsonl" ]; then
			:
		else
			bad "$id: no tests/findings/$src/$id.$k.jsonl"
		fi
	done
done <"$tmp/ids"

for f in "$top_srcdir"/tests/findings/*/*.pos.jsonl "$top_srcdir"/tests/findings/*/*.neg.jsonl; do
	[ -e "$f" ] || continue
	dir=${f%/*}
	base=${f##*/}
	kind=${base%.jsonl}
	kind=${kind##*.}
	id=${base%.*.jsonl}
	line=$(grep "^{\"rule\":\"$id\"," "$tmp/rules")
	if [ -z "$line" ]; then
		bad "$base: no rule $id in the catalog"
		continue
	fi
	case $line in
	*'"kind":"correlation (not implemented)"'*)
		echo "SKIP: $base: $id has no C implementation"
		skip=$((skip + 1))
		continue ;;
	*'"kind":"correlation"'*) corr=1 ;;
	*) corr=0 ;;
	esac
	args=
	[ -f "$dir/$id.args" ] && args=$(cat "$dir/$id.args")
	# shellcheck disable=SC2086
	(cd "$dir" && "$tool" --rule "$id" $args "$base") >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ -s "$tmp/err" ]; then
		bad "$base: diagnostics:"
		sed 's/^/    /' "$tmp/err"
		continue
	fi
	if [ "$kind" = neg ]; then
		if [ $rc -ne 0 ] || [ -s "$tmp/out" ]; then
			bad "$base: $id fired on a near miss (exit $rc):"
			sed 's/^/    /' "$tmp/out"
			continue
		fi
	else
		if [ $rc -ne 1 ] || [ ! -s "$tmp/out" ]; then
			bad "$base: $id did not fire (exit $rc)"
			continue
		fi
		if cut -f3 "$tmp/out" | grep -v "^$id\$" >/dev/null; then
			bad "$base: findings of other rules:"
			sed 's/^/    /' "$tmp/out"
			continue
		fi
		if [ $corr -eq 0 ]; then
			want=$(grep -c . "$f")
			got=$(cut -f9 "$tmp/out" | sort -u | wc -l)
			if [ "$want" -ne "$got" ]; then
				bad "$base: $id fired on $got of $want records:"
				sed 's/^/    /' "$tmp/out"
				continue
			fi
		fi
	fi
	pass=$((pass + 1))
done
# OCSF 1.1 Detection Finding and ASFF 2018-10-08: the required fields
# (formats-and-ecosystem.md B5) in every finding of every positive fixture.
# Kubernetes records name no region (nor, when anonymous, an account):
# the run gives them, as a responder would (without, the stand-ins are
# said and the status is 2: tests/cli/findings/asff-no-account).
cat "$top_srcdir"/tests/findings/k8s/*.pos.jsonl >"$tmp/all.jsonl"
for fmt in ocsf asff; do
	"$tool" --format $fmt --aws-account 111122223333 --region us-east-1 \
		--ip-list "$top_srcdir/tests/findings/k8s/threat-list.txt" \
		--tor-exits "$top_srcdir/tests/findings/k8s/tor-exits.txt" "$tmp/all.jsonl" >"$tmp/$fmt" 2>"$tmp/$fmt.err"
	if [ $? -ne 1 ] || [ -s "$tmp/$fmt.err" ] || [ ! -s "$tmp/$fmt" ]; then
		bad "--format $fmt over the positive fixtures failed"
		continue
	fi
	if [ $fmt = ocsf ]; then
		set -- '"class_uid":2004,' '"category_uid":2,' '"activity_id":1,' '"type_uid":200401,' \
			'"severity_id":[1-5],' '"time":[0-9][0-9]*,' \
			'"metadata":{"version":"1.1.0","product":{"name":"k8saudit-findings","vendor_name":"k8saudit"' \
			'"finding_info":{"uid":"[^"]' '"finding_info":{[^}]*"title":"[^"]' '"cloud":{"provider":"AWS"'
	else
		set -- '"SchemaVersion":"2018-10-08"' '"Id":"[^"]' '"ProductArn":"arn:aws:securityhub:[a-z0-9-]*:[0-9]\{12\}:product/[0-9]\{12\}/default"' \
			'"GeneratorId":"[^"]' '"AwsAccountId":"[0-9]\{12\}"' '"Types":\["[A-Za-z ]*/[^"]' \
			'"CreatedAt":"[0-9]\{4\}-' '"UpdatedAt":"[0-9]\{4\}-' \
			'"Severity":{"Label":"\(INFORMATIONAL\|LOW\|MEDIUM\|HIGH\|CRITICAL\)"}' \
			'"Title":"[^"]' '"Description":"[^"]' '"Resources":\[{"Type":"[A-Za-z]*","Id":"[^"]'
	fi
	total=$(wc -l <"$tmp/$fmt")
	ok=1
	for pat in "$@"; do
		n=$(grep -c -e "$pat" "$tmp/$fmt")
		if [ "$n" -ne "$total" ]; then
			bad "--format $fmt: $((total - n)) of $total findings lack $pat"
			ok=0
		fi
	done
	[ $ok -eq 1 ] && pass=$((pass + 1))
done

# Real records (Falco's k8s_audit trace files, minikube 2018): each must
# raise its rule, the harmless ones nothing.  Skipped without ../shared.
ds=${K8SAUDIT_DATASETS:-$top_srcdir/../shared/datasets}/falco-k8s-audit
if [ -d "$ds" ]; then
	while read -r file want; do
		[ -n "$file" ] || continue
		got=$("$tool" --rule 'K8S-*' "$ds/$file.json" 2>/dev/null | cut -f3 | sort -u | tr '\n' ' ')
		case $want in
		-) [ -z "$got" ] && pass=$((pass + 1)) || bad "dataset $file: unexpected findings: $got" ;;
		*) case " $got" in
		   *" $want "*) pass=$((pass + 1)) ;;
		   *) bad "dataset $file: no $want (got: $got)" ;;
		   esac ;;
		esac
	done <<'LIST'
anonymous_creates_namespace_foo K8S-ANON-001
attach_cluster_admin_role K8S-RBAC-001
attach_pod K8S-EXEC-002
exec_pod K8S-EXEC-004
create_cluster_role_pod_exec K8S-RBAC-009
create_cluster_role_wildcard_resources K8S-RBAC-007
create_cluster_role_wildcard_verbs K8S-RBAC-007
create_cluster_role_write_privileges K8S-RBAC-013
create_configmap_sensitive_values K8S-SECRET-014
create_nginx_pod_hostnetwork K8S-POD-005
create_nginx_pod_privileged K8S-POD-001
create_nginx_pod_privileged_2nd_container K8S-POD-001
create_nginx_pod_no_secctx_1st_container_privileged_2nd_container K8S-POD-001
create_nginx_pod_sensitive_mount K8S-POD-002
create_nginx_pod_sensitive_mount_2nd_container K8S-POD-002
create_nginx_service_nodeport K8S-SVC-001
create_serviceaccount_kube_system_namespace K8S-EKS-009
create_serviceaccount_kube_public_namespace K8S-EKS-009
delete_cluster_role_kube_aggregator K8S-RBAC-015
modify_cluster_role_node_problem_detector K8S-RBAC-015
delete_namespace_foo K8S-EKS-011
create_nginx_pod_unprivileged -
create_nginx_pod_nohostnetwork -
create_nginx_pod_unsensitive_mount -
LIST
else
	echo "SKIP: $ds absent: dataset checks not run"
fi

# Stratus Red Team's detonation logs: each technique raises its rule.  The
# rules of the ids in rules/README raise only what is listed after "+" over
# Stratus and OTRF (attack records; anything else is noise).
dsd=${K8SAUDIT_DATASETS:-$top_srcdir/../shared/datasets}
if [ -d "$dsd/stratus-cloudtrail" ] && [ -d "$dsd/otrf-ec2-proxy-s3-exfiltration" ]; then
	(cd "$dsd" && "$tool" --rule 'CT-*' stratus-cloudtrail otrf-ec2-proxy-s3-exfiltration) >"$tmp/ds.out" 2>"$tmp/ds.err"
	rc=$?
	if [ $rc -ne 1 ] || [ -s "$tmp/ds.err" ]; then
		bad "Stratus and OTRF: exit $rc:"
		sed 's/^/    /' "$tmp/ds.err"
	fi
	awk -F'\t' '{ sub(/:[0-9]+(\[[0-9]+\])?$/, "", $9); n = split($9, p, "/"); sub(/\.json$/, "", p[n]); print p[n], $3 }' \
		"$tmp/ds.out" | sort -u >"$tmp/ds.pairs"
	sed -n 's/^[a-z0-9][a-z0-9-]*  *[RS]  *\(\(CT\|K8S\)-[A-Z0-9-]*\( [A-Z0-9-]*\)*\)  .*/\1/p' \
		"$top_srcdir/rules/README" | tr ' ' '\n' | sort -u >"$tmp/added.rules"
	: >"$tmp/ds.want.added"
	while read -r file want plus; do
		[ -n "$file" ] || continue
		if grep -qx "aws.$file $want" "$tmp/ds.pairs"; then
			pass=$((pass + 1))
		else
			bad "Stratus $file: no $want"
		fi
		for r in $plus; do
			[ "$r" = + ] || echo "aws.$file $r" >>"$tmp/ds.want.added"
		done
	done <<'LIST'
credential-access.ec2-get-password-data CT-CMP-004
credential-access.ec2-steal-instance-credentials CT-CMP-005
credential-access.secretsmanager-batch-retrieve-secrets CT-DATA-008
credential-access.secretsmanager-retrieve-secrets CT-DATA-007
credential-access.ssm-retrieve-securestring-parameters CT-DATA-009
defense-evasion.cloudtrail-delete CT-LOG-002
defense-evasion.cloudtrail-event-selectors CT-LOG-005
defense-evasion.cloudtrail-stop CT-LOG-001
defense-evasion.dns-delete-logs CT-LOG-014
defense-evasion.organizations-leave CT-LOG-025
defense-evasion.vpc-remove-flow-logs CT-LOG-013
discovery.ec2-download-user-data CT-CMP-003
execution.ec2-launch-unusual-instances CT-CMP-011
execution.ec2-user-data CT-CMP-002
execution.ssm-send-command CT-CMP-006
execution.ssm-start-session CT-CMP-007
exfiltration.ec2-security-group-open-port-22-ingress CT-NET-001
exfiltration.ec2-share-ami CT-DATA-002
exfiltration.ec2-share-ebs-snapshot CT-DATA-002
exfiltration.rds-share-snapshot CT-DATA-002
impact.bedrock-invoke-model CT-CMP-016
initial-access.console-login-without-mfa CT-SIGNIN-001
lateral-movement.ec2-instance-connect CT-CMP-009
lateral-movement.ec2-serial-console-send-ssh-public-key CT-CMP-010
persistence.iam-backdoor-role CT-IAM-012
persistence.iam-backdoor-user CT-IAM-001
persistence.iam-create-admin-user CT-IAM-004
persistence.iam-create-backdoor-role CT-IAM-012 + CT-IAM-025
persistence.iam-create-user-login-profile CT-IAM-011
persistence.lambda-backdoor-function CT-CMP-014
persistence.lambda-layer-extension CT-CMP-013
persistence.lambda-overwrite-code CT-CMP-012
persistence.rolesanywhere-create-trust-anchor CT-IAM-019
persistence.sts-federation-token CT-STS-002
privilege-escalation.iam-update-user-login-profile CT-IAM-011
LIST
	if [ ! -s "$tmp/added.rules" ]; then
		bad "rules/README: no rules read"
	fi
	grep -wFf "$tmp/added.rules" "$tmp/ds.pairs" >"$tmp/ds.got.added"
	sort -u "$tmp/ds.want.added" -o "$tmp/ds.want.added"
	if cmp -s "$tmp/ds.got.added" "$tmp/ds.want.added"; then
		pass=$((pass + 1))
	else
		bad "Stratus and OTRF: the rules of rules/README raise other than listed:"
		diff "$tmp/ds.want.added" "$tmp/ds.got.added" | sed 's/^/    /'
	fi
else
	echo "SKIP: $dsd/stratus-cloudtrail or otrf-ec2-proxy-s3-exfiltration absent: not run"
fi

# The catalog ids the project added (rules/README): each is named by the
# rules its line gives, and by no other; with the research notes at hand,
# every id a rule names is theirs or one of those.
sed -n 's/^{"rule":"\([^"]*\)".*"catalog":\[\([^]]*\)\].*/\1 \2/p' "$tmp/rules" >"$tmp/catalog"
sed -n 's/^\([a-z0-9][a-z0-9-]*\)  *[RS]  *\(\(CT\|K8S\)-[A-Z0-9-]*\( [A-Z0-9-]*\)*\)  .*/\1 \2/p' \
	"$top_srcdir/rules/README" >"$tmp/added"
if [ ! -s "$tmp/added" ]; then
	bad "rules/README: no catalog ids read"
fi
while read -r cid want; do
	got=$(grep "\"$cid\"" "$tmp/catalog" | cut -d' ' -f1 | sort | tr '\n' ' ')
	want=$(printf '%s\n' $want | sort | tr '\n' ' ')
	if [ "$got" = "$want" ]; then
		pass=$((pass + 1))
	else
		bad "rules/README: $cid is named by the rules '$got', not '$want'"
	fi
done <"$tmp/added"
research=$top_srcdir/../shared/research
if [ -d "$research" ]; then
	{ cut -d' ' -f1 "$tmp/added"; sed -n 's/^| \([a-z0-9][^|]*[a-z0-9]\) | .*/\1/p' "$research"/*.md; } | sort -u >"$tmp/known"
	cut -d' ' -f2- "$tmp/catalog" | sed 's/","/\n/g; s/"//g; /^$/d' | sort -u >"$tmp/named"
	unknown=$(comm -23 "$tmp/named" "$tmp/known" | tr '\n' ' ')
	if [ -z "$unknown" ]; then
		pass=$((pass + 1))
	else
		bad "catalog ids neither in the research notes nor in rules/README: $unknown"
	fi
else
	echo "SKIP: $research absent: catalog ids not checked against it"
fi

[ $skip -gt 0 ] && echo "$skip skipped (correlations without a C implementation)"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
