/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Reading a candidate record for the correlations: its pod spec, images
 * and host paths, role reference, user agent product, and keys made of
 * fields (k8saudit-expr(5) names).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "corr.h"

/* ---- helpers over the parsed record ---- */

const char *
jstr(k8a_event *ev, const char *path)
{
	return json_string_value(k8a_json_path(k8a_event_json(ev), path));
}

int
streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

int
is_anonymous(k8a_event *ev)
{
	json_t *g = json_object_get(json_object_get(k8a_event_json(ev), "user"), "groups"), *x;
	size_t i;

	if (streq(k8a_event_str(ev, K8A_F_USER), "system:anonymous"))
		return 1;
	json_array_foreach(g, i, x)
		if (streq(json_string_value(x), "system:unauthenticated"))
			return 1;
	return 0;
}

/* The product part of a user agent: "kubectl/v1.29.0 (linux/amd64) ..." -> "kubectl". */
void
ua_product(const char *ua, char *out, size_t outsz)
{
	size_t n = 0;

	if (ua == NULL)
		ua = "";
	while (ua[n] && ua[n] != '/' && ua[n] != ' ' && n + 1 < outsz)
		n++;
	memcpy(out, ua, n);
	out[n] = '\0';
}

/* Image without tag or digest: "reg:5000/a/b:1.2@sha256:..." -> "reg:5000/a/b". */
static void
image_repo(const char *img, char *out, size_t outsz)
{
	const char *slash, *colon, *at;
	size_t n;

	at = strchr(img, '@');
	n = at ? (size_t)(at - img) : strlen(img);
	slash = memrchr(img, '/', n);
	colon = memrchr(slash ? slash : img, ':', n - (size_t)((slash ? slash : img) - img));
	if (colon)
		n = (size_t)(colon - img);
	if (n >= outsz)
		n = outsz - 1;
	memcpy(out, img, n);
	out[n] = '\0';
}

/* Pod specs of a request: pods, workload templates, cronjob templates,
 * in the request object and (for patches) the response object. */
static const char *const podspec_paths[] = {
	"requestObject.spec", "requestObject.spec.template.spec",
	"requestObject.spec.jobTemplate.spec.template.spec", "responseObject.spec",
	"responseObject.spec.template.spec", "responseObject.spec.jobTemplate.spec.template.spec",
};

json_t *
podspec(k8a_event *ev)
{
	size_t i;

	for (i = 0; i < sizeof(podspec_paths) / sizeof(podspec_paths[0]); i++) {
		json_t *s = k8a_json_path(k8a_event_json(ev), podspec_paths[i]);
		if (json_is_object(s) && (json_object_get(s, "containers") || json_object_get(s, "volumes")))
			return s;
	}
	return NULL;
}

static const char *const container_lists[] = { "containers", "initContainers", "ephemeralContainers" };

/* Append each container's image repo (deduplicated) to a JSON array. */
void
images(json_t *spec, json_t *out, int privileged_only)
{
	size_t i, j, k;
	json_t *c, *x;

	for (i = 0; i < 3; i++)
		json_array_foreach(json_object_get(spec, container_lists[i]), j, c) {
			const char *img = json_string_value(json_object_get(c, "image"));
			char repo[512];
			int dup = 0;
			if (img == NULL)
				continue;
			if (privileged_only &&
			    !json_is_true(json_object_get(json_object_get(c, "securityContext"), "privileged")))
				continue;
			image_repo(img, repo, sizeof(repo));
			json_array_foreach(out, k, x)
				dup |= streq(json_string_value(x), repo);
			if (!dup)
				json_array_append_new(out, json_string(repo));
		}
}

void
join(json_t *arr, char *out, size_t outsz)
{
	size_t i, off = 0;
	json_t *x;

	out[0] = '\0';
	json_array_foreach(arr, i, x) {
		int w = snprintf(out + off, outsz - off, "%s%s", i ? "," : "", json_string_value(x));
		if (w < 0 || (size_t)w >= outsz - off)
			break;
		off += (size_t)w;
	}
}

static const char *const sensitive_paths[] = {
	"/", "/proc", "/etc", "/root", "/home", "/var/run", "/run", "/var/lib/kubelet", "/etc/kubernetes",
	"/var/lib/docker", "/var/log", "/dev", "/sys", "/boot", "/lib/modules", "/var/run/docker.sock",
	"/run/containerd/containerd.sock", "/var/run/containerd/containerd.sock", "/var/run/crio/crio.sock",
	"/var/run/cri-dockerd.sock", NULL,
};

/* The first sensitive hostPath of a pod spec (prefix match on path
 * components, trailing '/' ignored), or NULL. */
const char *
sensitive_hostpath(json_t *spec)
{
	size_t i, k;
	json_t *v;

	json_array_foreach(json_object_get(spec, "volumes"), i, v) {
		const char *p = json_string_value(json_object_get(json_object_get(v, "hostPath"), "path"));
		size_t n;
		if (p == NULL)
			continue;
		n = strlen(p);
		while (n > 1 && p[n - 1] == '/')
			n--;
		for (k = 0; sensitive_paths[k]; k++) {
			size_t m = strlen(sensitive_paths[k]);
			if (m == 1 && n == 1)
				return p;
			if (m > 1 && n >= m && memcmp(p, sensitive_paths[k], m) == 0 && (n == m || p[m] == '/'))
				return p;
		}
	}
	return NULL;
}

const char *
roleref_name(k8a_event *ev)
{
	const char *s = jstr(ev, "requestObject.roleRef.name");

	return s ? s : jstr(ev, "responseObject.roleRef.name");
}

/* ---- raw checks: candidates found without parsing ---- */

/* 1 when the text is a public address (k8a_ip_class). */
int
public_ip(const char *s, size_t n)
{
	return k8a_ip_class(s, n) == K8A_IP_PUBLIC;
}

/* The values of comma-separated fields, each a string (arrays and
 * objects as compact JSON), appended to `out` as strings. */
void
path_values(k8a_event *ev, const char *paths, json_t *out, int expand)
{
	char buf[256];
	const char *p = paths, *c;

	while (p && *p) {
		size_t n = (c = strchr(p, ',')) ? (size_t)(c - p) : strlen(p);
		json_t *v;
		if (n < sizeof(buf)) {
			memcpy(buf, p, n);
			buf[n] = '\0';
			if ((v = field_value(ev, buf)) != NULL) {
				size_t i;
				json_t *e;
				if (expand && json_is_array(v)) {
					json_array_foreach(v, i, e)
						if (json_is_string(e))
							json_array_append(out, e);
				} else if (json_is_string(v))
					json_array_append(out, v);
				else {
					char *d = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
					if (d)
						json_array_append_new(out, json_string(d));
					free(d);
				}
				json_decref(v);
			}
		}
		p = c ? c + 1 : NULL;
	}
}

/* The fields joined with '|'; 0 when none is present. */
int
path_key(k8a_event *ev, const char *paths, char *out, size_t outsz)
{
	json_t *vals = json_array(), *v;
	size_t i, off = 0;

	out[0] = '\0';
	path_values(ev, paths, vals, 0);
	json_array_foreach(vals, i, v) {
		int w = snprintf(out + off, outsz - off, "%s%s", i ? "|" : "", json_string_value(v));
		if (w < 0 || (size_t)w >= outsz - off)
			break;
		off += (size_t)w;
	}
	i = json_array_size(vals);
	json_decref(vals);
	return i > 0;
}

void
group_key(enum keyfn kf, k8a_event *ev, char *out, size_t outsz)
{
	const char *u = k8a_event_str(ev, K8A_F_USER), *ip = k8a_event_str(ev, K8A_F_PEER_IP);
	const char *ns = k8a_event_str(ev, K8A_F_NAMESPACE), *name = k8a_event_str(ev, K8A_F_NAME);
	const char *res = k8a_event_str(ev, K8A_F_RESOURCE), *verb = k8a_event_str(ev, K8A_F_VERB);

	switch (kf) {
	case KF_USER:
		snprintf(out, outsz, "%s", u ? u : "");
		break;
	case KF_USER_OR_IP:
		if (u == NULL || *u == '\0' || is_anonymous(ev))
			snprintf(out, outsz, "ip %s", ip ? ip : "");
		else
			snprintf(out, outsz, "%s", u);
		break;
	case KF_USER_IP:
		snprintf(out, outsz, "%s|%s", u ? u : "", ip ? ip : "");
		break;
	case KF_IP:
		snprintf(out, outsz, "%s", ip ? ip : "");
		break;
	case KF_OBJ:
		snprintf(out, outsz, "%s/%s/%s", res ? res : "", ns ? ns : "", name ? name : "*");
		break;
	case KF_RESOURCE:
		snprintf(out, outsz, "%s", res ? res : "");
		break;
	case KF_REQ: {
		/* verb and path: distinct objects and resources count apart */
		const char *uri = k8a_event_str(ev, K8A_F_URI);
		size_t n = uri ? strcspn(uri, "?") : 0;
		snprintf(out, outsz, "%s %.*s", verb ? verb : "", (int)n, uri ? uri : "");
		(void)res;
		break;
	}
	default:
		out[0] = '\0';
	}
}

int
denied(k8a_event *ev)
{
	int code = k8a_event_code(ev);

	return streq(k8a_event_str(ev, K8A_F_DECISION), "forbid") || code == 401 || code == 403;
}
