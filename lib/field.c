/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Fields: the aliases of k8saudit-expr(5) and JSON paths, resolved in one
 * place, so that an expression (-w, a rule's `when`), a column
 * (--fields) and a finding's evidence read the same values from a record:
 * what `--fields X` prints, `-w 'X=...'` selects.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "field.h"

static const struct k8a_alias aliases[] = {
	{ "time", K8A_F_TIME, NULL, NULL, S_NONE },
	{ "id", K8A_F_ID, NULL, NULL, S_NONE },
	{ "user", K8A_F_USER, NULL, NULL, S_NONE },
	{ "uid", K8A_F_UID, NULL, NULL, S_NONE },
	{ "groups", -1, "user.groups", "", S_NONE },
	{ "group", -1, "user.groups", "", S_NONE },
	{ "arn", K8A_F_ARN, NULL, NULL, S_NONE },
	{ "canonicalarn", K8A_F_CANONICAL_ARN, NULL, NULL, S_NONE },
	{ "key", K8A_F_ACCESS_KEY, NULL, NULL, S_NONE },
	{ "accesskey", K8A_F_ACCESS_KEY, NULL, NULL, S_NONE },
	{ "session", K8A_F_SESSION, NULL, NULL, S_NONE },
	{ "principal", K8A_F_PRINCIPAL, NULL, NULL, S_NONE },
	{ "account", K8A_F_ACCOUNT, NULL, NULL, S_NONE },
	{ "as", K8A_F_IMPERSONATED, NULL, NULL, S_NONE },
	{ "impersonated", K8A_F_IMPERSONATED, NULL, NULL, S_NONE },
	{ "ip", -1, "sourceIPs", "sourceIPAddress", S_NONE },
	{ "peer", K8A_F_PEER_IP, NULL, NULL, S_NONE },
	{ "ua", K8A_F_USER_AGENT, NULL, NULL, S_NONE },
	{ "verb", K8A_F_VERB, NULL, NULL, S_NONE },
	{ "action", -1, NULL, NULL, S_ACTION },
	{ "service", K8A_F_SERVICE, NULL, NULL, S_NONE },
	{ "apigroup", K8A_F_API_GROUP, NULL, NULL, S_NONE },
	{ "resource", K8A_F_RESOURCE, NULL, NULL, S_NONE },
	{ "subresource", K8A_F_SUBRESOURCE, NULL, NULL, S_NONE },
	{ "namespace", K8A_F_NAMESPACE, NULL, NULL, S_NONE },
	{ "ns", K8A_F_NAMESPACE, NULL, NULL, S_NONE },
	{ "name", K8A_F_NAME, NULL, NULL, S_NONE },
	{ "code", K8A_F_CODE, NULL, NULL, S_NONE },
	{ "error", -1, "responseStatus.reason", "errorCode", S_NONE },
	{ "decision", K8A_F_DECISION, NULL, NULL, S_NONE },
	{ "reason", K8A_F_REASON, NULL, NULL, S_NONE },
	{ "stage", K8A_F_STAGE, NULL, NULL, S_NONE },
	{ "uri", K8A_F_URI, NULL, NULL, S_NONE },
	{ "region", K8A_F_REGION, NULL, NULL, S_NONE },
	{ "type", -1, NULL, NULL, S_TYPE },
	{ "command", -1, NULL, NULL, S_COMMAND },
	{ "container", -1, NULL, NULL, S_CONTAINER },
};

const struct k8a_alias *
k8a_alias_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
		if (strcmp(name, aliases[i].name) == 0)
			return &aliases[i];
	return NULL;
}

size_t
k8a_alias_names(const char **names, size_t max)
{
	size_t i;

	for (i = 0; i < sizeof(aliases) / sizeof(aliases[0]) && i < max; i++)
		names[i] = aliases[i].name;
	return i;
}

const char *const *
k8a_field_aliases(void)
{
	static const char *names[sizeof(aliases) / sizeof(aliases[0]) + 1];

	if (names[0] == NULL)
		k8a_alias_names(names, sizeof(aliases) / sizeof(aliases[0]));
	return names;
}

/* ---- computed fields ---- */

const char *
k8a_synth_text(enum synth s, k8a_event *ev, char *buf, size_t bufsz, char **heap)
{
	enum k8a_source src = k8a_event_source(ev);
	const char *verb, *svc, *dot;
	size_t n;

	*heap = NULL;
	switch (s) {
	case S_TYPE:
		return src == K8A_SRC_K8S ? "k8s" : src == K8A_SRC_CLOUDTRAIL ? "cloudtrail" : "unknown";
	case S_COMMAND:
		/* the whole command line as k8saudit-grep --exec shows it */
		errno = 0;
		if ((*heap = k8a_exec_command_dup(k8a_event_str(ev, K8A_F_URI))) == NULL && errno == ENOMEM)
			ev->nomem = 1; /* not "no command" */
		return *heap;
	case S_CONTAINER:
		switch (k8a_exec_container(k8a_event_str(ev, K8A_F_URI), buf, bufsz)) {
		case K8A_FATAL:
			ev->nomem = 1; /* not "no container" */
			return NULL;
		case 0:
		case K8A_FAILED:
			return NULL;
		default:
			return buf;
		}
	case S_ACTION:
		/* Kubernetes: the verb; CloudTrail: the IAM action, as
		 * policies name it ("sts:AssumeRole") */
		verb = k8a_event_str(ev, K8A_F_VERB);
		if (verb == NULL || src != K8A_SRC_CLOUDTRAIL || (svc = k8a_event_str(ev, K8A_F_SERVICE)) == NULL)
			return verb;
		n = (dot = strstr(svc, ".amazonaws.com")) != NULL ? (size_t)(dot - svc) : strlen(svc);
		if (n + strlen(verb) + 2 > bufsz)
			return NULL;
		memcpy(buf, svc, n);
		buf[n] = ':';
		strcpy(buf + n + 1, verb);
		return buf;
	case S_RAW: /* read where it is (expreval.c, exprskim.c) */
	case S_NONE:
		break;
	}
	return NULL;
}

/* ---- paths ---- */

void
k8a_path_free(struct seg *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(p[i].key);
	free(p);
}

/* Append one step; 0 or -1 (no memory: v freed). */
static int
add_seg(struct seg **v, size_t *n, char *key, long index)
{
	struct seg *nv = realloc(*v, (*n + 1) * sizeof(**v));

	if (nv == NULL) {
		free(key);
		return -1;
	}
	nv[*n].key = key;
	nv[*n].index = index;
	*v = nv;
	(*n)++;
	return 0;
}

struct seg *
k8a_path_parse(const char *s, size_t *nseg, size_t *bad)
{
	struct seg *v = NULL;
	size_t n = 0, i = 0, len = strlen(s), ks;
	char *key;

	*nseg = 0;
	*bad = 0;
	while (i <= len) {
		if (i < len && s[i] == '[') {
			char *end;
			size_t close;
			long idx;
			if (s[i + 1] == '*' && s[i + 2] == ']') {
				idx = -1;
				close = i + 2;
			} else {
				idx = strtol(s + i + 1, &end, 10);
				if (end == s + i + 1 || *end != ']' || idx < 0)
					goto err;
				close = (size_t)(end - s);
			}
			if (add_seg(&v, &n, NULL, idx) != 0)
				goto nomem;
			i = close + 1;
			if (i < len && s[i] == '.')
				i++;
			else if (i < len && s[i] != '[')
				goto err;
			if (i >= len)
				break;
			continue;
		}
		if (i < len && s[i] == '"') { /* a quoted member name may hold dots */
			ks = ++i;
			while (i < len && s[i] != '"')
				i++;
			if (i >= len)
				goto err;
			key = strndup(s + ks, i++ - ks);
		} else {
			ks = i;
			while (i < len && s[i] != '.' && s[i] != '[')
				i++;
			key = strndup(s + ks, i - ks);
		}
		if (key == NULL || add_seg(&v, &n, key, -1) != 0)
			goto nomem;
		if (key[0] == '\0')
			goto err;
		if (i >= len)
			break;
		if (s[i] == '.')
			i++;
		else if (s[i] != '[')
			goto err;
	}
	*nseg = n;
	return v;
err:
	*bad = i;
	k8a_path_free(v, n);
	return NULL;
nomem:
	*bad = (size_t)-1;
	k8a_path_free(v, n);
	return NULL;
}

int
k8a_path_each(const struct seg *sg, size_t n, json_t *v, int (*cb)(json_t *, void *), void *arg)
{
	size_t i;
	json_t *e;
	int r;

	for (; n > 0 && v != NULL; sg++, n--) {
		if (json_is_array(v) && (sg->key != NULL || sg->index < 0)) {
			const struct seg *next = sg->key ? sg : sg + 1;
			size_t nn = sg->key ? n : n - 1;
			json_array_foreach(v, i, e)
				if ((r = k8a_path_each(next, nn, e, cb, arg)) != 0)
					return r;
			return 0;
		}
		v = sg->key ? json_object_get(v, sg->key) : json_array_get(v, (size_t)sg->index);
	}
	if (json_is_array(v)) {
		json_array_foreach(v, i, e)
			if ((r = cb(e, arg)) != 0)
				return r;
		return 0;
	}
	return v != NULL ? cb(v, arg) : 0;
}

struct each_void {
	void (*cb)(json_t *, void *);
	void *arg;
};

static int
each_void_cb(json_t *v, void *arg)
{
	struct each_void *ev = arg;

	ev->cb(v, ev->arg);
	return 0;
}

json_t *
k8a_json_path(json_t *root, const char *path)
{
	size_t n, bad, i;
	struct seg *sg = k8a_path_parse(path, &n, &bad);
	json_t *v = root;

	if (sg == NULL)
		return NULL;
	for (i = 0; i < n && v != NULL; i++) {
		if (sg[i].key)
			v = json_object_get(v, sg[i].key);
		else
			v = sg[i].index >= 0 ? json_array_get(v, (size_t)sg[i].index) : NULL;
	}
	k8a_path_free(sg, n);
	return v;
}

int
k8a_json_path_each(json_t *root, const char *path, void (*cb)(json_t *v, void *arg), void *arg)
{
	size_t n, bad;
	struct seg *sg = k8a_path_parse(path, &n, &bad);
	struct each_void ev = { cb, arg };

	if (sg == NULL)
		return bad == (size_t)-1 ? K8A_FATAL : K8A_FAILED;
	k8a_path_each(sg, n, root, each_void_cb, &ev);
	k8a_path_free(sg, n);
	return K8A_OK;
}

/* ---- fields for tools: columns and evidence ---- */

struct k8a_fieldref {
	const struct k8a_alias *alias; /* NULL: a path */
	struct seg *k8s, *ct;          /* the path per source (the same for a plain path) */
	size_t nk8s, nct;
};

k8a_fieldref *
k8a_fieldref_new(const char *name, struct k8a_err *err)
{
	k8a_fieldref *f = calloc(1, sizeof(*f));
	const char *k8s = name, *ct = name;
	size_t bad = 0;

	if (err) {
		err->code = K8A_OK;
		err->offset = 0;
		err->msg[0] = '\0';
	}
	if (f == NULL)
		goto nomem;
	if ((f->alias = k8a_alias_find(name)) != NULL) {
		if (f->alias->k8s_path == NULL)
			return f;
		k8s = f->alias->k8s_path;
		ct = f->alias->ct_path;
	}
	if ((f->k8s = k8a_path_parse(k8s, &f->nk8s, &bad)) == NULL)
		goto bad;
	if (ct == k8s)
		f->ct = f->k8s, f->nct = f->nk8s;
	else if (ct[0] && (f->ct = k8a_path_parse(ct, &f->nct, &bad)) == NULL)
		goto bad;
	return f;
bad:
	if (bad != (size_t)-1) {
		if (err) {
			err->code = K8A_FAILED;
			err->offset = bad;
			snprintf(err->msg, sizeof(err->msg), "bad field path '%s'", name);
		}
		k8a_fieldref_free(f);
		return NULL;
	}
nomem:
	k8a_fieldref_free(f);
	if (err) {
		err->code = K8A_FATAL;
		snprintf(err->msg, sizeof(err->msg), "out of memory");
	}
	return NULL;
}

void
k8a_fieldref_free(k8a_fieldref *f)
{
	if (f == NULL)
		return;
	if (f->ct != f->k8s)
		k8a_path_free(f->ct, f->nct);
	k8a_path_free(f->k8s, f->nk8s);
	free(f);
}

/* A string value to cb, as a JSON string. */
static int
string_to(const char *s, int (*cb)(json_t *, void *), void *arg)
{
	json_t *v;
	int r;

	if (s == NULL)
		return 0;
	if ((v = json_string(s)) == NULL)
		return K8A_FATAL;
	r = cb(v, arg);
	json_decref(v);
	return r;
}

int
k8a_fieldref_each(const k8a_fieldref *f, k8a_event *ev, int (*cb)(json_t *v, void *arg), void *arg)
{
	enum k8a_source src = k8a_event_source(ev);
	char buf[4096], *heap;
	const char *s;
	int r;

	if (f->alias && f->alias->synth != S_NONE) {
		s = k8a_synth_text(f->alias->synth, ev, buf, sizeof(buf), &heap);
		r = string_to(s, cb, arg);
		free(heap);
		return r;
	}
	if (f->alias && f->alias->field >= 0)
		return string_to(k8a_event_str(ev, (enum k8a_field)f->alias->field), cb, arg);
	if (src == K8A_SRC_CLOUDTRAIL)
		return f->ct ? k8a_path_each(f->ct, f->nct, k8a_event_json(ev), cb, arg) : 0;
	if (src == K8A_SRC_K8S)
		return f->k8s ? k8a_path_each(f->k8s, f->nk8s, k8a_event_json(ev), cb, arg) : 0;
	return 0;
}

/* Does the field's path meet an array (so its values are a list, even a
 * list of one)? */
static int
field_fans_out(const k8a_fieldref *f, k8a_event *ev)
{
	enum k8a_source src = k8a_event_source(ev);
	const struct seg *sg = src == K8A_SRC_CLOUDTRAIL ? f->ct : f->k8s;
	size_t n = src == K8A_SRC_CLOUDTRAIL ? f->nct : f->nk8s;
	json_t *v = k8a_event_json(ev);

	if (sg == NULL || (f->alias && f->alias->k8s_path == NULL))
		return 0;
	for (; n > 0 && v != NULL; sg++, n--) {
		if (json_is_array(v) && (sg->key != NULL || sg->index < 0))
			return 1;
		v = sg->key ? json_object_get(v, sg->key) : json_array_get(v, (size_t)sg->index);
	}
	return json_is_array(v);
}

static int
append_cb(json_t *v, void *arr)
{
	return json_array_append(arr, v) == 0 ? 0 : K8A_FATAL;
}

json_t *
k8a_fieldref_value(const k8a_fieldref *f, k8a_event *ev)
{
	json_t *all = json_array(), *v;

	if (all == NULL || k8a_fieldref_each(f, ev, append_cb, all) != 0 || json_array_size(all) == 0) {
		json_decref(all);
		return NULL;
	}
	/* one value stands alone, unless the path went through an array */
	if (json_array_size(all) == 1 && !field_fans_out(f, ev)) {
		v = json_incref(json_array_get(all, 0));
		json_decref(all);
		return v;
	}
	return all;
}
