/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The Kubernetes leak positions of research/secret-scan.md 5.2: a job's
 * secrets put where people and tools really put them, in the event an
 * EKS audit log would hold.  Every copy of a secret in the event is
 * labelled: a pod created by a controller is logged as request and
 * response, `kubectl apply` repeats the manifest in the last-applied
 * annotation, `kubectl set env --record` writes the command line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "k8s.h"

/* ---- who did it ---- */
struct actor {
	json_t *user;
	const char *ua, *ip, *reason;
};

static struct actor
person(void)
{
	struct actor a;
	int hi = (int)rnd((unsigned)nhumans);

	a.user = user_human(&humans[hi]);
	a.ua = kubectl_ua(hi);
	a.ip = public_ip();
	a.reason = human_reason(&humans[hi]);
	return a;
}

static struct actor
helm_actor(void)
{
	struct actor a = person();

	a.ua = "Helm/3.15.3";
	return a;
}

static struct actor
sa_actor(const char *ns, const char *sa, const char *ua)
{
	struct actor a;

	a.user = user_sa(ns, sa);
	a.ua = ua;
	a.ip = node_ip[rnd(NNODES)];
	a.reason = ar_printf("RBAC: allowed by ClusterRoleBinding \"%s\" of ClusterRole \"%s\" to ServiceAccount \"%s/%s\"",
		sa, sa, sa, ns);
	return a;
}

static struct actor
kcm_actor(const char *controller)
{
	struct actor a;

	a.user = user_kcm(controller);
	a.ua = ar_printf("kube-controller-manager/v1.30.4 (linux/amd64) kubernetes/d9b4c2e/system:serviceaccount:kube-system:%s",
		controller);
	a.ip = "10.0.0.94";
	a.reason = ar_printf("RBAC: allowed by ClusterRoleBinding \"system:controller:%s\" of ClusterRole "
		"\"system:controller:%s\" to ServiceAccount \"%s/kube-system\"", controller, controller, controller);
	return a;
}

static void
ev_actor(struct ev *e, struct actor a)
{
	e->user = a.user;
	e->ua = a.ua;
	e->ip = a.ip;
	e->reason = a.reason;
}

/* the position to label: a wrapper's is set by gen.c */
static enum pos
jpos(const struct job *j)
{
	return j->pos == P_CLOUDWATCH ? j->inner : j->pos;
}

static const char *
pick_app(void)
{
	return apps[rnd((unsigned)napps)];
}

static const char *
pick_ns(void)
{
	return app_namespaces[rnd((unsigned)napp_namespaces)];
}

/* The annotation kubectl apply writes: the manifest as JSON, one line. */
static json_t *
with_last_applied(json_t *manifest)
{
	json_t *req = json_deep_copy(manifest), *m = json_object_get(req, "metadata"), *ann;

	ann = json_object_get(m, "annotations");
	if (ann == NULL) {
		ann = json_object();
		json_object_set_new(m, "annotations", ann);
	}
	json_object_set_new(ann, LAST_APPLIED, json_string(ar_printf("%s\n", go_dumps(manifest))));
	return req;
}

#define LA_PTR "/requestObject/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration"

/* ---- pods and workloads ---- */
static json_t *
workload_env(struct job *j, const char *app, const char *ns, const char *envq, struct sites *ss)
{
	json_t *env = routine_env(app, ns, envq, ss);
	int i;

	for (i = 0; i < j->n; i++)
		env_add(env, envq, &j->s[i], jpos(j), ss);
	if (rnd(2))
		env_add_neg(env, envq, neg_env(), ss);
	return env;
}

static json_t *
plant_pod_env(struct job *j)
{
	const char *app = pick_app(), *ns = pick_ns(), *name = pod_name(app);
	struct sites ss = { .n = 0 };
	json_t *env = workload_env(j, app, ns, "/spec/containers/0/env", &ss), *pod;
	struct ev e;
	int v = (int)rnd(3);

	pod = json_pack("{s:s,s:s,s:o,s:o}", "kind", "Pod", "apiVersion", "v1",
		"metadata", obj_meta(name, ns, json_pack("{s:s}", "app.kubernetes.io/name", app), NULL),
		"spec", pod_spec(app, json_pack("[o]", container(app, image_ref(app, 0), env, NULL, NULL, NULL))));
	ev_defaults(&e);
	e.verb = "create";
	e.resource = "pods";
	e.ns = ns;
	e.name = name;
	e.code = 201;
	e.level = "Request";
	if (v == 0) {
		/* a controller: request and response */
		ev_actor(&e, kcm_actor("replicaset-controller"));
		e.uri = ar_printf("/api/v1/namespaces/%s/pods", ns);
		e.level = "RequestResponse";
		e.pod_security = "restricted:latest";
		e.resp = json_deep_copy(pod);
		add_server_fields(e.resp, "kube-controller-manager");
		json_object_set_new(e.resp, "status", json_pack("{s:s,s:s}", "phase", "Pending", "qosClass", "Burstable"));
		e.req = pod;
		sites_emit(&ss, "/requestObject", 0, -1);
		sites_emit(&ss, "/responseObject", 0, -1);
	} else if (v == 1) {
		ev_actor(&e, person());
		e.uri = ar_printf("/api/v1/namespaces/%s/pods?fieldManager=kubectl-client-side-apply&fieldValidation=Strict", ns);
		e.req = with_last_applied(pod);
		json_decref(pod);
		sites_emit(&ss, "/requestObject", 0, -1);
		sites_emit(&ss, LA_PTR, 1, P_LAST_APPLIED);
	} else {
		ev_actor(&e, person());
		e.uri = ar_printf("/api/v1/namespaces/%s/pods?fieldManager=kubectl-run&fieldValidation=Strict", ns);
		e.req = pod;
		sites_emit(&ss, "/requestObject", 0, -1);
	}
	return ev_json(&e);
}

static const char *const workload_kinds[][3] = {
	/* kind, resource, api group */
	{ "Deployment", "deployments", "apps" }, { "StatefulSet", "statefulsets", "apps" },
	{ "DaemonSet", "daemonsets", "apps" }, { "CronJob", "cronjobs", "batch" }, { "Job", "jobs", "batch" },
};

/* A workload around a pod spec; *tq is where the pod spec is. */
static json_t *
workload(int k, const char *app, const char *ns, json_t *podspec, const char **tq)
{
	json_t *tmpl = json_pack("{s:{s:{s:s}},s:o}", "metadata", "labels", "app.kubernetes.io/name", app, "spec", podspec);
	json_t *spec;

	if (k == 3) {
		json_object_set_new(json_object_get(tmpl, "spec"), "restartPolicy", json_string("OnFailure"));
		spec = json_pack("{s:s,s:s,s:{s:{s:o}}}", "schedule", ar_printf("%u %u * * *", rnd(60), rnd(24)),
			"concurrencyPolicy", "Forbid", "jobTemplate", "spec", "template", tmpl);
		*tq = "/spec/jobTemplate/spec/template/spec";
	} else if (k == 4) {
		json_object_set_new(json_object_get(tmpl, "spec"), "restartPolicy", json_string("Never"));
		spec = json_pack("{s:i,s:o}", "backoffLimit", 2, "template", tmpl);
		*tq = "/spec/template/spec";
	} else {
		spec = json_pack("{s:{s:{s:s}},s:o}", "selector", "matchLabels", "app.kubernetes.io/name", app, "template", tmpl);
		if (k != 2)
			json_object_set_new(spec, "replicas", json_integer(2 + (int)rnd(3)));
		*tq = "/spec/template/spec";
	}
	return json_pack("{s:s,s:s,s:o,s:o}", "apiVersion", ar_printf("%s/v1", workload_kinds[k][2]), "kind",
		workload_kinds[k][0], "metadata", obj_meta(app, ns, json_pack("{s:s}", "app.kubernetes.io/name", app), NULL),
		"spec", spec);
}

static void
ev_workload(struct ev *e, int k, const char *app, const char *ns, const char *query)
{
	e->resource = workload_kinds[k][1];
	e->group = workload_kinds[k][2];
	e->ns = ns;
	e->name = app;
	e->level = "Request";
	e->uri = ar_printf("/apis/%s/v1/namespaces/%s/%s%s", workload_kinds[k][2], ns, workload_kinds[k][1], query);
}

static json_t *
plant_workload_env(struct job *j)
{
	const char *app = pick_app(), *ns = pick_ns(), *tq;
	int k = (int)rnd(NELEM(workload_kinds)), v = (int)rnd(4);
	struct sites ss = { .n = 0 };
	json_t *man, *env;
	struct ev e;

	tq = k == 3 ? "/spec/jobTemplate/spec/template/spec" : "/spec/template/spec";
	env = workload_env(j, app, ns, ar_printf("%s/containers/0/env", tq), &ss);
	man = workload(k, app, ns, pod_spec(app, json_pack("[o]", container(app, image_ref(app, 0), env, NULL, NULL, NULL))), &tq);
	ev_defaults(&e);
	if (v == 0) {
		/* kubectl apply of a change: a strategic merge patch with the new
		 * variables, and the whole manifest in the annotation */
		struct sites ps = { .n = 0 };
		json_t *penv = json_array(), *order = json_array(), *patch, *c;
		int i;
		const char *pq = ar_printf("%s/containers/0/env", tq);
		for (i = 0; i < j->n; i++)
			env_add(penv, pq, &j->s[i], jpos(j), &ps);
		for (i = 0; i < (int)json_array_size(env); i++)
			json_array_append_new(order, json_pack("{s:O}", "name", json_object_get(json_array_get(env, (size_t)i), "name")));
		c = json_pack("{s:o,s:o,s:s}", "$setElementOrder/env", order, "env", penv, "name", app);
		patch = json_pack("{s:{s:{s:s}}}", "metadata", "annotations", LAST_APPLIED, ar_printf("%s\n", go_dumps(man)));
		/* the same nesting as the object, down to the containers */
		{
			json_t *inner = json_pack("{s:[{s:s}],s:[o]}", "$setElementOrder/containers", "name", app, "containers", c);
			json_t *spec = k == 3 ? json_pack("{s:{s:{s:{s:o}}}}", "jobTemplate", "spec", "template", "spec", inner) :
						json_pack("{s:{s:o}}", "template", "spec", inner);
			json_object_set_new(patch, "spec", spec);
		}
		ev_workload(&e, k, app, ns, ar_printf("/%s?fieldManager=kubectl-client-side-apply&fieldValidation=Strict", app));
		ev_actor(&e, person());
		e.verb = "patch";
		e.req = patch;
		sites_emit(&ps, "/requestObject", 0, -1);
		sites_emit(&ss, LA_PTR, 1, P_LAST_APPLIED);
		json_decref(man);
	} else if (v == 1) {
		ev_workload(&e, k, app, ns, "?fieldManager=kubectl-client-side-apply&fieldValidation=Strict");
		ev_actor(&e, person());
		e.verb = "create";
		e.code = 201;
		e.req = with_last_applied(man);
		json_decref(man);
		sites_emit(&ss, "/requestObject", 0, -1);
		sites_emit(&ss, LA_PTR, 1, P_LAST_APPLIED);
	} else if (v == 2) {
		/* Argo CD: server-side apply, no annotation */
		ev_workload(&e, k, app, ns, ar_printf("/%s?fieldManager=argocd-controller&force=true", app));
		ev_actor(&e, sa_actor("argocd", "argocd-application-controller",
			"argocd-application-controller/v2.12.3 (linux/amd64) kubernetes/$Format"));
		e.verb = "patch";
		e.req = man;
		sites_emit(&ss, "/requestObject", 0, -1);
	} else {
		json_t *m = json_object_get(man, "metadata");
		json_object_set_new(m, "annotations", json_pack("{s:s,s:s}", "meta.helm.sh/release-name", app,
			"meta.helm.sh/release-namespace", ns));
		ev_workload(&e, k, app, ns, "?fieldManager=helm");
		ev_actor(&e, helm_actor());
		e.verb = "create";
		e.code = 201;
		e.req = man;
		sites_emit(&ss, "/requestObject", 0, -1);
	}
	return ev_json(&e);
}

/* argv items beside the secret's that hold a companion (a key id) */
static void
argv_companions(const struct secret *s, const char *base, struct sites *ss)
{
	int i, k;

	for (i = 0; i < s->argc; i++) {
		if (i == s->argv_at)
			continue;
		for (k = 0; k < s->nkv; k++)
			if (k != s->main && s->kv[k].role != R_OTHER && strstr(s->argv[i], s->kv[k].value))
				site_kv(ss, ar_printf("%s/%d", base, i), s, &s->kv[k], NPOS, st0());
	}
}

static json_t *
plant_args(struct job *j)
{
	const struct secret *s = &j->s[0];
	const char *app = pick_app(), *ns = pick_ns(), *tq = "/spec", *name;
	struct sites ss = { .n = 0 };
	json_t *args = json_array(), *c, *obj;
	struct ev e;
	int i, v = (int)rnd(3);
	enum pos p = jpos(j);

	tq = v == 0 ? "/spec" : v == 1 ? "/spec/template/spec" : "/spec/jobTemplate/spec/template/spec";
	for (i = 0; i < s->argc; i++)
		json_array_append_new(args, json_string(s->argv[i]));
	c = container(app, image_ref(app, 0), routine_env(app, ns, ar_printf("%s/containers/0/env", tq), &ss),
		json_pack("[s]", s->prog ? s->prog : PICK(((const char *[]){ "/app/bin/server", "/usr/local/bin/job", "/app/migrate" }))),
		args, NULL);
	ev_defaults(&e);
	e.level = "Request";
	e.verb = "create";
	e.code = 201;
	if (v == 0) {
		name = ar_printf("%s-debug-%s", app, rstr(5, A_LOWER_ALNUM));
		obj = json_pack("{s:s,s:s,s:o,s:o}", "kind", "Pod", "apiVersion", "v1",
			"metadata", obj_meta(name, ns, json_pack("{s:s}", "run", name), NULL), "spec", pod_spec(app, json_pack("[o]", c)));
		e.uri = ar_printf("/api/v1/namespaces/%s/pods?fieldManager=kubectl-run&fieldValidation=Strict", ns);
		e.resource = "pods";
		e.ns = ns;
		e.name = name;
		ev_actor(&e, person());
	} else {
		int k = v == 1 ? 4 : 3;
		obj = workload(k, app, ns, pod_spec(app, json_pack("[o]", c)), &tq);
		ev_workload(&e, k, app, ns, v == 1 ? "" : "?fieldManager=kubectl-client-side-apply&fieldValidation=Strict");
		ev_actor(&e, v == 1 ? kcm_actor("cronjob-controller") : person());
	}
	site_secret(&ss, ar_printf("%s/containers/0/args/%d", tq, s->argv_at), s, p, st0());
	argv_companions(s, ar_printf("%s/containers/0/args", tq), &ss);
	if (v == 2) {
		e.req = with_last_applied(obj);
		json_decref(obj);
		sites_emit(&ss, LA_PTR, 1, P_LAST_APPLIED);
	} else
		e.req = obj;
	sites_emit(&ss, "/requestObject", 0, -1);
	return ev_json(&e);
}

static json_t *
plant_probe_header(struct job *j)
{
	const struct secret *s = &j->s[0];
	const char *app = pick_app(), *ns = pick_ns(), *v = s->kv[s->main].value;
	const char *hname = strncmp(v, "Basic ", 6) == 0 || strncmp(v, "Bearer ", 7) == 0 || strncmp(v, "token ", 6) == 0 ?
				    "Authorization" : "X-API-Key";
	struct sites ss = { .n = 0 };
	json_t *probe, *man;
	struct ev e;
	const char *tq;
	enum pos p = jpos(j);

	probe = json_pack("{s:{s:s,s:i,s:s,s:[{s:s,s:s}]},s:i,s:i}", "httpGet", "path", "/internal/health", "port", 8080,
		"scheme", "HTTP", "httpHeaders", "name", hname, "value", v, "initialDelaySeconds", 10, "periodSeconds", 15);
	man = workload(0, app, ns, pod_spec(app, json_pack("[o]", container(app, image_ref(app, 0),
		routine_env(app, ns, "/spec/template/spec/containers/0/env", &ss), NULL, NULL, probe))), &tq);
	site_secret(&ss, ar_printf("%s/containers/0/livenessProbe/httpGet/httpHeaders/0/value", tq), s, p, st0());
	ev_defaults(&e);
	ev_workload(&e, 0, app, ns, "?fieldManager=kubectl-client-side-apply&fieldValidation=Strict");
	ev_actor(&e, person());
	e.verb = "create";
	e.code = 201;
	e.req = with_last_applied(man);
	json_decref(man);
	sites_emit(&ss, "/requestObject", 0, -1);
	sites_emit(&ss, LA_PTR, 1, P_LAST_APPLIED);
	return ev_json(&e);
}

/* ---- kubectl exec: the command is only in the URI ---- */
static json_t *
plant_exec(struct job *j, int websocket)
{
	const struct secret *s = &j->s[0];
	const char *app = pick_app(), *ns = pick_ns(), *name = pod_name(app), *q = "";
	struct ev e;
	int split = strpbrk(s->cmd, "'\"<>|;$") == NULL && rnd(2);

	if (split) {
		char *w = ar_strdup(s->cmd), *save = NULL, *t;
		for (t = strtok_r(w, " ", &save); t; t = strtok_r(NULL, " ", &save))
			q = ar_printf("%scommand=%s&", q, query_escape(t));
	} else
		q = ar_printf("command=%s&command=-c&command=%s&", rnd(3) ? "sh" : "bash", query_escape(s->cmd));
	ev_defaults(&e);
	e.uri = ar_printf("/api/v1/namespaces/%s/pods/%s/exec?%scontainer=%s&%s", ns, name, q, app,
		rnd(2) ? "stdin=true&stdout=true&tty=true" : "stderr=true&stdout=true");
	e.verb = websocket ? "get" : "create";
	e.resource = "pods";
	e.ns = ns;
	e.name = name;
	e.sub = "exec";
	e.code = 101;
	ev_actor(&e, person());
	label("/requestURI", s, jpos(j), st_add(st0(), ST_URL, NULL));
	return ev_json(&e);
}

static json_t *
plant_change_cause(struct job *j)
{
	const char *app = pick_app(), *ns = pick_ns(), *assign = "";
	struct sites ss = { .n = 0 };
	json_t *env = json_array(), *patch;
	struct ev e;
	int i, k;
	const char *eq = "/spec/template/spec/containers/0/env";

	for (i = 0; i < j->n; i++) {
		env_add(env, eq, &j->s[i], P_WORKLOAD_ENV, &ss);
		for (k = 0; k < j->s[i].nkv; k++)
			assign = ar_printf("%s %s=%s", assign, j->s[i].kv[k].name, j->s[i].kv[k].value);
	}
	patch = json_pack("{s:{s:{s:s}},s:{s:{s:{s:[{s:s}],s:[{s:o,s:s}]}}}}", "metadata", "annotations",
		"kubernetes.io/change-cause", ar_printf("kubectl set env deployment/%s%s --namespace=%s --record=true", app, assign, ns),
		"spec", "template", "spec", "$setElementOrder/containers", "name", app, "containers", "env", env, "name", app);
	for (i = 0; i < j->n; i++)
		label("/requestObject/metadata/annotations/kubernetes.io~1change-cause", &j->s[i],
			P_CHANGE_CAUSE, st0());
	ev_defaults(&e);
	ev_workload(&e, 0, app, ns, ar_printf("/%s?fieldManager=kubectl-set", app));
	ev_actor(&e, person());
	e.verb = "patch";
	e.req = patch;
	sites_emit(&ss, "/requestObject", 0, -1);
	return ev_json(&e);
}

/* ---- Secrets ---- */
struct secret_obj {
	json_t *data;          /* key -> text (encoded when written as data) */
	const char *type;
	const char *name;
	struct sites ss;       /* q relative to the data map: "/key" */
	json_t *annotations;
	json_t *labels;
};

static const char *
unique_key(json_t *data, const char *key)
{
	const char *k = key;
	int n = 2;

	while (json_object_get(data, k))
		k = ar_printf("%s-%d", key, n++);
	return k;
}

static void
secret_put(struct secret_obj *o, const char *key, const char *text, const struct secret *s, const struct kv *kv,
    enum pos p, struct steps st)
{
	key = unique_key(o->data, key);
	json_object_set_new(o->data, key, json_string(text));
	if (s)
		site_kv(&o->ss, ar_printf("/%s", ptr_key(key)), s, kv, p, st);
}

static void
secret_put_neg(struct secret_obj *o, const char *key, const char *text, const char *kind)
{
	key = unique_key(o->data, key);
	json_object_set_new(o->data, key, json_string(text));
	site_neg(&o->ss, ar_printf("/%s", ptr_key(key)), kind);
}

static void
secret_put_neutral(struct secret_obj *o, const char *key, const char *text, const struct secret *s, const struct kv *kv)
{
	static struct kv neutral = { .role = R_NEUTRAL };

	(void)kv;
	key = unique_key(o->data, key);
	json_object_set_new(o->data, key, json_string(text));
	site_kv(&o->ss, ar_printf("/%s", ptr_key(key)), s, &neutral, NPOS, st0());
}

/* How one secret goes into a Secret's data, by its type. */
static void
secret_fill(struct secret_obj *o, struct secret *s, enum pos p)
{
	const char *id = types[s->type].id;
	const struct kv *m = &s->kv[s->main];

	if (strcmp(id, "private-key") == 0 && strstr(s->value, "BEGIN OPENSSH")) {
		o->type = "kubernetes.io/ssh-auth";
		secret_put(o, "ssh-privatekey", s->value, s, m, p, st0());
	} else if (strcmp(id, "private-key") == 0 && strstr(s->value, "-----BEGIN ") && !strstr(s->value, "PGP") && rnd(3)) {
		o->type = "kubernetes.io/tls";
		secret_put_neg(o, "tls.crt", pem_certificate(ar_printf("%s.acme.example", pick_app())), "certificate");
		secret_put(o, "tls.key", s->value, s, m, p, st0());
	} else if (strcmp(id, "jwt") == 0) {
		o->type = "kubernetes.io/service-account-token";
		secret_put_neg(o, "ca.crt", pem_certificate("kubernetes"), "certificate");
		secret_put_neutral(o, "namespace", "kube-system", s, m);
		secret_put(o, "token", s->value, s, m, p, st0());
	} else if (strcmp(id, "k8s-bootstrap-token") == 0) {
		const char *dot = strchr(s->value, '.');
		o->type = "bootstrap.kubernetes.io/token";
		o->name = ar_printf("bootstrap-token-%.*s", (int)(dot - s->value), s->value);
		secret_put_neutral(o, "auth-extra-groups", "system:bootstrappers:kubeadm:default-node-token", s, m);
		secret_put_neutral(o, "expiration", stamp_s(now_us + 86400000000LL), s, m);
		secret_put_neutral(o, "token-id", ar_strndup(s->value, (size_t)(dot - s->value)), s, m);
		s->value = dot + 1; /* what is labelled is the secret half */
		secret_put(o, "token-secret", dot + 1, s, m, p, st0());
		secret_put_neutral(o, "usage-bootstrap-authentication", "true", s, m);
		secret_put_neutral(o, "usage-bootstrap-signing", "true", s, m);
	} else if (strcmp(id, "registry-credential") == 0) {
		o->type = "kubernetes.io/dockerconfigjson";
		secret_put(o, ".dockerconfigjson", m->value, s, m, p, m->st);
	} else if (strcmp(id, "k8s-secret-value") == 0 || (s->nkv == 1 && !(s->flags & (SF_STRUCT | SF_MULTILINE)) && rnd(3))) {
		secret_put(o, rnd(2) ? m->name : lower_dash(m->name), m->value, s, m, p, m->st);
	} else {
		/* a file: credentials, .npmrc, kubeconfig, key.json, app.env ... */
		secret_put(o, s->file, s->filebody, s, m, p, st0());
	}
}

static json_t *
secret_json(struct secret_obj *o, const char *ns, int as_string_data)
{
	json_t *data = json_object();
	const char *k;
	json_t *v;

	json_object_foreach(o->data, k, v)
		json_object_set_new(data, k, json_string(as_string_data ? json_string_value(v) : b64s(json_string_value(v))));
	return json_pack("{s:s,s:s,s:o,s:o,s:s}", "kind", "Secret", "apiVersion", "v1",
		"metadata", obj_meta(o->name, ns, o->labels ? json_incref(o->labels) : NULL,
			o->annotations ? json_incref(o->annotations) : NULL),
		as_string_data ? "stringData" : "data", data, "type", o->type);
}

/* the sites of a Secret's data map placed under prefix, base64 or not */
static void
secret_emit(struct secret_obj *o, const char *prefix, int b64, int embedded, int pos_override)
{
	struct sites ss = o->ss;
	int i;

	for (i = 0; i < ss.n; i++) {
		ss.v[i].q = ar_printf("%s%s", prefix, ss.v[i].q);
		if (b64 && ss.v[i].s)
			ss.v[i].st = st_cat(st_add(st0(), ST_BASE64, NULL), ss.v[i].st);
	}
	sites_emit(&ss, "", embedded, pos_override);
}

static void
secret_obj_init(struct secret_obj *o, const char *name)
{
	memset(o, 0, sizeof(*o));
	o->data = json_object();
	o->type = "Opaque";
	o->name = name;
}

static json_t *
plant_secret(struct job *j)
{
	enum pos p = jpos(j);
	const char *app = pick_app(), *ns = pick_ns();
	struct secret_obj o;
	struct ev e;
	int i, v = (int)rnd(4);
	int string_data = p == P_SECRET_STRINGDATA || (p == P_SECRET_LAST_APPLIED && rnd(2) &&
						       strcmp(types[j->s[0].type].id, "registry-credential"));
	enum pos dpos = string_data ? P_SECRET_STRINGDATA :
			strcmp(types[j->s[0].type].id, "registry-credential") == 0 ? P_DOCKERCONFIG : P_SECRET_DATA;
	json_t *obj;

	secret_obj_init(&o, ar_printf("%s-%s", app, PICK(((const char *[]){ "credentials", "secrets", "env", "config" }))));
	for (i = 0; i < j->n; i++)
		secret_fill(&o, &j->s[i], dpos);
	if (strcmp(o.type, "kubernetes.io/dockerconfigjson") == 0)
		o.name = ar_printf("%s-pull-secret", PICK(((const char *[]){ "gitlab", "ghcr", "harbor", "regcred" })));
	if (strcmp(o.type, "kubernetes.io/service-account-token") == 0) {
		o.name = ar_printf("%s-token", app);
		o.annotations = json_pack("{s:s}", "kubernetes.io/service-account.name", app);
	}
	if (strcmp(o.type, "bootstrap.kubernetes.io/token") == 0)
		ns = "kube-system";
	obj = secret_json(&o, ns, string_data);
	ev_defaults(&e);
	e.resource = "secrets";
	e.ns = ns;
	e.name = o.name;
	e.level = "Request";
	if (p == P_SECRET_LAST_APPLIED) {
		e.uri = ar_printf("/api/v1/namespaces/%s/secrets?fieldManager=kubectl-client-side-apply&fieldValidation=Strict", ns);
		e.verb = "create";
		e.code = 201;
		ev_actor(&e, person());
		e.req = with_last_applied(obj);
		json_decref(obj);
		secret_emit(&o, string_data ? "/requestObject/stringData" : "/requestObject/data", !string_data, 0, dpos);
		/* the annotation: the manifest as JSON, data still base64 */
		{
			struct sites ss = o.ss;
			int k;
			for (k = 0; k < ss.n; k++) {
				if (ss.v[k].s == NULL || ss.v[k].kv->role != R_SECRET)
					continue;
				label(LA_PTR, ss.v[k].s, P_SECRET_LAST_APPLIED,
					st_cat(string_data ? st_add(st0(), ST_JSON, ar_printf("/stringData%s", ss.v[k].q)) :
						st_add(st_add(st0(), ST_JSON, ar_printf("/data%s", ss.v[k].q)), ST_BASE64, NULL),
						ss.v[k].st));
			}
		}
	} else if (!string_data && v == 0 && p != P_HELM_RELEASE) {
		/* someone reads it at RequestResponse */
		e.uri = ar_printf("/api/v1/namespaces/%s/secrets/%s", ns, o.name);
		e.verb = "get";
		e.level = "RequestResponse";
		ev_actor(&e, person());
		add_server_fields(obj, "kubectl-create");
		e.resp = obj;
		secret_emit(&o, "/responseObject/data", 1, 0, dpos);
	} else if (!string_data && v == 1 && p != P_HELM_RELEASE) {
		/* a controller keeps it in sync */
		e.uri = ar_printf("/api/v1/namespaces/%s/secrets/%s", ns, o.name);
		e.verb = "update";
		ev_actor(&e, sa_actor("external-secrets", "external-secrets", "external-secrets/v0.10.0 (linux/amd64) kubernetes/$Format"));
		add_server_fields(obj, "external-secrets");
		e.req = obj;
		secret_emit(&o, "/requestObject/data", 1, 0, dpos);
	} else {
		e.uri = ar_printf("/api/v1/namespaces/%s/secrets?fieldManager=kubectl-create&fieldValidation=Strict", ns);
		e.verb = "create";
		e.code = 201;
		ev_actor(&e, rnd(3) ? person() : helm_actor());
		e.req = obj;
		secret_emit(&o, string_data ? "/requestObject/stringData" : "/requestObject/data", !string_data, 0, dpos);
	}
	json_decref(o.data);
	json_decref(o.annotations);
	json_decref(o.labels);
	return ev_json(&e);
}

/* ---- Helm releases: base64(base64(gzip(release JSON))) in data.release ---- */
static json_t *
helm_values(struct job *j, struct sites *ss, const char *app)
{
	json_t *cfg = json_pack("{s:{s:s,s:s},s:i}", "image", "repository", image_ref(app, 0), "tag", "v2.4.1", "replicaCount", 2);
	json_t *env = json_object(), *files = json_object();
	int i;

	json_object_set_new(cfg, "env", env);
	for (i = 0; i < j->n; i++) {
		struct secret *s = &j->s[i];
		enum pos p = P_HELM_RELEASE;
		int k;
		if (s->flags & (SF_MULTILINE | SF_STRUCT)) {
			const char *key = unique_key(files, s->file);
			json_object_set_new(files, key, json_string(s->filebody));
			site_secret(ss, ar_printf("/config/files/%s", ptr_key(key)), s, p, st0());
			continue;
		}
		for (k = 0; k < s->nkv; k++) {
			const char *key = unique_key(env, s->kv[k].name);
			json_object_set_new(env, key, json_string(s->kv[k].value));
			if (k == s->main)
				site_secret(ss, ar_printf("/config/env/%s", ptr_key(key)), s, p, s->kv[k].st);
		}
	}
	if (json_object_size(files))
		json_object_set_new(cfg, "files", files);
	else
		json_decref(files);
	return cfg;
}

static json_t *
plant_helm_release(struct job *j)
{
	const char *app = pick_app(), *ns = pick_ns(), *chart_ver = ar_printf("1.%u.%u", rnd(20), rnd(10));
	unsigned ver = 1 + rnd(40);
	struct sites ss = { .n = 0 };
	json_t *cfg = helm_values(j, &ss, app), *rel, *obj;
	const char *text, *inner, *outer, *name = ar_printf("sh.helm.release.v1.%s.v%u", app, ver);
	unsigned char *z;
	size_t zn;
	struct ev e;
	int i;

	rel = json_pack("{s:s,s:{s:s,s:s,s:s,s:s,s:s},s:{s:{s:s,s:s,s:s,s:s,s:s,s:s},s:[],s:{s:i,s:{s:s}}},s:o,s:s,s:i,s:s}",
		"name", app, "info", "first_deployed", stamp_s(now_us - 86400000000LL * (1 + rnd(90))),
		"last_deployed", stamp_s(now_us), "deleted", "", "description", ver == 1 ? "Install complete" : "Upgrade complete",
		"status", "deployed", "chart", "metadata", "name", app, "version", chart_ver, "description",
		ar_printf("A Helm chart for %s", app), "apiVersion", "v2", "appVersion", "2.4.1", "type", "application",
		"templates", "values", "replicaCount", 1, "image", "tag", "latest", "config", cfg,
		"manifest", ar_printf("---\n# Source: %s/templates/service.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: %s\n"
			"spec:\n  ports:\n  - port: 80\n    targetPort: 8080\n", app, app),
		"version", (int)ver, "namespace", ns);
	text = go_dumps(rel);
	json_decref(rel);
	z = gz(text, strlen(text), &zn);
	inner = b64(z, zn);
	outer = b64s(inner);
	for (i = 0; i < ss.n; i++)
		label("/requestObject/data/release", ss.v[i].s, ss.v[i].pos,
			st_cat(st_add(st_add(st_add(st_add(st0(), ST_BASE64, NULL), ST_BASE64, NULL), ST_GZIP, NULL),
				ST_JSON, ss.v[i].q), ss.v[i].st));
	obj = json_pack("{s:s,s:s,s:o,s:{s:s},s:s}", "kind", "Secret", "apiVersion", "v1",
		"metadata", obj_meta(name, ns, json_pack("{s:s,s:s,s:s,s:s}", "name", app, "owner", "helm", "status", "deployed",
			"version", ar_printf("%u", ver)), NULL),
		"data", "release", outer, "type", "helm.sh/release.v1");
	ev_defaults(&e);
	e.uri = ar_printf("/api/v1/namespaces/%s/secrets?fieldManager=helm", ns);
	e.verb = "create";
	e.code = 201;
	e.resource = "secrets";
	e.ns = ns;
	e.name = name;
	e.level = "Request";
	ev_actor(&e, helm_actor());
	e.req = obj;
	return ev_json(&e);
}

/* ---- ConfigMaps ---- */
static const char *
render_file(const struct secret *s, const char **file, int *fmt_out)
{
	int i, fmt = (s->flags & (SF_STRUCT | SF_MULTILINE)) || (strcmp(s->file, "app.env") && strcmp(s->file, ".env") &&
		strcmp(s->file, "secrets.env") && strcmp(s->file, "runtime.env")) ? 0 : 1 + (int)rnd(4);
	const char *body = "";

	*fmt_out = fmt;
	switch (fmt) {
	case 2:
		*file = "config.yaml";
		for (i = 0; i < s->nkv; i++)
			body = ar_printf("%s%s: %s\n", body, lower_dash(s->kv[i].name), s->kv[i].value);
		return ar_printf("server:\n  port: 8080\n%s", body);
	case 3: {
		json_t *o = json_pack("{s:s}", "region", REGION);
		char *t, *copy;
		for (i = 0; i < s->nkv; i++)
			json_object_set_new(o, camel(s->kv[i].name), json_string(s->kv[i].value));
		t = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		json_decref(o);
		copy = ar_strdup(t);
		free(t);
		*file = "settings.json";
		return copy;
	}
	case 4:
		*file = "application.properties";
		for (i = 0; i < s->nkv; i++) {
			char *k = lower_dash(s->kv[i].name), *c;
			for (c = k; *c; c++)
				if (*c == '-')
					*c = '.';
			body = ar_printf("%s%s=%s\n", body, k, s->kv[i].value);
		}
		return ar_printf("spring.application.name=app\n%s", body);
	default:
		*file = s->file;
		return s->filebody;
	}
}

static json_t *
plant_configmap(struct job *j)
{
	const char *ns = rnd(2) ? "kube-system" : pick_ns(), *app = pick_app();
	const char *name = ar_printf("%s-%s", app, PICK(((const char *[]){ "config", "settings", "scripts", "env" })));
	json_t *data = json_object(), *bin = json_object(), *obj;
	struct sites ss = { .n = 0 };
	struct ev e;
	int i, v = (int)rnd(3);

	for (i = 0; i < j->n; i++) {
		const struct secret *s = &j->s[i];
		const char *file, *body;
		int fmt;
		enum pos p = P_CONFIGMAP;
		body = render_file(s, &file, &fmt);
		if (rnd(6) == 0) {
			file = unique_key(bin, file);
			json_object_set_new(bin, file, json_string(b64s(body)));
			site_secret(&ss, ar_printf("/binaryData/%s", ptr_key(file)), s, p, st_add(st0(), ST_BASE64, NULL));
		} else {
			file = unique_key(data, file);
			json_object_set_new(data, file, json_string(body));
			site_secret(&ss, ar_printf("/data/%s", ptr_key(file)), s, p, st0());
		}
	}
	if (rnd(3) == 0) {
		const char *kind, *doc = neg_doc_file(&kind);
		json_object_set_new(data, "README.md", json_string(doc));
		site_neg(&ss, "/data/README.md", kind);
	}
	obj = json_pack("{s:s,s:s,s:o}", "kind", "ConfigMap", "apiVersion", "v1", "metadata", obj_meta(name, ns, NULL, NULL));
	if (json_object_size(data))
		json_object_set_new(obj, "data", data);
	else
		json_decref(data);
	if (json_object_size(bin))
		json_object_set_new(obj, "binaryData", bin);
	else
		json_decref(bin);
	ev_defaults(&e);
	e.resource = "configmaps";
	e.ns = ns;
	e.name = name;
	e.level = "Request";
	ev_actor(&e, person());
	if (v == 0) {
		e.uri = ar_printf("/api/v1/namespaces/%s/configmaps?fieldManager=kubectl-client-side-apply&fieldValidation=Strict", ns);
		e.verb = "create";
		e.code = 201;
		e.req = with_last_applied(obj);
		json_decref(obj);
		sites_emit(&ss, LA_PTR, 1, P_LAST_APPLIED);
	} else if (v == 1) {
		e.uri = ar_printf("/api/v1/namespaces/%s/configmaps/%s?fieldManager=kubectl-edit&fieldValidation=Strict", ns, name);
		e.verb = "update";
		add_server_fields(obj, "kubectl-edit");
		e.req = obj;
	} else {
		e.uri = ar_printf("/api/v1/namespaces/%s/configmaps?fieldManager=kubectl-create&fieldValidation=Strict", ns);
		e.verb = "create";
		e.code = 201;
		e.req = obj;
	}
	sites_emit(&ss, "/requestObject", 0, -1);
	return ev_json(&e);
}

/* ---- tokens ---- */
static json_t *
plant_token_request(struct job *j)
{
	struct secret *s = &j->s[0];
	static const char *const sas[][2] = {
		{ "payments", "api" }, { "monitoring", "prometheus" }, { "argocd", "argocd-server" },
		{ "kube-system", "cluster-autoscaler" }, { "ci", "deployer" }, { "data", "spark" },
	};
	int k = (int)rnd(NELEM(sas)), v = (int)rnd(3), irsa = (int)rnd(3) == 0;
	const char *ns = sas[k][0], *sa = sas[k][1], *aud = irsa ? "sts.amazonaws.com" : "https://kubernetes.default.svc";
	const char *tok = jwt_sa(ns, sa, irsa ? 2 : 1);
	json_int_t expiry = v == 1 ? 3600 : 3607;
	json_t *req, *resp, *bound = json_null();
	struct ev e;

	s->value = tok;
	s->kv[s->main].value = tok;
	if (v == 0) {
		int nd = (int)rnd(NNODES);
		bound = json_pack("{s:s,s:s,s:s,s:s}", "kind", "Pod", "apiVersion", "v1", "name", pod_name(sa), "uid", uuid());
		ev_defaults(&e);
		e.user = user_node(nd);
		e.ua = kubelet_ua;
		e.ip = node_ip[nd];
		e.reason = "";
	} else {
		ev_defaults(&e);
		ev_actor(&e, person());
	}
	req = json_pack("{s:s,s:s,s:{s:n},s:{s:[s],s:I,s:O},s:{s:s,s:n}}", "kind", "TokenRequest", "apiVersion",
		"authentication.k8s.io/v1", "metadata", "creationTimestamp", "spec", "audiences", aud, "expirationSeconds",
		expiry, "boundObjectRef", bound, "status", "token", "", "expirationTimestamp");
	resp = json_pack("{s:s,s:s,s:{s:s,s:s,s:s},s:{s:[s],s:I,s:o},s:{s:s,s:s}}", "kind", "TokenRequest",
		"apiVersion", "authentication.k8s.io/v1", "metadata", "name", sa, "namespace", ns, "creationTimestamp",
		stamp_s(now_us), "spec", "audiences", aud, "expirationSeconds", expiry, "boundObjectRef", bound,
		"status", "token", tok, "expirationTimestamp", stamp_s(now_us + expiry * 1000000));
	e.uri = ar_printf("/api/v1/namespaces/%s/serviceaccounts/%s/token", ns, sa);
	e.verb = "create";
	e.resource = "serviceaccounts";
	e.ns = ns;
	e.name = sa;
	e.sub = "token";
	e.code = 201;
	e.level = "RequestResponse";
	e.req = req;
	e.resp = resp;
	label("/responseObject/status/token", s, P_TOKEN_REQUEST, st0());
	return ev_json(&e);
}

static json_t *
plant_token_review(struct job *j)
{
	const struct secret *s = &j->s[0];
	static const struct {
		const char *ns, *sa, *ua;
	} reviewers[] = {
		{ "vault", "vault", "Go-http-client/2.0" },
		{ "monitoring", "kube-rbac-proxy", "kube-rbac-proxy/v0.18.0 (linux/amd64) kubernetes/$Format" },
		{ "kube-system", "metrics-server", "metrics-server/v0.7.1 (linux/amd64) kubernetes/$Format" },
	};
	int k = (int)rnd(NELEM(reviewers));
	struct ev e;

	ev_defaults(&e);
	ev_actor(&e, sa_actor(reviewers[k].ns, reviewers[k].sa, reviewers[k].ua));
	e.uri = "/apis/authentication.k8s.io/v1/tokenreviews";
	e.verb = "create";
	e.resource = "tokenreviews";
	e.group = "authentication.k8s.io";
	e.code = 201;
	e.level = "Request";
	e.req = json_pack("{s:s,s:s,s:{s:n},s:{s:s,s:[s]},s:{s:{}}}", "kind", "TokenReview", "apiVersion",
		"authentication.k8s.io/v1", "metadata", "creationTimestamp", "spec", "token", s->value, "audiences",
		"https://kubernetes.default.svc", "status", "user");
	label("/requestObject/spec/token", s, P_TOKEN_REVIEW, st0());
	return ev_json(&e);
}

/* ---- custom resources: an Argo CD Application's Helm parameters ---- */
static json_t *
plant_crd(struct job *j)
{
	const char *app = pick_app();
	json_t *params = json_array(), *obj;
	const char *values = "image:\n  tag: v2.4.1\n";
	struct sites ss = { .n = 0 };
	struct ev e;
	int i;

	for (i = 0; i < j->n; i++) {
		const struct secret *s = &j->s[i];
		const struct kv *m = &s->kv[s->main];
		if (rnd(2)) {
			site_secret(&ss, ar_printf("/spec/source/helm/parameters/%zu/value", json_array_size(params)), s, P_CRD, m->st);
			json_array_append_new(params, json_pack("{s:s,s:s}", "name",
				ar_printf("%s.%s", app, camel(m->name)), "value", m->value));
		} else {
			values = ar_printf("%s%s: %s\n", values, lower_dash(m->name), m->value);
			label("/requestObject/spec/source/helm/values", s, P_CRD, m->st);
		}
	}
	obj = json_pack("{s:s,s:s,s:o,s:{s:s,s:{s:s,s:s},s:{s:s,s:s,s:s,s:{s:s,s:o}}}}", "apiVersion", "argoproj.io/v1alpha1",
		"kind", "Application", "metadata", obj_meta(app, "argocd", NULL, NULL), "spec", "project", "default",
		"destination", "namespace", app, "server", "https://kubernetes.default.svc", "source", "repoURL",
		"https://gitlab.com/acme/deploy.git", "path", ar_printf("apps/%s", app), "targetRevision", "main",
		"helm", "values", values, "parameters", params);
	ev_defaults(&e);
	e.uri = ar_printf("/apis/argoproj.io/v1alpha1/namespaces/argocd/applications/%s?fieldManager=kubectl-edit", app);
	e.verb = "update";
	e.resource = "applications";
	e.group = "argoproj.io";
	e.version = "v1alpha1";
	e.ns = "argocd";
	e.name = app;
	e.level = "Request";
	ev_actor(&e, person());
	e.req = obj;
	sites_emit(&ss, "/requestObject", 0, -1);
	return ev_json(&e);
}

json_t *
k8s_plant(struct job *j)
{
	enum pos p = jpos(j);

	switch (p) {
	case P_POD_ENV:
		return plant_pod_env(j);
	case P_WORKLOAD_ENV:
		return plant_workload_env(j);
	case P_ARGS:
		return plant_args(j);
	case P_PROBE_HEADER:
		return plant_probe_header(j);
	case P_EXEC_POST:
		return plant_exec(j, 0);
	case P_EXEC_WS:
		return plant_exec(j, 1);
	case P_CHANGE_CAUSE:
		return plant_change_cause(j);
	case P_SECRET_DATA:
	case P_SECRET_STRINGDATA:
	case P_SECRET_LAST_APPLIED:
	case P_DOCKERCONFIG:
		return plant_secret(j);
	case P_HELM_RELEASE:
		return plant_helm_release(j);
	case P_CONFIGMAP:
		return plant_configmap(j);
	case P_TOKEN_REQUEST:
		return plant_token_request(j);
	case P_TOKEN_REVIEW:
		return plant_token_review(j);
	case P_CRD:
		return plant_crd(j);
	default:
		die("no Kubernetes placer for %s", pos_names[p]);
	}
}
