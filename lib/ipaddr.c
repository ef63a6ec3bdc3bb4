/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Which kind of address a text is: public, or in the ranges that never
 * route on the Internet (private, shared, loopback, link-local, unique
 * local).  One definition for the expression language ("ip is public")
 * and the tools' own checks.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

int
k8a_ip_class(const char *s, size_t n)
{
	static const unsigned char lo6[16] = { [15] = 1 }, any6[16] = { 0 };
	char tmp[INET6_ADDRSTRLEN + 8];
	unsigned char a[16];
	const unsigned char *v4 = NULL;

	if (s == NULL || n == 0 || n >= sizeof(tmp))
		return K8A_IP_NONE;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (inet_pton(AF_INET, tmp, a) == 1)
		v4 = a;
	else if (inet_pton(AF_INET6, tmp, a) == 1) {
		if (memcmp(a, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0)
			v4 = a + 12; /* IPv4-mapped: the IPv4 address decides */
		else if (memcmp(a, lo6, 16) == 0 || memcmp(a, any6, 16) == 0 || (a[0] & 0xfe) == 0xfc ||
			 (a[0] == 0xfe && (a[1] & 0xc0) == 0x80))
			return K8A_IP_PRIVATE; /* loopback, unspecified, unique local, link-local */
		else
			return K8A_IP_PUBLIC;
	} else
		return K8A_IP_NONE;
	/* 0/8, 10/8, 100.64/10 (shared), 127/8, 169.254/16, 172.16/12, 192.168/16 */
	if (v4[0] == 0 || v4[0] == 10 || v4[0] == 127 || (v4[0] == 100 && (v4[1] & 0xc0) == 64) ||
	    (v4[0] == 169 && v4[1] == 254) || (v4[0] == 172 && (v4[1] & 0xf0) == 16) ||
	    (v4[0] == 192 && v4[1] == 168))
		return K8A_IP_PRIVATE;
	return K8A_IP_PUBLIC;
}

/* An address text into 16 bytes (IPv4 mapped into IPv6): 0, or -1. */
static int
addr16(const char *s, size_t n, unsigned char a[16])
{
	char tmp[INET6_ADDRSTRLEN + 8];

	if (s == NULL || n == 0 || n >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (inet_pton(AF_INET, tmp, a + 12) == 1) {
		memcpy(a, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12);
		return 0;
	}
	return inet_pton(AF_INET6, tmp, a) == 1 ? 0 : -1;
}

int
k8a_cidr_parse(const char *s, size_t n, struct k8a_cidr *c)
{
	const char *slash = memchr(s, '/', n);
	size_t an = slash ? (size_t)(slash - s) : n;
	long bits;
	char *end, tmp[8];
	int v4;

	if (addr16(s, an, c->net) != 0)
		return -1;
	v4 = memchr(s, ':', an) == NULL;
	if (slash == NULL) {
		c->bits = 128;
		return 0;
	}
	if (n - an - 1 == 0 || n - an - 1 >= sizeof(tmp))
		return -1;
	memcpy(tmp, slash + 1, n - an - 1);
	tmp[n - an - 1] = '\0';
	bits = strtol(tmp, &end, 10);
	if (*end != '\0' || tmp[0] == '-' || tmp[0] == '+' || bits > (v4 ? 32 : 128))
		return -1;
	c->bits = (int)bits + (v4 ? 96 : 0);
	return 0;
}

int
k8a_cidr_contains(const struct k8a_cidr *c, const char *s, size_t n)
{
	unsigned char a[16];
	int i;

	if (addr16(s, n, a) != 0)
		return 0;
	for (i = 0; i < 16; i++) {
		int keep = c->bits - i * 8;
		unsigned char m = keep >= 8 ? 0xff : keep <= 0 ? 0 : (unsigned char)(0xff << (8 - keep));
		if ((a[i] & m) != (c->net[i] & m))
			return 0;
	}
	return 1;
}
