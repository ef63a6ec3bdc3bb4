/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Does one value satisfy a predicate's operator?  The comparisons of
 * k8saudit-expr(5) (numbers, times, strings, regexes), shared by the
 * evaluation on a parsed record (expreval.c) and on the skim (exprskim.c).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>

#include "expr.h"

int
k8a_parse_number(const char *s, double *d)
{
	char *end;

	if (*s == '\0')
		return 0;
	errno = 0;
	*d = strtod(s, &end);
	return *end == '\0' && errno == 0;
}


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

static inline int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* s[0..n) equals v[0..n), a lower-case text, without regard to ASCII case. */
static int
ci_eq(const char *s, const char *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (lower((unsigned char)s[i]) != (unsigned char)v[i])
			return 0;
	return 1;
}

/* v[0..n), a lower-case text, inside s[0..sl) without regard to ASCII case. */
static int
ci_memmem(const char *s, size_t sl, const char *v, size_t n)
{
	size_t i;

	if (n == 0)
		return 1;
	for (i = 0; i + n <= sl; i++)
		if (lower((unsigned char)s[i]) == (unsigned char)v[0] && ci_eq(s + i + 1, v + 1, n - 1))
			return 1;
	return 0;
}

/* One character of a pattern at v[*i], escapes resolved: the byte, or
 * -1 for '*', -2 for '?'.  A backslash escapes only *, ? and itself. */
static int
glob_char(const char *v, size_t vl, size_t *i)
{
	int c = (unsigned char)v[(*i)++];

	if (c == '*')
		return -1;
	if (c == '?')
		return -2;
	if (c == '\\' && *i < vl && strchr("*?\\", v[*i]))
		return (unsigned char)v[(*i)++];
	return c;
}

int
k8a_glob_match(const char *v, size_t vl, const char *s, size_t sl, int icase)
{
	size_t i = 0, j = 0, star_i = SIZE_MAX, star_j = 0;

	/* the usual backtracking to the last star: time in O(vl * sl) at worst */
	while (j < sl) {
		size_t at = i;
		int c = i < vl ? glob_char(v, vl, &i) : 0;
		if (at < vl && c == -1) {
			star_i = i;
			star_j = j;
			continue;
		}
		if (at < vl && (c == -2 || (icase ? lower((unsigned char)s[j]) : (unsigned char)s[j]) == c)) {
			j++;
			continue;
		}
		if (star_i == SIZE_MAX)
			return 0;
		i = star_i;
		j = ++star_j;
	}
	while (i < vl) /* only stars may be left */
		if (glob_char(v, vl, &i) != -1)
			return 0;
	return 1;
}

/* Does one scalar value satisfy a positive operator? */
int
k8a_test_string(const struct pred *p, const char *s, size_t sl, int is_time)
{
	size_t i;
	double d;
	int c;

	if (p->icase) {
		switch (p->op) {
		case OP_EQ:
		case OP_NE:
		case OP_IN:
			for (i = 0; i < p->nvals; i++)
				if (sl == p->vlen[i] && ci_eq(s, p->vals[i], sl))
					return 1;
			return 0;
		case OP_PRE:
			return sl >= p->vlen[0] && ci_eq(s, p->vals[0], p->vlen[0]);
		case OP_SUF:
			return sl >= p->vlen[0] && ci_eq(s + sl - p->vlen[0], p->vals[0], p->vlen[0]);
		case OP_SUB:
			return ci_memmem(s, sl, p->vals[0], p->vlen[0]);
		default:
			break;
		}
	}
	switch (p->op) {
	case OP_GLOB:
		for (i = 0; i < p->nvals; i++)
			if (k8a_glob_match(p->vals[i], p->vlen[i], s, sl, p->icase))
				return 1;
		return 0;
	case OP_CIDR:
		for (i = 0; i < p->nvals; i++)
			if (k8a_cidr_contains(&p->nets[i], s, sl))
				return 1;
		return 0;
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
			 k8a_parse_number(tmp, &d)))
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
	case OP_IS:
		c = k8a_ip_class(s, sl);
		return p->ipclass == K8A_IP_NONE ? c != K8A_IP_NONE : c == p->ipclass;
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


int
k8a_regex_failure(const char **pattern)
{
	*pattern = rx_failed.pattern;
	return rx_failed.code;
}
