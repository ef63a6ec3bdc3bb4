/* SPDX-License-Identifier: BSD-2-Clause */
/* Byte sources: plain files and memory, pushback for sniffing, magic numbers. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "private.h"

void
k8a_src_seterr(struct k8a_src *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s->err, K8A_ERRLEN, fmt, ap);
	va_end(ap);
}

ssize_t
k8a_src_read(struct k8a_src *s, void *buf, size_t n)
{
	if (s->pb_off < s->pb_len) {
		size_t k = s->pb_len - s->pb_off;
		if (k > n)
			k = n;
		memcpy(buf, s->pb + s->pb_off, k);
		s->pb_off += k;
		if (s->pb_off == s->pb_len) {
			free(s->pb);
			s->pb = NULL;
			s->pb_len = s->pb_off = 0;
		}
		return (ssize_t)k;
	}
	return s->read(s, buf, n);
}

ssize_t
k8a_src_peek(struct k8a_src *s, unsigned char *buf, size_t n)
{
	size_t got = 0;
	unsigned char *pb;

	while (got < n) {
		ssize_t r = k8a_src_read(s, buf + got, n - got);
		if (r < 0) {
			/* keep what came before the error; the decoder
			 * reports the error again on the next read */
			if (got == 0)
				return -1;
			break;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	if (got == 0)
		return 0;
	/* Whatever is still pushed back follows what we just read. */
	if ((pb = malloc(got + (s->pb_len - s->pb_off))) == NULL) {
		k8a_src_seterr(s, "out of memory");
		return -1;
	}
	memcpy(pb, buf, got);
	if (s->pb_len > s->pb_off)
		memcpy(pb + got, s->pb + s->pb_off, s->pb_len - s->pb_off);
	got += s->pb_len - s->pb_off;
	free(s->pb);
	s->pb = pb;
	s->pb_len = got;
	s->pb_off = 0;
	return (ssize_t)(got < n ? got : n);
}

void
k8a_src_close(struct k8a_src *s)
{
	while (s != NULL) {
		struct k8a_src *lower = s->lower;
		free(s->pb);
		s->close(s);
		s = lower;
	}
}

/* ---- file descriptors ---- */
struct fd_src {
	struct k8a_src s;
	int fd, owned;
};

static ssize_t
fd_read(struct k8a_src *s, void *buf, size_t n)
{
	struct fd_src *f = (struct fd_src *)s;
	ssize_t r;

	do
		r = read(f->fd, buf, n);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		k8a_src_seterr(s, "read error: %s", strerror(errno));
	return r;
}

static void
fd_close(struct k8a_src *s)
{
	struct fd_src *f = (struct fd_src *)s;

	if (f->owned)
		close(f->fd);
	free(f);
}

struct k8a_src *
k8a_src_fd(int fd, int owned, char *err)
{
	struct fd_src *f = calloc(1, sizeof(*f));

	if (f == NULL)
		return NULL;
	f->s.read = fd_read;
	f->s.close = fd_close;
	f->s.err = err;
	f->s.kind = SRC_FD;
	f->fd = fd;
	f->owned = owned;
	return &f->s;
}

/* ---- memory ---- */
struct mem_src {
	struct k8a_src s;
	const unsigned char *p;
	size_t n, off;
};

static ssize_t
mem_read(struct k8a_src *s, void *buf, size_t n)
{
	struct mem_src *m = (struct mem_src *)s;
	size_t k = m->n - m->off;

	if (k > n)
		k = n;
	memcpy(buf, m->p + m->off, k);
	m->off += k;
	return (ssize_t)k;
}

static void
mem_close(struct k8a_src *s)
{
	free(s);
}

struct k8a_src *
k8a_src_mem(const void *p, size_t n, char *err)
{
	struct mem_src *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return NULL;
	m->s.read = mem_read;
	m->s.close = mem_close;
	m->s.err = err;
	m->s.kind = SRC_MEM;
	m->p = p;
	m->n = n;
	return &m->s;
}

/* ---- magic numbers ---- */
enum k8a_magic
k8a_sniff_magic(const unsigned char *p, size_t n)
{
	if (n == 0)
		return MAGIC_EMPTY;
	if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		return MAGIC_GZIP;
	if (n >= 4 && p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd)
		return MAGIC_ZSTD;
	if (n >= 4 && (p[0] & 0xf0) == 0x50 && p[1] == 0x2a && p[2] == 0x4d && p[3] == 0x18)
		return MAGIC_ZSTD; /* a skippable frame first (seekable zstd, pzstd) */
	if (n >= 3 && memcmp(p, "BZh", 3) == 0)
		return MAGIC_ARCHIVE;
	if (n >= 6 && memcmp(p, "\xfd" "7zXZ\0", 6) == 0)
		return MAGIC_ARCHIVE;
	if (n >= 4 && memcmp(p, "PK\3\4", 4) == 0)
		return MAGIC_ARCHIVE;
	if (n >= 4 && memcmp(p, "PK\5\6", 4) == 0) /* empty zip */
		return MAGIC_ARCHIVE;
	if (n >= 6 && memcmp(p, "7z\xbc\xaf\x27\x1c", 6) == 0)
		return MAGIC_ARCHIVE;
	if (n >= 262 && memcmp(p + 257, "ustar", 5) == 0)
		return MAGIC_ARCHIVE;
	return MAGIC_NONE;
}
