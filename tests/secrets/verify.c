/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The generator checks its own labels before writing them: the record as
 * written is parsed again, the label's pointer must name a string, and
 * following the decode steps from that string (base64, gzip, JSON inside
 * the string, URL query escaping) must lead to text holding the secret.
 * A label that fails is a bug in the generator, not a corpus to score.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

/* RFC 6901 */
static json_t *
resolve(json_t *root, const char *ptr)
{
	json_t *cur = root;

	if (*ptr == '\0')
		return root;
	if (*ptr != '/')
		return NULL;
	while (cur && *ptr == '/') {
		const char *end = strchr(ptr + 1, '/');
		size_t n = end ? (size_t)(end - ptr - 1) : strlen(ptr + 1);
		char *tok = ar_alloc(n + 1), *o = tok;
		size_t i;
		for (i = 0; i < n; i++) {
			const char *c = ptr + 1 + i;
			if (*c == '~' && i + 1 < n && (c[1] == '0' || c[1] == '1')) {
				*o++ = c[1] == '0' ? '~' : '/';
				i++;
			} else
				*o++ = *c;
		}
		*o = '\0';
		if (json_is_object(cur))
			cur = json_object_get(cur, tok);
		else if (json_is_array(cur)) {
			char *e;
			unsigned long k = strtoul(tok, &e, 10);
			cur = *tok && *e == '\0' ? json_array_get(cur, k) : NULL;
		} else
			cur = NULL;
		ptr += n + 1;
	}
	return cur;
}

int
verify_label(const char *record_text, const char *ptr, const char *secret, const struct steps *st, char *why,
    size_t whylen)
{
	json_error_t err;
	json_t *root = json_loads(record_text, 0, &err), *v;
	const char *cur;
	size_t n;
	int i, ok = -1;

	if (root == NULL) {
		snprintf(why, whylen, "the record is not JSON: %s", err.text);
		return -1;
	}
	v = resolve(root, ptr);
	if (!json_is_string(v)) {
		snprintf(why, whylen, "%s is not a string in the record", ptr);
		goto out;
	}
	n = json_string_length(v);
	cur = ar_strndup(json_string_value(v), n);
	for (i = 0; i < st->n; i++) {
		const struct step *s = &st->s[i];
		switch (s->kind) {
		case ST_BASE64:
			if ((cur = (const char *)b64_decode(cur, &n)) == NULL) {
				snprintf(why, whylen, "step %d: not base64", i + 1);
				goto out;
			}
			break;
		case ST_GZIP:
			if ((cur = (const char *)gunz(cur, n, &n)) == NULL) {
				snprintf(why, whylen, "step %d: not gzip", i + 1);
				goto out;
			}
			break;
		case ST_URL:
			cur = url_unescape(cur);
			n = strlen(cur);
			break;
		case ST_JSON: {
			json_t *doc = json_loadb(cur, n, 0, &err), *w;
			if (doc == NULL) {
				snprintf(why, whylen, "step %d: not JSON: %s", i + 1, err.text);
				goto out;
			}
			w = resolve(doc, s->ptr);
			if (!json_is_string(w)) {
				snprintf(why, whylen, "step %d: %s is not a string in the document", i + 1, s->ptr);
				json_decref(doc);
				goto out;
			}
			n = json_string_length(w);
			cur = ar_strndup(json_string_value(w), n);
			json_decref(doc);
			break;
		}
		}
	}
	if (memmem(cur, n, secret, strlen(secret)) == NULL) {
		snprintf(why, whylen, "the decoded text does not hold the secret");
		goto out;
	}
	ok = 0;
out:
	json_decref(root);
	return ok;
}
