// SPDX-License-Identifier: MIT
/*
 * test_damage.c - a damaged trace.dat is found out and reported, never read silently short.
 *
 * Each case damages a fixture at a place located through the file's own layout (the CPU
 * extents of replay/datfile.c), and checks what the reader says: DS_ERROR_DAMAGED naming the
 * file, the CPU and the offset; with accept_damaged, a stream whose damage report has the
 * page, offset and bytes the test damaged.  Healthy fixtures must report no damage: that is
 * defersim's own page walk and libtracecmd agreeing on every record of every CPU.
 */
#include <string.h>
#include <glib/gstdio.h>

#include "datfile.h"
#include "ds_source.h"
#include "helpers.h"

#define PAGE 4096

/* A copy of fixture @name in @dir with @len bytes at @off replaced by @bytes. */
static char *damaged_copy(const char *dir, const char *name, gsize off, const void *bytes,
			  gsize len)
{
	g_autofree char *src = dstest_fixture(name);
	g_autofree char *data = NULL;
	char *dst = g_build_filename(dir, name, NULL);
	gsize size;

	g_assert_true(g_file_get_contents(src, &data, &size, NULL));
	g_assert_cmpuint(off + len, <=, size);
	memcpy(data + off, bytes, len);
	g_assert_true(g_file_set_contents(dst, data, (gssize)size, NULL));
	return dst;
}

static struct ds_datfile_cpu cpu_extent(const char *name, unsigned int cpu)
{
	g_autofree char *path = dstest_fixture(name);
	g_autoptr(GError) err = NULL;
	struct ds_datfile df;
	struct ds_datfile_cpu out = { 0 };

	g_assert_true(ds_datfile_read(path, &df, &err));
	for (guint i = 0; i < df.cpus->len; i++)
		if (g_array_index(df.cpus, struct ds_datfile_cpu, i).cpu == cpu)
			out = g_array_index(df.cpus, struct ds_datfile_cpu, i);
	ds_datfile_clear(&df);
	g_assert_cmpuint(out.size, >, 0);
	return out;
}

/* Without accept_damaged: DS_ERROR_DAMAGED naming the file and every @needles. */
static void assert_damaged(const char *path, const char *const *needles)
{
	g_autoptr(GError) err = NULL;
	g_autoptr(GArray) evs = g_array_new(FALSE, TRUE, sizeof(struct ds_event));
	struct ds_trace_opts opts = { .use_cache = FALSE };
	struct ds_source *src = ds_source_open_trace(path, &opts, &err);

	if (src) {
		g_assert_false(read_all(src, evs, &err));
		ds_source_close(src);
	}
	g_assert_error(err, DS_ERROR, DS_ERROR_DAMAGED);
	g_assert_nonnull(strstr(err->message, path));
	for (; needles && *needles; needles++)
		if (!strstr(err->message, *needles))
			g_error("message \"%s\" lacks \"%s\"", err->message, *needles);
}

/* With accept_damaged: read to the end; the damage report (owned by the returned source). */
static struct ds_source *read_accepting(const char *path, GArray *evs)
{
	g_autoptr(GError) err = NULL;
	struct ds_trace_opts opts = { .use_cache = FALSE, .accept_damaged = TRUE };
	struct ds_source *src = ds_source_open_trace(path, &opts, &err);

	g_assert_no_error(err);
	g_assert_true(read_all(src, evs, &err));
	g_assert_no_error(err);
	g_assert_nonnull(ds_source_info(src)->damage);
	return src;
}

static const struct ds_trace_damage_cpu *damage_cpu(const struct ds_trace_damage *d,
						    unsigned int cpu)
{
	for (unsigned int i = 0; i < d->ncpus; i++)
		if (d->cpus[i].cpu == cpu)
			return &d->cpus[i];
	g_error("no damage entry for CPU %u", cpu);
	return NULL;
}

static void test_healthy(void)
{
	static const char *const names[] = { "basic.dat", "lost.dat", "probes.dat", "fgraph.dat",
		"ooo.dat", "basic-v6.dat", "basic-v6clock.dat", "basic-zstd.dat" };

	for (size_t i = 0; i < G_N_ELEMENTS(names); i++) {
		g_autofree char *path = dstest_fixture(names[i]);
		g_autoptr(GError) err = NULL;
		g_autoptr(GArray) evs = g_array_new(FALSE, TRUE, sizeof(struct ds_event));
		/* the v6 fixture does not store its clock: the clock is not the point here */
		struct ds_trace_opts opts = { .use_cache = FALSE, .force_clock = TRUE };
		struct ds_source *src = ds_source_open_trace(path, &opts, &err);

		g_assert_no_error(err);
		g_assert_true(read_all(src, evs, &err));
		g_assert_no_error(err);
		if (ds_source_info(src)->damage)
			g_error("%s: healthy fixture reported damaged: %s", names[i],
				ds_trace_damage_describe(ds_source_info(src)->damage));
		ds_source_close(src);
	}
}

/* A commit that ends inside a record: the page is damaged, the error names CPU and offset. */
static void test_cut_commit(void)
{
	g_autofree char *dir = dstest_tmp_dir();
	struct ds_datfile_cpu c0 = cpu_extent("basic.dat", 0);
	guint64 commit = 18;	/* 2 bytes into the first record of the page */
	g_autofree char *bad = damaged_copy(dir, "basic.dat", c0.offset + 8, &commit, 8);
	g_autofree char *cpu = g_strdup("CPU 0:");
	g_autofree char *at = g_strdup_printf("offset %" G_GUINT64_FORMAT, c0.offset);
	const char *const needles[] = { cpu, at, "past the page's commit", NULL };
	g_autoptr(GArray) evs = g_array_new(FALSE, TRUE, sizeof(struct ds_event));

	assert_damaged(bad, needles);
	struct ds_source *src = read_accepting(bad, evs);
	const struct ds_trace_damage *d = ds_source_info(src)->damage;
	const struct ds_trace_damage_cpu *dc = damage_cpu(d, 0);

	g_assert_cmpuint(dc->pages_damaged, ==, 1);
	g_assert_cmpuint(dc->bytes_damaged, ==, PAGE);
	g_assert_cmpuint(dc->first_offset, ==, c0.offset);
	g_assert_cmpuint(damage_cpu(d, 1)->pages_damaged, ==, 0);
	g_assert_null(d->crash);
	ds_source_close(src);
	dstest_rm_rf(dir);
}

/* The BUFFER option gives CPU 0 a size that is not whole pages: its last page is partial. */
static void test_partial_page(void)
{
	g_autofree char *dir = dstest_tmp_dir();
	g_autofree char *path = dstest_fixture("basic.dat");
	struct ds_datfile_cpu c0 = cpu_extent("basic.dat", 0);
	g_autofree char *data = NULL;
	guint64 want[2] = { c0.offset, c0.size }, shorter = c0.size - 100;
	gsize size;
	char *hit;

	/* the CPU table of the BUFFER option: u64 offset, u64 size (little-endian fixture) */
	g_assert_true(g_file_get_contents(path, &data, &size, NULL));
	hit = memmem(data, size, want, sizeof(want));
	g_assert_nonnull(hit);
	g_autofree char *bad = damaged_copy(dir, "basic.dat", (gsize)(hit - data) + 8, &shorter, 8);
	g_autofree char *at = g_strdup_printf("offset %" G_GUINT64_FORMAT,
					      c0.offset + c0.size - PAGE);
	const char *const needles[] = { "CPU 0:", at, "ends inside a page", NULL };
	g_autoptr(GArray) evs = g_array_new(FALSE, TRUE, sizeof(struct ds_event));

	assert_damaged(bad, needles);
	struct ds_source *src = read_accepting(bad, evs);
	const struct ds_trace_damage_cpu *dc = damage_cpu(ds_source_info(src)->damage, 0);

	g_assert_cmpuint(dc->pages_damaged, ==, 1);
	g_assert_cmpuint(dc->bytes_damaged, ==, PAGE - 100);
	g_assert_cmpuint(dc->first_offset, ==, c0.offset + c0.size - PAGE);
	ds_source_close(src);
	dstest_rm_rf(dir);
}

/* A compressed chunk whose zstd frame is broken: all its pages are damage, named by chunk. */
static void test_zstd_chunk(void)
{
	g_autofree char *dir = dstest_tmp_dir();
	struct ds_datfile_cpu c1 = cpu_extent("basic-zstd.dat", 1);
	const guint32 zero = 0;
	/* CPU data: u32 chunk count, then the first chunk: u32 sizes x2, the zstd frame magic */
	g_autofree char *bad = damaged_copy(dir, "basic-zstd.dat", c1.offset + 12, &zero, 4);
	g_autofree char *at = g_strdup_printf("offset %" G_GUINT64_FORMAT, c1.offset + 4);
	const char *const needles[] = { "CPU 1:", at, "does not decompress", NULL };

	assert_damaged(bad, needles);
	dstest_rm_rf(dir);
}

/*
 * A reader dies in the middle of the stream (test seam DS_TEST_DECODE_CRASH_AFTER, see
 * replay/decode.h): what was delivered is a prefix of the healthy stream (where the dead
 * reader's next record would have fallen is unknown, so the merge stops there), and the
 * damage names the crash.  With one reader and with two (the CPUs split between them).
 */
static void crash_midstream(const char *readers)
{
	g_autofree char *path = dstest_fixture("basic.dat");
	g_autoptr(GArray) whole = NULL;
	g_autoptr(GArray) part = g_array_new(FALSE, TRUE, sizeof(struct ds_event));
	const char *const needles[] = { "crashed (signal 11)", "while reading CPU", NULL };

	g_setenv("DS_TEST_DECODE_READERS", readers, TRUE);
	whole = decode(path, NULL);
	g_assert_cmpuint(whole->len, >, 7);
	g_setenv("DS_TEST_DECODE_CRASH_AFTER", "7", TRUE);
	assert_damaged(path, needles);
	struct ds_source *src = read_accepting(path, part);

	g_unsetenv("DS_TEST_DECODE_CRASH_AFTER");
	g_unsetenv("DS_TEST_DECODE_READERS");
	const struct ds_trace_damage *d = ds_source_info(src)->damage;

	/* one reader: 7 records sent, some held for pairing when it died, at most 7 delivered;
	 * more readers: the other's records up to where the dead one stopped too */
	if (!strcmp(readers, "1"))
		g_assert_cmpuint(part->len, <=, 7);
	g_assert_cmpuint(part->len, <, whole->len);
	assert_events((const struct ds_event *)whole->data, part->len, part);
	g_assert_nonnull(d->crash);
	g_assert_cmpuint(d->pages_damaged, ==, 0);
	/* conservation: what was read and what is missing make up what the pages hold */
	for (unsigned int i = 0; i < d->ncpus; i++)
		g_assert_cmpuint(d->cpus[i].records_read, <=, d->cpus[i].records_expected);
	g_assert_cmpuint(d->records_read + d->records_missing, ==, d->records_expected);
	g_assert_cmpuint(d->records_missing, >, 0);
	ds_source_close(src);
}

static void test_crash_midstream(void)
{
	crash_midstream("1");
}

static void test_crash_midstream_readers(void)
{
	crash_midstream("2");
}

/* A damaged read that was accepted is not cached: the next open finds the damage again. */
static void test_not_cached(void)
{
	g_autofree char *dir = dstest_tmp_dir();
	g_autofree char *cache = g_build_filename(dir, "cache", NULL);
	struct ds_datfile_cpu c0 = cpu_extent("basic.dat", 0);
	guint64 commit = 18;
	g_autofree char *bad = damaged_copy(dir, "basic.dat", c0.offset + 8, &commit, 8);
	struct ds_trace_opts opts = { .use_cache = TRUE, .cache_dir = cache,
				      .accept_damaged = TRUE };

	for (int round = 0; round < 2; round++) {
		g_autoptr(GError) err = NULL;
		g_autoptr(GArray) evs = g_array_new(FALSE, TRUE, sizeof(struct ds_event));
		struct ds_source *src = ds_source_open_trace(bad, &opts, &err);

		g_assert_no_error(err);
		g_assert_true(read_all(src, evs, &err));
		g_assert_nonnull(ds_source_info(src)->damage);
		ds_source_close(src);
	}
	g_autoptr(GDir) gd = g_dir_open(cache, 0, NULL);

	g_assert_null(gd ? g_dir_read_name(gd) : NULL);
	dstest_rm_rf(dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/replay/damage/healthy", test_healthy);
	g_test_add_func("/replay/damage/cut-commit", test_cut_commit);
	g_test_add_func("/replay/damage/partial-page", test_partial_page);
	g_test_add_func("/replay/damage/zstd-chunk", test_zstd_chunk);
	g_test_add_func("/replay/damage/crash-midstream", test_crash_midstream);
	g_test_add_func("/replay/damage/crash-midstream-2-readers", test_crash_midstream_readers);
	g_test_add_func("/replay/damage/not-cached", test_not_cached);
	return g_test_run();
}
