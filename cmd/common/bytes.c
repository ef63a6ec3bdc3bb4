/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * File and member names in the JSON the tools keep (states, partials):
 * a name is bytes, not necessarily UTF-8, and jansson writes only UTF-8.
 * A name that is not is kept as {"hex": "..."} and read back to its bytes
 * (in memory a jansson string may hold any bytes; only writing checks).
 */
#include <stdlib.h>
#include <string.h>

#include "fe.h"

static const char digits[] = "0123456789abcdef";

json_t *
fe_bytes_json(const char *s)
{
	size_t n = strlen(s), i;
	json_t *j = json_stringn(s, n);
	char *hex;

	if (j != NULL || fe_nomem())
		return j;
	if ((hex = malloc(2 * n + 1)) == NULL) {
		fe_nomem_note();
		return NULL;
	}
	for (i = 0; i < n; i++) {
		hex[2 * i] = digits[(unsigned char)s[i] >> 4];
		hex[2 * i + 1] = digits[(unsigned char)s[i] & 15];
	}
	hex[2 * n] = '\0';
	j = json_pack("{ss}", "hex", hex);
	free(hex);
	return j;
}

/* v as bytes: a string, or {"hex": even lowercase hex digits, not all of
 * them a NUL}.  A new string (any bytes); NULL when v is neither (*bad
 * set) or memory ran out. */
static json_t *
unhex(const json_t *v, int *bad)
{
	const char *hex = json_string_value(json_object_get(v, "hex"));
	size_t n, i;
	char *b;
	json_t *j;

	*bad = 0;
	if (json_is_string(v))
		return json_incref((json_t *)(uintptr_t)v);
	if (!json_is_object(v) || json_object_size(v) != 1 || hex == NULL || (n = strlen(hex)) % 2 != 0) {
		*bad = 1;
		return NULL;
	}
	if ((b = malloc(n / 2 + 1)) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		const char *d = strchr(digits, hex[i]);
		if (d == NULL || (i % 2 == 1 && b[i / 2] == 0 && d == digits)) {
			free(b);
			*bad = 1; /* not a digit, or a NUL byte: no name holds one */
			return NULL;
		}
		if (i % 2 == 0)
			b[i / 2] = (char)((d - digits) << 4);
		else
			b[i / 2] = (char)(b[i / 2] | (d - digits));
	}
	j = json_stringn_nocheck(b, n / 2);
	free(b);
	return j;
}

int
fe_bytes_at(json_t *container, size_t index, const char *key)
{
	json_t *v = key ? json_object_get(container, key) : json_array_get(container, index), *s;
	int bad;

	if (v == NULL || json_is_string(v))
		return v == NULL ? -1 : 0;
	if ((s = unhex(v, &bad)) == NULL)
		return bad ? -1 : -2;
	if ((key ? json_object_set_new(container, key, s) : json_array_set_new(container, index, s)) != 0)
		return -2;
	return 0;
}
