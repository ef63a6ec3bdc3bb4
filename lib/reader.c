/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The reader, the public front: it keeps the options, and reads the
 * inputs the walk hands out (walk.c) either one stream at a time on the
 * caller's thread (stream.c), or on worker threads (pool.c) when there are
 * several files or a judge to run beside the caller.  Either way events
 * come out in the same order with the same content.  It also folds the
 * stages of one request (k8a_reader_seen, with a set of seen.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader.h"

struct k8a_reader {
	struct k8a_walk *walk;
	struct k8a_stream *st;  /* serial: the input being read */
	struct k8a_pool *pool;  /* or the workers reading them */
	int started;            /* reading has begun: options are fixed */

	int threads;            /* k8a_reader_set_threads() */
	size_t max_record;
	int max_nest;       /* 0: the default */
	unsigned zstd_wlog; /* 0: the default */
	const k8a_prefilter *pf;
	void (*progress)(void *);
	void *progress_arg;
	void (*file_cb)(void *, const char *);
	void *file_arg;
	struct k8a_judge judge;
	int has_judge;
	void *judge_state;      /* serial: the judge's state on this thread */
	int judge_ready;

	char *path;             /* display path of the current input */
	uint64_t file_no;       /* which input that is (stages fold per input) */
	int announced;          /* file_cb was called for it */
	uint64_t bytes, skipped, dropped; /* inputs done */
	uint64_t cur_bytes, cur_dropped;  /* pooled: the input being replayed */
	const void *verdict;    /* on the event returned last */
	size_t vlen;

	k8a_seen *seen;
	uint64_t seen_file;

	struct k8a_event ev;
	int fatal;              /* memory ran out: every later call says so */
	char msg[K8A_ERRLEN];
	char where[4096];
};

k8a_reader *
k8a_reader_new(void)
{
	k8a_reader *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	if ((r->walk = k8a_walk_new()) == NULL) {
		free(r);
		return NULL;
	}
	r->max_record = K8A_MIN_MAX_RECORD;
	return r;
}

void
k8a_reader_free(k8a_reader *r)
{
	if (r == NULL)
		return;
	k8a_pool_free(r->pool);
	k8a_stream_free(r->st);
	if (r->judge_ready)
		k8a_judge_stop(&r->judge, r->judge_state);
	k8a_walk_free(r->walk);
	k8a_seen_free(r->seen);
	free(r->path);
	k8a_event_release(&r->ev);
	free(r);
}

int
k8a_reader_add_path(k8a_reader *r, const char *path)
{
	if (k8a_walk_add(r->walk, path, NULL, 0, 0) != K8A_OK)
		return r->fatal = 1, K8A_FATAL; /* said by k8a_reader_next() */
	return K8A_OK;
}

int
k8a_reader_add_memory(k8a_reader *r, const void *buf, size_t len, const char *name)
{
	if (k8a_walk_add(r->walk, name ? name : "<memory>", buf, len, 1) != K8A_OK)
		return r->fatal = 1, K8A_FATAL;
	return K8A_OK;
}

int
k8a_reader_set_threads(k8a_reader *r, int n)
{
	if (r->started)
		return K8A_FAILED; /* too late: reading has begun */
	r->threads = n < 1 ? 1 : n > 64 ? 64 : n;
	return K8A_OK;
}

int
k8a_reader_set_max_record(k8a_reader *r, size_t bytes)
{
	r->max_record = bytes < K8A_MIN_MAX_RECORD ? K8A_MIN_MAX_RECORD : bytes;
	return K8A_OK;
}

int
k8a_reader_set_limit(k8a_reader *r, enum k8a_limit which, uint64_t value)
{
	unsigned log;

	if (r->started)
		return K8A_FAILED; /* too late: reading has begun */
	switch (which) {
	case K8A_LIMIT_RECORD:
		if (value < K8A_MIN_MAX_RECORD || value > ((uint64_t)1 << 40))
			return K8A_FAILED;
		r->max_record = (size_t)value;
		return K8A_OK;
	case K8A_LIMIT_ARCHIVE_DEPTH:
		if (value < 1 || value > K8A_MAX_NEST)
			return K8A_FAILED;
		r->max_nest = (int)value;
		return K8A_OK;
	case K8A_LIMIT_ZSTD_WINDOW:
		if (value < ((uint64_t)1 << 20) || value > ((uint64_t)1 << 31))
			return K8A_FAILED;
		for (log = 20; ((uint64_t)1 << log) < value; log++)
			;
		r->zstd_wlog = log;
		return K8A_OK;
	}
	return K8A_FAILED;
}

void
k8a_reader_set_prefilter(k8a_reader *r, const k8a_prefilter *pf)
{
	r->pf = pf;
}

void
k8a_reader_set_file_callback(k8a_reader *r, void (*cb)(void *arg, const char *path), void *arg)
{
	r->file_cb = cb;
	r->file_arg = arg;
}

void
k8a_reader_set_progress(k8a_reader *r, void (*cb)(void *arg), void *arg)
{
	r->progress = cb;
	r->progress_arg = arg;
}

int
k8a_reader_set_judge(k8a_reader *r, const struct k8a_judge *j)
{
	if (r->started)
		return K8A_FAILED;
	if (j != NULL && j->judge == NULL)
		return K8A_FAILED;
	r->has_judge = j != NULL;
	if (j != NULL)
		r->judge = *j;
	return K8A_OK;
}

int
k8a_reader_set_state(k8a_reader *r, k8a_state *st)
{
	struct k8a_walk_filter f = { k8a_state_walk_filter, st };

	if (r->started)
		return K8A_FAILED;
	k8a_walk_set_filter(r->walk, &f);
	return K8A_OK;
}

int
k8a_reader_set_shard(k8a_reader *r, uint64_t k, uint64_t n)
{
	if (r->started || n == 0 || k >= n)
		return K8A_FAILED;
	k8a_walk_set_shard(r->walk, k, n);
	return K8A_OK;
}

const char *
k8a_reader_error(const k8a_reader *r)
{
	return r->msg;
}

const char *
k8a_reader_where(const k8a_reader *r)
{
	return r->where;
}

const char *
k8a_reader_path(const k8a_reader *r)
{
	return r->path ? r->path : "";
}

uint64_t
k8a_reader_bytes(const k8a_reader *r)
{
	return r->bytes + r->cur_bytes + (r->st ? k8a_stream_bytes(r->st) : 0);
}

uint64_t
k8a_reader_skipped(const k8a_reader *r)
{
	return r->skipped;
}

uint64_t
k8a_reader_dropped(const k8a_reader *r)
{
	return r->dropped + r->cur_dropped + (r->st ? k8a_stream_dropped(r->st) : 0);
}

const void *
k8a_reader_verdict(const k8a_reader *r, size_t *len)
{
	*len = r->vlen;
	return r->verdict;
}

/* A problem at `where` (NULL: the current input): K8A_WARN, or K8A_FATAL,
 * which every later call repeats. */
static int
problem(k8a_reader *r, int rc, const char *where, const char *msg)
{
	snprintf(r->where, sizeof(r->where), "%s", where ? where : k8a_reader_path(r));
	snprintf(r->msg, sizeof(r->msg), "%s", msg);
	if (rc == K8A_FATAL)
		r->fatal = 1;
	return rc;
}

static int
set_path(k8a_reader *r, const char *path)
{
	free(r->path);
	return (r->path = strdup(path)) == NULL ? -1 : 0;
}

/* ---- one input at a time, on this thread ---- */

/* Open the next input the walk hands out: K8A_OK, K8A_EOF, K8A_WARN (a
 * problem of the walk), K8A_FATAL. */
static int
open_next(k8a_reader *r)
{
	struct k8a_stream_conf c;
	struct k8a_input in;
	int rc = k8a_walk_next(r->walk, &in);

	if (rc == K8A_WARN) {
		free(r->path);
		r->path = in.path;
		return problem(r, K8A_WARN, NULL, k8a_walk_error(r->walk));
	}
	if (rc != K8A_OK)
		return rc;
	if (r->has_judge && !r->judge_ready) {
		if (k8a_judge_start(&r->judge, &r->judge_state) != 0) {
			free(in.path);
			return K8A_FATAL;
		}
		r->judge_ready = 1;
	}
	memset(&c, 0, sizeof(c));
	c.max_record = r->max_record;
	c.max_nest = r->max_nest;
	c.zstd_wlog = r->zstd_wlog;
	c.pf = r->pf;
	c.progress = r->progress;
	c.progress_arg = r->progress_arg;
	c.judge = r->has_judge ? &r->judge : NULL;
	c.judge_state = r->judge_state;
	if (set_path(r, in.path) != 0 || (r->st = k8a_stream_new(&in, &c)) == NULL) {
		free(in.path);
		return K8A_FATAL;
	}
	r->file_no++;
	r->announced = 0;
	return K8A_OK;
}

static void
close_stream(k8a_reader *r)
{
	r->bytes += k8a_stream_bytes(r->st);
	r->skipped += k8a_stream_skipped(r->st);
	r->dropped += k8a_stream_dropped(r->st);
	k8a_stream_free(r->st);
	r->st = NULL;
}

static int
next_serial(k8a_reader *r, k8a_event **evp)
{
	int rc;

	for (;;) {
		if (r->st == NULL && (rc = open_next(r)) != K8A_OK)
			return rc;
		rc = k8a_stream_next(r->st, &r->ev);
		if (!r->announced && r->file_cb && k8a_stream_is_log(r->st)) {
			r->announced = 1;
			r->file_cb(r->file_arg, r->path);
		}
		if (rc == K8A_OK) {
			r->verdict = k8a_stream_verdict(r->st, &r->vlen);
			*evp = &r->ev;
			return K8A_OK;
		}
		if (rc == K8A_EOF) {
			close_stream(r);
			continue;
		}
		return problem(r, rc, k8a_stream_where(r->st), k8a_stream_error(r->st));
	}
}

/* ---- several at once, on worker threads ---- */

static int
next_pooled(k8a_reader *r, k8a_event **evp)
{
	struct k8a_pool_item it;

	for (;;) {
		int rc = k8a_pool_next(r->pool, &it);
		r->cur_bytes = it.bytes;
		r->cur_dropped = it.dropped;
		switch (rc) {
		case K8A_POOL_INPUT:
			r->file_no++;
			if (set_path(r, it.path) != 0)
				return K8A_FATAL;
			continue;
		case K8A_POOL_LOG:
			if (r->file_cb)
				r->file_cb(r->file_arg, it.path);
			continue;
		case K8A_POOL_PROGRESS:
			if (r->progress)
				r->progress(r->progress_arg);
			continue;
		case K8A_POOL_DONE:
			r->bytes += it.bytes;
			r->skipped += it.skipped;
			r->dropped += it.dropped;
			r->cur_bytes = r->cur_dropped = 0;
			continue;
		case K8A_OK:
			k8a_event_reset(&r->ev, it.raw, it.len);
			r->ev.origin = it.origin;
			r->verdict = it.verdict;
			r->vlen = it.vlen;
			*evp = &r->ev;
			return K8A_OK;
		case K8A_EOF:
			return K8A_EOF;
		default:
			if (it.msg == NULL)
				return rc; /* said below */
			return problem(r, rc, it.where, it.msg);
		}
	}
}

/* Reading begins: on workers when there are several files and threads to
 * read them, or a judge to run beside the caller (even for one input:
 * then the judging and the caller's own work on each record overlap). */
static void
start(k8a_reader *r)
{
	struct k8a_pool_conf c;
	int several = k8a_walk_several(r->walk);

	r->started = 1;
	if (!r->has_judge && !(r->threads > 1 && several))
		return;
	memset(&c, 0, sizeof(c));
	c.threads = several && r->threads > 1 ? r->threads : 1;
	c.max_record = r->max_record;
	c.max_nest = r->max_nest;
	c.zstd_wlog = r->zstd_wlog;
	c.pf = r->pf;
	c.progress = r->progress != NULL;
	c.judge = r->has_judge ? &r->judge : NULL;
	r->pool = k8a_pool_new(&c, r->walk); /* NULL: read serially */
}

int
k8a_reader_next(k8a_reader *r, k8a_event **evp)
{
	int rc;

	*evp = NULL;
	r->verdict = NULL;
	r->vlen = 0;
	if (r->fatal) {
		if (!k8a_is_nomem(r->msg))
			problem(r, K8A_FATAL, NULL, K8A_NOMEM);
		return K8A_FATAL;
	}
	if (!r->started)
		start(r);
	rc = r->pool != NULL ? next_pooled(r, evp) : next_serial(r, evp);
	if (rc == K8A_FATAL && !r->fatal)
		return problem(r, K8A_FATAL, NULL, K8A_NOMEM);
	return rc;
}

/* ---- stage de-duplication ---- */

int
k8a_reader_seen(k8a_reader *r, k8a_event *ev)
{
	uint64_t key;

	if (!k8a_event_request_key(ev, &key))
		return 0;
	if (r->seen == NULL && (r->seen = k8a_seen_new()) == NULL)
		return K8A_FATAL;
	if (r->seen_file != r->file_no) {
		/* stages of one request are written to the same file */
		k8a_seen_clear(r->seen);
		r->seen_file = r->file_no;
	}
	return k8a_seen_add(r->seen, key, 0);
}
