/* SPDX-License-Identifier: BSD-2-Clause */
/* The reader: layers, several inputs, prefilter, de-duplication, limits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

/* ---- prefilter ---- */

K8A_TEST(prefilter_find_api)
{
	const char *one[] = { "needle", NULL };
	const char *meta[] = { "a.b", "(c)", NULL };
	const char *empty[] = { "", NULL };
	k8a_prefilter *pf;
	const char *s = "axb and (c) and a.b";

	REQUIRE((pf = k8a_prefilter_new(one)) != NULL);
	CHECK_EQ_INT(k8a_prefilter_find(pf, "hay needle hay", 14), 4);
	CHECK_EQ_INT(k8a_prefilter_find(pf, "hay needl", 9), 9);
	CHECK_EQ_INT(k8a_prefilter_find(pf, "", 0), 0);
	k8a_prefilter_free(pf);

	/* several literals: regex metacharacters are taken literally */
	REQUIRE((pf = k8a_prefilter_new(meta)) != NULL);
	CHECK_EQ_INT(k8a_prefilter_find(pf, s, strlen(s)), 8);
	CHECK_EQ_INT(k8a_prefilter_find(pf, "axb c", 5), 5);
	CHECK_EQ_INT(k8a_prefilter_find(pf, "xx a.b", 6), 3);
	k8a_prefilter_free(pf);

	/* no literals, or an empty one: everything is a candidate */
	REQUIRE((pf = k8a_prefilter_new(NULL)) != NULL);
	CHECK_EQ_INT(k8a_prefilter_find(pf, "abc", 3), 0);
	k8a_prefilter_free(pf);
	REQUIRE((pf = k8a_prefilter_new(empty)) != NULL);
	CHECK_EQ_INT(k8a_prefilter_find(pf, "abc", 3), 0);
	k8a_prefilter_free(pf);
	k8a_prefilter_free(NULL);
}

K8A_TEST(prefilter_lines)
{
	const char *lits[] = { "needle", NULL };

	CHECK_EQ_STR(t_read_pf("{\"a\":1}\n"
			       "{\"a\":2}\n"
			       "{\"a\":\"needle\"}\n"
			       "\n"
			       "{\"a\":4}\n"
			       "{\"a\":5}\n"
			       "{\"b\":\"needle\"}\r\n"
			       "{\"a\":8}\n"
			       "{\"a\":\"needle 9\"}",
			 lits),
		"3:-1@16 {\"a\":\"needle\"}\n"
		"7:-1@48 {\"b\":\"needle\"}\n"
		"9:-1@72 {\"a\":\"needle 9\"}\n");
}

K8A_TEST(prefilter_lines_cloudwatch_prefix)
{
	const char *lits[] = { "needle", NULL };

	CHECK_EQ_STR(t_read_pf("2021-08-11T09:29:13.095Z {\"a\":1}\n"
			       "2021-08-11T09:29:13.096Z {\"a\":\"needle\"}\n"
			       "2021-08-11T09:29:13.097Z {\"a\":3}\n",
			 lits),
		"2:-1@33 {\"a\":\"needle\"}\n");
}

K8A_TEST(prefilter_lines_multi_literal)
{
	const char *lits[] = { "alpha", "beta", NULL };

	CHECK_EQ_STR(t_read_pf("{\"a\":\"beta\"}\n"
			       "{\"a\":\"gamma\"}\n"
			       "{\"a\":\"alpha\"}\n"
			       "{\"a\":\"delta\"}\n",
			 lits),
		"1:-1@0 {\"a\":\"beta\"}\n"
		"3:-1@27 {\"a\":\"alpha\"}\n");
}

K8A_TEST(prefilter_values)
{
	const char *lits[] = { "needle", NULL };
	const char *lits2[] = { "alpha", "beta", NULL };
	const char *doc = "{\n"
			  " \"Records\": [\n"
			  "  {\"a\": 0},\n"
			  "  {\"a\": \"needle\"},\n"
			  "  {\"a\": 2},\n"
			  "  {\"a\": \"beta\",\n"
			  "   \"b\": \"needle\"},\n"
			  "  {\"a\": \"alpha\"}\n"
			  " ]\n"
			  "}\n";
	char want[256];

	snprintf(want, sizeof(want),
		"4:1@%d {\"a\": \"needle\"}\n"
		"6:3@%d {\"a\": \"beta\",\n   \"b\": \"needle\"}\n",
		(int)(strstr(doc, "{\"a\": \"needle") - doc), (int)(strstr(doc, "{\"a\": \"beta") - doc));
	CHECK_EQ_STR(t_read_pf(doc, lits), want);
	snprintf(want, sizeof(want),
		"6:3@%d {\"a\": \"beta\",\n   \"b\": \"needle\"}\n"
		"8:4@%d {\"a\": \"alpha\"}\n",
		(int)(strstr(doc, "{\"a\": \"beta") - doc), (int)(strstr(doc, "{\"a\": \"alpha") - doc));
	CHECK_EQ_STR(t_read_pf(doc, lits2), want);
}

K8A_TEST(prefilter_values_unwrapped_message)
{
	/* the literal is looked for in the record, not in its envelope */
	const char *lits[] = { "needle", NULL };

	CHECK_EQ_STR(t_read_pf("{\"logStream\":\"needle\",\"logEvents\":["
			       "{\"id\":\"1\",\"message\":\"{}\"},"
			       "{\"id\":\"needle\",\"message\":\"{\\\"x\\\":\\\"needle\\\"}\"}]}",
			 lits),
		"1:1@61 {\"x\":\"needle\"}\n");
}

K8A_TEST(prefilter_values_top_level_objects)
{
	/* k8saudit.h: "Records whose raw bytes contain none of the filter's
	 * literals are skipped without being parsed or returned."  Top-level
	 * objects in VALUES mode (pretty-printed events, back-to-back
	 * objects) are returned without being checked. */
	const char *lits[] = { "needle", NULL };

	CHECK_EQ_STR(t_read_pf("{\n \"a\": 1\n}\n{\n \"a\": \"needle\"\n}\n{\n \"a\": 3\n}\n", lits),
		"4:-1@12 {\n \"a\": \"needle\"\n}\n");
}

/* Many lines over several read blocks: the prefiltered run returns exactly
 * the records of the full run that hold the literal, with the same
 * origins. */
K8A_TEST(prefilter_lines_many_blocks)
{
	const size_t total = (size_t)3 << 20;
	char *buf = t_alloc(total + 256);
	size_t off = 0, n = 0, want_hits = 0, got = 0;
	const char *lits[] = { "needle", NULL };
	k8a_prefilter *pf = k8a_prefilter_new(lits);
	k8a_reader *full = k8a_reader_new(), *filt = k8a_reader_new();
	k8a_event *ev;
	int rc, bad = 0;
	uint64_t *lines = t_alloc(sizeof(uint64_t) * 40000), *offs = t_alloc(sizeof(uint64_t) * 40000);

	REQUIRE(pf && full && filt);
	while (off < total) {
		int hit = n % 997 == 13 || n % 1009 == 0;
		off += (size_t)sprintf(buf + off, "%s{\"n\":%zu,\"v\":\"%s\",\"pad\":\"%0*d\"}\n",
			n % 5 == 0 ? "\n" : "", n, hit ? "needle" : "hay", (int)(n % 150), 0);
		n++;
		want_hits += (size_t)hit;
	}
	k8a_reader_add_memory(full, buf, off, "m");
	k8a_reader_add_memory(filt, buf, off, "m");
	k8a_reader_set_prefilter(filt, pf);
	n = 0;
	while ((rc = k8a_reader_next(full, &ev)) == K8A_OK) {
		size_t len;
		const char *raw = k8a_event_raw(ev, &len);
		if (memmem(raw, len, "needle", 6) && n < 40000) {
			lines[n] = k8a_event_origin(ev)->line;
			offs[n] = k8a_event_origin(ev)->offset;
			n++;
		}
	}
	CHECK_EQ_INT(rc, K8A_EOF);
	CHECK_EQ_INT(n, want_hits);
	while ((rc = k8a_reader_next(filt, &ev)) == K8A_OK) {
		if (got >= n || k8a_event_origin(ev)->line != lines[got] ||
		    k8a_event_origin(ev)->offset != offs[got]) {
			if (bad++ < 3)
				k8a_test_fail(__FILE__, __LINE__, "hit %zu: line %llu offset %llu", got,
					(unsigned long long)k8a_event_origin(ev)->line,
					(unsigned long long)k8a_event_origin(ev)->offset);
		}
		got++;
	}
	CHECK_EQ_INT(rc, K8A_EOF);
	CHECK_EQ_INT(got, n);
	CHECK_EQ_INT(bad, 0);
	CHECK(n > 5);
	k8a_reader_free(full);
	k8a_reader_free(filt);
	k8a_prefilter_free(pf);
}

/* ---- compression layers ---- */

static const char evlines[] = "{\"kind\":\"Event\",\"auditID\":\"1\"}\n{\"kind\":\"Event\",\"auditID\":\"2\"}\n";
#define EVLINES_WANT "1:-1@0 {\"kind\":\"Event\",\"auditID\":\"1\"}\n2:-1@31 {\"kind\":\"Event\",\"auditID\":\"2\"}\n"

K8A_TEST(reader_gzip)
{
	size_t n;
	void *gz = t_gzip(evlines, sizeof(evlines) - 1, &n);
	struct t_input in = { gz, n, "a.gz" };

	REQUIRE(gz != NULL);
	CHECK_EQ_STR(t_transcript(&in, 1, NULL, NULL), EVLINES_WANT);
}

K8A_TEST(reader_gzip_inside_gzip)
{
	size_t n, n2;
	void *gz = t_gzip(evlines, sizeof(evlines) - 1, &n);
	void *gz2 = gz ? t_gzip(gz, n, &n2) : NULL;
	struct t_input in = { gz2, n2, "a.gz.gz" };

	REQUIRE(gz2 != NULL);
	CHECK_EQ_STR(t_transcript(&in, 1, NULL, NULL), EVLINES_WANT);
}

K8A_TEST(reader_zstd_event_list)
{
	static const char doc[] = "{\"kind\":\"EventList\",\"items\":[{\"auditID\":\"1\"},{\"auditID\":\"2\"}]}";
	size_t n;
	void *z = t_zstd(doc, sizeof(doc) - 1, &n);
	struct t_input in = { z, n, "l.zst" };

	REQUIRE(z != NULL);
	CHECK_EQ_STR(t_transcript(&in, 1, NULL, NULL),
		"1:0@29 {\"auditID\":\"1\"}\n"
		"1:1@45 {\"auditID\":\"2\"}\n");
}

K8A_TEST(reader_zstd_of_gzip)
{
	size_t n, n2;
	void *gz = t_gzip(evlines, sizeof(evlines) - 1, &n);
	void *z = gz ? t_zstd(gz, n, &n2) : NULL;
	struct t_input in = { z, n2, "a.gz.zst" };

	REQUIRE(z != NULL);
	CHECK_EQ_STR(t_transcript(&in, 1, NULL, NULL), EVLINES_WANT);
}

K8A_TEST(reader_truncated_gzip_warns_then_next_input)
{
	/* a large input so that records come out before the damage is met */
	size_t total = 300000, off = 0, n, k = 0;
	char *buf = t_alloc(total + 128);
	unsigned char *gz;
	struct t_input in[2];
	k8a_reader *r = k8a_reader_new();
	k8a_event *ev;
	int rc, warns = 0, recs_after_warn = 0, recs = 0, truncated = 0;

	REQUIRE(r != NULL);
	while (off < total)
		off += (size_t)sprintf(buf + off, "{\"n\":%zu,\"x\":\"%zu%zu%zu\"}\n", k, k * 7919, k * 104729, k), k++;
	gz = t_gzip(buf, off, &n);
	REQUIRE(gz != NULL);
	in[0].p = gz;
	in[0].n = n / 2;
	in[1].p = evlines;
	in[1].n = sizeof(evlines) - 1;
	k8a_reader_add_memory(r, in[0].p, in[0].n, "cut.gz");
	k8a_reader_add_memory(r, in[1].p, in[1].n, "next");
	while ((rc = k8a_reader_next(r, &ev)) != K8A_EOF) {
		if (rc == K8A_WARN) {
			warns++;
			CHECK(strncmp(k8a_reader_where(r), "cut.gz", 6) == 0);
			CHECK(k8a_reader_error(r)[0] != '\0');
			truncated += strstr(k8a_reader_error(r), "truncated") != NULL;
		} else if (rc == K8A_OK) {
			recs++;
			if (warns)
				recs_after_warn++;
		} else
			break;
	}
	CHECK_EQ_INT(rc, K8A_EOF);
	/* the cut record, then the truncated stream (or one of them) */
	CHECK(warns == 1 || warns == 2);
	CHECK(truncated >= 1);
	CHECK_EQ_INT(recs_after_warn, 2);
	CHECK(recs > 1000 && (size_t)recs < k);
	k8a_reader_free(r);
}

K8A_TEST(reader_corrupt_zstd_warns)
{
	static const unsigned char junk[] = { 0x28, 0xb5, 0x2f, 0xfd, 0x00, 0x01, 0x02, 0x03, 0xff, 0xff };
	struct t_input in[2] = { { junk, sizeof(junk), "bad.zst" }, { evlines, (size_t)-1, "next" } };
	const char *got = t_transcript(in, 2, NULL, NULL);

	CHECK(strncmp(got, "WARN bad.zst", 12) == 0);
	CHECK(strstr(got, EVLINES_WANT) != NULL);
}

/* ---- several inputs, where, bytes ---- */

K8A_TEST(reader_several_inputs_and_where)
{
	k8a_reader *r = k8a_reader_new();
	k8a_event *ev;
	const char *a = "{\"a\":1}\n{\"a\":\n", *b = "[{\"b\":1},{\"b\":2}]";

	REQUIRE(r != NULL);
	k8a_reader_add_memory(r, a, strlen(a), "first.json");
	k8a_reader_add_memory(r, b, strlen(b), "second.json");
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_OK);
	CHECK_EQ_STR(k8a_reader_path(r), "first.json");
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_WARN);
	CHECK(ev == NULL);
	CHECK_EQ_STR(k8a_reader_where(r), "first.json:2");
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_OK);
	CHECK_EQ_STR(k8a_reader_path(r), "second.json");
	if (CHECK(ev != NULL)) {
		CHECK_EQ_STR(k8a_event_where(ev), "second.json:1[0]");
		CHECK_EQ_STR(k8a_event_origin(ev)->path, "second.json");
		CHECK(k8a_event_origin(ev)->member == NULL);
	}
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_OK);
	CHECK(ev != NULL && strcmp(k8a_event_where(ev), "second.json:1[1]") == 0);
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_EOF);
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_EOF);
	CHECK_EQ_INT(k8a_reader_bytes(r), strlen(a) + strlen(b));
	k8a_reader_free(r);
	k8a_reader_free(NULL);
}

K8A_TEST(reader_missing_file_warns)
{
	k8a_reader *r = k8a_reader_new();
	k8a_event *ev;

	REQUIRE(r != NULL);
	k8a_reader_add_path(r, "/nonexistent/k8saudit-unit-test.json");
	k8a_reader_add_memory(r, evlines, sizeof(evlines) - 1, "next");
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_WARN);
	CHECK_EQ_STR(k8a_reader_where(r), "/nonexistent/k8saudit-unit-test.json");
	CHECK(strstr(k8a_reader_error(r), "cannot open") != NULL);
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_OK);
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_OK);
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_EOF);
	k8a_reader_free(r);
}

K8A_TEST(reader_record_over_max_is_skipped)
{
	/* The limit has a floor of 64 MiB; a 65 MiB line is skipped with a
	 * warning at its line and the next record is read.  Today refill()
	 * (frame.c) stops growing only when cap >= limit + K8A_BLOCK, so the
	 * buffer doubles to 128 MiB and records up to ~128 MiB are accepted. */
	const size_t big = (size_t)65 << 20;
	char *buf = t_alloc(big + 64);
	size_t off;
	k8a_reader *r = k8a_reader_new();
	k8a_event *ev;

	REQUIRE(r != NULL);
	k8a_reader_set_max_record(r, 1);
	off = (size_t)sprintf(buf, "{\"a\":1}\n{\"big\":\"");
	memset(buf + off, 'z', big);
	off += big;
	off += (size_t)sprintf(buf + off, "\"}\n{\"c\":3}\n");
	k8a_reader_add_memory(r, buf, off, "huge");
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_OK);
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_WARN);
	CHECK_EQ_STR(k8a_reader_where(r), "huge:2");
	CHECK(strstr(k8a_reader_error(r), "record of 68157450 bytes is longer than the limit") != NULL);
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_OK);
	if (CHECK(ev != NULL)) {
		CHECK_EQ_INT(k8a_event_origin(ev)->line, 3);
		CHECK_EQ_INT(k8a_event_origin(ev)->offset, off - 8);
	}
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_EOF);
	k8a_reader_free(r);
}

/* A first line longer than a record may be: no framing can be told from
 * it, so it is skipped with its size, and what follows is read. */
K8A_TEST(reader_first_record_over_max_is_skipped)
{
	const size_t big = (size_t)65 << 20;
	char *buf = t_alloc(big + 64), want[128];
	size_t off;
	k8a_reader *r = k8a_reader_new();
	k8a_event *ev;

	REQUIRE(r != NULL);
	off = (size_t)sprintf(buf, "{\"big\":\"");
	memset(buf + off, 'z', big);
	off += big;
	off += (size_t)sprintf(buf + off, "\"}\n{\"b\":2}\n{\"c\":3}\n");
	k8a_reader_add_memory(r, buf, off, "huge");
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_WARN);
	CHECK_EQ_STR(k8a_reader_where(r), "huge:1");
	snprintf(want, sizeof(want), "record of %zu bytes is longer than the limit", big + 10);
	CHECK(strstr(k8a_reader_error(r), want) != NULL);
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_OK);
	if (CHECK(ev != NULL))
		CHECK_EQ_INT(k8a_event_origin(ev)->line, 2);
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_OK);
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_EOF);
	k8a_reader_free(r);
}

/* ---- stage de-duplication ---- */

K8A_TEST(reader_seen_stages)
{
	static const char a[] =
		"{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"x1\",\"stage\":\"RequestReceived\",\"verb\":\"get\"}\n"
		"{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"x1\",\"stage\":\"ResponseComplete\",\"verb\":\"get\"}\n"
		"{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"x2\",\"stage\":\"ResponseComplete\",\"verb\":\"get\"}\n"
		"{\"eventVersion\":\"1.08\",\"eventName\":\"A\",\"eventID\":\"c1\"}\n"
		"{\"eventVersion\":\"1.08\",\"eventName\":\"A\",\"eventID\":\"c1\"}\n"
		"{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"stage\":\"ResponseComplete\",\"verb\":\"get\"}\n"
		"{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"stage\":\"ResponseComplete\",\"verb\":\"get\"}\n";
	static const char b[] =
		"{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"x1\",\"stage\":\"ResponseComplete\",\"verb\":\"get\"}\n";
	static const int want[] = { 0, 1, 0, 0, 0, 0, 0, 0 };
	k8a_reader *r = k8a_reader_new();
	k8a_event *ev;
	int i = 0, rc;

	REQUIRE(r != NULL);
	k8a_reader_add_memory(r, a, sizeof(a) - 1, "a");
	k8a_reader_add_memory(r, b, sizeof(b) - 1, "b");
	while ((rc = k8a_reader_next(r, &ev)) == K8A_OK && i < 8) {
		if (!CHECK_EQ_INT(k8a_reader_seen(r, ev), want[i]))
			k8a_test_fail(__FILE__, __LINE__, "at record %d", i);
		i++;
	}
	CHECK_EQ_INT(rc, K8A_EOF);
	CHECK_EQ_INT(i, 8);
	k8a_reader_free(r);
}

/* ---- the prefilter does not change what an expression finds ---- */

/* Count matches of `expr` over `doc`, with or without the prefilter made
 * from the expression's literals. */
static int
count_matches(const char *doc, const char *expr, int use_pf, int *warns)
{
	struct k8a_err err;
	k8a_expr *x = k8a_expr_compile(expr, &err);
	k8a_prefilter *pf = NULL;
	k8a_reader *r = k8a_reader_new();
	k8a_event *ev;
	int rc, n = 0;

	*warns = 0;
	if (x == NULL || r == NULL) {
		k8a_test_fail(__FILE__, __LINE__, "'%s': %s", expr, err.msg);
		k8a_expr_free(x);
		k8a_reader_free(r);
		return -1;
	}
	if (use_pf) {
		pf = k8a_prefilter_new(k8a_expr_literals(x));
		k8a_reader_set_prefilter(r, pf);
	}
	k8a_reader_add_memory(r, doc, strlen(doc), "corpus");
	while ((rc = k8a_reader_next(r, &ev)) != K8A_EOF) {
		if (rc == K8A_OK && k8a_expr_match(x, ev) == 1)
			n++;
		else if (rc != K8A_OK)
			++*warns;
	}
	k8a_reader_free(r);
	k8a_prefilter_free(pf);
	k8a_expr_free(x);
	return n;
}

#define EV(id, user, verb, res, name, code)                                                      \
	"{'kind':'Event','apiVersion':'audit.k8s.io/v1','auditID':'" id "','verb':'" verb "',"     \
	"'user':{'username':'" user "','groups':['system:authenticated']},'sourceIPs':['10.1.2.3'],"  \
	"'objectRef':{'resource':'" res "','name':'" name "','namespace':'kube-system'},"           \
	"'responseStatus':{'code':" code "},'stageTimestamp':'2026-03-01T10:00:00Z'}"
#define ESCEV(id, user, verb, res, name, code)                                                   \
	"{\\'kind\\':\\'Event\\',\\'apiVersion\\':\\'audit.k8s.io/v1\\',\\'auditID\\':\\'" id "\\',\\'verb\\':\\'" verb "\\'," \
	"\\'user\\':{\\'username\\':\\'" user "\\'},\\'objectRef\\':{\\'resource\\':\\'" res "\\',\\'name\\':\\'" name "\\'}," \
	"\\'responseStatus\\':{\\'code\\':" code "}}"

K8A_TEST(prefilter_equivalence_over_framings)
{
	const char *docs[4];
	static const char *const exprs[] = {
		"verb=create", "user=system:anonymous", "name=cluster-system-anonymous",
		"verb=create and resource=clusterrolebindings", "verb in (delete, patch)",
		"user^=system:serviceaccount:", "name*=anonymous or verb=delete", "resource=secrets and verb=list",
		"user.groups=system:authenticated and verb=get",
	};
	size_t d, e;

	docs[0] = J(EV("1", "system:anonymous", "list", "secrets", "s1", "200") "\n"
		    EV("2", "arn:aws:sts::1:assumed-role/A/x", "create", "clusterrolebindings", "cluster-system-anonymous", "201") "\n"
		    EV("3", "system:serviceaccount:ns:sa", "get", "pods", "p", "200") "\n"
		    EV("4", "admin", "delete", "secrets", "s2", "200") "\n"
		    EV("5", "admin", "patch", "deployments", "anonymous-app", "200") "\n");
	docs[1] = J("{'Records':[" EV("1", "system:anonymous", "list", "secrets", "s1", "200") ",\n"
		    EV("2", "arn:aws:sts::1:assumed-role/A/x", "create", "clusterrolebindings", "cluster-system-anonymous", "201") ",\n"
		    EV("3", "system:serviceaccount:ns:sa", "get", "pods", "p", "200") ",\n"
		    EV("4", "admin", "delete", "secrets", "s2", "200") ",\n"
		    EV("5", "admin", "patch", "deployments", "anonymous-app", "200") "]}");
	/* AKS lines: the record is a JSON string inside the line */
	docs[2] = J("{'category':'kube-audit','properties':{'log':'" ESCEV("1", "system:anonymous", "list", "secrets", "s1", "200") "'}}\n"
		    "{'category':'kube-audit','properties':{'log':'" ESCEV("2", "arn:aws:sts::1:assumed-role/A/x", "create", "clusterrolebindings", "cluster-system-anonymous", "201") "'}}\n"
		    "{'category':'kube-audit','properties':{'log':'" ESCEV("4", "admin", "delete", "secrets", "s2", "200") "'}}\n");
	/* a Firehose envelope */
	docs[3] = J("{'messageType':'DATA_MESSAGE','logEvents':["
		    "{'id':'1','message':'" ESCEV("1", "system:anonymous", "list", "secrets", "s1", "200") "'},"
		    "{'id':'2','message':'" ESCEV("2", "arn:aws:sts::1:assumed-role/A/x", "create", "clusterrolebindings", "cluster-system-anonymous", "201") "'},"
		    "{'id':'3','message':'" ESCEV("5", "admin", "patch", "deployments", "anonymous-app", "200") "'}]}");
	for (d = 0; d < 4; d++) {
		int total = 0;
		for (e = 0; e < sizeof(exprs) / sizeof(exprs[0]); e++) {
			int w1, w2;
			int all = count_matches(docs[d], exprs[e], 0, &w1);
			int some = count_matches(docs[d], exprs[e], 1, &w2);
			if (all != some || w1 || w2)
				k8a_test_fail(__FILE__, __LINE__, "doc %zu '%s': %d matches, %d with the prefilter (warnings %d/%d)",
					d, exprs[e], all, some, w1, w2);
			total += all;
		}
		if (total < 3)
			k8a_test_fail(__FILE__, __LINE__, "doc %zu: only %d matches in all", d, total);
	}
}

/* ---- archives: member names in origins ---- */

/* Append a ustar member to buf (at *off); returns the new offset. */
static size_t
tar_add(unsigned char *buf, size_t off, const char *name, const void *data, size_t n)
{
	unsigned char *h = buf + off;
	unsigned sum = 0;
	size_t i;

	memset(h, 0, 512);
	memcpy(h, name, strlen(name));
	memcpy(h + 100, "0000644", 7);
	memcpy(h + 108, "0000000", 7);
	memcpy(h + 116, "0000000", 7);
	snprintf((char *)h + 124, 12, "%011o", (unsigned)n);
	memcpy(h + 136, "14700000000", 11);
	h[156] = '0';
	memcpy(h + 257, "ustar", 6);
	memcpy(h + 263, "00", 2);
	memset(h + 148, ' ', 8);
	for (i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	h[155] = ' ';
	memcpy(h + 512, data, n);
	memset(h + 512 + n, 0, (512 - n % 512) % 512);
	return off + 512 + (n + 511) / 512 * 512;
}

K8A_TEST(reader_tar_members)
{
	static const char a[] = "{\"a\":1}\n{\"a\":2}\n";
	static const char digest[] = "{\"digestStartTime\":\"x\",\"digestS3Object\":\"y\",\"logFiles\":[]}";
	static const char b[] = "{\"Records\":[{\"b\":1}]}";
	size_t gzn, n = 0, tgzn;
	void *gz = t_gzip(a, sizeof(a) - 1, &gzn);
	unsigned char *tar = t_alloc(16384), *tgz;
	k8a_reader *r = k8a_reader_new();
	k8a_event *ev;
	uint64_t skipped = 0;

	REQUIRE(gz != NULL && r != NULL);
	memset(tar, 0, 16384);
	n = tar_add(tar, n, "logs/a.json", a, sizeof(a) - 1);
	n = tar_add(tar, n, "logs/CloudTrail-Digest/d.json", digest, sizeof(digest) - 1);
	n = tar_add(tar, n, "logs/aws-logs-write-test", "Permission Check Successful", 27);
	n = tar_add(tar, n, "logs/b.json.gz", gz, gzn);
	n = tar_add(tar, n, "logs/c.json", b, sizeof(b) - 1);
	n += 1024;
	tgz = t_gzip(tar, n, &tgzn);
	REQUIRE(tgz != NULL);
	k8a_reader_add_memory(r, tgz, tgzn, "incident.tar.gz");
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_OK);
	if (CHECK(ev != NULL)) {
		CHECK_EQ_STR(k8a_event_origin(ev)->member, "logs/a.json");
		CHECK_EQ_STR(k8a_event_where(ev), "incident.tar.gz:logs/a.json:1");
	}
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_OK);
	CHECK(ev != NULL && strcmp(k8a_event_where(ev), "incident.tar.gz:logs/a.json:2") == 0);
	/* the digest and the write test are skipped quietly; a gzip member
	 * inside the tar is opened */
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_OK);
	if (CHECK(ev != NULL)) {
		CHECK_EQ_STR(k8a_event_where(ev), "incident.tar.gz:logs/b.json.gz:1");
		CHECK_EQ_INT(k8a_event_origin(ev)->offset, 0);
	}
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_OK);
	CHECK(ev != NULL && strcmp(k8a_event_where(ev), "incident.tar.gz:logs/b.json.gz:2") == 0);
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_OK);
	if (CHECK(ev != NULL)) {
		CHECK_EQ_STR(k8a_event_where(ev), "incident.tar.gz:logs/c.json:1[0]");
		CHECK_EQ_STR(k8a_event_origin(ev)->path, "incident.tar.gz");
	}
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_EOF);
	skipped = k8a_reader_skipped(r);
	CHECK_EQ_INT(skipped, 2);
	k8a_reader_free(r);
}

K8A_TEST(reader_tar_bad_member_warns_with_member)
{
	static const char bad[] = "{\"a\":1}\n{\"a\":\n{\"a\":3}\n";
	unsigned char *tar = t_alloc(8192);
	size_t n = 0;
	struct t_input in;

	memset(tar, 0, 8192);
	n = tar_add(tar, n, "x/bad.json", bad, sizeof(bad) - 1);
	n = tar_add(tar, n, "x/empty.json", "", 0);
	n = tar_add(tar, n, "x/ok.json", "{\"b\":1}", 7);
	n += 1024;
	in.p = tar;
	in.n = n;
	in.name = "t.tar";
	CHECK_EQ_STR(t_transcript(&in, 1, NULL, NULL),
		"1:-1@0 {\"a\":1}\n"
		"WARN t.tar:x/bad.json:2: incomplete JSON object (truncated record?)\n"
		"3:-1@14 {\"a\":3}\n"
		"1:-1@0 {\"b\":1}\n"); /* an empty member holds nothing to report */
}

/* ---- large containers ---- */

K8A_TEST(reader_big_envelopes_and_prefilter)
{
	/* two envelopes of 15000 log events each (about 1.5 MiB each), a
	 * control message between them; every 1000th event holds "needle" */
	const int per = 15000;
	char *buf = t_alloc((size_t)4 << 20);
	size_t off = 0;
	int e, i, got = 0, hits = 0, bad = 0, rc;
	const char *lits[] = { "needle", NULL };
	k8a_prefilter *pf = k8a_prefilter_new(lits);
	k8a_reader *r;
	k8a_event *ev;

	REQUIRE(pf != NULL);
	for (e = 0; e < 2; e++) {
		off += (size_t)sprintf(buf + off, "{\"messageType\":\"DATA_MESSAGE\",\"owner\":\"1\",\"logEvents\":[");
		for (i = 0; i < per; i++)
			off += (size_t)sprintf(buf + off, "%s{\"id\":\"%d\",\"timestamp\":1,\"message\":"
				"\"{\\\"auditID\\\":\\\"%d-%d\\\",\\\"v\\\":\\\"%s\\\"}\"}",
				i ? "," : "", i, e, i, i % 1000 == 7 ? "needle" : "hay");
		off += (size_t)sprintf(buf + off, "]}");
		if (e == 0)
			off += (size_t)sprintf(buf + off, "{\"messageType\":\"CONTROL_MESSAGE\",\"logEvents\":"
				"[{\"id\":\"\",\"timestamp\":1,\"message\":\"CWL CONTROL MESSAGE: Checking health\"}]}");
	}
	REQUIRE(off > ((size_t)2 << 20));
	r = k8a_reader_new();
	REQUIRE(r != NULL);
	k8a_reader_add_memory(r, buf, off, "fh");
	while ((rc = k8a_reader_next(r, &ev)) == K8A_OK) {
		char want[64];
		size_t n;
		const char *raw = k8a_event_raw(ev, &n);
		int idx = got % per;
		snprintf(want, sizeof(want), "{\"auditID\":\"%d-%d\",", got / per, idx);
		if (k8a_event_origin(ev)->index != idx || n < strlen(want) || memcmp(raw, want, strlen(want)) != 0)
			if (bad++ < 3)
				k8a_test_fail(__FILE__, __LINE__, "event %d: index %lld raw %.40s", got,
					(long long)k8a_event_origin(ev)->index, raw);
		got++;
	}
	CHECK_EQ_INT(rc, K8A_EOF);
	CHECK_EQ_INT(got, 2 * per);
	CHECK_EQ_INT(bad, 0);
	CHECK_EQ_INT(k8a_reader_skipped(r), 1);
	k8a_reader_free(r);

	r = k8a_reader_new();
	REQUIRE(r != NULL);
	k8a_reader_set_prefilter(r, pf);
	k8a_reader_add_memory(r, buf, off, "fh");
	while ((rc = k8a_reader_next(r, &ev)) == K8A_OK) {
		size_t n;
		const char *raw = k8a_event_raw(ev, &n);
		if (k8a_event_origin(ev)->index % 1000 != 7 || !memmem(raw, n, "needle", 6))
			if (bad++ < 3)
				k8a_test_fail(__FILE__, __LINE__, "prefiltered event: index %lld raw %.40s",
					(long long)k8a_event_origin(ev)->index, raw);
		hits++;
	}
	CHECK_EQ_INT(rc, K8A_EOF);
	CHECK_EQ_INT(hits, 2 * (per / 1000));
	CHECK_EQ_INT(bad, 0);
	k8a_reader_free(r);
	k8a_prefilter_free(pf);
}

K8A_TEST(reader_big_pretty_object)
{
	/* a pretty-printed event of 2.5 MiB (not a container), then another */
	const size_t big = (size_t)5 << 19;
	char *buf = t_alloc(big + 256);
	size_t off = 0, second;
	k8a_reader *r = k8a_reader_new();
	k8a_event *ev;
	size_t n;

	REQUIRE(r != NULL);
	off += (size_t)sprintf(buf, "{\n  \"kind\": \"Event\",\n  \"requestObject\": {\n    \"data\": \"");
	memset(buf + off, 'q', big);
	off += big;
	off += (size_t)sprintf(buf + off, "\"\n  }\n}\n");
	second = off;
	off += (size_t)sprintf(buf + off, "{\n  \"b\": 1\n}\n");
	k8a_reader_add_memory(r, buf, off, "pretty");
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_OK);
	if (CHECK(ev != NULL)) {
		k8a_event_raw(ev, &n);
		CHECK_EQ_INT(n, second - 1);
		CHECK_EQ_INT(k8a_event_origin(ev)->line, 1);
		CHECK(k8a_event_json(ev) != NULL);
	}
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_OK);
	if (CHECK(ev != NULL)) {
		CHECK_EQ_INT(k8a_event_origin(ev)->line, 7);
		CHECK_EQ_INT(k8a_event_origin(ev)->offset, second);
		const char *raw = k8a_event_raw(ev, &n);
		CHECK_EQ_MEM(raw, n, "{\n  \"b\": 1\n}", 12);
	}
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_EOF);
	k8a_reader_free(r);
}

K8A_TEST(reader_seen_is_bounded_but_recent)
{
	/* 70000 distinct request ids, then two repeats: the most recent 1<<16
	 * ids are remembered */
	const int n = 70000;
	char *buf = t_alloc((size_t)n * 40 + 100);
	size_t off = 0;
	int i, rc, firsts = 0, k = 0;
	k8a_reader *r = k8a_reader_new();
	k8a_event *ev;

	REQUIRE(r != NULL);
	for (i = 0; i < n; i++)
		off += (size_t)sprintf(buf + off, "{\"auditID\":\"id-%d\",\"verb\":\"get\"}\n", i);
	off += (size_t)sprintf(buf + off, "{\"auditID\":\"id-%d\",\"verb\":\"get\"}\n", n - 1);
	off += (size_t)sprintf(buf + off, "{\"auditID\":\"id-%d\",\"verb\":\"get\"}\n", n - 60000);
	k8a_reader_add_memory(r, buf, off, "many");
	while ((rc = k8a_reader_next(r, &ev)) == K8A_OK) {
		int s = k8a_reader_seen(r, ev);
		if (k < n)
			firsts += s == 0;
		else
			CHECK_EQ_INT(s, 1);
		k++;
	}
	CHECK_EQ_INT(rc, K8A_EOF);
	CHECK_EQ_INT(k, n + 2);
	CHECK_EQ_INT(firsts, n);
	k8a_reader_free(r);
}

/* ---- directories ---- */

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[256];

static void
put_file(const char *rel, const char *content)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	if ((f = fopen(path, "w")) == NULL) {
		k8a_test_fail(__FILE__, __LINE__, "cannot create %s", path);
		return;
	}
	fputs(content, f);
	fclose(f);
}

static void
rm_tree(void)
{
	char cmd[400];

	if (tmpdir[0] && strncmp(tmpdir, "/tmp/k8a-unit-", 14) == 0) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			k8a_test_fail(__FILE__, __LINE__, "cannot remove %s", tmpdir);
	}
	tmpdir[0] = '\0';
}

K8A_TEST(reader_directory_walk)
{
	char p[512], sub[512];
	k8a_reader *r;
	k8a_event *ev;
	int rc, i = 0, warns = 0, loop_warn = 0;
	const char *order[8];
	char where[8][512];

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/k8a-unit-XXXXXX");
	REQUIRE(mkdtemp(tmpdir) != NULL);
	snprintf(sub, sizeof(sub), "%s/b", tmpdir);
	CHECK(mkdir(sub, 0755) == 0);
	snprintf(sub, sizeof(sub), "%s/b/z", tmpdir);
	CHECK(mkdir(sub, 0755) == 0);
	put_file("a.json", "{\"auditID\":\"1\",\"verb\":\"get\"}\n");
	put_file("README", "These are the logs of the incident.\n");
	put_file("b/c.json", "{\"auditID\":\"1\",\"verb\":\"get\"}\n");
	put_file("b/z/d.json", "[{\"x\":1}]");
	put_file("B.json", "{\"auditID\":\"2\",\"verb\":\"get\"}\n");
	snprintf(p, sizeof(p), "%s/b/z/loop", tmpdir);
	CHECK(symlink("..", p) == 0);

	r = k8a_reader_new();
	REQUIRE(r != NULL);
	k8a_reader_add_path(r, tmpdir);
	while ((rc = k8a_reader_next(r, &ev)) != K8A_EOF && i < 8) {
		if (rc == K8A_WARN) {
			warns++;
			loop_warn += strstr(k8a_reader_error(r), "loop") != NULL;
			continue;
		}
		if (rc != K8A_OK)
			break;
		snprintf(where[i], sizeof(where[i]), "%s", k8a_event_where(ev));
		order[i] = where[i];
		/* stage de-duplication restarts with each file */
		CHECK_EQ_INT(k8a_reader_seen(r, ev), 0);
		i++;
	}
	CHECK_EQ_INT(rc, K8A_EOF);
	CHECK_EQ_INT(i, 4);
	/* byte order of names: "B.json" < "README" < "a.json" < "b" */
	snprintf(p, sizeof(p), "%s/B.json:1", tmpdir);
	CHECK(i > 0 && strcmp(order[0], p) == 0);
	snprintf(p, sizeof(p), "%s/a.json:1", tmpdir);
	CHECK(i > 1 && strcmp(order[1], p) == 0);
	snprintf(p, sizeof(p), "%s/b/c.json:1", tmpdir);
	CHECK(i > 2 && strcmp(order[2], p) == 0);
	snprintf(p, sizeof(p), "%s/b/z/d.json:1[0]", tmpdir);
	CHECK(i > 3 && strcmp(order[3], p) == 0);
	/* the README in a walk is skipped quietly; the loop is reported */
	CHECK_EQ_INT(warns, 1);
	CHECK_EQ_INT(loop_warn, 1);
	CHECK_EQ_INT(k8a_reader_skipped(r), 1);
	k8a_reader_free(r);

	/* named explicitly, the README is an error */
	r = k8a_reader_new();
	REQUIRE(r != NULL);
	snprintf(p, sizeof(p), "%s/README", tmpdir);
	k8a_reader_add_path(r, p);
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_WARN);
	CHECK(strstr(k8a_reader_error(r), "not a recognised audit log format") != NULL);
	CHECK(strncmp(k8a_reader_where(r), p, strlen(p)) == 0);
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_EOF);
	k8a_reader_free(r);
	rm_tree();
}

/* ---- progress ---- */

static void
count_cb(void *arg)
{
	++*(int *)arg;
}

K8A_TEST(reader_progress_also_while_prefilter_skips)
{
	const size_t total = (size_t)20 << 20;
	char *buf = t_alloc(total + 128);
	size_t off = 0, k = 0;
	const char *lits[] = { "no-such-literal", NULL };
	k8a_prefilter *pf = k8a_prefilter_new(lits);
	int calls = 0, mode;
	k8a_event *ev;

	REQUIRE(pf != NULL);
	while (off < total)
		off += (size_t)sprintf(buf + off, "{\"n\":%zu,\"pad\":\"%060zu\"}\n", k, k), k++;
	for (mode = 0; mode < 2; mode++) {
		k8a_reader *r = k8a_reader_new();
		int recs = 0, rc;
		REQUIRE(r != NULL);
		calls = 0;
		k8a_reader_set_progress(r, count_cb, &calls);
		if (mode)
			k8a_reader_set_prefilter(r, pf);
		k8a_reader_add_memory(r, buf, off, "big");
		while ((rc = k8a_reader_next(r, &ev)) == K8A_OK)
			recs++;
		CHECK_EQ_INT(rc, K8A_EOF);
		CHECK_EQ_INT(recs, mode ? 0 : (int)k);
		if (calls < 2 || calls > 5)
			k8a_test_fail(__FILE__, __LINE__, "mode %d: %d progress calls for 20 MiB", mode, calls);
		CHECK_EQ_INT(k8a_reader_bytes(r), off);
		k8a_reader_free(r);
	}
	k8a_prefilter_free(pf);
}

/* A gzip member whose CRC-32 or length does not match its data is
 * damaged: the records may be wrong, and the responder must be told. */
static const char *
gzip_with_bad_trailer(int which)
{
	static const char doc[] = "{\"a\":1}\n{\"a\":2}\n";
	size_t n;
	unsigned char *gz = t_gzip(doc, sizeof(doc) - 1, &n);
	struct t_input in[2];

	if (gz == NULL)
		return "gzip failed";
	gz[n - 8 + (which ? 4 : 0)] ^= 0x55; /* CRC-32, or ISIZE */
	in[0].p = gz;
	in[0].n = n;
	in[0].name = "bad.gz";
	in[1].p = "{\"b\":1}\n";
	in[1].n = (size_t)-1;
	in[1].name = "next";
	return t_transcript(in, 2, NULL, NULL);
}

K8A_TEST(reader_gzip_bad_trailer_is_reported_or_not)
{
	/* whatever happens to bad.gz, the next input is read */
	CHECK(strstr(gzip_with_bad_trailer(0), "1:-1@0 {\"b\":1}\n") != NULL);
	CHECK(strstr(gzip_with_bad_trailer(1), "1:-1@0 {\"b\":1}\n") != NULL);
}

K8A_TEST(reader_gzip_bad_trailer_warns)
{
	CHECK(strstr(gzip_with_bad_trailer(0), "WARN bad.gz") != NULL);
	CHECK(strstr(gzip_with_bad_trailer(1), "WARN bad.gz") != NULL);
}

K8A_TEST(reader_gzip_bad_crc_keeps_the_records)
{
	/* All the data inflated; only the trailer is wrong.  zcat prints the
	 * lines, then warns.  Large members now do the same, but a member
	 * small enough to be inflated within the reader's 512-byte sniffing
	 * peek loses every record: k8a_src_peek() (src.c) returns -1 as soon
	 * as a read fails and drops the bytes it already read, and
	 * open_stream() (reader.c) then gives up on the stream. */
	CHECK_EQ_STR(gzip_with_bad_trailer(0),
		"1:-1@0 {\"a\":1}\n"
		"2:-1@8 {\"a\":2}\n"
		"WARN bad.gz:3: gzip: checksum mismatch\n"
		"1:-1@0 {\"b\":1}\n");
}

K8A_TEST(reader_truncated_zstd_keeps_what_came_before)
{
	size_t total = 3000000, off = 0, n, k = 0;
	char *buf = t_alloc(total + 128);
	unsigned char *z;
	k8a_reader *r = k8a_reader_new();
	k8a_event *ev;
	int rc, warns = 0, recs = 0, after = 0;

	REQUIRE(r != NULL);
	while (off < total)
		off += (size_t)sprintf(buf + off, "{\"n\":%zu,\"x\":\"%zu-%zu\"}\n", k, k * 7919, k * 104729), k++;
	z = t_zstd(buf, off, &n);
	REQUIRE(z != NULL);
	k8a_reader_add_memory(r, z, n / 2, "cut.zst");
	k8a_reader_add_memory(r, "{\"b\":1}", 7, "next");
	while ((rc = k8a_reader_next(r, &ev)) != K8A_EOF) {
		if (rc == K8A_WARN) {
			warns++;
			CHECK(strncmp(k8a_reader_where(r), "cut.zst", 7) == 0);
		} else if (rc == K8A_OK) {
			if (warns)
				after++;
			else {
				/* records come in order, intact */
				char want[32];
				size_t len;
				const char *raw = k8a_event_raw(ev, &len);
				snprintf(want, sizeof(want), "{\"n\":%d,", recs);
				if (len < strlen(want) || memcmp(raw, want, strlen(want)) != 0)
					k8a_test_fail(__FILE__, __LINE__, "record %d: %.30s", recs, raw);
				recs++;
			}
		} else
			break;
	}
	CHECK_EQ_INT(rc, K8A_EOF);
	CHECK(warns == 1 || warns == 2);
	CHECK_EQ_INT(after, 1);
	CHECK(recs > 10000 && (size_t)recs < k);
	k8a_reader_free(r);
}

K8A_TEST(reader_max_record_without_limit)
{
	/* k8a_reader_set_max_record(r, SIZE_MAX) means "no limit"; refill()
	 * (frame.c) compares cap >= limit + K8A_BLOCK, which wraps around, so
	 * every record over 1 MiB is refused as too long. */
	const size_t big = (size_t)3 << 20;
	char *buf = t_alloc(big + 64);
	size_t off;
	k8a_reader *r = k8a_reader_new();
	k8a_event *ev;

	REQUIRE(r != NULL);
	k8a_reader_set_max_record(r, SIZE_MAX);
	off = (size_t)sprintf(buf, "{\"a\":1}\n{\"big\":\"");
	memset(buf + off, 'x', big);
	off += big;
	off += (size_t)sprintf(buf + off, "\"}\n");
	k8a_reader_add_memory(r, buf, off, "m");
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_OK);
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_OK);
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_EOF);
	k8a_reader_free(r);
}

/* Large compressed streams are decoded on a second thread (readahead.c);
 * what comes out must be exactly what the plain stream gives. */
K8A_TEST(reader_compressed_equals_plain)
{
	const size_t total = (size_t)6 << 20;
	char *buf = t_alloc(total + 256);
	size_t off = 0, k = 0, gn, zn, i;
	void *gz, *zs;
	char *plain;
	const char *lits[] = { "needle", NULL };
	k8a_prefilter *pf = k8a_prefilter_new(lits);
	struct t_input in;
	int pass;

	REQUIRE(pf != NULL);
	while (off < total) {
		if (k % 1000 == 500) /* not first: see lines_first_record_has_bad_outline */
			off += (size_t)sprintf(buf + off, "{\"n\":%zu,\n\"bad\":\n", k++);
		off += (size_t)sprintf(buf + off, "{\"n\":%zu,\"v\":\"%s\",\"pad\":\"%0*zu\"}\n", k,
			k % 333 == 0 ? "needle" : "hay", (int)(k % 200), k);
		k++;
	}
	gz = t_gzip(buf, off, &gn);
	zs = t_zstd(buf, off, &zn);
	REQUIRE(gz != NULL && zs != NULL);
	for (pass = 0; pass < 2; pass++) {
		const k8a_prefilter *p = pass ? pf : NULL;
		size_t len;
		in.p = buf;
		in.n = off;
		in.name = "x";
		len = strlen(t_transcript(&in, 1, p, NULL));
		plain = t_alloc(len + 1);
		memcpy(plain, t_transcript(&in, 1, p, NULL), len + 1);
		CHECK(len > 1000);
		if (pass == 0)
			CHECK(strstr(plain, "WARN x:") != NULL);
		in.p = gz;
		in.n = gn;
		CHECK(strcmp(t_transcript(&in, 1, p, NULL), plain) == 0);
		in.p = zs;
		in.n = zn;
		CHECK(strcmp(t_transcript(&in, 1, p, NULL), plain) == 0);
	}
	/* a stream cut inside: the same records up to the cut, then a warning */
	in.p = gz;
	in.n = gn - gn / 3;
	{
		const char *t = t_transcript(&in, 1, NULL, NULL);
		const char *last = strrchr(t, '\n');
		size_t nl = 0;
		for (i = 0; t[i]; i++)
			nl += t[i] == '\n';
		CHECK(nl > 10000);
		CHECK(last != NULL && strstr(t, "gzip: unexpected end of data") != NULL);
	}
	k8a_prefilter_free(pf);
}

K8A_TEST(reader_seen_client_chosen_audit_id)
{
	/* kube-apiserver takes the auditID from the client's Audit-ID header
	 * when there is one ("prefer the id from the headers", apiserver
	 * audit/request.go).  A client can thus give a malicious request the
	 * auditID of an earlier harmless one, and k8a_reader_seen() (keyed
	 * on the auditID alone, reader.c) reports it as a stage of that
	 * request: tools that collapse stages by default hide it.  Stages of
	 * one request also share requestReceivedTimestamp, verb, requestURI
	 * and user. */
	static const char log[] =
		"{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"a\",\"stage\":\"ResponseComplete\","
		"\"verb\":\"get\",\"requestURI\":\"/api/v1/namespaces/default/pods\",\"user\":{\"username\":\"eve\"},"
		"\"requestReceivedTimestamp\":\"2026-03-01T10:00:00.000001Z\"}\n"
		"{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"a\",\"stage\":\"ResponseComplete\","
		"\"verb\":\"create\",\"requestURI\":\"/apis/rbac.authorization.k8s.io/v1/clusterrolebindings\","
		"\"user\":{\"username\":\"eve\"},\"requestReceivedTimestamp\":\"2026-03-01T10:05:00.000001Z\"}\n";
	k8a_reader *r = k8a_reader_new();
	k8a_event *ev;

	REQUIRE(r != NULL);
	k8a_reader_add_memory(r, log, sizeof(log) - 1, "audit.log");
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_OK);
	CHECK_EQ_INT(k8a_reader_seen(r, ev), 0);
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_OK);
	CHECK_EQ_INT(k8a_reader_seen(r, ev), 0);
	k8a_reader_free(r);
}
