/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * failsys: an LD_PRELOAD library that makes one fsync or rename fail, or
 * kills the process there, to test the path that commits the analysis
 * state (tests/state.sh).
 *
 *   K8SAUDIT_FAIL_CALL=fsync:N   the Nth fsync (from 1) fails with EIO
 *   K8SAUDIT_FAIL_CALL=rename:N  the Nth rename fails with ENOSPC
 *   K8SAUDIT_KILL_CALL=rename:N  the process kills itself (SIGKILL) at
 *                                the Nth rename, before it is done
 */

#include <dlfcn.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static unsigned long nfsync, nrename;

/* 1 when the variable names call and its count reaches n. */
static int
hit(const char *var, const char *call, unsigned long n)
{
	const char *s = getenv(var);
	size_t l = strlen(call);

	return s && strncmp(s, call, l) == 0 && s[l] == ':' && strtoul(s + l + 1, NULL, 10) == n;
}

int
fsync(int fd)
{
	static int (*real)(int);

	if (real == NULL)
		real = (int (*)(int))dlsym(RTLD_NEXT, "fsync");
	nfsync++;
	if (hit("K8SAUDIT_KILL_CALL", "fsync", nfsync))
		raise(SIGKILL);
	if (hit("K8SAUDIT_FAIL_CALL", "fsync", nfsync)) {
		errno = EIO;
		return -1;
	}
	return real(fd);
}

int
rename(const char *from, const char *to)
{
	static int (*real)(const char *, const char *);

	if (real == NULL)
		real = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
	nrename++;
	if (hit("K8SAUDIT_KILL_CALL", "rename", nrename))
		raise(SIGKILL);
	if (hit("K8SAUDIT_FAIL_CALL", "rename", nrename)) {
		errno = ENOSPC;
		return -1;
	}
	return real(from, to);
}
