/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Offline facts about a secret, in place of verifying it with its issuer
 * (which would use a stolen credential and write new events into the
 * victim's logs): the AWS account an access key belongs to, the claims of
 * a JWT and whether it had expired when the record was written, the type
 * of a private key, the scheme, host and user of a URL or an
 * Authorization header.  Nothing here touches the network.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "secret.h"

int64_t
k8a__aws_account(const char *id, size_t n)
{
	static const char b32[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
	uint64_t z = 0;
	size_t i;

	if (n != 20 || (memcmp(id, "AKIA", 4) != 0 && memcmp(id, "ASIA", 4) != 0 && memcmp(id, "ABIA", 4) != 0 &&
			   memcmp(id, "ACCA", 4) != 0))
		return -1;
	/* Keys issued before 2019 (AKIAI..., AKIAJ...) do not encode it. */
	if (id[4] == 'I' || id[4] == 'J')
		return -1;
	/* base32 of the 16 characters; the first 48 bits hold the account,
	 * shifted left by 7 with the top bit clear */
	for (i = 4; i < 20; i++) {
		const char *c = memchr(b32, id[i], 32);
		if (c == NULL || id[i] == '\0')
			return -1;
		if (i < 14)
			z = z << 5 | (uint64_t)(c - b32);
	}
	/* 10 characters = 50 bits; keep the first 48 */
	z >>= 2;
	return (int64_t)((z & 0x7fffffffff80ull) >> 7);
}

static json_t *
b64url_json(const char *p, size_t n)
{
	struct k8a_buf b = { 0 };
	json_t *j = NULL;

	if (n == 0 || n > 65536)
		return NULL;
	if (k8a__b64_decode(p, n, 2, &b) == 0 && b.len > 1 && b.p[0] == '{')
		j = json_loadb(b.p, b.len, 0, NULL);
	if (b.failed)
		k8a__nomem_note(); /* not decoded: the facts would be missing */
	k8a_buf_free(&b);
	if (j && !json_is_object(j)) {
		json_decref(j);
		j = NULL;
	}
	return j;
}

static void
copy_str(json_t *to, const char *k, json_t *from, const char *fk)
{
	json_t *v = json_object_get(from, fk);

	if (json_is_string(v) || json_is_integer(v) || json_is_array(v))
		json_object_set(to, k, v);
}

int
k8a__jwt_claims(const char *s, size_t n, int64_t when, json_t *o)
{
	const char *d1 = memchr(s, '.', n), *d2;
	json_t *h, *c, *k8s, *exp;

	if (d1 == NULL || (d2 = memchr(d1 + 1, '.', (size_t)(s + n - d1 - 1))) == NULL)
		return -1;
	if ((h = b64url_json(s, (size_t)(d1 - s))) == NULL)
		return -1;
	if ((c = b64url_json(d1 + 1, (size_t)(d2 - d1 - 1))) == NULL) {
		json_decref(h);
		return -1;
	}
	copy_str(o, "alg", h, "alg");
	copy_str(o, "kid", h, "kid");
	copy_str(o, "iss", c, "iss");
	copy_str(o, "sub", c, "sub");
	copy_str(o, "aud", c, "aud");
	copy_str(o, "iat", c, "iat");
	copy_str(o, "exp", c, "exp");
	/* service account tokens: where they were minted for */
	if (json_is_object(k8s = json_object_get(c, "kubernetes.io"))) {
		copy_str(o, "namespace", k8s, "namespace");
		copy_str(o, "serviceaccount", json_object_get(k8s, "serviceaccount"), "name");
		copy_str(o, "pod", json_object_get(k8s, "pod"), "name");
	}
	if (json_is_integer(exp = json_object_get(c, "exp"))) {
		json_int_t e = json_integer_value(exp);
		char t[64];
		if (e > 0 && e < 253402300799LL) {
			k8a_time_format((int64_t)e * 1000000, t);
			json_object_set_new(o, "expires", json_string(t));
			if (when != INT64_MIN)
				json_object_set_new(o, "expired_at_log_time", json_boolean((int64_t)e * 1000000 <= when));
		}
	}
	json_decref(h);
	json_decref(c);
	return 0;
}

const char *
k8a__pem_type(const char *s, size_t n)
{
	static const struct {
		const char *hdr, *type;
	} kinds[] = {
		{ "-----BEGIN RSA PRIVATE KEY-----", "RSA" },
		{ "-----BEGIN EC PRIVATE KEY-----", "EC" },
		{ "-----BEGIN DSA PRIVATE KEY-----", "DSA" },
		{ "-----BEGIN OPENSSH PRIVATE KEY-----", "OPENSSH" },
		{ "-----BEGIN ENCRYPTED PRIVATE KEY-----", "ENCRYPTED (PKCS#8)" },
		{ "-----BEGIN PGP PRIVATE KEY BLOCK-----", "PGP" },
		{ "-----BEGIN PRIVATE KEY-----", "PKCS#8" },
	};
	size_t i;

	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (memmem(s, n, kinds[i].hdr, strlen(kinds[i].hdr)))
			return kinds[i].type;
	return NULL;
}

static void
set_n(json_t *o, const char *k, const char *p, size_t n)
{
	json_object_set_new(o, k, json_stringn(p, n));
}

/* scheme://user:pass@host/... : the scheme, user and host. */
static void
url_parts(const char *m, size_t n, json_t *o)
{
	const char *sep = memmem(m, n, "://", 3), *at, *colon, *h, *he;

	if (sep == NULL)
		return;
	set_n(o, "scheme", m, (size_t)(sep - m));
	h = sep + 3;
	he = m + n;
	if ((at = memchr(h, '@', (size_t)(he - h))) == NULL)
		return;
	if ((colon = memchr(h, ':', (size_t)(at - h))) != NULL)
		set_n(o, "user", h, (size_t)(colon - h));
	h = at + 1;
	for (at = h; at < he && !strchr("/?#", *at) && !isspace((unsigned char)*at) && *at != '"' && *at != '\''; at++)
		;
	set_n(o, "host", h, (size_t)(at - h));
}

/* Authorization: Basic xxx / Bearer xxx: the scheme; a Basic user. */
static void
http_auth(const char *secret, size_t n, const char *m, size_t mn, int64_t when, json_t *o)
{
	static const char *const schemes[] = { "Basic", "Bearer", "Token", "Digest", "Negotiate", "AWS4-HMAC-SHA256" };
	size_t i, k;

	for (i = 0; i < sizeof(schemes) / sizeof(schemes[0]); i++) {
		size_t l = strlen(schemes[i]);
		for (k = 0; k + l <= mn; k++)
			if (strncasecmp(m + k, schemes[i], l) == 0 && (k + l == mn || !isalnum((unsigned char)m[k + l])) &&
			    (k == 0 || !isalnum((unsigned char)m[k - 1]))) {
				json_object_set_new(o, "scheme", json_string(schemes[i]));
				goto found;
			}
	}
	return;
found:
	if (i == 0) {
		struct k8a_buf b = { 0 };
		const char *c;
		if (k8a__b64_decode(secret, n, 0, &b) == 0 && k8a__is_text(b.p, b.len) &&
		    (c = memchr(b.p, ':', b.len)) != NULL)
			set_n(o, "user", b.p, (size_t)(c - b.p));
		if (b.failed)
			k8a__nomem_note();
		k8a_buf_free(&b);
	} else if (i == 1)
		k8a__jwt_claims(secret, n, when, o);
}

void
k8a__enrich(enum senrich k, const char *secret, size_t n, const char *match, size_t mn, int64_t when, json_t *o)
{
	int64_t acct;
	const char *t;
	char buf[32];

	switch (k) {
	case EN_NONE:
	case EN_AWS_SESSION:
	case EN_REGISTRY:
		break; /* from the record's structure: secret.c */
	case EN_AWS_KEY:
		if ((acct = k8a__aws_account(secret, n)) >= 0) {
			snprintf(buf, sizeof(buf), "%012lld", (long long)acct);
			json_object_set_new(o, "account", json_string(buf));
		}
		break;
	case EN_JWT:
		k8a__jwt_claims(secret, n, when, o);
		break;
	case EN_PEM:
		if ((t = k8a__pem_type(secret, n)) != NULL)
			json_object_set_new(o, "key_type", json_string(t));
		break;
	case EN_URL:
		url_parts(match, mn, o);
		break;
	case EN_HTTP_AUTH:
		http_auth(secret, n, match, mn, when, o);
		break;
	}
}
