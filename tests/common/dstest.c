// SPDX-License-Identifier: MIT
/*
 * dstest.c - helpers shared by test programs of every area (dstest.h): running programs,
 * paths of the source tree and of the generated fixtures, temporary directories, JSON.
 */
#include <string.h>
#include <sys/wait.h>
#include <glib/gstdio.h>

#include "dstest.h"

void dstest_run_clear(struct dstest_run *r)
{
	g_free(r->out);
	g_free(r->err);
}

struct dstest_run dstest_spawn(const char *binary, const char *subcommand,
			       const char *const *args)
{
	g_autoptr(GPtrArray) argv = g_ptr_array_new();
	g_autoptr(GError) error = NULL;
	struct dstest_run r = { 0 };
	int wait;

	g_assert_nonnull(binary);
	g_ptr_array_add(argv, (gpointer)binary);
	if (subcommand)
		g_ptr_array_add(argv, (gpointer)subcommand);
	for (; *args; args++)
		g_ptr_array_add(argv, (gpointer)*args);
	g_ptr_array_add(argv, NULL);
	g_assert_true(g_spawn_sync(NULL, (char **)argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL,
				   NULL, &r.out, &r.err, &wait, &error));
	g_assert_no_error(error);
	if (!WIFEXITED(wait))
		g_test_message("%s%s%s: no exit, wait status %d; stderr: %s", binary,
			       subcommand ? " " : "", subcommand ? subcommand : "", wait, r.err);
	g_assert_true(WIFEXITED(wait));	/* never a crash */
	r.status = WEXITSTATUS(wait);
	return r;
}

struct dstest_run dstest_spawn_va(const char *binary, const char *subcommand, const char *first,
				  va_list ap)
{
	g_autoptr(GPtrArray) args = g_ptr_array_new();

	for (const char *a = first; a; a = va_arg(ap, const char *))
		g_ptr_array_add(args, (gpointer)a);
	g_ptr_array_add(args, NULL);
	return dstest_spawn(binary, subcommand, (const char *const *)args->pdata);
}

struct dstest_run dstest_defersim(const char *first, ...)
{
	struct dstest_run r;
	va_list ap;

	va_start(ap, first);
	r = dstest_spawn_va(dstest_env("DS_DEFERSIM"), NULL, first, ap);
	va_end(ap);
	return r;
}

const char *dstest_env(const char *name)
{
	const char *v = g_getenv(name);

	if (!v)
		g_error("%s is not set: run the tests through meson", name);
	return v;
}

char *dstest_source(const char *relpath)
{
	return g_build_filename(dstest_env("DS_SOURCE_ROOT"), relpath, NULL);
}

char *dstest_bundled(const char *name)
{
	return g_build_filename(dstest_env("DS_SOURCE_ROOT"), "traces", name, NULL);
}

/* g_ptr_array_sort() hands the comparison pointers to the elements, not the elements */
static gint path_cmp(gconstpointer a, gconstpointer b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

GPtrArray *dstest_bundled_traces(gboolean with_xz)
{
	g_autofree char *dir = dstest_source("traces");
	GPtrArray *list = g_ptr_array_new_with_free_func(g_free);
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;

	g_assert_nonnull(d);
	while ((name = g_dir_read_name(d)))
		if (g_str_has_suffix(name, ".dat") ||
		    (with_xz && g_str_has_suffix(name, ".dat.xz")))
			g_ptr_array_add(list, g_build_filename(dir, name, NULL));
	g_dir_close(d);
	/* the directory's order is the file system's: sort, so that runs are alike */
	g_ptr_array_sort(list, path_cmp);
	return list;
}

static void test_no_bundled(void)
{
	g_test_skip("no bundled traces in traces/");
}

GPtrArray *dstest_add_bundled_tests(const char *prefix, gboolean with_xz, GTestDataFunc func)
{
	GPtrArray *paths = dstest_bundled_traces(with_xz);

	for (guint i = 0; i < paths->len; i++) {
		g_autofree char *base = g_path_get_basename(g_ptr_array_index(paths, i));
		g_autofree char *tp = g_strdup_printf("%s/%s", prefix, base);

		g_test_add_data_func(tp, g_ptr_array_index(paths, i), func);
	}
	if (!paths->len) {
		g_autofree char *tp = g_strdup_printf("%s/none", prefix);

		g_test_add_func(tp, test_no_bundled);
	}
	return paths;
}

gboolean dstest_provenance(const char *trace, const char *key, guint64 *value)
{
	g_autofree char *base = g_str_has_suffix(trace, ".dat") ?
		g_strndup(trace, strlen(trace) - strlen(".dat")) : g_strdup(trace);
	g_autofree char *md = g_strconcat(base, ".md", NULL);
	g_autofree char *pat = g_strdup_printf("\n%s: ", key);
	g_autofree char *text = NULL;
	const char *p;

	if (!g_file_get_contents(md, &text, NULL, NULL))
		return FALSE;
	p = strstr(text, pat);
	if (!p)
		return FALSE;
	*value = g_ascii_strtoull(p + strlen(pat), NULL, 10);
	return TRUE;
}

char *dstest_fixture(const char *name)
{
	return g_build_filename(dstest_env("DS_FIXTURES"), name, NULL);
}

char *dstest_tmp_dir(void)
{
	g_autoptr(GError) err = NULL;
	char *d = g_dir_make_tmp("ds-test-XXXXXX", &err);

	g_assert_no_error(err);
	g_assert_nonnull(d);
	return d;
}

static void rm_below(const char *dir)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;

	if (!d)
		return;
	while ((name = g_dir_read_name(d))) {
		g_autofree char *p = g_build_filename(dir, name, NULL);

		if (g_file_test(p, G_FILE_TEST_IS_DIR) && !g_file_test(p, G_FILE_TEST_IS_SYMLINK))
			rm_below(p);
		else
			g_unlink(p);
	}
	g_dir_close(d);
	g_rmdir(dir);
}

void dstest_rm_rf(const char *dir)
{
	rm_below(dir);
	g_assert_false(g_file_test(dir, G_FILE_TEST_EXISTS));
}

char *dstest_write(const char *dir, const char *name, const char *text)
{
	char *path = g_build_filename(dir, name, NULL);

	g_assert_true(g_file_set_contents(path, text, -1, NULL));
	return path;
}

void dstest_tmp_setup(struct dstest_tmp *t, gconstpointer data)
{
	(void)data;
	t->dir = dstest_tmp_dir();
}

void dstest_tmp_teardown(struct dstest_tmp *t, gconstpointer data)
{
	(void)data;
	dstest_rm_rf(t->dir);
	g_free(t->dir);
}

void dstest_add_tmp(const char *path, void (*test)(struct dstest_tmp *t, gconstpointer data))
{
	g_test_add(path, struct dstest_tmp, NULL, dstest_tmp_setup, test, dstest_tmp_teardown);
}

JsonObject *dstest_json_load(JsonParser *parser, const char *path)
{
	GError *error = NULL;

	g_assert_true(json_parser_load_from_file(parser, path, &error));
	g_assert_no_error(error);
	return json_node_get_object(json_parser_get_root(parser));
}

gint64 dstest_json_int(JsonObject *o, const char *dotted)
{
	g_auto(GStrv) parts = g_strsplit(dotted, ".", -1);

	for (size_t i = 0; parts[i + 1]; i++)
		o = json_object_get_object_member(o, parts[i]);
	return json_object_get_int_member(o, parts[g_strv_length(parts) - 1]);
}
