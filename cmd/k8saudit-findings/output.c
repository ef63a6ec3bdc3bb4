/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Output: what a finding says in every format, the default TSV and JSON
 * lines, and the choice of format.  The other formats have a file each:
 * out_csv.c, out_timesketch.c, out_ocsf.c (OCSF 1.1.0 Detection Finding)
 * and out_asff.c (AWS Security Finding Format 2018-10-08).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"

void
out_set_str(json_t *o, const char *k, const char *v)
{
	if (v && *v)
		json_object_set_new(o, k, json_string(v));
}

json_t *
out_str_max(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n > max) {
		n = max;
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
	}
	return json_stringn(s, n);
}

const char *
out_guardduty(const struct finding *f)
{
	return f->guardduty ? f->guardduty : f->rule->guardduty;
}

const char *
out_author(const struct rule *r)
{
	return r->sigma && r->sigma->author && *r->sigma->author ? r->sigma->author : NULL;
}

char *
out_title(const struct finding *f)
{
	const char *author = out_author(f->rule);
	size_t n = strlen(f->rule->title) + (f->note ? strlen(f->note) + 4 : 0) +
		   (author ? strlen(author) + 20 : 0) + 1;
	char *t = malloc(n);

	if (t == NULL) {
		fe_nomem_note();
		return NULL;
	}
	if (f->note)
		snprintf(t, n, "%s (%s)", f->rule->title, f->note);
	else
		snprintf(t, n, "%s", f->rule->title);
	/* the Detection Rule License asks for the author with every match */
	if (author)
		snprintf(t + strlen(t), n - strlen(t), " (Sigma, by %s)", author);
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

json_t *
out_evidence(const struct finding *f)
{
	json_t *e = json_deep_copy(f->evidence);

	if (e && f->ev->command && json_object_get(e, "command") == NULL)
		json_object_set_new(e, "command", json_string(f->ev->command));
	return e;
}

json_t *
out_plain_json(const struct finding *f)
{
	json_t *o = json_object(), *rec = snap_record(f->ev);
	const struct snap *s = f->ev;
	char *title = out_title(f);
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
	out_set_str(o, "guardduty", out_guardduty(f));
	out_set_str(o, "author", out_author(f->rule));
	/* the record as every tool describes it (k8saudit-json(5)) */
	for (i = 0; i < sizeof(before) / sizeof(before[0]); i++)
		if (json_object_get(rec, before[i]))
			json_object_set(o, before[i], json_object_get(rec, before[i]));
	out_set_str(o, "what", s->what);
	json_object_set(o, "source", json_object_get(rec, "source"));
	json_object_set_new(o, "evidence", out_evidence(f));
	free(title);
	return o;
}

int
out_json_line(FILE *fp, json_t *o)
{
	char *s;

	if (o == NULL) /* left out on purpose (said), or memory ran out */
		return fe_nomem() ? -1 : 0;
	/* every jansson allocation is watched: a member left out for want
	 * of memory must not leave a line with a part missing */
	s = fe_json_dumps(o, OUT_JFLAGS);
	json_decref(o);
	if (s == NULL) {
		fe_nomem_note();
		return -1;
	}
	fputs(s, fp);
	fputc('\n', fp);
	free(s);
	return 0;
}

const char *const out_col_names[OC_COUNT_] = {
	[OC_TIME] = "time", [OC_SEVERITY] = "severity", [OC_RULE] = "rule", [OC_TITLE] = "title",
	[OC_GUARDDUTY] = "guardduty", [OC_ACTOR] = "actor", [OC_SOURCE_IP] = "source_ips", [OC_WHAT] = "what",
	[OC_LOCATION] = "location",
};

char *
out_cells(const struct finding *f, const char *cell[OC_COUNT_])
{
	char *title = out_title(f);

	cell[OC_TIME] = f->ev->time_s;
	cell[OC_SEVERITY] = sev_names[f->sev];
	cell[OC_RULE] = f->rule->id;
	cell[OC_TITLE] = title ? title : f->rule->title;
	cell[OC_GUARDDUTY] = out_guardduty(f);
	cell[OC_ACTOR] = f->ev->actor_text;
	cell[OC_SOURCE_IP] = f->ev->ips;
	cell[OC_WHAT] = f->ev->what;
	cell[OC_LOCATION] = f->ev->where;
	return title;
}

/* ---- the account and region of a finding ---- */
static int
is_account(const char *s)
{
	size_t n;

	for (n = 0; s && isdigit((unsigned char)s[n]); n++)
		;
	return s && n == 12 && s[n] == '\0';
}

/* An AWS region name: "us-east-1", "eu-central-2", "us-gov-west-1",
 * "cn-north-1", "us-isob-east-1". */
static int
is_region(const char *s)
{
	size_t words = 0, n;
	const char *p = s;

	if (s == NULL || strlen(s) > 32)
		return 0;
	for (;;) {
		for (n = 0; islower((unsigned char)p[n]); n++)
			;
		if (n == 0 || p[n] != '-')
			break;
		words++;
		p += n + 1;
	}
	for (n = 0; isdigit((unsigned char)p[n]); n++)
		;
	return words >= 2 && n >= 1 && n <= 2 && p[n] == '\0' && strlen(s) >= 2 && s[2] == '-';
}

/* An EKS cluster name: 1 to 100 letters, digits, '-' and '_', starting
 * with a letter or a digit. */
static int
is_cluster(const char *s)
{
	size_t n;

	if (s == NULL || !isalnum((unsigned char)s[0]))
		return 0;
	for (n = 0; s[n]; n++)
		if (!isalnum((unsigned char)s[n]) && s[n] != '-' && s[n] != '_')
			return 0;
	return n <= 100;
}

const char *
output_check(const char *opt, const char *arg)
{
	if (strcmp(opt, "aws-account") == 0)
		return is_account(arg) ? NULL : "not an AWS account id (12 digits)";
	if (strcmp(opt, "region") == 0)
		return is_region(arg) ? NULL : "not an AWS region name (such as us-east-1)";
	if (strcmp(opt, "cluster") == 0)
		return is_cluster(arg) ? NULL :
			"not an EKS cluster name (1 to 100 letters, digits, '-' and '_', starting with a letter or digit)";
	return NULL;
}

const char *
out_account(const struct out *o, const struct finding *f)
{
	return is_account(f->ev->account) ? f->ev->account : o->account;
}

const char *
out_region(const struct out *o, const struct finding *f)
{
	const char *env = getenv("AWS_REGION");

	if (is_region(f->ev->region))
		return f->ev->region;
	if (o->region)
		return o->region;
	return is_region(env) ? env : NULL;
}

/* ---- the default output, and the choice of format ---- */
void
output_tsv_header(FILE *fp)
{
	int c;

	for (c = 0; c < OC_COUNT_; c++) {
		if (c)
			fputc('\t', fp);
		fputs(out_col_names[c], fp);
	}
	fputc('\n', fp);
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
 * the JSON forms and the CSV, the short location here. */
static void
tsv(FILE *fp, const struct finding *f)
{
	const char *cell[OC_COUNT_];
	char *title = out_cells(f, cell);
	int c;

	for (c = 0; c < OC_COUNT_; c++) {
		if (c)
			fputc('\t', fp);
		if (c == OC_LOCATION)
			output_short_location(fp, f->ev);
		else
			fe_put(fp, cell[c]);
	}
	fputc('\n', fp);
	free(title);
}

int
output_format(const char *name)
{
	static const struct {
		const char *name;
		enum fmt fmt;
	} fmts[] = {
		{ "tsv", FMT_TSV }, { "csv", FMT_CSV }, { "json", FMT_JSON }, { "timesketch", FMT_TIMESKETCH },
		{ "ocsf", FMT_OCSF }, { "asff", FMT_ASFF },
	};
	size_t i;

	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++)
		if (strcmp(name, fmts[i].name) == 0)
			return (int)fmts[i].fmt;
	return -1;
}

/* A line of text (a TSV line, a CSV record) is made in memory first and
 * written whole (fe_row): 0, or -1 when memory ran out. */
static int
text_row(struct out *o, void (*write)(FILE *, const struct finding *), const struct finding *f)
{
	FILE *fp = fe_row();

	if (fp == NULL)
		return -1;
	write(fp, f);
	return fe_row_end();
}

int
output_finding(struct out *o, const struct finding *f)
{
	if (!o->started && o->fmt == FMT_CSV)
		out_csv_header(o->fp);
	o->started = 1;
	switch (o->fmt) {
	case FMT_TSV: return text_row(o, tsv, f);
	case FMT_CSV: return text_row(o, out_csv, f);
	case FMT_JSON: return out_json_line(o->fp, out_plain_json(f));
	case FMT_TIMESKETCH: return out_json_line(o->fp, out_timesketch(o, f));
	case FMT_OCSF: return out_json_line(o->fp, out_ocsf(o, f));
	case FMT_ASFF: return out_json_line(o->fp, out_asff(o, f));
	}
	return 0;
}

int
output_end(struct out *o)
{
	int said = 0;

	/* a CSV file has its header even when there is nothing under it */
	if (!o->started && o->fmt == FMT_CSV)
		out_csv_header(o->fp);
	o->started = 1;
	if (o->no_time) /* each was said */
		said = 1;
	if (o->no_account) {
		fe_diag(NULL, "%zu finding%s with no AWS account in the record: written with account 000000000000 "
			"(give --aws-account)", o->no_account, o->no_account == 1 ? "" : "s");
		said = 1;
	}
	if (o->no_region) {
		fe_diag(NULL, "%zu finding%s with no AWS region in the record: written with region us-east-1 "
			"(give --region)", o->no_region, o->no_region == 1 ? "" : "s");
		said = 1;
	}
	return said;
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
			out_set_str(o, "guardduty", r->guardduty);
			json_object_set_new(o, "catalog", strv_json(&r->catalog));
			json_object_set_new(o, "anchors", strv_json(&r->anchors));
			json_object_set_new(o, "kind", json_string(!r->correlation ? "event" :
				corr_known(r->id) || sigma_def(r) ? "correlation" : "correlation (not implemented)"));
			if (r->sigma) {
				out_set_str(o, "author", r->sigma->author);
				json_object_set_new(o, "references", strv_json(&r->sigma->references));
				json_object_set_new(o, "falsepositives", strv_json(&r->sigma->falsepositives));
			}
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
			if (out_json_line(stdout, o) != 0)
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
