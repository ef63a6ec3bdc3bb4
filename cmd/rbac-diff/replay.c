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

/* ---- rules ---- */

static int
list_has(json_t *list, const char *v)
{
	size_t i;
	json_t *x;

	json_array_foreach(list, i, x)
		if (json_string_value(x) && strcmp(json_string_value(x), v) == 0)
			return 1;
	return 0;
}

json_t *
rd_builtin_role(const char *name)
{
	if (name && strcmp(name, "cluster-admin") == 0)
		return json_pack("{s:s,s:{s:s},s:[{s:[s],s:[s],s:[s]},{s:[s],s:[s]}]}",
			"kind", "ClusterRole", "metadata", "name", "cluster-admin", "rules",
			"apiGroups", "*", "resources", "*", "verbs", "*",
			"nonResourceURLs", "*", "verbs", "*");
	return NULL;
}

static int
resource_matches(json_t *rule, const char *resource)
{
	const char *slash = strchr(resource, '/');
	size_t i;
	json_t *x;

	json_array_foreach(json_object_get(rule, "resources"), i, x) {
		const char *r = json_string_value(x);
		if (r == NULL)
			continue;
		if (strcmp(r, "*") == 0 || strcmp(r, resource) == 0)
			return 1;
		if (slash && r[0] == '*' && r[1] == '/' && strcmp(r + 1, slash) == 0)
			return 1;
	}
	return 0;
}

static int
url_matches(json_t *rule, const char *url)
{
	size_t i;
	json_t *x;

	json_array_foreach(json_object_get(rule, "nonResourceURLs"), i, x) {
		const char *u = json_string_value(x);
		size_t n;
		if (u == NULL)
			continue;
		n = strlen(u);
		if (strcmp(u, url) == 0 || (n && u[n - 1] == '*' && strncmp(u, url, n - 1) == 0))
			return 1;
	}
	return 0;
}

int
rd_rule_matches(json_t *rule, const char *verb, const char *group, int any_group,
	const char *resource, const char *url)
{
	json_t *verbs = json_object_get(rule, "verbs");

	if (!list_has(verbs, "*") && !list_has(verbs, verb))
		return 0;
	if (url)
		return url_matches(rule, url);
	if (!any_group && !list_has(json_object_get(rule, "apiGroups"), "*") &&
	    !list_has(json_object_get(rule, "apiGroups"), group ? group : ""))
		return 0;
	if (any_group && json_array_size(json_object_get(rule, "apiGroups")) == 0)
		return 0;
	return resource_matches(rule, resource);
}

static void
tag(json_t *tags, const char *t)
{
	if (!list_has(tags, t))
		json_array_append_new(tags, json_string(t));
}

/* Which dangerous permissions a rule grants (a JSON array of tags). */
json_t *
rd_rule_dangers(json_t *rule)
{
	json_t *tags = json_array();
	json_t *v = json_object_get(rule, "verbs"), *r = json_object_get(rule, "resources");
	int anyv = list_has(v, "*"), anyr = list_has(r, "*");
	struct {
		const char *res, *sub, *verbs[4], *tag;
	} const d[] = {
		{ "secrets", NULL, { "get", "list", "watch", NULL }, "secrets-read" },
		{ "pods/exec", "/exec", { "create", "get", NULL, NULL }, "pods-exec" },
		{ "nodes/proxy", "/proxy", { "get", "create", "update", "patch" }, "nodes-proxy" },
		{ "pods/status", "/status", { "patch", "update", NULL, NULL }, "pods-status-patch" },
		{ "serviceaccounts/token", "/token", { "create", NULL, NULL, NULL }, "sa-token-create" },
	};
	static const char *const special[] = { "impersonate", "escalate", "bind", NULL };
	size_t i, j;

	if (json_object_get(rule, "nonResourceURLs")) {
		if (anyv && list_has(json_object_get(rule, "nonResourceURLs"), "*"))
			tag(tags, "wildcard");
		return tags;
	}
	if (anyv || anyr || list_has(json_object_get(rule, "apiGroups"), "*"))
		tag(tags, "wildcard");
	if (anyv && anyr)
		return tags;
	for (i = 0; special[i]; i++)
		if (list_has(v, special[i]) || (anyv && anyr))
			tag(tags, special[i]);
	for (i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
		int res = anyr || list_has(r, d[i].res);
		char star[32];
		if (!res && d[i].sub) {
			snprintf(star, sizeof(star), "*%s", d[i].sub);
			res = list_has(r, star);
		}
		if (!res)
			continue;
		if (anyv) {
			tag(tags, d[i].tag);
			continue;
		}
		for (j = 0; j < 4 && d[i].verbs[j]; j++)
			if (list_has(v, d[i].verbs[j])) {
				tag(tags, d[i].tag);
				break;
			}
	}
	return tags;
}

const char *
rd_subject_danger(const char *kind, const char *name, const char *ns)
{
	size_t n;

	if (name == NULL)
		return NULL;
	if (strcmp(name, "system:anonymous") == 0)
		return "anonymous";
	if (strcmp(name, "system:unauthenticated") == 0)
		return "unauthenticated";
	if (strcmp(name, "system:authenticated") == 0)
		return "all-authenticated";
	if (strcmp(name, "system:serviceaccounts") == 0)
		return "all-serviceaccounts";
	if (kind && strcmp(kind, "ServiceAccount") == 0 && strcmp(name, "default") == 0)
		return "default-sa";
	n = strlen(name);
	if (strncmp(name, "system:serviceaccount:", 22) == 0 && n > 8 && strcmp(name + n - 8, ":default") == 0)
		return "default-sa";
	(void)ns;
	return NULL;
}

static void
join(char *out, size_t outsz, size_t *off, json_t *list, const char *empty_as)
{
	size_t i;
	json_t *x;

	json_array_foreach(list, i, x) {
		const char *s = json_string_value(x);
		int n;
		if (s && *s == '\0' && empty_as)
			s = empty_as;
		n = snprintf(out + *off, outsz - *off, "%s%s", i ? "," : "", s ? s : "?");
		if (n < 0 || (size_t)n >= outsz - *off) {
			*off = outsz - 1;
			return;
		}
		*off += (size_t)n;
	}
}

static void
rule_text(json_t *rule, char *out, size_t outsz)
{
	size_t off = 0;
	json_t *names = json_object_get(rule, "resourceNames");

	out[0] = '\0';
	if (json_object_get(rule, "nonResourceURLs")) {
		off = (size_t)snprintf(out, outsz, "rule:url:");
		join(out, outsz, &off, json_object_get(rule, "nonResourceURLs"), NULL);
	} else {
		off = (size_t)snprintf(out, outsz, "rule:");
		join(out, outsz, &off, json_object_get(rule, "apiGroups"), "core");
		if (off + 1 < outsz)
			out[off++] = ':', out[off] = '\0';
		join(out, outsz, &off, json_object_get(rule, "resources"), NULL);
		if (json_array_size(names) && off + 1 < outsz) {
			out[off++] = '[', out[off] = '\0';
			join(out, outsz, &off, names, NULL);
			if (off + 1 < outsz)
				out[off++] = ']', out[off] = '\0';
		}
	}
	if (off + 1 < outsz)
		out[off++] = ':', out[off] = '\0';
	join(out, outsz, &off, json_object_get(rule, "verbs"), NULL);
}

void
rd_subject_text(json_t *s, const char *bns, char *out, size_t outsz)
{
	const char *kind = rd_jstr(s, "kind"), *name = rd_jstr(s, "name"), *ns = rd_jstr(s, "namespace");

	if (kind && strcmp(kind, "ServiceAccount") == 0)
		snprintf(out, outsz, "ServiceAccount:%s/%s", ns ? ns : bns ? bns : "?", name ? name : "?");
	else
		snprintf(out, outsz, "%s:%s", kind ? kind : "?", name ? name : "?");
}

static void
item(json_t *items, const char *text, json_t *tags)
{
	json_t *pair = json_array(), *t = json_string(text);
	char buf[256];
	size_t off = 0;

	json_array_append_new(pair, t ? t : json_string("?"));
	buf[0] = '\0';
	if (json_array_size(tags)) {
		join(buf, sizeof(buf), &off, tags, NULL);
		json_array_append_new(pair, json_string(buf));
	} else
		json_array_append_new(pair, json_null());
	json_array_append_new(items, pair);
	json_decref(tags);
}

/* The role a binding refers to, as known at this point of the replay,
 * or a built-in default (new reference; *builtin set), or NULL. */
json_t *
rd_role_of(struct rd *rd, json_t *binding, const char *bns, int *builtin)
{
	json_t *ref = json_object_get(binding, "roleRef"), *o;
	const char *kind = rd_jstr(ref, "kind"), *name = rd_jstr(ref, "name");
	char *key;

	*builtin = 0;
	if (kind == NULL || name == NULL)
		return NULL;
	key = rd_key(strcmp(kind, "Role") == 0 ? RD_ROLE : RD_CROLE, strcmp(kind, "Role") == 0 ? bns : NULL, name);
	o = key ? json_object_get(rd->state, key) : NULL;
	free(key);
	if (json_is_object(o))
		return json_incref(o);
	if (strcmp(kind, "ClusterRole") == 0 && (o = rd_builtin_role(name)) != NULL) {
		*builtin = 1;
		return o;
	}
	return NULL;
}

static json_t *
role_dangers(json_t *role)
{
	json_t *tags = json_array(), *r, *d, *x;
	size_t i, j;

	json_array_foreach(json_object_get(role, "rules"), i, r) {
		d = rd_rule_dangers(r);
		json_array_foreach(d, j, x)
			tag(tags, json_string_value(x));
		json_decref(d);
	}
	return tags;
}

static json_t *
mapping_items(json_t *items, const char *what, const char *arnkey, const char *text)
{
	json_t *list = rd_yaml_parse(text, NULL), *m, *g;
	size_t i, j;
	char buf[1024];

	json_array_foreach(list, i, m) {
		size_t off;
		json_t *tags = json_array();
		if (json_is_string(m)) {
			snprintf(buf, sizeof(buf), "%s:%s", what, json_string_value(m));
			item(items, buf, tags);
			continue;
		}
		off = (size_t)snprintf(buf, sizeof(buf), "%s:%s->%s[", what,
			rd_jstr(m, arnkey) ? rd_jstr(m, arnkey) : "?", rd_jstr(m, "username") ? rd_jstr(m, "username") : "");
		if (off >= sizeof(buf))
			off = sizeof(buf) - 1;
		g = json_object_get(m, "groups");
		if (json_is_string(g)) { /* "groups: system:masters" written as a scalar */
			json_t *a = json_array();
			json_array_append(a, g);
			json_object_set_new(m, "groups", a);
			g = a;
		}
		join(buf, sizeof(buf), &off, g, NULL);
		if (off + 1 < sizeof(buf))
			buf[off++] = ']', buf[off] = '\0';
		json_array_foreach(g, j, m)
			if (json_string_value(m) && strcmp(json_string_value(m), "system:masters") == 0)
				tag(tags, "system:masters");
		item(items, buf, tags);
	}
	json_decref(list);
	return items;
}

static const char *
policy_short(const char *arn)
{
	const char *s = arn ? strrchr(arn, '/') : NULL;

	return s ? s + 1 : arn;
}

json_t *
rd_items(struct rd *rd, enum rd_kind k, json_t *obj)
{
	json_t *items = json_array(), *x, *tags;
	size_t i;
	char buf[1024];
	const char *bns = rd_jstr(json_object_get(obj, "metadata"), "namespace");

	if (!json_is_object(obj))
		return items;
	switch (k) {
	case RD_ROLE:
	case RD_CROLE:
		json_array_foreach(json_object_get(obj, "rules"), i, x) {
			rule_text(x, buf, sizeof(buf));
			item(items, buf, rd_rule_dangers(x));
		}
		if (json_is_object(json_object_get(obj, "aggregationRule"))) {
			json_t *sel;
			size_t j;
			json_array_foreach(json_object_get(json_object_get(obj, "aggregationRule"), "clusterRoleSelectors"), j, sel) {
				const char *lk;
				json_t *lv;
				size_t off = (size_t)snprintf(buf, sizeof(buf), "aggregate:");
				json_object_foreach(json_object_get(sel, "matchLabels"), lk, lv) {
					int n = snprintf(buf + off, sizeof(buf) - off, "%s%s=%s",
						off > 10 ? "," : "", lk, json_string_value(lv) ? json_string_value(lv) : "");
					if (n < 0 || (size_t)n >= sizeof(buf) - off)
						break;
					off += (size_t)n;
				}
				item(items, buf, json_array());
			}
		}
		break;
	case RD_RB:
	case RD_CRB: {
		json_t *ref = json_object_get(obj, "roleRef"), *role;
		const char *rn = rd_jstr(ref, "name");
		int builtin;
		if (ref) {
			tags = json_array();
			snprintf(buf, sizeof(buf), "roleRef:%s/%s", rd_jstr(ref, "kind") ? rd_jstr(ref, "kind") : "?",
				rn ? rn : "?");
			if (rn && rd_jstr(ref, "kind") && strcmp(rd_jstr(ref, "kind"), "ClusterRole") == 0 &&
			    (strcmp(rn, "cluster-admin") == 0 || strcmp(rn, "admin") == 0 || strcmp(rn, "edit") == 0))
				tag(tags, rn);
			else if ((role = rd_role_of(rd, obj, bns, &builtin)) != NULL) {
				json_t *d = role_dangers(role), *y;
				size_t j;
				json_array_foreach(d, j, y)
					tag(tags, json_string_value(y));
				json_decref(d);
				json_decref(role);
			}
			item(items, buf, tags);
		}
		json_array_foreach(json_object_get(obj, "subjects"), i, x) {
			const char *d;
			rd_subject_text(x, bns, buf, sizeof(buf));
			tags = json_array();
			if ((d = rd_subject_danger(rd_jstr(x, "kind"), rd_jstr(x, "name"), rd_jstr(x, "namespace"))) != NULL)
				tag(tags, d);
			item(items, buf, tags);
		}
		break;
	}
	case RD_AWSAUTH: {
		json_t *data = json_object_get(obj, "data");
		mapping_items(items, "role", "rolearn", rd_jstr(data, "mapRoles"));
		mapping_items(items, "user", "userarn", rd_jstr(data, "mapUsers"));
		mapping_items(items, "account", "", rd_jstr(data, "mapAccounts"));
		break;
	}
	case RD_ACCESS:
		if (rd_jstr(obj, "username")) {
			snprintf(buf, sizeof(buf), "username:%s", rd_jstr(obj, "username"));
			item(items, buf, json_array());
		}
		if (rd_jstr(obj, "type") && strcmp(rd_jstr(obj, "type"), "STANDARD") != 0) {
			snprintf(buf, sizeof(buf), "type:%s", rd_jstr(obj, "type"));
			item(items, buf, json_array());
		}
		json_array_foreach(json_object_get(obj, "kubernetesGroups"), i, x) {
			tags = json_array();
			if (json_string_value(x) && strcmp(json_string_value(x), "system:masters") == 0)
				tag(tags, "system:masters");
			snprintf(buf, sizeof(buf), "group:%s", json_string_value(x) ? json_string_value(x) : "?");
			item(items, buf, tags);
		}
		json_array_foreach(json_object_get(obj, "policies"), i, x) {
			const char *p = policy_short(rd_jstr(x, "policyArn"));
			json_t *scope = json_object_get(x, "accessScope");
			size_t off;
			tags = json_array();
			off = (size_t)snprintf(buf, sizeof(buf), "policy:%s@", p ? p : "?");
			if (off >= sizeof(buf))
				off = sizeof(buf) - 1;
			if (json_array_size(json_object_get(scope, "namespaces")))
				join(buf, sizeof(buf), &off, json_object_get(scope, "namespaces"), NULL);
			else
				snprintf(buf + off, sizeof(buf) - off, "cluster");
			if (p && strcmp(p, "AmazonEKSClusterAdminPolicy") == 0)
				tag(tags, "cluster-admin");
			else if (p && strcmp(p, "AmazonEKSAdminPolicy") == 0)
				tag(tags, "admin");
			else if (p && strcmp(p, "AmazonEKSEditPolicy") == 0)
				tag(tags, "edit");
			item(items, buf, tags);
		}
		break;
	case RD_NKINDS:
		break;
	}
	return items;
}

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

static int
item_in(json_t *items, const char *text)
{
	size_t i;
	json_t *p;

	json_array_foreach(items, i, p)
		if (strcmp(json_string_value(json_array_get(p, 0)), text) == 0)
			return 1;
	return 0;
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
		if (prevt && c->before_known && item_in(c->items_before, text))
			json_object_set(nw, text, prevt);
		else
			json_object_set_new(nw, text, json_pack("{s:I,s:b,s:i}", "t", (json_int_t)c->t,
				"exact", c->before_known && !item_in(c->items_before, text), "change", (int)c->seq));
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
		if (rb)
			snprintf(via, sizeof(via), "RoleBinding/%s/%s", bns ? bns : "", rd_jstr(json_object_get(b, "metadata"), "name") ?
				rd_jstr(json_object_get(b, "metadata"), "name") : "");
		else
			snprintf(via, sizeof(via), "ClusterRoleBinding/%s", rd_jstr(json_object_get(b, "metadata"), "name") ?
				rd_jstr(json_object_get(b, "metadata"), "name") : "");
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
				if (!item_in(c->items_after, json_string_value(json_array_get(p, 0))))
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
