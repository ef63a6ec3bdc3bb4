/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The literals of an expression: strings every record it matches holds,
 * for the byte prefilter that skips records without parsing them, and the
 * check that literals chosen by hand (a rule's `literals`) are such
 * strings (k8a_expr_implies).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"

void
k8a_lits_free(char **l)
{
	size_t i;

	for (i = 0; l && l[i]; i++)
		free(l[i]);
	free(l);
}


/* Bytes that no JSON encoder we know escapes (Go escapes <>&, others
 * escape / and non-ASCII): a value made of them appears verbatim. */
static int
safe_byte(unsigned char c)
{
	return isalnum(c) || (c >= 0x20 && c < 0x7f && strchr("-_.:@ ,;=*!?#$%()[]{}|~^`", c));
}

/* Longest run of safe bytes in v, if at least 3 long. */
static char *
safe_literal(const char *v)
{
	size_t best = 0, bestlen = 0, i = 0, n = strlen(v);

	while (i < n) {
		size_t s = i;
		while (i < n && safe_byte((unsigned char)v[i]))
			i++;
		if (i - s > bestlen) {
			best = s;
			bestlen = i - s;
		}
		i++;
	}
	if (bestlen < 3 && bestlen < n)
		return NULL;
	if (bestlen == 0)
		return NULL;
	return strndup(v + best, bestlen);
}

static size_t
nlits(char **l)
{
	size_t n = 0;

	while (l && l[n])
		n++;
	return n;
}

static size_t
minlen(char **l)
{
	size_t m = SIZE_MAX, i;

	for (i = 0; l && l[i]; i++)
		if (strlen(l[i]) < m)
			m = strlen(l[i]);
	return m;
}

/* A copy of l, or NULL (no literals: nothing ruled out) when memory
 * runs out; never a shorter list, which would rule records out. */
static char **
dup_lits(char **l, char **more)
{
	size_t n = nlits(l), m = nlits(more), i;
	char **d = calloc(n + m + 1, sizeof(*d));

	for (i = 0; d && i < n + m; i++)
		if ((d[i] = strdup(i < n ? l[i] : more[i - n])) == NULL) {
			k8a_lits_free(d);
			return NULL;
		}
	return d;
}

static char **value_lits(const struct pred *p);

static int
is_keyword_value(const char *v)
{
	double d;

	return strcmp(v, "true") == 0 || strcmp(v, "false") == 0 || strcmp(v, "null") == 0 ||
	       k8a_parse_number(v, &d);
}

/* A plain path that a positive test reads (one that fails on an absent or
 * null member) is only met in records that write its last key: the
 * literal "key", quotes included.  Aliases read different members in
 * different sources and have none. */
static char **
path_key_lits(const struct pred *p)
{
	const struct seg *last = NULL;
	char **l, *k;
	size_t i, n;

	if (p->field >= 0 || p->synth != S_NONE || p->k8s == NULL || p->k8s != p->ct ||
	    p->op == OP_NE || p->op == OP_NRE)
		return NULL;
	for (i = 0; i < p->nk8s; i++)
		if (p->k8s[i].key)
			last = &p->k8s[i];
	if (last == NULL || (n = strlen(last->key)) < 3)
		return NULL;
	for (i = 0; i < n; i++)
		if (!safe_byte((unsigned char)last->key[i]))
			return NULL;
	if ((l = calloc(2, sizeof(*l))) == NULL || (k = malloc(n + 3)) == NULL) {
		free(l);
		return NULL;
	}
	snprintf(k, n + 3, "\"%s\"", last->key);
	l[0] = k;
	return l;
}

/* The literals of a predicate's values, else of its path. */
static char **
pred_lits(const struct pred *p)
{
	char **l = value_lits(p);

	return l ? l : path_key_lits(p);
}

static char **
value_lits(const struct pred *p)
{
	char **l;
	size_t i;

	/* the prefilter's literals are bytes: a value of any case has none */
	if (!p->literal_safe || p->ref || p->icase || p->field == K8A_F_TIME || p->field == K8A_F_CODE)
		return NULL;
	switch (p->op) {
	case OP_EQ:
	case OP_PRE:
	case OP_SUF:
	case OP_SUB:
	case OP_IN:
		break;
	default:
		return NULL;
	}
	if ((l = calloc(p->nvals + 1, sizeof(*l))) == NULL)
		return NULL;
	for (i = 0; i < p->nvals; i++) {
		if (is_keyword_value(p->vals[i]) || (l[i] = safe_literal(p->vals[i])) == NULL) {
			k8a_lits_free(l);
			return NULL;
		}
		/* Equality with a field that is a whole JSON string in the
		 * record: the value sits between quotes, a sharper literal
		 * ("AssumeRole" no longer hits AssumeRoleWithWebIdentity).
		 * Numbers and booleans never equal such a value (keywords and
		 * numbers have no literal at all). */
		if (p->field != K8A_F_ACCOUNT && p->field != K8A_F_SESSION &&
		    strcmp(l[i], p->vals[i]) == 0 && (p->op == OP_EQ || p->op == OP_IN)) {
			size_t n = strlen(l[i]);
			char *q = malloc(n + 3);
			if (q == NULL) {
				k8a_lits_free(l);
				return NULL;
			}
			snprintf(q, n + 3, "\"%s\"", l[i]);
			free(l[i]);
			l[i] = q;
		}
	}
	return l;
}

/* x's literals from its children's (or its predicate's): a match holds
 * one of them.  NULL, when memory runs out, only filters nothing. */
void
k8a_expr_lits_node(k8a_expr *x)
{
	k8a_lits_free(x->lits);
	x->lits = NULL;
	switch (x->type) {
	case N_PRED:
		x->lits = pred_lits(x->p);
		break;
	case N_AND: {
		char **a = x->a->lits, **b = x->b->lits, **best = a;
		if (a == NULL || (b && (minlen(b) > minlen(a) ||
		    (minlen(b) == minlen(a) && nlits(b) < nlits(a)))))
			best = b;
		x->lits = best ? dup_lits(best, NULL) : NULL;
		break;
	}
	case N_OR:
		if (x->a->lits && x->b->lits)
			x->lits = dup_lits(x->a->lits, x->b->lits);
		break;
	default:
		break;
	}
}

void
k8a_expr_lits_compute(k8a_expr *x)
{
	if (x == NULL)
		return;
	k8a_expr_lits_compute(x->a);
	k8a_expr_lits_compute(x->b);
	k8a_expr_lits_node(x);
}

/* ---- checking literals chosen by hand (k8a_expr_implies) ---- */

/* 1 when one of lits lies inside s[0..n). */
static int
has_lit(const char *s, size_t n, const char *const *lits)
{
	size_t j;

	for (j = 0; lits[j]; j++)
		if (memmem(s, n, lits[j], strlen(lits[j])) != NULL)
			return 1;
	return 0;
}

/* 1 when one of lits lies inside '"' s[0..n) '"', read in place: nothing
 * allocated, so that running out of memory cannot pass for "not implied". */
static int
has_lit_quoted(const char *s, size_t n, const char *const *lits)
{
	size_t j, at, k, len;

	for (j = 0; lits[j]; j++) {
		len = strlen(lits[j]);
		for (at = 0; len <= n + 2 && at <= n + 2 - len; at++) {
			for (k = 0; k < len; k++) {
				size_t i = at + k;
				char c = i == 0 || i == n + 1 ? '"' : s[i - 1];
				if (c != lits[j][k])
					break;
			}
			if (k == len)
				return 1;
		}
	}
	return 0;
}

/* 1 when text that a record must hold for this string to be in it
 * verbatim holds one of lits: the whole string between quotes when it
 * is made of safe bytes and `quoted` says it is a whole JSON string;
 * otherwise one of its runs of safe bytes (each is written out). */
static int
str_covered(const char *v, size_t n, int quoted, const char *const *lits)
{
	size_t i = 0, s;
	int all = 1;

	for (i = 0; i < n; i++)
		if (!safe_byte((unsigned char)v[i]))
			all = 0;
	if (all && quoted)
		return has_lit_quoted(v, n, lits);
	for (i = 0; i < n;) {
		for (s = i; i < n && safe_byte((unsigned char)v[i]); i++)
			;
		if (i > s && has_lit(v + s, i - s, lits))
			return 1;
		i++;
	}
	return 0;
}

/* The alternatives a regex requires one of, when it is a plain string or
 * "^(a|b|c)" followed by anything, each alternative plain: their number,
 * with starts and lengths in alt[]/len[] (at most max); 0 otherwise. */
static size_t
regex_alternatives(const char *re, const char **alt, size_t *len, size_t max)
{
	static const char meta[] = "\\^$.|?*+()[]{}";
	size_t n = 0;

	if (*re == '^')
		re++;
	if (*re != '(') { /* a plain string: itself */
		size_t l = strcspn(re, meta);
		if (re[l] != '\0' || l == 0)
			return 0;
		alt[0] = re;
		len[0] = l;
		return 1;
	}
	for (re++;;) {
		size_t l = strcspn(re, meta);
		if (l == 0 || n == max || (re[l] != '|' && re[l] != ')'))
			return 0;
		alt[n] = re;
		len[n++] = l;
		if (re[l] == ')')
			return n;
		re += l + 1;
	}
}

static int
pred_implies(const struct pred *p, const char *const *lits)
{
	const char *alt[64];
	size_t len[64], i, na;
	int ok = 0;

	/* each value a positive test can be met with is in the text */
	if (p->literal_safe && !p->ref && !p->icase && p->field != K8A_F_TIME && p->field != K8A_F_CODE &&
	    p->nvals > 0) {
		int quoted = p->field != K8A_F_ACCOUNT && p->field != K8A_F_SESSION;
		switch (p->op) {
		case OP_EQ:
		case OP_IN:
		case OP_PRE:
		case OP_SUF:
		case OP_SUB:
			for (ok = 1, i = 0; ok && i < p->nvals; i++)
				ok = !is_keyword_value(p->vals[i]) &&
				     str_covered(p->vals[i], p->vlen[i], quoted && (p->op == OP_EQ || p->op == OP_IN),
					     lits);
			break;
		case OP_RE:
			/* a regex compiled as written (no (?i): it would start
			 * with "(?", which is no plain alternative) */
			na = regex_alternatives(p->vals[0], alt, len, 64);
			for (ok = na > 0, i = 0; ok && i < na; i++)
				ok = str_covered(alt[i], len[i], 0, lits);
			break;
		default:
			break;
		}
	}
	if (ok)
		return 1;
	/* a plain path a positive test reads is written out, key by key */
	if (p->field >= 0 || p->synth != S_NONE || p->k8s == NULL || p->k8s != p->ct ||
	    p->op == OP_NE || p->op == OP_NRE)
		return 0;
	for (i = 0; i < p->nk8s; i++)
		if (p->k8s[i].key && str_covered(p->k8s[i].key, strlen(p->k8s[i].key), 1, lits))
			return 1;
	return 0;
}

int
k8a_expr_implies(const k8a_expr *x, const char *const *lits)
{
	if (x == NULL || lits == NULL || lits[0] == NULL)
		return 0;
	switch (x->type) {
	case N_AND:
		return k8a_expr_implies(x->a, lits) || k8a_expr_implies(x->b, lits);
	case N_OR:
		return k8a_expr_implies(x->a, lits) && k8a_expr_implies(x->b, lits);
	case N_PRED:
		return pred_implies(x->p, lits);
	default: /* true, not: they require nothing */
		return 0;
	}
}

const char *const *
k8a_expr_literals(const k8a_expr *x)
{
	return x ? (const char *const *)x->lits : NULL;
}

