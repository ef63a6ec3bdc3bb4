/* SPDX-License-Identifier: BSD-2-Clause */
/* rbac-diff: one pass over the inputs, keeping only what the reports need. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "fe.h"
#include "rd.h"

#define MINT_HORIZON (48 * 3600 * INT64_C(1000000))

/* A patch body as sent, without server-managed bulk. */
static json_t *
body_copy(json_t *v)
{
	json_t *c, *md;

	if (v == NULL || json_is_null(v))
		return NULL;
	c = json_deep_copy(v);
	if (json_is_object(md = json_object_get(c, "metadata")))
		json_object_del(md, "managedFields");
	return c;
}

static struct rd_change *
change_new(struct rd *rd, k8a_event *ev, enum rd_kind kind)
{
	struct rd_change *c;
	char text[1024];
	const char *id = k8a_event_str(ev, K8A_F_ID);

	/* The same request met twice (overlapping exports, copies of a
	 * file) is one change. */
	if (id && k8a_event_source(ev) != K8A_SRC_UNKNOWN) {
		if (json_object_get(rd->ids, id)) {
			rd->duplicates++;
			return NULL;
		}
		json_object_set_new(rd->ids, id, json_true());
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		fe_nomem_note();
		return NULL;
	}
	if (rd->nch == rd->capch && rd_grow((void **)&rd->ch, &rd->capch, sizeof(*rd->ch)) != 0) {
		free(c);
		return NULL;
	}
	rd->ch[rd->nch++] = c;
	rd->touched++;
	c->seq = rd->nch;
	c->old = rd->replaying;
	{
		size_t n;
		const char *raw = k8a_event_raw(ev, &n);
		c->rid = k8a_hash64(raw, n);
	}
	c->hidden = !rd_reported(rd, ev);
	c->t = k8a_event_time(ev);
	c->kind = kind;
	c->verb = rd_strdup(k8a_event_str(ev, K8A_F_VERB));
	c->uri = rd_strdup(k8a_event_str(ev, K8A_F_URI));
	if ((c->record = json_object()) != NULL)
		fe_record_json(c->record, ev);
	fe_actor(ev, text, sizeof(text));
	c->actor_text = rd_strdup(text[0] ? text : NULL);
	fe_ips(ev, text, sizeof(text));
	c->ips = rd_strdup(text[0] ? text : NULL);
	if (fe_nomem())
		return NULL; /* a part missing (the run ends; c is freed with rd) */
	return c;
}

static const char *
meta_name(json_t *o)
{
	return json_string_value(json_object_get(json_object_get(o, "metadata"), "name"));
}

static int
is_write(const char *verb)
{
	static const char *const w[] = { "create", "update", "patch", "delete", "deletecollection", NULL };
	size_t i;

	for (i = 0; verb && w[i]; i++)
		if (strcmp(verb, w[i]) == 0)
			return 1;
	return 0;
}

static void
k8s_change(struct rd *rd, k8a_event *ev, enum rd_kind kind)
{
	json_t *root = k8a_event_json(ev);
	json_t *req = json_object_get(root, "requestObject");
	json_t *resp = json_object_get(root, "responseObject");
	const char *name = k8a_event_str(ev, K8A_F_NAME);
	struct rd_change *c;

	if (kind == RD_AWSAUTH) {
		const char *n = name ? name : meta_name(req) ? meta_name(req) : meta_name(resp);
		if (n == NULL || strcmp(n, "aws-auth") != 0)
			return;
	}
	if ((c = change_new(rd, ev, kind)) == NULL)
		return;
	c->code = k8a_event_code(ev);
	c->ok = c->code == 0 || (c->code >= 200 && c->code < 300);
	if (name == NULL)
		name = meta_name(resp) ? meta_name(resp) : meta_name(req);
	c->name = rd_strdup(name);
	c->ns = rd_strdup(kind == RD_ROLE || kind == RD_RB || kind == RD_AWSAUTH ?
		k8a_event_str(ev, K8A_F_NAMESPACE) : NULL);
	if (json_is_object(resp) &&
	    strcmp(json_string_value(json_object_get(resp, "kind")) ? json_string_value(json_object_get(resp, "kind")) : "",
		    rd_kind_name(kind)) == 0)
		c->resp = rd_trim(resp, kind);
	if (strcmp(c->verb, "patch") == 0)
		c->req = body_copy(req);
	else if (json_is_object(req) && strcmp(c->verb, "delete") != 0 &&
		 strcmp(c->verb, "deletecollection") != 0)
		c->req = rd_trim(req, kind);
	if (!c->ok) {
		const char *msg = json_string_value(json_object_get(json_object_get(root, "responseStatus"), "message"));
		c->error = rd_strdup(msg ? msg : json_string_value(json_object_get(json_object_get(root, "responseStatus"), "reason")));
	}
}

/* ---- CloudTrail: EKS access entries ---- */

/* CloudTrail records a principal ARN in a request path URL-encoded. */
static char *
url_decode(const char *s)
{
	char *o;

	if (s == NULL)
		return NULL;
	if ((o = malloc(strlen(s) + 1)) == NULL) {
		fe_nomem_note();
		return NULL;
	}
	k8a_pct_decode(s, strlen(s), K8A_PCT_KEEP_NUL, o);
	return o;
}

static void
access_change(struct rd *rd, k8a_event *ev)
{
	json_t *root = k8a_event_json(ev);
	json_t *rp = json_object_get(root, "requestParameters");
	json_t *re = json_object_get(root, "responseElements");
	const char *cluster = json_string_value(json_object_get(rp, "clusterName"));
	const char *principal = json_string_value(json_object_get(rp, "principalArn"));
	const char *err = json_string_value(json_object_get(root, "errorCode"));
	struct rd_change *c;

	if (cluster == NULL)
		cluster = json_string_value(json_object_get(rp, "name"));
	if (principal == NULL)
		principal = json_string_value(json_object_get(json_object_get(re, "accessEntry"), "principalArn"));
	if ((c = change_new(rd, ev, RD_ACCESS)) == NULL)
		return;
	c->ok = err == NULL;
	c->code = err ? 400 : 200;
	if (err) {
		const char *msg = json_string_value(json_object_get(root, "errorMessage"));
		size_t n = strlen(err) + (msg ? strlen(msg) : 0) + 3;
		if ((c->error = malloc(n)) != NULL)
			snprintf(c->error, n, "%s%s%s", err, msg ? ": " : "", msg ? msg : "");
		else
			fe_nomem_note();
	}
	c->ns = rd_strdup(cluster);
	c->name = url_decode(principal);
	c->req = json_is_object(rp) ? json_deep_copy(rp) : NULL;
	c->resp = json_is_object(re) ? json_deep_copy(re) : NULL;
}


static enum rd_kind
kind_of(const char *group, const char *res)
{
	if (res == NULL)
		return RD_NKINDS;
	if (group && strcmp(group, "rbac.authorization.k8s.io") == 0) {
		if (strcmp(res, "roles") == 0)
			return RD_ROLE;
		if (strcmp(res, "clusterroles") == 0)
			return RD_CROLE;
		if (strcmp(res, "rolebindings") == 0)
			return RD_RB;
		if (strcmp(res, "clusterrolebindings") == 0)
			return RD_CRB;
	}
	if (group == NULL && strcmp(res, "configmaps") == 0)
		return RD_AWSAUTH;
	return RD_NKINDS;
}

/* The kind of a Kubernetes object we replay (not an audit event), or RD_NKINDS. */
static enum rd_kind
object_kind(json_t *o)
{
	const char *api = json_string_value(json_object_get(o, "apiVersion"));
	const char *kind = json_string_value(json_object_get(o, "kind"));
	json_t *md = json_object_get(o, "metadata");
	const char *ns = json_string_value(json_object_get(md, "namespace"));
	const char *name = json_string_value(json_object_get(md, "name"));
	int k;

	if (api == NULL || kind == NULL || name == NULL)
		return RD_NKINDS;
	if (strncmp(api, "rbac.authorization.k8s.io/", 26) == 0) {
		for (k = RD_ROLE; k <= RD_CRB; k++)
			if (strcmp(kind, rd_kind_name((enum rd_kind)k)) == 0)
				return (enum rd_kind)k;
		return RD_NKINDS;
	}
	if (strcmp(api, "v1") == 0 && strcmp(kind, "ConfigMap") == 0 && strcmp(name, "aws-auth") == 0 &&
	    ns && strcmp(ns, "kube-system") == 0)
		return RD_AWSAUTH;
	return RD_NKINDS;
}

static void
snapshot_object(struct rd *rd, k8a_event *ev, enum rd_kind k, int64_t t)
{
	json_t *o = k8a_event_json(ev), *md = json_object_get(o, "metadata");
	struct rd_change *c = change_new(rd, ev, k);

	if (c == NULL)
		return;
	free(c->verb);
	c->verb = fe_strdup("snapshot");
	c->t = t;
	c->ok = 1;
	c->name = rd_strdup(json_string_value(json_object_get(md, "name")));
	if (k == RD_ROLE || k == RD_RB || k == RD_AWSAUTH)
		c->ns = rd_strdup(json_string_value(json_object_get(md, "namespace")));
	c->req = rd_trim(o, k);
}

static void
one_k8s(struct rd *rd, k8a_event *ev)
{
	const char *stage = k8a_event_str(ev, K8A_F_STAGE);
	const char *verb = k8a_event_str(ev, K8A_F_VERB);
	const char *sub = k8a_event_str(ev, K8A_F_SUBRESOURCE);
	enum rd_kind k;

	if (stage && strcmp(stage, "ResponseComplete") != 0 && strcmp(stage, "Panic") != 0)
		return;
	k = kind_of(k8a_event_str(ev, K8A_F_API_GROUP), k8a_event_str(ev, K8A_F_RESOURCE));
	if (k != RD_NKINDS && sub == NULL && is_write(verb)) {
		const char *ns = k8a_event_str(ev, K8A_F_NAMESPACE);
		if (k != RD_AWSAUTH || (ns && strcmp(ns, "kube-system") == 0))
			k8s_change(rd, ev, k);
	}
	rd_note_request(rd, ev);
}

static void
one_cloudtrail(struct rd *rd, k8a_event *ev)
{
	const char *svc = k8a_event_str(ev, K8A_F_SERVICE);
	const char *name = k8a_event_str(ev, K8A_F_VERB);
	static const char *const ae[] = {
		"CreateAccessEntry", "UpdateAccessEntry", "DeleteAccessEntry",
		"AssociateAccessPolicy", "DisassociateAccessPolicy", NULL,
	};
	size_t i;

	if (svc == NULL || name == NULL)
		return;
	if (strcmp(svc, "sts.amazonaws.com") == 0) {
		rd_mint_add(rd, ev);
		return;
	}
	if (strcmp(svc, "eks.amazonaws.com") != 0)
		return;
	for (i = 0; ae[i]; i++)
		if (strcmp(name, ae[i]) == 0)
			access_change(rd, ev);
}

/* What one record tells; kept whole for the merge (--partial) when it
 * left a trace, at its place in a merge's partials (at) or where it was
 * read.  0, or -1 when memory ran out. */
static int
collect_one(struct rd *rd, k8a_event *ev, const struct fe_place *at)
{
	uint64_t traces = rd->touched, minted = rd->minted;
	int64_t t;

	if (k8a_event_json(ev) == NULL) {
		if (k8a_event_nomem(ev))
			return -1;
		if (!rd->silent)
			fe_diag(k8a_event_where(ev), "%s", k8a_event_error(ev));
		rd->trouble = 1;
		return 0;
	}
	t = k8a_event_time(ev);
	if (t != INT64_MIN) {
		if (t < rd->t_min)
			rd->t_min = t;
		if (t > rd->t_max)
			rd->t_max = t;
	}
	switch (k8a_event_source(ev)) {
	case K8A_SRC_K8S: one_k8s(rd, ev); break;
	case K8A_SRC_CLOUDTRAIL: one_cloudtrail(rd, ev); break;
	case K8A_SRC_UNKNOWN:
		if (object_kind(k8a_event_json(ev)) != RD_NKINDS) {
			rd->ignored_objects++;
			rd->touched++;
		}
		break;
	}
	if (rd->part != NULL && rd->touched != traces) {
		/* a record that only minted a key matters while the key
		 * lives (at most 36 hours): a --state forgets it after two
		 * days of record time */
		int64_t until = rd->touched - traces == rd->minted - minted && t != INT64_MIN ?
			t + MINT_HORIZON : INT64_MAX;
		if (fe_partial_keep_until(rd->part, ev, at, until) != 0)
			return -1;
	}
	/* what it told is kept whole, or the run ends here */
	return fe_nomem() || k8a_event_nomem(ev) ? -1 : 0;
}

/* The merge's question must be the shards': which records they kept
 * depends on it. */
static int
check_part(void *arg, const char *path, const json_t *meta)
{
	if (!json_equal(json_object_get(meta, "question"), arg)) {
		fe_diag(path, "made for another question than this merge's: give the shards the --who-can, -n, "
			"--granted-vs-used and --exposure of the merge");
		return -2;
	}
	return 0;
}

json_t *
rd_question(const struct rd *rd)
{
	return json_pack("{s:s?,s:s?,s:s?,s:s?,s:b}", "who_can", rd->who_verb, "resource", rd->who_res,
		"namespace", rd->ns, "granted_vs_used", rd->gvu, "exposure", rd->exposure);
}

/* --merge: the records the shards kept, in one run's order.  0, or -1
 * after a message. */
static int
collect_merge(struct rd *rd)
{
	struct fe_merge *m;
	struct fe_place at;
	json_t *question = rd_question(rd);
	k8a_event *ev;
	int rc;

	if (question == NULL) {
		fe_nomem_diag(NULL);
		return -1;
	}
	rc = fe_merge_open(&m, "rbac-diff", rd->nmerge, rd->mergev, check_part, question, rd->sc.limit[FE_LIMIT_STATE]);
	json_decref(question);
	if (rc != 0)
		return -1;
	while ((rc = fe_merge_next(m, &ev, &at)) == K8A_OK)
		if (collect_one(rd, ev, &at) != 0) {
			fe_nomem_diag(k8a_event_where(ev));
			rc = K8A_FATAL;
			break;
		}
	rd->records = fe_merge_records(m);
	if (fe_merge_trouble(m))
		rd->trouble = 1;
	fe_merge_free(m);
	return rc == K8A_FATAL ? -1 : 0;
}

int
rd_collect(struct rd *rd)
{
	k8a_event *ev;
	k8a_prefilter *pf = NULL;
	/* snapshots' problems are reported even with -s: they were named */
	struct fe_scope snap_sc = { 0 };
	struct fe_run run = { 0 }, srun;
	size_t i;

	if (rd->r == NULL) {
		fe_nomem_diag(NULL);
		return -1;
	}
	if (rd->merge) {
		if (collect_merge(rd) != 0)
			return -1;
		goto snapshots;
	}
	if (rd->prior != NULL) { /* --state: what earlier runs kept, first */
		struct fe_place at;
		rd->replaying = 1;
		while (fe_merge_next(rd->prior, &ev, &at) == K8A_OK)
			if (collect_one(rd, ev, &at) != 0) {
				fe_nomem_diag(rd->state_path);
				return -1;
			}
		rd->replaying = 0;
	}
	k8a_reader_set_threads(rd->r, rd->threads ? rd->threads : fe_default_threads());
	fe_scope_reader(&rd->sc, rd->r);
	/* Only records holding one of these strings can matter: the RBAC
	 * group, aws-auth, STS and EKS, and the subject asked about (when
	 * its name is made of characters no JSON writer escapes). */
	{
		const char *lits[10] = {
			"rbac.authorization.k8s.io", "aws-auth", "sts.amazonaws.com", "eks.amazonaws.com",
		};
		int n = 4, exact = 1;
		if (rd->gvu) {
			const char *p;
			for (p = rd->gvu; *p; p++)
				if (!(isalnum((unsigned char)*p) || strchr(":._@/-", *p)))
					exact = 0;
			lits[n++] = rd->gvu;
		}
		if (rd->exposure) {
			lits[n++] = "system:anonymous";
			lits[n++] = "system:unauthenticated";
		}
		if (rd->who_verb) { /* a request on a resource names it in its URI */
			static char base[256];
			const char *src = rd->q.url ? rd->q.url : rd->q.resource;
			size_t bl = strcspn(src, rd->q.url ? "*" : "/");
			snprintf(base, sizeof(base), "%.*s", (int)bl, src);
			if (*base)
				lits[n++] = base;
			else
				exact = 0;
		}
		lits[n] = NULL;
		if (exact && (!rd->gvu || *rd->gvu)) {
			pf = k8a_prefilter_new(lits);
			k8a_reader_set_prefilter(rd->r, pf);
		}
	}
	while ((ev = fe_next_record(rd->r, &rd->sc, &run)) != NULL) {
		if (rd->part != NULL && fe_partial_read(rd->part, ev) != 0)
			goto nomem;
		if (collect_one(rd, ev, NULL) != 0)
			goto nomem;
	}
	fe_progress_end();
	k8a_reader_set_prefilter(rd->r, NULL);
	k8a_prefilter_free(pf);
	pf = NULL;
	rd->records = run.records;
	if (run.trouble)
		rd->trouble = 1;
	if (run.fatal) /* reported: nothing after it can be trusted */
		return -1;
snapshots:
	if (rd->ignored_objects)
		fe_diag(NULL, "%llu RBAC objects outside audit events were ignored; pass snapshots with --snapshot",
			(unsigned long long)rd->ignored_objects);
	for (i = 0; i < rd->nsnaps; i++) {
		k8a_reader *sr = k8a_reader_new();
		size_t before = rd->nch;
		if (sr == NULL) {
			fe_nomem_diag(NULL);
			return -1;
		}
		k8a_reader_add_path(sr, rd->snaps[i].path);
		memset(&srun, 0, sizeof(srun));
		while ((ev = fe_next_record(sr, &snap_sc, &srun)) != NULL) {
			enum rd_kind k;
			if (k8a_event_json(ev) == NULL && !k8a_event_nomem(ev)) {
				fe_diag(k8a_event_where(ev), "%s", k8a_event_error(ev));
				rd->trouble = 1;
				continue;
			}
			if (k8a_event_json(ev) != NULL && (k = object_kind(k8a_event_json(ev))) != RD_NKINDS)
				snapshot_object(rd, ev, k, rd->snaps[i].t);
			if (fe_nomem() || k8a_event_nomem(ev)) {
				fe_nomem_diag(k8a_event_where(ev));
				k8a_reader_free(sr);
				return -1;
			}
		}
		if (srun.trouble)
			rd->trouble = 1;
		if (srun.fatal) {
			k8a_reader_free(sr);
			return -1;
		}
		if (rd->nch == before && !rd->silent)
			fe_diag(rd->snaps[i].path, "no Roles, ClusterRoles, bindings or aws-auth in this snapshot");
		k8a_reader_free(sr);
	}
	return 0;
nomem:
	fe_nomem_diag(k8a_event_where(ev));
	fe_progress_end();
	k8a_reader_set_prefilter(rd->r, NULL);
	k8a_prefilter_free(pf);
	return -1;
}
