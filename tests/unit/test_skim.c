/* SPDX-License-Identifier: BSD-2-Clause */
/* The quick scan of a record's text (skim.c: internal, but exported). */
#include <string.h>

#include "private.h"
#include "test.h"

static struct k8a_skim sk;

static void
skim(const char *s)
{
	k8a_skim(&sk, s, strlen(s));
}

static void
skim_n(const char *s, size_t n)
{
	k8a_skim(&sk, s, n);
}

/* The slot's string, or "<absent>", "<int:N>", "<escaped>", ... */
static const char *
slot(int i)
{
	static char buf[256];
	const struct k8a_skim_val *v = &sk.v[i];

	switch (v->t) {
	case SKV_ABSENT: return "<absent>";
	case SKV_OBJECT: return "<object>";
	case SKV_OTHER:
		snprintf(buf, sizeof(buf), "<other:%.*s>", (int)v->n, v->p);
		return buf;
	case SKV_UNSURE: return "<unsure>";
	case SKV_INT:
		snprintf(buf, sizeof(buf), "<int:%.*s>", (int)v->n, v->p);
		return buf;
	case SKV_STRING:
		if (v->p == NULL)
			return "<escaped>";
		snprintf(buf, sizeof(buf), "%.*s", (int)v->n, v->p);
		return buf;
	}
	return "?";
}

#define AUDIT_HEAD "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"x\","

K8A_TEST(skim_audit_event)
{
	skim(AUDIT_HEAD "\"stage\":\"ResponseComplete\",\"verb\":\"create\",\"user\":{\"username\":\"alice\","
		"\"groups\":[\"a\",\"b\"],\"extra\":{\"authentication.kubernetes.io/credential-id\":[\"JTI=1\"]}},"
		"\"sourceIPs\":[\"10.0.0.1\",\"203.0.113.5\"],\"objectRef\":{\"resource\":\"pods\","
		"\"namespace\":\"default\",\"name\":\"web\",\"subresource\":\"exec\"},"
		"\"responseStatus\":{\"metadata\":{},\"code\":101},\"requestObject\":{\"verb\":\"get\"},"
		"\"annotations\":{\"authorization.k8s.io/decision\":\"allow\"}}");
	CHECK_EQ_INT(sk.state, 1);
	CHECK_EQ_INT(sk.source, K8A_SRC_K8S);
	CHECK_EQ_STR(slot(SK_VERB), "create"); /* not the body's "verb" */
	CHECK_EQ_STR(slot(SK_USERNAME), "alice");
	CHECK_EQ_STR(slot(SK_CREDENTIAL_ID), "<other:[\"JTI=1\"]>");
	CHECK_EQ_STR(slot(SK_RESOURCE), "pods");
	CHECK_EQ_STR(slot(SK_SUBRESOURCE), "exec");
	CHECK_EQ_STR(slot(SK_API_GROUP), "<absent>");
	CHECK_EQ_STR(slot(SK_CODE), "<int:101>");
	CHECK_EQ_STR(slot(SK_DECISION), "allow");
	CHECK_EQ_STR(slot(SK_FIRST_IP), "10.0.0.1");
	CHECK_EQ_STR(slot(SK_LAST_IP), "203.0.113.5");
	CHECK_EQ_STR(slot(SK_IPS), "<other:[\"10.0.0.1\",\"203.0.113.5\"]>"); /* the path tests each */
	CHECK_EQ_STR(slot(SK_GROUPS), "<other:[\"a\",\"b\"]>");
	CHECK_EQ_STR(slot(SK_IMP_OBJ), "<absent>");
}

K8A_TEST(skim_cloudtrail)
{
	skim("{\"eventVersion\":\"1.08\",\"userIdentity\":{\"type\":\"Root\",\"arn\":\"arn:aws:iam::1:root\"},"
	     "\"eventSource\":\"iam.amazonaws.com\",\"eventName\":\"CreateUser\",\"awsRegion\":\"us-east-1\","
	     "\"sourceIPAddress\":\"203.0.113.5\",\"errorCode\":\"AccessDenied\",\"eventID\":\"e1\"}");
	CHECK_EQ_INT(sk.source, K8A_SRC_CLOUDTRAIL);
	CHECK_EQ_STR(slot(SK_EVENT_NAME), "CreateUser");
	CHECK_EQ_STR(slot(SK_EVENT_SOURCE), "iam.amazonaws.com");
	CHECK_EQ_STR(slot(SK_IDENT_TYPE), "Root");
	CHECK_EQ_STR(slot(SK_ERROR_CODE), "AccessDenied");
	CHECK_EQ_STR(slot(SK_IP_ADDRESS), "203.0.113.5");
	/* an eventName that is not a string is not CloudTrail */
	skim("{\"eventVersion\":\"1.08\",\"eventName\":5}");
	CHECK_EQ_INT(sk.state, 1);
	CHECK_EQ_INT(sk.source, K8A_SRC_UNKNOWN);
}

K8A_TEST(skim_given_twice)
{
	/* a parser keeps the last member: the skim leaves such ones open */
	skim(AUDIT_HEAD "\"verb\":\"get\",\"verb\":\"create\"}");
	CHECK_EQ_STR(slot(SK_VERB), "<unsure>");
	skim(AUDIT_HEAD "\"verb\":\"get\",\"user\":{\"username\":\"a\"},\"user\":\"b\"}");
	CHECK_EQ_STR(slot(SK_USER_OBJ), "<unsure>");
	CHECK_EQ_STR(slot(SK_USERNAME), "<unsure>");
	skim(AUDIT_HEAD "\"verb\":\"get\",\"user\":{\"extra\":{\"authentication.kubernetes.io/credential-id\":[\"x\"]}},"
		"\"user\":{}}");
	CHECK_EQ_STR(slot(SK_CREDENTIAL_ID), "<unsure>"); /* nested objects too */
	skim(AUDIT_HEAD "\"verb\":\"get\",\"sourceIPs\":[\"1.1.1.1\"],\"sourceIPs\":[\"2.2.2.2\"]}");
	CHECK_EQ_STR(slot(SK_FIRST_IP), "<unsure>");
	CHECK_EQ_STR(slot(SK_LAST_IP), "<unsure>");
}

K8A_TEST(skim_shapes)
{
	/* objectRef as an array: nothing known inside (a path fans out) */
	skim(AUDIT_HEAD "\"verb\":\"get\",\"objectRef\":[{\"resource\":\"secrets\"}]}");
	CHECK_EQ_STR(slot(SK_RESOURCE), "<unsure>");
	/* as a string: nothing inside */
	skim(AUDIT_HEAD "\"verb\":\"get\",\"objectRef\":\"secrets\"}");
	CHECK_EQ_STR(slot(SK_RESOURCE), "<absent>");
	CHECK_EQ_STR(slot(SK_REF_OBJ), "secrets");
	/* numbers: integers of up to 18 digits are kept */
	skim(AUDIT_HEAD "\"verb\":\"get\",\"responseStatus\":{\"code\":403.0}}");
	CHECK_EQ_STR(slot(SK_CODE), "<other:403.0>");
	skim(AUDIT_HEAD "\"verb\":\"get\",\"responseStatus\":{\"code\":-7}}");
	CHECK_EQ_STR(slot(SK_CODE), "<int:-7>");
	skim(AUDIT_HEAD "\"verb\":\"get\",\"responseStatus\":{\"code\":1234567890123456789}}");
	CHECK_EQ_STR(slot(SK_CODE), "<other:1234567890123456789>");
	/* sourceIPs: the array for the path, the first and last for aliases */
	skim(AUDIT_HEAD "\"verb\":\"get\",\"sourceIPs\":[\"10.0.0.9\"]}");
	CHECK_EQ_STR(slot(SK_IPS), "<other:[\"10.0.0.9\"]>");
	CHECK_EQ_STR(slot(SK_FIRST_IP), "10.0.0.9");
	skim(AUDIT_HEAD "\"verb\":\"get\",\"sourceIPs\":[ ]}");
	CHECK_EQ_STR(slot(SK_IPS), "<other:[ ]>");
	CHECK_EQ_STR(slot(SK_FIRST_IP), "<absent>");
	skim(AUDIT_HEAD "\"verb\":\"get\",\"sourceIPs\":[\"10.0.0.9\",7]}");
	CHECK_EQ_STR(slot(SK_FIRST_IP), "10.0.0.9");
	CHECK_EQ_STR(slot(SK_LAST_IP), "<int:7>");
	/* whitespace anywhere JSON allows it */
	skim(" {\n\"kind\" : \"Event\" ,\t\"apiVersion\":\"audit.k8s.io/v1\", \"verb\" :\"list\" } \n");
	CHECK_EQ_INT(sk.source, K8A_SRC_K8S);
	CHECK_EQ_STR(slot(SK_VERB), "list");
}

K8A_TEST(skim_escapes)
{
	skim(AUDIT_HEAD "\"verb\":\"cr\\u0065ate\",\"requestURI\":\"\\/api?a=1\\u0026b=2\","
		"\"requestObject\":{\"s\":\"\\\"\\\\\\n\\u00e9\"}}");
	CHECK_EQ_INT(sk.state, 1);
	CHECK_EQ_STR(slot(SK_VERB), "<escaped>");
	CHECK(k8a_skim_escaped(&sk, 'e'));
	CHECK(k8a_skim_escaped(&sk, '/'));
	CHECK(k8a_skim_escaped(&sk, '&'));
	CHECK(k8a_skim_escaped(&sk, '"'));
	CHECK(k8a_skim_escaped(&sk, '\\'));
	CHECK(k8a_skim_escaped(&sk, '\n'));
	CHECK(k8a_skim_escaped(&sk, 0xc3)); /* \u00e9 is written as UTF-8 */
	CHECK(!k8a_skim_escaped(&sk, 'a'));
	CHECK(!k8a_skim_escaped(&sk, ':'));
	/* an escaped key could be any member: the skim gives up */
	skim(AUDIT_HEAD "\"v\\u0065rb\":\"create\"}");
	CHECK_EQ_INT(sk.state, -1);
	CHECK_EQ_INT(sk.source, K8A_SRC_UNKNOWN);
}

K8A_TEST(skim_malformed)
{
	const char *bad[] = {
		"", "[]", "{", "{\"verb\":\"get\"", "{\"verb\":\"get\"} x", "{\"verb\" \"get\"}",
		"{\"verb\":\"g\\xt\"}", "{\"verb\":\"\\u00zz\"}", "{\"a\":[1,2}", "{\"verb\":}", "{\"verb\":\"get\",}",
		"{\"user\":{\"username\":\"a\"}", "\"just a string\"",
	};
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		skim(bad[i]);
		if (!CHECK(sk.state == -1))
			printf("  input: %s\n", bad[i]);
	}
}

K8A_TEST(skim_event_may_contain)
{
	const char *rec = AUDIT_HEAD "\"verb\":\"get\",\"requestURI\":\"\\/api\\/v1\",\"user\":{\"username\":\"b\\u006fb\"}}";
	k8a_event *ev = t_event(rec);

	REQUIRE(ev != NULL);
	CHECK_EQ_INT(k8a_event_may_contain(ev, "\"get\"", 5), 1);        /* written out */
	CHECK_EQ_INT(k8a_event_may_contain(ev, "/api/v1", 7), 1);         /* behind \/ */
	CHECK_EQ_INT(k8a_event_may_contain(ev, "\"bob\"", 5), 1);          /* behind \u006f */
	CHECK_EQ_INT(k8a_event_may_contain(ev, "\"secrets\"", 9), 0);     /* no byte escaped */
	CHECK_EQ_INT(k8a_event_may_contain(ev, "\"alice\"", 7), 0);
	CHECK_EQ_INT(k8a_event_peek_source(ev), K8A_SRC_K8S);
}

/* Bodies are skipped 64 bytes at a time when a block holds no backslash:
 * brackets and quotes inside strings, strings and escapes across block
 * boundaries, at every alignment, must leave what follows the body read
 * as a parse reads it. */
K8A_TEST(skim_body_blocks)
{
	static const char *const bodies[] = {
		"{\"a\":\"}}]]{[\",\"b\":[{\"c\":\"[x]\"},{}],\"d\":{\"e\":{\"f\":[1,2,[3]]}}}",
		"{\"s\":\"a long string with } and ] and { and [ that runs across more than sixty-four bytes of text\",\"n\":1}",
		"{\"q\":\"\\\"}\\\"]\",\"r\":\"tab\\there\",\"u\":\"\\u007d\",\"deep\":[[[[[[{\"x\":\"]\"}]]]]]]}",
		"[\"}\",\"]\",\"\\\\\",{\"k\":\"{\"}]",
	};
	char rec[1024], pad[80];
	size_t b, k;

	for (b = 0; b < sizeof(bodies) / sizeof(bodies[0]); b++)
		for (k = 0; k < 70; k++) {
			memset(pad, 'x', k);
			pad[k] = '\0';
			snprintf(rec, sizeof(rec), AUDIT_HEAD "\"p\":\"%s\",\"requestObject\":%s,\"verb\":\"get\","
				"\"responseStatus\":{\"code\":403}}", pad, bodies[b]);
			skim(rec);
			if (!CHECK(sk.state == 1) || !CHECK_EQ_STR(slot(SK_VERB), "get") ||
			    !CHECK_EQ_STR(slot(SK_CODE), "<int:403>")) {
				printf("  body %zu, padding %zu\n", b, k);
				return;
			}
			CHECK_EQ_INT(k8a_skim_escaped(&sk, '\t'), b == 2);
			/* cut inside the body: the skim cannot follow it */
			skim_n(rec, strlen(AUDIT_HEAD) + 8 + k + 18 + strlen(bodies[b]) / 2);
			CHECK_EQ_INT(sk.state, -1);
		}
}

/* The time the skim peeks is the one k8a_event_time() parses, or the
 * skim says it cannot tell (context.c learns from unparsed records). */
K8A_TEST(skim_peek_time)
{
#define CT_HEAD "{\"eventVersion\":\"1.08\",\"eventName\":\"GetCallerIdentity\","
	static const struct {
		const char *rec;
		int known;        /* what k8a_event_peek() answers */
		const char *time; /* its text when known (NULL: unset) */
	} cases[] = {
		{ AUDIT_HEAD "\"verb\":\"get\",\"stageTimestamp\":\"2026-01-02T03:04:05.000001Z\","
			"\"requestReceivedTimestamp\":\"2026-01-02T03:04:04Z\"}", 1, "2026-01-02T03:04:05.000001Z" },
		/* not a string: the next member, as the parse does */
		{ AUDIT_HEAD "\"verb\":\"get\",\"stageTimestamp\":7,\"requestReceivedTimestamp\":\"2026-01-02T03:04:04Z\"}",
			1, "2026-01-02T03:04:04Z" },
		{ AUDIT_HEAD "\"verb\":\"get\",\"timestamp\":\"2026-01-02T03:04:06Z\"}", 1, "2026-01-02T03:04:06Z" },
		/* escaped, or given twice: only a parse can tell */
		{ AUDIT_HEAD "\"verb\":\"get\",\"stageTimestamp\":\"2026-01-02T03:04:0\\u0035Z\"}", 0, NULL },
		{ AUDIT_HEAD "\"verb\":\"get\",\"stageTimestamp\":\"2026-01-02T03:04:05Z\",\"stageTimestamp\":\"2027-01-02T03:04:05Z\"}",
			0, NULL },
		/* none of the three: metadata.creationTimestamp, which only a parse reads */
		{ AUDIT_HEAD "\"verb\":\"get\",\"metadata\":{\"creationTimestamp\":\"2026-01-02T03:04:05Z\"}}", 0, NULL },
		/* nested members are not the record's */
		{ AUDIT_HEAD "\"verb\":\"get\",\"requestObject\":{\"stageTimestamp\":\"2020-01-01T00:00:00Z\"},"
			"\"requestReceivedTimestamp\":\"2026-01-02T03:04:04Z\"}", 1, "2026-01-02T03:04:04Z" },
		{ CT_HEAD "\"eventSource\":\"sts.amazonaws.com\",\"eventTime\":\"2026-01-02T03:04:05Z\"}", 1, "2026-01-02T03:04:05Z" },
		{ CT_HEAD "\"eventSource\":\"sts.amazonaws.com\",\"@timestamp\":\"2026-01-02T03:04:07Z\"}", 1, "2026-01-02T03:04:07Z" },
		{ CT_HEAD "\"eventSource\":\"sts.amazonaws.com\"}", 1, NULL },
		{ "{\"hello\":\"world\",\"stageTimestamp\":\"2026-01-02T03:04:05Z\"}", 0, NULL },
	};
	size_t i, n;
	const char *s, *parsed;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		k8a_event *ev = t_event(cases[i].rec);
		int known;

		REQUIRE(ev != NULL);
		known = k8a_event_peek(ev, K8A_F_TIME, &s, &n);
		if (!CHECK_EQ_INT(known, cases[i].known))
			printf("  case %zu\n", i);
		if (!known)
			continue;
		if (cases[i].time == NULL ? !CHECK(s == NULL) :
		    !CHECK(s != NULL && n == strlen(cases[i].time) && memcmp(s, cases[i].time, n) == 0))
			printf("  case %zu: %.*s\n", i, s ? (int)n : 6, s ? s : "(null)");
		/* and what the parse reads agrees */
		parsed = k8a_event_str(ev, K8A_F_TIME);
		if (!CHECK(cases[i].time == NULL ? parsed == NULL : parsed != NULL && strcmp(parsed, cases[i].time) == 0))
			printf("  case %zu: parsed %s\n", i, parsed ? parsed : "(null)");
	}
#undef CT_HEAD
}
