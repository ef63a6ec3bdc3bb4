/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A set of expressions tried on every record (a rule catalog): which of
 * them may match, decided without parsing the record.
 *
 *  - Each expression gets keys: (member, value) pairs, or members that
 *    must merely be present, such that a record matching it has at least
 *    one of them.  `resource in (secrets, roles) or subresource = exec`
 *    has three; `decision = forbid or code = 403` two; `impersonatedUser
 *    exists` one.  Expressions are filed in a table under their keys, and
 *    a record is only tried against the lists its own members' values
 *    find there, and the few expressions that have no keys.
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

#include "expr.h"

#define FEW 4             /* lists this short are judged, not looked up */
#define MEMO_SLOTS 4096   /* remembered records (direct-mapped) */
#define MAX_KEYS 64       /* an expression with more keys is tried on every record */

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

/* One key: a value of a slot (any 0), the slot's presence (1), or a value
 * without regard to ASCII case (2: lower case). */
struct key {
	int slot, any;
	char *v;
	size_t n;
};

struct keys {
	struct key *k;
	size_t n;
	unsigned cost; /* how often records are expected to have one */
	int ok;        /* 0: no keys (every record may match) */
};

/* The expressions filed under one value of a slot. */
struct group {
	struct group *next;
	char *key;
	size_t len;
	struct list l;
};

/* Values, chained; mask + 1 buckets. */
struct vtab {
	struct group **tab;
	size_t mask, nvals;
};

/* One slot's keys. */
struct slotkeys {
	struct vtab exact;  /* its values */
	struct vtab folded; /* its values in lower case, for tests that ignore case */
	struct list any;    /* its presence */
	struct list all;    /* every expression with a key on the slot */
};

struct side {
	struct slotkeys sl[SK_COUNT_];
	uint64_t slots;     /* the slots some key names */
	struct list keyless; /* expressions with no keys */
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
	/* per record: the verdicts given (judged when gen is now) and the
	 * expressions that may match, as bits */
	unsigned *gen;
	unsigned char *verd;
	uint64_t *deps;
	uint64_t *maybe;
	size_t nwords;
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

k8a_exprset *
k8a_exprset_new(void)
{
	return calloc(1, sizeof(k8a_exprset));
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

/* ---- keys ---- */

/* About how many records in a thousand have a key of the slot, for
 * choosing between the keys of the two sides of an "and" (a guess from
 * EKS and CloudTrail logs; it only decides speed). */
static unsigned
key_cost(int slot, int any)
{
	if (any == 1) {
		switch (slot) {
		case SK_IMP_OBJ: case SK_IMP_USERNAME: return 5;
		case SK_ERROR_CODE: return 100;
		case SK_POD_NAME: case SK_CREDENTIAL_ID: case SK_SUBRESOURCE: case SK_REQUEST_OBJ: return 300;
		default: return 1000;
		}
	}
	switch (slot) {
	case SK_IMP_USERNAME: return 1;
	case SK_SUBRESOURCE: case SK_NAME: case SK_EVENT_NAME: return 10;
	case SK_USERNAME: case SK_DECISION: case SK_ERROR_CODE: return 20;
	case SK_RESOURCE: return 30;
	case SK_CODE: case SK_GROUPS: return 50;
	case SK_NAMESPACE: case SK_API_GROUP: case SK_EVENT_SOURCE: return 100;
	case SK_VERB: return 200;
	case SK_STAGE: return 500;
	default: return 300;
	}
}

static void
keys_free(struct keys *ks)
{
	size_t i;

	for (i = 0; i < ks->n; i++)
		free(ks->k[i].v);
	free(ks->k);
	memset(ks, 0, sizeof(*ks));
}

static int
key_add(struct keys *ks, int slot, int any, const char *v, size_t n)
{
	struct key *nk;
	size_t i;

	for (i = 0; i < ks->n; i++)
		if (ks->k[i].slot == slot && ks->k[i].any == any && ks->k[i].n == n &&
		    (n == 0 || memcmp(ks->k[i].v, v, n) == 0))
			return 0;
	if ((nk = realloc(ks->k, (ks->n + 1) * sizeof(*nk))) == NULL)
		return -1;
	ks->k = nk;
	nk = &ks->k[ks->n];
	nk->slot = slot;
	nk->any = any;
	nk->n = n;
	if ((nk->v = malloc(n + 1)) == NULL)
		return -1;
	memcpy(nk->v, v, n);
	nk->v[n] = '\0';
	ks->n++;
	ks->cost += key_cost(slot, any);
	if (ks->cost > 1000)
		ks->cost = 1000; /* every record */
	return 0;
}

/* A predicate's keys.  The skim's verdicts (exprskim.c pred_skim, pred_raw)
 * say what a slot's value must be for a positive operator to hold: absent
 * slots hold none; `=` and `in` need a value's exact bytes (or, for an
 * integer, its number); the other operators a value of any kind. */
static int
pred_keys(const struct pred *p, enum k8a_source src, struct keys *ks)
{
	int slot = src == K8A_SRC_K8S ? p->sk_k8s : p->sk_ct;
	int pre = src == K8A_SRC_K8S ? p->pre_k8s : p->pre_ct;
	size_t i;

	if (p->op == OP_NE || p->op == OP_NRE || p->ref || p->synth != S_NONE)
		return 0; /* absent values satisfy it, or it is not read from a slot */
	if (slot == SKS_NONE) {
		ks->ok = 1; /* never there: no record matches */
		return 0;
	}
	if (slot >= 0 && (p->op == OP_EQ || p->op == OP_IN)) {
		for (i = 0; i < p->nvals; i++) {
			char tmp[32];
			/* a value without letters has one case */
			int fold = p->icase && strpbrk(p->vals[i], "abcdefghijklmnopqrstuvwxyz") != NULL;
			if (key_add(ks, slot, fold ? 2 : 0, p->vals[i], p->vlen[i]) != 0)
				return -1;
			/* an integer member is looked up by its shortest text */
			if (p->isnum[i] && p->num[i] == (double)(long long)p->num[i] &&
			    p->num[i] > -1e15 && p->num[i] < 1e15) {
				int tn = snprintf(tmp, sizeof(tmp), "%lld", (long long)p->num[i]);
				if (key_add(ks, slot, 0, tmp, (size_t)tn) != 0)
					return -1;
			}
		}
		ks->ok = 1;
		return 0;
	}
	if (slot < 0 && p->field < 0)
		slot = pre; /* a path below a slot: that slot must be there */
	if (slot < 0)
		return 0;
	ks->ok = 1;
	return key_add(ks, slot, 1, "", 0);
}

/* The keys of x: every record x matches has one of them (ks->ok), or
 * there are none to tell. */
static int
expr_keys(const k8a_expr *x, enum k8a_source src, struct keys *ks)
{
	struct keys a = { 0 }, b = { 0 };
	size_t i;

	memset(ks, 0, sizeof(*ks));
	if (x == NULL)
		return 0;
	switch (x->type) {
	case N_PRED:
		if (pred_keys(x->p, src, ks) != 0) {
			keys_free(ks);
			return -1;
		}
		return 0;
	case N_AND:
		/* either side's keys will do: the cheaper */
		if (expr_keys(x->a, src, &a) != 0 || expr_keys(x->b, src, &b) != 0)
			break;
		if (a.ok && (!b.ok || a.cost <= b.cost)) {
			*ks = a;
			keys_free(&b);
		} else {
			*ks = b;
			keys_free(&a);
		}
		return 0;
	case N_OR:
		/* both sides' keys, when both have some */
		if (expr_keys(x->a, src, &a) != 0 || expr_keys(x->b, src, &b) != 0)
			break;
		if (a.ok && b.ok) {
			for (i = 0; i < b.n; i++)
				if (key_add(&a, b.k[i].slot, b.k[i].any, b.k[i].v, b.k[i].n) != 0)
					break;
			if (i < b.n)
				break;
			*ks = a;
			keys_free(&b);
			return 0;
		}
		keys_free(&a);
		keys_free(&b);
		return 0;
	default:
		return 0; /* not, true: no keys */
	}
	keys_free(&a);
	keys_free(&b);
	return -1;
}

/* ---- the table of keys ---- */

static struct group *
find(const struct vtab *k, const char *key, size_t len)
{
	struct group *g;

	if (k->nvals == 0)
		return NULL;
	g = k->tab[k->mask ? k8a_hash_bytes(key, len) & k->mask : 0];
	for (; g; g = g->next)
		if (g->len == len && memcmp(g->key, key, len) == 0)
			return g;
	return NULL;
}

/* The group of a value, made (in the one bucket a table has while it is
 * being built) when new. */
static struct group *
group_make(struct vtab *k, const char *key, size_t len)
{
	struct group *g;

	if (k->tab == NULL && (k->tab = calloc(1, sizeof(*k->tab))) == NULL)
		return NULL;
	if ((g = find(k, key, len)) != NULL)
		return g;
	if ((g = calloc(1, sizeof(*g))) == NULL || (g->key = malloc(len + 1)) == NULL) {
		free(g);
		return NULL;
	}
	memcpy(g->key, key, len);
	g->key[len] = '\0';
	g->len = len;
	g->next = k->tab[0];
	k->tab[0] = g;
	k->nvals++;
	return g;
}

/* Spread a built slot's values over a table of about as many buckets. */
static int
slot_hash(struct vtab *k)
{
	struct group **tab, *g, *next;
	size_t nb = 1;

	while (nb < k->nvals)
		nb *= 2;
	if (nb < 4)
		return 0; /* a short chain is as quick */
	if ((tab = calloc(nb, sizeof(*tab))) == NULL)
		return -1;
	for (g = k->tab[0]; g; g = next) {
		size_t b = k8a_hash_bytes(g->key, g->len) & (nb - 1);
		next = g->next;
		g->next = tab[b];
		tab[b] = g;
	}
	free(k->tab);
	k->tab = tab;
	k->mask = nb - 1;
	return 0;
}

static void
list_clear(struct list *l)
{
	free(l->idx);
	memset(l, 0, sizeof(*l));
}

static void
side_clear(struct side *sd)
{
	size_t i, b;

	for (i = 0; i < SK_COUNT_ * 2; i++) {
		struct slotkeys *k = &sd->sl[i / 2];
		struct vtab *t = i % 2 ? &k->folded : &k->exact;
		for (b = 0; t->tab && b <= t->mask; b++) {
			struct group *g = t->tab[b], *next;
			for (; g; g = next) {
				next = g->next;
				free(g->key);
				free(g->l.idx);
				free(g);
			}
		}
		free(t->tab);
		if (i % 2 == 0)
			continue;
		list_clear(&k->any);
		list_clear(&k->all);
		memset(k, 0, sizeof(*k));
	}
	list_clear(&sd->keyless);
	sd->slots = 0;
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

/* File one source's expressions under their keys. */
static int
side_build(k8a_exprset *s, struct side *sd, enum k8a_source src)
{
	size_t k, i;

	for (k = 0; k < s->n; k++) {
		struct keys ks;
		uint64_t k8s = 0, ct = 0, used;
		if (s->m[k].src != src)
			continue;
		k8a_expr_skim_slots(s->m[k].x, &k8s, &ct);
		used = src == K8A_SRC_K8S ? k8s : ct;
		if (expr_keys(s->m[k].x, src, &ks) != 0)
			return -1;
		if (!ks.ok || ks.n > MAX_KEYS) {
			keys_free(&ks);
			if (list_add(&sd->keyless, k, used) != 0)
				return -1;
			continue;
		}
		/* (ok with no keys at all: it matches no record, it is filed nowhere) */
		for (i = 0; i < ks.n; i++) {
			const struct key *ky = &ks.k[i];
			struct slotkeys *sk = &sd->sl[ky->slot];
			struct group *g = NULL;
			if ((ky->any != 1 && (g = group_make(ky->any ? &sk->folded : &sk->exact, ky->v, ky->n)) == NULL) ||
			    list_add(g ? &g->l : &sk->any, k, used) != 0 || list_add(&sk->all, k, used) != 0) {
				keys_free(&ks);
				return -1;
			}
			sd->slots |= (uint64_t)1 << ky->slot;
		}
		keys_free(&ks);
	}
	for (i = 0; i < SK_COUNT_; i++)
		if (slot_hash(&sd->sl[i].exact) != 0 || slot_hash(&sd->sl[i].folded) != 0)
			return -1;
	return 0;
}

static int
build(k8a_exprset *s)
{
	size_t k;

	side_clear(&s->side[0]);
	side_clear(&s->side[1]);
	list_clear(&s->every);
	for (k = 0; k < s->n; k++)
		if (push(&s->every.idx, &s->every.n, k) != 0)
			return -1;
	if (side_build(s, &s->side[0], K8A_SRC_K8S) != 0 || side_build(s, &s->side[1], K8A_SRC_CLOUDTRAIL) != 0)
		return -1;
	free(s->litstate);
	free(s->litgen);
	free(s->out);
	free(s->gen);
	free(s->verd);
	free(s->deps);
	free(s->maybe);
	s->nwords = s->n / 64 + 1;
	s->litstate = calloc(s->nlit + 1, 1);
	s->litgen = calloc(s->nlit + 1, sizeof(unsigned));
	s->out = calloc(s->n + 1, sizeof(size_t));
	s->gen = calloc(s->n + 1, sizeof(unsigned));
	s->verd = calloc(s->n + 1, 1);
	s->deps = calloc(s->n + 1, sizeof(uint64_t));
	s->maybe = calloc(s->nwords, sizeof(uint64_t));
	if (s->memo == NULL)
		s->memo = calloc(MEMO_SLOTS, sizeof(*s->memo));
	if (s->litstate == NULL || s->litgen == NULL || s->out == NULL || s->memo == NULL ||
	    s->gen == NULL || s->verd == NULL || s->deps == NULL || s->maybe == NULL)
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

/* The skim's verdict on expression k, judged once per record. */
static unsigned char
verdict(k8a_exprset *s, size_t k, k8a_event *ev, uint64_t *deps)
{
	if (s->gen[k] != s->now) {
		uint64_t d = 0;
		s->verd[k] = k8a_expr_skim_eval(s->m[k].x, ev, &d) == 0 ? V_NO : V_MAYBE;
		s->deps[k] = d;
		s->gen[k] = s->now;
	}
	*deps = s->deps[k];
	return s->verd[k];
}

static void
mark(k8a_exprset *s, size_t k, unsigned char v)
{
	if (v != V_NO)
		s->maybe[k / 64] |= (uint64_t)1 << (k % 64);
}

/* Judge every expression of list l on the skim, marking those that may
 * match: from what was remembered for records with the same values of
 * the slots the list reads, else judged (and remembered when it read
 * only those). */
static int
judge(k8a_exprset *s, const struct list *l, k8a_event *ev, const struct k8a_skim *sk)
{
	struct memo *me;
	uint64_t h, deps;
	size_t i;

	if (l->n <= FEW) {
		/* judging a few costs less than looking them up */
		for (i = 0; i < l->n; i++)
			mark(s, l->idx[i], verdict(s, l->idx[i], ev, &deps));
		return 0;
	}
	if (signature(s, ev, sk, l->sig) != 0)
		return -1;
	h = k8a_hash_bytes(s->sig.p, s->sig.len);
	me = &s->memo[h % MEMO_SLOTS];
	if (me->list == l && me->hash == h && me->siglen == s->sig.len &&
	    memcmp(me->sig, s->sig.p, s->sig.len) == 0) {
		for (i = 0; i < l->n; i++) {
			unsigned char v = me->verdict[i];
			mark(s, l->idx[i], v == V_UNKNOWN ? verdict(s, l->idx[i], ev, &deps) : v);
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
	/* the expressions' programs are far from the cache when a log
	 * streams through it: ask for them all at once */
	for (i = 0; i < l->n; i++) {
		const struct member *m = &s->m[l->idx[i]];
		size_t o;
		for (o = 0; o < m->progn; o += 64)
			__builtin_prefetch((const char *)m->prog + o);
	}
	for (i = 0; i < l->n; i++) {
		unsigned char v = verdict(s, l->idx[i], ev, &deps);
		mark(s, l->idx[i], v);
		/* kept when it read nothing but the slots of the signature */
		me->verdict[i] = deps & ~l->sig ? V_UNKNOWN : v;
	}
	return 0;
}

/* The text of an SKV_INT slot as the shortest integer text, or 0. */
static int
int_key(const struct k8a_skim_val *v)
{
	size_t i = v->n && v->p[0] == '-';

	if (v->n - i == 0 || v->n - i > 15 || (v->p[i] == '0' && v->n - i > 1))
		return 0;
	for (; i < v->n; i++)
		if (v->p[i] < '0' || v->p[i] > '9')
			return 0;
	return 1;
}

/* Values up to this long are looked up without regard to case. */
#define FOLD_MAX 256

static void
fold(char *out, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		out[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] + 32) : s[i];
}

/* The string elements of the array text v[0..n) looked up under slot:
 * 0, or -1 when an element is not a plain string (then every key of the
 * slot must be tried). */
static int
judge_elements(k8a_exprset *s, struct side *sd, int slot, const char *v, size_t n, k8a_event *ev,
	const struct k8a_skim *sk)
{
	size_t i = k8a_jscan_ws(v, n, 1);
	struct group *g;

	if (i < n && v[i] == ']')
		return 0;
	for (;;) {
		size_t b;
		if (i >= n || v[i] != '"')
			return -1;
		for (b = ++i; i < n && v[i] != '"' && v[i] != '\\'; i++)
			;
		if (i >= n || v[i] != '"')
			return -1;
		if ((g = find(&sd->sl[slot].exact, v + b, i - b)) != NULL && judge(s, &g->l, ev, sk) != 0)
			return -2;
		if (sd->sl[slot].folded.nvals) {
			char low[FOLD_MAX];
			if (i - b > sizeof(low))
				return -1;
			fold(low, v + b, i - b);
			if ((g = find(&sd->sl[slot].folded, low, i - b)) != NULL && judge(s, &g->l, ev, sk) != 0)
				return -2;
		}
		i = k8a_jscan_ws(v, n, i + 1);
		if (i < n && v[i] == ']')
			return 0;
		if (i >= n || v[i] != ',')
			return -1;
		i = k8a_jscan_ws(v, n, i + 1);
	}
}

/* Judge the lists the record's value of one slot finds: its value's and
 * its presence's, or, when the skim cannot tell the value (escaped, an
 * object, a float, unsure), every list of the slot. */
static int
judge_slot(k8a_exprset *s, struct side *sd, int slot, k8a_event *ev, const struct k8a_skim *sk)
{
	const struct k8a_skim_val *v = &sk->v[slot];
	const struct slotkeys *k = &sd->sl[slot];
	struct group *g;
	int r;

	switch (v->t) {
	case SKV_ABSENT:
		return 0; /* no positive test of it holds */
	case SKV_STRING:
		if (v->p == NULL)
			return judge(s, &k->all, ev, sk);
		break;
	case SKV_INT:
		if (!int_key(v))
			return judge(s, &k->all, ev, sk);
		break;
	case SKV_OTHER:
		if (v->p && v->n && v->p[0] == '[' && (r = judge_elements(s, sd, slot, v->p, v->n, ev, sk)) != -1)
			return r == 0 ? judge(s, &k->any, ev, sk) : -1;
		return judge(s, &k->all, ev, sk);
	default:
		return judge(s, &k->all, ev, sk);
	}
	if ((g = find(&k->exact, v->p, v->n)) != NULL && judge(s, &g->l, ev, sk) != 0)
		return -1;
	if (k->folded.nvals) {
		char low[FOLD_MAX];
		if (v->n > sizeof(low))
			return judge(s, &k->all, ev, sk); /* longer than any value looked up so */
		fold(low, v->p, v->n);
		if ((g = find(&k->folded, low, v->n)) != NULL && judge(s, &g->l, ev, sk) != 0)
			return -1;
	}
	return judge(s, &k->any, ev, sk);
}

const size_t *
k8a_exprset_candidates(k8a_exprset *s, k8a_event *ev, size_t *n)
{
	const struct k8a_skim *sk;
	struct side *sd;
	size_t w, k;
	uint64_t slots;

	*n = 0;
	if (!s->built && build(s) != 0)
		return NULL;
	if (++s->now == 0) {
		memset(s->litgen, 0, (s->nlit + 1) * sizeof(unsigned));
		memset(s->gen, 0, (s->n + 1) * sizeof(unsigned));
		s->now = 1;
	}
	sk = k8a_event_skim(ev);
	if (sk->state != 1 || sk->source == K8A_SRC_UNKNOWN) {
		*n = s->every.n; /* only a parse can tell */
		return s->every.idx;
	}
	sd = &s->side[sk->source == K8A_SRC_K8S ? 0 : 1];
	memset(s->maybe, 0, s->nwords * sizeof(uint64_t));
	if (judge(s, &sd->keyless, ev, sk) != 0)
		return NULL;
	for (slots = sd->slots; slots; slots &= slots - 1)
		if (judge_slot(s, sd, __builtin_ctzll(slots), ev, sk) != 0)
			return NULL;
	for (w = 0; w < s->nwords; w++)
		for (; s->maybe[w]; s->maybe[w] &= s->maybe[w] - 1) {
			k = w * 64 + (size_t)__builtin_ctzll(s->maybe[w]);
			if (literals_ok(s, &s->m[k], ev))
				s->out[(*n)++] = k;
		}
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
	free(s->gen);
	free(s->verd);
	free(s->deps);
	free(s->maybe);
	free(s->lit);
	free(s->litlen);
	free(s->litstate);
	free(s->litgen);
	free(s->out);
	k8a_buf_free(&s->sig);
	free(s);
}
