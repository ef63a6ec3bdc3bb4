/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * k8saudit-report: one self-contained HTML page from what the other tools
 * compute.  The tools' JSON lines are the interface: with log paths the
 * report runs k8saudit-findings, rbac-diff and secret-scan over them
 * (run.c); with --results it reads JSON those tools wrote elsewhere
 * (load.c).  Either way the results become one compact JSON document
 * (model.c) that the page (page.c) embeds and its script draws.
 * Internal to the tool.
 */
#ifndef K8A_REPORT_H
#define K8A_REPORT_H

#include <stdio.h>
#include <stdint.h>

#include "fe.h"

/* At most this many findings go into one page (the page stays usable and
 * under about 10 MB for 20,000); past it the report says how many were
 * left out and the exit status is 2. */
#define REPORT_MAX_FINDINGS 100000
/* Strings longer than this (a user agent, an annotation) are cut in the
 * page, with a note saying how much was cut. */
#define REPORT_MAX_STRING 2048
/* Values listed per actor (addresses, user agents, keys) and per secret
 * (places seen). */
#define REPORT_MAX_LIST 32

/* ---- the tools run over the logs (run.c) ---- */
struct child {
	const char *tool;   /* "k8saudit-findings" */
	char **argv;        /* NULL-terminated */
	FILE *out;          /* its standard output, a temporary file */
	int pid, status;
};
/* Where the tools are: $K8SAUDIT_BINDIR, else the configured bindir. */
const char *report_bindir(void);
/* Start the tool with argv (argv[0] is its name), its output to a
 * temporary file.  0, or -1 after a diagnostic. */
int child_start(struct child *c);
/* Wait for it and rewind its output.  0 when it ended with status 0 or 1,
 * -1 (after a diagnostic) when it failed or ended with another status. */
int child_wait(struct child *c);
void child_free(struct child *c);

/* ---- the report's data (model.c) ---- */
struct model;
struct model *model_new(void);
void model_free(struct model *m);
/* Add one JSON line of a tool's output; what it is is told by its members
 * (a finding, an RBAC change, an exposure window, a secret occurrence, a
 * rule of --list-rules).  0, 1 when the line is none of them, -1 when
 * memory ran out (noted). */
int model_add(struct model *m, json_t *line);
/* Scope: an input, the options, what the record pass counted. */
void model_input(struct model *m, const char *path, int results);
void model_option(struct model *m, const char *name, const char *value);
void model_title(struct model *m, const char *title);
void model_trouble(struct model *m, const char *what);
struct scope_counts {
	uint64_t records, k8s, cloudtrail, other;
	int64_t first, last; /* INT64_MIN: none */
	json_t *accounts, *clusters, *regions; /* objects used as sets */
	size_t capped; /* values not kept past the caps */
};
void model_counts(struct model *m, const struct scope_counts *sc);
/* The document the page embeds (a new reference), or NULL when memory ran
 * out.  *dropped: findings left out over REPORT_MAX_FINDINGS. */
json_t *model_document(struct model *m, size_t *dropped);

/* ---- reading JSON lines (load.c) ---- */
/* Every line of fp (named path in diagnostics) into the model.  0, or the
 * number of bad lines (each reported, "path:line: ..."), or -1 when
 * memory ran out. */
int load_lines(struct model *m, FILE *fp, const char *path);

/* ---- the page (page.c) ---- */
/* Write the page holding doc to fp.  0, or -1 when memory ran out. */
int page_write(FILE *fp, json_t *doc);
/* Write doc as the page embeds it: JSON with <, >, &, U+2028 and U+2029
 * escaped, so no text in it can end the <script> element or be taken
 * for markup.  0, or -1 on a write error or out of memory. */
int page_put_json(FILE *fp, json_t *doc);

/* ---- ATT&CK technique names (mitre.c) ---- */
/* "T1098.006" -> "Account Manipulation: Additional Container Cluster
 * Roles", or NULL when unknown. */
const char *mitre_technique_name(const char *id);

#endif
