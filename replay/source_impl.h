/* SPDX-License-Identifier: MIT */
/*
 * source_impl.h - what a source implementation fills in (private to replay/).
 */
#ifndef DS_SOURCE_IMPL_H
#define DS_SOURCE_IMPL_H

#include "ds_source.h"

struct ds_source_ops {
	int (*next)(struct ds_source *src, struct ds_event *ev, GError **error);
	void (*close)(struct ds_source *src);
	const struct ds_trace_info *(*info)(const struct ds_source *src);
	/* optional (sources holding every event in memory): ds_source_block() */
	bool (*block)(struct ds_source *src, const struct ds_event **evs, size_t *n);
	/* optional (sources reading ahead into buffers of their own): ds_source_chunk() */
	int (*chunk)(struct ds_source *src, const struct ds_event **evs, size_t *n,
		     GError **error);
};

/* Every source embeds this first. */
struct ds_source {
	const struct ds_source_ops *ops;
};

/*
 * ds_note_whole_read() - with $DS_TEST_TRACE_READS set, say on stderr that @path is about to
 * be read whole (@what: "decode", "hash", "dsev"...): the tests count a command's passes over
 * a trace by it (open.c)
 */
void ds_note_whole_read(const char *what, const char *path);

#endif
