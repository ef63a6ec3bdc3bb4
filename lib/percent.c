/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Percent-decoding (RFC 3986), for request URIs and the URL-encoded names
 * CloudTrail records (an EKS access entry's principal ARN).
 */
#include <string.h>

#include "private.h"

size_t
k8a_pct_decode(const char *s, size_t n, int flags, char *out)
{
	size_t i, o = 0;

	for (i = 0; i < n; i++) {
		int hi, lo;
		char c = s[i];
		if (c == '%' && i + 2 < n &&
		    (hi = k8a_hexval((unsigned char)s[i + 1])) >= 0 && (lo = k8a_hexval((unsigned char)s[i + 2])) >= 0 &&
		    (hi | lo || !(flags & K8A_PCT_KEEP_NUL))) {
			c = (char)(hi << 4 | lo);
			i += 2;
		} else if (c == '+' && (flags & K8A_PCT_PLUS))
			c = ' ';
		out[o++] = c;
	}
	out[o] = '\0';
	return o;
}
