// SPDX-License-Identifier: MIT
/*
 * smoke.c - a harness as a plain program (no libFuzzer): runs LLVMFuzzerTestOneInput() on
 * every file named, and on truncations and byte flips of each (seeded, deterministic), and
 * prints TAP.  The normal suite runs it over seed files so the harnesses always build and
 * run; `scripts/fuzz` does the real fuzzing with clang.  A directory argument stands for the
 * files in it whose names start with SMOKE_NAME and a dash (tests/fuzz/regressions/: the crash
 * inputs found so far, replayed by every run of the suite; a new file needs no meson change).
 */
#include <stdio.h>
#include <string.h>
#include <glib.h>

#include "fuzz.h"

/* The trace harness is smoke-run without bit flips: a flipped byte inside a compressed CPU
 * section still crashes libtracecmd's reader in this process (issue 12: known, open); the
 * real fuzzer (scripts/fuzz) looks for exactly that. */
#ifndef SMOKE_FLIPS
#define SMOKE_FLIPS 1
#endif

/* the harness's name: which files of a directory are its inputs */
#ifndef SMOKE_NAME
#error "SMOKE_NAME (the harness's name) must be defined"
#endif

/* The whole input, 8 truncations and (SMOKE_FLIPS) 8 single-bit flips of it. */
static void smoke_run_file(GRand *rng, const char *path, int *n)
{
	g_autofree char *data = NULL;
	gsize len = 0;

	if (!g_file_get_contents(path, &data, &len, NULL)) {
		printf("not ok %d - %s: cannot read\n", ++*n, path);
		return;
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
	printf("ok %d - %s (whole, 8 truncations%s)\n", ++*n, path,
	       SMOKE_FLIPS ? ", 8 bit flips" : "");
}

static gint smoke_cmp_paths(gconstpointer a, gconstpointer b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* This harness's files in @dir, in name order (a stable TAP numbering). */
static void smoke_run_dir(GRand *rng, const char *dir, int *n)
{
	g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;

	if (!d) {
		printf("not ok %d - %s: cannot open directory\n", ++*n, dir);
		return;
	}
	while ((name = g_dir_read_name(d)))
		if (g_str_has_prefix(name, SMOKE_NAME "-"))
			g_ptr_array_add(names, g_build_filename(dir, name, NULL));
	g_dir_close(d);
	g_ptr_array_sort(names, smoke_cmp_paths);
	for (guint i = 0; i < names->len; i++)
		smoke_run_file(rng, g_ptr_array_index(names, i), n);
}

int main(int argc, char **argv)
{
	GRand *rng = g_rand_new_with_seed(1);
	int n = 0;

	for (int i = 1; i < argc; i++) {
		if (g_file_test(argv[i], G_FILE_TEST_IS_DIR))
			smoke_run_dir(rng, argv[i], &n);
		else
			smoke_run_file(rng, argv[i], &n);
	}
	printf("1..%d\n", n);	/* the plan at the end: a directory's count is known only now */
	g_rand_free(rng);
	return 0;
}
