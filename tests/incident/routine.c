/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Routine traffic of the incident.  Most of it is the secret corpus's
 * everyday traffic (k8s_noise, ct_noise); added here are the patterns a
 * catalog tuned for recall grades high although they are routine:
 *
 * - in-cluster controllers (monitoring, GitOps, external-secrets,
 *   cert-manager, the controller manager, the load balancer controller)
 *   that list, watch and get secrets and RBAC objects from their pods'
 *   addresses, many with the Go default user agent Go-http-client/2.0;
 * - a node group in public subnets: its kubelets, its DaemonSet pods and
 *   the pods scheduled there reach the public API endpoint from the
 *   node's Elastic IP, an EC2 address of the region; EKS's own components
 *   (eks:*) call from AWS addresses too;
 * - DaemonSet pods created by the controller manager, privileged by
 *   design: the VPC CNI, kube-proxy, the EBS and EFS CSI node plugins,
 *   Cilium, Calico, Falco, node-exporter with the host's root mounted;
 * - node bootstrap CSRs and their approval; GitOps syncs (Argo CD, Flux),
 *   CI deploys with Helm (release Secrets), people port-forwarding;
 * - in CloudTrail: CI pushes to ECR (a moving tag pushed again on every
 *   build), SSO console sign-ins (MFA done at the identity provider, so
 *   MFAUsed is No), nodes in public subnets calling AWS from their
 *   Elastic IPs, GitLab's web identity, a user changing his own password
 *   (also through his SSO role session), a failed root password change,
 *   a disabled short lifecycle rule on the trail's bucket, Identity
 *   Center managing its own SAML provider, an ALB security group opened
 *   on 443, an engineer's ECS Exec session.
 */
#include <stdio.h>
#include <string.h>

#include "incident.h"

char node_private_ip[NNODES][20];

/* EC2 ranges AWS publishes for eu-west-1 (ip-ranges.json): 52.208.0.0/13,
 * 34.240.0.0/13, 3.248.0.0/13, 54.72.0.0/15 */
char *
aws_ec2_ip(void)
{
	switch (rnd(4)) {
	case 0:
		return ar_printf("52.%u.%u.%u", 208 + rnd(8), rnd(256), 1 + rnd(254));
	case 1:
		return ar_printf("34.%u.%u.%u", 240 + rnd(8), rnd(256), 1 + rnd(254));
	case 2:
		return ar_printf("3.%u.%u.%u", 248 + rnd(8), rnd(256), 1 + rnd(254));
	default:
		return ar_printf("54.%u.%u.%u", 72 + rnd(2), rnd(256), 1 + rnd(254));
	}
}

/* The EKS control plane runs in an account AWS owns: its components'
 * requests come from a handful of the region's addresses. */
static char eks_ips[4][20];

char *
aws_eks_ip(void)
{
	return eks_ips[rnd(4)];
}

const char *
control_plane_ip(void)
{
	return "10.0.0.94";
}

/* ---- pods that talk to the API server ---- */
struct pod {
	const char *ns, *sa, *name;
	const char *uas[3];  /* the user agents its clients send */
	int node;
	char ip[20];         /* the pod's VPC address */
	char pod_uid[40], node_uid[40], jti[40];
	int64_t jti_hour;
};

#define R(n, s, p, ...) { .ns = n, .sa = s, .name = p, .uas = { __VA_ARGS__ } }
static struct pod readers[] = {
	R("monitoring", "prometheus-operator", "prometheus-operator-6b9f7c5d8-x2kqp", "PrometheusOperator/0.75.2", "Go-http-client/2.0", NULL),
	R("monitoring", "grafana", "grafana-7d5c9b8f4-m8zwl", "OpenAPI-Generator/29.0.0/python", "Go-http-client/2.0", NULL),
	R("monitoring", "kube-state-metrics", "kube-state-metrics-5f8d7b6c9-qt4nv", "v2.13.0 (linux/amd64) kubernetes/$Format", "Go-http-client/2.0", NULL),
	R("argocd", "argocd-application-controller", "argocd-application-controller-0", "argocd-application-controller/v2.12.3 (linux/amd64) kubernetes/$Format", "Go-http-client/2.0", NULL),
	R("argocd", "argocd-server", "argocd-server-84f6c9d7b5-7hpxk", "Go-http-client/2.0", NULL, NULL),
	R("flux-system", "source-controller", "source-controller-69c4f8b7d9-kw2rc", "source-controller/v1.3.0 (linux/amd64) kubernetes/$Format", "Go-http-client/2.0", NULL),
	R("flux-system", "kustomize-controller", "kustomize-controller-7b9d5c8f6-9sj4t", "kustomize-controller/v1.3.0 (linux/amd64) kubernetes/$Format", "Go-http-client/2.0", NULL),
	R("external-secrets", "external-secrets", "external-secrets-5c7f9d8b6-lx8mp", "Go-http-client/2.0", "external-secrets/v0.10.0 (linux/amd64) kubernetes/$Format", NULL),
	R("cert-manager", "cert-manager", "cert-manager-7c5b8d9f6-hv2zn", "cert-manager/v1.15.1 (linux/amd64) cert-manager/2b2f2b6", "Go-http-client/2.0", NULL),
	R("cert-manager", "cert-manager-cainjector", "cert-manager-cainjector-6d8f7b9c5-p9rt2", "Go-http-client/2.0", NULL, NULL),
	R("kube-system", "aws-load-balancer-controller", "aws-load-balancer-controller-5b7d9c8f6-jm4wq", "controller/v2.8.1 (linux/amd64) kubernetes/$Format", "Go-http-client/2.0", NULL),
	R("kube-system", "coredns", "coredns-5c9f8b7d6-zx7kt", "Go-http-client/2.0", "coredns/v1.11.1 (linux/amd64) kubernetes/ae2bbc2", NULL),
};
#define NREADERS ((int)NELEM(readers))

/* where a pod's requests come from: its own address inside the VPC, the
 * node's Elastic IP in the public node group */
static const char *
pod_source(const struct pod *p)
{
	return p->node >= NPRIVATE ? node_ip[p->node] : p->ip;
}

static json_t *
pod_user(struct pod *p)
{
	int64_t hour = epoch_s(now_us) / 3600;

	/* projected tokens are refreshed about every hour: a new JTI */
	if (p->jti_hour != hour) {
		snprintf(p->jti, sizeof(p->jti), "%s", uuid());
		p->jti_hour = hour;
	}
	return json_pack("{s:s,s:s,s:[s,s,s],s:{s:[s],s:[s],s:[s],s:[s],s:[s]}}",
		"username", ar_printf("system:serviceaccount:%s:%s", p->ns, p->sa), "uid", uuid(),
		"groups", "system:serviceaccounts", ar_printf("system:serviceaccounts:%s", p->ns), "system:authenticated",
		"extra", "authentication.kubernetes.io/credential-id", ar_printf("JTI=%s", p->jti),
		"authentication.kubernetes.io/node-name", nodes[p->node], "authentication.kubernetes.io/node-uid", p->node_uid,
		"authentication.kubernetes.io/pod-name", p->name, "authentication.kubernetes.io/pod-uid", p->pod_uid);
}

static const char *
pod_ua(const struct pod *p)
{
	int n = 0;

	while (n < 3 && p->uas[n])
		n++;
	return p->uas[rnd((unsigned)n)];
}

static const char *
sa_reason(const struct pod *p, const char *role)
{
	return ar_printf("RBAC: allowed by ClusterRoleBinding \"%s\" of ClusterRole \"%s\" to ServiceAccount \"%s/%s\"",
		role, role, p->sa, p->ns);
}

static void
pod_init(struct pod *p)
{
	unsigned a, b;

	p->node = (int)rnd(NNODES);
	/* the VPC CNI gives pods secondary addresses of the node's subnet */
	if (sscanf(node_private_ip[p->node], "10.0.%u.%u", &a, &b) != 2)
		snprintf(p->ip, sizeof(p->ip), "10.0.%u.%u", 1 + rnd(190), 1 + rnd(254));
	else
		snprintf(p->ip, sizeof(p->ip), "10.0.%u.%u", a, 1 + rnd(254));
	snprintf(p->pod_uid, sizeof(p->pod_uid), "%s", uuid());
	snprintf(p->node_uid, sizeof(p->node_uid), "%s", uuid());
	p->jti_hour = -1;
}

void
routine_init(void)
{
	int i;

	/* the public node group: every request of the node, and of the pods
	 * on it, leaves through the node's Elastic IP (node_ip is where the
	 * secret corpus's traffic comes from) */
	for (i = 0; i < NNODES; i++) {
		snprintf(node_private_ip[i], sizeof(node_private_ip[i]), "%s", node_ip[i]);
		if (i >= NPRIVATE)
			snprintf(node_ip[i], sizeof(node_ip[i]), "%s", aws_ec2_ip());
	}
	for (i = 0; i < 4; i++)
		snprintf(eks_ips[i], sizeof(eks_ips[i]), "%s", aws_ec2_ip());
	for (i = 0; i < NREADERS; i++)
		pod_init(&readers[i]);
	ar_reset();
}

/* ---- Kubernetes ---- */
static const char *const secret_names[] = {
	"api-db", "web-tls", "checkout-stripe", "ledger-db", "worker-sqs", "search-opensearch",
	"sh.helm.release.v1.api.v41", "sh.helm.release.v1.web.v17", "regcred", "notifier-smtp",
};

static char *
watch_query(void)
{
	unsigned s = 300 + rnd(300);

	return ar_printf("allowWatchBookmarks=true&resourceVersion=%u&timeout=%um%us&timeoutSeconds=%u&watch=true",
		40000000 + rnd(9000000), s / 60, s % 60, s);
}

/* a controller's informers and reads: secrets mostly, RBAC for Argo CD */
static json_t *
controller_secrets(void)
{
	struct pod *p = &readers[rnd(NREADERS - 1)]; /* not coredns */
	struct ev e;
	const char *ns = NULL, *base = "/api/v1", *rsc = "secrets", *grp = "";
	unsigned v = rnd(10);

	ev_defaults(&e);
	if (strcmp(p->ns, "argocd") == 0 && rnd(3) == 0) {
		static const char *const rbac[] = { "roles", "rolebindings", "clusterroles", "clusterrolebindings" };
		rsc = PICK(rbac);
		grp = "rbac.authorization.k8s.io";
		base = "/apis/rbac.authorization.k8s.io/v1";
	}
	/* operators watch the whole cluster; the others their own namespace
	 * or the application namespaces */
	if (strcmp(p->ns, "flux-system") == 0 || strcmp(p->sa, "argocd-server") == 0)
		ns = p->ns;
	else if (strcmp(p->ns, "external-secrets") == 0 || rnd(3) == 0)
		ns = app_namespaces[rnd((unsigned)napp_namespaces)];
	if (strncmp(rsc, "cluster", 7) == 0)
		ns = NULL;
	e.resource = rsc;
	e.group = grp;
	e.ns = ns;
	if (v < 5) {
		e.verb = "watch";
		e.uri = ns ? ar_printf("%s/namespaces/%s/%s?%s", base, ns, rsc, watch_query()) :
			     ar_printf("%s/%s?%s", base, rsc, watch_query());
	} else if (v < 7) {
		e.verb = "list";
		e.uri = ns ? ar_printf("%s/namespaces/%s/%s?limit=500&resourceVersion=0", base, ns, rsc) :
			     ar_printf("%s/%s?limit=500&resourceVersion=0", base, rsc);
		if (strcmp(p->sa, "grafana") == 0)
			e.uri = ar_printf("%s&labelSelector=grafana_datasource%%3D1", e.uri);
		if (strcmp(p->sa, "argocd-server") == 0)
			e.uri = ar_printf("%s&labelSelector=argocd.argoproj.io%%2Fsecret-type%%3Dcluster", e.uri);
	} else {
		if (ns == NULL)
			e.ns = ns = strcmp(p->ns, "cert-manager") == 0 ? app_namespaces[rnd((unsigned)napp_namespaces)] : p->ns;
		e.name = strcmp(p->sa, "argocd-server") == 0 ? "argocd-secret" :
			 strcmp(p->ns, "flux-system") == 0 ? PICK(((const char *[]){ "flux-system", "sops-age" })) :
			 PICK(secret_names);
		e.verb = v == 9 && (strcmp(p->ns, "external-secrets") == 0 || strcmp(p->ns, "cert-manager") == 0) ? "update" : "get";
		e.uri = ar_printf("%s/namespaces/%s/%s/%s", base, ns, rsc, e.name);
		if (strcmp(e.verb, "get") == 0 && rnd(12) == 0)
			e.code = 404;
	}
	e.ua = pod_ua(p);
	e.ip = pod_source(p);
	e.reason = sa_reason(p, p->sa);
	e.user = pod_user(p);
	return ev_json(&e);
}

/* informers of other resources, some with the Go default user agent too */
static json_t *
controller_other(void)
{
	static const char *const rs[][2] = { { "endpointslices", "discovery.k8s.io" }, { "services", "" },
		{ "namespaces", "" }, { "pods", "" }, { "configmaps", "" }, { "nodes", "" } };
	struct pod *p = &readers[rnd(NREADERS)];
	struct ev e;
	int k = (int)rnd(NELEM(rs));

	ev_defaults(&e);
	e.resource = rs[k][0];
	e.group = rs[k][1];
	e.verb = rnd(3) ? "watch" : "list";
	e.uri = ar_printf("%s/%s?%s", *rs[k][1] ? "/apis/discovery.k8s.io/v1" : "/api/v1", rs[k][0],
		strcmp(e.verb, "watch") == 0 ? watch_query() : "limit=500&resourceVersion=0");
	e.ua = pod_ua(p);
	e.ip = pod_source(p);
	e.reason = sa_reason(p, p->sa);
	e.user = pod_user(p);
	return ev_json(&e);
}

/* a kubelet watches the Secrets and ConfigMaps of its pods (node
 * authorizer), and aws-node / kube-proxy watch pods of their node */
static json_t *
node_reads(void)
{
	int nd = (int)rnd(NNODES);
	const char *ns = app_namespaces[rnd((unsigned)napp_namespaces)];
	struct ev e;

	ev_defaults(&e);
	e.ip = node_ip[nd];
	e.ns = ns;
	if (rnd(3)) {
		int cm = rnd(3) == 0;
		e.resource = cm ? "configmaps" : "secrets";
		e.ua = kubelet_ua;
		e.user = user_node(nd);
		e.reason = "";
		if (rnd(2)) {
			e.name = cm ? "kube-root-ca.crt" : PICK(secret_names);
			e.verb = "watch";
			e.uri = ar_printf("/api/v1/namespaces/%s/%s?allowWatchBookmarks=true&fieldSelector=metadata.name%%3D%s&%s",
				ns, e.resource, e.name, watch_query() + strlen("allowWatchBookmarks=true&"));
		} else {
			e.name = cm ? "kube-root-ca.crt" : PICK(secret_names);
			e.verb = "get";
			e.uri = ar_printf("/api/v1/namespaces/%s/%s/%s?resourceVersion=0", ns, e.resource, e.name);
		}
	} else {
		static const char *const ds[][2] = {
			{ "aws-node", "aws-node/v1.18.3 (linux/amd64) kubernetes/$Format" },
			{ "kube-proxy", "kube-proxy/v1.30.0 (linux/amd64) kubernetes/$Format" },
			{ "ebs-csi-node-sa", "Go-http-client/2.0" },
		};
		int k = (int)rnd(NELEM(ds));
		e.ns = NULL;
		e.resource = "pods";
		e.verb = rnd(2) ? "watch" : "list";
		e.uri = ar_printf("/api/v1/pods?fieldSelector=spec.nodeName%%3D%s&%s", nodes[nd],
			strcmp(e.verb, "watch") == 0 ? watch_query() : "limit=500&resourceVersion=0");
		e.ua = ds[k][1];
		e.reason = ar_printf("RBAC: allowed by ClusterRoleBinding \"%s\" of ClusterRole \"%s\" to ServiceAccount \"%s/kube-system\"",
			ds[k][0], ds[k][0], ds[k][0]);
		e.user = json_pack("{s:s,s:s,s:[s,s,s],s:{s:[s],s:[s]}}", "username",
			ar_printf("system:serviceaccount:kube-system:%s", ds[k][0]), "uid", uuid(), "groups",
			"system:serviceaccounts", "system:serviceaccounts:kube-system", "system:authenticated", "extra",
			"authentication.kubernetes.io/node-name", nodes[nd], "authentication.kubernetes.io/pod-name",
			ar_printf("%s-%s", ds[k][0], rstr(5, A_LOWER_ALNUM)));
	}
	return ev_json(&e);
}

/* EKS's own components, from AWS's addresses */
static json_t *
eks_component(void)
{
	struct ev e;
	unsigned k = rnd(4);

	ev_defaults(&e);
	e.ip = aws_eks_ip();
	e.reason = "";
	if (k == 0) {
		e.user = user_ctrl("eks:node-manager");
		e.ua = "Go-http-client/2.0";
		e.verb = "get";
		e.resource = "configmaps";
		e.ns = "kube-system";
		e.name = "aws-auth";
		e.uri = "/api/v1/namespaces/kube-system/configmaps/aws-auth";
	} else if (k == 1) {
		e.user = user_ctrl("eks:addon-manager");
		e.ua = "eks-addon-manager/v1.30.0 (linux/amd64) kubernetes/$Format";
		e.verb = "get";
		e.resource = "configmaps";
		e.ns = "kube-system";
		e.name = PICK(((const char *[]){ "amazon-vpc-cni", "kube-proxy-config", "coredns" }));
		e.uri = ar_printf("/api/v1/namespaces/kube-system/configmaps/%s", e.name);
	} else if (k == 2) {
		e.user = user_ctrl("eks:k8s-metrics");
		e.ua = "Go-http-client/2.0";
		e.verb = "list";
		e.resource = "pods";
		e.uri = "/api/v1/pods?limit=500&resourceVersion=0";
	} else {
		e.user = user_ctrl("eks:pod-identity-mutating-webhook");
		e.ua = "amazon-eks-pod-identity-webhook/v0.5.5 (linux/amd64) kubernetes/$Format";
		e.verb = "get";
		e.resource = "serviceaccounts";
		e.ns = app_namespaces[rnd((unsigned)napp_namespaces)];
		e.name = apps[rnd((unsigned)napps)];
		e.uri = ar_printf("/api/v1/namespaces/%s/serviceaccounts/%s", e.ns, e.name);
	}
	return ev_json(&e);
}

/* ---- DaemonSet pods: privileged by design ---- */
#define EKS_ECR "602401143452.dkr.ecr." REGION ".amazonaws.com/"

struct daemon {
	const char *ns, *name, *image, *init_image, *host_paths;
	int privileged, host_net, host_pid;
};
static const struct daemon daemons[] = {
	{ "kube-system", "aws-node", EKS_ECR "amazon-k8s-cni:v1.18.3-eksbuild.1", EKS_ECR "amazon-k8s-cni-init:v1.18.3-eksbuild.1",
	  "/opt/cni/bin /etc/cni/net.d /var/log/aws-routed-eni /var/run/aws-node /run/xtables.lock", 0, 1, 0 },
	{ "kube-system", "kube-proxy", EKS_ECR "eks/kube-proxy:v1.30.0-minimal-eksbuild.3", NULL,
	  "/var/log /run/xtables.lock /lib/modules", 1, 1, 0 },
	{ "kube-system", "ebs-csi-node", EKS_ECR "eks/aws-ebs-csi-driver:v1.33.0", NULL,
	  "/var/lib/kubelet /var/lib/kubelet/plugins/ebs.csi.aws.com/ /var/lib/kubelet/plugins_registry/ /dev", 1, 0, 0 },
	{ "kube-system", "efs-csi-node", EKS_ECR "eks/aws-efs-csi-driver:v2.0.7", NULL,
	  "/var/lib/kubelet /var/lib/kubelet/plugins/efs.csi.aws.com/ /var/run/efs /etc/amazon/efs-static-files", 1, 1, 0 },
	{ "kube-system", "cilium", "quay.io/cilium/cilium:v1.16.1@sha256:0b4a3ab41a4760d86b7fc945b8783747ba27f29dac30dd434d94f2c9e3679f39",
	  "quay.io/cilium/cilium:v1.16.1@sha256:0b4a3ab41a4760d86b7fc945b8783747ba27f29dac30dd434d94f2c9e3679f39",
	  "/opt/cni/bin /etc/cni/net.d /var/run/cilium /sys/fs/bpf /proc /lib/modules /run/xtables.lock", 1, 1, 0 },
	{ "calico-system", "calico-node", "quay.io/calico/node:v3.28.1", "quay.io/calico/cni:v3.28.1",
	  "/lib/modules /run/xtables.lock /var/run/calico /var/lib/calico /opt/cni/bin /etc/cni/net.d /var/log/calico/cni", 1, 1, 0 },
	{ "falco", "falco", "docker.io/falcosecurity/falco:0.38.2", "docker.io/falcosecurity/falcoctl:0.9.1",
	  "/var/run/docker.sock /run/containerd/containerd.sock /proc /etc /dev /boot /lib/modules /usr", 1, 0, 1 },
	{ "monitoring", "node-exporter", "quay.io/prometheus/node-exporter:v1.8.2", NULL, "/proc /sys /", 0, 1, 1 },
};

static json_t *
daemon_pod_spec(const struct daemon *d, int nd)
{
	json_t *vols = json_array(), *mounts = json_array(), *c, *spec;
	char *paths = ar_strdup(d->host_paths), *tok, *save = NULL;
	int i = 0;

	for (tok = strtok_r(paths, " ", &save); tok; tok = strtok_r(NULL, " ", &save), i++) {
		const char *vn = ar_printf("host-%d", i);
		json_array_append_new(vols, json_pack("{s:s,s:{s:s,s:s}}", "name", vn, "hostPath", "path", tok, "type", ""));
		json_array_append_new(mounts, json_pack("{s:s,s:s}", "name", vn, "mountPath",
			strcmp(tok, "/") == 0 ? "/host/root" : tok));
	}
	c = json_pack("{s:s,s:s,s:o,s:{s:{s:s,s:s}},s:s}", "name", d->name, "image", d->image, "volumeMounts", mounts,
		"resources", "requests", "cpu", "25m", "memory", "64Mi", "imagePullPolicy", "IfNotPresent");
	json_object_set_new(c, "securityContext", d->privileged ? json_pack("{s:b}", "privileged", 1) :
		json_pack("{s:{s:[s,s]}}", "capabilities", "add", "NET_ADMIN", "NET_RAW"));
	spec = json_pack("{s:[o],s:o,s:s,s:s,s:s,s:s,s:[{s:s}]}", "containers", c, "volumes", vols,
		"serviceAccountName", d->name, "nodeName", nodes[nd], "priorityClassName", "system-node-critical",
		"dnsPolicy", "ClusterFirst", "tolerations", "operator", "Exists");
	if (d->init_image)
		json_object_set_new(spec, "initContainers", json_pack("[{s:s,s:s,s:{s:b}}]", "name", "init", "image",
			d->init_image, "securityContext", "privileged", 1));
	if (d->host_net)
		json_object_set_new(spec, "hostNetwork", json_true());
	if (d->host_pid)
		json_object_set_new(spec, "hostPID", json_true());
	return spec;
}

/* a DaemonSet's uid: the same for every pod it makes */
static const char *
daemon_uid(const struct daemon *d)
{
	uint64_t h = 1469598103934665603ULL;
	const char *p;

	for (p = d->name; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	return ar_printf("%08x-%04x-4%03x-a%03x-%012llx", (unsigned)(h >> 32), (unsigned)(h >> 16) & 0xffff,
		(unsigned)h & 0xfff, (unsigned)(h >> 20) & 0xfff, (unsigned long long)(h * 31 & 0xffffffffffffULL));
}

static json_t *
daemon_pod_create(void)
{
	const struct daemon *d = &PICK(daemons);
	int nd = (int)rnd(NNODES);
	const char *name = ar_printf("%s-%s", d->name, rstr(5, A_LOWER_ALNUM));
	struct ev e;
	json_t *pod, *resp;

	ev_defaults(&e);
	e.uri = ar_printf("/api/v1/namespaces/%s/pods", d->ns);
	e.verb = "create";
	e.ua = "kube-controller-manager/v1.30.4 (linux/amd64) kubernetes/d9b4c2e/system:serviceaccount:kube-system:daemon-set-controller";
	e.ip = control_plane_ip();
	e.resource = "pods";
	e.ns = d->ns;
	e.name = name;
	e.level = "RequestResponse";
	e.code = 201;
	e.reason = "RBAC: allowed by ClusterRoleBinding \"system:controller:daemon-set-controller\" of ClusterRole "
		   "\"system:controller:daemon-set-controller\" to ServiceAccount \"daemon-set-controller/kube-system\"";
	e.pod_security = "privileged:latest";
	e.user = user_kcm("daemon-set-controller");
	pod = json_pack("{s:s,s:s,s:o,s:o}", "kind", "Pod", "apiVersion", "v1",
		"metadata", obj_meta(name, d->ns, json_pack("{s:s,s:s}", "k8s-app", d->name, "controller-revision-hash",
			rstr(10, A_LOWER_ALNUM)), NULL),
		"spec", daemon_pod_spec(d, nd));
	json_object_set_new(json_object_get(pod, "metadata"), "generateName", json_string(ar_printf("%s-", d->name)));
	json_object_set_new(json_object_get(pod, "metadata"), "ownerReferences", json_pack("[{s:s,s:s,s:s,s:s,s:b,s:b}]",
		"apiVersion", "apps/v1", "kind", "DaemonSet", "name", d->name, "uid", daemon_uid(d), "controller", 1,
		"blockOwnerDeletion", 1));
	resp = json_deep_copy(pod);
	add_server_fields(resp, "kube-controller-manager");
	json_object_set_new(resp, "status", json_pack("{s:s,s:s}", "phase", "Pending", "qosClass", "Burstable"));
	e.req = pod;
	e.resp = resp;
	return ev_json(&e);
}

/* the add-on manager (from AWS) or CI's Helm (from the runner) updates a
 * DaemonSet's template */
static json_t *
daemonset_update(int helm)
{
	const struct daemon *d = helm ? &daemons[6] : &daemons[rnd(3)];
	struct ev e;

	ev_defaults(&e);
	e.resource = "daemonsets";
	e.group = "apps";
	e.ns = d->ns;
	e.name = d->name;
	e.level = "Request";
	e.verb = "patch";
	if (helm) {
		e.uri = ar_printf("/apis/apps/v1/namespaces/%s/daemonsets/%s?fieldManager=helm", d->ns, d->name);
		e.ua = "Helm/3.15.3";
		e.ip = node_ip[NNODES - 1];
		e.user = user_human(&humans[3]);
		e.reason = human_reason(&humans[3]);
	} else {
		e.uri = ar_printf("/apis/apps/v1/namespaces/%s/daemonsets/%s?fieldManager=eks&force=true", d->ns, d->name);
		e.ua = "eks-addon-manager/v1.30.0 (linux/amd64) kubernetes/$Format";
		e.ip = aws_eks_ip();
		e.user = user_ctrl("eks:addon-manager");
		e.reason = "RBAC: allowed by ClusterRoleBinding \"eks:addon-manager\" of ClusterRole \"eks:addon-manager\" to User \"eks:addon-manager\"";
	}
	e.req = json_pack("{s:s,s:s,s:o,s:{s:{s:{s:s}},s:{s:o,s:o}}}", "apiVersion", "apps/v1", "kind", "DaemonSet",
		"metadata", obj_meta(d->name, d->ns, NULL, NULL), "spec", "selector", "matchLabels", "k8s-app", d->name,
		"template", "metadata", json_pack("{s:{s:s}}", "labels", "k8s-app", d->name),
		"spec", daemon_pod_spec(d, 0));
	json_object_del(json_object_get(json_object_get(json_object_get(e.req, "spec"), "template"), "spec"), "nodeName");
	return ev_json(&e);
}

/* ---- certificates ---- */
static json_t *
bootstrap_csr(int approve)
{
	int nd = (int)rnd(NNODES);
	const char *name = ar_printf("node-csr-%s", rstr(43, A_B64URL));
	struct ev e;

	ev_defaults(&e);
	e.resource = "certificatesigningrequests";
	e.group = "certificates.k8s.io";
	e.level = "Request";
	if (!approve) {
		e.uri = "/apis/certificates.k8s.io/v1/certificatesigningrequests";
		e.verb = "create";
		e.code = 201;
		e.ua = kubelet_ua;
		e.ip = node_ip[nd];
		/* a self-managed node group joining with the bootstrap token */
		e.user = json_pack("{s:s,s:s,s:[s,s]}", "username", "kubelet-bootstrap", "uid", "10001",
			"groups", "system:kubelet-bootstrap", "system:authenticated");
		e.reason = "RBAC: allowed by ClusterRoleBinding \"kubelet-bootstrap\" of ClusterRole \"system:node-bootstrapper\" to User \"kubelet-bootstrap\"";
		e.req = json_pack("{s:s,s:s,s:{s:s},s:{s:s,s:s,s:[s,s]}}", "kind", "CertificateSigningRequest",
			"apiVersion", "certificates.k8s.io/v1", "metadata", "generateName", "node-csr-",
			"spec", "request", b64s(pem_csr(ar_printf("system:node:%s", nodes[nd]))),
			"signerName", "kubernetes.io/kube-apiserver-client-kubelet", "usages", "digital signature", "client auth");
	} else {
		e.uri = ar_printf("/apis/certificates.k8s.io/v1/certificatesigningrequests/%s/approval", name);
		e.verb = "update";
		e.name = name;
		e.sub = "approval";
		e.ua = "kube-controller-manager/v1.30.4 (linux/amd64) kubernetes/d9b4c2e/system:serviceaccount:kube-system:certificate-controller";
		e.ip = control_plane_ip();
		e.user = user_kcm("certificate-controller");
		e.reason = "RBAC: allowed by ClusterRoleBinding \"system:controller:certificate-controller\" of ClusterRole "
			   "\"system:controller:certificate-controller\" to ServiceAccount \"certificate-controller/kube-system\"";
		e.req = json_pack("{s:s,s:s,s:o,s:{s:[{s:s,s:s,s:s,s:s}]}}", "kind", "CertificateSigningRequest",
			"apiVersion", "certificates.k8s.io/v1", "metadata", obj_meta(name, NULL, NULL, NULL), "status",
			"conditions", "type", "Approved", "status", "True", "reason", "AutoApproved", "message",
			"Auto approving kubelet client certificate after SubjectAccessReview.");
	}
	return ev_json(&e);
}

/* ---- GitOps and CI ---- */
static json_t *
gitops_sync(void)
{
	struct pod *p = &readers[rnd(2) ? 3 : 6];
	const char *app = apps[rnd((unsigned)napps)], *ns = app_namespaces[rnd((unsigned)napp_namespaces)];
	struct ev e;
	int argo = strcmp(p->ns, "argocd") == 0;

	ev_defaults(&e);
	e.verb = "patch";
	e.resource = rnd(3) ? "deployments" : "services";
	e.group = strcmp(e.resource, "deployments") == 0 ? "apps" : "";
	e.ns = ns;
	e.name = app;
	e.level = "Request";
	e.uri = ar_printf("%s/namespaces/%s/%s/%s?fieldManager=%s&force=true", *e.group ? "/apis/apps/v1" : "/api/v1",
		ns, e.resource, app, argo ? "argocd-controller" : "kustomize-controller");
	e.ua = argo ? "argocd-controller/v2.12.3 (linux/amd64)" : pod_ua(p);
	e.ip = pod_source(p);
	e.reason = sa_reason(p, argo ? "argocd-application-controller" : "cluster-reconciler-flux-system");
	e.user = pod_user(p);
	if (*e.group)
		e.req = json_pack("{s:s,s:s,s:o,s:{s:i,s:{s:{s:{s:s}}}}}", "apiVersion", "apps/v1", "kind", "Deployment",
			"metadata", obj_meta(app, ns, json_pack("{s:s}", "app.kubernetes.io/instance", app), NULL),
			"spec", "replicas", 2 + (int)rnd(3), "template", "metadata", "annotations", "kubectl.kubernetes.io/restartedAt",
			stamp_s(now_us - 600000000));
	else
		e.req = json_pack("{s:s,s:s,s:o,s:{s:s,s:[{s:s,s:i,s:i}]}}", "apiVersion", "v1", "kind", "Service",
			"metadata", obj_meta(app, ns, NULL, NULL), "spec", "type", "ClusterIP", "ports", "name", "http",
			"port", 80, "targetPort", 8080);
	return ev_json(&e);
}

/* a Helm release by the pipeline: the release Secrets are read and written */
static json_t *
ci_helm(void)
{
	const struct human *h = &humans[3];
	const char *app = apps[rnd((unsigned)napps)], *ns = app_namespaces[rnd((unsigned)napp_namespaces)];
	struct ev e;
	unsigned k = rnd(4);

	ev_defaults(&e);
	e.ua = "Helm/3.15.3";
	e.ip = node_ip[NNODES - 1]; /* the runner is a pod of the public node group */
	e.user = user_human(h);
	e.reason = human_reason(h);
	e.ns = ns;
	if (k == 0) {
		e.verb = "list";
		e.resource = "secrets";
		e.uri = ar_printf("/api/v1/namespaces/%s/secrets?labelSelector=name%%3D%s%%2Cowner%%3Dhelm", ns, app);
	} else if (k == 1) {
		e.verb = "create";
		e.resource = "secrets";
		e.name = ar_printf("sh.helm.release.v1.%s.v%u", app, 2 + rnd(60));
		e.uri = ar_printf("/api/v1/namespaces/%s/secrets", ns);
		e.code = 201;
	} else if (k == 2) {
		e.verb = "update";
		e.resource = "secrets";
		e.name = ar_printf("sh.helm.release.v1.%s.v%u", app, 2 + rnd(60));
		e.uri = ar_printf("/api/v1/namespaces/%s/secrets/%s", ns, e.name);
	} else {
		e.verb = "patch";
		e.resource = "deployments";
		e.group = "apps";
		e.name = app;
		e.uri = ar_printf("/apis/apps/v1/namespaces/%s/deployments/%s?fieldManager=helm", ns, app);
	}
	return ev_json(&e);
}

static json_t *
dev_port_forward(void)
{
	int hi = 4; /* chen, a developer */
	const char *ns = "payments";
	struct ev e;

	ev_defaults(&e);
	e.ua = kubectl_ua(hi);
	e.ip = ar_printf("81.%u.%u.%u", 2 + rnd(10), rnd(256), 1 + rnd(254));
	e.user = user_human(&humans[hi]);
	e.reason = human_reason(&humans[hi]);
	e.ns = ns;
	e.resource = "pods";
	e.sub = "portforward";
	e.name = ar_printf("postgres-%u", rnd(2));
	e.verb = "create";
	e.code = 101;
	e.uri = ar_printf("/api/v1/namespaces/%s/pods/%s/portforward", ns, e.name);
	return ev_json(&e);
}

json_t *
routine_k8s(void)
{
	unsigned r = rnd(1000);

	if (r < 70)
		return controller_secrets();
	if (r < 110)
		return controller_other();
	if (r < 170)
		return node_reads();
	if (r < 195)
		return eks_component();
	if (r < 207)
		return daemon_pod_create();
	if (r < 209)
		return bootstrap_csr(0);
	if (r < 211)
		return bootstrap_csr(1);
	if (r < 261)
		return gitops_sync();
	if (r < 276)
		return ci_helm();
	return k8s_noise();
}

/* ---- CloudTrail ---- */
static json_t *
ct_assumed(struct ct *c, const char *role, const char *session, const char *ip, const char *ua)
{
	const char *rid = ar_printf("AROA%s", rstr(17, A_B32));

	c->identity = json_pack("{s:s,s:s,s:s,s:s,s:s,s:{s:{s:s,s:s,s:s,s:s,s:s},s:{s:s,s:s}}}", "type", "AssumedRole",
		"principalId", ar_printf("%s:%s", rid, session),
		"arn", ar_printf("arn:aws:sts::" ACCT ":assumed-role/%s/%s", role, session), "accountId", ACCT,
		"accessKeyId", aws_key_id("ASIA"), "sessionContext", "sessionIssuer", "type", "Role", "principalId", rid,
		"arn", ar_printf("arn:aws:iam::" ACCT ":role/%s", role), "accountId", ACCT, "userName", role,
		"attributes", "creationDate", stamp_s(now_us - (int64_t)rnd(3000) * 1000000), "mfaAuthenticated", "false");
	c->ip = ip;
	c->ua = ua;
	return c->identity;
}

static const char *const sso_people[] = { "alice", "chen", "ops-admin" };
#define SSO_ROLE "AWSReservedSSO_PlatformEngineer_4f1c2a9be0d37a55"
#define BROWSER "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36"
#define GITLAB_UA "aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/linux#5.15.0 md/arch#x86_64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard md/installer#docker"

static char *
office_ip(void)
{
	return ar_printf("81.%u.%u.%u", 2 + rnd(10), rnd(256), 1 + rnd(254));
}

/* GitLab SaaS runners are in Google Cloud */
static char *
gitlab_ip(void)
{
	return ar_printf("34.%u.%u.%u", 74 + rnd(4), rnd(256), 1 + rnd(254));
}

static const char *ci_tags[] = { "latest", "main" };

void
ci_push(const char *repo, const char *tag)
{
	struct ct c;
	const char *digest = ar_printf("sha256:%s", rstr(64, A_HEX));

	ct_defaults(&c, "ecr.amazonaws.com", "PutImage");
	ct_assumed(&c, "gitlab-deployer", ar_printf("GitLabRunner-%u", 100000000 + rnd(900000000)), gitlab_ip(), GITLAB_UA);
	c.req = json_pack("{s:s,s:s,s:s,s:s}", "repositoryName", repo, "imageTag", tag, "registryId", ACCT,
		"imageManifestMediaType", "application/vnd.docker.distribution.manifest.v2+json");
	c.resp = json_pack("{s:{s:s,s:s,s:s,s:{s:s,s:s}}}", "image", "registryId", ACCT, "repositoryName", repo,
		"imageManifestMediaType", "application/vnd.docker.distribution.manifest.v2+json", "imageId",
		"imageDigest", digest, "imageTag", tag);
	c.resources = json_pack("[{s:s,s:s,s:s}]", "accountId", ACCT, "type", "AWS::ECR::Repository", "ARN",
		ar_printf("arn:aws:ecr:" REGION ":" ACCT ":repository/%s", repo));
	out_ct(ct_json(&c));
}

static json_t *
sso_console_login(void)
{
	struct ct c;
	const char *who = PICK(sso_people);

	ct_defaults(&c, "signin.amazonaws.com", "ConsoleLogin");
	c.event_type = "AwsConsoleSignIn";
	ct_assumed(&c, SSO_ROLE, who, office_ip(), BROWSER);
	json_object_del(c.identity, "accessKeyId");
	c.resp = json_pack("{s:s}", "ConsoleLogin", "Success");
	/* Identity Center did the MFA: the console sign-in itself says No */
	c.extra = json_pack("{s:s,s:s,s:s}", "LoginTo", "https://console.aws.amazon.com/console/home?region=" REGION,
		"MobileVersion", "No", "MFAUsed", "No");
	c.service_caller = 1;
	return ct_json(&c);
}

static json_t *
public_node_call(void)
{
	struct ct c;
	int nd = NPRIVATE + (int)rnd(NNODES - NPRIVATE);

	ct_defaults(&c, "ec2.amazonaws.com", rnd(2) ? "DescribeInstances" : "DescribeNetworkInterfaces");
	ct_assumed(&c, "eks-nodegroup-public-role", node_inst[nd], node_ip[nd],
		"aws-sdk-go/1.55.5 (go1.22.5; linux; amd64)");
	c.ro = 1;
	c.req = json_pack("{s:{}}", "filterSet");
	return ct_json(&c);
}

static json_t *
gitlab_web_identity(void)
{
	struct ct c;

	ct_defaults(&c, "sts.amazonaws.com", "AssumeRoleWithWebIdentity");
	c.identity = json_pack("{s:s,s:s,s:s,s:s}", "type", "WebIdentityUser", "principalId",
		"arn:aws:iam::" ACCT ":oidc-provider/gitlab.com:https://gitlab.com:project_path:acme/payments-api:ref_type:branch:ref:main",
		"userName", "project_path:acme/payments-api:ref_type:branch:ref:main", "identityProvider",
		"arn:aws:iam::" ACCT ":oidc-provider/gitlab.com");
	c.ip = gitlab_ip();
	c.ua = GITLAB_UA;
	c.req = json_pack("{s:s,s:s,s:i}", "roleArn", "arn:aws:iam::" ACCT ":role/gitlab-deployer", "roleSessionName",
		ar_printf("GitLabRunner-%u", 100000000 + rnd(900000000)), "durationSeconds", 3600);
	c.resp = json_pack("{s:{s:s,s:s,s:s},s:s,s:s}", "credentials", "accessKeyId", aws_key_id("ASIA"), "sessionToken",
		aws_session_token(), "expiration", stamp_aws(now_us + 3600000000LL), "subjectFromWebIdentityToken",
		"project_path:acme/payments-api:ref_type:branch:ref:main", "audience", "https://gitlab.com");
	return ct_json(&c);
}

json_t *
routine_ct(void)
{
	unsigned r = rnd(1000);

	if (r < 10) {
		ci_push(PICK(((const char *[]){ "payments-api", "checkout", "ledger", "web" })), PICK(ci_tags));
		return ct_noise();
	}
	if (r < 50)
		return sso_console_login();
	if (r < 70)
		return public_node_call();
	if (r < 90)
		return gitlab_web_identity();
	return ct_noise();
}

/* ---- rare routine events, scheduled ---- */
static void
special_release(void)
{
	static int n;

	ci_push(RELEASE_REPO, n++ == 0 ? RELEASE_TAG : ar_printf("2.%u.%u", 15 + rnd(3), rnd(9)));
}

static void
special_change_password(void)
{
	struct ct c;

	/* bob changes his console password: the old and new are left out */
	ct_defaults(&c, "iam.amazonaws.com", "ChangePassword");
	ct_user(&c, "bob");
	c.ip = office_ip();
	c.ua = "AWS Internal";
	out_ct(ct_json(&c));
	/* chen, signed in through Identity Center, resets the console
	 * password of her own old IAM user */
	ct_defaults(&c, "iam.amazonaws.com", "UpdateLoginProfile");
	ct_assumed(&c, SSO_ROLE, "chen", office_ip(), BROWSER);
	c.req = json_pack("{s:s,s:b}", "userName", "chen", "passwordResetRequired", 0);
	out_ct(ct_json(&c));
}

static void
special_root_password_failed(void)
{
	struct ct c;

	ct_defaults(&c, "signin.amazonaws.com", "PasswordUpdated");
	c.event_type = "AwsConsoleSignIn";
	c.identity = json_pack("{s:s,s:s,s:s,s:s}", "type", "Root", "principalId", ACCT, "arn", "arn:aws:iam::" ACCT ":root",
		"accountId", ACCT);
	c.ip = office_ip();
	c.ua = BROWSER;
	/* sign-in events report failure here, not in errorCode */
	c.resp = json_pack("{s:s}", "PasswordUpdated", "Failure");
	c.error_msg = NULL;
	c.service_caller = 1;
	out_ct(ct_json(&c));
}

static void
special_lifecycle(void)
{
	struct ct c;
	const char *bucket = "aws-cloudtrail-logs-" ACCT "-7d3c1f0e";

	/* the platform team keeps a year, and leaves the old one-week rule for
	 * a scratch prefix in place, disabled */
	ct_defaults(&c, "s3.amazonaws.com", "PutBucketLifecycle");
	ct_user(&c, "terraform");
	c.req = json_pack("{s:s,s:s,s:{s:s,s:[{s:s,s:s,s:{s:s},s:{s:i}},{s:s,s:s,s:{s:s},s:{s:i}}]},s:s}",
		"bucketName", bucket, "Host", ar_printf("%s.s3." REGION ".amazonaws.com", bucket),
		"LifecycleConfiguration", "xmlns", "http://s3.amazonaws.com/doc/2006-03-01/", "Rule",
		"ID", "retain-one-year", "Status", "Enabled", "Filter", "Prefix", "AWSLogs/", "Expiration", "Days", 365,
		"ID", "scratch-cleanup", "Status", "Disabled", "Filter", "Prefix", "scratch/", "Expiration", "Days", 7,
		"lifecycle", "");
	c.extra = json_pack("{s:s,s:s}", "SignatureVersion", "SigV4", "AuthenticationMethod", "AuthHeader");
	c.resources = json_pack("[{s:s,s:s,s:s}]", "accountId", ACCT, "type", "AWS::S3::Bucket", "ARN",
		ar_printf("arn:aws:s3:::%s", bucket));
	out_ct(ct_json(&c));
}

static void
special_identity_center(void)
{
	static int n;
	struct ct c;
	const char *name = "AWSSSO_4f1c2a9be0d37a55_DO_NOT_DELETE";

	ct_defaults(&c, "iam.amazonaws.com", n++ % 2 == 0 ? "CreateSAMLProvider" : "UpdateSAMLProvider");
	ct_assumed(&c, "AWSServiceRoleForSSO", "sso", "sso.amazonaws.com",
		"sso.amazonaws.com");
	json_object_set_new(c.identity, "invokedBy", json_string("sso.amazonaws.com"));
	json_object_set_new(json_object_get(json_object_get(c.identity, "sessionContext"), "sessionIssuer"), "arn",
		json_string("arn:aws:iam::" ACCT ":role/aws-service-role/sso.amazonaws.com/AWSServiceRoleForSSO"));
	c.service_caller = 1;
	if (c.name[0] == 'C') {
		c.req = json_pack("{s:s,s:s}", "sAMLMetadataDocument", "<md:EntityDescriptor ...>", "name", name);
		c.resp = json_pack("{s:s}", "sAMLProviderArn", ar_printf("arn:aws:iam::" ACCT ":saml-provider/%s", name));
	} else
		c.req = json_pack("{s:s,s:s}", "sAMLMetadataDocument", "<md:EntityDescriptor ...>", "sAMLProviderArn",
			ar_printf("arn:aws:iam::" ACCT ":saml-provider/%s", name));
	out_ct(ct_json(&c));
}

static void
special_alb_sg(void)
{
	struct ct c;

	ct_defaults(&c, "ec2.amazonaws.com", "AuthorizeSecurityGroupIngress");
	ct_user(&c, "terraform");
	c.req = json_pack("{s:s,s:{s:[{s:s,s:i,s:i,s:{s:[{s:s,s:s}]}}]}}", "groupId",
		ar_printf("sg-0%s", rstr(16, A_HEX)), "ipPermissions", "items", "ipProtocol", "tcp", "fromPort", 443,
		"toPort", 443, "ipRanges", "items", "cidrIp", "0.0.0.0/0", "description", "public HTTPS to the ALB");
	c.resp = json_pack("{s:s,s:b}", "requestId", uuid(), "_return", 1);
	out_ct(ct_json(&c));
}

static void
special_ecs_exec(void)
{
	struct ct c;
	const char *task = rstr(32, A_HEX);

	ct_defaults(&c, "ecs.amazonaws.com", "ExecuteCommand");
	ct_assumed(&c, SSO_ROLE, "ops-admin", office_ip(),
		"aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/macos#23.5.0 md/arch#arm64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard md/command#ecs.execute-command");
	c.req = json_pack("{s:s,s:s,s:s,s:b,s:s}", "cluster", "payments-fargate", "container", "worker", "command",
		"/bin/sh", "interactive", 1, "task", task);
	c.resp = json_pack("{s:s,s:s,s:s,s:b,s:{s:s,s:s,s:s},s:s}", "clusterArn",
		"arn:aws:ecs:" REGION ":" ACCT ":cluster/payments-fargate", "containerArn",
		ar_printf("arn:aws:ecs:" REGION ":" ACCT ":container/payments-fargate/%s/%s", task, uuid()), "containerName",
		"worker", "interactive", 1, "session", "sessionId", ar_printf("ecs-execute-command-%s", rstr(17, A_HEX)),
		"streamUrl", "wss://ssmmessages." REGION ".amazonaws.com/v1/data-channel/ecs-execute-command", "tokenValue",
		"HIDDEN_DUE_TO_SECURITY_REASONS", "taskArn",
		ar_printf("arn:aws:ecs:" REGION ":" ACCT ":task/payments-fargate/%s", task));
	out_ct(ct_json(&c));
}

static void
special_port_forward(void)
{
	out_k8s(dev_port_forward());
}

static void
special_bootstrap(void)
{
	out_k8s(bootstrap_csr(0));
	now_us += 900000;
	out_k8s(bootstrap_csr(1));
}

static void
special_falco_upgrade(void)
{
	out_k8s(daemonset_update(1));
}

static void
special_addon_update(void)
{
	out_k8s(daemonset_update(0));
}

static const struct {
	const char *name;
	void (*fn)(void);
} specials[] = {
	{ "ci-release-push", special_release },
	{ "own-password-changed", special_change_password },
	{ "root-password-change-failed", special_root_password_failed },
	{ "trail-bucket-disabled-lifecycle", special_lifecycle },
	{ "identity-center-saml-provider", special_identity_center },
	{ "alb-security-group-443", special_alb_sg },
	{ "engineer-ecs-exec", special_ecs_exec },
	{ "developer-port-forward", special_port_forward },
	{ "node-bootstrap-csr", special_bootstrap },
	{ "ci-helm-upgrade-falco", special_falco_upgrade },
	{ "eks-addon-daemonset-update", special_addon_update },
};

int
routine_nspecials(void)
{
	return (int)NELEM(specials);
}

const char *
routine_special_name(int k)
{
	return specials[k].name;
}

void
routine_special(int k)
{
	specials[k].fn();
}
