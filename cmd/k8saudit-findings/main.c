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
	O_IPLIST, O_TOR, O_KEEP_STAGES, O_THREADS, O_SILENT, O_HELP, O_VERSION,
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
	[O_THREADS] = { "threads", 'j', 1, "N", "read up to N files at once (default: the number of CPUs; output is the same)" },
	[O_SILENT] = { "no-messages", 's', 0, NULL, "suppress messages about unreadable inputs and records" },
	[O_HELP] = { "help", 0, 0, NULL, "print this help and exit" },
	[O_VERSION] = { "version", 'V', 0, NULL, "print versions and exit" },
	{ NULL, 0, 0, NULL, NULL },
};

struct opts {
	struct strv rules, only, skip;
	int no_builtin, list, keep_stages, silent, threads;
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

/* ---- which literals occur in a record ----
 * Every distinct literal of the enabled rules gets a number; each rule a
 * list of numbers.  lits_scan() walks the union prefilter's hits through
 * the record and marks the literals found at each; a hit where no literal
 * starts is a JSON escape of a literal byte (see k8a_prefilter_find), and
 * then every rule is a candidate, so the check stays exact. */
struct litindex {
	char **lit;       /* the literal without enclosing quotes */
	size_t *len, nlit;
	unsigned char *lq, *tq; /* a '"' must precede / follow it */
	size_t **rule_lits, *rule_nlits; /* per rule; rule_nlits SIZE_MAX: no literals */
	size_t nrules;
	unsigned char *found;
	int all;
	/* the scanner: each literal is found through one of its trigrams */
	uint64_t bits[64];        /* 4096-bit table of trigram hashes in use */
	size_t *bucket_start;     /* per hash (4097 entries): range in bucket */
	size_t *bucket;           /* literal ids, grouped by hash */
	size_t *anchor;           /* offset of the literal's trigram */
	unsigned char litbyte[256]; /* bytes occurring in rule literals */
	size_t minlen;
	/* literals the engine itself looks for (record kind, escapes) */
	size_t id_evname, id_audit, id_api, id_esc, id_slash, nrulelit;
	/* the first records are sampled to pick rare anchors */
	uint32_t *freq;
	unsigned sampled;
	/* per rule, clauses of the top-level "and" on string fields: each
	 * a list of literal ids of which one must occur ('"value"') */
	size_t *ncl, **cloff, **clids;
};

static unsigned
tri(const unsigned char *p)
{
	return ((unsigned)p[0] * 0x9e5u ^ (unsigned)p[1] * 0x3b1u ^ (unsigned)p[2] * 0x71u) & 4095u;
}

/* How common a byte is in JSON audit records (rough): the anchor of a
 * literal is its trigram of least common bytes. */
static int
commonness(unsigned char c)
{
	if (c == '"' || c == ':' || c == ',' || c == ' ')
		return 9;
	if (strchr("etaoinsr", c))
		return 6;
	if (strchr("lcdumhpgfy", c))
		return 4;
	if (c >= 'a' && c <= 'z')
		return 2;
	return 1;
}

static void
lits_build_scanner(struct litindex *li)
{
	size_t i, j, *count;

	free(li->anchor);
	free(li->bucket);
	free(li->bucket_start);
	memset(li->bits, 0, sizeof(li->bits));
	li->anchor = calloc(li->nlit ? li->nlit : 1, sizeof(size_t));
	li->bucket = calloc(li->nlit ? li->nlit : 1, sizeof(size_t));
	li->bucket_start = calloc(4097, sizeof(size_t));
	count = calloc(4097, sizeof(size_t));
	if (!li->anchor || !li->bucket || !li->bucket_start || !count) {
		free(count);
		return;
	}
	li->minlen = SIZE_MAX;
	for (i = 0; i < li->nlit; i++) {
		int best = 1 << 30;
		if (li->len[i] < li->minlen)
			li->minlen = li->len[i];
		for (j = 0; i < li->nrulelit && j < li->len[i]; j++)
			li->litbyte[(unsigned char)li->lit[i][j]] = 1;
		li->anchor[i] = 0;
		for (j = 0; j + 3 <= li->len[i]; j++) {
			const unsigned char *t = (const unsigned char *)li->lit[i] + j;
			int c = li->freq ? (int)(li->freq[tri(t)] > (1u << 29) ? (1u << 29) : li->freq[tri(t)])
					 : commonness(t[0]) + commonness(t[1]) + commonness(t[2]);
			if (c < best) {
				best = c;
				li->anchor[i] = j;
			}
		}
		if (li->len[i] >= 3)
			count[tri((const unsigned char *)li->lit[i] + li->anchor[i])]++;
	}
	for (i = 0; i < 4096; i++)
		li->bucket_start[i + 1] = li->bucket_start[i] + count[i];
	memset(count, 0, 4097 * sizeof(size_t));
	for (i = 0; i < li->nlit; i++) {
		unsigned h;
		if (li->len[i] < 3)
			continue;
		h = tri((const unsigned char *)li->lit[i] + li->anchor[i]);
		li->bucket[li->bucket_start[h] + count[h]++] = i;
		li->bits[h >> 6] |= (uint64_t)1 << (h & 63);
	}
	free(count);
}

static size_t
lit_id(struct litindex *li, const char *s)
{
	size_t i;
	char **nl;
	size_t *nlen;

	size_t len = strlen(s);
	int lq = 0, tq = 0;
	unsigned char *q;

	if (len > 2 && s[0] == '"')
		s++, len--, lq = 1;
	if (len > 1 && s[len - 1] == '"')
		len--, tq = 1;
	for (i = 0; i < li->nlit; i++)
		if (li->len[i] == len && memcmp(li->lit[i], s, len) == 0 && li->lq[i] == lq && li->tq[i] == tq)
			return i;
	if ((nl = realloc(li->lit, (li->nlit + 1) * sizeof(*nl))) == NULL)
		return SIZE_MAX;
	li->lit = nl;
	if ((nlen = realloc(li->len, (li->nlit + 1) * sizeof(*nlen))) == NULL)
		return SIZE_MAX;
	li->len = nlen;
	if ((q = realloc(li->lq, li->nlit + 1)) == NULL)
		return SIZE_MAX;
	li->lq = q;
	if ((q = realloc(li->tq, li->nlit + 1)) == NULL)
		return SIZE_MAX;
	li->tq = q;
	if ((li->lit[li->nlit] = strndup(s, len)) == NULL)
		return SIZE_MAX;
	li->len[li->nlit] = len;
	li->lq[li->nlit] = (unsigned char)lq;
	li->tq[li->nlit] = (unsigned char)tq;
	return li->nlit++;
}

/* Fields whose values are JSON strings in the record, so that
 * `field = v` implies the text "v" (with its quotes) occurs. */
static int
string_field(const char *f, size_t n)
{
	static const char *const names[] = { "verb", "action", "resource", "subresource", "apigroup",
		"stage", "namespace", "ns", "name", "eventName", "eventSource", NULL };
	size_t i;

	for (i = 0; names[i]; i++)
		if (strlen(names[i]) == n && memcmp(names[i], f, n) == 0)
			return 1;
	return 0;
}

/* Read one value (bare word or '...'/"..." without escapes) at *pp into
 * out; 0 when it is not a plain value. */
static int
clause_value(const char **pp, char *out, size_t outsz)
{
	const char *p = *pp;
	size_t n = 0;

	while (isspace((unsigned char)*p))
		p++;
	if (*p == '"' || *p == '\'') {
		char q = *p++;
		while (*p && *p != q) {
			if (*p == '\\' || *p == '"' || n + 1 >= outsz)
				return 0;
			out[n++] = *p++;
		}
		if (*p != q)
			return 0;
		p++;
	} else {
		while (*p && !isspace((unsigned char)*p) && !strchr("(),", *p)) {
			if (*p == '"' || *p == '\\' || n + 1 >= outsz)
				return 0;
			out[n++] = *p++;
		}
	}
	if (n == 0)
		return 0;
	out[n] = '\0';
	*pp = p;
	return 1;
}

/* The clauses `F = v` and `F in (v, ...)` of the top-level "and" of an
 * expression, for string fields F, not negated; each clause's values are
 * pushed as '"v"' literals into cl[i] (at most 8 clauses). */
static size_t
clauses_parse(const char *w, struct strv cl[8])
{
	int depth = 0;
	char q = 0;
	const char *p;
	size_t n = 0;

	for (p = w; *p; p++) {
		if (q) {
			if (*p == '\\' && p[1])
				p++;
			else if (*p == q)
				q = 0;
			continue;
		}
		if (*p == '"' || *p == '\'') {
			q = *p;
			continue;
		}
		if (*p == '(')
			depth++;
		else if (*p == ')')
			depth--;
		if (depth != 0 || (p != w && !isspace((unsigned char)p[-1])))
			continue;
		if ((strncmp(p, "or", 2) == 0 || strncmp(p, "||", 2) == 0) && (isspace((unsigned char)p[2]) || p[2] == '(')) {
			size_t i;
			for (i = 0; i < n; i++)
				strv_free(&cl[i]);
			return 0;
		}
		if (isalpha((unsigned char)*p) && n < 8) {
			const char *f = p, *a, *back = p;
			size_t fl = 0;
			char v[256], lit[260];
			while (isalnum((unsigned char)f[fl]) || f[fl] == '_')
				fl++;
			if (!string_field(f, fl) || !isspace((unsigned char)f[fl]))
				continue;
			while (back > w && isspace((unsigned char)back[-1]))
				back--;
			if (back - w >= 3 && strncmp(back - 3, "not", 3) == 0 && (back - 3 == w || isspace((unsigned char)back[-4])))
				continue;
			for (a = f + fl; isspace((unsigned char)*a); a++)
				;
			if (a[0] == '=' && a[1] != '=' && a[1] != '~') {
				a++;
				if (!clause_value(&a, v, sizeof(v)))
					continue;
				snprintf(lit, sizeof(lit), "\"%s\"", v);
				strv_push(&cl[n++], lit);
			} else if (strncmp(a, "in", 2) == 0 && (isspace((unsigned char)a[2]) || a[2] == '(')) {
				struct strv vs = { 0 };
				int ok = 1;
				for (a += 2; isspace((unsigned char)*a); a++)
					;
				if (*a++ != '(')
					continue;
				for (;;) {
					if (!clause_value(&a, v, sizeof(v))) {
						ok = 0;
						break;
					}
					snprintf(lit, sizeof(lit), "\"%s\"", v);
					strv_push(&vs, lit);
					while (isspace((unsigned char)*a))
						a++;
					if (*a == ',') {
						a++;
						continue;
					}
					if (*a != ')')
						ok = 0;
					break;
				}
				if (ok && vs.n)
					cl[n++] = vs;
				else
					strv_free(&vs);
			}
		}
	}
	return n;
}

static void
lits_index(struct litindex *li, const struct ruleset *rs)
{
	size_t k, j, n;

	li->nrules = rs->n;
	li->rule_lits = calloc(rs->n ? rs->n : 1, sizeof(*li->rule_lits));
	li->rule_nlits = calloc(rs->n ? rs->n : 1, sizeof(*li->rule_nlits));
	if (li->rule_lits == NULL || li->rule_nlits == NULL)
		return;
	for (k = 0; k < rs->n; k++) {
		const char *const *l = rule_literals(rs->r[k]);
		li->rule_nlits[k] = SIZE_MAX;
		if (!rs->r[k]->enabled || l == NULL)
			continue;
		for (n = 0; l[n]; n++)
			;
		if ((li->rule_lits[k] = calloc(n ? n : 1, sizeof(size_t))) == NULL)
			continue;
		for (j = 0; j < n; j++)
			li->rule_lits[k][j] = lit_id(li, l[j]);
		li->rule_nlits[k] = n;
	}
	li->ncl = calloc(rs->n ? rs->n : 1, sizeof(size_t));
	li->cloff = calloc(rs->n ? rs->n : 1, sizeof(size_t *));
	li->clids = calloc(rs->n ? rs->n : 1, sizeof(size_t *));
	for (k = 0; li->ncl && li->cloff && li->clids && k < rs->n; k++) {
		struct strv cl[8];
		size_t nc, c, total = 0, at = 0;
		if (!rs->r[k]->enabled)
			continue;
		memset(cl, 0, sizeof(cl));
		nc = clauses_parse(rs->r[k]->when_text, cl);
		for (c = 0; c < nc; c++)
			total += cl[c].n;
		if (nc && (li->cloff[k] = calloc(nc + 1, sizeof(size_t))) != NULL &&
		    (li->clids[k] = calloc(total, sizeof(size_t))) != NULL) {
			for (c = 0; c < nc; c++) {
				li->cloff[k][c] = at;
				for (j = 0; j < cl[c].n; j++)
					li->clids[k][at++] = lit_id(li, cl[c].v[j]);
			}
			li->cloff[k][nc] = at;
			li->ncl[k] = nc;
		}
		for (c = 0; c < nc; c++)
			strv_free(&cl[c]);
	}
	li->nrulelit = li->nlit;
	li->id_evname = lit_id(li, "\"eventName\"");
	li->id_audit = lit_id(li, "\"auditID\"");
	li->id_api = lit_id(li, "audit.k8s.io/");
	li->id_esc = lit_id(li, "\\u00");
	li->id_slash = lit_id(li, "\\/"); /* some encoders write / as \\/ */
	li->found = calloc(li->nlit ? li->nlit : 1, 1);
	li->freq = calloc(4096, sizeof(uint32_t));
	lits_build_scanner(li);
}

static int
lit_found(const struct litindex *li, size_t id)
{
	return li->all || id >= li->nlit || li->found[id];
}

static void
mark(struct litindex *li, size_t i, const char *raw, size_t n, size_t at)
{
	if (li->len[i] > n - at || memcmp(raw + at, li->lit[i], li->len[i]) != 0)
		return;
	if ((!li->lq[i] || (at > 0 && raw[at - 1] == '"')) &&
	    (!li->tq[i] || (at + li->len[i] < n && raw[at + li->len[i]] == '"')))
		li->found[i] = 1;
}

static int
hexval(int c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
	       c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static void
lits_scan(struct litindex *li, const char *raw, size_t n)
{
	const unsigned char *u = (const unsigned char *)raw;
	const char *e;
	size_t p, i, b;

	li->all = li->found == NULL || li->bucket_start == NULL;
	if (li->all)
		return;
	memset(li->found, 0, li->nlit);
	for (i = 0; i < li->nlit; i++)
		if (li->len[i] < 3 && li->len[i] > 0 && (e = memmem(raw, n, li->lit[i], li->len[i])) != NULL)
			mark(li, i, raw, n, (size_t)(e - raw));
	if (n >= 3) {
		if (li->freq && li->sampled < 2048) {
			/* learn which trigrams are common, then re-pick anchors */
			for (p = 0; p + 3 <= n; p++)
				li->freq[tri(u + p)]++;
			if (++li->sampled == 2048)
				lits_build_scanner(li);
		}
		for (p = 0; p + 3 <= n; p++) {
			unsigned h = tri(u + p);
			if (!(li->bits[h >> 6] & ((uint64_t)1 << (h & 63))))
				continue;
			for (b = li->bucket_start[h]; b < li->bucket_start[h + 1]; b++) {
				i = li->bucket[b];
				if (p >= li->anchor[i])
					mark(li, i, raw, n, p - li->anchor[i]);
			}
		}
	}
	if (li->id_slash < li->nlit && li->found[li->id_slash] && li->litbyte['/']) {
		li->all = 1;
		return;
	}
	/* A \u00XX escape of a byte some literal holds could hide a match:
	 * then every rule is a candidate, as with k8a_prefilter_find(). */
	if (li->id_esc < li->nlit && li->found[li->id_esc]) {
		for (e = raw; (e = memmem(e, n - (size_t)(e - raw), "\\u00", 4)) != NULL; e += 4) {
			int hi, lo;
			if ((size_t)(e - raw) + 6 > n)
				break;
			hi = hexval(e[4]);
			lo = hexval(e[5]);
			if (hi >= 0 && lo >= 0 && li->litbyte[hi * 16 + lo]) {
				li->all = 1;
				return;
			}
		}
	}
}

static int
lits_rule(const struct litindex *li, size_t k)
{
	size_t j;

	size_t c, a;

	if (li->all || k >= li->nrules)
		return 1;
	/* every top-level clause must have one of its values present */
	for (c = 0; li->ncl && c < li->ncl[k]; c++) {
		int any = 0;
		for (a = li->cloff[k][c]; a < li->cloff[k][c + 1] && !any; a++)
			any = li->clids[k][a] >= li->nlit || li->found[li->clids[k][a]];
		if (!any)
			return 0;
	}
	if (li->rule_nlits[k] == SIZE_MAX)
		return 1;
	for (j = 0; j < li->rule_nlits[k]; j++)
		if (li->rule_lits[k][j] < li->nlit && li->found[li->rule_lits[k][j]])
			return 1;
	return 0;
}

static void
lits_free(struct litindex *li)
{
	size_t i;

	for (i = 0; i < li->nlit; i++)
		free(li->lit[i]);
	for (i = 0; i < li->nrules; i++)
		free(li->rule_lits[i]);
	free(li->lit);
	free(li->len);
	free(li->lq);
	free(li->tq);
	free(li->anchor);
	free(li->bucket);
	free(li->bucket_start);
	free(li->rule_lits);
	free(li->rule_nlits);
	free(li->found);
	free(li->freq);
	for (i = 0; li->cloff && i < li->nrules; i++) {
		free(li->cloff[i]);
		free(li->clids[i]);
	}
	free(li->cloff);
	free(li->clids);
	free(li->ncl);
	memset(li, 0, sizeof(*li));
}

/* ---- user gates ----
 * Most rules are about people or about one kind of identity: their
 * expression says `and not user ^= "system:"` or `and user ^= "..."` at
 * the top level.  The user name is read from the raw text (the "user"
 * object's "username") and such rules are skipped without parsing when
 * it cannot satisfy them.  When the name cannot be found the rules run. */
struct gate {
	struct strv neg; /* not user ^= X */
	char *pos;       /* user ^= X */
	int on;
};

static void
gate_parse(struct gate *g, const char *w)
{
	int depth = 0;
	char q = 0;
	const char *p;

	memset(g, 0, sizeof(*g));
	for (p = w; *p; p++) {
		if (q) {
			if (*p == '\\' && p[1])
				p++;
			else if (*p == q)
				q = 0;
			continue;
		}
		if (*p == '"' || *p == '\'') {
			q = *p;
			continue;
		}
		if (*p == '(')
			depth++;
		else if (*p == ')')
			depth--;
		if (depth != 0)
			continue;
		if ((p == w || isspace((unsigned char)p[-1])) && (strncmp(p, "or", 2) == 0 || strncmp(p, "||", 2) == 0) &&
		    (isspace((unsigned char)p[2]) || p[2] == '(')) {
			strv_free(&g->neg);
			free(g->pos);
			g->pos = NULL;
			return; /* a top-level "or": no gate */
		}
		if ((p == w || isspace((unsigned char)p[-1])) && strncmp(p, "user", 4) == 0 && isspace((unsigned char)p[4])) {
			const char *a = p + 4, *b;
			int neg = 0;
			const char *back = p;
			while (back > w && isspace((unsigned char)back[-1]))
				back--;
			if (back - w >= 3 && strncmp(back - 3, "not", 3) == 0 && (back - 3 == w || isspace((unsigned char)back[-4])))
				neg = 1;
			while (isspace((unsigned char)*a))
				a++;
			if (strncmp(a, "^=", 2) != 0)
				continue;
			for (a += 2; isspace((unsigned char)*a); a++)
				;
			if (*a != '"')
				continue;
			if ((b = strchr(a + 1, '"')) == NULL)
				continue;
			{
				char *v = strndup(a + 1, (size_t)(b - a - 1));
				if (v == NULL)
					continue;
				if (neg)
					strv_push(&g->neg, v);
				else if (g->pos == NULL)
					g->pos = strdup(v);
				free(v);
			}
		}
	}
	g->on = g->neg.n > 0 || g->pos != NULL;
}

/* The user name from the raw record: ptr/len, or 0 when not found. */
static int
raw_username(const char *raw, size_t n, const char **u, size_t *ul)
{
	const char *p = raw, *end = raw + n, *q;

	while ((p = memmem(p, (size_t)(end - p), "\"user\"", 6)) != NULL) {
		p += 6;
		for (q = p; q < end && (*q == ' ' || *q == ':' || *q == '\t' || *q == '\n' || *q == '\r'); q++)
			;
		if (q < end && *q == '{')
			break;
	}
	if (p == NULL)
		return 0;
	/* the first member of the user object, by Go's field order and by
	 * sorted keys alike ("extra" < "groups" < "uid" < "username" would
	 * put it last), so search the object for the key */
	if ((p = memmem(p, (size_t)(end - p), "\"username\"", 10)) == NULL)
		return 0;
	for (p += 10; p < end && (*p == ' ' || *p == ':' || *p == '\t' || *p == '\n' || *p == '\r'); p++)
		;
	if (p >= end || *p != '"')
		return 0;
	for (q = ++p; q < end && *q != '"' && *q != '\\'; q++)
		;
	if (q >= end || *q == '\\')
		return 0; /* escapes: let the expression decide */
	*u = p;
	*ul = (size_t)(q - p);
	return 1;
}

static int
gate_pass(const struct gate *g, const char *u, size_t ul)
{
	size_t i, l;

	if (g->pos && (ul < (l = strlen(g->pos)) || memcmp(u, g->pos, l) != 0))
		return 0;
	for (i = 0; i < g->neg.n; i++)
		if (ul >= (l = strlen(g->neg.v[i])) && memcmp(u, g->neg.v[i], l) == 0)
			return 0;
	return 1;
}

/* 1 when a \u00XX escape in the record stands for a byte of the keys the
 * record kind is told by ("eventName", "auditID", "audit.k8s.io/"). */
static int
key_escaped(const char *raw, size_t n)
{
	static const char keybytes[] = "eventNamauditIDk8s./";
	const char *e = raw;

	while ((e = memmem(e, n - (size_t)(e - raw), "\\u00", 4)) != NULL) {
		char hex[3];
		long b;
		if ((size_t)(e - raw) + 6 > n)
			return 1;
		hex[0] = e[4];
		hex[1] = e[5];
		hex[2] = '\0';
		b = strtol(hex, NULL, 16);
		if (b > 0 && strchr(keybytes, (int)b))
			return 1;
		e += 4;
	}
	return 0;
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
	const char *arg;
	char *lastpath = NULL;
	uint64_t records = 0, seq = 0;
	int oc, rc, i, trouble = 0, status = FE_EXIT_OK, loaderr = 0;
	struct litindex li;
	struct gate *gates = NULL;
	const char *uname = NULL;
	size_t ulen = 0;
	int uknown, maybe_ct, maybe_k8s, esc;
	size_t k;

	fe_init(argv[0]);
	memset(&o, 0, sizeof(o));
	memset(&cx, 0, sizeof(cx));
	memset(&li, 0, sizeof(li));
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
	if (!o.no_builtin) {
		const char *dir = getenv("K8SAUDIT_RULES_DIR");
		struct stat st;
		/* not installed yet: run from the build tree with the source rules */
		if ((dir == NULL || *dir == '\0') && stat(K8A_DATADIR "/rules", &st) != 0 &&
		    stat(K8A_SRCDIR "/rules", &st) == 0)
			dir = K8A_SRCDIR "/rules";
		rules_load_path(&rs, dir && *dir ? dir : K8A_DATADIR "/rules");
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
	/* The union of the literals skips records no rule can match, inside
	 * the reader; for the others, one more scan tells which literals
	 * occur, and so which rules are worth evaluating. */
	/* Which rules a record can match is decided from its raw text: the
	 * literals that occur (lits_scan), the kind of record, the user. */
	lits_index(&li, &rs);
	if ((gates = calloc(rs.n ? rs.n : 1, sizeof(*gates))) != NULL)
		for (k = 0; k < rs.n; k++)
			if (rs.r[k]->enabled && rs.r[k]->source == K8A_SRC_K8S)
				gate_parse(&gates[k], rs.r[k]->when_text);
	while ((rc = k8a_reader_next(r, &ev)) != K8A_EOF) {
		struct snap *snap = NULL;
		const char *raw, *path, *id;
		size_t n;
		int parsed = 0;

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
		records++;
		seq++;
		if ((records & 0xfff) == 0)
			fe_progress(r, records);
		path = k8a_event_origin(ev)->path;
		if (lastpath == NULL || strcmp(lastpath, path) != 0) {
			free(lastpath);
			lastpath = strdup(path);
			dd_reset(&dd);
		}
		raw = k8a_event_raw(ev, &n);
		lits_scan(&li, raw, n);
		uknown = -1;
		/* event.c: CloudTrail has a string "eventName"; audit events an
		 * "auditID" or an audit.k8s.io apiVersion */
		esc = li.all || (lit_found(&li, li.id_esc) && key_escaped(raw, n)); /* a key could hide behind an escape */
		maybe_ct = esc || lit_found(&li, li.id_evname);
		maybe_k8s = esc || lit_found(&li, li.id_audit) || lit_found(&li, li.id_api);
		for (k = 0; k < rs.n; k++) {
			struct rule *ru = rs.r[k];
			if (!ru->enabled)
				continue;
			if (ru->source == K8A_SRC_CLOUDTRAIL ? !maybe_ct : !maybe_k8s)
				continue;
			if (!lits_rule(&li, k))
				continue;
			if (gates && gates[k].on) {
				if (uknown < 0)
					uknown = raw_username(raw, n, &uname, &ulen);
				if (uknown && !gate_pass(&gates[k], uname, ulen))
					continue;
			}
			if (ru->correlation && corr_raw_check(ru, raw, n) == 0)
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
			else
				findings_add(&fs, ru, snap, ru->sev, NULL, NULL, evidence_collect(ru, ev));
		}
		snap_unref(snap);
	}
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
done:
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fe_diag("<stdout>", "write error");
		trouble = 1;
	}
	free(lastpath);
	lits_free(&li);
	for (k = 0; gates && k < rs.n; k++) {
		strv_free(&gates[k].neg);
		free(gates[k].pos);
	}
	free(gates);
	dd_reset(&dd);
	findings_free(&fs);
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
