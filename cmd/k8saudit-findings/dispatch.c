/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Which rules a record is worth parsing for, decided from its text.
 *
 * Most rules require one value of one field: the resource of a Kubernetes
 * request, the eventName of a CloudTrail record.  Rules are grouped by that
 * value, so a record is only tried against the rules of its own value and
 * the few that require none.  Each of those is then tried against the
 * library's quick scan (k8a_expr_may_match) and its literals
 * (k8a_event_may_contain), both exact: a record is parsed only when some
 * rule may match it.  Records the scan cannot read go to every rule, and so
 * to the parser, which reports what is wrong with them.
 */
#include <stdlib.h>
#include <string.h>

#include "findings.h"

#define NBUCKETS 512

struct group {
	struct group *next;
	char *key;
	size_t len;
	size_t *rules, n; /* the key's rules and the keyless ones, in catalog order */
};

struct side {
	enum k8a_source source;
	enum k8a_field field;    /* the field rules are grouped by */
	struct group *bucket[NBUCKETS];
	size_t *keyless, nkeyless; /* rules that require no value */
};

struct dispatch {
	const struct ruleset *rs;
	int on; /* 0: every rule for every record (--no-prefilter) */
	struct side side[2]; /* Kubernetes, CloudTrail */
	size_t *all, nall;   /* every enabled rule, for records the scan cannot read */
	/* literals, numbered; per rule the numbers of its literals */
	char **lit;
	size_t *litlen, nlit;
	size_t **rule_lits, *rule_nlits; /* rule_nlits SIZE_MAX: no literals */
	/* per record: 0 not looked for yet, 1 may occur, 2 cannot */
	unsigned char *state;
	unsigned *gen, now;
};

static size_t
hash(const char *s, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h % NBUCKETS;
}

static int
push(size_t **v, size_t *n, size_t x)
{
	size_t *nv = realloc(*v, (*n + 1) * sizeof(**v));

	if (nv == NULL)
		return -1;
	*v = nv;
	(*v)[(*n)++] = x;
	return 0;
}

static struct group *
group_of(struct side *sd, const char *key, size_t len, int create)
{
	struct group **g = &sd->bucket[hash(key, len)];

	for (; *g; g = &(*g)->next)
		if ((*g)->len == len && memcmp((*g)->key, key, len) == 0)
			return *g;
	if (!create || (*g = calloc(1, sizeof(**g))) == NULL)
		return NULL;
	if (((*g)->key = strndup(key, len)) == NULL) {
		free(*g);
		*g = NULL;
		return NULL;
	}
	(*g)->len = len;
	return *g;
}

static size_t
lit_number(struct dispatch *d, const char *s)
{
	size_t i, len = strlen(s);
	char **nl;
	size_t *nlen;

	for (i = 0; i < d->nlit; i++)
		if (d->litlen[i] == len && memcmp(d->lit[i], s, len) == 0)
			return i;
	if ((nl = realloc(d->lit, (d->nlit + 1) * sizeof(*nl))) == NULL)
		return SIZE_MAX;
	d->lit = nl;
	if ((nlen = realloc(d->litlen, (d->nlit + 1) * sizeof(*nlen))) == NULL)
		return SIZE_MAX;
	d->litlen = nlen;
	if ((d->lit[d->nlit] = strdup(s)) == NULL)
		return SIZE_MAX;
	d->litlen[d->nlit] = len;
	return d->nlit++;
}

/* Group one source's enabled rules by their required value. */
static int
side_build(struct dispatch *d, struct side *sd)
{
	const struct ruleset *rs = d->rs;
	size_t k, i;

	for (k = 0; k < rs->n; k++) {
		const char *const *vals;
		size_t nv;
		if (!rs->r[k]->enabled || rs->r[k]->source != sd->source)
			continue;
		nv = k8a_expr_required(rs->r[k]->when, sd->field, &vals);
		if (nv == 0 && push(&sd->keyless, &sd->nkeyless, k) != 0)
			return -1;
		for (i = 0; i < nv; i++) {
			struct group *g = group_of(sd, vals[i], strlen(vals[i]), 1);
			if (g == NULL)
				return -1;
			if ((g->n == 0 || g->rules[g->n - 1] != k) && push(&g->rules, &g->n, k) != 0)
				return -1;
		}
	}
	/* merge the keyless rules into every group, keeping catalog order */
	for (i = 0; i < NBUCKETS; i++) {
		struct group *g;
		for (g = sd->bucket[i]; g; g = g->next) {
			size_t *m = calloc(g->n + sd->nkeyless + 1, sizeof(*m)), a = 0, b = 0, n = 0;
			if (m == NULL)
				return -1;
			while (a < g->n || b < sd->nkeyless)
				m[n++] = b >= sd->nkeyless || (a < g->n && g->rules[a] < sd->keyless[b]) ?
					g->rules[a++] : sd->keyless[b++];
			free(g->rules);
			g->rules = m;
			g->n = n;
		}
	}
	return 0;
}

struct dispatch *
dispatch_new(const struct ruleset *rs, int on)
{
	struct dispatch *d = calloc(1, sizeof(*d));
	size_t k, j;

	if (d == NULL)
		return NULL;
	d->rs = rs;
	d->on = on;
	d->side[0].source = K8A_SRC_K8S;
	d->side[0].field = K8A_F_RESOURCE;
	d->side[1].source = K8A_SRC_CLOUDTRAIL;
	d->side[1].field = K8A_F_VERB;
	if ((d->rule_lits = calloc(rs->n + 1, sizeof(*d->rule_lits))) == NULL ||
	    (d->rule_nlits = calloc(rs->n + 1, sizeof(*d->rule_nlits))) == NULL)
		goto fail;
	for (k = 0; k < rs->n; k++) {
		const char *const *l = rule_literals(rs->r[k]);
		size_t n = 0;
		d->rule_nlits[k] = SIZE_MAX;
		if (!rs->r[k]->enabled)
			continue;
		if (push(&d->all, &d->nall, k) != 0)
			goto fail;
		if (l == NULL)
			continue;
		while (l[n])
			n++;
		if ((d->rule_lits[k] = calloc(n + 1, sizeof(size_t))) == NULL)
			goto fail;
		for (j = 0; j < n; j++)
			if ((d->rule_lits[k][j] = lit_number(d, l[j])) == SIZE_MAX)
				goto fail;
		d->rule_nlits[k] = n;
	}
	if ((d->state = calloc(d->nlit + 1, 1)) == NULL || (d->gen = calloc(d->nlit + 1, sizeof(unsigned))) == NULL)
		goto fail;
	if (side_build(d, &d->side[0]) != 0 || side_build(d, &d->side[1]) != 0)
		goto fail;
	return d;
fail:
	dispatch_free(d);
	return NULL;
}

const size_t *
dispatch_rules(struct dispatch *d, k8a_event *ev, size_t *n)
{
	enum k8a_source src = d->on ? k8a_event_peek_source(ev) : K8A_SRC_UNKNOWN;
	struct side *sd = src == K8A_SRC_K8S ? &d->side[0] : src == K8A_SRC_CLOUDTRAIL ? &d->side[1] : NULL;
	struct group *g;
	const char *key;
	size_t len;

	if (++d->now == 0) {
		memset(d->gen, 0, (d->nlit + 1) * sizeof(unsigned));
		d->now = 1;
	}
	if (!d->on || sd == NULL || !k8a_event_peek(ev, sd->field, &key, &len)) {
		*n = d->nall;
		return d->all;
	}
	if (key == NULL || (g = group_of(sd, key, len, 0)) == NULL) {
		*n = sd->nkeyless;
		return sd->keyless;
	}
	*n = g->n;
	return g->rules;
}

int
dispatch_worth(struct dispatch *d, size_t k, k8a_event *ev)
{
	size_t j;

	if (!d->on)
		return 1;
	if (!k8a_expr_may_match(d->rs->r[k]->when, ev))
		return 0;
	if (d->rule_nlits[k] == SIZE_MAX)
		return 1;
	for (j = 0; j < d->rule_nlits[k]; j++) {
		size_t i = d->rule_lits[k][j];
		if (d->gen[i] != d->now) {
			d->gen[i] = d->now;
			d->state[i] = k8a_event_may_contain(ev, d->lit[i], d->litlen[i]) ? 1 : 2;
		}
		if (d->state[i] == 1)
			return 1;
	}
	return 0;
}

void
dispatch_free(struct dispatch *d)
{
	size_t i, s;

	if (d == NULL)
		return;
	for (s = 0; s < 2; s++) {
		for (i = 0; i < NBUCKETS; i++) {
			struct group *g = d->side[s].bucket[i], *next;
			for (; g; g = next) {
				next = g->next;
				free(g->key);
				free(g->rules);
				free(g);
			}
		}
		free(d->side[s].keyless);
	}
	for (i = 0; i < d->nlit; i++)
		free(d->lit[i]);
	for (i = 0; d->rule_lits && i < d->rs->n; i++)
		free(d->rule_lits[i]);
	free(d->lit);
	free(d->litlen);
	free(d->rule_lits);
	free(d->rule_nlits);
	free(d->state);
	free(d->gen);
	free(d->all);
	free(d);
}
