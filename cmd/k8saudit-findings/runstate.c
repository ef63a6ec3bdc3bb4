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
#include <unistd.h>
#include <errno.h>
#include <fcntl.h>

#include "findings.h"

#define SECTION "findings"
/* Ids of findings whose record is this much older than the newest record
 * are forgotten (windowed and single-record rules): a record read again
 * after that is reported again. */
#define EMITTED_HORIZON (7 * 24 * 3600 * INT64_C(1000000))

static const char *state_path;

static int
state_fail(struct runstate *rs, int rc)
{
	if (rc == K8A_FATAL)
		fe_nomem_diag(state_path);
	else
		fe_diag(NULL, "%s", k8a_state_error(rs->st));
	return -1;
}

int
runstate_open(struct runstate *rs, const char *state, int reset, const char *output)
{
	int rc;

	memset(rs, 0, sizeof(*rs));
	rs->outfd = -1;
	if (state == NULL) {
		if (output == NULL)
			return 0;
		/* without a state, appended as it comes: no committed length */
		if ((rs->outfd = open(output, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644)) < 0) {
			fe_diag(output, "cannot open: %s", strerror(errno));
			return -1;
		}
	} else {
		state_path = state;
		if ((rs->st = k8a_state_new(state, "findings")) == NULL) {
			fe_nomem_diag(state);
			return -1;
		}
		if ((rc = k8a_state_lock(rs->st)) != K8A_OK || (!reset && (rc = k8a_state_load(rs->st)) != K8A_OK))
			return state_fail(rs, rc);
		if (!reset) {
			size_t len;
			const char *sec = k8a_state_section(rs->st, SECTION, &len);
			json_error_t err;
			if (sec != NULL) {
				rs->sec = json_loadb(sec, len, 0, &err);
				if (!json_is_object(rs->sec)) {
					fe_diag(state, "corrupt: the findings section is not a JSON object (%s)", err.text);
					return -1;
				}
				rs->seq_base = (uint64_t)json_integer_value(json_object_get(rs->sec, "records"));
			}
		}
		if (output != NULL && (rs->outfd = k8a_state_output_open(rs->st, output)) < 0)
			return state_fail(rs, rs->outfd);
	}
	if (rs->outfd >= 0) {
		fflush(stdout);
		if (dup2(rs->outfd, STDOUT_FILENO) < 0) {
			fe_diag(output, "cannot write: %s", strerror(errno));
			return -1;
		}
	}
	return 0;
}

void
runstate_attach(struct runstate *rs, k8a_reader *r)
{
	if (rs->st != NULL)
		k8a_reader_set_state(r, rs->st);
}

int
runstate_resume(struct runstate *rs, struct ruleset *rules, struct corr_ctx *cx, struct context *ctx)
{
	json_t *corr = json_object_get(rs->sec, "corr"), *taught = json_object_get(rs->sec, "context");
	size_t k;
	int rc;

	if (rs->st == NULL)
		return 0;
	/* grading and "first seen" judge later records by all that came
	 * before, not only by this run's objects */
	if (taught != NULL && (rc = context_restore(ctx, taught)) != 0) {
		if (rc == -1)
			fe_nomem_diag(state_path);
		else
			fe_diag(state_path, "corrupt: what the input taught is not a context");
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
			fe_diag(state_path, "corrupt: what %s carries is not its state", r->id);
			return -1;
		}
	}
	if (fe_nomem()) {
		fe_nomem_diag(state_path);
		return -1;
	}
	return 0;
}

void
runstate_filter(struct runstate *rs, struct findings *fs)
{
	json_t *emitted;
	size_t i, w = 0;

	if (rs->st == NULL)
		return;
	if (rs->sec == NULL && (rs->sec = json_object()) == NULL)
		return fe_nomem_note();
	if ((emitted = json_object_get(rs->sec, "emitted")) == NULL) {
		emitted = json_object();
		json_object_set_new(rs->sec, "emitted", emitted);
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
	json_t *emitted, *v;
	int64_t maxtime;
	const char *k;
	char *text;
	int rc;

	if (rs->outfd >= 0 && (fflush(stdout) != 0 || ferror(stdout))) {
		fe_diag(NULL, "cannot write the findings: %s (nothing committed)", strerror(errno));
		return -1;
	}
	if (rs->st == NULL)
		return 0;
	if (rs->outfd >= 0 && (rc = k8a_state_output_commit(rs->st, rs->outfd)) != K8A_OK)
		return state_fail(rs, rc);
	if (rs->sec == NULL)
		rs->sec = json_object();
	maxtime = json_integer_value(json_object_get(rs->sec, "maxtime"));
	emitted = json_object_get(rs->sec, "emitted");
	json_object_foreach(emitted, k, v)
		if (json_integer_value(json_array_get(v, 0)) > maxtime)
			maxtime = json_integer_value(json_array_get(v, 0));
	expire(rs->sec, maxtime);
	json_object_set_new(rs->sec, "maxtime", json_integer(maxtime));
	json_object_set_new(rs->sec, "records", json_integer((json_int_t)(rs->seq_base + records)));
	json_object_set_new(rs->sec, "corr", rs->carry ? json_incref(rs->carry) : json_object());
	json_object_set_new(rs->sec, "context", context_persist(ctx));
	if (fe_nomem() || (text = json_dumps(rs->sec, JSON_COMPACT)) == NULL) {
		fe_nomem_diag(state_path);
		return -1;
	}
	rc = k8a_state_set_section(rs->st, SECTION, text, strlen(text));
	free(text);
	if (rc == K8A_OK)
		rc = k8a_state_save(rs->st);
	return rc == K8A_OK ? 0 : state_fail(rs, rc);
}

void
runstate_free(struct runstate *rs)
{
	k8a_state_free(rs->st);
	json_decref(rs->sec);
	json_decref(rs->carry);
	rs->st = NULL;
	rs->sec = rs->carry = NULL;
}
