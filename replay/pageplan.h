/* SPDX-License-Identifier: MIT */
/*
 * pageplan.h - which CPUs of a trace.dat a reader child reads with the page decoder, and
 * their mapped pages (private to replay/).
 *
 * The page decoder (pagedec.h) gives exactly libtracecmd's records only where libtracecmd
 * reads the ring buffer as it is: plain (uncompressed) per-CPU pages, time stamps left as
 * the kernel wrote them.  A file is read by libtracecmd alone when it is compressed, a
 * latency trace, has an option that makes libtracecmd change time stamps (DATE, OFFSET:
 * ts offset; TIME_SHIFT: guest time sync; TSC2NSEC: tsc to ns; or an option id this code
 * does not know, or an options section it could not read), a header page unlike the one
 * kbuffer parses (8-byte time stamps, 4- or 8-byte commit word, not the 2.6.30 format), a
 * page size that is not a power of two, or a CPU table that is not CPU i at index i; one
 * CPU alone when its data is not whole, aligned pages (libtracecmd reads past such a
 * section's end).  The caller also checks each decoder's first record against
 * libtracecmd's (merge.c) and falls back on any difference.
 *
 * struct ds_pageplan: @why (enum ds_pageplan_why: the decoder, or why not), per CPU index
 * a decoder or NULL (@by_cpu, @ncpus entries), and the mappings of their pages.
 */
#ifndef DS_PAGEPLAN_H
#define DS_PAGEPLAN_H

#include <event-parse.h>

#include "datfile.h"
#include "pagedec.h"

enum ds_pageplan_why {
	DS_PAGEPLAN_NATIVE = 0,		/* the page decoder reads the CPUs */
	DS_PAGEPLAN_FORCED,		/* DS_TEST_DECODE_LIBTRACECMD is set */
	DS_PAGEPLAN_COMPRESSED,
	DS_PAGEPLAN_LATENCY,
	DS_PAGEPLAN_OPTIONS,		/* time-stamp options, unknown or unread ones */
	DS_PAGEPLAN_LAYOUT,		/* header page, page size */
	DS_PAGEPLAN_CPUS,		/* CPU table */
	DS_PAGEPLAN_MAP,		/* mmap failed */
	DS_PAGEPLAN_MISMATCH,		/* a first record differed (merge.c) */
	DS_PAGEPLAN_N_WHY
};

struct ds_pageplan {
	enum ds_pageplan_why why;
	unsigned int ncpus;
	struct ds_pagedec **by_cpu;
	struct ds_pagedec *dec;
	void **map;
	size_t *map_len;
};

/**
 * ds_pageplan_make() - plan the reading of the CPUs @cpus selects (@ncpus flags by index)
 * @fd: the trace.dat, open for reading (only mapped here)
 * @df: its header walk; @tep: libtracecmd's parse of it
 *
 * Never fails: where the decoder cannot be used, @p->by_cpu is all NULL and @p->why says why.
 */
void ds_pageplan_make(struct ds_pageplan *p, int fd, const struct ds_datfile *df,
		      struct tep_handle *tep, unsigned int ncpus, const guint8 *cpus);

/* "page decoder", or why libtracecmd reads the file ("compressed", ...). */
const char *ds_pageplan_why_name(enum ds_pageplan_why why);

void ds_pageplan_clear(struct ds_pageplan *p);

#endif
