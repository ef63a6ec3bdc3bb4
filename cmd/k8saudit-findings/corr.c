/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Detections that need C: a per-record computation the expression language
 * cannot express (GuardDuty tactic buckets, IP lists), or state across
 * records (first seen, bursts, sequences, the pods/status SSRF chain, the
 * aws-auth before/after diff).
 *
 * Each is tied to a rule id in k8saudit-rules(5) with `kind correlation`;
 * the rule's `when` selects candidate records, corr_feed() keeps what the
 * state machine needs (a snapshot and a few keys), and corr_finish() sorts
 * the candidates by time and runs it.  Input order is never trusted: audit
 * logs from several API servers and CloudTrail files interleave.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "awsauth.h"
#include "findings.h"

enum ckind {
	C_ANON, C_IP, C_TOR, C_SSRF, C_FIRST, C_BURST, C_AWSAUTH, C_SEQ, C_NEWUA, C_REPLAY, C_CMCREDS, C_SYSPUB, C_SEQ2, C_CHANGED, C_REF, C_SEQN, C_XNS,
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

static int path_key(k8a_event *ev, const char *paths, char *out, size_t outsz);

static const struct cdef defs[] = {
	{ "K8S-ANON-001", C_ANON, KF_NONE, KF_NONE, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "K8S-NET-001", C_IP, KF_NONE, KF_NONE, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "K8S-NET-002", C_TOR, KF_NONE, KF_NONE, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "K8S-SSRF-002", C_SSRF, KF_NONE, KF_NONE, 0, 30 * MIN, 0, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "K8S-ANOM-001", C_FIRST, KF_SECRETS, KF_NONE, 0, 0, 0, "CredentialAccess:Kubernetes/AnomalousBehavior.SecretsAccessed", NULL, NULL, NULL, NULL, 0 },
	{ "K8S-ANOM-002", C_FIRST, KF_ROLEBINDING, KF_NONE, 0, 0, 0, "PrivilegeEscalation:Kubernetes/AnomalousBehavior.RoleBindingCreated", NULL, NULL, NULL, NULL, 0 },
	{ "K8S-ANOM-003", C_FIRST, KF_EXEC, KF_NONE, 0, 0, 0, "Execution:Kubernetes/AnomalousBehavior.ExecInPod", NULL, NULL, NULL, NULL, 0 },
	{ "K8S-ANOM-004", C_FIRST, KF_PRIV, KF_NONE, 0, 0, 0, "PrivilegeEscalation:Kubernetes/AnomalousBehavior.WorkloadDeployed!PrivilegedContainer", NULL, NULL, NULL, NULL, 0 },
	{ "K8S-ANOM-005", C_FIRST, KF_MOUNT, KF_NONE, 0, 0, 0, "Persistence:Kubernetes/AnomalousBehavior.WorkloadDeployed!ContainerWithSensitiveMount", NULL, NULL, NULL, NULL, 0 },
	{ "K8S-ANOM-006", C_FIRST, KF_WORKLOAD, KF_NONE, 0, 0, 0, "Execution:Kubernetes/AnomalousBehavior.WorkloadDeployed", NULL, NULL, NULL, NULL, 0 },
	{ "K8S-ANOM-007", C_FIRST, KF_ROLE, KF_NONE, 0, 0, 0, "PrivilegeEscalation:Kubernetes/AnomalousBehavior.RoleCreated", NULL, NULL, NULL, NULL, 0 },
	{ "K8S-ANOM-008", C_FIRST, KF_PERMCHECK, KF_NONE, 0, 0, 0, "Discovery:Kubernetes/AnomalousBehavior.PermissionChecked", NULL, NULL, NULL, NULL, 0 },
	{ "K8S-ANOM-009", C_NEWUA, KF_USER, KF_NONE, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "K8S-ANOM-010", C_FIRST, KF_SAOP, KF_NONE, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "K8S-AUTH-011", C_REPLAY, KF_NONE, KF_NONE, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "K8S-BURST-001", C_BURST, KF_USER, KF_OBJ, 15, 30 * MIN, 0, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "K8S-BURST-002", C_BURST, KF_USER_OR_IP, KF_NONE, 20, 10 * MIN, 0, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "K8S-BURST-003", C_BURST, KF_USER, KF_RESOURCE, 5, 1 * MIN, 0, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "K8S-BURST-004", C_BURST, KF_USER_IP, KF_REQ, 15, 5 * MIN, 1, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "K8S-BURST-005", C_BURST, KF_USER, KF_OBJ, 10, 10 * MIN, 0, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "K8S-BURST-006", C_BURST, KF_IP, KF_NONE, 20, 10 * MIN, 0, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "K8S-SEQ-001", C_SEQ, KF_USER, KF_NONE, 0, 5 * MIN, 0, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "K8S-EKS-002", C_AWSAUTH, KF_NONE, KF_NONE, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "K8S-SECRET-014", C_CMCREDS, KF_NONE, KF_NONE, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "K8S-AUTH-005", C_SYSPUB, KF_NONE, KF_NONE, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "K8S-GEN-002", C_FIRST, KF_PATHS, KF_NONE, 0, 0, 0, NULL, "user,peer", NULL, NULL, NULL, 0 },
	{ "K8S-SECRET-015", C_XNS, KF_NONE, KF_NONE, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "K8S-GEN-003", C_FIRST, KF_PATHS, KF_NONE, 0, 0, 0, NULL, "user", NULL, NULL, NULL, 0 },
	{ "CT-LOG-007", C_REF, KF_NONE, KF_NONE, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "CT-LOG-011", C_REF, KF_NONE, KF_NONE, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "CT-IAM-006", C_REF, KF_NONE, KF_NONE, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "CT-IAM-024", C_REF, KF_NONE, KF_NONE, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "CT-ID-006", C_REF, KF_NONE, KF_NONE, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "CT-CMP-002", C_SEQN, KF_NONE, KF_NONE, 0, 60 * MIN, 0, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "CT-S3-008", C_SEQN, KF_NONE, KF_NONE, 0, 60 * MIN, 0, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "CT-IAM-023", C_SEQN, KF_NONE, KF_NONE, 0, 60 * MIN, 0, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "CT-S3-013", C_SEQN, KF_NONE, KF_NONE, 0, 10 * MIN, 0, NULL, NULL, NULL, NULL, NULL, 0 },
	/* CloudTrail (rules/cloudtrail): thresholds as the rules' comments say */
	{ "CT-CMP-003", C_BURST, KF_PATHS, KF_NONE, 10, 10 * MIN, 0, NULL, "userIdentity.arn", NULL, NULL, NULL, 0 },
	{ "CT-CMP-004", C_BURST, KF_PATHS, KF_NONE, 10, 10 * MIN, 0, NULL, "userIdentity.arn", NULL, NULL, NULL, 0 },
	{ "CT-CMP-008", C_BURST, KF_PATHS, KF_PATHS, 2, 60 * MIN, 0, NULL, "userIdentity.arn", "requestParameters.target", NULL, NULL, 0 },
	{ "CT-DATA-007", C_BURST, KF_PATHS, KF_PATHS, 10, 10 * MIN, 0, NULL, "userIdentity.arn", "requestParameters.secretId,requestParameters.secretIdList", NULL, NULL, 0 },
	{ "CT-DATA-009", C_BURST, KF_PATHS, KF_PATHS, 10, 10 * MIN, 0, NULL, "userIdentity.arn", "requestParameters.names,requestParameters.name,requestParameters.path", NULL, NULL, 0 },
	{ "CT-ID-004", C_BURST, KF_PATHS, KF_PATHS, 3, 30 * MIN, 0, NULL, "userIdentity.accessKeyId", "sourceIPAddress", NULL, NULL, 1 },
	{ "CT-ID-005", C_REPLAY, KF_PATHS, KF_NONE, 0, 0, 0, NULL, "userIdentity.accessKeyId", "sourceIPAddress", NULL, NULL, 0 },
	{ "CT-ID-007", C_BURST, KF_PATHS, KF_NONE, 10, 10 * MIN, 0, NULL, "userIdentity.arn", NULL, NULL, NULL, 0 },
	{ "CT-ID-008", C_BURST, KF_PATHS, KF_PATHS, 20, 10 * MIN, 0, NULL, "userIdentity.arn", "eventName", NULL, NULL, 0 },
	{ "CT-ID-010", C_IP, KF_NONE, KF_NONE, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "CT-ID-011", C_TOR, KF_NONE, KF_NONE, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, 0 },
	{ "CT-SIGNIN-004", C_BURST, KF_PATHS, KF_NONE, 5, 10 * MIN, 0, NULL, "userIdentity.userName,userIdentity.arn", NULL, NULL, NULL, 0 },
	{ "CT-SIGNIN-005", C_BURST, KF_PATHS, KF_PATHS, 2, 60 * MIN, 0, NULL, "userIdentity.arn", "sourceIPAddress", NULL, NULL, 1 },
	{ "CT-STS-005", C_FIRST, KF_PATHS, KF_NONE, 0, 0, 0, NULL, "userIdentity.sessionContext.sessionIssuer.arn,requestParameters.roleArn", NULL, NULL, NULL, 0 },
	{ "CT-STS-006", C_REPLAY, KF_PATHS, KF_NONE, 0, 0, 0, NULL, "userIdentity.userName", "sourceIPAddress", NULL, NULL, 0 },
	{ "CT-EKS-005", C_SEQ2, KF_PATHS, KF_NONE, 0, 60 * MIN, 0, NULL, "requestParameters.name,requestParameters.principalArn", NULL, "CreateAccessEntry", "DeleteAccessEntry", 0 },
	{ "CT-ECR-001", C_CHANGED, KF_PATHS, KF_NONE, 0, 0, 0, NULL, "requestParameters.registryId,requestParameters.repositoryName,requestParameters.imageTag", "responseElements.image.imageId.imageDigest", "PutImage", NULL, 0 },
};

/* Programmable correlations over CloudTrail: steps are field
 * expressions (k8saudit-expr(5)), keys and values are fields.
 *   C_REF  step 1 records register key (and value); a step 2 record fires
 *          when its key was registered (MEMBER), or when it was and its
 *          value is new for that key (NEWVAL); `fallback` fires alone.
 *   C_SEQN steps 1..n in this order for one key within the window. */
enum refmode { MEMBER, NEWVAL };
struct prog {
	const char *id;
	const char *cond[3], *key[3], *val[3];
	const char *fallback;
	enum refmode mode;
	int64_t window;
	int loggroup; /* key of step 1 is a log-group ARN: use its name */
};

static const struct prog progs[] = {
	{ "CT-LOG-007", { "eventName in (CreateTrail, UpdateTrail)", "eventName = PutBucketLifecycle", NULL },
	  { "requestParameters.s3BucketName", "requestParameters.bucketName", NULL }, { NULL, NULL, NULL },
	  "eventName = PutBucketLifecycle and requestParameters.bucketName ~ '(?i)cloudtrail'", MEMBER, 0, 0 },
	{ "CT-LOG-011", { "eventName in (CreateTrail, UpdateTrail) and requestParameters.cloudWatchLogsLogGroupArn exists",
	    "eventSource = logs.amazonaws.com and (eventName != PutRetentionPolicy or requestParameters.retentionInDays <= 7)", NULL },
	  { "requestParameters.cloudWatchLogsLogGroupArn", "requestParameters.logGroupName", NULL }, { NULL, NULL, NULL },
	  NULL, MEMBER, 0, 1 },
	{ "CT-IAM-006", { "eventName in (AttachGroupPolicy, PutGroupPolicy) and (requestParameters.policyArn ~ '/(AdministratorAccess|IAMFullAccess|PowerUserAccess)$' "
	    "or requestParameters.policyDocument ~ '\"Action\"\\s*:\\s*(\"\\*\"|\\[[^]]*\"\\*\")')", "eventName = AddUserToGroup", NULL },
	  { "requestParameters.groupName", "requestParameters.groupName", NULL }, { NULL, NULL, NULL }, NULL, MEMBER, 0, 0 },
	{ "CT-IAM-024", { "eventName = CreateAccessKey", "userIdentity.accessKeyId exists and eventName != CreateAccessKey", NULL },
	  { "responseElements.accessKey.accessKeyId", "userIdentity.accessKeyId", NULL },
	  { "sourceIPAddress", "sourceIPAddress", NULL }, NULL, NEWVAL, 0, 0 },
	{ "CT-ID-006", { "eventSource in (ssm.amazonaws.com, ec2messages.amazonaws.com, ssmmessages.amazonaws.com)",
	    "not eventSource in (ssm.amazonaws.com, ec2messages.amazonaws.com, ssmmessages.amazonaws.com)", NULL },
	  { "userIdentity.arn", "userIdentity.arn", NULL }, { "sourceIPAddress", "sourceIPAddress", NULL }, NULL, NEWVAL, 0, 0 },
	{ "CT-CMP-002", { "eventName = StopInstances", "eventName = ModifyInstanceAttribute", "eventName = StartInstances" },
	  { "userIdentity.arn,requestParameters.instancesSet.items.instanceId",
	    "userIdentity.arn,requestParameters.instanceId",
	    "userIdentity.arn,requestParameters.instancesSet.items.instanceId" }, { NULL, NULL, NULL }, NULL, MEMBER, 60 * MIN, 0 },
	{ "CT-S3-008", { "eventName in (DeleteBucketPublicAccessBlock, PutBucketPublicAccessBlock)", "eventName = PutBucketOwnershipControls",
	    "eventName in (PutBucketAcl, PutBucketPolicy)" },
	  { "requestParameters.bucketName", "requestParameters.bucketName", "requestParameters.bucketName" }, { NULL, NULL, NULL },
	  NULL, MEMBER, 60 * MIN, 0 },
	{ "CT-IAM-023", { "eventName = CreateUser",
	    "(eventName = AddUserToGroup and requestParameters.groupName ~ '(?i)admin') "
	    "or (eventName = AttachUserPolicy and requestParameters.policyArn ~ '/(AdministratorAccess|IAMFullAccess)$') "
	    "or (eventName = PutUserPolicy and requestParameters.policyDocument ~ '\"Action\"\\s*:\\s*(\"\\*\"|\\[[^]]*\"\\*\")')",
	    "eventName in (CreateAccessKey, CreateLoginProfile)" },
	  { "userIdentity.arn,requestParameters.userName", "userIdentity.arn,requestParameters.userName", "userIdentity.arn,requestParameters.userName" },
	  { NULL, NULL, NULL }, NULL, MEMBER, 60 * MIN, 0 },
	{ "CT-S3-013", { "eventName in (DeleteObject, DeleteObjects) or (eventName = CopyObject and requestParameters.x-amz-server-side-encryption-customer-algorithm exists)",
	    "eventName = PutObject", NULL },
	  { "userIdentity.arn,requestParameters.bucketName", "userIdentity.arn,requestParameters.bucketName", NULL }, { NULL, NULL, NULL },
	  NULL, MEMBER, 10 * MIN, 0 },
};

static const struct prog *
find_prog(const char *id)
{
	size_t i;

	for (i = 0; i < sizeof(progs) / sizeof(progs[0]); i++)
		if (strcmp(progs[i].id, id) == 0)
			return &progs[i];
	return NULL;
}

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
	json_t *perkey;  /* new-value correlations: key -> indexes of kept values */
	int64_t maxtime;
	size_t compact_at;
};

static const struct cdef *
find_def(const char *id)
{
	size_t i;

	for (i = 0; i < sizeof(defs) / sizeof(defs[0]); i++)
		if (strcmp(defs[i].id, id) == 0)
			return &defs[i];
	return NULL;
}

int
corr_known(const char *id)
{
	return find_def(id) != NULL;
}

int
corr_usable(const struct rule *r, const struct corr_ctx *cx)
{
	const struct cdef *d = find_def(r->id);

	if (d == NULL)
		return 0;
	if (d->kind == C_IP)
		return cx->iplist != NULL;
	if (d->kind == C_TOR)
		return cx->tor != NULL;
	return 1;
}

void
corr_free(struct rule *r)
{
	size_t i;

	if (r->corr == NULL)
		return;
	for (i = 0; i < r->corr->n; i++) {
		snap_unref(r->corr->c[i].s);
		free(r->corr->c[i].k1);
		free(r->corr->c[i].k2);
		json_decref(r->corr->c[i].ev);
	}
	for (i = 0; i < 4; i++)
		k8a_expr_free(r->corr->x[i]);
	json_decref(r->corr->dedupe);
	json_decref(r->corr->quiet);
	json_decref(r->corr->perkey);
	free(r->corr->c);
	free(r->corr);
	r->corr = NULL;
}

static void
keep(struct rule *r, struct snap *s, const char *k1, const char *k2, int flag, json_t *ev)
{
	struct corr *c = r->corr;
	struct cand *x;

	if (c == NULL) {
		if ((c = r->corr = calloc(1, sizeof(*c))) == NULL) {
			json_decref(ev);
			return;
		}
		c->def = find_def(r->id);
	}
	/* Candidates that cannot change the outcome are not kept: only the
	 * earliest record of each identity matters to first-seen, new-value
	 * and reference correlations, and to distinct counts one record per
	 * (group, value) and half window is enough. */
	{
		const struct cdef *d = c->def;
		char id[1024];
		int dd = 0;
		if (d->kind == C_FIRST || d->kind == C_NEWUA || d->kind == C_REPLAY || d->kind == C_REF) {
			snprintf(id, sizeof(id), "%s\x1f%s\x1f%d", k1 ? k1 : "", k2 ? k2 : "", flag);
			dd = 1;
		} else if (d->kind == C_BURST && d->distinct != KF_NONE && d->window > 0) {
			snprintf(id, sizeof(id), "%s\x1f%s\x1f%lld", k1 ? k1 : "", k2 ? k2 : "",
				s->time == INT64_MIN ? -1LL : (long long)(s->time / (d->window / 2)));
			dd = 1;
		}
		if (dd) {
			json_t *old;
			if (c->dedupe == NULL)
				c->dedupe = json_object();
			if ((old = json_object_get(c->dedupe, id)) != NULL) {
				struct cand *y = &c->c[json_integer_value(old)];
				if (s->time < y->s->time) {
					/* an earlier record of the same identity */
					snap_unref(y->s);
					y->s = snap_ref(s);
					json_decref(y->ev);
					y->ev = ev;
				} else
					json_decref(ev);
				return;
			}
			json_object_set_new(c->dedupe, id, json_integer((json_int_t)c->n));
		}
		/* New-value correlations report the earliest record whose value
		 * differs, once per key: the earliest record of each of the two
		 * earliest values decides, so a few values per key are enough
		 * (an approximation for C_REF, bounded at 64 values a key). */
		if ((d->kind == C_REPLAY || (d->kind == C_REF && flag == 2)) && k1) {
			json_t *lst;
			char pk[1024];
			size_t i, latest = 0;
			int64_t lt = INT64_MIN;
			if (c->perkey == NULL)
				c->perkey = json_object();
			snprintf(pk, sizeof(pk), "%s\x1f%d", k1, flag);
			if ((lst = json_object_get(c->perkey, pk)) == NULL) {
				lst = json_array();
				json_object_set_new(c->perkey, pk, lst);
			}
			/* exact for C_REPLAY (the first value is the baseline); for
			 * C_REF the baseline grows with step-1 records, so keep more */
			if (json_array_size(lst) >= (d->kind == C_REPLAY ? 4u : 64u)) {
				json_t *v;
				json_array_foreach(lst, i, v) {
					struct cand *y = &c->c[json_integer_value(v)];
					if (y->s->time >= lt) {
						lt = y->s->time;
						latest = i;
					}
				}
				if (s->time >= lt) {
					/* later than every kept value: cannot matter */
					json_object_del(c->dedupe, id);
					json_decref(ev);
					return;
				}
				{
					/* replace the latest kept value by this earlier one */
					json_int_t at = json_integer_value(json_array_get(lst, latest));
					struct cand *y = &c->c[at];
					char oid[1024];
					snprintf(oid, sizeof(oid), "%s\x1f%s\x1f%d", y->k1 ? y->k1 : "", y->k2 ? y->k2 : "", y->flag);
					json_object_del(c->dedupe, oid);
					json_object_set_new(c->dedupe, id, json_integer(at));
					snap_unref(y->s);
					free(y->k2);
					json_decref(y->ev);
					y->s = snap_ref(s);
					y->k2 = k2 ? strdup(k2) : NULL;
					y->ev = ev;
					return;
				}
			}
			json_array_append_new(lst, json_integer((json_int_t)c->n));
		}
	}
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		struct cand *nc = realloc(c->c, cap * sizeof(*nc));
		if (nc == NULL) {
			json_decref(ev);
			return;
		}
		c->c = nc;
		c->cap = cap;
	}
	x = &c->c[c->n++];
	x->s = snap_ref(s);
	x->k1 = k1 ? strdup(k1) : NULL;
	x->k2 = k2 ? strdup(k2) : NULL;
	x->flag = flag;
	x->ev = ev;
	x->ord = c->n - 1;
}

static int
cmp_cand(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->s->time != y->s->time)
		return x->s->time < y->s->time ? -1 : 1;
	if (x->s->seq != y->s->seq)
		return x->s->seq < y->s->seq ? -1 : 1;
	return x->ord < y->ord ? -1 : x->ord > y->ord;
}

/* ---- helpers over the parsed record ---- */

static const char *
jstr(k8a_event *ev, const char *path)
{
	return json_string_value(k8a_json_path(k8a_event_json(ev), path));
}

static int
streq(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

static int
is_anonymous(k8a_event *ev)
{
	json_t *g = json_object_get(json_object_get(k8a_event_json(ev), "user"), "groups"), *x;
	size_t i;

	if (streq(k8a_event_str(ev, K8A_F_USER), "system:anonymous"))
		return 1;
	json_array_foreach(g, i, x)
		if (streq(json_string_value(x), "system:unauthenticated"))
			return 1;
	return 0;
}

/* The product part of a user agent: "kubectl/v1.29.0 (linux/amd64) ..." -> "kubectl". */
static void
ua_product(const char *ua, char *out, size_t outsz)
{
	size_t n = 0;

	if (ua == NULL)
		ua = "";
	while (ua[n] && ua[n] != '/' && ua[n] != ' ' && n + 1 < outsz)
		n++;
	memcpy(out, ua, n);
	out[n] = '\0';
}

/* Image without tag or digest: "reg:5000/a/b:1.2@sha256:..." -> "reg:5000/a/b". */
static void
image_repo(const char *img, char *out, size_t outsz)
{
	const char *slash, *colon, *at;
	size_t n;

	at = strchr(img, '@');
	n = at ? (size_t)(at - img) : strlen(img);
	slash = memrchr(img, '/', n);
	colon = memrchr(slash ? slash : img, ':', n - (size_t)((slash ? slash : img) - img));
	if (colon)
		n = (size_t)(colon - img);
	if (n >= outsz)
		n = outsz - 1;
	memcpy(out, img, n);
	out[n] = '\0';
}

/* Pod specs of a request: pods, workload templates, cronjob templates,
 * in the request object and (for patches) the response object. */
static const char *const podspec_paths[] = {
	"requestObject.spec", "requestObject.spec.template.spec",
	"requestObject.spec.jobTemplate.spec.template.spec", "responseObject.spec",
	"responseObject.spec.template.spec", "responseObject.spec.jobTemplate.spec.template.spec",
};

static json_t *
podspec(k8a_event *ev)
{
	size_t i;

	for (i = 0; i < sizeof(podspec_paths) / sizeof(podspec_paths[0]); i++) {
		json_t *s = k8a_json_path(k8a_event_json(ev), podspec_paths[i]);
		if (json_is_object(s) && (json_object_get(s, "containers") || json_object_get(s, "volumes")))
			return s;
	}
	return NULL;
}

static const char *const container_lists[] = { "containers", "initContainers", "ephemeralContainers" };

/* Append each container's image repo (deduplicated) to a JSON array. */
static void
images(json_t *spec, json_t *out, int privileged_only)
{
	size_t i, j, k;
	json_t *c, *x;

	for (i = 0; i < 3; i++)
		json_array_foreach(json_object_get(spec, container_lists[i]), j, c) {
			const char *img = json_string_value(json_object_get(c, "image"));
			char repo[512];
			int dup = 0;
			if (img == NULL)
				continue;
			if (privileged_only &&
			    !json_is_true(json_object_get(json_object_get(c, "securityContext"), "privileged")))
				continue;
			image_repo(img, repo, sizeof(repo));
			json_array_foreach(out, k, x)
				dup |= streq(json_string_value(x), repo);
			if (!dup)
				json_array_append_new(out, json_string(repo));
		}
}

static void
join(json_t *arr, char *out, size_t outsz)
{
	size_t i, off = 0;
	json_t *x;

	out[0] = '\0';
	json_array_foreach(arr, i, x) {
		int w = snprintf(out + off, outsz - off, "%s%s", i ? "," : "", json_string_value(x));
		if (w < 0 || (size_t)w >= outsz - off)
			break;
		off += (size_t)w;
	}
}

static const char *const sensitive_paths[] = {
	"/", "/proc", "/etc", "/root", "/home", "/var/run", "/run", "/var/lib/kubelet", "/etc/kubernetes",
	"/var/lib/docker", "/var/log", "/dev", "/sys", "/boot", "/lib/modules", "/var/run/docker.sock",
	"/run/containerd/containerd.sock", "/var/run/containerd/containerd.sock", "/var/run/crio/crio.sock",
	"/var/run/cri-dockerd.sock", NULL,
};

/* The first sensitive hostPath of a pod spec (prefix match on path
 * components, trailing '/' ignored), or NULL. */
static const char *
sensitive_hostpath(json_t *spec)
{
	size_t i, k;
	json_t *v;

	json_array_foreach(json_object_get(spec, "volumes"), i, v) {
		const char *p = json_string_value(json_object_get(json_object_get(v, "hostPath"), "path"));
		size_t n;
		if (p == NULL)
			continue;
		n = strlen(p);
		while (n > 1 && p[n - 1] == '/')
			n--;
		for (k = 0; sensitive_paths[k]; k++) {
			size_t m = strlen(sensitive_paths[k]);
			if (m == 1 && n == 1)
				return p;
			if (m > 1 && n >= m && memcmp(p, sensitive_paths[k], m) == 0 && (n == m || p[m] == '/'))
				return p;
		}
	}
	return NULL;
}

static const char *
roleref_name(k8a_event *ev)
{
	const char *s = jstr(ev, "requestObject.roleRef.name");

	return s ? s : jstr(ev, "responseObject.roleRef.name");
}

/* ---- GuardDuty tactic buckets (k8s-detections.md 2.2) ---- */
const char *
gd_bucket(k8a_event *ev)
{
	const char *verb = k8a_event_str(ev, K8A_F_VERB), *res = k8a_event_str(ev, K8A_F_RESOURCE);
	const char *sub = k8a_event_str(ev, K8A_F_SUBRESOURCE), *name = k8a_event_str(ev, K8A_F_NAME);
	int read, write;

	if (verb == NULL)
		return "Discovery";
	read = streq(verb, "get") || streq(verb, "list") || streq(verb, "watch");
	write = streq(verb, "create") || streq(verb, "update") || streq(verb, "patch");
	if (streq(verb, "delete") || streq(verb, "deletecollection")) {
		if (streq(res, "events") || streq(res, "networkpolicies") ||
		    streq(res, "mutatingwebhookconfigurations") || streq(res, "validatingwebhookconfigurations"))
			return "DefenseEvasion";
		return "Impact";
	}
	if (res == NULL)
		return "Discovery"; /* non-resource requests: /api, /apis, /openapi */
	if (streq(res, "secrets") && read)
		return "CredentialAccess";
	if (streq(res, "serviceaccounts") && streq(sub, "token"))
		return "CredentialAccess";
	if (streq(res, "certificatesigningrequests") && write)
		return "CredentialAccess";
	if (streq(res, "configmaps") && read && name && (strstr(name, "auth") || strstr(name, "cred")))
		return "CredentialAccess";
	if (streq(res, "pods") && (streq(sub, "exec") || streq(sub, "attach"))) {
		char cmd[4096];
		if (k8a_exec_command(k8a_event_str(ev, K8A_F_URI), cmd, sizeof(cmd)) > 0 &&
		    (strstr(cmd, "/var/run/secrets") || strstr(cmd, ".aws") || strstr(cmd, ".kube") ||
		     strstr(cmd, "169.254.169.254") || strstr(cmd, "/etc/shadow")))
			return "CredentialAccess";
		return "Persistence";
	}
	if (strstr(res, "selfsubject") || strstr(res, "accessreviews") || strstr(res, "tokenreviews"))
		return "Discovery";
	if (write && (strstr(res, "webhookconfigurations") || streq(res, "networkpolicies")))
		return "DefenseEvasion";
	if (k8a_event_str(ev, K8A_F_IMPERSONATED))
		return "DefenseEvasion";
	if (write && (streq(sub, "scale") ||
		      json_integer_value(k8a_json_path(k8a_event_json(ev), "requestObject.spec.replicas")) < 0 ||
		      (json_is_integer(k8a_json_path(k8a_event_json(ev), "requestObject.spec.replicas")) &&
		       json_integer_value(k8a_json_path(k8a_event_json(ev), "requestObject.spec.replicas")) == 0)))
		return "Impact";
	/* The GuardDuty tester's ground truth: creating a service account is
	 * Impact, creating a token Secret is Discovery. */
	if (streq(res, "serviceaccounts") && streq(verb, "create"))
		return "Impact";
	if (streq(res, "secrets") && streq(verb, "create"))
		return "Discovery";
	if (write)
		return "Persistence";
	return "Discovery";
}

static enum sev
bucket_sev(const char *bucket, int anonymous)
{
	if (streq(bucket, "Discovery"))
		return SEV_MEDIUM;
	if (streq(bucket, "Persistence"))
		return anonymous ? SEV_HIGH : SEV_MEDIUM;
	return SEV_HIGH;
}

/* ---- raw checks: candidates found without parsing ---- */

/* 1 when the text is a public address (k8a_ip_class). */
static int
public_ip(const char *s, size_t n)
{
	return k8a_ip_class(s, n) == K8A_IP_PUBLIC;
}

/* Does the raw record carry a public address in sourceIPs? */
static int
raw_public_source(const char *raw, size_t n)
{
	const char *p = memmem(raw, n, "\"sourceIPs\"", 11), *end = raw + n;

	if (p == NULL)
		return 0;
	for (p += 11; p < end && *p != '['; p++)
		if (*p != ':' && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			return 0;
	for (; p < end && *p != ']'; p++) {
		const char *q;
		if (*p != '"')
			continue;
		for (q = p + 1; q < end && *q != '"'; q++)
			;
		if (q >= end)
			return 0;
		if (public_ip(p + 1, (size_t)(q - p - 1)))
			return 1;
		p = q;
	}
	return 0;
}

static enum sev
sev_max(enum sev a, enum sev b)
{
	return a > b ? a : b;
}

enum sev
corr_max_sev(const struct rule *r)
{
	const struct cdef *d = r->correlation ? find_def(r->id) : NULL;

	if (d == NULL)
		return r->sev;
	switch (d->kind) {
	case C_ANON: /* feed_anon */
		return sev_max(r->sev, SEV_CRITICAL);
	case C_IP: /* feed_ip: the tactic bucket's grade */
	case C_TOR:
		return sev_max(r->sev, SEV_HIGH);
	case C_FIRST: /* first_key */
		if (d->key == KF_ROLEBINDING)
			return sev_max(r->sev, SEV_HIGH);
		if (d->key == KF_WORKLOAD)
			return sev_max(r->sev, SEV_MEDIUM);
		return r->sev;
	default:
		return r->sev;
	}
}

int
corr_raw_check(const struct rule *r, const char *raw, size_t n)
{
	const struct cdef *d = find_def(r->id);

	if (d == NULL || d->kind != C_SYSPUB)
		return -1;
	return (memmem(raw, n, "system:", 7) || memmem(raw, n, "eks:", 4)) && raw_public_source(raw, n);
}

/* ---- per-kind feeding ---- */

static void
feed_anon(struct rule *r, struct corr_ctx *cx, k8a_event *ev, struct snap *s)
{
	const char *b = gd_bucket(ev);
	char gd[128];
	json_t *e = evidence_collect(r, ev);

	snprintf(gd, sizeof(gd), "%s:Kubernetes/SuccessfulAnonymousAccess", b);
	json_object_set_new(e, "tactic_bucket", json_string(b));
	/* the catalog grades it high, critical beyond discovery */
	findings_add(cx->out, r, s, streq(b, "Discovery") ? SEV_HIGH : SEV_CRITICAL, gd, NULL, e);
}

static void
feed_ip(struct rule *r, struct corr_ctx *cx, k8a_event *ev, struct snap *s, int tor)
{
	const struct iplist *l = tor ? cx->tor : cx->iplist;
	json_t *root = k8a_event_json(ev), *ips, *x;
	const char *hit = NULL, *matched = NULL, *b;
	size_t i, n = 0, pos = 0;
	char gd[128];
	json_t *e;
	int anon;

	if (k8a_event_source(ev) == K8A_SRC_K8S) {
		ips = json_object_get(root, "sourceIPs");
		n = json_array_size(ips);
		json_array_foreach(ips, i, x)
			if (iplist_match(l, json_string_value(x), &hit)) {
				matched = json_string_value(x);
				pos = i;
				break;
			}
	} else if (iplist_match(l, k8a_event_str(ev, K8A_F_SOURCE_IP), &hit)) {
		matched = k8a_event_str(ev, K8A_F_SOURCE_IP);
		n = 1;
	}
	if (matched == NULL)
		return;
	anon = is_anonymous(ev);
	/* GuardDuty: MaliciousIPCaller is not raised for unauthenticated
	 * callers (SuccessfulAnonymousAccess covers them). */
	if (!tor && anon)
		return;
	e = evidence_collect(r, ev);
	if (k8a_event_source(ev) != K8A_SRC_K8S) {
		/* CloudTrail: the rule names the GuardDuty type */
		json_object_set_new(e, "matched_ip", json_string(matched));
		json_object_set_new(e, "list_entry", json_string(hit));
		json_object_set_new(e, "list", json_string(tor ? cx->tor_name : cx->iplist_name));
		findings_add(cx->out, r, s, r->sev, NULL, NULL, e);
		return;
	}
	b = gd_bucket(ev);
	snprintf(gd, sizeof(gd), "%s:Kubernetes/%s", b, tor ? "TorIPCaller" : "MaliciousIPCaller.Custom");
	json_object_set_new(e, "matched_ip", json_string(matched));
	json_object_set_new(e, "list_entry", json_string(hit));
	json_object_set_new(e, "list", json_string(tor ? cx->tor_name : cx->iplist_name));
	json_object_set_new(e, "tactic_bucket", json_string(b));
	if (n > 1 && pos + 1 < n)
		json_object_set_new(e, "note", json_string("matched a client-supplied X-Forwarded-For/X-Real-Ip entry, not the connection peer"));
	findings_add(cx->out, r, s, bucket_sev(b, 0), gd, NULL, e);
}

/* Extract the first-seen tuple; NULL to ignore the record. */
static int
first_key(const struct cdef *d, k8a_event *ev, char *key, size_t keysz, json_t *e, enum sev *sev)
{
	const char *u = k8a_event_str(ev, K8A_F_USER), *ns = k8a_event_str(ev, K8A_F_NAMESPACE);
	const char *res = k8a_event_str(ev, K8A_F_RESOURCE), *sub = k8a_event_str(ev, K8A_F_SUBRESOURCE);
	const char *verb = k8a_event_str(ev, K8A_F_VERB);
	char ua[128], buf[2048];
	json_t *spec, *arr;

	if (u == NULL)
		u = "";
	if (ns == NULL)
		ns = "";
	switch (d->key) {
	case KF_SECRETS:
		ua_product(k8a_event_str(ev, K8A_F_USER_AGENT), ua, sizeof(ua));
		snprintf(key, keysz, "%s|%s|%s", u, ns, ua);
		json_object_set_new(e, "first_seen", json_string("principal, namespace and user agent"));
		return 1;
	case KF_ROLEBINDING: {
		const char *rr = roleref_name(ev);
		snprintf(key, keysz, "%s|%s|%s", u, rr ? rr : "", ns);
		if (streq(rr, "cluster-admin") || streq(rr, "admin"))
			*sev = SEV_HIGH;
		json_object_set_new(e, "first_seen", json_string("principal, role and namespace"));
		return 1;
	}
	case KF_EXEC:
		snprintf(key, keysz, "%s|%s", u, ns);
		json_object_set_new(e, "first_seen", json_string("principal and namespace"));
		return 1;
	case KF_PRIV:
	case KF_MOUNT:
	case KF_WORKLOAD:
		if ((spec = podspec(ev)) == NULL)
			return 0;
		arr = json_array();
		images(spec, arr, d->key == KF_PRIV);
		join(arr, buf, sizeof(buf));
		json_object_set_new(e, "images", arr);
		if (d->key == KF_PRIV) {
			if (buf[0] == '\0')
				return 0;
			snprintf(key, keysz, "%s", buf);
			json_object_set_new(e, "first_seen", json_string("image used in a privileged container"));
		} else if (d->key == KF_MOUNT) {
			const char *hp = sensitive_hostpath(spec);
			if (hp == NULL)
				return 0;
			json_object_set_new(e, "host_path", json_string(hp));
			snprintf(key, keysz, "%s|%s", buf, hp);
			json_object_set_new(e, "first_seen", json_string("image and host path"));
		} else {
			static const char *const bad[] = { "xmrig", "monero", "miner", "kali", "kube-hunter",
				"peirates", "metasploit", "cdk", NULL };
			size_t i;
			snprintf(key, keysz, "%s|%s|%s", u, ns, buf);
			for (i = 0; bad[i]; i++)
				if (strstr(buf, bad[i]))
					*sev = SEV_MEDIUM;
			json_object_set_new(e, "first_seen", json_string("principal, namespace and images"));
		}
		return 1;
	case KF_ROLE:
		snprintf(key, keysz, "%s|%s", u, res ? res : "");
		json_object_set_new(e, "first_seen", json_string("principal and role kind"));
		return 1;
	case KF_PERMCHECK: {
		const char *v = jstr(ev, "requestObject.spec.resourceAttributes.verb");
		const char *rs = jstr(ev, "requestObject.spec.resourceAttributes.resource");
		const char *sr = jstr(ev, "requestObject.spec.resourceAttributes.subresource");
		snprintf(key, keysz, "%s|%s|%s/%s", u, v ? v : "", rs ? rs : "", sr ? sr : "");
		json_object_set_new(e, "first_seen", json_string("principal and permission checked"));
		return 1;
	}
	case KF_PATHS:
		if (!path_key(ev, d->kpaths, key, keysz))
			return 0;
		json_object_set_new(e, "first_seen", json_string(d->kpaths));
		return 1;
	case KF_SAOP:
		snprintf(key, keysz, "%s|%s|%s%s%s|%s", u, verb ? verb : "", res ? res : "", sub ? "/" : "",
			sub ? sub : "", ns);
		json_object_set_new(e, "first_seen", json_string("service account, verb, resource and namespace"));
		return 1;
	default:
		return 0;
	}
}

/* The values of comma-separated fields, each a string (arrays and
 * objects as compact JSON), appended to `out` as strings. */
static void
path_values(k8a_event *ev, const char *paths, json_t *out, int expand)
{
	char buf[256];
	const char *p = paths, *c;

	while (p && *p) {
		size_t n = (c = strchr(p, ',')) ? (size_t)(c - p) : strlen(p);
		json_t *v;
		if (n < sizeof(buf)) {
			memcpy(buf, p, n);
			buf[n] = '\0';
			if ((v = field_value(ev, buf)) != NULL) {
				size_t i;
				json_t *e;
				if (expand && json_is_array(v)) {
					json_array_foreach(v, i, e)
						if (json_is_string(e))
							json_array_append(out, e);
				} else if (json_is_string(v))
					json_array_append(out, v);
				else {
					char *d = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY | JSON_SORT_KEYS);
					if (d)
						json_array_append_new(out, json_string(d));
					free(d);
				}
				json_decref(v);
			}
		}
		p = c ? c + 1 : NULL;
	}
}

/* The fields joined with '|'; 0 when none is present. */
static int
path_key(k8a_event *ev, const char *paths, char *out, size_t outsz)
{
	json_t *vals = json_array(), *v;
	size_t i, off = 0;

	out[0] = '\0';
	path_values(ev, paths, vals, 0);
	json_array_foreach(vals, i, v) {
		int w = snprintf(out + off, outsz - off, "%s%s", i ? "|" : "", json_string_value(v));
		if (w < 0 || (size_t)w >= outsz - off)
			break;
		off += (size_t)w;
	}
	i = json_array_size(vals);
	json_decref(vals);
	return i > 0;
}

static void
group_key(enum keyfn kf, k8a_event *ev, char *out, size_t outsz)
{
	const char *u = k8a_event_str(ev, K8A_F_USER), *ip = k8a_event_str(ev, K8A_F_PEER_IP);
	const char *ns = k8a_event_str(ev, K8A_F_NAMESPACE), *name = k8a_event_str(ev, K8A_F_NAME);
	const char *res = k8a_event_str(ev, K8A_F_RESOURCE), *verb = k8a_event_str(ev, K8A_F_VERB);

	switch (kf) {
	case KF_USER:
		snprintf(out, outsz, "%s", u ? u : "");
		break;
	case KF_USER_OR_IP:
		if (u == NULL || *u == '\0' || is_anonymous(ev))
			snprintf(out, outsz, "ip %s", ip ? ip : "");
		else
			snprintf(out, outsz, "%s", u);
		break;
	case KF_USER_IP:
		snprintf(out, outsz, "%s|%s", u ? u : "", ip ? ip : "");
		break;
	case KF_IP:
		snprintf(out, outsz, "%s", ip ? ip : "");
		break;
	case KF_OBJ:
		snprintf(out, outsz, "%s/%s/%s", res ? res : "", ns ? ns : "", name ? name : "*");
		break;
	case KF_RESOURCE:
		snprintf(out, outsz, "%s", res ? res : "");
		break;
	case KF_REQ: {
		/* verb and path: distinct objects and resources count apart */
		const char *uri = k8a_event_str(ev, K8A_F_URI);
		size_t n = uri ? strcspn(uri, "?") : 0;
		snprintf(out, outsz, "%s %.*s", verb ? verb : "", (int)n, uri ? uri : "");
		(void)res;
		break;
	}
	default:
		out[0] = '\0';
	}
}

static int
denied(k8a_event *ev)
{
	int code = k8a_event_code(ev);

	return streq(k8a_event_str(ev, K8A_F_DECISION), "forbid") || code == 401 || code == 403;
}

/* system:masters in aws-auth's mapRoles/mapUsers, read as the authenticator
 * reads them (cmd/common/awsauth.c): the ARN of each mapping that takes
 * effect, and {"mapping", "not_in_effect"} for each one it rejects. */
static void
masters_entries(json_t *data, json_t *out)
{
	struct fe_awsauth aa;
	size_t i, j;
	int l;

	fe_awsauth_read(&aa, data);
	for (l = 0; l < FE_AA_NLISTS; l++)
		if (aa.why[l] && strstr(json_string_value(json_object_get(data, fe_aa_list_name(l))), "system:masters"))
			json_array_append_new(out, json_pack("{s:s,s:s}", "mapping", fe_aa_list_name(l), "not_in_effect", aa.why[l]));
	for (i = 0; i < aa.n; i++) {
		const struct fe_aa_entry *e = &aa.e[i];
		int named = e->why && strstr(e->why, "\"system:masters\"") != NULL;
		for (j = 0; j < e->ngroups; j++)
			named |= e->groups[j] && strcmp(e->groups[j], "system:masters") == 0;
		if (fe_aa_masters(e))
			json_array_append_new(out, json_string(e->arn));
		else if (named)
			json_array_append_new(out, json_pack("{s:s,s:s}", "mapping", e->arn ? e->arn : "(entry without an ARN)",
				"not_in_effect", e->why ? e->why : "?"));
	}
	fe_awsauth_free(&aa);
}

/* Falco's credential words, case-insensitive, in ConfigMap data keys and values. */
static void
feed_cmcreds(struct rule *r, struct corr_ctx *cx, k8a_event *ev, struct snap *s)
{
	static const char *const words[] = { "aws_access_key_id", "aws-access-key-id", "aws_s3_access_key_id",
		"aws-s3-access-key-id", "password", "passphrase", NULL };
	json_t *data = k8a_json_path(k8a_event_json(ev), "requestObject.data"), *v, *hits, *e;
	const char *k;
	size_t i;

	if (!json_is_object(data) || (hits = json_array()) == NULL)
		return;
	json_object_foreach(data, k, v) {
		const char *val = json_string_value(v);
		for (i = 0; words[i]; i++)
			if (strcasestr(k, words[i]) || (val && strcasestr(val, words[i]))) {
				json_array_append_new(hits, json_string(k));
				break;
			}
	}
	if (json_array_size(hits) == 0) {
		json_decref(hits);
		return;
	}
	e = evidence_collect(r, ev);
	json_object_set_new(e, "keys_with_credentials", hits);
	findings_add(cx->out, r, s, r->sev, NULL, NULL, e);
}

/* ---- the pod-status SSRF chain (k8s-detections.md 3.1 item 9) ----
 * A pod IP rewritten through pods/status, then the API server sent to it:
 * pods/proxy or pods/portforward on the pod, or services/proxy on a
 * Service in its namespace that selects it.  Candidate flags: */
enum { SSRF_SPOOF = 1, SSRF_POD, SSRF_SELECTOR, SSRF_SVCPROXY };

/* The object of a request: proxy names may carry "scheme:name:port". */
static void
proxy_target(const char *name, char *out, size_t outsz)
{
	const char *p = name;

	if (strncmp(p, "https:", 6) == 0 || strncmp(p, "http:", 5) == 0)
		p = strchr(p, ':') + 1;
	snprintf(out, outsz, "%.*s", (int)strcspn(p, ":"), p);
}

/* What follows "<name>/proxy" in a proxy request's URI, the path the API
 * server proxied to; the name may hold "/proxy" itself ("proxy-public"). */
static const char *
proxied_path(const char *uri, const char *name)
{
	size_t n = strlen(name);
	const char *p;

	if (uri == NULL)
		return NULL;
	for (p = uri; (p = strstr(p, "/proxy")) != NULL; p++)
		if ((size_t)(p - uri) > n && *(p - n - 1) == '/' && memcmp(p - n, name, n) == 0)
			return p + 6;
	p = strstr(uri, "/proxy"); /* the name was escaped in the URI */
	return p ? p + 6 : NULL;
}

/* The whole object a write left: the response object when it was logged
 * (a Status when the write failed), else the request object of a create or
 * update; a patch's request holds only the change.  NULL: unknown. */
static json_t *
written_object(k8a_event *ev)
{
	json_t *root = k8a_event_json(ev), *o = json_object_get(root, "responseObject");

	if (o == NULL && !streq(k8a_event_str(ev, K8A_F_VERB), "patch"))
		o = json_object_get(root, "requestObject");
	if (!json_is_object(json_object_get(o, "metadata")) ||
	    streq(json_string_value(json_object_get(o, "kind")), "Status"))
		return NULL;
	return o;
}

/* Does a Service selector select these labels?  An empty one selects
 * nothing: the Service's endpoints are managed by hand. */
static int
selects(json_t *sel, json_t *labels)
{
	const char *k;
	json_t *v;

	if (json_object_size(sel) == 0)
		return 0;
	json_object_foreach(sel, k, v)
		if (!json_equal(v, json_object_get(labels, k)))
			return 0;
	return 1;
}

static void
feed_ssrf(struct rule *r, k8a_event *ev, struct snap *s)
{
	const char *res = k8a_event_str(ev, K8A_F_RESOURCE), *sub = k8a_event_str(ev, K8A_F_SUBRESOURCE);
	const char *ns = k8a_event_str(ev, K8A_F_NAMESPACE), *name = k8a_event_str(ev, K8A_F_NAME);
	int svc = streq(res, "services");
	char k1[1024], obj[512];
	json_t *e, *o;

	if (!svc && !streq(res, "pods"))
		return;
	if (svc && sub == NULL) {
		/* a Service written: its selector from now on (NULL: no longer
		 * known, e.g. a patch logged without its result) */
		json_t *sel = NULL;
		o = written_object(ev);
		if (name == NULL && o != NULL)
			name = json_string_value(json_object_get(json_object_get(o, "metadata"), "name"));
		if (name == NULL)
			return;
		if (o == NULL) {
			json_t *rq = json_object_get(k8a_event_json(ev), "requestObject");
			if (streq(k8a_event_str(ev, K8A_F_VERB), "patch") && json_is_object(rq) &&
			    json_object_get(json_object_get(rq, "spec"), "selector") == NULL)
				return; /* a patch that leaves the selector alone */
		} else if (json_is_object(json_object_get(o, "spec"))) {
			sel = json_object_get(json_object_get(o, "spec"), "selector");
			sel = json_is_object(sel) ? json_deep_copy(sel) : json_object();
		}
		snprintf(k1, sizeof(k1), "%s/%s", ns ? ns : "", name);
		keep(r, s, k1, NULL, SSRF_SELECTOR, sel);
		return;
	}
	if (name == NULL)
		return;
	proxy_target(name, obj, sizeof(obj));
	snprintf(k1, sizeof(k1), "%s/%s", ns ? ns : "", obj);
	e = json_object();
	if (!svc && streq(sub, "status")) {
		json_t *ip = field_value(ev, "requestObject.status.podIP");
		json_t *ips = field_value(ev, "requestObject.status.podIPs.ip");
		if (ip == NULL && ips == NULL) {
			json_decref(e);
			return;
		}
		if (ip)
			json_object_set_new(e, "spoofed_pod_ip", ip);
		if (ips)
			json_object_set_new(e, "spoofed_pod_ips", ips);
		/* the pod's labels, for services/proxy: the write logs the pod */
		if ((o = written_object(ev)) != NULL) {
			json_t *l = json_object_get(json_object_get(o, "metadata"), "labels");
			json_object_set_new(e, "pod_labels", json_is_object(l) ? json_deep_copy(l) : json_object());
		}
		keep(r, s, k1, NULL, SSRF_SPOOF, e);
	} else if (streq(sub, "proxy") || (!svc && streq(sub, "portforward"))) {
		const char *px = streq(sub, "proxy") ? proxied_path(k8a_event_str(ev, K8A_F_URI), name) : NULL;
		json_object_set_new(e, "access", json_string(svc ? "services/proxy" : sub));
		if (px)
			json_object_set_new(e, "proxied_path", json_string(px));
		json_object_set_new(e, "access_code", json_integer(k8a_event_code(ev)));
		keep(r, s, k1, NULL, svc ? SSRF_SVCPROXY : SSRF_POD, e);
	} else
		json_decref(e);
}

static void corr_feed1(struct rule *r, struct corr_ctx *cx, k8a_event *ev, struct snap *s);
static void burst_run(struct rule *r, struct corr_ctx *cx, struct corr *c, int final, int64_t cutoff);

/* A step's condition on the record: 1 or 0; a record it cannot judge (a
 * regex PCRE2 cannot decide) is reported, never taken as "no". */
static int
step_match(struct rule *r, struct corr_ctx *cx, const k8a_expr *x, k8a_event *ev)
{
	int m = k8a_expr_match(x, ev);

	if (m == K8A_FATAL)
		cx->nomem = 1;
	else if (m < 0) {
		fe_diag(k8a_event_where(ev), "%s: %s", r->id, k8a_event_error(ev));
		cx->trouble = 1;
	}
	return m;
}

void
corr_feed(struct rule *r, struct corr_ctx *cx, k8a_event *ev, struct snap *s)
{
	struct corr *c;

	corr_feed1(r, cx, ev, s);
	if ((c = r->corr) == NULL || c->def == NULL || c->def->kind != C_BURST || c->def->window <= 0)
		return;
	if (s->time != INT64_MIN && s->time > c->maxtime)
		c->maxtime = s->time;
	if (c->compact_at == 0)
		c->compact_at = 1 << 16;
	if (c->n >= c->compact_at && c->maxtime > 0) {
		/* input is roughly in time order; leave two windows of slack */
		burst_run(r, cx, c, 0, c->maxtime - 2 * c->def->window);
		c->compact_at = c->n * 2 > (1u << 16) ? c->n * 2 : 1u << 16;
	}
}

static void
corr_feed1(struct rule *r, struct corr_ctx *cx, k8a_event *ev, struct snap *s)
{
	const struct cdef *d = find_def(r->id);
	char k1[4096], k2[4096];
	json_t *e;
	enum sev sev = r->sev;

	if (d == NULL)
		return;
	switch (d->kind) {
	case C_ANON:
		feed_anon(r, cx, ev, s);
		return;
	case C_CMCREDS:
		feed_cmcreds(r, cx, ev, s);
		return;
	case C_XNS: {
		/* a service account of namespace A acting on namespace B */
		const char *u = k8a_event_str(ev, K8A_F_USER), *ns = k8a_event_str(ev, K8A_F_NAMESPACE);
		size_t l;
		if (u == NULL || ns == NULL || strncmp(u, "system:serviceaccount:", 22) != 0)
			return;
		u += 22;
		l = strcspn(u, ":");
		if (l == strlen(ns) && memcmp(u, ns, l) == 0)
			return;
		e = evidence_collect(r, ev);
		json_object_set_new(e, "requester_namespace", json_stringn(u, l));
		json_object_set_new(e, "target_namespace", json_string(ns));
		findings_add(cx->out, r, s, r->sev, NULL, NULL, e);
		return;
	}
	case C_SYSPUB:
		findings_add(cx->out, r, s, r->sev, NULL, NULL, evidence_collect(r, ev));
		return;
	case C_IP:
	case C_TOR:
		feed_ip(r, cx, ev, s, d->kind == C_TOR);
		return;
	case C_SSRF:
		feed_ssrf(r, ev, s);
		return;
	case C_FIRST:
		e = evidence_collect(r, ev);
		if (!first_key(d, ev, k1, sizeof(k1), e, &sev)) {
			json_decref(e);
			return;
		}
		keep(r, s, k1, NULL, (int)sev, e);
		return;
	case C_BURST:
		if (d->key == KF_PATHS) {
			json_t *vals, *v;
			size_t i;
			if (!path_key(ev, d->kpaths, k1, sizeof(k1)))
				return;
			if (d->distinct != KF_PATHS) {
				keep(r, s, k1, "", 1, NULL);
				return;
			}
			/* one candidate per value: GetParameters names several */
			vals = json_array();
			path_values(ev, d->dpaths, vals, 1);
			json_array_foreach(vals, i, v) {
				const char *x = json_string_value(v);
				if (d->public_only && !public_ip(x, strlen(x)))
					continue;
				keep(r, s, k1, x, 1, NULL);
			}
			json_decref(vals);
			return;
		}
		group_key(d->key, ev, k1, sizeof(k1));
		group_key(d->distinct, ev, k2, sizeof(k2));
		keep(r, s, k1, k2, denied(ev) ? 2 : 1, NULL);
		return;
	case C_SEQ2: {
		const char *name = k8a_event_str(ev, K8A_F_VERB);
		if (!path_key(ev, d->kpaths, k1, sizeof(k1)) || name == NULL)
			return;
		if (streq(name, d->step1))
			keep(r, s, k1, name, 1, NULL);
		else if (streq(name, d->step2))
			keep(r, s, k1, name, 2, NULL);
		return;
	}
	case C_REF:
	case C_SEQN: {
		const struct prog *pg = find_prog(r->id);
		struct corr *c;
		int i;
		if (pg == NULL)
			return;
		if (r->corr == NULL && (r->corr = calloc(1, sizeof(*r->corr))) != NULL)
			r->corr->def = d;
		if ((c = r->corr) == NULL)
			return;
		if (!c->compiled) {
			c->compiled = 1;
			for (i = 0; i < 3; i++)
				if (pg->cond[i] && (c->x[i] = k8a_expr_compile(pg->cond[i], NULL)) == NULL)
					cx->nomem = 1; /* they are ours: they compile */
			if (pg->fallback && (c->x[3] = k8a_expr_compile(pg->fallback, NULL)) == NULL)
				cx->nomem = 1;
		}
		/* later steps first: a record that is both step 2 and step 1
		 * (a key used to create another) is checked before it registers */
		for (i = 2; i >= 0; i--) {
			json_t *vals, *v;
			size_t j;
			if (c->x[i] == NULL || step_match(r, cx, c->x[i], ev) != 1)
				continue;
			vals = json_array();
			path_values(ev, pg->key[i], vals, 1);
			if (strchr(pg->key[i], ',')) {
				/* a composite key: the first field, then each value of the others */
				json_t *first = json_array(), *rest = json_array();
				const char *comma = strchr(pg->key[i], ',');
				char f1[128];
				snprintf(f1, sizeof(f1), "%.*s", (int)(comma - pg->key[i]), pg->key[i]);
				path_values(ev, f1, first, 0);
				path_values(ev, comma + 1, rest, 1);
				json_array_clear(vals);
				json_array_foreach(rest, j, v) {
					snprintf(k1, sizeof(k1), "%s|%s", json_string_value(json_array_get(first, 0)) ?
						json_string_value(json_array_get(first, 0)) : "", json_string_value(v));
					json_array_append_new(vals, json_string(k1));
				}
				json_decref(first);
				json_decref(rest);
			}
			json_array_foreach(vals, j, v) {
				const char *key = json_string_value(v);
				if (pg->loggroup && i == 0 && strstr(key, "log-group:")) {
					const char *a = strstr(key, "log-group:") + 10;
					snprintf(k1, sizeof(k1), "%.*s", (int)strcspn(a, ":"), a);
				} else
					snprintf(k1, sizeof(k1), "%s", key);
				if (!(pg->val[i] && path_key(ev, pg->val[i], k2, sizeof(k2))))
					k2[0] = '\0';
				keep(r, s, k1, k2, i + 1, NULL);
			}
			json_decref(vals);
		}
		if (c->x[3] && step_match(r, cx, c->x[3], ev) == 1 && path_key(ev, pg->key[1], k1, sizeof(k1)))
			keep(r, s, k1, "", 9, NULL);
		return;
	}
	case C_CHANGED:
		if (!streq(k8a_event_str(ev, K8A_F_VERB), d->step1) || !path_key(ev, d->kpaths, k1, sizeof(k1)) ||
		    !path_key(ev, d->dpaths, k2, sizeof(k2)))
			return;
		keep(r, s, k1, k2, 0, NULL);
		return;
	case C_SEQ: {
		const char *res = k8a_event_str(ev, K8A_F_RESOURCE);
		int rbac = streq(res, "roles") || streq(res, "clusterroles") || streq(res, "rolebindings") ||
			   streq(res, "clusterrolebindings");
		group_key(KF_USER, ev, k1, sizeof(k1));
		group_key(KF_OBJ, ev, k2, sizeof(k2));
		keep(r, s, k1, k2, rbac ? 1 : 2, NULL);
		return;
	}
	case C_NEWUA:
		group_key(KF_USER, ev, k1, sizeof(k1));
		ua_product(k8a_event_str(ev, K8A_F_USER_AGENT), k2, sizeof(k2));
		keep(r, s, k1, k2, 0, NULL);
		return;
	case C_REPLAY: {
		const char *cred = jstr(ev, "user.extra.\"authentication.kubernetes.io/credential-id\"[0]");
		if (d->key == KF_PATHS) {
			if (!path_key(ev, d->kpaths, k1, sizeof(k1)) || !path_key(ev, d->dpaths, k2, sizeof(k2)))
				return;
			keep(r, s, k1, k2, 0, NULL);
			return;
		}
		const char *ip = k8a_event_str(ev, K8A_F_PEER_IP);
		if (cred == NULL || ip == NULL)
			return;
		keep(r, s, cred, ip, 0, NULL);
		return;
	}
	case C_AWSAUTH: {
		const char *keys[] = { "mapRoles", "mapUsers" };
		json_t *masters = json_array(), *data = json_object();
		size_t i;
		for (i = 0; i < 2; i++) {
			char path[64];
			const char *y;
			snprintf(path, sizeof(path), "responseObject.data.%s", keys[i]);
			if ((y = jstr(ev, path)) == NULL) {
				snprintf(path, sizeof(path), "requestObject.data.%s", keys[i]);
				y = jstr(ev, path);
			}
			if (y)
				json_object_set_new(data, keys[i], json_string(y));
		}
		if (json_object_size(data) == 0) {
			json_decref(data);
			json_decref(masters);
			return;
		}
		masters_entries(data, masters);
		json_decref(data);
		snprintf(k1, sizeof(k1), "%s/%s", k8a_event_str(ev, K8A_F_NAMESPACE) ? k8a_event_str(ev, K8A_F_NAMESPACE) : "",
			k8a_event_str(ev, K8A_F_NAME) ? k8a_event_str(ev, K8A_F_NAME) : "");
		keep(r, s, k1, NULL, 0, masters);
		return;
	}
	}
}

/* ---- finishing ---- */

static void
finish_first(struct rule *r, struct corr_ctx *cx, struct corr *c)
{
	json_t *seen = json_object();
	size_t i;

	for (i = 0; i < c->n; i++) {
		struct cand *x = &c->c[i];
		if (json_object_get(seen, x->k1))
			continue;
		json_object_set_new(seen, x->k1, json_true());
		findings_add(cx->out, r, x->s, (enum sev)x->flag, c->def->gd, "first seen in this input",
			json_incref(x->ev));
	}
	json_decref(seen);
}

static int
cmp_group(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;
	int c = strcmp(x->k1 ? x->k1 : "", y->k1 ? y->k1 : "");

	return c ? c : cmp_cand(a, b);
}

/* Run the burst windows over the kept candidates.  Unless `final`, only
 * bursts ending at or before `cutoff` are reported, and afterwards the
 * candidates no window after the cutoff can reach are dropped. */
static void
burst_run(struct rule *r, struct corr_ctx *cx, struct corr *c, int final, int64_t cutoff)
{
	const struct cdef *d = c->def;
	size_t a = 0, b, j;

	if (c->quiet == NULL)
		c->quiet = json_object();
	qsort(c->c, c->n, sizeof(*c->c), cmp_group);
	for (a = 0; a < c->n; a = b) {
		json_t *counts = json_object();
		size_t start = a, nallow = 0, ndeny = 0;
		json_t *q = json_object_get(c->quiet, c->c[a].k1 ? c->c[a].k1 : "");
		int64_t quiet_until = q ? (int64_t)json_integer_value(q) : INT64_MIN;
		for (b = a; b < c->n && streq(c->c[b].k1, c->c[a].k1); b++)
			;
		for (j = a; j < b; j++) {
			struct cand *x = &c->c[j];
			const char *dk = d->distinct == KF_NONE ? "" : x->k2;
			char tmp[32];
			/* slide the window's start (times ascend, a missing one
			 * first: the difference is taken unsigned, where it cannot
			 * overflow, and a record without a time lies in no window) */
			while (start < j && (uint64_t)x->s->time - (uint64_t)c->c[start].s->time > (uint64_t)d->window) {
				struct cand *y = &c->c[start++];
				const char *yk = d->distinct == KF_NONE ? "" : y->k2;
				json_t *cv = json_object_get(counts, yk);
				if (cv && json_integer_value(cv) > 1)
					json_integer_set(cv, json_integer_value(cv) - 1);
				else
					json_object_del(counts, yk);
				if (y->flag == 2)
					ndeny--;
				else
					nallow--;
			}
			{
				json_t *cv = json_object_get(counts, dk);
				if (cv)
					json_integer_set(cv, json_integer_value(cv) + 1);
				else
					json_object_set_new(counts, dk, json_integer(1));
			}
			if (x->flag == 2)
				ndeny++;
			else
				nallow++;
			{
				size_t have = d->distinct == KF_NONE ? j - start + 1 : json_object_size(counts);
				json_t *e, *items;
				const char *key;
				json_t *v;
				size_t shown = 0;
				if (have < d->threshold || x->s->time <= quiet_until || (!final && x->s->time > cutoff))
					continue;
				if (d->mixed && (nallow == 0 || ndeny == 0))
					continue;
				e = json_object();
				json_object_set_new(e, "group", json_string(x->k1));
				json_object_set_new(e, "count", json_integer((json_int_t)(j - start + 1)));
				if (d->distinct != KF_NONE) {
					json_object_set_new(e, "distinct", json_integer((json_int_t)json_object_size(counts)));
					items = json_array();
					json_object_foreach(counts, key, v) {
						if (shown++ == 20)
							break;
						json_array_append_new(items, json_string(key));
					}
					json_object_set_new(e, "items", items);
				}
				if (d->mixed) {
					json_object_set_new(e, "allowed", json_integer((json_int_t)nallow));
					json_object_set_new(e, "denied", json_integer((json_int_t)ndeny));
				}
				json_object_set_new(e, "window_start", json_string(c->c[start].s->time_s ? c->c[start].s->time_s : ""));
				snprintf(tmp, sizeof(tmp), "%llds", (long long)(d->window / 1000000));
				json_object_set_new(e, "window", json_string(tmp));
				json_object_set_new(e, "first_location", json_string(c->c[start].s->where ? c->c[start].s->where : ""));
				findings_add(cx->out, r, x->s, r->sev, NULL, NULL, e);
				/* one finding per burst: stay quiet for a window */
				quiet_until = x->s->time + d->window;
				json_object_set_new(c->quiet, x->k1 ? x->k1 : "", json_integer((json_int_t)quiet_until));
			}
		}
		json_decref(counts);
	}
	if (!final) {
		/* drop what no window after the cutoff can reach */
		size_t w = 0;
		if (c->dedupe)
			json_object_clear(c->dedupe);
		for (j = 0; j < c->n; j++) {
			struct cand *x = &c->c[j];
			if (x->s->time != INT64_MIN && x->s->time < cutoff - d->window) {
				snap_unref(x->s);
				free(x->k1);
				free(x->k2);
				json_decref(x->ev);
				continue;
			}
			c->c[w] = *x;
			c->c[w].ord = w;
			if (c->dedupe) {
				char id[1024];
				snprintf(id, sizeof(id), "%s\x1f%s\x1f%lld", x->k1 ? x->k1 : "", x->k2 ? x->k2 : "",
					x->s->time == INT64_MIN ? -1LL : (long long)(x->s->time / (d->window / 2)));
				json_object_set_new(c->dedupe, id, json_integer((json_int_t)w));
			}
			w++;
		}
		c->n = w;
	}
}

static void
finish_burst(struct rule *r, struct corr_ctx *cx, struct corr *c)
{
	burst_run(r, cx, c, 1, 0);
}

/* The spoofed pod a services/proxy request may have reached: of the
 * latest spoof of each pod in the Service's namespace within the window,
 * the latest of a pod the Service selects, else of one it may select (its
 * selector or the pod's labels not in the input); NULL when it selects none. */
static struct cand *
ssrf_service_pod(struct corr *c, json_t *last, const struct cand *x, json_t *sel, const char **match)
{
	size_t nsl = strcspn(x->k1, "/") + 1;
	json_int_t best = -1;
	int bq = 0;
	const char *k;
	json_t *v;

	json_object_foreach(last, k, v) {
		struct cand *sp = &c->c[json_integer_value(v)];
		json_t *labels = json_object_get(sp->ev, "pod_labels");
		int q;
		if (strncmp(k, x->k1, nsl) != 0 || x->s->time - sp->s->time > c->def->window)
			continue;
		q = sel == NULL || labels == NULL ? 1 : 2 * selects(sel, labels);
		if (q > bq || (q == bq && q > 0 && json_integer_value(v) > best)) {
			bq = q;
			best = json_integer_value(v);
		}
	}
	if (best < 0)
		return NULL;
	*match = bq == 2 ? "yes" : sel == NULL ? "unknown (service selector not in this input)" :
		"unknown (pod labels not in this input)";
	return &c->c[best];
}

static void
finish_ssrf(struct rule *r, struct corr_ctx *cx, struct corr *c)
{
	json_t *last = json_object(); /* pod -> index of the latest spoof */
	json_t *sels = json_object(); /* service -> its selector, when known */
	size_t i;

	for (i = 0; i < c->n; i++) {
		struct cand *x = &c->c[i], *sp = NULL;
		json_t *idx, *e, *sel = NULL;
		const char *match = NULL;
		switch (x->flag) {
		case SSRF_SPOOF:
			json_object_set_new(last, x->k1, json_integer((json_int_t)i));
			continue;
		case SSRF_SELECTOR:
			if (x->ev)
				json_object_set(sels, x->k1, x->ev);
			else
				json_object_del(sels, x->k1);
			continue;
		case SSRF_POD:
			if ((idx = json_object_get(last, x->k1)) != NULL)
				sp = &c->c[json_integer_value(idx)];
			break;
		case SSRF_SVCPROXY:
			sel = json_object_get(sels, x->k1);
			sp = ssrf_service_pod(c, last, x, sel, &match);
			break;
		default:
			continue;
		}
		if (sp == NULL || x->s->time - sp->s->time > c->def->window)
			continue;
		e = json_deep_copy(x->ev);
		if (x->flag == SSRF_SVCPROXY) {
			json_object_set_new(e, "service", json_string(x->k1));
			if (sel)
				json_object_set_new(e, "service_selector", json_deep_copy(sel));
		}
		json_object_update(e, sp->ev);
		if (x->flag == SSRF_POD)
			json_object_del(e, "pod_labels"); /* only a Service's selector reads them */
		json_object_set_new(e, "pod", json_string(sp->k1));
		if (match)
			json_object_set_new(e, "selector_match", json_string(match));
		json_object_set_new(e, "status_patch_time", json_string(sp->s->time_s ? sp->s->time_s : ""));
		json_object_set_new(e, "status_patch_by", json_string(sp->s->user ? sp->s->user : ""));
		json_object_set_new(e, "status_patch_location", json_string(sp->s->where ? sp->s->where : ""));
		json_object_set_new(e, "same_principal", json_boolean(streq(sp->s->user, x->s->user)));
		findings_add(cx->out, r, x->s, r->sev, NULL, NULL, e);
	}
	json_decref(last);
	json_decref(sels);
}

static void
finish_seq(struct rule *r, struct corr_ctx *cx, struct corr *c)
{
	json_t *last = json_object(); /* user -> index of the latest RBAC change */
	size_t i;

	for (i = 0; i < c->n; i++) {
		struct cand *x = &c->c[i];
		json_t *idx, *e;
		struct cand *rb;
		if (x->flag == 1) {
			json_object_set_new(last, x->k1, json_integer((json_int_t)i));
			continue;
		}
		if ((idx = json_object_get(last, x->k1)) == NULL)
			continue;
		rb = &c->c[json_integer_value(idx)];
		if (x->s->time - rb->s->time > c->def->window)
			continue;
		e = json_object();
		json_object_set_new(e, "rbac_change", json_string(rb->k2));
		json_object_set_new(e, "rbac_change_time", json_string(rb->s->time_s ? rb->s->time_s : ""));
		json_object_set_new(e, "rbac_change_location", json_string(rb->s->where ? rb->s->where : ""));
		json_object_set_new(e, "workload", json_string(x->k2));
		findings_add(cx->out, r, x->s, r->sev, NULL, NULL, e);
		json_object_del(last, x->k1); /* one finding per RBAC change */
	}
	json_decref(last);
}

static void
finish_newua(struct rule *r, struct corr_ctx *cx, struct corr *c)
{
	json_t *users = json_object(); /* user -> {ua: true} */
	size_t i;

	for (i = 0; i < c->n; i++) {
		struct cand *x = &c->c[i];
		json_t *set = json_object_get(users, x->k1), *e;
		const char *k;
		json_t *v;
		if (set == NULL) {
			set = json_object();
			json_object_set_new(set, x->k2, json_true());
			json_object_set_new(users, x->k1, set);
			continue;
		}
		if (json_object_get(set, x->k2))
			continue;
		e = json_object();
		json_object_set_new(e, "user_agent", json_string(x->s->ua ? x->s->ua : ""));
		{
			json_t *before = json_array();
			json_object_foreach(set, k, v)
				json_array_append_new(before, json_string(k));
			json_object_set_new(e, "earlier_user_agents", before);
		}
		json_object_set_new(set, x->k2, json_true());
		findings_add(cx->out, r, x->s, r->sev, NULL, "first seen in this input", e);
	}
	json_decref(users);
}

static void
finish_replay(struct rule *r, struct corr_ctx *cx, struct corr *c)
{
	json_t *creds = json_object(); /* credential -> {ip: index} */
	size_t i;

	for (i = 0; i < c->n; i++) {
		struct cand *x = &c->c[i];
		json_t *set = json_object_get(creds, x->k1), *e, *first;
		const char *k;
		json_t *v;
		if (set == NULL) {
			set = json_object();
			json_object_set_new(set, x->k2, json_integer((json_int_t)i));
			json_object_set_new(creds, x->k1, set);
			continue;
		}
		if (json_object_get(set, x->k2) || json_object_get(set, "\x1f fired"))
			continue;
		json_object_set_new(set, "\x1f fired", json_true()); /* one finding per key */
		e = json_object();
		json_object_set_new(e, "credential_id", json_string(x->k1));
		json_object_set_new(e, "ip", json_string(x->k2));
		first = json_array();
		json_object_foreach(set, k, v)
			if (k[0] != '\x1f')
				json_array_append_new(first, json_string(k));
		json_object_set_new(e, "earlier_ips", first);
		json_object_set_new(set, x->k2, json_integer((json_int_t)i));
		findings_add(cx->out, r, x->s, r->sev, NULL, NULL, e);
	}
	json_decref(creds);
}

static void
finish_awsauth(struct rule *r, struct corr_ctx *cx, struct corr *c)
{
	json_t *prev = json_object(); /* object -> array of masters */
	size_t i, j, k;

	for (i = 0; i < c->n; i++) {
		struct cand *x = &c->c[i];
		json_t *before = json_object_get(prev, x->k1), *added = json_array(), *rejected = json_array(), *v, *w, *e;
		json_array_foreach(x->ev, j, v) {
			int had = 0;
			json_array_foreach(before, k, w)
				had |= json_equal(v, w);
			if (!had)
				json_array_append(json_is_string(v) ? added : rejected, v);
		}
		/* a mapping the authenticator rejects grants nothing: it is
		 * evidence beside one that does, never a finding of its own */
		if (json_array_size(added)) {
			e = json_object();
			json_object_set_new(e, "added_to_system_masters", added);
			if (json_array_size(rejected))
				json_object_set(e, "not_in_effect", rejected);
			json_object_set_new(e, "earlier_version_in_input", json_boolean(before != NULL));
			findings_add(cx->out, r, x->s, r->sev, NULL, before ? NULL :
				"no earlier version in this input: every system:masters mapping is reported", e);
		} else
			json_decref(added);
		json_decref(rejected);
		json_object_set(prev, x->k1, x->ev);
	}
	json_decref(prev);
}

static void
finish_seq2(struct rule *r, struct corr_ctx *cx, struct corr *c)
{
	json_t *first = json_object(); /* key -> index of the step-1 record */
	size_t i;

	for (i = 0; i < c->n; i++) {
		struct cand *x = &c->c[i];
		json_t *idx, *e;
		struct cand *a;
		if (x->flag == 1) {
			json_object_set_new(first, x->k1, json_integer((json_int_t)i));
			continue;
		}
		if ((idx = json_object_get(first, x->k1)) == NULL)
			continue;
		a = &c->c[json_integer_value(idx)];
		if (x->s->time - a->s->time > c->def->window)
			continue;
		e = json_object();
		json_object_set_new(e, "key", json_string(x->k1));
		json_object_set_new(e, "first_step", json_string(a->k2));
		json_object_set_new(e, "first_step_time", json_string(a->s->time_s ? a->s->time_s : ""));
		json_object_set_new(e, "first_step_location", json_string(a->s->where ? a->s->where : ""));
		json_object_set_new(e, "first_step_by", json_string(a->s->arn ? a->s->arn : a->s->user ? a->s->user : ""));
		findings_add(cx->out, r, x->s, r->sev, NULL, NULL, e);
		json_object_del(first, x->k1);
	}
	json_decref(first);
}

static void
finish_changed(struct rule *r, struct corr_ctx *cx, struct corr *c)
{
	json_t *last = json_object(); /* key -> index of the latest record */
	size_t i;

	for (i = 0; i < c->n; i++) {
		struct cand *x = &c->c[i], *p;
		json_t *idx = json_object_get(last, x->k1), *e;
		json_int_t prev = idx ? json_integer_value(idx) : -1;
		json_object_set_new(last, x->k1, json_integer((json_int_t)i));
		if (prev < 0)
			continue;
		p = &c->c[prev];
		if (streq(p->k2, x->k2))
			continue;
		e = json_object();
		json_object_set_new(e, "key", json_string(x->k1));
		json_object_set_new(e, "previous", json_string(p->k2));
		json_object_set_new(e, "now", json_string(x->k2));
		json_object_set_new(e, "previous_time", json_string(p->s->time_s ? p->s->time_s : ""));
		json_object_set_new(e, "previous_location", json_string(p->s->where ? p->s->where : ""));
		findings_add(cx->out, r, x->s, r->sev, NULL, NULL, e);
	}
	json_decref(last);
}

static void
finish_ref(struct rule *r, struct corr_ctx *cx, struct corr *c)
{
	const struct prog *pg = find_prog(r->id);
	json_t *known = json_object(); /* key -> {value: index of step 1} */
	size_t i;

	for (i = 0; pg && i < c->n; i++) {
		struct cand *x = &c->c[i], *a = NULL;
		json_t *set = json_object_get(known, x->k1), *e, *v;
		const char *k;
		if (x->flag == 1) {
			if (set == NULL) {
				set = json_object();
				json_object_set_new(known, x->k1, set);
			}
			json_object_set_new(set, x->k2, json_integer((json_int_t)i));
			continue;
		}
		if (x->flag == 2) {
			if (set == NULL)
				continue;
			if (pg->mode == NEWVAL) {
				if (json_object_get(set, x->k2) || json_object_get(set, "\x1f fired"))
					continue;
				json_object_set_new(set, "\x1f fired", json_true()); /* one finding per key */
			}
			json_object_foreach(set, k, v) {
				if (k[0] == '\x1f')
					continue;
				a = &c->c[json_integer_value(v)];
				break;
			}
		}
		e = json_object();
		json_object_set_new(e, "key", json_string(x->k1));
		if (pg->mode == NEWVAL && x->flag == 2) {
			json_t *vals = json_array();
			json_object_set_new(e, "value", json_string(x->k2));
			json_object_foreach(set, k, v)
				if (k[0] != '\x1f')
					json_array_append_new(vals, json_string(k));
			json_object_set_new(e, "earlier_values", vals);
			json_object_set_new(set, x->k2, json_integer((json_int_t)i));
		}
		if (a) {
			json_object_set_new(e, "registered_by", json_string(a->s->what ? a->s->what : ""));
			json_object_set_new(e, "registered_at", json_string(a->s->where ? a->s->where : ""));
		} else if (x->flag == 9)
			json_object_set_new(e, "matched", json_string("by name"));
		findings_add(cx->out, r, x->s, r->sev, NULL, NULL, e);
	}
	json_decref(known);
}

static void
finish_seqn(struct rule *r, struct corr_ctx *cx, struct corr *c)
{
	json_t *state = json_object(); /* key -> [next step, index of step 1] */
	int nsteps = c->x[2] ? 3 : 2;
	size_t i;

	for (i = 0; i < c->n; i++) {
		struct cand *x = &c->c[i], *a;
		json_t *st = json_object_get(state, x->k1), *e;
		json_int_t next, first;
		if (x->flag == 1) {
			json_t *n = json_array();
			json_array_append_new(n, json_integer(2));
			json_array_append_new(n, json_integer((json_int_t)i));
			json_object_set_new(state, x->k1, n);
			continue;
		}
		if (st == NULL)
			continue;
		next = json_integer_value(json_array_get(st, 0));
		first = json_integer_value(json_array_get(st, 1));
		a = &c->c[first];
		if (x->s->time - a->s->time > c->def->window) {
			json_object_del(state, x->k1);
			continue;
		}
		if (x->flag != next)
			continue;
		if (next < nsteps) {
			json_integer_set(json_array_get(st, 0), next + 1);
			continue;
		}
		e = json_object();
		json_object_set_new(e, "key", json_string(x->k1));
		json_object_set_new(e, "first_step", json_string(a->s->what ? a->s->what : ""));
		json_object_set_new(e, "first_step_time", json_string(a->s->time_s ? a->s->time_s : ""));
		json_object_set_new(e, "first_step_location", json_string(a->s->where ? a->s->where : ""));
		findings_add(cx->out, r, x->s, r->sev, NULL, NULL, e);
		json_object_del(state, x->k1);
	}
	json_decref(state);
}

void
corr_finish(struct rule *r, struct corr_ctx *cx)
{
	struct corr *c = r->corr;

	if (c == NULL || c->n == 0)
		return;
	qsort(c->c, c->n, sizeof(*c->c), cmp_cand);
	switch (c->def->kind) {
	case C_FIRST: finish_first(r, cx, c); break;
	case C_BURST: finish_burst(r, cx, c); break;
	case C_SSRF: finish_ssrf(r, cx, c); break;
	case C_SEQ: finish_seq(r, cx, c); break;
	case C_NEWUA: finish_newua(r, cx, c); break;
	case C_REPLAY: finish_replay(r, cx, c); break;
	case C_AWSAUTH: finish_awsauth(r, cx, c); break;
	case C_SEQ2: finish_seq2(r, cx, c); break;
	case C_CHANGED: finish_changed(r, cx, c); break;
	case C_REF: finish_ref(r, cx, c); break;
	case C_SEQN: finish_seqn(r, cx, c); break;
	default: break;
	}
	corr_free(r);
}
