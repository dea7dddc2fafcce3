/* SPDX-License-Identifier: MIT */
/*
 * merge.h - merge the per-CPU record streams of a trace.dat by timestamp (private).
 *
 * struct ds_merge: for each CPU read (a reader child reads a group of them, decode.h) its
 * current record (libtracecmd's tracecmd_read_cpu_first / tracecmd_read_data) and the last
 * timestamp it delivered; @heap holds the (ts, cpu) of the current record of each CPU that
 * still has one, as a binary min-heap (the keys inline: comparing them touches no record),
 * so taking the next record costs O(log CPUs).  A record whose timestamp is below its CPU's
 * previous one is clamped to it and counted in @reordered: the output never goes backwards.
 * @reading (shared memory, decode.h) is told which CPU is being read before every
 * libtracecmd call, and @records counts what each CPU gave: a crash inside libtracecmd
 * leaves that behind for the parent.
 */
#ifndef DS_MERGE_H
#define DS_MERGE_H

#include <stdint.h>
#include <glib.h>
#include <trace-cmd.h>

struct ds_decode_reading;

struct ds_merge_cpu {
	struct tep_record *rec;
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
};

/* Reads the first record of every CPU c < @ncpus with @cpus[c] set; @records: a counter
 * per CPU id. */
void ds_merge_init(struct ds_merge *m, struct tracecmd_input *handle, unsigned int ncpus,
		   const guint8 *cpus, struct ds_decode_reading *reading, uint64_t *records);
/* The next record in time order (free it with tracecmd_free_record()), NULL at the end. */
struct tep_record *ds_merge_next(struct ds_merge *m);
void ds_merge_clear(struct ds_merge *m);

#endif
