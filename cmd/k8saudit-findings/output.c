/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Output formats: TSV (default), JSON lines, OCSF 1.1 Detection Finding
 * (class 2004) and AWS Security Finding Format 2018-10-08.
 */
#include <stdlib.h>
#include <string.h>

#include "findings.h"

/* JSON is written ASCII-only: attacker-chosen text cannot reach a
 * terminal as raw control or bidi characters. */
#define JFLAGS (JSON_COMPACT | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER)

static void
set_str(json_t *o, const char *k, const char *v)
{
	if (v && *v)
		json_object_set_new(o, k, json_string(v));
}

/* A JSON string of at most max bytes, cut on a UTF-8 character boundary. */
static json_t *
jstr_max(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	return json_stringn(s, n);
}

static const char *
gd_of(const struct finding *f)
{
	return f->guardduty ? f->guardduty : f->rule->guardduty;
}

/* NULL when memory ran out (noted). */
static char *
title_of(const struct finding *f)
{
	size_t n = strlen(f->rule->title) + (f->note ? strlen(f->note) + 4 : 0) + 1;
	char *t = malloc(n);

	if (t == NULL) {
		fe_nomem_note();
		return NULL;
	}
	if (f->note)
		snprintf(t, n, "%s (%s)", f->rule->title, f->note);
	else
		snprintf(t, n, "%s", f->rule->title);
	return t;
}

static json_t *
strv_json(const struct strv *v)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; a && i < v->n; i++)
		json_array_append_new(a, json_string(v->v[i]));
	return a;
}

static json_t *
evidence_of(const struct finding *f)
{
	json_t *e = json_deep_copy(f->evidence);

	if (e && f->ev->command && json_object_get(e, "command") == NULL)
		json_object_set_new(e, "command", json_string(f->ev->command));
	return e;
}

/* A stable id: the same finding on the same record gets the same id. */
static void
finding_uid(const struct finding *f, char *out, size_t outsz)
{
	if (f->ev->id)
		snprintf(out, outsz, "%s:%s", f->rule->id, f->ev->id);
	else
		snprintf(out, outsz, "%s:%s", f->rule->id, f->ev->where ? f->ev->where : "");
}

static json_t *
plain_json(const struct finding *f)
{
	json_t *o = json_object(), *rec = f->ev->record;
	const struct snap *s = f->ev;
	char *title = title_of(f);
	static const char *const before[] = { "event_id", "actor", "source_ip", "source_ips", "user_agent" };
	size_t i;
	char id[17];

	finding_id_hex(f, id);
	json_object_set_new(o, "id", json_string(id));
	json_object_set(o, "time", json_object_get(rec, "time"));
	json_object_set_new(o, "severity", json_string(sev_names[f->sev]));
	json_object_set_new(o, "rule", json_string(f->rule->id));
	json_object_set_new(o, "title", json_string(title ? title : f->rule->title));
	json_object_set_new(o, "mitre", strv_json(&f->rule->mitre));
	set_str(o, "guardduty", gd_of(f));
	/* the record as every tool describes it (k8saudit-json(5)) */
	for (i = 0; i < sizeof(before) / sizeof(before[0]); i++)
		if (json_object_get(rec, before[i]))
			json_object_set(o, before[i], json_object_get(rec, before[i]));
	set_str(o, "what", s->what);
	json_object_set(o, "source", json_object_get(rec, "source"));
	json_object_set_new(o, "evidence", evidence_of(f));
	free(title);
	return o;
}

/* ---- ATT&CK tactics, for OCSF attacks[] and ASFF Types ---- */
static const struct {
	const char *t, *tactic;
} tactics[] = {
	{ "T1005", "Collection" }, { "T1020", "Exfiltration" }, { "T1033", "Discovery" },
	{ "T1036", "Defense Evasion" }, { "T1041", "Exfiltration" }, { "T1046", "Discovery" },
	{ "T1048", "Exfiltration" }, { "T1053", "Persistence" }, { "T1059", "Execution" },
	{ "T1069", "Discovery" }, { "T1070", "Defense Evasion" }, { "T1078", "Initial Access" },
	{ "T1082", "Discovery" }, { "T1087", "Discovery" }, { "T1090", "Command and Control" },
	{ "T1098", "Persistence" }, { "T1105", "Command and Control" }, { "T1110", "Credential Access" },
	{ "T1133", "Initial Access" }, { "T1134", "Privilege Escalation" }, { "T1136", "Persistence" },
	{ "T1190", "Initial Access" }, { "T1199", "Initial Access" }, { "T1204", "Execution" },
	{ "T1213", "Collection" }, { "T1485", "Impact" }, { "T1486", "Impact" }, { "T1489", "Impact" },
	{ "T1490", "Impact" }, { "T1496", "Impact" }, { "T1498", "Impact" }, { "T1499", "Impact" },
	{ "T1525", "Persistence" }, { "T1526", "Discovery" }, { "T1528", "Credential Access" },
	{ "T1530", "Collection" }, { "T1531", "Impact" }, { "T1535", "Defense Evasion" },
	{ "T1537", "Exfiltration" }, { "T1538", "Discovery" }, { "T1546", "Persistence" },
	{ "T1548", "Privilege Escalation" }, { "T1550", "Lateral Movement" },
	{ "T1552", "Credential Access" }, { "T1555", "Credential Access" },
	{ "T1556", "Credential Access" }, { "T1557", "Credential Access" }, { "T1562", "Defense Evasion" },
	{ "T1565", "Impact" }, { "T1567", "Exfiltration" }, { "T1572", "Command and Control" },
	{ "T1574", "Persistence" }, { "T1578", "Defense Evasion" }, { "T1580", "Discovery" },
	{ "T1595", "Reconnaissance" }, { "T1606", "Credential Access" }, { "T1609", "Execution" },
	{ "T1610", "Execution" }, { "T1611", "Privilege Escalation" }, { "T1612", "Defense Evasion" },
	{ "T1613", "Discovery" }, { "T1619", "Discovery" }, { "T1621", "Credential Access" },
	{ "T1648", "Execution" }, { "T1649", "Credential Access" }, { "T1651", "Execution" }, { "T1484", "Privilege Escalation" },
	{ "T1040", "Credential Access" }, { "T1021", "Lateral Movement" }, { "T1563", "Lateral Movement" },
	{ "T1583", "Resource Development" }, { "T1586", "Resource Development" },
	{ "T1589", "Reconnaissance" }, { "T1590", "Reconnaissance" },
};

const char *
mitre_tactic(const char *technique)
{
	size_t i;

	for (i = 0; i < sizeof(tactics) / sizeof(tactics[0]); i++)
		if (strncmp(technique, tactics[i].t, 5) == 0)
			return tactics[i].tactic;
	return NULL;
}

static const int ocsf_sev[SEV_COUNT_] = { 1, 2, 3, 4, 5 };
static const char *const ocsf_sev_name[SEV_COUNT_] = { "Informational", "Low", "Medium", "High", "Critical" };
static const char *const asff_sev[SEV_COUNT_] = { "INFORMATIONAL", "LOW", "MEDIUM", "HIGH", "CRITICAL" };

static json_t *
ocsf_json(const struct finding *f)
{
	const struct snap *s = f->ev;
	json_t *o = json_object(), *md = json_object(), *prod = json_object(), *fi = json_object();
	json_t *attacks = json_array(), *an = json_object(), *actor = json_object(), *user = json_object();
	json_t *cloud = json_object(), *ev = json_array(), *e1 = json_object(), *types = json_array();
	char uid[4096], *title = title_of(f);
	size_t i;

	finding_uid(f, uid, sizeof(uid));
	json_object_set_new(o, "class_uid", json_integer(2004));
	json_object_set_new(o, "class_name", json_string("Detection Finding"));
	json_object_set_new(o, "category_uid", json_integer(2));
	json_object_set_new(o, "category_name", json_string("Findings"));
	json_object_set_new(o, "activity_id", json_integer(1));
	json_object_set_new(o, "activity_name", json_string("Create"));
	json_object_set_new(o, "type_uid", json_integer(200401));
	json_object_set_new(o, "type_name", json_string("Detection Finding: Create"));
	json_object_set_new(o, "severity_id", json_integer(ocsf_sev[f->sev]));
	json_object_set_new(o, "severity", json_string(ocsf_sev_name[f->sev]));
	json_object_set_new(o, "time", json_integer(s->time == INT64_MIN ? 0 : (json_int_t)(s->time / 1000)));
	json_object_set_new(o, "status_id", json_integer(1));
	json_object_set_new(o, "status", json_string("New"));
	json_object_set_new(o, "is_alert", json_true());
	json_object_set_new(o, "message", json_string(title ? title : f->rule->title));

	json_object_set_new(md, "version", json_string("1.1.0"));
	json_object_set_new(prod, "name", json_string("k8saudit-findings"));
	json_object_set_new(prod, "vendor_name", json_string("k8saudit"));
	json_object_set_new(prod, "version", json_string(K8A_VERSION_STRING));
	json_object_set_new(md, "product", prod);
	json_object_set_new(o, "metadata", md);

	json_object_set_new(fi, "uid", json_string(uid));
	json_object_set_new(fi, "title", json_string(title ? title : f->rule->title));
	set_str(fi, "desc", s->what);
	if (gd_of(f))
		json_array_append_new(types, json_string(gd_of(f)));
	json_object_set_new(fi, "types", types);
	json_object_set_new(an, "uid", json_string(f->rule->id));
	json_object_set_new(an, "name", json_string(f->rule->title));
	json_object_set_new(an, "type_id", json_integer(1));
	json_object_set_new(an, "type", json_string("Rule"));
	json_object_set_new(fi, "analytic", an);
	for (i = 0; i < f->rule->mitre.n; i++) {
		json_t *a = json_object(), *t = json_object();
		const char *tac = mitre_tactic(f->rule->mitre.v[i]);
		json_object_set_new(t, "uid", json_string(f->rule->mitre.v[i]));
		json_object_set_new(a, "technique", t);
		if (tac) {
			json_t *ta = json_object();
			json_object_set_new(ta, "name", json_string(tac));
			json_object_set_new(a, "tactic", ta);
		}
		json_object_set_new(a, "version", json_string("15"));
		json_array_append_new(attacks, a);
	}
	json_object_set_new(fi, "attacks", attacks);
	if (s->time_s) {
		json_object_set_new(fi, "first_seen_time", json_integer(s->time == INT64_MIN ? 0 : (json_int_t)(s->time / 1000)));
	}
	json_object_set_new(o, "finding_info", fi);

	json_object_set_new(cloud, "provider", json_string("AWS"));
	set_str(cloud, "region", s->region);
	if (s->account) {
		json_t *acc = json_object();
		json_object_set_new(acc, "uid", json_string(s->account));
		json_object_set_new(cloud, "account", acc);
	}
	json_object_set_new(o, "cloud", cloud);

	set_str(user, "name", s->user);
	set_str(user, "uid", s->arn ? s->arn : s->uid);
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
	if (s->access_key)
		json_object_set_new(user, "credential_uid", json_string(s->access_key));
	json_object_set_new(actor, "user", user);
	if (s->session) {
		json_t *sess = json_object();
		json_object_set_new(sess, "issuer", json_string(s->canonical_arn ? s->canonical_arn : ""));
		json_object_set_new(sess, "uid", json_string(s->session));
		json_object_set_new(actor, "session", sess);
	}
	json_object_set_new(o, "actor", actor);
	if (s->ip) {
		json_t *se = json_object();
		json_object_set_new(se, "ip", json_string(s->ip));
		json_object_set_new(o, "src_endpoint", se);
	}
	json_object_set_new(e1, "data", evidence_of(f));
	if (s->id)
		json_object_set_new(e1, "uid", json_string(s->id));
	json_array_append_new(ev, e1);
	json_object_set_new(o, "evidences", ev);
	{
		json_t *um = json_object(), *src = json_object();
		set_str(src, "path", s->path);
		set_str(src, "member", s->member);
		json_object_set_new(src, "line", json_integer((json_int_t)s->line));
		json_object_set_new(um, "source", src);
		set_str(um, "event_id", s->id);
		set_str(um, "what", s->what);
		json_object_set_new(o, "unmapped", um);
	}
	free(title);
	return o;
}

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
asff_json(const struct finding *f)
{
	const struct snap *s = f->ev;
	json_t *o = json_object(), *types = json_array(), *sev = json_object(), *res = json_array();
	json_t *r1 = json_object(), *pf = json_object();
	const char *acct = s->account ? s->account : "000000000000";
	const char *region = s->region ? s->region : getenv("AWS_REGION") ? getenv("AWS_REGION") : "us-east-1";
	char uid[4096], arn[512], *title = title_of(f), desc[1024], when[64];
	size_t i;

	finding_uid(f, uid, sizeof(uid));
	snprintf(arn, sizeof(arn), "arn:aws:securityhub:%s:%s:product/%s/default", region, acct, acct);
	if (s->time_s)
		snprintf(when, sizeof(when), "%s", s->time_s);
	else
		snprintf(when, sizeof(when), "1970-01-01T00:00:00Z");
	json_object_set_new(o, "SchemaVersion", json_string("2018-10-08"));
	json_object_set_new(o, "Id", json_string(uid));
	json_object_set_new(o, "ProductArn", json_string(arn));
	json_object_set_new(o, "ProductName", json_string("k8saudit-findings"));
	json_object_set_new(o, "CompanyName", json_string("k8saudit"));
	json_object_set_new(o, "GeneratorId", json_string(f->rule->id));
	json_object_set_new(o, "AwsAccountId", json_string(acct));
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
	json_object_set_new(o, "Types", types);
	json_object_set_new(o, "FirstObservedAt", json_string(when));
	json_object_set_new(o, "CreatedAt", json_string(when));
	json_object_set_new(o, "UpdatedAt", json_string(when));
	json_object_set_new(sev, "Label", json_string(asff_sev[f->sev]));
	json_object_set_new(o, "Severity", sev);
	json_object_set_new(o, "Title", jstr_max(title ? title : f->rule->title, 256));
	{
		char *d = NULL;
		if (asprintf(&d, "%s: %s by %s from %s at %s", f->rule->id, s->what ? s->what : "",
			s->actor_text ? s->actor_text : "", s->ips ? s->ips : "-", s->where ? s->where : "-") >= 0) {
			json_object_set_new(o, "Description", jstr_max(d, 1024));
			free(d);
		} else
			fe_nomem_note();
	}
	if (s->source == K8A_SRC_K8S) {
		json_object_set_new(r1, "Type", json_string("Other"));
		snprintf(desc, sizeof(desc), "kubernetes/%s/%s/%s", s->resource ? s->resource : "-",
			s->ns ? s->ns : "-", s->name ? s->name : "-");
		json_object_set_new(r1, "Id", json_string(desc));
	} else if (s->access_key) {
		json_object_set_new(r1, "Type", json_string("AwsIamAccessKey"));
		json_object_set_new(r1, "Id", json_string(s->access_key));
	} else {
		json_object_set_new(r1, "Type", json_string("Other"));
		json_object_set_new(r1, "Id", json_string(s->arn ? s->arn : s->user ? s->user : "unknown"));
	}
	set_str(r1, "Region", s->region);
	json_array_append_new(res, r1);
	json_object_set_new(o, "Resources", res);
	set_str(pf, "k8saudit/rule", f->rule->id);
	set_str(pf, "k8saudit/guardduty", gd_of(f));
	set_str(pf, "k8saudit/event_id", s->id);
	set_str(pf, "k8saudit/actor", s->user);
	set_str(pf, "k8saudit/arn", s->arn);
	set_str(pf, "k8saudit/source_ip", s->ip);
	set_str(pf, "k8saudit/location", s->where);
	set_str(pf, "k8saudit/command", s->command);
	json_object_set_new(o, "ProductFields", pf);
	if (s->ip) {
		json_t *net = json_object();
		json_object_set_new(net, "Direction", json_string("IN"));
		json_object_set_new(net, strchr(s->ip, ':') ? "SourceIpV6" : "SourceIpV4", json_string(s->ip));
		json_object_set_new(o, "Network", net);
	}
	free(title);
	return o;
}

void
output_tsv_header(FILE *fp)
{
	fputs("time\tseverity\trule\ttitle\tguardduty\tactor\tsource_ips\twhat\tlocation\n", fp);
}

void
output_short_location(FILE *fp, const struct snap *s)
{
	/* the member names the file better than the archive holding it */
	const char *p = s->member ? s->member : s->path ? s->path : "-";
	const char *base = strrchr(p, '/');

	fe_put(fp, base && base[1] ? base + 1 : p);
	fprintf(fp, ":%llu", (unsigned long long)s->line);
	if (s->index >= 0)
		fprintf(fp, "[%lld]", (long long)s->index);
}

/* One line of tab-separated columns: the full path of the record is in
 * the JSON forms, the short location here. */
static void
tsv_finding(FILE *fp, const struct finding *f)
{
	char *title = title_of(f);

	fe_put(fp, f->ev->time_s);
	fputc('\t', fp);
	fputs(sev_names[f->sev], fp);
	fputc('\t', fp);
	fe_put(fp, f->rule->id);
	fputc('\t', fp);
	fe_put(fp, title ? title : f->rule->title);
	fputc('\t', fp);
	fe_put(fp, gd_of(f));
	fputc('\t', fp);
	fe_put(fp, f->ev->actor_text);
	fputc('\t', fp);
	fe_put(fp, f->ev->ips);
	fputc('\t', fp);
	fe_put(fp, f->ev->what);
	fputc('\t', fp);
	output_short_location(fp, f->ev);
	fputc('\n', fp);
	free(title);
}

/* A JSON object as one line, whole: 0, or -1 when memory ran out while it
 * was built (every jansson allocation is watched) or written. */
static int
json_line(json_t *o)
{
	char *s = fe_nomem() ? NULL : json_dumps(o, JFLAGS);

	json_decref(o);
	if (s == NULL) {
		fe_nomem_note();
		return -1;
	}
	fputs(s, stdout);
	fputc('\n', stdout);
	free(s);
	return 0;
}

int
output_finding(enum fmt fmt, const struct finding *f)
{
	FILE *fp;

	if (fmt == FMT_TSV) {
		/* written to memory first: a cell left out for want of memory
		 * (fe_put) must not leave a line with a part missing */
		if ((fp = fe_row()) == NULL)
			return -1;
		tsv_finding(fp, f);
		return fe_row_end();
	}
	return json_line(fmt == FMT_JSON ? plain_json(f) : fmt == FMT_OCSF ? ocsf_json(f) : asff_json(f));
}

int
output_list_rules(const struct ruleset *rs, int json)
{
	FILE *fp;
	size_t i;

	for (i = 0; i < rs->n; i++) {
		const struct rule *r = rs->r[i];
		if (!r->enabled)
			continue;
		if (json) {
			json_t *o = json_object();
			json_object_set_new(o, "rule", json_string(r->id));
			json_object_set_new(o, "severity", json_string(sev_names[r->sev]));
			json_object_set_new(o, "source", json_string(r->source == K8A_SRC_K8S ? "k8s" : "cloudtrail"));
			json_object_set_new(o, "max_severity", json_string(sev_names[corr_max_sev(r)]));
			json_object_set_new(o, "title", json_string(r->title));
			json_object_set_new(o, "mitre", strv_json(&r->mitre));
			set_str(o, "guardduty", r->guardduty);
			json_object_set_new(o, "catalog", strv_json(&r->catalog));
			json_object_set_new(o, "anchors", strv_json(&r->anchors));
			json_object_set_new(o, "kind", json_string(!r->correlation ? "event" :
				corr_known(r->id) ? "correlation" : "correlation (not implemented)"));
			json_object_set_new(o, "when", json_string(r->when_text));
			{
				const char *const *l = rule_literals(r);
				json_t *a = json_array();
				size_t li;
				for (li = 0; l && l[li]; li++)
					json_array_append_new(a, json_string(l[li]));
				json_object_set_new(o, "literals", l ? a : json_null());
				if (!l)
					json_decref(a);
			}
			{
				char loc[4200];
				snprintf(loc, sizeof(loc), "%s:%u", r->file, r->line);
				json_object_set_new(o, "defined_at", json_string(loc));
			}
			if (json_line(o) != 0)
				return -1;
			continue;
		}
		if ((fp = fe_row()) == NULL)
			return -1;
		fe_put(fp, r->id);
		fputc('\t', fp);
		fputs(sev_names[r->sev], fp);
		if (corr_max_sev(r) != r->sev) /* e.g. "high..critical" */
			fprintf(fp, "..%s", sev_names[corr_max_sev(r)]);
		fputc('\t', fp);
		fputs(r->source == K8A_SRC_K8S ? "k8s" : "cloudtrail", fp);
		fputc('\t', fp);
		fe_put(fp, r->guardduty);
		fputc('\t', fp);
		fe_put(fp, r->title);
		fputc('\n', fp);
		if (fe_row_end() != 0)
			return -1;
	}
	return 0;
}
