/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Routine EKS audit traffic, the haystack: kubelets and controllers,
 * agents, health probes, people with kubectl, and the objects that look
 * like secrets and are not - CA bundles, CSRs, certificates in ConfigMaps,
 * image digests, Helm checksums, last-applied annotations of ordinary
 * objects, managedFields, documentation with placeholders.  Every hard
 * negative placed is marked in negatives.tsv.
 */
#include <stdio.h>
#include <string.h>

#include "k8s.h"

static const char *const kcm_controllers[] = {
	"replicaset-controller", "deployment-controller", "endpointslice-controller", "job-controller",
	"namespace-controller", "generic-garbage-collector", "horizontal-pod-autoscaler", "cronjob-controller",
};

struct agent {
	const char *ns, *sa, *ua;
};
static const struct agent agents[] = {
	{ "kube-system", "aws-node", "aws-node/v1.18.3 (linux/amd64) kubernetes/$Format" },
	{ "kube-system", "coredns", "coredns/v1.11.1 (linux/amd64) kubernetes/ae2bbc2" },
	{ "kube-system", "ebs-csi-controller-sa", "ebs-csi-driver/v1.33.0 (linux/amd64) kubernetes/$Format" },
	{ "kube-system", "aws-load-balancer-controller", "controller/v2.8.1 (linux/amd64) kubernetes/$Format" },
	{ "monitoring", "prometheus-server", "prometheus/v2.53.1 (linux/amd64) kubernetes/$Format" },
	{ "monitoring", "kube-state-metrics", "v2.13.0 (linux/amd64) kubernetes/$Format" },
	{ "argocd", "argocd-application-controller", "argocd-application-controller/v2.12.3 (linux/amd64) kubernetes/$Format" },
	{ "cert-manager", "cert-manager", "cert-manager/v1.15.1 (linux/amd64) cert-manager/2b2f2b6" },
	{ "external-secrets", "external-secrets", "external-secrets/v0.10.0 (linux/amd64) kubernetes/$Format" },
	{ "karpenter", "karpenter", "karpenter/v1.0.1 (linux/amd64) kubernetes/$Format" },
};

static const char *
agent_reason(const struct agent *a)
{
	return ar_printf("RBAC: allowed by ClusterRoleBinding \"%s\" of ClusterRole \"%s\" to ServiceAccount \"%s/%s\"",
		a->sa, a->sa, a->sa, a->ns);
}

static const char *
kcm_ua(const char *controller)
{
	return ar_printf("kube-controller-manager/v1.30.4 (linux/amd64) kubernetes/d9b4c2e/system:serviceaccount:kube-system:%s",
		controller);
}

static json_t *
lease_renewal(void)
{
	struct ev e;
	int nd = (int)rnd(NNODES);

	ev_defaults(&e);
	e.uri = ar_printf("/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/%s?timeout=10s", nodes[nd]);
	e.verb = "update";
	e.ua = kubelet_ua;
	e.ip = node_ip[nd];
	e.resource = "leases";
	e.group = "coordination.k8s.io";
	e.ns = "kube-node-lease";
	e.name = nodes[nd];
	e.user = user_node(nd);
	return ev_json(&e);
}

static json_t *
leader_election(void)
{
	static const char *const who[][3] = {
		{ "kube-controller-manager", "system:kube-controller-manager",
		  "kube-controller-manager/v1.30.4 (linux/amd64) kubernetes/d9b4c2e/leader-election" },
		{ "kube-scheduler", "system:kube-scheduler", "kube-scheduler/v1.30.4 (linux/amd64) kubernetes/d9b4c2e/leader-election" },
		{ "cloud-controller-manager", "eks:cloud-controller-manager",
		  "aws-cloud-controller-manager/v0.0.0 (linux/amd64) kubernetes/$Format/leader-election" },
	};
	struct ev e;
	int w = (int)rnd(NELEM(who));

	ev_defaults(&e);
	e.uri = ar_printf("/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/%s?timeout=5s", who[w][0]);
	e.verb = "update";
	e.ua = who[w][2];
	e.ip = "10.0.0.94";
	e.resource = "leases";
	e.group = "coordination.k8s.io";
	e.ns = "kube-system";
	e.name = who[w][0];
	e.reason = ar_printf("RBAC: allowed by ClusterRoleBinding \"system:%s\" of ClusterRole \"system:%s\" to User \"%s\"",
		who[w][0], who[w][0], who[w][1]);
	e.user = user_ctrl(who[w][1]);
	return ev_json(&e);
}

static json_t *
node_status(void)
{
	static const char *const cond[] = { "MemoryPressure", "DiskPressure", "PIDPressure", "Ready" };
	struct ev e;
	json_t *order = json_array(), *conds = json_array(), *st;
	int nd = (int)rnd(NNODES), i;

	ev_defaults(&e);
	e.uri = ar_printf("/api/v1/nodes/%s/status?timeout=10s", nodes[nd]);
	e.verb = "patch";
	e.ua = kubelet_ua;
	e.ip = node_ip[nd];
	e.resource = "nodes";
	e.name = nodes[nd];
	e.sub = "status";
	e.level = "Request";
	e.user = user_node(nd);
	for (i = 0; i < 4; i++) {
		json_array_append_new(order, json_pack("{s:s}", "type", cond[i]));
		json_array_append_new(conds, json_pack("{s:s,s:s}", "lastHeartbeatTime", stamp_s(now_us), "type", cond[i]));
	}
	st = json_pack("{s:o,s:o}", "$setElementOrder/conditions", order, "conditions", conds);
	if (rnd(8) == 0) {
		/* the image list changed: digests, not secrets */
		json_t *images = json_array();
		int n = 2 + (int)rnd(3);
		for (i = 0; i < n; i++) {
			const char *app = apps[rnd((unsigned)napps)];
			json_array_append_new(images, json_pack("{s:[s,s],s:I}", "names",
				image_ref(app, 1), image_ref(app, 0), "sizeBytes", (json_int_t)(20000000 + rnd(200000000))));
			mark_negative(ar_printf("/requestObject/status/images/%d/names/0", i), "digest");
		}
		json_object_set_new(st, "images", images);
	}
	e.req = json_pack("{s:o}", "status", st);
	return ev_json(&e);
}

static const char *const resources[][2] = {
	{ "pods", "" }, { "nodes", "" }, { "services", "" }, { "endpoints", "" }, { "secrets", "" },
	{ "configmaps", "" }, { "serviceaccounts", "" }, { "namespaces", "" }, { "persistentvolumeclaims", "" },
	{ "deployments", "apps" }, { "replicasets", "apps" }, { "daemonsets", "apps" }, { "statefulsets", "apps" },
	{ "jobs", "batch" }, { "cronjobs", "batch" }, { "endpointslices", "discovery.k8s.io" },
	{ "ingresses", "networking.k8s.io" }, { "clusterroles", "rbac.authorization.k8s.io" },
	{ "rolebindings", "rbac.authorization.k8s.io" },
};

static json_t *
controller_read(void)
{
	struct ev e;
	int k = (int)rnd(NELEM(resources)), v = (int)rnd(10);
	const char *rn = resources[k][0], *grp = resources[k][1], *base, *nsp = "";
	int cluster = strcmp(rn, "nodes") == 0 || strcmp(rn, "namespaces") == 0 || strncmp(rn, "cluster", 7) == 0;

	ev_defaults(&e);
	base = *grp ? ar_printf("/apis/%s/v1", grp) : "/api/v1";
	e.ns = cluster || rnd(3) == 0 ? NULL : app_namespaces[rnd((unsigned)napp_namespaces)];
	if (e.ns)
		nsp = ar_printf("/namespaces/%s", e.ns);
	e.resource = rn;
	e.group = grp;
	if (v < 5) {
		e.verb = "watch";
		e.uri = ar_printf("%s%s/%s?allowWatchBookmarks=true&resourceVersion=%u&timeout=%um%us&timeoutSeconds=%u&watch=true",
			base, nsp, rn, 40000000 + rnd(9000000), 5 + rnd(5), rnd(60), 300 + rnd(300));
	} else if (v < 8) {
		e.verb = "list";
		e.uri = ar_printf("%s%s/%s?limit=500&resourceVersion=0", base, nsp, rn);
	} else {
		e.verb = "get";
		e.name = ar_printf("%s-%u", apps[rnd((unsigned)napps)], rnd(300));
		if (e.ns == NULL && !cluster) {
			e.ns = "default";
			nsp = "/namespaces/default";
		}
		e.uri = ar_printf("%s%s/%s/%s", base, nsp, rn, e.name);
		if (rnd(5) == 0)
			e.code = 404;
	}
	if (rnd(2)) {
		const char *c = PICK(kcm_controllers);
		e.ua = kcm_ua(c);
		e.ip = "10.0.0.94";
		e.reason = ar_printf("RBAC: allowed by ClusterRoleBinding \"system:controller:%s\" of ClusterRole "
			"\"system:controller:%s\" to ServiceAccount \"%s/kube-system\"", c, c, c);
		e.user = user_kcm(c);
	} else {
		const struct agent *a = &PICK(agents);
		e.ua = a->ua;
		e.ip = node_ip[rnd(NNODES)];
		e.reason = agent_reason(a);
		e.user = user_sa(a->ns, a->sa);
	}
	return ev_json(&e);
}

static json_t *
configmap_read(void)
{
	static const char *const cms[][2] = {
		{ "kube-system", "amazon-vpc-cni" }, { "kube-system", "kube-proxy-config" }, { "kube-system", "coredns" },
		{ "kube-system", "aws-auth" }, { "kube-system", "extension-apiserver-authentication" },
		{ "cert-manager", "cert-manager-controller" }, { "monitoring", "prometheus-server" }, { "argocd", "argocd-cm" },
	};
	const struct agent *a = &PICK(agents);
	struct ev e;
	int k = (int)rnd(NELEM(cms));

	ev_defaults(&e);
	e.uri = ar_printf("/api/v1/namespaces/%s/configmaps/%s", cms[k][0], cms[k][1]);
	e.verb = "get";
	e.ua = a->ua;
	e.ip = node_ip[rnd(NNODES)];
	e.resource = "configmaps";
	e.ns = cms[k][0];
	e.name = cms[k][1];
	e.reason = agent_reason(a);
	e.user = user_sa(a->ns, a->sa);
	return ev_json(&e);
}

/* The replicaset controller creates a pod: whole objects at RequestResponse. */
static json_t *
pod_create(void)
{
	const char *app = apps[rnd((unsigned)napps)], *ns = app_namespaces[rnd((unsigned)napp_namespaces)];
	const char *name = pod_name(app), *envq = "/spec/containers/0/env";
	struct ev e;
	struct sites ss = { .n = 0 };
	json_t *pod, *resp, *env = routine_env(app, ns, envq, &ss);
	int i, neg = (int)rnd(3), digest = (int)rnd(2);

	for (i = 0; i < neg; i++)
		env_add_neg(env, envq, neg_env(), &ss);
	if (digest)
		site_neg(&ss, "/spec/containers/0/image", "digest");
	ev_defaults(&e);
	e.uri = ar_printf("/api/v1/namespaces/%s/pods", ns);
	e.verb = "create";
	e.ua = kcm_ua("replicaset-controller");
	e.ip = "10.0.0.94";
	e.resource = "pods";
	e.ns = ns;
	e.name = name;
	e.level = "RequestResponse";
	e.code = 201;
	e.reason = "RBAC: allowed by ClusterRoleBinding \"system:controller:replicaset-controller\" of ClusterRole "
		   "\"system:controller:replicaset-controller\" to ServiceAccount \"replicaset-controller/kube-system\"";
	e.pod_security = "restricted:latest";
	e.user = user_kcm("replicaset-controller");
	pod = json_pack("{s:s,s:s,s:o,s:o}", "kind", "Pod", "apiVersion", "v1",
		"metadata", obj_meta(name, ns, json_pack("{s:s,s:s}", "app.kubernetes.io/name", app,
			"pod-template-hash", rstr(10, A_LOWER_ALNUM)), NULL),
		"spec", pod_spec(app, json_pack("[o]", container(app, image_ref(app, digest), env, NULL, NULL, NULL))));
	resp = json_deep_copy(pod);
	add_server_fields(resp, "kube-controller-manager");
	json_object_set_new(resp, "status", json_pack("{s:s,s:s}", "phase", "Pending", "qosClass", "Burstable"));
	sites_emit(&ss, "/requestObject", 0, -1);
	sites_emit(&ss, "/responseObject", 0, -1);
	e.req = pod;
	e.resp = resp;
	return ev_json(&e);
}

static json_t *
kubelet_misc(void)
{
	struct ev e;
	int nd = (int)rnd(NNODES);
	const char *ns = app_namespaces[rnd((unsigned)napp_namespaces)], *app = apps[rnd((unsigned)napps)];

	ev_defaults(&e);
	e.ua = kubelet_ua;
	e.ip = node_ip[nd];
	e.ns = ns;
	e.user = user_node(nd);
	switch (rnd(3)) {
	case 0:
		e.uri = ar_printf("/api/v1/namespaces/%s/events", ns);
		e.verb = "create";
		e.resource = "events";
		e.code = 201;
		break;
	case 1:
		e.name = pod_name(app);
		e.uri = ar_printf("/api/v1/namespaces/%s/pods/%s/status", ns, e.name);
		e.verb = "patch";
		e.resource = "pods";
		e.sub = "status";
		break;
	default:
		/* a projected service-account token for a pod: the policy keeps
		 * these at Metadata, so no token */
		e.name = app;
		e.uri = ar_printf("/api/v1/namespaces/%s/serviceaccounts/%s/token", ns, app);
		e.verb = "create";
		e.resource = "serviceaccounts";
		e.sub = "token";
		e.code = 201;
	}
	return ev_json(&e);
}

static json_t *
endpointslice_update(void)
{
	const char *app = apps[rnd((unsigned)napps)], *ns = app_namespaces[rnd((unsigned)napp_namespaces)];
	const char *name = ar_printf("%s-%s", app, rstr(5, A_LOWER_ALNUM));
	struct ev e;

	ev_defaults(&e);
	e.uri = ar_printf("/apis/discovery.k8s.io/v1/namespaces/%s/endpointslices/%s", ns, name);
	e.verb = "update";
	e.ua = kcm_ua("endpointslice-controller");
	e.ip = "10.0.0.94";
	e.resource = "endpointslices";
	e.group = "discovery.k8s.io";
	e.ns = ns;
	e.name = name;
	e.level = "Request";
	e.user = user_kcm("endpointslice-controller");
	e.req = json_pack("{s:s,s:s,s:{s:s,s:s,s:s,s:s,s:{s:s}},s:s,s:[{s:[s],s:{s:b,s:b,s:b},s:s,s:s}],s:[{s:s,s:s,s:i}]}",
		"kind", "EndpointSlice", "apiVersion", "discovery.k8s.io/v1", "metadata", "name", name, "namespace", ns,
		"uid", uuid(), "resourceVersion", ar_printf("%u", 40000000 + rnd(9000000)), "labels",
		"kubernetes.io/service-name", app, "addressType", "IPv4", "endpoints", "addresses",
		ar_printf("10.0.%u.%u", 32 + rnd(96), 1 + rnd(254)), "conditions", "ready", 1, "serving", 1, "terminating", 0,
		"nodeName", nodes[rnd(NNODES)], "zone", ar_printf(REGION "%c", 'a' + (char)rnd(3)),
		"ports", "name", "http", "protocol", "TCP", "port", 8080);
	return ev_json(&e);
}

static json_t *
health_probe(void)
{
	struct ev e;

	ev_defaults(&e);
	e.uri = PICK(((const char *[]){ "/healthz", "/livez", "/readyz", "/readyz?verbose", "/version" }));
	e.verb = "get";
	e.ua = rnd(2) ? "ELB-HealthChecker/2.0" : "kube-probe/1.30";
	e.ip = ar_printf("10.0.%u.%u", rnd(16), 1 + rnd(254));
	e.nonresource = 1;
	e.reason = "RBAC: allowed by ClusterRoleBinding \"system:public-info-viewer\" of ClusterRole "
		   "\"system:public-info-viewer\" to Group \"system:unauthenticated\"";
	e.user = json_pack("{s:s,s:[s]}", "username", "system:anonymous", "groups", "system:unauthenticated");
	return ev_json(&e);
}

/* cert-manager's cainjector or the load balancer controller refresh a
 * webhook's CA bundle: a public certificate, base64. */
static json_t *
webhook_cabundle(void)
{
	static const char *const hooks[][2] = {
		{ "aws-load-balancer-webhook", "aws-load-balancer-controller" },
		{ "cert-manager-webhook", "cert-manager" },
		{ "pod-identity-webhook", "eks:pod-identity-mutating-webhook" },
	};
	int k = (int)rnd(NELEM(hooks));
	struct ev e;

	ev_defaults(&e);
	e.uri = ar_printf("/apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/%s", hooks[k][0]);
	e.verb = "update";
	e.ua = "cainjector/v1.15.1 (linux/amd64) cert-manager/2b2f2b6";
	e.ip = node_ip[rnd(NNODES)];
	e.resource = "mutatingwebhookconfigurations";
	e.group = "admissionregistration.k8s.io";
	e.name = hooks[k][0];
	e.level = "Request";
	e.user = user_sa("cert-manager", "cert-manager-cainjector");
	e.req = json_pack("{s:s,s:s,s:o,s:[{s:s,s:{s:{s:s,s:s,s:s,s:i},s:s},s:[s],s:s,s:s,s:i}]}",
		"kind", "MutatingWebhookConfiguration", "apiVersion", "admissionregistration.k8s.io/v1",
		"metadata", obj_meta(hooks[k][0], NULL, NULL, json_pack("{s:s}", "cert-manager.io/inject-ca-from",
			ar_printf("kube-system/%s-serving-cert", hooks[k][0]))),
		"webhooks", "name", ar_printf("mpod.%s.k8s.aws", hooks[k][0]), "clientConfig", "service",
		"name", hooks[k][0], "namespace", "kube-system", "path", "/mutate-v1-pod", "port", 443,
		"caBundle", b64s(pem_certificate(ar_printf("%s-ca", hooks[k][0]))),
		"admissionReviewVersions", "v1", "sideEffects", "None", "failurePolicy", "Fail", "timeoutSeconds", 10);
	mark_negative("/requestObject/webhooks/0/clientConfig/caBundle", "certificate");
	return ev_json(&e);
}

static json_t *
csr_create(void)
{
	int nd = (int)rnd(NNODES);
	struct ev e;

	ev_defaults(&e);
	e.uri = "/apis/certificates.k8s.io/v1/certificatesigningrequests";
	e.verb = "create";
	e.ua = kubelet_ua;
	e.ip = node_ip[nd];
	e.resource = "certificatesigningrequests";
	e.group = "certificates.k8s.io";
	e.level = "Request";
	e.code = 201;
	e.user = user_node(nd);
	e.req = json_pack("{s:s,s:s,s:{s:s},s:{s:s,s:s,s:[s,s,s]}}", "kind", "CertificateSigningRequest",
		"apiVersion", "certificates.k8s.io/v1", "metadata", "generateName", "csr-",
		"spec", "request", b64s(pem_csr(ar_printf("system:node:%s", nodes[nd]))),
		"signerName", "kubernetes.io/kubelet-serving", "usages", "digital signature", "key encipherment", "server auth");
	mark_negative("/requestObject/spec/request", "certificate");
	return ev_json(&e);
}

static json_t *
root_ca_configmap(void)
{
	const char *ns = app_namespaces[rnd((unsigned)napp_namespaces)];
	struct ev e;

	ev_defaults(&e);
	e.uri = ar_printf("/api/v1/namespaces/%s/configmaps/kube-root-ca.crt", ns);
	e.verb = "update";
	e.ua = kcm_ua("root-ca-cert-publisher");
	e.ip = "10.0.0.94";
	e.resource = "configmaps";
	e.ns = ns;
	e.name = "kube-root-ca.crt";
	e.level = "Request";
	e.user = user_kcm("root-ca-cert-publisher");
	e.req = json_pack("{s:s,s:s,s:o,s:{s:s}}", "kind", "ConfigMap", "apiVersion", "v1",
		"metadata", obj_meta("kube-root-ca.crt", ns, NULL, json_pack("{s:s}", "kubernetes.io/description",
			"Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.")),
		"data", "ca.crt", pem_certificate("kubernetes"));
	mark_negative("/requestObject/data/ca.crt", "certificate");
	return ev_json(&e);
}

/* A person applies a Deployment that holds no secret: last-applied, Helm
 * checksums, references and hard negatives in the environment. */
static json_t *
deployment_apply(void)
{
	const struct human *h = &humans[rnd((unsigned)nhumans)];
	const char *app = apps[rnd((unsigned)napps)], *ns = app_namespaces[rnd((unsigned)napp_namespaces)];
	struct ev e;
	json_t *man, *req, *ann;
	struct sites ss = { .n = 0 };
	const char *envq = "/spec/template/spec/containers/0/env";
	json_t *env = routine_env(app, ns, envq, &ss);
	int i, n = 1 + (int)rnd(3);

	for (i = 0; i < n; i++)
		env_add_neg(env, envq, neg_env(), &ss);
	ev_defaults(&e);
	e.uri = ar_printf("/apis/apps/v1/namespaces/%s/deployments?fieldManager=kubectl-client-side-apply&fieldValidation=Strict", ns);
	e.verb = "create";
	e.ua = kubectl_ua((int)(h - humans));
	e.ip = public_ip();
	e.resource = "deployments";
	e.group = "apps";
	e.ns = ns;
	e.name = app;
	e.level = "Request";
	e.code = 201;
	e.reason = human_reason(h);
	e.user = user_human(h);
	man = json_pack("{s:s,s:s,s:o,s:{s:i,s:{s:{s:s}},s:{s:{s:{s:s},s:{s:s,s:s}},s:o}}}",
		"apiVersion", "apps/v1", "kind", "Deployment", "metadata", obj_meta(app, ns, NULL, NULL),
		"spec", "replicas", 2 + (int)rnd(3), "selector", "matchLabels", "app.kubernetes.io/name", app,
		"template", "metadata", "labels", "app.kubernetes.io/name", app, "annotations",
		"checksum/config", rstr(64, A_HEX), "checksum/secret", rstr(64, A_HEX),
		"spec", pod_spec(app, json_pack("[o]", container(app, image_ref(app, 1), env, NULL, NULL, NULL))));
	site_neg(&ss, "/spec/template/metadata/annotations/checksum~1config", "checksum");
	site_neg(&ss, "/spec/template/metadata/annotations/checksum~1secret", "checksum");
	site_neg(&ss, "/spec/template/spec/containers/0/image", "digest");
	req = json_deep_copy(man);
	ann = json_object();
	json_object_set_new(ann, LAST_APPLIED, json_string(ar_printf("%s\n", go_dumps(man))));
	json_object_set_new(json_object_get(req, "metadata"), "annotations", ann);
	json_object_set_new(req, "status", json_object());
	json_decref(man);
	sites_emit(&ss, "/requestObject", 0, -1);
	e.req = req;
	return ev_json(&e);
}

static json_t *
doc_configmap(void)
{
	const struct human *h = &humans[rnd((unsigned)nhumans)];
	const char *ns = app_namespaces[rnd((unsigned)napp_namespaces)], *kind, *body = neg_doc_file(&kind);
	const char *key = PICK(((const char *[]){ "README.md", "example.env", "values.example.yaml", "SETUP.md" }));
	const char *name = ar_printf("%s-docs", apps[rnd((unsigned)napps)]);
	struct ev e;

	ev_defaults(&e);
	e.uri = ar_printf("/api/v1/namespaces/%s/configmaps?fieldManager=kubectl-create&fieldValidation=Strict", ns);
	e.verb = "create";
	e.ua = kubectl_ua((int)(h - humans));
	e.ip = public_ip();
	e.resource = "configmaps";
	e.ns = ns;
	e.name = name;
	e.level = "Request";
	e.code = 201;
	e.reason = human_reason(h);
	e.user = user_human(h);
	e.req = json_pack("{s:s,s:s,s:o,s:{s:s}}", "kind", "ConfigMap", "apiVersion", "v1",
		"metadata", obj_meta(name, ns, NULL, NULL), "data", key, body);
	mark_negative(ar_printf("/requestObject/data/%s", ptr_key(key)), kind);
	return ev_json(&e);
}

static json_t *
aws_auth_update(void)
{
	struct ev e;
	const char *roles = ar_printf("- groups:\n  - system:bootstrappers\n  - system:nodes\n  rolearn: arn:aws:iam::" ACCT
		":role/eks-nodegroup-general-role\n  username: system:node:{{EC2PrivateDNSName}}\n"
		"- groups:\n  - deployers\n  rolearn: arn:aws:iam::" ACCT ":role/gitlab-deployer\n  username: gitlab-ci\n"
		"- groups:\n  - platform-engineers\n  rolearn: arn:aws:iam::" ACCT ":role/AWSReservedSSO_PlatformEngineer_4f1c2a9be0d37a55\n"
		"  username: '{{SessionName}}'\n");

	ev_defaults(&e);
	e.uri = "/api/v1/namespaces/kube-system/configmaps/aws-auth?fieldManager=kubectl-edit&fieldValidation=Strict";
	e.verb = "update";
	e.ua = kubectl_ua(2);
	e.ip = public_ip();
	e.resource = "configmaps";
	e.ns = "kube-system";
	e.name = "aws-auth";
	e.level = "Request";
	e.user = user_human(&humans[2]);
	e.req = json_pack("{s:s,s:s,s:o,s:{s:s,s:s}}", "kind", "ConfigMap", "apiVersion", "v1",
		"metadata", obj_meta("aws-auth", "kube-system", NULL, NULL), "data", "mapRoles", roles, "mapUsers",
		"- userarn: arn:aws:iam::" ACCT ":user/terraform\n  username: kubernetes-admin\n  groups:\n  - system:masters\n");
	return ev_json(&e);
}

static json_t *
serviceaccount_create(void)
{
	const char *app = apps[rnd((unsigned)napps)], *ns = app_namespaces[rnd((unsigned)napp_namespaces)];
	struct ev e;

	ev_defaults(&e);
	e.uri = ar_printf("/api/v1/namespaces/%s/serviceaccounts?fieldManager=helm", ns);
	e.verb = "create";
	e.ua = "Helm/3.15.3";
	e.ip = public_ip();
	e.resource = "serviceaccounts";
	e.ns = ns;
	e.name = app;
	e.level = "Request";
	e.code = 201;
	e.user = user_human(&humans[3]);
	e.req = json_pack("{s:s,s:s,s:o}", "kind", "ServiceAccount", "apiVersion", "v1",
		"metadata", obj_meta(app, ns, json_pack("{s:s,s:s}", "app.kubernetes.io/managed-by", "Helm",
			"app.kubernetes.io/name", app), json_pack("{s:s,s:s,s:s}", "eks.amazonaws.com/role-arn",
			ar_printf("arn:aws:iam::" ACCT ":role/%s-%s-irsa", ns, app), "meta.helm.sh/release-name", app,
			"meta.helm.sh/release-namespace", ns)));
	return ev_json(&e);
}

static json_t *
human_kubectl(void)
{
	int hi = (int)rnd((unsigned)nhumans);
	const struct human *h = &humans[hi];
	const char *ns = app_namespaces[rnd((unsigned)napp_namespaces)], *app = apps[rnd((unsigned)napps)];
	struct ev e;
	unsigned w = rnd(100);

	ev_defaults(&e);
	e.ua = kubectl_ua(hi);
	e.ip = public_ip();
	e.ns = ns;
	e.reason = human_reason(h);
	e.user = user_human(h);
	if (w < 15) {
		static const char *const cmds[] = {
			"command=sh&command=-c&command=ls+-la+%2Fapp", "command=%2Fbin%2Fsh",
			"command=cat&command=%2Fetc%2Fos-release", "command=env", "command=top&command=-b&command=-n1",
			"command=curl&command=-s&command=http%3A%2F%2Flocalhost%3A8080%2Fhealthz",
		};
		e.name = pod_name(app);
		e.uri = ar_printf("/api/v1/namespaces/%s/pods/%s/exec?%s&container=%s&stdin=true&stdout=true&tty=true",
			ns, e.name, PICK(cmds), app);
		e.verb = rnd(2) ? "create" : "get";
		e.resource = "pods";
		e.sub = "exec";
		e.code = 101;
	} else if (w < 40) {
		e.name = pod_name(app);
		e.uri = ar_printf("/api/v1/namespaces/%s/pods/%s/log?container=%s&follow=true&tailLines=100", ns, e.name, app);
		e.verb = "get";
		e.resource = "pods";
		e.sub = "log";
	} else if (w < 55) {
		e.name = ar_printf("%s-db", app);
		e.uri = ar_printf("/api/v1/namespaces/%s/secrets/%s", ns, e.name);
		e.verb = "get";
		e.resource = "secrets";
	} else if (w < 70) {
		e.uri = ar_printf("/apis/apps/v1/namespaces/%s/deployments?limit=500", ns);
		e.verb = "list";
		e.resource = "deployments";
		e.group = "apps";
	} else {
		e.uri = ar_printf("/api/v1/namespaces/%s/pods?limit=500", ns);
		e.verb = "list";
		e.resource = "pods";
	}
	return ev_json(&e);
}

static json_t *
secret_read_metadata(void)
{
	const struct agent *a = &agents[rnd(2) ? 8 : 6];
	const char *ns = app_namespaces[rnd((unsigned)napp_namespaces)];
	struct ev e;

	ev_defaults(&e);
	e.ua = a->ua;
	e.ip = node_ip[rnd(NNODES)];
	e.ns = ns;
	e.reason = agent_reason(a);
	e.user = user_sa(a->ns, a->sa);
	e.resource = "secrets";
	e.name = ar_printf("%s-db", apps[rnd((unsigned)napps)]);
	if (rnd(2)) {
		e.verb = "update";
		e.uri = ar_printf("/api/v1/namespaces/%s/secrets/%s", ns, e.name);
	} else {
		e.verb = "get";
		e.uri = ar_printf("/api/v1/namespaces/%s/secrets/%s", ns, e.name);
	}
	return ev_json(&e);
}

static json_t *
argocd_application(void)
{
	const char *app = apps[rnd((unsigned)napps)];
	struct ev e;

	ev_defaults(&e);
	e.uri = ar_printf("/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/%s", app);
	e.verb = "update";
	e.ua = agents[6].ua;
	e.ip = node_ip[rnd(NNODES)];
	e.resource = "applications";
	e.group = "argoproj.io";
	e.version = "v1alpha1";
	e.ns = "argocd";
	e.name = app;
	e.level = "Request";
	e.reason = agent_reason(&agents[6]);
	e.user = user_sa("argocd", "argocd-application-controller");
	e.req = json_pack("{s:s,s:s,s:o,s:{s:s,s:{s:s,s:s},s:{s:s,s:s,s:s,s:{s:s}}},s:{s:{s:s,s:s}}}",
		"apiVersion", "argoproj.io/v1alpha1", "kind", "Application", "metadata", obj_meta(app, "argocd", NULL, NULL),
		"spec", "project", "default", "destination", "namespace", app, "server", "https://kubernetes.default.svc",
		"source", "repoURL", "https://gitlab.com/acme/deploy.git", "path", ar_printf("apps/%s", app),
		"targetRevision", "main", "helm", "values", "image:\n  tag: v1.8.2\ndb:\n  existingSecret: app-db\n  password: \"\"\n",
		"status", "sync", "status", "Synced", "revision", rstr(40, A_HEX));
	mark_negative("/requestObject/status/sync/revision", "git-sha");
	return ev_json(&e);
}

json_t *
k8s_noise(void)
{
	unsigned r = rnd(1000);

	if (r < 300)
		return lease_renewal();
	if (r < 380)
		return leader_election();
	if (r < 500)
		return node_status();
	if (r < 700)
		return controller_read();
	if (r < 760)
		return configmap_read();
	if (r < 800)
		return pod_create();
	if (r < 850)
		return kubelet_misc();
	if (r < 880)
		return endpointslice_update();
	if (r < 910)
		return health_probe();
	if (r < 920)
		return webhook_cabundle();
	if (r < 930)
		return csr_create();
	if (r < 940)
		return root_ca_configmap();
	if (r < 950)
		return deployment_apply();
	if (r < 959)
		return doc_configmap();
	if (r < 960)
		return aws_auth_update();
	if (r < 965)
		return serviceaccount_create();
	if (r < 985)
		return human_kubectl();
	if (r < 995)
		return secret_read_metadata();
	return argocd_application();
}
