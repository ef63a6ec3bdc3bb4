/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Walking the inputs: the queue of what was given (paths, "-", buffers)
 * and the directories met in it, listed and walked in byte order of names,
 * handing out one input to read at a time.  Nothing here opens a file for
 * reading: that is the stream's job (stream.c).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "reader.h"

struct queued {
	char *path;
	const void *mem;
	size_t memlen;
	int is_mem;
};

struct dirframe {
	char *path;
	char **names;
	size_t n, i;
	dev_t dev;
	ino_t ino;
};

struct k8a_walk {
	struct queued *q;
	size_t nq, iq, capq;
	struct dirframe *dirs;
	size_t ndirs, capdirs;
	const char *root;      /* the argument the directories walked are under */
	struct k8a_walk_filter filter;
	uint64_t shard, nshards; /* nshards 0: every object */
	char msg[K8A_ERRLEN];
};

void
k8a_walk_set_shard(struct k8a_walk *w, uint64_t k, uint64_t n)
{
	w->shard = k;
	w->nshards = n;
}

uint64_t
k8a__object_hash(const char *root, const char *path)
{
	char buf[8192];
	const char *rel = path, *base;
	size_t rl;

	if (root == NULL)
		return k8a_hash64(path, strlen(path));
	rl = strlen(root);
	while (rl > 1 && root[rl - 1] == '/')
		rl--;
	if (strncmp(path, root, rl) == 0) {
		rel = path + rl;
		while (*rel == '/')
			rel++;
	}
	/* the argument's last name and the path below it: the same on
	 * every machine whatever the tree is mounted as */
	for (base = root + rl; base > root && base[-1] != '/'; base--)
		;
	snprintf(buf, sizeof(buf), "%.*s/%s", (int)(root + rl - base), base, rel);
	return k8a_hash64(buf, strlen(buf));
}

void
k8a_walk_set_filter(struct k8a_walk *w, const struct k8a_walk_filter *f)
{
	w->filter = *f;
}

/* Whether to hand out the file at path (one of this shard's objects, and
 * not read before by the walk's state): 1, 0, or K8A_FATAL. */
static int
wanted(struct k8a_walk *w, const char *root, const char *path)
{
	int rc;

	/* another shard's object: not even looked at by the state */
	if (w->nshards > 1 && k8a__object_hash(root, path) % w->nshards != w->shard)
		return 0;
	if (w->filter.object == NULL)
		return 1;
	rc = w->filter.object(w->filter.arg, root, path);
	return rc == 0 || rc == K8A_FATAL ? rc : 1;
}

struct k8a_walk *
k8a_walk_new(void)
{
	return calloc(1, sizeof(struct k8a_walk));
}

void
k8a_walk_free(struct k8a_walk *w)
{
	size_t i, j;

	if (w == NULL)
		return;
	for (i = 0; i < w->nq; i++)
		free(w->q[i].path);
	free(w->q);
	for (i = 0; i < w->ndirs; i++) {
		for (j = w->dirs[i].i; j < w->dirs[i].n; j++)
			free(w->dirs[i].names[j]);
		free(w->dirs[i].names);
		free(w->dirs[i].path);
	}
	free(w->dirs);
	free(w);
}

int
k8a_walk_add(struct k8a_walk *w, const char *path, const void *mem, size_t len, int is_mem)
{
	if (w->nq == w->capq) {
		size_t nc = w->capq ? w->capq * 2 : 8;
		struct queued *nq = realloc(w->q, nc * sizeof(*nq));
		if (nq == NULL)
			return K8A_FATAL;
		w->q = nq;
		w->capq = nc;
	}
	if ((w->q[w->nq].path = strdup(path)) == NULL)
		return K8A_FATAL;
	w->q[w->nq].mem = mem;
	w->q[w->nq].memlen = len;
	w->q[w->nq].is_mem = is_mem;
	w->nq++;
	return K8A_OK;
}

const char *
k8a_walk_error(const struct k8a_walk *w)
{
	return w->msg;
}

static int
is_stdin(const struct queued *q)
{
	return !q->is_mem && strcmp(q->path, "-") == 0;
}

int
k8a_walk_several(const struct k8a_walk *w)
{
	struct stat st;

	if (w->nq > 1)
		return 1;
	return w->nq == 1 && !w->q[0].is_mem && !is_stdin(&w->q[0]) && stat(w->q[0].path, &st) == 0 &&
	       S_ISDIR(st.st_mode);
}

/* A problem of the walk at path (taken): K8A_WARN with in->path the place. */
static int
walk_warn(struct k8a_walk *w, struct k8a_input *in, char *path, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int
walk_warn(struct k8a_walk *w, struct k8a_input *in, char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(w->msg, sizeof(w->msg), fmt, ap);
	va_end(ap);
	in->path = path;
	return K8A_WARN;
}

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

/* The names in directory d, sorted, into df.  K8A_OK, K8A_FATAL, or the
 * errno of opendir() (positive). */
static int
list_dir(DIR *d, struct dirframe *df)
{
	struct dirent *de;
	size_t cap = 0;

	memset(df, 0, sizeof(*df));
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (df->n == cap) {
			size_t nc = cap ? cap * 2 : 32;
			char **nn = realloc(df->names, nc * sizeof(*nn));
			if (nn == NULL)
				return K8A_FATAL;
			df->names = nn;
			cap = nc;
		}
		if ((df->names[df->n] = strdup(de->d_name)) == NULL)
			return K8A_FATAL; /* never a listing with names missing */
		df->n++;
	}
	qsort(df->names, df->n, sizeof(*df->names), cmp_names);
	return K8A_OK;
}

/* Enter a directory: list and sort its names.  K8A_OK, K8A_WARN (in->path
 * the place), K8A_FATAL. */
static int
push_dir(struct k8a_walk *w, const char *path, const struct stat *st, struct k8a_input *in)
{
	struct dirframe df;
	char *place;
	size_t i;
	DIR *d;
	int rc;

	for (i = 0; i < w->ndirs; i++)
		if (w->dirs[i].dev == st->st_dev && w->dirs[i].ino == st->st_ino) {
			if ((place = strdup(path)) == NULL)
				return K8A_FATAL;
			return walk_warn(w, in, place, "symbolic link loop: directory already being read as %s",
				w->dirs[i].path);
		}
	if ((d = opendir(path)) == NULL) {
		int e = errno;
		if (e == ENOMEM || (place = strdup(path)) == NULL)
			return K8A_FATAL;
		return walk_warn(w, in, place, "cannot read directory: %s", strerror(e));
	}
	rc = list_dir(d, &df);
	closedir(d);
	if (rc == K8A_OK && (df.path = strdup(path)) == NULL)
		rc = K8A_FATAL;
	if (rc == K8A_OK && w->ndirs == w->capdirs) {
		size_t nc = w->capdirs ? w->capdirs * 2 : 8;
		struct dirframe *nd = realloc(w->dirs, nc * sizeof(*nd));
		if (nd == NULL)
			rc = K8A_FATAL;
		else {
			w->dirs = nd;
			w->capdirs = nc;
		}
	}
	if (rc != K8A_OK) {
		for (i = 0; i < df.n; i++)
			free(df.names[i]);
		free(df.names);
		free(df.path);
		return rc;
	}
	df.dev = st->st_dev;
	df.ino = st->st_ino;
	w->dirs[w->ndirs++] = df;
	return K8A_OK;
}

/* The next entry of the innermost directory being walked: K8A_OK with *in
 * set (a regular file), K8A_EOF when the directory is done, or a problem
 * (K8A_WARN, K8A_FATAL).  *again when the entry was a directory or a
 * special file and nothing is handed out. */
static int
next_in_dir(struct k8a_walk *w, struct k8a_input *in, int *again)
{
	struct dirframe *d = &w->dirs[w->ndirs - 1];
	struct stat st;
	char *owned;
	int rc;

	*again = 1;
	if (d->i == d->n) {
		free(d->names);
		free(d->path);
		w->ndirs--;
		return K8A_OK;
	}
	owned = join(d->path, d->names[d->i]);
	free(d->names[d->i]);
	d->i++;
	if (owned == NULL)
		return K8A_FATAL;
	if (stat(owned, &st) != 0)
		return walk_warn(w, in, owned, "cannot open: %s", strerror(errno));
	if (S_ISDIR(st.st_mode)) {
		rc = push_dir(w, owned, &st, in);
		free(owned);
		return rc;
	}
	if (!S_ISREG(st.st_mode) || (rc = wanted(w, w->root, owned)) == 0) {
		free(owned);
		return K8A_OK;
	}
	if (rc == K8A_FATAL) {
		free(owned);
		return rc;
	}
	*again = 0;
	in->path = owned;
	in->walked = 1;
	return K8A_OK;
}

int
k8a_walk_next(struct k8a_walk *w, struct k8a_input *in)
{
	struct stat st;
	int rc, again;

	memset(in, 0, sizeof(*in));
	for (;;) {
		struct queued *q;
		if (w->ndirs > 0) {
			if ((rc = next_in_dir(w, in, &again)) != K8A_OK || !again)
				return rc;
			continue;
		}
		if (w->iq == w->nq)
			return K8A_EOF;
		q = &w->q[w->iq++];
		if (!q->is_mem && !is_stdin(q) && stat(q->path, &st) == 0 && S_ISDIR(st.st_mode)) {
			if ((rc = push_dir(w, q->path, &st, in)) != K8A_OK)
				return rc;
			w->root = q->path;
			continue;
		}
		/* standard input and buffers have no path: shard 0 reads them */
		if ((q->is_mem || is_stdin(q)) && w->nshards > 1 && w->shard != 0)
			continue;
		if (!q->is_mem && !is_stdin(q) && (rc = wanted(w, NULL, q->path)) != 1) {
			if (rc == 0)
				continue;
			return rc;
		}
		in->is_stdin = is_stdin(q);
		if ((in->path = strdup(in->is_stdin ? "<stdin>" : q->path)) == NULL)
			return K8A_FATAL;
		in->mem = q->mem;
		in->memlen = q->memlen;
		in->is_mem = q->is_mem;
		return K8A_OK;
	}
}
