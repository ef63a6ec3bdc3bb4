/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Decode steps: how a labelled string leads to its secret (gen.h).  On
 * their own so that every generator linking the record builders (k8s.c,
 * tokens.c, cloudtrail.c) has them, not only this corpus's gen.c.
 */
#include <string.h>

#include "gen.h"

struct steps
st0(void)
{
	struct steps s;

	memset(&s, 0, sizeof(s));
	return s;
}

struct steps
st_add(struct steps a, enum step_kind k, const char *ptr)
{
	if (a.n == MAXSTEPS)
		die("too many decode steps");
	a.s[a.n].kind = k;
	a.s[a.n].ptr = ptr;
	a.n++;
	return a;
}

struct steps
st_cat(struct steps a, struct steps b)
{
	int i;

	for (i = 0; i < b.n; i++)
		a = st_add(a, b.s[i].kind, b.s[i].ptr);
	return a;
}
