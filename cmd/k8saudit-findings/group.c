/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Grouped views of the findings (--summary, --group-by): one line per
 * event, per actor or per rule, what a responder reads before the
 * findings themselves.  Findings arrive sorted by time.  An event's
 * findings are next to each other, so events are grouped as they come;
 * actors and rules are grouped by sorting pointers to the findings, so
 * the extra memory is a pointer per finding and a group per actor or
 * rule, at most GROUP_MAX groups.
 */
#include <stdlib.h>
#include <string.h>

#include "findings.h"

#define JFLAGS (JSON_COMPACT | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER)

/* One rule of a group, with the highest severity it reported there. */
struct grule {
	const struct rule *rule;
	enum sev sev;
	size_t order; /* of its first finding in the group */
};

/* Distinct strings in the order they came, at most GROUP_MAX_LIST. */
struct distinct {
	const char *v[GROUP_MAX_LIST];
	size_t n;
	int more; /* some were left out */
};

struct group {
	const struct finding *first; /* earliest finding: its record speaks for the group */
	int64_t t_first, t_last;     /* INT64_MIN: no finding had a time */
	size_t n, counts[SEV_COUNT_];
	enum sev sev;                /* the highest */
	struct grule *rules;
	size_t nrules, caprules;
	struct distinct ips, keys;   /* client addresses, access keys */
};

static void
group_reset(struct group *g)
{
	struct grule *keep = g->rules;
	size_t cap = g->caprules;

	memset(g, 0, sizeof(*g));
	g->rules = keep;
	g->caprules = cap;
	g->t_first = g->t_last = INT64_MIN;
}

static void
add_distinct(struct distinct *d, const char *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < d->n; i++)
		if (strcmp(d->v[i], s) == 0)
			return;
	if (d->n < GROUP_MAX_LIST)
		d->v[d->n++] = s;
	else
		d->more = 1;
}

/* Count a finding in the group.  0, or -1 when out of memory. */
static int
group_add(struct group *g, const struct finding *f)
{
	int64_t t = f->ev->time;
	size_t i;

	if (g->n++ == 0)
		g->first = f;
	g->counts[f->sev]++;
	if (f->sev > g->sev)
		g->sev = f->sev;
	if (t != INT64_MIN) {
		if (g->t_first == INT64_MIN || t < g->t_first)
			g->t_first = t;
		if (g->t_last == INT64_MIN || t > g->t_last)
			g->t_last = t;
	}
	add_distinct(&g->ips, f->ev->ip);
	add_distinct(&g->keys, f->ev->access_key);
	for (i = 0; i < g->nrules; i++)
		if (g->rules[i].rule == f->rule) {
			if (f->sev > g->rules[i].sev)
				g->rules[i].sev = f->sev;
			return 0;
		}
	if (g->nrules == g->caprules) {
		size_t cap = g->caprules ? 2 * g->caprules : 8;
		struct grule *nr = realloc(g->rules, cap * sizeof(*nr));
		if (nr == NULL)
			return -1;
		g->rules = nr;
		g->caprules = cap;
	}
	g->rules[g->nrules] = (struct grule){ f->rule, f->sev, g->nrules };
	g->nrules++;
	return 0;
}

/* A group's rules, most severe first, then in the order they came. */
static int
cmp_grule(const void *a, const void *b)
{
	const struct grule *x = a, *y = b;

	if (x->sev != y->sev)
		return x->sev > y->sev ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

/* The group is whole: its rules in the order they are shown. */
static void
group_end(struct group *g)
{
	if (g->nrules > 1)
		qsort(g->rules, g->nrules, sizeof(*g->rules), cmp_grule);
}

/* ---- what each view prints ---- */
static void
put_rules(FILE *fp, const struct group *g)
{
	size_t i;

	for (i = 0; i < g->nrules; i++) {
		if (i)
			fputc(' ', fp);
		fe_put(fp, g->rules[i].rule->id);
	}
	if (g->nrules == 0)
		fputc('-', fp);
}

static json_t *
rules_json(const struct group *g)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < g->nrules; i++)
		json_array_append_new(a, json_string(g->rules[i].rule->id));
	return a;
}

/* "2 critical, 5 high", most severe first. */
static void
put_counts(FILE *fp, const struct group *g)
{
	int s, any = 0;

	for (s = SEV_CRITICAL; s >= SEV_INFO; s--)
		if (g->counts[s]) {
			fprintf(fp, "%s%zu %s", any ? ", " : "", g->counts[s], sev_names[s]);
			any = 1;
		}
}

static json_t *
counts_json(const struct group *g)
{
	json_t *o = json_object();
	int s;

	for (s = SEV_CRITICAL; o && s >= SEV_INFO; s--)
		if (g->counts[s])
			json_object_set_new(o, sev_names[s], json_integer((json_int_t)g->counts[s]));
	return o;
}

static void
put_distinct(FILE *fp, const struct distinct *d)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		if (i)
			fputc(',', fp);
		fe_put(fp, d->v[i]);
	}
	if (d->n == 0)
		fputc('-', fp);
	if (d->more)
		fputs(" and more", fp);
}

/* The list as an array named key, and key_truncated: true when some
 * were left out. */
static void
set_distinct(json_t *o, const char *key, const struct distinct *d)
{
	json_t *a = json_array();
	char more[64];
	size_t i;

	for (i = 0; a && i < d->n; i++)
		json_array_append_new(a, json_string(d->v[i]));
	json_object_set_new(o, key, a);
	if (d->more) {
		snprintf(more, sizeof(more), "%s_truncated", key);
		json_object_set_new(o, more, json_true());
	}
}

/* Copy the record's members (k8saudit-json(5)) named in keys. */
static void
copy_record(json_t *o, struct snap *s, const char *const *keys)
{
	for (; *keys; keys++)
		if (json_object_get(snap_record(s), *keys))
			json_object_set(o, *keys, json_object_get(snap_record(s), *keys));
}

static void
tab(FILE *fp)
{
	fputc('\t', fp);
}

static void
event_tsv(FILE *fp, const struct group *g)
{
	const struct snap *s = g->first->ev;

	fe_put(fp, s->time_s);
	tab(fp);
	fputs(sev_names[g->sev], fp);
	tab(fp);
	fe_put(fp, s->actor_text);
	tab(fp);
	fe_put(fp, s->ips);
	tab(fp);
	fe_put(fp, s->what);
	tab(fp);
	put_rules(fp, g);
	tab(fp);
	output_short_location(fp, s);
	fputc('\n', fp);
}

static json_t *
event_json(const struct group *g)
{
	static const char *const first[] = { "time", NULL };
	static const char *const rest[] = { "event_id", "actor", "source_ip", "source_ips", "user_agent", NULL };
	struct snap *s = g->first->ev;
	json_t *o = json_object();

	copy_record(o, s, first);
	json_object_set_new(o, "severity", json_string(sev_names[g->sev]));
	json_object_set_new(o, "rules", rules_json(g));
	copy_record(o, s, rest);
	if (s->what)
		json_object_set_new(o, "what", json_string(s->what));
	json_object_set(o, "source", json_object_get(snap_record(s), "source"));
	return o;
}

/* The actor's name as the summary shows it: the user, and the user it
 * impersonated (the access keys have their own column). */
static void
put_actor_name(FILE *fp, const struct snap *s)
{
	fe_put(fp, s->user);
	if (s->impersonated) {
		fputs(" (as ", fp);
		fe_put(fp, s->impersonated);
		fputc(')', fp);
	}
}

static void
actor_tsv(FILE *fp, const struct group *g)
{
	const struct snap *s = g->first->ev;

	fputs(sev_names[g->sev], fp);
	tab(fp);
	put_actor_name(fp, s);
	tab(fp);
	put_distinct(fp, &g->keys);
	tab(fp);
	put_distinct(fp, &g->ips);
	tab(fp);
	fe_put_time(fp, g->t_first);
	tab(fp);
	fe_put_time(fp, g->t_last);
	tab(fp);
	fprintf(fp, "%zu", g->n);
	tab(fp);
	put_counts(fp, g);
	tab(fp);
	put_rules(fp, g);
	fputc('\n', fp);
}

/* The actor as its earliest finding's record tells it, without the
 * access key: an actor's findings may come with several (access_keys). */
static json_t *
actor_json(const struct group *g)
{
	json_t *o = json_object();
	json_t *a = json_deep_copy(json_object_get(snap_record(g->first->ev), "actor"));

	if (a == NULL || o == NULL) {
		json_decref(a);
		json_decref(o);
		return NULL;
	}
	json_object_del(a, "access_key");
	json_object_set_new(o, "severity", json_string(sev_names[g->sev]));
	json_object_set_new(o, "actor", a);
	set_distinct(o, "access_keys", &g->keys);
	set_distinct(o, "source_ips", &g->ips);
	json_object_set_new(o, "first", fe_time_json(g->t_first));
	json_object_set_new(o, "last", fe_time_json(g->t_last));
	json_object_set_new(o, "findings", json_integer((json_int_t)g->n));
	json_object_set_new(o, "by_severity", counts_json(g));
	json_object_set_new(o, "rules", rules_json(g));
	return o;
}

static void
rule_tsv(FILE *fp, const struct group *g)
{
	const struct rule *r = g->first->rule;

	fputs(sev_names[g->sev], fp);
	tab(fp);
	fe_put(fp, r->id);
	tab(fp);
	fe_put(fp, r->title);
	tab(fp);
	fe_put_time(fp, g->t_first);
	tab(fp);
	fe_put_time(fp, g->t_last);
	tab(fp);
	fprintf(fp, "%zu", g->n);
	tab(fp);
	put_counts(fp, g);
	fputc('\n', fp);
}

static json_t *
rule_json(const struct group *g)
{
	const struct rule *r = g->first->rule;
	json_t *o = json_object();

	json_object_set_new(o, "severity", json_string(sev_names[g->sev]));
	json_object_set_new(o, "rule", json_string(r->id));
	json_object_set_new(o, "title", json_string(r->title));
	json_object_set_new(o, "first", fe_time_json(g->t_first));
	json_object_set_new(o, "last", fe_time_json(g->t_last));
	json_object_set_new(o, "findings", json_integer((json_int_t)g->n));
	json_object_set_new(o, "by_severity", counts_json(g));
	return o;
}

static const struct view {
	const char *name, *header;
	void (*tsv)(FILE *, const struct group *);
	json_t *(*json)(const struct group *);
} views[] = {
	[GROUP_EVENT] = { "event", "time\tseverity\tactor\tsource_ips\twhat\trules\tlocation", event_tsv, event_json },
	[GROUP_ACTOR] = { "actor", "severity\tname\taccess_keys\tsource_ips\tfirst\tlast\tfindings\tby_severity\trules",
		actor_tsv, actor_json },
	[GROUP_RULE] = { "rule", "severity\trule\ttitle\tfirst\tlast\tfindings\tby_severity", rule_tsv, rule_json },
};

int
group_parse(const char *name, enum grouping *g)
{
	int i;

	for (i = GROUP_EVENT; i <= GROUP_RULE; i++)
		if (strcmp(name, views[i].name) == 0) {
			*g = (enum grouping)i;
			return 0;
		}
	return -1;
}

/* 0, or -1 when it could not be made into JSON (out of memory); a
 * write error is told at the end (fe_finish_stdout). */
static int
put_group(FILE *fp, const struct view *v, int json, const struct group *g)
{
	json_t *o;

	if (!json) {
		v->tsv(fp, g);
		return 0;
	}
	if ((o = v->json(g)) == NULL)
		return -1;
	json_dumpf(o, fp, JFLAGS);
	fputc('\n', fp);
	json_decref(o);
	return 0;
}

/* ---- by event: adjacent findings of one record ---- */
static int
by_event(FILE *fp, int json, const struct findings *fs, int min_sev)
{
	struct group g = { 0 };
	size_t i;
	int rc = 0;

	group_reset(&g);
	for (i = 0; i < fs->n && rc == 0; i++) {
		const struct finding *f = &fs->f[i];
		if ((int)f->sev < min_sev)
			continue;
		if (g.n && g.first->ev != f->ev) {
			group_end(&g);
			rc = put_group(fp, &views[GROUP_EVENT], json, &g);
			group_reset(&g);
		}
		if (rc == 0)
			rc = group_add(&g, f);
	}
	if (rc == 0 && g.n) {
		group_end(&g);
		rc = put_group(fp, &views[GROUP_EVENT], json, &g);
	}
	free(g.rules);
	return rc;
}

/* ---- by actor or rule: findings sorted by key, then grouped ---- */
static int
strcmp_null(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

/* Pointers to findings in time order; a tie keeps the time order. */
static int
cmp_actor(const void *a, const void *b)
{
	const struct finding *x = *(const struct finding *const *)a, *y = *(const struct finding *const *)b;
	int c;

	if ((c = strcmp_null(x->ev->user, y->ev->user)) != 0 ||
	    (c = strcmp_null(x->ev->impersonated, y->ev->impersonated)) != 0)
		return c;
	return x < y ? -1 : x > y;
}

static int
cmp_rule(const void *a, const void *b)
{
	const struct finding *x = *(const struct finding *const *)a, *y = *(const struct finding *const *)b;
	int c = strcmp(x->rule->id, y->rule->id);

	return c ? c : x < y ? -1 : x > y;
}

/* Most severe first: by the highest severity, then by the counts from
 * critical down, then the earliest first. */
static int
cmp_group(const void *a, const void *b)
{
	const struct group *x = a, *y = b;
	int s;

	for (s = SEV_CRITICAL; s >= SEV_INFO; s--)
		if (x->counts[s] != y->counts[s])
			return x->counts[s] > y->counts[s] ? -1 : 1;
	if (x->t_first != y->t_first)
		return x->t_first < y->t_first ? -1 : 1;
	return x->first < y->first ? -1 : x->first > y->first;
}

static int
same_key(enum grouping view, const struct finding *x, const struct finding *y)
{
	if (view == GROUP_RULE)
		return x->rule == y->rule;
	return strcmp_null(x->ev->user, y->ev->user) == 0 && strcmp_null(x->ev->impersonated, y->ev->impersonated) == 0;
}

/* The groups of the findings p[0..n), sorted by key, into *out.  Their
 * number, or -1 after a message (too many, out of memory). */
static long
make_groups(enum grouping view, const struct finding **p, size_t n, struct group **out)
{
	struct group *gs = NULL, *g;
	size_t i, ng = 0, cap = 0;

	for (i = 0; i < n; i++) {
		if (ng == 0 || !same_key(view, gs[ng - 1].first, p[i])) {
			if (ng)
				group_end(&gs[ng - 1]);
			if (ng == GROUP_MAX) {
				fe_diag(NULL, "--group-by %s: more than %d %ss to group; nothing grouped is printed "
					"(narrow the input with -w, --since, --until, --rule or --min-severity)",
					views[view].name, GROUP_MAX, views[view].name);
				goto fail;
			}
			if (ng == cap) {
				size_t nc = cap ? 2 * cap : 64;
				if ((g = realloc(gs, nc * sizeof(*gs))) == NULL)
					goto nomem;
				gs = g;
				cap = nc;
			}
			memset(&gs[ng], 0, sizeof(gs[ng]));
			group_reset(&gs[ng++]);
		}
		if (group_add(&gs[ng - 1], p[i]) != 0)
			goto nomem;
	}
	if (ng)
		group_end(&gs[ng - 1]);
	*out = gs;
	return (long)ng;
nomem:
	fe_diag(NULL, "out of memory");
fail:
	for (i = 0; i < ng; i++)
		free(gs[i].rules);
	free(gs);
	return -1;
}

static int
by_key(FILE *fp, enum grouping view, int json, const struct findings *fs, int min_sev)
{
	const struct finding **p = malloc((fs->n ? fs->n : 1) * sizeof(*p));
	struct group *gs = NULL;
	size_t i, n = 0;
	long ng;
	int rc = 0;

	if (p == NULL) {
		fe_diag(NULL, "out of memory");
		return -1;
	}
	for (i = 0; i < fs->n; i++)
		if ((int)fs->f[i].sev >= min_sev)
			p[n++] = &fs->f[i];
	qsort(p, n, sizeof(*p), view == GROUP_RULE ? cmp_rule : cmp_actor);
	ng = make_groups(view, p, n, &gs);
	free(p);
	if (ng < 0)
		return -1;
	if (ng > 1) /* gs is NULL with no group */
		qsort(gs, (size_t)ng, sizeof(*gs), cmp_group);
	for (i = 0; i < (size_t)ng; i++) {
		if (rc == 0 && put_group(fp, &views[view], json, &gs[i]) != 0) {
			fe_diag(NULL, "out of memory");
			rc = -1;
		}
		free(gs[i].rules);
	}
	free(gs);
	return rc;
}

int
group_print(FILE *fp, enum grouping view, int json, int header, const struct findings *fs, int min_sev)
{
	if (header && !json)
		fprintf(fp, "%s\n", views[view].header);
	if (view == GROUP_EVENT) {
		if (by_event(fp, json, fs, min_sev) == 0)
			return 0;
		fe_diag(NULL, "out of memory");
		return -1;
	}
	return by_key(fp, view, json, fs, min_sev);
}
