/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * aws-auth's mapRoles, mapUsers and mapAccounts read as aws-iam-authenticator
 * reads them, so that a mapping it rejects is never reported as a grant.
 * The authenticator (pkg/mapper/configmap) turns the YAML of mapRoles and
 * of mapUsers into JSON and decodes that into Go structs:
 *  - a list that is not valid YAML, or not a sequence, gives none of its
 *    mappings; a blank one (or `` or "") is skipped;
 *  - an item that is not a mapping decodes to an empty mapping;
 *  - keys name the fields rolearn, userarn, username, groups (and sso)
 *    without regard to case; of keys differing only in case the one that
 *    sorts last wins (the JSON has a map's keys sorted); of two equal
 *    keys the later (the YAML is read without strict mode);
 *  - plain scalars are YAML 1.1 (yes, off, ~, 12 are no strings), and a
 *    field of the wrong type is left empty with the rest kept: "groups:
 *    system:masters", a string, gives no groups at all;
 *  - an entry without an ARN is dropped (newer versions reject it, older
 *    ones file it under "", which no identity has), and of two entries
 *    for the same ARN, in any case, the later one is kept.
 * mapAccounts is decoded straight into a list of strings: any scalar is
 * taken as written.  YAML parsing is libyaml's; merge keys (<<) and
 * aliases are followed, as the authenticator's YAML library does.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "awsauth.h"
#include "fe.h"

#define MAX_GROUPS 100000 /* over all entries: aliases can repeat a list */
#define MAX_MERGE 8       /* nested merge keys followed */

static const char *const list_names[FE_AA_NLISTS] = { "mapRoles", "mapUsers", "mapAccounts" };

const char *
fe_aa_list_name(enum fe_aa_list l)
{
	return (unsigned)l < FE_AA_NLISTS ? list_names[l] : "?";
}

/* Append a reason to *why ("; " between reasons). */
static void
add_why(char **why, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
add_why(char **why, const char *fmt, ...)
{
	va_list ap;
	char *s, *n;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (s == NULL) {
		fe_nomem_note();
		return;
	}
	if (*why == NULL) {
		*why = s;
		return;
	}
	if (asprintf(&n, "%s; %s", *why, s) >= 0) {
		free(*why);
		*why = n;
	} else
		fe_nomem_note();
	free(s);
}

/* ---- YAML values ---- */

enum vkind { V_ABSENT, V_NULL, V_STRING, V_SCALAR, V_SEQ, V_MAP };

static const char *
text(yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static int
one_of(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (strcmp(s, *list) == 0)
			return 1;
	return 0;
}

/* Whether a plain scalar reads as a number in YAML 1.1 (as Go's YAML
 * library resolves it): an integer in any base, or a float. */
static int
is_number(const char *s)
{
	const char *p = s + (*s == '-' || *s == '+');
	char *end;
	int digits = 0, dot = 0;

	if (*p == '\0')
		return 0;
	if (one_of(p, (const char *const[]){ ".inf", ".Inf", ".INF", ".nan", ".NaN", ".NAN", NULL }))
		return 1;
	(void)strtoll(p, &end, 0); /* 12, 0x1f, 017 */
	if (*end == '\0')
		return 1;
	if (p[0] == '0' && (p[1] == 'b' || p[1] == 'B')) {
		(void)strtoll(p + 2, &end, 2);
		return p[2] && *end == '\0';
	}
	for (; *p; p++) { /* [0-9]+(\.[0-9]*)? or \.[0-9]+, then an exponent */
		if (*p >= '0' && *p <= '9')
			digits = 1;
		else if (*p == '.' && !dot)
			dot = 1;
		else
			break;
	}
	if (!digits)
		return 0;
	if (*p == 'e' || *p == 'E') {
		p += 1 + (p[1] == '-' || p[1] == '+');
		if (*p < '0' || *p > '9')
			return 0;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	return *p == '\0';
}

static enum vkind
kind(yaml_node_t *n)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL", NULL };
	static const char *const bools[] = { "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true",
		"True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", NULL };
	const char *s;

	if (n == NULL)
		return V_ABSENT;
	if (n->type == YAML_SEQUENCE_NODE)
		return V_SEQ;
	if (n->type == YAML_MAPPING_NODE)
		return V_MAP;
	s = text(n);
	if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return V_STRING;
	if (one_of(s, nulls))
		return V_NULL;
	return one_of(s, bools) || is_number(s) ? V_SCALAR : V_STRING;
}

static yaml_node_t *
node(yaml_document_t *d, int i)
{
	return yaml_document_get_node(d, i);
}

/* The value of field f of mapping m, by the rules above: the key that
 * sorts last of those equal to f but for case; of equal keys the later,
 * then those of merged mappings (<<), earlier ones first. */
static yaml_node_t *
field(yaml_document_t *d, yaml_node_t *m, const char *f, int depth)
{
	yaml_node_pair_t *p;
	yaml_node_t *best = NULL, *v;
	const char *bestk = NULL, *k;

	if (m == NULL || m->type != YAML_MAPPING_NODE || depth > MAX_MERGE)
		return NULL;
	for (p = m->data.mapping.pairs.top; p-- > m->data.mapping.pairs.start;) {
		k = text(node(d, p->key));
		if (k && strcasecmp(k, f) == 0 && (bestk == NULL || strcmp(k, bestk) > 0))
			bestk = k, best = node(d, p->value);
	}
	for (p = m->data.mapping.pairs.start; best == NULL && p < m->data.mapping.pairs.top; p++) {
		k = text(node(d, p->key));
		if (k == NULL || strcmp(k, "<<") != 0 || node(d, p->key)->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
			continue;
		v = node(d, p->value);
		if (v && v->type == YAML_SEQUENCE_NODE) {
			yaml_node_item_t *it;
			for (it = v->data.sequence.items.start; best == NULL && it < v->data.sequence.items.top; it++)
				best = field(d, node(d, *it), f, depth + 1);
		} else
			best = field(d, v, f, depth + 1);
	}
	return best;
}

/* ---- entries ---- */

static struct fe_aa_entry *
new_entry(struct fe_awsauth *aa, enum fe_aa_list l, yaml_node_t *n)
{
	struct fe_aa_entry *e;

	if (aa->n == aa->cap) {
		size_t nc = aa->cap ? aa->cap * 2 : 16;
		struct fe_aa_entry *ne = realloc(aa->e, nc * sizeof(*ne));
		if (ne == NULL) {
			fe_nomem_note();
			return NULL;
		}
		aa->e = ne;
		aa->cap = nc;
	}
	e = &aa->e[aa->n++];
	memset(e, 0, sizeof(*e));
	e->list = l;
	e->line = n ? (unsigned long)n->start_mark.line + 1 : 0;
	e->in_effect = 1;
	return e;
}

/* A string field: its value, or NULL (and why, when it is not a string). */
static char *
string_field(yaml_document_t *d, yaml_node_t *m, const char *f, char **why)
{
	yaml_node_t *v = field(d, m, f, 0);

	switch (kind(v)) {
	case V_STRING:
		return fe_strdup(text(v));
	case V_ABSENT:
	case V_NULL:
		return NULL;
	default:
		add_why(why, "%s is not a string", f);
		return NULL;
	}
}

static void
read_groups(yaml_document_t *d, yaml_node_t *m, struct fe_aa_entry *e, size_t *budget)
{
	yaml_node_t *g = field(d, m, "groups", 0);
	yaml_node_item_t *it;
	int odd = 0;

	switch (kind(g)) {
	case V_ABSENT:
	case V_NULL:
		return;
	case V_SEQ:
		break;
	case V_STRING:
		add_why(&e->why, "groups \"%s\" is a string, not a list: no groups", text(g));
		return;
	default:
		add_why(&e->why, "groups is not a list: no groups");
		return;
	}
	e->groups = calloc((size_t)(g->data.sequence.items.top - g->data.sequence.items.start) + 1, sizeof(char *));
	if (e->groups == NULL)
		fe_nomem_note();
	for (it = g->data.sequence.items.start; e->groups && it < g->data.sequence.items.top; it++) {
		yaml_node_t *x = node(d, *it);
		enum vkind k = kind(x);
		if (*budget == 0) {
			add_why(&e->why, "more than %d groups in the lists: the rest are not read", MAX_GROUPS);
			break;
		}
		(*budget)--;
		if (k != V_STRING && k != V_NULL)
			odd = 1;
		e->groups[e->ngroups++] = fe_strdup(k == V_STRING ? text(x) : "");
	}
	if (odd)
		add_why(&e->why, "a group that is not a string is read as \"\"");
}

/* An entry of mapRoles or mapUsers. */
static void
read_mapping(struct fe_awsauth *aa, yaml_document_t *d, enum fe_aa_list l, yaml_node_t *m, size_t *budget)
{
	const char *arnkey = l == FE_AA_ROLES ? "rolearn" : "userarn";
	struct fe_aa_entry *e = new_entry(aa, l, m);

	if (e == NULL)
		return;
	if (m == NULL || m->type != YAML_MAPPING_NODE) {
		e->in_effect = 0;
		add_why(&e->why, "an item that is not a mapping");
		if (kind(m) == V_STRING)
			e->arn = fe_strdup(text(m));
		return;
	}
	e->arn = string_field(d, m, arnkey, &e->why);
	if (e->arn == NULL && l == FE_AA_ROLES && kind(field(d, m, "sso", 0)) == V_MAP) {
		/* an AWS IAM Identity Center permission set (newer versions) */
		yaml_node_t *sso = field(d, m, "sso", 0);
		const char *ps = text(field(d, sso, "permissionSetName", 0)), *acct = text(field(d, sso, "accountID", 0));
		if (asprintf(&e->arn, "sso:%s@%s", ps ? ps : "?", acct ? acct : "?") < 0) {
			e->arn = NULL;
			fe_nomem_note();
		}
	} else if (e->arn == NULL || *e->arn == '\0') {
		e->in_effect = 0;
		add_why(&e->why, "no %s", arnkey);
	}
	e->username = string_field(d, m, "username", &e->why);
	read_groups(d, m, e, budget);
}

static void
read_account(struct fe_awsauth *aa, yaml_node_t *n)
{
	struct fe_aa_entry *e = new_entry(aa, FE_AA_ACCOUNTS, n);

	if (e == NULL)
		return;
	if (kind(n) == V_STRING || kind(n) == V_SCALAR)
		e->arn = fe_strdup(text(n));
	else {
		e->in_effect = 0;
		add_why(&e->why, kind(n) == V_NULL ? "an empty item" : "an item that is not a scalar");
	}
}

/* Of two entries of a list for the same ARN, in any case, the later one
 * is kept. */
static void
mark_shadowed(struct fe_awsauth *aa, size_t from)
{
	size_t i, j;

	for (i = from; i < aa->n; i++) {
		struct fe_aa_entry *a = &aa->e[i];
		if (!a->in_effect || a->list == FE_AA_ACCOUNTS || a->arn == NULL)
			continue;
		for (j = i + 1; j < aa->n; j++)
			if (aa->e[j].in_effect && aa->e[j].arn && strcasecmp(aa->e[j].arn, a->arn) == 0) {
				a->in_effect = 0;
				add_why(&a->why, "a later entry (line %lu) maps the same ARN", aa->e[j].line);
				break;
			}
	}
}

static int
skippable(const char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	return n == 0 || (n == 2 && (strncmp(s, "``", 2) == 0 || strncmp(s, "\"\"", 2) == 0));
}

static void
read_list(struct fe_awsauth *aa, enum fe_aa_list l, const char *yaml, size_t *budget)
{
	yaml_parser_t p;
	yaml_document_t d;
	yaml_node_t *root;
	yaml_node_item_t *it;
	size_t first = aa->n;

	if (yaml == NULL || skippable(yaml))
		return;
	if (!yaml_parser_initialize(&p)) {
		fe_nomem_note();
		add_why(&aa->why[l], "out of memory");
		return;
	}
	yaml_parser_set_input_string(&p, (const unsigned char *)yaml, strlen(yaml));
	if (!yaml_parser_load(&p, &d)) {
		/* libyaml 0.2.5's loader fails without setting an error when
		 * its strdup of a tag fails: only memory is out then */
		if (p.error == YAML_MEMORY_ERROR || p.error == YAML_NO_ERROR) {
			fe_nomem_note();
			add_why(&aa->why[l], "out of memory");
		} else
			add_why(&aa->why[l], "not valid YAML: line %lu: %s%s%s", (unsigned long)p.problem_mark.line + 1,
				p.problem ? p.problem : "error", p.context ? " " : "", p.context ? p.context : "");
		yaml_parser_delete(&p);
		return;
	}
	root = yaml_document_get_root_node(&d);
	switch (kind(root)) {
	case V_ABSENT:
	case V_NULL:
		break;
	case V_SEQ:
		for (it = root->data.sequence.items.start; it < root->data.sequence.items.top; it++) {
			if (l == FE_AA_ACCOUNTS)
				read_account(aa, node(&d, *it));
			else
				read_mapping(aa, &d, l, node(&d, *it), budget);
		}
		break;
	default:
		add_why(&aa->why[l], "not a list");
	}
	mark_shadowed(aa, first);
	yaml_document_delete(&d);
	yaml_parser_delete(&p);
}

void
fe_awsauth_read(struct fe_awsauth *aa, json_t *data)
{
	size_t budget = MAX_GROUPS;
	int l;

	memset(aa, 0, sizeof(*aa));
	for (l = 0; l < FE_AA_NLISTS; l++)
		read_list(aa, (enum fe_aa_list)l, json_string_value(json_object_get(data, list_names[l])), &budget);
}

void
fe_awsauth_free(struct fe_awsauth *aa)
{
	size_t i, j;
	int l;

	for (i = 0; i < aa->n; i++) {
		for (j = 0; j < aa->e[i].ngroups; j++)
			free(aa->e[i].groups[j]);
		free(aa->e[i].groups);
		free(aa->e[i].arn);
		free(aa->e[i].username);
		free(aa->e[i].why);
	}
	free(aa->e);
	for (l = 0; l < FE_AA_NLISTS; l++)
		free(aa->why[l]);
	memset(aa, 0, sizeof(*aa));
}

int
fe_aa_masters(const struct fe_aa_entry *e)
{
	size_t i;

	for (i = 0; e->in_effect && i < e->ngroups; i++)
		if (e->groups[i] && strcmp(e->groups[i], "system:masters") == 0)
			return 1;
	return 0;
}
