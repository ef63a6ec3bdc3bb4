/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Hostile records and expressions: nesting an attacker (or a careless
 * rules file) chooses must cost neither the stack nor quadratic time,
 * and must never turn into a silent "no match".  The deep cases run on a
 * thread with a small stack, so that a walk recursing once per level
 * crashes here, not only on some larger input elsewhere.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "test.h"

#define SMALL_STACK ((size_t)256 << 10)

/* Run fn(arg) on a thread with a 256 KiB stack. */
static void
on_small_stack(void *(*fn)(void *), void *arg)
{
	pthread_attr_t a;
	pthread_t t;

	pthread_attr_init(&a);
	pthread_attr_setstacksize(&a, SMALL_STACK);
	if (pthread_create(&t, &a, fn, arg) != 0) {
		k8a_test_fail(__FILE__, __LINE__, "pthread_create failed");
		pthread_attr_destroy(&a);
		return;
	}
	pthread_join(t, NULL);
	pthread_attr_destroy(&a);
}

/* An audit event with `member` (a JSON text) added at the top level. */
static char *
event_with(const char *member)
{
	static const char head[] = "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"a1\","
		"\"stage\":\"ResponseComplete\",\"verb\":\"create\",\"user\":{\"username\":\"alice\"},"
		"\"objectRef\":{\"resource\":\"pods\",\"namespace\":\"default\"},";
	size_t n = strlen(head) + strlen(member) + 2;
	char *s = t_alloc(n);

	snprintf(s, n, "%s%s}", head, member);
	return s;
}

/* "name":[[[...[inner]...]]], depth arrays deep. */
static char *
nested_arrays(const char *name, size_t depth, const char *inner)
{
	size_t n = strlen(name) + 4 + 2 * depth + strlen(inner) + 1, i;
	char *s = t_alloc(n), *p = s;

	p += sprintf(p, "\"%s\":", name);
	for (i = 0; i < depth; i++)
		*p++ = '[';
	p += sprintf(p, "%s", inner);
	for (i = 0; i < depth; i++)
		*p++ = ']';
	*p = '\0';
	return s;
}

struct deep_case {
	const char *expr, *record;
	int skim, match; /* what the skim and a parse answer */
};

static void *
deep_run(void *arg)
{
	struct deep_case *c = arg;
	k8a_expr *x = k8a_expr_compile(c->expr, NULL);
	k8a_event *ev = k8a_event_new();
	uint64_t deps = 0;

	if (x == NULL || ev == NULL) {
		c->skim = c->match = -100;
	} else {
		k8a_event_set(ev, c->record, strlen(c->record), NULL);
		c->skim = k8a_expr_skim_eval(x, ev, &deps);
		c->match = k8a_expr_match(x, ev);
	}
	k8a_event_free(ev);
	k8a_expr_free(x);
	return NULL;
}

/* A 100,000-deep array: the skim leaves it to the parse (2: cannot tell),
 * which refuses it (K8A_WARN), so the record is reported, not passed over
 * as "no match"; and the walk does not recurse once per level. */
K8A_TEST(hostile_deep_array_in_record)
{
	static const char *const exprs[] = {
		"deep = 1",                      /* a test of the array's values */
		"deep.image = x",                /* a path fanning out through it */
		"requestObject.spec.containers.image ~ evil", /* from the skim's slot */
		"deep[0][0].x = 1",              /* index steps, then a fan-out */
	};
	const char *deep = nested_arrays("deep", 100000, "1");
	char *ro = t_alloc(strlen(deep) + 64);
	size_t i;

	snprintf(ro, strlen(deep) + 64, "\"requestObject\":{\"spec\":{\"containers\":%s}}", deep + 7);
	for (i = 0; i < sizeof(exprs) / sizeof(exprs[0]); i++) {
		struct deep_case c = { exprs[i], i == 2 ? event_with(ro) : event_with(deep), -1, -1 };
		on_small_stack(deep_run, &c);
		if (!CHECK_EQ_INT(c.skim, 2) || !CHECK_EQ_INT(c.match, K8A_WARN))
			printf("    for %s\n", exprs[i]);
	}
}

/* Arrays nested a few levels are still judged by the skim, exactly. */
K8A_TEST(hostile_shallow_nested_arrays_still_skimmed)
{
	struct deep_case c = { "deep = 1", NULL, -1, -1 };

	c.record = event_with(nested_arrays("deep", 20, "[2,1]"));
	deep_run(&c);
	CHECK_EQ_INT(c.skim, 1);
	CHECK_EQ_INT(c.match, 1);
	c.record = event_with(nested_arrays("deep", 20, "[2,3]"));
	deep_run(&c);
	CHECK_EQ_INT(c.skim, 0);
	CHECK_EQ_INT(c.match, 0);
}

/* Many objects reached by one path, in records one after another on the
 * same event: the table of objects read is found by address, and a
 * record's entries never answer for the next one's. */
K8A_TEST(hostile_many_objects_one_path)
{
	k8a_expr *hit = k8a_expr_compile("requestObject.items.name = n2999", NULL);
	k8a_expr *miss = k8a_expr_compile("requestObject.items.name = n3000", NULL);
	k8a_event *ev = k8a_event_new();
	char *body[2];
	size_t round, k;

	REQUIRE(hit && miss && ev);
	for (k = 0; k < 2; k++) {
		size_t cap = 3000 * 32 + 64, i;
		char *s = t_alloc(cap), *p = s;
		p += sprintf(p, "\"requestObject\":{\"items\":[");
		for (i = 0; i < 3000; i++)
			p += sprintf(p, "%s{\"name\":\"n%zu\"}", i ? "," : "", k == 0 ? i : i + 1);
		sprintf(p, "]}");
		body[k] = event_with(s);
	}
	for (round = 0; round < 4; round++) {
		const char *rec = body[round & 1];
		uint64_t deps = 0;
		k8a_event_set(ev, rec, strlen(rec), NULL);
		CHECK_EQ_INT(k8a_expr_skim_eval(hit, ev, &deps), 1);
		CHECK_EQ_INT(k8a_expr_skim_eval(miss, ev, &deps), (round & 1) ? 1 : 0);
		CHECK_EQ_INT(k8a_expr_skim_eval(miss, ev, &deps), (round & 1) ? 1 : 0);
	}
	k8a_event_free(ev);
	k8a_expr_free(hit);
	k8a_expr_free(miss);
}

/* ---- expressions nested by their author ---- */

struct compile_case {
	const char *text, *record;
	k8a_expr *x;
	struct k8a_err err;
	int match, skim;
};

static void *
compile_run(void *arg)
{
	struct compile_case *c = arg;

	c->x = k8a_expr_compile(c->text, &c->err);
	c->match = c->skim = -100;
	if (c->x && c->record) {
		k8a_event *ev = k8a_event_new();
		uint64_t deps = 0;
		k8a_event_set(ev, c->record, strlen(c->record), NULL);
		c->skim = k8a_expr_skim_eval(c->x, ev, &deps);
		c->match = k8a_expr_match(c->x, ev);
		k8a_event_free(ev);
	}
	k8a_expr_free(c->x);
	return NULL;
}

/* pre x n, then mid, then post x n */
static char *
repeat3(const char *pre, size_t n, const char *mid, const char *post)
{
	size_t len = n * (strlen(pre) + strlen(post)) + strlen(mid) + 1, i;
	char *s = t_alloc(len), *p = s;

	for (i = 0; i < n; i++)
		p += sprintf(p, "%s", pre);
	p += sprintf(p, "%s", mid);
	for (i = 0; i < n; i++)
		p += sprintf(p, "%s", post);
	return s;
}

/* Parentheses, "!" and "not" beyond 256 levels are refused where the
 * 257th opens, however many follow (30,000 parentheses, 120,000 "!"). */
K8A_TEST(hostile_expr_nested_too_deeply)
{
	const char *texts[] = {
		repeat3("(", 30000, "verb=get", ")"),
		repeat3("!", 120000, "verb=get", ""),
		repeat3("not ", 257, "verb=get", ""),
		repeat3("(verb=get and (", 200, "verb=get", "))"),
		/* 150 parentheses, but two operators a level */
		repeat3("verb=get or verb=get and (", 150, "verb=get", ")"),
	};
	size_t i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct compile_case c = { texts[i], NULL, NULL, { 0, 0, "" }, 0, 0 };
		on_small_stack(compile_run, &c);
		CHECK(c.x == NULL);
		CHECK_EQ_INT(c.err.code, K8A_FAILED);
		CHECK_EQ_STR(c.err.msg, "expression nested too deeply (more than 256 levels)");
	}
}

/* 256 levels are allowed, and judged alike by the skim and the parse. */
K8A_TEST(hostile_expr_nesting_at_the_cap)
{
	struct compile_case c = { NULL, NULL, NULL, { 0, 0, "" }, 0, 0 };

	c.record = event_with("\"x\":1");
	c.text = repeat3("(", 256, "verb=create", ")");
	on_small_stack(compile_run, &c);
	CHECK_EQ_STR(c.err.msg, "");
	CHECK_EQ_INT(c.skim, 1);
	CHECK_EQ_INT(c.match, 1);
	c.text = repeat3("not ", 256, "verb=create", "");
	on_small_stack(compile_run, &c);
	CHECK_EQ_STR(c.err.msg, "");
	CHECK_EQ_INT(c.skim, 1);
	CHECK_EQ_INT(c.match, 1);
}

/* A generated list of 20,000 alternatives (a list of indicators) is a
 * balanced tree: compiled, judged and freed on a small stack, the last
 * alternative found. */
K8A_TEST(hostile_expr_long_chains)
{
	static const char *const ops[] = { " or ", " and " };
	size_t k, i;

	for (k = 0; k < 2; k++) {
		char *s = t_alloc(20000 * 32), *p = s;
		struct compile_case c = { s, NULL, NULL, { 0, 0, "" }, 0, 0 };
		for (i = 0; i < 20000; i++)
			p += sprintf(p, "%suser %s u%zu", i ? ops[k] : "", k ? "!=" : "=", i);
		sprintf(p, "%suser = alice", ops[k]);
		c.record = event_with("\"x\":1");
		on_small_stack(compile_run, &c);
		CHECK_EQ_STR(c.err.msg, "");
		CHECK_EQ_INT(c.skim, 1);
		CHECK_EQ_INT(c.match, 1);
	}
}

struct chain_case {
	size_t n;
	unsigned depth;
	int match;
};

static void *
chain_run(void *arg)
{
	struct chain_case *c = arg;
	k8a_expr *x = NULL;
	k8a_event *ev = k8a_event_new();
	const char *rec = event_with("\"x\":1");
	size_t i;

	for (i = 0; i < c->n; i++) {
		char t[64];
		snprintf(t, sizeof(t), i + 1 < c->n ? "user = u%zu" : "user = alice", i);
		x = k8a_expr_or(x, k8a_expr_compile(t, NULL));
	}
	c->depth = x ? x->depth : 0;
	k8a_event_set(ev, rec, strlen(rec), NULL);
	c->match = k8a_expr_match(x, ev);
	k8a_event_free(ev);
	k8a_expr_free(x);
	return NULL;
}

/* Terms added one at a time (k8saudit-grep's -w options) stay balanced. */
K8A_TEST(hostile_expr_or_one_at_a_time)
{
	struct chain_case c = { 3000, 0, -1 };

	on_small_stack(chain_run, &c);
	if (!CHECK(c.depth > 0 && c.depth <= 24))
		printf("    depth %u\n", c.depth);
	CHECK_EQ_INT(c.match, 1);
}

/* ---- regexes PCRE2 gives up on ---- */

/* A user agent that makes ^(a+)+$ backtrack past PCRE2's match limit: no
 * answer, so the record is reported (K8A_WARN with the reason), both on
 * the first try and from the per-thread memory of answers, for short and
 * long subjects; three-valued with the rest of the expression. */
K8A_TEST(hostile_regex_match_limit)
{
	static const struct {
		const char *expr;
		int want;
	} cases[] = {
		{ "ua ~ '^(a+)+$'", K8A_WARN },
		{ "ua !~ '^(a+)+$'", K8A_WARN },
		{ "not ua ~ '^(a+)+$'", K8A_WARN },
		{ "verb = create and ua ~ '^(a+)+$'", K8A_WARN },
		{ "verb = delete and ua ~ '^(a+)+$'", 0 },
		{ "verb = create or ua ~ '^(a+)+$'", 1 },
		{ "requestObject.note ~ '^(a+)+$'", K8A_WARN },
	};
	char ua[200], note[400];
	const char *rec;
	size_t i, k;

	memset(ua, 'a', 40);
	strcpy(ua + 40, "!");
	memset(note, 'a', 300); /* longer than the answers remembered */
	strcpy(note + 300, "!");
	{
		size_t n = strlen(ua) + strlen(note) + 64;
		char *m = t_alloc(n);
		snprintf(m, n, "\"userAgent\":\"%s\",\"requestObject\":{\"note\":[\"x\",\"%s\"]}", ua, note);
		rec = event_with(m);
	}
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		k8a_expr *x = k8a_expr_compile(cases[i].expr, NULL);
		k8a_event *ev = k8a_event_new();
		REQUIRE(x && ev);
		for (k = 0; k < 2; k++) { /* the second answer is remembered */
			uint64_t deps = 0;
			int s, m;
			k8a_event_set(ev, rec, strlen(rec), NULL);
			s = k8a_expr_skim_eval(x, ev, &deps);
			m = k8a_expr_match(x, ev);
			if (!CHECK_EQ_INT(m, cases[i].want) ||
			    !CHECK_EQ_INT(s, cases[i].want == K8A_WARN ? 2 : cases[i].want))
				printf("    for %s (try %zu)\n", cases[i].expr, k + 1);
			if (m == K8A_WARN)
				CHECK_EQ_STR(k8a_event_error(ev),
					"cannot tell whether ~ '^(a+)+$' matches: match limit exceeded");
		}
		k8a_event_free(ev);
		k8a_expr_free(x);
	}
}
