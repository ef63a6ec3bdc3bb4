/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * IP address lists for --ip-list and --tor-exits: one address or CIDR per
 * line, '#' comments, blank lines ignored.  The Tor project's exit-list
 * format ("ExitAddress 1.2.3.4 <date>") is read too.  IPv4 is kept as
 * IPv4-mapped IPv6 so one lookup serves both families.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "findings.h"

struct ent {
	unsigned char net[16];
	int bits;      /* prefix length over the 128-bit form */
	char *text;
};

struct iplist {
	struct ent *e;
	size_t n;
	int lens[129]; /* which prefix lengths occur */
	int sorted;
};

static const unsigned char v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

/* Parse an address into 16 bytes; *v4 set for IPv4.  0 or -1. */
static int
parse_addr(const char *s, unsigned char out[16], int *v4)
{
	struct in_addr a4;
	char tmp[64];
	size_t n = strlen(s);

	if (n >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, n + 1);
	/* "[::1]" and a "%zone" suffix are tolerated */
	if (tmp[0] == '[' && n > 2 && tmp[n - 1] == ']') {
		memmove(tmp, tmp + 1, n - 2);
		tmp[n - 2] = '\0';
	}
	if (strchr(tmp, '%'))
		*strchr(tmp, '%') = '\0';
	if (inet_pton(AF_INET, tmp, &a4) == 1) {
		memcpy(out, v4mapped, 12);
		memcpy(out + 12, &a4, 4);
		*v4 = 1;
		return 0;
	}
	*v4 = 0;
	return inet_pton(AF_INET6, tmp, out) == 1 ? 0 : -1;
}

static void
mask(unsigned char a[16], int bits)
{
	int i;

	for (i = 0; i < 16; i++) {
		int keep = bits - i * 8;
		if (keep >= 8)
			continue;
		a[i] &= keep <= 0 ? 0 : (unsigned char)(0xff << (8 - keep));
	}
}

static int
cmp_ent(const void *a, const void *b)
{
	const struct ent *x = a, *y = b;

	if (x->bits != y->bits)
		return x->bits - y->bits;
	return memcmp(x->net, y->net, 16);
}

struct iplist *
iplist_new(void)
{
	return calloc(1, sizeof(struct iplist));
}

int
iplist_add(struct iplist *l, const char *cidr, const char *text)
{
	char tmp[128], *slash;
	unsigned char a[16];
	int v4, bits = -1;
	struct ent *ne;
	size_t n = strlen(cidr);

	if (n >= sizeof(tmp))
		return -1;
	memcpy(tmp, cidr, n + 1);
	if ((slash = strchr(tmp, '/')) != NULL) {
		char *e2;
		*slash = '\0';
		bits = (int)strtol(slash + 1, &e2, 10);
		if (e2 == slash + 1 || *e2 || bits < 0)
			return -1;
	}
	if (parse_addr(tmp, a, &v4) != 0 || (v4 && bits > 32) || bits > 128)
		return -1;
	bits = bits < 0 ? 128 : v4 ? bits + 96 : bits;
	mask(a, bits);
	if ((ne = realloc(l->e, (l->n + 1) * sizeof(*ne))) == NULL)
		return -2;
	l->e = ne;
	if ((ne[l->n].text = strdup(text ? text : cidr)) == NULL)
		return -2;
	memcpy(l->e[l->n].net, a, 16);
	l->e[l->n].bits = bits;
	l->lens[bits] = 1;
	l->n++;
	l->sorted = 0;
	return 0;
}

void
iplist_sort(struct iplist *l)
{
	if (l->n && !l->sorted)
		qsort(l->e, l->n, sizeof(*l->e), cmp_ent);
	l->sorted = 1;
}

struct iplist *
iplist_load(const char *path, int *errors)
{
	struct fe_lines lr;
	struct iplist *l;
	char *line;
	int rc;

	if (fe_lines_open(&lr, path) != 0) {
		(*errors)++;
		return NULL;
	}
	if ((l = iplist_new()) == NULL) {
		fe_nomem_diag(path);
		fe_lines_close(&lr);
		(*errors)++;
		return NULL;
	}
	while ((rc = fe_lines_next(&lr, &line)) == 1) {
		char *s = line, *end, where[4200];
		int added;

		if ((end = strchr(s, '#')) != NULL)
			*end = '\0';
		while (isspace((unsigned char)*s))
			s++;
		if (strncmp(s, "ExitAddress", 11) == 0 && isspace((unsigned char)s[11]))
			for (s += 11; isspace((unsigned char)*s); s++)
				;
		else if (strncmp(s, "ExitNode", 8) == 0 || strncmp(s, "Published", 9) == 0 ||
			 strncmp(s, "LastStatus", 10) == 0)
			continue;
		for (end = s; *end && !isspace((unsigned char)*end) && *end != ','; end++)
			;
		*end = '\0';
		if (*s == '\0')
			continue;
		if ((added = iplist_add(l, s, NULL)) == -2) {
			fe_nomem_diag(path);
			rc = -1;
			break;
		}
		if (added != 0) {
			snprintf(where, sizeof(where), "%s:%u", path, lr.lineno);
			fe_diag(where, "not an IP address or CIDR: '%s'", s);
			(*errors)++;
		}
	}
	fe_lines_close(&lr);
	/* a list cut short, or an empty one, would make its rules report
	 * nothing, and that must not look like "no match" */
	if (rc == 0 && l->n == 0) {
		fe_diag(path, "no addresses in this list");
		rc = -1;
	}
	if (rc < 0) {
		(*errors)++;
		iplist_free(l);
		return NULL;
	}
	iplist_sort(l);
	return l;
}

void
iplist_free(struct iplist *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		free(l->e[i].text);
	free(l->e);
	free(l);
}

size_t
iplist_count(const struct iplist *l)
{
	return l ? l->n : 0;
}

int
iplist_match(const struct iplist *l, const char *addr, const char **hit)
{
	unsigned char a[16];
	int v4, bits;

	if (l == NULL || addr == NULL || parse_addr(addr, a, &v4) != 0)
		return 0;
	for (bits = 128; bits >= 0; bits--) {
		struct ent key, *e;
		if (!l->lens[bits])
			continue;
		memcpy(key.net, a, 16);
		mask(key.net, bits);
		key.bits = bits;
		e = bsearch(&key, l->e, l->n, sizeof(*l->e), cmp_ent);
		if (e) {
			if (hit)
				*hit = e->text;
			return 1;
		}
	}
	return 0;
}
