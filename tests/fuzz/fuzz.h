/* SPDX-License-Identifier: MIT */
/*
 * fuzz.h - libFuzzer harnesses of the inputs defersim reads from users (tests/fuzz/):
 * trace.dat / .dsev files (fuzz_trace.c), synthetic event files read and simulated
 * (fuzz_dsev.c), binary caches (fuzz_cache.c), hardware profiles (fuzz_profile.c), sweep files
 * (fuzz_sweep.c), ring-buffer pages read by the page decoder (fuzz_pagedec.c).  Each defines LLVMFuzzerTestOneInput(); built with clang's
 * -fsanitize=fuzzer by `scripts/fuzz` (meson option fuzz=true), and with smoke.c's main() as a
 * plain program the normal suite runs over a seed corpus and tests/fuzz/regressions/.  An
 * input may be refused with an error (that is the point); it must never crash, hang or leak.
 */
#ifndef DS_FUZZ_H
#define DS_FUZZ_H

#include <stddef.h>
#include <stdint.h>

struct ds_source;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fuzz_write() - @data into a new temporary file named *@suffix; g_free() the path, unlink it */
char *fuzz_write(const uint8_t *data, size_t size, const char *suffix);

/*
 * fuzz_fix_digest() - store in the last 16 bytes of @data the MD5 the .dsev and cache readers
 * expect (of what follows the @header_len-byte header, then of the header), so that a mutation
 * reaches the checks behind the checksum instead of stopping at it; inputs shorter than a
 * header and a digest are left alone
 */
void fuzz_fix_digest(uint8_t *data, size_t size, size_t header_len);

/*
 * fuzz_simulate() - ds_sim_run() of @src on @cpus CPUs (a small count: the input's CPU count
 * could be 65536), policy and pool size picked by @choice, with the invariants checked; traps
 * when one fails.  The run may refuse the stream.
 */
void fuzz_simulate(struct ds_source *src, unsigned int cpus, unsigned int choice);

#endif
