/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * k8saudit-report: the incident as one self-contained HTML page.  With log
 * paths it runs k8saudit-findings, rbac-diff and secret-scan over them
 * (with the same scope options), counts the records itself, and folds
 * their JSON into the page; with --results it reads JSON lines those tools
 * wrote elsewhere.  See k8saudit-report(1).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"

static const char synopsis[] =
	"[-s] [-j N] [-w EXPR]... [--since TIME] [--until TIME] [--strict] [--keep-stages]\n"
	"       [--rules FILE]... [--fingerprint-key FILE] [--results FILE]... [--title TEXT]\n"
	"       [--json] [-o FILE] [PATH...]";

enum {
	O_OUTPUT, O_RESULTS, O_TITLE, O_JSON, O_RULES, O_KEY, O_WHERE, O_SINCE, O_UNTIL, O_KEEP_STAGES,
	O_STRICT, O_THREADS, O_LIMIT, O_SILENT, O_HELP, O_VERSION,
};

static const struct fe_opt opts[] = {
	[O_OUTPUT] = { "output", 'o', 1, "FILE", "write the page to FILE (default: standard output)" },
	[O_RESULTS] = { "results", 0, 1, "FILE", "also read FILE: JSON lines of k8saudit-findings, rbac-diff or secret-scan --json, or a k8saudit-findings --partial (repeatable)" },
	[O_TITLE] = { "title", 0, 1, "TEXT", "the report's title (default: \"Incident report\")" },
	[O_JSON] = { "json", 0, 0, NULL, "print the data the page embeds, as JSON, instead of the page" },
	[O_RULES] = { "rules", 0, 1, "FILE", "also load the detection rules in FILE (as k8saudit-findings --rules; repeatable)" },
	[O_KEY] = { "fingerprint-key", 0, 1, "FILE", "the case's fingerprint key for secret-scan" },
	[O_WHERE] = FE_OPT_WHERE,
	[O_SINCE] = FE_OPT_SINCE,
	[O_UNTIL] = FE_OPT_UNTIL,
	[O_KEEP_STAGES] = FE_OPT_KEEP_STAGES,
	[O_STRICT] = FE_OPT_STRICT,
	[O_THREADS] = FE_OPT_THREADS,
	[O_LIMIT] = FE_OPT_LIMIT,
	[O_SILENT] = FE_OPT_SILENT,
	[O_HELP] = { "help", 0, 0, NULL, "print this help and exit" },
	[O_VERSION] = { "version", 'V', 0, NULL, "print versions and exit" },
	{ NULL, 0, 0, NULL, NULL },
};

struct opts {
	struct fe_scope scope;
	const char *output, *title, *key;
	int json;
	const char **results, **rules, **pass; /* pass: scope options for the tools, as given */
	const char **limits;                   /* --limit, also for merging partials */
	size_t nresults, nrules, npass, nlimits;
};

static int
push(const char ***v, size_t *n, const char *s)
{
	const char **nv = realloc(*v, (*n + 2) * sizeof(**v));

	if (nv == NULL) {
		fe_nomem_note();
		return -1;
	}
	nv[(*n)++] = s;
	nv[*n] = NULL;
	*v = nv;
	return 0;
}

/* 0 go on, 1 done (--help, --version), -1 usage error. */
static int
parse_options(int argc, char **argv, struct opts *o, struct model *m)
{
	const char *arg;
	int c, r = 0;
	char buf[16];

	while ((c = fe_getopt(argc, argv, opts, &arg)) != -1) {
		switch (c) {
		case O_OUTPUT:
			o->output = arg;
			break;
		case O_RESULTS:
			r = push(&o->results, &o->nresults, arg);
			break;
		case O_TITLE:
			o->title = arg;
			break;
		case O_JSON:
			o->json = 1;
			break;
		case O_RULES:
			r = push(&o->rules, &o->nrules, arg);
			model_option(m, "rules", arg);
			break;
		case O_KEY:
			o->key = arg;
			break;
		case O_WHERE:
		case O_SINCE:
		case O_UNTIL:
		case O_THREADS:
			if ((r = fe_scope_opt(&o->scope, opts[c].lng, arg, synopsis)) != 0)
				return -1;
			snprintf(buf, sizeof(buf), "--%s", opts[c].lng);
			if (push(&o->pass, &o->npass, c == O_WHERE ? "-w" : c == O_THREADS ? "-j" :
				c == O_SINCE ? "--since" : "--until") || push(&o->pass, &o->npass, arg))
				r = -1;
			if (c != O_THREADS)
				model_option(m, opts[c].lng, arg);
			break;
		case O_LIMIT:
			if ((r = fe_limit_opt(&o->scope, arg, synopsis)) != 0)
				return -1;
			if (push(&o->pass, &o->npass, "--limit") || push(&o->pass, &o->npass, arg) ||
			    push(&o->limits, &o->nlimits, arg))
				r = -1;
			break;
		case O_KEEP_STAGES:
		case O_STRICT:
		case O_SILENT:
			if ((r = fe_scope_opt(&o->scope, opts[c].lng, NULL, synopsis)) != 0)
				return -1;
			if (c != O_KEEP_STAGES) /* rbac-diff has no --keep-stages; passed apart */
				r = push(&o->pass, &o->npass, c == O_STRICT ? "--strict" : "-s");
			break;
		case O_HELP:
			fe_help(stdout, synopsis,
				"Write an incident report: one self-contained HTML page (no network access,\n"
				"prints well) with the scope, a timeline of the findings, RBAC changes and\n"
				"exposure windows per actor, the actors with their identity chains, the RBAC\n"
				"history, the secrets to rotate and every finding.  Log paths are read by\n"
				"k8saudit-findings, rbac-diff and secret-scan (with the scope options given\n"
				"here); --results adds what those tools wrote with --json elsewhere.\n"
				"Exit status: 0 written, 2 trouble.  See k8saudit-report(1).", opts);
			return 1;
		case O_VERSION:
			fe_version();
			return 1;
		default:
			return -1;
		}
		if (r != 0) {
			fe_diag(NULL, "out of memory");
			return -1;
		}
	}
	if (fe_optind >= argc && o->nresults == 0) {
		fe_usage_error(synopsis, "give log paths, or tool results with --results");
		return -1;
	}
	for (c = fe_optind; c < argc; c++)
		if (strcmp(argv[c], "-") == 0) {
			fe_usage_error(synopsis, "standard input cannot be read by each tool: save it to a file");
			return -1;
		}
	return fe_scope_check(&o->scope, synopsis);
}

/* ---- the record pass: what the scope section counts ---- */

static void
set_put(json_t *set, const char *v, struct scope_counts *sc)
{
	if (v == NULL || *v == '\0' || json_object_get(set, v))
		return;
	if (json_object_size(set) >= REPORT_MAX_LIST) {
		sc->capped++;
		return;
	}
	json_object_set_new(set, v, json_true());
}

static int
count_records(struct opts *o, char **paths, int n, struct scope_counts *sc)
{
	k8a_reader *r;
	k8a_event *ev;
	struct fe_run run = { 0 };
	k8a_fieldref *name = NULL, *cluster = NULL;
	struct k8a_err err;
	int i;

	sc->first = sc->last = INT64_MIN;
	if ((r = k8a_reader_new()) == NULL || (name = k8a_fieldref_new("requestParameters.name", &err)) == NULL ||
	    (cluster = k8a_fieldref_new("requestParameters.clusterName", &err)) == NULL) {
		k8a_reader_free(r);
		k8a_fieldref_free(name);
		return -1;
	}
	k8a_reader_set_threads(r, o->scope.threads ? o->scope.threads : fe_default_threads());
	fe_limit_reader(&o->scope, r);
	for (i = 0; i < n; i++)
		k8a_reader_add_path(r, paths[i]);
	/* the tools report bad input; saying it a fourth time helps nobody */
	o->scope.silent++;
	while ((ev = fe_next_record(r, &o->scope, &run)) != NULL) {
		int64_t t;
		const char *svc;
		json_t *v;
		if (o->scope.where) {
			int mt = k8a_expr_match(o->scope.where, ev);
			if (mt <= 0)
				continue;
		}
		if (!fe_scope_in_window(&o->scope, ev))
			continue;
		sc->records++;
		switch (k8a_event_source(ev)) {
		case K8A_SRC_K8S:
			sc->k8s++;
			break;
		case K8A_SRC_CLOUDTRAIL:
			sc->cloudtrail++;
			break;
		default:
			sc->other++;
		}
		if ((t = k8a_event_time(ev)) != INT64_MIN) {
			if (sc->first == INT64_MIN || t < sc->first)
				sc->first = t;
			if (sc->last == INT64_MIN || t > sc->last)
				sc->last = t;
		}
		set_put(sc->accounts, k8a_event_str(ev, K8A_F_ACCOUNT), sc);
		set_put(sc->regions, k8a_event_str(ev, K8A_F_REGION), sc);
		svc = k8a_event_str(ev, K8A_F_SERVICE);
		if (svc && strcmp(svc, "eks.amazonaws.com") == 0) {
			if ((v = k8a_fieldref_value(cluster, ev)) == NULL)
				v = k8a_fieldref_value(name, ev);
			set_put(sc->clusters, json_string_value(v), sc);
			json_decref(v);
		}
	}
	o->scope.silent--;
	k8a_reader_free(r);
	k8a_fieldref_free(name);
	k8a_fieldref_free(cluster);
	return run.fatal || fe_nomem() ? -1 : 0;
}

/* ---- the tools ---- */

enum { C_FINDINGS, C_RULES, C_CHANGES, C_EXPOSURE, C_SECRETS, C_COUNT };

/* Append a copy of s to the NULL-terminated argument vector *v. */
static int
arg_push(char ***v, size_t *n, const char *s)
{
	char **nv = realloc(*v, (*n + 2) * sizeof(**v));

	if (nv == NULL) {
		fe_nomem_note();
		return -1;
	}
	*v = nv;
	if ((nv[*n] = fe_strdup(s)) == NULL)
		return -1;
	nv[++*n] = NULL;
	return 0;
}

static int
build_argv(struct child *c, struct opts *o, int which, char **paths, int npaths)
{
	static const char *const tool[C_COUNT] = { "k8saudit-findings", "k8saudit-findings", "rbac-diff",
		"rbac-diff", "secret-scan" };
	char **v = NULL;
	size_t n = 0, i;
	int r = 0;

	c->tool = tool[which];
	r |= arg_push(&v, &n, tool[which]);
	r |= arg_push(&v, &n, "--json");
	if (which == C_RULES)
		r |= arg_push(&v, &n, "--list-rules");
	if (which == C_EXPOSURE)
		r |= arg_push(&v, &n, "--exposure");
	if (which == C_FINDINGS || which == C_RULES)
		for (i = 0; i < o->nrules; i++) {
			r |= arg_push(&v, &n, "--rules");
			r |= arg_push(&v, &n, o->rules[i]);
		}
	if (which == C_SECRETS && o->key) {
		r |= arg_push(&v, &n, "--fingerprint-key");
		r |= arg_push(&v, &n, o->key);
	}
	if (which != C_RULES) {
		for (i = 0; i < o->npass; i++)
			r |= arg_push(&v, &n, o->pass[i]);
		/* each tool reads the same inputs: a bad record is said once, by
		 * k8saudit-findings (the others still end in exit status 2) */
		if (which != C_FINDINGS && !o->scope.silent)
			r |= arg_push(&v, &n, "-s");
		if (o->scope.keep_stages && (which == C_FINDINGS || which == C_SECRETS))
			r |= arg_push(&v, &n, "--keep-stages");
		r |= arg_push(&v, &n, "--");
		for (i = 0; i < (size_t)npaths; i++)
			r |= arg_push(&v, &n, paths[i]);
	} else if (o->scope.strict)
		r |= arg_push(&v, &n, "--strict");
	c->argv = v;
	return r ? -1 : 0;
}

/* A results file that is a scale-out partial (k8saudit-findings
 * --partial: a k8saudit state file, k8saudit-state(5)) rather than lines. */
static int
is_partial(const char *path)
{
	char magic[8];
	FILE *fp = fopen(path, "rb");
	size_t n = fp ? fread(magic, 1, sizeof(magic), fp) : 0;

	if (fp)
		fclose(fp);
	return n == sizeof(magic) && memcmp(magic, "K8ASTAT\n", sizeof(magic)) == 0;
}

/* k8saudit-findings --json --merge over every partial at once: the
 * correlations of one shard's records with another's come out as one run
 * over all of them would give them (with the --rules the shards used). */
static int
merge_argv(struct child *c, const struct opts *o, const char *const *parts, size_t nparts)
{
	char **v = NULL;
	size_t n = 0, i;
	int r = 0;

	c->tool = "k8saudit-findings";
	r |= arg_push(&v, &n, c->tool);
	r |= arg_push(&v, &n, "--json");
	for (i = 0; i < o->nrules; i++) {
		r |= arg_push(&v, &n, "--rules");
		r |= arg_push(&v, &n, o->rules[i]);
	}
	for (i = 0; i < o->nlimits; i++) {
		r |= arg_push(&v, &n, "--limit");
		r |= arg_push(&v, &n, o->limits[i]);
	}
	r |= arg_push(&v, &n, "--merge");
	r |= arg_push(&v, &n, "--");
	for (i = 0; i < nparts; i++)
		r |= arg_push(&v, &n, parts[i]);
	c->argv = v;
	return r ? -1 : 0;
}

static int
write_output(struct opts *o, json_t *doc)
{
	FILE *fp = stdout;
	char *tmp = NULL;
	int rc;

	if (o->output && strcmp(o->output, "-") != 0) {
		size_t n = strlen(o->output) + 8;
		if ((tmp = malloc(n)) == NULL)
			return -1;
		snprintf(tmp, n, "%s.tmp", o->output);
		if ((fp = fopen(tmp, "w")) == NULL) {
			fe_diag(tmp, "%s", strerror(errno));
			free(tmp);
			return -1;
		}
	}
	rc = o->json ? page_put_json(fp, doc) : page_write(fp, doc);
	if (fp == stdout) {
		if (rc == 0 && o->json)
			fputc('\n', fp);
		return fe_finish_stdout() != 0 || rc != 0 ? -1 : 0;
	}
	if (o->json)
		fputc('\n', fp);
	if (fclose(fp) != 0 || rc != 0) {
		fe_diag(tmp, "write error: %s", strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	if (rename(tmp, o->output) != 0) {
		fe_diag(o->output, "%s", strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct model *m;
	struct child kids[C_COUNT], merge;
	struct scope_counts sc;
	json_t *doc = NULL;
	const char **parts = NULL;
	size_t i, dropped = 0, nparts = 0;
	int trouble = 0, nkids = 0, npaths;

	fe_init(argv[0]);
	memset(&o, 0, sizeof(o));
	memset(kids, 0, sizeof(kids));
	memset(&merge, 0, sizeof(merge));
	memset(&sc, 0, sizeof(sc));
	if ((m = model_new()) == NULL) {
		fe_diag(NULL, "out of memory");
		return FE_EXIT_TROUBLE;
	}
	switch (parse_options(argc, argv, &o, m)) {
	case -1:
		trouble = 1;
		goto done;
	case 1:
		goto done;
	}
	model_title(m, o.title ? o.title : "Incident report");
	if (o.nresults && (parts = calloc(o.nresults, sizeof(*parts))) == NULL)
		goto nomem;
	npaths = argc - fe_optind;

	if (npaths > 0) {
		for (i = 0; i < C_COUNT; i++) {
			if (build_argv(&kids[i], &o, (int)i, argv + fe_optind, npaths) != 0)
				goto nomem;
			if (child_start(&kids[i]) != 0) {
				trouble = 1;
				goto done;
			}
			nkids++;
		}
		for (i = 0; i < (size_t)npaths; i++)
			model_input(m, argv[fe_optind + (int)i], 0);
		sc.accounts = json_object();
		sc.clusters = json_object();
		sc.regions = json_object();
		if (!sc.accounts || !sc.clusters || !sc.regions ||
		    count_records(&o, argv + fe_optind, npaths, &sc) != 0)
			goto nomem;
		if (sc.capped)
			model_trouble(m, "more accounts, clusters or regions than the report lists");
		model_counts(m, &sc);
		for (i = 0; i < C_COUNT; i++) {
			int bad;
			if (child_wait(&kids[i]) != 0) {
				char what[200];
				snprintf(what, sizeof(what), "%s reported trouble (see its messages): its results may be incomplete",
					kids[i].tool);
				model_trouble(m, what);
				trouble = 1;
			}
			if ((bad = load_lines(m, kids[i].out, kids[i].tool)) < 0)
				goto nomem;
			if (bad)
				trouble = 1;
		}
	}
	/* partials first, merged: their findings come where a run's would */
	for (i = 0; i < o.nresults; i++)
		if (is_partial(o.results[i]))
			parts[nparts++] = o.results[i];
	if (nparts > 0) {
		int bad;
		if (merge_argv(&merge, &o, parts, nparts) != 0)
			goto nomem;
		if (child_start(&merge) != 0) {
			trouble = 1;
			goto done;
		}
		if (child_wait(&merge) != 0) {
			model_trouble(m, "k8saudit-findings --merge reported trouble (see its messages): its results may be incomplete");
			trouble = 1;
		}
		if ((bad = load_lines(m, merge.out, merge.tool)) < 0)
			goto nomem;
		if (bad)
			trouble = 1;
	}
	for (i = 0; i < o.nresults; i++) {
		FILE *fp;
		int bad;
		model_input(m, o.results[i], 1);
		if (is_partial(o.results[i]))
			continue;
		fp = fopen(o.results[i], "r");
		if (fp == NULL) {
			fe_diag(o.results[i], "%s", strerror(errno));
			model_trouble(m, "a results file could not be read");
			trouble = 1;
			continue;
		}
		bad = load_lines(m, fp, o.results[i]);
		fclose(fp);
		if (bad < 0)
			goto nomem;
		if (bad) {
			model_trouble(m, "lines of a results file were not understood (see the messages)");
			trouble = 1;
		}
	}
	if ((doc = model_document(m, &dropped)) == NULL)
		goto nomem;
	if (dropped) {
		fe_diag(NULL, "more than %d findings: the %zu least severe are left out of the page",
			REPORT_MAX_FINDINGS, dropped);
		trouble = 1;
	}
	if (write_output(&o, doc) != 0) {
		if (fe_nomem())
			goto nomem;
		trouble = 1;
	}
	goto done;
nomem:
	fe_nomem_diag(NULL);
	trouble = 1;
done:
	for (i = 0; i < C_COUNT; i++)
		child_free(&kids[i]);
	child_free(&merge);
	free(parts);
	(void)nkids;
	json_decref(doc);
	json_decref(sc.accounts);
	json_decref(sc.clusters);
	json_decref(sc.regions);
	model_free(m);
	fe_scope_free(&o.scope);
	free(o.results);
	free(o.rules);
	free(o.pass);
	free(o.limits);
	return trouble ? FE_EXIT_TROUBLE : FE_EXIT_OK;
}
