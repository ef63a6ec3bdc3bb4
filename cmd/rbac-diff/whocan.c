/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rbac-diff: who could do what (--who-can), and the windows in which
 * anonymous or all users held a binding, with what anonymous did then
 * (--exposure).
 */
#include <stdlib.h>
#include <string.h>

#include "fe.h"
#include "rd.h"

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
		rd_text("<=");
	rd_time(t);
}

static int
subject_row(struct rd *rd, const char *subject, const char *scope, const char *via, const char *role,
	const char *rule, int64_t since, int exact, json_t *tags)
{
	struct rd_sb tg = { 0 };

	rd_tags_text(tags, NULL, &tg);
	if (rd->json) {
		json_t *o = json_object();
		rd_set_str(o, "subject", subject);
		rd_set_str(o, "scope", scope);
		rd_set_str(o, "via", via);
		rd_set_str(o, "role", role);
		rd_set_str(o, "rule", rule);
		rd_set_time(o, "since", since);
		if (since != INT64_MIN)
			json_object_set_new(o, "since_exact", json_boolean(exact));
		json_object_set(o, "dangerous", tags);
		rd_json_line(o); /* memory running out is the caller's to say */
		json_decref(o);
	} else {
		rd_cell(subject);
		rd_tab();
		rd_cell(scope);
		rd_tab();
		rd_cell(via);
		rd_tab();
		rd_cell(role);
		rd_tab();
		rd_cell(rule);
		rd_tab();
		put_since(since, exact);
		rd_tab();
		rd_cell(rd_sb_str(&tg));
		rd_row_end();
	}
	free(tg.s);
	return 1;
}

/* Bindings the authorizer named when it allowed a matching request,
 * not already shown from the replay: they demonstrably could. */
static int
who_observed(struct rd *rd, json_t *printed)
{
	int any = 0;
	size_t no, k;
	const char **okeys = rd_sorted_keys(rd->seen_allowed, &no);
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
	return any;
}

/* Outside RBAC: aws-auth mappings into system:masters, access entries
 * with a cluster-wide admin policy. */
static int
who_outside_rbac(struct rd *rd, const char **keys, size_t n)
{
	size_t i;
	int any = 0;

	for (i = 0; i < n; i++) {
		json_t *o = json_object_get(rd->state, keys[i]), *items, *p;
		struct rd_change *c;
		size_t j;

		if (!json_is_object(o) || rd_binding_kind(keys[i]) >= 0)
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
	return any;
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
	keys = rd_sorted_keys(rd->state, &n);
	for (i = 0; i < n; i++) {
		json_t *b = json_object_get(rd->state, keys[i]), *role, *rule, *s;
		int bk = rd_binding_kind(keys[i]), builtin;
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
		rd_binding_via(bk, bns, c->name, via, sizeof(via));
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
	any |= who_observed(rd, printed);
	any |= who_outside_rbac(rd, keys, n);
	json_decref(printed);
	free((void *)keys);
	return any ? FE_EXIT_OK : FE_EXIT_NONE;
}

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

/* A binding's roleRef item ([text, tags]), or NULL. */
static json_t *
roleref_item(json_t *items)
{
	size_t i;
	json_t *p;

	json_array_foreach(items, i, p)
		if (strncmp(json_string_value(json_array_get(p, 0)), "roleRef:", 8) == 0)
			return p;
	return NULL;
}

/* The role a binding's items name ("?" when none). */
static const char *
roleref_of(json_t *items)
{
	json_t *p = roleref_item(items);

	return p ? json_string_value(json_array_get(p, 0)) + 8 : "?";
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

/* A window's own fields.  With --json its requests follow as they are
 * found: the line is written piecewise, never held whole (a window can
 * hold 200000 requests), and nothing after its head allocates, so that it
 * cannot be cut short by memory running out.  0, or -1 when memory ran
 * out (nothing written). */
static int
window_head(struct rd *rd, const struct window *w)
{
	char actor[1024], *s;
	json_t *o, *dl;

	if (rd->json) {
		o = json_object();
		rd_set_str(o, "binding", w->binding);
		rd_set_str(o, "role", w->role);
		rd_set_str(o, "subject", w->subject);
		rd_set_time(o, "start", w->start);
		json_object_set_new(o, "start_exact", json_boolean(w->start_exact));
		rd_set_time(o, "end", w->end);
		if (w->closed)
			json_object_set_new(o, "end_exact", json_boolean(!w->end_uncertain));
		dl = json_array();
		rd_add_tags(dl, w->why);
		json_object_set_new(o, "dangerous", dl);
		json_object_set(o, "opened_by", json_object_get(w->opened->record, "actor"));
		rd_set_str(o, "opened_event_id", rd_event_id(w->opened->record));
		if (w->closed) {
			json_object_set(o, "closed_by", json_object_get(w->closed->record, "actor"));
			rd_set_str(o, "closed_event_id", rd_event_id(w->closed->record));
		}
		s = fe_json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
		json_decref(o);
		if (s == NULL) {
			fe_nomem_note();
			return -1;
		}
		/* the object without its closing brace */
		printf("%.*s%s\"requests\":[", (int)strlen(s) - 1, s, strlen(s) > 2 ? "," : "");
		free(s);
		return 0;
	}
	rd_text("window\t");
	if (!w->start_exact)
		rd_text("<=");
	rd_time(w->start);
	rd_tab();
	if (w->end_uncertain)
		rd_text(">=");
	rd_time(w->end);
	rd_tab();
	rd_cell(w->binding), rd_tab(), rd_cell(w->role), rd_tab(), rd_cell(w->subject), rd_tab(), rd_cell(w->why), rd_tab();
	rd_cell(w->opened->actor_text);
	rd_tab();
	if (w->closed) {
		snprintf(actor, sizeof(actor), "%s%s", w->closed->actor_text ? w->closed->actor_text : "",
			w->end_uncertain ? " (state unknown after this change)" : "");
		rd_cell(actor);
	} else
		rd_cell("(still open at the end of the logs)");
	return rd_row_end();
}

/* Whether a request falls in a window (a RoleBinding's: in its namespace). */
static int
in_window(const struct rd_req *q, const struct window *w)
{
	const char *bns, *sl;

	if (q->t < w->start || q->t >= w->end)
		return 0;
	if (strncmp(w->binding, "RoleBinding/", 12) != 0)
		return 1;
	bns = w->binding + 12;
	sl = strchr(bns, '/');
	return sl && q->ns && strlen(q->ns) == (size_t)(sl - bns) && strncmp(q->ns, bns, (size_t)(sl - bns)) == 0;
}

static void
window_request(struct rd *rd, const struct window *w, const struct rd_req *q, int first)
{
	char code[32];

	snprintf(code, sizeof(code), "%d", q->code);
	if (rd->json) {
		/* made when the request was kept (keep_request): its object
		 * but for this last member, which depends on the window */
		if (!first)
			putchar(',');
		fputs(q->record, stdout);
		fputs(via_binding(q->reason, w) ? ",\"via_this_binding\":true}" : ",\"via_this_binding\":false}",
			stdout);
		return;
	}
	rd_text("request\t");
	rd_time(q->t);
	rd_tab();
	rd_cell(q->actor_text), rd_tab(), rd_cell(q->verb), rd_tab(), rd_cell(q->target), rd_tab();
	rd_cell(code), rd_tab(), rd_cell(q->ip), rd_tab(), rd_cell(q->ua), rd_tab();
	rd_cell(via_binding(q->reason, w) ? "yes" : "no"), rd_tab();
	rd_cell(q->reason);
	rd_row_end();
}

/* The windows in which a binding gave a role to anonymous or all users:
 * opened by the change that added the subject, closed by the one that
 * removed it or changed the role. */
static struct window *
windows_of(struct rd *rd, size_t *count)
{
	struct window *w = NULL;
	size_t nw = 0, i, j, k;

	for (i = 0; i < rd->nch; i++) {
		struct rd_change *c = rd->ch[i];
		char *key;
		json_t *p;
		if (!c->ok || (c->kind != RD_RB && c->kind != RD_CRB))
			continue;
		if ((key = rd_key(c->kind, c->ns, c->name)) == NULL)
			break; /* out of memory: the caller ends the run */
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
			if (open)
				continue;
			if ((nwp = realloc(w, (nw + 1) * sizeof(*w))) == NULL) {
				fe_nomem_note();
				break;
			}
			w = nwp;
			memset(&w[nw], 0, sizeof(w[nw]));
			rd_binding_via(c->kind, c->ns, c->name, bname, sizeof(bname));
			w[nw].key = fe_strdup(key);
			w[nw].binding = fe_strdup(bname);
			w[nw].role = fe_strdup(roleref_of(c->items_after));
			w[nw].subject = fe_strdup(t);
			{
				char wb[300];
				const char *rw = json_string_value(json_array_get(roleref_item(c->items_after), 1));
				snprintf(wb, sizeof(wb), "%s%s%s", why, rw ? "," : "", rw ? rw : "");
				w[nw].why = fe_strdup(wb);
			}
			w[nw].start = c->t;
			w[nw].start_exact = c->before_known;
			w[nw].end = INT64_MAX;
			w[nw].opened = c;
			nw++;
			if (fe_nomem())
				break;
		}
		free(key);
		if (fe_nomem())
			break; /* a window with a part missing: the caller ends the run */
	}
	*count = nw;
	return w;
}

int
rd_report_exposure(struct rd *rd)
{
	struct window *w = NULL;
	size_t nw = 0, j, k;
	int any = 0;

	w = windows_of(rd, &nw);
	if (rd->header && !rd->json && !fe_nomem()) {
		puts("window\tstart\tend\tbinding\trole\tsubject\tdangerous\topened by\tclosed by");
		puts("request\ttime\tactor\tverb\ttarget\tcode\tsource_ip\tuser_agent\tvia_this_binding\treason");
	}
	/* memory running out stops the windows; the caller says so */
	for (j = 0; j < nw && !fe_nomem(); j++) {
		int anon = strstr(w[j].why, "anonymous") || strstr(w[j].why, "unauthenticated");
		size_t shown = 0;
		any = 1;
		if (window_head(rd, &w[j]) != 0)
			break;
		for (k = 0; anon && k < rd->nreqs; k++)
			if (!rd->reqs[k].hidden && in_window(&rd->reqs[k], &w[j]))
				window_request(rd, &w[j], &rd->reqs[k], shown++ == 0);
		if (rd->json)
			puts("]}");
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
