/* SPDX-License-Identifier: BSD-2-Clause */
/* k8a_json_valid: what k8saudit-grep --json copies verbatim must parse. */
#include <stdlib.h>
#include <string.h>

#include "test.h"

static int
valid(const char *s)
{
	return k8a_json_valid(s, strlen(s), NULL, 0);
}

/* The verdict must be jansson's (which also refuses invalid UTF-8). */
static int
agrees(const char *s, size_t n)
{
	json_error_t e;
	json_t *j = json_loadb(s, n, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
	int want = j != NULL;

	json_decref(j);
	return k8a_json_valid(s, n, NULL, 0) == want;
}

K8A_TEST(json_valid_accepts)
{
	static const char *const ok[] = {
		"{}", " {\"a\":1} ", "[]", "[1,2.5,-0.5e+10,true,false,null]", "\"\\u00e9\\n\\\"\\\\\\/\"",
		"{\"a\":{\"b\":[{\"c\":\"d\"}]},\"e\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"}",
		"{\"k\":\"\\u0000\"}", "0", "-0", "1E5", "\t[ ]\r\n",
	};
	size_t i;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		CHECK_EQ_INT(valid(ok[i]), 1);
		CHECK(agrees(ok[i], strlen(ok[i])));
	}
}

K8A_TEST(json_valid_refuses)
{
	static const char *const bad[] = {
		"", "{", "{\"a\":1,}", "[1,]", "{\"a\"}", "{a:1}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}",
		"{\"a\":-}", "{\"a\":tru}", "{\"a\":\"x\ty\"}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12G4\"}",
		"{\"a\":\"\xff\"}", "{\"a\":\"\xc0\xaf\"}", "{\"a\":\"\xed\xa0\x80\"}", "{\"a\":\"\xf4\x90\x80\x80\"}",
		"{\"a\":\"\xe2\x82\"}", "{} {}", "{\"a\":1}x", "[1 2]", "{\"a\":1 \"b\":2}", "\"abc",
	};
	char why[128];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CHECK_EQ_INT(valid(bad[i]), 0);
		CHECK(agrees(bad[i], strlen(bad[i])));
	}
	/* a NUL byte in a string, and the reason with its offset */
	CHECK_EQ_INT(k8a_json_valid("{\"a\":\"x\0y\"}", 11, why, sizeof(why)), 0);
	CHECK_EQ_STR(why, "not valid JSON: control character in a string at byte 7");
}

K8A_TEST(json_valid_depth)
{
	/* as deep as jansson takes, and one more; no recursion either way */
	size_t d, n;
	char *s;

	for (d = 2047; d <= 2049; d++) {
		s = malloc(2 * d + 1);
		REQUIRE(s != NULL);
		memset(s, '[', d);
		memset(s + d, ']', d);
		n = 2 * d;
		CHECK(agrees(s, n));
		free(s);
	}
	n = 1000000;
	s = malloc(n);
	REQUIRE(s != NULL);
	memset(s, '[', n);
	CHECK_EQ_INT(k8a_json_valid(s, n, NULL, 0), 0);
	free(s);
}
