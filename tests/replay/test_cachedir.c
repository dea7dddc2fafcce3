// SPDX-License-Identifier: MIT
/*
 * test_cachedir.c - the cache directory: listing, least-recently-used eviction under the
 * size cap, hits counting as uses, stale formats and dead writers' debris pruned, and the
 * `defersim cache` command.  Ages are set by hand (utimensat) so that the expected order of
 * eviction is known without waiting.
 */
#include <string.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "ds_source.h"
#include "helpers.h"

/* Read @fixture through the cache in @dir; the path of its cache file. */
static char *cache_once(const char *dir, const char *fixture)
{
	g_autofree char *path = dstest_fixture(fixture);
	struct ds_trace_opts opts = { .use_cache = TRUE, .cache_dir = dir, .force_clock = TRUE };
	g_autoptr(GArray) evs = decode(path, &opts);
	g_autoptr(GError) err = NULL;
	struct ds_source *src = ds_source_open_trace(path, &opts, &err);
	char *file;

	g_assert_cmpuint(evs->len, >, 0);
	g_assert_no_error(err);
	file = ds_cache_path(path, &opts, NULL);
	ds_source_close(src);
	g_assert_true(g_file_test(file, G_FILE_TEST_IS_REGULAR));
	return file;
}

static void set_used(const char *file, gint64 t)
{
	struct timespec ts[2] = { { .tv_sec = t }, { .tv_sec = t } };

	g_assert_cmpint(utimensat(AT_FDCWD, file, ts, 0), ==, 0);
}

static uint64_t file_size(const char *file)
{
	struct stat st;

	g_assert_cmpint(g_stat(file, &st), ==, 0);
	return (uint64_t)st.st_size;
}

static void test_parse_bytes(void)
{
	static const struct { const char *s; gboolean ok; uint64_t v; } cases[] = {
		{ "0", TRUE, 0 }, { "123", TRUE, 123 }, { "64K", TRUE, 65536 },
		{ "500M", TRUE, 500ull << 20 }, { "2G", TRUE, 2ull << 30 }, { "1TiB", TRUE, 1ull << 40 },
		{ "3gb", TRUE, 3ull << 30 }, { "", FALSE, 0 }, { "-1", FALSE, 0 }, { "12x", FALSE, 0 },
		{ "M", FALSE, 0 }, { "99999999999T", FALSE, 0 },
	};

	for (size_t i = 0; i < G_N_ELEMENTS(cases); i++) {
		uint64_t v = 7;

		g_assert_cmpint(ds_parse_bytes(cases[i].s, &v), ==, cases[i].ok);
		if (cases[i].ok)
			g_assert_cmpuint(v, ==, cases[i].v);
	}
}

/*
 * Three entries used at t, t+10, t+20; a cap that holds the newest two plus the entry about
 * to be written: writing a fourth evicts exactly the oldest.
 */
static void test_lru_eviction(void)
{
	g_autofree char *dir = dstest_tmp_dir();
	g_autofree char *a = cache_once(dir, "basic.dat");
	g_autofree char *b = cache_once(dir, "lost.dat");
	g_autofree char *c = cache_once(dir, "probes.dat");
	gint64 t = g_get_real_time() / G_USEC_PER_SEC - 1000;
	g_autofree char *d = NULL, *cap = NULL;

	set_used(a, t);
	set_used(b, t + 10);
	set_used(c, t + 20);
	/* the size of fgraph.dat's entry is known only once written: cache it elsewhere first */
	{
		g_autofree char *other = g_build_filename(dir, "probe", NULL);
		g_autofree char *f = cache_once(other, "fgraph.dat");

		cap = g_strdup_printf("%" G_GUINT64_FORMAT, file_size(b) + file_size(c) +
				      file_size(f));
	}
	g_setenv("DEFERSIM_CACHE_MAX", cap, TRUE);
	d = cache_once(dir, "fgraph.dat");
	g_unsetenv("DEFERSIM_CACHE_MAX");
	g_assert_false(g_file_test(a, G_FILE_TEST_EXISTS));
	g_assert_true(g_file_test(b, G_FILE_TEST_EXISTS));
	g_assert_true(g_file_test(c, G_FILE_TEST_EXISTS));
	g_assert_true(g_file_test(d, G_FILE_TEST_EXISTS));

	g_autoptr(GPtrArray) list = ds_cache_list(dir, NULL);

	g_assert_cmpuint(list->len, ==, 3);
	g_assert_cmpstr(((struct ds_cache_entry *)list->pdata[0])->file, ==, d);
	g_assert_cmpstr(((struct ds_cache_entry *)list->pdata[2])->file, ==, b);
	g_assert_true(((struct ds_cache_entry *)list->pdata[0])->current);
	dstest_rm_rf(dir);
}

/* A hit is a use: an old entry read from the cache becomes the most recently used. */
static void test_hit_is_use(void)
{
	g_autofree char *dir = dstest_tmp_dir();
	g_autofree char *a = cache_once(dir, "basic.dat");
	gint64 t = g_get_real_time() / G_USEC_PER_SEC;
	struct stat st;

	set_used(a, t - 86400);
	g_free(cache_once(dir, "basic.dat"));
	g_assert_cmpint(g_stat(a, &st), ==, 0);
	g_assert_cmpint(st.st_mtime, >=, t - 5);
	dstest_rm_rf(dir);
}

/* Stale formats always go, debris only when a day old, foreign files never; --older-than. */
static void test_prune_rules(void)
{
	g_autofree char *dir = dstest_tmp_dir();
	g_autofree char *a = cache_once(dir, "basic.dat");
	g_autofree char *b = cache_once(dir, "lost.dat");
	g_autofree char *stale = g_build_filename(dir, "00-v1-x.dscache", NULL);
	g_autofree char *old_tmp = g_build_filename(dir, "x.dscache.tmp.AAAAAA", NULL);
	g_autofree char *new_tmp = g_build_filename(dir, "y.dscache.tmp.BBBBBB", NULL);
	g_autofree char *foreign = dstest_write(dir, "notes.txt", "mine\n");
	/* a cache header of format 1: magic, version, byte-order mark */
	const char hdr[16] = { 'D', 'S', 'C', 'A', 'C', 'H', 'E', 0, 1, 0, 0, 0, 4, 3, 2, 1 };
	gint64 t = g_get_real_time() / G_USEC_PER_SEC;
	struct ds_cache_prune how = { .older_than_s = 3600 };
	struct ds_cache_pruned res;
	g_autoptr(GError) err = NULL;

	g_assert_true(g_file_set_contents(stale, hdr, sizeof(hdr), NULL));
	g_assert_true(g_file_set_contents(old_tmp, "x", 1, NULL));
	g_assert_true(g_file_set_contents(new_tmp, "y", 1, NULL));
	set_used(old_tmp, t - 2 * 86400);
	set_used(a, t - 7200);	/* unused for 2 h: goes with --older-than 1h */
	g_assert_true(ds_cache_prune(dir, &how, &res, &err));
	g_assert_no_error(err);
	g_assert_cmpuint(res.removed, ==, 3);	/* stale, old debris, a */
	g_assert_false(g_file_test(stale, G_FILE_TEST_EXISTS));
	g_assert_false(g_file_test(old_tmp, G_FILE_TEST_EXISTS));
	g_assert_false(g_file_test(a, G_FILE_TEST_EXISTS));
	g_assert_true(g_file_test(new_tmp, G_FILE_TEST_EXISTS));
	g_assert_true(g_file_test(foreign, G_FILE_TEST_EXISTS));
	g_assert_true(g_file_test(b, G_FILE_TEST_EXISTS));
	g_assert_cmpuint(res.kept_bytes, ==, file_size(b));
	dstest_rm_rf(dir);
}

static void test_cli(void)
{
	g_autofree char *dir = dstest_tmp_dir();
	g_autofree char *a = cache_once(dir, "basic.dat");
	g_autofree char *b = cache_once(dir, "lost.dat");
	struct dstest_run r = dstest_defersim("cache", "list", "--cache-dir", dir, "--json", "-",
					      NULL);
	g_autoptr(JsonParser) p = json_parser_new();
	JsonObject *o;

	g_assert_cmpint(r.status, ==, 0);
	g_assert_true(json_parser_load_from_data(p, r.out, -1, NULL));
	o = json_node_get_object(json_parser_get_root(p));
	g_assert_cmpint(json_object_get_int_member(o, "schema_version"), ==, 1);
	g_assert_cmpuint(json_array_get_length(json_object_get_array_member(o, "entries")), ==, 2);
	dstest_run_clear(&r);

	r = dstest_defersim("cache", "prune", "--cache-dir", dir, "--max-size", "12x", NULL);
	g_assert_cmpint(r.status, ==, 2);
	g_assert_nonnull(strstr(r.err, "--max-size 12x"));
	dstest_run_clear(&r);

	r = dstest_defersim("cache", "clear", "--cache-dir", dir, NULL);
	g_assert_cmpint(r.status, ==, 0);
	g_assert_nonnull(strstr(r.out, "removed: 2 files"));
	g_assert_false(g_file_test(a, G_FILE_TEST_EXISTS));
	g_assert_false(g_file_test(b, G_FILE_TEST_EXISTS));
	dstest_run_clear(&r);

	r = dstest_defersim("cache", "frobnicate", "--cache-dir", dir, NULL);
	g_assert_cmpint(r.status, ==, 2);
	g_assert_nonnull(strstr(r.err, "expected list, prune or clear"));
	dstest_run_clear(&r);
	dstest_rm_rf(dir);
}

/* `defersim info` says where the cache is, and follows $XDG_CACHE_HOME. */
static void test_info_location(void)
{
	g_autofree char *dir = dstest_tmp_dir();
	g_autofree char *path = dstest_fixture("basic.dat");
	g_autofree char *want = g_build_filename(dir, "defersim", NULL);
	const char *old = g_getenv("XDG_CACHE_HOME");
	g_autofree char *saved = old ? g_strdup(old) : NULL;

	g_setenv("XDG_CACHE_HOME", dir, TRUE);
	struct dstest_run r = dstest_defersim("info", path, NULL);

	if (saved)
		g_setenv("XDG_CACHE_HOME", saved, TRUE);
	else
		g_unsetenv("XDG_CACHE_HOME");
	g_assert_cmpint(r.status, ==, 0);
	g_autofree char *line = g_strdup_printf("cache: %s/", want);

	g_assert_nonnull(strstr(r.out, line));
	g_assert_nonnull(strstr(r.out, "(present)"));
	dstest_run_clear(&r);
	dstest_rm_rf(dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/replay/cachedir/parse-bytes", test_parse_bytes);
	g_test_add_func("/replay/cachedir/lru-eviction", test_lru_eviction);
	g_test_add_func("/replay/cachedir/hit-is-use", test_hit_is_use);
	g_test_add_func("/replay/cachedir/prune-rules", test_prune_rules);
	g_test_add_func("/replay/cachedir/cli", test_cli);
	g_test_add_func("/replay/cachedir/info-location", test_info_location);
	return g_test_run();
}
