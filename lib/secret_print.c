/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * How a secret is shown: a keyed fingerprint (HMAC-SHA256 with the case's
 * key, OpenSSL's libcrypto), so that one secret seen in a thousand records
 * is one secret without a hash anyone could test guesses against; and a
 * preview (the type's public prefix and a few characters).
 */
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <string.h>

#include "secret.h"

int
k8a_secret_fingerprint(const void *key, size_t keylen, const char *secret, size_t n, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0, i;

	out[0] = '\0';
	if (key == NULL || keylen == 0 || keylen > INT32_MAX)
		return K8A_FAILED;
	if (HMAC(EVP_sha256(), key, (int)keylen, (const unsigned char *)secret, n, md, &mdlen) == NULL || mdlen != 32)
		return K8A_FAILED;
	for (i = 0; i < mdlen; i++) {
		out[2 * i] = hex[md[i] >> 4];
		out[2 * i + 1] = hex[md[i] & 15];
	}
	out[64] = '\0';
	return K8A_OK;
}

void
k8a_secret_preview(const k8a_secret_set *s, size_t type, const char *secret, size_t n, char out[64])
{
	size_t pub = 0, more, k;

	if (s && type < s->n && s->t[type].public.re) {
		pcre2_match_data *md = pcre2_match_data_create(1, NULL);
		int rc = md ? pcre2_match(s->t[type].public.re, (PCRE2_SPTR)secret, n, 0, PCRE2_ANCHORED, md, NULL) :
			      PCRE2_ERROR_NOMEMORY;
		if (rc >= 0)
			pub = pcre2_get_ovector_pointer(md)[1];
		else if (rc == PCRE2_ERROR_NOMEMORY)
			k8a__nomem_note(); /* the public start would be missing */
		pcre2_match_data_free(md);
	}
	if (pub > 40)
		pub = 40;
	/* four characters of the rest, fewer when the secret is short, so
	 * that a short password is never mostly shown */
	more = n - pub;
	more = more >= 16 ? 4 : more / 4;
	k = pub + more;
	memcpy(out, secret, k);
	memcpy(out + k, "...", 4);
}

void
k8a_secret_pointer_pattern(const char *pointer, char *out, size_t outsz)
{
	size_t o = 0;
	const char *p = pointer;

	if (outsz == 0)
		return;
	while (*p && o + 1 < outsz) {
		if (*p == '/') {
			const char *q = p + 1;
			while (*q >= '0' && *q <= '9')
				q++;
			if (q > p + 1 && (*q == '/' || *q == '\0')) {
				if (o + 2 >= outsz)
					break;
				out[o++] = '/';
				out[o++] = '*';
				p = q;
				continue;
			}
		}
		out[o++] = *p++;
	}
	out[o] = '\0';
}
