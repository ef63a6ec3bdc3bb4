/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rbac-diff: what a subject's bindings grant against what its requests
 * used (--granted-vs-used), and least-privilege RBAC from the uses
 * (--suggest).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "fe.h"
#include "rd.h"

/* One rule a binding of the subject grants. */
struct grant {
	char via[600], role[600], rule_text[1024], scope[256];
	json_t *rule;
	long uses; /* how many kinds of use it covers */
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

/* A scalar as JSON (quoted and escaped), into the row. */
static void
yaml_scalar(json_t *v)
{
	char *s = fe_json_dumps(v, JSON_ENCODE_ANY | JSON_ENSURE_ASCII);

	if (s == NULL)
		return; /* noted: the row is not written */
	rd_text(s);
	free(s);
}

/* A small YAML writer for the objects --suggest builds: maps in block
 * style, lists of scalars in flow style, strings JSON-quoted (so always
 * valid YAML and escaped).  Written into the row (rd_text). */
static void
yaml_map(json_t *o, int indent, int dash)
{
	const char *k;
	json_t *v;
	int first = 1;

	json_object_foreach(o, k, v) {
		if (first && dash)
			rd_printf("%*s- ", indent - 2, "");
		else
			rd_printf("%*s", indent, "");
		first = 0;
		rd_printf("%s:", k);
		if (json_is_object(v)) {
			rd_text("\n");
			yaml_map(v, indent + 2, 0);
		} else if (json_is_array(v) && json_is_object(json_array_get(v, 0))) {
			size_t i;
			json_t *x;
			rd_text("\n");
			json_array_foreach(v, i, x)
				yaml_map(x, indent + 2, 1);
		} else if (json_is_array(v)) {
			size_t i;
			json_t *x;
			rd_text(" [");
			json_array_foreach(v, i, x) {
				if (i)
					rd_text(", ");
				yaml_scalar(x);
			}
			rd_text("]\n");
		} else {
			rd_text(" ");
			yaml_scalar(v);
			rd_text("\n");
		}
	}
}

/* --suggest: what a namespace's role ("" for the cluster role) must allow
 * on one resource or URL, and the rules it merges into. */
struct target {
	const struct rd_use *use; /* the first use: its ns, group, resource */
	json_t *verbs;            /* in the uses' order */
	struct rd_sb verbs_text;  /* joined with ',' */
};
struct srule {
	const struct target *first; /* its group, and verbs */
	json_t *resources;
};

static int
url_use(const struct rd_use *u)
{
	return u->resource[0] == '/';
}

/* Rules sort by API group ("url" for non-resource URLs), then verbs. */
static int
srule_cmp(const void *a, const void *b)
{
	const struct target *x = ((const struct srule *)a)->first, *y = ((const struct srule *)b)->first;
	int c = strcmp(url_use(x->use) ? "url" : x->use->group, url_use(y->use) ? "url" : y->use->group);

	return c ? c : strcmp(rd_sb_str(&x->verbs_text), rd_sb_str(&y->verbs_text));
}

static int
str_ptr_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The allowed uses gathered per (namespace, group, resource or URL). */
static struct target *
targets_of(struct rd *rd, size_t *nt)
{
	struct target *t = calloc(rd->nuses ? rd->nuses : 1, sizeof(*t));
	json_t *index = json_object(), *at;
	size_t i, n = 0;

	for (i = 0; t && i < rd->nuses; i++) {
		const struct rd_use *u = &rd->uses[i];
		char *k;
		if (u->ok == 0)
			continue;
		if (asprintf(&k, "%zu:%s%zu:%s%s", strlen(u->ns), u->ns, strlen(u->group), u->group, u->resource) < 0) {
			fe_nomem_note();
			break;
		}
		if ((at = json_object_get(index, k)) == NULL) {
			json_object_set_new(index, k, json_integer((json_int_t)n));
			t[n].use = u;
			t[n].verbs = json_array();
			at = json_object_get(index, k);
			n++;
		}
		free(k);
		if (at == NULL)
			break; /* out of memory: noted */
		{
			struct target *x = &t[json_integer_value(at)];
			if (json_array_size(x->verbs))
				rd_sb_add(&x->verbs_text, ",");
			rd_sb_add(&x->verbs_text, u->verb);
			json_array_append_new(x->verbs, json_string(u->verb));
		}
	}
	json_decref(index);
	if (t == NULL)
		fe_nomem_note();
	*nt = n;
	return t;
}

/* The rules of one namespace's role: targets that share the group and the
 * verbs are one rule. */
static json_t *
rules_of(struct target *t, size_t nt, const char *ns)
{
	struct srule *r = calloc(nt ? nt : 1, sizeof(*r));
	json_t *out = json_array();
	size_t i, j, nr = 0;

	if (r == NULL)
		fe_nomem_note();
	for (i = 0; r && i < nt; i++) {
		if (strcmp(t[i].use->ns, ns) != 0)
			continue;
		for (j = 0; j < nr; j++)
			if (url_use(r[j].first->use) == url_use(t[i].use) &&
			    strcmp(r[j].first->use->group, t[i].use->group) == 0 &&
			    strcmp(rd_sb_str(&t[i].verbs_text), rd_sb_str(&r[j].first->verbs_text)) == 0)
				break;
		if (j == nr) {
			r[nr].first = &t[i];
			r[nr++].resources = json_array();
		}
		json_array_append_new(r[j].resources, json_string(t[i].use->resource));
	}
	if (nr)
		qsort(r, nr, sizeof(*r), srule_cmp);
	for (j = 0; j < nr; j++) {
		const struct rd_use *u = r[j].first->use;
		json_t *rule = json_object();
		if (url_use(u))
			json_object_set_new(rule, "nonResourceURLs", r[j].resources);
		else {
			json_object_set_new(rule, "apiGroups", json_pack("[s]", u->group));
			json_object_set_new(rule, "resources", r[j].resources);
		}
		json_object_set(rule, "verbs", r[j].first->verbs);
		json_array_append_new(out, rule);
	}
	free(r);
	return out;
}

/* Who the binding names: the service account, the user names an IAM
 * principal's sessions had, or the user. */
static json_t *
suggest_subjects(struct rd *rd, const char *who, const char *sa_ns, const char *sa_name)
{
	json_t *subjects = json_array(), *subj;
	const char **names = NULL;
	size_t nn = 1, q;

	if (sa_ns) {
		json_array_append_new(subjects, json_pack("{s:s,s:s,s:s}", "kind", "ServiceAccount", "name", sa_name,
			"namespace", sa_ns));
		return subjects;
	}
	if (strncmp(who, "arn:", 4) == 0 && json_object_size(rd->gvu_users))
		names = rd_sorted_keys(rd->gvu_users, &nn);
	for (q = 0; q < nn; q++) {
		subj = json_pack("{s:s,s:s}", "apiGroup", "rbac.authorization.k8s.io", "kind", "User");
		rd_set_str(subj, "name", names ? names[q] : who);
		json_array_append_new(subjects, subj);
	}
	free((void *)names);
	return subjects;
}

static void
suggest_denied(struct rd *rd)
{
	size_t i;

	for (i = 0; i < rd->nuses; i++) {
		const struct rd_use *u = &rd->uses[i];
		if (u->ok != 0)
			continue;
		rd_text("# denied, not included: ");
		rd_cell(u->verb);
		rd_text(" ");
		rd_cell(u->resource);
		if (u->group[0]) {
			rd_text(".");
			rd_cell(u->group);
		}
		if (u->ns[0]) {
			rd_text(" in ");
			rd_cell(u->ns);
		} else
			rd_text(" cluster-wide");
		rd_printf(" (%ld times)", u->denied);
		rd_row_end();
	}
}

/* A Role and RoleBinding per namespace, a ClusterRole and
 * ClusterRoleBinding for cluster-wide and non-resource requests. */
static void
suggest(struct rd *rd, const char *who, const char *sa_ns, const char *sa_name)
{
	size_t nt, i, nns = 0;
	struct target *t = targets_of(rd, &nt);
	const char **nss = calloc(nt ? nt : 1, sizeof(*nss));
	json_t *items = json_array(), *it;
	char name[700], *q;

	if (nss == NULL)
		fe_nomem_note();
	if (!rd->json) {
		rd_text("# least-privilege RBAC for ");
		rd_cell(who);
		rd_text(", from the requests that succeeded in the logs");
		rd_row_end();
		suggest_denied(rd);
	}
	for (i = 0; nss && i < nt; i++)
		if (nns == 0 || strcmp(nss[nns - 1], t[i].use->ns) != 0)
			nss[nns++] = t[i].use->ns;
	if (nns)
		qsort(nss, nns, sizeof(*nss), str_ptr_cmp);
	snprintf(name, sizeof(name), "rbac-diff:%.240s", who);
	for (q = name; *q; q++) /* a valid object name: no '/' or '%' */
		if (*q == '/' || *q == '%')
			*q = '-';
	for (i = 0; i < nns; i++) {
		int cluster = nss[i][0] == '\0';
		json_t *md;
		if (i && strcmp(nss[i], nss[i - 1]) == 0)
			continue; /* a namespace once (the list is sorted) */
		md = json_object();
		rd_set_str(md, "name", name);
		if (!cluster)
			rd_set_str(md, "namespace", nss[i]);
		json_array_append_new(items, json_pack("{s:s,s:s,s:O,s:o}", "apiVersion", "rbac.authorization.k8s.io/v1",
			"kind", cluster ? "ClusterRole" : "Role", "metadata", md, "rules", rules_of(t, nt, nss[i])));
		json_array_append_new(items, json_pack("{s:s,s:s,s:o,s:{s:s,s:s,s:s},s:o}",
			"apiVersion", "rbac.authorization.k8s.io/v1", "kind", cluster ? "ClusterRoleBinding" : "RoleBinding",
			"metadata", md, "roleRef", "apiGroup", "rbac.authorization.k8s.io",
			"kind", cluster ? "ClusterRole" : "Role", "name", name,
			"subjects", suggest_subjects(rd, who, sa_ns, sa_name)));
	}
	if (rd->json) {
		it = json_pack("{s:s,s:s,s:O}", "apiVersion", "v1", "kind", "List", "items", items);
		rd_json_line(it);
		json_decref(it);
	} else {
		/* a document is a row: written whole */
		json_array_foreach(items, i, it) {
			rd_text("---\n");
			yaml_map(it, 0, 0);
			fe_row_end();
		}
	}
	json_decref(items);
	for (i = 0; i < nt; i++) {
		json_decref(t[i].verbs);
		free(t[i].verbs_text.s);
	}
	free(t);
	free((void *)nss);
}

static void
print_iam_grant(struct rd *rd, const char *via, const char *role, const char *rule, const char *why)
{
	json_t *d = json_array();
	struct rd_sb tg = { 0 };

	if (why)
		rd_add_tags(d, why);
	if (rd->json) {
		json_t *row = json_pack("{s:s,s:s,s:s,s:s,s:s,s:O}", "what", "granted", "via", via, "role", role,
			"scope", "*", "rule", rule, "dangerous", d);
		rd_json_line(row);
		json_decref(row);
	} else {
		rd_tags_text(d, NULL, &tg);
		rd_text("granted\t");
		rd_cell(via), rd_tab(), rd_cell(role), rd_tab(), rd_cell("*"), rd_tab(), rd_cell(rule), rd_tab();
		rd_cell(rd_sb_str(&tg)), rd_tab(), rd_cell("-"), rd_tab(), rd_cell("-"), rd_tab(), rd_cell("-");
		rd_row_end();
		free(tg.s);
	}
	json_decref(d);
}

/* What an IAM principal gets outside RBAC: its aws-auth mappings (the
 * authenticator matches ARNs in any case) and its EKS access entry
 * (groups, access policies). */
static void
iam_grants(struct rd *rd, const char *arn)
{
	const char *k;
	json_t *o;

	json_object_foreach(rd->state, k, o) {
		struct rd_change *c;
		json_t *items, *p;
		size_t j;
		char via[700], text[1024];
		if (!json_is_object(o))
			continue;
		c = rd->ch[json_integer_value(json_object_get(rd->last, k))];
		snprintf(via, sizeof(via), "%s/%s/%s", rd_kind_name(c->kind), c->ns ? c->ns : "", c->name ? c->name : "");
		if (c->kind == RD_AWSAUTH) {
			struct fe_awsauth aa;
			fe_awsauth_read(&aa, json_object_get(o, "data"));
			for (j = 0; j < aa.n; j++) {
				if (aa.e[j].list == FE_AA_ACCOUNTS || aa.e[j].arn == NULL || strcasecmp(aa.e[j].arn, arn) != 0)
					continue;
				rd_mapping_text(&aa.e[j], text, sizeof(text));
				print_iam_grant(rd, via, "(aws-auth mapping)", text,
					fe_aa_masters(&aa.e[j]) ? "system:masters" : NULL);
			}
			fe_awsauth_free(&aa);
		}
		if (c->kind != RD_ACCESS || c->name == NULL || strcmp(c->name, arn) != 0)
			continue;
		items = rd_items(rd, c->kind, o);
		json_array_foreach(items, j, p)
			print_iam_grant(rd, via, "(EKS access entry)", json_string_value(json_array_get(p, 0)),
				json_string_value(json_array_get(p, 1)));
		json_decref(items);
	}
}

static int
use_cmp(const void *a, const void *b)
{
	const struct rd_use *x = a, *y = b;
	int c;

	if ((c = strcmp(x->verb, y->verb)) != 0 || (c = strcmp(x->group, y->group)) != 0 ||
	    (c = strcmp(x->resource, y->resource)) != 0)
		return c;
	return strcmp(x->ns, y->ns);
}

/* The rules of the bindings naming the subject, as known at that moment. */
static struct grant *
grants_of(struct rd *rd, const char *who, const char *sa_ns, const char *sa_name, size_t *ng)
{
	struct grant *g = NULL;
	size_t n, i, cap = 0;
	const char **keys = rd_sorted_keys(rd->state, &n);

	*ng = 0;
	for (i = 0; i < n; i++) {
		json_t *b = json_object_get(rd->state, keys[i]), *role, *s, *rule;
		int bk = rd_binding_kind(keys[i]), builtin, match = 0;
		struct rd_change *c;
		size_t j;

		if (bk < 0 || !json_is_object(b))
			continue;
		c = rd->ch[json_integer_value(json_object_get(rd->last, keys[i]))];
		json_array_foreach(json_object_get(b, "subjects"), j, s)
			if (subject_is(rd, s, c->ns, who, sa_ns, sa_name))
				match = 1;
		if (!match || (role = rd_role_of(rd, b, c->ns, &builtin)) == NULL)
			continue;
		json_array_foreach(json_object_get(role, "rules"), j, rule) {
			struct grant *x;
			if (*ng == cap && rd_grow((void **)&g, &cap, sizeof(*g)) != 0)
				break; /* noted */
			x = &g[(*ng)++];
			memset(x, 0, sizeof(*x));
			rd_binding_via(bk, c->ns, c->name, x->via, sizeof(x->via));
			snprintf(x->role, sizeof(x->role), "%s/%s%s", rd_jstr(json_object_get(b, "roleRef"), "kind"),
				rd_jstr(json_object_get(b, "roleRef"), "name"), builtin ? " (built-in)" : "");
			snprintf(x->scope, sizeof(x->scope), "%s", bk == RD_RB && c->ns ? c->ns : "*");
			x->rule = json_incref(rule);
			rd_rule_text(rule, x->rule_text, sizeof(x->rule_text));
		}
		json_decref(role);
	}
	free((void *)keys);
	return g;
}

/* Count the uses each grant covers; the first covering grant of each use. */
static const char **
cover_uses(struct rd *rd, struct grant *g, size_t ng)
{
	const char **cover = calloc(rd->nuses ? rd->nuses : 1, sizeof(*cover));
	size_t i, j;

	if (cover == NULL)
		fe_nomem_note(); /* a use would read as granted by nothing */

	for (i = 0; i < rd->nuses; i++) {
		const struct rd_use *u = &rd->uses[i];
		int url = url_use(u);
		for (j = 0; j < ng; j++) {
			if ((strcmp(g[j].scope, "*") == 0 || strcmp(g[j].scope, u->ns) == 0) &&
			    rd_rule_matches(g[j].rule, u->verb, u->group, 0, url ? NULL : u->resource, url ? u->resource : NULL)) {
				g[j].uses++;
				if (cover && cover[i] == NULL)
					cover[i] = g[j].via;
			}
		}
	}
	return cover;
}

static void
print_grant(struct rd *rd, const struct grant *g)
{
	json_t *d = rd_rule_dangers(g->rule);
	struct rd_sb tg = { 0 };
	char uses[64];

	rd_tags_text(d, NULL, &tg);
	snprintf(uses, sizeof(uses), "%ld", g->uses);
	if (rd->json) {
		json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:O,s:I}", "what", "granted", "via", g->via, "role", g->role,
			"scope", g->scope, "rule", g->rule_text, "dangerous", d, "uses", (json_int_t)g->uses);
		rd_json_line(o);
		json_decref(o);
	} else {
		rd_printf("%s\t", g->uses ? "granted" : "unused");
		rd_cell(g->via), rd_tab(), rd_cell(g->role), rd_tab(), rd_cell(g->scope), rd_tab();
		rd_cell(g->rule_text), rd_tab(), rd_cell(rd_sb_str(&tg)), rd_tab(), rd_cell(uses), rd_tab();
		rd_cell("-"), rd_tab(), rd_cell("-");
		rd_row_end();
	}
	free(tg.s);
	json_decref(d);
}

/* A use, and what granted it: the covering binding, else the binding the
 * authorizer named, else system:masters when the subject was in it. */
static void
print_use(struct rd *rd, const struct rd_use *u, const char *cover, int masters)
{
	char res[800];

	if (u->group[0])
		snprintf(res, sizeof(res), "%s.%s", u->resource, u->group);
	else
		snprintf(res, sizeof(res), "%s", u->resource);
	if (rd->json) {
		json_t *o = json_object();
		rd_set_str(o, "what", "used");
		rd_set_str(o, "verb", u->verb);
		rd_set_str(o, "resource", res);
		rd_set_str(o, "namespace", u->ns);
		json_object_set_new(o, "allowed", json_integer(u->ok));
		json_object_set_new(o, "denied", json_integer(u->denied));
		rd_set_time(o, "first", u->first);
		rd_set_time(o, "last", u->last);
		rd_set_str(o, "granted_by", cover ? cover : masters ? "system:masters" : NULL);
		rd_set_str(o, "authorizer_named", u->observed);
		rd_json_line(o);
		json_decref(o);
		return;
	}
	rd_text("used\t");
	rd_cell(u->verb), rd_tab(), rd_cell(res), rd_tab(), rd_cell(u->ns[0] ? u->ns : "*"), rd_tab();
	rd_printf("%ld\t%ld\t", u->ok, u->denied);
	rd_time(u->first);
	rd_tab();
	rd_time(u->last);
	rd_tab();
	if (cover)
		rd_cell(cover);
	else if (u->observed) {
		char ob[1300];
		snprintf(ob, sizeof(ob), "(observed) %s", u->observed);
		rd_cell(ob);
	} else
		rd_cell(masters ? "system:masters" : "(no grant seen)");
	rd_row_end();
}

int
rd_report_gvu(struct rd *rd)
{
	const char *who = rd->gvu, **cover;
	char sa_ns[256] = "", sa_name[256] = "";
	struct grant *g;
	size_t ng, i;
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
	g = grants_of(rd, who, sa_ns[0] ? sa_ns : NULL, sa_name, &ng);
	if (rd->nuses) /* the index no longer matters: uses in a stable order */
		qsort(rd->uses, rd->nuses, sizeof(*rd->uses), use_cmp);
	if (rd->suggest)
		suggest(rd, who, sa_ns[0] ? sa_ns : NULL, sa_name);
	else {
		if (rd->header && !rd->json)
			puts("what\tverb|via\tresource|role\tnamespace|scope\tallowed|rule\tdenied|dangerous\tfirst|uses\tlast\tgranted by");
		/* Uses first (they decide which grants are used), printed after grants. */
		cover = cover_uses(rd, g, ng);
		for (i = 0; i < ng; i++)
			print_grant(rd, &g[i]);
		if (strncmp(who, "arn:", 4) == 0)
			iam_grants(rd, who);
		for (i = 0; i < rd->nuses; i++)
			print_use(rd, &rd->uses[i], cover ? cover[i] : NULL, masters);
		free((void *)cover);
	}
	for (i = 0; i < ng; i++)
		json_decref(g[i].rule);
	free(g);
	return (ng || rd->nuses) ? FE_EXIT_OK : FE_EXIT_NONE;
}
