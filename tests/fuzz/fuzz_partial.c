/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The merge's loader of kept-record partials (cmd/common/partial.c), as
 * rbac-diff and secret-scan run it.  Each input is the "partial" section
 * of a well-formed state file of the tool (written here with lib/state.c,
 * so that mutations reach past the checksum), whose "texts" section is
 * the three records of TEXTS (at 0, 38 and 41, of 37, 2 and 26 bytes,
 * each ended by a NUL),
 * merged twice: alone, and with itself (two shards that read one object).  Invariants, for any
 * input:
 *  - the merge opens, or is refused with a message that names the file
 *    (escaped, "prog: path: ...");
 *  - every record it hands out is an event whose origin names an object
 *    of the partial, in the order of places, and parsing it gives an
 *    answer;
 *  - what one partial holds merged with itself is refused (one object
 *    read twice) whenever it holds an object;
 *  - everything is freed (LeakSanitizer).
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "fe.h"

#define TOOL "rbac-diff"
static const char TEXTS[] = "{\"kind\":\"Event\",\"verb\":\"get\",\"x\":[1]}\0{}\0{\"eventName\":\"AssumeRole\"}";

static const char *
write_partial(const uint8_t *data, size_t size)
{
	/* the path of a file fuzz_file() made, holding nothing yet */
	const char *path = fuzz_file((const uint8_t *)"", 0, ".partial");
	k8a_state *st = k8a_state_new(path, TOOL);

	if (st == NULL)
		abort();
	if (k8a_state_set_section(st, "partial", data, size) != K8A_OK ||
	    k8a_state_set_section(st, "texts", TEXTS, sizeof(TEXTS)) != K8A_OK || k8a_state_save(st) != K8A_OK)
		fuzz_fail("fuzz_partial", "cannot write a partial: %s", k8a_state_error(st));
	k8a_state_free(st);
	return path;
}

static int
accept_all(void *arg, const char *path, const json_t *meta)
{
	(void)arg;
	if (path == NULL || !json_is_object(meta))
		fuzz_fail("fuzz_partial", "the check got no path or no meta object");
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[4096], *paths[2];
	struct fe_merge *m;
	struct fe_place at;
	k8a_event *ev;
	uint64_t lastoff = 0;
	const char *lastpath = NULL;
	size_t n = 0;
	int rc, twice;

	snprintf(path, sizeof(path), "%s", write_partial(data, size));
	paths[0] = paths[1] = path;
	fe_progname = "fuzz";
	fuzz_diag_begin();
	rc = fe_merge_open(&m, TOOL, 1, paths, accept_all, NULL, 0);
	if (rc == 0) {
		while ((rc = fe_merge_next(m, &ev, &at)) == K8A_OK) {
			const struct k8a_origin *og = k8a_event_origin(ev);
			if (og->path == NULL || at.path != og->path)
				fuzz_fail("fuzz_partial", "a record without its object");
			/* within one object, offsets do not go back */
			if (lastpath != NULL && strcmp(lastpath, at.path) == 0 && at.offset < lastoff)
				fuzz_fail("fuzz_partial", "records out of order in %s", at.path);
			lastpath = at.path;
			lastoff = at.offset;
			(void)k8a_event_json(ev);
			(void)k8a_event_where(ev);
			n++;
		}
		if (rc != K8A_EOF)
			fuzz_fail("fuzz_partial", "the merge ended in %d", rc);
		fe_merge_free(m);
		/* the same objects twice: refused when there are any */
		twice = fe_merge_open(&m, TOOL, 2, paths, accept_all, NULL, 0);
		if (twice == 0) {
			if (n > 0)
				fuzz_fail("fuzz_partial", "a partial merged with itself was not refused");
			fe_merge_free(m);
		} else if (twice != -2)
			fuzz_fail("fuzz_partial", "merging twice returned %d", twice);
	} else if (rc != -2)
		fuzz_fail("fuzz_partial", "opening returned %d", rc);
	if (fuzz_diag_end("fuzz") == 0 && rc != K8A_EOF && rc != 0)
		fuzz_fail("fuzz_partial", "refused without a message");
	return 0;
}
