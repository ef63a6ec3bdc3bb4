/* SPDX-License-Identifier: BSD-2-Clause */
/* What the fuzz targets share; see fuzz.h. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

FILE *fuzz_stderr;

static char *diag_text;
static size_t diag_len;
static FILE *diag_fp;

void
fuzz_fail(const char *target, const char *fmt, ...)
{
	FILE *fp = fuzz_stderr ? fuzz_stderr : stderr;
	va_list ap;

	fprintf(fp, "%s: ", target);
	va_start(ap, fmt);
	vfprintf(fp, fmt, ap);
	va_end(ap);
	fputc('\n', fp);
	fflush(fp);
	abort();
}

static char path[4096];

static void
remove_file(void)
{
	unlink(path);
}

const char *
fuzz_file(const uint8_t *data, size_t size, const char *suffix)
{
	FILE *fp;

	if (path[0] == '\0') {
		const char *dir = getenv("TMPDIR");
		snprintf(path, sizeof(path), "%s/k8a-fuzz-%ld%s", dir && *dir ? dir : "/tmp", (long)getpid(),
			suffix);
		atexit(remove_file);
	}
	if ((fp = fopen(path, "wb")) == NULL || (size && fwrite(data, 1, size, fp) != size) || fclose(fp) != 0)
		fuzz_fail("fuzz", "cannot write %s", path);
	return path;
}

void
fuzz_diag_begin(void)
{
	if (fuzz_stderr == NULL)
		fuzz_stderr = stderr;
	if ((diag_fp = open_memstream(&diag_text, &diag_len)) == NULL)
		fuzz_fail("fuzz", "open_memstream failed");
	stderr = diag_fp;
}

size_t
fuzz_diag_end(const char *prog)
{
	size_t i, lines = 0, plen = strlen(prog);
	int bol = 1;

	stderr = fuzz_stderr;
	fclose(diag_fp);
	for (i = 0; i < diag_len; i++) {
		unsigned char c = (unsigned char)diag_text[i];
		if (bol) {
			if (diag_len - i < plen + 2 || memcmp(diag_text + i, prog, plen) != 0 ||
			    memcmp(diag_text + i + plen, ": ", 2) != 0)
				fuzz_fail(prog, "diagnostic not of the form 'prog: ...': %.200s", diag_text + i);
			lines++;
		}
		if ((c < 0x20 && c != '\n') || c == 0x7f)
			fuzz_fail(prog, "diagnostic with a raw control byte 0x%02x: %.200s", c, diag_text);
		bol = c == '\n';
	}
	free(diag_text);
	diag_text = NULL;
	diag_len = 0;
	return lines;
}
