/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A Sigma search identifier into an expression: a map is an "and" of its
 * fields, a list an "or" of its items (maps, or keywords searched in the
 * record's text), a field's list of values an "or" (an "and" with |all).
 * Strings compare without regard to ASCII case unless |cased or |re;
 * * and ? are wildcards, \*, \? and \\ stand for themselves.  Each field
 * is a JSON path of the record, never an alias of k8saudit-expr(5).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sigma.h"

/* What a field's modifiers ask for. */
struct mods {
	int contains, startswith, endswith, all, cased, re, re_i, re_m, re_s;
	int cidr, exists, fieldref, base64, base64offset, windash;
	enum op cmp; /* OP_GT ... OP_GE, or OP_EQ */
};

static int
parse_mods(struct sg_ctx *c, yaml_node_t *at, char *list, struct mods *m)
{
	char *mod, *save = NULL;

	memset(m, 0, sizeof(*m));
	m->cmp = OP_EQ;
	for (mod = strtok_r(list, "|", &save); mod; mod = strtok_r(NULL, "|", &save)) {
		if (strcmp(mod, "contains") == 0)
			m->contains = 1;
		else if (strcmp(mod, "startswith") == 0)
			m->startswith = 1;
		else if (strcmp(mod, "endswith") == 0)
			m->endswith = 1;
		else if (strcmp(mod, "all") == 0)
			m->all = 1;
		else if (strcmp(mod, "cased") == 0)
			m->cased = 1;
		else if (strcmp(mod, "re") == 0)
			m->re = 1;
		else if (strcmp(mod, "i") == 0)
			m->re_i = 1;
		else if (strcmp(mod, "m") == 0)
			m->re_m = 1;
		else if (strcmp(mod, "s") == 0)
			m->re_s = 1;
		else if (strcmp(mod, "cidr") == 0)
			m->cidr = 1;
		else if (strcmp(mod, "exists") == 0)
			m->exists = 1;
		else if (strcmp(mod, "fieldref") == 0)
			m->fieldref = 1;
		else if (strcmp(mod, "base64") == 0)
			m->base64 = 1;
		else if (strcmp(mod, "base64offset") == 0)
			m->base64offset = 1;
		else if (strcmp(mod, "windash") == 0)
			m->windash = 1;
		else if (strcmp(mod, "gt") == 0)
			m->cmp = OP_GT;
		else if (strcmp(mod, "gte") == 0)
			m->cmp = OP_GE;
		else if (strcmp(mod, "lt") == 0)
			m->cmp = OP_LT;
		else if (strcmp(mod, "lte") == 0)
			m->cmp = OP_LE;
		else {
			sg_fail(c, at, 1, "unsupported modifier '%s'", mod);
			return -1;
		}
	}
	if ((m->re_i || m->re_m || m->re_s) && !m->re) {
		sg_fail(c, at, 0, "modifiers 'i', 'm' and 's' go with 're'");
		return -1;
	}
	if (m->contains + m->startswith + m->endswith > 1 ||
	    (m->re + m->cidr + m->exists + (m->cmp != OP_EQ) > 1) ||
	    ((m->re || m->cidr || m->exists || m->cmp != OP_EQ) &&
	     (m->contains || m->startswith || m->endswith || m->base64 || m->base64offset || m->windash ||
	      m->fieldref))) {
		sg_fail(c, at, 1, "unsupported combination of modifiers '%s'", list);
		return -1;
	}
	if (m->fieldref && (m->contains || m->startswith || m->endswith || m->base64 || m->base64offset ||
	    m->windash)) {
		sg_fail(c, at, 1, "unsupported modifier with 'fieldref'");
		return -1;
	}
	if (m->base64 && m->base64offset) {
		sg_fail(c, at, 0, "'base64' and 'base64offset' together");
		return -1;
	}
	return 0;
}

/* ---- growing lists of strings and expressions ---- */
struct strs {
	char **v;
	size_t n;
};

static int
strs_push(struct strs *s, char *v)
{
	char **nv;

	if (v == NULL || (nv = realloc(s->v, (s->n + 1) * sizeof(*nv))) == NULL) {
		free(v);
		return -1;
	}
	s->v = nv;
	s->v[s->n++] = v;
	return 0;
}

static void
strs_free(struct strs *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

struct terms {
	k8a_expr **v;
	size_t n;
};

static int
terms_push(struct terms *t, k8a_expr *x)
{
	k8a_expr **nv;

	if (x == NULL || (nv = realloc(t->v, (t->n + 1) * sizeof(*nv))) == NULL) {
		k8a_expr_free(x);
		return -1;
	}
	t->v = nv;
	t->v[t->n++] = x;
	return 0;
}

static void
terms_free(struct terms *t)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		k8a_expr_free(t->v[i]);
	free(t->v);
	memset(t, 0, sizeof(*t));
}

/* The terms joined by t (taken); an empty list is nothing. */
static k8a_expr *
terms_join(struct sg_ctx *c, struct terms *ts, enum node t)
{
	k8a_expr *x;

	if (ts->n == 0) {
		free(ts->v);
		return NULL;
	}
	x = k8a_expr_balanced(t, ts->v, ts->n);
	free(ts->v);
	memset(ts, 0, sizeof(*ts));
	if (x == NULL)
		c->nomem = 1;
	return x;
}

/* ---- values ---- */
static char *
cat3(const char *a, const char *b, size_t bn, const char *d)
{
	size_t an = strlen(a), dn = strlen(d);
	char *s = malloc(an + bn + dn + 1);

	if (s == NULL)
		return NULL;
	memcpy(s, a, an);
	memcpy(s + an, b, bn);
	memcpy(s + an + bn, d, dn);
	s[an + bn + dn] = '\0';
	return s;
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Base64 of s[0..n), without padding when bare. */
static char *
base64(const unsigned char *s, size_t n, int bare)
{
	char *o = malloc(n / 3 * 4 + 8), *p = o;
	size_t i;

	if (o == NULL)
		return NULL;
	for (i = 0; i + 2 < n; i += 3) {
		*p++ = b64[s[i] >> 2];
		*p++ = b64[(s[i] & 3) << 4 | s[i + 1] >> 4];
		*p++ = b64[(s[i + 1] & 15) << 2 | s[i + 2] >> 6];
		*p++ = b64[s[i + 2] & 63];
	}
	if (n - i == 1) {
		*p++ = b64[s[i] >> 2];
		*p++ = b64[(s[i] & 3) << 4];
		if (!bare) {
			*p++ = '=';
			*p++ = '=';
		}
	} else if (n - i == 2) {
		*p++ = b64[s[i] >> 2];
		*p++ = b64[(s[i] & 3) << 4 | s[i + 1] >> 4];
		*p++ = b64[(s[i + 1] & 15) << 2];
		if (!bare)
			*p++ = '=';
	}
	*p = '\0';
	return o;
}

/* The three forms a text takes inside base64 at each offset (the
 * characters that depend on what surrounds it left out). */
static int
base64_offsets(const char *v, struct strs *out)
{
	static const size_t cut_start[3] = { 0, 2, 3 };
	size_t n = strlen(v), k;

	for (k = 0; k < 3; k++) {
		unsigned char *buf = calloc(1, n + 3);
		char *e;
		size_t el, cut_end, endrem;
		if (buf == NULL)
			return -1;
		memcpy(buf + k, v, n);
		e = base64(buf, n + k, 1);
		free(buf);
		if (e == NULL)
			return -1;
		el = strlen(e);
		/* unpadded, the last character of a remainder depends on
		 * the bytes that follow */
		endrem = (n + k) % 3;
		cut_end = endrem ? 1 : 0;
		if (el < cut_start[k] + cut_end) {
			free(e);
			continue;
		}
		e[el - cut_end] = '\0';
		memmove(e, e + cut_start[k], el - cut_end - cut_start[k] + 1);
		if (strs_push(out, e) != 0)
			return -1;
	}
	return 0;
}

/* windash: each '-' or '/' that starts a word, as each dash Windows
 * accepts (every variant changes them all alike). */
static int
windash(const char *v, struct strs *out)
{
	static const char *const dashes[] = { "-", "/", "\xe2\x80\x93", "\xe2\x80\x94", "\xe2\x80\x95" };
	size_t d, i, n = strlen(v);

	for (d = 0; d < sizeof(dashes) / sizeof(dashes[0]); d++) {
		char *o = malloc(n * 3 + 1), *p = o;
		if (o == NULL)
			return -1;
		for (i = 0; i < n; i++) {
			if ((v[i] == '-' || v[i] == '/') && (i == 0 || isspace((unsigned char)v[i - 1]))) {
				strcpy(p, dashes[d]);
				p += strlen(dashes[d]);
			} else
				*p++ = v[i];
		}
		*p = '\0';
		if (strs_push(out, o) != 0)
			return -1;
	}
	return 0;
}

/* Has the Sigma string an unescaped wildcard at or after byte `from`,
 * before byte `to`? */
static int
has_wildcard(const char *v, size_t from, size_t to)
{
	size_t i;

	for (i = 0; i < to; i++) {
		if (v[i] == '\\' && i + 1 < to && strchr("*?\\", v[i + 1])) {
			i++;
			continue;
		}
		if (i >= from && (v[i] == '*' || v[i] == '?'))
			return 1;
	}
	return 0;
}

/* Sigma's escapes resolved in v[from..to). */
static char *
unescape(const char *v, size_t from, size_t to)
{
	char *o = malloc(to - from + 1), *p = o;
	size_t i;

	if (o == NULL)
		return NULL;
	for (i = from; i < to; i++) {
		if (v[i] == '\\' && i + 1 < to && strchr("*?\\", v[i + 1]))
			i++;
		*p++ = v[i];
	}
	*p = '\0';
	return o;
}

/* Is the byte at i (an unescaped '*') escaped after all?  Only when an odd
 * run of backslashes comes before it. */
static int
escaped_at(const char *v, size_t i)
{
	size_t bs = 0;

	while (i > bs && v[i - 1 - bs] == '\\')
		bs++;
	return bs & 1;
}

/* One string pattern (wildcards in Sigma's form) on a field or the raw
 * text: the cheapest operator that says the same. */
static k8a_expr *
pattern_pred(struct sg_ctx *c, const char *path, const char *v, int icase)
{
	size_t n = strlen(v), from = 0, to = n;
	int lead, trail;
	enum op op;
	k8a_expr *x;
	struct k8a_err err;
	char *plain;
	const char *vals[1];

	lead = n > 0 && v[0] == '*';
	trail = n > 1 && v[n - 1] == '*' && !escaped_at(v, n - 1);
	if (lead)
		from = 1;
	if (trail)
		to = n - 1;
	if (n > 0 && strspn(v, "*") == n) {
		/* "*": any value that is not null (an object or an array too),
		 * as Sigma's backends read it */
		x = path ? k8a_expr_path_pred(path, OP_EXISTS, 0, NULL, 0, &err) :
			k8a_expr_synth_pred(S_RAW, OP_EXISTS, 0, NULL, 0, &err);
		if (x == NULL && err.code == K8A_FATAL)
			c->nomem = 1;
		else if (x == NULL)
			sg_fail(c, NULL, 0, "field '%s': %s", path, err.msg);
		return x;
	}
	if ((lead || trail) && from <= to && !has_wildcard(v, from, to))
		op = lead && trail ? OP_SUB : lead ? OP_SUF : OP_PRE;
	else if (!has_wildcard(v, 0, n)) {
		op = OP_EQ;
		from = 0;
		to = n;
	} else
		op = OP_GLOB;
	if (op == OP_GLOB)
		plain = strdup(v);
	else
		plain = unescape(v, from, to);
	if (plain == NULL) {
		c->nomem = 1;
		return NULL;
	}
	vals[0] = plain;
	x = path ? k8a_expr_path_pred(path, op, icase, vals, 1, &err) :
		k8a_expr_synth_pred(S_RAW, op, icase, vals, 1, &err);
	free(plain);
	if (x == NULL) {
		if (err.code == K8A_FATAL)
			c->nomem = 1;
		else
			sg_fail(c, NULL, 0, "field '%s': %s", path ? path : "(keywords)", err.msg);
	}
	return x;
}

/* The strings one value stands for after contains/startswith/endswith,
 * base64, base64offset and windash. */
static int
expand_value(struct sg_ctx *c, const struct mods *m, const char *v, struct strs *out)
{
	struct strs a = { 0 }, b = { 0 };
	size_t i;
	const char *pre = m->contains || m->endswith ? "*" : "";
	const char *suf = m->contains || m->startswith ? "*" : "";
	int rc = -1;

	if (m->windash) {
		if (windash(v, &a) != 0)
			goto nomem;
	} else if (strs_push(&a, strdup(v)) != 0)
		goto nomem;
	for (i = 0; i < a.n; i++) {
		if (m->base64) {
			char *e = base64((const unsigned char *)a.v[i], strlen(a.v[i]), 0);
			if (strs_push(&b, e) != 0)
				goto nomem;
		} else if (m->base64offset) {
			if (base64_offsets(a.v[i], &b) != 0)
				goto nomem;
		} else if (strs_push(&b, strdup(a.v[i])) != 0)
			goto nomem;
	}
	for (i = 0; i < b.n; i++) {
		const char *s = b.v[i];
		if (strs_push(out, cat3(pre, s, strlen(s), suf)) != 0)
			goto nomem;
	}
	rc = 0;
	goto out;
nomem:
	c->nomem = 1;
out:
	strs_free(&a);
	strs_free(&b);
	return rc;
}

/* One scalar value of a field, its modifiers applied. */
static k8a_expr *
value_pred(struct sg_ctx *c, const char *path, const struct mods *m, yaml_node_t *vn)
{
	const char *v = sg_scalar(vn);
	struct k8a_err err;
	k8a_expr *x = NULL;
	struct strs forms = { 0 };
	struct terms ts = { 0 };
	size_t i;

	if (v == NULL) {
		sg_fail(c, vn, 1, "field '%s': a value that is neither a string, a number nor null", path);
		return NULL;
	}
	if (sg_is_null(vn)) {
		if (m->contains || m->startswith || m->endswith || m->re || m->cidr || m->cmp != OP_EQ ||
		    m->exists || m->fieldref || m->base64 || m->base64offset || m->windash) {
			sg_fail(c, vn, 0, "field '%s': null with a modifier", path);
			return NULL;
		}
		/* absent, or null */
		if ((x = k8a_expr_path_pred(path, OP_EXISTS, 0, NULL, 0, &err)) == NULL)
			goto failed;
		if ((x = k8a_expr_node(N_NOT, x, NULL)) == NULL)
			c->nomem = 1;
		return x;
	}
	if (m->exists) {
		int yes = strcmp(v, "true") == 0;
		if (!yes && strcmp(v, "false") != 0) {
			sg_fail(c, vn, 0, "field '%s': 'exists' takes true or false", path);
			return NULL;
		}
		if ((x = k8a_expr_path_pred(path, OP_EXISTS, 0, NULL, 0, &err)) == NULL)
			goto failed;
		if (!yes && (x = k8a_expr_node(N_NOT, x, NULL)) == NULL)
			c->nomem = 1;
		return x;
	}
	if (m->fieldref) {
		if ((x = k8a_expr_ref_pred(path, OP_EQ, v, &err)) == NULL)
			goto failed;
		return x;
	}
	if (m->re || m->cidr || m->cmp != OP_EQ) {
		char *re = NULL;
		const char *vals[1] = { v };
		double d;
		if (m->cmp != OP_EQ && !k8a_parse_number(v, &d)) {
			sg_fail(c, vn, 0, "field '%s': '%s' is not a number", path, v);
			return NULL;
		}
		if (m->re && (m->re_i || m->re_m || m->re_s)) {
			char flags[8], *f = flags;
			size_t n = strlen(v);
			*f++ = '(';
			*f++ = '?';
			if (m->re_i)
				*f++ = 'i';
			if (m->re_m)
				*f++ = 'm';
			if (m->re_s)
				*f++ = 's';
			*f++ = ')';
			*f = '\0';
			if ((re = malloc(strlen(flags) + n + 1)) == NULL) {
				c->nomem = 1;
				return NULL;
			}
			snprintf(re, strlen(flags) + n + 1, "%s%s", flags, v);
			vals[0] = re;
		}
		x = k8a_expr_path_pred(path, m->re ? OP_RE : m->cidr ? OP_CIDR : m->cmp, 0, vals, 1, &err);
		free(re);
		if (x == NULL)
			goto failed;
		return x;
	}
	if (expand_value(c, m, v, &forms) != 0)
		return NULL;
	for (i = 0; i < forms.n; i++)
		if (terms_push(&ts, pattern_pred(c, path, forms.v[i], !m->cased)) != 0)
			break;
	strs_free(&forms);
	if (i < forms.n || c->nomem || c->msg[0]) {
		terms_free(&ts);
		if (!c->msg[0])
			c->nomem = 1;
		return NULL;
	}
	return terms_join(c, &ts, N_OR);
failed:
	if (err.code == K8A_FATAL)
		c->nomem = 1;
	else
		sg_fail(c, vn, 0, "field '%s': %s", path, err.msg);
	return NULL;
}

/* Plain values of a field, no wildcards, no modifiers but |cased: one
 * "in" (the set's index finds it by any of them). */
static int
plain_list(yaml_node_t **items, size_t n, const struct mods *m)
{
	size_t i;

	if (m->contains || m->startswith || m->endswith || m->re || m->cidr || m->exists || m->fieldref ||
	    m->base64 || m->base64offset || m->windash || m->cmp != OP_EQ || m->all || n < 2)
		return 0;
	for (i = 0; i < n; i++) {
		const char *v = sg_scalar(items[i]);
		if (v == NULL || sg_is_null(items[i]) || has_wildcard(v, 0, strlen(v)) || strchr(v, '\\'))
			return 0;
	}
	return 1;
}

/* field|modifiers: value(s). */
static k8a_expr *
field_pred(struct sg_ctx *c, yaml_node_t *key, yaml_node_t *val)
{
	const char *k = sg_scalar(key);
	char *path, *bar;
	struct mods m;
	yaml_node_t **items = NULL, *one = val;
	size_t n = 1, i;
	struct terms ts = { 0 };
	k8a_expr *x = NULL;

	if (k == NULL) {
		sg_fail(c, key, 0, "a field name that is not a string");
		return NULL;
	}
	if ((path = strdup(k)) == NULL) {
		c->nomem = 1;
		return NULL;
	}
	if ((bar = strchr(path, '|')) != NULL)
		*bar++ = '\0';
	if (path[0] == '\0') {
		sg_fail(c, key, 1, "unsupported keyless field '%s'", k);
		goto out;
	}
	if (parse_mods(c, key, bar ? bar : path + strlen(path), &m) != 0)
		goto out;
	if (val->type == YAML_SEQUENCE_NODE) {
		yaml_node_item_t *it;
		n = (size_t)(val->data.sequence.items.top - val->data.sequence.items.start);
		if (n == 0) {
			sg_fail(c, val, 0, "field '%s': an empty list", path);
			goto out;
		}
		if ((items = calloc(n, sizeof(*items))) == NULL) {
			c->nomem = 1;
			goto out;
		}
		for (i = 0, it = val->data.sequence.items.start; it < val->data.sequence.items.top; it++, i++)
			items[i] = yaml_document_get_node(c->doc, *it);
	} else if (val->type == YAML_MAPPING_NODE) {
		sg_fail(c, val, 1, "field '%s': unsupported map as a value", path);
		goto out;
	} else
		items = &one;
	if (plain_list(items, n, &m)) {
		const char **vals = calloc(n, sizeof(*vals));
		struct k8a_err err;
		if (vals == NULL) {
			c->nomem = 1;
			goto out;
		}
		for (i = 0; i < n; i++)
			vals[i] = sg_scalar(items[i]);
		x = k8a_expr_path_pred(path, OP_IN, !m.cased, vals, n, &err);
		free(vals);
		if (x == NULL) {
			if (err.code == K8A_FATAL)
				c->nomem = 1;
			else
				sg_fail(c, key, 0, "field '%s': %s", path, err.msg);
		}
		goto out;
	}
	for (i = 0; i < n; i++)
		if (terms_push(&ts, value_pred(c, path, &m, items[i])) != 0)
			break;
	if (i < n) {
		terms_free(&ts);
		if (!c->msg[0])
			c->nomem = 1;
		goto out;
	}
	x = terms_join(c, &ts, m.all ? N_AND : N_OR);
out:
	if (items != &one)
		free(items);
	free(path);
	return x;
}

/* Keywords: each searched in the record's text, without regard to case. */
static k8a_expr *
keyword_pred(struct sg_ctx *c, yaml_node_t *n)
{
	const char *v = sg_scalar(n);
	char *pat;
	k8a_expr *x;

	if (v == NULL || sg_is_null(n)) {
		sg_fail(c, n, 1, "unsupported keyword that is not a string");
		return NULL;
	}
	if ((pat = cat3("*", v, strlen(v), "*")) == NULL) {
		c->nomem = 1;
		return NULL;
	}
	x = pattern_pred(c, NULL, pat, 1);
	free(pat);
	return x;
}

static k8a_expr *
map_pred(struct sg_ctx *c, yaml_node_t *n)
{
	yaml_node_pair_t *p;
	struct terms ts = { 0 };

	for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++)
		if (terms_push(&ts, field_pred(c, yaml_document_get_node(c->doc, p->key),
		    yaml_document_get_node(c->doc, p->value))) != 0) {
			terms_free(&ts);
			if (!c->msg[0])
				c->nomem = 1;
			return NULL;
		}
	if (ts.n == 0) {
		sg_fail(c, n, 0, "an empty map");
		return NULL;
	}
	return terms_join(c, &ts, N_AND);
}

k8a_expr *
sg_search(struct sg_ctx *c, yaml_node_t *n)
{
	yaml_node_item_t *it;
	struct terms ts = { 0 };

	if (n == NULL) {
		sg_fail(c, NULL, 0, "a search identifier without a value");
		return NULL;
	}
	switch (n->type) {
	case YAML_MAPPING_NODE:
		return map_pred(c, n);
	case YAML_SCALAR_NODE:
		return keyword_pred(c, n);
	case YAML_SEQUENCE_NODE:
		for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
			yaml_node_t *e = yaml_document_get_node(c->doc, *it);
			k8a_expr *x;
			if (e == NULL)
				x = NULL;
			else if (e->type == YAML_MAPPING_NODE)
				x = map_pred(c, e);
			else if (e->type == YAML_SCALAR_NODE)
				x = keyword_pred(c, e);
			else {
				sg_fail(c, e, 1, "unsupported list inside a list");
				x = NULL;
			}
			if (terms_push(&ts, x) != 0) {
				terms_free(&ts);
				if (!c->msg[0])
					c->nomem = 1;
				return NULL;
			}
		}
		if (ts.n == 0) {
			sg_fail(c, n, 0, "an empty list");
			return NULL;
		}
		return terms_join(c, &ts, N_OR);
	default:
		sg_fail(c, n, 0, "a search identifier that is not a map, a list or a keyword");
		return NULL;
	}
}
