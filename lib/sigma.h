/* SPDX-License-Identifier: BSD-2-Clause */
/* Sigma rules into expressions: what the document reader (sigma.c), the
 * search identifiers (sigma_detect.c) and the condition (sigma_cond.c)
 * share.  Not installed. */
#ifndef K8A_SIGMA_H
#define K8A_SIGMA_H

#include <yaml.h>

#include "expr.h"

/* A translation under way: the document, and why it stopped. */
struct sg_ctx {
	yaml_document_t *doc;
	yaml_node_t *detection; /* the detection mapping */
	int unsupported;        /* the rule uses what we lack (else: invalid) */
	int nomem;
	unsigned line;          /* of the construct the message is about */
	char msg[512];
};

/* Say why the translation stops (the first reason stays). */
void sg_fail(struct sg_ctx *c, yaml_node_t *at, int unsupported, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* A scalar node's text, or NULL for another kind. */
const char *sg_scalar(yaml_node_t *n);
/* A plain (unquoted) scalar: null, ~ or nothing. */
int sg_is_null(yaml_node_t *n);

/* The expression of one search identifier's value (sigma_detect.c). */
k8a_expr *sg_search(struct sg_ctx *c, yaml_node_t *n);
/* The expression of the detection's condition (sigma_cond.c), ready. */
k8a_expr *sg_detection(struct sg_ctx *c);

/* The deepest a condition may nest (parentheses and "not"). */
#define SG_MAX_NEST 64

#endif
