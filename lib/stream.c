/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Reading one input: open it, peel the compression and archive layers
 * found by content (archives inside archives, up to conf.max_nest deep), hand
 * each innermost stream to a framer, and make events of its records,
 * judged by the tool's hook when one is set.  Everything is pulled lazily,
 * so only one record per nesting level is in memory.  The same code reads
 * on the caller's thread (reader.c) and on worker threads (pool.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reader.h"


struct level {
	struct k8a_src *chain;   /* decoders owned by this level */
	struct k8a_archive *ar;  /* set when this level is an archive */
	char *member;            /* name of the entry this level reads, or NULL */
};

struct k8a_stream {
	struct k8a_input in;
	struct k8a_stream_conf conf;
	int opened;
	struct level lv[K8A_MAX_NEST + 1];
	int nlv;
	struct k8a_framer *fr;
	int is_log;
	uint64_t bytes, skipped, dropped;
	const void *verdict;
	size_t vlen;
	char members[4096];
	char err[K8A_ERRLEN];
	char msg[K8A_ERRLEN];
	char where[4096];
};

static int
max_nest(const struct k8a_stream *s)
{
	return s->conf.max_nest ? s->conf.max_nest : K8A_DEFAULT_NEST;
}

struct k8a_stream *
k8a_stream_new(struct k8a_input *in, const struct k8a_stream_conf *conf)
{
	struct k8a_stream *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->in = *in;
	in->path = NULL;
	s->conf = *conf;
	return s;
}

/* Close the innermost level: its archive, its decoders, its name. */
static void
pop_level(struct k8a_stream *s)
{
	struct level *l = &s->lv[--s->nlv];

	k8a_archive_close(l->ar);
	if (l->chain)
		k8a_src_close(l->chain);
	free(l->member);
	memset(l, 0, sizeof(*l));
}

void
k8a_stream_free(struct k8a_stream *s)
{
	if (s == NULL)
		return;
	k8a_framer_free(s->fr);
	while (s->nlv > 0)
		pop_level(s);
	free(s->in.path);
	free(s);
}

const char *
k8a_stream_path(const struct k8a_stream *s)
{
	return s->in.path;
}

const char *
k8a_stream_error(const struct k8a_stream *s)
{
	return s->msg;
}

const char *
k8a_stream_where(const struct k8a_stream *s)
{
	return s->where;
}

int
k8a_stream_is_log(const struct k8a_stream *s)
{
	return s->is_log;
}

uint64_t
k8a_stream_bytes(const struct k8a_stream *s)
{
	return s->bytes + (s->fr ? k8a_framer_bytes(s->fr) : 0);
}

uint64_t
k8a_stream_skipped(const struct k8a_stream *s)
{
	return s->skipped;
}

uint64_t
k8a_stream_dropped(const struct k8a_stream *s)
{
	return s->dropped;
}

const void *
k8a_stream_verdict(const struct k8a_stream *s, size_t *len)
{
	*len = s->vlen;
	return s->verdict;
}

/* Set the message and its place: the input, its members, the line. */
static int
warn_at(struct k8a_stream *s, uint64_t line, int64_t index, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int
warn_at(struct k8a_stream *s, uint64_t line, int64_t index, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	vsnprintf(s->msg, sizeof(s->msg), fmt, ap);
	va_end(ap);
	n = snprintf(s->where, sizeof(s->where), "%s%s%s", s->in.path, s->members[0] ? ":" : "",
		s->members);
	if (line > 0 && n > 0 && (size_t)n < sizeof(s->where)) {
		if (index >= 0)
			snprintf(s->where + n, sizeof(s->where) - (size_t)n, ":%llu[%lld]",
				(unsigned long long)line, (long long)index);
		else
			snprintf(s->where + n, sizeof(s->where) - (size_t)n, ":%llu",
				(unsigned long long)line);
	}
	return K8A_WARN;
}

/* Memory ran out at the place of a record (or of the input, line 0). */
static int
nomem_at(struct k8a_stream *s, uint64_t line, int64_t index)
{
	warn_at(s, line, index, "%s", K8A_NOMEM);
	return K8A_FATAL;
}

/* A source's or an archive's error in s->err: a warning about this input,
 * or K8A_FATAL when it is memory. */
static int
src_problem(struct k8a_stream *s)
{
	if (k8a_is_nomem(s->err))
		return nomem_at(s, 0, -1);
	return warn_at(s, 0, -1, "%s", s->err);
}

static void
update_members(struct k8a_stream *s)
{
	size_t off = 0;
	int i;

	s->members[0] = '\0';
	for (i = 0; i < s->nlv; i++) {
		const char *m = s->lv[i].member;
		int n;
		if (m == NULL)
			continue;
		n = snprintf(s->members + off, sizeof(s->members) - off, "%s%s", off ? ":" : "", m);
		if (n < 0 || (size_t)n >= sizeof(s->members) - off)
			break;
		off += (size_t)n;
	}
}

/* Peel compression layers off the top level's chain; when an archive is
 * found, make the level an archive.  K8A_OK (framer ready or archive
 * level pushed), K8A_EOF (nothing in it), K8A_WARN, K8A_FATAL. */
static int
open_level(struct k8a_stream *s)
{
	struct level *l = &s->lv[s->nlv - 1];
	unsigned char head[512];

	for (;;) {
		ssize_t n = k8a_src_peek(l->chain, head, sizeof(head));
		struct k8a_src *d;
		if (n < 0)
			return src_problem(s);
		switch (k8a_sniff_magic(head, (size_t)n)) {
		case MAGIC_EMPTY:
			/* nothing to read (a zero-byte object of a synced tree,
			 * the stdin of a grep that matched nothing) is no trouble */
			return K8A_EOF;
		case MAGIC_GZIP:
			if ((d = k8a_src_gzip(l->chain)) == NULL)
				return nomem_at(s, 0, -1);
			l->chain = d;
			continue;
		case MAGIC_ZSTD:
			if ((d = k8a_src_zstd(l->chain, s->conf.zstd_wlog)) == NULL)
				return nomem_at(s, 0, -1);
			l->chain = d;
			continue;
		case MAGIC_ARCHIVE:
			if ((l->ar = k8a_archive_open(l->chain, s->err)) == NULL)
				return src_problem(s);
			return K8A_OK;
		case MAGIC_NONE:
			/* decode on a second thread while this one frames */
			if (l->chain->kind == SRC_GZIP || l->chain->kind == SRC_ZSTD ||
			    l->chain->kind == SRC_ENTRY) {
				if ((d = k8a_src_readahead(l->chain)) == NULL)
					return nomem_at(s, 0, -1);
				l->chain = d;
			}
			if ((s->fr = k8a_framer_new(l->chain, s->conf.max_record, s->conf.pf,
				     s->in.walked || l->member != NULL, s->err)) == NULL)
				return nomem_at(s, 0, -1);
			if (s->conf.progress)
				k8a_framer_set_progress(s->fr, s->conf.progress, s->conf.progress_arg);
			return K8A_OK;
		}
	}
}

/* Open the input itself.  K8A_OK, K8A_EOF, K8A_WARN, K8A_FATAL. */
static int
open_input(struct k8a_stream *s)
{
	struct k8a_src *src;
	int fd;

	s->opened = 1;
	if (s->in.is_mem) {
		if ((src = k8a_src_mem(s->in.mem, s->in.memlen, s->err)) == NULL)
			return nomem_at(s, 0, -1);
	} else if (s->in.is_stdin) {
		if ((src = k8a_src_fd(0, 0, s->err)) == NULL)
			return nomem_at(s, 0, -1);
	} else {
		if ((fd = open(s->in.path, O_RDONLY | O_CLOEXEC)) < 0)
			return warn_at(s, 0, -1, "cannot open: %s", strerror(errno));
		if ((src = k8a_src_fd(fd, 1, s->err)) == NULL) {
			close(fd);
			return nomem_at(s, 0, -1);
		}
	}
	s->nlv = 1;
	s->lv[0].chain = src;
	return open_level(s);
}

/* The innermost stream is done: pop levels until an archive offers its
 * next entry.  K8A_OK (something open), K8A_EOF (input done), K8A_WARN,
 * K8A_FATAL. */
static int
advance(struct k8a_stream *s)
{
	for (;;) {
		struct level *l;
		struct k8a_src *entry;
		const char *name;
		int rc;

		if (s->nlv == 0)
			return K8A_EOF;
		l = &s->lv[s->nlv - 1];
		if (l->ar == NULL) {
			pop_level(s);
			update_members(s);
			continue;
		}
		rc = k8a_archive_next(l->ar, &entry, &name);
		if (rc == K8A_EOF) {
			k8a_archive_close(l->ar);
			l->ar = NULL;
			continue;
		}
		if (rc == K8A_WARN) /* one damaged member; the next may be fine */
			return src_problem(s);
		if (rc == K8A_FATAL)
			return nomem_at(s, 0, -1);
		if (rc != K8A_OK) {
			rc = src_problem(s);
			k8a_archive_close(l->ar);
			l->ar = NULL;
			return rc;
		}
		if (s->nlv > max_nest(s)) {
			k8a_src_close(entry);
			return warn_at(s, 0, -1, "archives nested more than %d deep, skipped "
				"(--limit archive-depth=N raises it)", max_nest(s));
		}
		l = &s->lv[s->nlv++];
		l->chain = entry;
		l->ar = NULL;
		l->member = name ? strdup(name) : NULL;
		update_members(s);
		if (name != NULL && l->member == NULL)
			return nomem_at(s, 0, -1);
		rc = open_level(s);
		if (rc == K8A_EOF) /* an empty member: the level is popped above */
			continue;
		if (rc != K8A_OK)
			return rc;
		if (s->fr != NULL)
			return K8A_OK;
	}
}

static void
close_framer(struct k8a_stream *s)
{
	s->bytes += k8a_framer_bytes(s->fr);
	s->skipped += k8a_framer_skipped(s->fr);
	k8a_framer_free(s->fr);
	s->fr = NULL;
}

/* Make ev the record and judge it: K8A_OK to hand it out, K8A_EOF when the
 * judge dropped it, K8A_FATAL. */
static int
make_event(struct k8a_stream *s, const struct k8a_rec *rec, k8a_event *ev)
{
	const struct k8a_judge *j = s->conf.judge;
	int rc;

	k8a_event_reset(ev, rec->p, rec->len);
	ev->origin.path = s->in.path;
	ev->origin.member = s->members[0] ? s->members : NULL;
	ev->origin.line = rec->line;
	ev->origin.index = rec->index;
	ev->origin.offset = rec->offset;
	s->verdict = NULL;
	s->vlen = 0;
	if (j == NULL)
		return K8A_OK;
	rc = j->judge(s->conf.judge_state, ev, &s->verdict, &s->vlen);
	if (rc == 0) {
		s->dropped++;
		return K8A_EOF;
	}
	if (rc < 0)
		return nomem_at(s, rec->line, rec->index);
	return K8A_OK;
}

int
k8a_stream_next(struct k8a_stream *s, k8a_event *ev)
{
	struct k8a_rec rec;
	int rc;

	for (;;) {
		if (s->fr == NULL) {
			/* A level without framer or archive is a stream that
			 * could not be opened; advance() pops it. */
			if ((rc = s->opened ? advance(s) : open_input(s)) != K8A_OK)
				return rc;
			continue;
		}
		rc = k8a_framer_next(s->fr, &rec);
		if (k8a_framer_is_log(s->fr))
			s->is_log = 1;
		if (rc == K8A_OK) {
			if ((rc = make_event(s, &rec, ev)) == K8A_EOF)
				continue;
			return rc;
		}
		if (rc == K8A_EOF) {
			close_framer(s);
			continue;
		}
		/* a bad record (K8A_WARN) or an unusable stream (K8A_FAILED);
		 * out of memory, from the framer or a decoder, ends everything */
		if (rc == K8A_FATAL || k8a_is_nomem(s->err))
			return nomem_at(s, rec.line, rec.index);
		return warn_at(s, rec.line, rec.index, "%s", s->err);
	}
}

int
k8a_judge_start(const struct k8a_judge *j, void **state)
{
	if (j->start == NULL) {
		*state = j->arg;
		return 0;
	}
	return (*state = j->start(j->arg)) == NULL ? -1 : 0;
}

void
k8a_judge_stop(const struct k8a_judge *j, void *state)
{
	if (j->stop != NULL)
		j->stop(state);
}
