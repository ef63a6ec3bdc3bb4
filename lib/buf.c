/* SPDX-License-Identifier: BSD-2-Clause */
/* Growable byte buffer. */
#include <stdlib.h>
#include <string.h>

#include "private.h"

int
k8a_buf_reserve(struct k8a_buf *b, size_t need)
{
	size_t cap;
	char *p;

	if (b->failed)
		return -1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 256;
	while (cap < need) {
		if (cap > SIZE_MAX / 2)
			return b->failed = 1, -1;
		cap *= 2;
	}
	if ((p = realloc(b->p, cap)) == NULL)
		return b->failed = 1, -1;
	b->p = p;
	b->cap = cap;
	return 0;
}

int
k8a_buf_append(struct k8a_buf *b, const void *p, size_t n)
{
	if (k8a_buf_reserve(b, b->len + n + 1) != 0)
		return -1;
	if (n)
		memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

void
k8a_buf_free(struct k8a_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
	b->failed = 0;
}
