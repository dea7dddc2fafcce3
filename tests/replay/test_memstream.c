// SPDX-License-Identifier: MIT
/*
 * test_memstream.c - a trace's events loaded once in memory (replay/memsource.c, a sweep's
 * shared stream): its readers deliver exactly what a read of the trace's binary cache
 * delivers, events and info, whether the load found the cache or wrote it; and a trace
 * changed since the load (another file at its path, or another content than the caller
 * expects) is not served from the stream but read as it is now.
 *
 * White-box: a source's ops pointer (source_impl.h) tells a memory reader from the others.
 *
 * The stream's bound on the tasks a replay of it creates (ds_mem_source_tasks_max(): distinct
 * releasing pids + exits) is checked on hand-made traces whose tasks are counted here by hand.
 */
#include <string.h>
#include <glib/gstdio.h>

#include "ds_source.h"
#include "fixture.h"
#include "helpers.h"
#include "source_impl.h"
#include "trace_impl.h"

static struct ds_mem_stream *load(const char *path, const struct ds_trace_opts *opts)
{
	g_autoptr(GError) err = NULL;
	const char *why = NULL;
	uint64_t bytes;
	struct ds_mem_stream *s = ds_mem_stream_load(path, opts, UINT64_MAX, &bytes, &why, &err);

	g_assert_no_error(err);
	g_assert_null(why);
	g_assert_nonnull(s);
	g_assert_cmpuint(bytes, ==, ds_mem_stream_events(s) * sizeof(struct ds_event));
	return s;
}

static const struct ds_source_ops *mem_ops(const struct ds_mem_stream *s)
{
	struct ds_source *src = ds_mem_stream_open(s);
	const struct ds_source_ops *ops = src->ops;

	ds_source_close(src);
	return ops;
}

static char *copy_to(const char *from, const char *dir, const char *name)
{
	g_autofree char *data = NULL;
	g_autofree char *tmp = g_build_filename(dir, "copy.tmp", NULL);
	char *to = g_build_filename(dir, name, NULL);
	gsize len;

	g_assert_true(g_file_get_contents(from, &data, &len, NULL));
	g_assert_true(g_file_set_contents(tmp, data, (gssize)len, NULL));
	g_assert_cmpint(g_rename(tmp, to), ==, 0);	/* a new file at the path, as an editor */
	return to;
}

/* The stream is the cache's read, whether the load wrote the cache or found it. */
static void test_same_as_cache(void)
{
	g_autofree char *dir = dstest_tmp_dir();
	g_autofree char *fixture = dstest_fixture("basic.dat");
	g_autofree char *path = copy_to(fixture, dir, "t.dat");
	struct ds_trace_opts opts = { .use_cache = TRUE, .cache_dir = dir };
	struct run plain = read_run(path, NULL);

	for (int found = 0; found < 2; found++) {	/* 0: no cache before the load */
		struct ds_mem_stream *s = load(path, &opts);
		struct ds_trace_opts with = opts;
		struct run cached = read_run(path, &opts), mem;

		with.stream = s;
		mem = read_run(path, &with);
		g_assert_true(mem.ops == mem_ops(s));
		g_assert_true(cached.ops != mem.ops && cached.ops != plain.ops);
		assert_same_run(&plain, &cached);
		assert_same_run(&cached, &mem);
		g_array_unref(cached.evs);
		g_array_unref(mem.evs);
		ds_mem_stream_free(s);
	}
	g_array_unref(plain.evs);
	dstest_rm_rf(dir);
}

/* Another file at the path after the load, or another digest expected: not the stream. */
static void test_changed_trace(void)
{
	g_autofree char *dir = dstest_tmp_dir();
	g_autofree char *basic = dstest_fixture("basic.dat");
	g_autofree char *lost = dstest_fixture("lost.dat");
	g_autofree char *path = copy_to(basic, dir, "t.dat");
	struct ds_trace_opts opts = { .use_cache = TRUE, .cache_dir = dir };
	struct ds_mem_stream *s = load(path, &opts);
	struct ds_trace_opts with = opts;
	struct run was = read_run(path, NULL), now, got, wrong;
	char other[65];

	with.stream = s;
	/* the digest the caller planned with is not the stream's: read from the file */
	memset(other, 'a', 64);
	other[64] = '\0';
	with.sha256 = other;
	wrong = read_run(path, &with);
	g_assert_true(wrong.ops != mem_ops(s));
	with.sha256 = was.copy.sha256;
	got = read_run(path, &with);
	g_assert_true(got.ops == mem_ops(s));
	assert_same_run(&was, &got);
	g_array_unref(got.evs);
	/* another trace at the path: its events and digest, not the stream's */
	g_free(copy_to(lost, dir, "t.dat"));
	now = read_run(path, NULL);
	g_assert_cmpstr(now.copy.sha256, !=, was.copy.sha256);
	with.sha256 = NULL;
	got = read_run(path, &with);
	g_assert_true(got.ops != mem_ops(s));
	assert_same_run(&now, &got);
	ds_mem_stream_free(s);
	g_array_unref(was.evs);
	g_array_unref(now.evs);
	g_array_unref(got.evs);
	g_array_unref(wrong.evs);
	dstest_rm_rf(dir);
}

/*
 * A load of a cached trace opens its cache once ($DS_TEST_TRACE_READS: one "cache" line per
 * cache source opened), and the stream it holds is the cache's (same-as-cache).
 */
static void test_one_open(void)
{
	if (g_test_subprocess()) {
		g_autofree char *dir = dstest_tmp_dir();
		g_autofree char *fixture = dstest_fixture("basic.dat");
		g_autofree char *path = copy_to(fixture, dir, "t.dat");
		struct ds_trace_opts opts = { .use_cache = TRUE, .cache_dir = dir };

		g_array_unref(read_run(path, &opts).evs);	/* writes the cache */
		g_setenv("DS_TEST_TRACE_READS", "1", TRUE);
		g_printerr("loading\n");
		ds_mem_stream_free(load(path, &opts));
		g_printerr("loaded\n");
		dstest_rm_rf(dir);
		return;
	}
	g_test_trap_subprocess(NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
	g_test_trap_assert_passed();
	g_test_trap_assert_stderr("*loading\ndefersim: test: cache *.dscache\nloaded\n*");
	g_test_trap_assert_stderr_unmatched("*loading*test: cache*test: cache*loaded*");
}

/* The bound of a stream, read through a reader of it. */
static uint64_t tasks_max(const struct ds_mem_stream *s)
{
	struct ds_source *src = ds_mem_stream_open(s);
	uint64_t n = ds_mem_source_tasks_max(src);

	ds_source_close(src);
	return n;
}

/*
 * basic.dat (mkfixture.c): releases by pids 100 (three), 200 and 400, and one exit (100's):
 * 3 pids + 1 exit = 4 (its replay has 3 tasks).  A trace where a pid releases, exits and
 * releases again (two tasks of pid 10), pid 20 releases twice (one task) and pid 30 exits
 * without releasing: 2 pids + 2 exits = 4, for 3 tasks.  Any other source: not known.
 */
static void test_tasks_max(void)
{
	g_autofree char *dir = dstest_tmp_dir();
	g_autofree char *fixture = dstest_fixture("basic.dat");
	g_autofree char *basic = copy_to(fixture, dir, "basic.dat");
	g_autofree char *reuse = g_build_filename(dir, "reuse.dat", NULL);
	struct ds_trace_opts opts = { .use_cache = TRUE, .cache_dir = dir };
	struct ds_mem_stream *s = load(basic, &opts);
	g_autoptr(GError) err = NULL;
	struct ds_source *src;
	struct fixture fx;

	g_assert_cmpuint(tasks_max(s), ==, 4);
	ds_mem_stream_free(s);
	src = ds_source_open_trace(basic, &opts, &err);
	g_assert_no_error(err);
	g_assert_cmpuint(ds_mem_source_tasks_max(src), ==, G_MAXUINT64);
	ds_source_close(src);
	g_assert_cmpuint(ds_mem_source_tasks_max(NULL), ==, G_MAXUINT64);

	fx_open(&fx, FX_ALL, 1, "mono");
	fx_zram_free(&fx, 0, 1000, 10, 1);
	fx_zram_ret(&fx, 0, 2000, 10);
	fx_exit(&fx, 0, 3000, 10);
	fx_zram_free(&fx, 0, 4000, 10, 2);	/* pid 10 again: a new task */
	fx_zram_ret(&fx, 0, 5000, 10);
	fx_zram_free(&fx, 0, 6000, 20, 3);
	fx_zram_ret(&fx, 0, 7000, 20);
	fx_zram_free(&fx, 0, 8000, 20, 4);
	fx_zram_ret(&fx, 0, 9000, 20);
	fx_exit(&fx, 0, 10000, 30);
	fx_close(&fx, reuse);
	s = load(reuse, &opts);
	/* 4 releases, their 4 returns, 2 exits */
	g_assert_cmpuint(ds_mem_stream_events(s), ==, 10);
	g_assert_cmpuint(tasks_max(s), ==, 4);
	ds_mem_stream_free(s);
	dstest_rm_rf(dir);
}

/*
 * A cache whose events outnumber its info's count (a cache that lies about itself: the load
 * sizes its array from that count): the load fails, naming the count.  Made with the writer:
 * basic.dat's own info (its count, n) over 2n hand-made events, under basic.dat's key.
 */
static void test_lying_cache(void)
{
	g_autofree char *dir = dstest_tmp_dir();
	g_autofree char *fixture = dstest_fixture("basic.dat");
	g_autofree char *basic = copy_to(fixture, dir, "basic.dat");
	g_autofree char *digest = ds_map_rules_digest(NULL, 0);
	g_autofree char *cpath = NULL;
	g_autofree char *want = NULL;
	struct ds_trace_opts opts = { .use_cache = TRUE, .cache_dir = dir };
	g_autoptr(GError) err = NULL;
	struct ds_source *src = ds_source_open_trace(basic, NULL, &err);
	struct ds_cache_writer *w;
	const char *why = NULL;
	uint64_t bytes;
	int64_t n;
	char key[33];

	g_assert_no_error(err);
	n = ds_source_drain(src, &err);
	g_assert_cmpint(n, >, 0);
	g_assert_true(ds_file_quick_key(basic, key, &err));
	cpath = ds_cache_path_for_key(key, &opts);
	w = ds_cache_writer_new(cpath, key, digest, &err);
	g_assert_no_error(err);
	for (int64_t i = 0; i < 2 * n; i++) {
		struct ds_event ev = { .ts = 10 * (uint64_t)i, .type = DS_EV_RELEASE, .pid = 100 };

		g_assert_true(ds_cache_writer_add(w, &ev, &err));
	}
	g_assert_true(ds_cache_writer_commit(w, ds_source_info(src), &err));
	ds_source_close(src);
	g_assert_null(ds_mem_stream_load(basic, &opts, UINT64_MAX, &bytes, &why, &err));
	g_assert_error(err, DS_ERROR, DS_ERROR_FORMAT);
	want = g_strdup_printf("more than the %" G_GINT64_FORMAT " events", n);
	g_assert_nonnull(strstr(err->message, want));
	dstest_rm_rf(dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/replay/memstream/one-open", test_one_open);
	g_test_add_func("/replay/memstream/same-as-cache", test_same_as_cache);
	g_test_add_func("/replay/memstream/changed-trace", test_changed_trace);
	g_test_add_func("/replay/memstream/tasks-max", test_tasks_max);
	g_test_add_func("/replay/memstream/lying-cache", test_lying_cache);
	return g_test_run();
}
