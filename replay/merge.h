/* SPDX-License-Identifier: MIT */
/*
 * merge.h - merge the per-CPU record streams of a trace.dat by timestamp (private).
 *
 * struct ds_merge: for each CPU read (a reader child reads a group of them, decode.h) its
 * current record and the last timestamp it delivered; @heap holds the (ts, cpu) of the
 * current record of each CPU that still has one, as a binary min-heap (the keys inline:
 * comparing them touches no record), so taking the next record costs O(log CPUs).  A record
 * whose timestamp is below its CPU's previous one is clamped to it and counted in
 * @reordered: the output never goes backwards.
 * A CPU is read by one of two readers (struct ds_merge_cpu): libtracecmd
 * (tracecmd_read_cpu_first / tracecmd_read_data; @rec is the library's record), or the page
 * decoder (@pd, pagedec.h; @rec points at @nrec, a record this struct owns), which reads
 * the same records without the library's per-record cost.  A CPU whose pages the decoder
 * stops on (a damaged page) goes on with libtracecmd from that record (tracecmd_read_at()).
 * The record handed out last is @out (a copy, for the decoder's) or @lib_out (the
 * library's, freed at the next call).
 * @reading (shared memory, decode.h) is told which CPU is being read before every read,
 * and @records counts what each CPU gave: a crash inside libtracecmd leaves that behind for
 * the parent.
 */
#ifndef DS_MERGE_H
#define DS_MERGE_H

#include <stdint.h>
#include <glib.h>
#include <trace-cmd.h>

#include "pagedec.h"

struct ds_decode_reading;

struct ds_merge_cpu {
	struct tep_record *rec;
	struct ds_pagedec *pd;		/* NULL: read by libtracecmd */
	struct tep_record nrec;		/* the decoder's current record */
	uint64_t first_ts;
	uint64_t last_ts;
};

struct ds_merge_key {
	uint64_t ts;
	unsigned int cpu;
};

struct ds_merge {
	struct tracecmd_input *handle;
	struct ds_merge_cpu *cpus;
	unsigned int ncpus;
	struct ds_merge_key *heap;
	unsigned int nheap;
	uint64_t reordered;
	struct ds_decode_reading *reading;
	uint64_t *records;
	struct tep_record out;		/* the decoder's record handed out last */
	struct tep_record *lib_out;	/* libtracecmd's record handed out last */
	unsigned int native_cpus;	/* CPUs the decoder started on */
	unsigned int handed_over;	/* of those, CPUs that went on with libtracecmd */
	gboolean mismatch;		/* a first record disagreed: libtracecmd reads all */
};

/*
 * Reads the first record of every CPU c < @ncpus with @cpus[c] set; @records: a counter per
 * CPU id.  @pd: per CPU a page decoder to read it with, or NULL (libtracecmd); NULL for
 * none.  The decoders' first records are checked against libtracecmd's: if any differs in
 * time, offset, size or missed events, every CPU is read by libtracecmd (@mismatch).
 */
void ds_merge_init(struct ds_merge *m, struct tracecmd_input *handle, unsigned int ncpus,
		   const guint8 *cpus, struct ds_pagedec **pd, struct ds_decode_reading *reading,
		   uint64_t *records);
/* The next record in time order, valid until the next call; NULL at the end. */
struct tep_record *ds_merge_next(struct ds_merge *m);
void ds_merge_clear(struct ds_merge *m);

#endif
