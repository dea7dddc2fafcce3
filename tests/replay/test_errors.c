// SPDX-License-Identifier: MIT
/*
 * test_errors.c - bad input gives a DS_ERROR naming the file (and the offset or the events
 * at fault), never a crash, a hang or a silently shorter stream.
 */
#include <string.h>
#include <glib/gstdio.h>

#include "ds_source.h"
#include "helpers.h"

static void assert_open_fails(const char *path, const struct ds_trace_opts *opts, int code,
			      const char *needle)
{
	g_autoptr(GError) err = NULL;
	struct ds_source *src = ds_source_open_trace(path, opts, &err);

	g_assert_null(src);
	g_assert_error(err, DS_ERROR, code);
	g_assert_nonnull(strstr(err->message, path));
	if (needle && !strstr(err->message, needle))
		g_error("message \"%s\" lacks \"%s\"", err->message, needle);
}

static void test_missing(void)
{
	assert_open_fails("/nonexistent/dir/trace.dat", NULL, DS_ERROR_IO, "cannot open");
}

static void test_not_a_trace(void)
{
	g_autofree char *path = dstest_fixture("notatrace.dat");
	g_autofree char *dir = dstest_tmp_dir();
	g_autofree char *empty = g_build_filename(dir, "empty.dat", NULL);

	assert_open_fails(path, NULL, DS_ERROR_FORMAT, "not a trace.dat");
	g_assert_true(g_file_set_contents(empty, "", 0, NULL));
	assert_open_fails(empty, NULL, DS_ERROR_FORMAT, "not a trace.dat");
	dstest_rm_rf(dir);
}

static void check_cut(const char *name, const char *cut, const char *data, gsize n,
		      const struct ds_trace_opts *opts)
{
	g_autoptr(GError) err = NULL;
	struct ds_source *src;

	g_assert_true(g_file_set_contents(cut, data, (gssize)n, NULL));
	src = ds_source_open_trace(cut, opts, &err);
	if (src)
		g_error("%s cut at %zu bytes opened without error", name, n);
	g_assert_error(err, DS_ERROR, DS_ERROR_FORMAT);
	g_assert_nonnull(strstr(err->message, cut));
	if (n >= 10 && !strstr(err->message, "truncated or corrupt at offset"))
		g_error("cut at %zu: \"%s\"", n, err->message);
}

/* Every cut of the file (in steps, and one byte short) is reported as truncated. */
static void truncations(const char *name, const struct ds_trace_opts *opts, gsize step)
{
	g_autofree char *path = dstest_fixture(name);
	g_autofree char *dir = dstest_tmp_dir();
	g_autofree char *cut = g_build_filename(dir, name, NULL);
	g_autofree char *data = NULL;
	gsize len;

	g_assert_true(g_file_get_contents(path, &data, &len, NULL));
	for (gsize n = 0; n < len; n += step)
		check_cut(name, cut, data, n, opts);
	check_cut(name, cut, data, len - 1, opts);
	dstest_rm_rf(dir);
}

static void test_truncated_v7(void)
{
	truncations("basic.dat", NULL, 31);
}

static void test_truncated_v6(void)
{
	struct ds_trace_opts forced = { .force_clock = TRUE };

	truncations("basic-v6.dat", &forced, 31);
}

static void test_truncated_zstd(void)
{
	truncations("basic-zstd.dat", NULL, 7);
}

static void test_foreign(void)
{
	g_autofree char *path = dstest_fixture("foreign.dat");
	g_autoptr(GError) err = NULL;
	g_autoptr(GArray) evs = g_array_new(FALSE, TRUE, sizeof(struct ds_event));
	struct ds_source *src = ds_source_open_trace(path, NULL, &err);

	g_assert_no_error(err);
	g_assert_false(read_all(src, evs, &err));
	g_assert_error(err, DS_ERROR, DS_ERROR_NO_RELEASES);
	g_assert_nonnull(strstr(err->message, path));
	g_assert_nonnull(strstr(err->message, "sched/sched_switch (2)"));
	g_assert_nonnull(strstr(err->message, "other/exit_probe (1)"));
	/* and it stays failed */
	g_clear_error(&err);
	struct ds_event ev;

	g_assert_cmpint(ds_source_next(src, &ev, &err), ==, -1);
	g_assert_error(err, DS_ERROR, DS_ERROR_NO_RELEASES);
	ds_source_close(src);
}

static void test_clock(void)
{
	g_autofree char *local = dstest_fixture("local.dat");
	g_autofree char *v6 = dstest_fixture("basic-v6.dat");

	assert_open_fails(local, NULL, DS_ERROR_CLOCK, "\"local\"");
	assert_open_fails(local, NULL, DS_ERROR_CLOCK, "--force-clock");
	/* trace-cmd convert drops the clock: a clock the file does not name is refused too */
	assert_open_fails(v6, NULL, DS_ERROR_CLOCK, "\"unknown\"");
}

static void test_bad_map(void)
{
	g_autofree char *path = dstest_fixture("probes.dat");
	struct ds_map_rule r;
	g_autoptr(GError) perr = NULL;

	g_assert_true(ds_map_rule_parse("nosuch/event=zram_release", &r, &perr));
	struct ds_trace_opts opts = { .map = &r, .n_map = 1 };

	assert_open_fails(path, &opts, DS_ERROR_PARAM, "nosuch/event");
	ds_map_rule_clear(&r);
	g_assert_true(ds_map_rule_parse("myprobes/foo=zram_release:nofield", &r, &perr));
	opts.map = &r;
	assert_open_fails(path, &opts, DS_ERROR_PARAM, "fields: __probe_ip, flags, idx");
	ds_map_rule_clear(&r);
	g_assert_true(ds_map_rule_parse("myprobes/foo=switch", &r, &perr));
	opts.map = &r;
	assert_open_fails(path, &opts, DS_ERROR_PARAM, "prev_pid");
	ds_map_rule_clear(&r);
}

/* A ring-buffer page whose commit claims more than a page: reading stops early, which must
 * be an error, not a shorter stream. */
static void test_corrupt_page(void)
{
	g_autofree char *path = dstest_fixture("lost.dat");
	g_autofree char *dir = dstest_tmp_dir();
	g_autofree char *bad = g_build_filename(dir, "bad.dat", NULL);
	g_autofree char *data = NULL;
	gsize len;
	/* lost.dat: CPU0 data starts at the first 4 KiB boundary after the headers; find it as
	 * the first page whose timestamp is 1000 (the first record of CPU0) */
	gsize off = 0;

	g_assert_true(g_file_get_contents(path, &data, &len, NULL));
	for (gsize o = 4096; o + 16 <= len; o += 4096) {
		guint64 ts;

		memcpy(&ts, data + o, 8);
		if (ts == 1000) {
			off = o;
			break;
		}
	}
	g_assert_cmpuint(off, >, 0);
	guint64 commit = 0x7ffff;	/* far more than a page */

	memcpy(data + off + 8, &commit, 8);
	g_assert_true(g_file_set_contents(bad, data, (gssize)len, NULL));

	g_autoptr(GError) err = NULL;
	g_autoptr(GArray) evs = g_array_new(FALSE, TRUE, sizeof(struct ds_event));
	struct ds_source *src = ds_source_open_trace(bad, NULL, &err);

	if (src) {
		g_assert_false(read_all(src, evs, &err));
		ds_source_close(src);
	}
	g_assert_error(err, DS_ERROR, DS_ERROR_DAMAGED);
	g_assert_nonnull(strstr(err->message, bad));
	g_assert_nonnull(strstr(err->message, "CPU 0"));
	g_assert_nonnull(strstr(err->message, "more data than a page holds"));
	dstest_rm_rf(dir);
}

/*
 * A complete file whose size field claims more than the file holds: the message gives the
 * offset where the read starts (not the file's size) and says it may be corruption.
 */
static void test_size_past_end(void)
{
	/* v6: no sections (in v7 the section's own bound gives its own message) */
	g_autofree char *path = dstest_fixture("basic-v6.dat");
	g_autofree char *dir = dstest_tmp_dir();
	g_autofree char *bad = g_build_filename(dir, "bigsize.dat", NULL);
	g_autofree char *data = NULL;
	gsize len;
	const guint64 huge = (guint64)1 << 40;

	g_assert_true(g_file_get_contents(path, &data, &len, NULL));
	/* "header_page\0", then its u64 size, then the data */
	char *hp = memmem(data, len, "header_page", 12);

	g_assert_nonnull(hp);
	memcpy(hp + 12, &huge, 8);
	g_assert_true(g_file_set_contents(bad, data, (gssize)len, NULL));
	g_autofree char *at = g_strdup_printf("truncated or corrupt at offset %zu: header_page "
					      "needs %" G_GUINT64_FORMAT " bytes",
					      (size_t)(hp - data) + 20, huge);

	assert_open_fails(bad, NULL, DS_ERROR_FORMAT, at);
	dstest_rm_rf(dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/replay/errors/missing", test_missing);
	g_test_add_func("/replay/errors/not-a-trace", test_not_a_trace);
	g_test_add_func("/replay/errors/truncated-v7", test_truncated_v7);
	g_test_add_func("/replay/errors/truncated-v6", test_truncated_v6);
	g_test_add_func("/replay/errors/truncated-zstd", test_truncated_zstd);
	g_test_add_func("/replay/errors/foreign", test_foreign);
	g_test_add_func("/replay/errors/clock", test_clock);
	g_test_add_func("/replay/errors/bad-map", test_bad_map);
	g_test_add_func("/replay/errors/corrupt-page", test_corrupt_page);
	g_test_add_func("/replay/errors/size-past-end", test_size_past_end);
	return g_test_run();
}
