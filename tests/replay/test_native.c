// SPDX-License-Identifier: MIT
/*
 * test_native.c - the page decoder (replay/pagedec.h) gives the very events and info
 * libtracecmd gives, on real captures and on the fixtures.
 *
 * Each trace is read twice: as a reader normally reads it (the page decoder where
 * replay/pageplan.h allows it) and with DS_TEST_DECODE_LIBTRACECMD=1 (libtracecmd's
 * tracecmd_read_data() for every record, the reader as it was before the decoder); the two
 * streams and infos must be equal, and the first read must really have used the decoder on
 * every CPU (and the second not at all).  The bundled captures (traces/) are zstd-compressed,
 * which the decoder leaves to libtracecmd, so each is first rewritten uncompressed by the real
 * tool (`trace-cmd convert`, as v7 and as v6): the same kernel pages, time extends and all,
 * that libtracecmd then reads from plain pages (the compressed originals are read by
 * test_bundled.c, by libtracecmd alone).  Also: a compressed fixture is read by libtracecmd
 * alone, whatever the setting.
 */
#include <string.h>

#include "datfile.h"
#include "helpers.h"
#include "pageplan.h"
#include "readers.h"
#include "trace_impl.h"

/* Read @path to its end with the decoder allowed or not; the paths the readers took. */
static GArray *read_path(const char *path, gboolean allow, const char *readers,
			 struct ds_trace_info **info, struct ds_readers_paths *paths, char **error)
{
	g_autoptr(GError) err = NULL;
	GArray *evs = g_array_new(FALSE, TRUE, sizeof(struct ds_event));
	/* local.dat's clock; the damaged copy below */
	struct ds_trace_opts opts = { .force_clock = TRUE, .accept_damaged = TRUE };
	struct ds_source *src;

	if (!allow)
		g_setenv("DS_TEST_DECODE_LIBTRACECMD", "1", TRUE);
	g_setenv("DS_TEST_DECODE_READERS", readers, TRUE);
	src = ds_source_open_trace(path, &opts, &err);
	g_unsetenv("DS_TEST_DECODE_LIBTRACECMD");
	g_unsetenv("DS_TEST_DECODE_READERS");
	g_assert_no_error(err);
	/* an error (foreign.dat has no release) must be the same both ways */
	*error = read_all(src, evs, &err) ? NULL : g_strdup(err->message);
	g_assert_nonnull(ds_trace_source_readers(src));
	ds_readers_paths(ds_trace_source_readers(src), paths);
	*info = g_new0(struct ds_trace_info, 1);
	g_assert_true(ds_trace_info_from_variant(
		g_variant_ref_sink(ds_trace_info_to_variant(ds_source_info(src))), *info));
	ds_source_close(src);
	return evs;
}

/* Both ways give the same; the decoder read every CPU with records when allowed. */
static void compare_paths(const char *path, gboolean expect_native, const char *const *nreaders,
			  unsigned int handed_over)
{
	for (const char *const *r = nreaders; *r; r++) {
		const char *readers = *r;
		struct ds_trace_info *a, *b;
		struct ds_readers_paths pa, pb;
		g_autofree char *ea = NULL, *eb = NULL;
		g_autoptr(GArray) native = read_path(path, TRUE, readers, &a, &pa, &ea);
		g_autoptr(GArray) lib = read_path(path, FALSE, readers, &b, &pb, &eb);
		g_autoptr(GVariant) va = g_variant_ref_sink(ds_trace_info_to_variant(a));
		g_autoptr(GVariant) vb = g_variant_ref_sink(ds_trace_info_to_variant(b));

		g_test_message("%s, %s reader(s): %u events; decoder on %u CPUs (%u handed over), "
			       "else %s", path, readers, native->len, pa.native_cpus, pa.handed_over,
			       ds_pageplan_why_name(pa.why));
		assert_events((const struct ds_event *)lib->data, lib->len, native);
		g_assert_cmpstr(ea, ==, eb);
		g_assert_true(g_variant_equal(va, vb));
		g_assert_cmpuint(pb.native_cpus, ==, 0);
		g_assert_cmpuint(pb.why, ==, DS_PAGEPLAN_FORCED);
		if (expect_native) {
			g_assert_cmpuint(pa.why, ==, DS_PAGEPLAN_NATIVE);
			g_assert_cmpuint(pa.native_cpus, >=, a->cpus_with_events);
			g_assert_cmpuint(pa.handed_over, ==, handed_over);
		} else {
			g_assert_cmpuint(pa.native_cpus, ==, 0);
		}
		ds_trace_info_clear(a);
		ds_trace_info_clear(b);
		g_free(a);
		g_free(b);
	}
}

static void convert(const char *in, const char *out, const char *const *how)
{
	g_autoptr(GPtrArray) argv = g_ptr_array_new();
	g_autoptr(GError) err = NULL;
	int status;

	g_ptr_array_add(argv, (gpointer)"trace-cmd");
	g_ptr_array_add(argv, (gpointer)"convert");
	for (; *how; how++)
		g_ptr_array_add(argv, (gpointer)*how);
	g_ptr_array_add(argv, (gpointer)"-i");
	g_ptr_array_add(argv, (gpointer)in);
	g_ptr_array_add(argv, (gpointer)"-o");
	g_ptr_array_add(argv, (gpointer)out);
	g_ptr_array_add(argv, NULL);
	g_assert_true(g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_SEARCH_PATH |
				   G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL, NULL,
				   NULL, NULL, NULL, &status, &err));
	g_assert_no_error(err);
	g_assert_true(g_spawn_check_wait_status(status, NULL));
}

static void check_bundled(gconstpointer data)
{
	const char *orig = data;
	g_autofree char *dir = NULL, *v7 = NULL, *v6 = NULL;
	g_autofree char *tool = g_find_program_in_path("trace-cmd");

	if (!tool) {
		g_test_skip("trace-cmd is not installed: cannot rewrite the capture uncompressed");
		return;
	}
	dir = dstest_tmp_dir();
	v7 = g_build_filename(dir, "plain-v7.dat", NULL);
	v6 = g_build_filename(dir, "plain-v6.dat", NULL);
	convert(orig, v7, (const char *const[]){ "--compression", "none", NULL });
	convert(orig, v6, (const char *const[]){ "--file-version", "6", NULL });
	compare_paths(v7, TRUE, (const char *const[]){ "1", "2", NULL }, 0);
	compare_paths(v6, TRUE, (const char *const[]){ "1", NULL }, 0);
	dstest_rm_rf(dir);
}

/* The fixtures written by synth/datw.c (plain v7) and by trace-cmd convert (v6). */
static void check_fixture(gconstpointer data)
{
	g_autofree char *path = dstest_fixture(data);

	/* a compressed file is libtracecmd's alone */
	compare_paths(path, strcmp(data, "basic-zstd.dat") != 0,
		      (const char *const[]){ "1", "2", NULL }, 0);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/*
 * A damaged page in the middle of a CPU: the 5th event of CPU 0's 21st page made a type-0
 * record whose length (5000) runs past the page.  The decoder stops there and libtracecmd
 * goes on from that record: the same events, damage report and all, as libtracecmd alone.
 */
static void test_damaged(void)
{
	g_autofree char *tool = g_find_program_in_path("trace-cmd");
	g_autofree char *orig = dstest_bundled("lmk-4x64m-6.12.dat");
	g_autofree char *dir = NULL, *v7 = NULL, *bytes = NULL;
	g_autoptr(GError) err = NULL;
	struct ds_datfile df = { 0 };
	gsize len;

	if (!tool || !g_file_test(orig, G_FILE_TEST_EXISTS)) {
		g_test_skip("needs trace-cmd and traces/lmk-4x64m-6.12.dat");
		return;
	}
	dir = dstest_tmp_dir();
	v7 = g_build_filename(dir, "plain-v7.dat", NULL);
	convert(orig, v7, (const char *const[]){ "--compression", "none", NULL });
	g_assert_true(ds_datfile_read(v7, &df, &err));
	g_assert_no_error(err);
	g_assert_true(g_file_get_contents(v7, &bytes, &len, &err));
	const struct ds_datfile_cpu *cd = &g_array_index(df.cpus, struct ds_datfile_cpu, 0);
	uint8_t *page = (uint8_t *)bytes + cd->offset + 20ull * df.page_size;
	unsigned int off = 16;	/* little-endian, 8-byte commit word */

	g_assert_cmpuint(cd->size, >=, 21ull * df.page_size);
	for (int i = 0; i < 4; i++) {
		unsigned int type = get32(page + off) & 31;

		g_assert_true(type >= 1 && type <= 28);	/* plain records before it */
		off += 4 + 4 * type;
	}
	page[off] &= (uint8_t)~31;
	page[off + 4] = 5000 & 0xff;
	page[off + 5] = 5000 >> 8;
	page[off + 6] = page[off + 7] = 0;
	g_assert_true(g_file_set_contents(v7, bytes, (gssize)len, &err));
	compare_paths(v7, TRUE, (const char *const[]){ "1", NULL }, 1);
	ds_datfile_clear(&df);
	dstest_rm_rf(dir);
}

int main(int argc, char **argv)
{
	static const char *const fixtures[] = { "basic.dat", "local.dat", "lost.dat", "foreign.dat",
		"probes.dat", "fgraph.dat", "ooo.dat", "basic-v6.dat", "basic-v6clock.dat",
		"basic-zstd.dat" };
	g_autoptr(GPtrArray) paths = NULL;

	g_test_init(&argc, &argv, NULL);
	for (size_t i = 0; i < G_N_ELEMENTS(fixtures); i++) {
		g_autofree char *tp = g_strdup_printf("/replay/native/fixture/%s", fixtures[i]);

		g_test_add_data_func(tp, fixtures[i], check_fixture);
	}
	g_test_add_func("/replay/native/damaged", test_damaged);
	paths = dstest_add_bundled_tests("/replay/native/bundled", FALSE, check_bundled);
	return g_test_run();
}
