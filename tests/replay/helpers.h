/* SPDX-License-Identifier: MIT */
/*
 * helpers.h - shared pieces of the replay tests: reading a whole source or trace (with its
 * info), comparing event streams field by field.  Fixtures, temporary directories and
 * running defersim are dstest.h's (tests/common), shared with the other areas.
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

/*
 * One whole read of a trace: its events, which source served them (a source's ops pointer,
 * source_impl.h, tells a cache or memory reader from a trace reader) and the scalars of its
 * info (the pointers cleared).
 */
struct run {
	GArray *evs;
	const struct ds_source_ops *ops;
	struct ds_trace_info copy;	/* scalars only */
};
/* Open @path with @opts (may be NULL) and read all of it; aborts the test on error. */
struct run read_run(const char *path, const struct ds_trace_opts *opts);
/* Assert two reads gave the same events, byte for byte, and the same info scalars. */
void assert_same_run(const struct run *a, const struct run *b);

#endif
