/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * --format csv: the columns of the default output as RFC 4180 CSV for
 * spreadsheets: a header row, CRLF line ends, a field in double quotes
 * (quotes doubled) when it holds a comma or a quote.
 *
 * Text from the logs is escaped as in the TSV first (k8a_escape: control
 * characters, DEL, C1, bidi overrides, backslash and invalid UTF-8 become
 * visible backslash escapes), so a cell never holds a line break or a
 * terminal control sequence, and the file is safe to cat.  A cell that
 * starts with '=', '+', '-' or '@' would be a formula to a spreadsheet
 * (a user name "=HYPERLINK(...)" is the attacker's to choose): it is
 * written with a leading apostrophe, which spreadsheets show as the mark
 * of text.  Absent values are empty cells.
 */
#include <stdlib.h>
#include <string.h>

#include "output.h"

static void
csv_cell(FILE *fp, const char *s)
{
	char *e = NULL;
	const char *t = s, *p;
	size_t n;

	if (s == NULL || *s == '\0')
		return;
	n = strlen(s);
	if (!k8a_is_plain(s, n)) {
		if ((e = k8a_escape(s, n)) == NULL) {
			fe_nomem_note(); /* the row is not written (fe_row_end) */
			return;
		}
		t = e;
	}
	if (strpbrk(t, ",\"\r\n") == NULL) {
		if (t[0] && strchr("=+-@", t[0]))
			fputc('\'', fp);
		fputs(t, fp);
	} else {
		fputc('"', fp);
		if (t[0] && strchr("=+-@", t[0]))
			fputc('\'', fp);
		for (p = t; *p; p++) {
			if (*p == '"')
				fputc('"', fp);
			fputc(*p, fp);
		}
		fputc('"', fp);
	}
	free(e);
}

void
out_csv_header(FILE *fp)
{
	int c;

	for (c = 0; c < OC_COUNT_; c++) {
		if (c)
			fputc(',', fp);
		fputs(out_col_names[c], fp);
	}
	fputs("\r\n", fp);
}

void
out_csv(FILE *fp, const struct finding *f)
{
	const char *cell[OC_COUNT_];
	char *title = out_cells(f, cell);
	int c;

	for (c = 0; c < OC_COUNT_; c++) {
		if (c)
			fputc(',', fp);
		csv_cell(fp, cell[c]);
	}
	fputs("\r\n", fp);
	free(title);
}
