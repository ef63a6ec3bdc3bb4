/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The rule file parser of k8saudit-findings (cmd/k8saudit-findings/rules.c,
 * k8saudit-rules(5)).  Invariants, for any file:
 *  - loading ends, with every problem a located, escaped diagnostic, and
 *    frees all it took;
 *  - a rule that loads has an id, a title, an expression and a source;
 *  - the literals a rule's records must hold (given by hand or taken from
 *    `when`) are never absent from a record the rule matches: the
 *    prefilter built from them would otherwise skip a finding.  Checked
 *    on a few records of both sources.
 */
#include <stdlib.h>
#include <string.h>

#include "findings.h"
#include "fuzz.h"

static const char records[] =
	"{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"RequestResponse\",\"auditID\":\"a1\","
	"\"stage\":\"ResponseComplete\",\"requestURI\":\"/api/v1/secrets?limit=500\",\"verb\":\"list\","
	"\"user\":{\"username\":\"system:anonymous\",\"groups\":[\"system:unauthenticated\"]},"
	"\"sourceIPs\":[\"203.0.113.5\"],\"userAgent\":\"curl/8.1\",\"objectRef\":{\"resource\":\"secrets\","
	"\"apiVersion\":\"v1\"},\"responseStatus\":{\"code\":200},"
	"\"requestReceivedTimestamp\":\"2024-03-01T10:00:00.000000Z\"}\n"
	"{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"Request\",\"auditID\":\"a2\","
	"\"stage\":\"ResponseComplete\",\"requestURI\":\"/api/v1/namespaces/default/pods/web/exec?command=sh\","
	"\"verb\":\"create\",\"user\":{\"username\":\"kubernetes-admin\",\"groups\":[\"system:masters\"]},"
	"\"impersonatedUser\":{\"username\":\"system:admin\"},\"sourceIPs\":[\"10.0.0.7\"],"
	"\"objectRef\":{\"resource\":\"pods\",\"namespace\":\"default\",\"name\":\"web\",\"subresource\":\"exec\"},"
	"\"responseStatus\":{\"code\":101},\"requestObject\":{\"spec\":{\"containers\":[{\"image\":\"xmrig\","
	"\"securityContext\":{\"privileged\":true}}]}}}\n"
	"{\"eventVersion\":\"1.09\",\"userIdentity\":{\"type\":\"Root\",\"arn\":\"arn:aws:iam::123456789012:root\"},"
	"\"eventTime\":\"2024-03-01T10:00:00Z\",\"eventSource\":\"signin.amazonaws.com\",\"eventName\":\"ConsoleLogin\","
	"\"awsRegion\":\"us-east-1\",\"sourceIPAddress\":\"198.51.100.9\",\"errorCode\":\"Failed\","
	"\"responseElements\":{\"ConsoleLogin\":\"Failure\"},\"eventID\":\"e1\"}\n"
	"{\"eventVersion\":\"1.09\",\"userIdentity\":{\"type\":\"IAMUser\",\"userName\":\"bob\"},"
	"\"eventTime\":\"2024-03-01T10:00:00Z\",\"eventSource\":\"iam.amazonaws.com\",\"eventName\":\"CreateAccessKey\","
	"\"requestParameters\":{\"userName\":\"alice\"},\"eventID\":\"e2\"}\n";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ruleset rs;
	const char *path = fuzz_file(data, size, ".rules");
	k8a_reader *r;
	k8a_event *ev;
	size_t i;

	memset(&rs, 0, sizeof(rs));
	fe_progname = "fuzz";
	fuzz_diag_begin();
	rules_load_path(&rs, path);
	fuzz_diag_end("fuzz");
	if (fe_nomem())
		abort();
	for (i = 0; i < rs.n; i++) {
		const struct rule *ru = rs.r[i];
		if (ru->id == NULL || ru->title == NULL || ru->when == NULL || !ru->enabled)
			fuzz_fail("fuzz_rules", "rule %zu loaded incomplete", i);
	}
	r = k8a_reader_new();
	k8a_reader_add_memory(r, records, sizeof(records) - 1, "records");
	while (k8a_reader_next(r, &ev) == K8A_OK) {
		const char *raw;
		size_t rawlen;
		raw = k8a_event_raw(ev, &rawlen);
		for (i = 0; i < rs.n; i++) {
			const struct rule *ru = rs.r[i];
			const char *const *lit = rule_literals(ru);
			if (lit == NULL || k8a_expr_match(ru->when, ev) != 1)
				continue;
			for (; *lit; lit++)
				if (memmem(raw, rawlen, *lit, strlen(*lit)) != NULL)
					break;
			if (*lit == NULL)
				fuzz_fail("fuzz_rules", "rule %s matches a record that holds none of its literals: %.200s",
					ru->id, raw);
		}
	}
	k8a_reader_free(r);
	rules_free(&rs);
	return 0;
}
