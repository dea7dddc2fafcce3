// SPDX-License-Identifier: MIT
/*
 * pagecheck.c - count the records of ring-buffer pages and find damaged ones (pagecheck.h).
 *
 * A page (kernel ring_buffer.c, libtraceevent kbuffer.c): u64 time stamp, a commit word
 * (long_size bytes: low 27 bits the bytes of data, bit 31 "events were lost", bit 30 "their
 * count is stored after the data"), then the events.  Each event starts with a u32 holding a
 * 5-bit type_len and a 27-bit time delta (type_len in the low bits on little-endian files, in
 * the high bits on big-endian ones):
 *   0      a record whose length is in the next u32 (it counts its own 4 bytes)
 *   1..28  a record of type_len * 4 data bytes
 *   29     padding of array[0] more bytes; with delta 0 the rest of the page is empty
 *   30, 31 time extend / absolute time stamp: 8 bytes in all
 * The chain must end exactly at the commit; anything else is damage.
 */
#include <string.h>

#include "pagecheck.h"

#define COMMIT_MASK ((1u << 27) - 1)
#define MISSED_STORED (1u << 30)
#define TYPE_PADDING 29
#define TYPE_TIME_EXTEND 30

static uint64_t rd(const struct ds_page_layout *lay, const uint8_t *p, unsigned int size)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < size; i++)
		v |= (uint64_t)p[lay->big_endian ? size - 1 - i : i] << (8 * i);
	return v;
}

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
	uint32_t h = (uint32_t)rd(lay, p, 4);
	unsigned int type = lay->big_endian ? h >> 27 : h & 0x1f;
	uint32_t delta = lay->big_endian ? h & COMMIT_MASK : h >> 5;
	uint64_t arg;

	*record = type < TYPE_PADDING;
	*rest_empty = FALSE;
	if (type >= 1 && type < TYPE_PADDING)
		return 4 + 4 * (uint64_t)type;
	if (type == TYPE_PADDING && !delta) {
		*rest_empty = TRUE;
		return room;
	}
	if (type >= TYPE_TIME_EXTEND)
		return 8;
	if (room < 8)
		return 0;
	arg = rd(lay, p + 4, 4);
	if (type == TYPE_PADDING)
		return 4 + arg;
	return arg < 4 ? 0 : 8 + ((arg - 4 + 3) & ~(uint64_t)3);
}

gboolean ds_pagecheck_page(struct ds_pagecheck *pc, const struct ds_page_layout *lay,
			   const uint8_t *page, uint64_t offset)
{
	uint64_t hdr = 8 + (lay->long_size == 4 ? 4 : 8);
	uint64_t commit = rd(lay, page + 8, lay->long_size == 4 ? 4 : 8);
	uint64_t end = hdr + (commit & COMMIT_MASK), n = 0;

	pc->pages++;
	if (end + (commit & MISSED_STORED ? lay->long_size : 0) > lay->page_size) {
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
