// SPDX-License-Identifier: MIT
/*
 * taskrows.c - a run's per-task rows on their way into a JSON report, never all in memory.
 *
 * struct ds_task_spill: the simulator hands rows over out of order as they become final
 * (struct ds_task_sink); each is written with pwrite() at offset index * row size of an
 * unlinked temporary file, so reading the file from the start gives them in the engine's
 * order (first release), the order of metrics.tasks.  Memory: none per row; disk: one
 * struct per task, gone when the spill is freed.
 *
 * ds_json_write_rows(): the report without its rows is a small json-glib tree; the tree is
 * generated with a unique placeholder string as metrics.tasks, and the text is written with
 * each placeholder replaced by its rows, streamed one row at a time (json-glib has no
 * streaming writer; a tree of a million rows took gigabytes).
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "ds_json.h"
#include "ds_report.h"

struct ds_task_spill {
	FILE *f;
	int err;	/* first write error (errno), 0 if none */
};

static void spill_row(void *data, guint index, const struct ds_task_result *t)
{
	struct ds_task_spill *s = data;
	off_t at = (off_t)index * (off_t)sizeof(*t);

	if (!s->err && pwrite(fileno(s->f), t, sizeof(*t), at) != (ssize_t)sizeof(*t))
		s->err = errno ? errno : EIO;
}

struct ds_task_spill *ds_task_spill_new(struct ds_task_sink *sink, GError **error)
{
	struct ds_task_spill *s = g_new0(struct ds_task_spill, 1);

	s->f = tmpfile();
	if (!s->f) {
		g_set_error(error, DS_ERROR, DS_ERROR_IO, "cannot create a temporary file for "
			    "the per-task rows (TMPDIR): %s", g_strerror(errno));
		g_free(s);
		return NULL;
	}
	sink->row = spill_row;
	sink->data = s;
	return s;
}

void ds_task_spill_free(struct ds_task_spill *s)
{
	if (!s)
		return;
	fclose(s->f);
	g_free(s);
}

void ds_json_add_task_row(JsonBuilder *b, const struct ds_task_result *t)
{
	json_builder_begin_object(b);
	ds_json_add_u64(b, "pid", (uint64_t)t->pid);
	ds_json_add_u64(b, "releases", t->releases);
	ds_json_add_u64(b, "fallbacks", t->fallbacks);
	ds_json_add_u64(b, "hot_ns", t->hot_ns);
	ds_json_add_u64(b, "sync_ns", t->sync_ns);
	ds_json_add_u64(b, "first_ts", t->first_ts);
	ds_json_add_u64(b, "rec_end_ts", t->rec_end_ts);
	ds_json_add_u64(b, "sim_end_ts", t->sim_end_ts);
	ds_json_add_bool(b, "exited", t->exited);
	ds_json_add_u64(b, "think_clamped_ns", t->think_clamped_ns);
	ds_json_add_u64(b, "think_oncpu_ns", t->think_oncpu_ns);
	ds_json_add_u64(b, "think_offcpu_ns", t->think_offcpu_ns);
	ds_json_add_u64(b, "freed_ts", t->freed_ts);
	ds_json_add_u64(b, "exit_to_freed_ns", ds_task_exit_to_freed(t));
	json_builder_end_object(b);
}

/* One row as compact JSON text, through the same builder as the summary's rows. */
static gboolean put_row(FILE *f, JsonGenerator *gen, const struct ds_task_result *t,
			gboolean first)
{
	g_autoptr(JsonBuilder) b = json_builder_new();
	g_autoptr(JsonNode) node = NULL;
	g_autofree char *text = NULL;

	ds_json_add_task_row(b, t);
	node = json_builder_get_root(b);
	json_generator_set_root(gen, node);
	text = json_generator_to_data(gen, NULL);
	return fprintf(f, "%s\n      %s", first ? "" : ",", text) >= 0;
}

/* The rows of one run, in the engine's order, as a JSON array. */
static gboolean put_rows(FILE *f, const struct ds_json_rows *rows, GError **error)
{
	const struct ds_results *r = rows->r;
	g_autoptr(JsonGenerator) gen = json_generator_new();
	gboolean ok = fputc('[', f) != EOF;
	guint64 n = rows->spill ? r->task_sum.count : r->tasks->len;

	if (rows->spill) {
		if (rows->spill->err) {
			g_set_error(error, DS_ERROR, DS_ERROR_IO, "per-task rows: temporary file: %s",
				    g_strerror(rows->spill->err));
			return FALSE;
		}
		rewind(rows->spill->f);
	}
	for (guint64 i = 0; ok && i < n; i++) {
		struct ds_task_result t;

		if (!rows->spill)
			t = g_array_index(r->tasks, struct ds_task_result, i);
		else if (fread(&t, sizeof(t), 1, rows->spill->f) != 1) {
			g_set_error(error, DS_ERROR, DS_ERROR_IO, "per-task rows: temporary file "
				    "ends at row %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT, i, n);
			return FALSE;
		}
		ok = put_row(f, gen, &t, i == 0);
	}
	if (ok)
		ok = fputs(n ? "\n    ]" : "]", f) != EOF;
	if (!ok)
		g_set_error(error, DS_ERROR, DS_ERROR_IO, "cannot write the per-task rows: %s",
			    g_strerror(errno));
	return ok;
}

gboolean ds_json_write_rows(JsonNode *root, const char *path, const struct ds_json_rows *rows,
			    guint n, GError **error)
{
	g_autoptr(JsonGenerator) gen = json_generator_new();
	g_autofree char *text = NULL;
	char **marks = g_new0(char *, n + 1);
	struct ds_outfile *out;
	const char *at;
	gboolean ok = TRUE;

	/* a random marker cannot collide with a string of the report (a path, a description) */
	for (guint i = 0; i < n; i++) {
		g_autofree char *uuid = g_uuid_string_random();

		marks[i] = g_strdup_printf("@@defersim-task-rows-%s@@", uuid);
		json_object_set_string_member(rows[i].metrics, "tasks", marks[i]);
	}
	json_generator_set_root(gen, root);
	json_generator_set_pretty(gen, TRUE);
	text = json_generator_to_data(gen, NULL);
	for (guint i = 0; i < n; i++)
		json_object_remove_member(rows[i].metrics, "tasks");
	out = ds_outfile_open(path, error);
	if (!out) {
		g_strfreev(marks);
		return FALSE;
	}
	at = text;
	for (guint i = 0; ok && i < n; i++) {
		g_autofree char *quoted = g_strdup_printf("\"%s\"", marks[i]);
		const char *m = strstr(at, quoted);

		if (!m) {
			g_set_error(error, DS_ERROR, DS_ERROR_INTERNAL, "task rows placeholder lost");
			ok = FALSE;
			break;
		}
		if (fwrite(at, 1, (size_t)(m - at), ds_outfile_stream(out)) != (size_t)(m - at)) {
			g_set_error(error, DS_ERROR, DS_ERROR_IO, "cannot write %s: %s", path,
				    g_strerror(errno));
			ok = FALSE;
			break;
		}
		ok = put_rows(ds_outfile_stream(out), &rows[i], error);
		at = m + strlen(quoted);
	}
	if (ok && (fputs(at, ds_outfile_stream(out)) == EOF ||
		   fputc('\n', ds_outfile_stream(out)) == EOF)) {
		g_set_error(error, DS_ERROR, DS_ERROR_IO, "cannot write %s: %s", path,
			    g_strerror(errno));
		ok = FALSE;
	}
	g_strfreev(marks);
	if (!ok) {
		ds_outfile_abort(out);
		return FALSE;
	}
	return ds_outfile_commit(out, error);
}
