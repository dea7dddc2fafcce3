/* SPDX-License-Identifier: MIT */
/*
 * datfile.h - a bounded, read-only walk of a trace.dat's headers (private to replay/).
 *
 * libtracecmd 1.3 has no public getter for the trace clock nor for where each CPU's data
 * lies in the file, and it mmaps CPU data without checking it against the file size (a
 * truncated file would SIGBUS).  So before handing a file to libtracecmd, defersim walks the
 * headers itself (trace-cmd.dat.v6(5) / trace-cmd.dat.v7(5)), every read checked against
 * the file size, and learns: the version, the clock, and each CPU's data extent.
 *
 * struct ds_datfile: what the walk found; @cpus is a GArray of struct ds_datfile_cpu
 * (top instance only) in file order.  Every page of every CPU is walked too (decompressed
 * first in a compressed file, pagecheck.h): how many records each CPU holds, and which pages
 * are damaged.  A damaged page is not an error here: the caller decides (--accept-damaged).
 */
#ifndef DS_DATFILE_H
#define DS_DATFILE_H

#include <stdint.h>
#include <glib.h>

#include "pagecheck.h"

struct ds_datfile_cpu {
	unsigned int cpu;
	uint64_t offset;
	uint64_t size;
	struct ds_pagecheck check;	/* its pages walked: records expected, damage */
};

struct ds_datfile {
	unsigned int version;
	gboolean big_endian;
	unsigned int long_size;
	unsigned int page_size;
	char *compression;	/* v7: algorithm name, "none"; NULL for v6 */
	char *clock;		/* NULL when the file does not say */
	gboolean latency;	/* a latency (text) trace: no binary per-CPU data */
	uint64_t file_size;
	GArray *cpus;
	gboolean pages_pending;	/* plain pages not walked yet (ds_datfile_read_headers) */
	uint64_t option_ids;	/* bit i: an option of id i was seen (bit 63: an id >= 63) */
	gboolean options_unread;	/* v7: an options section was compressed, not walked */
};

/**
 * ds_datfile_read() - walk the headers of @path and check the data fits in the file
 *
 * Fails with DS_ERROR_IO (cannot open), DS_ERROR_FORMAT ("not a trace.dat" for a bad magic,
 * "truncated or corrupt at offset N" when a header or a CPU's data runs past the end of the file, a
 * compressed chunk whose sizes cannot be).
 */
gboolean ds_datfile_read(const char *path, struct ds_datfile *df, GError **error);

/**
 * ds_datfile_read_headers() - the same, except that the pages of an uncompressed trace
 * are left for ds_datfile_walk_pages() (@df->pages_pending): nothing libtracecmd relies on
 * is in them, so the walk can run beside the decode
 */
gboolean ds_datfile_read_headers(const char *path, struct ds_datfile *df, GError **error);

/**
 * ds_datfile_walk_pages() - walk the pages ds_datfile_read_headers() left: the records
 * each CPU holds, its damaged pages.  Touches only @df->cpus[].check and @pages_pending.
 */
gboolean ds_datfile_walk_pages(const char *path, struct ds_datfile *df, GError **error);
void ds_datfile_clear(struct ds_datfile *df);

#endif
