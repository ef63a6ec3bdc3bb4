/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The secret type loader (lib/secret_types.c, k8saudit-secrets(5)): the
 * input is a types file.  Invariants, for any file:
 *  - loading ends, reports each problem with a "file:line" and a message,
 *    and frees all it took;
 *  - the problems counted are the problems reported;
 *  - every type loaded can be listed, and a scanner made of the set scans
 *    a few records without crashing, with well-formed hits, and never
 *    finds a secret in a record k8a_secret_may_hold() rules out.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "secret.h"

static const char records[] =
	"{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"a\",\"verb\":\"create\","
	"\"objectRef\":{\"resource\":\"pods\",\"namespace\":\"default\"},\"requestObject\":{\"spec\":{\"containers\":"
	"[{\"name\":\"app\",\"env\":[{\"name\":\"AWS_SECRET_ACCESS_KEY\",\"value\":\"wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY\"},"
	"{\"name\":\"AWS_ACCESS_KEY_ID\",\"value\":\"AKIAIOSFODNN7EXAMPLE\"},{\"name\":\"GITHUB_TOKEN\","
	"\"value\":\"ghp_R2x0ZXN0aW5nMTIzNDU2Nzg5MGFiY2RlZmdoaWo\"}],\"args\":[\"--password=hunter2hunter2\","
	"\"--token\",\"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U\"]}]}}}\n"
	"{\"eventVersion\":\"1.09\",\"eventName\":\"PutParameter\",\"eventSource\":\"ssm.amazonaws.com\","
	"\"requestParameters\":{\"name\":\"/prod/db\",\"value\":\"postgres://admin:S3cr3tPassw0rd@db.internal:5432/app\","
	"\"tags\":[{\"key\":\"slack\",\"value\":\"xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx\"}]},"
	"\"userIdentity\":{\"type\":\"IAMUser\",\"accessKeyId\":\"AKIAIOSFODNN7EXAMPLE\"}}\n";

static int reported;

static void
diag(void *arg, const char *where, const char *msg)
{
	(void)arg;
	if (where == NULL || strncmp(where, "fuzz.secrets:", 13) != 0 || msg == NULL || msg[0] == '\0')
		fuzz_fail("fuzz_types", "a problem reported as '%s: %s'", where ? where : "(null)",
			msg ? msg : "(null)");
	reported++;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	k8a_secret_set *set = k8a_secret_set_new();
	k8a_secret_scan *sc;
	k8a_reader *r;
	k8a_event *ev;
	size_t i, n;
	int problems, rc;

	if (set == NULL)
		abort();
	reported = 0;
	problems = k8a_secret_set_load_text(set, (const char *)data, size, "fuzz.secrets", diag, NULL);
	if (problems < 0)
		fuzz_fail("fuzz_types", "loading returned %d", problems);
	if (problems != reported)
		fuzz_fail("fuzz_types", "%d problems counted, %d reported", problems, reported);
	n = k8a_secret_set_count(set);
	for (i = 0; i < n; i++) {
		struct k8a_secret_type_info ti;
		if (k8a_secret_set_type(set, i, &ti) != K8A_OK || ti.id == NULL || ti.id[0] == '\0' ||
		    ti.confidence == NULL)
			fuzz_fail("fuzz_types", "type %zu cannot be listed", i);
	}
	if (n == 0) {
		k8a_secret_set_free(set);
		return 0;
	}
	if ((sc = k8a_secret_scan_new(set)) == NULL || k8a_secret_scan_set_key(sc, "fuzz", 4) != K8A_OK)
		abort();
	r = k8a_reader_new();
	k8a_reader_add_memory(r, records, sizeof(records) - 1, "records");
	while ((rc = k8a_reader_next(r, &ev)) == K8A_OK) {
		const struct k8a_secret_hit *h;
		size_t nh, k;
		int may = k8a_secret_may_hold(sc, ev);
		if (k8a_secret_scan_event(sc, ev, &h, &nh) == K8A_FATAL)
			abort();
		if (nh && !may)
			fuzz_fail("fuzz_types", "%s found in a record ruled out", h[0].type);
		for (k = 0; k < nh; k++)
			if ((h[k].pointer[0] != '\0' && h[k].pointer[0] != '/') || strlen(h[k].fingerprint) != 64 ||
			    h[k].secret[h[k].len] != '\0' || h[k].type_index >= n)
				fuzz_fail("fuzz_types", "malformed hit of %s at %s", h[k].type, h[k].pointer);
	}
	if (rc != K8A_EOF)
		abort();
	k8a_reader_free(r);
	k8a_secret_scan_free(sc);
	k8a_secret_set_free(set);
	return 0;
}
