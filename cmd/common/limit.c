/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * --limit NAME=VALUE, every tool that reads logs: the caps of
 * k8saudit-input(5) Limits raised (or lowered) for a run.  The ranges are
 * the library's (k8a_reader_set_limit(), k8a_state_set_limit()): a value
 * is tried on a reader or state of its own, so they are said once.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fe.h"

static const struct {
	const char *name;
	int reader;          /* 1: a reader's cap, 0: the state's */
	enum k8a_limit which;
	const char *range;   /* for the message */
} limits[FE_NLIMITS] = {
	[FE_LIMIT_RECORD] = { "record", 1, K8A_LIMIT_RECORD, "a size from 64M to 1T" },
	[FE_LIMIT_ARCHIVE_DEPTH] = { "archive-depth", 1, K8A_LIMIT_ARCHIVE_DEPTH, "a number from 1 to 64" },
	[FE_LIMIT_ZSTD_WINDOW] = { "zstd-window", 1, K8A_LIMIT_ZSTD_WINDOW, "a size from 1M to 2G" },
	[FE_LIMIT_STATE] = { "state", 0, 0, "a size from 1M to 1T" },
};

/* "64M", "2G", "1048576", "512KiB": bytes (binary units).  0 when not one. */
static uint64_t
parse_size(const char *s)
{
	unsigned long long n;
	char *end;
	int shift = 0;

	if (*s < '0' || *s > '9')
		return 0;
	errno = 0;
	n = strtoull(s, &end, 10);
	if (errno)
		return 0;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	case 't': case 'T': shift = 40; end++; break;
	}
	if (shift && strcmp(end, "iB") == 0)
		end += 2;
	else if (shift && (*end == 'B' || *end == 'b'))
		end++;
	if (*end != '\0' || (shift && n > (UINT64_MAX >> shift)))
		return 0;
	return (uint64_t)n << shift;
}

/* The value tried where it goes: 0 taken, -1 out of range. */
static int
try_limit(int i, uint64_t v)
{
	int rc;

	if (limits[i].reader) {
		k8a_reader *r = k8a_reader_new();
		if (r == NULL)
			return K8A_FATAL;
		rc = k8a_reader_set_limit(r, limits[i].which, v);
		k8a_reader_free(r);
	} else {
		k8a_state *st = k8a_state_new("-", "-");
		if (st == NULL)
			return K8A_FATAL;
		rc = k8a_state_set_limit(st, v);
		k8a_state_free(st);
	}
	return rc == K8A_OK ? 0 : -1;
}

int
fe_limit_opt(struct fe_scope *sc, const char *arg, const char *synopsis)
{
	const char *eq = strchr(arg, '=');
	size_t n = eq ? (size_t)(eq - arg) : 0;
	uint64_t v;
	int i, rc;

	for (i = 0; i < FE_NLIMITS; i++)
		if (eq && strlen(limits[i].name) == n && strncmp(arg, limits[i].name, n) == 0)
			break;
	if (i == FE_NLIMITS) {
		fe_usage_error(synopsis, "--limit: not NAME=VALUE with NAME record, archive-depth, zstd-window "
			"or state: '%s'", arg);
		return -1;
	}
	v = parse_size(eq + 1);
	if (i == FE_LIMIT_ARCHIVE_DEPTH && strspn(eq + 1, "0123456789") != strlen(eq + 1))
		v = 0; /* a depth has no unit */
	if (v == 0 || (rc = try_limit(i, v)) == -1) {
		fe_usage_error(synopsis, "--limit %s: not %s: '%s'", limits[i].name, limits[i].range, eq + 1);
		return -1;
	}
	if (rc != 0)
		return rc;
	sc->limit[i] = v;
	return 0;
}

k8a_state *
fe_state_new(const char *path, const char *tool, uint64_t limit)
{
	k8a_state *st = k8a_state_new(path, tool);

	if (st != NULL && limit)
		(void)k8a_state_set_limit(st, limit); /* in range: checked by --limit */
	return st;
}

void
fe_limit_reader(const struct fe_scope *sc, k8a_reader *r)
{
	int i;

	for (i = 0; i < FE_NLIMITS; i++)
		if (sc->limit[i] && limits[i].reader && k8a_reader_set_limit(r, limits[i].which, sc->limit[i]) != K8A_OK) {
			fe_diag(NULL, "--limit: set on a reader already reading");
			abort();
		}
}
