/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * creds-in-bodies: credentials in request and response bodies, found by
 * libk8saudit's secret engine (the types of secret-scan, k8saudit-secrets(5))
 * and reported as findings of the rule whose catalog id is creds-in-bodies.
 * A finding names the secret's type and its JSON pointer, never the value:
 * secret-scan(1) is the tool that lists the secrets themselves.
 */
#include <stdlib.h>
#include <string.h>

#include "findings.h"

static k8a_secret_set *set;
static k8a_secret_scan *sc;
static const struct rule *the_rule; /* the enabled creds-in-bodies rule */

int
secrets_rule(const struct rule *r)
{
	return r != NULL && r == the_rule;
}

static int
is_creds_rule(const struct rule *r)
{
	size_t i;

	for (i = 0; i < r->catalog.n; i++)
		if (strcmp(r->catalog.v[i], "creds-in-bodies") == 0)
			return 1;
	return 0;
}

static void
load_diag(void *arg, const char *where, const char *msg)
{
	(*(int *)arg)++;
	fe_diag(where, "%s", msg);
}

int
secrets_init(const struct ruleset *rs, const char *rules_dir)
{
	char dir[4096];
	int problems = 0;
	size_t k;

	for (k = 0; k < rs->n && the_rule == NULL; k++)
		if (rs->r[k]->enabled && is_creds_rule(rs->r[k]))
			the_rule = rs->r[k];
	if (the_rule == NULL)
		return 0;
	snprintf(dir, sizeof(dir), "%s/secrets", rules_dir);
	if ((set = k8a_secret_set_new()) == NULL || k8a_secret_set_load(set, dir, load_diag, &problems) < 0 ||
	    (k8a_secret_set_count(set) && (sc = k8a_secret_scan_new(set)) == NULL)) {
		fe_diag(NULL, "out of memory");
		return problems + 1;
	}
	if (k8a_secret_set_count(set) == 0) {
		fe_diag(NULL, "creds-in-bodies: no secret types in %s: the rule cannot run", dir);
		problems++;
	}
	return problems;
}

int
secrets_thread_scan(k8a_secret_scan **out)
{
	*out = NULL;
	if (sc == NULL)
		return 0;
	return (*out = k8a_secret_scan_new(set)) != NULL ? 0 : -1;
}

int
secrets_judge(const struct rule *r, k8a_event *ev, struct snap *s, struct findings *fs)
{
	const struct k8a_secret_hit *h;
	size_t n, i, k;
	int rc;

	if (sc == NULL)
		return 0;
	rc = k8a_secret_scan_event(sc, ev, &h, &n);
	if (rc != K8A_OK)
		fe_diag(k8a_event_where(ev), "%s", k8a_secret_scan_error(sc));
	for (i = 0; i < n; i++) {
		char note[512];
		json_t *e, *d;
		/* bodies only: exec commands and URIs are other rules' */
		if (strncmp(h[i].pointer, "/requestObject", 14) != 0 && strncmp(h[i].pointer, "/responseObject", 15) != 0)
			continue;
		snprintf(note, sizeof(note), "%s at %s", h[i].type, h[i].pointer);
		e = json_object();
		d = json_array();
		for (k = 0; k < h[i].ndecode; k++)
			json_array_append_new(d, json_string(h[i].decode[k]));
		json_object_set_new(e, "secret_type", json_string(h[i].type));
		json_object_set_new(e, "confidence", json_string(h[i].confidence));
		json_object_set_new(e, "pointer", json_string(h[i].pointer));
		json_object_set_new(e, "decode", d);
		json_object_set_new(e, "length", json_integer((json_int_t)h[i].len));
		findings_add(fs, r, s, r->sev, NULL, note, e);
	}
	return rc == K8A_OK ? 0 : -1;
}

void
secrets_free(void)
{
	k8a_secret_scan_free(sc);
	k8a_secret_set_free(set);
	sc = NULL;
	set = NULL;
	the_rule = NULL;
}
