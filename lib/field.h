/* SPDX-License-Identifier: BSD-2-Clause */
/* Field names (aliases and JSON paths) resolved one way for expressions,
 * columns and evidence (field.c).  Not installed. */
#ifndef K8A_FIELD_H
#define K8A_FIELD_H

#include "private.h"

/* Fields computed from the record rather than read from one member. */
enum synth { S_NONE, S_TYPE, S_COMMAND, S_CONTAINER, S_ACTION,
	S_RAW, /* the record's text as framed (Sigma keywords) */
};

/* A step of a JSON path: a member, or an array index. */
struct seg {
	char *key;  /* NULL for an index step */
	long index; /* -1: any element */
};

/* One alias of k8saudit-expr(5): a normalised field, a path per source, or
 * a computed value. */
struct k8a_alias {
	const char *name;
	int field;                      /* enum k8a_field, or -1 */
	const char *k8s_path, *ct_path; /* used instead of `field` when set ("": absent) */
	enum synth synth;
};
const struct k8a_alias *k8a_alias_find(const char *name);
/* Every alias name, in the order of the table, into names[] (at most max);
 * their number. */
size_t k8a_alias_names(const char **names, size_t max);

/* "a.b[0].\"c.d/e\"[*]" into steps; NULL when malformed (*bad: where) or
 * out of memory. */
struct seg *k8a_path_parse(const char *s, size_t *nseg, size_t *bad);
void k8a_path_free(struct seg *p, size_t n);
/* Every value the path reaches from v (arrays met without an index fan
 * out, and so does an array at the end) goes to cb, until cb returns
 * nonzero; that value is returned. */
int k8a_path_each(const struct seg *sg, size_t n, json_t *v, int (*cb)(json_t *, void *), void *arg);

/* The text of a computed field, or NULL when the record has none: in buf
 * (bufsz bytes), a static string, or a string in *heap the caller frees. */
const char *k8a_synth_text(enum synth s, k8a_event *ev, char *buf, size_t bufsz, char **heap);

#endif
