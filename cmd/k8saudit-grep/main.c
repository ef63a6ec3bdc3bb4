/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * k8saudit-grep: field-aware grep over Kubernetes audit logs and CloudTrail.
 * Operands are always paths; expressions come with -w and regexes with -e.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "fe.h"

static const char synopsis[] = "[-cHhlqsvZ] [-w EXPR]... [-e REGEX]... [--sigma FILE]... [--exec] [--strict] [--json] [--fields LIST]\n"
	"       [--state FILE [--state-reset]] [--output FILE] [PATH...]";

enum {
	O_EXPR, O_REGEX, O_ICASE, O_SINCE, O_UNTIL, O_EXEC, O_JSON, O_FIELDS, O_HEADER, O_COUNT,
	O_FILES, O_NULL, O_INVERT, O_MAX, O_QUIET, O_SILENT, O_WITH_NAME, O_NO_NAME,
	O_KEEP_STAGES, O_NO_PREFILTER, O_VALIDATE, O_STRICT, O_THREADS, O_SHARD, O_LIMIT, O_SIGMA,
	O_STATE, O_STATE_RESET, O_OUTPUT, O_HELP, O_VERSION,
};

static const struct fe_opt opts[] = {
	[O_EXPR] = FE_OPT_WHERE,
	[O_REGEX] = { "regexp", 'e', 1, "REGEX", "select records whose raw text matches REGEX (repeatable: any)" },
	[O_ICASE] = { "ignore-case", 'i', 0, NULL, "make -e regexes case-insensitive" },
	[O_SINCE] = FE_OPT_SINCE,
	[O_UNTIL] = FE_OPT_UNTIL,
	[O_EXEC] = { "exec", 0, 0, NULL, "only pods/exec and pods/attach requests; add the decoded command" },
	[O_JSON] = { "json", 0, 0, NULL, "print each matching record as one JSON line" },
	[O_FIELDS] = { "fields", 0, 1, "LIST", "print these comma-separated columns (names, aliases, JSON paths); with --json, as JSON" },
	[O_HEADER] = { "header", 0, 0, NULL, "print a header line naming the columns" },
	[O_COUNT] = { "count", 'c', 0, NULL, "print only the number of matching records" },
	[O_FILES] = { "files-with-matches", 'l', 0, NULL, "print only the names of files with matches" },
	[O_NULL] = { "null", 'Z', 0, NULL, "end file names with NUL instead of newline (-l, -c)" },
	[O_INVERT] = { "invert-match", 'v', 0, NULL, "select records that do not match" },
	[O_MAX] = { "max-count", 'm', 1, "N", "select at most N matching records per file" },
	[O_QUIET] = { "quiet", 'q', 0, NULL, "print nothing; exit 0 at the first match" },
	[O_SILENT] = FE_OPT_SILENT,
	[O_WITH_NAME] = { "with-filename", 'H', 0, NULL, "name the file on each -c count (default with several inputs or a directory)" },
	[O_NO_NAME] = { "no-filename", 'h', 0, NULL, "never show file names (-c counts, the location column)" },
	[O_KEEP_STAGES] = FE_OPT_KEEP_STAGES,
	[O_NO_PREFILTER] = { "no-prefilter", 0, 0, NULL, "parse every record (for checking the byte prefilter)" },
	[O_VALIDATE] = { "validate", 0, 0, NULL, "parse every record, reporting invalid ones, even when not needed" },
	[O_STRICT] = FE_OPT_STRICT,
	[O_THREADS] = FE_OPT_THREADS,
	[O_SHARD] = FE_OPT_SHARD,
	[O_LIMIT] = FE_OPT_LIMIT,
	[O_SIGMA] = { "sigma", 0, 1, "FILE", "select records a Sigma rule in FILE (or a directory's *.yml) matches; with -w, both must" },
	[O_STATE] = FE_OPT_STATE,
	[O_STATE_RESET] = FE_OPT_STATE_RESET,
	/* no -o: GNU grep's -o is --only-matching */
	[O_OUTPUT] = { "output", 0, 1, "FILE", "append the output to FILE; with --state each record exactly once" },
	[O_HELP] = FE_OPT_HELP,
	[O_VERSION] = FE_OPT_VERSION,
	{ NULL, 0, 0, NULL, NULL },
};

/* Per-file bookkeeping for -c, -l and -m, keyed by the top-level path. */
struct filestate {
	char *path;
	uint64_t matches;
};

struct grep {
	k8a_expr *expr;
	pcre2_code **re;
	const char **pats;
	pcre2_match_data *md;
	pcre2_match_context *mc;
	pcre2_jit_stack *js;
	size_t nre, npats;
	struct fe_scope sc; /* -w, --since, --until, --strict, -s, -j, --keep-stages */
	int exec, json, count, files, nul, invert, quiet;
	int no_prefilter, validate, header, icase;
	const char *fields;
	const char **sigma; /* --sigma paths */
	size_t nsigma;
	int names; /* -1 auto, 0 no, 1 yes: for -c and -l */
	int hide_path; /* -h: the location column shows only line numbers */
	long max;
	int parse; /* every candidate record is parsed (what the options need) */
	int skim;  /* records the quick scan rules out are not parsed */
	struct fe_cols cols;
	int tty;
	int nomem; /* memory ran out in a callback */
	struct filestate fs;
	const char *state, *output; /* --state, --output */
	int state_reset;
	struct fe_state st;
	struct fe_printed printed; /* records earlier runs printed */
};


static int
is_exec(k8a_event *ev)
{
	const char *sub = k8a_event_str(ev, K8A_F_SUBRESOURCE);

	return k8a_event_source(ev) == K8A_SRC_K8S && sub &&
	       (strcmp(sub, "exec") == 0 || strcmp(sub, "attach") == 0);
}

/* 1 match, 0 no match, -1 unusable record (diagnosed), -2 out of memory. */
static int
matches(struct grep *g, k8a_reader *r, k8a_event *ev)
{
	int m = 1, mr;
	size_t i, n, fail_at = 0;
	const char *raw = k8a_event_raw(ev, &n);

	if (g->nre) {
		int failed = 0, rc = 0;
		for (i = 0, m = 0; i < g->nre && !m; i++) {
			int x = pcre2_match(g->re[i], (PCRE2_SPTR)raw, n, 0, 0, g->md, g->mc);
			if (x >= 0)
				m = 1;
			else if (x != PCRE2_ERROR_NOMATCH && !failed)
				failed = 1, rc = x, fail_at = i;
		}
		if (!m && failed) {
			/* PCRE2 gave up (its match limit, the JIT stack, memory):
			 * no answer, and never "no match" */
			PCRE2_UCHAR why[120];
			if (rc == PCRE2_ERROR_NOMEMORY)
				return -2;
			pcre2_get_error_message(rc, why, sizeof(why));
			fe_diag(k8a_event_where(ev), "cannot tell whether -e '%s' matches: %s", g->pats[fail_at],
				(char *)why);
			return -1;
		}
	}
	if (m && g->skim && !k8a_expr_may_match(g->expr, ev))
		m = 0;
	if (m || g->invert) {
		/* --json writes a multi-line record through jansson, so it is
		 * parsed (and an invalid one reported) like any other */
		int need = g->parse || (g->json && (memchr(raw, '\n', n) || memchr(raw, '\r', n)));
		if (need && (k8a_event_json(ev) == NULL || k8a_event_source(ev) == K8A_SRC_UNKNOWN)) {
			if (k8a_event_nomem(ev))
				return -2;
			fe_diag(k8a_event_where(ev), "%s", k8a_event_error(ev));
			return -1;
		}
		if (m) {
			mr = k8a_expr_match(g->expr, ev);
			if (mr == K8A_FATAL)
				return -2;
			if (mr < 0) {
				fe_diag(k8a_event_where(ev), "%s", k8a_event_error(ev));
				return -1;
			}
			m = mr;
		}
		if (m && !fe_scope_in_window(&g->sc, ev))
			m = 0;
		if (m && g->exec && !is_exec(ev))
			m = 0;
		if (k8a_event_nomem(ev))
			return -2; /* a field read as absent for want of memory */
	}
	if (g->invert)
		m = !m;
	/* --json keeps every stage: the tools it feeds fold stages themselves
	 * and need the later ones (response status, objects) */
	if (m && !g->sc.keep_stages && !g->json && (mr = k8a_reader_seen(r, ev)) != 0)
		m = mr == K8A_FATAL ? -2 : 0;
	return m;
}

static void
put_name(struct grep *g, const char *path)
{
	/* -Z output is for xargs -0: the name must be the real one */
	if (g->nul) {
		fputs(path, stdout);
		fputc('\0', stdout);
	} else
		fe_put(stdout, path);
}

static void
flush_count(struct grep *g, const struct filestate *fs)
{
	if (!g->count || fs->path == NULL)
		return;
	if (g->names == 1) {
		put_name(g, fs->path);
		if (!g->nul)
			fputc(':', stdout);
	}
	printf("%llu\n", (unsigned long long)fs->matches);
}

/* A new input file: the previous one's count is final. */
static void
next_file(void *arg, const char *path)
{
	struct grep *g = arg;

	if (g->names == 1)
		flush_count(g, &g->fs);
	free(g->fs.path);
	if ((g->fs.path = strdup(path)) == NULL)
		g->nomem = 1; /* no count may go to the wrong name */
	g->fs.matches = 0;
}

static int
compile_regexes(struct grep *g, const char **pats, size_t n, int icase)
{
	size_t i;

	if ((g->re = calloc(n, sizeof(*g->re))) == NULL)
		return K8A_FATAL;
	for (i = 0; i < n; i++) {
		int ec;
		PCRE2_SIZE eo;
		g->re[i] = pcre2_compile((PCRE2_SPTR)pats[i], PCRE2_ZERO_TERMINATED,
			(icase ? PCRE2_CASELESS : 0) | PCRE2_MATCH_INVALID_UTF | PCRE2_UTF, &ec, &eo, NULL);
		if (g->re[i] == NULL && ec == PCRE2_ERROR_HEAP_FAILED)
			return K8A_FATAL;
		if (g->re[i] == NULL) {
			PCRE2_UCHAR msg[128];
			pcre2_get_error_message(ec, msg, sizeof(msg));
			fe_usage_error(synopsis, "-e '%s': %s at offset %zu", pats[i], (char *)msg, (size_t)eo);
			return -1;
		}
		pcre2_jit_compile(g->re[i], PCRE2_JIT_COMPLETE);
		g->nre++;
	}
	g->pats = pats;
	/* the JIT stack may grow to 8 MiB (reserved, used as a match needs
	 * it); a match that needs more is reported, not taken as no match */
	if ((g->md = pcre2_match_data_create(1, NULL)) == NULL ||
	    (g->mc = pcre2_match_context_create(NULL)) == NULL ||
	    (g->js = pcre2_jit_stack_create(32 << 10, 8 << 20, NULL)) == NULL)
		return K8A_FATAL;
	pcre2_jit_stack_assign(g->mc, NULL, g->js);
	return 0;
}

/* --sigma: the records a rule matches, and -w's when given.  0, -1 after
 * a message, K8A_FATAL. */
static int
add_sigma(struct grep *g)
{
	struct fe_sigma st = { 0 };
	k8a_expr *x;

	st.strict = g->sc.strict;
	x = fe_sigma_expr(&st, g->sigma, g->nsigma);
	if (fe_nomem())
		return K8A_FATAL;
	if (st.errors) {
		k8a_expr_free(x);
		return -1;
	}
	if (x == NULL) {
		fe_diag(NULL, "--sigma: no Sigma rule for Kubernetes audit or CloudTrail records was loaded");
		return -1;
	}
	if ((g->sc.where = g->sc.where ? k8a_expr_and(g->sc.where, x) : x) == NULL)
		return K8A_FATAL;
	return 0;
}

/* Read the options into g.  0, -1 after a usage error (or --help and
 * --version: *exit set), K8A_FATAL when out of memory. */
static int
options(struct grep *g, int argc, char **argv, int *exit)
{
	const char *arg, **np;
	char *end;
	int o, rc;

	while ((o = fe_getopt(argc, argv, opts, &arg)) != -1) {
		switch (o) {
		case O_EXPR:
		case O_SINCE:
		case O_UNTIL:
		case O_STRICT:
		case O_SILENT:
		case O_KEEP_STAGES:
		case O_THREADS:
		case O_SHARD: case O_LIMIT:
			if ((rc = fe_scope_opt(&g->sc, opts[o].lng, arg, synopsis)) != 0)
				return rc;
			break;
		case O_REGEX:
			if ((np = realloc(g->pats, (g->npats + 1) * sizeof(*g->pats))) == NULL)
				return K8A_FATAL;
			g->pats = np;
			g->pats[g->npats++] = arg;
			break;
		case O_ICASE: g->icase = 1; break;
		case O_SIGMA: {
			const char **ns = realloc(g->sigma, (g->nsigma + 1) * sizeof(*ns));
			if (ns == NULL)
				return K8A_FATAL;
			g->sigma = ns;
			g->sigma[g->nsigma++] = arg;
			break;
		}
		case O_EXEC: g->exec = 1; break;
		case O_JSON: g->json = 1; break;
		case O_FIELDS: g->fields = arg; break;
		case O_HEADER: g->header = 1; break;
		case O_COUNT: g->count = 1; break;
		case O_FILES: g->files = 1; break;
		case O_NULL: g->nul = 1; break;
		case O_INVERT: g->invert = 1; break;
		case O_MAX:
			g->max = strtol(arg, &end, 10);
			if (end == arg || *end || g->max < 0) {
				fe_usage_error(synopsis, "-m: not a count: '%s'", arg);
				return -1;
			}
			break;
		case O_QUIET: g->quiet = 1; break;
		case O_WITH_NAME: g->names = 1; break;
		case O_NO_NAME:
			g->names = 0;
			g->hide_path = 1;
			break;
		case O_NO_PREFILTER: g->no_prefilter = 1; break;
		case O_VALIDATE: g->validate = 1; break;
		case O_STATE: g->state = arg; break;
		case O_STATE_RESET: g->state_reset = 1; break;
		case O_OUTPUT: g->output = arg; break;
		case O_HELP:
			fe_help(stdout, synopsis,
				"Print audit and CloudTrail records that match field expressions (-w) or\n"
				"regexes over the raw record (-e); with neither, every record matches.\n"
				"PATHs are files, directories or - (standard input); compressed files and\n"
				"archives are read by content.  See k8saudit-grep(1) and k8saudit-expr(5).",
				opts);
			*exit = fe_finish_stdout() ? FE_EXIT_TROUBLE : FE_EXIT_OK;
			return -1;
		case O_VERSION:
			fe_version();
			*exit = fe_finish_stdout() ? FE_EXIT_TROUBLE : FE_EXIT_OK;
			return -1;
		default:
			return -1;
		}
	}
	if ((rc = fe_scope_check(&g->sc, synopsis)) != 0)
		return rc;
	if (g->state_reset && g->state == NULL) {
		fe_usage_error(synopsis, "--state-reset: only with --state");
		return -1;
	}
	if (g->state && g->quiet) {
		/* -q stops at the first match: the objects after it unread */
		fe_usage_error(synopsis, "--state and -q cannot be combined");
		return -1;
	}
	return g->nsigma ? add_sigma(g) : 0;
}

/* What the options make: columns, the expression (with --exec's part),
 * the regexes.  0, -1 after a usage error, K8A_FATAL. */
static int
prepare(struct grep *g)
{
	const char *bad;
	int rc;

	if (g->fields) {
		if ((rc = fe_cols_parse(&g->cols, g->fields, &bad)) != 0) {
			if (rc != K8A_FATAL)
				fe_usage_error(synopsis, "--fields: %s", bad);
			return rc;
		}
	} else if (fe_cols_default(&g->cols, g->exec) != 0)
		return K8A_FATAL;
	g->expr = g->sc.where; /* now ours */
	g->sc.where = NULL;
	if (g->expr == NULL && (g->expr = k8a_expr_compile("", NULL)) == NULL)
		return K8A_FATAL;
	if (g->exec) { /* also gives the prefilter its literals */
		k8a_expr *x = k8a_expr_compile("subresource in (exec, attach)", NULL);
		if (x == NULL || (g->expr = k8a_expr_and(g->expr, x)) == NULL)
			return K8A_FATAL;
	}
	g->parse = k8a_expr_needs_json(g->expr) || g->sc.has_since || g->sc.has_until || g->exec || g->validate ||
		   (!g->count && !g->files && !g->quiet && (!g->json || g->fields)) || (g->json && g->tty);
	return g->npats ? compile_regexes(g, g->pats, g->npats, g->icase) : 0;
}

/* The reader over the operands, with the prefilter the expression allows. */
static k8a_reader *
open_inputs(struct grep *g, int argc, char **argv, k8a_prefilter **pf)
{
	k8a_reader *r = k8a_reader_new();
	struct stat st;
	int i;

	if (r == NULL)
		return NULL;
	if (fe_optind >= argc)
		k8a_reader_add_path(r, "-");
	for (i = fe_optind; i < argc; i++) {
		k8a_reader_add_path(r, argv[i]);
		if (g->names == -1 && (argc - fe_optind > 1 || (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode))))
			g->names = 1;
	}
	if (g->names == -1)
		g->names = 0;
	/* Skip records that cannot match without parsing them.  Only exact:
	 * never with -v, and only from the field expression's literals. */
	if (!g->no_prefilter && !g->invert && !g->validate && k8a_expr_literals(g->expr)) {
		*pf = k8a_prefilter_new(k8a_expr_literals(g->expr));
		k8a_reader_set_prefilter(r, *pf);
	}
	g->skim = !g->no_prefilter && !g->invert && !g->validate && k8a_expr_needs_json(g->expr);
	k8a_reader_set_threads(r, g->sc.threads ? g->sc.threads : fe_default_threads());
	fe_scope_reader(&g->sc, r);
	k8a_reader_set_progress(r, fe_progress_cb, r);
	k8a_reader_set_file_callback(r, next_file, g);
	fe_state_attach(&g->st, r);
	return r;
}

/* A selected record, as the options say.  0, or -1 when it could not be
 * printed (reported). */
static int
print_record(struct grep *g, k8a_event *ev)
{
	json_t *row;
	int rc = 0;

	if (g->files) {
		if (g->fs.matches == 1) {
			put_name(g, g->fs.path);
			if (!g->nul)
				fputc('\n', stdout);
		}
	} else if (g->count) {
		/* printed per file or at the end */
	} else if (g->json && g->fields) {
		if ((row = fe_cols_json(&g->cols, ev)) == NULL || json_dumpf(row, stdout, JSON_COMPACT | JSON_ENSURE_ASCII) != 0)
			rc = -1;
		fputc('\n', stdout);
		json_decref(row);
	} else if (g->json) {
		if (g->tty && k8a_event_json(ev)) {
			json_dumpf(k8a_event_json(ev), stdout, JSON_COMPACT | JSON_ENSURE_ASCII);
			fputc('\n', stdout);
		} else
			rc = fe_put_json_line(stdout, ev);
	} else
		fe_cols_print(stdout, &g->cols, ev, !g->hide_path);
	return rc;
}

/* 1 when an earlier run (--state) printed this record of this object,
 * else 0 (remembered); K8A_FATAL when out of memory. */
static int
printed_before(struct grep *g, k8a_event *ev)
{
	const struct k8a_origin *og = k8a_event_origin(ev);
	const char *path = og->path ? og->path : "", *member = og->member ? og->member : "";
	size_t pl = strlen(path) + 1, ml = strlen(member) + 1, len;
	const char *raw = k8a_event_raw(ev, &len);
	char *buf = malloc(pl + ml + len);
	uint64_t id;

	if (buf == NULL)
		return K8A_FATAL;
	memcpy(buf, path, pl);
	memcpy(buf + pl, member, ml);
	memcpy(buf + pl + ml, raw, len);
	id = k8a_hash64(buf, pl + ml + len);
	free(buf);
	return fe_printed_see(&g->printed, id, k8a_event_time(ev));
}

/* Select and print; the exit status. */
static int
search(struct grep *g, k8a_reader *r)
{
	struct fe_run run = { 0 };
	uint64_t total = 0;
	int status = FE_EXIT_NONE;
	k8a_event *ev;

	if (g->header && !g->json && !g->count && !g->files && !g->quiet)
		fe_cols_header(stdout, &g->cols);
	while ((ev = fe_next_record(r, &g->sc, &run)) != NULL) {
		if (g->nomem)
			break;
		if (g->max >= 0 && g->fs.matches >= (uint64_t)g->max)
			continue;
		switch (matches(g, r, ev)) {
		case -2:
			fe_diag(k8a_event_where(ev), "out of memory");
			return FE_EXIT_TROUBLE; /* no count of this file is complete */
		case -1:
			run.trouble = 1;
			continue;
		case 0:
			continue;
		}
		if (g->state) {
			/* an object read again: what an earlier run printed
			 * is not printed again */
			int seen = printed_before(g, ev);
			if (seen == K8A_FATAL) {
				fe_diag(k8a_event_where(ev), "out of memory");
				return FE_EXIT_TROUBLE;
			}
			if (seen)
				continue;
		}
		g->fs.matches++;
		total++;
		status = FE_EXIT_OK;
		if (g->quiet)
			return FE_EXIT_OK;
		if (print_record(g, ev) != 0)
			run.trouble = 1;
		if (fe_out_failed()) /* no reader left, or no room: stop reading */
			break;
	}
	if (g->nomem || run.fatal) {
		/* out of memory: what is printed so far is whole (earlier
		 * files' counts); this file's count would not be */
		if (g->nomem)
			fe_diag(NULL, "out of memory");
		return FE_EXIT_TROUBLE;
	}
	if (g->count) {
		if (g->names == 1)
			flush_count(g, &g->fs);
		else
			printf("%llu\n", (unsigned long long)total);
	}
	return run.trouble ? FE_EXIT_TROUBLE : status;
}

/* --state and --output: the state locked and loaded, the output opened.
 * 0, or -1 after a message. */
static int
open_state(struct grep *g)
{
	if (fe_state_open(&g->st, "grep", g->state, g->state_reset, g->output, g->sc.limit[FE_LIMIT_STATE]) != 0)
		return -1;
	if (g->state && fe_printed_load(&g->printed, json_object_get(g->st.sec, "printed"),
		json_integer_value(json_object_get(g->st.sec, "maxtime")), g->state, "printed records of the grep section") != 0)
		return -1;
	return 0;
}

/* The records written, then the state that says so.  0, or -1 after a
 * message. */
static int
commit_state(struct grep *g)
{
	json_t *sec = NULL;
	int rc;

	if (fe_out_failed())
		return 0; /* said by fe_finish_stdout(); nothing committed */
	if (g->state) {
		json_t *printed = fe_printed_persist(&g->printed);
		sec = printed ? json_pack("{s:o,s:I}", "printed", printed, "maxtime", (json_int_t)g->printed.maxtime) : NULL;
		if (sec == NULL) {
			fe_nomem_diag(g->state);
			return -1;
		}
	}
	rc = fe_state_commit(&g->st, sec, "records");
	json_decref(sec);
	return rc;
}

int
main(int argc, char **argv)
{
	struct grep g;
	k8a_reader *r = NULL;
	k8a_prefilter *pf = NULL;
	int status = FE_EXIT_TROUBLE, rc;
	size_t i;

	fe_init(argv[0]);
	memset(&g, 0, sizeof(g));
	g.names = -1;
	g.max = -1;
	g.tty = isatty(1);
	if ((rc = options(&g, argc, argv, &status)) == 0 && (rc = prepare(&g)) == 0 && (rc = open_state(&g)) == 0) {
		if ((r = open_inputs(&g, argc, argv, &pf)) == NULL)
			rc = K8A_FATAL;
		else {
			status = search(&g, r);
			fe_progress_end();
			if ((g.state || g.output) && status != FE_EXIT_TROUBLE && commit_state(&g) != 0)
				status = FE_EXIT_TROUBLE;
			if (fe_finish_stdout() != 0 && !(g.quiet && status == FE_EXIT_OK))
				status = FE_EXIT_TROUBLE;
		}
	}
	if (rc == K8A_FATAL) {
		fe_diag(NULL, "out of memory");
		status = FE_EXIT_TROUBLE;
	}
	free(g.fs.path);
	free((void *)g.pats);
	free((void *)g.sigma);
	fe_cols_free(&g.cols);
	for (i = 0; i < g.nre; i++)
		pcre2_code_free(g.re[i]);
	free(g.re);
	pcre2_match_data_free(g.md);
	pcre2_match_context_free(g.mc);
	pcre2_jit_stack_free(g.js);
	k8a_reader_free(r); /* first: its workers may still be reading */
	fe_state_free(&g.st);
	fe_printed_free(&g.printed);
	k8a_prefilter_free(pf);
	k8a_expr_free(g.expr);
	fe_scope_free(&g.sc);
	return status;
}
