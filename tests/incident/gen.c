/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * gen: a deterministic generator of a realistic, labelled incident: every
 * seed scenario of the findings catalog (tests/incident/README) planted
 * at realistic times among routine EKS and CloudTrail traffic, including
 * the everyday patterns that a catalog tuned for recall over-grades.
 *
 *   gen [-s SEED] [-n K8S] [-c CT] [-t START] [-d HOURS] DIR
 *
 * K8S (default 20000) routine audit events and CT (default 6000) routine
 * CloudTrail records, plus the rare routine events every corpus holds
 * whatever its size, spread over HOURS (default 6) from START (default
 * 2026-11-20T04:00:00Z); the attack starts 62% into the window, so rules
 * that learn what is usual have hours of history.  The same seed gives
 * the same bytes.
 *
 * DIR/input/ is what k8saudit-findings reads:
 *   eks/kube-apiserver-audit-<id>.jsonl.gz    two API server streams,
 *                                             JSON lines, gzip
 *   cloudtrail/AWSLogs/<acct>/CloudTrail/<region>/YYYY/MM/DD/<acct>_CloudTrail_<region>_<YYYYMMDDTHHMMZ>_<id>.json.gz
 *                                             five-minute S3 deliveries
 * and beside it:
 *   labels.tsv    one attack event a line: event_id TAB scenario TAB what
 *   context.tsv   the attacker's supporting steps (discovery, sign-in),
 *                 same columns: neither attack nor routine when scoring
 *   summary.txt   records by source, routine specials, attacks by scenario
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

#include "incident.h"

static const char *dir;
static gzFile eks[2];
static FILE *labels_f, *context_f;

/* the CloudTrail delivery being filled: one file per five minutes */
static json_t *ct_batch;
static int64_t ct_bucket = -1;

static long n_k8s, n_ct, n_attack, n_context;

#define MAXSCEN 16
static struct {
	const char *name;
	long n;
} scen[MAXSCEN];
static int nscen;

static char *
path(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *
path(const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(buf))
		die("path too long");
	return ar_strdup(buf);
}

static void
mkdirs(const char *p)
{
	char *s = xstrdup(p), *q;

	for (q = s + 1; *q; q++)
		if (*q == '/') {
			*q = '\0';
			if (mkdir(s, 0777) != 0 && errno != EEXIST)
				die("%s: %s", s, strerror(errno));
			*q = '/';
		}
	if (mkdir(s, 0777) != 0 && errno != EEXIST)
		die("%s: %s", s, strerror(errno));
	free(s);
}

static FILE *
create(const char *p)
{
	FILE *f = fopen(p, "w");

	if (f == NULL)
		die("%s: %s", p, strerror(errno));
	return f;
}

static void
gzput(gzFile g, const char *s)
{
	size_t n = strlen(s);

	if (gzwrite(g, s, (unsigned)n) != (int)n)
		die("gzip write failed");
}

/* ---- CloudTrail deliveries ---- */
static void
ct_flush(void)
{
	time_t t;
	struct tm tm;
	char *d, *p, *text;
	gzFile g;
	json_t *doc;

	if (ct_batch == NULL)
		return;
	t = (time_t)epoch_s(ct_bucket * 300000000LL);
	gmtime_r(&t, &tm);
	d = path("%s/input/cloudtrail/AWSLogs/" ACCT "/CloudTrail/" REGION "/%04d/%02d/%02d", dir, tm.tm_year + 1900,
		tm.tm_mon + 1, tm.tm_mday);
	mkdirs(d);
	/* CloudTrail names a delivery after the end of its period */
	t += 300;
	gmtime_r(&t, &tm);
	p = path("%s/" ACCT "_CloudTrail_" REGION "_%04d%02d%02dT%02d%02dZ_%s.json.gz", d, tm.tm_year + 1900,
		tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, rstr(16, A_ALNUM));
	if ((g = gzopen(p, "wb")) == NULL)
		die("%s: cannot open", p);
	doc = json_pack("{s:o}", "Records", ct_batch);
	text = aws_dumps(doc);
	gzput(g, text);
	if (gzclose(g) != Z_OK)
		die("%s: write failed", p);
	json_decref(doc);
	ct_batch = NULL;
}

static const char *
put_ct(json_t *rec)
{
	int64_t b = now_us / 300000000LL;
	const char *id = json_string_value(json_object_get(rec, "eventID"));

	if (b > ct_bucket) {
		ct_flush();
		ct_bucket = b;
	}
	if (ct_batch == NULL)
		ct_batch = json_array();
	json_array_append_new(ct_batch, rec);
	if (id == NULL)
		die("a CloudTrail record without eventID");
	return id;
}

static const char *
put_k8s(json_t *ev)
{
	const char *id = ar_strdup(json_string_value(json_object_get(ev, "auditID")));
	gzFile g = eks[rnd(2)]; /* two API servers, each with its own log stream */

	gzput(g, go_dumps(ev));
	gzput(g, "\n");
	json_decref(ev);
	return id;
}

/* ---- labels ---- */
static void
count_scenario(const char *s)
{
	int i;

	for (i = 0; i < nscen; i++)
		if (strcmp(scen[i].name, s) == 0)
			break;
	if (i == nscen) {
		if (nscen == MAXSCEN)
			die("too many scenarios");
		scen[nscen++].name = xstrdup(s);
	}
	scen[i].n++;
}

static void
tsv(FILE *f, const char *id, const char *scenario, const char *what)
{
	if (strpbrk(what, "\t\n") || strpbrk(scenario, "\t\n"))
		die("a tab or newline in a label");
	fprintf(f, "%s\t%s\t%s\n", id, scenario, what);
}

void
out_k8s(json_t *ev)
{
	n_k8s++;
	put_k8s(ev);
}

void
out_ct(json_t *rec)
{
	n_ct++;
	put_ct(rec);
}

void
attack_k8s(json_t *ev, const char *scenario, const char *what)
{
	n_k8s++;
	n_attack++;
	count_scenario(scenario);
	tsv(labels_f, put_k8s(ev), scenario, what);
}

void
attack_ct(json_t *rec, const char *scenario, const char *what)
{
	n_ct++;
	n_attack++;
	count_scenario(scenario);
	tsv(labels_f, put_ct(rec), scenario, what);
}

void
context_k8s(json_t *ev, const char *scenario, const char *what)
{
	n_k8s++;
	n_context++;
	tsv(context_f, put_k8s(ev), scenario, what);
}

void
context_ct(json_t *rec, const char *scenario, const char *what)
{
	n_ct++;
	n_context++;
	tsv(context_f, put_ct(rec), scenario, what);
}

/* ---- the timeline ---- */
struct item {
	int64_t at;
	int special;   /* routine special kind, or -1 */
	int step;      /* attack step, or -1 */
};

static int
item_cmp(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	if (x->at != y->at)
		return x->at < y->at ? -1 : 1;
	/* attack steps keep their order; specials after them */
	if (x->step != y->step)
		return x->step < y->step ? -1 : 1;
	return x->special - y->special;
}

static long special_count[64];

static void
run_item(const struct item *it)
{
	if (it->at > now_us)
		now_us = it->at;
	if (it->step >= 0)
		attack_steps[it->step].fn();
	else {
		special_count[it->special]++;
		routine_special(it->special);
	}
	ar_reset();
}

static int64_t
parse_time(const char *s)
{
	struct tm tm;
	char *end;

	memset(&tm, 0, sizeof(tm));
	end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (end == NULL || *end)
		die("-t wants YYYY-MM-DDTHH:MM:SSZ, not %s", s);
	return (int64_t)timegm(&tm);
}

static void
usage(void)
{
	fputs("usage: gen [-s SEED] [-n K8S] [-c CT] [-t START] [-d HOURS] DIR\n", stderr);
	exit(2);
}

static long
number(const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi)
		die("%s: want a number from %ld to %ld", s, lo, hi);
	return v;
}

int
main(int argc, char **argv)
{
	uint64_t seed = 1;
	long nk = 20000, nc = 6000, hours = 6, left_k, left_c, i;
	int64_t start = parse_time("2026-11-20T04:00:00Z"), span, attack_at, t;
	struct item *items;
	int nitems = 0, next = 0, k, c, nspecial;
	char *p;
	FILE *f;

	while ((c = getopt(argc, argv, "s:n:c:t:d:")) != -1)
		switch (c) {
		case 's':
			seed = (uint64_t)number(optarg, 0, 1L << 40);
			break;
		case 'n':
			nk = number(optarg, 0, 10000000);
			break;
		case 'c':
			nc = number(optarg, 0, 10000000);
			break;
		case 't':
			start = parse_time(optarg);
			break;
		case 'd':
			hours = number(optarg, 1, 24 * 30);
			break;
		default:
			usage();
		}
	if (optind != argc - 1)
		usage();
	dir = argv[optind];

	rng_seed(seed);
	set_epoch(start);
	span = (int64_t)hours * 3600 * 1000000;
	attack_at = span * 62 / 100;
	k8s_init();
	routine_init();

	mkdirs(path("%s/input/eks", dir));
	for (k = 0; k < 2; k++) {
		p = path("%s/input/eks/kube-apiserver-audit-%s.jsonl.gz", dir, rstr(32, A_HEX));
		if ((eks[k] = gzopen(p, "wb")) == NULL)
			die("%s: cannot open", p);
	}
	labels_f = create(path("%s/labels.tsv", dir));
	context_f = create(path("%s/context.tsv", dir));
	ar_reset();

	/* the scheduled items: attack steps and rare routine events */
	nspecial = routine_nspecials();
	items = xmalloc(sizeof(*items) * (size_t)(nattack_steps + nspecial * 64));
	for (k = 0; k < nattack_steps; k++)
		items[nitems++] = (struct item){ attack_at + attack_steps[k].at, -1, k };
	for (k = 0; k < nspecial; k++) {
		/* one per 20,000 routine records, at least one */
		long m = 1 + (nk + nc) / 20000, j;
		if (m > 64)
			m = 64;
		for (j = 0; j < m; j++)
			items[nitems++] = (struct item){
				span * (int64_t)(2 * j + 1) / (2 * m) + (int64_t)rnd(600) * 1000000 - 300 * 1000000LL
					+ (int64_t)k * 7000000, k, -1 };
	}
	qsort(items, (size_t)nitems, sizeof(*items), item_cmp);

	/* routine traffic, K8S and CT records in proportion, evenly spread */
	left_k = nk;
	left_c = nc;
	for (i = 0, t = 0; i < nk + nc; i++) {
		t += (int64_t)(span / (nk + nc + 1)) * (int64_t)(20 + rnd(161)) / 100;
		while (next < nitems && items[next].at <= t)
			run_item(&items[next++]);
		if (t > now_us)
			now_us = t;
		if (rnd((unsigned)(left_k + left_c)) < (unsigned)left_k) {
			left_k--;
			out_k8s(routine_k8s());
		} else {
			left_c--;
			out_ct(routine_ct());
		}
		ar_reset();
	}
	while (next < nitems)
		run_item(&items[next++]);
	ct_flush();
	for (k = 0; k < 2; k++)
		if (gzclose(eks[k]) != Z_OK)
			die("eks stream: write failed");
	if (fclose(labels_f) != 0 || fclose(context_f) != 0)
		die("labels: write failed");

	f = create(path("%s/summary.txt", dir));
	fprintf(f, "seed %llu, window %s .. %s, attack from %s\n", (unsigned long long)seed, stamp_s(0), stamp_s(span),
		stamp_s(attack_at));
	fprintf(f, "records %ld: EKS audit %ld, CloudTrail %ld\n", n_k8s + n_ct, n_k8s, n_ct);
	fprintf(f, "attack events %ld, context %ld, routine %ld\n", n_attack, n_context,
		n_k8s + n_ct - n_attack - n_context);
	fprintf(f, "attack events by scenario:\n");
	for (k = 0; k < nscen; k++)
		fprintf(f, "  %-14s %ld\n", scen[k].name, scen[k].n);
	fprintf(f, "routine specials (scheduled rare events):\n");
	for (k = 0; k < nspecial; k++)
		fprintf(f, "  %-34s %ld\n", routine_special_name(k), special_count[k]);
	if (fclose(f) != 0)
		die("summary: write failed");
	free(items);
	ar_reset();
	return 0;
}
