/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rbac-diff: what the reports share: a growable string, escaped TSV cells,
 * times, JSON lines, tag lists and the sorted keys of an object.
 */
#include <stdlib.h>
#include <string.h>

#include "fe.h"
#include "rd.h"

void
rd_sb_add(struct rd_sb *b, const char *s)
{
	size_t n;

	if (s == NULL)
		return;
	n = strlen(s);
	if (b->n + n + 1 > b->cap) {
		size_t nc = (b->cap ? b->cap : 128);
		char *ns;
		while (nc < b->n + n + 1)
			nc *= 2;
		if ((ns = realloc(b->s, nc)) == NULL)
			return;
		b->s = ns;
		b->cap = nc;
	}
	memcpy(b->s + b->n, s, n + 1);
	b->n += n;
}

const char *
rd_sb_str(const struct rd_sb *b)
{
	return b->s ? b->s : "";
}

void
rd_put_time(FILE *fp, int64_t t)
{
	char buf[64];

	if (t == INT64_MIN || t == INT64_MAX) {
		fputc('-', fp);
		return;
	}
	k8a_time_format(t, buf);
	fputs(buf, fp);
}

void
rd_set_time(json_t *o, const char *k, int64_t t)
{
	char buf[64];

	if (t == INT64_MIN || t == INT64_MAX)
		return;
	k8a_time_format(t, buf);
	json_object_set_new(o, k, json_string(buf));
}

void
rd_json_line(json_t *o)
{
	json_dumpf(o, stdout, JSON_COMPACT | JSON_ENSURE_ASCII);
	fputc('\n', stdout);
}

void
rd_tab(void)
{
	fputc('\t', stdout);
}

void
rd_cell(const char *s)
{
	fe_put(stdout, s);
}

void
rd_actor_text(json_t *a, char *out, size_t outsz)
{
	const char *u = rd_jstr(a, "username"), *key = rd_jstr(a, "access_key_id"), *as = rd_jstr(a, "impersonated_user");

	if (key && as)
		snprintf(out, outsz, "%s (key %s, as %s)", u ? u : "?", key, as);
	else if (key || as)
		snprintf(out, outsz, "%s (%s%s)", u ? u : "?", key ? "key " : "as ", key ? key : as);
	else
		snprintf(out, outsz, "%s", u ? u : "");
}

void
rd_add_tags(json_t *tags, const char *list)
{
	char buf[256], *p, *save = NULL;
	size_t i;
	json_t *x;

	if (list == NULL)
		return;
	snprintf(buf, sizeof(buf), "%s", list);
	for (p = strtok_r(buf, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		int have = 0;
		json_array_foreach(tags, i, x)
			if (strcmp(json_string_value(x), p) == 0)
				have = 1;
		if (!have)
			json_array_append_new(tags, json_string(p));
	}
}

void
rd_tags_text(json_t *added, json_t *removed, struct rd_sb *b)
{
	size_t i;
	json_t *x;

	json_array_foreach(added, i, x) {
		if (i)
			rd_sb_add(b, ",");
		rd_sb_add(b, json_string_value(x));
	}
	if (json_array_size(added) == 0 && json_array_size(removed)) {
		rd_sb_add(b, "removed:");
		json_array_foreach(removed, i, x) {
			if (i)
				rd_sb_add(b, ",");
			rd_sb_add(b, json_string_value(x));
		}
	}
}

static int
str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The keys of an object, sorted (borrowed strings). */
const char **
rd_sorted_keys(json_t *o, size_t *n)
{
	const char **k = malloc((json_object_size(o) + 1) * sizeof(*k)), *key;
	json_t *v;
	size_t i = 0;

	if (k == NULL) {
		*n = 0;
		return NULL;
	}
	json_object_foreach(o, key, v)
		k[i++] = key;
	qsort(k, i, sizeof(*k), str_cmp);
	*n = i;
	return k;
}
