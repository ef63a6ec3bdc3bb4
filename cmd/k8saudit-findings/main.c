/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * k8saudit-findings: detections over Kubernetes audit logs and CloudTrail.
 * Rules are data (k8saudit-rules(5)); a few stateful ones are in corr.c.
 * Inputs are read as by k8saudit-grep, through the shared scope (-w,
 * --since, --until, --strict, -s, -j, --keep-stages: cmd/common/scope.c).
 */
#include <ctype.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

#include "findings.h"

static const char synopsis[] =
	"[-s] [-j N] [-w EXPR]... [--since TIME] [--until TIME] [--strict] [--rules FILE]... [--sigma PATH]... [--rule ID]...\n"
	"       [--skip-rule ID]... [--tactic NAME]... [--min-severity SEV] [--fail-on SEV] [--header]\n"
	"       [--summary | --group-by event|actor|rule] [--json | --format tsv|csv|json|timesketch|ocsf|asff]\n"
	"       [--aws-account ID] [--region REGION] [--cluster NAME]\n"
	"       [--ip-list FILE] [--tor-exits FILE] [--aws-ip-ranges FILE] [--baseline PATH]...\n"
	"       [--state FILE [--state-reset]] [-o FILE] [--shard K/N] [--partial FILE] [PATH...]\n"
	"       k8saudit-findings [rule and output options] --merge [--partial FILE] PARTIAL...\n"
	"       k8saudit-findings --list-rules [--json]";

enum {
	O_RULES, O_SIGMA, O_NO_BUILTIN, O_LIST, O_RULE, O_SKIP, O_TACTIC, O_MIN_SEV, O_FAIL_ON, O_JSON, O_FORMAT, O_HEADER, O_SUMMARY, O_GROUP_BY,
	O_AWS_ACCOUNT, O_REGION, O_CLUSTER,
	O_IPLIST, O_TOR, O_AWS_RANGES, O_BASELINE, O_WHERE, O_SINCE, O_UNTIL, O_KEEP_STAGES, O_NO_PREFILTER, O_STRICT, O_THREADS,
	O_SHARD, O_LIMIT, O_SILENT, O_STATE, O_STATE_RESET, O_OUTPUT, O_PARTIAL, O_MERGE, O_HELP, O_VERSION,
};

static const struct fe_opt opts[] = {
	[O_RULES] = { "rules", 0, 1, "FILE", "also load the rules in FILE (or every *.rules below a directory)" },
	[O_SIGMA] = { "sigma", 0, 1, "PATH", "also load the Sigma rules in PATH (a .yml file, or every *.yml and *.yaml below a directory)" },
	[O_NO_BUILTIN] = { "no-builtin", 0, 0, NULL, "do not load the installed rules; only --rules and --sigma" },
	[O_LIST] = { "list-rules", 0, 0, NULL, "print the selected rules and exit" },
	[O_RULE] = { "rule", 0, 1, "ID", "run only this rule, or the rules of this ATT&CK technique (repeatable; a trailing * matches a prefix: K8S-EXEC-*, T1098*)" },
	[O_SKIP] = { "skip-rule", 0, 1, "ID", "do not run this rule, or the rules of this technique (repeatable; same patterns)" },
	[O_TACTIC] = { "tactic", 0, 1, "NAME", "run only the rules of this ATT&CK tactic (repeatable: any; e.g. persistence, credential-access)" },
	[O_MIN_SEV] = { "min-severity", 0, 1, "SEV", "only findings at or above SEV (info low medium high critical); with --list-rules, rules that can report it" },
	[O_FAIL_ON] = { "fail-on", 0, 1, "SEV", "exit 1 only for findings at or above SEV (default: info)" },
	[O_JSON] = { "json", 0, 0, NULL, "print one JSON object per finding (same as --format json)" },
	[O_FORMAT] = { "format", 0, 1, "FMT", "tsv (default), csv, json, timesketch, ocsf (OCSF 1.1.0 class 2004) or asff" },
	[O_AWS_ACCOUNT] = { "aws-account", 0, 1, "ID", "ocsf, asff: the AWS account of findings whose record has none" },
	[O_REGION] = { "region", 0, 1, "REGION", "ocsf, asff: the AWS region of findings whose record has none" },
	[O_CLUSTER] = { "cluster", 0, 1, "NAME", "asff: the EKS cluster the Kubernetes logs are from" },
	[O_HEADER] = { "header", 0, 0, NULL, "print a header line naming the columns" },
	[O_SUMMARY] = { "summary", 0, 0, NULL, "one line per actor, most severe first (same as --group-by actor)" },
	[O_GROUP_BY] = { "group-by", 0, 1, "WHAT", "one line per event, actor or rule instead of one per finding" },
	[O_IPLIST] = { "ip-list", 0, 1, "FILE", "your threat list: IPs and CIDRs, one per line" },
	[O_TOR] = { "tor-exits", 0, 1, "FILE", "a list of Tor exit addresses" },
	[O_AWS_RANGES] = { "aws-ip-ranges", 0, 1, "FILE", "AWS's ip-ranges.json: EKS and node traffic from AWS addresses is not from a public IP" },
	[O_BASELINE] = { "baseline", 0, 1, "PATH", "older logs that teach what is usual and raise nothing (repeatable)" },
	[O_WHERE] = FE_OPT_WHERE,
	[O_SINCE] = FE_OPT_SINCE,
	[O_UNTIL] = FE_OPT_UNTIL,
	[O_KEEP_STAGES] = FE_OPT_KEEP_STAGES,
	[O_NO_PREFILTER] = { "no-prefilter", 0, 0, NULL, "parse every record and try every rule (for checking the prefilter)" },
	[O_STRICT] = FE_OPT_STRICT,
	[O_THREADS] = FE_OPT_THREADS,
	[O_SHARD] = FE_OPT_SHARD,
	[O_LIMIT] = FE_OPT_LIMIT,
	[O_SILENT] = FE_OPT_SILENT,
	[O_STATE] = FE_OPT_STATE,
	[O_STATE_RESET] = FE_OPT_STATE_RESET,
	[O_OUTPUT] = { "output", 'o', 1, "FILE", "append the findings to FILE; with --state each exactly once" },
	[O_PARTIAL] = FE_OPT_PARTIAL,
	[O_MERGE] = FE_OPT_MERGE,
	[O_HELP] = FE_OPT_HELP,
	[O_VERSION] = FE_OPT_VERSION,
	{ NULL, 0, 0, NULL, NULL },
};

struct opts {
	struct fe_scope sc; /* -w, --since, --until, --strict, -s, -j, --keep-stages */
	struct strv rules, only, skip, tactics, baseline, sigma;
	int no_builtin, list, no_prefilter, header;
	int min_sev, fail_on;
	enum fmt fmt;
	enum grouping group;
	const char *account, *region, *cluster; /* --aws-account, --region, --cluster */
	const char *iplist, *tor, *aws_ranges;
	const char *state, *output; /* --state, --output */
	int state_reset;
	const char *partial; /* --partial */
	int merge;           /* --merge */
};

static void
opts_free(struct opts *o)
{
	fe_scope_free(&o->sc);
	strv_free(&o->rules);
	strv_free(&o->sigma);
	strv_free(&o->only);
	strv_free(&o->skip);
	strv_free(&o->tactics);
	strv_free(&o->baseline);
}

/* ---- options ---- */
/* The ATT&CK Enterprise tactics, for --tactic. */
static const char *const tactic_names[] = {
	"Reconnaissance", "Resource Development", "Initial Access", "Execution", "Persistence",
	"Privilege Escalation", "Defense Evasion", "Credential Access", "Discovery", "Lateral Movement",
	"Collection", "Command and Control", "Exfiltration", "Impact",
};

/* "credential-access", "Credential_Access" and "credential access" are
 * the tactic "Credential Access". */
static int
same_tactic(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		int x = strchr("-_", *a) ? ' ' : tolower((unsigned char)*a);
		int y = strchr("-_", *b) ? ' ' : tolower((unsigned char)*b);
		if (x != y)
			return 0;
	}
	return *a == *b;
}

static int
add_tactic(struct opts *o, const char *arg)
{
	size_t i;

	for (i = 0; i < sizeof(tactic_names) / sizeof(tactic_names[0]); i++)
		if (same_tactic(arg, tactic_names[i])) {
			strv_push(&o->tactics, tactic_names[i]);
			return 0;
		}
	fe_usage_error(synopsis, "--tactic: unknown ATT&CK tactic '%s' (reconnaissance, resource-development, "
		"initial-access, execution, persistence, privilege-escalation, defense-evasion, credential-access, "
		"discovery, lateral-movement, collection, command-and-control, exfiltration, impact)", arg);
	return -1;
}

static int
parse_sev(const char *opt, const char *arg, int *out)
{
	int s = sev_parse(arg);

	if (s < 0) {
		fe_usage_error(synopsis, "--%s: unknown severity '%s' (info, low, medium, high, critical)", opt, arg);
		return -1;
	}
	*out = s;
	return 0;
}

static int
parse_format(const char *arg, enum fmt *out)
{
	int f = output_format(arg);

	if (f < 0) {
		fe_usage_error(synopsis, "--format: unknown format '%s' (tsv, csv, json, timesketch, ocsf, asff)", arg);
		return -1;
	}
	*out = (enum fmt)f;
	return 0;
}

/* --aws-account, --region, --cluster: checked here, read by a format */
static int
take_cloud(struct opts *o, int oc, const char *arg)
{
	const char *bad = output_check(opts[oc].lng, arg);

	if (bad) {
		fe_usage_error(synopsis, "--%s: '%s': %s", opts[oc].lng, arg, bad);
		return -1;
	}
	*(oc == O_AWS_ACCOUNT ? &o->account : oc == O_REGION ? &o->region : &o->cluster) = arg;
	return 0;
}

static void
help(void)
{
	fe_help(stdout, synopsis,
		"Report findings (detections) in Kubernetes audit logs and CloudTrail, offline.\n"
		"Rules come from the installed catalog and --rules files (k8saudit-rules(5)).\n"
		"Default output: one tab-separated line per finding, sorted by time: time,\n"
		"severity, rule, title, GuardDuty type, actor, source IPs, what was done,\n"
		"location (file name and line; --json gives the whole path).  --summary and\n"
		"--group-by give one line per actor, event or rule instead.\n"
		"Exit status: 0 no findings at or above --fail-on, 1 findings, 2 trouble.",
		opts);
}

/* One option.  0, -1 after a usage error, K8A_FATAL. */
static int
take_option(struct opts *o, int oc, const char *arg)
{
	switch (oc) {
	case O_WHERE:
	case O_SINCE:
	case O_UNTIL:
	case O_KEEP_STAGES:
	case O_STRICT:
	case O_THREADS:
	case O_SHARD: case O_LIMIT:
	case O_SILENT:
		return fe_scope_opt(&o->sc, opts[oc].lng, arg, synopsis);
	case O_RULES: strv_push(&o->rules, arg); break;
	case O_SIGMA: strv_push(&o->sigma, arg); break;
	case O_NO_BUILTIN: o->no_builtin = 1; break;
	case O_LIST: o->list = 1; break;
	case O_RULE: strv_push(&o->only, arg); break;
	case O_SKIP: strv_push(&o->skip, arg); break;
	case O_TACTIC: return add_tactic(o, arg);
	case O_MIN_SEV: return parse_sev(opts[oc].lng, arg, &o->min_sev);
	case O_FAIL_ON: return parse_sev(opts[oc].lng, arg, &o->fail_on);
	case O_JSON: o->fmt = FMT_JSON; break;
	case O_FORMAT: return parse_format(arg, &o->fmt);
	case O_AWS_ACCOUNT:
	case O_REGION:
	case O_CLUSTER:
		return take_cloud(o, oc, arg);
	case O_HEADER: o->header = 1; break;
	case O_SUMMARY: o->group = GROUP_ACTOR; break;
	case O_GROUP_BY:
		if (group_parse(arg, &o->group) != 0) {
			fe_usage_error(synopsis, "--group-by: unknown grouping '%s' (event, actor, rule)", arg);
			return -1;
		}
		break;
	case O_IPLIST: o->iplist = arg; break;
	case O_TOR: o->tor = arg; break;
	case O_AWS_RANGES: o->aws_ranges = arg; break;
	case O_BASELINE: strv_push(&o->baseline, arg); break;
	case O_NO_PREFILTER: o->no_prefilter = 1; break;
	case O_STATE: o->state = arg; break;
	case O_STATE_RESET: o->state_reset = 1; break;
	case O_OUTPUT: o->output = arg; break;
	case O_PARTIAL: o->partial = arg; break;
	case O_MERGE: o->merge = 1; break;
	default: return -1;
	}
	return 0;
}

/* --partial and --merge with what they cannot go with.  0, or -1 after a
 * usage error. */
static int
check_scaleout(const struct opts *o, int argc)
{
	if ((o->partial || o->merge) && o->state) {
		fe_usage_error(synopsis, "--%s: not with --state", o->merge ? "merge" : "partial");
		return -1;
	}
	if (o->partial && (o->output || o->group || o->header)) {
		fe_usage_error(synopsis, "--partial: writes no findings: not with %s",
			o->output ? "--output" : o->group ? "--summary or --group-by" : "--header");
		return -1;
	}
	if (o->merge && (o->sc.nwhere || o->sc.has_since || o->sc.has_until || o->sc.nshards || o->baseline.n ||
	    o->sc.keep_stages || o->no_prefilter)) {
		/* the shards read the logs: what they selected is in the partials */
		fe_usage_error(synopsis, "--merge: -w, --since, --until, --keep-stages, --no-prefilter, --baseline and "
					 "--shard are for the shards' runs");
		return -1;
	}
	if (o->merge && fe_optind >= argc) {
		fe_usage_error(synopsis, "--merge: no partial results given");
		return -1;
	}
	return 0;
}

/* Read the options into o.  0 to go on, else -1 with *exit set (a usage
 * error, --help, --version). */
static int
parse_options(struct opts *o, int argc, char **argv, int *exit)
{
	const char *arg;
	int oc, rc;

	*exit = FE_EXIT_TROUBLE;
	while ((oc = fe_getopt(argc, argv, opts, &arg)) != -1) {
		if (oc == O_HELP || oc == O_VERSION) {
			if (oc == O_HELP)
				help();
			else
				fe_version();
			*exit = fe_finish_stdout() ? FE_EXIT_TROUBLE : FE_EXIT_OK;
			return -1;
		}
		if (oc < 0)
			return -1;
		if ((rc = take_option(o, oc, arg)) != 0) {
			if (rc == K8A_FATAL)
				fe_diag(NULL, "out of memory");
			return -1;
		}
	}
	if (o->group && o->fmt != FMT_TSV && o->fmt != FMT_JSON) {
		fe_usage_error(synopsis, "--summary and --group-by: only with tab-separated or JSON output");
		return -1;
	}
	/* options that only a format reads: not silently ignored */
	if ((o->account || o->region) && o->fmt != FMT_ASFF && o->fmt != FMT_OCSF) {
		fe_usage_error(synopsis, "--%s: only for --format asff or ocsf", o->account ? "aws-account" : "region");
		return -1;
	}
	if (o->cluster && o->fmt != FMT_ASFF) {
		fe_usage_error(synopsis, "--cluster: only for --format asff");
		return -1;
	}
	if (o->state_reset && o->state == NULL) {
		fe_usage_error(synopsis, "--state-reset: only with --state");
		return -1;
	}
	return check_scaleout(o, argc) != 0 ? -1 : fe_scope_check(&o->sc, synopsis);
}

/* ---- rule selection ---- */
/* 1 when the pattern names the rule: its id, or one of its techniques. */
static int
names_rule(const char *pat, const struct rule *r)
{
	size_t i;

	if (fnmatch(pat, r->id, 0) == 0)
		return 1;
	for (i = 0; i < r->mitre.n; i++)
		if (fnmatch(pat, r->mitre.v[i], 0) == 0)
			return 1;
	return 0;
}

static int
matches_any(const struct strv *pats, const struct rule *r)
{
	size_t i;

	for (i = 0; i < pats->n; i++)
		if (names_rule(pats->v[i], r))
			return 1;
	return 0;
}

/* 1 when one of the rule's techniques is of the tactic (as the OCSF and
 * ASFF forms name it: mitre_tactic()). */
static int
of_tactic(const char *tactic, const struct rule *r)
{
	const char *t;
	size_t i;

	for (i = 0; i < r->mitre.n; i++)
		if ((t = mitre_tactic(r->mitre.v[i])) != NULL && strcmp(t, tactic) == 0)
			return 1;
	return 0;
}

static int
of_any_tactic(const struct strv *tactics, const struct rule *r)
{
	size_t i;

	for (i = 0; i < tactics->n; i++)
		if (of_tactic(tactics->v[i], r))
			return 1;
	return 0;
}

/* Every --rule pattern and --tactic names some rule.  0, or 1 after
 * saying which does not. */
static int
check_patterns(const struct ruleset *rs, const struct opts *o)
{
	size_t i, j;
	int bad = 0;

	for (i = 0; i < o->only.n; i++) {
		for (j = 0; j < rs->n && !names_rule(o->only.v[i], rs->r[j]); j++)
			;
		if (j == rs->n) {
			fe_diag(NULL, "--rule %s: %s", o->only.v[i], o->only.v[i][0] == 'T' &&
				isdigit((unsigned char)o->only.v[i][1]) ? "no rule has this technique" : "no such rule");
			bad = 1;
		}
	}
	for (i = 0; i < o->tactics.n; i++) {
		for (j = 0; j < rs->n && !of_tactic(o->tactics.v[i], rs->r[j]); j++)
			;
		if (j == rs->n) {
			fe_diag(NULL, "--tactic %s: no rule has a technique of this tactic", o->tactics.v[i]);
			bad = 1;
		}
	}
	return bad;
}

/* A correlation that cannot run with these options, left out; 1 when it
 * was asked for by name (said why nothing will come of it). */
static int
unusable(const struct rule *r, const struct opts *o)
{
	size_t j;
	int bad = 0;

	/* unless a list given could not be read: said when it was loaded */
	for (j = 0; j < o->only.n && !o->iplist && !o->tor; j++)
		if (strcmp(o->only.v[j], r->id) == 0) {
			fe_diag(NULL, "--rule %s: %s", r->id, corr_known(r->id) ?
				"needs --ip-list or --tor-exits" : "no C implementation in this program");
			bad = 1;
		}
	return bad;
}

static int
select_rules(struct ruleset *rs, const struct opts *o, const struct corr_ctx *cx)
{
	size_t i;
	int bad = check_patterns(rs, o);

	for (i = 0; i < rs->n; i++) {
		struct rule *r = rs->r[i];
		/* --rule and --tactic: each kind given must select the rule */
		if (o->only.n && !matches_any(&o->only, r))
			r->enabled = 0;
		if (o->tactics.n && !of_any_tactic(&o->tactics, r))
			r->enabled = 0;
		if (matches_any(&o->skip, r))
			r->enabled = 0;
		/* --min-severity filters findings by the severity they are
		 * reported with, which a correlation may raise above the
		 * rule's own (K8S-ANON-001 is high, critical beyond
		 * discovery): only a listing leaves rules out by it */
		if (o->list && (int)corr_max_sev(r) < o->min_sev)
			r->enabled = 0;
		if (!o->list && r->enabled && r->correlation && !corr_usable(r, cx)) {
			bad |= unusable(r, o);
			r->enabled = 0;
		}
	}
	return bad;
}

/* The rules and lists the options name, loaded and selected.  The number
 * of problems reported. */
static int
load_rules(struct ruleset *rs, const struct opts *o, struct corr_ctx *cx, struct iplist **ipl, struct iplist **tor,
    struct iplist **aws)
{
	struct stat st;
	size_t k;
	int errors;

	rs->strict = o->sc.strict;
	if (!o->no_builtin) {
		if (stat(fe_rules_dir(), &st) != 0) {
			fe_diag(fe_rules_dir(), "the rule catalog is not there (not installed? "
				"set K8SAUDIT_RULES_DIR, or give --no-builtin and --rules)");
			rs->errors++;
		} else
			rules_load_path(rs, fe_rules_dir());
	}
	for (k = 0; k < o->rules.n; k++)
		rules_load_path(rs, o->rules.v[k]);
	if (o->sigma.n)
		sigma_load_rules(rs, &o->sigma);
	errors = rs->errors;
	if (o->iplist && (*ipl = iplist_load(o->iplist, &errors)) == NULL)
		errors++;
	if (o->tor && (*tor = iplist_load(o->tor, &errors)) == NULL)
		errors++;
	if (o->aws_ranges && (*aws = aws_ranges_load(o->aws_ranges, &errors)) == NULL)
		errors++;
	cx->iplist = *ipl;
	cx->tor = *tor;
	cx->iplist_name = o->iplist;
	cx->tor_name = o->tor;
	if (fe_nomem()) /* rules or lists incomplete: a selection would mislead */
		return errors + 1;
	if (select_rules(rs, o, cx) != 0)
		errors++;
	return errors;
}

/* 1 when some rule will run; else 0 after saying why (unless problems
 * said above already explain it). */
static int
any_rule(const struct ruleset *rs, const struct opts *o, int loaderr)
{
	size_t k;

	for (k = 0; k < rs->n; k++)
		if (rs->r[k]->enabled)
			return 1;
	/* "no findings" from no rules would read as a clean result */
	if (!loaderr)
		fe_diag(NULL, "no rules to run%s", rs->n ? " (every rule was left out)" :
			o->no_builtin && o->rules.n == 0 && o->sigma.n == 0 ? " (--no-builtin without --rules)" : "");
	return 0;
}

/* ---- the pass over the input ---- */
struct pass {
	const struct opts *o;
	struct ruleset *rs;
	struct corr_ctx *cx;
	struct runstate *state; /* --state, --output */
	struct judge jg;
	k8a_seen *seen;   /* (request, rule) pairs reported, per input file */
	char *lastpath;
	uint64_t records, seq;
	int trouble;
	struct context *ctx; /* what the input teaches (context.c) */
	int baseline;        /* reading --baseline: teach, raise nothing */
	struct scaleout *so; /* --partial: where each record was */
	int nargs;           /* the arguments of this pass */
	char **args;
};

/* 1 when the rule already reported another stage of the record's request
 * (stages of a request are written to one file, close together), else 0
 * (remembered now); K8A_FATAL. */
static int
folded(struct pass *p, k8a_event *ev, size_t rule)
{
	uint64_t key;

	if (!k8a_event_request_key(ev, &key))
		return 0;
	if (p->lastpath == NULL || strcmp(p->lastpath, k8a_event_origin(ev)->path) != 0) {
		free(p->lastpath);
		if ((p->lastpath = strdup(k8a_event_origin(ev)->path)) == NULL)
			return K8A_FATAL;
		k8a_seen_clear(p->seen);
	}
	return k8a_seen_add(p->seen, key, rule);
}

/* Whether a parsed record is one to judge (-w, --since, --until): 1 or 0
 * (also when -w cannot tell, reported as by k8saudit-grep), K8A_FATAL. */
static int
in_scope(struct pass *p, k8a_event *ev)
{
	const struct fe_scope *sc = &p->o->sc;
	int m;

	if (p->baseline) /* older logs teach whatever -w and the window say */
		return 1;
	if (sc->where && (m = k8a_expr_match(sc->where, ev)) != 1) {
		if (m == K8A_FATAL)
			return K8A_FATAL;
		if (m < 0) {
			fe_diag(k8a_event_where(ev), "%s", k8a_event_error(ev));
			p->trouble = 1;
		}
		return 0;
	}
	return fe_scope_in_window(sc, ev);
}

/* Parse the record for the first rule that needs it: 1 to go on, 0 when
 * it is not one to judge (an invalid record is reported), K8A_FATAL. */
static int
parse_record(struct pass *p, k8a_event *ev)
{
	if (k8a_event_json(ev) == NULL || k8a_event_source(ev) == K8A_SRC_UNKNOWN) {
		if (k8a_event_nomem(ev))
			return K8A_FATAL;
		if (!p->o->sc.silent)
			fe_diag(k8a_event_where(ev), "%s", k8a_event_error(ev));
		p->trouble = 1;
		return 0;
	}
	return in_scope(p, ev);
}

/* Whether rule ru (number k) matches the parsed record and is to report
 * it: 1 or 0, K8A_FATAL. */
static int
rule_fires(struct pass *p, struct rule *ru, size_t k, k8a_event *ev)
{
	int m;

	if (k8a_event_source(ev) != ru->source)
		return 0;
	if ((m = k8a_expr_match(ru->when, ev)) != 1) {
		if (m < 0 && m != K8A_FATAL) {
			/* a regex PCRE2 could not decide: no answer */
			if (!p->o->sc.silent)
				fe_diag(k8a_event_where(ev), "%s: %s", ru->id, k8a_event_error(ev));
			p->trouble = 1;
		}
		return m == K8A_FATAL ? K8A_FATAL : 0;
	}
	if (!p->o->sc.keep_stages && ru->source == K8A_SRC_K8S && (m = folded(p, ev, k)) != 0)
		return m == K8A_FATAL ? K8A_FATAL : 0;
	return 1;
}

/* Try the rules a record may match (try[0..ntry), or the first ntry when
 * try is NULL).  0, or -1 when memory ran out (said). */
static int
judge_record(struct pass *p, k8a_event *ev, const size_t *try, size_t ntry)
{
	struct snap *snap = NULL;
	const char *raw;
	size_t n, t, k;
	int parsed = 0, m;

	raw = k8a_event_raw(ev, &n);
	/* -w rules out what the record's text shows cannot match, unparsed */
	if (!p->baseline && p->o->sc.where && !p->o->no_prefilter && !k8a_expr_may_match(p->o->sc.where, ev))
		return 0;
	for (t = 0; t < ntry; t++) {
		struct rule *ru = p->rs->r[k = p->jg.rule_of[try ? try[t] : t]];
		if (p->baseline && !(ru->correlation && corr_teaches(ru)))
			continue;
		if (ru->correlation && corr_raw_check(ru, raw, n) == 0)
			continue;
		if (!parsed) {
			parsed = 1;
			if ((m = parse_record(p, ev)) != 1) {
				if (m == K8A_FATAL)
					goto nomem;
				break;
			}
		}
		if ((m = rule_fires(p, ru, k, ev)) != 1) {
			if (m == K8A_FATAL)
				goto nomem;
			continue;
		}
		if (snap == NULL && (snap = snap_new(ev, p->seq)) == NULL)
			goto nomem;
		snap->baseline = p->baseline;
		if (ru->routine && (m = snap_routine(snap, ru, ev)) != 0) {
			if (m == K8A_FATAL)
				goto nomem;
			p->trouble = 1; /* said */
		}
		if (ru->correlation)
			corr_feed(ru, p->cx, ev, snap);
		else if (secrets_rule(ru)) {
			if (secrets_judge(ru, ev, snap, p->cx->out) != 0)
				p->trouble = 1;
		} else
			findings_add(p->cx->out, ru, snap, ru->sev, NULL, NULL, evidence_collect(ru, ev));
		if (fe_nomem() || k8a_event_nomem(ev))
			goto nomem;
		if (p->cx->trouble)
			p->trouble = 1;
	}
	snap_unref(snap);
	return 0;
nomem:
	/* no finding of this run can be trusted complete */
	snap_unref(snap);
	fe_nomem_diag(k8a_event_where(ev));
	return -1;
}

/* Read every record, trying on each the rules the reader's judge says it
 * may match.  0, or -1 when memory ran out (said): no result is whole. */
static int
read_all(struct pass *p, k8a_reader *r)
{
	struct fe_run run = { 0 };
	k8a_event *ev;
	const size_t *try;
	size_t ntry;

	judge_free(&p->jg); /* a second pass (after --baseline) starts afresh */
	if ((p->seen == NULL && (p->seen = k8a_seen_new()) == NULL) ||
	    judge_init(&p->jg, p->rs, p->o->no_prefilter) != 0 || judge_attach(&p->jg, r) != 0) {
		fe_nomem_diag(NULL);
		return -1;
	}
	while ((ev = fe_next_record(r, &p->o->sc, &run)) != NULL) {
		/* records no rule can match were dropped by the judge */
		/* the operands' records sort after those of earlier runs */
		p->seq = (p->baseline ? 0 : p->state->seq_base) + run.records + k8a_reader_dropped(r);
		if (context_learn(p->ctx, ev) != 0 ||
		    (p->so && scaleout_record(p->so, p->baseline, p->nargs, p->args, ev, p->seq, p->ctx) != 0)) {
			fe_nomem_diag(k8a_event_where(ev));
			return -1;
		}
		try = judge_rules(&p->jg, r, &ntry);
		if (judge_record(p, ev, try, ntry) != 0)
			return -1;
	}
	p->records = run.records + k8a_reader_dropped(r);
	if (run.trouble)
		p->trouble = 1;
	/* out of memory (said): the input was not read whole, no finding */
	return run.fatal ? -1 : 0;
}

static void
pass_free(struct pass *p)
{
	judge_free(&p->jg);
	k8a_seen_free(p->seen);
	free(p->lastpath);
}

/* A reader over paths ("-" when there are none). */
static k8a_reader *
open_inputs(const struct opts *o, int n, char **paths)
{
	k8a_reader *r = k8a_reader_new();
	int i;

	if (r == NULL)
		return NULL;
	k8a_reader_set_threads(r, o->sc.threads ? o->sc.threads : fe_default_threads());
	fe_scope_reader(&o->sc, r);
	k8a_reader_set_progress(r, fe_progress_cb, r);
	if (n == 0)
		k8a_reader_add_path(r, "-");
	for (i = 0; i < n; i++)
		k8a_reader_add_path(r, paths[i]);
	return r;
}

/* One pass over paths.  0, or -1 when memory ran out (said). */
static int
read_paths(struct pass *p, int n, char **paths)
{
	k8a_reader *r = open_inputs(p->o, n, paths);
	static char stdin_arg[] = "-", *dash[] = { stdin_arg };
	int rc;

	p->nargs = n ? n : 1;
	p->args = n ? paths : dash;
	if (r == NULL) {
		fe_nomem_diag(NULL);
		return -1;
	}
	/* --baseline is read whole every time: it only teaches */
	if (!p->baseline)
		runstate_attach(p->state, r);
	rc = read_all(p, r);
	fe_progress_end();
	k8a_reader_free(r); /* first: its workers judge with the rules and p->jg */
	return rc;
}

/* Read the --baseline inputs (they teach, raise nothing), then the
 * operands, and run the correlations to their end.  0, or -1 when memory
 * ran out (said). */
static int finish(struct pass *p);

static int
run(struct pass *p, int argc, char **argv)
{
	if (p->o->baseline.n) {
		p->baseline = 1;
		if (read_paths(p, (int)p->o->baseline.n, p->o->baseline.v) != 0)
			return -1;
		p->baseline = 0;
	}
	if (read_paths(p, argc - fe_optind, argv + fe_optind) != 0)
		return -1;
	if (p->o->partial) /* the merge runs the ends, over every shard */
		return 0;
	return finish(p);
}

/* The correlations' ends, and grading by what the input taught. */
static int
finish(struct pass *p)
{
	size_t k;

	context_done(p->ctx);
	for (k = 0; k < p->rs->n; k++)
		if (p->rs->r[k]->enabled && p->rs->r[k]->correlation)
			corr_finish(p->rs->r[k], p->cx);
	grade_findings(p->cx->out, p->ctx);
	return 0;
}

/* ---- output ---- */
/* The count by severity on a terminal's standard error, at the end. */
static void
tally(const struct findings *fs, int min_sev, uint64_t records)
{
	size_t counts[SEV_COUNT_] = { 0 }, i, total = 0;
	int s, any = 0;

	for (i = 0; i < fs->n; i++)
		if ((int)fs->f[i].sev >= min_sev) {
			counts[fs->f[i].sev]++;
			total++;
		}
	fprintf(stderr, "%s: %zu finding%s in %llu record%s", fe_progname, total, total == 1 ? "" : "s",
		(unsigned long long)records, records == 1 ? "" : "s");
	for (s = SEV_CRITICAL; s >= SEV_INFO; s--) {
		if (!counts[s])
			continue;
		fprintf(stderr, "%s %zu %s", any ? "," : ":", counts[s], sev_names[s]);
		any = 1;
	}
	fputc('\n', stderr);
}

/* Print the findings at or above --min-severity, in time order, or
 * grouped.  The exit status they make: 1 when one is at or above
 * --fail-on, else 0; 2 when the grouping could not be made. */
static int
report(const struct opts *o, struct findings *fs)
{
	struct out out = { .fp = stdout, .fmt = o->fmt, .account = o->account, .region = o->region,
		.cluster = o->cluster };
	int status = FE_EXIT_OK;
	size_t k;

	findings_sort(fs);
	for (k = 0; k < fs->n; k++)
		if ((int)fs->f[k].sev >= o->min_sev && (int)fs->f[k].sev >= o->fail_on)
			status = FE_EXIT_NONE;
	if (o->group)
		return group_print(stdout, o->group, o->fmt == FMT_JSON, o->header, fs, o->min_sev) == 0 ?
			status : FE_EXIT_TROUBLE;
	if (fe_nomem()) /* a finding may be missing */
		goto nomem;
	if (o->header && o->fmt == FMT_TSV)
		output_tsv_header(stdout);
	for (k = 0; k < fs->n; k++)
		if ((int)fs->f[k].sev >= o->min_sev && output_finding(&out, &fs->f[k]) != 0)
			goto nomem;
	if (output_end(&out)) /* a finding written with a stand-in, or left out */
		return FE_EXIT_TROUBLE;
	return status;
nomem:
	fe_nomem_diag(NULL);
	return FE_EXIT_TROUBLE;
}

/* Everything after the options; the exit status. */
static int
findings_main(const struct opts *o, int argc, char **argv)
{
	struct ruleset rs = { 0 };
	struct findings fs = { 0 };
	struct context ctx;
	struct corr_ctx cx = { .out = &fs, .ctx = &ctx };
	struct runstate state = { .fs = { .outfd = -1 } };
	struct pass pass = { .o = o, .rs = &rs, .cx = &cx, .ctx = &ctx, .state = &state };
	struct iplist *ipl = NULL, *tor = NULL, *aws = NULL;
	struct scaleout so = { 0 };
	int loaderr, status = FE_EXIT_TROUBLE, trouble;

	/* made after the options: --help and --version leave nothing behind */
	if (context_init(&ctx) != 0) {
		fe_nomem_diag(NULL);
		goto done;
	}
	loaderr = load_rules(&rs, o, &cx, &ipl, &tor, &aws);
	ctx.aws = aws;
	/* creds-in-bodies: the secret types beside the rules (secrets.c) */
	if (!o->list && !fe_nomem())
		loaderr += secrets_init(&rs, fe_rules_dir());
	if (fe_nomem()) { /* rules or lists incomplete */
		fe_nomem_diag(NULL);
		goto done;
	}
	if (!any_rule(&rs, o, loaderr))
		goto done;
	if (o->list) {
		if (output_list_rules(&rs, o->fmt != FMT_TSV && o->fmt != FMT_CSV) != 0)
			fe_nomem_diag(NULL);
		else
			status = loaderr ? FE_EXIT_TROUBLE : FE_EXIT_OK;
		goto done;
	}
	cx.partial = o->partial != NULL;
	if (o->partial && scaleout_init(&so) != 0) {
		fe_nomem_diag(NULL);
		goto done;
	}
	pass.so = o->partial ? &so : NULL;
	if (runstate_open(&state, o->state, o->state_reset, o->output, o->sc.limit[FE_LIMIT_STATE]) != 0 ||
	    runstate_resume(&state, &rs, &cx, &ctx) != 0)
		goto done;
	if (o->merge) {
		if (partial_merge(argc - fe_optind, argv + fe_optind, &rs, &fs, &ctx, &pass.records, &pass.trouble,
		    o->partial ? &so : NULL, o->sc.limit[FE_LIMIT_STATE]) != 0 ||
		    (!o->partial && finish(&pass) != 0))
			goto done;
	} else if (run(&pass, argc, argv) != 0)
		goto done;
	trouble = loaderr || pass.trouble;
	if (o->partial) {
		/* the merge reports; a shard says only whether it went well */
		status = partial_write(o->partial, &so, &rs, &fs, &ctx, pass.records, trouble,
		    o->sc.limit[FE_LIMIT_STATE]) != 0 || trouble ?
			FE_EXIT_TROUBLE : FE_EXIT_OK;
		goto done;
	}
	runstate_filter(&state, &fs);
	status = report(o, &fs);
	/* the findings written, then the state that says so */
	if (status != FE_EXIT_TROUBLE && !fe_nomem() && runstate_commit(&state, pass.records, &ctx) != 0)
		status = trouble = FE_EXIT_TROUBLE;
	if (isatty(2))
		tally(&fs, o->min_sev, pass.records);
	if (trouble)
		status = FE_EXIT_TROUBLE;
done:
	if (fe_finish_stdout() != 0)
		status = FE_EXIT_TROUBLE;
	pass_free(&pass);
	scaleout_free(&so);
	runstate_free(&state);
	findings_free(&fs);
	secrets_free();
	rules_free(&rs);
	iplist_free(ipl);
	iplist_free(tor);
	iplist_free(aws);
	context_free(&ctx);
	return status;
}

int
main(int argc, char **argv)
{
	struct opts o;
	int status;

	fe_init(argv[0]);
	memset(&o, 0, sizeof(o));
	o.fail_on = SEV_INFO;
	if (parse_options(&o, argc, argv, &status) == 0) {
		if (fe_nomem()) { /* an option lost */
			fe_nomem_diag(NULL);
			status = FE_EXIT_TROUBLE;
		} else
			status = findings_main(&o, argc, argv);
	}
	opts_free(&o);
	return status;
}
