/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Bursts: more than a threshold of requests (or of distinct values) by
 * one group within a window.  Run as the input goes, so memory follows the
 * window, not the input.
 */
#include <stdlib.h>
#include <string.h>

#include "corr.h"

static int
cmp_group(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	int c = strcmp(x->k1 ? x->k1 : "", y->k1 ? y->k1 : "");

	return c ? c : cmp_cand(a, b);
}

static void burst_run(struct rule *r, struct corr_ctx *cx, struct corr *c, int final, int64_t cutoff);

static void
burst_keep(struct rule *r, const struct cdef *d, k8a_event *ev, struct snap *s)
{
	char k1[4096], k2[4096];
	json_t *vals, *v;
	size_t i;

	if (d->key != KF_PATHS) {
		group_key(d->key, ev, k1, sizeof(k1));
		group_key(d->distinct, ev, k2, sizeof(k2));
		keep(r, s, k1, k2, denied(ev) ? 2 : 1, NULL);
		return;
	}
	if (d->kpaths[0] == '\0')
		k1[0] = '\0'; /* one group: every record (a Sigma count without group-by) */
	else if (!path_key(ev, d->kpaths, k1, sizeof(k1)))
		return;
	if (d->distinct != KF_PATHS) {
		keep(r, s, k1, "", 1, NULL);
		return;
	}
	/* one candidate per value: GetParameters names several */
	vals = json_array();
	path_values(ev, d->dpaths, vals, 1);
	json_array_foreach(vals, i, v) {
		const char *x = json_string_value(v);
		if (d->public_only && !public_ip(x, strlen(x)))
			continue;
		keep(r, s, k1, x, 1, NULL);
	}
	json_decref(vals);
}

void
feed_burst(struct rule *r, struct corr_ctx *cx, const struct cdef *d, k8a_event *ev, struct snap *s)
{
	struct corr *c;

	burst_keep(r, d, ev, s);
	if ((c = r->corr) == NULL || d->window <= 0)
		return;
	if (s->time != INT64_MIN && s->time > c->maxtime)
		c->maxtime = s->time;
	if (c->compact_at == 0)
		c->compact_at = 1 << 16;
	/* a shard's partial keeps every candidate: the merge's end runs
	 * the windows over the records of all shards */
	if (c->n >= c->compact_at && c->maxtime > 0 && !cx->partial) {
		/* input is roughly in time order; leave two windows of slack */
		burst_run(r, cx, c, 0, c->maxtime - 2 * d->window);
		c->compact_at = c->n * 2 > (1u << 16) ? c->n * 2 : 1u << 16;
	}
}

/* Run the burst windows over the kept candidates.  Unless `final`, only
 * bursts ending at or before `cutoff` are reported, and afterwards the
 * candidates no window after the cutoff can reach are dropped. */
static void
burst_run(struct rule *r, struct corr_ctx *cx, struct corr *c, int final, int64_t cutoff)
{
	const struct cdef *d = c->def;
	size_t a = 0, b, j;

	if (c->quiet == NULL)
		c->quiet = json_object();
	qsort(c->c, c->n, sizeof(*c->c), cmp_group);
	for (a = 0; a < c->n; a = b) {
		json_t *counts = json_object();
		size_t start = a, nallow = 0, ndeny = 0;
		json_t *q = json_object_get(c->quiet, c->c[a].k1 ? c->c[a].k1 : "");
		int64_t quiet_until = q ? (int64_t)json_integer_value(q) : INT64_MIN;
		for (b = a; b < c->n && streq(c->c[b].k1, c->c[a].k1); b++)
			;
		for (j = a; j < b; j++) {
			struct cand *x = &c->c[j];
			const char *dk = d->distinct == KF_NONE ? "" : x->k2;
			char tmp[32];
			/* slide the window's start (times ascend, a missing one
			 * first: the difference is taken unsigned, where it cannot
			 * overflow, and a record without a time lies in no window) */
			while (start < j && (uint64_t)x->s->time - (uint64_t)c->c[start].s->time > (uint64_t)d->window) {
				struct cand *y = &c->c[start++];
				const char *yk = d->distinct == KF_NONE ? "" : y->k2;
				json_t *cv = json_object_get(counts, yk);
				if (cv && json_integer_value(cv) > 1)
					json_integer_set(cv, json_integer_value(cv) - 1);
				else
					json_object_del(counts, yk);
				if (y->flag == 2)
					ndeny--;
				else
					nallow--;
			}
			{
				json_t *cv = json_object_get(counts, dk);
				if (cv)
					json_integer_set(cv, json_integer_value(cv) + 1);
				else
					json_object_set_new(counts, dk, json_integer(1));
			}
			if (x->flag == 2)
				ndeny++;
			else
				nallow++;
			{
				size_t have = d->distinct == KF_NONE ? j - start + 1 : json_object_size(counts);
				json_t *e, *items;
				const char *key;
				json_t *v;
				size_t shown = 0;
				if (have < d->threshold || x->s->time <= quiet_until || (!final && x->s->time > cutoff))
					continue;
				if (d->mixed && (nallow == 0 || ndeny == 0))
					continue;
				e = json_object();
				json_object_set_new(e, "group", json_string(x->k1));
				json_object_set_new(e, "count", json_integer((json_int_t)(j - start + 1)));
				if (d->distinct != KF_NONE) {
					json_object_set_new(e, "distinct", json_integer((json_int_t)json_object_size(counts)));
					items = json_array();
					json_object_foreach(counts, key, v) {
						if (shown++ == 20)
							break;
						json_array_append_new(items, json_string(key));
					}
					json_object_set_new(e, "items", items);
				}
				if (d->mixed) {
					json_object_set_new(e, "allowed", json_integer((json_int_t)nallow));
					json_object_set_new(e, "denied", json_integer((json_int_t)ndeny));
				}
				json_object_set_new(e, "window_start", json_string(c->c[start].s->time_s ? c->c[start].s->time_s : ""));
				snprintf(tmp, sizeof(tmp), "%llds", (long long)(d->window / 1000000));
				json_object_set_new(e, "window", json_string(tmp));
				json_object_set_new(e, "first_location", json_string(c->c[start].s->where ? c->c[start].s->where : ""));
				findings_add(cx->out, r, x->s, r->sev, NULL, NULL, e);
				/* one finding per burst: stay quiet for a window */
				quiet_until = x->s->time + d->window;
				json_object_set_new(c->quiet, x->k1 ? x->k1 : "", json_integer((json_int_t)quiet_until));
			}
		}
		json_decref(counts);
	}
	if (!final) {
		/* drop what no window after the cutoff can reach */
		size_t w = 0;
		if (c->dedupe)
			json_object_clear(c->dedupe);
		for (j = 0; j < c->n; j++) {
			struct cand *x = &c->c[j];
			if (x->s->time != INT64_MIN && x->s->time < cutoff - d->window) {
				snap_unref(x->s);
				free(x->k1);
				free(x->k2);
				json_decref(x->ev);
				continue;
			}
			c->c[w] = *x;
			c->c[w].ord = w;
			if (c->dedupe) {
				char id[1024];
				snprintf(id, sizeof(id), "%s\x1f%s\x1f%lld", x->k1 ? x->k1 : "", x->k2 ? x->k2 : "",
					x->s->time == INT64_MIN ? -1LL : (long long)(x->s->time / (d->window / 2)));
				json_object_set_new(c->dedupe, id, json_integer((json_int_t)w));
			}
			w++;
		}
		c->n = w;
	}
}

void
finish_burst(struct rule *r, struct corr_ctx *cx, struct corr *c)
{
	burst_run(r, cx, c, 1, 0);
}
