/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What earlier runs printed, for --state (k8saudit-state(5)): when an
 * object is read again (re-synced, rewritten, grown), what was printed
 * from it is not printed again.  Each thing printed is a 64-bit id made by
 * the tool (a hash of what makes it that thing) with the time of its
 * record; ids are forgotten seven days after the newest record seen (an
 * object rewritten later than that is reported again), so the set stays
 * bounded.  Persisted as an object: 16 hex digits -> time (usec).
 */
#include <stdlib.h>
#include <string.h>

#include "fe.h"

#define HORIZON (7 * 24 * 3600 * INT64_C(1000000))

static int
cmp_id(const void *a, const void *b)
{
	uint64_t x = ((const struct fe_printed_id *)a)->id, y = ((const struct fe_printed_id *)b)->id;

	return x < y ? -1 : x > y;
}

static int
hex16(const char *s, uint64_t *v)
{
	size_t i;

	*v = 0;
	for (i = 0; i < 16; i++) {
		int c = (unsigned char)s[i], d;
		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else
			return -1;
		*v = *v << 4 | (uint64_t)d;
	}
	return s[16] == '\0' ? 0 : -1;
}

int
fe_printed_load(struct fe_printed *p, json_t *obj, int64_t maxtime, const char *state, const char *what)
{
	const char *id;
	json_t *v;

	memset(p, 0, sizeof(*p));
	p->maxtime = maxtime;
	if (obj == NULL)
		return 0;
	if (!json_is_object(obj)) {
		fe_diag(state, "corrupt: the %s are not an object", what);
		return -1;
	}
	if ((p->old = malloc((json_object_size(obj) + 1) * sizeof(*p->old))) == NULL) {
		fe_nomem_diag(state);
		return -1;
	}
	json_object_foreach(obj, id, v) {
		if (strlen(id) != 16 || hex16(id, &p->old[p->nold].id) != 0 || !json_is_integer(v)) {
			fe_diag(state, "corrupt: '%s' of the %s", id, what);
			return -1;
		}
		p->old[p->nold++].time = json_integer_value(v);
	}
	if (p->nold > 1)
		qsort(p->old, p->nold, sizeof(*p->old), cmp_id);
	return 0;
}

int
fe_printed_see(struct fe_printed *p, uint64_t id, int64_t t)
{
	struct fe_printed_id key = { id, t };

	if (t != INT64_MIN && t > p->maxtime)
		p->maxtime = t;
	if (p->nold && bsearch(&key, p->old, p->nold, sizeof(key), cmp_id) != NULL)
		return 1;
	if (p->nadd == p->capadd) {
		size_t nc = p->capadd ? p->capadd * 2 : 256;
		struct fe_printed_id *na = realloc(p->add, nc * sizeof(*na));
		if (na == NULL)
			return K8A_FATAL;
		p->add = na;
		p->capadd = nc;
	}
	p->add[p->nadd++] = key;
	return 0;
}

json_t *
fe_printed_persist(const struct fe_printed *p)
{
	json_t *o = json_object();
	char hex[17];
	size_t i;

	if (o == NULL) {
		fe_nomem_note();
		return NULL;
	}
	/* a record without a time is remembered as of the newest */
	for (i = 0; i < p->nold + p->nadd; i++) {
		const struct fe_printed_id *x = i < p->nold ? &p->old[i] : &p->add[i - p->nold];
		int64_t t = x->time == INT64_MIN ? p->maxtime : x->time;
		if (t < p->maxtime - HORIZON)
			continue;
		snprintf(hex, sizeof(hex), "%016llx", (unsigned long long)x->id);
		if (json_object_set_new(o, hex, json_integer(t)) != 0) {
			json_decref(o);
			fe_nomem_note();
			return NULL;
		}
	}
	return o;
}

void
fe_printed_free(struct fe_printed *p)
{
	free(p->old);
	free(p->add);
	memset(p, 0, sizeof(*p));
}
