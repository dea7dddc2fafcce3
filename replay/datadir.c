// SPDX-License-Identifier: MIT
/*
 * datadir.c - ds_data_dir(): the installed data next to the running program.
 *
 * The data is found relative to /proc/self/exe rather than at a path compiled in, so that an
 * installed tree works wherever it is put (DESTDIR staging, a moved prefix) and the build
 * tree's binary works through the same rule (meson mirrors the data into the build tree in
 * the installed layout).  Nothing here knows the source tree: a binary that looked there
 * would silently use data its user never installed, and break when the source is removed.
 */
#include <glib.h>

#include "ds_datadir.h"

/* The candidates in the order ds_data_dir() tries them (NULL entries are skipped). */
static GPtrArray *candidates(const char *sub)
{
	GPtrArray *c = g_ptr_array_new_with_free_func(g_free);
	const char *env = g_getenv("DEFERSIM_DATADIR");
	g_autofree char *exe = NULL;

	if (env) {
		g_ptr_array_add(c, g_build_filename(env, sub, NULL));
		return c;
	}
	exe = g_file_read_link("/proc/self/exe", NULL);
	if (exe) {
		g_autofree char *dir = g_path_get_dirname(exe);
		g_autofree char *path = g_build_filename(dir, DS_DATADIR_REL, sub, NULL);

		/* "bin/../share" resolved: the messages name the directory plainly */
		g_ptr_array_add(c, g_canonicalize_filename(path, NULL));
	} else {
		g_ptr_array_add(c, g_build_filename(DS_PKGDATADIR, sub, NULL));
	}
	return c;
}

char *ds_data_dir(const char *sub)
{
	g_autoptr(GPtrArray) c = candidates(sub);

	for (guint i = 0; i < c->len; i++)
		if (g_file_test(c->pdata[i], G_FILE_TEST_IS_DIR))
			return g_strdup(c->pdata[i]);
	return NULL;
}

char *ds_data_where(const char *sub)
{
	g_autoptr(GPtrArray) c = candidates(sub);

	g_ptr_array_add(c, NULL);
	return g_strjoinv(" or ", (char **)c->pdata);
}
