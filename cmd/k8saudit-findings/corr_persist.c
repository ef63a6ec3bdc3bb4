/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What a correlation carries from one run to the next (k8saudit-state(5)):
 * after its end, the candidates a later record may still need, and back
 * into a correlation before the next run feeds it.
 *
 *   first seen     a ghost per key: its hash, the time and order of its
 *                  earliest record (it reports nothing, it only makes a
 *                  later record of the key not new)
 *   with a window  the candidates of the last two windows, and for bursts
 *                  the groups still quiet after a burst
 *   the others     every candidate, already bounded per key by keep()
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corr.h"

void
first_key_hash(const char *k1, char out[18])
{
	snprintf(out, 18, "#%016" PRIx64, k8a_hash64(k1 ? k1 : "", k1 ? strlen(k1) : 0));
}

/* A candidate's identity among those carried: a record read again (an
 * object rewritten) is not a second candidate. */
static void
carried_id(const struct snap *s, const char *k1, const char *k2, int flag, char *out, size_t outsz)
{
	snprintf(out, outsz, "%s\x1f%lld\x1f%s\x1f%s\x1f%d", s->id ? s->id : s->where ? s->where : "",
		(long long)s->time, k1 ? k1 : "", k2 ? k2 : "", flag);
}

int
corr_carried(struct corr *c, const struct snap *s, const char *k1, const char *k2, int flag)
{
	char id[8192];

	if (c->carried == NULL || (s->id == NULL && s->where == NULL))
		return 0;
	carried_id(s, k1, k2, flag, id, sizeof(id));
	return json_object_get(c->carried, id) != NULL;
}

json_t *
corr_persist(const struct corr *c)
{
	const struct cdef *d = c->def;
	json_t *o = json_object(), *cands = json_array();
	int64_t maxtime = INT64_MIN;
	size_t i;

	for (i = 0; i < c->n; i++)
		if (c->c[i].s->time > maxtime)
			maxtime = c->c[i].s->time;
	if (d->kind == C_FIRST) {
		json_t *seen = json_object();
		/* sorted by time and order: the first of a key is its earliest */
		for (i = 0; i < c->n; i++) {
			const struct cand *x = &c->c[i];
			char h[18];
			json_t *g;
			if (x->flag == -1)
				snprintf(h, sizeof(h), "%s", x->k1);
			else
				first_key_hash(x->k1, h);
			if (json_object_get(seen, h))
				continue;
			json_object_set_new(seen, h, json_true());
			g = json_array();
			json_array_append_new(g, json_string(h));
			json_array_append_new(g, json_integer(x->s->time));
			json_array_append_new(g, json_integer((json_int_t)x->s->seq));
			json_array_append_new(cands, g);
		}
		json_decref(seen);
		json_object_set_new(o, "ghosts", cands);
		return o;
	}
	for (i = 0; i < c->n; i++) {
		const struct cand *x = &c->c[i];
		json_t *j;
		if (d->window > 0 && (x->s->time == INT64_MIN || x->s->time < maxtime - 2 * d->window))
			continue; /* expired: no later window reaches it */
		j = json_object();
		json_object_set_new(j, "s", snap_to_json(x->s));
		if (x->k1)
			json_object_set_new(j, "k1", json_string(x->k1));
		if (x->k2)
			json_object_set_new(j, "k2", json_string(x->k2));
		json_object_set_new(j, "flag", json_integer(x->flag));
		/* a copy: grading later adds its reasons to the evidence
		 * of the finding made from it */
		if (x->ev)
			json_object_set_new(j, "ev", json_deep_copy(x->ev));
		json_array_append_new(cands, j);
	}
	json_object_set_new(o, "cands", cands);
	if (c->quiet && json_object_size(c->quiet))
		json_object_set(o, "quiet", c->quiet);
	return o;
}

static struct snap *
ghost_snap(int64_t time, uint64_t seq)
{
	struct snap *s = calloc(1, sizeof(*s));

	if (s == NULL) {
		fe_nomem_note();
		return NULL;
	}
	s->refs = 1;
	s->time = time;
	s->seq = seq;
	return s;
}

int
corr_restore(struct rule *r, const struct cdef *d, const json_t *j)
{
	struct corr *c;
	json_t *v, *list;
	size_t i;

	if (!json_is_object(j))
		return -1;
	if (r->corr == NULL) {
		if ((r->corr = calloc(1, sizeof(*r->corr))) == NULL) {
			fe_nomem_note();
			return 0;
		}
		r->corr->def = d;
	}
	c = r->corr;
	prog_prepare(r);
	if (d->kind == C_FIRST) {
		if (!json_is_array(list = json_object_get(j, "ghosts")))
			return -1;
		json_array_foreach(list, i, v) {
			const char *h = json_string_value(json_array_get(v, 0));
			struct snap *s;
			if (h == NULL || strlen(h) != 17 || !json_is_integer(json_array_get(v, 1)))
				return -1;
			if ((s = ghost_snap(json_integer_value(json_array_get(v, 1)),
			    (uint64_t)json_integer_value(json_array_get(v, 2)))) == NULL)
				return 0;
			keep(r, s, h, NULL, -1, NULL);
			snap_unref(s);
		}
		return 0;
	}
	if (!json_is_array(list = json_object_get(j, "cands")))
		return -1;
	if (c->carried == NULL)
		c->carried = json_object();
	json_array_foreach(list, i, v) {
		struct snap *s = snap_from_json(json_object_get(v, "s"));
		const char *k1 = json_string_value(json_object_get(v, "k1"));
		const char *k2 = json_string_value(json_object_get(v, "k2"));
		int flag = (int)json_integer_value(json_object_get(v, "flag"));
		json_t *ev = json_object_get(v, "ev");
		char id[8192];
		if (s == NULL)
			return fe_nomem() ? 0 : -1;
		if (s->time > c->maxtime)
			c->maxtime = s->time;
		keep(r, s, k1, k2, flag, ev ? json_deep_copy(ev) : NULL);
		carried_id(s, k1, k2, flag, id, sizeof(id));
		json_object_set_new(c->carried, id, json_true());
		snap_unref(s);
	}
	if (json_is_object(v = json_object_get(j, "quiet")))
		json_object_update(c->quiet ? c->quiet : (c->quiet = json_object()), v);
	return 0;
}
