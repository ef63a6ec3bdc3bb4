/* SPDX-License-Identifier: BSD-2-Clause */
/* zstd decoding, streaming; concatenated frames are one stream. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "private.h"

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
};

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
		z->last = ZSTD_decompressStream(z->d, &ob, &z->ib);
		if (ZSTD_isError(z->last)) {
			/* a damaged frame can surface as any error; say so */
			if (ZSTD_getErrorCode(z->last) == ZSTD_error_checksum_wrong)
				k8a_src_seterr(s, "zstd: checksum mismatch");
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
k8a_src_zstd(struct k8a_src *lower)
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
	ZSTD_DCtx_setParameter(z->d, ZSTD_d_windowLogMax, 27);
	z->s.read = zs_read;
	z->s.close = zs_close;
	z->s.lower = lower;
	z->s.err = lower->err;
	z->s.kind = SRC_ZSTD;
	z->last = 0;
	return &z->s;
}
