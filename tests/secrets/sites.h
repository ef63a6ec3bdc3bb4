/* SPDX-License-Identifier: BSD-2-Clause */
/* Sites: see sites.c. */
#ifndef SECRETS_SITES_H
#define SECRETS_SITES_H

#include "gen.h"

struct site {
	const char *q;          /* pointer inside the object */
	const struct secret *s; /* NULL for a hard negative */
	const struct kv *kv;
	enum pos pos;
	struct steps st;        /* from the string at q to the secret */
	const char *neg;        /* a hard negative's kind */
};
struct sites {
	struct site v[48];
	int n;
};
void site_secret(struct sites *ss, const char *q, const struct secret *s, enum pos p, struct steps st);
void site_kv(struct sites *ss, const char *q, const struct secret *s, const struct kv *kv, enum pos p,
    struct steps st);
void site_neg(struct sites *ss, const char *q, const char *kind);
void sites_emit(const struct sites *ss, const char *outer, int embedded, int pos_override);

/* env entries for the assignments of s, appended to env at pointer base */
void env_add(json_t *env, const char *base, const struct secret *s, enum pos p, struct sites *ss);
void env_add_neg(json_t *env, const char *base, struct kv k, struct sites *ss);

#endif
