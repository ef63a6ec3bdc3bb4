/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Terminal-safe text.  User agents, names and commands are chosen by
 * whoever sent the request; an escape sequence in them must never reach
 * a responder's terminal, and a tab or newline must never break a TSV row.
 * Control bytes, DEL, backslash and invalid UTF-8 become C-style escapes;
 * valid UTF-8 passes through, except C1 controls and bidi overrides.
 */
#include <stdio.h>
#include <stdlib.h>

#include "private.h"

/* Length of a valid UTF-8 sequence at p (>= 2), or 0. */
static size_t
utf8_len(const unsigned char *p, size_t n, unsigned *cp)
{
	size_t len, i;
	unsigned c = p[0];

	if (c >= 0xc2 && c <= 0xdf)
		len = 2, c &= 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, c &= 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, c &= 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

size_t
k8a_utf8_safe_len(const char *s, size_t n)
{
	unsigned cp = 0;
	size_t ul = utf8_len((const unsigned char *)s, n, &cp);

	if (ul == 0 || (cp >= 0x80 && cp < 0xa0) || (cp >= 0x202a && cp <= 0x202e) ||
	    (cp >= 0x2066 && cp <= 0x2069) || cp == 0x2028 || cp == 0x2029)
		return 0;
	return ul;
}

void
k8a_escape_bytes(const char *s, size_t n, struct k8a_buf *out)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, run = 0;
	char tmp[16];

	while (i < n) {
		unsigned c = p[i], cp = 0;
		size_t ul;
		if (c >= 0x20 && c < 0x7f && c != '\\') {
			i++;
			run++;
			continue;
		}
		if (c >= 0x80 && (ul = utf8_len(p + i, n - i, &cp)) != 0 &&
		    !(cp >= 0x80 && cp < 0xa0) && !(cp >= 0x202a && cp <= 0x202e) &&
		    !(cp >= 0x2066 && cp <= 0x2069) && cp != 0x2028 && cp != 0x2029) {
			i += ul;
			run += ul;
			continue;
		}
		k8a_buf_append(out, p + i - run, run);
		run = 0;
		switch (c) {
		case '\\': k8a_buf_append(out, "\\\\", 2); break;
		case '\t': k8a_buf_append(out, "\\t", 2); break;
		case '\n': k8a_buf_append(out, "\\n", 2); break;
		case '\r': k8a_buf_append(out, "\\r", 2); break;
		default:
			if (c >= 0x80 && (ul = utf8_len(p + i, n - i, &cp)) != 0) {
				snprintf(tmp, sizeof(tmp), "\\u%04x", cp);
				k8a_buf_append(out, tmp, 6);
				i += ul;
				continue;
			}
			snprintf(tmp, sizeof(tmp), "\\x%02x", c);
			k8a_buf_append(out, tmp, 4);
			break;
		}
		i++;
	}
	k8a_buf_append(out, p + i - run, run);
}

char *
k8a_escape(const char *s, size_t n)
{
	struct k8a_buf b = { 0 };

	if (k8a_buf_append(&b, "", 0) != 0)
		return NULL;
	k8a_escape_bytes(s, n, &b);
	return b.p;
}

int
k8a_is_plain(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		size_t ul;
		if (c >= 0x80 && (ul = k8a_utf8_safe_len(s + i, n - i)) != 0) {
			i += ul - 1;
			continue;
		}
		if (c < 0x20 || c >= 0x7f || c == '\\')
			return 0;
	}
	return 1;
}
