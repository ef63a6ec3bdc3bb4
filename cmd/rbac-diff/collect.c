/* SPDX-License-Identifier: BSD-2-Clause */
/* rbac-diff: one pass over the inputs, keeping only what the reports need. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "fe.h"
#include "rd.h"

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

/* ---- the actor ---- */

static json_t *
actor_of(k8a_event *ev)
{
	json_t *a = json_object(), *root = k8a_event_json(ev), *g;

	rd_set_str(a, "username", k8a_event_str(ev, K8A_F_USER));
	if (k8a_event_source(ev) == K8A_SRC_K8S) {
		json_t *u = json_object_get(root, "user");
		if (json_is_array(g = json_object_get(u, "groups")))
			json_object_set_new(a, "groups", json_deep_copy(g));
		rd_set_str(a, "uid", k8a_event_str(ev, K8A_F_UID));
	} else {
		json_t *ui = json_object_get(root, "userIdentity");
		rd_set_str(a, "type", json_string_value(json_object_get(ui, "type")));
		rd_set_str(a, "principal_id", k8a_event_str(ev, K8A_F_PRINCIPAL));
	}
	rd_set_str(a, "arn", k8a_event_str(ev, K8A_F_ARN));
	rd_set_str(a, "canonical_arn", k8a_event_str(ev, K8A_F_CANONICAL_ARN));
	rd_set_str(a, "access_key_id", k8a_event_str(ev, K8A_F_ACCESS_KEY));
	rd_set_str(a, "session_name", k8a_event_str(ev, K8A_F_SESSION));
	rd_set_str(a, "account", k8a_event_str(ev, K8A_F_ACCOUNT));
	if (k8a_event_source(ev) == K8A_SRC_K8S) {
		json_t *iu = json_object_get(root, "impersonatedUser");
		rd_set_str(a, "impersonated_user", k8a_event_str(ev, K8A_F_IMPERSONATED));
		if (json_is_array(g = json_object_get(iu, "groups")))
			json_object_set_new(a, "impersonated_groups", json_deep_copy(g));
	}
	return a;
}

static struct rd_change *
change_new(struct rd *rd, k8a_event *ev, enum rd_kind kind)
{
	struct rd_change *c;
	char ips[512];
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
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return NULL;
	if (rd->nch == rd->capch) {
		size_t nc = rd->capch ? rd->capch * 2 : 64;
		struct rd_change **n = realloc(rd->ch, nc * sizeof(*n));
		if (n == NULL) {
			free(c);
			return NULL;
		}
		rd->ch = n;
		rd->capch = nc;
	}
	rd->ch[rd->nch++] = c;
	c->seq = rd->nch;
	c->t = k8a_event_time(ev);
	c->kind = kind;
	c->verb = rd_strdup(k8a_event_str(ev, K8A_F_VERB));
	c->id = rd_strdup(k8a_event_str(ev, K8A_F_ID));
	c->where = rd_strdup(k8a_event_where(ev));
	c->uri = rd_strdup(k8a_event_str(ev, K8A_F_URI));
	fe_ips(ev, ips, sizeof(ips));
	c->ip = rd_strdup(ips[0] ? ips : NULL);
	c->ua = rd_strdup(k8a_event_str(ev, K8A_F_USER_AGENT));
	c->actor = actor_of(ev);
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

static char *
url_decode(const char *s)
{
	char *o, *p;

	if (s == NULL || (o = malloc(strlen(s) + 1)) == NULL)
		return NULL;
	for (p = o; *s; s++) {
		if (*s == '%' && s[1] && s[2]) {
			char hex[3] = { s[1], s[2], 0 };
			char *end;
			long v = strtol(hex, &end, 16);
			if (*end == '\0' && v > 0) {
				*p++ = (char)v;
				s += 2;
				continue;
			}
		}
		*p++ = *s;
	}
	*p = '\0';
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
	}
	c->ns = rd_strdup(cluster);
	c->name = url_decode(principal);
	c->req = json_is_object(rp) ? json_deep_copy(rp) : NULL;
	c->resp = json_is_object(re) ? json_deep_copy(re) : NULL;
}

/* ---- requests: granted vs used, exposure ---- */

static int parse_reason(const char *reason, char *via, size_t vsz, char *subj, size_t ssz, char *bk, size_t bksz,
	char *bn, size_t bnsz, char *rk, size_t rksz, char *rn, size_t rnsz);

static int
has_group(json_t *groups, const char *g)
{
	size_t i;
	json_t *x;

	json_array_foreach(groups, i, x)
		if (json_string_value(x) && strcmp(json_string_value(x), g) == 0)
			return 1;
	return 0;
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
	int code = k8a_event_code(ev);
	int64_t t = k8a_event_time(ev);
	char key[1024], path[512];
	json_t *u, *x;
	size_t i;

	if (verb == NULL)
		return;
	json_array_foreach(groups, i, x)
		if (json_string_value(x))
			json_object_set_new(rd->groups, json_string_value(x), json_true());
	if (res) {
		snprintf(key, sizeof(key), "%s\t%s\t%s%s%s\t%s", verb, grp ? grp : "", res,
			sub ? "/" : "", sub ? sub : "", ns ? ns : "");
	} else if (uri) {
		size_t n = strcspn(uri, "?");
		if (n >= sizeof(path))
			n = sizeof(path) - 1;
		memcpy(path, uri, n);
		path[n] = '\0';
		snprintf(key, sizeof(key), "%s\t\t%s\t", verb, path);
	} else
		return;
	if ((u = json_object_get(rd->used, key)) == NULL) {
		if (json_object_size(rd->used) >= 100000)
			return; /* bounded: a subject with more distinct uses is not least-privilege material */
		u = json_pack("{s:i,s:i,s:I,s:I}", "ok", 0, "denied", 0, "first", (json_int_t)t, "last", (json_int_t)t);
		if (u == NULL || json_object_set_new(rd->used, key, u) != 0)
			return;
	}
	if (json_object_get(u, "observed") == NULL) {
		char via[400], subj[400], bk[64], bn[300], rk[64], rn[300];
		const char *dec = k8a_event_str(ev, K8A_F_DECISION);
		if (dec && strcmp(dec, "allow") == 0 &&
		    parse_reason(k8a_event_str(ev, K8A_F_REASON), via, sizeof(via), subj, sizeof(subj), bk, sizeof(bk), bn,
			    sizeof(bn), rk, sizeof(rk), rn, sizeof(rn)) == 0) {
			char full[1200];
			snprintf(full, sizeof(full), "%s of %s%s%s", via, rk, strcmp(rk, "policy") == 0 ? ":" : "/", rn);
			rd_set_str(u, "observed", full);
		}
	}
	if (code == 0 || (code >= 100 && code < 400)) /* 101: exec, attach, port-forward upgraded */
		json_object_set_new(u, "ok", json_integer(json_integer_value(json_object_get(u, "ok")) + 1));
	else
		json_object_set_new(u, "denied", json_integer(json_integer_value(json_object_get(u, "denied")) + 1));
	if (t != INT64_MIN && t < json_integer_value(json_object_get(u, "first")))
		json_object_set_new(u, "first", json_integer(t));
	if (t > json_integer_value(json_object_get(u, "last")))
		json_object_set_new(u, "last", json_integer(t));
}

static void
keep_request(struct rd *rd, k8a_event *ev, const char *user)
{
	struct rd_req *q;
	char target[512];

	if (rd->nreqs >= 200000) {
		rd->dropped_reqs++;
		return;
	}
	if (rd->nreqs == rd->capreqs) {
		size_t nc = rd->capreqs ? rd->capreqs * 2 : 64;
		struct rd_req *n = realloc(rd->reqs, nc * sizeof(*n));
		if (n == NULL) {
			rd->dropped_reqs++;
			return;
		}
		rd->reqs = n;
		rd->capreqs = nc;
	}
	q = &rd->reqs[rd->nreqs++];
	memset(q, 0, sizeof(*q));
	fe_target(ev, target, sizeof(target));
	q->t = k8a_event_time(ev);
	q->user = rd_strdup(user);
	q->verb = rd_strdup(k8a_event_str(ev, K8A_F_VERB));
	q->target = rd_strdup(target[0] ? target : NULL);
	q->ip = rd_strdup(k8a_event_str(ev, K8A_F_SOURCE_IP));
	q->ua = rd_strdup(k8a_event_str(ev, K8A_F_USER_AGENT));
	q->reason = rd_strdup(k8a_event_str(ev, K8A_F_REASON));
	q->id = rd_strdup(k8a_event_str(ev, K8A_F_ID));
	q->where = rd_strdup(k8a_event_where(ev));
	q->ns = rd_strdup(k8a_event_str(ev, K8A_F_NAMESPACE));
	q->code = k8a_event_code(ev);
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
	c->verb = strdup("snapshot");
	c->t = t;
	c->ok = 1;
	c->name = rd_strdup(json_string_value(json_object_get(md, "name")));
	if (k == RD_ROLE || k == RD_RB || k == RD_AWSAUTH)
		c->ns = rd_strdup(json_string_value(json_object_get(md, "namespace")));
	c->req = rd_trim(o, k);
}

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

/* The RBAC authorizer's reason, "RBAC: allowed by KIND \"NAME\" of
 * KIND \"ROLE\" to KIND \"SUBJECT\"", read into the binding (via, as
 * "ClusterRoleBinding/NAME" or "RoleBinding/NS/NAME") and the subject
 * (as the items write it).  0 when it is one. */
static int
parse_reason(const char *reason, char *via, size_t vsz, char *subj, size_t ssz, char *bk, size_t bksz,
	char *bn, size_t bnsz, char *rk, size_t rksz, char *rn, size_t rnsz)
{
	const char *p;
	char sk[64], sn[300], tmp[300];

	int eks = 0;

	if (reason && strncmp(reason, "EKS Access Policy: allowed by ", 30) == 0)
		eks = 1, p = reason + 30;
	else if (reason && strncmp(reason, "RBAC: allowed by ", 17) == 0)
		p = reason + 17;
	else
		return -1;
	if (kind_name(&p, bk, bksz, bn, bnsz) != 0 || strncmp(p, " of ", 4) != 0)
		return -1;
	p += 4;
	if (kind_name(&p, rk, rksz, rn, rnsz) != 0 || strncmp(p, " to ", 4) != 0)
		return -1;
	p += 4;
	if (kind_name(&p, sk, sizeof(sk), sn, sizeof(sn)) != 0)
		return -1;
	if (eks) {
		/* EKS access policies: binding "PRINCIPAL+POLICY", role POLICY. */
		const char *plus = strchr(bn, '+'), *slash = strrchr(rn, '/');
		snprintf(via, vsz, "AccessEntry/%.*s", (int)(plus ? (size_t)(plus - bn) : strlen(bn)), bn);
		snprintf(rk, rksz, "policy");
		if (slash)
			memmove(rn, slash + 1, strlen(slash + 1) + 1);
	} else if (strcmp(bk, "RoleBinding") == 0) {
		ns_name(bn, tmp, sizeof(tmp));
		snprintf(via, vsz, "RoleBinding/%s", tmp);
	} else
		snprintf(via, vsz, "%s/%s", bk, bn);
	if (strcmp(sk, "ServiceAccount") == 0) {
		ns_name(sn, tmp, sizeof(tmp));
		snprintf(subj, ssz, "ServiceAccount:%s", tmp);
	} else
		snprintf(subj, ssz, "%s:%s", sk, sn);
	return 0;
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
	char bk[64], bn[300], rk[64], rn[300], key[1200], via[400], subj[400];
	int64_t t = k8a_event_time(ev);
	json_t *o;

	if (dec == NULL || strcmp(dec, "allow") != 0 || !request_matches(rd, ev) ||
	    parse_reason(reason, via, sizeof(via), subj, sizeof(subj), bk, sizeof(bk), bn, sizeof(bn), rk,
		    sizeof(rk), rn, sizeof(rn)) != 0)
		return;
	snprintf(key, sizeof(key), "%s\t%s", via, subj);
	if ((o = json_object_get(rd->seen_allowed, key)) == NULL) {
		char role[400];
		if (json_object_size(rd->seen_allowed) >= 10000)
			return;
		snprintf(role, sizeof(role), "%s%s%s", rk, strcmp(rk, "policy") == 0 ? ":" : "/", rn);
		o = json_pack("{s:s,s:s,s:s,s:I,s:I,s:i}", "via", via, "subject", subj, "role", role,
			"first", (json_int_t)t, "last", (json_int_t)t, "count", 0);
		if (o == NULL || json_object_set_new(rd->seen_allowed, key, o) != 0)
			return;
		if (strcmp(bk, "RoleBinding") == 0) {
			const char *slash = strchr(bn, '/');
			if (slash)
				rd_set_str(o, "namespace", slash + 1);
		}
	}
	json_object_set_new(o, "count", json_integer(json_integer_value(json_object_get(o, "count")) + 1));
	if (t != INT64_MIN && t < json_integer_value(json_object_get(o, "first")))
		json_object_set_new(o, "first", json_integer(t));
	if (t > json_integer_value(json_object_get(o, "last")))
		json_object_set_new(o, "last", json_integer(t));
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
	if (rd->who_verb)
		observe(rd, ev);
	if (rd->gvu || rd->exposure) {
		json_t *root = k8a_event_json(ev);
		json_t *iu = json_object_get(root, "impersonatedUser");
		const char *user = k8a_event_str(ev, K8A_F_IMPERSONATED);
		json_t *groups = json_object_get(iu, "groups");
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
				if (json_object_size(rd->gvu_users) < 1000)
					json_object_set_new(rd->gvu_users, user, json_true());
				count_use(rd, ev, groups);
			}
		}
		if (rd->exposure && (strcmp(user, "system:anonymous") == 0 ||
				     has_group(groups, "system:unauthenticated")))
			keep_request(rd, ev, user);
	}
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

int
rd_collect(struct rd *rd)
{
	k8a_event *ev;
	k8a_prefilter *pf = NULL;
	size_t i;
	int rc;

	if (rd->r == NULL) {
		fe_diag(NULL, "out of memory");
		return -1;
	}
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
	while ((rc = k8a_reader_next(rd->r, &ev)) != K8A_EOF) {
		int64_t t;
		if (rc == K8A_FATAL) {
			fe_diag(k8a_reader_where(rd->r), "%s", k8a_reader_error(rd->r));
			rd->trouble = 1;
			break;
		}
		if (rc == K8A_WARN) {
			if (!rd->silent)
				fe_diag(k8a_reader_where(rd->r), "%s", k8a_reader_error(rd->r));
			rd->trouble = 1;
			continue;
		}
		rd->records++;
		if ((rd->records & 0xfff) == 0)
			fe_progress(rd->r, rd->records);
		if (k8a_event_json(ev) == NULL) {
			if (!rd->silent)
				fe_diag(k8a_event_where(ev), "%s", k8a_event_error(ev));
			rd->trouble = 1;
			continue;
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
			if (object_kind(k8a_event_json(ev)) != RD_NKINDS)
				rd->ignored_objects++;
			break;
		}
	}
	fe_progress_end();
	k8a_reader_set_prefilter(rd->r, NULL);
	k8a_prefilter_free(pf);
	if (rd->ignored_objects)
		fe_diag(NULL, "%llu RBAC objects outside audit events were ignored; pass snapshots with --snapshot",
			(unsigned long long)rd->ignored_objects);
	for (i = 0; i < rd->nsnaps; i++) {
		k8a_reader *sr = k8a_reader_new();
		size_t before = rd->nch;
		if (sr == NULL) {
			fe_diag(NULL, "out of memory");
			return -1;
		}
		k8a_reader_add_path(sr, rd->snaps[i].path);
		while ((rc = k8a_reader_next(sr, &ev)) != K8A_EOF) {
			enum rd_kind k;
			if (rc == K8A_FATAL || rc == K8A_WARN) {
				fe_diag(k8a_reader_where(sr), "%s", k8a_reader_error(sr));
				rd->trouble = 1;
				if (rc == K8A_FATAL)
					break;
				continue;
			}
			if (k8a_event_json(ev) == NULL) {
				fe_diag(k8a_event_where(ev), "%s", k8a_event_error(ev));
				rd->trouble = 1;
				continue;
			}
			if ((k = object_kind(k8a_event_json(ev))) != RD_NKINDS)
				snapshot_object(rd, ev, k, rd->snaps[i].t);
		}
		if (rd->nch == before && !rd->silent)
			fe_diag(rd->snaps[i].path, "no Roles, ClusterRoles, bindings or aws-auth in this snapshot");
		k8a_reader_free(sr);
	}
	return 0;
}
