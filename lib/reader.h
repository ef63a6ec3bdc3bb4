/* SPDX-License-Identifier: BSD-2-Clause */
/* The reader's state, shared by reader.c (one file at a time) and pool.c
 * (files read ahead on worker threads).  Not installed. */
#ifndef K8A_READER_H
#define K8A_READER_H

#include <sys/types.h>

#include "private.h"

#define MAX_NEST 8   /* archives inside archives inside ... */
#define SEEN_SLOTS ((size_t)1 << 17)
#define SEEN_MAX ((size_t)1 << 16)

struct input {
	char *path;
	const void *mem;
	size_t memlen;
	int is_mem;
	int walked; /* queued by a parallel reader for a file it found in a walk */
};

struct dirframe {
	char *path;
	char **names;
	size_t n, i;
	dev_t dev;
	ino_t ino;
};

struct level {
	struct k8a_src *chain;   /* decoders owned by this level */
	struct k8a_archive *ar;  /* set when this level is an archive */
	char *member;            /* name of the entry this level reads, or NULL */
};

struct seen_set {
	uint64_t *slot;
	size_t n;
};

struct k8a_reader {
	struct input *q;
	size_t nq, iq, capq;
	struct dirframe *dirs;
	size_t ndirs, capdirs;

	char *path; /* display path of the current file */
	int file_open;
	int from_walk; /* the current file was found in a directory; like
			* archive members, foreign files there are skipped quietly */
	uint64_t seen_file; /* stage de-duplication is per file */
	uint64_t file_no;
	int announced; /* file_cb was called for the current file */
	struct level lv[MAX_NEST + 1];
	int nlv;
	struct k8a_framer *fr;
	char members[4096];

	size_t max_record;
	const k8a_prefilter *pf;
	void (*progress)(void *);
	void *progress_arg;
	void (*file_cb)(void *, const char *);
	void *file_arg;
	uint64_t bytes, skipped;

	struct seen_set seen[2];

	int threads;         /* k8a_reader_set_threads() */
	struct k8a_pool *pool; /* set once reading in parallel */

	struct k8a_event ev;
	char err[K8A_ERRLEN];
	int fatal; /* memory ran out: every later call says so */
	char msg[K8A_ERRLEN];
	char where[4096];
};

/* One input to read, as the walk hands it out. */
struct k8a_input {
	char *path; /* owned */
	const void *mem;
	size_t memlen;
	int is_mem;
	int walked; /* found in a directory: foreign files are skipped quietly */
};

/* The next input of the queue or the walk: K8A_OK, K8A_EOF, K8A_WARN
 * (message and place in the reader), K8A_FATAL. */
int k8a_reader_next_input(k8a_reader *r, struct k8a_input *in);
/* Queue an input as the walk handed it out (takes in->path). */
int k8a_reader_add_input(k8a_reader *r, struct k8a_input *in);

/* ---- pool.c ---- */
struct k8a_pool;
/* K8A_OK, or K8A_FAILED when threads cannot be had (read serially). */
int k8a_pool_start(k8a_reader *r);
int k8a_pool_next(k8a_reader *r, k8a_event **evp);
void k8a_pool_free(k8a_reader *r);

#endif
