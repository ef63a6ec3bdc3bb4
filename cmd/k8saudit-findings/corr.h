/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Inside the correlations (corr*.c): their definitions, the candidates a
 * correlation keeps, and what each kind provides.  Internal to
 * k8saudit-findings; findings.h has the interface the engine uses.
 */
#ifndef K8A_CORR_H
#define K8A_CORR_H

#include "findings.h"

enum ckind {
	C_ANON, C_IP, C_TOR, C_SSRF, C_FIRST, C_BURST, C_AWSAUTH, C_SEQ, C_NEWUA, C_REPLAY, C_CMCREDS, C_SYSPUB, C_SEQ2, C_CHANGED, C_REF, C_SEQN, C_XNS, C_REAPPLY,
	C_SIGTEMP, /* Sigma temporal and temporal_ordered (corr_sigma.c) */
};

enum keyfn {
	KF_NONE, KF_SECRETS, KF_ROLEBINDING, KF_EXEC, KF_PRIV, KF_MOUNT, KF_WORKLOAD, KF_ROLE,
	KF_PERMCHECK, KF_SAOP, KF_USER, KF_USER_OR_IP, KF_USER_IP, KF_IP, KF_OBJ, KF_RESOURCE, KF_REQ,
	KF_PATHS, /* the def's kpaths / dpaths: fields joined with '|' */
};

struct cdef {
	const char *id;
	enum ckind kind;
	enum keyfn key;      /* first seen: the tuple; bursts: the group */
	enum keyfn distinct; /* bursts: what is counted (KF_NONE: requests) */
	unsigned threshold;
	int64_t window;      /* usec */
	int mixed;           /* bursts: need both allowed and denied requests */
	const char *gd;      /* GuardDuty type, when fixed */
	/* KF_PATHS: comma-separated fields (aliases or paths) of the group key
	 * and of the counted value; C_SEQ2: the eventNames of the first and
	 * second step; C_REPLAY/C_CHANGED: key and value fields. */
	const char *kpaths, *dpaths, *step1, *step2;
	int public_only;     /* the value must be a public address */
};

#define MIN (60 * INT64_C(1000000))

/* A kept candidate record. */
struct cand {
	struct snap *s;
	char *k1, *k2; /* keys; meaning depends on the correlation */
	int flag;
	json_t *ev;    /* evidence gathered while the record was at hand */
	size_t ord;    /* order of keeping, the last tie-break */
};

struct corr {
	const struct cdef *def;
	struct cand *c;
	size_t n, cap;
	k8a_expr *x[4];  /* C_REF / C_SEQN: the steps and the fallback */
	int compiled;
	json_t *dedupe;  /* candidate identity -> index: keeps memory bounded */
	/* bursts run incrementally: candidates older than the windows still
	 * open are dropped, so memory follows the window, not the input */
	json_t *quiet;   /* group -> time until which it stays quiet */
	json_t *perkey;  /* new-value correlations: key -> {"v": indexes of kept values, "lt", "li": the latest} */
	int64_t maxtime;
	size_t compact_at;
	json_t *carried; /* candidates carried from the last run, by record */
};

/* One kind of correlation: what it does with a candidate record, and at
 * the end with what it kept (corr.c dispatches by kind). */
typedef void corr_feed_fn(struct rule *r, struct corr_ctx *cx, const struct cdef *d, k8a_event *ev,
	struct snap *s);
typedef void corr_finish_fn(struct rule *r, struct corr_ctx *cx, struct corr *c);

/* ---- kept candidates (corr_state.c) ---- */
void keep(struct rule *r, struct snap *s, const char *k1, const char *k2, int flag, json_t *ev);
int cmp_cand(const void *a, const void *b);

/* ---- carried from run to run (corr_persist.c) ---- */
/* The state to carry of a finished correlation. */
json_t *corr_persist(const struct corr *c);
/* Into r->corr, before the run: 0, or -1 when j is not such a state. */
int corr_restore(struct rule *r, const struct cdef *d, const json_t *j);
/* 1 when this candidate was carried from the last run (read again). */
int corr_carried(struct corr *c, const struct snap *s, const char *k1, const char *k2, int flag);
/* The key of a first-seen candidate as its ghost keeps it ("#" and 16 hex
 * digits); a ghost's flag is -1. */
void first_key_hash(const char *k1, char out[18]);
/* A programmable correlation's steps compiled (corr_seq.c). */
void prog_prepare(struct rule *r);

/* ---- reading a candidate record (corr_record.c) ---- */
const char *jstr(k8a_event *ev, const char *path);
int streq(const char *a, const char *b);
int is_anonymous(k8a_event *ev);
void ua_product(const char *ua, char *out, size_t outsz);
json_t *podspec(k8a_event *ev);
void images(json_t *spec, json_t *out, int privileged_only);
void join(json_t *arr, char *out, size_t outsz);
const char *sensitive_hostpath(json_t *spec);
const char *roleref_name(k8a_event *ev);
int public_ip(const char *s, size_t n);
/* Every value of the comma-separated fields (one level of arrays fanned
 * out when expand); the values joined with '|' as a key (0: a field is
 * absent); a group key of a given kind. */
void path_values(k8a_event *ev, const char *paths, json_t *out, int expand);
int path_key(k8a_event *ev, const char *paths, char *out, size_t outsz);
void group_key(enum keyfn kf, k8a_event *ev, char *out, size_t outsz);
int denied(k8a_event *ev);

/* ---- single-record checks (corr_builtin.c) ---- */
corr_feed_fn feed_anon, feed_ip, feed_tor, feed_syspub, feed_xns, feed_cmcreds;
int raw_public_source(const char *raw, size_t n);
enum sev bucket_sev(const char *bucket, int anonymous);
/* ---- first seen (corr_first.c) ---- */
corr_feed_fn feed_first, feed_newua;
corr_finish_fn finish_first, finish_newua;
/* ---- bursts (corr_burst.c) ---- */
corr_feed_fn feed_burst;
corr_finish_fn finish_burst;
/* ---- sequences and references (corr_seq.c) ---- */
corr_feed_fn feed_seq, feed_seq2, feed_prog, feed_changed, feed_replay;
corr_finish_fn finish_seq, finish_seq2, finish_ref, finish_seqn, finish_changed, finish_replay;
/* ---- the pods/status SSRF chain (corr_ssrf.c) ---- */
corr_feed_fn feed_ssrf;
corr_finish_fn finish_ssrf;
/* ---- Sigma's temporal correlations (corr_sigma.c) ---- */
corr_feed_fn feed_sigtemp;
corr_finish_fn finish_sigtemp;
/* ---- aws-auth before and after (corr_awsauth.c) ---- */
corr_feed_fn feed_awsauth, feed_reapply;
corr_finish_fn finish_awsauth, finish_reapply;

#endif
