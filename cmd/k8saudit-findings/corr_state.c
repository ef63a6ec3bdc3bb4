/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What a correlation keeps of its candidate records: a snapshot, keys and
 * evidence, de-duplicated, and freed with the rule.
 */
#include <stdlib.h>
#include <string.h>

#include "corr.h"

void
corr_free(struct rule *r)
{
	size_t i;

	if (r->corr == NULL)
		return;
	for (i = 0; i < r->corr->n; i++) {
		snap_unref(r->corr->c[i].s);
		free(r->corr->c[i].k1);
		free(r->corr->c[i].k2);
		json_decref(r->corr->c[i].ev);
	}
	for (i = 0; i < 4; i++)
		k8a_expr_free(r->corr->x[i]);
	json_decref(r->corr->dedupe);
	json_decref(r->corr->quiet);
	json_decref(r->corr->perkey);
	json_decref(r->corr->carried);
	free(r->corr->c);
	free(r->corr);
	r->corr = NULL;
}

/* The latest of a key's kept values (the last of them at equal times). */
static void
latest_value(const struct corr *c, json_t *pkv)
{
	json_t *lst = json_object_get(pkv, "v"), *v;
	int64_t lt = INT64_MIN;
	size_t i, latest = 0;

	json_array_foreach(lst, i, v) {
		const struct cand *y = &c->c[json_integer_value(v)];
		if (y->s->time >= lt) {
			lt = y->s->time;
			latest = i;
		}
	}
	json_object_set_new(pkv, "lt", json_integer(lt));
	json_object_set_new(pkv, "li", json_integer((json_int_t)latest));
}

void
keep(struct rule *r, struct snap *s, const char *k1, const char *k2, int flag, json_t *ev)
{
	struct corr *c = r->corr;
	struct cand *x;

	if (c == NULL || corr_carried(c, s, k1, k2, flag)) {
		/* corr_feed() made it for every kind that keeps; a record
		 * carried from the last run is not kept twice */
		json_decref(ev);
		return;
	}
	/* Candidates that cannot change the outcome are not kept: only the
	 * earliest record of each identity matters to first-seen, new-value
	 * and reference correlations, and to distinct counts one record per
	 * (group, value) and half window is enough. */
	{
		const struct cdef *d = c->def;
		char id[1024];
		int dd = 0;
		if (d->kind == C_FIRST || d->kind == C_NEWUA || d->kind == C_REPLAY || d->kind == C_REF) {
			snprintf(id, sizeof(id), "%s\x1f%s\x1f%d", k1 ? k1 : "", k2 ? k2 : "", flag);
			dd = 1;
		} else if (d->kind == C_BURST && d->distinct != KF_NONE && d->window > 0) {
			snprintf(id, sizeof(id), "%s\x1f%s\x1f%lld", k1 ? k1 : "", k2 ? k2 : "",
				s->time == INT64_MIN ? -1LL : (long long)(s->time / (d->window / 2)));
			dd = 1;
		}
		if (dd) {
			json_t *old;
			if (c->dedupe == NULL)
				c->dedupe = json_object();
			if ((old = json_object_get(c->dedupe, id)) != NULL) {
				struct cand *y = &c->c[json_integer_value(old)];
				if (s->time < y->s->time) {
					/* an earlier record of the same identity */
					snap_unref(y->s);
					y->s = snap_ref(s);
					json_decref(y->ev);
					y->ev = ev;
				} else
					json_decref(ev);
				return;
			}
			json_object_set_new(c->dedupe, id, json_integer((json_int_t)c->n));
		}
		/* New-value correlations report the earliest record whose value
		 * differs, once per key: the earliest record of each of the two
		 * earliest values decides, so a few values per key are enough
		 * (an approximation for C_REF, bounded at 64 values a key). */
		if ((d->kind == C_REPLAY || (d->kind == C_REF && flag == 2)) && k1) {
			json_t *pkv, *lst;
			char pk[1024];
			int64_t lt;
			size_t latest;
			if (c->perkey == NULL)
				c->perkey = json_object();
			snprintf(pk, sizeof(pk), "%s\x1f%d", k1, flag);
			/* {"v": the kept values' indexes, "lt": the latest one's time,
			 * "li": its position in v}: most records come later than
			 * every kept value, and are told so without a scan */
			if ((pkv = json_object_get(c->perkey, pk)) == NULL) {
				pkv = json_pack("{s:[],s:I,s:I}", "v", "lt", (json_int_t)INT64_MIN, "li", (json_int_t)0);
				json_object_set_new(c->perkey, pk, pkv);
			}
			lst = json_object_get(pkv, "v");
			lt = json_integer_value(json_object_get(pkv, "lt"));
			latest = (size_t)json_integer_value(json_object_get(pkv, "li"));
			/* exact for C_REPLAY (the first value is the baseline); for
			 * C_REF the baseline grows with step-1 records, so keep more */
			if (json_array_size(lst) >= (d->kind == C_REPLAY ? 4u : 64u)) {
				if (s->time >= lt) {
					/* later than every kept value: cannot matter */
					json_object_del(c->dedupe, id);
					json_decref(ev);
					return;
				}
				{
					/* replace the latest kept value by this earlier one */
					json_int_t at = json_integer_value(json_array_get(lst, latest));
					struct cand *y = &c->c[at];
					char oid[1024];
					snprintf(oid, sizeof(oid), "%s\x1f%s\x1f%d", y->k1 ? y->k1 : "", y->k2 ? y->k2 : "", y->flag);
					json_object_del(c->dedupe, oid);
					json_object_set_new(c->dedupe, id, json_integer(at));
					snap_unref(y->s);
					free(y->k2);
					json_decref(y->ev);
					y->s = snap_ref(s);
					y->k2 = fe_strdup(k2);
					y->ev = ev;
					latest_value(c, pkv);
					return;
				}
			}
			if (s->time >= lt) {
				json_object_set_new(pkv, "lt", json_integer(s->time));
				json_object_set_new(pkv, "li", json_integer((json_int_t)json_array_size(lst)));
			}
			json_array_append_new(lst, json_integer((json_int_t)c->n));
		}
	}
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		struct cand *nc = realloc(c->c, cap * sizeof(*nc));
		if (nc == NULL) {
			fe_nomem_note(); /* a candidate not kept */
			json_decref(ev);
			return;
		}
		c->c = nc;
		c->cap = cap;
	}
	x = &c->c[c->n++];
	x->s = snap_ref(s);
	x->k1 = fe_strdup(k1);
	x->k2 = fe_strdup(k2);
	x->flag = flag;
	x->ev = ev;
	x->ord = c->n - 1;
}

int
cmp_cand(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->s->time != y->s->time)
		return x->s->time < y->s->time ? -1 : 1;
	if (x->s->seq != y->s->seq)
		return x->s->seq < y->s->seq ? -1 : 1;
	return x->ord < y->ord ? -1 : x->ord > y->ord;
}
