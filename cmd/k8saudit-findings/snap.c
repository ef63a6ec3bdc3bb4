/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Snapshots of records, evidence and the list of findings.  Records are
 * not kept: a finding holds a snapshot with the few strings it prints.
 */
#include <ctype.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "findings.h"

/* A snapshot and all its strings are one allocation: a record that some
 * rule matches costs one malloc, not thirty. */
struct strs {
	size_t at[40];       /* where in struct snap the pointer goes */
	const char *src[40]; /* the string (NULL: none) */
	size_t n, total;
};

static void
str_add(struct strs *ss, size_t at, const char *src)
{
	ss->at[ss->n] = at;
	ss->src[ss->n++] = src;
	if (src)
		ss->total += strlen(src) + 1;
}
#define STR(field, src) str_add(&ss, offsetof(struct snap, field), (src))

struct snap *
snap_new(k8a_event *ev, uint64_t seq)
{
	const struct k8a_origin *o = k8a_event_origin(ev);
	char ips[8192], what[8192], tgt[4096], cmd[4096], actor[2048], tbuf[64];
	const char *subres, *uri;
	enum k8a_source src = k8a_event_source(ev);
	struct strs ss = { .n = 0 };
	struct snap *s;
	char *pool;
	size_t i;
	json_t *g;
	struct fe_record rec;

	fe_record_parts(&rec, ev);

	/* times as every tool prints them (RFC 3339 UTC, microseconds) */
	if (k8a_event_time(ev) != INT64_MIN)
		k8a_time_format(k8a_event_time(ev), tbuf);
	STR(time_s, k8a_event_time(ev) != INT64_MIN ? tbuf : NULL);
	STR(id, k8a_event_str(ev, K8A_F_ID));
	STR(user, k8a_event_str(ev, K8A_F_USER));
	STR(uid, k8a_event_str(ev, K8A_F_UID));
	STR(arn, k8a_event_str(ev, K8A_F_ARN));
	STR(canonical_arn, k8a_event_str(ev, K8A_F_CANONICAL_ARN));
	STR(access_key, k8a_event_str(ev, K8A_F_ACCESS_KEY));
	STR(session, k8a_event_str(ev, K8A_F_SESSION));
	STR(principal, k8a_event_str(ev, K8A_F_PRINCIPAL));
	STR(account, k8a_event_str(ev, K8A_F_ACCOUNT));
	STR(impersonated, k8a_event_str(ev, K8A_F_IMPERSONATED));
	STR(ip, k8a_event_str(ev, K8A_F_SOURCE_IP));
	STR(peer, k8a_event_str(ev, K8A_F_PEER_IP));
	STR(ua, k8a_event_str(ev, K8A_F_USER_AGENT));
	STR(verb, k8a_event_str(ev, K8A_F_VERB));
	STR(resource, k8a_event_str(ev, K8A_F_RESOURCE));
	STR(subresource, subres = k8a_event_str(ev, K8A_F_SUBRESOURCE));
	STR(ns, k8a_event_str(ev, K8A_F_NAMESPACE));
	STR(name, k8a_event_str(ev, K8A_F_NAME));
	STR(code, k8a_event_str(ev, K8A_F_CODE));
	STR(region, k8a_event_str(ev, K8A_F_REGION));
	STR(uri, uri = k8a_event_str(ev, K8A_F_URI));
	fe_ips(ev, ips, sizeof(ips));
	STR(ips, ips);
	cmd[0] = '\0';
	if (src == K8A_SRC_K8S && subres && (strcmp(subres, "exec") == 0 || strcmp(subres, "attach") == 0)) {
		int nargs = k8a_exec_command(uri, cmd, sizeof(cmd));
		if (nargs == K8A_FATAL)
			fe_nomem_note(); /* not "no command" */
		else if (nargs > 0)
			STR(command, cmd);
	}
	fe_action(ev, what, sizeof(what));
	fe_target(ev, tgt, sizeof(tgt));
	/* a create names its object in the body, not in objectRef */
	if (src == K8A_SRC_K8S && k8a_event_str(ev, K8A_F_NAME) == NULL && k8a_event_str(ev, K8A_F_RESOURCE) &&
	    subres == NULL) {
		json_t *md = json_object_get(json_object_get(k8a_event_json(ev), "requestObject"), "metadata");
		const char *nm = json_string_value(json_object_get(md, "name"));
		size_t n = strlen(tgt);
		if (nm == NULL && (nm = json_string_value(json_object_get(md, "generateName"))) != NULL)
			nm = nm[0] ? nm : NULL;
		if (nm && n > 0 && tgt[n - 1] == '*')
			snprintf(tgt + n - 1, sizeof(tgt) - (n - 1), "%s", nm);
		else if (nm)
			snprintf(tgt + n, sizeof(tgt) - n, " %s", nm);
	}
	{
		size_t n = strlen(what);
		if (tgt[0] && n + 2 < sizeof(what))
			snprintf(what + n, sizeof(what) - n, " %s", tgt);
		n = strlen(what);
		if (cmd[0] && n + 4 < sizeof(what))
			snprintf(what + n, sizeof(what) - n, " -- %s", cmd);
	}
	STR(what, what);
	fe_actor(ev, actor, sizeof(actor));
	STR(actor_text, actor);
	STR(where, k8a_event_where(ev));
	STR(path, o->path);
	STR(member, o->member);
	STR(ident_type, rec.type);

	if ((s = calloc(1, sizeof(*s) + ss.total)) == NULL)
		return NULL;
	pool = (char *)(s + 1);
	for (i = 0; i < ss.n; i++)
		if (ss.src[i]) {
			*(char **)((char *)s + ss.at[i]) = pool;
			pool = stpcpy(pool, ss.src[i]) + 1;
		}
	s->refs = 1;
	s->seq = seq;
	s->source = src;
	s->time = k8a_event_time(ev);
	s->line = o->line;
	s->index = o->index;
	g = src == K8A_SRC_K8S ? json_object_get(json_object_get(k8a_event_json(ev), "user"), "groups") : NULL;
	if (json_is_array(g))
		s->groups = json_deep_copy(g);
	if (rec.impersonated_groups && json_array_size(rec.impersonated_groups))
		s->imp_groups = json_deep_copy(rec.impersonated_groups);
	if (rec.source_ips)
		s->source_ips = json_deep_copy(rec.source_ips);
	return s;
}

json_t *
snap_record(struct snap *s)
{
	struct fe_record r = {
		.k8s = s->source == K8A_SRC_K8S, .time = s->time, .event_id = s->id, .name = s->user,
		.uid = s->uid, .type = s->ident_type, .arn = s->arn, .canonical_arn = s->canonical_arn,
		.access_key = s->access_key, .session = s->session, .principal = s->principal,
		.account = s->account, .impersonated = s->impersonated, .source_ip = s->ip, .user_agent = s->ua,
		.path = s->path, .member = s->member, .groups = s->groups, .impersonated_groups = s->imp_groups,
		.source_ips = s->source_ips, .line = s->line, .index = s->index,
	};

	if (s->record == NULL) {
		if ((s->record = json_object()) == NULL) {
			fe_nomem_note();
			return NULL;
		}
		fe_record_put(s->record, &r);
	}
	return s->record;
}

struct snap *
snap_ref(struct snap *s)
{
	if (s)
		s->refs++;
	return s;
}

void
snap_unref(struct snap *s)
{
	if (s == NULL || --s->refs > 0)
		return;
	json_decref(s->groups);
	json_decref(s->imp_groups);
	json_decref(s->source_ips);
	json_decref(s->routine);
	json_decref(s->record);
	free(s); /* its strings with it */
}

int
snap_routine(struct snap *s, const struct rule *r, k8a_event *ev)
{
	int m = k8a_expr_match(r->routine, ev);

	if (m == K8A_FATAL)
		return K8A_FATAL;
	if (m < 0) {
		/* undecided (a regex limit): not routine, and said */
		fe_diag(k8a_event_where(ev), "%s: routine: %s", r->id, k8a_event_error(ev));
		return 1;
	}
	if (m == 0)
		return 0;
	if ((s->routine == NULL && (s->routine = json_array()) == NULL) ||
	    json_array_append_new(s->routine, json_string(r->id)) != 0)
		return K8A_FATAL;
	return 0;
}

/* ---- field values for evidence ---- */

/* A field of the event, read as expressions read it (k8a_fieldref). */
json_t *
field_value(k8a_event *ev, const char *field)
{
	struct k8a_err err;
	k8a_fieldref *f = k8a_fieldref_new(field, &err);
	json_t *v = f ? k8a_fieldref_value(f, ev) : NULL;

	if (f == NULL && err.code == K8A_FATAL)
		fe_nomem_note(); /* not an absent field */
	k8a_fieldref_free(f);
	return v;
}

json_t *
evidence_collect(const struct rule *r, k8a_event *ev)
{
	json_t *o = json_object();
	size_t i;

	for (i = 0; o && i < r->evidence.n; i++) {
		json_t *v = k8a_fieldref_value(r->evf[i], ev);
		if (v)
			json_object_set_new(o, r->evidence.v[i], v);
	}
	return o;
}

/* ---- the list of findings ---- */

void
findings_add(struct findings *fs, const struct rule *r, struct snap *ev, enum sev sev,
	const char *gd, const char *note, json_t *evidence)
{
	struct finding *f;

	if (fs->n == fs->cap) {
		size_t cap = fs->cap ? fs->cap * 2 : 64;
		struct finding *nf = realloc(fs->f, cap * sizeof(*nf));
		if (nf == NULL) {
			fe_nomem_note();
			json_decref(evidence);
			return;
		}
		fs->f = nf;
		fs->cap = cap;
	}
	f = &fs->f[fs->n];
	memset(f, 0, sizeof(*f));
	f->rule = r;
	f->ev = snap_ref(ev);
	f->sev = sev;
	f->guardduty = fe_strdup(gd);
	f->note = fe_strdup(note);
	f->evidence = evidence ? evidence : json_object();
	f->seq = fs->n;
	f->id = finding_id(f);
	fs->n++;
}

static int
cmp_finding(const void *a, const void *b)
{
	const struct finding *x = a, *y = b;

	if (x->ev->time != y->ev->time)
		return x->ev->time < y->ev->time ? -1 : 1;
	if (x->ev->seq != y->ev->seq)
		return x->ev->seq < y->ev->seq ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void
findings_sort(struct findings *fs)
{
	if (fs->n > 1)
		qsort(fs->f, fs->n, sizeof(*fs->f), cmp_finding);
}

void
finding_clear(struct finding *f)
{
	snap_unref(f->ev);
	free(f->guardduty);
	free(f->note);
	json_decref(f->evidence);
}

void
findings_free(struct findings *fs)
{
	size_t i;

	for (i = 0; i < fs->n; i++)
		finding_clear(&fs->f[i]);
	free(fs->f);
	memset(fs, 0, sizeof(*fs));
}
