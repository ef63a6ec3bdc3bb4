/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * failalloc: an LD_PRELOAD library that makes one allocation fail, to test
 * that every allocation failure ends in "out of memory" (tests/fault.sh).
 *
 *   K8SAUDIT_FAIL_ALLOC=N       the Nth call of malloc, calloc, realloc,
 *                               reallocarray, posix_memalign, aligned_alloc
 *                               or memalign returns NULL (ENOMEM); strdup
 *                               and the libraries' allocations (jansson,
 *                               PCRE2, zstd, zlib, libarchive) go through
 *                               malloc and count too.  0: none fails.
 *   K8SAUDIT_ALLOC_COUNT=FILE   at exit, write the number of calls there.
 *   K8SAUDIT_FAIL_TRACE=1       print the failing call's stack to stderr
 *                               (for finding the code that mishandles it).
 *
 * Calls are counted from the program's start, over all threads.  Built
 * only without the sanitizers, whose allocator cannot be replaced so.
 */
#include <errno.h>
#include <execinfo.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void *__libc_memalign(size_t, size_t);
void *memalign(size_t, size_t); /* <malloc.h> names it; declared here alone */

static unsigned long fail_at; /* 0: never */
static unsigned long calls;
static int ready, trace;

static void __attribute__((constructor))
failalloc_init(void)
{
	const char *s = getenv("K8SAUDIT_FAIL_ALLOC");

	fail_at = s ? strtoul(s, NULL, 10) : 0;
	trace = getenv("K8SAUDIT_FAIL_TRACE") != NULL;
	ready = 1;
}

static void __attribute__((destructor))
failalloc_fini(void)
{
	const char *f = getenv("K8SAUDIT_ALLOC_COUNT");
	FILE *fp;

	if (f && (fp = fopen(f, "w")) != NULL) {
		fprintf(fp, "%lu\n", __atomic_load_n(&calls, __ATOMIC_RELAXED));
		fclose(fp);
	}
}

/* 1 when this call is the one to fail. */
static int
failing(void)
{
	unsigned long n;

	if (!ready)
		return 0; /* the loader's own, before the constructor */
	n = __atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED);
	if (fail_at != 0 && n == fail_at) {
		if (trace) {
			void *pc[32];
			int depth;
			ready = 0; /* backtrace() may allocate */
			depth = backtrace(pc, 32);
			backtrace_symbols_fd(pc, depth, 2);
			ready = 1;
		}
		errno = ENOMEM;
		return 1;
	}
	return 0;
}

void *
malloc(size_t n)
{
	return failing() ? NULL : __libc_malloc(n);
}

void *
calloc(size_t a, size_t b)
{
	return failing() ? NULL : __libc_calloc(a, b);
}

void *
realloc(void *p, size_t n)
{
	if (p != NULL && n == 0)
		return __libc_realloc(p, n); /* a free */
	return failing() ? NULL : __libc_realloc(p, n);
}

void *
reallocarray(void *p, size_t a, size_t b)
{
	if (b != 0 && a > SIZE_MAX / b) {
		errno = ENOMEM;
		return NULL;
	}
	return realloc(p, a * b);
}

void *
memalign(size_t al, size_t n)
{
	return failing() ? NULL : __libc_memalign(al, n);
}

void *
aligned_alloc(size_t al, size_t n)
{
	return memalign(al, n);
}

int
posix_memalign(void **p, size_t al, size_t n)
{
	void *q;

	if (failing())
		return ENOMEM;
	if ((q = __libc_memalign(al, n)) == NULL)
		return ENOMEM;
	*p = q;
	return 0;
}
