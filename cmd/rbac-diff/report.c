/* SPDX-License-Identifier: BSD-2-Clause */
/* rbac-diff: the reports.  TSV cells go through fe_put (escaped). */
#include <stdlib.h>
#include <string.h>

#include "fe.h"
#include "rd.h"

/* ---- a growable string ---- */
struct sb {
	char *s;
	size_t n, cap;
};

static void
sb_add(struct sb *b, const char *s)
{
	size_t n;

	if (s == NULL)
		return;
	n = strlen(s);
	if (b->n + n + 1 > b->cap) {
		size_t nc = (b->cap ? b->cap : 128);
		char *ns;
		while (nc < b->n + n + 1)
			nc *= 2;
		if ((ns = realloc(b->s, nc)) == NULL)
			return;
		b->s = ns;
		b->cap = nc;
	}
	memcpy(b->s + b->n, s, n + 1);
	b->n += n;
}

static const char *
sb_str(struct sb *b)
{
	return b->s ? b->s : "";
}

void
rd_put_time(FILE *fp, int64_t t)
{
	char buf[64];

	if (t == INT64_MIN || t == INT64_MAX) {
		fputc('-', fp);
		return;
	}
	k8a_time_format(t, buf);
	fputs(buf, fp);
}

static void
set_time(json_t *o, const char *k, int64_t t)
{
	char buf[64];

	if (t == INT64_MIN || t == INT64_MAX)
		return;
	k8a_time_format(t, buf);
	json_object_set_new(o, k, json_string(buf));
}

void
rd_json_line(json_t *o)
{
	json_dumpf(o, stdout, JSON_COMPACT | JSON_ENSURE_ASCII);
	fputc('\n', stdout);
}

static void
tab(void)
{
	fputc('\t', stdout);
}

static void
cell(const char *s)
{
	fe_put(stdout, s);
}

static void
actor_text(json_t *a, char *out, size_t outsz)
{
	const char *u = rd_jstr(a, "username"), *key = rd_jstr(a, "access_key_id"), *as = rd_jstr(a, "impersonated_user");

	if (key && as)
		snprintf(out, outsz, "%s (key %s, as %s)", u ? u : "?", key, as);
	else if (key || as)
		snprintf(out, outsz, "%s (%s%s)", u ? u : "?", key ? "key " : "as ", key ? key : as);
	else
		snprintf(out, outsz, "%s", u ? u : "");
}

static void
add_tags(json_t *tags, const char *list)
{
	char buf[256], *p, *save = NULL;
	size_t i;
	json_t *x;

	if (list == NULL)
		return;
	snprintf(buf, sizeof(buf), "%s", list);
	for (p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		int have = 0;
		json_array_foreach(tags, i, x)
			if (strcmp(json_string_value(x), p) == 0)
				have = 1;
		if (!have)
			json_array_append_new(tags, json_string(p));
	}
}

/* The diff of two item lists as "+x"/"-x" strings (array), with the
 * dangerous ones in `dang` ([{change, why}]) and their tags in added/removed.
 * before_known 0: items of after are prefixed "=" (prior state unknown);
 * partial: "~" (set by a patch whose prior state is unknown). */
static json_t *
diff_items(json_t *ib, json_t *ia, int before_known, int after_known, int partial, json_t *dang, json_t *added,
	json_t *removed)
{
	json_t *out = json_array(), *p;
	size_t i;
	char buf[1100];

	if (!after_known && !partial)
		return out; /* nothing is known about the result */
	if (before_known && !partial) {
		json_array_foreach(ib, i, p) {
			const char *t = json_string_value(json_array_get(p, 0));
			if (rd_item_in(ia, t))
				continue;
			snprintf(buf, sizeof(buf), "-%s", t);
			json_array_append_new(out, json_string(buf));
			if (json_string_value(json_array_get(p, 1))) {
				json_array_append_new(dang, json_pack("{s:s,s:s}", "change", buf, "why",
					json_string_value(json_array_get(p, 1))));
				add_tags(removed, json_string_value(json_array_get(p, 1)));
			}
		}
	}
	json_array_foreach(ia, i, p) {
		const char *t = json_string_value(json_array_get(p, 0));
		if (before_known && !partial && rd_item_in(ib, t))
			continue;
		snprintf(buf, sizeof(buf), "%c%s", partial ? '~' : before_known ? '+' : '=', t);
		json_array_append_new(out, json_string(buf));
		if (json_string_value(json_array_get(p, 1))) {
			json_array_append_new(dang, json_pack("{s:s,s:s}", "change", buf, "why",
				json_string_value(json_array_get(p, 1))));
			add_tags(added, json_string_value(json_array_get(p, 1)));
		}
	}
	return out;
}

static void
tags_text(json_t *added, json_t *removed, struct sb *b)
{
	size_t i;
	json_t *x;

	json_array_foreach(added, i, x) {
		if (i)
			sb_add(b, ",");
		sb_add(b, json_string_value(x));
	}
	if (json_array_size(added) == 0 && json_array_size(removed)) {
		sb_add(b, "removed:");
		json_array_foreach(removed, i, x) {
			if (i)
				sb_add(b, ",");
			sb_add(b, json_string_value(x));
		}
	}
}

static void
obj_name(enum rd_kind k, const char *ns, const char *name, struct sb *b)
{
	if (ns && *ns) {
		sb_add(b, ns);
		sb_add(b, "/");
	}
	sb_add(b, name ? name : "*");
	(void)k;
}

/* aws-auth's YAML strings read into lists, or null. */
static json_t *
mappings(json_t *cm)
{
	static const char *const keys[] = { "mapRoles", "mapUsers", "mapAccounts", NULL };
	json_t *data = json_object_get(cm, "data"), *out;
	size_t i;

	if (!json_is_object(cm))
		return json_null();
	out = json_object();
	for (i = 0; keys[i]; i++) {
		const char *text = rd_jstr(data, keys[i]);
		if (text)
			json_object_set_new(out, keys[i], rd_yaml_parse(text, NULL));
	}
	return out;
}

int
rd_report_changes(struct rd *rd)
{
	size_t i;
	int any = 0;

	if (rd->header && !rd->json)
		puts("time\tverb\tkind\tnamespace/name\tactor\tsource_ip\tchanges\tdangerous\tidentity_chain");
	for (i = 0; i < rd->nch; i++) {
		struct rd_change *c = rd->ch[i];
		json_t *dang = json_array(), *added = json_array(), *removed = json_array(), *d;
		struct sb txt = { 0 }, tg = { 0 }, nm = { 0 };
		char buf[2048];
		size_t j;
		json_t *x;

		if (!c->ok && !rd->all) {
			json_decref(dang), json_decref(added), json_decref(removed);
			continue;
		}
		d = diff_items(c->items_before, c->items_after, c->before_known,
			c->after_known || (!c->ok && c->after), c->partial, dang, added, removed);
		/* Snapshots show only where they contradict the replay. */
		if (strcmp(c->verb, "snapshot") == 0 && !rd->all &&
		    (!c->before_known || (c->before && json_array_size(d) == 0))) {
			json_decref(d), json_decref(dang), json_decref(added), json_decref(removed);
			continue;
		}
		any = 1;
		if (!c->ok) {
			snprintf(buf, sizeof(buf), "(failed %d%s%s) ", c->code, c->error ? ": " : "", c->error ? c->error : "");
			sb_add(&txt, buf);
		}
		if (!c->before_known && !c->partial && strcmp(c->verb, "deletecollection") != 0 &&
		    strncmp(c->note, "prior state unknown", 19) != 0)
			sb_add(&txt, "(prior state unknown) ");
		if (c->note[0]) {
			sb_add(&txt, "(");
			sb_add(&txt, c->note);
			sb_add(&txt, ") ");
		}
		json_array_foreach(d, j, x) {
			sb_add(&txt, json_string_value(x));
			sb_add(&txt, " ");
		}
		if (c->ok && c->before_known && c->after_known && json_array_size(d) == 0 && !c->note[0] &&
		    strcmp(c->verb, "deletecollection") != 0)
			sb_add(&txt, c->before && c->after ? "(no change) " : "(nothing granted) ");
		if (json_array_size(c->bound_by)) {
			size_t nb = json_array_size(c->bound_by), b;
			char more[64];
			sb_add(&txt, "(bound by ");
			for (b = 0; b < nb && b < 5; b++) {
				if (b)
					sb_add(&txt, ", ");
				sb_add(&txt, json_string_value(json_array_get(c->bound_by, b)));
			}
			if (nb > 5) {
				snprintf(more, sizeof(more), " and %zu more", nb - 5);
				sb_add(&txt, more);
			}
			sb_add(&txt, ") ");
		}
		if (txt.n && txt.s[txt.n - 1] == ' ')
			txt.s[--txt.n] = '\0';
		tags_text(added, removed, &tg);
		obj_name(c->kind, c->ns, c->name, &nm);
		if (rd->json) {
			json_t *o = json_object();
			set_time(o, "time", c->t);
			rd_set_str(o, "verb", c->verb);
			if (c->code)
				json_object_set_new(o, "code", json_integer(c->code));
			json_object_set_new(o, "ok", json_boolean(c->ok));
			rd_set_str(o, "kind", rd_kind_name(c->kind));
			rd_set_str(o, c->kind == RD_ACCESS ? "cluster" : "namespace", c->ns);
			rd_set_str(o, "name", c->name);
			json_object_set(o, "actor", c->actor);
			rd_set_str(o, "source_ip", c->ip);
			rd_set_str(o, "user_agent", c->ua);
			rd_set_str(o, "event_id", c->id);
			rd_set_str(o, "location", c->where);
			rd_set_str(o, "patch_type", c->patch_type);
			rd_set_str(o, "error", c->error);
			rd_set_str(o, "note", c->note);
			if (!c->before_known)
				rd_set_str(o, "prior_state", "unknown");
			json_object_set(o, "before", c->before ? c->before : json_null());
			json_object_set(o, "after", c->after ? c->after : json_null());
			if (c->kind == RD_AWSAUTH) {
				json_object_set_new(o, "before_mappings", mappings(c->before));
				json_object_set_new(o, "after_mappings", mappings(c->after));
			}
			if (c->partial)
				json_object_set_new(o, "after_partial", json_true());
			json_object_set(o, "changes", d);
			json_object_set(o, "dangerous", dang);
			if (c->bound_by)
				json_object_set(o, "bound_by", c->bound_by);
			json_object_set_new(o, "identity_chain", c->chain ? json_incref(c->chain) : json_array());
			rd_json_line(o);
			json_decref(o);
		} else {
			rd_put_time(stdout, c->t);
			tab();
			if (c->ok)
				cell(c->verb);
			else {
				snprintf(buf, sizeof(buf), "%s:%d", c->verb, c->code);
				cell(buf);
			}
			tab();
			cell(rd_kind_name(c->kind));
			tab();
			cell(sb_str(&nm));
			tab();
			actor_text(c->actor, buf, sizeof(buf));
			cell(buf);
			tab();
			cell(c->ip);
			tab();
			cell(sb_str(&txt));
			tab();
			cell(sb_str(&tg));
			tab();
			rd_chain_text(c->chain, buf, sizeof(buf));
			cell(buf);
			fputc('\n', stdout);
		}
		json_decref(d);
		json_decref(dang);
		json_decref(added);
		json_decref(removed);
		free(txt.s);
		free(tg.s);
		free(nm.s);
	}
	return any ? FE_EXIT_OK : FE_EXIT_NONE;
}

/* ---- state at a moment ---- */

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The keys of an object, sorted (borrowed strings). */
static const char **
sorted_keys(json_t *o, size_t *n)
{
	const char **k = malloc((json_object_size(o) + 1) * sizeof(*k)), *key;
	json_t *v;
	size_t i = 0;

	if (k == NULL) {
		*n = 0;
		return NULL;
	}
	json_object_foreach(o, key, v)
		k[i++] = key;
	qsort(k, i, sizeof(*k), str_cmp);
	*n = i;
	return k;
}

static void
items_text(json_t *items, struct sb *b, json_t *tags)
{
	size_t i;
	json_t *p;

	json_array_foreach(items, i, p) {
		if (i)
			sb_add(b, " ");
		sb_add(b, json_string_value(json_array_get(p, 0)));
		add_tags(tags, json_string_value(json_array_get(p, 1)));
	}
}

int
rd_report_at(struct rd *rd)
{
	size_t n, i;
	const char **keys;
	int any = 0;

	rd_replay(rd, rd->at);
	keys = sorted_keys(rd->last, &n);
	if (rd->header && !rd->json)
		puts("kind\tnamespace/name\tstate\tdangerous\tsince\tby");
	for (i = 0; i < n; i++) {
		json_t *st = json_object_get(rd->state, keys[i]);
		struct rd_change *c = rd->ch[json_integer_value(json_object_get(rd->last, keys[i]))];
		json_t *items, *tags = json_array();
		struct sb txt = { 0 }, tg = { 0 }, nm = { 0 };
		char buf[1024];

		if (json_is_null(st)) {
			json_decref(tags);
			continue; /* absent at that moment */
		}
		any = 1;
		items = rd_items(rd, c->kind, st);
		if (st == NULL)
			sb_add(&txt, "(content unknown)");
		items_text(items, &txt, tags);
		tags_text(tags, NULL, &tg);
		obj_name(c->kind, c->ns, c->name, &nm);
		if (rd->json) {
			json_t *o = json_object();
			rd_set_str(o, "kind", rd_kind_name(c->kind));
			rd_set_str(o, c->kind == RD_ACCESS ? "cluster" : "namespace", c->ns);
			rd_set_str(o, "name", c->name);
			json_object_set(o, "state", st ? st : json_null());
			if (st == NULL)
				rd_set_str(o, "content", "unknown");
			set_time(o, "since", c->t);
			json_object_set(o, "by", c->actor);
			json_object_set(o, "dangerous", tags);
			rd_json_line(o);
			json_decref(o);
		} else {
			cell(rd_kind_name(c->kind));
			tab();
			cell(sb_str(&nm));
			tab();
			cell(sb_str(&txt));
			tab();
			cell(sb_str(&tg));
			tab();
			rd_put_time(stdout, c->t);
			tab();
			actor_text(c->actor, buf, sizeof(buf));
			cell(buf);
			fputc('\n', stdout);
		}
		json_decref(items);
		json_decref(tags);
		free(txt.s);
		free(tg.s);
		free(nm.s);
	}
	free((void *)keys);
	return any ? FE_EXIT_OK : FE_EXIT_NONE;
}

/* key -> {"kind", "ns", "name", "items" | "unknown": true}; absent objects left out. */
static json_t *
snapshot(struct rd *rd)
{
	json_t *snap = json_object(), *v;
	const char *k;

	json_object_foreach(rd->last, k, v) {
		struct rd_change *c = rd->ch[json_integer_value(v)];
		json_t *st = json_object_get(rd->state, k), *e;
		if (json_is_null(st))
			continue;
		e = json_object();
		json_object_set_new(e, "kind", json_integer(c->kind));
		rd_set_str(e, "ns", c->ns);
		rd_set_str(e, "name", c->name);
		if (st)
			json_object_set_new(e, "items", rd_items(rd, c->kind, st));
		else
			json_object_set_new(e, "unknown", json_true());
		json_object_set_new(snap, k, e);
	}
	return snap;
}

/* Equal item texts (tags may differ when a referenced role changed). */
static int
same_texts(json_t *a, json_t *b)
{
	size_t i;
	json_t *p;

	if (json_array_size(a) != json_array_size(b))
		return 0;
	json_array_foreach(a, i, p)
		if (!rd_item_in(b, json_string_value(json_array_get(p, 0))))
			return 0;
	return 1;
}

/* For each object, whether its first successful change after --from
 * created it (key -> true/false), in one pass. */
static json_t *
first_changes(struct rd *rd)
{
	json_t *m = json_object();
	size_t i;

	for (i = 0; i < rd->nch; i++) {
		struct rd_change *c = rd->ch[i];
		char *k;
		if (!c->ok || c->t <= rd->from)
			continue;
		if ((k = rd_key(c->kind, c->ns, c->name)) == NULL)
			continue;
		if (json_object_get(m, k) == NULL)
			json_object_set_new(m, k, json_boolean(c->before_known && c->before == NULL));
		free(k);
	}
	return m;
}

int
rd_report_fromto(struct rd *rd)
{
	json_t *a, *b, *all, *firsts;
	const char **keys, *k;
	json_t *v;
	size_t n, i;
	int any = 0;

	rd_replay(rd, rd->from);
	a = snapshot(rd);
	rd_replay(rd, rd->has_to ? rd->to : INT64_MAX);
	b = snapshot(rd);
	all = json_object();
	json_object_foreach(a, k, v)
		json_object_set(all, k, v);
	json_object_foreach(b, k, v)
		json_object_set(all, k, v);
	keys = sorted_keys(all, &n);
	firsts = first_changes(rd);
	if (rd->header && !rd->json)
		puts("kind\tnamespace/name\tchanges\tdangerous");
	for (i = 0; i < n; i++) {
		json_t *ea = json_object_get(a, keys[i]), *eb = json_object_get(b, keys[i]), *e = eb ? eb : ea;
		json_t *ia = json_object_get(ea, "items"), *ib = json_object_get(eb, "items");
		json_t *empty = json_array(), *dang = json_array(), *added = json_array(), *removed = json_array(), *d;
		int known_a = ea == NULL || ia != NULL, known_b = eb == NULL || ib != NULL, unseen = 0;
		struct sb txt = { 0 }, tg = { 0 }, nm = { 0 };
		size_t j;
		json_t *x;

		if (ea == NULL && !json_is_true(json_object_get(firsts, keys[i])))
			known_a = 0, unseen = 1; /* first met after --from, by a change that was not its creation */
		if (known_a && known_b && same_texts(ia ? ia : empty, ib ? ib : empty)) {
			json_decref(empty), json_decref(dang), json_decref(added), json_decref(removed);
			continue;
		}
		any = 1;
		d = diff_items(ia ? ia : empty, ib ? ib : empty, known_a, known_b, 0, dang, added, removed);
		if (unseen)
			sb_add(&txt, "(not seen before --from) ");
		else if (ea == NULL)
			sb_add(&txt, "(created) ");
		if (eb == NULL)
			sb_add(&txt, "(deleted) ");
		if (!known_a && !unseen)
			sb_add(&txt, "(content unknown at --from) ");
		if (!known_b)
			sb_add(&txt, "(content unknown at --to) ");
		json_array_foreach(d, j, x) {
			sb_add(&txt, json_string_value(x));
			sb_add(&txt, " ");
		}
		if (txt.n && txt.s[txt.n - 1] == ' ')
			txt.s[--txt.n] = '\0';
		tags_text(added, removed, &tg);
		obj_name(RD_NKINDS, rd_jstr(e, "ns"), rd_jstr(e, "name"), &nm);
		if (rd->json) {
			json_t *o = json_object();
			rd_set_str(o, "kind", rd_kind_name((enum rd_kind)json_integer_value(json_object_get(e, "kind"))));
			rd_set_str(o, "namespace", rd_jstr(e, "ns"));
			rd_set_str(o, "name", rd_jstr(e, "name"));
			json_object_set(o, "changes", d);
			json_object_set(o, "dangerous", dang);
			rd_json_line(o);
			json_decref(o);
		} else {
			cell(rd_kind_name((enum rd_kind)json_integer_value(json_object_get(e, "kind"))));
			tab();
			cell(sb_str(&nm));
			tab();
			cell(sb_str(&txt));
			tab();
			cell(sb_str(&tg));
			fputc('\n', stdout);
		}
		json_decref(d);
		json_decref(empty), json_decref(dang), json_decref(added), json_decref(removed);
		free(txt.s);
		free(tg.s);
		free(nm.s);
	}
	free((void *)keys);
	json_decref(a);
	json_decref(b);
	json_decref(all);
	json_decref(firsts);
	return any ? FE_EXIT_OK : FE_EXIT_NONE;
}

/* ---- who can ---- */

static void
since_of(struct rd *rd, const char *key, const char *item, int64_t *t, int *exact)
{
	json_t *s = json_object_get(json_object_get(rd->since, key), item);

	*t = s ? json_integer_value(json_object_get(s, "t")) : INT64_MIN;
	*exact = s ? json_is_true(json_object_get(s, "exact")) : 0;
}

static void
put_since(int64_t t, int exact)
{
	if (!exact && t != INT64_MIN)
		fputs("<=", stdout);
	rd_put_time(stdout, t);
}

static int
subject_row(struct rd *rd, const char *subject, const char *scope, const char *via, const char *role,
	const char *rule, int64_t since, int exact, json_t *tags)
{
	struct sb tg = { 0 };

	tags_text(tags, NULL, &tg);
	if (rd->json) {
		json_t *o = json_object();
		rd_set_str(o, "subject", subject);
		rd_set_str(o, "scope", scope);
		rd_set_str(o, "via", via);
		rd_set_str(o, "role", role);
		rd_set_str(o, "rule", rule);
		set_time(o, "since", since);
		if (since != INT64_MIN)
			json_object_set_new(o, "since_exact", json_boolean(exact));
		json_object_set(o, "dangerous", tags);
		rd_json_line(o);
		json_decref(o);
	} else {
		cell(subject);
		tab();
		cell(scope);
		tab();
		cell(via);
		tab();
		cell(role);
		tab();
		cell(rule);
		tab();
		put_since(since, exact);
		tab();
		cell(sb_str(&tg));
		fputc('\n', stdout);
	}
	free(tg.s);
	return 1;
}

static int
binding_kind(const char *key)
{
	return strncmp(key, "RoleBinding/", 12) == 0 ? RD_RB :
	       strncmp(key, "ClusterRoleBinding/", 19) == 0 ? RD_CRB : -1;
}

int
rd_report_who(struct rd *rd)
{
	struct rd_query q = rd->q;
	size_t n, i;
	const char **keys;
	int any = 0;
	json_t *tags, *printed = json_object();

	rd_replay(rd, rd->has_at ? rd->at : INT64_MAX);
	if (rd->header && !rd->json)
		puts("subject\tscope\tvia\trole\trule\tsince\tdangerous");
	tags = json_array();
	json_array_append_new(tags, json_string("system:masters"));
	subject_row(rd, "Group:system:masters", "*", "(member of system:masters: not subject to RBAC)", "-", "-",
		INT64_MIN, 0, tags);
	json_decref(tags);
	keys = sorted_keys(rd->state, &n);
	for (i = 0; i < n; i++) {
		json_t *b = json_object_get(rd->state, keys[i]), *role, *rule, *s;
		int bk = binding_kind(keys[i]), builtin;
		const char *bns = rd_jstr(json_object_get(b, "metadata"), "namespace");
		struct rd_change *c;
		char via[600], rolename[600], rtext[1024], subj[600];
		size_t j;

		if (bk < 0 || !json_is_object(b))
			continue;
		c = rd->ch[json_integer_value(json_object_get(rd->last, keys[i]))];
		bns = c->ns;
		if (bk == RD_RB && rd->ns && (bns == NULL || strcmp(bns, rd->ns) != 0))
			continue;
		rule = NULL;
		if ((role = rd_role_of(rd, b, bns, &builtin)) == NULL) {
			/* A role never seen: it might; shown with --all. */
			if (!rd->all)
				continue;
			snprintf(rtext, sizeof(rtext), "(role not seen in the logs)");
		} else {
			json_array_foreach(json_object_get(role, "rules"), j, rule)
				if (rd_rule_matches(rule, q.verb, q.group, q.any_group, q.resource, q.url))
					break;
			if (j == json_array_size(json_object_get(role, "rules"))) {
				json_decref(role);
				continue;
			}
			rd_rule_text(rule, rtext, sizeof(rtext));
		}
		if (bk == RD_RB)
			snprintf(via, sizeof(via), "RoleBinding/%s/%s", bns ? bns : "", c->name ? c->name : "");
		else
			snprintf(via, sizeof(via), "ClusterRoleBinding/%s", c->name ? c->name : "");
		snprintf(rolename, sizeof(rolename), "%s/%s%s", rd_jstr(json_object_get(b, "roleRef"), "kind"),
			rd_jstr(json_object_get(b, "roleRef"), "name"), builtin ? " (built-in)" :
			json_object_get(role, "aggregationRule") ? " (aggregated: rules as last seen)" : "");
		json_array_foreach(json_object_get(b, "subjects"), j, s) {
			int64_t since;
			int exact;
			const char *d;
			json_t *rt = rule ? rd_rule_dangers(rule) : json_array();
			rd_subject_text(s, bns, subj, sizeof(subj));
			if ((d = rd_subject_danger(rd_jstr(s, "kind"), rd_jstr(s, "name"), NULL)) != NULL)
				json_array_insert_new(rt, 0, json_string(d));
			since_of(rd, keys[i], subj, &since, &exact);
			if (!builtin && rule) { /* the grant is as old as the younger of binding and rule */
				const char *rr = rd_jstr(json_object_get(b, "roleRef"), "kind");
				char *rkey = rd_key(rr && strcmp(rr, "Role") == 0 ? RD_ROLE : RD_CROLE,
					rr && strcmp(rr, "Role") == 0 ? bns : NULL, rd_jstr(json_object_get(b, "roleRef"), "name"));
				int64_t rs;
				int rex;
				since_of(rd, rkey ? rkey : "", rtext, &rs, &rex);
				if (rs != INT64_MIN && rs > since) {
					since = rs;
					exact = rex;
				}
				free(rkey);
			}
			any |= subject_row(rd, subj, bk == RD_RB ? bns : "*", via, rolename, rtext, since, exact, rt);
			{
				char pk[1300];
				snprintf(pk, sizeof(pk), "%s\t%s", via, subj);
				json_object_set_new(printed, pk, json_true());
			}
			json_decref(rt);
		}
		json_decref(role);
	}
	/* Bindings the authorizer named when it allowed a matching request,
	 * not already shown from the replay: they demonstrably could. */
	{
		size_t no, k;
		const char **okeys = sorted_keys(rd->seen_allowed, &no);
		for (k = 0; k < no; k++) {
			json_t *o = json_object_get(rd->seen_allowed, okeys[k]), *tg;
			int64_t first = json_integer_value(json_object_get(o, "first"));
			int64_t last = json_integer_value(json_object_get(o, "last"));
			const char *role = rd_jstr(o, "role"), *subj = rd_jstr(o, "subject"), *d;
			char rule[300], tb[64];
			if (json_object_get(printed, okeys[k]) || (rd->has_at && first > rd->at))
				continue;
			{ /* a binding known to be gone by then no longer grants */
				const char *via = rd_jstr(o, "via"), *slash = via ? strchr(via, '/') : NULL;
				char skey[700];
				if (slash && strncmp(via, "ClusterRoleBinding/", 19) == 0)
					snprintf(skey, sizeof(skey), "ClusterRoleBinding//%s", slash + 1);
				else
					snprintf(skey, sizeof(skey), "%s", via ? via : "");
				if (json_is_null(json_object_get(rd->state, skey)))
					continue;
			}
			k8a_time_format(last, tb);
			snprintf(rule, sizeof(rule), "(observed: allowed %lld times, last %s)",
				(long long)json_integer_value(json_object_get(o, "count")), tb);
			tg = json_array();
			if ((d = rd_subject_danger(strncmp(subj, "ServiceAccount:", 15) == 0 ? "ServiceAccount" : NULL,
				     strchr(subj, ':') ? strchr(subj, ':') + 1 : subj, NULL)) != NULL)
				json_array_append_new(tg, json_string(d));
			else if (strncmp(subj, "ServiceAccount:", 15) == 0 && strlen(subj) > 8 &&
				 strcmp(subj + strlen(subj) - 8, "/default") == 0)
				json_array_append_new(tg, json_string("default-sa"));
			if (role && (strcmp(role, "ClusterRole/cluster-admin") == 0 || strcmp(role, "ClusterRole/admin") == 0 ||
				     strcmp(role, "ClusterRole/edit") == 0))
				json_array_append_new(tg, json_string(role + 12));
			else if (role && strcmp(role, "policy:AmazonEKSClusterAdminPolicy") == 0)
				json_array_append_new(tg, json_string("cluster-admin"));
			else if (role && strcmp(role, "policy:AmazonEKSAdminPolicy") == 0)
				json_array_append_new(tg, json_string("admin"));
			else if (role && strcmp(role, "policy:AmazonEKSEditPolicy") == 0)
				json_array_append_new(tg, json_string("edit"));
			any |= subject_row(rd, subj, rd_jstr(o, "namespace") ? rd_jstr(o, "namespace") : "*", rd_jstr(o, "via"),
				role, rule, first, 0, tg);
			json_decref(tg);
		}
		free((void *)okeys);
	}
	/* Outside RBAC: aws-auth mappings into system:masters, access entries
	 * with a cluster-wide admin policy. */
	for (i = 0; i < n; i++) {
		json_t *o = json_object_get(rd->state, keys[i]), *items, *p;
		struct rd_change *c;
		size_t j;

		if (!json_is_object(o) || binding_kind(keys[i]) >= 0)
			continue;
		c = rd->ch[json_integer_value(json_object_get(rd->last, keys[i]))];
		if (c->kind != RD_AWSAUTH && c->kind != RD_ACCESS)
			continue;
		items = rd_items(rd, c->kind, o);
		json_array_foreach(items, j, p) {
			const char *t = json_string_value(json_array_get(p, 0)), *why = json_string_value(json_array_get(p, 1));
			char via[600];
			int64_t since;
			int exact;
			json_t *tg;
			if (why == NULL || (strcmp(why, "system:masters") != 0 &&
			    !(strcmp(why, "cluster-admin") == 0 && strstr(t, "@cluster"))))
				continue;
			snprintf(via, sizeof(via), "%s/%s/%s", rd_kind_name(c->kind), c->ns ? c->ns : "", c->name ? c->name : "");
			since_of(rd, keys[i], t, &since, &exact);
			tg = json_pack("[s]", why);
			subject_row(rd, c->kind == RD_ACCESS ? c->name : t, "*", via,
				c->kind == RD_ACCESS ? t : "Group:system:masters", "*", since, exact, tg);
			json_decref(tg);
			any = 1;
		}
		json_decref(items);
	}
	json_decref(printed);
	free((void *)keys);
	return any ? FE_EXIT_OK : FE_EXIT_NONE;
}

/* ---- granted vs used ---- */

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
		const char **rkeys = sorted_keys(roles, &nr);
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
				struct sb key = { 0 };
				size_t v;
				json_t *list;
				char grp[300];
				snprintf(grp, sizeof(grp), "%.*s", (int)(tabp - rk2), rk2);
				sb_add(&key, grp);
				sb_add(&key, "\t");
				json_array_foreach(vv, v, x) {
					if (v)
						sb_add(&key, ",");
					sb_add(&key, json_string_value(x));
				}
				if ((list = json_object_get(merged, sb_str(&key))) == NULL) {
					list = json_array();
					json_object_set_new(merged, sb_str(&key), list);
				}
				json_array_append_new(list, json_string(tabp + 1));
				free(key.s);
			}
			rulekeys = sorted_keys(merged, &nrules);
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
				const char **names = sorted_keys(rd->gvu_users, &nn);
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
				add_tags(d, why);
			if (rd->json) {
				json_t *row = json_pack("{s:s,s:s,s:s,s:s,s:s,s:O}", "what", "granted", "via", via,
					"role", c->kind == RD_ACCESS ? "(EKS access entry)" : "(aws-auth mapping)",
					"scope", "*", "rule", t, "dangerous", d);
				rd_json_line(row);
				json_decref(row);
			} else {
				struct sb tg = { 0 };
				tags_text(d, NULL, &tg);
				printf("granted\t");
				cell(via), tab(), cell(c->kind == RD_ACCESS ? "(EKS access entry)" : "(aws-auth mapping)");
				tab(), cell("*"), tab(), cell(t), tab(), cell(sb_str(&tg)), tab(), cell("-"), tab(), cell("-");
				tab(), cell("-");
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
	keys = sorted_keys(rd->state, &n);
	for (i = 0; i < n; i++) {
		json_t *b = json_object_get(rd->state, keys[i]), *role, *s, *rule;
		int bk = binding_kind(keys[i]), builtin, match = 0;
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
	ukeys = sorted_keys(rd->used, &nu);
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
			struct sb tg = { 0 };
			char uses[64];
			tags_text(d, NULL, &tg);
			snprintf(uses, sizeof(uses), "%ld", g[i].uses);
			if (rd->json) {
				json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:O,s:I}", "what", "granted", "via", g[i].via,
					"role", g[i].role, "scope", g[i].scope, "rule", g[i].rule_text, "dangerous", d,
					"uses", (json_int_t)g[i].uses);
				rd_json_line(o);
				json_decref(o);
			} else {
				printf("%s\t", g[i].uses ? "granted" : "unused");
				cell(g[i].via), tab(), cell(g[i].role), tab(), cell(g[i].scope), tab();
				cell(g[i].rule_text), tab(), cell(sb_str(&tg)), tab(), cell(uses), tab(), cell("-"), tab();
				cell("-");
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
				set_time(o, "first", json_integer_value(json_object_get(u, "first")));
				set_time(o, "last", json_integer_value(json_object_get(u, "last")));
				rd_set_str(o, "granted_by", cover && cover[i] ? cover[i] : masters ? "system:masters" : NULL);
				rd_set_str(o, "authorizer_named", rd_jstr(u, "observed"));
				rd_json_line(o);
				json_decref(o);
			} else {
				printf("used\t");
				cell(f[0]), tab(), cell(res), tab(), cell(f[3][0] ? f[3] : "*"), tab();
				printf("%lld\t%lld\t", (long long)json_integer_value(json_object_get(u, "ok")),
					(long long)json_integer_value(json_object_get(u, "denied")));
				rd_put_time(stdout, json_integer_value(json_object_get(u, "first")));
				tab();
				rd_put_time(stdout, json_integer_value(json_object_get(u, "last")));
				tab();
				if (cover && cover[i])
					cell(cover[i]);
				else if (rd_jstr(u, "observed")) {
					char ob[600];
					snprintf(ob, sizeof(ob), "(observed) %s", rd_jstr(u, "observed"));
					cell(ob);
				} else
					cell(masters ? "system:masters" : "(no grant seen)");
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

/* ---- exposure windows ---- */

struct window {
	char *key, *binding, *role, *subject, *why;
	int64_t start, end;
	int start_exact, end_uncertain;
	struct rd_change *opened, *closed;
};

static int
broad(const char *why)
{
	return why && (strstr(why, "anonymous") || strstr(why, "unauthenticated") || strstr(why, "all-authenticated"));
}

static const char *
roleref_of(json_t *items)
{
	size_t i;
	json_t *p;

	json_array_foreach(items, i, p)
		if (strncmp(json_string_value(json_array_get(p, 0)), "roleRef:", 8) == 0)
			return json_string_value(json_array_get(p, 0)) + 8;
	return "?";
}

static const char *
roleref_why(json_t *items)
{
	size_t i;
	json_t *p;

	json_array_foreach(items, i, p)
		if (strncmp(json_string_value(json_array_get(p, 0)), "roleRef:", 8) == 0)
			return json_string_value(json_array_get(p, 1));
	return NULL;
}

/* Whether the authorizer's reason names this window's binding, as in
 * RBAC: allowed by ClusterRoleBinding "NAME" of ... / RoleBinding "NAME/NS" of ... */
static int
via_binding(const char *reason, const struct window *w)
{
	char want[700];
	const char *name = strchr(w->binding, '/');

	if (reason == NULL || name == NULL)
		return 0;
	name++;
	if (strncmp(w->binding, "RoleBinding/", 12) == 0) {
		const char *slash = strchr(name, '/');
		if (slash == NULL)
			return 0;
		snprintf(want, sizeof(want), "RoleBinding \"%s/%.*s\"", slash + 1, (int)(slash - name), name);
	} else
		snprintf(want, sizeof(want), "ClusterRoleBinding \"%s\"", name);
	return strstr(reason, want) != NULL;
}

int
rd_report_exposure(struct rd *rd)
{
	struct window *w = NULL;
	size_t nw = 0, i, j, k;
	int any = 0;

	for (i = 0; i < rd->nch; i++) {
		struct rd_change *c = rd->ch[i];
		char *key;
		json_t *p;
		if (!c->ok || (c->kind != RD_RB && c->kind != RD_CRB))
			continue;
		key = rd_key(c->kind, c->ns, c->name);
		/* close windows whose subject is gone (or whose role changed) */
		for (j = 0; j < nw; j++) {
			if (w[j].end != INT64_MAX || strcmp(w[j].key, key) != 0)
				continue;
			if (c->after_known && rd_item_in(c->items_after, w[j].subject) &&
			    strcmp(roleref_of(c->items_after), w[j].role) == 0)
				continue;
			w[j].end = c->t;
			w[j].closed = c;
			w[j].end_uncertain = !c->after_known; /* lasted at least until then */
		}
		json_array_foreach(c->items_after, j, p) {
			const char *t = json_string_value(json_array_get(p, 0)), *why = json_string_value(json_array_get(p, 1));
			int open = 0;
			struct window *nwp;
			char bname[600];
			if (!broad(why))
				continue;
			for (k = 0; k < nw; k++)
				if (w[k].end == INT64_MAX && strcmp(w[k].key, key) == 0 && strcmp(w[k].subject, t) == 0)
					open = 1;
			if (open || (nwp = realloc(w, (nw + 1) * sizeof(*w))) == NULL)
				continue;
			w = nwp;
			memset(&w[nw], 0, sizeof(w[nw]));
			if (c->kind == RD_RB)
				snprintf(bname, sizeof(bname), "RoleBinding/%s/%s", c->ns ? c->ns : "", c->name ? c->name : "");
			else
				snprintf(bname, sizeof(bname), "ClusterRoleBinding/%s", c->name ? c->name : "");
			w[nw].key = strdup(key);
			w[nw].binding = strdup(bname);
			w[nw].role = strdup(roleref_of(c->items_after));
			w[nw].subject = strdup(t);
			{
				char wb[300];
				const char *rw = roleref_why(c->items_after);
				snprintf(wb, sizeof(wb), "%s%s%s", why, rw ? "," : "", rw ? rw : "");
				w[nw].why = strdup(wb);
			}
			w[nw].start = c->t;
			w[nw].start_exact = c->before_known;
			w[nw].end = INT64_MAX;
			w[nw].opened = c;
			nw++;
		}
		free(key);
	}
	if (rd->header && !rd->json) {
		puts("window\tstart\tend\tbinding\trole\tsubject\tdangerous\topened by\tclosed by");
		puts("request\ttime\tuser\tverb\ttarget\tcode\tsource_ip\tuser_agent\tvia_this_binding\treason");
	}
	for (j = 0; j < nw; j++) {
		char actor[1024];
		int anon = strstr(w[j].why, "anonymous") || strstr(w[j].why, "unauthenticated");
		json_t *o = NULL, *reqs = NULL;
		any = 1;
		if (rd->json) {
			o = json_object();
			rd_set_str(o, "binding", w[j].binding);
			rd_set_str(o, "role", w[j].role);
			rd_set_str(o, "subject", w[j].subject);
			set_time(o, "start", w[j].start);
			json_object_set_new(o, "start_exact", json_boolean(w[j].start_exact));
			set_time(o, "end", w[j].end);
			if (w[j].closed)
				json_object_set_new(o, "end_exact", json_boolean(!w[j].end_uncertain));
			{
				json_t *dl = json_array();
				add_tags(dl, w[j].why);
				json_object_set_new(o, "dangerous", dl);
			}
			json_object_set(o, "opened_by", w[j].opened->actor);
			rd_set_str(o, "opened_event_id", w[j].opened->id);
			if (w[j].closed) {
				json_object_set(o, "closed_by", w[j].closed->actor);
				rd_set_str(o, "closed_event_id", w[j].closed->id);
			}
			reqs = json_array();
		} else {
			printf("window\t");
			if (!w[j].start_exact)
				fputs("<=", stdout);
			rd_put_time(stdout, w[j].start);
			tab();
			if (w[j].end_uncertain)
				fputs(">=", stdout);
			rd_put_time(stdout, w[j].end);
			tab();
			cell(w[j].binding), tab(), cell(w[j].role), tab(), cell(w[j].subject), tab(), cell(w[j].why), tab();
			actor_text(w[j].opened->actor, actor, sizeof(actor));
			cell(actor);
			tab();
			if (w[j].closed) {
				size_t al;
				actor_text(w[j].closed->actor, actor, sizeof(actor));
				al = strlen(actor);
				if (w[j].end_uncertain)
					snprintf(actor + al, sizeof(actor) - al, " (state unknown after this change)");
				cell(actor);
			} else
				cell("(still open at the end of the logs)");
			fputc('\n', stdout);
		}
		for (k = 0; anon && k < rd->nreqs; k++) {
			struct rd_req *q = &rd->reqs[k];
			char code[32];
			if (q->t < w[j].start || q->t >= w[j].end)
				continue;
			if (strncmp(w[j].binding, "RoleBinding/", 12) == 0) { /* its namespace only */
				const char *bns = w[j].binding + 12, *sl = strchr(bns, '/');
				if (sl == NULL || q->ns == NULL || strlen(q->ns) != (size_t)(sl - bns) ||
				    strncmp(q->ns, bns, (size_t)(sl - bns)) != 0)
					continue;
			}
			snprintf(code, sizeof(code), "%d", q->code);
			if (rd->json) {
				json_t *r = json_object();
				set_time(r, "time", q->t);
				rd_set_str(r, "user", q->user);
				rd_set_str(r, "verb", q->verb);
				rd_set_str(r, "target", q->target);
				json_object_set_new(r, "code", json_integer(q->code));
				rd_set_str(r, "source_ip", q->ip);
				rd_set_str(r, "user_agent", q->ua);
				rd_set_str(r, "reason", q->reason);
				json_object_set_new(r, "via_this_binding", json_boolean(via_binding(q->reason, &w[j])));
				rd_set_str(r, "event_id", q->id);
				rd_set_str(r, "location", q->where);
				json_array_append_new(reqs, r);
			} else {
				printf("request\t");
				rd_put_time(stdout, q->t);
				tab();
				cell(q->user), tab(), cell(q->verb), tab(), cell(q->target), tab(), cell(code), tab();
				cell(q->ip), tab(), cell(q->ua), tab();
				cell(via_binding(q->reason, &w[j]) ? "yes" : "no"), tab();
				cell(q->reason);
				fputc('\n', stdout);
			}
		}
		if (o) {
			json_object_set_new(o, "requests", reqs);
			rd_json_line(o);
			json_decref(o);
		}
	}
	for (j = 0; j < nw; j++) {
		free(w[j].key);
		free(w[j].binding);
		free(w[j].role);
		free(w[j].subject);
		free(w[j].why);
	}
	free(w);
	return any ? FE_EXIT_OK : FE_EXIT_NONE;
}
