/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * rbac-diff --state (k8saudit-state(5)): over a tree that only grows, each
 * run reads the objects no earlier run read and prints the changes no
 * earlier run printed.  The change log of a change needs every change of
 * its object before it, and its chain the key that signed it: the state
 * keeps the records that left a trace, whole (cmd/common/partial.c's
 * format: the same records a shard's partial keeps), and replays them
 * before the new ones.  A record that only minted a key is forgotten two
 * days of record time after (no key lives longer), so the state grows
 * with the RBAC changes, not with the CloudTrail traffic.
 *
 * The tool's section: "kept" (a partial: objects and kept records),
 * "printed" (the changes printed, cmd/common/printed.c) and "maxtime";
 * the records' bytes are the section "texts".
 */
#include <stdlib.h>
#include <string.h>

#include "fe.h"
#include "rd.h"

#define TOOL "rbac-diff"

int
rd_state_open(struct rd *rd)
{
	json_t *sec, *kept;
	const char *texts;
	size_t ntexts;

	if (fe_state_open(&rd->fst, TOOL, rd->state_path, rd->state_reset, rd->output, rd->sc.limit[FE_LIMIT_STATE]) != 0)
		return -1;
	if (rd->state_path == NULL)
		return 0;
	sec = rd->fst.sec;
	if (fe_printed_load(&rd->printed, json_object_get(sec, "printed"), json_integer_value(json_object_get(sec, "maxtime")),
		rd->state_path, "printed changes of the rbac-diff section") != 0)
		return -1;
	if ((kept = json_object_get(sec, "kept")) != NULL) {
		texts = k8a_state_section(rd->fst.st, "texts", &ntexts);
		if (fe_merge_open_mem(&rd->prior, rd->state_path, kept, texts, ntexts) != 0)
			return -1;
	}
	fe_state_attach(&rd->fst, rd->r);
	return 0;
}

int
rd_state_mark(struct rd *rd)
{
	size_t i;
	int rc;

	for (i = 0; i < rd->nch; i++) {
		struct rd_change *c = rd->ch[i];
		if (c->old) {
			/* an earlier run's change, committed: printed then (or
			 * outside its -w); its id may be past the horizon */
			c->hidden = 1;
			continue;
		}
		/* a record of an object read again (grown, re-synced) that
		 * has no event id to tell it by */
		if ((rc = fe_printed_see(&rd->printed, c->rid, c->t)) == K8A_FATAL) {
			fe_nomem_diag(rd->state_path);
			return -1;
		}
		if (rc == 1)
			c->hidden = 1;
	}
	return 0;
}

int
rd_state_commit(struct rd *rd)
{
	json_t *sec = NULL, *kept = NULL, *printed = NULL;
	char *texts = NULL;
	size_t ntexts = 0;
	int64_t now = rd->printed.maxtime;
	int rc = -1;

	if (fe_out_failed())
		return 0; /* said at the end; nothing committed */
	if (rd->state_path != NULL) {
		if (now < rd->t_max && rd->t_max != INT64_MIN)
			now = rd->t_max;
		rd->printed.maxtime = now;
		/* a mint is kept until its time plus the horizon (collect.c) */
		kept = fe_partial_json(rd->part, NULL, rd->records, 0, now, &texts, &ntexts);
		printed = fe_printed_persist(&rd->printed);
		if (kept == NULL || printed == NULL ||
		    (sec = json_pack("{s:O,s:O,s:I}", "kept", kept, "printed", printed, "maxtime", (json_int_t)now)) == NULL) {
			fe_nomem_diag(rd->state_path);
			goto out;
		}
		if ((rc = k8a_state_set_section(rd->fst.st, "texts", texts, ntexts)) != K8A_OK) {
			fe_nomem_diag(rd->state_path);
			rc = -1;
			goto out;
		}
	}
	rc = fe_state_commit(&rd->fst, sec, "changes");
out:
	json_decref(sec);
	json_decref(kept);
	json_decref(printed);
	free(texts);
	return rc;
}

void
rd_state_free(struct rd *rd)
{
	fe_merge_free(rd->prior);
	rd->prior = NULL;
	fe_printed_free(&rd->printed);
	fe_state_free(&rd->fst);
}
