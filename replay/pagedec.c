// SPDX-License-Identifier: MIT
/*
 * pagedec.c - walk one CPU's ring-buffer pages as kbuffer does (pagedec.h).
 *
 * The walk is kbuffer-parse.c's, step for step, with its integer types: offsets are
 * unsigned 32-bit (a negative length wraps them), a type-0 length is `(word - 4 + 3) & ~3`
 * in int, padding adds its time delta, a time extend adds `array[0] << 27 | delta`, an
 * absolute time stamp replaces the time with `array[0] << 27 | delta` keeping the top five
 * bits of the current time (TS_MSB), and the missed-events count belongs to a record only
 * when that record is the page's first event (kbuffer_missed_events(): `curr == 0`), as an
 * int.  Before each read the bytes are checked to lie inside the page; where they do not,
 * the walk stops (stop()) rather than guess what libtracecmd would read there.
 */
#include <string.h>

#include "pagedec.h"

/* Absolute time stamps carry 59 bits: the top 5 are the current time's (kbuffer TS_MSB). */
#define TS_MSB (0xf8ull << 56)

void ds_pagedec_init(struct ds_pagedec *pd, const struct ds_page_layout *lay,
		     const uint8_t *base, uint64_t file_offset, uint64_t npages)
{
	memset(pd, 0, sizeof(*pd));
	pd->lay = *lay;
	pd->start = ds_page_hdr(lay);
	pd->room = lay->page_size - pd->start;
	pd->base = base;
	pd->file_offset = file_offset;
	pd->npages = npages;
}

static uint64_t page_offset(const struct ds_pagedec *pd)
{
	return pd->file_offset + pd->page * pd->lay.page_size;
}

/* Stopped at @curr of the current page (the page itself when @at_page). */
static int stop(struct ds_pagedec *pd, uint32_t curr, gboolean at_page)
{
	pd->stop_offset = page_offset(pd) + (at_page ? 0 : pd->start + (uint64_t)curr);
	pd->npages = pd->page;	/* nothing more from this cursor */
	pd->data = NULL;
	return -1;
}

/*
 * Load page @pd->page (kbuffer_load_subbuffer() and libtracecmd's update_page_info()).
 * libtracecmd refuses a commit above the page size and reads past the page's end for one
 * above the page's data: both are left to it.
 */
static int load(struct ds_pagedec *pd)
{
	const struct ds_page_layout *lay = &pd->lay;
	const uint8_t *page = pd->base + pd->page * lay->page_size;
	uint64_t flags = ds_page_commit(lay, page);

	pd->ts = ds_page_rd(lay, page, 8);
	pd->size = (uint32_t)flags & DS_PAGE_COMMIT_MASK;
	if ((uint64_t)pd->start + pd->size > lay->page_size)
		return stop(pd, 0, TRUE);
	pd->lost = 0;
	if (flags & DS_PAGE_MISSED) {
		pd->lost = -1;
		if (flags & DS_PAGE_MISSED_STORED) {
			if ((uint64_t)pd->start + pd->size + lay->long_size > lay->page_size)
				return stop(pd, 0, TRUE);
			pd->lost = (long long)ds_page_rd(lay, page + pd->start + pd->size,
							 lay->long_size);
		}
	}
	pd->data = page + pd->start;
	pd->page_off = page_offset(pd);
	pd->next = 0;
	return 1;
}

int ds_pagedec_next(struct ds_pagedec *pd, struct tep_record *rec)
{
	const struct ds_page_layout *lay = &pd->lay;

	for (;;) {
		if (!pd->data) {
			if (pd->page >= pd->npages)
				return 0;
			if (load(pd) < 0)
				return -1;
		}

		uint32_t curr = pd->next, index, word, delta;
		int length;
		unsigned int type;

		if (curr >= pd->size) {
			/* the page is done: the next one */
			pd->data = NULL;
			pd->page++;
			continue;
		}
		uint64_t room = pd->room;

		if ((uint64_t)curr + 4 > room)
			return stop(pd, curr, FALSE);
		word = (uint32_t)ds_page_rd(lay, pd->data + curr, 4);
		ds_page_event_hdr(lay, word, &type, &delta);
		if (type >= 1 && type < DS_PAGE_TYPE_PADDING) {
			/* the common case: a record of type * 4 bytes */
			index = curr + 4;
			length = (int)type * 4;
			pd->ts += delta;
		} else {
			if ((uint64_t)curr + 8 > room)
				return stop(pd, curr, FALSE);
			uint32_t arg = (uint32_t)ds_page_rd(lay, pd->data + curr + 4, 4);

			switch (type) {
			case DS_PAGE_TYPE_PADDING:
				index = curr + 4;
				length = (int)arg;
				pd->ts += delta;
				break;
			case DS_PAGE_TYPE_TIME_EXTEND:
				index = curr + 8;
				length = 0;
				pd->ts += ((uint64_t)arg << DS_PAGE_TS_SHIFT) + delta;
				break;
			case DS_PAGE_TYPE_TIME_STAMP:
				index = curr + 8;
				length = 0;
				pd->ts = (((uint64_t)arg << DS_PAGE_TS_SHIFT) + delta) |
					 (pd->ts & TS_MSB);
				break;
			default:	/* 0: the length word counts itself */
				index = curr + 8;
				length = (int)(arg - 4);
				length = (int)(((unsigned int)length + 3) & ~3u);
				pd->ts += delta;
				break;
			}
		}
		pd->next = index + (uint32_t)length;
		if (type >= DS_PAGE_TYPE_PADDING) {
			/* not a record; a chain that does not move forward is libtracecmd's */
			if (pd->next <= curr && pd->next < pd->size)
				return stop(pd, curr, FALSE);
			continue;
		}
		/* a record: its bytes must lie in the page, forward of its header */
		if (length < 0 || (uint64_t)pd->next > room)
			return stop(pd, curr, FALSE);
		rec->ts = pd->ts;
		rec->offset = pd->page_off + pd->start + curr;
		rec->data = (void *)(pd->data + index);
		rec->size = length;
		rec->record_size = (int)(pd->next - curr);
		rec->missed_events = curr ? 0 : (int)pd->lost;
		return 1;
	}
}
