/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What secret-scan prints.  One occurrence per line, as TSV (fixed
 * columns, like k8saudit-findings) or JSON (the record described as every
 * tool describes it, k8saudit-json(5), plus the secret's facts), or SARIF
 * 2.1.0 for code-scanning dashboards; or, with --summary, one line per
 * distinct secret: the rotation list.  Every string from the input goes
 * through fe_put() or JSON escaping; secrets only with --show-secrets.
 *
 * Each line is written whole (fe_row()): when memory runs out, what was
 * printed is a prefix of the full output, and the caller says so.
 */
#include <stdlib.h>
#include <string.h>

#include "scan.h"

/* ---- the summary: one entry per fingerprint ---- */
#define SUM_SETS 8 /* places and actors kept per secret */

struct sum_entry {
	char fp[65];
	size_t type;		/* the most specific type it was found as */
	size_t types[SUM_SETS]; /* every type, in order of first sight */
	size_t ntypes;
	char preview[64];
	char *secret; /* --show-secrets only */
	uint64_t count, seq;
	int64_t first, last;
	char *places[SUM_SETS], *actors[SUM_SETS];
	size_t nplaces, nactors, more_places, more_actors;
};

struct summary {
	struct sum_entry *e;
	size_t n, cap;
	size_t *slot; /* open addressing on the fingerprint: index + 1 */
	size_t nslot;
};

static uint64_t
fp_hash(const char *fp)
{
	uint64_t h = 1469598103934665603ull;

	for (; *fp; fp++)
		h = (h ^ (unsigned char)*fp) * 1099511628211ull;
	return h;
}

static struct sum_entry *
sum_get(struct summary *s, const char *fp, int *fresh)
{
	size_t i;

	if (s->n * 2 >= s->nslot) {
		size_t ns = s->nslot ? s->nslot * 2 : 1024, k;
		size_t *nslot = calloc(ns, sizeof(*nslot));
		if (nslot == NULL) {
			fe_nomem_note();
			return NULL;
		}
		for (k = 0; k < s->n; k++) {
			i = fp_hash(s->e[k].fp) & (ns - 1);
			while (nslot[i])
				i = (i + 1) & (ns - 1);
			nslot[i] = k + 1;
		}
		free(s->slot);
		s->slot = nslot;
		s->nslot = ns;
	}
	i = fp_hash(fp) & (s->nslot - 1);
	while (s->slot[i]) {
		if (strcmp(s->e[s->slot[i] - 1].fp, fp) == 0) {
			*fresh = 0;
			return &s->e[s->slot[i] - 1];
		}
		i = (i + 1) & (s->nslot - 1);
	}
	if (s->n == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 64;
		struct sum_entry *ne = realloc(s->e, nc * sizeof(*ne));
		if (ne == NULL) {
			fe_nomem_note();
			return NULL;
		}
		s->e = ne;
		s->cap = nc;
	}
	memset(&s->e[s->n], 0, sizeof(s->e[0]));
	s->slot[i] = ++s->n;
	*fresh = 1;
	return &s->e[s->n - 1];
}

static void
set_add(char **v, size_t *n, size_t *more, const char *s)
{
	size_t i;

	if (s == NULL || *s == '\0')
		return;
	for (i = 0; i < *n; i++)
		if (strcmp(v[i], s) == 0)
			return;
	if (*n == SUM_SETS) {
		(*more)++;
		return;
	}
	if ((v[*n] = fe_strdup(s)) != NULL)
		(*n)++;
}

/* 0, or -1 when memory ran out (noted): the summary would be wrong. */
static int
sum_add(struct out *o, k8a_event *ev, const struct k8a_secret_hit *h)
{
	struct sum_entry *e;
	char pat[1024], actor[1024];
	int fresh;
	int64_t t = k8a_event_time(ev);

	if (o->sum == NULL && (o->sum = calloc(1, sizeof(*o->sum))) == NULL) {
		fe_nomem_note();
		return -1;
	}
	if ((e = sum_get(o->sum, h->fingerprint, &fresh)) == NULL)
		return -1;
	if (fresh) {
		memcpy(e->fp, h->fingerprint, sizeof(e->fp));
		e->type = h->type_index;
		e->types[e->ntypes++] = h->type_index;
		memcpy(e->preview, h->preview, sizeof(e->preview));
		e->first = e->last = t;
		e->seq = o->seq;
		if (o->show && (e->secret = fe_strdup(h->secret)) == NULL)
			return -1;
	}
	e->count++;
	{
		struct k8a_secret_type_info a, b;
		size_t k;
		for (k = 0; k < e->ntypes && e->types[k] != h->type_index; k++)
			;
		if (k == e->ntypes && e->ntypes < SUM_SETS)
			e->types[e->ntypes++] = h->type_index;
		k8a_secret_set_type(o->set, h->type_index, &a);
		k8a_secret_set_type(o->set, e->type, &b);
		if (a.priority > b.priority)
			e->type = h->type_index;
	}
	if (t != INT64_MIN) {
		if (e->first == INT64_MIN || t < e->first)
			e->first = t;
		if (t > e->last)
			e->last = t;
	}
	k8a_secret_pointer_pattern(h->pointer, pat, sizeof(pat));
	set_add(e->places, &e->nplaces, &e->more_places, pat);
	fe_actor(ev, actor, sizeof(actor));
	set_add(e->actors, &e->nactors, &e->more_actors, actor);
	return fe_nomem() ? -1 : 0;
}

static int
cmp_first(const void *a, const void *b)
{
	const struct sum_entry *x = a, *y = b;

	/* by first sight; unknown times last; then input order */
	if (x->first != y->first) {
		if (x->first == INT64_MIN)
			return 1;
		if (y->first == INT64_MIN)
			return -1;
		return x->first < y->first ? -1 : 1;
	}
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void
put_time(FILE *fp, int64_t t)
{
	char buf[64];

	if (t == INT64_MIN) {
		fputc('-', fp);
		return;
	}
	k8a_time_format(t, buf);
	fputs(buf, fp);
}

static void
put_list(FILE *fp, char *const *v, size_t n, size_t more)
{
	size_t i;

	if (n == 0) {
		fputc('-', fp);
		return;
	}
	for (i = 0; i < n; i++) {
		if (i)
			fputc(',', fp);
		fe_put(fp, v[i]);
	}
	if (more)
		fprintf(fp, ",+%zu more", more);
}

static json_t *
json_list(char *const *v, size_t n)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

/* o as one line, written whole; takes o.  0, or -1 when memory ran out. */
static int
put_json(json_t *o)
{
	/* ASCII only: safe on a terminal, and control bytes are escaped */
	char *s = fe_json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII);
	FILE *fp;

	json_decref(o);
	if (s == NULL || (fp = fe_row()) == NULL) {
		free(s);
		return -1;
	}
	fputs(s, fp);
	fputc('\n', fp);
	free(s);
	return fe_row_end();
}

/* The types a secret was found as: the most specific first. */
static void
put_types(FILE *fp, const k8a_secret_set *set, const struct sum_entry *e)
{
	struct k8a_secret_type_info ti;
	size_t k;

	k8a_secret_set_type(set, e->type, &ti);
	fputs(ti.id, fp);
	for (k = 0; k < e->ntypes; k++) {
		if (e->types[k] == e->type)
			continue;
		k8a_secret_set_type(set, e->types[k], &ti);
		fprintf(fp, ",%s", ti.id);
	}
}

static json_t *
types_json(const k8a_secret_set *set, const struct sum_entry *e)
{
	struct k8a_secret_type_info ti;
	json_t *a = json_array();
	size_t k;

	k8a_secret_set_type(set, e->type, &ti);
	json_array_append_new(a, json_string(ti.id));
	for (k = 0; k < e->ntypes; k++) {
		if (e->types[k] == e->type)
			continue;
		k8a_secret_set_type(set, e->types[k], &ti);
		json_array_append_new(a, json_string(ti.id));
	}
	return a;
}

static void
sum_free(struct summary *s)
{
	size_t i, k;

	if (s == NULL)
		return;
	for (i = 0; i < s->n; i++) {
		for (k = 0; k < s->e[i].nplaces; k++)
			free(s->e[i].places[k]);
		for (k = 0; k < s->e[i].nactors; k++)
			free(s->e[i].actors[k]);
		free(s->e[i].secret);
	}
	free(s->e);
	free(s->slot);
	free(s);
}

/* One line of the summary, written whole.  0, or -1 (memory). */
static int
sum_line(struct out *o, const struct sum_entry *e)
{
	struct k8a_secret_type_info ti;
	char tmp[64];
	FILE *fp;

	k8a_secret_set_type(o->set, e->type, &ti);
	if (o->fmt == FMT_JSON) {
		json_t *j = json_object();
		json_object_set_new(j, "first_seen", fe_time_json(e->first));
		json_object_set_new(j, "last_seen", fe_time_json(e->last));
		json_object_set_new(j, "type", json_string(ti.id));
		json_object_set_new(j, "types", types_json(o->set, e));
		json_object_set_new(j, "confidence", json_string(ti.confidence));
		json_object_set_new(j, "preview", json_string(e->preview));
		if (e->secret)
			json_object_set_new(j, "secret", json_string(e->secret));
		json_object_set_new(j, "fingerprint", json_string(e->fp));
		json_object_set_new(j, "occurrences", json_integer((json_int_t)e->count));
		json_object_set_new(j, "places", json_list(e->places, e->nplaces));
		if (e->more_places)
			json_object_set_new(j, "more_places", json_integer((json_int_t)e->more_places));
		json_object_set_new(j, "actors", json_list(e->actors, e->nactors));
		if (e->more_actors)
			json_object_set_new(j, "more_actors", json_integer((json_int_t)e->more_actors));
		return put_json(j);
	}
	if ((fp = fe_row()) == NULL)
		return -1;
	put_time(fp, e->first);
	fputc('\t', fp);
	put_time(fp, e->last);
	fputc('\t', fp);
	put_types(fp, o->set, e);
	fprintf(fp, "\t%s\t", ti.confidence);
	fe_put(fp, e->secret ? e->secret : e->preview);
	snprintf(tmp, sizeof(tmp), "%.16s", e->fp);
	fprintf(fp, "\t%s\t%llu\t", tmp[0] ? tmp : "-", (unsigned long long)e->count);
	put_list(fp, e->places, e->nplaces, e->more_places);
	fputc('\t', fp);
	put_list(fp, e->actors, e->nactors, e->more_actors);
	fputc('\n', fp);
	return fe_row_end();
}

static int
sum_print(struct out *o)
{
	struct summary *s = o->sum;
	size_t i;
	int rc = 0;

	if (o->header && o->fmt == FMT_TSV) {
		FILE *fp = fe_row();
		if (fp == NULL)
			return -1;
		fputs("first_seen\tlast_seen\ttypes\tconfidence\tpreview\tfingerprint\toccurrences\tplaces\tactors\n", fp);
		if (fe_row_end() != 0)
			return -1;
	}
	if (s == NULL)
		return 0;
	qsort(s->e, s->n, sizeof(*s->e), cmp_first);
	for (i = 0; i < s->n && rc == 0; i++)
		rc = sum_line(o, &s->e[i]);
	sum_free(s);
	o->sum = NULL;
	return rc;
}

/* ---- SARIF 2.1.0 ---- */

static const char *
sarif_level(const char *conf)
{
	return strcmp(conf, "high") == 0 ? "error" : strcmp(conf, "medium") == 0 ? "warning" : "note";
}

/* The run's head, up to the results, as one line. */
static int
sarif_begin(struct out *o)
{
	json_t *rules = json_array();
	struct k8a_secret_type_info ti;
	char *s;
	size_t i;
	FILE *fp;

	for (i = 0; i < k8a_secret_set_count(o->set); i++) {
		json_t *r = json_object(), *cfg = json_object();
		k8a_secret_set_type(o->set, i, &ti);
		json_object_set_new(r, "id", json_string(ti.id));
		json_object_set_new(r, "shortDescription", json_pack("{s:s}", "text", ti.title));
		json_object_set_new(cfg, "level", json_string(sarif_level(ti.confidence)));
		json_object_set_new(r, "defaultConfiguration", cfg);
		json_object_set_new(r, "properties", json_pack("{s:[s]}", "tags", "CWE-798"));
		json_array_append_new(rules, r);
	}
	s = fe_json_dumps(rules, JSON_COMPACT | JSON_ENSURE_ASCII);
	json_decref(rules);
	if (s == NULL || (fp = fe_row()) == NULL) {
		free(s);
		return -1;
	}
	/* the results follow, a line each, inside the run */
	fputs("{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{\"name\":\"secret-scan\",\"version\":\"", fp);
	fputs(K8A_VERSION_STRING, fp);
	fputs("\",\"rules\":", fp);
	fputs(s, fp);
	fputs("}},\"columnKind\":\"utf16CodeUnits\",\"results\":[\n", fp);
	free(s);
	if (fe_row_end() != 0)
		return -1;
	o->sarif_started = 1;
	return 0;
}

/* A path as a URI reference: unreserved bytes and '/' as they are. */
static char *
uri_of(const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t n = strlen(path), i, k = 0;
	char *u = malloc(3 * n + 1);

	if (u == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)path[i];
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("-._~/", c))
			u[k++] = (char)c;
		else {
			u[k++] = '%';
			u[k++] = hex[c >> 4];
			u[k++] = hex[c & 15];
		}
	}
	u[k] = '\0';
	return u;
}

static json_t *
decode_json(const struct k8a_secret_hit *h)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < h->ndecode; i++)
		json_array_append_new(a, json_string(h->decode[i]));
	return a;
}

/* One result, a line; held until the next one tells whether a comma
 * follows it, so that each line is written whole. */
static int
sarif_hit(struct out *o, k8a_event *ev, const struct k8a_secret_hit *h)
{
	const struct k8a_origin *og = k8a_event_origin(ev);
	struct k8a_secret_type_info ti;
	json_t *r = json_object(), *loc, *props;
	char msg[512], *uri = uri_of(og->path), *s;
	FILE *fp;
	const char *id = k8a_event_str(ev, K8A_F_ID);

	k8a_secret_set_type(o->set, h->type_index, &ti);
	snprintf(msg, sizeof(msg), "%s: %zu bytes at %s", ti.title, h->len, h->pointer[0] ? h->pointer : "/");
	json_object_set_new(r, "ruleId", json_string(h->type));
	json_object_set_new(r, "ruleIndex", json_integer((json_int_t)h->type_index));
	json_object_set_new(r, "level", json_string(sarif_level(h->confidence)));
	json_object_set_new(r, "message", json_pack("{s:s%}", "text", msg, strlen(msg)));
	loc = json_pack("{s:{s:{s:s},s:{s:I}},s:[{s:s,s:s}]}", "physicalLocation", "artifactLocation", "uri",
		uri ? uri : "", "region", "startLine", (json_int_t)og->line, "logicalLocations", "fullyQualifiedName",
		h->pointer, "kind", "member");
	json_object_set_new(r, "locations", json_pack("[o]", loc));
	json_object_set_new(r, "partialFingerprints", json_pack("{s:s}", "secretFingerprint/v1", h->fingerprint));
	props = json_object();
	json_object_set_new(props, "time", fe_time_json(k8a_event_time(ev)));
	json_object_set_new(props, "event_id", id ? json_string(id) : json_null());
	if (og->member)
		json_object_set_new(props, "member", json_string(og->member));
	json_object_set_new(props, "index", json_integer((json_int_t)og->index));
	json_object_set_new(props, "decode", decode_json(h));
	json_object_set_new(props, "preview", json_string(h->preview));
	json_object_set_new(props, "length", json_integer((json_int_t)h->len));
	if (o->show)
		json_object_set_new(props, "secret", json_stringn(h->secret, h->len));
	json_object_set(props, "enrichment", h->enrichment);
	json_object_set_new(r, "properties", props);
	if (uri == NULL)
		fe_nomem_note();
	s = fe_json_dumps(r, JSON_COMPACT | JSON_ENSURE_ASCII);
	free(uri);
	json_decref(r);
	if (s == NULL)
		return -1;
	if (o->sarif_held != NULL) {
		if ((fp = fe_row()) == NULL) {
			free(s);
			return -1;
		}
		fputs(o->sarif_held, fp);
		fputs(",\n", fp);
		free(o->sarif_held);
		o->sarif_held = NULL;
		if (fe_row_end() != 0) {
			free(s);
			return -1;
		}
	}
	o->sarif_held = s;
	return 0;
}

/* ---- occurrences ---- */

int
out_begin(struct out *o)
{
	FILE *fp;

	if (o->fmt == FMT_SARIF)
		return sarif_begin(o);
	if (o->header && !o->summary && o->fmt == FMT_TSV) {
		if ((fp = fe_row()) == NULL)
			return -1;
		fputs("time\ttype\tconfidence\tpreview\tfingerprint\tactor\tevent\tlocation\tpointer\tdecode\n", fp);
		return fe_row_end();
	}
	return 0;
}

int
out_hit(struct out *o, k8a_event *ev, const struct k8a_secret_hit *h, int seen)
{
	char actor[1024], tmp[64];
	const char *id;
	size_t i;
	FILE *fp;

	o->seq++;
	if (o->summary)
		return seen == KNOWN_EARLIER ? 0 : sum_add(o, ev, h);
	if (o->fmt == FMT_SARIF)
		return sarif_hit(o, ev, h);
	if (o->fmt == FMT_JSON) {
		json_t *j = json_object();
		json_object_set_new(j, "time", json_null());
		json_object_set_new(j, "type", json_string(h->type));
		json_object_set_new(j, "confidence", json_string(h->confidence));
		fe_record_json(j, ev);
		json_object_set_new(j, "pointer", json_string(h->pointer));
		json_object_set_new(j, "decode", decode_json(h));
		json_object_set_new(j, "fingerprint", json_string(h->fingerprint));
		json_object_set_new(j, "preview", json_string(h->preview));
		if (o->show)
			json_object_set_new(j, "secret", json_stringn(h->secret, h->len));
		json_object_set_new(j, "length", json_integer((json_int_t)h->len));
		if (o->stateful)
			json_object_set_new(j, "new", json_boolean(seen == KNOWN_NEW));
		json_object_set(j, "enrichment", h->enrichment);
		return put_json(j);
	}
	if ((fp = fe_row()) == NULL)
		return -1;
	put_time(fp, k8a_event_time(ev));
	fprintf(fp, "\t%s\t%s\t", h->type, h->confidence);
	if (o->show)
		fe_putn(fp, h->secret, h->len);
	else
		fe_put(fp, h->preview);
	snprintf(tmp, sizeof(tmp), "%.16s", h->fingerprint);
	fprintf(fp, "\t%s\t", tmp[0] ? tmp : "-");
	fe_actor(ev, actor, sizeof(actor));
	fe_put(fp, actor);
	fputc('\t', fp);
	id = k8a_event_str(ev, K8A_F_ID);
	fe_put(fp, id);
	fputc('\t', fp);
	fe_put(fp, k8a_event_where(ev));
	fputc('\t', fp);
	fe_put(fp, h->pointer[0] ? h->pointer : "/");
	fputc('\t', fp);
	if (h->ndecode == 0)
		fputc('-', fp);
	for (i = 0; i < h->ndecode; i++) {
		if (i)
			fputc(',', fp);
		fe_put(fp, h->decode[i]);
	}
	fputc('\n', fp);
	return fe_row_end();
}

int
out_end(struct out *o)
{
	FILE *fp;

	if (o->summary)
		return sum_print(o);
	if (o->fmt == FMT_SARIF && o->sarif_started) {
		if ((fp = fe_row()) == NULL)
			return -1;
		if (o->sarif_held != NULL) {
			fputs(o->sarif_held, fp);
			fputc('\n', fp);
		}
		fputs("]}]}\n", fp);
		return fe_row_end();
	}
	return 0;
}

void
out_free(struct out *o)
{
	sum_free(o->sum);
	o->sum = NULL;
	free(o->sarif_held);
	o->sarif_held = NULL;
}

int
out_list_types(const k8a_secret_set *set, int json)
{
	struct k8a_secret_type_info ti;
	size_t i, k;
	FILE *fp;

	for (i = 0; i < k8a_secret_set_count(set); i++) {
		k8a_secret_set_type(set, i, &ti);
		if (json) {
			json_t *j = json_object(), *a;
			json_object_set_new(j, "id", json_string(ti.id));
			json_object_set_new(j, "title", json_string(ti.title));
			json_object_set_new(j, "confidence", json_string(ti.confidence));
			json_object_set_new(j, "priority", json_integer(ti.priority));
			a = json_array();
			for (k = 0; ti.keywords && ti.keywords[k]; k++)
				json_array_append_new(a, json_string(ti.keywords[k]));
			json_object_set_new(j, "keywords", a);
			a = json_array();
			for (k = 0; ti.names && ti.names[k]; k++)
				json_array_append_new(a, json_string(ti.names[k]));
			json_object_set_new(j, "names", a);
			if (ti.regex)
				json_object_set_new(j, "regex", json_string(ti.regex));
			if (ti.key)
				json_object_set_new(j, "key", json_string(ti.key));
			if (ti.entropy > 0)
				json_object_set_new(j, "entropy", json_real(ti.entropy));
			json_object_set_new(j, "file", json_string(ti.file));
			json_object_set_new(j, "line", json_integer(ti.line));
			if (put_json(j) != 0)
				return -1;
		} else {
			if ((fp = fe_row()) == NULL)
				return -1;
			fprintf(fp, "%s\t%s\t%d\t", ti.id, ti.confidence, ti.priority);
			fe_put(fp, ti.title);
			fputc('\n', fp);
			if (fe_row_end() != 0)
				return -1;
		}
	}
	return 0;
}
