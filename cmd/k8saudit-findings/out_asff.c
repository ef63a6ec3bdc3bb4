/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * --format asff: AWS Security Finding Format 2018-10-08, one finding per
 * line.  A finding is reported in the account and region of its record;
 * Kubernetes records have neither, and take --aws-account and --region
 * (a stand-in that Security Hub would not take is written, and said,
 * when they are not given).  --cluster makes the EKS cluster a resource
 * and names it in the ids of Kubernetes objects.
 */
#include <stdlib.h>
#include <string.h>

#include "output.h"

static const char *const asff_sev[SEV_COUNT_] = { "INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL" };

static const char *
asff_type(const char *tactic)
{
	static const struct {
		const char *tactic, *type;
	} map[] = {
		{ "Initial Access", "TTPs/Initial Access" }, { "Execution", "TTPs/Execution" },
		{ "Persistence", "TTPs/Persistence" }, { "Privilege Escalation", "TTPs/Privilege Escalation" },
		{ "Defense Evasion", "TTPs/Defense Evasion" }, { "Credential Access", "TTPs/Credential Access" },
		{ "Discovery", "TTPs/Discovery" }, { "Reconnaissance", "TTPs/Discovery" },
		{ "Lateral Movement", "TTPs/Lateral Movement" }, { "Collection", "TTPs/Collection" },
		{ "Command and Control", "TTPs/Command and Control" },
		{ "Exfiltration", "Effects/Data Exfiltration" }, { "Impact", "Effects/Data Destruction" },
	};
	size_t i;

	for (i = 0; tactic && i < sizeof(map) / sizeof(map[0]); i++)
		if (strcmp(tactic, map[i].tactic) == 0)
			return map[i].type;
	return "Unusual Behaviors/User";
}

static json_t *
resource(const char *type, const char *id, const char *region)
{
	json_t *r = json_object();

	json_object_set_new(r, "Type", json_string(type));
	/* ASFF caps a resource id at 512 characters */
	json_object_set_new(r, "Id", out_str_max(id, 512));
	out_set_str(r, "Region", region);
	return r;
}

/* What the finding is about: for a Kubernetes request the cluster (with
 * --cluster) and the object; for CloudTrail the access key, else the
 * principal. */
static json_t *
resources(const struct out *o, const struct finding *f, const char *acct, const char *region)
{
	const struct snap *s = f->ev;
	json_t *res = json_array();
	char id[4096];

	if (s->source == K8A_SRC_K8S) {
		if (o->cluster) {
			/* the cluster's account: --aws-account, else the actor's */
			snprintf(id, sizeof(id), "arn:aws:eks:%s:%s:cluster/%s", region, o->account ? o->account : acct,
				o->cluster);
			json_array_append_new(res, resource("AwsEksCluster", id, region));
			snprintf(id, sizeof(id), "kubernetes/%s/%s/%s/%s", o->cluster, s->resource ? s->resource : "-",
				s->ns ? s->ns : "-", s->name ? s->name : "-");
		} else
			snprintf(id, sizeof(id), "kubernetes/%s/%s/%s", s->resource ? s->resource : "-",
				s->ns ? s->ns : "-", s->name ? s->name : "-");
		json_array_append_new(res, resource("Other", id, region));
	} else if (s->access_key)
		json_array_append_new(res, resource("AwsIamAccessKey", s->access_key, s->region));
	else
		json_array_append_new(res, resource("Other", s->arn ? s->arn : s->user ? s->user : "unknown", s->region));
	return res;
}

/* ASFF caps a product field's value at 2048 characters. */
static void
pf_set(json_t *pf, const char *k, const char *v)
{
	if (v && *v)
		json_object_set_new(pf, k, out_str_max(v, 2048));
}

json_t *
out_asff(struct out *o, const struct finding *f)
{
	const struct snap *s = f->ev;
	json_t *j = json_object(), *types = json_array(), *sev = json_object(), *pf = json_object();
	const char *acct = out_account(o, f), *region = out_region(o, f);
	char uid[17], arn[512], when[64], *title = out_title(f), *d = NULL;
	size_t i;

	if (acct == NULL) {
		acct = "000000000000";
		o->no_account++;
	}
	if (region == NULL) {
		region = "us-east-1";
		o->no_region++;
	}
	finding_id_hex(f, uid);
	snprintf(arn, sizeof(arn), "arn:aws:securityhub:%s:%s:product/%s/default", region, acct, acct);
	snprintf(when, sizeof(when), "%s", s->time_s ? s->time_s : "1970-01-01T00:00:00Z");
	json_object_set_new(j, "SchemaVersion", json_string("2018-10-08"));
	json_object_set_new(j, "Id", out_str_max(uid, 512));
	json_object_set_new(j, "ProductArn", json_string(arn));
	json_object_set_new(j, "ProductName", json_string("k8saudit-findings"));
	json_object_set_new(j, "CompanyName", json_string("k8saudit"));
	json_object_set_new(j, "GeneratorId", json_string(f->rule->id));
	json_object_set_new(j, "AwsAccountId", json_string(acct));
	for (i = 0; i < f->rule->mitre.n; i++) {
		const char *t = asff_type(mitre_tactic(f->rule->mitre.v[i]));
		size_t k;
		json_t *x;
		int dup = 0;
		json_array_foreach(types, k, x)
			dup |= strcmp(json_string_value(x), t) == 0;
		if (!dup)
			json_array_append_new(types, json_string(t));
	}
	if (json_array_size(types) == 0)
		json_array_append_new(types, json_string("Unusual Behaviors/User"));
	json_object_set_new(j, "Types", types);
	json_object_set_new(j, "FirstObservedAt", json_string(when));
	json_object_set_new(j, "CreatedAt", json_string(when));
	json_object_set_new(j, "UpdatedAt", json_string(when));
	json_object_set_new(sev, "Label", json_string(asff_sev[f->sev]));
	json_object_set_new(j, "Severity", sev);
	json_object_set_new(j, "Title", out_str_max(title ? title : f->rule->title, 256));
	if (asprintf(&d, "%s: %s by %s from %s at %s", f->rule->id, s->what ? s->what : "",
		s->actor_text ? s->actor_text : "", s->ips ? s->ips : "-", s->where ? s->where : "-") >= 0) {
		json_object_set_new(j, "Description", out_str_max(d, 1024));
		free(d);
	} else
		fe_nomem_note();
	json_object_set_new(j, "Resources", resources(o, f, acct, region));
	pf_set(pf, "k8saudit/rule", f->rule->id);
	pf_set(pf, "k8saudit/guardduty", out_guardduty(f));
	pf_set(pf, "k8saudit/author", out_author(f->rule));
	pf_set(pf, "k8saudit/event_id", s->id);
	pf_set(pf, "k8saudit/actor", s->user);
	pf_set(pf, "k8saudit/arn", s->arn);
	pf_set(pf, "k8saudit/source_ip", s->ip);
	pf_set(pf, "k8saudit/location", s->where);
	pf_set(pf, "k8saudit/command", s->command);
	if (s->source == K8A_SRC_K8S)
		pf_set(pf, "k8saudit/cluster", o->cluster);
	json_object_set_new(j, "ProductFields", pf);
	if (s->ip) {
		json_t *net = json_object();
		json_object_set_new(net, "Direction", json_string("IN"));
		json_object_set_new(net, strchr(s->ip, ':') ? "SourceIpV6" : "SourceIpV4", json_string(s->ip));
		json_object_set_new(j, "Network", net);
	}
	free(title);
	return j;
}
