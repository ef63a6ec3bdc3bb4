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

void
fe_record_parts(struct fe_record *r, k8a_event *ev)
{
	const struct k8a_origin *o = k8a_event_origin(ev);
	json_t *root = k8a_event_json(ev), *ips;

	memset(r, 0, sizeof(*r));
	r->k8s = k8a_event_source(ev) == K8A_SRC_K8S;
	r->time = k8a_event_time(ev);
	r->event_id = k8a_event_str(ev, K8A_F_ID);
	r->name = k8a_event_str(ev, K8A_F_USER);
	r->uid = k8a_event_str(ev, K8A_F_UID);
	if (!r->k8s)
		r->type = json_string_value(json_object_get(json_object_get(root, "userIdentity"), "type"));
	r->arn = k8a_event_str(ev, K8A_F_ARN);
	r->canonical_arn = k8a_event_str(ev, K8A_F_CANONICAL_ARN);
	r->access_key = k8a_event_str(ev, K8A_F_ACCESS_KEY);
	r->session = k8a_event_str(ev, K8A_F_SESSION);
	r->principal = k8a_event_str(ev, K8A_F_PRINCIPAL);
	r->account = k8a_event_str(ev, K8A_F_ACCOUNT);
	r->impersonated = k8a_event_str(ev, K8A_F_IMPERSONATED);
	if (r->k8s) {
		r->groups = json_object_get(json_object_get(root, "user"), "groups");
		r->impersonated_groups = json_object_get(json_object_get(root, "impersonatedUser"), "groups");
		/* a request that came through proxies: every address, client first */
		if (json_is_array(ips = json_object_get(root, "sourceIPs")) && json_array_size(ips) > 1)
			r->source_ips = ips;
	}
	r->source_ip = k8a_event_str(ev, K8A_F_SOURCE_IP);
	r->user_agent = k8a_event_str(ev, K8A_F_USER_AGENT);
	r->path = o->path;
	r->member = o->member;
	r->line = o->line;
	r->index = o->index;
}

/* A copy of a non-empty array, or NULL. */
static json_t *
strings_copy(json_t *a)
{
	return json_is_array(a) && json_array_size(a) ? json_deep_copy(a) : NULL;
}

json_t *
fe_record_actor(const struct fe_record *r)
{
	json_t *a = json_object(), *g;

	if (a == NULL)
		return NULL;
	put_str(a, "name", r->name);
	put_str(a, "uid", r->uid);
	put_str(a, "type", r->type);
	if ((g = strings_copy(r->groups)) != NULL)
		json_object_set_new(a, "groups", g);
	put_str(a, "arn", r->arn);
	put_str(a, "canonical_arn", r->canonical_arn);
	put_str(a, "access_key", r->access_key);
	put_str(a, "session", r->session);
	put_str(a, "principal", r->principal);
	put_str(a, "account", r->account);
	put_str(a, "impersonated", r->impersonated);
	if ((g = strings_copy(r->impersonated_groups)) != NULL)
		json_object_set_new(a, "impersonated_groups", g);
	return a;
}

json_t *
fe_actor_json(k8a_event *ev)
{
	struct fe_record r;

	fe_record_parts(&r, ev);
	return fe_record_actor(&r);
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

static json_t *
source_json(const struct fe_record *r)
{
	json_t *s = json_object();

	if (s == NULL)
		return NULL;
	put_str(s, "path", r->path);
	json_object_set_new(s, "member", r->member ? json_string(r->member) : json_null());
	json_object_set_new(s, "line", json_integer((json_int_t)r->line));
	json_object_set_new(s, "index", json_integer((json_int_t)r->index));
	return s;
}

json_t *
fe_source_json(k8a_event *ev)
{
	struct fe_record r;

	fe_record_parts(&r, ev);
	return source_json(&r);
}

void
fe_record_put(json_t *o, const struct fe_record *r)
{
	json_object_set_new(o, "time", fe_time_json(r->time));
	json_object_set_new(o, "event_id", r->event_id ? json_string(r->event_id) : json_null());
	json_object_set_new(o, "actor", fe_record_actor(r));
	put_str(o, "source_ip", r->source_ip);
	if (r->source_ips)
		json_object_set_new(o, "source_ips", json_deep_copy(r->source_ips));
	put_str(o, "user_agent", r->user_agent);
	json_object_set_new(o, "source", source_json(r));
}

void
fe_record_json(json_t *o, k8a_event *ev)
{
	struct fe_record r;

	fe_record_parts(&r, ev);
	fe_record_put(o, &r);
}
