/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Structural JSON scanning without building values: find where a value
 * ends, find a top-level member, decode a string literal.  The framer uses
 * these to cut records out of containers at memory speed; full parsing is
 * left to jansson and only for records that need it.
 */
#include <string.h>

#include "private.h"

#define MAX_DEPTH 10000

size_t
k8a_jscan_ws(const char *p, size_t n, size_t i)
{
	while (i < n && (p[i] == ' ' || p[i] == '\n' || p[i] == '\r' || p[i] == '\t'))
		i++;
	return i;
}

/* End of the string literal whose opening quote is p[i]; 0 if incomplete. */
static size_t
str_end(const char *p, size_t n, size_t i)
{
	for (i++; i < n; i++) {
		const char *q = memchr(p + i, '"', n - i);
		size_t bs;
		if (q == NULL)
			return 0;
		i = (size_t)(q - p);
		/* count the backslashes before the quote */
		for (bs = 0; bs < i && p[i - 1 - bs] == '\\'; bs++)
			;
		if ((bs & 1) == 0)
			return i + 1;
	}
	return 0;
}

size_t
k8a_jscan_value(const char *p, size_t n)
{
	size_t i = k8a_jscan_ws(p, n, 0), e;
	int depth = 0;

	if (i >= n)
		return 0;
	switch (p[i]) {
	case '"':
		return str_end(p, n, i);
	case '{':
	case '[':
		break;
	default:
		/* number, true, false, null: runs to a delimiter */
		for (e = i; e < n; e++) {
			char c = p[e];
			if (c == ',' || c == '}' || c == ']' || c == ' ' || c == '\n' ||
			    c == '\r' || c == '\t')
				return e > i ? e : (size_t)-1;
			if (c == '{' || c == '[' || c == '"' || c == ':')
				return (size_t)-1;
		}
		return 0;
	}
	for (; i < n; i++) {
		switch (p[i]) {
		case '"':
			if ((e = str_end(p, n, i)) == 0)
				return 0;
			i = e - 1;
			break;
		case '{':
		case '[':
			if (++depth > MAX_DEPTH)
				return (size_t)-1;
			break;
		case '}':
		case ']':
			if (--depth == 0)
				return i + 1;
			break;
		default:
			break;
		}
	}
	return 0;
}

int
k8a_hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int
k8a_jscan_members(const char *p, size_t n, const char *const *keys, size_t nkeys,
	const char **v, size_t *vlen)
{
	size_t i = k8a_jscan_ws(p, n, 0), e, k, found = 0, klen[16];

	if (nkeys > 16)
		return -1;
	for (k = 0; k < nkeys; k++) {
		v[k] = NULL;
		klen[k] = strlen(keys[k]);
	}
	if (i >= n || p[i] != '{')
		return -1;
	i++;
	for (;;) {
		size_t which = nkeys;
		i = k8a_jscan_ws(p, n, i);
		if (i >= n)
			return -1;
		if (p[i] == '}')
			return (int)found;
		if (p[i] != '"' || (e = str_end(p, n, i)) == 0)
			return -1;
		for (k = 0; k < nkeys; k++)
			if (v[k] == NULL && klen[k] == e - i - 2 && memcmp(p + i + 1, keys[k], klen[k]) == 0)
				which = k;
		i = k8a_jscan_ws(p, n, e);
		if (i >= n || p[i] != ':')
			return -1;
		i = k8a_jscan_ws(p, n, i + 1);
		if ((e = k8a_jscan_value(p + i, n - i)) == 0 || e == (size_t)-1)
			return -1;
		if (which < nkeys) {
			v[which] = p + i;
			vlen[which] = e;
			if (++found == nkeys)
				return (int)found;
		}
		i = k8a_jscan_ws(p, n, i + e);
		if (i < n && p[i] == ',')
			i++;
		else if (i >= n || p[i] != '}')
			return -1;
	}
}

int
k8a_jscan_member(const char *p, size_t n, const char *key, const char **v, size_t *vlen)
{
	int r = k8a_jscan_members(p, n, &key, 1, v, vlen);

	return r < 0 ? -1 : r;
}

static int
hex4(const char *p, unsigned *u)
{
	int i, h;

	*u = 0;
	for (i = 0; i < 4; i++) {
		if ((h = k8a_hexval((unsigned char)p[i])) < 0)
			return -1;
		*u = *u << 4 | (unsigned)h;
	}
	return 0;
}

static void
put_utf8(struct k8a_buf *b, unsigned u)
{
	char c[4];
	size_t n;

	if (u < 0x80) {
		c[0] = (char)u;
		n = 1;
	} else if (u < 0x800) {
		c[0] = (char)(0xc0 | u >> 6);
		c[1] = (char)(0x80 | (u & 0x3f));
		n = 2;
	} else if (u < 0x10000) {
		c[0] = (char)(0xe0 | u >> 12);
		c[1] = (char)(0x80 | (u >> 6 & 0x3f));
		c[2] = (char)(0x80 | (u & 0x3f));
		n = 3;
	} else {
		c[0] = (char)(0xf0 | u >> 18);
		c[1] = (char)(0x80 | (u >> 12 & 0x3f));
		c[2] = (char)(0x80 | (u >> 6 & 0x3f));
		c[3] = (char)(0x80 | (u & 0x3f));
		n = 4;
	}
	k8a_buf_append(b, c, n);
}

int
k8a_jscan_unescape(const char *p, size_t n, struct k8a_buf *out)
{
	size_t i, run;

	out->len = 0;
	if (k8a_buf_reserve(out, n + 1) != 0)
		return -1;
	out->p[0] = '\0';
	if (n < 2 || p[0] != '"' || p[n - 1] != '"')
		return -1;
	for (i = 1; i < n - 1;) {
		unsigned u, lo;
		const char *bs = memchr(p + i, '\\', n - 1 - i);
		run = bs ? (size_t)(bs - p) - i : n - 1 - i;
		k8a_buf_append(out, p + i, run);
		i += run;
		if (i >= n - 1)
			break;
		if (i + 1 >= n - 1)
			return -1;
		switch (p[i + 1]) {
		case '"': k8a_buf_append(out, "\"", 1); break;
		case '\\': k8a_buf_append(out, "\\", 1); break;
		case '/': k8a_buf_append(out, "/", 1); break;
		case 'b': k8a_buf_append(out, "\b", 1); break;
		case 'f': k8a_buf_append(out, "\f", 1); break;
		case 'n': k8a_buf_append(out, "\n", 1); break;
		case 'r': k8a_buf_append(out, "\r", 1); break;
		case 't': k8a_buf_append(out, "\t", 1); break;
		case 'u':
			if (i + 6 > n - 1 || hex4(p + i + 2, &u) != 0)
				return -1;
			i += 4;
			if (u >= 0xd800 && u < 0xdc00 && i + 8 <= n - 1 && p[i + 2] == '\\' &&
			    p[i + 3] == 'u' && hex4(p + i + 4, &lo) == 0 && lo >= 0xdc00 && lo < 0xe000) {
				u = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
				i += 6;
			} else if (u >= 0xd800 && u < 0xe000)
				u = 0xfffd;
			put_utf8(out, u);
			break;
		default:
			return -1;
		}
		i += 2;
	}
	return out->failed ? -1 : 0;
}
