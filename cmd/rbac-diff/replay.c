/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rbac-diff: the replay.  Changes are applied in time order to a map of
 * objects; an object is known (a JSON object), known to be absent (JSON
 * null) or unknown (no entry).  Each change records what it saw before and
 * left after, and the items (roleRef, subjects, rules, mappings) of both.
 */
#include <stdlib.h>
#include <string.h>

#include "fe.h"
#include "rd.h"

/* ---- applying one change ---- */

static json_t *
entry_of(json_t *src)
{
	json_t *e = json_object();

	rd_set_str(e, "principalArn", rd_jstr(src, "principalArn"));
	rd_set_str(e, "username", rd_jstr(src, "username"));
	rd_set_str(e, "type", rd_jstr(src, "type"));
	if (json_is_array(json_object_get(src, "kubernetesGroups")))
		json_object_set_new(e, "kubernetesGroups", json_deep_copy(json_object_get(src, "kubernetesGroups")));
	return e;
}

static void
access_apply(struct rd_change *c, json_t *prev)
{
	const char *v = c->verb;
	json_t *ae = json_object_get(c->resp, "accessEntry");

	if (strcmp(v, "CreateAccessEntry") == 0) {
		if (c->ok) {
			c->before_known = 1;
			json_decref(c->before);
			c->before = NULL;
		}
		c->after = entry_of(ae ? ae : c->req);
		json_object_set_new(c->after, "policies", json_array());
		c->after_known = 1;
		return;
	}
	if (strcmp(v, "DeleteAccessEntry") == 0) {
		c->after = NULL;
		c->after_known = 1;
		return;
	}
	if (!json_is_object(prev)) {
		json_t *partial = json_object();
		c->partial = 1;
		snprintf(c->note, sizeof(c->note), "prior state unknown");
		if (strcmp(v, "AssociateAccessPolicy") == 0) {
			json_t *p = json_object();
			rd_set_str(p, "policyArn", rd_jstr(c->req, "policyArn"));
			if (json_object_get(c->req, "accessScope"))
				json_object_set_new(p, "accessScope", json_deep_copy(json_object_get(c->req, "accessScope")));
			json_object_set_new(partial, "policies", json_pack("[o]", p));
		} else if (strcmp(v, "UpdateAccessEntry") == 0) {
			json_decref(partial);
			partial = entry_of(ae ? ae : c->req);
		}
		c->after = partial;
		return;
	}
	c->after = json_deep_copy(prev);
	c->after_known = 1;
	if (strcmp(v, "UpdateAccessEntry") == 0) {
		json_t *src = ae ? ae : c->req;
		if (rd_jstr(src, "username"))
			rd_set_str(c->after, "username", rd_jstr(src, "username"));
		if (json_is_array(json_object_get(src, "kubernetesGroups")))
			json_object_set_new(c->after, "kubernetesGroups",
				json_deep_copy(json_object_get(src, "kubernetesGroups")));
	} else if (strcmp(v, "AssociateAccessPolicy") == 0 || strcmp(v, "DisassociateAccessPolicy") == 0) {
		json_t *pol = json_object_get(c->after, "policies"), *np = json_array(), *x;
		const char *arn = rd_jstr(c->req, "policyArn");
		size_t i;
		json_array_foreach(pol, i, x)
			if (!arn || !rd_jstr(x, "policyArn") || strcmp(rd_jstr(x, "policyArn"), arn) != 0)
				json_array_append(np, x);
		if (v[0] == 'A') {
			json_t *p = json_object();
			rd_set_str(p, "policyArn", arn);
			if (json_object_get(c->req, "accessScope"))
				json_object_set_new(p, "accessScope", json_deep_copy(json_object_get(c->req, "accessScope")));
			json_array_append_new(np, p);
		}
		json_object_set_new(c->after, "policies", np);
	}
}

static void
k8s_apply(struct rd_change *c, json_t *prev)
{
	const char *v = c->verb;

	if (strcmp(v, "create") == 0 || strcmp(v, "update") == 0) {
		json_t *body = c->resp ? c->resp : c->req;
		if (strcmp(v, "create") == 0 && c->ok) {
			c->before_known = 1;
			json_decref(c->before);
			c->before = NULL;
		}
		if (body) {
			c->after = json_incref(body);
			c->after_known = 1;
		} else
			snprintf(c->note, sizeof(c->note), "content not recorded: audit level Metadata");
		return;
	}
	if (strcmp(v, "delete") == 0) {
		c->after = NULL;
		c->after_known = 1;
		return;
	}
	if (strcmp(v, "snapshot") == 0) {
		c->after = json_incref(c->req);
		c->after_known = 1;
		if (!json_is_object(prev))
			snprintf(c->note, sizeof(c->note), "%s", prev ? "in the snapshot but deleted in the logs" :
				"seeded from a snapshot");
		return;
	}
	if (strcmp(v, "patch") == 0) {
		enum rd_patch pt;
		char err[160];
		json_t *res;
		if (c->resp) {
			c->after = json_incref(c->resp);
			c->after_known = 1;
			if (c->req)
				c->patch_type = rd_patch_name(rd_patch_guess(c->req, c->uri));
			return;
		}
		if (c->req == NULL) {
			snprintf(c->note, sizeof(c->note), "content not recorded: audit level Metadata");
			return;
		}
		pt = rd_patch_guess(c->req, c->uri);
		c->patch_type = rd_patch_name(pt);
		if (!json_is_object(prev) && c->code != 201) {
			/* Unknown, or deleted in the logs and yet patched: the
			 * logs miss what recreated it. */
			c->before_known = 0;
			snprintf(c->note, sizeof(c->note), "prior state unknown; %s not applied", c->patch_type);
			if (pt != RD_PATCH_JSON) {
				/* What the body sets is known: lists are replaced whole. */
				c->after = rd_trim(c->req, c->kind);
				c->partial = 1;
			}
			return;
		}
		if (!json_is_object(prev) && c->ok) {
			/* 201: the patch created the object */
			c->before_known = 1;
			json_decref(c->before);
			c->before = NULL;
		}
		res = rd_patch_apply(json_is_object(prev) ? prev : NULL, c->req, pt, err, sizeof(err));
		if (res == NULL) {
			snprintf(c->note, sizeof(c->note), "%s could not be applied: %s", c->patch_type, err);
			return;
		}
		c->after = rd_trim(res, c->kind);
		c->after_known = 1;
		json_decref(res);
		if (json_is_object(prev))
			snprintf(c->note, sizeof(c->note), "%s applied to the last known state", c->patch_type);
		else
			snprintf(c->note, sizeof(c->note), "created by %s", c->patch_type);
		return;
	}
	snprintf(c->note, sizeof(c->note), "%s: not replayed", v);
}

/* Record when each item of an object appeared. */
static void
track_since(struct rd *rd, const char *key, struct rd_change *c)
{
	json_t *old = json_object_get(rd->since, key), *nw = json_object(), *p;
	size_t i;

	json_array_foreach(c->items_after, i, p) {
		const char *text = json_string_value(json_array_get(p, 0));
		json_t *prevt = old ? json_object_get(old, text) : NULL;
		if (prevt && c->before_known && rd_item_in(c->items_before, text))
			json_object_set(nw, text, prevt);
		else
			json_object_set_new(nw, text, json_pack("{s:I,s:b,s:i}", "t", (json_int_t)c->t,
				"exact", c->before_known && !rd_item_in(c->items_before, text), "change", (int)c->seq));
	}
	json_object_set_new(rd->since, key, nw);
}

/* The bindings that refer to a role (as known now), for a role's change. */
static json_t *
bindings_of(struct rd *rd, struct rd_change *c)
{
	json_t *out = json_array(), *b;
	const char *k;
	const char *want = c->kind == RD_ROLE ? "Role" : "ClusterRole";

	json_object_foreach(rd->state, k, b) {
		json_t *ref = json_object_get(b, "roleRef");
		const char *rk = rd_jstr(ref, "kind"), *rn = rd_jstr(ref, "name");
		const char *bns = rd_jstr(json_object_get(b, "metadata"), "namespace");
		char via[700];
		int rb;
		if (!json_is_object(b) || rk == NULL || rn == NULL || c->name == NULL)
			continue;
		rb = strncmp(k, "RoleBinding/", 12) == 0;
		if (!rb && strncmp(k, "ClusterRoleBinding/", 19) != 0)
			continue;
		if (strcmp(rk, want) != 0 || strcmp(rn, c->name) != 0)
			continue;
		/* a Role is only referred to from its own namespace */
		if (c->kind == RD_ROLE && (!rb || bns == NULL || c->ns == NULL || strcmp(bns, c->ns) != 0))
			continue;
		rd_binding_via(rb ? RD_RB : RD_CRB, bns, rd_jstr(json_object_get(b, "metadata"), "name"), via, sizeof(via));
		{
			json_t *vs = json_string(via);
			json_array_append_new(out, vs ? vs : json_string("?"));
		}
	}
	return out;
}

void
rd_replay(struct rd *rd, int64_t upto)
{
	size_t i;

	json_object_clear(rd->state);
	json_object_clear(rd->since);
	json_object_clear(rd->last);
	for (i = 0; i < rd->nch; i++) {
		struct rd_change *c = rd->ch[i];
		char *key;
		json_t *prev;

		if (c->t > upto)
			break;
		json_decref(c->before);
		json_decref(c->after);
		json_decref(c->items_before);
		json_decref(c->items_after);
		c->before = c->after = c->items_before = c->items_after = NULL;
		c->before_known = c->after_known = c->partial = 0;
		c->note[0] = '\0';
		c->patch_type = NULL;
		if (strcmp(c->verb, "deletecollection") == 0) {
			if (c->ok) {
				const char *k;
				json_t *v;
				char *prefix = rd_key(c->kind, c->ns, "");
				size_t n = 0;
				json_object_foreach(rd->state, k, v)
					if (prefix && strncmp(k, prefix, strlen(prefix)) == 0 && json_is_object(v)) {
						json_object_set_new(rd->state, k, json_null());
						n++;
					}
				snprintf(c->note, sizeof(c->note), "known objects deleted: %zu", n);
				free(prefix);
			}
			c->items_before = json_array();
			c->items_after = json_array();
			continue;
		}
		if ((key = rd_key(c->kind, c->ns, c->name)) == NULL)
			continue;
		prev = json_object_get(rd->state, key);
		c->before_known = prev != NULL;
		c->before = json_is_object(prev) ? json_incref(prev) : NULL;
		if (c->kind == RD_ACCESS)
			access_apply(c, prev);
		else
			k8s_apply(c, prev);
		/* Objects sent without metadata.namespace live in the request's. */
		if (json_is_object(c->after) && c->ns && *c->ns && c->kind != RD_ACCESS) {
			json_t *md = json_object_get(c->after, "metadata");
			if (!json_is_object(md)) {
				md = json_object();
				json_object_set_new(c->after, "metadata", md);
			}
			if (json_string_value(json_object_get(md, "namespace")) == NULL)
				rd_set_str(md, "namespace", c->ns);
		}
		c->items_before = rd_items(rd, c->kind, c->before);
		c->items_after = rd_items(rd, c->kind, c->after);
		json_decref(c->bound_by);
		c->bound_by = c->kind == RD_ROLE || c->kind == RD_CROLE ? bindings_of(rd, c) : NULL;
		if (strcmp(c->verb, "snapshot") == 0 && c->before) {
			size_t j, same = json_array_size(c->items_before) == json_array_size(c->items_after);
			json_t *p;
			json_array_foreach(c->items_before, j, p)
				if (!rd_item_in(c->items_after, json_string_value(json_array_get(p, 0))))
					same = 0;
			snprintf(c->note, sizeof(c->note), "%s", same ? "the snapshot matches the replayed state" :
				"the snapshot differs from the replayed state");
		}
		if (c->ok) {
			if (c->after_known) {
				json_object_set(rd->state, key, c->after ? c->after : json_null());
				track_since(rd, key, c);
			} else {
				json_object_del(rd->state, key);
				json_object_del(rd->since, key);
			}
			json_object_set_new(rd->last, key, json_integer((json_int_t)i));
		}
		free(key);
	}
}
