/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * k8saudit-findings --ip-list (cmd/k8saudit-findings/iplist.c): addresses
 * and CIDR blocks one a line, or Tor's exit list.  Invariants, for any
 * file:
 *  - loading ends with a list or located, escaped diagnostics, and frees
 *    all it took;
 *  - a line that is a bare address the C library reads (inet_pton) is in
 *    a list that loads: that address matches, and the entry it matches is
 *    text of the file;
 *  - matching any word of the file ends, and a match names its entry.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "findings.h"
#include "fuzz.h"

static int
is_address(const char *s)
{
	unsigned char a[16];

	return inet_pton(AF_INET, s, a) == 1 || inet_pton(AF_INET6, s, a) == 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file(data, size, ".txt");
	char *text = malloc(size + 1), *line, *next, *w, *save;
	struct iplist *l;
	int errors = 0;

	if (text == NULL)
		abort();
	fe_progname = "fuzz";
	fuzz_diag_begin();
	l = iplist_load(path, &errors);
	if (fuzz_diag_end("fuzz") == 0 && l == NULL)
		fuzz_fail("fuzz_iplist", "no list and no message");
	if (l != NULL && iplist_count(l) == 0)
		fuzz_fail("fuzz_iplist", "an empty list loaded");
	memcpy(text, data, size);
	text[size] = '\0';
	for (line = text; line != NULL; line = next) {
		const char *hit = NULL;
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if (l != NULL && is_address(line)) {
			if (iplist_match(l, line, &hit) != 1)
				fuzz_fail("fuzz_iplist", "'%s' is listed but does not match", line);
			if (hit == NULL || memmem(data, size, hit, strlen(hit)) == NULL)
				fuzz_fail("fuzz_iplist", "'%s' matched an entry not in the file", line);
		}
		for (w = strtok_r(line, " \t\r,/#", &save); w; w = strtok_r(NULL, " \t\r,/#", &save))
			if (iplist_match(l, w, &hit) == 1 && (hit == NULL || memmem(data, size, hit, strlen(hit)) == NULL))
				fuzz_fail("fuzz_iplist", "'%s' matched an entry not in the file", w);
	}
	iplist_free(l);
	free(text);
	return 0;
}
