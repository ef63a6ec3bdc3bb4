/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * k8saudit-findings: rules as data (see k8saudit-rules(5)), a single-pass
 * engine over k8a_reader, a few correlations written in C, and the output
 * formats.  Internal to the tool.
 */
#ifndef K8A_FINDINGS_H
#define K8A_FINDINGS_H

#include <stdint.h>
#include <stdio.h>

#include "fe.h"

enum sev { SEV_INFO, SEV_LOW, SEV_MEDIUM, SEV_HIGH, SEV_CRITICAL, SEV_COUNT_ };

extern const char *const sev_names[SEV_COUNT_];
/* "high" -> SEV_HIGH, or -1. */
int sev_parse(const char *s);

/* ---- rules (rules.c) ---- */
struct strv {
	char **v;
	size_t n;
};
/* 0, or -1 when memory ran out (noted: fe_nomem()). */
int strv_push(struct strv *s, const char *v);
void strv_free(struct strv *s);

struct corr; /* a correlation's state (corr.c) */
struct cdef; /* a correlation's definition (corr.c) */
struct sigma_extra; /* what a Sigma rule adds (sigma.c) */

struct rule {
	char *id, *title, *guardduty, *when_text;
	enum sev sev;
	enum k8a_source source;
	struct strv mitre, evidence, literals, anchors, catalog;
	k8a_fieldref **evf;  /* how each evidence field is read */
	int has_literals;    /* `literals` given: use them instead of the expression's */
	int correlation;     /* kind correlation */
	k8a_expr *when;
	/* Second-signal grading (grade.c): without a second signal, the
	 * records `routine` matches (every record when there is no
	 * `routine`) are reported at `alone`; -1: the rule is not graded so */
	int alone;
	char *routine_text;
	k8a_expr *routine;
	char *file;
	unsigned line;
	int enabled;
	struct corr *corr;
	struct sigma_extra *sigma; /* a Sigma rule: author, references, its correlation */
};

struct ruleset {
	struct rule **r;
	size_t n;
	int errors; /* diagnostics printed while loading */
	size_t files; /* rule files read */
	int strict;   /* warnings about rules are errors */
};

/* Load one file, or every *.rules file below a directory (byte order).
 * Problems are reported as "file:line: message" and counted; the bad rule
 * is skipped.  When memory runs out ("file:line: out of memory", noted:
 * fe_nomem()) loading stops: the rules are not to be used. */
void rules_load_path(struct ruleset *rs, const char *path);
/* Append a rule made elsewhere (sigma.c); freed with the set.  The rule
 * is freed when memory runs out (noted). */
void rules_add(struct ruleset *rs, struct rule *r);
void rules_free(struct ruleset *rs);
/* The literals a record must contain for this rule (NULL: any record). */
const char *const *rule_literals(const struct rule *r);

/* ---- Sigma rules (sigma.c, corr_sigma.c) ---- */
struct sigma_extra {
	char *author;
	struct strv references, falsepositives;
	struct cdef *def;  /* a correlation: its definition, made from the rule */
	k8a_expr **steps;  /* and the expressions of the rules it names */
	size_t nsteps;
	char *kpaths, *dpaths;
};
/* Load the Sigma rules of each path (--sigma) into rs, correlations
 * resolved against the Sigma rules they name.  Problems are said and
 * counted in rs->errors (unsupported constructs only with rs->strict). */
void sigma_load_rules(struct ruleset *rs, const struct strv *paths);
void sigma_extra_free(struct sigma_extra *x);
/* The definition a Sigma correlation runs by, or NULL. */
const struct cdef *sigma_def(const struct rule *r);

/* ---- which rules a record may match, told by the reader's judge on the
 * thread that reads it (judge.c) ---- */
struct judge {
	const struct ruleset *rs;
	size_t *rule_of; /* the rule of each number a verdict holds */
	size_t n;        /* enabled rules */
	int all;         /* --no-prefilter: every rule for every record */
	size_t creds;    /* the number of creds-in-bodies, n when not enabled */
};
/* The enabled rules of rs, numbered.  -1 when out of memory. */
int judge_init(struct judge *j, const struct ruleset *rs, int all);
/* Make j the reader's judge (k8a_reader_set_judge). */
int judge_attach(struct judge *j, k8a_reader *r);
/* The rules the record the reader returned last may match: *n numbers
 * (rule_of[] of them), or NULL for the first *n (every rule). */
const size_t *judge_rules(const struct judge *j, const k8a_reader *r, size_t *n);
void judge_free(struct judge *j);

/* ---- a record, reduced to what a finding needs (snap.c) ---- */
struct snap {
	int64_t time;       /* usec, INT64_MIN when unknown */
	uint64_t seq;       /* input order, for stable sorting */
	enum k8a_source source;
	char *time_s, *id, *user, *uid, *arn, *canonical_arn, *access_key, *session, *principal;
	char *account, *impersonated, *ip, *ips, *peer, *ua, *verb, *resource, *subresource;
	char *ns, *name, *code, *region, *uri, *command, *what, *where, *path, *member;
	char *actor_text; /* "user (key K, as X)", as every tool writes an actor */
	char *ident_type; /* CloudTrail's userIdentity.type */
	json_t *groups; /* array of strings or NULL */
	json_t *imp_groups; /* impersonatedUser.groups, or NULL */
	json_t *source_ips; /* every address behind proxies, when more than one */
	json_t *routine; /* ids of the rules whose `routine` matched, or NULL */
	int baseline;    /* read from --baseline: teaches, raises nothing */
	json_t *record;  /* snap_record()'s, built when first asked */
	uint64_t line;
	int64_t index;
	int refs;
};
struct snap *snap_new(k8a_event *ev, uint64_t seq);
struct snap *snap_ref(struct snap *s);
/* What every tool's JSON says about the record (time, event_id, actor,
 * source_ip(s), user_agent, source): built on first use, since most
 * snapshots are candidates of correlations that never print them.  NULL
 * when out of memory (noted). */
json_t *snap_record(struct snap *s);
/* Note on the snapshot whether the rule's `routine` matches the record:
 * 0, 1 when it could not be decided (said: the record counts as not
 * routine), K8A_FATAL. */
int snap_routine(struct snap *s, const struct rule *r, k8a_event *ev);
void snap_unref(struct snap *s);
/* As JSON and back, for the state (snap_json.c); NULL: not a snapshot, or
 * out of memory (noted). */
json_t *snap_to_json(const struct snap *s);
struct snap *snap_from_json(const json_t *o);

/* ---- findings ---- */
struct finding {
	const struct rule *rule;
	struct snap *ev;
	enum sev sev;
	char *guardduty; /* NULL: the rule's */
	char *note;      /* appended to the title (e.g. "first seen in this input") */
	json_t *evidence; /* object */
	uint64_t seq;
	uint64_t id;      /* stable: finding_id() of the finding as its rule made it */
};

struct findings {
	struct finding *f;
	size_t n, cap;
};

/* Takes the evidence reference and a reference to the snapshot.  When
 * memory runs out (noted: fe_nomem()) the list is incomplete. */
void findings_add(struct findings *fs, const struct rule *r, struct snap *ev, enum sev sev,
	const char *gd, const char *note, json_t *evidence);
void findings_sort(struct findings *fs);
/* What a finding holds, released (findings_free does it for each). */
void finding_clear(struct finding *f);
/* The finding's stable id: a hash of its rule, its record's event id (or
 * place) and its evidence (findid.c); 0 when memory ran out (noted).
 * findings_add() sets f->id with it, before grading adds its reasons: the
 * id does not change with what later input teaches (--state). */
uint64_t finding_id(const struct finding *f);
/* f->id as every format writes it: 16 hex digits (JSON "id", OCSF
 * finding_info.uid, ASFF Id). */
void finding_id_hex(const struct finding *f, char out[17]);
void findings_free(struct findings *fs);

/* The evidence object of a single-event rule: each listed field's value. */
json_t *evidence_collect(const struct rule *r, k8a_event *ev);
/* A field of the event as JSON (aliases included), or NULL. */
json_t *field_value(k8a_event *ev, const char *field);

/* ---- IP lists (iplist.c) ---- */
struct iplist;
struct iplist *iplist_load(const char *path, int *errors);
/* A list built entry by entry: iplist_add() takes "ADDR" or "ADDR/BITS"
 * (text: what a match reports; NULL: cidr itself), 0, -1 when it is not
 * one, -2 out of memory; iplist_sort() before iplist_match(). */
struct iplist *iplist_new(void);
int iplist_add(struct iplist *l, const char *cidr, const char *text);
void iplist_sort(struct iplist *l);
void iplist_free(struct iplist *l);
/* 1 when the textual address is in the list; the matching entry in *hit. */
int iplist_match(const struct iplist *l, const char *addr, const char **hit);
size_t iplist_count(const struct iplist *l);

/* ---- what the input teaches (context.c) ---- */
/* The history "first seen" needs before it means anything: an hour. */
#define CONTEXT_HISTORY (60 * 60 * INT64_C(1000000))
struct context {
	struct iplist *cluster;     /* the cluster's own addresses, learned */
	json_t *ranges;             /* their text -> true */
	json_t *first;              /* principal -> first time seen (usec) */
	int64_t start[3];           /* the earliest record of each source, INT64_MAX: none */
	const struct iplist *aws;   /* --aws-ip-ranges, or NULL */
	int ranges_capped, first_capped;
};
int context_init(struct context *c);
void context_free(struct context *c);
/* Learn from a record (0, or -1 when out of memory). */
int context_learn(struct context *c, k8a_event *ev);
/* What was learned, for the next run (--state), and back into a context
 * just made, before the input: 0, -1 when out of memory, -2 when j is not
 * such an object. */
json_t *context_persist(const struct context *c);
int context_restore(struct context *c, const json_t *j);
/* After the input: say what was capped; ready to be asked. */
void context_done(struct context *c);
int context_in_cluster(const struct context *c, const char *addr);
/* When the principal was first seen, INT64_MIN when not known. */
int64_t context_first_seen(const struct context *c, const char *user);
/* 1 when the input holds CONTEXT_HISTORY of the source's records before
 * time t. */
int context_history(const struct context *c, enum k8a_source src, int64_t t);
/* The earliest record of a source, INT64_MAX when none. */
int64_t context_start(const struct context *c, enum k8a_source src);
/* The learned addresses, a few of them, for evidence. */
void context_ranges(const struct context *c, char *out, size_t outsz);

/* ---- second-signal grading (grade.c) ---- */
/* Lower the findings of rules with `alone` that no second signal backs. */
void grade_findings(struct findings *fs, const struct context *c);

/* ---- AWS's ip-ranges.json (awsranges.c) ---- */
struct iplist *aws_ranges_load(const char *path, int *errors);

/* ---- correlations (corr.c) ---- */
struct corr_ctx {
	struct findings *out;
	const struct iplist *iplist, *tor;
	const char *iplist_name, *tor_name;
	const struct context *ctx; /* the input's start, for first seen */
	int trouble; /* a record a step could not judge was reported */
	json_t *carry; /* --state: rule id -> what its correlation carries */
	int partial;   /* --partial: keep every candidate for the merge's end */
	/* memory running out is noted (fe_nomem()): no result is trusted */
};
/* 1 when the correlation learns what is usual (first seen): fed from
 * --baseline inputs too. */
int corr_teaches(const struct rule *r);
/* 1 when the correlation uses the rule's `alone` itself (K8S-EKS-001: an
 * update that changes nothing), so no second-signal grading applies. */
int corr_grades_itself(const struct rule *r);
/* 1 when a C implementation exists for this rule id. */
int corr_known(const char *id);
/* 1 when the correlation can run with the options given (e.g. --ip-list). */
int corr_usable(const struct rule *r, const struct corr_ctx *cx);
/* The highest severity the rule can report: its own, or what its C
 * implementation may raise it to. */
enum sev corr_max_sev(const struct rule *r);
/* -1 when the rule has no raw check; else 1 when the raw record may
 * match (replaces the literal check for rules no literal can select). */
int corr_raw_check(const struct rule *r, const char *raw, size_t n);
/* A candidate record (its `when` matched).  Called in input order. */
void corr_feed(struct rule *r, struct corr_ctx *cx, k8a_event *ev, struct snap *s);
/* After all input: sort what was kept, run the state machines, emit. */
void corr_finish(struct rule *r, struct corr_ctx *cx);
/* Before the run, from what the last one carried: 0, or -1 when j is not
 * the state of this rule's correlation. */
int corr_resume(struct rule *r, const json_t *j);
/* 1 when the correlation carries every candidate from run to run (no
 * window bounds them), and so reports them again at every end. */
int corr_carries_all(const struct rule *r);

/* A candidate of a shard's partial, kept as the run that read it kept it
 * (--merge, partial.c): 0, or -1 when the rule keeps no candidates. */
int corr_merge_keep(struct rule *r, struct snap *s, const char *k1, const char *k2, int flag, json_t *ev);

/* ---- scale-out: --partial and --merge (partial.c, k8saudit-state(5)) ---- */
struct scaleout {
	json_t *objects;  /* [pass, argument index, path] in the order read */
	json_t *firsts;   /* the order number of each one's first record */
	json_t *rseq;     /* a learned range -> [object, offset] of its record */
	size_t nranges;   /* ranges learned so far */
	char *lastpath;
	int lastpass;
	long long cur[2]; /* the object being read in each pass */
	uint64_t first[2];
};
int scaleout_init(struct scaleout *so);
void scaleout_free(struct scaleout *so);
/* Note the record's object (pass: --baseline or the operands, args:
 * the pass's arguments) and what it taught.  0, -1 out of memory (noted). */
int scaleout_record(struct scaleout *so, int baseline, int nargs, char **args, k8a_event *ev, uint64_t seq,
	const struct context *ctx);
/* Write the partial result of a run read to its end (not finished: the
 * correlations hold every candidate, nothing graded), under the --limit
 * state=SIZE cap (0: the default).  0, or -1 after a message. */
int partial_write(const char *path, const struct scaleout *so, const struct ruleset *rs, const struct findings *fs,
	const struct context *ctx, uint64_t records, int trouble, uint64_t limit);
/* Read the partials (any order) into a run not started: the findings of
 * single records, the correlations' candidates, what the input taught,
 * in one run's order.  Records read added to *records; *trouble set when
 * a shard reported problems (said).  With so (merging into a partial: a
 * tree of merges), the objects and ranges in one run's order go there.
 * 0, or -1 after a message naming the partial (corrupt, foreign, of other
 * rules, an object in two).  limit: --limit state=SIZE, as for
 * partial_write(). */
int partial_merge(int n, char **paths, struct ruleset *rs, struct findings *fs, struct context *ctx, uint64_t *records,
	int *trouble, struct scaleout *so, uint64_t limit);

/* ---- --state and --output (runstate.c, k8saudit-state(5)) ---- */
struct runstate {
	struct fe_state fs; /* the section: what the last run carried: records, maxtime, emitted, corr, context */
	uint64_t seq_base;  /* records read by earlier runs */
	json_t *carry;      /* this run's correlations, at their end */
};
/* Lock and load the state (none with reset), open the output and make it
 * standard output.  0, or -1 after a message naming the file. */
int runstate_open(struct runstate *rs, const char *state, int reset, const char *output, uint64_t limit);
/* Skip the objects read before (the reader's walk asks the state). */
void runstate_attach(struct runstate *rs, k8a_reader *r);
/* The correlations of the rules, and what the input taught (ctx), go on
 * from what the last run carried.  0, or -1 after a message (a state that
 * does not hold what it should). */
int runstate_resume(struct runstate *rs, struct ruleset *rules, struct corr_ctx *cx, struct context *ctx);
/* Drop the findings an earlier run reported; remember the others. */
void runstate_filter(struct runstate *rs, struct findings *fs);
/* After the findings were written: flush and sync the output, then save
 * the state.  0, or -1 after a message: nothing is committed. */
int runstate_commit(struct runstate *rs, uint64_t records, const struct context *ctx);
void runstate_free(struct runstate *rs);
void corr_free(struct rule *r);
/* The GuardDuty tactic bucket of a Kubernetes request (k8s-detections 2.2). */
const char *gd_bucket(k8a_event *ev);

/* ---- creds-in-bodies: secret-scan's engine as a rule (secrets.c) ---- */
/* When an enabled rule has catalog id creds-in-bodies, load the secret
 * types of <rules_dir>/secrets for it; the number of problems. */
int secrets_init(const struct ruleset *rs, const char *rules_dir);
/* 1 when r is that rule. */
int secrets_rule(const struct rule *r);
/* A scanner of its own for a reader's thread (*sc NULL when the rule has
 * no types): 0, or -1 when out of memory. */
int secrets_thread_scan(k8a_secret_scan **sc);
/* A finding per secret in the record's bodies (type and pointer, never
 * the value); -1 when the record was not fully checked (reported). */
int secrets_judge(const struct rule *r, k8a_event *ev, struct snap *s, struct findings *fs);
void secrets_free(void);

/* ---- output (output.c; a file per format: out_csv.c, out_ocsf.c, ...) ---- */
enum fmt { FMT_TSV, FMT_JSON, FMT_OCSF, FMT_ASFF, FMT_CSV, FMT_TIMESKETCH };
/* A format by name ("tsv", "csv", "json", "timesketch", "ocsf", "asff"),
 * or -1. */
int output_format(const char *name);
struct out {
	FILE *fp;
	enum fmt fmt;
	/* --aws-account, --region, --cluster (checked by output_check) */
	const char *account, *region, *cluster;
	/* findings written with a stand-in account or region, or left out */
	size_t no_account, no_region, no_time;
	int started;
};
/* What is wrong with --aws-account, --region or --cluster (by its long
 * name), or NULL when arg is well formed. */
const char *output_check(const char *opt, const char *arg);
/* Write a finding whole (a line, or a CSV record): 0, or -1 when
 * memory ran out (nothing more written). */
int output_finding(struct out *o, const struct finding *f);
/* After the last finding: the CSV header when nothing was written, and a
 * message for each finding the format could not carry as it is.  1 when
 * something was said (the exit status is then 2). */
int output_end(struct out *o);
/* The selected rules, a line each, to stdout: 0, or -1 when memory ran out. */
int output_list_rules(const struct ruleset *rs, int json);
/* The names of the TSV columns, as a header line (--header). */
void output_tsv_header(FILE *fp);
/* Where the record is, short: the file's (or archive member's) last name
 * and the line, "000000.gz:217" (the JSON forms give the whole path). */
void output_short_location(FILE *fp, const struct snap *s);
/* ATT&CK tactic name of a technique id (T1098.006 -> "Persistence"). */
const char *mitre_tactic(const char *technique);

/* ---- grouped views (group.c) ---- */
enum grouping { GROUP_NONE, GROUP_EVENT, GROUP_ACTOR, GROUP_RULE };
/* At most this many actors or rules are grouped (events come one at a
 * time and have no limit); past it, nothing grouped is printed. */
#define GROUP_MAX 10000
/* A group lists at most this many client addresses, and as many access
 * keys ("and more"). */
#define GROUP_MAX_LIST 16
/* "event", "actor", "rule" -> *g.  0, or -1 for another name. */
int group_parse(const char *name, enum grouping *g);
/* Print the findings at or above min_sev (in time order) grouped, as
 * tab-separated lines (a header line first with header) or JSON lines.
 * 0, or -1 after a message (too many groups, out of memory). */
int group_print(FILE *fp, enum grouping view, int json, int header, const struct findings *fs, int min_sev);

#endif
