/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Which rules a record may match, told from its text alone
 * (k8a_exprset_candidates), as the reader's judge: on the thread that
 * reads the record, while the main thread parses and correlates the ones
 * before it.  Telling costs as much as parsing the few records that some
 * rule may match, so the two halves run side by side.  Records no rule can
 * match are dropped there (counted, never handed over), except those that
 * teach what the input is like (context.c): the first record of each
 * input file and, in it, of each Kubernetes principal and address.
 * creds-in-bodies is told here too (k8a_secret_may_hold(), a keyword scan
 * of the text): it is a candidate of every record with a body.
 */
#include <stdlib.h>
#include <string.h>

#include "findings.h"

/* A thread's state: its rule set (the verdicts it remembers are its own),
 * and the principals and addresses it handed over in the current file. */
struct jstate {
	const struct judge *j;
	k8a_exprset *xs;
	k8a_secret_scan *sc; /* creds-in-bodies' keyword scan, or NULL */
	size_t *keep;        /* the candidates it leaves, sized for all */
	json_t *handed;  /* "user|peer" -> the earliest time handed over */
	char *path;
	int64_t file_min; /* the earliest time handed over in this file */
};

static void
stop(void *state)
{
	struct jstate *js = state;

	if (js == NULL)
		return;
	k8a_exprset_free(js->xs);
	k8a_secret_scan_free(js->sc);
	free(js->keep);
	json_decref(js->handed);
	free(js->path);
	free(js);
}

static void *
start(void *arg)
{
	const struct judge *j = arg;
	struct jstate *js = calloc(1, sizeof(*js));
	size_t k;

	if (js == NULL || (js->xs = k8a_exprset_new()) == NULL || (js->handed = json_object()) == NULL ||
	    (js->keep = calloc(j->n + 1, sizeof(*js->keep))) == NULL ||
	    (j->creds < j->n && secrets_thread_scan(&js->sc) != 0)) {
		stop(js);
		return NULL;
	}
	js->j = j;
	for (k = 0; k < j->n; k++) {
		const struct rule *r = j->rs->r[j->rule_of[k]];
		if (k8a_exprset_add(js->xs, r->when, r->source, rule_literals(r)) < 0) {
			stop(js);
			return NULL;
		}
	}
	return js;
}

/* The record's time as the parser would read it, from the skim: 1 when
 * known and it parses, else 0 (then only a parse can tell). */
static int
raw_time(k8a_event *ev, int64_t *t)
{
	const char *s;
	size_t n;

	return k8a_event_peek(ev, K8A_F_TIME, &s, &n) && s != NULL && k8a_time_parse(s, n, t) == K8A_OK;
}

/* Does the record teach something new (context.c)?  The earliest record
 * of its file, and of each Kubernetes principal and address in it, so
 * that the input's start and each principal's first time come out the
 * same as if every record were read.  1 yes, 0 no, K8A_FATAL. */
static int
teaches(struct jstate *js, k8a_event *ev)
{
	const struct k8a_origin *o = k8a_event_origin(ev);
	enum k8a_source src = k8a_event_peek_source(ev);
	const char *u = NULL, *p = NULL;
	size_t un = 0, pn = 0;
	char key[1024], where[4200];
	int64_t t = INT64_MIN;
	int timed, hand = 0;
	json_t *v;

	/* a file, or a member of an archive */
	snprintf(where, sizeof(where), "%s\n%s", o->path, o->member ? o->member : "");
	if (js->path == NULL || strcmp(js->path, where) != 0) {
		free(js->path);
		if ((js->path = strdup(where)) == NULL)
			return K8A_FATAL;
		json_object_clear(js->handed);
		js->file_min = INT64_MAX;
	}
	if (src == K8A_SRC_UNKNOWN)
		return 1; /* only a parse can tell */
	if (!(timed = raw_time(ev, &t)) || t < js->file_min) {
		hand = 1;
		if (timed)
			js->file_min = t;
	}
	if (src != K8A_SRC_K8S)
		return hand;
	if (!k8a_event_peek(ev, K8A_F_USER, &u, &un) || !k8a_event_peek(ev, K8A_F_PEER_IP, &p, &pn))
		return 1;
	if (u == NULL)
		return hand;
	if (p == NULL)
		pn = 0;
	if (un + pn + 2 > sizeof(key))
		return 1;
	memcpy(key, u, un);
	key[un] = '|';
	if (pn)
		memcpy(key + un + 1, p, pn);
	key[un + 1 + pn] = '\0';
	if ((v = json_object_get(js->handed, key)) != NULL) {
		if (timed && t < json_integer_value(v)) {
			json_integer_set(v, t);
			return 1;
		}
		return hand || !timed;
	}
	/* bounded: past the cap, start again (more is handed over, no less) */
	if (json_object_size(js->handed) >= 65536)
		json_object_clear(js->handed);
	if (json_object_set_new(js->handed, key, json_integer(timed ? t : INT64_MIN)) != 0)
		return K8A_FATAL;
	return 1;
}

/* c without creds-in-bodies when no secret type's keyword is in the
 * record's text (most bodies), in js->keep. */
static const size_t *
drop_creds(struct jstate *js, k8a_event *ev, const size_t *c, size_t *n)
{
	size_t i, k = 0;

	for (i = 0; i < *n && c[i] != js->j->creds; i++)
		;
	if (i == *n || k8a_secret_may_hold(js->sc, ev))
		return c;
	for (i = 0; i < *n; i++)
		if (c[i] != js->j->creds)
			js->keep[k++] = c[i];
	*n = k;
	return js->keep;
}

static int
candidates(void *state, k8a_event *ev, const void **verdict, size_t *len)
{
	struct jstate *js = state;
	size_t n;
	const size_t *c = k8a_exprset_candidates(js->xs, ev, &n);
	int t;

	if (c == NULL)
		return K8A_FATAL;
	if (n && js->sc)
		c = drop_creds(js, ev, c, &n);
	if ((t = teaches(js, ev)) == K8A_FATAL)
		return K8A_FATAL;
	if (n == 0 && t) {
		*verdict = NULL; /* no rule to try: only taught from */
		*len = 0;
		return 1;
	}
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
	for (j->creds = 0; j->creds < j->n && !secrets_rule(rs->r[j->rule_of[j->creds]]); j->creds++)
		;
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
