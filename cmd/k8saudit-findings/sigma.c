/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * --sigma PATH: Sigma rules as rules of the set.  A detection rule is a
 * single-event rule (its id the Sigma id, its severity the level, its
 * techniques the attack.tNNNN tags, its author shown with each finding).
 * A correlation rule (event_count, value_count, temporal,
 * temporal_ordered) becomes a correlation whose candidates are the
 * records any rule it names matches; event and value counts run as
 * bursts (corr_burst.c), the temporal kinds in corr_sigma.c.  The rules a
 * correlation names report only through it unless it says generate: true.
 */
#include <stdlib.h>
#include <string.h>

#include "corr.h"

/* A loaded Sigma rule kept until correlations are resolved. */
struct loaded {
	k8a_sigma_rule *sr;
	struct rule *r;   /* NULL: a correlation, made afterwards */
	char *file;
	int dup;          /* its id is taken: left out */
};

struct load {
	struct ruleset *rs;
	struct loaded *v;
	size_t n;
};

void
sigma_extra_free(struct sigma_extra *x)
{
	size_t i;

	if (x == NULL)
		return;
	free(x->author);
	strv_free(&x->references);
	strv_free(&x->falsepositives);
	free(x->def);
	for (i = 0; i < x->nsteps; i++)
		k8a_expr_free(x->steps[i]);
	free(x->steps);
	free(x->kpaths);
	free(x->dpaths);
	free(x);
}

const struct cdef *
sigma_def(const struct rule *r)
{
	return r->sigma ? r->sigma->def : NULL;
}

static enum sev
level_sev(const char *level)
{
	if (level == NULL)
		return SEV_MEDIUM; /* Sigma's level is optional */
	if (strcmp(level, "informational") == 0)
		return SEV_INFO;
	if (strcmp(level, "low") == 0)
		return SEV_LOW;
	if (strcmp(level, "high") == 0)
		return SEV_HIGH;
	if (strcmp(level, "critical") == 0)
		return SEV_CRITICAL;
	return SEV_MEDIUM;
}

static int
strv_all(struct strv *s, char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strv_push(s, v[i]) != 0)
			return -1;
	return 0;
}

/* The rule of the set a Sigma rule makes (its expression taken), or NULL
 * when memory ran out (noted). */
static struct rule *
make_rule(k8a_sigma_rule *sr, const char *file)
{
	struct rule *r = calloc(1, sizeof(*r));
	struct sigma_extra *x = calloc(1, sizeof(*x));

	if (r == NULL || x == NULL) {
		free(r);
		free(x);
		fe_nomem_note();
		return NULL;
	}
	r->sigma = x;
	r->id = strdup(sr->id ? sr->id : sr->name);
	r->title = strdup(sr->title);
	r->file = strdup(file);
	x->author = sr->author ? strdup(sr->author) : NULL;
	r->line = sr->line;
	r->sev = level_sev(sr->level);
	r->source = sr->source;
	r->when = sr->when;
	sr->when = NULL;
	r->enabled = 1;
	if (r->id == NULL || r->title == NULL || r->file == NULL || (sr->author && x->author == NULL) ||
	    strv_all(&r->mitre, sr->techniques, sr->ntechniques) != 0 ||
	    strv_all(&x->references, sr->references, sr->nreferences) != 0 ||
	    strv_all(&x->falsepositives, sr->falsepositives, sr->nfalsepositives) != 0 ||
	    strv_push(&r->catalog, "sigma") != 0)
		fe_nomem_note();
	return r;
}

static void
take(void *arg, k8a_sigma_rule *sr, const char *file)
{
	struct load *ld = arg;
	struct loaded *nv = realloc(ld->v, (ld->n + 1) * sizeof(*nv));

	if (nv == NULL) {
		fe_nomem_note();
		k8a_sigma_rule_free(sr);
		return;
	}
	ld->v = nv;
	nv[ld->n].sr = sr;
	nv[ld->n].r = NULL;
	nv[ld->n].dup = 0;
	if ((nv[ld->n].file = strdup(file)) == NULL)
		fe_nomem_note();
	ld->n++;
}

/* The loaded rule a correlation names (by name, else id), or NULL. */
static struct loaded *
named(struct load *ld, const char *ref)
{
	size_t i;

	for (i = 0; i < ld->n; i++)
		if (ld->v[i].sr->name && strcmp(ld->v[i].sr->name, ref) == 0)
			return &ld->v[i];
	for (i = 0; i < ld->n; i++)
		if (ld->v[i].sr->id && strcmp(ld->v[i].sr->id, ref) == 0)
			return &ld->v[i];
	return NULL;
}

static char *
joined(char **v, size_t n)
{
	size_t i, len = 1;
	char *s;

	for (i = 0; i < n; i++)
		len += strlen(v[i]) + 1;
	if ((s = calloc(1, len)) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		if (i)
			strcat(s, ",");
		strcat(s, v[i]);
	}
	return s;
}

/* A correlation rule: its definition, candidates, and the rules it names
 * quieted unless it generates.  0, or 1 after an error said. */
static int
make_corr(struct ruleset *rs, struct load *ld, struct loaded *l)
{
	const struct k8a_sigma_corr *k = l->sr->corr;
	struct rule *r;
	struct cdef *d;
	struct sigma_extra *x;
	k8a_expr *when = NULL;
	size_t i;
	char where[4200];

	snprintf(where, sizeof(where), "%s:%u", l->file, l->sr->line);
	if ((r = make_rule(l->sr, l->file)) == NULL)
		return 0;
	x = r->sigma;
	r->correlation = 1;
	r->source = K8A_SRC_UNKNOWN;
	if ((x->steps = calloc(k->nrules, sizeof(*x->steps))) == NULL || (d = x->def = calloc(1, sizeof(*d))) == NULL) {
		fe_nomem_note();
		goto drop;
	}
	for (i = 0; i < k->nrules; i++) {
		struct loaded *b = named(ld, k->rules[i]);
		if (b == NULL || b->sr->corr != NULL) {
			fe_diag(where, "rule %s: correlation names '%s', %s", l->sr->title, k->rules[i],
				b ? "a correlation (not supported)" : "which no loaded Sigma rule is");
			goto bad;
		}
		if (r->source != K8A_SRC_UNKNOWN && r->source != b->sr->source) {
			fe_diag(where, "rule %s: correlation over Kubernetes and CloudTrail rules together", l->sr->title);
			goto bad;
		}
		r->source = b->sr->source;
		if ((x->steps[i] = k8a_sigma_detection(b->sr)) == NULL) {
			fe_nomem_note();
			goto drop;
		}
		x->nsteps++;
		if (!k->generate && b->r)
			b->r->enabled = 0; /* reports through the correlation */
		{
			k8a_expr *y = k8a_sigma_detection(b->sr);
			if (y == NULL || (when = when ? k8a_expr_or(when, y) : y) == NULL) {
				fe_nomem_note();
				goto drop;
			}
		}
	}
	r->when = when;
	when = NULL;
	if ((x->kpaths = joined(k->group_by, k->ngroup_by)) == NULL ||
	    (k->field && (x->dpaths = strdup(k->field)) == NULL)) {
		fe_nomem_note();
		goto drop;
	}
	d->id = r->id;
	d->key = KF_PATHS;
	d->kpaths = x->kpaths;
	d->window = k->timespan;
	d->threshold = (unsigned)(k->min_count > 1000000 ? 1000000 : k->min_count);
	switch (k->type) {
	case K8A_SIGMA_EVENT_COUNT:
		d->kind = C_BURST;
		d->distinct = KF_NONE;
		break;
	case K8A_SIGMA_VALUE_COUNT:
		d->kind = C_BURST;
		d->distinct = KF_PATHS;
		d->dpaths = x->dpaths;
		break;
	case K8A_SIGMA_TEMPORAL:
	case K8A_SIGMA_TEMPORAL_ORDERED:
		d->kind = C_SIGTEMP;
		d->mixed = k->type == K8A_SIGMA_TEMPORAL_ORDERED; /* in the order named */
		if (d->threshold > x->nsteps)
			d->threshold = (unsigned)x->nsteps;
		break;
	}
	rules_add(rs, r);
	return 0;
bad:
	rs->errors++;
drop:
	k8a_expr_free(when);
	r->enabled = 0;
	rules_add(rs, r); /* freed with the set, never run */
	return 1;
}

void
sigma_load_rules(struct ruleset *rs, const struct strv *paths)
{
	struct fe_sigma st = { 0 };
	struct load ld = { rs, NULL, 0 };
	size_t i, j;

	st.strict = rs->strict;
	for (i = 0; i < paths->n && !fe_nomem(); i++)
		fe_sigma_load(&st, paths->v[i], take, &ld);
	fe_sigma_summary(&st);
	rs->errors += (int)st.errors;
	/* detection rules first: correlations name them */
	for (i = 0; i < ld.n && !fe_nomem(); i++) {
		const char *id = ld.v[i].sr->id ? ld.v[i].sr->id : ld.v[i].sr->name;
		for (j = 0; j < rs->n && strcmp(rs->r[j]->id, id) != 0; j++)
			;
		if (j < rs->n) {
			char where[4200];
			snprintf(where, sizeof(where), "%s:%u", ld.v[i].file, ld.v[i].sr->line);
			fe_diag(where, "rule %s: id %s is already defined at %s:%u", ld.v[i].sr->title, id,
				rs->r[j]->file, rs->r[j]->line);
			rs->errors++;
			ld.v[i].dup = 1;
			continue;
		}
		if (ld.v[i].sr->corr == NULL && (ld.v[i].r = make_rule(ld.v[i].sr, ld.v[i].file)) != NULL)
			rules_add(rs, ld.v[i].r);
	}
	for (i = 0; i < ld.n && !fe_nomem(); i++)
		if (ld.v[i].sr->corr != NULL && !ld.v[i].dup)
			make_corr(rs, &ld, &ld.v[i]);
	for (i = 0; i < ld.n; i++) {
		k8a_sigma_rule_free(ld.v[i].sr);
		free(ld.v[i].file);
	}
	free(ld.v);
}
