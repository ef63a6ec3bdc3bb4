/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The reader's layers, each knowing only the one below it.  Not installed.
 *
 *   reader.c  the public front (k8a_reader_*): options, serial or pooled
 *             reading, events, stage folding
 *   pool.c    several inputs read at once on worker threads, each with a
 *             stream, replayed in walk order
 *   stream.c  one input: compression and archive levels, the framer, the
 *             judge hook, events
 *   walk.c    which inputs: the queue and the directory walk
 */
#ifndef K8A_READER_H
#define K8A_READER_H

#include <sys/types.h>

#include "private.h"

/* One input to read, as the walk hands it out. */
struct k8a_input {
	char *path; /* its display path ("<stdin>" for standard input), owned */
	const void *mem;
	size_t memlen;
	int is_mem;
	int is_stdin;
	int walked; /* found in a directory: foreign files are skipped quietly */
};

/* ---- walk.c ---- */
struct k8a_walk;
struct k8a_walk *k8a_walk_new(void);
void k8a_walk_free(struct k8a_walk *w);
/* Queue a path ("-": standard input) or a buffer.  K8A_OK, K8A_FATAL. */
int k8a_walk_add(struct k8a_walk *w, const char *path, const void *mem, size_t len, int is_mem);
/* 1 when there is more than one file to read (several inputs, or a
 * directory), before the walk began. */
int k8a_walk_several(const struct k8a_walk *w);
/* The next input: K8A_OK with *in filled (in->path owned by the caller),
 * K8A_EOF, K8A_WARN for a problem of the walk itself (in->path, owned, is
 * the place; k8a_walk_error() the message), K8A_FATAL (out of memory). */
int k8a_walk_next(struct k8a_walk *w, struct k8a_input *in);
const char *k8a_walk_error(const struct k8a_walk *w);
/* Asked about every file before it is handed out (not standard input or
 * buffers): object(arg, root, path) returns 0 to skip it, K8A_FATAL when
 * out of memory, anything else to hand it out.  root is the argument a
 * walked file was found under, NULL for a file named itself. */
struct k8a_walk_filter {
	int (*object)(void *arg, const char *root, const char *path);
	void *arg;
};
void k8a_walk_set_filter(struct k8a_walk *w, const struct k8a_walk_filter *f);
/* Hand out only the files of shard k of n (k8a_reader_set_shard()). */
void k8a_walk_set_shard(struct k8a_walk *w, uint64_t k, uint64_t n);

/* ---- state.c ---- */
/* k8a_state_object() as a walk's filter (arg: the state). */
int k8a_state_walk_filter(void *arg, const char *root, const char *path);

/* ---- stream.c ---- */
struct k8a_stream_conf {
	size_t max_record;
	int max_nest;                      /* archives in archives; 0: K8A_DEFAULT_NEST */
	unsigned zstd_wlog;                /* 0: K8A_DEFAULT_ZSTD_WLOG */
	const k8a_prefilter *pf;           /* borrowed; one thread's own */
	void (*progress)(void *);          /* on the reading thread */
	void *progress_arg;
	const struct k8a_judge *judge;     /* NULL: none */
	void *judge_state;                 /* what judge->start() gave this thread */
};
struct k8a_stream;
/* A stream for the input (takes in->path); opened by the first
 * k8a_stream_next().  NULL when out of memory. */
struct k8a_stream *k8a_stream_new(struct k8a_input *in, const struct k8a_stream_conf *conf);
void k8a_stream_free(struct k8a_stream *s);
/* The next record the judge keeps, made into ev (its text and origin are
 * borrowed from the stream until the next call): K8A_OK, K8A_EOF at the
 * end of the input, K8A_WARN (a bad record, member or input: message and
 * place in the stream; call again), K8A_FATAL (out of memory: the same). */
int k8a_stream_next(struct k8a_stream *s, k8a_event *ev);
const char *k8a_stream_path(const struct k8a_stream *s);
const char *k8a_stream_error(const struct k8a_stream *s);
const char *k8a_stream_where(const struct k8a_stream *s);
/* 1 once a log stream was recognised in the input. */
int k8a_stream_is_log(const struct k8a_stream *s);
/* The judge's verdict on the last record handed out (NULL, 0: none). */
const void *k8a_stream_verdict(const struct k8a_stream *s, size_t *len);
uint64_t k8a_stream_bytes(const struct k8a_stream *s);
uint64_t k8a_stream_skipped(const struct k8a_stream *s);
uint64_t k8a_stream_dropped(const struct k8a_stream *s); /* by the judge */
/* A judge's state for the calling thread into *state: 0, or -1 when out
 * of memory; and its end, on the same thread. */
int k8a_judge_start(const struct k8a_judge *j, void **state);
void k8a_judge_stop(const struct k8a_judge *j, void *state);

/* ---- pool.c ---- */
struct k8a_pool_conf {
	int threads;
	size_t max_record;
	int max_nest;
	unsigned zstd_wlog;
	const k8a_prefilter *pf;       /* cloned for each worker */
	int progress;                  /* report progress (K8A_POOL_PROGRESS) */
	const struct k8a_judge *judge; /* NULL: none */
};
/* What k8a_pool_next() returns besides K8A_OK (a record), K8A_WARN,
 * K8A_FATAL and K8A_EOF, in input order. */
#define K8A_POOL_INPUT 2    /* an input begins (it->path) */
#define K8A_POOL_LOG 3      /* it is a log (k8a_stream_is_log) */
#define K8A_POOL_PROGRESS 4 /* about 8 MiB more of it were read */
#define K8A_POOL_DONE 5     /* it is done; its counts are final */
struct k8a_pool_item {
	const char *path;             /* the input's display path */
	const char *raw;              /* K8A_OK: the record */
	size_t len;
	struct k8a_origin origin;
	const void *verdict;          /* and the judge's verdict */
	size_t vlen;
	const char *where, *msg;      /* K8A_WARN, K8A_FATAL (where may be "") */
	uint64_t bytes, dropped;      /* the input's so far */
	uint64_t skipped;             /* K8A_POOL_DONE */
};
struct k8a_pool;
/* Workers for the inputs of w (borrowed; the pool walks it from the
 * caller's thread).  NULL when threads cannot be had: read serially. */
struct k8a_pool *k8a_pool_new(const struct k8a_pool_conf *conf, struct k8a_walk *w);
/* The next item; what it points to is valid until the next call. */
int k8a_pool_next(struct k8a_pool *pl, struct k8a_pool_item *it);
void k8a_pool_free(struct k8a_pool *pl);

#endif
