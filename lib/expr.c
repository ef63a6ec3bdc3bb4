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
	free(p->nets);
	free_pred(p->ref);
	free(p);
}

void
k8a_expr_free(k8a_expr *x)
{
	if (x == NULL)
		return;
	k8a_expr_free(x->a);
	k8a_expr_free(x->b);
	free_pred(x->p);
	k8a_lits_free(x->lits);
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
		if (p->icase) {
			char *c;
			for (c = p->vals[i]; *c; c++)
				if (*c >= 'A' && *c <= 'Z')
					*c = (char)(*c + 32);
		}
		p->vlen[i] = strlen(p->vals[i]);
		p->isnum[i] = k8a_parse_number(p->vals[i], &p->num[i]);
		p->istm[i] = k8a_time_parse(p->vals[i], strlen(p->vals[i]), &p->tm[i]) == K8A_OK;
	}
	if (p->op == OP_CIDR) {
		if ((p->nets = calloc(p->nvals + 1, sizeof(*p->nets))) == NULL)
			return -1;
		for (i = 0; i < p->nvals; i++)
			if (k8a_cidr_parse(p->vals[i], p->vlen[i], &p->nets[i]) != 0) {
				fail(lx, at, "bad network '%s'", p->vals[i]);
				return -1;
			}
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
static int set_field(struct pred *p, const char *field, size_t *bad, int *is_path);
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
	if (set_field(r, field, &bad, &is_path) != 0) {
		free_pred(r); /* out of memory, said by the caller */
		return NULL;
	}
	if (is_path && r->k8s == NULL) {
		fail(lx, at, "bad field path '@%s'", field);
		free_pred(r);
		return NULL;
	}
	return r;
}

/* 0, or -1 when out of memory (an alias's path missing would read as an
 * absent field, a path's as a bad one). */
static int
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
			/* the table's own paths: only memory can fail */
			p->field = -1;
			if ((p->k8s = k8a_path_parse(a->k8s_path, &p->nk8s, bad)) == NULL)
				return -1;
			if (a->ct_path[0] && (p->ct = k8a_path_parse(a->ct_path, &p->nct, bad)) == NULL)
				return -1;
		}
		set_skim_slots(p);
		return 0;
	}
	*is_path = 1;
	if ((p->k8s = k8a_path_parse(field, &p->nk8s, bad)) != NULL) {
		p->ct = p->k8s;
		p->nct = p->nk8s;
		if (!path_in_schema(p->k8s, p->nk8s) && (p->unknown = strdup(field)) == NULL)
			return -1; /* the warning about it would be lost */
	} else if (*bad == (size_t)-1)
		return -1;
	set_skim_slots(p);
	return 0;
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
	if (set_field(p, field, &bad, &is_path) != 0) {
		free(field);
		free_pred(p); /* out of memory, said by the caller */
		return NULL;
	}
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
	if (word_is(lx, "is")) {
		/* what kind of address: "ip is public" */
		p->op = OP_IS;
		skipws(lx);
		if (word_is(lx, "public"))
			p->ipclass = K8A_IP_PUBLIC;
		else if (word_is(lx, "private"))
			p->ipclass = K8A_IP_PRIVATE;
		else if (word_is(lx, "address"))
			p->ipclass = K8A_IP_NONE;
		else {
			fail(lx, lx->i, "expected 'public', 'private' or 'address' after 'is'");
			k8a_expr_free(x);
			return NULL;
		}
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
		k8a_expr_lits_compute(x);
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
			k8a_expr_lits_node(r);
		return r;
	}
	if ((r = join(t, a->b, b)) == NULL) {
		a->b = NULL;
		k8a_expr_free(a);
		return NULL;
	}
	a->b = r;
	a->depth = 1 + (a->a->depth > r->depth ? a->a->depth : r->depth);
	k8a_expr_lits_node(a); /* only the nodes on the way down changed */
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

int
k8a_expr_needs_json(const k8a_expr *x)
{
	return x != NULL && x->type != N_TRUE;
}


/* ---- building from another language (sigma*.c) ---- */

/* The error of a build: out of memory unless lx said otherwise. */
static void
build_failed(struct lex *lx)
{
	if (!lx->failed) {
		fail(lx, 0, "%s", K8A_NOMEM);
		if (lx->err)
			lx->err->code = K8A_FATAL;
	}
}

/* A predicate p (taken) with op and copies of vals as an expression. */
static k8a_expr *
build_pred(struct pred *p, enum op op, int icase, const char *const *vals, size_t nvals, struct lex *lx)
{
	k8a_expr *x;
	size_t i;

	p->op = op;
	p->icase = icase;
	for (i = 0; i < nvals; i++) {
		char *v = strdup(vals[i]);
		if (v == NULL || add_value(p, v) != 0) {
			free_pred(p);
			build_failed(lx);
			return NULL;
		}
	}
	if (prepare_values(p, lx, 0) != 0 || (x = node(N_PRED, NULL, NULL)) == NULL) {
		free_pred(p);
		build_failed(lx);
		return NULL;
	}
	x->p = p;
	return x;
}

/* A predicate on a plain path (never an alias), or NULL. */
static struct pred *
path_only(const char *path, struct lex *lx)
{
	struct pred *p = calloc(1, sizeof(*p));
	size_t bad = 0;

	if (p == NULL) {
		build_failed(lx);
		return NULL;
	}
	p->field = -1;
	p->literal_safe = 1;
	if ((p->k8s = k8a_path_parse(path, &p->nk8s, &bad)) == NULL) {
		if (bad != (size_t)-1)
			fail(lx, bad, "bad field path '%s'", path);
		free_pred(p);
		build_failed(lx);
		return NULL;
	}
	p->ct = p->k8s;
	p->nct = p->nk8s;
	set_skim_slots(p);
	return p;
}

static void
err_clear(struct k8a_err *err)
{
	if (err) {
		err->code = K8A_OK;
		err->offset = 0;
		err->msg[0] = '\0';
	}
}

k8a_expr *
k8a_expr_path_pred(const char *path, enum op op, int icase, const char *const *vals, size_t nvals,
	struct k8a_err *err)
{
	struct lex lx = { path, 0, strlen(path), err, 0, 0 };
	struct pred *p;

	err_clear(err);
	if ((p = path_only(path, &lx)) == NULL)
		return NULL;
	return build_pred(p, op, icase, vals, nvals, &lx);
}

k8a_expr *
k8a_expr_synth_pred(enum synth sy, enum op op, int icase, const char *const *vals, size_t nvals,
	struct k8a_err *err)
{
	struct lex lx = { "", 0, 0, err, 0, 0 };
	struct pred *p = calloc(1, sizeof(*p));

	err_clear(err);
	if (p == NULL) {
		build_failed(&lx);
		return NULL;
	}
	p->field = -1;
	p->synth = sy;
	p->sk_k8s = p->sk_ct = p->pre_k8s = p->pre_ct = SKS_UNKNOWN;
	return build_pred(p, op, icase, vals, nvals, &lx);
}

k8a_expr *
k8a_expr_ref_pred(const char *path, enum op op, const char *other, struct k8a_err *err)
{
	struct lex lx = { path, 0, strlen(path), err, 0, 0 };
	struct pred *p;
	k8a_expr *x;

	err_clear(err);
	if ((p = path_only(path, &lx)) == NULL)
		return NULL;
	p->op = op;
	if ((p->ref = path_only(other, &lx)) == NULL || (x = node(N_PRED, NULL, NULL)) == NULL) {
		free_pred(p);
		build_failed(&lx);
		return NULL;
	}
	x->p = p;
	return x;
}

k8a_expr *
k8a_expr_node(enum node t, k8a_expr *a, k8a_expr *b)
{
	if ((t == N_NOT && a == NULL) || ((t == N_AND || t == N_OR) && (a == NULL || b == NULL))) {
		k8a_expr_free(a);
		k8a_expr_free(b);
		return NULL;
	}
	return node(t, a, b);
}

k8a_expr *
k8a_expr_balanced(enum node t, k8a_expr **x, size_t n)
{
	return balanced(t, x, n);
}

void
k8a_expr_ready(k8a_expr *x)
{
	if (x == NULL)
		return;
	k8a_skim_prog_free(x->prog);
	k8a_expr_lits_compute(x);
	x->prog = k8a_skim_prog_new(x);
}
