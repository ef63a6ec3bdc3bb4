/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Invariant: any text either compiles to an expression or fails with a
 * message and an offset inside the text; compiled expressions evaluate
 * against a fixed Kubernetes event and a CloudTrail record without
 * crashing, and their prefilter literals are non-empty strings.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "k8saudit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char events[] =
	"{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"a\",\"verb\":\"create\","
	"\"user\":{\"username\":\"u\",\"groups\":[\"g\"],\"extra\":{\"accessKeyId\":[\"ASIA\"]}},"
	"\"objectRef\":{\"resource\":\"pods\"},\"responseStatus\":{\"code\":201},"
	"\"requestObject\":{\"subjects\":[{\"name\":\"x\"},{\"name\":[1,2]}]}}\n"
	"{\"eventVersion\":\"1.08\",\"eventName\":\"AssumeRole\",\"eventSource\":\"sts.amazonaws.com\","
	"\"userIdentity\":{\"type\":\"IAMUser\",\"userName\":\"bob\"},\"eventTime\":\"2024-01-01T00:00:00Z\"}\n";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	struct k8a_err err;
	k8a_expr *x;
	const char *const *lit;
	k8a_reader *r;
	k8a_event *ev;

	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	x = k8a_expr_compile(text, &err);
	if (x == NULL) {
		if (err.msg[0] == '\0' || err.offset > strlen(text))
			abort();
		free(text);
		return 0;
	}
	for (lit = k8a_expr_literals(x); lit && *lit; lit++)
		if (**lit == '\0')
			abort();
	r = k8a_reader_new();
	k8a_reader_add_memory(r, events, sizeof(events) - 1, "events");
	while (k8a_reader_next(r, &ev) == K8A_OK)
		(void)k8a_expr_match(x, ev);
	k8a_reader_free(r);
	k8a_expr_free(x);
	free(text);
	return 0;
}

#ifdef K8A_FUZZ_STANDALONE
int
main(int argc, char **argv)
{
	int i, failed = 0;

	for (i = 1; i < argc; i++) {
		FILE *fp = fopen(argv[i], "rb");
		char buf[65536];
		size_t n;
		if (fp == NULL) {
			fprintf(stderr, "fuzz_expr: %s: cannot read\n", argv[i]);
			failed = 1;
			continue;
		}
		n = fread(buf, 1, sizeof(buf), fp);
		fclose(fp);
		LLVMFuzzerTestOneInput((const uint8_t *)buf, n);
	}
	printf("%d passed, %d failed\n", argc - 1 - failed, failed);
	return failed;
}
#endif
