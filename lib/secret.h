/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Internal interfaces of the secret engine (secret_*.c).  Not installed.
 *
 * The engine has three layers, each a file:
 *   secret_types.c   type files -> a set of types (regexes compiled), and
 *                    the keyword table built from them
 *   secret_kw.c      the keyword scanner: which keywords occur in a text,
 *                    and whether an occurrence counts (the same rule on a
 *                    record's raw bytes, for the prefilter, and on decoded
 *                    strings, for the scan), the record prefilter
 *   secret.c         the scan of a parsed record: its strings, decoded,
 *                    with their JSON pointers and name contexts
 * with secret_decode.c (base64, gzip, query strings, assignments in text),
 * secret_enrich.c (offline facts about a secret) and secret_print.c
 * (fingerprints and previews).
 */
#ifndef K8A_SECRET_H
#define K8A_SECRET_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "private.h"

/* ---- limits (each has a message when reached) ---- */
#define SECRET_MAX_DEPTH 6	      /* decoders stacked on one value (base64 > base64 > gzip > json > ...) */
#define SECRET_MAX_DECODED ((size_t)4 << 20) /* one decoded value */
#define SECRET_MAX_NAME 128	      /* longer context names are not names */
#define SECRET_RAW_REACH 1024	      /* raw bytes looked at around a keyword */
#define SECRET_MATCH_LIMIT 1000000    /* PCRE2 match limit per call */
#define SECRET_KEYWORD_MAX 99         /* bytes of a keyword, name or word (the filter's table) */
#define SECRET_MAX_HITS 4096	      /* occurrences kept per record */
#define SECRET_MAX_ARGV 1024	      /* command arguments joined */

/* ---- keywords ---- */
enum kw_kind {
	KW_STRONG, /* a literal of the secret itself (a token prefix): counts anywhere */
	KW_NAME,   /* part of a name (key, {name,value} name, VAR=, --flag): counts there */
	KW_WORD,   /* a KW_NAME that must stand as a word (auth, pwd) */
	KW_MARK	   /* the body rule's markers ("secrets", "Secret"): for the prefilter only */
};

struct kwent {
	char *s;	/* as written (strong, mark) or folded to lower case (names) */
	size_t n;
	enum kw_kind kind;
	int quoted;	/* a mark that must be a whole JSON string */
	size_t anchor;	/* offset of the three bytes the filter looks for */
	uint32_t h;	/* their hash */
	uint32_t next;	/* next entry of the bucket, index + 1 */
	size_t *types;	/* the types that list it */
	size_t ntypes;
};

#define KW_FILTER_SHIFT 16 /* the hash's top 16 bits index the filter (64 KiB: fastest of 16, 18, 20) */
#define KW_FILTER_BITS ((size_t)1 << (32 - KW_FILTER_SHIFT))
#define KW_BUCKETS 4096
struct kwtab {
	unsigned char filter[KW_FILTER_BITS]; /* a byte per hash: no bit arithmetic, no branch */
	uint32_t bucket[KW_BUCKETS];
	struct kwent *e;
	size_t n, cap;
	unsigned char esc[256]; /* bytes whose JSON escape may hide a keyword */
};

/* Called for each keyword occurrence (not yet judged) at off in p[0..n);
 * return nonzero to stop. */
typedef int (*kw_cb)(void *arg, const struct kwent *e, size_t off);
void kw_scan(const struct kwtab *t, const char *p, size_t n, kw_cb cb, void *arg);
int kw_add(struct kwtab *t, const char *s, enum kw_kind kind, size_t type);
void kw_build(struct kwtab *t);
void kw_free(struct kwtab *t);

/* Where a name keyword counts.  In a record's raw text the context is
 * read from the bytes around it (any of the forms below); in a decoded
 * string the caller knows it. */
enum kw_ctx {
	KC_KEY = 1,	/* in a member key whose value is a string (or strings) */
	KC_MEMBER = 2,	/* in the value of a name member ({"name": "DB_PASSWORD", "value": ...}) */
	KC_ASSIGN = 4,	/* before = or ": " in text (NAME=value, name: value) */
	KC_FLAG = 8,	/* in a --flag */
	KC_CMD = 16	/* (types only) NAME=value inside a command line */
};
/* Does the keyword occurrence e at p[off] count?  raw: p is a record's
 * text (contexts read around it); else p is a name in context `ctx` or a
 * text in which only KC_ASSIGN and KC_FLAG can hold. */
int kw_counts(const struct kwent *e, const char *p, size_t n, size_t off, int raw, int ctx);
/* Offset of the first counted keyword, or escape that may hide one, in a
 * record's raw text; n when none.  marks: body markers count too. */
size_t kw_first_raw(const struct kwtab *t, const char *p, size_t n, int marks, int *mark_only);
/* The span [*a, *b) of the identifier (letters, digits, _ . -) around p[off]. */
void kw_ident(const char *p, size_t n, size_t off, size_t len, size_t *a, size_t *b);
/* 1 when s[0..n) has the form of a k8s.io / kubernetes.io annotation or label key
 * around off: names there are not credential names. */
int kw_k8s_domain(const char *p, size_t n, size_t off, size_t len);

/* ---- types ---- */
enum sconf { CONF_HIGH, CONF_MEDIUM, CONF_LOW };
enum sctx_rule { SCR_ANY, SCR_SECRET_DATA };
enum senrich {
	EN_NONE, EN_AWS_KEY, EN_AWS_SESSION, EN_JWT, EN_PEM, EN_REGISTRY, EN_URL, EN_HTTP_AUTH
};

struct rx {
	char *src;
	pcre2_code *re;
};

struct stype {
	char *id, *title, *file;
	unsigned line;
	enum sconf conf;
	struct rx regex;     /* the secret's shape, searched in text holding a keyword */
	uint32_t group;	     /* the capture group holding the secret (0: the match) */
	struct rx value;     /* the shape of a value under a name */
	uint32_t vgroup;
	int names_in;	     /* KC_* where its names count */
	struct rx key;	     /* the context name must match (caseless) */
	struct rx allow_key; /* context names that are never this type */
	struct rx low_key;   /* names whose values need no entropy (passwords) */
	struct rx within;    /* the enclosing decoded text must match */
	struct rx public;    /* the public start shown in previews */
	struct rx *allow;    /* values that are never secrets */
	size_t nallow;
	char **keywords, **names, **words;
	size_t nkeywords, nnames, nwords;
	double entropy;
	size_t min_len, max_len;
	int priority;
	enum sctx_rule context;
	int decode_b64; /* the value is base64, decoded before matching */
	int decode_b64_text; /* ... when it decodes to text */
	char *near_id, *upgrades_id;
	ssize_t near, upgrades;
	enum senrich enrich;
	size_t index;
};

struct k8a_secret_set {
	struct stype *t;
	size_t n, cap;
	struct rx *common; /* allow patterns of every type (common stanzas) */
	size_t ncommon;
	struct kwtab kw;
	int frozen;	   /* keyword table built: no more loading */
	k8a_prefilter *pf; /* the reader-level prefilter (kw_first_raw) */
	size_t ntypes_words; /* uint64_t words of a type bitmap */
	/* the allow list of the caller (k8a_secret_set_allow) */
	struct rx *allow_value;
	size_t nallow_value;
	char **allow_pointer, **allow_path;
	size_t nallow_pointer, nallow_path;
};

/* Freeze the set: build the keyword table.  0, or -1 out of memory. */
int k8a__secret_set_freeze(struct k8a_secret_set *s);
ssize_t k8a__secret_type_find(const struct k8a_secret_set *s, const char *id);

/* ---- decoders (secret_decode.c) ---- */
/* base64 (standard or URL alphabet, padding optional, no white space
 * inside) into out.  0, or -1 when p[0..n) is not base64 of that kind.
 * url: 0 standard only, 1 URL only, 2 either. */
int k8a__b64_decode(const char *p, size_t n, int url, struct k8a_buf *out);
/* 1 when p[0..n) looks like base64 worth trying (length, alphabet). */
int k8a__b64_plausible(const char *p, size_t n);
/* Inflate a gzip member into out, at most max bytes.  0, -1 when not gzip
 * or corrupt, -2 when larger than max (out holds the first max bytes). */
int k8a__gunzip(const unsigned char *p, size_t n, size_t max, struct k8a_buf *out);
/* Percent-decode (and '+' as space when plus). */
void k8a__pct_decode(const char *p, size_t n, int plus, struct k8a_buf *out);
/* 1 when p[0..n) is text (UTF-8 without controls other than tab, CR, LF). */
int k8a__is_text(const char *p, size_t n);
/* Shannon entropy of p[0..n), in bits per byte. */
double k8a__entropy(const char *p, size_t n);

/* ---- enrichment (secret_enrich.c) ---- */
/* The AWS account of an access key id, or -1 when it does not tell. */
int64_t k8a__aws_account(const char *id, size_t n);
/* Facts about a secret of enrichment kind k, added to object o; match is
 * the text its type's regex matched around it.  when: the record's time
 * (usec) for "expired at log time", INT64_MIN when unknown. */
void k8a__enrich(enum senrich k, const char *secret, size_t n, const char *match, size_t mn, int64_t when, json_t *o);
/* The JWT's claims into o (iss, sub, aud, exp, ...); 0, or -1 when s is not a JWT. */
int k8a__jwt_claims(const char *s, size_t n, int64_t when, json_t *o);
/* The key type of a PEM private key ("RSA", "EC", "OPENSSH", ...), or NULL. */
const char *k8a__pem_type(const char *s, size_t n);

#endif
