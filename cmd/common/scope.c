/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What every tool that reads logs takes the same way: which records
 * (-w EXPR, --since, --until), how strictly (--strict), how quietly (-s),
 * with how many threads (-j), stages folded or not (--keep-stages), which
 * shard of the objects (--shard); and
 * the loop over a reader's records that reports what is not a record.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fe.h"

static int
add_where(struct fe_scope *sc, const char *arg, const char *synopsis)
{
	struct k8a_err err;
	k8a_expr *x = k8a_expr_compile(arg, &err);

	if (x == NULL && err.code == K8A_FATAL)
		return K8A_FATAL;
	if (x == NULL) {
		fe_usage_error(synopsis, "-w: %s at offset %zu in '%s'", err.msg, err.offset, arg);
		return -1;
	}
	/* several -w: any of them */
	if ((sc->where = sc->nwhere++ ? k8a_expr_or(sc->where, x) : x) == NULL)
		return K8A_FATAL;
	return 0;
}

static int
set_time(struct fe_scope *sc, int until, const char *lng, const char *arg, const char *synopsis)
{
	char why[256];
	int w = fe_parse_when(arg, until ? &sc->until : &sc->since);

	if (w != 0) {
		fe_usage_error(synopsis, "--%s: %s", lng, fe_when_error(w, arg, why, sizeof(why)));
		return -1;
	}
	if (until)
		sc->has_until = 1;
	else
		sc->has_since = 1;
	return 0;
}

/* --shard K/N: K from 0 to N-1, the way array jobs number their tasks. */
static int
set_shard(struct fe_scope *sc, const char *arg, const char *synopsis)
{
	unsigned long long k, n;
	char *end;

	errno = 0;
	if (arg[0] < '0' || arg[0] > '9' || (k = strtoull(arg, &end, 10), *end != '/') || errno ||
	    end[1] < '0' || end[1] > '9' || (n = strtoull(end + 1, &end, 10), *end != '\0') || errno) {
		fe_usage_error(synopsis, "--shard: not K/N (shard K of N, K from 0 to N-1): '%s'", arg);
		return -1;
	}
	if (n < 1 || n > FE_SHARDS_MAX) {
		fe_usage_error(synopsis, "--shard: N must be from 1 to %d: '%s'", FE_SHARDS_MAX, arg);
		return -1;
	}
	if (k >= n) {
		fe_usage_error(synopsis, "--shard: K must be from 0 to N-1 (%llu): '%s'", n - 1, arg);
		return -1;
	}
	sc->shard = k;
	sc->nshards = n;
	return 0;
}

int
fe_scope_opt(struct fe_scope *sc, const char *lng, const char *arg, const char *synopsis)
{
	if (strcmp(lng, "where") == 0)
		return add_where(sc, arg, synopsis);
	if (strcmp(lng, "since") == 0 || strcmp(lng, "until") == 0)
		return set_time(sc, lng[0] == 'u', lng, arg, synopsis);
	if (strcmp(lng, "threads") == 0) {
		if (fe_parse_threads(arg, &sc->threads) != 0) {
			fe_usage_error(synopsis, "-j: not a thread count from 1 to 64: '%s'", arg);
			return -1;
		}
		return 0;
	}
	if (strcmp(lng, "shard") == 0)
		return set_shard(sc, arg, synopsis);
	if (strcmp(lng, "limit") == 0)
		return fe_limit_opt(sc, arg, synopsis);
	if (strcmp(lng, "strict") == 0)
		sc->strict = 1;
	else if (strcmp(lng, "no-messages") == 0)
		sc->silent = 1;
	else if (strcmp(lng, "keep-stages") == 0)
		sc->keep_stages = 1;
	return 0;
}

int
fe_scope_check(struct fe_scope *sc, const char *synopsis)
{
	if (sc->where && fe_expr_check(sc->where, "-w", sc->strict) != 0)
		return -1;
	if (sc->has_since && sc->has_until && sc->since >= sc->until) {
		/* an empty window selects nothing: a mistake, not a query */
		fe_usage_error(synopsis, "--since is not before --until");
		return -1;
	}
	return 0;
}

int
fe_scope_in_window(const struct fe_scope *sc, k8a_event *ev)
{
	int64_t t;

	if (!sc->has_since && !sc->has_until)
		return 1;
	t = k8a_event_time(ev);
	return t != INT64_MIN && (!sc->has_since || t >= sc->since) && (!sc->has_until || t < sc->until);
}

void
fe_scope_reader(const struct fe_scope *sc, k8a_reader *r)
{
	if (sc->nshards > 1 && k8a_reader_set_shard(r, sc->shard, sc->nshards) != K8A_OK) {
		fe_diag(NULL, "--shard: set on a reader already reading");
		abort();
	}
	fe_limit_reader(sc, r);
}

void
fe_scope_free(struct fe_scope *sc)
{
	k8a_expr_free(sc->where);
	sc->where = NULL;
}

k8a_event *
fe_next_record(k8a_reader *r, const struct fe_scope *sc, struct fe_run *run)
{
	k8a_event *ev;
	int rc;

	while ((rc = k8a_reader_next(r, &ev)) != K8A_EOF) {
		if (rc == K8A_FATAL) {
			/* out of memory: nothing read after this can be trusted */
			fe_diag(k8a_reader_where(r), "%s", k8a_reader_error(r));
			run->trouble = run->fatal = 1;
			return NULL;
		}
		if (rc == K8A_WARN) {
			if (!sc->silent)
				fe_diag(k8a_reader_where(r), "%s", k8a_reader_error(r));
			run->trouble = 1;
			continue;
		}
		/* records a judge dropped were read too */
		if ((++run->records & 0xfff) == 0)
			fe_progress(r, run->records + k8a_reader_dropped(r));
		return ev;
	}
	return NULL;
}
