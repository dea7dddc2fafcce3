// SPDX-License-Identifier: MIT
/*
 * test_pagedec.c - the page decoder (replay/pagedec.h) on hand-built ring-buffer pages:
 *   hand     every event kind (records of type_len 1..28 and 0 with a length word, padding,
 *            time extend, absolute time stamp with the page's top bits, missed events stored
 *            and not stored, a page starting with a time extend), time stamps, offsets,
 *            sizes and missed counts worked out by hand in the comments;
 *   stop     what it leaves to libtracecmd: a commit larger than the page, a record running
 *            past the page's end, a chain that goes backwards; where it says to resume;
 *   kbuffer  pseudo-random pages (fixed seed) read by libtraceevent's own kbuffer, the
 *            parser libtracecmd uses, and by the decoder: the same records up to where the
 *            decoder stops, and it stops only where kbuffer would read outside the page.
 */
#include <string.h>
#include <kbuffer.h>

#include "pagedec.h"
#include "helpers.h"

#define PS 256			/* page size of the hand-built pages */
#define HDR 16			/* u64 time stamp + u64 commit word */
#define FILE_OFF 8192		/* where the pages "lie" in the file */

static const struct ds_page_layout lay = { .big_endian = FALSE, .long_size = 8,
					   .page_size = PS };

struct page_builder {
	uint8_t *page;
	unsigned int off;	/* from the start of the events */
};

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static void begin(struct page_builder *b, uint8_t *page, uint64_t ts)
{
	memset(page, 0, PS);
	put64(page, ts);
	b->page = page;
	b->off = 0;
}

/* An event header (little-endian: type_len in the low 5 bits) and its words. */
static void ev(struct page_builder *b, unsigned int type, uint32_t delta, const uint32_t *words,
	       unsigned int nwords)
{
	put32(b->page + HDR + b->off, type | (delta << 5));
	b->off += 4;
	for (unsigned int i = 0; i < nwords; i++, b->off += 4)
		put32(b->page + HDR + b->off, words[i]);
}

/* The commit word: the data bytes so far, and the missed-events bits. */
static void commit(struct page_builder *b, gboolean missed, gboolean stored, uint64_t lost)
{
	uint64_t c = b->off;

	if (missed)
		c |= 1ull << 31;
	if (stored) {
		c |= 1ull << 30;
		put64(b->page + HDR + b->off, lost);
	}
	put64(b->page + 8, c);
}

struct want {
	uint64_t ts;
	uint64_t offset;
	int size;
	long long missed;
	uint32_t first_word;	/* the payload's first u32 */
};

static void expect_records(struct ds_pagedec *pd, const struct want *w, size_t n)
{
	struct tep_record rec;

	for (size_t i = 0; i < n; i++) {
		memset(&rec, 0, sizeof(rec));
		g_assert_cmpint(ds_pagedec_next(pd, &rec), ==, 1);
		g_assert_cmpuint(rec.ts, ==, w[i].ts);
		g_assert_cmpuint(rec.offset, ==, w[i].offset);
		g_assert_cmpint(rec.size, ==, w[i].size);
		g_assert_cmpint(rec.missed_events, ==, w[i].missed);
		uint32_t first;

		memcpy(&first, rec.data, 4);
		g_assert_cmpuint(first, ==, w[i].first_word);
	}
}

static void test_hand(void)
{
	static uint8_t pages[4 * PS];
	struct page_builder b;
	struct ds_pagedec pd;
	struct tep_record rec;

	/* page 0 at FILE_OFF: time 1000, missed events stored (7) */
	begin(&b, pages, 1000);
	ev(&b, 2, 5, (const uint32_t[]){ 0xa1, 0xa2 }, 2);	/* 0: ts 1005, 8 bytes */
	ev(&b, 30, 3, (const uint32_t[]){ 2 }, 1);		/* 12: += 2 << 27 | 3 */
	ev(&b, 0, 1, (const uint32_t[]){ 14, 0xb1, 0xb2, 0xb3 }, 4);	/* 20: length 14 - 4 = 10 -> 12 */
	ev(&b, 29, 4, (const uint32_t[]){ 8, 0 }, 2);		/* 40: padding, += 4, 4 + 8 bytes */
	ev(&b, 1, 6, (const uint32_t[]){ 0xc1 }, 1);		/* 52: 4 bytes */
	ev(&b, 31, 9, (const uint32_t[]){ 1 }, 1);		/* 60: = 1 << 27 | 9 */
	ev(&b, 1, 0, (const uint32_t[]){ 0xd1 }, 1);		/* 68 */
	commit(&b, TRUE, TRUE, 7);
	/* page 1: missed events not counted (-1), but its first event is a time extend: the
	 * first record is not the page's first event, so it carries none (kbuffer) */
	begin(&b, pages + PS, 5000);
	ev(&b, 30, 0, (const uint32_t[]){ 1 }, 1);		/* 0: += 1 << 27 */
	ev(&b, 3, 2, (const uint32_t[]){ 0xe1, 0, 0 }, 3);	/* 8: 12 bytes */
	commit(&b, TRUE, FALSE, 0);
	/* page 2: missed, not counted, first event a record: -1; time with the top bits set,
	 * which an absolute time stamp keeps */
	begin(&b, pages + 2 * PS, 0xf800000000000010ull);
	ev(&b, 1, 1, (const uint32_t[]){ 0xf1 }, 1);		/* 0 */
	ev(&b, 31, 3, (const uint32_t[]){ 4 }, 1);		/* 8: 4 << 27 | 3, top bits kept */
	ev(&b, 28, 0, NULL, 0);					/* 16: 112 bytes */
	b.off += 112;
	ev(&b, 29, 0, (const uint32_t[]){ PS - HDR - 132 - 4 }, 1);	/* 132: delta-0 padding */
	commit(&b, TRUE, FALSE, 0);
	/* page 3: empty (commit 0) */
	begin(&b, pages + 3 * PS, 9000);
	commit(&b, FALSE, FALSE, 0);

	const uint64_t ext = 2ull << 27;	/* 268 435 456 */
	const struct want w[] = {
		{ 1005, FILE_OFF + HDR + 0, 8, 7, 0xa1 },
		{ 1005 + ext + 3 + 1, FILE_OFF + HDR + 20, 12, 0, 0xb1 },
		{ 1005 + ext + 3 + 1 + 4 + 6, FILE_OFF + HDR + 52, 4, 0, 0xc1 },
		{ (1ull << 27) + 9, FILE_OFF + HDR + 68, 4, 0, 0xd1 },
		{ 5000 + (1ull << 27) + 2, FILE_OFF + PS + HDR + 8, 12, 0, 0xe1 },
		{ 0xf800000000000011ull, FILE_OFF + 2 * PS + HDR + 0, 4, -1, 0xf1 },
		{ 0xf800000000000000ull | ((4ull << 27) + 3), FILE_OFF + 2 * PS + HDR + 16, 112, 0, 0 },
	};

	ds_pagedec_init(&pd, &lay, pages, FILE_OFF, 4);
	expect_records(&pd, w, G_N_ELEMENTS(w));
	g_assert_cmpint(ds_pagedec_next(&pd, &rec), ==, 0);
	g_assert_cmpint(ds_pagedec_next(&pd, &rec), ==, 0);
}

static void test_stop(void)
{
	static uint8_t pages[2 * PS];
	struct page_builder b;
	struct ds_pagedec pd;
	struct tep_record rec;

	/* page 0 fine; page 1's commit claims more than the page holds */
	begin(&b, pages, 10);
	ev(&b, 1, 1, (const uint32_t[]){ 1 }, 1);
	commit(&b, FALSE, FALSE, 0);
	begin(&b, pages + PS, 20);
	ev(&b, 1, 1, (const uint32_t[]){ 2 }, 1);
	commit(&b, FALSE, FALSE, 0);
	put64(pages + PS + 8, PS - HDR + 1);
	ds_pagedec_init(&pd, &lay, pages, FILE_OFF, 2);
	g_assert_cmpint(ds_pagedec_next(&pd, &rec), ==, 1);
	g_assert_cmpint(ds_pagedec_next(&pd, &rec), ==, -1);
	g_assert_cmpuint(pd.stop_offset, ==, FILE_OFF + PS);
	g_assert_cmpint(ds_pagedec_next(&pd, &rec), ==, 0);

	/* a type-0 record whose length runs past the page: stop at it, after the first */
	begin(&b, pages, 10);
	ev(&b, 1, 1, (const uint32_t[]){ 1 }, 1);
	ev(&b, 0, 1, (const uint32_t[]){ PS }, 1);
	commit(&b, FALSE, FALSE, 0);
	ds_pagedec_init(&pd, &lay, pages, FILE_OFF, 1);
	g_assert_cmpint(ds_pagedec_next(&pd, &rec), ==, 1);
	g_assert_cmpint(ds_pagedec_next(&pd, &rec), ==, -1);
	g_assert_cmpuint(pd.stop_offset, ==, FILE_OFF + HDR + 8);

	/* padding at 24 whose length (0xfffffff0 = -16) takes the chain back to 12, where
	 * kbuffer would go round for ever: stop at the padding */
	begin(&b, pages, 10);
	for (int i = 0; i < 3; i++)
		ev(&b, 1, 1, (const uint32_t[]){ 1 }, 1);
	ev(&b, 29, 1, (const uint32_t[]){ 0xfffffff0u }, 1);
	ev(&b, 1, 1, (const uint32_t[]){ 1 }, 1);
	commit(&b, FALSE, FALSE, 0);
	ds_pagedec_init(&pd, &lay, pages, FILE_OFF, 1);
	for (int i = 0; i < 3; i++)
		g_assert_cmpint(ds_pagedec_next(&pd, &rec), ==, 1);
	g_assert_cmpint(ds_pagedec_next(&pd, &rec), ==, -1);
	g_assert_cmpuint(pd.stop_offset, ==, FILE_OFF + HDR + 24);

	/* the same back to below the page's start: the offset wraps past the commit, and kbuffer
	 * ends the page there (no stop) */
	begin(&b, pages, 10);
	ev(&b, 1, 1, (const uint32_t[]){ 1 }, 1);
	ev(&b, 29, 1, (const uint32_t[]){ 0xfffffff0u }, 1);
	ev(&b, 1, 1, (const uint32_t[]){ 1 }, 1);
	commit(&b, FALSE, FALSE, 0);
	ds_pagedec_init(&pd, &lay, pages, FILE_OFF, 1);
	g_assert_cmpint(ds_pagedec_next(&pd, &rec), ==, 1);
	g_assert_cmpint(ds_pagedec_next(&pd, &rec), ==, 0);

	/* a stored missed count that would lie past the page */
	begin(&b, pages, 10);
	b.off = PS - HDR - 4;
	ev(&b, 1, 0, NULL, 0);
	put64(pages + 8, (uint64_t)(PS - HDR) | (1ull << 31) | (1ull << 30));
	ds_pagedec_init(&pd, &lay, pages, FILE_OFF, 1);
	g_assert_cmpint(ds_pagedec_next(&pd, &rec), ==, -1);
	g_assert_cmpuint(pd.stop_offset, ==, FILE_OFF);
}

/* A pseudo-random page: mostly well-formed events, some odd ones (lengths, paddings). */
static void random_page(GRand *r, uint8_t *page)
{
	struct page_builder b;
	unsigned int room = PS - HDR - 8;

	begin(&b, page, g_rand_boolean(r) ? g_rand_int(r) : 0xf8ull << 56 | g_rand_int(r));
	while (b.off + 16 <= room && g_rand_int_range(r, 0, 40)) {
		unsigned int t = (unsigned int)g_rand_int_range(r, 0, 32);
		uint32_t delta = g_rand_int_range(r, 0, 4) ? (uint32_t)g_rand_int_range(r, 0, 1000) :
				 g_rand_int(r) & ((1u << 27) - 1);
		uint32_t arg = (uint32_t)g_rand_int_range(r, 0, 24);

		if (t >= 1 && t <= 28) {
			t = 1 + t % 6;
			if (b.off + 4 + 4 * t > room)
				break;
			ev(&b, t, delta, NULL, 0);
			b.off += 4 * t;
		} else if (t == 0) {
			if (b.off + 8 + arg > room)
				break;
			ev(&b, 0, delta, &arg, 1);
			b.off += (arg > 4 ? arg - 4 + 3 : 0) & ~3u;
		} else if (t == 29) {
			if (b.off + 4 + arg > room)
				break;
			ev(&b, 29, g_rand_boolean(r) ? delta : 0, &arg, 1);
			b.off += arg > 4 ? arg - 4 : 0;
		} else {
			arg = g_rand_int(r);
			ev(&b, t >= 31 ? 31 : 30, delta, &arg, 1);
		}
	}
	commit(&b, g_rand_boolean(r), g_rand_boolean(r), g_rand_int(r));
	if (!g_rand_int_range(r, 0, 10))	/* now and then a commit that cuts an event */
		put64(page + 8, (uint64_t)g_rand_int_range(r, 0, (gint32)b.off + 1));
}

static void test_kbuffer(void)
{
	g_autoptr(GRand) r = g_rand_new_with_seed(20261130);
	static uint8_t pages[2 * PS];
	struct kbuffer *kb = kbuffer_alloc(KBUFFER_LSIZE_8, KBUFFER_ENDIAN_LITTLE);
	unsigned int compared = 0, stopped = 0;

	for (int n = 0; n < 3000; n++) {
		struct ds_pagedec pd;
		struct tep_record rec;
		unsigned long long ts;
		void *data;
		int got;

		/* the page after is all 0xff: what kbuffer reads there cannot pass for the page */
		random_page(r, pages);
		memset(pages + PS, 0xff, PS);
		ds_pagedec_init(&pd, &lay, pages, FILE_OFF, 1);
		kbuffer_load_subbuffer(kb, pages);
		for (int k = 0; k < PS; k++) {
			got = ds_pagedec_next(&pd, &rec);
			data = kbuffer_read_event(kb, &ts);
			if (got <= 0)
				break;
			g_assert_nonnull(data);
			g_assert_cmpuint(rec.ts, ==, ts);
			g_assert_true(rec.data == data);
			g_assert_cmpuint(rec.offset, ==, FILE_OFF + (uint64_t)kbuffer_curr_offset(kb));
			g_assert_cmpint(rec.size, ==, kbuffer_event_size(kb));
			g_assert_cmpint(rec.record_size, ==, kbuffer_curr_size(kb));
			g_assert_cmpint(rec.missed_events, ==, kbuffer_missed_events(kb));
			compared++;
			kbuffer_next_event(kb, NULL);
		}
		if (got == 0) {
			g_assert_null(data);	/* the decoder ends where kbuffer does */
		} else {
			g_assert_cmpint(got, ==, -1);
			stopped++;
		}
	}
	kbuffer_free(kb);
	/* the pages exercised both: agreeing records, and stops */
	g_assert_cmpuint(compared, >, 10000);
	g_assert_cmpuint(stopped, >, 10);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/replay/pagedec/hand", test_hand);
	g_test_add_func("/replay/pagedec/stop", test_stop);
	g_test_add_func("/replay/pagedec/kbuffer", test_kbuffer);
	return g_test_run();
}
