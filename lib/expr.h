/* SPDX-License-Identifier: BSD-2-Clause */
/* Compiled field expressions, shared by expr.c (compile, evaluate on the
 * parsed record) and exprskim.c (evaluate on the skim).  Not installed. */
#ifndef K8A_EXPR_H
#define K8A_EXPR_H

#include <stdint.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "field.h"

enum op { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_RE, OP_NRE, OP_PRE, OP_SUF, OP_SUB, OP_IN, OP_EXISTS, OP_IS,
	OP_GLOB,  /* wildcards * and ?; backslash-star, -question mark, -backslash for themselves (Sigma) */
	OP_CIDR,  /* an address inside one of the networks */
};
enum node { N_TRUE, N_AND, N_OR, N_NOT, N_PRED };

struct pred {
	/* field: an alias (normalised field or per-source path) or a path */
	int field;            /* enum k8a_field, or -1 */
	enum synth synth;
	struct seg *k8s, *ct; /* paths per source; same pointer for plain paths */
	size_t nk8s, nct;
	int literal_safe;
	enum op op;
	char **vals;
	size_t *vlen; /* their lengths */
	size_t nvals;
	double *num; /* numeric form of each value, when it has one */
	int *isnum;
	int64_t *tm; /* time form, for the time field */
	int *istm;
	pcre2_code *re;
	uint64_t re_id;  /* unique per compiled regex (expr.c keys answers by it) */
	struct pred *ref; /* value is another field of the record (@path) */
	int sk_k8s, sk_ct; /* where the skim reads it (SKS_* when it does not) */
	int pre_k8s, pre_ct; /* else the slot of the longest prefix of the path */
	size_t npre_k8s, npre_ct; /* and how many segments it covers */
	char *unknown; /* the path as written, when no record schema has it */
	int ipclass;   /* OP_IS: K8A_IP_PUBLIC, K8A_IP_PRIVATE, or K8A_IP_NONE for any address */
	int icase;     /* ASCII letters compare without case (=, in, ^=, $=, *=, globs): the
			* values are kept in lower case */
	struct k8a_cidr *nets; /* OP_CIDR: the values parsed */
};

struct skim_prog;

/* The deepest an expression's tree may be (parentheses and "not" count
 * as a level each): every walk over the tree recurses.  A chain of "and"
 * or "or" is built balanced, so a long list of alternatives costs only
 * its logarithm. */
#define K8A_EXPR_MAX_DEPTH 256

struct k8a_expr {
	enum node type;
	unsigned depth; /* of the tree below, this node included */
	k8a_expr *a, *b;
	struct pred *p;
	char **lits; /* prefilter literals, computed at compile time */
	struct skim_prog *prog; /* the skim's program, at the root (exprskim.c) */
};

/* Building an expression from another language (sigma*.c) instead of
 * text: a predicate on a JSON path (never an alias), on a computed field
 * (S_TYPE, S_RAW), or comparing a path with another ("@path"); nodes; and
 * the root made ready (literals, the skim's program).  NULL with err set
 * (K8A_FATAL: out of memory; K8A_FAILED: a bad path, regex or network). */
k8a_expr *k8a_expr_path_pred(const char *path, enum op op, int icase, const char *const *vals,
	size_t nvals, struct k8a_err *err);
k8a_expr *k8a_expr_synth_pred(enum synth s, enum op op, int icase, const char *const *vals,
	size_t nvals, struct k8a_err *err);
k8a_expr *k8a_expr_ref_pred(const char *path, enum op op, const char *other, struct k8a_err *err);
k8a_expr *k8a_expr_node(enum node t, k8a_expr *a, k8a_expr *b);
/* A balanced "and" or "or" of x[0..n) (n >= 1; the terms are taken). */
k8a_expr *k8a_expr_balanced(enum node t, k8a_expr **x, size_t n);
void k8a_expr_ready(k8a_expr *root);

/* Sigma's wildcard match of s[0..sl) against pattern v[0..vl) (lower
 * case when icase). (exprtest.c) */
int k8a_glob_match(const char *v, size_t vl, const char *s, size_t sl, int icase);

/* Three-valued answers: 0, 1, and this. */
#define MAYBE 2

/* A whole decimal number (strtod's syntax, nothing after it)? (exprtest.c) */
int k8a_parse_number(const char *s, double *d);

/* The prefilter literals of x and of every node below (exprlit.c), or of
 * x alone from its children's. */
void k8a_expr_lits_compute(k8a_expr *x);
void k8a_expr_lits_node(k8a_expr *x);
void k8a_lits_free(char **l);

/* The PCRE2 error of the last regex this thread could not decide (a test
 * answered MAYBE), and its pattern. */
int k8a_regex_failure(const char **pattern);

/* Does one scalar value (or number) satisfy a positive operator? (exprtest.c) */
int k8a_test_string(const struct pred *p, const char *s, size_t sl, int is_time);
int k8a_test_number(const struct pred *p, double d, int is_int, long long iv);

/* The skim's program for an expression (exprskim.c): built for a root,
 * freed with it. */
struct skim_prog *k8a_skim_prog_new(const k8a_expr *x);
void k8a_skim_prog_free(struct skim_prog *pg);

#endif
