/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Invariant: the quick scan never rules out a record that matches.  For
 * any input, read as records, every expression of a fixed set that
 * k8a_expr_match() says matches must be allowed by k8a_expr_may_match()
 * and be among k8a_exprset_candidates(); and the scan must not crash on
 * any text.  The expressions cover what the scan reads (members, member
 * objects, arrays, numbers, escapes) and paths it follows through bodies.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "k8saudit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *const texts[] = {
	"verb=create", "resource=secrets", "objectRef.resource=secrets", "namespace=kube-system",
	"user=system:anonymous", "user.username ^= \"system:\"", "code=403", "code<300",
	"responseStatus.code>=400", "ip=203.0.113.5", "peer=10.0.0.1", "groups=system:masters",
	"decision=forbid", "reason *= impersonate", "impersonatedUser exists", "as ^= \"system:\"",
	"user.extra.\"authentication.kubernetes.io/credential-id\" exists",
	"requestObject.spec.containers.securityContext.privileged=true",
	"requestObject.spec.containers.image ~ '(?i)xmrig'", "requestObject.subjects.name=x",
	"requestObject.subjects[1].name=2", "requestObject exists", "responseStatus.message *= cannot",
	"eventName=AssumeRole", "action=ConsoleLogin and userIdentity.type=Root", "errorCode exists",
	"service=iam.amazonaws.com", "region=us-east-1", "requestParameters.userName exists",
	"not verb exists", "verb != get and resource in (pods, secrets)", "ua ~ '^curl'",
	"user ^= \"system:\" or name $= \"-x\"", "type=k8s and subresource=exec", "namespace=\"\"",
	"uri ^= /api/v1/", "stage=ResponseComplete and not user ^= \"eks:\"", "id exists",
	"sourceIPs=203.0.113.5", "user.groups exists", "annotations.\"authorization.k8s.io/decision\"=allow",
};
#define NX (sizeof(texts) / sizeof(texts[0]))

static k8a_expr *xs[NX];
static k8a_exprset *set;

static void
setup(void)
{
	size_t i;

	if (set)
		return;
	set = k8a_exprset_new();
	for (i = 0; i < NX; i++) {
		struct k8a_err err;
		if ((xs[i] = k8a_expr_compile(texts[i], &err)) == NULL) {
			fprintf(stderr, "fuzz_skim: %s: %s\n", texts[i], err.msg);
			abort();
		}
		/* both sources: the set must not hide a match of either */
		if (k8a_exprset_add(set, xs[i], K8A_SRC_K8S, k8a_expr_literals(xs[i])) != (int)(2 * i) ||
		    k8a_exprset_add(set, xs[i], K8A_SRC_CLOUDTRAIL, k8a_expr_literals(xs[i])) != (int)(2 * i + 1))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	k8a_reader *r;
	k8a_event *ev;
	int rc;

	setup();
	r = k8a_reader_new();
	k8a_reader_add_memory(r, data, size, "input");
	while ((rc = k8a_reader_next(r, &ev)) != K8A_EOF && rc != K8A_FATAL) {
		const size_t *cand;
		size_t n, i, j;
		if (rc != K8A_OK)
			continue;
		/* ask the scan first, as the tools do, then parse */
		if ((cand = k8a_exprset_candidates(set, ev, &n)) == NULL)
			abort();
		for (i = 0; i < NX; i++) {
			int may = k8a_expr_may_match(xs[i], ev);
			if (k8a_expr_match(xs[i], ev) != 1)
				continue;
			if (!may) {
				fprintf(stderr, "fuzz_skim: '%s' matches, but the scan ruled it out\n", texts[i]);
				abort();
			}
			for (j = 0; j < n && cand[j] != 2 * i + (k8a_event_source(ev) == K8A_SRC_CLOUDTRAIL); j++)
				;
			if (j == n) {
				fprintf(stderr, "fuzz_skim: '%s' matches, but is not a candidate\n", texts[i]);
				abort();
			}
		}
	}
	k8a_reader_free(r);
	return 0;
}

#ifdef K8A_FUZZ_STANDALONE
int
main(int argc, char **argv)
{
	int i, failed = 0;
	size_t k;

	for (i = 1; i < argc; i++) {
		FILE *fp = fopen(argv[i], "rb");
		static char buf[1 << 20];
		size_t n;
		if (fp == NULL) {
			fprintf(stderr, "fuzz_skim: %s: cannot read\n", argv[i]);
			failed = 1;
			continue;
		}
		n = fread(buf, 1, sizeof(buf), fp);
		fclose(fp);
		LLVMFuzzerTestOneInput((const uint8_t *)buf, n);
	}
	for (k = 0; k < NX; k++)
		k8a_expr_free(xs[k]);
	k8a_exprset_free(set);
	printf("%d passed, %d failed\n", argc - 1 - failed, failed);
	return failed;
}
#endif
