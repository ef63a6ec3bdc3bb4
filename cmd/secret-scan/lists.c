/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The lists a responder keeps beside a case: a baseline of fingerprints
 * already known (rotated, or accepted), and an allow list of values,
 * JSON pointers and input paths never to report.
 *
 *   baseline:  one fingerprint per line, 16 to 64 hex digits (what --json,
 *              the TSV columns and --summary print); the rest of the line
 *              and # comment lines are ignored
 *   allow:     "value REGEX", "pointer GLOB" or "path GLOB" per line
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "scan.h"

struct baseline {
	char **fp; /* lower-case hex prefixes, sorted */
	size_t n, cap;
};

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

struct baseline *
baseline_load(const char *path, int *errors)
{
	FILE *fp = fopen(path, "r");
	struct baseline *b;
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t len;

	if (fp == NULL) {
		fe_diag(path, "cannot read the baseline: %s", strerror(errno));
		(*errors)++;
		return NULL;
	}
	if ((b = calloc(1, sizeof(*b))) == NULL) {
		fclose(fp);
		fe_diag(NULL, "out of memory");
		(*errors)++;
		return NULL;
	}
	while ((len = getline(&line, &cap, fp)) != -1) {
		char *s = line, *e, where[4200];
		size_t n;
		lineno++;
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '#' || *s == '\n' || *s == '\r' || *s == '\0')
			continue;
		for (e = s; isxdigit((unsigned char)*e); e++)
			*e = (char)tolower((unsigned char)*e);
		n = (size_t)(e - s);
		if (n < 16 || n > 64 || (*e && !isspace((unsigned char)*e))) {
			snprintf(where, sizeof(where), "%s:%zu", path, lineno);
			fe_diag(where, "not a fingerprint (16 to 64 hex digits)");
			(*errors)++;
			continue;
		}
		if (b->n == b->cap) {
			size_t nc = b->cap ? b->cap * 2 : 64;
			char **nf = realloc(b->fp, nc * sizeof(*nf));
			if (nf == NULL)
				break;
			b->fp = nf;
			b->cap = nc;
		}
		if ((b->fp[b->n] = strndup(s, n)) != NULL)
			b->n++;
	}
	free(line);
	if (ferror(fp)) {
		fe_diag(path, "read error: %s", strerror(errno));
		(*errors)++;
	}
	fclose(fp);
	if (b->n)
		qsort(b->fp, b->n, sizeof(*b->fp), cmp_str);
	return b;
}

int
baseline_has(const struct baseline *b, const char *fp)
{
	size_t lo = 0, hi, i;

	if (b == NULL || fp == NULL || *fp == '\0')
		return 0;
	/* the entries that could be prefixes of fp sort just before it */
	hi = b->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (strcmp(b->fp[mid], fp) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i-- > 0;) {
		size_t n = strlen(b->fp[i]);
		if (strncmp(b->fp[i], fp, n) == 0)
			return 1;
		if (strncmp(b->fp[i], fp, 16) != 0)
			break;
	}
	return 0;
}

void
baseline_free(struct baseline *b)
{
	size_t i;

	if (b == NULL)
		return;
	for (i = 0; i < b->n; i++)
		free(b->fp[i]);
	free(b->fp);
	free(b);
}

int
allow_load(k8a_secret_set *set, const char *path, json_t *taken)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, lineno = 0;
	ssize_t len;
	int problems = 0;

	if (fp == NULL) {
		fe_diag(path, "cannot read the allow list: %s", strerror(errno));
		return 1;
	}
	while ((len = getline(&line, &cap, fp)) != -1) {
		char *s = line, *kind, *pat, *e, where[4200];
		struct k8a_err err;
		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		while (*s == ' ' || *s == '\t')
			s++;
		if (*s == '#' || *s == '\0')
			continue;
		kind = s;
		pat = s + strcspn(s, " \t");
		if (*pat)
			*pat++ = '\0';
		while (*pat == ' ' || *pat == '\t')
			pat++;
		for (e = pat + strlen(pat); e > pat && (e[-1] == ' ' || e[-1] == '\t'); e--)
			;
		*e = '\0';
		snprintf(where, sizeof(where), "%s:%zu", path, lineno);
		if (*pat == '\0') {
			fe_diag(where, "'%s' without a pattern (value REGEX, pointer GLOB or path GLOB)", kind);
			problems++;
			continue;
		}
		if (k8a_secret_set_allow(set, kind, pat, &err) != K8A_OK) {
			if (strcmp(kind, "value") == 0 && err.msg[0])
				fe_diag(where, "value: %s", err.msg);
			else
				fe_diag(where, "%s", err.msg[0] ? err.msg : "out of memory");
			problems++;
		} else if (taken != NULL && json_array_append_new(taken, json_sprintf("%s %s", kind, pat)) != 0) {
			fe_nomem_note();
			problems++;
		}
	}
	free(line);
	fclose(fp);
	return problems;
}
