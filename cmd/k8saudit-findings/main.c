/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * k8saudit-findings: detections over Kubernetes audit logs and CloudTrail.
 * Rules are data (k8saudit-rules(5)); a few stateful ones are in corr.c.
 */
#include <ctype.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

#include "findings.h"

static const char synopsis[] =
	"[-s] [-j N] [--strict] [--rules FILE]... [--rule ID]... [--skip-rule ID]... [--min-severity SEV] [--fail-on SEV]\n"
	"       [--json | --format tsv|json|ocsf|asff] [--ip-list FILE] [--tor-exits FILE] [PATH...]\n"
	"       k8saudit-findings --list-rules [--json]";

enum {
	O_RULES, O_NO_BUILTIN, O_LIST, O_RULE, O_SKIP, O_MIN_SEV, O_FAIL_ON, O_JSON, O_FORMAT,
	O_IPLIST, O_TOR, O_KEEP_STAGES, O_NO_PREFILTER, O_STRICT, O_THREADS, O_SILENT, O_HELP, O_VERSION,
};

static const struct fe_opt opts[] = {
	[O_RULES] = { "rules", 0, 1, "FILE", "also load the rules in FILE (or every *.rules below a directory)" },
	[O_NO_BUILTIN] = { "no-builtin", 0, 0, NULL, "do not load the installed rules; only --rules" },
	[O_LIST] = { "list-rules", 0, 0, NULL, "print the selected rules and exit" },
	[O_RULE] = { "rule", 0, 1, "ID", "run only this rule (repeatable; a trailing * matches a prefix)" },
	[O_SKIP] = { "skip-rule", 0, 1, "ID", "do not run this rule (repeatable; a trailing * matches a prefix)" },
	[O_MIN_SEV] = { "min-severity", 0, 1, "SEV", "only findings at or above SEV (info low medium high critical); with --list-rules, rules that can report it" },
	[O_FAIL_ON] = { "fail-on", 0, 1, "SEV", "exit 1 only for findings at or above SEV (default: info)" },
	[O_JSON] = { "json", 0, 0, NULL, "print one JSON object per finding (same as --format json)" },
	[O_FORMAT] = { "format", 0, 1, "FMT", "tsv (default), json, ocsf (OCSF 1.1 class 2004) or asff" },
	[O_IPLIST] = { "ip-list", 0, 1, "FILE", "your threat list: IPs and CIDRs, one per line" },
	[O_TOR] = { "tor-exits", 0, 1, "FILE", "a list of Tor exit addresses" },
	[O_KEEP_STAGES] = { "keep-stages", 0, 0, NULL, "report every stage of a request, not just the first that matches" },
	[O_NO_PREFILTER] = { "no-prefilter", 0, 0, NULL, "parse every record and try every rule (for checking the prefilter)" },
	[O_STRICT] = { "strict", 0, 0, NULL, "make warnings about rules (unknown fields) errors" },
	[O_THREADS] = { "threads", 'j', 1, "N", FE_OPT_THREADS_HELP },
	[O_SILENT] = { "no-messages", 's', 0, NULL, "suppress messages about unreadable inputs and records" },
	[O_HELP] = { "help", 0, 0, NULL, "print this help and exit" },
	[O_VERSION] = { "version", 'V', 0, NULL, "print versions and exit" },
	{ NULL, 0, 0, NULL, NULL },
};

struct opts {
	struct strv rules, only, skip;
	int no_builtin, list, keep_stages, no_prefilter, silent, threads;
	int min_sev, fail_on;
	enum fmt fmt;
	const char *iplist, *tor;
};

/* ---- rule selection ---- */
static int
matches_any(const struct strv *pats, const char *id)
{
	size_t i;

	for (i = 0; i < pats->n; i++)
		if (fnmatch(pats->v[i], id, 0) == 0)
			return 1;
	return 0;
}

static int
select_rules(struct ruleset *rs, const struct opts *o, const struct corr_ctx *cx)
{
	size_t i, j;
	int bad = 0;

	for (i = 0; i < o->only.n; i++) {
		for (j = 0; j < rs->n; j++)
			if (fnmatch(o->only.v[i], rs->r[j]->id, 0) == 0)
				break;
		if (j == rs->n) {
			fe_diag(NULL, "--rule %s: no such rule", o->only.v[i]);
			bad = 1;
		}
	}
	for (i = 0; i < rs->n; i++) {
		struct rule *r = rs->r[i];
		if (o->only.n && !matches_any(&o->only, r->id))
			r->enabled = 0;
		if (matches_any(&o->skip, r->id))
			r->enabled = 0;
		/* --min-severity filters findings by the severity they are
		 * reported with, which a correlation may raise above the
		 * rule's own (K8S-ANON-001 is high, critical beyond
		 * discovery): only a listing leaves rules out by it */
		if (o->list && (int)corr_max_sev(r) < o->min_sev)
			r->enabled = 0;
		if (!o->list && r->enabled && r->correlation && !corr_usable(r, cx)) {
			/* asked for by name: say why nothing will come of it
			 * (unless a list given could not be read: said above) */
			for (j = 0; j < o->only.n && !o->iplist && !o->tor; j++)
				if (strcmp(o->only.v[j], r->id) == 0) {
					fe_diag(NULL, "--rule %s: %s", r->id, corr_known(r->id) ?
						"needs --ip-list or --tor-exits" : "no C implementation in this program");
					bad = 1;
				}
			r->enabled = 0;
		}
	}
	return bad;
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

static void
summary(const struct findings *fs, int min_sev, uint64_t records)
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

/* ---- the pass over the input ---- */
struct pass {
	const struct opts *o;
	struct ruleset *rs;
	struct corr_ctx *cx;
	struct findings *fs;
	struct judge jg;
	k8a_seen *seen;   /* (request, rule) pairs reported, per input file */
	char *lastpath;
	uint64_t records, seq;
	int trouble;
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
	for (t = 0; t < ntry; t++) {
		struct rule *ru = p->rs->r[k = p->jg.rule_of[try ? try[t] : t]];
		if (ru->correlation && corr_raw_check(ru, raw, n) == 0)
			continue;
		/* creds-in-bodies: no keyword of any secret type, no parse */
		if (!p->o->no_prefilter && secrets_rule(ru) && !secrets_may_hold(ev))
			continue;
		if (!parsed) {
			parsed = 1;
			if (k8a_event_json(ev) == NULL || k8a_event_source(ev) == K8A_SRC_UNKNOWN) {
				if (!p->o->silent)
					fe_diag(k8a_event_where(ev), "%s", k8a_event_error(ev));
				p->trouble = 1;
				break;
			}
		}
		if (k8a_event_source(ev) != ru->source)
			continue;
		if ((m = k8a_expr_match(ru->when, ev)) != 1) {
			if (m == K8A_FATAL)
				goto nomem;
			if (m < 0) {
				/* a regex PCRE2 could not decide: no answer */
				if (!p->o->silent)
					fe_diag(k8a_event_where(ev), "%s: %s", ru->id, k8a_event_error(ev));
				p->trouble = 1;
			}
			continue;
		}
		if (!p->o->keep_stages && ru->source == K8A_SRC_K8S && (m = folded(p, ev, k)) != 0) {
			if (m == K8A_FATAL)
				goto nomem;
			continue;
		}
		if (snap == NULL && (snap = snap_new(ev, p->seq)) == NULL)
			goto nomem;
		if (ru->correlation)
			corr_feed(ru, p->cx, ev, snap);
		else if (secrets_rule(ru)) {
			if (secrets_judge(ru, ev, snap, p->fs) != 0)
				p->trouble = 1;
		} else
			findings_add(p->fs, ru, snap, ru->sev, NULL, NULL, evidence_collect(ru, ev));
		if (p->cx->nomem)
			goto nomem;
		if (p->cx->trouble)
			p->trouble = 1;
	}
	snap_unref(snap);
	return 0;
nomem:
	/* no finding of this run can be trusted complete */
	snap_unref(snap);
	fe_diag(k8a_event_where(ev), "out of memory");
	return -1;
}

/* Read every record, trying on each the rules the reader's judge says it
 * may match.  0, or -1 when memory ran out (said): no result is whole. */
static int
read_all(struct pass *p, k8a_reader *r)
{
	k8a_event *ev;
	const size_t *try;
	size_t ntry;
	int rc;

	if ((p->seen = k8a_seen_new()) == NULL || judge_init(&p->jg, p->rs, p->o->no_prefilter) != 0 ||
	    judge_attach(&p->jg, r) != 0) {
		fe_diag(NULL, "out of memory");
		return -1;
	}
	while ((rc = k8a_reader_next(r, &ev)) != K8A_EOF) {
		if (rc == K8A_FATAL) {
			fe_diag(k8a_reader_where(r), "%s", k8a_reader_error(r));
			p->trouble = 1;
			break;
		}
		if (rc == K8A_WARN) {
			if (!p->o->silent)
				fe_diag(k8a_reader_where(r), "%s", k8a_reader_error(r));
			p->trouble = 1;
			continue;
		}
		/* records no rule can match were dropped by the judge */
		p->seq = ++p->records + k8a_reader_dropped(r);
		if ((p->records & 0xfff) == 0)
			fe_progress(r, p->seq);
		try = judge_rules(&p->jg, r, &ntry);
		if (judge_record(p, ev, try, ntry) != 0)
			return -1;
	}
	p->records += k8a_reader_dropped(r);
	return 0;
}

static void
pass_free(struct pass *p)
{
	judge_free(&p->jg);
	k8a_seen_free(p->seen);
	free(p->lastpath);
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct ruleset rs = { 0 };
	struct findings fs = { 0 };
	struct corr_ctx cx;
	struct pass pass;
	struct iplist *ipl = NULL, *tor = NULL;
	k8a_reader *r = NULL;
	const char *arg;
	int oc, i, trouble = 0, status = FE_EXIT_OK, loaderr = 0;
	size_t k, nrules;

	fe_init(argv[0]);
	memset(&o, 0, sizeof(o));
	memset(&cx, 0, sizeof(cx));
	memset(&pass, 0, sizeof(pass));
	o.fail_on = SEV_INFO;
	while ((oc = fe_getopt(argc, argv, opts, &arg)) != -1) {
		switch (oc) {
		case O_RULES: strv_push(&o.rules, arg); break;
		case O_NO_BUILTIN: o.no_builtin = 1; break;
		case O_LIST: o.list = 1; break;
		case O_RULE: strv_push(&o.only, arg); break;
		case O_SKIP: strv_push(&o.skip, arg); break;
		case O_MIN_SEV:
			if (parse_sev(opts[oc].lng, arg, &o.min_sev) != 0)
				goto usage;
			break;
		case O_FAIL_ON:
			if (parse_sev(opts[oc].lng, arg, &o.fail_on) != 0)
				goto usage;
			break;
		case O_JSON: o.fmt = FMT_JSON; break;
		case O_FORMAT:
			if (strcmp(arg, "tsv") == 0)
				o.fmt = FMT_TSV;
			else if (strcmp(arg, "json") == 0)
				o.fmt = FMT_JSON;
			else if (strcmp(arg, "ocsf") == 0)
				o.fmt = FMT_OCSF;
			else if (strcmp(arg, "asff") == 0)
				o.fmt = FMT_ASFF;
			else {
				fe_usage_error(synopsis, "--format: unknown format '%s' (tsv, json, ocsf, asff)", arg);
				goto usage;
			}
			break;
		case O_IPLIST: o.iplist = arg; break;
		case O_TOR: o.tor = arg; break;
		case O_KEEP_STAGES: o.keep_stages = 1; break;
		case O_NO_PREFILTER: o.no_prefilter = 1; break;
		case O_STRICT: rs.strict = 1; break;
		case O_THREADS:
			if (fe_parse_threads(arg, &o.threads) != 0) {
				fe_usage_error(synopsis, "-j: not a thread count from 1 to 64: '%s'", arg);
				goto usage;
			}
			break;
		case O_SILENT: o.silent = 1; break;
		case O_HELP:
			fe_help(stdout, synopsis,
				"Report findings (detections) in Kubernetes audit logs and CloudTrail, offline.\n"
				"Rules come from the installed catalog and --rules files (k8saudit-rules(5)).\n"
				"Default output: one tab-separated line per finding, sorted by time: time,\n"
				"severity, rule, GuardDuty type, actor, source IP, what was done, location.\n"
				"Exit status: 0 no findings at or above --fail-on, 1 findings, 2 trouble.",
				opts);
			return fe_finish_stdout() ? FE_EXIT_TROUBLE : FE_EXIT_OK;
		case O_VERSION:
			fe_version();
			return fe_finish_stdout() ? FE_EXIT_TROUBLE : FE_EXIT_OK;
		default:
			goto usage;
		}
	}

	/* ---- rules ---- */
	if (!o.no_builtin) {
		struct stat st;
		if (stat(fe_rules_dir(), &st) != 0) {
			fe_diag(fe_rules_dir(), "the rule catalog is not there (not installed? "
				"set K8SAUDIT_RULES_DIR, or give --no-builtin and --rules)");
			rs.errors++;
		} else
			rules_load_path(&rs, fe_rules_dir());
	}
	for (k = 0; k < o.rules.n; k++)
		rules_load_path(&rs, o.rules.v[k]);
	loaderr = rs.errors;
	if (o.iplist && (ipl = iplist_load(o.iplist, &loaderr)) == NULL)
		loaderr++;
	if (o.tor && (tor = iplist_load(o.tor, &loaderr)) == NULL)
		loaderr++;
	cx.out = &fs;
	cx.iplist = ipl;
	cx.tor = tor;
	cx.iplist_name = o.iplist;
	cx.tor_name = o.tor;
	if (select_rules(&rs, &o, &cx) != 0)
		loaderr++;
	/* creds-in-bodies: the secret types beside the rules (secrets.c) */
	if (!o.list)
		loaderr += secrets_init(&rs, fe_rules_dir());
	for (k = 0, nrules = 0; k < rs.n; k++)
		nrules += rs.r[k]->enabled != 0;
	if (nrules == 0) {
		/* "no findings" from no rules would read as a clean result */
		if (!loaderr) /* else a message above says why */
			fe_diag(NULL, "no rules to run%s", rs.n ? " (every rule was left out)" :
				o.no_builtin && o.rules.n == 0 ? " (--no-builtin without --rules)" : "");
		status = FE_EXIT_TROUBLE;
		goto done;
	}
	if (o.list) {
		output_list_rules(stdout, &rs, o.fmt != FMT_TSV);
		status = FE_EXIT_OK;
		goto done;
	}
	if (loaderr)
		trouble = 1;

	/* ---- the pass over the input ---- */
	if ((r = k8a_reader_new()) == NULL) {
		fe_diag(NULL, "out of memory");
		trouble = 1;
		goto done;
	}
	k8a_reader_set_threads(r, o.threads ? o.threads : fe_default_threads());
	k8a_reader_set_progress(r, fe_progress_cb, r);
	if (fe_optind >= argc)
		k8a_reader_add_path(r, "-");
	for (i = fe_optind; i < argc; i++)
		k8a_reader_add_path(r, argv[i]);
	pass.o = &o;
	pass.rs = &rs;
	pass.cx = &cx;
	pass.fs = &fs;
	if (read_all(&pass, r) != 0)
		goto fatal;
	if (pass.trouble)
		trouble = 1;
	fe_progress_end();
	for (k = 0; k < rs.n; k++)
		if (rs.r[k]->enabled && rs.r[k]->correlation)
			corr_finish(rs.r[k], &cx);

	/* ---- output ---- */
	findings_sort(&fs);
	for (k = 0; k < fs.n; k++) {
		if ((int)fs.f[k].sev < o.min_sev)
			continue;
		output_finding(stdout, o.fmt, &fs.f[k]);
		if ((int)fs.f[k].sev >= o.fail_on)
			status = FE_EXIT_NONE;
	}
	if (isatty(2))
		summary(&fs, o.min_sev, pass.records);
	goto done;
fatal:
	trouble = 1;
done:
	if (fe_finish_stdout() != 0)
		trouble = 1;
	k8a_reader_free(r); /* its workers judge with the rules and pass.jg */
	pass_free(&pass);
	findings_free(&fs);
	secrets_free();
	rules_free(&rs);
	iplist_free(ipl);
	iplist_free(tor);
	strv_free(&o.rules);
	strv_free(&o.only);
	strv_free(&o.skip);
	if (o.list && loaderr)
		return FE_EXIT_TROUBLE;
	return trouble || status == FE_EXIT_TROUBLE ? FE_EXIT_TROUBLE : status;
usage:
	/* a usage error, already reported */
	strv_free(&o.rules);
	strv_free(&o.only);
	strv_free(&o.skip);
	return FE_EXIT_TROUBLE;
}
