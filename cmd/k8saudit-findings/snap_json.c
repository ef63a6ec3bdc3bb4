/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A snapshot as JSON and back, for the analysis state (k8saudit-state(5)):
 * the candidates a correlation keeps go from one run to the next.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "findings.h"

static const struct {
	const char *name;
	size_t at;
} strs[] = {
#define S(f) { #f, offsetof(struct snap, f) }
	S(time_s), S(id), S(user), S(uid), S(arn), S(canonical_arn), S(access_key), S(session),
	S(principal), S(account), S(impersonated), S(ip), S(ips), S(peer), S(ua), S(verb), S(resource),
	S(subresource), S(ns), S(name), S(code), S(region), S(uri), S(command), S(what), S(where),
	S(path), S(member), S(actor_text), S(ident_type),
#undef S
};
#define NSTRS (sizeof(strs) / sizeof(strs[0]))

static const char *
str_at(const struct snap *s, size_t i)
{
	return *(char *const *)((const char *)s + strs[i].at);
}

json_t *
snap_to_json(const struct snap *s)
{
	json_t *o = json_object();
	size_t i;

	for (i = 0; o && i < NSTRS; i++)
		if (str_at(s, i))
			json_object_set_new(o, strs[i].name, fe_bytes_json(str_at(s, i))); /* paths: any bytes */
	json_object_set_new(o, "t", json_integer(s->time));
	json_object_set_new(o, "seq", json_integer((json_int_t)s->seq));
	json_object_set_new(o, "src", json_integer(s->source));
	json_object_set_new(o, "line", json_integer((json_int_t)s->line));
	json_object_set_new(o, "index", json_integer(s->index));
	if (s->groups)
		json_object_set(o, "groups", s->groups);
	if (s->imp_groups)
		json_object_set(o, "imp_groups", s->imp_groups);
	if (s->source_ips)
		json_object_set(o, "source_ips", s->source_ips);
	if (s->routine)
		json_object_set(o, "routine", s->routine);
	if (s->baseline)
		json_object_set_new(o, "baseline", json_true());
	return o;
}

struct snap *snap_from_json(const json_t *o);

/* A snapshot whose names (paths) were not UTF-8: read from a copy where
 * they are strings of their bytes again. */
static struct snap *
snap_from_names(const json_t *o)
{
	json_t *c = json_copy((json_t *)(uintptr_t)o);
	struct snap *s = NULL;
	size_t i;
	int rc = 0;

	if (c == NULL) {
		fe_nomem_note();
		return NULL;
	}
	for (i = 0; i < NSTRS && rc == 0; i++)
		if (json_is_object(json_object_get(c, strs[i].name)))
			rc = fe_bytes_at(c, 0, strs[i].name);
	if (rc == -2)
		fe_nomem_note();
	else if (rc == 0)
		s = snap_from_json(c);
	json_decref(c);
	return s;
}

struct snap *
snap_from_json(const json_t *o)
{
	size_t total = 0, i;
	struct snap *s;
	char *pool;

	if (!json_is_object(o) || !json_is_integer(json_object_get(o, "t")))
		return NULL;
	for (i = 0; i < NSTRS; i++)
		if (json_is_object(json_object_get(o, strs[i].name)))
			return snap_from_names(o);
	for (i = 0; i < NSTRS; i++) {
		json_t *v = json_object_get(o, strs[i].name);
		if (v && !json_is_string(v))
			return NULL;
		if (v)
			total += strlen(json_string_value(v)) + 1;
	}
	if ((s = calloc(1, sizeof(*s) + total)) == NULL) {
		fe_nomem_note();
		return NULL;
	}
	pool = (char *)(s + 1);
	for (i = 0; i < NSTRS; i++) {
		const char *v = json_string_value(json_object_get(o, strs[i].name));
		if (v) {
			*(char **)((char *)s + strs[i].at) = pool;
			pool = stpcpy(pool, v) + 1;
		}
	}
	s->refs = 1;
	s->time = json_integer_value(json_object_get(o, "t"));
	s->seq = (uint64_t)json_integer_value(json_object_get(o, "seq"));
	s->source = (enum k8a_source)json_integer_value(json_object_get(o, "src"));
	s->line = (uint64_t)json_integer_value(json_object_get(o, "line"));
	s->index = json_integer_value(json_object_get(o, "index"));
	/* the record's JSON is built from these parts when printed (snap_record) */
	if (json_is_array(json_object_get(o, "groups")))
		s->groups = json_deep_copy(json_object_get(o, "groups"));
	if (json_is_array(json_object_get(o, "imp_groups")))
		s->imp_groups = json_deep_copy(json_object_get(o, "imp_groups"));
	if (json_is_array(json_object_get(o, "source_ips")))
		s->source_ips = json_deep_copy(json_object_get(o, "source_ips"));
	if (json_is_array(json_object_get(o, "routine")))
		s->routine = json_deep_copy(json_object_get(o, "routine"));
	s->baseline = json_is_true(json_object_get(o, "baseline"));
	return s;
}
