/* SPDX-License-Identifier: MIT */
/*
 * helpers.h - shared pieces of the replay tests: where the fixtures are, reading a whole
 * source, comparing event streams field by field.
 */
#ifndef DS_TEST_REPLAY_HELPERS_H
#define DS_TEST_REPLAY_HELPERS_H

#include <glib.h>
#include "ds_source.h"

/* $DS_FIXTURES/NAME (the fixtures mkfixture.py generated at build time); g_free() it. */
char *fixture(const char *name);
/* Read @src to its end; FALSE with @error set if it failed (events read so far stay). */
gboolean read_all(struct ds_source *src, GArray *evs, GError **error);
/* Open @path (opts may be NULL) and read all of it; aborts the test on error. */
GArray *decode(const char *path, const struct ds_trace_opts *opts);
/* Assert @got equals @want[0..n) exactly, naming the first difference. */
void assert_events(const struct ds_event *want, size_t n, const GArray *got);
/* Assert timestamps never decrease. */
void assert_ordered(const GArray *got);
/* A new empty temporary directory; rm_rf() it when done. */
char *tmp_dir(void);
void rm_rf(const char *dir);

#endif
