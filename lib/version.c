/* SPDX-License-Identifier: BSD-2-Clause */
/* Versions and return-code names. */

#include <archive.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <zstd.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "private.h"

const char *
k8a_strerror(int code)
{
	switch (code) {
	case K8A_OK: return "success";
	case K8A_EOF: return "end of input";
	case K8A_WARN: return "record or input skipped";
	case K8A_FAILED: return "operation failed";
	case K8A_FATAL: return "fatal error";
	default: return "unknown error";
	}
}

const char *
k8a_version_details(void)
{
	static __thread char buf[256];
	char pcre[32] = "";

	pcre2_config(PCRE2_CONFIG_VERSION, pcre);
	snprintf(buf, sizeof(buf), "libk8saudit %s jansson/%s zstd/%s %s pcre2/%s gzip/%s libcrypto/%s",
		K8A_VERSION_STRING, JANSSON_VERSION, ZSTD_versionString(),
		archive_version_string(), pcre,
#ifdef HAVE_ISAL
		"isa-l",
#else
		"zlib",
#endif
#ifdef OPENSSL_VERSION_STRING
		OpenSSL_version(OPENSSL_VERSION_STRING)
#else
		OpenSSL_version(OPENSSL_VERSION)
#endif
	);
	return buf;
}
