/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * --state, --state-reset and --output of every tool that reads logs
 * (k8saudit-state(5)): the state file locked and loaded, the tool's
 * section as JSON, the output appended exactly once (standard output
 * moved onto it), and the commit: output flushed and synced, then the
 * state replaced.  What is in the tool's section is the tool's business.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fe.h"

/* -1 after the message of the failure rc. */
static int
state_fail(struct fe_state *s, int rc)
{
	if (rc == K8A_FATAL || s->st == NULL)
		fe_nomem_diag(s->path);
	else
		fe_diag(NULL, "%s", k8a_state_error(s->st));
	return -1;
}

int
fe_state_open(struct fe_state *s, const char *tool, const char *state, int reset, const char *output,
	uint64_t limit)
{
	int rc;

	memset(s, 0, sizeof(*s));
	s->outfd = -1;
	s->path = state;
	s->tool = tool;
	if (state == NULL) {
		if (output == NULL)
			return 0;
		/* without a state, appended as it comes: no committed length */
		if ((s->outfd = open(output, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644)) < 0) {
			fe_diag(output, "cannot open: %s", strerror(errno));
			return -1;
		}
	} else {
		if ((s->st = fe_state_new(state, tool, limit)) == NULL)
			return state_fail(s, K8A_FATAL);
		if ((rc = k8a_state_lock(s->st)) != K8A_OK || (!reset && (rc = k8a_state_load(s->st)) != K8A_OK))
			return state_fail(s, rc);
		if (!reset) {
			size_t len;
			const char *sec = k8a_state_section(s->st, tool, &len);
			json_error_t err;
			if (sec != NULL) {
				s->sec = json_loadb(sec, len, 0, &err);
				if (s->sec == NULL && fe_nomem())
					return state_fail(s, K8A_FATAL);
				if (!json_is_object(s->sec)) {
					fe_diag(state, "corrupt: the %s section is not a JSON object (%s)", tool,
						s->sec ? "another value" : err.text);
					return -1;
				}
			}
		}
		if (output != NULL && (s->outfd = k8a_state_output_open(s->st, output)) < 0)
			return state_fail(s, s->outfd);
	}
	if (s->outfd >= 0) {
		fflush(stdout);
		if (dup2(s->outfd, STDOUT_FILENO) < 0) {
			fe_diag(output, "cannot write: %s", strerror(errno));
			return -1;
		}
	}
	return 0;
}

void
fe_state_attach(struct fe_state *s, k8a_reader *r)
{
	if (s->st != NULL)
		k8a_reader_set_state(r, s->st);
}

int
fe_state_commit(struct fe_state *s, json_t *sec, const char *what)
{
	char *text;
	int rc;

	if (s->outfd >= 0 && (fflush(stdout) != 0 || ferror(stdout))) {
		fe_diag(NULL, "cannot write the %s: %s (nothing committed)", what, strerror(errno));
		return -1;
	}
	if (s->st == NULL)
		return 0;
	if (s->outfd >= 0 && (rc = k8a_state_output_commit(s->st, s->outfd)) != K8A_OK)
		return state_fail(s, rc);
	if (sec == NULL || (text = fe_json_dumps(sec, JSON_COMPACT)) == NULL)
		return state_fail(s, K8A_FATAL);
	rc = k8a_state_set_section(s->st, s->tool, text, strlen(text));
	free(text);
	if (rc == K8A_OK)
		rc = k8a_state_save(s->st);
	return rc == K8A_OK ? 0 : state_fail(s, rc);
}

void
fe_state_free(struct fe_state *s)
{
	k8a_state_free(s->st);
	json_decref(s->sec);
	s->st = NULL;
	s->sec = NULL;
}
