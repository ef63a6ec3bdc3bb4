/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Sigma rules (v2): the YAML documents of a file read with libyaml, each
 * rule's description (title, id, level, tags, author, references, false
 * positives), its logsource mapped to a record source, and its detection
 * translated into an expression (sigma_cond.c, sigma_detect.c) so that
 * the skim, the rule set's index and the prefilter judge it as they judge
 * the catalog.  Correlation rules are described (k8a_sigma_corr); the
 * tool runs them.  A rule this translation cannot say exactly is never
 * loaded in part: it is reported and left out.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sigma.h"

struct k8a_sigma_priv {
	yaml_document_t doc; /* kept for k8a_sigma_detection() */
	int detection;       /* the detection mapping's node index */
};

void
sg_fail(struct sg_ctx *c, yaml_node_t *at, int unsupported, const char *fmt, ...)
{
	va_list ap;

	if (c->msg[0])
		return;
	c->unsupported = unsupported;
	if (at != NULL)
		c->line = (unsigned)at->start_mark.line + 1;
	va_start(ap, fmt);
	vsnprintf(c->msg, sizeof(c->msg), fmt, ap);
	va_end(ap);
	if (c->msg[0] == '\0')
		snprintf(c->msg, sizeof(c->msg), "?");
}

const char *
sg_scalar(yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

int
sg_is_null(yaml_node_t *n)
{
	const char *v = sg_scalar(n);

	return v && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
	       (v[0] == '\0' || strcmp(v, "null") == 0 || strcmp(v, "~") == 0 || strcmp(v, "Null") == 0 ||
		strcmp(v, "NULL") == 0);
}

/* ---- reading the description ---- */

static yaml_node_t *
get(yaml_document_t *d, yaml_node_t *m, const char *key)
{
	yaml_node_pair_t *p;

	if (m == NULL || m->type != YAML_MAPPING_NODE)
		return NULL;
	for (p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		const char *k = sg_scalar(yaml_document_get_node(d, p->key));
		if (k && strcmp(k, key) == 0)
			return yaml_document_get_node(d, p->value);
	}
	return NULL;
}

/* A scalar member as a copy: 0 (absent: NULL), -1 when out of memory. */
static int
str_of(yaml_document_t *d, yaml_node_t *m, const char *key, char **out)
{
	const char *v = sg_scalar(get(d, m, key));

	*out = NULL;
	if (v == NULL || sg_is_null(get(d, m, key)))
		return 0;
	return (*out = strdup(v)) == NULL ? -1 : 0;
}

static int
push(char ***v, size_t *n, const char *s)
{
	char **nv, *c;

	if ((c = strdup(s)) == NULL || (nv = realloc(*v, (*n + 2) * sizeof(*nv))) == NULL) {
		free(c);
		return -1;
	}
	*v = nv;
	nv[(*n)++] = c;
	nv[*n] = NULL;
	return 0;
}

/* A member that is a string or a list of strings. */
static int
list_of(yaml_document_t *d, yaml_node_t *m, const char *key, char ***v, size_t *n)
{
	yaml_node_t *x = get(d, m, key);
	yaml_node_item_t *it;

	if (x == NULL || sg_is_null(x))
		return 0;
	if (x->type == YAML_SCALAR_NODE)
		return push(v, n, sg_scalar(x));
	if (x->type != YAML_SEQUENCE_NODE)
		return 0;
	for (it = x->data.sequence.items.start; it < x->data.sequence.items.top; it++) {
		const char *s = sg_scalar(yaml_document_get_node(d, *it));
		if (s != NULL && push(v, n, s) != 0)
			return -1;
	}
	return 0;
}

static void
strv_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
k8a_sigma_rule_free(k8a_sigma_rule *r)
{
	if (r == NULL)
		return;
	free(r->id);
	free(r->name);
	free(r->title);
	free(r->author);
	free(r->level);
	free(r->status);
	free(r->description);
	free(r->date);
	strv_free(r->references, r->nreferences);
	strv_free(r->falsepositives, r->nfalsepositives);
	strv_free(r->tags, r->ntags);
	strv_free(r->techniques, r->ntechniques);
	k8a_expr_free(r->when);
	if (r->corr) {
		strv_free(r->corr->rules, r->corr->nrules);
		strv_free(r->corr->group_by, r->corr->ngroup_by);
		free(r->corr->field);
		free(r->corr);
	}
	if (r->priv) {
		yaml_document_delete(&r->priv->doc);
		free(r->priv);
	}
	free(r);
}

/* attack.t1552.007 -> T1552.007 */
static int
techniques(k8a_sigma_rule *r)
{
	size_t i, j;

	for (i = 0; i < r->ntags; i++) {
		const char *t = r->tags[i];
		char id[16];
		if (strncasecmp(t, "attack.t", 8) != 0 || strspn(t + 8, "0123456789") != 4)
			continue;
		if (t[12] != '\0' && !(t[12] == '.' && strspn(t + 13, "0123456789") == 3 && t[16] == '\0'))
			continue;
		snprintf(id, sizeof(id), "T%s", t + 8);
		for (j = 0; j < r->ntechniques && strcmp(r->techniques[j], id) != 0; j++)
			;
		if (j == r->ntechniques && push(&r->techniques, &r->ntechniques, id) != 0)
			return -1;
	}
	return 0;
}

/* "10m" -> microseconds; -1 when malformed. */
static int64_t
timespan(const char *s)
{
	char *end;
	long long v;

	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || end == s || v <= 0 || v > 100000 || end[0] == '\0' || end[1] != '\0')
		return -1;
	switch (*end) {
	case 's': return v * INT64_C(1000000);
	case 'm': return v * 60 * INT64_C(1000000);
	case 'h': return v * 3600 * INT64_C(1000000);
	case 'd': return v * 86400 * INT64_C(1000000);
	case 'w': return v * 7 * 86400 * INT64_C(1000000);
	default: return -1;
	}
}

/* ---- one document ---- */
struct load {
	k8a_sigma_rule_fn *rule;
	k8a_sigma_problem_fn *problem;
	void *arg;
	int nomem;
	unsigned maxline; /* the text's last line: libyaml may point past it */
};

static void
problem(struct load *ld, enum k8a_sigma_problem what, unsigned line, const char *title, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));

static void
problem(struct load *ld, enum k8a_sigma_problem what, unsigned line, const char *title, const char *fmt, ...)
{
	char msg[1024], full[1400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (line > ld->maxline)
		line = ld->maxline;
	if (title)
		snprintf(full, sizeof(full), "rule %s: %s", title, msg);
	else
		snprintf(full, sizeof(full), "%s", msg);
	ld->problem(ld->arg, what, line, full);
}

static int
read_corr(struct sg_ctx *c, yaml_node_t *cn, k8a_sigma_rule *r)
{
	yaml_document_t *d = c->doc;
	struct k8a_sigma_corr *k;
	const char *type = sg_scalar(get(d, cn, "type")), *ts = sg_scalar(get(d, cn, "timespan"));
	yaml_node_t *cond = get(d, cn, "condition"), *gen = get(d, cn, "generate");
	static const char *const types[] = { "event_count", "value_count", "temporal", "temporal_ordered" };
	size_t i;

	if ((k = r->corr = calloc(1, sizeof(*k))) == NULL)
		return -1;
	for (i = 0; type && i < 4 && strcmp(type, types[i]) != 0; i++)
		;
	if (type == NULL || i == 4) {
		sg_fail(c, cn, type != NULL, type ? "unsupported correlation type '%s'" : "correlation without a 'type'%s",
			type ? type : "");
		return 1;
	}
	k->type = (enum k8a_sigma_corr_type)i;
	if (get(d, cn, "aliases")) {
		sg_fail(c, get(d, cn, "aliases"), 1, "unsupported correlation 'aliases'");
		return 1;
	}
	if (list_of(d, cn, "rules", &k->rules, &k->nrules) != 0 ||
	    list_of(d, cn, "group-by", &k->group_by, &k->ngroup_by) != 0)
		return -1;
	if (k->nrules == 0) {
		sg_fail(c, cn, 0, "correlation without 'rules'");
		return 1;
	}
	if (ts == NULL || (k->timespan = timespan(ts)) < 0) {
		sg_fail(c, cn, ts != NULL, ts ? "unsupported timespan '%s'" : "correlation without a 'timespan'%s", ts ? ts : "");
		return 1;
	}
	k->generate = sg_scalar(gen) && strcmp(sg_scalar(gen), "true") == 0;
	k->min_count = k->type == K8A_SIGMA_EVENT_COUNT || k->type == K8A_SIGMA_VALUE_COUNT ? 1 : k->nrules;
	if (cond != NULL && cond->type == YAML_MAPPING_NODE) {
		yaml_node_pair_t *p;
		int counted = 0;
		for (p = cond->data.mapping.pairs.start; p < cond->data.mapping.pairs.top; p++) {
			yaml_node_t *kn = yaml_document_get_node(d, p->key);
			const char *key = sg_scalar(kn), *v = sg_scalar(yaml_document_get_node(d, p->value));
			char *end;
			unsigned long n;
			/* which of two would count is anybody's guess: say so */
			if (key && ((strcmp(key, "field") == 0 && k->field != NULL) ||
				    ((strcmp(key, "gte") == 0 || strcmp(key, "gt") == 0) && counted++))) {
				sg_fail(c, kn, 0, "correlation condition: '%s' given after %s", key,
					strcmp(key, "field") == 0 ? "another 'field'" : "another count");
				return 1;
			}
			if (key && strcmp(key, "field") == 0 && v) {
				if ((k->field = strdup(v)) == NULL)
					return -1;
				continue;
			}
			errno = 0;
			n = v ? strtoul(v, &end, 10) : 0;
			if (key == NULL || v == NULL || errno || *end || v[0] == '-') {
				sg_fail(c, kn, 0, "correlation condition: a count must be a whole number");
				return 1;
			}
			if (strcmp(key, "gte") == 0)
				k->min_count = n;
			else if (strcmp(key, "gt") == 0)
				k->min_count = n + 1;
			else {
				/* "fewer than" needs the groups that never showed */
				sg_fail(c, kn, 1, "unsupported correlation condition '%s'", key);
				return 1;
			}
		}
	} else if (k->type == K8A_SIGMA_EVENT_COUNT || k->type == K8A_SIGMA_VALUE_COUNT) {
		sg_fail(c, cn, 0, "correlation without a 'condition'");
		return 1;
	}
	if (k->type == K8A_SIGMA_VALUE_COUNT && k->field == NULL) {
		sg_fail(c, cn, 0, "value_count without a condition 'field'");
		return 1;
	}
	if (k->min_count == 0)
		k->min_count = 1;
	return 0;
}

/* The record source a logsource names, or K8A_SRC_UNKNOWN. */
static enum k8a_source
source_of(yaml_document_t *d, yaml_node_t *ls)
{
	const char *prod = sg_scalar(get(d, ls, "product")), *svc = sg_scalar(get(d, ls, "service"));

	if (prod && svc && strcasecmp(prod, "kubernetes") == 0 && strcasecmp(svc, "audit") == 0)
		return K8A_SRC_K8S;
	if (prod && svc && strcasecmp(prod, "aws") == 0 && strcasecmp(svc, "cloudtrail") == 0)
		return K8A_SRC_CLOUDTRAIL;
	return K8A_SRC_UNKNOWN;
}

/* One document: a rule handed on, or a problem said.  -1: out of memory. */
static int
one_doc(struct load *ld, yaml_document_t *d)
{
	yaml_node_t *root = yaml_document_get_root_node(d), *ls, *det, *cn;
	unsigned line = (unsigned)root->start_mark.line + 1;
	struct sg_ctx c = { d, NULL, 0, 0, 0, "" };
	k8a_sigma_rule *r;
	const char *action = sg_scalar(get(d, root, "action"));
	int rc;

	if (sg_is_null(root))
		return 0; /* an empty document: nothing after a last "---" */
	if (root->type != YAML_MAPPING_NODE) {
		problem(ld, K8A_SIGMA_INVALID, line, NULL, "not a Sigma rule (a YAML map)");
		return 0;
	}
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return -1;
	r->line = line;
	if (str_of(d, root, "title", &r->title) || str_of(d, root, "id", &r->id) || str_of(d, root, "name", &r->name) ||
	    str_of(d, root, "author", &r->author) || str_of(d, root, "level", &r->level) ||
	    str_of(d, root, "status", &r->status) || str_of(d, root, "description", &r->description) ||
	    str_of(d, root, "date", &r->date) ||
	    list_of(d, root, "references", &r->references, &r->nreferences) ||
	    list_of(d, root, "falsepositives", &r->falsepositives, &r->nfalsepositives) ||
	    list_of(d, root, "tags", &r->tags, &r->ntags) || techniques(r) != 0)
		goto nomem;
	if (action != NULL) {
		problem(ld, K8A_SIGMA_UNSUPPORTED, line, r->title ? r->title : "(untitled)",
			"unsupported rule collection (action: %s)", action);
		goto drop;
	}
	if (r->title == NULL) {
		problem(ld, K8A_SIGMA_INVALID, line, NULL, "a Sigma rule without a 'title'");
		goto drop;
	}
	if (r->id == NULL && r->name == NULL) {
		problem(ld, K8A_SIGMA_INVALID, line, r->title, "no 'id' (nor 'name')");
		goto drop;
	}
	if ((cn = get(d, root, "correlation")) != NULL) {
		r->source = K8A_SRC_UNKNOWN;
		if ((rc = read_corr(&c, cn, r)) < 0)
			goto nomem;
		if (rc > 0)
			goto failed;
		ld->rule(ld->arg, r);
		return 0;
	}
	ls = get(d, root, "logsource");
	if ((r->source = source_of(d, ls)) == K8A_SRC_UNKNOWN) {
		const char *prod = sg_scalar(get(d, ls, "product")), *svc = sg_scalar(get(d, ls, "service"));
		const char *cat = sg_scalar(get(d, ls, "category"));
		problem(ld, K8A_SIGMA_OTHER_LOGSOURCE, line, r->title, "logsource product '%s' service '%s'%s%s%s: "
			"not Kubernetes audit or CloudTrail", prod ? prod : "", svc ? svc : "", cat ? " category '" : "",
			cat ? cat : "", cat ? "'" : "");
		goto drop;
	}
	if ((det = get(d, root, "detection")) == NULL) {
		problem(ld, K8A_SIGMA_INVALID, line, r->title, "no 'detection'");
		goto drop;
	}
	c.detection = det;
	if ((r->when = sg_detection(&c)) == NULL) {
		if (c.nomem)
			goto nomem;
		goto failed;
	}
	if ((r->priv = calloc(1, sizeof(*r->priv))) == NULL)
		goto nomem;
	r->priv->doc = *d; /* taken: the caller does not delete it */
	memset(d, 0, sizeof(*d));
	r->priv->detection = (int)(det - r->priv->doc.nodes.start) + 1;
	ld->rule(ld->arg, r);
	return 0;
failed:
	if (c.nomem)
		goto nomem;
	problem(ld, c.unsupported ? K8A_SIGMA_UNSUPPORTED : K8A_SIGMA_INVALID, c.line ? c.line : line, r->title,
		"%s", c.msg);
drop:
	k8a_sigma_rule_free(r);
	return 0;
nomem:
	k8a_sigma_rule_free(r);
	return -1;
}

k8a_expr *
k8a_sigma_detection(const k8a_sigma_rule *r)
{
	struct sg_ctx c = { NULL, NULL, 0, 0, 0, "" };

	if (r == NULL || r->priv == NULL)
		return NULL;
	c.doc = &r->priv->doc;
	c.detection = yaml_document_get_node(c.doc, r->priv->detection);
	return sg_detection(&c);
}

static int
load(yaml_parser_t *p, struct load *ld)
{
	yaml_document_t d;
	int rc = K8A_OK;

	for (;;) {
		if (!yaml_parser_load(p, &d)) {
			if (p->error == YAML_MEMORY_ERROR)
				return K8A_FATAL;
			/* at the end of the text libyaml's mark is a line further */
			problem(ld, K8A_SIGMA_INVALID, (unsigned)p->problem_mark.line + 1, NULL, "YAML: %s",
				p->problem ? p->problem : "malformed");
			return K8A_OK; /* the documents after it cannot be found */
		}
		if (yaml_document_get_root_node(&d) == NULL) {
			yaml_document_delete(&d);
			return rc;
		}
		if (one_doc(ld, &d) != 0)
			rc = K8A_FATAL;
		yaml_document_delete(&d); /* a no-op when a rule took it */
		if (rc != K8A_OK)
			return rc;
	}
}

int
k8a_sigma_load_mem(const char *text, size_t len, k8a_sigma_rule_fn *rule, k8a_sigma_problem_fn *prob, void *arg)
{
	struct load ld = { rule, prob, arg, 0, 0 };
	yaml_parser_t p;
	unsigned lines = 0;
	size_t i;
	int rc;

	for (i = 0; i < len; i++)
		lines += text[i] == '\n';
	if (len == 0 || text[len - 1] != '\n')
		lines++; /* the last line has no line end */
	if (!yaml_parser_initialize(&p))
		return K8A_FATAL;
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	ld.maxline = lines;
	rc = load(&p, &ld);
	yaml_parser_delete(&p);
	return rc;
}

/* Rule files are small; a larger file is no rule file. */
#define SIGMA_MAX_FILE ((size_t)16 << 20)

int
k8a_sigma_load(const char *path, k8a_sigma_rule_fn *rule, k8a_sigma_problem_fn *prob, void *arg)
{
	struct k8a_buf b = { 0 };
	char chunk[65536], msg[300];
	size_t n;
	FILE *fp;
	int rc;

	if ((fp = fopen(path, "rb")) == NULL) {
		rc = errno == ENOMEM ? K8A_FATAL : K8A_FAILED;
		snprintf(msg, sizeof(msg), "%s", strerror(errno));
		prob(arg, K8A_SIGMA_INVALID, 0, msg);
		return rc;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
		if (b.len + n > SIGMA_MAX_FILE) {
			fclose(fp);
			k8a_buf_free(&b);
			prob(arg, K8A_SIGMA_INVALID, 0, "larger than 16 MiB: not a Sigma rule file");
			return K8A_FAILED;
		}
		if (k8a_buf_append(&b, chunk, n) != 0) {
			fclose(fp);
			k8a_buf_free(&b);
			return K8A_FATAL;
		}
	}
	if (ferror(fp)) {
		snprintf(msg, sizeof(msg), "read error: %s", strerror(errno));
		fclose(fp);
		k8a_buf_free(&b);
		prob(arg, K8A_SIGMA_INVALID, 0, msg);
		return K8A_FAILED;
	}
	fclose(fp);
	rc = k8a_sigma_load_mem(b.p ? b.p : "", b.len, rule, prob, arg);
	k8a_buf_free(&b);
	return rc;
}
