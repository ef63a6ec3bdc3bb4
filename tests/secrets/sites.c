/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Sites: where, inside an object being built, a secret, a companion (the
 * key id beside an AWS secret) or a hard negative was put.  The object is
 * then placed at one or more locations of the record (request and
 * response copies, or embedded as JSON text in an annotation), and
 * sites_emit() writes the labels and marks of one location.
 */
#include <string.h>

#include "sites.h"

static struct site *
site_new(struct sites *ss)
{
	if (ss->n == (int)NELEM(ss->v))
		die("too many sites in one object");
	return &ss->v[ss->n++];
}

void
site_kv(struct sites *ss, const char *q, const struct secret *s, const struct kv *kv, enum pos p, struct steps st)
{
	struct site *t = site_new(ss);

	t->q = q;
	t->s = s;
	t->kv = kv;
	t->pos = p;
	t->st = st;
}

void
site_secret(struct sites *ss, const char *q, const struct secret *s, enum pos p, struct steps st)
{
	site_kv(ss, q, s, &s->kv[s->main], p, st);
}

void
site_neg(struct sites *ss, const char *q, const char *kind)
{
	struct site *t = site_new(ss);

	memset(t, 0, sizeof(*t));
	t->q = q;
	t->pos = NPOS;
	t->neg = kind;
}

void
sites_emit(const struct sites *ss, const char *outer, int embedded, int pos_override)
{
	int i;

	for (i = 0; i < ss->n; i++) {
		const struct site *t = &ss->v[i];
		enum pos p = pos_override >= 0 ? (enum pos)pos_override : t->pos;
		if (t->s == NULL) {
			if (!embedded)
				mark_negative(ar_printf("%s%s", outer, t->q), t->neg);
		} else if (t->kv->role == R_SECRET) {
			if (embedded)
				label(outer, t->s, p, st_cat(st_add(st0(), ST_JSON, t->q), t->st));
			else
				label(ar_printf("%s%s", outer, t->q), t->s, p, t->st);
		} else if (!embedded)
			mark_companion(ar_printf("%s%s", outer, t->q), t->kv);
	}
}

void
env_add(json_t *env, const char *base, const struct secret *s, enum pos p, struct sites *ss)
{
	int i;

	for (i = 0; i < s->nkv; i++) {
		const struct kv *k = &s->kv[i];
		const char *q = ar_printf("%s/%zu/value", base, json_array_size(env));
		json_array_append_new(env, json_pack("{s:s,s:s}", "name", k->name, "value", k->value));
		site_kv(ss, q, s, k, p, k->st);
	}
}

void
env_add_neg(json_t *env, const char *base, struct kv k, struct sites *ss)
{
	site_neg(ss, ar_printf("%s/%zu/value", base, json_array_size(env)), k.neg);
	json_array_append_new(env, json_pack("{s:s,s:s}", "name", k.name, "value", k.value));
}
