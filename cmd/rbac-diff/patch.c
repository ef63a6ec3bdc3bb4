/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Patch application for rbac-diff: JSON merge patch (RFC 7396), strategic
 * merge patch (Kubernetes), JSON patch (RFC 6902) and server-side apply
 * (read as a merge).  Everything works on copies; inputs are never changed.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rbac.h"

#define MAX_DEPTH 64

static void
seterr(char *err, size_t errsz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
seterr(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errsz == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
}

const char *
rd_patch_name(enum rd_patch t)
{
	switch (t) {
	case RD_PATCH_MERGE: return "merge-patch";
	case RD_PATCH_STRATEGIC: return "strategic-merge-patch";
	case RD_PATCH_JSON: return "json-patch";
	case RD_PATCH_APPLY: return "apply";
	}
	return "?";
}

static int
has_directives(json_t *v, int depth)
{
	const char *k;
	json_t *x;
	size_t i;

	if (depth > MAX_DEPTH)
		return 0;
	if (json_is_object(v)) {
		json_object_foreach(v, k, x) {
			if (k[0] == '$')
				return 1;
			if (has_directives(x, depth + 1))
				return 1;
		}
	} else if (json_is_array(v)) {
		json_array_foreach(v, i, x)
			if (has_directives(x, depth + 1))
				return 1;
	}
	return 0;
}

enum rd_patch
rd_patch_guess(json_t *body, const char *uri)
{
	if (json_is_array(body))
		return RD_PATCH_JSON;
	if (has_directives(body, 0))
		return RD_PATCH_STRATEGIC;
	if (uri && strstr(uri, "fieldManager=") && json_object_get(body, "apiVersion") &&
	    json_object_get(body, "kind"))
		return RD_PATCH_APPLY;
	return RD_PATCH_MERGE;
}

/* ---- RFC 7396 ---- */

static json_t *
merge(json_t *doc, json_t *patch, int depth)
{
	json_t *out, *v;
	const char *k;

	if (!json_is_object(patch) || depth > MAX_DEPTH)
		return json_deep_copy(patch);
	out = json_is_object(doc) ? json_deep_copy(doc) : json_object();
	if (out == NULL)
		return NULL;
	json_object_foreach(patch, k, v) {
		if (json_is_null(v)) {
			json_object_del(out, k);
			continue;
		}
		json_object_set_new(out, k, merge(json_object_get(out, k), v, depth + 1));
	}
	return out;
}

/* ---- strategic merge patch ---- */

/* 1 when the patch map says the whole map is to be deleted. */
static int
smp_directive(json_t *patch, const char *want)
{
	const char *d = json_string_value(json_object_get(patch, "$patch"));

	return d && strcmp(d, want) == 0;
}

/* Strip "$..." keys (recursively) from a value that replaces something. */
static json_t *
smp_clean(json_t *v, int depth)
{
	json_t *out, *x;
	const char *k;
	size_t i;

	if (depth > MAX_DEPTH)
		return json_null();
	if (json_is_object(v)) {
		out = json_object();
		json_object_foreach(v, k, x)
			if (k[0] != '$')
				json_object_set_new(out, k, smp_clean(x, depth + 1));
		return out;
	}
	if (json_is_array(v)) {
		out = json_array();
		json_array_foreach(v, i, x) {
			if (json_is_object(x) && smp_directive(x, "delete"))
				continue;
			json_array_append_new(out, smp_clean(x, depth + 1));
		}
		return out;
	}
	return json_incref(v);
}

static int
value_in(json_t *list, json_t *v)
{
	size_t i;
	json_t *x;

	json_array_foreach(list, i, x)
		if (json_equal(x, v))
			return 1;
	return 0;
}

/* NULL with *del = 1 means "remove this key from the parent". */
static json_t *
smp(json_t *doc, json_t *patch, int depth, int *del, char *err, size_t errsz)
{
	json_t *out, *v, *keep;
	const char *k;
	void *tmp;

	*del = 0;
	if (depth > MAX_DEPTH) {
		seterr(err, errsz, "patch nested too deeply");
		return NULL;
	}
	if (!json_is_object(patch))
		return smp_clean(patch, depth);
	if (smp_directive(patch, "delete")) {
		*del = 1;
		return NULL;
	}
	if (smp_directive(patch, "replace") || !json_is_object(doc))
		return smp_clean(patch, depth);
	out = json_deep_copy(doc);
	if (out == NULL) {
		seterr(err, errsz, "out of memory");
		return NULL;
	}
	/* $retainKeys: drop what the patch does not list. */
	if (json_is_array(keep = json_object_get(patch, "$retainKeys"))) {
		json_object_foreach_safe(out, tmp, k, v) {
			json_t *name = json_string(k);
			if (!value_in(keep, name))
				json_object_del(out, k);
			json_decref(name);
		}
	}
	json_object_foreach(patch, k, v) {
		if (k[0] == '$') {
			static const char dfp[] = "$deleteFromPrimitiveList/";
			if (strncmp(k, dfp, sizeof(dfp) - 1) == 0 && json_is_array(v)) {
				json_t *list = json_object_get(out, k + sizeof(dfp) - 1), *nl;
				size_t i;
				json_t *x;
				if (!json_is_array(list))
					continue;
				nl = json_array();
				json_array_foreach(list, i, x)
					if (!value_in(v, x))
						json_array_append(nl, x);
				json_object_set_new(out, k + sizeof(dfp) - 1, nl);
			}
			/* $patch handled above; $setElementOrder/... only orders
			 * merged lists, and these lists are replaced whole. */
			continue;
		}
		if (json_is_null(v)) {
			json_object_del(out, k);
			continue;
		}
		{
			int d = 0;
			json_t *nv = smp(json_object_get(out, k), v, depth + 1, &d, err, errsz);
			if (d) {
				json_object_del(out, k);
				continue;
			}
			if (nv == NULL) {
				json_decref(out);
				return NULL;
			}
			json_object_set_new(out, k, nv);
		}
	}
	return out;
}

/* ---- RFC 6902 ---- */

/* Split a JSON pointer into its last token and resolve the parent. */
static json_t *
pointer_parent(json_t *doc, const char *ptr, char *last, size_t lastsz, char *err, size_t errsz)
{
	json_t *cur = doc;
	const char *p = ptr;
	char tok[1024];

	if (*p != '/') {
		seterr(err, errsz, "bad JSON pointer '%s'", ptr);
		return NULL;
	}
	for (;;) {
		size_t n = 0;
		p++;
		while (*p && *p != '/') {
			char c = *p++;
			if (c == '~') {
				if (*p == '0')
					c = '~';
				else if (*p == '1')
					c = '/';
				else {
					seterr(err, errsz, "bad escape in JSON pointer '%s'", ptr);
					return NULL;
				}
				p++;
			}
			if (n + 1 >= sizeof(tok)) {
				seterr(err, errsz, "JSON pointer token too long");
				return NULL;
			}
			tok[n++] = c;
		}
		tok[n] = '\0';
		if (*p == '\0') {
			if (n + 1 > lastsz)
				return NULL;
			memcpy(last, tok, n + 1);
			return cur;
		}
		if (json_is_object(cur))
			cur = json_object_get(cur, tok);
		else if (json_is_array(cur)) {
			char *end;
			unsigned long i = strtoul(tok, &end, 10);
			cur = (*tok && !*end) ? json_array_get(cur, i) : NULL;
		} else
			cur = NULL;
		if (cur == NULL) {
			seterr(err, errsz, "path '%s' does not exist", ptr);
			return NULL;
		}
	}
}

/* Index for an array token; "-" is the end when allow_end. */
static int
array_index(json_t *arr, const char *tok, int allow_end, size_t *idx)
{
	char *end;
	unsigned long i;

	if (strcmp(tok, "-") == 0) {
		if (!allow_end)
			return -1;
		*idx = json_array_size(arr);
		return 0;
	}
	if (*tok == '\0' || (tok[0] == '0' && tok[1]) || tok[0] == '-' || tok[0] == '+')
		return -1;
	i = strtoul(tok, &end, 10);
	if (*end || i > json_array_size(arr) - (allow_end ? 0 : 1) ||
	    (!allow_end && json_array_size(arr) == 0))
		return -1;
	*idx = i;
	return 0;
}

static json_t *
pointer_get(json_t *doc, const char *ptr, char *err, size_t errsz)
{
	char last[1024];
	json_t *parent;
	size_t i;

	if (*ptr == '\0')
		return doc;
	if ((parent = pointer_parent(doc, ptr, last, sizeof(last), err, errsz)) == NULL)
		return NULL;
	if (json_is_object(parent))
		return json_object_get(parent, last);
	if (json_is_array(parent) && array_index(parent, last, 0, &i) == 0)
		return json_array_get(parent, i);
	return NULL;
}

/* Remove and return (new reference) the value at ptr. */
static json_t *
pointer_take(json_t *doc, const char *ptr, char *err, size_t errsz)
{
	char last[1024];
	json_t *parent, *v;
	size_t i;

	if ((parent = pointer_parent(doc, ptr, last, sizeof(last), err, errsz)) == NULL)
		return NULL;
	if (json_is_object(parent) && (v = json_object_get(parent, last)) != NULL) {
		json_incref(v);
		json_object_del(parent, last);
		return v;
	}
	if (json_is_array(parent) && array_index(parent, last, 0, &i) == 0) {
		v = json_incref(json_array_get(parent, i));
		json_array_remove(parent, i);
		return v;
	}
	seterr(err, errsz, "path '%s' does not exist", ptr);
	return NULL;
}

/* Insert (steals v).  replace: the target must exist. */
static int
pointer_put(json_t **doc, const char *ptr, json_t *v, int replace, char *err, size_t errsz)
{
	char last[1024];
	json_t *parent;
	size_t i;

	if (*ptr == '\0') {
		json_decref(*doc);
		*doc = v;
		return 0;
	}
	if ((parent = pointer_parent(*doc, ptr, last, sizeof(last), err, errsz)) == NULL)
		goto fail;
	if (json_is_object(parent)) {
		if (replace && json_object_get(parent, last) == NULL) {
			seterr(err, errsz, "path '%s' does not exist", ptr);
			goto fail;
		}
		json_object_set_new(parent, last, v);
		return 0;
	}
	if (json_is_array(parent) && array_index(parent, last, !replace, &i) == 0) {
		if (replace)
			json_array_set_new(parent, i, v);
		else
			json_array_insert_new(parent, i, v);
		return 0;
	}
	seterr(err, errsz, "cannot set '%s'", ptr);
fail:
	json_decref(v);
	return -1;
}

static json_t *
json_patch(json_t *doc, json_t *ops, char *err, size_t errsz)
{
	json_t *out = doc ? json_deep_copy(doc) : json_object(), *op;
	size_t i;

	json_array_foreach(ops, i, op) {
		const char *o = json_string_value(json_object_get(op, "op"));
		const char *path = json_string_value(json_object_get(op, "path"));
		const char *from = json_string_value(json_object_get(op, "from"));
		json_t *value = json_object_get(op, "value"), *v;

		if (o == NULL || path == NULL) {
			seterr(err, errsz, "operation %zu has no op or path", i);
			goto fail;
		}
		if (strcmp(o, "add") == 0 || strcmp(o, "replace") == 0) {
			if (value == NULL) {
				seterr(err, errsz, "operation %zu (%s) has no value", i, o);
				goto fail;
			}
			if (pointer_put(&out, path, json_deep_copy(value), o[0] == 'r', err, errsz) != 0)
				goto fail;
		} else if (strcmp(o, "remove") == 0) {
			if ((v = pointer_take(out, path, err, errsz)) == NULL)
				goto fail;
			json_decref(v);
		} else if (strcmp(o, "move") == 0 || strcmp(o, "copy") == 0) {
			if (from == NULL) {
				seterr(err, errsz, "operation %zu (%s) has no from", i, o);
				goto fail;
			}
			if (o[0] == 'm') {
				size_t fl = strlen(from);
				if (strncmp(path, from, fl) == 0 && path[fl] == '/') {
					seterr(err, errsz, "cannot move '%s' into itself", from);
					goto fail;
				}
				v = pointer_take(out, from, err, errsz);
			} else {
				v = pointer_get(out, from, err, errsz);
				v = v ? json_deep_copy(v) : NULL;
			}
			if (v == NULL) {
				seterr(err, errsz, "path '%s' does not exist", from);
				goto fail;
			}
			if (pointer_put(&out, path, v, 0, err, errsz) != 0)
				goto fail;
		} else if (strcmp(o, "test") == 0) {
			v = pointer_get(out, path, err, errsz);
			if (v == NULL || value == NULL || !json_equal(v, value)) {
				seterr(err, errsz, "test failed at '%s'", path);
				goto fail;
			}
		} else {
			seterr(err, errsz, "unknown operation '%s'", o);
			goto fail;
		}
	}
	return out;
fail:
	json_decref(out);
	return NULL;
}

json_t *
rd_patch_apply(json_t *doc, json_t *patch, enum rd_patch t, char *err, size_t errsz)
{
	int del = 0;
	json_t *out;

	if (patch == NULL) {
		seterr(err, errsz, "no patch body");
		return NULL;
	}
	switch (t) {
	case RD_PATCH_JSON:
		if (!json_is_array(patch)) {
			seterr(err, errsz, "a JSON patch must be an array");
			return NULL;
		}
		return json_patch(doc, patch, err, errsz);
	case RD_PATCH_STRATEGIC:
		if (!json_is_object(patch)) {
			seterr(err, errsz, "a strategic merge patch must be an object");
			return NULL;
		}
		out = smp(doc, patch, 0, &del, err, errsz);
		if (del) {
			seterr(err, errsz, "the patch deletes the whole object");
			return NULL;
		}
		return out;
	case RD_PATCH_MERGE:
	case RD_PATCH_APPLY:
		break;
	}
	if (!json_is_object(patch)) {
		seterr(err, errsz, "a merge patch must be an object");
		return NULL;
	}
	return merge(doc, patch, 0);
}
