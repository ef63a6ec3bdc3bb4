/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * secret-scan's --baseline and --allow files (cmd/secret-scan/lists.c).
 * The input is read as both.  Invariants, for any file:
 *  - loading ends, with every problem a located, escaped diagnostic, and
 *    frees all it took;
 *  - a baseline line that is a fingerprint (16 to 64 hex digits, then
 *    white space or the end) is a prefix that every fingerprint it starts
 *    is found by;
 *  - an allow list, good or bad, leaves a set that still answers.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "scan.h"

static void
check_baseline(const struct baseline *b, const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *e = p + size;

	while (p < e) {
		const char *nl = memchr(p, '\n', (size_t)(e - p)), *s = p;
		const char *end = nl ? nl : e;
		size_t n = 0, k;
		char fp[65];
		while (s < end && (*s == ' ' || *s == '\t'))
			s++;
		while (s + n < end && isxdigit((unsigned char)s[n]))
			n++;
		if (n >= 16 && n <= 64 && (s + n == end || isspace((unsigned char)s[n])) &&
		    memchr(p, '\0', (size_t)(end - p)) == NULL) {
			const char *pad = "0f";
			for (; *pad; pad++) {
				for (k = 0; k < 64; k++)
					fp[k] = (char)(k < n ? tolower((unsigned char)s[k]) : *pad);
				fp[64] = '\0';
				if (!baseline_has(b, fp))
					fuzz_fail("fuzz_lists", "%.*s is in the baseline, but %s is not found", (int)n, s,
						fp);
			}
		}
		p = nl ? nl + 1 : e;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file(data, size, ".txt");
	struct baseline *b;
	k8a_secret_set *set;
	int errors = 0;

	fe_progname = "fuzz";
	fuzz_diag_begin();
	b = baseline_load(path, &errors);
	fuzz_diag_end("fuzz");
	if (b == NULL)
		fuzz_fail("fuzz_lists", "a readable baseline did not load");
	check_baseline(b, data, size);
	(void)baseline_has(b, "");
	baseline_free(b);

	if ((set = k8a_secret_set_new()) == NULL)
		abort();
	fuzz_diag_begin();
	(void)allow_load(set, path, NULL);
	fuzz_diag_end("fuzz");
	(void)k8a_secret_allowed_path(set, "AWSLogs/123456789012/CloudTrail/us-east-1/2024/03/01/x.json.gz");
	(void)k8a_secret_allowed_path(set, "");
	k8a_secret_set_free(set);
	return 0;
}
