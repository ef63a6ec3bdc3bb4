/* SPDX-License-Identifier: BSD-2-Clause */
/* rbac-diff: the collected evidence and the passes over it. */
#ifndef RD_H
#define RD_H

#include <stdint.h>
#include <stdio.h>
#include <jansson.h>

#include "k8saudit.h"
#include "fe.h"
#include "rbac.h"
#include "awsauth.h"

enum rd_kind { RD_ROLE, RD_CROLE, RD_RB, RD_CRB, RD_AWSAUTH, RD_ACCESS, RD_NKINDS };

/* One create/update/patch/delete of an object we replay. */
struct rd_change {
	int64_t t;
	size_t seq;            /* input order, for ties */
	enum rd_kind kind;
	char *verb;            /* create, update, patch, delete, deletecollection, or a CloudTrail name */
	int code;              /* HTTP status, 0 when unknown (CloudTrail: 200 or 400) */
	int ok;
	char *ns, *name;
	char *uri, *error;
	json_t *record;        /* time, event_id, actor, source_ip(s), user_agent, source: k8saudit-json(5) */
	char *actor_text;      /* the actor as the text columns write it */
	char *ips;             /* all source IPs, for the text column */
	json_t *req, *resp;    /* trimmed bodies (CloudTrail: requestParameters, responseElements) */
	/* filled by the replay */
	json_t *before, *after; /* the object, or NULL when absent */
	int before_known, after_known;
	int partial;           /* items_after lists what a patch set; the rest is unknown */
	const char *patch_type;
	char note[200];
	json_t *items_before, *items_after; /* [[text, danger|null], ...] */
	json_t *chain;         /* identity chain, or NULL */
	json_t *bound_by;      /* roles: the bindings that referred to it then */
	int hidden;            /* outside -w, --since, --until, or printed by an
				  earlier run (--state): replayed, not reported */
	uint64_t rid;          /* its record's hash, for --state */
	int old;               /* replayed from the state: an earlier run's */
};

/* A request by an anonymous or unauthenticated user (for --exposure). */
struct rd_req {
	int64_t t;
	char *record; /* with --json: the request's JSON text but for its last member and '}' */
	char *actor_text, *ip, *ua, *verb, *target; /* for the text columns (not with --json) */
	char *reason, *ns;
	int code;
	int hidden;   /* outside -w, --since, --until */
};

/* One kind of request the --granted-vs-used subject made. */
struct rd_use {
	char *verb;
	char *group;    /* "" for the core group and for URLs */
	char *resource; /* resource[/subresource], or a non-resource URL's path */
	char *ns;       /* "" for cluster scope */
	long ok, denied;
	int64_t first, last;
	char *observed; /* "BINDING of ROLE" the authorizer named on an allowed one, or NULL */
};

/* A --who-can question. */
struct rd_query {
	const char *verb;
	char resource[256]; /* resource[/sub] */
	char group[256];
	int any_group;
	const char *url;
};
void rd_parse_query(struct rd_query *q, const char *verb, const char *res);
struct rd;
/* 1 when -w, --since and --until report what ev did. */
int rd_reported(struct rd *rd, k8a_event *ev);

struct rd {
	/* options */
	int json, all, header, silent, suggest, exposure;
	int threads; /* -j, 0: the default */
	struct fe_scope sc; /* -w, --since, --until: what is reported */
	int has_at, has_from, has_to;
	int64_t at, from, to;
	const char *who_verb, *who_res, *ns, *gvu;
	struct rd_query q;
	json_t *seen_allowed; /* --who-can: "binding\tsubject" -> what the authorizer said */
	/* inputs */
	k8a_reader *r;
	struct rd_snap {
		char *path;
		int64_t t; /* INT64_MIN: before the logs */
	} *snaps;
	size_t nsnaps;
	uint64_t ignored_objects; /* RBAC objects met outside --snapshot */
	int trouble;
	uint64_t records;
	/* scale-out: --partial keeps the records that left a trace (touched
	 * counts the traces); --merge reads partials instead of logs */
	const char *partial;
	int merge, nmerge;
	char **mergev;
	int nargs;
	char **args;
	uint64_t touched;
	uint64_t minted; /* traces that are minted keys (forgotten by --state) */
	struct fe_partial *part;
	/* --state: the records earlier runs kept, replayed first, and the
	 * changes they printed */
	const char *state_path, *output;
	int state_reset;
	struct fe_merge *prior;
	int replaying;   /* the prior's records are being replayed */
	struct fe_state fst;
	struct fe_printed printed;
	/* evidence */
	struct rd_change **ch;
	size_t nch, capch;
	json_t *mint;    /* accessKeyId -> minting event summary */
	json_t *state;   /* key -> object (json null: known absent) */
	json_t *since;   /* key -> { item text -> first time } */
	json_t *last;    /* key -> index of the last change */
	json_t *ids;     /* event ids of the changes kept */
	uint64_t duplicates;
	/* granted vs used */
	struct rd_use *uses;
	size_t nuses, capuses;
	json_t *use_index; /* a use's fields -> its index in uses */
	json_t *groups;  /* groups seen on the subject's requests */
	json_t *gvu_users; /* user names it was seen under (an IAM ARN has several) */
	/* exposure */
	struct rd_req *reqs;
	size_t nreqs, capreqs, dropped_reqs;
	int64_t t_min, t_max;
};

/* model.c: the store and its vocabulary */
void rd_init(struct rd *rd);
void rd_free(struct rd *rd);
void rd_add_path(struct rd *rd, const char *path);
int rd_add_snapshot(struct rd *rd, const char *spec);
const char *rd_kind_name(enum rd_kind k);
char *rd_key(enum rd_kind k, const char *ns, const char *name);
int rd_binding_kind(const char *key);
void rd_binding_via(enum rd_kind k, const char *ns, const char *name, char *out, size_t outsz);
json_t *rd_trim(json_t *o, enum rd_kind k);
char *rd_strdup(const char *s);
int rd_grow(void **p, size_t *cap, size_t size);
const char *rd_jstr(json_t *o, const char *k);
int rd_list_has(json_t *list, const char *v);
void rd_set_str(json_t *o, const char *k, const char *v);

/* state.c: --state and --output (k8saudit-state(5)).  Open: the state
 * locked and loaded, the records it kept ready to replay (rd->prior), the
 * reader told which objects to skip, the output opened; 0, or -1 after a
 * message.  Mark: the changes earlier runs printed hidden.  Commit: the
 * output synced, then the state saved; 0, or -1 after a message. */
int rd_state_open(struct rd *rd);
int rd_state_mark(struct rd *rd);
int rd_state_commit(struct rd *rd);
void rd_state_free(struct rd *rd);

/* collect.c: the one pass over the inputs (or over the partials of a
 * merge) */
int rd_collect(struct rd *rd);
/* The question asked (--who-can, -n, --granted-vs-used, --exposure) as
 * JSON: what a partial's records were kept for.  NULL: out of memory. */
json_t *rd_question(const struct rd *rd);

/* requests.c: what requests tell (--who-can, --granted-vs-used, --exposure) */
void rd_note_request(struct rd *rd, k8a_event *ev);

/* replay.c: the state at a moment */
void rd_replay(struct rd *rd, int64_t upto);

/* items.c: what an object grants, and rule matching */
json_t *rd_items(struct rd *rd, enum rd_kind k, json_t *obj);
json_t *rd_builtin_role(const char *name);
json_t *rd_role_of(struct rd *rd, json_t *binding, const char *bns, int *builtin);
int rd_rule_matches(json_t *rule, const char *verb, const char *group, int any_group,
	const char *resource, const char *url);
json_t *rd_rule_dangers(json_t *rule);
void rd_rule_text(json_t *rule, char *out, size_t outsz);
int rd_item_in(json_t *items, const char *text);
void rd_mapping_text(const struct fe_aa_entry *e, char *buf, size_t bufsz);
const char *rd_subject_danger(const char *kind, const char *name, const char *ns);
void rd_subject_text(json_t *s, const char *bns, char *out, size_t outsz);

/* chain.c */
void rd_mint_add(struct rd *rd, k8a_event *ev);
json_t *rd_chain(struct rd *rd, const char *key, const char *arn, const char *type);
void rd_chain_text(json_t *chain, char *out, size_t outsz);

/* the reports: changelog.c, whocan.c, gvu.c */
int rd_report_changes(struct rd *rd);
int rd_report_at(struct rd *rd);
int rd_report_fromto(struct rd *rd);
int rd_report_who(struct rd *rd);
int rd_report_exposure(struct rd *rd);
int rd_report_gvu(struct rd *rd);

/* emit.c: what the reports share */
struct rd_sb { /* a growable string */
	char *s;
	size_t n, cap;
};
void rd_sb_add(struct rd_sb *b, const char *s);
const char *rd_sb_str(const struct rd_sb *b);
/* A row: its text, escaped cells, tabs and times, then rd_row_end()
 * writes it whole (0) or, when memory ran out meanwhile, nothing (-1). */
void rd_text(const char *s);
void rd_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void rd_tab(void);
void rd_cell(const char *s);
void rd_time(int64_t t);
int rd_row_end(void);
/* A JSON object as a row of its own: 0 or -1, as rd_row_end(). */
int rd_json_line(json_t *o);
void rd_set_time(json_t *o, const char *k, int64_t t);
void rd_put_record(json_t *o, json_t *record, int64_t t);
const char *rd_event_id(json_t *record);
void rd_add_tags(json_t *tags, const char *list);
void rd_tags_text(json_t *added, json_t *removed, struct rd_sb *b);
const char **rd_sorted_keys(json_t *o, size_t *n);

#endif
