/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Is a record's text valid JSON (RFC 8259, in UTF-8)?  k8saudit-grep
 * --json copies matching records byte for byte; what it prints must parse,
 * and a log can hold a NUL, invalid UTF-8 or a broken object on a line that
 * still looks like a record.  A parse with jansson would answer too, at a
 * tenth of the speed and with allocations; this scanner validates without
 * building anything, so dumping every record stays at decompression speed.
 */
#include <stdio.h>
#include <string.h>

#include "private.h"

#define DEPTH_MAX 2048 /* as jansson */

struct jv {
	const unsigned char *p;
	size_t n, i;
	const char *why;
};

static int
bad(struct jv *v, const char *why)
{
	if (v->why == NULL)
		v->why = why;
	return -1;
}

static void
ws(struct jv *v)
{
	while (v->i < v->n && (v->p[v->i] == ' ' || v->p[v->i] == '\t' || v->p[v->i] == '\n' ||
	       v->p[v->i] == '\r'))
		v->i++;
}

/* One UTF-8 sequence starting at v->i (>= 0x80): its length, or 0. */
static size_t
utf8_seq(const struct jv *v)
{
	const unsigned char *s = v->p + v->i;
	size_t left = v->n - v->i, len, k;
	unsigned c = s[0], min;
	unsigned long cp;

	if (c >= 0xc2 && c <= 0xdf)
		len = 2, cp = c & 0x1f, min = 0x80;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, cp = c & 0x0f, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, cp = c & 0x07, min = 0x10000;
	else
		return 0;
	if (left < len)
		return 0;
	for (k = 1; k < len; k++) {
		if ((s[k] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[k] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

static int
string(struct jv *v)
{
	v->i++; /* the opening quote */
	for (;;) {
		const unsigned char *q;
		size_t k;

		/* plain ASCII runs are the common case */
		while (v->i < v->n && v->p[v->i] >= 0x20 && v->p[v->i] < 0x80 && v->p[v->i] != '"' &&
		       v->p[v->i] != '\\')
			v->i++;
		if (v->i >= v->n)
			return bad(v, "unterminated string");
		q = v->p + v->i;
		if (*q == '"') {
			v->i++;
			return 0;
		}
		if (*q < 0x20)
			return bad(v, "control character in a string");
		if (*q >= 0x80) {
			if ((k = utf8_seq(v)) == 0)
				return bad(v, "invalid UTF-8");
			v->i += k;
			continue;
		}
		/* an escape */
		if (v->i + 1 >= v->n)
			return bad(v, "unterminated string");
		switch (q[1]) {
		case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
			v->i += 2;
			break;
		case 'u':
			if (v->i + 6 > v->n)
				return bad(v, "bad \\u escape");
			for (k = 2; k < 6; k++)
				if (k8a_hexval(q[k]) < 0)
					return bad(v, "bad \\u escape");
			v->i += 6;
			break;
		default:
			return bad(v, "bad escape in a string");
		}
	}
}

static int
digits(struct jv *v)
{
	size_t s = v->i;

	while (v->i < v->n && v->p[v->i] >= '0' && v->p[v->i] <= '9')
		v->i++;
	return v->i > s ? 0 : bad(v, "malformed number");
}

static int
number(struct jv *v)
{
	if (v->p[v->i] == '-')
		v->i++;
	if (v->i < v->n && v->p[v->i] == '0')
		v->i++;
	else if (digits(v) != 0)
		return -1;
	if (v->i < v->n && v->p[v->i] == '.') {
		v->i++;
		if (digits(v) != 0)
			return -1;
	}
	if (v->i < v->n && (v->p[v->i] == 'e' || v->p[v->i] == 'E')) {
		v->i++;
		if (v->i < v->n && (v->p[v->i] == '+' || v->p[v->i] == '-'))
			v->i++;
		if (digits(v) != 0)
			return -1;
	}
	return 0;
}

static int
word(struct jv *v, const char *w)
{
	size_t l = strlen(w);

	if (v->n - v->i < l || memcmp(v->p + v->i, w, l) != 0)
		return bad(v, "malformed value");
	v->i += l;
	return 0;
}

/* A member's name and its ':', at v->i. */
static int
member_name(struct jv *v)
{
	if (v->i >= v->n || v->p[v->i] != '"')
		return bad(v, "expected a member name");
	if (string(v) != 0)
		return -1;
	ws(v);
	if (v->i >= v->n || v->p[v->i] != ':')
		return bad(v, "expected ':'");
	v->i++;
	return 0;
}

/* A value at v->i.  Containers are followed with an explicit stack of
 * their kinds (one bit each), not by recursion: the depth is the input's. */
static int
value(struct jv *v)
{
	unsigned char stack[DEPTH_MAX / 8];
	size_t depth = 0;
	int need_value = 1;

	for (;;) {
		if (!need_value && depth == 0)
			return 0;
		ws(v);
		if (v->i >= v->n)
			return bad(v, "unexpected end");
		if (need_value) {
			unsigned char c = v->p[v->i];
			if (c == '{' || c == '[') {
				if (depth == DEPTH_MAX)
					return bad(v, "nested too deeply");
				if (c == '{')
					stack[depth / 8] |= (unsigned char)(1u << (depth % 8));
				else
					stack[depth / 8] &= (unsigned char)~(1u << (depth % 8));
				depth++;
				v->i++;
				ws(v);
				if (v->i < v->n && v->p[v->i] == (c == '{' ? '}' : ']')) {
					v->i++;
					depth--;
					need_value = 0;
				} else if (c == '{') {
					if (member_name(v) != 0)
						return -1;
				}
				continue;
			}
			if ((c == '"' ? string(v) : c == '-' || (c >= '0' && c <= '9') ? number(v) :
			     c == 't' ? word(v, "true") : c == 'f' ? word(v, "false") :
			     c == 'n' ? word(v, "null") : bad(v, "malformed value")) != 0)
				return -1;
			need_value = 0;
			continue;
		}
		/* after a value: what its container wants next */
		{
			int obj = (stack[(depth - 1) / 8] >> ((depth - 1) % 8)) & 1;
			unsigned char c = v->p[v->i++];
			if (c == (obj ? '}' : ']')) {
				depth--;
				continue;
			}
			if (c != ',')
				return bad(v, obj ? "expected ',' or '}'" : "expected ',' or ']'");
			need_value = 1;
			if (obj) {
				ws(v);
				if (member_name(v) != 0)
					return -1;
			}
		}
	}
}

int
k8a_json_valid(const char *p, size_t n, char *why, size_t whysz)
{
	struct jv v = { (const unsigned char *)p, n, 0, NULL };

	if (value(&v) == 0) {
		ws(&v);
		if (v.i == n)
			return 1;
		bad(&v, "text after the value");
	}
	if (why && whysz)
		snprintf(why, whysz, "not valid JSON: %s at byte %zu", v.why, v.i);
	return 0;
}
