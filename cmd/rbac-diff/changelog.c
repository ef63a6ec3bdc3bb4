/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rbac-diff: the change log (default), the state at a moment (--at) and
 * what differs between two moments (--from, --to).
 */
#include <stdlib.h>
#include <string.h>

#include "fe.h"
#include "rd.h"

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
				rd_add_tags(removed, json_string_value(json_array_get(p, 1)));
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
			rd_add_tags(added, json_string_value(json_array_get(p, 1)));
		}
	}
	return out;
}

static void
obj_name(enum rd_kind k, const char *ns, const char *name, struct rd_sb *b)
{
	if (ns && *ns) {
		rd_sb_add(b, ns);
		rd_sb_add(b, "/");
	}
	rd_sb_add(b, name ? name : "*");
	(void)k;
}

/* aws-auth's lists as the authenticator reads them, or null: entries
 * with their ARN, username and groups, and "in_effect": false and "why"
 * when it drops them or part of them; "not_in_effect" names the lists
 * none of which takes effect, and why. */
static json_t *
mappings(json_t *cm)
{
	static const char *const arnkey[FE_AA_NLISTS] = { "rolearn", "userarn", "account" };
	struct fe_awsauth aa;
	json_t *out, *lists[FE_AA_NLISTS], *bad;
	size_t i, j;
	int l;

	if (!json_is_object(cm))
		return json_null();
	out = json_object();
	bad = json_object();
	fe_awsauth_read(&aa, json_object_get(cm, "data"));
	for (l = 0; l < FE_AA_NLISTS; l++) {
		lists[l] = NULL;
		if (rd_jstr(json_object_get(cm, "data"), fe_aa_list_name((enum fe_aa_list)l)))
			json_object_set_new(out, fe_aa_list_name((enum fe_aa_list)l), lists[l] = json_array());
		rd_set_str(bad, fe_aa_list_name((enum fe_aa_list)l), aa.why[l]);
	}
	for (i = 0; i < aa.n; i++) {
		const struct fe_aa_entry *e = &aa.e[i];
		json_t *m;
		if (e->list == FE_AA_ACCOUNTS && e->in_effect && !e->why) {
			json_array_append_new(lists[e->list], json_string(e->arn));
			continue;
		}
		m = json_object();
		rd_set_str(m, arnkey[e->list], e->arn);
		if (e->list != FE_AA_ACCOUNTS) {
			json_t *g = json_array();
			rd_set_str(m, "username", e->username);
			for (j = 0; j < e->ngroups; j++)
				json_array_append_new(g, json_string(e->groups[j] ? e->groups[j] : "?"));
			json_object_set_new(m, "groups", g);
		}
		if (!e->in_effect)
			json_object_set_new(m, "in_effect", json_false());
		rd_set_str(m, "why", e->why);
		json_array_append_new(lists[e->list], m);
	}
	if (json_object_size(bad))
		json_object_set(out, "not_in_effect", bad);
	json_decref(bad);
	fe_awsauth_free(&aa);
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
		struct rd_sb txt = { 0 }, tg = { 0 }, nm = { 0 };
		char buf[2048];
		size_t j;
		json_t *x;
		int bad;

		if ((!c->ok && !rd->all) || c->hidden) {
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
			rd_sb_add(&txt, buf);
		}
		if (!c->before_known && !c->partial && strcmp(c->verb, "deletecollection") != 0 &&
		    strncmp(c->note, "prior state unknown", 19) != 0)
			rd_sb_add(&txt, "(prior state unknown) ");
		if (c->note[0]) {
			rd_sb_add(&txt, "(");
			rd_sb_add(&txt, c->note);
			rd_sb_add(&txt, ") ");
		}
		json_array_foreach(d, j, x) {
			rd_sb_add(&txt, json_string_value(x));
			rd_sb_add(&txt, " ");
		}
		if (c->ok && c->before_known && c->after_known && json_array_size(d) == 0 && !c->note[0] &&
		    strcmp(c->verb, "deletecollection") != 0)
			rd_sb_add(&txt, c->before && c->after ? "(no change) " : "(nothing granted) ");
		if (json_array_size(c->bound_by)) {
			size_t nb = json_array_size(c->bound_by), b;
			char more[64];
			rd_sb_add(&txt, "(bound by ");
			for (b = 0; b < nb && b < 5; b++) {
				if (b)
					rd_sb_add(&txt, ", ");
				rd_sb_add(&txt, json_string_value(json_array_get(c->bound_by, b)));
			}
			if (nb > 5) {
				snprintf(more, sizeof(more), " and %zu more", nb - 5);
				rd_sb_add(&txt, more);
			}
			rd_sb_add(&txt, ") ");
		}
		if (txt.n && txt.s[txt.n - 1] == ' ')
			txt.s[--txt.n] = '\0';
		rd_tags_text(added, removed, &tg);
		obj_name(c->kind, c->ns, c->name, &nm);
		if (rd->json) {
			json_t *o = json_object();
			rd_put_record(o, c->record, c->t);
			rd_set_str(o, "verb", c->verb);
			if (c->code)
				json_object_set_new(o, "code", json_integer(c->code));
			json_object_set_new(o, "ok", json_boolean(c->ok));
			rd_set_str(o, "kind", rd_kind_name(c->kind));
			rd_set_str(o, c->kind == RD_ACCESS ? "cluster" : "namespace", c->ns);
			rd_set_str(o, "name", c->name);
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
			bad = rd_json_line(o);
			json_decref(o);
		} else {
			rd_time(c->t);
			rd_tab();
			if (c->ok)
				rd_cell(c->verb);
			else {
				snprintf(buf, sizeof(buf), "%s:%d", c->verb, c->code);
				rd_cell(buf);
			}
			rd_tab();
			rd_cell(rd_kind_name(c->kind));
			rd_tab();
			rd_cell(rd_sb_str(&nm));
			rd_tab();
			rd_cell(c->actor_text);
			rd_tab();
			rd_cell(c->ips);
			rd_tab();
			rd_cell(rd_sb_str(&txt));
			rd_tab();
			rd_cell(rd_sb_str(&tg));
			rd_tab();
			rd_chain_text(c->chain, buf, sizeof(buf));
			rd_cell(buf);
			bad = rd_row_end();
		}
		json_decref(d);
		json_decref(dang);
		json_decref(added);
		json_decref(removed);
		free(txt.s);
		free(tg.s);
		free(nm.s);
		if (bad)
			break; /* memory ran out: said by the caller */
	}
	return any ? FE_EXIT_OK : FE_EXIT_NONE;
}

static void
items_text(json_t *items, struct rd_sb *b, json_t *tags)
{
	size_t i;
	json_t *p;

	json_array_foreach(items, i, p) {
		if (i)
			rd_sb_add(b, " ");
		rd_sb_add(b, json_string_value(json_array_get(p, 0)));
		rd_add_tags(tags, json_string_value(json_array_get(p, 1)));
	}
}

/* The cells --at and --from start a row with: kind, name, items, tags. */
static void
object_cells(enum rd_kind k, const struct rd_sb *nm, const struct rd_sb *txt, const struct rd_sb *tg)
{
	rd_cell(rd_kind_name(k));
	rd_tab();
	rd_cell(rd_sb_str(nm));
	rd_tab();
	rd_cell(rd_sb_str(txt));
	rd_tab();
	rd_cell(rd_sb_str(tg));
}

int
rd_report_at(struct rd *rd)
{
	size_t n, i;
	const char **keys;
	int any = 0;

	rd_replay(rd, rd->at);
	keys = rd_sorted_keys(rd->last, &n);
	if (rd->header && !rd->json)
		puts("kind\tnamespace/name\tstate\tdangerous\tsince\tby");
	for (i = 0; i < n; i++) {
		json_t *st = json_object_get(rd->state, keys[i]);
		struct rd_change *c = rd->ch[json_integer_value(json_object_get(rd->last, keys[i]))];
		json_t *items, *tags = json_array();
		struct rd_sb txt = { 0 }, tg = { 0 }, nm = { 0 };
		int bad;

		if (json_is_null(st)) {
			json_decref(tags);
			continue; /* absent at that moment */
		}
		any = 1;
		items = rd_items(rd, c->kind, st);
		if (st == NULL)
			rd_sb_add(&txt, "(content unknown)");
		items_text(items, &txt, tags);
		rd_tags_text(tags, NULL, &tg);
		obj_name(c->kind, c->ns, c->name, &nm);
		if (rd->json) {
			json_t *o = json_object();
			rd_set_str(o, "kind", rd_kind_name(c->kind));
			rd_set_str(o, c->kind == RD_ACCESS ? "cluster" : "namespace", c->ns);
			rd_set_str(o, "name", c->name);
			json_object_set(o, "state", st ? st : json_null());
			if (st == NULL)
				rd_set_str(o, "content", "unknown");
			rd_set_time(o, "since", c->t);
			json_object_set(o, "by", json_object_get(c->record, "actor"));
			json_object_set(o, "dangerous", tags);
			bad = rd_json_line(o);
			json_decref(o);
		} else {
			object_cells(c->kind, &nm, &txt, &tg);
			rd_tab();
			rd_time(c->t);
			rd_tab();
			rd_cell(c->actor_text);
			bad = rd_row_end();
		}
		json_decref(items);
		json_decref(tags);
		free(txt.s);
		free(tg.s);
		free(nm.s);
		if (bad)
			break;
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
	keys = rd_sorted_keys(all, &n);
	firsts = first_changes(rd);
	if (rd->header && !rd->json)
		puts("kind\tnamespace/name\tchanges\tdangerous");
	for (i = 0; i < n; i++) {
		json_t *ea = json_object_get(a, keys[i]), *eb = json_object_get(b, keys[i]), *e = eb ? eb : ea;
		json_t *ia = json_object_get(ea, "items"), *ib = json_object_get(eb, "items");
		json_t *empty = json_array(), *dang = json_array(), *added = json_array(), *removed = json_array(), *d;
		int known_a = ea == NULL || ia != NULL, known_b = eb == NULL || ib != NULL, unseen = 0;
		struct rd_sb txt = { 0 }, tg = { 0 }, nm = { 0 };
		size_t j;
		json_t *x;
		int bad;

		if (ea == NULL && !json_is_true(json_object_get(firsts, keys[i])))
			known_a = 0, unseen = 1; /* first met after --from, by a change that was not its creation */
		if (known_a && known_b && same_texts(ia ? ia : empty, ib ? ib : empty)) {
			json_decref(empty), json_decref(dang), json_decref(added), json_decref(removed);
			continue;
		}
		any = 1;
		d = diff_items(ia ? ia : empty, ib ? ib : empty, known_a, known_b, 0, dang, added, removed);
		if (unseen)
			rd_sb_add(&txt, "(not seen before --from) ");
		else if (ea == NULL)
			rd_sb_add(&txt, "(created) ");
		if (eb == NULL)
			rd_sb_add(&txt, "(deleted) ");
		if (!known_a && !unseen)
			rd_sb_add(&txt, "(content unknown at --from) ");
		if (!known_b)
			rd_sb_add(&txt, "(content unknown at --to) ");
		json_array_foreach(d, j, x) {
			rd_sb_add(&txt, json_string_value(x));
			rd_sb_add(&txt, " ");
		}
		if (txt.n && txt.s[txt.n - 1] == ' ')
			txt.s[--txt.n] = '\0';
		rd_tags_text(added, removed, &tg);
		obj_name(RD_NKINDS, rd_jstr(e, "ns"), rd_jstr(e, "name"), &nm);
		if (rd->json) {
			json_t *o = json_object();
			rd_set_str(o, "kind", rd_kind_name((enum rd_kind)json_integer_value(json_object_get(e, "kind"))));
			rd_set_str(o, "namespace", rd_jstr(e, "ns"));
			rd_set_str(o, "name", rd_jstr(e, "name"));
			json_object_set(o, "changes", d);
			json_object_set(o, "dangerous", dang);
			bad = rd_json_line(o);
			json_decref(o);
		} else {
			object_cells((enum rd_kind)json_integer_value(json_object_get(e, "kind")), &nm, &txt, &tg);
			bad = rd_row_end();
		}
		json_decref(d);
		json_decref(empty), json_decref(dang), json_decref(added), json_decref(removed);
		free(txt.s);
		free(tg.s);
		free(nm.s);
		if (bad)
			break;
	}
	free((void *)keys);
	json_decref(a);
	json_decref(b);
	json_decref(all);
	json_decref(firsts);
	return any ? FE_EXIT_OK : FE_EXIT_NONE;
}
