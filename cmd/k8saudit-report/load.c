/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Reading the tools' JSON lines, with a bound on a line: a bad line is
 * reported where it is and skipped, and reading goes on.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

/* A finding or a change with its objects is a few kB; rbac-diff's largest
 * lines (a ClusterRole before and after) stay well under this. */
#define LOAD_MAX_LINE ((size_t)16 << 20)

/* The next line of fp into *buf (without its newline): its length, or -1
 * at the end, -2 on a read error, -3 when it is over the bound (the rest
 * of it is skipped), -4 when memory ran out. */
static long
next_line(FILE *fp, char **buf, size_t *cap)
{
	size_t n = 0;
	int c, over = 0;

	while ((c = getc(fp)) != EOF && c != '\n') {
		if (over)
			continue;
		if (n + 1 >= *cap) {
			size_t ncap = *cap ? *cap * 2 : 4096;
			char *nb;
			if (n + 1 >= LOAD_MAX_LINE) {
				over = 1;
				continue;
			}
			if ((nb = realloc(*buf, ncap)) == NULL) {
				fe_nomem_note();
				return -4;
			}
			*buf = nb;
			*cap = ncap;
		}
		(*buf)[n++] = (char)c;
	}
	if (ferror(fp))
		return -2;
	if (c == EOF && n == 0 && !over)
		return -1;
	if (over)
		return -3;
	(*buf)[n] = '\0';
	return (long)n;
}

int
load_lines(struct model *m, FILE *fp, const char *path)
{
	char *buf = NULL, where[4200];
	size_t cap = 0;
	unsigned long lineno = 0;
	int bad = 0;
	long n;

	while ((n = next_line(fp, &buf, &cap)) != -1) {
		json_t *j;
		json_error_t err;
		lineno++;
		snprintf(where, sizeof(where), "%s:%lu", path, lineno);
		if (n == -2) {
			fe_diag(path, "read error: %s", strerror(errno));
			bad++;
			break;
		}
		if (n == -4) {
			fe_nomem_diag(where);
			free(buf);
			return -1;
		}
		if (n == -3) {
			fe_diag(where, "line longer than %zu MiB: skipped", LOAD_MAX_LINE >> 20);
			bad++;
			continue;
		}
		if (strspn(buf, " \t\r") == (size_t)n)
			continue;
		if ((j = json_loadb(buf, (size_t)n, JSON_REJECT_DUPLICATES, &err)) == NULL) {
			if (fe_nomem()) {
				fe_nomem_diag(where);
				free(buf);
				return -1;
			}
			fe_diag(where, "not JSON: %s", err.text);
			bad++;
			continue;
		}
		switch (model_add(m, j)) {
		case -1:
			json_decref(j);
			fe_nomem_diag(where);
			free(buf);
			return -1;
		case 1:
			fe_diag(where, "not a line of k8saudit-findings, rbac-diff or secret-scan --json output: skipped");
			bad++;
			break;
		}
		json_decref(j);
	}
	free(buf);
	return bad;
}
