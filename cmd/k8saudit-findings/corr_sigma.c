/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Sigma's temporal correlations: within the timespan, per group (the
 * group-by fields' values), records of each rule the correlation names
 * (temporal), or of each in the order named (temporal_ordered).  A
 * candidate keeps which of the rules it matches, as bits.
 */
#include <stdlib.h>
#include <string.h>

#include "corr.h"

#define MAX_STEPS 16

void
feed_sigtemp(struct rule *r, struct corr_ctx *cx, const struct cdef *d, k8a_event *ev, struct snap *s)
{
	const struct sigma_extra *x = r->sigma;
	char k1[4096];
	int bits = 0;
	size_t i;

	if (d->kpaths[0] == '\0')
		k1[0] = '\0';
	else if (!path_key(ev, d->kpaths, k1, sizeof(k1)))
		return; /* no value to group by */
	for (i = 0; i < x->nsteps && i < MAX_STEPS; i++) {
		int m = k8a_expr_match(x->steps[i], ev);
		if (m == K8A_FATAL) {
			fe_nomem_note();
			return;
		}
		if (m < 0) {
			/* never "no": the record is reported */
			fe_diag(k8a_event_where(ev), "%s: %s", r->id, k8a_event_error(ev));
			cx->trouble = 1;
		} else if (m == 1)
			bits |= 1 << i;
	}
	if (bits)
		keep(r, s, k1, "", bits, NULL);
}

static int
cmp_group_time(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	int c = strcmp(x->k1 ? x->k1 : "", y->k1 ? y->k1 : "");

	return c ? c : cmp_cand(a, b);
}

static void
report(struct rule *r, struct corr_ctx *cx, const struct cand *first, const struct cand *last, size_t count,
	int bits, int64_t window)
{
	const struct sigma_extra *x = r->sigma;
	json_t *e = json_object(), *rules = json_array();
	char tmp[32];
	size_t i;

	for (i = 0; i < x->nsteps && i < MAX_STEPS; i++)
		if (bits & (1 << i))
			json_array_append_new(rules, json_integer((json_int_t)i + 1));
	json_object_set_new(e, "group", json_string(last->k1 ? last->k1 : ""));
	json_object_set_new(e, "count", json_integer((json_int_t)count));
	json_object_set_new(e, "rules_matched", rules);
	json_object_set_new(e, "window_start", json_string(first->s->time_s ? first->s->time_s : ""));
	snprintf(tmp, sizeof(tmp), "%llds", (long long)(window / 1000000));
	json_object_set_new(e, "window", json_string(tmp));
	json_object_set_new(e, "first_location", json_string(first->s->where ? first->s->where : ""));
	findings_add(cx->out, r, last->s, r->sev, NULL, NULL, e);
}

/* Any order: the window ending at each record holds enough of the rules. */
static void
any_order(struct rule *r, struct corr_ctx *cx, struct corr *c, size_t a, size_t b)
{
	const struct cdef *d = c->def;
	size_t start = a, j, i;
	int64_t quiet_until = INT64_MIN;

	for (j = a; j < b; j++) {
		int bits = 0;
		unsigned have;
		const struct cand *x = &c->c[j];
		if (x->s->time == INT64_MIN)
			continue; /* in no window */
		while (start < j && (c->c[start].s->time == INT64_MIN ||
		    (uint64_t)x->s->time - (uint64_t)c->c[start].s->time > (uint64_t)d->window))
			start++;
		for (i = start; i <= j; i++)
			bits |= c->c[i].flag;
		have = (unsigned)__builtin_popcount((unsigned)bits);
		if (have < d->threshold || x->s->time <= quiet_until)
			continue;
		report(r, cx, &c->c[start], x, j - start + 1, bits, d->window);
		quiet_until = x->s->time + d->window;
	}
}

/* In order: start[k] is the latest start of a chain that has met rules
 * 1..k+1 in turn (the latest start leaves the most room in the window). */
static void
in_order(struct rule *r, struct corr_ctx *cx, struct corr *c, size_t a, size_t b)
{
	const struct cdef *d = c->def;
	size_t n = r->sigma->nsteps < MAX_STEPS ? r->sigma->nsteps : MAX_STEPS, j;
	int64_t start[MAX_STEPS];
	size_t from[MAX_STEPS];
	size_t k;

	for (k = 0; k < n; k++)
		start[k] = INT64_MIN;
	for (j = a; j < b; j++) {
		const struct cand *x = &c->c[j];
		if (x->s->time == INT64_MIN)
			continue;
		/* last step first: one record does not make two steps */
		for (k = n; k-- > 0;) {
			if (!(x->flag & (1 << k)))
				continue;
			if (k == 0) {
				start[0] = x->s->time;
				from[0] = j;
			} else if (start[k - 1] != INT64_MIN &&
				   (uint64_t)x->s->time - (uint64_t)start[k - 1] <= (uint64_t)d->window &&
				   (start[k] == INT64_MIN || start[k - 1] > start[k])) {
				start[k] = start[k - 1];
				from[k] = from[k - 1];
			}
		}
		if (start[n - 1] != INT64_MIN && (uint64_t)x->s->time - (uint64_t)start[n - 1] <= (uint64_t)d->window) {
			report(r, cx, &c->c[from[n - 1]], x, j - from[n - 1] + 1, (1 << n) - 1, d->window);
			for (k = 0; k < n; k++)
				start[k] = INT64_MIN;
		}
	}
}

void
finish_sigtemp(struct rule *r, struct corr_ctx *cx, struct corr *c)
{
	size_t a, b;

	if (r->sigma == NULL || r->sigma->nsteps == 0)
		return;
	qsort(c->c, c->n, sizeof(*c->c), cmp_group_time);
	for (a = 0; a < c->n; a = b) {
		for (b = a; b < c->n && streq(c->c[b].k1, c->c[a].k1); b++)
			;
		if (c->def->mixed)
			in_order(r, cx, c, a, b);
		else
			any_order(r, cx, c, a, b);
	}
}
