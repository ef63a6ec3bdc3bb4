/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The decoders the secret scan applies before matching: base64 (Secret
 * data, docker config auth, Helm releases), gzip (inside base64: Helm),
 * percent-encoding (requestURI), and the judgements of what came out
 * (text or binary, entropy).  Each is bounded by its caller's cap.
 */
#include <ctype.h>
#include <math.h>
#include <string.h>
#include <zlib.h>

#include "secret.h"

static int
b64val(unsigned char c, int url)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if ((c == '+' && url != 1) || (c == '-' && url != 0))
		return 62;
	if ((c == '/' && url != 1) || (c == '_' && url != 0))
		return 63;
	return -1;
}

int
k8a__b64_decode(const char *p, size_t n, int url, struct k8a_buf *out)
{
	size_t i, pad = 0;
	uint32_t acc = 0;
	int bits = 0, v, seen_std = 0, seen_url = 0;

	out->len = 0;
	while (n > 0 && p[n - 1] == '=' && pad < 2) {
		n--;
		pad++;
	}
	if (n == 0 || n % 4 == 1 || (pad && (n + pad) % 4 != 0))
		return -1;
	if (k8a_buf_reserve(out, n / 4 * 3 + 4) != 0)
		return -1;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if ((v = b64val(c, url)) < 0)
			return -1;
		seen_std |= c == '+' || c == '/';
		seen_url |= c == '-' || c == '_';
		acc = acc << 6 | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out->p[out->len++] = (char)(acc >> bits & 0xff);
		}
	}
	/* one alphabet per value; the left-over bits must be zero */
	if ((seen_std && seen_url) || (acc & ((1u << bits) - 1)) != 0)
		return -1;
	out->p[out->len] = '\0';
	return 0;
}

int
k8a__b64_plausible(const char *p, size_t n)
{
	size_t i, upper = 0, lower = 0, digit = 0;

	if (n < 16 || n > SECRET_MAX_DECODED * 4 / 3 + 4)
		return 0;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (isupper(c))
			upper++;
		else if (islower(c))
			lower++;
		else if (isdigit(c))
			digit++;
		else if (!strchr("+/-_=", c))
			return 0;
	}
	/* words and identifiers are not worth decoding */
	return upper && lower && (digit || n >= 24);
}

int
k8a__gunzip(const unsigned char *p, size_t n, size_t max, struct k8a_buf *out)
{
	z_stream z;
	int rc, ret = 0;
	unsigned char chunk[16384];

	out->len = 0;
	if (n < 18 || p[0] != 0x1f || p[1] != 0x8b)
		return -1;
	memset(&z, 0, sizeof(z));
	if ((rc = inflateInit2(&z, 16 + MAX_WBITS)) != Z_OK) {
		if (rc == Z_MEM_ERROR)
			out->failed = 1; /* not "corrupt": the caller sees it */
		return -1;
	}
	z.next_in = (unsigned char *)(uintptr_t)p;
	z.avail_in = (uInt)(n > UINT32_MAX ? UINT32_MAX : n);
	do {
		size_t got;
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		rc = inflate(&z, Z_NO_FLUSH);
		if (rc != Z_OK && rc != Z_STREAM_END) {
			if (rc == Z_MEM_ERROR)
				out->failed = 1;
			ret = -1;
			break;
		}
		got = sizeof(chunk) - z.avail_out;
		if (out->len + got > max) {
			k8a_buf_append(out, chunk, max - out->len);
			ret = -2;
			break;
		}
		if (k8a_buf_append(out, chunk, got) != 0) {
			ret = -1;
			break;
		}
		if (rc == Z_OK && z.avail_in == 0 && got == 0) {
			ret = -1; /* cut short */
			break;
		}
	} while (rc != Z_STREAM_END);
	inflateEnd(&z);
	if (k8a_buf_append(out, "", 0) != 0)
		return -1;
	if (out->p)
		out->p[out->len] = '\0';
	return ret;
}

void
k8a__pct_decode(const char *p, size_t n, int plus, struct k8a_buf *out)
{
	size_t i;

	out->len = 0;
	k8a_buf_reserve(out, n + 1);
	for (i = 0; i < n && out->p; i++) {
		char c = p[i];
		int hi, lo;
		if (c == '%' && i + 2 < n && (hi = k8a_hexval((unsigned char)p[i + 1])) >= 0 &&
		    (lo = k8a_hexval((unsigned char)p[i + 2])) >= 0) {
			c = (char)(hi << 4 | lo);
			i += 2;
		} else if (c == '+' && plus)
			c = ' ';
		out->p[out->len++] = c;
	}
	if (out->p)
		out->p[out->len] = '\0';
}

int
k8a__is_text(const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c >= 0x80) {
			size_t l = k8a_utf8_safe_len(p + i, n - i);
			if (l == 0)
				return 0;
			i += l - 1;
		} else if (c < 0x20 && c != '\t' && c != '\n' && c != '\r')
			return 0;
		else if (c == 0x7f)
			return 0;
	}
	return 1;
}

double
k8a__entropy(const char *p, size_t n)
{
	size_t count[256] = { 0 }, i;
	double h = 0;

	if (n == 0)
		return 0;
	for (i = 0; i < n; i++)
		count[(unsigned char)p[i]]++;
	for (i = 0; i < 256; i++)
		if (count[i]) {
			double f = (double)count[i] / (double)n;
			h -= f * log2(f);
		}
	return h;
}
