/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * zstd decoding, streaming; concatenated frames are one stream.
 *
 * libzstd verifies a frame's content checksum before it hands over the
 * frame's last block, so a damaged file would lose those records.  We ask
 * it not to check (ZSTD_d_forceIgnoreChecksum, a parameter value of the
 * stable ZSTD_DCtx_setParameter call) and check the XXH64 ourselves once
 * the frame's data is out: the records come first, then the diagnostic,
 * as with gzip.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define ZSTD_STATIC_LINKING_ONLY /* for the name ZSTD_d_forceIgnoreChecksum only */
/* the largest window decoded: K8A_LIMIT_ZSTD_WINDOW, 128 MiB by default */
#include <zstd.h>
#include <zstd_errors.h>

#include "private.h"

/* ---- XXH64, seed 0, streaming (the checksum of the zstd format) ---- */
#define P1 11400714785074694791ULL
#define P2 14029467366897019727ULL
#define P3 1609587929392839161ULL
#define P4 9650029242287828579ULL
#define P5 2870177450012600261ULL

struct xxh64 {
	uint64_t v[4], total;
	unsigned char mem[32];
	size_t memsize;
};

static uint64_t
rotl64(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

static uint64_t
rd64(const unsigned char *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	uint64_t v;

	memcpy(&v, p, sizeof(v)); /* one load */
	return v;
#else
	uint64_t v = 0;
	int i;

	for (i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
#endif
}

static uint32_t
rd32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t
xround(uint64_t acc, uint64_t in)
{
	acc += in * P2;
	acc = rotl64(acc, 31);
	return acc * P1;
}

static uint64_t
xmerge(uint64_t acc, uint64_t v)
{
	acc ^= xround(0, v);
	return acc * P1 + P4;
}

static void
xxh64_reset(struct xxh64 *h)
{
	h->v[0] = P1 + P2;
	h->v[1] = P2;
	h->v[2] = 0;
	h->v[3] = 0 - P1;
	h->total = 0;
	h->memsize = 0;
}

/* Whole 32-byte stripes, n a multiple of 32: the lanes stay in registers. */
static void
xxh64_stripes(struct xxh64 *h, const unsigned char *p, size_t n)
{
	uint64_t v0 = h->v[0], v1 = h->v[1], v2 = h->v[2], v3 = h->v[3];

	for (; n >= 32; p += 32, n -= 32) {
		v0 = xround(v0, rd64(p));
		v1 = xround(v1, rd64(p + 8));
		v2 = xround(v2, rd64(p + 16));
		v3 = xround(v3, rd64(p + 24));
	}
	h->v[0] = v0;
	h->v[1] = v1;
	h->v[2] = v2;
	h->v[3] = v3;
}

static void
xxh64_update(struct xxh64 *h, const unsigned char *p, size_t n)
{
	h->total += n;
	if (h->memsize + n < 32) {
		memcpy(h->mem + h->memsize, p, n);
		h->memsize += n;
		return;
	}
	if (h->memsize) {
		size_t k = 32 - h->memsize;
		memcpy(h->mem + h->memsize, p, k);
		xxh64_stripes(h, h->mem, 32);
		p += k;
		n -= k;
		h->memsize = 0;
	}
	xxh64_stripes(h, p, n & ~(size_t)31);
	p += n & ~(size_t)31;
	n &= 31;
	memcpy(h->mem, p, n);
	h->memsize = n;
}

static uint64_t
xxh64_digest(const struct xxh64 *h)
{
	const unsigned char *p = h->mem;
	size_t n = h->memsize;
	uint64_t r;
	int i;

	if (h->total >= 32) {
		r = rotl64(h->v[0], 1) + rotl64(h->v[1], 7) + rotl64(h->v[2], 12) + rotl64(h->v[3], 18);
		for (i = 0; i < 4; i++)
			r = xmerge(r, h->v[i]);
	} else
		r = h->v[2] + P5;
	r += h->total;
	for (; n >= 8; p += 8, n -= 8)
		r = rotl64(r ^ xround(0, rd64(p)), 27) * P1 + P4;
	if (n >= 4) {
		r = rotl64(r ^ (uint64_t)rd32(p) * P1, 23) * P2 + P3;
		p += 4;
		n -= 4;
	}
	for (; n > 0; p++, n--)
		r = rotl64(r ^ *p * P5, 11) * P1;
	r ^= r >> 33;
	r *= P2;
	r ^= r >> 29;
	r *= P3;
	r ^= r >> 32;
	return r;
}

struct zs_src {
	struct k8a_src s;
	ZSTD_DStream *d;
	unsigned char *in;
	size_t in_cap;
	ZSTD_inBuffer ib;
	int in_eof;
	size_t last; /* last ZSTD_decompressStream hint: 0 = frame complete */
	int failed;  /* an error is pending: reported after the data before it */
	char failmsg[128];
	unsigned wlog; /* the largest window decoded, log2 */
	/* the current frame, for our own checksum test */
	unsigned char hdr[5];      /* its first bytes: magic and descriptor */
	unsigned char tail[4];     /* the last four bytes consumed */
	uint64_t fbytes;           /* input bytes of the frame so far */
	struct xxh64 xh;
};

/* Input bytes the decoder consumed: note the frame header and the tail. */
static void
consumed(struct zs_src *z, const unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n && z->fbytes + i < sizeof(z->hdr); i++)
		z->hdr[z->fbytes + i] = p[i];
	z->fbytes += n;
	if (n >= 4)
		memcpy(z->tail, p + n - 4, 4);
	else if (n > 0) {
		memmove(z->tail, z->tail + n, 4 - n);
		memcpy(z->tail + 4 - n, p, n);
	}
}

/* A frame was decoded whole: does its content checksum hold?  1 yes (or
 * none to test), 0 no. */
static int
frame_end(struct zs_src *z)
{
	int ok = 1;

	if (z->fbytes >= 9 && rd32(z->hdr) == 0xFD2FB528u && (z->hdr[4] & 0x04))
		ok = (uint32_t)xxh64_digest(&z->xh) == rd32(z->tail);
	z->fbytes = 0;
	xxh64_reset(&z->xh);
	return ok;
}

static ssize_t
zs_read(struct k8a_src *s, void *buf, size_t n)
{
	struct zs_src *z = (struct zs_src *)s;
	ZSTD_outBuffer ob = { buf, n, 0 };

	if (z->failed) {
		/* the shared message buffer may have been reused since */
		k8a_src_seterr(s, "%s", z->failmsg);
		return -1;
	}
	while (ob.pos == 0) {
		if (z->ib.pos == z->ib.size && !z->in_eof) {
			ssize_t r = k8a_src_read(s->lower, z->in, z->in_cap);
			if (r < 0)
				return -1;
			if (r == 0)
				z->in_eof = 1;
			z->ib.src = z->in;
			z->ib.size = (size_t)r;
			z->ib.pos = 0;
		}
		if (z->ib.pos == z->ib.size && z->in_eof) {
			if (z->last != 0) {
				/* flush what the decoder still holds, if anything */
				z->last = ZSTD_decompressStream(z->d, &ob, &z->ib);
				if (ob.pos)
					break;
				k8a_src_seterr(s, "zstd: unexpected end of data (truncated file)");
				return -1;
			}
			return 0;
		}
		{
			size_t in0 = z->ib.pos, out0 = ob.pos;
			z->last = ZSTD_decompressStream(z->d, &ob, &z->ib);
			if (!ZSTD_isError(z->last)) {
				consumed(z, (const unsigned char *)z->ib.src + in0, z->ib.pos - in0);
				xxh64_update(&z->xh, (const unsigned char *)buf + out0, ob.pos - out0);
				if (z->last == 0 && !frame_end(z)) {
					/* the data is out; the damage is said next */
					k8a_src_seterr(s, "zstd: checksum mismatch");
					z->failed = 1;
					snprintf(z->failmsg, sizeof(z->failmsg), "%s", s->err);
					return ob.pos ? (ssize_t)ob.pos : -1;
				}
			}
		}
		if (ZSTD_isError(z->last)) {
			/* a damaged frame can surface as any error; say so */
			if (ZSTD_getErrorCode(z->last) == ZSTD_error_checksum_wrong)
				k8a_src_seterr(s, "zstd: checksum mismatch");
			else if (ZSTD_getErrorCode(z->last) == ZSTD_error_memory_allocation)
				k8a_src_seterr(s, "%s", K8A_NOMEM);
			else if (ZSTD_getErrorCode(z->last) == ZSTD_error_frameParameter_windowTooLarge)
				k8a_src_seterr(s, "zstd: frame window larger than the %u MiB limit, not decoded "
					"(--limit zstd-window=SIZE raises it)", 1u << (z->wlog - 20));
			else
				k8a_src_seterr(s, "zstd: corrupt data (%s)", ZSTD_getErrorName(z->last));
			z->failed = 1;
			snprintf(z->failmsg, sizeof(z->failmsg), "%s", s->err);
			/* hand over what was decoded before the damage */
			return ob.pos ? (ssize_t)ob.pos : -1;
		}
	}
	return (ssize_t)ob.pos;
}

static void
zs_close(struct k8a_src *s)
{
	struct zs_src *z = (struct zs_src *)s;

	ZSTD_freeDStream(z->d);
	free(z->in);
	free(z);
}

struct k8a_src *
k8a_src_zstd(struct k8a_src *lower, unsigned wlog)
{
	struct zs_src *z = calloc(1, sizeof(*z));

	if (z == NULL)
		return NULL;
	z->in_cap = ZSTD_DStreamInSize();
	if ((z->in = malloc(z->in_cap)) == NULL || (z->d = ZSTD_createDStream()) == NULL) {
		free(z->in);
		free(z);
		return NULL;
	}
	/* Records may be large but windows beyond 128 MiB only come from
	 * hostile or unusual files; refuse them instead of allocating. */
	z->wlog = wlog ? wlog : K8A_DEFAULT_ZSTD_WLOG;
	ZSTD_DCtx_setParameter(z->d, ZSTD_d_windowLogMax, (int)z->wlog);
	ZSTD_DCtx_setParameter(z->d, ZSTD_d_forceIgnoreChecksum, ZSTD_d_ignoreChecksum);
	xxh64_reset(&z->xh);
	z->s.read = zs_read;
	z->s.close = zs_close;
	z->s.lower = lower;
	z->s.err = lower->err;
	z->s.kind = SRC_ZSTD;
	z->last = 0;
	return &z->s;
}
