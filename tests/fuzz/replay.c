/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * main() of a fuzz target built as a plain program (K8A_FUZZ_STANDALONE):
 * each file named on the command line is read whole and passed to
 * LLVMFuzzerTestOneInput() once; a target that finds a broken invariant
 * aborts, so tests/fuzz.sh sees the failure.
 */
#include <stdlib.h>

#include "fuzz.h"

int
main(int argc, char **argv)
{
	int i, failed = 0;

	for (i = 1; i < argc; i++) {
		FILE *fp = fopen(argv[i], "rb");
		unsigned char *buf = NULL;
		long n;
		if (fp == NULL || fseek(fp, 0, SEEK_END) != 0 || (n = ftell(fp)) < 0 ||
		    fseek(fp, 0, SEEK_SET) != 0 || (buf = malloc((size_t)n + 1)) == NULL ||
		    fread(buf, 1, (size_t)n, fp) != (size_t)n) {
			fprintf(stderr, "%s: %s: cannot read\n", argv[0], argv[i]);
			failed++;
		} else
			LLVMFuzzerTestOneInput(buf, (size_t)n);
		free(buf);
		if (fp)
			fclose(fp);
	}
	printf("%d passed, %d failed\n", argc - 1 - failed, failed);
	return failed != 0;
}
