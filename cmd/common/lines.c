/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Reading the small text files the tools are given (rule files, address
 * lists, allow lists) line by line, with bounds: a path such as /dev/zero
 * or a log given by mistake must end in a message, not in memory
 * exhaustion.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fe.h"

int
fe_lines_open(struct fe_lines *l, const char *path)
{
	memset(l, 0, sizeof(*l));
	l->path = path;
	if ((l->fp = fopen(path, "r")) == NULL) {
		if (errno == ENOMEM) /* the FILE itself */
			fe_nomem_diag(path);
		else
			fe_diag(path, "%s", strerror(errno));
		return -1;
	}
	return 0;
}

int
fe_lines_next(struct fe_lines *l, char **line)
{
	size_t n = 0;
	int c;

	if (l->fp == NULL)
		return 0;
	for (;;) {
		if ((c = getc(l->fp)) == EOF) {
			if (ferror(l->fp)) {
				fe_diag(l->path, "read error: %s", strerror(errno));
				return -1;
			}
			if (n == 0)
				return 0;
			break;
		}
		if (++l->bytes > FE_LINES_MAX_FILE) {
			fe_diag(l->path, "longer than %u MiB: not a file of this kind",
				(unsigned)(FE_LINES_MAX_FILE >> 20));
			return -1;
		}
		if (n + 1 >= l->cap) {
			size_t nc = l->cap ? l->cap * 2 : 256;
			char *p;
			if (nc > FE_LINES_MAX_LINE + 2)
				nc = FE_LINES_MAX_LINE + 2;
			if (n + 1 >= nc) {
				char where[4200];
				snprintf(where, sizeof(where), "%s:%u", l->path, l->lineno + 1);
				fe_diag(where, "line longer than %u bytes", (unsigned)FE_LINES_MAX_LINE);
				return -1;
			}
			if ((p = realloc(l->buf, nc)) == NULL) {
				char where[4200];
				snprintf(where, sizeof(where), "%s:%u", l->path, l->lineno + 1);
				fe_nomem_diag(where);
				return -1;
			}
			l->buf = p;
			l->cap = nc;
		}
		l->buf[n++] = (char)c;
		if (c == '\n')
			break;
	}
	l->buf[n] = '\0';
	l->lineno++;
	*line = l->buf;
	return 1;
}

void
fe_lines_close(struct fe_lines *l)
{
	if (l->fp)
		fclose(l->fp);
	free(l->buf);
	memset(l, 0, sizeof(*l));
}

const char *
fe_rules_dir(void)
{
	const char *dir = getenv("K8SAUDIT_RULES_DIR");

	return dir && *dir ? dir : K8A_DATADIR "/rules";
}
