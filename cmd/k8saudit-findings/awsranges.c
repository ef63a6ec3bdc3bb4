/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * --aws-ip-ranges FILE: AWS's published ip-ranges.json, read offline, as
 * an address list whose entries say whose they are ("AWS EC2 eu-west-1
 * 52.208.0.0/13").  EKS's control plane and nodes call from such addresses
 * (grade.c).
 */
#include <stdlib.h>
#include <string.h>

#include "findings.h"

/* The entries of one array ("prefixes" or "ipv6_prefixes"); -1 when out
 * of memory. */
static int
add_prefixes(struct iplist *l, const char *path, json_t *arr, const char *member, const char *field, int *errors)
{
	json_t *p;
	size_t i;

	if (arr == NULL)
		return 0;
	if (!json_is_array(arr)) {
		fe_diag(path, "'%s' is not an array", member);
		(*errors)++;
		return 0;
	}
	json_array_foreach(arr, i, p) {
		const char *pre = json_string_value(json_object_get(p, field));
		const char *svc = json_string_value(json_object_get(p, "service"));
		const char *reg = json_string_value(json_object_get(p, "region"));
		char text[256];
		int rc;

		if (pre == NULL) {
			fe_diag(path, "%s[%zu]: no '%s'", member, i, field);
			(*errors)++;
			continue;
		}
		snprintf(text, sizeof(text), "AWS %s %s %s", svc ? svc : "?", reg ? reg : "?", pre);
		if ((rc = iplist_add(l, pre, text)) == -2)
			return -1;
		if (rc != 0) {
			fe_diag(path, "%s[%zu]: not an IP prefix: '%s'", member, i, pre);
			(*errors)++;
		}
	}
	return 0;
}

struct iplist *
aws_ranges_load(const char *path, int *errors)
{
	json_error_t err;
	json_t *root = json_load_file(path, 0, &err);
	struct iplist *l;

	if (root == NULL) {
		char where[4200];
		if (err.line > 0)
			snprintf(where, sizeof(where), "%s:%d", path, err.line);
		else
			snprintf(where, sizeof(where), "%s", path);
		fe_diag(where, "%s", err.text);
		(*errors)++;
		return NULL;
	}
	if ((l = iplist_new()) == NULL ||
	    add_prefixes(l, path, json_object_get(root, "prefixes"), "prefixes", "ip_prefix", errors) != 0 ||
	    add_prefixes(l, path, json_object_get(root, "ipv6_prefixes"), "ipv6_prefixes", "ipv6_prefix", errors) != 0) {
		fe_nomem_diag(path);
		(*errors)++;
		iplist_free(l);
		json_decref(root);
		return NULL;
	}
	json_decref(root);
	if (iplist_count(l) == 0) {
		/* no AWS address known must not read as "none is AWS's" */
		fe_diag(path, "no prefixes in this file (not AWS's ip-ranges.json?)");
		(*errors)++;
		iplist_free(l);
		return NULL;
	}
	iplist_sort(l);
	return l;
}
