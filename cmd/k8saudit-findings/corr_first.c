/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * First seen: a tuple (principal and namespace, image, permission
 * checked, ...) reported the first time the input holds it; and a
 * principal's new user agent.
 */
#include <stdlib.h>
#include <string.h>

#include "corr.h"

/* Extract the first-seen tuple; NULL to ignore the record. */
static int
first_key(const struct cdef *d, k8a_event *ev, char *key, size_t keysz, json_t *e, enum sev *sev)
{
	const char *u = k8a_event_str(ev, K8A_F_USER), *ns = k8a_event_str(ev, K8A_F_NAMESPACE);
	const char *res = k8a_event_str(ev, K8A_F_RESOURCE), *sub = k8a_event_str(ev, K8A_F_SUBRESOURCE);
	const char *verb = k8a_event_str(ev, K8A_F_VERB);
	char ua[128], buf[2048];
	json_t *spec, *arr;

	if (u == NULL)
		u = "";
	if (ns == NULL)
		ns = "";
	switch (d->key) {
	case KF_SECRETS:
		ua_product(k8a_event_str(ev, K8A_F_USER_AGENT), ua, sizeof(ua));
		snprintf(key, keysz, "%s|%s|%s", u, ns, ua);
		json_object_set_new(e, "first_seen", json_string("principal, namespace and user agent"));
		return 1;
	case KF_ROLEBINDING: {
		const char *rr = roleref_name(ev);
		snprintf(key, keysz, "%s|%s|%s", u, rr ? rr : "", ns);
		if (streq(rr, "cluster-admin") || streq(rr, "admin"))
			*sev = SEV_HIGH;
		json_object_set_new(e, "first_seen", json_string("principal, role and namespace"));
		return 1;
	}
	case KF_EXEC:
		snprintf(key, keysz, "%s|%s", u, ns);
		json_object_set_new(e, "first_seen", json_string("principal and namespace"));
		return 1;
	case KF_PRIV:
	case KF_MOUNT:
	case KF_WORKLOAD:
		if ((spec = podspec(ev)) == NULL)
			return 0;
		arr = json_array();
		images(spec, arr, d->key == KF_PRIV);
		join(arr, buf, sizeof(buf));
		json_object_set_new(e, "images", arr);
		if (d->key == KF_PRIV) {
			if (buf[0] == '\0')
				return 0;
			snprintf(key, keysz, "%s", buf);
			json_object_set_new(e, "first_seen", json_string("image used in a privileged container"));
		} else if (d->key == KF_MOUNT) {
			const char *hp = sensitive_hostpath(spec);
			if (hp == NULL)
				return 0;
			json_object_set_new(e, "host_path", json_string(hp));
			snprintf(key, keysz, "%s|%s", buf, hp);
			json_object_set_new(e, "first_seen", json_string("image and host path"));
		} else {
			static const char *const bad[] = { "xmrig", "monero", "miner", "kali", "kube-hunter",
				"peirates", "metasploit", "cdk", NULL };
			size_t i;
			snprintf(key, keysz, "%s|%s|%s", u, ns, buf);
			for (i = 0; bad[i]; i++)
				if (strstr(buf, bad[i]))
					*sev = SEV_MEDIUM;
			json_object_set_new(e, "first_seen", json_string("principal, namespace and images"));
		}
		return 1;
	case KF_ROLE:
		snprintf(key, keysz, "%s|%s", u, res ? res : "");
		json_object_set_new(e, "first_seen", json_string("principal and role kind"));
		return 1;
	case KF_PERMCHECK: {
		const char *v = jstr(ev, "requestObject.spec.resourceAttributes.verb");
		const char *rs = jstr(ev, "requestObject.spec.resourceAttributes.resource");
		const char *sr = jstr(ev, "requestObject.spec.resourceAttributes.subresource");
		snprintf(key, keysz, "%s|%s|%s/%s", u, v ? v : "", rs ? rs : "", sr ? sr : "");
		json_object_set_new(e, "first_seen", json_string("principal and permission checked"));
		return 1;
	}
	case KF_PATHS:
		if (!path_key(ev, d->kpaths, key, keysz))
			return 0;
		json_object_set_new(e, "first_seen", json_string(d->kpaths));
		return 1;
	case KF_SAOP:
		snprintf(key, keysz, "%s|%s|%s%s%s|%s", u, verb ? verb : "", res ? res : "", sub ? "/" : "",
			sub ? sub : "", ns);
		json_object_set_new(e, "first_seen", json_string("service account, verb, resource and namespace"));
		return 1;
	default:
		return 0;
	}
}

void
feed_first(struct rule *r, struct corr_ctx *cx, const struct cdef *d, k8a_event *ev, struct snap *s)
{
	char k1[4096];
	enum sev sev = r->sev;
	json_t *e = evidence_collect(r, ev);

	if (!first_key(d, ev, k1, sizeof(k1), e, &sev)) {
		json_decref(e);
		return;
	}
	keep(r, s, k1, NULL, (int)sev, e);
}

/* ---- finishing ---- */

void
finish_first(struct rule *r, struct corr_ctx *cx, struct corr *c)
{
	json_t *seen = json_object();
	size_t i;

	for (i = 0; i < c->n; i++) {
		struct cand *x = &c->c[i];
		char h[18];
		/* keys by hash: a ghost of an earlier run (--state) has no other */
		if (x->flag == -1)
			snprintf(h, sizeof(h), "%s", x->k1);
		else
			first_key_hash(x->k1, h);
		if (json_object_get(seen, h))
			continue;
		json_object_set_new(seen, h, json_true());
		if (x->flag == -1)
			continue; /* reported by an earlier run */
		/* "first" means something only after some history: what the
		 * first hour of the input (or a --baseline) holds is usual */
		if (x->s->baseline || cx->ctx == NULL || !context_history(cx->ctx, x->s->source, x->s->time))
			continue;
		json_object_set_new(x->ev, "history", json_string("first seen after at least an hour of "
			"history (the input's start or --baseline)"));
		findings_add(cx->out, r, x->s, (enum sev)x->flag, c->def->gd, "first seen in this input",
			json_incref(x->ev));
	}
	json_decref(seen);
}

void
feed_newua(struct rule *r, struct corr_ctx *cx, const struct cdef *d, k8a_event *ev, struct snap *s)
{
	char k1[4096], k2[4096];

	group_key(KF_USER, ev, k1, sizeof(k1));
	ua_product(k8a_event_str(ev, K8A_F_USER_AGENT), k2, sizeof(k2));
	keep(r, s, k1, k2, 0, NULL);
}

void
finish_newua(struct rule *r, struct corr_ctx *cx, struct corr *c)
{
	json_t *users = json_object(); /* user -> {ua: true} */
	size_t i;

	for (i = 0; i < c->n; i++) {
		struct cand *x = &c->c[i];
		json_t *set = json_object_get(users, x->k1), *e;
		const char *k;
		json_t *v;
		if (set == NULL) {
			set = json_object();
			json_object_set_new(set, x->k2, json_true());
			json_object_set_new(users, x->k1, set);
			continue;
		}
		if (json_object_get(set, x->k2))
			continue;
		if (x->s->baseline) {
			json_object_set_new(set, x->k2, json_true());
			continue;
		}
		e = json_object();
		json_object_set_new(e, "user_agent", json_string(x->s->ua ? x->s->ua : ""));
		{
			json_t *before = json_array();
			json_object_foreach(set, k, v)
				json_array_append_new(before, json_string(k));
			json_object_set_new(e, "earlier_user_agents", before);
		}
		json_object_set_new(set, x->k2, json_true());
		findings_add(cx->out, r, x->s, r->sev, NULL, "first seen in this input", e);
	}
	json_decref(users);
}
