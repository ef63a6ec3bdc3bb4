/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Reading and judging on a thread of their own.  The reader's records, and
 * the rules each may match (k8a_exprset_candidates, from the text alone),
 * are made on a second thread and handed over in batches, in input order;
 * the main thread parses and correlates.  Telling which rules a record may
 * match costs as much as parsing the few that some rule may match, so the
 * two halves run side by side.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "findings.h"

#define NBATCH 3
#define BATCH_TEXT ((size_t)1 << 20) /* a batch is handed over past this */
#define BATCH_ITEMS 4096
#define NONE SIZE_MAX

enum { I_RECORD, I_WARN, I_FATAL };

struct item {
	int kind;
	size_t off, len;    /* the record's text, or the message */
	size_t poff, moff;  /* path and member (NONE: none), or where (NONE: none) */
	uint64_t line, offset;
	int64_t index;
	size_t c0, nc;      /* its candidates */
	uint64_t skipped;   /* records ruled out just before it */
};

struct batch {
	char *text;
	size_t tlen, tcap;
	struct item *it;
	size_t n, cap;
	size_t *cand;
	size_t nc, ccap;
	int last;   /* the input ends with this batch */
	uint64_t skipped; /* records ruled out after the last item */
};

struct judge {
	k8a_reader *r;
	k8a_exprset *xs;   /* NULL: every rule for every record */
	pthread_t th;
	int started;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct batch b[NBATCH];
	int full[NBATCH];
	int head, tail; /* the batch being filled (worker), being read (main) */
	int stop;
	size_t pos;     /* main: the next item of b[tail] */
	k8a_event *ev;  /* main: the record handed out */
};

static int
grow(void **p, size_t *cap, size_t need, size_t size)
{
	size_t nc = *cap ? *cap : 64;
	void *np;

	if (need <= *cap)
		return 0;
	while (nc < need)
		nc *= 2;
	if ((np = realloc(*p, nc * size)) == NULL)
		return -1;
	*p = np;
	*cap = nc;
	return 0;
}

/* Append bytes (and a NUL) to the batch's text; their offset, or NONE. */
static size_t
put(struct batch *b, const char *s, size_t n)
{
	size_t at = b->tlen;

	if (grow((void **)&b->text, &b->tcap, b->tlen + n + 1, 1) != 0)
		return NONE;
	memcpy(b->text + at, s, n);
	b->text[at + n] = '\0';
	b->tlen += n + 1;
	return at;
}

static struct item *
item(struct batch *b, int kind)
{
	struct item *it;

	if (grow((void **)&b->it, &b->cap, b->n + 1, sizeof(*b->it)) != 0)
		return NULL;
	it = &b->it[b->n++];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->skipped = b->skipped;
	b->skipped = 0;
	it->poff = it->moff = NONE;
	return it;
}

/* A message item: where (may be NULL) and what. */
static int
message(struct batch *b, int kind, const char *where, const char *msg)
{
	struct item *it = item(b, kind);

	if (it == NULL)
		return -1;
	it->poff = where ? put(b, where, strlen(where)) : NONE;
	it->off = put(b, msg, strlen(msg));
	return it->off == NONE ? -1 : 0;
}

/* Fill one batch from the reader: 1 when the input ended in it. */
static int
fill(struct judge *j, struct batch *b, uint64_t *records)
{
	k8a_event *ev;
	int rc;

	b->tlen = b->n = b->nc = 0;
	b->last = 0;
	b->skipped = 0;
	while (b->tlen < BATCH_TEXT && b->n < BATCH_ITEMS) {
		const struct k8a_origin *o;
		const size_t *c = NULL;
		const char *raw;
		struct item *it;
		size_t n, nc = 0, i;

		rc = k8a_reader_next(j->r, &ev);
		if (rc == K8A_EOF)
			return b->last = 1;
		if (rc == K8A_FATAL || rc == K8A_WARN) {
			if (message(b, rc == K8A_FATAL ? I_FATAL : I_WARN, k8a_reader_where(j->r),
				    k8a_reader_error(j->r)) != 0 || rc == K8A_FATAL)
				return b->last = 1;
			continue;
		}
		if ((++*records & 0xfff) == 0)
			fe_progress(j->r, *records);
		if (j->xs && (c = k8a_exprset_candidates(j->xs, ev, &nc)) == NULL) {
			message(b, I_FATAL, NULL, "out of memory");
			return b->last = 1;
		}
		if (j->xs && nc == 0) {
			b->skipped++; /* no rule can match it: not even copied */
			continue;
		}
		raw = k8a_event_raw(ev, &n);
		o = k8a_event_origin(ev);
		if ((it = item(b, I_RECORD)) == NULL || (it->off = put(b, raw, n)) == NONE ||
		    (it->poff = put(b, o->path, strlen(o->path))) == NONE ||
		    (o->member && (it->moff = put(b, o->member, strlen(o->member))) == NONE)) {
			message(b, I_FATAL, NULL, "out of memory");
			return b->last = 1;
		}
		it->len = n;
		it->line = o->line;
		it->index = o->index;
		it->offset = o->offset;
		it->c0 = b->nc;
		if (grow((void **)&b->cand, &b->ccap, b->nc + nc + 1, sizeof(*b->cand)) != 0) {
			message(b, I_FATAL, NULL, "out of memory");
			return b->last = 1;
		}
		for (i = 0; i < nc; i++)
			b->cand[b->nc++] = c[i];
		it->nc = b->nc - it->c0;
	}
	return 0;
}

static void *
worker(void *arg)
{
	struct judge *j = arg;
	uint64_t records = 0;

	for (;;) {
		int last;
		pthread_mutex_lock(&j->mu);
		while (j->full[j->head] && !j->stop)
			pthread_cond_wait(&j->cv, &j->mu);
		if (j->stop) {
			pthread_mutex_unlock(&j->mu);
			break;
		}
		pthread_mutex_unlock(&j->mu);
		last = fill(j, &j->b[j->head], &records);
		pthread_mutex_lock(&j->mu);
		j->full[j->head] = 1;
		j->head = (j->head + 1) % NBATCH;
		pthread_cond_broadcast(&j->cv);
		pthread_mutex_unlock(&j->mu);
		if (last)
			break;
	}
	return NULL;
}

struct judge *
judge_new(k8a_reader *r, k8a_exprset *xs)
{
	struct judge *j = calloc(1, sizeof(*j));

	if (j == NULL)
		return NULL;
	j->r = r;
	j->xs = xs;
	pthread_mutex_init(&j->mu, NULL);
	pthread_cond_init(&j->cv, NULL);
	if ((j->ev = k8a_event_new()) == NULL || pthread_create(&j->th, NULL, worker, j) != 0) {
		judge_free(j);
		return NULL;
	}
	j->started = 1;
	return j;
}

int
judge_next(struct judge *j, k8a_event **ev, const size_t **cand, size_t *ncand, const char **where,
	const char **msg, uint64_t *skipped)
{
	*skipped = 0;
	for (;;) {
		struct batch *b = &j->b[j->tail];
		struct item *it;
		pthread_mutex_lock(&j->mu);
		while (!j->full[j->tail])
			pthread_cond_wait(&j->cv, &j->mu);
		pthread_mutex_unlock(&j->mu);
		if (j->pos == b->n) {
			if (b->last) {
				*skipped += b->skipped;
				b->skipped = 0;
				return J_END;
			}
			*skipped += b->skipped;
			pthread_mutex_lock(&j->mu);
			j->full[j->tail] = 0;
			j->tail = (j->tail + 1) % NBATCH;
			pthread_cond_broadcast(&j->cv);
			pthread_mutex_unlock(&j->mu);
			j->pos = 0;
			continue;
		}
		it = &b->it[j->pos++];
		*skipped += it->skipped;
		if (it->kind != I_RECORD) {
			*where = it->poff == NONE ? NULL : b->text + it->poff;
			*msg = b->text + it->off;
			return it->kind == I_FATAL ? J_FATAL : J_WARN;
		} else {
			struct k8a_origin o;
			o.path = b->text + it->poff;
			o.member = it->moff == NONE ? NULL : b->text + it->moff;
			o.line = it->line;
			o.index = it->index;
			o.offset = it->offset;
			k8a_event_set(j->ev, b->text + it->off, it->len, &o);
			*ev = j->ev;
			*cand = b->cand + it->c0;
			*ncand = it->nc;
			return J_RECORD;
		}
	}
}

void
judge_free(struct judge *j)
{
	int i;

	if (j == NULL)
		return;
	if (j->started) {
		pthread_mutex_lock(&j->mu);
		j->stop = 1;
		pthread_cond_broadcast(&j->cv);
		pthread_mutex_unlock(&j->mu);
		pthread_join(j->th, NULL);
	}
	for (i = 0; i < NBATCH; i++) {
		free(j->b[i].text);
		free(j->b[i].it);
		free(j->b[i].cand);
	}
	k8a_event_free(j->ev);
	pthread_mutex_destroy(&j->mu);
	pthread_cond_destroy(&j->cv);
	free(j);
}
