/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The skim: one quick pass over a record's text that reads the members
 * queries and rules test most (verb, objectRef, the user name, eventName,
 * the authorization decision, ...) as a parse would see them, without
 * building anything.  Expressions are tried against it first
 * (k8a_expr_may_match()), so a record it rules out is never parsed.
 *
 * It also notes every byte some string writes as an escape (\u0041, \/),
 * so that a literal search that fails can tell whether an escape could
 * have hidden the literal (k8a_event_may_contain()).
 *
 * Exactness over speed where they meet: a member whose string holds an
 * escape, a member given twice, or text the skim cannot follow leave the
 * answer open, and the parse decides.
 */
#include <pthread.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "private.h"

enum ctx { CTX_TOP, CTX_USER, CTX_EXTRA, CTX_REF, CTX_STATUS, CTX_IMP, CTX_ANN, CTX_IDENT, CTX_NONE };

/* Members read, per object: slot, or an object to enter (or both). */
static const struct member {
	enum ctx in;
	const char *key;
	size_t len;
	int slot;      /* enum k8a_skim_slot, or -1 */
	enum ctx into; /* CTX_NONE: not entered */
} members[] = {
	{ CTX_TOP, "kind", 4, SK_KIND, CTX_NONE },
	{ CTX_TOP, "apiVersion", 10, SK_API_VERSION, CTX_NONE },
	{ CTX_TOP, "auditID", 7, SK_AUDIT_ID, CTX_NONE },
	{ CTX_TOP, "stage", 5, SK_STAGE, CTX_NONE },
	{ CTX_TOP, "requestURI", 10, SK_URI, CTX_NONE },
	{ CTX_TOP, "verb", 4, SK_VERB, CTX_NONE },
	{ CTX_TOP, "userAgent", 9, SK_USER_AGENT, CTX_NONE },
	{ CTX_TOP, "sourceIPs", 9, SK_IPS, CTX_NONE },
	{ CTX_TOP, "sourceIPAddress", 15, SK_IP_ADDRESS, CTX_NONE },
	{ CTX_TOP, "user", 4, SK_USER_OBJ, CTX_USER },
	{ CTX_TOP, "objectRef", 9, SK_REF_OBJ, CTX_REF },
	{ CTX_TOP, "responseStatus", 14, SK_STATUS_OBJ, CTX_STATUS },
	{ CTX_TOP, "impersonatedUser", 16, SK_IMP_OBJ, CTX_IMP },
	{ CTX_TOP, "annotations", 11, SK_ANN_OBJ, CTX_ANN },
	{ CTX_TOP, "requestObject", 13, SK_REQUEST_OBJ, CTX_NONE },
	{ CTX_TOP, "responseObject", 14, SK_RESPONSE_OBJ, CTX_NONE },
	{ CTX_TOP, "requestParameters", 17, SK_REQUEST_PARAMS, CTX_NONE },
	{ CTX_TOP, "responseElements", 16, SK_RESPONSE_ELEMS, CTX_NONE },
	{ CTX_TOP, "additionalEventData", 19, SK_ADDITIONAL, CTX_NONE },
	{ CTX_TOP, "eventName", 9, SK_EVENT_NAME, CTX_NONE },
	{ CTX_TOP, "eventSource", 11, SK_EVENT_SOURCE, CTX_NONE },
	{ CTX_TOP, "eventVersion", 12, SK_EVENT_VERSION, CTX_NONE },
	{ CTX_TOP, "eventID", 7, SK_EVENT_ID, CTX_NONE },
	{ CTX_TOP, "errorCode", 9, SK_ERROR_CODE, CTX_NONE },
	{ CTX_TOP, "awsRegion", 9, SK_REGION, CTX_NONE },
	{ CTX_TOP, "userIdentity", 12, SK_IDENT_OBJ, CTX_IDENT },
	{ CTX_TOP, "stageTimestamp", 14, SK_STAGE_TS, CTX_NONE },
	{ CTX_TOP, "timestamp", 9, SK_TIMESTAMP, CTX_NONE },
	{ CTX_TOP, "requestReceivedTimestamp", 24, SK_RECEIVED_TS, CTX_NONE },
	{ CTX_TOP, "eventTime", 9, SK_EVENT_TIME, CTX_NONE },
	{ CTX_TOP, "@timestamp", 10, SK_AT_TIMESTAMP, CTX_NONE },
	{ CTX_USER, "username", 8, SK_USERNAME, CTX_NONE },
	{ CTX_USER, "groups", 6, SK_GROUPS, CTX_NONE },
	{ CTX_USER, "extra", 5, SK_EXTRA_OBJ, CTX_EXTRA },
	{ CTX_EXTRA, "authentication.kubernetes.io/credential-id", 42, SK_CREDENTIAL_ID, CTX_NONE },
	{ CTX_EXTRA, "authentication.kubernetes.io/pod-name", 37, SK_POD_NAME, CTX_NONE },
	{ CTX_REF, "resource", 8, SK_RESOURCE, CTX_NONE },
	{ CTX_REF, "subresource", 11, SK_SUBRESOURCE, CTX_NONE },
	{ CTX_REF, "namespace", 9, SK_NAMESPACE, CTX_NONE },
	{ CTX_REF, "name", 4, SK_NAME, CTX_NONE },
	{ CTX_REF, "apiGroup", 8, SK_API_GROUP, CTX_NONE },
	{ CTX_STATUS, "code", 4, SK_CODE, CTX_NONE },
	{ CTX_IMP, "username", 8, SK_IMP_USERNAME, CTX_NONE },
	{ CTX_ANN, "authorization.k8s.io/decision", 29, SK_DECISION, CTX_NONE },
	{ CTX_ANN, "authorization.k8s.io/reason", 27, SK_REASON, CTX_NONE },
	{ CTX_IDENT, "type", 4, SK_IDENT_TYPE, CTX_NONE },
};

/* The slots read inside each object, so that meeting the object twice,
 * or as an array, can leave them all open. */
static void
open_slots(struct k8a_skim *sk, enum ctx c, enum k8a_skim_type t)
{
	size_t i;

	for (i = 0; i < sizeof(members) / sizeof(members[0]); i++)
		if (members[i].in == c) {
			sk->v[members[i].slot].t = t;
			sk->v[members[i].slot].p = NULL;
			if (members[i].into != CTX_NONE)
				open_slots(sk, members[i].into, t);
		}
}

/* Members by a hash of (object, length, first and last byte), open
 * addressing; built once.  Most keys of a record are not ours and end at
 * an empty slot. */
#define NHASH 512
static unsigned char member_at[NHASH]; /* index + 1, 0: empty */
static pthread_once_t member_once = PTHREAD_ONCE_INIT;

static unsigned
member_hash(enum ctx c, const char *k, size_t n)
{
	return ((unsigned)c * 97u + (unsigned)n * 31u + (unsigned char)k[0] * 7u + (unsigned char)k[n - 1]) % NHASH;
}

static void
member_index(void)
{
	size_t i;

	for (i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
		unsigned h = member_hash(members[i].in, members[i].key, members[i].len);
		while (member_at[h])
			h = (h + 1) % NHASH;
		member_at[h] = (unsigned char)(i + 1);
	}
}

/* (member_index must have run: k8a_skim and k8a_skim_path_slot see to it) */
static const struct member *
lookup(enum ctx c, const char *k, size_t n)
{
	unsigned h;

	if (n == 0)
		return NULL;
	for (h = member_hash(c, k, n); member_at[h]; h = (h + 1) % NHASH) {
		const struct member *m = &members[member_at[h] - 1];
		if (m->len == n && m->in == c && memcmp(m->key, k, n) == 0)
			return m;
	}
	return NULL;
}

static void
set_esc(struct k8a_skim *sk, unsigned c)
{
	sk->esc[c >> 3] |= (unsigned char)(1u << (c & 7));
}

/* Position of the next '"' or '\\' at or after p, or e. */
static const char *
next_quote_or_bs(const char *p, const char *e)
{
#ifdef __SSE2__
	const __m128i q = _mm_set1_epi8('"'), bs = _mm_set1_epi8('\\');
	while (e - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		int m = _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, q), _mm_cmpeq_epi8(v, bs)));
		if (m)
			return p + __builtin_ctz((unsigned)m);
		p += 16;
	}
#endif
	while (p < e && *p != '"' && *p != '\\')
		p++;
	return p;
}

/* The escape at p (its backslash): note the byte it stands for and
 * return what follows it, or NULL when it is malformed or cut. */
static const char *
escape(struct k8a_skim *sk, const char *p, const char *e)
{
	if (e - p < 2)
		return NULL;
	switch (p[1]) {
	case 'u': {
		int a, b, c, d;
		if (e - p < 6 || (a = k8a_hexval(p[2])) < 0 || (b = k8a_hexval(p[3])) < 0 ||
		    (c = k8a_hexval(p[4])) < 0 || (d = k8a_hexval(p[5])) < 0)
			return NULL;
		if (a == 0 && b == 0 && c < 8)
			set_esc(sk, (unsigned)(c * 16 + d));
		else
			sk->esc_high = 1; /* written as UTF-8 bytes >= 0x80 */
		return p + 6;
	}
	case '"': set_esc(sk, '"'); break;
	case '\\': set_esc(sk, '\\'); break;
	case '/': set_esc(sk, '/'); break;
	case 'b': set_esc(sk, '\b'); break;
	case 'f': set_esc(sk, '\f'); break;
	case 'n': set_esc(sk, '\n'); break;
	case 'r': set_esc(sk, '\r'); break;
	case 't': set_esc(sk, '\t'); break;
	default:
		return NULL;
	}
	return p + 2;
}

/* p is just after an opening quote: return the closing quote, or NULL
 * when the text is cut or an escape is malformed.  *escaped is set when
 * the string holds any escape. */
static const char *
string_end(struct k8a_skim *sk, const char *p, const char *e, int *escaped)
{
	for (;;) {
		p = next_quote_or_bs(p, e);
		if (p >= e)
			return NULL;
		if (*p == '"')
			return p;
		*escaped = 1;
		if ((p = escape(sk, p, e)) == NULL)
			return NULL;
	}
}

#ifdef __SSE2__
/* The 64 bytes at p, as bits (bit i: byte i): quotes, backslashes and
 * brackets (any of {}[]); each 16-byte part is loaded once. */
static inline void
block64(const char *p, uint64_t *quote, uint64_t *bs, uint64_t *bracket)
{
	int i;

	*quote = *bs = *bracket = 0;
	for (i = 0; i < 4; i++) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * i));
		__m128i br = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('{')),
						       _mm_cmpeq_epi8(v, _mm_set1_epi8('}'))),
			_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('[')), _mm_cmpeq_epi8(v, _mm_set1_epi8(']'))));
		*quote |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('"'))) << (16 * i);
		*bs |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))) << (16 * i);
		*bracket |= (uint64_t)(unsigned)_mm_movemask_epi8(br) << (16 * i);
	}
}

/* Bit i set when an odd number of bits 0..i of x are set: with x the
 * quotes of a block, the bytes inside strings (opening quotes included). */
static inline uint64_t
prefix_xor(uint64_t x)
{
	x ^= x << 1;
	x ^= x << 2;
	x ^= x << 4;
	x ^= x << 8;
	x ^= x << 16;
	x ^= x << 32;
	return x;
}
#endif

/* Skip the object or array at p: return the byte after it, or NULL.
 * Bodies (a pod spec, a policy document) are most of a log's bytes, and
 * most of their bytes are strings.  A 64-byte block without a backslash
 * is read whole: its quotes tell which bytes lie inside strings (a prefix
 * XOR), and only the brackets outside them are looked at.  Blocks with a
 * backslash, and the tail, go through 16-byte steps that follow every
 * quote, backslash and bracket (escapes are noted in the skim's map). */
static const char *
skip_container(struct k8a_skim *sk, const char *p, const char *e)
{
	size_t depth = 0;
	int in_str = 0;
#ifdef __SSE2__
	unsigned steps = 0; /* 16-byte steps left before trying a whole block again */
#endif

	while (p < e) {
		unsigned mask, n = 16;
#ifdef __SSE2__
		if (steps == 0 && e - p >= 64) {
			uint64_t q, bs, br, inside;
			block64(p, &q, &bs, &br);
			if (bs != 0)
				steps = 4; /* this block the slow way */
			else {
				inside = prefix_xor(q) ^ (in_str ? ~(uint64_t)0 : 0);
				br &= ~inside;
				for (; br; br &= br - 1) {
					unsigned i = (unsigned)__builtin_ctzll(br);
					if (p[i] == '{' || p[i] == '[')
						depth++;
					else if (--depth == 0)
						return p + i + 1;
				}
				in_str = (int)(inside >> 63);
				p += 64;
				continue;
			}
		}
		if (steps)
			steps--;
		if (e - p >= 16) {
			__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
			__m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')),
							      _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
				_mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('{')),
							  _mm_cmpeq_epi8(v, _mm_set1_epi8('}'))),
					_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('[')),
						_mm_cmpeq_epi8(v, _mm_set1_epi8(']')))));
			mask = (unsigned)_mm_movemask_epi8(m);
		} else
#endif
		{
			unsigned i;
			if ((size_t)(e - p) < n)
				n = (unsigned)(e - p);
			for (mask = 0, i = 0; i < n; i++)
				if (strchr("\"\\{}[]", p[i]) && p[i] != '\0')
					mask |= 1u << i;
		}
		while (mask) {
			unsigned i = (unsigned)__builtin_ctz(mask);
			char c = p[i];
			mask &= mask - 1;
			if (in_str) {
				if (c == '"')
					in_str = 0;
				else if (c == '\\') {
					const char *q = escape(sk, p + i, e);
					if (q == NULL)
						return NULL;
					if (q - p >= (ptrdiff_t)n) {
						p = q - n; /* go on from q */
						mask = 0;
					} else
						mask &= ~0u << (q - p);
				}
			} else if (c == '"')
				in_str = 1;
			else if (c == '{' || c == '[')
				depth++;
			else if (c == '}' || c == ']') {
				if (--depth == 0)
					return p + i + 1;
			} else
				return NULL; /* a backslash outside a string */
		}
		p += n;
	}
	return NULL;
}

/* Whitespace, as k8a_jscan_ws() skips it; kept here so that it inlines
 * (it runs between every two tokens). */
static const char *
ws(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
		p++;
	return p;
}

/* The member whose key's quote is at p: its key (*k, *kn; *kesc when it
 * holds an escape) and the start of its value, or NULL when malformed. */
static inline const char *
member_key(struct k8a_skim *sk, const char *p, const char *e, const char **k, size_t *kn, int *kesc)
{
	const char *kend;

	*kesc = 0;
	if (p >= e || *p != '"' || (kend = string_end(sk, p + 1, e, kesc)) == NULL)
		return NULL;
	*k = p + 1;
	*kn = (size_t)(kend - p - 1);
	p = ws(kend + 1, e);
	if (p >= e || *p != ':')
		return NULL;
	return ws(p + 1, e);
}

/* After a member or element ending at *pp: 1 with *pp at the next one,
 * 0 with *pp after `close`, -1 when the text is malformed. */
static inline int
next_item(const char **pp, const char *e, char close)
{
	const char *p = ws(*pp, e);

	if (p < e && *p == ',') {
		*pp = ws(p + 1, e);
		return 1;
	}
	if (p < e && *p == close) {
		*pp = p + 1;
		return 0;
	}
	return -1;
}

/* Skip the value at p (not whitespace); return the byte after it, or NULL. */
static const char *
skip_value(struct k8a_skim *sk, const char *p, const char *e)
{
	int esc;

	if (p >= e)
		return NULL;
	if (*p == '"') {
		p = string_end(sk, p + 1, e, &esc);
		return p ? p + 1 : NULL;
	}
	if (*p != '{' && *p != '[') {
		const char *s = p;
		while (p < e && *p != ',' && *p != '}' && *p != ']' && *p != ' ' && *p != '\n' &&
		       *p != '\r' && *p != '\t')
			p++;
		return p > s ? p : NULL;
	}
	return skip_container(sk, p, e);
}

const char *
k8a_skim_value_end(const char *p, const char *e)
{
	struct k8a_skim scratch; /* for the escapes it meets: already noted */

	memset(scratch.esc, 0, sizeof(scratch.esc));
	scratch.esc_high = 0;
	return skip_value(&scratch, ws(p, e), e);
}

/* Read the value at p into slot v; return the byte after it, or NULL. */
static const char *
read_value(struct k8a_skim *sk, struct k8a_skim_val *v, const char *p, const char *e)
{
	const char *end;
	int esc = 0;

	if (v->t != SKV_ABSENT) {
		/* given twice: which one a parser keeps is its business */
		v->t = SKV_UNSURE;
		v->p = NULL;
		return skip_value(sk, p, e);
	}
	if (p < e && *p == '"') {
		if ((end = string_end(sk, p + 1, e, &esc)) == NULL)
			return NULL;
		v->t = SKV_STRING;
		v->p = esc ? NULL : p + 1; /* NULL: a string of unknown value */
		v->n = (size_t)(end - p - 1);
		return end + 1;
	}
	if ((end = skip_value(sk, p, e)) == NULL)
		return NULL;
	v->t = SKV_OTHER;
	v->p = p;
	v->n = (size_t)(end - p);
	if (*p == '-' || (*p >= '0' && *p <= '9')) {
		const char *d = *p == '-' ? p + 1 : p;
		size_t nd = (size_t)(end - d), i;
		for (i = 0; i < nd && d[i] >= '0' && d[i] <= '9'; i++)
			;
		if (nd > 0 && nd <= 18 && i == nd)
			v->t = SKV_INT;
	}
	return end;
}

/* sourceIPs: an array of strings, read element by element; the path
 * reaches each element, the aliases the first and the last. */
static const char *
read_ips(struct k8a_skim *sk, const char *p, const char *e)
{
	struct k8a_skim_val *all = &sk->v[SK_IPS], *first = &sk->v[SK_FIRST_IP], *last = &sk->v[SK_LAST_IP];
	const char *start = p;
	size_t count = 0;

	if (all->t != SKV_ABSENT) {
		all->t = first->t = last->t = SKV_UNSURE;
		return skip_value(sk, p, e);
	}
	if (p >= e || *p != '[')
		return read_value(sk, all, p, e); /* not an array: no first or last */
	all->t = SKV_OTHER; /* the path tests the array's text */
	p = ws(p + 1, e);
	if (p < e && *p == ']') {
		all->p = start;
		all->n = (size_t)(p + 1 - start);
		return p + 1; /* no first or last */
	}
	for (;;) {
		struct k8a_skim_val v = { NULL, 0, SKV_ABSENT };
		int more;
		if ((p = read_value(sk, &v, p, e)) == NULL)
			return NULL;
		if (count++ == 0)
			*first = v;
		*last = v;
		if ((more = next_item(&p, e, ']')) < 0)
			return NULL;
		if (!more) {
			all->p = start;
			all->n = (size_t)(p - start);
			return p;
		}
	}
}

/* Walk the object at p (after '{'); members of context c.  Returns the
 * byte after its '}', or NULL. */
static const char *
walk_object(struct k8a_skim *sk, enum ctx c, const char *p, const char *e)
{
	p = ws(p, e);
	if (p < e && *p == '}')
		return p + 1;
	for (;;) {
		const struct member *m = NULL;
		const char *k;
		size_t kn;
		int esc, more;

		if ((p = member_key(sk, p, e, &k, &kn, &esc)) == NULL)
			return NULL;
		if (esc) {
			/* an escaped key could be any of ours */
			sk->state = -1;
			return NULL;
		}
		if (c != CTX_NONE)
			m = lookup(c, k, kn);
		if (m == NULL)
			p = skip_value(sk, p, e);
		else if (m->slot == SK_IPS)
			p = read_ips(sk, p, e);
		else if (m->into != CTX_NONE && sk->v[m->slot].t != SKV_ABSENT) {
			/* the object again: leave what it holds open */
			sk->v[m->slot].t = SKV_UNSURE;
			open_slots(sk, m->into, SKV_UNSURE);
			p = skip_value(sk, p, e);
		} else if (m->into != CTX_NONE && p < e && *p == '{') {
			const char *start = p;
			if ((p = walk_object(sk, m->into, p + 1, e)) != NULL) {
				sk->v[m->slot].t = SKV_OBJECT;
				sk->v[m->slot].p = start;
				sk->v[m->slot].n = (size_t)(p - start);
			}
		} else {
			if (m->into != CTX_NONE && p < e && *p == '[')
				open_slots(sk, m->into, SKV_UNSURE); /* paths fan out */
			p = read_value(sk, &sk->v[m->slot], p, e);
		}
		if (p == NULL || (more = next_item(&p, e, '}')) < 0)
			return NULL;
		if (!more)
			return p;
	}
}

/* Three-valued: 1 yes, 0 no, -1 cannot tell. */
static int
is_string(const struct k8a_skim_val *v)
{
	return v->t == SKV_STRING ? 1 : v->t == SKV_UNSURE ? -1 : 0;
}

static int
string_is(const struct k8a_skim_val *v, const char *s, int prefix)
{
	size_t n = strlen(s);

	if (v->t == SKV_UNSURE || (v->t == SKV_STRING && v->p == NULL))
		return -1;
	if (v->t != SKV_STRING)
		return 0;
	return (prefix ? v->n >= n : v->n == n) && memcmp(v->p, s, n) == 0;
}

static int
and3(int a, int b)
{
	return a == 0 || b == 0 ? 0 : a == 1 && b == 1 ? 1 : -1;
}

static int
or3(int a, int b)
{
	return a == 1 || b == 1 ? 1 : a == 0 && b == 0 ? 0 : -1;
}

/* The record kind by the rules of k8a_event_json(). */
static enum k8a_source
kind_of(const struct k8a_skim *sk)
{
	int ct, k8s;

	ct = and3(is_string(&sk->v[SK_EVENT_NAME]),
		sk->v[SK_EVENT_SOURCE].t != SKV_ABSENT || sk->v[SK_EVENT_VERSION].t != SKV_ABSENT);
	if (ct == 1)
		return K8A_SRC_CLOUDTRAIL;
	if (ct < 0)
		return K8A_SRC_UNKNOWN;
	k8s = or3(and3(string_is(&sk->v[SK_KIND], "Event", 0),
			  string_is(&sk->v[SK_API_VERSION], "audit.k8s.io/", 1)),
		and3(is_string(&sk->v[SK_AUDIT_ID]), is_string(&sk->v[SK_VERB])));
	return k8s == 1 ? K8A_SRC_K8S : K8A_SRC_UNKNOWN;
}

void
k8a_skim(struct k8a_skim *sk, const char *raw, size_t n)
{
	const char *p = raw, *e = raw + n;

	pthread_once(&member_once, member_index); /* lookup() reads it */
	memset(sk, 0, sizeof(*sk));
	sk->source = K8A_SRC_UNKNOWN;
	p = ws(p, e);
	if (p >= e || *p != '{' || (p = walk_object(sk, CTX_TOP, p + 1, e)) == NULL ||
	    ws(p, e) != e) {
		sk->state = -1;
		return;
	}
	sk->state = 1;
	sk->source = kind_of(sk);
}

/* Where the skim keeps field f of a record from src: a slot, SKS_NONE
 * when that source never has the field, SKS_UNKNOWN when it is not read. */
int
k8a_skim_field_slot(enum k8a_source src, int f)
{
	static const int k8s[K8A_F_COUNT_] = {
		[K8A_F_TIME] = SKS_UNKNOWN, [K8A_F_ID] = SK_AUDIT_ID, [K8A_F_USER] = SK_USERNAME,
		[K8A_F_UID] = SKS_UNKNOWN, [K8A_F_ARN] = SKS_UNKNOWN, [K8A_F_CANONICAL_ARN] = SKS_UNKNOWN,
		[K8A_F_ACCESS_KEY] = SKS_UNKNOWN, [K8A_F_SESSION] = SKS_UNKNOWN,
		[K8A_F_PRINCIPAL] = SKS_UNKNOWN, [K8A_F_ACCOUNT] = SKS_UNKNOWN,
		[K8A_F_IMPERSONATED] = SK_IMP_USERNAME, [K8A_F_SOURCE_IP] = SK_FIRST_IP,
		[K8A_F_PEER_IP] = SK_LAST_IP, [K8A_F_USER_AGENT] = SK_USER_AGENT, [K8A_F_VERB] = SK_VERB,
		[K8A_F_SERVICE] = SKS_NONE, [K8A_F_API_GROUP] = SK_API_GROUP, [K8A_F_RESOURCE] = SK_RESOURCE,
		[K8A_F_SUBRESOURCE] = SK_SUBRESOURCE, [K8A_F_NAMESPACE] = SK_NAMESPACE, [K8A_F_NAME] = SK_NAME,
		[K8A_F_CODE] = SK_CODE, [K8A_F_DECISION] = SK_DECISION, [K8A_F_REASON] = SK_REASON,
		[K8A_F_STAGE] = SK_STAGE, [K8A_F_URI] = SK_URI, [K8A_F_REGION] = SKS_NONE,
	};
	static const int ct[K8A_F_COUNT_] = {
		[K8A_F_TIME] = SKS_UNKNOWN, [K8A_F_ID] = SK_EVENT_ID, [K8A_F_USER] = SKS_UNKNOWN,
		[K8A_F_UID] = SKS_UNKNOWN, [K8A_F_ARN] = SKS_UNKNOWN, [K8A_F_CANONICAL_ARN] = SKS_UNKNOWN,
		[K8A_F_ACCESS_KEY] = SKS_UNKNOWN, [K8A_F_SESSION] = SKS_UNKNOWN,
		[K8A_F_PRINCIPAL] = SKS_UNKNOWN, [K8A_F_ACCOUNT] = SKS_UNKNOWN,
		[K8A_F_IMPERSONATED] = SKS_NONE, [K8A_F_SOURCE_IP] = SK_IP_ADDRESS,
		[K8A_F_PEER_IP] = SK_IP_ADDRESS, [K8A_F_USER_AGENT] = SK_USER_AGENT, [K8A_F_VERB] = SK_EVENT_NAME,
		[K8A_F_SERVICE] = SK_EVENT_SOURCE, [K8A_F_API_GROUP] = SKS_NONE, [K8A_F_RESOURCE] = SKS_NONE,
		[K8A_F_SUBRESOURCE] = SKS_NONE, [K8A_F_NAMESPACE] = SKS_NONE, [K8A_F_NAME] = SKS_NONE,
		[K8A_F_CODE] = SK_ERROR_CODE, [K8A_F_DECISION] = SKS_NONE, [K8A_F_REASON] = SKS_UNKNOWN,
		[K8A_F_STAGE] = SKS_NONE, [K8A_F_URI] = SKS_NONE, [K8A_F_REGION] = SK_REGION,
	};

	if (f < 0 || f >= K8A_F_COUNT_)
		return SKS_UNKNOWN;
	return src == K8A_SRC_K8S ? k8s[f] : src == K8A_SRC_CLOUDTRAIL ? ct[f] : SKS_UNKNOWN;
}

/* The slot of the path keys[0].keys[1]..., or SKS_UNKNOWN. */
int
k8a_skim_path_slot(const char *const *keys, size_t n)
{
	const struct member *m = NULL;
	enum ctx c = CTX_TOP;
	size_t i;

	pthread_once(&member_once, member_index);
	for (i = 0; i < n; i++) {
		if (c == CTX_NONE || (m = lookup(c, keys[i], strlen(keys[i]))) == NULL)
			return SKS_UNKNOWN;
		c = m->into;
	}
	return m ? m->slot : SKS_UNKNOWN;
}

/* The time, as k8a_event_time() picks it: the first of the members that
 * is a string.  A Kubernetes record with none of its three falls back to
 * metadata.creationTimestamp, which only a parse reads. */
static int
peek_time(const struct k8a_skim *sk, const char **s, size_t *n)
{
	static const int k8s[] = { SK_STAGE_TS, SK_TIMESTAMP, SK_RECEIVED_TS, -1 };
	static const int ct[] = { SK_EVENT_TIME, SK_AT_TIMESTAMP, -1 };
	const int *slot = sk->source == K8A_SRC_K8S ? k8s : ct;

	for (; *slot >= 0; slot++) {
		const struct k8a_skim_val *v = &sk->v[*slot];
		if (v->t == SKV_UNSURE || (v->t == SKV_STRING && v->p == NULL))
			return 0;
		if (v->t == SKV_STRING) {
			*s = v->p;
			*n = v->n;
			return 1;
		}
	}
	return sk->source == K8A_SRC_CLOUDTRAIL;
}

int
k8a_event_peek(k8a_event *ev, enum k8a_field f, const char **s, size_t *n)
{
	const struct k8a_skim *sk = k8a_event_skim(ev);
	int slot;

	*s = NULL;
	*n = 0;
	if (sk->state != 1 || sk->source == K8A_SRC_UNKNOWN)
		return 0;
	if (f == K8A_F_TIME)
		return peek_time(sk, s, n);
	slot = k8a_skim_field_slot(sk->source, f);
	if (slot == SKS_NONE)
		return 1;
	if (slot < 0 || (f == K8A_F_CODE && sk->source == K8A_SRC_K8S))
		return 0;
	switch (sk->v[slot].t) {
	case SKV_STRING:
		if (sk->v[slot].p == NULL)
			return 0;
		*s = sk->v[slot].p;
		*n = sk->v[slot].n;
		return 1;
	case SKV_UNSURE:
		return 0;
	default:
		return 1; /* absent, or not a string: the field reads as unset */
	}
}

/* ---- members of nested objects, on demand ----
 * A path such as requestObject.spec.containers.image is followed through
 * the text: each object met is read once per record into a table of its
 * members (key and value spans), and later lookups use the table. */

/* The objects read so far are found by address through an open-addressed
 * table (a path fanning out over an array of a million objects looks up
 * each one; a list would make that quadratic).  Entries carry the record
 * they were made for, so a reset needs no clearing. */
static size_t
objat_hash(const k8a_event *ev, const char *obj)
{
	uint64_t h = (uint64_t)(obj - ev->raw) * 0x9e3779b97f4a7c15ull;

	return (size_t)(h >> 32) & (ev->capobjat - 1);
}

/* The slot of obj, or the free one where it would go. */
static size_t
objat_find(const k8a_event *ev, const char *obj)
{
	size_t h = objat_hash(ev, obj);

	while (ev->objat[h].gen == ev->objgen && ev->objs[ev->objat[h].i].obj != obj)
		h = (h + 1) & (ev->capobjat - 1);
	return h;
}

/* Room for one more object in the table (kept at most half full). */
static int
objat_grow(k8a_event *ev)
{
	struct k8a_objat *old = ev->objat;
	size_t nc, i;

	if ((ev->nobjs + 1) * 2 <= ev->capobjat)
		return 0;
	nc = ev->capobjat ? ev->capobjat * 2 : 64;
	if ((ev->objat = calloc(nc, sizeof(*ev->objat))) == NULL) {
		ev->objat = old;
		return -1;
	}
	ev->capobjat = nc;
	for (i = 0; i < ev->nobjs; i++) {
		size_t h = objat_find(ev, ev->objs[i].obj);
		ev->objat[h].i = i;
		ev->objat[h].gen = ev->objgen;
	}
	free(old);
	return 0;
}

/* Read the members of the object at obj into the event's table. */
static struct k8a_rawobj *
table_of(k8a_event *ev, const char *obj)
{
	const char *e = ev->raw + ev->len, *p;
	struct k8a_rawobj *o;
	size_t slot;

	if (ev->objgen == 0)
		ev->objgen = 1; /* a fresh table's zeros are never this record's */
	if (ev->capobjat > 0) {
		slot = objat_find(ev, obj);
		if (ev->objat[slot].gen == ev->objgen)
			return &ev->objs[ev->objat[slot].i];
	}
	if (objat_grow(ev) != 0)
		return NULL;
	if (ev->nobjs == ev->capobjs) {
		size_t nc = ev->capobjs ? ev->capobjs * 2 : 16;
		struct k8a_rawobj *no = realloc(ev->objs, nc * sizeof(*no));
		if (no == NULL)
			return NULL;
		ev->objs = no;
		ev->capobjs = nc;
	}
	slot = objat_find(ev, obj);
	ev->objat[slot].i = ev->nobjs;
	ev->objat[slot].gen = ev->objgen;
	o = &ev->objs[ev->nobjs++];
	o->obj = obj;
	o->first = ev->nmems;
	o->n = 0;
	o->ok = 0;
	p = ws(obj + 1, e);
	if (p < e && *p == '}') {
		o->ok = 1;
		return o;
	}
	for (;;) {
		struct k8a_rawmem m;
		int more;
		if ((m.v = member_key(&ev->skim, p, e, &m.k, &m.kn, &m.kesc)) == NULL ||
		    (p = skip_value(&ev->skim, m.v, e)) == NULL)
			return o;
		m.vn = (size_t)(p - m.v);
		if (ev->nmems == ev->capmems) {
			size_t nc = ev->capmems ? ev->capmems * 2 : 64;
			struct k8a_rawmem *nm = realloc(ev->mems, nc * sizeof(*nm));
			if (nm == NULL)
				return o;
			ev->mems = nm;
			ev->capmems = nc;
		}
		ev->mems[ev->nmems++] = m;
		o->n++;
		if ((more = next_item(&p, e, '}')) <= 0) {
			o->ok = more == 0;
			return o;
		}
	}
}

int
k8a_raw_member(k8a_event *ev, const char *obj, const char *key, size_t klen, const char **v, size_t *vn)
{
	const struct k8a_rawobj *o = table_of(ev, obj);
	size_t i;

	if (o == NULL || !o->ok)
		return -1;
	for (i = o->n; i-- > 0;) {
		const struct k8a_rawmem *m = &ev->mems[o->first + i];
		if (m->kesc)
			return -1; /* it could be `key`, written with escapes */
		if (m->kn == klen && memcmp(m->k, key, klen) == 0) {
			*v = m->v;
			*vn = m->vn;
			return 1;
		}
	}
	return 0;
}

const struct k8a_skim *
k8a_event_skim(k8a_event *ev)
{
	if (ev->skim.state == 0)
		k8a_skim(&ev->skim, ev->raw, ev->len);
	return &ev->skim;
}

enum k8a_source
k8a_event_peek_source(k8a_event *ev)
{
	const struct k8a_skim *sk = k8a_event_skim(ev);

	return sk->state == 1 ? sk->source : K8A_SRC_UNKNOWN;
}

int
k8a_skim_escaped(const struct k8a_skim *sk, unsigned char c)
{
	if (c >= 0x80 && sk->esc_high)
		return 1;
	return (sk->esc[c >> 3] >> (c & 7)) & 1;
}

int
k8a_event_may_contain(k8a_event *ev, const char *lit, size_t n)
{
	const struct k8a_skim *sk;
	size_t i, from = 0, to = n;

	if (n == 0 || memmem(ev->raw, ev->len, lit, n) != NULL)
		return 1;
	sk = k8a_event_skim(ev);
	if (sk->state != 1)
		return 1;
	/* a quote at either end delimits a string and is never escaped */
	if (n > 1 && lit[0] == '"')
		from = 1;
	if (to > from + 1 && lit[to - 1] == '"')
		to--;
	for (i = from; i < to; i++)
		if (k8a_skim_escaped(sk, (unsigned char)lit[i]))
			return 1;
	return 0;
}
