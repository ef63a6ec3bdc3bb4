/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Reading several files at once.  The caller's thread walks the inputs
 * and hands each file to a job; worker threads take jobs in walk order,
 * read each with a reader of their own (decompression, framing and the
 * prefilter all run there) and queue what it returns: records, warnings,
 * the "a log starts here" announcement, and the end.  The caller's thread
 * replays the queues job after job, so events, warnings and callbacks come
 * out in exactly the order, and with exactly the content, of a serial
 * read; only the wall clock differs.
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

enum item_type { IT_REC, IT_WARN, IT_ANNOUNCE, IT_END };
enum job_state { J_PENDING, J_RUNNING, J_DONE };

/* Items are laid out back to back in chunks: the header, then `mlen`
 * bytes of member (or place, for warnings) and a NUL, then `len` bytes of
 * record (or message) and a NUL. */
struct item {
	int type;
	uint64_t line, offset;
	int64_t index;
	size_t mlen, len;
	uint64_t bytes, skipped; /* IT_END */
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
	struct k8a_input in;
	char *display;      /* the path as events name it */
	enum job_state state;
	struct chunk *head, *tail;
	size_t rd;          /* read position in head (reader side) */
	size_t limit;       /* head->pub as the reader last saw it */
	size_t taken;       /* bytes read but not yet counted off `queued` */
	size_t queued;      /* bytes published, not yet taken (under the lock) */
	int warn_only;      /* a problem of the walk, no file to read */
	int nomem;          /* the worker lost an item for want of memory */
	uint64_t file_no;   /* the reader's file number, once replay began */
};

struct worker_arg {
	struct k8a_pool *pl;
	k8a_reader *r;
};

struct k8a_pool {
	pthread_mutex_t mu;
	pthread_cond_t work, data, space;
	pthread_t *th;
	int nth, stop;
	struct job *jobs, *last; /* open jobs, in walk order */
	int njobs;
	int walk_done;
	struct worker_arg *arg;
};

static size_t
item_size(size_t mlen, size_t len)
{
	size_t n = sizeof(struct item) + mlen + 1 + len + 1;

	return (n + 15) & ~(size_t)15;
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

/* Append an item to a job (the worker's side; no lock held).  -1 when
 * out of memory. */
static int
put(struct k8a_pool *pl, struct job *j, const struct item *it, const char *m, const char *d)
{
	size_t need = item_size(it->mlen, it->len);
	struct chunk *c = j->tail;
	char *p;

	if (c == NULL || c->cap - c->used < need) {
		size_t cap = need > CHUNK ? need : CHUNK;
		struct chunk *n = malloc(sizeof(*n) + cap);
		if (n == NULL)
			return -1;
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
		c = n;
	}
	p = c->data + c->used;
	memcpy(p, it, sizeof(*it));
	p += sizeof(*it);
	if (it->mlen)
		memcpy(p, m, it->mlen);
	p[it->mlen] = '\0';
	p += it->mlen + 1;
	if (it->len)
		memcpy(p, d, it->len);
	p[it->len] = '\0';
	c->used += need;
	return 0;
}

static void
push(struct k8a_pool *pl, struct job *j, const struct item *it, const char *m, const char *d)
{
	if (put(pl, j, it, m, d) != 0) {
		/* the item is lost: the job must not end as if whole (read
		 * under the lock once the job is done) */
		pthread_mutex_lock(&pl->mu);
		j->nomem = 1;
		pthread_mutex_unlock(&pl->mu);
	}
	if (j->tail != NULL && j->tail->used - j->tail->pub >= PUBLISH)
		publish(pl, j);
}

struct announce_ctx {
	struct k8a_pool *pl;
	struct job *j;
};

static void
announce(void *arg, const char *path)
{
	struct announce_ctx *a = arg;
	struct item it = { IT_ANNOUNCE, 0, 0, -1, 0, 0, 0, 0 };

	(void)path;
	push(a->pl, a->j, &it, "", "");
}

/* Read one job's file with a reader of its own. */
static void
run(struct k8a_pool *pl, k8a_reader *parent, struct job *j)
{
	k8a_reader *sub = k8a_reader_new();
	k8a_prefilter *pf = NULL;
	struct announce_ctx ac = { pl, j };
	struct item end = { IT_END, 0, 0, -1, 0, 0, 0, 0 };
	k8a_event *ev;
	int rc;

	if (sub == NULL) {
		pthread_mutex_lock(&pl->mu);
		j->nomem = 1;
		pthread_mutex_unlock(&pl->mu);
		push(pl, j, &end, "", "");
		publish(pl, j);
		return;
	}
	sub->max_record = parent->max_record;
	if (parent->pf != NULL) {
		pf = k8a_prefilter_clone(parent->pf);
		k8a_reader_set_prefilter(sub, pf);
	}
	if (parent->file_cb != NULL)
		k8a_reader_set_file_callback(sub, announce, &ac);
	k8a_reader_add_input(sub, &j->in);
	while ((rc = k8a_reader_next(sub, &ev)) != K8A_EOF && !pl->stop) {
		struct item it = { IT_REC, 0, 0, -1, 0, 0, 0, 0 };
		if (rc == K8A_OK) {
			const struct k8a_origin *o = k8a_event_origin(ev);
			size_t n;
			const char *raw = k8a_event_raw(ev, &n);
			it.line = o->line;
			it.offset = o->offset;
			it.index = o->index;
			it.mlen = o->member ? strlen(o->member) : 0;
			it.len = n;
			push(pl, j, &it, o->member ? o->member : "", raw);
			continue;
		}
		it.type = IT_WARN;
		it.mlen = strlen(k8a_reader_where(sub));
		it.len = strlen(k8a_reader_error(sub));
		push(pl, j, &it, k8a_reader_where(sub), k8a_reader_error(sub));
		if (rc == K8A_FATAL)
			break;
	}
	end.bytes = k8a_reader_bytes(sub);
	end.skipped = k8a_reader_skipped(sub);
	push(pl, j, &end, "", "");
	publish(pl, j);
	k8a_reader_free(sub);
	k8a_prefilter_free(pf);
}


static void *
worker(void *arg)
{
	struct worker_arg *w = arg;
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
			return NULL;
		}
		j->state = J_RUNNING;
		pthread_mutex_unlock(&pl->mu);
		run(pl, w->r, j);
		pthread_mutex_lock(&pl->mu);
		j->state = J_DONE;
		pthread_cond_broadcast(&pl->data);
		pthread_mutex_unlock(&pl->mu);
	}
}

int
k8a_pool_start(k8a_reader *r)
{
	struct k8a_pool *pl = calloc(1, sizeof(*pl));
	struct worker_arg *wa;
	int i;

	if (pl == NULL)
		return K8A_FAILED;
	if ((pl->th = calloc((size_t)r->threads, sizeof(*pl->th))) == NULL ||
	    (wa = calloc(1, sizeof(*wa))) == NULL) {
		free(pl->th);
		free(pl);
		return K8A_FAILED;
	}
	wa->pl = pl;
	wa->r = r;
	pthread_mutex_init(&pl->mu, NULL);
	pthread_cond_init(&pl->work, NULL);
	pthread_cond_init(&pl->data, NULL);
	pthread_cond_init(&pl->space, NULL);
	for (i = 0; i < r->threads; i++) {
		if (pthread_create(&pl->th[i], NULL, worker, wa) != 0)
			break;
		pl->nth++;
	}
	if (pl->nth == 0) {
		pthread_cond_destroy(&pl->work);
		pthread_cond_destroy(&pl->data);
		pthread_cond_destroy(&pl->space);
		pthread_mutex_destroy(&pl->mu);
		free(pl->th);
		free(pl);
		free(wa);
		return K8A_FAILED;
	}
	pl->arg = wa;
	r->pool = pl;
	return K8A_OK;
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

/* Open jobs for the next inputs of the walk, up to the window. */
static int
fill(k8a_reader *r, struct k8a_pool *pl)
{
	while (!pl->walk_done && pl->njobs < pl->nth * 2) {
		struct k8a_input in;
		struct job *j;
		int rc = k8a_reader_next_input(r, &in);
		if (rc == K8A_EOF) {
			pl->walk_done = 1;
			break;
		}
		if (rc == K8A_FATAL)
			return rc;
		if ((j = calloc(1, sizeof(*j))) == NULL) {
			free(in.path);
			return K8A_FATAL;
		}
		if (rc == K8A_WARN) {
			/* a problem of the walk: replayed in its place */
			struct item w = { IT_WARN, 0, 0, -1, 0, 0, 0, 0 };
			w.mlen = strlen(r->where);
			w.len = strlen(r->msg);
			j->warn_only = 1;
			j->state = J_DONE;
			if ((j->display = strdup(r->where)) == NULL || put(pl, j, &w, r->where, r->msg) != 0) {
				free_job(j);
				return K8A_FATAL;
			}
			j->head->pub = j->head->used; /* not visible to workers yet */
			j->queued = j->head->used;
		} else {
			j->in = in;
			j->display = strdup(in.is_mem || strcmp(in.path, "-") != 0 ? in.path : "<stdin>");
			j->state = J_PENDING;
			/* the worker's reader takes the path; keep our own copy */
			j->in.path = NULL;
			if (j->display == NULL || (j->in.path = strdup(in.path)) == NULL) {
				free(in.path);
				free_job(j);
				return K8A_FATAL;
			}
			free(in.path);
		}
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

int
k8a_pool_next(k8a_reader *r, k8a_event **evp)
{
	struct k8a_pool *pl = r->pool;

	/* The last event's text and path live in the job's chunks: they may
	 * be freed from here on, as the contract of k8a_reader_next() says. */
	*evp = NULL;
	for (;;) {
		struct job *j;
		struct item it;
		const char *m, *d;
		int rc;

		if ((rc = fill(r, pl)) != K8A_OK)
			return rc;
		j = pl->jobs;
		if (j == NULL)
			return K8A_EOF;
		if (j->head == NULL || j->rd >= j->limit) {
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
				if (j->head && j->rd < j->head->pub)
					break;
				if (j->state == J_DONE)
					break;
				pthread_cond_wait(&pl->data, &pl->mu);
			}
			if (!(j->head && j->rd < j->head->pub) && j->nomem) {
				pthread_mutex_unlock(&pl->mu);
				snprintf(r->where, sizeof(r->where), "%s", j->display);
				snprintf(r->msg, sizeof(r->msg), "%s", K8A_NOMEM);
				r->fatal = 1;
				return K8A_FATAL;
			}
			if (!(j->head && j->rd < j->head->pub)) {
				/* the job is over: the next one */
				pl->jobs = j->next;
				if (pl->last == j)
					pl->last = NULL;
				pl->njobs--;
				pthread_mutex_unlock(&pl->mu);
				free_job(j);
				continue;
			}
			j->limit = j->head->pub;
			pthread_mutex_unlock(&pl->mu);
		}
		memcpy(&it, j->head->data + j->rd, sizeof(it));
		m = j->head->data + j->rd + sizeof(it);
		d = m + it.mlen + 1;
		j->rd += item_size(it.mlen, it.len);
		j->taken += item_size(it.mlen, it.len);

		if (j->file_no == 0 && !j->warn_only) {
			j->file_no = ++r->file_no; /* stage de-duplication is per file */
			free(r->path);
			if ((r->path = strdup(j->display)) == NULL)
				return K8A_FATAL;
		}
		switch (it.type) {
		case IT_REC:
			k8a_event_reset(&r->ev, d, it.len);
			r->ev.origin.path = j->display;
			r->ev.origin.member = it.mlen ? m : NULL;
			r->ev.origin.line = it.line;
			r->ev.origin.index = it.index;
			r->ev.origin.offset = it.offset;
			*evp = &r->ev;
			return K8A_OK;
		case IT_WARN:
			snprintf(r->msg, sizeof(r->msg), "%s", d);
			snprintf(r->where, sizeof(r->where), "%s", m);
			if (k8a_is_nomem(d)) {
				r->fatal = 1; /* the worker's reader ran out */
				return K8A_FATAL;
			}
			return K8A_WARN;
		case IT_ANNOUNCE:
			if (r->file_cb)
				r->file_cb(r->file_arg, j->display);
			break;
		case IT_END:
			r->bytes += it.bytes;
			r->skipped += it.skipped;
			break;
		}
	}
}

void
k8a_pool_free(k8a_reader *r)
{
	struct k8a_pool *pl = r->pool;
	struct job *j, *n;
	int i;

	if (pl == NULL)
		return;
	pthread_mutex_lock(&pl->mu);
	pl->stop = 1;
	pthread_cond_broadcast(&pl->work);
	pthread_cond_broadcast(&pl->space);
	pthread_mutex_unlock(&pl->mu);
	for (i = 0; i < pl->nth; i++)
		pthread_join(pl->th[i], NULL);
	for (j = pl->jobs; j; j = n) {
		n = j->next;
		free_job(j);
	}
	pthread_cond_destroy(&pl->work);
	pthread_cond_destroy(&pl->data);
	pthread_cond_destroy(&pl->space);
	pthread_mutex_destroy(&pl->mu);
	free(pl->th);
	free(pl->arg);
	free(pl);
	r->pool = NULL;
}
