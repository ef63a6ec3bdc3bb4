/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A set of expressions tried on every record (a rule catalog): which of
 * them may match, decided without parsing the record.
 *
 *  - Most expressions require one value of one field: the resource of a
 *    Kubernetes request, the eventName of a CloudTrail record.  They are
 *    grouped by it, and a record is only tried against its own group and
 *    the expressions that require no such value.
 *  - Each of those is judged on the skim (k8a_expr_skim_eval), then on the
 *    literals a match must contain (k8a_event_may_contain).
 *  - Audit logs repeat themselves: controllers poll, nodes renew leases.  A
 *    verdict that depends only on skimmed members is remembered under
 *    those members' values and reused for the next record that has the
 *    same ones.
 *
 * Every step is exact: an expression left out cannot match the record.
 */
#include <stdlib.h>
#include <string.h>

#include "private.h"

#define NGROUPS 512       /* hash buckets of group keys */
#define FEW 4             /* lists this short are judged, not looked up */
#define MEMO_SLOTS 4096   /* remembered records (direct-mapped) */

enum { V_NO = 0, V_MAYBE = 1, V_UNKNOWN = 2 }; /* a remembered verdict */

struct member {
	const k8a_expr *x;
	const void *prog; /* where its program lies, for prefetching */
	size_t progn;
	enum k8a_source src;
	size_t *lits, nlits; /* literal numbers; nlits SIZE_MAX: none */
};

/* Expressions judged together, with the skim slots they read. */
struct list {
	size_t *idx, n; /* in order */
	uint64_t used; /* the skim slots they read */
	uint64_t sig;  /* those that key remembered verdicts */
};

/* Slots whose values rarely repeat (request URIs, addresses, user agents,
 * authorizer reasons, ids, bodies) do not key remembered verdicts: a
 * verdict that read one is judged again for every record. */
#define VOLATILE_SLOTS ((uint64_t)1 << SK_URI | (uint64_t)1 << SK_IPS | (uint64_t)1 << SK_FIRST_IP | \
	(uint64_t)1 << SK_LAST_IP | (uint64_t)1 << SK_USER_AGENT | (uint64_t)1 << SK_REASON | \
	(uint64_t)1 << SK_AUDIT_ID | (uint64_t)1 << SK_EVENT_ID | (uint64_t)1 << SK_IP_ADDRESS | \
	(uint64_t)1 << SK_REQUEST_OBJ | (uint64_t)1 << SK_RESPONSE_OBJ | (uint64_t)1 << SK_REQUEST_PARAMS | \
	(uint64_t)1 << SK_RESPONSE_ELEMS | (uint64_t)1 << SK_ADDITIONAL)

struct group {
	struct group *next;
	char *key;
	size_t len;
	struct list l; /* the expressions that require this value */
};

struct side {
	enum k8a_field field;
	int slot;                  /* where the skim keeps that field */
	struct group *bucket[NGROUPS];
	struct list keyless;       /* expressions that require no value */
	struct list all;           /* every expression of this source */
};

struct memo {
	uint64_t hash;
	const struct list *list; /* the list the verdicts are for */
	char *sig;
	size_t siglen, sigcap;
	unsigned char *verdict; /* per list entry */
	size_t vcap;
};

struct k8a_exprset {
	struct member *m;
	size_t n, cap;
	int built;
	struct side side[2]; /* Kubernetes, CloudTrail */
	struct list every;
	/* literals, numbered, and per record whether each may occur */
	char **lit;
	size_t *litlen, nlit;
	unsigned char *litstate; /* 1 may occur, 2 cannot */
	unsigned *litgen, now;
	/* remembered verdicts */
	struct memo *memo;
	struct k8a_buf sig;
	/* per record: the verdicts on the lists tried, and the answer */
	unsigned char *v1, *v2;
	size_t *out;
};

static int
push(size_t **v, size_t *n, size_t x)
{
	size_t *nv = realloc(*v, (*n + 1) * sizeof(**v));

	if (nv == NULL)
		return -1;
	*v = nv;
	(*v)[(*n)++] = x;
	return 0;
}

/* A fast, well-mixed hash (eight bytes a step). */
static uint64_t
hash_bytes(const char *s, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ n, w;

	for (; n >= 8; s += 8, n -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ (w * 0xbf58476d1ce4e5b9ull)) * 0x94d049bb133111ebull;
		h ^= h >> 29;
	}
	w = 0;
	memcpy(&w, s, n);
	h = (h ^ (w * 0xbf58476d1ce4e5b9ull)) * 0x94d049bb133111ebull;
	return h ^ (h >> 31);
}

k8a_exprset *
k8a_exprset_new(void)
{
	k8a_exprset *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->side[0].field = K8A_F_RESOURCE;
	s->side[0].slot = k8a_skim_field_slot(K8A_SRC_K8S, K8A_F_RESOURCE);
	s->side[1].field = K8A_F_VERB;
	s->side[1].slot = k8a_skim_field_slot(K8A_SRC_CLOUDTRAIL, K8A_F_VERB);
	return s;
}

static size_t
lit_number(k8a_exprset *s, const char *l)
{
	size_t i, len = strlen(l);
	char **nl;
	size_t *nlen;

	for (i = 0; i < s->nlit; i++)
		if (s->litlen[i] == len && memcmp(s->lit[i], l, len) == 0)
			return i;
	if ((nl = realloc(s->lit, (s->nlit + 1) * sizeof(*nl))) == NULL)
		return SIZE_MAX;
	s->lit = nl;
	if ((nlen = realloc(s->litlen, (s->nlit + 1) * sizeof(*nlen))) == NULL)
		return SIZE_MAX;
	s->litlen = nlen;
	if ((s->lit[s->nlit] = strdup(l)) == NULL)
		return SIZE_MAX;
	s->litlen[s->nlit] = len;
	return s->nlit++;
}

int
k8a_exprset_add(k8a_exprset *s, const k8a_expr *x, enum k8a_source src, const char *const *lits)
{
	struct member *m;
	size_t n = 0, j;

	if (s->n == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 64;
		struct member *nm = realloc(s->m, nc * sizeof(*nm));
		if (nm == NULL)
			return K8A_FATAL;
		s->m = nm;
		s->cap = nc;
	}
	m = &s->m[s->n];
	m->x = x;
	m->progn = k8a_expr_prog_span(x, &m->prog);
	m->src = src;
	m->lits = NULL;
	m->nlits = SIZE_MAX;
	if (lits) {
		while (lits[n])
			n++;
		if ((m->lits = calloc(n + 1, sizeof(size_t))) == NULL)
			return K8A_FATAL;
		for (j = 0; j < n; j++)
			if ((m->lits[j] = lit_number(s, lits[j])) == SIZE_MAX) {
				free(m->lits);
				return K8A_FATAL;
			}
		m->nlits = n;
	}
	s->built = 0;
	return (int)s->n++;
}

static struct group *
group_of(struct side *sd, const char *key, size_t len, int create)
{
	struct group **g = &sd->bucket[hash_bytes(key, len) % NGROUPS];

	for (; *g; g = &(*g)->next)
		if ((*g)->len == len && memcmp((*g)->key, key, len) == 0)
			return *g;
	if (!create || (*g = calloc(1, sizeof(**g))) == NULL)
		return NULL;
	if (((*g)->key = malloc(len + 1)) == NULL) {
		free(*g);
		*g = NULL;
		return NULL;
	}
	memcpy((*g)->key, key, len);
	(*g)->key[len] = '\0';
	(*g)->len = len;
	return *g;
}

static void
side_clear(struct side *sd)
{
	size_t i;

	for (i = 0; i < NGROUPS; i++) {
		struct group *g = sd->bucket[i], *next;
		for (; g; g = next) {
			next = g->next;
			free(g->key);
			free(g->l.idx);
			free(g);
		}
		sd->bucket[i] = NULL;
	}
	free(sd->keyless.idx);
	free(sd->all.idx);
	memset(&sd->keyless, 0, sizeof(sd->keyless));
	memset(&sd->all, 0, sizeof(sd->all));
}

static int
list_add(struct list *l, size_t k, uint64_t used)
{
	if (l->n && l->idx[l->n - 1] == k)
		return 0;
	l->used |= used;
	l->sig = l->used & ~VOLATILE_SLOTS;
	return push(&l->idx, &l->n, k);
}

/* Group one source's expressions by the value they require. */
static int
side_build(k8a_exprset *s, struct side *sd, enum k8a_source src)
{
	size_t k, i;

	for (k = 0; k < s->n; k++) {
		const char *const *vals;
		size_t nv;
		uint64_t k8s = 0, ct = 0, used;
		if (s->m[k].src != src)
			continue;
		k8a_expr_skim_slots(s->m[k].x, &k8s, &ct);
		used = src == K8A_SRC_K8S ? k8s : ct;
		if (list_add(&sd->all, k, used) != 0)
			return -1;
		nv = k8a_expr_required(s->m[k].x, sd->field, &vals);
		if (nv == 0 && list_add(&sd->keyless, k, used) != 0)
			return -1;
		for (i = 0; i < nv; i++) {
			struct group *g = group_of(sd, vals[i], strlen(vals[i]), 1);
			if (g == NULL || list_add(&g->l, k, used) != 0)
				return -1;
		}
	}
	return 0;
}

static int
build(k8a_exprset *s)
{
	size_t k;

	side_clear(&s->side[0]);
	side_clear(&s->side[1]);
	free(s->every.idx);
	memset(&s->every, 0, sizeof(s->every));
	for (k = 0; k < s->n; k++)
		if (push(&s->every.idx, &s->every.n, k) != 0)
			return -1;
	if (side_build(s, &s->side[0], K8A_SRC_K8S) != 0 || side_build(s, &s->side[1], K8A_SRC_CLOUDTRAIL) != 0)
		return -1;
	free(s->litstate);
	free(s->litgen);
	free(s->out);
	free(s->v1);
	free(s->v2);
	s->litstate = calloc(s->nlit + 1, 1);
	s->litgen = calloc(s->nlit + 1, sizeof(unsigned));
	s->out = calloc(s->n + 1, sizeof(size_t));
	s->v1 = calloc(s->n + 1, 1);
	s->v2 = calloc(s->n + 1, 1);
	if (s->memo == NULL)
		s->memo = calloc(MEMO_SLOTS, sizeof(*s->memo));
	if (s->litstate == NULL || s->litgen == NULL || s->out == NULL || s->memo == NULL ||
	    s->v1 == NULL || s->v2 == NULL)
		return -1;
	for (k = 0; k < MEMO_SLOTS; k++)
		s->memo[k].list = NULL; /* the lists were rebuilt */
	s->now = 0;
	s->built = 1;
	return 0;
}

/* The values of the skimmed members the expressions read: records with
 * the same signature get the same verdict from any expression that
 * reads nothing else. */
static int
signature(k8a_exprset *s, k8a_event *ev, const struct k8a_skim *sk, uint64_t used)
{
	unsigned i;
	char *o;

	/* at most: the source, and per slot a type, a length and bytes of the record */
	if (k8a_buf_reserve(&s->sig, sizeof(sk->source) + SK_COUNT_ * 5 + ev->len) != 0)
		return -1;
	o = s->sig.p;
	memcpy(o, &sk->source, sizeof(sk->source));
	o += sizeof(sk->source);
	for (i = 0; i < SK_COUNT_; i++) {
		const struct k8a_skim_val *v = &sk->v[i];
		if (!(used & ((uint64_t)1 << i)))
			continue;
		if (v->p && (v->t == SKV_STRING || v->t == SKV_INT || v->t == SKV_OTHER) && v->n <= SK_SMALL) {
			/* the type with its high bit: a value follows */
			uint32_t n = (uint32_t)v->n;
			*o++ = (char)(v->t | 0x80);
			memcpy(o, &n, sizeof(n));
			memcpy(o + sizeof(n), v->p, v->n);
			o += sizeof(n) + v->n;
		} else if (v->p && v->n > SK_SMALL)
			*o++ = (char)(v->t | 0x40); /* large: verdicts that read it are not kept */
		else
			*o++ = (char)v->t; /* no value: absent, an object, unsure, escaped */
	}
	s->sig.len = (size_t)(o - s->sig.p);
	return 0;
}

/* May one of the member's literals occur in the record? */
static int
literals_ok(k8a_exprset *s, const struct member *m, k8a_event *ev)
{
	size_t j;

	if (m->nlits == SIZE_MAX)
		return 1;
	for (j = 0; j < m->nlits; j++) {
		size_t i = m->lits[j];
		if (s->litgen[i] != s->now) {
			s->litgen[i] = s->now;
			s->litstate[i] = k8a_event_may_contain(ev, s->lit[i], s->litlen[i]) ? 1 : 2;
		}
		if (s->litstate[i] == 1)
			return 1;
	}
	return 0;
}

/* The skim's verdict on expression k. */
static unsigned char
verdict(k8a_exprset *s, size_t k, k8a_event *ev, uint64_t *deps)
{
	return k8a_expr_skim_eval(s->m[k].x, ev, deps) == 0 ? V_NO : V_MAYBE;
}

/* The verdicts of the skim on every expression of list l, into v: from
 * what was remembered for records with the same values of the slots the
 * list reads, else judged (and remembered when it read only those). */
static int
judge(k8a_exprset *s, const struct list *l, k8a_event *ev, const struct k8a_skim *sk, unsigned char *v)
{
	struct memo *me = NULL;
	size_t i;

	if (l->n <= FEW) {
		/* judging a few costs less than looking them up */
		for (i = 0; i < l->n; i++) {
			uint64_t deps = 0;
			v[i] = verdict(s, l->idx[i], ev, &deps);
		}
		return 0;
	}
	if (signature(s, ev, sk, l->sig) != 0)
		return -1;
	{
		uint64_t h = hash_bytes(s->sig.p, s->sig.len);
		me = &s->memo[h % MEMO_SLOTS];
		if (me->list == l && me->hash == h && me->siglen == s->sig.len &&
		    memcmp(me->sig, s->sig.p, s->sig.len) == 0) {
			for (i = 0; i < l->n; i++)
				if ((v[i] = me->verdict[i]) == V_UNKNOWN) {
					uint64_t deps = 0;
					v[i] = verdict(s, l->idx[i], ev, &deps);
				}
			return 0;
		}
		/* take the slot over for this signature */
		if (me->sigcap < s->sig.len) {
			char *ns = realloc(me->sig, s->sig.len);
			if (ns == NULL)
				return -1;
			me->sig = ns;
			me->sigcap = s->sig.len;
		}
		if (me->vcap < l->n) {
			unsigned char *nv = realloc(me->verdict, l->n);
			if (nv == NULL)
				return -1;
			me->verdict = nv;
			me->vcap = l->n;
		}
		memcpy(me->sig, s->sig.p, s->sig.len);
		me->siglen = s->sig.len;
		me->hash = h;
		me->list = l;
	}
	/* the expressions' programs are far from the cache when a log
	 * streams through it: ask for them all at once */
	for (i = 0; i < l->n; i++) {
		const struct member *m = &s->m[l->idx[i]];
		size_t o;
		for (o = 0; o < m->progn; o += 64)
			__builtin_prefetch((const char *)m->prog + o);
	}
	for (i = 0; i < l->n; i++) {
		uint64_t deps = 0;
		v[i] = verdict(s, l->idx[i], ev, &deps);
		/* kept when it read nothing but the slots of the signature */
		me->verdict[i] = deps & ~l->sig ? V_UNKNOWN : v[i];
	}
	return 0;
}

/* The candidates: the expressions of lists a and b (either may be NULL;
 * both in order) whose verdict is not "no" and whose literals may occur,
 * merged in order into s->out.  Returns how many. */
static size_t
take(k8a_exprset *s, const struct list *a, const unsigned char *va, const struct list *b,
	const unsigned char *vb, k8a_event *ev)
{
	size_t i = 0, j = 0, n = 0, na = a ? a->n : 0, nb = b ? b->n : 0;

	while (i < na || j < nb) {
		size_t k;
		unsigned char v;
		if (j >= nb || (i < na && a->idx[i] < b->idx[j])) {
			k = a->idx[i];
			v = va[i++];
		} else {
			k = b->idx[j];
			v = vb[j++];
		}
		if (v != V_NO && literals_ok(s, &s->m[k], ev))
			s->out[n++] = k;
	}
	return n;
}

const size_t *
k8a_exprset_candidates(k8a_exprset *s, k8a_event *ev, size_t *n)
{
	const struct k8a_skim *sk;
	const struct k8a_skim_val *kv;
	const struct list *a = NULL, *b = NULL;
	struct side *sd;
	struct group *g;

	*n = 0;
	if (!s->built && build(s) != 0)
		return NULL;
	if (++s->now == 0) {
		memset(s->litgen, 0, (s->nlit + 1) * sizeof(unsigned));
		s->now = 1;
	}
	sk = k8a_event_skim(ev);
	if (sk->state != 1 || sk->source == K8A_SRC_UNKNOWN) {
		*n = s->every.n; /* only a parse can tell */
		return s->every.idx;
	}
	sd = &s->side[sk->source == K8A_SRC_K8S ? 0 : 1];
	kv = &sk->v[sd->slot];
	if (kv->t == SKV_UNSURE || (kv->t == SKV_STRING && kv->p == NULL))
		a = &sd->all;
	else {
		a = &sd->keyless;
		if (kv->t == SKV_STRING && (g = group_of(sd, kv->p, kv->n, 0)) != NULL)
			b = &g->l;
	}
	if (a->n && judge(s, a, ev, sk, s->v1) != 0)
		return NULL;
	if (b && b->n && judge(s, b, ev, sk, s->v2) != 0)
		return NULL;
	*n = take(s, a, s->v1, b, s->v2, ev);
	return s->out;
}

void
k8a_exprset_free(k8a_exprset *s)
{
	size_t i;

	if (s == NULL)
		return;
	side_clear(&s->side[0]);
	side_clear(&s->side[1]);
	for (i = 0; i < s->n; i++)
		free(s->m[i].lits);
	for (i = 0; i < s->nlit; i++)
		free(s->lit[i]);
	for (i = 0; s->memo && i < MEMO_SLOTS; i++) {
		free(s->memo[i].sig);
		free(s->memo[i].verdict);
	}
	free(s->memo);
	free(s->m);
	free(s->every.idx);
	free(s->v1);
	free(s->v2);
	free(s->lit);
	free(s->litlen);
	free(s->litstate);
	free(s->litgen);
	free(s->out);
	k8a_buf_free(&s->sig);
	free(s);
}
