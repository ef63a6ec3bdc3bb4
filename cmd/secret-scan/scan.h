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

/* ---- output (output.c) ---- */
struct out {
	FILE *fp;
	enum fmt fmt;
	int show, header, summary;
	const k8a_secret_set *set;
	int sarif_started, sarif_results;
	struct summary *sum;
	uint64_t seq;
};
void out_begin(struct out *o);
/* One occurrence. */
void out_hit(struct out *o, k8a_event *ev, const struct k8a_secret_hit *h);
/* The summary and closing brackets. */
void out_end(struct out *o);
void out_list_types(FILE *fp, const k8a_secret_set *set, int json);

#endif
