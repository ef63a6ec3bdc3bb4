/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rbac-diff: what the reports share: a growable string, rows (escaped TSV
 * cells, times, JSON lines) written whole, tag lists and the sorted keys
 * of an object.
 */
#include <stdarg.h>
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
		if ((ns = realloc(b->s, nc)) == NULL) {
			fe_nomem_note(); /* a text with a part missing */
			return;
		}
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

/* ---- rows: a report's lines are written to fe_row() and each is
 * written to stdout whole by rd_row_end(), or not at all when memory ran
 * out while it was made ---- */

void
rd_text(const char *s)
{
	FILE *fp = fe_row();

	if (fp)
		fputs(s, fp);
}

void
rd_printf(const char *fmt, ...)
{
	FILE *fp = fe_row();
	va_list ap;

	if (fp == NULL)
		return;
	va_start(ap, fmt);
	vfprintf(fp, fmt, ap);
	va_end(ap);
}

void
rd_time(int64_t t)
{
	char buf[64];

	if (t == INT64_MIN || t == INT64_MAX) {
		rd_text("-");
		return;
	}
	k8a_time_format(t, buf);
	rd_text(buf);
}

int
rd_row_end(void)
{
	rd_text("\n");
	return fe_row_end();
}

/* A time as every tool writes it (fe_time_json: null when unknown); a
 * moment not reached (INT64_MAX: still open at the end) is left out. */
void
rd_set_time(json_t *o, const char *k, int64_t t)
{
	if (t != INT64_MAX)
		json_object_set_new(o, k, fe_time_json(t));
}

int
rd_json_line(json_t *o)
{
	char *s = fe_json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);

	if (s == NULL) {
		fe_nomem_note();
		return -1;
	}
	rd_text(s);
	free(s);
	return rd_row_end();
}

void
rd_tab(void)
{
	rd_text("\t");
}

void
rd_cell(const char *s)
{
	FILE *fp = fe_row();

	if (fp)
		fe_put(fp, s);
}

/* The record's common fields (k8saudit-json(5)) on o, "time" first and
 * given as t (a snapshot's time is the one it was given). */
void
rd_put_record(json_t *o, json_t *record, int64_t t)
{
	const char *k;
	json_t *v;

	json_object_set_new(o, "time", fe_time_json(t));
	json_object_foreach(record, k, v)
		if (strcmp(k, "time") != 0)
			json_object_set(o, k, v);
}

const char *
rd_event_id(json_t *record)
{
	return rd_jstr(record, "event_id");
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
		fe_nomem_note();
		*n = 0;
		return NULL;
	}
	json_object_foreach(o, key, v)
		k[i++] = key;
	qsort(k, i, sizeof(*k), str_cmp);
	*n = i;
	return k;
}
