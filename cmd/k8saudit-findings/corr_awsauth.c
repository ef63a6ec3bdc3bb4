/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * aws-auth before and after: the system:masters mappings a change of the
 * ConfigMap brought (through the shared reader, as the authenticator reads
 * it: a mapping it would reject is no grant); and a change that writes
 * what the previous one in the input wrote (infrastructure as code
 * applying the same ConfigMap again).
 */
#include <stdlib.h>
#include <string.h>

#include "awsauth.h"
#include "corr.h"

/* system:masters in aws-auth's mapRoles/mapUsers, read as the authenticator
 * reads them (cmd/common/awsauth.c): the ARN of each mapping that takes
 * effect, and {"mapping", "not_in_effect"} for each one it rejects. */
static void
masters_entries(json_t *data, json_t *out)
{
	struct fe_awsauth aa;
	size_t i, j;
	int l;

	fe_awsauth_read(&aa, data);
	for (l = 0; l < FE_AA_NLISTS; l++)
		if (aa.why[l] && strstr(json_string_value(json_object_get(data, fe_aa_list_name(l))), "system:masters"))
			json_array_append_new(out, json_pack("{s:s,s:s}", "mapping", fe_aa_list_name(l), "not_in_effect", aa.why[l]));
	for (i = 0; i < aa.n; i++) {
		const struct fe_aa_entry *e = &aa.e[i];
		int named = e->why && strstr(e->why, "\"system:masters\"") != NULL;
		for (j = 0; j < e->ngroups; j++)
			named |= e->groups[j] && strcmp(e->groups[j], "system:masters") == 0;
		if (fe_aa_masters(e))
			json_array_append_new(out, json_string(e->arn));
		else if (named)
			json_array_append_new(out, json_pack("{s:s,s:s}", "mapping", e->arn ? e->arn : "(entry without an ARN)",
				"not_in_effect", e->why ? e->why : "?"));
	}
	fe_awsauth_free(&aa);
}

void
feed_awsauth(struct rule *r, struct corr_ctx *cx, const struct cdef *d, k8a_event *ev, struct snap *s)
{
	const char *keys[] = { "mapRoles", "mapUsers" }, *ns, *name;
	json_t *masters, *data = json_object();
	char k1[4096];
	size_t i;

	for (i = 0; i < 2; i++) {
		char path[64];
		const char *y;
		snprintf(path, sizeof(path), "responseObject.data.%s", keys[i]);
		if ((y = jstr(ev, path)) == NULL) {
			snprintf(path, sizeof(path), "requestObject.data.%s", keys[i]);
			y = jstr(ev, path);
		}
		if (y)
			json_object_set_new(data, keys[i], json_string(y));
	}
	if (json_object_size(data) == 0) {
		json_decref(data);
		return;
	}
	masters = json_array();
	masters_entries(data, masters);
	json_decref(data);
	ns = k8a_event_str(ev, K8A_F_NAMESPACE);
	name = k8a_event_str(ev, K8A_F_NAME);
	snprintf(k1, sizeof(k1), "%s/%s", ns ? ns : "", name ? name : "");
	keep(r, s, k1, NULL, 0, masters);
}

void
finish_awsauth(struct rule *r, struct corr_ctx *cx, struct corr *c)
{
	json_t *prev = json_object(); /* object -> array of masters */
	size_t i, j, k;

	for (i = 0; i < c->n; i++) {
		struct cand *x = &c->c[i];
		json_t *before = json_object_get(prev, x->k1), *added = json_array(), *rejected = json_array(), *v, *w, *e;
		json_array_foreach(x->ev, j, v) {
			int had = 0;
			json_array_foreach(before, k, w)
				had |= json_equal(v, w);
			if (!had)
				json_array_append(json_is_string(v) ? added : rejected, v);
		}
		/* a mapping the authenticator rejects grants nothing: it is
		 * evidence beside one that does, never a finding of its own */
		if (json_array_size(added)) {
			e = json_object();
			json_object_set_new(e, "added_to_system_masters", added);
			if (json_array_size(rejected))
				json_object_set(e, "not_in_effect", rejected);
			json_object_set_new(e, "earlier_version_in_input", json_boolean(before != NULL));
			findings_add(cx->out, r, x->s, r->sev, NULL, before ? NULL :
				"no earlier version in this input: every system:masters mapping is reported", e);
		} else
			json_decref(added);
		json_decref(rejected);
		json_object_set(prev, x->k1, x->ev);
	}
	json_decref(prev);
}

/* ---- a change that changes nothing (C_REAPPLY) ---- */

void
feed_reapply(struct rule *r, struct corr_ctx *cx, const struct cdef *d, k8a_event *ev, struct snap *s)
{
	json_t *data = k8a_json_path(k8a_event_json(ev), "requestObject.data");
	const char *ns = k8a_event_str(ev, K8A_F_NAMESPACE), *name = k8a_event_str(ev, K8A_F_NAME);
	char k1[4096], *v = NULL;

	snprintf(k1, sizeof(k1), "%s/%s", ns ? ns : "", name ? name : "");
	/* only a full update can be compared: a patch writes part of it,
	 * a delete nothing */
	if (json_is_object(data) && streq(k8a_event_str(ev, K8A_F_VERB), "update") &&
	    (v = json_dumps(data, JSON_COMPACT | JSON_SORT_KEYS)) == NULL)
		fe_nomem_note();
	keep(r, s, k1, v ? v : "", v != NULL, evidence_collect(r, ev));
	free(v);
}

void
finish_reapply(struct rule *r, struct corr_ctx *cx, struct corr *c)
{
	json_t *last = json_object(); /* object -> index of its latest update */
	size_t i;

	for (i = 0; i < c->n; i++) {
		struct cand *x = &c->c[i];
		json_t *idx = json_object_get(last, x->k1);
		struct cand *p = idx ? &c->c[json_integer_value(idx)] : NULL;
		enum sev sev = r->sev;
		json_t *e = json_incref(x->ev);

		if (x->flag && p != NULL && p->flag && streq(p->k2, x->k2)) {
			sev = r->alone >= 0 ? (enum sev)r->alone : SEV_LOW;
			json_object_set_new(e, "unchanged_since", json_string(p->s->time_s ? p->s->time_s : ""));
			json_object_set_new(e, "graded", json_string("the same data as the update before it in "
				"this input: applied again, nothing changed"));
		}
		/* what the next update is compared with: the latest state known */
		if (x->flag)
			json_object_set_new(last, x->k1, json_integer((json_int_t)i));
		else
			json_object_del(last, x->k1);
		findings_add(cx->out, r, x->s, sev, NULL, NULL, e);
	}
	json_decref(last);
}
