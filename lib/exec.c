/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * kubectl exec/attach commands from requestURI.  kubectl sends each
 * argument as its own command= query parameter, percent-encoded:
 *   POST /api/v1/namespaces/ns/pods/p/exec?command=sh&command=-c&command=id&container=c&stdin=true
 * and since v1.30 (WebSocket) the same query on a GET.  The decoded
 * arguments are shell-quoted so the line can be read and pasted.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "private.h"

/* A parameter's value, percent-decoded, in out. */
static void
pct_decode(const char *p, size_t n, struct k8a_buf *out)
{
	out->len = 0;
	if (k8a_buf_reserve(out, n + 1) == 0)
		out->len = k8a_pct_decode(p, n, K8A_PCT_PLUS, out->p);
}

/* Quote for a POSIX shell when needed.  Arguments holding control bytes,
 * invalid UTF-8, C1 controls or bidi overrides use bash's $'...' with \xNN
 * escapes, so the whole line is safe to print on a terminal as it is and
 * still pastes into a shell; readable UTF-8 stays as it is. */
static void
shell_quote(const char *s, size_t n, struct k8a_buf *out)
{
	size_t i;
	int plain = n > 0, binary = 0;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		size_t ul;
		if (c >= 0x80 && (ul = k8a_utf8_safe_len(s + i, n - i)) != 0) {
			plain = 0;
			i += ul - 1;
			continue;
		}
		if (c < 0x20 || c >= 0x7f)
			binary = 1;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      (c != 0 && strchr("-_./=:,+@%", c))))
			plain = 0;
	}
	if (plain) {
		k8a_buf_append(out, s, n);
		return;
	}
	if (binary) {
		char hex[8];
		k8a_buf_append(out, "$'", 2);
		for (i = 0; i < n; i++) {
			unsigned char c = (unsigned char)s[i];
			size_t ul;
			if (c >= 0x80 && (ul = k8a_utf8_safe_len(s + i, n - i)) != 0) {
				k8a_buf_append(out, s + i, ul);
				i += ul - 1;
			} else if (c == '\\' || c == '\'') {
				k8a_buf_append(out, "\\", 1);
				k8a_buf_append(out, s + i, 1);
			} else if (c == '\n' || c == '\t' || c == '\r') {
				k8a_buf_append(out, c == '\n' ? "\\n" : c == '\t' ? "\\t" : "\\r", 2);
			} else if (c < 0x20 || c >= 0x7f) {
				snprintf(hex, sizeof(hex), "\\x%02x", c);
				k8a_buf_append(out, hex, 4);
			} else
				k8a_buf_append(out, s + i, 1);
		}
		k8a_buf_append(out, "'", 1);
		return;
	}
	k8a_buf_append(out, "'", 1);
	for (i = 0; i < n; i++) {
		if (s[i] == '\'')
			k8a_buf_append(out, "'\\''", 4);
		else
			k8a_buf_append(out, s + i, 1);
	}
	k8a_buf_append(out, "'", 1);
}

static const char *
query_of(const char *uri, int *is_exec)
{
	const char *q = strchr(uri, '?');
	size_t plen = q ? (size_t)(q - uri) : strlen(uri);

	size_t end, a;

	*is_exec = 0;
	if (plen >= 5 && memcmp(uri + plen - 5, "/exec", 5) == 0) {
		*is_exec = 1;
		end = plen - 5;
	} else if (plen >= 7 && memcmp(uri + plen - 7, "/attach", 7) == 0)
		end = plen - 7;
	else
		return NULL;
	/* .../pods/<name>/exec: not a pod that happens to be named exec */
	for (a = end; a > 0 && uri[a - 1] != '/'; a--)
		;
	if (a == 0 || a == end || a < 6 || memcmp(uri + a - 6, "/pods/", 6) != 0)
		return NULL;
	return q ? q + 1 : "";
}

/* Append the values of parameter `name` in query q to out, space-separated. */
static int
params(const char *q, const char *name, struct k8a_buf *out, int quote, int only_first)
{
	size_t nl = strlen(name);
	int count = 0;
	struct k8a_buf v = { 0 };

	while (*q) {
		const char *amp = strchr(q, '&');
		size_t len = amp ? (size_t)(amp - q) : strlen(q);
		if (len > nl && memcmp(q, name, nl) == 0 && q[nl] == '=') {
			pct_decode(q + nl + 1, len - nl - 1, &v);
			if (count)
				k8a_buf_append(out, " ", 1);
			if (quote)
				shell_quote(v.p, v.len, out);
			else
				k8a_buf_append(out, v.p, v.len);
			count++;
			if (only_first)
				break;
		}
		q += len;
		if (*q == '&')
			q++;
	}
	if (v.failed)
		out->failed = 1; /* a value left out: the text is not whole */
	k8a_buf_free(&v);
	return count;
}

/* The values of `command` (shell-quoted; exec only) or of `container`
 * (the first) of an exec/attach URI, into b.  Returns how many, or
 * K8A_FAILED when uri is not an exec/attach URI. */
static int
decode(const char *uri, int command, struct k8a_buf *b)
{
	int is_exec;
	const char *q;

	if (uri == NULL || (q = query_of(uri, &is_exec)) == NULL)
		return K8A_FAILED;
	if (k8a_buf_append(b, "", 0) != 0)
		return K8A_FATAL;
	if (command)
		return is_exec ? params(q, "command", b, 1, 0) : 0;
	return params(q, "container", b, 0, 1);
}

/* decode() into a caller's fixed buffer, truncated and NUL-terminated. */
static int
decode_into(const char *uri, int command, char *out, size_t outsz)
{
	struct k8a_buf b = { 0 };
	int n = decode(uri, command, &b);
	size_t k;

	if (b.failed) /* out of memory: no part of a command for all of it */
		n = K8A_FATAL, b.len = 0;
	if (outsz > 0) {
		k = b.len < outsz - 1 ? b.len : outsz - 1;
		if (k)
			memcpy(out, b.p, k);
		out[k] = '\0';
	}
	k8a_buf_free(&b);
	return n;
}

int
k8a_exec_command(const char *uri, char *out, size_t outsz)
{
	return decode_into(uri, 1, out, outsz);
}

int
k8a_exec_container(const char *uri, char *out, size_t outsz)
{
	return decode_into(uri, 0, out, outsz);
}

char *
k8a_exec_command_dup(const char *uri)
{
	struct k8a_buf b = { 0 };

	if (decode(uri, 1, &b) <= 0 || b.failed) {
		if (b.failed)
			errno = ENOMEM;
		k8a_buf_free(&b);
		return NULL;
	}
	return b.p;
}
