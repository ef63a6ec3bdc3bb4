/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Second-signal grading (issue 13): what a rule sees alone — a generic
 * user agent, a system principal from a public address, a privileged
 * daemon made by its controller — is routine in a cluster most of the time
 * and is reported at the rule's `alone` severity unless a second signal
 * says otherwise: anonymity, an address outside the cluster's own (learned
 * from its nodes' traffic, context.c; AWS's own for EKS and nodes with
 * --aws-ip-ranges), an attack tool's user agent, or a principal first seen
 * after the input's first hour.  Done after the pass, when what the input
 * teaches is known; the finding's evidence says which signal held, or why
 * the grade was lowered.
 */
#include <stdlib.h>
#include <string.h>

#include "findings.h"

/* User agents of attack and offensive-audit tools (a generic client such
 * as curl or Go-http-client is not one). */
static const char *const attack_tools[] = {
	"kali", "Kali", "peirates", "kube-hunter", "kubeletctl", "kdigger", "botb", "cdk/", "nmap", "Nmap",
	"masscan", "zgrab", "sqlmap", "nuclei", "Metasploit", "metasploit", "Pacu", "pacu", "kubesploit",
	"kubiscan", "KubiScan", "Amass", NULL,
};

static int
anonymous(const struct snap *s)
{
	json_t *g;
	size_t i;

	if (s->user && (strcmp(s->user, "system:anonymous") == 0))
		return 1;
	json_array_foreach(s->groups, i, g)
		if (json_string_value(g) && strcmp(json_string_value(g), "system:unauthenticated") == 0)
			return 1;
	return 0;
}

static const char *
attack_tool(const char *ua)
{
	size_t i;

	for (i = 0; ua && attack_tools[i]; i++)
		if (strstr(ua, attack_tools[i]))
			return attack_tools[i];
	return NULL;
}

/* EKS's control plane and the nodes run on AWS's addresses. */
static int
aws_principal(const char *u)
{
	return u && (strncmp(u, "eks:", 4) == 0 || strncmp(u, "system:node:", 12) == 0);
}

/* The second signal the finding's record carries, written into sig; 0 when
 * there is none (why not, in why). */
static int
second_signal(const struct context *c, const struct snap *s, char *sig, size_t sigsz, char *why, size_t whysz)
{
	const char *tool = attack_tool(s->ua), *hit = NULL;
	char ranges[512];
	int64_t first;

	if (anonymous(s)) {
		snprintf(sig, sigsz, "anonymous request");
		return 1;
	}
	if (tool) {
		snprintf(sig, sigsz, "attack tool user agent (%s)", tool);
		return 1;
	}
	if (s->source != K8A_SRC_K8S) {
		snprintf(why, whysz, "not anonymous, no attack tool's user agent");
		return 0;
	}
	context_ranges(c, ranges, sizeof(ranges));
	if (s->peer && iplist_count(c->cluster) == 0) {
		snprintf(sig, sigsz, "the cluster's own addresses are unknown (no node or control-plane traffic "
			"in the input)");
		return 1;
	}
	if (s->peer && !context_in_cluster(c, s->peer) &&
	    !(c->aws && aws_principal(s->user) && iplist_match(c->aws, s->peer, &hit))) {
		snprintf(sig, sigsz, "address %s outside the cluster's (learned from node and control-plane "
			"traffic: %s)", s->peer, ranges);
		return 1;
	}
	first = context_first_seen(c, s->user);
	if (first == INT64_MIN || context_history(c, K8A_SRC_K8S, first)) {
		char t[64] = "?", t0[64] = "?";
		int64_t start = context_start(c, K8A_SRC_K8S);
		if (first != INT64_MIN)
			k8a_time_format(first, t);
		if (start != INT64_MAX)
			k8a_time_format(start, t0);
		snprintf(sig, sigsz, "principal first seen at %s, %lld minutes after the input's first Kubernetes "
			"record (%s)", t, first == INT64_MIN || start == INT64_MAX ? -1LL :
			(long long)((first - start) / (60 * INT64_C(1000000))), t0);
		return 1;
	}
	if (hit)
		snprintf(why, whysz, "address %s is AWS's (%s); not anonymous, no attack tool's user agent, "
			"principal seen in the input's first hour", s->peer, hit);
	else
		snprintf(why, whysz, "address %s%s the cluster's (learned from node and control-plane traffic: %s); "
			"not anonymous, no attack tool's user agent, principal seen in the input's first hour",
			s->peer ? s->peer : "", s->peer ? " is" : "none, so within", ranges);
	return 0;
}

static int
routine_record(const struct snap *s, const struct rule *r)
{
	json_t *v;
	size_t i;

	json_array_foreach(s->routine, i, v)
		if (strcmp(json_string_value(v), r->id) == 0)
			return 1;
	return 0;
}

void
grade_findings(struct findings *fs, const struct context *c)
{
	char sig[1024], why[1024], text[1200];
	size_t i;

	for (i = 0; i < fs->n; i++) {
		struct finding *f = &fs->f[i];
		const struct rule *r = f->rule;
		if (r->alone < 0 || (int)f->sev <= r->alone || (r->routine && !routine_record(f->ev, r)) ||
		    corr_grades_itself(r))
			continue;
		sig[0] = why[0] = '\0';
		if (f->evidence == NULL && (f->evidence = json_object()) == NULL)
			continue;
		if (second_signal(c, f->ev, sig, sizeof(sig), why, sizeof(why))) {
			json_object_set_new(f->evidence, "second_signal", json_string(sig));
			continue;
		}
		snprintf(text, sizeof(text), "%s, not %s: %s%s", sev_names[r->alone], sev_names[f->sev],
			r->routine ? "routine and " : "", "no second signal");
		json_object_set_new(f->evidence, "graded", json_string(text));
		json_object_set_new(f->evidence, "why", json_string(why));
		f->sev = (enum sev)r->alone;
	}
}
