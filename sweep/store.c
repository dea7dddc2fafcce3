// SPDX-License-Identifier: MIT
/*
 * store.c - a sweep's output directory, the part that makes a sweep resumable.
 *
 *   DIR/points/KEY.json   one finished point: its record, written atomically (tmp + rename)
 *   DIR/results.jsonl     every finished point of the current sweep, one line each, by index
 *   DIR/results.csv       the same as CSV
 * A point file exists whole or not at all, so after Ctrl-C or kill -9 the points on disk are
 * exactly the finished ones; results.* are derived from them and can always be regenerated.
 * Files named by key (not index) let an edited sweep file reuse what still matches.
 */
#include <errno.h>
#include <string.h>
#include <glib/gstdio.h>

#include "ds_report.h"
#include "ds_sweep.h"

char *ds_sweep_point_path(const char *dir, const char *key)
{
	g_autofree char *name = g_strconcat(key, ".json", NULL);

	return g_build_filename(dir, "points", name, NULL);
}

gboolean ds_sweep_store_init(const char *dir, const char *sweep_file, gboolean adopt,
			     GError **error)
{
	g_autofree char *points = g_build_filename(dir, "points", NULL);
	g_autofree char *source = g_build_filename(dir, "sweep.source", NULL);
	g_autofree char *abs = g_canonicalize_filename(sweep_file, NULL);
	g_autofree char *text = g_strconcat(abs, "\n", NULL);
	g_autofree char *held = NULL;

	if (g_mkdir_with_parents(points, 0755) < 0) {
		g_set_error(error, DS_ERROR, DS_ERROR_IO, "%s: cannot create: %s", points,
			    g_strerror(errno));
		return FALSE;
	}
	/* results.* are the current sweep's: another sweep file's would silently replace them.
	 * The same file edited is the documented way to extend a sweep; another file must say
	 * it takes the directory over (--adopt). */
	if (g_file_get_contents(source, &held, NULL, NULL) && !adopt) {
		if (strcmp(g_strstrip(held), abs)) {
			g_set_error(error, DS_ERROR, DS_ERROR_PARAM,
				    "%s holds the results of another sweep file (%s); this one (%s) "
				    "would replace them: give another -o directory, or --adopt to "
				    "take the directory over (its points are reused where they match)",
				    dir, held, abs);
			return FALSE;
		}
		return TRUE;
	}
	return ds_write_atomic(source, text, strlen(text), error);
}

JsonNode *ds_sweep_store_lookup(const char *dir, const char *key, GError **error)
{
	g_autofree char *path = ds_sweep_point_path(dir, key);
	g_autoptr(JsonParser) parser = NULL;
	JsonNode *root;
	GError *e = NULL;

	if (!g_file_test(path, G_FILE_TEST_EXISTS))
		return NULL;
	parser = json_parser_new();
	if (!json_parser_load_from_file(parser, path, &e)) {
		g_set_error(error, DS_ERROR, DS_ERROR_FORMAT, "%s: %s", path, e->message);
		g_error_free(e);
		return NULL;
	}
	root = json_parser_get_root(parser);
	if (!root || g_strcmp0(ds_record_key(root), key)) {
		g_set_error(error, DS_ERROR, DS_ERROR_FORMAT, "%s: not the record of point %s",
			    path, key);
		return NULL;
	}
	return json_node_copy(root);
}

gboolean ds_sweep_store_save(const char *dir, JsonNode *record, GError **error)
{
	const char *key = ds_record_key(record);
	g_autofree char *path = NULL;

	if (!key) {
		g_set_error(error, DS_ERROR, DS_ERROR_INTERNAL, "record without a point key");
		return FALSE;
	}
	path = ds_sweep_point_path(dir, key);
	return ds_json_write(record, path, error);
}
