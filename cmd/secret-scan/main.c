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
	"[-s] [-j N] [-w EXPR]... [--since TIME] [--until TIME] [--rules FILE]... [--no-builtin]\n"
	"       [--json | --format tsv|json|sarif] [--summary] [--header] [--show-secrets]\n"
	"       [--fingerprint-key FILE] [--baseline FILE] [--allow FILE]... [PATH...]\n"
	"       secret-scan --list-rules [--json]";

enum {
	O_EXPR, O_SINCE, O_UNTIL, O_JSON, O_FORMAT, O_SUMMARY, O_HEADER, O_RULES, O_NO_BUILTIN, O_LIST,
	O_SHOW, O_KEY, O_BASELINE, O_ALLOW, O_KEEP_STAGES, O_NO_PREFILTER, O_THREADS, O_SILENT, O_HELP,
	O_VERSION,
};

static const struct fe_opt opts[] = {
	[O_EXPR] = { "where", 'w', 1, "EXPR", "scan only records where EXPR holds (repeatable: any)" },
	[O_SINCE] = { "since", 0, 1, "TIME", "only records at or after TIME (RFC 3339, or 30m, 2h, 7d ago)" },
	[O_UNTIL] = { "until", 0, 1, "TIME", "only records before TIME" },
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
	[O_KEEP_STAGES] = { "keep-stages", 0, 0, NULL, "report a secret in every stage of a request, not just the first" },
	[O_NO_PREFILTER] = { "no-prefilter", 0, 0, NULL, "parse and scan every record (for checking the prefilter)" },
	[O_THREADS] = { "threads", 'j', 1, "N", "read up to N files at once (default: the number of CPUs; output is the same)" },
	[O_SILENT] = { "no-messages", 's', 0, NULL, "suppress messages about unreadable inputs and records" },
	[O_HELP] = { "help", 0, 0, NULL, "print this help and exit" },
	[O_VERSION] = { "version", 'V', 0, NULL, "print versions and exit" },
	{ NULL, 0, 0, NULL, NULL },
};

struct opts {
	k8a_expr *where;
	int64_t since, until;
	int has_since, has_until, list, no_builtin, keep_stages, no_prefilter, silent, threads;
	const char *key, *baseline;
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
 * occurrence.  Keyed by (file, auditID, pointer, type, fingerprint); two
 * generations of 1<<16 keys, reset per input file like k8a_reader_seen(). */
#define FOLD_SLOTS (1u << 17)
#define FOLD_GEN (1u << 16)
struct fold {
	uint64_t *cur, *old;
	size_t ncur;
	char *path;
};

static uint64_t
fnv(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (h ^ 0xff) * 1099511628211ULL;
}

static int
fold_has(const uint64_t *t, uint64_t h)
{
	size_t i = (size_t)(h & (FOLD_SLOTS - 1));

	if (t == NULL)
		return 0;
	while (t[i]) {
		if (t[i] == h)
			return 1;
		i = (i + 1) & (FOLD_SLOTS - 1);
	}
	return 0;
}

static void
fold_reset(struct fold *f)
{
	free(f->cur);
	free(f->old);
	f->cur = f->old = NULL;
	f->ncur = 0;
}

/* 1 when an earlier stage of this request reported this secret here. */
static int
fold_seen(struct fold *f, k8a_event *ev, const struct k8a_secret_hit *h)
{
	const char *id = k8a_event_str(ev, K8A_F_ID), *path = k8a_event_origin(ev)->path;
	char type[32];
	uint64_t k;
	size_t i;

	if (k8a_event_source(ev) != K8A_SRC_K8S || id == NULL)
		return 0;
	if (f->path == NULL || strcmp(f->path, path) != 0) {
		fold_reset(f);
		free(f->path);
		f->path = strdup(path);
	}
	snprintf(type, sizeof(type), "%zu", h->type_index);
	k = fnv(fnv(fnv(fnv(14695981039346656037ULL, id), h->pointer), type), h->fingerprint);
	if (k == 0)
		k = 1;
	if (fold_has(f->cur, k) || fold_has(f->old, k))
		return 1;
	if (f->cur == NULL || f->ncur >= FOLD_GEN) {
		free(f->old);
		f->old = f->cur;
		f->ncur = 0;
		if ((f->cur = calloc(FOLD_SLOTS, sizeof(uint64_t))) == NULL)
			return 0;
	}
	i = (size_t)(k & (FOLD_SLOTS - 1));
	while (f->cur[i])
		i = (i + 1) & (FOLD_SLOTS - 1);
	f->cur[i] = k;
	f->ncur++;
	return 0;
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

static int
parse_options(int argc, char **argv, struct opts *o, struct out *out)
{
	const char *arg;
	int c, nexpr = 0;

	while ((c = fe_getopt(argc, argv, opts, &arg)) != -1) {
		switch (c) {
		case O_EXPR: {
			struct k8a_err err;
			k8a_expr *x = k8a_expr_compile(arg, &err);
			if (x == NULL) {
				fe_usage_error(synopsis, "-w: %s at offset %zu in '%s'", err.msg, err.offset, arg);
				return -1;
			}
			o->where = nexpr++ ? k8a_expr_or(o->where, x) : x;
			break;
		}
		case O_SINCE:
		case O_UNTIL:
			if (fe_parse_when(arg, c == O_SINCE ? &o->since : &o->until) != 0) {
				fe_usage_error(synopsis, "--%s: cannot read '%s' as a time or duration", opts[c].lng, arg);
				return -1;
			}
			if (c == O_SINCE)
				o->has_since = 1;
			else
				o->has_until = 1;
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
		case O_KEEP_STAGES: o->keep_stages = 1; break;
		case O_NO_PREFILTER: o->no_prefilter = 1; break;
		case O_THREADS: {
			char *end;
			long n = strtol(arg, &end, 10);
			if (*end || n < 1 || n > 64) {
				fe_usage_error(synopsis, "-j: not a thread count from 1 to 64: '%s'", arg);
				return -1;
			}
			o->threads = (int)n;
			break;
		}
		case O_SILENT: o->silent = 1; break;
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
	return 0;
}

/* Should the record be scanned?  1 yes, 0 no, -1 unusable (diagnosed). */
static int
selected(const struct opts *o, const k8a_secret_set *set, k8a_secret_scan *sc, k8a_event *ev)
{
	const struct k8a_origin *og;

	if (!o->no_prefilter) {
		if (o->where && !k8a_expr_may_match(o->where, ev))
			return 0;
		if (!k8a_secret_may_hold(sc, ev))
			return 0;
	}
	if (o->where) {
		int m = k8a_expr_match(o->where, ev);
		if (m < 0) {
			if (!o->silent)
				fe_diag(k8a_event_where(ev), "%s", k8a_event_error(ev));
			return -1;
		}
		if (m == 0)
			return 0;
	}
	if (o->has_since || o->has_until) {
		int64_t t = k8a_event_time(ev);
		if (t == INT64_MIN || (o->has_since && t < o->since) || (o->has_until && t >= o->until))
			return 0;
	}
	og = k8a_event_origin(ev);
	if (k8a_secret_allowed_path(set, og->path) || (og->member && k8a_secret_allowed_path(set, og->member)))
		return 0;
	return 1;
}

int
main(int argc, char **argv)
{
	struct opts o;
	struct out out;
	struct fold fold = { 0 };
	struct baseline *base = NULL;
	k8a_secret_set *set = NULL;
	k8a_secret_scan *sc = NULL;
	k8a_reader *r = NULL;
	k8a_event *ev;
	unsigned char *key = NULL;
	size_t keylen = 0, i;
	uint64_t records = 0;
	int trouble = 0, found = 0, rc, loaderr = 0;

	fe_init(argv[0]);
	memset(&o, 0, sizeof(o));
	memset(&out, 0, sizeof(out));
	out.fp = stdout;
	switch (parse_options(argc, argv, &o, &out)) {
	case -1:
		trouble = 1;
		goto done;
	case 1:
		goto done;
	}

	/* ---- the types ---- */
	if ((set = k8a_secret_set_new()) == NULL)
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
		loaderr += allow_load(set, o.allow[i]);
	if (o.baseline && (base = baseline_load(o.baseline, &loaderr)) == NULL)
		loaderr++;
	out.set = set;
	if (o.list) {
		out_list_types(stdout, set, out.fmt != FMT_TSV);
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
	if (key_load(o.key, &key, &keylen) != 0) {
		trouble = 1;
		goto done;
	}
	if ((sc = k8a_secret_scan_new(set)) == NULL || k8a_secret_scan_set_key(sc, key, keylen) != K8A_OK)
		goto nomem;

	/* ---- the pass over the input ---- */
	if ((r = k8a_reader_new()) == NULL)
		goto nomem;
	k8a_reader_set_threads(r, o.threads ? o.threads : fe_default_threads());
	k8a_reader_set_progress(r, fe_progress_cb, r);
	if (!o.no_prefilter)
		k8a_reader_set_prefilter(r, k8a_secret_set_prefilter(set));
	if (fe_optind >= argc)
		k8a_reader_add_path(r, "-");
	for (i = (size_t)fe_optind; i < (size_t)argc; i++)
		k8a_reader_add_path(r, argv[i]);
	out_begin(&out);
	while ((rc = k8a_reader_next(r, &ev)) != K8A_EOF) {
		const struct k8a_secret_hit *hits;
		size_t n;
		if (rc == K8A_FATAL) {
			fe_diag(k8a_reader_where(r), "%s", k8a_reader_error(r));
			trouble = 1;
			break;
		}
		if (rc == K8A_WARN) {
			if (!o.silent)
				fe_diag(k8a_reader_where(r), "%s", k8a_reader_error(r));
			trouble = 1;
			continue;
		}
		if ((++records & 0xfff) == 0)
			fe_progress(r, records);
		switch (selected(&o, set, sc, ev)) {
		case -1:
			trouble = 1;
			continue;
		case 0:
			continue;
		}
		rc = k8a_secret_scan_event(sc, ev, &hits, &n);
		if (rc == K8A_FATAL)
			goto nomem;
		if (rc == K8A_WARN) {
			/* a record not parsed, or not fully checked: the hits
			 * found are still reported */
			if (!o.silent)
				fe_diag(k8a_event_where(ev), "%s", k8a_secret_scan_error(sc));
			trouble = 1;
		}
		for (i = 0; i < n; i++) {
			if (!o.keep_stages && fold_seen(&fold, ev, &hits[i]))
				continue;
			if (baseline_has(base, hits[i].fingerprint))
				continue;
			found = 1;
			out_hit(&out, ev, &hits[i]);
		}
	}
	fe_progress_end();
	out_end(&out);
	goto done;
nomem:
	fe_diag(NULL, "out of memory");
	trouble = 1;
done:
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fe_diag("<stdout>", "write error");
		trouble = 1;
	}
	k8a_reader_free(r);
	k8a_secret_scan_free(sc);
	k8a_secret_set_free(set);
	k8a_expr_free(o.where);
	baseline_free(base);
	fold_reset(&fold);
	free(fold.path);
	free(o.rules);
	free(o.allow);
	free(key);
	if (trouble)
		return FE_EXIT_TROUBLE;
	return found ? FE_EXIT_NONE : FE_EXIT_OK;
}
