/* SPDX-License-Identifier: MIT */
/*
 * pagecheck.h - walk the events of one ring-buffer page, independently of libtracecmd
 * (private to replay/).
 *
 * Why: libtracecmd skips what it cannot parse without saying so (a record cut by a too-small
 * commit, a page with a garbage header, a CPU whose data is not whole pages), and crashes on
 * some of it.  Counting the records of every page ourselves gives an expected count per CPU
 * that the decoder's output is checked against, so that loss becomes reported damage.
 *
 * struct ds_pagecheck: per-CPU tally over the pages walked so far: pages, data records
 * (event types 0..28: what libtracecmd delivers; padding and time stamps are not records),
 * damaged pages and their bytes, and the first damaged page's file offset and reason.
 */
#ifndef DS_PAGECHECK_H
#define DS_PAGECHECK_H

#include <stdint.h>
#include <glib.h>

#include "pagefmt.h"

struct ds_pagecheck {
	uint64_t pages;
	uint64_t records;
	uint64_t damaged_pages;
	uint64_t damaged_bytes;
	uint64_t first_damaged;		/* file offset (compressed: of the chunk) */
	const char *first_reason;	/* static string; NULL while no page is damaged */
};

/**
 * ds_pagecheck_page() - walk one page's event chain and add it to @pc
 * @lay: the file's page layout
 * @page: @lay->page_size bytes
 * @offset: where the page lies (file offset; for compressed data, the chunk's)
 *
 * Return: FALSE when the page is damaged (a record runs past the commit, a commit larger
 * than the page, an extended length below its own size); @pc counts it either way.
 */
gboolean ds_pagecheck_page(struct ds_pagecheck *pc, const struct ds_page_layout *lay,
			   const uint8_t *page, uint64_t offset);

/**
 * ds_pagecheck_unreadable() - count @pages pages (@bytes bytes) at @offset that cannot be
 * walked at all as damaged: a compressed chunk that does not decompress, a CPU's data that
 * ends inside a page; @why is a static string.
 */
void ds_pagecheck_unreadable(struct ds_pagecheck *pc, uint64_t pages, uint64_t bytes,
			     uint64_t offset, const char *why);

#endif
