/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Inside the output formats (output.c, out_*.c): what a finding says in
 * every format, told once.  Internal to k8saudit-findings; findings.h has
 * the interface main.c uses.
 */
#ifndef K8A_FINDINGS_OUTPUT_H
#define K8A_FINDINGS_OUTPUT_H

#include "findings.h"

/* JSON is written ASCII-only: attacker-chosen text cannot reach a
 * terminal as raw control or bidi characters. */
#define OUT_JFLAGS (JSON_COMPACT | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER)

/* Set o[k] to the string v, unless v is NULL or empty. */
void out_set_str(json_t *o, const char *k, const char *v);
/* A JSON string of at most max bytes, cut on a UTF-8 character boundary. */
json_t *out_str_max(const char *s, size_t max);
/* The GuardDuty type of the finding, or NULL. */
const char *out_guardduty(const struct finding *f);
/* The Sigma rule's author (the Detection Rule License asks for it with
 * every match), or NULL. */
const char *out_author(const struct rule *r);
/* The title, with the finding's note "(first seen in this input)"; the
 * caller frees it.  NULL when out of memory. */
char *out_title(const struct finding *f);
/* The evidence object, with the decoded command of an exec. */
json_t *out_evidence(const struct finding *f);
/* The finding as --json writes it (k8saudit-json(5) names). */
json_t *out_plain_json(const struct finding *f);
/* Write o as one JSON line, whole, and drop the reference: 0, or -1 when
 * memory ran out while it was built or written.  NULL (a finding a
 * format leaves out, said) writes nothing. */
int out_json_line(FILE *fp, json_t *o);

/* The columns of the default output, in order: the TSV and the CSV have
 * the same. */
enum out_col {
	OC_TIME, OC_SEVERITY, OC_RULE, OC_TITLE, OC_GUARDDUTY, OC_ACTOR, OC_SOURCE_IP, OC_WHAT, OC_LOCATION, OC_COUNT_
};
extern const char *const out_col_names[OC_COUNT_];
/* The cells of a finding (NULL: none); the location is the whole path.
 * Returns what the caller frees after the cells are written (the title). */
char *out_cells(const struct finding *f, const char *cell[OC_COUNT_]);

/* The account and region a finding is reported in: the record's when it
 * has them (an account of 12 digits), else --aws-account/--region, else
 * NULL.  region also falls back to $AWS_REGION. */
const char *out_account(const struct out *o, const struct finding *f);
const char *out_region(const struct out *o, const struct finding *f);

/* One writer per format. */
void out_csv_header(FILE *fp);
void out_csv(FILE *fp, const struct finding *f);
json_t *out_ocsf(struct out *o, const struct finding *f);
json_t *out_asff(struct out *o, const struct finding *f);
json_t *out_timesketch(struct out *o, const struct finding *f);

#endif
