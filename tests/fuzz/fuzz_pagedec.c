// SPDX-License-Identifier: MIT
/*
 * fuzz_pagedec.c - the ring-buffer page decoder (replay/pagedec.h) on arbitrary bytes.
 *
 * Byte 0 picks the layout (bit 0: big-endian, bit 1: 4-byte commit word, bits 2-4: page
 * size 64 << n); the rest is cut into pages, each copied into a buffer of exactly its size
 * (so that a read outside the page is a sanitizer's error, not a quiet garbage value).  Each
 * page is decoded alone; where the decoder reads the page to its end without stopping (it
 * stops where libtracecmd would read outside the page or go round for ever), libtraceevent's
 * kbuffer, the parser libtracecmd uses, reads it too and must give the same records: time,
 * offset, size, record size, missed events.  Where the decoder stops, kbuffer is not run (it
 * may read past the page or never end: that is why the decoder stops).
 */
#include <string.h>
#include <glib.h>
#include <kbuffer.h>

#include "fuzz.h"
#include "pagedec.h"

#define FILE_OFF 4096

/* Decode @page; TRUE when the decoder ran to the page's end (no stop). */
static gboolean decode_page(const struct ds_page_layout *lay, const uint8_t *page,
			    GArray *recs)
{
	struct ds_pagedec pd;
	struct tep_record rec;
	int got;

	ds_pagedec_init(&pd, lay, page, FILE_OFF, 1);
	while ((got = ds_pagedec_next(&pd, &rec)) > 0) {
		/* the record's bytes lie in the page */
		if ((const uint8_t *)rec.data < page || rec.size < 0 ||
		    (const uint8_t *)rec.data + rec.size > page + lay->page_size)
			__builtin_trap();
		g_array_append_val(recs, rec);
	}
	return got == 0;
}

static void compare_kbuffer(const struct ds_page_layout *lay, uint8_t *page, GArray *recs)
{
	struct kbuffer *kb = kbuffer_alloc(lay->long_size == 4 ? KBUFFER_LSIZE_4 : KBUFFER_LSIZE_8,
					   lay->big_endian ? KBUFFER_ENDIAN_BIG :
					   KBUFFER_ENDIAN_LITTLE);
	unsigned long long ts;
	guint i = 0;
	void *data;

	kbuffer_load_subbuffer(kb, page);
	for (; (data = kbuffer_read_event(kb, &ts)); i++, kbuffer_next_event(kb, NULL)) {
		const struct tep_record *r;

		if (i >= recs->len)
			__builtin_trap();
		r = &g_array_index(recs, struct tep_record, i);
		if (r->ts != ts || r->data != data ||
		    r->offset != FILE_OFF + (uint64_t)kbuffer_curr_offset(kb) ||
		    r->size != kbuffer_event_size(kb) || r->record_size != kbuffer_curr_size(kb) ||
		    r->missed_events != kbuffer_missed_events(kb))
			__builtin_trap();
	}
	if (i != recs->len)
		__builtin_trap();
	kbuffer_free(kb);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ds_page_layout lay;

	if (size < 1)
		return 0;
	lay.big_endian = data[0] & 1;
	lay.long_size = data[0] & 2 ? 4 : 8;
	lay.page_size = 64u << ((data[0] >> 2) & 7);
	data++;
	size--;
	for (size_t off = 0; off + lay.page_size <= size; off += lay.page_size) {
		g_autofree uint8_t *page = g_memdup2(data + off, lay.page_size);
		g_autoptr(GArray) recs = g_array_new(FALSE, FALSE, sizeof(struct tep_record));

		if (decode_page(&lay, page, recs))
			compare_kbuffer(&lay, page, recs);
	}
	return 0;
}
