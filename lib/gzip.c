/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * gzip decoding: concatenated members (Firehose objects, pigz, cat a.gz
 * b.gz) are one stream.  ISA-L inflates about six times faster than zlib
 * on the machines we measured, so it is used when configure found it.
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef HAVE_ISAL
#include <isa-l.h>
#else
#include <zlib.h>
#endif

#include "private.h"

#define GZ_IN ((size_t)256 << 10)

struct gz_src {
	struct k8a_src s;
	unsigned char *in;
	size_t in_len, in_off;
	int in_eof;
	int in_member; /* inside a member that has not finished */
	int done;
	int failed; /* an error is pending: reported after the data before it */
	char failmsg[128];
#ifdef HAVE_ISAL
	struct inflate_state st;
#else
	z_stream z;
#endif
};

/* Refill input when empty.  Returns 1 data, 0 end of lower stream, -1 error. */
static int
gz_fill(struct gz_src *g)
{
	ssize_t r;

	if (g->in_off < g->in_len)
		return 1;
	if (g->in_eof)
		return 0;
	r = k8a_src_read(g->s.lower, g->in, GZ_IN);
	if (r < 0)
		return -1;
	if (r == 0) {
		g->in_eof = 1;
		return 0;
	}
	g->in_len = (size_t)r;
	g->in_off = 0;
	return 1;
}

/* Between members: is there another one?  Trailing zeros (tape padding)
 * end the stream quietly; other trailing bytes are an error. */
static int
gz_next_member(struct gz_src *g)
{
	int f;

	for (;;) {
		if ((f = gz_fill(g)) <= 0)
			return f;
		while (g->in_off < g->in_len && g->in[g->in_off] == 0)
			g->in_off++;
		if (g->in_off < g->in_len)
			break;
	}
	if (g->in[g->in_off] != 0x1f) {
		k8a_src_seterr(&g->s, "gzip: trailing garbage after member");
		return -1;
	}
	return 1;
}

/* ---- the two inflaters, behind the same three calls ---- */
#ifdef HAVE_ISAL
static int
gz_init(struct gz_src *g)
{
	isal_inflate_init(&g->st);
	g->st.crc_flag = ISAL_GZIP;
	return 0;
}

static void
gz_member(struct gz_src *g)
{
	isal_inflate_reset(&g->st);
	g->st.crc_flag = ISAL_GZIP;
}

/* Inflate from the input buffer into buf[0..n): *out bytes written.
 * 1 when the member ended, 0 when it goes on, -1 on damage (*why). */
static int
gz_step(struct gz_src *g, void *buf, size_t n, size_t *out, const char **why)
{
	int ret;

	g->st.next_in = g->in + g->in_off;
	g->st.avail_in = (uint32_t)(g->in_len - g->in_off);
	g->st.next_out = buf;
	g->st.avail_out = (uint32_t)n;
	ret = isal_inflate(&g->st);
	g->in_off = g->in_len - g->st.avail_in;
	*out = n - g->st.avail_out;
	if (ret < 0) {
		*why = ret == ISAL_INCORRECT_CHECKSUM ? "checksum mismatch" : "invalid compressed data";
		return -1;
	}
	return g->st.block_state == ISAL_BLOCK_FINISH;
}

static void
gz_end(struct gz_src *g)
{
	(void)g;
}
#else
static int
gz_init(struct gz_src *g)
{
	return inflateInit2(&g->z, 15 + 16) == Z_OK ? 0 : -1;
}

static void
gz_member(struct gz_src *g)
{
	inflateReset(&g->z);
}

static int
gz_step(struct gz_src *g, void *buf, size_t n, size_t *out, const char **why)
{
	int ret;

	g->z.next_in = g->in + g->in_off;
	g->z.avail_in = (uInt)(g->in_len - g->in_off);
	g->z.next_out = buf;
	g->z.avail_out = (uInt)n;
	ret = inflate(&g->z, Z_NO_FLUSH);
	g->in_off = g->in_len - g->z.avail_in;
	*out = n - g->z.avail_out;
	if (ret == Z_STREAM_END)
		return 1;
	if (ret == Z_MEM_ERROR) {
		*why = K8A_NOMEM;
		return -1;
	}
	if (ret != Z_OK && ret != Z_BUF_ERROR) {
		/* the same words as with ISA-L: "incorrect data check" and
		 * "incorrect length check" are zlib's for the trailer */
		*why = g->z.msg && strstr(g->z.msg, "check") ? "checksum mismatch" :
			"invalid compressed data";
		return -1;
	}
	return 0;
}

static void
gz_end(struct gz_src *g)
{
	inflateEnd(&g->z);
}
#endif

static ssize_t
gz_read(struct k8a_src *s, void *buf, size_t n)
{
	struct gz_src *g = (struct gz_src *)s;
	const char *why = NULL;
	size_t out;
	int f, r;

	if (g->failed) {
		/* the shared message buffer may have been reused since */
		k8a_src_seterr(s, "%s", g->failmsg);
		return -1;
	}
	if (n > UINT32_MAX)
		n = UINT32_MAX;
	while (!g->done) {
		if (!g->in_member) {
			if ((f = gz_next_member(g)) < 0)
				return -1;
			if (f == 0) {
				g->done = 1;
				break;
			}
			gz_member(g);
			g->in_member = 1;
		}
		if ((f = gz_fill(g)) < 0)
			return -1;
		if (f == 0) {
			k8a_src_seterr(s, "gzip: unexpected end of data (truncated file)");
			return -1;
		}
		r = gz_step(g, buf, n, &out, &why);
		if (r < 0) {
			k8a_src_seterr(s, k8a_is_nomem(why) ? "%s" : "gzip: %s", why);
			g->failed = 1;
			snprintf(g->failmsg, sizeof(g->failmsg), "%s", s->err);
			/* hand over what was inflated before the damage */
			return out ? (ssize_t)out : -1;
		}
		if (r == 1)
			g->in_member = 0;
		if (out)
			return (ssize_t)out;
	}
	return 0;
}

static void
gz_close(struct k8a_src *s)
{
	struct gz_src *g = (struct gz_src *)s;

	gz_end(g);
	free(g->in);
	free(g);
}

struct k8a_src *
k8a_src_gzip(struct k8a_src *lower)
{
	struct gz_src *g = calloc(1, sizeof(*g));

	if (g == NULL || (g->in = malloc(GZ_IN)) == NULL) {
		free(g);
		return NULL;
	}
	g->s.read = gz_read;
	g->s.close = gz_close;
	g->s.lower = lower;
	g->s.err = lower->err;
	g->s.kind = SRC_GZIP;
	if (gz_init(g) != 0) {
		free(g->in);
		free(g);
		return NULL;
	}
	return &g->s;
}
