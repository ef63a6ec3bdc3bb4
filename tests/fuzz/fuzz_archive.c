/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The archive and compression layers (lib/archive.c, lib/gzip.c,
 * lib/zstd.c, lib/stream.c) with well-formed containers around fuzzed
 * contents, which byte mutations of a compressed file seldom reach.  The
 * input is the members' texts, separated by NUL bytes; the first byte
 * picks the container (tar, tar.gz, zip, tar.xz, gzip members, zstd
 * frames, a tar of .gz members, a tar holding a tar.gz of the members),
 * the second which members are empty.
 * Invariants, for any contents:
 *  - the reader returns K8A_OK, K8A_WARN (with a message) or K8A_EOF;
 *  - the records read from the container are, in order, those read from
 *    each member alone (from their concatenation, for gzip members and
 *    zstd frames, which make one stream).
 */
#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "fuzz.h"
#include "private.h"

#define MAXMEMBERS 8

struct text {
	char *p;
	size_t len;
};

enum kind { TAR, TARGZ, ZIP, TARXZ, GZIP, ZSTD, TAR_OF_GZ, TAR_OF_TARGZ, NKINDS };

static void
gzip_to(struct k8a_buf *out, const char *p, size_t n)
{
	z_stream z;
	unsigned char chunk[16384];
	int rc;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		abort();
	z.next_in = (unsigned char *)(uintptr_t)p;
	z.avail_in = (uInt)n;
	do {
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		rc = deflate(&z, Z_FINISH);
		k8a_buf_append(out, chunk, sizeof(chunk) - z.avail_out);
	} while (rc == Z_OK);
	if (rc != Z_STREAM_END)
		abort();
	deflateEnd(&z);
}

static void
zstd_to(struct k8a_buf *out, const char *p, size_t n)
{
	size_t cap = ZSTD_compressBound(n), r;

	if (k8a_buf_reserve(out, out->len + cap) != 0)
		abort();
	r = ZSTD_compress(out->p + out->len, cap, p, n, 3);
	if (ZSTD_isError(r))
		abort();
	out->len += r;
}

/* A tar (gzip, xz: compressed as a whole) or zip of the texts.  xz at its
 * lowest preset: the default's encoder allocates and clears tens of MiB
 * per input, which made this target run 28 inputs a second (now 250); the
 * reader's xz path is the same at any preset.  */
static void
archive_to(struct k8a_buf *out, const struct text *m, size_t nm, int format, int filter, const char *suffix)
{
	struct archive *a = archive_write_new();
	size_t i, total = 0, used = 0;
	char *mem;

	for (i = 0; i < nm; i++)
		total += m[i].len;
	total = total * 2 + 65536 + nm * 1024;
	if ((mem = malloc(total)) == NULL || archive_write_set_format(a, format) != ARCHIVE_OK ||
	    archive_write_add_filter(a, filter) != ARCHIVE_OK || archive_write_set_bytes_in_last_block(a, 1) != ARCHIVE_OK ||
	    (filter == ARCHIVE_FILTER_XZ && archive_write_set_filter_option(a, NULL, "compression-level", "0") != ARCHIVE_OK) ||
	    archive_write_open_memory(a, mem, total, &used) != ARCHIVE_OK)
		fuzz_fail("fuzz_archive", "libarchive: %s", archive_error_string(a));
	for (i = 0; i < nm; i++) {
		struct archive_entry *e = archive_entry_new();
		char name[64];
		snprintf(name, sizeof(name), "logs/part-%zu%s", i, suffix);
		archive_entry_set_pathname(e, name);
		archive_entry_set_size(e, (la_int64_t)m[i].len);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_mtime(e, 1700000000, 0);
		if (archive_write_header(a, e) != ARCHIVE_OK ||
		    (m[i].len && archive_write_data(a, m[i].p, m[i].len) != (la_ssize_t)m[i].len))
			fuzz_fail("fuzz_archive", "libarchive: %s", archive_error_string(a));
		archive_entry_free(e);
	}
	if (archive_write_close(a) != ARCHIVE_OK)
		fuzz_fail("fuzz_archive", "libarchive: %s", archive_error_string(a));
	archive_write_free(a);
	k8a_buf_append(out, mem, used);
	free(mem);
}

/* The records read from buf, appended to out as "text\n" each. */
static void
records(const char *buf, size_t len, struct k8a_buf *out)
{
	k8a_reader *r = k8a_reader_new();
	k8a_event *ev;
	int rc, n = 0;

	if (r == NULL)
		abort();
	k8a_reader_add_memory(r, buf, len, "input");
	while ((rc = k8a_reader_next(r, &ev)) != K8A_EOF && n++ < 100000) {
		const char *raw;
		size_t rn;
		if (rc == K8A_WARN) {
			if (k8a_reader_error(r)[0] == '\0')
				fuzz_fail("fuzz_archive", "a warning without a message");
			continue;
		}
		if (rc != K8A_OK)
			fuzz_fail("fuzz_archive", "k8a_reader_next returned %d: %s", rc, k8a_reader_error(r));
		raw = k8a_event_raw(ev, &rn);
		k8a_buf_append(out, raw, rn);
		k8a_buf_append(out, "\n", 1);
	}
	k8a_reader_free(r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct text m[MAXMEMBERS];
	struct k8a_buf box = { 0 }, inner = { 0 }, got = { 0 }, want = { 0 }, cat = { 0 };
	const char *p, *e;
	size_t nm = 0, i;
	enum kind kind;

	if (size < 2)
		return 0;
	kind = (enum kind)(data[0] % NKINDS);
	for (p = (const char *)data + 2, e = (const char *)data + size;;) {
		const char *z = memchr(p, '\0', (size_t)(e - p));
		m[nm].p = (char *)(uintptr_t)p;
		m[nm].len = (data[1] >> nm) & 1 ? 0 : z ? (size_t)(z - p) : (size_t)(e - p);
		if (z == NULL || ++nm == MAXMEMBERS)
			break;
		p = z + 1;
	}
	if (nm < MAXMEMBERS)
		nm++; /* the last member, without a NUL after it */

	switch (kind) {
	case TAR:
		archive_to(&box, m, nm, ARCHIVE_FORMAT_TAR_PAX_RESTRICTED, ARCHIVE_FILTER_NONE, ".log");
		break;
	case TARGZ:
		archive_to(&box, m, nm, ARCHIVE_FORMAT_TAR_USTAR, ARCHIVE_FILTER_GZIP, ".jsonl");
		break;
	case ZIP:
		archive_to(&box, m, nm, ARCHIVE_FORMAT_ZIP, ARCHIVE_FILTER_NONE, ".json");
		break;
	case TARXZ:
		archive_to(&box, m, nm, ARCHIVE_FORMAT_TAR_USTAR, ARCHIVE_FILTER_XZ, ".log");
		break;
	case GZIP:
	case ZSTD:
		for (i = 0; i < nm; i++) {
			if (kind == GZIP)
				gzip_to(&box, m[i].p, m[i].len);
			else
				zstd_to(&box, m[i].p, m[i].len);
			k8a_buf_append(&cat, m[i].p, m[i].len);
		}
		break;
	case TAR_OF_GZ: {
		struct text gz[MAXMEMBERS];
		struct k8a_buf each[MAXMEMBERS];
		memset(each, 0, sizeof(each));
		for (i = 0; i < nm; i++) {
			gzip_to(&each[i], m[i].p, m[i].len);
			gz[i].p = each[i].p;
			gz[i].len = each[i].len;
		}
		archive_to(&box, gz, nm, ARCHIVE_FORMAT_TAR_USTAR, ARCHIVE_FILTER_NONE, ".log.gz");
		for (i = 0; i < nm; i++)
			k8a_buf_free(&each[i]);
		break;
	}
	case TAR_OF_TARGZ: {
		struct text t;
		archive_to(&inner, m, nm, ARCHIVE_FORMAT_TAR_USTAR, ARCHIVE_FILTER_GZIP, ".log");
		t.p = inner.p;
		t.len = inner.len;
		archive_to(&box, &t, 1, ARCHIVE_FORMAT_TAR_USTAR, ARCHIVE_FILTER_NONE, ".tar.gz");
		break;
	}
	default:
		abort();
	}
	if (box.failed || cat.failed)
		abort();

	records(box.p, box.len, &got);
	if (kind == GZIP || kind == ZSTD)
		records(cat.p ? cat.p : "", cat.len, &want);
	else
		for (i = 0; i < nm; i++)
			records(m[i].p, m[i].len, &want);
	if (got.len != want.len || (got.len && memcmp(got.p, want.p, got.len) != 0))
		fuzz_fail("fuzz_archive", "container %d of %zu members: records differ from the members'\n"
			"--- read from the container\n%.*s--- read from the members\n%.*s",
			(int)kind, nm, (int)(got.len > 2000 ? 2000 : got.len), got.p ? got.p : "",
			(int)(want.len > 2000 ? 2000 : want.len), want.p ? want.p : "");
	k8a_buf_free(&box);
	k8a_buf_free(&inner);
	k8a_buf_free(&cat);
	k8a_buf_free(&got);
	k8a_buf_free(&want);
	return 0;
}
