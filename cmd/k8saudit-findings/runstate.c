/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * k8saudit-findings --state and --output (k8saudit-state(5)): which
 * objects to read, what the correlations carry from run to run, which
 * findings were reported, and the output appended exactly once.
 *
 * The tool's section is one JSON object:
 *   records  records read by all runs (later records sort after them)
 *   maxtime  the newest record time seen (usec)
 *   emitted  finding id (16 hex digits) -> [time, 1 when kept for ever]
 *   corr     rule id -> what its correlation carries (corr_persist.c)
 *   context  what the input taught: its start per source, principals'
 *            first times, the cluster's addresses (context.c)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "findings.h"

#define SECTION "findings"
/* Ids of findings whose record is this much older than the newest record
 * are forgotten (windowed and single-record rules): a record read again
 * after that is reported again. */
#define EMITTED_HORIZON (7 * 24 * 3600 * INT64_C(1000000))

int
runstate_open(struct runstate *rs, const char *state, int reset, const char *output, uint64_t limit)
{
	memset(rs, 0, sizeof(*rs));
	if (fe_state_open(&rs->fs, SECTION, state, reset, output, limit) != 0)
		return -1;
	rs->seq_base = (uint64_t)json_integer_value(json_object_get(rs->fs.sec, "records"));
	return 0;
}

void
runstate_attach(struct runstate *rs, k8a_reader *r)
{
	fe_state_attach(&rs->fs, r);
}

int
runstate_resume(struct runstate *rs, struct ruleset *rules, struct corr_ctx *cx, struct context *ctx)
{
	json_t *corr = json_object_get(rs->fs.sec, "corr"), *taught = json_object_get(rs->fs.sec, "context");
	size_t k;
	int rc;

	if (rs->fs.st == NULL)
		return 0;
	/* grading and "first seen" judge later records by all that came
	 * before, not only by this run's objects */
	if (taught != NULL && (rc = context_restore(ctx, taught)) != 0) {
		if (rc == -1)
			fe_nomem_diag(rs->fs.path);
		else
			fe_diag(rs->fs.path, "corrupt: what the input taught is not a context");
		return -1;
	}
	if ((rs->carry = json_object()) == NULL) {
		fe_nomem_diag(NULL);
		return -1;
	}
	cx->carry = rs->carry;
	for (k = 0; k < rules->n; k++) {
		struct rule *r = rules->r[k];
		json_t *j = json_object_get(corr, r->id);
		if (j == NULL)
			continue;
		if (!r->enabled || !r->correlation) {
			/* not run this time: what it carries is kept as it is */
			json_object_set(rs->carry, r->id, j);
			continue;
		}
		if (corr_resume(r, j) != 0) {
			fe_diag(rs->fs.path, "corrupt: what %s carries is not its state", r->id);
			return -1;
		}
	}
	if (fe_nomem()) {
		fe_nomem_diag(rs->fs.path);
		return -1;
	}
	return 0;
}

void
runstate_filter(struct runstate *rs, struct findings *fs)
{
	json_t *emitted;
	size_t i, w = 0;

	if (rs->fs.st == NULL)
		return;
	if (rs->fs.sec == NULL && (rs->fs.sec = json_object()) == NULL)
		return fe_nomem_note();
	if ((emitted = json_object_get(rs->fs.sec, "emitted")) == NULL) {
		emitted = json_object();
		json_object_set_new(rs->fs.sec, "emitted", emitted);
	}
	for (i = 0; i < fs->n; i++) {
		struct finding *f = &fs->f[i];
		char id[17];
		json_t *e;
		finding_id_hex(f, id);
		if (json_object_get(emitted, id)) {
			finding_clear(f); /* reported by an earlier run */
			continue;
		}
		e = json_array();
		json_array_append_new(e, json_integer(f->ev->time));
		json_array_append_new(e, json_integer(corr_carries_all(f->rule)));
		json_object_set_new(emitted, id, e);
		fs->f[w] = *f;
		fs->f[w].seq = w;
		w++;
	}
	fs->n = w;
}

/* Forget the ids of findings older than the horizon, unless their rule
 * reports them again at every end. */
static void
expire(json_t *sec, int64_t maxtime)
{
	json_t *emitted = json_object_get(sec, "emitted"), *v;
	const char *k;
	void *tmp;

	json_object_foreach_safe(emitted, tmp, k, v) {
		int64_t t = json_integer_value(json_array_get(v, 0));
		if (!json_integer_value(json_array_get(v, 1)) && t < maxtime - EMITTED_HORIZON)
			json_object_del(emitted, k);
	}
}

int
runstate_commit(struct runstate *rs, uint64_t records, const struct context *ctx)
{
	json_t *sec, *emitted, *v;
	int64_t maxtime;
	const char *k;

	if (rs->fs.st != NULL) {
		if (rs->fs.sec == NULL)
			rs->fs.sec = json_object();
		sec = rs->fs.sec;
		maxtime = json_integer_value(json_object_get(sec, "maxtime"));
		emitted = json_object_get(sec, "emitted");
		json_object_foreach(emitted, k, v)
			if (json_integer_value(json_array_get(v, 0)) > maxtime)
				maxtime = json_integer_value(json_array_get(v, 0));
		expire(sec, maxtime);
		json_object_set_new(sec, "maxtime", json_integer(maxtime));
		json_object_set_new(sec, "records", json_integer((json_int_t)(rs->seq_base + records)));
		json_object_set_new(sec, "corr", rs->carry ? json_incref(rs->carry) : json_object());
		json_object_set_new(sec, "context", context_persist(ctx));
	}
	return fe_state_commit(&rs->fs, rs->fs.sec, "findings");
}

void
runstate_free(struct runstate *rs)
{
	fe_state_free(&rs->fs);
	json_decref(rs->carry);
	rs->carry = NULL;
}
