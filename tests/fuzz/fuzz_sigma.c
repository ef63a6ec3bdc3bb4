/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Invariant: any text loads as Sigma rules or is reported (a message, a
 * line inside the text); each rule loaded has a title and an id or name,
 * a detection rule an expression for Kubernetes or CloudTrail records,
 * and that expression judges a fixed audit event and CloudTrail record
 * without crashing, exactly as its copy (k8a_sigma_detection) does, and
 * never matches a record the skim said it cannot match.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "k8saudit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char events[] =
	"{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"a\",\"verb\":\"create\","
	"\"user\":{\"username\":\"System:U\",\"groups\":[\"g\",\"system:masters\"]},\"sourceIPs\":[\"10.1.2.3\"],"
	"\"objectRef\":{\"resource\":\"pods\",\"subresource\":\"exec\"},\"responseStatus\":{\"code\":201},"
	"\"requestURI\":\"/api/v1/namespaces/x/pods/p/exec?command=sh\","
	"\"requestObject\":{\"subjects\":[{\"name\":\"x\"},{\"name\":[1,2]}],\"data\":\"Y3VybCBodHRw\"}}\n"
	"{\"eventVersion\":\"1.08\",\"eventName\":\"AssumeRole\",\"eventSource\":\"sts.amazonaws.com\","
	"\"sourceIPAddress\":\"fd00::1\",\"userIdentity\":{\"type\":\"IAMUser\",\"userName\":\"bob\"},"
	"\"requestParameters\":{\"userName\":\"bob\"},\"eventTime\":\"2024-01-01T00:00:00Z\"}\n";

static size_t lines;

static void
problem(void *arg, enum k8a_sigma_problem what, unsigned line, const char *msg)
{
	(void)what;
	if (msg == NULL || msg[0] == '\0' || line > lines + 1 || arg != &lines)
		abort();
}

static void
rule(void *arg, k8a_sigma_rule *r)
{
	k8a_reader *rd;
	k8a_event *ev;
	k8a_expr *copy;

	if (arg != &lines || r->title == NULL || (r->id == NULL && r->name == NULL))
		abort();
	if (r->corr != NULL) {
		if (r->corr->nrules == 0 || r->corr->timespan <= 0)
			abort();
		k8a_sigma_rule_free(r);
		return;
	}
	if (r->when == NULL || (r->source != K8A_SRC_K8S && r->source != K8A_SRC_CLOUDTRAIL))
		abort();
	copy = k8a_sigma_detection(r);
	rd = k8a_reader_new();
	k8a_reader_add_memory(rd, events, sizeof(events) - 1, "events");
	while (k8a_reader_next(rd, &ev) == K8A_OK) {
		int may = k8a_expr_may_match(r->when, ev);
		int m = k8a_expr_match(r->when, ev);
		if (m == 1 && !may)
			abort(); /* the skim ruled out a match */
		if (copy != NULL && k8a_expr_match(copy, ev) != m)
			abort();
	}
	k8a_reader_free(rd);
	k8a_expr_free(copy);
	k8a_sigma_rule_free(r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t i;

	lines = 0;
	for (i = 0; i < size; i++)
		if (data[i] == '\n' || data[i] == '\r')
			lines++;
	(void)k8a_sigma_load_mem((const char *)data, size, rule, problem, &lines);
	return 0;
}

#ifdef K8A_FUZZ_STANDALONE
int
main(int argc, char **argv)
{
	int i, failed = 0;

	for (i = 1; i < argc; i++) {
		FILE *fp = fopen(argv[i], "rb");
		static char buf[65536];
		size_t n;
		if (fp == NULL) {
			fprintf(stderr, "fuzz_sigma: %s: cannot read\n", argv[i]);
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
