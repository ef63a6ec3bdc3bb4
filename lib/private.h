/* SPDX-License-Identifier: BSD-2-Clause */
/* Internal interfaces between the reader's layers.  Not installed. */
#ifndef K8A_PRIVATE_H
#define K8A_PRIVATE_H

#include <stdarg.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "k8saudit.h"

#define K8A_MIN_MAX_RECORD ((size_t)64 << 20)
#ifndef K8A_BLOCK
/* read size of the framer; make fuzz makes it 64 KiB, more than its inputs
 * and small enough for AddressSanitizer to recycle instead of mapping anew */
#define K8A_BLOCK ((size_t)1 << 20)
#endif

/* ---- growable byte buffer ---- */
struct k8a_buf {
	char *p;
	size_t len, cap;
	int failed; /* an allocation failed: every later one fails too, so a
		     * string built by many appends is whole or known bad */
};
int k8a_buf_reserve(struct k8a_buf *b, size_t need); /* 0 or -1 (ENOMEM) */
int k8a_buf_append(struct k8a_buf *b, const void *p, size_t n);
void k8a_buf_free(struct k8a_buf *b);

/* ---- byte sources: a chain of decoders, each pulling from the one below ----
 * read() returns bytes read (> 0), 0 at end of stream, -1 on error with the
 * message in err.  Bytes pushed back by the sniffer are served first. */
struct k8a_src {
	ssize_t (*read)(struct k8a_src *s, void *buf, size_t n);
	void (*close)(struct k8a_src *s);
	struct k8a_src *lower; /* closed with this one */
	char *err;             /* shared message buffer, K8A_ERRLEN bytes */
	unsigned char *pb;     /* pushback */
	size_t pb_len, pb_off;
	int kind; /* enum k8a_src_kind */
};
#define K8A_ERRLEN 512
/* The message of every allocation failure.  A source that runs out of
 * memory says exactly this, and the reader makes it fatal (K8A_FATAL):
 * a stream cut short by memory must not read as a damaged one. */
#define K8A_NOMEM "out of memory"
/* Allocation failures of this thread: jansson's (once the library has
 * hooked its allocator) and those noted with k8a__nomem_note() where a
 * failure cannot be returned.  A caller compares the count before and
 * after a piece of work: a change means the work is incomplete. */
void k8a__nomem_note(void);
unsigned long k8a__nomem_count(void);
static inline int
k8a_is_nomem(const char *msg)
{
	return strcmp(msg, K8A_NOMEM) == 0;
}

enum k8a_src_kind { SRC_FD, SRC_MEM, SRC_GZIP, SRC_ZSTD, SRC_ENTRY };

ssize_t k8a_src_read(struct k8a_src *s, void *buf, size_t n);
/* Read up to n bytes for sniffing, then push them back; returns count. */
ssize_t k8a_src_peek(struct k8a_src *s, unsigned char *buf, size_t n);
void k8a_src_close(struct k8a_src *s);
void k8a_src_seterr(struct k8a_src *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

struct k8a_src *k8a_src_fd(int fd, int owned, char *err);
struct k8a_src *k8a_src_mem(const void *p, size_t n, char *err);
struct k8a_src *k8a_src_gzip(struct k8a_src *lower);
/* wlog: the largest window decoded, log2 (0: K8A_DEFAULT_ZSTD_WLOG) */
struct k8a_src *k8a_src_zstd(struct k8a_src *lower, unsigned wlog);
#define K8A_DEFAULT_ZSTD_WLOG 27 /* 128 MiB */
#define K8A_DEFAULT_NEST 8       /* archives inside archives */
#define K8A_MAX_NEST 64          /* the most --limit archive-depth allows */
/* Run lower's reads on a thread into a fixed ring of blocks (readahead.c);
 * returns lower itself when K8SAUDIT_READAHEAD=0, NULL when out of memory. */
struct k8a_src *k8a_src_readahead(struct k8a_src *lower);

/* What the first bytes of a stream are. */
enum k8a_magic {
	MAGIC_NONE,  /* text or unknown: hand to the framer */
	MAGIC_EMPTY,
	MAGIC_GZIP,
	MAGIC_ZSTD,
	MAGIC_ARCHIVE /* bzip2, xz, tar, zip, 7z, cpio: libarchive's job */
};
enum k8a_magic k8a_sniff_magic(const unsigned char *p, size_t n);

/* ---- archives via libarchive ---- */
struct k8a_archive;
struct k8a_archive *k8a_archive_open(struct k8a_src *lower, char *err);
/* Advance to the next regular-file entry.  Returns K8A_OK with *entry set
 * to a source for its data and *name to its path (NULL for a bare
 * compressed stream), K8A_EOF, or K8A_WARN/K8A_FAILED with err set. */
int k8a_archive_next(struct k8a_archive *a, struct k8a_src **entry, const char **name);
void k8a_archive_close(struct k8a_archive *a);

/* ---- framer: byte stream -> records ---- */
struct k8a_framer;
struct k8a_rec {
	const char *p; /* record text (borrowed until the next call) */
	size_t len;
	uint64_t line;
	int64_t index;
	uint64_t offset;
};
/* quiet_unknown: a stream that is not JSON at all ends quietly (K8A_EOF,
 * counted as skipped) instead of with K8A_FAILED; for files met while
 * walking a directory, where READMEs and licences live beside logs. */
struct k8a_framer *k8a_framer_new(struct k8a_src *in, size_t max_record,
	const k8a_prefilter *pf, int quiet_unknown, char *err);
/* K8A_OK with *rec, K8A_EOF, K8A_WARN (err set, *rec has the location),
 * K8A_FAILED (stream unusable; err set), K8A_FATAL (ENOMEM). */
int k8a_framer_next(struct k8a_framer *f, struct k8a_rec *rec);
uint64_t k8a_framer_bytes(const struct k8a_framer *f);
/* Call cb about every 8 MiB of stream read. */
void k8a_framer_set_progress(struct k8a_framer *f, void (*cb)(void *), void *arg);
uint64_t k8a_framer_skipped(const struct k8a_framer *f);
/* 1 once the stream was recognised as a log (not skipped, not foreign). */
int k8a_framer_is_log(const struct k8a_framer *f);
void k8a_framer_free(struct k8a_framer *f);

/* ---- JSON text scanning without parsing (jscan.c) ---- */
/* End (one past) of the JSON value starting at p[0], or 0 when the value
 * is incomplete within n bytes, or (size_t)-1 when it is malformed. */
size_t k8a_jscan_value(const char *p, size_t n);
/* Index of the first non-whitespace byte at or after i (or n). */
size_t k8a_jscan_ws(const char *p, size_t n, size_t i);
/* Find member `key` at depth 1 of the object text p[0..n); set the value's
 * span.  Returns 1 found, 0 not found, -1 malformed. */
int k8a_jscan_member(const char *p, size_t n, const char *key, const char **v, size_t *vlen);
/* Several members (at most 16) in one pass: v[k]/vlen[k] for keys[k]
 * (v[k] NULL when absent).  Returns how many were found (stopping once all are), or -1
 * when the text is malformed before that. */
int k8a_jscan_members(const char *p, size_t n, const char *const *keys, size_t nkeys,
	const char **v, size_t *vlen);
/* A network: 16 bytes (IPv4 as IPv4-mapped IPv6) and a prefix length
 * over them (ipaddr.c). */
struct k8a_cidr {
	unsigned char net[16];
	int bits;
};
/* "10.0.0.0/8", "fd00::/8" or a single address into *c: 0, or -1. */
int k8a_cidr_parse(const char *s, size_t n, struct k8a_cidr *c);
/* 1 when the address text s[0..n) is inside c. */
int k8a_cidr_contains(const struct k8a_cidr *c, const char *s, size_t n);
/* The value of a hex digit, or -1. */
int k8a_hexval(int c);
/* A fast, well-mixed hash of n bytes (eight a step). */
static inline uint64_t
k8a_hash_bytes(const char *s, size_t n)
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
/* Decode the JSON string literal p[0..n) (with quotes) into out. */
int k8a_jscan_unescape(const char *p, size_t n, struct k8a_buf *out);

/* ---- the skim: a record's members read without parsing (skim.c) ---- */
enum k8a_skim_slot {
	SK_KIND, SK_API_VERSION, SK_AUDIT_ID, SK_STAGE, SK_URI, SK_VERB, SK_USER_AGENT,
	SK_IPS, SK_FIRST_IP, SK_LAST_IP, /* sourceIPs: the array (its one element), first, last */
	SK_USER_OBJ, SK_USERNAME, SK_GROUPS, SK_EXTRA_OBJ, SK_CREDENTIAL_ID, SK_POD_NAME,
	SK_REF_OBJ, SK_RESOURCE, SK_SUBRESOURCE, SK_NAMESPACE, SK_NAME, SK_API_GROUP,
	SK_STATUS_OBJ, SK_CODE,
	SK_IMP_OBJ, SK_IMP_USERNAME,
	SK_ANN_OBJ, SK_DECISION, SK_REASON,
	SK_EVENT_NAME, SK_EVENT_SOURCE, SK_EVENT_VERSION, SK_EVENT_ID, SK_ERROR_CODE, SK_REGION,
	SK_IP_ADDRESS,
	SK_IDENT_OBJ, SK_IDENT_TYPE,
	/* times, in the order k8a_event_time() tries them (K8A_F_TIME) */
	SK_STAGE_TS, SK_TIMESTAMP, SK_RECEIVED_TS, SK_EVENT_TIME, SK_AT_TIMESTAMP,
	/* bodies: only where they are (their text), never read inside */
	SK_REQUEST_OBJ, SK_RESPONSE_OBJ, SK_REQUEST_PARAMS, SK_RESPONSE_ELEMS, SK_ADDITIONAL,
	SK_COUNT_
};
enum k8a_skim_type {
	SKV_ABSENT,
	SKV_STRING, /* p NULL when the string holds escapes: value unknown */
	SKV_INT,    /* p/n: the integer's text */
	SKV_OBJECT, /* p/n: the text of an object read inside */
	SKV_OTHER,  /* p/n: the text of another number, true, false, null, an array or object */
	SKV_UNSURE  /* given twice, or inside an array: unknown */
};
struct k8a_skim_val {
	const char *p; /* into the record's text */
	size_t n;
	enum k8a_skim_type t;
};
struct k8a_skim {
	int state; /* 0 not yet, 1 read, -1 not followed: nothing can be ruled out */
	enum k8a_source source; /* as k8a_event_json() would tell, or UNKNOWN */
	struct k8a_skim_val v[SK_COUNT_];
	unsigned char esc[32]; /* bit per byte below 0x80 some string escapes */
	int esc_high;          /* a \u escape stands for a character >= 0x80 */
};
void k8a_skim(struct k8a_skim *sk, const char *raw, size_t n);
const struct k8a_skim *k8a_event_skim(k8a_event *ev);
int k8a_skim_escaped(const struct k8a_skim *sk, unsigned char c);
/* The end of the JSON value at p (after any whitespace), skipped as the
 * skim skips bodies, 64 bytes at a time; NULL when it is cut or malformed.
 * For text the skim has read, it agrees with k8a_jscan_value(). */
const char *k8a_skim_value_end(const char *p, const char *e);
/* Values longer than this are not remembered by their bytes (exprset.c):
 * a verdict that reads one is not remembered either. */
#define SK_SMALL 256
#define SKS_UNKNOWN (-1) /* not read by the skim */
#define SKS_NONE (-2)    /* never present in records of that source */
int k8a_skim_field_slot(enum k8a_source src, int field);
int k8a_skim_path_slot(const char *const *keys, size_t n);
/* The skim's verdict on an expression: 0 cannot match, 1 matches, 2 cannot
 * tell without parsing.  *deps gets a bit per slot read, and K8A_DEP_BODY
 * when the record's text beyond them (or a long value's bytes) was read:
 * the verdict is a function of the slots in *deps, unless that bit is set. */
#define K8A_DEP_BODY ((uint64_t)1 << 63)
int k8a_expr_skim_eval(const k8a_expr *x, k8a_event *ev, uint64_t *deps);
/* Where the program judging x on the skim lies (for prefetching). */
size_t k8a_expr_prog_span(const k8a_expr *x, const void **p);
/* The skim slots an expression reads, as bits, for each source. */
void k8a_expr_skim_slots(const k8a_expr *x, uint64_t *k8s, uint64_t *ct);

/* Members of the objects a path went through, read from the text on
 * demand and kept for the record (skim.c). */
struct k8a_rawobj {
	const char *obj; /* its '{' */
	size_t first, n; /* its members in the event's table */
	int ok;          /* 0: an escaped key or bad text: lookups cannot tell */
};
struct k8a_objat {
	size_t i;     /* index in the event's objs */
	uint64_t gen; /* the record it was made for */
};
struct k8a_rawmem {
	const char *k, *v; /* key (without quotes) and value text */
	size_t kn, vn;
	int kesc; /* the key holds an escape */
};
/* Member `key` of the object at obj as a parse keeps it (the last one
 * given): 1 with its value's text, 0 absent, -1 cannot tell. */
int k8a_raw_member(k8a_event *ev, const char *obj, const char *key, size_t klen,
	const char **v, size_t *vn);

/* ---- the record schemas (schema.c) ---- */
/* 1 when the path of keys (indexes left out) is a member of the audit
 * Event or CloudTrail record schemas, or lies below a free-form one. */
int k8a_schema_known(const char *const *keys, size_t n);
/* The alias or schema member closest to name (edit distance, ignoring
 * case) into out. */
void k8a_schema_closest(const char *name, const char *const *aliases, size_t naliases, char *out,
	size_t outsz);

/* ---- events ---- */
struct k8a_event {
	struct k8a_skim skim;
	struct k8a_rawobj *objs;
	size_t nobjs, capobjs;
	struct k8a_objat *objat; /* objs by address (skim.c) */
	size_t capobjat;
	uint64_t objgen; /* this record's entries in objat; a reset bumps it */
	struct k8a_rawmem *mems;
	size_t nmems, capmems;
	const char *raw;
	size_t len;
	struct k8a_origin origin;
	json_t *root;
	int parsed;           /* 0 not yet, 1 ok, -1 failed */
	int nomem;            /* an answer about it ran out of memory */
	enum k8a_source source;
	const char *f[K8A_F_COUNT_];
	int fdone[K8A_F_COUNT_];
	char codebuf[16];
	char *scratch[4]; /* owned strings made for derived fields */
	int nscratch;
	char err[256];
	char where[4096];
};
void k8a_event_reset(struct k8a_event *ev, const char *raw, size_t len);
void k8a_event_clear(struct k8a_event *ev);
void k8a_event_release(struct k8a_event *ev); /* clear and free what is kept between records */

/* A prefilter of the same literals with its own match data, for another
 * thread (PCRE2 match data cannot be shared). */
k8a_prefilter *k8a_prefilter_clone(const k8a_prefilter *pf);
/* A prefilter that is a function: find() returns the offset of the first
 * candidate byte in buf[0..len), or len; it must keep no state (clones
 * share ctx).  For the secret set's keyword scanner. */
k8a_prefilter *k8a__prefilter_fn(size_t (*find)(const void *ctx, const char *buf, size_t len), const void *ctx);

/* ---- terminal/TSV-safe escaping (also used by tools) ---- */
void k8a_escape_bytes(const char *s, size_t n, struct k8a_buf *out);
/* Length of the valid, terminal-safe UTF-8 sequence (>= 2 bytes) at s,
 * or 0 (invalid, C1 control, bidi override, line separators). */
size_t k8a_utf8_safe_len(const char *s, size_t n);

/* ---- walk.c ---- */
/* The identity of the object at path found under the argument root (NULL:
 * named itself): a hash of the argument's last name and the path below
 * it, the same on every machine.  What a shard (k8a_reader_set_shard())
 * and a state's object list (state.c) go by. */
uint64_t k8a__object_hash(const char *root, const char *path);

#endif
