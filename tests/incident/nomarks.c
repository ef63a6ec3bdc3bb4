/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The record builders linked from the secret corpus (tests/secrets) mark
 * the strings they place: secrets, hard negatives, neutral places.  The
 * incident labels whole events, not strings, so here the marks go
 * nowhere.
 */
#include "gen.h"

void
label(const char *ptr, const struct secret *s, enum pos p, struct steps st)
{
	(void)ptr;
	(void)s;
	(void)p;
	(void)st;
}

void
mark_negative(const char *ptr, const char *kind)
{
	(void)ptr;
	(void)kind;
}

void
mark_neutral(const char *ptr, const char *why)
{
	(void)ptr;
	(void)why;
}

void
mark_companion(const char *ptr, const struct kv *kv)
{
	(void)ptr;
	(void)kv;
}
