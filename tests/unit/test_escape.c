/* SPDX-License-Identifier: BSD-2-Clause */
/* Terminal- and TSV-safe text. */
#include <stdlib.h>
#include <string.h>

#include "test.h"

/* k8a_escape() of s[0..n) compared with want; also checks k8a_is_plain(). */
static void
check_esc(const char *file, int line, const char *s, size_t n, const char *want)
{
	char *got = k8a_escape(s, n);

	if (got == NULL) {
		k8a_test_fail(file, line, "k8a_escape returned NULL");
		return;
	}
	k8a_test_check_str(file, line, "k8a_escape", got, want);
	/* plain text comes out as it went in */
	if (k8a_is_plain(s, n) && (strlen(got) != n || memcmp(got, s, n) != 0))
		k8a_test_fail(file, line, "k8a_is_plain() is 1 but the text changed");
	free(got);
}
#define ESC(s, want) check_esc(__FILE__, __LINE__, (s), sizeof(s) - 1, (want))

K8A_TEST(escape_controls)
{
	ESC("plain text 123 ~!@#$%^&*()", "plain text 123 ~!@#$%^&*()");
	ESC("", "");
	ESC("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m");
	ESC("a\nb", "a\\nb");
	ESC("a\tb", "a\\tb");
	ESC("a\rb", "a\\rb");
	ESC("back\\slash", "back\\\\slash");
	ESC("del\x7f", "del\\x7f");
	ESC("bell\x07", "bell\\x07");
	ESC("nul\0x", "nul\\x00x");
	ESC("\x01\x1f", "\\x01\\x1f");
}

K8A_TEST(escape_utf8)
{
	ESC("caf\xc3\xa9", "caf\xc3\xa9");
	ESC("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e");
	ESC("\xf0\x9f\x98\x80", "\xf0\x9f\x98\x80");
	ESC("nb\xc2\xa0sp", "nb\xc2\xa0sp");
	ESC("\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf"); /* U+10FFFF */
}

K8A_TEST(escape_invalid_utf8)
{
	ESC("\xff", "\\xff");
	ESC("a\xc3", "a\\xc3");                          /* cut sequence at the end */
	ESC("\xc3(", "\\xc3(");                          /* bad continuation */
	ESC("\xc0\xaf", "\\xc0\\xaf");                   /* overlong '/' */
	ESC("\xe0\x80\xaf", "\\xe0\\x80\\xaf");          /* overlong, 3 bytes */
	ESC("\xf0\x80\x80\xaf", "\\xf0\\x80\\x80\\xaf"); /* overlong, 4 bytes */
	ESC("\xed\xa0\x80", "\\xed\\xa0\\x80");          /* UTF-16 surrogate */
	ESC("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80"); /* above U+10FFFF */
	ESC("\xf5\x80\x80\x80", "\\xf5\\x80\\x80\\x80");
	ESC("\x80", "\\x80");
}

K8A_TEST(escape_c1_and_bidi)
{
	ESC("\xc2\x85", "\\u0085");          /* NEL */
	ESC("\xc2\x9b" "31m", "\\u009b31m"); /* CSI */
	ESC("\xc2\x80\xc2\x9f", "\\u0080\\u009f");
	ESC("abc\xe2\x80\xae" "gpj.exe", "abc\\u202egpj.exe"); /* RIGHT-TO-LEFT OVERRIDE */
	ESC("\xe2\x80\xaa\xe2\x80\xab\xe2\x80\xac\xe2\x80\xad", "\\u202a\\u202b\\u202c\\u202d");
	ESC("\xe2\x81\xa6x\xe2\x81\xa9", "\\u2066x\\u2069"); /* isolates */
	ESC("\xe2\x80\xa8\xe2\x80\xa9", "\\u2028\\u2029");  /* line and paragraph separators */
	ESC("\xe2\x80\xa7", "\xe2\x80\xa7");               /* U+2027 is fine */
}

K8A_TEST(escape_is_plain)
{
	CHECK_EQ_INT(k8a_is_plain("abc def", 7), 1);
	CHECK_EQ_INT(k8a_is_plain("", 0), 1);
	CHECK_EQ_INT(k8a_is_plain("a\tb", 3), 0);
	CHECK_EQ_INT(k8a_is_plain("a\\b", 3), 0);
	CHECK_EQ_INT(k8a_is_plain("a\x7f", 2), 0);
	CHECK_EQ_INT(k8a_is_plain("a\0b", 3), 0);
	CHECK_EQ_INT(k8a_is_plain("\xc2\x85", 2), 0);
	CHECK_EQ_INT(k8a_is_plain("\xff", 1), 0);
	/* only n bytes are looked at */
	CHECK_EQ_INT(k8a_is_plain("ab\n", 2), 1);
}

K8A_TEST(escape_is_plain_utf8)
{
	/* k8saudit.h: k8a_is_plain() is "1 when s[0..n) would come out of
	 * k8a_escape() as is"; valid UTF-8 does, but escape.c:k8a_is_plain
	 * answers 0 for every byte >= 0x7f. */
	CHECK_EQ_INT(k8a_is_plain("caf\xc3\xa9", 5), 1);
}
