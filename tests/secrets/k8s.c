/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Kubernetes audit events as an EKS control plane writes them
 * (audit.k8s.io/v1, stage ResponseComplete, members in the API server's
 * order), the identities behind them (IAM-authenticated nodes and people,
 * with access key ids in user.extra, service accounts with JWT ids, never
 * a token) and the pods they create.
 */
#include <stdio.h>
#include <string.h>

#include "k8s.h"

char nodes[NNODES][64], node_ip[NNODES][20], node_inst[NNODES][24];

const char *const apps[] = { "api", "web", "checkout", "worker", "ledger", "search", "notifier", "billing" };
const int napps = (int)NELEM(apps);
const char *const app_namespaces[] = { "payments", "web", "orders", "data", "default" };
const int napp_namespaces = (int)NELEM(app_namespaces);

const struct human humans[] = {
	{ "arn:aws:sts::" ACCT ":assumed-role/AWSReservedSSO_PlatformEngineer_4f1c2a9be0d37a55/alice",
	  "arn:aws:sts::" ACCT ":assumed-role/AWSReservedSSO_PlatformEngineer_4f1c2a9be0d37a55/alice",
	  "arn:aws:iam::" ACCT ":role/aws-reserved/sso.amazonaws.com/" REGION "/AWSReservedSSO_PlatformEngineer_4f1c2a9be0d37a55",
	  "platform-engineers", "alice", "darwin/arm64", 1 },
	{ "bob", "arn:aws:iam::" ACCT ":user/bob", "arn:aws:iam::" ACCT ":user/bob", "developers", "", "linux/amd64", 0 },
	{ "kubernetes-admin", "arn:aws:iam::" ACCT ":user/terraform", "arn:aws:iam::" ACCT ":user/terraform",
	  "system:masters", "", "linux/amd64", 0 },
	{ "gitlab-ci", "arn:aws:sts::" ACCT ":assumed-role/gitlab-deployer/gitlab-ci-8812734",
	  "arn:aws:iam::" ACCT ":role/gitlab-deployer", "deployers", "gitlab-ci-8812734", "linux/amd64", 1 },
	{ "chen", "arn:aws:sts::" ACCT ":assumed-role/AWSReservedSSO_Developer_7d2e9f0a1b3c4d5e/chen",
	  "arn:aws:iam::" ACCT ":role/aws-reserved/sso.amazonaws.com/" REGION "/AWSReservedSSO_Developer_7d2e9f0a1b3c4d5e",
	  "developers", "chen", "windows/amd64", 1 },
};
const int nhumans = (int)NELEM(humans);

const char kubelet_ua[] = "kubelet/v1.30.4 (linux/amd64) kubernetes/d9b4c2e";

void
k8s_init(void)
{
	int i;

	for (i = 0; i < NNODES; i++) {
		unsigned a = 1 + rnd(190), b = 1 + rnd(254);
		snprintf(nodes[i], sizeof(nodes[i]), "ip-10-0-%u-%u." REGION ".compute.internal", a, b);
		snprintf(node_ip[i], sizeof(node_ip[i]), "10.0.%u.%u", a, b);
		snprintf(node_inst[i], sizeof(node_inst[i]), "i-0%s", rstr(16, A_HEX));
	}
	ar_reset();
}

const char *
kubectl_ua(int human)
{
	return ar_printf("kubectl/v1.%u.%u (%s) kubernetes/%s", 29 + rnd(3), rnd(6), humans[human].ua_os, rstr(7, A_HEX));
}

char *
public_ip(void)
{
	return ar_printf("%u.%u.%u.%u", PICK(((unsigned[]){ 52, 54, 18, 81, 86, 91, 145, 185 })), rnd(256), rnd(256),
		1 + rnd(254));
}

/* ---- the envelope ---- */
void
ev_defaults(struct ev *e)
{
	memset(e, 0, sizeof(*e));
	e->level = "Metadata";
	e->code = 200;
	e->version = "v1";
}

json_t *
ev_json(struct ev *e)
{
	json_t *o = json_object(), *ref, *ann;
	int64_t lat = 900 + rnd(e->verb[0] == 'w' ? 300000000 : 40000);

	json_object_set_new(o, "kind", json_string("Event"));
	json_object_set_new(o, "apiVersion", json_string("audit.k8s.io/v1"));
	json_object_set_new(o, "level", json_string(e->level));
	json_object_set_new(o, "auditID", json_string(uuid()));
	json_object_set_new(o, "stage", json_string("ResponseComplete"));
	json_object_set_new(o, "requestURI", json_string(e->uri));
	json_object_set_new(o, "verb", json_string(e->verb));
	json_object_set_new(o, "user", e->user);
	json_object_set_new(o, "sourceIPs", json_pack("[s]", e->ip));
	json_object_set_new(o, "userAgent", json_string(e->ua));
	if (!e->nonresource) {
		ref = json_object();
		json_object_set_new(ref, "resource", json_string(e->resource));
		if (e->ns)
			json_object_set_new(ref, "namespace", json_string(e->ns));
		if (e->name)
			json_object_set_new(ref, "name", json_string(e->name));
		if (e->group && *e->group)
			json_object_set_new(ref, "apiGroup", json_string(e->group));
		json_object_set_new(ref, "apiVersion", json_string(e->version));
		if (e->sub)
			json_object_set_new(ref, "subresource", json_string(e->sub));
		json_object_set_new(o, "objectRef", ref);
	}
	json_object_set_new(o, "responseStatus", json_pack("{s:{},s:i}", "metadata", "code", e->code));
	if (e->req)
		json_object_set_new(o, "requestObject", e->req);
	if (e->resp)
		json_object_set_new(o, "responseObject", e->resp);
	json_object_set_new(o, "requestReceivedTimestamp", json_string(stamp_us(now_us)));
	json_object_set_new(o, "stageTimestamp", json_string(stamp_us(now_us + lat)));
	ann = json_object();
	json_object_set_new(ann, "authorization.k8s.io/decision", json_string("allow"));
	json_object_set_new(ann, "authorization.k8s.io/reason", json_string(e->reason ? e->reason : ""));
	if (e->pod_security)
		json_object_set_new(ann, "pod-security.kubernetes.io/enforce-policy", json_string(e->pod_security));
	json_object_set_new(o, "annotations", ann);
	return o;
}

/* ---- identities ---- */
static json_t *
iam_user(const char *username, const char *prin, const char *key, const char *arn, const char *canon,
    const char *session, json_t *groups)
{
	mark_negative("/user/extra/accessKeyId/0", "identity-key-id");
	mark_negative("/user/extra/principalId/0", "identity-principal-id");
	mark_negative("/user/extra/sigs.k8s.io~1aws-iam-authenticator~1principalId/0", "identity-principal-id");
	return json_pack("{s:s,s:s,s:o,s:{s:[s],s:[s],s:[s],s:[s],s:[s],s:[s]}}", "username", username,
		"uid", ar_printf("aws-iam-authenticator:" ACCT ":%s", prin), "groups", groups,
		"extra", "accessKeyId", key, "arn", arn, "canonicalArn", canon, "principalId", prin,
		"sessionName", session, "sigs.k8s.io/aws-iam-authenticator/principalId", prin);
}

/* IAM unique ids: a prefix and 17 base32 characters */
static char *
unique_id(const char *prefix, uint64_t h)
{
	char *s = ar_alloc(22);
	int i;

	memcpy(s, prefix, 4);
	for (i = 0; i < 17; i++) {
		h = h * 6364136223846793005ULL + 1442695040888963407ULL;
		s[4 + i] = A_B32[h >> 59];
	}
	s[21] = '\0';
	return s;
}

/* A node: the node role's session, named after the instance. */
json_t *
user_node(int nd)
{
	uint64_t hour = (uint64_t)(epoch_s(now_us) / 3600);

	return iam_user(ar_printf("system:node:%s", nodes[nd]), unique_id("AROA", 4242),
		aws_key_id_for("ASIA", hour * 64 + (uint64_t)nd),
		ar_printf("arn:aws:sts::" ACCT ":assumed-role/eks-nodegroup-general-role/%s", node_inst[nd]),
		"arn:aws:iam::" ACCT ":role/eks-nodegroup-general-role", node_inst[nd],
		json_pack("[s,s,s]", "system:bootstrappers", "system:nodes", "system:authenticated"));
}

json_t *
user_human(const struct human *h)
{
	int i = (int)(h - humans);
	uint64_t hour = (uint64_t)(epoch_s(now_us) / 3600);

	/* people keep a session for an hour; IAM users have one long-term key */
	return iam_user(h->username, unique_id(h->sso ? "AROA" : "AIDA", 9000 + (uint64_t)i),
		h->sso ? aws_key_id_for("ASIA", hour * 64 + 32 + (uint64_t)i) : aws_key_id_for("AKIA", 777 + (uint64_t)i),
		h->arn, h->canon, h->session,
		json_pack("[s,s]", h->group, "system:authenticated"));
}

const char *
human_reason(const struct human *h)
{
	if (strcmp(h->group, "system:masters") == 0)
		return "";
	return ar_printf("RBAC: allowed by ClusterRoleBinding \"%s\" of ClusterRole \"%s\" to Group \"%s\"",
		h->group, strcmp(h->group, "developers") == 0 ? "edit" : "cluster-admin", h->group);
}

/* Service accounts authenticate with projected tokens: the audit event
 * carries the token's id (JTI), never the token. */
json_t *
user_sa(const char *ns, const char *name)
{
	int nd = (int)rnd(NNODES);

	return json_pack("{s:s,s:s,s:[s,s,s],s:{s:[s],s:[s],s:[s],s:[s],s:[s]}}",
		"username", ar_printf("system:serviceaccount:%s:%s", ns, name), "uid", uuid(),
		"groups", "system:serviceaccounts", ar_printf("system:serviceaccounts:%s", ns), "system:authenticated",
		"extra", "authentication.kubernetes.io/credential-id", ar_printf("JTI=%s", uuid()),
		"authentication.kubernetes.io/node-name", nodes[nd], "authentication.kubernetes.io/node-uid", uuid(),
		"authentication.kubernetes.io/pod-name", ar_printf("%s-%s-%s", name, rstr(10, A_LOWER_ALNUM), rstr(5, A_LOWER_ALNUM)),
		"authentication.kubernetes.io/pod-uid", uuid());
}

json_t *
user_ctrl(const char *name)
{
	return json_pack("{s:s,s:[s]}", "username", name, "groups", "system:authenticated");
}

json_t *
user_kcm(const char *controller)
{
	return json_pack("{s:s,s:s,s:[s,s,s]}", "username",
		ar_printf("system:serviceaccount:kube-system:%s", controller), "uid", uuid(), "groups",
		"system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated");
}

/* ---- objects ---- */
const char *
image_ref(const char *app, int digest)
{
	if (digest)
		return ar_printf(ACCT ".dkr.ecr." REGION ".amazonaws.com/%s@sha256:%s", app, rstr(64, A_HEX));
	return ar_printf(ACCT ".dkr.ecr." REGION ".amazonaws.com/%s:v%u.%u.%u", app, 1 + rnd(4), rnd(30), rnd(10));
}

char *
pod_name(const char *app)
{
	return ar_printf("%s-%s-%s", app, rstr(10, A_LOWER_ALNUM), rstr(5, A_LOWER_ALNUM));
}

/*
 * The environment of an ordinary container at pointer base: settings,
 * a reference to a Secret (secretKeyRef: a reference, not a leak) and the
 * variables IRSA injects.  The hard negatives among them go to ss.
 */
json_t *
routine_env(const char *app, const char *ns, const char *base, struct sites *ss)
{
	json_t *env = json_array();

	json_array_append_new(env, json_pack("{s:s,s:s}", "name", "LOG_LEVEL", "value", PICK(((const char *[]){ "info", "debug", "warn" }))));
	json_array_append_new(env, json_pack("{s:s,s:s}", "name", "DB_HOST", "value",
		ar_printf("%s-db.%s.svc.cluster.local", app, ns)));
	site_neg(ss, ar_printf("%s/2/valueFrom/secretKeyRef/key", base), "secret-ref");
	json_array_append_new(env, json_pack("{s:s,s:{s:{s:s,s:s}}}", "name", "DB_PASSWORD", "valueFrom",
		"secretKeyRef", "name", ar_printf("%s-db", app), "key", "password"));
	if (rnd(2)) {
		json_array_append_new(env, json_pack("{s:s,s:s}", "name", "AWS_STS_REGIONAL_ENDPOINTS", "value", "regional"));
		json_array_append_new(env, json_pack("{s:s,s:s}", "name", "AWS_ROLE_ARN", "value",
			ar_printf("arn:aws:iam::" ACCT ":role/%s-%s-irsa", ns, app)));
		site_neg(ss, ar_printf("%s/%zu/value", base, json_array_size(env)), "path");
		json_array_append_new(env, json_pack("{s:s,s:s}", "name", "AWS_WEB_IDENTITY_TOKEN_FILE", "value",
			"/var/run/secrets/eks.amazonaws.com/serviceaccount/token"));
	}
	return env;
}

json_t *
container(const char *name, const char *image, json_t *env, json_t *command, json_t *args, json_t *probe)
{
	json_t *c = json_object();

	json_object_set_new(c, "name", json_string(name));
	json_object_set_new(c, "image", json_string(image));
	if (command)
		json_object_set_new(c, "command", command);
	if (args)
		json_object_set_new(c, "args", args);
	json_object_set_new(c, "ports", json_pack("[{s:s,s:i,s:s}]", "name", "http", "containerPort", 8080, "protocol", "TCP"));
	if (env)
		json_object_set_new(c, "env", env);
	json_object_set_new(c, "resources", json_pack("{s:{s:s,s:s},s:{s:s,s:s}}", "limits", "cpu", "500m", "memory",
		"512Mi", "requests", "cpu", "100m", "memory", "128Mi"));
	if (probe)
		json_object_set_new(c, "livenessProbe", probe);
	else
		json_object_set_new(c, "readinessProbe", json_pack("{s:{s:s,s:i,s:s},s:i,s:i}", "httpGet", "path",
			"/healthz", "port", 8080, "scheme", "HTTP", "timeoutSeconds", 1, "periodSeconds", 10));
	json_object_set_new(c, "imagePullPolicy", json_string("IfNotPresent"));
	json_object_set_new(c, "securityContext", json_pack("{s:b,s:b}", "runAsNonRoot", 1, "allowPrivilegeEscalation", 0));
	return c;
}

json_t *
pod_spec(const char *app, json_t *containers)
{
	return json_pack("{s:o,s:s,s:i,s:s,s:s,s:{},s:s,s:[{s:s,s:s,s:s,s:i}]}", "containers", containers,
		"restartPolicy", "Always", "terminationGracePeriodSeconds", 30, "dnsPolicy", "ClusterFirst",
		"serviceAccountName", app, "securityContext", "schedulerName", "default-scheduler",
		"tolerations", "key", "node.kubernetes.io/not-ready", "operator", "Exists", "effect", "NoExecute",
		"tolerationSeconds", 300);
}

json_t *
obj_meta(const char *name, const char *ns, json_t *labels, json_t *annotations)
{
	json_t *m = json_object();

	if (name)
		json_object_set_new(m, "name", json_string(name));
	if (ns)
		json_object_set_new(m, "namespace", json_string(ns));
	if (labels)
		json_object_set_new(m, "labels", labels);
	if (annotations)
		json_object_set_new(m, "annotations", annotations);
	return m;
}

json_t *
managed_fields(const char *manager, const char *op, json_t *fields)
{
	return json_pack("[{s:s,s:s,s:s,s:s,s:s,s:o}]", "manager", manager, "operation", op, "apiVersion", "v1",
		"time", stamp_s(now_us), "fieldsType", "FieldsV1", "fieldsV1", fields);
}

/* What the API server adds to an object it stores. */
void
add_server_fields(json_t *obj, const char *manager)
{
	json_t *m = json_object_get(obj, "metadata");

	json_object_set_new(m, "uid", json_string(uuid()));
	json_object_set_new(m, "resourceVersion", json_string(ar_printf("%u", 40000000 + rnd(9000000))));
	json_object_set_new(m, "creationTimestamp", json_string(stamp_s(now_us)));
	json_object_set_new(m, "managedFields", managed_fields(manager, "Update",
		json_pack("{s:{s:{s:{},s:{}}}}", "f:metadata", "f:labels", ".", "f:app.kubernetes.io/name")));
}
