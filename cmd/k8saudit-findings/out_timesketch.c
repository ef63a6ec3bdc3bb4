/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * --format timesketch: JSON lines a Timesketch server imports as a
 * timeline.  Each event has the three fields Timesketch requires
 * (message, datetime in ISO 8601, timestamp_desc) and timestamp in
 * microseconds, then the finding's fields as --json writes them.  The
 * evidence is one JSON string: its keys are field paths with dots
 * ("requestObject.roleRef.name"), which the search index behind Timesketch
 * would read as nested objects of changing types.  A finding whose record
 * has no time cannot be placed on a timeline: it is left out, and said.
 */
#include <stdlib.h>
#include <string.h>

#include "output.h"

json_t *
out_timesketch(struct out *o, const struct finding *f)
{
	const struct snap *s = f->ev;
	json_t *j, *plain, *v;
	const char *k;
	char *title, *msg = NULL, *ev;

	if (s->time == INT64_MIN || s->time_s == NULL) {
		o->no_time++;
		fe_diag(s->where, "%s: the record has no time: not written (Timesketch needs one)", f->rule->id);
		return NULL;
	}
	if ((j = json_object()) == NULL || (plain = out_plain_json(f)) == NULL) {
		json_decref(j);
		return NULL;
	}
	title = out_title(f);
	if (asprintf(&msg, "%s %s: %s by %s from %s", f->rule->id, title ? title : f->rule->title,
		s->what ? s->what : "-", s->actor_text ? s->actor_text : "-", s->ips ? s->ips : "-") < 0) {
		fe_nomem_note();
		msg = NULL;
	}
	json_object_set_new(j, "message", json_string(msg ? msg : f->rule->title));
	json_object_set_new(j, "datetime", json_string(s->time_s));
	json_object_set_new(j, "timestamp", json_integer((json_int_t)s->time));
	json_object_set_new(j, "timestamp_desc", json_string(s->source == K8A_SRC_K8S ?
		"Kubernetes audit event time" : "CloudTrail event time"));
	json_object_foreach(plain, k, v) {
		if (strcmp(k, "time") == 0)
			continue; /* it is datetime */
		if (strcmp(k, "evidence") == 0 && (ev = json_dumps(v, OUT_JFLAGS)) != NULL) {
			json_object_set_new(j, k, json_string(ev));
			free(ev);
			continue;
		}
		json_object_set(j, k, v);
	}
	json_decref(plain);
	free(title);
	free(msg);
	return j;
}
