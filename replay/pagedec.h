/* SPDX-License-Identifier: MIT */
/*
 * pagedec.h - read the records of one CPU's ring-buffer pages without libtracecmd
 * (private to replay/).
 *
 * Why: reading a record through libtracecmd (tracecmd_read_data: kbuffer's parse through
 * function pointers, a calloc'ed struct tep_record and its free, page reference counting)
 * cost a reader ~750 of its ~1 000 instructions per record (bench/README.md, ingest).  Here
 * the pages of an uncompressed CPU data section, mapped from the file, are walked in place
 * and each record is written into a struct tep_record the caller owns.
 *
 * Exactness: every record comes out as tracecmd_read_data() would give it (time stamp, data,
 * size, file offset, missed events), because the walk is kbuffer's own arithmetic
 * (libtraceevent kbuffer-parse.c: next_event(), translate_data(), kbuffer_missed_events();
 * libtracecmd trace-input.c: tracecmd_peek_data(), update_page_info()), including what it
 * does with odd bytes (padding of any length, a type-0 length below 4, time stamps with the
 * page's top bits).  The one thing it does not reproduce is a read outside the page, which
 * libtracecmd does on a damaged page (a commit larger than the page's data, an event header
 * or a record running past the page's end, a chain that does not move forward): there the
 * walk stops and says where (ds_pagedec_next() returns -1 and @stop_offset), and the caller
 * hands the rest of the CPU to libtracecmd from that record on (tracecmd_read_at()), so the
 * output is libtracecmd's in every case.  Time stamps are the ring buffer's own: a file
 * whose libtracecmd changes them (ts offset, tsc2nsec, guest time sync) is not given to
 * this decoder at all (decode.c decides).
 *
 * struct ds_pagedec: one CPU's cursor: its pages (@base, @npages of @lay.page_size bytes at
 * file offset @file_offset), the page being read (@page; @data is NULL between pages) and
 * kbuffer's state on it: @ts (the running time stamp), @size (the commit's data bytes),
 * @next (offset of the next event from @data), @lost (the page's missed events).
 */
#ifndef DS_PAGEDEC_H
#define DS_PAGEDEC_H

#include <stdint.h>
#include <event-parse.h>

#include "pagefmt.h"

struct ds_pagedec {
	struct ds_page_layout lay;
	unsigned int start;		/* ds_page_hdr(): where a page's events begin */
	const uint8_t *base;
	uint64_t file_offset;
	uint64_t npages;
	uint64_t page;
	const uint8_t *data;
	uint64_t page_off;		/* file offset of @data's page */
	uint32_t room;			/* bytes from @data to the page's end */
	uint64_t ts;
	uint32_t size;
	uint32_t next;
	long long lost;
	uint64_t stop_offset;		/* where libtracecmd takes over (after -1) */
};

/**
 * ds_pagedec_init() - a cursor over @npages pages at @base, which lie at @file_offset in
 * the file (the offset goes into each record, as libtracecmd's does)
 */
void ds_pagedec_init(struct ds_pagedec *pd, const struct ds_page_layout *lay,
		     const uint8_t *base, uint64_t file_offset, uint64_t npages);

/**
 * ds_pagedec_next() - the next record of the CPU into @rec
 * @rec: its ts, offset, size, record_size, data and missed_events are set (cpu and the rest
 *	are the caller's); @rec->data points into @base
 *
 * Return: 1 a record; 0 no more records; -1 the next bytes are something only libtracecmd
 * reads exactly (see above): @pd->stop_offset is the file offset to resume at with
 * tracecmd_read_at(), and the cursor stays stopped.
 */
int ds_pagedec_next(struct ds_pagedec *pd, struct tep_record *rec);

#endif
