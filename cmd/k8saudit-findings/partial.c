/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Scale-out (k8saudit-state(5), Partial results): a shard's run writes,
 * instead of findings, what the end of the run needs (--partial): the
 * single-record findings, every candidate each correlation kept, what the
 * input taught, and where each record was in its object.  A merge
 * (--merge) reads any number of partials in any order, puts their records
 * back in the order one run over all the objects would have read them,
 * and runs the correlations' ends and the grading over the union: the
 * findings one run prints.
 *
 * A record's place is its pass (--baseline, then the operands), its
 * object's rank in walk order (argument, then the path compared name by
 * name, as the walk sorts each directory) and its offset in the object;
 * the order of those places is the order of the records one run reads.
 *
 * The partial is a state file (lib/state.c) of the tool "findings" with
 * one section, "partial": one compact JSON object
 *   v         1
 *   rules     the ids of the rules run, sorted (a merge runs the same)
 *   records   records read;  trouble  1 when the run reported a problem
 *   objects   [pass, argument index, path] in the order read
 *   snaps     the records findings and candidates name: a snapshot with
 *             "o" (its object's index in objects) and "d" (its offset)
 *   findings  [snap, rule, severity, GuardDuty type, note, evidence, order]
 *   corr      rule id -> [[snap, k1, k2, flag, evidence, order], ...]
 *   context   what the input taught (context_persist()), and "rseq":
 *             each learned range -> [object, offset] of its record
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "corr.h"

#define SECTION "partial"
#define PARTIAL_VERSION 1
/* A place as one number: pass, object rank, offset */
#define RANK_BITS 30
#define OFFSET_BITS 32

/* ---- while a shard reads ---- */

int
scaleout_init(struct scaleout *so)
{
	memset(so, 0, sizeof(*so));
	so->objects = json_array();
	so->firsts = json_array();
	so->rseq = json_object();
	so->cur[0] = so->cur[1] = -1;
	return so->objects && so->firsts && so->rseq ? 0 : -1;
}

void
scaleout_free(struct scaleout *so)
{
	json_decref(so->objects);
	json_decref(so->firsts);
	json_decref(so->rseq);
	free(so->lastpath);
	memset(so, 0, sizeof(*so));
}

int
scaleout_record(struct scaleout *so, int baseline, int nargs, char **args, k8a_event *ev, uint64_t seq,
	const struct context *ctx)
{
	const char *path = k8a_event_origin(ev)->path;
	int pass = !baseline;
	const char *k;
	json_t *v;
	size_t i;

	if (path == NULL)
		path = "<stdin>";
	if (so->lastpath == NULL || so->lastpass != pass || strcmp(so->lastpath, path) != 0) {
		json_t *o = json_array();
		free(so->lastpath);
		if ((so->lastpath = strdup(path)) == NULL || o == NULL)
			goto nomem;
		so->lastpass = pass;
		json_array_append_new(o, json_integer(pass));
		json_array_append_new(o, json_integer(fe_arg_of(path, nargs, args)));
		json_array_append_new(o, fe_bytes_json(path));
		if (json_array_append_new(so->objects, o) != 0 ||
		    json_array_append_new(so->firsts, json_integer((json_int_t)seq)) != 0)
			goto nomem;
		so->cur[pass] = (long long)json_array_size(so->objects) - 1;
		so->first[pass] = seq;
	}
	/* a range learned from this record: its place orders the ranges as
	 * one run learns them (the evidence names the first few) */
	if (json_object_size(ctx->ranges) != so->nranges) {
		i = 0;
		json_object_foreach(ctx->ranges, k, v) {
			if (i++ < so->nranges || json_object_get(so->rseq, k))
				continue;
			json_t *at = json_array();
			json_array_append_new(at, json_integer(so->cur[pass]));
			json_array_append_new(at, json_integer((json_int_t)(seq - so->first[pass])));
			if (json_object_set_new(so->rseq, k, at) != 0)
				goto nomem;
		}
		so->nranges = json_object_size(ctx->ranges);
	}
	return fe_nomem() ? -1 : 0;
nomem:
	fe_nomem_note();
	return -1;
}

/* ---- writing ---- */

struct writer {
	const struct scaleout *so;
	json_t *snaps;  /* the table */
	json_t *index;  /* "%p" of a snapshot -> its index */
	int bad;        /* a snapshot outside every object: a bug, said */
	/* for each pass, its objects' indices and first records: in read
	 * order, so the first records ascend within a pass */
	size_t *obj[2];
	uint64_t *first[2];
	size_t nobj[2];
};

/* The object of a snapshot: the last of its pass whose first record is
 * not after it (a binary search: a linear one was 8% of a shard's run). */
static long long
object_of(const struct writer *w, const struct snap *s, uint64_t *offset)
{
	int pass = !s->baseline;
	const uint64_t *first = w->first[pass];
	size_t lo = 0, hi = w->nobj[pass];

	while (lo < hi) { /* the first object whose first record is after it */
		size_t mid = lo + (hi - lo) / 2;
		if (first[mid] <= s->seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return -1;
	*offset = s->seq - first[lo - 1];
	return (long long)w->obj[pass][lo - 1];
}

static json_t *
snap_ref_json(struct writer *w, const struct snap *s)
{
	char key[32];
	json_t *idx, *j;
	uint64_t offset = 0;
	long long o;

	snprintf(key, sizeof(key), "%p", (const void *)s);
	if ((idx = json_object_get(w->index, key)) != NULL)
		return json_incref(idx);
	if ((o = object_of(w, s, &offset)) < 0) {
		w->bad = 1;
		return json_integer(-1);
	}
	j = snap_to_json(s);
	json_object_del(j, "seq");
	json_object_set_new(j, "o", json_integer(o));
	json_object_set_new(j, "d", json_integer((json_int_t)offset));
	json_array_append_new(w->snaps, j);
	idx = json_integer((json_int_t)json_array_size(w->snaps) - 1);
	json_object_set(w->index, key, idx);
	return idx;
}

static json_t *
str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The ids of the rules enabled, sorted, as JSON. */
static json_t *
rule_ids(const struct ruleset *rs)
{
	const char **ids = calloc(rs->n + 1, sizeof(*ids));
	json_t *a = json_array();
	size_t i, n = 0;

	if (ids == NULL) {
		fe_nomem_note();
		return a;
	}
	for (i = 0; i < rs->n; i++)
		if (rs->r[i]->enabled)
			ids[n++] = rs->r[i]->id;
	qsort(ids, n, sizeof(*ids), cmp_str);
	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(ids[i]));
	free(ids);
	return a;
}

int
partial_write(const char *path, const struct scaleout *so, const struct ruleset *rs, const struct findings *fs,
	const struct context *ctx, uint64_t records, int trouble, uint64_t limit)
{
	struct writer w = { .so = so, .snaps = json_array(), .index = json_object() };
	json_t *top = json_object(), *finds = json_array(), *corr = json_object(), *taught;
	k8a_state *st = NULL;
	char *text = NULL;
	size_t i, k;
	int rc = -1, src;

	for (k = 0; k < 2; k++) {
		w.obj[k] = calloc(json_array_size(so->objects) + 1, sizeof(*w.obj[k]));
		w.first[k] = calloc(json_array_size(so->objects) + 1, sizeof(*w.first[k]));
		if (w.obj[k] == NULL || w.first[k] == NULL)
			fe_nomem_note();
	}
	for (i = 0; i < json_array_size(so->objects) && !fe_nomem(); i++) {
		int p = json_integer_value(json_array_get(json_array_get(so->objects, i), 0)) != 0;
		w.obj[p][w.nobj[p]] = i;
		w.first[p][w.nobj[p]++] = (uint64_t)json_integer_value(json_array_get(so->firsts, i));
	}
	for (i = 0; i < fs->n; i++) {
		const struct finding *f = &fs->f[i];
		json_t *a = json_array();
		json_array_append_new(a, snap_ref_json(&w, f->ev));
		json_array_append_new(a, json_string(f->rule->id));
		json_array_append_new(a, json_integer(f->sev));
		json_array_append_new(a, str_or_null(f->guardduty));
		json_array_append_new(a, str_or_null(f->note));
		json_array_append(a, f->evidence);
		json_array_append_new(a, json_integer((json_int_t)f->seq));
		json_array_append_new(finds, a);
	}
	for (k = 0; k < rs->n; k++) {
		const struct rule *r = rs->r[k];
		const struct corr *c = r->corr;
		json_t *cands;
		if (!r->enabled || !r->correlation || c == NULL || c->n == 0)
			continue;
		cands = json_array();
		for (i = 0; i < c->n; i++) {
			const struct cand *x = &c->c[i];
			json_t *a = json_array();
			json_array_append_new(a, snap_ref_json(&w, x->s));
			json_array_append_new(a, str_or_null(x->k1));
			json_array_append_new(a, str_or_null(x->k2));
			json_array_append_new(a, json_integer(x->flag));
			json_array_append(a, x->ev ? x->ev : json_null());
			json_array_append_new(a, json_integer((json_int_t)x->ord));
			json_array_append_new(cands, a);
		}
		json_object_set_new(corr, r->id, cands);
	}
	taught = context_persist(ctx);
	json_object_set(taught, "rseq", so->rseq);
	json_object_set_new(top, "v", json_integer(PARTIAL_VERSION));
	json_object_set_new(top, "rules", rule_ids(rs));
	json_object_set_new(top, "records", json_integer((json_int_t)records));
	json_object_set_new(top, "trouble", json_integer(trouble != 0));
	json_object_set(top, "objects", so->objects);
	json_object_set(top, "snaps", w.snaps);
	json_object_set_new(top, "findings", finds);
	json_object_set_new(top, "corr", corr);
	json_object_set_new(top, "context", taught);
	if (w.bad && !fe_nomem()) { /* out of memory: said below */
		fe_diag(path, "a record outside every object read (a bug): no partial written");
		goto out;
	}
	if (fe_nomem() || (text = json_dumps(top, JSON_COMPACT)) == NULL || (st = fe_state_new(path, "findings", limit)) == NULL) {
		fe_nomem_diag(path);
		goto out;
	}
	if ((src = k8a_state_set_section(st, SECTION, text, strlen(text))) == K8A_OK)
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
	json_decref(top);
	json_decref(w.snaps);
	json_decref(w.index);
	for (k = 0; k < 2; k++) {
		free(w.obj[k]);
		free(w.first[k]);
	}
	return rc;
}

/* ---- merging ---- */

struct part {
	const char *path;
	json_t *top;
	size_t *rank;        /* of each of its objects */
	struct snap **snaps; /* made from its table, places set */
	size_t nsnaps;
};

struct gobj {
	int pass, arg;
	const char *path;
	size_t part, local;
};

static int
cmp_gobj(const void *pa, const void *pb)
{
	const struct gobj *a = pa, *b = pb;
	int c;

	if (a->pass != b->pass)
		return a->pass < b->pass ? -1 : 1;
	if (a->arg != b->arg)
		return a->arg < b->arg ? -1 : 1;
	if ((c = fe_walk_cmp(a->path, b->path)) != 0)
		return c;
	return a->part < b->part ? -1 : a->part > b->part;
}

/* One finding or candidate of a partial, to be put in place. */
struct item {
	struct snap *s;
	const json_t *a;
	uint64_t ord;
	size_t part;
};

static int
cmp_item(const void *pa, const void *pb)
{
	const struct item *a = pa, *b = pb;

	if (a->s->seq != b->s->seq)
		return a->s->seq < b->s->seq ? -1 : 1;
	if (a->part != b->part)
		return a->part < b->part ? -1 : 1;
	return a->ord < b->ord ? -1 : a->ord > b->ord;
}

/* A problem with a partial: said, 2 (its own kind, not memory). */
#define BAD(p, ...) (fe_diag((p)->path, __VA_ARGS__), -2)

/* Load and check one partial's file. */
static int
load_part(struct part *p, json_t *want_rules, uint64_t limit)
{
	const void *sec;
	size_t len, i;
	json_error_t err;
	json_t *v;
	struct stat sb;
	k8a_state *st;
	int rc;

	if (stat(p->path, &sb) != 0)
		return BAD(p, "cannot open: %s", strerror(errno));
	if ((st = fe_state_new(p->path, "findings", limit)) == NULL)
		return -1;
	if ((rc = k8a_state_load(st)) != K8A_OK) {
		if (rc == K8A_FATAL) {
			k8a_state_free(st);
			return -1;
		}
		fe_diag(NULL, "%s", k8a_state_error(st));
		k8a_state_free(st);
		return -2;
	}
	if ((sec = k8a_state_section(st, SECTION, &len)) == NULL) {
		k8a_state_free(st);
		return BAD(p, "not a partial result (a --state file of k8saudit-findings?)");
	}
	p->top = json_loadb(sec, len, 0, &err);
	k8a_state_free(st);
	if (!json_is_object(p->top))
		return BAD(p, "corrupt partial: %s", err.text);
	if (json_integer_value(json_object_get(p->top, "v")) != PARTIAL_VERSION)
		return BAD(p, "a partial of version %lld, not %d", (long long)json_integer_value(json_object_get(p->top, "v")),
			PARTIAL_VERSION);
	if (!json_is_array(json_object_get(p->top, "objects")) || !json_is_array(json_object_get(p->top, "snaps")) ||
	    !json_is_array(json_object_get(p->top, "findings")) || !json_is_object(json_object_get(p->top, "corr")) ||
	    !json_is_object(json_object_get(p->top, "context")) || !json_is_array(json_object_get(p->top, "rules")))
		return BAD(p, "corrupt partial: a part is missing");
	if (!json_equal(json_object_get(p->top, "rules"), want_rules))
		return BAD(p, "made with other rules than this merge runs: give the merge the rule options the shards had "
			      "(--rules, --sigma, --no-builtin, --rule, --skip-rule, --tactic, --ip-list, --tor-exits)");
	json_array_foreach(json_object_get(p->top, "objects"), i, v)
		if (json_is_array(v) && fe_bytes_at(v, 2, NULL) == -2) /* a path not UTF-8: its bytes */
			return -1;
	json_array_foreach(json_object_get(p->top, "objects"), i, v)
		if (!json_is_array(v) || !json_is_integer(json_array_get(v, 0)) ||
		    (json_integer_value(json_array_get(v, 0)) & ~1) != 0 || !json_is_integer(json_array_get(v, 1)) ||
		    !json_is_string(json_array_get(v, 2)))
			return BAD(p, "corrupt partial: object %zu", i);
	return 0;
}

/* The snapshots of a partial, with their places as one run's order. */
static int
make_snaps(struct part *p)
{
	json_t *snaps = json_object_get(p->top, "snaps"), *objs = json_object_get(p->top, "objects"), *v;
	size_t i, nobj = json_array_size(objs);

	p->nsnaps = json_array_size(snaps);
	if ((p->snaps = calloc(p->nsnaps + 1, sizeof(*p->snaps))) == NULL)
		return -1;
	json_array_foreach(snaps, i, v) {
		json_t *o = json_object_get(v, "o"), *d = json_object_get(v, "d");
		json_int_t oi = json_integer_value(o), di = json_integer_value(d);
		if (!json_is_integer(o) || !json_is_integer(d) || oi < 0 || (size_t)oi >= nobj || di < 0 ||
		    (uint64_t)di >= (UINT64_C(1) << OFFSET_BITS))
			return BAD(p, "corrupt partial: record %zu has no place", i);
		if ((p->snaps[i] = snap_from_json(v)) == NULL)
			return fe_nomem() ? -1 : BAD(p, "corrupt partial: record %zu is not a snapshot", i);
		p->snaps[i]->seq = ((uint64_t)json_integer_value(json_array_get(json_array_get(objs, oi), 0))
					   << (RANK_BITS + OFFSET_BITS)) |
				   ((uint64_t)p->rank[oi] << OFFSET_BITS) | (uint64_t)di;
	}
	return 0;
}

static struct snap *
snap_at(struct part *p, const json_t *a)
{
	json_int_t i = json_integer_value(json_array_get(a, 0));

	return json_is_integer(json_array_get(a, 0)) && i >= 0 && (size_t)i < p->nsnaps ? p->snaps[i] : NULL;
}

/* Rank every object of every partial; one read twice is an error. */
static int
rank_objects(struct part *parts, size_t n, struct scaleout *so)
{
	struct gobj *all;
	size_t total = 0, i, j, w = 0;
	int rc = 0;

	for (i = 0; i < n; i++)
		total += json_array_size(json_object_get(parts[i].top, "objects"));
	if ((all = calloc(total + 1, sizeof(*all))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		json_t *objs = json_object_get(parts[i].top, "objects"), *v;
		if ((parts[i].rank = calloc(json_array_size(objs) + 1, sizeof(size_t))) == NULL) {
			free(all);
			return -1;
		}
		json_array_foreach(objs, j, v) {
			all[w].pass = (int)json_integer_value(json_array_get(v, 0));
			all[w].arg = (int)json_integer_value(json_array_get(v, 1));
			all[w].path = json_string_value(json_array_get(v, 2));
			all[w].part = i;
			all[w].local = j;
			w++;
		}
	}
	qsort(all, total, sizeof(*all), cmp_gobj);
	for (i = 0; i < total; i++) {
		if (i > 0 && all[i].pass == all[i - 1].pass && all[i].arg == all[i - 1].arg &&
		    strcmp(all[i].path, all[i - 1].path) == 0) {
			struct part *p = &parts[all[i].part];
			rc = BAD(p, "object %s is also in %s: read by two shards (overlapping --shard, or a partial given "
				    "twice)", all[i].path, parts[all[i - 1].part].path);
			break;
		}
		if (i >= (UINT64_C(1) << RANK_BITS)) {
			rc = BAD(&parts[all[i].part], "more than %llu objects", (unsigned long long)1 << RANK_BITS);
			break;
		}
		parts[all[i].part].rank[all[i].local] = i;
		if (so != NULL) {
			/* merging into a partial: the objects in one run's order */
			json_t *o = json_array();
			json_array_append_new(o, json_integer(all[i].pass));
			json_array_append_new(o, json_integer(all[i].arg));
			json_array_append_new(o, fe_bytes_json(all[i].path));
			json_array_append_new(so->objects, o);
			json_array_append_new(so->firsts, json_integer((json_int_t)(((uint64_t)all[i].pass
				<< (RANK_BITS + OFFSET_BITS)) | ((uint64_t)i << OFFSET_BITS))));
		}
	}
	free(all);
	return rc;
}

/* What the inputs taught together: the earliest start of each source and
 * first time of each principal, the ranges in the order one run learns
 * them.  0, -1 out of memory, -2 said. */
static int
merge_context(struct part *parts, size_t n, struct context *ctx, struct scaleout *so)
{
	json_t *start = json_array(), *first = json_object(), *ranges = json_object(), *all = json_object();
	json_t *sorted = json_array(), *v;
	uint64_t records = 0, taught = 0;
	const char *k;
	size_t i, j;
	int rc = 0;

	for (j = 0; j < 3; j++)
		json_array_append_new(start, json_null());
	for (i = 0; i < n && rc == 0; i++) {
		json_t *c = json_object_get(parts[i].top, "context"), *objs = json_object_get(parts[i].top, "objects");
		json_t *st = json_object_get(c, "start"), *fi = json_object_get(c, "first");
		json_t *rs = json_object_get(c, "ranges"), *rseq = json_object_get(c, "rseq");
		if (!json_is_array(st) || json_array_size(st) != 3 || !json_is_object(fi) || !json_is_array(rs) ||
		    !json_is_object(rseq)) {
			rc = BAD(&parts[i], "corrupt partial: what the input taught");
			break;
		}
		for (j = 0; j < 3; j++) {
			json_t *a = json_array_get(st, j), *b = json_array_get(start, j);
			if (json_is_integer(a) && (!json_is_integer(b) || json_integer_value(a) < json_integer_value(b)))
				json_array_set(start, j, a);
		}
		json_object_foreach(fi, k, v) {
			json_t *b = json_object_get(first, k);
			if (json_is_integer(v) && (b == NULL || json_integer_value(v) < json_integer_value(b)))
				json_object_set(first, k, v);
		}
		json_array_foreach(rs, j, v) {
			const char *range = json_string_value(v);
			json_t *at = json_object_get(rseq, range ? range : ""), *had;
			json_int_t oi = json_integer_value(json_array_get(at, 0));
			uint64_t place;
			if (range == NULL || !json_is_array(at) || oi < 0 || (size_t)oi >= json_array_size(objs)) {
				rc = BAD(&parts[i], "corrupt partial: a learned range without its place");
				break;
			}
			place = ((uint64_t)json_integer_value(json_array_get(json_array_get(objs, oi), 0))
					<< (RANK_BITS + OFFSET_BITS)) |
				((uint64_t)parts[i].rank[oi] << OFFSET_BITS) |
				(uint64_t)json_integer_value(json_array_get(at, 1));
			if ((had = json_object_get(ranges, range)) == NULL || place < (uint64_t)json_integer_value(had))
				json_object_set_new(ranges, range, json_integer((json_int_t)place));
		}
		records += (uint64_t)json_integer_value(json_object_get(c, "records"));
		taught += (uint64_t)json_integer_value(json_object_get(c, "taught"));
	}
	if (rc == 0) {
		/* the ranges by place */
		size_t nr = json_object_size(ranges), w = 0;
		struct { uint64_t place; const char *k; } *a = calloc(nr + 1, sizeof(*a));
		if (a == NULL)
			rc = -1;
		else {
			json_object_foreach(ranges, k, v) {
				a[w].place = (uint64_t)json_integer_value(v);
				a[w++].k = k;
			}
			/* insertion sort is enough: a cluster has a few ranges */
			for (i = 1; i < w; i++)
				for (j = i; j > 0 && a[j].place < a[j - 1].place; j--) {
					__typeof__(*a) t = a[j];
					a[j] = a[j - 1];
					a[j - 1] = t;
				}
			for (i = 0; i < w; i++) {
				json_array_append_new(sorted, json_string(a[i].k));
				if (so != NULL) {
					/* merging into a partial: each range's place */
					json_t *at = json_array();
					json_array_append_new(at, json_integer((json_int_t)((a[i].place >> OFFSET_BITS) &
						((UINT64_C(1) << RANK_BITS) - 1))));
					json_array_append_new(at, json_integer((json_int_t)(a[i].place &
						((UINT64_C(1) << OFFSET_BITS) - 1))));
					json_object_set_new(so->rseq, a[i].k, at);
				}
			}
			free(a);
		}
	}
	if (rc == 0) {
		json_object_set(all, "start", start);
		json_object_set(all, "ranges", sorted);
		json_object_set(all, "first", first);
		json_object_set_new(all, "records", json_integer((json_int_t)records));
		json_object_set_new(all, "taught", json_integer((json_int_t)taught));
		if (fe_nomem())
			rc = -1;
		else if ((rc = context_restore(ctx, all)) == -2)
			rc = BAD(&parts[0], "corrupt partial: what the input taught is not a context");
	}
	json_decref(start);
	json_decref(first);
	json_decref(ranges);
	json_decref(sorted);
	json_decref(all);
	return rc;
}

static struct rule *
find_rule(struct ruleset *rs, const char *id)
{
	size_t k;

	for (k = 0; id && k < rs->n; k++)
		if (rs->r[k]->enabled && strcmp(rs->r[k]->id, id) == 0)
			return rs->r[k];
	return NULL;
}

/* Items of every partial from list `what` (of rule id, or the findings),
 * in one run's order, into *out. */
static int
gather(struct part *parts, size_t n, const char *what, const char *rule, struct item **out, size_t *nout)
{
	struct item *it = NULL;
	size_t total = 0, i, j, w = 0;
	json_t *v;

	for (i = 0; i < n; i++) {
		json_t *l = rule ? json_object_get(json_object_get(parts[i].top, "corr"), rule) :
				   json_object_get(parts[i].top, what);
		total += json_array_size(l);
	}
	if ((it = calloc(total + 1, sizeof(*it))) == NULL)
		return -1;
	for (i = 0; i < n; i++) {
		json_t *l = rule ? json_object_get(json_object_get(parts[i].top, "corr"), rule) :
				   json_object_get(parts[i].top, what);
		json_array_foreach(l, j, v) {
			size_t last = json_array_size(v) ? json_array_size(v) - 1 : 0;
			if (!json_is_array(v) || json_array_size(v) < 6 || (it[w].s = snap_at(&parts[i], v)) == NULL ||
			    !json_is_integer(json_array_get(v, last))) {
				free(it);
				return BAD(&parts[i], "corrupt partial: %s %s item %zu", rule ? rule : what,
					rule ? "candidate" : "", j);
			}
			it[w].a = v;
			it[w].ord = (uint64_t)json_integer_value(json_array_get(v, last));
			it[w].part = i;
			w++;
		}
	}
	qsort(it, w, sizeof(*it), cmp_item);
	*out = it;
	*nout = w;
	return 0;
}

static int
merge_findings(struct part *parts, size_t n, struct ruleset *rs, struct findings *fs)
{
	struct item *it;
	size_t nit, i;
	int rc;

	if ((rc = gather(parts, n, "findings", NULL, &it, &nit)) != 0)
		return rc;
	for (i = 0; i < nit; i++) {
		const json_t *a = it[i].a;
		struct rule *r = find_rule(rs, json_string_value(json_array_get(a, 1)));
		json_int_t sev = json_integer_value(json_array_get(a, 2));
		json_t *ev = json_array_get(a, 5);
		if (r == NULL || !json_is_integer(json_array_get(a, 2)) || sev < 0 || sev >= SEV_COUNT_ ||
		    !json_is_object(ev)) {
			rc = BAD(&parts[it[i].part], "corrupt partial: finding of %s", json_string_value(json_array_get(a, 1)));
			break;
		}
		findings_add(fs, r, it[i].s, (enum sev)sev, json_string_value(json_array_get(a, 3)),
			json_string_value(json_array_get(a, 4)), json_deep_copy(ev));
	}
	free(it);
	return rc != 0 ? rc : fe_nomem() ? -1 : 0;
}

static int
merge_corr(struct part *parts, size_t n, struct ruleset *rs)
{
	size_t k, i;
	int rc = 0;

	for (k = 0; k < rs->n && rc == 0; k++) {
		struct rule *r = rs->r[k];
		struct item *it;
		size_t nit;
		if (!r->enabled || !r->correlation)
			continue;
		if ((rc = gather(parts, n, NULL, r->id, &it, &nit)) != 0)
			break;
		for (i = 0; i < nit; i++) {
			const json_t *a = it[i].a;
			json_t *ev = json_array_get(a, 4);
			if (corr_merge_keep(r, it[i].s, json_string_value(json_array_get(a, 1)),
			    json_string_value(json_array_get(a, 2)), (int)json_integer_value(json_array_get(a, 3)),
			    json_is_null(ev) ? NULL : json_deep_copy(ev)) != 0) {
				rc = BAD(&parts[it[i].part], "corrupt partial: %s kept what it does not keep", r->id);
				break;
			}
		}
		free(it);
	}
	return rc != 0 ? rc : fe_nomem() ? -1 : 0;
}

int
partial_merge(int n, char **paths, struct ruleset *rs, struct findings *fs, struct context *ctx, uint64_t *records,
	int *trouble, struct scaleout *so, uint64_t limit)
{
	struct part *parts = calloc((size_t)n + 1, sizeof(*parts));
	json_t *want = rule_ids(rs);
	size_t i, j;
	int rc = 0;

	if (parts == NULL || want == NULL) {
		rc = -1;
		goto out;
	}
	for (i = 0; i < (size_t)n && rc == 0; i++) {
		parts[i].path = paths[i];
		rc = load_part(&parts[i], want, limit);
	}
	if (rc == 0)
		rc = rank_objects(parts, (size_t)n, so);
	for (i = 0; i < (size_t)n && rc == 0; i++)
		rc = make_snaps(&parts[i]);
	if (rc == 0)
		rc = merge_context(parts, (size_t)n, ctx, so);
	if (rc == 0)
		rc = merge_findings(parts, (size_t)n, rs, fs);
	if (rc == 0)
		rc = merge_corr(parts, (size_t)n, rs);
	for (i = 0; i < (size_t)n && rc == 0; i++) {
		*records += (uint64_t)json_integer_value(json_object_get(parts[i].top, "records"));
		if (json_integer_value(json_object_get(parts[i].top, "trouble"))) {
			fe_diag(parts[i].path, "the shard's run reported problems (its messages tell which)");
			*trouble = 1;
		}
	}
out:
	if (rc == -1)
		fe_nomem_diag(NULL);
	for (i = 0; parts && i < (size_t)n; i++) {
		for (j = 0; j < parts[i].nsnaps; j++)
			snap_unref(parts[i].snaps[j]);
		free(parts[i].snaps);
		free(parts[i].rank);
		json_decref(parts[i].top);
	}
	free(parts);
	json_decref(want);
	return rc == 0 ? 0 : -1;
}
