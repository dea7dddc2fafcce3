/* SPDX-License-Identifier: MIT */
/*
 * decode.h - the libtracecmd decode, run in child processes that stream events back
 * (private to replay/).
 *
 * Why a child: libtracecmd 1.3 crashes on some corrupt input (a bad page decompressed from a
 * damaged zstd chunk reaches kbuffer_load_subbuffer; tracecmd_open can crash in its own error
 * path), and no validation of ours can promise to catch every such byte first.  In a child
 * the crash ends the stream, names the CPU being read, and leaves the events already
 * delivered; the parent (trace_source.c) reports it as damage.
 *
 * Why several: each CPU's records are independent until they are merged by time, so the
 * CPUs are split into groups, one reader child per group (readers.c), all decoding at once
 * on as many cores.  A reader merges its own CPUs by (time stamp, CPU) and maps each record
 * to an event; the parent merges the readers' streams by the same key, which gives the very
 * order one reader of every CPU would, then pairs releases with their returns (pairq.h).
 *
 * How a reader reads its CPUs: with the page decoder where it reads the file exactly as
 * libtracecmd would (pageplan.h, pagedec.h: plain pages, no time-stamp options), else with
 * libtracecmd's tracecmd_read_data(); which one ran is in its struct ds_decode_reading.
 *
 * A reader writes messages to its pipe: struct ds_decode_hdr then @len bytes.
 *   DS_DECODE_OPEN    the trace info at the start (a GVariant "v" holding the info variant),
 *                     its first-time fields over the reader's CPUs only
 *   DS_DECODE_EVENTS  up to DS_DECODE_BATCH struct ds_decode_item, in (ts, cpu) order
 *   DS_DECODE_FINAL   the info at the end: the maps' counts, lost events and clamped time
 *                     stamps of its CPUs; then it exits
 *   DS_DECODE_ERROR   struct ds_decode_error, then the message (not NUL-terminated)
 * Test seams: with DS_TEST_DECODE_CRASH_AFTER=N in the environment the first reader kills
 * itself with SIGSEGV after sending N items, so that tests can check the parent's handling of
 * a crash in the middle of a stream (libtracecmd's own crashes on real input happen while it
 * opens the file or are not reproducible on a small fixture); DS_TEST_DECODE_READERS=N sets
 * the number of readers (default: one per core, at most one per CPU with data and one per
 * 64 MiB of ring-buffer data: readers.c), so that tests can check the stream does not
 * depend on it; DS_TEST_DECODE_LIBTRACECMD=1 makes every reader read every record through
 * libtracecmd (pageplan.h), so that tests and bench_ingest can compare the two ways.
 * struct ds_decode_shared: MAP_SHARED memory the readers update as they read, which survives
 * their crash: per reader the CPU and record offset being read, how it reads (page decoder
 * or libtracecmd, and why), and the records it read of each of its CPUs.
 */
#ifndef DS_DECODE_H
#define DS_DECODE_H

#include <stdint.h>
#include <sys/types.h>
#include <glib.h>

#include "datfile.h"
#include "ds_source.h"

enum ds_decode_msg {
	DS_DECODE_OPEN = 1,
	DS_DECODE_EVENTS,
	DS_DECODE_FINAL,
	DS_DECODE_ERROR,
};

struct ds_decode_hdr {
	uint32_t type;
	uint32_t len;
};

/*
 * One decoded record: its event (ev.ts, ev.cpu: the merge key; a lost-events marker is a
 * DS_EV_LOST event, which no record maps to).  The duration a return record carries itself
 * (function graph) travels in ev.aux with DS_DECODE_EVF_DUR set: a RELEASE_END's aux is
 * otherwise 0 until the pairing sets it, and the item stays 32 bytes, a quarter less to pass
 * through the pipes than with a separate field (32 M items on the 64-CPU trace).
 */
struct ds_decode_item {
	struct ds_event ev;
};

#define DS_DECODE_EVF_DUR 0x80	/* in transit only: ev.aux is the record's own duration */

/* The duration @it carries (-1: none), and its event as the reader mapped it into @ev. */
static inline int64_t ds_decode_item_take(const struct ds_decode_item *it, struct ds_event *ev)
{
	*ev = it->ev;
	if (!(ev->flags & DS_DECODE_EVF_DUR))
		return -1;
	ev->flags &= (uint8_t)~DS_DECODE_EVF_DUR;
	ev->aux = 0;
	return (int64_t)it->ev.aux;
}

/* An error at the record (@ts, @cpu) of the merged stream; both 0 before the first record. */
struct ds_decode_error {
	uint32_t code;		/* enum ds_error_code */
	uint32_t cpu;
	uint64_t ts;
};

#define DS_DECODE_BATCH 2048			/* items per message */
#define DS_DECODE_MAX_MSG (64u << 20)		/* longest message the parent accepts */
#define DS_DECODE_MAX_READERS 16

/*
 * What reader k is reading.  Each reader writes its own line of memory and its own array of
 * counters for every record it reads: two readers writing counters in one cache line would
 * pass the line back and forth between their cores at every record.
 */
struct ds_decode_reading {
	int32_t cpu;			/* being read, -1 before the first read */
	uint32_t path;			/* 0 before the first read, then enum ds_pageplan_why + 1 */
	uint64_t offset;		/* of the last record read on @cpu */
	uint32_t native_cpus;		/* CPUs the page decoder started on (pageplan.h) */
	uint32_t handed_over;		/* of those, CPUs libtracecmd went on with */
} __attribute__((aligned(64)));

struct ds_decode_shared {
	struct ds_decode_reading reader[DS_DECODE_MAX_READERS];
	uint64_t records[];		/* per reader, per CPU id: DS_TRACE_MAX_CPUS entries each */
};

/* Bytes of a struct ds_decode_shared for every possible reader and CPU id (untouched pages
 * of the shared mapping cost nothing). */
#define DS_DECODE_SHARED_SIZE (sizeof(struct ds_decode_shared) + \
	(size_t)DS_DECODE_MAX_READERS * DS_TRACE_MAX_CPUS * sizeof(uint64_t))

/* Reader @k's record counters, by CPU id. */
static inline uint64_t *ds_decode_records(struct ds_decode_shared *sh, unsigned int k)
{
	return sh->records + (size_t)k * DS_TRACE_MAX_CPUS;
}

/**
 * ds_decode_spawn() - start reader @reader decoding the CPUs of @path that @cpus selects
 * @sha256: the file's hash, carried in the info the reader reports
 * @df: the file's header walk (where each CPU's pages lie: pageplan.h)
 * @cpus: DS_TRACE_MAX_CPUS flags by CPU id (copied into the child by fork)
 * @sh: DS_DECODE_SHARED_SIZE bytes of MAP_SHARED memory, zeroed
 * @fd: set to the read end of the pipe
 *
 * Return: the child's pid, or -1 with @error set (fork or pipe failed).
 */
pid_t ds_decode_spawn(const char *path, const char *sha256, const struct ds_trace_opts *opts,
		      const struct ds_datfile *df, const guint8 *cpus, unsigned int reader,
		      struct ds_decode_shared *sh, int *fd, GError **error);

#endif
