// SPDX-License-Identifier: MIT
/*
 * mkcorrupt.c - the corrupt-input corpus (README.md lists every file and its expected
 * outcome; test_corrupt.c runs defersim on each).
 *
 * Every trace is written by the one trace.dat writer (synth/datw.c through
 * tests/replay/fixture.c) or derived from one: by the real `trace-cmd convert` (zstd), and by
 * one documented mutation at an offset computed from the file's own structure (never a
 * hand-edited binary, never a fixed offset):
 *   - header fields at the offsets of the v7 layout (synth/dat_clock.h);
 *   - options found by walking the options sections (ds_dat_option_find());
 *   - a CPU's data found through the BUFFER option (per CPU: u32 cpu, u64 offset, u64 size);
 *   - damaged ring-buffer pages made by the writer itself (ds_datw_damage()).
 * For each damaged trace, NAME.records says how many event records the writer put on each
 * CPU ("CPU RECORDS" lines; padding and time extends are not records): what a damage report
 * must conserve.
 *
 * Usage: mkcorrupt OUTDIR SOURCE_ROOT   (SOURCE_ROOT: for profiles/rpi4b.ini)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>

#include "dat_clock.h"
#include "dsev_format.h"
#include "ds_synth.h"
#include "fixture.h"

/* The healthy trace: per CPU, RELEASES releases each with its return, PER_PAGE records a page. */
#define NCPUS 2
#define RELEASES 300
#define PER_PAGE 100
#define RECORDS (2 * RELEASES)		/* 600 records, 6 pages, on each CPU */
#define DAMAGED_CPU 1
#define DAMAGED_PAGE 2			/* the third page of the damaged CPU */

/* The corpus directory travels as @dir: a generator has no state worth a global. */
static char *out_path(const char *dir, const char *name)
{
	return g_build_filename(dir, name, NULL);
}

static GByteArray *load(const char *dir, const char *name)
{
	g_autofree char *p = out_path(dir, name);
	GByteArray *b = g_byte_array_new();
	guint8 *data;
	gsize len;
	GError *error = NULL;

	if (!g_file_get_contents(p, (char **)&data, &len, &error))
		fx_die(p, error);
	g_byte_array_append(b, data, (guint)len);
	g_free(data);
	return b;
}

static void save(const char *dir, const char *name, const guint8 *data, gsize len)
{
	g_autofree char *p = out_path(dir, name);
	GError *error = NULL;

	if (!g_file_set_contents(p, (const char *)data, (gssize)len, &error))
		fx_die(p, error);
}

static void save_records(const char *dir, const char *name, const uint64_t *records)
{
	g_autofree char *rname = g_strdup_printf("%s.records", name);
	g_autoptr(GString) s = g_string_new(NULL);

	for (unsigned int c = 0; c < NCPUS; c++)
		g_string_append_printf(s, "%u %" G_GUINT64_FORMAT "\n", c, records[c]);
	save(dir, rname, (const guint8 *)s->str, s->len);
}

/*
 * The healthy trace, with @damage on page DAMAGED_PAGE of CPU DAMAGED_CPU (after its tenth
 * record).  CPU c: pid 100 + 100 c releases slot i at 1 ms + i * 10 us (+ 5 us on CPU 1), its
 * return 3 us later; a new page every PER_PAGE records.
 */
static void healthy(const char *dir, const char *name, enum ds_datw_damage damage)
{
	g_autofree char *p = out_path(dir, name);
	struct fixture fx;
	uint64_t records[NCPUS];
	GError *error = NULL;

	fx_open(&fx, FX_ALL, NCPUS, "mono");
	for (unsigned int c = 0; c < NCPUS; c++) {
		int32_t pid = 100 + 100 * (int32_t)c;

		for (unsigned int i = 0; i < RELEASES; i++) {
			uint64_t ts = 1000000 + (uint64_t)i * 10000 + c * 5000;
			unsigned int rec = 2 * i;

			if (rec % PER_PAGE == 0)
				fx_page(&fx, c, ts, DS_DATW_LOSS_NONE, 0);
			fx_zram_free(&fx, c, ts, pid, i);
			fx_zram_ret(&fx, c, ts + 3000, pid);
			if (damage != DS_DATW_DAMAGE_NONE && c == DAMAGED_CPU &&
			    rec == DAMAGED_PAGE * PER_PAGE + 10 &&
			    !ds_datw_damage(fx.w, c, damage, &error))
				fx_die(name, error);
		}
		records[c] = ds_datw_records(fx.w, c);
		if (records[c] != RECORDS)	/* the writer counts as this file does */
			fx_die("record count differs from 2 x RELEASES", NULL);
	}
	fx_close(&fx, p);
	if (damage != DS_DATW_DAMAGE_NONE)
		save_records(dir, name, records);
}

static void convert_zstd(const char *dir, const char *from, const char *to)
{
	g_autofree char *a = out_path(dir, from);
	g_autofree char *b = out_path(dir, to);
	const char *argv[] = { "trace-cmd", "convert", "--compression", "any", "-i", a, "-o", b,
			       NULL };
	gint status;
	GError *error = NULL;

	if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH |
			  G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL,
			  NULL, &status, &error) || !g_spawn_check_wait_status(status, &error))
		fx_die("trace-cmd convert", error);
}

static void put_u32(GByteArray *b, gsize off, uint32_t v)
{
	if (off + 4 > b->len)
		fx_die("mutation beyond the file", NULL);
	memcpy(b->data + off, &v, 4);
}

static void put_u64(GByteArray *b, gsize off, uint64_t v)
{
	if (off + 8 > b->len)
		fx_die("mutation beyond the file", NULL);
	memcpy(b->data + off, &v, 8);
}

static uint64_t get_u64(const GByteArray *b, gsize off)
{
	uint64_t v;

	if (off + 8 > b->len)
		fx_die("read beyond the file", NULL);
	memcpy(&v, b->data + off, 8);
	return v;
}

/* A v7 header: magic (10 bytes), "7\0", endianness, long size, then the u32 page size. */
#define V7_PAGE_SIZE_OFF 14

/* The first option @id of the trace @path (die without one). */
static struct ds_dat_option option(const char *p, uint16_t id)
{
	struct ds_dat_option o;
	GError *error = NULL;

	if (!ds_dat_option_find(p, id, &o, &error))
		fx_die("option not found", error);
	return o;
}

/*
 * Where CPU @cpu's entry of the BUFFER option is: its body is u64 offset, the instance name
 * and the clock (strings), u32 page size, u32 CPU count, then per CPU u32 cpu, u64 offset,
 * u64 size.  Returns the file offset of that CPU's u64 offset (its size follows).
 */
static gsize buffer_cpu_entry(const GByteArray *b, const struct ds_dat_option *o, unsigned int cpu)
{
	gsize q = o->off + 8, end = o->off + o->size;

	for (int s = 0; s < 2; s++) {		/* name, clock */
		const guint8 *z = q < end ? memchr(b->data + q, 0, end - q) : NULL;

		if (!z)
			fx_die("BUFFER option without its strings", NULL);
		q = (gsize)(z - b->data) + 1;
	}
	q += 8 + (gsize)cpu * 20 + 4;		/* page size, count; entries before; cpu */
	if (q + 16 > end)
		fx_die("BUFFER option without that CPU", NULL);
	return q;
}

/* @to := @from (in @dir) changed by @mutate, which is given @from's full path */
static void derive_from(const char *dir, const char *from, const char *to,
			void (*mutate)(GByteArray *b, const char *path))
{
	g_autoptr(GByteArray) b = load(dir, from);
	g_autofree char *path = out_path(dir, from);

	mutate(b, path);
	save(dir, to, b->data, b->len);
}

static void page_size_zero(GByteArray *b, const char *from)
{
	(void)from;
	put_u32(b, V7_PAGE_SIZE_OFF, 0);
}

static void cpucount_2g(GByteArray *b, const char *from)
{
	put_u32(b, option(from, DS_DAT_OPT_CPUCOUNT).off, 1u << 31);
}

static void cpucount_128m(GByteArray *b, const char *from)
{
	put_u32(b, option(from, DS_DAT_OPT_CPUCOUNT).off, 1u << 27);
}

/* The compressed data of CPU @cpu: after the section's u32 chunk count and the first
 * chunk's u32 compressed and u32 uncompressed sizes (trace-cmd's compressed CPU data). */
static void zstd_cpu_data(GByteArray *b, const char *from, unsigned int cpu, gsize *off,
			  gsize *len)
{
	struct ds_dat_option o = option(from, DS_DAT_OPT_BUFFER);
	gsize e = buffer_cpu_entry(b, &o, cpu);
	uint64_t start = get_u64(b, e), size = get_u64(b, e + 8);
	uint32_t csize;

	if (start + 12 > b->len || size < 12)
		fx_die("compressed CPU data out of the file", NULL);
	memcpy(&csize, b->data + start + 4, 4);
	if (csize < 16 || start + 12 + csize > b->len)
		fx_die("compressed chunk out of the file", NULL);
	*off = (gsize)start + 12;
	*len = csize;
}

/*
 * Where the first block header of the zstd frame at @off is (RFC 8878 3.1.1): after the
 * magic (4 bytes), the frame header descriptor FHD (1), the window descriptor (1 unless
 * Single_Segment, FHD bit 5), the dictionary id (0, 1, 2 or 4 bytes: FHD bits 0-1) and the
 * frame content size (FHD bits 6-7: 0 -> 1 byte if Single_Segment else 0, 1 -> 2, 2 -> 4,
 * 3 -> 8).
 */
static gsize zstd_first_block(const GByteArray *b, gsize off, gsize len)
{
	static const gsize did[4] = { 0, 1, 2, 4 }, fcs[4] = { 0, 2, 4, 8 };
	guint8 fhd;
	gboolean single;
	gsize at;

	if (len < 8 || memcmp(b->data + off, "\x28\xb5\x2f\xfd", 4))
		fx_die("CPU data is not a zstd frame", NULL);
	fhd = b->data[off + 4];
	single = (fhd >> 5) & 1;
	at = 5 + (single ? 0 : 1) + did[fhd & 3] + ((fhd >> 6) ? fcs[fhd >> 6] : (gsize)single);
	if (at + 3 > len)
		fx_die("zstd frame header beyond the chunk", NULL);
	return off + at;
}

/*
 * One byte of CPU 1's zstd data replaced by its complement: the middle byte of the first
 * block header (3 bytes: last flag, type, then the block size in bits 3-23), so that the
 * block's size no longer fits the chunk and zstd cannot decompress it.  (A byte inside the
 * entropy-coded data may decode to other but well-formed pages: no checksum would tell.)
 */
static void zstd_byte(GByteArray *b, const char *from)
{
	gsize off, len;

	zstd_cpu_data(b, from, DAMAGED_CPU, &off, &len);
	b->data[zstd_first_block(b, off, len) + 1] ^= 0xff;
}

/* one bit (the lowest) flipped at three quarters of CPU 1's zstd data */
static void zstd_bit(GByteArray *b, const char *from)
{
	gsize off, len;

	zstd_cpu_data(b, from, DAMAGED_CPU, &off, &len);
	b->data[off + len * 3 / 4] ^= 0x01;
}

static void cut(const char *dir, const char *from, const char *to, gsize at)
{
	g_autoptr(GByteArray) b = load(dir, from);

	if (at >= b->len)
		fx_die("cut beyond the file", NULL);
	save(dir, to, b->data, at);
}

/* rpi4b.ini with page_size = 2^31 (the loader's bound is 2^24) */
static void profile_page_size(const char *dir, const char *root)
{
	g_autofree char *src = g_build_filename(root, "profiles", "rpi4b.ini", NULL);
	g_autofree char *text = NULL;
	g_auto(GStrv) lines = NULL;
	g_autoptr(GString) out = g_string_new(NULL);
	gboolean done = FALSE;
	GError *error = NULL;

	if (!g_file_get_contents(src, &text, NULL, &error))
		fx_die(src, error);
	lines = g_strsplit(text, "\n", -1);
	for (char **l = lines; *l; l++) {
		if (g_str_has_prefix(*l, "page_size=")) {
			g_string_append(out, "page_size=2147483648");
			done = TRUE;
		} else {
			g_string_append(out, *l);
		}
		if (l[1])
			g_string_append_c(out, '\n');
	}
	if (!done)
		fx_die("rpi4b.ini has no page_size line", NULL);
	save(dir, "profile-pagesize-2g.ini", (const guint8 *)out->str, out->len);
}

/*
 * A .dsev of 10 poisson releases whose first release with a duration says it lasted 2^63 ns;
 * the MD5 is computed again (over text and padding, events, header: dsev_format.h) so that
 * only the duration is wrong.
 */
static void dsev_huge_duration(const char *dir)
{
	g_autofree char *p = out_path(dir, "huge-duration.dsev");
	struct ds_synth_params sp;
	g_autoptr(GByteArray) b = NULL;
	struct dsev_header h;
	GError *error = NULL;
	gsize ev_off, n_off, end;
	gboolean changed = FALSE;

	if (!ds_synth_params_init(&sp, "poisson", &error) ||
	    !ds_synth_params_set(&sp, "count", "10", &error) ||
	    !ds_synth_params_validate(&sp, &error) || !ds_synth_write(&sp, p, &error))
		fx_die("huge-duration.dsev", error);
	b = load(dir, "huge-duration.dsev");
	if (b->len < sizeof(h) + DSEV_DIGEST_LEN)
		fx_die("dsev too short", NULL);
	memcpy(&h, b->data, sizeof(h));
	ev_off = sizeof(h) + dsev_pad8(h.desc_len);
	end = b->len - DSEV_DIGEST_LEN;
	for (n_off = ev_off; n_off + sizeof(struct ds_event) <= end && !changed;
	     n_off += sizeof(struct ds_event)) {
		struct ds_event ev;

		memcpy(&ev, b->data + n_off, sizeof(ev));
		if (ev.type == DS_EV_RELEASE && (ev.flags & DS_EVF_DURATION)) {
			ev.aux = 1ull << 63;
			memcpy(b->data + n_off, &ev, sizeof(ev));
			changed = TRUE;
		}
	}
	if (!changed)
		fx_die("no release with a duration in the .dsev", NULL);
	{
		GChecksum *ck = g_checksum_new(G_CHECKSUM_MD5);
		gsize dlen = DSEV_DIGEST_LEN;

		g_checksum_update(ck, b->data + sizeof(h), (gssize)(end - sizeof(h)));
		g_checksum_update(ck, b->data, sizeof(h));
		g_checksum_get_digest(ck, b->data + end, &dlen);
		g_checksum_free(ck);
	}
	save(dir, "huge-duration.dsev", b->data, b->len);
}

int main(int argc, char **argv)
{
	const char *dir;
	g_autofree char *plain_path = NULL, *zstd_path = NULL;
	g_autoptr(GByteArray) plain = NULL;
	struct ds_dat_option buf;
	gsize cpu0;

	if (argc != 3) {
		fprintf(stderr, "usage: mkcorrupt OUTDIR SOURCE_ROOT\n");
		return 2;
	}
	dir = argv[1];
	if (g_mkdir_with_parents(dir, 0755) < 0)
		fx_die(dir, NULL);
	plain_path = out_path(dir, "healthy.dat");
	zstd_path = out_path(dir, "healthy-zstd.dat");
	healthy(dir, "healthy.dat", DS_DATW_DAMAGE_NONE);
	convert_zstd(dir, "healthy.dat", "healthy-zstd.dat");
	derive_from(dir, "healthy-zstd.dat", "zstd-pagesize0.dat", page_size_zero);
	derive_from(dir, "healthy.dat", "cpucount-2g.dat", cpucount_2g);
	derive_from(dir, "healthy.dat", "cpucount-128m.dat", cpucount_128m);
	profile_page_size(dir, argv[2]);

	/* cuts: inside the header, inside the first options, inside CPU 0's first page,
	 * inside the BUFFER option (the last section), inside CPU 0's compressed data */
	plain = load(dir, "healthy.dat");
	buf = option(plain_path, DS_DAT_OPT_BUFFER);
	cpu0 = (gsize)get_u64(plain, buffer_cpu_entry(plain, &buf, 0));
	cut(dir, "healthy.dat", "cut-header.dat", 12);
	cut(dir, "healthy.dat", "cut-options.dat",
	    (gsize)option(plain_path, DS_DAT_OPT_CPUCOUNT).off + 2);
	cut(dir, "healthy.dat", "cut-cpu0.dat", cpu0 + DS_DATW_PAGE / 2);
	cut(dir, "healthy.dat", "cut-buffer.dat", (gsize)buf.off + buf.size / 2);
	{
		g_autoptr(GByteArray) z = load(dir, "healthy-zstd.dat");
		gsize off, len;

		zstd_cpu_data(z, zstd_path, 0, &off, &len);
		cut(dir, "healthy-zstd.dat", "cut-zstd-cpu0.dat", off + len / 2);
	}

	healthy(dir, "short-commit.dat", DS_DATW_DAMAGE_SHORT_COMMIT);
	healthy(dir, "garbage-page.dat", DS_DATW_DAMAGE_GARBAGE_HEADER);
	{
		uint64_t records[NCPUS] = { RECORDS, RECORDS };
		gsize e = buffer_cpu_entry(plain, &buf, DAMAGED_CPU);

		/* CPU 1's size in the BUFFER option: 100 bytes short of its pages */
		put_u64(plain, e + 8, get_u64(plain, e + 8) - 100);
		save(dir, "cpusize-unaligned.dat", plain->data, plain->len);
		save_records(dir, "cpusize-unaligned.dat", records);
		derive_from(dir, "healthy-zstd.dat", "zstd-byte.dat", zstd_byte);
		save_records(dir, "zstd-byte.dat", records);
		derive_from(dir, "healthy-zstd.dat", "zstd-bitflip.dat", zstd_bit);
		save_records(dir, "zstd-bitflip.dat", records);
	}
	dsev_huge_duration(dir);
	return 0;
}
