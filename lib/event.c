/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The event model: a lazily parsed record with normalised fields over
 * Kubernetes audit events and CloudTrail records.  Nothing is parsed until
 * a field is asked for.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

void
k8a_event_clear(struct k8a_event *ev)
{
	int i;

	if (ev->root)
		json_decref(ev->root);
	for (i = 0; i < ev->nscratch; i++)
		free(ev->scratch[i]);
	ev->root = NULL;
	ev->nscratch = 0;
}

k8a_event *
k8a_event_new(void)
{
	return calloc(1, sizeof(struct k8a_event));
}

void
k8a_event_set(k8a_event *ev, const char *raw, size_t len, const struct k8a_origin *o)
{
	k8a_event_reset(ev, raw, len);
	if (o)
		ev->origin = *o;
	else
		memset(&ev->origin, 0, sizeof(ev->origin));
}

void
k8a_event_free(k8a_event *ev)
{
	if (ev == NULL)
		return;
	k8a_event_release(ev);
	free(ev);
}

void
k8a_event_release(struct k8a_event *ev)
{
	k8a_event_clear(ev);
	free(ev->objs);
	free(ev->objat);
	free(ev->mems);
	ev->objs = NULL;
	ev->objat = NULL;
	ev->capobjat = 0;
	ev->mems = NULL;
	ev->nobjs = ev->capobjs = ev->nmems = ev->capmems = 0;
}

void
k8a_event_reset(struct k8a_event *ev, const char *raw, size_t len)
{
	k8a_event_clear(ev);
	ev->raw = raw;
	ev->len = len;
	ev->parsed = 0;
	ev->nomem = 0;
	ev->skim.state = 0;
	ev->nobjs = ev->nmems = 0;
	ev->objgen++; /* the object table's entries are stale */
	ev->source = K8A_SRC_UNKNOWN;
	memset(ev->fdone, 0, sizeof(ev->fdone));
	ev->err[0] = '\0';
	ev->where[0] = '\0';
}

const char *
k8a_event_raw(const k8a_event *ev, size_t *len)
{
	if (len)
		*len = ev->len;
	return ev->raw;
}

const char *
k8a_event_error(const k8a_event *ev)
{
	return ev->err;
}

int
k8a_event_nomem(const k8a_event *ev)
{
	return ev->nomem;
}

const struct k8a_origin *
k8a_event_origin(const k8a_event *ev)
{
	return &ev->origin;
}

const char *
k8a_event_where(k8a_event *ev)
{
	if (ev->where[0] == '\0') {
		const struct k8a_origin *o = &ev->origin;
		if (o->index >= 0)
			snprintf(ev->where, sizeof(ev->where), "%s%s%s:%llu[%lld]", o->path,
				o->member ? ":" : "", o->member ? o->member : "",
				(unsigned long long)o->line, (long long)o->index);
		else
			snprintf(ev->where, sizeof(ev->where), "%s%s%s:%llu", o->path,
				o->member ? ":" : "", o->member ? o->member : "",
				(unsigned long long)o->line);
	}
	return ev->where;
}

/* jansson says "invalid token" or nothing at all when an allocation fails
 * inside a parse, and 2.14 may corrupt the heap on the way out (a fault
 * sweep, tests/fault.sh, met it).  So inside a parse it never sees a
 * failure: an allocation that fails is served from the thread's spare
 * block instead and the parse is marked out of memory, which
 * k8a_event_json reports once jansson is done (a record is never called
 * invalid for want of memory).  Frees of spare memory are no-ops; the
 * block is reused by the next parse.  Outside a parse (the tools' own
 * jansson use) a failure is returned as it is. */
#define SPARE_BYTES (256 * 1024)

struct spare {
	char *base;
	size_t used;
};

static __thread int json_nomem, json_refused, json_parsing;
static __thread unsigned long nomem_count; /* k8a__nomem_note() */
static void json_hook(void);
static __thread struct spare *json_spare;
static json_malloc_t json_prev_malloc;
static json_free_t json_prev_free;
static pthread_key_t json_spare_key;
static int json_hooked;
static pthread_once_t json_hook_once = PTHREAD_ONCE_INIT;

static void *
json_watch_malloc(size_t n)
{
	void *p = json_prev_malloc(n);
	struct spare *sp = json_spare;

	if (p == NULL)
		nomem_count++;
	if (p != NULL || !json_parsing)
		return p;
	json_nomem = 1;
	n = (n + 15) & ~(size_t)15;
	if (sp == NULL || n > SPARE_BYTES - sp->used) {
		json_refused = 1;
		return NULL;
	}
	p = sp->base + sp->used;
	sp->used += n;
	return p;
}

void
k8a__nomem_note(void)
{
	nomem_count++;
}

unsigned long
k8a__nomem_count(void)
{
	/* jansson's failures are counted once it is watched */
	pthread_once(&json_hook_once, json_hook);
	return nomem_count;
}

static void
json_watch_free(void *p)
{
	struct spare *sp = json_spare;

	if (sp != NULL && (char *)p >= sp->base && (char *)p < sp->base + SPARE_BYTES)
		return;
	json_prev_free(p);
}

static void
spare_free(void *arg)
{
	struct spare *sp = arg;

	free(sp->base);
	free(sp);
}

static void
json_hook(void)
{
	json_get_alloc_funcs(&json_prev_malloc, &json_prev_free);
	if (json_prev_malloc == NULL || json_prev_free == NULL)
		return;
	if (pthread_key_create(&json_spare_key, spare_free) != 0)
		return;
	json_set_alloc_funcs(json_watch_malloc, json_watch_free);
	json_hooked = 1;
}

/* The thread's spare block, made before its first parse: 0, or -1 when
 * memory is out already. */
static int
spare_ready(void)
{
	struct spare *sp;

	if (json_spare != NULL || !json_hooked)
		return 0;
	if ((sp = calloc(1, sizeof(*sp))) == NULL)
		return -1;
	if ((sp->base = malloc(SPARE_BYTES)) == NULL ||
	    pthread_setspecific(json_spare_key, sp) != 0) {
		free(sp->base);
		free(sp);
		return -1;
	}
	json_spare = sp;
	return 0;
}

json_t *
k8a_event_json(k8a_event *ev)
{
	json_error_t je;

	if (ev->parsed == 1)
		return ev->root;
	if (ev->parsed == -1)
		return NULL;
	pthread_once(&json_hook_once, json_hook);
	if (spare_ready() != 0) {
		snprintf(ev->err, sizeof(ev->err), "%s", K8A_NOMEM);
		ev->nomem = 1;
		ev->parsed = -1;
		return NULL;
	}
	{
		/* jansson skips a raw NUL byte (its reader takes one for an
		 * empty buffer): "code":29<NUL>0 would read as 290.  No JSON
		 * text holds one; the skim takes it as what it is (fuzz_skim) */
		const char *nul = memchr(ev->raw, '\0', ev->len);
		if (nul != NULL) {
			snprintf(ev->err, sizeof(ev->err), "invalid JSON: a NUL byte (at byte %zu)", (size_t)(nul - ev->raw));
			ev->parsed = -1;
			return NULL;
		}
	}
	json_nomem = json_refused = 0;
	json_parsing = 1;
	ev->root = json_loadb(ev->raw, ev->len, JSON_ALLOW_NUL, &je);
	json_parsing = 0;
	if (json_nomem || (ev->root == NULL && json_error_code(&je) == json_error_out_of_memory)) {
		/* the spare block served the parse: the tree is whole and
		 * goes; but when the block ran out too, jansson may hand back
		 * a tree it could not finish (a member whose insertion
		 * failed): not freed then, since walking it can crash.
		 * Memory is out either way and the tool ends here. */
		if (ev->root != NULL && !json_refused)
			json_decref(ev->root);
		if (json_spare != NULL)
			json_spare->used = 0;
		ev->root = NULL;
		snprintf(ev->err, sizeof(ev->err), "%s", K8A_NOMEM);
		ev->nomem = 1;
		ev->parsed = -1;
		return NULL;
	}
	if (ev->root == NULL) {
		snprintf(ev->err, sizeof(ev->err), "invalid JSON: %s (at byte %d)", je.text, je.position);
		ev->parsed = -1;
		return NULL;
	}
	if (!json_is_object(ev->root)) {
		snprintf(ev->err, sizeof(ev->err), "record is not a JSON object");
		json_decref(ev->root);
		ev->root = NULL;
		ev->parsed = -1;
		return NULL;
	}
	ev->parsed = 1;
	{
		json_t *o = ev->root;
		const char *kind = json_string_value(json_object_get(o, "kind"));
		const char *av = json_string_value(json_object_get(o, "apiVersion"));
		if (json_is_string(json_object_get(o, "eventName")) &&
		    (json_object_get(o, "eventSource") || json_object_get(o, "eventVersion")))
			ev->source = K8A_SRC_CLOUDTRAIL;
		else if ((kind && strcmp(kind, "Event") == 0 && av && strncmp(av, "audit.k8s.io/", 13) == 0) ||
			 (json_is_string(json_object_get(o, "auditID")) &&
			  json_is_string(json_object_get(o, "verb"))))
			ev->source = K8A_SRC_K8S;
		else
			snprintf(ev->err, sizeof(ev->err),
				"not a Kubernetes audit event or CloudTrail record");
	}
	return ev->root;
}

enum k8a_source
k8a_event_source(k8a_event *ev)
{
	k8a_event_json(ev);
	return ev->source;
}

static const char *
sget(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* First string of an array member (user.extra values are arrays). */
static const char *
first(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	if (json_is_array(v))
		return json_string_value(json_array_get(v, 0));
	return json_string_value(v);
}

static const char *
keep(k8a_event *ev, char *s)
{
	if (s == NULL) {
		/* the field would read as absent: never answer from that */
		ev->nomem = 1;
		snprintf(ev->err, sizeof(ev->err), "%s", K8A_NOMEM);
		return NULL;
	}
	if (ev->nscratch == (int)(sizeof(ev->scratch) / sizeof(ev->scratch[0]))) {
		free(s);
		return NULL;
	}
	ev->scratch[ev->nscratch++] = s;
	return s;
}

/* Field `n` (1-based) of a ':'-separated string such as an ARN. */
static const char *
colon_field(k8a_event *ev, const char *s, int n)
{
	const char *p = s, *e;

	if (s == NULL)
		return NULL;
	while (--n > 0) {
		if ((p = strchr(p, ':')) == NULL)
			return NULL;
		p++;
	}
	e = strchr(p, ':');
	if (e == NULL)
		e = p + strlen(p);
	if (e == p)
		return NULL;
	return keep(ev, strndup(p, (size_t)(e - p)));
}

static const char *
k8s_field(k8a_event *ev, json_t *o, enum k8a_field f)
{
	json_t *user = json_object_get(o, "user");
	json_t *extra = json_object_get(user, "extra");
	json_t *ref = json_object_get(o, "objectRef");
	json_t *ann = json_object_get(o, "annotations");
	json_t *ips = json_object_get(o, "sourceIPs");
	const char *s;

	switch (f) {
	case K8A_F_TIME:
		if ((s = sget(o, "stageTimestamp")) || (s = sget(o, "timestamp")) ||
		    (s = sget(o, "requestReceivedTimestamp")))
			return s;
		return sget(json_object_get(o, "metadata"), "creationTimestamp");
	case K8A_F_ID: return sget(o, "auditID");
	case K8A_F_USER: return sget(user, "username");
	case K8A_F_UID: return sget(user, "uid");
	case K8A_F_ARN: return first(extra, "arn");
	case K8A_F_CANONICAL_ARN: return first(extra, "canonicalArn");
	case K8A_F_ACCESS_KEY: return first(extra, "accessKeyId");
	case K8A_F_SESSION: return first(extra, "sessionName");
	case K8A_F_PRINCIPAL: return first(extra, "principalId");
	case K8A_F_ACCOUNT:
		if ((s = first(extra, "canonicalArn")) || (s = first(extra, "arn")))
			return colon_field(ev, s, 5);
		if ((s = sget(user, "uid")) && strstr(s, "authenticator")) {
			/* aws-iam-authenticator:<account>:<id>; scrubbed
			 * clusters write "administrative" instead */
			const char *a = colon_field(ev, s, 2);
			return a && strlen(a) == 12 && strspn(a, "0123456789") == 12 ? a : NULL;
		}
		return NULL;
	case K8A_F_IMPERSONATED: return sget(json_object_get(o, "impersonatedUser"), "username");
	case K8A_F_SOURCE_IP: return json_string_value(json_array_get(ips, 0));
	case K8A_F_PEER_IP:
		return json_array_size(ips) ? json_string_value(json_array_get(ips, json_array_size(ips) - 1)) : NULL;
	case K8A_F_USER_AGENT: return sget(o, "userAgent");
	case K8A_F_VERB: return sget(o, "verb");
	case K8A_F_SERVICE: return NULL;
	case K8A_F_API_GROUP: return sget(ref, "apiGroup");
	case K8A_F_RESOURCE: return sget(ref, "resource");
	case K8A_F_SUBRESOURCE: return sget(ref, "subresource");
	case K8A_F_NAMESPACE: return sget(ref, "namespace");
	case K8A_F_NAME: return sget(ref, "name");
	case K8A_F_CODE: {
		json_t *c = json_object_get(json_object_get(o, "responseStatus"), "code");
		if (!json_is_integer(c))
			return NULL;
		snprintf(ev->codebuf, sizeof(ev->codebuf), "%lld", (long long)json_integer_value(c));
		return ev->codebuf;
	}
	case K8A_F_DECISION: return sget(ann, "authorization.k8s.io/decision");
	case K8A_F_REASON: return sget(ann, "authorization.k8s.io/reason");
	case K8A_F_STAGE: return sget(o, "stage");
	case K8A_F_URI: return sget(o, "requestURI");
	case K8A_F_REGION: return NULL;
	case K8A_F_COUNT_: break;
	}
	return NULL;
}

static const char *
ct_field(k8a_event *ev, json_t *o, enum k8a_field f)
{
	json_t *ui = json_object_get(o, "userIdentity");
	json_t *issuer = json_object_get(json_object_get(ui, "sessionContext"), "sessionIssuer");
	const char *s, *type = sget(ui, "type");

	switch (f) {
	case K8A_F_TIME:
		if ((s = sget(o, "eventTime")))
			return s;
		return sget(o, "@timestamp"); /* re-shipped through Logstash */
	case K8A_F_ID: return sget(o, "eventID");
	case K8A_F_USER:
		if (type && strcmp(type, "IAMUser") == 0 && (s = sget(ui, "userName")))
			return s;
		if ((s = sget(ui, "arn")) || (s = sget(ui, "invokedBy")) || (s = sget(ui, "userName")) ||
		    (s = sget(ui, "principalId")))
			return s;
		return sget(ui, "accountId");
	case K8A_F_UID:
	case K8A_F_PRINCIPAL: return sget(ui, "principalId");
	case K8A_F_ARN: return sget(ui, "arn");
	case K8A_F_CANONICAL_ARN:
		if ((s = sget(issuer, "arn")))
			return s;
		return type && strcmp(type, "IAMUser") == 0 ? sget(ui, "arn") : NULL;
	case K8A_F_ACCESS_KEY: return sget(ui, "accessKeyId");
	case K8A_F_SESSION:
		if (type && strcmp(type, "AssumedRole") == 0 && (s = sget(ui, "arn")) && strrchr(s, '/'))
			return strrchr(s, '/') + 1;
		return NULL;
	case K8A_F_ACCOUNT:
		if ((s = sget(ui, "accountId")))
			return s;
		return sget(o, "recipientAccountId");
	case K8A_F_IMPERSONATED: return NULL;
	case K8A_F_SOURCE_IP:
	case K8A_F_PEER_IP: return sget(o, "sourceIPAddress");
	case K8A_F_USER_AGENT: return sget(o, "userAgent");
	case K8A_F_VERB: return sget(o, "eventName");
	case K8A_F_SERVICE: return sget(o, "eventSource");
	case K8A_F_CODE: return sget(o, "errorCode");
	case K8A_F_REASON: return sget(o, "errorMessage");
	case K8A_F_REGION: return sget(o, "awsRegion");
	default: return NULL;
	}
	(void)ev;
}

const char *
k8a_event_str(k8a_event *ev, enum k8a_field f)
{
	json_t *o;

	if ((unsigned)f >= K8A_F_COUNT_)
		return NULL;
	if (ev->fdone[f])
		return ev->f[f];
	if ((o = k8a_event_json(ev)) == NULL)
		return NULL;
	if (ev->source == K8A_SRC_K8S)
		ev->f[f] = k8s_field(ev, o, f);
	else if (ev->source == K8A_SRC_CLOUDTRAIL)
		ev->f[f] = ct_field(ev, o, f);
	else
		ev->f[f] = NULL;
	ev->fdone[f] = 1;
	return ev->f[f];
}

int
k8a_event_code(k8a_event *ev)
{
	json_t *o = k8a_event_json(ev);
	json_t *c;

	if (o == NULL || ev->source != K8A_SRC_K8S)
		return 0;
	c = json_object_get(json_object_get(o, "responseStatus"), "code");
	return json_is_integer(c) ? (int)json_integer_value(c) : 0;
}

int64_t
k8a_event_time(k8a_event *ev)
{
	const char *s = k8a_event_str(ev, K8A_F_TIME);
	int64_t t;

	if (s == NULL || k8a_time_parse(s, strlen(s), &t) != K8A_OK)
		return INT64_MIN;
	return t;
}
