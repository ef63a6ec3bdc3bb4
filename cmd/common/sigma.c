/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * --sigma PATH: the Sigma rules of a file, or of every *.yml and *.yaml
 * below a directory (byte order), loaded with k8a_sigma_load().  Rules
 * for other log sources are counted; a rule using what the translation
 * lacks is said ("file:line: rule T: unsupported modifier 'x'") and left
 * out, an error with --strict; a file that is no Sigma rule is an error.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fe.h"

struct one {
	struct fe_sigma *st;
	const char *file;
	fe_sigma_take *take;
	void *arg;
};

static void
got_rule(void *arg, k8a_sigma_rule *r)
{
	struct one *o = arg;

	o->st->loaded++;
	o->take(o->arg, r, o->file);
}

static void
got_problem(void *arg, enum k8a_sigma_problem what, unsigned line, const char *msg)
{
	struct one *o = arg;
	char where[4200];

	if (line)
		snprintf(where, sizeof(where), "%s:%u", o->file, line);
	else
		snprintf(where, sizeof(where), "%s", o->file);
	switch (what) {
	case K8A_SIGMA_OTHER_LOGSOURCE:
		o->st->other++;
		return;
	case K8A_SIGMA_UNSUPPORTED:
		o->st->unsupported++;
		if (o->st->strict)
			o->st->errors++;
		break;
	case K8A_SIGMA_INVALID:
		o->st->errors++;
		break;
	}
	if (!o->st->quiet || what != K8A_SIGMA_UNSUPPORTED || o->st->strict)
		fe_diag(where, "%s", msg);
}

static void
load_file(struct fe_sigma *st, const char *path, fe_sigma_take *take, void *arg)
{
	struct one o = { st, path, take, arg };

	st->files++;
	if (k8a_sigma_load(path, got_rule, got_problem, &o) == K8A_FATAL)
		fe_nomem_diag(path);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
yaml_name(const char *n)
{
	size_t l = strlen(n);

	return (l > 4 && strcmp(n + l - 4, ".yml") == 0) || (l > 5 && strcmp(n + l - 5, ".yaml") == 0);
}

static void
load_dir(struct fe_sigma *st, const char *dir, int depth, fe_sigma_take *take, void *arg)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL, **nn;
	size_t n = 0, i;

	if (d == NULL) {
		fe_diag(dir, "%s", strerror(errno));
		st->errors++;
		return;
	}
	while ((de = readdir(d)) != NULL) {
		char *c;
		if (de->d_name[0] == '.')
			continue;
		if ((c = strdup(de->d_name)) == NULL || (nn = realloc(names, (n + 1) * sizeof(*nn))) == NULL) {
			free(c);
			fe_nomem_diag(dir);
			break;
		}
		names = nn;
		names[n++] = c;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), cmp_str);
	for (i = 0; i < n && !fe_nomem(); i++) {
		struct stat sb;
		size_t len = strlen(dir) + strlen(names[i]) + 2;
		char *p = malloc(len);
		if (p == NULL) {
			fe_nomem_diag(dir);
			break;
		}
		snprintf(p, len, "%s/%s", dir, names[i]);
		if (stat(p, &sb) == 0 && S_ISDIR(sb.st_mode)) {
			if (depth < 8)
				load_dir(st, p, depth + 1, take, arg);
		} else if (yaml_name(names[i]))
			load_file(st, p, take, arg);
		free(p);
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

void
fe_sigma_load(struct fe_sigma *st, const char *path, fe_sigma_take *take, void *arg)
{
	struct stat sb;
	size_t files = st->files;

	if (fe_nomem())
		return;
	if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		load_dir(st, path, 0, take, arg);
		if (st->files == files && !fe_nomem()) {
			fe_diag(path, "no *.yml or *.yaml files in this directory");
			st->errors++;
		}
	} else
		load_file(st, path, take, arg);
}

void
fe_sigma_summary(const struct fe_sigma *st)
{
	if (st->other)
		fe_diag(NULL, "%zu Sigma rule%s for other log sources skipped (only Kubernetes audit and "
			"CloudTrail)", st->other, st->other == 1 ? "" : "s");
	if (st->unsupported && !st->strict)
		fe_diag(NULL, "%zu Sigma rule%s skipped for unsupported constructs", st->unsupported,
			st->unsupported == 1 ? "" : "s");
}

/* ---- one expression for k8saudit-grep --sigma ---- */
struct any {
	k8a_expr *x;
	size_t corr;
	int fatal;
};

static void
take_any(void *arg, k8a_sigma_rule *r, const char *file)
{
	struct any *a = arg;
	k8a_expr *src, *x;

	(void)file;
	if (r->corr != NULL || r->when == NULL) {
		a->corr++;
		k8a_sigma_rule_free(r);
		return;
	}
	/* the rule's logsource: only records of that source */
	src = k8a_expr_compile(r->source == K8A_SRC_K8S ? "type = k8s" : "type = cloudtrail", NULL);
	x = r->when;
	r->when = NULL;
	k8a_sigma_rule_free(r);
	if (src == NULL || (x = k8a_expr_and(src, x)) == NULL || (a->x = k8a_expr_or(a->x, x)) == NULL) {
		a->fatal = 1;
		fe_nomem_note();
	}
}

k8a_expr *
fe_sigma_expr(struct fe_sigma *st, const char *const *paths, size_t n)
{
	struct any a = { NULL, 0, 0 };
	size_t i;

	for (i = 0; i < n && !a.fatal && !fe_nomem(); i++)
		fe_sigma_load(st, paths[i], take_any, &a);
	fe_sigma_summary(st);
	if (a.corr)
		fe_diag(NULL, "%zu Sigma correlation rule%s skipped (k8saudit-findings runs them)", a.corr,
			a.corr == 1 ? "" : "s");
	if (a.fatal || fe_nomem()) {
		k8a_expr_free(a.x);
		return NULL;
	}
	return a.x;
}
