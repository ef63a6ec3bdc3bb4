/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Scale-out by kept records (k8saudit-state(5), Partial results), for the
 * tools whose cross-record work is a replay of few records: rbac-diff
 * keeps the records that change RBAC, mint keys or answer the question
 * asked; secret-scan the records that hold secrets.  A shard (--partial)
 * writes those records whole, each with its place; a merge (--merge) puts
 * the records of every partial back in the order one run over all the
 * objects would have read them and hands them to the tool again, so the
 * tool's own code makes the output: it is one run's by construction.
 * (k8saudit-findings keeps snapshots and correlation candidates instead:
 * its partial.c; the order of places is this file's.)
 *
 * A record's place is its object (the argument it was found under, then
 * its path compared as the walk sorts directories) and its offset: the
 * number of records read before it in that object.  Shards split by
 * object, so a place is never in two partials.
 *
 * The file is a state file (lib/state.c) of the tool, section "partial":
 *   v        1
 *   meta     what the tool must find equal at the merge (its types,
 *            the question asked), and what it sums (its business)
 *   records  records read;  trouble  1 when the shard reported a problem
 *   objects  [argument index, path], in the order read
 *   kept     [object, offset, member or null, line, index, byte offset,
 *             [start, length] of the record's text in "texts"]
 * and a section "texts": the records' bytes one after the other, as read,
 * each followed by a NUL
 * (no JSON escaping to write or parse: the records are most of a
 * partial).  The records are kept as the logs hold them: a partial of
 * secret-scan holds the secrets it found (the merge fingerprints them
 * with its key).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fe.h"

#define SECTION "partial"
#define PARTIAL_VERSION 1

int
fe_arg_of(const char *path, int nargs, char **args)
{
	int i;

	for (i = 0; i < nargs; i++) {
		size_t n = strlen(args[i]);
		if (strcmp(args[i], "-") == 0 && strcmp(path, "<stdin>") == 0)
			return i;
		if (strncmp(path, args[i], n) == 0 &&
		    (path[n] == '\0' || path[n] == '/' || (n > 0 && args[i][n - 1] == '/')))
			return i;
	}
	return 0;
}

int
fe_walk_cmp(const char *a, const char *b)
{
	for (;; a++, b++) {
		/* '/' sorts before every other byte: a directory's entries
		 * come where its name sorts */
		int x = *a == '/' ? 1 : *a ? (unsigned char)*a + 1 : 0;
		int y = *b == '/' ? 1 : *b ? (unsigned char)*b + 1 : 0;
		if (x != y)
			return x < y ? -1 : 1;
		if (x == 0)
			return 0;
	}
}

static int
cmp_json_str(const void *a, const void *b)
{
	const char *x = json_string_value(*(json_t *const *)a), *y = json_string_value(*(json_t *const *)b);

	return strcmp(x ? x : "", y ? y : "");
}

int
fe_json_sort_strings(json_t *a)
{
	size_t n = json_array_size(a), i;
	json_t **v;

	if (n < 2)
		return 0;
	if ((v = calloc(n, sizeof(*v))) == NULL) {
		fe_nomem_note();
		return -1;
	}
	for (i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(a, i));
	qsort(v, n, sizeof(*v), cmp_json_str);
	for (i = 0; i < n; i++)
		json_array_set_new(a, i, v[i]);
	free(v);
	return 0;
}

/* ---- a shard: the records kept ---- */

struct fe_partial {
	int nargs;
	char **args;
	json_t *objects; /* [arg, path] */
	json_t *index;   /* "arg\tpath" -> its index in objects (keys: any bytes) */
	json_t *kept;
	char *lastpath; /* the object of the last record read */
	uint64_t offset; /* of the last record read in it */
	char *texts;     /* the kept records' bytes */
	size_t ntexts, captexts;
	int64_t *until;  /* each kept record's expiry (INT64_MAX: never) */
	size_t cap_until;
};

struct fe_partial *
fe_partial_new(int nargs, char **args)
{
	struct fe_partial *p = calloc(1, sizeof(*p));

	if (p == NULL || (p->objects = json_array()) == NULL || (p->index = json_object()) == NULL ||
	    (p->kept = json_array()) == NULL) {
		fe_partial_free(p);
		fe_nomem_note();
		return NULL;
	}
	p->nargs = nargs;
	p->args = args;
	return p;
}

void
fe_partial_free(struct fe_partial *p)
{
	if (p == NULL)
		return;
	json_decref(p->objects);
	json_decref(p->index);
	json_decref(p->kept);
	free(p->lastpath);
	free(p->texts);
	free(p->until);
	free(p);
}

static const char *
path_of(k8a_event *ev)
{
	const char *path = k8a_event_origin(ev)->path;

	return path ? path : "<stdin>";
}

int
fe_partial_read(struct fe_partial *p, k8a_event *ev)
{
	const char *path = path_of(ev);

	if (p->lastpath != NULL && strcmp(p->lastpath, path) == 0) {
		p->offset++;
		return 0;
	}
	free(p->lastpath);
	if ((p->lastpath = fe_strdup(path)) == NULL)
		return -1;
	p->offset = 0;
	return 0;
}

int
fe_partial_keep(struct fe_partial *p, k8a_event *ev, const struct fe_place *at)
{
	return fe_partial_keep_until(p, ev, at, INT64_MAX);
}

int
fe_partial_keep_until(struct fe_partial *p, k8a_event *ev, const struct fe_place *at, int64_t until)
{
	const struct k8a_origin *og = k8a_event_origin(ev);
	struct fe_place here;
	char key[4200];
	const char *raw;
	size_t len;
	json_t *idx, *a;

	if (at == NULL) {
		here.arg = fe_arg_of(path_of(ev), p->nargs, p->args);
		here.path = path_of(ev);
		here.offset = p->offset;
		at = &here;
	}
	snprintf(key, sizeof(key), "%d\t%s", at->arg, at->path);
	if ((idx = json_object_get(p->index, key)) == NULL) {
		json_t *o = json_pack("[io]", at->arg, fe_bytes_json(at->path));
		if (o == NULL || json_array_append_new(p->objects, o) != 0 ||
		    json_object_set_new_nocheck(p->index, key, json_integer((json_int_t)json_array_size(p->objects) - 1)) != 0) {
			fe_nomem_note();
			return -1;
		}
		idx = json_object_get(p->index, key);
	}
	raw = k8a_event_raw(ev, &len);
	if (p->ntexts + len + 1 > p->captexts) {
		size_t nc = p->captexts ? p->captexts : 65536;
		char *nt;
		while (nc < p->ntexts + len + 1)
			nc *= 2;
		if ((nt = realloc(p->texts, nc)) == NULL) {
			fe_nomem_note();
			return -1;
		}
		p->texts = nt;
		p->captexts = nc;
	}
	a = json_array();
	json_array_append(a, idx);
	json_array_append_new(a, json_integer((json_int_t)at->offset));
	json_array_append_new(a, og->member ? fe_bytes_json(og->member) : json_null());
	json_array_append_new(a, json_integer((json_int_t)og->line));
	json_array_append_new(a, json_integer((json_int_t)og->index));
	json_array_append_new(a, json_integer((json_int_t)og->offset));
	json_array_append_new(a, json_pack("[II]", (json_int_t)p->ntexts, (json_int_t)len));
	if (json_array_append_new(p->kept, a) != 0 || json_array_size(a) != 7) {
		fe_nomem_note();
		return -1;
	}
	/* each followed by a NUL, as the reader's records are */
	memcpy(p->texts + p->ntexts, raw, len);
	p->texts[p->ntexts + len] = '\0';
	p->ntexts += len + 1;
	if (json_array_size(p->kept) > p->cap_until) {
		size_t nc = p->cap_until ? p->cap_until * 2 : 1024;
		int64_t *nu = realloc(p->until, nc * sizeof(*nu));
		if (nu == NULL) {
			fe_nomem_note();
			return -1;
		}
		p->until = nu;
		p->cap_until = nc;
	}
	p->until[json_array_size(p->kept) - 1] = until;
	return 0;
}

json_t *
fe_partial_json(struct fe_partial *p, json_t *meta, uint64_t records, int trouble, int64_t now, char **texts,
	size_t *ntexts)
{
	json_t *top = json_object(), *kept = json_array(), *v;
	char *t = malloc(p->ntexts + 1);
	size_t i, n = 0;

	*texts = NULL;
	*ntexts = 0;
	if (top == NULL || kept == NULL || t == NULL)
		goto nomem;
	/* what expired is left out; the others' texts packed again */
	json_array_foreach(p->kept, i, v) {
		json_t *r, *at = json_array_get(v, 6);
		size_t start = (size_t)json_integer_value(json_array_get(at, 0));
		size_t len = (size_t)json_integer_value(json_array_get(at, 1));
		if (p->until[i] < now)
			continue;
		if ((r = json_copy(v)) == NULL || json_array_set_new(r, 6, json_pack("[II]", (json_int_t)n, (json_int_t)len)) != 0 ||
		    json_array_append_new(kept, r) != 0)
			goto nomem;
		memcpy(t + n, p->texts + start, len + 1);
		n += len + 1;
	}
	json_object_set_new(top, "v", json_integer(PARTIAL_VERSION));
	json_object_set_new(top, "meta", meta ? json_incref(meta) : json_object());
	json_object_set_new(top, "records", json_integer((json_int_t)records));
	json_object_set_new(top, "trouble", json_integer(trouble != 0));
	json_object_set(top, "objects", p->objects);
	json_object_set_new(top, "kept", kept);
	if (fe_nomem() || json_object_size(top) != 6)
		goto nomem;
	*texts = t;
	*ntexts = n;
	return top;
nomem:
	fe_nomem_note();
	if (json_object_get(top, "kept") != kept)
		json_decref(kept);
	json_decref(top);
	free(t);
	return NULL;
}

int
fe_partial_write(struct fe_partial *p, const char *path, const char *tool, json_t *meta, uint64_t records,
	int trouble, uint64_t limit)
{
	json_t *top;
	k8a_state *st = NULL;
	char *text = NULL, *texts = NULL;
	size_t ntexts;
	int rc = -1, src;

	if ((top = fe_partial_json(p, meta, records, trouble, INT64_MIN, &texts, &ntexts)) == NULL ||
	    (text = fe_json_dumps(top, JSON_COMPACT)) == NULL || (st = fe_state_new(path, tool, limit)) == NULL) {
		fe_nomem_diag(path);
		goto out;
	}
	if ((src = k8a_state_set_section(st, SECTION, text, strlen(text))) == K8A_OK &&
	    (src = k8a_state_set_section(st, "texts", texts, ntexts)) == K8A_OK)
		src = k8a_state_save(st);
	if (src == K8A_FATAL)
		fe_nomem_diag(path);
	else if (src != K8A_OK)
		fe_diag(NULL, "%s", k8a_state_error(st));
	else
		rc = 0;
out:
	k8a_state_free(st);
	free(text);
	free(texts);
	json_decref(top);
	return rc;
}

/* ---- the merge: every partial's records in one run's order ---- */

struct part {
	const char *path;
	k8a_state *st; /* kept: its "texts" section holds the records */
	json_t *top;
	const char *texts;
	size_t ntexts;
	size_t *rank; /* of each of its objects among all */
};

struct gobj {
	int arg;
	const char *path;
	size_t part, local;
};

struct rec {
	size_t rank;
	uint64_t offset;
	size_t part;
	const json_t *a;
};

struct fe_merge {
	struct part *parts;
	size_t nparts;
	struct rec *recs;
	size_t nrecs, next;
	k8a_event *ev;
	uint64_t records;
	int trouble;
};

/* A problem with a partial: said, -2. */
#define BAD(p, ...) (fe_diag((p)->path, __VA_ARGS__), -2)

static int
cmp_gobj(const void *pa, const void *pb)
{
	const struct gobj *a = pa, *b = pb;
	int c;

	if (a->arg != b->arg)
		return a->arg < b->arg ? -1 : 1;
	if ((c = fe_walk_cmp(a->path, b->path)) != 0)
		return c;
	return a->part < b->part ? -1 : a->part > b->part;
}

static int
cmp_rec(const void *pa, const void *pb)
{
	const struct rec *a = pa, *b = pb;

	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	return a->offset < b->offset ? -1 : a->offset > b->offset;
}

static int
is_count(const json_t *v)
{
	return json_is_integer(v) && json_integer_value(v) >= 0;
}

/* Load and check one partial.  0, -1 out of memory, -2 said. */
static int check_part(struct part *p, int (*check)(void *, const char *, const json_t *), void *arg);

static int
load_part(struct part *p, const char *tool, int (*check)(void *, const char *, const json_t *), void *arg,
	uint64_t limit)
{
	const void *sec;
	size_t len;
	json_error_t err;
	struct stat sb;
	k8a_state *st;
	int rc;

	if (stat(p->path, &sb) != 0)
		return BAD(p, "cannot open: %s", strerror(errno));
	if ((p->st = st = fe_state_new(p->path, tool, limit)) == NULL)
		return -1;
	if ((rc = k8a_state_load(st)) != K8A_OK) {
		if (rc != K8A_FATAL)
			fe_diag(NULL, "%s", k8a_state_error(st));
		return rc == K8A_FATAL ? -1 : -2;
	}
	if ((sec = k8a_state_section(st, SECTION, &len)) == NULL ||
	    (p->texts = k8a_state_section(st, "texts", &p->ntexts)) == NULL)
		return BAD(p, "not a partial result (a --state file of %s?)", tool);
	p->top = json_loadb(sec, len, 0, &err);
	if (p->top == NULL && fe_nomem())
		return -1;
	if (!json_is_object(p->top))
		return BAD(p, "corrupt partial: %s", p->top ? "not an object" : err.text);
	return check_part(p, check, arg);
}

/* Check a partial's JSON against its texts.  0, -2 said. */
static int
check_part(struct part *p, int (*check)(void *, const char *, const json_t *), void *arg)
{
	size_t i;
	json_t *v, *objs, *kept;
	int rc;

	if (json_integer_value(json_object_get(p->top, "v")) != PARTIAL_VERSION)
		return BAD(p, "a partial of version %lld, not %d", (long long)json_integer_value(json_object_get(p->top, "v")),
			PARTIAL_VERSION);
	objs = json_object_get(p->top, "objects");
	kept = json_object_get(p->top, "kept");
	if (!json_is_array(objs) || !json_is_array(kept) || !json_is_object(json_object_get(p->top, "meta")) ||
	    !is_count(json_object_get(p->top, "records")) || !json_is_integer(json_object_get(p->top, "trouble")))
		return BAD(p, "corrupt partial: a part is missing");
	/* names that are not UTF-8 back to their bytes */
	json_array_foreach(objs, i, v)
		if (json_is_array(v) && (rc = fe_bytes_at(v, 1, NULL)) == -2)
			return -1;
	json_array_foreach(kept, i, v)
		if (json_is_array(v) && !json_is_null(json_array_get(v, 2)) && (rc = fe_bytes_at(v, 2, NULL)) == -2)
			return -1;
	json_array_foreach(objs, i, v)
		if (!json_is_array(v) || json_array_size(v) != 2 || !is_count(json_array_get(v, 0)) ||
		    json_integer_value(json_array_get(v, 0)) > 1000000 || !json_is_string(json_array_get(v, 1)))
			return BAD(p, "corrupt partial: object %zu", i);
	json_array_foreach(kept, i, v) {
		json_t *o = json_array_get(v, 0), *m = json_array_get(v, 2), *t = json_array_get(v, 6);
		json_t *ts = json_array_get(t, 0), *tl = json_array_get(t, 1);
		size_t k;
		if (!json_is_array(v) || json_array_size(v) != 7 || !is_count(o) ||
		    (size_t)json_integer_value(o) >= json_array_size(objs) || !(json_is_null(m) || json_is_string(m)) ||
		    !json_is_integer(json_array_get(v, 4)) || json_array_size(t) != 2 || !is_count(ts) || !is_count(tl) ||
		    (uint64_t)json_integer_value(ts) > p->ntexts ||
		    (uint64_t)json_integer_value(tl) >= p->ntexts - (uint64_t)json_integer_value(ts) ||
		    p->texts[json_integer_value(ts) + json_integer_value(tl)] != '\0')
			return BAD(p, "corrupt partial: record %zu", i);
		for (k = 1; k < 6; k++)
			if (k != 2 && k != 4 && !is_count(json_array_get(v, k)))
				return BAD(p, "corrupt partial: record %zu", i);
	}
	if (check != NULL && (rc = check(arg, p->path, json_object_get(p->top, "meta"))) != 0)
		return rc;
	return 0;
}

/* Rank every object of every partial; one read twice is an error. */
static int
rank_objects(struct fe_merge *m)
{
	struct gobj *all;
	size_t total = 0, i, j, w = 0;
	int rc = 0;

	for (i = 0; i < m->nparts; i++)
		total += json_array_size(json_object_get(m->parts[i].top, "objects"));
	if ((all = calloc(total + 1, sizeof(*all))) == NULL)
		return -1;
	for (i = 0; i < m->nparts; i++) {
		json_t *objs = json_object_get(m->parts[i].top, "objects"), *v;
		if ((m->parts[i].rank = calloc(json_array_size(objs) + 1, sizeof(size_t))) == NULL) {
			free(all);
			return -1;
		}
		json_array_foreach(objs, j, v) {
			all[w].arg = (int)json_integer_value(json_array_get(v, 0));
			all[w].path = json_string_value(json_array_get(v, 1));
			all[w].part = i;
			all[w].local = j;
			w++;
		}
	}
	if (total > 1)
		qsort(all, total, sizeof(*all), cmp_gobj);
	for (i = 0; i < total; i++) {
		if (i > 0 && all[i].arg == all[i - 1].arg && strcmp(all[i].path, all[i - 1].path) == 0) {
			rc = BAD(&m->parts[all[i].part], "object %s is also in %s: read by two shards (overlapping "
				"--shard, or a partial given twice)", all[i].path, m->parts[all[i - 1].part].path);
			break;
		}
		m->parts[all[i].part].rank[all[i].local] = i;
	}
	free(all);
	return rc;
}

void
fe_merge_free(struct fe_merge *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nparts; i++) {
		json_decref(m->parts[i].top);
		k8a_state_free(m->parts[i].st);
		free(m->parts[i].rank);
	}
	free(m->parts);
	free(m->recs);
	k8a_event_free(m->ev);
	free(m);
}

/* The records of every part, in one run's order.  0, -1 out of memory,
 * -2 said. */
static int
merge_order(struct fe_merge *m)
{
	size_t i, j, total = 0;
	int rc;

	for (i = 0; i < m->nparts; i++)
		total += json_array_size(json_object_get(m->parts[i].top, "kept"));
	if ((rc = rank_objects(m)) != 0)
		return rc;
	if ((m->recs = calloc(total + 1, sizeof(*m->recs))) == NULL)
		return -1;
	for (i = 0; i < m->nparts; i++) {
		json_t *v;
		json_array_foreach(json_object_get(m->parts[i].top, "kept"), j, v) {
			struct rec *r = &m->recs[m->nrecs++];
			r->rank = m->parts[i].rank[json_integer_value(json_array_get(v, 0))];
			r->offset = (uint64_t)json_integer_value(json_array_get(v, 1));
			r->part = i;
			r->a = v;
		}
	}
	if (m->nrecs > 1)
		qsort(m->recs, m->nrecs, sizeof(*m->recs), cmp_rec);
	return 0;
}

static struct fe_merge *
merge_new(size_t n)
{
	struct fe_merge *m = calloc(1, sizeof(*m));

	if (m == NULL || (m->parts = calloc(n + 1, sizeof(*m->parts))) == NULL || (m->ev = k8a_event_new()) == NULL) {
		fe_merge_free(m);
		return NULL;
	}
	m->nparts = n;
	return m;
}

int
fe_merge_open(struct fe_merge **mp, const char *tool, int n, char **paths,
	int (*check)(void *arg, const char *path, const json_t *meta), void *arg, uint64_t limit)
{
	struct fe_merge *m = merge_new((size_t)n);
	size_t i;
	int rc = -1;

	*mp = NULL;
	if (m == NULL)
		goto out;
	for (i = 0; i < m->nparts; i++) {
		m->parts[i].path = paths[i];
		if ((rc = load_part(&m->parts[i], tool, check, arg, limit)) != 0)
			goto out;
		m->records += (uint64_t)json_integer_value(json_object_get(m->parts[i].top, "records"));
		if (json_integer_value(json_object_get(m->parts[i].top, "trouble")) != 0) {
			/* said where the shard ran; the merge's exit says it too */
			fe_diag(paths[i], "the shard's run reported problems (its messages tell which)");
			m->trouble = 1;
		}
	}
	if ((rc = merge_order(m)) != 0)
		goto out;
	*mp = m;
	return 0;
out:
	if (rc == -1)
		fe_nomem_diag(NULL);
	fe_merge_free(m);
	return rc == -1 ? -1 : -2;
}

int
fe_merge_open_mem(struct fe_merge **mp, const char *where, json_t *top, const char *texts, size_t ntexts)
{
	struct fe_merge *m = merge_new(1);
	int rc = -1;

	*mp = NULL;
	if (m == NULL)
		goto out;
	m->parts[0].path = where;
	m->parts[0].top = json_incref(top);
	m->parts[0].texts = texts;
	m->parts[0].ntexts = ntexts;
	if (!json_is_object(top) || texts == NULL) {
		rc = BAD(&m->parts[0], "corrupt: the kept records or their texts are missing");
		goto out;
	}
	if ((rc = check_part(&m->parts[0], NULL, NULL)) != 0 || (rc = merge_order(m)) != 0)
		goto out;
	*mp = m;
	return 0;
out:
	if (rc == -1)
		fe_nomem_diag(where);
	fe_merge_free(m);
	return rc == -1 ? -1 : -2;
}

int
fe_merge_next(struct fe_merge *m, k8a_event **evp, struct fe_place *at)
{
	const struct rec *r;
	const struct part *p;
	const json_t *a, *obj, *t;
	struct k8a_origin og;

	*evp = NULL;
	if (m->next >= m->nrecs)
		return K8A_EOF;
	r = &m->recs[m->next++];
	p = &m->parts[r->part];
	a = r->a;
	obj = json_array_get(json_object_get(p->top, "objects"), (size_t)json_integer_value(json_array_get(a, 0)));
	t = json_array_get(a, 6);
	og.path = json_string_value(json_array_get(obj, 1));
	og.member = json_string_value(json_array_get(a, 2));
	og.line = (uint64_t)json_integer_value(json_array_get(a, 3));
	og.index = (int64_t)json_integer_value(json_array_get(a, 4));
	og.offset = (uint64_t)json_integer_value(json_array_get(a, 5));
	k8a_event_set(m->ev, p->texts + json_integer_value(json_array_get(t, 0)),
		(size_t)json_integer_value(json_array_get(t, 1)), &og);
	if (at != NULL) {
		at->arg = (int)json_integer_value(json_array_get(obj, 0));
		at->path = og.path;
		at->offset = r->offset;
	}
	*evp = m->ev;
	return K8A_OK;
}

uint64_t
fe_merge_records(const struct fe_merge *m)
{
	return m->records;
}

int
fe_merge_trouble(const struct fe_merge *m)
{
	return m->trouble;
}

size_t
fe_merge_count(const struct fe_merge *m)
{
	return m->nparts;
}

const json_t *
fe_merge_meta(const struct fe_merge *m, size_t i)
{
	return i < m->nparts ? json_object_get(m->parts[i].top, "meta") : NULL;
}
