// SPDX-License-Identifier: MIT
/*
 * test_bundled.c - every real capture bundled in traces/ (NAME.dat or NAME.dat.xz) reads end
 * to end without error, in time order, with at least one release; where traces/NAME.md
 * records `defersim info` lines ("releases: N", "cpus: N", "lost events: N"), the reader
 * agrees with them; read by one reader child and by several (the CPUs split between them),
 * it gives the same events and info.  Data-driven: a new capture is covered by dropping it
 * in traces/.
 */
#include <string.h>

#include "helpers.h"
#include "trace_impl.h"

/* The number after "PREFIX" on a line of @md that starts with it (also inside `code`). */
static gboolean md_number(const char *md, const char *prefix, guint64 *v)
{
	g_auto(GStrv) lines = g_strsplit(md, "\n", -1);

	for (char **l = lines; *l; l++) {
		const char *s = g_strstrip(*l);

		while (*s == '`' || *s == '-' || *s == ' ')
			s++;
		if (g_str_has_prefix(s, prefix)) {
			*v = g_ascii_strtoull(s + strlen(prefix), NULL, 10);
			return TRUE;
		}
	}
	return FALSE;
}

static char *unpack_xz(const char *xz, const char *dir)
{
	g_autofree char *base = g_path_get_basename(xz);
	char *out = g_build_filename(dir, base, NULL);
	g_autofree char *cmd = NULL;
	g_autoptr(GError) err = NULL;
	int status;

	out[strlen(out) - 3] = '\0';
	cmd = g_strdup_printf("sh -c 'xz -dc \"$0\" > \"$1\"' '%s' '%s'", xz, out);
	g_assert_true(g_spawn_command_line_sync(cmd, NULL, NULL, &status, &err));
	g_assert_no_error(err);
	g_assert_true(g_spawn_check_wait_status(status, NULL));
	return out;
}

/*
 * The stream and the info of @path read by one reader child equal those of @evs, @info,
 * read with the CPUs split over several (replay/decode.h): the split changes nothing.
 */
static void check_one_reader(const char *path, const GArray *evs,
			     const struct ds_trace_info *info)
{
	g_autoptr(GError) err = NULL;
	g_autoptr(GArray) one = g_array_new(FALSE, TRUE, sizeof(struct ds_event));
	struct ds_source *src;

	g_setenv("DS_TEST_DECODE_READERS", "1", TRUE);
	src = ds_source_open_trace(path, NULL, &err);
	g_unsetenv("DS_TEST_DECODE_READERS");
	g_assert_no_error(err);
	g_assert_true(read_all(src, one, &err));
	assert_events((const struct ds_event *)evs->data, evs->len, one);
	g_autoptr(GVariant) a = g_variant_ref_sink(ds_trace_info_to_variant(info));
	g_autoptr(GVariant) b = g_variant_ref_sink(ds_trace_info_to_variant(ds_source_info(src)));

	g_assert_true(g_variant_equal(a, b));
	ds_source_close(src);
}

static void check_trace(gconstpointer data)
{
	const char *orig = data;
	g_autofree char *dir = dstest_tmp_dir();
	g_autofree char *path = g_str_has_suffix(orig, ".xz") ? unpack_xz(orig, dir) : g_strdup(orig);
	g_autoptr(GError) err = NULL;
	g_autoptr(GArray) evs = g_array_new(FALSE, TRUE, sizeof(struct ds_event));
	struct ds_source *src;
	const struct ds_trace_info *info;
	g_autofree char *stem = g_strndup(orig, strstr(orig, ".dat") - orig);
	g_autofree char *mdpath = g_strconcat(stem, ".md", NULL);
	g_autofree char *md = NULL;
	guint64 v;

	g_setenv("DS_TEST_DECODE_READERS", "3", TRUE);
	src = ds_source_open_trace(path, NULL, &err);
	g_unsetenv("DS_TEST_DECODE_READERS");
	g_assert_no_error(err);
	g_assert_true(read_all(src, evs, &err));
	g_assert_no_error(err);
	assert_ordered(evs);
	info = ds_source_info(src);
	g_assert_cmpuint(info->events_per_type[DS_EV_RELEASE], >, 0);
	if (g_file_get_contents(mdpath, &md, NULL, NULL)) {
		if (md_number(md, "releases: ", &v))
			g_assert_cmpuint(info->events_per_type[DS_EV_RELEASE], ==, v);
		if (md_number(md, "cpus: ", &v))
			g_assert_cmpuint(info->ncpus, ==, v);
		if (md_number(md, "lost events: ", &v))
			g_assert_cmpuint(info->lost_total, ==, v);
	}
	check_one_reader(path, evs, info);
	ds_source_close(src);
	dstest_rm_rf(dir);
}

int main(int argc, char **argv)
{
	g_autoptr(GPtrArray) paths = NULL;

	g_test_init(&argc, &argv, NULL);
	paths = dstest_add_bundled_tests("/replay/bundled", TRUE, check_trace);
	return g_test_run();
}
