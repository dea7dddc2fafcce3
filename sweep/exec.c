// SPDX-License-Identifier: MIT
/*
 * exec.c - running points on a GThreadPool and handing them out, finished, one at a time.
 *
 * The simulator has no global state, and every point opens its own source: on the trace's
 * stream loaded in memory once for all points when the sweep shares it (a struct
 * ds_mem_stream, read-only), else on the binary cache, warmed beforehand by
 * ds_sweep_warm_cache() (libtracecmd never runs in two threads at once).  A worker runs its
 * point, saves the point file itself (so that a finished point is on disk as early as
 * possible, whatever happens to the process afterwards) and pushes a struct ds_sweep_done
 * onto an async queue; the caller pulls them with ds_sweep_exec_next().
 *
 * struct ds_sweep_exec: the pool, the queue of finished points, the inputs the workers share
 * read-only (store directory, trace options, shared streams by trace path), and the count not
 * yet handed out (touched by the caller's thread only).
 */
#include "ds_sweep.h"

struct ds_sweep_exec {
	GThreadPool *pool;
	GAsyncQueue *done;
	char *store_dir;
	char *cache_dir;
	struct ds_trace_opts topts;
	GHashTable *streams;	/* trace path -> const struct ds_mem_stream *, or NULL */
	gboolean task_rows;	/* point files list every per-task row */
	guint remaining;
};

static void run_point(gpointer data, gpointer user_data)
{
	const struct ds_sweep_point *pt = data;
	struct ds_sweep_exec *ex = user_data;
	struct ds_sweep_done *d = g_new0(struct ds_sweep_done, 1);
	struct ds_trace_opts topts = ex->topts;

	topts.stream = ex->streams ? g_hash_table_lookup(ex->streams, pt->trace) : NULL;
	d->point = pt;
	/* points/ is synced by the caller's next results write, before it lists the point */
	d->record = ds_sweep_point_run_save(pt, &topts, ex->store_dir, ex->task_rows, FALSE,
					    &d->error);
	g_async_queue_push(ex->done, d);
}

static void done_free(gpointer data)
{
	struct ds_sweep_done *d = data;

	if (d->record)
		json_node_unref(d->record);
	if (d->error)
		g_error_free(d->error);
	g_free(d);
}

struct ds_sweep_exec *ds_sweep_exec_start(GPtrArray *points, const char *store_dir,
					  const struct ds_trace_opts *topts, guint jobs,
					  gboolean task_rows, GHashTable *streams,
					  GError **error)
{
	struct ds_sweep_exec *ex = g_new0(struct ds_sweep_exec, 1);

	ex->done = g_async_queue_new_full(done_free);
	ex->store_dir = g_strdup(store_dir);
	ex->task_rows = task_rows;
	ex->streams = streams;
	ex->topts = *topts;
	ex->cache_dir = g_strdup(topts->cache_dir);
	ex->topts.cache_dir = ex->cache_dir;
	ex->topts.progress = FALSE;	/* progress is the sweep's, not each reader's */
	ex->pool = g_thread_pool_new(run_point, ex, (gint)MAX(jobs, 1), TRUE, error);
	if (!ex->pool) {
		ds_sweep_exec_free(ex, FALSE);
		return NULL;
	}
	for (guint i = 0; i < points->len; i++) {
		if (!g_thread_pool_push(ex->pool, g_ptr_array_index(points, i), error)) {
			ds_sweep_exec_free(ex, FALSE);
			return NULL;
		}
		ex->remaining++;
	}
	return ex;
}

gboolean ds_sweep_exec_next(struct ds_sweep_exec *ex, gint64 timeout_us,
			    struct ds_sweep_done *done)
{
	struct ds_sweep_done *d;

	if (!ex->remaining)
		return FALSE;
	d = g_async_queue_timeout_pop(ex->done, (guint64)MAX(timeout_us, 0));
	if (!d)
		return FALSE;
	*done = *d;
	g_free(d);
	ex->remaining--;
	return TRUE;
}

guint ds_sweep_exec_remaining(const struct ds_sweep_exec *ex)
{
	return ex->remaining;
}

void ds_sweep_exec_free(struct ds_sweep_exec *ex, gboolean abandon)
{
	if (!ex)
		return;
	if (abandon) {
		/* Workers still reference ex: stop queued points, let the process exit. */
		if (ex->pool)
			g_thread_pool_free(ex->pool, TRUE, FALSE);
		return;
	}
	if (ex->pool)
		g_thread_pool_free(ex->pool, TRUE, TRUE);
	g_async_queue_unref(ex->done);
	g_free(ex->store_dir);
	g_free(ex->cache_dir);
	g_free(ex);
}
