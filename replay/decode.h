/* SPDX-License-Identifier: MIT */
/*
 * decode.h - the libtracecmd decode, run in a child process that streams events back
 * (private to replay/).
 *
 * Why a child: libtracecmd 1.3 crashes on some corrupt input (a bad page decompressed from a
 * damaged zstd chunk reaches kbuffer_load_subbuffer; tracecmd_open can crash in its own error
 * path), and no validation of ours can promise to catch every such byte first.  In a child
 * the crash ends the stream, names the CPU being read, and leaves the events already
 * delivered; the parent (trace_source.c) reports it as damage.
 *
 * The child writes messages to a pipe: struct ds_decode_hdr then @len bytes.
 *   DS_DECODE_OPEN    the trace info at the start (a GVariant "v" holding the info variant)
 *   DS_DECODE_EVENTS  up to DS_DECODE_BATCH struct ds_event
 *   DS_DECODE_FINAL   the trace info at the end (counters, maps, durations), then it exits
 *   DS_DECODE_ERROR   u32 enum ds_error_code, then the message (not NUL-terminated)
 * Test seam: with DS_TEST_DECODE_CRASH_AFTER=N in the environment the child kills itself with
 * SIGSEGV after sending N events, so that tests can check the parent's handling of a crash
 * in the middle of a stream (libtracecmd's own crashes on real input happen while it opens
 * the file or are not reproducible on a small fixture).
 * struct ds_decode_shared: a MAP_SHARED page the child updates as it reads, which survives
 * its crash: the CPU and record offset being read, and the records each CPU delivered.
 */
#ifndef DS_DECODE_H
#define DS_DECODE_H

#include <stdint.h>
#include <sys/types.h>
#include <glib.h>

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

#define DS_DECODE_BATCH 2048			/* events per message */
#define DS_DECODE_MAX_MSG (64u << 20)		/* longest message the parent accepts */

struct ds_decode_shared {
	int32_t cpu;			/* being read, -1 before the first read */
	uint32_t ncpus;
	uint64_t offset;		/* of the last record read on @cpu */
	uint64_t records[];		/* per CPU id, DS_TRACE_MAX_CPUS entries */
};

/* Bytes of a struct ds_decode_shared for every possible CPU id. */
#define DS_DECODE_SHARED_SIZE \
	(sizeof(struct ds_decode_shared) + DS_TRACE_MAX_CPUS * sizeof(uint64_t))

/**
 * ds_decode_spawn() - start the child decoding @path
 * @sha256: the file's hash, carried in the info the child reports
 * @sh: DS_DECODE_SHARED_SIZE bytes of MAP_SHARED memory, zeroed
 * @fd: set to the read end of the pipe
 *
 * Return: the child's pid, or -1 with @error set (fork or pipe failed).
 */
pid_t ds_decode_spawn(const char *path, const char *sha256, const struct ds_trace_opts *opts,
		      struct ds_decode_shared *sh, int *fd, GError **error);

#endif
