/* SPDX-License-Identifier: BSD-2-Clause */
/* Options, help, diagnostics and time arguments for every tool. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fe.h"

const char *fe_progname = "k8saudit";
int fe_optind;

void
fe_init(const char *argv0)
{
	const char *s = argv0 ? strrchr(argv0, '/') : NULL;

	fe_progname = s ? s + 1 : argv0 ? argv0 : fe_progname;
	if (strncmp(fe_progname, "lt-", 3) == 0) /* libtool wrapper */
		fe_progname += 3;
	fe_nomem_watch();
}

int
fe_getopt(int argc, char **argv, const struct fe_opt *opts, const char **arg)
{
	static struct option lo[128];
	static char so[256];
	static const struct fe_opt *built;
	size_t n = 0, k = 0, i;
	int c, li = -1;

	if (built != opts) {
		/* Options may follow paths (GNU style), as in
		 * "k8saudit-grep -w EXPR ./AWSLogs/ --json"; "--" ends them. */
		so[k++] = ':';
		for (i = 0; opts[i].lng || opts[i].shrt; i++) {
			if (opts[i].lng) {
				lo[n].name = opts[i].lng;
				lo[n].has_arg = opts[i].has_arg ? required_argument : no_argument;
				lo[n].flag = NULL;
				lo[n].val = 1000 + (int)i;
				n++;
			}
			if (opts[i].shrt) {
				so[k++] = (char)opts[i].shrt;
				if (opts[i].has_arg)
					so[k++] = ':';
			}
		}
		memset(&lo[n], 0, sizeof(lo[n]));
		so[k] = '\0';
		built = opts;
		opterr = 0;
	}
	c = getopt_long(argc, argv, so, lo, &li);
	fe_optind = optind;
	*arg = optarg;
	if (c == -1)
		return -1;
	if (c >= 1000)
		return c - 1000;
	if (c == '?' || c == ':') {
		const char *bad = argv[optind - 1];
		if (optopt && optopt < 1000)
			fprintf(stderr, "%s: %s option -%c\n", fe_progname,
				c == ':' ? "missing argument for" : "unknown", optopt);
		else if (optopt >= 1000)
			fprintf(stderr, "%s: missing argument for %s\n", fe_progname, bad);
		else
			fprintf(stderr, "%s: unknown option %s\n", fe_progname, bad);
		fprintf(stderr, "Try '%s --help' for more information.\n", fe_progname);
		return -2;
	}
	for (i = 0; opts[i].lng || opts[i].shrt; i++)
		if (opts[i].shrt == c)
			return (int)i;
	return -2;
}

void
fe_help(FILE *fp, const char *synopsis, const char *about, const struct fe_opt *opts)
{
	size_t i;

	fprintf(fp, "Usage: %s %s\n%s\n\nOptions:\n", fe_progname, synopsis, about);
	for (i = 0; opts[i].lng || opts[i].shrt; i++) {
		char left[64];
		int n = 0;
		if (opts[i].shrt)
			n = snprintf(left, sizeof(left), "-%c%s", opts[i].shrt, opts[i].lng ? ", " : "");
		else
			n = snprintf(left, sizeof(left), "    ");
		if (opts[i].lng)
			snprintf(left + n, sizeof(left) - (size_t)n, "--%s%s%s", opts[i].lng,
				opts[i].has_arg ? " " : "", opts[i].has_arg ? opts[i].argname : "");
		else if (opts[i].has_arg)
			snprintf(left + n, sizeof(left) - (size_t)n, " %s", opts[i].argname);
		fprintf(fp, "  %-26s %s\n", left, opts[i].help);
	}
}

void
fe_usage_error(const char *synopsis, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", fe_progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nUsage: %s %s\nTry '%s --help' for more information.\n", fe_progname,
		synopsis, fe_progname);
}

void
fe_version(void)
{
	printf("%s %s\n%s\nReport bugs to: %s\n", fe_progname, K8A_VERSION_STRING, k8a_version_details(),
		PACKAGE_BUGREPORT);
}

/* The first output error, with the errno of the write that failed: kept
 * when it happens, since later calls may change errno. */
static int out_errno;

int
fe_out_failed(void)
{
	if (out_errno == 0 && ferror(stdout))
		out_errno = errno ? errno : EIO;
	return out_errno != 0;
}

int
fe_finish_stdout(void)
{
	static int reported;

	fe_rows_free();
	errno = 0;
	if (fflush(stdout) != 0 && out_errno == 0)
		out_errno = errno ? errno : EIO;
	if (!fe_out_failed())
		return 0;
	if (!reported) {
		reported = 1;
		fe_diag("<stdout>", "write error: %s", strerror(out_errno));
	}
	return -1;
}

void
fe_diag(const char *where, const char *fmt, ...)
{
	char msg[2048];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fe_progress_end();
	fflush(stdout);
	fprintf(stderr, "%s: ", fe_progname);
	if (where && *where) {
		fe_put(stderr, where);
		fputs(": ", stderr);
	}
	fe_put(stderr, msg);
	fputc('\n', stderr);
}

void
fe_nomem_diag(const char *where)
{
	static int said;

	fe_nomem_note();
	if (!said) {
		said = 1;
		fe_diag(where, "out of memory");
	}
}

void
fe_putn(FILE *fp, const char *s, size_t n)
{
	char *e;

	if (s == NULL || n == 0) {
		fputc('-', fp);
		return;
	}
	if (k8a_is_plain(s, n)) {
		fwrite(s, 1, n, fp);
		return;
	}
	if ((e = k8a_escape(s, n)) == NULL) {
		fe_nomem_note(); /* a cell left out: the line must not be used */
		return;
	}
	fputs(e, fp);
	free(e);
}

void
fe_put(FILE *fp, const char *s)
{
	fe_putn(fp, s, s ? strlen(s) : 0);
}

int
fe_default_threads(void)
{
	const char *e = getenv("K8SAUDIT_THREADS");
	long n;

	if (e != NULL && (n = strtol(e, NULL, 10)) >= 1 && n <= 64)
		return (int)n;
	n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : n > 8 ? 8 : (int)n;
}

int
fe_parse_when(const char *s, int64_t *usec)
{
	char *end;
	double v, back;
	int64_t mult, now, earliest;
	struct timespec ts;

	if (k8a_time_parse(s, strlen(s), usec) == K8A_OK)
		return 0;
	/* a decimal number and a unit (strtod alone would also read "inf",
	 * "nan" and hex) */
	if (!isdigit((unsigned char)s[0]) && s[0] != '.')
		return -1;
	v = strtod(s, &end);
	if (end != s + strspn(s, "0123456789.eE+-"))
		return -1;
	switch (*end) {
	case 's': mult = 1; break;
	case 'm': mult = 60; break;
	case 'h': mult = 3600; break;
	case 'd': mult = 86400; break;
	case 'w': mult = 7 * 86400; break;
	default: return -1;
	}
	if (end[1] != '\0')
		return -1;
	clock_gettime(CLOCK_REALTIME, &ts);
	now = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
	/* no earlier than the first instant a time can name (0000-01-01),
	 * checked in floating point before anything is converted */
	if (k8a_time_parse("0000-01-01T00:00:00Z", 20, &earliest) != K8A_OK)
		return -1;
	back = v * (double)mult * 1e6;
	if (!(back <= (double)(now - earliest)))
		return -2;
	*usec = now - (int64_t)back;
	return 0;
}

const char *
fe_when_error(int r, const char *arg, char *buf, size_t n)
{
	snprintf(buf, n, r == -2 ? "'%s' reaches back before the year 0000" :
		"cannot read '%s' as a time or duration", arg);
	return buf;
}

/* ---- progress ---- */
static int progress_shown;
static uint64_t progress_records;
static struct timespec progress_start, progress_last;

static double
since(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

void
fe_progress(k8a_reader *r, uint64_t records)
{
	static int tty = -1;
	struct timespec now;

	progress_records = records;
	if (tty == -1)
		tty = isatty(2);
	if (!tty)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (progress_start.tv_sec == 0 && progress_start.tv_nsec == 0) {
		progress_start = progress_last = now;
		return;
	}
	if (since(&progress_start, &now) < 1.0 || since(&progress_last, &now) < 0.5)
		return;
	progress_last = now;
	fprintf(stderr, "\r\033[K%s: %.0f MB, %llu records, ", fe_progname,
		(double)k8a_reader_bytes(r) / 1e6, (unsigned long long)records);
	fe_put(stderr, k8a_reader_path(r));
	progress_shown = 1;
}

void
fe_progress_cb(void *reader)
{
	fe_progress(reader, progress_records);
}

void
fe_progress_end(void)
{
	if (progress_shown) {
		fputs("\r\033[K", stderr);
		progress_shown = 0;
	}
}

int
fe_expr_check(const k8a_expr *x, const char *where, int strict)
{
	char hint[128];
	const char *u = k8a_expr_unknown_field(x, hint, sizeof(hint));

	if (u == NULL)
		return 0;
	fe_diag(where, "%s: unknown field '%s' selects nothing (no alias, and no member of an audit "
		"or CloudTrail record; closest: '%s')", strict ? "error" : "warning", u, hint);
	return strict ? -1 : 0;
}

int
fe_parse_threads(const char *arg, int *n)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (end == arg || *end || errno || v < 1 || v > 64)
		return -1;
	*n = (int)v;
	return 0;
}
