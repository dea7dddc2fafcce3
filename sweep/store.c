// SPDX-License-Identifier: MIT
/*
 * store.c - a sweep's output directory, the part that makes a sweep resumable.
 *
 *   DIR/points/KEY.json   one finished point: its record, written atomically (tmp + rename)
 *   DIR/results.jsonl     every finished point of the current sweep, one line each, by index
 *   DIR/results.csv       the same as CSV
 *   DIR/sweep.source      the sweep file the directory belongs to (--adopt to change it)
 *   DIR/sweep.lock        flock()ed while a sweep writes: exclusively by a whole sweep, shared
 *                         by --point runs (they write only their own point file), so a second
 *                         whole sweep into DIR is refused instead of interleaving its results
 * A point file exists whole or not at all, so after Ctrl-C or kill -9 the points on disk are
 * exactly the finished ones; results.* are derived from them and can always be regenerated.
 * A point file and the directory entry naming it are fsync()ed before it counts as finished
 * (the entry: when saved, or - a whole sweep - by the results write that first lists it), so
 * a results.jsonl written after it never lists a point a crash could still lose.  Files
 * named by key (not index) let an edited sweep file reuse what still matches; a file whose
 * content does not match its point's inputs (ds_sweep_record_matches()) is recomputed.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
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

int ds_sweep_store_lock(const char *dir, gboolean exclusive, GError **error)
{
	g_autofree char *path = g_build_filename(dir, "sweep.lock", NULL);
	g_autofree char *holder = NULL;
	int fd;

	if (g_mkdir_with_parents(dir, 0755) < 0 ||
	    (fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0) {
		g_set_error(error, DS_ERROR, DS_ERROR_IO, "%s: cannot create: %s", path,
			    g_strerror(errno));
		return -1;
	}
	if (flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0) {
		if (exclusive) {
			/* who holds it, for the message a second sweep prints */
			char pid[32];
			int n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());

			if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, (size_t)n, 0) != n)
				(void)0;	/* only the message would lack the pid */
		}
		return fd;
	}
	if (errno != EWOULDBLOCK) {
		g_set_error(error, DS_ERROR, DS_ERROR_IO, "%s: cannot lock: %s", path,
			    g_strerror(errno));
		close(fd);
		return -1;
	}
	if (g_file_get_contents(path, &holder, NULL, NULL))
		g_strstrip(holder);
	g_set_error(error, DS_ERROR, DS_ERROR_PARAM,
		    "%s is being written by another defersim sweep%s%s%s (%s is locked): wait "
		    "for it to finish, or give another -o directory", dir,
		    holder && *holder ? " (pid " : "", holder && *holder ? holder : "",
		    holder && *holder ? ")" : "", path);
	close(fd);
	return -1;
}

/* Does member @k of @o hold profile value @text of @kind (as report/json.c writes it)? */
static gboolean profile_value_is(JsonObject *o, const char *k, const char *text,
				 enum ds_profile_value kind)
{
	JsonNode *n = o ? json_object_get_member(o, k) : NULL;

	if (!n || !JSON_NODE_HOLDS_VALUE(n))
		return FALSE;
	if (kind == DS_PV_INT)
		return json_node_get_value_type(n) == G_TYPE_INT64 &&
			(guint64)json_node_get_int(n) == g_ascii_strtoull(text, NULL, 10);
	if (kind == DS_PV_DOUBLE)
		return json_node_get_double(n) == g_ascii_strtod(text, NULL);
	return json_node_get_value_type(n) == G_TYPE_STRING &&
		!g_strcmp0(json_node_get_string(n), text);
}

struct profile_check {
	JsonObject *o;
	const char *bad;	/* the first key that differs */
};

static void check_profile_key(const char *group, const char *key, const char *text,
			      enum ds_profile_value kind, void *data)
{
	struct profile_check *c = data;

	(void)group;
	if (!c->bad && !profile_value_is(c->o, key, text, kind))
		c->bad = key;
}

static const char *text_at(JsonNode *rec, const char *path)
{
	JsonNode *n = ds_record_get(rec, path);

	return n && JSON_NODE_HOLDS_VALUE(n) && json_node_get_value_type(n) == G_TYPE_STRING ?
		json_node_get_string(n) : NULL;
}

gboolean ds_sweep_record_matches(JsonNode *rec, const struct ds_sweep_point *pt, char **why)
{
	JsonNode *prof = ds_record_get(rec, "profile");
	struct profile_check pc = { prof && JSON_NODE_HOLDS_OBJECT(prof) ?
				    json_node_get_object(prof) : NULL, NULL };

	*why = NULL;
	if (g_strcmp0(ds_record_key(rec), pt->key))
		*why = g_strdup_printf("its key is %s", ds_record_key(rec) ? ds_record_key(rec) :
				       "missing");
	else if (g_strcmp0(text_at(rec, "trace.sha256"), pt->trace_sha256))
		*why = g_strdup("it is the run of another trace (trace.sha256)");
	else if (g_strcmp0(text_at(rec, "tool.version"), DS_VERSION))
		*why = g_strdup_printf("it was written by defersim %s", text_at(rec, "tool.version") ?
				       text_at(rec, "tool.version") : "(unknown)");
	else if (g_strcmp0(text_at(rec, "policy"), pt->params.policy))
		*why = g_strdup("it ran another policy");
	if (*why)
		return FALSE;
	for (guint i = 0; i < pt->n_axes; i++) {
		g_autofree char *path = g_strconcat("point.values.", pt->axis_keys[i], NULL);
		JsonObject *values = NULL;
		JsonNode *v = ds_record_get(rec, "point.values");

		/* axis keys hold dots ("scale.sync_free"): look the member up, not the path */
		if (v && JSON_NODE_HOLDS_OBJECT(v))
			values = json_node_get_object(v);
		v = values ? json_object_get_member(values, pt->axis_keys[i]) : NULL;
		if (!v || !JSON_NODE_HOLDS_VALUE(v) ||
		    json_node_get_value_type(v) != G_TYPE_STRING ||
		    strcmp(json_node_get_string(v), pt->values[i])) {
			*why = g_strdup_printf("its %s is not %s", path, pt->values[i]);
			return FALSE;
		}
	}
	ds_profile_foreach(pt->profile, check_profile_key, &pc);
	if (pc.bad) {
		*why = g_strdup_printf("its profile.%s differs", pc.bad);
		return FALSE;
	}
	return TRUE;
}

JsonNode *ds_sweep_store_lookup_point(const char *dir, const struct ds_sweep_point *pt,
				      GError **error)
{
	g_autofree char *why = NULL;
	g_autofree char *path = NULL;
	JsonNode *rec = ds_sweep_store_lookup(dir, pt->key, error);

	if (!rec || ds_sweep_record_matches(rec, pt, &why))
		return rec;
	path = ds_sweep_point_path(dir, pt->key);
	g_set_error(error, DS_ERROR, DS_ERROR_FORMAT, "%s: not the record of this point's inputs "
		    "(%s)", path, why);
	json_node_unref(rec);
	return NULL;
}

JsonNode *ds_sweep_store_lookup(const char *dir, const char *key, GError **error)
{
	g_autofree char *path = ds_sweep_point_path(dir, key);
	g_autoptr(JsonParser) parser = NULL;
	g_autofree char *text = NULL;
	JsonNode *root, *metrics;
	GError *e = NULL;
	gsize len = 0;

	if (!g_file_test(path, G_FILE_TEST_EXISTS))
		return NULL;
	parser = json_parser_new();
	/* a point of `sweep --task-rows` lists every row: never all in memory */
	if (!(text = ds_json_read_pruned(path, &len, &e)) ||
	    !json_parser_load_from_data(parser, text, (gssize)len, &e)) {
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
	/* the record in memory (results.jsonl) of a schema 2 run is its summary form, whether
	 * or not the file lists the rows (--task-rows) */
	metrics = ds_record_get(root, "metrics");
	if (metrics && JSON_NODE_HOLDS_OBJECT(metrics) &&
	    json_object_has_member(json_node_get_object(metrics), "tasks_summary"))
		json_object_remove_member(json_node_get_object(metrics), "tasks");
	return json_node_copy(root);
}

gboolean ds_sweep_store_write(const char *dir, JsonNode *record,
			      const struct ds_json_rows *rows, gboolean sync_dir, GError **error)
{
	const char *key = ds_record_key(record);
	g_autofree char *path = NULL;

	if (!key) {
		g_set_error(error, DS_ERROR, DS_ERROR_INTERNAL, "record without a point key");
		return FALSE;
	}
	path = ds_sweep_point_path(dir, key);
	/* the file is fsync()ed (ds_json_write_rows()) and so is the entry naming it, here or
	 * by the caller before the point is listed: a whole sweep syncs points/ once per
	 * results write (ds_results_table_write()), not once per point */
	return ds_json_write_rows(record, path, rows, rows ? 1 : 0, error) &&
		(!sync_dir || ds_sweep_store_sync_dir(dir, "points", error));
}

gboolean ds_sweep_store_save_rows(const char *dir, JsonNode *record,
				  const struct ds_json_rows *rows, GError **error)
{
	return ds_sweep_store_write(dir, record, rows, TRUE, error);
}

gboolean ds_sweep_store_save(const char *dir, JsonNode *record, GError **error)
{
	return ds_sweep_store_save_rows(dir, record, NULL, error);
}

gboolean ds_sweep_store_sync_dir(const char *dir, const char *sub, GError **error)
{
	g_autofree char *path = sub ? g_build_filename(dir, sub, NULL) : g_strdup(dir);
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || fsync(fd) < 0) {
		g_set_error(error, DS_ERROR, DS_ERROR_IO, "%s: cannot sync: %s", path,
			    g_strerror(errno));
		if (fd >= 0)
			close(fd);
		return FALSE;
	}
	close(fd);
	return TRUE;
}
