/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A small, tolerant reader for the YAML inside aws-auth's mapRoles,
 * mapUsers and mapAccounts: block sequences of "key: value" maps whose
 * values are scalars, flow sequences ([a, "b"]) or nested block sequences.
 * Not a YAML implementation: anchors, tags and multi-document streams are
 * not understood, and block scalars are read as the joined lines.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "rbac.h"

struct line {
	size_t indent;
	char *s; /* content, trimmed, comment removed; owned by the buffer */
};

struct doc {
	struct line *l;
	size_t n, i;
	size_t skipped;
};

#define MAX_DEPTH 32

/* Remove a trailing comment (" #" outside quotes) and trailing blanks. */
static void
strip_comment(char *s)
{
	char q = 0, *p, *e;

	for (p = s; *p; p++) {
		if (q) {
			if (*p == q)
				q = 0;
			else if (*p == '\\' && q == '"' && p[1])
				p++;
		} else if (*p == '"' || *p == '\'') {
			q = *p;
		} else if (*p == '#' && (p == s || isspace((unsigned char)p[-1]))) {
			*p = '\0';
			break;
		}
	}
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
}

/* A scalar's value as a new JSON string: quotes removed, escapes read. */
static json_t *
scalar(const char *s, size_t n)
{
	char *buf;
	size_t i, o = 0;
	json_t *v;

	while (n && isspace((unsigned char)*s))
		s++, n--;
	while (n && isspace((unsigned char)s[n - 1]))
		n--;
	if ((buf = malloc(n + 1)) == NULL)
		return NULL;
	if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
		for (i = 1; i + 1 < n; i++) {
			if (s[i] == '\\' && i + 2 < n) {
				i++;
				buf[o++] = s[i] == 'n' ? '\n' : s[i] == 't' ? '\t' : s[i];
			} else
				buf[o++] = s[i];
		}
	} else if (n >= 2 && s[0] == '\'' && s[n - 1] == '\'') {
		for (i = 1; i + 1 < n; i++) {
			buf[o++] = s[i];
			if (s[i] == '\'' && s[i + 1] == '\'')
				i++;
		}
	} else {
		memcpy(buf, s, n);
		o = n;
	}
	buf[o] = '\0';
	v = json_stringn(buf, o);
	if (v == NULL) /* not UTF-8: keep what can be kept */
		v = json_string("");
	free(buf);
	return v;
}

/* "[a, b, 'c']" as a JSON array (no nesting). */
static json_t *
flow_seq(const char *s)
{
	json_t *a = json_array();
	const char *p = s + 1, *start;
	char q;

	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == ']' || *p == '\0')
			break;
		start = p;
		q = 0;
		while (*p && (q || (*p != ',' && *p != ']'))) {
			if (q && *p == q)
				q = 0;
			else if (!q && (*p == '"' || *p == '\''))
				q = *p;
			p++;
		}
		if (p > start)
			json_array_append_new(a, scalar(start, (size_t)(p - start)));
		if (*p == ',')
			p++;
	}
	return a;
}

/* The offset of "key:" separator (colon followed by blank or end) outside
 * quotes, or -1. */
static long
key_colon(const char *s)
{
	const char *p;
	char q = 0;

	if (*s == '[' || *s == '{')
		return -1;
	for (p = s; *p; p++) {
		if (q) {
			if (*p == q)
				q = 0;
		} else if (*p == '"' || *p == '\'') {
			if (p == s)
				q = *p;
		} else if (*p == ':' && (p[1] == '\0' || p[1] == ' ' || p[1] == '\t'))
			return (long)(p - s);
	}
	return -1;
}

static json_t *
value_text(const char *s)
{
	if (*s == '[')
		return flow_seq(s);
	return scalar(s, strlen(s));
}

static int
is_item(const char *s)
{
	return s[0] == '-' && (s[1] == '\0' || s[1] == ' ' || s[1] == '\t');
}

static json_t *node(struct doc *d, size_t indent, int depth);

static json_t *
sequence(struct doc *d, size_t indent, int depth)
{
	json_t *a = json_array();

	while (d->i < d->n && d->l[d->i].indent == indent && is_item(d->l[d->i].s)) {
		struct line *l = &d->l[d->i];
		char *rest = l->s + 1;
		size_t off = 1;
		while (*rest == ' ' || *rest == '\t')
			rest++, off++;
		if (*rest == '\0') {
			d->i++;
			if (d->i < d->n && d->l[d->i].indent > indent)
				json_array_append_new(a, node(d, d->l[d->i].indent, depth + 1));
			else
				json_array_append_new(a, json_null());
			continue;
		}
		/* "- key: v" continues as a map indented to the content. */
		l->s = rest;
		l->indent += off;
		json_array_append_new(a, node(d, l->indent, depth + 1));
	}
	return a;
}

static json_t *
mapping(struct doc *d, size_t indent, int depth)
{
	json_t *m = json_object();
	long c;

	while (d->i < d->n && d->l[d->i].indent == indent && !is_item(d->l[d->i].s) &&
	       (c = key_colon(d->l[d->i].s)) >= 0) {
		struct line *l = &d->l[d->i];
		json_t *k = scalar(l->s, (size_t)c), *v;
		char *rest = l->s + c + 1;
		while (*rest == ' ' || *rest == '\t')
			rest++;
		d->i++;
		if (*rest && *rest != '|' && *rest != '>')
			v = value_text(rest);
		else if (d->i < d->n && (d->l[d->i].indent > indent ||
			 (d->l[d->i].indent == indent && is_item(d->l[d->i].s)))) {
			if (*rest) { /* block scalar: join the lines */
				size_t ind = d->l[d->i].indent, len = 0;
				char *buf = NULL;
				while (d->i < d->n && d->l[d->i].indent >= ind) {
					size_t sl = strlen(d->l[d->i].s);
					char *nb = realloc(buf, len + sl + 2);
					if (nb == NULL)
						break;
					buf = nb;
					memcpy(buf + len, d->l[d->i].s, sl);
					len += sl;
					buf[len++] = *rest == '|' ? '\n' : ' ';
					d->i++;
				}
				v = json_stringn(buf ? buf : "", buf ? len - 1 : 0);
				free(buf);
			} else
				v = node(d, d->l[d->i].indent, depth + 1);
		} else
			v = json_null();
		if (json_string_value(k))
			json_object_set_new(m, json_string_value(k), v ? v : json_null());
		else
			json_decref(v);
		json_decref(k);
	}
	return m;
}

static json_t *
node(struct doc *d, size_t indent, int depth)
{
	struct line *l;

	if (d->i >= d->n)
		return json_null();
	l = &d->l[d->i];
	if (depth > MAX_DEPTH) {
		d->i++;
		d->skipped++;
		return json_null();
	}
	if (is_item(l->s))
		return sequence(d, l->indent, depth);
	if (key_colon(l->s) >= 0)
		return mapping(d, l->indent, depth);
	d->i++;
	return value_text(l->s);
}

json_t *
rd_yaml_parse(const char *text, size_t *skipped)
{
	struct doc d;
	char *buf, *p, *nl;
	size_t cap = 16;
	json_t *out = NULL, *v;

	memset(&d, 0, sizeof(d));
	if (skipped)
		*skipped = 0;
	if (text == NULL || (buf = strdup(text)) == NULL)
		return json_array();
	d.l = malloc(cap * sizeof(*d.l));
	for (p = buf; d.l && p && *p; p = nl) {
		size_t ind = 0;
		char *s;
		if ((nl = strchr(p, '\n')) != NULL)
			*nl++ = '\0';
		for (s = p; *s == ' ' || *s == '\t'; s++)
			ind++;
		if (*s == '\r')
			s++;
		{
			size_t sl = strlen(s);
			if (sl && s[sl - 1] == '\r')
				s[sl - 1] = '\0';
		}
		strip_comment(s);
		if (*s == '\0' || strcmp(s, "---") == 0 || strcmp(s, "...") == 0)
			continue;
		if (d.n == cap) {
			struct line *nlines = realloc(d.l, 2 * cap * sizeof(*d.l));
			if (nlines == NULL)
				break;
			d.l = nlines;
			cap *= 2;
		}
		d.l[d.n].indent = ind;
		d.l[d.n].s = s;
		d.n++;
	}
	/* The top level: one or more nodes; a list is what aws-auth holds. */
	while (d.l && d.i < d.n) {
		size_t before = d.i;
		v = node(&d, d.l[d.i].indent, 0);
		if (out == NULL && json_is_array(v))
			out = v;
		else if (json_is_array(out) && json_is_array(v))
			json_array_extend(out, v), json_decref(v);
		else {
			json_decref(v);
			d.skipped += d.i - before;
		}
		if (d.i == before) { /* no progress: skip the line */
			d.i++;
			d.skipped++;
		}
	}
	if (skipped)
		*skipped = d.skipped;
	free(d.l);
	free(buf);
	return out ? out : json_array();
}
