/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * secret-scan: the secrets of libk8saudit's engine (k8a_secret_*), found in
 * audit logs and CloudTrail, printed without the secrets themselves.
 * Internal to the tool.
 */
#ifndef K8A_SECRET_SCAN_H
#define K8A_SECRET_SCAN_H

#include <stdint.h>
#include <stdio.h>

#include "fe.h"

enum fmt { FMT_TSV, FMT_JSON, FMT_SARIF };

/* ---- the fingerprint key (key.c) ---- */
/* The key in FILE (hex, or raw bytes), or the default key file (created
 * when missing).  0, or -1 after a diagnostic. */
int key_load(const char *file, unsigned char **key, size_t *len);

/* ---- the baseline and the allow list (lists.c) ---- */
struct baseline;
/* NULL after a diagnostic.  *errors counts problems that were reported. */
struct baseline *baseline_load(const char *path, int *errors);
/* 1 when fingerprint fp (64 hex) is in the baseline. */
int baseline_has(const struct baseline *b, const char *fp);
void baseline_free(struct baseline *b);
/* Add FILE's value/pointer/path patterns to the set; returns the number of
 * problems reported. */
int allow_load(k8a_secret_set *set, const char *path);

/* ---- output (output.c) ----
 * Lines are written whole (fe_row()).  Each function returns 0, or -1 when
 * memory ran out (noted: fe_nomem()); the output is then a prefix of what
 * it would have been, and the caller ends in "out of memory". */
struct out {
	enum fmt fmt;
	int show, header, summary;
	const k8a_secret_set *set;
	int sarif_started;
	char *sarif_held; /* the last result, written when the next comes */
	struct summary *sum;
	uint64_t seq;
};
int out_begin(struct out *o);
/* One occurrence (with --summary: counted, printed by out_end()). */
int out_hit(struct out *o, k8a_event *ev, const struct k8a_secret_hit *h);
/* The summary and closing brackets. */
int out_end(struct out *o);
/* What out_end() did not get to free. */
void out_free(struct out *o);
int out_list_types(const k8a_secret_set *set, int json);

#endif
