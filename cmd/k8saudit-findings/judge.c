/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Which rules a record may match, told from its text alone
 * (k8a_exprset_candidates), as the reader's judge: on the thread that
 * reads the record, while the main thread parses and correlates the ones
 * before it.  Telling costs as much as parsing the few records that some
 * rule may match, so the two halves run side by side.  Records no rule can
 * match are dropped there (counted, never handed over).
 */
#include <stdlib.h>
#include <string.h>

#include "findings.h"

/* A thread's rule set: the verdicts it remembers are its own. */
static void *
start(void *arg)
{
	const struct judge *j = arg;
	k8a_exprset *xs = k8a_exprset_new();
	size_t k;

	if (xs == NULL)
		return NULL;
	for (k = 0; k < j->n; k++) {
		const struct rule *r = j->rs->r[j->rule_of[k]];
		if (k8a_exprset_add(xs, r->when, r->source, rule_literals(r)) < 0) {
			k8a_exprset_free(xs);
			return NULL;
		}
	}
	return xs;
}

static void
stop(void *state)
{
	k8a_exprset_free(state);
}

static int
candidates(void *state, k8a_event *ev, const void **verdict, size_t *len)
{
	size_t n;
	const size_t *c = k8a_exprset_candidates(state, ev, &n);

	if (c == NULL)
		return K8A_FATAL;
	if (n == 0)
		return 0; /* no rule can match it: not even copied */
	*verdict = c;
	*len = n * sizeof(*c);
	return 1;
}

/* --no-prefilter: every record, every rule (no verdict). */
static int
everything(void *state, k8a_event *ev, const void **verdict, size_t *len)
{
	(void)state;
	(void)ev;
	*verdict = NULL;
	*len = 0;
	return 1;
}

int
judge_init(struct judge *j, const struct ruleset *rs, int all)
{
	size_t k;

	memset(j, 0, sizeof(*j));
	j->rs = rs;
	j->all = all;
	if ((j->rule_of = calloc(rs->n + 1, sizeof(*j->rule_of))) == NULL)
		return -1;
	for (k = 0; k < rs->n; k++)
		if (rs->r[k]->enabled)
			j->rule_of[j->n++] = k;
	return 0;
}

int
judge_attach(struct judge *j, k8a_reader *r)
{
	struct k8a_judge h;

	memset(&h, 0, sizeof(h));
	if (j->all) {
		/* no start: the state is arg, and `everything` reads nothing */
		h.judge = everything;
	} else {
		h.start = start;
		h.judge = candidates;
		h.stop = stop;
	}
	h.arg = j;
	return k8a_reader_set_judge(r, &h);
}

const size_t *
judge_rules(const struct judge *j, const k8a_reader *r, size_t *n)
{
	size_t len;
	const size_t *c = k8a_reader_verdict(r, &len);

	*n = j->all ? j->n : len / sizeof(*c);
	return c;
}

void
judge_free(struct judge *j)
{
	free(j->rule_of);
	j->rule_of = NULL;
}
