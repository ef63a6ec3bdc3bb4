/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Read-ahead: run a decoder chain on its own thread so that decompression
 * overlaps framing, prefiltering and parsing on the other core.
 *
 * The thread fills a ring of RA_SLOTS blocks of RA_SLOT bytes from the
 * chain below; the reading side copies out of them in order.  End of
 * stream and errors travel through the ring like data, so they surface
 * exactly where they happened in the byte stream.  Memory is fixed:
 * RA_SLOTS * RA_SLOT per open stream, whatever the input.
 *
 * The first RA_INLINE bytes are read inline, straight into the caller's
 * buffer: a small stream (a CloudTrail object is typically a few hundred
 * kilobytes) never pays for a thread or for the ring.  With a thread and
 * a ring per object, an S3 tree of 10,000 objects of 130 KB took 12.3 s
 * against 9.9 s without the thread at all.  Past RA_INLINE the ring is
 * allocated and the thread started; close joins it.  When either cannot be had, reading
 * goes on inline.  K8SAUDIT_READAHEAD=0 in the environment turns the
 * whole thing off (k8a_src_readahead returns the chain unchanged).
 *
 * Errors: the chain below writes its messages into a buffer of its own
 * (its err pointers are redirected), copied to the shared message buffer
 * by the reading side only when the error is reached, so the two threads
 * never write the same message buffer.  (An archive entry's chain reads
 * through the archive, whose own lower chain keeps the shared buffer; it
 * writes there only on a read error of the archive file itself.)
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

#define RA_SLOTS 4
#define RA_SLOT ((size_t)1 << 20)
#define RA_INLINE ((uint64_t)1 << 20)

struct ra_slot {
	size_t len;
	int term; /* 0 more follows, 1 end of stream after the data, -1 error */
};

struct ra_src {
	struct k8a_src s;
	unsigned char *mem; /* RA_SLOTS * RA_SLOT */
	struct ra_slot slot[RA_SLOTS];

	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t can_fill, can_take;
	unsigned head, tail; /* slots taken / filled, modulo 2^32 */
	int stop;            /* the reader is closing */
	int starving;        /* the reader waits for data (read unlocked by the thread) */

	/* reader side only */
	int state; /* 0 inline until RA_INLINE, 1 threaded, 2 inline for good */
	uint64_t inlined;
	int cur;   /* holding slot head % RA_SLOTS */
	size_t off;
	int fin; /* 1 end reached, -1 error reached */

	char lerr[K8A_ERRLEN];
};

static void *
ra_main(void *arg)
{
	struct ra_src *ra = arg;

	for (;;) {
		struct ra_slot *sl;
		unsigned char *p;
		size_t len = 0;
		ssize_t r = 1;

		pthread_mutex_lock(&ra->mu);
		while (ra->tail - ra->head == RA_SLOTS && !ra->stop)
			pthread_cond_wait(&ra->can_fill, &ra->mu);
		if (ra->stop) {
			pthread_mutex_unlock(&ra->mu);
			return NULL;
		}
		sl = &ra->slot[ra->tail % RA_SLOTS];
		pthread_mutex_unlock(&ra->mu);

		/* Fill the slot, but hand over early when the reader is
		 * waiting: it is faster than we are, and latency matters on
		 * slow pipes. */
		p = ra->mem + (size_t)(sl - ra->slot) * RA_SLOT;
		while (len < RA_SLOT) {
			r = k8a_src_read(ra->s.lower, p + len, RA_SLOT - len);
			if (r <= 0)
				break;
			len += (size_t)r;
			if (__atomic_load_n(&ra->starving, __ATOMIC_RELAXED) ||
			    __atomic_load_n(&ra->stop, __ATOMIC_RELAXED))
				break;
		}

		pthread_mutex_lock(&ra->mu);
		sl->len = len;
		sl->term = r < 0 ? -1 : r == 0 ? 1 : 0;
		ra->tail++;
		pthread_cond_signal(&ra->can_take);
		pthread_mutex_unlock(&ra->mu);
		if (r <= 0)
			return NULL;
	}
}

static ssize_t
ra_finish(struct ra_src *ra)
{
	if (ra->fin < 0) {
		memcpy(ra->s.err, ra->lerr, K8A_ERRLEN);
		ra->s.err[K8A_ERRLEN - 1] = '\0';
		return -1;
	}
	return 0;
}

static ssize_t
ra_read(struct k8a_src *s, void *buf, size_t n)
{
	struct ra_src *ra = (struct ra_src *)s;

	if (ra->fin)
		return ra_finish(ra);
	if (ra->state == 0 && ra->inlined >= RA_INLINE) {
		if ((ra->mem = malloc(RA_SLOTS * RA_SLOT)) != NULL &&
		    pthread_create(&ra->th, NULL, ra_main, ra) == 0)
			ra->state = 1;
		else
			ra->state = 2;
	}
	if (ra->state != 1) {
		ssize_t r = k8a_src_read(s->lower, buf, n);
		if (r < 0) {
			ra->fin = -1;
			return ra_finish(ra);
		}
		if (r == 0)
			ra->fin = 1;
		ra->inlined += (uint64_t)r;
		return r;
	}
	for (;;) {
		struct ra_slot *sl;

		if (ra->cur < 0) {
			pthread_mutex_lock(&ra->mu);
			if (ra->tail == ra->head) {
				__atomic_store_n(&ra->starving, 1, __ATOMIC_RELAXED);
				do
					pthread_cond_wait(&ra->can_take, &ra->mu);
				while (ra->tail == ra->head);
				__atomic_store_n(&ra->starving, 0, __ATOMIC_RELAXED);
			}
			ra->cur = (int)(ra->head % RA_SLOTS);
			ra->off = 0;
			pthread_mutex_unlock(&ra->mu);
		}
		sl = &ra->slot[ra->cur];
		if (ra->off < sl->len) {
			size_t k = sl->len - ra->off;
			if (k > n)
				k = n;
			memcpy(buf, ra->mem + (size_t)ra->cur * RA_SLOT + ra->off, k);
			ra->off += k;
			return (ssize_t)k;
		}
		if (sl->term != 0) {
			ra->fin = sl->term;
			return ra_finish(ra);
		}
		/* slot used up: give it back */
		pthread_mutex_lock(&ra->mu);
		ra->head++;
		ra->cur = -1;
		pthread_cond_signal(&ra->can_fill);
		pthread_mutex_unlock(&ra->mu);
	}
}

static void
ra_close(struct k8a_src *s)
{
	struct ra_src *ra = (struct ra_src *)s;

	if (ra->state == 1) {
		pthread_mutex_lock(&ra->mu);
		__atomic_store_n(&ra->stop, 1, __ATOMIC_RELAXED);
		pthread_cond_signal(&ra->can_fill);
		pthread_mutex_unlock(&ra->mu);
		pthread_join(ra->th, NULL);
	}
	pthread_cond_destroy(&ra->can_take);
	pthread_cond_destroy(&ra->can_fill);
	pthread_mutex_destroy(&ra->mu);
	free(ra->mem);
	free(ra);
}

static int
ra_enabled(void)
{
	const char *e = getenv("K8SAUDIT_READAHEAD");

	return e == NULL || *e == '\0' || strcmp(e, "0") != 0;
}

struct k8a_src *
k8a_src_readahead(struct k8a_src *lower)
{
	struct ra_src *ra;
	struct k8a_src *l;

	if (!ra_enabled())
		return lower;
	if ((ra = calloc(1, sizeof(*ra))) == NULL)
		return NULL;
	if (pthread_mutex_init(&ra->mu, NULL) != 0) {
		free(ra);
		return NULL;
	}
	pthread_cond_init(&ra->can_fill, NULL);
	pthread_cond_init(&ra->can_take, NULL);
	ra->s.read = ra_read;
	ra->s.close = ra_close;
	ra->s.lower = lower;
	ra->s.err = lower->err;
	ra->s.kind = lower->kind;
	ra->cur = -1;
	for (l = lower; l != NULL; l = l->lower)
		l->err = ra->lerr;
	return &ra->s;
}
