/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The framer (lib/frame.c), one framing at a time.  The first byte picks
 * the framing the rest is put into: the input's lines become the records
 * of a CloudTrail file, an EventList, Firehose envelopes, a CloudWatch
 * Logs export, lookup-events output and so on (see frame() below, and
 * k8saudit-input(5)); framing 0 passes the bytes as they are.  The second
 * byte is the size of the reads the framer gets (1 to 64 bytes).
 *
 * Invariants, for any input:
 *  - the framer returns K8A_OK, K8A_WARN, K8A_FAILED or K8A_EOF, with a
 *    message for each WARN and FAILED, and ends;
 *  - how the stream arrives does not matter: read in small pieces, it is
 *    cut into exactly the records (text, line, index, offset) and
 *    messages it is cut into when it arrives at once;
 *  - with a prefilter, the records are those without it, less some that
 *    hold none of its literals, and the messages are the same.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "private.h"

#define MAXREC 100000

/* ---- the framings ---- */

static struct k8a_buf doc;

static void
put(const char *s)
{
	k8a_buf_append(&doc, s, strlen(s));
}

/* p[0..n) as the contents of a JSON string. */
static void
put_escaped(const char *p, size_t n)
{
	size_t i;
	char u[8];

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];
		if (c == '"' || c == '\\') {
			u[0] = '\\';
			u[1] = (char)c;
			k8a_buf_append(&doc, u, 2);
		} else if (c < 0x20) {
			snprintf(u, sizeof(u), "\\u%04x", c);
			k8a_buf_append(&doc, u, 6);
		} else
			k8a_buf_append(&doc, p + i, 1);
	}
}

enum how { RAW, ESCAPED };
static const struct framing {
	const char *name, *head, *before, *after, *between, *tail;
	enum how how;
} framings[] = {
	{ "bytes as they are", "", "", "", "\n", "", RAW },
	{ "lines, CRLF", "", "", "\r\n", "", "", RAW },
	{ "CloudWatch Logs export", "", "2021-08-11T09:29:13.095Z ", "\n", "", "", RAW },
	{ "CloudTrail file", "{\"Records\":[", "", "", ",", "]}", RAW },
	{ "EventList", "{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"metadata\":{},\"items\":[",
	  "", "", ",\n", "]}\n", RAW },
	{ "Firehose envelopes, back to back",
	  "", "{\"messageType\":\"DATA_MESSAGE\",\"owner\":\"123456789012\",\"logGroup\":\"/aws/eks/c/cluster\","
	  "\"logStream\":\"kube-apiserver-audit-1\",\"subscriptionFilters\":[\"f\"],\"logEvents\":[{\"id\":\"1\","
	  "\"timestamp\":1510109208016,\"message\":\"", "\"}]}", "", "", ESCAPED },
	{ "JSON array", "[\n", "  ", "", ",\n", "\n]\n", RAW },
	{ "filter-log-events", "{\"events\":[", "{\"logStreamName\":\"kube-apiserver-audit-1\",\"timestamp\":1,"
	  "\"message\":\"", "\",\"eventId\":\"1\"}", ",", "],\"searchedLogStreams\":[]}", ESCAPED },
	{ "lookup-events", "{\"Events\":[", "{\"EventId\":\"e\",\"EventName\":\"AssumeRole\",\"CloudTrailEvent\":\"",
	  "\"}", ",", "],\"NextToken\":\"t\"}", ESCAPED },
	{ "Azure diagnostics", "{\"records\":[", "{\"category\":\"kube-audit\",\"properties\":{\"log\":\"",
	  "\",\"pod\":\"kube-apiserver-1\"}}", ",", "]}", ESCAPED },
	{ "Logs Insights results", "{\"results\":[", "[{\"field\":\"@timestamp\",\"value\":\"t\"},"
	  "{\"field\":\"@message\",\"value\":\"", "\"}]", ",", "],\"status\":\"Complete\"}", ESCAPED },
	{ "EventBridge lines", "", "{\"version\":\"0\",\"detail-type\":\"AWS API Call via CloudTrail\",\"detail\":",
	  "}\n", "", "", RAW },
	{ "values back to back", "", "", "", "", "", RAW },
	{ "lookup-events lines", "", "{\"EventId\":\"e\",\"CloudTrailEvent\":\"", "\"}\n", "", "", ESCAPED },
	{ "Azure PT1H.json lines", "", "{\"properties\":{\"log\":\"", "\"}}\n", "", "", ESCAPED },
	{ "pretty-printed values", "", "", "\n", "\n\n", "", RAW },
};
#define NFRAMINGS (sizeof(framings) / sizeof(framings[0]))

/* The input's lines as records of framing fr (framing 0: the input). */
static void
frame(const struct framing *fr, const char *p, size_t n)
{
	const char *e = p + n;
	int first = 1;

	doc.len = 0;
	if (fr == &framings[0]) {
		k8a_buf_append(&doc, p, n);
		return;
	}
	put(fr->head);
	while (p < e) {
		const char *nl = memchr(p, '\n', (size_t)(e - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(e - p);
		if (!first)
			put(fr->between);
		first = 0;
		put(fr->before);
		if (fr->how == ESCAPED)
			put_escaped(p, len);
		else
			k8a_buf_append(&doc, p, len);
		put(fr->after);
		p += len + (nl != NULL);
	}
	put(fr->tail);
}

/* ---- a source that hands out a few bytes at a time ---- */

struct piece_src {
	struct k8a_src s;
	const char *p;
	size_t n, off, piece;
};

static ssize_t
piece_read(struct k8a_src *s, void *buf, size_t n)
{
	struct piece_src *m = (struct piece_src *)s;
	size_t k = m->n - m->off;

	if (k > m->piece)
		k = m->piece;
	if (k > n)
		k = n;
	memcpy(buf, m->p + m->off, k);
	m->off += k;
	return (ssize_t)k;
}

/* ---- one pass: what the framer makes of the document ---- */

struct out {
	int rc;
	char *text; /* the record, or the message */
	size_t len;
	uint64_t line, offset;
	int64_t index;
};

struct pass {
	struct out *o;
	size_t n, cap;
};

static void
pass_free(struct pass *ps)
{
	size_t i;

	for (i = 0; i < ps->n; i++)
		free(ps->o[i].text);
	free(ps->o);
	ps->o = NULL;
	ps->n = ps->cap = 0;
}

static void
run(struct pass *ps, size_t piece, const k8a_prefilter *pf, int quiet)
{
	static char err[K8A_ERRLEN];
	struct piece_src src = { 0 };
	struct k8a_framer *f;
	struct k8a_rec rec;
	int rc;

	src.s.read = piece_read;
	src.s.err = err;
	src.s.kind = SRC_MEM;
	src.p = doc.p;
	src.n = doc.len;
	src.piece = piece;
	if ((f = k8a_framer_new(&src.s, K8A_MIN_MAX_RECORD, pf, quiet, err)) == NULL)
		abort();
	memset(ps, 0, sizeof(*ps));
	do {
		struct out *o;
		if (ps->n == ps->cap) {
			ps->cap = ps->cap ? 2 * ps->cap : 16;
			if ((ps->o = realloc(ps->o, ps->cap * sizeof(*ps->o))) == NULL)
				abort();
		}
		o = &ps->o[ps->n];
		err[0] = '\0';
		rc = k8a_framer_next(f, &rec);
		if (rc == K8A_EOF)
			break;
		if (rc != K8A_OK && rc != K8A_WARN && rc != K8A_FAILED)
			fuzz_fail("fuzz_frame", "k8a_framer_next returned %d (%s)", rc, err);
		if (rc != K8A_OK && err[0] == '\0')
			fuzz_fail("fuzz_frame", "k8a_framer_next returned %d without a message", rc);
		/* an empty record (an empty wrapped string) is the decoder's
		 * to report */
		if (rc == K8A_OK && rec.p == NULL && rec.len != 0)
			fuzz_fail("fuzz_frame", "a record without its text");
		o->rc = rc;
		o->len = rc == K8A_OK ? rec.len : strlen(err);
		if ((o->text = malloc(o->len + 1)) == NULL)
			abort();
		memcpy(o->text, rc == K8A_OK ? rec.p : err, o->len);
		o->text[o->len] = '\0';
		o->line = rec.line;
		o->offset = rec.offset;
		o->index = rec.index;
		ps->n++;
	} while (rc != K8A_FAILED && ps->n < MAXREC);
	k8a_framer_free(f);
}

static int
same(const struct out *a, const struct out *b)
{
	return a->rc == b->rc && a->len == b->len && memcmp(a->text, b->text, a->len) == 0 &&
	       a->line == b->line && a->offset == b->offset && a->index == b->index;
}

static void
differ(const char *what, const struct framing *fr, size_t i, const struct out *a, const struct out *b)
{
	fuzz_fail("fuzz_frame", "%s, %s: output %zu differs:\n  %d %llu:%lld@%llu %.300s\n  %d %llu:%lld@%llu %.300s",
		fr->name, what, i, a ? a->rc : -99, a ? (unsigned long long)a->line : 0ULL,
		a ? (long long)a->index : 0LL, a ? (unsigned long long)a->offset : 0ULL, a ? a->text : "(none)",
		b ? b->rc : -99, b ? (unsigned long long)b->line : 0ULL, b ? (long long)b->index : 0LL,
		b ? (unsigned long long)b->offset : 0ULL, b ? b->text : "(none)");
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const lits[] = { "create", "Assume", "system:", NULL };
	static k8a_prefilter *pf;
	const struct framing *fr;
	struct pass whole, pieces, filtered;
	size_t piece, i, j;
	int quiet;

	if (size < 2)
		return 0;
	if (pf == NULL && (pf = k8a_prefilter_new(lits)) == NULL)
		abort();
	fr = &framings[data[0] % NFRAMINGS];
	piece = 1 + (data[1] & 63);
	quiet = (data[1] & 64) != 0;
	frame(fr, (const char *)data + 2, size - 2);
	if (doc.failed)
		abort();

	run(&whole, K8A_BLOCK, NULL, quiet);
	/* The framer looks at most 4 KiB ahead to choose the framing (the
	 * first line, or up to a container's name); beyond, how the first
	 * bytes arrive may change what it sees of the first value.  */
	if (doc.len < 4096) {
		run(&pieces, piece, NULL, quiet);
		for (i = 0; i < whole.n || i < pieces.n; i++)
			if (i >= whole.n || i >= pieces.n || !same(&whole.o[i], &pieces.o[i]))
				differ("read at once / in pieces", fr, i, i < whole.n ? &whole.o[i] : NULL,
					i < pieces.n ? &pieces.o[i] : NULL);
		pass_free(&pieces);
	}
	run(&filtered, K8A_BLOCK, pf, quiet);
	for (i = j = 0; i < whole.n; i++) {
		const struct out *w = &whole.o[i];
		if (j < filtered.n && same(w, &filtered.o[j])) {
			j++;
			continue;
		}
		if (w->rc != K8A_OK || k8a_prefilter_find(pf, w->text, w->len) < w->len)
			differ("without / with a prefilter", fr, i, w, j < filtered.n ? &filtered.o[j] : NULL);
	}
	if (j < filtered.n)
		differ("without / with a prefilter", fr, j, NULL, &filtered.o[j]);
	pass_free(&whole);
	pass_free(&filtered);
	return 0;
}
