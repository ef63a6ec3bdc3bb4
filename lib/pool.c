/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Reading inputs on worker threads.  The caller's thread walks the inputs
 * and hands each to a job; worker threads take jobs in walk order, read
 * each with a stream (decompression, framing, the prefilter and the
 * tool's judge all run there) and queue what it yields: records with the
 * judge's verdicts, warnings, "a log starts here", progress, and the end.
 * The caller's thread replays the queues job after job, so items come out
 * in exactly the order, and with exactly the content, of a serial read;
 * only the wall clock differs.
 *
 * Memory stays bounded: at most `threads * 2` jobs are open at once, and a
 * worker waits when its job has more than QUEUE_MAX bytes not yet taken.
 * Jobs are taken in order, so the job being replayed is always done or in
 * the hands of a worker, and waiting cannot deadlock.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reader.h"

#define QUEUE_MAX ((size_t)8 << 20)
#define CHUNK ((size_t)256 << 10)
#define PUBLISH ((size_t)64 << 10)

enum item_type { IT_REC, IT_WARN, IT_LOG, IT_PROGRESS, IT_END };
enum job_state { J_PENDING, J_RUNNING, J_DONE };

/* Items are laid out back to back in chunks, 16-byte aligned: the header,
 * `vlen` bytes of verdict, then `mlen` bytes of member (or place, for
 * warnings) and a NUL, then `len` bytes of record (or message) and a NUL. */
struct item {
	int type;
	uint64_t line, offset;
	int64_t index;
	size_t vlen, mlen, len;
	uint64_t bytes, dropped, skipped; /* the input's so far */
};

/* The worker appends at `used` without the lock and makes bytes visible
 * by moving `pub` under it, every PUBLISH bytes or at the end of the job,
 * so the two threads meet once per batch, not once per record.  A chunk
 * with a successor is final (pub == used). */
struct chunk {
	struct chunk *next;
	size_t used, pub, cap;
	char data[];
};

struct job {
	struct job *next;
	struct k8a_input in;  /* the worker's copy */
	char *display;        /* the path as events name it */
	enum job_state state;
	struct chunk *head, *tail;
	size_t rd;          /* read position in head (reader side) */
	size_t limit;       /* head->pub as the reader last saw it */
	size_t taken;       /* bytes read but not yet counted off `queued` */
	size_t queued;      /* bytes published, not yet taken (under the lock) */
	int warn_only;      /* a problem of the walk, no file to read */
	int lost;           /* worker: an item could not be queued; stop */
	int nomem;          /* the same, for the reader (under the lock) */
	int begun;          /* reader: K8A_POOL_INPUT was returned */
};

struct worker {
	struct k8a_pool *pl;
	pthread_t th;
	int ready;          /* the prefilter and judge state below were made */
	int nomem;          /* ... or could not be */
	k8a_prefilter *pf;
	void *judge_state;
	struct k8a_event ev;
	struct job *j;      /* the job being read, and its stream */
	struct k8a_stream *s;
};

struct k8a_pool {
	struct k8a_pool_conf conf;
	struct k8a_walk *walk;
	pthread_mutex_t mu;
	pthread_cond_t work, data, space;
	struct worker *w;
	int nth, stop;
	struct job *jobs, *last; /* open jobs, in walk order */
	int njobs;
	int walk_done;
};

static size_t
pad16(size_t n)
{
	return (n + 15) & ~(size_t)15;
}

static size_t
item_size(const struct item *it)
{
	return sizeof(struct item) + pad16(it->vlen) + pad16(it->mlen + 1 + it->len + 1);
}

static int
stopping(struct k8a_pool *pl)
{
	return __atomic_load_n(&pl->stop, __ATOMIC_RELAXED);
}

/* Make everything written so far visible; wait while the job holds more
 * than QUEUE_MAX bytes the reader has not taken.  Takes the lock. */
static void
publish(struct k8a_pool *pl, struct job *j)
{
	struct chunk *c = j->tail;

	pthread_mutex_lock(&pl->mu);
	if (c != NULL && c->used > c->pub) {
		j->queued += c->used - c->pub;
		c->pub = c->used;
		pthread_cond_broadcast(&pl->data);
	}
	while (j->queued > QUEUE_MAX && !pl->stop)
		pthread_cond_wait(&pl->space, &pl->mu);
	pthread_mutex_unlock(&pl->mu);
}

/* A chunk with room for need bytes at the job's tail; NULL when out of
 * memory.  The old tail becomes final. */
static struct chunk *
room(struct k8a_pool *pl, struct job *j, size_t need)
{
	struct chunk *c = j->tail, *n;
	size_t cap = need > CHUNK ? need : CHUNK;

	if (c != NULL && c->cap - c->used >= need)
		return c;
	if ((n = malloc(sizeof(*n) + cap)) == NULL)
		return NULL;
	n->next = NULL;
	n->used = n->pub = 0;
	n->cap = cap;
	pthread_mutex_lock(&pl->mu);
	if (c != NULL) {
		j->queued += c->used - c->pub;
		c->pub = c->used; /* final: a successor follows */
		c->next = n;
	} else
		j->head = n;
	j->tail = n;
	pthread_cond_broadcast(&pl->data);
	pthread_mutex_unlock(&pl->mu);
	return n;
}

/* Append an item to a job (the worker's side, or a job no worker has; no
 * lock held).  -1 when out of memory. */
static int
put(struct k8a_pool *pl, struct job *j, const struct item *it, const void *v, const char *m,
	const char *d)
{
	struct chunk *c = room(pl, j, item_size(it));
	char *p;

	if (c == NULL)
		return -1;
	p = c->data + c->used;
	memcpy(p, it, sizeof(*it));
	p += sizeof(*it);
	if (it->vlen)
		memcpy(p, v, it->vlen);
	p += pad16(it->vlen);
	if (it->mlen)
		memcpy(p, m, it->mlen);
	p[it->mlen] = '\0';
	p += it->mlen + 1;
	if (it->len)
		memcpy(p, d, it->len);
	p[it->len] = '\0';
	c->used += item_size(it);
	return 0;
}

/* The job cannot be read whole: the reader ends with "out of memory" once
 * it has replayed what was queued before. */
static void
lose(struct k8a_pool *pl, struct job *j)
{
	j->lost = 1;
	pthread_mutex_lock(&pl->mu);
	j->nomem = 1;
	pthread_mutex_unlock(&pl->mu);
}

/* Queue an item of the job the worker reads, with the input's counts. */
static void
emit(struct worker *w, struct item *it, const void *v, const char *m, const char *d)
{
	struct job *j = w->j;

	if (j->lost)
		return; /* nothing after a gap */
	if (w->s != NULL) {
		it->bytes = k8a_stream_bytes(w->s);
		it->dropped = k8a_stream_dropped(w->s);
	}
	if (put(w->pl, j, it, v, m, d) != 0) {
		lose(w->pl, j);
		return;
	}
	if (j->tail->used - j->tail->pub >= PUBLISH)
		publish(w->pl, j);
}

static void
emit_mark(struct worker *w, int type)
{
	struct item it;

	memset(&it, 0, sizeof(it));
	it.type = type;
	it.index = -1;
	if (type == IT_END && w->s != NULL)
		it.skipped = k8a_stream_skipped(w->s);
	emit(w, &it, NULL, "", "");
}

/* The framer's progress callback, on the worker's thread. */
static void
progress(void *arg)
{
	emit_mark(arg, IT_PROGRESS);
}

/* The worker's judge state, made for its first job.  (Its prefilter is
 * cloned by k8a_pool_new on the caller's thread: the caller may free its
 * own prefilter as soon as it is done reading, before the pool stops.) */
static int
worker_ready(struct worker *w)
{
	const struct k8a_pool_conf *c = &w->pl->conf;

	if (!w->ready) {
		w->ready = 1;
		if (c->judge != NULL && k8a_judge_start(c->judge, &w->judge_state) != 0)
			w->nomem = 1;
	}
	return !w->nomem;
}

static void
emit_record(struct worker *w)
{
	const struct k8a_origin *o = &w->ev.origin;
	struct item it;
	const void *v;

	memset(&it, 0, sizeof(it));
	it.type = IT_REC;
	v = k8a_stream_verdict(w->s, &it.vlen);
	it.line = o->line;
	it.index = o->index;
	it.offset = o->offset;
	it.mlen = o->member ? strlen(o->member) : 0;
	it.len = w->ev.len;
	emit(w, &it, v, o->member ? o->member : "", w->ev.raw);
}

/* Read one job's input with a stream. */
static void
run(struct worker *w, struct job *j)
{
	struct k8a_pool *pl = w->pl;
	struct k8a_stream_conf c;
	int rc, announced = 0;

	w->j = j;
	memset(&c, 0, sizeof(c));
	c.max_record = pl->conf.max_record;
	c.max_nest = pl->conf.max_nest;
	c.zstd_wlog = pl->conf.zstd_wlog;
	c.judge = pl->conf.judge;
	if (pl->conf.progress) {
		c.progress = progress;
		c.progress_arg = w;
	}
	if (worker_ready(w)) {
		c.pf = w->pf;
		c.judge_state = w->judge_state;
		w->s = k8a_stream_new(&j->in, &c);
	}
	if (w->s == NULL)
		lose(pl, j);
	while (w->s != NULL && !j->lost) {
		struct item it;
		rc = k8a_stream_next(w->s, &w->ev);
		if (!announced && k8a_stream_is_log(w->s)) {
			announced = 1;
			emit_mark(w, IT_LOG);
		}
		if (rc == K8A_EOF || stopping(pl))
			break;
		if (rc == K8A_OK) {
			emit_record(w);
			continue;
		}
		memset(&it, 0, sizeof(it));
		it.type = IT_WARN;
		it.index = -1;
		it.mlen = strlen(k8a_stream_where(w->s));
		it.len = strlen(k8a_stream_error(w->s));
		emit(w, &it, NULL, k8a_stream_where(w->s), k8a_stream_error(w->s));
		if (rc == K8A_FATAL)
			break;
	}
	emit_mark(w, IT_END);
	publish(pl, j);
	k8a_stream_free(w->s);
	w->s = NULL;
	w->j = NULL;
}

static void *
worker(void *arg)
{
	struct worker *w = arg;
	struct k8a_pool *pl = w->pl;

	for (;;) {
		struct job *j;
		pthread_mutex_lock(&pl->mu);
		for (;;) {
			for (j = pl->jobs; j && j->state != J_PENDING; j = j->next)
				;
			if (j != NULL || pl->stop)
				break;
			pthread_cond_wait(&pl->work, &pl->mu);
		}
		if (pl->stop) {
			pthread_mutex_unlock(&pl->mu);
			break;
		}
		j->state = J_RUNNING;
		pthread_mutex_unlock(&pl->mu);
		run(w, j);
		pthread_mutex_lock(&pl->mu);
		j->state = J_DONE;
		pthread_cond_broadcast(&pl->data);
		pthread_mutex_unlock(&pl->mu);
	}
	/* what the worker made is its thread's: undone there */
	if (w->ready && !w->nomem && pl->conf.judge != NULL)
		k8a_judge_stop(pl->conf.judge, w->judge_state);
	k8a_event_release(&w->ev);
	return NULL;
}

static void
destroy(struct k8a_pool *pl)
{
	int i;

	pthread_cond_destroy(&pl->work);
	pthread_cond_destroy(&pl->data);
	pthread_cond_destroy(&pl->space);
	pthread_mutex_destroy(&pl->mu);
	for (i = 0; i < pl->conf.threads; i++)
		k8a_prefilter_free(pl->w[i].pf);
	free(pl->w);
	free(pl);
}

struct k8a_pool *
k8a_pool_new(const struct k8a_pool_conf *conf, struct k8a_walk *walk)
{
	struct k8a_pool *pl = calloc(1, sizeof(*pl));
	int i;

	if (pl == NULL)
		return NULL;
	if ((pl->w = calloc((size_t)conf->threads, sizeof(*pl->w))) == NULL) {
		free(pl);
		return NULL;
	}
	pl->conf = *conf;
	pl->walk = walk;
	for (i = 0; i < conf->threads; i++)
		if (conf->pf != NULL && (pl->w[i].pf = k8a_prefilter_clone(conf->pf)) == NULL) {
			while (i-- > 0)
				k8a_prefilter_free(pl->w[i].pf);
			free(pl->w);
			free(pl);
			return NULL;
		}
	pl->conf.pf = NULL; /* the caller's, which may go before the pool */
	pthread_mutex_init(&pl->mu, NULL);
	pthread_cond_init(&pl->work, NULL);
	pthread_cond_init(&pl->data, NULL);
	pthread_cond_init(&pl->space, NULL);
	for (i = 0; i < conf->threads; i++) {
		pl->w[i].pl = pl;
		if (pthread_create(&pl->w[i].th, NULL, worker, &pl->w[i]) != 0)
			break;
		pl->nth++;
	}
	if (pl->nth == 0) {
		destroy(pl);
		return NULL;
	}
	return pl;
}

static void
free_job(struct job *j)
{
	struct chunk *c, *n;

	if (j == NULL)
		return;
	for (c = j->head; c; c = n) {
		n = c->next;
		free(c);
	}
	free(j->in.path);
	free(j->display);
	free(j);
}

/* A job for what the walk handed out (takes in->path): an input to read,
 * or a problem of the walk replayed in its place.  NULL when out of memory. */
static struct job *
new_job(struct k8a_pool *pl, int rc, struct k8a_input *in)
{
	struct job *j = calloc(1, sizeof(*j));

	if (j == NULL) {
		free(in->path);
		return NULL;
	}
	j->display = in->path;
	if (rc == K8A_WARN) {
		const char *msg = k8a_walk_error(pl->walk);
		struct item w;
		memset(&w, 0, sizeof(w));
		w.type = IT_WARN;
		w.index = -1;
		w.mlen = strlen(j->display);
		w.len = strlen(msg);
		j->warn_only = 1;
		j->state = J_DONE;
		if (put(pl, j, &w, NULL, j->display, msg) != 0) {
			free_job(j);
			return NULL;
		}
		j->head->pub = j->head->used; /* not visible to workers yet */
		j->queued = j->head->used;
		return j;
	}
	j->in = *in;
	j->state = J_PENDING;
	/* the worker's stream takes the path; keep our own */
	if ((j->in.path = strdup(j->display)) == NULL) {
		free_job(j);
		return NULL;
	}
	return j;
}

/* Open jobs for the next inputs of the walk, up to the window. */
static int
fill(struct k8a_pool *pl)
{
	while (!pl->walk_done && pl->njobs < pl->nth * 2) {
		struct k8a_input in;
		struct job *j;
		int rc = k8a_walk_next(pl->walk, &in);
		if (rc == K8A_EOF) {
			pl->walk_done = 1;
			break;
		}
		if (rc == K8A_FATAL)
			return rc;
		if ((j = new_job(pl, rc, &in)) == NULL)
			return K8A_FATAL;
		pthread_mutex_lock(&pl->mu);
		if (pl->last)
			pl->last->next = j;
		else
			pl->jobs = j;
		pl->last = j;
		pl->njobs++;
		pthread_cond_broadcast(&pl->work);
		pthread_mutex_unlock(&pl->mu);
	}
	return K8A_OK;
}

/* Wait for the next item of the first job: 1 there is one, 0 the job is
 * over (and gone), -1 it lost an item for want of memory. */
static int
wait_item(struct k8a_pool *pl, struct job *j)
{
	int rc;

	if (j->head != NULL && j->rd < j->limit)
		return 1;
	/* what this job published last is used up: look again */
	pthread_mutex_lock(&pl->mu);
	j->queued -= j->taken;
	j->taken = 0;
	pthread_cond_broadcast(&pl->space);
	for (;;) {
		/* drop a final chunk read to its end */
		while (j->head && j->rd == j->head->pub && j->head->next) {
			struct chunk *c = j->head;
			j->head = c->next;
			j->rd = 0;
			free(c);
		}
		if (j->head && j->rd < j->head->pub) {
			j->limit = j->head->pub;
			pthread_mutex_unlock(&pl->mu);
			return 1;
		}
		if (j->state == J_DONE)
			break;
		pthread_cond_wait(&pl->data, &pl->mu);
	}
	rc = j->nomem ? -1 : 0;
	if (rc == 0) {
		pl->jobs = j->next;
		if (pl->last == j)
			pl->last = NULL;
		pl->njobs--;
	}
	pthread_mutex_unlock(&pl->mu);
	if (rc == 0)
		free_job(j);
	return rc;
}

/* Hand out the item at the job's read position. */
static int
take(struct job *j, struct k8a_pool_item *out)
{
	struct item it;
	const char *v, *m, *d;

	memcpy(&it, j->head->data + j->rd, sizeof(it));
	v = j->head->data + j->rd + sizeof(it);
	m = v + pad16(it.vlen);
	d = m + it.mlen + 1;
	j->rd += item_size(&it);
	j->taken += item_size(&it);
	out->bytes = it.bytes;
	out->dropped = it.dropped;
	switch (it.type) {
	case IT_REC:
		out->raw = d;
		out->len = it.len;
		out->verdict = it.vlen ? v : NULL;
		out->vlen = it.vlen;
		out->origin.path = j->display;
		out->origin.member = it.mlen ? m : NULL;
		out->origin.line = it.line;
		out->origin.index = it.index;
		out->origin.offset = it.offset;
		return K8A_OK;
	case IT_WARN:
		out->where = m;
		out->msg = d;
		return k8a_is_nomem(d) ? K8A_FATAL : K8A_WARN; /* the worker's stream ran out */
	case IT_LOG:
		return K8A_POOL_LOG;
	case IT_PROGRESS:
		return K8A_POOL_PROGRESS;
	default:
		out->skipped = it.skipped;
		return K8A_POOL_DONE;
	}
}

int
k8a_pool_next(struct k8a_pool *pl, struct k8a_pool_item *out)
{
	/* The last item's text and path live in the job's chunks: they may
	 * be freed from here on, as the contract of k8a_reader_next() says. */
	memset(out, 0, sizeof(*out));
	for (;;) {
		struct job *j;
		int rc;

		if ((rc = fill(pl)) != K8A_OK)
			return rc;
		if ((j = pl->jobs) == NULL)
			return K8A_EOF;
		out->path = j->display;
		if (!j->warn_only && !j->begun) {
			j->begun = 1;
			return K8A_POOL_INPUT;
		}
		if ((rc = wait_item(pl, j)) < 0) {
			out->where = j->display;
			out->msg = K8A_NOMEM;
			return K8A_FATAL;
		}
		if (rc > 0)
			return take(j, out);
	}
}

void
k8a_pool_free(struct k8a_pool *pl)
{
	struct job *j, *n;
	int i;

	if (pl == NULL)
		return;
	pthread_mutex_lock(&pl->mu);
	__atomic_store_n(&pl->stop, 1, __ATOMIC_RELAXED);
	pthread_cond_broadcast(&pl->work);
	pthread_cond_broadcast(&pl->space);
	pthread_mutex_unlock(&pl->mu);
	for (i = 0; i < pl->nth; i++)
		pthread_join(pl->w[i].th, NULL);
	for (j = pl->jobs; j; j = n) {
		n = j->next;
		free_job(j);
	}
	destroy(pl);
}
