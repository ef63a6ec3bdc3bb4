/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Randomness (splitmix64: the same seed gives the same corpus on every
 * machine), an arena for the strings of the record being built (freed
 * all at once when the record is written), and small string helpers.
 */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gen.h"

/* ---- randomness ---- */
static uint64_t rs;

void
rng_seed(uint64_t seed)
{
	rs = seed * 0x9e3779b97f4a7c15ULL + 0x5ec7e75;
}

uint64_t
rnd64(void)
{
	uint64_t z = (rs += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

unsigned
rnd(unsigned n)
{
	return n ? (unsigned)(rnd64() % n) : 0;
}

unsigned
rnd_between(unsigned lo, unsigned hi)
{
	return lo + rnd(hi - lo + 1);
}

void
rnd_bytes(unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)rnd64();
}

const char A_ALNUM[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const char A_UPPER_ALNUM[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const char A_LOWER_ALNUM[] = "abcdefghijklmnopqrstuvwxyz0123456789";
const char A_UPPER[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
const char A_LOWER[] = "abcdefghijklmnopqrstuvwxyz";
const char A_DIGITS[] = "0123456789";
const char A_HEX[] = "0123456789abcdef";
const char A_HEXU[] = "0123456789ABCDEF";
const char A_B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const char A_B64URL[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const char A_B32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const char A_BECH32[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
const char A_WORD[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
/* what people put in passwords: letters and digits, a few punctuation marks */
const char A_PASS[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
		      "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!#%*-_.=^";

char *
rstr(size_t n, const char *alphabet)
{
	char *s = ar_alloc(n + 1);
	size_t k = strlen(alphabet), i;

	for (i = 0; i < n; i++)
		s[i] = alphabet[rnd64() % k];
	s[n] = '\0';
	return s;
}

double
entropy(const char *s)
{
	size_t count[256] = { 0 }, n = strlen(s), i;
	double h = 0;

	for (i = 0; i < n; i++)
		count[(unsigned char)s[i]]++;
	for (i = 0; i < 256; i++)
		if (count[i]) {
			double p = (double)count[i] / (double)n;
			h -= p * log2(p);
		}
	return h;
}

/* Random strings of a few characters can repeat themselves by chance;
 * real keys are drawn again rather than kept when they look that way. */
char *
rstr_min_entropy(size_t n, const char *alphabet, double min)
{
	char *s;

	do
		s = rstr(n, alphabet);
	while (entropy(s) < min);
	return s;
}

/* ---- memory ---- */
void
die(const char *fmt, ...)
{
	va_list ap;

	fputs("gen: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

void *
xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		die("out of memory");
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	if ((p = realloc(p, n ? n : 1)) == NULL)
		die("out of memory");
	return p;
}

char *
xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(xmalloc(n), s, n);
}

struct block {
	struct block *next;
	size_t used, cap;
	char data[];
};
static struct block *arena;

void *
ar_alloc(size_t n)
{
	struct block *b = arena;

	n = (n + 15) & ~(size_t)15;
	if (b == NULL || b->cap - b->used < n) {
		size_t cap = n > 65536 ? n : 65536;
		b = xmalloc(sizeof(*b) + cap);
		b->used = 0;
		b->cap = cap;
		b->next = arena;
		arena = b;
	}
	b->used += n;
	return b->data + b->used - n;
}

char *
ar_strndup(const char *s, size_t n)
{
	char *p = ar_alloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *
ar_strdup(const char *s)
{
	return ar_strndup(s, strlen(s));
}

char *
ar_printf(const char *fmt, ...)
{
	char small[256], *p;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0)
		die("bad format %s", fmt);
	p = ar_alloc((size_t)n + 1);
	if ((size_t)n < sizeof(small))
		memcpy(p, small, (size_t)n + 1);
	else {
		va_start(ap, fmt);
		vsnprintf(p, (size_t)n + 1, fmt, ap);
		va_end(ap);
	}
	return p;
}

void
ar_reset(void)
{
	while (arena) {
		struct block *b = arena;
		arena = b->next;
		free(b);
	}
}

/* ---- strings ---- */
char *
uuid(void)
{
	uint64_t a = rnd64(), b = rnd64();

	return ar_printf("%08x-%04x-4%03x-%04x-%012llx", (unsigned)(a >> 32), (unsigned)(a >> 16) & 0xffff,
		(unsigned)a & 0xfff, (unsigned)(0x8000 | (b >> 48 & 0x3fff)),
		(unsigned long long)(b & 0xffffffffffffULL));
}

char *
ptr_key(const char *key)
{
	char *out = ar_alloc(strlen(key) * 2 + 1), *o = out;

	for (; *key; key++) {
		if (*key == '~') {
			*o++ = '~';
			*o++ = '0';
		} else if (*key == '/') {
			*o++ = '~';
			*o++ = '1';
		} else
			*o++ = *key;
	}
	*o = '\0';
	return out;
}

char *
lower_dash(const char *name)
{
	char *s = ar_strdup(name), *p;

	for (p = s; *p; p++)
		*p = *p == '_' ? '-' : (char)tolower((unsigned char)*p);
	return s;
}

char *
camel(const char *name)
{
	char *s = ar_alloc(strlen(name) + 1), *o = s;
	int up = 1;

	for (; *name; name++) {
		if (*name == '_' || *name == '-' || *name == '.') {
			up = 1;
			continue;
		}
		*o++ = up ? (char)toupper((unsigned char)*name) : (char)tolower((unsigned char)*name);
		up = 0;
	}
	*o = '\0';
	return s;
}

/* ---- time ---- */
int64_t now_us;
static int64_t epoch = 1793491200; /* 2026-11-01T00:00:00Z */

void
set_epoch(int64_t unix_seconds)
{
	epoch = unix_seconds;
}

int64_t
epoch_s(int64_t us)
{
	return epoch + us / 1000000;
}

static char *
stamp(int64_t us, int frac)
{
	time_t t = (time_t)epoch_s(us);
	struct tm tm;

	gmtime_r(&t, &tm);
	if (frac)
		return ar_printf("%04d-%02d-%02dT%02d:%02d:%02d.%06dZ", tm.tm_year + 1900, tm.tm_mon + 1,
			tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(us % 1000000));
	return ar_printf("%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		tm.tm_hour, tm.tm_min, tm.tm_sec);
}

char *
stamp_us(int64_t us)
{
	return stamp(us, 1);
}

char *
stamp_s(int64_t us)
{
	return stamp(us, 0);
}

/* as CloudTrail writes some times: Nov 1, 2026, 1:00:00 AM */
char *
stamp_aws(int64_t us)
{
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
					   "Nov", "Dec" };
	time_t t = (time_t)epoch_s(us);
	struct tm tm;
	int h;

	gmtime_r(&t, &tm);
	h = tm.tm_hour % 12;
	return ar_printf("%s %d, %d, %d:%02d:%02d %s", mon[tm.tm_mon], tm.tm_mday, tm.tm_year + 1900, h ? h : 12,
		tm.tm_min, tm.tm_sec, tm.tm_hour < 12 ? "AM" : "PM");
}
