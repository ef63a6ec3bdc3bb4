/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The analysis state of unattended runs (k8saudit-state(5)): which
 * objects were read, the committed length of an output file, and the
 * sections of a tool; loaded whole and checked, saved atomically, locked
 * against a second run.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "reader.h"

#define MAGIC "K8ASTAT\n"
#define FORMAT_VERSION 1
#define HEADER 72
#define MAX_PAYLOAD (UINT64_C(1) << 30) /* by default, a state over 1 GiB is not ours */
#define SAMPLE 4096                     /* bytes of head and tail hashed */

struct objrec {
	uint64_t path;  /* hash of the path relative to its argument */
	uint64_t ident; /* hash of size, time, head and tail */
};

struct section {
	char name[32];
	unsigned char *data;
	size_t len;
};

struct k8a_state {
	char *path;
	char tool[16];
	int lockfd;
	struct objrec *objs; /* loaded, sorted by path */
	size_t nobjs;
	struct objrec *pend; /* accepted by this run */
	size_t npend, cappend;
	struct section *secs;
	size_t nsecs;
	int has_output;
	uint64_t out_len, out_dev, out_ino;
	uint64_t skipped;
	uint64_t max_payload; /* k8a_state_set_limit() */
	char msg[K8A_ERRLEN + 4096];
};

static int
fail(k8a_state *st, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int
fail(k8a_state *st, const char *fmt, ...)
{
	va_list ap;
	int n = snprintf(st->msg, sizeof(st->msg), "%s: ", st->path);

	va_start(ap, fmt);
	vsnprintf(st->msg + n, sizeof(st->msg) - (size_t)n, fmt, ap);
	va_end(ap);
	return K8A_FAILED;
}

static void
put64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint64_t
get64(const unsigned char *p)
{
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static void
put32(unsigned char *p, uint32_t v)
{
	int i;

	for (i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static uint32_t
get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

uint64_t
k8a_hash64(const void *data, size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1)
		return 0;
	return get64(md);
}

/* "1 GiB", "512 MiB" or bytes, for messages. */
static const char *
size_text(uint64_t n)
{
	static __thread char buf[32];

	if (n % ((uint64_t)1 << 30) == 0)
		snprintf(buf, sizeof(buf), "%llu GiB", (unsigned long long)(n >> 30));
	else if (n % ((uint64_t)1 << 20) == 0)
		snprintf(buf, sizeof(buf), "%llu MiB", (unsigned long long)(n >> 20));
	else
		snprintf(buf, sizeof(buf), "%llu bytes", (unsigned long long)n);
	return buf;
}

int
k8a_state_set_limit(k8a_state *st, uint64_t bytes)
{
	if (bytes < ((uint64_t)1 << 20) || bytes > ((uint64_t)1 << 40))
		return K8A_FAILED;
	st->max_payload = bytes;
	return K8A_OK;
}

k8a_state *
k8a_state_new(const char *path, const char *tool)
{
	k8a_state *st = calloc(1, sizeof(*st));

	if (st == NULL)
		return NULL;
	if ((st->path = strdup(path)) == NULL) {
		free(st);
		return NULL;
	}
	snprintf(st->tool, sizeof(st->tool), "%s", tool);
	st->lockfd = -1;
	st->max_payload = MAX_PAYLOAD;
	return st;
}

static void
sections_free(k8a_state *st)
{
	size_t i;

	for (i = 0; i < st->nsecs; i++)
		free(st->secs[i].data);
	free(st->secs);
	st->secs = NULL;
	st->nsecs = 0;
}

void
k8a_state_free(k8a_state *st)
{
	if (st == NULL)
		return;
	if (st->lockfd >= 0)
		close(st->lockfd); /* and with it the lock */
	sections_free(st);
	free(st->objs);
	free(st->pend);
	free(st->path);
	free(st);
}

const char *
k8a_state_error(const k8a_state *st)
{
	return st->msg;
}

uint64_t
k8a_state_skipped(const k8a_state *st)
{
	return st->skipped;
}

int
k8a_state_lock(k8a_state *st)
{
	size_t n = strlen(st->path);
	char *lp = malloc(n + 6);

	if (lp == NULL)
		return K8A_FATAL;
	memcpy(lp, st->path, n);
	memcpy(lp + n, ".lock", 6);
	st->lockfd = open(lp, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	free(lp);
	if (st->lockfd < 0)
		return fail(st, "cannot make the lock file %s.lock: %s", st->path, strerror(errno));
	if (flock(st->lockfd, LOCK_EX | LOCK_NB) != 0) {
		int e = errno;
		close(st->lockfd);
		st->lockfd = -1;
		if (e == EWOULDBLOCK)
			return fail(st, "locked by another run (it holds %s.lock); not run twice at once", st->path);
		return fail(st, "cannot lock %s.lock: %s", st->path, strerror(e));
	}
	return K8A_OK;
}

/* ---- sections ---- */

static struct section *
find_section(const k8a_state *st, const char *name)
{
	size_t i;

	for (i = 0; i < st->nsecs; i++)
		if (strcmp(st->secs[i].name, name) == 0)
			return &st->secs[i];
	return NULL;
}

const void *
k8a_state_section(const k8a_state *st, const char *name, size_t *len)
{
	const struct section *s = find_section(st, name);

	*len = s ? s->len : 0;
	return s ? s->data : NULL;
}

/* Add or replace a section, taking data (malloc'd; freed on failure). */
static int
put_section(k8a_state *st, const char *name, unsigned char *data, size_t len)
{
	struct section *s = find_section(st, name), *ns;

	if (s == NULL) {
		if ((ns = realloc(st->secs, (st->nsecs + 1) * sizeof(*ns))) == NULL) {
			free(data);
			return K8A_FATAL;
		}
		st->secs = ns;
		s = &st->secs[st->nsecs++];
		snprintf(s->name, sizeof(s->name), "%s", name);
	} else
		free(s->data);
	s->data = data;
	s->len = len;
	return K8A_OK;
}

int
k8a_state_set_section(k8a_state *st, const char *name, const void *data, size_t len)
{
	unsigned char *copy;

	if (name[0] == '\0' || strlen(name) >= 32 || strcmp(name, "objects") == 0 || strcmp(name, "output") == 0)
		return fail(st, "bad section name '%s'", name);
	if ((copy = malloc(len ? len : 1)) == NULL)
		return K8A_FATAL;
	if (len)
		memcpy(copy, data, len);
	return put_section(st, name, copy, len);
}

/* ---- loading ---- */

static int
cmp_obj(const void *a, const void *b)
{
	const struct objrec *x = a, *y = b;

	return x->path < y->path ? -1 : x->path > y->path;
}

/* The library's own sections, out of the section table. */
static int
take_builtin(k8a_state *st)
{
	struct section *s;
	size_t i;

	if ((s = find_section(st, "objects")) != NULL) {
		uint64_t n;
		if (s->len < 8 || (n = get64(s->data)) != (s->len - 8) / 16 || (s->len - 8) % 16)
			return fail(st, "corrupt: the objects section does not hold its count");
		if (n && (st->objs = malloc(n * sizeof(*st->objs))) == NULL)
			return K8A_FATAL;
		for (i = 0; i < n; i++) {
			st->objs[i].path = get64(s->data + 8 + 16 * i);
			st->objs[i].ident = get64(s->data + 16 + 16 * i);
		}
		st->nobjs = n;
		if (n > 1)
			qsort(st->objs, n, sizeof(*st->objs), cmp_obj);
	}
	if ((s = find_section(st, "output")) != NULL) {
		if (s->len != 24)
			return fail(st, "corrupt: the output section is %zu bytes, not 24", s->len);
		st->has_output = 1;
		st->out_len = get64(s->data);
		st->out_dev = get64(s->data + 8);
		st->out_ino = get64(s->data + 16);
	}
	/* kept apart from the tool's sections, which keep their order (a
	 * state saved again is the same file) */
	for (i = 0; i < st->nsecs;) {
		if (strcmp(st->secs[i].name, "objects") == 0 || strcmp(st->secs[i].name, "output") == 0) {
			free(st->secs[i].data);
			memmove(&st->secs[i], &st->secs[i + 1], (st->nsecs - i - 1) * sizeof(*st->secs));
			st->nsecs--;
		} else
			i++;
	}
	return K8A_OK;
}

static int
parse_sections(k8a_state *st, const unsigned char *p, size_t n)
{
	size_t at = 0;

	while (at < n) {
		const unsigned char *nul = memchr(p + at, '\0', n - at < 32 ? n - at : 32);
		char name[32];
		uint64_t len;
		unsigned char *data;
		int rc;
		if (nul == NULL || nul == p + at || (size_t)(nul - p) + 9 > n)
			return fail(st, "corrupt: a section header at payload byte %zu", at);
		memcpy(name, p + at, (size_t)(nul - (p + at)) + 1);
		at = (size_t)(nul - p) + 1;
		len = get64(p + at);
		at += 8;
		if (len > n - at)
			return fail(st, "corrupt: section %s runs past the payload", name);
		if (find_section(st, name))
			return fail(st, "corrupt: section %s twice", name);
		if ((data = malloc(len ? len : 1)) == NULL)
			return K8A_FATAL;
		memcpy(data, p + at, len);
		if ((rc = put_section(st, name, data, len)) != K8A_OK)
			return rc;
		at += len;
	}
	return take_builtin(st);
}

/* The whole file into *buf. */
static int
slurp(k8a_state *st, int fd, unsigned char **buf, size_t *n)
{
	struct stat sb;
	size_t got = 0;

	if (fstat(fd, &sb) != 0)
		return fail(st, "cannot read: %s", strerror(errno));
	if ((uint64_t)sb.st_size > st->max_payload)
		return fail(st, "corrupt: %lld bytes, over the %s a state may be (--limit state=SIZE raises it)",
			(long long)sb.st_size, size_text(st->max_payload));
	if ((*buf = malloc((size_t)sb.st_size + 1)) == NULL)
		return K8A_FATAL;
	while (got < (size_t)sb.st_size) {
		ssize_t r = read(fd, *buf + got, (size_t)sb.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return fail(st, "cannot read: %s", strerror(errno));
		if (r == 0)
			break;
		got += (size_t)r;
	}
	*n = got;
	return K8A_OK;
}

static void
header_digest(const unsigned char *hdr, const unsigned char *payload, size_t n, unsigned char md[32])
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	unsigned int mdlen = 0;

	memset(md, 0, 32);
	if (c == NULL)
		return;
	if (EVP_DigestInit_ex(c, EVP_sha256(), NULL) == 1 && EVP_DigestUpdate(c, hdr, 40) == 1 &&
	    EVP_DigestUpdate(c, payload, n) == 1)
		EVP_DigestFinal_ex(c, md, &mdlen);
	EVP_MD_CTX_free(c);
}

/* The zstd frame of n bytes at z into *out (*got bytes, at most max):
 * memory grows with what the frame really holds, not with what a header
 * claims. */
static int
inflate(k8a_state *st, const unsigned char *z, size_t n, size_t max, unsigned char **out, size_t *got)
{
	ZSTD_DCtx *dc = ZSTD_createDCtx();
	ZSTD_inBuffer in = { z, n, 0 };
	ZSTD_outBuffer ob = { NULL, 0, 0 };
	size_t r = 1, cap = max < 65536 ? max + 1 : 65536;
	int rc = K8A_OK;

	*out = NULL;
	*got = 0;
	if (dc == NULL || (ob.dst = malloc(cap)) == NULL) {
		ZSTD_freeDCtx(dc);
		return K8A_FATAL;
	}
	ob.size = cap;
	while (r != 0) {
		r = ZSTD_decompressStream(dc, &ob, &in);
		if (ZSTD_isError(r)) {
			rc = ZSTD_getErrorCode(r) == ZSTD_error_memory_allocation ? K8A_FATAL :
				fail(st, "corrupt or truncated: the payload does not decompress (%s)", ZSTD_getErrorName(r));
			break;
		}
		if (r == 0)
			break; /* the frame is whole */
		if (ob.pos > max) {
			rc = fail(st, "corrupt: the payload is longer than its header says (%zu bytes)", max);
			break;
		}
		if (ob.pos == ob.size) {
			size_t nc = ob.size * 2 > max + 1 ? max + 1 : ob.size * 2;
			void *nb = realloc(ob.dst, nc);
			if (nb == NULL) {
				rc = K8A_FATAL;
				break;
			}
			ob.dst = nb;
			ob.size = nc;
		} else if (in.pos == in.size) {
			rc = fail(st, "truncated: the payload's zstd frame ends early");
			break;
		}
	}
	if (rc == K8A_OK && in.pos != in.size)
		rc = fail(st, "corrupt: %zu bytes after the payload's zstd frame", in.size - in.pos);
	ZSTD_freeDCtx(dc);
	if (rc != K8A_OK) {
		free(ob.dst);
		return rc;
	}
	*out = ob.dst;
	*got = ob.pos;
	return K8A_OK;
}

static int
parse_file(k8a_state *st, const unsigned char *f, size_t n)
{
	unsigned char md[32], *payload;
	char tool[17];
	uint64_t plen;
	size_t got;
	int rc;

	if (n < HEADER)
		return fail(st, "truncated: %zu bytes, shorter than the %d-byte header of a state file", n, HEADER);
	if (memcmp(f, MAGIC, 8) != 0)
		return fail(st, "not a k8saudit state file (foreign magic)");
	if (get32(f + 8) != FORMAT_VERSION)
		return fail(st, "state format version %u; this program reads version %d", get32(f + 8), FORMAT_VERSION);
	memcpy(tool, f + 16, 16);
	tool[16] = '\0';
	for (plen = 0; tool[plen]; plen++)
		if ((unsigned char)tool[plen] < 0x20 || (unsigned char)tool[plen] >= 0x7f)
			tool[plen] = '?'; /* printed */
	if (strcmp(tool, st->tool) != 0)
		return fail(st, "a state of %s, not of %s", tool, st->tool);
	if ((plen = get64(f + 32)) > st->max_payload)
		return fail(st, "corrupt: a payload of %llu bytes, over the %s a state may be (--limit state=SIZE raises it)",
			(unsigned long long)plen, size_text(st->max_payload));
	if ((rc = inflate(st, f + HEADER, n - HEADER, (size_t)plen, &payload, &got)) != K8A_OK)
		return rc;
	if (got != plen) {
		free(payload);
		return fail(st, "truncated: the payload is %zu bytes, not %llu", got, (unsigned long long)plen);
	}
	header_digest(f, payload, (size_t)plen, md);
	if (memcmp(md, f + 40, 32) != 0) {
		free(payload);
		return fail(st, "corrupt: the checksum does not match");
	}
	rc = parse_sections(st, payload, (size_t)plen);
	free(payload);
	return rc;
}

int
k8a_state_load(k8a_state *st)
{
	unsigned char *buf = NULL;
	size_t n = 0;
	int fd, rc;

	if ((fd = open(st->path, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT)
			return K8A_OK; /* the first run */
		return fail(st, "cannot open: %s", strerror(errno));
	}
	rc = slurp(st, fd, &buf, &n);
	close(fd);
	if (rc == K8A_OK)
		rc = parse_file(st, buf, n);
	free(buf);
	if (rc != K8A_OK) { /* nothing half-loaded is used */
		sections_free(st);
		free(st->objs);
		st->objs = NULL;
		st->nobjs = 0;
		st->has_output = 0;
	}
	return rc;
}

/* ---- objects ---- */

static const struct objrec *
find_obj(const k8a_state *st, uint64_t path)
{
	struct objrec key = { path, 0 };

	return st->nobjs ? bsearch(&key, st->objs, st->nobjs, sizeof(key), cmp_obj) : NULL;
}

/* Up to SAMPLE bytes at off into buf: how many, or -1. */
static ssize_t
read_at(int fd, unsigned char *buf, off_t off)
{
	size_t got = 0;

	while (got < SAMPLE) {
		ssize_t r = pread(fd, buf + got, SAMPLE - got, off + (off_t)got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* The identity of the open object: its size, time, head and tail. */
static int
identity(int fd, const struct stat *sb, uint64_t *ident)
{
	unsigned char buf[16 + 2 * SAMPLE];
	ssize_t h, t = 0;

	put64(buf, (uint64_t)sb->st_size);
	put64(buf + 8, (uint64_t)sb->st_mtim.tv_sec * 1000000000u + (uint64_t)sb->st_mtim.tv_nsec);
	if ((h = read_at(fd, buf + 16, 0)) < 0)
		return -1;
	if (sb->st_size > SAMPLE && (t = read_at(fd, buf + 16 + h, sb->st_size - SAMPLE)) < 0)
		return -1;
	*ident = k8a_hash64(buf, 16 + (size_t)h + (size_t)t);
	return 0;
}

/* The path an object is known by: under an argument, the argument's last
 * name and the path below it (the tree may be moved or mounted
 * elsewhere); named itself, the name as given. */
static uint64_t
path_hash(const char *root, const char *path)
{
	return k8a__object_hash(root, path);
}

int
k8a_state_object(k8a_state *st, const char *root, const char *path)
{
	struct objrec rec;
	const struct objrec *old;
	struct stat sb;
	int fd;

	rec.path = path_hash(root, path);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &sb) != 0 || identity(fd, &sb, &rec.ident) != 0) {
		fail(st, "%s: cannot check whether it was read: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return K8A_WARN; /* read it: the reader says what is wrong */
	}
	close(fd);
	if ((old = find_obj(st, rec.path)) != NULL && old->ident == rec.ident) {
		st->skipped++;
		return 0;
	}
	if (st->npend == st->cappend) {
		size_t nc = st->cappend ? st->cappend * 2 : 64;
		struct objrec *np = realloc(st->pend, nc * sizeof(*np));
		if (np == NULL)
			return K8A_FATAL;
		st->pend = np;
		st->cappend = nc;
	}
	st->pend[st->npend++] = rec;
	return 1;
}

int
k8a_state_walk_filter(void *arg, const char *root, const char *path)
{
	return k8a_state_object(arg, root, path);
}

/* ---- saving ---- */

/* The objects known after this run into *out (*n of them): loaded and
 * accepted, one a path, the accepted identity winning. */
static int
merge_objects(k8a_state *st, struct objrec **out, size_t *n)
{
	struct objrec *all = malloc((st->nobjs + st->npend + 1) * sizeof(*all));
	size_t i = 0, j = 0, w = 0;

	if (all == NULL)
		return K8A_FATAL;
	if (st->npend > 1) /* none: pend may be NULL, which qsort() must not get */
		qsort(st->pend, st->npend, sizeof(*st->pend), cmp_obj);
	while (i < st->nobjs || j < st->npend) {
		if (j < st->npend && (i == st->nobjs || st->pend[j].path <= st->objs[i].path)) {
			if (i < st->nobjs && st->objs[i].path == st->pend[j].path)
				i++; /* rewritten: the new identity */
			if (w > 0 && all[w - 1].path == st->pend[j].path)
				w--; /* accepted twice: the last */
			all[w++] = st->pend[j++];
		} else
			all[w++] = st->objs[i++];
	}
	*out = all;
	*n = w;
	return K8A_OK;
}

static int
objects_section(k8a_state *st, unsigned char **out, size_t *len)
{
	struct objrec *all;
	unsigned char *p;
	size_t w, i;

	if (merge_objects(st, &all, &w) != K8A_OK)
		return K8A_FATAL;
	if ((p = malloc(8 + 16 * w)) == NULL) {
		free(all);
		return K8A_FATAL;
	}
	put64(p, w);
	for (i = 0; i < w; i++) {
		put64(p + 8 + 16 * i, all[i].path);
		put64(p + 16 + 16 * i, all[i].ident);
	}
	free(all);
	*out = p;
	*len = 8 + 16 * w;
	return K8A_OK;
}

static int
append_section(unsigned char **buf, size_t *n, size_t *cap, const char *name, const void *data, size_t len)
{
	size_t nl = strlen(name) + 1, need = *n + nl + 8 + len;

	if (need > *cap) {
		size_t nc = *cap ? *cap : 4096;
		unsigned char *nb;
		while (nc < need)
			nc *= 2;
		if ((nb = realloc(*buf, nc)) == NULL)
			return K8A_FATAL;
		*buf = nb;
		*cap = nc;
	}
	memcpy(*buf + *n, name, nl);
	put64(*buf + *n + nl, len);
	if (len)
		memcpy(*buf + *n + nl + 8, data, len);
	*n = need;
	return K8A_OK;
}

static int
build_payload(k8a_state *st, unsigned char **buf, size_t *n)
{
	unsigned char *objs = NULL, out[24];
	size_t olen = 0, cap = 0, i;
	int rc;

	*buf = NULL;
	*n = 0;
	if ((rc = objects_section(st, &objs, &olen)) != K8A_OK)
		return rc;
	rc = append_section(buf, n, &cap, "objects", objs, olen);
	free(objs);
	if (rc == K8A_OK && st->has_output) {
		put64(out, st->out_len);
		put64(out + 8, st->out_dev);
		put64(out + 16, st->out_ino);
		rc = append_section(buf, n, &cap, "output", out, sizeof(out));
	}
	for (i = 0; rc == K8A_OK && i < st->nsecs; i++)
		rc = append_section(buf, n, &cap, st->secs[i].name, st->secs[i].data, st->secs[i].len);
	return rc;
}

static int
write_all(int fd, const unsigned char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Sync the directory holding the state, so the rename is on disk. */
static int
sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
	int fd, rc = -1;

	if (dir == NULL) {
		errno = ENOMEM;
		return -1;
	}
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		rc = fsync(fd);
		if (rc != 0 && (errno == EINVAL || errno == EROFS))
			rc = 0; /* a directory that cannot be synced */
		close(fd);
	}
	free(dir);
	return rc;
}

int
k8a_state_save(k8a_state *st)
{
	unsigned char *payload = NULL, *file = NULL;
	size_t plen = 0, bound, clen;
	char *tmp = NULL;
	int fd = -1, rc;
	const char *step = "";

	if ((rc = build_payload(st, &payload, &plen)) != K8A_OK)
		goto out;
	if (plen > st->max_payload) {
		/* saved, it would be refused by the next run */
		rc = fail(st, "cannot save: the state would be %llu bytes, over the %s a state may be "
			"(--limit state=SIZE raises it)", (unsigned long long)plen, size_text(st->max_payload));
		goto out;
	}
	bound = ZSTD_compressBound(plen);
	if ((file = malloc(HEADER + bound)) == NULL) {
		rc = K8A_FATAL;
		goto out;
	}
	memset(file, 0, HEADER);
	memcpy(file, MAGIC, 8);
	put32(file + 8, FORMAT_VERSION);
	put32(file + 12, 0);
	memcpy(file + 16, st->tool, strlen(st->tool));
	put64(file + 32, plen);
	header_digest(file, payload, plen, file + 40);
	clen = ZSTD_compress(file + HEADER, bound, payload, plen, 3);
	if (ZSTD_isError(clen)) {
		rc = ZSTD_getErrorCode(clen) == ZSTD_error_memory_allocation ? K8A_FATAL :
			fail(st, "cannot compress the new state: %s", ZSTD_getErrorName(clen));
		goto out;
	}
	if ((tmp = malloc(strlen(st->path) + 16)) == NULL) {
		rc = K8A_FATAL;
		goto out;
	}
	sprintf(tmp, "%s.tmp.XXXXXX", st->path);
	step = "create";
	if ((fd = mkstemp(tmp)) < 0) {
		free(tmp);
		tmp = NULL;
		goto sysfail;
	}
	step = "write";
	if (fchmod(fd, 0600) != 0 || write_all(fd, file, HEADER + clen) != 0)
		goto sysfail;
	step = "sync";
	if (fsync(fd) != 0)
		goto sysfail;
	step = "close";
	rc = close(fd);
	fd = -1;
	if (rc != 0)
		goto sysfail;
	step = "rename";
	if (rename(tmp, st->path) != 0)
		goto sysfail;
	free(tmp);
	tmp = NULL;
	step = "sync the directory of";
	if (sync_dir(st->path) != 0)
		goto sysfail;
	/* what this run accepted is now what was loaded */
	{
		struct objrec *all;
		size_t w;
		if (merge_objects(st, &all, &w) == K8A_OK) {
			free(st->objs);
			st->objs = all;
			st->nobjs = w;
			st->npend = 0;
		}
	}
	rc = K8A_OK;
	goto out;
sysfail:
	if (tmp == NULL && fd < 0 && strcmp(step, "create") != 0)
		rc = fail(st, "cannot sync its directory after the rename: %s (the new state may be lost "
			"in a crash)", strerror(errno));
	else
		rc = fail(st, "cannot %s the new state: %s (the old state is unchanged)", step, strerror(errno));
out:
	if (fd >= 0)
		close(fd);
	if (tmp != NULL) {
		unlink(tmp);
		free(tmp);
	}
	free(payload);
	free(file);
	return rc;
}

/* ---- the output file ---- */

int
k8a_state_output_open(k8a_state *st, const char *path)
{
	struct stat sb;
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644), rc;

	if (fd < 0 || fstat(fd, &sb) != 0) {
		rc = fail(st, "cannot open the output %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return rc;
	}
	if (st->has_output && (uint64_t)sb.st_dev == st->out_dev && (uint64_t)sb.st_ino == st->out_ino &&
	    (uint64_t)sb.st_size >= st->out_len) {
		/* what a run that did not commit wrote is taken back */
		if ((uint64_t)sb.st_size > st->out_len &&
		    (ftruncate(fd, (off_t)st->out_len) != 0 || fsync(fd) != 0)) {
			rc = fail(st, "cannot take the output %s back to its committed length %llu: %s", path,
				(unsigned long long)st->out_len, strerror(errno));
			close(fd);
			return rc;
		}
		return fd;
	}
	/* a new file, or rotated: what is in it now is committed first */
	st->has_output = 1;
	st->out_len = (uint64_t)sb.st_size;
	st->out_dev = (uint64_t)sb.st_dev;
	st->out_ino = (uint64_t)sb.st_ino;
	if (fsync(fd) != 0) {
		rc = fail(st, "cannot sync the output %s: %s", path, strerror(errno));
		close(fd);
		return rc;
	}
	{
		/* objects accepted so far are not committed by this save */
		size_t npend = st->npend;
		st->npend = 0;
		rc = k8a_state_save(st);
		st->npend = npend;
	}
	if (rc != K8A_OK) {
		close(fd);
		return rc;
	}
	return fd;
}

int
k8a_state_output_commit(k8a_state *st, int fd)
{
	struct stat sb;

	if (fsync(fd) != 0 || fstat(fd, &sb) != 0)
		return fail(st, "cannot sync the output: %s", strerror(errno));
	st->out_len = (uint64_t)sb.st_size;
	return K8A_OK;
}
