/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Field expressions: the query language of k8saudit-grep -w and of the
 * detection rules.  See k8saudit-expr(5).
 *
 *   expr  := or ;  or := and { ("or"|"||") and } ;  and := unary { ("and"|"&&") unary }
 *   unary := ("not"|"!") unary | "(" expr ")" | pred
 *   pred  := field [ op value | "in" "(" value { "," value } ")" | "exists" ]
 *   op    := = == != < <= > >= ~ !~ ^= $= *=
 *
 * A field is an alias (user, verb, code, ...) or a dotted JSON path.  A
 * path that meets an array without an index looks into every element, and
 * a predicate holds when any value it reaches satisfies it; != and !~ are
 * the negations of = and ~ (so they hold when the field is absent).
 * A bare value written @path compares with another field of the same
 * record (its first value), e.g. requestParameters.userName != @userIdentity.userName.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>

#include "expr.h"

/* ---- lexer ---- */
struct lex {
	const char *s;
	size_t i, n;
	struct k8a_err *err;
	int failed;
	unsigned nest; /* parentheses and "not"s open here */
};

static void
fail(struct lex *lx, size_t at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
fail(struct lex *lx, size_t at, const char *fmt, ...)
{
	va_list ap;

	if (lx->failed)
		return;
	lx->failed = 1;
	if (lx->err == NULL)
		return;
	lx->err->code = K8A_FAILED;
	lx->err->offset = at;
	va_start(ap, fmt);
	vsnprintf(lx->err->msg, sizeof(lx->err->msg), fmt, ap);
	va_end(ap);
}

static void
skipws(struct lex *lx)
{
	while (lx->i < lx->n && isspace((unsigned char)lx->s[lx->i]))
		lx->i++;
}

static int
word_is(struct lex *lx, const char *w)
{
	size_t l = strlen(w);

	skipws(lx);
	if (lx->i + l > lx->n || strncmp(lx->s + lx->i, w, l) != 0)
		return 0;
	if (isalpha((unsigned char)w[0]) && lx->i + l < lx->n &&
	    (isalnum((unsigned char)lx->s[lx->i + l]) || strchr("_.-[\"", lx->s[lx->i + l])))
		return 0;
	lx->i += l;
	return 1;
}

/* A quoted string ('...' or "..." with backslash escapes) or a bare word. */
static char *
value_token(struct lex *lx, int bare_stops_at_op)
{
	struct k8a_buf b = { 0 };
	size_t start;

	skipws(lx);
	start = lx->i;
	k8a_buf_append(&b, "", 0);
	if (lx->i < lx->n && (lx->s[lx->i] == '"' || lx->s[lx->i] == '\'')) {
		char q = lx->s[lx->i++];
		while (lx->i < lx->n && lx->s[lx->i] != q) {
			char c = lx->s[lx->i++];
			if (c == '\\' && lx->i < lx->n) {
				c = lx->s[lx->i++];
				if (c == 'n')
					c = '\n';
				else if (c == 't')
					c = '\t';
				else if (c != q && c != '\\') /* keep regex escapes intact */
					k8a_buf_append(&b, "\\", 1);
			}
			k8a_buf_append(&b, &c, 1);
		}
		if (lx->i >= lx->n) {
			fail(lx, start, "unterminated quoted string");
			k8a_buf_free(&b);
			return NULL;
		}
		lx->i++;
		return b.p;
	}
	while (lx->i < lx->n) {
		char c = lx->s[lx->i];
		if (isspace((unsigned char)c) || c == '(' || c == ')' || c == ',')
			break;
		if (bare_stops_at_op && c == '[') {
			/* an index in a field path, [3] or [*] */
			const char *close = memchr(lx->s + lx->i, ']', lx->n - lx->i);
			if (close != NULL) {
				size_t k = (size_t)(close - lx->s) + 1 - lx->i;
				k8a_buf_append(&b, lx->s + lx->i, k);
				lx->i += k;
				continue;
			}
		}
		if (bare_stops_at_op && strchr("=!<>~^$*", c))
			break;
		k8a_buf_append(&b, &c, 1);
		lx->i++;
	}
	if (lx->i == start) {
		fail(lx, start, lx->i < lx->n ? "expected a value" : "expected a value at end of expression");
		k8a_buf_free(&b);
		return NULL;
	}
	return b.p;
}

/* ---- compile ---- */
static void
free_pred(struct pred *p)
{
	size_t i;

	if (p == NULL)
		return;
	free(p->unknown);
	if (p->ct != p->k8s)
		k8a_path_free(p->ct, p->nct);
	k8a_path_free(p->k8s, p->nk8s);
	for (i = 0; i < p->nvals; i++)
		free(p->vals[i]);
	free(p->vals);
	free(p->num);
	free(p->vlen);
	free(p->isnum);
	free(p->tm);
	free(p->istm);
	pcre2_code_free(p->re);
	free_pred(p->ref);
	free(p);
}

static void
free_lits(char **l)
{
	size_t i;

	for (i = 0; l && l[i]; i++)
		free(l[i]);
	free(l);
}

void
k8a_expr_free(k8a_expr *x)
{
	if (x == NULL)
		return;
	k8a_expr_free(x->a);
	k8a_expr_free(x->b);
	free_pred(x->p);
	free_lits(x->lits);
	k8a_skim_prog_free(x->prog);
	free(x);
}

static k8a_expr *
node(enum node t, k8a_expr *a, k8a_expr *b)
{
	k8a_expr *x = calloc(1, sizeof(*x));

	if (x == NULL) {
		k8a_expr_free(a);
		k8a_expr_free(b);
		return NULL;
	}
	x->type = t;
	x->a = a;
	x->b = b;
	x->depth = 1 + (a && b ? (a->depth > b->depth ? a->depth : b->depth) : a ? a->depth : 0);
	/* no longer roots: their programs go */
	if (a) {
		k8a_skim_prog_free(a->prog);
		a->prog = NULL;
	}
	if (b) {
		k8a_skim_prog_free(b->prog);
		b->prog = NULL;
	}
	return x;
}

static int
parse_number(const char *s, double *d)
{
	char *end;

	if (*s == '\0')
		return 0;
	errno = 0;
	*d = strtod(s, &end);
	return *end == '\0' && errno == 0;
}

static int
add_value(struct pred *p, char *v)
{
	char **nv = realloc(p->vals, (p->nvals + 1) * sizeof(*nv));

	if (nv == NULL) {
		free(v);
		return -1;
	}
	p->vals = nv;
	p->vals[p->nvals++] = v;
	return 0;
}

static uint64_t re_ids; /* the last regex id given */

static int
prepare_values(struct pred *p, struct lex *lx, size_t at)
{
	size_t i;

	p->num = calloc(p->nvals + 1, sizeof(*p->num));
	p->isnum = calloc(p->nvals + 1, sizeof(*p->isnum));
	p->tm = calloc(p->nvals + 1, sizeof(*p->tm));
	p->istm = calloc(p->nvals + 1, sizeof(*p->istm));
	p->vlen = calloc(p->nvals + 1, sizeof(*p->vlen));
	if (!p->num || !p->isnum || !p->tm || !p->istm || !p->vlen)
		return -1;
	for (i = 0; i < p->nvals; i++) {
		p->vlen[i] = strlen(p->vals[i]);
		p->isnum[i] = parse_number(p->vals[i], &p->num[i]);
		p->istm[i] = k8a_time_parse(p->vals[i], strlen(p->vals[i]), &p->tm[i]) == K8A_OK;
	}
	if (p->op == OP_RE || p->op == OP_NRE) {
		int ec;
		PCRE2_SIZE eo;
		p->re = pcre2_compile((PCRE2_SPTR)p->vals[0], PCRE2_ZERO_TERMINATED, PCRE2_UTF | PCRE2_MATCH_INVALID_UTF,
			&ec, &eo, NULL);
		if (p->re == NULL && ec == PCRE2_ERROR_HEAP_FAILED)
			return -1; /* out of memory, said by the caller */
		if (p->re == NULL) {
			PCRE2_UCHAR msg[128];
			pcre2_get_error_message(ec, msg, sizeof(msg));
			fail(lx, at, "bad regular expression: %s (regex byte %zu)", (char *)msg, (size_t)eo);
			return -1;
		}
		pcre2_jit_compile(p->re, PCRE2_JIT_COMPLETE);
		/* remembered answers are keyed by this, never by an address
		 * a later expression may reuse */
		p->re_id = __atomic_add_fetch(&re_ids, 1, __ATOMIC_RELAXED);
	}
	return 0;
}

static k8a_expr *parse_or(struct lex *lx);
static void set_skim_slots(struct pred *p);
static void set_field(struct pred *p, const char *field, size_t *bad, int *is_path);
static int path_in_schema(const struct seg *sg, size_t n);

/* The referenced side of "field op @other": a predicate used only for
 * its field. */
static struct pred *
make_ref(const char *field, struct lex *lx, size_t at)
{
	struct pred *r = calloc(1, sizeof(*r));
	size_t bad = 0;
	int is_path;

	if (r == NULL)
		return NULL;
	set_field(r, field, &bad, &is_path);
	if (is_path && r->k8s == NULL) {
		fail(lx, at, "bad field path '@%s'", field);
		free_pred(r);
		return NULL;
	}
	return r;
}

static void
set_field(struct pred *p, const char *field, size_t *bad, int *is_path)
{
	const struct k8a_alias *a;

	p->field = -1;
	p->literal_safe = 1;
	*is_path = 0;
	if ((a = k8a_alias_find(field)) != NULL) {
		p->field = a->field;
		p->synth = a->synth;
		if (p->synth != S_NONE)
			p->literal_safe = 0;
		if (a->k8s_path) {
			p->field = -1;
			p->k8s = k8a_path_parse(a->k8s_path, &p->nk8s, bad);
			if (a->ct_path[0])
				p->ct = k8a_path_parse(a->ct_path, &p->nct, bad);
		}
		set_skim_slots(p);
		return;
	}
	*is_path = 1;
	if ((p->k8s = k8a_path_parse(field, &p->nk8s, bad)) != NULL) {
		p->ct = p->k8s;
		p->nct = p->nk8s;
		if (!path_in_schema(p->k8s, p->nk8s))
			p->unknown = strdup(field);
	}
	set_skim_slots(p);
}

/* Is a path (its keys; indexes left out) a member of a record schema? */
static int
path_in_schema(const struct seg *sg, size_t n)
{
	const char *keys[32];
	size_t i, k = 0;

	for (i = 0; i < n; i++)
		if (sg[i].key) {
			if (k == sizeof(keys) / sizeof(keys[0]))
				return 1; /* deeper than any schema member: below a free-form one */
			keys[k++] = sg[i].key;
		}
	return k8a_schema_known(keys, k);
}

static const char *
pred_unknown(const struct pred *p)
{
	if (p == NULL)
		return NULL;
	return p->unknown ? p->unknown : p->ref ? pred_unknown(p->ref) : NULL;
}

static const char *
first_unknown(const k8a_expr *x)
{
	const char *u;

	if (x == NULL)
		return NULL;
	if (x->type == N_PRED)
		return pred_unknown(x->p);
	return (u = first_unknown(x->a)) != NULL ? u : first_unknown(x->b);
}

const char *
k8a_expr_unknown_field(const k8a_expr *x, char *hint, size_t hintsz)
{
	const char *names[64];
	const char *u = first_unknown(x);

	if (u != NULL && hint != NULL && hintsz > 0)
		k8a_schema_closest(u, names, k8a_alias_names(names, 64), hint, hintsz);
	return u;
}

/* The skim slot of a path (of keys only). */
static int
path_slot(const struct seg *sg, size_t n)
{
	const char *keys[4];
	size_t i;

	if (sg == NULL)
		return SKS_NONE; /* the alias has no path for that source */
	if (n == 0 || n > 4)
		return SKS_UNKNOWN;
	for (i = 0; i < n; i++)
		if ((keys[i] = sg[i].key) == NULL)
			return SKS_UNKNOWN; /* an index step */
	return k8a_skim_path_slot(keys, n);
}

/* The longest proper prefix of the path the skim has a slot for. */
static void
prefix_slot(const struct seg *sg, size_t n, int *slot, size_t *npre)
{
	*slot = SKS_UNKNOWN;
	*npre = 0;
	while (sg && n-- > 1)
		if ((*slot = path_slot(sg, n)) >= 0) {
			*npre = n;
			return;
		}
	*slot = SKS_UNKNOWN;
}

static void
set_skim_slots(struct pred *p)
{
	p->pre_k8s = p->pre_ct = SKS_UNKNOWN;
	if (p->synth == S_NONE && p->field < 0) {
		prefix_slot(p->k8s, p->nk8s, &p->pre_k8s, &p->npre_k8s);
		prefix_slot(p->ct, p->nct, &p->pre_ct, &p->npre_ct);
	}
	if (p->synth == S_ACTION) {
		/* Kubernetes: the verb; CloudTrail: made of two members */
		p->sk_k8s = k8a_skim_field_slot(K8A_SRC_K8S, K8A_F_VERB);
		p->sk_ct = SKS_UNKNOWN;
	} else if (p->synth != S_NONE) {
		p->sk_k8s = p->sk_ct = SKS_UNKNOWN;
	} else if (p->field >= 0) {
		p->sk_k8s = k8a_skim_field_slot(K8A_SRC_K8S, p->field);
		p->sk_ct = k8a_skim_field_slot(K8A_SRC_CLOUDTRAIL, p->field);
	} else {
		p->sk_k8s = path_slot(p->k8s, p->nk8s);
		p->sk_ct = path_slot(p->ct, p->nct);
	}
}

static k8a_expr *
parse_pred(struct lex *lx)
{
	struct pred *p;
	k8a_expr *x;
	char *field;
	size_t at, i, bad = 0;
	int is_path;
	static const struct {
		const char *s;
		enum op op;
	} ops[] = {
		{ "==", OP_EQ }, { "!=", OP_NE }, { "<=", OP_LE }, { ">=", OP_GE }, { "!~", OP_NRE },
		{ "^=", OP_PRE }, { "$=", OP_SUF }, { "*=", OP_SUB }, { "=", OP_EQ }, { "<", OP_LT },
		{ ">", OP_GT }, { "~", OP_RE },
	};

	skipws(lx);
	at = lx->i;
	if (lx->i >= lx->n) {
		fail(lx, at, "expected a field name at end of expression");
		return NULL;
	}
	if ((field = value_token(lx, 1)) == NULL)
		return NULL;
	if ((p = calloc(1, sizeof(*p))) == NULL) {
		free(field);
		return NULL;
	}
	set_field(p, field, &bad, &is_path);
	if (is_path && p->k8s == NULL) {
		fail(lx, at + bad, "bad field path '%s'", field);
		free(field);
		free_pred(p);
		return NULL;
	}
	free(field);
	if ((x = node(N_PRED, NULL, NULL)) == NULL) {
		free_pred(p);
		return NULL;
	}
	x->p = p;
	skipws(lx);
	at = lx->i;
	if (word_is(lx, "exists")) {
		p->op = OP_EXISTS;
		return x;
	}
	if (word_is(lx, "in")) {
		p->op = OP_IN;
		skipws(lx);
		if (lx->i >= lx->n || lx->s[lx->i] != '(') {
			fail(lx, lx->i, "expected '(' after 'in'");
			k8a_expr_free(x);
			return NULL;
		}
		lx->i++;
		for (;;) {
			char *v = value_token(lx, 0);
			if (v == NULL || add_value(p, v) != 0) {
				k8a_expr_free(x);
				return NULL;
			}
			skipws(lx);
			if (lx->i < lx->n && lx->s[lx->i] == ',') {
				lx->i++;
				continue;
			}
			if (lx->i < lx->n && lx->s[lx->i] == ')') {
				lx->i++;
				break;
			}
			fail(lx, lx->i, "expected ',' or ')' in value list");
			k8a_expr_free(x);
			return NULL;
		}
		if (prepare_values(p, lx, at) != 0) {
			k8a_expr_free(x);
			return NULL;
		}
		return x;
	}
	for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		size_t l = strlen(ops[i].s);
		if (lx->i + l <= lx->n && strncmp(lx->s + lx->i, ops[i].s, l) == 0) {
			char *v;
			int quoted;
			p->op = ops[i].op;
			lx->i += l;
			skipws(lx);
			quoted = lx->i < lx->n && (lx->s[lx->i] == '"' || lx->s[lx->i] == '\'');
			if ((v = value_token(lx, 0)) == NULL) {
				k8a_expr_free(x);
				return NULL;
			}
			if (!quoted && v[0] == '@' && v[1] != '\0') {
				if (p->op == OP_RE || p->op == OP_NRE) {
					fail(lx, at, "a regex cannot come from another field (@%s)", v + 1);
					free(v);
					k8a_expr_free(x);
					return NULL;
				}
				p->ref = make_ref(v + 1, lx, at);
				free(v);
				if (p->ref == NULL) {
					k8a_expr_free(x);
					return NULL;
				}
				return x;
			}
			if (add_value(p, v) != 0 || prepare_values(p, lx, at) != 0) {
				k8a_expr_free(x);
				return NULL;
			}
			return x;
		}
	}
	/* a bare field: it exists */
	p->op = OP_EXISTS;
	return x;
}

/* The parser recurses once per level too: a level more than the tree may
 * hold is refused before it is entered. */
static int
nest_in(struct lex *lx, size_t at)
{
	if (lx->nest >= K8A_EXPR_MAX_DEPTH) {
		fail(lx, at, "expression nested too deeply (more than %d levels)", K8A_EXPR_MAX_DEPTH);
		return -1;
	}
	lx->nest++;
	return 0;
}

/* x, unless it has grown deeper than the walks over it may go: more than
 * K8A_EXPR_MAX_DEPTH operators nested above a predicate. */
static k8a_expr *
check_depth(struct lex *lx, size_t at, k8a_expr *x)
{
	if (x != NULL && x->depth > K8A_EXPR_MAX_DEPTH + 1) {
		fail(lx, at, "expression nested too deeply (more than %d levels)", K8A_EXPR_MAX_DEPTH);
		k8a_expr_free(x);
		return NULL;
	}
	return x;
}

static k8a_expr *
parse_unary(struct lex *lx)
{
	k8a_expr *x;
	size_t at;

	skipws(lx);
	at = lx->i;
	if (word_is(lx, "not") || (lx->i < lx->n && lx->s[lx->i] == '!' &&
	    (lx->i + 1 >= lx->n || lx->s[lx->i + 1] != '=') && ++lx->i)) {
		if (nest_in(lx, at) != 0 || (x = parse_unary(lx)) == NULL)
			return NULL;
		lx->nest--;
		return check_depth(lx, at, node(N_NOT, x, NULL));
	}
	if (lx->i < lx->n && lx->s[lx->i] == '(') {
		if (nest_in(lx, at) != 0)
			return NULL;
		lx->i++;
		if ((x = parse_or(lx)) == NULL)
			return NULL;
		lx->nest--;
		skipws(lx);
		if (lx->i >= lx->n || lx->s[lx->i] != ')') {
			fail(lx, at, "unbalanced '('");
			k8a_expr_free(x);
			return NULL;
		}
		lx->i++;
		return x;
	}
	return parse_pred(lx);
}

/* A balanced tree of type t over x[0..n) (n >= 1), in order; the terms are
 * taken (freed on failure). */
static k8a_expr *
balanced(enum node t, k8a_expr **x, size_t n)
{
	k8a_expr *a, *b;
	size_t i;

	if (n == 1)
		return x[0];
	if ((a = balanced(t, x, n / 2)) == NULL) {
		for (i = n / 2; i < n; i++)
			k8a_expr_free(x[i]);
		return NULL;
	}
	if ((b = balanced(t, x + n / 2, n - n / 2)) == NULL) {
		k8a_expr_free(a);
		return NULL;
	}
	return node(t, a, b);
}

/* term { sep term }, as a balanced tree of t: a generated list of ten
 * thousand alternatives is fourteen levels deep, not ten thousand. */
static k8a_expr *
parse_chain(struct lex *lx, enum node t, k8a_expr *(*term)(struct lex *),
	const char *w1, const char *w2)
{
	k8a_expr **v = NULL, **nv, *x;
	size_t n = 0, cap = 0, i, at;

	skipws(lx);
	at = lx->i;
	for (;;) {
		if ((x = term(lx)) == NULL)
			goto fail;
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL) {
				k8a_expr_free(x);
				goto fail;
			}
			v = nv;
		}
		v[n++] = x;
		if (!word_is(lx, w1) && !word_is(lx, w2))
			break;
	}
	x = balanced(t, v, n);
	free(v);
	return check_depth(lx, at, x);
fail:
	for (i = 0; i < n; i++)
		k8a_expr_free(v[i]);
	free(v);
	return NULL;
}

static k8a_expr *
parse_and(struct lex *lx)
{
	return parse_chain(lx, N_AND, parse_unary, "and", "&&");
}

static k8a_expr *
parse_or(struct lex *lx)
{
	return parse_chain(lx, N_OR, parse_and, "or", "||");
}

/* ---- prefilter literals ---- */

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
			free_lits(d);
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
	       parse_number(v, &d);
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

	if (!p->literal_safe || p->ref || p->field == K8A_F_TIME || p->field == K8A_F_CODE)
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
			free_lits(l);
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
				free_lits(l);
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
static void
lits_node(k8a_expr *x)
{
	free_lits(x->lits);
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

static void
compute_lits(k8a_expr *x)
{
	if (x == NULL)
		return;
	compute_lits(x->a);
	compute_lits(x->b);
	lits_node(x);
}

k8a_expr *
k8a_expr_compile(const char *text, struct k8a_err *err)
{
	struct lex lx = { text ? text : "", 0, text ? strlen(text) : 0, err, 0, 0 };
	k8a_expr *x;

	if (err) {
		err->code = K8A_OK;
		err->offset = 0;
		err->msg[0] = '\0';
	}
	skipws(&lx);
	if (lx.i == lx.n)
		return node(N_TRUE, NULL, NULL);
	x = parse_or(&lx);
	if (x != NULL) {
		skipws(&lx);
		if (lx.i < lx.n) {
			fail(&lx, lx.i, lx.s[lx.i] == ')' ? "unbalanced ')'" :
				"expected 'and', 'or' or the end of the expression");
			k8a_expr_free(x);
			return NULL;
		}
	} else if (!lx.failed) {
		fail(&lx, lx.i, "%s", K8A_NOMEM);
		if (err)
			err->code = K8A_FATAL; /* not the text's fault */
	}
	if (x) {
		compute_lits(x);
		x->prog = k8a_skim_prog_new(x);
	}
	return x;
}

/* b joined to a by t, keeping a chain of t balanced: b goes down a's
 * right side while that side is the shallower, so that adding terms one
 * at a time (k8saudit-grep's -w, each an "or") grows the tree by its
 * logarithm. */
static k8a_expr *
join(enum node t, k8a_expr *a, k8a_expr *b)
{
	k8a_expr *r;

	if (a->type != t || a->b->depth >= a->a->depth) {
		if ((r = node(t, a, b)) != NULL)
			lits_node(r);
		return r;
	}
	if ((r = join(t, a->b, b)) == NULL) {
		a->b = NULL;
		k8a_expr_free(a);
		return NULL;
	}
	a->b = r;
	a->depth = 1 + (a->a->depth > r->depth ? a->a->depth : r->depth);
	lits_node(a); /* only the nodes on the way down changed */
	return a;
}

/* The root of a new combination: its literals and program, unless it
 * nests deeper than twice what an expression's text may (NULL). */
static k8a_expr *
new_root(k8a_expr *a, k8a_expr *b, enum node t)
{
	k8a_expr *x;

	k8a_skim_prog_free(a->prog);
	a->prog = NULL;
	if ((x = join(t, a, b)) == NULL)
		return NULL;
	if (x->depth > 2 * K8A_EXPR_MAX_DEPTH) {
		k8a_expr_free(x);
		return NULL;
	}
	x->prog = k8a_skim_prog_new(x);
	return x;
}

k8a_expr *
k8a_expr_and(k8a_expr *a, k8a_expr *b)
{
	if (a == NULL || a->type == N_TRUE) {
		k8a_expr_free(a);
		return b;
	}
	if (b == NULL || b->type == N_TRUE) {
		k8a_expr_free(b);
		return a;
	}
	return new_root(a, b, N_AND);
}

k8a_expr *
k8a_expr_or(k8a_expr *a, k8a_expr *b)
{
	if (a == NULL)
		return b;
	if (b == NULL)
		return a;
	return new_root(a, b, N_OR);
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
	if (all && quoted) {
		char *q = malloc(n + 3);
		int r;
		if (q == NULL)
			return 0;
		q[0] = '"';
		memcpy(q + 1, v, n);
		q[n + 1] = '"';
		r = has_lit(q, n + 2, lits);
		free(q);
		return r;
	}
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
	if (p->literal_safe && !p->ref && p->field != K8A_F_TIME && p->field != K8A_F_CODE &&
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

int
k8a_expr_needs_json(const k8a_expr *x)
{
	return x != NULL && x->type != N_TRUE;
}

/* ---- evaluation ---- */

static int
cmp_num(double a, double b)
{
	return a < b ? -1 : a > b;
}

/* Regular expressions get per-thread state: an expression may be
 * evaluated on several threads at once (k8a_exprset on one, the parsed
 * record on another).  Match data, a JIT stack, and the answers for short
 * subjects: user agents, user names and addresses repeat from record to
 * record, and a JIT match of a long alternation costs more than a hash and
 * a compare.  Freed when the thread ends.
 *
 * A match PCRE2 cannot finish (its match or heap limit, the JIT stack, no
 * memory) is no answer: it is MAYBE here, and k8a_expr_match() reports
 * the record (K8A_WARN, or K8A_FATAL for memory) with what happened, kept
 * in rx_failed.  A crafted user agent must not slip past an analyst's
 * filter as "no match". */
#define RX_SLOTS 256 /* remembered answers (direct-mapped) */
#define RX_TEXT 120  /* subjects up to this long */
#define RX_JIT_STACK ((size_t)8 << 20) /* reserved; used as a match needs it */

struct rx_seen {
	uint64_t re; /* the expression's re_id; 0: empty */
	uint64_t hash;
	unsigned short n;
	unsigned char hit; /* 0, 1, or MAYBE: PCRE2 could not tell */
	short rc;          /* then, why */
	char text[RX_TEXT];
};

struct rx_thread {
	pcre2_match_data *md;
	pcre2_match_context *mc;
	pcre2_jit_stack *js;
	struct rx_seen seen[RX_SLOTS];
};

/* The last match that could not be finished on this thread. */
static __thread struct {
	int code;            /* PCRE2's error code */
	const char *pattern; /* the expression's, alive while it is */
} rx_failed;

static pthread_key_t rx_key;
static pthread_once_t rx_once = PTHREAD_ONCE_INIT;

static void
rx_free(void *p)
{
	struct rx_thread *t = p;

	pcre2_match_data_free(t->md);
	pcre2_match_context_free(t->mc);
	pcre2_jit_stack_free(t->js);
	free(t);
}

static void
rx_init(void)
{
	pthread_key_create(&rx_key, rx_free);
}

static struct rx_thread *
rx_thread(void)
{
	struct rx_thread *t;

	pthread_once(&rx_once, rx_init);
	if ((t = pthread_getspecific(rx_key)) != NULL)
		return t;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	/* one pair is enough: only whether it matches counts */
	if ((t->md = pcre2_match_data_create(1, NULL)) == NULL ||
	    (t->mc = pcre2_match_context_create(NULL)) == NULL ||
	    (t->js = pcre2_jit_stack_create(32 << 10, RX_JIT_STACK, NULL)) == NULL ||
	    pthread_setspecific(rx_key, t) != 0) {
		rx_free(t);
		return NULL;
	}
	pcre2_jit_stack_assign(t->mc, NULL, t->js);
	return t;
}

/* 1 or 0 for PCRE2's answer rc, or MAYBE (noted in rx_failed). */
static int
rx_answer(const struct pred *p, int rc)
{
	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	rx_failed.code = rc;
	rx_failed.pattern = p->vals[0];
	return MAYBE;
}

/* Does re match s[0..n)?  MAYBE when PCRE2 cannot tell. */
static int
rx_match(const struct pred *p, const char *s, size_t n)
{
	const pcre2_code *re = p->re;
	struct rx_thread *t;
	struct rx_seen *e;
	uint64_t h;

	if ((t = rx_thread()) == NULL)
		return rx_answer(p, PCRE2_ERROR_NOMEMORY);
	if (n > RX_TEXT)
		return rx_answer(p, pcre2_match(re, (PCRE2_SPTR)s, n, 0, 0, t->md, t->mc));
	h = k8a_hash_bytes(s, n);
	e = &t->seen[(h ^ p->re_id * 0x9e3779b97f4a7c15ull) % RX_SLOTS];
	if (e->re != p->re_id || e->hash != h || e->n != n || memcmp(e->text, s, n) != 0) {
		e->re = p->re_id;
		e->hash = h;
		e->n = (unsigned short)n;
		memcpy(e->text, s, n);
		e->rc = (short)pcre2_match(re, (PCRE2_SPTR)s, n, 0, 0, t->md, t->mc);
		e->hit = (unsigned char)rx_answer(p, e->rc);
		if (e->rc == PCRE2_ERROR_NOMEMORY)
			e->re = 0; /* memory may be back next time */
	} else if (e->hit == MAYBE)
		rx_answer(p, e->rc);
	return e->hit;
}

/* Does one scalar value satisfy a positive operator? */
int
k8a_test_string(const struct pred *p, const char *s, size_t sl, int is_time)
{
	size_t i;
	double d;
	int c;

	switch (p->op) {
	case OP_EQ:
	case OP_NE:
		if (is_time && p->istm[0]) {
			/* the same instant may be written with another offset */
			int64_t t;
			if (k8a_time_parse(s, sl, &t) == K8A_OK)
				return t == p->tm[0];
		}
		return sl == p->vlen[0] && memcmp(s, p->vals[0], sl) == 0;
	case OP_IN:
		for (i = 0; i < p->nvals; i++)
			if (sl == p->vlen[i] && memcmp(s, p->vals[i], sl) == 0)
				return 1;
		return 0;
	case OP_PRE:
		return sl >= p->vlen[0] && memcmp(s, p->vals[0], p->vlen[0]) == 0;
	case OP_SUF:
		return sl >= p->vlen[0] && memcmp(s + sl - p->vlen[0], p->vals[0], p->vlen[0]) == 0;
	case OP_SUB:
		return memmem(s, sl, p->vals[0], p->vlen[0]) != NULL;
	case OP_RE:
	case OP_NRE:
		return rx_match(p, s, sl);
	case OP_LT:
	case OP_LE:
	case OP_GT:
	case OP_GE: {
		char tmp[64];
		int64_t t;
		if (is_time && p->istm[0] && k8a_time_parse(s, sl, &t) == K8A_OK)
			c = t < p->tm[0] ? -1 : t > p->tm[0];
		else if (p->isnum[0] && sl < sizeof(tmp) && (memcpy(tmp, s, sl), tmp[sl] = '\0',
			 parse_number(tmp, &d)))
			c = cmp_num(d, p->num[0]);
		else {
			size_t vl = p->vlen[0];
			c = memcmp(s, p->vals[0], sl < vl ? sl : vl);
			if (c == 0)
				c = sl < vl ? -1 : sl > vl;
		}
		return p->op == OP_LT ? c < 0 : p->op == OP_LE ? c <= 0 : p->op == OP_GT ? c > 0 : c >= 0;
	}
	case OP_EXISTS:
		return 1;
	}
	return 0;
}

/* Does a number (iv when is_int) satisfy a positive operator?  The string
 * operators see its decimal text. */
int
k8a_test_number(const struct pred *p, double d, int is_int, long long iv)
{
	char tmp[64];
	size_t i;

	if (p->op == OP_EXISTS)
		return 1;
	if (p->op == OP_EQ || p->op == OP_NE || p->op == OP_IN) {
		for (i = 0; i < p->nvals; i++)
			if (p->isnum[i] && p->num[i] == d)
				return 1;
		return 0;
	}
	if (p->op == OP_LT || p->op == OP_LE || p->op == OP_GT || p->op == OP_GE) {
		int c;
		if (!p->isnum[0])
			return 0;
		c = cmp_num(d, p->num[0]);
		return p->op == OP_LT ? c < 0 : p->op == OP_LE ? c <= 0 : p->op == OP_GT ? c > 0 : c >= 0;
	}
	if (is_int)
		snprintf(tmp, sizeof(tmp), "%lld", iv);
	else
		snprintf(tmp, sizeof(tmp), "%.17g", d);
	return k8a_test_string(p, tmp, strlen(tmp), 0);
}

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
	isnum = parse_number(val, &num);
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
	if (x->type != N_PRED || x->p->field != (int)f || x->p->ref || x->p->synth != S_NONE ||
	    f == K8A_F_TIME || f == K8A_F_CODE || (x->p->op != OP_EQ && x->p->op != OP_IN))
		return 0;
	*vals = (const char *const *)x->p->vals;
	return x->p->nvals;
}

int
k8a_expr_match(const k8a_expr *x, k8a_event *ev)
{
	PCRE2_UCHAR why[120];
	int r;

	if (x == NULL || x->type == N_TRUE)
		return 1;
	if (k8a_event_json(ev) == NULL || ev->source == K8A_SRC_UNKNOWN)
		return ev->nomem ? K8A_FATAL : K8A_WARN;
	r = eval(x, ev);
	if (ev->nomem)
		return K8A_FATAL; /* a field read as absent for want of memory */
	if (r != MAYBE)
		return r;
	if (rx_failed.code == PCRE2_ERROR_NOMEMORY) {
		snprintf(ev->err, sizeof(ev->err), "out of memory");
		return K8A_FATAL;
	}
	pcre2_get_error_message(rx_failed.code, why, sizeof(why));
	snprintf(ev->err, sizeof(ev->err), "cannot tell whether ~ '%.80s%s' matches: %s",
		rx_failed.pattern ? rx_failed.pattern : "", rx_failed.pattern && strlen(rx_failed.pattern) > 80 ? "..." : "",
		(const char *)why);
	return K8A_WARN;
}
