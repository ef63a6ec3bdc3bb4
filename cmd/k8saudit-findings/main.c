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
	"[-s] [-j N] [--rules FILE]... [--rule ID]... [--skip-rule ID]... [--min-severity SEV] [--fail-on SEV]\n"
	"       [--json | --format tsv|json|ocsf|asff] [--ip-list FILE] [--tor-exits FILE] [PATH...]\n"
	"       k8saudit-findings --list-rules [--json]";

enum {
	O_RULES, O_NO_BUILTIN, O_LIST, O_RULE, O_SKIP, O_MIN_SEV, O_FAIL_ON, O_JSON, O_FORMAT,
	O_IPLIST, O_TOR, O_KEEP_STAGES, O_NO_PREFILTER, O_THREADS, O_SILENT, O_HELP, O_VERSION,
};

static const struct fe_opt opts[] = {
	[O_RULES] = { "rules", 0, 1, "FILE", "also load the rules in FILE (or every *.rules below a directory)" },
	[O_NO_BUILTIN] = { "no-builtin", 0, 0, NULL, "do not load the installed rules; only --rules" },
	[O_LIST] = { "list-rules", 0, 0, NULL, "print the selected rules and exit" },
	[O_RULE] = { "rule", 0, 1, "ID", "run only this rule (repeatable; a trailing * matches a prefix)" },
	[O_SKIP] = { "skip-rule", 0, 1, "ID", "do not run this rule (repeatable; a trailing * matches a prefix)" },
	[O_MIN_SEV] = { "min-severity", 0, 1, "SEV", "only rules and findings at or above SEV (info low medium high critical)" },
	[O_FAIL_ON] = { "fail-on", 0, 1, "SEV", "exit 1 only for findings at or above SEV (default: info)" },
	[O_JSON] = { "json", 0, 0, NULL, "print one JSON object per finding (same as --format json)" },
	[O_FORMAT] = { "format", 0, 1, "FMT", "tsv (default), json, ocsf (OCSF 1.1 class 2004) or asff" },
	[O_IPLIST] = { "ip-list", 0, 1, "FILE", "your threat list: IPs and CIDRs, one per line" },
	[O_TOR] = { "tor-exits", 0, 1, "FILE", "a list of Tor exit addresses" },
	[O_KEEP_STAGES] = { "keep-stages", 0, 0, NULL, "report every stage of a request, not just the first that matches" },
	[O_NO_PREFILTER] = { "no-prefilter", 0, 0, NULL, "parse every record and try every rule (for checking the prefilter)" },
	[O_THREADS] = { "threads", 'j', 1, "N", "read up to N files at once (default: the number of CPUs; output is the same)" },
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

/* ---- stage de-duplication per (rule, auditID) ----
 * Two generations of 64-bit hashes: the newest 1<<16 requests are always
 * remembered, memory stays bounded, and stages of one request (written
 * close together) are caught.  Reset when the input file changes. */
#define DD_SLOTS (1u << 17)
#define DD_GEN (1u << 16)
struct dedupe {
	uint64_t *cur, *old;
	size_t ncur;
};

static uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;

	while (n--)
		h = (h ^ *s++) * 1099511628211ULL;
	return h;
}

static int
dd_has(const uint64_t *t, uint64_t h)
{
	size_t i = (size_t)(h & (DD_SLOTS - 1));

	if (t == NULL)
		return 0;
	while (t[i]) {
		if (t[i] == h)
			return 1;
		i = (i + 1) & (DD_SLOTS - 1);
	}
	return 0;
}

/* 1 when (rule, id) was seen, else remember it and return 0. */
static int
dd_seen(struct dedupe *d, size_t rule, const char *id)
{
	uint64_t h = fnv(fnv(14695981039346656037ULL, &rule, sizeof(rule)), id, strlen(id));
	size_t i;

	if (h == 0)
		h = 1;
	if (dd_has(d->cur, h) || dd_has(d->old, h))
		return 1;
	if (d->cur == NULL || d->ncur >= DD_GEN) {
		free(d->old);
		d->old = d->cur;
		d->cur = calloc(DD_SLOTS, sizeof(uint64_t));
		d->ncur = 0;
		if (d->cur == NULL)
			return 0;
	}
	i = (size_t)(h & (DD_SLOTS - 1));
	while (d->cur[i])
		i = (i + 1) & (DD_SLOTS - 1);
	d->cur[i] = h;
	d->ncur++;
	return 0;
}

static void
dd_reset(struct dedupe *d)
{
	free(d->cur);
	free(d->old);
	d->cur = d->old = NULL;
	d->ncur = 0;
}

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
		if ((int)r->sev < o->min_sev)
			r->enabled = 0;
		if (!o->list && r->enabled && r->correlation && !corr_usable(r, cx)) {
			/* asked for by name: say why nothing will come of it */
			for (j = 0; j < o->only.n; j++)
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

int
main(int argc, char **argv)
{
	struct opts o;
	struct ruleset rs = { 0 };
	struct findings fs = { 0 };
	struct corr_ctx cx;
	struct dedupe dd = { 0 };
	struct iplist *ipl = NULL, *tor = NULL;
	k8a_reader *r = NULL;
	k8a_event *ev;
	const char *arg, *builtin;
	char *lastpath = NULL;
	uint64_t records = 0, seq = 0;
	int oc, i, trouble = 0, status = FE_EXIT_OK, loaderr = 0;
	k8a_exprset *xs = NULL;
	struct judge *jg = NULL;
	const size_t *try = NULL;
	const char *where, *msg;
	size_t ntry = 0;
	uint64_t skipped;
	int jk;
	size_t *rule_of = NULL, nrules = 0; /* rule of each set member */
	size_t k;

	fe_init(argv[0]);
	memset(&o, 0, sizeof(o));
	memset(&cx, 0, sizeof(cx));
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
		case O_THREADS: {
			char *end;
			long n = strtol(arg, &end, 10);
			if (*end || n < 1 || n > 64) {
				fe_usage_error(synopsis, "-j: not a thread count from 1 to 64: '%s'", arg);
				goto usage;
			}
			o.threads = (int)n;
			break;
		}
		case O_SILENT: o.silent = 1; break;
		case O_HELP:
			fe_help(stdout, synopsis,
				"Report findings (detections) in Kubernetes audit logs and CloudTrail, offline.\n"
				"Rules come from the installed catalog and --rules files (k8saudit-rules(5)).\n"
				"Default output: one tab-separated line per finding, sorted by time: time,\n"
				"severity, rule, GuardDuty type, actor, source IP, what was done, location.\n"
				"Exit status: 0 no findings at or above --fail-on, 1 findings, 2 trouble.",
				opts);
			return FE_EXIT_OK;
		case O_VERSION:
			fe_version();
			return FE_EXIT_OK;
		default:
			goto usage;
		}
	}

	/* ---- rules ---- */
	{
		struct stat st;
		builtin = getenv("K8SAUDIT_RULES_DIR");
		/* not installed yet: run from the build tree with the source rules */
		if ((builtin == NULL || *builtin == '\0') && stat(K8A_DATADIR "/rules", &st) != 0 &&
		    stat(K8A_SRCDIR "/rules", &st) == 0)
			builtin = K8A_SRCDIR "/rules";
		if (builtin == NULL || *builtin == '\0')
			builtin = K8A_DATADIR "/rules";
	}
	if (!o.no_builtin)
		rules_load_path(&rs, builtin);
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
	for (k = 0; k < rs.n && !o.list; k++)
		if (rs.r[k]->enabled && secrets_rule(rs.r[k]))
			loaderr += secrets_init(builtin);
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
	if (fe_optind >= argc)
		k8a_reader_add_path(r, "-");
	for (i = fe_optind; i < argc; i++)
		k8a_reader_add_path(r, argv[i]);
	/* The rules a record may match are told from its text, without
	 * parsing it (k8a_exprset); --no-prefilter tries them all. */
	if ((xs = k8a_exprset_new()) == NULL || (rule_of = calloc(rs.n + 1, sizeof(*rule_of))) == NULL)
		goto nomem;
	for (k = 0; k < rs.n; k++) {
		if (!rs.r[k]->enabled)
			continue;
		if (k8a_exprset_add(xs, rs.r[k]->when, rs.r[k]->source, rule_literals(rs.r[k])) < 0)
			goto nomem;
		rule_of[nrules++] = k;
	}
	/* the reader and the rules' quick judging run on a second thread */
	if ((jg = judge_new(r, o.no_prefilter ? NULL : xs)) == NULL)
		goto nomem;
	for (;;) {
		struct snap *snap = NULL;
		const char *raw, *path, *id;
		size_t n, t;
		int parsed = 0;

		jk = judge_next(jg, &ev, &try, &ntry, &where, &msg, &skipped);
		records += skipped; /* read, and no rule can match them */
		seq += skipped;
		if (jk == J_END)
			break;
		if (jk == J_FATAL) {
			fe_diag(where, "%s", msg);
			trouble = 1;
			break;
		}
		if (jk == J_WARN) {
			if (!o.silent)
				fe_diag(where, "%s", msg);
			trouble = 1;
			continue;
		}
		records++;
		seq++;
		path = k8a_event_origin(ev)->path;
		if (lastpath == NULL || strcmp(lastpath, path) != 0) {
			free(lastpath);
			lastpath = strdup(path);
			dd_reset(&dd);
		}
		raw = k8a_event_raw(ev, &n);
		if (o.no_prefilter)
			ntry = nrules;
		for (t = 0; t < ntry; t++) {
			struct rule *ru = rs.r[k = rule_of[o.no_prefilter ? t : try[t]]];
			if (ru->correlation && corr_raw_check(ru, raw, n) == 0)
				continue;
			if (!o.no_prefilter && secrets_rule(ru) && !secrets_may_hold(ev))
				continue;
			if (!parsed) {
				parsed = 1;
				if (k8a_event_json(ev) == NULL || k8a_event_source(ev) == K8A_SRC_UNKNOWN) {
					if (!o.silent)
						fe_diag(k8a_event_where(ev), "%s", k8a_event_error(ev));
					trouble = 1;
					break;
				}
			}
			if (k8a_event_source(ev) != ru->source)
				continue;
			if (k8a_expr_match(ru->when, ev) != 1)
				continue;
			if (!o.keep_stages && ru->source == K8A_SRC_K8S && (id = k8a_event_str(ev, K8A_F_ID)) &&
			    dd_seen(&dd, k, id))
				continue;
			if (snap == NULL && (snap = snap_new(ev, seq)) == NULL)
				break;
			if (ru->correlation)
				corr_feed(ru, &cx, ev, snap);
			else if (secrets_rule(ru)) {
				if (secrets_judge(ru, ev, snap, &fs) != 0)
					trouble = 1;
			} else
				findings_add(&fs, ru, snap, ru->sev, NULL, NULL, evidence_collect(ru, ev));
		}
		snap_unref(snap);
	}
	judge_free(jg);
	jg = NULL;
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
		summary(&fs, o.min_sev, records);
	goto done;
nomem:
	fe_diag(NULL, "out of memory");
	trouble = 1;
done:
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fe_diag("<stdout>", "write error");
		trouble = 1;
	}
	free(lastpath);
	judge_free(jg);
	k8a_exprset_free(xs);
	free(rule_of);
	dd_reset(&dd);
	findings_free(&fs);
	secrets_free();
	rules_free(&rs);
	iplist_free(ipl);
	iplist_free(tor);
	k8a_reader_free(r);
	strv_free(&o.rules);
	strv_free(&o.only);
	strv_free(&o.skip);
	if (o.list && loaderr)
		return FE_EXIT_TROUBLE;
	return trouble ? FE_EXIT_TROUBLE : status;
usage:
	/* a usage error, already reported */
	strv_free(&o.rules);
	strv_free(&o.only);
	strv_free(&o.skip);
	return FE_EXIT_TROUBLE;
}
