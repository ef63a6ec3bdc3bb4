/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A Sigma condition into an expression over its search identifiers:
 *
 *   cond := or ;  or := and { "or" and } ;  and := unary { "and" unary }
 *   unary := "not" unary | "(" cond ")" | quant | NAME
 *   quant := ("1" | "all") "of" ( "them" | PATTERN )
 *
 * PATTERN names identifiers with * wildcards ("selection_*"); "them" is
 * every identifier not starting with '_'.  Each use of an identifier gets
 * its own copy of its expression.  A list of conditions is their "or".
 */
#include <ctype.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "sigma.h"

struct cond {
	struct sg_ctx *c;
	yaml_node_t *at; /* the condition's node, for messages */
	const char *s;
	size_t i, n;
	unsigned nest;
};

static void
skip(struct cond *p)
{
	while (p->i < p->n && isspace((unsigned char)p->s[p->i]))
		p->i++;
}

/* The next word (a name, a number, or one of "(", ")", "|"), not taken. */
static size_t
word(struct cond *p, const char **w)
{
	size_t j;

	skip(p);
	*w = p->s + p->i;
	if (p->i >= p->n)
		return 0;
	if (strchr("()|", p->s[p->i]))
		return 1;
	for (j = p->i; j < p->n && !isspace((unsigned char)p->s[j]) && !strchr("()|", p->s[j]); j++)
		;
	return j - p->i;
}

static int
is_word(struct cond *p, const char *kw)
{
	const char *w;
	size_t n = word(p, &w);

	return n == strlen(kw) && strncasecmp(w, kw, n) == 0;
}

static int
take(struct cond *p, const char *kw)
{
	if (!is_word(p, kw))
		return 0;
	p->i += strlen(kw);
	return 1;
}

/* The search identifier's value by exact name, or NULL. */
static yaml_node_t *
ident(struct cond *p, const char *name, size_t n)
{
	yaml_node_pair_t *q;

	for (q = p->c->detection->data.mapping.pairs.start; q < p->c->detection->data.mapping.pairs.top; q++) {
		const char *k = sg_scalar(yaml_document_get_node(p->c->doc, q->key));
		if (k && strlen(k) == n && strncmp(k, name, n) == 0 && strcmp(k, "condition") != 0)
			return yaml_document_get_node(p->c->doc, q->value);
	}
	return NULL;
}

static k8a_expr *parse_or(struct cond *p);

/* "1 of X" or "all of X": the identifiers X names, joined. */
static k8a_expr *
quantified(struct cond *p, enum node t)
{
	const char *w;
	size_t n, k = 0, cap = 0;
	char pat[256];
	int them;
	k8a_expr **v = NULL, **nv, *x;
	yaml_node_pair_t *q;

	if (!take(p, "of")) {
		sg_fail(p->c, p->at, 0, "condition: expected 'of' at byte %zu", p->i);
		return NULL;
	}
	n = word(p, &w);
	if (n == 0 || n >= sizeof(pat) || strchr("()|", *w)) {
		sg_fail(p->c, p->at, 0, "condition: expected 'them' or a name pattern after 'of'");
		return NULL;
	}
	memcpy(pat, w, n);
	pat[n] = '\0';
	p->i += n;
	them = strcmp(pat, "them") == 0;
	for (q = p->c->detection->data.mapping.pairs.start; q < p->c->detection->data.mapping.pairs.top; q++) {
		const char *key = sg_scalar(yaml_document_get_node(p->c->doc, q->key));
		if (key == NULL || strcmp(key, "condition") == 0)
			continue;
		if (them ? key[0] == '_' : fnmatch(pat, key, 0) != 0)
			continue;
		if (k == cap) {
			cap = cap ? cap * 2 : 8;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL) {
				p->c->nomem = 1;
				goto fail;
			}
			v = nv;
		}
		if ((v[k] = sg_search(p->c, yaml_document_get_node(p->c->doc, q->value))) == NULL)
			goto fail;
		k++;
	}
	if (k == 0) {
		sg_fail(p->c, p->at, 0, "condition: no search identifier matches '%s'", pat);
		goto fail;
	}
	x = k8a_expr_balanced(t, v, k);
	free(v);
	if (x == NULL)
		p->c->nomem = 1;
	return x;
fail:
	while (k > 0)
		k8a_expr_free(v[--k]);
	free(v);
	return NULL;
}

static k8a_expr *
parse_unary(struct cond *p)
{
	const char *w;
	size_t n;
	k8a_expr *x;
	yaml_node_t *v;

	if (p->nest >= SG_MAX_NEST) {
		sg_fail(p->c, p->at, 0, "condition nested more than %d levels", SG_MAX_NEST);
		return NULL;
	}
	if (take(p, "not")) {
		p->nest++;
		x = parse_unary(p);
		p->nest--;
		if (x == NULL)
			return NULL;
		if ((x = k8a_expr_node(N_NOT, x, NULL)) == NULL)
			p->c->nomem = 1;
		return x;
	}
	n = word(p, &w);
	if (n == 0) {
		sg_fail(p->c, p->at, 0, "condition: expected a name at its end");
		return NULL;
	}
	if (*w == '(') {
		p->i++;
		p->nest++;
		x = parse_or(p);
		p->nest--;
		if (x == NULL)
			return NULL;
		if (!take(p, ")")) {
			k8a_expr_free(x);
			sg_fail(p->c, p->at, 0, "condition: unbalanced '('");
			return NULL;
		}
		return x;
	}
	if (*w == ')' || *w == '|') {
		sg_fail(p->c, p->at, *w == '|', *w == '|' ? "unsupported aggregation ('|') in the condition" :
			"condition: unexpected ')'");
		return NULL;
	}
	if (n == 1 && *w == '1') {
		p->i++;
		return quantified(p, N_OR);
	}
	if (n == 3 && strncasecmp(w, "all", 3) == 0) {
		p->i += 3;
		return quantified(p, N_AND);
	}
	if (strspn(w, "0123456789") == n) {
		sg_fail(p->c, p->at, 1, "unsupported quantifier '%.*s of'", (int)n, w);
		return NULL;
	}
	if ((v = ident(p, w, n)) == NULL) {
		sg_fail(p->c, p->at, 0, "condition: no search identifier '%.*s'", (int)n, w);
		return NULL;
	}
	p->i += n;
	return sg_search(p->c, v);
}

/* term { kw term } as a balanced tree of t. */
static k8a_expr *
chain(struct cond *p, enum node t, const char *kw, k8a_expr *(*term)(struct cond *))
{
	k8a_expr **v = NULL, **nv, *x;
	size_t n = 0, cap = 0;

	for (;;) {
		if ((x = term(p)) == NULL)
			goto fail;
		if (n == cap) {
			cap = cap ? cap * 2 : 4;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL) {
				k8a_expr_free(x);
				p->c->nomem = 1;
				goto fail;
			}
			v = nv;
		}
		v[n++] = x;
		if (!take(p, kw))
			break;
	}
	x = k8a_expr_balanced(t, v, n);
	free(v);
	if (x == NULL)
		p->c->nomem = 1;
	return x;
fail:
	while (n > 0)
		k8a_expr_free(v[--n]);
	free(v);
	return NULL;
}

static k8a_expr *
parse_and(struct cond *p)
{
	return chain(p, N_AND, "and", parse_unary);
}

static k8a_expr *
parse_or(struct cond *p)
{
	return chain(p, N_OR, "or", parse_and);
}

static k8a_expr *
one_condition(struct sg_ctx *c, yaml_node_t *n)
{
	struct cond p = { c, n, sg_scalar(n), 0, 0, 0 };
	k8a_expr *x;

	if (p.s == NULL) {
		sg_fail(c, n, 0, "a condition that is not a string");
		return NULL;
	}
	p.n = strlen(p.s);
	if ((x = parse_or(&p)) == NULL)
		return NULL;
	skip(&p);
	if (p.i < p.n) {
		k8a_expr_free(x);
		if (p.s[p.i] == '|')
			sg_fail(c, n, 1, "unsupported aggregation ('|') in the condition");
		else
			sg_fail(c, n, 0, "condition: unexpected '%.20s'", p.s + p.i);
		return NULL;
	}
	return x;
}

k8a_expr *
sg_detection(struct sg_ctx *c)
{
	yaml_node_t *cond = NULL;
	yaml_node_pair_t *q;
	yaml_node_item_t *it;
	k8a_expr *x = NULL, *y;

	if (c->detection == NULL || c->detection->type != YAML_MAPPING_NODE) {
		sg_fail(c, c->detection, 0, "'detection' is not a map");
		return NULL;
	}
	for (q = c->detection->data.mapping.pairs.start; q < c->detection->data.mapping.pairs.top; q++) {
		const char *k = sg_scalar(yaml_document_get_node(c->doc, q->key));
		if (k && strcmp(k, "condition") == 0)
			cond = yaml_document_get_node(c->doc, q->value);
		else if (k && strcmp(k, "timeframe") == 0) {
			sg_fail(c, yaml_document_get_node(c->doc, q->key), 1, "unsupported 'timeframe' (Sigma v1 aggregation)");
			return NULL;
		}
	}
	if (cond == NULL) {
		sg_fail(c, c->detection, 0, "'detection' has no 'condition'");
		return NULL;
	}
	if (cond->type != YAML_SEQUENCE_NODE)
		x = one_condition(c, cond);
	else
		for (it = cond->data.sequence.items.start; it < cond->data.sequence.items.top; it++) {
			if ((y = one_condition(c, yaml_document_get_node(c->doc, *it))) == NULL) {
				k8a_expr_free(x);
				return NULL;
			}
			if (x != NULL && (y = k8a_expr_node(N_OR, x, y)) == NULL) {
				c->nomem = 1;
				return NULL;
			}
			x = y;
		}
	if (x == NULL) {
		if (!c->msg[0] && !c->nomem)
			sg_fail(c, cond, 0, "an empty condition");
		return NULL;
	}
	if (x->depth > K8A_EXPR_MAX_DEPTH) {
		k8a_expr_free(x);
		sg_fail(c, cond, 0, "condition nested too deeply");
		return NULL;
	}
	k8a_expr_ready(x);
	return x;
}
