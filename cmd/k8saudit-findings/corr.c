/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Detections that need C: a per-record computation the expression language
 * cannot express (GuardDuty tactic buckets, IP lists), or state across
 * records (first seen, bursts, sequences, the pods/status SSRF chain, the
 * aws-auth before/after diff).
 *
 * Each is tied to a rule id in k8saudit-rules(5) with `kind correlation`;
 * the rule's `when` selects candidate records, corr_feed() hands each to
 * its kind, which keeps what the state machine needs (a snapshot and a few
 * keys) or reports it at once, and corr_finish() sorts what was kept by
 * time and runs the kind's state machine.  Input order is never trusted:
 * audit logs from several API servers and CloudTrail files interleave.
 *
 * This file: the definitions, and the table of what each kind does.  The
 * kinds live in corr_builtin.c (one record), corr_first.c, corr_burst.c,
 * corr_seq.c, corr_ssrf.c and corr_awsauth.c; what they share in
 * corr_state.c (kept candidates) and corr_record.c (reading a record).
 */
#include <stdlib.h>
#include <string.h>

#include "corr.h"

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
	{ "K8S-EKS-001", C_REAPPLY, KF_NONE, KF_NONE, 0, 0, 0, NULL, NULL, NULL, NULL, NULL, 0 },
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
	{ "CT-CMP-018", C_BURST, KF_PATHS, KF_PATHS, 10, 10 * MIN, 0, NULL, "userIdentity.arn", "requestParameters.instancesSet.items.instanceId", NULL, NULL, 0 },
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

static const struct cdef *
find_def(const char *id)
{
	size_t i;

	for (i = 0; i < sizeof(defs) / sizeof(defs[0]); i++)
		if (strcmp(defs[i].id, id) == 0)
			return &defs[i];
	return NULL;
}

/* A rule's definition: a Sigma correlation's own, else the table's. */
static const struct cdef *
rule_def(const struct rule *r)
{
	const struct cdef *d = sigma_def(r);

	return d ? d : find_def(r->id);
}

int
corr_teaches(const struct rule *r)
{
	const struct cdef *d = rule_def(r);

	return d != NULL && (d->kind == C_FIRST || d->kind == C_NEWUA);
}

int
corr_grades_itself(const struct rule *r)
{
	const struct cdef *d = r->correlation ? rule_def(r) : NULL;

	return d != NULL && d->kind == C_REAPPLY;
}

int
corr_known(const char *id)
{
	return find_def(id) != NULL;
}

int
corr_usable(const struct rule *r, const struct corr_ctx *cx)
{
	const struct cdef *d = rule_def(r);

	if (d == NULL)
		return 0;
	if (d->kind == C_IP)
		return cx->iplist != NULL;
	if (d->kind == C_TOR)
		return cx->tor != NULL;
	return 1;
}

static enum sev
sev_max(enum sev a, enum sev b)
{
	return a > b ? a : b;
}

enum sev
corr_max_sev(const struct rule *r)
{
	const struct cdef *d = r->correlation ? rule_def(r) : NULL;

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
	const struct cdef *d = rule_def(r);

	if (d == NULL || d->kind != C_SYSPUB)
		return -1;
	return (memmem(raw, n, "system:", 7) || memmem(raw, n, "eks:", 4)) && raw_public_source(raw, n);
}

/* What each kind does with a candidate record, and at the end. */
static const struct {
	corr_feed_fn *feed;
	corr_finish_fn *finish; /* NULL: every candidate was decided when fed */
} ops[] = {
	[C_ANON] = { feed_anon, NULL },
	[C_IP] = { feed_ip, NULL },
	[C_TOR] = { feed_tor, NULL },
	[C_SSRF] = { feed_ssrf, finish_ssrf },
	[C_FIRST] = { feed_first, finish_first },
	[C_BURST] = { feed_burst, finish_burst },
	[C_AWSAUTH] = { feed_awsauth, finish_awsauth },
	[C_SEQ] = { feed_seq, finish_seq },
	[C_NEWUA] = { feed_newua, finish_newua },
	[C_REPLAY] = { feed_replay, finish_replay },
	[C_CMCREDS] = { feed_cmcreds, NULL },
	[C_SYSPUB] = { feed_syspub, NULL },
	[C_SEQ2] = { feed_seq2, finish_seq2 },
	[C_CHANGED] = { feed_changed, finish_changed },
	[C_REF] = { feed_prog, finish_ref },
	[C_SEQN] = { feed_prog, finish_seqn },
	[C_XNS] = { feed_xns, NULL },
	[C_REAPPLY] = { feed_reapply, finish_reapply },
	[C_SIGTEMP] = { feed_sigtemp, finish_sigtemp },
};

int
corr_carries_all(const struct rule *r)
{
	const struct cdef *d = r->correlation ? find_def(r->id) : NULL;

	return d != NULL && ops[d->kind].finish != NULL && d->window <= 0 && d->kind != C_FIRST;
}

void
corr_feed(struct rule *r, struct corr_ctx *cx, k8a_event *ev, struct snap *s)
{
	const struct cdef *d = rule_def(r);

	if (d == NULL)
		return;
	if (ops[d->kind].finish != NULL && r->corr == NULL) {
		/* the state of a kind that keeps candidates */
		if ((r->corr = calloc(1, sizeof(*r->corr))) == NULL) {
			fe_nomem_note();
			return;
		}
		r->corr->def = d;
	}
	ops[d->kind].feed(r, cx, d, ev, s);
}

int
corr_resume(struct rule *r, const json_t *j)
{
	const struct cdef *d = find_def(r->id);

	if (d == NULL || ops[d->kind].finish == NULL)
		return -1;
	return corr_restore(r, d, j);
}

int
corr_merge_keep(struct rule *r, struct snap *s, const char *k1, const char *k2, int flag, json_t *ev)
{
	const struct cdef *d = rule_def(r);

	if (d == NULL || ops[d->kind].finish == NULL) {
		json_decref(ev);
		return -1;
	}
	if (r->corr == NULL) {
		if ((r->corr = calloc(1, sizeof(*r->corr))) == NULL) {
			fe_nomem_note();
			json_decref(ev);
			return 0;
		}
		r->corr->def = d;
		prog_prepare(r);
	}
	if (s->time != INT64_MIN && s->time > r->corr->maxtime)
		r->corr->maxtime = s->time;
	keep(r, s, k1, k2, flag, ev);
	return 0;
}

void
corr_finish(struct rule *r, struct corr_ctx *cx)
{
	struct corr *c = r->corr;

	if (c == NULL || c->n == 0)
		return;
	qsort(c->c, c->n, sizeof(*c->c), cmp_cand);
	if (c->def != NULL && ops[c->def->kind].finish != NULL)
		ops[c->def->kind].finish(r, cx, c);
	if (cx->carry != NULL && c->def != NULL)
		json_object_set_new(cx->carry, r->id, corr_persist(c));
	corr_free(r);
}
