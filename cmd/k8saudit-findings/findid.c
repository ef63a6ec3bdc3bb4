/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A finding's stable id: the same finding on the same record has the same
 * id on every run, so a consumer of at-least-once output (and --state)
 * can drop repeats.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "findings.h"

uint64_t
finding_id(const struct finding *f)
{
	const char *ev = f->ev->id ? f->ev->id : f->ev->where ? f->ev->where : "";
	char *evid = f->evidence ? json_dumps(f->evidence, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
	size_t rl = strlen(f->rule->id), el = strlen(ev), vl = evid ? strlen(evid) : 0;
	char *buf = malloc(rl + el + vl + 3);
	uint64_t h;

	if (buf == NULL || (f->evidence && evid == NULL)) {
		fe_nomem_note(); /* an id that would be wrong */
		free(buf);
		free(evid);
		return 0;
	}
	/* rule, record and evidence: two findings of one rule on one record
	 * (two secrets in one body) are two ids */
	memcpy(buf, f->rule->id, rl + 1);
	memcpy(buf + rl + 1, ev, el + 1);
	if (vl)
		memcpy(buf + rl + el + 2, evid, vl);
	h = k8a_hash64(buf, rl + el + 2 + vl);
	free(buf);
	free(evid);
	return h;
}

void
finding_id_hex(const struct finding *f, char out[17])
{
	snprintf(out, 17, "%016" PRIx64, f->id);
}
