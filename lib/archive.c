/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Archives and the compressors we do not decode ourselves (bzip2, xz),
 * through libarchive, reading from a k8a_src so that archives nest:
 * a tar member may itself be a .tar.gz.
 */
#include <errno.h>
#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

#define AR_BLOCK ((size_t)128 << 10)

struct k8a_archive {
	struct archive *a;
	struct k8a_src *lower;
	unsigned char *blk;
	char *err;
	int entry_open;
	struct archive_entry *held; /* a header read past damage, returned next */
};

struct entry_src {
	struct k8a_src s;
	struct k8a_archive *ar;
};

static la_ssize_t
ar_read_cb(struct archive *a, void *arg, const void **buf)
{
	struct k8a_archive *ar = arg;
	ssize_t r = k8a_src_read(ar->lower, ar->blk, AR_BLOCK);

	if (r < 0) {
		archive_set_error(a, -1, "%s", ar->err);
		return -1;
	}
	*buf = ar->blk;
	return r;
}

/* libarchive's message, or ours when it has none; out of memory as every
 * layer says it (the reader makes it fatal). */
static const char *
ar_why(struct archive *a, const char *dflt)
{
	if (archive_errno(a) == ENOMEM)
		return K8A_NOMEM;
	return archive_error_string(a) ? archive_error_string(a) : dflt;
}

struct k8a_archive *
k8a_archive_open(struct k8a_src *lower, char *err)
{
	struct k8a_archive *ar = calloc(1, sizeof(*ar));

	if (ar == NULL || (ar->blk = malloc(AR_BLOCK)) == NULL || (ar->a = archive_read_new()) == NULL) {
		if (ar)
			free(ar->blk);
		free(ar);
		snprintf(err, K8A_ERRLEN, "out of memory");
		return NULL;
	}
	ar->lower = lower;
	ar->err = err;
	/* a format left out for want of memory would make a tar "not an
	 * archive": these fail only so */
	if (archive_read_support_filter_all(ar->a) == ARCHIVE_FATAL ||
	    archive_read_support_format_tar(ar->a) == ARCHIVE_FATAL ||
	    archive_read_support_format_gnutar(ar->a) == ARCHIVE_FATAL ||
	    archive_read_support_format_zip(ar->a) == ARCHIVE_FATAL ||
	    archive_read_support_format_7zip(ar->a) == ARCHIVE_FATAL ||
	    archive_read_support_format_cpio(ar->a) == ARCHIVE_FATAL ||
	    archive_read_support_format_raw(ar->a) == ARCHIVE_FATAL) {
		snprintf(err, K8A_ERRLEN, "%s", K8A_NOMEM);
		archive_read_free(ar->a);
		free(ar->blk);
		free(ar);
		return NULL;
	}
	if (archive_read_open(ar->a, ar, NULL, ar_read_cb, NULL) != ARCHIVE_OK) {
		snprintf(err, K8A_ERRLEN, "%s", ar_why(ar->a, "unreadable archive"));
		archive_read_free(ar->a);
		free(ar->blk);
		free(ar);
		return NULL;
	}
	return ar;
}

static ssize_t
entry_read(struct k8a_src *s, void *buf, size_t n)
{
	struct entry_src *e = (struct entry_src *)s;
	la_ssize_t r = archive_read_data(e->ar->a, buf, n);

	if (r < 0) {
		k8a_src_seterr(s, "%s", ar_why(e->ar->a, "archive read error"));
		return -1;
	}
	return (ssize_t)r;
}

static void
entry_close(struct k8a_src *s)
{
	struct entry_src *e = (struct entry_src *)s;

	e->ar->entry_open = 0;
	free(e);
}

int
k8a_archive_next(struct k8a_archive *ar, struct k8a_src **entry, const char **name)
{
	struct archive_entry *ae;
	struct entry_src *e;
	int r;

	for (;;) {
		int damaged = 0;
		if (ar->held != NULL) {
			ae = ar->held;
			ar->held = NULL;
			r = ARCHIVE_OK;
		} else {
			/* libarchive resynchronises block by block after a
			 * damaged header; that is one problem, said once */
			while ((r = archive_read_next_header(ar->a, &ae)) == ARCHIVE_RETRY) {
				if (!damaged)
					snprintf(ar->err, K8A_ERRLEN, "%s", ar_why(ar->a, "damaged archive member header"));
				damaged = 1;
			}
		}
		if (r == ARCHIVE_EOF)
			return damaged ? K8A_WARN : K8A_EOF;
		if (r == ARCHIVE_FATAL) {
			snprintf(ar->err, K8A_ERRLEN, "%s", ar_why(ar->a, "corrupt archive"));
			return K8A_FAILED;
		}
		if (damaged) {
			ar->held = ae; /* the next good member comes after the warning */
			return K8A_WARN;
		}
		/* ARCHIVE_WARN still gives a usable entry */
		if (archive_format(ar->a) != ARCHIVE_FORMAT_RAW &&
		    archive_entry_filetype(ae) != AE_IFREG)
			continue;
		break;
	}
	if ((e = calloc(1, sizeof(*e))) == NULL) {
		snprintf(ar->err, K8A_ERRLEN, "out of memory");
		return K8A_FATAL;
	}
	e->s.read = entry_read;
	e->s.close = entry_close;
	e->s.err = ar->err;
	e->s.kind = SRC_ENTRY;
	e->ar = ar;
	ar->entry_open = 1;
	*entry = &e->s;
	*name = archive_format(ar->a) == ARCHIVE_FORMAT_RAW ? NULL : archive_entry_pathname(ae);
	return K8A_OK;
}

void
k8a_archive_close(struct k8a_archive *ar)
{
	if (ar == NULL)
		return;
	archive_read_free(ar->a);
	free(ar->blk);
	free(ar);
}
