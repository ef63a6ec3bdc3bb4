/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Sequences: steps by one key within a window (a Kubernetes RBAC change
 * then its use; CloudTrail's programmable steps of field expressions, and
 * references: a key registered by one step and met again by another), a
 * value that changed, one credential replayed from several addresses.
 */
#include <stdlib.h>
#include <string.h>

#include "corr.h"

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

/* A step's condition on the record: 1 or 0; a record it cannot judge (a
 * regex PCRE2 cannot decide) is reported, never taken as "no". */
static int
step_match(struct rule *r, struct corr_ctx *cx, const k8a_expr *x, k8a_event *ev)
{
	int m = k8a_expr_match(x, ev);

	if (m == K8A_FATAL)
		fe_nomem_note();
	else if (m < 0) {
		fe_diag(k8a_event_where(ev), "%s: %s", r->id, k8a_event_error(ev));
		cx->trouble = 1;
	}
	return m;
}

/* The key of step i of a programmable correlation: its fields' values, a
 * composite key being the first field with each value of the others. */
static void
prog_keys(const struct prog *pg, int i, k8a_event *ev, json_t *vals)
{
	json_t *first, *rest, *v;
	const char *comma = strchr(pg->key[i], ','), *f;
	char f1[128], k[4096];
	size_t j;

	if (comma == NULL) {
		path_values(ev, pg->key[i], vals, 1);
		return;
	}
	first = json_array();
	rest = json_array();
	snprintf(f1, sizeof(f1), "%.*s", (int)(comma - pg->key[i]), pg->key[i]);
	path_values(ev, f1, first, 0);
	path_values(ev, comma + 1, rest, 1);
	f = json_string_value(json_array_get(first, 0));
	json_array_foreach(rest, j, v) {
		snprintf(k, sizeof(k), "%s|%s", f ? f : "", json_string_value(v));
		json_array_append_new(vals, json_string(k));
	}
	json_decref(first);
	json_decref(rest);
}

/* The steps, compiled on first use (they are ours: they compile). */
static struct corr *
prog_state(struct rule *r, struct corr_ctx *cx, const struct cdef *d, const struct prog *pg)
{
	struct corr *c = r->corr;
	int i;

	if (c == NULL || c->compiled)
		return c;
	c->compiled = 1;
	for (i = 0; i < 3; i++)
		if (pg->cond[i] && (c->x[i] = k8a_expr_compile(pg->cond[i], NULL)) == NULL)
			fe_nomem_note();
	if (pg->fallback && (c->x[3] = k8a_expr_compile(pg->fallback, NULL)) == NULL)
		fe_nomem_note();
	return c;
}

/* CT-LOG-007: is one lifecycle rule both short (7 days or less) and
 * Enabled?  The expression language cannot tie two fields to one element
 * of the list: a year-long rule Enabled next to a Disabled one-week rule
 * would match.  A record that is not a PutBucketLifecycle is not judged. */
static int
short_rule_enabled(k8a_event *ev)
{
	json_t *rules = k8a_json_path(k8a_event_json(ev), "requestParameters.LifecycleConfiguration.Rule"), *x;
	size_t i, n;

	if (!streq(k8a_event_str(ev, K8A_F_VERB), "PutBucketLifecycle"))
		return 1;
	n = json_is_array(rules) ? json_array_size(rules) : 1;
	for (i = 0; i < n; i++) {
		json_t *days;
		long long d;
		x = json_is_array(rules) ? json_array_get(rules, i) : rules;
		days = json_object_get(json_object_get(x, "Expiration"), "Days");
		d = json_is_integer(days) ? json_integer_value(days) :
		    json_is_string(days) ? atoll(json_string_value(days)) : -1;
		if (streq(json_string_value(json_object_get(x, "Status")), "Enabled") && d >= 0 && d <= 7)
			return 1;
	}
	return 0;
}

void
prog_prepare(struct rule *r)
{
	const struct prog *pg = find_prog(r->id);

	if (pg != NULL)
		prog_state(r, NULL, NULL, pg);
}

void
feed_prog(struct rule *r, struct corr_ctx *cx, const struct cdef *d, k8a_event *ev, struct snap *s)
{
	const struct prog *pg = find_prog(r->id);
	struct corr *c;
	char k1[4096], k2[4096];
	int i;

	if (pg == NULL || (c = prog_state(r, cx, d, pg)) == NULL)
		return;
	if (strcmp(r->id, "CT-LOG-007") == 0 && !short_rule_enabled(ev))
		return;
	/* later steps first: a record that is both step 2 and step 1
	 * (a key used to create another) is checked before it registers */
	for (i = 2; i >= 0; i--) {
		json_t *vals, *v;
		size_t j;
		if (c->x[i] == NULL || step_match(r, cx, c->x[i], ev) != 1)
			continue;
		vals = json_array();
		prog_keys(pg, i, ev, vals);
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
}

void
feed_seq2(struct rule *r, struct corr_ctx *cx, const struct cdef *d, k8a_event *ev, struct snap *s)
{
	const char *name = k8a_event_str(ev, K8A_F_VERB);
	char k1[4096];

	if (!path_key(ev, d->kpaths, k1, sizeof(k1)) || name == NULL)
		return;
	if (streq(name, d->step1))
		keep(r, s, k1, name, 1, NULL);
	else if (streq(name, d->step2))
		keep(r, s, k1, name, 2, NULL);
}

void
feed_changed(struct rule *r, struct corr_ctx *cx, const struct cdef *d, k8a_event *ev, struct snap *s)
{
	char k1[4096], k2[4096];

	if (!streq(k8a_event_str(ev, K8A_F_VERB), d->step1) || !path_key(ev, d->kpaths, k1, sizeof(k1)) ||
	    !path_key(ev, d->dpaths, k2, sizeof(k2)))
		return;
	keep(r, s, k1, k2, 0, NULL);
}

/* An RBAC change, then the object it allowed, by one principal. */
void
feed_seq(struct rule *r, struct corr_ctx *cx, const struct cdef *d, k8a_event *ev, struct snap *s)
{
	const char *res = k8a_event_str(ev, K8A_F_RESOURCE);
	int rbac = streq(res, "roles") || streq(res, "clusterroles") || streq(res, "rolebindings") ||
		   streq(res, "clusterrolebindings");
	char k1[4096], k2[4096];

	group_key(KF_USER, ev, k1, sizeof(k1));
	group_key(KF_OBJ, ev, k2, sizeof(k2));
	keep(r, s, k1, k2, rbac ? 1 : 2, NULL);
}

/* One credential from several addresses. */
void
feed_replay(struct rule *r, struct corr_ctx *cx, const struct cdef *d, k8a_event *ev, struct snap *s)
{
	const char *cred, *ip;
	char k1[4096], k2[4096];

	if (d->key == KF_PATHS) {
		if (!path_key(ev, d->kpaths, k1, sizeof(k1)) || !path_key(ev, d->dpaths, k2, sizeof(k2)))
			return;
		keep(r, s, k1, k2, 0, NULL);
		return;
	}
	cred = jstr(ev, "user.extra.\"authentication.kubernetes.io/credential-id\"[0]");
	ip = k8a_event_str(ev, K8A_F_PEER_IP);
	if (cred == NULL || ip == NULL)
		return;
	keep(r, s, cred, ip, 0, NULL);
}

void
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

void
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

void
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

void
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

void
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

void
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
