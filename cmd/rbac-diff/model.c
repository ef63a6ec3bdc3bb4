/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rbac-diff: the evidence store and its vocabulary: the kinds of object
 * replayed, their keys, what of an object is kept, and the small JSON
 * helpers every part uses.
 */
#include <stdlib.h>
#include <string.h>

#include "fe.h"
#include "rd.h"

static const char *const kind_names[RD_NKINDS] = {
	"Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", "ConfigMap", "AccessEntry",
};

const char *
rd_kind_name(enum rd_kind k)
{
	return (unsigned)k < RD_NKINDS ? kind_names[k] : "?";
}

/* Double the room of the array *p of *cap elements of size bytes (64
 * at first); 0, or -1 with the array unchanged (out of memory: noted). */
int
rd_grow(void **p, size_t *cap, size_t size)
{
	size_t nc = *cap ? *cap * 2 : 64;
	void *n = nc > SIZE_MAX / size ? NULL : realloc(*p, nc * size);

	if (n == NULL) {
		fe_nomem_note();
		return -1;
	}
	*p = n;
	*cap = nc;
	return 0;
}

/* Whether a JSON array holds the string v. */
int
rd_list_has(json_t *list, const char *v)
{
	size_t i;
	json_t *x;

	json_array_foreach(list, i, x)
		if (json_string_value(x) && strcmp(json_string_value(x), v) == 0)
			return 1;
	return 0;
}

/* The string at o[k], or NULL. */
const char *
rd_jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

char *
rd_strdup(const char *s)
{
	return fe_strdup(s);
}

/* The length of the valid UTF-8 sequence at s (no overlong forms, no
 * surrogates, nothing past U+10FFFF), or 0. */
static size_t
utf8_len(const unsigned char *s)
{
	size_t n, i;
	unsigned c = s[0], min;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, c &= 0x1f, min = 0x80;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, c &= 0x0f, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, c &= 0x07, min = 0x10000;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	return c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff) ? 0 : n;
}

/* v as a JSON string; bytes that are not UTF-8 (a percent-decoded name
 * can hold any) become U+FFFD, the rest is kept. */
void
rd_set_str(json_t *o, const char *k, const char *v)
{
	json_t *s;
	char *fixed, *p;
	size_t n;

	if (v == NULL || *v == '\0')
		return;
	/* NULL for want of memory is noted (fe_nomem()), else v is not UTF-8 */
	if ((s = json_string(v)) == NULL && !fe_nomem()) {
		if ((fixed = malloc(strlen(v) * 3 + 1)) == NULL) {
			fe_nomem_note();
			return;
		}
		for (p = fixed; *v; v += n) {
			if ((n = utf8_len((const unsigned char *)v)) != 0) {
				memcpy(p, v, n);
				p += n;
			} else {
				memcpy(p, "\xef\xbf\xbd", 3);
				p += 3;
				n = 1;
			}
		}
		*p = '\0';
		s = json_string(fixed);
		free(fixed);
	}
	json_object_set_new(o, k, s);
}

void
rd_init(struct rd *rd)
{
	memset(rd, 0, sizeof(*rd));
	rd->r = k8a_reader_new();
	rd->mint = json_object();
	rd->state = json_object();
	rd->since = json_object();
	rd->last = json_object();
	rd->ids = json_object();
	rd->seen_allowed = json_object();
	rd->gvu_users = json_object();
	rd->use_index = json_object();
	rd->groups = json_object();
	rd->t_min = INT64_MAX;
	rd->t_max = INT64_MIN;
}

static void
change_free(struct rd_change *c)
{
	if (c == NULL)
		return;
	free(c->verb);
	free(c->ns);
	free(c->name);
	free(c->uri);
	free(c->ips);
	free(c->actor_text);
	free(c->error);
	json_decref(c->record);
	json_decref(c->req);
	json_decref(c->resp);
	json_decref(c->before);
	json_decref(c->after);
	json_decref(c->items_before);
	json_decref(c->items_after);
	json_decref(c->chain);
	json_decref(c->bound_by);
	free(c);
}

void
rd_free(struct rd *rd)
{
	size_t i;

	for (i = 0; i < rd->nch; i++)
		change_free(rd->ch[i]);
	free(rd->ch);
	fe_scope_free(&rd->sc);
	for (i = 0; i < rd->nreqs; i++) {
		struct rd_req *q = &rd->reqs[i];
		free(q->record);
		free(q->ip);
		free(q->ua);
		free(q->actor_text);
		free(q->verb);
		free(q->target);
		free(q->reason);
		free(q->ns);
	}
	free(rd->reqs);
	fe_partial_free(rd->part);
	rd_state_free(rd);
	for (i = 0; i < rd->nsnaps; i++)
		free(rd->snaps[i].path);
	free(rd->snaps);
	json_decref(rd->mint);
	json_decref(rd->state);
	json_decref(rd->since);
	json_decref(rd->last);
	json_decref(rd->ids);
	json_decref(rd->seen_allowed);
	json_decref(rd->gvu_users);
	for (i = 0; i < rd->nuses; i++) {
		free(rd->uses[i].verb);
		free(rd->uses[i].group);
		free(rd->uses[i].resource);
		free(rd->uses[i].ns);
		free(rd->uses[i].observed);
	}
	free(rd->uses);
	json_decref(rd->use_index);
	json_decref(rd->groups);
	k8a_reader_free(rd->r);
	memset(rd, 0, sizeof(*rd));
}

/* -w, --since, --until: whether the change log and --exposure report
 * what ev did (the replay reads every record). */
int
rd_reported(struct rd *rd, k8a_event *ev)
{
	int m;

	if (!fe_scope_in_window(&rd->sc, ev))
		return 0;
	if (rd->sc.where == NULL || (m = k8a_expr_match(rd->sc.where, ev)) == 1)
		return 1;
	if (m < 0) {
		/* undecided (a regex limit, memory): reported, never hidden */
		fe_diag(k8a_event_where(ev), "-w: %s", k8a_event_error(ev));
		rd->trouble = 1;
		return 1;
	}
	return 0;
}

void
rd_add_path(struct rd *rd, const char *path)
{
	if (rd->r)
		k8a_reader_add_path(rd->r, path);
}

/* "PATH@TIME": the part after the last '@' is the snapshot's time when it
 * reads as one; otherwise the whole is a path seeded before the logs. */
int
rd_add_snapshot(struct rd *rd, const char *spec)
{
	const char *at = strrchr(spec, '@');
	struct rd_snap *n = realloc(rd->snaps, (rd->nsnaps + 1) * sizeof(*n));
	int64_t t;

	if (n == NULL)
		return -1;
	rd->snaps = n;
	n = &rd->snaps[rd->nsnaps];
	if (at && at != spec && k8a_time_parse(at + 1, strlen(at + 1), &t) == K8A_OK) {
		n->path = strndup(spec, (size_t)(at - spec));
		n->t = t;
	} else {
		n->path = strdup(spec);
		n->t = INT64_MIN;
	}
	if (n->path == NULL)
		return -1;
	rd->nsnaps++;
	return 0;
}

void
rd_parse_query(struct rd_query *q, const char *verb, const char *res)
{
	const char *slash, *dot;
	size_t n;

	memset(q, 0, sizeof(*q));
	q->verb = verb;
	if (res[0] == '/') {
		q->url = res;
		return;
	}
	slash = strchr(res, '/');
	n = slash ? (size_t)(slash - res) : strlen(res);
	dot = memchr(res, '.', n);
	if (dot) {
		snprintf(q->group, sizeof(q->group), "%.*s", (int)(n - (size_t)(dot - res) - 1), dot + 1);
		snprintf(q->resource, sizeof(q->resource), "%.*s%s", (int)(dot - res), res, slash ? slash : "");
	} else {
		q->any_group = 1;
		snprintf(q->resource, sizeof(q->resource), "%s", res);
	}
}

static void
copy_key(json_t *dst, json_t *src, const char *k)
{
	json_t *v = json_object_get(src, k);

	if (v)
		json_object_set_new(dst, k, json_deep_copy(v));
}

/* The parts of an object rbac-diff reasons about. */
json_t *
rd_trim(json_t *o, enum rd_kind k)
{
	json_t *out, *md, *nm, *ann;

	if (!json_is_object(o))
		return NULL;
	out = json_object();
	copy_key(out, o, "apiVersion");
	copy_key(out, o, "kind");
	if (json_is_object(md = json_object_get(o, "metadata"))) {
		nm = json_object();
		copy_key(nm, md, "name");
		copy_key(nm, md, "namespace");
		copy_key(nm, md, "uid");
		copy_key(nm, md, "labels");
		if (json_is_object(ann = json_object_get(md, "annotations"))) {
			json_t *a2 = json_deep_copy(ann);
			json_object_del(a2, "kubectl.kubernetes.io/last-applied-configuration");
			if (json_object_size(a2))
				json_object_set_new(nm, "annotations", a2);
			else
				json_decref(a2);
		}
		json_object_set_new(out, "metadata", nm);
	}
	if (k == RD_AWSAUTH) {
		json_t *data = json_object_get(o, "data"), *nd = json_object();
		copy_key(nd, data, "mapRoles");
		copy_key(nd, data, "mapUsers");
		copy_key(nd, data, "mapAccounts");
		json_object_set_new(out, "data", nd);
	} else {
		copy_key(out, o, "roleRef");
		copy_key(out, o, "subjects");
		copy_key(out, o, "rules");
		copy_key(out, o, "aggregationRule");
	}
	return out;
}

char *
rd_key(enum rd_kind k, const char *ns, const char *name)
{
	const char *kn = rd_kind_name(k);
	size_t n = strlen(kn) + (ns ? strlen(ns) : 0) + (name ? strlen(name) : 0) + 3;
	char *s = malloc(n);

	if (s)
		snprintf(s, n, "%s/%s/%s", kn, ns ? ns : "", name ? name : "");
	else
		fe_nomem_note();
	return s;
}

/* RD_RB or RD_CRB for the key of a binding, else -1. */
int
rd_binding_kind(const char *key)
{
	return strncmp(key, "RoleBinding/", 12) == 0 ? RD_RB :
	       strncmp(key, "ClusterRoleBinding/", 19) == 0 ? RD_CRB : -1;
}

/* How a binding is named in the reports: RoleBinding/NS/NAME or
 * ClusterRoleBinding/NAME. */
void
rd_binding_via(enum rd_kind k, const char *ns, const char *name, char *out, size_t outsz)
{
	if (k == RD_RB)
		snprintf(out, outsz, "RoleBinding/%s/%s", ns ? ns : "", name ? name : "");
	else
		snprintf(out, outsz, "ClusterRoleBinding/%s", name ? name : "");
}
