/* SPDX-License-Identifier: BSD-2-Clause */
/* Structural JSON scanning (jscan.c: internal, but exported). */
#include <string.h>

#include "private.h"
#include "test.h"

static size_t
val(const char *s)
{
	return k8a_jscan_value(s, strlen(s));
}

K8A_TEST(jscan_value_end)
{
	CHECK_EQ_INT(val("{}"), 2);
	CHECK_EQ_INT(val("{\"a\":\"b}\"}"), 10);
	CHECK_EQ_INT(val("{\"a\":\"b\\\"}\"} trailing"), 12);
	CHECK_EQ_INT(val("\"a\\\"b\""), 6);
	CHECK_EQ_INT(val("\"a\\\\\""), 5);
	CHECK_EQ_INT(val("\"a\\\\\\\"b\" x"), 8);
	CHECK_EQ_INT(val("[1,[2,{\"x\":[]}]]"), 16);
	CHECK_EQ_INT(val("  {}  "), 4);
	CHECK_EQ_INT(val("\n\t{\"k\":[\"]\",\"}\"]}"), 17);
	CHECK_EQ_INT(val("123,"), 3);
	CHECK_EQ_INT(val("-1.5e3}"), 6);
	CHECK_EQ_INT(val("true]"), 4);
	CHECK_EQ_INT(val("null "), 4);
	/* incomplete */
	CHECK_EQ_INT(val("{\"a\":1"), 0);
	CHECK_EQ_INT(val("\"abc"), 0);
	CHECK_EQ_INT(val("\"abc\\\""), 0);
	CHECK_EQ_INT(val("[[]"), 0);
	CHECK_EQ_INT(val("123"), 0);
	CHECK_EQ_INT(val(""), 0);
	CHECK_EQ_INT(val("   "), 0);
	/* malformed */
	CHECK(val("}") == (size_t)-1);
	CHECK(val(":") == (size_t)-1);
	CHECK(val(",") == (size_t)-1);
	CHECK(val("tru\"e") == (size_t)-1);
	/* only n bytes are looked at */
	CHECK_EQ_INT(k8a_jscan_value("{\"a\":1}", 6), 0);
	CHECK_EQ_INT(k8a_jscan_value("\"ab\"", 3), 0);
}

K8A_TEST(jscan_value_depth)
{
	const size_t deep = 10001;
	char *s = t_alloc(2 * deep + 1);

	memset(s, '[', deep);
	memset(s + deep, ']', deep);
	s[2 * deep] = '\0';
	CHECK(k8a_jscan_value(s, 2 * deep) == (size_t)-1);
	/* 10000 levels are fine */
	CHECK_EQ_INT(k8a_jscan_value(s + 1, 2 * deep - 2), 2 * deep - 2);
}

K8A_TEST(jscan_ws)
{
	CHECK_EQ_INT(k8a_jscan_ws("  \t\r\nx", 6, 0), 5);
	CHECK_EQ_INT(k8a_jscan_ws("  \t\r\nx", 6, 5), 5);
	CHECK_EQ_INT(k8a_jscan_ws("   ", 3, 0), 3);
	CHECK_EQ_INT(k8a_jscan_ws("\v\f", 2, 0), 0); /* not JSON whitespace */
}

static const char *
mem(const char *obj, const char *key, int *rc)
{
	static char out[256];
	const char *v = NULL;
	size_t n = 0;

	*rc = k8a_jscan_member(obj, strlen(obj), key, &v, &n);
	if (*rc != 1)
		return NULL;
	memcpy(out, v, n < 255 ? n : 255);
	out[n < 255 ? n : 255] = '\0';
	return out;
}

K8A_TEST(jscan_member)
{
	const char *o = "{\"a\":1,\"b\":{\"c\":2},\"d\":\"x\",\"e\":[1,{\"c\":3}]}";
	int rc;

	CHECK_EQ_STR(mem(o, "a", &rc), "1");
	CHECK_EQ_STR(mem(o, "b", &rc), "{\"c\":2}");
	CHECK_EQ_STR(mem(o, "d", &rc), "\"x\"");
	CHECK_EQ_STR(mem(o, "e", &rc), "[1,{\"c\":3}]");
	CHECK_EQ_INT(rc, 1);
	/* depth 1 only */
	CHECK_EQ_STR(mem(o, "c", &rc), NULL);
	CHECK_EQ_INT(rc, 0);
	/* exact names */
	CHECK_EQ_STR(mem("{\"ab\":1}", "a", &rc), NULL);
	CHECK_EQ_INT(rc, 0);
	CHECK_EQ_STR(mem("{}", "a", &rc), NULL);
	CHECK_EQ_INT(rc, 0);
	/* a key-like text inside a string value is not a member */
	CHECK_EQ_STR(mem("{\"x\":\"\\\"b\\\":1\",\"b\":2}", "b", &rc), "2");
	/* whitespace everywhere */
	CHECK_EQ_STR(mem(" { \"a\" : [ 1 ] ,\n\t\"b\" : 2 } ", "b", &rc), "2");
	CHECK_EQ_STR(mem(" { \"a\" : [ 1 ] ,\n\t\"b\" : 2 } ", "a", &rc), "[ 1 ]");
	/* keys are compared as written */
	CHECK_EQ_STR(mem("{\"a\\\"b\":1}", "a\\\"b", &rc), "1");
	/* malformed */
	mem("{\"a\" 1}", "z", &rc);
	CHECK_EQ_INT(rc, -1);
	mem("[1]", "a", &rc);
	CHECK_EQ_INT(rc, -1);
	mem("{\"a\":1,\"b\":", "z", &rc);
	CHECK_EQ_INT(rc, -1);
	mem("{\"a\":1 \"b\":2}", "z", &rc);
	CHECK_EQ_INT(rc, -1);
	mem("{a:1}", "a", &rc);
	CHECK_EQ_INT(rc, -1);
	mem("", "a", &rc);
	CHECK_EQ_INT(rc, -1);
}

static int
unesc(const char *lit, struct k8a_buf *b)
{
	return k8a_jscan_unescape(lit, strlen(lit), b);
}

K8A_TEST(jscan_unescape)
{
	struct k8a_buf b = { 0 };

	CHECK_EQ_INT(unesc("\"plain\"", &b), 0);
	CHECK_EQ_MEM(b.p, b.len, "plain", 5);
	CHECK_EQ_INT(unesc("\"\"", &b), 0);
	CHECK_EQ_MEM(b.p, b.len, "", 0);
	CHECK_EQ_INT(unesc("\"a\\nb\\tc\\rd\\be\\ff\\/g\\\\h\\\"i\"", &b), 0);
	CHECK_EQ_MEM(b.p, b.len, "a\nb\tc\rd\be\ff/g\\h\"i", 17);
	CHECK_EQ_INT(b.p[b.len], '\0');
	CHECK_EQ_INT(unesc("\"caf\\u00e9\"", &b), 0);
	CHECK_EQ_MEM(b.p, b.len, "caf\xc3\xa9", 5);
	CHECK_EQ_INT(unesc("\"\\u0041\\u00DF\\u20AC\"", &b), 0);
	CHECK_EQ_MEM(b.p, b.len, "A\xc3\x9f\xe2\x82\xac", 6);
	/* a surrogate pair is one code point */
	CHECK_EQ_INT(unesc("\"\\ud83d\\ude00!\"", &b), 0);
	CHECK_EQ_MEM(b.p, b.len, "\xf0\x9f\x98\x80!", 5);
	CHECK_EQ_INT(unesc("\"\\uD83D\\uDE00\"", &b), 0);
	CHECK_EQ_MEM(b.p, b.len, "\xf0\x9f\x98\x80", 4);
	/* lone surrogates become U+FFFD */
	CHECK_EQ_INT(unesc("\"\\ud83d\"", &b), 0);
	CHECK_EQ_MEM(b.p, b.len, "\xef\xbf\xbd", 3);
	CHECK_EQ_INT(unesc("\"\\ud83dx\"", &b), 0);
	CHECK_EQ_MEM(b.p, b.len, "\xef\xbf\xbdx", 4);
	CHECK_EQ_INT(unesc("\"\\ud83d\\u0041\"", &b), 0);
	CHECK_EQ_MEM(b.p, b.len, "\xef\xbf\xbd" "A", 4);
	CHECK_EQ_INT(unesc("\"\\ude00\\ud83d\"", &b), 0);
	CHECK_EQ_MEM(b.p, b.len, "\xef\xbf\xbd\xef\xbf\xbd", 6);
	CHECK_EQ_INT(unesc("\"\\u0000\"", &b), 0);
	CHECK_EQ_MEM(b.p, b.len, "\0", 1);
	/* malformed */
	CHECK_EQ_INT(unesc("\"\\x\"", &b), -1);
	CHECK_EQ_INT(unesc("\"\\u12\"", &b), -1);
	CHECK_EQ_INT(unesc("\"\\u12G4\"", &b), -1);
	CHECK_EQ_INT(unesc("\"abc\\\"", &b), -1);
	CHECK_EQ_INT(unesc("abc", &b), -1);
	CHECK_EQ_INT(unesc("\"", &b), -1);
	CHECK_EQ_INT(unesc("\"abc", &b), -1);
	CHECK_EQ_INT(k8a_jscan_unescape("\"abc\"", 0, &b), -1);
	k8a_buf_free(&b);
}
