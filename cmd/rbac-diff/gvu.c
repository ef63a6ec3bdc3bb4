/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rbac-diff: what a subject's bindings grant against what its requests
 * used (--granted-vs-used), and least-privilege RBAC from the uses
 * (--suggest).
 */
#include <stdlib.h>
#include <string.h>

#include "fe.h"
#include "rd.h"

struct grant {
	char via[600], role[600], rule_text[1024];
	const char *scope;
	char scope_buf[256];
	json_t *rule;
	long uses;
};

static int
subject_is(struct rd *rd, json_t *s, const char *bns, const char *who, const char *sa_ns, const char *sa_name)
{
	const char *kind = rd_jstr(s, "kind"), *name = rd_jstr(s, "name"), *ns = rd_jstr(s, "namespace");

	if (kind == NULL || name == NULL)
		return 0;
	if (strcmp(kind, "User") == 0)
		return strcmp(name, who) == 0 || json_object_get(rd->gvu_users, name) != NULL;
	if (strcmp(kind, "ServiceAccount") == 0)
		return sa_ns && strcmp(name, sa_name) == 0 && strcmp(ns ? ns : bns ? bns : "", sa_ns) == 0;
	if (strcmp(kind, "Group") == 0) {
		if (json_object_get(rd->groups, name))
			return 1;
		if (strcmp(who, "system:anonymous") == 0)
			return strcmp(name, "system:unauthenticated") == 0;
		if (strcmp(name, "system:authenticated") == 0)
			return 1;
		if (sa_ns) {
			char g[600];
			snprintf(g, sizeof(g), "system:serviceaccounts:%s", sa_ns);
			return strcmp(name, "system:serviceaccounts") == 0 || strcmp(name, g) == 0;
		}
	}
	return 0;
}

/* A small YAML writer for the objects --suggest builds: maps in block
 * style, lists of scalars in flow style, strings JSON-quoted (so always
 * valid YAML and escaped). */
static void
yaml_map(json_t *o, int indent, int dash)
{
	const char *k;
	json_t *v;
	int first = 1;

	json_object_foreach(o, k, v) {
		if (first && dash)
			printf("%*s- ", indent - 2, "");
		else
			printf("%*s", indent, "");
		first = 0;
		printf("%s:", k);
		if (json_is_object(v)) {
			putchar('\n');
			yaml_map(v, indent + 2, 0);
		} else if (json_is_array(v) && json_is_object(json_array_get(v, 0))) {
			size_t i;
			json_t *x;
			putchar('\n');
			json_array_foreach(v, i, x)
				yaml_map(x, indent + 2, 1);
		} else if (json_is_array(v)) {
			size_t i;
			json_t *x;
			printf(" [");
			json_array_foreach(v, i, x) {
				if (i)
					printf(", ");
				json_dumpf(x, stdout, JSON_ENCODE_ANY | JSON_ENSURE_ASCII);
			}
			printf("]\n");
		} else {
			putchar(' ');
			json_dumpf(v, stdout, JSON_ENCODE_ANY | JSON_ENSURE_ASCII);
			putchar('\n');
		}
	}
}

static void
suggest(struct rd *rd, const char **ukeys, size_t nu, const char *who, const char *sa_ns, const char *sa_name)
{
	/* One role per namespace ("" = cluster-wide), rules merged by (group, resource). */
	json_t *roles = json_object(), *r, *rules;
	const char *ns;
	size_t i;

	for (i = 0; i < nu; i++) {
		char buf[1024], *f[4], *p;
		int k = 0;
		json_t *u = json_object_get(rd->used, ukeys[i]);
		char rk[600];
		if (json_integer_value(json_object_get(u, "ok")) == 0)
			continue;
		snprintf(buf, sizeof(buf), "%s", ukeys[i]);
		for (p = buf; k < 4; k++) {
			f[k] = p;
			p = strchr(p, '\t');
			if (p == NULL)
				break;
			*p++ = '\0';
		}
		if (k < 3)
			continue;
		if ((r = json_object_get(roles, f[3])) == NULL) {
			r = json_object();
			json_object_set_new(roles, f[3], r);
		}
		if (f[2][0] == '/')
			snprintf(rk, sizeof(rk), "url\t%s", f[2]);
		else
			snprintf(rk, sizeof(rk), "%s\t%s", f[1], f[2]);
		if ((rules = json_object_get(r, rk)) == NULL) {
			rules = json_array();
			json_object_set_new(r, rk, rules);
		}
		{
			size_t j;
			json_t *x;
			int have = 0;
			json_array_foreach(rules, j, x)
				if (strcmp(json_string_value(x), f[0]) == 0)
					have = 1;
			if (!have)
				json_array_append_new(rules, json_string(f[0]));
		}
	}
	if (!rd->json) {
		printf("# least-privilege RBAC for ");
		fe_put(stdout, who);
		printf(", from the requests that succeeded in the logs\n");
	}
	for (i = 0; i < nu && !rd->json; i++) {
		json_t *u = json_object_get(rd->used, ukeys[i]);
		char buf[1024], *f[4] = { NULL, NULL, NULL, NULL }, *p;
		int k;
		if (json_integer_value(json_object_get(u, "ok")) != 0)
			continue;
		snprintf(buf, sizeof(buf), "%s", ukeys[i]);
		for (p = buf, k = 0; k < 4 && p; k++) {
			f[k] = p;
			if ((p = strchr(p, '\t')) != NULL)
				*p++ = '\0';
		}
		if (f[3] == NULL)
			continue;
		printf("# denied, not included: ");
		fe_put(stdout, f[0]);
		putchar(' ');
		fe_put(stdout, f[2]);
		if (f[1][0]) {
			putchar('.');
			fe_put(stdout, f[1]);
		}
		if (f[3][0]) {
			printf(" in ");
			fe_put(stdout, f[3]);
		} else
			printf(" cluster-wide");
		printf(" (%lld times)\n", (long long)json_integer_value(json_object_get(u, "denied")));
	}
	{
		size_t nr, j;
		const char **rkeys = rd_sorted_keys(roles, &nr);
		json_t *items = json_array();
		for (j = 0; j < nr; j++) {
			size_t nrules, m;
			const char **rulekeys;
			int cluster = rkeys[j][0] == '\0';
			char name[700];
			json_t *role, *binding, *md, *rl = json_array(), *merged = json_object(), *vv, *x, *subj, *subjects;
			const char *rk2;
			ns = rkeys[j];
			r = json_object_get(roles, ns);
			snprintf(name, sizeof(name), "rbac-diff:%.240s", who);
			{ /* a valid object name: no '/' or '%' */
				char *q;
				for (q = name; *q; q++)
					if (*q == '/' || *q == '%')
						*q = '-';
			}
			/* Merge rules that share the API group and the verbs. */
			json_object_foreach(r, rk2, vv) {
				const char *tabp = strchr(rk2, '\t');
				struct rd_sb key = { 0 };
				size_t v;
				json_t *list;
				char grp[300];
				snprintf(grp, sizeof(grp), "%.*s", (int)(tabp - rk2), rk2);
				rd_sb_add(&key, grp);
				rd_sb_add(&key, "\t");
				json_array_foreach(vv, v, x) {
					if (v)
						rd_sb_add(&key, ",");
					rd_sb_add(&key, json_string_value(x));
				}
				if ((list = json_object_get(merged, rd_sb_str(&key))) == NULL) {
					list = json_array();
					json_object_set_new(merged, rd_sb_str(&key), list);
				}
				json_array_append_new(list, json_string(tabp + 1));
				free(key.s);
			}
			rulekeys = rd_sorted_keys(merged, &nrules);
			for (m = 0; m < nrules; m++) {
				const char *tabp = strchr(rulekeys[m], '\t'), *vp;
				json_t *rule = json_object(), *verbs = json_array();
				char grp[300], verb[128];
				snprintf(grp, sizeof(grp), "%.*s", (int)(tabp - rulekeys[m]), rulekeys[m]);
				if (strcmp(grp, "url") == 0)
					json_object_set(rule, "nonResourceURLs", json_object_get(merged, rulekeys[m]));
				else {
					json_object_set_new(rule, "apiGroups", json_pack("[s]", grp));
					json_object_set(rule, "resources", json_object_get(merged, rulekeys[m]));
				}
				for (vp = tabp + 1; *vp;) {
					size_t n = strcspn(vp, ",");
					snprintf(verb, sizeof(verb), "%.*s", (int)n, vp);
					json_array_append_new(verbs, json_string(verb));
					vp += n;
					if (*vp == ',')
						vp++;
				}
				json_object_set_new(rule, "verbs", verbs);
				json_array_append_new(rl, rule);
			}
			free((void *)rulekeys);
			json_decref(merged);
			md = json_object();
			rd_set_str(md, "name", name);
			if (!cluster)
				rd_set_str(md, "namespace", ns);
			role = json_pack("{s:s,s:s,s:O,s:o}", "apiVersion", "rbac.authorization.k8s.io/v1",
				"kind", cluster ? "ClusterRole" : "Role", "metadata", md, "rules", rl);
			subjects = json_array();
			if (sa_ns)
				json_array_append_new(subjects, json_pack("{s:s,s:s,s:s}", "kind", "ServiceAccount",
					"name", sa_name, "namespace", sa_ns));
			else if (strncmp(who, "arn:", 4) == 0 && json_object_size(rd->gvu_users)) {
				/* an IAM principal: the user names its sessions had */
				size_t nn, q;
				const char **names = rd_sorted_keys(rd->gvu_users, &nn);
				for (q = 0; q < nn; q++) {
					subj = json_pack("{s:s,s:s}", "apiGroup", "rbac.authorization.k8s.io", "kind", "User");
					rd_set_str(subj, "name", names[q]);
					json_array_append_new(subjects, subj);
				}
				free((void *)names);
			} else {
				subj = json_pack("{s:s,s:s}", "apiGroup", "rbac.authorization.k8s.io", "kind", "User");
				rd_set_str(subj, "name", who);
				json_array_append_new(subjects, subj);
			}
			binding = json_pack("{s:s,s:s,s:o,s:{s:s,s:s,s:s},s:o}", "apiVersion", "rbac.authorization.k8s.io/v1",
				"kind", cluster ? "ClusterRoleBinding" : "RoleBinding", "metadata", md,
				"roleRef", "apiGroup", "rbac.authorization.k8s.io", "kind", cluster ? "ClusterRole" : "Role",
				"name", name, "subjects", subjects);
			json_array_append_new(items, role);
			json_array_append_new(items, binding);
		}
		free((void *)rkeys);
		if (rd->json) {
			json_t *list = json_pack("{s:s,s:s,s:o}", "apiVersion", "v1", "kind", "List", "items", items);
			rd_json_line(list);
			json_decref(list);
		} else {
			json_t *it;
			json_array_foreach(items, j, it) {
				printf("---\n");
				yaml_map(it, 0, 0);
			}
			json_decref(items);
		}
	}
	json_decref(roles);
}

/* What an IAM principal gets outside RBAC: its aws-auth mappings and its
 * EKS access entry (groups, access policies). */
static void
iam_grants(struct rd *rd, const char *arn)
{
	const char *k;
	json_t *o;

	json_object_foreach(rd->state, k, o) {
		struct rd_change *c;
		json_t *items, *p;
		size_t j;
		char via[700];
		if (!json_is_object(o))
			continue;
		c = rd->ch[json_integer_value(json_object_get(rd->last, k))];
		if (c->kind == RD_ACCESS && (c->name == NULL || strcmp(c->name, arn) != 0))
			continue;
		if (c->kind != RD_ACCESS && c->kind != RD_AWSAUTH)
			continue;
		snprintf(via, sizeof(via), "%s/%s/%s", rd_kind_name(c->kind), c->ns ? c->ns : "", c->name ? c->name : "");
		items = rd_items(rd, c->kind, o);
		json_array_foreach(items, j, p) {
			const char *t = json_string_value(json_array_get(p, 0)), *why = json_string_value(json_array_get(p, 1));
			json_t *d = json_array();
			if (c->kind == RD_AWSAUTH) { /* role:ARN->user[groups] or user:ARN->... */
				const char *colon = strchr(t, ':'), *arrow = strstr(t, "->");
				if (colon == NULL || arrow == NULL || (size_t)(arrow - colon - 1) != strlen(arn) ||
				    strncmp(colon + 1, arn, strlen(arn)) != 0) {
					json_decref(d);
					continue;
				}
			}
			if (why)
				rd_add_tags(d, why);
			if (rd->json) {
				json_t *row = json_pack("{s:s,s:s,s:s,s:s,s:s,s:O}", "what", "granted", "via", via,
					"role", c->kind == RD_ACCESS ? "(EKS access entry)" : "(aws-auth mapping)",
					"scope", "*", "rule", t, "dangerous", d);
				rd_json_line(row);
				json_decref(row);
			} else {
				struct rd_sb tg = { 0 };
				rd_tags_text(d, NULL, &tg);
				printf("granted\t");
				rd_cell(via), rd_tab(), rd_cell(c->kind == RD_ACCESS ? "(EKS access entry)" : "(aws-auth mapping)");
				rd_tab(), rd_cell("*"), rd_tab(), rd_cell(t), rd_tab(), rd_cell(rd_sb_str(&tg)), rd_tab(), rd_cell("-"), rd_tab(), rd_cell("-");
				rd_tab(), rd_cell("-");
				fputc('\n', stdout);
				free(tg.s);
			}
			json_decref(d);
		}
		json_decref(items);
	}
}

int
rd_report_gvu(struct rd *rd)
{
	const char *who = rd->gvu;
	char sa_ns[256] = "", sa_name[256] = "";
	struct grant *g = NULL;
	size_t ng = 0, n, i, nu;
	const char **keys, **ukeys;
	int masters;

	if (strncmp(who, "system:serviceaccount:", 22) == 0) {
		const char *p = who + 22, *colon = strchr(p, ':');
		if (colon) {
			snprintf(sa_ns, sizeof(sa_ns), "%.*s", (int)(colon - p), p);
			snprintf(sa_name, sizeof(sa_name), "%s", colon + 1);
		}
	}
	rd_replay(rd, rd->has_at ? rd->at : INT64_MAX);
	masters = json_object_get(rd->groups, "system:masters") != NULL;
	keys = rd_sorted_keys(rd->state, &n);
	for (i = 0; i < n; i++) {
		json_t *b = json_object_get(rd->state, keys[i]), *role, *s, *rule;
		int bk = rd_binding_kind(keys[i]), builtin, match = 0;
		struct rd_change *c;
		size_t j;

		if (bk < 0 || !json_is_object(b))
			continue;
		c = rd->ch[json_integer_value(json_object_get(rd->last, keys[i]))];
		json_array_foreach(json_object_get(b, "subjects"), j, s)
			if (subject_is(rd, s, c->ns, who, sa_ns[0] ? sa_ns : NULL, sa_name))
				match = 1;
		if (!match || (role = rd_role_of(rd, b, c->ns, &builtin)) == NULL)
			continue;
		json_array_foreach(json_object_get(role, "rules"), j, rule) {
			struct grant *ngp = realloc(g, (ng + 1) * sizeof(*g));
			if (ngp == NULL)
				break;
			g = ngp;
			memset(&g[ng], 0, sizeof(g[ng]));
			if (bk == RD_RB)
				snprintf(g[ng].via, sizeof(g[ng].via), "RoleBinding/%s/%s", c->ns ? c->ns : "", c->name ? c->name : "");
			else
				snprintf(g[ng].via, sizeof(g[ng].via), "ClusterRoleBinding/%s", c->name ? c->name : "");
			snprintf(g[ng].role, sizeof(g[ng].role), "%s/%s%s", rd_jstr(json_object_get(b, "roleRef"), "kind"),
				rd_jstr(json_object_get(b, "roleRef"), "name"), builtin ? " (built-in)" : "");
			snprintf(g[ng].scope_buf, sizeof(g[ng].scope_buf), "%s", bk == RD_RB && c->ns ? c->ns : "*");
			g[ng].scope = g[ng].scope_buf;
			g[ng].rule = json_incref(rule);
			rd_rule_text(rule, g[ng].rule_text, sizeof(g[ng].rule_text));
			ng++;
		}
		json_decref(role);
	}
	free((void *)keys);
	for (i = 0; i < ng; i++) /* g moved while it grew */
		g[i].scope = g[i].scope_buf;
	ukeys = rd_sorted_keys(rd->used, &nu);
	if (rd->suggest) {
		suggest(rd, ukeys, nu, who, sa_ns[0] ? sa_ns : NULL, sa_name);
		goto out;
	}
	if (rd->header && !rd->json)
		puts("what\tverb|via\tresource|role\tnamespace|scope\tallowed|rule\tdenied|dangerous\tfirst|uses\tlast\tgranted by");
	/* Uses first (they decide which grants are used), printed after grants. */
	{
		char **cover = calloc(nu ? nu : 1, sizeof(*cover));
		for (i = 0; i < nu; i++) {
			char buf[1024], *f[4] = { NULL, NULL, NULL, NULL }, *p;
			int k;
			size_t j;
			snprintf(buf, sizeof(buf), "%s", ukeys[i]);
			for (p = buf, k = 0; k < 4 && p; k++) {
				f[k] = p;
				if ((p = strchr(p, '\t')) != NULL)
					*p++ = '\0';
			}
			if (f[3] == NULL)
				continue;
			for (j = 0; j < ng; j++) {
				int url = f[2][0] == '/';
				if ((strcmp(g[j].scope, "*") == 0 || strcmp(g[j].scope, f[3]) == 0) &&
				    rd_rule_matches(g[j].rule, f[0], f[1], 0, url ? NULL : f[2], url ? f[2] : NULL)) {
					g[j].uses++;
					if (cover && cover[i] == NULL)
						cover[i] = g[j].via;
				}
			}
		}
		for (i = 0; i < ng; i++) {
			json_t *d = rd_rule_dangers(g[i].rule);
			struct rd_sb tg = { 0 };
			char uses[64];
			rd_tags_text(d, NULL, &tg);
			snprintf(uses, sizeof(uses), "%ld", g[i].uses);
			if (rd->json) {
				json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:O,s:I}", "what", "granted", "via", g[i].via,
					"role", g[i].role, "scope", g[i].scope, "rule", g[i].rule_text, "dangerous", d,
					"uses", (json_int_t)g[i].uses);
				rd_json_line(o);
				json_decref(o);
			} else {
				printf("%s\t", g[i].uses ? "granted" : "unused");
				rd_cell(g[i].via), rd_tab(), rd_cell(g[i].role), rd_tab(), rd_cell(g[i].scope), rd_tab();
				rd_cell(g[i].rule_text), rd_tab(), rd_cell(rd_sb_str(&tg)), rd_tab(), rd_cell(uses), rd_tab(), rd_cell("-"), rd_tab();
				rd_cell("-");
				fputc('\n', stdout);
			}
			free(tg.s);
			json_decref(d);
		}
		if (strncmp(who, "arn:", 4) == 0)
			iam_grants(rd, who);
		for (i = 0; i < nu; i++) {
			json_t *u = json_object_get(rd->used, ukeys[i]);
			char buf[1024], *f[4] = { NULL, NULL, NULL, NULL }, *p, res[800];
			int k;
			snprintf(buf, sizeof(buf), "%s", ukeys[i]);
			for (p = buf, k = 0; k < 4 && p; k++) {
				f[k] = p;
				if ((p = strchr(p, '\t')) != NULL)
					*p++ = '\0';
			}
			if (f[3] == NULL)
				continue;
			if (f[1][0])
				snprintf(res, sizeof(res), "%s.%s", f[2], f[1]);
			else
				snprintf(res, sizeof(res), "%s", f[2]);
			if (rd->json) {
				json_t *o = json_object();
				rd_set_str(o, "what", "used");
				rd_set_str(o, "verb", f[0]);
				rd_set_str(o, "resource", res);
				rd_set_str(o, "namespace", f[3]);
				json_object_set(o, "allowed", json_object_get(u, "ok"));
				json_object_set(o, "denied", json_object_get(u, "denied"));
				rd_set_time(o, "first", json_integer_value(json_object_get(u, "first")));
				rd_set_time(o, "last", json_integer_value(json_object_get(u, "last")));
				rd_set_str(o, "granted_by", cover && cover[i] ? cover[i] : masters ? "system:masters" : NULL);
				rd_set_str(o, "authorizer_named", rd_jstr(u, "observed"));
				rd_json_line(o);
				json_decref(o);
			} else {
				printf("used\t");
				rd_cell(f[0]), rd_tab(), rd_cell(res), rd_tab(), rd_cell(f[3][0] ? f[3] : "*"), rd_tab();
				printf("%lld\t%lld\t", (long long)json_integer_value(json_object_get(u, "ok")),
					(long long)json_integer_value(json_object_get(u, "denied")));
				rd_put_time(stdout, json_integer_value(json_object_get(u, "first")));
				rd_tab();
				rd_put_time(stdout, json_integer_value(json_object_get(u, "last")));
				rd_tab();
				if (cover && cover[i])
					rd_cell(cover[i]);
				else if (rd_jstr(u, "observed")) {
					char ob[600];
					snprintf(ob, sizeof(ob), "(observed) %s", rd_jstr(u, "observed"));
					rd_cell(ob);
				} else
					rd_cell(masters ? "system:masters" : "(no grant seen)");
				fputc('\n', stdout);
			}
		}
		free((void *)cover);
	}
out:
	for (i = 0; i < ng; i++)
		json_decref(g[i].rule);
	free(g);
	free((void *)ukeys);
	return (ng || nu) ? FE_EXIT_OK : FE_EXIT_NONE;
}
