/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Expressions judged on the skim (skim.c) instead of a parsed record:
 * three-valued, exact.  Fields the skim reads are tested directly; paths
 * it does not cover are followed through the record's text (members read
 * on demand, the last of a name wins, arrays fan out as with a parse).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"

/* ---- what the skim can tell (three-valued: 1, 0, MAYBE) ---- */

static int pred_raw(const struct pred *p, k8a_event *ev, uint64_t *deps);
static int raw_test(const struct pred *p, const char *v, size_t n, unsigned depth);

/* Arrays nested deeper than this in a record's text are left to the parse
 * (MAYBE): the walk below recurses once per array, and each level finds
 * its elements' ends anew, so an attacker's [[[[...]]]] would cost stack
 * and time with its depth.  Real records nest arrays a few levels;
 * jansson refuses anything deeper than 2048, and the record is reported. */
#define RAW_ARRAY_DEPTH 32

/* The value of an SKV_INT slot (at most 18 digits: it fits). */
static long long
int_value(const struct k8a_skim_val *v)
{
	long long iv = 0;
	size_t i = v->p[0] == '-';

	for (; i < v->n; i++)
		iv = iv * 10 + (v->p[i] - '0');
	return v->p[0] == '-' ? -iv : iv;
}

static int
pred_skim(const struct pred *p, k8a_event *ev, uint64_t *deps)
{
	const struct k8a_skim *sk = &ev->skim;
	int slot = sk->source == K8A_SRC_K8S ? p->sk_k8s : p->sk_ct;
	int alias = p->field >= 0 || p->synth == S_ACTION;
	/* aliases read strings, except the Kubernetes status code: an integer */
	int code_int = alias && p->field == K8A_F_CODE && sk->source == K8A_SRC_K8S;
	const struct k8a_skim_val *v;

	if (p->ref)
		return MAYBE;
	if (p->synth == S_TYPE) {
		const char *s = sk->source == K8A_SRC_K8S ? "k8s" : "cloudtrail";
		return k8a_test_string(p, s, strlen(s), 0);
	}
	if (p->synth == S_RAW) {
		*deps |= K8A_DEP_BODY;
		return k8a_test_string(p, ev->raw, ev->len, 0);
	}
	if (p->synth != S_NONE && p->synth != S_ACTION)
		return MAYBE; /* command, container: decoded from the URI */
	if (slot == SKS_NONE)
		return 0; /* never there: no positive operator holds */
	if (slot < 0)
		return alias ? MAYBE : pred_raw(p, ev, deps);
	v = &sk->v[slot];
	*deps |= (uint64_t)1 << slot;
	if ((v->t == SKV_STRING || v->t == SKV_OTHER) && v->p && v->n > SK_SMALL)
		*deps |= K8A_DEP_BODY; /* not remembered by its bytes */
	if (code_int && v->t != SKV_INT && v->t != SKV_UNSURE)
		return 0;
	switch (v->t) {
	case SKV_ABSENT:
		return 0;
	case SKV_STRING:
		return v->p == NULL ? MAYBE : k8a_test_string(p, v->p, v->n, 0);
	case SKV_INT: {
		long long iv = int_value(v);
		if (alias && !code_int)
			return 0;
		return k8a_test_number(p, (double)iv, 1, iv);
	}
	case SKV_OBJECT:
		return alias ? 0 : p->op == OP_EXISTS;
	case SKV_OTHER:
		return alias ? 0 : raw_test(p, v->p, v->n, 0);
	case SKV_UNSURE:
		return MAYBE;
	}
	return MAYBE;
}

/* The elements of the array text v[0..n), one by one: start with *at 0.
 * Returns 1 with the next element at v + *at, *len bytes long; 0 after the
 * last; -1 when the text is cut or malformed. */
static int
next_element(const char *v, size_t n, size_t *at, size_t *len)
{
	size_t i = *at;
	const char *end;

	if (i == 0) {
		i = k8a_jscan_ws(v, n, 1);
		if (i < n && v[i] == ']')
			return 0;
	} else {
		i = k8a_jscan_ws(v, n, i + *len);
		if (i < n && v[i] == ']')
			return 0;
		if (i >= n || v[i] != ',')
			return -1;
		i = k8a_jscan_ws(v, n, i + 1);
	}
	/* pod specs hold arrays of large objects, walked once per path */
	if (i >= n || (end = k8a_skim_value_end(v + i, v + n)) == NULL)
		return -1;
	*len = (size_t)(end - (v + i));
	*at = i;
	return 1;
}

/* The elements of the array text v[0..n), itself nested in depth - 1
 * arrays: calls f on each; combines. */
static int
raw_elements(const struct pred *p, const char *v, size_t n, unsigned depth,
	int (*f)(const struct pred *, const void *, const char *, size_t, unsigned), const void *arg)
{
	size_t at = 0, len = 0;
	int r = 0, x, more;

	if (depth > RAW_ARRAY_DEPTH)
		return MAYBE;
	while ((more = next_element(v, n, &at, &len)) == 1) {
		if ((x = f(p, arg, v + at, len, depth)) == 1)
			return 1;
		if (x == MAYBE)
			r = MAYBE;
	}
	return more < 0 ? MAYBE : r;
}

static int
raw_test_elem(const struct pred *p, const void *arg, const char *v, size_t n, unsigned depth)
{
	(void)arg;
	return raw_test(p, v, n, depth);
}

/* A JSON value's text (inside depth arrays) against a positive operator,
 * as test_json() would judge the parsed value. */
static int
raw_test(const struct pred *p, const char *v, size_t n, unsigned depth)
{
	char tmp[64], *end;

	if (n == 0)
		return MAYBE;
	switch (v[0]) {
	case '"': {
		struct k8a_buf b = { 0 };
		int r;
		if (memchr(v, '\\', n) == NULL)
			return k8a_test_string(p, v + 1, n - 2, 0);
		if (k8a_jscan_unescape(v, n, &b) != 0) {
			k8a_buf_free(&b);
			return MAYBE;
		}
		r = k8a_test_string(p, b.p, b.len, 0);
		k8a_buf_free(&b);
		return r;
	}
	case 't':
		return n == 4 ? k8a_test_string(p, "true", 4, 0) : MAYBE;
	case 'f':
		return n == 5 ? k8a_test_string(p, "false", 5, 0) : MAYBE;
	case 'n':
		return 0;
	case '[':
		return raw_elements(p, v, n, depth + 1, raw_test_elem, NULL);
	case '{':
		return p->op == OP_EXISTS;
	default:
		if (n >= sizeof(tmp))
			return MAYBE;
		memcpy(tmp, v, n);
		tmp[n] = '\0';
		errno = 0;
		if (strpbrk(tmp, ".eE") == NULL) {
			long long iv = strtoll(tmp, &end, 10);
			if (*end != '\0' || errno != 0)
				return MAYBE; /* a parser refuses it, or reads it otherwise */
			return k8a_test_number(p, (double)iv, 1, iv);
		} else {
			double d = strtod(tmp, &end);
			if (*end != '\0' || errno != 0)
				return MAYBE;
			return k8a_test_number(p, d, 0, 0);
		}
	}
}

struct raw_path {
	k8a_event *ev;
	const struct seg *sg;
	size_t n;
};

static int raw_each(const struct pred *p, k8a_event *ev, const struct seg *sg, size_t n,
	const char *v, size_t vn, unsigned depth);

static int
raw_each_elem(const struct pred *p, const void *arg, const char *v, size_t n, unsigned depth)
{
	const struct raw_path *rp = arg;

	return raw_each(p, rp->ev, rp->sg, rp->n, v, n, depth);
}

/* The values the path reaches in the text v[0..n) (inside depth arrays),
 * as each() walks the parsed record: three-valued. */
static int
raw_each(const struct pred *p, k8a_event *ev, const struct seg *sg, size_t n, const char *v, size_t vn,
	unsigned depth)
{
	for (; n > 0; sg++, n--) {
		if (vn == 0)
			return MAYBE;
		if (v[0] == '[' && (sg->key != NULL || sg->index < 0)) {
			struct raw_path rp = { ev, sg->key ? sg : sg + 1, sg->key ? n : n - 1 };
			return raw_elements(p, v, vn, depth + 1, raw_each_elem, &rp);
		}
		if (sg->key) {
			int r;
			if (v[0] != '{')
				return 0;
			r = k8a_raw_member(ev, v, sg->key, strlen(sg->key), &v, &vn);
			if (r != 1)
				return r < 0 ? MAYBE : 0;
		} else {
			size_t i, at = 0, len = 0;
			int more = 1;
			if (v[0] != '[')
				return 0;
			for (i = 0; i <= (size_t)sg->index && (more = next_element(v, vn, &at, &len)) == 1; i++)
				;
			if (more != 1)
				return more < 0 ? MAYBE : 0; /* no such element */
			v += at;
			vn = len;
		}
	}
	return raw_test(p, v, vn, depth);
}

/* A path predicate the skim's slots do not cover, from the text: from
 * the value of the longest prefix the skim has, else from the top. */
static int
pred_raw(const struct pred *p, k8a_event *ev, uint64_t *deps)
{
	int ct = ev->skim.source == K8A_SRC_CLOUDTRAIL;
	const struct seg *sg = ct ? p->ct : p->k8s;
	size_t n = ct ? p->nct : p->nk8s, npre = ct ? p->npre_ct : p->npre_k8s;
	int pre = ct ? p->pre_ct : p->pre_k8s;
	size_t at;

	if (sg == NULL)
		return 0;
	if (pre >= 0) {
		const struct k8a_skim_val *v = &ev->skim.v[pre];
		*deps |= (uint64_t)1 << pre;
		switch (v->t) {
		case SKV_ABSENT:
		case SKV_STRING:
		case SKV_INT:
			return 0; /* nothing there, or a scalar: no members, no elements */
		case SKV_UNSURE:
			return MAYBE;
		case SKV_OBJECT:
		case SKV_OTHER:
			*deps |= K8A_DEP_BODY;
			return raw_each(p, ev, sg + npre, n - npre, v->p, v->n, 0);
		}
	}
	*deps |= K8A_DEP_BODY;
	at = k8a_jscan_ws(ev->raw, ev->len, 0);
	return raw_each(p, ev, sg, n, ev->raw + at, ev->len - at, 0);
}

/* ---- the expression as a flat program ----
 * A rule catalog is judged on every record: walking hundreds of trees
 * whose nodes lie all over the heap is slow for the cache.  Each root gets
 * a program instead, one array of small instructions evaluated on a
 * stack, with jumps for "and"/"or" short cuts.  The common tests (a string
 * member against string values, an integer against a number) read only
 * the program; everything else is handed to pred_skim(). */
enum { SI_PRED, SI_TRUE, SI_NOT, SI_AND, SI_OR, SI_JZ, SI_JONE };
#define PROG_STACK 64 /* deeper programs get their stack from the heap */

struct sinsn {
	unsigned char code;
	unsigned char neg;     /* PRED: != or !~, the answer is inverted */
	unsigned char faststr; /* PRED: bit per source (k8s 1, CloudTrail 2): string test here */
	unsigned char fastint; /* PRED: bit per source: integer test here */
	unsigned char op;
	unsigned char icase;   /* PRED: the pool's values are lower case, compared so */
	signed char slot[2];   /* k8s, CloudTrail */
	unsigned nvals;
	size_t at;             /* PRED: the values in the pool; jumps: the target */
	double num;            /* PRED: the number for the integer test */
	const struct pred *p;
};

struct skim_prog {
	struct sinsn *code;
	size_t n, cap;
	char *pool; /* values: a size_t length, then the bytes */
	size_t pn, pcap;
	size_t sp, maxsp; /* the stack's height while compiling, and its most */
	int bad;
};

static size_t
emit(struct skim_prog *pg, unsigned char code)
{
	if (pg->n == pg->cap) {
		size_t nc = pg->cap ? pg->cap * 2 : 16;
		struct sinsn *c = realloc(pg->code, nc * sizeof(*c));
		if (c == NULL) {
			pg->bad = 1;
			return 0;
		}
		pg->code = c;
		pg->cap = nc;
	}
	memset(&pg->code[pg->n], 0, sizeof(pg->code[0]));
	pg->code[pg->n].code = code;
	if (code == SI_PRED || code == SI_TRUE) {
		if (++pg->sp > pg->maxsp)
			pg->maxsp = pg->sp;
	} else if (code == SI_AND || code == SI_OR)
		pg->sp--;
	return pg->n++;
}

static void
pool_add(struct skim_prog *pg, const char *v, size_t n)
{
	size_t need = pg->pn + sizeof(size_t) + n;

	if (need > pg->pcap) {
		size_t nc = pg->pcap ? pg->pcap * 2 : 256;
		char *np;
		while (nc < need)
			nc *= 2;
		if ((np = realloc(pg->pool, nc)) == NULL) {
			pg->bad = 1;
			return;
		}
		pg->pool = np;
		pg->pcap = nc;
	}
	memcpy(pg->pool + pg->pn, &n, sizeof(size_t));
	memcpy(pg->pool + pg->pn + sizeof(size_t), v, n);
	pg->pn = need;
}

static void
emit_pred(struct skim_prog *pg, const struct pred *p)
{
	size_t i = emit(pg, SI_PRED), k;
	struct sinsn *in;
	int src;

	if (pg->bad)
		return;
	in = &pg->code[i];
	in->p = p;
	in->op = (unsigned char)p->op;
	in->icase = (unsigned char)p->icase;
	in->neg = p->op == OP_NE || p->op == OP_NRE;
	in->slot[0] = (signed char)p->sk_k8s;
	in->slot[1] = (signed char)p->sk_ct;
	if (p->ref || p->synth != S_NONE)
		return;
	for (src = 0; src < 2; src++) {
		int slot = src ? p->sk_ct : p->sk_k8s;
		int alias = p->field >= 0, code_int = alias && p->field == K8A_F_CODE && src == 0;
		if (slot < 0)
			continue;
		/* strings: aliases and paths alike, but for the status code */
		if (!code_int && (p->op == OP_EQ || p->op == OP_NE || p->op == OP_IN || p->op == OP_PRE ||
				  p->op == OP_SUF || (p->op == OP_SUB && !p->icase)))
			in->faststr |= (unsigned char)(1 << src);
		/* integers: paths, and the status code's alias */
		if ((!alias || code_int) && p->nvals == 1 && p->isnum[0] &&
		    (p->op == OP_EQ || p->op == OP_NE || p->op == OP_LT || p->op == OP_LE ||
		     p->op == OP_GT || p->op == OP_GE))
			in->fastint |= (unsigned char)(1 << src);
	}
	if (in->faststr) {
		in->at = pg->pn;
		in->nvals = (unsigned)p->nvals;
		for (k = 0; k < p->nvals; k++)
			pool_add(pg, p->vals[k], p->vlen[k]);
	}
	if (in->fastint)
		in->num = p->num[0];
}

static void
compile_node(struct skim_prog *pg, const k8a_expr *x)
{
	size_t j;

	switch (x->type) {
	case N_TRUE:
		emit(pg, SI_TRUE);
		break;
	case N_PRED:
		emit_pred(pg, x->p);
		break;
	case N_NOT:
		compile_node(pg, x->a);
		emit(pg, SI_NOT);
		break;
	case N_AND:
	case N_OR:
		compile_node(pg, x->a);
		j = emit(pg, x->type == N_AND ? SI_JZ : SI_JONE);
		compile_node(pg, x->b);
		emit(pg, x->type == N_AND ? SI_AND : SI_OR);
		if (!pg->bad)
			pg->code[j].at = pg->n;
		break;
	}
}

struct skim_prog *
k8a_skim_prog_new(const k8a_expr *x)
{
	struct skim_prog *pg = calloc(1, sizeof(*pg));

	if (pg == NULL || x == NULL)
		return pg;
	compile_node(pg, x);
	if (pg->bad) {
		k8a_skim_prog_free(pg);
		return NULL; /* the skim cannot tell for this expression */
	}
	return pg;
}

size_t
k8a_expr_prog_span(const k8a_expr *x, const void **p)
{
	*p = NULL;
	if (x == NULL || x->prog == NULL)
		return 0;
	*p = x->prog->code;
	return x->prog->n * sizeof(*x->prog->code);
}

void
k8a_skim_prog_free(struct skim_prog *pg)
{
	if (pg == NULL)
		return;
	free(pg->code);
	free(pg->pool);
	free(pg);
}

/* s[0..n) is v[0..n), a lower-case text, but for ASCII case. */
static int
ci_same(const char *s, const char *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		int c = (unsigned char)s[i];
		if ((c >= 'A' && c <= 'Z' ? c + 32 : c) != (unsigned char)v[i])
			return 0;
	}
	return 1;
}

static int
pool_test(const struct skim_prog *pg, const struct sinsn *in, const char *s, size_t sl)
{
	const char *v = pg->pool + in->at;
	unsigned i;

	if (in->icase) {
		for (i = 0; i < in->nvals; i++) {
			size_t n;
			memcpy(&n, v, sizeof(n));
			v += sizeof(n);
			switch (in->op) {
			case OP_EQ:
			case OP_NE:
			case OP_IN:
				if (sl == n && ci_same(s, v, n))
					return 1;
				break;
			case OP_PRE:
				return sl >= n && ci_same(s, v, n);
			case OP_SUF:
				return sl >= n && ci_same(s + sl - n, v, n);
			default:
				return MAYBE; /* substrings: pred_skim() */
			}
			v += n;
		}
		return 0;
	}
	for (i = 0; i < in->nvals; i++) {
		size_t n;
		memcpy(&n, v, sizeof(n));
		v += sizeof(n);
		switch (in->op) {
		case OP_EQ:
		case OP_NE:
		case OP_IN:
			if (sl == n && memcmp(s, v, n) == 0)
				return 1;
			break;
		case OP_PRE:
			return sl >= n && memcmp(s, v, n) == 0;
		case OP_SUF:
			return sl >= n && memcmp(s + sl - n, v, n) == 0;
		case OP_SUB:
			return memmem(s, sl, v, n) != NULL;
		default:
			return MAYBE;
		}
		v += n;
	}
	return 0;
}

static int
int_test(const struct sinsn *in, const struct k8a_skim_val *v)
{
	double d = (double)int_value(v);

	switch (in->op) {
	case OP_EQ:
	case OP_NE: return d == in->num;
	case OP_LT: return d < in->num;
	case OP_LE: return d <= in->num;
	case OP_GT: return d > in->num;
	default: return d >= in->num;
	}
}

static int
run_pred(const struct skim_prog *pg, const struct sinsn *in, k8a_event *ev, uint64_t *deps)
{
	const struct k8a_skim *sk = &ev->skim;
	int src = sk->source == K8A_SRC_CLOUDTRAIL;
	int slot = in->slot[src];
	const struct k8a_skim_val *v;

	if (slot >= 0 && ((in->faststr | in->fastint) & (1 << src))) {
		v = &sk->v[slot];
		*deps |= (uint64_t)1 << slot;
		if (v->t == SKV_ABSENT)
			return 0;
		if (v->t == SKV_STRING && (in->faststr & (1 << src)) && v->p && v->n <= SK_SMALL)
			return pool_test(pg, in, v->p, v->n);
		if (v->t == SKV_INT && (in->fastint & (1 << src)))
			return int_test(in, v);
	}
	return pred_skim(in->p, ev, deps);
}

static int
run(const struct skim_prog *pg, k8a_event *ev, uint64_t *deps)
{
	unsigned char small[PROG_STACK], *st = small;
	size_t pc = 0;
	int sp = 0, a, b;

	if (pg->maxsp > PROG_STACK && (st = malloc(pg->maxsp)) == NULL)
		return MAYBE;
	while (pc < pg->n) {
		const struct sinsn *in = &pg->code[pc++];
		switch (in->code) {
		case SI_PRED:
			a = run_pred(pg, in, ev, deps);
			if (a != MAYBE && in->neg)
				a = !a;
			st[sp++] = (unsigned char)a;
			break;
		case SI_TRUE:
			st[sp++] = 1;
			break;
		case SI_NOT:
			if (st[sp - 1] != MAYBE)
				st[sp - 1] = !st[sp - 1];
			break;
		case SI_JZ:
			if (st[sp - 1] == 0)
				pc = in->at;
			break;
		case SI_JONE:
			if (st[sp - 1] == 1)
				pc = in->at;
			break;
		case SI_AND: /* the left side was not 0 */
			b = st[--sp];
			a = st[sp - 1];
			st[sp - 1] = (unsigned char)(b == 0 ? 0 : a == 1 && b == 1 ? 1 : MAYBE);
			break;
		case SI_OR: /* the left side was not 1 */
			b = st[--sp];
			a = st[sp - 1];
			st[sp - 1] = (unsigned char)(b == 1 ? 1 : a == 0 && b == 0 ? 0 : MAYBE);
			break;
		}
	}
	a = sp == 1 ? st[0] : MAYBE;
	if (st != small)
		free(st);
	return a;
}

int
k8a_expr_skim_eval(const k8a_expr *x, k8a_event *ev, uint64_t *deps)
{
	const struct k8a_skim *sk;

	if (x == NULL || x->type == N_TRUE)
		return 1;
	sk = k8a_event_skim(ev);
	if (sk->state != 1 || sk->source == K8A_SRC_UNKNOWN)
		return MAYBE;
	/* without a program (no memory when compiling) only a parse can tell */
	return x->prog ? run(x->prog, ev, deps) : MAYBE;
}

int
k8a_expr_may_match(const k8a_expr *x, k8a_event *ev)
{
	uint64_t deps = 0;

	return k8a_expr_skim_eval(x, ev, &deps) != 0;
}

void
k8a_expr_skim_slots(const k8a_expr *x, uint64_t *k8s, uint64_t *ct)
{
	if (x == NULL)
		return;
	if (x->type == N_PRED) {
		if (x->p->sk_k8s >= 0)
			*k8s |= (uint64_t)1 << x->p->sk_k8s;
		if (x->p->sk_ct >= 0)
			*ct |= (uint64_t)1 << x->p->sk_ct;
		if (x->p->pre_k8s >= 0)
			*k8s |= (uint64_t)1 << x->p->pre_k8s;
		if (x->p->pre_ct >= 0)
			*ct |= (uint64_t)1 << x->p->pre_ct;
		if (x->p->field == K8A_F_CODE) /* read as an integer or a string */
			*k8s |= (uint64_t)1 << SK_CODE;
	}
	k8a_expr_skim_slots(x->a, k8s, ct);
	k8a_expr_skim_slots(x->b, k8s, ct);
}

