/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Memory running out, told once and never lost.  A tool builds its
 * results through hundreds of allocations (jansson's above all), and a
 * check after each would be easy to miss; instead a failure sets a sticky
 * flag of the thread (fe_nomem()), and the tool tests it where a result
 * is kept or written.  jansson's allocations are watched from fe_init()
 * on; the tool notes its own failures with fe_nomem_note().
 *
 * And output written whole: a line (or a few that belong together) is
 * written to fe_row(), a stream in memory, and fe_row_end() writes it to
 * stdout in one piece only when nothing ran out meanwhile, so that no line
 * is ever printed with parts missing.
 *
 * No dependency on libk8saudit: the aws-auth reader's unit test links it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "fe.h"

/* Per thread: the library's worker threads report their own failures,
 * which must not be taken for the main thread's. */
static __thread int nomem;

void
fe_nomem_note(void)
{
	nomem = 1;
}

int
fe_nomem(void)
{
	return nomem;
}

char *
fe_strdup(const char *s)
{
	char *d;

	if (s == NULL)
		return NULL;
	if ((d = strdup(s)) == NULL)
		nomem = 1;
	return d;
}

/* ---- jansson's allocations ---- */

static json_malloc_t prev_malloc;
static json_free_t prev_free;

static void *
watch_malloc(size_t n)
{
	void *p = prev_malloc(n);

	if (p == NULL)
		nomem = 1;
	return p;
}

static void
watch_free(void *p)
{
	prev_free(p);
}

void
fe_nomem_watch(void)
{
	static int done;

	if (done)
		return;
	done = 1;
	/* chained to what was set before (the library chains to this) */
	json_get_alloc_funcs(&prev_malloc, &prev_free);
	if (prev_malloc != NULL && prev_free != NULL)
		json_set_alloc_funcs(watch_malloc, watch_free);
}

char *
fe_json_dumps(const json_t *o, size_t flags)
{
	char *s = nomem ? NULL : json_dumps(o, flags);

	if (s != NULL && nomem) { /* a part may be missing */
		free(s);
		s = NULL;
	}
	if (s == NULL)
		nomem = 1;
	return s;
}

/* ---- output written whole ---- */

/* One stream for the run, emptied after each row (its buffer stays). */
static FILE *row;
static char *row_buf;
static size_t row_len;

FILE *
fe_row(void)
{
	if (row == NULL && (row = open_memstream(&row_buf, &row_len)) == NULL)
		nomem = 1;
	return row;
}

int
fe_row_end(void)
{
	int bad;

	if (row == NULL)
		return nomem ? -1 : 0;
	/* the stream grows as it is written: a failure there is ours too */
	if (fflush(row) != 0 || ferror(row))
		nomem = 1;
	bad = nomem;
	if (!bad && row_len > 0)
		fwrite(row_buf, 1, row_len, stdout);
	rewind(row); /* empty again, its error cleared */
	return bad ? -1 : 0;
}

void
fe_rows_free(void)
{
	if (row != NULL)
		fclose(row);
	free(row_buf);
	row = NULL;
	row_buf = NULL;
	row_len = 0;
}
