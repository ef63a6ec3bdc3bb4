/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rbac-diff: what requests tell, beyond the changes: which binding the
 * authorizer named when it allowed a --who-can request, the uses of the
 * --granted-vs-used subject, and the anonymous requests --exposure lists.
 * Only aggregates and, for --exposure, a bounded list are kept.
 */
#include <stdlib.h>
#include <string.h>

#include "fe.h"
#include "rd.h"

/* Read one Go-quoted name ("...") at *p; 0 on success. */
static int
quoted(const char **p, char *out, size_t outsz)
{
	const char *s = *p;
	size_t n = 0;

	if (*s++ != '"')
		return -1;
	while (*s && *s != '"') {
		if (*s == '\\' && s[1])
			s++;
		if (n + 1 < outsz)
			out[n++] = *s;
		s++;
	}
	if (*s != '"')
		return -1;
	out[n] = '\0';
	*p = s + 1;
	return 0;
}

/* "KIND \"NAME\"" at *p. */
static int
kind_name(const char **p, char *kind, size_t ksz, char *name, size_t nsz)
{
	const char *s = *p, *sp = strchr(s, ' ');

	if (sp == NULL || (size_t)(sp - s) >= ksz)
		return -1;
	memcpy(kind, s, (size_t)(sp - s));
	kind[sp - s] = '\0';
	s = sp + 1;
	if (quoted(&s, name, nsz) != 0)
		return -1;
	*p = s;
	return 0;
}

/* "NAME/NS" as NS/NAME (how the authorizer writes namespaced names). */
static void
ns_name(const char *v, char *out, size_t outsz)
{
	const char *slash = strchr(v, '/');

	if (slash)
		snprintf(out, outsz, "%s/%.*s", slash + 1, (int)(slash - v), v);
	else
		snprintf(out, outsz, "%s", v);
}

/* The RBAC authorizer's reason, read.  Its forms:
 *   RBAC: allowed by KIND "NAME" of KIND "ROLE" to KIND "SUBJECT"
 *   EKS Access Policy: allowed by AccessEntry "PRINCIPAL+POLICY" of Policy "ARN/POLICY" to ... */
struct reason {
	char via[400];     /* ClusterRoleBinding/NAME, RoleBinding/NS/NAME or AccessEntry/PRINCIPAL */
	char role[400];    /* ClusterRole/NAME, Role/NAME or policy:NAME */
	char subject[400]; /* as the items write it */
	char ns[300];      /* a RoleBinding's namespace, else "" */
};

/* 0 when the reason is one of the forms above. */
static int
parse_reason(const char *reason, struct reason *r)
{
	const char *p;
	char bk[64], bn[300], rk[64], rn[300], sk[64], sn[300], tmp[300];
	int eks = 0;

	if (reason && strncmp(reason, "EKS Access Policy: allowed by ", 30) == 0)
		eks = 1, p = reason + 30;
	else if (reason && strncmp(reason, "RBAC: allowed by ", 17) == 0)
		p = reason + 17;
	else
		return -1;
	if (kind_name(&p, bk, sizeof(bk), bn, sizeof(bn)) != 0 || strncmp(p, " of ", 4) != 0)
		return -1;
	p += 4;
	if (kind_name(&p, rk, sizeof(rk), rn, sizeof(rn)) != 0 || strncmp(p, " to ", 4) != 0)
		return -1;
	p += 4;
	if (kind_name(&p, sk, sizeof(sk), sn, sizeof(sn)) != 0)
		return -1;
	r->ns[0] = '\0';
	if (eks) {
		/* EKS access policies: binding "PRINCIPAL+POLICY", role POLICY. */
		const char *plus = strchr(bn, '+'), *slash = strrchr(rn, '/');
		snprintf(r->via, sizeof(r->via), "AccessEntry/%.*s", (int)(plus ? (size_t)(plus - bn) : strlen(bn)), bn);
		snprintf(r->role, sizeof(r->role), "policy:%s", slash ? slash + 1 : rn);
	} else {
		const char *slash = strchr(bn, '/');
		if (strcmp(bk, "RoleBinding") == 0) {
			ns_name(bn, tmp, sizeof(tmp));
			snprintf(r->via, sizeof(r->via), "RoleBinding/%s", tmp);
			if (slash)
				snprintf(r->ns, sizeof(r->ns), "%s", slash + 1);
		} else
			snprintf(r->via, sizeof(r->via), "%s/%s", bk, bn);
		snprintf(r->role, sizeof(r->role), "%s/%s", rk, rn);
	}
	if (strcmp(sk, "ServiceAccount") == 0) {
		ns_name(sn, tmp, sizeof(tmp));
		snprintf(r->subject, sizeof(r->subject), "ServiceAccount:%s", tmp);
	} else
		snprintf(r->subject, sizeof(r->subject), "%s:%s", sk, sn);
	return 0;
}


/* The use of (verb, group, resource, namespace), found or added; NULL
 * past the bound or out of memory. */
static struct rd_use *
use_of(struct rd *rd, const char *verb, const char *group, const char *resource, const char *ns)
{
	char *key;
	json_t *idx;
	struct rd_use *u;
	size_t n = strlen(verb) + strlen(group) + strlen(resource) + strlen(ns) + 4 * 24;

	/* lengths first: no field can forge another's boundary */
	if ((key = malloc(n)) == NULL) {
		fe_nomem_note();
		return NULL;
	}
	snprintf(key, n, "%zu:%s%zu:%s%zu:%s%zu:%s", strlen(verb), verb, strlen(group), group, strlen(resource),
		resource, strlen(ns), ns);
	if ((idx = json_object_get(rd->use_index, key)) != NULL) {
		free(key);
		return &rd->uses[json_integer_value(idx)];
	}
	/* bounded: a subject with more distinct uses is not least-privilege material */
	if (rd->nuses >= 100000 || (rd->nuses == rd->capuses && rd_grow((void **)&rd->uses, &rd->capuses, sizeof(*u)) != 0) ||
	    json_object_set_new(rd->use_index, key, json_integer((json_int_t)rd->nuses)) != 0) {
		free(key);
		return NULL;
	}
	free(key);
	u = &rd->uses[rd->nuses++];
	memset(u, 0, sizeof(*u));
	u->verb = fe_strdup(verb);
	u->group = fe_strdup(group);
	u->resource = fe_strdup(resource);
	u->ns = fe_strdup(ns);
	if (fe_nomem())
		return NULL; /* the run ends; the fields are freed with it */
	return u;
}

static void
count_use(struct rd *rd, k8a_event *ev, json_t *groups)
{
	const char *verb = k8a_event_str(ev, K8A_F_VERB);
	const char *res = k8a_event_str(ev, K8A_F_RESOURCE);
	const char *sub = k8a_event_str(ev, K8A_F_SUBRESOURCE);
	const char *grp = k8a_event_str(ev, K8A_F_API_GROUP);
	const char *ns = k8a_event_str(ev, K8A_F_NAMESPACE);
	const char *uri = k8a_event_str(ev, K8A_F_URI);
	const char *dec = k8a_event_str(ev, K8A_F_DECISION);
	int code = k8a_event_code(ev);
	int64_t t = k8a_event_time(ev);
	char *what;
	struct rd_use *u;
	struct reason why;
	json_t *x;
	size_t i;

	if (verb == NULL || (res == NULL && uri == NULL))
		return;
	rd->touched++;
	json_array_foreach(groups, i, x)
		if (json_string_value(x))
			json_object_set_new(rd->groups, json_string_value(x), json_true());
	/* a resource[/subresource] in a namespace, or a non-resource URL's path */
	if ((res && asprintf(&what, "%s%s%s", res, sub ? "/" : "", sub ? sub : "") < 0) ||
	    (!res && (what = strndup(uri, strcspn(uri, "?"))) == NULL)) {
		fe_nomem_note();
		return;
	}
	u = use_of(rd, verb, res && grp ? grp : "", what, res && ns ? ns : "");
	free(what);
	if (u == NULL)
		return;
	if (u->ok + u->denied == 0)
		u->first = u->last = t;
	if (u->observed == NULL && dec && strcmp(dec, "allow") == 0 &&
	    parse_reason(k8a_event_str(ev, K8A_F_REASON), &why) == 0 &&
	    asprintf(&u->observed, "%s of %s", why.via, why.role) < 0) {
		u->observed = NULL;
		fe_nomem_note();
	}
	if (code == 0 || (code >= 100 && code < 400)) /* 101: exec, attach, port-forward upgraded */
		u->ok++;
	else
		u->denied++;
	if (t != INT64_MIN && t < u->first)
		u->first = t;
	if (t > u->last)
		u->last = t;
}

/* The JSON text of a request for --exposure --json, whole but for its
 * last member and closing brace (via_this_binding depends on the window):
 * made now, so that writing a window's line allocates nothing.  NULL when
 * out of memory (noted). */
static char *
request_json(k8a_event *ev, const char *verb, const char *target, const char *reason)
{
	json_t *o = json_object(), *rec = json_object();
	char *s = NULL;

	fe_record_json(rec, ev);
	rd_put_record(o, rec, k8a_event_time(ev));
	rd_set_str(o, "verb", verb);
	rd_set_str(o, "target", target);
	json_object_set_new(o, "code", json_integer(k8a_event_code(ev)));
	rd_set_str(o, "reason", reason);
	if ((s = fe_json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII)) != NULL)
		s[strlen(s) - 1] = '\0'; /* the '}' */
	json_decref(rec);
	json_decref(o);
	return s;
}

static void
keep_request(struct rd *rd, k8a_event *ev)
{
	struct rd_req *q;
	char target[512];
	const char *verb = k8a_event_str(ev, K8A_F_VERB), *reason = k8a_event_str(ev, K8A_F_REASON);

	rd->touched++;
	if (rd->nreqs >= 200000) {
		rd->dropped_reqs++;
		return;
	}
	if (rd->nreqs == rd->capreqs && rd_grow((void **)&rd->reqs, &rd->capreqs, sizeof(*rd->reqs)) != 0)
		return; /* out of memory: noted */
	q = &rd->reqs[rd->nreqs++];
	memset(q, 0, sizeof(*q));
	q->t = k8a_event_time(ev);
	q->hidden = !rd_reported(rd, ev);
	q->code = k8a_event_code(ev);
	q->reason = rd_strdup(reason);
	q->ns = rd_strdup(k8a_event_str(ev, K8A_F_NAMESPACE));
	fe_target(ev, target, sizeof(target));
	if (rd->json) {
		/* as text: parsed, a request costs several times as much, and
		 * only those inside a window are ever printed */
		q->record = request_json(ev, verb, target[0] ? target : NULL, reason);
		return;
	}
	q->verb = rd_strdup(verb);
	q->target = rd_strdup(target[0] ? target : NULL);
	q->ip = rd_strdup(k8a_event_str(ev, K8A_F_SOURCE_IP));
	q->ua = rd_strdup(k8a_event_str(ev, K8A_F_USER_AGENT));
	fe_actor(ev, target, sizeof(target));
	q->actor_text = rd_strdup(target[0] ? target : NULL);
}

static int
request_matches(struct rd *rd, k8a_event *ev)
{
	const struct rd_query *q = &rd->q;
	const char *verb = k8a_event_str(ev, K8A_F_VERB), *res = k8a_event_str(ev, K8A_F_RESOURCE);

	if (verb == NULL || strcmp(verb, q->verb) != 0)
		return 0;
	if (q->url) {
		const char *uri = k8a_event_str(ev, K8A_F_URI);
		size_t n = uri ? strcspn(uri, "?") : 0, ql = strlen(q->url);
		if (res || uri == NULL)
			return 0;
		if (ql && q->url[ql - 1] == '*')
			return strncmp(uri, q->url, ql - 1) == 0;
		return n == ql && strncmp(uri, q->url, n) == 0;
	} else {
		const char *sub = k8a_event_str(ev, K8A_F_SUBRESOURCE), *grp = k8a_event_str(ev, K8A_F_API_GROUP);
		const char *ns = k8a_event_str(ev, K8A_F_NAMESPACE);
		char full[600];
		if (res == NULL)
			return 0;
		snprintf(full, sizeof(full), "%s%s%s", res, sub ? "/" : "", sub ? sub : "");
		if (strcmp(full, q->resource) != 0)
			return 0;
		if (!q->any_group && strcmp(grp ? grp : "", q->group) != 0)
			return 0;
		if (rd->ns && (ns == NULL || strcmp(ns, rd->ns) != 0))
			return 0;
	}
	return 1;
}

/* --who-can: remember which binding the authorizer said allowed a
 * matching request ("RBAC: allowed by ClusterRoleBinding \"b\" of
 * ClusterRole \"r\" to User \"u\""). */
static void
observe(struct rd *rd, k8a_event *ev)
{
	const char *reason = k8a_event_str(ev, K8A_F_REASON), *dec = k8a_event_str(ev, K8A_F_DECISION);
	char key[1200];
	struct reason why;
	int64_t t = k8a_event_time(ev);
	json_t *o;

	if (dec == NULL || strcmp(dec, "allow") != 0 || !request_matches(rd, ev) || parse_reason(reason, &why) != 0)
		return;
	rd->touched++;
	snprintf(key, sizeof(key), "%s\t%s", why.via, why.subject);
	if ((o = json_object_get(rd->seen_allowed, key)) == NULL) {
		if (json_object_size(rd->seen_allowed) >= 10000)
			return;
		o = json_pack("{s:s,s:s,s:s,s:I,s:I,s:i}", "via", why.via, "subject", why.subject, "role", why.role,
			"first", (json_int_t)t, "last", (json_int_t)t, "count", 0);
		if (o == NULL || json_object_set_new(rd->seen_allowed, key, o) != 0)
			return;
		rd_set_str(o, "namespace", why.ns);
	}
	json_object_set_new(o, "count", json_integer(json_integer_value(json_object_get(o, "count")) + 1));
	if (t != INT64_MIN && t < json_integer_value(json_object_get(o, "first")))
		json_object_set_new(o, "first", json_integer(t));
	if (t > json_integer_value(json_object_get(o, "last")))
		json_object_set_new(o, "last", json_integer(t));
}

/* A Kubernetes request: what the question asked needs of it.  The user is
 * the impersonated one when there is one (RBAC judged that user). */
void
rd_note_request(struct rd *rd, k8a_event *ev)
{
	json_t *root, *iu, *groups;
	const char *user;

	if (rd->who_verb)
		observe(rd, ev);
	if (!rd->gvu && !rd->exposure)
		return;
	root = k8a_event_json(ev);
	iu = json_object_get(root, "impersonatedUser");
	user = k8a_event_str(ev, K8A_F_IMPERSONATED);
	groups = json_object_get(iu, "groups");
	if (user == NULL) {
		user = k8a_event_str(ev, K8A_F_USER);
		groups = json_object_get(json_object_get(root, "user"), "groups");
	}
	if (user == NULL)
		return;
	if (rd->gvu) {
		int match = strcmp(user, rd->gvu) == 0;
		/* An IAM principal: its requests under whatever user name
		 * (session names vary) carry its canonical ARN. */
		if (!match && iu == NULL && strncmp(rd->gvu, "arn:", 4) == 0) {
			const char *ca = k8a_event_str(ev, K8A_F_CANONICAL_ARN);
			match = ca && strcmp(ca, rd->gvu) == 0;
		}
		if (match) {
			rd->touched++;
			if (json_object_size(rd->gvu_users) < 1000)
				json_object_set_new(rd->gvu_users, user, json_true());
			count_use(rd, ev, groups);
		}
	}
	if (rd->exposure && (strcmp(user, "system:anonymous") == 0 ||
			     rd_list_has(groups, "system:unauthenticated")))
		keep_request(rd, ev);
}
