// SPDX-License-Identifier: MIT
/*
 * cmd_sweep.c - `defersim sweep SWEEP.ini [-j N] [-o DIR]`: every point of a sweep file, in
 * parallel, resumable; or one point (--point, for GNU parallel and Slurm arrays), or the
 * command lines of all points (--emit-jobs).
 *
 * struct sweep_state is the run: the plan, the results table (a row per finished point),
 * which points share a key (identical inputs run once), counters for progress, and when
 * results.* were last written.  Finished points are saved by the executor's threads
 * (DIR/points/KEY.json); this file regenerates results.jsonl/csv from the finished points
 * while they finish (at most once a second, less often when the files grow large) and at the
 * end.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "ds_sweep.h"
#include "run_common.h"

/* results.* are rewritten while points finish at most once a second, and so that writing
 * them takes at most a tenth of the time (they grow with the sweep) */
#define RESULTS_EVERY_US G_USEC_PER_SEC
#define RESULTS_MAX_SHARE 10

struct sweep_opts {
	gint jobs;
	char *outdir;
	gint64 point;
	gboolean emit_jobs;
	gboolean list;
	char *cache_dir;
	gboolean quiet;
	gboolean adopt;
	gboolean task_rows;
	char *share_memory;
};

struct sweep_state {
	const struct sweep_opts *o;
	struct ds_sweep *sw;
	GPtrArray *points;	/* struct ds_sweep_point * */
	struct ds_results_table *results;	/* finished points, by index */
	GArray *done;		/* gboolean by point index: finished */
	GHashTable *same_key;	/* key -> GArray of guint64 point indices */
	GPtrArray *todo;	/* points to compute: the first of each key not finished */
	struct ds_trace_opts topts;
	uint64_t share_budget;	/* --share-memory, bytes */
	GHashTable *streams;	/* trace path -> struct ds_mem_stream *: shared (share.c) */
	guint finished;		/* points finished */
	guint computed;		/* finished in this run */
	guint failed;
	guint failed_input;	/* of them, failed on bad input (a trace, a parameter) */
	gint64 start_us;
	gint64 last_results_us;	/* when results.* were last written */
	gint64 results_cost_us;	/* how long that took */
	gboolean tty;
	int lock_fd;		/* DIR/sweep.lock, held while this process writes DIR (-1: none) */
};

static const char sweep_summary[] =
	"Runs every point of a sweep file: the cartesian product of the values of its keys.\n"
	"\n"
	"  [sweep]\n"
	"  trace = ../traces/lmk-4x64m-6.12.dat      # one or more, comma-separated\n"
	"  profile = x86-desktop, rpi4b              # names in profiles/ or .ini files\n"
	"  policy = sync, v3                         # any parameter of `replay --set`\n"
	"  pool_pages = 0..128*2                     # 0 1 2 4 ... 128 (A..B*F geometric)\n"
	"  cpus = 2..8/2                             # 2 4 6 8 (A..B/S arithmetic)\n"
	"  scale.wake_latency = 0.5, 1, 2            # multiply a profile cost\n"
	"\n"
	"Each finished point is saved as DIR/points/KEY.json (KEY: a hash of the trace, the\n"
	"profile, every parameter and the tool version); DIR/results.jsonl and DIR/results.csv\n"
	"hold all finished points by index.  Interrupted and run again, a sweep only computes\n"
	"what is missing; a point file that does not match its point's inputs is recomputed.\n"
	"A point file summarises the per-task rows (metrics.tasks_summary, docs/json.md;\n"
	"--task-rows: all of them too).\n"
	"Points read their trace's events from one copy decoded in memory once when it fits in\n"
	"--share-memory (docs/sweep.md), else each from the trace's binary cache; the results\n"
	"are the same.\n"
	"One sweep at a time writes DIR (DIR/sweep.lock): a second one is refused (exit 2);\n"
	"--point runs share it.  See the README, \"Sizing a pool\".";

static void sweep_opts_free(struct sweep_opts *o)
{
	g_free(o->outdir);
	g_free(o->cache_dir);
	g_free(o->share_memory);
}

static gboolean parse_args(int *argc, char ***argv, struct sweep_opts *o, GError **error)
{
	GOptionEntry entries[] = {
		{ "jobs", 'j', 0, G_OPTION_ARG_INT, &o->jobs, "Points run at once (default: all cores)", "N" },
		{ "output", 'o', 0, G_OPTION_ARG_FILENAME, &o->outdir, "Output directory (default: NAME-results in the current directory, for NAME.ini)", "DIR" },
		{ "point", 0, 0, G_OPTION_ARG_INT64, &o->point, "Run only point N (0-based; for GNU parallel or Slurm arrays)", "N" },
		{ "emit-jobs", 0, 0, G_OPTION_ARG_NONE, &o->emit_jobs, "Print one command line per point and exit", NULL },
		{ "list", 'l', 0, G_OPTION_ARG_NONE, &o->list, "List the points (index, key, done or not, values) and exit", NULL },
		{ "cache-dir", 0, 0, G_OPTION_ARG_FILENAME, &o->cache_dir, "Binary trace cache directory (default $XDG_CACHE_HOME/defersim)", "DIR" },
		{ "quiet", 'q', 0, G_OPTION_ARG_NONE, &o->quiet, "No progress output", NULL },
		{ "adopt", 0, 0, G_OPTION_ARG_NONE, &o->adopt, "Take over an output directory written by another sweep file (its points are reused where they match; its results.* are replaced)", NULL },
		{ "task-rows", 0, 0, G_OPTION_ARG_NONE, &o->task_rows, "Point files computed now list every per-task row (metrics.tasks; default: only metrics.tasks_summary)", NULL },
		{ "share-memory", 0, 0, G_OPTION_ARG_STRING, &o->share_memory, "Memory the points may share a trace's decoded event stream in (32 bytes an event), read once instead of once a point: a size (500M, 2G), 0 = never, auto (default) = a quarter of physical memory. Same results either way", "SIZE" },
		{ NULL, 0, 0, 0, NULL, NULL, NULL }
	};
	GOptionContext *ctx = g_option_context_new("SWEEP.ini - run every point of a sweep");
	gboolean ok;

	o->point = -1;
	g_option_context_set_summary(ctx, sweep_summary);
	ds_cli_exit_help(ctx, "Interrupted (Ctrl-C, SIGTERM, SIGHUP), it saves what finished and exits with 130.", NULL);
	g_option_context_add_main_entries(ctx, entries, NULL);
	ok = g_option_context_parse(ctx, argc, argv, error);
	g_option_context_free(ctx);
	if (ok && o->jobs < 0) {
		g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
			    "-j %d: expected a number of jobs >= 1", o->jobs);
		return FALSE;
	}
	return ok;
}

static char *default_outdir(const char *sweep_path)
{
	g_autofree char *base = g_path_get_basename(sweep_path);
	char *dot = strrchr(base, '.');

	if (dot && dot != base)
		*dot = '\0';
	return g_strconcat(base, "-results", NULL);
}

static char *describe(const struct ds_sweep_point *pt)
{
	GString *s = g_string_new(NULL);

	for (guint i = 0; i < pt->n_axes; i++) {
		const char *v = pt->values[i];
		g_autofree char *base = !strcmp(pt->axis_keys[i], "trace") ?
			g_path_get_basename(v) : NULL;

		g_string_append_printf(s, "%s%s=%s", i ? " " : "", pt->axis_keys[i], base ? base : v);
	}
	return g_string_free(s, FALSE);
}

/* scale.sync_free changes the profile's cost; when the trace's durations are the sync cost
 * (cost_source=trace, or auto with the built-in profile), it changes little or nothing. */
static gboolean trace_costs(const struct ds_sweep_point *pt)
{
	return pt->params.cost_source == DS_COST_TRACE ||
	       (pt->params.cost_source == DS_COST_AUTO && !pt->profile->path);
}

static void warn_scale_sync(const struct sweep_state *st)
{
	for (guint i = 0; i < st->points->len; i++) {
		const struct ds_sweep_point *pt = g_ptr_array_index(st->points, i);

		for (guint a = 0; a < pt->n_axes; a++) {
			if (g_str_has_prefix(pt->axis_keys[a], "scale.sync_free") &&
			    trace_costs(pt)) {
				g_printerr("defersim sweep: warning: %s scales the profile's sync "
					   "cost, but with cost_source=trace the recorded duration of "
					   "each release is used where the trace has one; add "
					   "`cost_source = profile` to the sweep\n", pt->axis_keys[a]);
				return;
			}
		}
	}
}

/* --- emit-jobs / list -------------------------------------------------------------------- */

static char *absolute(const char *path)
{
	g_autofree char *cwd = NULL;

	if (g_path_is_absolute(path))
		return g_strdup(path);
	cwd = g_get_current_dir();
	return g_build_filename(cwd, path, NULL);
}

static int emit_jobs(const struct sweep_state *st)
{
	g_autofree char *exe = g_file_read_link("/proc/self/exe", NULL);
	g_autofree char *sweep = absolute(st->sw->path);
	g_autofree char *dir = absolute(st->o->outdir);
	g_autofree char *qe = g_shell_quote(exe ? exe : "defersim");
	g_autofree char *qs = g_shell_quote(sweep);
	g_autofree char *qd = g_shell_quote(dir);
	g_autofree char *cache = NULL;

	if (st->o->cache_dir) {
		g_autofree char *abs = absolute(st->o->cache_dir);
		g_autofree char *q = g_shell_quote(abs);

		cache = g_strconcat(" --cache-dir ", q, NULL);
	}
	for (guint i = 0; i < st->points->len; i++)
		printf("%s sweep %s -o %s --quiet%s%s --point %u\n", qe, qs, qd, cache ? cache : "",
		       st->o->task_rows ? " --task-rows" : "", i);
	return fflush(stdout) ? DS_EXIT_FAIL : DS_EXIT_OK;
}

static int list_points(const struct sweep_state *st)
{
	for (guint i = 0; i < st->points->len; i++) {
		const struct ds_sweep_point *pt = g_ptr_array_index(st->points, i);
		g_autofree char *desc = describe(pt);

		printf("%u %s %s %s\n", i, pt->key,
		       g_array_index(st->done, gboolean, i) ? "done" : "todo", desc);
	}
	return DS_EXIT_OK;
}

/* --- state ------------------------------------------------------------------------------- */

static void state_clear(struct sweep_state *st)
{
	if (st->streams)
		g_hash_table_destroy(st->streams);
	if (st->todo)
		g_ptr_array_free(st->todo, TRUE);
	if (st->same_key)
		g_hash_table_destroy(st->same_key);
	ds_results_table_free(st->results);
	if (st->done)
		g_array_free(st->done, TRUE);
	if (st->points)
		g_ptr_array_free(st->points, TRUE);
	ds_sweep_free(st->sw);
	if (st->lock_fd >= 0)
		close(st->lock_fd);
}

static void record_set(struct sweep_state *st, guint64 index, JsonNode *rec)
{
	const struct ds_sweep_point *pt = g_ptr_array_index(st->points, index);
	JsonNode *here;

	if (g_array_index(st->done, gboolean, index))
		return;
	/* A stored record may come from another version of the sweep file: its index and
	 * values are this sweep's. */
	here = ds_record_set_point(rec, pt);
	ds_results_table_set(st->results, (guint)index, here);
	json_node_unref(here);
	g_array_index(st->done, gboolean, index) = TRUE;
	st->finished++;
}

static void record_key(struct sweep_state *st, const char *key, JsonNode *rec)
{
	GArray *idx = g_hash_table_lookup(st->same_key, key);

	for (guint i = 0; idx && i < idx->len; i++)
		record_set(st, g_array_index(idx, guint64, i), rec);
}

static guint count_other_files(const struct sweep_state *st)
{
	g_autofree char *dir = g_build_filename(st->o->outdir, "points", NULL);
	GDir *d = g_dir_open(dir, 0, NULL);
	const char *name;
	guint n = 0;

	while (d && (name = g_dir_read_name(d))) {
		g_autofree char *key = g_strndup(name, DS_SWEEP_KEY_LEN);

		if (g_str_has_suffix(name, ".json") &&
		    strlen(name) == DS_SWEEP_KEY_LEN + strlen(".json") &&
		    !g_hash_table_contains(st->same_key, key))
			n++;
	}
	if (d)
		g_dir_close(d);
	return n;
}

/* Group points by key, load finished ones, list what is left to compute. */
static void state_load(struct sweep_state *st)
{
	st->results = ds_results_table_new(st->points->len);
	st->done = g_array_new(FALSE, TRUE, sizeof(gboolean));
	g_array_set_size(st->done, st->points->len);
	st->same_key = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
					     (GDestroyNotify)g_array_unref);
	st->todo = g_ptr_array_new();
	for (guint i = 0; i < st->points->len; i++) {
		struct ds_sweep_point *pt = g_ptr_array_index(st->points, i);
		GArray *idx = g_hash_table_lookup(st->same_key, pt->key);
		guint64 index = i;

		if (!idx) {
			idx = g_array_new(FALSE, FALSE, sizeof(guint64));
			g_hash_table_insert(st->same_key, pt->key, idx);
		}
		g_array_append_val(idx, index);
	}
	for (guint i = 0; i < st->points->len; i++) {
		struct ds_sweep_point *pt = g_ptr_array_index(st->points, i);
		GArray *idx = g_hash_table_lookup(st->same_key, pt->key);
		GError *e = NULL;
		JsonNode *rec;

		if (g_array_index(idx, guint64, 0) != i)
			continue;	/* same inputs as an earlier point */
		rec = ds_sweep_store_lookup_point(st->o->outdir, pt, &e);
		if (e) {
			g_printerr("defersim sweep: warning: %s; recomputing point %u\n", e->message, i);
			g_error_free(e);
		}
		if (rec) {
			record_key(st, pt->key, rec);
			json_node_unref(rec);
		} else {
			g_ptr_array_add(st->todo, pt);
		}
	}
}

/* --- results and progress ---------------------------------------------------------------- */

static gboolean write_results(struct sweep_state *st, GError **error)
{
	gint64 t0 = g_get_monotonic_time();
	gboolean ok = ds_results_table_write(st->results, st->o->outdir, error);

	st->last_results_us = g_get_monotonic_time();
	st->results_cost_us = st->last_results_us - t0;
	return ok;
}

static gboolean results_due(const struct sweep_state *st)
{
	return g_get_monotonic_time() - st->last_results_us >=
	       MAX(RESULTS_EVERY_US, RESULTS_MAX_SHARE * st->results_cost_us);
}

static void fmt_secs(char *buf, size_t len, double s)
{
	guint t = (guint)(s + 0.5);

	if (t >= 3600)
		g_snprintf(buf, len, "%u:%02u:%02u", t / 3600, t / 60 % 60, t % 60);
	else
		g_snprintf(buf, len, "%u:%02u", t / 60, t % 60);
}

static void progress(const struct sweep_state *st, const struct ds_sweep_point *pt,
		     gboolean ok)
{
	g_autofree char *desc = describe(pt);
	double elapsed = (double)(g_get_monotonic_time() - st->start_us) / 1e6;
	guint total = st->points->len;
	char el[32], eta[32];

	if (st->o->quiet)
		return;
	fmt_secs(el, sizeof(el), elapsed);
	if (!st->tty) {
		fprintf(stderr, "defersim sweep: point %" G_GUINT64_FORMAT " %s (%u/%u, %s): %s\n",
			pt->index, ok ? "done" : "FAILED", st->finished + st->failed, total, el,
			desc);
		return;
	}
	fmt_secs(eta, sizeof(eta), st->computed ? elapsed / st->computed *
		 (double)(total - st->finished - st->failed) : 0);
	fprintf(stderr, "\r\033[K[%u/%u] %.0f%%  elapsed %s  ETA %s  last: %s",
		st->finished + st->failed, total,
		100.0 * (st->finished + st->failed) / MAX(total, 1), el,
		st->computed ? eta : "?", desc);
}

/* --- running ----------------------------------------------------------------------------- */

static void take_done(struct sweep_state *st, struct ds_sweep_done *d)
{
	if (d->record) {
		st->computed++;
		record_key(st, d->point->key, d->record);
		json_node_unref(d->record);
		progress(st, d->point, TRUE);
		return;
	}
	st->failed++;
	st->failed_input += ds_cli_exit_for_run_error(d->error) == DS_EXIT_USAGE;
	if (st->tty && !st->o->quiet)
		fputc('\n', stderr);
	g_printerr("defersim sweep: point %" G_GUINT64_FORMAT " failed: %s\n", d->point->index,
		   d->error->message);
	g_error_free(d->error);
	progress(st, d->point, FALSE);
}

/*
 * Ctrl-C, SIGTERM, SIGHUP: save what finished and leave; running points are lost, and the
 * next run computes them.  The signals are blocked before the worker threads exist (so they
 * inherit the mask) and polled here, which needs no handler and no global flag.
 */
static gboolean interrupted(const sigset_t *set)
{
	struct timespec zero = { 0, 0 };

	return sigtimedwait(set, NULL, &zero) > 0;
}

static void leave_interrupted(struct sweep_state *st, struct ds_sweep_exec *ex)
{
	GError *e = NULL;

	if (st->tty && !st->o->quiet)
		fputc('\n', stderr);
	if (!write_results(st, &e)) {
		g_printerr("defersim sweep: %s\n", e->message);
		g_error_free(e);
	}
	g_printerr("defersim sweep: interrupted: %u of %u points finished (in %s); run the same "
		   "command again to compute the rest\n", st->finished, st->points->len,
		   st->o->outdir);
	ds_sweep_exec_free(ex, TRUE);
	fflush(stdout);
	/* Worker threads are still inside points: exit without running atexit handlers that
	 * could free what they use. */
	_exit(130);
}

static int run_all(struct sweep_state *st, guint jobs)
{
	struct ds_sweep_exec *ex;
	GError *error = NULL;
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	st->start_us = st->last_results_us = g_get_monotonic_time();
	ex = ds_sweep_exec_start(st->todo, st->o->outdir, &st->topts, jobs, st->o->task_rows,
				 st->streams, &error);
	if (!ex) {
		g_printerr("defersim sweep: %s\n", error->message);
		g_error_free(error);
		return DS_EXIT_FAIL;
	}
	while (ds_sweep_exec_remaining(ex)) {
		struct ds_sweep_done d;

		if (interrupted(&set))
			leave_interrupted(st, ex);
		if (!ds_sweep_exec_next(ex, G_USEC_PER_SEC / 5, &d))
			continue;
		take_done(st, &d);
		if (results_due(st) && !write_results(st, &error))
			break;
	}
	ds_sweep_exec_free(ex, FALSE);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	if (st->tty && !st->o->quiet && st->computed + st->failed)
		fputc('\n', stderr);
	if (error) {
		g_printerr("defersim sweep: %s\n", error->message);
		g_error_free(error);
		return DS_EXIT_FAIL;
	}
	return DS_EXIT_OK;
}

static int run_one(struct sweep_state *st, guint64 index)
{
	const struct ds_sweep_point *pt;
	g_autofree char *desc = NULL;
	GError *error = NULL;
	JsonNode *rec;

	if (index >= st->points->len) {
		g_printerr("defersim sweep: --point %" G_GUINT64_FORMAT ": the sweep has %u points "
			   "(0..%u)\n", index, st->points->len, st->points->len - 1);
		return DS_EXIT_USAGE;
	}
	pt = g_ptr_array_index(st->points, index);
	desc = describe(pt);
	rec = ds_sweep_store_lookup_point(st->o->outdir, pt, &error);
	if (error) {
		g_printerr("defersim sweep: warning: %s; recomputing\n", error->message);
		g_clear_error(&error);
	}
	if (rec) {
		json_node_unref(rec);
		if (!st->o->quiet)
			g_printerr("defersim sweep: point %" G_GUINT64_FORMAT " already finished "
				   "(%s)\n", index, desc);
		return DS_EXIT_OK;
	}
	/* no results.* follow a --point run: its file's directory entry is synced here */
	rec = ds_sweep_point_run_save(pt, &st->topts, st->o->outdir, st->o->task_rows, TRUE,
				      &error);
	if (!rec) {
		int rc = ds_cli_exit_for_run_error(error);

		g_printerr("defersim sweep: point %" G_GUINT64_FORMAT " (%s): %s\n", index, desc,
			   error->message);
		g_error_free(error);
		return rc;
	}
	json_node_unref(rec);
	if (!st->o->quiet)
		g_printerr("defersim sweep: point %" G_GUINT64_FORMAT " done: %s\n", index, desc);
	return DS_EXIT_OK;
}

static void say_reuse(const struct sweep_state *st)
{
	guint others = count_other_files(st);

	if (st->o->quiet || (!st->finished && !others))
		return;
	g_printerr("defersim sweep: %s: reusing %u of %u points finished earlier (same key: same "
		   "trace, profile, parameters and version)", st->o->outdir, st->finished,
		   st->points->len);
	if (others)
		g_printerr("; %u other point file%s there %s not part of this sweep (kept)", others,
			   others == 1 ? "" : "s", others == 1 ? "is" : "are");
	g_printerr("\n");
}

static int finish(struct sweep_state *st, int status)
{
	GError *error = NULL;
	double secs = (double)(g_get_monotonic_time() - st->start_us) / 1e6;

	if (!write_results(st, &error)) {
		g_printerr("defersim sweep: %s\n", error->message);
		g_error_free(error);
		return DS_EXIT_FAIL;
	}
	if (!st->o->quiet)
		g_printerr("defersim sweep: %u of %u points finished (%u computed in %.1f s%s, %u "
			   "reused, %u failed) -> %s/results.jsonl, %s/results.csv\n",
			   st->finished, st->points->len, st->computed, st->computed ? secs : 0.0,
			   st->streams && g_hash_table_size(st->streams) ?
			   " on a shared in-memory stream" : "",
			   st->finished - st->computed, st->failed, st->o->outdir, st->o->outdir);
	/* failed points: 2 when each failed on its input (as `replay` would), else 1 */
	if (status != DS_EXIT_OK || !st->failed)
		return status;
	return st->failed == st->failed_input ? DS_EXIT_USAGE : DS_EXIT_FAIL;
}

static int sweep_main(struct sweep_state *st)
{
	const struct sweep_opts *o = st->o;
	GError *error = NULL;
	guint jobs = o->jobs ? (guint)o->jobs : (guint)g_get_num_processors();
	int status;

	if (o->emit_jobs)
		return emit_jobs(st);
	/* one whole sweep at a time in a directory; --point runs (emitted jobs) share it */
	st->lock_fd = ds_sweep_store_lock(o->outdir, o->point < 0 && !o->list, &error);
	if (st->lock_fd < 0 || !ds_sweep_store_init(o->outdir, st->sw->path, o->adopt, &error)) {
		int rc = g_error_matches(error, DS_ERROR, DS_ERROR_PARAM) ? DS_EXIT_USAGE :
			DS_EXIT_FAIL;

		g_printerr("defersim sweep: %s\n", error->message);
		g_error_free(error);
		return rc;
	}
	if (o->point >= 0)
		return run_one(st, (guint64)o->point);
	state_load(st);
	if (o->list)
		return list_points(st);
	say_reuse(st);
	warn_scale_sync(st);
	st->start_us = g_get_monotonic_time();
	if (st->todo->len &&
	    !(st->streams = ds_sweep_share_streams(st->todo, &st->topts, st->share_budget, jobs,
						   o->quiet, &error))) {
		status = ds_cli_exit_for_run_error(error);
		g_printerr("defersim sweep: %s\n", error->message);
		g_error_free(error);
		return status;
	}
	status = st->todo->len ? run_all(st, MIN(jobs, st->todo->len)) : DS_EXIT_OK;
	return finish(st, status);
}

int ds_cmd_sweep(int argc, char **argv)
{
	struct sweep_opts o = { 0 };
	struct sweep_state st = { .o = &o, .lock_fd = -1 };
	GError *error = NULL;
	int status = DS_EXIT_USAGE;

	if (!parse_args(&argc, &argv, &o, &error)) {
		g_printerr("defersim sweep: %s\n", error->message);
		g_error_free(error);
		goto out;
	}
	if (!ds_sweep_share_budget(o.share_memory, &st.share_budget, &error)) {
		g_printerr("defersim sweep: %s\n", error->message);
		g_error_free(error);
		goto out;
	}
	if (argc != 2) {
		g_printerr("defersim sweep: %s\nTry 'defersim sweep --help'.\n",
			   argc < 2 ? "no sweep file given" : "more than one sweep file given");
		goto out;
	}
	if (!o.outdir)
		o.outdir = default_outdir(argv[1]);
	st.topts.use_cache = TRUE;
	st.topts.cache_dir = o.cache_dir;
	st.sw = ds_sweep_load(argv[1], &error);
	if (st.sw)
		st.points = ds_sweep_plan(st.sw, &st.topts, &error);
	if (!st.points) {
		g_printerr("defersim sweep: %s\n", error->message);
		g_error_free(error);
		goto out;
	}
	st.tty = isatty(STDERR_FILENO);
	status = sweep_main(&st);
out:
	state_clear(&st);
	sweep_opts_free(&o);
	return status;
}
