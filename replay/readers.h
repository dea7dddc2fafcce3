/* SPDX-License-Identifier: MIT */
/*
 * readers.h - the reader children of one trace.dat and the merge of their streams
 * (private to replay/).
 *
 * The CPUs with data are split into groups of about equal bytes, one reader child per group
 * (decode.h); each streams its group's items in (time stamp, CPU) order, and
 * ds_readers_next() hands out the next item of all of them by the same key: the order one
 * reader of every CPU would give.  A reader's error is an item too, placed where its record
 * falls in that order, so that the stream stops exactly where a single reader's would.
 *
 * struct ds_readers: per reader its pid, pipe, the current message (a batch of items and the
 * index of the next one) and how it ended; the MAP_SHARED memory they all write (@sh); @cpus,
 * @n masks of DS_TRACE_MAX_CPUS flags (which CPUs each reads).  @out: the merged order of
 * the readers' current batches, @nout items of which @pos were handed out: merged in one
 * tight loop up to where one batch ends (its reader's next message is needed to go on) or a
 * reader's error comes first; the items stay in their readers' buffers, which are refilled
 * only once @out is used up.
 */
#ifndef DS_READERS_H
#define DS_READERS_H

#include "datfile.h"
#include "decode.h"

enum ds_reader_state {
	DS_READER_STREAM = 0,	/* sending items */
	DS_READER_FINAL,	/* sent its final info */
	DS_READER_ERROR,	/* sent an error: @at is where */
	DS_READER_ENDED,	/* its pipe ended without a last message (it died) */
};

struct ds_reader {
	pid_t pid;
	int fd;
	enum ds_reader_state state;
	GByteArray *msg;
	const struct ds_decode_item *it;
	size_t n, i;
	struct ds_decode_error at;
	GError *err;
	struct ds_trace_info final;	/* when @state is DS_READER_FINAL */
};

struct ds_readers {
	const char *path;
	unsigned int n;
	struct ds_reader r[DS_DECODE_MAX_READERS];
	guint8 *cpus;
	struct ds_decode_shared *sh;
	unsigned int stopped;		/* the reader that stopped the stream */
	const struct ds_decode_item **out;	/* DS_DECODE_MAX_READERS * DS_DECODE_BATCH */
	size_t nout, pos;
};

/**
 * ds_readers_start() - split the CPUs of @df into groups and start a reader for each
 *
 * Return: FALSE with @error set when no child could be started (mmap, pipe, fork).
 */
gboolean ds_readers_start(struct ds_readers *rs, const char *path, const char *sha256,
			  const struct ds_trace_opts *opts, const struct ds_datfile *df,
			  GError **error);

/**
 * ds_readers_open() - take every reader's first message: the info at the start, combined
 * into @info (the first times over all CPUs)
 *
 * Return: 1 when all opened; 0 when one failed or died first (its error in
 * ds_readers_take_error()); -1 with @error set on a malformed message.
 */
int ds_readers_open(struct ds_readers *rs, struct ds_trace_info *info, GError **error);

/**
 * ds_readers_next() - the next item of the merged stream
 *
 * Return: 1 with @item set (valid until the next call); 0 when every reader finished (their
 * final info in r[].final); -1 when a reader stopped the stream (an error, or it died): its
 * error, if any, in ds_readers_take_error(); -2 with @error set on a malformed message.
 */
int ds_readers_next(struct ds_readers *rs, const struct ds_decode_item **item,
		    GError **error);

/* The error of the reader that stopped the stream (NULL when it died without one). */
GError *ds_readers_take_error(struct ds_readers *rs);

/**
 * ds_readers_reap() - end the readers: those still running are killed, all are waited for
 *
 * Return: how the first that died on its own died, as a sentence ("libtracecmd crashed
 * (signal 11) while reading CPU 3 (...)"), or NULL when none did.
 */
char *ds_readers_reap(struct ds_readers *rs);

/*
 * How the readers read their CPUs (decode.h, pageplan.h), once ds_readers_open() returned
 * 1: CPUs the page decoder started on and how many of those libtracecmd went on with (a
 * damaged page; final once the stream ended), readers that used the decoder, and the first
 * reader's reason when it did not (enum ds_pageplan_why).
 */
struct ds_readers_paths {
	unsigned int native_cpus;
	unsigned int handed_over;
	unsigned int native_readers;
	unsigned int why;
};
void ds_readers_paths(const struct ds_readers *rs, struct ds_readers_paths *p);

/* The readers of a source ds_trace_source_open() made (trace_source.c). */
const struct ds_readers *ds_trace_source_readers(struct ds_source *src);

void ds_readers_clear(struct ds_readers *rs);

#endif
