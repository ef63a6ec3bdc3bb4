/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * gen: a deterministic generator of realistic benchmark inputs.
 *
 *   gen eks [-s SEED] [-b BYTES | -n EVENTS]
 *	EKS control-plane audit events as JSON lines on standard output:
 *	kubelet lease renewals and node status patches (IAM-authenticator
 *	identities with user.extra access-key ids), leader-election leases,
 *	controller list/watch/get, configmap reads, pod creates with whole
 *	request and response objects, a few humans with kubectl (exec,
 *	secrets, now and then a clusterrolebinding) and anonymous health
 *	probes.  Strings are escaped the way Go's encoding/json does (& < >
 *	as \u0026 \u003c \u003e), as in real audit logs.
 *
 *   gen cloudtrail [-s SEED] -d DIR -f FILES -r RECORDS [-B BIG.json.gz]
 *	A CloudTrail S3 delivery tree under DIR:
 *	AWSLogs/<acct>/CloudTrail/<region>/YYYY/MM/DD/
 *	<acct>_CloudTrail_<region>_<YYYYMMDDTHHMMZ>_<id>.json.gz, each object
 *	one {"Records":[...]} document; with -B, the same records in the same
 *	order also go to one large {"Records":[...]} file.
 *
 * The same seed gives the same bytes.  Built by tests/bench/bench.sh:
 *	cc -O2 -o gen gen.c -lz
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#define ACCT "123456789012"
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* ---- randomness (splitmix64) ---- */
static uint64_t rs;

static uint64_t
rnd64(void)
{
	uint64_t z = (rs += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned
rnd(unsigned n)
{
	return (unsigned)(rnd64() % n);
}

static uint64_t
mix(uint64_t a, uint64_t b)
{
	uint64_t z = a * 0x9e3779b97f4a7c15ULL + b + 0x632be59bd9b4e019ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

#define PICK(a) ((a)[rnd(NELEM(a))])

/* ---- output buffer ---- */
struct ob {
	char *p;
	size_t n, cap;
};

static void
ob_need(struct ob *o, size_t k)
{
	if (o->n + k + 1 > o->cap) {
		size_t c = o->cap ? o->cap : 65536;
		while (c < o->n + k + 1)
			c *= 2;
		if ((o->p = realloc(o->p, c)) == NULL) {
			perror("gen");
			exit(2);
		}
		o->cap = c;
	}
}

static void
S(struct ob *o, const char *s)
{
	size_t k = strlen(s);

	ob_need(o, k);
	memcpy(o->p + o->n, s, k);
	o->n += k;
}

static void F(struct ob *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
F(struct ob *o, const char *fmt, ...)
{
	va_list ap;
	int k;

	for (;;) {
		size_t room = o->cap - o->n;
		va_start(ap, fmt);
		k = vsnprintf(o->p + o->n, room, fmt, ap);
		va_end(ap);
		if (k >= 0 && (size_t)k < room) {
			o->n += (size_t)k;
			return;
		}
		ob_need(o, k > 0 ? (size_t)k + 1 : 256);
	}
}

/* A JSON string the way Go writes it. */
static void
J(struct ob *o, const char *s)
{
	ob_need(o, strlen(s) * 6 + 2);
	o->p[o->n++] = '"';
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			o->p[o->n++] = '\\';
			o->p[o->n++] = (char)c;
		} else if (c == '\n') {
			o->p[o->n++] = '\\';
			o->p[o->n++] = 'n';
		} else if (c < 0x20 || c == '&' || c == '<' || c == '>') {
			o->n += (size_t)sprintf(o->p + o->n, "\\u%04x", c);
		} else
			o->p[o->n++] = (char)c;
	}
	o->p[o->n++] = '"';
}

/* ---- identifiers ---- */
static const char B32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

static void
keyid(char *out, const char *prefix, uint64_t h)
{
	int i;

	memcpy(out, prefix, 4);
	h = mix(h, 0x5eed);
	for (i = 0; i < 16; i++) {
		if (i == 12)
			h = mix(h, 77);
		out[4 + i] = B32[h & 31];
		h >>= 5;
	}
	out[20] = '\0';
}

/* IAM unique ids (AROA..., AIDA...) are 21 characters. */
static void
uniqid(char *out, const char *prefix, uint64_t h)
{
	keyid(out, prefix, h);
	out[20] = B32[mix(h, 21) & 31];
	out[21] = '\0';
}

static void
uuid(char *out)
{
	uint64_t a = rnd64(), b = rnd64();

	sprintf(out, "%08x-%04x-4%03x-%04x-%012llx", (unsigned)(a >> 32), (unsigned)(a >> 16) & 0xffff,
		(unsigned)a & 0xfff, (unsigned)(0x8000 | (b >> 48 & 0x3fff)),
		(unsigned long long)(b & 0xffffffffffffULL));
}

static void
hexid(char *out, size_t n, uint64_t h)
{
	static const char hx[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		if (i % 16 == 15)
			h = mix(h, i);
		out[i] = hx[h & 15];
		h >>= 4;
	}
	out[n] = '\0';
}

/* ---- time ---- */
static time_t t0;

static void
stamp(char *out, int64_t us, int frac)
{
	time_t t = t0 + (time_t)(us / 1000000);
	struct tm tm;

	gmtime_r(&t, &tm);
	if (frac)
		sprintf(out, "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900, tm.tm_mon + 1,
			tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(us % 1000000));
	else
		sprintf(out, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1,
			tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* ================================================================== */
/* EKS audit events                                                    */
/* ================================================================== */

#define NNODES 24
static char nodes[NNODES][64];   /* ip-10-0-1-23.eu-west-1.compute.internal */
static char node_ip[NNODES][20];
static char node_inst[NNODES][20];
static int64_t now_us;            /* the current event's time */

static const char *const namespaces[] = {
	"default", "kube-system", "payments", "web", "monitoring", "argocd", "cert-manager", "karpenter",
};
static const char *const apps[] = { "web", "api", "checkout", "worker", "cron", "ledger", "search" };

struct sa {
	const char *ns, *name;
};
static const struct sa sas[] = {
	{ "kube-system", "aws-node" }, { "kube-system", "coredns" }, { "kube-system", "kube-proxy" },
	{ "kube-system", "ebs-csi-controller-sa" }, { "monitoring", "prometheus-server" },
	{ "monitoring", "kube-state-metrics" }, { "argocd", "argocd-application-controller" },
	{ "cert-manager", "cert-manager" }, { "karpenter", "karpenter" },
	{ "kube-system", "aws-load-balancer-controller" },
};
static const char *const kcm_sas[] = {
	"replicaset-controller", "deployment-controller", "endpoint-controller",
	"endpointslice-controller", "job-controller", "namespace-controller",
	"generic-garbage-collector", "clusterrole-aggregation-controller",
};
static const char *const controllers[] = {
	"system:kube-controller-manager", "system:kube-scheduler", "eks:cloud-controller-manager",
	"eks:node-manager", "eks:certificate-controller", "eks:addon-manager", "eks:pod-identity-mutating-webhook",
};

struct human {
	const char *username, *arn, *canon, *group, *session;
	int sso;
};
static const struct human humans[] = {
	{ "arn:aws:sts::" ACCT ":assumed-role/AWSReservedSSO_AdministratorAccess_4f1c2a9be0d37a55/alice@example.com",
	  "arn:aws:sts::" ACCT ":assumed-role/AWSReservedSSO_AdministratorAccess_4f1c2a9be0d37a55/alice@example.com",
	  "arn:aws:iam::" ACCT ":role/aws-reserved/sso.amazonaws.com/eu-west-1/AWSReservedSSO_AdministratorAccess_4f1c2a9be0d37a55",
	  "system:masters", "alice@example.com", 1 },
	{ "bob", "arn:aws:iam::" ACCT ":user/bob", "arn:aws:iam::" ACCT ":user/bob", "developers", "", 0 },
	{ "kubernetes-admin", "arn:aws:iam::" ACCT ":user/terraform", "arn:aws:iam::" ACCT ":user/terraform",
	  "system:masters", "", 0 },
	{ "github-actions", "arn:aws:sts::" ACCT ":assumed-role/gha-deployer/GitHubActions",
	  "arn:aws:iam::" ACCT ":role/gha-deployer", "deployers", "GitHubActions", 1 },
};

static const char *const kubelet_ua = "kubelet/v1.29.3 (linux/amd64) kubernetes/3f7a50f";

/* user{} for a kubelet: IAM authenticator identity with a per-hour session key */
static void
user_node(struct ob *o, int nd)
{
	char key[24], role[24], prin[24];
	uint64_t hour = (uint64_t)(now_us / 3600000000LL);

	keyid(key, "ASIA", mix((uint64_t)nd + 1000, hour));
	uniqid(role, "AROA", 4242);
	uniqid(prin, "AROA", 4242);
	F(o, "\"user\":{\"username\":\"system:node:%s\",\"uid\":\"aws-iam-authenticator:" ACCT ":%s\","
		"\"groups\":[\"system:bootstrappers\",\"system:nodes\",\"system:authenticated\"],"
		"\"extra\":{\"accessKeyId\":[\"%s\"],"
		"\"arn\":[\"arn:aws:sts::" ACCT ":assumed-role/eks-nodegroup-general-role/%s\"],"
		"\"canonicalArn\":[\"arn:aws:iam::" ACCT ":role/eks-nodegroup-general-role\"],"
		"\"principalId\":[\"%s\"],\"sessionName\":[\"%s\"],"
		"\"sigs.k8s.io/aws-iam-authenticator/principalId\":[\"%s\"]}}",
		nodes[nd], role, key, node_inst[nd], prin, node_inst[nd], prin);
}

static void
user_sa(struct ob *o, const char *ns, const char *name)
{
	char u1[40], u2[40];
	int nd = (int)rnd(NNODES);

	uuid(u1);
	uuid(u2);
	F(o, "\"user\":{\"username\":\"system:serviceaccount:%s:%s\",\"uid\":\"%s\","
		"\"groups\":[\"system:serviceaccounts\",\"system:serviceaccounts:%s\",\"system:authenticated\"],"
		"\"extra\":{\"authentication.kubernetes.io/credential-id\":[\"JTI=%s\"],"
		"\"authentication.kubernetes.io/node-name\":[\"%s\"],"
		"\"authentication.kubernetes.io/node-uid\":[\"%s\"],"
		"\"authentication.kubernetes.io/pod-name\":[\"%s-%x-%05x\"],"
		"\"authentication.kubernetes.io/pod-uid\":[\"%s\"]}}",
		ns, name, u1, ns, u2, nodes[nd], u1, name, rnd(0xfffff) | 0x10000, rnd(0xfffff), u2);
}

static void
user_ctrl(struct ob *o, const char *name)
{
	F(o, "\"user\":{\"username\":\"%s\",\"groups\":[\"system:authenticated\"]}", name);
}

static void
user_human(struct ob *o, const struct human *h)
{
	char key[24], prin[24];
	uint64_t day = (uint64_t)(now_us / 86400000000LL);

	if (h->sso) {
		keyid(key, "ASIA", mix((uint64_t)(h - humans) + 50, day * 24 + (uint64_t)(now_us / 3600000000LL) % 24));
		uniqid(prin, "AROA", (uint64_t)(h - humans) + 9000);
	} else {
		keyid(key, "AKIA", (uint64_t)(h - humans) + 777);
		uniqid(prin, "AIDA", (uint64_t)(h - humans) + 9100);
	}
	F(o, "\"user\":{\"username\":\"%s\",\"uid\":\"aws-iam-authenticator:" ACCT ":%s\","
		"\"groups\":[\"%s\",\"system:authenticated\"],"
		"\"extra\":{\"accessKeyId\":[\"%s\"],\"arn\":[\"%s\"],\"canonicalArn\":[\"%s\"],"
		"\"principalId\":[\"%s\"],\"sessionName\":[\"%s\"],"
		"\"sigs.k8s.io/aws-iam-authenticator/principalId\":[\"%s\"]}}",
		h->username, prin, h->group, key, h->arn, h->canon, prin, h->session, prin);
}

static void
pod_ip(char *out)
{
	sprintf(out, "10.0.%u.%u", 32 + rnd(96), 1 + rnd(254));
}

struct evctx {
	const char *level, *verb, *uri, *ua;
	const char *resource, *group, *ns, *name, *sub;
	const char *reason;
	const char *src_ip;
	int code;
	int nonresource;
};

static void
object_ref(struct ob *o, const struct evctx *e)
{
	S(o, "\"objectRef\":{");
	F(o, "\"resource\":\"%s\"", e->resource);
	if (e->ns)
		F(o, ",\"namespace\":\"%s\"", e->ns);
	if (e->name)
		F(o, ",\"name\":\"%s\"", e->name);
	if (e->group && *e->group)
		F(o, ",\"apiGroup\":\"%s\"", e->group);
	F(o, ",\"apiVersion\":\"v1\"");
	if (e->sub)
		F(o, ",\"subresource\":\"%s\"", e->sub);
	S(o, "},");
}

static void
head(struct ob *o, const struct evctx *e, char *auditid)
{
	uuid(auditid);
	F(o, "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"%s\",\"auditID\":\"%s\","
		"\"stage\":\"ResponseComplete\",\"requestURI\":", e->level, auditid);
	J(o, e->uri);
	F(o, ",\"verb\":\"%s\",", e->verb);
}

static void
middle(struct ob *o, const struct evctx *e)
{
	S(o, ",\"sourceIPs\":[");
	J(o, e->src_ip);
	S(o, "],\"userAgent\":");
	J(o, e->ua);
	S(o, ",");
	if (!e->nonresource)
		object_ref(o, e);
	F(o, "\"responseStatus\":{\"metadata\":{},\"code\":%d}", e->code);
}

static void
tail(struct ob *o, const struct evctx *e, int pod_security)
{
	char t1[40], t2[40];
	int64_t lat = 800 + rnd(e->verb[0] == 'w' ? 400000000 : 30000);

	stamp(t1, now_us, 1);
	stamp(t2, now_us + lat, 1);
	F(o, ",\"requestReceivedTimestamp\":\"%s\",\"stageTimestamp\":\"%s\",\"annotations\":{", t1, t2);
	S(o, "\"authorization.k8s.io/decision\":\"allow\",\"authorization.k8s.io/reason\":");
	J(o, e->reason ? e->reason : "");
	if (pod_security)
		S(o, ",\"pod-security.kubernetes.io/enforce-policy\":\"privileged:latest\"");
	S(o, "}}\n");
}

static const char *
rbac_reason(char *buf, const char *subject)
{
	sprintf(buf, "RBAC: allowed by ClusterRoleBinding \"system:controller:%s\" of ClusterRole "
		"\"system:controller:%s\" to ServiceAccount \"%s/kube-system\"", subject, subject, subject);
	return buf;
}

static void
pod_object(struct ob *o, const char *ns, const char *app, const char *name, int status)
{
	char u[40], t[40], hash[12];
	int nd = (int)rnd(NNODES), i, nc = 1 + (rnd(4) == 0);

	uuid(u);
	stamp(t, now_us, 0);
	hexid(hash, 10, rnd64());
	F(o, "{\"kind\":\"Pod\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"%s\",\"generateName\":\"%s-%s-\","
		"\"namespace\":\"%s\",", name, app, hash, ns);
	if (status)
		F(o, "\"uid\":\"%s\",\"resourceVersion\":\"%u\",\"creationTimestamp\":\"%s\",", u,
			10000000 + rnd(90000000), t);
	F(o, "\"labels\":{\"app.kubernetes.io/name\":\"%s\",\"app.kubernetes.io/part-of\":\"shop\","
		"\"pod-template-hash\":\"%s\"},\"annotations\":{\"kubectl.kubernetes.io/restartedAt\":\"%s\","
		"\"prometheus.io/scrape\":\"true\",\"prometheus.io/port\":\"9090\"},"
		"\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":\"ReplicaSet\",\"name\":\"%s-%s\","
		"\"uid\":\"%s\",\"controller\":true,\"blockOwnerDeletion\":true}]},\"spec\":{\"volumes\":["
		"{\"name\":\"kube-api-access-%05x\",\"projected\":{\"sources\":[{\"serviceAccountToken\":"
		"{\"expirationSeconds\":3607,\"path\":\"token\"}},{\"configMap\":{\"name\":\"kube-root-ca.crt\","
		"\"items\":[{\"key\":\"ca.crt\",\"path\":\"ca.crt\"}]}},{\"downwardAPI\":{\"items\":[{\"path\":"
		"\"namespace\",\"fieldRef\":{\"apiVersion\":\"v1\",\"fieldPath\":\"metadata.namespace\"}}]}}],"
		"\"defaultMode\":420}}],\"containers\":[",
		app, hash, t, app, hash, u, rnd(0xfffff));
	for (i = 0; i < nc; i++) {
		F(o, "%s{\"name\":\"%s\",\"image\":\"" ACCT ".dkr.ecr.eu-west-1.amazonaws.com/%s:v%u.%u.%u\","
			"\"ports\":[{\"name\":\"http\",\"containerPort\":%d,\"protocol\":\"TCP\"}],"
			"\"env\":[{\"name\":\"LOG_LEVEL\",\"value\":\"info\"},{\"name\":\"AWS_REGION\",\"value\":\"eu-west-1\"},"
			"{\"name\":\"DB_HOST\",\"value\":\"%s-db.%s.svc.cluster.local\"}],"
			"\"resources\":{\"limits\":{\"cpu\":\"500m\",\"memory\":\"512Mi\"},\"requests\":{\"cpu\":\"100m\","
			"\"memory\":\"128Mi\"}},\"volumeMounts\":[{\"name\":\"kube-api-access\",\"readOnly\":true,"
			"\"mountPath\":\"/var/run/secrets/kubernetes.io/serviceaccount\"}],"
			"\"livenessProbe\":{\"httpGet\":{\"path\":\"/healthz\",\"port\":%d,\"scheme\":\"HTTP\"},"
			"\"timeoutSeconds\":1,\"periodSeconds\":10,\"successThreshold\":1,\"failureThreshold\":3},"
			"\"terminationMessagePath\":\"/dev/termination-log\",\"terminationMessagePolicy\":\"File\","
			"\"imagePullPolicy\":\"IfNotPresent\",\"securityContext\":{\"runAsNonRoot\":true,"
			"\"allowPrivilegeEscalation\":false}}",
			i ? "," : "", i ? "envoy" : app, i ? "envoy" : app, rnd(4), rnd(30), rnd(10),
			i ? 15001 : 8080, app, ns, i ? 15021 : 8080);
	}
	F(o, "],\"restartPolicy\":\"Always\",\"terminationGracePeriodSeconds\":30,\"dnsPolicy\":\"ClusterFirst\","
		"\"serviceAccountName\":\"%s\",\"serviceAccount\":\"%s\",\"securityContext\":{},"
		"\"schedulerName\":\"default-scheduler\",\"tolerations\":[{\"key\":\"node.kubernetes.io/not-ready\","
		"\"operator\":\"Exists\",\"effect\":\"NoExecute\",\"tolerationSeconds\":300},{\"key\":"
		"\"node.kubernetes.io/unreachable\",\"operator\":\"Exists\",\"effect\":\"NoExecute\","
		"\"tolerationSeconds\":300}],\"priority\":0,\"enableServiceLinks\":true,"
		"\"preemptionPolicy\":\"PreemptLowerPriority\"}",
		app, app);
	if (status)
		F(o, ",\"status\":{\"phase\":\"Pending\",\"qosClass\":\"Burstable\"}");
	(void)nd;
	S(o, "}");
}

/* One EKS audit event (sometimes none: an unused draw). */
static void
eks_event(struct ob *o)
{
	struct evctx e;
	char uri[768], auditid[40], name[128], reason[512], ip[24], t[40];
	unsigned r = rnd(10000);
	int nd = (int)rnd(NNODES);

	memset(&e, 0, sizeof(e));
	e.level = "Metadata";
	e.code = 200;
	e.src_ip = node_ip[nd];
	e.uri = uri;
	reason[0] = '\0';

	if (r < 3000) {
		/* kubelet lease renewal */
		snprintf(uri, sizeof(uri), "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/%s?timeout=10s",
			nodes[nd]);
		e.verb = "update"; e.ua = kubelet_ua; e.resource = "leases"; e.group = "coordination.k8s.io";
		e.ns = "kube-node-lease"; e.name = nodes[nd];
		head(o, &e, auditid);
		user_node(o, nd);
		middle(o, &e);
		tail(o, &e, 0);
	} else if (r < 3900) {
		/* leader election */
		static const char *const who[][3] = {
			{ "kube-controller-manager", "system:kube-controller-manager",
			  "kube-controller-manager/v1.29.3 (linux/amd64) kubernetes/6813625/leader-election" },
			{ "kube-scheduler", "system:kube-scheduler",
			  "kube-scheduler/v1.29.3 (linux/amd64) kubernetes/6813625/leader-election" },
			{ "cloud-controller-manager", "eks:cloud-controller-manager",
			  "aws-cloud-controller-manager/v0.0.0 (linux/amd64) kubernetes/$Format/leader-election" },
			{ "amazon-vpc-cni", "system:serviceaccount:kube-system:aws-node",
			  "aws-node/v1.18.1 (linux/amd64) kubernetes/$Format" },
		};
		int w = (int)rnd(4);
		snprintf(uri, sizeof(uri), "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/%s?timeout=5s",
			who[w][0]);
		e.verb = "update"; e.ua = who[w][2]; e.resource = "leases"; e.group = "coordination.k8s.io";
		e.ns = "kube-system"; e.name = who[w][0];
		e.src_ip = "10.0.0.94";
		if (w == 3)
			sprintf(reason, "RBAC: allowed by ClusterRoleBinding \"aws-node\" of ClusterRole \"aws-node\" to "
				"ServiceAccount \"aws-node/kube-system\"");
		else
			sprintf(reason, "RBAC: allowed by ClusterRoleBinding \"system:%s\" of ClusterRole \"system:%s\" "
				"to User \"%s\"", who[w][0], who[w][0], who[w][1]);
		e.reason = reason;
		head(o, &e, auditid);
		if (w == 3) {
			e.src_ip = node_ip[nd];
			user_sa(o, "kube-system", "aws-node");
		} else
			user_ctrl(o, who[w][1]);
		middle(o, &e);
		tail(o, &e, 0);
	} else if (r < 5200) {
		/* node status heartbeat: Request level, the patch body */
		int i;
		static const char *const cond[][3] = {
			{ "MemoryPressure", "KubeletHasSufficientMemory", "kubelet has sufficient memory available" },
			{ "DiskPressure", "KubeletHasNoDiskPressure", "kubelet has no disk pressure" },
			{ "PIDPressure", "KubeletHasSufficientPID", "kubelet has sufficient PID available" },
			{ "Ready", "KubeletReady", "kubelet is posting ready status" },
		};
		snprintf(uri, sizeof(uri), "/api/v1/nodes/%s/status?timeout=10s", nodes[nd]);
		e.verb = "patch"; e.ua = kubelet_ua; e.resource = "nodes"; e.name = nodes[nd]; e.sub = "status";
		e.level = "Request";
		head(o, &e, auditid);
		user_node(o, nd);
		middle(o, &e);
		stamp(t, now_us, 0);
		S(o, ",\"requestObject\":{\"status\":{\"$setElementOrder/conditions\":[");
		for (i = 0; i < 4; i++)
			F(o, "%s{\"type\":\"%s\"}", i ? "," : "", cond[i][0]);
		S(o, "],\"conditions\":[");
		for (i = 0; i < 4; i++)
			F(o, "%s{\"lastHeartbeatTime\":\"%s\",\"type\":\"%s\"}", i ? "," : "", t, cond[i][0]);
		S(o, "]}}");
		tail(o, &e, 0);
	} else if (r < 7600) {
		/* controllers and agents: list, watch, get */
		static const char *const res[][2] = {
			{ "pods", "" }, { "nodes", "" }, { "services", "" }, { "endpoints", "" }, { "secrets", "" },
			{ "configmaps", "" }, { "serviceaccounts", "" }, { "namespaces", "" }, { "persistentvolumeclaims", "" },
			{ "deployments", "apps" }, { "replicasets", "apps" }, { "daemonsets", "apps" },
			{ "statefulsets", "apps" }, { "jobs", "batch" }, { "cronjobs", "batch" },
			{ "endpointslices", "discovery.k8s.io" }, { "ingresses", "networking.k8s.io" },
			{ "clusterroles", "rbac.authorization.k8s.io" }, { "clusterrolebindings", "rbac.authorization.k8s.io" },
			{ "roles", "rbac.authorization.k8s.io" }, { "rolebindings", "rbac.authorization.k8s.io" },
			{ "customresourcedefinitions", "apiextensions.k8s.io" },
			{ "mutatingwebhookconfigurations", "admissionregistration.k8s.io" },
		};
		int k = (int)rnd(NELEM(res)), cluster = 0, v = (int)rnd(10);
		const char *rn = res[k][0], *grp = res[k][1];
		char base[128], nsp[96] = "";
		cluster = strcmp(rn, "nodes") == 0 || strcmp(rn, "namespaces") == 0 || strncmp(rn, "cluster", 7) == 0 ||
			  strcmp(rn, "customresourcedefinitions") == 0 || strcmp(rn, "mutatingwebhookconfigurations") == 0;
		if (*grp)
			snprintf(base, sizeof(base), "/apis/%s/v1", grp);
		else
			snprintf(base, sizeof(base), "/api/v1");
		e.ns = cluster || rnd(3) == 0 ? NULL : PICK(namespaces);
		if (e.ns)
			snprintf(nsp, sizeof(nsp), "/namespaces/%s", e.ns);
		e.resource = rn; e.group = grp;
		if (v < 5) {
			e.verb = "watch";
			snprintf(uri, sizeof(uri), "%s%s/%s?allowWatchBookmarks=true&resourceVersion=%u&timeout=%um%us"
				"&timeoutSeconds=%u&watch=true", base, nsp, rn, 10000000 + rnd(90000000), 5 + rnd(5),
				rnd(60), 300 + rnd(300));
		} else if (v < 8) {
			e.verb = "list";
			snprintf(uri, sizeof(uri), "%s%s/%s?limit=500&resourceVersion=0", base, nsp, rn);
		} else {
			e.verb = "get";
			snprintf(name, sizeof(name), "%s-%u", PICK(apps), rnd(300));
			e.name = name;
			if (e.ns == NULL && !cluster)
				e.ns = "default", snprintf(nsp, sizeof(nsp), "/namespaces/default");
			snprintf(uri, sizeof(uri), "%s%s/%s/%s", base, nsp, rn, name);
			if (rnd(5) == 0)
				e.code = 404;
		}
		e.src_ip = node_ip[nd];
		if (rnd(2)) {
			const char *c = PICK(kcm_sas);
			char ua[256];
			snprintf(ua, sizeof(ua), "kube-controller-manager/v1.29.3 (linux/amd64) kubernetes/6813625/"
				"system:serviceaccount:kube-system:%s", c);
			e.ua = ua;
			e.reason = rbac_reason(reason, c);
			e.src_ip = "10.0.0.94";
			head(o, &e, auditid);
			{
				char u1[40];
				uuid(u1);
				F(o, "\"user\":{\"username\":\"system:serviceaccount:kube-system:%s\",\"uid\":\"%s\","
					"\"groups\":[\"system:serviceaccounts\",\"system:serviceaccounts:kube-system\","
					"\"system:authenticated\"]}", c, u1);
			}
			middle(o, &e);
			tail(o, &e, 0);
		} else if (rnd(3) == 0) {
			const char *c = PICK(controllers);
			e.ua = "eks-controllers/v1.29.3-eks (linux/amd64) kubernetes/$Format";
			e.src_ip = "10.0.0.94";
			snprintf(reason, sizeof(reason), "RBAC: allowed by ClusterRoleBinding \"%s\" of ClusterRole \"%s\" "
				"to User \"%s\"", c, c, c);
			e.reason = reason;
			head(o, &e, auditid);
			user_ctrl(o, c);
			middle(o, &e);
			tail(o, &e, 0);
		} else {
			const struct sa *s = &PICK(sas);
			char ua[160];
			snprintf(ua, sizeof(ua), "%s/v0.0.0 (linux/amd64) kubernetes/$Format", s->name);
			e.ua = ua;
			snprintf(reason, sizeof(reason), "RBAC: allowed by ClusterRoleBinding \"%s\" of ClusterRole \"%s\" "
				"to ServiceAccount \"%s/%s\"", s->name, s->name, s->name, s->ns);
			e.reason = reason;
			head(o, &e, auditid);
			user_sa(o, s->ns, s->name);
			middle(o, &e);
			tail(o, &e, 0);
		}
	} else if (r < 8750) {
		/* configmap reads by agents */
		static const char *const cms[][2] = {
			{ "kube-system", "amazon-vpc-cni" }, { "kube-system", "kube-proxy-config" },
			{ "kube-system", "coredns" }, { "kube-system", "aws-auth" }, { "kube-system", "extension-apiserver-authentication" },
			{ "cert-manager", "cert-manager-controller" }, { "monitoring", "prometheus-server" },
			{ "argocd", "argocd-cm" }, { "karpenter", "karpenter-global-settings" },
		};
		int k = (int)rnd(NELEM(cms));
		const struct sa *s = &PICK(sas);
		char ua[160];
		snprintf(uri, sizeof(uri), "/api/v1/namespaces/%s/configmaps/%s", cms[k][0], cms[k][1]);
		snprintf(ua, sizeof(ua), "%s/v0.0.0 (linux/amd64) kubernetes/$Format", s->name);
		e.verb = "get"; e.ua = ua; e.resource = "configmaps"; e.ns = cms[k][0]; e.name = cms[k][1];
		snprintf(reason, sizeof(reason), "RBAC: allowed by RoleBinding \"%s\" of Role \"%s\" to ServiceAccount "
			"\"%s/%s\"", s->name, s->name, s->name, s->ns);
		e.reason = reason;
		head(o, &e, auditid);
		user_sa(o, s->ns, s->name);
		middle(o, &e);
		tail(o, &e, 0);
	} else if (r < 8900) {
		/* replicaset-controller creates a pod: whole objects */
		const char *app = PICK(apps), *ns = namespaces[2 + rnd(4)];
		char hash[12], rsh[12];
		hexid(rsh, 10, mix(app[0], (uint64_t)now_us / 600000000));
		hexid(hash, 5, rnd64());
		snprintf(name, sizeof(name), "%s-%s-%s", app, rsh, hash);
		snprintf(uri, sizeof(uri), "/api/v1/namespaces/%s/pods", ns);
		e.verb = "create";
		e.ua = "kube-controller-manager/v1.29.3 (linux/amd64) kubernetes/6813625/"
		       "system:serviceaccount:kube-system:replicaset-controller";
		e.resource = "pods"; e.ns = ns; e.name = name; e.level = "RequestResponse"; e.code = 201;
		e.src_ip = "10.0.0.94";
		e.reason = rbac_reason(reason, "replicaset-controller");
		head(o, &e, auditid);
		{
			char u1[40];
			uuid(u1);
			F(o, "\"user\":{\"username\":\"system:serviceaccount:kube-system:replicaset-controller\","
				"\"uid\":\"%s\",\"groups\":[\"system:serviceaccounts\",\"system:serviceaccounts:kube-system\","
				"\"system:authenticated\"]}", u1);
		}
		middle(o, &e);
		S(o, ",\"requestObject\":");
		pod_object(o, ns, app, name, 0);
		S(o, ",\"responseObject\":");
		pod_object(o, ns, app, name, 1);
		tail(o, &e, 1);
	} else if (r < 9300) {
		/* events and pod status from kubelets */
		const char *ns = PICK(namespaces), *app = PICK(apps);
		snprintf(name, sizeof(name), "%s-%x.%llx", app, rnd(0xffffff),
			(unsigned long long)(rnd64() & 0xffffffffffffULL));
		if (rnd(2)) {
			snprintf(uri, sizeof(uri), "/api/v1/namespaces/%s/events", ns);
			e.verb = "create"; e.resource = "events"; e.code = 201;
		} else {
			snprintf(name, sizeof(name), "%s-%x-%05x", app, rnd(0xffffff), rnd(0xfffff));
			snprintf(uri, sizeof(uri), "/api/v1/namespaces/%s/pods/%s/status", ns, name);
			e.verb = "patch"; e.resource = "pods"; e.sub = "status"; e.name = name;
		}
		e.ua = kubelet_ua; e.ns = ns;
		head(o, &e, auditid);
		user_node(o, nd);
		middle(o, &e);
		tail(o, &e, 0);
	} else if (r < 9600) {
		/* endpoints and endpointslices written by controllers */
		const char *app = PICK(apps), *ns = namespaces[2 + rnd(4)];
		int slices = rnd(2);
		char u1[40];
		pod_ip(ip);
		snprintf(name, sizeof(name), "%s%s", app, slices ? "-x7k2p" : "");
		snprintf(uri, sizeof(uri), slices ? "/apis/discovery.k8s.io/v1/namespaces/%s/endpointslices/%s" :
			"/api/v1/namespaces/%s/endpoints/%s", ns, name);
		e.verb = "update"; e.resource = slices ? "endpointslices" : "endpoints";
		e.group = slices ? "discovery.k8s.io" : NULL; e.ns = ns; e.name = name; e.level = "Request";
		e.src_ip = "10.0.0.94";
		e.ua = slices ? "kube-controller-manager/v1.29.3 (linux/amd64) kubernetes/6813625/"
				"system:serviceaccount:kube-system:endpointslice-controller" :
				"kube-controller-manager/v1.29.3 (linux/amd64) kubernetes/6813625/"
				"system:serviceaccount:kube-system:endpoint-controller";
		e.reason = rbac_reason(reason, slices ? "endpointslice-controller" : "endpoint-controller");
		head(o, &e, auditid);
		uuid(u1);
		F(o, "\"user\":{\"username\":\"system:serviceaccount:kube-system:%s\",\"uid\":\"%s\","
			"\"groups\":[\"system:serviceaccounts\",\"system:serviceaccounts:kube-system\",\"system:authenticated\"]}",
			slices ? "endpointslice-controller" : "endpoint-controller", u1);
		middle(o, &e);
		F(o, ",\"requestObject\":{\"kind\":\"%s\",\"apiVersion\":\"%s\",\"metadata\":{\"name\":\"%s\","
			"\"namespace\":\"%s\",\"resourceVersion\":\"%u\",\"labels\":{\"app.kubernetes.io/name\":\"%s\"}},",
			slices ? "EndpointSlice" : "Endpoints", slices ? "discovery.k8s.io/v1" : "v1", name, ns,
			10000000 + rnd(90000000), app);
		if (slices)
			F(o, "\"addressType\":\"IPv4\",\"endpoints\":[{\"addresses\":[\"%s\"],\"conditions\":{\"ready\":true,"
				"\"serving\":true,\"terminating\":false},\"nodeName\":\"%s\",\"zone\":\"eu-west-1%c\"}],"
				"\"ports\":[{\"name\":\"http\",\"protocol\":\"TCP\",\"port\":8080}]}",
				ip, nodes[nd], 'a' + (char)rnd(3));
		else
			F(o, "\"subsets\":[{\"addresses\":[{\"ip\":\"%s\",\"nodeName\":\"%s\"}],"
				"\"ports\":[{\"name\":\"http\",\"port\":8080,\"protocol\":\"TCP\"}]}]}", ip, nodes[nd]);
		tail(o, &e, 0);
	} else if (r < 9850) {
		/* anonymous health probes */
		static const char *const paths[] = { "/healthz", "/livez", "/readyz", "/readyz?verbose", "/version" };
		snprintf(uri, sizeof(uri), "%s", PICK(paths));
		e.verb = "get"; e.ua = rnd(2) ? "ELB-HealthChecker/2.0" : "kube-probe/1.29";
		e.nonresource = 1;
		sprintf(ip, "10.0.%u.%u", rnd(16), 1 + rnd(254));
		e.src_ip = ip;
		e.reason = "RBAC: allowed by ClusterRoleBinding \"system:public-info-viewer\" of ClusterRole "
			   "\"system:public-info-viewer\" to Group \"system:unauthenticated\"";
		head(o, &e, auditid);
		S(o, "\"user\":{\"username\":\"system:anonymous\",\"groups\":[\"system:unauthenticated\"]}");
		middle(o, &e);
		tail(o, &e, 0);
	} else {
		/* humans with kubectl */
		const struct human *h = &PICK(humans);
		const char *ns = namespaces[rnd(NELEM(namespaces))], *app = PICK(apps);
		unsigned w = rnd(1000);
		char ua[128], body[1024] = "";
		snprintf(ua, sizeof(ua), "kubectl/v1.%u.%u (%s) kubernetes/4b8e819", 28 + rnd(3), rnd(5),
			h->sso ? "darwin/arm64" : "linux/amd64");
		if (strcmp(h->username, "github-actions") == 0)
			snprintf(ua, sizeof(ua), "argocd/v2.10.4 (linux/amd64) kubernetes/$Format");
		e.ua = ua;
		sprintf(ip, "%u.%u.%u.%u", 81 + rnd(100), rnd(256), rnd(256), 1 + rnd(254));
		e.src_ip = ip;
		snprintf(reason, sizeof(reason), "RBAC: allowed by ClusterRoleBinding \"%s\" of ClusterRole \"%s\" to Group \"%s\"",
			strcmp(h->group, "system:masters") == 0 ? "cluster-admin" : h->group,
			strcmp(h->group, "system:masters") == 0 ? "cluster-admin" : "edit", h->group);
		e.reason = reason;
		e.ns = ns;
		if (w < 10) {
			/* the interesting one */
			char crb[64];
			snprintf(crb, sizeof(crb), "%s-admin-%u", rnd(2) ? "debug" : "ops", rnd(100));
			snprintf(uri, sizeof(uri), "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings?fieldManager=kubectl-create"
				"&fieldValidation=Strict");
			e.verb = "create"; e.resource = "clusterrolebindings"; e.group = "rbac.authorization.k8s.io";
			e.ns = NULL; e.name = NULL; e.level = "RequestResponse"; e.code = 201;
			snprintf(body, sizeof(body), "{\"kind\":\"ClusterRoleBinding\",\"apiVersion\":\"rbac.authorization.k8s.io/v1\","
				"\"metadata\":{\"name\":\"%s\",\"creationTimestamp\":null},\"subjects\":[{\"kind\":\"ServiceAccount\","
				"\"name\":\"default\",\"namespace\":\"%s\"}],\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\","
				"\"kind\":\"ClusterRole\",\"name\":\"cluster-admin\"}}", crb, ns);
			head(o, &e, auditid);
			user_human(o, h);
			middle(o, &e);
			F(o, ",\"requestObject\":%s,\"responseObject\":%s", body, body);
			tail(o, &e, 0);
			return;
		}
		if (w < 120) {
			static const char *const cmds[] = {
				"command=sh&command=-c&command=env", "command=%2Fbin%2Fsh",
				"command=cat&command=%2Fvar%2Frun%2Fsecrets%2Fkubernetes.io%2Fserviceaccount%2Ftoken",
				"command=bash", "command=ls&command=-la&command=%2Fapp",
				"command=curl&command=-s&command=http%3A%2F%2F169.254.169.254%2Flatest%2Fmeta-data%2Fiam%2F",
			};
			snprintf(name, sizeof(name), "%s-%x-%05x", app, rnd(0xffffff), rnd(0xfffff));
			snprintf(uri, sizeof(uri), "/api/v1/namespaces/%s/pods/%s/exec?%s&container=%s&stdin=true&stdout=true&tty=true",
				ns, name, PICK(cmds), app);
			e.verb = "create"; e.resource = "pods"; e.name = name; e.sub = "exec"; e.code = 101;
		} else if (w < 250) {
			snprintf(name, sizeof(name), "%s-%x-%05x", app, rnd(0xffffff), rnd(0xfffff));
			snprintf(uri, sizeof(uri), "/api/v1/namespaces/%s/pods/%s/log?container=%s&follow=true&tailLines=100",
				ns, name, app);
			e.verb = "get"; e.resource = "pods"; e.name = name; e.sub = "log";
		} else if (w < 350) {
			snprintf(name, sizeof(name), "%s-secrets", app);
			snprintf(uri, sizeof(uri), "/api/v1/namespaces/%s/secrets/%s", ns, name);
			e.verb = "get"; e.resource = "secrets"; e.name = name;
		} else if (w < 450) {
			snprintf(name, sizeof(name), "%s", app);
			snprintf(uri, sizeof(uri), "/apis/apps/v1/namespaces/%s/deployments/%s?fieldManager=kubectl-rollout", ns, name);
			e.verb = "patch"; e.resource = "deployments"; e.group = "apps"; e.name = name; e.level = "Request";
			snprintf(body, sizeof(body), "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":"
				"{\"kubectl.kubernetes.io/restartedAt\":\"%s\"}}}}}", (stamp(reason, now_us, 0), reason));
			e.reason = "RBAC: allowed by ClusterRoleBinding \"cluster-admin\" of ClusterRole \"cluster-admin\" to Group \"system:masters\"";
		} else {
			snprintf(uri, sizeof(uri), "/api/v1/namespaces/%s/pods?limit=500", ns);
			e.verb = "list"; e.resource = "pods";
		}
		head(o, &e, auditid);
		user_human(o, h);
		middle(o, &e);
		if (*body)
			F(o, ",\"requestObject\":%s", body);
		tail(o, &e, 0);
	}
}

static void
init_nodes(void)
{
	int i;

	for (i = 0; i < NNODES; i++) {
		unsigned a = i == 0 ? 1 : rnd(3) * 64 + rnd(64), b = i == 0 ? 23 : 1 + rnd(254);
		snprintf(nodes[i], sizeof(nodes[i]), "ip-10-0-%u-%u.eu-west-1.compute.internal", a, b);
		snprintf(node_ip[i], sizeof(node_ip[i]), "10.0.%u.%u", a, b);
		sprintf(node_inst[i], "i-0");
		hexid(node_inst[i] + 3, 16, rnd64());
	}
}

static int
gen_eks(uint64_t bytes, uint64_t events)
{
	struct ob o = { 0 };
	uint64_t done = 0, n = 0;

	init_nodes();
	now_us = 0;
	while ((bytes && done < bytes) || (events && n < events)) {
		now_us += 1000 + rnd(60000); /* ~30 events a second */
		eks_event(&o);
		n++;
		if (o.n >= 1 << 20) {
			if (fwrite(o.p, 1, o.n, stdout) != o.n)
				return 2;
			done += o.n;
			o.n = 0;
		}
		if (bytes && done + o.n >= bytes)
			break;
	}
	if (o.n && fwrite(o.p, 1, o.n, stdout) != o.n)
		return 2;
	free(o.p);
	return fflush(stdout) == 0 ? 0 : 2;
}

/* ================================================================== */
/* CloudTrail                                                          */
/* ================================================================== */

static const char *const regions[] = { "eu-west-1", "us-east-1" };
static const char *region;

struct call {
	const char *src, *name;
	int ro, weight;
};
static const struct call calls[] = {
	{ "kms.amazonaws.com", "Decrypt", 1, 180 },
	{ "sts.amazonaws.com", "AssumeRole", 0, 90 },
	{ "sts.amazonaws.com", "AssumeRoleWithWebIdentity", 0, 60 },
	{ "ec2.amazonaws.com", "DescribeInstances", 1, 90 },
	{ "ec2.amazonaws.com", "DescribeNetworkInterfaces", 1, 110 },
	{ "ec2.amazonaws.com", "AssignPrivateIpAddresses", 0, 20 },
	{ "ecr.amazonaws.com", "GetAuthorizationToken", 1, 50 },
	{ "ecr.amazonaws.com", "BatchGetImage", 1, 60 },
	{ "eks.amazonaws.com", "DescribeCluster", 1, 40 },
	{ "logs.amazonaws.com", "CreateLogStream", 0, 30 },
	{ "ssm.amazonaws.com", "GetParameters", 1, 60 },
	{ "kms.amazonaws.com", "GenerateDataKey", 1, 60 },
	{ "s3.amazonaws.com", "ListBuckets", 1, 10 },
	{ "iam.amazonaws.com", "GetRole", 1, 20 },
	{ "secretsmanager.amazonaws.com", "GetSecretValue", 1, 30 },
	{ "signin.amazonaws.com", "ConsoleLogin", 0, 2 },
	{ "iam.amazonaws.com", "CreateAccessKey", 0, 1 },
	{ "s3.amazonaws.com", "PutBucketPolicy", 0, 1 },
};
static const char *const roles[] = {
	"eks-nodegroup-general-role", "karpenter-node-role", "eks-cluster-role",
	"AWSServiceRoleForAmazonEKS", "ebs-csi-driver-irsa", "aws-load-balancer-controller-irsa",
};
static const char *const iam_users[] = { "bob", "terraform", "ci-legacy" };

static const struct call *
pick_call(void)
{
	static int total;
	size_t i;
	int w;

	if (total == 0)
		for (i = 0; i < NELEM(calls); i++)
			total += calls[i].weight;
	w = (int)rnd((unsigned)total);
	for (i = 0; i < NELEM(calls); i++)
		if ((w -= calls[i].weight) < 0)
			return &calls[i];
	return &calls[0];
}

static void
ct_identity(struct ob *o, const struct call *c, char *principal)
{
	char key[24], id[24], sess[24];
	unsigned k = rnd(100);

	if (strcmp(c->name, "AssumeRoleWithWebIdentity") == 0) {
		F(o, "\"userIdentity\":{\"type\":\"WebIdentityUser\",\"principalId\":\"arn:aws:iam::" ACCT
			":oidc-provider/oidc.eks.%s.amazonaws.com/id/5C7A1D2E9B4F6083A1C2D3E4F5061728:sts.amazonaws.com:"
			"system:serviceaccount:kube-system:ebs-csi-controller-sa\",\"userName\":"
			"\"system:serviceaccount:kube-system:ebs-csi-controller-sa\",\"identityProvider\":\"arn:aws:iam::" ACCT
			":oidc-provider/oidc.eks.%s.amazonaws.com/id/5C7A1D2E9B4F6083A1C2D3E4F5061728\"}", region, region);
		strcpy(principal, "web");
		return;
	}
	if (k < 12 && c->ro) {
		F(o, "\"userIdentity\":{\"type\":\"AWSService\",\"invokedBy\":\"eks.amazonaws.com\"}");
		strcpy(principal, "svc");
		return;
	}
	if (k < 90 || strcmp(c->name, "ConsoleLogin") == 0) {
		const char *r = PICK(roles);
		char t[40];
		hexid(sess + 3, 16, mix(rnd(64), 0x1d));
		memcpy(sess, "i-0", 3);
		keyid(key, "ASIA", rnd64());
		uniqid(id, "AROA", (uint64_t)(r[0] * 131 + r[5]));
		stamp(t, now_us - 3600000000LL + rnd(3000) * 1000000LL, 0);
		F(o, "\"userIdentity\":{\"type\":\"AssumedRole\",\"principalId\":\"%s:%s\",\"arn\":\"arn:aws:sts::" ACCT
			":assumed-role/%s/%s\",\"accountId\":\"" ACCT "\",\"accessKeyId\":\"%s\",\"sessionContext\":{"
			"\"sessionIssuer\":{\"type\":\"Role\",\"principalId\":\"%s\",\"arn\":\"arn:aws:iam::" ACCT ":role/%s\","
			"\"accountId\":\"" ACCT "\",\"userName\":\"%s\"},\"attributes\":{\"creationDate\":\"%s\","
			"\"mfaAuthenticated\":\"false\"}%s}}",
			id, sess, r, sess, key, id, r, r, t,
			strncmp(r, "eks-node", 8) == 0 || strncmp(r, "karp", 4) == 0 ?
				",\"ec2RoleDelivery\":\"2.0\"" : "");
		strcpy(principal, "role");
		return;
	}
	{
		const char *u = PICK(iam_users);
		keyid(key, "AKIA", (uint64_t)(u[0] * 7 + u[1]));
		uniqid(id, "AIDA", (uint64_t)(u[0] * 7 + u[1]));
		F(o, "\"userIdentity\":{\"type\":\"IAMUser\",\"principalId\":\"%s\",\"arn\":\"arn:aws:iam::" ACCT
			":user/%s\",\"accountId\":\"" ACCT "\",\"accessKeyId\":\"%s\",\"userName\":\"%s\"}", id, u, key, u);
		strcpy(principal, "user");
	}
}

static void
ct_record(struct ob *o, int64_t win_us)
{
	const struct call *c = pick_call();
	char t[40], principal[8], u1[40], u2[40], key[24], ip[24], svc[32];
	const char *ua;
	size_t dot;

	now_us = win_us + (int64_t)rnd(300) * 1000000;
	stamp(t, now_us, 0);
	S(o, "{\"eventVersion\":\"1.09\",");
	ct_identity(o, c, principal);
	if (principal[0] == 's' && principal[1] == 'v') {
		ua = "eks.amazonaws.com";
		strcpy(ip, "eks.amazonaws.com");
	} else {
		static const char *const uas[] = {
			"aws-sdk-go-v2/1.25.2 os/linux lang/go#1.22.1 md/GOOS#linux md/GOARCH#amd64 api/ec2#1.150.0",
			"aws-sdk-go/1.50.30 (go1.21.8; linux; amd64)",
			"Boto3/1.34.51 md/Botocore#1.34.51 ua/2.0 os/linux#6.1.79 md/arch#x86_64 lang/python#3.11.8",
			"aws-cli/2.15.30 Python/3.11.8 Linux/6.1.79-99.164.amzn2023.x86_64 exe/x86_64.amzn.2023",
			"AWS Internal",
		};
		ua = PICK(uas);
		if (principal[0] == 'u')
			sprintf(ip, "%u.%u.%u.%u", 81 + rnd(100), rnd(256), rnd(256), 1 + rnd(254));
		else
			sprintf(ip, "10.0.%u.%u", rnd(192), 1 + rnd(254));
	}
	dot = strcspn(c->src, ".");
	snprintf(svc, sizeof(svc), "%.*s", (int)dot, c->src);
	F(o, ",\"eventTime\":\"%s\",\"eventSource\":\"%s\",\"eventName\":\"%s\",\"awsRegion\":\"%s\","
		"\"sourceIPAddress\":\"%s\",\"userAgent\":", t, c->src, c->name, region, ip);
	J(o, ua);
	S(o, ",\"requestParameters\":");
	if (strcmp(c->name, "AssumeRole") == 0 || strcmp(c->name, "AssumeRoleWithWebIdentity") == 0) {
		const char *r = PICK(roles);
		char exp[40], tok[400];
		size_t i;
		stamp(exp, now_us + 3600000000LL, 0);
		for (i = 0; i < 356; i++)
			tok[i] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"[rnd64() & 63];
		tok[i] = '\0';
		keyid(key, "ASIA", rnd64());
		F(o, "{\"roleArn\":\"arn:aws:iam::" ACCT ":role/%s\",\"roleSessionName\":\"%u\",\"durationSeconds\":3600},"
			"\"responseElements\":{\"credentials\":{\"accessKeyId\":\"%s\",\"sessionToken\":\"IQoJb3JpZ2luX2VjE%s\","
			"\"expiration\":\"%s\"},\"assumedRoleUser\":{\"assumedRoleId\":\"AROA%s:%u\",\"arn\":\"arn:aws:sts::" ACCT
			":assumed-role/%s/%u\"}}",
			r, 1700000000 + rnd(100000000), key, tok, exp, key + 4, rnd(1000000), r, rnd(1000000));
	} else if (strcmp(c->name, "Decrypt") == 0 || strcmp(c->name, "GenerateDataKey") == 0) {
		hexid(u1, 12, rnd64());
		F(o, "{\"encryptionAlgorithm\":\"SYMMETRIC_DEFAULT\",\"encryptionContext\":{\"aws:ebs:id\":\"vol-0%s\"}%s},"
			"\"responseElements\":null", u1,
			c->name[0] == 'G' ? ",\"keySpec\":\"AES_256\"" : "");
	} else if (strcmp(c->name, "DescribeCluster") == 0) {
		S(o, "{\"name\":\"prod-eks\"},\"responseElements\":null");
	} else if (strncmp(c->name, "Describe", 8) == 0) {
		hexid(u1, 16, rnd64());
		F(o, "{\"%s\":{\"items\":[{\"%s\":\"%s-0%s\"}]}%s},\"responseElements\":null",
			c->name[8] == 'I' ? "instancesSet" : "networkInterfaceIdSet",
			c->name[8] == 'I' ? "instanceId" : "networkInterfaceId", c->name[8] == 'I' ? "i" : "eni", u1,
			",\"filterSet\":{}");
	} else if (strcmp(c->name, "ConsoleLogin") == 0) {
		S(o, "null,\"responseElements\":{\"ConsoleLogin\":\"Success\"},\"additionalEventData\":{\"LoginTo\":"
			"\"https://console.aws.amazon.com/console/home\",\"MobileVersion\":\"No\",\"MFAUsed\":\"Yes\"}");
	} else if (strcmp(c->name, "CreateAccessKey") == 0) {
		keyid(key, "AKIA", rnd64());
		F(o, "{\"userName\":\"ci-legacy\"},\"responseElements\":{\"accessKey\":{\"userName\":\"ci-legacy\","
			"\"accessKeyId\":\"%s\",\"status\":\"Active\",\"createDate\":\"%s\"}}", key, t);
	} else if (strcmp(c->name, "GetParameters") == 0 || strcmp(c->name, "GetSecretValue") == 0) {
		F(o, "{\"%s\":\"/eks/prod/%s/db-password\"%s},\"responseElements\":null",
			c->name[3] == 'P' ? "names" : "secretId", PICK(apps), c->name[3] == 'P' ? ",\"withDecryption\":true" : "");
	} else
		S(o, "{\"maxResults\":100},\"responseElements\":null");
	uuid(u1);
	uuid(u2);
	F(o, ",\"requestID\":\"%s\",\"eventID\":\"%s\",\"readOnly\":%s,\"eventType\":\"%s\",\"managementEvent\":true,"
		"\"recipientAccountId\":\"" ACCT "\",\"eventCategory\":\"Management\"",
		u1, u2, c->ro ? "true" : "false",
		strcmp(c->name, "ConsoleLogin") == 0 ? "AwsConsoleSignIn" : "AwsApiCall");
	if (principal[0] != 's' || principal[1] != 'v')
		F(o, ",\"tlsDetails\":{\"tlsVersion\":\"TLSv1.3\",\"cipherSuite\":\"TLS_AES_128_GCM_SHA256\","
			"\"clientProvidedHostHeader\":\"%s.%s.amazonaws.com\"}", svc, region);
	S(o, "}");
}

static int
mkdirs(char *path)
{
	char *p;

	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0777) != 0 && errno != EEXIST) {
			perror(path);
			return -1;
		}
		*p = '/';
	}
	return 0;
}

static int
gzput(gzFile g, const char *p, size_t n)
{
	return n == 0 || gzwrite(g, p, (unsigned)n) == (int)n ? 0 : -1;
}

static int
gen_cloudtrail(const char *dir, long nfiles, long per, const char *big)
{
	struct ob o = { 0 };
	gzFile bg = NULL;
	long f, i;
	int first_big = 1;

	if (big) {
		char *b = strdup(big);
		if (mkdirs(b) != 0 || (bg = gzopen(big, "wb6")) == NULL) {
			fprintf(stderr, "gen: cannot write %s\n", big);
			return 2;
		}
		free(b);
		gzputs(bg, "{\"Records\":[");
	}
	for (f = 0; f < nfiles; f++) {
		/* one object per region every five minutes */
		int64_t win = (int64_t)(f / (long)NELEM(regions)) * 300000000LL;
		char path[1024], t[40], id[20];
		time_t tt;
		struct tm tm;
		gzFile g;

		region = regions[f % (long)NELEM(regions)];
		tt = t0 + (time_t)(win / 1000000) + 300;
		gmtime_r(&tt, &tm);
		strftime(t, sizeof(t), "%Y%m%dT%H%MZ", &tm);
		{
			uint64_t h = rnd64();
			int k;
			for (k = 0; k < 16; k++) {
				if (k == 10)
					h = rnd64();
				id[k] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"[h % 62];
				h /= 62;
			}
			id[16] = '\0';
		}
		snprintf(path, sizeof(path), "%s/AWSLogs/" ACCT "/CloudTrail/%s/%04d/%02d/%02d/" ACCT "_CloudTrail_%s_%s_%s.json.gz",
			dir, region, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, region, t, id);
		if (mkdirs(path) != 0 || (g = gzopen(path, "wb6")) == NULL) {
			fprintf(stderr, "gen: cannot write %s\n", path);
			return 2;
		}
		o.n = 0;
		S(&o, "{\"Records\":[");
		for (i = 0; i < per; i++) {
			size_t at = o.n;
			if (i)
				S(&o, ",");
			ct_record(&o, win);
			if (bg) {
				size_t s = at + (i ? 1 : 0);
				if (!first_big && gzput(bg, ",", 1) != 0)
					return 2;
				if (gzput(bg, o.p + s, o.n - s) != 0)
					return 2;
				first_big = 0;
			}
		}
		S(&o, "]}");
		if (gzput(g, o.p, o.n) != 0 || gzclose(g) != Z_OK) {
			fprintf(stderr, "gen: write error on %s\n", path);
			return 2;
		}
	}
	if (bg) {
		gzputs(bg, "]}");
		if (gzclose(bg) != Z_OK) {
			fprintf(stderr, "gen: write error on %s\n", big);
			return 2;
		}
	}
	free(o.p);
	return 0;
}

static void
usage(void)
{
	fprintf(stderr, "usage: gen eks [-s SEED] [-b BYTES | -n EVENTS]\n"
			"       gen cloudtrail [-s SEED] -d DIR -f FILES -r RECORDS [-B BIG.json.gz]\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	struct tm tm = { 0 };
	uint64_t seed = 1, bytes = 0, events = 0;
	long files = 0, per = 0;
	const char *dir = NULL, *big = NULL, *mode;
	int c;

	if (argc < 2)
		usage();
	mode = argv[1];
	optind = 2;
	while ((c = getopt(argc, argv, "s:b:n:d:f:r:B:")) != -1) {
		switch (c) {
		case 's': seed = strtoull(optarg, NULL, 10); break;
		case 'b': bytes = strtoull(optarg, NULL, 10); break;
		case 'n': events = strtoull(optarg, NULL, 10); break;
		case 'd': dir = optarg; break;
		case 'f': files = strtol(optarg, NULL, 10); break;
		case 'r': per = strtol(optarg, NULL, 10); break;
		case 'B': big = optarg; break;
		default: usage();
		}
	}
	rs = mix(seed, 0x6b38);
	tm.tm_year = 2026 - 1900;
	tm.tm_mon = 10;
	tm.tm_mday = 1;
	t0 = timegm(&tm);
	if (strcmp(mode, "eks") == 0) {
		if (bytes == 0 && events == 0)
			bytes = 320u << 20;
		return gen_eks(bytes, events);
	}
	if (strcmp(mode, "cloudtrail") == 0) {
		if (dir == NULL || files <= 0 || per <= 0)
			usage();
		return gen_cloudtrail(dir, files, per, big);
	}
	usage();
	return 2;
}
