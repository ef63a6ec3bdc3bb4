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
/* 1 once writing to stdout has failed (ENOSPC, EPIPE, ...): a tool stops
 * reading then.  Call right after writing, so the error's errno is kept. */
int fe_out_failed(void);
/* Flush stdout; after any write error report "<stdout>: write error:
 * <reason>" (once) and return -1, which makes the exit status 2. */
int fe_finish_stdout(void);

/* ---- memory running out (nomem.c) ----
 * A sticky flag per thread, set when an allocation failed: any of
 * jansson's (watched from fe_init() on) or the tool's own, noted with
 * fe_nomem_note().  Whatever was being built is then incomplete: a tool
 * tests fe_nomem() where a result is kept or written, and ends in "out of
 * memory" and exit 2. */
void fe_nomem_note(void);
int fe_nomem(void);
/* Note it and say "where: out of memory" (where may be NULL), once a run. */
void fe_nomem_diag(const char *where);
/* strdup() that notes a failure; NULL for NULL. */
char *fe_strdup(const char *s);
/* Watch jansson's allocations (fe_init() does). */
void fe_nomem_watch(void);
/* json_dumps() that is NULL (noted) when memory runs out before or while
 * it writes: jansson 2.14 can return a text with a member left out when
 * one of its allocations fails inside the dump. */
char *fe_json_dumps(const json_t *o, size_t flags);

/* Output written whole: write a line (or a few that belong together) to
 * fe_row(), then fe_row_end() writes it to stdout in one piece, unless
 * memory ran out since the last fe_row_end(): then nothing, and -1.
 * fe_row() is NULL when memory ran out (noted); fe_finish_stdout()
 * frees the stream. */
FILE *fe_row(void);
int fe_row_end(void);
void fe_rows_free(void);

/* "prog: where: message", escaped.  where may be NULL. */
void fe_diag(const char *where, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Warn about a field of x that no record can have (k8a_expr_unknown_field),
 * located at where; -1 when strict makes that an error (also reported). */
int fe_expr_check(const k8a_expr *x, const char *where, int strict);

/* Write s escaped (see k8a_escape); "-" for NULL or empty. */
void fe_put(FILE *fp, const char *s);
void fe_putn(FILE *fp, const char *s, size_t n);

/* -j N: a thread count from 1 to 64.  0, or -1 when arg is not one. */
int fe_parse_threads(const char *arg, int *n);
#define FE_OPT_THREADS_HELP "read up to N files at once (default: the number of CPUs; output is the same)"

/* ---- what every tool that reads logs takes the same way (scope.c) ----
 * A tool puts these rows in its option table and hands the options to
 * fe_scope_opt() by their long name. */
#define FE_OPT_WHERE { "where", 'w', 1, "EXPR", "only records where EXPR holds (k8saudit-expr(5); repeatable: any)" }
#define FE_OPT_SINCE { "since", 0, 1, "TIME", "only records at or after TIME (RFC 3339, or 30m, 2h, 7d ago)" }
#define FE_OPT_UNTIL { "until", 0, 1, "TIME", "only records before TIME" }
#define FE_OPT_STRICT { "strict", 0, 0, NULL, "make warnings about expressions and rules (unknown fields) errors" }
#define FE_OPT_KEEP_STAGES { "keep-stages", 0, 0, NULL, "report every stage of a request, not just the first that matches" }
#define FE_OPT_THREADS { "threads", 'j', 1, "N", FE_OPT_THREADS_HELP }
#define FE_OPT_SILENT { "no-messages", 's', 0, NULL, "suppress messages about unreadable inputs and records" }
#define FE_OPT_SHARD { "shard", 0, 1, "K/N", "read only shard K (0 to N-1) of N of the input objects (for scale-out)" }
#define FE_OPT_HELP { "help", 0, 0, NULL, "print this help and exit" }
#define FE_OPT_VERSION { "version", 'V', 0, NULL, "print versions and exit" }
struct fe_scope {
	k8a_expr *where; /* -w: any of them; NULL: every record */
	int nwhere;
	int64_t since, until;
	int has_since, has_until;
	int strict, silent, keep_stages;
	int threads; /* 0: fe_default_threads() */
	uint64_t shard, nshards; /* --shard K/N; nshards 0: every object */
	uint64_t limit[4];       /* --limit, by FE_LIMIT_*; 0: the default */
};
/* Take one of those options (by its long name).  0, -1 after a usage
 * error, K8A_FATAL when out of memory. */
int fe_scope_opt(struct fe_scope *sc, const char *lng, const char *arg, const char *synopsis);
/* After the options: a field no record has (a warning, an error with
 * --strict), an empty time window.  0, or -1 after a message. */
int fe_scope_check(struct fe_scope *sc, const char *synopsis);
/* 1 when the record's time is inside --since/--until (a record without a
 * time is outside any window). */
int fe_scope_in_window(const struct fe_scope *sc, k8a_event *ev);
void fe_scope_free(struct fe_scope *sc);
/* Set what the options say about which objects to read on a reader made
 * and not yet read (--shard); on one already reading, a tool's mistake,
 * it aborts rather than read another shard's objects. */
void fe_scope_reader(const struct fe_scope *sc, k8a_reader *r);
/* --limit NAME=VALUE (limit.c): the caps of k8saudit-input(5) Limits. */
#define FE_OPT_LIMIT { "limit", 0, 1, "NAME=VALUE", "raise a cap: record=SIZE, archive-depth=N, zstd-window=SIZE, state=SIZE (k8saudit-input(5))" }
enum { FE_LIMIT_RECORD, FE_LIMIT_ARCHIVE_DEPTH, FE_LIMIT_ZSTD_WINDOW, FE_LIMIT_STATE, FE_NLIMITS };
/* 0, -1 after a usage error, K8A_FATAL when out of memory. */
int fe_limit_opt(struct fe_scope *sc, const char *arg, const char *synopsis);
/* The reader's caps set (fe_scope_reader() does it). */
void fe_limit_reader(const struct fe_scope *sc, k8a_reader *r);
/* A state file (k8a_state_new()) with the --limit state=SIZE cap when
 * limit is not 0: every state and partial a tool reads or writes.  NULL
 * when out of memory. */
k8a_state *fe_state_new(const char *path, const char *tool, uint64_t limit);
/* The largest N of --shard K/N. */
#define FE_SHARDS_MAX 1000000

/* --state FILE, --state-reset, -o FILE (state.c, k8saudit-state(5)).  The
 * tool's section of the state is one JSON object, named as the tool. */
#define FE_OPT_STATE { "state", 0, 1, "FILE", "read only objects not read before, and go on from the last run (k8saudit-state(5))" }
#define FE_OPT_STATE_RESET { "state-reset", 0, 0, NULL, "start --state afresh: forget what it holds" }
struct fe_state {
	k8a_state *st;	  /* NULL: no --state */
	int outfd;	  /* --output, or -1 */
	json_t *sec;	  /* the tool's section as the last run left it, or NULL */
	const char *path; /* --state */
	const char *tool;
};
/* Lock and load the state (unless reset: then it is started afresh; limit,
 * when not 0, is its --limit state=SIZE), read
 * the tool's section into s->sec, and open the output: standard output is
 * moved onto it, which is taken back to its committed length.  0, or -1
 * after a message (a locked, corrupt or foreign state, an output that
 * cannot be opened). */
int fe_state_open(struct fe_state *s, const char *tool, const char *state, int reset, const char *output,
	uint64_t limit);
/* Have the reader skip the objects earlier runs read. */
void fe_state_attach(struct fe_state *s, k8a_reader *r);
/* After the output was written: flush and sync it, then save the state
 * with sec as the tool's section.  what names the output in a message
 * ("findings").  0, or -1 after a message: nothing is committed. */
int fe_state_commit(struct fe_state *s, json_t *sec, const char *what);
void fe_state_free(struct fe_state *s);
/* What earlier runs printed (printed.c): ids a tool makes of what it
 * prints, with their records' times, so that an object read again prints
 * nothing twice; forgotten seven days after the newest record. */
struct fe_printed_id {
	uint64_t id;
	int64_t time;
};
struct fe_printed {
	struct fe_printed_id *old; /* earlier runs', sorted by id */
	size_t nold;
	struct fe_printed_id *add; /* this run's */
	size_t nadd, capadd;
	int64_t maxtime;           /* the newest record time seen */
};
/* From a state section's object (NULL: none yet), with the newest time it
 * saw; 0, or -1 after a message naming state and what it is. */
int fe_printed_load(struct fe_printed *p, json_t *obj, int64_t maxtime, const char *state, const char *what);
/* 1 when an earlier run printed id, else 0 and it is remembered;
 * K8A_FATAL when out of memory. */
int fe_printed_see(struct fe_printed *p, uint64_t id, int64_t t);
/* The object to save (what is past the horizon left out); NULL when out
 * of memory (noted). */
json_t *fe_printed_persist(const struct fe_printed *p);
void fe_printed_free(struct fe_printed *p);

/* ---- scale-out (partial.c, k8saudit-state(5) Partial results) ---- */
#define FE_OPT_PARTIAL { "partial", 0, 1, "FILE", "write a partial result to FILE instead of the output, for --merge (scale-out)" }
#define FE_OPT_MERGE { "merge", 0, 0, NULL, "the operands are partial results (--partial): print what one run over their inputs prints" }
/* The index of the argument path was found under: the first that is it
 * or a directory above it ("-" for "<stdin>"); 0 when none is. */
int fe_arg_of(const char *path, int nargs, char **args);
/* Paths in the order the walk reads them: each directory's names sorted
 * bytewise, a directory's entries where its name sorts. */
int fe_walk_cmp(const char *a, const char *b);
/* Names (paths, members) in kept JSON (bytes.c): a name as JSON, a string
 * when it is UTF-8, else {"hex": "..."}; NULL when out of memory (noted).
 * fe_bytes_at() turns the value at index (or key, when not NULL) of a
 * container read back into a string of its bytes, in place: 0; -1 when it
 * is neither form (or missing); -2 out of memory. */
json_t *fe_bytes_json(const char *s);
int fe_bytes_at(json_t *container, size_t index, const char *key);
/* Sort an array of strings bytewise (other values as ""); 0, or -1 when
 * memory ran out (noted). */
int fe_json_sort_strings(json_t *a);
/* A record's place: the argument and path of its object, and the number
 * of records read before it in that object. */
struct fe_place {
	int arg;
	const char *path;
	uint64_t offset;
};
/* A shard's partial of kept records, for the tools whose merge reads the
 * records again (rbac-diff, secret-scan).  Every record read goes to
 * fe_partial_read(), in order; fe_partial_keep() keeps one whole, at the
 * place of the last read (at NULL) or at its place in the partials a
 * merge reads (at from fe_merge_next()).  Each returns 0, or -1 when
 * memory ran out (noted). */
struct fe_partial;
struct fe_partial *fe_partial_new(int nargs, char **args);
int fe_partial_read(struct fe_partial *p, k8a_event *ev);
int fe_partial_keep(struct fe_partial *p, k8a_event *ev, const struct fe_place *at);
/* fe_partial_keep() of a record that may be forgotten: left out of what
 * fe_partial_json() makes when until is before its now (a key minted
 * long ago, kept by a --state). */
int fe_partial_keep_until(struct fe_partial *p, k8a_event *ev, const struct fe_place *at, int64_t until);
/* The partial as its JSON and its texts (*texts: malloc'd), leaving out
 * the records kept until before now (INT64_MIN: none).  NULL when out of
 * memory (noted). */
json_t *fe_partial_json(struct fe_partial *p, json_t *meta, uint64_t records, int trouble, int64_t now, char **texts,
	size_t *ntexts);
/* Write the partial as a state file of the tool; meta is what the merge
 * checks (a JSON object); limit is --limit state=SIZE (0: the default cap),
 * as for fe_merge_open().  0, or -1 after a message. */
int fe_partial_write(struct fe_partial *p, const char *path, const char *tool, json_t *meta, uint64_t records,
	int trouble, uint64_t limit);
void fe_partial_free(struct fe_partial *p);
/* The merge: the n partials of paths (each checked by check(), which
 * returns 0 or says what is wrong and returns -2), their records in the
 * order one run reads them.  0; -1 out of memory, -2 a partial is bad or
 * two read one object (said). */
struct fe_merge;
int fe_merge_open(struct fe_merge **m, const char *tool, int n, char **paths,
	int (*check)(void *arg, const char *path, const json_t *meta), void *arg, uint64_t limit);
/* A merge of one partial held in memory (fe_partial_json()'s, as a
 * --state keeps it; top and texts borrowed), where names it in
 * messages.  As fe_merge_open(). */
int fe_merge_open_mem(struct fe_merge **m, const char *where, json_t *top, const char *texts, size_t ntexts);
/* The next record and its place (at may be NULL): K8A_OK or K8A_EOF. */
int fe_merge_next(struct fe_merge *m, k8a_event **ev, struct fe_place *at);
/* The shards' records read, summed; 1 when a shard (or a record here)
 * had trouble. */
uint64_t fe_merge_records(const struct fe_merge *m);
int fe_merge_trouble(const struct fe_merge *m);
size_t fe_merge_count(const struct fe_merge *m);
const json_t *fe_merge_meta(const struct fe_merge *m, size_t i);
void fe_merge_free(struct fe_merge *m);

/* --sigma PATH (sigma.c): Sigma rules of a file or a directory's *.yml
 * and *.yaml.  Each rule loaded goes to take() (which owns it), with its
 * file; problems are said and counted (errors: exit 2). */
struct fe_sigma {
	size_t files, loaded, other, unsupported, errors;
	int strict; /* an unsupported construct is an error */
	int quiet;  /* unsupported constructs only counted */
};
typedef void fe_sigma_take(void *arg, k8a_sigma_rule *r, const char *file);
void fe_sigma_load(struct fe_sigma *st, const char *path, fe_sigma_take *take, void *arg);
/* The counts of rules left out, said once at the end of loading. */
void fe_sigma_summary(const struct fe_sigma *st);
/* The records any detection rule of the paths matches (each on its own
 * logsource's records): an expression, or NULL when none was loaded or
 * memory ran out (fe_nomem()). */
k8a_expr *fe_sigma_expr(struct fe_sigma *st, const char *const *paths, size_t n);

/* A run over a reader: records read, and whether anything went wrong. */
struct fe_run {
	uint64_t records;
	int trouble; /* a warning or an error was reported: exit 2 */
	int fatal;   /* reading stopped (out of memory) */
};
/* The next record, reporting what is not one: a bad record or input
 * (unless -s) and reading goes on; a fatal error ends the run.  NULL at
 * the end or after a fatal error (run->fatal). */
k8a_event *fe_next_record(k8a_reader *r, const struct fe_scope *sc, struct fe_run *run);

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

/* ---- small text files, read with bounds (lines.c) ---- */
#define FE_LINES_MAX_LINE 65536u
#define FE_LINES_MAX_FILE ((size_t)64 << 20)
struct fe_lines {
	FILE *fp;
	const char *path;
	char *buf;
	size_t cap, bytes;
	unsigned lineno; /* of the line last returned */
};
/* 0, or -1 after a diagnostic naming the path. */
int fe_lines_open(struct fe_lines *l, const char *path);
/* 1 with *line (NUL-terminated, with its newline; valid until the next
 * call), 0 at the end, -1 after a diagnostic (read error, a line or a file
 * over the bounds, out of memory): stop reading. */
int fe_lines_next(struct fe_lines *l, char **line);
void fe_lines_close(struct fe_lines *l);

/* Where the installed rules are: $K8SAUDIT_RULES_DIR, else the data
 * directory chosen at configure time ($(pkgdatadir)/rules). */
const char *fe_rules_dir(void);

/* ---- record summaries (k8saudit-grep's columns) ---- */
enum fe_col {
	COL_TIME, COL_ACTOR, COL_TARGET, COL_LOCATION, COL_COMMAND,
	COL_FIELD /* any other alias or JSON path: the ip, action and code columns too */
};
struct fe_cols {
	enum fe_col col[64];
	char *name[64];          /* as given */
	k8a_fieldref *field[64]; /* COL_FIELD: how it is read */
	int n;
	char err[300];
};
/* "time,actor,code,objectRef.name" -> columns.  0, -1 with *bad set, or
 * K8A_FATAL when out of memory. */
/* 0, -1 with *bad saying what is wrong with list, or K8A_FATAL (out of
 * memory). */
int fe_cols_parse(struct fe_cols *c, const char *list, const char **bad);
/* time, actor, ip, action, target, code, location (, command).  0 or -1. */
int fe_cols_default(struct fe_cols *c, int with_command);
void fe_cols_free(struct fe_cols *c);
void fe_cols_header(FILE *fp, const struct fe_cols *c);
void fe_cols_print(FILE *fp, const struct fe_cols *c, k8a_event *ev, int show_path);
/* The columns as one JSON object named as the columns: times, the actor
 * and the location in the common model (k8saudit-json(5)), fields as
 * their JSON values (null when absent). */
json_t *fe_cols_json(const struct fe_cols *c, k8a_event *ev);

/* Append s to out[0..outsz) at *off, cut to fit, NUL-terminated. */
void fe_append(char *out, size_t outsz, size_t *off, const char *s);

/* The parts of a summary, for tools that print their own rows. */
void fe_actor(k8a_event *ev, char *out, size_t outsz);
void fe_action(k8a_event *ev, char *out, size_t outsz);
void fe_target(k8a_event *ev, char *out, size_t outsz);
void fe_ips(k8a_event *ev, char *out, size_t outsz);

/* ---- what every tool's JSON says about a record (record.c, k8saudit-json(5)) ---- */
/* Its parts, so that a result kept for later can hold them as strings and
 * build the JSON only if it is printed.  Borrowed: the strings and arrays
 * belong to the event (or to whoever filled the struct). */
struct fe_record {
	int k8s;
	int64_t time;
	const char *event_id, *name, *uid, *type, *arn, *canonical_arn, *access_key, *session;
	const char *principal, *account, *impersonated, *source_ip, *user_agent, *path, *member;
	json_t *groups, *impersonated_groups; /* arrays of strings, or NULL */
	json_t *source_ips;                   /* every address, when more than one */
	uint64_t line;
	int64_t index;
};
void fe_record_parts(struct fe_record *r, k8a_event *ev);
/* The actor of fe_actor_json(), and the members of fe_record_json(), from parts. */
json_t *fe_record_actor(const struct fe_record *r);
void fe_record_put(json_t *o, const struct fe_record *r);
/* The actor: name, uid, type, groups, arn, canonical_arn, access_key, session,
 * principal, account, impersonated, impersonated_groups (absent ones left out). */
json_t *fe_actor_json(k8a_event *ev);
/* A time as text: RFC 3339 UTC with microseconds, fixed width, "-" when
 * unknown (INT64_MIN); every tool's columns print times so. */
void fe_put_time(FILE *fp, int64_t usec);
/* A time as RFC 3339 UTC with microseconds ("...T10:15:41.207331Z", fixed
 * width, so text order is time order); null when unknown (INT64_MIN). */
json_t *fe_time_json(int64_t usec);
/* {"path", "member", "line", "index"}: where the record is in the input. */
json_t *fe_source_json(k8a_event *ev);
/* Set "time", "event_id", "actor", "source_ip", "source_ips" (behind
 * proxies), "user_agent" and "source" of the record on object o. */
void fe_record_json(json_t *o, k8a_event *ev);

/* Write a record as one JSON line (the original text when it is one line). */
/* 0, or -1 after a located diagnostic when it is not valid JSON. */
int fe_put_json_line(FILE *fp, k8a_event *ev);

/* A progress line on a terminal's stderr, at most twice a second, only
 * after the first second.  fe_progress_end() clears it. */
void fe_progress(k8a_reader *r, uint64_t records);
/* For k8a_reader_set_progress(r, fe_progress_cb, r). */
void fe_progress_cb(void *reader);
void fe_progress_end(void);

#endif
