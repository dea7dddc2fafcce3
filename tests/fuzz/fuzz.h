/* SPDX-License-Identifier: MIT */
/*
 * fuzz.h - libFuzzer harnesses of the inputs defersim reads from users (tests/fuzz/):
 * trace.dat / .dsev files (fuzz_trace.c), hardware profiles (fuzz_profile.c), sweep files
 * (fuzz_sweep.c).  Each defines LLVMFuzzerTestOneInput(); built with clang's
 * -fsanitize=fuzzer by `scripts/fuzz` (meson option fuzz=true), and with smoke.c's main() as a
 * plain program the normal suite runs over a seed corpus.  An input may be refused with an
 * error (that is the point); it must never crash, hang or leak.
 */
#ifndef DS_FUZZ_H
#define DS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fuzz_write() - @data into a new temporary file named *@suffix; g_free() the path, unlink it */
char *fuzz_write(const uint8_t *data, size_t size, const char *suffix);

#endif
