/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Secret type files (format: k8saudit-secrets(5)) into a set.
 *
 *   type ID
 *   key   value
 *         continuation     (a line starting with white space continues the key)
 *   end
 *
 *   common
 *   allow REGEX            (values no type reports)
 *   end
 *
 * A line whose first non-blank byte is '#' is a comment; there are no
 * trailing comments, so that regexes may hold '#'.  Every problem goes to
 * the caller's callback as "file:line" and a message; the type it belongs
 * to is left out and loading goes on.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "secret.h"

k8a_secret_set *
k8a_secret_set_new(void)
{
	return calloc(1, sizeof(struct k8a_secret_set));
}

static void
rx_free(struct rx *r)
{
	free(r->src);
	pcre2_code_free(r->re);
	r->src = NULL;
	r->re = NULL;
}

static void
strs_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void
type_free(struct stype *t)
{
	size_t i;

	free(t->id);
	free(t->title);
	free(t->file);
	rx_free(&t->regex);
	rx_free(&t->value);
	rx_free(&t->key);
	rx_free(&t->allow_key);
	rx_free(&t->low_key);
	rx_free(&t->within);
	rx_free(&t->public);
	for (i = 0; i < t->nallow; i++)
		rx_free(&t->allow[i]);
	free(t->allow);
	strs_free(t->keywords, t->nkeywords);
	strs_free(t->names, t->nnames);
	strs_free(t->words, t->nwords);
	free(t->near_id);
	free(t->upgrades_id);
	memset(t, 0, sizeof(*t));
}

void
k8a_secret_set_free(k8a_secret_set *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++)
		type_free(&s->t[i]);
	free(s->t);
	for (i = 0; i < s->ncommon; i++)
		rx_free(&s->common[i]);
	free(s->common);
	for (i = 0; i < s->nallow_value; i++)
		rx_free(&s->allow_value[i]);
	free(s->allow_value);
	strs_free(s->allow_pointer, s->nallow_pointer);
	strs_free(s->allow_path, s->nallow_path);
	kw_free(&s->kw);
	k8a_prefilter_free(s->pf);
	free(s);
}

size_t
k8a_secret_set_count(const k8a_secret_set *s)
{
	return s ? s->n : 0;
}

ssize_t
k8a__secret_type_find(const struct k8a_secret_set *s, const char *id)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->t[i].id, id) == 0)
			return (ssize_t)i;
	return -1;
}

static const char *const conf_names[] = { "high", "medium", "low" };

int
k8a_secret_set_type(const k8a_secret_set *s, size_t i, struct k8a_secret_type_info *out)
{
	const struct stype *t;

	if (s == NULL || i >= s->n)
		return K8A_FAILED;
	t = &s->t[i];
	memset(out, 0, sizeof(*out));
	out->id = t->id;
	out->title = t->title;
	out->confidence = conf_names[t->conf];
	out->file = t->file;
	out->line = t->line;
	out->regex = t->regex.src;
	out->key = t->key.src;
	/* the arrays are NULL-terminated when built */
	out->keywords = (const char *const *)t->keywords;
	out->names = (const char *const *)t->names;
	out->entropy = t->entropy;
	out->priority = t->priority;
	return K8A_OK;
}

/* ---- compiling patterns ---- */

/* Compile src into r (caseless when asked).  NULL, or why not. */
static const char *
rx_compile(struct rx *r, const char *src, int caseless, char *why, size_t whysz)
{
	int ec;
	PCRE2_SIZE eo;
	PCRE2_UCHAR msg[128];

	/* No UTF: decoded values may be any bytes; \w and \b stay ASCII. */
	r->re = pcre2_compile((PCRE2_SPTR)src, PCRE2_ZERO_TERMINATED, caseless ? PCRE2_CASELESS : 0, &ec, &eo, NULL);
	if (r->re == NULL && ec == PCRE2_ERROR_HEAP_FAILED)
		return "out of memory"; /* not the pattern's fault */
	if (r->re == NULL) {
		pcre2_get_error_message(ec, msg, sizeof(msg));
		snprintf(why, whysz, "%s at offset %zu", (char *)msg, (size_t)eo);
		return why;
	}
	/* without JIT the interpreter is used, with the same limits */
	pcre2_jit_compile(r->re, PCRE2_JIT_COMPLETE);
	if ((r->src = strdup(src)) == NULL) {
		pcre2_code_free(r->re);
		r->re = NULL;
		return "out of memory";
	}
	return NULL;
}

/* ---- the parser ---- */

struct loader {
	k8a_secret_set *s;
	const char *name;
	k8a_secret_diag_fn cb;
	void *arg;
	int problems;
	int oom;
};

static void lerr(struct loader *L, unsigned line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
lerr(struct loader *L, unsigned line, const char *fmt, ...)
{
	char where[4200], msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line)
		snprintf(where, sizeof(where), "%s:%u", L->name, line);
	else
		snprintf(where, sizeof(where), "%s", L->name);
	L->problems++;
	if (L->cb)
		L->cb(L->arg, where, msg);
}

static int
valid_id(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' && *s != '.')
			return 0;
	return 1;
}

/* A keyword may hold printable ASCII but not white space or the bytes
 * JSON encoders escape (so the raw text shows it as written). */
static const char *
bad_keyword(const char *s)
{
	const char *p;

	if (strlen(s) < 3)
		return "shorter than 3 bytes";
	/* longer ones made the scanner fail to build, said as "out of
	 * memory" by every tool (found by fuzz_types) */
	if (strlen(s) > SECRET_KEYWORD_MAX)
		return "longer than 99 bytes";
	for (p = s; *p; p++)
		if (*p <= ' ' || *p >= 0x7f || strchr("\"\\&<>", *p))
			return "holds white space, a control byte, a quote, a backslash, &, < or >";
	return NULL;
}

static int
push_str(char ***v, size_t *n, const char *s)
{
	char **nv = realloc(*v, (*n + 2) * sizeof(**v));

	if (nv == NULL)
		return -1;
	*v = nv;
	if ((nv[*n] = strdup(s)) == NULL)
		return -1;
	(*n)++;
	nv[*n] = NULL;
	return 0;
}

enum tkey {
	TK_TITLE, TK_CONF, TK_KEYWORDS, TK_NAMES, TK_WORDS, TK_REGEX, TK_VALUE, TK_NAMES_IN, TK_KEY, TK_ALLOW_KEY,
	TK_LOW_KEY, TK_WITHIN, TK_PUBLIC, TK_ALLOW, TK_ENTROPY, TK_MIN_LEN, TK_MAX_LEN, TK_PRIORITY, TK_CONTEXT,
	TK_DECODE, TK_NEAR, TK_UPGRADES, TK_ENRICH, TK_COUNT_
};
static const char *const tkeys[TK_COUNT_] = {
	"title", "confidence", "keywords", "names", "words", "regex", "value", "names-in", "key", "allow-key",
	"low-entropy-key", "within", "public", "allow", "entropy", "min-length", "max-length", "priority", "context",
	"decode", "near", "upgrades", "enrich",
};
/* keys whose continuation lines are joined without a space */
static int
joins_tight(int k)
{
	return k == TK_REGEX || k == TK_VALUE || k == TK_KEY || k == TK_ALLOW_KEY || k == TK_LOW_KEY ||
	       k == TK_WITHIN || k == TK_PUBLIC || k == TK_ALLOW;
}

/* The group holding the secret: the one named "secret", else the first. */
static uint32_t
secret_group(const pcre2_code *re)
{
	uint32_t cap = 0;
	int num = pcre2_substring_number_from_name(re, (PCRE2_SPTR) "secret");

	if (num > 0)
		return (uint32_t)num;
	pcre2_pattern_info(re, PCRE2_INFO_CAPTURECOUNT, &cap);
	return cap ? 1 : 0;
}

static const char *const enrich_names[] = {
	"none", "aws-key", "aws-session", "jwt", "pem", "registry", "url", "http-auth",
};

/* keywords, names, words: a list of plain words */
static const char *
set_words(struct stype *t, int k, const char *v, char *why, size_t whysz)
{
	char *dup, *tok, *save = NULL;
	const char *bad;

	if ((dup = strdup(v)) == NULL)
		return "out of memory";
	for (tok = strtok_r(dup, " \t,", &save); tok; tok = strtok_r(NULL, " \t,", &save)) {
		if ((bad = bad_keyword(tok)) != NULL) {
			snprintf(why, whysz, "%s '%s' %s", tkeys[k], tok, bad);
			free(dup);
			return why;
		}
		if (k == TK_KEYWORDS ? push_str(&t->keywords, &t->nkeywords, tok) :
		    k == TK_NAMES    ? push_str(&t->names, &t->nnames, tok) :
				       push_str(&t->words, &t->nwords, tok)) {
			free(dup);
			return "out of memory";
		}
	}
	free(dup);
	if ((k == TK_KEYWORDS && !t->nkeywords) || (k == TK_NAMES && !t->nnames) || (k == TK_WORDS && !t->nwords)) {
		snprintf(why, whysz, "%s without a value", tkeys[k]);
		return why;
	}
	return NULL;
}

/* names-in: the places a name may stand */
static const char *
set_names_in(struct stype *t, const char *v, char *why, size_t whysz)
{
	static const struct {
		const char *w;
		int bit;
	} kinds[] = { { "key", KC_KEY }, { "member", KC_MEMBER }, { "assign", KC_ASSIGN }, { "flag", KC_FLAG },
		{ "command-assign", KC_CMD } };
	char *dup, *tok, *save = NULL;
	size_t i;

	if ((dup = strdup(v)) == NULL)
		return "out of memory";
	t->names_in = 0;
	for (tok = strtok_r(dup, " \t,", &save); tok; tok = strtok_r(NULL, " \t,", &save)) {
		for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]) && strcmp(tok, kinds[i].w) != 0; i++)
			;
		if (i == sizeof(kinds) / sizeof(kinds[0])) {
			snprintf(why, whysz, "names-in '%s' is not key, member, assign, flag or command-assign", tok);
			free(dup);
			return why;
		}
		t->names_in |= kinds[i].bit;
	}
	free(dup);
	if (!t->names_in) {
		snprintf(why, whysz, "names-in without a value");
		return why;
	}
	return NULL;
}

/* allow: one more pattern of values that are not secrets */
static const char *
add_allow(struct stype *t, const char *v, char *why, size_t whysz)
{
	struct rx *na = realloc(t->allow, (t->nallow + 1) * sizeof(*na));
	const char *bad;

	if (na == NULL)
		return "out of memory";
	t->allow = na;
	memset(&na[t->nallow], 0, sizeof(*na));
	if ((bad = rx_compile(&na[t->nallow], v, 0, why, whysz)) != NULL)
		return bad;
	t->nallow++;
	return NULL;
}

/* entropy, min-length, max-length, priority */
static const char *
set_number(struct stype *t, int k, const char *v, char *why, size_t whysz)
{
	char *end;
	long l;

	if (k == TK_ENTROPY) {
		double d = strtod(v, &end);
		if (end == v || *end || d < 0 || d > 8) {
			snprintf(why, whysz, "entropy '%s' is not a number from 0 to 8", v);
			return why;
		}
		t->entropy = d;
		return NULL;
	}
	l = strtol(v, &end, 10);
	if (end == v || *end || l < 0 || l > 1000000) {
		snprintf(why, whysz, "%s '%s' is not a number from 0 to 1000000", tkeys[k], v);
		return why;
	}
	if (k == TK_MIN_LEN)
		t->min_len = (size_t)l;
	else if (k == TK_MAX_LEN)
		t->max_len = (size_t)l;
	else
		t->priority = (int)l;
	return NULL;
}

/* confidence, context, decode, enrich: one word from a fixed set */
static const char *
set_choice(struct stype *t, int k, const char *v, char *why, size_t whysz)
{
	size_t i;

	switch (k) {
	case TK_CONF:
		for (i = 0; i < 3; i++)
			if (strcmp(v, conf_names[i]) == 0) {
				t->conf = (enum sconf)i;
				return NULL;
			}
		snprintf(why, whysz, "confidence '%s' is not high, medium or low", v);
		return why;
	case TK_CONTEXT:
		if (strcmp(v, "any") == 0)
			t->context = SCR_ANY;
		else if (strcmp(v, "secret-data") == 0)
			t->context = SCR_SECRET_DATA;
		else {
			snprintf(why, whysz, "context '%s' is not any or secret-data", v);
			return why;
		}
		return NULL;
	case TK_DECODE:
		if (strcmp(v, "base64") != 0) {
			snprintf(why, whysz, "decode '%s' is not base64", v);
			return why;
		}
		t->decode_b64 = 1;
		return NULL;
	default: /* TK_ENRICH */
		for (i = 1; i < sizeof(enrich_names) / sizeof(enrich_names[0]); i++)
			if (strcmp(v, enrich_names[i]) == 0) {
				t->enrich = (enum senrich)i;
				return NULL;
			}
		snprintf(why, whysz, "enrich '%s' is not aws-key, aws-session, jwt, pem, registry, url or http-auth", v);
		return why;
	}
}

/* One key's value into the type being read.  NULL, or what is wrong. */
static const char *
set_key(struct stype *t, int k, const char *v, int *seen, char *why, size_t whysz)
{
	const char *bad;

	if (k != TK_ALLOW && seen[k]) {
		snprintf(why, whysz, "key %s given twice", tkeys[k]);
		return why;
	}
	seen[k] = 1;
	switch (k) {
	case TK_TITLE:
		return (t->title = strdup(v)) ? NULL : "out of memory";
	case TK_KEYWORDS:
	case TK_NAMES:
	case TK_WORDS:
		return set_words(t, k, v, why, whysz);
	case TK_REGEX:
		if ((bad = rx_compile(&t->regex, v, 0, why, whysz)) != NULL)
			return bad;
		t->group = secret_group(t->regex.re);
		return NULL;
	case TK_VALUE:
		if ((bad = rx_compile(&t->value, v, 0, why, whysz)) != NULL)
			return bad;
		t->vgroup = secret_group(t->value.re);
		return NULL;
	case TK_NAMES_IN: return set_names_in(t, v, why, whysz);
	case TK_KEY: return rx_compile(&t->key, v, 1, why, whysz);
	case TK_ALLOW_KEY: return rx_compile(&t->allow_key, v, 1, why, whysz);
	case TK_LOW_KEY: return rx_compile(&t->low_key, v, 1, why, whysz);
	case TK_WITHIN: return rx_compile(&t->within, v, 0, why, whysz);
	case TK_PUBLIC: return rx_compile(&t->public, v, 0, why, whysz);
	case TK_ALLOW: return add_allow(t, v, why, whysz);
	case TK_ENTROPY:
	case TK_MIN_LEN:
	case TK_MAX_LEN:
	case TK_PRIORITY:
		return set_number(t, k, v, why, whysz);
	case TK_CONF:
	case TK_CONTEXT:
	case TK_DECODE:
	case TK_ENRICH:
		return set_choice(t, k, v, why, whysz);
	case TK_NEAR:
	case TK_UPGRADES:
		if (!valid_id(v)) {
			snprintf(why, whysz, "%s '%s' is not a type id", tkeys[k], v);
			return why;
		}
		if (k == TK_NEAR)
			return (t->near_id = strdup(v)) ? NULL : "out of memory";
		return (t->upgrades_id = strdup(v)) ? NULL : "out of memory";
	}
	return "unknown key";
}

/* One key's value; a regex that does not compile is named. */
static const char *
set_key_named(struct stype *t, int k, const char *v, int *seen, char *why, size_t whysz)
{
	char inner[400];
	const char *bad = set_key(t, k, v, seen, inner, sizeof(inner));

	if (bad == NULL)
		return NULL;
	if (bad == inner && (k == TK_REGEX || k == TK_VALUE || k == TK_KEY || k == TK_ALLOW_KEY || k == TK_LOW_KEY ||
			     k == TK_WITHIN || k == TK_PUBLIC || k == TK_ALLOW)) {
		snprintf(why, whysz, "%s: %s", tkeys[k], inner);
		return why;
	}
	if (bad == inner) {
		snprintf(why, whysz, "%s", inner);
		return why;
	}
	return bad;
}

/* Checks of a whole type; NULL or what is wrong. */
static const char *
check_type(const struct stype *t, const int *seen)
{
	if (!seen[TK_TITLE])
		return "no title";
	if (!seen[TK_CONF])
		return "no confidence";
	if (t->nkeywords && t->regex.re == NULL)
		return "keywords without a regex: the keywords are found, the regex says what the secret is";
	if (t->regex.re && !t->nkeywords && !t->near_id)
		return "a regex without keywords (or near): it would never be tried";
	if (!t->nkeywords && !t->nnames && !t->nwords && t->context == SCR_ANY && !t->near_id)
		return "no keywords, names or words: the type could never be tried (or give context secret-data)";
	if ((t->key.re || t->low_key.re || t->value.re || seen[TK_NAMES_IN] || t->decode_b64) && !t->nnames &&
	    !t->nwords)
		return "value, names-in, key, low-entropy-key or decode without names or words";
	if (t->allow_key.re && !t->nnames && !t->nwords && t->context != SCR_SECRET_DATA)
		return "allow-key without names, words or context secret-data";
	if (t->min_len && t->max_len && t->min_len > t->max_len)
		return "min-length above max-length";
	if (t->near_id && t->regex.re == NULL)
		return "near without a regex";
	return NULL;
}

static int
add_type(struct loader *L, struct stype *t)
{
	if (L->s->n == L->s->cap) {
		size_t nc = L->s->cap ? L->s->cap * 2 : 64;
		struct stype *nt = realloc(L->s->t, nc * sizeof(*nt));
		if (nt == NULL)
			return -1;
		L->s->t = nt;
		L->s->cap = nc;
	}
	t->index = L->s->n;
	L->s->t[L->s->n++] = *t;
	return 0;
}

static int
add_common(struct loader *L, const char *v, unsigned line)
{
	struct rx *nc = realloc(L->s->common, (L->s->ncommon + 1) * sizeof(*nc));
	char why[256];
	const char *bad;

	if (nc == NULL)
		return -1;
	L->s->common = nc;
	memset(&nc[L->s->ncommon], 0, sizeof(*nc));
	if ((bad = rx_compile(&nc[L->s->ncommon], v, 0, why, sizeof(why))) != NULL) {
		lerr(L, line, "allow: %s", bad);
		return 0;
	}
	L->s->ncommon++;
	return 0;
}

/* Strip leading and trailing white space in place. */
static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		e--;
	*e = '\0';
	return s;
}

/* A pending key: its value is complete once the next key starts. */
struct pend {
	int k;	/* tkey, or -1 none, or -2 a common allow */
	unsigned line;
	struct k8a_buf v;
};

static void
flush_key(struct loader *L, struct stype *t, struct pend *p, int *seen, int *bad)
{
	char why[512];
	const char *err;

	if (p->k == -1)
		return;
	if (k8a_buf_append(&p->v, "", 1) != 0 || p->v.failed) {
		/* a value with a part missing: not the file's fault */
		L->oom = 1;
	} else if (p->k == -2) {
		if (add_common(L, p->v.p, p->line) != 0)
			L->oom = 1;
	} else if (!*bad && (err = set_key_named(t, p->k, p->v.p, seen, why, sizeof(why))) != NULL) {
		if (k8a_is_nomem(err))
			L->oom = 1;
		else
			lerr(L, p->line, "%s", err);
		*bad = 1;
	}
	p->k = -1;
	p->v.len = 0;
}

static void
load_text(struct loader *L, const char *text, size_t len)
{
	enum { OUTSIDE, IN_TYPE, IN_COMMON } state = OUTSIDE;
	struct stype t;
	int seen[TK_COUNT_], bad = 0;
	struct pend p = { -1, 0, { 0 } };
	unsigned lineno = 0, start = 0;
	const char *q = text, *e = text + len;
	char *line = NULL;
	size_t k;

	memset(&t, 0, sizeof(t));
	memset(seen, 0, sizeof(seen));
	while (q < e && !L->oom) {
		const char *nl = memchr(q, '\n', (size_t)(e - q));
		size_t n = nl ? (size_t)(nl - q) : (size_t)(e - q);
		char *s, *word, *val;
		int cont;
		free(line);
		if ((line = malloc(n + 1)) == NULL) {
			L->oom = 1;
			break;
		}
		memcpy(line, q, n);
		line[n] = '\0';
		q = nl ? nl + 1 : e;
		lineno++;
		if (memchr(line, '\0', n)) {
			lerr(L, lineno, "NUL byte in the line");
			bad = 1;
			continue;
		}
		cont = line[0] == ' ' || line[0] == '\t';
		s = trim(line);
		if (*s == '\0' || *s == '#')
			continue;
		if (cont) {
			if (p.k == -1) {
				if (state != OUTSIDE) {
					lerr(L, lineno, "continuation line without a key before it");
					bad = 1;
				} else
					lerr(L, lineno, "text outside a type");
				continue;
			}
			if (!(p.k >= 0 && joins_tight(p.k)) && p.k != -2)
				k8a_buf_append(&p.v, " ", 1);
			k8a_buf_append(&p.v, s, strlen(s));
			continue;
		}
		word = s;
		val = s + strcspn(s, " \t");
		if (*val) {
			*val++ = '\0';
			val = trim(val);
		}
		if (state == OUTSIDE) {
			if (strcmp(word, "type") == 0) {
				memset(&t, 0, sizeof(t));
				memset(seen, 0, sizeof(seen));
				bad = 0;
				start = lineno;
				t.priority = -1;
				if (!valid_id(val)) {
					lerr(L, lineno, "type id '%s' is not letters, digits, '-', '_' and '.'", val);
					bad = 1;
				} else if (k8a__secret_type_find(L->s, val) >= 0) {
					lerr(L, lineno, "type %s defined twice", val);
					bad = 1;
				}
				t.id = strdup(val);
				t.names_in = KC_KEY | KC_MEMBER | KC_ASSIGN | KC_FLAG;
				t.file = strdup(L->name);
				if (t.id == NULL || t.file == NULL)
					L->oom = 1; /* the type would be lost */
				t.line = lineno;
				state = IN_TYPE;
			} else if (strcmp(word, "common") == 0 && *val == '\0') {
				state = IN_COMMON;
				start = lineno;
			} else
				lerr(L, lineno, "expected 'type ID' or 'common', not '%s'", word);
			continue;
		}
		if (strcmp(word, "end") == 0 && *val == '\0') {
			flush_key(L, &t, &p, seen, &bad);
			if (state == IN_TYPE) {
				const char *why = bad ? NULL : check_type(&t, seen);
				if (why) {
					lerr(L, start, "type %s: %s", t.id ? t.id : "?", why);
					bad = 1;
				}
				if (t.priority < 0)
					t.priority = t.context == SCR_SECRET_DATA ? 10 : t.nkeywords ? 100 : 50;
				if (bad || t.id == NULL || t.file == NULL)
					type_free(&t);
				else if (add_type(L, &t) != 0) {
					type_free(&t);
					L->oom = 1;
				}
			}
			state = OUTSIDE;
			continue;
		}
		flush_key(L, &t, &p, seen, &bad);
		if (state == IN_COMMON) {
			if (strcmp(word, "allow") != 0) {
				lerr(L, lineno, "only allow lines go in a common stanza, not '%s'", word);
				continue;
			}
			p.k = -2;
		} else {
			for (k = 0; k < TK_COUNT_ && strcmp(word, tkeys[k]) != 0; k++)
				;
			if (k == TK_COUNT_) {
				if (strcmp(word, "type") == 0 || strcmp(word, "common") == 0)
					lerr(L, lineno, "'%s' inside type %s: 'end' missing", word, t.id ? t.id : "?");
				else
					lerr(L, lineno, "unknown key '%s'", word);
				bad = 1;
				continue;
			}
			p.k = (int)k;
		}
		p.line = lineno;
		p.v.len = 0;
		k8a_buf_append(&p.v, val, strlen(val));
		if (*val == '\0' && p.k >= 0 && p.k != TK_TITLE) {
			/* the value may come on continuation lines */
		}
	}
	free(line);
	if (state != OUTSIDE) {
		/* cut short by memory: not the file's fault (L->oom says it) */
		if (!L->oom) {
			flush_key(L, &t, &p, seen, &bad);
			lerr(L, start, "%s not closed with 'end'", state == IN_TYPE ? "type" : "common stanza");
		}
		type_free(&t);
	}
	k8a_buf_free(&p.v);
}

/* Resolve near and upgrades; a type naming an unknown one is dropped. */
static void
resolve(struct loader *L, size_t from)
{
	size_t i = from;

	while (i < L->s->n) {
		struct stype *t = &L->s->t[i];
		const char *miss = NULL;
		if (t->near_id && (t->near = k8a__secret_type_find(L->s, t->near_id)) < 0)
			miss = t->near_id;
		if (!miss && t->upgrades_id && (t->upgrades = k8a__secret_type_find(L->s, t->upgrades_id)) < 0)
			miss = t->upgrades_id;
		if (!t->near_id)
			t->near = -1;
		if (!t->upgrades_id)
			t->upgrades = -1;
		if (miss) {
			char where[4200];
			snprintf(where, sizeof(where), "%s:%u", t->file, t->line);
			L->problems++;
			if (L->cb) {
				char msg[512];
				snprintf(msg, sizeof(msg), "type %s: no type %s is loaded", t->id, miss);
				L->cb(L->arg, where, msg);
			}
			type_free(t);
			memmove(t, t + 1, (L->s->n - i - 1) * sizeof(*t));
			L->s->n--;
			continue;
		}
		i++;
	}
	for (i = 0; i < L->s->n; i++)
		L->s->t[i].index = i;
	/* near/upgrades are indexes: look them up again after the moves */
	for (i = 0; i < L->s->n; i++) {
		struct stype *t = &L->s->t[i];
		t->near = t->near_id ? k8a__secret_type_find(L->s, t->near_id) : -1;
		t->upgrades = t->upgrades_id ? k8a__secret_type_find(L->s, t->upgrades_id) : -1;
	}
}

int
k8a_secret_set_load_text(k8a_secret_set *s, const char *text, size_t len, const char *name,
	k8a_secret_diag_fn cb, void *arg)
{
	struct loader L = { s, name, cb, arg, 0, 0 };
	size_t from;

	if (s == NULL)
		return K8A_FATAL;
	if (s->frozen)
		return K8A_FAILED;
	from = s->n;
	load_text(&L, text, len);
	resolve(&L, from);
	if (L.oom)
		return K8A_FATAL;
	return L.problems;
}

/* 0, -1 with why set, or K8A_FATAL when out of memory. */
static int
read_file(const char *path, struct k8a_buf *b, char *why, size_t whysz)
{
	FILE *fp = fopen(path, "rb");
	char chunk[65536];
	size_t n;

	if (fp == NULL) {
		if (errno == ENOMEM)
			return K8A_FATAL;
		snprintf(why, whysz, "cannot open: %s", strerror(errno));
		return -1;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if (b->len + n > ((size_t)16 << 20)) {
			snprintf(why, whysz, "larger than 16 MiB: not a type file");
			fclose(fp);
			return -1;
		}
		if (k8a_buf_append(b, chunk, n) != 0) {
			fclose(fp);
			return K8A_FATAL;
		}
	}
	if (ferror(fp)) {
		snprintf(why, whysz, "read error: %s", strerror(errno));
		fclose(fp);
		return -1;
	}
	fclose(fp);
	return 0;
}

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int
load_path(k8a_secret_set *s, const char *path, k8a_secret_diag_fn cb, void *arg, int explicit, int depth)
{
	struct stat st;
	int problems = 0, r;

	if (stat(path, &st) != 0) {
		if (cb) {
			char msg[256];
			snprintf(msg, sizeof(msg), "cannot read: %s", strerror(errno));
			cb(arg, path, msg);
		}
		return 1;
	}
	if (S_ISDIR(st.st_mode)) {
		DIR *d;
		struct dirent *de;
		char **names = NULL;
		size_t n = 0, i;
		if (depth > 8 || (d = opendir(path)) == NULL) {
			if (depth <= 8 && errno == ENOMEM)
				return K8A_FATAL;
			if (cb)
				cb(arg, path, depth > 8 ? "directories nested too deep" : "cannot open the directory");
			return 1;
		}
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			if (push_str(&names, &n, de->d_name) != 0) {
				closedir(d);
				strs_free(names, n);
				return K8A_FATAL;
			}
		}
		closedir(d);
		if (n)
			qsort(names, n, sizeof(*names), cmp_names);
		for (i = 0; i < n; i++) {
			size_t len = strlen(path) + strlen(names[i]) + 2;
			char *sub = malloc(len);
			struct stat sst;
			if (sub == NULL) {
				strs_free(names, n);
				return K8A_FATAL;
			}
			snprintf(sub, len, "%s/%s", path, names[i]);
			if (stat(sub, &sst) == 0 && (S_ISDIR(sst.st_mode) || fnmatch("*.secrets", names[i], 0) == 0)) {
				r = load_path(s, sub, cb, arg, 0, depth + 1);
				if (r < 0) {
					free(sub);
					strs_free(names, n);
					return r;
				}
				problems += r;
			}
			free(sub);
		}
		strs_free(names, n);
		return problems;
	}
	{
		struct k8a_buf b = { 0 };
		char why[256];
		if ((r = read_file(path, &b, why, sizeof(why))) != 0) {
			k8a_buf_free(&b);
			if (r == K8A_FATAL)
				return r;
			if (cb)
				cb(arg, path, why);
			return 1;
		}
		r = k8a_secret_set_load_text(s, b.p ? b.p : "", b.len, path, cb, arg);
		k8a_buf_free(&b);
		(void)explicit;
		return r;
	}
}

int
k8a_secret_set_load(k8a_secret_set *s, const char *path, k8a_secret_diag_fn cb, void *arg)
{
	if (s == NULL || path == NULL)
		return K8A_FATAL;
	if (s->frozen)
		return K8A_FAILED;
	return load_path(s, path, cb, arg, 1, 0);
}

/* ---- the caller's allow list ---- */

int
k8a_secret_set_allow(k8a_secret_set *s, const char *kind, const char *pattern, struct k8a_err *err)
{
	char why[256];
	const char *bad;

	if (err)
		memset(err, 0, sizeof(*err));
	if (strcmp(kind, "value") == 0) {
		struct rx *na = realloc(s->allow_value, (s->nallow_value + 1) * sizeof(*na));
		if (na == NULL)
			return K8A_FATAL;
		s->allow_value = na;
		memset(&na[s->nallow_value], 0, sizeof(*na));
		if ((bad = rx_compile(&na[s->nallow_value], pattern, 0, why, sizeof(why))) != NULL) {
			if (err) {
				err->code = K8A_FAILED;
				snprintf(err->msg, sizeof(err->msg), "%s", bad);
			}
			return K8A_FAILED;
		}
		s->nallow_value++;
		return K8A_OK;
	}
	if (strcmp(kind, "pointer") == 0)
		return push_str(&s->allow_pointer, &s->nallow_pointer, pattern) ? K8A_FATAL : K8A_OK;
	if (strcmp(kind, "path") == 0)
		return push_str(&s->allow_path, &s->nallow_path, pattern) ? K8A_FATAL : K8A_OK;
	if (err) {
		err->code = K8A_FAILED;
		snprintf(err->msg, sizeof(err->msg), "'%s' is not value, pointer or path", kind);
	}
	return K8A_FAILED;
}

int
k8a_secret_allowed_path(const k8a_secret_set *s, const char *path)
{
	size_t i;

	for (i = 0; s && path && i < s->nallow_path; i++)
		if (fnmatch(s->allow_path[i], path, 0) == 0)
			return 1;
	return 0;
}

/* ---- freezing: the keyword table ---- */

/* The body rule's markers: records holding these JSON strings may carry
 * a Secret (whose values are secrets by definition, base64 hiding any
 * keyword) or a ConfigMap's binaryData (base64 too).  Everything else a
 * body holds (a token request's JWT, a token review's "token", a
 * ConfigMap's text) shows its keywords. */
static const char *const marks[] = { "secrets", "Secret", "binaryData" };

int
k8a__secret_set_freeze(struct k8a_secret_set *s)
{
	size_t i, j;

	if (s->frozen)
		return 0;
	for (i = 0; i < s->n; i++) {
		struct stype *t = &s->t[i];
		for (j = 0; j < t->nkeywords; j++)
			if (kw_add(&s->kw, t->keywords[j], KW_STRONG, i) != 0)
				return -1;
		for (j = 0; j < t->nnames; j++)
			if (kw_add(&s->kw, t->names[j], KW_NAME, i) != 0)
				return -1;
		for (j = 0; j < t->nwords; j++)
			if (kw_add(&s->kw, t->words[j], KW_WORD, i) != 0)
				return -1;
	}
	for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
		if (kw_add(&s->kw, marks[i], KW_MARK, (size_t)-1) != 0)
			return -1;
	kw_build(&s->kw);
	s->ntypes_words = (s->n + 63) / 64 + 1;
	s->frozen = 1;
	return 0;
}
