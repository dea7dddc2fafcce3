// SPDX-License-Identifier: MIT
/*
 * mkfixture.c - the trace reader's fixtures: small trace.dat files with known content,
 * written through the one trace.dat writer (synth/datw.c, which says how without tracing
 * rights) with the vocabulary of fixture.c.  test_decode.c restates by hand what each CPU
 * stream below holds; change both together.  README.md lists the fixtures.
 *
 * The v6 and zstd variants are made by the real tool (`trace-cmd convert`); basic-v6clock.dat
 * is basic-v6.dat with a TRACECLOCK option inserted (what trace-cmd record writes in v6 files
 * and convert drops), at an offset found in the file (add_v6_traceclock()).
 *
 * Usage: mkfixture OUTDIR            every fixture into OUTDIR
 *        mkfixture --big N OUT.dat   a trace of N releases on 2 CPUs (bench/bench_ingest)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>

#include "fixture.h"

#define MS 1000000ull

static void basic(const char *path, const char *clock)
{
	struct fixture fx;

	fx_open(&fx, FX_ALL, 2, clock);
	fx_switch(&fx, 0, 1000000, 0, 100);		/* before start: dropped */
	fx_zram_free(&fx, 0, 1001000, 100, 7);
	fx_zs_free(&fx, 0, 1002000, 100, 0xabc0);
	fx_zram_ret(&fx, 0, 1006000, 100);		/* 7 took 5000 ns */
	fx_zram_free(&fx, 0, 1010000, 100, 8);
	fx_zram_ret(&fx, 0, 1013500, 100);		/* 8 took 3500 ns */
	fx_wq(&fx, 0, 1020000, 100, 0);
	fx_zram_free(&fx, 0, 1030000, 100, 9);		/* closed by the exit: no duration */
	fx_exit(&fx, 0, 1040000, 100);
	fx_switch(&fx, 0, 1041000, 100, 0);
	fx_page(&fx, 0, 199 * MS, DS_DATW_LOSS_NONE, 0);
	fx_zram_ret(&fx, 0, 200 * MS, 300);		/* return without entry */

	fx_switch(&fx, 1, 1000500, 0, 200);
	fx_zram_free(&fx, 1, 1004000, 200, 100);
	fx_pad(&fx, 1);					/* a discarded event */
	fx_zram_ret(&fx, 1, 1016000, 200);		/* 100 took 12000 ns */
	fx_wq(&fx, 1, 1021000, 200, 1);
	fx_switch(&fx, 1, 1021500, 200, 50);
	fx_wq(&fx, 1, 1022000, 50, 2);
	fx_wq(&fx, 1, 1025000, 50, 3);
	fx_switch(&fx, 1, 1026000, 50, 200);
	fx_zram_free(&fx, 1, 150 * MS, 400, 55);	/* time extend; its return too late */
	fx_zram_ret(&fx, 1, 260 * MS, 400);
	fx_close(&fx, path);
}

static void lost(const char *path)
{
	struct fixture fx;

	fx_open(&fx, FX_ALL, 2, "mono");
	fx_zram_free(&fx, 0, 1000, 10, 1);
	fx_zram_ret(&fx, 0, 2000, 10);
	fx_page(&fx, 0, 5000, DS_DATW_LOSS_COUNTED, 42);
	fx_zram_free(&fx, 0, 6000, 10, 2);
	fx_zram_ret(&fx, 0, 7000, 10);
	fx_zram_free(&fx, 1, 1500, 11, 3);
	fx_zram_ret(&fx, 1, 2500, 11);
	fx_page(&fx, 1, 8000, DS_DATW_LOSS_UNKNOWN, 0);
	fx_zram_free(&fx, 1, 9000, 11, 4);
	fx_zram_ret(&fx, 1, 9500, 11);
	fx_close(&fx, path);
}

static void foreign(const char *path)
{
	struct fixture fx;

	fx_open(&fx, FX_FOREIGN, 1, "mono");
	fx_switch(&fx, 0, 1000, 0, 5);
	fx_switch(&fx, 0, 2000, 5, 0);
	fx_exit_probe(&fx, 0, 3000, 5);
	fx_close(&fx, path);
}

static void probes(const char *path)
{
	struct fixture fx;
	uint64_t ret = FX_ZAP_PTE_RANGE + 0x40;

	fx_open(&fx, FX_ALL, 1, "global");
	fx_my_foo(&fx, 0, 1000, 10, FX_ZRAM_FREE + 4, 1, 500);
	fx_my_ret(&fx, 0, 1800, 10, "foo_ret", FX_ZRAM_FREE, ret);
	fx_my_inv(&fx, 0, 3000, 10, FX_ZSWAP_INV, 0xffff888000abc000ull);
	fx_my_other(&fx, 0, 4000, 10, FX_DO_EXIT, 77);
	fx_my_ret(&fx, 0, 4500, 10, "other_ret", FX_DO_EXIT, FX_STEXT);
	fx_my_foo(&fx, 0, 5000, 10, FX_ZRAM_FREE + 4, 0, 501);
	fx_my_ret(&fx, 0, 5250, 10, "foo_ret", FX_ZRAM_FREE, ret);
	fx_close(&fx, path);
}

static void fgraph(const char *path)
{
	struct fixture fx;

	fx_open(&fx, FX_ALL, 1, "boot");
	fx_fg_entry(&fx, 0, 1000, 20, FX_ZRAM_FREE, 0);
	fx_fg_entry(&fx, 0, 1100, 20, FX_ZS_FREE, 1);
	fx_fg_exit(&fx, 0, 1900, 20, FX_ZS_FREE, 1, 1100, 1900);
	fx_fg_exit(&fx, 0, 2000, 20, FX_ZRAM_FREE, 0, 1000, 2000);
	fx_fg_entry(&fx, 0, 3000, 20, FX_ZRAM_FREE, 0);
	fx_fg_exit(&fx, 0, 7000, 20, FX_ZRAM_FREE, 0, 3000, 6500);
	fx_close(&fx, path);
}

static void ooo(const char *path)
{
	struct fixture fx;

	fx_open(&fx, FX_ALL, 1, "mono");
	fx_zram_free(&fx, 0, 10000, 10, 1);
	fx_zram_ret(&fx, 0, 11000, 10);
	fx_zram_free(&fx, 0, 12000, 10, 2);
	fx_page(&fx, 0, 11500, DS_DATW_LOSS_NONE, 0);	/* before the last record: clamped */
	fx_zram_ret(&fx, 0, 11600, 10);
	fx_zram_free(&fx, 0, 13000, 10, 3);
	fx_zram_ret(&fx, 0, 14000, 10);
	fx_close(&fx, path);
}

/* N releases on 2 CPUs (pids 1000/1001), each: zram_free, zs_free 500 ns later, the return
 * 4000 ns after the entry; one release every 7000 ns per CPU, CPU 1 100 ns after CPU 0. */
static void big(uint64_t n, const char *path)
{
	struct fixture fx;

	fx_open(&fx, FX_ALL, 2, "mono");
	for (unsigned int cpu = 0; cpu < 2; cpu++) {
		uint64_t ts = 1000000 + cpu * 100;

		for (uint64_t i = cpu; i < n; i += 2, ts += 7000) {
			fx_zram_free(&fx, cpu, ts, 1000 + (int32_t)cpu, i);
			fx_zs_free(&fx, cpu, ts + 500, 1000 + (int32_t)cpu, i * 16);
			fx_zram_ret(&fx, cpu, ts + 4000, 1000 + (int32_t)cpu);
		}
	}
	fx_close(&fx, path);
}

static void run(const char *const *argv)
{
	g_autofree char *out = NULL;
	gint status;
	GError *error = NULL;

	if (!g_spawn_sync(NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH |
			  G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &out, NULL, &status, &error) ||
	    !g_spawn_check_wait_status(status, &error))
		fx_die(argv[0], error);
}

static void put_u16(guint8 *p, uint16_t v)
{
	memcpy(p, &v, 2);
}

static void put_u32(guint8 *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

/* Find @needle (with its NUL) in @buf from @from; die if absent. */
static gsize find(const guint8 *buf, gsize len, gsize from, const char *needle, gsize nlen)
{
	const guint8 *p = from < len ? memmem(buf + from, len - from, needle, nlen) : NULL;

	if (!p)
		fx_die("v6 file without the expected section", NULL);
	return (gsize)(p - buf);
}

/*
 * A copy of the v6 file @src with a TRACECLOCK option (id 4, the trace_clock text) first in
 * its options list, and as many bytes of the zero padding before the page-aligned CPU data
 * removed, so that no offset after it moves.  A v6 file: ... "options  \0", options (u16
 * id, u32 size, body) ended by id 0, ... "flyrecord\0", per CPU u64 offset and u64 size.
 */
static void add_v6_traceclock(const char *src, const char *dst, const char *trace_clock)
{
	g_autofree guint8 *buf = NULL;
	gsize len, at, fly, olen = 6 + strlen(trace_clock) + 1;
	uint64_t first_cpu;
	GError *error = NULL;
	g_autofree guint8 *out = NULL;

	if (!g_file_get_contents(src, (char **)&buf, &len, &error))
		fx_die(src, error);
	if (len < 12 || memcmp(buf + 10, "6", 2))
		fx_die("expected a v6 file", NULL);
	at = find(buf, len, 0, "options  ", 10) + 10;
	fly = find(buf, len, at, "flyrecord", 10) + 10;
	if (fly + 8 > len)
		fx_die("v6 file cut in its flyrecord section", NULL);
	memcpy(&first_cpu, buf + fly, 8);
	if (first_cpu > len || first_cpu < at + olen)
		fx_die("v6 file: CPU data offset out of range", NULL);
	for (gsize i = first_cpu - olen; i < first_cpu; i++)
		if (buf[i])
			fx_die("v6 file: no room in the padding before the CPU data", NULL);
	out = g_malloc(len);
	memcpy(out, buf, at);
	put_u16(out + at, 4);
	put_u32(out + at + 2, (uint32_t)(olen - 6));
	memcpy(out + at + 6, trace_clock, olen - 6);
	memcpy(out + at + olen, buf + at, first_cpu - olen - at);
	memcpy(out + first_cpu, buf + first_cpu, len - first_cpu);
	if (!g_file_set_contents(dst, (const char *)out, (gssize)len, &error))
		fx_die(dst, error);
}

/* @dir/@name, kept in @paths (freed with it) so that a call reads as the fixture it makes */
static const char *in_dir(GPtrArray *paths, const char *dir, const char *name)
{
	char *path = g_build_filename(dir, name, NULL);

	g_ptr_array_add(paths, path);
	return path;
}

static void all(const char *dir)
{
	g_autoptr(GPtrArray) p = g_ptr_array_new_with_free_func(g_free);
	const char *b = in_dir(p, dir, "basic.dat"), *v6 = in_dir(p, dir, "basic-v6.dat");
	g_autoptr(GString) text = g_string_new(NULL);
	GError *error = NULL;

	if (g_mkdir_with_parents(dir, 0755) < 0)
		fx_die(dir, NULL);
	basic(b, "mono");
	basic(in_dir(p, dir, "local.dat"), "local");
	lost(in_dir(p, dir, "lost.dat"));
	foreign(in_dir(p, dir, "foreign.dat"));
	probes(in_dir(p, dir, "probes.dat"));
	fgraph(in_dir(p, dir, "fgraph.dat"));
	ooo(in_dir(p, dir, "ooo.dat"));
	run((const char *const[]){ "trace-cmd", "convert", "--file-version", "6", "-i", b, "-o", v6,
				   NULL });
	add_v6_traceclock(v6, in_dir(p, dir, "basic-v6clock.dat"), "local global [mono] boot");
	run((const char *const[]){ "trace-cmd", "convert", "--compression", "any", "-i", b, "-o",
				   in_dir(p, dir, "basic-zstd.dat"), NULL });
	for (int i = 0; i < 10; i++)
		g_string_append(text, "this is not a trace.dat file\n");
	if (!g_file_set_contents(in_dir(p, dir, "notatrace.dat"), text->str, (gssize)text->len,
				 &error))
		fx_die("notatrace.dat", error);
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "--big")) {
		char *end;
		uint64_t n = g_ascii_strtoull(argv[2], &end, 10);

		if (*end || n == 0 || n > (1ull << 32))
			fx_die("--big N: N from 1 to 2^32", NULL);
		big(n, argv[3]);
	} else if (argc == 2) {
		all(argv[1]);
	} else {
		fprintf(stderr, "usage: mkfixture OUTDIR | mkfixture --big N OUT.dat\n");
		return 2;
	}
	return 0;
}
