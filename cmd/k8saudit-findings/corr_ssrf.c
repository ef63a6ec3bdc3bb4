/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The pod-status SSRF chain (k8s-detections.md 3.1 item 9): a pod IP
 * rewritten through pods/status, then the API server sent to it through
 * pods/proxy, pods/portforward, or services/proxy on a Service that
 * selects the pod.
 */
#include <stdlib.h>
#include <string.h>

#include "corr.h"

enum { SSRF_SPOOF = 1, SSRF_POD, SSRF_SELECTOR, SSRF_SVCPROXY };

/* The object of a request: proxy names may carry "scheme:name:port". */
static void
proxy_target(const char *name, char *out, size_t outsz)
{
	const char *p = name;

	if (strncmp(p, "https:", 6) == 0 || strncmp(p, "http:", 5) == 0)
		p = strchr(p, ':') + 1;
	snprintf(out, outsz, "%.*s", (int)strcspn(p, ":"), p);
}

/* What follows "<name>/proxy" in a proxy request's URI, the path the API
 * server proxied to; the name may hold "/proxy" itself ("proxy-public"). */
static const char *
proxied_path(const char *uri, const char *name)
{
	size_t n = strlen(name);
	const char *p;

	if (uri == NULL)
		return NULL;
	for (p = uri; (p = strstr(p, "/proxy")) != NULL; p++)
		if ((size_t)(p - uri) > n && *(p - n - 1) == '/' && memcmp(p - n, name, n) == 0)
			return p + 6;
	p = strstr(uri, "/proxy"); /* the name was escaped in the URI */
	return p ? p + 6 : NULL;
}

/* The whole object a write left: the response object when it was logged
 * (a Status when the write failed), else the request object of a create or
 * update; a patch's request holds only the change.  NULL: unknown. */
static json_t *
written_object(k8a_event *ev)
{
	json_t *root = k8a_event_json(ev), *o = json_object_get(root, "responseObject");

	if (o == NULL && !streq(k8a_event_str(ev, K8A_F_VERB), "patch"))
		o = json_object_get(root, "requestObject");
	if (!json_is_object(json_object_get(o, "metadata")) ||
	    streq(json_string_value(json_object_get(o, "kind")), "Status"))
		return NULL;
	return o;
}

/* Does a Service selector select these labels?  An empty one selects
 * nothing: the Service's endpoints are managed by hand. */
static int
selects(json_t *sel, json_t *labels)
{
	const char *k;
	json_t *v;

	if (json_object_size(sel) == 0)
		return 0;
	json_object_foreach(sel, k, v)
		if (!json_equal(v, json_object_get(labels, k)))
			return 0;
	return 1;
}

void
feed_ssrf(struct rule *r, struct corr_ctx *cx, const struct cdef *d, k8a_event *ev, struct snap *s)
{
	const char *res = k8a_event_str(ev, K8A_F_RESOURCE), *sub = k8a_event_str(ev, K8A_F_SUBRESOURCE);
	const char *ns = k8a_event_str(ev, K8A_F_NAMESPACE), *name = k8a_event_str(ev, K8A_F_NAME);
	int svc = streq(res, "services");
	char k1[1024], obj[512];
	json_t *e, *o;

	if (!svc && !streq(res, "pods"))
		return;
	if (svc && sub == NULL) {
		/* a Service written: its selector from now on (NULL: no longer
		 * known, e.g. a patch logged without its result) */
		json_t *sel = NULL;
		o = written_object(ev);
		if (name == NULL && o != NULL)
			name = json_string_value(json_object_get(json_object_get(o, "metadata"), "name"));
		if (name == NULL)
			return;
		if (o == NULL) {
			json_t *rq = json_object_get(k8a_event_json(ev), "requestObject");
			if (streq(k8a_event_str(ev, K8A_F_VERB), "patch") && json_is_object(rq) &&
			    json_object_get(json_object_get(rq, "spec"), "selector") == NULL)
				return; /* a patch that leaves the selector alone */
		} else if (json_is_object(json_object_get(o, "spec"))) {
			sel = json_object_get(json_object_get(o, "spec"), "selector");
			sel = json_is_object(sel) ? json_deep_copy(sel) : json_object();
		}
		snprintf(k1, sizeof(k1), "%s/%s", ns ? ns : "", name);
		keep(r, s, k1, NULL, SSRF_SELECTOR, sel);
		return;
	}
	if (name == NULL)
		return;
	proxy_target(name, obj, sizeof(obj));
	snprintf(k1, sizeof(k1), "%s/%s", ns ? ns : "", obj);
	e = json_object();
	if (!svc && streq(sub, "status")) {
		json_t *ip = field_value(ev, "requestObject.status.podIP");
		json_t *ips = field_value(ev, "requestObject.status.podIPs.ip");
		if (ip == NULL && ips == NULL) {
			json_decref(e);
			return;
		}
		if (ip)
			json_object_set_new(e, "spoofed_pod_ip", ip);
		if (ips)
			json_object_set_new(e, "spoofed_pod_ips", ips);
		/* the pod's labels, for services/proxy: the write logs the pod */
		if ((o = written_object(ev)) != NULL) {
			json_t *l = json_object_get(json_object_get(o, "metadata"), "labels");
			json_object_set_new(e, "pod_labels", json_is_object(l) ? json_deep_copy(l) : json_object());
		}
		keep(r, s, k1, NULL, SSRF_SPOOF, e);
	} else if (streq(sub, "proxy") || (!svc && streq(sub, "portforward"))) {
		const char *px = streq(sub, "proxy") ? proxied_path(k8a_event_str(ev, K8A_F_URI), name) : NULL;
		json_object_set_new(e, "access", json_string(svc ? "services/proxy" : sub));
		if (px)
			json_object_set_new(e, "proxied_path", json_string(px));
		json_object_set_new(e, "access_code", json_integer(k8a_event_code(ev)));
		keep(r, s, k1, NULL, svc ? SSRF_SVCPROXY : SSRF_POD, e);
	} else
		json_decref(e);
}

/* The spoofed pod a services/proxy request may have reached: of the
 * latest spoof of each pod in the Service's namespace within the window,
 * the latest of a pod the Service selects, else of one it may select (its
 * selector or the pod's labels not in the input); NULL when it selects none. */
static struct cand *
ssrf_service_pod(struct corr *c, json_t *last, const struct cand *x, json_t *sel, const char **match)
{
	size_t nsl = strcspn(x->k1, "/") + 1;
	json_int_t best = -1;
	int bq = 0;
	const char *k;
	json_t *v;

	json_object_foreach(last, k, v) {
		struct cand *sp = &c->c[json_integer_value(v)];
		json_t *labels = json_object_get(sp->ev, "pod_labels");
		int q;
		if (strncmp(k, x->k1, nsl) != 0 || x->s->time - sp->s->time > c->def->window)
			continue;
		q = sel == NULL || labels == NULL ? 1 : 2 * selects(sel, labels);
		if (q > bq || (q == bq && q > 0 && json_integer_value(v) > best)) {
			bq = q;
			best = json_integer_value(v);
		}
	}
	if (best < 0)
		return NULL;
	*match = bq == 2 ? "yes" : sel == NULL ? "unknown (service selector not in this input)" :
		"unknown (pod labels not in this input)";
	return &c->c[best];
}

void
finish_ssrf(struct rule *r, struct corr_ctx *cx, struct corr *c)
{
	json_t *last = json_object(); /* pod -> index of the latest spoof */
	json_t *sels = json_object(); /* service -> its selector, when known */
	size_t i;

	for (i = 0; i < c->n; i++) {
		struct cand *x = &c->c[i], *sp = NULL;
		json_t *idx, *e, *sel = NULL;
		const char *match = NULL;
		switch (x->flag) {
		case SSRF_SPOOF:
			json_object_set_new(last, x->k1, json_integer((json_int_t)i));
			continue;
		case SSRF_SELECTOR:
			if (x->ev)
				json_object_set(sels, x->k1, x->ev);
			else
				json_object_del(sels, x->k1);
			continue;
		case SSRF_POD:
			if ((idx = json_object_get(last, x->k1)) != NULL)
				sp = &c->c[json_integer_value(idx)];
			break;
		case SSRF_SVCPROXY:
			sel = json_object_get(sels, x->k1);
			sp = ssrf_service_pod(c, last, x, sel, &match);
			break;
		default:
			continue;
		}
		if (sp == NULL || x->s->time - sp->s->time > c->def->window)
			continue;
		e = json_deep_copy(x->ev);
		if (x->flag == SSRF_SVCPROXY) {
			json_object_set_new(e, "service", json_string(x->k1));
			if (sel)
				json_object_set_new(e, "service_selector", json_deep_copy(sel));
		}
		json_object_update(e, sp->ev);
		if (x->flag == SSRF_POD)
			json_object_del(e, "pod_labels"); /* only a Service's selector reads them */
		json_object_set_new(e, "pod", json_string(sp->k1));
		if (match)
			json_object_set_new(e, "selector_match", json_string(match));
		json_object_set_new(e, "status_patch_time", json_string(sp->s->time_s ? sp->s->time_s : ""));
		json_object_set_new(e, "status_patch_by", json_string(sp->s->user ? sp->s->user : ""));
		json_object_set_new(e, "status_patch_location", json_string(sp->s->where ? sp->s->where : ""));
		json_object_set_new(e, "same_principal", json_boolean(streq(sp->s->user, x->s->user)));
		findings_add(cx->out, r, x->s, r->sev, NULL, NULL, e);
	}
	json_decref(last);
	json_decref(sels);
}
