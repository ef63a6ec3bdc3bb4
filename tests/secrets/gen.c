/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * gen: a deterministic generator of a labelled corpus of leaked secrets in
 * EKS audit logs and CloudTrail, the measuring stick for secret-scan(1).
 *
 *   gen [-s SEED] [-p PLANTS] [-n ROUTINE] [-t START] [-i MS] [-v] DIR
 *   gen -l
 *
 * Every one of the 46 secret types (tests/secrets/README) is planted
 * PLANTS times (default 5) at every leak position that suits it, among
 * ROUTINE records of everyday traffic (default 6000) that hold hard
 * negatives.  With -p 0 the corpus is only routine traffic: the haystack
 * for counting false alarms (STS session tokens, which every AssumeRole
 * returns, are still labelled).  START (default 2026-11-01T00:00:00Z) is
 * the time of the first record, MS (default 350) the mean time between
 * records in milliseconds.  The same seed gives the same bytes.
 * gen -l lists the (type, position) pairs that are planted, one a line.
 *
 * DIR/input/ is what a scanner reads:
 *   eks/kube-apiserver-audit.log            API server log file, JSON lines
 *   eks/exportedlogs/<id>/kube-apiserver-audit-<id>/000000.gz
 *                                           CloudWatch Logs export (gzip,
 *                                           timestamp-prefixed lines)
 *   eks/firehose/2026/11/01/00/<name>.gz    CloudWatch subscription envelopes
 *                                           through Firehose (events in
 *                                           logEvents[].message strings)
 *   cloudtrail/AWSLogs/<acct>/CloudTrail/<region>/2026/11/01/<acct>_CloudTrail_...json.gz
 *                                           S3 deliveries, {"Records":[...]}
 *   cloudtrail/lookup-events.json           `aws cloudtrail lookup-events`
 *                                           output (CloudTrailEvent strings)
 * and beside it:
 *   labels.tsv     one planted secret per line, the contract's format:
 *                  event_id TAB pointer TAB type TAB position TAB encoding
 *   negatives.tsv  hard negatives: event_id TAB pointer TAB kind
 *   neutral.tsv    places where a report counts neither way:
 *                  event_id TAB pointer TAB why
 *   summary.txt    plants per type, position and encoding; negatives per kind
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "gen.h"

const char *const pos_names[NPOS] = {
	[P_POD_ENV] = "pod-env",
	[P_WORKLOAD_ENV] = "workload-env",
	[P_LAST_APPLIED] = "last-applied",
	[P_ARGS] = "args",
	[P_PROBE_HEADER] = "probe-header",
	[P_EXEC_POST] = "exec-post",
	[P_EXEC_WS] = "exec-websocket",
	[P_CHANGE_CAUSE] = "change-cause",
	[P_SECRET_DATA] = "secret-data",
	[P_SECRET_STRINGDATA] = "secret-stringdata",
	[P_SECRET_LAST_APPLIED] = "secret-last-applied",
	[P_CONFIGMAP] = "configmap",
	[P_TOKEN_REQUEST] = "token-request",
	[P_TOKEN_REVIEW] = "token-review",
	[P_DOCKERCONFIG] = "dockerconfigjson",
	[P_HELM_RELEASE] = "helm-release",
	[P_CRD] = "custom-resource",
	[P_CLOUDWATCH] = "cloudwatch-message",
	[P_STS] = "sts-session-token",
	[P_ECS_ENV] = "ecs-env",
	[P_CODEBUILD_ENV] = "codebuild-env",
	[P_GLUE] = "glue-connection",
	[P_CFN] = "cloudformation-parameter",
	[P_LOOKUP] = "lookup-events",
};

static const char *
encoding(const struct steps *st, int wrapped)
{
	static const char *const names[] = { [ST_BASE64] = "base64", [ST_GZIP] = "gzip", [ST_JSON] = "json", [ST_URL] = "url" };
	const char *e = wrapped ? "json-string" : "";
	int i;

	for (i = 0; i < st->n; i++)
		e = ar_printf("%s%s%s", e, *e ? "+" : "", names[st->s[i].kind]);
	return *e ? e : "plain";
}

/* ---- the record being built ---- */
struct label {
	const char *ptr, *secret;
	int type;
	enum pos pos;
	struct steps st;
};
struct mark {
	const char *ptr, *kind;
	int neutral;
};
static struct label labels[256];
static struct mark marks[1024];
static int nlabels, nmarks, pos_override = -1;

void
label(const char *ptr, const struct secret *s, enum pos p, struct steps st)
{
	struct label *l;

	if (nlabels == (int)NELEM(labels))
		die("too many labels in one record");
	l = &labels[nlabels++];
	l->ptr = ptr;
	l->secret = s->value;
	l->type = s->type;
	l->pos = pos_override >= 0 ? (enum pos)pos_override : p;
	l->st = st;
}

static void
mark(const char *ptr, const char *kind, int neutral)
{
	if (nmarks == (int)NELEM(marks))
		die("too many marks in one record");
	marks[nmarks].ptr = ptr;
	marks[nmarks].kind = kind;
	marks[nmarks].neutral = neutral;
	nmarks++;
}

void
mark_negative(const char *ptr, const char *kind)
{
	mark(ptr, kind, 0);
}

void
mark_neutral(const char *ptr, const char *why)
{
	mark(ptr, why, 1);
}

void
mark_companion(const char *ptr, const struct kv *kv)
{
	if (kv->role == R_NEUTRAL)
		mark_neutral(ptr, "companion of a secret");
	else if (kv->role == R_NEGATIVE)
		mark_negative(ptr, kv->neg);
}

/* ---- statistics ---- */
#define MAXKINDS 64
struct counter {
	const char *name[MAXKINDS];
	long n[MAXKINDS];
	int k;
};
static struct counter by_type, by_pos, by_enc, by_neg;
static long n_labels, n_neg, n_neutral, n_records, n_k8s, n_ct, n_wrapped;

static void
count(struct counter *c, const char *name)
{
	int i;

	for (i = 0; i < c->k; i++)
		if (strcmp(c->name[i], name) == 0) {
			c->n[i]++;
			return;
		}
	if (c->k == MAXKINDS)
		die("too many kinds");
	c->name[c->k] = xstrdup(name);
	c->n[c->k++] = 1;
}

static void
counter_free(struct counter *c)
{
	int i;

	for (i = 0; i < c->k; i++)
		free((void *)(uintptr_t)c->name[i]);
}

static void
print_counter(FILE *f, const char *title, struct counter *c)
{
	int i, j;

	/* sorted by name, for stable output */
	for (i = 1; i < c->k; i++)
		for (j = i; j > 0 && strcmp(c->name[j - 1], c->name[j]) > 0; j--) {
			const char *t = c->name[j];
			long n = c->n[j];
			c->name[j] = c->name[j - 1];
			c->n[j] = c->n[j - 1];
			c->name[j - 1] = t;
			c->n[j - 1] = n;
		}
	fprintf(f, "%s:\n", title);
	for (i = 0; i < c->k; i++)
		fprintf(f, "  %-28s %6ld\n", c->name[i], c->n[i]);
}

/* ---- event ids must be unique ---- */
static char **ids;
static size_t ids_cap, ids_n;

static uint64_t
hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static void
id_add(const char *id)
{
	size_t i;

	if (ids_n * 2 >= ids_cap) {
		char **old = ids;
		size_t oc = ids_cap;
		ids_cap = ids_cap ? ids_cap * 2 : 1 << 14;
		ids = calloc(ids_cap, sizeof(*ids));
		if (ids == NULL)
			die("out of memory");
		ids_n = 0;
		for (i = 0; i < oc; i++)
			if (old[i]) {
				size_t k = hash(old[i]) & (ids_cap - 1);
				while (ids[k])
					k = (k + 1) & (ids_cap - 1);
				ids[k] = old[i];
				ids_n++;
			}
		free(old);
	}
	for (i = hash(id) & (ids_cap - 1); ids[i]; i = (i + 1) & (ids_cap - 1))
		if (strcmp(ids[i], id) == 0)
			die("event id %s used twice", id);
	ids[i] = xstrdup(id);
	ids_n++;
}

/* ---- output ---- */
static const char *dir;
static FILE *f_labels, *f_neg, *f_neutral;
static FILE *f_raw, *f_firehose;
static gzFile f_export;
static int64_t ct_window = -1;
static char **ct_batch;
static size_t ct_batch_n;
static json_t *lookup;

static char *
path(const char *fmt, ...)
{
	static char buf[4096];
	va_list ap;
	int n = snprintf(buf, sizeof(buf), "%s/", dir);

	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	va_end(ap);
	return buf;
}

static void
mkdirs(const char *p)
{
	char *s = xstrdup(p), *c;

	for (c = s + 1; *c; c++) {
		if (*c != '/')
			continue;
		*c = '\0';
		if (mkdir(s, 0777) != 0 && errno != EEXIST)
			die("cannot create %s: %s", s, strerror(errno));
		*c = '/';
	}
	free(s);
}

static FILE *
create(const char *p)
{
	FILE *f;

	mkdirs(p);
	if ((f = fopen(p, "wb")) == NULL)
		die("cannot write %s: %s", p, strerror(errno));
	return f;
}

static void
put(FILE *f, const void *p, size_t n)
{
	if (fwrite(p, 1, n, f) != n)
		die("write error: %s", strerror(errno));
}

/* gzip members one after the other, as Firehose and CloudWatch write them */
static void
put_gz(FILE *f, const char *text)
{
	size_t n;
	unsigned char *z = gz(text, strlen(text), &n);

	put(f, z, n);
}

static void
ct_flush(void)
{
	size_t i, total = 12;
	char *doc, *o;
	FILE *f;
	const char *name;

	if (ct_batch_n == 0)
		return;
	for (i = 0; i < ct_batch_n; i++)
		total += strlen(ct_batch[i]) + 1;
	o = doc = xmalloc(total + 4);
	o += sprintf(o, "{\"Records\":[");
	for (i = 0; i < ct_batch_n; i++) {
		o += sprintf(o, "%s%s", i ? "," : "", ct_batch[i]);
		free(ct_batch[i]);
	}
	strcpy(o, "]}");
	{
		int64_t t = ct_window * 300000000LL + 300000000LL;
		const char *st = stamp_s(t);
		name = path("input/cloudtrail/AWSLogs/" ACCT "/CloudTrail/" REGION "/%.4s/%.2s/%.2s/" ACCT "_CloudTrail_" REGION
			"_%.4s%.2s%.2sT%.2s%.2sZ_%s.json.gz", st, st + 5, st + 8, st, st + 5, st + 8, st + 11, st + 14,
			rstr(16, A_ALNUM));
	}
	f = create(name);
	put_gz(f, doc);
	if (fclose(f) != 0)
		die("write error on %s", name);
	free(doc);
	ct_batch_n = 0;
}

enum sink { SK_RAW, SK_EXPORT, SK_FIREHOSE, SK_S3, SK_LOOKUP };

static void
end_record(json_t *rec, int k8s, enum sink sink)
{
	const char *text = k8s ? go_dumps(rec) : aws_dumps(rec);
	const char *id = json_string_value(json_object_get(rec, k8s ? "auditID" : "eventID"));
	int wrapped = sink == SK_FIREHOSE || sink == SK_LOOKUP, i, k;
	char why[256];

	if (id == NULL)
		die("a record without an event id");
	id_add(id);
	for (i = 0; i < nlabels; i++) {
		struct label *l = &labels[i];
		if (verify_label(text, l->ptr, l->secret, &l->st, why, sizeof(why)) != 0)
			die("internal error: label %s %s %s (%s) in %s: %s", id, l->ptr, types[l->type].id, pos_names[l->pos],
				text, why);
		for (k = 0; k < i; k++)
			if (labels[k].type == l->type && strcmp(labels[k].ptr, l->ptr) == 0)
				die("internal error: two %s at %s in %s", types[l->type].id, l->ptr, id);
		fprintf(f_labels, "%s\t%s\t%s\t%s\t%s\n", id, l->ptr, types[l->type].id, pos_names[l->pos],
			encoding(&l->st, wrapped));
		count(&by_type, types[l->type].id);
		count(&by_pos, pos_names[l->pos]);
		count(&by_enc, encoding(&l->st, wrapped));
		n_labels++;
	}
	for (i = 0; i < nmarks; i++) {
		fprintf(marks[i].neutral ? f_neutral : f_neg, "%s\t%s\t%s\n", id, marks[i].ptr, marks[i].kind);
		if (marks[i].neutral)
			n_neutral++;
		else {
			count(&by_neg, marks[i].kind);
			n_neg++;
		}
	}
	switch (sink) {
	case SK_RAW:
		put(f_raw, text, strlen(text));
		put(f_raw, "\n", 1);
		break;
	case SK_EXPORT: {
		/* the CloudWatch ingestion time, a little after the event */
		const char *t = stamp_us(now_us + 200000 + rnd(800000));
		if (gzprintf(f_export, "%.23sZ ", t) <= 0 || gzwrite(f_export, text, (unsigned)strlen(text)) <= 0 ||
		    gzputc(f_export, '\n') < 0)
			die("write error on the CloudWatch export");
		break;
	}
	case SK_FIREHOSE: {
		json_t *env = json_pack("{s:s,s:s,s:s,s:s,s:[s],s:[{s:s,s:I,s:s}]}", "messageType", "DATA_MESSAGE",
			"owner", ACCT, "logGroup", "/aws/eks/" CLUSTER "/cluster", "logStream",
			"kube-apiserver-audit-9b1e40f5c2d8a7e6f3b2c1d0e9f8a7b6", "subscriptionFilters", "eks-audit-to-s3",
			"logEvents", "id", ar_printf("3%s", rstr(55, A_DIGITS)), "timestamp",
			(json_int_t)(epoch_s(now_us) * 1000 + (now_us / 1000) % 1000), "message", text);
		put_gz(f_firehose, aws_dumps(env));
		json_decref(env);
		break;
	}
	case SK_S3: {
		int64_t w = now_us / 300000000LL;
		if (w != ct_window || ct_batch_n == 100)
			ct_flush();
		ct_window = w;
		ct_batch = xrealloc(ct_batch, (ct_batch_n + 1) * sizeof(*ct_batch));
		ct_batch[ct_batch_n++] = xstrdup(text);
		break;
	}
	case SK_LOOKUP:
		json_array_append_new(lookup, ct_lookup_entry(rec));
		break;
	}
	n_records++;
	if (k8s)
		n_k8s++;
	else
		n_ct++;
	if (wrapped)
		n_wrapped++;
	json_decref(rec);
	nlabels = nmarks = 0;
	pos_override = -1;
	ar_reset();
}

/* ---- the schedule ---- */
struct plan {
	enum pos pos, inner;
	int n, type[4];
};

static int
groupable(enum pos p)
{
	return p == P_POD_ENV || p == P_WORKLOAD_ENV || p == P_SECRET_DATA || p == P_SECRET_STRINGDATA ||
	       p == P_CONFIGMAP || p == P_HELM_RELEASE || p == P_ECS_ENV || p == P_CODEBUILD_ENV || p == P_CFN ||
	       p == P_CHANGE_CAUSE || p == P_CRD;
}

/* types with a Secret type of their own (tls, ssh-auth, bootstrap...) stay alone */
static int
alone(int type)
{
	const char *id = types[type].id;

	return strcmp(id, "private-key") == 0 || strcmp(id, "jwt") == 0 || strcmp(id, "k8s-bootstrap-token") == 0 ||
	       strcmp(id, "registry-credential") == 0;
}

static enum pos
pick_inner(int type, int wrapper)
{
	static const enum pos k8s[] = { P_POD_ENV, P_WORKLOAD_ENV, P_ARGS, P_EXEC_POST, P_EXEC_WS, P_SECRET_DATA,
					P_SECRET_STRINGDATA, P_CONFIGMAP, P_TOKEN_REQUEST, P_TOKEN_REVIEW,
					P_DOCKERCONFIG, P_HELM_RELEASE };
	static const enum pos ct[] = { P_STS, P_ECS_ENV, P_CODEBUILD_ENV, P_CFN, P_GLUE };
	enum pos cand[16];
	int n = 0;
	size_t i;

	if (wrapper == P_CLOUDWATCH) {
		for (i = 0; i < NELEM(k8s); i++)
			if (types[type].positions & PB(k8s[i]))
				cand[n++] = k8s[i];
	} else
		for (i = 0; i < NELEM(ct); i++)
			if (types[type].positions & PB(ct[i]))
				cand[n++] = ct[i];
	if (n == 0)
		die("%s: nothing to put inside %s", types[type].id, pos_names[wrapper]);
	return cand[rnd((unsigned)n)];
}

static struct plan *
schedule(int per, size_t *np)
{
	struct plan *v = NULL;
	size_t n = 0, cap = 0, i;
	int t, p, k;

	for (t = 0; t < ntypes; t++)
		for (p = 0; p < NPOS; p++) {
			if (!(types[t].positions & PB(p)) || (DERIVED_POSITIONS & PB(p)))
				continue;
			for (k = 0; k < per; k++) {
				if (n == cap)
					v = xrealloc(v, (cap = cap ? cap * 2 : 1024) * sizeof(*v));
				memset(&v[n], 0, sizeof(v[n]));
				v[n].pos = (enum pos)p;
				v[n].n = 1;
				v[n].type[0] = t;
				if (p == P_CLOUDWATCH || p == P_LOOKUP)
					v[n].inner = pick_inner(t, p);
				n++;
			}
		}
	/* shuffle, then fold plans of one position into groups of distinct types */
	for (i = n; i > 1; i--) {
		size_t j = rnd((unsigned)i);
		struct plan tmp = v[i - 1];
		v[i - 1] = v[j];
		v[j] = tmp;
	}
	for (i = 0; i < n; i++) {
		size_t j;
		int want = 1 + (int)rnd(3);
		if (v[i].n == 0 || !groupable(v[i].pos) || alone(v[i].type[0]))
			continue;
		for (j = i + 1; j < n && v[i].n < want && j < i + 200; j++) {
			int dup = 0, q;
			if (v[j].n != 1 || v[j].pos != v[i].pos || alone(v[j].type[0]))
				continue;
			for (q = 0; q < v[i].n; q++)
				dup |= v[i].type[q] == v[j].type[0];
			if (dup)
				continue;
			v[i].type[v[i].n++] = v[j].type[0];
			v[j].n = 0;
		}
	}
	for (i = k = 0; i < n; i++)
		if (v[i].n)
			v[k++] = v[i];
	*np = (size_t)k;
	return v;
}

static void
build_plan(const struct plan *pl)
{
	struct job j;
	int i, k8s;
	enum sink sink;
	enum pos where = pl->pos == P_CLOUDWATCH || pl->pos == P_LOOKUP ? pl->inner : pl->pos;
	json_t *rec;

	memset(&j, 0, sizeof(j));
	j.pos = pl->pos;
	j.inner = pl->inner;
	j.n = pl->n;
	for (i = 0; i < pl->n; i++)
		make_secret(&j.s[i], pl->type[i]);
	k8s = !(where == P_STS || where == P_ECS_ENV || where == P_CODEBUILD_ENV || where == P_GLUE || where == P_CFN);
	if (pl->pos == P_CLOUDWATCH || pl->pos == P_LOOKUP)
		pos_override = pl->pos;
	sink = pl->pos == P_CLOUDWATCH ? SK_FIREHOSE : pl->pos == P_LOOKUP ? SK_LOOKUP : k8s ? (rnd(2) ? SK_RAW : SK_EXPORT) : SK_S3;
	rec = k8s ? k8s_plant(&j) : ct_plant(&j);
	end_record(rec, k8s, sink);
}

static void
build_noise(void)
{
	if (rnd(5) < 3) {
		unsigned r = rnd(20);
		enum sink sink = r == 0 ? SK_FIREHOSE : r < 11 ? SK_RAW : SK_EXPORT;
		json_t *rec;
		if (sink == SK_FIREHOSE)
			pos_override = P_CLOUDWATCH;
		rec = k8s_noise();
		end_record(rec, 1, sink);
	} else {
		enum sink sink = rnd(40) == 0 ? SK_LOOKUP : SK_S3;
		json_t *rec;
		if (sink == SK_LOOKUP)
			pos_override = P_LOOKUP;
		rec = ct_noise();
		end_record(rec, 0, sink);
	}
}

static void
usage(void)
{
	fprintf(stderr, "usage: gen [-s SEED] [-p PLANTS] [-n ROUTINE] [-t START] [-i MS] [-v] DIR\n       gen -l\n");
	exit(2);
}

int
main(int argc, char **argv)
{
	uint64_t seed = 1;
	long per = 5, routine = 6000, interval_ms = 350, i;
	int c, verbose = 0;
	int64_t start = 0;
	struct plan *plans;
	size_t nplans, done = 0;
	FILE *sum;
	char *end;

	while ((c = getopt(argc, argv, "s:p:n:t:i:vl")) != -1) {
		switch (c) {
		case 't': {
			struct tm tm;
			memset(&tm, 0, sizeof(tm));
			if (sscanf(optarg, "%4d-%2d-%2dT%2d:%2d:%2dZ", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
				&tm.tm_min, &tm.tm_sec) != 6)
				usage();
			tm.tm_year -= 1900;
			tm.tm_mon--;
			start = (int64_t)timegm(&tm);
			break;
		}
		case 'l':
			for (c = 0; c < ntypes; c++) {
				int p;
				for (p = 0; p < NPOS; p++)
					if ((types[c].positions & PB(p)) && !(DERIVED_POSITIONS & PB(p)))
						printf("%s\t%s\n", types[c].id, pos_names[p]);
			}
			return fflush(stdout) == 0 ? 0 : 2;
		case 's':
			seed = strtoull(optarg, &end, 10);
			if (*end)
				usage();
			break;
		case 'p':
			per = strtol(optarg, &end, 10);
			if (*end || per < 0 || per > 1000)
				usage();
			break;
		case 'n':
			routine = strtol(optarg, &end, 10);
			if (*end || routine < 0)
				usage();
			break;
		case 'i':
			interval_ms = strtol(optarg, &end, 10);
			if (*end || interval_ms < 1 || interval_ms > 3600000)
				usage();
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1)
		usage();
	dir = argv[optind];
	if (start)
		set_epoch(start);
	rng_seed(seed);
	json_object_seed(1);
	k8s_init();
	f_labels = create(path("labels.tsv"));
	f_neg = create(path("negatives.tsv"));
	f_neutral = create(path("neutral.tsv"));
	f_raw = create(path("input/eks/kube-apiserver-audit.log"));
	{
		const char *p = path("input/eks/exportedlogs/%s/kube-apiserver-audit-%s/000000.gz", uuid(), rstr(32, A_HEX));
		mkdirs(p);
		if ((f_export = gzopen(p, "wb6")) == NULL)
			die("cannot write %s", p);
	}
	f_firehose = create(path("input/eks/firehose/2026/11/01/00/" CLUSTER "-audit-1-2026-11-01-00-00-00-%s.gz", uuid()));
	lookup = json_array();
	ar_reset();

	plans = schedule((int)per, &nplans);
	for (i = 0; done < nplans || i < routine;) {
		/* uniform around the mean, never twice the same microsecond */
		now_us += 1 + (int64_t)(rnd64() % (uint64_t)(interval_ms * 2000));
		if (rnd((unsigned)(nplans - done + (size_t)(routine - i))) < nplans - done)
			build_plan(&plans[done++]);
		else {
			build_noise();
			i++;
		}
	}
	free(plans);

	ct_flush();
	{
		json_t *doc = json_pack("{s:o}", "Events", lookup);
		char *t = json_dumps(doc, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
		FILE *f = create(path("input/cloudtrail/lookup-events.json"));
		put(f, t, strlen(t));
		put(f, "\n", 1);
		free(t);
		json_decref(doc);
		if (fclose(f) != 0)
			die("write error");
	}
	if (fclose(f_labels) || fclose(f_neg) || fclose(f_neutral) || fclose(f_raw) || fclose(f_firehose))
		die("write error: %s", strerror(errno));
	if (gzclose(f_export) != Z_OK)
		die("write error on the CloudWatch export");

	sum = create(path("summary.txt"));
	fprintf(sum, "seed %llu, %ld plants per (type, position), %ld routine records\n", (unsigned long long)seed, per, routine);
	fprintf(sum, "records %ld (EKS audit %ld, CloudTrail %ld; %ld inside wrappers)\n", n_records, n_k8s, n_ct, n_wrapped);
	fprintf(sum, "planted secrets %ld, hard negatives %ld, neutral places %ld\n", n_labels, n_neg, n_neutral);
	print_counter(sum, "plants by type", &by_type);
	print_counter(sum, "plants by position", &by_pos);
	print_counter(sum, "plants by encoding", &by_enc);
	print_counter(sum, "hard negatives by kind", &by_neg);
	if (fclose(sum))
		die("write error");
	if (verbose) {
		fprintf(stderr, "gen: %ld records, %ld planted secrets, %ld hard negatives, %ld neutral places in %s\n",
			n_records, n_labels, n_neg, n_neutral, dir);
	}
	counter_free(&by_type);
	counter_free(&by_pos);
	counter_free(&by_enc);
	counter_free(&by_neg);
	for (i = 0; i < (long)ids_cap; i++)
		free(ids[i]);
	free(ids);
	free(ct_batch);
	ar_reset();
	return 0;
}
