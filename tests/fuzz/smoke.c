// SPDX-License-Identifier: MIT
/*
 * smoke.c - a harness as a plain program (no libFuzzer): runs LLVMFuzzerTestOneInput() on
 * every file named, and on truncations and byte flips of each (seeded, deterministic), and
 * prints TAP.  The normal suite runs it over seed files so the harnesses always build and
 * run; `scripts/fuzz` does the real fuzzing with clang.
 */
#include <stdio.h>
#include <glib.h>

#include "fuzz.h"

/* The trace harness is smoke-run without bit flips: a flipped byte inside a compressed CPU
 * section still crashes libtracecmd's reader in this process (issue 12: known, open); the
 * real fuzzer (scripts/fuzz) looks for exactly that. */
#ifndef SMOKE_FLIPS
#define SMOKE_FLIPS 1
#endif

int main(int argc, char **argv)
{
	GRand *rng = g_rand_new_with_seed(1);
	int n = 0;

	printf("1..%d\n", argc - 1);
	for (int i = 1; i < argc; i++) {
		g_autofree char *data = NULL;
		gsize len = 0;

		if (!g_file_get_contents(argv[i], &data, &len, NULL)) {
			printf("not ok %d - %s: cannot read\n", ++n, argv[i]);
			continue;
		}
		LLVMFuzzerTestOneInput((const uint8_t *)data, len);
		for (int k = 0; k < 8 && len; k++) {
			gsize cut = (gsize)g_rand_int_range(rng, 0, (gint32)MIN(len, G_MAXINT32));
			gsize at = (gsize)g_rand_int_range(rng, 0, (gint32)MIN(len, G_MAXINT32));
			char saved = data[at];

			LLVMFuzzerTestOneInput((const uint8_t *)data, cut);
			if (!SMOKE_FLIPS)
				continue;
			data[at] = (char)(data[at] ^ (1 << (k % 8)));
			LLVMFuzzerTestOneInput((const uint8_t *)data, len);
			data[at] = saved;
		}
		printf("ok %d - %s (whole, 8 truncations%s)\n", ++n, argv[i],
		       SMOKE_FLIPS ? ", 8 bit flips" : "");
	}
	g_rand_free(rng);
	return 0;
}
