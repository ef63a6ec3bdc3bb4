/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What every tool's JSON says about the record behind a result: when, which
 * request, who (the actor), from where, and where in the input.  One set of
 * names for all tools, documented in k8saudit-json(5).
 */
#include <stdlib.h>
#include <string.h>

#include "fe.h"

static void
put_str(json_t *o, const char *k, const char *v)
{
	if (v && *v)
		json_object_set_new(o, k, json_string(v));
}

/* A copy of the array of strings at path, or NULL. */
static json_t *
strings_at(json_t *root, const char *obj, const char *key)
{
	json_t *a = json_object_get(json_object_get(root, obj), key);

	return json_is_array(a) && json_array_size(a) ? json_deep_copy(a) : NULL;
}

json_t *
fe_actor_json(k8a_event *ev)
{
	json_t *a = json_object(), *root = k8a_event_json(ev), *g;
	int k8s = k8a_event_source(ev) == K8A_SRC_K8S;

	if (a == NULL)
		return NULL;
	put_str(a, "name", k8a_event_str(ev, K8A_F_USER));
	put_str(a, "uid", k8a_event_str(ev, K8A_F_UID));
	if (!k8s)
		put_str(a, "type", json_string_value(json_object_get(json_object_get(root, "userIdentity"), "type")));
	if (k8s && (g = strings_at(root, "user", "groups")) != NULL)
		json_object_set_new(a, "groups", g);
	put_str(a, "arn", k8a_event_str(ev, K8A_F_ARN));
	put_str(a, "canonical_arn", k8a_event_str(ev, K8A_F_CANONICAL_ARN));
	put_str(a, "access_key", k8a_event_str(ev, K8A_F_ACCESS_KEY));
	put_str(a, "session", k8a_event_str(ev, K8A_F_SESSION));
	put_str(a, "principal", k8a_event_str(ev, K8A_F_PRINCIPAL));
	put_str(a, "account", k8a_event_str(ev, K8A_F_ACCOUNT));
	put_str(a, "impersonated", k8a_event_str(ev, K8A_F_IMPERSONATED));
	if (k8s && (g = strings_at(root, "impersonatedUser", "groups")) != NULL)
		json_object_set_new(a, "impersonated_groups", g);
	return a;
}

json_t *
fe_time_json(int64_t usec)
{
	char t[64];

	if (usec == INT64_MIN)
		return json_null();
	k8a_time_format(usec, t);
	return json_string(t);
}

void
fe_put_time(FILE *fp, int64_t usec)
{
	char t[64];

	if (usec == INT64_MIN) {
		fputc('-', fp);
		return;
	}
	k8a_time_format(usec, t);
	fputs(t, fp);
}

json_t *
fe_source_json(k8a_event *ev)
{
	const struct k8a_origin *o = k8a_event_origin(ev);
	json_t *s = json_object();

	if (s == NULL)
		return NULL;
	put_str(s, "path", o->path);
	json_object_set_new(s, "member", o->member ? json_string(o->member) : json_null());
	json_object_set_new(s, "line", json_integer((json_int_t)o->line));
	json_object_set_new(s, "index", json_integer((json_int_t)o->index));
	return s;
}

void
fe_record_json(json_t *o, k8a_event *ev)
{
	json_t *root = k8a_event_json(ev), *ips;
	const char *id = k8a_event_str(ev, K8A_F_ID);

	json_object_set_new(o, "time", fe_time_json(k8a_event_time(ev)));
	json_object_set_new(o, "event_id", id ? json_string(id) : json_null());
	json_object_set_new(o, "actor", fe_actor_json(ev));
	put_str(o, "source_ip", k8a_event_str(ev, K8A_F_SOURCE_IP));
	/* a request that came through proxies: every address, client first */
	if (k8a_event_source(ev) == K8A_SRC_K8S && json_is_array(ips = json_object_get(root, "sourceIPs")) &&
	    json_array_size(ips) > 1)
		json_object_set(o, "source_ips", ips);
	put_str(o, "user_agent", k8a_event_str(ev, K8A_F_USER_AGENT));
	json_object_set_new(o, "source", fe_source_json(ev));
}
