/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Expressions evaluated on a parsed record: paths walked with
 * any-element semantics, aliases and computed fields, references to other
 * fields (@path), and the public k8a_expr_match().
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"

static int
test_json(const struct pred *p, json_t *v)
{
	size_t i;

	if (v == NULL)
		return 0;
	switch (json_typeof(v)) {
	case JSON_STRING:
		return k8a_test_string(p, json_string_value(v), json_string_length(v), 0);
	case JSON_INTEGER:
		return k8a_test_number(p, json_number_value(v), 1, (long long)json_integer_value(v));
	case JSON_REAL:
		return k8a_test_number(p, json_number_value(v), 0, 0);
	case JSON_TRUE:
		return k8a_test_string(p, "true", 4, 0);
	case JSON_FALSE:
		return k8a_test_string(p, "false", 5, 0);
	case JSON_NULL:
		return 0;
	case JSON_ARRAY: {
		json_t *e;
		int r = 0, x;
		json_array_foreach(v, i, e)
			if ((x = test_json(p, e)) == 1)
				return 1;
			else if (x == MAYBE)
				r = MAYBE;
		return r;
	}
	case JSON_OBJECT:
		return p->op == OP_EXISTS;
	}
	return 0;
}

struct test_ctx {
	const struct pred *p;
	int maybe; /* some value could not be judged */
};

static int
test_cb(json_t *v, void *arg)
{
	struct test_ctx *tc = arg;
	int r = test_json(tc->p, v);

	if (r == MAYBE)
		tc->maybe = 1;
	return r == 1;
}

/* Walk the path; arrays without an index fan out.  Any hit wins; else a
 * value that could not be judged leaves the answer open (MAYBE). */
static int
walk(const struct pred *p, const struct seg *sg, size_t n, json_t *v)
{
	struct test_ctx tc = { p, 0 };

	if (k8a_path_each(sg, n, v, test_cb, &tc))
		return 1;
	return tc.maybe ? MAYBE : 0;
}

static int eval_pred(const struct pred *p, k8a_event *ev);

/* First scalar value a field has in this record, as text, or NULL. */
static char *
ref_value(const struct pred *r, k8a_event *ev)
{
	const struct seg *sg;
	size_t n, i;
	json_t *v;
	char tmp[64];

	if (r->field >= 0) {
		const char *s = k8a_event_str(ev, (enum k8a_field)r->field);
		return s ? strdup(s) : NULL;
	}
	if (r->synth != S_NONE)
		return NULL;
	sg = ev->source == K8A_SRC_CLOUDTRAIL ? r->ct : r->k8s;
	n = ev->source == K8A_SRC_CLOUDTRAIL ? r->nct : r->nk8s;
	if (sg == NULL)
		return NULL;
	v = ev->root;
	for (i = 0; i < n && v != NULL; i++) {
		while (json_is_array(v) && sg[i].key != NULL)
			v = json_array_get(v, 0);
		v = sg[i].key ? json_object_get(v, sg[i].key) :
			json_array_get(v, sg[i].index < 0 ? 0 : (size_t)sg[i].index);
	}
	while (json_is_array(v))
		v = json_array_get(v, 0);
	if (json_is_string(v))
		return strdup(json_string_value(v));
	if (json_is_integer(v))
		snprintf(tmp, sizeof(tmp), "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(tmp, sizeof(tmp), "%.17g", json_real_value(v));
	else if (json_is_boolean(v))
		snprintf(tmp, sizeof(tmp), "%s", json_is_true(v) ? "true" : "false");
	else
		return NULL;
	return strdup(tmp);
}

/* "field op @other": evaluate with the other field's value as the operand. */
static int
eval_ref(const struct pred *p, k8a_event *ev)
{
	struct pred q = *p;
	char *val;
	double num = 0;
	int isnum, istm, r;
	int64_t tm = 0;
	size_t vlen;

	errno = 0;
	if ((val = ref_value(p->ref, ev)) == NULL) {
		if (errno == ENOMEM)
			ev->nomem = 1; /* not an absent field */
		return 0;
	}
	vlen = strlen(val);
	isnum = k8a_parse_number(val, &num);
	istm = k8a_time_parse(val, strlen(val), &tm) == K8A_OK;
	q.ref = NULL;
	q.vals = &val;
	q.vlen = &vlen;
	q.nvals = 1;
	q.num = &num;
	q.isnum = &isnum;
	q.tm = &tm;
	q.istm = &istm;
	r = eval_pred(&q, ev);
	free(val);
	return r;
}

static int
eval_pred(const struct pred *p, k8a_event *ev)
{
	enum k8a_source src = ev->source;
	const char *s;
	char buf[4096];

	if (p->ref)
		return eval_ref(p, ev);
	if (p->synth == S_RAW)
		return k8a_test_string(p, ev->raw, ev->len, 0);
	if (p->synth != S_NONE) {
		char *heap;
		int r;
		s = k8a_synth_text(p->synth, ev, buf, sizeof(buf), &heap);
		r = s ? k8a_test_string(p, s, strlen(s), 0) : 0;
		free(heap);
		return r;
	}
	if (p->field >= 0) {
		s = k8a_event_str(ev, (enum k8a_field)p->field);
		if (s == NULL)
			return 0;
		if (p->field == K8A_F_CODE && src == K8A_SRC_K8S) {
			return test_json(p, json_object_get(json_object_get(ev->root, "responseStatus"), "code"));
		}
		return k8a_test_string(p, s, strlen(s), p->field == K8A_F_TIME);
	}
	if (src == K8A_SRC_CLOUDTRAIL) {
		if (p->ct == NULL)
			return 0;
		return walk(p, p->ct, p->nct, ev->root);
	}
	if (p->k8s == NULL)
		return 0;
	return walk(p, p->k8s, p->nk8s, ev->root);
}

/* 1, 0, or MAYBE when a regex could not be decided (three-valued, as on
 * the skim: "and" with a false side is false, "or" with a true side true). */
static int
eval(const k8a_expr *x, k8a_event *ev)
{
	int a, b;

	switch (x->type) {
	case N_TRUE:
		return 1;
	case N_AND:
		if ((a = eval(x->a, ev)) == 0 || (b = eval(x->b, ev)) == 0)
			return 0;
		return a == 1 && b == 1 ? 1 : MAYBE;
	case N_OR:
		if ((a = eval(x->a, ev)) == 1 || (b = eval(x->b, ev)) == 1)
			return 1;
		return a == 0 && b == 0 ? 0 : MAYBE;
	case N_NOT:
		a = eval(x->a, ev);
		return a == MAYBE ? MAYBE : !a;
	case N_PRED:
		a = eval_pred(x->p, ev);
		if (a != MAYBE && (x->p->op == OP_NE || x->p->op == OP_NRE))
			return !a;
		return a;
	}
	return 0;
}

size_t
k8a_expr_required(const k8a_expr *x, enum k8a_field f, const char *const **vals)
{
	size_t n;

	if (x == NULL)
		return 0;
	if (x->type == N_AND)
		return (n = k8a_expr_required(x->a, f, vals)) ? n : k8a_expr_required(x->b, f, vals);
	if (x->type != N_PRED || x->p->field != (int)f || x->p->ref || x->p->synth != S_NONE || x->p->icase ||
	    f == K8A_F_TIME || f == K8A_F_CODE || (x->p->op != OP_EQ && x->p->op != OP_IN))
		return 0;
	*vals = (const char *const *)x->p->vals;
	return x->p->nvals;
}

int
k8a_expr_match(const k8a_expr *x, k8a_event *ev)
{
	PCRE2_UCHAR why[120];
	const char *pat;
	int r, rc;

	if (x == NULL || x->type == N_TRUE)
		return 1;
	if (k8a_event_json(ev) == NULL || ev->source == K8A_SRC_UNKNOWN)
		return ev->nomem ? K8A_FATAL : K8A_WARN;
	r = eval(x, ev);
	if (ev->nomem)
		return K8A_FATAL; /* a field read as absent for want of memory */
	if (r != MAYBE)
		return r;
	if ((rc = k8a_regex_failure(&pat)) == PCRE2_ERROR_NOMEMORY) {
		snprintf(ev->err, sizeof(ev->err), "out of memory");
		return K8A_FATAL;
	}
	pcre2_get_error_message(rc, why, sizeof(why));
	snprintf(ev->err, sizeof(ev->err), "cannot tell whether ~ '%.80s%s' matches: %s",
		pat ? pat : "", pat && strlen(pat) > 80 ? "..." : "", (const char *)why);
	return K8A_WARN;
}
