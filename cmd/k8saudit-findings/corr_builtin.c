/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Detections of one record that need C: GuardDuty's tactic buckets of
 * anonymous and listed-address requests, addresses from threat lists,
 * system principals from public addresses, service accounts acting across
 * namespaces, credentials in ConfigMaps.
 */
#include <stdlib.h>
#include <string.h>

#include "corr.h"

/* ---- GuardDuty tactic buckets (k8s-detections.md 2.2) ---- */
const char *
gd_bucket(k8a_event *ev)
{
	const char *verb = k8a_event_str(ev, K8A_F_VERB), *res = k8a_event_str(ev, K8A_F_RESOURCE);
	const char *sub = k8a_event_str(ev, K8A_F_SUBRESOURCE), *name = k8a_event_str(ev, K8A_F_NAME);
	int read, write;

	if (verb == NULL)
		return "Discovery";
	read = streq(verb, "get") || streq(verb, "list") || streq(verb, "watch");
	write = streq(verb, "create") || streq(verb, "update") || streq(verb, "patch");
	if (streq(verb, "delete") || streq(verb, "deletecollection")) {
		if (streq(res, "events") || streq(res, "networkpolicies") ||
		    streq(res, "mutatingwebhookconfigurations") || streq(res, "validatingwebhookconfigurations"))
			return "DefenseEvasion";
		return "Impact";
	}
	if (res == NULL)
		return "Discovery"; /* non-resource requests: /api, /apis, /openapi */
	if (streq(res, "secrets") && read)
		return "CredentialAccess";
	if (streq(res, "serviceaccounts") && streq(sub, "token"))
		return "CredentialAccess";
	if (streq(res, "certificatesigningrequests") && write)
		return "CredentialAccess";
	if (streq(res, "configmaps") && read && name && (strstr(name, "auth") || strstr(name, "cred")))
		return "CredentialAccess";
	if (streq(res, "pods") && (streq(sub, "exec") || streq(sub, "attach"))) {
		char cmd[4096];
		int nargs = k8a_exec_command(k8a_event_str(ev, K8A_F_URI), cmd, sizeof(cmd));
		if (nargs == K8A_FATAL)
			fe_nomem_note(); /* the run ends: no tactic is trusted */
		if (nargs > 0 &&
		    (strstr(cmd, "/var/run/secrets") || strstr(cmd, ".aws") || strstr(cmd, ".kube") ||
		     strstr(cmd, "169.254.169.254") || strstr(cmd, "/etc/shadow")))
			return "CredentialAccess";
		return "Persistence";
	}
	if (strstr(res, "selfsubject") || strstr(res, "accessreviews") || strstr(res, "tokenreviews"))
		return "Discovery";
	if (write && (strstr(res, "webhookconfigurations") || streq(res, "networkpolicies")))
		return "DefenseEvasion";
	if (k8a_event_str(ev, K8A_F_IMPERSONATED))
		return "DefenseEvasion";
	if (write && (streq(sub, "scale") ||
		      json_integer_value(k8a_json_path(k8a_event_json(ev), "requestObject.spec.replicas")) < 0 ||
		      (json_is_integer(k8a_json_path(k8a_event_json(ev), "requestObject.spec.replicas")) &&
		       json_integer_value(k8a_json_path(k8a_event_json(ev), "requestObject.spec.replicas")) == 0)))
		return "Impact";
	/* The GuardDuty tester's ground truth: creating a service account is
	 * Impact, creating a token Secret is Discovery. */
	if (streq(res, "serviceaccounts") && streq(verb, "create"))
		return "Impact";
	if (streq(res, "secrets") && streq(verb, "create"))
		return "Discovery";
	if (write)
		return "Persistence";
	return "Discovery";
}

enum sev
bucket_sev(const char *bucket, int anonymous)
{
	if (streq(bucket, "Discovery"))
		return SEV_MEDIUM;
	if (streq(bucket, "Persistence"))
		return anonymous ? SEV_HIGH : SEV_MEDIUM;
	return SEV_HIGH;
}

/* Does the raw record carry a public address in sourceIPs? */
int
raw_public_source(const char *raw, size_t n)
{
	const char *p = memmem(raw, n, "\"sourceIPs\"", 11), *end = raw + n;

	if (p == NULL)
		return 0;
	for (p += 11; p < end && *p != '['; p++)
		if (*p != ':' && *p != ' ' && *p != '\t' && *p != '\n' && *p != '\r')
			return 0;
	for (; p < end && *p != ']'; p++) {
		const char *q;
		if (*p != '"')
			continue;
		for (q = p + 1; q < end && *q != '"'; q++)
			;
		if (q >= end)
			return 0;
		if (public_ip(p + 1, (size_t)(q - p - 1)))
			return 1;
		p = q;
	}
	return 0;
}

/* ---- per-kind feeding ---- */

void
feed_anon(struct rule *r, struct corr_ctx *cx, const struct cdef *d, k8a_event *ev, struct snap *s)
{
	const char *b = gd_bucket(ev);
	char gd[128];
	json_t *e = evidence_collect(r, ev);

	snprintf(gd, sizeof(gd), "%s:Kubernetes/SuccessfulAnonymousAccess", b);
	json_object_set_new(e, "tactic_bucket", json_string(b));
	/* the catalog grades it high, critical beyond discovery */
	findings_add(cx->out, r, s, streq(b, "Discovery") ? SEV_HIGH : SEV_CRITICAL, gd, NULL, e);
}

static void
feed_ip_or_tor(struct rule *r, struct corr_ctx *cx, k8a_event *ev, struct snap *s, int tor)
{
	const struct iplist *l = tor ? cx->tor : cx->iplist;
	json_t *root = k8a_event_json(ev), *ips, *x;
	const char *hit = NULL, *matched = NULL, *b;
	size_t i, n = 0, pos = 0;
	char gd[128];
	json_t *e;
	int anon;

	if (k8a_event_source(ev) == K8A_SRC_K8S) {
		ips = json_object_get(root, "sourceIPs");
		n = json_array_size(ips);
		json_array_foreach(ips, i, x)
			if (iplist_match(l, json_string_value(x), &hit)) {
				matched = json_string_value(x);
				pos = i;
				break;
			}
	} else if (iplist_match(l, k8a_event_str(ev, K8A_F_SOURCE_IP), &hit)) {
		matched = k8a_event_str(ev, K8A_F_SOURCE_IP);
		n = 1;
	}
	if (matched == NULL)
		return;
	anon = is_anonymous(ev);
	/* GuardDuty: MaliciousIPCaller is not raised for unauthenticated
	 * callers (SuccessfulAnonymousAccess covers them). */
	if (!tor && anon)
		return;
	e = evidence_collect(r, ev);
	if (k8a_event_source(ev) != K8A_SRC_K8S) {
		/* CloudTrail: the rule names the GuardDuty type */
		json_object_set_new(e, "matched_ip", json_string(matched));
		json_object_set_new(e, "list_entry", json_string(hit));
		json_object_set_new(e, "list", json_string(tor ? cx->tor_name : cx->iplist_name));
		findings_add(cx->out, r, s, r->sev, NULL, NULL, e);
		return;
	}
	b = gd_bucket(ev);
	snprintf(gd, sizeof(gd), "%s:Kubernetes/%s", b, tor ? "TorIPCaller" : "MaliciousIPCaller.Custom");
	json_object_set_new(e, "matched_ip", json_string(matched));
	json_object_set_new(e, "list_entry", json_string(hit));
	json_object_set_new(e, "list", json_string(tor ? cx->tor_name : cx->iplist_name));
	json_object_set_new(e, "tactic_bucket", json_string(b));
	if (n > 1 && pos + 1 < n)
		json_object_set_new(e, "note", json_string("matched a client-supplied X-Forwarded-For/X-Real-Ip entry, not the connection peer"));
	findings_add(cx->out, r, s, bucket_sev(b, 0), gd, NULL, e);
}

void
feed_ip(struct rule *r, struct corr_ctx *cx, const struct cdef *d, k8a_event *ev, struct snap *s)
{
	feed_ip_or_tor(r, cx, ev, s, 0);
}

void
feed_tor(struct rule *r, struct corr_ctx *cx, const struct cdef *d, k8a_event *ev, struct snap *s)
{
	feed_ip_or_tor(r, cx, ev, s, 1);
}

/* System principals from public addresses: `when` and the raw check
 * (corr_raw_check) decide; the record is a finding. */
void
feed_syspub(struct rule *r, struct corr_ctx *cx, const struct cdef *d, k8a_event *ev, struct snap *s)
{
	findings_add(cx->out, r, s, r->sev, NULL, NULL, evidence_collect(r, ev));
}

/* A service account of namespace A acting on namespace B. */
void
feed_xns(struct rule *r, struct corr_ctx *cx, const struct cdef *d, k8a_event *ev, struct snap *s)
{
	const char *u = k8a_event_str(ev, K8A_F_USER), *ns = k8a_event_str(ev, K8A_F_NAMESPACE);
	json_t *e;
	size_t l;

	if (u == NULL || ns == NULL || strncmp(u, "system:serviceaccount:", 22) != 0)
		return;
	u += 22;
	l = strcspn(u, ":");
	if (l == strlen(ns) && memcmp(u, ns, l) == 0)
		return;
	e = evidence_collect(r, ev);
	json_object_set_new(e, "requester_namespace", json_stringn(u, l));
	json_object_set_new(e, "target_namespace", json_string(ns));
	findings_add(cx->out, r, s, r->sev, NULL, NULL, e);
}

/* Falco's credential words, case-insensitive, in ConfigMap data keys and values. */
void
feed_cmcreds(struct rule *r, struct corr_ctx *cx, const struct cdef *d, k8a_event *ev, struct snap *s)
{
	static const char *const words[] = { "aws_access_key_id", "aws-access-key-id", "aws_s3_access_key_id",
		"aws-s3-access-key-id", "password", "passphrase", NULL };
	json_t *data = k8a_json_path(k8a_event_json(ev), "requestObject.data"), *v, *hits, *e;
	const char *k;
	size_t i;

	if (!json_is_object(data) || (hits = json_array()) == NULL)
		return;
	json_object_foreach(data, k, v) {
		const char *val = json_string_value(v);
		for (i = 0; words[i]; i++)
			if (strcasestr(k, words[i]) || (val && strcasestr(val, words[i]))) {
				json_array_append_new(hits, json_string(k));
				break;
			}
	}
	if (json_array_size(hits) == 0) {
		json_decref(hits);
		return;
	}
	e = evidence_collect(r, ev);
	json_object_set_new(e, "keys_with_credentials", hits);
	findings_add(cx->out, r, s, r->sev, NULL, NULL, e);
}
