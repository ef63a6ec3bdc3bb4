/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Sigma rules in the library (sigma*.c) and what the expression engine
 * learnt for them: case-insensitive compares, Sigma wildcards, networks,
 * the record's text.  Each case checks the parse (k8a_expr_match), the
 * skim (k8a_expr_may_match: never "cannot" for a match) and the rule
 * set's index (a match is always offered; a record whose key values no
 * rule names is not).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"

struct got {
	k8a_sigma_rule *r[8];
	size_t n;
	char problems[2048];
};

static void
take(void *arg, k8a_sigma_rule *r)
{
	struct got *g = arg;

	if (g->n < 8)
		g->r[g->n++] = r;
	else
		k8a_sigma_rule_free(r);
}

static void
problem(void *arg, enum k8a_sigma_problem what, unsigned line, const char *msg)
{
	struct got *g = arg;
	size_t l = strlen(g->problems);

	snprintf(g->problems + l, sizeof(g->problems) - l, "%d:%u:%s|", (int)what, line, msg);
}

static void
got_free(struct got *g)
{
	while (g->n > 0)
		k8a_sigma_rule_free(g->r[--g->n]);
}

#define K8S_HEAD "title: t\nid: x\nlogsource:\n  product: kubernetes\n  service: audit\ndetection:\n"
#define REC(body) "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"a\",\"stage\":\"ResponseComplete\"," \
	"\"requestReceivedTimestamp\":\"2026-03-01T10:00:00Z\"," body "}"

/* Does the rule's expression match the record, consistently on the
 * parse, the skim and the index? */
static int
judge(const k8a_sigma_rule *r, const char *rec)
{
	k8a_event *ev = t_event(rec);
	k8a_exprset *s = k8a_exprset_new();
	const size_t *c;
	size_t n = 0;
	int m;

	if (ev == NULL || s == NULL) {
		k8a_exprset_free(s);
		return -1;
	}
	m = k8a_expr_match(r->when, ev);
	if (m == 1 && !k8a_expr_may_match(r->when, ev))
		k8a_test_fail(__FILE__, __LINE__, "the skim ruled out a match: %s", rec);
	k8a_exprset_add(s, r->when, r->source, k8a_expr_literals(r->when));
	c = k8a_exprset_candidates(s, ev, &n);
	if (m == 1 && (c == NULL || n != 1))
		k8a_test_fail(__FILE__, __LINE__, "the index left out a match: %s", rec);
	k8a_exprset_free(s);
	return m;
}

/* The index offers the rule for this record at all? */
static int
offered(const k8a_sigma_rule *r, const char *rec)
{
	k8a_event *ev = t_event(rec);
	k8a_exprset *s = k8a_exprset_new();
	size_t n = 0;

	k8a_exprset_add(s, r->when, r->source, NULL);
	(void)k8a_exprset_candidates(s, ev, &n);
	k8a_exprset_free(s);
	return n > 0;
}

K8A_TEST(sigma_nocase_index)
{
	static const char y[] = K8S_HEAD "  s:\n    verb: [CREATE, Patch]\n    objectRef.resource: secrets\n"
		"  condition: s\n";
	struct got g = { 0 };

	REQUIRE(k8a_sigma_load_mem(y, sizeof(y) - 1, take, problem, &g) == K8A_OK && g.n == 1);
	CHECK_EQ_STR(g.problems, "");
	CHECK_EQ_INT(judge(g.r[0], REC("\"verb\":\"create\",\"objectRef\":{\"resource\":\"SECRETS\"}")), 1);
	CHECK_EQ_INT(judge(g.r[0], REC("\"verb\":\"PATCH\",\"objectRef\":{\"resource\":\"secrets\"}")), 1);
	CHECK_EQ_INT(judge(g.r[0], REC("\"verb\":\"get\",\"objectRef\":{\"resource\":\"secrets\"}")), 0);
	/* folded keys: the index still finds the rule by its values only */
	CHECK(offered(g.r[0], REC("\"verb\":\"cReAtE\",\"objectRef\":{\"resource\":\"secrets\"}")));
	CHECK(!offered(g.r[0], REC("\"verb\":\"get\",\"objectRef\":{\"resource\":\"secrets\"}")));
	/* an escaped value the skim cannot read: offered, the parse decides */
	CHECK_EQ_INT(judge(g.r[0], REC("\"verb\":\"cr\\u0065ate\",\"objectRef\":{\"resource\":\"secrets\"}")), 1);
	got_free(&g);
}

K8A_TEST(sigma_wildcards_escapes)
{
	static const char y[] = K8S_HEAD "  s:\n    objectRef.name: 'a?c*\\*\\\\x'\n  condition: s\n";
	struct got g = { 0 };

	REQUIRE(k8a_sigma_load_mem(y, sizeof(y) - 1, take, problem, &g) == K8A_OK && g.n == 1);
	/* a, any one, c, anything, a star, a backslash, x */
	CHECK_EQ_INT(judge(g.r[0], REC("\"objectRef\":{\"name\":\"ABC--*\\\\x\"}")), 1);
	CHECK_EQ_INT(judge(g.r[0], REC("\"objectRef\":{\"name\":\"abc*\\\\X\"}")), 1);
	CHECK_EQ_INT(judge(g.r[0], REC("\"objectRef\":{\"name\":\"abc--y\\\\x\"}")), 0);
	CHECK_EQ_INT(judge(g.r[0], REC("\"objectRef\":{\"name\":\"ac*\\\\x\"}")), 0);
	got_free(&g);
}

K8A_TEST(sigma_cidr_arrays_numbers)
{
	static const char y[] = K8S_HEAD "  net:\n    sourceIPs|cidr: ['10.0.0.0/8', '2001:db8::/32']\n"
		"  code:\n    responseStatus.code|lt: 300\n  condition: net and code\n";
	struct got g = { 0 };

	REQUIRE(k8a_sigma_load_mem(y, sizeof(y) - 1, take, problem, &g) == K8A_OK && g.n == 1);
	CHECK_EQ_INT(judge(g.r[0], REC("\"sourceIPs\":[\"1.2.3.4\",\"10.9.9.9\"],\"responseStatus\":{\"code\":200}")), 1);
	CHECK_EQ_INT(judge(g.r[0], REC("\"sourceIPs\":[\"2001:db8::5\"],\"responseStatus\":{\"code\":200}")), 1);
	CHECK_EQ_INT(judge(g.r[0], REC("\"sourceIPs\":[\"11.0.0.1\"],\"responseStatus\":{\"code\":200}")), 0);
	CHECK_EQ_INT(judge(g.r[0], REC("\"sourceIPs\":[\"10.0.0.1\"],\"responseStatus\":{\"code\":403}")), 0);
	got_free(&g);
}

K8A_TEST(sigma_keywords_raw)
{
	static const char y[] = K8S_HEAD "  keywords:\n    - 'XMRIG'\n  condition: keywords\n";
	struct got g = { 0 };

	REQUIRE(k8a_sigma_load_mem(y, sizeof(y) - 1, take, problem, &g) == K8A_OK && g.n == 1);
	CHECK_EQ_INT(judge(g.r[0], REC("\"userAgent\":\"xmrig/6\"")), 1);
	CHECK_EQ_INT(judge(g.r[0], REC("\"userAgent\":\"xm-rig/6\"")), 0);
	got_free(&g);
}

K8A_TEST(sigma_description_and_problems)
{
	static const char y[] =
		"title: One\nid: 1\nauthor: A. Author\nlevel: high\ntags: [attack.t1552.007, attack.T1609, attack.discovery, attack.t12]\n"
		"references: [https://example.com/a]\nfalsepositives: Admins\n"
		"logsource: {product: aws, service: cloudtrail}\ndetection:\n  s: {eventName: X}\n  condition: s\n"
		"---\ntitle: Two\nid: 2\nlogsource: {product: windows}\ndetection:\n  s: {a: b}\n  condition: s\n"
		"---\ntitle: Three\nid: 3\nlogsource: {product: aws, service: cloudtrail}\ndetection:\n"
		"  s:\n    eventName|utf16: X\n  condition: s\n"
		"---\ntitle: Four\nname: four\ncorrelation:\n  type: event_count\n  rules: one\n  timespan: 5m\n"
		"  group-by: [userIdentity.arn]\n  condition: {gt: 4}\n";
	struct got g = { 0 };

	REQUIRE(k8a_sigma_load_mem(y, sizeof(y) - 1, take, problem, &g) == K8A_OK);
	REQUIRE(g.n == 2);
	CHECK_EQ_STR(g.r[0]->title, "One");
	CHECK_EQ_STR(g.r[0]->author, "A. Author");
	CHECK_EQ_INT(g.r[0]->source, K8A_SRC_CLOUDTRAIL);
	REQUIRE(g.r[0]->ntechniques == 2);
	CHECK_EQ_STR(g.r[0]->techniques[0], "T1552.007");
	CHECK_EQ_STR(g.r[0]->techniques[1], "T1609");
	CHECK_EQ_INT(g.r[0]->nfalsepositives, 1);
	CHECK_EQ_STR(g.r[0]->references[0], "https://example.com/a");
	REQUIRE(g.r[1]->corr != NULL);
	CHECK_EQ_INT(g.r[1]->corr->min_count, 5);
	CHECK_EQ_INT(g.r[1]->corr->timespan, 300000000);
	CHECK_EQ_STR(g.r[1]->corr->rules[0], "one");
	/* the Windows rule counted, the unsupported modifier located */
	CHECK_EQ_STR(g.problems, "0:13:rule Two: logsource product 'windows' service '': not Kubernetes audit or CloudTrail|"
		"1:25:rule Three: unsupported modifier 'utf16'|");
	{
		k8a_expr *c = k8a_sigma_detection(g.r[0]);
		CHECK(c != NULL);
		k8a_expr_free(c);
	}
	got_free(&g);
}

/* A correlation condition naming its field or its count twice is refused,
 * located: which one would count is a guess (fuzz_sigma found the first
 * field leaked). */
K8A_TEST(sigma_correlation_condition_twice)
{
	static const char y[] =
		"title: F\nname: f\ncorrelation:\n  type: value_count\n  rules: one\n  timespan: 5m\n"
		"  condition:\n    field: objectRef.name\n    field: user.username\n    gt: 2\n"
		"---\ntitle: C\nname: c\ncorrelation:\n  type: event_count\n  rules: one\n  timespan: 5m\n"
		"  condition:\n    gte: 4\n    gt: 9\n"
		"---\ntitle: Ok\nname: ok\ncorrelation:\n  type: value_count\n  rules: one\n  timespan: 5m\n"
		"  condition:\n    field: objectRef.name\n    gt: 2\n";
	struct got g = { 0 };

	REQUIRE(k8a_sigma_load_mem(y, sizeof(y) - 1, take, problem, &g) == K8A_OK);
	REQUIRE(g.n == 1);
	CHECK_EQ_STR(g.r[0]->title, "Ok");
	CHECK_EQ_STR(g.r[0]->corr->field, "objectRef.name");
	CHECK_EQ_INT(g.r[0]->corr->min_count, 3);
	CHECK_EQ_STR(g.problems, "2:9:rule F: correlation condition: 'field' given after another 'field'|"
		"2:20:rule C: correlation condition: 'gt' given after another count|");
	got_free(&g);
}
