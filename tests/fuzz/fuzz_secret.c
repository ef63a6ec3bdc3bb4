/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Invariants of the secret engine, for any input read as records:
 *  - the prefilter never skips a secret: a record the reader's byte
 *    prefilter passed over, or that k8a_secret_may_hold() rules out, holds
 *    nothing k8a_secret_scan_event() reports;
 *  - scanning (JSON inside strings, base64, gzip, query strings, argv,
 *    enrichment) and the decoders, fed the raw bytes directly, never
 *    crash, never read out of bounds and always terminate;
 *  - every hit is well formed (a pointer starting with '/', or empty for
 *    the root; a secret of the length given; a 64-digit fingerprint).
 *
 * The types are those of the source tree (rules/secrets).  Built with
 * -fsanitize=fuzzer for libFuzzer, e.g.
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -I lib -I . -include config.h \
 *     -DK8A_DATADIR='"x"' -DK8A_SRCDIR="\"$PWD\"" tests/fuzz/fuzz_secret.c lib/[a-z]*.c \
 *     $(pkg-config --cflags --libs jansson libzstd libarchive libpcre2-8 zlib libcrypto libisal) -lm
 * or with K8A_FUZZ_STANDALONE as a program that replays the files named on
 * its command line (make check runs it over tests/fuzz/corpus/secret/).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "secret.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static k8a_secret_set *set;
static k8a_secret_scan *sc;

static void
setup(void)
{
	if (set)
		return;
	set = k8a_secret_set_new();
	if (k8a_secret_set_load(set, K8A_SRCDIR "/rules/secrets", NULL, NULL) != 0 || k8a_secret_set_count(set) < 40) {
		fprintf(stderr, "fuzz_secret: cannot load %s/rules/secrets\n", K8A_SRCDIR);
		abort();
	}
	if ((sc = k8a_secret_scan_new(set)) == NULL || k8a_secret_scan_set_key(sc, "fuzz", 4) != K8A_OK)
		abort();
}

static void
check_hits(const struct k8a_secret_hit *h, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if ((h[i].pointer[0] != '\0' && h[i].pointer[0] != '/') || strlen(h[i].fingerprint) != 64 ||
		    h[i].secret[h[i].len] != '\0' || h[i].enrichment == NULL || !json_is_object(h[i].enrichment)) {
			fprintf(stderr, "fuzz_secret: malformed hit of %s at %s\n", h[i].type, h[i].pointer);
			abort();
		}
	}
}

/* Hits per record of a pass over data, the prefilter on or off. */
static size_t
pass(const uint8_t *data, size_t size, int prefilter, size_t *records)
{
	k8a_reader *r = k8a_reader_new();
	k8a_event *ev;
	size_t total = 0;
	int rc;

	k8a_reader_add_memory(r, data, size, "input");
	if (prefilter)
		k8a_reader_set_prefilter(r, k8a_secret_set_prefilter(set));
	*records = 0;
	while ((rc = k8a_reader_next(r, &ev)) != K8A_EOF && rc != K8A_FATAL) {
		const struct k8a_secret_hit *h;
		size_t n;
		int may;
		if (rc != K8A_OK)
			continue;
		(*records)++;
		may = k8a_secret_may_hold(sc, ev);
		if (k8a_secret_scan_event(sc, ev, &h, &n) == K8A_FATAL)
			abort();
		check_hits(h, n);
		if (n && !may) {
			fprintf(stderr, "fuzz_secret: %s (%s) found in a record the prefilter rules out\n", h[0].type,
				h[0].pointer);
			abort();
		}
		if (may || !prefilter)
			total += n;
	}
	k8a_reader_free(r);
	return total;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct k8a_buf b = { 0 };
	json_t *o;
	size_t with, without, r1, r2;

	setup();
	with = pass(data, size, 1, &r1);
	without = pass(data, size, 0, &r2);
	if (with != without) {
		fprintf(stderr, "fuzz_secret: %zu hits with the reader's prefilter, %zu without\n", with, without);
		abort();
	}
	/* the decoders on the bytes themselves */
	k8a__b64_decode((const char *)data, size, 2, &b);
	k8a__gunzip(data, size, 1 << 20, &b);
	k8a__pct_decode((const char *)data, size, 1, &b);
	k8a__aws_account((const char *)data, size);
	k8a__pem_type((const char *)data, size);
	k8a__entropy((const char *)data, size);
	k8a__is_text((const char *)data, size);
	o = json_object();
	k8a__jwt_claims((const char *)data, size, 0, o);
	k8a__enrich(EN_HTTP_AUTH, (const char *)data, size, (const char *)data, size, 0, o);
	k8a__enrich(EN_URL, (const char *)data, size, (const char *)data, size, 0, o);
	json_decref(o);
	k8a_buf_free(&b);
	return 0;
}

#ifdef K8A_FUZZ_STANDALONE
int
main(int argc, char **argv)
{
	int i, failed = 0;

	for (i = 1; i < argc; i++) {
		FILE *fp = fopen(argv[i], "rb");
		static char buf[1 << 20];
		size_t n;
		if (fp == NULL) {
			fprintf(stderr, "fuzz_secret: %s: cannot read\n", argv[i]);
			failed = 1;
			continue;
		}
		n = fread(buf, 1, sizeof(buf), fp);
		fclose(fp);
		LLVMFuzzerTestOneInput((const uint8_t *)buf, n);
	}
	k8a_secret_scan_free(sc);
	k8a_secret_set_free(set);
	printf("%d passed, %d failed\n", argc - 1 - failed, failed);
	return failed;
}
#endif
