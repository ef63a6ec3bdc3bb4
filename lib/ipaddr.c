/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Which kind of address a text is: public, or in the ranges that never
 * route on the Internet (private, shared, loopback, link-local, unique
 * local).  One definition for the expression language ("ip is public")
 * and the tools' own checks.
 */
#include <arpa/inet.h>
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
