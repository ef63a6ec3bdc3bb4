/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The encodings secrets travel in: base64 (Secret data, docker auths),
 * gzip (Helm releases), URL query escaping (kubectl exec), JSON text as
 * Go writes it (audit events, last-applied annotations) and as
 * CloudTrail writes it.  The decoders are for verify.c.
 */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "gen.h"

static char *
b64_with(const void *p, size_t n, const char *alpha, int pad)
{
	const unsigned char *s = p;
	char *out = ar_alloc(n / 3 * 4 + 5), *o = out;
	size_t i;

	for (i = 0; i + 2 < n; i += 3) {
		unsigned v = (unsigned)s[i] << 16 | (unsigned)s[i + 1] << 8 | s[i + 2];
		*o++ = alpha[v >> 18 & 63];
		*o++ = alpha[v >> 12 & 63];
		*o++ = alpha[v >> 6 & 63];
		*o++ = alpha[v & 63];
	}
	if (n - i == 1) {
		unsigned v = (unsigned)s[i] << 16;
		*o++ = alpha[v >> 18 & 63];
		*o++ = alpha[v >> 12 & 63];
		if (pad) {
			*o++ = '=';
			*o++ = '=';
		}
	} else if (n - i == 2) {
		unsigned v = (unsigned)s[i] << 16 | (unsigned)s[i + 1] << 8;
		*o++ = alpha[v >> 18 & 63];
		*o++ = alpha[v >> 12 & 63];
		*o++ = alpha[v >> 6 & 63];
		if (pad)
			*o++ = '=';
	}
	*o = '\0';
	return out;
}

char *
b64(const void *p, size_t n)
{
	return b64_with(p, n, A_B64, 1);
}

char *
b64url(const void *p, size_t n)
{
	return b64_with(p, n, A_B64URL, 0);
}

char *
b64s(const char *s)
{
	return b64(s, strlen(s));
}

unsigned char *
b64_decode(const char *s, size_t *n)
{
	size_t len = strlen(s), i, o = 0;
	unsigned char *out = ar_alloc(len / 4 * 3 + 3);
	unsigned v = 0;
	int bits = 0;

	for (i = 0; i < len; i++) {
		int c = (unsigned char)s[i], d;
		if (c >= 'A' && c <= 'Z')
			d = c - 'A';
		else if (c >= 'a' && c <= 'z')
			d = c - 'a' + 26;
		else if (c >= '0' && c <= '9')
			d = c - '0' + 52;
		else if (c == '+' || c == '-')
			d = 62;
		else if (c == '/' || c == '_')
			d = 63;
		else if (c == '=')
			break;
		else
			return NULL;
		v = v << 6 | (unsigned)d;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (unsigned char)(v >> bits);
		}
	}
	out[o] = '\0';
	*n = o;
	return out;
}

unsigned char *
gz(const void *p, size_t n, size_t *outn)
{
	z_stream z;
	size_t cap = compressBound((uLong)n) + 64;
	unsigned char *out = ar_alloc(cap);

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 9, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		die("deflateInit2 failed");
	z.next_in = (Bytef *)(uintptr_t)p;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END)
		die("deflate failed");
	*outn = z.total_out;
	deflateEnd(&z);
	return out;
}

unsigned char *
gunz(const void *p, size_t n, size_t *outn)
{
	z_stream z;
	size_t cap = n * 8 + 1024;
	unsigned char *out = xmalloc(cap), *res;
	int r;

	memset(&z, 0, sizeof(z));
	if (inflateInit2(&z, 31) != Z_OK)
		die("inflateInit2 failed");
	z.next_in = (Bytef *)(uintptr_t)p;
	z.avail_in = (uInt)n;
	for (;;) {
		z.next_out = out + z.total_out;
		z.avail_out = (uInt)(cap - z.total_out - 1);
		r = inflate(&z, Z_NO_FLUSH);
		if (r == Z_STREAM_END)
			break;
		if (r != Z_OK && r != Z_BUF_ERROR) {
			inflateEnd(&z);
			free(out);
			return NULL;
		}
		if (z.avail_out == 0) {
			cap *= 2;
			out = xrealloc(out, cap);
		} else if (z.avail_in == 0) {
			inflateEnd(&z);
			free(out);
			return NULL;
		}
	}
	*outn = z.total_out;
	inflateEnd(&z);
	res = ar_alloc(*outn + 1);
	memcpy(res, out, *outn);
	res[*outn] = '\0';
	free(out);
	return res;
}

/* Go's url.QueryEscape: what kubectl does to each exec argument. */
char *
query_escape(const char *s)
{
	char *out = ar_alloc(strlen(s) * 3 + 1), *o = out;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
		    c == '_' || c == '.' || c == '~')
			*o++ = (char)c;
		else if (c == ' ')
			*o++ = '+';
		else {
			*o++ = '%';
			*o++ = A_HEXU[c >> 4];
			*o++ = A_HEXU[c & 15];
		}
	}
	*o = '\0';
	return out;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

char *
url_unescape(const char *s)
{
	char *out = ar_alloc(strlen(s) + 1), *o = out;

	for (; *s; s++) {
		if (*s == '+')
			*o++ = ' ';
		else if (*s == '%' && hexval(s[1]) >= 0 && hexval(s[2]) >= 0) {
			*o++ = (char)(hexval(s[1]) << 4 | hexval(s[2]));
			s += 2;
		} else
			*o++ = *s;
	}
	*o = '\0';
	return out;
}

char *
wrap(const char *s, int width)
{
	size_t n = strlen(s), i;
	char *out = ar_alloc(n + n / (size_t)width + 2), *o = out;

	for (i = 0; i < n; i += (size_t)width) {
		size_t k = n - i < (size_t)width ? n - i : (size_t)width;
		memcpy(o, s + i, k);
		o += k;
		*o++ = '\n';
	}
	*o = '\0';
	return out;
}

static char *
dumps(json_t *v, int go)
{
	char *t = json_dumps(v, JSON_COMPACT | JSON_PRESERVE_ORDER), *out, *o, *p;

	if (t == NULL)
		die("json_dumps failed");
	out = ar_alloc(strlen(t) * 6 + 1);
	for (o = out, p = t; *p; p++) {
		/* outside strings JSON text has none of these, so a byte
		 * replacement is exact */
		if (go && (*p == '&' || *p == '<' || *p == '>')) {
			memcpy(o, *p == '&' ? "\\u0026" : *p == '<' ? "\\u003c" : "\\u003e", 6);
			o += 6;
		} else
			*o++ = *p;
	}
	*o = '\0';
	free(t);
	return out;
}

char *
go_dumps(json_t *v)
{
	return dumps(v, 1);
}

char *
aws_dumps(json_t *v)
{
	return dumps(v, 0);
}
