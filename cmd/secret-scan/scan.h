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
/* Add FILE's value/pointer/path patterns to the set, and each as
 * "kind pattern" to taken (unless NULL); returns the number of problems
 * reported. */
int allow_load(k8a_secret_set *set, const char *path, json_t *taken);

/* ---- the secrets earlier runs saw, for --state (known.c) ---- */
#define KNOWN_NEW 1	 /* never seen before */
#define KNOWN_THIS_RUN 2 /* seen earlier in this run */
#define KNOWN_EARLIER 3	 /* seen by an earlier run */
struct known_slot {
	uint64_t v; /* the fingerprint's first 64 bits; 0: empty */
	int mark;   /* KNOWN_THIS_RUN or KNOWN_EARLIER */
};
struct known {
	int on; /* --state given */
	struct known_slot *slot;
	size_t n, nslot;
	/* occurrences printed: a hash of the record's id, the pointer, type
	 * and fingerprint */
	struct fe_printed printed;
};
/* From the tool's section of the state (NULL: the first run), whose
 * fingerprints must have been made with this key.  0, or -1 after a
 * message naming the state file. */
int known_load(struct known *k, const json_t *sec, const unsigned char *key, size_t keylen, const char *state);
/* Whether the secret of fingerprint was seen (KNOWN_*; always KNOWN_NEW
 * without --state), remembering it; K8A_FATAL when out of memory. */
int known_see(struct known *k, const char *fingerprint);
/* 1 when an earlier run printed this occurrence (its object was read
 * again: re-synced or rewritten), else 0 and it is remembered; K8A_FATAL
 * when out of memory.  Always 0 without --state. */
int known_printed(struct known *k, k8a_event *ev, const struct k8a_secret_hit *h);
/* The section to save; NULL when out of memory (noted). */
json_t *known_persist(const struct known *k, const unsigned char *key, size_t keylen);
void known_free(struct known *k);

/* ---- output (output.c) ----
 * Lines are written whole (fe_row()).  Each function returns 0, or -1 when
 * memory ran out (noted: fe_nomem()); the output is then a prefix of what
 * it would have been, and the caller ends in "out of memory". */
struct out {
	enum fmt fmt;
	int show, header, summary;
	int stateful; /* --state: JSON says whether a secret is new */
	const k8a_secret_set *set;
	int sarif_started;
	char *sarif_held; /* the last result, written when the next comes */
	struct summary *sum;
	uint64_t seq;
};
int out_begin(struct out *o);
/* One occurrence (with --summary: counted, printed by out_end()); seen is
 * known_see()'s answer: with --state, --summary leaves out the secrets
 * earlier runs saw, and JSON says whether the secret is new. */
int out_hit(struct out *o, k8a_event *ev, const struct k8a_secret_hit *h, int seen);
/* The summary and closing brackets. */
int out_end(struct out *o);
/* What out_end() did not get to free. */
void out_free(struct out *o);
int out_list_types(const k8a_secret_set *set, int json);

#endif
