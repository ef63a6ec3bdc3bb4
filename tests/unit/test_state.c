/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The analysis state (lib/state.c, k8saudit-state(5)): a round trip, the
 * objects a reader skips, and every way a state file can be bad.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test.h"

static char dir[256];

static void
mkdir_tmp(void)
{
	snprintf(dir, sizeof(dir), "%s/k8a-state-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(dir) == NULL)
		abort();
}

static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	if (fp == NULL)
		abort();
	fputs(text, fp);
	fclose(fp);
}

static void
rm_tmp(void)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		abort();
}

/* The events a reader over dir/logs with the state st returns. */
static int
count_events(k8a_state *st, const char *logs)
{
	k8a_reader *r = k8a_reader_new();
	k8a_event *ev;
	int rc, n = 0;

	k8a_reader_set_state(r, st);
	k8a_reader_add_path(r, logs);
	while ((rc = k8a_reader_next(r, &ev)) != K8A_EOF)
		if (rc == K8A_OK)
			n++;
	k8a_reader_free(r);
	return n;
}

#define EV(id) "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"" id "\",\"stage\":\"ResponseComplete\",\"verb\":\"get\",\"user\":{\"username\":\"u\"},\"stageTimestamp\":\"2024-01-01T00:00:00Z\"}\n"

K8A_TEST(state_objects_skipped_rewritten_read_again)
{
	char logs[300], f1[320], f2[320], sp[300];
	k8a_state *st;
	const void *sec;
	size_t len;

	mkdir_tmp();
	snprintf(logs, sizeof(logs), "%s/logs", dir);
	snprintf(f1, sizeof(f1), "%s/a.jsonl", logs);
	snprintf(f2, sizeof(f2), "%s/b.jsonl", logs);
	snprintf(sp, sizeof(sp), "%s/s.k8a", dir);
	mkdir(logs, 0755);
	write_file(f1, EV("1") EV("2"));

	st = k8a_state_new(sp, "test");
	REQUIRE(st != NULL);
	CHECK_EQ_INT(k8a_state_lock(st), K8A_OK);
	CHECK_EQ_INT(k8a_state_load(st), K8A_OK); /* none yet */
	CHECK_EQ_INT(count_events(st, logs), 2);
	CHECK_EQ_INT(k8a_state_set_section(st, "test", "hello", 5), K8A_OK);
	CHECK_EQ_INT(k8a_state_save(st), K8A_OK);
	k8a_state_free(st);

	/* a new object is read, the old one skipped */
	write_file(f2, EV("3"));
	st = k8a_state_new(sp, "test");
	CHECK_EQ_INT(k8a_state_load(st), K8A_OK);
	sec = k8a_state_section(st, "test", &len);
	CHECK_EQ_MEM(sec, len, "hello", 5);
	CHECK_EQ_INT(count_events(st, logs), 1);
	CHECK_EQ_INT(k8a_state_skipped(st), 1);
	CHECK_EQ_INT(k8a_state_save(st), K8A_OK);
	k8a_state_free(st);

	/* nothing new: nothing read */
	st = k8a_state_new(sp, "test");
	CHECK_EQ_INT(k8a_state_load(st), K8A_OK);
	CHECK_EQ_INT(count_events(st, logs), 0);
	k8a_state_free(st);

	/* a rewritten object is read again; so is an object under another
	 * name (the identity is the path below the argument) */
	write_file(f1, EV("1") EV("2") EV("4"));
	st = k8a_state_new(sp, "test");
	CHECK_EQ_INT(k8a_state_load(st), K8A_OK);
	CHECK_EQ_INT(count_events(st, logs), 3);
	k8a_state_free(st);
	rm_tmp();
}

K8A_TEST(state_lock_refuses_second_run)
{
	char sp[300];
	k8a_state *a, *b;

	mkdir_tmp();
	snprintf(sp, sizeof(sp), "%s/s.k8a", dir);
	a = k8a_state_new(sp, "test");
	b = k8a_state_new(sp, "test");
	CHECK_EQ_INT(k8a_state_lock(a), K8A_OK);
	CHECK_EQ_INT(k8a_state_lock(b), K8A_FAILED);
	CHECK(strstr(k8a_state_error(b), "locked by another run") != NULL);
	CHECK(strstr(k8a_state_error(b), sp) != NULL);
	k8a_state_free(a);
	CHECK_EQ_INT(k8a_state_lock(b), K8A_OK); /* released with the handle */
	k8a_state_free(b);
	rm_tmp();
}

/* Load the file as it is now: K8A_FAILED with a message holding want. */
static void
check_bad(const char *sp, const char *tool, const char *want)
{
	k8a_state *st = k8a_state_new(sp, tool);

	CHECK_EQ_INT(k8a_state_load(st), K8A_FAILED);
	if (!CHECK(strstr(k8a_state_error(st), want) != NULL))
		fprintf(stderr, "  message: %s\n", k8a_state_error(st));
	CHECK(strncmp(k8a_state_error(st), sp, strlen(sp)) == 0);
	k8a_state_free(st);
}

static long
file_size(const char *p)
{
	struct stat sb;

	return stat(p, &sb) == 0 ? (long)sb.st_size : -1;
}

static void
patch_byte(const char *p, long off, unsigned char v)
{
	int fd = open(p, O_WRONLY);

	if (fd < 0 || pwrite(fd, &v, 1, off) != 1)
		abort();
	close(fd);
}

K8A_TEST(state_bad_files_are_errors)
{
	char sp[300];
	k8a_state *st;
	long n;

	mkdir_tmp();
	snprintf(sp, sizeof(sp), "%s/s.k8a", dir);
	st = k8a_state_new(sp, "test");
	CHECK_EQ_INT(k8a_state_set_section(st, "test", "some state of the tool", 22), K8A_OK);
	CHECK_EQ_INT(k8a_state_set_section(st, "objects", "x", 1), K8A_FAILED);
	CHECK_EQ_INT(k8a_state_save(st), K8A_OK);
	k8a_state_free(st);
	n = file_size(sp);
	REQUIRE(n > 72);

	check_bad(sp, "other", "a state of test, not of other");
	patch_byte(sp, 8, 9);
	check_bad(sp, "test", "state format version 9");
	patch_byte(sp, 8, 1);
	patch_byte(sp, 0, 'X');
	check_bad(sp, "test", "foreign");
	patch_byte(sp, 0, 'K');
	patch_byte(sp, 50, 0); /* the checksum */
	patch_byte(sp, 51, 0);
	check_bad(sp, "test", "checksum does not match");
	if (truncate(sp, n - 3) != 0)
		abort();
	check_bad(sp, "test", "truncated");
	if (truncate(sp, 10) != 0)
		abort();
	check_bad(sp, "test", "truncated");
	write_file(sp, "{\"Records\":[]}\n................................................................\n");
	check_bad(sp, "test", "foreign");
	rm_tmp();
}

/* A header that claims a payload of nearly 1 GiB over a frame of a few
 * bytes is refused as truncated, with memory taken as the frame grows,
 * not as the header claims: checked under a 256 MiB address-space limit
 * (not in sanitizer builds, whose shadow memory needs more). */
K8A_TEST(state_claimed_length_takes_no_memory)
{
#if defined(__SANITIZE_ADDRESS__)
	return;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
	return;
#endif
#endif
	char sp[300];
	k8a_state *st;
	pid_t pid;
	int status;

	mkdir_tmp();
	snprintf(sp, sizeof(sp), "%s/s.k8a", dir);
	st = k8a_state_new(sp, "test");
	CHECK_EQ_INT(k8a_state_set_section(st, "test", "x", 1), K8A_OK);
	CHECK_EQ_INT(k8a_state_save(st), K8A_OK);
	k8a_state_free(st);
	patch_byte(sp, 35, 0x3f); /* the payload's length: + 0x3f000000 */
	fflush(NULL);
	if ((pid = fork()) == 0) {
		struct rlimit rl = { (rlim_t)256 << 20, (rlim_t)256 << 20 };
		const char *msg;
		int rc;
		if (setrlimit(RLIMIT_AS, &rl) != 0)
			_exit(3);
		st = k8a_state_new(sp, "test");
		rc = k8a_state_load(st);
		msg = k8a_state_error(st);
		if (rc != K8A_FAILED || strstr(msg, "truncated") == NULL) {
			fprintf(stderr, "  load: %d, %s\n", rc, rc == K8A_FAILED ? msg : "");
			_exit(1);
		}
		_exit(0);
	}
	REQUIRE(pid > 0);
	REQUIRE(waitpid(pid, &status, 0) == pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	rm_tmp();
}

K8A_TEST(state_output_truncated_to_committed)
{
	char sp[300], out[300];
	k8a_state *st;
	int fd;

	mkdir_tmp();
	snprintf(sp, sizeof(sp), "%s/s.k8a", dir);
	snprintf(out, sizeof(out), "%s/out", dir);
	write_file(out, "before\n"); /* not ours: kept */
	st = k8a_state_new(sp, "test");
	fd = k8a_state_output_open(st, out);
	REQUIRE(fd >= 0);
	CHECK(write(fd, "one\n", 4) == 4);
	CHECK_EQ_INT(k8a_state_output_commit(st, fd), K8A_OK);
	CHECK_EQ_INT(k8a_state_save(st), K8A_OK);
	CHECK(write(fd, "two\n", 4) == 4); /* a run killed before its commit */
	close(fd);
	k8a_state_free(st);
	CHECK_EQ_INT(file_size(out), 15);

	st = k8a_state_new(sp, "test");
	CHECK_EQ_INT(k8a_state_load(st), K8A_OK);
	fd = k8a_state_output_open(st, out);
	REQUIRE(fd >= 0);
	CHECK_EQ_INT(file_size(out), 11); /* "two" taken back */
	close(fd);
	k8a_state_free(st);

	/* rotated: a new file is committed as it is */
	unlink(out);
	write_file(out, "x\n");
	st = k8a_state_new(sp, "test");
	CHECK_EQ_INT(k8a_state_load(st), K8A_OK);
	fd = k8a_state_output_open(st, out);
	REQUIRE(fd >= 0);
	CHECK_EQ_INT(file_size(out), 2);
	close(fd);
	k8a_state_free(st);
	rm_tmp();
}

/* --limit state=SIZE (k8a_state_set_limit): a state over the limit is not
 * saved (the next run would refuse it) and not loaded, each said with the
 * limit; a raised limit takes both. */
K8A_TEST(state_limit_refuses_and_raises)
{
	char sp[300], *big;
	k8a_state *st;
	size_t n = (size_t)3 << 20;

	mkdir_tmp();
	snprintf(sp, sizeof(sp), "%s/s.k8a", dir);
	REQUIRE((big = malloc(n)) != NULL);
	memset(big, 'x', n);
	st = k8a_state_new(sp, "test");
	CHECK_EQ_INT(k8a_state_set_limit(st, 1000), K8A_FAILED); /* under 1 MiB */
	CHECK_EQ_INT(k8a_state_set_limit(st, (uint64_t)2 << 40), K8A_FAILED);
	CHECK_EQ_INT(k8a_state_set_limit(st, (uint64_t)2 << 20), K8A_OK);
	CHECK_EQ_INT(k8a_state_set_section(st, "test", big, n), K8A_OK);
	CHECK_EQ_INT(k8a_state_save(st), K8A_FAILED);
	CHECK(strstr(k8a_state_error(st), "over the 2 MiB a state may be (--limit state=SIZE raises it)") != NULL);
	CHECK(access(sp, F_OK) != 0); /* nothing written */
	CHECK_EQ_INT(k8a_state_set_limit(st, (uint64_t)4 << 20), K8A_OK);
	CHECK_EQ_INT(k8a_state_save(st), K8A_OK);
	k8a_state_free(st);
	st = k8a_state_new(sp, "test");
	CHECK_EQ_INT(k8a_state_set_limit(st, (uint64_t)2 << 20), K8A_OK);
	CHECK_EQ_INT(k8a_state_load(st), K8A_FAILED);
	CHECK(strstr(k8a_state_error(st), "over the 2 MiB a state may be") != NULL);
	k8a_state_free(st);
	st = k8a_state_new(sp, "test"); /* the default, 1 GiB */
	CHECK_EQ_INT(k8a_state_load(st), K8A_OK);
	k8a_state_free(st);
	free(big);
	rm_tmp();
}
