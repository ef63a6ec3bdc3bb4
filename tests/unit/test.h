/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * test.h - a small unit-test harness for libk8saudit.
 *
 *   K8A_TEST(framer_crlf)
 *   {
 *       CHECK(x != NULL);
 *       CHECK_EQ_INT(k8a_event_code(ev), 201);
 *       CHECK_EQ_STR(k8a_event_str(ev, K8A_F_VERB), "create");
 *   }
 *
 * Each K8A_TEST registers itself (a constructor) in a table that
 * test_lib.c's main() sorts by file and line and runs.  A failed CHECK
 * prints "file:line: expected ... got ..." and the test goes on; REQUIRE
 * stops the test (use it before dereferencing).  The program prints
 * "ok name" or "FAIL name" per test and, as its last line,
 * "N passed, N failed"; it exits 1 when anything failed.  Arguments select
 * tests by name prefix.
 *
 * A library bug gets its failing test first; the test stays once fixed.
 */
#ifndef K8A_TEST_H
#define K8A_TEST_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "k8saudit.h"

typedef void (*k8a_test_fn)(void);

void k8a_test_register(const char *name, const char *file, int line, k8a_test_fn fn);
void k8a_test_fail(const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int k8a_test_check_str(const char *file, int line, const char *gexpr, const char *got,
	const char *want);
int k8a_test_check_mem(const char *file, int line, const char *gexpr, const void *got,
	size_t gotlen, const void *want, size_t wantlen);
int k8a_test_check_int(const char *file, int line, const char *gexpr, long long got,
	long long want);

#define K8A_TEST(name)                                                              \
	static void test_##name(void);                                              \
	static void k8a_reg_##name(void) __attribute__((constructor));              \
	static void k8a_reg_##name(void)                                            \
	{                                                                           \
		k8a_test_register(#name, __FILE__, __LINE__, test_##name);          \
	}                                                                           \
	static void test_##name(void)

#define CHECK(cond)                                                                 \
	((cond) ? 1 : (k8a_test_fail(__FILE__, __LINE__, "expected %s", #cond), 0))

/* got first, then the expected value; NULL compares equal only to NULL */
#define CHECK_EQ_STR(got, want) k8a_test_check_str(__FILE__, __LINE__, #got, (got), (want))
#define CHECK_EQ_MEM(got, gotlen, want, wantlen)                                    \
	k8a_test_check_mem(__FILE__, __LINE__, #got, (got), (gotlen), (want), (wantlen))
#define CHECK_EQ_INT(got, want)                                                     \
	k8a_test_check_int(__FILE__, __LINE__, #got, (long long)(got), (long long)(want))

/* Stop the current test when the condition fails. */
#define REQUIRE(cond)                                                               \
	do {                                                                        \
		if (!CHECK(cond))                                                   \
			return;                                                     \
	} while (0)

/* ---- helpers shared by the test files (test_lib.c) ---- */

/*
 * Read everything from in-memory inputs and describe what came out, one
 * line per k8a_reader_next() result:
 *   "<line>:<index>@<offset> <raw>"     a record (raw cut to 80 bytes)
 *   "WARN <where>: <message>"           a warning
 * The returned text is owned by the harness, valid until the next call.
 */
struct t_input {
	const void *p;
	size_t n; /* (size_t)-1: strlen(p) */
	const char *name;
};
const char *t_transcript(const struct t_input *in, size_t nin, const k8a_prefilter *pf,
	uint64_t *skipped);
/* One input given as a C string, named "mem". */
const char *t_read(const char *text);
const char *t_read_pf(const char *text, const char *const *lits);

/* The first event of `json` (read as one JSON line).  Valid until the next
 * call or the end of the test. */
k8a_event *t_event(const char *json);

/* Compile and match: 1, 0, K8A_WARN; -100 when the expression does not
 * compile (reported as a failure at the caller's line). */
int t_match_at(const char *file, int line, const char *expr, const char *json);
#define t_match(expr, json) t_match_at(__FILE__, __LINE__, (expr), (json))

/* Compressed copies of a buffer (malloc'd; freed at the end of the test). */
void *t_gzip(const void *p, size_t n, size_t *outlen);
void *t_zstd(const void *p, size_t n, size_t *outlen);
/* malloc that the harness frees at the end of the test */
void *t_alloc(size_t n);

/* JSON written with ' for " (readable in C): a copy with every ' turned
 * into ", freed at the end of the test. */
const char *J(const char *s);

#endif
