/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the k8saudit tools share: the option table that drives parsing
 * and --help, diagnostics in one format, safe output, and the record
 * summary columns.  Not installed.
 */
#ifndef K8A_FE_H
#define K8A_FE_H

#include <stdio.h>
#include <stdint.h>

#include "k8saudit.h"

/* Exit statuses shared by every tool (see each man page). */
#define FE_EXIT_OK 0
#define FE_EXIT_NONE 1
#define FE_EXIT_TROUBLE 2

extern const char *fe_progname;

/* One row of a tool's option table; the table ends with a zero row. */
struct fe_opt {
	const char *lng;     /* long name without "--", or NULL */
	int shrt;            /* short letter, or 0 */
	int has_arg;         /* 0 no, 1 required */
	const char *argname; /* for --help */
	const char *help;
};

void fe_init(const char *argv0);
/* Parse argv with the table; returns the option's index in the table and
 * sets *arg, or -1 at the end (then *optind_out is the first operand), or
 * -2 after printing a usage error. */
int fe_getopt(int argc, char **argv, const struct fe_opt *opts, const char **arg);
extern int fe_optind;
void fe_help(FILE *fp, const char *synopsis, const char *about, const struct fe_opt *opts);
void fe_usage_error(const char *synopsis, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void fe_version(void);

/* "prog: where: message", escaped.  where may be NULL. */
void fe_diag(const char *where, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Write s escaped (see k8a_escape); "-" for NULL or empty. */
void fe_put(FILE *fp, const char *s);
void fe_putn(FILE *fp, const char *s, size_t n);

/* Worker threads for reading files: $K8SAUDIT_THREADS, else the number of
 * online CPUs, at most 8. */
int fe_default_threads(void);

/* Parse "2024-05-01T10:00:00Z", "2024-05-01" or a duration before now
 * ("90s", "15m", "2h", "7d", "1w").  Returns 0, -1 when s is neither, or
 * -2 for a duration reaching back before the year 0000. */
int fe_parse_when(const char *s, int64_t *usec);
/* What is wrong with arg, by fe_parse_when()'s answer r (not 0), written
 * into buf. */
const char *fe_when_error(int r, const char *arg, char *buf, size_t n);

/* ---- record summaries (k8saudit-grep's columns) ---- */
enum fe_col {
	COL_TIME, COL_ACTOR, COL_IP, COL_ACTION, COL_TARGET, COL_CODE, COL_LOCATION,
	COL_COMMAND, COL_FIELD /* any alias or JSON path, see fe_cols_parse */
};
struct fe_cols {
	enum fe_col col[64];
	char *path[64];
	int n;
};
/* "time,actor,code,objectRef.name" -> columns.  0, or -1 with *bad set. */
/* 0, -1 with *bad saying what is wrong with list, or K8A_FATAL (out of
 * memory). */
int fe_cols_parse(struct fe_cols *c, const char *list, const char **bad);
void fe_cols_default(struct fe_cols *c, int with_command);
void fe_cols_free(struct fe_cols *c);
void fe_cols_header(FILE *fp, const struct fe_cols *c);
void fe_cols_print(FILE *fp, const struct fe_cols *c, k8a_event *ev, int show_path);

/* The parts of a summary, for tools that print their own rows. */
void fe_actor(k8a_event *ev, char *out, size_t outsz);
void fe_action(k8a_event *ev, char *out, size_t outsz);
void fe_target(k8a_event *ev, char *out, size_t outsz);
void fe_ips(k8a_event *ev, char *out, size_t outsz);

/* ---- what every tool's JSON says about a record (record.c, k8saudit-json(5)) ---- */
/* The actor: name, uid, type, groups, arn, canonical_arn, access_key, session,
 * principal, account, impersonated, impersonated_groups (absent ones left out). */
json_t *fe_actor_json(k8a_event *ev);
/* A time as RFC 3339 UTC with microseconds ("...T10:15:41.207331Z", fixed
 * width, so text order is time order); null when unknown (INT64_MIN). */
json_t *fe_time_json(int64_t usec);
/* {"path", "member", "line", "index"}: where the record is in the input. */
json_t *fe_source_json(k8a_event *ev);
/* Set "time", "event_id", "actor", "source_ip", "source_ips" (behind
 * proxies), "user_agent" and "source" of the record on object o. */
void fe_record_json(json_t *o, k8a_event *ev);

/* Write a record as one JSON line (the original text when it is one line). */
void fe_put_json_line(FILE *fp, k8a_event *ev);

/* A progress line on a terminal's stderr, at most twice a second, only
 * after the first second.  fe_progress_end() clears it. */
void fe_progress(k8a_reader *r, uint64_t records);
/* For k8a_reader_set_progress(r, fe_progress_cb, r). */
void fe_progress_cb(void *reader);
void fe_progress_end(void);

#endif
