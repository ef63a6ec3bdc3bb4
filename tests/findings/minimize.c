/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * minimize - records that satisfy a rule's `when` with as little text as
 * possible, for the prefilter-equivalence test (tests/prefilter.sh).
 *
 *   k8saudit-findings --list-rules --json | minimize FIXTURE-DIR > minimal.jsonl
 *
 * For each rule, each record of FIXTURE-DIR/<source>/<ID>.pos.jsonl that
 * the rule's expression matches is cut down: object members and array
 * elements are removed, and strings emptied, one at a time, for as long as
 * the record stays of the same source and the expression still matches.
 * What remains holds only what the expression needs; a prefilter that
 * asks for more (hand-picked literals, words of a message the rule does
 * not test) skips it, and the test sees the difference.
 *
 * The records are written to standard output, for k8saudit-findings with
 * and without its prefilter.  Each is also checked here the way
 * k8saudit-grep -w would read it: the reader's byte prefilter built from
 * the expression's literals must find it, and the quick scan must not
 * rule it out; and the rule's literals (as --list-rules --json shows
 * them) must be in it.  A failure is reported and the status is 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "k8saudit.h"

struct rule {
	const char *id;
	k8a_expr *when;
	enum k8a_source src;
	json_t *lits; /* array of the rule's literals, or null */
};

static int failures;

static void
fail(const struct rule *r, const char *what, const char *text)
{
	fprintf(stderr, "minimize: %s: %s: %s\n", r->id, what, text);
	failures++;
}

/* The checks of a cut-down record, as grep and findings read it. */
static void
check(const struct rule *r, const char *text)
{
	const char *const *l = k8a_expr_literals(r->when);
	struct k8a_origin o = { "minimize", NULL, 1, -1, 0 };
	k8a_event *ev = k8a_event_new();
	size_t n = strlen(text), i;
	json_t *v;
	int any;

	if (ev == NULL)
		return;
	if (l) {
		k8a_prefilter *pf = k8a_prefilter_new(l);
		if (pf && k8a_prefilter_find(pf, text, n) == n)
			fail(r, "grep's byte prefilter skips it", text);
		k8a_prefilter_free(pf);
	}
	k8a_event_set(ev, text, n, &o);
	if (k8a_expr_may_match(r->when, ev) != 1)
		fail(r, "the quick scan rules it out", text);
	if (json_array_size(r->lits)) {
		any = 0;
		json_array_foreach(r->lits, i, v)
			any |= k8a_event_may_contain(ev, json_string_value(v), json_string_length(v));
		if (!any)
			fail(r, "none of the rule's literals is in it", text);
	}
	k8a_event_free(ev);
}

/* Does the rule still match the record `doc`? */
static int
still(const struct rule *r, json_t *doc)
{
	char *text = json_dumps(doc, JSON_COMPACT);
	struct k8a_origin o = { "minimize", NULL, 1, -1, 0 };
	k8a_event *ev;
	int m = 0;

	if (text == NULL || (ev = k8a_event_new()) == NULL) {
		free(text);
		return 0;
	}
	k8a_event_set(ev, text, strlen(text), &o);
	m = k8a_event_source(ev) == r->src && k8a_expr_match(r->when, ev) == 1;
	k8a_event_free(ev);
	free(text);
	return m;
}

/* Cut what can go below v (inside doc); 1 when something was cut. */
static int
cut(const struct rule *r, json_t *doc, json_t *v)
{
	int changed = 0;

	if (json_is_object(v)) {
		const char *k;
		void *it;
		json_t *m;
		/* keys are copied first: removing invalidates the iteration */
		size_t n = json_object_size(v), i = 0;
		char **keys = calloc(n + 1, sizeof(*keys));
		if (keys == NULL)
			return 0;
		json_object_foreach_safe(v, it, k, m) keys[i++] = strdup(k);
		for (i = 0; i < n; i++) {
			json_t *kept = json_incref(json_object_get(v, keys[i]));
			json_object_del(v, keys[i]);
			if (still(r, doc))
				changed = 1;
			else {
				json_object_set(v, keys[i], kept);
				changed |= cut(r, doc, kept);
			}
			json_decref(kept);
			free(keys[i]);
		}
		free(keys);
	} else if (json_is_array(v)) {
		size_t i = json_array_size(v);
		while (i-- > 0) {
			json_t *kept = json_incref(json_array_get(v, i));
			json_array_remove(v, i);
			if (still(r, doc))
				changed = 1;
			else {
				json_array_insert(v, i, kept);
				changed |= cut(r, doc, kept);
			}
			json_decref(kept);
		}
	} else if (json_is_string(v) && json_string_length(v) > 0) {
		char *old = strdup(json_string_value(v));
		json_string_set(v, "");
		if (still(r, doc))
			changed = 1;
		else
			json_string_set(v, old);
		free(old);
	}
	return changed;
}

static void
minimize_file(const struct rule *r, const char *path, size_t *made)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;

	if (fp == NULL)
		return; /* correlations over several records have no .pos of one */
	while (getline(&line, &cap, fp) != -1) {
		json_t *doc = json_loads(line, 0, NULL);
		if (doc && still(r, doc)) {
			char *text;
			while (cut(r, doc, doc))
				;
			if ((text = json_dumps(doc, JSON_COMPACT)) != NULL) {
				check(r, text);
				puts(text);
				free(text);
				(*made)++;
			}
		}
		json_decref(doc);
	}
	free(line);
	fclose(fp);
}

int
main(int argc, char **argv)
{
	char *line = NULL, path[4096];
	size_t cap = 0, made = 0, rules = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: minimize FIXTURE-DIR < rules.jsonl\n");
		return 2;
	}
	while (getline(&line, &cap, stdin) != -1) {
		json_t *o = json_loads(line, 0, NULL);
		const char *id = json_string_value(json_object_get(o, "rule"));
		const char *src = json_string_value(json_object_get(o, "source"));
		const char *when = json_string_value(json_object_get(o, "when"));
		struct rule r;
		struct k8a_err err;

		if (id && src && when && (r.when = k8a_expr_compile(when, &err)) != NULL) {
			r.id = id;
			r.lits = json_object_get(o, "literals");
			r.src = strcmp(src, "k8s") == 0 ? K8A_SRC_K8S : K8A_SRC_CLOUDTRAIL;
			snprintf(path, sizeof(path), "%s/%s/%s.pos.jsonl", argv[1], src, id);
			minimize_file(&r, path, &made);
			k8a_expr_free(r.when);
			rules++;
		} else if (o) {
			fprintf(stderr, "minimize: cannot read rule %s\n", id ? id : "?");
			return 1;
		}
		json_decref(o);
	}
	free(line);
	fprintf(stderr, "minimize: %zu records for %zu rules, %d failed checks\n", made, rules, failures);
	return made && !failures ? 0 : 1;
}
