/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The key of the fingerprints.  One key per case: fingerprints made with
 * it can be compared across runs and reports of the case, and cannot be
 * tested against guessed passwords by anyone without it.  It is kept
 * outside the evidence: --fingerprint-key FILE, else the file named by
 * $K8SAUDIT_FINGERPRINT_KEY, else ${XDG_CONFIG_HOME:-$HOME/.config}/
 * k8saudit/fingerprint.key, created on first use (mode 0600, 32 random
 * bytes from getrandom(2), written as hex).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scan.h"

#define KEY_BYTES 32
#define KEY_MAX 4096

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The key in buf: hex text (at least 32 digits) is decoded, anything else
 * (at least 16 bytes) is the key as it is. */
static int
key_parse(const char *path, const unsigned char *buf, size_t n, unsigned char **key, size_t *len)
{
	size_t a = 0, b = n, i;
	int hex = 1;

	while (a < b && strchr(" \t\r\n", buf[a]))
		a++;
	while (b > a && strchr(" \t\r\n", buf[b - 1]))
		b--;
	for (i = a; i < b && hex; i++)
		hex = hexval(buf[i]) >= 0;
	if (hex && b - a >= 32 && (b - a) % 2 == 0) {
		if ((*key = malloc((b - a) / 2)) == NULL)
			goto nomem;
		for (i = 0; i < (b - a) / 2; i++)
			(*key)[i] = (unsigned char)(hexval(buf[a + 2 * i]) << 4 | hexval(buf[a + 2 * i + 1]));
		*len = (b - a) / 2;
		return 0;
	}
	if (n < 16) {
		fe_diag(path, "a fingerprint key needs at least 16 bytes (or 32 hex digits), this file has %zu", n);
		return -1;
	}
	if ((*key = malloc(n)) == NULL)
		goto nomem;
	memcpy(*key, buf, n);
	*len = n;
	return 0;
nomem:
	fe_diag(NULL, "out of memory");
	return -1;
}

static int
key_read(const char *path, unsigned char **key, size_t *len)
{
	unsigned char buf[KEY_MAX];
	ssize_t r;
	size_t n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		fe_diag(path, "cannot read the fingerprint key: %s", strerror(errno));
		return -1;
	}
	while (n < sizeof(buf) && (r = read(fd, buf + n, sizeof(buf) - n)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			fe_diag(path, "cannot read the fingerprint key: %s", strerror(errno));
			close(fd);
			return -1;
		}
		n += (size_t)r;
	}
	close(fd);
	if (n == sizeof(buf)) {
		fe_diag(path, "a fingerprint key file is at most %d bytes", KEY_MAX - 1);
		return -1;
	}
	return key_parse(path, buf, n, key, len);
}

/* mkdir -p with mode 0700 for what is created. */
static int
mkdirs(char *dir)
{
	char *s;

	for (s = dir + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
			*s = '/';
			return -1;
		}
		*s = '/';
	}
	return mkdir(dir, 0700) != 0 && errno != EEXIST ? -1 : 0;
}

/* Create the key file; 1 created, 0 someone else did first, -1 failed. */
static int
key_create(const char *path)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char k[KEY_BYTES];
	char text[2 * KEY_BYTES + 1];
	char *dir = strdup(path), *slash;
	size_t i, got = 0;
	int fd;

	if (dir == NULL)
		return -1;
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (mkdirs(dir) != 0) {
			fe_diag(dir, "cannot create the directory of the fingerprint key: %s", strerror(errno));
			free(dir);
			return -1;
		}
	}
	free(dir);
	while (got < sizeof(k)) {
		ssize_t r = getrandom(k + got, sizeof(k) - got, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			fe_diag(NULL, "getrandom: %s", strerror(errno));
			return -1;
		}
		got += (size_t)r;
	}
	for (i = 0; i < sizeof(k); i++) {
		text[2 * i] = hex[k[i] >> 4];
		text[2 * i + 1] = hex[k[i] & 15];
	}
	text[2 * KEY_BYTES] = '\n';
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)) < 0) {
		if (errno == EEXIST)
			return 0;
		fe_diag(path, "cannot create the fingerprint key: %s", strerror(errno));
		return -1;
	}
	if (write(fd, text, sizeof(text)) != (ssize_t)sizeof(text) || fsync(fd) != 0 || close(fd) != 0) {
		fe_diag(path, "cannot write the fingerprint key: %s", strerror(errno));
		unlink(path);
		return -1;
	}
	return 1;
}

int
key_load(const char *file, unsigned char **key, size_t *len)
{
	const char *env = getenv("K8SAUDIT_FINGERPRINT_KEY"), *base;
	char path[4096];
	struct stat st;
	int r;

	if (file)
		return key_read(file, key, len);
	if (env && *env)
		snprintf(path, sizeof(path), "%s", env);
	else if ((base = getenv("XDG_CONFIG_HOME")) != NULL && *base == '/')
		snprintf(path, sizeof(path), "%s/k8saudit/fingerprint.key", base);
	else if ((base = getenv("HOME")) != NULL && *base)
		snprintf(path, sizeof(path), "%s/.config/k8saudit/fingerprint.key", base);
	else {
		fe_diag(NULL, "no fingerprint key: give --fingerprint-key FILE (neither $K8SAUDIT_FINGERPRINT_KEY nor $HOME is set)");
		return -1;
	}
	if (stat(path, &st) != 0) {
		if (errno != ENOENT) {
			fe_diag(path, "cannot read the fingerprint key: %s", strerror(errno));
			return -1;
		}
		if ((r = key_create(path)) < 0)
			return -1;
		if (r == 1)
			fe_diag(NULL, "created the fingerprint key %s: keep it with the case, fingerprints made with another key differ", path);
	}
	return key_read(path, key, len);
}
