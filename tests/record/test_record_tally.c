// SPDX-License-Identifier: MIT
/*
 * test_record_tally.c - the tally `defersim record` prints (libtracecmd, record_tally.c)
 * against the counts taken at capture time by a different reader: scripts/vm/trace-stats,
 * which parses `trace-cmd report` and wrote the "releases: N" and "cpus: N" lines of each
 * bundled trace's traces/NAME.md.  Also: a file that is not a trace.dat is refused with an
 * error naming it.
 */
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <glib/gstdio.h>

#include "record.h"

static char *traces_dir(void)
{
	const char *src = g_getenv("DS_SOURCE_ROOT");

	g_assert_nonnull(src);
	return g_build_filename(src, "traces", NULL);
}

/* md_count() - the number after "KEY: " at the start of a line of the provenance file */
static gboolean md_count(const char *md, const char *key, guint64 *out)
{
	g_autofree char *text = NULL;
	g_autofree char *pat = g_strdup_printf("\n%s: ", key);
	const char *p;

	if (!g_file_get_contents(md, &text, NULL, NULL))
		return FALSE;
	p = strstr(text, pat);
	if (!p)
		return FALSE;
	*out = g_ascii_strtoull(p + strlen(pat), NULL, 10);
	return TRUE;
}

static void test_bundled(void)
{
	g_autofree char *dir = traces_dir();
	g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
	const char *name;
	int checked = 0;

	g_assert_nonnull(d);
	while ((name = g_dir_read_name(d))) {
		g_autofree char *dat = NULL;
		g_autofree char *md = NULL;
		g_autofree char *base = NULL;
		g_autoptr(GError) error = NULL;
		struct ds_rec_tally t;
		guint64 releases, cpus;

		if (!g_str_has_suffix(name, ".dat"))
			continue;
		base = g_strndup(name, strlen(name) - 4);
		dat = g_build_filename(dir, name, NULL);
		md = g_strdup_printf("%s/%s.md", dir, base);
		g_assert_true(md_count(md, "releases", &releases));
		g_assert_true(md_count(md, "cpus", &cpus));
		g_assert_true(ds_rec_tally_file(dat, &t, &error));
		g_assert_no_error(error);
		g_test_message("%s: %" G_GUINT64_FORMAT " releases (provenance %" G_GUINT64_FORMAT ")",
			       name, t.releases, releases);
		g_assert_cmpuint(t.releases, ==, releases);
		g_assert_cmpuint((guint64)t.cpus, ==, cpus);
		g_assert_cmpuint(t.releases, >, 0);
		/* every release in the middle of a recording returns: at most the calls cut
		 * by the end of the recording are unpaired */
		g_assert_cmpuint(t.returns, <=, t.releases);
		g_assert_cmpuint(t.returns + (guint64)t.cpus, >=, t.releases);
		checked++;
	}
	if (!checked)
		g_test_skip("no bundled traces in traces/");
}

static void test_not_a_trace(void)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *dir = g_dir_make_tmp("ds-tally-XXXXXX", NULL);
	g_autofree char *path = g_build_filename(dir, "foreign.dat", NULL);
	struct ds_rec_tally t;

	g_assert_true(g_file_set_contents(path, "this is not a trace.dat\n", -1, NULL));
	g_assert_false(ds_rec_tally_file(path, &t, &error));
	g_assert_error(error, DS_REC_ERROR, DS_REC_ERROR_FORMAT);
	g_assert_nonnull(strstr(error->message, path));
	g_unlink(path);
	g_rmdir(dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/record/tally/bundled-traces", test_bundled);
	g_test_add_func("/record/tally/not-a-trace", test_not_a_trace);
	return g_test_run();
}
