/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The state file loader (lib/state.c, k8saudit-state(5)).  Each input is
 * loaded twice: as a state file of k8saudit-findings as it is, and as the
 * payload of a well-formed file (header, checksum and zstd frame made
 * here, as k8saudit-state(5) describes them), so that mutations reach the
 * sections past the checksum.  Invariants, for any input:
 *  - loading ends in K8A_OK or K8A_FAILED with a message that names the
 *    file, and frees all it took;
 *  - an object checked against what loaded gives an answer;
 *  - secret-scan's section (cmd/secret-scan/known.c), when there is one,
 *    loads or is refused with located, escaped messages, and what loads
 *    is saved again to a section that loads;
 *  - what loads saves, and what was saved loads again and saves to the
 *    same bytes (nothing is lost or made up on the way).
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <zstd.h>

#include "fuzz.h"
#include "scan.h"

#define TOOL "findings"
#define HEADER 72

static unsigned char *
slurp(const char *path, size_t *n)
{
	FILE *fp = fopen(path, "rb");
	unsigned char *buf = NULL;
	long len = 0;

	if (fp == NULL || fseek(fp, 0, SEEK_END) != 0 || (len = ftell(fp)) < 0 || fseek(fp, 0, SEEK_SET) != 0 ||
	    (buf = malloc((size_t)len + 1)) == NULL || fread(buf, 1, (size_t)len, fp) != (size_t)len)
		fuzz_fail("fuzz_state", "cannot read back %s", path);
	fclose(fp);
	*n = (size_t)len;
	return buf;
}

static k8a_state *
load(const char *path, int *rc)
{
	k8a_state *st = k8a_state_new(path, TOOL);

	if (st == NULL)
		abort();
	*rc = k8a_state_load(st);
	if (*rc == K8A_FAILED) {
		const char *msg = k8a_state_error(st);
		size_t pl = strlen(path);
		if (strncmp(msg, path, pl) != 0 || strncmp(msg + pl, ": ", 2) != 0 || msg[pl + 2] == '\0')
			fuzz_fail("fuzz_state", "a failure said as '%s'", msg);
	} else if (*rc != K8A_OK)
		fuzz_fail("fuzz_state", "loading returned %d", *rc);
	return st;
}

static void
save(k8a_state *st)
{
	if (k8a_state_save(st) != K8A_OK)
		fuzz_fail("fuzz_state", "cannot save what loaded: %s", k8a_state_error(st));
}

/* secret-scan's section, if any: loaded (under a fixed key), saved,
 * loaded again. */
static void
secrets_section(k8a_state *st, const char *path)
{
	static const unsigned char key[16] = "fuzz-state-key-0";
	const char *text;
	struct known k;
	json_t *sec, *again;
	size_t len;
	int rc;

	if ((text = k8a_state_section(st, "secret-scan", &len)) == NULL)
		return;
	if ((sec = json_loadb(text, len, 0, NULL)) == NULL)
		return; /* fe_state_open() says so before known_load() */
	fe_progname = "fuzz";
	fuzz_diag_begin();
	rc = known_load(&k, json_is_object(sec) ? sec : NULL, key, sizeof(key), path);
	if (fuzz_diag_end("fuzz") == 0 && rc != 0)
		fuzz_fail("fuzz_state", "the secret-scan section refused without a message");
	if (rc == 0) {
		if ((again = known_persist(&k, key, sizeof(key))) == NULL)
			abort();
		known_free(&k);
		fuzz_diag_begin();
		if (known_load(&k, again, key, sizeof(key), path) != 0 || fuzz_diag_end("fuzz") != 0)
			fuzz_fail("fuzz_state", "a secret-scan section saved does not load");
		json_decref(again);
	}
	known_free(&k);
	json_decref(sec);
}

/* The state file at path, loaded; when it loads, the round trip. */
static void
check(const char *path)
{
	unsigned char *a, *b;
	size_t na, nb, len;
	k8a_state *st;
	int rc;

	st = load(path, &rc);
	if (rc != K8A_OK) {
		k8a_state_free(st);
		return;
	}
	rc = k8a_state_object(st, NULL, path);
	if (rc != 0 && rc != 1)
		fuzz_fail("fuzz_state", "checking an object returned %d (%s)", rc, k8a_state_error(st));
	(void)k8a_state_section(st, TOOL, &len);
	secrets_section(st, path);
	save(st);
	k8a_state_free(st);
	a = slurp(path, &na);
	st = load(path, &rc);
	if (rc != K8A_OK)
		fuzz_fail("fuzz_state", "what was saved does not load: %s", k8a_state_error(st));
	save(st);
	k8a_state_free(st);
	b = slurp(path, &nb);
	if (na != nb || memcmp(a, b, na) != 0)
		fuzz_fail("fuzz_state", "saved again, the state is not the same (%zu bytes, then %zu)", na, nb);
	free(a);
	free(b);
}

static void
put64(unsigned char *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

/* data as the payload of a well-formed state file. */
static unsigned char *
wrap(const uint8_t *data, size_t size, size_t *n)
{
	size_t bound = ZSTD_compressBound(size), clen;
	unsigned char *f = calloc(1, HEADER + bound);
	unsigned int mdlen = 0;
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	if (f == NULL || c == NULL)
		abort();
	memcpy(f, "K8ASTAT\n", 8);
	f[8] = 1; /* format version 1, little-endian; flags 0 */
	memcpy(f + 16, TOOL, strlen(TOOL));
	put64(f + 32, size);
	if (EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1 || EVP_DigestUpdate(c, f, 40) != 1 ||
	    EVP_DigestUpdate(c, data, size) != 1 || EVP_DigestFinal_ex(c, f + 40, &mdlen) != 1)
		abort();
	EVP_MD_CTX_free(c);
	clen = ZSTD_compress(f + HEADER, bound, data, size, 1);
	if (ZSTD_isError(clen))
		abort();
	*n = HEADER + clen;
	return f;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *f;
	size_t n;

	check(fuzz_file(data, size, ".state"));
	f = wrap(data, size, &n);
	check(fuzz_file(f, n, ".state"));
	free(f);
	return 0;
}
