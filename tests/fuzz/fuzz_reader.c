/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Invariant: whatever bytes arrive (compressed, archived, truncated,
 * hostile JSON), the reader returns only K8A_OK, K8A_WARN or K8A_EOF,
 * terminates, never reads out of bounds, and every event it returns can
 * be parsed, normalised and matched without crashing.
 *
 * Built with -fsanitize=fuzzer for libFuzzer, or with K8A_FUZZ_STANDALONE
 * as a program that replays the files named on its command line (make
 * check runs it over tests/fuzz/corpus/reader/).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "k8saudit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static k8a_expr *x;
	static k8a_prefilter *pf;
	k8a_reader *r = k8a_reader_new();
	k8a_event *ev;
	int rc, f, n = 0;

	if (x == NULL) {
		x = k8a_expr_compile("verb in (create, patch) or user ^= system: or code >= 400 or "
			"requestObject.subjects.name = system:anonymous or eventName ~ '^Assume'", NULL);
		pf = k8a_prefilter_new(k8a_expr_literals(x));
	}
	if (r == NULL)
		return 0;
	/* odd sizes exercise the prefilter path too */
	if (size & 1)
		k8a_reader_set_prefilter(r, pf);
	k8a_reader_add_memory(r, data, size, "fuzz");
	while ((rc = k8a_reader_next(r, &ev)) != K8A_EOF && n++ < 100000) {
		if (rc == K8A_FATAL)
			abort();
		if (rc != K8A_OK) {
			if (rc != K8A_WARN || k8a_reader_error(r)[0] == '\0')
				abort();
			continue;
		}
		for (f = 0; f < K8A_F_COUNT_; f++)
			(void)k8a_event_str(ev, (enum k8a_field)f);
		(void)k8a_event_time(ev);
		(void)k8a_event_where(ev);
		(void)k8a_expr_match(x, ev);
		(void)k8a_reader_seen(r, ev);
	}
	k8a_reader_free(r);
	return 0;
}

#ifdef K8A_FUZZ_STANDALONE
int
main(int argc, char **argv)
{
	int i, failed = 0;

	for (i = 1; i < argc; i++) {
		FILE *fp = fopen(argv[i], "rb");
		unsigned char *buf;
		long n;
		if (fp == NULL || fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0) {
			fprintf(stderr, "fuzz_reader: %s: cannot read\n", argv[i]);
			failed = 1;
			if (fp)
				fclose(fp);
			continue;
		}
		rewind(fp);
		buf = malloc((size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, fp) == (size_t)n)
			LLVMFuzzerTestOneInput(buf, (size_t)n);
		free(buf);
		fclose(fp);
	}
	printf("%d passed, %d failed\n", argc - 1 - failed, failed);
	return failed;
}
#endif
