/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * k8saudit.h - read Kubernetes audit logs and AWS CloudTrail, offline.
 *
 * Basic outline
 *
 *   k8a_reader *r = k8a_reader_new();
 *   k8a_reader_add_path(r, "incident.tar.gz");      // files, directories, "-"
 *   k8a_event *ev;
 *   int rc;
 *   while ((rc = k8a_reader_next(r, &ev)) != K8A_EOF) {
 *       if (rc == K8A_WARN) {                         // one bad record or file
 *           report(k8a_reader_where(r), k8a_reader_error(r));
 *           continue;                                 // the stream goes on
 *       }
 *       size_t n; const char *raw = k8a_event_raw(ev, &n);   // no parsing yet
 *       const char *verb = k8a_event_str(ev, K8A_F_VERB);     // parses lazily
 *   }
 *   k8a_reader_free(r);
 *
 * The reader detects compression (gzip, zstd, bzip2, xz), containers (tar,
 * zip, nested archives) and the framing of each stream (JSON lines,
 * EventList, CloudTrail {"Records":[...]}, CloudWatch exports and
 * subscription envelopes, aws-cli dumps, AKS diagnostics) from content, and
 * yields one event per audit record.  Memory does not grow with input size:
 * only the current record is held.
 *
 * Ownership: pointers returned by k8a_*() accessors are borrowed from their
 * handle and valid until the next call that advances it (k8a_reader_next());
 * functions named *_new return handles the caller releases with the
 * matching *_free, and every *_free(NULL) is a no-op.
 *
 * Threads: no global state; use one handle per thread.
 *
 * The library never prints and never exits.  Problems are returned as
 * codes; the message and location are kept in the handle.
 */
#ifndef K8SAUDIT_H
#define K8SAUDIT_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>

#ifdef __cplusplus
extern "C" {
#endif

#define K8A_VERSION_STRING "0.1.0"
#define K8A_VERSION_NUMBER 1000 /* major*1000000 + minor*1000 + patch */

/* Graded return codes, shared by every function.  Values are stable. */
#define K8A_OK 0       /* success */
#define K8A_EOF 1      /* no more events */
#define K8A_WARN (-20) /* one record or input was bad and skipped; go on */
#define K8A_FAILED (-25) /* the call failed; the handle is still usable */
#define K8A_FATAL (-30)  /* out of memory or API misuse; free the handle */

/*! k8a_strerror() : a static description of a return code. */
const char *k8a_strerror(int code);

/*! k8a_version_details() : this library's version and those of the
 * decoders it was built with, e.g. for a forensic report. */
const char *k8a_version_details(void);

/* ------------------------------------------------------------------ */
/* Reader                                                              */
/* ------------------------------------------------------------------ */

typedef struct k8a_reader k8a_reader;
typedef struct k8a_event k8a_event;

k8a_reader *k8a_reader_new(void);
void k8a_reader_free(k8a_reader *r);

/*! k8a_reader_add_path() : queue an input.  "-" is standard input.
 * Directories are walked recursively in byte order of names; symbolic
 * link loops are detected and reported.  Files met in a walk and archive
 * members that are not JSON at all (READMEs, licences, notes) are skipped
 * quietly; files named explicitly are reported.  Inputs are opened lazily, so
 * errors about them come from k8a_reader_next(). */
int k8a_reader_add_path(k8a_reader *r, const char *path);

/*! k8a_reader_add_memory() : queue a buffer (not copied; it must outlive
 * the reader) under the display name `name`. */
int k8a_reader_add_memory(k8a_reader *r, const void *buf, size_t len, const char *name);

/*! k8a_reader_set_max_record() : the largest record accepted, in bytes
 * (default and floor 64 MiB).  Larger records are skipped with K8A_WARN. */
int k8a_reader_set_max_record(k8a_reader *r, size_t bytes);

/*! k8a_reader_set_limit() : set a cap of k8saudit-input(5) Limits, before
 * the first k8a_reader_next():
 *   K8A_LIMIT_RECORD         bytes of a record: 64 MiB (the default) to 1 TiB
 *   K8A_LIMIT_ARCHIVE_DEPTH  archives and compressed streams nested inside
 *                            archives: 1 to 64 (default 8)
 *   K8A_LIMIT_ZSTD_WINDOW    the largest zstd window decoded, bytes: 1 MiB
 *                            to 2 GiB, rounded up to a power of two
 *                            (default 128 MiB)
 * @return K8A_OK; K8A_FAILED for a value out of range or a reader that
 *         has begun (nothing is changed). */
enum k8a_limit { K8A_LIMIT_RECORD, K8A_LIMIT_ARCHIVE_DEPTH, K8A_LIMIT_ZSTD_WINDOW };
int k8a_reader_set_limit(k8a_reader *r, enum k8a_limit which, uint64_t value);

/* A byte-level prefilter, see k8a_prefilter_new().  Records whose raw
 * bytes contain none of the filter's literals are skipped without being
 * parsed or returned.  The reader does not take ownership: the filter
 * must live while the caller reads; reading threads have their own copies,
 * so it may be freed before k8a_reader_free(). */
typedef struct k8a_prefilter k8a_prefilter;
void k8a_reader_set_prefilter(k8a_reader *r, const k8a_prefilter *pf);

/*! k8a_reader_set_threads() : read up to n files at once on worker
 * threads (decompression, framing, the prefilter and the judge), while
 * events are still returned one at a time, in exactly the order, with
 * exactly the content, of a serial read.  Used only when there are several
 * files (several inputs, or a directory); a single file or stream already
 * decompresses on a thread of its own (and is read on a worker when a
 * judge is set, see k8a_reader_set_judge()).  Default 1 (no worker
 * threads).
 * Call before the first k8a_reader_next(); K8A_FAILED afterwards. */
int k8a_reader_set_threads(k8a_reader *r, int n);

/*! k8a_reader_set_progress() : call cb(arg) about every 8 MiB of
 * decompressed input, also while the prefilter skips records, so a tool
 * can show progress on long runs.  cb must not call the reader. */
void k8a_reader_set_progress(k8a_reader *r, void (*cb)(void *arg), void *arg);

/*! k8a_reader_set_file_callback() : call cb(arg, path) once for each
 * top-level input (a file given or found in a directory, or standard
 * input) in which a log stream was recognised, before any of its events,
 * even when none of its records will be returned (all skipped by the
 * prefilter).  Inputs skipped on purpose (digests, write tests, files that
 * are not JSON) are not announced.  Lets tools report per-file results
 * such as grep -c counts. */
void k8a_reader_set_file_callback(k8a_reader *r, void (*cb)(void *arg, const char *path), void *arg);

/*! k8a_reader_next() : the next event.
 * @return K8A_OK and *ev set; K8A_EOF at the end of all inputs; K8A_WARN
 *         when a record or input was unusable (message and location in
 *         the reader; *ev is NULL; call again to go on); K8A_FATAL when out
 *         of memory. */
int k8a_reader_next(k8a_reader *r, k8a_event **ev);

/*! k8a_reader_error() : the message of the last K8A_WARN or failure. */
const char *k8a_reader_error(const k8a_reader *r);

/*! k8a_reader_where() : where the last K8A_WARN happened, formatted as
 * "path[:member]:line" (or "path" when no line applies). */
const char *k8a_reader_where(const k8a_reader *r);

/*! k8a_reader_path() : the input currently read (display name). */
const char *k8a_reader_path(const k8a_reader *r);

/*! k8a_reader_bytes() : decompressed bytes consumed so far, all inputs. */
uint64_t k8a_reader_bytes(const k8a_reader *r);

/*! k8a_reader_skipped() : objects skipped on purpose (CloudTrail digest
 * files, CloudWatch aws-logs-write-test objects, control messages). */
uint64_t k8a_reader_skipped(const k8a_reader *r);

/*! k8a_reader_seen() : stage de-duplication.  Returns 1 when another stage
 * of the same request (the same request key, k8a_event_request_key()) was
 * already passed to this function, 0 otherwise (and remembers it), within
 * the current input file (the API server writes all stages of a request to
 * one log; test traces reuse ids across files).  CloudTrail events and
 * events without an auditID always return 0.  Memory is bounded: a
 * k8a_seen set, which remembers the most recent 1<<16 requests at least,
 * and so the stages of one request that the API server writes close
 * together.  K8A_FATAL when out of memory (then nothing can be said about
 * the stage). */
int k8a_reader_seen(k8a_reader *r, k8a_event *ev);

/* A judge: a tool's own work on each record, done on the thread that reads
 * it, such as telling which rules of a catalog a record may match
 * (k8a_exprset_candidates).  start(arg) makes the state of one thread
 * (NULL: out of memory) and stop(state) undoes it, on that thread; with
 * start NULL, the state is arg itself (and judge must then be safe to call
 * from several threads at once).  judge(state, ev, &verdict, &len) returns
 * 1 to keep the record, with a verdict of len bytes (borrowed until its
 * next call on that thread; NULL and 0 for none), 0 to drop it (it is
 * counted, see k8a_reader_dropped(), and not returned), or K8A_FATAL when
 * out of memory (k8a_reader_next() then returns K8A_FATAL). */
struct k8a_judge {
	void *(*start)(void *arg);
	int (*judge)(void *state, k8a_event *ev, const void **verdict, size_t *len);
	void (*stop)(void *state);
	void *arg;
};

/*! k8a_reader_set_judge() : judge every record read (j is copied; NULL:
 * none).  With a judge, inputs are read and judged on worker threads, even
 * a single one (at least one worker, whatever k8a_reader_set_threads()
 * says), so the tool's work on the records returned overlaps with the
 * reading and judging of the next ones; events and verdicts still come out
 * in input order.  When threads cannot be had, the judge runs on the
 * caller's thread.  Call before the first k8a_reader_next(); K8A_FAILED
 * afterwards, or when j->judge is NULL. */
int k8a_reader_set_judge(k8a_reader *r, const struct k8a_judge *j);

/*! k8a_reader_verdict() : the judge's verdict on the event the last
 * k8a_reader_next() returned, valid as the event is; aligned for any
 * type.  NULL with *len 0 when there is none. */
const void *k8a_reader_verdict(const k8a_reader *r, size_t *len);

/*! k8a_reader_dropped() : records the judge dropped so far (a record read
 * on a worker counts once the reader has come to it). */
uint64_t k8a_reader_dropped(const k8a_reader *r);

/* ------------------------------------------------------------------ */
/* Sets of requests seen (folding the stages of a request)             */
/* ------------------------------------------------------------------ */

/* A set of 64-bit keys, such as request keys, in bounded memory by
 * design: two generations of 1<<16 keys (2 MiB); when the newer one fills
 * up, the older one is forgotten, so the most recent 1<<16 keys at least
 * are always remembered.  Keys are kept as 64-bit hashes: two different
 * keys are taken for one with a chance of about 2^-64 a pair. */
typedef struct k8a_seen k8a_seen;

/*! k8a_seen_new() : an empty set (no memory is taken for keys until the
 * first is added).  NULL when out of memory. */
k8a_seen *k8a_seen_new(void);
void k8a_seen_free(k8a_seen *s);

/*! k8a_seen_add() : 1 when the pair (key, tag) was added before and is
 * still remembered, 0 when not (it is remembered now), K8A_FATAL when out
 * of memory (nothing can be said).  The tag tells apart uses of one key,
 * such as a request matched by different rules; 0 when there is one. */
int k8a_seen_add(k8a_seen *s, uint64_t key, uint64_t tag);

/*! k8a_seen_clear() : forget every key, and give back their memory. */
void k8a_seen_clear(k8a_seen *s);

/*! k8a_event_request_key() : the key of the request a Kubernetes audit
 * record is a stage of, read from its text without parsing: its auditID,
 * verb, requestURI and user name, which every stage repeats (a client may
 * choose its audit id, so the id alone does not tell two requests apart).
 * Returns 1 with *key set, 0 when the record has no auditID (CloudTrail). */
int k8a_event_request_key(k8a_event *ev, uint64_t *key);

/* ------------------------------------------------------------------ */
/* Events: one model over Kubernetes audit events and CloudTrail      */
/* ------------------------------------------------------------------ */

enum k8a_source {
	K8A_SRC_UNKNOWN = 0, /* not parsed yet, or neither */
	K8A_SRC_K8S,         /* audit.k8s.io Event */
	K8A_SRC_CLOUDTRAIL   /* CloudTrail record */
};

/* Normalised fields.  Each is a string (possibly absent: NULL). */
enum k8a_field {
	K8A_F_TIME,        /* stageTimestamp | timestamp | eventTime (RFC 3339) */
	K8A_F_ID,          /* auditID | eventID */
	K8A_F_USER,        /* user.username | userName (IAM users), else arn, invokedBy, principalId */
	K8A_F_UID,         /* user.uid | userIdentity.principalId */
	K8A_F_ARN,         /* user.extra.arn | userIdentity.arn */
	K8A_F_CANONICAL_ARN, /* user.extra.canonicalArn | sessionIssuer.arn */
	K8A_F_ACCESS_KEY,  /* user.extra.accessKeyId | userIdentity.accessKeyId */
	K8A_F_SESSION,     /* user.extra.sessionName | role session name */
	K8A_F_PRINCIPAL,   /* user.extra.principalId | userIdentity.principalId */
	K8A_F_ACCOUNT,     /* AWS account of the actor */
	K8A_F_IMPERSONATED, /* impersonatedUser.username */
	K8A_F_SOURCE_IP,   /* first of sourceIPs | sourceIPAddress */
	K8A_F_PEER_IP,     /* last of sourceIPs (the TCP peer) | sourceIPAddress */
	K8A_F_USER_AGENT,  /* userAgent */
	K8A_F_VERB,        /* verb | eventName */
	K8A_F_SERVICE,     /* absent for Kubernetes | eventSource */
	K8A_F_API_GROUP,   /* objectRef.apiGroup ("" core group is absent) */
	K8A_F_RESOURCE,    /* objectRef.resource */
	K8A_F_SUBRESOURCE, /* objectRef.subresource */
	K8A_F_NAMESPACE,   /* objectRef.namespace */
	K8A_F_NAME,        /* objectRef.name */
	K8A_F_CODE,        /* responseStatus.code as text | errorCode */
	K8A_F_DECISION,    /* authorization.k8s.io/decision annotation */
	K8A_F_REASON,      /* authorization.k8s.io/reason annotation | errorMessage */
	K8A_F_STAGE,       /* stage */
	K8A_F_URI,         /* requestURI */
	K8A_F_REGION,      /* awsRegion */
	K8A_F_COUNT_       /* number of fields; not a field */
};

/*! k8a_event_raw() : the record's JSON text, exactly as it was framed
 * (for string-wrapped records, the unescaped inner text).  No parsing. */
const char *k8a_event_raw(const k8a_event *ev, size_t *len);

/*! k8a_event_json() : the parsed record (borrowed), parsing on first use.
 * @return NULL when the record is not valid JSON or not an object; the
 *         reason is in k8a_event_error(). */
json_t *k8a_event_json(k8a_event *ev);

/*! k8a_event_error() : why the last parse or validation failed. */
const char *k8a_event_error(const k8a_event *ev);

/*! k8a_event_source() : which kind of record this is (parses). */
enum k8a_source k8a_event_source(k8a_event *ev);

/*! k8a_event_str() : a normalised field (parses), or NULL when absent. */
const char *k8a_event_str(k8a_event *ev, enum k8a_field f);

/*! k8a_event_code() : the HTTP status code of a Kubernetes request, or 0. */
int k8a_event_code(k8a_event *ev);

/*! k8a_event_peek_source() : the record's source as a quick scan of its
 * text tells, without parsing it; K8A_SRC_UNKNOWN when the scan cannot tell
 * (or the record is neither).  A record that names a source can still fail
 * to parse: k8a_event_source() has the last word. */
enum k8a_source k8a_event_peek_source(k8a_event *ev);

/*! k8a_event_peek() : field f as the quick scan reads it, without parsing:
 * returns 1 when known, with *s and *n its text (not NUL-terminated; *s NULL
 * when the field is unset or not a string), 0 when only a parse can tell.
 * Known for the fields k8a_expr_may_match() reads, except the status code,
 * and for the time (K8A_F_TIME) unless it would come from metadata. */
int k8a_event_peek(k8a_event *ev, enum k8a_field f, const char **s, size_t *n);

/*! k8a_event_may_contain() : 0 when the record's text cannot hold the
 * bytes lit[0..n) as a parse would see them (neither written out nor
 * behind a JSON escape), 1 when it may.  A leading or trailing '"' of
 * `lit` is taken as a string's delimiter. */
int k8a_event_may_contain(k8a_event *ev, const char *lit, size_t n);

/*! k8a_event_time() : the event time in microseconds since the epoch, or
 * INT64_MIN when the record has no parseable time. */
int64_t k8a_event_time(k8a_event *ev);

/* Where an event came from. */
struct k8a_origin {
	const char *path;   /* display path of the input file ("<stdin>") */
	const char *member; /* archive member(s), ':'-joined, or NULL */
	uint64_t line;      /* 1-based line of the record's first byte */
	int64_t index;      /* index in an enclosing JSON array, or -1 */
	uint64_t offset;    /* byte offset in the decompressed stream */
};
const struct k8a_origin *k8a_event_origin(const k8a_event *ev);

/*! k8a_event_new() : an event of one's own, for records kept outside the
 * reader (e.g. handed to another thread).  NULL when out of memory. */
k8a_event *k8a_event_new(void);
/*! k8a_event_set() : make ev the record raw[0..len) from origin o (both
 * borrowed until the next k8a_event_set() or k8a_event_free()). */
void k8a_event_set(k8a_event *ev, const char *raw, size_t len, const struct k8a_origin *o);
void k8a_event_free(k8a_event *ev);

/*! k8a_event_nomem() : 1 when memory ran out while answering about ev (its
 * parse, a derived field): k8a_event_json() may have returned NULL and a
 * field may have read as absent for that reason alone, so nothing said
 * about ev can be trusted; k8a_event_error() is then "out of memory".
 * Tools end with that message (K8A_FATAL), as for the reader's. */
int k8a_event_nomem(const k8a_event *ev);

/*! k8a_event_where() : the origin formatted as "path[:member]:line" with
 * "[index]" appended for records inside a JSON array. */
const char *k8a_event_where(k8a_event *ev);

/* ------------------------------------------------------------------ */
/* Field expressions (the language of k8saudit-grep -w, see k8saudit-expr(5)) */
/* ------------------------------------------------------------------ */

typedef struct k8a_expr k8a_expr;

/* Compile errors: message and byte offset of the problem. */
struct k8a_err {
	int code;
	size_t offset;
	char msg[256];
};

/*! k8a_expr_compile() : compile an expression such as
 *   verb=create and objectRef.apiGroup=rbac.authorization.k8s.io and code<300
 * @return the handle, or NULL with `err` filled (when not NULL): code
 *         K8A_FAILED for a bad text, K8A_FATAL ("out of memory") when
 *         memory ran out. */
k8a_expr *k8a_expr_compile(const char *text, struct k8a_err *err);
void k8a_expr_free(k8a_expr *x);

/*! k8a_expr_unknown_field() : the first field x names that is neither an
 * alias nor a member of the Kubernetes audit Event or CloudTrail record
 * schemas (paths below free-form objects such as requestObject,
 * requestParameters, annotations or user.extra are members), as written,
 * borrowed from x; NULL when every field is known.  Such a field selects
 * nothing, which a typo ("usr", "Verb") should not do quietly: tools warn.
 * The closest alias or member name goes to hint (when not NULL). */
const char *k8a_expr_unknown_field(const k8a_expr *x, char *hint, size_t hintsz);

/*! k8a_expr_and() : a new expression matching when both do (takes both).
 * NULL (both freed) when out of memory, or when the result would nest
 * more than 512 levels deep (a text may nest 256; see k8saudit-expr(5));
 * adding terms one at a time keeps the chain balanced. */
k8a_expr *k8a_expr_and(k8a_expr *a, k8a_expr *b);
/*! k8a_expr_or() : a new expression matching when either does (takes
 * both); NULL as for k8a_expr_and(). */
k8a_expr *k8a_expr_or(k8a_expr *a, k8a_expr *b);

/*! k8a_expr_match() : 1 when the event matches, 0 when not, K8A_WARN when
 * the event could not be parsed or a regex could not be decided on it
 * (PCRE2's match or heap limit, the JIT stack; see k8a_event_error()),
 * K8A_FATAL when out of memory.  A K8A_WARN record is no miss: report it. */
int k8a_expr_match(const k8a_expr *x, k8a_event *ev);

/*! k8a_expr_may_match() : 0 when a quick scan of the record's text (no
 * parse) shows it cannot match, 1 when it may (k8a_expr_match() decides).
 * The scan reads the members most expressions test: verb, stage, user
 * name, objectRef, response code, authorization decision, eventName,
 * eventSource, errorCode, userIdentity.type and a few more. */
int k8a_expr_may_match(const k8a_expr *x, k8a_event *ev);

/*! k8a_expr_required() : when every match has field f equal to one of a
 * few values (a top-level "and" term `f = v` or `f in (...)`), set *vals to
 * them (borrowed) and return their number; otherwise return 0. */
size_t k8a_expr_required(const k8a_expr *x, enum k8a_field f, const char *const **vals);

/* A set of expressions tried on every record, such as a rule catalog. */
typedef struct k8a_exprset k8a_exprset;
k8a_exprset *k8a_exprset_new(void);
void k8a_exprset_free(k8a_exprset *s);

/*! k8a_exprset_add() : add x (borrowed: keep it alive while the set is
 * used) for records of source src, with the literals a matching record
 * must contain one of (NULL-terminated, copied; NULL: no such set).
 * @return its number in the set (0, 1, ...), or K8A_FATAL. */
int k8a_exprset_add(k8a_exprset *s, const k8a_expr *x, enum k8a_source src, const char *const *lits);

/*! k8a_exprset_candidates() : the numbers, ascending, of the expressions
 * that may match ev, decided without parsing it; the others cannot.  A
 * record whose text the quick scan cannot read gets every expression.
 * Sets *n; the array is borrowed until the next call.  NULL: out of memory. */
const size_t *k8a_exprset_candidates(k8a_exprset *s, k8a_event *ev, size_t *n);

/*! k8a_expr_needs_json() : 0 when the expression can be decided without
 * parsing (it is empty), 1 otherwise. */
int k8a_expr_needs_json(const k8a_expr *x);

/* The literal strings a matching record must contain (one of them):
 * NULL-terminated array borrowed from the expression, or NULL when no such
 * set can be derived (then every record is a candidate). */
const char *const *k8a_expr_literals(const k8a_expr *x);

/*! k8a_expr_implies() : 1 when every record that x matches holds one of
 * the strings lits (NULL-terminated) in its text, as far as the
 * expression's own literals prove it; 0 when that cannot be shown.  Lets a
 * rule author's hand-picked literals be checked against the expression.
 * Allocates nothing (a 0 never comes of memory running out). */
int k8a_expr_implies(const k8a_expr *x, const char *const *lits);

/*! k8a_prefilter_new() : a byte scanner for a set of alternative literals
 * (NULL-terminated; copied).  A record containing any of them is a
 * candidate.  NULL `lits` yields a filter that passes everything. */
k8a_prefilter *k8a_prefilter_new(const char *const *lits);
void k8a_prefilter_free(k8a_prefilter *pf);

/*! k8a_prefilter_find() : offset of the first byte of the first literal
 * occurrence in buf[0..len), or len when none occurs. */
size_t k8a_prefilter_find(const k8a_prefilter *pf, const char *buf, size_t len);

/*! k8a_json_path() : resolve a dotted path ("objectRef.name",
 * "requestObject.subjects[0].name", annotations."a.b/c") in `root`.
 * Arrays met on the way without an index are not descended; see
 * k8a_expr for any-element semantics.  Returns a borrowed value or NULL. */
json_t *k8a_json_path(json_t *root, const char *path);

/*! k8a_json_path_each() : call cb for every value `path` reaches in
 * `root`, fanning out over arrays met without an index (the any-element
 * semantics of expressions): "requestObject.subjects.name" visits each
 * subject's name, and an array at the end of the path is visited element
 * by element.  Returns K8A_OK, or K8A_FAILED for a malformed path. */
int k8a_json_path_each(json_t *root, const char *path, void (*cb)(json_t *v, void *arg), void *arg);

/*! k8a_json_valid() : 1 when p[0..n) is one JSON value (RFC 8259) in
 * valid UTF-8, with nothing but white space around it and at most 2048
 * levels deep; 0 otherwise, with the reason and its byte offset written to
 * why (when not NULL).  Builds nothing: for copying records verbatim only
 * when they are valid JSON. */
int k8a_json_valid(const char *p, size_t n, char *why, size_t whysz);

/*! k8a_ip_class() : what the text s[0..n) is: K8A_IP_PUBLIC, an IPv4 or
 * IPv6 address that routes on the Internet; K8A_IP_PRIVATE, one in the
 * private (RFC 1918), shared (100.64/10), loopback, link-local,
 * unspecified or unique-local ranges (an IPv4-mapped IPv6 address by its
 * IPv4 part); K8A_IP_NONE, no address.  The expression language's
 * "is public" and "is private" say the same. */
enum { K8A_IP_NONE, K8A_IP_PUBLIC, K8A_IP_PRIVATE };
int k8a_ip_class(const char *s, size_t n);

/* ------------------------------------------------------------------ */
/* Sigma rules, translated into expressions (sigma*.c)                 */
/* ------------------------------------------------------------------ */

/*! Sigma correlation types (Sigma v2). */
enum k8a_sigma_corr_type {
	K8A_SIGMA_EVENT_COUNT, K8A_SIGMA_VALUE_COUNT, K8A_SIGMA_TEMPORAL, K8A_SIGMA_TEMPORAL_ORDERED,
};

/*! A correlation rule's parts: the rules it names (by `name` or `id`), the
 * fields that group events, the window, and (counts) the least count that
 * fires: `gte: N` is N, `gt: N` N + 1. */
struct k8a_sigma_corr {
	enum k8a_sigma_corr_type type;
	char **rules;
	size_t nrules;
	char **group_by;
	size_t ngroup_by;
	int64_t timespan; /* microseconds */
	char *field;      /* value_count: the field whose distinct values count */
	unsigned long min_count;
	int generate;     /* the named rules report on their own too */
};

/*! One Sigma rule, as loaded: what it says about itself, the record
 * source its logsource names, and (a detection rule) its detection as an
 * expression with Sigma's semantics, or (a correlation rule) corr.
 * Strings are NUL-terminated UTF-8 as written (NULL when absent);
 * techniques are the ATT&CK ids of `tags` (attack.t1552.007 ->
 * T1552.007); level is Sigma's (informational ... critical). */
typedef struct k8a_sigma_rule {
	char *id, *name, *title, *author, *level, *status, *description, *date;
	char **references, **falsepositives, **tags, **techniques;
	size_t nreferences, nfalsepositives, ntags, ntechniques;
	enum k8a_source source;
	unsigned line; /* where the rule's document starts (1-based) */
	k8a_expr *when;
	struct k8a_sigma_corr *corr;
	struct k8a_sigma_priv *priv;
} k8a_sigma_rule;

/*! What k8a_sigma_load() reports besides rules.  OTHER_LOGSOURCE: a rule
 * for another product or service, left out (count them); UNSUPPORTED: a
 * rule using a construct this translation lacks, left out ("rule <title>:
 * unsupported modifier 'x'"); INVALID: not a Sigma rule, or not YAML. */
enum k8a_sigma_problem { K8A_SIGMA_OTHER_LOGSOURCE, K8A_SIGMA_UNSUPPORTED, K8A_SIGMA_INVALID };

typedef void k8a_sigma_rule_fn(void *arg, k8a_sigma_rule *r);
typedef void k8a_sigma_problem_fn(void *arg, enum k8a_sigma_problem what, unsigned line, const char *msg);

/*! k8a_sigma_load() : read the Sigma rules of a YAML file (one or more
 * documents; path "-" is not special) and hand each rule translated to
 * rule(), which owns it (k8a_sigma_rule_free()), and each rule left out to
 * problem() with its line.  Field names are JSON paths (never the
 * expression language's aliases); strings compare without regard to ASCII
 * case unless |cased or |re; see k8saudit-findings(1), SIGMA.  Returns
 * K8A_OK, K8A_FAILED when the file cannot be read (said to problem(), line
 * 0), or K8A_FATAL when memory ran out (rules may be missing). */
int k8a_sigma_load(const char *path, k8a_sigma_rule_fn *rule, k8a_sigma_problem_fn *problem, void *arg);
/*! k8a_sigma_load_mem() : the same for YAML text in memory. */
int k8a_sigma_load_mem(const char *text, size_t len, k8a_sigma_rule_fn *rule, k8a_sigma_problem_fn *problem,
	void *arg);
/*! k8a_sigma_detection() : a new copy of a detection rule's expression
 * (for a correlation that names it), or NULL when out of memory. */
k8a_expr *k8a_sigma_detection(const k8a_sigma_rule *r);
void k8a_sigma_rule_free(k8a_sigma_rule *r);

/* ------------------------------------------------------------------ */
/* Fields: aliases and JSON paths, one resolver for every use          */
/* ------------------------------------------------------------------ */

/* A field as k8saudit-expr(5) names it: an alias (user, verb, action, ip,
 * command, ...) or a JSON path.  Expressions, columns and evidence all
 * read a field through the same resolution, so what a tool prints for a
 * field is what an expression on that field compares. */
typedef struct k8a_fieldref k8a_fieldref;

/*! k8a_fieldref_new() : the field called name.  NULL with err filled (when
 * not NULL) for a malformed path or when out of memory. */
k8a_fieldref *k8a_fieldref_new(const char *name, struct k8a_err *err);
void k8a_fieldref_free(k8a_fieldref *f);

/*! k8a_fieldref_each() : call cb for each value the field has in ev (parses
 * it): an alias's one string; every value a path reaches, arrays met
 * without an index fanning out.  Stops when cb returns nonzero and
 * returns that; K8A_FATAL when out of memory; else 0. */
int k8a_fieldref_each(const k8a_fieldref *f, k8a_event *ev, int (*cb)(json_t *v, void *arg), void *arg);

/*! k8a_fieldref_value() : the field's value in ev as JSON (a new reference):
 * an alias's string, the one value a path reaches, or an array of them
 * when the path went through an array; NULL when absent. */
json_t *k8a_fieldref_value(const k8a_fieldref *f, k8a_event *ev);

/*! k8a_field_aliases() : every alias name, NULL-terminated (static). */
const char *const *k8a_field_aliases(void);

/* ------------------------------------------------------------------ */
/* kubectl exec / attach                                               */
/* ------------------------------------------------------------------ */

/*! k8a_exec_command() : decode the command of a pods/exec request from
 * its requestURI (repeated command= parameters, percent-decoded; the POST
 * and the WebSocket GET forms) into a shell-quoted command line written
 * to `out` (NUL-terminated, truncated to `outsz`).  Arguments with control
 * bytes, invalid UTF-8, C1 controls or bidi overrides are written as
 * $'...' with \xNN escapes (readable UTF-8 stays), so the line is safe on
 * a terminal as it is and pastes into bash.
 * @return the number of arguments (0 for attach or no command),
 *         K8A_FAILED when `uri` is not an exec/attach URI, or K8A_FATAL
 *         (out empty) when out of memory. */
int k8a_exec_command(const char *uri, char *out, size_t outsz);

/*! k8a_exec_command_dup() : the same command line, whole, in a new
 * string the caller frees; NULL when `uri` is not an exec with a command,
 * or (errno ENOMEM) when out of memory. */
char *k8a_exec_command_dup(const char *uri);

/*! k8a_exec_container() : the container= parameter, percent-decoded;
 * returns as k8a_exec_command(). */
int k8a_exec_container(const char *uri, char *out, size_t outsz);

/* ------------------------------------------------------------------ */
/* Percent-encoding                                                    */
/* ------------------------------------------------------------------ */

#define K8A_PCT_PLUS 1     /* '+' is a space (a query string's form encoding) */
#define K8A_PCT_KEEP_NUL 2 /* "%00" stays encoded: the result is a whole C string */

/*! k8a_pct_decode() : percent-decode s[0..n) ("%3A" -> ":") into out,
 * which has room for n + 1 bytes (the result is never longer; out may be
 * s, to decode in place).  A '%' not followed by two hex digits stays as
 * it is.  flags: K8A_PCT_PLUS, K8A_PCT_KEEP_NUL.  The bytes decoded need
 * not be UTF-8.
 * @return the length of the result, which is NUL-terminated. */
size_t k8a_pct_decode(const char *s, size_t n, int flags, char *out);

/* ------------------------------------------------------------------ */
/* Safe text                                                           */
/* ------------------------------------------------------------------ */

/*! k8a_escape() : s[0..n) made safe for a terminal and for one TSV cell:
 * control bytes, DEL, backslash, C1 controls, bidi overrides and invalid
 * UTF-8 become backslash escapes (\t, \n, \x1b, \u202e, \\).
 * @return a new string the caller frees, or NULL when out of memory. */
char *k8a_escape(const char *s, size_t n);

/*! k8a_is_plain() : 1 when s[0..n) would come out of k8a_escape() as is
 * (printable ASCII without a backslash, and safe UTF-8). */
int k8a_is_plain(const char *s, size_t n);

/* ------------------------------------------------------------------ */
/* Secrets: credentials leaked into records (secret-scan(1))           */
/* ------------------------------------------------------------------ */

/*
 *   k8a_secret_set *set = k8a_secret_set_new();
 *   k8a_secret_set_load(set, "/usr/share/k8saudit/rules/secrets", diag, NULL);
 *   k8a_secret_scan *sc = k8a_secret_scan_new(set);       // one per thread
 *   k8a_secret_scan_set_key(sc, key, 32);                 // for fingerprints
 *   k8a_reader_set_prefilter(r, k8a_secret_set_prefilter(set));
 *   while (k8a_reader_next(r, &ev) == K8A_OK) {
 *       const struct k8a_secret_hit *h; size_t n;
 *       if (!k8a_secret_may_hold(sc, ev))                  // no parse
 *           continue;
 *       if (k8a_secret_scan_event(sc, ev, &h, &n) != K8A_OK)
 *           report(k8a_event_where(ev), k8a_secret_scan_error(sc));
 *       for (i = 0; i < n; i++) use(h[i].type, h[i].pointer, h[i].preview);
 *   }
 *
 * Secret types are data (k8saudit-secrets(5)): each has an id, a regex,
 * the keywords that must occur near a match, an entropy floor, the names
 * (keys, {name, value} names, VAR=, --flags) that give a value context,
 * and allow patterns.  A set is loaded, then used read-only: scanners on
 * several threads may share it once k8a_secret_scan_new() was called.
 * Nothing here uses the network.
 */
typedef struct k8a_secret_set k8a_secret_set;
typedef struct k8a_secret_scan k8a_secret_scan;

/* A problem met while loading: where is "file:line", msg says what. */
typedef void (*k8a_secret_diag_fn)(void *arg, const char *where, const char *msg);

k8a_secret_set *k8a_secret_set_new(void);
void k8a_secret_set_free(k8a_secret_set *s);

/*! k8a_secret_set_load() : load the types of a file, or of every
 * *.secrets file below a directory (in byte order of names).  Each problem
 * is passed to cb (may be NULL) and the type concerned is left out.
 * @return the number of problems (0: all loaded), or K8A_FAILED when the
 *         set is in use already (see k8a_secret_scan_new()), K8A_FATAL
 *         when out of memory. */
int k8a_secret_set_load(k8a_secret_set *s, const char *path, k8a_secret_diag_fn cb, void *arg);

/*! k8a_secret_set_load_text() : the same from text[0..len), named `name`
 * in messages. */
int k8a_secret_set_load_text(k8a_secret_set *s, const char *text, size_t len, const char *name,
	k8a_secret_diag_fn cb, void *arg);

/*! k8a_secret_set_allow() : never report a secret whose value matches the
 * PCRE2 `pattern` (kind "value"), whose JSON pointer matches the glob
 * (kind "pointer", fnmatch(3) without FNM_PATHNAME) or whose input path
 * matches the glob (kind "path", tested with k8a_secret_allowed_path()).
 * @return K8A_OK, or K8A_FAILED with a reason in err (a bad kind or regex). */
int k8a_secret_set_allow(k8a_secret_set *s, const char *kind, const char *pattern, struct k8a_err *err);

/*! k8a_secret_allowed_path() : 1 when an input path (or archive member)
 * matches a "path" allow glob. */
int k8a_secret_allowed_path(const k8a_secret_set *s, const char *path);

/*! k8a_secret_set_count() : the number of types loaded. */
size_t k8a_secret_set_count(const k8a_secret_set *s);

/* What a type is, for listings.  Strings are borrowed from the set. */
struct k8a_secret_type_info {
	const char *id, *title;
	const char *confidence;	 /* "high", "medium" or "low" */
	const char *file;	 /* where it was defined */
	unsigned line;
	const char *regex;	 /* NULL when the type has none */
	const char *key;	 /* the name context it needs, or NULL */
	const char *const *keywords; /* literals of the secret, NULL-terminated */
	const char *const *names;    /* literals of the names, NULL-terminated */
	double entropy;		 /* floor in bits per byte, 0 when none */
	int priority;		 /* the more specific type wins */
};

/*! k8a_secret_set_type() : type i (0 <= i < count) into *out.
 * @return K8A_OK, or K8A_FAILED when i is out of range. */
int k8a_secret_set_type(const k8a_secret_set *s, size_t i, struct k8a_secret_type_info *out);

/*! k8a_secret_set_prefilter() : the set's byte prefilter for
 * k8a_reader_set_prefilter(): records in which no keyword of any type
 * occurs (in a place where it counts) and that hold no Kubernetes body
 * that may carry a Secret (base64 hides keywords) or a ConfigMap's
 * binaryData are skipped unread.  Owned by the set; NULL when empty
 * or out of memory. */
const k8a_prefilter *k8a_secret_set_prefilter(k8a_secret_set *s);

/*! k8a_secret_scan_new() : a scanner of records for one thread.  The
 * first call freezes the set: no more loading.  NULL: out of memory. */
k8a_secret_scan *k8a_secret_scan_new(k8a_secret_set *s);
void k8a_secret_scan_free(k8a_secret_scan *sc);

/*! k8a_secret_scan_set_key() : the key of the fingerprints (HMAC-SHA256
 * of the secret); without one, fingerprints are empty strings.  Copied. */
int k8a_secret_scan_set_key(k8a_secret_scan *sc, const void *key, size_t len);

/*! k8a_secret_may_hold() : 0 when the record cannot hold a secret of the
 * set (decided from its text, without parsing), 1 when it may. */
int k8a_secret_may_hold(k8a_secret_scan *sc, k8a_event *ev);

/* One occurrence of a secret.  Borrowed from the scanner until its next
 * k8a_secret_scan_event(). */
struct k8a_secret_hit {
	const char *type;	/* the type's id */
	size_t type_index;	/* its number in the set */
	const char *confidence; /* "high", "medium" or "low" */
	const char *pointer;	/* RFC 6901 pointer of the string holding it, from the record's root */
	const char *const *decode; /* how it was reached inside that string, outermost first */
	size_t ndecode;
	const char *secret;	/* the secret (NUL-terminated; may hold other NULs) */
	size_t len;
	char fingerprint[65];	/* HMAC-SHA256 of the secret, hex; "" without a key */
	char preview[64];	/* public prefix and a few characters, "..." (raw bytes: escape to print) */
	json_t *enrichment;	/* object of offline facts (account, JWT claims, key type, ...) */
};

/*! k8a_secret_scan_event() : find the secrets in a record (parses it).
 * *hits and *n are set even on K8A_WARN.
 * @return K8A_OK; K8A_WARN when the record could not be parsed or a limit
 *         was reached (a regex's match limit, a decoded size or depth):
 *         the message is k8a_secret_scan_error(), and the hits found are
 *         still given; K8A_FATAL when out of memory. */
int k8a_secret_scan_event(k8a_secret_scan *sc, k8a_event *ev, const struct k8a_secret_hit **hits, size_t *n);

/*! k8a_secret_scan_error() : what the last K8A_WARN was about. */
const char *k8a_secret_scan_error(const k8a_secret_scan *sc);

/*! k8a_secret_fingerprint() : HMAC-SHA256(key, secret) as 64 hex digits
 * and a NUL into out (OpenSSL's libcrypto).  K8A_OK or K8A_FAILED. */
int k8a_secret_fingerprint(const void *key, size_t keylen, const char *secret, size_t n, char out[65]);

/*! k8a_secret_preview() : the preview of a secret of type i as in
 * k8a_secret_hit.preview (the public prefix of the type, then at most four
 * characters, fewer for short secrets, then "..."). */
void k8a_secret_preview(const k8a_secret_set *s, size_t type, const char *secret, size_t n, char out[64]);

/*! k8a_secret_pointer_pattern() : a pointer with its array indexes as "*"
 * ("/spec/containers/0/env/3/value" -> "/spec/containers/ * /env/ * /value",
 * without the spaces), into out (truncated, NUL-terminated). */
void k8a_secret_pointer_pattern(const char *pointer, char *out, size_t outsz);

/* ------------------------------------------------------------------ */
/* Analysis state of unattended runs (k8saudit-state(5))                */
/* ------------------------------------------------------------------ */

/* The state a tool keeps from one run to the next over a tree that only
 * grows: the objects already read, the committed length of an output
 * file, and named sections of the tool's own.  Loaded whole, replaced
 * atomically.  Every failure is K8A_FAILED with a message naming the
 * file and the problem (k8a_state_error()), or K8A_FATAL when out of
 * memory; nothing is ever silently started afresh. */
typedef struct k8a_state k8a_state;

/*! k8a_state_new() : a handle for the state file at path, of the tool
 * named tool (at most 15 bytes; a state of another tool is refused).
 * Nothing is opened yet.  NULL when out of memory. */
k8a_state *k8a_state_new(const char *path, const char *tool);

/*! k8a_state_set_limit() : the largest payload loaded or saved, in bytes:
 * 1 MiB to 1 TiB (default 1 GiB).  K8A_OK, or K8A_FAILED out of range. */
int k8a_state_set_limit(k8a_state *st, uint64_t bytes);

/*! k8a_state_free() : release the handle and its lock.  Whatever was not
 * saved is lost. */
void k8a_state_free(k8a_state *st);

/*! k8a_state_error() : what the last K8A_FAILED was about, naming the
 * file ("state.k8a: checksum does not match: corrupt"). */
const char *k8a_state_error(const k8a_state *st);

/*! k8a_state_lock() : take the lock path + ".lock" (created when
 * missing), held until k8a_state_free().  K8A_FAILED when another
 * process holds it ("locked by another run") or it cannot be made. */
int k8a_state_lock(k8a_state *st);

/*! k8a_state_load() : read the state file.  K8A_OK when it was read
 * whole, or does not exist (an empty state: the first run); K8A_FAILED
 * when it cannot be read, is truncated, foreign (another magic or tool),
 * of an unknown version, or its checksum does not match. */
int k8a_state_load(k8a_state *st);

/*! k8a_state_save() : replace the state file by the state held: written
 * to a temporary file in the same directory, synced, renamed over the
 * file, and the directory synced.  On K8A_FAILED the old file is left
 * whole and the temporary file removed.  The objects accepted since the
 * load (k8a_state_object()) are recorded as processed. */
int k8a_state_save(k8a_state *st);

/*! k8a_state_object() : whether to read the object at path, found under
 * the argument root (root NULL: named itself; its name is its identity).
 * Returns 1 to read it (new, or rewritten: its size, modification time or
 * head and tail changed), 0 to skip it (read by an earlier run), K8A_WARN
 * when it cannot be checked (message in k8a_state_error(); read it: the
 * reader will say what is wrong), K8A_FATAL when out of memory.  An
 * object to read is remembered and recorded by k8a_state_save(). */
int k8a_state_object(k8a_state *st, const char *root, const char *path);

/*! k8a_state_skipped() : objects k8a_state_object() said to skip. */
uint64_t k8a_state_skipped(const k8a_state *st);

/*! k8a_reader_set_shard() : read only the objects of shard k of n (k from
 * 0 to n-1): the files whose identity (a hash of the path below the
 * argument they were found under, with the argument's last name; of the
 * name as given for a file named itself) is k modulo n.  So n runs with
 * the same arguments, one for each k, read every object exactly once,
 * on any machines.  Standard input and buffers belong to shard 0.  Call
 * before the first k8a_reader_next(); K8A_FAILED afterwards or when k is
 * not below n. */
int k8a_reader_set_shard(k8a_reader *r, uint64_t k, uint64_t n);

/*! k8a_reader_set_state() : have the reader ask k8a_state_object() about
 * every file it is to read (not standard input or buffers), and skip
 * those already processed, without opening them.  Call before the first
 * k8a_reader_next(); K8A_FAILED afterwards. */
int k8a_reader_set_state(k8a_reader *r, k8a_state *st);

/*! k8a_state_section() : the bytes of the tool's section name as loaded
 * or last set (borrowed until the section is set again), NULL with *len
 * 0 when there is none. */
const void *k8a_state_section(const k8a_state *st, const char *name, size_t *len);

/*! k8a_state_set_section() : set (replace) section name (at most 31
 * bytes, not "objects" or "output") to a copy of len bytes.  K8A_FAILED
 * for a bad name, K8A_FATAL when out of memory. */
int k8a_state_set_section(k8a_state *st, const char *name, const void *data, size_t len);

/*! k8a_state_output_open() : open the output file path for appending
 * exactly once: when it is the file of the state (same device and inode)
 * and longer than the committed length, it is truncated to that length
 * (what a killed run wrote); when it is another file, or shorter (it was
 * rotated), or missing (it is created, mode 0644 less the umask), its
 * length is committed first (the state is saved).  Returns the open
 * descriptor (O_WRONLY|O_APPEND), or K8A_FAILED with the message. */
int k8a_state_output_open(k8a_state *st, const char *path);

/*! k8a_state_output_commit() : sync the output descriptor and make its
 * length the committed one of the next k8a_state_save().  K8A_FAILED
 * when it cannot be synced. */
int k8a_state_output_commit(k8a_state *st, int fd);

/*! k8a_hash64() : the first 8 bytes of SHA-256 over len bytes, as a
 * number: the hash of keys and ids in states and finding ids. */
uint64_t k8a_hash64(const void *data, size_t len);

/* ------------------------------------------------------------------ */
/* Time                                                                */
/* ------------------------------------------------------------------ */

/*! k8a_time_parse() : RFC 3339 / ISO 8601 ("2024-05-01T10:00:00.123456Z",
 * "+02:00" offsets, a date alone) to microseconds since the epoch.
 * @return K8A_OK or K8A_FAILED. */
int k8a_time_parse(const char *s, size_t len, int64_t *usec);

/*! k8a_time_format() : microseconds since the epoch as
 * "YYYY-MM-DDTHH:MM:SS.uuuuuuZ" into a 64-byte buffer. */
void k8a_time_format(int64_t usec, char out[64]);

#ifdef __cplusplus
}
#endif
#endif /* K8SAUDIT_H */
