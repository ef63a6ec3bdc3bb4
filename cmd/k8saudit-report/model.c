/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The report's data: the tools' JSON lines folded into one document the
 * page embeds.  Strings that repeat (actors, rules, files, user agents)
 * are kept once in tables and referred to by index, so that 20,000
 * findings stay a few MB.  The document's layout is described in
 * k8saudit-report(1) (DATA) and read by report.js.
 */
#include <stdlib.h>
#include <string.h>

#include "report.h"

static const char *const sev_names[] = { "info", "low", "medium", "high", "critical" };

/* Strings kept once: name -> index, and the list. */
struct table {
	json_t *index; /* object: string -> integer */
	json_t *list;  /* array */
};

struct model {
	json_t *scope, *inputs, *results, *options, *trouble;
	struct table actors, rules, titles, paths, uas;
	json_t *actor_info;  /* array parallel to actors.list: objects */
	json_t *rule_info;   /* array parallel to rules.list */
	json_t *findings;    /* array of rows (see finding_row) */
	json_t *changes, *exposures;
	json_t *secrets;     /* object: fingerprint -> secret */
	json_t *chains;      /* object: access key -> identity chain */
	size_t rules_loaded;
	int has_rule_list, has_counts;
};

static int
table_init(struct table *t)
{
	t->index = json_object();
	t->list = json_array();
	return t->index && t->list ? 0 : -1;
}

static void
table_free(struct table *t)
{
	json_decref(t->index);
	json_decref(t->list);
}

/* The index of s, added when new; -1 for NULL (and when out of memory,
 * noted). */
static json_int_t
table_intern(struct table *t, const char *s)
{
	json_t *v;
	json_int_t i;

	if (s == NULL)
		return -1;
	if ((v = json_object_get(t->index, s)) != NULL)
		return json_integer_value(v);
	i = (json_int_t)json_array_size(t->list);
	if (json_object_set_new(t->index, s, json_integer(i)) != 0 ||
	    json_array_append_new(t->list, json_string(s)) != 0) {
		fe_nomem_note();
		return -1;
	}
	return i;
}

/* A string cut to REPORT_MAX_STRING bytes (at a character boundary),
 * saying how much was cut. */
static json_t *
cut_string(const char *s, size_t n)
{
	char note[64];
	size_t keep = REPORT_MAX_STRING;
	char *buf;
	json_t *j;

	if (n <= REPORT_MAX_STRING)
		return json_stringn(s, n);
	while (keep > 0 && ((unsigned char)s[keep] & 0xc0) == 0x80)
		keep--;
	snprintf(note, sizeof(note), "\xe2\x80\xa6 [%zu more bytes]", n - keep);
	if ((buf = malloc(keep + strlen(note) + 1)) == NULL)
		return NULL;
	memcpy(buf, s, keep);
	strcpy(buf + keep, note);
	j = json_string(buf);
	free(buf);
	return j;
}

/* A deep copy of v with every string cut (see cut_string); NULL for NULL. */
static json_t *
cut_copy(json_t *v)
{
	json_t *o, *x;
	const char *k;
	size_t i;

	if (v == NULL)
		return NULL;
	switch (json_typeof(v)) {
	case JSON_STRING:
		return cut_string(json_string_value(v), json_string_length(v));
	case JSON_OBJECT:
		if ((o = json_object()) == NULL)
			return NULL;
		json_object_foreach(v, k, x)
			json_object_set_new(o, k, cut_copy(x));
		return o;
	case JSON_ARRAY:
		if ((o = json_array()) == NULL)
			return NULL;
		json_array_foreach(v, i, x)
			json_array_append_new(o, cut_copy(x));
		return o;
	default:
		return json_deep_copy(v);
	}
}

static const char *
str(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static json_t *
str_or_null(const char *s)
{
	return s ? cut_string(s, strlen(s)) : json_null();
}

/* RFC 3339 text -> microseconds as a JSON integer, or null. */
static json_t *
time_us(const char *s)
{
	int64_t us;

	if (s == NULL || fe_parse_when(s, &us) != 0 || strchr(s, 'T') == NULL)
		return json_null();
	return json_integer((json_int_t)us);
}

static int64_t
time_val(json_t *t)
{
	return json_is_integer(t) ? (int64_t)json_integer_value(t) : INT64_MIN;
}

struct model *
model_new(void)
{
	struct model *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return NULL;
	m->scope = json_object();
	m->inputs = json_array();
	m->results = json_array();
	m->options = json_object();
	m->trouble = json_array();
	m->actor_info = json_array();
	m->rule_info = json_array();
	m->findings = json_array();
	m->changes = json_array();
	m->exposures = json_array();
	m->secrets = json_object();
	m->chains = json_object();
	if (!m->scope || !m->inputs || !m->results || !m->options || !m->trouble || !m->actor_info ||
	    !m->rule_info || !m->findings || !m->changes || !m->exposures || !m->secrets || !m->chains ||
	    table_init(&m->actors) || table_init(&m->rules) || table_init(&m->titles) ||
	    table_init(&m->paths) || table_init(&m->uas)) {
		model_free(m);
		return NULL;
	}
	return m;
}

void
model_free(struct model *m)
{
	if (m == NULL)
		return;
	json_decref(m->scope);
	json_decref(m->inputs);
	json_decref(m->results);
	json_decref(m->options);
	json_decref(m->trouble);
	json_decref(m->actor_info);
	json_decref(m->rule_info);
	json_decref(m->findings);
	json_decref(m->changes);
	json_decref(m->exposures);
	json_decref(m->secrets);
	json_decref(m->chains);
	table_free(&m->actors);
	table_free(&m->rules);
	table_free(&m->titles);
	table_free(&m->paths);
	table_free(&m->uas);
	free(m);
}

/* ---- scope ---- */

void
model_input(struct model *m, const char *path, int results)
{
	json_array_append_new(results ? m->results : m->inputs, str_or_null(path));
}

void
model_option(struct model *m, const char *name, const char *value)
{
	json_t *a = json_object_get(m->options, name);

	if (a == NULL) {
		a = json_array();
		json_object_set_new(m->options, name, a);
	}
	json_array_append_new(a, str_or_null(value));
}

void
model_title(struct model *m, const char *title)
{
	json_object_set_new(m->scope, "title", str_or_null(title));
}

void
model_trouble(struct model *m, const char *what)
{
	json_array_append_new(m->trouble, str_or_null(what));
}

static json_t *
set_keys(json_t *set)
{
	json_t *a = json_array(), *v;
	const char *k;

	json_object_foreach(set, k, v)
		json_array_append_new(a, str_or_null(k));
	return a;
}

void
model_counts(struct model *m, const struct scope_counts *sc)
{
	json_t *r = json_object();

	json_object_set_new(r, "total", json_integer((json_int_t)sc->records));
	json_object_set_new(r, "kubernetes", json_integer((json_int_t)sc->k8s));
	json_object_set_new(r, "cloudtrail", json_integer((json_int_t)sc->cloudtrail));
	json_object_set_new(r, "other", json_integer((json_int_t)sc->other));
	json_object_set_new(m->scope, "records", r);
	json_object_set_new(m->scope, "first", sc->first == INT64_MIN ? json_null() : json_integer(sc->first));
	json_object_set_new(m->scope, "last", sc->last == INT64_MIN ? json_null() : json_integer(sc->last));
	json_object_set_new(m->scope, "accounts", set_keys(sc->accounts));
	json_object_set_new(m->scope, "clusters", set_keys(sc->clusters));
	json_object_set_new(m->scope, "regions", set_keys(sc->regions));
	m->has_counts = 1;
}

/* ---- actors ---- */

static void
set_add(json_t *o, const char *member, const char *v)
{
	json_t *s = json_object_get(o, member);

	if (v == NULL || *v == '\0')
		return;
	if (s == NULL) {
		s = json_object();
		json_object_set_new(o, member, s);
	}
	if (json_object_get(s, v) == NULL && json_object_size(s) < REPORT_MAX_LIST)
		json_object_set_new(s, v, json_true());
	else if (json_object_get(s, v) == NULL)
		json_object_set_new(o, "more", json_true());
}

static const char *
actor_kind(json_t *a)
{
	const char *name = str(a, "name"), *type = str(a, "type");

	if (name == NULL)
		return "unknown";
	if (strcmp(name, "system:anonymous") == 0)
		return "anonymous";
	if (strncmp(name, "system:serviceaccount:", 22) == 0)
		return "service account";
	if (strncmp(name, "system:node:", 12) == 0)
		return "node";
	if (strncmp(name, "system:", 7) == 0)
		return "control plane";
	if (type && strcmp(type, "AWSService") == 0)
		return "AWS service";
	if (type && strcmp(type, "IAMUser") == 0)
		return "IAM user";
	if (type && strcmp(type, "Root") == 0)
		return "root";
	if (str(a, "session") || (str(a, "arn") && strstr(str(a, "arn"), ":assumed-role/")))
		return "IAM session";
	return "user";
}

/* The index of the actor o names (a k8saudit-json(5) actor), with what
 * this sighting adds: time, address, user agent. */
static json_int_t
actor_of(struct model *m, json_t *o, json_t *line, int64_t t)
{
	json_t *a = json_object_get(line, "actor"), *info;
	const char *name = str(a, "name");
	json_int_t i;
	size_t k;
	static const char *const copy[] = { "type", "uid", "arn", "canonical_arn", "account", "principal" };

	(void)o;
	if (name == NULL)
		name = "(unknown)";
	if ((i = table_intern(&m->actors, name)) < 0)
		return -1;
	if ((size_t)i == json_array_size(m->actor_info)) {
		info = json_object();
		json_object_set_new(info, "kind", json_string(actor_kind(a)));
		json_object_set_new(info, "first", json_null());
		json_object_set_new(info, "last", json_null());
		json_object_set_new(info, "severity", json_integer(-1));
		json_object_set_new(info, "findings", json_integer(0));
		json_object_set_new(info, "rules", json_object());
		json_array_append_new(m->actor_info, info);
	}
	info = json_array_get(m->actor_info, (size_t)i);
	if (info == NULL)
		return -1;
	for (k = 0; k < sizeof(copy) / sizeof(copy[0]); k++)
		if (str(a, copy[k]) && json_object_get(info, copy[k]) == NULL)
			json_object_set_new(info, copy[k], str_or_null(str(a, copy[k])));
	set_add(info, "keys", str(a, "access_key"));
	set_add(info, "sessions", str(a, "session"));
	set_add(info, "ips", str(line, "source_ip"));
	set_add(info, "user_agents", str(line, "user_agent"));
	if (t != INT64_MIN) {
		int64_t f = time_val(json_object_get(info, "first")), l = time_val(json_object_get(info, "last"));
		if (f == INT64_MIN || t < f)
			json_object_set_new(info, "first", json_integer(t));
		if (l == INT64_MIN || t > l)
			json_object_set_new(info, "last", json_integer(t));
	}
	return i;
}

/* ---- rules ---- */

static json_int_t
rule_of(struct model *m, const char *id, json_t *line)
{
	json_int_t i = table_intern(&m->rules, id);
	json_t *info, *mitre, *x;
	size_t k;

	if (i < 0)
		return -1;
	if ((size_t)i == json_array_size(m->rule_info)) {
		json_array_append_new(m->rule_info, json_object());
	}
	info = json_array_get(m->rule_info, (size_t)i);
	if (info == NULL)
		return -1;
	if (json_object_get(info, "mitre") == NULL && (mitre = json_object_get(line, "mitre")) != NULL) {
		json_t *a = json_array();
		json_array_foreach(mitre, k, x) {
			const char *t = json_string_value(x), *name = t ? mitre_technique_name(t) : NULL;
			json_t *p = json_array();
			json_array_append_new(p, str_or_null(t));
			json_array_append_new(p, str_or_null(name));
			json_array_append_new(a, p);
		}
		json_object_set_new(info, "mitre", a);
	}
	if (json_object_get(info, "guardduty") == NULL && str(line, "guardduty"))
		json_object_set_new(info, "guardduty", str_or_null(str(line, "guardduty")));
	return i;
}

/* ---- the lines ---- */

/* Where a record is: [path index, line, index, member]. */
static json_t *
source_row(struct model *m, json_t *line)
{
	json_t *s = json_object_get(line, "source"), *r = json_array();

	json_array_append_new(r, json_integer(table_intern(&m->paths, str(s, "path"))));
	json_array_append_new(r, json_deep_copy(json_object_get(s, "line") ? json_object_get(s, "line") : json_null()));
	json_array_append_new(r, json_deep_copy(json_object_get(s, "index") ? json_object_get(s, "index") : json_null()));
	json_array_append_new(r, str_or_null(str(s, "member")));
	return r;
}

static int
sev_num(const char *s)
{
	int i;

	for (i = 0; s && i < 5; i++)
		if (strcmp(s, sev_names[i]) == 0)
			return i;
	return -1;
}

/* A finding of k8saudit-findings --json, as the row
 * [time, severity, rule, title, actor, ip, user agent, what, source,
 *  event id, evidence]. */
static int
add_finding(struct model *m, json_t *l)
{
	json_t *row, *tj = time_us(str(l, "time")), *info, *rules, *c;
	int64_t t = time_val(tj);
	int sev = sev_num(str(l, "severity"));
	json_int_t r, a;
	const char *rule = str(l, "rule");

	if (sev < 0 || rule == NULL) {
		json_decref(tj);
		return 1;
	}
	r = rule_of(m, rule, l);
	a = actor_of(m, l, l, t);
	if ((row = json_array()) == NULL || r < 0 || a < 0) {
		json_decref(tj);
		json_decref(row);
		return -1;
	}
	json_array_append_new(row, tj);
	json_array_append_new(row, json_integer(sev));
	json_array_append_new(row, json_integer(r));
	json_array_append_new(row, json_integer(table_intern(&m->titles, str(l, "title"))));
	json_array_append_new(row, json_integer(a));
	json_array_append_new(row, str_or_null(str(l, "source_ip")));
	json_array_append_new(row, json_integer(table_intern(&m->uas, str(l, "user_agent"))));
	json_array_append_new(row, str_or_null(str(l, "what")));
	json_array_append_new(row, source_row(m, l));
	json_array_append_new(row, str_or_null(str(l, "event_id")));
	json_array_append_new(row, json_object_get(l, "evidence") ? cut_copy(json_object_get(l, "evidence")) : json_null());
	json_array_append_new(m->findings, row);

	info = json_array_get(m->actor_info, (size_t)a);
	if (sev > json_integer_value(json_object_get(info, "severity")))
		json_object_set_new(info, "severity", json_integer(sev));
	json_object_set_new(info, "findings", json_integer(json_integer_value(json_object_get(info, "findings")) + 1));
	rules = json_object_get(info, "rules");
	c = json_object_get(rules, rule);
	json_object_set_new(rules, rule, json_integer(c ? json_integer_value(c) + 1 : 1));
	return fe_nomem() ? -1 : 0;
}

/* An RBAC change of rbac-diff --json. */
static int
add_change(struct model *m, json_t *l)
{
	json_t *c = json_object(), *tj = time_us(str(l, "time")), *chain;
	const char *key = str(json_object_get(l, "actor"), "access_key");
	json_int_t a = actor_of(m, l, l, time_val(tj));
	size_t i;
	static const char *const copy[] = { "verb", "code", "ok", "kind", "namespace", "name", "changes",
		"dangerous", "before", "after", "identity_chain", "event_id", "source_ip", "aws" };

	if (c == NULL || a < 0) {
		json_decref(c);
		json_decref(tj);
		return -1;
	}
	json_object_set_new(c, "t", tj);
	json_object_set_new(c, "actor", json_integer(a));
	json_object_set_new(c, "ua", json_integer(table_intern(&m->uas, str(l, "user_agent"))));
	json_object_set_new(c, "src", source_row(m, l));
	for (i = 0; i < sizeof(copy) / sizeof(copy[0]); i++)
		if (json_object_get(l, copy[i]))
			json_object_set_new(c, copy[i], cut_copy(json_object_get(l, copy[i])));
	if (key && (chain = json_object_get(l, "identity_chain")) != NULL && json_object_get(m->chains, key) == NULL)
		json_object_set_new(m->chains, key, cut_copy(chain));
	json_array_append_new(m->changes, c);
	return fe_nomem() ? -1 : 0;
}

/* An exposure window of rbac-diff --exposure --json. */
static int
add_exposure(struct model *m, json_t *l)
{
	json_t *w = json_object(), *reqs = json_array(), *r;
	size_t i, n = 0;
	static const char *const copy[] = { "binding", "role", "subject", "start_exact", "end_exact", "dangerous",
		"opened_event_id", "closed_event_id" };

	if (w == NULL || reqs == NULL) {
		json_decref(w);
		json_decref(reqs);
		return -1;
	}
	for (i = 0; i < sizeof(copy) / sizeof(copy[0]); i++)
		if (json_object_get(l, copy[i]))
			json_object_set_new(w, copy[i], cut_copy(json_object_get(l, copy[i])));
	json_object_set_new(w, "start", time_us(str(l, "start")));
	json_object_set_new(w, "end", time_us(str(l, "end")));
	if (json_object_get(l, "opened_by")) {
		json_t *tmp = json_object();
		json_object_set(tmp, "actor", json_object_get(l, "opened_by"));
		json_object_set_new(w, "opened_by", json_integer(actor_of(m, tmp, tmp, INT64_MIN)));
		json_decref(tmp);
	}
	if (json_object_get(l, "closed_by")) {
		json_t *tmp = json_object();
		json_object_set(tmp, "actor", json_object_get(l, "closed_by"));
		json_object_set_new(w, "closed_by", json_integer(actor_of(m, tmp, tmp, INT64_MIN)));
		json_decref(tmp);
	}
	json_array_foreach(json_object_get(l, "requests"), i, r) {
		json_t *q = json_object(), *tj = time_us(str(r, "time"));
		if (n++ >= 1000) {
			json_decref(q);
			json_decref(tj);
			json_object_set_new(w, "requests_cut", json_integer((json_int_t)json_array_size(json_object_get(l, "requests"))));
			break;
		}
		json_object_set_new(q, "actor", json_integer(actor_of(m, r, r, time_val(tj))));
		json_object_set_new(q, "t", tj);
		json_object_set_new(q, "verb", str_or_null(str(r, "verb")));
		json_object_set_new(q, "target", str_or_null(str(r, "target")));
		if (json_object_get(r, "code"))
			json_object_set(q, "code", json_object_get(r, "code"));
		json_object_set_new(q, "ip", str_or_null(str(r, "source_ip")));
		json_object_set_new(q, "ua", json_integer(table_intern(&m->uas, str(r, "user_agent"))));
		json_object_set_new(q, "src", source_row(m, r));
		json_object_set_new(q, "event_id", str_or_null(str(r, "event_id")));
		json_array_append_new(reqs, q);
	}
	json_object_set_new(w, "requests", reqs);
	json_array_append_new(m->exposures, w);
	return fe_nomem() ? -1 : 0;
}

/* An occurrence of secret-scan --json: grouped by fingerprint.  Only the
 * preview is kept, never a "secret" member (--show-secrets output). */
static int
add_secret(struct model *m, json_t *l)
{
	const char *fp = str(l, "fingerprint");
	json_t *s = json_object_get(m->secrets, fp), *tj = time_us(str(l, "time")), *p;
	int64_t t = time_val(tj);
	size_t i;
	static const char *const copy[] = { "type", "confidence", "preview", "fingerprint", "length", "enrichment" };

	if (s == NULL) {
		s = json_object();
		for (i = 0; i < sizeof(copy) / sizeof(copy[0]); i++)
			if (json_object_get(l, copy[i]))
				json_object_set_new(s, copy[i], cut_copy(json_object_get(l, copy[i])));
		json_object_set_new(s, "first", json_null());
		json_object_set_new(s, "last", json_null());
		json_object_set_new(s, "n", json_integer(0));
		json_object_set_new(s, "places", json_array());
		json_object_set_new(m->secrets, fp, s);
	}
	if (t != INT64_MIN) {
		int64_t f = time_val(json_object_get(s, "first")), la = time_val(json_object_get(s, "last"));
		if (f == INT64_MIN || t < f)
			json_object_set_new(s, "first", json_integer(t));
		if (la == INT64_MIN || t > la)
			json_object_set_new(s, "last", json_integer(t));
	}
	json_object_set_new(s, "n", json_integer(json_integer_value(json_object_get(s, "n")) + 1));
	if (json_array_size(json_object_get(s, "places")) < REPORT_MAX_LIST) {
		p = json_object();
		json_object_set_new(p, "t", tj);
		tj = NULL;
		json_object_set_new(p, "actor", json_integer(actor_of(m, l, l, t)));
		json_object_set_new(p, "pointer", str_or_null(str(l, "pointer")));
		json_object_set_new(p, "src", source_row(m, l));
		json_object_set_new(p, "event_id", str_or_null(str(l, "event_id")));
		if (json_object_get(l, "decode"))
			json_object_set_new(p, "decode", cut_copy(json_object_get(l, "decode")));
		json_array_append_new(json_object_get(s, "places"), p);
	}
	json_decref(tj);
	return fe_nomem() ? -1 : 0;
}

/* A rule of k8saudit-findings --list-rules --json: what was loaded. */
static int
add_rule(struct model *m, json_t *l)
{
	json_int_t i = rule_of(m, str(l, "rule"), l);
	json_t *info = json_array_get(m->rule_info, (size_t)i);

	if (i < 0 || info == NULL)
		return -1;
	json_object_set_new(info, "title", str_or_null(str(l, "title")));
	json_object_set_new(info, "severity", str_or_null(str(l, "severity")));
	m->rules_loaded++;
	m->has_rule_list = 1;
	return fe_nomem() ? -1 : 0;
}

int
model_add(struct model *m, json_t *l)
{
	if (!json_is_object(l))
		return 1;
	if (str(l, "rule") && str(l, "defined_at"))
		return add_rule(m, l);
	if (str(l, "rule") && str(l, "severity") && json_object_get(l, "actor"))
		return add_finding(m, l);
	if (str(l, "binding") && json_object_get(l, "start") && json_object_get(l, "requests"))
		return add_exposure(m, l);
	if (str(l, "kind") && str(l, "verb") && json_object_get(l, "changes"))
		return add_change(m, l);
	if (str(l, "fingerprint") && str(l, "type") && str(l, "pointer"))
		return add_secret(m, l);
	return 1;
}

/* ---- the document ---- */

static int
row_time_cmp(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int64_t tx = time_val(json_array_get(x, 0)), ty = time_val(json_array_get(y, 0));
	json_int_t px, py;

	if (tx != ty)
		return tx < ty ? -1 : 1;
	/* the same time: input order */
	px = json_integer_value(json_array_get(x, 11));
	py = json_integer_value(json_array_get(y, 11));
	return px < py ? -1 : px > py;
}

static int
row_sev_cmp(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	json_int_t sx = json_integer_value(json_array_get(x, 1)), sy = json_integer_value(json_array_get(y, 1));

	if (sx != sy)
		return sx > sy ? -1 : 1;
	return row_time_cmp(a, b);
}

/* The findings in time order (ties in input order: the position is
 * appended to each row while sorting); over the cap, the most severe. */
static json_t *
sorted_findings(json_t *rows, size_t *dropped)
{
	size_t n = json_array_size(rows), i, keep;
	json_t **v = n ? malloc(n * sizeof(*v)) : NULL, *out = json_array();

	*dropped = 0;
	if ((n && v == NULL) || out == NULL) {
		free(v);
		json_decref(out);
		fe_nomem_note();
		return NULL;
	}
	for (i = 0; i < n; i++) {
		v[i] = json_array_get(rows, i);
		json_array_append_new(v[i], json_integer((json_int_t)i)); /* position, removed below */
	}
	keep = n;
	if (n > REPORT_MAX_FINDINGS) {
		qsort(v, n, sizeof(*v), row_sev_cmp);
		keep = REPORT_MAX_FINDINGS;
		*dropped = n - keep;
	}
	if (keep > 1) /* none: v is NULL, which qsort() must not get */
		qsort(v, keep, sizeof(*v), row_time_cmp);
	for (i = 0; i < keep; i++)
		json_array_append(out, v[i]);
	for (i = 0; i < n; i++)
		json_array_remove(v[i], 11);
	free(v);
	return out;
}

static json_t *
secrets_list(json_t *set)
{
	json_t *a = json_array(), *s;
	const char *k;

	/* in order of first sighting, as secret-scan --summary */
	json_object_foreach(set, k, s)
		json_array_append(a, s);
	return a;
}

/* Turn an actor's sets into lists, attach the chains of its keys. */
static void
actors_finish(struct model *m)
{
	json_t *info, *keys, *chains, *v;
	size_t i;
	const char *k;
	static const char *const sets[] = { "keys", "sessions", "ips", "user_agents" };

	json_array_foreach(m->actor_info, i, info) {
		size_t s;
		keys = json_object_get(info, "keys");
		chains = json_object();
		json_object_foreach(keys, k, v)
			if (json_object_get(m->chains, k))
				json_object_set(chains, k, json_object_get(m->chains, k));
		json_object_set_new(info, "chains", chains);
		for (s = 0; s < sizeof(sets) / sizeof(sets[0]); s++) {
			json_t *set = json_object_get(info, sets[s]);
			if (set)
				json_object_set_new(info, sets[s], set_keys(set));
			else
				json_object_set_new(info, sets[s], json_array());
		}
		json_object_set(info, "name", json_array_get(m->actors.list, i));
	}
}

json_t *
model_document(struct model *m, size_t *dropped)
{
	json_t *d = json_object(), *rules = json_array(), *info, *findings;
	size_t i;

	if (d == NULL || rules == NULL || (findings = sorted_findings(m->findings, dropped)) == NULL) {
		json_decref(d);
		json_decref(rules);
		return NULL;
	}
	actors_finish(m);
	json_array_foreach(m->rule_info, i, info) {
		json_object_set(info, "id", json_array_get(m->rules.list, i));
		json_array_append(rules, info);
	}
	json_object_set_new(d, "format", json_string("k8saudit-report 1"));
	json_object_set(m->scope, "inputs", m->inputs);
	json_object_set(m->scope, "results", m->results);
	json_object_set(m->scope, "options", m->options);
	json_object_set(m->scope, "trouble", m->trouble);
	json_object_set_new(m->scope, "rules_loaded", m->has_rule_list ? json_integer((json_int_t)m->rules_loaded) : json_null());
	if (!m->has_counts)
		json_object_set_new(m->scope, "records", json_null());
	json_object_set_new(m->scope, "findings_left_out", json_integer((json_int_t)*dropped));
	json_object_set(d, "scope", m->scope);
	json_object_set(d, "actors", m->actor_info);
	json_object_set_new(d, "rules", rules);
	json_object_set(d, "titles", m->titles.list);
	json_object_set(d, "paths", m->paths.list);
	json_object_set(d, "user_agents", m->uas.list);
	json_object_set_new(d, "findings", findings);
	json_object_set(d, "changes", m->changes);
	json_object_set(d, "exposures", m->exposures);
	json_object_set_new(d, "secrets", secrets_list(m->secrets));
	if (fe_nomem()) {
		json_decref(d);
		return NULL;
	}
	return d;
}
