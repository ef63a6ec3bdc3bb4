/* SPDX-License-Identifier: BSD-2-Clause */
/* The reader's judge (k8a_reader_set_judge) and the seen-set (k8a_seen). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "test.h"

/* ---- the judge ---- */

/* A thread's state: where its verdicts are written. */
struct jstate {
	struct jconf *conf;
	char verdict[32];
};

struct jconf {
	pthread_mutex_t mu;
	int starts, stops;
	int fail_start;       /* start() runs out of memory */
	long fail_at;         /* judge() runs out of memory at record n */
	int on_caller;        /* judge() ran on the caller's thread */
	pthread_t caller;
};

static void *
jstart(void *arg)
{
	struct jconf *c = arg;
	struct jstate *s;

	if (c->fail_start || (s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->conf = c;
	pthread_mutex_lock(&c->mu);
	c->starts++;
	pthread_mutex_unlock(&c->mu);
	return s;
}

static void
jstop(void *state)
{
	struct jstate *s = state;

	pthread_mutex_lock(&s->conf->mu);
	s->conf->stops++;
	pthread_mutex_unlock(&s->conf->mu);
	free(s);
}

/* Records are {"n":N}: those with N a multiple of 3 are dropped, the
 * others kept with the verdict "vN" (none for N a multiple of 5). */
static int
jjudge(void *state, k8a_event *ev, const void **verdict, size_t *len)
{
	struct jstate *s = state;
	size_t n;
	const char *raw = k8a_event_raw(ev, &n);
	long v = strtol(raw + 5, NULL, 10);

	if (pthread_equal(pthread_self(), s->conf->caller)) {
		pthread_mutex_lock(&s->conf->mu);
		s->conf->on_caller = 1;
		pthread_mutex_unlock(&s->conf->mu);
	}
	if (v == s->conf->fail_at)
		return K8A_FATAL;
	if (v % 3 == 0)
		return 0;
	if (v % 5 == 0)
		return 1;
	*len = (size_t)snprintf(s->verdict, sizeof(s->verdict), "v%ld", v);
	*verdict = s->verdict;
	return 1;
}

static void
jconf_init(struct jconf *c)
{
	memset(c, 0, sizeof(*c));
	pthread_mutex_init(&c->mu, NULL);
	c->fail_at = -1;
	c->caller = pthread_self();
}

static k8a_reader *
judged_reader(struct jconf *c, int threads)
{
	struct k8a_judge j = { jstart, jjudge, jstop, c };
	k8a_reader *r = k8a_reader_new();

	if (r == NULL)
		return NULL;
	k8a_reader_set_threads(r, threads);
	if (k8a_reader_set_judge(r, &j) != K8A_OK) {
		k8a_reader_free(r);
		return NULL;
	}
	return r;
}

/* Inputs of records {"n":N}, N counting on from input to input. */
static char *
numbered(int from, int count)
{
	char *buf = t_alloc((size_t)count * 16 + 1);
	size_t off = 0;
	int i;

	buf[0] = '\0';
	for (i = from; i < from + count; i++)
		off += (size_t)sprintf(buf + off, "{\"n\":%d}\n", i);
	return buf;
}

K8A_TEST(judge_verdicts_come_in_input_order)
{
	static const int counts[] = { 500, 0, 7, 3000, 1 };
	const int nin = (int)(sizeof(counts) / sizeof(counts[0]));
	int threads, i;

	for (threads = 1; threads <= 4; threads += 3) {
		struct jconf c;
		k8a_reader *r;
		k8a_event *ev;
		char name[16];
		long want = 0, dropped = 0;
		int from = 0, rc;
		uint64_t bytes = 0;

		jconf_init(&c);
		REQUIRE((r = judged_reader(&c, threads)) != NULL);
		for (i = 0; i < nin; i++) {
			char *p = numbered(from, counts[i]);
			snprintf(name, sizeof(name), "in%d", i);
			k8a_reader_add_memory(r, p, strlen(p), name);
			bytes += strlen(p);
			from += counts[i];
		}
		while ((rc = k8a_reader_next(r, &ev)) == K8A_OK) {
			size_t n, vlen;
			const char *raw = k8a_event_raw(ev, &n);
			const char *v = k8a_reader_verdict(r, &vlen);
			char wantv[32];
			while (want % 3 == 0)
				want++, dropped++;
			if (!CHECK_EQ_INT(strtol(raw + 5, NULL, 10), want))
				break;
			snprintf(wantv, sizeof(wantv), "v%ld", want);
			if (want % 5 == 0)
				CHECK(v == NULL && vlen == 0);
			else
				CHECK_EQ_MEM(v, vlen, wantv, strlen(wantv));
			want++;
		}
		CHECK_EQ_INT(rc, K8A_EOF);
		while (want < from)
			dropped += want++ % 3 == 0;
		CHECK_EQ_INT(want, from);
		CHECK_EQ_INT(k8a_reader_dropped(r), dropped);
		CHECK_EQ_INT(k8a_reader_bytes(r), bytes);
		CHECK(c.starts >= 1 && c.starts <= threads);
		k8a_reader_free(r);
		CHECK_EQ_INT(c.stops, c.starts); /* each on its own thread */
		CHECK_EQ_INT(c.on_caller, 0);
		pthread_mutex_destroy(&c.mu);
	}
}

K8A_TEST(judge_runs_beside_the_caller_for_one_input)
{
	/* findings reads one big file: the judging must overlap with the
	 * tool's own work, on a thread of its own */
	struct jconf c;
	k8a_reader *r;
	k8a_event *ev;
	char *p = numbered(1, 1000);
	int kept = 0, rc;

	jconf_init(&c);
	REQUIRE((r = judged_reader(&c, 1)) != NULL);
	k8a_reader_add_memory(r, p, strlen(p), "one");
	while ((rc = k8a_reader_next(r, &ev)) == K8A_OK)
		kept++;
	CHECK_EQ_INT(rc, K8A_EOF);
	CHECK_EQ_INT(kept, 1000 - 333);
	CHECK_EQ_INT(k8a_reader_dropped(r), 333);
	CHECK_EQ_INT(c.on_caller, 0);
	CHECK_EQ_INT(c.starts, 1);
	k8a_reader_free(r);
	CHECK_EQ_INT(c.stops, 1);
	pthread_mutex_destroy(&c.mu);
}

K8A_TEST(judge_out_of_memory_ends_the_read)
{
	/* the records before are returned, then "out of memory" at the
	 * record's place, on this call and every later one */
	struct jconf c;
	k8a_reader *r;
	k8a_event *ev;
	char *a = numbered(1, 4), *b = numbered(5, 10);
	int kept = 0, rc;

	jconf_init(&c);
	c.fail_at = 8;
	REQUIRE((r = judged_reader(&c, 2)) != NULL);
	k8a_reader_add_memory(r, a, strlen(a), "a");
	k8a_reader_add_memory(r, b, strlen(b), "b");
	while ((rc = k8a_reader_next(r, &ev)) == K8A_OK)
		kept++;
	CHECK_EQ_INT(rc, K8A_FATAL);
	CHECK_EQ_INT(kept, 5); /* 1 2 4 | 5 7 */
	CHECK_EQ_STR(k8a_reader_error(r), "out of memory");
	CHECK_EQ_STR(k8a_reader_where(r), "b:4");
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_FATAL);
	CHECK_EQ_STR(k8a_reader_error(r), "out of memory");
	k8a_reader_free(r);
	pthread_mutex_destroy(&c.mu);
}

K8A_TEST(judge_start_out_of_memory_ends_the_read)
{
	struct jconf c;
	k8a_reader *r;
	k8a_event *ev;
	char *a = numbered(1, 4);

	jconf_init(&c);
	c.fail_start = 1;
	REQUIRE((r = judged_reader(&c, 1)) != NULL);
	k8a_reader_add_memory(r, a, strlen(a), "a");
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_FATAL);
	CHECK_EQ_STR(k8a_reader_error(r), "out of memory");
	k8a_reader_free(r);
	CHECK_EQ_INT(c.stops, 0);
	pthread_mutex_destroy(&c.mu);
}

K8A_TEST(judge_is_set_before_reading)
{
	struct jconf c;
	struct k8a_judge j = { jstart, jjudge, jstop, &c };
	struct k8a_judge none = { NULL, NULL, NULL, NULL };
	k8a_reader *r = k8a_reader_new();
	k8a_event *ev;

	REQUIRE(r != NULL);
	jconf_init(&c);
	CHECK_EQ_INT(k8a_reader_set_judge(r, &none), K8A_FAILED);
	k8a_reader_add_memory(r, "{\"n\":1}\n", 8, "a");
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_OK);
	CHECK(k8a_reader_verdict(r, &(size_t){ 0 }) == NULL);
	CHECK_EQ_INT(k8a_reader_set_judge(r, &j), K8A_FAILED);
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_EOF);
	k8a_reader_free(r);
	CHECK_EQ_INT(c.starts, 0);
	pthread_mutex_destroy(&c.mu);
}

struct progress {
	pthread_t caller;
	int here, elsewhere;
};

static void
progress_cb(void *arg)
{
	struct progress *p = arg;

	if (pthread_equal(pthread_self(), p->caller))
		p->here++;
	else
		p->elsewhere++; /* the caller's thread only reads it */
}

K8A_TEST(judge_progress_on_the_callers_thread)
{
	/* 20 MiB read on a worker, every record dropped: progress about
	 * every 8 MiB all the same, and on the caller's thread */
	const size_t total = (size_t)20 << 20;
	char *buf = t_alloc(total + 128);
	size_t off = 0, k = 0;
	struct progress pc = { pthread_self(), 0, 0 };
	struct jconf c;
	k8a_reader *r;
	k8a_event *ev;

	while (off < total)
		off += (size_t)sprintf(buf + off, "{\"n\":%zu,\"pad\":\"%060zu\"}\n", k * 3, k), k++;
	jconf_init(&c);
	REQUIRE((r = judged_reader(&c, 1)) != NULL);
	k8a_reader_set_progress(r, progress_cb, &pc);
	k8a_reader_add_memory(r, buf, off, "big");
	CHECK_EQ_INT(k8a_reader_next(r, &ev), K8A_EOF);
	if (pc.here < 2 || pc.here > 5)
		k8a_test_fail(__FILE__, __LINE__, "%d progress calls for 20 MiB", pc.here);
	CHECK_EQ_INT(pc.elsewhere, 0);
	CHECK_EQ_INT(k8a_reader_dropped(r), k);
	CHECK_EQ_INT(k8a_reader_bytes(r), off);
	k8a_reader_free(r);
	pthread_mutex_destroy(&c.mu);
}

/* ---- sets of requests seen ---- */

/* A caller that stops reading early (an error, -m) may free its prefilter
 * before the reader: the reading threads, still starting their first
 * jobs, have their own copies.  (They used to copy the caller's on their
 * first job, from freed memory; ASan tells, when a thread starts late.) */
K8A_TEST(prefilter_may_go_before_the_reader)
{
	static const char *const lits[] = { "7", NULL };
	int round;

	for (round = 0; round < 20; round++) {
		k8a_reader *r;
		k8a_prefilter *pf;
		k8a_event *ev;
		char name[16];
		int i;

		REQUIRE((r = k8a_reader_new()) != NULL);
		REQUIRE((pf = k8a_prefilter_new(lits)) != NULL);
		k8a_reader_set_threads(r, 4);
		k8a_reader_set_prefilter(r, pf);
		for (i = 0; i < 16; i++) {
			char *p = numbered(i * 100, 100);
			snprintf(name, sizeof(name), "in%d", i);
			k8a_reader_add_memory(r, p, strlen(p), name);
		}
		REQUIRE(k8a_reader_next(r, &ev) == K8A_OK);
		k8a_prefilter_free(pf);
		k8a_reader_free(r);
	}
}

K8A_TEST(seen_set_keys_and_tags)
{
	k8a_seen *s = k8a_seen_new();

	REQUIRE(s != NULL);
	CHECK_EQ_INT(k8a_seen_add(s, 42, 0), 0);
	CHECK_EQ_INT(k8a_seen_add(s, 42, 0), 1);
	CHECK_EQ_INT(k8a_seen_add(s, 42, 7), 0); /* another rule */
	CHECK_EQ_INT(k8a_seen_add(s, 43, 0), 0);
	CHECK_EQ_INT(k8a_seen_add(s, 0, 0), 0);
	CHECK_EQ_INT(k8a_seen_add(s, 0, 0), 1);
	k8a_seen_clear(s);
	CHECK_EQ_INT(k8a_seen_add(s, 42, 0), 0);
	CHECK_EQ_INT(k8a_seen_add(s, 42, 7), 0);
	k8a_seen_free(s);
	k8a_seen_free(NULL);
}

K8A_TEST(seen_set_is_bounded_but_recent)
{
	/* two generations of 1<<16: after 3<<16 keys the first are gone,
	 * and the last 1<<16 are all there */
	const uint64_t n = (uint64_t)3 << 16;
	k8a_seen *s = k8a_seen_new();
	uint64_t k, again = 0;

	REQUIRE(s != NULL);
	for (k = 1; k <= n; k++)
		again += k8a_seen_add(s, k, 0) != 0;
	CHECK_EQ_INT(again, 0);
	for (k = n; k > n - ((uint64_t)1 << 16); k--)
		again += k8a_seen_add(s, k, 0) == 1;
	CHECK_EQ_INT(again, (uint64_t)1 << 16);
	CHECK_EQ_INT(k8a_seen_add(s, 1, 0), 0);
	k8a_seen_free(s);
}

static uint64_t
key_of(const char *json, int *has)
{
	uint64_t key = 0;

	*has = k8a_event_request_key(t_event(json), &key);
	return key;
}

K8A_TEST(request_key_tells_requests_apart)
{
	const char *stage1 = J("{'kind':'Event','auditID':'a','stage':'RequestReceived','verb':'get',"
			       "'requestURI':'/api/v1/pods','user':{'username':'eve','groups':['x']}}");
	const char *stage2 = J("{'kind':'Event','auditID':'a','stage':'ResponseComplete','verb':'get',"
			       "'requestURI':'/api/v1/pods','user':{'username':'eve'},'responseStatus':{'code':200}}");
	const char *verb = J("{'kind':'Event','auditID':'a','verb':'list','requestURI':'/api/v1/pods',"
			     "'user':{'username':'eve'}}");
	const char *uri = J("{'kind':'Event','auditID':'a','verb':'get','requestURI':'/api/v1/secrets',"
			    "'user':{'username':'eve'}}");
	const char *user = J("{'kind':'Event','auditID':'a','verb':'get','requestURI':'/api/v1/pods',"
			     "'user':{'username':'mallory'}}");
	int has;
	uint64_t k1 = key_of(stage1, &has);

	CHECK_EQ_INT(has, 1);
	CHECK(key_of(stage2, &has) == k1 && has);
	CHECK(key_of(verb, &has) != k1 && has);
	CHECK(key_of(uri, &has) != k1 && has);
	CHECK(key_of(user, &has) != k1 && has);
	key_of(J("{'eventVersion':'1.08','eventID':'e1','eventName':'AssumeRole'}"), &has);
	CHECK_EQ_INT(has, 0);
	key_of(J("{'kind':'Event','auditID':7,'verb':'get'}"), &has);
	CHECK_EQ_INT(has, 0);
}
