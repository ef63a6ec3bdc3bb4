/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * --format ocsf: one OCSF 1.1.0 Detection Finding (class 2004) per
 * finding, with only attributes the 1.1.0 schema has for the class and its
 * objects (tests/ocsf.sh checks every object against them).  The address
 * of the request is evidence (evidences[].src_endpoint): 1.1.0 has no
 * top-level src_endpoint in this class; what OCSF cannot say goes in
 * unmapped.
 */
#include <stdlib.h>
#include <string.h>

#include "output.h"

static const int ocsf_sev[SEV_COUNT_] = { 1, 2, 3, 4, 5 };
static const char *const ocsf_sev_name[SEV_COUNT_] = { "Informational", "Low", "Medium", "High", "Critical" };

/* The ATT&CK id of a tactic (enterprise matrix). */
static const char *
tactic_uid(const char *name)
{
	static const struct {
		const char *name, *uid;
	} ids[] = {
		{ "Reconnaissance", "TA0043" }, { "Resource Development", "TA0042" },
		{ "Initial Access", "TA0001" }, { "Execution", "TA0002" }, { "Persistence", "TA0003" },
		{ "Privilege Escalation", "TA0004" }, { "Defense Evasion", "TA0005" },
		{ "Credential Access", "TA0006" }, { "Discovery", "TA0007" }, { "Lateral Movement", "TA0008" },
		{ "Collection", "TA0009" }, { "Exfiltration", "TA0010" }, { "Command and Control", "TA0011" },
		{ "Impact", "TA0040" },
	};
	size_t i;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if (strcmp(name, ids[i].name) == 0)
			return ids[i].uid;
	return NULL;
}

/* A technique id ("T1098", or "T1098.006" for a sub-technique) as an
 * OCSF attack object: technique and sub_technique apart, and the tactic. */
static json_t *
attack_json(const char *id)
{
	json_t *a = json_object(), *t = json_object();
	const char *dot = strchr(id, '.'), *tac = mitre_tactic(id);

	json_object_set_new(t, "uid", dot ? json_stringn(id, (size_t)(dot - id)) : json_string(id));
	json_object_set_new(a, "technique", t);
	if (dot) {
		json_t *st = json_object();
		json_object_set_new(st, "uid", json_string(id));
		json_object_set_new(a, "sub_technique", st);
	}
	if (tac) {
		json_t *ta = json_object();
		json_object_set_new(ta, "name", json_string(tac));
		out_set_str(ta, "uid", tactic_uid(tac));
		json_object_set_new(a, "tactic", ta);
	}
	json_object_set_new(a, "version", json_string("15"));
	return a;
}

static json_t *
actor_json(const struct snap *s)
{
	json_t *actor = json_object(), *user = json_object();

	out_set_str(user, "name", s->user);
	out_set_str(user, "uid", s->arn ? s->arn : s->uid);
	if (s->groups) {
		json_t *g = json_array(), *x;
		size_t k;
		json_array_foreach(s->groups, k, x) {
			json_t *go = json_object();
			json_object_set(go, "name", x);
			json_array_append_new(g, go);
		}
		json_object_set_new(user, "groups", g);
	}
	out_set_str(user, "credential_uid", s->access_key);
	json_object_set_new(actor, "user", user);
	if (s->session && *s->session) {
		json_t *sess = json_object();
		out_set_str(sess, "issuer", s->canonical_arn);
		out_set_str(sess, "uid", s->session);
		json_object_set_new(actor, "session", sess);
	}
	return actor;
}

json_t *
out_ocsf(struct out *o, const struct finding *f)
{
	const struct snap *s = f->ev;
	json_t *j = json_object(), *md = json_object(), *prod = json_object(), *fi = json_object();
	json_t *attacks = json_array(), *an = json_object(), *cloud = json_object();
	json_t *ev = json_array(), *e1 = json_object(), *types = json_array(), *um, *src;
	json_int_t ms = s->time == INT64_MIN ? 0 : (json_int_t)(s->time / 1000);
	const char *acct = out_account(o, f), *region = out_region(o, f);
	char uid[17], *title = out_title(f);
	size_t i;

	finding_id_hex(f, uid);
	json_object_set_new(j, "class_uid", json_integer(2004));
	json_object_set_new(j, "class_name", json_string("Detection Finding"));
	json_object_set_new(j, "category_uid", json_integer(2));
	json_object_set_new(j, "category_name", json_string("Findings"));
	json_object_set_new(j, "activity_id", json_integer(1));
	json_object_set_new(j, "activity_name", json_string("Create"));
	json_object_set_new(j, "type_uid", json_integer(200401));
	json_object_set_new(j, "type_name", json_string("Detection Finding: Create"));
	json_object_set_new(j, "severity_id", json_integer(ocsf_sev[f->sev]));
	json_object_set_new(j, "severity", json_string(ocsf_sev_name[f->sev]));
	json_object_set_new(j, "time", json_integer(ms));
	json_object_set_new(j, "status_id", json_integer(1));
	json_object_set_new(j, "status", json_string("New"));
	json_object_set_new(j, "message", json_string(title ? title : f->rule->title));

	json_object_set_new(md, "version", json_string("1.1.0"));
	json_object_set_new(prod, "name", json_string("k8saudit-findings"));
	json_object_set_new(prod, "vendor_name", json_string("k8saudit"));
	json_object_set_new(prod, "version", json_string(K8A_VERSION_STRING));
	json_object_set_new(md, "product", prod);
	json_object_set_new(j, "metadata", md);

	json_object_set_new(fi, "uid", json_string(uid));
	json_object_set_new(fi, "title", json_string(title ? title : f->rule->title));
	out_set_str(fi, "desc", s->what);
	if (out_guardduty(f))
		json_array_append_new(types, json_string(out_guardduty(f)));
	json_object_set_new(fi, "types", types);
	json_object_set_new(an, "uid", json_string(f->rule->id));
	json_object_set_new(an, "name", json_string(f->rule->title));
	json_object_set_new(an, "type_id", json_integer(1));
	json_object_set_new(an, "type", json_string("Rule"));
	json_object_set_new(fi, "analytic", an);
	for (i = 0; i < f->rule->mitre.n; i++)
		json_array_append_new(attacks, attack_json(f->rule->mitre.v[i]));
	json_object_set_new(fi, "attacks", attacks);
	if (s->time != INT64_MIN)
		json_object_set_new(fi, "first_seen_time", json_integer(ms));
	json_object_set_new(j, "finding_info", fi);

	json_object_set_new(cloud, "provider", json_string("AWS"));
	out_set_str(cloud, "region", region);
	if (acct) {
		json_t *a = json_object();
		json_object_set_new(a, "uid", json_string(acct));
		json_object_set_new(cloud, "account", a);
	}
	json_object_set_new(j, "cloud", cloud);
	json_object_set_new(j, "actor", actor_json(s));

	json_object_set_new(e1, "data", out_evidence(f));
	if (s->ip) {
		json_t *se = json_object();
		json_object_set_new(se, "ip", json_string(s->ip));
		json_object_set_new(e1, "src_endpoint", se);
	}
	json_array_append_new(ev, e1);
	json_object_set_new(j, "evidences", ev);

	um = json_object();
	src = json_object();
	out_set_str(src, "path", s->path);
	out_set_str(src, "member", s->member);
	json_object_set_new(src, "line", json_integer((json_int_t)s->line));
	json_object_set_new(um, "source", src);
	out_set_str(um, "event_id", s->id);
	/* behind proxies: every address, the client first (k8saudit-json(5)) */
	if (s->source_ips)
		json_object_set(um, "source_ips", s->source_ips);
	out_set_str(um, "what", s->what);
	out_set_str(um, "author", out_author(f->rule));
	json_object_set_new(j, "unmapped", um);
	free(title);
	return j;
}
