/* SPDX-License-Identifier: BSD-2-Clause */
/* The runner of the unit tests and the helpers they share (see test.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "test.h"

struct t_case {
	const char *name, *file;
	int line;
	k8a_test_fn fn;
};

static struct t_case *cases;
static size_t ncases, capcases;
static int cur_failed;

void
k8a_test_register(const char *name, const char *file, int line, k8a_test_fn fn)
{
	if (ncases == capcases) {
		size_t nc = capcases ? capcases * 2 : 64;
		struct t_case *n = realloc(cases, nc * sizeof(*n));
		if (n == NULL) {
			fprintf(stderr, "out of memory\n");
			exit(2);
		}
		cases = n;
		capcases = nc;
	}
	cases[ncases].name = name;
	cases[ncases].file = file;
	cases[ncases].line = line;
	cases[ncases].fn = fn;
	ncases++;
}

void
k8a_test_fail(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	cur_failed++;
	fflush(stdout);
	fprintf(stdout, "%s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

/* Print bytes C-escaped so that failures are readable and one line. */
static void
show(FILE *f, const char *s, size_t n)
{
	size_t i;

	if (s == NULL) {
		fputs("NULL", f);
		return;
	}
	fputc('"', f);
	for (i = 0; i < n && i < 400; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c == '\\' || c == '"')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\x%02x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
	if (n > 400)
		fprintf(f, "... (%zu bytes)", n);
}

int
k8a_test_check_mem(const char *file, int line, const char *gexpr, const void *got, size_t gotlen,
	const void *want, size_t wantlen)
{
	if (got == NULL && want == NULL)
		return 1;
	if (got != NULL && want != NULL && gotlen == wantlen && memcmp(got, want, gotlen) == 0)
		return 1;
	cur_failed++;
	fflush(stdout);
	fprintf(stdout, "%s:%d: %s: expected ", file, line, gexpr);
	show(stdout, want, wantlen);
	fputs(" got ", stdout);
	show(stdout, got, gotlen);
	fputc('\n', stdout);
	fflush(stdout);
	return 0;
}

int
k8a_test_check_str(const char *file, int line, const char *gexpr, const char *got, const char *want)
{
	return k8a_test_check_mem(file, line, gexpr, got, got ? strlen(got) : 0, want,
		want ? strlen(want) : 0);
}

int
k8a_test_check_int(const char *file, int line, const char *gexpr, long long got, long long want)
{
	if (got == want)
		return 1;
	k8a_test_fail(file, line, "%s: expected %lld got %lld", gexpr, want, got);
	return 0;
}

/* ---- per-test resources ---- */

static void **allocs;
static size_t nallocs, capallocs;
static k8a_reader *ev_reader;
static char *tbuf;
static size_t tlen, tcap;

void *
t_alloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL) {
		fprintf(stderr, "out of memory\n");
		exit(2);
	}
	if (nallocs == capallocs) {
		size_t nc = capallocs ? capallocs * 2 : 16;
		void **na = realloc(allocs, nc * sizeof(*na));
		if (na == NULL) {
			fprintf(stderr, "out of memory\n");
			exit(2);
		}
		allocs = na;
		capallocs = nc;
	}
	allocs[nallocs++] = p;
	return p;
}

const char *
J(const char *s)
{
	size_t n = strlen(s), i;
	char *d = t_alloc(n + 1);

	for (i = 0; i <= n; i++)
		d[i] = s[i] == '\'' ? '"' : s[i];
	return d;
}

static void
cleanup(void)
{
	size_t i;

	k8a_reader_free(ev_reader);
	ev_reader = NULL;
	for (i = 0; i < nallocs; i++)
		free(allocs[i]);
	nallocs = 0;
}

static void
tput(const char *s, size_t n)
{
	if (tlen + n + 1 > tcap) {
		size_t nc = tcap ? tcap : 1024;
		char *nb;
		while (nc < tlen + n + 1)
			nc *= 2;
		if ((nb = realloc(tbuf, nc)) == NULL) {
			fprintf(stderr, "out of memory\n");
			exit(2);
		}
		tbuf = nb;
		tcap = nc;
	}
	memcpy(tbuf + tlen, s, n);
	tlen += n;
	tbuf[tlen] = '\0';
}

static void
tprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void
tprintf(const char *fmt, ...)
{
	char tmp[8192];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n > 0)
		tput(tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

const char *
t_transcript(const struct t_input *in, size_t nin, const k8a_prefilter *pf, uint64_t *skipped)
{
	k8a_reader *r = k8a_reader_new();
	k8a_event *ev;
	size_t i;
	int rc, guard = 0;

	tlen = 0;
	tput("", 0);
	if (r == NULL)
		return "k8a_reader_new failed";
	for (i = 0; i < nin; i++)
		k8a_reader_add_memory(r, in[i].p, in[i].n == (size_t)-1 ? strlen(in[i].p) : in[i].n,
			in[i].name ? in[i].name : "mem");
	if (pf)
		k8a_reader_set_prefilter(r, pf);
	while ((rc = k8a_reader_next(r, &ev)) != K8A_EOF) {
		if (++guard > 100000) {
			tprintf("LOOP\n");
			break;
		}
		if (rc == K8A_OK) {
			const struct k8a_origin *o = k8a_event_origin(ev);
			size_t n;
			const char *raw = k8a_event_raw(ev, &n);
			tprintf("%llu:%lld@%llu ", (unsigned long long)o->line, (long long)o->index,
				(unsigned long long)o->offset);
			tput(raw, n > 80 ? 80 : n);
			tput("\n", 1);
		} else if (rc == K8A_WARN) {
			tprintf("WARN %s: %s\n", k8a_reader_where(r), k8a_reader_error(r));
		} else {
			tprintf("RC %d %s\n", rc, k8a_reader_error(r));
			break;
		}
	}
	if (skipped)
		*skipped = k8a_reader_skipped(r);
	k8a_reader_free(r);
	return tbuf;
}

const char *
t_read(const char *text)
{
	struct t_input in = { text, (size_t)-1, "mem" };

	return t_transcript(&in, 1, NULL, NULL);
}

const char *
t_read_pf(const char *text, const char *const *lits)
{
	struct t_input in = { text, (size_t)-1, "mem" };
	k8a_prefilter *pf = k8a_prefilter_new(lits);
	const char *s;

	if (pf == NULL)
		return "k8a_prefilter_new failed";
	s = t_transcript(&in, 1, pf, NULL);
	k8a_prefilter_free(pf);
	return s;
}

k8a_event *
t_event(const char *json)
{
	size_t n = strlen(json);
	char *copy = t_alloc(n + 1);
	k8a_event *ev = NULL;
	int rc;

	memcpy(copy, json, n + 1);
	k8a_reader_free(ev_reader);
	if ((ev_reader = k8a_reader_new()) == NULL)
		return NULL;
	k8a_reader_add_memory(ev_reader, copy, n, "event");
	rc = k8a_reader_next(ev_reader, &ev);
	if (rc != K8A_OK) {
		k8a_test_fail(__FILE__, __LINE__, "t_event: reader returned %d (%s) for %.60s", rc,
			k8a_reader_error(ev_reader), json);
		return NULL;
	}
	return ev;
}

int
t_match_at(const char *file, int line, const char *expr, const char *json)
{
	struct k8a_err err;
	k8a_expr *x = k8a_expr_compile(expr, &err);
	k8a_event *ev;
	int r;

	if (x == NULL) {
		k8a_test_fail(file, line, "expression '%s' does not compile: %s at %zu", expr, err.msg,
			err.offset);
		return -100;
	}
	if ((ev = t_event(json)) == NULL) {
		k8a_expr_free(x);
		return -101;
	}
	r = k8a_expr_match(x, ev);
	k8a_expr_free(x);
	return r;
}

void *
t_gzip(const void *p, size_t n, size_t *outlen)
{
	z_stream z;
	size_t cap = compressBound((uLong)n) + 64;
	unsigned char *out = t_alloc(cap);

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	z.next_in = (Bytef *)(uintptr_t)p;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
		deflateEnd(&z);
		return NULL;
	}
	*outlen = z.total_out;
	deflateEnd(&z);
	return out;
}

void *
t_zstd(const void *p, size_t n, size_t *outlen)
{
	size_t cap = ZSTD_compressBound(n);
	void *out = t_alloc(cap);
	size_t r = ZSTD_compress(out, cap, p, n, 3);

	if (ZSTD_isError(r))
		return NULL;
	*outlen = r;
	return out;
}

/* ---- the runner ---- */

static int
cmp_case(const void *a, const void *b)
{
	const struct t_case *x = a, *y = b;
	int c = strcmp(x->file, y->file);

	return c ? c : (x->line > y->line) - (x->line < y->line);
}

static int
selected(const char *name, int argc, char **argv)
{
	int i;

	if (argc < 2)
		return 1;
	for (i = 1; i < argc; i++)
		if (strncmp(name, argv[i], strlen(argv[i])) == 0)
			return 1;
	return 0;
}

int
main(int argc, char **argv)
{
	size_t i, passed = 0, failed = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	qsort(cases, ncases, sizeof(*cases), cmp_case);
	for (i = 0; i < ncases; i++) {
		if (!selected(cases[i].name, argc, argv))
			continue;
		cur_failed = 0;
		cases[i].fn();
		cleanup();
		if (cur_failed) {
			printf("FAIL %s\n", cases[i].name);
			failed++;
		} else {
			printf("ok %s\n", cases[i].name);
			passed++;
		}
	}
	free(cases);
	free(allocs);
	free(tbuf);
	/* a run that tested nothing is not a pass */
	if (passed + failed == 0)
		printf("no tests selected\n");
	printf("%zu passed, %zu failed\n", passed, failed);
	return failed || passed == 0 ? 1 : 0;
}
