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

#include "dstest.h"
#include "record.h"

static void test_bundled(void)
{
	g_autoptr(GPtrArray) list = dstest_bundled_traces(FALSE);

	for (guint i = 0; i < list->len; i++) {
		const char *dat = list->pdata[i];
		g_autoptr(GError) error = NULL;
		struct ds_rec_tally t;
		guint64 releases, cpus;

		g_assert_true(dstest_provenance(dat, "releases", &releases));
		g_assert_true(dstest_provenance(dat, "cpus", &cpus));
		g_assert_true(ds_rec_tally_file(dat, &t, &error));
		g_assert_no_error(error);
		g_test_message("%s: %" G_GUINT64_FORMAT " releases (provenance %" G_GUINT64_FORMAT ")",
			       dat, t.releases, releases);
		g_assert_cmpuint(t.releases, ==, releases);
		g_assert_cmpuint((guint64)t.cpus, ==, cpus);
		g_assert_cmpuint(t.releases, >, 0);
		/* every release in the middle of a recording returns: at most the calls cut
		 * by the end of the recording are unpaired */
		g_assert_cmpuint(t.returns, <=, t.releases);
		g_assert_cmpuint(t.returns + (guint64)t.cpus, >=, t.releases);
	}
	if (!list->len)
		g_test_skip("no bundled traces in traces/");
}

static void test_not_a_trace(void)
{
	g_autoptr(GError) error = NULL;
	g_autofree char *dir = dstest_tmp_dir();
	g_autofree char *path = dstest_write(dir, "foreign.dat", "this is not a trace.dat\n");
	struct ds_rec_tally t;

	g_assert_false(ds_rec_tally_file(path, &t, &error));
	g_assert_error(error, DS_REC_ERROR, DS_REC_ERROR_FORMAT);
	g_assert_nonnull(strstr(error->message, path));
	dstest_rm_rf(dir);
}

int main(int argc, char **argv)
{
	g_test_init(&argc, &argv, NULL);
	g_test_add_func("/record/tally/bundled-traces", test_bundled);
	g_test_add_func("/record/tally/not-a-trace", test_not_a_trace);
	return g_test_run();
}
