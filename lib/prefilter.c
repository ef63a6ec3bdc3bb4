/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The byte prefilter: find the first occurrence of any of a few literals
 * in a large block.  One literal uses memmem (glibc's two-way search runs
 * at memory speed); several use a PCRE2 JIT alternation over the block,
 * which beats one memmem pass per literal.
 *
 * Exactness: literals hold only bytes that JSON encoders write as is, but
 * an encoder may still write any of them as \u00XX (Go writes & as \u0026
 * in every query string).  So a \u00XX escape of a byte that occurs in a
 * literal also makes a candidate; the record is then parsed and decided
 * exactly.  Escapes of other bytes, the common case, cost one extra
 * memmem pass and nothing else.
 */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

struct k8a_prefilter {
	char **lit;
	size_t *len;
	size_t n;
	int pass_all;
	unsigned char escaped[256]; /* bytes whose \u00XX escape is a candidate */
	pcre2_code *re;
	pcre2_match_data *md;
	/* or a function of its own (the secret set's keyword scanner) */
	size_t (*fn)(const void *ctx, const char *buf, size_t len);
	const void *fn_ctx;
};

k8a_prefilter *
k8a__prefilter_fn(size_t (*find)(const void *ctx, const char *buf, size_t len), const void *ctx)
{
	k8a_prefilter *pf = calloc(1, sizeof(*pf));

	if (pf == NULL)
		return NULL;
	pf->fn = find;
	pf->fn_ctx = ctx;
	return pf;
}

k8a_prefilter *
k8a_prefilter_new(const char *const *lits)
{
	k8a_prefilter *pf = calloc(1, sizeof(*pf));
	struct k8a_buf pat = { 0 };
	size_t i, j;

	if (pf == NULL)
		return NULL;
	if (lits == NULL || lits[0] == NULL) {
		pf->pass_all = 1;
		return pf;
	}
	for (pf->n = 0; lits[pf->n]; pf->n++)
		;
	pf->lit = calloc(pf->n, sizeof(*pf->lit));
	pf->len = calloc(pf->n, sizeof(*pf->len));
	if (pf->lit == NULL || pf->len == NULL)
		goto fail;
	for (i = 0; i < pf->n; i++) {
		if ((pf->lit[i] = strdup(lits[i])) == NULL)
			goto fail;
		pf->len[i] = strlen(lits[i]);
		if (pf->len[i] == 0)
			pf->pass_all = 1;
		for (j = 0; j < pf->len[i]; j++)
			pf->escaped[(unsigned char)lits[i][j]] = 1;
	}
	if (pf->n > 1 && !pf->pass_all) {
		int err, bad = 0;
		PCRE2_SIZE off;
		for (i = 0; i < pf->n; i++) {
			if (i)
				bad |= k8a_buf_append(&pat, "|", 1);
			for (j = 0; j < pf->len[i]; j++) {
				char c = pf->lit[i][j];
				if (strchr("\\^$.[]|()?*+{}", c))
					bad |= k8a_buf_append(&pat, "\\", 1);
				bad |= k8a_buf_append(&pat, &c, 1);
			}
		}
		/* a pattern missing a byte would pass records over */
		pf->re = bad ? NULL : pcre2_compile((PCRE2_SPTR)pat.p, pat.len, 0, &err, &off, NULL);
		k8a_buf_free(&pat);
		if (pf->re == NULL)
			goto fail;
		pcre2_jit_compile(pf->re, PCRE2_JIT_COMPLETE);
		if ((pf->md = pcre2_match_data_create(1, NULL)) == NULL)
			goto fail;
	}
	return pf;
fail:
	k8a_prefilter_free(pf);
	return NULL;
}

void
k8a_prefilter_free(k8a_prefilter *pf)
{
	size_t i;

	if (pf == NULL)
		return;
	for (i = 0; pf->lit && i < pf->n; i++)
		free(pf->lit[i]);
	free(pf->lit);
	free(pf->len);
	pcre2_match_data_free(pf->md);
	pcre2_code_free(pf->re);
	free(pf);
}

/* First \u00XX escape of a literal byte in buf[0..len), or len. */
static size_t
find_escape(const k8a_prefilter *pf, const char *buf, size_t len)
{
	const char *p = buf, *e = buf + len;

	while (p + 6 <= e && (p = memchr(p, '\\', (size_t)(e - p))) != NULL && p + 6 <= e) {
		int hi, lo;
		if (p[1] != 'u' || p[2] != '0' || p[3] != '0') {
			p += p[1] == '\\' ? 2 : 1;
			continue;
		}
		hi = k8a_hexval((unsigned char)p[4]);
		lo = k8a_hexval((unsigned char)p[5]);
		if (hi >= 0 && lo >= 0 && pf->escaped[hi << 4 | lo]) {
			/* an even number of backslashes before it means it is an escape */
			size_t bs = 0;
			while (p - bs > buf && p[-1 - (long)bs] == '\\')
				bs++;
			if ((bs & 1) == 0)
				return (size_t)(p - buf);
		}
		p += 4;
	}
	return len;
}

size_t
k8a_prefilter_find(const k8a_prefilter *pf, const char *buf, size_t len)
{
	const char *p;
	size_t hit = len;

	if (pf == NULL || pf->pass_all)
		return 0;
	if (pf->fn)
		return pf->fn(pf->fn_ctx, buf, len);
	if (pf->n == 1) {
		p = memmem(buf, len, pf->lit[0], pf->len[0]);
		if (p != NULL)
			hit = (size_t)(p - buf);
	} else {
		/* match data is per filter: one prefilter per thread */
		int rc = pcre2_match(pf->re, (PCRE2_SPTR)buf, len, 0, 0, pf->md, NULL);
		if (rc >= 0)
			hit = pcre2_get_ovector_pointer(pf->md)[0];
		else if (rc != PCRE2_ERROR_NOMATCH)
			return 0; /* no answer (memory): the record is not passed over */
	}
	/* only escapes before the first literal can move the answer */
	return find_escape(pf, buf, hit);
}

k8a_prefilter *
k8a_prefilter_clone(const k8a_prefilter *pf)
{
	k8a_prefilter *c;
	const char **lits;
	size_t i;

	if (pf == NULL)
		return NULL;
	if (pf->fn) /* stateless: the function's context is shared */
		return k8a__prefilter_fn(pf->fn, pf->fn_ctx);
	if (pf->pass_all && pf->n == 0)
		return k8a_prefilter_new(NULL);
	if ((lits = calloc(pf->n + 1, sizeof(*lits))) == NULL)
		return NULL;
	for (i = 0; i < pf->n; i++)
		lits[i] = pf->lit[i];
	c = k8a_prefilter_new(lits);
	free((void *)lits);
	return c;
}
