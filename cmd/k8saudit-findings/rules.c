/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The rule-file parser (format: k8saudit-rules(5)).
 *
 *   rule ID
 *   key   value          # a trailing comment needs whitespace before '#'
 *         continuation   (a line starting with whitespace continues the key)
 *   end
 *
 * Every problem is reported as "file:line: message"; the rule it belongs to
 * is dropped and loading goes on, so one typo does not hide the catalog.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "findings.h"

const char *const sev_names[SEV_COUNT_] = { "info", "low", "medium", "high", "critical" };

int
sev_parse(const char *s)
{
	int i;

	for (i = 0; i < SEV_COUNT_; i++)
		if (strcmp(s, sev_names[i]) == 0)
			return i;
	return -1;
}

int
strv_push(struct strv *s, const char *v)
{
	char **nv = realloc(s->v, (s->n + 2) * sizeof(*nv));

	if (nv == NULL) {
		fe_nomem_note();
		return -1;
	}
	s->v = nv;
	if ((s->v[s->n] = fe_strdup(v)) == NULL)
		return -1;
	s->v[++s->n] = NULL;
	return 0;
}

void
strv_free(struct strv *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

static void
rule_free(struct rule *r)
{
	if (r == NULL)
		return;
	corr_free(r);
	free(r->id);
	free(r->title);
	free(r->guardduty);
	free(r->when_text);
	free(r->routine_text);
	k8a_expr_free(r->routine);
	free(r->file);
	strv_free(&r->mitre);
	for (size_t i = 0; r->evf && i < r->evidence.n; i++)
		k8a_fieldref_free(r->evf[i]);
	free(r->evf);
	strv_free(&r->evidence);
	strv_free(&r->literals);
	strv_free(&r->anchors);
	strv_free(&r->catalog);
	k8a_expr_free(r->when);
	sigma_extra_free(r->sigma);
	free(r);
}

void
rules_free(struct ruleset *rs)
{
	size_t i;

	for (i = 0; i < rs->n; i++)
		rule_free(rs->r[i]);
	free(rs->r);
	rs->r = NULL;
	rs->n = 0;
}

const char *const *
rule_literals(const struct rule *r)
{
	if (r->has_literals)
		return (const char *const *)r->literals.v;
	return k8a_expr_literals(r->when);
}

/* ---- parsing one file ---- */

struct pstate {
	struct ruleset *rs;
	const char *file;
	struct rule *cur;   /* the rule being read, or NULL */
	int bad;            /* the current rule had an error: drop it at `end` */
	char *key;          /* the key whose value is being accumulated */
	char *val;
	size_t vlen;
	unsigned keyline;   /* line of the key */
	unsigned seen;      /* bit per key: given already */
};

static void
perr(struct pstate *ps, unsigned line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
perr(struct pstate *ps, unsigned line, const char *fmt, ...)
{
	char where[4096], msg[1024];
	va_list ap;

	if (ps->cur)
		ps->bad = 1;
	/* once memory ran out, what looks wrong may be its doing: the file
	 * is read no further, and only that is said (load_file) */
	if (fe_nomem())
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(where, sizeof(where), "%s:%u", ps->file, line);
	fe_diag(where, "%s", msg);
	ps->rs->errors++;
}

/* Drop a trailing comment: '#' preceded by whitespace, outside quotes. */
static void
strip_comment(char *s)
{
	char q = 0;
	size_t i;

	for (i = 0; s[i]; i++) {
		if (q) {
			if (s[i] == '\\' && s[i + 1])
				i++;
			else if (s[i] == q)
				q = 0;
		} else if (s[i] == '"' || s[i] == '\'')
			q = s[i];
		else if (s[i] == '#' && i > 0 && isspace((unsigned char)s[i - 1])) {
			s[i] = '\0';
			break;
		}
	}
}

static char *
trim(char *s)
{
	size_t n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* Split a comma-separated list; items may be quoted.  -1 on an empty item
 * (or when memory ran out: noted). */
static int
split_list(const char *s, struct strv *out)
{
	char *dup = fe_strdup(s), *p, *item;
	char q = 0;
	size_t i, start = 0, len;
	int rc = 0;

	if (dup == NULL)
		return -1;
	len = strlen(dup);
	for (i = 0; i <= len; i++) {
		if (i < len && q) {
			if (dup[i] == q)
				q = 0;
			continue;
		}
		if (i < len && (dup[i] == '"' || dup[i] == '\'')) {
			q = dup[i];
			continue;
		}
		if (i < len && dup[i] != ',')
			continue;
		dup[i] = '\0';
		item = trim(dup + start);
		p = item;
		if ((*p == '"' || *p == '\'') && strlen(p) >= 2 && p[strlen(p) - 1] == *p) {
			p[strlen(p) - 1] = '\0';
			p++;
		}
		if (*p == '\0' || strv_push(out, p) != 0)
			rc = -1;
		start = i + 1;
	}
	free(dup);
	return rc;
}

static int
valid_id(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("-_.", *s))
			return 0;
	return 1;
}

/* T1234 or T1234.567 */
static int
valid_technique(const char *s)
{
	size_t i;

	if (s[0] != 'T')
		return 0;
	for (i = 1; i <= 4; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	if (s[5] == '\0')
		return 1;
	if (s[5] != '.')
		return 0;
	for (i = 6; i <= 8; i++)
		if (!isdigit((unsigned char)s[i]))
			return 0;
	return s[9] == '\0';
}

enum key {
	K_TITLE, K_SEVERITY, K_MITRE, K_GUARDDUTY, K_SOURCE, K_WHEN, K_EVIDENCE, K_LITERALS,
	K_ANCHORS, K_CATALOG, K_KIND, K_ALONE, K_ROUTINE, K_COUNT_
};
static const char *const keys[K_COUNT_] = {
	"title", "severity", "mitre", "guardduty", "source", "when", "evidence", "literals",
	"anchors", "catalog", "kind", "alone", "routine",
};

static void
finish_key(struct pstate *ps)
{
	struct rule *r = ps->cur;
	char *v;
	int k, sev;
	size_t i;

	if (ps->key == NULL)
		return;
	for (k = 0; k < K_COUNT_; k++)
		if (strcmp(ps->key, keys[k]) == 0)
			break;
	if (ps->val == NULL && (ps->val = fe_strdup("")) == NULL) {
		free(ps->key);
		ps->key = NULL;
		return;
	}
	v = trim(ps->val);
	if (r == NULL) {
		/* reported when the key was read */
	} else if (k == K_COUNT_) {
		perr(ps, ps->keyline, "unknown key '%s'", ps->key);
	} else if (ps->seen & (1u << k)) {
		perr(ps, ps->keyline, "'%s' given twice in rule %s", keys[k], r->id);
	} else if (*v == '\0') {
		perr(ps, ps->keyline, "'%s' needs a value", keys[k]);
	} else {
		ps->seen |= 1u << k;
		switch (k) {
		case K_TITLE:
			r->title = fe_strdup(v);
			break;
		case K_SEVERITY:
			if ((sev = sev_parse(v)) < 0)
				perr(ps, ps->keyline, "unknown severity '%s' (info, low, medium, high, critical)", v);
			else
				r->sev = (enum sev)sev;
			break;
		case K_MITRE:
			if (split_list(v, &r->mitre) != 0)
				perr(ps, ps->keyline, "empty item in 'mitre'");
			for (i = 0; i < r->mitre.n; i++)
				if (!valid_technique(r->mitre.v[i]))
					perr(ps, ps->keyline, "'%s' is not an ATT&CK technique id (T1234 or T1234.567)",
						r->mitre.v[i]);
			break;
		case K_GUARDDUTY:
			r->guardduty = fe_strdup(v);
			break;
		case K_SOURCE:
			if (strcmp(v, "k8s") == 0)
				r->source = K8A_SRC_K8S;
			else if (strcmp(v, "cloudtrail") == 0)
				r->source = K8A_SRC_CLOUDTRAIL;
			else
				perr(ps, ps->keyline, "unknown source '%s' (k8s, cloudtrail)", v);
			break;
		case K_WHEN: {
			struct k8a_err err;
			if ((r->when_text = fe_strdup(v)) == NULL)
				break;
			r->when = k8a_expr_compile(r->when_text, &err);
			if (r->when == NULL && err.code == K8A_FATAL)
				fe_nomem_note();
			else if (r->when == NULL) {
				unsigned line = ps->keyline;
				size_t off;
				/* the value was joined with newlines: find the line */
				for (off = 0; off < err.offset && r->when_text[off]; off++)
					if (r->when_text[off] == '\n')
						line++;
				perr(ps, line, "in 'when': %s", err.msg);
			}
			break;
		}
		case K_EVIDENCE:
			if (split_list(v, &r->evidence) != 0)
				perr(ps, ps->keyline, "empty item in 'evidence'");
			break;
		case K_LITERALS:
			if (split_list(v, &r->literals) != 0)
				perr(ps, ps->keyline, "empty item in 'literals'");
			r->has_literals = 1;
			break;
		case K_ANCHORS:
			split_list(v, &r->anchors);
			break;
		case K_CATALOG:
			split_list(v, &r->catalog);
			break;
		case K_ALONE:
			if ((sev = sev_parse(v)) < 0)
				perr(ps, ps->keyline, "unknown severity '%s' (info, low, medium, high, critical)", v);
			else
				r->alone = sev;
			break;
		case K_ROUTINE: {
			struct k8a_err err;
			if ((r->routine_text = fe_strdup(v)) == NULL)
				break;
			r->routine = k8a_expr_compile(r->routine_text, &err);
			if (r->routine == NULL && err.code == K8A_FATAL)
				fe_nomem_note();
			else if (r->routine == NULL)
				perr(ps, ps->keyline, "in 'routine': %s", err.msg);
			break;
		}
		case K_KIND:
			if (strcmp(v, "correlation") == 0)
				r->correlation = 1;
			else
				perr(ps, ps->keyline, "unknown kind '%s' (correlation)", v);
			break;
		}
	}
	free(ps->key);
	free(ps->val);
	ps->key = ps->val = NULL;
	ps->vlen = 0;
}

static void
add_rule(struct pstate *ps, struct rule *r)
{
	struct rule **nv;
	size_t i;

	for (i = 0; i < ps->rs->n; i++)
		if (strcmp(ps->rs->r[i]->id, r->id) == 0) {
			perr(ps, r->line, "rule %s is already defined at %s:%u", r->id, ps->rs->r[i]->file,
				ps->rs->r[i]->line);
			rule_free(r);
			return;
		}
	if ((nv = realloc(ps->rs->r, (ps->rs->n + 1) * sizeof(*nv))) == NULL) {
		fe_nomem_note();
		rule_free(r);
		return;
	}
	ps->rs->r = nv;
	ps->rs->r[ps->rs->n++] = r;
}

void
rules_add(struct ruleset *rs, struct rule *r)
{
	struct rule **nv = realloc(rs->r, (rs->n + 1) * sizeof(*nv));

	if (nv == NULL) {
		fe_nomem_note();
		rule_free(r);
		return;
	}
	rs->r = nv;
	rs->r[rs->n++] = r;
}

/* The evidence fields, read as expressions read them. */
static int
compile_evidence(struct pstate *ps, struct rule *r)
{
	struct k8a_err err;
	size_t i;

	if (r->evidence.n == 0)
		return 0;
	if ((r->evf = calloc(r->evidence.n, sizeof(*r->evf))) == NULL) {
		fe_nomem_note();
		return -1;
	}
	for (i = 0; i < r->evidence.n; i++)
		if ((r->evf[i] = k8a_fieldref_new(r->evidence.v[i], &err)) == NULL) {
			if (err.code == K8A_FATAL)
				fe_nomem_note();
			perr(ps, r->line, "rule %s: evidence '%s': %s", r->id, r->evidence.v[i], err.msg);
			return -1;
		}
	return 0;
}

static void
end_rule(struct pstate *ps, unsigned line)
{
	struct rule *r = ps->cur;
	static const int required[] = { K_TITLE, K_SEVERITY, K_MITRE, K_SOURCE, K_WHEN };
	size_t i;

	finish_key(ps);
	if (fe_nomem()) { /* a part may be missing */
		rule_free(r);
		goto out;
	}
	for (i = 0; i < sizeof(required) / sizeof(required[0]); i++)
		if (!(ps->seen & (1u << required[i])))
			perr(ps, line, "rule %s has no '%s'", r->id, keys[required[i]]);
	/* A correlation without C code (e.g. rules newer than this binary)
	 * is listed but never run; see corr_usable(). */
	if (!ps->bad && compile_evidence(ps, r) != 0)
		ps->bad = 1;
	if (!ps->bad && r->when) {
		char where[4200];
		snprintf(where, sizeof(where), "%s:%u: rule %s", ps->file, r->line, r->id);
		if (fe_expr_check(r->when, where, ps->rs->strict) != 0) {
			ps->rs->errors++;
			ps->bad = 1;
		}
	}
	if (!ps->bad && r->routine) {
		char where[4200];
		snprintf(where, sizeof(where), "%s:%u: rule %s: routine", ps->file, r->line, r->id);
		if (fe_expr_check(r->routine, where, ps->rs->strict) != 0) {
			ps->rs->errors++;
			ps->bad = 1;
		}
		if (r->alone < 0)
			r->alone = SEV_LOW; /* routine alone: low, as k8saudit-rules(5) says */
	}
	if (!ps->bad && r->alone >= (int)r->sev) {
		perr(ps, r->line, "rule %s: 'alone' must be below 'severity'", r->id);
		ps->bad = 1;
	}
	/* Hand-picked literals make the prefilter skip records without
	 * them; they must never skip a record that `when` matches. */
	if (!ps->bad && r->has_literals && r->when &&
	    !k8a_expr_implies(r->when, (const char *const *)r->literals.v)) {
		perr(ps, r->line, "rule %s: 'literals' are not implied by 'when' (a record can match "
			"without any of them)", r->id);
		ps->bad = 1;
	}
	if (ps->bad || fe_nomem()) {
		rule_free(r);
	} else {
		r->enabled = 1;
		add_rule(ps, r);
	}
out:
	ps->cur = NULL;
	ps->bad = 0;
	ps->seen = 0;
}

static void
parse_line(struct pstate *ps, char *line, unsigned lineno)
{
	char *s, *word, *rest;
	size_t n;

	n = strlen(line);
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	s = line;
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0' || *s == '#')
		return; /* blank or comment line (an indented comment too) */
	strip_comment(line);
	if (line[0] == ' ' || line[0] == '\t') {
		size_t add;
		char *nv;
		s = trim(line);
		if (ps->key == NULL) {
			if (ps->cur)
				perr(ps, lineno, "continuation line without a key");
			return;
		}
		add = strlen(s);
		if ((nv = realloc(ps->val, ps->vlen + add + 2)) == NULL) {
			fe_nomem_note();
			return;
		}
		ps->val = nv;
		ps->val[ps->vlen++] = '\n';
		memcpy(ps->val + ps->vlen, s, add + 1);
		ps->vlen += add;
		return;
	}
	s = trim(line);
	word = s;
	while (*s && !isspace((unsigned char)*s))
		s++;
	if (*s)
		*s++ = '\0';
	rest = trim(s);
	finish_key(ps);
	if (strcmp(word, "rule") == 0) {
		if (ps->cur) {
			perr(ps, lineno, "rule %s is not closed with 'end'", ps->cur->id);
			end_rule(ps, lineno);
		}
		if (!valid_id(rest)) {
			perr(ps, lineno, "bad rule id '%s' (letters, digits, '-', '_', '.')", rest);
			/* read the body anyway so its keys do not cascade errors */
		}
		if ((ps->cur = calloc(1, sizeof(*ps->cur))) == NULL) {
			fe_nomem_note();
			return;
		}
		ps->cur->alone = -1;
		ps->cur->id = fe_strdup(rest);
		ps->cur->file = fe_strdup(ps->file);
		ps->cur->line = lineno;
		ps->cur->source = K8A_SRC_UNKNOWN;
		ps->bad = !valid_id(rest);
		ps->seen = 0;
		return;
	}
	if (strcmp(word, "end") == 0) {
		if (ps->cur == NULL)
			perr(ps, lineno, "'end' outside a rule");
		else if (*rest)
			perr(ps, lineno, "unexpected text after 'end'");
		if (ps->cur)
			end_rule(ps, lineno);
		return;
	}
	if (ps->cur == NULL) {
		perr(ps, lineno, "'%s' outside a rule (expected 'rule ID')", word);
		return;
	}
	ps->key = fe_strdup(word);
	ps->val = fe_strdup(rest);
	ps->vlen = ps->val ? strlen(rest) : 0;
	ps->keyline = lineno;
}

static void
load_file(struct ruleset *rs, const char *path)
{
	struct pstate ps;
	struct fe_lines l;
	char *line;
	int rc;

	if (fe_lines_open(&l, path) != 0) {
		rs->errors++;
		return;
	}
	rs->files++;
	memset(&ps, 0, sizeof(ps));
	ps.rs = rs;
	ps.file = path;
	while (!fe_nomem() && (rc = fe_lines_next(&l, &line)) == 1)
		parse_line(&ps, line, l.lineno);
	if (rc < 0)
		rs->errors++;
	if (!fe_nomem())
		finish_key(&ps);
	if (ps.cur) {
		perr(&ps, ps.cur->line, "rule %s is not closed with 'end'", ps.cur->id);
		rule_free(ps.cur);
	}
	if (fe_nomem()) {
		/* the rules are incomplete: the run ends (main) */
		char where[4200];
		snprintf(where, sizeof(where), "%s:%u", path, l.lineno);
		fe_nomem_diag(where);
		rs->errors++;
	}
	free(ps.key);
	free(ps.val);
	fe_lines_close(&l);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n > m && strcmp(s + n - m, suf) == 0;
}

static void
load_dir(struct ruleset *rs, const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	struct strv names = { 0 };
	size_t i;

	if (d == NULL) {
		if (errno == ENOMEM)
			fe_nomem_diag(dir);
		else
			fe_diag(dir, "%s", strerror(errno));
		rs->errors++;
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (strv_push(&names, de->d_name) != 0)
			break;
	}
	closedir(d);
	if (fe_nomem()) {
		/* a listing with names missing */
		fe_nomem_diag(dir);
		strv_free(&names);
		return;
	}
	if (names.n)
		qsort(names.v, names.n, sizeof(char *), cmp_str);
	for (i = 0; i < names.n && !fe_nomem(); i++) {
		struct stat st;
		size_t len = strlen(dir) + strlen(names.v[i]) + 2;
		char *p = malloc(len);
		if (p == NULL) {
			fe_nomem_diag(dir);
			break;
		}
		snprintf(p, len, "%s/%s", dir, names.v[i]);
		if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) {
			if (depth < 8)
				load_dir(rs, p, depth + 1);
		} else if (has_suffix(names.v[i], ".rules"))
			load_file(rs, p);
		free(p);
	}
	strv_free(&names);
}

void
rules_load_path(struct ruleset *rs, const char *path)
{
	struct stat st;
	size_t files = rs->files;

	if (fe_nomem())
		return;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		load_dir(rs, path, 0);
		/* an empty directory (what an uninstall leaves) is no catalog */
		if (rs->files == files && !fe_nomem()) {
			fe_diag(path, "no *.rules files in this directory");
			rs->errors++;
		}
	} else
		load_file(rs, path);
}
