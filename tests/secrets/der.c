/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Key and certificate material with realistic bodies: DER structures of the
 * right shape and size (PKCS#1, PKCS#8, SEC1, DSA, encrypted PKCS#8, X.509,
 * PKCS#10) filled with random numbers, the OpenSSH and PuTTY key formats,
 * OpenPGP armour with its CRC-24, and age keys.  None of it is a working
 * key: a scanner sees what it would see in a real leak.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gen.h"

struct der {
	unsigned char *p;
	size_t n;
};

static struct der
raw(const void *p, size_t n)
{
	struct der d;

	d.p = ar_alloc(n ? n : 1);
	memcpy(d.p, p, n);
	d.n = n;
	return d;
}

static struct der
tlv(unsigned tag, struct der c)
{
	unsigned char hdr[6];
	size_t h = 0;
	struct der d;

	hdr[h++] = (unsigned char)tag;
	if (c.n < 128)
		hdr[h++] = (unsigned char)c.n;
	else if (c.n < 256) {
		hdr[h++] = 0x81;
		hdr[h++] = (unsigned char)c.n;
	} else {
		hdr[h++] = 0x82;
		hdr[h++] = (unsigned char)(c.n >> 8);
		hdr[h++] = (unsigned char)c.n;
	}
	d.n = h + c.n;
	d.p = ar_alloc(d.n);
	memcpy(d.p, hdr, h);
	memcpy(d.p + h, c.p, c.n);
	return d;
}

static struct der
cat(int n, ...)
{
	va_list ap;
	struct der parts[16], d;
	size_t total = 0, at = 0;
	int i;

	va_start(ap, n);
	for (i = 0; i < n; i++) {
		parts[i] = va_arg(ap, struct der);
		total += parts[i].n;
	}
	va_end(ap);
	d.p = ar_alloc(total ? total : 1);
	for (i = 0; i < n; i++) {
		memcpy(d.p + at, parts[i].p, parts[i].n);
		at += parts[i].n;
	}
	d.n = total;
	return d;
}

#define SEQ(n, ...) tlv(0x30, cat(n, __VA_ARGS__))

static struct der
small_int(unsigned v)
{
	unsigned char b[5];
	size_t n = 0;

	if (v >= 0x800000)
		b[n++] = (unsigned char)(v >> 24);
	if (v >= 0x8000)
		b[n++] = (unsigned char)(v >> 16);
	if (v >= 0x80)
		b[n++] = (unsigned char)(v >> 8);
	b[n++] = (unsigned char)v;
	if (b[0] & 0x80) {
		memmove(b + 1, b, n++);
		b[0] = 0;
	}
	return tlv(0x02, raw(b, n));
}

/* A positive INTEGER of exactly bits bits (the top bit set). */
static struct der
big_int(unsigned bits)
{
	size_t n = (bits + 7) / 8;
	unsigned char *b = ar_alloc(n + 1);
	unsigned top = (bits - 1) % 8;

	rnd_bytes(b + 1, n);
	b[1] &= (unsigned char)((2u << top) - 1);
	b[1] |= (unsigned char)(1u << top);
	if (top == 7) {
		b[0] = 0;
		return tlv(0x02, raw(b, n + 1));
	}
	return tlv(0x02, raw(b + 1, n));
}

static struct der
random_octets(unsigned tag, size_t n)
{
	unsigned char *b = ar_alloc(n);

	rnd_bytes(b, n);
	return tlv(tag, raw(b, n));
}

static struct der
oid(const char *hex)
{
	size_t n = strlen(hex) / 2, i;
	unsigned char *b = ar_alloc(n);

	for (i = 0; i < n; i++) {
		unsigned v;
		sscanf(hex + 2 * i, "%2x", &v);
		b[i] = (unsigned char)v;
	}
	return tlv(0x06, raw(b, n));
}

#define OID_RSA "2a864886f70d010101"
#define OID_SHA256_RSA "2a864886f70d01010b"
#define OID_EC "2a8648ce3d0201"
#define OID_P256 "2a8648ce3d030107"
#define OID_ED25519 "2b6570"
#define OID_PBES2 "2a864886f70d01050d"
#define OID_PBKDF2 "2a864886f70d01050c"
#define OID_HMAC_SHA256 "2a864886f70d0209"
#define OID_CN "550403"
#define OID_O "55040a"

static struct der
null(void)
{
	return tlv(0x05, raw("", 0));
}

static struct der
rsa_pkcs1(unsigned bits)
{
	return SEQ(9, small_int(0), big_int(bits), small_int(65537), big_int(bits - 1), big_int(bits / 2),
		big_int(bits / 2), big_int(bits / 2 - 1), big_int(bits / 2 - 1), big_int(bits / 2 - 2));
}

static struct der
pkcs8_rsa(unsigned bits)
{
	return SEQ(3, small_int(0), SEQ(2, oid(OID_RSA), null()), tlv(0x04, rsa_pkcs1(bits)));
}

static struct der
ec_point(void)
{
	unsigned char b[66];

	b[0] = 0;
	b[1] = 4;
	rnd_bytes(b + 2, 64);
	return tlv(0x03, raw(b, 66));
}

static struct der
sec1_ec(void)
{
	return SEQ(4, small_int(1), random_octets(0x04, 32), tlv(0xa0, oid(OID_P256)), tlv(0xa1, ec_point()));
}

static struct der
pkcs8_ed25519(void)
{
	return SEQ(3, small_int(0), SEQ(1, oid(OID_ED25519)), tlv(0x04, random_octets(0x04, 32)));
}

static struct der
pkcs8_encrypted(void)
{
	struct der kdf = SEQ(2, oid(OID_PBKDF2), SEQ(3, random_octets(0x04, 8), small_int(2048),
					      SEQ(2, oid(OID_HMAC_SHA256), null())));
	struct der enc = SEQ(2, oid("608648016503040102"), random_octets(0x04, 16));

	return SEQ(2, SEQ(2, oid(OID_PBES2), SEQ(2, kdf, enc)), random_octets(0x04, 16 * rnd_between(76, 78)));
}

static struct der
dsa_key(void)
{
	return SEQ(6, small_int(0), big_int(2048), big_int(224), big_int(2047), big_int(2047), big_int(223));
}

static char *
pem(const char *label, struct der d)
{
	return ar_printf("-----BEGIN %s-----\n%s-----END %s-----\n", label, wrap(b64(d.p, d.n), 64), label);
}

char *
pem_rsa_pkcs8(void)
{
	return pem("PRIVATE KEY", pkcs8_rsa(2048));
}

char *
pem_ec(void)
{
	return pem("EC PRIVATE KEY", sec1_ec());
}

/* ---- OpenSSH ---- */
struct sshbuf {
	unsigned char b[2048];
	size_t n;
};

static void
ssh_u32(struct sshbuf *s, unsigned v)
{
	s->b[s->n++] = (unsigned char)(v >> 24);
	s->b[s->n++] = (unsigned char)(v >> 16);
	s->b[s->n++] = (unsigned char)(v >> 8);
	s->b[s->n++] = (unsigned char)v;
}

static void
ssh_str(struct sshbuf *s, const void *p, size_t n)
{
	ssh_u32(s, (unsigned)n);
	memcpy(s->b + s->n, p, n);
	s->n += n;
}

static void
ed25519_pub_blob(struct sshbuf *s, const unsigned char pub[32])
{
	ssh_str(s, "ssh-ed25519", 11);
	ssh_str(s, pub, 32);
}

static char *
openssh_private(void)
{
	struct sshbuf out = { .n = 0 }, pubblob = { .n = 0 }, priv = { .n = 0 };
	unsigned char pub[32], sk[64];
	unsigned check = (unsigned)rnd64();
	const char *comment = ar_printf("%s@%s", PICK(((const char *[]){ "deploy", "ci", "git", "root" })),
		PICK(((const char *[]){ "bastion", "build-01", "laptop", "runner" })));
	int pad;

	rnd_bytes(pub, 32);
	rnd_bytes(sk, 32);
	memcpy(sk + 32, pub, 32);
	ed25519_pub_blob(&pubblob, pub);
	ssh_u32(&priv, check);
	ssh_u32(&priv, check);
	ed25519_pub_blob(&priv, pub);
	ssh_str(&priv, sk, 64);
	ssh_str(&priv, comment, strlen(comment));
	for (pad = 1; priv.n % 8; pad++)
		priv.b[priv.n++] = (unsigned char)pad;
	memcpy(out.b, "openssh-key-v1", 15);
	out.n = 15;
	ssh_str(&out, "none", 4);
	ssh_str(&out, "none", 4);
	ssh_str(&out, "", 0);
	ssh_u32(&out, 1);
	ssh_str(&out, pubblob.b, pubblob.n);
	ssh_str(&out, priv.b, priv.n);
	return ar_printf("-----BEGIN OPENSSH PRIVATE KEY-----\n%s-----END OPENSSH PRIVATE KEY-----\n",
		wrap(b64(out.b, out.n), 70));
}

char *
ssh_public_key(void)
{
	struct sshbuf b = { .n = 0 };
	unsigned char pub[32];

	rnd_bytes(pub, 32);
	ed25519_pub_blob(&b, pub);
	return ar_printf("ssh-ed25519 %s %s@%s", b64(b.b, b.n), PICK(((const char *[]){ "alice", "bob", "ops" })),
		PICK(((const char *[]){ "laptop", "bastion", "workstation" })));
}

/* ---- OpenPGP armour ---- */
static unsigned
crc24(const unsigned char *p, size_t n)
{
	unsigned crc = 0xB704CE;
	size_t i;
	int k;

	for (i = 0; i < n; i++) {
		crc ^= (unsigned)p[i] << 16;
		for (k = 0; k < 8; k++) {
			crc <<= 1;
			if (crc & 0x1000000)
				crc ^= 0x1864CFB;
		}
	}
	return crc & 0xFFFFFF;
}

static char *
pgp_private(void)
{
	size_t n = rnd_between(600, 900), i;
	unsigned char *b = ar_alloc(n), c[3];
	unsigned crc;

	rnd_bytes(b, n);
	/* a v4 secret-key packet (EdDSA) then user id and signature packets */
	b[0] = 0x94;
	b[1] = 0x58;
	b[2] = 0x04;
	for (i = 3; i < 7; i++)
		b[i] = (unsigned char)(0x67 + rnd(2));
	b[7] = 0x16;
	b[8] = 0x09;
	crc = crc24(b, n);
	c[0] = (unsigned char)(crc >> 16);
	c[1] = (unsigned char)(crc >> 8);
	c[2] = (unsigned char)crc;
	return ar_printf("-----BEGIN PGP PRIVATE KEY BLOCK-----\n\n%s=%s\n-----END PGP PRIVATE KEY BLOCK-----\n",
		wrap(b64(b, n), 64), b64(c, 3));
}

char *
pem_private_key(int *kind_out)
{
	int k = (int)rnd(8);

	if (kind_out)
		*kind_out = k;
	switch (k) {
	case 0:
		return pem("RSA PRIVATE KEY", rsa_pkcs1(rnd(3) ? 2048 : 4096));
	case 1:
		return pem("PRIVATE KEY", pkcs8_rsa(2048));
	case 2:
		return pem("EC PRIVATE KEY", sec1_ec());
	case 3:
		return pem("PRIVATE KEY", pkcs8_ed25519());
	case 4:
		return openssh_private();
	case 5:
		return pem("ENCRYPTED PRIVATE KEY", pkcs8_encrypted());
	case 6:
		return pem("DSA PRIVATE KEY", dsa_key());
	default:
		return pgp_private();
	}
}

/* ---- X.509 (public: hard negatives) ---- */
static struct der
name(const char *o, const char *cn)
{
	struct der rdn_o = tlv(0x31, SEQ(2, oid(OID_O), tlv(0x0c, raw(o, strlen(o)))));
	struct der rdn_cn = tlv(0x31, SEQ(2, oid(OID_CN), tlv(0x0c, raw(cn, strlen(cn)))));

	return *o ? SEQ(2, rdn_o, rdn_cn) : SEQ(1, rdn_cn);
}

static struct der
spki(void)
{
	struct der key = SEQ(2, big_int(2048), small_int(65537));
	unsigned char *b = ar_alloc(key.n + 1);

	b[0] = 0;
	memcpy(b + 1, key.p, key.n);
	return SEQ(2, SEQ(2, oid(OID_RSA), null()), tlv(0x03, raw(b, key.n + 1)));
}

static struct der
signature(void)
{
	unsigned char b[257];

	b[0] = 0;
	rnd_bytes(b + 1, 256);
	return tlv(0x03, raw(b, 257));
}

char *
pem_certificate(const char *cn)
{
	const char *nb = "261101000000Z", *na = rnd(2) ? "361029000000Z" : "271101000000Z";
	struct der validity = SEQ(2, tlv(0x17, raw(nb, 13)), tlv(0x17, raw(na, 13)));
	struct der ext = tlv(0xa3, SEQ(1, SEQ(3, oid("551d0f"), tlv(0x01, raw("\xff", 1)),
						 tlv(0x04, raw("\x03\x02\x02\xa4", 4)))));
	struct der tbs = SEQ(8, tlv(0xa0, small_int(2)), big_int(63), SEQ(2, oid(OID_SHA256_RSA), null()),
		name("", "kubernetes"), validity, name(strcmp(cn, "kubernetes") ? "system:masters" : "", cn), spki(), ext);

	return pem("CERTIFICATE", SEQ(3, tbs, SEQ(2, oid(OID_SHA256_RSA), null()), signature()));
}

char *
pem_csr(const char *cn)
{
	struct der info = SEQ(4, small_int(0), name("system:nodes", cn), spki(), tlv(0xa0, raw("", 0)));

	return pem("CERTIFICATE REQUEST", SEQ(3, info, SEQ(2, oid(OID_SHA256_RSA), null()), signature()));
}

/* ---- PuTTY (.ppk version 3, unencrypted) ---- */
char *
putty_key(void)
{
	struct sshbuf pubb = { .n = 0 }, privb = { .n = 0 };
	unsigned char pub[32], sk[32];
	const char *comment = ar_printf("eddsa-key-2026%02u%02u", rnd_between(1, 10), rnd_between(1, 28));

	rnd_bytes(pub, 32);
	rnd_bytes(sk, 32);
	ed25519_pub_blob(&pubb, pub);
	ssh_str(&privb, sk, 32);
	if (rnd(3) == 0) {
		/* RSA: six public lines, fourteen private */
		unsigned char n[257], d[1000];
		size_t i;
		pubb.n = 0;
		n[0] = 0;
		rnd_bytes(n + 1, 256);
		ssh_str(&pubb, "ssh-rsa", 7);
		ssh_str(&pubb, "\x01\x00\x01", 3);
		ssh_str(&pubb, n, 257);
		rnd_bytes(d, sizeof(d));
		privb.n = 0;
		for (i = 0; i < 4; i++)
			ssh_str(&privb, d + i * 200, i == 0 ? 256 : 129);
		return ar_printf("PuTTY-User-Key-File-3: ssh-rsa\nEncryption: none\nComment: rsa-key-2026%02u%02u\n"
			"Public-Lines: 6\n%sPrivate-Lines: 14\n%sPrivate-MAC: %s\n",
			rnd_between(1, 10), rnd_between(1, 28), wrap(b64(pubb.b, pubb.n), 64),
			wrap(b64(privb.b, privb.n), 64), rstr(64, A_HEX));
	}
	return ar_printf("PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: %s\nPublic-Lines: 2\n%s"
		"Private-Lines: 1\n%sPrivate-MAC: %s\n", comment, wrap(b64(pubb.b, pubb.n), 64),
		wrap(b64(privb.b, privb.n), 64), rstr(64, A_HEX));
}

/* ---- age ---- */
char *
age_public(void)
{
	return ar_printf("age1%s", rstr(58, A_BECH32));
}

char *
age_key_file(char **secret_out)
{
	char *sec = ar_printf("AGE-SECRET-KEY-1%s", rstr(58, A_BECH32)), *p;

	for (p = sec; *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	*secret_out = sec;
	return ar_printf("# created: 2026-%02u-%02uT%02u:%02u:%02u+01:00\n# public key: %s\n%s\n", rnd_between(1, 10),
		rnd_between(1, 28), rnd(24), rnd(60), rnd(60), age_public(), sec);
}
