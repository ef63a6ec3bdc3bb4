/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What the fuzz targets share (tests/fuzz/support.c):
 *  - fuzz_file(): the input as a file, for parsers that read a path;
 *  - fuzz_diag_begin()/fuzz_diag_end(): the tools' diagnostics (stderr)
 *    caught in memory and checked to be escaped: a parser's message must
 *    never carry a raw control byte of the input to a terminal.
 * A target built with -DK8A_FUZZ_STANDALONE links tests/fuzz/replay.c, a
 * main() that replays the files named on its command line; built with
 * -fsanitize=fuzzer it is a libFuzzer target.
 */
#ifndef K8A_FUZZ_H
#define K8A_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The real stderr, for a target's own messages while diagnostics are caught. */
extern FILE *fuzz_stderr;

/* data[0..size) written to a file whose name ends in suffix (one file per
 * process, rewritten each call); its path.  Aborts when it cannot. */
const char *fuzz_file(const uint8_t *data, size_t size, const char *suffix);

/* Catch what is written to stderr until fuzz_diag_end(), which aborts when
 * the text holds a control byte other than a newline, or a line that does
 * not start with "prog: ".  Returns the number of lines. */
void fuzz_diag_begin(void);
size_t fuzz_diag_end(const char *prog);

/* Abort with a message on the real stderr. */
void fuzz_fail(const char *target, const char *fmt, ...) __attribute__((format(printf, 2, 3), noreturn));

#endif
