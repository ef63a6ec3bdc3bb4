/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * secret-scan: which credentials an attacker could have read from the
 * logs themselves, and which to rotate.  The types are data
 * (k8saudit-secrets(5)); the engine is libk8saudit's k8a_secret_*.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "scan.h"

static const char synopsis[] =
	"[-s] [-j N] [--strict] [-w EXPR]... [--since TIME] [--until TIME] [--rules FILE]... [--no-builtin]\n"
	"       [--json | --format tsv|json|sarif] [--summary] [--header] [--show-secrets]\n"
	"       [--fingerprint-key FILE] [--baseline FILE] [--allow FILE]...\n"
	"       [--state FILE [--state-reset]] [-o FILE] [--shard K/N] [--partial FILE] [PATH...]\n"
	"       secret-scan [type and output options] --merge [--partial FILE] PARTIAL...\n"
	"       secret-scan --list-rules [--json]";

enum {
	O_WHERE, O_SINCE, O_UNTIL, O_JSON, O_FORMAT, O_SUMMARY, O_HEADER, O_RULES, O_NO_BUILTIN, O_LIST,
	O_SHOW, O_KEY, O_BASELINE, O_ALLOW, O_STATE, O_STATE_RESET, O_OUTPUT, O_KEEP_STAGES, O_NO_PREFILTER,
	O_STRICT, O_THREADS, O_SHARD, O_LIMIT, O_PARTIAL, O_MERGE, O_SILENT, O_HELP, O_VERSION,
};

static const struct fe_opt opts[] = {
	[O_WHERE] = FE_OPT_WHERE,
	[O_SINCE] = FE_OPT_SINCE,
	[O_UNTIL] = FE_OPT_UNTIL,
	[O_JSON] = { "json", 0, 0, NULL, "print one JSON object per occurrence (same as --format json)" },
	[O_FORMAT] = { "format", 0, 1, "FMT", "tsv (default), json or sarif (SARIF 2.1.0)" },
	[O_SUMMARY] = { "summary", 0, 0, NULL, "one line per distinct secret, sorted by first seen: the rotation list" },
	[O_HEADER] = { "header", 0, 0, NULL, "print a header line naming the columns" },
	[O_RULES] = { "rules", 0, 1, "FILE", "also load the types in FILE (or every *.secrets below a directory)" },
	[O_NO_BUILTIN] = { "no-builtin", 0, 0, NULL, "do not load the installed types; only --rules" },
	[O_LIST] = { "list-rules", 0, 0, NULL, "print the secret types loaded and exit" },
	[O_SHOW] = { "show-secrets", 0, 0, NULL, "print the secrets themselves, not previews (take care)" },
	[O_KEY] = { "fingerprint-key", 0, 1, "FILE", "the case's fingerprint key (default: see FILES in the manual)" },
	[O_BASELINE] = { "baseline", 0, 1, "FILE", "do not report secrets whose fingerprints FILE lists" },
	[O_ALLOW] = { "allow", 0, 1, "FILE", "never report values, pointers or paths matching FILE's patterns" },
	[O_STATE] = FE_OPT_STATE,
	[O_STATE_RESET] = FE_OPT_STATE_RESET,
	[O_OUTPUT] = { "output", 'o', 1, "FILE", "append the output to FILE; with --state each occurrence exactly once" },
	[O_KEEP_STAGES] = FE_OPT_KEEP_STAGES,
	[O_NO_PREFILTER] = { "no-prefilter", 0, 0, NULL, "parse and scan every record (for checking the prefilter)" },
	[O_STRICT] = FE_OPT_STRICT,
	[O_THREADS] = FE_OPT_THREADS,
	[O_SHARD] = FE_OPT_SHARD,
	[O_LIMIT] = FE_OPT_LIMIT,
	[O_PARTIAL] = FE_OPT_PARTIAL,
	[O_MERGE] = FE_OPT_MERGE,
	[O_SILENT] = FE_OPT_SILENT,
	[O_HELP] = FE_OPT_HELP,
	[O_VERSION] = FE_OPT_VERSION,
	{ NULL, 0, 0, NULL, NULL },
};

struct opts {
	struct fe_scope scope; /* -w, --since, --until, --strict, -s, -j, --keep-stages */
	int list, no_builtin, no_prefilter;
	const char *key, *baseline;
	const char *state, *output; /* --state, --output */
	int state_reset;
	const char *partial; /* --partial */
	int merge;           /* --merge */
	char **rules, **allow;
	size_t nrules, nallow;
};

static void
load_diag(void *arg, const char *where, const char *msg)
{
	(void)arg;
	fe_diag(where, "%s", msg);
}

/* ---- stage folding: one secret in the stages of one request is one
 * occurrence: the request's key (k8a_event_request_key) tagged with the
 * pointer, type and fingerprint, in a k8a_seen set cleared per input file
 * (the API server writes every stage of a request to one log). */
struct fold {
	k8a_seen *seen;
	char *path;
};

static uint64_t
fnv(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (h ^ 0xff) * 1099511628211ULL;
}

/* 1 when an earlier stage of this request reported this secret here, else
 * 0 (remembered now); K8A_FATAL when out of memory. */
static int
fold_seen(struct fold *f, k8a_event *ev, const struct k8a_secret_hit *h)
{
	const char *path = k8a_event_origin(ev)->path;
	uint64_t key, tag = 14695981039346656037ULL;
	size_t i;

	if (!k8a_event_request_key(ev, &key))
		return 0;
	if (f->seen == NULL && (f->seen = k8a_seen_new()) == NULL)
		return K8A_FATAL;
	if (f->path == NULL || strcmp(f->path, path) != 0) {
		free(f->path);
		if ((f->path = strdup(path)) == NULL)
			return K8A_FATAL;
		k8a_seen_clear(f->seen);
	}
	for (i = 0; i < sizeof(h->type_index); i++)
		tag = (tag ^ ((h->type_index >> (8 * i)) & 0xff)) * 1099511628211ULL;
	tag = fnv(fnv(tag, h->pointer), h->fingerprint);
	return k8a_seen_add(f->seen, key, tag);
}

static int
push(char ***v, size_t *n, const char *s)
{
	char **nv = realloc(*v, (*n + 1) * sizeof(**v));

	if (nv == NULL)
		return -1;
	*v = nv;
	nv[(*n)++] = (char *)(uintptr_t)s;
	return 0;
}

/* --partial and --merge with what they cannot go with.  0, or -1 after a
 * usage error. */
static int
scaleout_check(const struct opts *o, const struct out *out, int argc)
{
	const struct fe_scope *sp = &o->scope;

	if ((o->partial || o->merge) && o->state) {
		fe_usage_error(synopsis, "--%s: not with --state", o->merge ? "merge" : "partial");
		return -1;
	}
	if (o->partial && (o->output || out->header || out->summary || out->show || o->baseline || out->fmt != FMT_TSV)) {
		/* what is printed is the merge's: it fingerprints and folds */
		fe_usage_error(synopsis, "--partial: writes no output: -o, --header, --summary, --show-secrets, "
			"--baseline, --json and --format go with --merge");
		return -1;
	}
	if (o->merge && (sp->nwhere || sp->has_since || sp->has_until || sp->nshards || o->no_prefilter)) {
		/* the shards read the logs: what they selected is in the partials */
		fe_usage_error(synopsis, "--merge: -w, --since, --until, --shard and --no-prefilter go with the shards "
			"(--partial)");
		return -1;
	}
	if (o->merge && fe_optind >= argc) {
		fe_usage_error(synopsis, "--merge: no partial results given");
		return -1;
	}
	return 0;
}

static int
parse_options(int argc, char **argv, struct opts *o, struct out *out)
{
	const char *arg;
	int c, rc;

	while ((c = fe_getopt(argc, argv, opts, &arg)) != -1) {
		switch (c) {
		case O_WHERE:
		case O_SINCE:
		case O_UNTIL:
		case O_STRICT:
		case O_THREADS:
		case O_SHARD: case O_LIMIT:
		case O_SILENT:
		case O_KEEP_STAGES:
			if ((rc = fe_scope_opt(&o->scope, opts[c].lng, arg, synopsis)) != 0) {
				if (rc == K8A_FATAL)
					fe_diag(NULL, "out of memory");
				return -1;
			}
			break;
		case O_JSON: out->fmt = FMT_JSON; break;
		case O_FORMAT:
			if (strcmp(arg, "tsv") == 0)
				out->fmt = FMT_TSV;
			else if (strcmp(arg, "json") == 0)
				out->fmt = FMT_JSON;
			else if (strcmp(arg, "sarif") == 0)
				out->fmt = FMT_SARIF;
			else {
				fe_usage_error(synopsis, "--format: unknown format '%s' (tsv, json, sarif)", arg);
				return -1;
			}
			break;
		case O_SUMMARY: out->summary = 1; break;
		case O_HEADER: out->header = 1; break;
		case O_RULES:
			if (push(&o->rules, &o->nrules, arg) != 0)
				return -1;
			break;
		case O_NO_BUILTIN: o->no_builtin = 1; break;
		case O_LIST: o->list = 1; break;
		case O_SHOW: out->show = 1; break;
		case O_KEY: o->key = arg; break;
		case O_BASELINE: o->baseline = arg; break;
		case O_ALLOW:
			if (push(&o->allow, &o->nallow, arg) != 0)
				return -1;
			break;
		case O_STATE: o->state = arg; break;
		case O_STATE_RESET: o->state_reset = 1; break;
		case O_OUTPUT: o->output = arg; break;
		case O_PARTIAL: o->partial = arg; break;
		case O_MERGE: o->merge = 1; break;
		case O_NO_PREFILTER: o->no_prefilter = 1; break;
		case O_HELP:
			fe_help(stdout, synopsis,
				"Find the credentials that leaked into Kubernetes audit logs and CloudTrail:\n"
				"Secret bodies, pod env values, exec command lines, tokens, last-applied\n"
				"annotations.  Secrets are never printed, only previews and keyed fingerprints.\n"
				"Default output: one tab-separated line per occurrence: time, type, confidence,\n"
				"preview, fingerprint, actor, event, location, pointer, decode chain.\n"
				"Exit status: 0 no secrets, 1 secrets found, 2 trouble.  See secret-scan(1).",
				opts);
			return 1;
		case O_VERSION:
			fe_version();
			return 1;
		default:
			return -1;
		}
	}
	if (out->summary && out->fmt == FMT_SARIF) {
		fe_usage_error(synopsis, "--summary and --format sarif cannot be combined");
		return -1;
	}
	if (o->state_reset && o->state == NULL) {
		fe_usage_error(synopsis, "--state-reset: only with --state");
		return -1;
	}
	if (o->output && out->fmt == FMT_SARIF) {
		fe_usage_error(synopsis, "-o and --format sarif cannot be combined: a SARIF log is one document, not appended to");
		return -1;
	}
	if (scaleout_check(o, out, argc) != 0)
		return -1;
	return fe_scope_check(&o->scope, synopsis);
}

/* Should the record be scanned?  1 yes, 0 no, -1 unusable (diagnosed),
 * -2 out of memory. */
static int
selected(const struct opts *o, const k8a_secret_set *set, k8a_secret_scan *sc, k8a_event *ev)
{
	const struct fe_scope *sp = &o->scope;
	const struct k8a_origin *og;

	if (!o->no_prefilter) {
		if (sp->where && !k8a_expr_may_match(sp->where, ev))
			return 0;
		if (!k8a_secret_may_hold(sc, ev))
			return 0;
	}
	if (sp->where) {
		int m = k8a_expr_match(sp->where, ev);
		if (m < 0 && k8a_event_nomem(ev))
			return -2;
		if (m < 0) {
			/* a regex PCRE2 gave up on, or no memory: no answer */
			if (!sp->silent)
				fe_diag(k8a_event_where(ev), "%s", k8a_event_error(ev));
			return -1;
		}
		if (m == 0)
			return 0;
	}
	if (!fe_scope_in_window(sp, ev))
		return 0;
	og = k8a_event_origin(ev);
	if (k8a_secret_allowed_path(set, og->path) || (og->member && k8a_secret_allowed_path(set, og->member)))
		return 0;
	return 1;
}

/* One pass: what every record selected goes through. */
struct pass {
	const struct opts *o;
	k8a_secret_scan *sc;
	struct fold fold;
	const struct baseline *base;
	struct known *known;
	struct out *out;
	struct fe_partial *part; /* --partial: records with secrets kept */
	int trouble, found;
};

/* The secrets of one record reported, or the record kept for the merge
 * (--partial; at: its place when the record comes from a merge).  0, or
 * -1 when memory ran out. */
static int
scan_record(struct pass *ps, k8a_event *ev, const struct fe_place *at)
{
	const struct k8a_secret_hit *hits;
	size_t n, i;
	int rc, seen;

	rc = k8a_secret_scan_event(ps->sc, ev, &hits, &n);
	if (rc == K8A_FATAL)
		return -1;
	if (rc == K8A_WARN) {
		/* a record not parsed, or not fully checked: the hits found
		 * are still reported */
		if (!ps->o->scope.silent)
			fe_diag(k8a_event_where(ev), "%s", k8a_secret_scan_error(ps->sc));
		ps->trouble = 1;
	}
	if (ps->part != NULL) {
		/* the merge scans it again: it fingerprints with its key,
		 * folds stages and prints */
		if (n > 0 && fe_partial_keep(ps->part, ev, at) != 0)
			return -1;
		return fe_nomem() || k8a_event_nomem(ev) ? -1 : 0;
	}
	for (i = 0; i < n; i++) {
		if (!ps->o->scope.keep_stages && (rc = fold_seen(&ps->fold, ev, &hits[i])) != 0) {
			if (rc == K8A_FATAL)
				return -1;
			continue;
		}
		if (baseline_has(ps->base, hits[i].fingerprint))
			continue;
		/* an object read again: what an earlier run printed is not
		 * printed again */
		if ((rc = known_printed(ps->known, ev, &hits[i])) != 0) {
			if (rc == K8A_FATAL)
				return -1;
			continue;
		}
		if ((seen = known_see(ps->known, hits[i].fingerprint)) == K8A_FATAL)
			return -1;
		ps->found = 1;
		if (out_hit(ps->out, ev, &hits[i], seen) != 0)
			return -1;
	}
	/* a line or an answer about the record is missing */
	return fe_nomem() || k8a_event_nomem(ev) ? -1 : 0;
}

/* What a partial must share with the merge: the types and the allow
 * list.  NULL when memory ran out (noted). */
static json_t *
scaleout_meta(const k8a_secret_set *set, json_t *allowed)
{
	json_t *types = json_array(), *m;
	size_t i;

	for (i = 0; i < k8a_secret_set_count(set); i++) {
		struct k8a_secret_type_info ti;
		k8a_secret_set_type(set, i, &ti);
		json_array_append_new(types, json_sprintf("%s %s %s", ti.id, ti.confidence, ti.regex ? ti.regex : ""));
	}
	fe_json_sort_strings(types);
	fe_json_sort_strings(allowed);
	m = json_pack("{sOsO}", "types", types, "allow", allowed);
	json_decref(types);
	if (m == NULL || fe_nomem() || json_array_size(types) != k8a_secret_set_count(set)) {
		fe_nomem_note();
		json_decref(m);
		return NULL;
	}
	return m;
}

static int
check_part(void *arg, const char *path, const json_t *meta)
{
	const json_t *want = arg;

	if (!json_equal(json_object_get(meta, "types"), json_object_get(want, "types")) ||
	    !json_equal(json_object_get(meta, "allow"), json_object_get(want, "allow"))) {
		fe_diag(path, "made with other secret types or allow lists than this merge: give the merge the "
			"options the shards had (--rules, --no-builtin, --allow)");
		return -2;
	}
	return 0;
}

/* --merge: the records every partial kept, in one run's order.  0, -1
 * out of memory (said), -2 a bad partial (said). */
static int
merge(struct pass *ps, int n, char **paths, json_t *meta, uint64_t *records, uint64_t limit)
{
	struct fe_merge *m;
	struct fe_place at;
	k8a_event *ev;
	int rc;

	if ((rc = fe_merge_open(&m, "secret-scan", n, paths, check_part, meta, limit)) != 0)
		return rc;
	while ((rc = fe_merge_next(m, &ev, &at)) == K8A_OK) {
		if (scan_record(ps, ev, &at) != 0) {
			fe_merge_free(m);
			return -1;
		}
		if (fe_out_failed())
			break;
	}
	if (fe_merge_trouble(m))
		ps->trouble = 1;
	*records = fe_merge_records(m);
	fe_merge_free(m);
	return rc == K8A_FATAL ? -1 : 0;
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct out out;
	struct pass ps = { 0 };
	struct baseline *base = NULL;
	k8a_secret_set *set = NULL;
	k8a_reader *r = NULL;
	k8a_event *ev;
	struct fe_run run = { 0 };
	struct fe_state state = { .outfd = -1 };
	struct known known = { 0 };
	json_t *allowed = NULL, *meta = NULL;
	unsigned char *key = NULL;
	size_t keylen = 0, i;
	int trouble = 0, rc, loaderr = 0;

	fe_init(argv[0]);
	memset(&o, 0, sizeof(o));
	memset(&out, 0, sizeof(out));
	switch (parse_options(argc, argv, &o, &out)) {
	case -1:
		trouble = 1;
		goto done;
	case 1:
		goto done;
	}

	/* ---- the types ---- */
	if ((set = k8a_secret_set_new()) == NULL || (allowed = json_array()) == NULL)
		goto nomem;
	if (!o.no_builtin) {
		char dir[4096];
		snprintf(dir, sizeof(dir), "%s/secrets", fe_rules_dir());
		if ((rc = k8a_secret_set_load(set, dir, load_diag, NULL)) < 0)
			goto nomem;
		loaderr += rc;
	}
	for (i = 0; i < o.nrules; i++) {
		if ((rc = k8a_secret_set_load(set, o.rules[i], load_diag, NULL)) < 0)
			goto nomem;
		loaderr += rc;
	}
	for (i = 0; i < o.nallow; i++)
		loaderr += allow_load(set, o.allow[i], allowed);
	if (o.baseline && (base = baseline_load(o.baseline, &loaderr)) == NULL)
		loaderr++;
	out.set = set;
	if (o.list) {
		if (out_list_types(set, out.fmt != FMT_TSV) != 0)
			goto nomem;
		trouble = loaderr != 0;
		goto done;
	}
	if (k8a_secret_set_count(set) == 0) {
		/* never "clean" with nothing to look for */
		if (o.no_builtin)
			fe_diag(NULL, "no secret types loaded (--no-builtin, and no --rules gave any): nothing to scan for");
		else
			fe_diag(NULL, "no secret types loaded (%s/secrets): nothing to scan for", fe_rules_dir());
		trouble = 1;
		goto done;
	}
	if (loaderr)
		trouble = 1;
	if ((o.partial || o.merge) && (meta = scaleout_meta(set, allowed)) == NULL)
		goto nomem;
	if (key_load(o.key, &key, &keylen) != 0) {
		trouble = 1;
		goto done;
	}
	if ((ps.sc = k8a_secret_scan_new(set)) == NULL || k8a_secret_scan_set_key(ps.sc, key, keylen) != K8A_OK)
		goto nomem;
	/* the secrets and objects of earlier runs; the output, appended */
	if (fe_state_open(&state, "secret-scan", o.state, o.state_reset, o.output, o.scope.limit[FE_LIMIT_STATE]) != 0 ||
	    (o.state && known_load(&known, state.sec, key, keylen, o.state) != 0)) {
		trouble = 1;
		goto done;
	}
	out.stateful = known.on;
	ps.o = &o;
	ps.base = base;
	ps.known = &known;
	ps.out = &out;
	if (o.partial && (ps.part = fe_partial_new(argc - fe_optind, argv + fe_optind)) == NULL)
		goto nomem;
	if (!o.partial && out_begin(&out) != 0)
		goto nomem;

	if (o.merge) {
		/* ---- the records the shards kept ---- */
		if ((rc = merge(&ps, argc - fe_optind, argv + fe_optind, meta, &run.records,
		    o.scope.limit[FE_LIMIT_STATE])) != 0) {
			trouble = 1;
			if (rc == -1)
				goto nomem;
			goto done;
		}
	} else {
		/* ---- the pass over the input ---- */
		if ((r = k8a_reader_new()) == NULL)
			goto nomem;
		k8a_reader_set_threads(r, o.scope.threads ? o.scope.threads : fe_default_threads());
		fe_scope_reader(&o.scope, r);
		k8a_reader_set_progress(r, fe_progress_cb, r);
		if (!o.no_prefilter)
			k8a_reader_set_prefilter(r, k8a_secret_set_prefilter(set));
		fe_state_attach(&state, r);
		if (fe_optind >= argc)
			k8a_reader_add_path(r, "-");
		for (i = (size_t)fe_optind; i < (size_t)argc; i++)
			k8a_reader_add_path(r, argv[i]);
		while ((ev = fe_next_record(r, &o.scope, &run)) != NULL) {
			if (ps.part != NULL && fe_partial_read(ps.part, ev) != 0)
				goto nomem;
			switch (selected(&o, set, ps.sc, ev)) {
			case -2:
				goto nomem;
			case -1:
				ps.trouble = 1;
				continue;
			case 0:
				continue;
			}
			if (scan_record(&ps, ev, NULL) != 0)
				goto nomem;
			if (fe_out_failed())
				break; /* nobody reads what follows */
		}
		fe_progress_end();
		if (run.fatal) { /* out of memory, said by fe_next_record() */
			trouble = 1;
			goto done;
		}
	}
	if (run.trouble || ps.trouble)
		trouble = 1;
	if (o.partial) {
		/* the merge reports; a shard says only whether it went well */
		if (fe_partial_write(ps.part, o.partial, "secret-scan", meta, run.records, trouble,
		    o.scope.limit[FE_LIMIT_STATE]) != 0)
			trouble = 1;
		goto done;
	}
	if (fe_nomem() || out_end(&out) != 0)
		goto nomem;
	/* the occurrences written, then the state that says so */
	if ((o.state || o.output) && !fe_out_failed()) {
		json_t *sec = o.state ? known_persist(&known, key, keylen) : NULL;
		if (o.state && sec == NULL)
			goto nomem;
		if (fe_state_commit(&state, sec, "occurrences") != 0)
			trouble = 1;
		json_decref(sec);
	}
	goto done;
nomem:
	fe_progress_end();
	fe_nomem_diag(NULL);
	trouble = 1;
done:
	if (fe_finish_stdout() != 0)
		trouble = 1;
	k8a_reader_free(r);
	fe_state_free(&state);
	known_free(&known);
	k8a_secret_scan_free(ps.sc);
	k8a_secret_set_free(set);
	fe_scope_free(&o.scope);
	baseline_free(base);
	out_free(&out);
	k8a_seen_free(ps.fold.seen);
	free(ps.fold.path);
	fe_partial_free(ps.part);
	json_decref(allowed);
	json_decref(meta);
	free(o.rules);
	free(o.allow);
	free(key);
	if (trouble)
		return FE_EXIT_TROUBLE;
	return ps.found ? FE_EXIT_NONE : FE_EXIT_OK;
}
