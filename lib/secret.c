/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The secret scan of one record: every string of the parsed record, with
 * its JSON pointer and the name that gives it context (its member key, or
 * the sibling name of a {name, value} pair), decoded where the record
 * says how (Secret data is base64, Helm releases base64 of gzip, strings
 * holding JSON are JSON, kubectl exec commands are a URI's query), and
 * matched against every type whose keywords occur in it.
 *
 * One string may fit several types; the most specific (highest priority)
 * wins where their spans overlap.  A Secret's value that nothing more
 * specific explains is reported as what it is, a Secret value.
 */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "secret.h"

#define RECORD_DECODE_BUDGET ((size_t)64 << 20) /* decoded bytes per record */

/* A Secret's value: base64 (data), plain (stringData), or base64 that is
 * not secret by definition (a ConfigMap's binaryData). */
enum sdata { SD_NONE, SD_B64, SD_PLAIN, SD_BINARY };

/* One step of the decode chain; json steps carry the pointer inside. */
struct dstep {
	char *label;
	int json;
	struct k8a_buf ptr;
};

/* A string's context. */
struct ctx {
	const char *name; /* the name giving context, or NULL */
	size_t nlen;
	int nkind;	  /* KC_KEY or KC_MEMBER */
	enum sdata sdata;
	int identity;	    /* an accessKeyId member, or a reference to a secret: never one */
	int in_body;	    /* under requestObject or responseObject */
	json_t *parent;	    /* the object holding the string (or NULL) */
	json_t *grand;	    /* the array holding that object (or NULL) */
	const char *parent_key; /* the key of `parent` in its parent */
	const char *within; /* the decoded text this structure came from */
	size_t wlen;
	const size_t *argv_off; /* argv joined: element start offsets */
	size_t argc;
	int command;	    /* the text is a command line (argv, exec) */
};

struct hit {
	size_t type;
	char *pointer;
	char **decode;
	size_t ndecode;
	char *secret;
	size_t len;
	json_t *enrich;
	char fp[65];
	char preview[64];
};

/* A candidate in one text, before overlaps are resolved. */
struct cand {
	size_t type;
	size_t a, b;	/* the secret in the text (or in `dec`) */
	size_t ma, mb;	/* the match around it */
	int prio;
	const char *name; /* the name context that led to it */
	size_t nlen;
	struct k8a_buf dec; /* the secret decoded (decode base64 types), or empty */
	const char *partner; /* the key id it pairs with */
	size_t plen;
	char *extra;	/* an extra decode step ("base64") */
	char *user;	/* the user of user:password (docker auth) */
};

struct k8a_secret_scan {
	struct k8a_secret_set *s;
	pcre2_match_data *md;
	pcre2_match_context *mc;
	unsigned char *key;
	size_t keylen;

	k8a_event *ev;
	int64_t when;
	int secret_record, configmap_record, k8s;
	struct k8a_buf ptr0;
	struct dstep dec[SECRET_MAX_DEPTH + 2];
	int ndec;
	size_t budget;

	struct hit *hits;
	size_t nhits, caphits;
	struct k8a_secret_hit *pub;
	size_t cappub;
	char **partners; /* key ids paired with a secret in this record */
	size_t npartners, cappartners;

	uint64_t *mask_strong, *mask_name;
	int near_possible; /* a key id outside identity members is in the record */
	char err[1024];
	int warned, fatal;
};

static void walk(k8a_secret_scan *sc, json_t *v, struct ctx *c, int depth);
static void scan_string(k8a_secret_scan *sc, const char *s, size_t n, struct ctx *c, int depth);

static void warn(k8a_secret_scan *sc, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Keep the first problem's message; later ones only count. */
static void
warn(k8a_secret_scan *sc, const char *fmt, ...)
{
	va_list ap;

	if (sc->warned++)
		return;
	va_start(ap, fmt);
	vsnprintf(sc->err, sizeof(sc->err), fmt, ap);
	va_end(ap);
}

/* Free a work buffer; one that could not grow means a value was not
 * (fully) checked: memory is out, and the scan says so (K8A_FATAL). */
static void
buf_done(k8a_secret_scan *sc, struct k8a_buf *b)
{
	if (b->failed)
		sc->fatal = 1;
	k8a_buf_free(b);
}

/* ---- the pointer and the decode chain ---- */

static struct k8a_buf *
cur_ptr(k8a_secret_scan *sc)
{
	int i;

	for (i = sc->ndec - 1; i >= 0; i--)
		if (sc->dec[i].json)
			return &sc->dec[i].ptr;
	return &sc->ptr0;
}

/* Append "/token" (RFC 6901: ~ as ~0, / as ~1); returns the old length. */
static size_t
ptr_push(k8a_secret_scan *sc, const char *tok, size_t n)
{
	struct k8a_buf *b = cur_ptr(sc);
	size_t old = b->len, i;

	k8a_buf_append(b, "/", 1);
	for (i = 0; i < n; i++) {
		if (tok[i] == '~')
			k8a_buf_append(b, "~0", 2);
		else if (tok[i] == '/')
			k8a_buf_append(b, "~1", 2);
		else
			k8a_buf_append(b, tok + i, 1);
	}
	k8a_buf_append(b, "", 0);
	if (b->p)
		b->p[b->len] = '\0';
	return old;
}

static size_t
ptr_push_index(k8a_secret_scan *sc, size_t i)
{
	char num[32];

	snprintf(num, sizeof(num), "%zu", i);
	return ptr_push(sc, num, strlen(num));
}

static void
ptr_pop(k8a_secret_scan *sc, size_t old)
{
	struct k8a_buf *b = cur_ptr(sc);

	b->len = old;
	if (b->p)
		b->p[old] = '\0';
}

/* Start a decode step; 0, or -1 when too deep (warned). */
static int
dec_push(k8a_secret_scan *sc, const char *label, int json)
{
	struct dstep *d;

	if (sc->ndec >= SECRET_MAX_DEPTH) {
		warn(sc, "%s: decoding stops at depth %d (%s inside %s...): the rest of this value was not checked",
			sc->ptr0.len ? sc->ptr0.p : "/", SECRET_MAX_DEPTH, label, sc->dec[0].label);
		return -1;
	}
	d = &sc->dec[sc->ndec++];
	if ((d->label = strdup(label)) == NULL)
		sc->fatal = 1;
	d->json = json;
	d->ptr.len = 0;
	k8a_buf_append(&d->ptr, "", 0);
	if (d->ptr.p)
		d->ptr.p[0] = '\0';
	return 0;
}

static void
dec_pop(k8a_secret_scan *sc)
{
	struct dstep *d = &sc->dec[--sc->ndec];

	free(d->label);
	d->label = NULL;
}

/* Take n bytes of the record's decode budget; 0, or -1 (warned). */
static int
budget_take(k8a_secret_scan *sc, size_t n)
{
	if (n > sc->budget) {
		warn(sc, "%s: more than %zu MiB decoded in one record: the rest was not decoded",
			sc->ptr0.len ? sc->ptr0.p : "/", RECORD_DECODE_BUDGET >> 20);
		return -1;
	}
	sc->budget -= n;
	return 0;
}

/* ---- matching ---- */

/* pcre2_match with the scanner's limits: 1 match, 0 none, -1 a limit
 * was reached (warned: never taken for "no match"). */
static int
rx_run(k8a_secret_scan *sc, const pcre2_code *re, const char *s, size_t n, size_t start, const char *what)
{
	int rc = pcre2_match(re, (PCRE2_SPTR)s, n, start, 0, sc->md, sc->mc);

	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc == PCRE2_ERROR_NOMEMORY) {
		sc->fatal = 1;
		return -1;
	}
	{
		PCRE2_UCHAR msg[128];
		pcre2_get_error_message(rc, msg, sizeof(msg));
		warn(sc, "%s: %s: %s on a value of %zu bytes: it was not fully checked",
			sc->ptr0.len ? sc->ptr0.p : "/", what, (char *)msg, n);
	}
	return -1;
}

static void
mask_set(uint64_t *m, size_t i)
{
	m[i >> 6] |= (uint64_t)1 << (i & 63);
}

static int
mask_has(const uint64_t *m, size_t i)
{
	return (m[i >> 6] >> (i & 63)) & 1;
}

/* Is the value one no type reports (placeholders, redaction markers, the
 * caller's allow list)? */
static int
allowed(k8a_secret_scan *sc, const struct stype *t, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < t->nallow; i++)
		if (rx_run(sc, t->allow[i].re, s, n, 0, "allow pattern") == 1)
			return 1;
	for (i = 0; i < sc->s->ncommon; i++)
		if (rx_run(sc, sc->s->common[i].re, s, n, 0, "common allow pattern") == 1)
			return 1;
	for (i = 0; i < sc->s->nallow_value; i++)
		if (rx_run(sc, sc->s->allow_value[i].re, s, n, 0, "--allow pattern") == 1)
			return 1;
	return 0;
}

static void
trim_span(const char *s, size_t *a, size_t *b)
{
	while (*a < *b && isspace((unsigned char)s[*a]))
		(*a)++;
	while (*b > *a && isspace((unsigned char)s[*b - 1]))
		(*b)--;
}

/* Is the text, or the decoded text its structure came from, of the kind
 * the type's within says (a kubeconfig: as YAML in the string itself, or
 * as the JSON around it)? */
static int
within(k8a_secret_scan *sc, const struct stype *t, const struct ctx *c, const char *text, size_t tn)
{
	if (rx_run(sc, t->within.re, text, tn, 0, "within") == 1)
		return 1;
	return c->within && rx_run(sc, t->within.re, c->within, c->wlen, 0, "within") == 1;
}

/* Does the candidate secret pass its type's checks? */
static int
passes(k8a_secret_scan *sc, const struct stype *t, const char *sec, size_t n, const char *name, size_t nlen,
	const struct ctx *c, const char *text, size_t tn)
{
	if (n == 0 || n < t->min_len || (t->max_len && n > t->max_len))
		return 0;
	if (t->entropy > 0 && k8a__entropy(sec, n) < t->entropy &&
	    !(name && t->low_key.re && rx_run(sc, t->low_key.re, name, nlen, 0, "low-entropy-key") == 1))
		return 0;
	if (t->within.re && !within(sc, t, c, text, tn))
		return 0;
	return !allowed(sc, t, sec, n);
}

static struct cand *
cand_add(struct cand **v, size_t *n, size_t *cap)
{
	if (*n == *cap) {
		size_t nc = *cap ? *cap * 2 : 8;
		struct cand *nv = realloc(*v, nc * sizeof(*nv));
		if (nv == NULL)
			return NULL;
		*v = nv;
		*cap = nc;
	}
	memset(&(*v)[*n], 0, sizeof(**v));
	return &(*v)[(*n)++];
}

struct cands {
	struct cand *v;
	size_t n, cap;
};

static void
cands_free(struct cands *cs)
{
	size_t i;

	for (i = 0; i < cs->n; i++) {
		k8a_buf_free(&cs->v[i].dec);
		free(cs->v[i].extra);
		free(cs->v[i].user);
	}
	free(cs->v);
}

/* The secret of a match at sc->md: the span of group g, else the match. */
static void
group_span(k8a_secret_scan *sc, uint32_t g, size_t *a, size_t *b, size_t *ma, size_t *mb)
{
	PCRE2_SIZE *ov = pcre2_get_ovector_pointer(sc->md);

	*ma = ov[0];
	*mb = ov[1];
	if (g && g < pcre2_get_ovector_count(sc->md) && ov[2 * g] != PCRE2_UNSET) {
		*a = ov[2 * g];
		*b = ov[2 * g + 1];
	} else {
		*a = ov[0];
		*b = ov[1];
	}
}

static void
match_span(k8a_secret_scan *sc, const struct stype *t, size_t *a, size_t *b, size_t *ma, size_t *mb)
{
	group_span(sc, t->group, a, b, ma, mb);
}

/* A key id of type `k` near the candidate: in the same text, or in a
 * string member of the object holding it or of the objects beside that
 * one in an array.  any: also at accessKeyId members (only when the
 * candidate has a name of its own: the prefilter counted that name). */
static const char *
near_key(k8a_secret_scan *sc, const struct stype *k, const char *text, size_t tn, const struct ctx *c, int any,
	size_t *len)
{
	json_t *objs[64];
	size_t nobj = 0, i, a, b, ma, mb;
	const char *key;
	json_t *v;

	if (rx_run(sc, k->regex.re, text, tn, 0, "near") == 1) {
		match_span(sc, k, &a, &b, &ma, &mb);
		if (!allowed(sc, k, text + a, b - a)) {
			*len = b - a;
			return text + a;
		}
	}
	if (c->parent)
		objs[nobj++] = c->parent;
	if (c->grand)
		for (i = 0; i < json_array_size(c->grand) && nobj < 64; i++)
			if (json_is_object(v = json_array_get(c->grand, i)) && v != c->parent)
				objs[nobj++] = v;
	for (i = 0; i < nobj; i++) {
		json_object_foreach(objs[i], key, v) {
			const char *s = json_string_value(v);
			size_t n = json_string_length(v);
			if (s == NULL || n > 256 || (!any && strcmp(key, "accessKeyId") == 0))
				continue;
			if (rx_run(sc, k->regex.re, s, n, 0, "near") == 1) {
				match_span(sc, k, &a, &b, &ma, &mb);
				if (!allowed(sc, k, s + a, b - a)) {
					*len = b - a;
					return s + a;
				}
			}
		}
	}
	return NULL;
}

/* A name-context candidate of type t: the value text[base..base+vn)
 * under name, standing as `kind` (KC_*). */
static void
name_cand(k8a_secret_scan *sc, struct cands *cs, const struct stype *t, const char *name, size_t nlen, int kind,
	const char *text, size_t tn, size_t base, size_t vn, const struct ctx *c)
{
	const char *v = text + base, *s = v;
	size_t a = 0, b = vn, ma = 0, mb = vn, x = 0, y = vn;
	struct k8a_buf dec = { 0 };
	struct cand *cd;
	char *user = NULL;
	int decoded = 0;

	if (!(t->names_in & kind) && !(kind == KC_ASSIGN && c->command && (t->names_in & KC_CMD)))
		return;
	if (t->key.re && rx_run(sc, t->key.re, name, nlen, 0, "key") != 1)
		return;
	if (t->allow_key.re && rx_run(sc, t->allow_key.re, name, nlen, 0, "allow-key") == 1)
		return;
	/* decode base64: a value that is base64 of text is decoded first
	 * (docker's auth); another is taken as it is */
	trim_span(v, &x, &y);
	if (t->decode_b64 && k8a__b64_plausible(v + x, y - x) && k8a__b64_decode(v + x, y - x, 2, &dec) == 0 &&
	    k8a__is_text(dec.p, dec.len)) {
		const char *colon = memchr(dec.p, ':', dec.len);
		decoded = 1;
		s = dec.p;
		b = mb = dec.len;
		if (colon) {
			if ((user = strndup(dec.p, (size_t)(colon - dec.p))) == NULL)
				sc->fatal = 1;
			a = (size_t)(colon - dec.p) + 1;
		}
	} else if (t->value.re) {
		if (rx_run(sc, t->value.re, s, b, 0, t->id) != 1)
			goto drop;
		group_span(sc, t->vgroup, &a, &b, &ma, &mb);
	} else
		trim_span(s, &a, &b);
	if (!passes(sc, t, s + a, b - a, name, nlen, c, text, tn))
		goto drop;
	if ((cd = cand_add(&cs->v, &cs->n, &cs->cap)) == NULL) {
		sc->fatal = 1;
		goto drop;
	}
	cd->type = t->index;
	cd->prio = t->priority;
	cd->name = name;
	cd->nlen = nlen;
	if (decoded) {
		/* the secret is in the decoded text: keep it; the candidate
		 * spans the whole value in the text */
		cd->dec = dec;
		memmove(cd->dec.p, cd->dec.p + a, b - a);
		cd->dec.len = b - a;
		cd->dec.p[cd->dec.len] = '\0';
		cd->a = cd->ma = base;
		cd->b = cd->mb = base + vn;
		if ((cd->extra = strdup("base64")) == NULL)
			sc->fatal = 1;
		cd->user = user;
		return;
	}
	cd->a = base + a;
	cd->b = base + b;
	cd->ma = base + ma;
	cd->mb = base + mb;
drop:
	buf_done(sc, &dec);
	free(user);
}

/* ---- assignments in text: NAME=value, name: value, --flag value ---- */

struct assign {
	int flag;	/* --name, else NAME=value */
	size_t na, nb;	/* the name (without leading dashes) */
	size_t va, vb;	/* the value */
	uint64_t *mask; /* its types (owned) */
};

struct text_scan {
	k8a_secret_scan *sc;
	const char *text;
	size_t n;
	int nkind; /* for names: how they stand (KC_KEY, KC_MEMBER, KC_ASSIGN) */
	struct assign *as;
	size_t nas, capas;
};

static void
value_after(const char *p, size_t n, size_t b, int flag, size_t *va, size_t *vb)
{
	size_t i = b;
	char q;

	while (i < n && (p[i] == ' ' || p[i] == '\t'))
		i++;
	if (i < n && (p[i] == '=' || p[i] == ':')) {
		i++;
		while (i < n && (p[i] == ' ' || p[i] == '\t'))
			i++;
	} else if (!flag || i == b) {
		*va = *vb = i;
		return;
	}
	if (flag && i < n && p[i] == '-') {
		*va = *vb = i;
		return;
	}
	if (i < n && (p[i] == '"' || p[i] == '\'')) {
		q = p[i++];
		*va = i;
		while (i < n && p[i] != q && p[i] != '\n')
			i++;
		*vb = i;
		return;
	}
	*va = i;
	while (i < n && !isspace((unsigned char)p[i]) && !strchr("\"'&;,", p[i]))
		i++;
	*vb = i;
}

static int
text_cb(void *arg, const struct kwent *e, size_t off)
{
	struct text_scan *ts = arg;
	k8a_secret_scan *sc = ts->sc;
	size_t a, b, i, k;
	int flag;

	if (e->kind == KW_STRONG) {
		for (k = 0; k < e->ntypes; k++)
			mask_set(sc->mask_strong, e->types[k]);
		return 0;
	}
	if (e->kind == KW_MARK || !kw_counts(e, ts->text, ts->n, off, 0, KC_ASSIGN | KC_FLAG))
		return 0;
	kw_ident(ts->text, ts->n, off, e->n, &a, &b);
	flag = ts->text[a] == '-';
	for (i = 0; i < ts->nas && ts->as[i].nb != b; i++)
		;
	if (i == ts->nas) {
		struct assign *na;
		if (ts->nas == ts->capas) {
			size_t nc = ts->capas ? ts->capas * 2 : 8;
			if ((na = realloc(ts->as, nc * sizeof(*na))) == NULL) {
				sc->fatal = 1;
				return 1;
			}
			ts->as = na;
			ts->capas = nc;
		}
		na = &ts->as[ts->nas];
		if ((na->mask = calloc(sc->s->ntypes_words, sizeof(uint64_t))) == NULL) {
			sc->fatal = 1;
			return 1;
		}
		ts->nas++;
		na->flag = flag;
		while (a < b && ts->text[a] == '-')
			a++;
		na->na = a;
		na->nb = b;
		value_after(ts->text, ts->n, b, flag, &na->va, &na->vb);
	}
	for (k = 0; k < e->ntypes; k++)
		mask_set(ts->as[i].mask, e->types[k]);
	return 0;
}

static int
name_cb(void *arg, const struct kwent *e, size_t off)
{
	struct text_scan *ts = arg;
	size_t k;

	if ((e->kind == KW_NAME || e->kind == KW_WORD) && kw_counts(e, ts->text, ts->n, off, 0, ts->nkind))
		for (k = 0; k < e->ntypes; k++)
			mask_set(ts->sc->mask_name, e->types[k]);
	return 0;
}

/* ---- hits ---- */

static int
hit_dup(k8a_secret_scan *sc, size_t type, const char *ptr, const char *sec, size_t n)
{
	size_t i;

	for (i = 0; i < sc->nhits; i++)
		if (sc->hits[i].type == type && sc->hits[i].len == n && memcmp(sc->hits[i].secret, sec, n) == 0 &&
		    strcmp(sc->hits[i].pointer, ptr) == 0)
			return 1;
	return 0;
}

/* Pointer-allowed by the caller's list? */
static int
pointer_allowed(const k8a_secret_scan *sc, const char *ptr)
{
	size_t i;

	for (i = 0; i < sc->s->nallow_pointer; i++)
		if (fnmatch(sc->s->allow_pointer[i], ptr, 0) == 0)
			return 1;
	return 0;
}

static void
enrich_structure(k8a_secret_scan *sc, const struct stype *t, const struct ctx *c, json_t *o)
{
	json_t *p = c->parent, *v;
	const char *const kid[] = { "accessKeyId", "AccessKeyId", "access_key_id", NULL };
	const char *const exp[] = { "expiration", "Expiration", NULL };
	size_t i;

	if (t->enrich == EN_AWS_SESSION && json_is_object(p)) {
		for (i = 0; kid[i]; i++)
			if (json_is_string(v = json_object_get(p, kid[i]))) {
				json_object_set(o, "key_id", v);
				break;
			}
		for (i = 0; exp[i]; i++)
			if (json_is_string(v = json_object_get(p, exp[i]))) {
				int64_t t2;
				json_object_set(o, "expires", v);
				if (sc->when != INT64_MIN &&
				    k8a_time_parse(json_string_value(v), json_string_length(v), &t2) == K8A_OK)
					json_object_set_new(o, "expired_at_log_time", json_boolean(t2 <= sc->when));
				break;
			}
	}
	if (t->enrich == EN_REGISTRY) {
		if (c->parent_key)
			json_object_set_new(o, "registry", json_string(c->parent_key));
		if (json_is_object(p) && json_is_string(v = json_object_get(p, "username")))
			json_object_set(o, "user", v);
	}
}

/* Record candidate cd of `text` as a hit. */
static void
emit(k8a_secret_scan *sc, const struct cand *cd, const char *text, size_t tn, const struct ctx *c)
{
	const struct stype *t = &sc->s->t[cd->type];
	const char *sec = cd->dec.len ? cd->dec.p : text + cd->a;
	size_t n = cd->dec.len ? cd->dec.len : cd->b - cd->a, old = 0, i;
	struct k8a_buf *pb = NULL;
	struct hit *h;
	int pushed = 0;

	if (c->argv_off) {
		/* the argument holding the secret's first byte */
		for (i = 0; i + 1 < c->argc && c->argv_off[i + 1] <= cd->a; i++)
			;
		old = ptr_push_index(sc, i);
		pushed = 1;
	}
	pb = &sc->ptr0;
	if (pointer_allowed(sc, pb->p ? pb->p : "") || hit_dup(sc, cd->type, pb->p ? pb->p : "", sec, n))
		goto out;
	if (sc->nhits >= SECRET_MAX_HITS) {
		warn(sc, "more than %d secrets in one record: the rest are not reported", SECRET_MAX_HITS);
		goto out;
	}
	if (sc->nhits == sc->caphits) {
		size_t nc = sc->caphits ? sc->caphits * 2 : 16;
		struct hit *nh = realloc(sc->hits, nc * sizeof(*nh));
		if (nh == NULL) {
			sc->fatal = 1;
			goto out;
		}
		sc->hits = nh;
		sc->caphits = nc;
	}
	h = &sc->hits[sc->nhits];
	memset(h, 0, sizeof(*h));
	h->type = cd->type;
	h->pointer = strdup(pb->p ? pb->p : "");
	h->secret = malloc(n + 1);
	h->decode = calloc((size_t)sc->ndec + 2, sizeof(char *));
	h->enrich = json_object();
	if (h->pointer == NULL || h->secret == NULL || h->decode == NULL || h->enrich == NULL) {
		free(h->pointer);
		free(h->secret);
		free(h->decode);
		json_decref(h->enrich);
		sc->fatal = 1;
		goto out;
	}
	memcpy(h->secret, sec, n);
	h->secret[n] = '\0';
	h->len = n;
	for (i = 0; i < (size_t)sc->ndec; i++) {
		const struct dstep *d = &sc->dec[i];
		if (d->json) {
			size_t l = strlen(d->ptr.p ? d->ptr.p : "") + 6;
			if ((h->decode[h->ndecode] = malloc(l)) != NULL)
				snprintf(h->decode[h->ndecode++], l, "json:%s", d->ptr.p ? d->ptr.p : "");
			else
				sc->fatal = 1;
		} else if (d->label != NULL && (h->decode[h->ndecode] = strdup(d->label)) != NULL)
			h->ndecode++;
		else
			sc->fatal = 1; /* a step of the chain would be missing */
	}
	if (cd->extra && (h->decode[h->ndecode] = strdup(cd->extra)) != NULL)
		h->ndecode++;
	else if (cd->extra)
		sc->fatal = 1;
	if (cd->name && cd->nlen <= SECRET_MAX_NAME)
		json_object_set_new(h->enrich, "name", json_stringn(cd->name, cd->nlen));
	if (cd->user)
		json_object_set_new(h->enrich, "user", json_string(cd->user));
	k8a__enrich(t->enrich, sec, n, text + cd->ma, cd->mb - cd->ma, sc->when, h->enrich);
	enrich_structure(sc, t, c, h->enrich);
	if (cd->partner) {
		int64_t acct = k8a__aws_account(cd->partner, cd->plen);
		json_object_set_new(h->enrich, "key_id", json_stringn(cd->partner, cd->plen));
		if (acct >= 0) {
			char buf[32];
			snprintf(buf, sizeof(buf), "%012lld", (long long)acct);
			json_object_set_new(h->enrich, "account", json_string(buf));
		}
	}
	/* with a key, HMAC fails only when memory runs out */
	if (sc->keylen && k8a_secret_fingerprint(sc->key, sc->keylen, sec, n, h->fp) != K8A_OK)
		sc->fatal = 1;
	k8a_secret_preview(sc->s, cd->type, sec, n, h->preview);
	sc->nhits++;
out:
	if (pushed)
		ptr_pop(sc, old);
}

static void
partner_add(k8a_secret_scan *sc, const char *k, size_t n)
{
	if (sc->npartners == sc->cappartners) {
		size_t nc = sc->cappartners ? sc->cappartners * 2 : 4;
		char **np = realloc(sc->partners, nc * sizeof(*np));
		if (np == NULL) {
			sc->fatal = 1;
			return;
		}
		sc->partners = np;
		sc->cappartners = nc;
	}
	if ((sc->partners[sc->npartners] = strndup(k, n)) != NULL)
		sc->npartners++;
	else
		sc->fatal = 1;
}

static int
cmp_prio(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->prio != y->prio)
		return x->prio > y->prio ? -1 : 1;
	if (x->a != y->a)
		return x->a < y->a ? -1 : 1;
	if (x->b - x->a != y->b - y->a)
		return x->b - x->a > y->b - y->a ? -1 : 1;
	return x->type < y->type ? -1 : x->type > y->type;
}

static int
cmp_pos(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->a != y->a)
		return x->a < y->a ? -1 : 1;
	return x->type < y->type ? -1 : x->type > y->type;
}

/* Pairs, overlaps, then hits in text order. */
static void
resolve(k8a_secret_scan *sc, struct cands *cs, const char *text, size_t tn, const struct ctx *c)
{
	size_t i, j, k = 0;

	/* a secret key with a key id near it is a pair */
	for (i = 0; i < sc->s->n; i++) {
		const struct stype *p = &sc->s->t[i];
		if (p->near < 0 || p->upgrades < 0)
			continue;
		for (j = 0; j < cs->n; j++) {
			struct cand *cd = &cs->v[j];
			const char *kid;
			size_t kl;
			if (cd->type != (size_t)p->upgrades)
				continue;
			if ((kid = near_key(sc, &sc->s->t[p->near], text, tn, c, 1, &kl)) != NULL) {
				cd->type = i;
				cd->prio = p->priority;
				cd->partner = kid;
				cd->plen = kl;
			}
		}
	}
	if (cs->n > 1)
		qsort(cs->v, cs->n, sizeof(*cs->v), cmp_prio);
	for (i = 0; i < cs->n; i++) {
		int overlap = 0;
		for (j = 0; j < k && !overlap; j++)
			overlap = cs->v[i].a < cs->v[j].b && cs->v[j].a < cs->v[i].b;
		if (overlap) {
			k8a_buf_free(&cs->v[i].dec);
			free(cs->v[i].extra);
			free(cs->v[i].user);
			continue;
		}
		if (k != i)
			cs->v[k] = cs->v[i];
		k++;
	}
	cs->n = k;
	if (cs->n > 1)
		qsort(cs->v, cs->n, sizeof(*cs->v), cmp_pos);
	for (i = 0; i < cs->n; i++) {
		if (cs->v[i].partner)
			partner_add(sc, cs->v[i].partner, cs->v[i].plen);
		emit(sc, &cs->v[i], text, tn, c);
	}
}

/* The types whose names occur (counted) in the context name, into
 * sc->mask_name; 1 when there is one. */
static int
name_types(k8a_secret_scan *sc, const struct ctx *c)
{
	size_t i;

	memset(sc->mask_name, 0, sc->s->ntypes_words * sizeof(uint64_t));
	if (c->name && c->nlen <= SECRET_MAX_NAME && !memchr(c->name, '"', c->nlen)) {
		/* a query parameter's name is followed by '=' (given) and
		 * counts as a name there only, as in the raw text */
		size_t nn = c->nkind == KC_ASSIGN ? c->nlen + 1 : c->nlen;
		struct text_scan ns = { sc, c->name, nn, c->nkind, NULL, 0, 0 };
		kw_scan(&sc->s->kw, c->name, nn, name_cb, &ns);
	}
	for (i = 0; i < sc->s->ntypes_words; i++)
		if (sc->mask_name[i])
			return 1;
	return 0;
}

/* Does a type of sc->mask_name that applies here decode base64 itself
 * (docker's auth)? */
static int
name_decodes(k8a_secret_scan *sc, const struct ctx *c, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < sc->s->n; i++) {
		const struct stype *t = &sc->s->t[i];
		if (!t->decode_b64 || !mask_has(sc->mask_name, i))
			continue;
		if (t->key.re && rx_run(sc, t->key.re, c->name, c->nlen, 0, "key") != 1)
			continue;
		if (t->within.re && !within(sc, t, c, s, n))
			continue;
		return 1;
	}
	return 0;
}

/* Every match of type i's regex in the text, as a candidate; partner is
 * the key id found beside it, if any. */
static void
regex_cands(k8a_secret_scan *sc, struct cands *cs, size_t i, const char *text, size_t tn, const struct ctx *c,
    const char *partner, size_t plen)
{
	const struct stype *t = &sc->s->t[i];
	size_t a, b, ma, mb, start;
	struct cand *cd;

	for (start = 0; start <= tn; ) {
		if (rx_run(sc, t->regex.re, text, tn, start, t->id) != 1)
			break;
		match_span(sc, t, &a, &b, &ma, &mb);
		start = mb > start ? mb : start + 1;
		if (!passes(sc, t, text + a, b - a, NULL, 0, c, text, tn))
			continue;
		if ((cd = cand_add(&cs->v, &cs->n, &cs->cap)) == NULL) {
			sc->fatal = 1;
			break;
		}
		cd->type = i;
		cd->prio = t->priority;
		cd->a = a;
		cd->b = b;
		cd->ma = ma;
		cd->mb = mb;
		cd->partner = partner;
		cd->plen = plen;
	}
}

/* ---- one text ---- */

static void
scan_text(k8a_secret_scan *sc, const char *text, size_t tn, struct ctx *c)
{
	struct k8a_secret_set *s = sc->s;
	struct text_scan ts = { sc, text, tn, 0, NULL, 0, 0 };
	struct cands cs = { NULL, 0, 0 };
	size_t i, w = s->ntypes_words, a, b;
	int any_near = 0;

	if (c->identity || tn == 0)
		return;
	memset(sc->mask_strong, 0, w * sizeof(uint64_t));
	kw_scan(&s->kw, text, tn, text_cb, &ts);
	name_types(sc, c);
	for (i = 0; i < s->n && !sc->fatal; i++) {
		const struct stype *t = &s->t[i];
		if (t->near >= 0)
			any_near = 1;
		/* the secret's own keywords: every match of its regex */
		if (mask_has(sc->mask_strong, i) && t->regex.re && !t->decode_b64)
			regex_cands(sc, &cs, i, text, tn, c, NULL, 0);
		/* the name of the value */
		if (mask_has(sc->mask_name, i))
			name_cand(sc, &cs, t, c->name, c->nlen, c->nkind, text, tn, 0, tn, c);
		/* a Secret's value, whatever it is */
		if (t->context == SCR_SECRET_DATA && (c->sdata == SD_B64 || c->sdata == SD_PLAIN) &&
		    !(c->name && t->allow_key.re && rx_run(sc, t->allow_key.re, c->name, c->nlen, 0, "allow-key") == 1)) {
			a = 0;
			b = tn;
			trim_span(text, &a, &b);
			if (passes(sc, t, text + a, b - a, c->name, c->nlen, c, text, tn)) {
				struct cand *cd = cand_add(&cs.v, &cs.n, &cs.cap);
				if (cd == NULL) {
					sc->fatal = 1;
					break;
				}
				cd->type = i;
				cd->prio = t->priority;
				cd->a = cd->ma = a;
				cd->b = cd->mb = b;
				cd->name = c->name;
				cd->nlen = c->nlen;
			}
		}
	}
	/* names inside the text */
	for (i = 0; i < ts.nas && !sc->fatal; i++) {
		struct assign *as = &ts.as[i];
		size_t k;
		if (as->vb <= as->va)
			continue;
		for (k = 0; k < s->n; k++)
			if (mask_has(as->mask, k))
				name_cand(sc, &cs, &s->t[k], text + as->na, as->nb - as->na, as->flag ? KC_FLAG : KC_ASSIGN,
					text, tn, as->va, as->vb - as->va, c);
	}
	/* a key id beside a secret-shaped string: a pair even unnamed */
	if (any_near && sc->near_possible && !sc->fatal) {
		for (i = 0; i < s->n; i++) {
			const struct stype *p = &s->t[i];
			const char *kid;
			size_t kl;
			if (p->near < 0 || !p->regex.re)
				continue;
			if ((kid = near_key(sc, &s->t[p->near], text, tn, c, 0, &kl)) == NULL)
				continue;
			regex_cands(sc, &cs, i, text, tn, c, kid, kl);
		}
	}
	if (!sc->fatal)
		resolve(sc, &cs, text, tn, c);
	cands_free(&cs);
	for (i = 0; i < ts.nas; i++)
		free(ts.as[i].mask);
	free(ts.as);
}

/* ---- strings: JSON inside, Secret values, base64, gzip ---- */

static int
looks_json(const char *s, size_t n)
{
	size_t i = 0, e = n;

	while (i < n && isspace((unsigned char)s[i]))
		i++;
	while (e > i && isspace((unsigned char)s[e - 1]))
		e--;
	return e - i >= 2 && ((s[i] == '{' && s[e - 1] == '}') || (s[i] == '[' && s[e - 1] == ']'));
}

/* Walk s as JSON when it is JSON: 1 done, 0 not JSON. */
static int
try_json(k8a_secret_scan *sc, const char *s, size_t n, struct ctx *c, int depth)
{
	json_t *j;
	struct ctx in;

	if (!looks_json(s, n))
		return 0;
	if (n > SECRET_MAX_DECODED) {
		warn(sc, "%s: JSON text of %zu bytes, over the %zu MiB limit: scanned as text",
			sc->ptr0.len ? sc->ptr0.p : "/", n, SECRET_MAX_DECODED >> 20);
		return 0;
	}
	if ((j = json_loadb(s, n, JSON_ALLOW_NUL, NULL)) == NULL)
		return 0;
	if (dec_push(sc, "json", 1) != 0) {
		json_decref(j);
		return 1;
	}
	memset(&in, 0, sizeof(in));
	in.within = s;
	in.wlen = n;
	/* a body's JSON text (last-applied) is of the body: a Secret there
	 * has base64 data */
	in.in_body = c->in_body;
	walk(sc, j, &in, depth + 1);
	dec_pop(sc);
	json_decref(j);
	return 1;
}

/* A Secret's value: base64 of anything (data), or text (stringData). */
static void
scan_secret_value(k8a_secret_scan *sc, const char *s, size_t n, struct ctx *c, int depth)
{
	struct k8a_buf d = { 0 }, z = { 0 };
	struct ctx in = *c;
	size_t before = sc->nhits;
	int r;

	if (c->sdata == SD_PLAIN) {
		if (try_json(sc, s, n, c, depth)) {
			if (sc->nhits == before) /* nothing more specific inside */
				scan_text(sc, s, n, c);
			return;
		}
		scan_text(sc, s, n, c);
		return;
	}
	if (k8a__b64_decode(s, n, 0, &d) != 0) {
		/* not base64 after all: judge the text as it is */
		in.sdata = c->sdata == SD_BINARY ? SD_NONE : SD_PLAIN;
		scan_string(sc, s, n, &in, depth);
		buf_done(sc, &d);
		return;
	}
	if (budget_take(sc, d.len) != 0 || dec_push(sc, "base64", 0) != 0) {
		buf_done(sc, &d);
		return;
	}
	in.sdata = c->sdata == SD_BINARY ? SD_NONE : SD_PLAIN;
	if (d.len >= 2 && (unsigned char)d.p[0] == 0x1f && (unsigned char)d.p[1] == 0x8b) {
		r = k8a__gunzip((const unsigned char *)d.p, d.len, SECRET_MAX_DECODED, &z);
		if (r == -2)
			warn(sc, "%s: gzip inflates past %zu MiB: the rest was not checked", sc->ptr0.p,
				SECRET_MAX_DECODED >> 20);
		if (r != -1 && budget_take(sc, z.len) == 0 && dec_push(sc, "gzip", 0) == 0) {
			if (in.sdata == SD_PLAIN)
				scan_secret_value(sc, z.p, z.len, &in, depth + 1);
			else
				scan_string(sc, z.p, z.len, &in, depth + 1);
			dec_pop(sc);
		}
	} else if (k8a__is_text(d.p, d.len)) {
		struct k8a_buf d2 = { 0 };
		/* base64 again (Helm's release: base64 of gzip inside the
		 * Secret's own base64) */
		if (k8a__b64_plausible(d.p, d.len) && k8a__b64_decode(d.p, d.len, 0, &d2) == 0 && d2.len >= 2 &&
		    (((unsigned char)d2.p[0] == 0x1f && (unsigned char)d2.p[1] == 0x8b) || looks_json(d2.p, d2.len))) {
			struct ctx in2 = in;
			in2.sdata = c->sdata;
			buf_done(sc, &d2);
			scan_secret_value(sc, d.p, d.len, &in2, depth + 1);
		} else {
			buf_done(sc, &d2);
			if (in.sdata == SD_PLAIN)
				scan_secret_value(sc, d.p, d.len, &in, depth + 1);
			else
				scan_string(sc, d.p, d.len, &in, depth + 1);
		}
	} else if (in.sdata == SD_PLAIN) {
		/* binary: the value itself, as the record holds it */
		dec_pop(sc);
		scan_text(sc, s, n, c);
		buf_done(sc, &d);
		buf_done(sc, &z);
		return;
	}
	dec_pop(sc);
	buf_done(sc, &d);
	buf_done(sc, &z);
}

static void
scan_string(k8a_secret_scan *sc, const char *s, size_t n, struct ctx *c, int depth)
{
	if (c->identity)
		return;
	if (c->sdata != SD_NONE) {
		scan_secret_value(sc, s, n, c, depth);
		return;
	}
	if (try_json(sc, s, n, c, depth))
		return;
	/* base64 under a name that says secret (a password written encoded):
	 * what it decodes to is judged, under the same name; the prefilter
	 * counted the name */
	if (c->name && k8a__b64_plausible(s, n) && name_types(sc, c) && !name_decodes(sc, c, s, n)) {
		struct k8a_buf d = { 0 };
		size_t before = sc->nhits;
		if (k8a__b64_decode(s, n, 2, &d) == 0 && d.len && k8a__is_text(d.p, d.len) && budget_take(sc, d.len) == 0 &&
		    dec_push(sc, "base64", 0) == 0) {
			scan_string(sc, d.p, d.len, c, depth + 1);
			dec_pop(sc);
		}
		buf_done(sc, &d);
		if (sc->nhits > before)
			return;
	}
	scan_text(sc, s, n, c);
}

/* ---- requestURI: exec commands and query parameters ---- */

static void
scan_uri(k8a_secret_scan *sc, const char *uri, size_t n, struct ctx *c)
{
	const char *q = memchr(uri, '?', n), *p, *e = uri + n;
	struct k8a_buf v = { 0 }, k = { 0 }, argv = { 0 };
	char *cmd;
	struct ctx in;
	int is_exec = 0, nargs = 0;

	memset(&in, 0, sizeof(in));
	in.parent = c->parent;
	/* the path, as text */
	scan_text(sc, uri, q ? (size_t)(q - uri) : n, &in);
	if (q == NULL || memchr(uri, '\0', n))
		return;
	/* kubectl exec: the command= values are the arguments (k8a_exec_command
	 * tells an exec URI; its shell quoting is for display) */
	errno = 0;
	if ((cmd = k8a_exec_command_dup(uri)) != NULL) {
		is_exec = 1;
		free(cmd);
	} else if (errno == ENOMEM) {
		sc->fatal = 1;
		return;
	}
	for (p = q + 1; p < e;) {
		const char *amp = memchr(p, '&', (size_t)(e - p)), *eq;
		size_t len = amp ? (size_t)(amp - p) : (size_t)(e - p);
		if ((eq = memchr(p, '=', len)) != NULL) {
			/* the name with its '=' after it */
			k8a__pct_decode(p, (size_t)(eq - p) + 1, 1, &k);
			if (k.p && k.len > 0)
				k.len--;
			k8a__pct_decode(eq + 1, len - (size_t)(eq - p) - 1, 1, &v);
			if (k.p && v.p && is_exec && k.len == 7 && memcmp(k.p, "command", 7) == 0) {
				if (nargs++)
					k8a_buf_append(&argv, " ", 1);
				k8a_buf_append(&argv, v.p, v.len);
			} else if (k.p && v.p) {
				char label[160];
				snprintf(label, sizeof(label), "url-query:%.*s", (int)(k.len < 140 ? k.len : 140), k.p);
				if (dec_push(sc, label, 0) == 0) {
					in.name = k.p; /* k.p[k.len] is the '=' */
					in.nlen = k.len;
					in.nkind = KC_ASSIGN;
					scan_text(sc, v.p, v.len, &in);
					in.name = NULL;
					in.nlen = 0;
					dec_pop(sc);
				}
			}
		}
		p += len + 1;
	}
	if (nargs && argv.p && dec_push(sc, "url-query:command", 0) == 0) {
		in.command = 1;
		scan_text(sc, argv.p, argv.len, &in);
		dec_pop(sc);
	}
	buf_done(sc, &v);
	buf_done(sc, &k);
	buf_done(sc, &argv);
}

/* ---- the walk ---- */

static const char *const name_keys[] = { "name", "Name", "key", "Key", "parameterKey", "ParameterKey",
	"parameterName", "ParameterName" };
static const char *const value_keys[] = { "value", "Value", "parameterValue", "ParameterValue" };

static int
is_argv_key(const char *k)
{
	static const char *const argv_keys[] = { "command", "args", "commands", "Command", "Args", "arguments", "cmd" };
	size_t i;

	for (i = 0; i < sizeof(argv_keys) / sizeof(argv_keys[0]); i++)
		if (strcmp(k, argv_keys[i]) == 0)
			return 1;
	return 0;
}

/* The objects whose data are a Secret's values: kind Secret, or the
 * bodies of a request on secrets (and their list items). */
static int
is_secret_obj(k8a_secret_scan *sc, json_t *o, const struct ctx *c, int root)
{
	const char *kind = json_string_value(json_object_get(o, "kind"));

	if (!c->in_body)
		return 0;
	if (kind)
		return strcmp(kind, "Secret") == 0;
	return root && sc->secret_record;
}

static int
is_configmap_obj(k8a_secret_scan *sc, json_t *o, const struct ctx *c, int root)
{
	const char *kind = json_string_value(json_object_get(o, "kind"));

	if (!c->in_body)
		return 0;
	if (kind)
		return strcmp(kind, "ConfigMap") == 0;
	return root && sc->configmap_record;
}

/* An argv array: the arguments joined with spaces, each secret pointed
 * to in the argument holding it. */
static void
scan_argv(k8a_secret_scan *sc, json_t *a, struct ctx *c)
{
	struct k8a_buf b = { 0 };
	size_t *off, i, n = json_array_size(a);
	struct ctx in = *c;

	if (n > SECRET_MAX_ARGV) {
		warn(sc, "%s: more than %d arguments: only the first were joined", sc->ptr0.p, SECRET_MAX_ARGV);
		n = SECRET_MAX_ARGV;
	}
	if ((off = calloc(n + 1, sizeof(*off))) == NULL) {
		sc->fatal = 1;
		return;
	}
	for (i = 0; i < n; i++) {
		json_t *v = json_array_get(a, i);
		if (i)
			k8a_buf_append(&b, " ", 1);
		off[i] = b.len;
		k8a_buf_append(&b, json_string_value(v), json_string_length(v));
	}
	in.name = NULL;
	in.nlen = 0;
	in.argv_off = off;
	in.argc = n;
	in.command = 1;
	if (b.p)
		scan_text(sc, b.p, b.len, &in);
	free(off);
	buf_done(sc, &b);
}

static int
all_strings(json_t *a)
{
	size_t i;

	for (i = 0; i < json_array_size(a); i++)
		if (!json_is_string(json_array_get(a, i)))
			return 0;
	return json_array_size(a) > 0;
}

/* A JSON Patch operation on a Secret: {"op":..., "path":"/data/k", "value":...}. */
static enum sdata
patch_sdata(json_t *o)
{
	const char *path = json_string_value(json_object_get(o, "path"));

	if (path == NULL || json_object_get(o, "op") == NULL)
		return SD_NONE;
	if (strncmp(path, "/data/", 6) == 0 || strcmp(path, "/data") == 0)
		return SD_B64;
	if (strncmp(path, "/stringData/", 12) == 0 || strcmp(path, "/stringData") == 0)
		return SD_PLAIN;
	return SD_NONE;
}

static void
walk_object(k8a_secret_scan *sc, json_t *o, struct ctx *c, int depth, int body)
{
	const char *key, *nm = NULL;
	json_t *v, *nv = NULL, *ref = NULL;
	size_t i, old;
	int secret = is_secret_obj(sc, o, c, body), cm = !secret && is_configmap_obj(sc, o, c, body);
	enum sdata patch = sc->secret_record && c->in_body ? patch_sdata(o) : SD_NONE;

	/* {name, value}: the name is the value's context, when the value
	 * member comes right after the name member (as every encoder we know
	 * writes them, and as the prefilter reads them) */
	{
		json_t *prev = NULL;
		json_object_foreach(o, key, v) {
			if (prev && json_is_string(v)) {
				for (i = 0; i < sizeof(value_keys) / sizeof(value_keys[0]); i++)
					if (strcmp(key, value_keys[i]) == 0) {
						nm = json_string_value(prev);
						nv = v;
					}
			}
			prev = NULL;
			for (i = 0; i < sizeof(name_keys) / sizeof(name_keys[0]); i++)
				if (strcmp(key, name_keys[i]) == 0 && json_is_string(v) &&
				    json_string_length(v) <= SECRET_MAX_NAME)
					prev = v;
			if (nv)
				break;
		}
		/* CodeBuild's {name, value, type}: PARAMETER_STORE and
		 * SECRETS_MANAGER values name where the secret is kept */
		if (nv) {
			const char *ty = json_string_value(json_object_get(o, "type"));
			if (ty && (strcmp(ty, "PARAMETER_STORE") == 0 || strcmp(ty, "SECRETS_MANAGER") == 0))
				ref = nv;
		}
	}
	json_object_foreach(o, key, v) {
		struct ctx in;
		memset(&in, 0, sizeof(in));
		in.within = c->within;
		in.wlen = c->wlen;
		in.in_body = c->in_body;
		in.parent = o;
		in.grand = c->grand;
		in.parent_key = c->parent_key;
		if (v == nv) {
			in.name = nm;
			in.nlen = strlen(nm);
			in.nkind = KC_MEMBER;
		} else {
			in.name = key;
			in.nlen = strlen(key);
			in.nkind = KC_KEY;
		}
		in.identity = strcmp(key, "accessKeyId") == 0 || v == ref;
		if (patch != SD_NONE && strcmp(key, "value") == 0)
			in.sdata = patch;
		old = ptr_push(sc, key, strlen(key));
		if (json_is_string(v)) {
			if (depth == 0 && strcmp(key, "requestURI") == 0 && k8a_event_source(sc->ev) == K8A_SRC_K8S)
				scan_uri(sc, json_string_value(v), json_string_length(v), &in);
			else
				scan_string(sc, json_string_value(v), json_string_length(v), &in, depth);
		} else if (json_is_object(v)) {
			struct ctx cin = in;
			enum sdata sd = SD_NONE;
			if (secret && strcmp(key, "data") == 0)
				sd = SD_B64;
			else if (secret && strcmp(key, "stringData") == 0)
				sd = SD_PLAIN;
			else if (cm && strcmp(key, "binaryData") == 0)
				sd = SD_BINARY;
			else if (patch != SD_NONE && strcmp(key, "value") == 0)
				sd = patch;
			cin.grand = NULL;
			cin.parent_key = key;
			if (sd != SD_NONE) {
				/* the members are the values */
				const char *k2;
				json_t *v2;
				json_object_foreach(v, k2, v2) {
					struct ctx dc = cin;
					size_t o2 = ptr_push(sc, k2, strlen(k2));
					dc.parent = v;
					dc.name = k2;
					dc.nlen = strlen(k2);
					dc.nkind = KC_KEY;
					dc.sdata = sd;
					dc.identity = 0;
					if (json_is_string(v2))
						scan_string(sc, json_string_value(v2), json_string_length(v2), &dc, depth + 1);
					else
						walk(sc, v2, &dc, depth + 1);
					ptr_pop(sc, o2);
				}
			} else {
				int b2 = depth == 0 && sc->k8s &&
					 (strcmp(key, "requestObject") == 0 || strcmp(key, "responseObject") == 0);
				cin.sdata = SD_NONE;
				if (b2) {
					cin.in_body = 1;
					walk_object(sc, v, &cin, depth + 1, 1);
				} else
					walk(sc, v, &cin, depth + 1);
			}
		} else if (json_is_array(v)) {
			struct ctx ain = in;
			if (depth == 0 && sc->k8s && (strcmp(key, "requestObject") == 0 || strcmp(key, "responseObject") == 0))
				ain.in_body = 1; /* a JSON Patch */
			if (is_argv_key(key) && all_strings(v))
				scan_argv(sc, v, &in);
			else {
				ain.parent_key = key;
				/* list bodies of secrets: their items are Secrets */
				if (body && strcmp(key, "items") == 0 && (sc->secret_record || sc->configmap_record)) {
					size_t k2;
					for (k2 = 0; k2 < json_array_size(v); k2++) {
						json_t *it = json_array_get(v, k2);
						size_t o2 = ptr_push_index(sc, k2);
						struct ctx ic = ain;
						ic.grand = v;
						ic.name = NULL;
						if (json_is_object(it))
							walk_object(sc, it, &ic, depth + 2, 1);
						else
							walk(sc, it, &ic, depth + 2);
						ptr_pop(sc, o2);
					}
				} else
					walk(sc, v, &ain, depth + 1);
			}
		}
		ptr_pop(sc, old);
		if (sc->fatal)
			return;
	}
}

static void
walk(k8a_secret_scan *sc, json_t *v, struct ctx *c, int depth)
{
	size_t i, old;

	if (sc->fatal)
		return;
	if (json_is_object(v)) {
		/* a JSON Patch array on a Secret is a body too */
		walk_object(sc, v, c, depth, 0);
	} else if (json_is_array(v)) {
		int names = json_is_string(json_array_get(v, 0));
		for (i = 0; i < json_array_size(v) && !sc->fatal; i++) {
			json_t *e = json_array_get(v, i);
			struct ctx in = *c;
			old = ptr_push_index(sc, i);
			in.grand = v;
			if (!names) {
				in.name = NULL;
				in.nlen = 0;
			}
			if (json_is_string(e))
				scan_string(sc, json_string_value(e), json_string_length(e), &in, depth);
			else if (json_is_object(e))
				walk_object(sc, e, &in, depth + 1, 0);
			else
				walk(sc, e, &in, depth + 1);
			ptr_pop(sc, old);
		}
	} else if (json_is_string(v))
		scan_string(sc, json_string_value(v), json_string_length(v), c, depth);
}

/* Does the record hold, outside accessKeyId members, a keyword of a type
 * some pair type needs near it?  (Without one, no unnamed pair can be.) */
struct near_arg {
	const struct k8a_secret_set *s;
	const char *p;
	size_t n;
	int found;
};

static int
near_cb(void *arg, const struct kwent *e, size_t off)
{
	struct near_arg *a = arg;
	size_t i, k;

	if (e->kind != KW_STRONG || !kw_counts(e, a->p, a->n, off, 1, 0))
		return 0;
	for (i = 0; i < a->s->n; i++)
		for (k = 0; k < e->ntypes; k++)
			if (a->s->t[i].near == (ssize_t)e->types[k]) {
				a->found = 1;
				return 1;
			}
	return 0;
}

static int
near_possible(k8a_secret_scan *sc, k8a_event *ev)
{
	struct near_arg a = { sc->s, NULL, 0, 0 };

	a.p = k8a_event_raw(ev, &a.n);
	kw_scan(&sc->s->kw, a.p, a.n, near_cb, &a);
	return a.found;
}

/* ---- the public side ---- */

static size_t
prefilter_find(const void *ctx, const char *buf, size_t len)
{
	return kw_first_raw(&((const struct k8a_secret_set *)ctx)->kw, buf, len, 1, NULL);
}

const k8a_prefilter *
k8a_secret_set_prefilter(k8a_secret_set *s)
{
	if (s == NULL || s->n == 0)
		return NULL;
	if (!s->frozen && k8a__secret_set_freeze(s) != 0)
		return NULL;
	if (s->pf == NULL)
		s->pf = k8a__prefilter_fn(prefilter_find, s);
	return s->pf;
}

k8a_secret_scan *
k8a_secret_scan_new(k8a_secret_set *s)
{
	k8a_secret_scan *sc;

	if (s == NULL || (!s->frozen && k8a__secret_set_freeze(s) != 0))
		return NULL;
	if ((sc = calloc(1, sizeof(*sc))) == NULL)
		return NULL;
	sc->s = s;
	sc->md = pcre2_match_data_create(32, NULL);
	sc->mc = pcre2_match_context_create(NULL);
	sc->mask_strong = calloc(s->ntypes_words, sizeof(uint64_t));
	sc->mask_name = calloc(s->ntypes_words, sizeof(uint64_t));
	if (sc->md == NULL || sc->mc == NULL || sc->mask_strong == NULL || sc->mask_name == NULL) {
		k8a_secret_scan_free(sc);
		return NULL;
	}
	pcre2_set_match_limit(sc->mc, SECRET_MATCH_LIMIT);
	pcre2_set_depth_limit(sc->mc, 10000);
	return sc;
}

static void
hits_clear(k8a_secret_scan *sc)
{
	size_t i, j;

	for (i = 0; i < sc->nhits; i++) {
		struct hit *h = &sc->hits[i];
		free(h->pointer);
		free(h->secret);
		for (j = 0; j < h->ndecode; j++)
			free(h->decode[j]);
		free(h->decode);
		json_decref(h->enrich);
	}
	sc->nhits = 0;
	for (i = 0; i < sc->npartners; i++)
		free(sc->partners[i]);
	sc->npartners = 0;
}

void
k8a_secret_scan_free(k8a_secret_scan *sc)
{
	int i;

	if (sc == NULL)
		return;
	hits_clear(sc);
	free(sc->hits);
	free(sc->pub);
	free(sc->partners);
	k8a_buf_free(&sc->ptr0);
	for (i = 0; i < SECRET_MAX_DEPTH + 2; i++) {
		free(sc->dec[i].label);
		k8a_buf_free(&sc->dec[i].ptr);
	}
	pcre2_match_data_free(sc->md);
	pcre2_match_context_free(sc->mc);
	free(sc->mask_strong);
	free(sc->mask_name);
	free(sc->key);
	free(sc);
}

int
k8a_secret_scan_set_key(k8a_secret_scan *sc, const void *key, size_t len)
{
	unsigned char *k;

	if (sc == NULL || (len && key == NULL))
		return K8A_FAILED;
	if (len && (k = malloc(len)) == NULL)
		return K8A_FATAL;
	free(sc->key);
	sc->key = len ? k : NULL;
	if (len)
		memcpy(sc->key, key, len);
	sc->keylen = len;
	return K8A_OK;
}

const char *
k8a_secret_scan_error(const k8a_secret_scan *sc)
{
	return sc->err;
}

int
k8a_secret_may_hold(k8a_secret_scan *sc, k8a_event *ev)
{
	size_t n, hit;
	const char *raw = k8a_event_raw(ev, &n);
	const struct k8a_skim *sk;
	int mark_only = 0;

	hit = kw_first_raw(&sc->s->kw, raw, n, 0, &mark_only);
	if (hit < n)
		return 1;
	if (!mark_only)
		return 0;
	/* the body rule: only Kubernetes request and response bodies are
	 * read as Secrets (and ConfigMaps with binaryData) */
	sk = k8a_event_skim(ev);
	if (sk->state != 1 || sk->source == K8A_SRC_UNKNOWN)
		return 1; /* the quick scan cannot tell */
	if (sk->source != K8A_SRC_K8S)
		return 0;
	return sk->v[SK_REQUEST_OBJ].t != SKV_ABSENT || sk->v[SK_RESPONSE_OBJ].t != SKV_ABSENT;
}

static int
partnered(const k8a_secret_scan *sc, const struct hit *h)
{
	size_t i;

	for (i = 0; i < sc->npartners; i++)
		if (strlen(sc->partners[i]) == h->len && memcmp(sc->partners[i], h->secret, h->len) == 0)
			return 1;
	return 0;
}

int
k8a_secret_scan_event(k8a_secret_scan *sc, k8a_event *ev, const struct k8a_secret_hit **hits, size_t *n)
{
	json_t *root;
	struct ctx c;
	size_t i, k;
	const char *res;
	unsigned long nomem_before;

	*hits = NULL;
	*n = 0;
	hits_clear(sc);
	sc->err[0] = '\0';
	sc->warned = 0;
	sc->fatal = 0;
	sc->ndec = 0;
	sc->ptr0.len = 0;
	k8a_buf_append(&sc->ptr0, "", 0);
	if (sc->ptr0.p == NULL)
		return K8A_FATAL;
	sc->ptr0.p[0] = '\0';
	sc->budget = RECORD_DECODE_BUDGET;
	sc->ev = ev;
	if ((root = k8a_event_json(ev)) == NULL || k8a_event_source(ev) == K8A_SRC_UNKNOWN) {
		snprintf(sc->err, sizeof(sc->err), "%s", k8a_event_error(ev));
		return k8a_event_nomem(ev) ? K8A_FATAL : K8A_WARN;
	}
	sc->when = k8a_event_time(ev);
	res = k8a_event_str(ev, K8A_F_RESOURCE);
	sc->k8s = k8a_event_source(ev) == K8A_SRC_K8S;
	sc->secret_record = sc->k8s && res && strcmp(res, "secrets") == 0;
	sc->configmap_record = sc->k8s && res && strcmp(res, "configmaps") == 0;
	sc->near_possible = near_possible(sc, ev);
	memset(&c, 0, sizeof(c));
	nomem_before = k8a__nomem_count();
	walk_object(sc, root, &c, 0, 0);
	while (sc->ndec > 0)
		dec_pop(sc);
	/* an allocation that failed on the way (jansson's, a pointer's, a
	 * decoder's): a value was not checked, or a hit lacks a part */
	if (k8a__nomem_count() != nomem_before || sc->ptr0.failed)
		sc->fatal = 1;
	for (i = 0; i < SECRET_MAX_DEPTH + 2; i++)
		if (sc->dec[i].ptr.failed)
			sc->fatal = 1;
	if (sc->fatal) {
		snprintf(sc->err, sizeof(sc->err), "out of memory");
		return K8A_FATAL;
	}
	/* a key id reported as part of a pair is not reported alone */
	for (i = 0, k = 0; i < sc->nhits; i++) {
		struct hit *h = &sc->hits[i];
		int drop = 0;
		size_t t;
		for (t = 0; t < sc->s->n && !drop; t++)
			drop = sc->s->t[t].near == (ssize_t)h->type && partnered(sc, h);
		if (drop) {
			size_t j;
			free(h->pointer);
			free(h->secret);
			for (j = 0; j < h->ndecode; j++)
				free(h->decode[j]);
			free(h->decode);
			json_decref(h->enrich);
			continue;
		}
		sc->hits[k++] = *h;
	}
	sc->nhits = k;
	if (sc->nhits > sc->cappub) {
		struct k8a_secret_hit *np = realloc(sc->pub, sc->nhits * sizeof(*np));
		if (np == NULL)
			return K8A_FATAL;
		sc->pub = np;
		sc->cappub = sc->nhits;
	}
	for (i = 0; i < sc->nhits; i++) {
		struct hit *h = &sc->hits[i];
		struct k8a_secret_hit *p = &sc->pub[i];
		static const char *const conf[] = { "high", "medium", "low" };
		p->type = sc->s->t[h->type].id;
		p->type_index = h->type;
		p->confidence = conf[sc->s->t[h->type].conf];
		p->pointer = h->pointer;
		p->decode = (const char *const *)h->decode;
		p->ndecode = h->ndecode;
		p->secret = h->secret;
		p->len = h->len;
		memcpy(p->fingerprint, h->fp, sizeof(p->fingerprint));
		memcpy(p->preview, h->preview, sizeof(p->preview));
		p->enrichment = h->enrich;
	}
	*hits = sc->pub;
	*n = sc->nhits;
	return sc->warned ? K8A_WARN : K8A_OK;
}
