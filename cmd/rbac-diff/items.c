/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rbac-diff: what an object grants, as items (a binding's roleRef and
 * subjects, a role's rules, aws-auth mappings, an access entry's parts),
 * each with the dangerous permissions it carries; and the RBAC rule
 * matching the questions use.
 */
#include <stdlib.h>
#include <string.h>

#include "fe.h"
#include "rd.h"

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

	if (!rd_list_has(verbs, "*") && !rd_list_has(verbs, verb))
		return 0;
	if (url)
		return url_matches(rule, url);
	if (!any_group && !rd_list_has(json_object_get(rule, "apiGroups"), "*") &&
	    !rd_list_has(json_object_get(rule, "apiGroups"), group ? group : ""))
		return 0;
	if (any_group && json_array_size(json_object_get(rule, "apiGroups")) == 0)
		return 0;
	return resource_matches(rule, resource);
}

static void
tag(json_t *tags, const char *t)
{
	if (!rd_list_has(tags, t))
		json_array_append_new(tags, json_string(t));
}

/* Which dangerous permissions a rule grants (a JSON array of tags). */
json_t *
rd_rule_dangers(json_t *rule)
{
	json_t *tags = json_array();
	json_t *v = json_object_get(rule, "verbs"), *r = json_object_get(rule, "resources");
	int anyv = rd_list_has(v, "*"), anyr = rd_list_has(r, "*");
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
		if (anyv && rd_list_has(json_object_get(rule, "nonResourceURLs"), "*"))
			tag(tags, "wildcard");
		return tags;
	}
	if (anyv || anyr || rd_list_has(json_object_get(rule, "apiGroups"), "*"))
		tag(tags, "wildcard");
	if (anyv && anyr)
		return tags;
	for (i = 0; special[i]; i++)
		if (rd_list_has(v, special[i]) || (anyv && anyr))
			tag(tags, special[i]);
	for (i = 0; i < sizeof(d) / sizeof(d[0]); i++) {
		int res = anyr || rd_list_has(r, d[i].res);
		char star[32];
		if (!res && d[i].sub) {
			snprintf(star, sizeof(star), "*%s", d[i].sub);
			res = rd_list_has(r, star);
		}
		if (!res)
			continue;
		if (anyv) {
			tag(tags, d[i].tag);
			continue;
		}
		for (j = 0; j < 4 && d[i].verbs[j]; j++)
			if (rd_list_has(v, d[i].verbs[j])) {
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

/* A rule as an item writes it: rule:GROUPS:RESOURCES[NAMES]:VERBS. */
void
rd_rule_text(json_t *rule, char *out, size_t outsz)
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

/* An aws-auth entry as an item: role:ARN->USERNAME[GROUPS] (user: for
 * mapUsers), account:ID; what does not take effect in parentheses. */
void
rd_mapping_text(const struct fe_aa_entry *e, char *buf, size_t bufsz)
{
	static const char *const what[FE_AA_NLISTS] = { "role", "user", "account" };
	size_t off, i;
	int n;

	if (e->list == FE_AA_ACCOUNTS)
		n = snprintf(buf, bufsz, "account:%s", e->arn ? e->arn : "?");
	else
		n = snprintf(buf, bufsz, "%s:%s->%s[", what[e->list], e->arn ? e->arn : "?", e->username ? e->username : "");
	off = n < 0 ? 0 : (size_t)n < bufsz ? (size_t)n : bufsz - 1;
	for (i = 0; e->list != FE_AA_ACCOUNTS && i < e->ngroups && off + 1 < bufsz; i++) {
		n = snprintf(buf + off, bufsz - off, "%s%s", i ? "," : "", e->groups[i] ? e->groups[i] : "?");
		off = n < 0 || (size_t)n >= bufsz - off ? bufsz - 1 : off + (size_t)n;
	}
	if (e->list != FE_AA_ACCOUNTS && off + 1 < bufsz)
		buf[off++] = ']', buf[off] = '\0';
	if (e->why)
		snprintf(buf + off, bufsz - off, " (%s%s)", e->in_effect ? "" : "not in effect: ", e->why);
}

/* The items of aws-auth: its entries, and a list none of which takes effect. */
static void
mapping_items(json_t *items, json_t *cm)
{
	struct fe_awsauth aa;
	char buf[1024];
	size_t i;
	int l;

	fe_awsauth_read(&aa, json_object_get(cm, "data"));
	for (l = 0; l < FE_AA_NLISTS; l++)
		if (aa.why[l]) {
			snprintf(buf, sizeof(buf), "%s (not in effect: %s)", fe_aa_list_name((enum fe_aa_list)l), aa.why[l]);
			item(items, buf, json_array());
		}
	for (i = 0; i < aa.n; i++) {
		json_t *tags = json_array();
		if (fe_aa_masters(&aa.e[i]))
			tag(tags, "system:masters");
		rd_mapping_text(&aa.e[i], buf, sizeof(buf));
		item(items, buf, tags);
	}
	fe_awsauth_free(&aa);
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
			rd_rule_text(x, buf, sizeof(buf));
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
	case RD_AWSAUTH:
		mapping_items(items, obj);
		break;
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

/* Whether an item list holds an item of this text. */
int
rd_item_in(json_t *items, const char *text)
{
	size_t i;
	json_t *p;

	json_array_foreach(items, i, p)
		if (strcmp(json_string_value(json_array_get(p, 0)), text) == 0)
			return 1;
	return 0;
}
