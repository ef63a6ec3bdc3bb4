/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The reader: walks inputs (files, directories, stdin, memory), peels
 * compression and archive layers found by content, and hands each
 * innermost stream to a framer.  Everything is pulled lazily by
 * k8a_reader_next(), so only one record per nesting level is in memory.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "private.h"
#include "reader.h"

k8a_reader *
k8a_reader_new(void)
{
	k8a_reader *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	r->max_record = K8A_MIN_MAX_RECORD;
	return r;
}

/* Close the innermost level: its archive, its decoders, its name. */
static void
pop_level(k8a_reader *r)
{
	struct level *l = &r->lv[--r->nlv];

	k8a_archive_close(l->ar);
	if (l->chain)
		k8a_src_close(l->chain);
	free(l->member);
	memset(l, 0, sizeof(*l));
}

static void
close_levels(k8a_reader *r)
{
	k8a_framer_free(r->fr);
	r->fr = NULL;
	while (r->nlv > 0)
		pop_level(r);
	r->file_open = 0;
}

void
k8a_reader_free(k8a_reader *r)
{
	size_t i, j;

	if (r == NULL)
		return;
	k8a_pool_free(r);
	close_levels(r);
	for (i = 0; i < r->nq; i++)
		free(r->q[i].path);
	free(r->q);
	for (i = 0; i < r->ndirs; i++) {
		for (j = r->dirs[i].i; j < r->dirs[i].n; j++)
			free(r->dirs[i].names[j]);
		free(r->dirs[i].names);
		free(r->dirs[i].path);
	}
	free(r->dirs);
	free(r->path);
	free(r->seen[0].slot);
	free(r->seen[1].slot);
	k8a_event_release(&r->ev);
	free(r);
}

static int
push_input(k8a_reader *r, const char *path, const void *mem, size_t len, int is_mem, int walked)
{
	if (r->nq == r->capq) {
		size_t nc = r->capq ? r->capq * 2 : 8;
		struct input *nq = realloc(r->q, nc * sizeof(*nq));
		if (nq == NULL)
			return r->fatal = 1, K8A_FATAL; /* said by k8a_reader_next() */
		r->q = nq;
		r->capq = nc;
	}
	if ((r->q[r->nq].path = strdup(path)) == NULL)
		return r->fatal = 1, K8A_FATAL;
	r->q[r->nq].mem = mem;
	r->q[r->nq].memlen = len;
	r->q[r->nq].is_mem = is_mem;
	r->q[r->nq].walked = walked;
	r->nq++;
	return K8A_OK;
}

int
k8a_reader_add_path(k8a_reader *r, const char *path)
{
	return push_input(r, path, NULL, 0, 0, 0);
}

int
k8a_reader_add_memory(k8a_reader *r, const void *buf, size_t len, const char *name)
{
	return push_input(r, name ? name : "<memory>", buf, len, 1, 0);
}

int
k8a_reader_add_input(k8a_reader *r, struct k8a_input *in)
{
	int rc = push_input(r, in->path, in->mem, in->memlen, in->is_mem, in->walked);

	free(in->path);
	in->path = NULL;
	return rc;
}

int
k8a_reader_set_threads(k8a_reader *r, int n)
{
	if (r->pool != NULL)
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
	return r->bytes + (r->fr ? k8a_framer_bytes(r->fr) : 0);
}

uint64_t
k8a_reader_skipped(const k8a_reader *r)
{
	return r->skipped;
}

/* Set the warning message and its location. */
static int
warn_at(k8a_reader *r, uint64_t line, int64_t index, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int
warn_at(k8a_reader *r, uint64_t line, int64_t index, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	vsnprintf(r->msg, sizeof(r->msg), fmt, ap);
	va_end(ap);
	n = snprintf(r->where, sizeof(r->where), "%s%s%s", r->path ? r->path : "",
		r->members[0] ? ":" : "", r->members);
	if (line > 0 && n > 0 && (size_t)n < sizeof(r->where)) {
		if (index >= 0)
			snprintf(r->where + n, sizeof(r->where) - (size_t)n, ":%llu[%lld]",
				(unsigned long long)line, (long long)index);
		else
			snprintf(r->where + n, sizeof(r->where) - (size_t)n, ":%llu",
				(unsigned long long)line);
	}
	return K8A_WARN;
}

/* Memory ran out: K8A_FATAL, now and on every later call, with the place
 * (the input being read, if any). */
static int
fatal_at(k8a_reader *r)
{
	warn_at(r, 0, -1, "%s", K8A_NOMEM);
	r->fatal = 1;
	return K8A_FATAL;
}

/* A source's or an archive's error in r->err: a warning about this input,
 * or K8A_FATAL when it is memory. */
static int
src_problem(k8a_reader *r)
{
	if (k8a_is_nomem(r->err))
		return K8A_FATAL;
	return warn_at(r, 0, -1, "%s", r->err);
}

static void
update_members(k8a_reader *r)
{
	size_t off = 0;
	int i;

	r->members[0] = '\0';
	for (i = 0; i < r->nlv; i++) {
		const char *m = r->lv[i].member;
		int n;
		if (m == NULL)
			continue;
		n = snprintf(r->members + off, sizeof(r->members) - off, "%s%s", off ? ":" : "", m);
		if (n < 0 || (size_t)n >= sizeof(r->members) - off)
			break;
		off += (size_t)n;
	}
}

/* ---- directories ---- */

static int
cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *
join(const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);
	char *p = malloc(dl + nl + 2);

	if (p == NULL)
		return NULL;
	memcpy(p, dir, dl);
	if (dl && dir[dl - 1] != '/')
		p[dl++] = '/';
	memcpy(p + dl, name, nl + 1);
	return p;
}

/* Enter a directory: list and sort its names.  K8A_OK or K8A_WARN. */
static int
push_dir(k8a_reader *r, const char *path, const struct stat *st)
{
	DIR *d;
	struct dirent *de;
	struct dirframe df;
	size_t cap = 0, i;

	for (i = 0; i < r->ndirs; i++)
		if (r->dirs[i].dev == st->st_dev && r->dirs[i].ino == st->st_ino) {
			free(r->path);
			r->members[0] = '\0';
			if ((r->path = strdup(path)) == NULL)
				return K8A_FATAL;
			return warn_at(r, 0, -1, "symbolic link loop: directory already being read as %s",
				r->dirs[i].path);
		}
	if ((d = opendir(path)) == NULL) {
		int e = errno;
		if (e == ENOMEM)
			return K8A_FATAL;
		free(r->path);
		r->members[0] = '\0';
		if ((r->path = strdup(path)) == NULL)
			return K8A_FATAL;
		return warn_at(r, 0, -1, "cannot read directory: %s", strerror(e));
	}
	memset(&df, 0, sizeof(df));
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (df.n == cap) {
			size_t nc = cap ? cap * 2 : 32;
			char **nn = realloc(df.names, nc * sizeof(*nn));
			if (nn == NULL)
				goto nomem;
			df.names = nn;
			cap = nc;
		}
		if ((df.names[df.n] = strdup(de->d_name)) == NULL)
			goto nomem; /* never a listing with names missing */
		df.n++;
	}
	closedir(d);
	d = NULL;
	qsort(df.names, df.n, sizeof(*df.names), cmp_names);
	if ((df.path = strdup(path)) == NULL)
		goto nomem;
	df.dev = st->st_dev;
	df.ino = st->st_ino;
	if (r->ndirs == r->capdirs) {
		size_t nc = r->capdirs ? r->capdirs * 2 : 8;
		struct dirframe *nd = realloc(r->dirs, nc * sizeof(*nd));
		if (nd == NULL)
			goto nomem;
		r->dirs = nd;
		r->capdirs = nc;
	}
	r->dirs[r->ndirs++] = df;
	return K8A_OK;
nomem:
	if (d != NULL)
		closedir(d);
	for (i = 0; i < df.n; i++)
		free(df.names[i]);
	free(df.names);
	free(df.path);
	return K8A_FATAL;
}

/* ---- opening streams ---- */

/* Peel compression layers off the top level's chain; when an archive is
 * found, make the level an archive.  K8A_OK (framer ready or archive
 * level pushed), K8A_EOF (nothing in it), K8A_WARN. */
static int
open_stream(k8a_reader *r)
{
	struct level *l = &r->lv[r->nlv - 1];
	unsigned char head[512];

	for (;;) {
		ssize_t n = k8a_src_peek(l->chain, head, sizeof(head));
		struct k8a_src *s;
		if (n < 0)
			return src_problem(r);
		switch (k8a_sniff_magic(head, (size_t)n)) {
		case MAGIC_EMPTY:
			/* nothing to read (a zero-byte object of a synced tree,
			 * the stdin of a grep that matched nothing) is no trouble */
			return K8A_EOF;
		case MAGIC_GZIP:
			if ((s = k8a_src_gzip(l->chain)) == NULL)
				return K8A_FATAL;
			l->chain = s;
			continue;
		case MAGIC_ZSTD:
			if ((s = k8a_src_zstd(l->chain)) == NULL)
				return K8A_FATAL;
			l->chain = s;
			continue;
		case MAGIC_ARCHIVE:
			if ((l->ar = k8a_archive_open(l->chain, r->err)) == NULL)
				return src_problem(r);
			return K8A_OK;
		case MAGIC_NONE:
			/* decode on a second thread while this one frames */
			if (l->chain->kind == SRC_GZIP || l->chain->kind == SRC_ZSTD ||
			    l->chain->kind == SRC_ENTRY) {
				if ((s = k8a_src_readahead(l->chain)) == NULL)
					return K8A_FATAL;
				l->chain = s;
			}
			if ((r->fr = k8a_framer_new(l->chain, r->max_record, r->pf, r->from_walk || l->member != NULL, r->err)) == NULL)
				return K8A_FATAL;
			if (r->progress)
				k8a_framer_set_progress(r->fr, r->progress, r->progress_arg);
			return K8A_OK;
		}
	}
}

/* The next input to read, from the queue or the directory walk.
 * K8A_OK with *in filled (in->path owned by the caller), K8A_EOF, or
 * K8A_WARN for a problem of the walk itself (message and place set). */
int
k8a_reader_next_input(k8a_reader *r, struct k8a_input *in)
{
	struct stat st;
	char *owned;
	int rc;

	memset(in, 0, sizeof(*in));
	for (;;) {
		if (r->ndirs > 0) {
			struct dirframe *d = &r->dirs[r->ndirs - 1];
			if (d->i == d->n) {
				free(d->names);
				free(d->path);
				r->ndirs--;
				continue;
			}
			owned = join(d->path, d->names[d->i]);
			free(d->names[d->i]);
			d->i++;
			if (owned == NULL)
				return K8A_FATAL;
			if (stat(owned, &st) != 0) {
				free(r->path);
				r->path = owned;
				r->members[0] = '\0';
				return warn_at(r, 0, -1, "cannot open: %s", strerror(errno));
			}
			if (S_ISDIR(st.st_mode)) {
				rc = push_dir(r, owned, &st);
				free(owned);
				if (rc != K8A_OK)
					return rc;
				continue;
			}
			if (!S_ISREG(st.st_mode)) {
				free(owned);
				continue;
			}
			in->path = owned;
			in->walked = 1;
			return K8A_OK;
		} else {
			struct input *q;
			if (r->iq == r->nq)
				return K8A_EOF;
			q = &r->q[r->iq++];
			if (!q->is_mem && strcmp(q->path, "-") != 0 && stat(q->path, &st) == 0 &&
			    S_ISDIR(st.st_mode)) {
				if ((rc = push_dir(r, q->path, &st)) != K8A_OK)
					return rc;
				continue;
			}
			if ((in->path = strdup(q->path)) == NULL)
				return K8A_FATAL;
			in->mem = q->mem;
			in->memlen = q->memlen;
			in->is_mem = q->is_mem;
			in->walked = q->walked;
			return K8A_OK;
		}
	}
}

/* Open one input (takes in->path).  K8A_OK, K8A_WARN. */
static int
open_input(k8a_reader *r, struct k8a_input *in)
{
	struct k8a_src *s;
	int fd;

	free(r->path);
	r->path = NULL;
	r->members[0] = '\0';
	r->from_walk = in->walked;
	if (in->is_mem) {
		r->path = in->path;
		if ((s = k8a_src_mem(in->mem, in->memlen, r->err)) == NULL)
			return K8A_FATAL;
	} else if (strcmp(in->path, "-") == 0) {
		free(in->path);
		if ((r->path = strdup("<stdin>")) == NULL || (s = k8a_src_fd(0, 0, r->err)) == NULL)
			return K8A_FATAL;
	} else {
		r->path = in->path;
		if ((fd = open(r->path, O_RDONLY | O_CLOEXEC)) < 0)
			return warn_at(r, 0, -1, "cannot open: %s", strerror(errno));
		if ((s = k8a_src_fd(fd, 1, r->err)) == NULL) {
			close(fd);
			return K8A_FATAL;
		}
	}
	r->file_no++;
	r->announced = 0;
	r->nlv = 1;
	r->lv[0].chain = s;
	r->file_open = 1;
	return open_stream(r);
}

/* Open the next file from the queue or the directory walk.
 * K8A_OK, K8A_EOF, K8A_WARN. */
static int
open_next_file(k8a_reader *r)
{
	struct k8a_input in;
	int rc = k8a_reader_next_input(r, &in);

	if (rc != K8A_OK)
		return rc;
	return open_input(r, &in);
}

static void
close_framer(k8a_reader *r)
{
	r->bytes += k8a_framer_bytes(r->fr);
	r->skipped += k8a_framer_skipped(r->fr);
	k8a_framer_free(r->fr);
	r->fr = NULL;
}

/* The innermost stream is done: pop levels until an archive offers its
 * next entry.  K8A_OK (something open), K8A_EOF (file done), K8A_WARN. */
static int
advance(k8a_reader *r)
{
	for (;;) {
		struct level *l;
		struct k8a_src *entry;
		const char *name;
		int rc;

		if (r->nlv == 0)
			return K8A_EOF;
		l = &r->lv[r->nlv - 1];
		if (l->ar == NULL) {
			pop_level(r);
			update_members(r);
			continue;
		}
		rc = k8a_archive_next(l->ar, &entry, &name);
		if (rc == K8A_EOF) {
			k8a_archive_close(l->ar);
			l->ar = NULL;
			continue;
		}
		if (rc == K8A_WARN) /* one damaged member; the next may be fine */
			return src_problem(r);
		if (rc == K8A_FATAL)
			return K8A_FATAL;
		if (rc != K8A_OK) {
			rc = src_problem(r);
			k8a_archive_close(l->ar);
			l->ar = NULL;
			return rc;
		}
		if (r->nlv > MAX_NEST) {
			k8a_src_close(entry);
			return warn_at(r, 0, -1, "archives nested more than %d deep, skipped", MAX_NEST);
		}
		l = &r->lv[r->nlv++];
		l->chain = entry;
		l->ar = NULL;
		l->member = name ? strdup(name) : NULL;
		update_members(r);
		if (name != NULL && l->member == NULL)
			return K8A_FATAL;
		rc = open_stream(r);
		if (rc == K8A_EOF) /* an empty member: the level is popped above */
			continue;
		if (rc != K8A_OK)
			return rc;
		if (r->fr != NULL)
			return K8A_OK;
	}
}

/* Worth worker threads?  Only for several files: one file already has
 * its decompression on a thread of its own (readahead.c), and a pipe must
 * not wait for a batch to fill. */
static int
several_files(const k8a_reader *r)
{
	struct stat st;

	if (r->nq > 1)
		return 1;
	return r->nq == 1 && !r->q[0].is_mem && strcmp(r->q[0].path, "-") != 0 &&
	       stat(r->q[0].path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int next_serial(k8a_reader *r, k8a_event **evp);

int
k8a_reader_next(k8a_reader *r, k8a_event **evp)
{
	int rc;

	*evp = NULL;
	if (r->fatal) {
		if (!k8a_is_nomem(r->msg))
			fatal_at(r);
		return K8A_FATAL;
	}
	if (r->threads > 1 && r->pool == NULL && !r->file_open && r->file_no == 0 && several_files(r))
		k8a_pool_start(r); /* on failure, read serially */
	rc = r->pool != NULL ? k8a_pool_next(r, evp) : next_serial(r, evp);
	if (rc == K8A_FATAL && !r->fatal)
		return fatal_at(r);
	return rc;
}

static int
next_serial(k8a_reader *r, k8a_event **evp)
{
	struct k8a_rec rec;
	int rc;

	for (;;) {
		if (r->fr == NULL) {
			/* A level without framer or archive is a stream that
			 * could not be opened; advance() pops it. */
			rc = r->file_open ? advance(r) : open_next_file(r);
			if (rc == K8A_EOF && r->file_open) {
				close_levels(r);
				continue;
			}
			if (rc != K8A_OK)
				return rc;
			continue;
		}
		rc = k8a_framer_next(r->fr, &rec);
		if (!r->announced && r->file_cb && k8a_framer_is_log(r->fr)) {
			r->announced = 1;
			r->file_cb(r->file_arg, r->path);
		}
		if (rc == K8A_OK) {
			k8a_event_reset(&r->ev, rec.p, rec.len);
			r->ev.origin.path = r->path;
			r->ev.origin.member = r->members[0] ? r->members : NULL;
			r->ev.origin.line = rec.line;
			r->ev.origin.index = rec.index;
			r->ev.origin.offset = rec.offset;
			*evp = &r->ev;
			return K8A_OK;
		}
		if (rc == K8A_EOF) {
			close_framer(r);
			continue;
		}
		/* a bad record (K8A_WARN) or an unusable stream (K8A_FAILED);
		 * out of memory, from the framer or a decoder, ends everything */
		if (rc == K8A_FATAL || k8a_is_nomem(r->err)) {
			warn_at(r, rec.line, rec.index, "%s", K8A_NOMEM);
			r->fatal = 1;
			return K8A_FATAL;
		}
		return warn_at(r, rec.line, rec.index, "%s", r->err);
	}
}

/* ---- stage de-duplication ---- */

/* A 64-bit hash, eight bytes a step: ids, URIs and names are long. */
static uint64_t
hash_id(const char *s, size_t n, uint64_t h)
{
	const uint64_t m = 0x9E3779B97F4A7C15ULL;
	uint64_t w;
	size_t i = 0;

	if (h == 0)
		h = 1469598103934665603ULL;
	for (; i + 8 <= n; i += 8) {
		memcpy(&w, s + i, 8);
		h = (h ^ w) * m;
		h ^= h >> 29;
	}
	for (; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * m;
	h ^= h >> 32;
	return h ? h : 1;
}

static int
seen_has(const struct seen_set *s, uint64_t h)
{
	size_t i;

	if (s->slot == NULL)
		return 0;
	for (i = h & (SEEN_SLOTS - 1); s->slot[i] != 0; i = (i + 1) & (SEEN_SLOTS - 1))
		if (s->slot[i] == h)
			return 1;
	return 0;
}

int
k8a_reader_seen(k8a_reader *r, k8a_event *ev)
{
	size_t i;
	uint64_t h;

	/* The id is read from the raw text, so that counting records never
	 * needs a full parse.  CloudTrail records have no auditID.  Clients
	 * may choose their audit id (the Audit-ID header), so the key also
	 * holds what every stage of one request repeats: verb, URI and user
	 * name, which the API server writes right after the id. */
	{
		static const char *const keys[] = { "auditID", "verb", "requestURI", "user" };
		const char *v[4], *u;
		size_t vn[4], un, k;
		if (memmem(ev->raw, ev->len, "\"auditID\"", 9) == NULL)
			return 0; /* cheaper than walking a CloudTrail record */
		k8a_jscan_members(ev->raw, ev->len, keys, 4, v, vn);
		if (v[0] == NULL || v[0][0] != '"')
			return 0;
		h = 0;
		for (k = 0; k < 3; k++)
			if (v[k] != NULL)
				h = hash_id(v[k], vn[k], h);
		if (v[3] != NULL && v[3][0] == '{' && k8a_jscan_member(v[3], vn[3], "username", &u, &un) == 1)
			h = hash_id(u, un, h);
	}
	if (r->seen_file != r->file_no) {
		/* stages of one request are written to the same file */
		for (i = 0; i < 2; i++) {
			free(r->seen[i].slot);
			r->seen[i].slot = NULL;
			r->seen[i].n = 0;
		}
		r->seen_file = r->file_no;
	}
	if (seen_has(&r->seen[0], h) || seen_has(&r->seen[1], h))
		return 1;
	/* two generations: when the current one fills, the older is dropped */
	if (r->seen[0].slot == NULL || r->seen[0].n >= SEEN_MAX) {
		free(r->seen[1].slot);
		r->seen[1] = r->seen[0];
		r->seen[0].n = 0;
		if ((r->seen[0].slot = calloc(SEEN_SLOTS, sizeof(uint64_t))) == NULL) {
			/* a second stage counted again would be a wrong count */
			return K8A_FATAL;
		}
	}
	for (i = h & (SEEN_SLOTS - 1); r->seen[0].slot[i] != 0; i = (i + 1) & (SEEN_SLOTS - 1))
		;
	r->seen[0].slot[i] = h;
	r->seen[0].n++;
	return 0;
}
