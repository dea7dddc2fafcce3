/* SPDX-License-Identifier: MIT */
/*
 * pagefmt.h - the bytes of a ring-buffer page (private to replay/): shared by the page walk
 * that counts records (pagecheck.c) and the decoder that reads them (pagedec.c).
 *
 * A page (kernel ring_buffer.c; libtraceevent kbuffer-parse.c reads the same): a u64 time
 * stamp, a commit word (long_size bytes: low 27 bits the bytes of data, bit 31 "events were
 * lost before this page", bit 30 "their count is stored after the data"), then the events.
 * Each event starts with a u32 holding a 5-bit type_len and a 27-bit time delta (type_len
 * in the low bits on little-endian files, in the high bits on big-endian ones):
 *   0      a record whose length is in the next u32 (it counts its own 4 bytes)
 *   1..28  a record of type_len * 4 data bytes
 *   29     padding: array[0] more bytes
 *   30     time extend: delta += array[0] << 27; 8 bytes in all
 *   31     absolute time stamp: array[0] << 27 | delta; 8 bytes in all
 * struct ds_page_layout: what a file says about its pages (byte order, commit word size).
 */
#ifndef DS_PAGEFMT_H
#define DS_PAGEFMT_H

#include <stdint.h>
#include <string.h>
#include <glib.h>

#define DS_PAGE_COMMIT_MASK ((1u << 27) - 1)
#define DS_PAGE_MISSED (1ull << 31)
#define DS_PAGE_MISSED_STORED (1ull << 30)
#define DS_PAGE_TS_SHIFT 27
#define DS_PAGE_TYPE_PADDING 29
#define DS_PAGE_TYPE_TIME_EXTEND 30
#define DS_PAGE_TYPE_TIME_STAMP 31

/* The page layout of a file: byte order and the size of the commit word. */
struct ds_page_layout {
	gboolean big_endian;
	unsigned int long_size;		/* 4 or 8 */
	unsigned int page_size;
};

/* Bytes before a page's first event: the time stamp and the commit word. */
static inline unsigned int ds_page_hdr(const struct ds_page_layout *lay)
{
	return 8 + (lay->long_size == 4 ? 4 : 8);
}

/* An unsigned number of @size (1..8) bytes in the file's byte order. */
static inline uint64_t ds_page_rd(const struct ds_page_layout *lay, const uint8_t *p,
				  unsigned int size)
{
	uint64_t v = 0;

	if (!lay->big_endian && G_BYTE_ORDER == G_LITTLE_ENDIAN && (size == 4 || size == 8)) {
		/* the common case, one load */
		if (size == 4) {
			uint32_t w;

			memcpy(&w, p, 4);
			return w;
		}
		memcpy(&v, p, 8);
		return v;
	}
	for (unsigned int i = 0; i < size; i++)
		v |= (uint64_t)p[lay->big_endian ? size - 1 - i : i] << (8 * i);
	return v;
}

/* The commit word of @page. */
static inline uint64_t ds_page_commit(const struct ds_page_layout *lay, const uint8_t *page)
{
	return ds_page_rd(lay, page + 8, lay->long_size == 4 ? 4 : 8);
}

/* Split an event's first word into its type_len and time delta. */
static inline void ds_page_event_hdr(const struct ds_page_layout *lay, uint32_t word,
				     unsigned int *type, uint32_t *delta)
{
	*type = lay->big_endian ? word >> 27 : word & 0x1f;
	*delta = lay->big_endian ? word & DS_PAGE_COMMIT_MASK : word >> 5;
}

#endif
