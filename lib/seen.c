/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Stage folding: the key of the request a record is a stage of, and a set
 * of the keys seen, in bounded memory.  The API server writes a record per
 * stage of a request (RequestReceived, ResponseStarted, ResponseComplete,
 * Panic), close together and in one file; tools report a request once.
 */
#include <stdlib.h>
#include <string.h>

#include "private.h"

#define SEEN_SLOTS ((size_t)1 << 17)
#define SEEN_MAX ((size_t)1 << 16) /* a generation is half full at most */

/* Two generations of hashes in open-addressed tables: when the newer one
 * fills, the older is dropped, so the newest SEEN_MAX keys are always
 * remembered and memory stays at two tables (2 MiB). */
struct k8a_seen {
	uint64_t *gen[2]; /* [0] the newer; NULL until needed */
	size_t n;         /* keys in gen[0] */
};

/* Two 64-bit values hashed as one. */
static uint64_t
mix(uint64_t a, uint64_t b)
{
	uint64_t p[2];

	p[0] = a;
	p[1] = b;
	return k8a_hash_bytes((const char *)p, sizeof(p));
}

static uint64_t
hash_value(const char *v, size_t n)
{
	return v != NULL ? k8a_hash_bytes(v, n) : 0;
}

int
k8a_event_request_key(k8a_event *ev, uint64_t *key)
{
	/* Read from the raw text, so that folding never needs a full parse.
	 * CloudTrail records have no auditID.  Clients may choose their
	 * audit id (the Audit-ID header), so the key also holds what every
	 * stage of one request repeats: verb, URI and user name, which the
	 * API server writes right after the id. */
	static const char *const keys[] = { "auditID", "verb", "requestURI", "user" };
	const char *v[4], *u = NULL;
	size_t vn[4], un = 0, k;
	uint64_t h = 0;

	if (memmem(ev->raw, ev->len, "\"auditID\"", 9) == NULL)
		return 0; /* cheaper than walking a CloudTrail record */
	k8a_jscan_members(ev->raw, ev->len, keys, 4, v, vn);
	if (v[0] == NULL || v[0][0] != '"')
		return 0;
	for (k = 0; k < 3; k++)
		h = mix(h, hash_value(v[k], vn[k]));
	if (v[3] != NULL && v[3][0] == '{' && k8a_jscan_member(v[3], vn[3], "username", &u, &un) != 1)
		u = NULL;
	*key = mix(h, hash_value(u, un));
	return 1;
}

k8a_seen *
k8a_seen_new(void)
{
	return calloc(1, sizeof(k8a_seen));
}

void
k8a_seen_clear(k8a_seen *s)
{
	free(s->gen[0]);
	free(s->gen[1]);
	s->gen[0] = s->gen[1] = NULL;
	s->n = 0;
}

void
k8a_seen_free(k8a_seen *s)
{
	if (s == NULL)
		return;
	k8a_seen_clear(s);
	free(s);
}

static int
has(const uint64_t *t, uint64_t h)
{
	size_t i;

	if (t == NULL)
		return 0;
	for (i = h & (SEEN_SLOTS - 1); t[i] != 0; i = (i + 1) & (SEEN_SLOTS - 1))
		if (t[i] == h)
			return 1;
	return 0;
}

int
k8a_seen_add(k8a_seen *s, uint64_t key, uint64_t tag)
{
	uint64_t h = mix(key, tag);
	size_t i;

	if (h == 0)
		h = 1; /* 0 marks an empty slot */
	if (has(s->gen[0], h) || has(s->gen[1], h))
		return 1;
	if (s->gen[0] == NULL || s->n >= SEEN_MAX) {
		uint64_t *t = calloc(SEEN_SLOTS, sizeof(uint64_t));
		if (t == NULL)
			return K8A_FATAL; /* a key forgotten would be a stage counted twice */
		free(s->gen[1]);
		s->gen[1] = s->gen[0];
		s->gen[0] = t;
		s->n = 0;
	}
	for (i = h & (SEEN_SLOTS - 1); s->gen[0][i] != 0; i = (i + 1) & (SEEN_SLOTS - 1))
		;
	s->gen[0][i] = h;
	s->n++;
	return 0;
}
