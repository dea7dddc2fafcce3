// SPDX-License-Identifier: MIT
/*
 * pagecheck.c - count the records of ring-buffer pages and find damaged ones (pagecheck.h).
 *
 * The page format is in pagefmt.h.  Padding of delta 0 ends the page's events (the kernel's
 * "rest of the page is empty").
 * The chain must end exactly at the commit; anything else is damage.
 */
#include <string.h>

#include "pagecheck.h"

static void damage(struct ds_pagecheck *pc, uint64_t pages, uint64_t bytes, uint64_t offset,
		   const char *why)
{
	if (!pc->damaged_pages) {
		pc->first_damaged = offset;
		pc->first_reason = why;
	}
	pc->damaged_pages += pages;
	pc->damaged_bytes += bytes;
}

/* Length of the event at @p (@room bytes left before the commit), 0 if it cannot be one. */
static uint64_t event_len(const struct ds_page_layout *lay, const uint8_t *p, uint64_t room,
			  gboolean *record, gboolean *rest_empty)
{
	unsigned int type;
	uint32_t delta;
	uint64_t arg;

	ds_page_event_hdr(lay, (uint32_t)ds_page_rd(lay, p, 4), &type, &delta);

	*record = type < DS_PAGE_TYPE_PADDING;
	*rest_empty = FALSE;
	if (type >= 1 && type < DS_PAGE_TYPE_PADDING)
		return 4 + 4 * (uint64_t)type;
	if (type == DS_PAGE_TYPE_PADDING && !delta) {
		*rest_empty = TRUE;
		return room;
	}
	if (type >= DS_PAGE_TYPE_TIME_EXTEND)
		return 8;
	if (room < 8)
		return 0;
	arg = ds_page_rd(lay, p + 4, 4);
	if (type == DS_PAGE_TYPE_PADDING)
		return 4 + arg;
	return arg < 4 ? 0 : 8 + ((arg - 4 + 3) & ~(uint64_t)3);
}

gboolean ds_pagecheck_page(struct ds_pagecheck *pc, const struct ds_page_layout *lay,
			   const uint8_t *page, uint64_t offset)
{
	uint64_t hdr = ds_page_hdr(lay);
	uint64_t commit = ds_page_commit(lay, page);
	uint64_t end = hdr + (commit & DS_PAGE_COMMIT_MASK), n = 0;

	pc->pages++;
	if (end + (commit & DS_PAGE_MISSED_STORED ? lay->long_size : 0) > lay->page_size) {
		damage(pc, 1, lay->page_size, offset, "its commit claims more data than a page holds");
		return FALSE;
	}
	for (uint64_t off = hdr; off < end;) {
		gboolean rec, rest_empty;
		uint64_t len = end - off >= 4 ?
			event_len(lay, page + off, end - off, &rec, &rest_empty) : 0;

		if (!len || len > end - off) {
			/* records before the damage were readable: count them, not the rest */
			pc->records += n;
			damage(pc, 1, lay->page_size, offset, "an event runs past the page's commit");
			return FALSE;
		}
		n += rec;
		off += len;
		if (rest_empty)
			break;
	}
	pc->records += n;
	return TRUE;
}

void ds_pagecheck_unreadable(struct ds_pagecheck *pc, uint64_t pages, uint64_t bytes,
			     uint64_t offset, const char *why)
{
	pc->pages += pages;
	damage(pc, pages, bytes, offset, why);
}
