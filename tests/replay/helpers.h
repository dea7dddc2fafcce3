/* SPDX-License-Identifier: MIT */
/*
 * helpers.h - shared pieces of the replay tests: reading a whole source, comparing event
 * streams field by field.  Fixtures, temporary directories and running defersim are
 * dstest.h's (tests/common), shared with the other areas.
 */
#ifndef DS_TEST_REPLAY_HELPERS_H
#define DS_TEST_REPLAY_HELPERS_H

#include <glib.h>
#include "ds_source.h"
#include "dstest.h"

/* Read @src to its end; FALSE with @error set if it failed (events read so far stay). */
gboolean read_all(struct ds_source *src, GArray *evs, GError **error);
/* Open @path (opts may be NULL) and read all of it; aborts the test on error. */
GArray *decode(const char *path, const struct ds_trace_opts *opts);
/* Assert @got equals @want[0..n) exactly, naming the first difference. */
void assert_events(const struct ds_event *want, size_t n, const GArray *got);
/* Assert timestamps never decrease. */
void assert_ordered(const GArray *got);

#endif
