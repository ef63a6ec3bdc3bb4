/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * k8a_exprset: expressions filed under the keys a match must have
 * (resource, subresource, user, decision, code, groups, a member's
 * presence) are tried only on records that have one.  Each case is a
 * record and an expression: the set must offer the expression whenever
 * k8a_expr_match() says it matches (exactness), and must leave it out
 * when the record's keys cannot find it (the index works).
 */
#include <stdio.h>
#include <string.h>

#include "test.h"

#define HEAD "{'kind':'Event','apiVersion':'audit.k8s.io/v1','auditID':'a1','stage':'ResponseComplete',"
#define TAIL "'requestReceivedTimestamp':'2026-03-01T10:00:00Z'}"

static const char *const exprs[] = {
	"resource in (secrets, roles) or subresource = exec",
	"(decision = forbid or code = 403) and stage = ResponseComplete",
	"user = \"system:anonymous\" or groups = \"system:unauthenticated\"",
	"impersonatedUser.username ^= \"system:node:\"",
	"code = 401",
	"code in (0403, 4.04e2)",
	"not resource = pods",
	"verb = create and resource = pods and requestObject.spec.hostPID = true",
	"eventName = CreateUser or eventSource = sts.amazonaws.com",
	"errorCode exists and eventName = ConsoleLogin",
	"resource != pods and userAgent !~ '^kubectl'",
};
#define NX (sizeof(exprs) / sizeof(exprs[0]))

struct tcase {
	const char *rec;
	const char *offered; /* expressions that must be offered, by number (0-9, a) */
	const char *absent;  /* and those that must not */
};

static const struct tcase cases[] = {
	/* plain values: each key finds its own */
	{ HEAD "'verb':'get','user':{'username':'alice','groups':['dev']},'objectRef':{'resource':'secrets'},"
	  "'responseStatus':{'code':200},'annotations':{'authorization.k8s.io/decision':'allow'}," TAIL, "06a", "123457" },
	{ HEAD "'verb':'create','user':{'username':'alice'},'objectRef':{'resource':'pods','subresource':'exec'},"
	  "'responseStatus':{'code':101}," TAIL, "0", "123456a" },
	{ HEAD "'verb':'list','user':{'username':'bob'},'objectRef':{'resource':'pods'},"
	  "'responseStatus':{'code':403},'annotations':{'authorization.k8s.io/decision':'forbid'}," TAIL, "15", "0234" },
	/* the code written as a string or as 403.0: the key cannot tell, the
	 * skim and the parse decide (the status code is an integer) */
	{ HEAD "'verb':'list','user':{'username':'bob'},'objectRef':{'resource':'nodes'},"
	  "'responseStatus':{'code':'403'}," TAIL, "6", "0" },
	{ HEAD "'verb':'list','user':{'username':'bob'},'objectRef':{'resource':'nodes'},"
	  "'responseStatus':{'code':403.0}," TAIL, "6", "0" },
	{ HEAD "'verb':'list','user':{'username':'bob'},'objectRef':{'resource':'nodes'},"
	  "'responseStatus':{'code':404}," TAIL, "5", "14" },
	{ HEAD "'verb':'list','user':{'username':'bob'},'objectRef':{'resource':'nodes'},"
	  "'responseStatus':{'code':401}," TAIL, "4", "15" },
	/* anonymous by name, by group, and behind escapes */
	{ HEAD "'verb':'get','user':{'username':'system:anonymous'},'requestURI':'/api'," TAIL, "2", "0" },
	{ HEAD "'verb':'get','user':{'username':'x','groups':['system:authenticated','system:unauthenticated']},"
	  "'requestURI':'/api'," TAIL, "2", "" },
	{ HEAD "'verb':'get','user':{'username':'system\\u003aanonymous'},'requestURI':'/api'," TAIL, "2", "" },
	{ HEAD "'verb':'get','user':{'username':'x','groups':['a','system:\\u0075nauthenticated']},"
	  "'requestURI':'/api'," TAIL, "2", "" },
	{ HEAD "'verb':'get','user':{'username':'x','groups':['a','system:authenticated']},"
	  "'requestURI':'/api'," TAIL, "", "2" },
	/* a member given twice: the last counts */
	{ HEAD "'verb':'get','objectRef':{'resource':'pods','resource':'secrets'}," TAIL, "0", "" },
	/* presence: below a slot the skim reads */
	{ HEAD "'verb':'get','user':{'username':'admin'},'impersonatedUser':{'username':'system:node:ip-1'},"
	  "'objectRef':{'resource':'nodes'}," TAIL, "3", "0" },
	{ HEAD "'verb':'create','objectRef':{'resource':'pods'},'requestObject':{'spec':{'hostPID':true}}," TAIL,
	  "7", "036" },
	/* CloudTrail: eventName, eventSource, errorCode present */
	{ "{'eventVersion':'1.08','eventTime':'2026-03-01T10:00:00Z','eventSource':'iam.amazonaws.com',"
	  "'eventName':'CreateUser','awsRegion':'us-east-1','userIdentity':{'type':'IAMUser'}}", "8", "9" },
	{ "{'eventVersion':'1.08','eventTime':'2026-03-01T10:00:00Z','eventSource':'sts.amazonaws.com',"
	  "'eventName':'AssumeRole','awsRegion':'us-east-1','userIdentity':{'type':'IAMUser'}}", "8", "9" },
	{ "{'eventVersion':'1.08','eventTime':'2026-03-01T10:00:00Z','eventSource':'signin.amazonaws.com',"
	  "'eventName':'ConsoleLogin','errorCode':'Failed','awsRegion':'us-east-1'}", "9", "8" },
	{ "{'eventVersion':'1.08','eventTime':'2026-03-01T10:00:00Z','eventSource':'signin.amazonaws.com',"
	  "'eventName':'ConsoleLogin','awsRegion':'us-east-1'}", "", "89" },
};

static size_t
num(char c)
{
	return c <= '9' ? (size_t)(c - '0') : (size_t)(c - 'a' + 10);
}

K8A_TEST(exprset_keys_exact)
{
	k8a_expr *x[NX][2];
	k8a_exprset *s = k8a_exprset_new();
	k8a_event *ev = k8a_event_new();
	struct k8a_origin o = { "mem", NULL, 1, -1, 0 };
	size_t i, j, c;

	REQUIRE(s != NULL && ev != NULL);
	for (i = 0; i < NX; i++) {
		struct k8a_err err;
		x[i][0] = k8a_expr_compile(exprs[i], &err);
		x[i][1] = k8a_expr_compile(exprs[i], &err);
		REQUIRE(x[i][0] != NULL && x[i][1] != NULL);
		/* expression i is number 2i for Kubernetes, 2i+1 for CloudTrail */
		CHECK_EQ_INT(k8a_exprset_add(s, x[i][0], K8A_SRC_K8S, NULL), 2 * i);
		CHECK_EQ_INT(k8a_exprset_add(s, x[i][1], K8A_SRC_CLOUDTRAIL, NULL), 2 * i + 1);
	}
	for (c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		const char *rec = J(cases[c].rec);
		int offered[2 * NX] = { 0 };
		const size_t *cand;
		size_t n;
		int ct = strstr(rec, "eventVersion") != NULL;

		k8a_event_set(ev, rec, strlen(rec), &o);
		REQUIRE((cand = k8a_exprset_candidates(s, ev, &n)) != NULL);
		for (j = 0; j < n; j++) {
			REQUIRE(cand[j] < 2 * NX);
			CHECK(j == 0 || cand[j] > cand[j - 1]);
			offered[cand[j]] = 1;
		}
		for (i = 0; i < NX; i++) {
			size_t k = 2 * i + (size_t)ct;
			int m = t_match(exprs[i], rec);
			if (m == 1 && !offered[k])
				k8a_test_fail(__FILE__, __LINE__, "case %zu: \"%s\" matches but was not offered", c, exprs[i]);
		}
		for (j = 0; cases[c].offered[j]; j++)
			if (!offered[2 * num(cases[c].offered[j]) + (size_t)ct])
				k8a_test_fail(__FILE__, __LINE__, "case %zu: expression %c not offered", c, cases[c].offered[j]);
		for (j = 0; cases[c].absent[j]; j++)
			if (offered[2 * num(cases[c].absent[j]) + (size_t)ct])
				k8a_test_fail(__FILE__, __LINE__, "case %zu: expression %c offered", c, cases[c].absent[j]);
	}
	k8a_event_free(ev);
	k8a_exprset_free(s);
	for (i = 0; i < NX; i++) {
		k8a_expr_free(x[i][0]);
		k8a_expr_free(x[i][1]);
	}
}
