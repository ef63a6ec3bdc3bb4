/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The framer: cuts one decompressed byte stream into audit records.
 *
 * Two modes, chosen from the first value of the stream:
 *  - LINES, the fast path: one JSON record per line (audit.k8s.io log
 *    files, NDJSON CloudTrail, CloudWatch Logs S3 exports whose lines carry
 *    a timestamp prefix).  Records are found with memchr and, when a
 *    prefilter is set, lines without any of its literals are skipped with
 *    one scan over the whole block.
 *  - VALUES: any sequence of JSON values, pretty-printed or not, with or
 *    without separators.  Top-level objects holding a known array member
 *    (Records, items, logEvents, events, Events, records, results) are
 *    containers whose elements are streamed one at a time; other objects
 *    are records.  Top-level arrays are streamed the same way.
 *
 * Only the current record is held in memory; the buffer grows to the size
 * of the largest record and no further.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

enum mode { M_SNIFF, M_LINES, M_VALUES, M_DONE };
enum vstate { V_TOP, V_OBJ, V_ARR };
/* How to get a record out of a container element. */
enum kind { K_AUTO, K_RAW, K_MESSAGE, K_CTEVENT, K_AKS, K_INSIGHTS };

static const struct {
	const char *key;
	enum kind kind;
} containers[] = {
	{ "Records", K_RAW },      /* CloudTrail log file */
	{ "items", K_RAW },        /* audit.k8s.io EventList */
	{ "logEvents", K_MESSAGE },/* CloudWatch subscription envelope */
	{ "events", K_MESSAGE },   /* aws logs filter-log-events / get-log-events */
	{ "Events", K_CTEVENT },   /* aws cloudtrail lookup-events */
	{ "records", K_AKS },      /* Azure diagnostic settings */
	{ "results", K_INSIGHTS }, /* aws logs get-query-results */
};

struct k8a_framer {
	struct k8a_src *in;
	char *err;
	size_t limit; /* largest record */
	const k8a_prefilter *pf;

	char *buf;
	size_t cap, end, pos, pin;
	uint64_t base;     /* stream offset of buf[0] */
	uint64_t line;     /* line number at buf[line_pos] */
	size_t line_pos;
	int eof, rerr;
	char rerrmsg[K8A_ERRLEN];

	enum mode mode;
	int cw_prefix_seen;
	int unwrap; /* LINES: records are wrapped (AKS, lookup-events lines) */
	int quiet_unknown;
	int recognised; /* the stream was a log, even if it has ended */

	enum vstate vs;
	size_t obj_start;
	int obj_container, obj_control;
	enum kind kind;
	int arr_in_obj;
	int64_t index;

	struct k8a_buf scratch;
	uint64_t skipped;

	void (*progress)(void *);
	void *progress_arg;
	uint64_t progress_at;
};

void
k8a_framer_set_progress(struct k8a_framer *f, void (*cb)(void *), void *arg)
{
	f->progress = cb;
	f->progress_arg = arg;
}

static void
seterr(struct k8a_framer *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
seterr(struct k8a_framer *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(f->err, K8A_ERRLEN, fmt, ap);
	va_end(ap);
	/* a wrapper that could not be decoded for want of memory is not a
	 * bad wrapper: the reader makes this fatal */
	if (f->scratch.failed)
		snprintf(f->err, K8A_ERRLEN, "%s", K8A_NOMEM);
}

struct k8a_framer *
k8a_framer_new(struct k8a_src *in, size_t limit, const k8a_prefilter *pf, int quiet_unknown, char *err)
{
	struct k8a_framer *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return NULL;
	f->cap = K8A_BLOCK;
	if ((f->buf = malloc(f->cap + 1)) == NULL) {
		free(f);
		return NULL;
	}
	f->in = in;
	f->err = err;
	f->limit = limit;
	f->pf = pf;
	f->quiet_unknown = quiet_unknown;
	f->line = 1;
	return f;
}

void
k8a_framer_free(struct k8a_framer *f)
{
	if (f == NULL)
		return;
	free(f->buf);
	k8a_buf_free(&f->scratch);
	free(f);
}

uint64_t
k8a_framer_bytes(const struct k8a_framer *f)
{
	return f->base + f->pos;
}

int
k8a_framer_is_log(const struct k8a_framer *f)
{
	return f->mode == M_LINES || f->mode == M_VALUES || f->recognised;
}

uint64_t
k8a_framer_skipped(const struct k8a_framer *f)
{
	return f->skipped;
}

/* memchr beats a byte loop by an order of magnitude here: lines are long. */
static size_t
count_nl(const char *p, size_t n)
{
	const char *e = p + n;
	size_t c = 0;

	while (p < e && (p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
		c++;
		p++;
	}
	return c;
}

/* Line number of buf[p]; p never goes backwards. */
static uint64_t
line_at(struct k8a_framer *f, size_t p)
{
	if (p > f->line_pos) {
		f->line += count_nl(f->buf + f->line_pos, p - f->line_pos);
		f->line_pos = p;
	}
	return f->line;
}

/*
 * Make room and read more.  Bytes before f->pin are dropped.
 * Returns 1 when bytes were added, 0 at end of stream, -2 when the pinned
 * data already fills the largest allowed record.
 */
static int
refill(struct k8a_framer *f)
{
	size_t keep = f->pin;
	ssize_t r;

	if (f->eof)
		return 0;
	if (keep > 0) {
		line_at(f, keep);
		memmove(f->buf, f->buf + keep, f->end - keep);
		f->end -= keep;
		f->pos -= keep;
		f->pin = 0;
		f->line_pos -= keep;
		if (f->obj_start >= keep)
			f->obj_start -= keep;
		f->base += keep;
	}
	if (f->end == f->cap) {
		/* The pinned record fills the buffer.  One byte past the
		 * largest record is needed to see where it ends. */
		size_t ncap;
		char *nb;
		if (f->end > f->limit)
			return -2;
		ncap = f->cap > SIZE_MAX / 4 ? SIZE_MAX / 2 : f->cap * 2;
		if (f->limit < SIZE_MAX && ncap > f->limit + 1)
			ncap = f->limit + 1; /* > cap, since cap == end <= limit */
		if (ncap <= f->cap)
			return -2;
		if ((nb = realloc(f->buf, ncap + 1)) == NULL) {
			/* as a read error: the stream ends here, and the
			 * reader makes the message fatal */
			f->rerr = 1;
			snprintf(f->rerrmsg, sizeof(f->rerrmsg), "%s", K8A_NOMEM);
			f->eof = 1;
			return 0;
		}
		f->buf = nb;
		f->cap = ncap;
	}
	r = k8a_src_read(f->in, f->buf + f->end, f->cap - f->end);
	if (r < 0) {
		f->rerr = 1;
		snprintf(f->rerrmsg, sizeof(f->rerrmsg), "%s", f->err);
		f->eof = 1;
		return 0;
	}
	if (r == 0) {
		f->eof = 1;
		return 0;
	}
	f->end += (size_t)r;
	if (f->progress && f->base + f->end - f->progress_at >= ((uint64_t)8 << 20)) {
		f->progress_at = f->base + f->end;
		f->progress(f->progress_arg);
	}
	return 1;
}

static int
is_ws(char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

/* "2021-08-11T09:29:13.095Z " at p?  Returns its length or 0. */
static size_t
cw_prefix(const char *p, size_t n)
{
	static const char shape[] = "dddd-dd-ddTdd:dd:dd";
	size_t i;

	if (n < 21)
		return 0;
	for (i = 0; i < sizeof(shape) - 1; i++) {
		if (shape[i] == 'd' ? !isdigit((unsigned char)p[i]) : p[i] != shape[i])
			return 0;
	}
	if (p[i] == '.')
		for (i++; i < n && isdigit((unsigned char)p[i]); i++)
			;
	if (i + 1 < n && p[i] == 'Z' && p[i + 1] == ' ')
		return i + 2;
	return 0;
}

/*
 * Wrapped records: lookup-events elements, AKS diagnostics, EventBridge.
 * Wrapped records: lookup-events elements, AKS diagnostics, EventBridge.
 * when the wrapper is malformed (err set).
 */
/* The JSON string at member `key` (or key.sub) of the object p[0..n),
 * decoded into the scratch buffer.  1 done, 0 absent, -1 present but not
 * a valid string. */
static int
string_member(struct k8a_framer *f, const char *p, size_t n, const char *key, const char *sub)
{
	const char *v;
	size_t vn;

	if (k8a_jscan_member(p, n, key, &v, &vn) != 1)
		return 0;
	if (sub != NULL && k8a_jscan_member(v, vn, sub, &v, &vn) != 1)
		return 0;
	return k8a_jscan_unescape(v, vn, &f->scratch) == 0 ? 1 : -1;
}

static int
unwrap_auto(struct k8a_framer *f, const char *p, size_t n, const char **rp, size_t *rn)
{
	const char *v;
	size_t vn;
	int r = 0;

	if (n > 17 && memmem(p, n, "\"CloudTrailEvent\"", 17))
		r = string_member(f, p, n, "CloudTrailEvent", NULL);
	if (r == 0 && n > 12 && memmem(p, n, "\"properties\"", 12))
		r = string_member(f, p, n, "properties", "log");
	if (r == 1) {
		*rp = f->scratch.p;
		*rn = f->scratch.len;
		return 1;
	}
	if (r < 0) {
		seterr(f, "wrapped record is not a valid JSON string");
		return -1;
	}
	if (n > 13 && memmem(p, n, "\"detail-type\"", 13) &&
	    k8a_jscan_member(p, n, "detail", &v, &vn) == 1 && v[0] == '{') {
		*rp = v;
		*rn = vn;
		return 1;
	}
	return 0;
}

static void
trim(const char **p, size_t *n)
{
	while (*n && is_ws(**p)) {
		(*p)++;
		(*n)--;
	}
	while (*n && is_ws((*p)[*n - 1]))
		(*n)--;
}

/* Check a record's outline: an object, complete.  0 ok, -1 (err set). */
static int
check_outline(struct k8a_framer *f, const char *p, size_t n)
{
	if (n == 0 || p[0] != '{') {
		seterr(f, "not a JSON object");
		return -1;
	}
	if (n >= 14 && memcmp(p + n - 14, "[Truncated...]", 14) == 0) {
		seterr(f, "record truncated by CloudWatch Logs ([Truncated...])");
		return -1;
	}
	if (p[n - 1] != '}') {
		seterr(f, "incomplete JSON object (truncated record?)");
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */

/* Does the text start with an object whose first member is a container? */
static int
first_key_is_container(const char *p, size_t n)
{
	size_t i = k8a_jscan_ws(p, n, 0), e, k;

	if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		i = k8a_jscan_ws(p, n, 3);
	if (i >= n || p[i] != '{')
		return 0;
	i = k8a_jscan_ws(p, n, i + 1);
	if (i >= n || p[i] != '"' || (e = k8a_jscan_value(p + i, n - i)) == 0 || e == (size_t)-1)
		return 0;
	for (k = 0; k < sizeof(containers) / sizeof(containers[0]); k++)
		if (strlen(containers[k].key) == e - 2 && memcmp(p + i + 1, containers[k].key, e - 2) == 0)
			return 1;
	return 0;
}

/* Is a CloudTrail digest file's JSON at p?  Only the top-level members
 * count: any record could carry these words in its values. */
static int
is_digest(const char *p, size_t n)
{
	size_t e = k8a_jscan_value(p, n);
	const char *v;
	size_t vn;

	if (e == 0 || e == (size_t)-1 || p[0] != '{')
		return 0;
	return k8a_jscan_member(p, e, "digestStartTime", &v, &vn) == 1 &&
	       k8a_jscan_member(p, e, "digestS3Object", &v, &vn) == 1 &&
	       k8a_jscan_member(p, e, "Records", &v, &vn) != 1;
}

/* Is buf[at..] only blanks up to the newline nl (or the end of a stream
 * without one)?  Then the value before `at` is alone on its line. */
static int
ends_line(struct k8a_framer *f, size_t at, const char *nl)
{
	size_t stop = nl ? (size_t)(nl - f->buf) : f->end;

	if (nl == NULL && !f->eof)
		return 0;
	if (at > stop)
		return 0;
	return k8a_jscan_ws(f->buf, stop, at) == stop;
}

static void emit(struct k8a_framer *f, struct k8a_rec *rec, const char *p, size_t n, size_t at, int64_t index);

/* The line at f->pos is longer than a record may be: discard it, up to
 * and with its newline, and report where it was and how long.  Returns
 * K8A_WARN (the stream goes on after it). */
static int
skip_long_line(struct k8a_framer *f, struct k8a_rec *rec)
{
	uint64_t start = f->base + f->pos, size;
	const char *nl;

	emit(f, rec, NULL, 0, f->pos, -1);
	for (;;) {
		nl = memchr(f->buf + f->pos, '\n', f->end - f->pos);
		if (nl != NULL) {
			f->pos = f->pin = (size_t)(nl - f->buf) + 1;
			break;
		}
		f->pos = f->pin = f->end;
		if (refill(f) <= 0)
			break;
	}
	size = f->base + f->pos - start - (nl != NULL);
	seterr(f, "record of %llu bytes is longer than the limit of %zu bytes, skipped (--limit record=SIZE raises it)",
		(unsigned long long)size, f->limit);
	return K8A_WARN;
}

/* Choose the framing from the first record at f->pos.  K8A_OK (mode set),
 * K8A_EOF, K8A_WARN, K8A_FAILED, or SNIFF_LONG: the first line is longer
 * than a record may be, and the framing must be told from what follows. */
#define SNIFF_LONG 1000
static int
sniff(struct k8a_framer *f)
{
	size_t i, e;
	const char *nl;

	/* Enough to see the whole first line, unless the first member name
	 * already says the stream is a container (a one-line CloudTrail
	 * file may be tens of megabytes). */
	{
		size_t seen = f->pos;
		int r;
		while (!f->eof && !first_key_is_container(f->buf + f->pos, f->end - f->pos)) {
			if (seen < f->end && memchr(f->buf + seen, '\n', f->end - seen) != NULL &&
			    f->end - f->pos >= 4096)
				break;
			seen = f->end;
			f->pin = f->pos;
			if ((r = refill(f)) == -2 && memchr(f->buf + f->pos, '\n', f->end - f->pos) == NULL)
				return SNIFF_LONG;
			if (r <= 0)
				break;
		}
	}
	if (f->base == 0 && f->pos == 0 && f->end >= 3 && memcmp(f->buf, "\xef\xbb\xbf", 3) == 0)
		f->pos = f->pin = 3; /* UTF-8 byte order mark */
	i = k8a_jscan_ws(f->buf, f->end, f->pos);
	if (i >= f->end) {
		f->mode = M_DONE;
		if (f->rerr) {
			seterr(f, "%s", f->rerrmsg);
			return K8A_WARN;
		}
		return K8A_EOF; /* white space only: nothing to read */
	}
	if (f->end - i >= 27 && memcmp(f->buf + i, "Permission Check Successful", 27) == 0) {
		f->mode = M_DONE; /* CloudWatch export's aws-logs-write-test object */
		f->skipped++;
		return K8A_EOF;
	}
	if (is_digest(f->buf + i, f->end - i)) {
		f->mode = M_DONE; /* CloudTrail digest file: no events */
		f->skipped++;
		return K8A_EOF;
	}
	if ((e = cw_prefix(f->buf + i, f->end - i)) != 0) {
		if (i + e < f->end && f->buf[i + e] != '{') {
			/* an export of the whole log group also holds the
			 * authenticator, scheduler and controller-manager
			 * streams, whose messages are text */
			f->mode = M_DONE;
			if (f->quiet_unknown) {
				f->skipped++;
				return K8A_EOF;
			}
			seterr(f, "CloudWatch Logs export of a stream that is not JSON (not an audit log)");
			return K8A_FAILED;
		}
		f->mode = M_LINES;
		return K8A_OK;
	}
	if (f->buf[i] == '[') {
		f->mode = M_VALUES;
		return K8A_OK;
	}
	if (f->buf[i] != '{') {
		char show[24];
		size_t k, n = f->end - i < 16 ? f->end - i : 16;
		for (k = 0; k < n; k++)
			show[k] = isprint((unsigned char)f->buf[i + k]) ? f->buf[i + k] : '.';
		show[n] = '\0';
		f->mode = M_DONE;
		if (f->quiet_unknown) {
			f->skipped++;
			return K8A_EOF;
		}
		seterr(f, "not a recognised audit log format (starts with \"%s\")", show);
		return K8A_FAILED;
	}
	/* One object per line?  The first value must end its line and hold
	 * no container member; or, when the first line is broken, the next
	 * line must be such an object (a log whose first record was cut). */
	e = k8a_jscan_value(f->buf + i, f->end - i);
	nl = memchr(f->buf + i, '\n', f->end - i);
	if (e != 0 && e != (size_t)-1 && ends_line(f, i + e, nl)) {
		const char *v;
		size_t vn, k;
		int container = 0;
		for (k = 0; k < sizeof(containers) / sizeof(containers[0]); k++)
			if (k8a_jscan_member(f->buf + i, e, containers[k].key, &v, &vn) == 1 && v[0] == '[')
				container = 1;
		if (!container) {
			const char *rp;
			size_t rn;
			f->mode = M_LINES;
			f->unwrap = unwrap_auto(f, f->buf + i, e, &rp, &rn) == 1;
			return K8A_OK;
		}
	} else if (nl != NULL && (e == 0 || e == (size_t)-1 || !ends_line(f, i + e, nl))) {
		size_t j = (size_t)(nl - f->buf) + 1, e2;
		const char *nl2;
		if (j < f->end && f->buf[j] == '{' &&
		    (e2 = k8a_jscan_value(f->buf + j, f->end - j)) != 0 && e2 != (size_t)-1 &&
		    ((nl2 = memchr(f->buf + j, '\n', f->end - j)) != NULL || f->eof) &&
		    ends_line(f, j + e2, nl2) && !first_key_is_container(f->buf + j, e2)) {
			f->mode = M_LINES;
			return K8A_OK;
		}
	}
	f->mode = M_VALUES;
	return K8A_OK;
}

static void
emit(struct k8a_framer *f, struct k8a_rec *rec, const char *p, size_t n, size_t at, int64_t index)
{
	rec->p = p;
	rec->len = n;
	rec->line = line_at(f, at);
	rec->index = index;
	rec->offset = f->base + at;
}

/* ---- LINES ---- */

/* Does line [ls, le) have the outline of a record (or is it blank)?  The
 * same test as check_outline(), without trimming, so a line that fails
 * here may still be fine: it just takes the slow path. */
static int
sound_line(struct k8a_framer *f, size_t ls, size_t le)
{
	const char *p = f->buf + ls;
	size_t n = le - ls, cut;

	if (n && p[n - 1] == '\r')
		n--;
	if (n == 0)
		return 1;
	if (p[0] != '{') {
		if ((cut = cw_prefix(p, n)) == 0 || cut >= n || p[cut] != '{')
			return 0;
	}
	return p[n - 1] == '}';
}

/* The first line in [from, to) (line-aligned) whose outline is not a
 * record's, or `to`. */
static size_t
first_odd_line(struct k8a_framer *f, size_t from, size_t to)
{
	while (from < to) {
		const char *nl = memchr(f->buf + from, '\n', to - from);
		size_t le = nl ? (size_t)(nl - f->buf) : to;
		if (!sound_line(f, from, le))
			return from;
		from = le + 1;
	}
	return to;
}

static int
next_line(struct k8a_framer *f, struct k8a_rec *rec)
{
	for (;;) {
		size_t ls, le, avail, cut;
		const char *nl, *p;
		size_t n;
		int r;

		avail = f->end - f->pos;
		nl = avail ? memchr(f->buf + f->pos, '\n', avail) : NULL;
		if (nl == NULL && !f->eof) {
			f->pin = f->pos;
			if (refill(f) == -2)
				return skip_long_line(f, rec);
			continue;
		}
		if (nl == NULL && avail == 0) {
			f->mode = M_DONE;
			if (f->rerr) {
				emit(f, rec, NULL, 0, f->pos, -1);
				seterr(f, "%s", f->rerrmsg);
				return K8A_WARN;
			}
			return K8A_EOF;
		}
		if (f->pf != NULL && !f->unwrap) {
			/* Skip whole lines that cannot match, in one pass.  (Not
			 * over wrapped records: their quotes are escaped.) */
			const char *last = nl ? memrchr(f->buf + f->pos, '\n', avail) : NULL;
			size_t whole = last ? (size_t)(last - f->buf) + 1 : f->end;
			size_t hit = f->pos + k8a_prefilter_find(f->pf, f->buf + f->pos, whole - f->pos);
			size_t stop = whole, odd;
			if (hit < whole) {
				p = hit > f->pos ? memrchr(f->buf + f->pos, '\n', hit - f->pos) : NULL;
				stop = p ? (size_t)(p - f->buf) + 1 : f->pos;
			}
			/* A skipped line with a broken outline is still reported,
			 * exactly as without the prefilter. */
			odd = first_odd_line(f, f->pos, stop);
			if (odd < stop) {
				f->pos = odd;
				nl = memchr(f->buf + odd, '\n', f->end - odd);
			} else if (hit >= whole) {
				f->pos = whole;
				continue;
			} else {
				f->pos = stop;
				nl = memchr(f->buf + hit, '\n', f->end - hit);
			}
		}
		ls = f->pos;
		le = nl ? (size_t)(nl - f->buf) : f->end;
		f->pos = nl ? le + 1 : le;
		p = f->buf + ls;
		n = le - ls;
		if (n && p[n - 1] == '\r')
			n--;
		if ((cut = cw_prefix(p, n)) != 0) {
			p += cut;
			n -= cut;
		}
		trim(&p, &n);
		if (n == 0)
			continue;
		if (check_outline(f, p, n) != 0) {
			emit(f, rec, NULL, 0, ls, -1);
			return K8A_WARN;
		}
		if (f->unwrap) {
			const char *rp;
			size_t rn;
			r = unwrap_auto(f, p, n, &rp, &rn);
			if (r < 0) {
				emit(f, rec, NULL, 0, ls, -1);
				return K8A_WARN;
			}
			if (r == 1) {
				p = rp;
				n = rn;
				trim(&p, &n);
			}
			if (f->pf != NULL && k8a_prefilter_find(f->pf, p, n) == n)
				continue;
		}
		emit(f, rec, p, n, ls, -1);
		return K8A_OK;
	}
}

/* ---- VALUES ---- */

/* Make at least one byte past pos available.  0 ok, 1 end of stream,
 * -2 too large. */
static int
need_byte(struct k8a_framer *f)
{
	while (f->pos >= f->end) {
		int r = refill(f);
		if (r == 0)
			return 1;
		if (r == -2)
			return -2;
	}
	return 0;
}

static int
skip_ws(struct k8a_framer *f)
{
	int r;

	for (;;) {
		f->pos = k8a_jscan_ws(f->buf, f->end, f->pos);
		if (f->pos < f->end)
			return 0;
		if (f->vs == V_TOP || f->vs == V_ARR)
			f->pin = f->pos;
		if ((r = need_byte(f)) != 0)
			return r;
	}
}

/* Span of the value at pos, reading more as needed.  Returns its length,
 * 0 at end of stream, (size_t)-1 malformed, (size_t)-2 too large. */
static size_t
value_span(struct k8a_framer *f)
{
	for (;;) {
		size_t e = k8a_jscan_value(f->buf + f->pos, f->end - f->pos);
		int r;
		if (e == (size_t)-1)
			return e;
		if (e != 0 && (f->pos + e < f->end || f->eof || (f->buf[f->pos + e - 1] != '\0' && strchr("\"]}", f->buf[f->pos + e - 1]))))
			return e;
		r = refill(f);
		if (r == -2)
			return (size_t)-2;
		if (r == 0) {
			e = k8a_jscan_value(f->buf + f->pos, f->end - f->pos);
			return e;
		}
	}
}

static int
stream_fail(struct k8a_framer *f, struct k8a_rec *rec, const char *what)
{
	emit(f, rec, NULL, 0, f->pos < f->end ? f->pos : f->end, f->vs == V_ARR ? f->index : -1);
	if (f->rerr)
		seterr(f, "%s", f->rerrmsg);
	else
		seterr(f, "%s", what);
	f->mode = M_DONE;
	return K8A_WARN;
}

/* A container element to a record, by kind.  1 record, 0 skip, -1 bad. */
static int
element(struct k8a_framer *f, const char *p, size_t n, const char **rp, size_t *rn)
{
	int r;

	switch (f->kind) {
	case K_AUTO:
	case K_RAW:
		if (p[0] != '{') {
			seterr(f, "array element is not an object");
			return -1;
		}
		/* Records and items hold records; only arrays of unknown
		 * purpose may hold wrapped ones */
		if (f->kind == K_AUTO && (r = unwrap_auto(f, p, n, rp, rn)) != 0)
			return r;
		*rp = p;
		*rn = n;
		return 1;
	case K_MESSAGE:
		if (string_member(f, p, n, "message", NULL) != 1) {
			seterr(f, "log event without a message string");
			return -1;
		}
		if (f->obj_control || strncmp(f->scratch.p, "CWL CONTROL MESSAGE", 19) == 0) {
			f->skipped++;
			return 0;
		}
		break;
	case K_CTEVENT:
		if (string_member(f, p, n, "CloudTrailEvent", NULL) != 1) {
			seterr(f, "lookup-events entry without a CloudTrailEvent string");
			return -1;
		}
		break;
	case K_AKS:
		if (string_member(f, p, n, "properties", "log") != 1) {
			/* not AKS after all: a plain record in a "records" array */
			if (p[0] == '{') {
				*rp = p;
				*rn = n;
				return 1;
			}
			seterr(f, "diagnostic record without properties.log");
			return -1;
		}
		break;
	case K_INSIGHTS: {
		json_t *row = json_loadb(p, n, 0, NULL), *cell;
		size_t i;
		int found = 0;
		f->scratch.len = 0;
		json_array_foreach(row, i, cell) {
			const char *field = json_string_value(json_object_get(cell, "field"));
			const char *val = json_string_value(json_object_get(cell, "value"));
			if (field && val && strcmp(field, "@message") == 0) {
				f->scratch.len = 0;
				if (k8a_buf_append(&f->scratch, val, strlen(val)) != 0)
					break;
				found = 1;
			}
		}
		json_decref(row);
		if (!found) {
			seterr(f, "query result row without @message");
			return -1;
		}
		break;
	}
	}
	*rp = f->scratch.p;
	*rn = f->scratch.len;
	trim(rp, rn);
	if (*rn >= 14 && memcmp(*rp + *rn - 14, "[Truncated...]", 14) == 0) {
		seterr(f, "record truncated by CloudWatch Logs ([Truncated...])");
		return -1;
	}
	if (*rn == 0 || (*rp)[0] != '{') {
		seterr(f, "embedded record is not a JSON object");
		return -1;
	}
	return 1;
}

static int
next_value(struct k8a_framer *f, struct k8a_rec *rec)
{
	for (;;) {
		size_t span, e, k;
		int r;
		char c;

		if ((r = skip_ws(f)) != 0) {
			if (r == -2)
				return stream_fail(f, rec, "record too large");
			if (f->vs != V_TOP)
				return stream_fail(f, rec, "unexpected end of data inside a JSON document");
			f->mode = M_DONE;
			if (f->rerr)
				return stream_fail(f, rec, "");
			return K8A_EOF;
		}
		c = f->buf[f->pos];
		switch (f->vs) {
		case V_TOP:
			f->pin = f->pos;
			if (c == '{') {
				f->obj_start = f->pos;
				f->obj_container = f->obj_control = 0;
				f->pos++;
				f->vs = V_OBJ;
			} else if (c == '[') {
				f->pos++;
				f->vs = V_ARR;
				f->kind = K_AUTO;
				f->arr_in_obj = 0;
				f->index = 0;
			} else
				return stream_fail(f, rec, "expected a JSON object or array");
			break;
		case V_OBJ:
			if (c == '}') {
				f->pos++;
				f->vs = V_TOP;
				if (!f->obj_container) {
					const char *rp = NULL;
					size_t rn = 0;
					size_t at = f->obj_start;
					f->pin = f->pos;
					f->kind = K_AUTO;
					r = element(f, f->buf + at, f->pos - at, &rp, &rn);
					emit(f, rec, rp, rn, at, -1);
					if (r < 0)
						return K8A_WARN;
					if (r == 1 && f->pf != NULL && k8a_prefilter_find(f->pf, rp, rn) == rn)
						break;
					if (r == 1)
						return K8A_OK;
				}
				break;
			}
			if (c == ',') {
				f->pos++;
				break;
			}
			if (c != '"')
				return stream_fail(f, rec, "malformed JSON: expected a member name");
			span = value_span(f);
			if (span == 0 || span >= (size_t)-2)
				return stream_fail(f, rec, "malformed JSON member name");
			{
				size_t ks = f->pos + 1, kn = span - 2;
				int ci = -1;
				for (k = 0; k < sizeof(containers) / sizeof(containers[0]); k++)
					if (strlen(containers[k].key) == kn &&
					    memcmp(f->buf + ks, containers[k].key, kn) == 0)
						ci = (int)k;
				int is_mt = kn == 11 && memcmp(f->buf + ks, "messageType", 11) == 0;
				f->pos += span;
				if (skip_ws(f) != 0 || f->buf[f->pos] != ':')
					return stream_fail(f, rec, "malformed JSON: expected ':'");
				f->pos++;
				if (skip_ws(f) != 0)
					return stream_fail(f, rec, "unexpected end of data inside a JSON document");
				if (ci >= 0 && f->buf[f->pos] == '[') {
					f->obj_container = 1;
					f->kind = containers[ci].kind;
					f->pos++;
					f->pin = f->pos;
					f->vs = V_ARR;
					f->arr_in_obj = 1;
					f->index = 0;
					break;
				}
				e = value_span(f);
				if (e == (size_t)-2)
					return stream_fail(f, rec, "record too large");
				if (e == 0 || e == (size_t)-1)
					return stream_fail(f, rec, "malformed JSON value");
				if (is_mt && e == 17 && memcmp(f->buf + f->pos, "\"CONTROL_MESSAGE\"", 17) == 0)
					f->obj_control = 1;
				f->pos += e;
				if (f->obj_container)
					f->pin = f->pos;
			}
			break;
		case V_ARR:
			if (c == ']') {
				f->pos++;
				f->pin = f->pos;
				f->vs = f->arr_in_obj ? V_OBJ : V_TOP;
				break;
			}
			if (c == ',') {
				f->pos++;
				f->pin = f->pos;
				break;
			}
			f->pin = f->pos;
			span = value_span(f);
			if (span == (size_t)-2)
				return stream_fail(f, rec, "record too large");
			if (span == 0 || span == (size_t)-1)
				return stream_fail(f, rec, "malformed JSON inside an array");
			{
				const char *rp = NULL;
				size_t rn = 0, at = f->pos;
				int64_t idx = f->index++;
				f->pos += span;
				r = element(f, f->buf + at, span, &rp, &rn);
				emit(f, rec, rp, rn, at, idx);
				if (r < 0)
					return K8A_WARN;
				if (r == 1) {
					if (f->pf != NULL && k8a_prefilter_find(f->pf, rp, rn) == rn)
						break;
					return K8A_OK;
				}
			}
			break;
		}
	}
}

int
k8a_framer_next(struct k8a_framer *f, struct k8a_rec *rec)
{
	int r;

	memset(rec, 0, sizeof(*rec));
	rec->index = -1;
	if (f->mode == M_SNIFF) {
		r = sniff(f);
		if (r == SNIFF_LONG) /* and the next call sniffs again */
			return skip_long_line(f, rec);
		if (r != K8A_OK) {
			emit(f, rec, NULL, 0, f->pos, -1);
			return r;
		}
	}
	if (f->mode == M_LINES || f->mode == M_VALUES)
		f->recognised = 1;
	switch (f->mode) {
	case M_LINES:
		return next_line(f, rec);
	case M_VALUES:
		return next_value(f, rec);
	default:
		return K8A_EOF;
	}
}
