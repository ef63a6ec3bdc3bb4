/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Running the other tools over the logs: each one's JSON lines go to a
 * temporary file the report reads when it has ended.  Their diagnostics go
 * straight to the report's standard error, named by their own programs.
 */
#include <errno.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "report.h"

extern char **environ;

const char *
report_bindir(void)
{
	const char *dir = getenv("K8SAUDIT_BINDIR");

	return dir && *dir ? dir : K8A_BINDIR;
}

int
child_start(struct child *c)
{
	posix_spawn_file_actions_t fa;
	char path[4096];
	pid_t pid;
	int rc;

	c->pid = -1;
	snprintf(path, sizeof(path), "%s/%s", report_bindir(), c->tool);
	if ((c->out = tmpfile()) == NULL) {
		fe_diag(NULL, "a temporary file for %s: %s", c->tool, strerror(errno));
		return -1;
	}
	if ((rc = posix_spawn_file_actions_init(&fa)) != 0) {
		fe_diag(NULL, "%s: %s", c->tool, strerror(rc));
		return -1;
	}
	rc = posix_spawn_file_actions_adddup2(&fa, fileno(c->out), STDOUT_FILENO);
	if (rc == 0)
		rc = posix_spawn(&pid, path, &fa, NULL, c->argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		fe_diag(path, "cannot run it: %s (the tools are looked for in %s; set K8SAUDIT_BINDIR)",
			strerror(rc), report_bindir());
		return -1;
	}
	c->pid = pid;
	return 0;
}

int
child_wait(struct child *c)
{
	int st;

	if (c->pid < 0)
		return -1;
	while (waitpid(c->pid, &st, 0) < 0)
		if (errno != EINTR) {
			fe_diag(c->tool, "waiting for it: %s", strerror(errno));
			return -1;
		}
	c->pid = -1;
	c->status = st;
	rewind(c->out);
	if (WIFSIGNALED(st)) {
		fe_diag(c->tool, "killed by signal %d: its results are incomplete", WTERMSIG(st));
		return -1;
	}
	/* 0 nothing found, 1 found; 2 trouble it has already reported */
	if (WEXITSTATUS(st) > 1) {
		if (WEXITSTATUS(st) != FE_EXIT_TROUBLE)
			fe_diag(c->tool, "ended with status %d", WEXITSTATUS(st));
		return -1;
	}
	return 0;
}

void
child_free(struct child *c)
{
	size_t i;

	if (c->pid > 0)
		(void)waitpid(c->pid, NULL, 0);
	if (c->out)
		fclose(c->out);
	for (i = 0; c->argv && c->argv[i]; i++)
		free(c->argv[i]);
	free(c->argv);
	memset(c, 0, sizeof(*c));
}
